// Tests for dissem/delivery.h: the state machine and its timestamps, de-duplication, ack
// deadlines per precedence, re-alerts, escalation to alternates (within releasability, once
// per deadline), sender notification and latency samples. Time is a ManualClock.
#include "dissem/delivery.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

namespace tansiq::dissem {
namespace {

using Kind = DeliveryAction::Kind;
using policy::Bit;

constexpr Micros kStart = 1'700'000'000'000'000;
constexpr Micros kSecond = 1'000'000;

const Member kSender = {1, "amal", 0, policy::kOfficer, false};
const Member kJamil = {3, "jamil", 1, policy::kRecipient, false};
const Member kUna = {7, "una", 3, policy::kRecipient, false};
const Member kJana = {4, "jana", 1, policy::kRecipient, false};        // jamil's alternate
const Member kFleur = {5, "fleur", 2, policy::kRecipient, false};      // outside (party 2)
const Member kOff = {9, "off", 1, policy::kRecipient, true};           // disabled
const Member kUlysses = {8, "ulysses", 3, policy::kRecipient, false};  // una's alternate

// Releasable to parties 0, 1, 3 — not 2.
EffectiveReleasability Effective() {
  policy::Releasability r;
  r.originator = 0;
  r.parties = Bit(0) | Bit(1) | Bit(3);
  return {{r}};
}

std::vector<Member> AlternatesOfUser(const Member& m) {
  if (m.user_id == kJamil.user_id) return {kJana, kFleur, kOff, kJamil, kJana};
  if (m.user_id == kUna.user_id) return {kUlysses};
  return {};
}

Message Msg(std::string id, Precedence p) {
  Message m;
  m.id = std::move(id);
  m.precedence = p;
  m.subject = "s";
  m.sender_user_id = kSender.user_id;
  m.sender_user = kSender.name;
  m.sender_party = kSender.party;
  return m;
}

class DeliveryTest : public ::testing::Test {
 protected:
  DeliveryTest() : clock_(kStart), tracker_(clock_, DeliveryPolicy{}, AlternatesOfUser) {}

  void SendTo(const std::string& id, Precedence p, std::vector<Member> recipients) {
    Result<bool> r = tracker_.Send(Msg(id, p), recipients, Effective());
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_TRUE(*r);
  }
  RecipientDelivery StateOf(const std::string& id, std::int64_t user) {
    std::optional<MessageDelivery> d = tracker_.Find(id);
    EXPECT_TRUE(d.has_value());
    if (d) {
      for (const RecipientDelivery& r : d->recipients) {
        if (r.recipient.user_id == user) return r;
      }
    }
    ADD_FAILURE() << "no recipient " << user;
    return {};
  }

  ManualClock clock_;
  DeliveryTracker tracker_;
};

TEST_F(DeliveryTest, StatesMoveForwardWithTimestamps) {
  SendTo("m1", Precedence::kRoutine, {kJamil});
  RecipientDelivery r = StateOf("m1", kJamil.user_id);
  EXPECT_EQ(r.state, DeliveryState::kQueued);
  EXPECT_EQ(r.queued_at, kStart);
  EXPECT_EQ(r.delivered_at, 0);
  EXPECT_EQ(DisplayState(r), "queued");

  clock_.Advance(2 * kSecond);
  ASSERT_TRUE(tracker_.Delivered("m1", kJamil.user_id, "s1").ok());
  clock_.Advance(3 * kSecond);
  ASSERT_TRUE(tracker_.Read("m1", kJamil.user_id).ok());
  clock_.Advance(4 * kSecond);
  ASSERT_TRUE(tracker_.Acknowledge("m1", kJamil.user_id).ok());

  r = StateOf("m1", kJamil.user_id);
  EXPECT_EQ(r.state, DeliveryState::kAcknowledged);
  EXPECT_EQ(r.delivered_at, kStart + 2 * kSecond);
  EXPECT_EQ(r.read_at, kStart + 5 * kSecond);
  EXPECT_EQ(r.acknowledged_at, kStart + 9 * kSecond);
  EXPECT_EQ(r.sessions, std::vector<std::string>{"s1"});
  EXPECT_EQ(DisplayState(r), "acknowledged");
}

TEST_F(DeliveryTest, FindForCopiesOnlyThatRecipientsRows) {
  SendTo("m1", Precedence::kFlash, {kJamil, kUna, kJana});
  clock_.Advance(kSecond);
  ASSERT_TRUE(tracker_.Delivered("m1", kUna.user_id, "s1").ok());
  std::optional<MessageDelivery> d = tracker_.FindFor("m1", kUna.user_id);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->message_id, "m1");
  EXPECT_EQ(d->precedence, Precedence::kFlash);
  EXPECT_EQ(d->sender, tracker_.Find("m1")->sender);
  EXPECT_EQ(d->sent_at, kStart);
  ASSERT_EQ(d->recipients.size(), 1u);
  EXPECT_EQ(d->recipients[0], StateOf("m1", kUna.user_id));
  EXPECT_EQ(d->recipients[0].delivered_at, kStart + kSecond);
  // Not a recipient: the message, no rows. Unknown message: nothing.
  std::optional<MessageDelivery> none = tracker_.FindFor("m1", kFleur.user_id);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->recipients.empty());
  EXPECT_FALSE(tracker_.FindFor("m2", kUna.user_id).has_value());
}

TEST_F(DeliveryTest, ForgetIfForgetsOnlyWhenSettled) {
  SendTo("m1", Precedence::kRoutine, {kJamil, kUna});
  auto all_delivered = [](const MessageDelivery& d) {
    for (const RecipientDelivery& r : d.recipients) {
      if (r.delivered_at == 0) return false;
    }
    return true;
  };
  ASSERT_TRUE(tracker_.Delivered("m1", kJamil.user_id, "s1").ok());
  EXPECT_FALSE(tracker_.ForgetIf("m1", all_delivered));
  EXPECT_TRUE(tracker_.Find("m1").has_value());
  ASSERT_TRUE(tracker_.Delivered("m1", kUna.user_id, "s2").ok());
  EXPECT_TRUE(tracker_.Tracks("m1"));
  EXPECT_TRUE(tracker_.ForgetIf("m1", all_delivered));
  EXPECT_FALSE(tracker_.Find("m1").has_value());
  EXPECT_FALSE(tracker_.Tracks("m1"));
  EXPECT_FALSE(tracker_.ForgetIf("m1", all_delivered));  // unknown: nothing to forget
}

TEST_F(DeliveryTest, StateNeverGoesBackAndRepeatsChangeNothing) {
  SendTo("m1", Precedence::kRoutine, {kJamil});
  ASSERT_TRUE(tracker_.Acknowledge("m1", kJamil.user_id).ok());
  clock_.Advance(kSecond);
  ASSERT_TRUE(tracker_.Delivered("m1", kJamil.user_id, "s1").ok());
  ASSERT_TRUE(tracker_.Read("m1", kJamil.user_id).ok());
  ASSERT_TRUE(tracker_.Acknowledge("m1", kJamil.user_id).ok());
  RecipientDelivery r = StateOf("m1", kJamil.user_id);
  EXPECT_EQ(r.state, DeliveryState::kAcknowledged);
  EXPECT_EQ(r.acknowledged_at, kStart);
  EXPECT_EQ(r.delivered_at, kStart);  // ack implies delivered and read, at the ack time
  EXPECT_EQ(r.read_at, kStart);
  std::vector<LatencySample> samples = tracker_.TakeLatencySamples();
  EXPECT_EQ(samples.size(), 2u);  // one delivered, one acknowledged: repeats add none
}

TEST_F(DeliveryTest, DeliveryToSeveralSessionsKeepsTheFirstTime) {
  SendTo("m1", Precedence::kPriority, {kJamil});
  clock_.Advance(kSecond);
  ASSERT_TRUE(tracker_.Delivered("m1", kJamil.user_id, "desk").ok());
  clock_.Advance(kSecond);
  ASSERT_TRUE(tracker_.Delivered("m1", kJamil.user_id, "phone").ok());
  ASSERT_TRUE(tracker_.Delivered("m1", kJamil.user_id, "desk").ok());  // at-least-once repeat
  RecipientDelivery r = StateOf("m1", kJamil.user_id);
  EXPECT_EQ(r.delivered_at, kStart + kSecond);
  EXPECT_EQ(r.sessions, (std::vector<std::string>{"desk", "phone"}));
  EXPECT_EQ(r.state, DeliveryState::kDelivered);
}

TEST_F(DeliveryTest, ReadImpliesDelivered) {
  SendTo("m1", Precedence::kPriority, {kJamil});
  clock_.Advance(kSecond);
  ASSERT_TRUE(tracker_.Read("m1", kJamil.user_id).ok());
  RecipientDelivery r = StateOf("m1", kJamil.user_id);
  EXPECT_EQ(r.state, DeliveryState::kRead);
  EXPECT_EQ(r.delivered_at, kStart + kSecond);
  EXPECT_EQ(r.read_at, kStart + kSecond);
}

TEST_F(DeliveryTest, SendIsDeduplicatedById) {
  SendTo("m1", Precedence::kFlash, {kJamil});
  ASSERT_TRUE(tracker_.Delivered("m1", kJamil.user_id, "s").ok());
  Result<bool> again =
      tracker_.Send(Msg("m1", Precedence::kRoutine), std::vector<Member>{kUna}, Effective());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  std::optional<MessageDelivery> d = tracker_.Find("m1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->precedence, Precedence::kFlash);
  ASSERT_EQ(d->recipients.size(), 1u);
  EXPECT_EQ(d->recipients[0].state, DeliveryState::kDelivered);
  EXPECT_EQ(tracker_.size(), 1u);
}

TEST_F(DeliveryTest, DuplicateRecipientsInOneSendAreTrackedOnce) {
  SendTo("m1", Precedence::kRoutine, {kJamil, kUna, kJamil});
  EXPECT_EQ(tracker_.Find("m1")->recipients.size(), 2u);
}

TEST_F(DeliveryTest, BadSendsAreErrors) {
  EXPECT_EQ(tracker_.Send(Msg("", Precedence::kFlash), std::vector<Member>{kJamil}, Effective())
                .status()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(tracker_.Send(Msg("m", Precedence::kFlash), {}, Effective()).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(DeliveryTest, UnknownMessageOrRecipientIsNotFoundAlike) {
  SendTo("m1", Precedence::kRoutine, {kJamil});
  Status a = tracker_.Acknowledge("nope", kJamil.user_id);
  Status b = tracker_.Acknowledge("m1", kUna.user_id);
  EXPECT_EQ(a.code(), ErrorCode::kNotFound);
  EXPECT_EQ(b.code(), ErrorCode::kNotFound);
  EXPECT_EQ(a.message(), b.message());
  EXPECT_EQ(tracker_.Delivered("m1", kUna.user_id, "s").code(), ErrorCode::kNotFound);
  EXPECT_EQ(tracker_.Read("nope", kJamil.user_id).code(), ErrorCode::kNotFound);
}

TEST_F(DeliveryTest, SentAtFromTheMessageWhenGiven) {
  Message m = Msg("m1", Precedence::kFlash);
  m.sent_at = kStart - 60 * kSecond;
  ASSERT_TRUE(tracker_.Send(m, std::vector<Member>{kJamil}, Effective()).ok());
  EXPECT_EQ(tracker_.Find("m1")->sent_at, kStart - 60 * kSecond);
  EXPECT_EQ(StateOf("m1", kJamil.user_id).deadline, kStart - 60 * kSecond + 10 * kMinute);
}

TEST_F(DeliveryTest, DeadlinesPerPrecedence) {
  SendTo("f", Precedence::kFlash, {kJamil});
  SendTo("i", Precedence::kImmediate, {kJamil});
  SendTo("p", Precedence::kPriority, {kJamil});
  SendTo("r", Precedence::kRoutine, {kJamil});
  EXPECT_EQ(StateOf("f", kJamil.user_id).deadline, kStart + 10 * kMinute);
  EXPECT_EQ(StateOf("i", kJamil.user_id).deadline, kStart + 30 * kMinute);
  EXPECT_EQ(StateOf("p", kJamil.user_id).deadline, 0);
  EXPECT_EQ(StateOf("r", kJamil.user_id).deadline, 0);
  EXPECT_EQ(tracker_.NextDeadline(), kStart + 10 * kMinute);
  // No acknowledgement required: a long time later, nothing is due for p and r.
  clock_.Advance(24 * 60 * kMinute);
  for (const DeliveryAction& a : tracker_.Tick()) {
    EXPECT_TRUE(a.message_id == "f" || a.message_id == "i") << a.message_id;
  }
}

TEST_F(DeliveryTest, NothingDueBeforeTheDeadline) {
  SendTo("f", Precedence::kFlash, {kJamil});
  clock_.Advance(10 * kMinute - 1);
  EXPECT_TRUE(tracker_.Tick().empty());
}

TEST_F(DeliveryTest, AcknowledgedInTimeNeverEscalates) {
  SendTo("f", Precedence::kFlash, {kJamil});
  clock_.Advance(9 * kMinute);
  ASSERT_TRUE(tracker_.Acknowledge("f", kJamil.user_id).ok());
  clock_.Advance(60 * kMinute);
  EXPECT_TRUE(tracker_.Tick().empty());
  EXPECT_EQ(tracker_.NextDeadline(), std::nullopt);
  EXPECT_EQ(DisplayState(StateOf("f", kJamil.user_id)), "acknowledged");
}

TEST_F(DeliveryTest, MissedDeadlineReAlertsEscalatesAndNotifiesTheSender) {
  SendTo("f", Precedence::kFlash, {kJamil, kUna});
  ASSERT_TRUE(tracker_.Acknowledge("f", kUna.user_id).ok());
  clock_.Advance(10 * kMinute);
  std::vector<DeliveryAction> actions = tracker_.Tick();

  // jamil's alternates: jana (inside), fleur (outside the releasability: withheld), off
  // (disabled), jamil himself and a repeated jana are skipped.
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(actions[0].kind, Kind::kReAlert);
  EXPECT_EQ(actions[0].target, kJamil);
  EXPECT_EQ(actions[0].realert, 1);
  EXPECT_EQ(actions[0].deadline, kStart + 10 * kMinute);
  EXPECT_EQ(actions[1].kind, Kind::kEscalate);
  EXPECT_EQ(actions[1].target, kJana);
  EXPECT_EQ(actions[1].recipient, "jamil");
  EXPECT_EQ(actions[2].kind, Kind::kNotifySender);
  EXPECT_EQ(actions[2].target.user_id, kSender.user_id);
  EXPECT_EQ(actions[2].target.name, "amal");
  EXPECT_EQ(actions[2].recipient, "jamil");
  EXPECT_EQ(actions[2].escalated_to, std::vector<std::string>{"jana"});
  EXPECT_EQ(actions[2].withheld_from, std::vector<std::string>{"fleur"});
  for (const DeliveryAction& a : actions) {
    EXPECT_EQ(a.message_id, "f");
    EXPECT_EQ(a.precedence, Precedence::kFlash);
  }

  RecipientDelivery jamil = StateOf("f", kJamil.user_id);
  EXPECT_EQ(DisplayState(jamil), "escalated");
  EXPECT_EQ(jamil.escalated_at, kStart + 10 * kMinute);
  EXPECT_EQ(jamil.escalated_to, std::vector<std::string>{"jana"});
  EXPECT_EQ(jamil.withheld_from, std::vector<std::string>{"fleur"});
  RecipientDelivery jana = StateOf("f", kJana.user_id);
  EXPECT_EQ(jana.alternate_for, "jamil");
  EXPECT_EQ(jana.state, DeliveryState::kQueued);
  EXPECT_EQ(jana.queued_at, kStart + 10 * kMinute);
  EXPECT_EQ(jana.deadline, 0);
  std::optional<MessageDelivery> d = tracker_.Find("f");
  for (const RecipientDelivery& r : d->recipients) EXPECT_NE(r.recipient.name, "fleur");
}

TEST_F(DeliveryTest, NeverEscalatesTwiceForTheSameDeadline) {
  SendTo("f", Precedence::kFlash, {kJamil});
  clock_.Advance(10 * kMinute);
  EXPECT_EQ(tracker_.Tick().size(), 3u);
  EXPECT_TRUE(tracker_.Tick().empty());
  clock_.Advance(kMinute);
  EXPECT_TRUE(tracker_.Tick().empty());
}

TEST_F(DeliveryTest, ReAlertsRepeatUpToTheLimitWithoutReEscalating) {
  SendTo("f", Precedence::kFlash, {kJamil});
  clock_.Advance(10 * kMinute);
  ASSERT_EQ(tracker_.Tick().size(), 3u);
  EXPECT_EQ(StateOf("f", kJamil.user_id).deadline, kStart + 15 * kMinute);

  clock_.Advance(5 * kMinute);
  std::vector<DeliveryAction> second = tracker_.Tick();
  ASSERT_EQ(second.size(), 2u);  // re-alert + notify; alternates are not escalated again
  EXPECT_EQ(second[0].kind, Kind::kReAlert);
  EXPECT_EQ(second[0].realert, 2);
  EXPECT_EQ(second[1].kind, Kind::kNotifySender);
  EXPECT_TRUE(second[1].escalated_to.empty());

  clock_.Advance(5 * kMinute);
  std::vector<DeliveryAction> third = tracker_.Tick();
  ASSERT_EQ(third.size(), 2u);
  EXPECT_EQ(third[0].realert, 3);

  clock_.Advance(60 * kMinute);  // max_realerts = 3 reached
  EXPECT_TRUE(tracker_.Tick().empty());
  EXPECT_EQ(StateOf("f", kJamil.user_id).realerts, 3);
  EXPECT_EQ(StateOf("f", kJamil.user_id).deadline, 0);
  EXPECT_EQ(tracker_.NextDeadline(), std::nullopt);
}

TEST_F(DeliveryTest, LongPauseGivesOneReAlertNotABurst) {
  SendTo("f", Precedence::kFlash, {kJamil});
  clock_.Advance(10 * 60 * kMinute);
  std::vector<DeliveryAction> actions = tracker_.Tick();
  int realerts = 0;
  for (const DeliveryAction& a : actions) realerts += a.kind == Kind::kReAlert;
  EXPECT_EQ(realerts, 1);
  EXPECT_EQ(StateOf("f", kJamil.user_id).deadline, clock_.NowMicros() + 5 * kMinute);
}

TEST_F(DeliveryTest, AckAfterEscalationStopsReAlerts) {
  SendTo("i", Precedence::kImmediate, {kJamil});
  clock_.Advance(30 * kMinute);
  ASSERT_FALSE(tracker_.Tick().empty());
  clock_.Advance(kMinute);
  ASSERT_TRUE(tracker_.Acknowledge("i", kJamil.user_id).ok());
  clock_.Advance(60 * kMinute);
  EXPECT_TRUE(tracker_.Tick().empty());
  RecipientDelivery r = StateOf("i", kJamil.user_id);
  EXPECT_EQ(DisplayState(r), "acknowledged");
  EXPECT_EQ(r.escalated_at, kStart + 30 * kMinute);  // the history stays
}

TEST_F(DeliveryTest, AlternatesAcknowledgementCoversThePrincipal) {
  SendTo("f", Precedence::kFlash, {kJamil});
  clock_.Advance(10 * kMinute);
  ASSERT_EQ(tracker_.Tick().size(), 3u);
  ASSERT_TRUE(tracker_.Delivered("f", kJana.user_id, "s").ok());
  ASSERT_TRUE(tracker_.Acknowledge("f", kJana.user_id).ok());
  RecipientDelivery jamil = StateOf("f", kJamil.user_id);
  EXPECT_EQ(jamil.covered_by, "jana");
  EXPECT_EQ(jamil.state, DeliveryState::kQueued);
  EXPECT_EQ(DisplayState(jamil), "queued");
  clock_.Advance(60 * kMinute);
  EXPECT_TRUE(tracker_.Tick().empty());
}

TEST_F(DeliveryTest, AlternateAlreadyARecipientIsAlertedNotAddedTwice) {
  SendTo("f", Precedence::kFlash, {kJamil, kJana});
  ASSERT_TRUE(tracker_.Acknowledge("f", kJana.user_id).ok());
  clock_.Advance(10 * kMinute);
  std::vector<DeliveryAction> actions = tracker_.Tick();
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(actions[1].kind, Kind::kEscalate);
  EXPECT_EQ(actions[1].target, kJana);
  EXPECT_EQ(tracker_.Find("f")->recipients.size(), 2u);
  EXPECT_TRUE(StateOf("f", kJana.user_id).alternate_for.empty());
}

TEST_F(DeliveryTest, SeveralRecipientsEscalateIndependentlyInDeadlineOrder) {
  SendTo("i", Precedence::kImmediate, {kUna});
  clock_.Advance(kMinute);
  SendTo("f", Precedence::kFlash, {kJamil});
  clock_.Advance(60 * kMinute);
  std::vector<DeliveryAction> actions = tracker_.Tick();
  // f's deadline (start + 11 min) comes before i's (start + 30 min).
  ASSERT_EQ(actions.size(), 6u);
  EXPECT_EQ(actions[0].message_id, "f");
  EXPECT_EQ(actions[3].message_id, "i");
  EXPECT_EQ(actions[4].kind, Kind::kEscalate);
  EXPECT_EQ(actions[4].target, kUlysses);
}

TEST_F(DeliveryTest, NoAlternatesCallbackStillReAlertsAndNotifies) {
  DeliveryTracker bare(clock_, DeliveryPolicy{}, nullptr);
  ASSERT_TRUE(
      bare.Send(Msg("f", Precedence::kFlash), std::vector<Member>{kJamil}, Effective()).ok());
  clock_.Advance(10 * kMinute);
  std::vector<DeliveryAction> actions = bare.Tick();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].kind, Kind::kReAlert);
  EXPECT_EQ(actions[1].kind, Kind::kNotifySender);
}

TEST_F(DeliveryTest, ConfiguredDeadlinesApply) {
  DeliveryPolicy policy;
  policy.ack_deadline[Index(Precedence::kRoutine)] = 2 * kMinute;
  policy.realert_interval[Index(Precedence::kRoutine)] = 0;  // one re-alert only
  DeliveryTracker custom(clock_, policy, AlternatesOfUser);
  ASSERT_TRUE(
      custom.Send(Msg("r", Precedence::kRoutine), std::vector<Member>{kUna}, Effective()).ok());
  clock_.Advance(2 * kMinute);
  EXPECT_EQ(custom.Tick().size(), 3u);
  clock_.Advance(60 * kMinute);
  EXPECT_TRUE(custom.Tick().empty());
}

TEST_F(DeliveryTest, LatencySamplesPerPrecedence) {
  SendTo("f", Precedence::kFlash, {kJamil, kUna});
  SendTo("r", Precedence::kRoutine, {kJamil});
  clock_.Advance(2 * kSecond);
  ASSERT_TRUE(tracker_.Delivered("f", kJamil.user_id, "s").ok());
  ASSERT_TRUE(tracker_.Delivered("r", kJamil.user_id, "s").ok());
  clock_.Advance(3 * kSecond);
  ASSERT_TRUE(tracker_.Acknowledge("f", kJamil.user_id).ok());
  std::vector<LatencySample> samples = tracker_.TakeLatencySamples();
  const std::vector<LatencySample> want = {
      {Precedence::kFlash, LatencySample::Kind::kDelivered, 2 * kSecond},
      {Precedence::kRoutine, LatencySample::Kind::kDelivered, 2 * kSecond},
      {Precedence::kFlash, LatencySample::Kind::kAcknowledged, 5 * kSecond},
  };
  EXPECT_EQ(samples, want);
  EXPECT_TRUE(tracker_.TakeLatencySamples().empty());  // taken
}

TEST_F(DeliveryTest, LatencySamplesAreBounded) {
  DeliveryPolicy policy;
  policy.max_latency_samples = 2;
  DeliveryTracker small(clock_, policy, nullptr);
  ASSERT_TRUE(
      small.Send(Msg("m", Precedence::kRoutine), std::vector<Member>{kJamil, kUna}, Effective())
          .ok());
  ASSERT_TRUE(small.Acknowledge("m", kJamil.user_id).ok());
  ASSERT_TRUE(small.Acknowledge("m", kUna.user_id).ok());
  std::size_t dropped = 0;
  EXPECT_EQ(small.TakeLatencySamples(&dropped).size(), 2u);
  EXPECT_EQ(dropped, 2u);
}

TEST_F(DeliveryTest, ForgetDropsStateAndDeadlines) {
  SendTo("f", Precedence::kFlash, {kJamil});
  tracker_.Forget("f");
  tracker_.Forget("never");
  EXPECT_FALSE(tracker_.Find("f").has_value());
  EXPECT_EQ(tracker_.size(), 0u);
  EXPECT_EQ(tracker_.NextDeadline(), std::nullopt);
  clock_.Advance(60 * kMinute);
  EXPECT_TRUE(tracker_.Tick().empty());
}

TEST_F(DeliveryTest, ConcurrentCallersAreSafe) {
  constexpr int kMessages = 200;
  for (int i = 0; i < kMessages; ++i) {
    SendTo("m" + std::to_string(i), Precedence::kFlash, {kJamil, kUna});
  }
  std::thread ack([&] {
    for (int i = 0; i < kMessages; ++i) {
      EXPECT_TRUE(tracker_.Acknowledge("m" + std::to_string(i), kJamil.user_id).ok());
    }
  });
  std::thread deliver([&] {
    for (int i = 0; i < kMessages; ++i) {
      EXPECT_TRUE(tracker_.Delivered("m" + std::to_string(i), kUna.user_id, "s").ok());
    }
  });
  std::thread tick([&] {
    for (int i = 0; i < 50; ++i) (void)tracker_.Tick();
  });
  ack.join();
  deliver.join();
  tick.join();
  clock_.Advance(10 * kMinute);
  std::vector<DeliveryAction> actions = tracker_.Tick();
  // Only una is unacknowledged: re-alert, escalate to ulysses, notify: 3 per message.
  EXPECT_EQ(actions.size(), 3u * kMessages);
  EXPECT_EQ(tracker_.TakeLatencySamples().size(), 3u * kMessages);
}

}  // namespace
}  // namespace tansiq::dissem

namespace tansiq::dissem {
namespace {

TEST_F(DeliveryTest, RestoreResumesStatesAndPendingDeadlines) {
  SendTo("m1", Precedence::kFlash, {kJamil, kUna});
  ASSERT_TRUE(tracker_.Acknowledge("m1", kUna.user_id).ok());
  MessageDelivery saved = *tracker_.Find("m1");

  // A fresh tracker (a restarted hub) resumes from the saved state.
  DeliveryTracker restarted(clock_, DeliveryPolicy{}, AlternatesOfUser);
  ASSERT_TRUE(restarted.Restore(saved, Effective()).value());
  EXPECT_FALSE(restarted.Restore(saved, Effective()).value());  // already tracked
  EXPECT_EQ(restarted.NextDeadline(), kStart + 10 * kMinute);
  EXPECT_EQ(restarted.Find("m1")->recipients, saved.recipients);

  clock_.Advance(10 * kMinute);
  std::vector<DeliveryAction> actions = restarted.Tick();
  // Only jamil (unacknowledged) is re-alerted and escalated to jana; una acknowledged.
  ASSERT_FALSE(actions.empty());
  for (const DeliveryAction& a : actions) EXPECT_EQ(a.recipient, "jamil");
  EXPECT_TRUE(std::any_of(actions.begin(), actions.end(), [](const DeliveryAction& a) {
    return a.kind == DeliveryAction::Kind::kEscalate && a.target.name == "jana";
  }));
}

TEST_F(DeliveryTest, RestoreRefusesAMessageWithoutId) {
  EXPECT_FALSE(tracker_.Restore(MessageDelivery{}, Effective()).ok());
}

}  // namespace
}  // namespace tansiq::dissem
