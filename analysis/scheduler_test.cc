// The daily brief's due-logic (analysis/scheduler.h) against a ManualClock.
#include "analysis/scheduler.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tansiq::analysis
