// Signed provenance (issue 15): each party signs what it originates with its Ed25519 key over
// the object's RFC 8785 canonical JSON, in a STIX property-extension; hubs verify on receipt,
// so a relaying hub cannot alter what it relays. Pure: no I/O; key seeds come in as bytes.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "base/status.h"

namespace tansiq::stix {

// The Tansiq provenance extension (a property-extension on any object). Its properties:
//   party_ref  the originating party's identity id
//   key_id     the signing key's fingerprint (KeyFingerprint of its public key)
//   signature  base64 Ed25519 signature over the canonical JSON (RFC 8785) of the whole
//              object with only this `signature` member left out
//   public_key base64 Ed25519 public key — only on a party's own identity object, which its
//              key signs too, so the key travels with the identity
inline constexpr std::string_view kProvenanceExtensionId =
    "extension-definition--7126a2e4-bd4b-454a-8f1e-5d4debe95fc3";

// A party's Ed25519 key pair, made from a 32-byte seed (the store keeps the seed; the caller
// supplies randomness). Immutable value type; thread-safe to share for reading.
class PartyKey {
 public:
  using Seed = std::array<std::uint8_t, 32>;
  using PublicKey = std::array<std::uint8_t, 32>;

  static PartyKey FromSeed(const Seed& seed);
  // The seed as 64 lower-case hex digits; InvalidArgument for anything else.
  static Result<PartyKey> FromSeedHex(std::string_view hex);

  const PublicKey& public_key() const { return public_; }
  std::string SeedHex() const;
  // Ed25519 detached signature of `message`, 64 bytes.
  std::array<std::uint8_t, 64> Sign(std::string_view message) const;

 private:
  std::array<std::uint8_t, 64> secret_{};  // libsodium's seed || public key form
  PublicKey public_{};
};

// Fingerprint of a public key for people to compare out of band (`tansiq peer add` prints
// it): the first 16 bytes of SHA-256(public key), as 8 groups of 4 hex digits joined by ':'.
// The extension's `key_id` is the same string.
std::string KeyFingerprint(const PartyKey::PublicKey& public_key);

std::string Base64(const std::uint8_t* data, std::size_t size);
// Decodes standard base64 (with padding) into exactly `size` bytes; false otherwise.
bool Unbase64(std::string_view text, std::uint8_t* out, std::size_t size);

// Adds (or replaces) the provenance extension on `object`, signed by `key` for the party whose
// identity is `party_ref`. With `publish_key`, the public key goes into the extension too (a
// party's own identity object). InvalidArgument when the object cannot be canonicalised.
Status SignObject(boost::json::object& object, const PartyKey& key, std::string_view party_ref,
                  bool publish_key = false);

// The outcome of checking an object's provenance.
enum class Provenance {
  kValid,         // signed by the pinned key of the party named in party_ref
  kUnsigned,      // no provenance extension
  kMalformed,     // the extension is there but its properties are not as specified
  kUnknownParty,  // no pinned key for party_ref (or key_id is not the pinned key's)
  kBadSignature,  // the signature does not match the object: altered, or signed by another key
};
std::string_view ProvenanceName(Provenance p);  // "valid", "unsigned", "malformed", ...

// The pinned public key of a party identity id, if any.
using PinnedKeyLookup = std::function<std::optional<PartyKey::PublicKey>(std::string_view)>;

struct ProvenanceCheck {
  Provenance outcome = Provenance::kUnsigned;
  std::string party_ref;  // as claimed by the extension (empty when unsigned or malformed)
};

// Verifies `object`'s provenance extension against the pinned keys. A valid result says that
// the party `party_ref` signed exactly these bytes (up to JCS); callers also check that
// `party_ref` is the party they expect to originate the object.
ProvenanceCheck VerifyObject(const boost::json::object& object, const PinnedKeyLookup& pinned);

// The public key an identity object publishes in its own provenance extension, if it has one
// and that key signed the identity (self-signed). nullopt otherwise.
std::optional<PartyKey::PublicKey> PublishedKey(const boost::json::object& identity);

// The hub's published extension-definition of the provenance extension.
boost::json::object ProvenanceExtensionDefinition(std::string_view hub_identity_id,
                                                  std::string_view created);

}  // namespace tansiq::stix
