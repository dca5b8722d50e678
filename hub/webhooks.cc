#include "hub/webhooks.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "base/mutex.h"
#include "stix/timestamp.h"

namespace tansiq::hub {
namespace {

namespace json = boost::json;

constexpr std::string_view kNoSuchWebhook = "no such webhook";
constexpr std::size_t kSecretBytes = 32;  // generated: 32 random bytes, 64 hex characters
constexpr std::size_t kMinSecret = 32;
constexpr std::size_t kMaxSecret = 256;
constexpr std::size_t kMaxPendingLoad = 1'000'000;

std::string RandomSecret() {
  unsigned char raw[kSecretBytes];
  randombytes_buf(raw, sizeof raw);
  std::string hex(sizeof raw * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw, sizeof raw);
  hex.pop_back();
  return hex;
}

using SecretKey = std::array<unsigned char, 32>;
static_assert(crypto_secretbox_KEYBYTES == 32);

// The stored form of a secret: "v1:" + hex(nonce || secretbox(secret)) under a key derived from
// the hub's key file, so a copy of the database alone does not reveal it.
std::string SealSecret(const SecretKey& key, std::string_view secret) {
  std::string raw(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), out,
                        key.data());
  std::string hex(raw.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out, raw.size());
  hex.pop_back();
  return "v1:" + hex;
}

std::optional<std::string> OpenSecret(const SecretKey& key, std::string_view sealed) {
  if (!sealed.starts_with("v1:")) return std::nullopt;
  sealed.remove_prefix(3);
  std::string raw(sealed.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), sealed.data(),
                     sealed.size(), nullptr, &len, nullptr) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  std::string secret(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(secret.data()),
                                 in + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, in, key.data()) != 0) {
    return std::nullopt;
  }
  return secret;
}

}  // namespace

class Webhooks::Impl {
 public:
  Impl(Hub& hub, FrameSource& frames, WebhookOptions options)
      : hub_(hub),
        frames_(frames),
        options_(std::move(options)),
        key_(hub.key().DeriveKey("webhook-secrets")) {}

  Status Start() {
    const std::vector<std::string> entries =
        options_.allow ? *options_.allow : hub_.settings().webhook_allow;
    auto allow = dissem::WebhookAllowList::Parse(entries);
    if (!allow.ok()) return allow.status();
    {
      MutexLock lock(mu_);
      allow_ = std::move(*allow);
    }
    TANSIQ_RETURN_IF_ERROR(Reload());
    if (!entries.empty()) spdlog::info("webhooks: {} allow-list entr(ies)", entries.size());
    return Status::Ok();
  }

  void SetDispatch(WebhookDispatch* d) { dispatch_.store(d); }

  void Add(const policy::Reader& reader, const json::object& body, DoneWith done) {
    for (const auto& kv : body) {
      if (kv.key() != "url" && kv.key() != "secret" && kv.key() != "scope") {
        return done(InvalidArgument("unknown field '" + std::string(kv.key()) + "'"));
      }
    }
    const json::value* url = body.if_contains("url");
    if (!url || !url->is_string()) return done(InvalidArgument("url: required, a string"));
    bool party_scope = false;
    if (const json::value* scope = body.if_contains("scope"); scope && !scope->is_null()) {
      if (!scope->is_string() ||
          (scope->get_string() != "user" && scope->get_string() != "party")) {
        return done(InvalidArgument("scope: must be \"user\" or \"party\""));
      }
      party_scope = scope->get_string() == "party";
    }
    if (party_scope && !(reader.roles & policy::kAdmin)) {
      return done(PermissionDenied("only an admin of the party may register a party webhook"));
    }
    std::string secret;
    bool generated = false;
    if (const json::value* s = body.if_contains("secret"); s && !s->is_null()) {
      if (!s->is_string()) return done(InvalidArgument("secret: must be a string"));
      secret = std::string(s->get_string());
      if (secret.size() < kMinSecret || secret.size() > kMaxSecret) {
        return done(InvalidArgument("secret: must be 32 to 256 bytes long"));
      }
      for (unsigned char c : secret) {
        if (c < 0x20 || c == 0x7f) return done(InvalidArgument("secret: no control characters"));
      }
    } else {
      secret = RandomSecret();
      generated = true;
    }
    auto checked = Allow().Check(url->get_string());
    if (!checked.ok()) return done(checked.status());
    {
      auto hooks = Snapshot();
      std::size_t mine =
          std::count_if(hooks->begin(), hooks->end(),
                        [&](const store::WebhookRecord& w) { return w.user_id == reader.user_id; });
      if (mine >= options_.max_per_user) {
        return done(Unprocessable("at most " + std::to_string(options_.max_per_user) +
                                  " webhooks per user"));
      }
    }
    store::WebhookRecord w;
    w.id = Hub::NewUuid();
    w.user_id = reader.user_id;
    if (party_scope) w.party = reader.party;
    w.url = checked->normalized;
    w.secret = SealSecret(key_, secret);
    w.created = hub_.clock().NowMicros();
    const std::string party_code = PartyCode(reader.party);
    hub_.store().Submit(
        [this, w, reader, party_code](store::WriteTxn& txn) -> Status {
          TANSIQ_RETURN_IF_ERROR(txn.PutWebhook(w));
          return hub_.auditor().Append(
              txn, {{reader.user_name, party_code, "webhook.add", w.id,
                     "ok: " + std::string(w.party ? "party " : "user ") + w.url}});
        },
        [this, w, secret, generated, done = std::move(done)](Status s) {
          if (s.ok()) s = Reload();
          if (!s.ok()) return done(s);
          json::object o = Describe(w);
          if (generated) o["secret"] = secret;
          done(json::serialize(o));
        });
  }

  Result<std::string> List(const policy::Reader& reader) {
    json::array out;
    for (const auto& w : *Snapshot()) {
      if (Manages(reader, w)) out.push_back(Describe(w));
    }
    return json::serialize(json::object{{"webhooks", std::move(out)}});
  }

  void Delete(const policy::Reader& reader, std::string id, DoneStatus done) {
    std::optional<store::WebhookRecord> found;
    for (const auto& w : *Snapshot()) {
      if (w.id == id && Manages(reader, w)) found = w;
    }
    if (!found) return done(NotFound(std::string(kNoSuchWebhook)));
    auto gone = std::make_shared<bool>(false);
    const std::string party_code = PartyCode(reader.party);
    hub_.store().Submit(
        [this, id, reader, party_code, gone](store::WriteTxn& txn) -> Status {
          auto r = txn.DeleteWebhook(id);
          if (!r.ok()) return r.status();
          *gone = *r;
          if (!*r) return Status::Ok();
          return hub_.auditor().Append(
              txn, {{reader.user_name, party_code, "webhook.delete", id, "ok"}});
        },
        [this, gone, done = std::move(done)](Status s) {
          if (s.ok() && !*gone) s = NotFound(std::string(kNoSuchWebhook));
          if (s.ok()) s = Reload();
          done(s);
        });
  }

  std::vector<store::WebhookDelivery> RowsFor(const policy::Reader& to,
                                              const std::string& message_id, int realert,
                                              const std::string& escalated_for) {
    std::vector<store::WebhookDelivery> rows;
    auto hooks = Snapshot();
    if (hooks->empty()) return rows;
    const Micros now = hub_.clock().NowMicros();
    for (const auto& w : *hooks) {
      const bool mine = !w.party && w.user_id == to.user_id;
      const bool party = w.party && *w.party == to.party;
      if (!mine && !party) continue;
      store::WebhookDelivery d;
      d.id = Hub::NewUuid();
      d.webhook_id = w.id;
      d.user_id = to.user_id;
      d.message_id = message_id;
      d.realert = realert;
      d.escalated_for = escalated_for;
      d.queued_at = now;
      d.next_at = now;
      rows.push_back(std::move(d));
    }
    return rows;
  }

  void Enqueued(const std::vector<store::WebhookDelivery>& rows) {
    WebhookDispatch* d = dispatch_.load();
    if (!d) return;  // posted after the next start
    for (const auto& r : rows) d->Schedule(r);
  }

  Result<std::vector<store::WebhookDelivery>> Pending() {
    return hub_.store().WebhookOutbox(kMaxPendingLoad);
  }

  Result<WebhookPost> Prepare(const store::WebhookDelivery& d) {
    std::optional<store::WebhookRecord> hook;
    for (const auto& w : *Snapshot()) {
      if (w.id == d.webhook_id) hook = w;
    }
    if (!hook) return NotFound(std::string(kNoSuchWebhook));
    // The allow-list may have shrunk since registration: checked again at every attempt.
    auto url = Allow().Check(hook->url);
    if (!url.ok()) return url.status();
    auto user = hub_.store().UserById(d.user_id);
    if (!user.ok()) return user.status();
    if (!user->has_value() || (*user)->disabled) return NotFound("recipient gone");
    const store::User& u = **user;
    // A party webhook follows its party: a user who moved party is no longer covered.
    if (hook->party && *hook->party != u.party) return NotFound("recipient left the party");
    const policy::Reader to{u.id, u.name, u.party, u.roles};
    auto frame = frames_.FrameFor(to, d.message_id, d.realert, d.escalated_for);
    if (!frame.ok()) return frame.status();
    WebhookPost post;
    post.url = std::move(*url);
    post.body = std::move(*frame);
    post.timestamp = std::to_string(hub_.clock().NowMicros() / 1'000'000);
    post.signature = dissem::WebhookSignature(hook->secret, post.timestamp, post.body);
    post.recipient = u.name;
    attempts_.fetch_add(1);
    return post;
  }

  void Succeeded(const store::WebhookDelivery& d) {
    delivered_.fetch_add(1);
    const std::string id = d.id;
    hub_.store().Submit([id](store::WriteTxn& txn) { return txn.DeleteWebhookDelivery(id); },
                        [id](Status s) {
                          if (!s.ok()) spdlog::warn("webhook delivery {}: {}", id, s.message());
                        });
    auto user = hub_.store().UserById(d.user_id);
    if (!user.ok() || !user->has_value()) return;
    const store::User& u = **user;
    frames_.Received({u.id, u.name, u.party, u.roles}, d.message_id, "webhook:" + d.webhook_id,
                     [](Status) {});  // NotFound: not (or no longer) tracked as a recipient
  }

  std::optional<store::WebhookDelivery> Failed(const store::WebhookDelivery& d,
                                               std::string_view why) {
    failures_.fetch_add(1);
    store::WebhookDelivery next = d;
    ++next.attempts;
    const Micros now = hub_.clock().NowMicros();
    if (dissem::GiveUp(next.attempts, next.queued_at, now, options_.retry)) {
      spdlog::warn("webhook delivery {} of {} given up after {} attempt(s): {}", d.id, d.message_id,
                   next.attempts, why);
      Drop(d, true);
      return std::nullopt;
    }
    next.next_at = now + dissem::RetryDelay(next.attempts, options_.retry, randombytes_random());
    spdlog::info("webhook delivery {} of {}: attempt {} failed ({}), next in {} ms", d.id,
                 d.message_id, next.attempts, why, (next.next_at - now) / 1000);
    hub_.store().Submit([next](store::WriteTxn& txn) { return txn.PutWebhookDelivery(next); },
                        [id = d.id](Status s) {
                          if (!s.ok()) spdlog::warn("webhook delivery {}: {}", id, s.message());
                        });
    return next;
  }

  void Drop(const store::WebhookDelivery& d, bool failure) {
    if (failure) given_up_.fetch_add(1);
    const std::string id = d.id;
    hub_.store().Submit([id](store::WriteTxn& txn) { return txn.DeleteWebhookDelivery(id); },
                        [id](Status s) {
                          if (!s.ok()) spdlog::warn("webhook delivery {}: {}", id, s.message());
                        });
  }

  std::string Metrics() const {
    std::string out;
    auto counter = [&](const char* name, const char* help, std::uint64_t v) {
      out += std::string("# HELP ") + name + " " + help + "\n";
      out += std::string("# TYPE ") + name + " counter\n";
      out += std::string(name) + " " + std::to_string(v) + "\n";
    };
    counter("tansiq_webhook_attempts_total", "Webhook posts attempted.", attempts_.load());
    counter("tansiq_webhook_failures_total",
            "Webhook posts that failed (no 2xx: error, timeout, refusal).", failures_.load());
    counter("tansiq_webhook_delivered_total", "Webhook posts answered with a 2xx.",
            delivered_.load());
    counter("tansiq_webhook_given_up_total",
            "Webhook deliveries abandoned (attempts or age exhausted, address off the allow-list).",
            given_up_.load());
    return out;
  }

 private:
  // Loads every webhook with its secret opened (one that does not open — another hub key — is
  // left out, with a warning).
  Status Reload() {
    auto hooks = hub_.store().Webhooks();
    if (!hooks.ok()) return hooks.status();
    std::vector<store::WebhookRecord> usable;
    for (auto& w : *hooks) {
      auto secret = OpenSecret(key_, w.secret);
      if (!secret) {
        spdlog::warn("webhook {}: its secret does not open with this hub's key; skipped", w.id);
        continue;
      }
      w.secret = std::move(*secret);
      usable.push_back(std::move(w));
    }
    auto snapshot = std::make_shared<const std::vector<store::WebhookRecord>>(std::move(usable));
    MutexLock lock(mu_);
    hooks_ = std::move(snapshot);
    return Status::Ok();
  }

  std::shared_ptr<const std::vector<store::WebhookRecord>> Snapshot() {
    MutexLock lock(mu_);
    return hooks_;
  }

  dissem::WebhookAllowList Allow() {
    MutexLock lock(mu_);
    return allow_;
  }

  // Whether `reader` may see and delete `w`: their own user webhook, or their party's as its
  // admin.
  static bool Manages(const policy::Reader& reader, const store::WebhookRecord& w) {
    if (!w.party) return w.user_id == reader.user_id;
    return *w.party == reader.party && (reader.roles & policy::kAdmin);
  }

  json::object Describe(const store::WebhookRecord& w) {
    json::object o{{"id", w.id},
                   {"url", w.url},
                   {"scope", w.party ? "party" : "user"},
                   {"created", stix::FormatMicros(w.created)}};
    if (w.party) o["party"] = PartyCode(*w.party);
    return o;
  }

  std::string PartyCode(policy::PartyIndex index) {
    auto dir = hub_.directory();
    const store::Party* p = dir->PartyByIndex(index);
    return p ? p->code : "-";
  }

  Hub& hub_;
  FrameSource& frames_;
  const WebhookOptions options_;
  const SecretKey key_;  // seals secrets at rest
  std::atomic<WebhookDispatch*> dispatch_{nullptr};
  std::atomic<std::uint64_t> attempts_{0}, failures_{0}, delivered_{0}, given_up_{0};

  Mutex mu_;
  dissem::WebhookAllowList allow_ TANSIQ_GUARDED_BY(mu_);
  std::shared_ptr<const std::vector<store::WebhookRecord>> hooks_ TANSIQ_GUARDED_BY(mu_) =
      std::make_shared<const std::vector<store::WebhookRecord>>();
};

Webhooks::Webhooks(Hub& hub, FrameSource& frames, WebhookOptions options)
    : impl_(std::make_unique<Impl>(hub, frames, std::move(options))) {}
Webhooks::~Webhooks() = default;
Status Webhooks::Start() { return impl_->Start(); }
void Webhooks::SetDispatch(WebhookDispatch* dispatch) { impl_->SetDispatch(dispatch); }
void Webhooks::Add(const policy::Reader& reader, const json::object& body, DoneWith done) {
  impl_->Add(reader, body, std::move(done));
}
Result<std::string> Webhooks::List(const policy::Reader& reader) { return impl_->List(reader); }
void Webhooks::Delete(const policy::Reader& reader, std::string id, DoneStatus done) {
  impl_->Delete(reader, std::move(id), std::move(done));
}
std::vector<store::WebhookDelivery> Webhooks::RowsFor(const policy::Reader& to,
                                                      const std::string& message_id, int realert,
                                                      const std::string& escalated_for) {
  return impl_->RowsFor(to, message_id, realert, escalated_for);
}
void Webhooks::Enqueued(const std::vector<store::WebhookDelivery>& rows) { impl_->Enqueued(rows); }
Result<std::vector<store::WebhookDelivery>> Webhooks::Pending() { return impl_->Pending(); }
Result<WebhookPost> Webhooks::Prepare(const store::WebhookDelivery& d) { return impl_->Prepare(d); }
void Webhooks::Succeeded(const store::WebhookDelivery& d) { impl_->Succeeded(d); }
std::optional<store::WebhookDelivery> Webhooks::Failed(const store::WebhookDelivery& d,
                                                       std::string_view why) {
  return impl_->Failed(d, why);
}
void Webhooks::Drop(const store::WebhookDelivery& d, bool failure) { impl_->Drop(d, failure); }
std::string Webhooks::Metrics() const { return impl_->Metrics(); }

}  // namespace tansiq::hub
