// [[peer]] tables of the bootstrap TOML: see hub/internal/peer_toml.h.
#include "hub/internal/peer_toml.h"

#include <set>
#include <string_view>

namespace tansiq::hub::internal {

Status ParsePeerTables(const toml::table& root, const TomlReader& r,
                       const std::map<std::string, const toml::node*>& party_codes,
                       std::vector<PeerLinkSpec>* out) {
  const toml::node* peers = root.get("peer");
  if (peers == nullptr) return Status::Ok();
  const toml::array* list = peers->as_array();
  if (!list || !list->is_array_of_tables()) {
    return r.Bad(*peers, "peers are [[peer]] tables (double brackets)");
  }
  std::set<std::string> names;
  for (const toml::node& node : *list) {
    const toml::table& p = *node.as_table();
    TANSIQ_RETURN_IF_ERROR(r.Keys(p, "[[peer]]",
                                  {"name", "url", "collection", "user", "password_env", "token_env",
                                   "party", "pull", "push", "interval_seconds"}));
    PeerLinkSpec l;
    TANSIQ_RETURN_IF_ERROR(r.String(p, "[[peer]]", "name", &l.name, true));
    const std::string what = "[[peer]] '" + l.name + "'";
    TANSIQ_RETURN_IF_ERROR(r.String(p, what, "url", &l.url, true));
    TANSIQ_RETURN_IF_ERROR(r.String(p, what, "collection", &l.collection, true));
    TANSIQ_RETURN_IF_ERROR(r.String(p, what, "user", &l.user, true));
    TANSIQ_RETURN_IF_ERROR(r.String(p, what, "password_env", &l.password_env));
    TANSIQ_RETURN_IF_ERROR(r.String(p, what, "token_env", &l.token_env));
    TANSIQ_RETURN_IF_ERROR(r.String(p, what, "party", &l.party, true));
    TANSIQ_RETURN_IF_ERROR(r.Bool(p, what, "pull", &l.pull));
    TANSIQ_RETURN_IF_ERROR(r.Bool(p, what, "push", &l.push));
    std::optional<std::int64_t> interval;
    TANSIQ_RETURN_IF_ERROR(
        r.Int(p, what, "interval_seconds", 1, kMaxPeerIntervalSeconds, &interval));
    if (interval) l.interval_seconds = *interval;
    if (Status st = CheckPeerLink(l); !st.ok()) {
      // Point at the key the rule is about ("peer 'x': <key> …", "peer name …"), else at the
      // table.
      const toml::node* at = &node;
      const std::string& m = st.message();
      const std::size_t colon = m.find("': ");
      const std::string_view field = m.starts_with("peer name") ? std::string_view("name")
                                     : colon == std::string::npos
                                         ? std::string_view()
                                         : std::string_view(m).substr(colon + 3);
      for (std::string_view key : {"name", "url", "collection", "user", "password_env", "token_env",
                                   "party", "interval_seconds", "pull"}) {
        if (field.starts_with(key) && p.get(key)) {
          at = p.get(key);
          break;
        }
      }
      return r.Bad(*at, st.message());
    }
    if (!party_codes.contains(l.party)) {
      return r.Bad(*p.get("party"), what + ": no [[party]] with id '" + l.party + "'");
    }
    if (!names.insert(l.name).second) {
      return r.Bad(*p.get("name"), what + " is defined twice");
    }
    out->push_back(std::move(l));
  }
  return Status::Ok();
}

}  // namespace tansiq::hub::internal
