// libFuzzer target for TAXII query parameters: any bytes → a query string split into decoded
// pairs (as server.cc does) → server::FilterDigest, PageTokens::Redeem of every `next` value
// against a fixed key, and the stix:: checks the filters apply (timestamps, ids, type names).
// Also checks that a token issued for a cursor taken from the input redeems to that cursor.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <boost/url/parse_query.hpp>

#include "server/call.h"
#include "server/paging.h"
#include "stix/identifier.h"
#include "stix/timestamp.h"

namespace {

using namespace tansiq;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_taxii_params: %s\n", what);
    std::abort();
  }
}

// Each comma-separated value of a match[...] filter, as the TAXII handlers read them.
template <typename Fn>
void ForEachListed(std::string_view value, Fn fn) {
  while (true) {
    const auto comma = value.find(',');
    fn(value.substr(0, comma));
    if (comma == std::string_view::npos) return;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const server::PageTokens tokens([] {
    std::array<unsigned char, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
    return key;
  }());
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // A NUL-terminated copy: Boost.URL 1.81's parse_query runs strlen on an empty query's data.
  const std::string query(input);
  auto params = boost::urls::parse_query(query);
  if (!params) return 0;

  const server::Request request;
  server::Call call{request, "/taxii2/hub/collections/coalition/objects/", {}, {}, "fuzz", {}, {}};
  for (auto p : *params) call.query.emplace_back(p.key, p.value);

  const std::string digest = server::FilterDigest(call);
  Check(digest == server::FilterDigest(call), "FilterDigest is not deterministic");
  const std::string scope = "objects:coalition";

  for (const auto& [key, value] : call.query) {
    if (key == "next") {
      (void)tokens.Redeem(value, 1, scope, digest);
    } else if (key == "added_after") {
      (void)stix::ParseTimestamp(value);
    } else if (key == "match[id]") {
      ForEachListed(value, [](std::string_view v) { (void)stix::IsValidIdentifier(v); });
    } else if (key == "match[type]") {
      ForEachListed(value, [](std::string_view v) { (void)stix::IsValidTypeName(v); });
    } else if (key == "match[version]") {
      ForEachListed(value, [](std::string_view v) {
        if (v != "first" && v != "last" && v != "all") (void)stix::ParseTimestamp(v, 3);
      });
    } else if (key == "limit") {
      long long limit = 0;
      (void)std::from_chars(value.data(), value.data() + value.size(), limit);
    } else {
      (void)stix::IdentifierType(value);
    }
  }
  // A timestamp that parses formats back to one that parses to the same instant.
  if (auto ts = stix::ParseTimestamp(input); ts.ok()) {
    auto again = stix::ParseTimestamp(stix::FormatMicros(ts->micros));
    Check(again.ok() && again->micros == ts->micros, "FormatMicros does not round-trip");
  }
  // Round trip: a token issued for this request redeems to its cursor, and not for another
  // caller or another request's filters.
  store::Cursor cursor;
  std::memcpy(&cursor.date_added, data, std::min(size, sizeof cursor.date_added));
  cursor.seq = static_cast<std::int64_t>(size);
  const std::string token = tokens.Issue(1, scope, digest, cursor);
  auto redeemed = tokens.Redeem(token, 1, scope, digest);
  Check(redeemed.ok() && redeemed->date_added == cursor.date_added && redeemed->seq == cursor.seq,
        "an issued token does not redeem to its cursor");
  Check(!tokens.Redeem(token, 2, scope, digest).ok(), "a token redeemed for another caller");
  Check(!tokens.Redeem(token, 1, scope, digest + "x").ok(), "a token redeemed for other filters");
  return 0;
}
