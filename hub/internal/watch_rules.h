// Watch rules as the hub runs them (issue 4, DESIGN.md "Dissemination"): stored per user,
// compiled once (search queries built, groups resolved through the alias registry), matched on
// the hub's commit feed after commit — each new object a watcher may see and that matches
// their rule becomes a hub message to them. Parsing and the matching rule are dissem/watch.h;
// this file adds the store, the search and the feed. Internal to hub/: the Messenger owns one.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/mutex.h"
#include "dissem/watch.h"
#include "hub/events.h"
#include "hub/hub.h"
#include "hub/internal/pending_writes.h"
#include "hub/messages.h"

namespace tansiq::hub::internal {

inline constexpr std::size_t kMaxWatchesPerUser = 100;

// Created by the Messenger after the Hub, destroyed before it (Stop unsubscribes from the
// feed). Thread-safe: requests on any thread, matching on the feed's thread.
class WatchRules {
 public:
  // How a notice is sent: Messenger::SendFromHub.
  using SendNotice = std::function<void(HubMessage, DoneWith)>;
  WatchRules(Hub& hub, SendNotice send);
  ~WatchRules();
  WatchRules(const WatchRules&) = delete;
  WatchRules& operator=(const WatchRules&) = delete;

  // Loads every rule and subscribes the matcher to the hub's commits. Call once.
  Status Start();
  // Unsubscribes (idempotent); waits for the rules' own writes.
  void Stop();

  // POST /api/v1/watches (→ id), GET (→ {"watches": [...]}), DELETE (NotFound for another's).
  void Add(const policy::Reader& reader, const boost::json::object& body, DoneWith done);
  Result<std::string> List(const policy::Reader& reader);
  void Delete(const policy::Reader& reader, std::string id, DoneStatus done);

  // Blocks until every write of a rule submitted so far is done.
  void WaitForWrites() { writes_.Wait(); }

 private:
  // A rule as matched: whose it is, the rule, and its search queries built once.
  struct Compiled {
    store::WatchRecord record;
    policy::Reader reader;
    dissem::WatchRule rule;
    std::optional<store::SearchQuery> query;
    std::optional<store::SearchQuery> places;
  };

  Result<Compiled> Compile(const policy::Reader& reader, const boost::json::object& body,
                           bool from_store);
  Result<std::vector<std::string>> ResolveGroups(const std::vector<std::string>& names);
  Status Reload();
  void Match(const CommitEvent& event);
  bool Matches(const store::SearchQuery& q, const std::string& id);
  void Notify(const Compiled& w, const StoredObject& o);

  Hub& hub_;
  const SendNotice send_;
  PendingWrites writes_{nullptr};
  std::size_t subscription_ = 0;  // on the hub's commit feed; 0: none

  Mutex mu_;
  std::shared_ptr<const std::vector<Compiled>> rules_ TANSIQ_GUARDED_BY(mu_);
};

}  // namespace tansiq::hub::internal
