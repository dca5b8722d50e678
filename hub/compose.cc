// Compose: a web UI report → STIX 2.1 report (+ releasability marking-definition).
#include "hub/compose.h"

#include <algorithm>
#include <cctype>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "stix/identifier.h"
#include "stix/timestamp.h"

namespace tansiq::hub {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxTitle = 2048;          // bytes
constexpr std::size_t kMaxText = 1024 * 1024;    // bytes
constexpr std::size_t kMaxListEntries = 10'000;  // releasable_to, recipients, object_refs

Status Bad(std::string_view field, std::string_view why) {
  return InvalidArgument(std::string(field) + ": " + std::string(why));
}

// A BCP 47 language tag as STIX uses it: 2-3 letters, then optional subtags.
bool ValidLangTag(std::string_view s) {
  if (s.size() < 2 || s.size() > 35) return false;
  std::size_t i = 0;
  while (i < s.size() && std::islower(static_cast<unsigned char>(s[i]))) ++i;
  if (i < 2 || i > 3) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    std::size_t start = ++i;
    while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
    if (i - start < 1 || i - start > 8) return false;
  }
  return true;
}

Result<stix::Tlp> ParseTlp(std::string_view s) {
  std::string v;
  for (char c : s) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v.starts_with("tlp:")) v.erase(0, 4);
  for (auto t : {stix::Tlp::kClear, stix::Tlp::kGreen, stix::Tlp::kAmber, stix::Tlp::kAmberStrict,
                 stix::Tlp::kRed}) {
    if (v == stix::TlpName(t)) return t;
  }
  return Bad("tlp", "must be one of clear, green, amber, amber+strict, red");
}

Result<std::string> RequiredString(const json::object& o, std::string_view field,
                                   std::size_t max_bytes) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return Bad(field, "is required");
  if (!it->value().is_string()) return Bad(field, "must be a string");
  std::string v(it->value().get_string());
  std::size_t start = v.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return Bad(field, "must not be empty");
  if (v.size() > max_bytes) {
    return Bad(field, "is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return v;
}

Result<std::vector<std::string>> StringList(const json::value& v, std::string_view field) {
  if (!v.is_array()) return Bad(field, "must be an array of strings");
  const json::array& a = v.get_array();
  if (a.size() > kMaxListEntries) return Bad(field, "has too many entries");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string name = std::string(field) + "[" + std::to_string(i) + "]";
    if (!a[i].is_string() || a[i].get_string().empty()) {
      return Bad(name, "must be a non-empty string");
    }
    std::string s(a[i].get_string());
    if (std::find(out.begin(), out.end(), s) != out.end()) return Bad(name, "is repeated");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

Result<ReportDraft> ParseReportDraft(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return InvalidArgument("request body is not valid JSON: " + ec.message());
  const json::object* o = v.if_object();
  if (!o) return InvalidArgument("request body must be a JSON object");
  for (const auto& kv : *o) {
    const std::string_view k = kv.key();
    if (k != "title" && k != "text" && k != "lang" && k != "tlp" && k != "releasable_to" &&
        k != "recipients" && k != "object_refs") {
      return InvalidArgument("unknown field '" + std::string(k) + "'");
    }
  }
  ReportDraft d;
  auto title = RequiredString(*o, "title", kMaxTitle);
  if (!title.ok()) return title.status();
  d.title = std::move(*title);
  auto text = RequiredString(*o, "text", kMaxText);
  if (!text.ok()) return text.status();
  d.text = std::move(*text);
  auto lang = RequiredString(*o, "lang", 35);
  if (!lang.ok()) return lang.status();
  if (!ValidLangTag(*lang)) return Bad("lang", "must be a language tag such as ar, en, ru, fa");
  d.lang = std::move(*lang);
  auto tlp_text = RequiredString(*o, "tlp", 32);
  if (!tlp_text.ok()) return tlp_text.status();
  auto tlp = ParseTlp(*tlp_text);
  if (!tlp.ok()) return tlp.status();
  d.tlp = *tlp;

  if (auto it = o->find("releasable_to"); it != o->end() && !it->value().is_null()) {
    auto list = StringList(it->value(), "releasable_to");
    if (!list.ok()) return list.status();
    if (list->empty()) {
      return Bad("releasable_to",
                 "is empty: omit it to release by TLP alone, or name at least one party");
    }
    d.releasable_to = std::move(*list);
  }
  if (auto it = o->find("recipients"); it != o->end() && !it->value().is_null()) {
    auto list = StringList(it->value(), "recipients");
    if (!list.ok()) return list.status();
    d.recipients = std::move(*list);
  }
  if (d.tlp == stix::Tlp::kRed && d.releasable_to) {
    return Bad("releasable_to",
               "does not apply to TLP:RED, which goes only to named users: use recipients");
  }
  if (d.tlp != stix::Tlp::kRed && !d.recipients.empty()) {
    return Bad("recipients", "apply only to TLP:RED; use releasable_to for parties");
  }
  if (auto it = o->find("object_refs"); it != o->end() && !it->value().is_null()) {
    auto list = StringList(it->value(), "object_refs");
    if (!list.ok()) return list.status();
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (!stix::IsValidIdentifier((*list)[i])) {
        return Bad("object_refs[" + std::to_string(i) + "]", "is not a STIX identifier");
      }
    }
    if (!list->empty()) d.object_refs = std::move(*list);
  }
  return d;
}

Result<ComposedReport> ComposeReport(Hub& hub, const policy::Reader& author, const ReportDraft& d) {
  auto dir = hub.directory();
  const store::Party* own = dir->PartyByIndex(author.party);
  if (!own) return Internal("the author's party is not in the directory");
  const std::string now = stix::FormatMicros(hub.clock().NowMicros() / 1000 * 1000);

  json::array refs;
  if (d.object_refs) {
    for (std::size_t i = 0; i < d.object_refs->size(); ++i) {
      const std::string& id = (*d.object_refs)[i];
      // Unknown and invisible answer alike: nothing about an invisible object leaks.
      if (!hub.store().IsVisible(author, id)) {
        return Bad("object_refs[" + std::to_string(i) + "]", "no such object");
      }
      refs.push_back(json::value(id));
    }
  } else {
    refs.push_back(json::value(own->identity_id));
  }

  json::array markings{json::value(stix::TlpMarkingId(d.tlp))};
  ComposedReport out;
  const bool marked = d.releasable_to.has_value() || !d.recipients.empty();
  if (marked) {
    stix::Releasability rel;
    std::string label;
    if (d.releasable_to) {
      for (std::size_t i = 0; i < d.releasable_to->size(); ++i) {
        const std::string& p = (*d.releasable_to)[i];
        const store::Party* party = dir->PartyByCode(p);
        if (!party) {
          auto idx = dir->PartyOfIdentity(p);
          if (idx) party = dir->PartyByIndex(*idx);
        }
        if (!party) return Bad("releasable_to[" + std::to_string(i) + "]", "no such party");
        rel.releasable_to_refs.push_back(party->identity_id);
        label += (label.empty() ? "" : ", ") + party->code;
      }
    }
    for (std::size_t i = 0; i < d.recipients.size(); ++i) {
      auto u = hub.store().UserByName(d.recipients[i]);
      if (!u.ok()) return u.status();
      if (!u->has_value()) {
        return Bad("recipients[" + std::to_string(i) + "]", "no such user");
      }
      rel.recipients.push_back(d.recipients[i]);
      label += (label.empty() ? "" : ", ") + d.recipients[i];
    }
    json::object m = stix::ReleasabilityMarkingDefinition(
        Hub::NewId("marking-definition"), own->identity_id, now, "releasable to " + label, rel);
    markings.push_back(m["id"]);
    out.objects.push_back(std::move(m));
  }

  json::object report;
  report["type"] = "report";
  report["spec_version"] = "2.1";
  report["id"] = Hub::NewId("report");
  report["created_by_ref"] = own->identity_id;
  report["created"] = now;
  report["modified"] = now;
  report["name"] = d.title;
  report["description"] = d.text;
  report["lang"] = d.lang;
  report["published"] = now;
  report["report_types"] = json::array{"threat-report"};
  report["object_refs"] = std::move(refs);
  report["object_marking_refs"] = std::move(markings);
  out.report_id = std::string(report["id"].get_string());
  out.objects.push_back(std::move(report));
  return out;
}

}  // namespace tansiq::hub
