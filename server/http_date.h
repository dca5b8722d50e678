// The HTTP Date header's value (RFC 9110 IMF-fixdate), which every response carries: clients
// correct their clock skew with it (e.g. for TAXII added_after).
#pragma once

#include <string>

#include "base/clock.h"

namespace tansiq::server {

// "Sun, 06 Nov 1994 08:49:37 GMT" for `t` (microseconds since the epoch, UTC).
std::string HttpDate(Micros t);

}  // namespace tansiq::server
