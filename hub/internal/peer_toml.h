// The [[peer]] tables of the bootstrap TOML (issue 15), read by ParseHubToml (hub/admin.cc).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "base/status.h"
#include "hub/internal/toml_reader.h"
#include "hub/peer_links.h"

namespace tansiq::hub::internal {

// Reads every [[peer]] table of `root` into `out`: only the keys of PeerLinkSpec, typed;
// CheckPeerLink's rules, the party one of `party_codes`, names unique — each error
// "file:line: …" at the offending key.
Status ParsePeerTables(const toml::table& root, const TomlReader& r,
                       const std::map<std::string, const toml::node*>& party_codes,
                       std::vector<PeerLinkSpec>* out);

}  // namespace tansiq::hub::internal
