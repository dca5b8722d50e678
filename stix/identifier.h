// STIX 2.1 identifiers: "<type>--<RFC 4122 UUID>". Pure: randomness comes in as bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tansiq::stix {

// True for a valid object type name: 3-250 chars of [a-z0-9-], no leading/trailing or
// doubled hyphen, starting with a letter (custom types "x-..." included).
bool IsValidTypeName(std::string_view type);

// True for "<valid type>--<uuid>" with a lower-case hex UUID of any version (STIX accepts v4
// and v5; other RFC 4122 versions are accepted as received). Upper-case hex is refused: it is
// the same UUID (RFC 4122 compares case-insensitively), so accepting it would let a second
// object — another party's — stand under another spelling of an existing id.
bool IsValidIdentifier(std::string_view id);

// The type part of an identifier ("indicator" of "indicator--..."); empty if malformed.
std::string_view IdentifierType(std::string_view id);

// A version-4 UUID identifier made from 16 random bytes (version and variant bits set here).
std::string MakeIdentifier(std::string_view type, const std::array<std::uint8_t, 16>& random);

}  // namespace tansiq::stix
