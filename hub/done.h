// The completion callbacks of the hub's asynchronous use cases (sending, delivery state, watch
// rules, webhooks): called once, on the store's writer thread, when the write is durable or
// refused.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"

namespace tansiq::hub {

// Gets the new object's id, or the error.
using DoneWith = std::function<void(Result<std::string>)>;
// Gets the outcome.
using DoneStatus = std::function<void(Status)>;

}  // namespace tansiq::hub
