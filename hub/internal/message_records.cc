// The stored forms of a message and its deliveries, and the frames built from them.
#include "hub/internal/message_records.h"

#include "hub/messages.h"

#include <algorithm>

#include "stix/timestamp.h"

namespace tansiq::hub {
namespace internal {

namespace json = boost::json;
using dissem::DeliveryState;
using dissem::Member;
using dissem::Precedence;
using dissem::RecipientDelivery;

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

}  // namespace internal

}  // namespace tansiq::hub
