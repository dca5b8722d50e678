// The daily brief's due-logic (analysis/scheduler.h) against a ManualClock; what a watch rule
// asks the trend check to watch, the rising keys of a series, the alert markers and texts.
#include "analysis/scheduler.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "analysis/brief_text.h"
#include "analysis/testing.h"
#include "base/clock.h"

namespace tansiq::analysis {
namespace {

constexpr Micros kHour = 3'600'000'000;
constexpr Micros kDay = 24 * kHour;

Micros Day(const char* date) { return *ParseDayName(date); }

TEST(BriefDue, DayNames) {
  EXPECT_EQ(DayName(Day("2026-11-28")), "2026-11-28");
  EXPECT_EQ(Day("2026-11-29") - Day("2026-11-28"), kDay);
  EXPECT_FALSE(ParseDayName("2026-11-28T00:00:00Z"));
  EXPECT_FALSE(ParseDayName("2026-13-01"));
  EXPECT_FALSE(ParseDayName(""));
}

TEST(BriefDue, NothingBeforeTheHourThenYesterdaysBrief) {
  ManualClock clock(Day("2026-11-29") + 6 * kHour - 1);
  EXPECT_FALSE(BriefDueDay(clock.NowMicros(), 6, std::nullopt));
  clock.Advance(1);  // 06:00:00.000000
  EXPECT_EQ(BriefDueDay(clock.NowMicros(), 6, std::nullopt), Day("2026-11-28"));
  clock.Set(Day("2026-11-29") + 23 * kHour);  // still due all day when not sent
  EXPECT_EQ(BriefDueDay(clock.NowMicros(), 6, std::nullopt), Day("2026-11-28"));
}

TEST(BriefDue, OncePerDay) {
  ManualClock clock(Day("2026-11-29") + 7 * kHour);
  const auto due = BriefDueDay(clock.NowMicros(), 6, std::nullopt);
  ASSERT_TRUE(due);
  EXPECT_FALSE(BriefDueDay(clock.NowMicros(), 6, *due));  // sent: not again today
  clock.Advance(kDay - 2 * kHour);                        // next day 05:00: not yet
  EXPECT_FALSE(BriefDueDay(clock.NowMicros(), 6, *due));
  clock.Advance(kHour);  // next day 06:00: the next brief
  EXPECT_EQ(BriefDueDay(clock.NowMicros(), 6, *due), Day("2026-11-29"));
}

TEST(BriefDue, MissedDaysAreNotCaughtUpAfterMidnight) {
  // Down from before the hour on the 29th until 03:00 on the 30th: the 28th's brief is stale.
  ManualClock clock(Day("2026-11-30") + 3 * kHour);
  EXPECT_FALSE(BriefDueDay(clock.NowMicros(), 6, Day("2026-11-27")));
  clock.Set(Day("2026-11-30") + 6 * kHour);
  EXPECT_EQ(BriefDueDay(clock.NowMicros(), 6, Day("2026-11-27")), Day("2026-11-29"));
}

TEST(BriefDue, StartAfterTheHourSendsAtOnce) {
  // A server down at 06:00 that starts at 10:00 sends the day's brief when it starts.
  ManualClock clock(Day("2026-11-29") + 10 * kHour);
  EXPECT_EQ(BriefDueDay(clock.NowMicros(), 6, Day("2026-11-27")), Day("2026-11-28"));
}

TEST(BriefDue, HourEdgesAndOff) {
  ManualClock clock(Day("2026-11-29"));
  EXPECT_EQ(BriefDueDay(clock.NowMicros(), 0, std::nullopt), Day("2026-11-28"));
  EXPECT_FALSE(BriefDueDay(clock.NowMicros(), 23, std::nullopt));
  clock.Advance(23 * kHour);
  EXPECT_EQ(BriefDueDay(clock.NowMicros(), 23, std::nullopt), Day("2026-11-28"));
  for (int off : {-1, 24, 100}) EXPECT_FALSE(BriefDueDay(clock.NowMicros(), off, std::nullopt));
}

TEST(BriefDue, ALaterRecordNeverResends) {
  // A clock moved back (or a record from a node ahead in time) sends nothing.
  ManualClock clock(Day("2026-11-29") + 8 * kHour);
  EXPECT_FALSE(BriefDueDay(clock.NowMicros(), 6, Day("2026-12-01")));
}

boost::json::object Rule(const char* json) { return boost::json::parse(json).as_object(); }

TEST(TrendWatch, TargetsArePlacesAsGovernoratesAndResolvedGroupKeys) {
  const text::Gazetteer& places = testing::Places();
  const WatchTargets t =
      TrendTargets(Rule(R"({"places":["Mosul","الموصل","Nowhere"],"groups":["داعش","ISIS"],)"
                        R"("group_keys":["isis"],"precedence":"routine"})"),
                   &places);
  const text::Place* mosul = places.Find("Mosul");
  ASSERT_NE(mosul, nullptr);
  // A town counts as its governorate, once; an unknown place watches nothing.
  EXPECT_EQ(t.governorates, std::vector<std::string>{mosul->governorate});
  // Groups: the keys resolved when the rule was accepted, not the names as typed.
  EXPECT_EQ(t.groups, std::vector<std::string>{"isis"});
  EXPECT_TRUE(TrendTargets(Rule(R"({"types":["report"]})"), &places).groups.empty());
  EXPECT_TRUE(TrendTargets(Rule(R"({"places":["Mosul"]})"), nullptr).governorates.empty());
}

TEST(TrendWatch, RisingKeysTestsTheLastDayAgainstEachKeysOwnBaseline) {
  const Micros from = Day("2026-11-01");
  std::vector<store::SituationCell> cells;
  // isis: one a day for 27 days, 9 on the last; hts: one a day and 2 on the last (no rise);
  // pkk: nothing before, 3 on the last day (rise against an empty baseline).
  for (int d = 0; d < 27; ++d) {
    cells.push_back({"hts", from + d * kDay, 1});
    cells.push_back({"isis", from + d * kDay, 1});
  }
  cells.push_back({"hts", from + 27 * kDay, 2});
  cells.push_back({"isis", from + 27 * kDay, 9});
  cells.push_back({"pkk", from + 27 * kDay, 3});
  cells.push_back({"pkk", from + 28 * kDay, 50});  // outside the window: ignored
  const auto rising = RisingKeys(cells, from, 28);
  ASSERT_EQ(rising.size(), 2u);
  EXPECT_EQ(rising.at("isis").current, 9);
  EXPECT_NEAR(rising.at("isis").baseline, 1.0, 0.05);
  EXPECT_EQ(rising.at("pkk").current, 3);
  EXPECT_FALSE(rising.contains("hts"));
  EXPECT_TRUE(RisingKeys({}, from, 28).empty());
}

TEST(TrendWatch, MarkersKeepPlacesAsTheyWereAndSetGroupsApart) {
  EXPECT_EQ(TrendMarkerKey("w1", false, "iq-ninawa"), "analysis.trend_sent.w1.iq-ninawa");
  EXPECT_EQ(TrendMarkerKey("w1", true, "isis"), "analysis.trend_sent.w1.group:isis");
  EXPECT_NE(TrendMarkerKey("w1", true, "x"), TrendMarkerKey("w1", false, "x"));
}

TEST(TrendWatch, GroupAlertTextsInEveryLanguage) {
  EXPECT_EQ(Text(BriefText::kRisingGroups, "en"), "Groups with rising activity");
  EXPECT_EQ(Text(BriefText::kRisingGroups, "xx"), "Groups with rising activity");
  for (const char* lang : {"ar", "ru", "fa"}) {
    EXPECT_NE(Text(BriefText::kRisingGroups, lang), Text(BriefText::kRisingGroups, "en")) << lang;
    EXPECT_NE(Text(BriefText::kRisingGroups, lang), Text(BriefText::kRising, lang)) << lang;
  }
}

}  // namespace
}  // namespace tansiq::analysis
