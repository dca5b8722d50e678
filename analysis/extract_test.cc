// Extraction: precision/recall gates on the labelled set (analysis/testdata, 44 short reports in
// ar, en, ru, fa), what it finds in the demo report, and the date rules one by one.
#include "analysis/extract.h"

#include <cstdio>
#include <map>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include "analysis/testing.h"
#include "stix/timestamp.h"
#include "text/name_key.h"

namespace tansiq::analysis {
namespace {
namespace json = boost::json;

using testing::TheExtractor;

Micros Day(const std::string& iso) {
  auto t = stix::ParseTimestamp(iso + "T12:00:00Z");
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? t->micros : 0;
}

struct Tally {
  int tp = 0, fp = 0, fn = 0;
  double P() const { return tp + fp ? double(tp) / (tp + fp) : 1.0; }
  double R() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
};

// Matches found against expected values with `same`; every expected value matches once.
template <typename F, typename E, typename Same>
void Score(const std::vector<F>& found, const std::vector<E>& expected, Same same, Tally& t,
           const std::string& id, const char* what) {
  std::vector<bool> used(found.size(), false);
  for (const auto& e : expected) {
    bool hit = false;
    for (std::size_t i = 0; i < found.size() && !hit; ++i) {
      if (!used[i] && same(found[i], e)) used[i] = hit = true;
    }
    if (hit) {
      ++t.tp;
    } else {
      ++t.fn;
      std::printf("  miss %-8s %-6s %s\n", what, id.c_str(),
                  json::serialize(json::value_from(e)).c_str());
    }
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (!used[i]) {
      ++t.fp;
      std::printf("  extra %-7s %-6s %s\n", what, id.c_str(),
                  json::serialize(json::value_from(found[i])).c_str());
    }
  }
}

}  // namespace

void tag_invoke(const json::value_from_tag&, json::value& v, const PlaceMention& p) {
  v = {{"place", p.place_id}, {"text", p.text}};
}
void tag_invoke(const json::value_from_tag&, json::value& v, const GroupMention& g) {
  v = {{"group", g.group_key}, {"text", g.text}};
}
void tag_invoke(const json::value_from_tag&, json::value& v, const PersonMention& p) {
  v = {{"person", p.name}, {"title", p.title}};
}
void tag_invoke(const json::value_from_tag&, json::value& v, const DateMention& d) {
  v = {{"date", d.Iso()}, {"text", d.text}};
}
void tag_invoke(const json::value_from_tag&, json::value& v, const CountMention& c) {
  v = {{"count", c.value}, {"what", c.what}, {"text", c.text}};
}

namespace {

TEST(Extract, LabelledSetPrecisionRecall) {
  std::ifstream in(std::string(TANSIQ_ANALYSIS_TESTDATA) + "/labelled_reports.jsonl");
  ASSERT_TRUE(in.good());
  std::map<std::string, Tally> by_kind;
  std::map<std::string, Tally> by_lang;
  int reports = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    json::object r = json::parse(line).as_object();
    ++reports;
    const std::string id(r.at("id").as_string());
    const std::string lang(r.at("lang").as_string());
    const text::Lang l = text::DetectLang("", lang);
    Extraction x = TheExtractor().Extract(r.at("text").as_string(), l,
                                          Day(std::string(r.at("published").as_string())));
    auto strings = [&](const char* k) {
      std::vector<std::string> out;
      for (const auto& v : r.at(k).as_array()) out.emplace_back(v.as_string());
      return out;
    };
    Tally t;
    Score(
        x.places, strings("places"),
        [](const PlaceMention& f, const std::string& e) { return f.place_id == e; },
        by_kind["places"], id, "place");
    Score(
        x.groups, strings("groups"),
        [](const GroupMention& f, const std::string& e) { return f.group_key == e; },
        by_kind["groups"], id, "group");
    Score(
        x.persons, strings("persons"),
        [](const PersonMention& f, const std::string& e) { return text::SameName(f.name, e); },
        by_kind["persons"], id, "person");
    Score(
        x.dates, strings("dates"),
        [](const DateMention& f, const std::string& e) { return f.Iso() == e; }, by_kind["dates"],
        id, "date");
    std::vector<std::string> counts;
    for (const auto& c : r.at("counts").as_array()) {
      counts.push_back(std::to_string(c.as_array()[0].as_int64()) + " " +
                       std::string(c.as_array()[1].as_string()));
    }
    Score(
        x.counts, counts,
        [](const CountMention& f, const std::string& e) {
          return std::to_string(f.value) + " " + f.what == e;
        },
        by_kind["counts"], id, "count");
    (void)t;
  }
  EXPECT_GE(reports, 40);
  // Gates (measured values are printed; see analysis/README.md).
  const std::map<std::string, std::pair<double, double>> gates = {{"places", {0.9, 0.9}},
                                                                  {"groups", {0.9, 0.9}},
                                                                  {"persons", {0.85, 0.85}},
                                                                  {"dates", {0.9, 0.9}},
                                                                  {"counts", {0.85, 0.85}}};
  Tally all;
  std::printf("extraction on %d labelled reports:\n", reports);
  for (const auto& [kind, t] : by_kind) {
    std::printf("  %-8s precision %.3f recall %.3f (tp %d fp %d fn %d)\n", kind.c_str(), t.P(),
                t.R(), t.tp, t.fp, t.fn);
    all.tp += t.tp, all.fp += t.fp, all.fn += t.fn;
    EXPECT_GE(t.P(), gates.at(kind).first) << kind;
    EXPECT_GE(t.R(), gates.at(kind).second) << kind;
  }
  std::printf("  %-8s precision %.3f recall %.3f\n", "all", all.P(), all.R());
}

TEST(Extract, DemoReport) {
  const std::string text = testing::ReadAll(
      std::string(std::getenv("TANSIQ_SHARED") ? std::getenv("TANSIQ_SHARED") : "../shared") +
      "/data/reports/ar-joint-operations-centre.txt");
  ASSERT_FALSE(text.empty());
  // Published on a Wednesday ("اليوم الأربعاء" in the text).
  Extraction x = TheExtractor().Extract(text, text::Lang::kAr, Day("2019-10-09"));
  std::printf("demo report:\n");
  for (const auto& p : x.places)
    std::printf("  place  %s (%s) «%s»\n", p.place_id.c_str(), p.governorate.c_str(),
                p.text.c_str());
  for (const auto& g : x.groups)
    std::printf("  group  %s «%s»\n", g.group_key.c_str(), g.text.c_str());
  for (const auto& p : x.persons)
    std::printf("  person %s «%s»\n", p.name.c_str(), p.title.c_str());
  for (const auto& d : x.dates) std::printf("  date   %s «%s»\n", d.Iso().c_str(), d.text.c_str());
  for (const auto& c : x.counts)
    std::printf("  count  %lld %s «%s»\n", static_cast<long long>(c.value), c.what.c_str(),
                c.text.c_str());
  auto has_place = [&](const char* id) {
    return std::any_of(x.places.begin(), x.places.end(),
                       [&](const PlaceMention& p) { return p.place_id == id; });
  };
  EXPECT_TRUE(has_place("iq-baghdad"));
  EXPECT_TRUE(has_place("iq-gov-anbar"));
  ASSERT_EQ(x.groups.size(), 1u);
  EXPECT_EQ(x.groups[0].group_key, "isis");
  ASSERT_EQ(x.persons.size(), 1u);
  EXPECT_TRUE(text::SameName(x.persons[0].name, "Tahsin al-Khafaji")) << x.persons[0].name;
  EXPECT_EQ(x.persons[0].title, "اللواء");
  std::vector<std::string> dates;
  for (const auto& d : x.dates) dates.push_back(d.Iso());
  EXPECT_NE(std::find(dates.begin(), dates.end(), "2015-09"), dates.end());  // سبتمبر/ أيلول 2015
  EXPECT_NE(std::find(dates.begin(), dates.end(), "2019-10-09"), dates.end());  // اليوم الأربعاء
  EXPECT_TRUE(x.counts.empty());  // "25 في المئة" is a share, not a count
}

TEST(Extract, ArabicMonthsInBothForms) {
  for (const char* s : {"وقع الهجوم في 3 أيلول 2024", "وقع الهجوم في 3 سبتمبر 2024",
                        "وقع الهجوم في 3 سبتمبر/ أيلول 2024"}) {
    Extraction x = TheExtractor().Extract(s, text::Lang::kAr, 0);
    ASSERT_EQ(x.dates.size(), 1u) << s;
    EXPECT_EQ(x.dates[0].Iso(), "2024-09-03") << s;
  }
  Extraction x =
      TheExtractor().Extract("في كانون الثاني 2020 وتشرين الأول 2021", text::Lang::kAr, 0);
  ASSERT_EQ(x.dates.size(), 2u);
  EXPECT_EQ(x.dates[0].Iso(), "2020-01");
  EXPECT_EQ(x.dates[1].Iso(), "2021-10");
}

TEST(Extract, RelativeDaysAgainstPublication) {
  const Micros wed = Day("2026-11-25");  // a Wednesday
  auto first = [&](const char* s) {
    Extraction x = TheExtractor().Extract(s, text::Lang::kUnknown, wed);
    return x.dates.empty() ? std::string("none") : x.dates[0].Iso();
  };
  EXPECT_EQ(first("قال اليوم الأربعاء"), "2026-11-25");
  EXPECT_EQ(first("وقع الانفجار أمس"), "2026-11-24");
  EXPECT_EQ(first("وقع الانفجار أمس الأول"), "2026-11-23");
  EXPECT_EQ(first("وقع الانفجار الاثنين"), "2026-11-23");
  EXPECT_EQ(first("вчера в Мосуле"), "2026-11-24");
  EXPECT_EQ(first("в пятницу"), "2026-11-20");
  EXPECT_EQ(first("دیروز در بغداد"), "2026-11-24");
  EXPECT_EQ(first("It happened on Saturday"), "2026-11-21");
  // Without a publication date, relative days are dropped.
  EXPECT_TRUE(TheExtractor().Extract("أمس", text::Lang::kAr, 0).dates.empty());
}

TEST(Extract, PersianAndRussianMonths) {
  Extraction fa = TheExtractor().Extract("در ۱۵ مهر ۱۴۰۳ حمله شد", text::Lang::kFa, 0);
  ASSERT_EQ(fa.dates.size(), 1u);
  EXPECT_EQ(fa.dates[0].Iso(), "2024-10-06");
  Extraction ru = TheExtractor().Extract("5 марта 2024 года", text::Lang::kRu, 0);
  ASSERT_EQ(ru.dates.size(), 1u);
  EXPECT_EQ(ru.dates[0].Iso(), "2024-03-05");
  int y, m, d;
  JalaliToGregorian(1403, 1, 1, &y, &m, &d);
  EXPECT_EQ(y * 10000 + m * 100 + d, 20240320);
  JalaliToGregorian(1399, 12, 30, &y, &m, &d);
  EXPECT_EQ(y * 10000 + m * 100 + d, 20210320);
}

TEST(Extract, CommonWordsAreNotPlacesOrDates) {
  Extraction x = TheExtractor().Extract(
      "The strike may hit targets in March. It will not hit anything; Ana said nothing.",
      text::Lang::kEn, 0);
  for (const auto& p : x.places) ADD_FAILURE() << p.place_id << " from " << p.text;
  EXPECT_TRUE(x.dates.empty());
}

TEST(Extract, ScriptsMeetOnOneGroupAndPerson) {
  const char* texts[] = {"قال اللواء تحسين الخفاجي إن داعش هاجم الموصل",
                         "General Tahsin al-Khafaji said ISIS attacked Mosul",
                         "Генерал Тахсин аль-Хафаджи сказал, что ИГИЛ атаковал Мосул"};
  for (const char* s : texts) {
    Extraction x = TheExtractor().Extract(s, text::Lang::kUnknown, 0);
    ASSERT_EQ(x.groups.size(), 1u) << s;
    EXPECT_EQ(x.groups[0].group_key, "isis");
    ASSERT_EQ(x.places.size(), 1u) << s;
    EXPECT_EQ(x.places[0].place_id, "iq-mosul");
    EXPECT_EQ(x.places[0].governorate, "iq-gov-nineveh");
    ASSERT_EQ(x.persons.size(), 1u) << s;
    EXPECT_EQ(x.persons[0].key, text::PhoneticKey("Tahsin al-Khafaji")) << s;
  }
}

TEST(Extract, HostileInputIsHarmless) {
  std::string junk(5000, '\xff');
  junk += "اللواء";
  EXPECT_NO_FATAL_FAILURE(TheExtractor().Extract(junk, text::Lang::kUnknown, 1));
  EXPECT_TRUE(TheExtractor().Extract("", text::Lang::kAr, 0).places.empty());
  Extractor empty(nullptr, nullptr);
  EXPECT_TRUE(empty.Extract("داعش في الموصل", text::Lang::kAr, 0).groups.empty());
}

}  // namespace
}  // namespace tansiq::analysis

namespace tansiq::analysis {
namespace {
TEST(Extract, TitledPersonBeforeAGroup) {
  for (const char* s : {"قال اللواء تحسين الخفاجي إن كتائب سيد الشهداء نقلت أسلحة.",
                        "Генерал Тахсин аль-Хафаджи сообщил, что «Катаиб Сейид аш-Шухада» "
                        "перебросила оружие."}) {
    for (text::Lang lang : {text::Lang::kUnknown, text::DetectLang(s)}) {
      Extraction x = TheExtractor().Extract(s, lang, Day("2024-06-10"));
      ASSERT_EQ(x.persons.size(), 1u) << s;
      EXPECT_EQ(x.persons[0].key, text::PhoneticKey("Tahsin al-Khafaji"));
      ASSERT_EQ(x.groups.size(), 1u) << s;
    }
  }
}
}  // namespace
}  // namespace tansiq::analysis
