// Administration: creating a hub from its TOML bootstrap file, adding parties and users,
// passwords, tokens. Used by `tansiq init`, `party add`, `user ...`, `token create`, `demo`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/account.h"
#include "hub/hub.h"
#include "hub/peer_links.h"

namespace tansiq::hub {

struct PartySpec {
  std::string code;      // [a-z0-9-], 1-32 characters
  std::string name;      // any script; the name where no language's is given
  std::string identity;  // "identity--<uuid>"; generated when empty
  // Its name per UI language ("ar", "en", "fa", "ru" → a non-empty name), optional.
  std::map<std::string, std::string> names;
};

struct UserSpec {
  std::string name;  // [A-Za-z0-9._@-], 1-64 characters
  std::string party;
  std::vector<std::string> roles;
  // CheckPassword (AddUser and InitHub refuse a weak one); stored only as an argon2id hash.
  // Empty: the user signs in with API tokens only — the bootstrap file and `user add` allow
  // that only when asked explicitly (token_only).
  std::string password;
  std::vector<std::string> alternates;
  std::string lang;
  // Asked for no password (`token_only = true` in the bootstrap file, `user add --token-only`).
  bool token_only = false;
};

struct HubSpec {
  std::string name = "Tansiq hub";
  // [dissemination], [webhooks], [analysis], [search]: kept in the database (meta
  // "settings"); `tansiq serve` flags override them.
  Settings settings;
  std::vector<PartySpec> parties;
  std::vector<UserSpec> users;
  std::vector<PeerLinkSpec> peers;  // [[peer]]: federation links (hub/peer_links.h)
};

// Parses the bootstrap TOML ([hub], [dissemination], [analysis], [search], [webhooks], [[party]],
// [[user]], [[peer]]; docs/configuration.md). Strict: an unknown key or section, a value of the
// wrong type or out of range, a user without a password (unless `token_only = true`) or with a weak
// one (CheckPassword), an unknown party, role or alternate, a duplicate party or user — each
// is an InvalidArgument naming `source_name`, the line and the key.
Result<HubSpec> ParseHubToml(std::string_view text, std::string_view source_name);

// Creates a new hub at `db_path` (fails if one exists): key file, schema, hub identity, the
// releasability extension-definition, the parties with their published identities, the
// collections (`coalition` and `party-<code>`), the users.
Status InitHub(const std::string& db_path, const HubSpec& spec, const Clock& clock);

Status AddParty(Hub& hub, const PartySpec& party);
Status AddUser(Hub& hub, const UserSpec& user);
Status SetUserDisabled(Hub& hub, std::string_view user, bool disabled);
Status SetPassword(Hub& hub, std::string_view user, std::string_view password);
// The operator's token commands (`tansiq token create|list|revoke`; no caller: whoever may
// open the database file administers every user). CreateToken returns the secret, which is
// not stored. ListAllTokens: every token, or `user`'s (NotFound for no such user).
// RevokeTokenById: NotFound for no such token. Audited as token.create / token.revoke.
Result<std::string> CreateToken(Hub& hub, std::string_view user, const TokenRequest& request);
Result<std::vector<TokenSummary>> ListAllTokens(Hub& hub, std::string_view user);
Status RevokeTokenById(Hub& hub, std::string_view id);

}  // namespace tansiq::hub
