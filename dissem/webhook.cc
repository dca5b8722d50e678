#include "dissem/webhook.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <optional>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace tansiq::dissem {
namespace {

// Boost.URL's string views as std::string.
template <typename View>
std::string Str(const View& v) {
  return std::string(v.data(), v.size());
}

std::string Lower(std::string s) {
  std::string out = std::move(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The address a URL host names literally ("127.0.0.1", "[::1]"), if it is one.
std::optional<boost::asio::ip::address> LiteralAddress(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(host, ec);
  if (ec) return std::nullopt;
  return a;
}

}  // namespace

Result<WebhookUrl> ParseWebhookUrl(std::string_view text) {
  if (text.empty() || text.size() > 2048) {
    return InvalidArgument("url: must be an absolute http(s) URL of at most 2048 characters");
  }
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return InvalidArgument("url: not an absolute URL: " + std::string(text));
  boost::urls::url u(*parsed);
  if (u.has_userinfo()) return InvalidArgument("url: must not carry user information ('@')");
  if (u.has_fragment()) return InvalidArgument("url: must not have a fragment ('#')");
  u.normalize();
  WebhookUrl out;
  out.scheme = Lower(Str(u.scheme()));
  if (out.scheme != "http" && out.scheme != "https") {
    return InvalidArgument("url: the scheme must be http or https");
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    return InvalidArgument("url: has no host");
  }
  out.host = Lower(Str(u.encoded_host()));
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0) {
      return InvalidArgument("url: the port must be a number from 1 to 65535");
    }
    out.port = u.port_number();
  } else {
    out.port = out.scheme == "https" ? 443 : 80;
  }
  for (auto seg : u.segments()) {
    if (seg == "." || seg == "..") return InvalidArgument("url: path must not contain '.' or '..'");
  }
  out.path = Str(u.encoded_path());
  if (out.path.empty()) out.path = "/";
  out.target = out.path;
  if (u.has_query()) out.target += "?" + Str(u.encoded_query());
  out.normalized = out.scheme + "://" + out.host;
  if (out.port != (out.scheme == "https" ? 443 : 80)) {
    out.normalized += ":" + std::to_string(out.port);
  }
  out.normalized += out.target;
  return out;
}

bool WebhookAddressAllowed(const boost::asio::ip::address& address, std::string_view host) {
  namespace ip = boost::asio::ip;
  ip::address a = address;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  }
  if (a.is_unspecified() || a.is_multicast()) return false;
  if (a.is_v4()) {
    const auto bytes = a.to_v4().to_bytes();
    if (bytes[0] == 0) return false;                       // 0.0.0.0/8
    if (bytes[0] == 169 && bytes[1] == 254) return false;  // link-local
    if (a.to_v4() == ip::address_v4::broadcast()) return false;
  } else if (a.to_v6().is_link_local()) {
    return false;
  }
  if (!a.is_loopback()) return true;
  if (host == "localhost") return true;
  const auto literal = LiteralAddress(host);
  return literal && literal->is_loopback();
}

Result<WebhookAllowList> WebhookAllowList::Parse(const std::vector<std::string>& entries) {
  WebhookAllowList list;
  for (const auto& e : entries) {
    auto u = ParseWebhookUrl(e);
    if (!u.ok()) {
      return InvalidArgument("[webhooks] allow entry '" + e + "': " + u.status().message());
    }
    if (u->target != u->path) {
      return InvalidArgument("[webhooks] allow entry '" + e + "': must not have a query");
    }
    if (auto literal = LiteralAddress(u->host);
        literal && !WebhookAddressAllowed(*literal, u->host)) {
      return InvalidArgument("[webhooks] allow entry '" + e +
                             "': the address is never a webhook target (unspecified, multicast, "
                             "broadcast or link-local)");
    }
    list.entries_.push_back(std::move(*u));
  }
  return list;
}

bool WebhookAllowList::Allows(const WebhookUrl& url) const {
  for (const WebhookUrl& e : entries_) {
    if (e.scheme != url.scheme || e.host != url.host || e.port != url.port) continue;
    if (!url.path.starts_with(e.path)) continue;
    // The prefix ends at a segment boundary.
    if (e.path.ends_with('/') || url.path.size() == e.path.size() ||
        url.path[e.path.size()] == '/') {
      return true;
    }
  }
  return false;
}

Result<WebhookUrl> WebhookAllowList::Check(std::string_view url) const {
  if (entries_.empty()) {
    return Unprocessable("webhooks are disabled on this hub (its [webhooks] allow list is empty)");
  }
  auto u = ParseWebhookUrl(url);
  if (!u.ok()) return Unprocessable(u.status().message());  // well-formed JSON, refused address
  if (!Allows(*u)) {
    return Unprocessable("url: " + u->normalized +
                         " is not on this hub's webhook allow-list (scheme, host, port and path "
                         "prefix must match an entry)");
  }
  return u;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::string hex(mac.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return hex;
}

std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  return "sha256=" + HmacSha256Hex(secret, signed_text);
}

Micros RetryDelay(int attempts, const WebhookRetryPolicy& policy, std::uint32_t random) {
  Micros d = std::max<Micros>(policy.initial, 1);
  for (int i = 1; i < attempts && d < policy.max_interval; ++i) d *= 2;
  d = std::min(d, std::max<Micros>(policy.max_interval, 1));
  const Micros half = d / 2;
  return half + static_cast<Micros>(random % static_cast<std::uint32_t>(
                                                 std::min<Micros>(d - half + 1, 0xffffffffLL)));
}

bool GiveUp(int attempts, Micros queued_at, Micros now, const WebhookRetryPolicy& policy) {
  return attempts >= policy.max_attempts || now - queued_at >= policy.give_up_after;
}

}  // namespace tansiq::dissem
