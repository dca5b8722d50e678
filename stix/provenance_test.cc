// Provenance signatures: sign, verify, and detect every kind of tampering.
#include "stix/provenance.h"

#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "stix/canonical_json.h"
#include "stix/validate.h"

namespace tansiq::stix {
namespace {
namespace json = boost::json;

constexpr std::string_view kIq = "identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3c01";
constexpr std::string_view kSy = "identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3c02";

PartyKey KeyOf(std::uint8_t fill) {
  PartyKey::Seed seed{};
  seed.fill(fill);
  return PartyKey::FromSeed(seed);
}

json::object Report() {
  return json::parse(R"({
    "type": "report", "spec_version": "2.1",
    "id": "report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created_by_ref": "identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3c01",
    "created": "2026-03-01T10:00:00.000Z", "modified": "2026-03-01T10:00:00.000Z",
    "name": "اجتماع لجنة التنسيق", "published": "2026-03-01T10:00:00.000Z",
    "report_types": ["threat-report"], "confidence": 85,
    "object_refs": ["identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3c01"],
    "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]
  })")
      .as_object();
}

PinnedKeyLookup Pinned(std::string_view party, const PartyKey& key) {
  return [party = std::string(party),
          pk = key.public_key()](std::string_view id) -> std::optional<PartyKey::PublicKey> {
    if (id == party) return pk;
    return std::nullopt;
  };
}

TEST(Provenance, SignedObjectVerifiesAndStaysValidStix) {
  PartyKey iq = KeyOf(1);
  json::object r = Report();
  ASSERT_TRUE(SignObject(r, iq, kIq).ok());
  ProvenanceCheck check = VerifyObject(r, Pinned(kIq, iq));
  EXPECT_EQ(check.outcome, Provenance::kValid);
  EXPECT_EQ(check.party_ref, kIq);
  EXPECT_TRUE(ValidateObject(r).ok()) << ValidateObject(r).message();
  const json::object& ext = r.at("extensions").at(kProvenanceExtensionId).as_object();
  EXPECT_EQ(ext.at("key_id").as_string(), KeyFingerprint(iq.public_key()));
  EXPECT_EQ(ext.at("signature").as_string().size(), 88u);  // base64 of 64 bytes
}

TEST(Provenance, VerifiesAfterReorderingAndReformatting) {
  PartyKey iq = KeyOf(1);
  json::object r = Report();
  ASSERT_TRUE(SignObject(r, iq, kIq).ok());
  // Another serialisation of the same JSON (what a relay may legitimately do).
  std::string text = json::serialize(r);
  json::object reparsed = json::parse(text).as_object();
  json::object reordered;
  for (auto it = reparsed.end(); it != reparsed.begin();) {
    --it;
    reordered[it->key()] = it->value();
  }
  EXPECT_EQ(VerifyObject(reordered, Pinned(kIq, iq)).outcome, Provenance::kValid);
}

TEST(Provenance, DetectsTampering) {
  PartyKey iq = KeyOf(1);
  json::object signed_report = Report();
  ASSERT_TRUE(SignObject(signed_report, iq, kIq).ok());
  auto expect_bad = [&](const char* what, auto mutate) {
    json::object t = signed_report;
    mutate(t);
    EXPECT_EQ(VerifyObject(t, Pinned(kIq, iq)).outcome, Provenance::kBadSignature) << what;
  };
  expect_bad("name", [](json::object& t) { t["name"] = "اجتماع لجنة التنسيق!"; });
  expect_bad("widened marking", [](json::object& t) {
    t["object_marking_refs"] =
        json::array{"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"};
  });
  expect_bad("dropped property", [](json::object& t) { t.erase("confidence"); });
  expect_bad("added property", [](json::object& t) { t["x_note"] = "relayed"; });
  expect_bad("number", [](json::object& t) { t["confidence"] = 86; });
  expect_bad("ref list",
             [](json::object& t) { t["object_refs"].as_array().push_back(json::value(kSy)); });
  expect_bad("modified", [](json::object& t) { t["modified"] = "2026-03-01T10:00:00.001Z"; });
  expect_bad("another extension", [](json::object& t) {
    t["extensions"].as_object()["extension-definition--11111111-2222-4333-8444-555555555555"] =
        json::object{{"extension_type", "property-extension"}};
  });
}

TEST(Provenance, RefusesWrongSignerAndUnknownParties) {
  PartyKey iq = KeyOf(1);
  PartyKey sy = KeyOf(2);
  json::object r = Report();
  // sy signs while claiming to be iq: the pinned iq key does not match key_id.
  ASSERT_TRUE(SignObject(r, sy, kIq).ok());
  EXPECT_EQ(VerifyObject(r, Pinned(kIq, iq)).outcome, Provenance::kUnknownParty);
  // ... and forging key_id to iq's fingerprint does not help.
  r["extensions"].as_object()[kProvenanceExtensionId].as_object()["key_id"] =
      KeyFingerprint(iq.public_key());
  EXPECT_EQ(VerifyObject(r, Pinned(kIq, iq)).outcome, Provenance::kBadSignature);
  // A party with no pinned key.
  json::object s = Report();
  ASSERT_TRUE(SignObject(s, sy, kSy).ok());
  EXPECT_EQ(VerifyObject(s, Pinned(kIq, iq)).outcome, Provenance::kUnknownParty);
  // Re-pointing party_ref at another party breaks the signature.
  json::object t = Report();
  ASSERT_TRUE(SignObject(t, iq, kIq).ok());
  t["extensions"].as_object()[kProvenanceExtensionId].as_object()["party_ref"] = kSy;
  EXPECT_EQ(VerifyObject(t, Pinned(kSy, iq)).outcome, Provenance::kBadSignature);
}

TEST(Provenance, UnsignedAndMalformed) {
  PartyKey iq = KeyOf(1);
  EXPECT_EQ(VerifyObject(Report(), Pinned(kIq, iq)).outcome, Provenance::kUnsigned);
  json::object r = Report();
  ASSERT_TRUE(SignObject(r, iq, kIq).ok());
  auto ext = [](json::object& o) -> json::object& {
    return o["extensions"].as_object()[kProvenanceExtensionId].as_object();
  };
  json::object a = r;
  ext(a)["signature"] = "not base64!";
  EXPECT_EQ(VerifyObject(a, Pinned(kIq, iq)).outcome, Provenance::kMalformed);
  json::object b = r;
  ext(b).erase("signature");
  EXPECT_EQ(VerifyObject(b, Pinned(kIq, iq)).outcome, Provenance::kMalformed);
  json::object c = r;
  ext(c)["signature"] = Base64(std::array<std::uint8_t, 32>{}.data(), 32);  // short
  EXPECT_EQ(VerifyObject(c, Pinned(kIq, iq)).outcome, Provenance::kMalformed);
  json::object d = r;
  d["extensions"].as_object()[kProvenanceExtensionId] = "x";
  EXPECT_EQ(VerifyObject(d, Pinned(kIq, iq)).outcome, Provenance::kMalformed);
}

TEST(Provenance, ResigningANewVersionReplacesTheSignature) {
  PartyKey iq = KeyOf(1);
  json::object r = Report();
  ASSERT_TRUE(SignObject(r, iq, kIq).ok());
  r["modified"] = "2026-03-02T10:00:00.000Z";
  EXPECT_EQ(VerifyObject(r, Pinned(kIq, iq)).outcome, Provenance::kBadSignature);
  ASSERT_TRUE(SignObject(r, iq, kIq).ok());
  EXPECT_EQ(VerifyObject(r, Pinned(kIq, iq)).outcome, Provenance::kValid);
}

TEST(Provenance, IdentityPublishesItsSelfSignedKey) {
  PartyKey iq = KeyOf(7);
  json::object identity = json::parse(R"({"type":"identity","spec_version":"2.1",
    "id":"identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3c01","name":"Iraq",
    "identity_class":"organization","created":"2026-01-01T00:00:00.000Z",
    "modified":"2026-01-01T00:00:00.000Z"})")
                              .as_object();
  ASSERT_TRUE(SignObject(identity, iq, kIq, /*publish_key=*/true).ok());
  EXPECT_TRUE(ValidateObject(identity).ok());
  std::optional<PartyKey::PublicKey> key = PublishedKey(identity);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(*key, iq.public_key());
  // A swapped public key does not verify against the signature made by the real one.
  PartyKey other = KeyOf(8);
  identity["extensions"].as_object()[kProvenanceExtensionId].as_object()["public_key"] =
      Base64(other.public_key().data(), other.public_key().size());
  EXPECT_FALSE(PublishedKey(identity).has_value());
}

TEST(Provenance, SeedRoundTripAndFingerprint) {
  PartyKey k = KeyOf(3);
  Result<PartyKey> again = PartyKey::FromSeedHex(k.SeedHex());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), k.public_key());
  EXPECT_FALSE(PartyKey::FromSeedHex("zz").ok());
  std::string fp = KeyFingerprint(k.public_key());
  EXPECT_EQ(fp.size(), 39u);  // 8 groups of 4 hex digits
  EXPECT_NE(fp, KeyFingerprint(KeyOf(4).public_key()));
  // RFC 8032 section 7.1, test 1: seed 9d61…, public key d75a…1a, signature of the empty
  // message e556…0b.
  Result<PartyKey> rfc =
      PartyKey::FromSeedHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  ASSERT_TRUE(rfc.ok());
  EXPECT_EQ(rfc->public_key()[0], 0xd7);
  EXPECT_EQ(rfc->public_key()[31], 0x1a);
  std::string sig = Base64(rfc->Sign("").data(), 64);
  std::uint8_t expected[64];
  ASSERT_TRUE(Unbase64(sig, expected, 64));
  EXPECT_EQ(expected[0], 0xe5);
  EXPECT_EQ(expected[63], 0x0b);
}

TEST(Provenance, ExtensionDefinitionIsValidStix) {
  json::object def = ProvenanceExtensionDefinition(kIq, "2026-01-01T00:00:00.000Z");
  EXPECT_TRUE(ValidateObject(def).ok()) << ValidateObject(def).message();
  EXPECT_EQ(def.at("id").as_string(), kProvenanceExtensionId);
}

}  // namespace
}  // namespace tansiq::stix
