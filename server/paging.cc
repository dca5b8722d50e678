// Paging tokens: base64url(payload) "." base64url(HMAC-SHA256(payload)).
#include "server/paging.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>

namespace tansiq::server {
namespace {

constexpr char kSep = '\x1f';

std::string B64(const unsigned char* p, std::size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

bool Unb64(std::string_view s, std::string* out) {
  out->assign(s.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out->data()), out->size(), s.data(),
                        s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return false;
  }
  out->resize(len);
  return true;
}

std::string Payload(std::int64_t user_id, std::string_view scope, std::string_view filters,
                    const store::Cursor& c) {
  std::string p = "1";
  const std::string user = std::to_string(user_id);  // outlives the loop (was a dangling view)
  for (std::string_view part : {std::string_view(user), scope, filters}) {
    p += kSep;
    p += part;
  }
  p += kSep + std::to_string(c.date_added) + kSep + std::to_string(c.seq);
  return p;
}

}  // namespace

std::string PageTokens::Issue(std::int64_t user_id, std::string_view scope,
                              std::string_view filters, const store::Cursor& cursor) const {
  std::string payload = Payload(user_id, scope, filters, cursor);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(payload.data()),
                         payload.size(), key_.data());
  return B64(reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) + "." +
         B64(mac, sizeof mac);
}

Result<store::Cursor> PageTokens::Redeem(std::string_view token, std::int64_t user_id,
                                         std::string_view scope, std::string_view filters) const {
  const Status bad = InvalidArgument("'next' is not a token this server issued for this request");
  auto dot = token.find('.');
  std::string payload, mac;
  if (token.size() > 2048 || dot == std::string_view::npos ||
      !Unb64(token.substr(0, dot), &payload) || !Unb64(token.substr(dot + 1), &mac) ||
      mac.size() != crypto_auth_hmacsha256_BYTES ||
      crypto_auth_hmacsha256_verify(reinterpret_cast<const unsigned char*>(mac.data()),
                                    reinterpret_cast<const unsigned char*>(payload.data()),
                                    payload.size(), key_.data()) != 0) {
    return bad;
  }
  // Authentic: parse the cursor from the end, then require the same caller and request.
  auto last = payload.rfind(kSep);
  auto prev = last == std::string::npos ? last : payload.rfind(kSep, last - 1);
  if (prev == std::string::npos) return bad;
  store::Cursor c;
  auto parse = [](std::string_view s, std::int64_t* v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  std::string_view pv(payload);
  if (!parse(pv.substr(prev + 1, last - prev - 1), &c.date_added) ||
      !parse(pv.substr(last + 1), &c.seq)) {
    return bad;
  }
  if (Payload(user_id, scope, filters, c) != payload) return bad;
  return c;
}

std::string FilterDigest(const Call& call) {
  std::vector<std::pair<std::string, std::string>> q;
  for (const auto& kv : call.query) {
    if (kv.first != "next" && kv.first != "limit") q.push_back(kv);
  }
  std::sort(q.begin(), q.end());
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 16);
  for (const auto& [k, v] : q) {
    for (const std::string* s : {&k, &v}) {
      std::uint64_t n = s->size();
      crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
      crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(s->data()), n);
    }
  }
  unsigned char out[16];
  crypto_generichash_final(&st, out, sizeof out);
  return B64(out, sizeof out);
}

}  // namespace tansiq::server
