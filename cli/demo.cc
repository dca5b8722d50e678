// `tansiq demo`: a ready-to-explore hub with four parties (iq, ru, sy, ir), officers and
// chiefs of staff in each, and the original multilingual content of data/demo/ (reports in
// Arabic, Persian, Russian and English, a FLASH).
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "cli/commands.h"
#include "hub/admin.h"
#include "hub/ingest.h"
#include "hub/messages.h"
#include "stix/markings.h"
#include "stix/timestamp.h"
#include "store/sqlite/sqlite.h"

namespace tansiq::cli {
namespace json = boost::json;
namespace {

struct DemoParty {
  const char* code;
  const char* name;  // in its own language
  const char* ar;
  const char* en;
  const char* fa;
  const char* ru;
};
constexpr DemoParty kParties[] = {{"iq", "العراق", "العراق", "Iraq", "عراق", "Ирак"},
                                  {"ru", "Россия", "روسيا", "Russia", "روسیه", "Россия"},
                                  {"sy", "سوريا", "سوريا", "Syria", "سوریه", "Сирия"},
                                  {"ir", "ایران", "إيران", "Iran", "ایران", "Иран"}};

hub::HubSpec DemoSpec() {
  hub::HubSpec spec;
  spec.name = "مركز العمليات المشترك — Joint Coordination Centre";
  for (const auto& p : kParties) {
    spec.parties.push_back(
        {p.code, p.name, "", {{"ar", p.ar}, {"en", p.en}, {"fa", p.fa}, {"ru", p.ru}}});
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

// A Tansiq releasability marking-definition: to parties and/or named users (TLP:RED).
json::object ReleasabilityMarking(const std::string& creator, const std::string& now,
                                  std::string_view name, stix::Releasability releasability) {
  return stix::ReleasabilityMarkingDefinition(hub::Hub::NewId("marking-definition"), creator, now,
                                              name, releasability);
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

// A text file of data/demo/ (or any path): its first line is the title, the rest the body.
struct DemoText {
  std::string title, body;
};
Result<DemoText> ReadDemoText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("demo content " + path.string() + " not found");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const auto nl = text.find('\n');
  if (nl == std::string::npos) return DemoText{text, text};
  return DemoText{text.substr(0, nl), text.substr(nl + 1)};
}

json::object DemoReport(const std::string& creator, const std::string& now, const DemoText& t,
                        std::string_view lang, json::array refs, json::array markings) {
  json::object report = Sdo("report", creator, now);
  report["name"] = t.title;
  report["description"] = t.body;
  report["lang"] = lang;
  report["published"] = now;
  report["report_types"] = json::array{"threat-report"};
  report["object_refs"] = std::move(refs);
  report["object_marking_refs"] = std::move(markings);
  return report;
}

// The FLASH of the demo: to every party's recipients (chiefs and deputies), TLP:GREEN.
Status SendFlash(hub::Hub& hub, const DemoText& flash, const std::string& report_id) {
  hub::Messenger messenger(hub, hub::MessagingOptions{.start_timer = false});
  TANSIQ_RETURN_IF_ERROR(messenger.Start());
  auto u = hub.store().UserByName("iq-officer");
  if (!u.ok()) return u.status();
  policy::Reader sender{(*u)->id, (*u)->name, (*u)->party, (*u)->roles};
  json::array parties;
  for (const auto& p : kParties) parties.emplace_back(p.code);
  json::object body{
      {"precedence", "flash"},
      {"subject", flash.title},
      {"body", flash.body},
      {"lang", "ar"},
      {"tlp", "green"},
      {"object_refs", json::array{report_id}},
      {"recipients", json::object{{"parties", parties}, {"roles", json::array{"recipient"}}}}};
  std::promise<Status> sent;
  messenger.Send(sender, body, [&sent](hub::SendOutcome outcome) {
    sent.set_value(outcome.id.ok() ? Status::Ok() : outcome.id.status());
  });
  return sent.get_future().get();
}

Status LoadContent(hub::Hub& hub, const std::string& extra_report) {
  auto dir = hub.directory();
  auto identity = [&](const char* code) { return dir->PartyByCode(code)->identity_id; };
  const std::string now = stix::FormatMicros(hub.clock().NowMicros() / 1000 * 1000);
  const std::filesystem::path content = std::filesystem::path(hub.data_dir()) / "demo";
  auto text = [&content](const char* name) { return ReadDemoText(content / name); };

  // Iraq: the coordination centre's Arabic report and the English summary, with the actors and
  // places they name. TLP:GREEN.
  auto ar = text("ar-coordination-centre.txt");
  if (!ar.ok()) return ar.status();
  auto en = text("en-weekly-summary.txt");
  if (!en.ok()) return en.status();
  const json::array green{std::string(stix::kTlpGreenId)};
  json::object person = Sdo("identity", identity("iq"), now);
  person["name"] = "أبو عمر الأنصاري";
  person["identity_class"] = "individual";
  person["description"] = "شخصية خيالية: يُعتقد أنه يدير شبكة النقل بين دير الزور والقائم";
  person["object_marking_refs"] = green;
  json::object qaim = Sdo("location", identity("iq"), now);
  qaim["name"] = "القائم";
  qaim["country"] = "IQ";
  qaim["latitude"] = 34.3686;
  qaim["longitude"] = 41.0944;
  qaim["object_marking_refs"] = green;
  json::object isis = Sdo("intrusion-set", identity("iq"), now);
  isis["name"] = "داعش";
  isis["aliases"] = json::array{"ISIS", "ISIL", "Daesh", "ИГИЛ", "الدولة الإسلامية"};
  isis["object_marking_refs"] = green;
  json::object report =
      DemoReport(identity("iq"), now, *ar, "ar", {Id(person), Id(qaim), Id(isis)}, green);
  json::object summary = DemoReport(identity("iq"), now, *en, "en", {Id(isis), Id(person)}, green);
  json::array iq_objects{person, qaim, isis, report, summary};
  if (!extra_report.empty()) {
    auto extra = ReadDemoText(extra_report);
    if (!extra.ok()) return extra.status();
    iq_objects.push_back(DemoReport(identity("iq"), now, *extra, "ar", {Id(isis)}, green));
  }
  TANSIQ_RETURN_IF_ERROR(Post(hub, "iq-officer", std::move(iq_objects)));

  // Russia: a note releasable to Iraq and Syria only (Tansiq releasability marking).
  json::object marking = ReleasabilityMarking(identity("ru"), now, "releasable to iq, sy",
                                              {{identity("iq"), identity("sy")}, {}});
  json::object note = Sdo("note", identity("ru"), now);
  note["abstract"] = "Перемещение боевиков ИГИЛ у Дейр-эз-Зора";
  note["content"] =
      "По данным российской стороны, группа боевиков ИГИЛ переместилась из района Дейр-эз-Зора "
      "к иракской границе в районе Эль-Кайма.";
  note["lang"] = "ru";
  note["object_refs"] = json::array{Id(isis)};
  note["object_marking_refs"] = json::array{Id(marking)};
  auto ru = text("ru-courier-network.txt");
  if (!ru.ok()) return ru.status();
  json::object ru_report =
      DemoReport(identity("ru"), now, *ru, "ru", {Id(isis)}, json::array{Id(marking)});
  TANSIQ_RETURN_IF_ERROR(Post(hub, "ru-officer", {marking, note, ru_report}));

  // Iran: a Persian report at TLP:AMBER (every party of the hub, never federated).
  auto fa = text("fa-border-movements.txt");
  if (!fa.ok()) return fa.status();
  TANSIQ_RETURN_IF_ERROR(Post(hub, "ir-officer",
                              {DemoReport(identity("ir"), now, *fa, "fa", {Id(isis)},
                                          json::array{std::string(stix::kTlpAmberId)})}));

  // Syria: an indicator at TLP:RED for Iraq's chief of staff only.
  json::object red =
      ReleasabilityMarking(identity("sy"), now, "TLP:RED for iq-chief", {{}, {"iq-chief"}});
  json::object indicator = Sdo("indicator", identity("sy"), now);
  indicator["name"] = "Courier phone used by the Deir ez-Zor cell";
  indicator["pattern"] = "[phone-number:value = '+963-000-0000']";
  indicator["pattern_type"] = "stix";
  indicator["valid_from"] = now;
  indicator["object_marking_refs"] = json::array{std::string(stix::kTlpRedId), Id(red)};
  TANSIQ_RETURN_IF_ERROR(Post(hub, "sy-officer", {red, indicator}));

  // A FLASH to every party's chiefs of staff, waiting in their queues for the first login.
  auto flash = text("flash-ar.txt");
  if (!flash.ok()) return flash.status();
  return SendFlash(hub, *flash, Id(report));
}

}  // namespace

int Demo(const std::string& dir, const std::string& report_path, server::ServerOptions options) {
  std::filesystem::create_directories(dir);
  const std::string db = dir + "/hub.db";
  auto lock = store::ServeLock::Acquire(db);  // one server per database, the demo's too
  if (!lock.ok()) {
    spdlog::error("{}", lock.status().message());
    return 1;
  }
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
