// Dissemination messages: precedence, the message record, and the parser of the
// POST /api/v1/messages body (issue 4). Pure: no I/O; ids, sender and time come from the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"
#include "stix/markings.h"

namespace tansiq::dissem {

// Enumerators run from the highest precedence (FLASH) to the lowest (ROUTINE), so the
// enumerator value is also an array index; compare urgency with Outranks, not with `<`.
enum class Precedence { kFlash = 0, kImmediate = 1, kPriority = 2, kRoutine = 3 };
inline constexpr int kPrecedenceCount = 4;
inline constexpr Precedence kAllPrecedences[] = {Precedence::kFlash, Precedence::kImmediate,
                                                 Precedence::kPriority, Precedence::kRoutine};

// Parses "flash", "immediate", "priority", "routine" (ASCII case-insensitive).
Result<Precedence> ParsePrecedence(std::string_view name);
std::string_view PrecedenceName(Precedence p);  // "flash", ...
// True when `a` is more urgent than `b` (FLASH outranks IMMEDIATE outranks ...).
constexpr bool Outranks(Precedence a, Precedence b) {
  return static_cast<int>(a) < static_cast<int>(b);
}
constexpr int Index(Precedence p) { return static_cast<int>(p); }

// Parses a TLP level as sent in the message body: "clear" (or its TLP 1.0 name "white"),
// "green", "amber", "amber+strict", "red"; ASCII case-insensitive, an optional "tlp:" prefix.
Result<stix::Tlp> ParseTlpName(std::string_view name);

// Who a message is addressed to, as the sender wrote it. Resolution to users is in
// recipients.h. Value type.
struct RecipientSpec {
  std::vector<std::string> parties;  // party identity ids ("identity--...") or party codes
  std::uint32_t roles = 0;           // policy::Role bits; 0: every user of `parties`
  std::vector<std::string> users;    // user names
  bool operator==(const RecipientSpec&) const = default;
};

// One dissemination. Value type; thread-compatible.
struct Message {
  std::string id;  // assigned by the caller when the message is accepted
  Precedence precedence = Precedence::kRoutine;
  std::string subject;
  std::string body;
  std::string lang;                      // BCP 47-like tag ("ar", "en-GB"); may be empty
  std::vector<std::string> object_refs;  // STIX ids of referenced objects, no duplicates
  RecipientSpec recipients;
  stix::Tlp tlp = stix::Tlp::kNone;        // kNone: unmarked, the sender's party alone
  std::vector<std::string> releasable_to;  // party identity ids, no duplicates
  // Filled by the caller from the authenticated sender and the clock.
  std::int64_t sender_user_id = 0;
  std::string sender_user;
  policy::PartyIndex sender_party = 0;
  Micros sent_at = 0;
  bool operator==(const Message&) const = default;
};

// Limits on untrusted input, in UTF-8 bytes or list entries.
inline constexpr std::size_t kMaxSubjectBytes = 512;
inline constexpr std::size_t kMaxBodyBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxLangBytes = 35;
inline constexpr std::size_t kMaxObjectRefs = 100;
inline constexpr std::size_t kMaxRecipientParties = policy::kMaxParties;
inline constexpr std::size_t kMaxRecipientUsers = 1000;
inline constexpr std::size_t kMaxNameBytes = 128;  // a user name or party code

// Parses the body of POST /api/v1/messages:
//   {"precedence", "subject", "body"?, "lang"?, "object_refs"?,
//    "recipients": {"parties"?, "roles"?, "users"?}, "tlp"?, "releasable_to"?}
// Every error is InvalidArgument (400) naming the field; unknown fields are refused so a
// misspelt "recipient" is not silently ignored. The result has no id, sender or time.
// Rules: precedence required; subject required, not blank, no control characters; lists of
// strings only; object_refs and releasable_to are STIX ids (identity ids for releasable_to);
// at least one recipient; roles need parties (a role alone names no one).
Result<Message> ParseMessage(const boost::json::object& body);

}  // namespace tansiq::dissem
