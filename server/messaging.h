// Dissemination as the server runs it: the hub's Messenger, the registry of open stream
// sessions it pushes through, stream tickets, webhooks with their sender, and the REST routes
// over them.
#pragma once

#include <memory>

#include "hub/messages.h"
#include "hub/webhooks.h"
#include "server/router.h"
#include "server/stream.h"
#include "server/webhook_sender.h"

namespace tansiq::server {

// Owned by Serve(); outlives every session. Members are destroyed bottom-up: the webhook
// sender (its thread stopped) first, then the Webhooks and the Messenger (its timer stopped,
// its writes done) before the stream registry it pushes into.
struct Messaging {
  Messaging(hub::Hub& hub, hub::MessagingOptions options, hub::WebhookOptions webhook_options = {},
            WebhookSenderOptions sender_options = {})
      : tickets(hub.clock()), messenger(hub, std::move(options)) {
    messenger.SetSink(&streams);
    webhooks = std::make_unique<hub::Webhooks>(hub, messenger, std::move(webhook_options));
    messenger.SetWebhookOutbox(webhooks.get());
    sender = std::make_unique<WebhookSender>(*webhooks, hub.clock(), std::move(sender_options));
  }
  ~Messaging() {
    webhooks->SetDispatch(nullptr);
    sender.reset();
    messenger.SetWebhookOutbox(nullptr);
    messenger.Flush();  // writes that already picked up the Webhooks finish with it alive
  }
  // Starts the Webhooks, the Messenger and the webhook sender, in that order.
  Status Start() {
    TANSIQ_RETURN_IF_ERROR(webhooks->Start());
    TANSIQ_RETURN_IF_ERROR(messenger.Start());
    webhooks->SetDispatch(sender.get());
    return sender->Start();
  }
  StreamHub streams;
  TicketBook tickets;
  StreamLimits limits;
  hub::Messenger messenger;
  std::unique_ptr<hub::Webhooks> webhooks;
  std::unique_ptr<WebhookSender> sender;
};

// POST/GET /api/v1/messages, /api/v1/messages/{id}[/ack|/read], /api/v1/stream/ticket,
// /api/v1/watches (/metrics, which reports on them too, is in ops.h). `m` must outlive the
// router.
void RegisterMessaging(Router& router, Messaging& m);
// POST/GET /api/v1/webhooks, DELETE /api/v1/webhooks/{id}.
void RegisterWebhooks(Router& router, Messaging& m);

}  // namespace tansiq::server
