// Escalation: the timer that wakes every tick_interval, and what a missed deadline does
// (re-alert, escalate to alternates, tell the sender), persisted with its webhook rows.
#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include <boost/json.hpp>

#include "hub/internal/message_records.h"
#include "hub/internal/messenger_impl.h"
#include "stix/timestamp.h"

namespace tansiq::hub {

namespace json = boost::json;
using dissem::DeliveryAction;
using dissem::Member;
using dissem::Precedence;
using internal::Strings;
using internal::ToMember;

std::vector<DeliveryAction> Messenger::Impl::Tick() {
  // Tick changes messages in memory before their writes are counted: no message may be
  // forgotten (its change dropped) until those writes are submitted below.
  writes_.BeginTick();
  std::vector<DeliveryAction> actions = tracker_.Tick();
  DrainSamples();
  std::set<std::string> touched;
  std::map<std::string, std::vector<store::WebhookDelivery>> hooks;  // by message
  auto add_hooks = [&](const DeliveryAction& a, int realert, const std::string& escalated_for) {
    auto rows = HookRows(a.target, a.message_id, realert, escalated_for);
    auto& to = hooks[a.message_id];
    to.insert(to.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  };
  for (const DeliveryAction& a : actions) {
    touched.insert(a.message_id);
    auto record = hub_.store().GetMessage(a.message_id);
    if (!record.ok() || !record->has_value()) continue;
    switch (a.kind) {
      case DeliveryAction::Kind::kReAlert:
        PushMessage(a.target, **record, a.realert, "");
        add_hooks(a, a.realert, "");
        break;
      case DeliveryAction::Kind::kEscalate:
        PushMessage(a.target, **record, 0, a.recipient);
        add_hooks(a, 0, a.recipient);
        break;
      case DeliveryAction::Kind::kNotifySender: {
        json::object f{{"kind", "delivery"},
                       {"message_id", a.message_id},
                       {"recipient", a.recipient},
                       {"state", "escalated"},
                       {"at", stix::FormatMicros(hub_.clock().NowMicros())},
                       {"realert", a.realert},
                       {"escalated_to", Strings(a.escalated_to)},
                       {"withheld_from", Strings(a.withheld_from)}};
        Push(a.target.user_id,
             {"delivery:" + a.message_id + ":" + a.recipient +
                  ":escalated:" + std::to_string(a.realert),
              static_cast<Precedence>((*record)->precedence), json::serialize(f)});
        break;
      }
    }
  }
  for (const auto& id : touched) {
    writes_.Begin(id);
    Persist(
        id, {0, "-", 0, 0}, "message.escalate",
        [](Status s) {
          if (!s.ok()) spdlog::error("persisting escalation: {}", s.message());
        },
        false, std::move(hooks[id]));
  }
  writes_.EndTick();
  return actions;
}

std::vector<Member> Messenger::Impl::AlternatesOf(const Member& m) {
  std::vector<Member> out;
  auto user = hub_.store().UserById(m.user_id);
  if (!user.ok() || !user->has_value()) return out;
  for (const auto& name : (*user)->alternates) {
    auto alt = hub_.store().UserByName(name);
    if (alt.ok() && alt->has_value()) out.push_back(ToMember(**alt));
  }
  return out;
}

void Messenger::Impl::TimerLoop() {
  MutexLock lock(mu_);
  while (!stopping_) {
    const auto deadline = std::chrono::steady_clock::now() + options_.tick_interval;
    while (!stopping_ && wake_.WaitUntil(mu_, deadline)) {
    }
    if (stopping_) break;
    lock.Unlock();
    Tick();
    lock.Lock();
  }
}

}  // namespace tansiq::hub
