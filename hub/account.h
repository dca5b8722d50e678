// The web UI's account and administration use cases: a user's own preferences and API
// tokens, the user list an administrator may see, and the audit chain's status. Writes go
// through Store::Submit (the caller waits for `done`, which runs on the writer thread).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/auth.h"
#include "hub/hub.h"

namespace tansiq::hub {

// The UI languages a user may choose.
bool IsUiLang(std::string_view lang);  // "ar", "en", "ru", "fa"

// `user_id`'s preferred UI language; "" when none is set (or no such user).
Result<std::string> UserLang(Hub& hub, std::int64_t user_id);

// Remembers `lang` (IsUiLang) as `user`'s preferred language; audited as "user.prefs".
void SetUserLang(Hub& hub, const policy::Reader& user, std::string lang,
                 std::function<void(Status)> done);

struct TokenRequest {
  std::string label;  // 1-64 printable characters
  TokenScope scope = TokenScope::kFull;
  Micros expires = 0;  // 0: never; else in the future
};

struct TokenSummary {
  std::string id;     // public handle (never the secret)
  std::string user;   // owner's name
  std::string party;  // owner's party code
  std::string label;
  std::string scope;  // "full", "read", "metrics"
  Micros created = 0;
  Micros expires = 0;    // 0: never
  Micros last_used = 0;  // 0: never (recorded at most once a minute)
};

struct CreatedToken {
  std::string secret;  // shown once; only its hash is stored
  TokenSummary token;
};

// Checks a token request (label, expiry after `now`): InvalidArgument naming the field.
Status CheckTokenRequest(const TokenRequest& request, Micros now);

// A new API token for `user`; `done` gets the secret, shown once. Audited as "token.create".
void CreateOwnToken(Hub& hub, const policy::Reader& user, TokenRequest request,
                    std::function<void(Result<CreatedToken>)> done);

// Tokens `caller` may see: their own (`user` empty); another user's (`user` a name) or every
// administered user's (`user` "*") for a party admin (their party's users) or a hub-admin
// (everyone). NotFound for a user the caller does not administer (no hint it exists).
Result<std::vector<TokenSummary>> ListTokens(Hub& hub, const policy::Reader& caller,
                                             std::string_view user);

// Revokes (deletes) token `id` if it is the caller's own or belongs to a user they administer;
// NotFound otherwise. Audited as "token.revoke".
void RevokeToken(Hub& hub, const policy::Reader& caller, std::string id,
                 std::function<void(Status)> done);

struct UserSummary {
  std::string name;
  std::string party;  // code
  std::vector<std::string> roles;
  bool enabled = true;
  std::string lang;
  std::vector<std::string> alternates;  // escalated to when an acknowledgement is missed
};

// The users `admin` administers: all for a hub-admin, their own party's for a party admin;
// PermissionDenied for anyone else. Sorted by party, then name.
Result<std::vector<UserSummary>> ListUsers(Hub& hub, const policy::Reader& admin);

struct AuditStatus {
  bool verified = false;
  std::int64_t records = 0;
  std::int64_t seals = 0;
  std::string problem;        // the first inconsistency, when !verified
  bool has_seal = false;      // the fields below are set when there is a seal
  std::int64_t seal_seq = 0;  // the record the last seal covers
  Micros seal_at = 0;
};

// Verifies the whole audit chain and its seals (audit::Verify). Hub-admins only
// (PermissionDenied otherwise).
Result<AuditStatus> CheckAudit(Hub& hub, const policy::Reader& admin);

}  // namespace tansiq::hub
