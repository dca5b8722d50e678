// Reads of messages: the durable queue replayed on connect, a message view, the inbox and
// sent boxes, a recipient's frame for a webhook post; references hidden from the reader are
// removed (and the text of a hub message about them withdrawn).
#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "hub/internal/message_records.h"
#include "hub/internal/messenger_impl.h"

namespace tansiq::hub {

namespace json = boost::json;
constexpr std::size_t kMaxPending = 100'000;  // frames replayed on one connect
using dissem::OutgoingFrame;
using dissem::RecipientDelivery;
using internal::FromRecord;
using internal::MessageFrame;
using internal::MessageFromJson;
using internal::Strings;
using internal::StringsOf;
using internal::TimeOrNull;
using internal::Withdraw;
using internal::Withheld;

Result<std::vector<OutgoingFrame>> Messenger::Impl::Pending(const policy::Reader& reader) {
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

Result<std::string> Messenger::Impl::View(const policy::Reader& reader, std::string_view id) {
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

Result<std::string> Messenger::Impl::List(const policy::Reader& reader, bool sent,
                                          std::size_t limit, std::size_t offset) {
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

Result<std::string> Messenger::Impl::FrameFor(const policy::Reader& to, std::string_view message_id,
                                              int realert, std::string_view escalated_for) {
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

bool WithdrawnFrom(Hub& hub, const policy::Reader& reader, const store::MessageRecord& r) {
  if (r.sender_user_id != 0) return false;
  auto refs = MessageFromJson(r).object_refs;
  if (refs.empty()) return false;
  auto hidden = hub.store().HiddenAmong(reader, refs);
  return !hidden.ok() || Withheld(r, *hidden);  // a failed lookup withdraws: fail closed
}

}  // namespace tansiq::hub
