#include "hub/events.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace tansiq::hub {

CommitFeed::CommitFeed(std::size_t max_queued)
    : max_queued_(std::max<std::size_t>(max_queued, 2)), thread_([this] { Run(); }) {}

CommitFeed::~CommitFeed() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  thread_.join();
}

std::size_t CommitFeed::Subscribe(CommitListener listener) {
  MutexLock lock(mu_);
  const std::size_t handle = next_handle_++;
  listeners_.emplace_back(handle, std::make_shared<const CommitListener>(std::move(listener)));
  return handle;
}

void CommitFeed::Unsubscribe(std::size_t handle) {
  {
    MutexLock lock(mu_);
    std::erase_if(listeners_, [&](const auto& l) { return l.first == handle; });
  }
  Drain();  // a call that started before the removal has finished when this returns
}

void CommitFeed::Publish(CommitEvent event) {
  {
    MutexLock lock(mu_);
    if (listeners_.empty()) return;
    ++published_;
    if (queue_.size() >= max_queued_) {
      // Drops the oldest event; one gap marker in front of what remains tells the listeners
      // where the gap is (max_queued_ >= 2, so a marker never stands alone here).
      const bool marked = queue_.front()->gap;
      queue_.erase(queue_.begin() + (marked ? 1 : 0));
      queued_at_.erase(queued_at_.begin() + (marked ? 1 : 0));
      ++dropped_;
      ++handled_;
      if (!marked) {
        auto marker = std::make_shared<CommitEvent>();
        marker->gap = true;
        queue_.push_front(std::move(marker));
        queued_at_.push_front(queued_at_.front());
        ++published_;
      }
    }
    queue_.push_back(std::make_shared<const CommitEvent>(std::move(event)));
    queued_at_.push_back(std::chrono::steady_clock::now());
  }
  wake_.Signal();
}

void CommitFeed::Drain() {
  MutexLock lock(mu_);
  const std::size_t target = published_;
  while (handled_ < target) idle_.Wait(mu_);
}

bool CommitFeed::active() const {
  MutexLock lock(mu_);
  return !listeners_.empty();
}

std::size_t CommitFeed::dropped() const {
  MutexLock lock(mu_);
  return dropped_;
}

CommitFeed::Backlog CommitFeed::backlog() const {
  MutexLock lock(mu_);
  Backlog b;
  b.events = queue_.size() + (in_hand_since_ ? 1 : 0);
  auto oldest = in_hand_since_       ? in_hand_since_
                : queued_at_.empty() ? std::nullopt
                                     : std::optional(queued_at_.front());
  if (oldest) b.oldest_wait = std::chrono::steady_clock::now() - *oldest;
  return b;
}

void CommitFeed::Run() {
  MutexLock lock(mu_);
  for (;;) {
    while (!stopping_ && queue_.empty()) wake_.Wait(mu_);
    if (queue_.empty()) return;  // stopping, and everything handled
    auto event = std::move(queue_.front());
    queue_.pop_front();
    in_hand_since_ = queued_at_.front();
    queued_at_.pop_front();
    auto listeners = listeners_;
    lock.Unlock();
    for (const auto& [handle, listener] : listeners) {
      try {
        (*listener)(*event);
      } catch (const std::exception& e) {
        spdlog::error("commit listener: {}", e.what());
      }
    }
    lock.Lock();
    in_hand_since_.reset();
    ++handled_;
    idle_.SignalAll();
  }
}

}  // namespace tansiq::hub
