// Tests for the alias registry: the committed data (data/aliases/*.jsonl) parses and joins the
// names that matter (ISIS in seven forms, Hezbollah vs Kataib Hezbollah), normalisation variants
// hit, ambiguity ranks, same_as merging, parse errors and concurrent lookups.
#include "text/alias_registry.h"

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tansiq::text {
namespace {

std::string ReadData(const std::string& rel) {
  std::ifstream in(std::string(TANSIQ_DATA_DIR) + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in.good()) << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const AliasRegistry& Registry() {
  static const AliasRegistry* reg = [] {
    static const std::string curated = ReadData("aliases/curated.jsonl");
    static const std::string misp = ReadData("aliases/misp-galaxy.jsonl");
    const AliasFile files[] = {{"curated.jsonl", curated}, {"misp-galaxy.jsonl", misp}};
    Result<AliasRegistry> r = AliasRegistry::Parse(files);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return new AliasRegistry(r.ok() ? std::move(r).value() : AliasRegistry());
  }();
  return *reg;
}

std::string KeyOf(std::string_view name) {
  std::optional<GroupId> g = Registry().Find(name);
  return g ? Registry().Key(*g) : "<none>";
}

TEST(AliasRegistryData, Parses) {
  const AliasRegistry& reg = Registry();
  EXPECT_GT(reg.size(), 1000u);
  EXPECT_GT(reg.name_count(), 3000u);
  std::printf("alias registry: %zu groups, %zu names\n", reg.size(), reg.name_count());
}

TEST(AliasRegistryData, JoinsIsisAcrossLanguages) {
  for (std::string_view name :
       {"داعش", "ISIS", "ISIL", "Daesh", "ИГИЛ", "الدولة الإسلامية", "Islamic State", "دولت اسلامی",
        "Исламское государство", "ДАИШ", "Da'esh", "تنظيم الدولة",
        // normalisation and fallback variants
        "الدولة الاسلامية", "الدوله الإسلاميه", "isis", "I.S.I.S.", "داعـــش", "وداعش", "لداعش",
        "ИГИЛа", "ИГИЛом", "islamic-state", "Al-Dawla Al-Islamiya fi al-Iraq wa al-Sham"}) {
    EXPECT_EQ(KeyOf(name), "isis") << name;
  }
  const GroupId isis = *Registry().Find("ISIS");
  EXPECT_EQ(Registry().Canonical(isis), "Islamic State");
  EXPECT_EQ(Registry().Names(isis).front(), "Islamic State");
}

TEST(AliasRegistryData, KeepsHezbollahApartFromKataibHezbollah) {
  EXPECT_EQ(KeyOf("Hezbollah"), "hezbollah");
  EXPECT_EQ(KeyOf("Hizballah"), "hezbollah");
  EXPECT_EQ(KeyOf("حزب الله"), "hezbollah");
  EXPECT_EQ(KeyOf("حزب‌الله"), "hezbollah");  // Persian, ZWNJ
  EXPECT_EQ(KeyOf("حزبالله"), "hezbollah");
  EXPECT_EQ(KeyOf("Хезболла"), "hezbollah");
  EXPECT_EQ(KeyOf("Kataib Hezbollah"), "kataib-hezbollah");
  EXPECT_EQ(KeyOf("Kata'ib Hizbullah"), "kataib-hezbollah");
  EXPECT_EQ(KeyOf("كتائب حزب الله"), "kataib-hezbollah");
  EXPECT_EQ(KeyOf("کتائب حزب‌الله"), "kataib-hezbollah");
  EXPECT_EQ(KeyOf("Катаиб Хезболла"), "kataib-hezbollah");
  EXPECT_NE(Registry().Find("Hezbollah"), Registry().Find("Kataib Hezbollah"));
}

TEST(AliasRegistryData, CuratedGroupsHaveFourLanguages) {
  for (std::string_view id :
       {"isis", "al-qaeda", "hts", "hezbollah", "kataib-hezbollah", "pkk", "ypg", "sdf", "pmf",
        "nujaba", "asaib-ahl-al-haq", "ansar-al-islam", "jaysh-al-islam", "ahrar-al-sham",
        "hurras-al-din", "wagner", "irgc", "quds-force", "muslim-brotherhood"}) {
    std::optional<GroupId> g = Registry().ById(id);
    ASSERT_TRUE(g) << id;
    for (std::string_view lang : {"en", "ar", "fa", "ru"}) {
      const auto& names = Registry().NamesWithLang(*g);
      EXPECT_TRUE(std::any_of(names.begin(), names.end(),
                              [&](const AliasName& n) { return n.lang == lang; }))
          << id << " lacks " << lang;
    }
    EXPECT_EQ(Registry().Sources(*g).front(), "curated") << id;
  }
}

TEST(AliasRegistryData, CrossScriptGroups) {
  EXPECT_EQ(KeyOf("Jabhat al-Nusra"), "hts");
  EXPECT_EQ(KeyOf("جبهة النصرة"), "hts");
  EXPECT_EQ(KeyOf("جبهه النصره"), "hts");
  EXPECT_EQ(KeyOf("Хайят Тахрир аш-Шам"), "hts");
  EXPECT_EQ(KeyOf("الحشد الشعبي"), "pmf");
  EXPECT_EQ(KeyOf("Hashd al-Shaabi"), "pmf");
  EXPECT_EQ(KeyOf("حشد شعبی"), "pmf");
  EXPECT_EQ(KeyOf("ЧВК «Вагнер»"), "wagner");
  EXPECT_EQ(KeyOf("чвк вагнер"), "wagner");
  EXPECT_EQ(KeyOf("فاغنر"), "wagner");
  EXPECT_EQ(KeyOf("القاعدة"), "al-qaeda");
  EXPECT_EQ(KeyOf("القاعده"), "al-qaeda");
  EXPECT_EQ(KeyOf("Аль-Каида"), "al-qaeda");
  EXPECT_EQ(KeyOf("КСИР"), "irgc");
  EXPECT_EQ(KeyOf("سپاه پاسداران"), "irgc");
  EXPECT_EQ(KeyOf("فيلق القدس"), "quds-force");
  EXPECT_EQ(KeyOf("IRGC-QF"), "quds-force");
  EXPECT_EQ(KeyOf("Братья-мусульмане"), "muslim-brotherhood");
  EXPECT_EQ(KeyOf("الإخوان المسلمين"), "muslim-brotherhood");
  EXPECT_EQ(KeyOf("Рабочая партия Курдистана"), "pkk");
  EXPECT_EQ(KeyOf("Kongra-Gel"), "pkk");  // MISP-derived, merged through same_as
  EXPECT_EQ(KeyOf("قسد"), "sdf");
}

TEST(AliasRegistryData, MispRecordsMergeIntoCuratedGroups) {
  const AliasRegistry& reg = Registry();
  const auto misp_is =
      reg.ById("misp-galaxy:terrorist-groups.json:9b357c0b-03cf-56db-ab38-0e89b13847c3");
  ASSERT_TRUE(misp_is);
  EXPECT_EQ(reg.Key(*misp_is), "isis");
  const auto& sources = reg.Sources(*misp_is);
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0], "curated");
  EXPECT_EQ(sources[1], "misp-galaxy:terrorist-groups.json:9b357c0b-03cf-56db-ab38-0e89b13847c3");
  // A threat-actor synonym from meta.synonyms.
  EXPECT_EQ(reg.Canonical(*reg.Find("Static Kitten")), "MuddyWater");
}

TEST(AliasRegistryData, AmbiguousNamesRank) {
  // "Ansar Allah" is a MISP alias of Hizballah and the canonical name of the Houthis.
  EXPECT_EQ(KeyOf("Ansar Allah"), "houthis");
  EXPECT_GE(Registry().FindAll("Ansar Allah").size(), 2u);
  // "Islamic Jihad": curated for PIJ, MISP-derived for Hizballah.
  EXPECT_EQ(KeyOf("Islamic Jihad"), "pij");
  // "The Base": canonical of the MISP group, an alias of al-Qaida.
  EXPECT_EQ(Registry().Canonical(*Registry().Find("The Base")), "The Base");
}

TEST(AliasRegistryData, EveryNameFindsItsGroup) {
  const AliasRegistry& reg = Registry();
  for (GroupId g = 0; g < reg.size(); ++g) {
    for (const std::string& n : reg.Names(g)) {
      const std::vector<GroupId> all = reg.FindAll(n);
      EXPECT_NE(std::find(all.begin(), all.end(), g), all.end()) << reg.Key(g) << ": " << n;
    }
  }
}

TEST(AliasRegistryData, FindSimilarJoinsTransliterations) {
  const std::vector<AliasMatch> m = Registry().FindSimilar("Hay'at Tahrir ash-Sham");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(Registry().Key(m.front().group), "hts");
  EXPECT_GE(m.front().score, 0.75);
  EXPECT_TRUE(Registry().FindSimilar("Completely Unknown Name").empty());
}

TEST(AliasRegistryData, UnknownNames) {
  EXPECT_FALSE(Registry().Find("Baghdad"));
  EXPECT_FALSE(Registry().Find(""));
  EXPECT_FALSE(Registry().Find("  -- "));
  EXPECT_FALSE(Registry().Find("\xFF\xFE"));
}

TEST(AliasRegistryData, ConcurrentLookups) {
  const AliasRegistry& reg = Registry();
  std::vector<std::thread> threads;
  std::vector<int> hits(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&reg, &hits, t] {
      for (int i = 0; i < 200; ++i) {
        hits[t] += reg.Find(i % 2 ? "داعش" : "Хезболла").has_value();
        hits[t] += !reg.FindSimilar("Jabhat al-Nusrah").empty();
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int h : hits) EXPECT_EQ(h, 400);
}

// --- Format and merging on small inline data ------------------------------------------------

TEST(AliasRegistryParse, MergesSameAsAndRanks) {
  const std::string a =
      "# comment\n"
      "\n"
      R"({"id": "m1", "canonical": "Alpha Group", "names": {"und": ["AG", "Shared"]}, )"
      R"("source": "misp-galaxy:x.json:1"})"
      "\n"
      R"({"id": "m2", "canonical": "Beta", "names": {"und": ["Shared"]}, "source": "misp"})"
      "\r\n";
  const std::string b =
      R"({"id": "alpha", "canonical": "Alpha", "names": {"en": ["Alpha"], "ar": ["ألفا"]}, )"
      R"("source": "curated", "same_as": ["m1"]})";
  const AliasFile files[] = {{"a", a}, {"b", b}};
  Result<AliasRegistry> r = AliasRegistry::Parse(files);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  const GroupId alpha = *r->Find("AG");
  EXPECT_EQ(r->Key(alpha), "alpha");
  EXPECT_EQ(r->Canonical(alpha), "Alpha");
  EXPECT_EQ(r->Names(alpha),
            (std::vector<std::string>{"Alpha", "ألفا", "Alpha Group", "AG", "Shared"}));
  EXPECT_EQ(r->NamesWithLang(alpha)[1].lang, "ar");
  EXPECT_EQ(r->Sources(alpha), (std::vector<std::string>{"curated", "misp-galaxy:x.json:1"}));
  EXPECT_EQ(r->Find("الفا"), alpha);
  EXPECT_EQ(r->ById("m1"), alpha);
  // "Shared" is a MISP-derived name of both groups: ambiguous.
  EXPECT_FALSE(r->Find("Shared"));
  EXPECT_EQ(r->FindAll("shared").size(), 2u);
  // Resolve: a name, else a record id; ambiguity names the candidates; unknown is NotFound.
  EXPECT_EQ(*r->Resolve("ألفا"), alpha);
  EXPECT_EQ(*r->Resolve("m1"), alpha);
  const Result<GroupId> shared = r->Resolve("Shared");
  ASSERT_FALSE(shared.ok());
  EXPECT_EQ(shared.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(shared.status().message().find("Alpha (alpha)"), std::string::npos);
  EXPECT_NE(shared.status().message().find("Beta (m2)"), std::string::npos);
  const Result<GroupId> none = r->Resolve("Gamma");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(none.status().message(), "unknown group 'Gamma'");
  // NameIn: the first name in the language, else the canonical name.
  EXPECT_EQ(r->NameIn(alpha, "ar"), "ألفا");
  EXPECT_EQ(r->NameIn(alpha, "en"), "Alpha");
  EXPECT_EQ(r->NameIn(alpha, "ru"), "Alpha");
  EXPECT_EQ(r->NameIn(*r->Find("Beta"), "ar"), "Beta");
}

TEST(AliasRegistryData, ResolveAndNameInForWatchRules) {
  const AliasRegistry& reg = Registry();
  for (std::string_view name : {"داعش", "ISIS", "ИГИЛ", "دولت اسلامی", "isis"}) {
    const Result<GroupId> g = reg.Resolve(name);
    ASSERT_TRUE(g.ok()) << name;
    EXPECT_EQ(reg.Key(*g), "isis") << name;
  }
  const GroupId isis = *reg.Resolve("Daesh");
  EXPECT_EQ(reg.NameIn(isis, "ar"), "داعش");
  EXPECT_EQ(reg.NameIn(isis, "ru"), "ИГИЛ");
  EXPECT_EQ(reg.NameIn(isis, "fa"), "داعش");
  EXPECT_EQ(reg.NameIn(isis, "en"), "Islamic State");
  EXPECT_EQ(reg.NameIn(isis, "xx"), "Islamic State");
  EXPECT_FALSE(reg.Resolve("No Such Group Anywhere").ok());
  EXPECT_FALSE(reg.Resolve("Baghdad").ok());
}

TEST(AliasRegistryParse, Errors) {
  auto error = [](std::string_view text) {
    Result<AliasRegistry> r = AliasRegistry::Parse(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_EQ(error("\n{not json"), "aliases:2: invalid JSON: syntax error");
  EXPECT_NE(error(R"({"id":"a","canonical":"A","source":"s"})").find("\"names\""),
            std::string::npos);
  EXPECT_NE(error(R"({"id":"a","canonical":"A","names":{"en":[]},"source":"s"})").find("names"),
            std::string::npos);
  EXPECT_NE(error(R"({"id":"a","canonical":"A","names":{"en":["x"]},"source":"s","x":1})")
                .find("unknown field"),
            std::string::npos);
  EXPECT_NE(error(R"({"id":"a","canonical":"A","names":{"en":["x"]},"source":"s"})"
                  "\n"
                  R"({"id":"a","canonical":"B","names":{"en":["y"]},"source":"s"})")
                .find("aliases:2: duplicate id"),
            std::string::npos);
  EXPECT_NE(error(R"({"id":"a","canonical":"A","names":{"en":["x"]},"source":"s","same_as":["z"]})")
                .find("unknown same_as id \"z\""),
            std::string::npos);
  EXPECT_NE(error("[1]").find("JSON object"), std::string::npos);
  EXPECT_TRUE(AliasRegistry::Parse("").ok());
}

}  // namespace
}  // namespace tansiq::text
