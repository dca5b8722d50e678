// Token buckets per user and per API token.
#include "server/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace tansiq::server {
namespace {

double Capacity(const RateLimit& l) { return l.burst > 0 ? l.burst : std::max(l.per_second, 1.0); }

}  // namespace

std::chrono::seconds RateLimiter::Take(std::int64_t user_id, std::string_view token_key,
                                       Clock::time_point now) {
  MutexLock lock(mu_);
  Prune(now);
  // The token's bucket first: a refusal there leaves the user's other tokens their share.
  if (!token_key.empty()) {
    auto wait = TakeFrom("t:" + std::string(token_key), per_token_, now);
    if (wait.count() > 0) return wait;
  }
  return TakeFrom("u:" + std::to_string(user_id), per_user_, now);
}

std::chrono::seconds RateLimiter::TakeFrom(const std::string& key, const RateLimit& limit,
                                           Clock::time_point now) {
  if (limit.per_second <= 0) return std::chrono::seconds(0);
  const double capacity = Capacity(limit);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(capacity, b.tokens + std::max(elapsed, 0.0) * limit.per_second);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::chrono::seconds(0);
  }
  const double wait = (1 - b.tokens) / limit.per_second;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

void RateLimiter::Prune(Clock::time_point now) {
  if (now < next_prune_) return;
  next_prune_ = now + std::chrono::seconds(60);
  // A bucket idle long enough to be full again is the same as no bucket.
  std::erase_if(buckets_, [&](const auto& kv) {
    const bool user = kv.first.starts_with("u:");
    const RateLimit& l = user ? per_user_ : per_token_;
    if (l.per_second <= 0) return true;
    const double elapsed = std::chrono::duration<double>(now - kv.second.last).count();
    return kv.second.tokens + elapsed * l.per_second >= Capacity(l);
  });
}

}  // namespace tansiq::server
