// The conformance suite's backends, fixture and helpers (fixture.h).
#include "store/conformance/fixture.h"

#include <unistd.h>

#include "store/sqlite/sqlite.h"

namespace tansiq::store::conformance {

std::vector<Backend> Backends(Role role) {
  std::vector<Backend> all;
  all.push_back({"sqlite", [](const std::string& dir, const Clock* clock) {
                   auto s = OpenSqlite({.path = dir + "/hub.db", .clock = clock});
                   EXPECT_TRUE(s.ok()) << s.status().message();
                   return s.ok() ? std::move(*s) : nullptr;
                 }});
  std::vector<Backend> out;
  for (auto& b : all) {
    if (b.roles.empty() || std::find(b.roles.begin(), b.roles.end(), role) != b.roles.end()) {
      out.push_back(std::move(b));
    }
  }
  return out;
}

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }

Status PutDoc(Store& store, const std::string& coll, const std::string& id, Micros version,
              Releasability rel, const std::string& json, std::vector<std::string> gates,
              PutOutcome* out) {
  NewVersion v;
  v.collection_id = coll;
  v.id = id;
  v.type = id.substr(0, id.find("--"));
  v.spec_version = "2.1";
  v.version = version;
  v.version_text = std::to_string(version);
  v.json = json;
  v.refs = gates;
  v.gate_refs = std::move(gates);
  v.releasability = std::move(rel);
  return store.Write([&](WriteTxn& t) -> Status {
    auto r = t.PutVersion(v);
    if (!r.ok()) return r.status();
    if (out) *out = *r;
    return Status::Ok();
  });
}

Status PutRecord(Store& store, const std::string& id, Micros at, std::vector<std::string> keys,
                 std::string type) {
  return store.Write([&](WriteTxn& t) {
    return t.PutAnalysis({id, type, "name of " + id, at, 0, std::move(keys)});
  });
}

std::vector<std::string> HitIds(const SearchResult& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

SearchQuery Words(std::string text, std::vector<std::string> keys) {
  SearchQuery q;
  q.all.push_back({{SearchTerm{std::move(text), false, {}}}});
  if (!keys.empty()) q.all.back().any.push_back(SearchTerm{"", false, std::move(keys)});
  return q;
}

namespace {
std::atomic<int> counter{0};
}  // namespace

void StoreConformance::SetUp() {
  dir_ = std::filesystem::temp_directory_path() /
         ("tansiq-store-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  store_ = GetParam().open(dir_.string(), &clock_);
  ASSERT_TRUE(store_ != nullptr);
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) -> Status {
                    for (const char* code : {"a", "b", "c"}) {
                      auto p = t.AddParty({0, code, code, std::string("identity--") + code});
                      if (!p.ok()) return p.status();
                    }
                    TANSIQ_RETURN_IF_ERROR(
                        t.AddCollection({"c1", "coalition", "Coalition", "", std::nullopt}));
                    return t.AddCollection({"c2", "party-a", "A", "", 0});
                  })
                  .ok());
}

void StoreConformance::TearDown() {
  store_.reset();
  GetParam().drop(dir_.string());
  std::filesystem::remove_all(dir_);
}

void StoreConformance::Reopen() {
  store_.reset();
  store_ = GetParam().open(dir_.string(), &clock_);
}

Status StoreConformance::Put(const std::string& coll, const std::string& id, Micros version,
                             Releasability rel, std::vector<std::string> gates, PutOutcome* out) {
  return PutDoc(*store_, coll, id, version, std::move(rel),
                "{\"id\":\"" + id + "\",\"v\":" + std::to_string(version) + "}", std::move(gates),
                out);
}

std::vector<std::string> StoreConformance::Ids(const Reader& r, VersionFilter f, std::string coll) {
  auto page = store_->ListVersions(r, coll, f, std::nullopt, 1000);
  EXPECT_TRUE(page.ok());
  std::vector<std::string> out;
  for (const auto& row : page->rows) out.push_back(row.id + "@" + std::to_string(row.version));
  return out;
}

}  // namespace tansiq::store::conformance
