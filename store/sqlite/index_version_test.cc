// The search index's analysis version (sqlite::kIndexVersion): the tokens of a multilingual
// sample are pinned to it, so a change to text/ or the tokenizer that gives some text other
// tokens cannot land without a new version; and an index written under an older version is
// rebuilt at open, so its rows are found by today's queries and FTS5's integrity check holds.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/sqlite/fts_tokenizer.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"
#include "store/testing/seed.h"

namespace tansiq::store {
namespace {

namespace fs = std::filesystem;

// Text no test elsewhere relies on: Arabic proclitic chains and words that only look like them,
// Persian with ZWNJ, Russian with an inflected acronym, English names and possessives, and a
// name field (kNameMarker) in three scripts.
// Each sample on one line (clang-format would split them at every run).
// clang-format off
const char* const kSample[] = {
    "وللقوات المشتركة في الأنبار وبالموصل؛ وزير الداخلية زار كركوك ولبنان والفلوجة",
    "فالمقاتلون بالقرب من القائم، وكان أبو بكر البغدادي قد ظهر في 2014",
    "نیروهای ائتلاف در استان الانبار می‌گویند که گروه داعش عقب‌نشینی کرده است",
    "Силы коалиции в провинции Анбар; боевики ИГИЛа отошли к Эль-Каиму",
    "Abu Bakr al-Baghdadi's fighters crossed near Al-Qa'im on 3 March; the ministry's report",
    "\x1e"
    "أبو بكر البغدادي\nАбу Бакр аль-Багдади\nAbu Bakr al-Baghdadi\nابوبکر البغدادی",
};
// clang-format on

// FNV-1a over every token's term, colocation and offsets, in order.
std::uint64_t SampleHash() {
  std::uint64_t h = 1469598103934665603ULL;
  auto add = [&](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ULL;
    }
  };
  for (const char* text : kSample) {
    for (const auto& t : sqlite::AnalyzeForIndex(text)) {
      add(t.term);
      add(std::string(1, '\0') + (t.colocated ? "c" : "p") + std::to_string(t.start) + ":" +
          std::to_string(t.end) + ";");
    }
    add("\n");
  }
  return h;
}

TEST(IndexVersion, SampleTokensArePinnedToTheVersion) {
  // Changed on purpose? Bump sqlite::kIndexVersion and record the new pair here.
  constexpr int kPinnedVersion = 2;
  constexpr std::uint64_t kPinnedHash = 0xb7d9120a0122a874;
  char hash[32];
  std::snprintf(hash, sizeof hash, "0x%016" PRIx64, SampleHash());
  EXPECT_EQ(sqlite::kIndexVersion, kPinnedVersion)
      << "sqlite::kIndexVersion changed: record its sample hash here (" << hash << ")";
  EXPECT_EQ(SampleHash(), kPinnedHash)
      << "the index tokens of the sample changed (now " << hash
      << "): bump sqlite::kIndexVersion, so existing indexes are rebuilt, and record both here";
}

// Raw access to the database file, with the tokenizer the index needs.
class RawDb {
 public:
  explicit RawDb(const fs::path& path) {
    EXPECT_EQ(sqlite3_open(path.string().c_str(), &db_), SQLITE_OK);
    EXPECT_TRUE(sqlite::RegisterTokenizer(db_).ok());
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  // FTS5's own check that the index holds exactly the tokens of the stored text.
  bool IndexIntact() {
    return sqlite3_exec(db_, "INSERT INTO search(search, rank) VALUES('integrity-check', 1)",
                        nullptr, nullptr, nullptr) == SQLITE_OK;
  }

  int Matches(const std::string& word) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM search WHERE search MATCH ?1", -1, &st,
                                 nullptr),
              SQLITE_OK);
    const std::string quoted = "\"" + word + "\"";
    sqlite3_bind_text(st, 1, quoted.c_str(), -1, SQLITE_TRANSIENT);
    int n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(IndexVersion, AnIndexFromAnOlderAnalysisIsRebuiltAtOpen) {
  const fs::path dir = fs::temp_directory_path() / ("tansiq-index-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path db = dir / "hub.db";
  ManualClock clock{1'700'000'000'000'000};
  std::vector<std::string> notices;
  auto open = [&] {
    auto s = OpenSqlite({.path = db.string(), .clock = &clock, .notice = [&](const std::string& m) {
                           notices.push_back(m);
                         }});
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  };
  {
    auto store = open();
    ASSERT_TRUE(store);
    EXPECT_TRUE(notices.empty()) << "a new database has nothing to rebuild";
    ASSERT_TRUE(store->Write([](WriteTxn& t) { return test_support::SeedDirectory(t); }).ok());
    NewVersion v = test_support::DocVersion(
        "c1", "report--0f8c6a52-3c1b-4bb8-9a39-3b1f3f1d1a01", 1'700'000'000'000'000,
        {.originator = 0, .parties = policy::Bit(0) | policy::Bit(1)}, R"({"type":"report"})");
    v.search = stix::SearchText{.title = "t", .names = "", .body = "وصلت وللقوات المشتركة"};
    // As an analysis without proclitic rules indexed it: the written words only.
    auto older = std::make_shared<std::vector<sqlite::Pretokenized>>();
    for (std::string value :
         {std::string(1, sqlite::kNameMarker) + v.search->names, v.search->body}) {
      auto tokens = sqlite::AnalyzeForIndex(value);
      std::erase_if(tokens, [](const sqlite::IndexToken& t) { return t.colocated; });
      older->push_back({std::move(value), std::move(tokens)});
    }
    v.prepared_search = older;
    ASSERT_TRUE(store->Write([&](WriteTxn& t) { return t.PutVersion(v).status(); }).ok());
    ASSERT_TRUE(
        store->Write([](WriteTxn& t) { return t.PutMeta(sqlite::kIndexVersionMeta, "1"); }).ok());
  }
  {
    RawDb raw(db);
    EXPECT_FALSE(raw.IndexIntact()) << "the older tokens differ from today's";
    EXPECT_EQ(raw.Matches("القوات"), 0);
  }
  {
    auto store = open();
    ASSERT_TRUE(store);
    auto recorded = store->Meta(sqlite::kIndexVersionMeta);
    ASSERT_TRUE(recorded.ok());
    EXPECT_EQ(recorded->value_or(""), std::to_string(sqlite::kIndexVersion));
  }
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("(was 1): 1 documents"), std::string::npos) << notices[0];
  {
    RawDb raw(db);
    EXPECT_TRUE(raw.IndexIntact());
    EXPECT_EQ(raw.Matches("القوات"), 1) << "the word behind the proclitics is found";
    EXPECT_EQ(raw.Matches("وللقوات"), 1);
  }
  open().reset();
  EXPECT_EQ(notices.size(), 1u) << "a current index is not rebuilt again";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tansiq::store
