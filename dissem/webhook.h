// Webhooks (issue 4 item 5), the pure part: the allow-list of webhook addresses (Boost.URL,
// normalised prefix match), the HMAC-SHA256 signature of a delivery, and the retry back-off.
// No I/O: hub/webhooks.* keeps registrations and the outbox, server/webhook_sender.* posts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "base/clock.h"
#include "base/status.h"

namespace tansiq::dissem {

// A webhook address reduced to what the allow-list compares: scheme ("http" or "https"),
// lower-case host, explicit port (the scheme's default when absent), and the normalised path
// (dot segments resolved). `target` is what is requested (path and query).
struct WebhookUrl {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;
  std::string path;
  std::string target;
  std::string normalized;  // the whole URL, normalised: what is stored and posted to
  bool operator==(const WebhookUrl&) const = default;
};

// Parses an absolute http(s) URL and normalises it. InvalidArgument (naming the problem) for
// anything else, for userinfo ("user@host"), fragments, an empty host, and for a path that
// still has "." or ".." segments after normalisation (encoded traversal).
Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

// The hub's allow-list: the parsed entries of `[webhooks] allow`. Thread-compatible value.
class WebhookAllowList {
 public:
  // InvalidArgument naming the bad entry.
  static Result<WebhookAllowList> Parse(const std::vector<std::string>& entries);

  bool empty() const { return entries_.empty(); }
  // Whether `url` falls under an entry: same scheme, host and port, and the entry's path is a
  // prefix of the URL's that ends at a segment boundary ("/hooks" allows "/hooks/x", not
  // "/hooksevil").
  bool Allows(const WebhookUrl& url) const;
  // Parses `url` and checks it: Unprocessable (422) with a clear message when webhooks are
  // disabled (empty list), the address is not allowed, or it is no acceptable URL.
  Result<WebhookUrl> Check(std::string_view url) const;
  const std::vector<WebhookUrl>& entries() const { return entries_; }

 private:
  std::vector<WebhookUrl> entries_;
};

// Whether a webhook whose URL names `host` (WebhookUrl::host) may connect to `address`, one of
// the addresses the host resolved to. The allow-list compares names; this keeps a name from
// leading elsewhere (DNS rebinding, a decimal "2130706433"). Never: the unspecified address,
// multicast, IPv4 broadcast and "this network" (0/8), link-local (169.254/16 — cloud metadata
// services — and fe80::/10), also in IPv4-mapped IPv6 form. Loopback only when `host` itself
// names the loopback: a literal loopback address or "localhost".
bool WebhookAddressAllowed(const boost::asio::ip::address& address, std::string_view host);

// Lower-case hex HMAC-SHA256 of `data` under `key` (libsodium crypto_auth_hmacsha256).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// The X-Tansiq-Signature header value: "sha256=" + hex HMAC-SHA256(secret, timestamp + "." +
// body). `timestamp` is the X-Tansiq-Timestamp header value (Unix seconds).
std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body);

// When to retry a failed delivery and when to give up.
struct WebhookRetryPolicy {
  Micros initial = 1'000'000;                   // first retry after about this long
  Micros max_interval = 300'000'000;            // back-off cap (5 min)
  Micros give_up_after = 24LL * 3'600'000'000;  // since the delivery was queued
  int max_attempts = 100;
};

// The wait before attempt `attempts + 1`, after `attempts` (≥ 1) failures: initial·2^(n-1)
// capped at max_interval, with jitter — a value in [d/2, d] chosen by `random`.
Micros RetryDelay(int attempts, const WebhookRetryPolicy& policy, std::uint32_t random);

// Whether a delivery queued at `queued_at` that failed `attempts` times is given up at `now`.
bool GiveUp(int attempts, Micros queued_at, Micros now, const WebhookRetryPolicy& policy);

}  // namespace tansiq::dissem
