// Process-wide real clock instance.
#include "base/clock.h"

namespace tansiq {

const Clock& SystemClock() {
  static const RealClock kClock;
  return kClock;
}

}  // namespace tansiq
