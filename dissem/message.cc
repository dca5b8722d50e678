// Precedence names and the parser of the POST /api/v1/messages body.
#include "dissem/message.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

#include <boost/json/value.hpp>

#include "stix/identifier.h"

namespace tansiq::dissem {
namespace {

constexpr std::array<std::string_view, kPrecedenceCount> kPrecedenceNames = {"flash", "immediate",
                                                                             "priority", "routine"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A short, printable rendering of untrusted text for an error message.
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (s.size() > 64) out += "...";
  return out + "'";
}

Status Field(std::string_view field, std::string_view problem) {
  return InvalidArgument(std::string(field) + ": " + std::string(problem));
}

// Control characters other than tab, CR and LF (those only when `multiline`).
bool HasControl(std::string_view s, bool multiline) {
  return std::any_of(s.begin(), s.end(), [multiline](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0x7f) return true;
    if (u >= 0x20) return false;
    return !(multiline && (c == '\n' || c == '\r' || c == '\t'));
  });
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

Result<std::string> OptionalString(const boost::json::object& o, std::string_view key,
                                   std::string_view field) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return Field(field, "must be a string");
  return std::string(v->get_string());
}

// A list of distinct non-empty strings (duplicates dropped, first occurrence kept).
Result<std::vector<std::string>> StringList(const boost::json::object& o, std::string_view key,
                                            std::string_view field, std::size_t max_entries,
                                            std::size_t max_bytes) {
  std::vector<std::string> out;
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) return Field(field, "must be an array of strings");
  const boost::json::array& a = v->get_array();
  if (a.size() > max_entries) {
    return Field(field, "too many entries (" + std::to_string(a.size()) + ", at most " +
                            std::to_string(max_entries) + ")");
  }
  for (const boost::json::value& e : a) {
    if (!e.is_string()) return Field(field, "must be an array of strings");
    std::string_view s = e.get_string();
    if (s.empty()) return Field(field, "empty entry");
    if (s.size() > max_bytes) return Field(field, "entry too long " + Quote(s));
    if (HasControl(s, false)) return Field(field, "control character in " + Quote(s));
    if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
  }
  return out;
}

bool IsLangTag(std::string_view s) {
  if (s.empty() || s.size() > kMaxLangBytes || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
  });
}

// A party code as the hub defines them: [a-z0-9-].
bool IsPartyCode(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNameBytes && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Status CheckKeys(const boost::json::object& o, std::initializer_list<std::string_view> known,
                 std::string_view prefix) {
  for (const auto& kv : o) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      return InvalidArgument("unknown field " + Quote(std::string(prefix) + std::string(kv.key())));
    }
  }
  return Status::Ok();
}

Status ParseRecipients(const boost::json::object& body, RecipientSpec& spec) {
  const boost::json::value* v = body.if_contains("recipients");
  if (v == nullptr || v->is_null()) return Field("recipients", "required");
  if (!v->is_object()) return Field("recipients", "must be an object");
  const boost::json::object& r = v->get_object();
  TANSIQ_RETURN_IF_ERROR(CheckKeys(r, {"parties", "roles", "users"}, "recipients."));

  Result<std::vector<std::string>> parties =
      StringList(r, "parties", "recipients.parties", kMaxRecipientParties, kMaxNameBytes);
  if (!parties.ok()) return parties.status();
  for (const std::string& p : *parties) {
    // "--" marks an identity id (a party code never has it); anything else is a code.
    const bool ok = p.find("--") != std::string::npos
                        ? stix::IsValidIdentifier(p) && stix::IdentifierType(p) == "identity"
                        : IsPartyCode(p);
    if (!ok) {
      return Field("recipients.parties", "not a party code or identity id: " + Quote(p));
    }
  }
  Result<std::vector<std::string>> roles =
      StringList(r, "roles", "recipients.roles", 16, kMaxNameBytes);
  if (!roles.ok()) return roles.status();
  for (const std::string& name : *roles) {
    Result<std::uint32_t> role = policy::ParseRole(name);
    if (!role.ok()) return Field("recipients.roles", "unknown role " + Quote(name));
    spec.roles |= *role;
  }
  Result<std::vector<std::string>> users =
      StringList(r, "users", "recipients.users", kMaxRecipientUsers, kMaxNameBytes);
  if (!users.ok()) return users.status();

  spec.parties = std::move(*parties);
  spec.users = std::move(*users);
  if (spec.roles != 0 && spec.parties.empty()) {
    return Field("recipients.roles", "needs recipients.parties (a role alone names no one)");
  }
  if (spec.parties.empty() && spec.users.empty()) {
    return Field("recipients", "name at least one party or user");
  }
  return Status::Ok();
}

}  // namespace

Result<Precedence> ParsePrecedence(std::string_view name) {
  const std::string lower = Lower(name);
  for (Precedence p : kAllPrecedences) {
    if (lower == kPrecedenceNames[Index(p)]) return p;
  }
  return InvalidArgument("unknown precedence " + Quote(name) +
                         " (flash, immediate, priority or routine)");
}

std::string_view PrecedenceName(Precedence p) { return kPrecedenceNames[Index(p)]; }

Result<stix::Tlp> ParseTlpName(std::string_view name) {
  std::string lower = Lower(name);
  if (lower.starts_with("tlp:")) lower.erase(0, 4);
  if (lower == "clear" || lower == "white") return stix::Tlp::kClear;
  if (lower == "green") return stix::Tlp::kGreen;
  if (lower == "amber") return stix::Tlp::kAmber;
  if (lower == "amber+strict") return stix::Tlp::kAmberStrict;
  if (lower == "red") return stix::Tlp::kRed;
  return InvalidArgument("unknown TLP level " + Quote(name) +
                         " (clear, green, amber, amber+strict or red)");
}

Result<Message> ParseMessage(const boost::json::object& body) {
  TANSIQ_RETURN_IF_ERROR(CheckKeys(body,
                                   {"precedence", "subject", "body", "lang", "object_refs",
                                    "recipients", "tlp", "releasable_to"},
                                   ""));
  Message m;

  const boost::json::value* precedence = body.if_contains("precedence");
  if (precedence == nullptr || precedence->is_null()) return Field("precedence", "required");
  if (!precedence->is_string()) return Field("precedence", "must be a string");
  Result<Precedence> p = ParsePrecedence(precedence->get_string());
  if (!p.ok()) return Field("precedence", p.status().message());
  m.precedence = *p;

  const boost::json::value* subject = body.if_contains("subject");
  if (subject == nullptr || subject->is_null()) return Field("subject", "required");
  if (!subject->is_string()) return Field("subject", "must be a string");
  m.subject = std::string(subject->get_string());
  if (IsBlank(m.subject)) return Field("subject", "must not be empty");
  if (m.subject.size() > kMaxSubjectBytes) {
    return Field("subject", "too long (at most " + std::to_string(kMaxSubjectBytes) + " bytes)");
  }
  if (HasControl(m.subject, false)) return Field("subject", "control characters not allowed");

  Result<std::string> text = OptionalString(body, "body", "body");
  if (!text.ok()) return text.status();
  m.body = std::move(*text);
  if (m.body.size() > kMaxBodyBytes) {
    return Field("body", "too long (at most " + std::to_string(kMaxBodyBytes) + " bytes)");
  }
  if (HasControl(m.body, true)) return Field("body", "control characters not allowed");

  Result<std::string> lang = OptionalString(body, "lang", "lang");
  if (!lang.ok()) return lang.status();
  if (!lang->empty() && !IsLangTag(*lang)) {
    return Field("lang", "not a language tag: " + Quote(*lang));
  }
  m.lang = std::move(*lang);

  Result<std::vector<std::string>> refs =
      StringList(body, "object_refs", "object_refs", kMaxObjectRefs, 300);
  if (!refs.ok()) return refs.status();
  for (const std::string& id : *refs) {
    if (!stix::IsValidIdentifier(id)) return Field("object_refs", "not a STIX id: " + Quote(id));
  }
  m.object_refs = std::move(*refs);

  TANSIQ_RETURN_IF_ERROR(ParseRecipients(body, m.recipients));

  Result<std::string> tlp = OptionalString(body, "tlp", "tlp");
  if (!tlp.ok()) return tlp.status();
  if (!tlp->empty()) {
    Result<stix::Tlp> level = ParseTlpName(*tlp);
    if (!level.ok()) return Field("tlp", level.status().message());
    m.tlp = *level;
  }

  Result<std::vector<std::string>> releasable =
      StringList(body, "releasable_to", "releasable_to", policy::kMaxParties, 300);
  if (!releasable.ok()) return releasable.status();
  for (const std::string& id : *releasable) {
    if (!stix::IsValidIdentifier(id) || stix::IdentifierType(id) != "identity") {
      return Field("releasable_to", "not a party identity id: " + Quote(id));
    }
  }
  m.releasable_to = std::move(*releasable);
  return m;
}

}  // namespace tansiq::dissem
