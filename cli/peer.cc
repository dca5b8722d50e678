// The federation link commands: see cli/peer.h.
#include "cli/peer.h"

#include <spdlog/spdlog.h>

#include <iostream>

#include "hub/hub.h"

namespace tansiq::cli {
namespace {

int Fail(const Status& s) {
  spdlog::error("{}", s.message());
  return 1;
}

std::unique_ptr<hub::Hub> Open(const std::string& db) {
  auto h = hub::Hub::Open({.db_path = db});
  if (!h.ok()) {
    Fail(h.status());
    return nullptr;
  }
  return std::move(*h);
}

}  // namespace

int PeerAdd(const std::string& db, const hub::PeerLinkSpec& link) {
  auto hub = Open(db);
  if (!hub) return 1;
  if (Status s = hub::AddPeerLink(*hub, link); !s.ok()) return Fail(s);
  spdlog::info("added peer {} (party {}, {})", link.name, link.party, link.url);
  return 0;
}

int PeerList(const std::string& db) {
  auto hub = Open(db);
  if (!hub) return 1;
  auto links = hub::ListPeerLinks(*hub);
  if (!links.ok()) return Fail(links.status());
  std::cout << "name\tparty\turl\tcollection\tuser\tcredential\tpull\tpush\tinterval_seconds\n";
  for (const hub::PeerLinkSpec& l : *links) {
    std::cout << l.name << '\t' << l.party << '\t' << l.url << '\t' << l.collection << '\t'
              << l.user << '\t'
              << (l.password_env.empty() ? "token_env=" + l.token_env
                                         : "password_env=" + l.password_env)
              << '\t' << (l.pull ? "true" : "false") << '\t' << (l.push ? "true" : "false") << '\t'
              << l.interval_seconds << '\n';
  }
  return 0;
}

int PeerRemove(const std::string& db, const std::string& name) {
  auto hub = Open(db);
  if (!hub) return 1;
  if (Status s = hub::RemovePeerLink(*hub, name); !s.ok()) return Fail(s);
  spdlog::info("removed peer {}", name);
  return 0;
}

}  // namespace tansiq::cli
