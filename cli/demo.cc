// `tansiq demo`: a ready-to-explore hub with four parties (iq, ru, sy, ir), officers and
// chiefs of staff in each, and multilingual content including the public Arabic report.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "cli/commands.h"
#include "hub/admin.h"
#include "hub/ingest.h"
#include "stix/markings.h"
#include "stix/timestamp.h"

namespace tansiq::cli {
namespace json = boost::json;
namespace {

struct DemoParty {
  const char* code;
  const char* name;
};
constexpr DemoParty kParties[] = {
    {"iq", "العراق"}, {"ru", "Россия"}, {"sy", "سوريا"}, {"ir", "ایران"}};

hub::HubSpec DemoSpec() {
  hub::HubSpec spec;
  spec.name = "مركز العمليات المشترك — Joint Coordination Centre";
  for (const auto& p : kParties) {
    spec.parties.push_back({p.code, p.name, ""});
    std::string c = p.code;
    spec.users.push_back({c + "-officer", c, {"officer"}, "demo-" + c + "-officer", {}, ""});
    spec.users.push_back(
        {c + "-chief", c, {"recipient"}, "demo-" + c + "-chief", {c + "-deputy"}, ""});
    spec.users.push_back({c + "-deputy", c, {"recipient"}, "demo-" + c + "-deputy", {}, ""});
  }
  spec.users.push_back({"iq-admin", "iq", {"admin", "hub-admin"}, "demo-iq-admin", {}, ""});
  return spec;
}

json::object Sdo(std::string_view type, const std::string& creator, const std::string& now) {
  json::object o;
  o["type"] = type;
  o["spec_version"] = "2.1";
  o["id"] = hub::Hub::NewId(type);
  o["created_by_ref"] = creator;
  o["created"] = now;
  o["modified"] = now;
  return o;
}

std::string Id(const json::object& o) { return std::string(o.at("id").get_string()); }

// A Tansiq releasability marking-definition: to parties (`to_refs`) and/or named users.
json::object ReleasabilityMarking(const std::string& creator, const std::string& now,
                                  std::string_view name, json::array to_refs,
                                  json::array recipients) {
  json::object ext{{"extension_type", "property-extension"}};
  if (!to_refs.empty()) ext["releasable_to_refs"] = std::move(to_refs);
  if (!recipients.empty()) ext["recipients"] = std::move(recipients);
  json::object m;
  m["type"] = "marking-definition";
  m["spec_version"] = "2.1";
  m["id"] = hub::Hub::NewId("marking-definition");
  m["created_by_ref"] = creator;
  m["created"] = now;
  m["name"] = name;
  m["extensions"] = json::object{{std::string(stix::kReleasabilityExtensionId), std::move(ext)}};
  return m;
}

Status Post(hub::Hub& hub, const std::string& user, json::array objects) {
  auto u = hub.store().UserByName(user);
  if (!u.ok()) return u.status();
  policy::Reader r{(*u)->id, (*u)->name, (*u)->party, (*u)->roles};
  auto report = hub::IngestAndWait(hub, r, *hub.directory()->Coalition(), std::move(objects));
  if (!report.ok()) return report.status();
  for (const auto& item : report->items) {
    if (!item.ok) return Internal("demo object refused: " + item.message);
  }
  return Status::Ok();
}

Status LoadContent(hub::Hub& hub, const std::string& report_path) {
  auto dir = hub.directory();
  auto identity = [&](const char* code) { return dir->PartyByCode(code)->identity_id; };
  const std::string now = stix::FormatMicros(hub.clock().NowMicros() / 1000 * 1000);

  // Iraq: the public Arabic report, with the actors and places it names. TLP:GREEN.
  std::string text;
  {
    std::ifstream in(report_path);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  if (text.empty()) {
    spdlog::warn("demo report {} not found; the Arabic report is left out", report_path);
    text = "بغداد: لمركز العمليات المشترك مع روسيا وسوريا وإيران دور فتاك في محاربة الإرهاب";
  }
  std::string title = text.substr(0, text.find('\n'));
  const json::array green{std::string(stix::kTlpGreenId)};
  json::object person = Sdo("identity", identity("iq"), now);
  person["name"] = "اللواء تحسين الخفاجي";
  person["identity_class"] = "individual";
  person["description"] = "المتحدث الرسمي باسم قيادة العمليات المشتركة العراقية";
  person["object_marking_refs"] = green;
  json::object baghdad = Sdo("location", identity("iq"), now);
  baghdad["name"] = "بغداد";
  baghdad["country"] = "IQ";
  baghdad["latitude"] = 33.3152;
  baghdad["longitude"] = 44.3661;
  baghdad["object_marking_refs"] = green;
  json::object isis = Sdo("intrusion-set", identity("iq"), now);
  isis["name"] = "داعش";
  isis["aliases"] = json::array{"ISIS", "ISIL", "Daesh", "ИГИЛ", "الدولة الإسلامية"};
  isis["object_marking_refs"] = green;
  json::object report = Sdo("report", identity("iq"), now);
  report["name"] = title;
  report["description"] = text;
  report["lang"] = "ar";
  report["published"] = now;
  report["report_types"] = json::array{"threat-report"};
  report["object_refs"] = json::array{Id(person), Id(baghdad), Id(isis)};
  report["object_marking_refs"] = green;
  TANSIQ_RETURN_IF_ERROR(Post(hub, "iq-officer", {person, baghdad, isis, report}));

  // Russia: a note releasable to Iraq and Syria only (Tansiq releasability marking).
  json::object marking = ReleasabilityMarking(identity("ru"), now, "releasable to iq, sy",
                                              {identity("iq"), identity("sy")}, {});
  json::object note = Sdo("note", identity("ru"), now);
  note["abstract"] = "Перемещение боевиков ИГИЛ у Дейр-эз-Зора";
  note["content"] =
      "По данным российской стороны, группа боевиков ИГИЛ переместилась из района Дейр-эз-Зора "
      "к иракской границе в районе Эль-Кайма.";
  note["lang"] = "ru";
  note["object_refs"] = json::array{Id(isis)};
  note["object_marking_refs"] = json::array{Id(marking)};
  TANSIQ_RETURN_IF_ERROR(Post(hub, "ru-officer", {marking, note}));

  // Iran: a Persian report at TLP:AMBER (every party of the hub, never federated).
  json::object fa = Sdo("report", identity("ir"), now);
  fa["name"] = "گزارش تحرکات داعش در مرز عراق و سوریه";
  // clang-format off: it does not converge on this right-to-left text.
  fa["description"] =
      "بر اساس اطلاعات دریافتی، گروه تروریستی داعش در نزدیکی البوکمال "
      "فعالیت‌های خود را افزایش داده است.";
  // clang-format on
  fa["lang"] = "fa";
  fa["published"] = now;
  fa["report_types"] = json::array{"threat-report"};
  fa["object_refs"] = json::array{Id(isis)};
  fa["object_marking_refs"] = json::array{std::string(stix::kTlpAmberId)};
  TANSIQ_RETURN_IF_ERROR(Post(hub, "ir-officer", {fa}));

  // Syria: an indicator at TLP:RED for Iraq's chief of staff only.
  json::object red =
      ReleasabilityMarking(identity("sy"), now, "TLP:RED for iq-chief", {}, {"iq-chief"});
  json::object indicator = Sdo("indicator", identity("sy"), now);
  indicator["name"] = "Courier phone used by the Deir ez-Zor cell";
  indicator["pattern"] = "[phone-number:value = '+963-000-0000']";
  indicator["pattern_type"] = "stix";
  indicator["valid_from"] = now;
  indicator["object_marking_refs"] = json::array{std::string(stix::kTlpRedId), Id(red)};
  return Post(hub, "sy-officer", {red, indicator});
}

}  // namespace

int Demo(const std::string& dir, const std::string& report_path, server::ServerOptions options) {
  std::filesystem::create_directories(dir);
  const std::string db = dir + "/hub.db";
  const hub::HubSpec spec = DemoSpec();
  bool fresh = !std::filesystem::exists(db);
  if (fresh) {
    Status s = hub::InitHub(db, spec, SystemClock());
    if (!s.ok()) {
      spdlog::error("{}", s.message());
      return 1;
    }
  }
  auto hub = hub::Hub::Open({.db_path = db});
  if (!hub.ok()) {
    spdlog::error("{}", hub.status().message());
    return 1;
  }
  if (fresh) {
    Status s = LoadContent(**hub, report_path);
    if (!s.ok()) {
      spdlog::error("demo content: {}", s.message());
      return 1;
    }
  }
  std::cout << "Demo hub at " << db << ". Users (password):\n";
  for (const auto& u : spec.users) std::cout << "  " << u.name << " (" << u.password << ")\n";
  // With port 0 the port is known only once listening: the "serving" log line names it.
  const std::string port = options.port != 0 ? std::to_string(options.port) : "PORT";
  std::cout << "Try: curl -u iq-officer:demo-iq-officer -H 'Accept: application/taxii+json;"
               "version=2.1' http://"
            << options.host << ":" << port << "/taxii2/\n"
            << "Web UI: http://" << options.host << ":" << port << "/\n";
  if (options.port == 0) std::cout << "(PORT: the one in the \"serving\" line below)\n";
  std::cout << std::flush;
  Status s = server::Serve(**hub, options);
  if (!s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  return 0;
}

}  // namespace tansiq::cli
