// `tansiq peer add|list|remove`: the operator's federation link commands (hub/peer_links.h).
#pragma once

#include <string>

#include "hub/peer_links.h"

namespace tansiq::cli {

int PeerAdd(const std::string& db, const hub::PeerLinkSpec& link);
// One line per link, tab-separated: name, party, url, collection, user, credential
// (password_env=… or token_env=…), pull, push, interval_seconds — after a header line.
int PeerList(const std::string& db);
int PeerRemove(const std::string& db, const std::string& name);

}  // namespace tansiq::cli
