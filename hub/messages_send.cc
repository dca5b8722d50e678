// Sending: a member's message and the hub's own (one release check, one transaction storing
// the STIX object, the record, the delivery rows, webhook rows and an audit record), then
// tracking and the first push to online recipients.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "hub/ingest.h"
#include "hub/internal/message_records.h"
#include "hub/internal/messenger_impl.h"
#include "stix/markings.h"
#include "stix/timestamp.h"

namespace tansiq::hub {

namespace json = boost::json;
constexpr std::int64_t kNoUser = -1;  // no user has this id
using dissem::Member;
using dissem::MessageDelivery;
using dissem::OutgoingFrame;
using dissem::Precedence;
using dissem::RecipientDelivery;
using internal::IdentityOfParty;
using internal::MessageFrame;
using internal::MessageFromJson;
using internal::MessageJson;
using internal::Strings;
using internal::ToMember;
using internal::ToRecord;

void Messenger::Impl::Send(const policy::Reader& sender, const json::object& body, SendDone done) {
  auto fail = [&](Status s, std::vector<std::string> outside = {}) {
    done({std::move(s), std::move(outside)});
  };
  auto parsed = dissem::ParseMessage(body);
  if (!parsed.ok()) return fail(parsed.status());
  dissem::Message m = std::move(*parsed);
  m.id = Hub::NewId(stix::kMessageType);
  m.sender_user_id = sender.user_id;
  m.sender_user = sender.user_name;
  m.sender_party = sender.party;
  m.sent_at = hub_.clock().NowMicros();

  auto users = hub_.store().Users();
  if (!users.ok()) return fail(users.status());
  std::vector<Member> members;
  for (const auto& u : *users) members.push_back(ToMember(u));
  auto dir = hub_.directory();
  auto party_of_identity = [&](std::string_view s) { return dir->PartyOfIdentity(s); };
  // The steps of dissem::PlanSend, one by one, to name who is outside on a refusal.
  auto own = dissem::MessageReleasability(m, dir->all_parties, party_of_identity);
  if (!own.ok()) return fail(own.status());
  auto effective = dissem::EffectiveFor(
      *own, m.object_refs, [&](std::string_view id) { return hub_.store().IsVisible(sender, id); },
      [&](std::string_view id) -> std::optional<policy::Releasability> {
        auto head = hub_.store().Head(id);
        if (!head.ok() || !head->has_value()) return std::nullopt;
        return (*head)->releasability;
      });
  if (!effective.ok()) return fail(effective.status());
  effective->reads_refs = ReadsRefs(m.object_refs);
  auto recipients = dissem::ResolveRecipients(
      m.recipients, members, [&](std::string_view s) -> std::optional<policy::PartyIndex> {
        if (const store::Party* p = dir->PartyByCode(s)) return p->index;
        return dir->PartyOfIdentity(s);
      });
  if (!recipients.ok()) return fail(recipients.status());
  // Each recipient is asked once (reads_refs reads the store): the names are the refusal.
  auto outside = dissem::OutsideReleasability(*recipients, *effective);
  if (!outside.empty()) {
    Status refused = dissem::OutsideError(outside);
    return fail(std::move(refused), std::move(outside));
  }
  dissem::MessageMarkings markings =
      dissem::StoredMarkings(m, *effective, members, IdentityOfParty(*dir));
  StoreAndPush(sender, std::move(m), std::move(*recipients), std::move(*effective),
               std::move(markings), {}, "message.send",
               [done = std::move(done)](Result<std::string> r) {
                 done({std::move(r), {}});
               });
}

void Messenger::Impl::SendFromHub(HubMessage hm, DoneWith done) {
  if (hm.recipients.empty()) return done(InvalidArgument("a message needs recipients"));
  dissem::Message m;
  m.id = Hub::NewId(stix::kMessageType);
  m.precedence = hm.precedence;
  m.subject = std::move(hm.subject);
  m.body = std::move(hm.body);
  m.lang = std::move(hm.lang);
  m.object_refs = std::move(hm.object_refs);
  m.tlp = hm.tlp;
  m.releasable_to = std::move(hm.releasable_to);
  m.sender_user = "tansiq";
  m.sender_party = kHubParty;
  m.sent_at = hub_.clock().NowMicros();
  std::vector<Member> recipients;
  for (std::int64_t id : hm.recipients) {
    auto user = hub_.store().UserById(id);
    if (!user.ok()) return done(user.status());
    if (!user->has_value() || (*user)->disabled) {
      return done(NotFound("no enabled user with id " + std::to_string(id)));
    }
    m.recipients.users.push_back((*user)->name);
    recipients.push_back(ToMember(**user));
  }
  auto dir = hub_.directory();
  auto own = dissem::MessageReleasability(
      m, dir->all_parties, [&](std::string_view s) { return dir->PartyOfIdentity(s); });
  if (!own.ok()) return done(own.status());
  // The hub sees everything: what matters is that every recipient sees each reference.
  auto effective = dissem::EffectiveFor(
      *own, m.object_refs,
      [&](std::string_view id) {
        return std::all_of(recipients.begin(), recipients.end(), [&](const Member& r) {
          return hub_.store().IsVisible(r.AsReader(), id);
        });
      },
      [&](std::string_view id) -> std::optional<policy::Releasability> {
        auto head = hub_.store().Head(id);
        if (!head.ok() || !head->has_value()) return std::nullopt;
        return (*head)->releasability;
      });
  if (!effective.ok()) return done(effective.status());
  effective->reads_refs = ReadsRefs(m.object_refs);  // for alternates: recipients passed above
  auto checked = dissem::CheckRelease(std::move(recipients), *effective);
  if (!checked.ok()) return done(checked.status());
  auto users = hub_.store().Users();
  if (!users.ok()) return done(users.status());
  std::vector<Member> members;
  for (const auto& u : *users) members.push_back(ToMember(u));
  dissem::MessageMarkings markings =
      dissem::StoredMarkings(m, *effective, members, IdentityOfParty(*dir));
  const policy::Reader hub_writer{0, "tansiq", kHubParty, 0};
  std::string action = hm.audit_action.empty() ? "message.send" : std::move(hm.audit_action);
  StoreAndPush(hub_writer, std::move(m), std::move(*checked), std::move(*effective),
               std::move(markings), std::move(hm.also), std::move(action), std::move(done));
}

// Stores the message (its STIX object marked with `marked` — never wider than what it
// references —, a releasability marking when it needs one, the message record, a queued
// delivery per recipient, an audit record) in one transaction; once durable, starts tracking
// and pushes to online recipients.
void Messenger::Impl::StoreAndPush(const policy::Reader& writer, dissem::Message m,
                                   std::vector<Member> recipients,
                                   dissem::EffectiveReleasability effective,
                                   dissem::MessageMarkings marked, AlsoInTxn extra,
                                   std::string action, DoneWith done) {
  auto dir = hub_.directory();
  const std::string now = stix::FormatMicros(m.sent_at);
  const store::Party* party = dir->PartyByIndex(writer.party);
  const std::string creator = party ? party->identity_id : dir->hub_identity;

  json::array envelope;
  json::array markings;
  if (marked.tlp != stix::Tlp::kNone) markings.emplace_back(stix::TlpMarkingId(marked.tlp));
  if (!marked.releasable_to.empty() || !marked.recipients.empty()) {
    json::object marking = stix::ReleasabilityMarkingDefinition(
        Hub::NewId("marking-definition"), creator, now, "releasability of message " + m.id,
        stix::Releasability{marked.releasable_to, marked.recipients});
    markings.emplace_back(marking.at("id"));
    envelope.emplace_back(std::move(marking));
  }
  json::array names;
  for (const Member& r : recipients) names.emplace_back(r.name);
  json::object object{{"type", stix::kMessageType},
                      {"spec_version", "2.1"},
                      {"id", m.id},
                      {"created_by_ref", creator},
                      {"created", now},
                      {"modified", now},
                      {"precedence", dissem::PrecedenceName(m.precedence)},
                      {"subject", m.subject},
                      {"sender", m.sender_user},
                      {"recipient_users", std::move(names)},
                      {"extensions", json::object{{std::string(stix::kMessageExtensionId),
                                                   json::object{{"extension_type", "new-sdo"}}}}}};
  if (!m.body.empty()) object["body"] = m.body;
  if (!m.lang.empty()) object["lang"] = m.lang;
  if (!m.object_refs.empty()) object["object_refs"] = Strings(m.object_refs);
  if (!markings.empty()) object["object_marking_refs"] = std::move(markings);
  envelope.emplace_back(std::move(object));

  store::MessageRecord record{m.id, dissem::Index(m.precedence), m.sender_user_id, m.sent_at,
                              json::serialize(MessageJson(m, *dir))};
  const Micros ack = options_.policy.ack_deadline[dissem::Index(m.precedence)];
  // Shared, not copied, into the write job (N rows; std::function needs a copyable job).
  auto rows = std::make_shared<std::vector<store::DeliveryRecord>>();
  rows->reserve(recipients.size());
  for (const Member& member : recipients) {
    RecipientDelivery r;
    r.recipient = member;
    r.queued_at = m.sent_at;
    r.deadline = ack > 0 ? m.sent_at + ack : 0;
    rows->push_back(ToRecord(m.id, r));
  }
  const std::string party_code = party ? party->code : "-";
  std::vector<store::WebhookDelivery> hooks;
  for (const Member& member : recipients) {
    auto more = HookRows(member, m.id, 0, "");
    hooks.insert(hooks.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));
  }
  auto also = [this, record, rows, hooks, writer, party_code, extra = std::move(extra),
               action = std::move(action), n = recipients.size()](store::WriteTxn& txn) -> Status {
    TANSIQ_RETURN_IF_ERROR(txn.PutMessage(record));
    for (const auto& row : *rows) TANSIQ_RETURN_IF_ERROR(txn.PutDelivery(row));
    for (const auto& hook : hooks) TANSIQ_RETURN_IF_ERROR(txn.PutWebhookDelivery(hook));
    if (extra) TANSIQ_RETURN_IF_ERROR(extra(txn));
    return hub_.auditor().Append(
        txn,
        {{writer.user_name, party_code, action, record.id,
          "ok: " + std::to_string(n) + " recipient(s), " +
              std::string(dissem::PrecedenceName(static_cast<Precedence>(record.precedence)))}});
  };
  writes_.Begin();
  auto stored = [this, m, recipients = std::move(recipients), effective, record,
                 hooks = std::move(hooks),
                 done = std::move(done)](Result<IngestReport> report) mutable {
    if (!report.ok()) {
      done(report.status());
    } else {
      auto sent = tracker_.Send(m, recipients, std::move(effective));
      if (!sent.ok()) spdlog::error("tracking {}: {}", m.id, sent.status().message());
      PushToAll(recipients, record);
      HooksEnqueued(hooks);
      metrics_.CountSent(m.precedence);
      done(m.id);
    }
    writes_.End();
  };
  IngestAll(hub_, writer, *dir->Coalition(), std::move(envelope), std::move(also),
            std::move(stored));
}

// The releasability a stored message was sent under, recomputed from the hub as it is now
// (a recalled reference narrows it). Empty — no alternate may be alerted — when it cannot
// be rebuilt.
dissem::EffectiveReleasability Messenger::Impl::EffectiveOf(const dissem::Message& m,
                                                            const Member& sender) {
  auto dir = hub_.directory();
  auto party_of = [&](std::string_view s) { return dir->PartyOfIdentity(s); };
  dissem::Message copy = m;
  copy.sender_party = sender.party;
  auto own = dissem::MessageReleasability(copy, dir->all_parties, party_of);
  if (!own.ok()) return {};
  const policy::Reader reader = sender.AsReader();
  auto effective = dissem::EffectiveFor(
      *own, m.object_refs, [&](std::string_view id) { return hub_.store().IsVisible(reader, id); },
      [&](std::string_view id) -> std::optional<policy::Releasability> {
        auto head = hub_.store().Head(id);
        if (!head.ok() || !head->has_value()) return std::nullopt;
        return (*head)->releasability;
      });
  if (!effective.ok()) return {};
  effective->reads_refs = ReadsRefs(m.object_refs);
  return std::move(*effective);
}

// EffectiveReleasability::reads_refs for a message referring to `refs`: whether a reader may
// read every one of them now, by the store's read-side rule — which knows what the heads the
// releasability comes from do not (an object held only in the sender's party's private
// collection is that party's alone, whatever its markings). Recipients and alternates alike.
std::function<bool(const policy::Reader&)> Messenger::Impl::ReadsRefs(
    std::vector<std::string> refs) {
  if (refs.empty()) return {};
  return [this, refs = std::move(refs)](const policy::Reader& reader) {
    auto hidden = hub_.store().HiddenAmong(reader, refs);
    return hidden.ok() && hidden->empty();  // a failed lookup refuses: fail closed
  };
}

void Messenger::Impl::Push(std::int64_t user_id, OutgoingFrame frame) {
  if (PushSink* sink = sink_.load()) sink->Push(user_id, frame);
}

void Messenger::Impl::PushMessage(const Member& to, const store::MessageRecord& record, int realert,
                                  const std::string& escalated_for) {
  dissem::Message m = MessageFromJson(record);
  auto hidden = hub_.store().HiddenAmong(to.AsReader(), m.object_refs);
  if (!hidden.ok()) return;  // stays in the durable queue
  std::string key = record.id;
  if (realert > 0) key += "#realert-" + std::to_string(realert);
  Push(to.user_id,
       {std::move(key), m.precedence, MessageFrame(record, *hidden, realert, escalated_for)});
}

// The first push of a new message to every recipient: the stored JSON is parsed once, and
// one frame is built per distinct set of references hidden from a recipient (one frame for
// all when the message has no references: no per-recipient HiddenAmong then). Each frame's
// bytes are shared by all its recipients' sessions and handed over in one PushMany.
void Messenger::Impl::PushToAll(const std::vector<Member>& to, const store::MessageRecord& record) {
  PushSink* sink = sink_.load();
  if (sink == nullptr) return;
  const dissem::Message m = MessageFromJson(record);
  struct Group {
    dissem::FrameBytes frame;
    std::vector<std::int64_t> users;
  };
  std::map<std::vector<std::string>, Group> groups;  // hidden refs → frame and its users
  for (const Member& r : to) {
    std::vector<std::string> hidden;
    if (!m.object_refs.empty()) {
      auto h = hub_.store().HiddenAmong(r.AsReader(), m.object_refs);
      if (!h.ok()) continue;  // stays in the durable queue
      hidden = std::move(*h);
    }
    auto it = groups.find(hidden);
    if (it == groups.end()) {
      auto frame = std::make_shared<const std::string>(MessageFrame(record, hidden, 0, ""));
      it = groups.emplace(std::move(hidden), Group{std::move(frame), {}}).first;
      it->second.users.reserve(to.size());
    }
    it->second.users.push_back(r.user_id);
  }
  for (const auto& entry : groups) {
    sink->PushMany(entry.second.users, {record.id, m.precedence, entry.second.frame});
  }
}

// Whether the sender of tracked message `id` has an open stream session now.
bool Messenger::Impl::SenderOnline(const std::string& id) {
  PushSink* sink = sink_.load();
  if (sink == nullptr) return false;
  // FindFor of a user who is no recipient copies the message's header and none of its rows.
  std::optional<MessageDelivery> header = tracker_.FindFor(id, kNoUser);
  return header && sink->Online(header->sender.user_id);
}

// Tells the sender about every recipient whose displayed state changed.
void Messenger::Impl::NotifySender(const MessageDelivery& before, const MessageDelivery& after) {
  PushSink* sink = sink_.load();
  if (sink == nullptr || !sink->Online(after.sender.user_id)) return;  // nobody to tell
  for (const RecipientDelivery& r : after.recipients) {
    std::string_view old_state = "queued";
    for (const RecipientDelivery& b : before.recipients) {
      if (b.recipient.user_id == r.recipient.user_id) old_state = dissem::DisplayState(b);
    }
    std::string_view state = dissem::DisplayState(r);
    if (state == old_state) continue;
    json::object f{{"kind", "delivery"},
                   {"message_id", after.message_id},
                   {"recipient", r.recipient.name},
                   {"state", state},
                   {"at", stix::FormatMicros(hub_.clock().NowMicros())}};
    Push(after.sender.user_id,
         {"delivery:" + after.message_id + ":" + r.recipient.name + ":" + std::string(state),
          after.precedence, json::serialize(f)});
  }
}

}  // namespace tansiq::hub
