// Dissemination use cases (issue 4, DESIGN.md "Dissemination"): sending a message (stored as
// an x-tansiq-message STIX object with the Tansiq releasability marking, plus its delivery
// queue, in one transaction), delivery state changes, escalation on missed deadlines, the
// durable queue for offline recipients, watch rules and latency metrics. Transport-free:
// frames leave through a PushSink that server/ implements over WebSocket sessions.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "dissem/delivery.h"
#include "dissem/message.h"
#include "dissem/queue.h"
#include "hub/done.h"
#include "hub/frame_source.h"
#include "hub/hub.h"
#include "hub/webhook_outbox.h"

namespace tansiq::hub {

// Where frames go. Implemented by server/ (every open stream session of a user).
// Called from any thread; must not block.
class PushSink {
 public:
  virtual ~PushSink() = default;
  // Hands `frame` to every open session of `user_id`; no-op when they have none.
  virtual void Push(std::int64_t user_id, const dissem::OutgoingFrame& frame) = 0;
  // Push to each of `user_ids` (a fan-out); a sink may batch the hand-over.
  virtual void PushMany(std::span<const std::int64_t> user_ids,
                        const dissem::OutgoingFrame& frame) {
    for (std::int64_t user : user_ids) Push(user, frame);
  }
  // Whether `user_id` has an open session now (a hint: frames nobody would get need not be
  // built).
  virtual bool Online(std::int64_t /*user_id*/) const { return true; }
};

// Configuration of dissemination (per hub; tests shorten the intervals).
struct MessagingOptions {
  dissem::DeliveryPolicy policy;
  // How often the escalation timer wakes to look for missed deadlines.
  std::chrono::milliseconds tick_interval{1000};
  bool start_timer = true;  // false: the caller drives Tick() (tests)
};

// What a message the hub wrote (a watch notice, an alert, a brief) shows as its subject, with an
// empty body, once one of its references is hidden from the reader (a recall): its text was
// made of what that object said. See docs/api.md, "Delivered analysis".
inline constexpr std::string_view kWithdrawnSubject =
    "Withdrawn: an object this notice named was recalled";

// Whether message `r` is one the hub wrote whose text is withdrawn from `reader`: one of its
// `object_refs` is hidden from them now. A member's message is never withdrawn (its text is the
// member's own to release; only the hidden references are removed).
bool WithdrawnFrom(Hub& hub, const policy::Reader& reader, const store::MessageRecord& r);

// The outcome of a send: the message id, or the error; for a refusal because recipients fall
// outside the releasability (422), `outside` names every one of them.
struct SendOutcome {
  Result<std::string> id = std::string();
  std::vector<std::string> outside;
};
using SendDone = std::function<void(SendOutcome)>;

// A message the hub itself sends (watch notices, daily briefs, trend alerts): sender "tansiq"
// of no party, the hub identity as creator. Its releasability is the caller's to choose but
// is checked like any send: every recipient must pass it and see every referenced object.
struct HubMessage {
  std::vector<std::int64_t> recipients;  // user ids; enabled users only
  dissem::Precedence precedence = dissem::Precedence::kRoutine;
  std::string subject;
  std::string body;
  std::string lang;
  // Each must be visible to every recipient, else Unprocessable (the same text whether the
  // object is absent or invisible).
  std::vector<std::string> object_refs;
  // kRed (the default): readable by the recipients alone. Otherwise the parties of
  // `releasable_to` (party identity ids) under that TLP.
  stix::Tlp tlp = stix::Tlp::kRed;
  std::vector<std::string> releasable_to;
  // Runs inside the message's write transaction (e.g. a durable "already sent" marker, so a
  // message and the record that it was sent commit together); may be empty.
  std::function<Status(store::WriteTxn&)> also;
  // The audited action ("message.send" when empty) and what the audit record names.
  std::string audit_action;
};

// One per hub process. Thread-safe. Created after the Hub, destroyed before it; stops its
// timer thread and unsubscribes nothing (the Hub's CommitFeed outlives it only if the
// caller destroys the Messenger after the Hub stops publishing: server/ does). It is the
// webhooks' FrameSource and knows them only as a WebhookOutbox.
class Messenger final : public FrameSource {
 public:
  Messenger(Hub& hub, MessagingOptions options);
  ~Messenger() override;
  Messenger(const Messenger&) = delete;
  Messenger& operator=(const Messenger&) = delete;

  // Where frames go; set before the first Send. nullptr: frames wait in the durable queue.
  void SetSink(PushSink* sink);
  // Webhook posts (hub/webhooks.h): their outbox rows are written in the same transaction as
  // the message (or the escalation) they carry. Set before Start; nullptr: no webhooks. Must
  // stay alive until it is unset and Flush has returned.
  void SetWebhookOutbox(WebhookOutbox* outbox);
  // Resumes escalation of every message with a pending deadline (after a restart) and
  // subscribes watch rules to the hub's commits. Call once, after SetSink.
  Status Start();

  // POST /api/v1/messages: parse, plan (recipients, all-or-nothing release check), store the
  // message and its queue durably, push to online recipients. `done` gets the message id.
  void Send(const policy::Reader& sender, const boost::json::object& body, SendDone done);

  // The one way the hub sends on its own behalf: resolves the recipients, checks the
  // releasability (all or nothing: Unprocessable naming who is outside), then stores, audits,
  // tracks and pushes exactly like Send. `done` gets the message id once it is durable (on
  // the store's writer thread).
  void SendFromHub(HubMessage message, DoneWith done);

  // A recipient's state changes, from a stream frame (`session`) or REST. NotFound (404)
  // when `reader` is not a recipient of `id` (the same for an unknown id). Durable on done.
  void Received(const policy::Reader& reader, std::string id, std::string session,
                DoneStatus done) override;
  void Read(const policy::Reader& reader, std::string id, DoneStatus done);
  void Acknowledge(const policy::Reader& reader, std::string id, DoneStatus done);

  // The durable queue of `reader`: frames of every message not yet confirmed as received,
  // FLASH first (sent on connect).
  Result<std::vector<dissem::OutgoingFrame>> Pending(const policy::Reader& reader);
  // FrameSource (for webhook posts): the `message` frame of `message_id` as recipient `to`
  // gets it; NotFound when `to` is not a recipient.
  Result<std::string> FrameFor(const policy::Reader& to, std::string_view message_id, int realert,
                               std::string_view escalated_for) override;
  // GET /api/v1/messages/{id}: the sender sees every recipient's state, a recipient their
  // own; anyone else gets NotFound.
  Result<std::string> View(const policy::Reader& reader, std::string_view id);
  // GET /api/v1/messages?box=inbox|sent.
  Result<std::string> List(const policy::Reader& reader, bool sent, std::size_t limit,
                           std::size_t offset);

  // Watch rules: POST /api/v1/watches (→ id), GET (→ JSON array), DELETE. Every criterion
  // given must hold. `groups` (names in any script) are resolved through the alias registry
  // when the rule is accepted (unknown or ambiguous: Unprocessable, nothing stored) and match
  // the `grp:` entity keys the analysis correlator stored for a new object: the server
  // subscribes the correlator to the commit feed before Start, so an object is analysed
  // before it is matched (without a correlator, a rule with groups matches nothing).
  void AddWatch(const policy::Reader& reader, const boost::json::object& body, DoneWith done);
  Result<std::string> ListWatches(const policy::Reader& reader);
  void DeleteWatch(const policy::Reader& reader, std::string id, DoneStatus done);

  // Handles every missed deadline (re-alerts, escalation, sender notices). The timer thread
  // calls it; tests with a manual clock may call it directly. Returns the actions taken.
  std::vector<dissem::DeliveryAction> Tick();

  // GET /metrics: Prometheus text format.
  std::string Metrics();

  // Waits until every write this Messenger submitted so far is durable and every commit
  // event has been matched against watch rules (tests, shutdown).
  void Flush();

 private:
  struct Watch;
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tansiq::hub
