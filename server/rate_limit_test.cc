// RateLimiter: token buckets per user and per token, Retry-After.
#include "server/rate_limit.h"

#include <gtest/gtest.h>

namespace tansiq::server {
namespace {

using Clock = RateLimiter::Clock;
using std::chrono::seconds;

TEST(RateLimiter, BurstThenRefusedWithRetryAfter) {
  RateLimiter limiter({.per_second = 2, .burst = 5}, {});
  const auto t0 = Clock::time_point() + std::chrono::hours(1);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.Take(7, "", t0).count(), 0) << i;
  EXPECT_EQ(limiter.Take(7, "", t0).count(), 1);  // one request back after 0.5 s: 1 s
  EXPECT_EQ(limiter.Take(8, "", t0).count(), 0);  // another user has their own bucket
  EXPECT_EQ(limiter.Take(7, "", t0 + std::chrono::milliseconds(600)).count(), 0);
  EXPECT_EQ(limiter.Take(7, "", t0 + std::chrono::milliseconds(600)).count(), 1);
}

TEST(RateLimiter, SlowRateGivesLongerRetryAfter) {
  RateLimiter limiter({.per_second = 0.1, .burst = 1}, {});
  const auto t0 = Clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(limiter.Take(1, "", t0).count(), 0);
  EXPECT_EQ(limiter.Take(1, "", t0), seconds(10));
}

TEST(RateLimiter, PerTokenLimitBeforeTheUsers) {
  RateLimiter limiter({.per_second = 100, .burst = 100}, {.per_second = 1, .burst = 2});
  const auto t0 = Clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(limiter.Take(1, "tok-a", t0).count(), 0);
  EXPECT_EQ(limiter.Take(1, "tok-a", t0).count(), 0);
  EXPECT_GT(limiter.Take(1, "tok-a", t0).count(), 0);
  EXPECT_EQ(limiter.Take(1, "tok-b", t0).count(), 0);  // the user's other token still works
  EXPECT_EQ(limiter.Take(1, "", t0).count(), 0);       // and so does their password
}

TEST(RateLimiter, ZeroRateIsNoLimit) {
  RateLimiter limiter({}, {});
  const auto t0 = Clock::time_point() + std::chrono::hours(1);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(limiter.Take(1, "t", t0).count(), 0);
}

TEST(RateLimiter, IdleBucketsArePrunedAndComeBackFull) {
  RateLimiter limiter({.per_second = 1, .burst = 3}, {});
  auto t = Clock::time_point() + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take(1, "", t).count(), 0);
  t += std::chrono::minutes(5);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take(1, "", t).count(), 0) << i;
  EXPECT_GT(limiter.Take(1, "", t).count(), 0);
}

}  // namespace
}  // namespace tansiq::server
