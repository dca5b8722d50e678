// Correlation keys of STIX objects, key weights, derived objects and the trend test.
#include "analysis/correlate.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>

#include <boost/json/parse.hpp>

#include "analysis/derive.h"
#include "analysis/testing.h"
#include "analysis/trend.h"
#include "stix/identifier.h"
#include "text/name_key.h"

namespace tansiq::analysis {
namespace {
namespace json = boost::json;

using testing::TheExtractor;

ObjectFacts Facts(std::string_view object_json) {
  json::object o = json::parse(object_json).as_object();
  return Analyse(o, stix::ExtractSearchText(o), 1, TheExtractor(), &testing::Aliases());
}

bool Has(const ObjectFacts& f, std::string_view key) {
  return std::find(f.keys.begin(), f.keys.end(), key) != f.keys.end();
}

// The facts of a multilingual sample are pinned to kFactsVersion: a change to the analysis (or
// to text/'s name keys) that gives some object other facts cannot land without a new version,
// which makes the backfill analyse every stored object again.
TEST(Correlate, SampleFactsArePinnedToTheVersion) {
  const char* sample[] = {
      R"({"type":"report","id":"report--1","published":"2025-02-03T06:00:00Z","lang":"ar",
          "name":"x","description":"وأفادت مصادر بأن أبو عبد الله الجبوري انتقل من القائم إلى الرمادي وبالقرب من الفلوجة أمس."})",
      R"({"type":"report","id":"report--2","published":"2025-02-03T06:00:00Z","lang":"fa",
          "name":"x","description":"گزارش‌ها می‌گویند سپاه قدس در استان دیالی و نزدیک بعقوبه فعال است."})",
      R"({"type":"report","id":"report--3","published":"2025-02-03T06:00:00Z","lang":"ru",
          "name":"x","description":"Абу Абдулла аль-Джубури перебрался из Эль-Каима в Рамади 1 февраля."})",
      R"({"type":"intrusion-set","id":"intrusion-set--4","name":"Kata'ib Hezbollah",
          "aliases":["كتائب حزب الله","Катаиб Хезболла"]})",
      R"({"type":"indicator","id":"indicator--5","name":"c2","pattern_type":"stix",
          "pattern":"[ipv4-addr:value = '198.51.100.7']","valid_from":"2025-02-01T00:00:00Z"})"};
  std::uint64_t h = 1469598103934665603ULL;
  auto add = [&](std::string_view bytes) {
    for (unsigned char c : bytes) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  for (const char* r : sample) {
    ObjectFacts f = Facts(r);
    add(f.name);
    add(std::to_string(f.at));
    for (const auto& k : f.keys) add(k);
  }
  // Changed on purpose? Bump kFactsVersion and record the new pair here.
  constexpr int kPinnedVersion = 1;
  constexpr std::uint64_t kPinnedHash = 0x9e5e6a81632b8897;
  char now[32];
  std::snprintf(now, sizeof now, "0x%016llx", static_cast<unsigned long long>(h));
  EXPECT_EQ(kFactsVersion, kPinnedVersion) << "record the sample hash here too (" << now << ")";
  EXPECT_EQ(h, kPinnedHash) << "the sample's facts changed (now " << now
                            << "): bump kFactsVersion so stored objects are analysed again, and "
                               "record both here";
}

TEST(Correlate, ReportKeysAcrossScripts) {
  const char* reports[] = {
      R"({"type":"report","id":"report--1","published":"2024-06-10T08:00:00Z","lang":"ar",
          "name":"x","description":"قال اللواء تحسين الخفاجي إن كتائب سيد الشهداء نقلت أسلحة إلى الموصل."})",
      R"({"type":"report","id":"report--2","published":"2024-06-10T08:00:00Z","lang":"ru",
          "name":"x","description":"Генерал Тахсин аль-Хафаджи сообщил, что «Катаиб Сейид аш-Шухада» перебросила оружие в Мосул."})",
      R"({"type":"report","id":"report--3","published":"2024-06-10T08:00:00Z",
          "name":"x","description":"General Tahsin al-Khafaji said Kata'ib Sayyid al-Shuhada moved weapons to Mosul."})"};
  for (const char* r : reports) {
    ObjectFacts f = Facts(r);
    EXPECT_TRUE(Has(f, "grp:kataib-sayyid-al-shuhada")) << r;
    EXPECT_TRUE(Has(f, "nk:" + text::PhoneticKey("Tahsin al-Khafaji"))) << r;
    EXPECT_TRUE(Has(f, "place:iq-mosul")) << r;
    EXPECT_TRUE(Has(f, "gov:iq-gov-nineveh")) << r;
    EXPECT_EQ(f.at, 1718006400000000);
  }
}

TEST(Correlate, ObservablesAndActors) {
  ObjectFacts ind = Facts(
      R"({"type":"indicator","id":"indicator--1","pattern":"[ipv4-addr:value = '198.51.100.7'] OR [file:hashes.'SHA-256' = 'ABCD']","valid_from":"2024-01-01T00:00:00Z"})");
  EXPECT_TRUE(Has(ind, "obs:ipv4-addr:198.51.100.7"));
  EXPECT_TRUE(Has(ind, "obs:hash:abcd"));
  EXPECT_EQ(ind.at, 1704067200000000);
  ObjectFacts ip = Facts(R"({"type":"ipv4-addr","id":"ipv4-addr--1","value":"198.51.100.7"})");
  EXPECT_TRUE(Has(ip, "obs:ipv4-addr:198.51.100.7"));
  ObjectFacts is = Facts(
      R"({"type":"intrusion-set","id":"intrusion-set--1","name":"داعش","aliases":["Daesh"]})");
  EXPECT_EQ(is.keys, std::vector<std::string>{"grp:isis"});
  ObjectFacts person = Facts(
      R"({"type":"identity","id":"identity--1","name":"аль-Хафаджи","identity_class":"individual"})");
  EXPECT_EQ(person.keys, std::vector<std::string>{"nk:" + text::PhoneticKey("الخفاجي")});
  ObjectFacts loc =
      Facts(R"({"type":"location","id":"location--1","latitude":36.34,"longitude":43.13})");
  EXPECT_TRUE(Has(loc, "place:iq-mosul"));
  EXPECT_TRUE(Has(loc, "gov:iq-gov-nineveh"));
}

TEST(Correlate, RareValuesWeighMoreAndCommonOnesCannotLinkAlone) {
  EXPECT_GT(KeyWeight("grp:x", 2), KeyWeight("grp:x", 20));
  EXPECT_GT(KeyWeight("grp:x", 20), KeyWeight("grp:x", 200));
  // One value shared by a handful of objects links on its own ...
  EXPECT_GE(KeyWeight("grp:x", 3), kMinLinkScore);
  EXPECT_GE(KeyWeight("obs:ipv4-addr:1.2.3.4", 6), kMinLinkScore);
  // ... a value on a dozen or more does not, even inside the time window.
  EXPECT_LT(KeyWeight("grp:x", 12) + kTimeBonus, kMinLinkScore);
  // Places and governorates weigh less than actors and values.
  EXPECT_LT(KeyWeight("place:iq-mosul", 3), KeyWeight("grp:x", 3));
  EXPECT_LT(KeyWeight("gov:iq-gov-nineveh", 3), KeyWeight("place:iq-mosul", 3));
  EXPECT_LT(KeyWeight("place:iq-mosul", 3, true), KeyWeight("place:iq-mosul", 3));
  EXPECT_EQ(Reason("grp:isis"), "group:isis");
  EXPECT_EQ(Reason("place:iq-mosul", true), "near:iq-mosul");
}

TEST(Derive, EntitiesBecomeHubObjectsWithTheSourceMarkings) {
  json::object src = json::parse(R"({"type":"report","spec_version":"2.1","id":"report--1",
      "created":"2024-06-10T08:00:00.000Z","modified":"2024-06-11T08:00:00.000Z",
      "published":"2024-06-10T08:00:00Z","name":"x",
      "object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"],
      "description":"قال اللواء تحسين الخفاجي إن داعش هاجم الموصل."})")
                         .as_object();
  ObjectFacts f =
      Analyse(src, stix::ExtractSearchText(src), 1, TheExtractor(), &testing::Aliases());
  const DerivedIdKey key{1, 2, 3};
  auto objs = Derive(f, src, "identity--hub", &testing::Places(), key);
  std::map<std::string, int> types;
  for (const auto& d : objs) {
    ++types[d.type];
    EXPECT_EQ(d.json.at("created_by_ref").as_string(), "identity--hub");
    EXPECT_EQ(d.json.at("modified").as_string(), "2024-06-11T08:00:00.000Z");
    EXPECT_EQ(d.json.at("object_marking_refs"), src.at("object_marking_refs"));
    EXPECT_EQ(d.gate_refs.front(), "report--1");  // hidden with the source
  }
  EXPECT_EQ(types["location"], 1);
  EXPECT_EQ(types["intrusion-set"], 1);
  EXPECT_EQ(types["identity"], 1);
  // 3 mentions + 2 located-at (the one place).
  EXPECT_EQ(types["relationship"], 5);
  // Deterministic: a re-run gives the same ids; under another hub's key, other ids (nobody
  // without the key can compute them).
  auto again = Derive(f, src, "identity--hub", &testing::Places(), key);
  ASSERT_EQ(again.size(), objs.size());
  for (std::size_t i = 0; i < objs.size(); ++i) EXPECT_EQ(again[i].id, objs[i].id);
  const DerivedIdKey other{4, 5, 6};
  auto elsewhere = Derive(f, src, "identity--hub", &testing::Places(), other);
  ASSERT_EQ(elsewhere.size(), objs.size());
  for (std::size_t i = 0; i < objs.size(); ++i) EXPECT_NE(elsewhere[i].id, objs[i].id);
  EXPECT_TRUE(stix::IsValidIdentifier(objs[0].id));
  // Without modified/created nothing is derived.
  json::object bare = src;
  bare.erase("modified");
  bare.erase("created");
  EXPECT_TRUE(Derive(f, bare, "identity--hub", &testing::Places(), key).empty());
}

TEST(Trend, PoissonRiseAgainstOwnBaseline) {
  EXPECT_NEAR(PoissonTail(0, 2.0), 1.0, 1e-12);
  EXPECT_NEAR(PoissonTail(1, 2.0), 1 - std::exp(-2.0), 1e-12);
  std::vector<std::int64_t> quiet(27, 0);
  quiet[3] = quiet[10] = quiet[17] = 1;
  auto rise = quiet;
  rise.push_back(6);
  EXPECT_TRUE(DetectTrend(rise).rising);
  auto same = quiet;
  same.push_back(1);
  EXPECT_FALSE(DetectTrend(same).rising);
  // A busy place needs a bigger jump.
  std::vector<std::int64_t> busy(27, 10);
  busy.push_back(14);
  EXPECT_FALSE(DetectTrend(busy).rising);
  busy.back() = 25;
  EXPECT_TRUE(DetectTrend(busy).rising);
  // Too little history: never a trend.
  EXPECT_FALSE(DetectTrend({0, 0, 9}).rising);
  EXPECT_FALSE(DetectTrend({}).rising);
}

TEST(Trend, SumsGiveTheSameAnswerAsTheSeries) {
  // The situation's long windows count per key from sparse cells (issue 16.10).
  std::vector<std::int64_t> quiet(27, 0);
  quiet[3] = quiet[10] = quiet[17] = 1;
  for (std::int64_t last : {0, 1, 3, 6, 40}) {
    auto s = quiet;
    s.push_back(last);
    Trend a = DetectTrend(s), b = DetectTrend(3, 27, last);
    EXPECT_EQ(a.rising, b.rising) << last;
    EXPECT_EQ(a.baseline, b.baseline) << last;
    EXPECT_EQ(a.p_value, b.p_value) << last;
  }
  // Ten years of days with a handful of cells: a rise against a near-zero baseline.
  EXPECT_TRUE(DetectTrend(3, 3650, 6).rising);
  EXPECT_FALSE(DetectTrend(0, 2, 9).rising);  // too little history
}

}  // namespace
}  // namespace tansiq::analysis
