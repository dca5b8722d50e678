// TAXII `next` tokens: opaque, tamper-proof (HMAC-SHA256 with a key derived from the hub
// key), bound to the caller, the endpoint and the filters, carrying the position to resume.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "base/status.h"
#include "server/call.h"
#include "store/store.h"

namespace tansiq::server {

// Immutable; thread-safe.
class PageTokens {
 public:
  explicit PageTokens(const std::array<unsigned char, 32>& key) : key_(key) {}

  // `scope` names the endpoint and its path (e.g. "objects:<collection>").
  std::string Issue(std::int64_t user_id, std::string_view scope, std::string_view filters,
                    const store::Cursor& cursor) const;
  // InvalidArgument when forged, malformed, or issued to another caller, scope or filters.
  Result<store::Cursor> Redeem(std::string_view token, std::int64_t user_id, std::string_view scope,
                               std::string_view filters) const;

 private:
  std::array<unsigned char, 32> key_;
};

// A digest of the request's filters: every query parameter except `next` and `limit`,
// sorted, so a token only continues the listing it came from.
std::string FilterDigest(const Call& call);

}  // namespace tansiq::server
