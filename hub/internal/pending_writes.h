// The Messenger's writes in flight, counted overall (Flush waits until none is left) and per
// message (a message is forgotten from memory only when no write of its state is pending, so
// no change made in memory is ever dropped). Internal to hub/.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>

#include "base/mutex.h"

namespace tansiq::hub::internal {

// One per Messenger; thread-safe.
class PendingWrites {
 public:
  // Called, under the lock, when the last pending write of message `id` ends and no Tick is
  // between changing messages and counting their writes (the tracker's ForgetIf).
  using OnIdle = std::function<void(const std::string& id)>;
  explicit PendingWrites(OnIdle on_idle) : on_idle_(std::move(on_idle)) {}

  // A write submitted; `id` empty: of no one message (watch rules).
  void Begin(const std::string& id = {}) {
    MutexLock lock(mu_);
    ++writes_;
    if (!id.empty()) ++writes_of_[id];
  }
  // Its completion.
  void End(const std::string& id = {}) {
    MutexLock lock(mu_);
    if (!id.empty()) {
      auto it = writes_of_.find(id);
      if (it != writes_of_.end() && --it->second == 0) {
        writes_of_.erase(it);
        if (ticking_ == 0 && on_idle_) on_idle_(id);
      }
    }
    if (--writes_ == 0) done_.SignalAll();
  }
  // Blocks until no write is pending.
  void Wait() {
    MutexLock lock(mu_);
    while (writes_ != 0) done_.Wait(mu_);
  }
  // Around a Tick, which changes messages in memory before their writes are counted: no
  // message may be forgotten meanwhile.
  void BeginTick() {
    MutexLock lock(mu_);
    ++ticking_;
  }
  void EndTick() {
    MutexLock lock(mu_);
    --ticking_;
  }

 private:
  const OnIdle on_idle_;
  Mutex mu_;
  CondVar done_;
  int writes_ TANSIQ_GUARDED_BY(mu_) = 0;  // submitted, not yet done
  std::unordered_map<std::string, int> writes_of_ TANSIQ_GUARDED_BY(mu_);
  int ticking_ TANSIQ_GUARDED_BY(mu_) = 0;
};

}  // namespace tansiq::hub::internal
