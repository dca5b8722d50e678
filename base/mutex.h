// Mutex, MutexLock and CondVar: std::mutex and std::condition_variable with clang's
// thread-safety annotations (base/thread_annotations.h), as LevelDB's port::Mutex +
// MutexLock. A member a mutex protects is declared TANSIQ_GUARDED_BY(mu_); the clang builds
// (tsan, fuzz: -Wthread-safety -Werror=thread-safety) refuse code that touches it without
// holding mu_ (base/thread_safety_check.cc proves the check is on).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "base/thread_annotations.h"

namespace tansiq {

// An exclusive, non-recursive lock. Not copyable or movable; thread-safe. Owned by the object
// whose members it guards; lock it through MutexLock.
class TANSIQ_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() TANSIQ_ACQUIRE() { mu_.lock(); }
  void Unlock() TANSIQ_RELEASE() { mu_.unlock(); }
  // For the analysis only: tells it the caller holds this mutex (not checked at run time).
  void AssertHeld() const TANSIQ_ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to destruction (RAII). Unlock() and Lock() release and take it
// again inside the scope (to run a callback without the lock); the destructor releases it
// only if held. Not copyable; used by one thread.
class TANSIQ_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) TANSIQ_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() TANSIQ_RELEASE() {
    if (held_) mu_.Unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() TANSIQ_RELEASE() {
    mu_.Unlock();
    held_ = false;
  }
  void Lock() TANSIQ_ACQUIRE() {
    mu_.Lock();
    held_ = true;
  }

 private:
  Mutex& mu_;
  bool held_ = true;
};

// A condition variable over Mutex. Every Wait* is called with `mu` held (the analysis checks
// it), releases it while waiting and holds it again on return. Wake-ups may be spurious:
// callers loop on their condition, which they read with the lock held —
//   while (!stopping_) wake_.Wait(mu_);
// (a predicate lambda would be analysed as a function of its own, without the lock).
// Thread-safe; owned beside the Mutex it is used with.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  void Wait(Mutex& mu) TANSIQ_REQUIRES(mu) {
    std::unique_lock lock(mu.mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // Waits until signalled or `deadline` passes; false when it returned for the deadline.
  template <typename Clock, typename Duration>
  bool WaitUntil(Mutex& mu, std::chrono::time_point<Clock, Duration> deadline) TANSIQ_REQUIRES(mu) {
    std::unique_lock lock(mu.mu_, std::adopt_lock);
    const bool signalled = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return signalled;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace tansiq
