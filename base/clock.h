// Clock seam: every module reads time through a Clock so tests inject time
// (deadlines, date_added ordering) without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace tansiq {

// Microseconds since the Unix epoch, UTC.
using Micros = std::int64_t;

// Thread-safe interface; implementations must be callable from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros NowMicros() const = 0;
};

// The real wall clock. Stateless; a process-wide instance is returned by SystemClock().
class RealClock final : public Clock {
 public:
  Micros NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

const Clock& SystemClock();

// A clock tests set and advance by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Micros start) : now_(start) {}
  Micros NowMicros() const override { return now_.load(); }
  void Set(Micros t) { now_.store(t); }
  void Advance(Micros d) { now_.fetch_add(d); }

 private:
  std::atomic<Micros> now_;
};

// Test seam for whole-process tests: the real clock shifted by the number of seconds
// written in a file (re-read at most every 50 ms; a missing or unreadable file is 0), so a
// black-box test can move a running server's time forward without sleeping.
class FileOffsetClock final : public Clock {
 public:
  explicit FileOffsetClock(std::string path) : path_(std::move(path)) {}
  Micros NowMicros() const override;

 private:
  const std::string path_;
  mutable std::atomic<Micros> offset_{0};
  mutable std::atomic<std::int64_t> next_read_{0};  // steady-clock micros
};

}  // namespace tansiq
