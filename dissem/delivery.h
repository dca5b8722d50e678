// Per-recipient delivery tracking: queued → delivered → read → acknowledged, ack deadlines
// by precedence, re-alerts and escalation to alternates, latency samples for metrics. Pure:
// time comes from an injected Clock; persisting the state changes is the caller's job.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/mutex.h"
#include "base/status.h"
#include "dissem/message.h"
#include "dissem/recipients.h"

namespace tansiq::dissem {

inline constexpr Micros kMinute = 60'000'000;

// How far one recipient has got with one message. Only moves forward.
enum class DeliveryState { kQueued, kDelivered, kRead, kAcknowledged };
std::string_view DeliveryStateName(DeliveryState s);  // "queued", "delivered", ...

// Deadlines and limits. Value type; a hub sets it from its configuration.
struct DeliveryPolicy {
  // Time from sending by which a recipient must acknowledge; 0: no acknowledgement required.
  std::array<Micros, kPrecedenceCount> ack_deadline = {10 * kMinute, 30 * kMinute, 0, 0};
  // After a missed deadline, the next re-alert falls due this long after the one just made.
  std::array<Micros, kPrecedenceCount> realert_interval = {5 * kMinute, 15 * kMinute, 0, 0};
  // Re-alerts per recipient, the first (which also escalates to alternates) included.
  int max_realerts = 3;
  // Latency samples kept until TakeLatencySamples; later ones are counted as dropped.
  std::size_t max_latency_samples = 100'000;
};

// One recipient's state with the time of each step (0: not yet). Value type.
struct RecipientDelivery {
  Member recipient;
  std::string alternate_for;  // set on an alternate added by escalation: whose alternate
  DeliveryState state = DeliveryState::kQueued;
  Micros queued_at = 0;
  Micros delivered_at = 0;  // first delivery to any session (or the first read/ack)
  Micros read_at = 0;
  Micros acknowledged_at = 0;
  Micros escalated_at = 0;  // the first missed deadline
  Micros deadline = 0;      // the next pending ack deadline; 0: none pending
  int realerts = 0;
  std::vector<std::string> sessions;       // sessions the message was delivered to
  std::vector<std::string> escalated_to;   // alternates alerted
  std::vector<std::string> withheld_from;  // alternates outside the releasability: not alerted
  std::string covered_by;                  // the alternate whose acknowledgement stood in
  bool operator==(const RecipientDelivery&) const = default;
};

// "escalated" for an escalated recipient not yet acknowledged (nor covered); else the state.
std::string_view DisplayState(const RecipientDelivery& r);

// Everything known about one message's delivery (for GET /api/v1/messages/{id}).
struct MessageDelivery {
  std::string message_id;
  Precedence precedence = Precedence::kRoutine;
  Member sender;
  Micros sent_at = 0;
  std::vector<RecipientDelivery> recipients;  // in send order; escalation alternates last
};

// Something the caller must do now, returned by Tick.
struct DeliveryAction {
  enum class Kind {
    kReAlert,       // alert `target` (a recipient) again: their deadline passed
    kEscalate,      // deliver the message to `target`, an alternate of `recipient`
    kNotifySender,  // tell `target` (the sender) that `recipient` missed a deadline
  };
  Kind kind = Kind::kReAlert;
  std::string message_id;
  Precedence precedence = Precedence::kRoutine;
  Member target;
  std::string recipient;  // whose deadline was missed
  Micros deadline = 0;    // the deadline that was missed
  int realert = 0;        // 1 for the first missed deadline (the escalation), 2, ...
  // kNotifySender: the alternates alerted, and those withheld by releasability.
  std::vector<std::string> escalated_to;
  std::vector<std::string> withheld_from;
  bool operator==(const DeliveryAction&) const = default;
};

// One latency observation for the metrics histograms.
struct LatencySample {
  enum class Kind { kDelivered, kAcknowledged };  // send→delivered, send→acknowledged
  Precedence precedence = Precedence::kRoutine;
  Kind kind = Kind::kDelivered;
  Micros latency = 0;
  bool operator==(const LatencySample&) const = default;
};

// The alternates of a recipient (store::User::alternates resolved to members). Called with
// the tracker's lock held: it must not call back into the tracker.
using AlternatesOf = std::function<std::vector<Member>(const Member& recipient)>;

// Tracks the delivery of every message in flight. Owned by the server (one per hub process);
// the clock and the alternates callback must outlive it. Thread-safe: every member function
// takes one internal mutex, so sessions, the REST handlers and the ticking timer may call it
// concurrently. At-least-once delivery is de-duplicated here: repeated Send, Delivered, Read
// and Acknowledge calls for the same message and recipient change nothing.
class DeliveryTracker {
 public:
  DeliveryTracker(const Clock& clock, DeliveryPolicy policy, AlternatesOf alternates);
  DeliveryTracker(const DeliveryTracker&) = delete;
  DeliveryTracker& operator=(const DeliveryTracker&) = delete;

  // Starts tracking `message` (its id, precedence, sender, sent_at — the clock when 0) for
  // `recipients`, all queued. `effective` is what the send was checked against; alternates
  // outside it are never alerted. Returns false, changing nothing, when the id is already
  // tracked (a retried send); InvalidArgument for an empty id or no recipients.
  Result<bool> Send(const Message& message, std::span<const Member> recipients,
                    EffectiveReleasability effective);

  // The message reached `session` of the recipient (a pushed frame confirmed, or a REST
  // fetch). The first delivery sets delivered_at. NotFound for an unknown message or a user
  // who is not one of its recipients (the same text for both).
  Status Delivered(std::string_view message_id, std::int64_t user_id, std::string_view session);
  // Resumes tracking a message from its stored state (after a restart, or when a message no
  // longer in memory is touched again): recipients keep their states, times and pending
  // deadlines. Returns false, changing nothing, when the id is already tracked.
  Result<bool> Restore(MessageDelivery delivery, EffectiveReleasability effective);

  // The recipient opened it (implies delivered).
  Status Read(std::string_view message_id, std::int64_t user_id);
  // The recipient acknowledged it (implies delivered and read); stops their re-alerts. An
  // alternate's acknowledgement also stops the re-alerts of the recipient they stand in for.
  Status Acknowledge(std::string_view message_id, std::int64_t user_id);

  // The actions due at the clock's current time: for each deadline passed and not yet
  // handled, in deadline order: a re-alert of the recipient; on their first missed deadline
  // also an escalation to each alternate within the releasability (alternates are added as
  // recipients without deadlines of their own: escalation is one level deep); and a sender
  // notification. Each deadline is handled once; after a long pause a recipient gets one
  // re-alert, not one per interval missed.
  std::vector<DeliveryAction> Tick();

  // The earliest pending deadline (for the caller's timer); nullopt when none.
  std::optional<Micros> NextDeadline() const;

  std::optional<MessageDelivery> Find(std::string_view message_id) const;
  // Whether `message_id` is tracked (no copy).
  bool Tracks(std::string_view message_id) const;
  // Find with only the rows of recipient `user_id` (none when not a recipient): a delivery
  // confirmation looks at its own rows without copying all N of them.
  std::optional<MessageDelivery> FindFor(std::string_view message_id, std::int64_t user_id) const;
  // Latency samples since the last call (oldest first), and how many were dropped because
  // max_latency_samples was reached.
  std::vector<LatencySample> TakeLatencySamples(std::size_t* dropped = nullptr);
  // Stops tracking a message (e.g. once its history is durable and no deadline is pending).
  void Forget(std::string_view message_id);
  // Forget, when `settled` says so of the message as tracked (evaluated under the lock, no
  // copy). Returns whether it was forgotten.
  bool ForgetIf(std::string_view message_id,
                const std::function<bool(const MessageDelivery&)>& settled);
  std::size_t size() const;

 private:
  struct Tracked {
    MessageDelivery delivery;
    EffectiveReleasability effective;
    // user id → position in delivery.recipients: a confirmation finds its row in O(1), not
    // by a scan of all N rows (N confirmations of one message would cost N²).
    std::unordered_map<std::int64_t, std::size_t> index;
  };
  using DeadlineKey = std::tuple<Micros, std::string, std::int64_t>;  // deadline, id, user

  static RecipientDelivery* FindRecipient(Tracked& t, std::int64_t user_id);
  static void AddRecipient(Tracked& t, RecipientDelivery r);
  Result<RecipientDelivery*> Lookup(std::string_view message_id, std::int64_t user_id,
                                    Tracked** tracked) TANSIQ_REQUIRES(mu_);
  // Locks, finds `user_id`'s delivery of `message_id` and applies fn(tracked, delivery, now).
  template <typename Fn>
  Status Update(std::string_view message_id, std::int64_t user_id, Fn fn);
  void MarkDelivered(const Tracked& t, RecipientDelivery& r, Micros now) TANSIQ_REQUIRES(mu_);
  void SetDeadline(const std::string& message_id, RecipientDelivery& r, Micros deadline)
      TANSIQ_REQUIRES(mu_);
  void Sample(Precedence p, LatencySample::Kind kind, Micros latency) TANSIQ_REQUIRES(mu_);
  void HandleMissed(Tracked& t, RecipientDelivery& r, Micros deadline, Micros now,
                    std::vector<DeliveryAction>& actions) TANSIQ_REQUIRES(mu_);

  const Clock& clock_;
  const DeliveryPolicy policy_;
  const AlternatesOf alternates_;

  mutable Mutex mu_;
  std::map<std::string, Tracked, std::less<>> messages_ TANSIQ_GUARDED_BY(mu_);
  std::set<DeadlineKey> deadlines_ TANSIQ_GUARDED_BY(mu_);
  std::vector<LatencySample> samples_ TANSIQ_GUARDED_BY(mu_);
  std::size_t dropped_samples_ TANSIQ_GUARDED_BY(mu_) = 0;
};

}  // namespace tansiq::dissem
