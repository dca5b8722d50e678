// The delivery state machine, deadlines and escalation.
#include "dissem/delivery.h"

#include <algorithm>
#include <utility>

namespace tansiq::dissem {
namespace {

constexpr std::string_view kNotRecipient = "no such message for this recipient";

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string_view DeliveryStateName(DeliveryState s) {
  switch (s) {
    case DeliveryState::kQueued:
      return "queued";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kRead:
      return "read";
    case DeliveryState::kAcknowledged:
      return "acknowledged";
  }
  return "queued";
}

std::string_view DisplayState(const RecipientDelivery& r) {
  if (r.state != DeliveryState::kAcknowledged && r.escalated_at != 0 && r.covered_by.empty()) {
    return "escalated";
  }
  return DeliveryStateName(r.state);
}

DeliveryTracker::DeliveryTracker(const Clock& clock, DeliveryPolicy policy, AlternatesOf alternates)
    : clock_(clock), policy_(std::move(policy)), alternates_(std::move(alternates)) {}

Result<bool> DeliveryTracker::Send(const Message& message, std::span<const Member> recipients,
                                   EffectiveReleasability effective) {
  if (message.id.empty()) return InvalidArgument("message without id");
  if (recipients.empty()) return InvalidArgument("message without recipients");
  const Micros now = clock_.NowMicros();
  MutexLock lock(mu_);
  if (messages_.contains(message.id)) return false;

  Tracked t;
  t.effective = std::move(effective);
  MessageDelivery& d = t.delivery;
  d.message_id = message.id;
  d.precedence = message.precedence;
  d.sender = Member{message.sender_user_id, message.sender_user, message.sender_party, 0, false};
  d.sent_at = message.sent_at != 0 ? message.sent_at : now;
  const Micros ack = policy_.ack_deadline[Index(message.precedence)];
  d.recipients.reserve(recipients.size());
  t.index.reserve(recipients.size());
  for (const Member& m : recipients) {
    if (t.index.contains(m.user_id)) continue;
    RecipientDelivery r;
    r.recipient = m;
    r.queued_at = now;
    AddRecipient(t, std::move(r));
  }
  auto [it, inserted] = messages_.emplace(message.id, std::move(t));
  if (ack > 0) {
    for (RecipientDelivery& r : it->second.delivery.recipients) {
      SetDeadline(message.id, r, it->second.delivery.sent_at + ack);
    }
  }
  return inserted;
}

Result<bool> DeliveryTracker::Restore(MessageDelivery delivery, EffectiveReleasability effective) {
  if (delivery.message_id.empty()) return InvalidArgument("message without id");
  MutexLock lock(mu_);
  if (messages_.contains(delivery.message_id)) return false;
  const std::string id = delivery.message_id;
  Tracked t{std::move(delivery), std::move(effective), {}};
  for (std::size_t i = 0; i < t.delivery.recipients.size(); ++i) {
    t.index.emplace(t.delivery.recipients[i].recipient.user_id, i);
  }
  auto [it, inserted] = messages_.emplace(id, std::move(t));
  for (RecipientDelivery& r : it->second.delivery.recipients) {
    const Micros deadline = r.acknowledged_at == 0 ? r.deadline : 0;
    r.deadline = 0;
    SetDeadline(id, r, deadline);
  }
  return inserted;
}

RecipientDelivery* DeliveryTracker::FindRecipient(Tracked& t, std::int64_t user_id) {
  auto it = t.index.find(user_id);
  return it == t.index.end() ? nullptr : &t.delivery.recipients[it->second];
}

void DeliveryTracker::AddRecipient(Tracked& t, RecipientDelivery r) {
  t.index.emplace(r.recipient.user_id, t.delivery.recipients.size());
  t.delivery.recipients.push_back(std::move(r));
}

Result<RecipientDelivery*> DeliveryTracker::Lookup(std::string_view message_id,
                                                   std::int64_t user_id, Tracked** tracked) {
  auto it = messages_.find(message_id);
  if (it == messages_.end()) return NotFound(std::string(kNotRecipient));
  RecipientDelivery* r = FindRecipient(it->second, user_id);
  if (r == nullptr) return NotFound(std::string(kNotRecipient));
  *tracked = &it->second;
  return r;
}

void DeliveryTracker::SetDeadline(const std::string& message_id, RecipientDelivery& r,
                                  Micros deadline) {
  if (r.deadline != 0) deadlines_.erase({r.deadline, message_id, r.recipient.user_id});
  r.deadline = deadline;
  if (deadline != 0) deadlines_.insert({deadline, message_id, r.recipient.user_id});
}

void DeliveryTracker::Sample(Precedence p, LatencySample::Kind kind, Micros latency) {
  if (samples_.size() >= policy_.max_latency_samples) {
    ++dropped_samples_;
    return;
  }
  samples_.push_back({p, kind, std::max<Micros>(latency, 0)});
}

void DeliveryTracker::MarkDelivered(const Tracked& t, RecipientDelivery& r, Micros now) {
  if (r.delivered_at != 0) return;
  r.delivered_at = now;
  if (r.state == DeliveryState::kQueued) r.state = DeliveryState::kDelivered;
  Sample(t.delivery.precedence, LatencySample::Kind::kDelivered, now - t.delivery.sent_at);
}

template <typename Fn>
Status DeliveryTracker::Update(std::string_view message_id, std::int64_t user_id, Fn fn) {
  const Micros now = clock_.NowMicros();
  MutexLock lock(mu_);
  Tracked* t = nullptr;
  Result<RecipientDelivery*> r = Lookup(message_id, user_id, &t);
  if (!r.ok()) return r.status();
  fn(*t, **r, now);
  return Status::Ok();
}

Status DeliveryTracker::Delivered(std::string_view message_id, std::int64_t user_id,
                                  std::string_view session) {
  return Update(message_id, user_id,
                [&](Tracked& t, RecipientDelivery& r, Micros now) TANSIQ_REQUIRES(mu_) {
                  MarkDelivered(t, r, now);
                  if (!session.empty() && !Contains(r.sessions, session))
                    r.sessions.emplace_back(session);
                });
}

Status DeliveryTracker::Read(std::string_view message_id, std::int64_t user_id) {
  return Update(message_id, user_id,
                [&](Tracked& t, RecipientDelivery& r, Micros now) TANSIQ_REQUIRES(mu_) {
                  MarkDelivered(t, r, now);
                  if (r.read_at == 0) {
                    r.read_at = now;
                    if (r.state == DeliveryState::kDelivered) r.state = DeliveryState::kRead;
                  }
                });
}

Status DeliveryTracker::Acknowledge(std::string_view message_id, std::int64_t user_id) {
  return Update(
      message_id, user_id, [&](Tracked& t, RecipientDelivery& r, Micros now) TANSIQ_REQUIRES(mu_) {
        if (r.acknowledged_at != 0) return;
        MarkDelivered(t, r, now);
        if (r.read_at == 0) r.read_at = now;
        r.acknowledged_at = now;
        r.state = DeliveryState::kAcknowledged;
        Sample(t.delivery.precedence, LatencySample::Kind::kAcknowledged, now - t.delivery.sent_at);
        SetDeadline(t.delivery.message_id, r, 0);
        if (!r.alternate_for.empty()) {
          for (RecipientDelivery& principal : t.delivery.recipients) {
            if (principal.recipient.name != r.alternate_for) continue;
            if (principal.acknowledged_at == 0 && principal.covered_by.empty()) {
              principal.covered_by = r.recipient.name;
              SetDeadline(t.delivery.message_id, principal, 0);
            }
          }
        }
      });
}

void DeliveryTracker::HandleMissed(Tracked& t, RecipientDelivery& r, Micros deadline, Micros now,
                                   std::vector<DeliveryAction>& actions) {
  MessageDelivery& d = t.delivery;
  ++r.realerts;
  const bool first = r.escalated_at == 0;
  if (first) r.escalated_at = now;

  DeliveryAction base;
  base.message_id = d.message_id;
  base.precedence = d.precedence;
  base.recipient = r.recipient.name;
  base.deadline = deadline;
  base.realert = r.realerts;

  DeliveryAction realert = base;
  realert.kind = DeliveryAction::Kind::kReAlert;
  realert.target = r.recipient;
  actions.push_back(std::move(realert));

  DeliveryAction notify = base;
  notify.kind = DeliveryAction::Kind::kNotifySender;
  notify.target = d.sender;

  // Escalate once, on the first missed deadline. Copy what is needed from `r` first:
  // adding alternates to d.recipients may reallocate it.
  const Member principal = r.recipient;
  const std::string message_id = d.message_id;
  const int realerts = r.realerts;
  if (first && alternates_) {
    std::vector<std::string> escalated_to;
    std::vector<std::string> withheld;
    for (const Member& alt : alternates_(principal)) {
      if (alt.disabled || alt.user_id == principal.user_id) continue;
      if (Contains(escalated_to, alt.name) || Contains(withheld, alt.name)) continue;
      if (!t.effective.Allows(alt.AsReader())) {
        withheld.push_back(alt.name);
        continue;
      }
      escalated_to.push_back(alt.name);
      if (FindRecipient(t, alt.user_id) == nullptr) {
        RecipientDelivery added;
        added.recipient = alt;
        added.alternate_for = principal.name;
        added.queued_at = now;
        AddRecipient(t, std::move(added));
      }
      DeliveryAction escalate = base;
      escalate.kind = DeliveryAction::Kind::kEscalate;
      escalate.target = alt;
      actions.push_back(std::move(escalate));
    }
    RecipientDelivery* self = FindRecipient(t, principal.user_id);
    self->escalated_to = escalated_to;
    self->withheld_from = withheld;
    notify.escalated_to = std::move(escalated_to);
    notify.withheld_from = std::move(withheld);
  }
  actions.push_back(std::move(notify));

  RecipientDelivery* self = FindRecipient(t, principal.user_id);
  const Micros interval = policy_.realert_interval[Index(d.precedence)];
  const bool more = realerts < policy_.max_realerts && interval > 0;
  self->deadline = 0;  // the handled key was already removed from deadlines_
  if (more) SetDeadline(message_id, *self, now + interval);
}

std::vector<DeliveryAction> DeliveryTracker::Tick() {
  const Micros now = clock_.NowMicros();
  std::vector<DeliveryAction> actions;
  MutexLock lock(mu_);
  while (!deadlines_.empty() && std::get<0>(*deadlines_.begin()) <= now) {
    const auto [deadline, message_id, user_id] = *deadlines_.begin();
    deadlines_.erase(deadlines_.begin());
    auto it = messages_.find(message_id);
    if (it == messages_.end()) continue;
    RecipientDelivery* r = FindRecipient(it->second, user_id);
    if (r == nullptr || r->deadline != deadline || r->acknowledged_at != 0) continue;
    HandleMissed(it->second, *r, deadline, now, actions);
  }
  return actions;
}

std::optional<Micros> DeliveryTracker::NextDeadline() const {
  MutexLock lock(mu_);
  if (deadlines_.empty()) return std::nullopt;
  return std::get<0>(*deadlines_.begin());
}

std::optional<MessageDelivery> DeliveryTracker::Find(std::string_view message_id) const {
  MutexLock lock(mu_);
  auto it = messages_.find(message_id);
  if (it == messages_.end()) return std::nullopt;
  return it->second.delivery;
}

bool DeliveryTracker::Tracks(std::string_view message_id) const {
  MutexLock lock(mu_);
  return messages_.find(message_id) != messages_.end();
}

std::optional<MessageDelivery> DeliveryTracker::FindFor(std::string_view message_id,
                                                        std::int64_t user_id) const {
  MutexLock lock(mu_);
  auto it = messages_.find(message_id);
  if (it == messages_.end()) return std::nullopt;
  const MessageDelivery& d = it->second.delivery;
  MessageDelivery out{d.message_id, d.precedence, d.sender, d.sent_at, {}};
  if (auto row = it->second.index.find(user_id); row != it->second.index.end()) {
    out.recipients.push_back(d.recipients[row->second]);
  }
  return out;
}

std::vector<LatencySample> DeliveryTracker::TakeLatencySamples(std::size_t* dropped) {
  MutexLock lock(mu_);
  if (dropped != nullptr) *dropped = dropped_samples_;
  dropped_samples_ = 0;
  return std::exchange(samples_, {});
}

void DeliveryTracker::Forget(std::string_view message_id) {
  ForgetIf(message_id, [](const MessageDelivery&) { return true; });
}

bool DeliveryTracker::ForgetIf(std::string_view message_id,
                               const std::function<bool(const MessageDelivery&)>& settled) {
  MutexLock lock(mu_);
  auto it = messages_.find(message_id);
  if (it == messages_.end() || !settled(it->second.delivery)) return false;
  for (RecipientDelivery& r : it->second.delivery.recipients) {
    SetDeadline(it->second.delivery.message_id, r, 0);
  }
  messages_.erase(it);
  return true;
}

std::size_t DeliveryTracker::size() const {
  MutexLock lock(mu_);
  return messages_.size();
}

}  // namespace tansiq::dissem
