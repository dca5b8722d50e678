// Webhooks (issue 4 item 5): registrations (per user, or per party by its admin), the durable
// outbox of posts still to make (rows written in the same transaction as the message or the
// escalation that causes them), preparing a signed post, and recording its outcome (a 2xx
// counts as delivered, like a stream `received`; failures back off and are retried).
// Transport-free: server/webhook_sender.* makes the HTTP(S) posts through WebhookDispatch.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "dissem/webhook.h"
#include "hub/done.h"
#include "hub/frame_source.h"
#include "hub/hub.h"
#include "hub/webhook_outbox.h"

namespace tansiq::hub {

struct WebhookOptions {
  // Overrides the hub's allow-list (`tansiq serve --webhook-allow`); nullopt: the hub's settings
  // ([webhooks] allow).
  std::optional<std::vector<std::string>> allow;
  dissem::WebhookRetryPolicy retry;
  std::size_t max_per_user = 10;
};

// Where new outbox rows go to be posted. Implemented by server/; called from any thread after
// the rows are durable; must not block.
class WebhookDispatch {
 public:
  virtual ~WebhookDispatch() = default;
  virtual void Schedule(store::WebhookDelivery delivery) = 0;
};

// One post, ready to send: the normalised address, the frame and its signature headers.
struct WebhookPost {
  dissem::WebhookUrl url;
  std::string body;       // the JSON frame, as the recipient's stream would get it
  std::string timestamp;  // X-Tansiq-Timestamp: Unix seconds (the hub's clock)
  std::string signature;  // X-Tansiq-Signature
  std::string recipient;  // X-Tansiq-Recipient: whose frame it is (party webhooks)
};

// One per hub process, beside the Messenger, which it knows only as the FrameSource of its posts
// and which knows it only as a WebhookOutbox (server/messaging.h wires the two: the Messenger
// outlives this and is unhooked from it first). Thread-safe.
class Webhooks final : public WebhookOutbox {
 public:
  Webhooks(Hub& hub, FrameSource& frames, WebhookOptions options);
  ~Webhooks() override;
  Webhooks(const Webhooks&) = delete;
  Webhooks& operator=(const Webhooks&) = delete;

  // Loads the allow-list (InvalidArgument on a bad entry) and every registration. Call once,
  // before serving.
  Status Start();
  void SetDispatch(WebhookDispatch* dispatch);

  // POST /api/v1/webhooks {"url", "secret"?, "scope": "user"|"party"}: 201 with the id, the
  // normalised url, the scope and — only when the hub generated it — the secret. 422 when the
  // url is not on the allow-list (nothing stored). Audited.
  void Add(const policy::Reader& reader, const boost::json::object& body, DoneWith done);
  // GET /api/v1/webhooks: the reader's own, and their party's when they administer it.
  Result<std::string> List(const policy::Reader& reader);
  // DELETE /api/v1/webhooks/{id}: NotFound for anyone else's (a party webhook: its party's
  // admins may delete it). Pending posts go with it. Audited.
  void Delete(const policy::Reader& reader, std::string id, DoneStatus done);

  // WebhookOutbox (the Messenger's side): the outbox rows for one frame of `message_id` to
  // recipient `to` (their own webhooks and their party's), to be written in the transaction
  // that causes them; after they are durable, Enqueued hands them to the dispatch.
  std::vector<store::WebhookDelivery> RowsFor(const policy::Reader& to,
                                              const std::string& message_id, int realert,
                                              const std::string& escalated_for) override;
  void Enqueued(const std::vector<store::WebhookDelivery>& rows) override;

  // Sender side. Every pending post (at start-up, after a restart).
  Result<std::vector<store::WebhookDelivery>> Pending();
  // Builds the post for `d` now: NotFound when it is no longer to be made (webhook deleted,
  // user gone, no longer a recipient); Unprocessable when the address has left the
  // allow-list. The caller then calls Drop.
  Result<WebhookPost> Prepare(const store::WebhookDelivery& d);
  // A 2xx: the outbox row goes and the recipient's delivery is recorded (received).
  void Succeeded(const store::WebhookDelivery& d);
  // A failure: the row with its next attempt (durably rescheduled), or nullopt when given up
  // (the row is deleted).
  std::optional<store::WebhookDelivery> Failed(const store::WebhookDelivery& d,
                                               std::string_view why);
  // Removes a row that will never be posted; `failure` counts it as given up.
  void Drop(const store::WebhookDelivery& d, bool failure);

  // Prometheus counters for GET /metrics.
  std::string Metrics() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tansiq::hub
