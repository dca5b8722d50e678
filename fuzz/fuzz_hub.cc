// Temporary hub for fuzz targets: hub::InitHub into a mkdtemp folder, hub::Hub::Open, a few
// objects in Arabic, Persian, Russian and English so searches and reads have rows to visit.
#include "fuzz/fuzz_hub.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "hub/admin.h"
#include "hub/ingest.h"
#include "stix/markings.h"

namespace tansiq::fuzz {
namespace {

namespace json = boost::json;

constexpr const char* kIqIdentity = "identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3c01";
constexpr const char* kRuIdentity = "identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3c02";
constexpr const char* kNow = "2025-01-02T03:04:05.678Z";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz hub: %s\n", what.c_str());
  std::abort();
}

json::object Sdo(const char* type, const char* uuid_tail, const char* creator) {
  json::object o;
  o["type"] = type;
  o["spec_version"] = "2.1";
  o["id"] = std::string(type) + "--6f1c2d3e-4a5b-4c6d-8e7f-" + uuid_tail;
  o["created_by_ref"] = creator;
  o["created"] = kNow;
  o["modified"] = kNow;
  o["object_marking_refs"] = json::array{std::string(stix::kTlpGreenId)};
  return o;
}

json::array SeedObjects(const char* creator, bool iraq) {
  json::array out;
  if (iraq) {
    json::object isis = Sdo("intrusion-set", "000000000001", creator);
    isis["name"] = "داعش";
    isis["aliases"] = json::array{"ISIS", "ISIL", "Daesh", "ИГИЛ", "الدولة الإسلامية"};
    json::object person = Sdo("identity", "000000000002", creator);
    person["name"] = "اللواء تحسين الخفاجي";
    person["identity_class"] = "individual";
    person["description"] = "المتحدث الرسمي باسم قيادة العمليات المشتركة العراقية";
    json::object report = Sdo("report", "000000000003", creator);
    report["name"] = "گزارش تحرکات داعش در مرز عراق و سوریه";
    report["description"] = "فعالیت‌های داعش در نزدیکی البوکمال";
    report["lang"] = "fa";
    report["published"] = kNow;
    report["report_types"] = json::array{"threat-report"};
    report["object_refs"] = json::array{isis.at("id"), person.at("id")};
    json::object place = Sdo("location", "000000000004", creator);
    place["name"] = "Deir ez-Zor";
    place["country"] = "SY";
    out = {isis, person, report, place};
  } else {
    json::object note = Sdo("note", "000000000005", creator);
    note["abstract"] = "Перемещение боевиков ИГИЛ у Дейр-эз-Зора";
    note["content"] = "Группа боевиков ИГИЛ переместилась к иракской границе в районе Эль-Кайма.";
    note["lang"] = "ru";
    note["object_refs"] = json::array{"intrusion-set--6f1c2d3e-4a5b-4c6d-8e7f-000000000001"};
    out = {note};
  }
  return out;
}

policy::Reader ReaderFor(hub::Hub& hub, const char* name) {
  auto u = hub.store().UserByName(name);
  if (!u.ok() || !*u) Die(std::string("no user ") + name);
  return policy::Reader{(*u)->id, (*u)->name, (*u)->party, (*u)->roles};
}

void Seed(hub::Hub& hub, const policy::Reader& writer, json::array objects) {
  auto report = hub::IngestAndWait(hub, writer, *hub.directory()->Coalition(), std::move(objects));
  if (!report.ok()) Die(report.status().message());
  for (const auto& item : report->items) {
    if (!item.ok) Die("seed object refused: " + item.message);
  }
}

std::unique_ptr<FuzzHub> Create() {
  std::string templ = (std::filesystem::temp_directory_path() / "tansiq-fuzz-XXXXXX").string();
  if (!mkdtemp(templ.data())) Die("mkdtemp failed");
  auto f = std::make_unique<FuzzHub>();
  f->dir = templ;
  const std::string db = f->dir + "/hub.db";
  hub::HubSpec spec;
  spec.name = "fuzz";
  spec.parties = {{"iq", "العراق", kIqIdentity}, {"ru", "Россия", kRuIdentity}};
  // No passwords: argon2id hashing would slow start-up, and the fuzzers skip authentication.
  spec.users = {{"iq-officer", "iq", {"officer", "analyst"}, "", {}, ""},
                {"ru-officer", "ru", {"officer"}, "", {}, ""}};
  if (Status s = hub::InitHub(db, spec, SystemClock()); !s.ok()) Die(s.message());
  auto opened = hub::Hub::Open({.db_path = db});
  if (!opened.ok()) Die(opened.status().message());
  f->hub = std::move(*opened);
  f->officer = ReaderFor(*f->hub, "iq-officer");
  Seed(*f->hub, f->officer, SeedObjects(kIqIdentity, true));
  Seed(*f->hub, ReaderFor(*f->hub, "ru-officer"), SeedObjects(kRuIdentity, false));
  return f;
}

std::unique_ptr<FuzzHub> g_hub;  // process lifetime; released by RemoveHub at exit

void RemoveHub() {
  if (!g_hub) return;
  std::string dir = g_hub->dir;
  g_hub.reset();  // closes the hub (draining the store's writer) before the files go
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace

FuzzHub& SharedHub() {
  if (!g_hub) {
    g_hub = Create();
    std::atexit(RemoveHub);
  }
  return *g_hub;
}

}  // namespace tansiq::fuzz
