#include "hub/events.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/mutex.h"

namespace tansiq::hub {
namespace {

CommitEvent EventWith(std::string id) {
  CommitEvent e;
  e.objects.push_back({.id = std::move(id)});
  return e;
}

TEST(CommitFeedTest, EveryListenerSeesEveryEventInOrder) {
  CommitFeed feed;
  std::vector<std::string> a, b;
  feed.Subscribe([&](const CommitEvent& e) { a.push_back(e.objects[0].id); });
  feed.Subscribe([&](const CommitEvent& e) { b.push_back(e.objects[0].id); });
  for (int i = 0; i < 100; ++i) feed.Publish(EventWith("x" + std::to_string(i)));
  feed.Drain();
  ASSERT_EQ(a.size(), 100u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.front(), "x0");
  EXPECT_EQ(a.back(), "x99");
  EXPECT_EQ(feed.dropped(), 0u);
}

TEST(CommitFeedTest, NothingQueuedWithoutListeners) {
  CommitFeed feed;
  EXPECT_FALSE(feed.active());
  feed.Publish(EventWith("ignored"));
  feed.Drain();  // returns at once: nothing was published
  std::vector<std::string> seen;
  feed.Subscribe([&](const CommitEvent& e) { seen.push_back(e.objects[0].id); });
  EXPECT_TRUE(feed.active());
  feed.Publish(EventWith("seen"));
  feed.Drain();
  EXPECT_EQ(seen, std::vector<std::string>{"seen"});
}

TEST(CommitFeedTest, AThrowingListenerDoesNotStopTheOthers) {
  CommitFeed feed;
  std::atomic<int> calls = 0;
  feed.Subscribe([](const CommitEvent&) { throw std::runtime_error("boom"); });
  feed.Subscribe([&](const CommitEvent&) { ++calls; });
  feed.Publish(EventWith("a"));
  feed.Publish(EventWith("b"));
  feed.Drain();
  EXPECT_EQ(calls, 2);
}

TEST(CommitFeedTest, OverflowDropsTheOldestAndCountsThem) {
  CommitFeed feed(/*max_queued=*/2);
  Mutex gate;
  std::vector<std::string> seen;
  std::atomic<bool> entered = false;
  MutexLock hold(gate);  // blocks the listener on the first event
  feed.Subscribe([&](const CommitEvent& e) {
    entered = true;
    MutexLock lock(gate);
    seen.push_back(e.gap ? "gap" : e.objects[0].id);
  });
  feed.Publish(EventWith("first"));
  while (!entered) std::this_thread::yield();  // "first" is off the queue, its listener blocked
  for (int i = 0; i < 5; ++i) feed.Publish(EventWith("probe" + std::to_string(i)));
  hold.Unlock();
  feed.Drain();
  // One marker where the three dropped events were, whatever the number dropped.
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "gap", "probe3", "probe4"}));
  EXPECT_EQ(feed.dropped(), 3u);
}

}  // namespace
}  // namespace tansiq::hub
