// Administration: creating a hub from its TOML bootstrap file, adding parties and users,
// passwords, tokens. Used by `tansiq init`, `party add`, `user ...`, `token create`, `demo`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/hub.h"

namespace tansiq::hub {

struct PartySpec {
  std::string code;      // [a-z0-9-], 1-32 characters
  std::string name;      // any script
  std::string identity;  // "identity--<uuid>"; generated when empty
};

struct UserSpec {
  std::string name;  // [A-Za-z0-9._@-], 1-64 characters
  std::string party;
  std::vector<std::string> roles;
  std::string password;  // stored only as an argon2id hash; empty: token access only
  std::vector<std::string> alternates;
  std::string lang;
};

struct HubSpec {
  std::string name = "Tansiq hub";
  // [dissemination]: acknowledgement deadlines in minutes (0: none); `tansiq serve` flags
  // override them.
  int flash_ack_minutes = 10;
  int immediate_ack_minutes = 30;
  // [webhooks] allow: URL prefixes webhooks may post to (kept in meta "webhooks.allow");
  // empty: webhooks disabled. `tansiq serve --webhook-allow` overrides it.
  std::vector<std::string> webhook_allow;
  // [analysis]: the UTC hour (0-23) at which each recipient gets the daily brief, -1 (or
  // absent) for none; who gets it (role names; empty: every enabled user). `tansiq serve
  // --brief-hour` overrides the hour.
  int brief_hour = -1;
  std::vector<std::string> brief_roles;
  // [search]: visible matches counted before a total becomes "N or more", and the number of
  // matches ranked fully by BM25 (store::SearchQuery); 0 (or absent): the defaults.
  // `tansiq serve --search-total-bound / --search-rank-window` override them.
  std::int64_t search_total_bound = 0;
  std::int64_t search_rank_window = 0;
  std::vector<PartySpec> parties;
  std::vector<UserSpec> users;
};

// Meta keys holding the hub's acknowledgement deadlines, in seconds.
inline constexpr std::string_view kFlashAckMeta = "dissemination.flash_ack_seconds";
inline constexpr std::string_view kImmediateAckMeta = "dissemination.immediate_ack_seconds";

// Meta keys holding the daily brief's configuration: the hour ("-1".."23") and the roles
// (comma-separated role names; empty: every enabled user).
inline constexpr std::string_view kBriefHourMeta = "analysis.brief_hour";
inline constexpr std::string_view kBriefRolesMeta = "analysis.brief_roles";

// Meta keys holding the search bounds ([search] total_bound, rank_window), decimal.
inline constexpr std::string_view kSearchTotalBoundMeta = "search.total_bound";
inline constexpr std::string_view kSearchRankWindowMeta = "search.rank_window";

// Parses the bootstrap TOML ([hub], [dissemination], [analysis], [search], [webhooks], [[party]],
// [[user]]). Errors name
// the entry and key.
Result<HubSpec> ParseHubToml(std::string_view text, std::string_view source_name);

// Creates a new hub at `db_path` (fails if one exists): key file, schema, hub identity, the
// releasability extension-definition, the parties with their published identities, the
// collections (`coalition` and `party-<code>`), the users.
Status InitHub(const std::string& db_path, const HubSpec& spec, const Clock& clock);

Status AddParty(Hub& hub, const PartySpec& party);
Status AddUser(Hub& hub, const UserSpec& user);
Status SetUserDisabled(Hub& hub, std::string_view user, bool disabled);
Status SetPassword(Hub& hub, std::string_view user, std::string_view password);
// Creates an API token for `user`; returns the secret, which is not stored.
Result<std::string> CreateToken(Hub& hub, std::string_view user, std::string_view label);

}  // namespace tansiq::hub
