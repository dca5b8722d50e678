// Authentication of users: passwords (argon2id via libsodium, verified results cached
// briefly), API tokens (only their hash is stored), and login throttling per user and per
// client address. Answers never reveal whether a user name exists.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"
#include "store/store.h"

namespace tansiq::hub {

// Hashes a password for storage (argon2id, libsodium's interactive limits).
Result<std::string> HashPassword(std::string_view password);

// A new API token: returns the secret (shown once) and fills `record` with its hash.
std::string NewToken(std::int64_t user_id, std::string_view label, Micros now,
                     store::Token* record);
// The stored hash of a token secret.
std::string TokenHash(std::string_view secret);

// Thread-safe. Owned by the server; holds only in-memory state (cache, throttle counters).
class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock);

  // kUnauthenticated for wrong credentials or a disabled user; kTooManyRequests while the
  // user or the address is throttled.
  Result<policy::Reader> Password(std::string_view user, std::string_view password,
                                  std::string_view client);
  Result<policy::Reader> Bearer(std::string_view token, std::string_view client);

 private:
  struct Failures {
    int count = 0;
    Micros first = 0;
    Micros blocked_until = 0;
  };
  bool Throttled(std::string_view key, Micros now);  // requires mu_
  void Fail(const std::string& key, Micros now);     // requires mu_
  std::string CacheKey(std::string_view user, std::string_view password,
                       std::string_view hash) const;

  store::Store& store_;
  const Clock& clock_;
  unsigned char cache_key_[32];
  std::string dummy_hash_;  // verified against when the user does not exist (equal timing)

  std::mutex mu_;
  std::unordered_map<std::string, Micros> verified_;    // cache key → expiry; guarded by mu_
  std::unordered_map<std::string, Failures> failures_;  // "u:name" / "c:addr"; guarded by mu_
};

}  // namespace tansiq::hub
