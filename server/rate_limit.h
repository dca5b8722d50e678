// Request rate limits for authenticated callers: a token bucket per user and one per API
// token, so one client cannot take the hub's capacity from the others (429 + Retry-After).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/mutex.h"

namespace tansiq::server {

// A bucket refilled at `per_second` requests per second holding at most `burst`.
// per_second <= 0: no limit.
struct RateLimit {
  double per_second = 0;
  double burst = 0;  // <= 0: max(per_second, 1)
};

// Thread-safe. Owned by Serve(); in memory only (limits restart with the process).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(RateLimit per_user, RateLimit per_token)
      : per_user_(per_user), per_token_(per_token) {}

  // Takes one request from user `user_id`'s bucket and, when `token_key` is not empty (a
  // Bearer token, e.g. its hash), from that token's. 0 when allowed, else the whole seconds
  // (at least 1) after which the refused bucket holds a request again (Retry-After).
  std::chrono::seconds Take(std::int64_t user_id, std::string_view token_key,
                            Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  // 0 when a request was taken.
  std::chrono::seconds TakeFrom(const std::string& key, const RateLimit& limit,
                                Clock::time_point now) TANSIQ_REQUIRES(mu_);
  void Prune(Clock::time_point now) TANSIQ_REQUIRES(mu_);

  const RateLimit per_user_;
  const RateLimit per_token_;
  Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ TANSIQ_GUARDED_BY(mu_);  // "u:<id>" / "t:<key>"
  Clock::time_point next_prune_ TANSIQ_GUARDED_BY(mu_){};
};

}  // namespace tansiq::server
