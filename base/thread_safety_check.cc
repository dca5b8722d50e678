// Compile-time test of base/mutex.h's annotations (base/CMakeLists.txt): clang with
// -Wthread-safety -Werror must compile this file as it is ("thread_safety_accepts_guarded":
// every access under its lock, and the MutexLock and CondVar patterns the tree uses) and refuse
// it with TANSIQ_UNGUARDED_READ defined ("thread_safety_rejects_unguarded": one read of a
// GUARDED_BY member without its mutex). If the second compiles, the annotations check nothing.
#include <chrono>

#include "base/mutex.h"

namespace {

class Counter {
 public:
  void Add() {
    tansiq::MutexLock lock(mu_);
    ++count_;
    wake_.SignalAll();
  }
#ifdef TANSIQ_UNGUARDED_READ
  int Peek() const { return count_; }  // wrong: reads count_ without mu_
#else
  int Peek() const {
    tansiq::MutexLock lock(mu_);
    return count_;
  }
#endif
  // Waits until count_ reaches n or a deadline passes; unlocks around a callback.
  bool WaitFor(int n) {
    tansiq::MutexLock lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    while (count_ < n && wake_.WaitUntil(mu_, deadline)) {
    }
    lock.Unlock();
    Callback();
    lock.Lock();
    return Reached(n);
  }

 private:
  bool Reached(int n) const TANSIQ_REQUIRES(mu_) { return count_ >= n; }
  static void Callback() {}

  mutable tansiq::Mutex mu_;
  tansiq::CondVar wake_;
  int count_ TANSIQ_GUARDED_BY(mu_) = 0;
};

}  // namespace

int main() {
  Counter c;
  c.Add();
  return c.WaitFor(1) && c.Peek() == 1 ? 0 : 1;
}
