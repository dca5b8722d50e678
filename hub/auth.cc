// Password and token authentication with a verified-credential cache and login throttling.
#include "hub/auth.h"

#include "hub/hub.h"

#include <sodium.h>

namespace tansiq::hub {
namespace {

constexpr Micros kCacheTtl = 5 * 60 * 1'000'000LL;
constexpr int kFreeFailures = 5;         // per user name, before back-off starts
constexpr int kFreeClientFailures = 50;  // per client address (one NAT holds many users)
constexpr Micros kFailureWindow = 15 * 60 * 1'000'000LL;
constexpr Micros kMaxBlock = 15 * 60 * 1'000'000LL;
constexpr Micros kTouchInterval = 60 * 1'000'000LL;  // a token's last use, written at most so often

std::string Hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

Result<policy::Reader> ReaderOf(const store::User& u) {
  if (u.disabled) return Status(ErrorCode::kUnauthenticated, "invalid credentials");
  return policy::Reader{u.id, u.name, u.party, u.roles};
}

}  // namespace

Status CheckPassword(std::string_view password) {
  std::size_t chars = 0;
  for (char c : password) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars < 8) return InvalidArgument("a password needs at least 8 characters");
  if (password.size() > 1024) return InvalidArgument("a password has at most 1024 bytes");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Unavailable("out of memory hashing a password");
  }
  return std::string(out);
}

std::string TokenHash(std::string_view secret) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  return Hex(h, sizeof h);
}

std::string_view ScopeName(TokenScope scope) {
  switch (scope) {
    case TokenScope::kRead:
      return "read";
    case TokenScope::kMetrics:
      return "metrics";
    case TokenScope::kFull:
      break;
  }
  return "full";
}

std::optional<TokenScope> ParseScope(std::string_view name) {
  for (TokenScope s : {TokenScope::kFull, TokenScope::kRead, TokenScope::kMetrics}) {
    if (name == ScopeName(s)) return s;
  }
  return std::nullopt;
}

std::string NewToken(std::int64_t user_id, std::string_view label, Micros now, store::Token* record,
                     TokenScope scope, Micros expires) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  std::string secret = "tsq_" + Hex(raw, sizeof raw);
  std::string hash = TokenHash(secret);
  std::string id = hash.substr(0, 16);
  *record = store::Token{std::move(hash),
                         user_id,
                         std::string(label),
                         now,
                         std::move(id),
                         std::string(ScopeName(scope)),
                         expires,
                         0};
  return secret;
}

Authenticator::Authenticator(Hub& hub) : Authenticator(hub.store(), hub.clock()) {}

Authenticator::Authenticator(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {
  if (sodium_init() < 0) std::abort();  // start-up: no crypto, no hub
  randombytes_buf(cache_key_, sizeof cache_key_);
  auto dummy = HashPassword("tansiq-dummy-password");
  dummy_hash_ = dummy.ok() ? *dummy : "";
}

std::string Authenticator::CacheKey(std::string_view user, std::string_view password,
                                    std::string_view hash) const {
  crypto_generichash_state st;
  crypto_generichash_init(&st, cache_key_, sizeof cache_key_, 32);
  for (std::string_view part : {user, password, hash}) {
    std::uint64_t n = part.size();
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  }
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof out);
  return std::string(reinterpret_cast<char*>(out), sizeof out);
}

bool Authenticator::Throttled(std::string_view key, Micros now) {
  auto it = failures_.find(std::string(key));
  return it != failures_.end() && it->second.blocked_until > now;
}

void Authenticator::Fail(const std::string& key, Micros now) {
  Failures& f = failures_[key];
  if (f.blocked_until > now) return;  // attempts while blocked are refused, not counted
  if (now - f.first > kFailureWindow) f = Failures{0, now, 0};
  const int allowed = key.starts_with("c:") ? kFreeClientFailures : kFreeFailures;
  if (++f.count > allowed) {
    // Exponential back-off: 1 s, 2 s, 4 s... capped.
    Micros block = std::min<Micros>(kMaxBlock, 1'000'000LL << std::min(f.count - allowed, 20));
    f.blocked_until = now + block;
  }
  if (failures_.size() > 100'000) failures_.clear();  // bound memory under a spray attack
}

Result<policy::Reader> Authenticator::Password(std::string_view user, std::string_view password,
                                               std::string_view client) {
  const Micros now = clock_.NowMicros();
  const std::string user_key = "u:" + std::string(user);
  const std::string client_key = "c:" + std::string(client);
  {
    MutexLock lock(mu_);
    if (Throttled(user_key, now) || Throttled(client_key, now)) {
      return Status(ErrorCode::kTooManyRequests, "too many failed logins; retry later");
    }
  }
  auto u = store_.UserByName(user);
  if (!u.ok()) return u.status();
  const std::string& hash = u->has_value() ? (*u)->password_hash : dummy_hash_;
  const std::string key = CacheKey(user, password, hash);
  {
    MutexLock lock(mu_);
    auto it = verified_.find(key);
    if (it != verified_.end() && it->second > now && u->has_value()) return ReaderOf(**u);
  }
  bool ok = !hash.empty() &&
            crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0 &&
            u->has_value();
  MutexLock lock(mu_);
  if (!ok) {
    Fail(user_key, now);
    Fail(client_key, now);
    return Status(ErrorCode::kUnauthenticated, "invalid credentials");
  }
  if (verified_.size() > 10'000) verified_.clear();
  verified_[key] = now + kCacheTtl;
  failures_.erase(user_key);
  return ReaderOf(**u);
}

Result<policy::Reader> Authenticator::Bearer(std::string_view token, std::string_view client,
                                             TokenScope* scope) {
  const Micros now = clock_.NowMicros();
  const std::string client_key = "c:" + std::string(client);
  {
    MutexLock lock(mu_);
    if (Throttled(client_key, now)) {
      return Status(ErrorCode::kTooManyRequests, "too many failed logins; retry later");
    }
  }
  const std::string hash = TokenHash(token);
  auto t = store_.TokenByHash(hash);
  if (!t.ok()) return t.status();
  if (t->has_value() && (*t)->expires != 0 && (*t)->expires <= now) {
    return Status(ErrorCode::kUnauthenticated, "token expired");
  }
  if (t->has_value()) {
    auto u = store_.UserById((*t)->user_id);
    if (!u.ok()) return u.status();
    if (u->has_value()) {
      if (scope) *scope = ParseScope((*t)->scope).value_or(TokenScope::kMetrics);
      bool touch = false;
      {
        MutexLock lock(mu_);
        Micros& last = touched_[hash];
        if (now - last >= kTouchInterval) {
          last = now;
          touch = true;
        }
        if (touched_.size() > 100'000) touched_.clear();
      }
      if (touch) {
        store_.Submit([hash, now](store::WriteTxn& txn) { return txn.TouchToken(hash, now); },
                      [](Status) {});  // a lost "last used" is no reason to refuse the call
      }
      return ReaderOf(**u);
    }
  }
  MutexLock lock(mu_);
  Fail(client_key, now);
  return Status(ErrorCode::kUnauthenticated, "invalid credentials");
}

}  // namespace tansiq::hub
