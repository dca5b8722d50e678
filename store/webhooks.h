// The webhook role of the Store: registered webhooks and the durable outbox of posts still to
// make (issue 4). Rows are written in the job that stores the message, so no post is lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"

namespace tansiq::store {

// A webhook (issue 4): where message frames of a user — or, with `party`, of every user of a
// party — are posted. `secret` is the HMAC key as hub/ seals it (opaque to the store).
struct WebhookRecord {
  std::string id;
  std::int64_t user_id = 0;                 // who registered it
  std::optional<policy::PartyIndex> party;  // set: a party webhook (registered by its admin)
  std::string url;                          // normalised (dissem::ParseWebhookUrl)
  std::string secret;
  Micros created = 0;
};

// One webhook post still to make (the durable outbox): the frame of message `message_id` as
// recipient `user_id` gets it, to webhook `webhook_id`. Deleted once posted or given up.
struct WebhookDelivery {
  std::string id;  // X-Tansiq-Delivery: the same on every attempt
  std::string webhook_id;
  std::int64_t user_id = 0;
  std::string message_id;
  int realert = 0;            // a re-alert's number; 0 for the first copy
  std::string escalated_for;  // an escalation copy: the principal's user name
  Micros queued_at = 0;
  int attempts = 0;    // failed attempts so far
  Micros next_at = 0;  // not before
};

// Webhook reads. Thread-safe; part of the Store aggregate (store.h).
class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // Every webhook, oldest first (hub/ caches them).
  virtual Result<std::vector<WebhookRecord>> Webhooks() = 0;
  // Pending webhook posts, soonest first, at most `limit`.
  virtual Result<std::vector<WebhookDelivery>> WebhookOutbox(std::size_t limit) = 0;
};

// Webhook writes inside a write job; part of the WriteTxn aggregate (store.h).
class WebhookTxn {
 public:
  virtual ~WebhookTxn() = default;

  // DeleteWebhook also drops the webhook's pending posts; false when no such id.
  virtual Status PutWebhook(const WebhookRecord& w) = 0;
  virtual Result<bool> DeleteWebhook(std::string_view id) = 0;
  // Inserts or replaces the outbox row `d.id`; DeleteWebhookDelivery is a no-op when absent.
  virtual Status PutWebhookDelivery(const WebhookDelivery& d) = 0;
  virtual Status DeleteWebhookDelivery(std::string_view id) = 0;
};

}  // namespace tansiq::store
