// Recipient state changes (received, read, acknowledged) and their durable rows: each change
// persisted as a snapshot of the tracker read inside the write job; `received` confirmations
// batched into one job; messages loaded into the tracker on demand.
#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/json.hpp>

#include "hub/internal/message_records.h"
#include "hub/internal/messenger_impl.h"

namespace tansiq::hub {

namespace json = boost::json;
using dissem::MessageDelivery;
using dissem::RecipientDelivery;
using internal::FromRecord;
using internal::MessageFromJson;
using internal::ToMember;
using internal::ToRecord;

void Messenger::Impl::Apply(const policy::Reader& reader, std::string id, Change change,
                            std::string session, DoneStatus done) {
  writes_.Begin(id);  // before touching the tracker: nothing forgets this message meanwhile
  auto known = EnsureTracked(id);
  if (!known.ok() || !*known) {
    writes_.End(id);
    return done(known.ok() ? NotFound(std::string(kNoSuchMessage)) : known.status());
  }
  // Received and read change only the reader's own rows; an acknowledgement can also cover
  // a principal (an alternate's ack), so it looks at (and writes) every row of the message.
  // Copying all N rows per confirmation would make one message to N recipients cost N².
  const bool own_rows_only = change != Change::kAcknowledged;
  // The before/after snapshots only feed the sender's status frames: none while the sender
  // is offline (they would go nowhere; View shows the states). The sender is known only
  // once the message is tracked, which EnsureTracked made sure of.
  const bool notify = SenderOnline(id);
  auto snapshot = [&]() -> std::optional<MessageDelivery> {
    if (!notify) return std::nullopt;
    return own_rows_only ? tracker_.FindFor(id, reader.user_id) : tracker_.Find(id);
  };
  std::optional<MessageDelivery> before = snapshot();
  Status s;
  switch (change) {
    case Change::kReceived:
      s = tracker_.Delivered(id, reader.user_id, session);
      break;
    case Change::kRead:
      s = tracker_.Read(id, reader.user_id);
      break;
    case Change::kAcknowledged:
      s = tracker_.Acknowledge(id, reader.user_id);
      break;
  }
  if (!s.ok()) {
    writes_.End(id);
    return done(s.code() == ErrorCode::kNotFound ? NotFound(std::string(kNoSuchMessage)) : s);
  }
  std::optional<MessageDelivery> after = snapshot();
  if (before && after) NotifySender(*before, *after);
  if (change == Change::kReceived) return PersistReceived(id, reader.user_id, std::move(done));
  Persist(id, reader, change == Change::kAcknowledged ? "message.ack" : "", std::move(done),
          own_rows_only);
}

// Loads message `id` into the tracker if it is not there; false when no such message.
Result<bool> Messenger::Impl::EnsureTracked(const std::string& id) {
  if (tracker_.Tracks(id)) return true;  // not Find: that copies all N rows
  auto record = hub_.store().GetMessage(id);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return false;
  auto rows = hub_.store().Deliveries(id);
  if (!rows.ok()) return rows.status();
  dissem::Message m = MessageFromJson(**record);
  MessageDelivery d;
  d.message_id = m.id;
  d.precedence = m.precedence;
  d.sent_at = m.sent_at;
  d.sender.user_id = m.sender_user_id;
  d.sender.name = m.sender_user;
  auto sender = hub_.store().UserById(m.sender_user_id);
  if (sender.ok() && sender->has_value()) d.sender = ToMember(**sender);
  for (const auto& row : *rows) d.recipients.push_back(FromRecord(row));
  auto restored = tracker_.Restore(std::move(d), EffectiveOf(m, d.sender));
  if (!restored.ok()) return restored.status();
  return true;
}

// Writes the tracker's current rows of message `id` (read when the job runs, so a later job
// never writes an older state): every recipient's, or with `own_rows_only` just the actor's
// (a delivery confirmation must not rewrite all N rows: N confirmations of one message
// would write N² rows). With an audit record when `action` is set. The caller has called
// writes_.Begin.
// `hooks`: webhook outbox rows the change causes (escalation copies), written with it.
void Messenger::Impl::Persist(const std::string& id, const policy::Reader& actor,
                              std::string action, DoneStatus done, bool own_rows_only,
                              std::vector<store::WebhookDelivery> hooks) {
  auto dir = hub_.directory();
  const store::Party* party = dir->PartyByIndex(actor.party);
  std::string party_code = party ? party->code : "-";
  hub_.store().Submit(
      [this, id, actor, action, party_code, own_rows_only, hooks](store::WriteTxn& txn) -> Status {
        for (const auto& hook : hooks) TANSIQ_RETURN_IF_ERROR(txn.PutWebhookDelivery(hook));
        std::optional<MessageDelivery> d =
            own_rows_only ? tracker_.FindFor(id, actor.user_id) : tracker_.Find(id);
        if (!d) return Status::Ok();
        for (const RecipientDelivery& r : d->recipients) {
          TANSIQ_RETURN_IF_ERROR(txn.PutDelivery(ToRecord(id, r)));
        }
        if (action.empty()) return Status::Ok();
        return hub_.auditor().Append(txn, {{actor.user_name, party_code, action, id, "ok"}});
      },
      [this, id, hooks, done = std::move(done)](Status s) {
        if (s.ok()) HooksEnqueued(hooks);
        done(s);
        writes_.End(id);
      });
}

// Writes the row of a `received` confirmation. Confirmations arrive by the thousand per
// message (one per recipient session), so they are batched: one store job, submitted by the
// first confirmation while none is queued, writes the rows of every confirmation gathered
// until it runs (one savepoint for all, inside the store's group commit) and answers each
// of them once that commit is durable. Nothing is answered before its row is durable; a
// failed batch answers every confirmation in it with the error. The caller has called
// writes_.Begin(id).
void Messenger::Impl::PersistReceived(const std::string& id, std::int64_t user_id,
                                      DoneStatus done) {
  {
    MutexLock lock(confirm_mu_);
    confirms_.push_back({id, user_id, std::move(done)});
    if (confirm_job_queued_) return;
    confirm_job_queued_ = true;
  }
  struct Batch {
    std::vector<Confirmation> taken;
    bool ran = false;
  };
  auto batch = std::make_shared<Batch>();
  auto take = [this, batch] {
    MutexLock lock(confirm_mu_);
    batch->ran = true;
    batch->taken.swap(confirms_);
    confirm_job_queued_ = false;
  };
  hub_.store().Submit(
      [this, batch, take](store::WriteTxn& txn) -> Status {
        take();
        for (const Confirmation& c : batch->taken) {
          std::optional<MessageDelivery> d = tracker_.FindFor(c.id, c.user_id);
          if (!d) continue;
          for (const RecipientDelivery& r : d->recipients) {
            TANSIQ_RETURN_IF_ERROR(txn.PutDelivery(ToRecord(c.id, r)));
          }
        }
        return Status::Ok();
      },
      [this, batch, take](Status s) {
        if (!batch->ran) take();  // the job never ran (store closing): answer them all
        for (Confirmation& c : batch->taken) {
          c.done(s);
          writes_.End(c.id);
        }
      });
}

// A message is forgotten (reloaded on demand) once nothing is pending for it: every
// recipient has it and no acknowledgement deadline is open.
bool Messenger::Impl::Settled(const MessageDelivery& d) {
  return std::all_of(d.recipients.begin(), d.recipients.end(), [](const RecipientDelivery& r) {
    return r.delivered_at != 0 && r.deadline == 0;
  });
}

}  // namespace tansiq::hub
