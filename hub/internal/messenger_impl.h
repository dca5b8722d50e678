// Messenger::Impl, whose member functions live in one file per job: messages.cc (life cycle,
// metrics, webhook rows), messages_send.cc (sending and pushing), messages_delivery.cc
// (recipient state changes and their durable rows), messages_escalation.cc (the timer and
// missed deadlines), messages_read.cc (inbox, sent box, message view, frames). Watch rules
// are internal/watch_rules.*; the stored forms internal/message_records.*. Internal to hub/.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "dissem/delivery.h"
#include "dissem/recipients.h"
#include "hub/internal/delivery_metrics.h"
#include "hub/internal/pending_writes.h"
#include "hub/internal/watch_rules.h"
#include "hub/messages.h"

namespace tansiq::hub {

inline constexpr std::string_view kNoSuchMessage = "no such message";

// Owned by the Messenger (see messages.h for the contract). Thread-safe.
class Messenger::Impl {
 public:
  using Member = dissem::Member;
  using AlsoInTxn = std::function<Status(store::WriteTxn&)>;

  Impl(Hub& hub, MessagingOptions options);
  ~Impl();

  void SetSink(PushSink* sink) { sink_.store(sink); }
  void SetWebhookOutbox(WebhookOutbox* outbox) { outbox_.store(outbox); }
  Status Start();
  void Flush();
  std::string Metrics();

  // messages_send.cc
  void Send(const policy::Reader& sender, const boost::json::object& body, SendDone done);
  void SendFromHub(HubMessage hm, DoneWith done);

  // messages_delivery.cc
  enum class Change { kReceived, kRead, kAcknowledged };
  void Apply(const policy::Reader& reader, std::string id, Change change, std::string session,
             DoneStatus done);

  // messages_read.cc
  Result<std::vector<dissem::OutgoingFrame>> Pending(const policy::Reader& reader);
  Result<std::string> View(const policy::Reader& reader, std::string_view id);
  Result<std::string> List(const policy::Reader& reader, bool sent, std::size_t limit,
                           std::size_t offset);
  Result<std::string> FrameFor(const policy::Reader& to, std::string_view message_id, int realert,
                               std::string_view escalated_for);

  // messages_escalation.cc
  std::vector<dissem::DeliveryAction> Tick();

  internal::WatchRules& watches() { return watches_; }

 private:
  // messages.cc: webhook outbox rows for one frame to `to` (none without webhooks), and their
  // hand-over once durable.
  std::vector<store::WebhookDelivery> HookRows(const Member& to, const std::string& message_id,
                                               int realert, const std::string& escalated_for);
  void HooksEnqueued(const std::vector<store::WebhookDelivery>& rows);
  void DrainSamples();

  // messages_send.cc
  void StoreAndPush(const policy::Reader& writer, dissem::Message m, std::vector<Member> recipients,
                    dissem::EffectiveReleasability effective, dissem::MessageMarkings marked,
                    AlsoInTxn extra, std::string action, DoneWith done);
  dissem::EffectiveReleasability EffectiveOf(const dissem::Message& m, const Member& sender);
  std::function<bool(const policy::Reader&)> ReadsRefs(std::vector<std::string> refs);
  void Push(std::int64_t user_id, dissem::OutgoingFrame frame);
  void PushMessage(const Member& to, const store::MessageRecord& record, int realert,
                   const std::string& escalated_for);
  void PushToAll(const std::vector<Member>& to, const store::MessageRecord& record);
  bool SenderOnline(const std::string& id);
  void NotifySender(const dissem::MessageDelivery& before, const dissem::MessageDelivery& after);

  // messages_delivery.cc
  Result<bool> EnsureTracked(const std::string& id);
  void Persist(const std::string& id, const policy::Reader& actor, std::string action,
               DoneStatus done, bool own_rows_only = false,
               std::vector<store::WebhookDelivery> hooks = {});
  void PersistReceived(const std::string& id, std::int64_t user_id, DoneStatus done);
  static bool Settled(const dissem::MessageDelivery& d);

  // messages_escalation.cc
  std::vector<Member> AlternatesOf(const Member& m);
  void TimerLoop();

  Hub& hub_;
  const MessagingOptions options_;
  dissem::DeliveryTracker tracker_;
  std::atomic<PushSink*> sink_{nullptr};
  std::atomic<WebhookOutbox*> outbox_{nullptr};
  internal::PendingWrites writes_;
  internal::DeliveryMetrics metrics_;
  internal::WatchRules watches_;

  // `received` confirmations waiting for their batched write (PersistReceived).
  struct Confirmation {
    std::string id;
    std::int64_t user_id = 0;
    DoneStatus done;
  };
  Mutex confirm_mu_;
  std::vector<Confirmation> confirms_ TANSIQ_GUARDED_BY(confirm_mu_);
  bool confirm_job_queued_ TANSIQ_GUARDED_BY(confirm_mu_) = false;

  Mutex mu_;
  CondVar wake_;
  bool stopping_ TANSIQ_GUARDED_BY(mu_) = false;
  std::thread timer_;
};

}  // namespace tansiq::hub
