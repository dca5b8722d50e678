// The stored forms of a message and its deliveries (store::MessageRecord::json,
// store::DeliveryRecord), the frames built from them, and small JSON helpers: shared by the
// Messenger's files (sending, delivery state, escalation, reads) and the watch rules. Internal
// to hub/; no I/O (a reader's hidden references are the caller's to look up).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/clock.h"
#include "dissem/delivery.h"
#include "dissem/message.h"
#include "dissem/recipients.h"
#include "hub/hub.h"
#include "store/store.h"

namespace tansiq::hub::internal {

boost::json::value TimeOrNull(Micros t);  // null for 0, else the STIX timestamp
boost::json::array Strings(const std::vector<std::string>& v);
// The strings of the array under `key` (others skipped; absent: empty).
std::vector<std::string> StringsOf(const boost::json::object& o, std::string_view key);
std::string StringOf(const boost::json::object& o, std::string_view key);

dissem::Member ToMember(const store::User& u);
// A party's identity id from the directory (empty for the hub's pseudo-party). `dir` must
// outlive the result.
dissem::IdentityOfParty IdentityOfParty(const Directory& dir);

// The message as kept in store::MessageRecord::json and sent in frames.
boost::json::object MessageJson(const dissem::Message& m, const Directory& dir);
// The message back from its stored JSON (what Restore and frames need).
dissem::Message MessageFromJson(const store::MessageRecord& r);

// Whether `r`'s subject and body are withheld from a reader from whom `hidden` (of its
// references) are hidden: messages the hub wrote itself (no sending user) only. A member's
// message is the member's own text, released by them; only its references are stripped.
bool Withheld(const store::MessageRecord& r, const std::vector<std::string>& hidden);
// Replaces the subject and body of a withheld message (Withheld).
void Withdraw(boost::json::object& m);

// A `message` frame from the stored message JSON, without the references `hidden` from the
// reader (and, for a message the hub wrote, without its text: Withheld), marked as a re-alert
// or an escalation when it is one.
std::string MessageFrame(const store::MessageRecord& record, const std::vector<std::string>& hidden,
                         int realert, std::string_view escalated_for);

// RecipientDelivery <-> store::DeliveryRecord (the names and history go in `detail`).
store::DeliveryRecord ToRecord(const std::string& message_id, const dissem::RecipientDelivery& r);
dissem::RecipientDelivery FromRecord(const store::DeliveryRecord& d);

}  // namespace tansiq::hub::internal
