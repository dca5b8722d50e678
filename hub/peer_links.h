// Federation links (issue 15): a node's connection to a remote hub as one remote account
// acting for one local party. Declared in the init TOML ([[peer]]) or with `tansiq peer
// add|list|remove`; kept in the hub's meta `federation.peers` (JSON) until the store has its
// own table for link state. This file holds the link's configuration only: the sync engine
// that uses it is not built yet (docs/federation.md, "Not done yet").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/status.h"

namespace tansiq::hub {

class Hub;

// One link. Value type.
struct PeerLinkSpec {
  std::string name;          // the link's local name: [a-z0-9-], 1-32 characters
  std::string url;           // the remote TAXII 2.1 API root, http:// or https://, ending in /
  std::string collection;    // remote collection id or alias
  std::string user;          // the remote account (role `peer` on the remote)
  std::string password_env;  // environment variable holding the remote account's password
  std::string token_env;     // ... or its API token (Bearer); exactly one of the two
  std::string party;         // the local party the link acts for (its code)
  bool pull = true;          // bring in what the remote releases to `user`
  bool push = true;          // send up what `party` originates and releases beyond itself
  std::int64_t interval_seconds = 5;  // pull interval, 1..86400
  bool operator==(const PeerLinkSpec&) const = default;
};

inline constexpr std::int64_t kMaxPeerIntervalSeconds = 86'400;

// The rules every link obeys, whatever declared it. InvalidArgument naming the field:
// name (as above), url (absolute http(s) URL with a host, no user info, query or fragment,
// path ending in '/'), collection and user non-empty (at most 256 bytes), exactly one of
// password_env / token_env, each an environment variable name ([A-Z_][A-Z0-9_]*), party
// non-empty, interval 1..86400, and at least one of pull / push. The party's existence is
// the caller's check (the TOML parser against its [[party]] tables, AddPeerLink against the
// hub's directory).
Status CheckPeerLink(const PeerLinkSpec& link);

boost::json::value PeerLinksToJson(const std::vector<PeerLinkSpec>& links);
Result<std::vector<PeerLinkSpec>> PeerLinksFromJson(std::string_view text);

// The hub's links, in the order they were added (empty when none).
Result<std::vector<PeerLinkSpec>> ListPeerLinks(Hub& hub);
// Adds a link (CheckPeerLink; the party must be one of the hub's; Conflict for a name in
// use); audited "peer.add". RemovePeerLink: NotFound for no such link; audited "peer.remove".
// Operator commands: two concurrent `peer add` on one database may lose one of the two
// (the list is read before the write job) — the dedicated table will close that.
Status AddPeerLink(Hub& hub, const PeerLinkSpec& link);
Status RemovePeerLink(Hub& hub, std::string_view name);

}  // namespace tansiq::hub
