// Process-wide real clock instance.
#include "base/clock.h"

#include <fstream>

namespace tansiq {

const Clock& SystemClock() {
  static const RealClock kClock;
  return kClock;
}

Micros FileOffsetClock::NowMicros() const {
  const std::int64_t steady = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now().time_since_epoch())
                                  .count();
  if (steady >= next_read_.load()) {
    next_read_.store(steady + 50'000);
    double seconds = 0;
    std::ifstream in(path_);
    if (in >> seconds) offset_.store(static_cast<Micros>(seconds * 1e6));
  }
  return SystemClock().NowMicros() + offset_.load();
}

}  // namespace tansiq
