// Tests for stix/timestamp: RFC 3339 "Z" timestamps, precision, formatting.
#include "stix/timestamp.h"

#include <gtest/gtest.h>

namespace tansiq::stix {
namespace {

TEST(Timestamp, ParsesMillisecondsSinceEpoch) {
  Result<Timestamp> ts = ParseTimestamp("1970-01-01T00:00:01.500Z");
  ASSERT_TRUE(ts.ok()) << ts.status().message();
  EXPECT_EQ(ts->micros, 1'500'000);
  EXPECT_EQ(ts->fraction_digits, 3);
}

TEST(Timestamp, ParsesWithoutFraction) {
  Result<Timestamp> ts = ParseTimestamp("2016-04-06T20:03:48Z");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->micros, 1459973028LL * 1'000'000);
  EXPECT_EQ(ts->fraction_digits, 0);
}

TEST(Timestamp, TruncatesBeyondMicroseconds) {
  Result<Timestamp> ts = ParseTimestamp("2016-04-06T20:03:48.123456789Z");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->micros % 1'000'000, 123456);
  EXPECT_EQ(ts->fraction_digits, 9);
}

TEST(Timestamp, AcceptsLeapDayAndLeapSecond) {
  EXPECT_TRUE(ParseTimestamp("2024-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseTimestamp("2000-02-29T00:00:00Z").ok());
  EXPECT_TRUE(ParseTimestamp("2016-12-31T23:59:60Z").ok());
}

TEST(Timestamp, RejectsMalformed) {
  for (const char* bad : {"",
                          "2016-04-06",
                          "2016-04-06T20:03:48",
                          "2016-04-06T20:03:48+00:00",
                          "2016-04-06T20:03:48.Z",
                          "2016-04-06T20:03:48.123Zx",
                          "2016-04-06 20:03:48Z",
                          "2016-04-06t20:03:48z",
                          "2016-13-01T00:00:00Z",
                          "2016-00-01T00:00:00Z",
                          "2023-02-29T00:00:00Z",
                          "1900-02-29T00:00:00Z",
                          "2016-02-30T00:00:00Z",
                          "2016-04-31T00:00:00Z",
                          "2016-04-06T24:00:00Z",
                          "2016-04-06T23:60:00Z",
                          "2016-04-06T23:00:61Z",
                          "2016-4-06T20:03:48Z",
                          "20160406T200348Z",
                          "2016-04-06T20:03:48.12a4Z"}) {
    EXPECT_FALSE(ParseTimestamp(bad).ok()) << bad;
  }
}

TEST(Timestamp, EnforcesMinimumPrecision) {
  EXPECT_TRUE(ParseTimestamp("2016-04-06T20:03:48.123Z", 3).ok());
  EXPECT_TRUE(ParseTimestamp("2016-04-06T20:03:48.1234Z", 3).ok());
  Result<Timestamp> coarse = ParseTimestamp("2016-04-06T20:03:48.12Z", 3);
  ASSERT_FALSE(coarse.ok());
  EXPECT_NE(coarse.status().message().find("millisecond"), std::string::npos);
  EXPECT_FALSE(ParseTimestamp("2016-04-06T20:03:48Z", 3).ok());
}

TEST(Timestamp, FormatsSixFractionDigits) {
  EXPECT_EQ(FormatMicros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatMicros(1'500'001), "1970-01-01T00:00:01.500001Z");
  EXPECT_EQ(FormatMicros(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(Timestamp, FormatRoundTrips) {
  for (const char* text : {"2026-11-29T04:02:31.123456Z", "2000-02-29T23:59:59.000001Z",
                           "1999-12-31T00:00:00.000000Z", "2400-03-01T12:34:56.789000Z"}) {
    Result<Timestamp> ts = ParseTimestamp(text);
    ASSERT_TRUE(ts.ok()) << text;
    EXPECT_EQ(FormatMicros(ts->micros), text);
  }
}

}  // namespace
}  // namespace tansiq::stix
