// libFuzzer target for the STIX parser and validator: any bytes → JSON (depth ≤ 64, as the
// server parses) → stix::Inspect, stix::ValidateObject, stix::StripRefs, ParseReleasability.
// Bundles are walked object by object, as hub::Ingest does.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string_view>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "stix/markings.h"
#include "stix/object.h"
#include "stix/validate.h"

namespace {

namespace json = boost::json;
using namespace tansiq;

// Hides about half of all ids, decided by a hash so the choice is stable for an input.
bool VisibleByParity(std::string_view id) { return std::hash<std::string_view>{}(id) % 2 == 0; }

void Fail(const char* what, const json::object& object) {
  std::fprintf(stderr, "fuzz_stix: %s\n%s\n", what, json::serialize(object).c_str());
  std::abort();
}

void CheckObject(const json::object& object) {
  const Status valid = stix::ValidateObject(object);
  auto facts = stix::Inspect(object);
  if (facts.ok() != valid.ok()) Fail("Inspect and ValidateObject disagree", object);
  if (facts.ok() && facts->id != object.at("id").as_string()) Fail("Inspect: wrong id", object);

  // StripRefs: a second pass with the same predicate finds nothing left to strip, and an
  // object that was valid and survives stays valid.
  json::object stripped = object;
  if (stix::StripRefs(stripped, VisibleByParity)) {
    json::object again = stripped;
    if (!stix::StripRefs(again, VisibleByParity) || again != stripped) {
      Fail("StripRefs is not idempotent", object);
    }
    // Granular-marking selectors follow renumbered lists (regression seed:
    // regress-strip-granular-selector-index.json).
    if (valid.ok() && !stix::ValidateObject(stripped).ok()) {
      Fail("StripRefs made a valid object invalid", object);
    }
  }
  json::object all_visible = object;
  if (!stix::StripRefs(all_visible, [](std::string_view) { return true; }) ||
      all_visible != object) {
    Fail("StripRefs changed an object whose refs are all visible", object);
  }

  auto type = object.if_contains("type");
  if (type && type->is_string() && type->get_string() == "marking-definition") {
    (void)stix::ParseReleasability(object);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  json::parse_options options;
  options.max_depth = 64;
  boost::system::error_code ec;
  json::value value =
      json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec, {}, options);
  if (ec || !value.is_object()) return 0;
  const json::object& object = value.get_object();
  CheckObject(object);
  const json::value* items = object.if_contains("objects");  // optional in a bundle
  if (stix::ValidateBundleEnvelope(object).ok() && items && items->is_array()) {
    for (const json::value& item : items->get_array()) {
      if (item.is_object()) CheckObject(item.get_object());
    }
  }
  return 0;
}
