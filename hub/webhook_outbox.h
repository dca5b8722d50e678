// What dissemination needs from the webhooks (the Messenger, hub/messages.h, takes it; the
// Webhooks, hub/webhooks.h, implement it): the outbox rows for one frame, written in the
// transaction that causes them, and the hand-over once they are durable. One of the two narrow
// interfaces between the Messenger and the Webhooks (the other: hub/frame_source.h).
#pragma once

#include <string>
#include <vector>

#include "policy/policy.h"
#include "store/webhooks.h"

namespace tansiq::hub {

// Thread-safe; called from any thread (the store's writer thread included); must not block.
class WebhookOutbox {
 public:
  virtual ~WebhookOutbox() = default;
  // The outbox rows for one frame of `message_id` to recipient `to` (their own webhooks and
  // their party's); empty when they have none.
  virtual std::vector<store::WebhookDelivery> RowsFor(const policy::Reader& to,
                                                      const std::string& message_id, int realert,
                                                      const std::string& escalated_for) = 0;
  // After those rows are durable: hands them to whatever posts them.
  virtual void Enqueued(const std::vector<store::WebhookDelivery>& rows) = 0;
};

}  // namespace tansiq::hub
