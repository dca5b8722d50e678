// Searchable text of STIX objects.
#include "stix/search_text.h"

#include <initializer_list>
#include <string_view>

namespace tansiq::stix {
namespace {

void Append(std::string& out, const boost::json::value* v) {
  if (!v) return;
  if (const auto* s = v->if_string()) {
    if (s->empty()) return;
    if (!out.empty()) out += '\n';
    out.append(s->data(), s->size());
  } else if (const auto* a = v->if_array()) {
    for (const auto& e : *a) Append(out, &e);
  }
}

void AppendFields(std::string& out, const boost::json::object& o,
                  std::initializer_list<std::string_view> keys) {
  for (auto k : keys) Append(out, o.if_contains(k));
}

}  // namespace

SearchText ExtractSearchText(const boost::json::object& o) {
  SearchText t;
  AppendFields(t.names, o,
               {"name", "aliases", "x_mitre_aliases", "region", "country", "city",
                "administrative_area", "street_address"});
  AppendFields(t.body, o,
               {"description", "content", "abstract", "explanation", "objective", "labels",
                "pattern", "value", "subject", "body", "opinion", "authors"});
  for (auto k : {"name", "abstract", "value", "subject"}) {
    if (const auto* v = o.if_contains(k); v && v->is_string() && !v->get_string().empty()) {
      t.title = std::string(v->get_string());
      break;
    }
  }
  if (const auto* v = o.if_contains("lang"); v && v->is_string()) {
    t.lang = std::string(v->get_string());
  }
  if (const auto* v = o.if_contains("created_by_ref"); v && v->is_string()) {
    t.created_by_ref = std::string(v->get_string());
  }
  return t;
}

}  // namespace tansiq::stix
