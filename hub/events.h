// After-commit events: what ingest stored, handed to listeners (correlation, watch rules)
// off the write path. DESIGN.md's data flow: "after commit: correlation → watch-rule match
// → push". Listeners run on the feed's own thread, one event at a time, in commit order.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/mutex.h"
#include "policy/policy.h"
#include "stix/search_text.h"

namespace tansiq::hub {

// One object version that a committed write job stored. Value type.
struct StoredObject {
  std::string id;
  std::string type;
  std::string collection_id;
  Micros version = 0;     // the version stored (modified, or the hub's time for SCOs)
  Micros date_added = 0;  // when the hub stored it
  std::string json;       // the object as stored
  stix::SearchText search;
  policy::Releasability releasability;  // its own markings' releasability
  std::vector<std::string> refs;        // every *_ref / *_refs value
};

// Everything one committed write job stored, and who wrote it.
struct CommitEvent {
  policy::Reader writer;
  std::vector<StoredObject> objects;
  // Set on the marker the feed queues where it dropped events (queue overflow): what they
  // stored is in the store but was never seen by the listeners. A listener that keeps derived
  // state recovers from the store (the analysis backfill); the marker carries no objects.
  bool gap = false;
};

using CommitListener = std::function<void(const CommitEvent&)>;

// A queue of commit events drained by one thread that calls every listener in order.
// Publish never blocks the writer: events queue up to `max_queued`, after which the oldest
// are dropped and counted, and a `gap` marker takes their place at the head of the queue
// (listeners must tolerate a gap; none of them holds primary data).
// Thread-safe. Owned by the Hub; the thread stops in the destructor after draining.
class CommitFeed {
 public:
  explicit CommitFeed(std::size_t max_queued = 100'000);
  ~CommitFeed();
  CommitFeed(const CommitFeed&) = delete;
  CommitFeed& operator=(const CommitFeed&) = delete;

  // Adds a listener for every later event; returns a handle for Unsubscribe. Listeners must
  // not call Publish, Drain or Unsubscribe.
  std::size_t Subscribe(CommitListener listener);
  // Removes a listener; once this returns it is not running and will not run again.
  void Unsubscribe(std::size_t handle);
  void Publish(CommitEvent event);
  // Whether anyone listens (a writer can skip building events nobody reads).
  bool active() const;
  // Waits until every event published before the call has been handled by every listener.
  void Drain();
  std::size_t dropped() const;
  // What the listeners (analysis, watch rules) have still to handle, for /metrics: events
  // queued or in hand, and how long the oldest of them has waited (steady clock; 0 when none).
  struct Backlog {
    std::size_t events = 0;
    std::chrono::steady_clock::duration oldest_wait{};
  };
  Backlog backlog() const;

 private:
  void Run();

  const std::size_t max_queued_;
  mutable Mutex mu_;
  CondVar wake_;
  CondVar idle_;
  std::deque<std::shared_ptr<const CommitEvent>> queue_ TANSIQ_GUARDED_BY(mu_);
  // When each event of queue_ was published (parallel to queue_), and when the one being
  // handled was (nullopt: none in hand).
  std::deque<std::chrono::steady_clock::time_point> queued_at_ TANSIQ_GUARDED_BY(mu_);
  std::optional<std::chrono::steady_clock::time_point> in_hand_since_ TANSIQ_GUARDED_BY(mu_);
  std::vector<std::pair<std::size_t, std::shared_ptr<const CommitListener>>> listeners_
      TANSIQ_GUARDED_BY(mu_);
  std::size_t next_handle_ TANSIQ_GUARDED_BY(mu_) = 1;
  std::size_t published_ TANSIQ_GUARDED_BY(mu_) = 0;
  std::size_t handled_ TANSIQ_GUARDED_BY(mu_) = 0;  // dropped events count as handled
  std::size_t dropped_ TANSIQ_GUARDED_BY(mu_) = 0;
  bool stopping_ TANSIQ_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace tansiq::hub
