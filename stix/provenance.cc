// Provenance signatures: Ed25519 (libsodium) over RFC 8785 canonical JSON, in a STIX
// property-extension. Pure computation; no I/O.
#include "stix/provenance.h"

#include <cstdio>
#include <string>

#include <sodium.h>
#include <boost/json.hpp>

#include "stix/canonical_json.h"
#include "stix/markings.h"

namespace tansiq::stix {
namespace json = boost::json;
namespace {

void InitSodium() {
  // Idempotent and thread-safe; it can only fail if the system has no randomness source,
  // which Ed25519 signing and verification do not need.
  if (sodium_init() < 0) return;  // nothing else to do: see above
}

bool Unhex(std::string_view hex, std::uint8_t* out, std::size_t size) {
  if (hex.size() != size * 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < size; ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::string Hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    s.push_back(kHex[data[i] >> 4]);
    s.push_back(kHex[data[i] & 0xF]);
  }
  return s;
}

const json::string* StringMember(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr ? nullptr : v->if_string();
}

// The object as signed: the provenance extension without its `signature`.
json::object WithoutSignature(const json::object& object) {
  json::object copy = object;
  copy.at("extensions").as_object().at(kProvenanceExtensionId).as_object().erase("signature");
  return copy;
}

}  // namespace

PartyKey PartyKey::FromSeed(const Seed& seed) {
  InitSodium();
  PartyKey key;
  crypto_sign_seed_keypair(key.public_.data(), key.secret_.data(), seed.data());
  return key;
}

Result<PartyKey> PartyKey::FromSeedHex(std::string_view hex) {
  Seed seed{};
  if (!Unhex(hex, seed.data(), seed.size())) {
    return InvalidArgument("a party key seed is 64 lower-case hex digits");
  }
  PartyKey key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

std::string PartyKey::SeedHex() const { return Hex(secret_.data(), 32); }

std::array<std::uint8_t, 64> PartyKey::Sign(std::string_view message) const {
  std::array<std::uint8_t, 64> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_.data());
  return sig;
}

std::string KeyFingerprint(const PartyKey::PublicKey& public_key) {
  InitSodium();
  std::uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, public_key.data(), public_key.size());
  std::string hex = Hex(digest, 16);
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out.push_back(':');
    out += hex.substr(i, 4);
  }
  return out;
}

std::string Base64(const std::uint8_t* data, std::size_t size) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(size, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool Unbase64(std::string_view text, std::uint8_t* out, std::size_t size) {
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out, size, text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  return len == size && end == text.data() + text.size();
}

Status SignObject(json::object& object, const PartyKey& key, std::string_view party_ref,
                  bool publish_key) {
  json::object ext;
  ext["extension_type"] = "property-extension";
  ext["party_ref"] = party_ref;
  ext["key_id"] = KeyFingerprint(key.public_key());
  if (publish_key) ext["public_key"] = Base64(key.public_key().data(), key.public_key().size());
  json::value& exts = object["extensions"];
  if (!exts.is_object()) exts = json::object{};
  exts.as_object()[kProvenanceExtensionId] = std::move(ext);
  Result<std::string> canonical = CanonicalJson(object);
  if (!canonical.ok()) {
    exts.as_object().erase(kProvenanceExtensionId);
    if (exts.as_object().empty()) object.erase("extensions");
    return canonical.status();
  }
  std::array<std::uint8_t, 64> sig = key.Sign(*canonical);
  exts.as_object()[kProvenanceExtensionId].as_object()["signature"] =
      Base64(sig.data(), sig.size());
  return Status::Ok();
}

std::string_view ProvenanceName(Provenance p) {
  switch (p) {
    case Provenance::kValid:
      return "valid";
    case Provenance::kUnsigned:
      return "unsigned";
    case Provenance::kMalformed:
      return "malformed";
    case Provenance::kUnknownParty:
      return "unknown-party";
    case Provenance::kBadSignature:
      return "bad-signature";
  }
  return "unknown";
}

ProvenanceCheck VerifyObject(const json::object& object, const PinnedKeyLookup& pinned) {
  ProvenanceCheck check;
  const json::value* exts = object.if_contains("extensions");
  const json::object* exts_obj = exts == nullptr ? nullptr : exts->if_object();
  const json::value* ext_value =
      exts_obj == nullptr ? nullptr : exts_obj->if_contains(kProvenanceExtensionId);
  if (ext_value == nullptr) return check;  // kUnsigned
  check.outcome = Provenance::kMalformed;
  const json::object* ext = ext_value->if_object();
  if (ext == nullptr) return check;
  const json::string* type = StringMember(*ext, "extension_type");
  const json::string* party = StringMember(*ext, "party_ref");
  const json::string* key_id = StringMember(*ext, "key_id");
  const json::string* sig_text = StringMember(*ext, "signature");
  std::array<std::uint8_t, 64> sig{};
  if (type == nullptr || *type != "property-extension" || party == nullptr ||
      !party->starts_with("identity--") || key_id == nullptr || sig_text == nullptr ||
      !Unbase64(*sig_text, sig.data(), sig.size())) {
    return check;
  }
  check.party_ref = std::string(*party);
  std::optional<PartyKey::PublicKey> key = pinned(*party);
  if (!key || KeyFingerprint(*key) != *key_id) {
    check.outcome = Provenance::kUnknownParty;
    return check;
  }
  Result<std::string> canonical = CanonicalJson(WithoutSignature(object));
  if (!canonical.ok()) return check;  // kMalformed
  InitSodium();
  bool good = crypto_sign_verify_detached(sig.data(),
                                          reinterpret_cast<const unsigned char*>(canonical->data()),
                                          canonical->size(), key->data()) == 0;
  check.outcome = good ? Provenance::kValid : Provenance::kBadSignature;
  return check;
}

std::optional<PartyKey::PublicKey> PublishedKey(const json::object& identity) {
  const json::value* exts = identity.if_contains("extensions");
  const json::object* exts_obj = exts == nullptr ? nullptr : exts->if_object();
  const json::value* ext_value =
      exts_obj == nullptr ? nullptr : exts_obj->if_contains(kProvenanceExtensionId);
  const json::object* ext = ext_value == nullptr ? nullptr : ext_value->if_object();
  if (ext == nullptr) return std::nullopt;
  const json::string* text = StringMember(*ext, "public_key");
  const json::string* id = StringMember(identity, "id");
  const json::string* party = StringMember(*ext, "party_ref");
  PartyKey::PublicKey key{};
  if (text == nullptr || id == nullptr || party == nullptr || *id != *party ||
      !Unbase64(*text, key.data(), key.size())) {
    return std::nullopt;
  }
  ProvenanceCheck check = VerifyObject(identity, [&](std::string_view) { return key; });
  if (check.outcome != Provenance::kValid) return std::nullopt;
  return key;
}

json::object ProvenanceExtensionDefinition(std::string_view hub_identity_id,
                                           std::string_view created) {
  return ExtensionDefinition(
      kProvenanceExtensionId, hub_identity_id, created, "Tansiq provenance signature",
      "The originating party's Ed25519 signature (signature, base64) over the RFC 8785 "
      "canonical JSON of the object without the signature member, naming the party "
      "(party_ref, an identity id) and its key (key_id, a fingerprint). A party's identity "
      "also carries its public key (public_key, base64), signed by that key.",
      "https://tansiq.example/schemas/provenance-v1.json", "property-extension");
}

}  // namespace tansiq::stix
