// Watch rules on the hub: stored, compiled, matched on the commit feed.
#include "hub/internal/watch_rules.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/json.hpp>

#include "hub/internal/message_records.h"
#include "hub/search.h"
#include "stix/timestamp.h"
#include "text/alias_registry.h"

namespace tansiq::hub::internal {

namespace json = boost::json;

WatchRules::WatchRules(Hub& hub, SendNotice send) : hub_(hub), send_(std::move(send)) {}

WatchRules::~WatchRules() { Stop(); }

Status WatchRules::Start() {
  TANSIQ_RETURN_IF_ERROR(Reload());
  subscription_ = hub_.commits().Subscribe([this](const CommitEvent& e) { Match(e); });
  return Status::Ok();
}

void WatchRules::Stop() {
  if (subscription_ != 0) hub_.commits().Unsubscribe(subscription_);
  subscription_ = 0;
  writes_.Wait();
}

void WatchRules::Add(const policy::Reader& reader, const json::object& body, DoneWith done) {
  auto existing = hub_.store().Watches(reader.user_id);
  if (!existing.ok()) return done(existing.status());
  if (existing->size() >= kMaxWatchesPerUser) {
    return done(
        Unprocessable("at most " + std::to_string(kMaxWatchesPerUser) + " watch rules per user"));
  }
  auto compiled = Compile(reader, body, false);
  if (!compiled.ok()) return done(compiled.status());
  store::WatchRecord w{Hub::NewUuid(), reader.user_id, hub_.clock().NowMicros(),
                       compiled->rule.json};
  writes_.Begin();
  hub_.store().Submit([w](store::WriteTxn& txn) { return txn.PutWatch(w); },
                      [this, w, done = std::move(done)](Status s) {
                        if (s.ok()) s = Reload();
                        done(s.ok() ? Result<std::string>(w.id) : Result<std::string>(s));
                        writes_.End();
                      });
}

Result<std::string> WatchRules::List(const policy::Reader& reader) {
  auto watches = hub_.store().Watches(reader.user_id);
  if (!watches.ok()) return watches.status();
  json::array out;
  for (const auto& w : *watches) {
    boost::system::error_code ec;
    json::value v = json::parse(w.json, ec);
    if (ec || !v.is_object()) continue;
    v.get_object()["id"] = w.id;
    v.get_object()["created"] = stix::FormatMicros(w.created);
    out.push_back(std::move(v));
  }
  return json::serialize(json::object{{"watches", std::move(out)}});
}

void WatchRules::Delete(const policy::Reader& reader, std::string id, DoneStatus done) {
  auto gone = std::make_shared<bool>(false);
  writes_.Begin();
  hub_.store().Submit(
      [id, user = reader.user_id, gone](store::WriteTxn& txn) -> Status {
        auto r = txn.DeleteWatch(id, user);
        if (!r.ok()) return r.status();
        *gone = *r;
        return Status::Ok();
      },
      [this, gone, done = std::move(done)](Status s) {
        if (s.ok() && !*gone) s = NotFound("no such watch");
        if (s.ok()) s = Reload();
        done(s);
        writes_.End();
      });
}

Result<WatchRules::Compiled> WatchRules::Compile(const policy::Reader& reader,
                                                 const json::object& body, bool from_store) {
  Compiled c;
  c.reader = reader;
  auto dir = hub_.directory();
  dissem::WatchLookups lookups;
  lookups.check_search = [&](std::string_view field, const std::string& q) -> Status {
    SearchRequest req;
    req.q = q;
    auto built = BuildSearch(hub_, req);
    if (!built.ok()) return built.status();
    (field == "query" ? c.query : c.places) = std::move(*built);
    return Status::Ok();
  };
  lookups.party_of = [&](std::string_view p) -> std::optional<policy::PartyIndex> {
    const store::Party* party = dir->PartyByCode(p);
    return party ? std::optional(party->index) : dir->PartyOfIdentity(p);
  };
  lookups.resolve_groups = [this](const std::vector<std::string>& names) {
    return ResolveGroups(names);
  };
  auto rule = dissem::ParseWatch(body, from_store, lookups);
  if (!rule.ok()) return rule.status();
  c.rule = std::move(*rule);
  return c;
}

// The alias-registry keys of the groups a person named (any script, or a key itself), in
// order, without repeats. Unknown or ambiguous names: 422 naming the value.
Result<std::vector<std::string>> WatchRules::ResolveGroups(const std::vector<std::string>& names) {
  const text::AliasRegistry* aliases = hub_.aliases();
  if (!aliases) return Unprocessable("groups: this hub has no alias registry loaded");
  std::vector<std::string> keys;
  for (const auto& name : names) {
    auto g = aliases->Resolve(name);
    if (!g.ok()) return Unprocessable("groups: " + g.status().message());
    const std::string& key = aliases->Key(*g);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

Status WatchRules::Reload() {
  auto records = hub_.store().Watches(std::nullopt);
  if (!records.ok()) return records.status();
  std::vector<Compiled> rules;
  for (const auto& w : *records) {
    auto user = hub_.store().UserById(w.user_id);
    if (!user.ok()) return user.status();
    if (!user->has_value() || (*user)->disabled) continue;
    boost::system::error_code ec;
    json::value v = json::parse(w.json, ec);
    if (ec || !v.is_object()) continue;
    const store::User& u = **user;
    auto compiled = Compile({u.id, u.name, u.party, u.roles}, v.get_object(), true);
    if (!compiled.ok()) {
      spdlog::warn("watch {} no longer parses: {}", w.id, compiled.status().message());
      continue;
    }
    compiled->record = w;
    rules.push_back(std::move(*compiled));
  }
  MutexLock lock(mu_);
  rules_ = std::make_shared<const std::vector<Compiled>>(std::move(rules));
  return Status::Ok();
}

// Runs on the commit feed's thread, after commit: each new object each watcher may see
// and that matches their rule becomes a message to them.
void WatchRules::Match(const CommitEvent& event) {
  if (event.gap) {
    // Objects committed while the feed overflowed were not matched; nothing replays them.
    spdlog::warn(
        "watch rules: the commit feed overflowed ({} events dropped so far); objects "
        "stored meanwhile were not matched against watch rules",
        hub_.commits().dropped());
    return;
  }
  std::shared_ptr<const std::vector<Compiled>> rules;
  {
    MutexLock lock(mu_);
    rules = rules_;
  }
  if (!rules || rules->empty()) return;
  for (const StoredObject& o : event.objects) {
    if (!dissem::Watchable(o.type)) continue;
    // The groups the object mentions, read once for all rules that name groups: the entity
    // keys the correlator wrote for it (it listens on the feed before this matcher, and
    // writes before it returns). Nothing analysed: no group matches.
    std::optional<std::vector<std::string>> mentioned;
    auto mentions_any = [&](const std::set<std::string>& groups) {
      if (!mentioned) {
        mentioned.emplace();
        auto record = hub_.store().Analysis(o.id);
        if (record.ok() && record->has_value()) {
          for (const auto& k : (*record)->keys) {
            if (k.starts_with(store::kGroupKeyPrefix))
              mentioned->push_back(k.substr(store::kGroupKeyPrefix.size()));
          }
        }
      }
      return std::any_of(mentioned->begin(), mentioned->end(),
                         [&](const std::string& k) { return groups.contains(k); });
    };
    for (const Compiled& w : *rules) {
      if (w.reader.user_id == event.writer.user_id) continue;  // their own writes
      dissem::WatchChecks checks{[&] { return hub_.store().IsVisible(w.reader, o.id); },
                                 [&] { return w.query && Matches(*w.query, o.id); },
                                 [&] { return w.places && Matches(*w.places, o.id); },
                                 mentions_any};
      if (dissem::WatchMatches(w.rule, {o.type, o.releasability.originator}, checks)) {
        Notify(w, o);
      }
    }
  }
}

bool WatchRules::Matches(const store::SearchQuery& q, const std::string& id) {
  auto r = hub_.store().MatchesSearch(q, id);
  return r.ok() && *r;
}

void WatchRules::Notify(const Compiled& w, const StoredObject& o) {
  dissem::WatchNotice notice = dissem::NoticeFor(o.search.title, o.type, o.id);
  HubMessage m;
  m.recipients = {w.reader.user_id};
  m.precedence = w.rule.precedence;
  m.subject = std::move(notice.subject);
  m.body = std::move(notice.body);
  m.object_refs = {o.id};
  m.tlp = stix::Tlp::kRed;  // only the watcher reads the notice itself
  send_(std::move(m), [id = o.id](Result<std::string> r) {
    if (!r.ok()) spdlog::warn("watch message for {}: {}", id, r.status().message());
  });
}

}  // namespace tansiq::hub::internal
