// Authentication of users: passwords (argon2id via libsodium, verified results cached
// briefly), API tokens (only their hash is stored), and login throttling per user and per
// client address. Answers never reveal whether a user name exists.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/mutex.h"
#include "base/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace tansiq::hub {

// The one password rule (init's bootstrap file, `user add`, `user passwd`, the demo): at
// least 8 characters (Unicode code points) and at most 1024 bytes. InvalidArgument otherwise.
Status CheckPassword(std::string_view password);

// Hashes a password for storage (argon2id, libsodium's interactive limits).
Result<std::string> HashPassword(std::string_view password);

// What an API token may do: everything its user may (kFull); only read — GET and HEAD, no
// state change, no push stream (kRead); only GET /metrics, for a Prometheus scrape (kMetrics).
// Passwords and web sessions are always kFull.
enum class TokenScope { kFull, kRead, kMetrics };
std::string_view ScopeName(TokenScope scope);  // "full", "read", "metrics"
std::optional<TokenScope> ParseScope(std::string_view name);

// A new API token: returns the secret (shown once) and fills `record` with its hash and
// public id. `expires`: 0 for never.
std::string NewToken(std::int64_t user_id, std::string_view label, Micros now, store::Token* record,
                     TokenScope scope = TokenScope::kFull, Micros expires = 0);
// The stored hash of a token secret.
std::string TokenHash(std::string_view secret);

class Hub;

// Thread-safe. Owned by the server; holds only in-memory state (cache, throttle counters).
class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock);
  explicit Authenticator(Hub& hub);  // over the hub's store and clock

  // kUnauthenticated for wrong credentials or a disabled user; kTooManyRequests while the
  // user or the address is throttled.
  Result<policy::Reader> Password(std::string_view user, std::string_view password,
                                  std::string_view client);
  // An API token: kUnauthenticated when unknown or expired, or its user is disabled; sets
  // `*scope` (when given) to what the token may do. Records its use (at most once a minute).
  Result<policy::Reader> Bearer(std::string_view token, std::string_view client,
                                TokenScope* scope = nullptr);

 private:
  struct Failures {
    int count = 0;
    Micros first = 0;
    Micros blocked_until = 0;
  };
  bool Throttled(std::string_view key, Micros now) TANSIQ_REQUIRES(mu_);
  void Fail(const std::string& key, Micros now) TANSIQ_REQUIRES(mu_);
  std::string CacheKey(std::string_view user, std::string_view password,
                       std::string_view hash) const;

  store::Store& store_;
  const Clock& clock_;
  unsigned char cache_key_[32];
  std::string dummy_hash_;  // verified against when the user does not exist (equal timing)

  Mutex mu_;
  std::unordered_map<std::string, Micros> verified_ TANSIQ_GUARDED_BY(mu_);  // cache key → expiry
  std::unordered_map<std::string, Failures> failures_
      TANSIQ_GUARDED_BY(mu_);                                               // "u:name" / "c:addr"
  std::unordered_map<std::string, Micros> touched_ TANSIQ_GUARDED_BY(mu_);  // token hash → last use
};

}  // namespace tansiq::hub
