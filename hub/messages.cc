#include "hub/messages.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include <boost/json.hpp>

#include "dissem/recipients.h"
#include "hub/ingest.h"
#include "hub/search.h"
#include "hub/webhooks.h"
#include "stix/markings.h"
#include "stix/timestamp.h"
#include "text/alias_registry.h"

namespace tansiq::hub {
namespace {

namespace json = boost::json;
using dissem::DeliveryAction;
using dissem::DeliveryState;
using dissem::Member;
using dissem::MessageDelivery;
using dissem::OutgoingFrame;
using dissem::Precedence;
using dissem::RecipientDelivery;

constexpr std::string_view kNoSuchMessage = "no such message";
constexpr std::size_t kMaxPending = 100'000;  // frames replayed on one connect
constexpr std::size_t kMaxWatchesPerUser = 100;
constexpr std::int64_t kNoUser = -1;  // no user has this id

json::value TimeOrNull(Micros t) {
  return t == 0 ? json::value(nullptr) : json::value(stix::FormatMicros(t));
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::vector<std::string> StringsOf(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
    }
  }
  return out;
}

std::string StringOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Member ToMember(const store::User& u) { return {u.id, u.name, u.party, u.roles, u.disabled}; }

// A party's identity id from the directory (empty for the hub's pseudo-party).
dissem::IdentityOfParty IdentityOfParty(const Directory& dir) {
  return [&dir](policy::PartyIndex p) {
    const store::Party* party = dir.PartyByIndex(p);
    return party ? party->identity_id : std::string();
  };
}

// The message as kept in store::MessageRecord::json and sent in frames.
json::object MessageJson(const dissem::Message& m, const Directory& dir) {
  const store::Party* party = dir.PartyByIndex(m.sender_party);
  json::object o;
  o["id"] = m.id;
  o["precedence"] = dissem::PrecedenceName(m.precedence);
  o["subject"] = m.subject;
  o["body"] = m.body;
  o["lang"] = m.lang;
  o["object_refs"] = Strings(m.object_refs);
  o["sent_at"] = stix::FormatMicros(m.sent_at);
  o["from"] =
      json::object{{"party", party ? party->code : std::string("hub")}, {"user", m.sender_user}};
  o["tlp"] = stix::TlpName(m.tlp);
  o["releasable_to"] = Strings(m.releasable_to);
  json::array roles;
  for (const auto& r : policy::RoleNames(m.recipients.roles)) roles.emplace_back(r);
  o["recipients"] = json::object{{"parties", Strings(m.recipients.parties)},
                                 {"roles", std::move(roles)},
                                 {"users", Strings(m.recipients.users)}};
  return o;
}

// The message back from its stored JSON (what Restore and frames need).
dissem::Message MessageFromJson(const store::MessageRecord& r) {
  dissem::Message m;
  m.id = r.id;
  m.precedence = static_cast<Precedence>(std::clamp(r.precedence, 0, 3));
  m.sender_user_id = r.sender_user_id;
  m.sent_at = r.sent_at;
  boost::system::error_code ec;
  json::value v = json::parse(r.json, ec);
  if (ec || !v.is_object()) return m;
  const json::object& o = v.get_object();
  m.subject = StringOf(o, "subject");
  m.body = StringOf(o, "body");
  m.lang = StringOf(o, "lang");
  m.object_refs = StringsOf(o, "object_refs");
  m.releasable_to = StringsOf(o, "releasable_to");
  if (auto tlp = dissem::ParseTlpName(StringOf(o, "tlp")); tlp.ok()) m.tlp = *tlp;
  if (const json::value* from = o.if_contains("from"); from && from->is_object()) {
    m.sender_user = StringOf(from->get_object(), "user");
  }
  if (const json::value* rec = o.if_contains("recipients"); rec && rec->is_object()) {
    m.recipients.users = StringsOf(rec->get_object(), "users");
    m.recipients.parties = StringsOf(rec->get_object(), "parties");
  }
  return m;
}

// Whether `r`'s subject and body are withheld from a reader from whom `hidden` (of its
// references) are hidden: messages the hub wrote itself (no sending user) only. A member's
// message is the member's own text, released by them; only its references are stripped.
bool Withheld(const store::MessageRecord& r, const std::vector<std::string>& hidden) {
  return r.sender_user_id == 0 && !hidden.empty();
}

}  // namespace

bool WithdrawnFrom(Hub& hub, const policy::Reader& reader, const store::MessageRecord& r) {
  if (r.sender_user_id != 0) return false;
  auto refs = MessageFromJson(r).object_refs;
  if (refs.empty()) return false;
  auto hidden = hub.store().HiddenAmong(reader, refs);
  return !hidden.ok() || Withheld(r, *hidden);  // a failed lookup withdraws: fail closed
}

namespace {

// Replaces the subject and body of a withheld message (Withheld).
void Withdraw(json::object& m) {
  if (m.contains("subject")) m["subject"] = kWithdrawnSubject;
  if (m.contains("body")) m["body"] = "";
}

// A `message` frame from the stored message JSON, without the references `hidden` from the
// reader (and, for a message the hub wrote, without its text: Withheld), marked as a re-alert
// or an escalation when it is one.
std::string MessageFrame(const store::MessageRecord& record, const std::vector<std::string>& hidden,
                         int realert, std::string_view escalated_for) {
  boost::system::error_code ec;
  json::value v = json::parse(record.json, ec);
  if (ec || !v.is_object()) return {};
  const json::object& m = v.get_object();
  json::object f;
  f["kind"] = "message";
  for (const char* key :
       {"id", "precedence", "subject", "body", "lang", "sent_at", "from", "tlp"}) {
    if (const json::value* x = m.if_contains(key)) f[key] = *x;
  }
  if (Withheld(record, hidden)) Withdraw(f);
  json::array refs;
  for (const auto& ref : StringsOf(m, "object_refs")) {
    if (std::find(hidden.begin(), hidden.end(), ref) == hidden.end()) refs.emplace_back(ref);
  }
  f["object_refs"] = std::move(refs);
  f["realert"] = realert;
  f["escalated_for"] = escalated_for.empty() ? json::value(nullptr) : json::value(escalated_for);
  return json::serialize(f);
}

// RecipientDelivery <-> store::DeliveryRecord (the names and history go in `detail`).
store::DeliveryRecord ToRecord(const std::string& message_id, const RecipientDelivery& r) {
  store::DeliveryRecord d;
  d.message_id = message_id;
  d.user_id = r.recipient.user_id;
  d.state = static_cast<int>(r.state);
  d.queued_at = r.queued_at;
  d.delivered_at = r.delivered_at;
  d.read_at = r.read_at;
  d.acknowledged_at = r.acknowledged_at;
  d.escalated_at = r.escalated_at;
  d.deadline = r.deadline;
  d.realerts = r.realerts;
  json::object detail{{"user", r.recipient.name},
                      {"party", r.recipient.party},
                      {"roles", r.recipient.roles},
                      {"alternate_for", r.alternate_for},
                      {"covered_by", r.covered_by},
                      {"escalated_to", Strings(r.escalated_to)},
                      {"withheld_from", Strings(r.withheld_from)},
                      {"sessions", Strings(r.sessions)}};
  d.detail = json::serialize(detail);
  return d;
}

RecipientDelivery FromRecord(const store::DeliveryRecord& d) {
  RecipientDelivery r;
  r.recipient.user_id = d.user_id;
  r.state = static_cast<DeliveryState>(std::clamp(d.state, 0, 3));
  r.queued_at = d.queued_at;
  r.delivered_at = d.delivered_at;
  r.read_at = d.read_at;
  r.acknowledged_at = d.acknowledged_at;
  r.escalated_at = d.escalated_at;
  r.deadline = d.deadline;
  r.realerts = d.realerts;
  boost::system::error_code ec;
  json::value v = json::parse(d.detail, ec);
  if (!ec && v.is_object()) {
    const json::object& o = v.get_object();
    r.recipient.name = StringOf(o, "user");
    if (auto* p = o.if_contains("party"); p && p->is_int64()) {
      r.recipient.party = static_cast<policy::PartyIndex>(p->get_int64());
    }
    if (auto* p = o.if_contains("roles"); p && p->is_int64()) {
      r.recipient.roles = static_cast<std::uint32_t>(p->get_int64());
    }
    r.alternate_for = StringOf(o, "alternate_for");
    r.covered_by = StringOf(o, "covered_by");
    r.escalated_to = StringsOf(o, "escalated_to");
    r.withheld_from = StringsOf(o, "withheld_from");
    r.sessions = StringsOf(o, "sessions");
  }
  return r;
}

// Latency histograms for GET /metrics, cumulative since start.
class Histograms {
 public:
  // Seconds: fine below a second (push latency), coarse above (acknowledgement by people).
  static constexpr std::array<double, 20> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,    1,     2.5,  5,     10,   30,
                                                     60,    120,    300,   600,  1800,  3600};
  void Add(const dissem::LatencySample& s) {
    Series& h = series_[dissem::Index(s.precedence)][static_cast<int>(s.kind)];
    const double seconds = static_cast<double>(s.latency) / 1e6;
    for (std::size_t i = 0; i < kBounds.size(); ++i) {
      if (seconds <= kBounds[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
  }
  void Write(std::string& out) const {
    const char* names[2] = {"tansiq_delivery_latency_seconds", "tansiq_ack_latency_seconds"};
    const char* help[2] = {"Time from sending a message to its first delivery to a recipient.",
                           "Time from sending a message to a recipient's acknowledgement."};
    for (int k = 0; k < 2; ++k) {
      out += std::string("# HELP ") + names[k] + " " + help[k] + "\n";
      out += std::string("# TYPE ") + names[k] + " histogram\n";
      for (Precedence p : dissem::kAllPrecedences) {
        const Series& h = series_[dissem::Index(p)][k];
        const std::string label = "precedence=\"" + std::string(dissem::PrecedenceName(p)) + "\"";
        for (std::size_t i = 0; i < kBounds.size(); ++i) {
          out += std::string(names[k]) + "_bucket{" + label + ",le=\"" + Number(kBounds[i]) +
                 "\"} " + std::to_string(h.buckets[i]) + "\n";
        }
        out += std::string(names[k]) + "_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(h.count) + "\n";
        out += std::string(names[k]) + "_sum{" + label + "} " + Number(h.sum) + "\n";
        out += std::string(names[k]) + "_count{" + label + "} " + std::to_string(h.count) + "\n";
      }
    }
  }

 private:
  static std::string Number(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    return buf;
  }
  struct Series {
    std::array<std::uint64_t, kBounds.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::array<std::array<Series, 2>, dissem::kPrecedenceCount> series_{};
};

// A watch rule as matched: the user it belongs to and what it asks for.
struct WatchRule {
  store::WatchRecord record;
  policy::Reader reader;
  std::optional<store::SearchQuery> query;   // words, names, syntax of the search API
  std::optional<store::SearchQuery> places;  // any of the places (gazetteer-expanded)
  std::set<std::string> types;
  std::set<policy::PartyIndex> parties;  // originating parties
  std::set<std::string> groups;          // alias-registry keys: mentions any of them
  Precedence precedence = Precedence::kRoutine;
};

}  // namespace

class Messenger::Impl {
 public:
  Impl(Hub& hub, MessagingOptions options)
      : hub_(hub),
        options_(std::move(options)),
        tracker_(hub.clock(), options_.policy,
                 [this](const Member& m) { return AlternatesOf(m); }) {}

  ~Impl() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (timer_.joinable()) timer_.join();
    if (subscription_ != 0) hub_.commits().Unsubscribe(subscription_);
    WaitForWrites();
  }

  void SetSink(PushSink* sink) { sink_.store(sink); }
  void SetWebhooks(Webhooks* webhooks) { webhooks_.store(webhooks); }

  // The webhook outbox rows for one frame to `to`; none without webhooks.
  std::vector<store::WebhookDelivery> HookRows(const Member& to, const std::string& message_id,
                                               int realert, const std::string& escalated_for) {
    Webhooks* w = webhooks_.load();
    if (!w) return {};
    return w->RowsFor(to.AsReader(), message_id, realert, escalated_for);
  }
  void HooksEnqueued(const std::vector<store::WebhookDelivery>& rows) {
    if (rows.empty()) return;
    if (Webhooks* w = webhooks_.load()) w->Enqueued(rows);
  }

  Result<std::string> FrameFor(const policy::Reader& to, std::string_view message_id, int realert,
                               std::string_view escalated_for) {
    auto record = hub_.store().GetMessage(message_id);
    if (!record.ok()) return record.status();
    if (!record->has_value()) return NotFound(std::string(kNoSuchMessage));
    auto rows = hub_.store().Deliveries(message_id);
    if (!rows.ok()) return rows.status();
    const bool recipient = std::any_of(rows->begin(), rows->end(),
                                       [&](const auto& r) { return r.user_id == to.user_id; });
    if (!recipient) return NotFound(std::string(kNoSuchMessage));
    dissem::Message m = MessageFromJson(**record);
    auto hidden = hub_.store().HiddenAmong(to, m.object_refs);
    if (!hidden.ok()) return hidden.status();
    std::string frame = MessageFrame(**record, *hidden, realert, escalated_for);
    if (frame.empty()) return Internal("stored message is not JSON");
    return frame;
  }

  Status Start() {
    auto ids = hub_.store().MessagesWithDeadlines();
    if (!ids.ok()) return ids.status();
    for (const auto& id : *ids) {
      auto tracked = EnsureTracked(id);
      if (!tracked.ok()) return tracked.status();
    }
    TANSIQ_RETURN_IF_ERROR(ReloadWatches());
    subscription_ = hub_.commits().Subscribe([this](const CommitEvent& e) { MatchWatches(e); });
    if (options_.start_timer) timer_ = std::thread([this] { TimerLoop(); });
    if (!ids->empty()) spdlog::info("dissemination: resumed {} message(s)", ids->size());
    return Status::Ok();
  }

  // ---- sending

  void Send(const policy::Reader& sender, const json::object& body, SendDone done) {
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
        *own, m.object_refs,
        [&](std::string_view id) { return hub_.store().IsVisible(sender, id); },
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

  void SendFromHub(HubMessage hm, DoneWith done) {
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
  void StoreAndPush(const policy::Reader& writer, dissem::Message m, std::vector<Member> recipients,
                    dissem::EffectiveReleasability effective, dissem::MessageMarkings marked,
                    AlsoInTxn extra, std::string action, DoneWith done) {
    auto dir = hub_.directory();
    const std::string now = stix::FormatMicros(m.sent_at);
    const store::Party* party = dir->PartyByIndex(writer.party);
    const std::string creator = party ? party->identity_id : dir->hub_identity;

    json::array envelope;
    json::array markings;
    if (marked.tlp != stix::Tlp::kNone) markings.emplace_back(stix::TlpMarkingId(marked.tlp));
    if (!marked.releasable_to.empty() || !marked.recipients.empty()) {
      json::object ext{{"extension_type", "property-extension"}};
      if (!marked.releasable_to.empty()) ext["releasable_to_refs"] = Strings(marked.releasable_to);
      if (!marked.recipients.empty()) ext["recipients"] = Strings(marked.recipients);
      json::object marking{
          {"type", "marking-definition"},
          {"spec_version", "2.1"},
          {"id", Hub::NewId("marking-definition")},
          {"created_by_ref", creator},
          {"created", now},
          {"name", "releasability of message " + m.id},
          {"extensions",
           json::object{{std::string(stix::kReleasabilityExtensionId), std::move(ext)}}}};
      markings.emplace_back(marking.at("id"));
      envelope.emplace_back(std::move(marking));
    }
    json::array names;
    for (const Member& r : recipients) names.emplace_back(r.name);
    json::object object{
        {"type", stix::kMessageType},
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
                 action = std::move(action),
                 n = recipients.size()](store::WriteTxn& txn) -> Status {
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
    BeginWrite();
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
        {
          std::lock_guard lock(metrics_mu_);
          ++sent_[dissem::Index(m.precedence)];
        }
        done(m.id);
      }
      EndWrite();
    };
    IngestAll(hub_, writer, *dir->Coalition(), std::move(envelope), std::move(also),
              std::move(stored));
  }

  // ---- recipient state changes

  enum class Change { kReceived, kRead, kAcknowledged };

  void Apply(const policy::Reader& reader, std::string id, Change change, std::string session,
             DoneStatus done) {
    BeginWrite(id);  // before touching the tracker: nothing forgets this message meanwhile
    auto known = EnsureTracked(id);
    if (!known.ok() || !*known) {
      EndWrite(id);
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
      EndWrite(id);
      return done(s.code() == ErrorCode::kNotFound ? NotFound(std::string(kNoSuchMessage)) : s);
    }
    std::optional<MessageDelivery> after = snapshot();
    if (before && after) NotifySender(*before, *after);
    if (change == Change::kReceived) return PersistReceived(id, reader.user_id, std::move(done));
    Persist(id, reader, change == Change::kAcknowledged ? "message.ack" : "", std::move(done),
            own_rows_only);
  }

  // ---- reads

  Result<std::vector<OutgoingFrame>> Pending(const policy::Reader& reader) {
    auto entries = hub_.store().Inbox(reader.user_id, /*undelivered_only=*/true, kMaxPending, 0);
    if (!entries.ok()) return entries.status();
    std::vector<OutgoingFrame> out;
    for (const auto& e : *entries) {
      dissem::Message m = MessageFromJson(e.message);
      auto hidden = hub_.store().HiddenAmong(reader, m.object_refs);
      if (!hidden.ok()) return hidden.status();
      RecipientDelivery r = FromRecord(e.delivery);
      out.push_back(
          {e.message.id, m.precedence, MessageFrame(e.message, *hidden, 0, r.alternate_for)});
    }
    return out;
  }

  Result<std::string> View(const policy::Reader& reader, std::string_view id) {
    auto record = hub_.store().GetMessage(id);
    if (!record.ok()) return record.status();
    if (!record->has_value()) return NotFound(std::string(kNoSuchMessage));
    auto rows = hub_.store().Deliveries(id);
    if (!rows.ok()) return rows.status();
    const bool is_sender = (*record)->sender_user_id == reader.user_id;
    auto dir = hub_.directory();
    json::array recipients;
    bool is_recipient = false;
    for (const auto& row : *rows) {
      if (!is_sender && row.user_id != reader.user_id) continue;
      is_recipient |= row.user_id == reader.user_id;
      RecipientDelivery r = FromRecord(row);
      const store::Party* p = dir->PartyByIndex(r.recipient.party);
      recipients.push_back(json::object{{"user", r.recipient.name},
                                        {"party", p ? p->code : ""},
                                        {"state", dissem::DisplayState(r)},
                                        {"queued_at", TimeOrNull(r.queued_at)},
                                        {"delivered_at", TimeOrNull(r.delivered_at)},
                                        {"read_at", TimeOrNull(r.read_at)},
                                        {"acknowledged_at", TimeOrNull(r.acknowledged_at)},
                                        {"escalated_at", TimeOrNull(r.escalated_at)},
                                        {"alternate_for", r.alternate_for},
                                        {"covered_by", r.covered_by},
                                        {"realerts", r.realerts},
                                        {"escalated_to", Strings(r.escalated_to)},
                                        {"withheld_from", Strings(r.withheld_from)}});
    }
    if (!is_sender && !is_recipient) return NotFound(std::string(kNoSuchMessage));
    boost::system::error_code ec;
    json::value v = json::parse((*record)->json, ec);
    if (ec || !v.is_object()) return Internal("stored message is not JSON");
    json::object& o = v.get_object();
    if (!is_sender) o.erase("recipients");  // how the sender addressed it is theirs
    auto refs = StringsOf(o, "object_refs");
    auto hidden = hub_.store().HiddenAmong(reader, refs);
    if (!hidden.ok()) return hidden.status();
    std::erase_if(refs, [&](const std::string& r) {
      return std::find(hidden->begin(), hidden->end(), r) != hidden->end();
    });
    o["object_refs"] = Strings(refs);
    if (Withheld(**record, *hidden)) Withdraw(o);
    o["deliveries"] = std::move(recipients);
    return json::serialize(o);
  }

  Result<std::string> List(const policy::Reader& reader, bool sent, std::size_t limit,
                           std::size_t offset) {
    json::array out;
    auto summary = [](const store::MessageRecord& r) {
      boost::system::error_code ec;
      json::value v = json::parse(r.json, ec);
      json::object o;
      if (ec || !v.is_object()) return o;
      const json::object& m = v.get_object();
      for (const char* key : {"id", "precedence", "subject", "sent_at", "from", "lang"}) {
        if (const json::value* x = m.if_contains(key)) o[key] = *x;
      }
      return o;
    };
    if (sent) {
      auto records = hub_.store().Sent(reader.user_id, limit, offset);
      if (!records.ok()) return records.status();
      for (const auto& r : *records) {
        json::object o = summary(r);
        auto rows = hub_.store().Deliveries(r.id);
        if (!rows.ok()) return rows.status();
        std::map<std::string, int> states;
        for (const auto& row : *rows) ++states[std::string(dissem::DisplayState(FromRecord(row)))];
        json::object counts;
        for (const auto& [state, n] : states) counts[state] = n;
        o["recipients"] = rows->size();
        o["states"] = std::move(counts);
        out.push_back(std::move(o));
      }
    } else {
      auto entries = hub_.store().Inbox(reader.user_id, false, limit, offset);
      if (!entries.ok()) return entries.status();
      for (const auto& e : *entries) {
        json::object o = summary(e.message);
        if (WithdrawnFrom(hub_, reader, e.message)) Withdraw(o);
        RecipientDelivery r = FromRecord(e.delivery);
        o["state"] = dissem::DisplayState(r);
        o["alternate_for"] = r.alternate_for;
        out.push_back(std::move(o));
      }
    }
    return json::serialize(json::object{{"messages", std::move(out)}});
  }

  // ---- escalation

  std::vector<DeliveryAction> Tick() {
    // Tick changes messages in memory before their writes are counted: no message may be
    // forgotten (its change dropped) until those writes are submitted below.
    {
      std::lock_guard lock(writes_mu_);
      ++ticking_;
    }
    std::vector<DeliveryAction> actions = tracker_.Tick();
    DrainSamples();
    std::set<std::string> touched;
    std::map<std::string, std::vector<store::WebhookDelivery>> hooks;  // by message
    auto add_hooks = [&](const DeliveryAction& a, int realert, const std::string& escalated_for) {
      auto rows = HookRows(a.target, a.message_id, realert, escalated_for);
      auto& to = hooks[a.message_id];
      to.insert(to.end(), std::make_move_iterator(rows.begin()),
                std::make_move_iterator(rows.end()));
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
      BeginWrite(id);
      Persist(
          id, {0, "-", 0, 0}, "message.escalate",
          [](Status s) {
            if (!s.ok()) spdlog::error("persisting escalation: {}", s.message());
          },
          false, std::move(hooks[id]));
    }
    {
      std::lock_guard lock(writes_mu_);
      --ticking_;
    }
    return actions;
  }

  // ---- watches

  void AddWatch(const policy::Reader& reader, const json::object& body, DoneWith done) {
    auto existing = hub_.store().Watches(reader.user_id);
    if (!existing.ok()) return done(existing.status());
    if (existing->size() >= kMaxWatchesPerUser) {
      return done(
          Unprocessable("at most " + std::to_string(kMaxWatchesPerUser) + " watch rules per user"));
    }
    store::WatchRecord w{Hub::NewUuid(), reader.user_id, hub_.clock().NowMicros(), ""};
    auto rule = ParseWatch(reader, body, &w, false);
    if (!rule.ok()) return done(rule.status());
    BeginWrite();
    hub_.store().Submit([w](store::WriteTxn& txn) { return txn.PutWatch(w); },
                        [this, w, done = std::move(done)](Status s) {
                          if (s.ok()) s = ReloadWatches();
                          done(s.ok() ? Result<std::string>(w.id) : Result<std::string>(s));
                          EndWrite();
                        });
  }

  Result<std::string> ListWatches(const policy::Reader& reader) {
    auto watches = hub_.store().Watches(reader.user_id);
    if (!watches.ok()) return watches.status();
    json::array out;
    for (const auto& w : *watches) {
      boost::system::error_code ec;
      json::value v = json::parse(w.json, ec);
      if (ec || !v.is_object()) continue;
      v.get_object()["id"] = w.id;
      v.get_object()["created"] = stix::FormatMicros(w.created);
      out.push_back(std::move(v));
    }
    return json::serialize(json::object{{"watches", std::move(out)}});
  }

  void DeleteWatch(const policy::Reader& reader, std::string id, DoneStatus done) {
    auto gone = std::make_shared<bool>(false);
    BeginWrite();
    hub_.store().Submit(
        [id, user = reader.user_id, gone](store::WriteTxn& txn) -> Status {
          auto r = txn.DeleteWatch(id, user);
          if (!r.ok()) return r.status();
          *gone = *r;
          return Status::Ok();
        },
        [this, gone, done = std::move(done)](Status s) {
          if (s.ok() && !*gone) s = NotFound("no such watch");
          if (s.ok()) s = ReloadWatches();
          done(s);
          EndWrite();
        });
  }

  std::string Metrics() {
    DrainSamples();
    std::string out;
    {
      std::lock_guard lock(metrics_mu_);
      histograms_.Write(out);
      out += "# HELP tansiq_messages_sent_total Messages accepted for dissemination.\n";
      out += "# TYPE tansiq_messages_sent_total counter\n";
      for (Precedence p : dissem::kAllPrecedences) {
        out += "tansiq_messages_sent_total{precedence=\"" + std::string(dissem::PrecedenceName(p)) +
               "\"} " + std::to_string(sent_[dissem::Index(p)]) + "\n";
      }
    }
    out += "# HELP tansiq_messages_tracked Messages with deliveries held in memory.\n";
    out += "# TYPE tansiq_messages_tracked gauge\n";
    out += "tansiq_messages_tracked " + std::to_string(tracker_.size()) + "\n";
    return out;
  }

  void Flush() {
    WaitForWrites();
    hub_.commits().Drain();
    WaitForWrites();
  }

 private:
  // ---- tracking

  // Loads message `id` into the tracker if it is not there; false when no such message.
  Result<bool> EnsureTracked(const std::string& id) {
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

  // The releasability a stored message was sent under, recomputed from the hub as it is now
  // (a recalled reference narrows it). Empty — no alternate may be alerted — when it cannot
  // be rebuilt.
  dissem::EffectiveReleasability EffectiveOf(const dissem::Message& m, const Member& sender) {
    auto dir = hub_.directory();
    auto party_of = [&](std::string_view s) { return dir->PartyOfIdentity(s); };
    dissem::Message copy = m;
    copy.sender_party = sender.party;
    auto own = dissem::MessageReleasability(copy, dir->all_parties, party_of);
    if (!own.ok()) return {};
    const policy::Reader reader = sender.AsReader();
    auto effective = dissem::EffectiveFor(
        *own, m.object_refs,
        [&](std::string_view id) { return hub_.store().IsVisible(reader, id); },
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
  std::function<bool(const policy::Reader&)> ReadsRefs(std::vector<std::string> refs) {
    if (refs.empty()) return {};
    return [this, refs = std::move(refs)](const policy::Reader& reader) {
      auto hidden = hub_.store().HiddenAmong(reader, refs);
      return hidden.ok() && hidden->empty();  // a failed lookup refuses: fail closed
    };
  }

  std::vector<Member> AlternatesOf(const Member& m) {
    std::vector<Member> out;
    auto user = hub_.store().UserById(m.user_id);
    if (!user.ok() || !user->has_value()) return out;
    for (const auto& name : (*user)->alternates) {
      auto alt = hub_.store().UserByName(name);
      if (alt.ok() && alt->has_value()) out.push_back(ToMember(**alt));
    }
    return out;
  }

  // Writes the tracker's current rows of message `id` (read when the job runs, so a later job
  // never writes an older state): every recipient's, or with `own_rows_only` just the actor's
  // (a delivery confirmation must not rewrite all N rows: N confirmations of one message
  // would write N² rows). With an audit record when `action` is set. The caller has called
  // BeginWrite.
  // `hooks`: webhook outbox rows the change causes (escalation copies), written with it.
  void Persist(const std::string& id, const policy::Reader& actor, std::string action,
               DoneStatus done, bool own_rows_only = false,
               std::vector<store::WebhookDelivery> hooks = {}) {
    auto dir = hub_.directory();
    const store::Party* party = dir->PartyByIndex(actor.party);
    std::string party_code = party ? party->code : "-";
    hub_.store().Submit(
        [this, id, actor, action, party_code, own_rows_only,
         hooks](store::WriteTxn& txn) -> Status {
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
          EndWrite(id);
        });
  }

  // Writes the row of a `received` confirmation. Confirmations arrive by the thousand per
  // message (one per recipient session), so they are batched: one store job, submitted by the
  // first confirmation while none is queued, writes the rows of every confirmation gathered
  // until it runs (one savepoint for all, inside the store's group commit) and answers each
  // of them once that commit is durable. Nothing is answered before its row is durable; a
  // failed batch answers every confirmation in it with the error. The caller has called
  // BeginWrite(id).
  void PersistReceived(const std::string& id, std::int64_t user_id, DoneStatus done) {
    {
      std::lock_guard lock(confirm_mu_);
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
      std::lock_guard lock(confirm_mu_);
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
            EndWrite(c.id);
          }
        });
  }

  // A message is forgotten (reloaded on demand) once nothing is pending for it: every
  // recipient has it and no acknowledgement deadline is open.
  static bool Settled(const MessageDelivery& d) {
    return std::all_of(d.recipients.begin(), d.recipients.end(), [](const RecipientDelivery& r) {
      return r.delivered_at != 0 && r.deadline == 0;
    });
  }

  // Counts writes in flight, overall (Flush) and per message: a message is only forgotten
  // when no write of its state is pending, so no change made in memory is ever dropped.
  void BeginWrite(const std::string& id = {}) {
    std::lock_guard lock(writes_mu_);
    ++writes_;
    if (!id.empty()) ++writes_of_[id];
  }
  void EndWrite(const std::string& id = {}) {
    std::lock_guard lock(writes_mu_);
    if (!id.empty()) {
      auto it = writes_of_.find(id);
      if (it != writes_of_.end() && --it->second == 0) {
        writes_of_.erase(it);
        // No copy of all N rows per confirmation; never while a Tick is between changing
        // messages and counting their writes.
        if (ticking_ == 0) tracker_.ForgetIf(id, Settled);
      }
    }
    if (--writes_ == 0) writes_done_.notify_all();
  }
  void WaitForWrites() {
    std::unique_lock lock(writes_mu_);
    writes_done_.wait(lock, [&] { return writes_ == 0; });
  }

  // ---- pushing

  void Push(std::int64_t user_id, OutgoingFrame frame) {
    if (PushSink* sink = sink_.load()) sink->Push(user_id, frame);
  }

  void PushMessage(const Member& to, const store::MessageRecord& record, int realert,
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
  void PushToAll(const std::vector<Member>& to, const store::MessageRecord& record) {
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
  bool SenderOnline(const std::string& id) {
    PushSink* sink = sink_.load();
    if (sink == nullptr) return false;
    // FindFor of a user who is no recipient copies the message's header and none of its rows.
    std::optional<MessageDelivery> header = tracker_.FindFor(id, kNoUser);
    return header && sink->Online(header->sender.user_id);
  }

  // Tells the sender about every recipient whose displayed state changed.
  void NotifySender(const MessageDelivery& before, const MessageDelivery& after) {
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

  void DrainSamples() {
    auto samples = tracker_.TakeLatencySamples();
    std::lock_guard lock(metrics_mu_);
    for (const auto& s : samples) histograms_.Add(s);
  }

  void TimerLoop() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      wake_.wait_for(lock, options_.tick_interval, [&] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      Tick();
      lock.lock();
    }
  }

  // ---- watch rules

  // A rule from a request (`from_store` false), or as stored (true: its `group_keys`, resolved
  // when it was accepted, are taken as they are — alias keys are stable across registry
  // versions, names may move).
  Result<WatchRule> ParseWatch(const policy::Reader& reader, const json::object& body,
                               store::WatchRecord* record, bool from_store) {
    WatchRule rule;
    rule.reader = reader;
    json::object stored;
    for (const auto& [key, value] : body) {
      if (key != "query" && key != "types" && key != "places" && key != "parties" &&
          key != "groups" && key != "precedence" && !(from_store && key == "group_keys")) {
        return InvalidArgument("unknown field '" + std::string(key) + "'");
      }
    }
    auto list = [&](std::string_view key) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      const json::value* v = body.if_contains(key);
      if (!v || v->is_null()) return out;
      if (!v->is_array()) return InvalidArgument(std::string(key) + ": must be a list of strings");
      for (const auto& e : v->get_array()) {
        if (!e.is_string() || e.get_string().empty() || e.get_string().size() > 200) {
          return InvalidArgument(std::string(key) + ": must be a list of non-empty strings");
        }
        out.emplace_back(e.get_string());
      }
      if (out.size() > 50) return InvalidArgument(std::string(key) + ": at most 50 entries");
      return out;
    };
    auto dir = hub_.directory();
    if (const json::value* q = body.if_contains("query"); q && !q->is_null()) {
      if (!q->is_string()) return InvalidArgument("query: must be a string");
      if (!q->get_string().empty()) {
        SearchRequest req;
        req.q = std::string(q->get_string());
        auto built = BuildSearch(hub_, req);
        if (!built.ok()) return InvalidArgument("query: " + built.status().message());
        rule.query = std::move(*built);
        stored["query"] = req.q;
      }
    }
    auto types = list("types");
    if (!types.ok()) return types.status();
    for (const auto& t : *types) rule.types.insert(t);
    if (!types->empty()) stored["types"] = Strings(*types);
    auto parties = list("parties");
    if (!parties.ok()) return parties.status();
    for (const auto& p : *parties) {
      const store::Party* party = dir->PartyByCode(p);
      std::optional<policy::PartyIndex> index =
          party ? std::optional(party->index) : dir->PartyOfIdentity(p);
      if (!index) return InvalidArgument("parties: unknown party '" + p + "'");
      rule.parties.insert(*index);
    }
    if (!parties->empty()) stored["parties"] = Strings(*parties);
    auto places = list("places");
    if (!places.ok()) return places.status();
    if (!places->empty()) {
      std::string q;
      for (const auto& p : *places) {
        std::string quoted;
        for (char c : p) {
          if (c != '"') quoted += c;
        }
        q += (q.empty() ? "" : " OR ") + ("\"" + quoted + "\"");
      }
      SearchRequest req;
      req.q = q;
      auto built = BuildSearch(hub_, req);
      if (!built.ok()) return InvalidArgument("places: " + built.status().message());
      rule.places = std::move(*built);
      stored["places"] = Strings(*places);
    }
    auto groups = list("groups");
    if (!groups.ok()) return groups.status();
    if (!groups->empty()) {
      std::vector<std::string> keys;
      if (from_store) {
        auto stored_keys = list("group_keys");
        if (!stored_keys.ok()) return stored_keys.status();
        keys = std::move(*stored_keys);
      } else {
        auto resolved = ResolveGroups(*groups);
        if (!resolved.ok()) return resolved.status();
        keys = std::move(*resolved);
      }
      if (keys.empty()) return InvalidArgument("groups: no resolved group keys");
      rule.groups.insert(keys.begin(), keys.end());
      stored["groups"] = Strings(*groups);
      stored["group_keys"] = Strings(keys);
    }
    if (const json::value* p = body.if_contains("precedence"); p && !p->is_null()) {
      if (!p->is_string()) return InvalidArgument("precedence: must be a string");
      auto prec = dissem::ParsePrecedence(p->get_string());
      if (!prec.ok()) return InvalidArgument("precedence: " + prec.status().message());
      rule.precedence = *prec;
    }
    stored["precedence"] = dissem::PrecedenceName(rule.precedence);
    if (!rule.query && !rule.places && rule.types.empty() && rule.parties.empty() &&
        rule.groups.empty()) {
      return InvalidArgument("a watch needs at least one of query, types, places, parties, groups");
    }
    record->json = json::serialize(stored);
    rule.record = *record;
    return rule;
  }

  // The alias-registry keys of the groups a person named (any script, or a key itself), in
  // order, without repeats. Unknown or ambiguous names: 422 naming the value.
  Result<std::vector<std::string>> ResolveGroups(const std::vector<std::string>& names) {
    const text::AliasRegistry* aliases = hub_.aliases();
    if (!aliases) return Unprocessable("groups: this hub has no alias registry loaded");
    std::vector<std::string> keys;
    for (const auto& name : names) {
      auto g = aliases->Resolve(name);
      if (!g.ok()) return Unprocessable("groups: " + g.status().message());
      const std::string& key = aliases->Key(*g);
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    return keys;
  }

  Status ReloadWatches() {
    auto records = hub_.store().Watches(std::nullopt);
    if (!records.ok()) return records.status();
    std::vector<WatchRule> rules;
    for (const auto& w : *records) {
      auto user = hub_.store().UserById(w.user_id);
      if (!user.ok()) return user.status();
      if (!user->has_value() || (*user)->disabled) continue;
      boost::system::error_code ec;
      json::value v = json::parse(w.json, ec);
      if (ec || !v.is_object()) continue;
      store::WatchRecord copy = w;
      const store::User& u = **user;
      auto rule = ParseWatch({u.id, u.name, u.party, u.roles}, v.get_object(), &copy, true);
      if (!rule.ok()) {
        spdlog::warn("watch {} no longer parses: {}", w.id, rule.status().message());
        continue;
      }
      rule->record = w;
      rules.push_back(std::move(*rule));
    }
    std::lock_guard lock(watches_mu_);
    watches_ = std::make_shared<const std::vector<WatchRule>>(std::move(rules));
    return Status::Ok();
  }

  // Runs on the commit feed's thread, after commit: each new object each watcher may see
  // and that matches their rule becomes a message to them.
  void MatchWatches(const CommitEvent& event) {
    if (event.gap) {
      // Objects committed while the feed overflowed were not matched; nothing replays them.
      spdlog::warn(
          "watch rules: the commit feed overflowed ({} events dropped so far); objects "
          "stored meanwhile were not matched against watch rules",
          hub_.commits().dropped());
      return;
    }
    std::shared_ptr<const std::vector<WatchRule>> watches;
    {
      std::lock_guard lock(watches_mu_);
      watches = watches_;
    }
    if (!watches || watches->empty()) return;
    for (const StoredObject& o : event.objects) {
      if (o.type == stix::kMessageType || o.type == "marking-definition") continue;
      // The groups the object mentions, read once for all rules that name groups: the entity
      // keys the correlator wrote for it (it listens on the feed before this matcher, and
      // writes before it returns). Nothing analysed: no group matches.
      std::optional<std::vector<std::string>> mentioned;
      auto mentions_any = [&](const std::set<std::string>& groups) {
        if (!mentioned) {
          mentioned.emplace();
          auto record = hub_.store().Analysis(o.id);
          if (record.ok() && record->has_value()) {
            for (const auto& k : (*record)->keys) {
              if (k.starts_with(store::kGroupKeyPrefix))
                mentioned->push_back(k.substr(store::kGroupKeyPrefix.size()));
            }
          }
        }
        return std::any_of(mentioned->begin(), mentioned->end(),
                           [&](const std::string& k) { return groups.contains(k); });
      };
      for (const WatchRule& w : *watches) {
        if (w.reader.user_id == event.writer.user_id) continue;  // their own writes
        if (!w.types.empty() && !w.types.contains(o.type)) continue;
        if (!w.parties.empty() && !w.parties.contains(o.releasability.originator)) continue;
        if (!hub_.store().IsVisible(w.reader, o.id)) continue;
        if (w.query && !Matches(*w.query, o.id)) continue;
        if (w.places && !Matches(*w.places, o.id)) continue;
        if (!w.groups.empty() && !mentions_any(w.groups)) continue;
        SendWatchMessage(w, o);
      }
    }
  }

  bool Matches(const store::SearchQuery& q, const std::string& id) {
    auto r = hub_.store().MatchesSearch(q, id);
    return r.ok() && *r;
  }

  void SendWatchMessage(const WatchRule& w, const StoredObject& o) {
    HubMessage m;
    m.recipients = {w.reader.user_id};
    m.precedence = w.precedence;
    std::string title = o.search.title.empty() ? o.id : o.search.title;
    if (title.size() > 300) title.resize(300);
    m.subject = "Watch: " + title;
    m.body = o.type + " " + o.id;
    m.object_refs = {o.id};
    m.tlp = stix::Tlp::kRed;  // only the watcher reads the notice itself
    SendFromHub(std::move(m), [id = o.id](Result<std::string> r) {
      if (!r.ok()) spdlog::warn("watch message for {}: {}", id, r.status().message());
    });
  }

  Hub& hub_;
  const MessagingOptions options_;
  dissem::DeliveryTracker tracker_;
  std::atomic<PushSink*> sink_{nullptr};
  std::atomic<Webhooks*> webhooks_{nullptr};

  std::mutex writes_mu_;
  std::condition_variable writes_done_;
  int writes_ = 0;  // guarded by writes_mu_: submitted, not yet done
  std::unordered_map<std::string, int> writes_of_;  // guarded by writes_mu_
  int ticking_ = 0;                                 // guarded by writes_mu_

  // `received` confirmations waiting for their batched write (PersistReceived).
  struct Confirmation {
    std::string id;
    std::int64_t user_id = 0;
    DoneStatus done;
  };
  std::mutex confirm_mu_;
  std::vector<Confirmation> confirms_;  // guarded by confirm_mu_
  bool confirm_job_queued_ = false;     // guarded by confirm_mu_

  std::mutex metrics_mu_;
  Histograms histograms_;                                       // guarded by metrics_mu_
  std::array<std::uint64_t, dissem::kPrecedenceCount> sent_{};  // guarded by metrics_mu_

  std::mutex watches_mu_;
  std::shared_ptr<const std::vector<WatchRule>> watches_;  // guarded by watches_mu_

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread timer_;
  std::size_t subscription_ = 0;  // the watch matcher's, on the hub's commit feed
};

Messenger::Messenger(Hub& hub, MessagingOptions options)
    : impl_(std::make_unique<Impl>(hub, std::move(options))) {}
Messenger::~Messenger() = default;
void Messenger::SetSink(PushSink* sink) { impl_->SetSink(sink); }
void Messenger::SetWebhooks(Webhooks* webhooks) { impl_->SetWebhooks(webhooks); }
Result<std::string> Messenger::FrameFor(const policy::Reader& to, std::string_view message_id,
                                        int realert, std::string_view escalated_for) {
  return impl_->FrameFor(to, message_id, realert, escalated_for);
}
Status Messenger::Start() { return impl_->Start(); }
void Messenger::Send(const policy::Reader& sender, const json::object& body, SendDone done) {
  impl_->Send(sender, body, std::move(done));
}
void Messenger::SendFromHub(HubMessage message, DoneWith done) {
  impl_->SendFromHub(std::move(message), std::move(done));
}
void Messenger::Received(const policy::Reader& reader, std::string id, std::string session,
                         DoneStatus done) {
  impl_->Apply(reader, std::move(id), Impl::Change::kReceived, std::move(session), std::move(done));
}
void Messenger::Read(const policy::Reader& reader, std::string id, DoneStatus done) {
  impl_->Apply(reader, std::move(id), Impl::Change::kRead, "", std::move(done));
}
void Messenger::Acknowledge(const policy::Reader& reader, std::string id, DoneStatus done) {
  impl_->Apply(reader, std::move(id), Impl::Change::kAcknowledged, "", std::move(done));
}
Result<std::vector<OutgoingFrame>> Messenger::Pending(const policy::Reader& reader) {
  return impl_->Pending(reader);
}
Result<std::string> Messenger::View(const policy::Reader& reader, std::string_view id) {
  return impl_->View(reader, id);
}
Result<std::string> Messenger::List(const policy::Reader& reader, bool sent, std::size_t limit,
                                    std::size_t offset) {
  return impl_->List(reader, sent, limit, offset);
}
void Messenger::AddWatch(const policy::Reader& reader, const json::object& body, DoneWith done) {
  impl_->AddWatch(reader, body, std::move(done));
}
Result<std::string> Messenger::ListWatches(const policy::Reader& reader) {
  return impl_->ListWatches(reader);
}
void Messenger::DeleteWatch(const policy::Reader& reader, std::string id, DoneStatus done) {
  impl_->DeleteWatch(reader, std::move(id), std::move(done));
}
std::vector<DeliveryAction> Messenger::Tick() { return impl_->Tick(); }
std::string Messenger::Metrics() { return impl_->Metrics(); }
void Messenger::Flush() { impl_->Flush(); }

}  // namespace tansiq::hub
