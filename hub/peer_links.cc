// Federation link configuration: validation, JSON form in meta `federation.peers`, the
// operator's add/list/remove. See hub/peer_links.h.
#include "hub/peer_links.h"

#include <algorithm>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "hub/hub.h"

namespace tansiq::hub {
namespace json = boost::json;
namespace {

constexpr std::string_view kPeersMeta = "federation.peers";

bool ValidLinkName(std::string_view s) {
  if (s.empty() || s.size() > 32 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool ValidEnvName(std::string_view s) {
  if (s.empty() || s.size() > 128 || (s.front() >= '0' && s.front() <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Status Field(std::string_view link, std::string_view field, std::string_view what) {
  return InvalidArgument("peer '" + std::string(link) + "': " + std::string(field) + " " +
                         std::string(what));
}

}  // namespace

Status CheckPeerLink(const PeerLinkSpec& l) {
  if (!ValidLinkName(l.name)) {
    return InvalidArgument("peer name '" + l.name +
                           "' must be 1-32 of [a-z0-9-], not starting or ending in -");
  }
  auto url = boost::urls::parse_absolute_uri(l.url);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || !url->has_authority() ||
      url->host().empty() || url->has_userinfo() || url->has_query() || url->has_fragment() ||
      !url->path().ends_with('/')) {
    return Field(l.name, "url",
                 "must be the remote TAXII 2.1 API root: http(s)://host[:port]/path/ (no user "
                 "info, query or fragment; ending in /)");
  }
  if (l.collection.empty() || l.collection.size() > 256) {
    return Field(l.name, "collection", "is required: the remote collection id or alias");
  }
  if (l.user.empty() || l.user.size() > 256) {
    return Field(l.name, "user", "is required: the remote account (role peer there)");
  }
  if (l.password_env.empty() == l.token_env.empty()) {
    return Field(l.name, "password_env / token_env",
                 "exactly one is required: the environment variable holding the remote "
                 "account's password or API token");
  }
  for (const std::string* env : {&l.password_env, &l.token_env}) {
    if (!env->empty() && !ValidEnvName(*env)) {
      return Field(l.name, env == &l.password_env ? "password_env" : "token_env",
                   "must be an environment variable name ([A-Z_][A-Z0-9_]*), not the secret "
                   "itself");
    }
  }
  if (l.party.empty()) return Field(l.name, "party", "is required: the local party it acts for");
  if (l.interval_seconds < 1 || l.interval_seconds > kMaxPeerIntervalSeconds) {
    return Field(l.name, "interval_seconds", "must be a whole number from 1 to 86400");
  }
  if (!l.pull && !l.push) return Field(l.name, "pull / push", "cannot both be false");
  return Status::Ok();
}

json::value PeerLinksToJson(const std::vector<PeerLinkSpec>& links) {
  json::array a;
  for (const PeerLinkSpec& l : links) {
    a.push_back(json::object{{"name", l.name},
                             {"url", l.url},
                             {"collection", l.collection},
                             {"user", l.user},
                             {"password_env", l.password_env},
                             {"token_env", l.token_env},
                             {"party", l.party},
                             {"pull", l.pull},
                             {"push", l.push},
                             {"interval_seconds", l.interval_seconds}});
  }
  return a;
}

Result<std::vector<PeerLinkSpec>> PeerLinksFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  const json::array* a = ec ? nullptr : v.if_array();
  if (a == nullptr) return Internal("meta federation.peers is not a JSON array");
  std::vector<PeerLinkSpec> out;
  for (const json::value& e : *a) {
    const json::object* o = e.if_object();
    if (o == nullptr) return Internal("meta federation.peers holds a non-object");
    PeerLinkSpec l;
    auto str = [&](std::string_view k, std::string& field) {
      if (const json::value* f = o->if_contains(k); f && f->is_string()) field = f->get_string();
    };
    str("name", l.name);
    str("url", l.url);
    str("collection", l.collection);
    str("user", l.user);
    str("password_env", l.password_env);
    str("token_env", l.token_env);
    str("party", l.party);
    if (const json::value* f = o->if_contains("pull"); f && f->is_bool()) l.pull = f->get_bool();
    if (const json::value* f = o->if_contains("push"); f && f->is_bool()) l.push = f->get_bool();
    if (const json::value* f = o->if_contains("interval_seconds"); f && f->is_int64()) {
      l.interval_seconds = f->get_int64();
    }
    TANSIQ_RETURN_IF_ERROR(CheckPeerLink(l));
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::vector<PeerLinkSpec>> ListPeerLinks(Hub& hub) {
  auto text = hub.store().Meta(kPeersMeta);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return std::vector<PeerLinkSpec>{};
  return PeerLinksFromJson(**text);
}

Status AddPeerLink(Hub& hub, const PeerLinkSpec& link) {
  TANSIQ_RETURN_IF_ERROR(CheckPeerLink(link));
  if (hub.directory()->PartyByCode(link.party) == nullptr) {
    return InvalidArgument("peer '" + link.name + "': no party '" + link.party + "'");
  }
  auto links = ListPeerLinks(hub);
  if (!links.ok()) return links.status();
  for (const PeerLinkSpec& l : *links) {
    if (l.name == link.name) return Conflict("a peer named '" + link.name + "' exists");
  }
  links->push_back(link);
  const std::string text = json::serialize(PeerLinksToJson(*links));
  return hub.store().Write([&](store::WriteTxn& txn) -> Status {
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta(kPeersMeta, text));
    return hub.auditor().Append(txn, {{"-", "-", "peer.add", link.name, "ok"}});
  });
}

Status RemovePeerLink(Hub& hub, std::string_view name) {
  auto links = ListPeerLinks(hub);
  if (!links.ok()) return links.status();
  auto it = std::find_if(links->begin(), links->end(),
                         [&](const PeerLinkSpec& l) { return l.name == name; });
  if (it == links->end()) return NotFound("no peer named '" + std::string(name) + "'");
  links->erase(it);
  const std::string text = json::serialize(PeerLinksToJson(*links));
  return hub.store().Write([&](store::WriteTxn& txn) -> Status {
    TANSIQ_RETURN_IF_ERROR(txn.PutMeta(kPeersMeta, text));
    return hub.auditor().Append(txn, {{"-", "-", "peer.remove", std::string(name), "ok"}});
  });
}

}  // namespace tansiq::hub
