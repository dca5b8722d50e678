// Tests for base/mutex.h: MutexLock excludes, relocks inside its scope, and CondVar wakes a
// waiter and times out. The compile-time half (annotations checked) is thread_safety_check.cc.
#include "base/mutex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace tansiq {
namespace {

struct Counter {
  Mutex mu;
  int count TANSIQ_GUARDED_BY(mu) = 0;
};

TEST(Mutex, MutexLockExcludesOtherThreads) {
  Counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        MutexLock lock(c.mu);
        ++c.count;
      }
    });
  }
  for (auto& t : threads) t.join();
  MutexLock lock(c.mu);
  EXPECT_EQ(c.count, 40'000);
}

TEST(Mutex, MutexLockUnlocksAndRelocksInsideItsScope) {
  Mutex mu;
  MutexLock lock(mu);
  lock.Unlock();
  std::thread([&] { MutexLock other(mu); }).join();  // would deadlock if still held
  lock.Lock();
}

TEST(Mutex, CondVarWakesAWaiter) {
  struct {
    Mutex mu;
    CondVar cv;
    bool ready TANSIQ_GUARDED_BY(mu) = false;
  } s;
  std::thread signaller([&] {
    MutexLock lock(s.mu);
    s.ready = true;
    s.cv.SignalAll();
  });
  {
    MutexLock lock(s.mu);
    while (!s.ready) s.cv.Wait(s.mu);
    EXPECT_TRUE(s.ready);
  }
  signaller.join();
}

TEST(Mutex, CondVarWaitUntilReturnsFalseAtTheDeadline) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(mu);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::milliseconds(20);
  while (cv.WaitUntil(mu, deadline)) {
  }
  EXPECT_GE(std::chrono::steady_clock::now(), deadline);
}

}  // namespace
}  // namespace tansiq
