// What the webhooks need from dissemination (hub/webhooks.h takes it; the Messenger,
// hub/messages.h, implements it): the frame a recipient gets for a message, and recording a
// delivery made by a webhook post. One of the two narrow interfaces between the Messenger and
// the Webhooks, so neither holds or includes the other (the other: hub/webhook_outbox.h).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "hub/done.h"
#include "policy/policy.h"

namespace tansiq::hub {

// Thread-safe. The implementation outlives every holder (server/messaging.h orders them).
class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The `message` frame of `message_id` as recipient `to` gets it (`realert` > 0: a re-alert;
  // `escalated_for`: an escalation copy), references `to` may not see removed. NotFound when
  // `to` is not a recipient.
  virtual Result<std::string> FrameFor(const policy::Reader& to, std::string_view message_id,
                                       int realert, std::string_view escalated_for) = 0;
  // `reader` received message `id` through `session` (a webhook post: "webhook:<id>"); NotFound
  // when they are not (or no longer) a tracked recipient. Durable on `done`.
  virtual void Received(const policy::Reader& reader, std::string id, std::string session,
                        DoneStatus done) = 0;
};

}  // namespace tansiq::hub
