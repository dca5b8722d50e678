// STIX 2.1 identifiers: type-name and UUID checks written by hand (no regex) for speed, and
// v4 identifier construction from caller-supplied random bytes.
#include "stix/identifier.h"

namespace tansiq::stix {
namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// 8-4-4-4-12 lower-case hex digits. RFC 4122 compares UUIDs case-insensitively, so an
// upper-case form would name the same object under a second id (one another party could
// post beside the owner's): only the canonical lower-case form is an identifier.
bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!IsLowerHex(s[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool IsValidTypeName(std::string_view type) {
  if (type.size() < 3 || type.size() > 250) return false;
  if (type.front() < 'a' || type.front() > 'z') return false;
  if (type.back() == '-') return false;
  char prev = 0;
  for (char c : type) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
    if (c == '-' && prev == '-') return false;
    prev = c;
  }
  return true;
}

std::string_view IdentifierType(std::string_view id) {
  if (id.size() < 36 + 2 + 3) return {};
  const std::string_view uuid = id.substr(id.size() - 36);
  if (id[id.size() - 37] != '-' || id[id.size() - 38] != '-') return {};
  const std::string_view type = id.substr(0, id.size() - 38);
  if (!IsValidTypeName(type) || !IsUuid(uuid)) return {};
  return type;
}

bool IsValidIdentifier(std::string_view id) { return !IdentifierType(id).empty(); }

std::string MakeIdentifier(std::string_view type, const std::array<std::uint8_t, 16>& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<std::uint8_t, 16> b = random;
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string out;
  out.reserve(type.size() + 2 + 36);
  out.append(type);
  out.append("--");
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

}  // namespace tansiq::stix
