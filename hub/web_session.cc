// The in-memory session table of the web UI (see web_session.h).
#include "hub/web_session.h"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "hub/auth.h"
#include "hub/hub.h"

namespace tansiq::hub {
namespace {

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(bytes * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), raw.data(), raw.size());
  out.pop_back();
  return out;
}

}  // namespace

bool SecretEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

WebSessions::WebSessions(Hub& hub) : WebSessions(hub.store(), hub.clock()) {}

void WebSessions::PurgeExpired(Micros now) {
  std::erase_if(sessions_, [&](const auto& kv) { return Expired(kv.second, now); });
}

Result<NewSession> WebSessions::Create(std::int64_t user_id) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  const Micros now = clock_.NowMicros();
  NewSession out{RandomHex(32), RandomHex(32), now + kSessionLifetime};
  MutexLock lock(mu_);
  if (sessions_.size() >= kMaxSessions) PurgeExpired(now);
  if (sessions_.size() >= kMaxSessions) {
    return Unavailable("too many open sessions; retry later");
  }
  // Bound one user's sessions: the least recently used goes.
  std::size_t mine = 0;
  auto oldest = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.user_id != user_id) continue;
    ++mine;
    if (oldest == sessions_.end() || it->second.last_used < oldest->second.last_used) oldest = it;
  }
  if (mine >= kMaxPerUser) sessions_.erase(oldest);
  sessions_[TokenHash(out.token)] = Entry{user_id, out.csrf, now, now};
  return out;
}

Result<ResolvedSession> WebSessions::Resolve(std::string_view token) {
  const Status expired(ErrorCode::kUnauthenticated,
                       "the session has expired or was logged out; log in again");
  if (token.empty() || token.size() > 128) return expired;
  const Micros now = clock_.NowMicros();
  const std::string key = TokenHash(token);
  ResolvedSession out;
  std::int64_t user_id = 0;
  {
    MutexLock lock(mu_);
    auto it = sessions_.find(key);
    if (it == sessions_.end()) return expired;
    if (Expired(it->second, now)) {
      sessions_.erase(it);
      return expired;
    }
    it->second.last_used = now;
    user_id = it->second.user_id;
    out.csrf = it->second.csrf;
  }
  auto u = store_.UserById(user_id);
  if (!u.ok()) return u.status();
  if (!u->has_value() || (*u)->disabled) {
    Remove(token);
    return expired;
  }
  out.reader = policy::Reader{(*u)->id, (*u)->name, (*u)->party, (*u)->roles};
  out.lang = (*u)->lang;
  return out;
}

void WebSessions::Remove(std::string_view token) {
  const std::string key = TokenHash(token);
  MutexLock lock(mu_);
  sessions_.erase(key);
}

std::size_t WebSessions::size() {
  MutexLock lock(mu_);
  return sessions_.size();
}

}  // namespace tansiq::hub
