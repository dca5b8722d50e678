// Dissemination as the server runs it: the hub's Messenger, the registry of open stream
// sessions it pushes through, stream tickets, and the REST routes over them.
#pragma once

#include "hub/messages.h"
#include "server/router.h"
#include "server/stream.h"

namespace tansiq::server {

// Owned by Serve(); outlives every session. Members are destroyed bottom-up: the Messenger
// (its timer stopped, its writes done) before the stream registry it pushes into.
struct Messaging {
  Messaging(hub::Hub& hub, hub::MessagingOptions options)
      : tickets(hub.clock()), messenger(hub, std::move(options)) {
    messenger.SetSink(&streams);
  }
  StreamHub streams;
  TicketBook tickets;
  StreamLimits limits;
  hub::Messenger messenger;
};

// POST/GET /api/v1/messages, /api/v1/messages/{id}[/ack|/read], /api/v1/stream/ticket,
// /api/v1/watches, /metrics. `m` must outlive the router.
void RegisterMessaging(Router& router, Messaging& m);

}  // namespace tansiq::server
