// Browser sessions of the web UI: a random 256-bit cookie token (only its hash is kept), a
// per-session CSRF token, an absolute lifetime and an idle timeout. Held in memory: see
// WebSessions for why. The server authenticates cookie requests through Resolve().
#pragma once

#include <cstdint>
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

inline constexpr std::string_view kSessionCookie = "tansiq_session";
inline constexpr Micros kSessionLifetime = 12LL * 3600 * 1'000'000;  // absolute, from login
inline constexpr Micros kSessionIdle = 2LL * 3600 * 1'000'000;       // since the last request

// What a login hands out. `token` goes into the cookie, `csrf` into the JSON answer; neither
// is stored (the table keys on the token's hash; the csrf token is kept to compare).
struct NewSession {
  std::string token;
  std::string csrf;
  Micros expires = 0;
};

// An authenticated cookie: the user as the store has them now, and the session's csrf token.
struct ResolvedSession {
  policy::Reader reader;
  std::string lang;
  std::string csrf;
};

class Hub;

// The table of live sessions. Thread-safe (one mutex). Owned by the server; outlives its
// sessions' requests.
//
// In memory, not in the store: a session is a short-lived bearer credential, so keeping it
// out of the database keeps it out of backups and copies, costs no fsync per login or
// logout, and a restart simply logs everyone out (the UI shows the login page). Each request
// re-reads the user from the store, so disabling a user or changing roles takes effect at
// once. Several server nodes (PostgreSQL scale-out) would need sticky routing or a
// store-backed table behind this same interface.
class WebSessions {
 public:
  WebSessions(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  explicit WebSessions(Hub& hub);  // over the hub's store and clock

  // A new session for `user_id`. At most kMaxPerUser per user (the oldest goes) and
  // kMaxSessions in all (expired ones are purged first; then kUnavailable).
  Result<NewSession> Create(std::int64_t user_id);
  // The user behind a cookie token: kUnauthenticated when unknown, expired, idle too long,
  // or the user is disabled or gone. Refreshes the idle timer.
  Result<ResolvedSession> Resolve(std::string_view token);
  // Logs a session out; no-op for an unknown token.
  void Remove(std::string_view token);

  std::size_t size();

  static constexpr std::size_t kMaxPerUser = 32;
  static constexpr std::size_t kMaxSessions = 100'000;

 private:
  struct Entry {
    std::int64_t user_id = 0;
    std::string csrf;
    Micros created = 0;
    Micros last_used = 0;
  };
  bool Expired(const Entry& e, Micros now) const {
    return now >= e.created + kSessionLifetime || now >= e.last_used + kSessionIdle;
  }
  void PurgeExpired(Micros now) TANSIQ_REQUIRES(mu_);

  store::Store& store_;
  const Clock& clock_;
  Mutex mu_;
  std::unordered_map<std::string, Entry> sessions_ TANSIQ_GUARDED_BY(mu_);  // token hash → session
};

// Constant-time equality of two secrets (different lengths compare unequal).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace tansiq::hub
