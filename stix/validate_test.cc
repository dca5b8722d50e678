// Tests for stix/validate: one valid object of every spec type, and a data-driven table in
// which each MUST rule is broken once and the object must be refused with a clear message.
#include "stix/validate.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <functional>
#include <map>
#include <string>

#include "stix/markings.h"

namespace tansiq::stix {
namespace {
namespace json = boost::json;

#define COMMON_SDO(type, uuid)                                                       \
  R"("type": ")" type R"(", "spec_version": "2.1", "id": ")" type "--" uuid R"(", )" \
  R"("created": "2024-01-02T03:04:05.000Z", "modified": "2024-01-02T03:04:05.000Z", )"

// One valid object of every spec-defined type, plus a custom one.
const std::map<std::string, std::string>& Fixtures() {
  static const auto* kFixtures = new std::map<std::string, std::string>{
      {"attack-pattern",
       "{" COMMON_SDO("attack-pattern", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061") R"(
        "name": "Spear Phishing", "description": "Phishing with attachments",
        "labels": ["a", "b"], "confidence": 80, "lang": "en",
        "created_by_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
        "object_marking_refs": ["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"],
        "external_references": [{"source_name": "capec", "external_id": "CAPEC-163"}],
        "kill_chain_phases": [{"kill_chain_name": "lockheed-martin-cyber-kill-chain",
                               "phase_name": "delivery"}],
        "granular_markings": [
          {"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
           "selectors": ["description", "labels.[1]", "kill_chain_phases.[0].phase_name"]}],
        "x_acme_score": 7})"},
      {"campaign", "{" COMMON_SDO("campaign", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") R"(
        "name": "Green Group Attacks", "aliases": ["GGA"],
        "first_seen": "2016-01-08T12:50:40.123Z", "last_seen": "2016-02-08T12:50:40Z",
        "objective": "Steal data"})"},
      {"course-of-action",
       "{" COMMON_SDO("course-of-action", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") R"(
        "name": "Add TCP port 80 filter"})"},
      {"grouping", "{" COMMON_SDO("grouping", "84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3") R"(
        "name": "Suspicious", "context": "suspicious-activity",
        "object_refs": ["indicator--e2e1a340-4415-4ba8-9671-f7343fbf0836",
                        "file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b"]})"},
      {"identity", "{" COMMON_SDO("identity", "311b2d2d-f010-4473-83ec-1edf84858f4c") R"(
        "name": "ACME", "identity_class": "organization", "sectors": ["technology"],
        "roles": ["cert"], "contact_information": "cert@acme.example"})"},
      {"incident", "{" COMMON_SDO("incident", "6c8e5a1b-8b1a-4f5c-9b1e-0c9a1d4e2f3a") R"(
        "name": "Breach at HQ"})"},
      {"indicator", "{" COMMON_SDO("indicator", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") R"(
        "name": "Poison Ivy Malware", "indicator_types": ["malicious-activity"],
        "pattern": "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
        "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z",
        "valid_until": "2017-01-01T00:00:00Z"})"},
      {"infrastructure",
       "{" COMMON_SDO("infrastructure", "38c47d93-d984-4fd9-b87b-d69d0841628d") R"(
        "name": "Poison Ivy C2", "infrastructure_types": ["command-and-control"],
        "first_seen": "2016-01-01T00:00:00Z", "last_seen": "2016-01-01T00:00:00Z"})"},
      {"intrusion-set", "{" COMMON_SDO("intrusion-set", "4e78f46f-a023-4e5f-bc24-71b3ca22ec29") R"(
        "name": "Bobcat Breakin", "aliases": ["Zookeeper"], "goals": ["steal"],
        "resource_level": "government", "primary_motivation": "organizational-gain"})"},
      {"location", "{" COMMON_SDO("location", "a6e9345f-5a15-4c29-8bb3-7dcc5d168d64") R"(
        "name": "Baghdad", "latitude": 33.3152, "longitude": 44.3661, "precision": 1000.0,
        "country": "IQ", "city": "Baghdad"})"},
      {"malware", "{" COMMON_SDO("malware", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061") R"(
        "name": "Cryptolocker", "is_family": true, "malware_types": ["ransomware"],
        "operating_system_refs": ["software--c7c0a4b7-1ff6-4e6f-8c3d-6e0a3c6a8e1f"],
        "sample_refs": ["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"]})"},
      {"malware-analysis",
       "{" COMMON_SDO("malware-analysis", "d25dcc1f-4d8f-4a2a-b3f1-2f2e3c3c1b1a") R"(
        "product": "microsoft", "result": "malicious",
        "analysis_sco_refs": ["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"],
        "sample_ref": "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d",
        "host_vm_ref": "software--c7c0a4b7-1ff6-4e6f-8c3d-6e0a3c6a8e1f"})"},
      {"note", "{" COMMON_SDO("note", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061") R"(
        "abstract": "Tracking", "content": "This note indicates...", "authors": ["John Doe"],
        "object_refs": ["campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]})"},
      {"observed-data", "{" COMMON_SDO("observed-data", "b67d30ff-02ac-498a-92f9-32f845f448cf") R"(
        "first_observed": "2015-12-21T19:00:00Z", "last_observed": "2015-12-21T19:00:00Z",
        "number_observed": 50,
        "object_refs": ["ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8",
                        "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"]})"},
      {"opinion", "{" COMMON_SDO("opinion", "b01efc25-77b4-4003-b18b-f6e24b5cd9f7") R"(
        "opinion": "strongly-disagree", "explanation": "This doesn't seem like it is feasible.",
        "object_refs": ["relationship--16d2358f-3b0d-4c88-b047-0da2f7ed4471"]})"},
      {"report", "{" COMMON_SDO("report", "84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3") R"(
        "name": "The Black Vine Cyberespionage Group", "report_types": ["campaign"],
        "published": "2016-01-20T17:00:00.000Z",
        "object_refs": ["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"]})"},
      {"threat-actor", "{" COMMON_SDO("threat-actor", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") R"(
        "name": "Evil Org", "threat_actor_types": ["crime-syndicate"], "roles": ["director"],
        "sophistication": "advanced", "personal_motivations": ["revenge"]})"},
      {"tool", "{" COMMON_SDO("tool", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f") R"(
        "name": "VNC", "tool_types": ["remote-access"], "tool_version": "1.0"})"},
      {"vulnerability", "{" COMMON_SDO("vulnerability", "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061") R"(
        "name": "CVE-2016-1234",
        "external_references": [{"source_name": "cve", "external_id": "CVE-2016-1234"}]})"},
      {"relationship", "{" COMMON_SDO("relationship", "44298a74-ba52-4f0c-87a3-1824e67d7fad") R"(
        "relationship_type": "indicates",
        "source_ref": "indicator--01234567-89ab-4def-8123-456789abcdef",
        "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc",
        "start_time": "2016-01-01T00:00:00Z", "stop_time": "2016-01-02T00:00:00Z"})"},
      {"sighting", "{" COMMON_SDO("sighting", "ee20065d-2555-424f-ad9e-0f8428623c75") R"(
        "count": 0, "first_seen": "2016-01-01T00:00:00Z", "last_seen": "2016-01-01T00:00:01Z",
        "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "observed_data_refs": ["observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"],
        "where_sighted_refs": ["identity--b67d30ff-02ac-498a-92f9-32f845f448ff",
                               "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64"],
        "summary": false})"},
      // SCOs.
      {"artifact", R"({"type": "artifact", "spec_version": "2.1",
        "id": "artifact--ca17bcf8-9846-5ab4-8662-75c1bf6e63ee", "mime_type": "image/jpeg",
        "payload_bin": "VBORw0KGgoAAAANSUhEUgAAADI=="})"},
      {"autonomous-system", R"({"type": "autonomous-system",
        "id": "autonomous-system--f720c34b-98ae-597f-ade5-27dc241e8c74", "number": 15139,
        "name": "Slime Industries", "rir": "ARIN"})"},
      {"directory", R"({"type": "directory",
        "id": "directory--93c0a9b0-520d-545d-9094-1a08ddf46b05", "path": "C:\\Windows\\System32",
        "contains_refs": ["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"]})"},
      {"domain-name", R"({"type": "domain-name", "spec_version": "2.1",
        "id": "domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5", "value": "example.com",
        "resolves_to_refs": ["ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"]})"},
      {"email-addr", R"({"type": "email-addr",
        "id": "email-addr--2d77a846-6264-5d51-b586-e43822ea1ea3", "value": "john@example.com",
        "display_name": "John Doe"})"},
      {"email-message", R"({"type": "email-message",
        "id": "email-message--cf9b4b7f-14c8-5955-8065-020e0316b559", "is_multipart": true,
        "date": "1997-11-21T15:55:06.000Z", "content_type": "multipart/mixed",
        "from_ref": "email-addr--9b7e29b3-fd8d-562e-b3f0-8fc8134f5dda",
        "to_refs": ["email-addr--d1b3bf0c-f02a-51a1-8102-11aba7959868"],
        "subject": "Check out this picture of a cat!",
        "body_multipart": [
          {"content_type": "text/plain; charset=utf-8", "body": "Cats are funny!"},
          {"content_type": "image/png",
           "body_raw_ref": "artifact--4cce66f8-6eaa-53cb-85d5-3a85fca3a6c5"}]})"},
      {"file", R"({"type": "file", "spec_version": "2.1",
        "id": "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d", "name": "resume.pdf", "size": 83968,
        "hashes": {"MD5": "1717b7fff97d37a1e1a0029d83492de1",
                   "SHA-1": "c79a326f8411e9488bdc3779753e1e3489aaedea", "x-custom": "abc"},
        "magic_number_hex": "255044462D",
        "extensions": {"pdf-ext": {"version": "1.7", "is_optimized": false},
                       "archive-ext": {"contains_refs": ["file--ecb120bf-2694-4902-a737-62b74539a41b"]}}})"},
      {"ipv4-addr", R"({"type": "ipv4-addr",
        "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "198.51.100.0/24"})"},
      {"ipv6-addr", R"({"type": "ipv6-addr",
        "id": "ipv6-addr--1e61d36c-a16c-53b7-a80f-2a00161c96b1", "value": "2001:0db8::/96"})"},
      {"mac-addr", R"({"type": "mac-addr",
        "id": "mac-addr--65cfcf98-8a6e-5a1b-8f61-379ac4f92d00", "value": "d2:fb:49:24:37:18"})"},
      {"mutex", R"({"type": "mutex", "id": "mutex--eba44954-d4e4-5d3b-814c-2b17dd8de300",
        "name": "__CLEANSWEEP__"})"},
      {"network-traffic", R"({"type": "network-traffic",
        "id": "network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d",
        "src_ref": "ipv4-addr--4d22aae0-2bf9-5427-8819-e4f6abf20a53", "src_port": 223,
        "dst_port": 502, "protocols": ["ipv4", "tcp"], "is_active": true,
        "start": "2016-01-01T00:00:00Z",
        "extensions": {"tcp-ext": {"src_flags_hex": "00000002"},
                       "http-request-ext": {"request_method": "get",
                                            "request_value": "/download.html"}}})"},
      {"process", R"({"type": "process", "id": "process--f52a906a-0dfc-40bd-92f1-e7778ead38a9",
        "pid": 1221, "command_line": "./gedit-bin --new-window",
        "image_ref": "file--e04f22d1-be2c-59de-add8-10f61d15fe20",
        "extensions": {"windows-process-ext": {"aslr_enabled": true}}})"},
      {"software", R"({"type": "software",
        "id": "software--a1827f6d-ca53-5605-9e93-4316cd22a00a", "name": "Word",
        "cpe": "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*", "version": "2002",
        "vendor": "Microsoft"})"},
      {"url", R"({"type": "url", "id": "url--c1477287-23ac-5971-a010-5c287877fa60",
        "value": "https://example.com/research/index.html"})"},
      {"user-account", R"({"type": "user-account",
        "id": "user-account--0d5b424b-93b8-5cd8-ac36-306e1789d63c", "user_id": "1001",
        "account_login": "jdoe", "is_privileged": false,
        "extensions": {"unix-account-ext": {"gid": 1001, "shell": "/bin/bash"}}})"},
      {"windows-registry-key", R"({"type": "windows-registry-key",
        "id": "windows-registry-key--2ba37ae7-2745-5082-9dfd-9486dad41016",
        "key": "HKEY_LOCAL_MACHINE\\System\\Foo\\Bar",
        "values": [{"name": "Foo", "data": "qwerty", "data_type": "REG_SZ"}]})"},
      {"x509-certificate", R"({"type": "x509-certificate",
        "id": "x509-certificate--463d7b2a-8516-5a50-a3d7-6f801465d5de",
        "issuer": "C=ZA, ST=Western Cape, L=Cape Town, O=Thawte Consulting cc",
        "validity_not_before": "2016-03-12T12:00:00Z",
        "validity_not_after": "2016-08-21T12:00:00Z", "subject_public_key_exponent": 65537})"},
      // Meta objects.
      {"marking-definition", R"({"type": "marking-definition", "spec_version": "2.1",
        "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN",
        "definition": {"tlp": "green"}})"},
      {"extension-definition", R"({"type": "extension-definition", "spec_version": "2.1",
        "id": "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e",
        "created_by_ref": "identity--11b76a96-5d2b-45e0-8a5a-f6994f370731",
        "created": "2014-02-20T09:16:08.989Z", "modified": "2014-02-20T09:16:08.989Z",
        "name": "New SDO 1", "schema": "https://www.example.com/schema-newsdo-1/v1/",
        "version": "1.2.1", "extension_types": ["new-sdo"]})"},
      {"language-content", R"({"type": "language-content", "spec_version": "2.1",
        "id": "language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d",
        "created": "2017-02-08T21:31:22.007Z", "modified": "2017-02-08T21:31:22.007Z",
        "object_ref": "campaign--12a111f0-b824-4baf-a224-83b80237a094",
        "object_modified": "2017-02-08T21:31:22.007Z",
        "contents": {"de": {"name": "Bank Angriff 1"},
                     "fr": {"name": "Attaque Bank 1"}}})"},
      // A custom object type (new-sdo by extension-definition).
      {"x-acme-widget", R"({"type": "x-acme-widget", "spec_version": "2.1",
        "id": "x-acme-widget--b86bd89f-98bb-4fa9-8cb2-9ad421da981d",
        "created": "2017-02-08T21:31:22.007Z", "modified": "2017-02-08T21:31:22.007Z",
        "widget_size": 3, "x_mitre_domains": ["enterprise-attack"],
        "extensions": {"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":
                         {"extension_type": "new-sdo"}}})"},
  };
  return *kFixtures;
}

json::object Fixture(const std::string& type) {
  return json::parse(Fixtures().at(type)).as_object();
}

TEST(Validate, EveryFixtureIsValid) {
  for (const auto& [type, text] : Fixtures()) {
    json::object o = json::parse(text).as_object();
    Status st = ValidateObject(o);
    EXPECT_TRUE(st.ok()) << type << ": " << st.message();
  }
}

TEST(Validate, FixturesCoverEverySpecType) {
  // 19 SDOs + 2 SROs + 18 SCOs + 3 meta objects + 1 custom.
  EXPECT_EQ(Fixtures().size(), 19u + 2 + 18 + 3 + 1);
}

TEST(Validate, KeepsCustomPropertiesAndExtensions) {
  json::object o = Fixture("indicator");
  o["x_acme_risk"] = json::object{{"score", 9}, {"tags", json::array{"a"}}};
  o["x_mitre_version"] = "1.0";
  o["extensions"] =
      json::object{{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e",
                    json::object{{"extension_type", "property-extension"}, {"rank", 5}}}};
  const json::object copy = o;
  EXPECT_TRUE(ValidateObject(o).ok());
  EXPECT_EQ(o, copy);
}

TEST(Validate, AcceptsUnknownTypesWithCommonChecksOnly) {
  json::object o = json::parse(R"({"type": "x-mitre-tactic",
      "id": "x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28a", "spec_version": "2.1",
      "created": "2018-10-17T00:14:20.652Z", "modified": "2022-04-25T14:00:00.188Z",
      "name": "Collection", "x_mitre_shortname": "collection"})")
                       .as_object();
  EXPECT_TRUE(ValidateObject(o).ok());
  o["type"] = "future-thing";
  o["id"] = "future-thing--69da72d2-f550-41c5-ab9e-e8255707f28a";
  EXPECT_TRUE(ValidateObject(o).ok());
  o["created"] = "2018-10-17T00:14:20Z";
  EXPECT_FALSE(ValidateObject(o).ok());
}

TEST(Validate, AcceptsReleasabilityAndTlp2Markings) {
  json::object rel = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--a9c5a4e6-0a7b-4a0e-9d7c-0f1e2d3c4b5a",
      "created": "2026-01-01T00:00:00.000Z", "name": "Releasable to IQ, SY",
      "created_by_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
      "extensions": {"extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b": {
        "extension_type": "property-extension",
        "releasable_to_refs": ["identity--311b2d2d-f010-4473-83ec-1edf84858f4c"],
        "recipients": ["chief.iq"]}}})")
                         .as_object();
  Status st = ValidateObject(rel);
  EXPECT_TRUE(st.ok()) << st.message();
  json::object tlp2 = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
      "created": "2022-10-01T00:00:00.000Z", "name": "TLP:CLEAR",
      "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
        "extension_type": "property-extension", "tlp_2_0": "clear"}}})")
                          .as_object();
  st = ValidateObject(tlp2);
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(Validate, AcceptsStatementMarkingAndPublishedExtensionDefinition) {
  json::object statement = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f",
      "created": "2017-04-14T13:07:49.812Z", "definition_type": "statement",
      "definition": {"statement": "Copyright (c) Stark Industries 2017."}})")
                               .as_object();
  EXPECT_TRUE(ValidateObject(statement).ok());
  Status st = ValidateObject(ReleasabilityExtensionDefinition(
      "identity--311b2d2d-f010-4473-83ec-1edf84858f4c", "2026-01-01T00:00:00.000Z"));
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(Validate, AcceptsDeprecatedObservedDataObjects) {
  json::object o = Fixture("observed-data");
  o.erase("object_refs");
  o["objects"] = json::parse(R"({"0": {"type": "file", "name": "foo.exe"},
      "1": {"type": "ipv4-addr", "value": "10.0.0.1", "resolves_to_refs": ["0"]}})");
  Status st = ValidateObject(o);
  EXPECT_TRUE(st.ok()) << st.message();
}

TEST(Validate, ErrorNamesObjectAndProperty) {
  json::object o = Fixture("indicator");
  o.erase("pattern");
  Status st = ValidateObject(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: 'pattern' is required");
  o = Fixture("indicator");
  o["modified"] = "2023-01-01T00:00:00.000Z";
  st = ValidateObject(o);
  EXPECT_EQ(
      st.message(),
      "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: 'modified' is earlier than 'created'");
}

TEST(Validate, BundleEnvelope) {
  json::object b = json::parse(R"({"type": "bundle",
      "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [{"type": "x"}]})")
                       .as_object();
  EXPECT_TRUE(ValidateBundleEnvelope(b).ok());
  b["objects"] = json::array{1};
  EXPECT_FALSE(ValidateBundleEnvelope(b).ok());
  b["objects"] = json::object{};
  EXPECT_FALSE(ValidateBundleEnvelope(b).ok());
  b["objects"] = json::array{};
  b["id"] = "report--5d0092c5-5f74-4287-9642-33f4c354e56d";
  EXPECT_FALSE(ValidateBundleEnvelope(b).ok());
  b["id"] = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d";
  b["type"] = "report";
  EXPECT_FALSE(ValidateBundleEnvelope(b).ok());
}

// ---- One broken object per MUST rule. ----

struct BrokenCase {
  const char* name;
  const char* fixture;  // type of the valid fixture to start from
  std::function<void(json::object&)> mutate;
  const char* expected;  // substring of the error message
};

void Set(json::object& o, std::string_view key, std::string_view json_text) {
  o[key] = json::parse(json_text);
}

const std::vector<BrokenCase>& BrokenCases() {
  using O = json::object;
  static const auto* kCases = new std::vector<BrokenCase>{
      // Common: type and id.
      {"missing type", "campaign", [](O& o) { o.erase("type"); }, "'type' is required"},
      {"type not a string", "campaign", [](O& o) { o["type"] = 5; }, "'type' is required"},
      {"type bad characters", "campaign", [](O& o) { o["type"] = "Campaign"; }, "'type' must be"},
      {"type too short", "campaign", [](O& o) { o["type"] = "xy"; }, "'type' must be"},
      {"type reserved action", "campaign", [](O& o) { o["type"] = "action"; }, "reserved type"},
      {"missing id", "campaign", [](O& o) { o.erase("id"); }, "'id' is required"},
      {"id malformed uuid", "campaign",
       [](O& o) { o["id"] = "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cdZZ"; },
       "must be an identifier"},
      {"id upper-case uuid", "campaign",
       [](O& o) { o["id"] = "campaign--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"; },
       "'id' must be an identifier <type>--<uuid> (lower-case hex)"},
      {"ref upper-case uuid", "campaign",
       [](O& o) { o["created_by_ref"] = "identity--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F"; },
       "'created_by_ref' must be an identifier (lower-case)"},
      {"ref list upper-case uuid", "grouping",
       [](O& o) { Set(o, "object_refs", R"(["report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cD3f"])"); },
       "'object_refs.[0]' must be an identifier (lower-case)"},
      {"id of another type", "campaign",
       [](O& o) { o["id"] = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"; },
       "must start with the object's type"},
      {"sco id of another type", "file",
       [](O& o) { o["id"] = "url--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"; },
       "must start with the object's type"},
      // Common: spec_version, created, modified.
      {"missing spec_version", "campaign", [](O& o) { o.erase("spec_version"); },
       "'spec_version' is required"},
      {"spec_version 2.0", "campaign", [](O& o) { o["spec_version"] = "2.0"; },
       "'spec_version' must be \"2.1\""},
      {"sco spec_version 2.0", "file", [](O& o) { o["spec_version"] = "2.0"; },
       "'spec_version' must be"},
      {"missing created", "campaign", [](O& o) { o.erase("created"); }, "'created' is required"},
      {"missing modified", "campaign", [](O& o) { o.erase("modified"); },
       "'modified' is required"},
      {"created second precision", "campaign",
       [](O& o) { o["created"] = "2024-01-02T03:04:05Z"; }, "'created' must be precise"},
      {"modified centisecond precision", "campaign",
       [](O& o) { o["modified"] = "2024-01-02T03:04:05.10Z"; }, "'modified' must be precise"},
      {"created bad date", "campaign", [](O& o) { o["created"] = "2024-02-30T03:04:05.000Z"; },
       "'created' is not a valid timestamp"},
      {"created with offset", "campaign",
       [](O& o) { o["created"] = "2024-01-02T03:04:05.000+01:00"; },
       "'created' is not a valid timestamp"},
      {"modified before created", "campaign",
       [](O& o) { o["modified"] = "2024-01-02T03:04:04.999Z"; },
       "'modified' is earlier than 'created'"},
      {"custom type coarse created", "x-acme-widget",
       [](O& o) { o["created"] = "2017-02-08T21:31:22Z"; }, "must be precise"},
      {"custom type modified before created", "x-acme-widget",
       [](O& o) { o["modified"] = "2016-02-08T21:31:22.000Z"; }, "earlier than 'created'"},
      // Common optional properties.
      {"created_by_ref not identity", "campaign",
       [](O& o) { o["created_by_ref"] = "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"; },
       "'created_by_ref' must reference identity"},
      {"created_by_ref not an id", "campaign", [](O& o) { o["created_by_ref"] = "acme"; },
       "'created_by_ref' must be an identifier"},
      {"object_marking_refs not markings", "campaign",
       [](O& o) {
         Set(o, "object_marking_refs", R"(["identity--311b2d2d-f010-4473-83ec-1edf84858f4c"])");
       },
       "must reference marking-definition"},
      {"object_marking_refs empty", "campaign", [](O& o) { Set(o, "object_marking_refs", "[]"); },
       "non-empty list"},
      {"sco object_marking_refs not markings", "file",
       [](O& o) { Set(o, "object_marking_refs", R"(["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"])"); },
       "must reference marking-definition"},
      {"labels empty", "campaign", [](O& o) { Set(o, "labels", "[]"); }, "'labels' must not be"},
      {"labels not strings", "campaign", [](O& o) { Set(o, "labels", "[1]"); },
       "'labels' must be a list of strings"},
      {"revoked not bool", "campaign", [](O& o) { o["revoked"] = "yes"; },
       "'revoked' must be a boolean"},
      {"confidence above 100", "campaign", [](O& o) { o["confidence"] = 101; },
       "'confidence' must be in the range 0..100"},
      {"confidence negative", "campaign", [](O& o) { o["confidence"] = -1; },
       "'confidence' must be in the range"},
      {"confidence not integer", "campaign", [](O& o) { o["confidence"] = 50.5; },
       "'confidence' must be an integer"},
      {"lang empty", "campaign", [](O& o) { o["lang"] = ""; }, "'lang' must be a non-empty"},
      {"external reference without source_name", "campaign",
       [](O& o) { Set(o, "external_references", R"([{"url": "https://example.com"}])"); },
       "'external_references.[0].source_name' is required"},
      {"external reference only source_name", "campaign",
       [](O& o) { Set(o, "external_references", R"([{"source_name": "acme"}])"); },
       "needs at least one of description, url, external_id"},
      {"external reference bad hash", "campaign",
       [](O& o) {
         Set(o, "external_references",
             R"([{"source_name": "a", "url": "u", "hashes": {"SHA-256": "abc"}}])");
       },
       "malformed SHA-256"},
      {"kill chain phase without phase_name", "tool",
       [](O& o) { Set(o, "kill_chain_phases", R"([{"kill_chain_name": "mitre-attack"}])"); },
       "'kill_chain_phases.[0]' needs a non-empty 'phase_name'"},
      {"kill chain phase without kill_chain_name", "tool",
       [](O& o) { Set(o, "kill_chain_phases", R"([{"phase_name": "delivery"}])"); },
       "needs a non-empty 'kill_chain_name'"},
      // Property names.
      {"custom property with uppercase", "campaign", [](O& o) { o["x_Acme"] = 1; },
       "is not a valid property name"},
      {"custom property too short", "campaign", [](O& o) { o["xa"] = 1; },
       "is not a valid property name"},
      {"custom property with hyphen", "campaign", [](O& o) { o["x-acme"] = 1; },
       "is not a valid property name"},
      {"custom property too long", "campaign", [](O& o) { o[std::string(251, 'x')] = 1; },
       "is not a valid property name"},
      {"reserved property severity", "campaign", [](O& o) { o["severity"] = "high"; },
       "'severity' is a reserved property name"},
      {"reserved property phone_numbers", "file", [](O& o) { o["phone_numbers"] = "1"; },
       "reserved property name"},
      {"custom _hex not hex", "campaign", [](O& o) { o["x_acme_hex"] = "xyz"; },
       "'x_acme_hex' must be a hex string"},
      {"custom _bin not base64", "campaign", [](O& o) { o["x_acme_bin"] = "a!b"; },
       "'x_acme_bin' must be base64"},
      // Granular markings.
      {"granular selector missing property", "attack-pattern",
       [](O& o) {
         Set(o, "granular_markings",
             R"([{"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                  "selectors": ["objective"]}])");
       },
       "selector 'objective' does not resolve"},
      {"granular selector index out of range", "attack-pattern",
       [](O& o) {
         Set(o, "granular_markings",
             R"([{"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                  "selectors": ["labels.[2]"]}])");
       },
       "does not resolve"},
      {"granular selector bad nested key", "attack-pattern",
       [](O& o) {
         Set(o, "granular_markings",
             R"([{"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                  "selectors": ["kill_chain_phases.[0].phase"]}])");
       },
       "does not resolve"},
      {"granular selector index into string", "attack-pattern",
       [](O& o) {
         Set(o, "granular_markings",
             R"([{"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                  "selectors": ["description.[0]"]}])");
       },
       "does not resolve"},
      {"granular marking_ref not a marking", "attack-pattern",
       [](O& o) {
         Set(o, "granular_markings",
             R"([{"marking_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
                  "selectors": ["description"]}])");
       },
       "must be a marking-definition identifier"},
      {"granular without selectors", "attack-pattern",
       [](O& o) {
         Set(o, "granular_markings",
             R"([{"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"}])");
       },
       "selectors' must be a non-empty list"},
      {"granular with both marking_ref and lang", "attack-pattern",
       [](O& o) {
         Set(o, "granular_markings",
             R"([{"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                  "lang": "en", "selectors": ["description"]}])");
       },
       "needs exactly one of marking_ref, lang"},
      {"granular markings empty", "attack-pattern", [](O& o) { Set(o, "granular_markings", "[]"); },
       "'granular_markings' must be a non-empty list"},
      // Extensions.
      {"extensions empty", "campaign", [](O& o) { Set(o, "extensions", "{}"); },
       "'extensions' must be a non-empty dictionary"},
      {"extension without extension_type", "campaign",
       [](O& o) {
         Set(o, "extensions",
             R"({"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {"rank": 1}})");
       },
       "extension_type' is required"},
      {"extension with unknown extension_type", "campaign",
       [](O& o) {
         Set(o, "extensions",
             R"({"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":
                 {"extension_type": "new-thing"}})");
       },
       "must be one of new-sdo"},
      {"extension keyed by bad name", "campaign",
       [](O& o) { Set(o, "extensions", R"({"acme": {"a": 1}})"); },
       "must be keyed by an extension-definition identifier"},
      {"predefined extension empty", "file",
       [](O& o) { Set(o, "extensions", R"({"ntfs-ext": {}})"); }, "must not be empty"},
      {"archive-ext without contains_refs", "file",
       [](O& o) { Set(o, "extensions", R"({"archive-ext": {"comment": "zip"}})"); },
       "'extensions.archive-ext.contains_refs' is required"},
      {"http-request-ext without request_value", "network-traffic",
       [](O& o) { Set(o, "extensions", R"({"http-request-ext": {"request_method": "get"}})"); },
       "request_value' is required"},
      {"socket-ext bad address family", "network-traffic",
       [](O& o) { Set(o, "extensions", R"({"socket-ext": {"address_family": "AF_FOO"}})"); },
       "must be one of AF_UNSPEC"},
      {"icmp-ext bad hex", "network-traffic",
       [](O& o) {
         Set(o, "extensions", R"({"icmp-ext": {"icmp_type_hex": "0", "icmp_code_hex": "00"}})");
       },
       "icmp_type_hex' must be a hex string"},
      {"windows-pebinary-ext without pe_type", "file",
       [](O& o) { Set(o, "extensions", R"({"windows-pebinary-ext": {"imphash": "abc"}})"); },
       "pe_type' is required"},
      {"windows-process-ext no known property", "process",
       [](O& o) { Set(o, "extensions", R"({"windows-process-ext": {"x_foo": 1}})"); },
       "needs at least one of its defined properties"},
      // Type-specific required properties: SDOs.
      {"attack-pattern name", "attack-pattern", [](O& o) { o.erase("name"); },
       "'name' is required"},
      {"campaign name", "campaign", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"campaign last_seen before first_seen", "campaign",
       [](O& o) { o["last_seen"] = "2015-01-01T00:00:00Z"; },
       "'last_seen' must not be earlier than 'first_seen'"},
      {"campaign first_seen not timestamp", "campaign", [](O& o) { o["first_seen"] = "yesterday"; },
       "'first_seen' is not a valid timestamp"},
      {"course-of-action name", "course-of-action", [](O& o) { o.erase("name"); },
       "'name' is required"},
      {"grouping context", "grouping", [](O& o) { o.erase("context"); }, "'context' is required"},
      {"grouping object_refs", "grouping", [](O& o) { o.erase("object_refs"); },
       "'object_refs' is required"},
      {"grouping object_refs empty", "grouping", [](O& o) { Set(o, "object_refs", "[]"); },
       "non-empty list of identifiers"},
      {"grouping object_refs bad id", "grouping", [](O& o) { Set(o, "object_refs", R"(["x"])"); },
       "'object_refs.[0]' must be an identifier"},
      {"identity name", "identity", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"identity sectors not list", "identity", [](O& o) { o["sectors"] = "technology"; },
       "'sectors' must be a list"},
      {"incident name", "incident", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"indicator pattern", "indicator", [](O& o) { o.erase("pattern"); },
       "'pattern' is required"},
      {"indicator pattern_type", "indicator", [](O& o) { o.erase("pattern_type"); },
       "'pattern_type' is required"},
      {"indicator valid_from", "indicator", [](O& o) { o.erase("valid_from"); },
       "'valid_from' is required"},
      {"indicator valid_until not after valid_from", "indicator",
       [](O& o) { o["valid_until"] = "2016-01-01T00:00:00Z"; },
       "'valid_until' must be later than 'valid_from'"},
      {"infrastructure name", "infrastructure", [](O& o) { o.erase("name"); },
       "'name' is required"},
      {"infrastructure last_seen order", "infrastructure",
       [](O& o) { o["last_seen"] = "2015-12-31T23:59:59.999Z"; }, "'last_seen' must not be"},
      {"intrusion-set name", "intrusion-set", [](O& o) { o.erase("name"); },
       "'name' is required"},
      {"intrusion-set last_seen order", "intrusion-set",
       [](O& o) {
         o["first_seen"] = "2016-01-01T00:00:00Z";
         o["last_seen"] = "2015-01-01T00:00:00Z";
       },
       "'last_seen' must not be"},
      {"location latitude without longitude", "location", [](O& o) { o.erase("longitude"); },
       "'longitude' is required with the other"},
      {"location latitude out of range", "location", [](O& o) { o["latitude"] = 91; },
       "'latitude' must be in the range -90..90"},
      {"location longitude out of range", "location", [](O& o) { o["longitude"] = -180.5; },
       "'longitude' must be in the range"},
      {"location precision without coordinates", "location",
       [](O& o) {
         o.erase("latitude");
         o.erase("longitude");
       },
       "'precision' requires latitude and longitude"},
      {"location nothing locating", "location",
       [](O& o) {
         o.erase("latitude");
         o.erase("longitude");
         o.erase("precision");
         o.erase("country");
       },
       "needs region, country, or latitude and longitude"},
      {"malware is_family", "malware", [](O& o) { o.erase("is_family"); },
       "'is_family' is required"},
      {"malware family without name", "malware", [](O& o) { o.erase("name"); },
       "'name' is required when is_family is true"},
      {"malware operating_system_refs not software", "malware",
       [](O& o) {
         Set(o, "operating_system_refs", R"(["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"])");
       },
       "must reference software"},
      {"malware sample_refs not file or artifact", "malware",
       [](O& o) { Set(o, "sample_refs", R"(["url--c1477287-23ac-5971-a010-5c287877fa60"])"); },
       "must reference file|artifact"},
      {"malware-analysis product", "malware-analysis", [](O& o) { o.erase("product"); },
       "'product' is required"},
      {"malware-analysis neither result nor scos", "malware-analysis",
       [](O& o) {
         o.erase("result");
         o.erase("analysis_sco_refs");
       },
       "needs 'result' or 'analysis_sco_refs'"},
      {"malware-analysis sample_ref type", "malware-analysis",
       [](O& o) { o["sample_ref"] = "url--c1477287-23ac-5971-a010-5c287877fa60"; },
       "'sample_ref' must reference file|network-traffic|artifact"},
      {"malware-analysis host_vm_ref type", "malware-analysis",
       [](O& o) { o["host_vm_ref"] = "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"; },
       "'host_vm_ref' must reference software"},
      {"note content", "note", [](O& o) { o.erase("content"); }, "'content' is required"},
      {"note object_refs", "note", [](O& o) { o.erase("object_refs"); },
       "'object_refs' is required"},
      {"observed-data first_observed", "observed-data", [](O& o) { o.erase("first_observed"); },
       "'first_observed' is required"},
      {"observed-data last_observed", "observed-data", [](O& o) { o.erase("last_observed"); },
       "'last_observed' is required"},
      {"observed-data number_observed", "observed-data",
       [](O& o) { o.erase("number_observed"); }, "'number_observed' is required"},
      {"observed-data number_observed zero", "observed-data",
       [](O& o) { o["number_observed"] = 0; }, "'number_observed' must be in the range 1.."},
      {"observed-data number_observed too big", "observed-data",
       [](O& o) { o["number_observed"] = 1000000000; }, "must be in the range"},
      {"observed-data neither objects nor refs", "observed-data",
       [](O& o) { o.erase("object_refs"); }, "needs exactly one of 'objects', 'object_refs'"},
      {"observed-data both objects and refs", "observed-data",
       [](O& o) { Set(o, "objects", R"({"0": {"type": "file", "name": "a"}})"); },
       "needs exactly one of"},
      {"observed-data object_refs to an SDO", "observed-data",
       [](O& o) { Set(o, "object_refs", R"(["malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"])"); },
       "must reference a cyber-observable object or an SRO"},
      {"observed-data last before first", "observed-data",
       [](O& o) { o["last_observed"] = "2015-12-21T18:59:59Z"; },
       "'last_observed' must not be earlier than 'first_observed'"},
      {"opinion opinion", "opinion", [](O& o) { o.erase("opinion"); }, "'opinion' is required"},
      {"opinion out of enum", "opinion", [](O& o) { o["opinion"] = "maybe"; },
       "'opinion' must be one of strongly-disagree"},
      {"opinion object_refs", "opinion", [](O& o) { o.erase("object_refs"); },
       "'object_refs' is required"},
      {"report name", "report", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"report published", "report", [](O& o) { o.erase("published"); },
       "'published' is required"},
      {"report object_refs", "report", [](O& o) { o.erase("object_refs"); },
       "'object_refs' is required"},
      {"threat-actor name", "threat-actor", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"threat-actor last_seen order", "threat-actor",
       [](O& o) {
         o["first_seen"] = "2016-01-02T00:00:00Z";
         o["last_seen"] = "2016-01-01T00:00:00Z";
       },
       "'last_seen' must not be"},
      {"tool name", "tool", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"vulnerability name", "vulnerability", [](O& o) { o.erase("name"); },
       "'name' is required"},
      // SROs.
      {"relationship relationship_type", "relationship",
       [](O& o) { o.erase("relationship_type"); }, "'relationship_type' is required"},
      {"relationship type with uppercase", "relationship",
       [](O& o) { o["relationship_type"] = "Indicates"; }, "must contain only [a-z0-9-]"},
      {"relationship source_ref", "relationship", [](O& o) { o.erase("source_ref"); },
       "'source_ref' is required"},
      {"relationship target_ref", "relationship", [](O& o) { o.erase("target_ref"); },
       "'target_ref' is required"},
      {"relationship source_ref not an id", "relationship",
       [](O& o) { o["source_ref"] = "indicator-1"; }, "'source_ref' must be an identifier"},
      {"relationship target_ref to a marking", "relationship",
       [](O& o) { o["target_ref"] = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"; },
       "'target_ref' must reference an SDO or a cyber-observable object"},
      {"relationship source_ref to a relationship", "relationship",
       [](O& o) { o["source_ref"] = "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"; },
       "'source_ref' must reference"},
      {"relationship stop_time equal start_time", "relationship",
       [](O& o) { o["stop_time"] = "2016-01-01T00:00:00Z"; },
       "'stop_time' must be later than 'start_time'"},
      {"sighting sighting_of_ref", "sighting", [](O& o) { o.erase("sighting_of_ref"); },
       "'sighting_of_ref' is required"},
      {"sighting of an SCO", "sighting",
       [](O& o) { o["sighting_of_ref"] = "file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"; },
       "'sighting_of_ref' must reference an SDO"},
      {"sighting of a relationship", "sighting",
       [](O& o) { o["sighting_of_ref"] = "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"; },
       "must reference an SDO"},
      {"sighting count negative", "sighting", [](O& o) { o["count"] = -1; },
       "'count' must be in the range 0..999999999"},
      {"sighting count too big", "sighting", [](O& o) { o["count"] = 1000000000; },
       "'count' must be in the range"},
      {"sighting where_sighted_refs type", "sighting",
       [](O& o) {
         Set(o, "where_sighted_refs", R"(["malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"])");
       },
       "must reference identity|location"},
      {"sighting observed_data_refs type", "sighting",
       [](O& o) {
         Set(o, "observed_data_refs", R"(["malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"])");
       },
       "must reference observed-data"},
      {"sighting last_seen before first_seen", "sighting",
       [](O& o) { o["last_seen"] = "2015-01-01T00:00:00Z"; }, "'last_seen' must not be"},
      {"sighting summary not bool", "sighting", [](O& o) { o["summary"] = "no"; },
       "'summary' must be a boolean"},
      // SCOs.
      {"artifact payload_bin and url", "artifact", [](O& o) { o["url"] = "https://x.example"; },
       "'url' must not be present with payload_bin"},
      {"artifact url without hashes", "artifact",
       [](O& o) {
         o.erase("payload_bin");
         o["url"] = "https://x.example";
       },
       "'hashes' is required when url is present"},
      {"artifact payload_bin not base64", "artifact", [](O& o) { o["payload_bin"] = "abc"; },
       "'payload_bin' must be base64"},
      {"artifact decryption_key alone", "artifact", [](O& o) { o["decryption_key"] = "k"; },
       "'decryption_key' requires encryption_algorithm"},
      {"artifact bad encryption_algorithm", "artifact",
       [](O& o) { o["encryption_algorithm"] = "rot13"; }, "must be one of AES-256-GCM"},
      {"autonomous-system number", "autonomous-system", [](O& o) { o.erase("number"); },
       "'number' is required"},
      {"autonomous-system number as string", "autonomous-system",
       [](O& o) { o["number"] = "15139"; }, "'number' must be an integer"},
      {"directory path", "directory", [](O& o) { o.erase("path"); }, "'path' is required"},
      {"directory contains_refs type", "directory",
       [](O& o) { Set(o, "contains_refs", R"(["url--c1477287-23ac-5971-a010-5c287877fa60"])"); },
       "must reference file|directory"},
      {"domain-name value", "domain-name", [](O& o) { o.erase("value"); }, "'value' is required"},
      {"domain-name resolves_to_refs type", "domain-name",
       [](O& o) {
         Set(o, "resolves_to_refs", R"(["url--c1477287-23ac-5971-a010-5c287877fa60"])");
       },
       "must reference ipv4-addr|ipv6-addr|domain-name"},
      {"email-addr value", "email-addr", [](O& o) { o.erase("value"); }, "'value' is required"},
      {"email-message is_multipart", "email-message", [](O& o) { o.erase("is_multipart"); },
       "'is_multipart' is required"},
      {"email-message body while multipart", "email-message", [](O& o) { o["body"] = "hi"; },
       "'body' must not be present when is_multipart is true"},
      {"email-message multipart while not multipart", "email-message",
       [](O& o) { o["is_multipart"] = false; }, "'body_multipart' must not be present"},
      {"email-message mime part without body", "email-message",
       [](O& o) { Set(o, "body_multipart", R"([{"content_type": "text/plain"}])"); },
       "entries need exactly one of body, body_raw_ref"},
      {"email-message from_ref type", "email-message",
       [](O& o) { o["from_ref"] = "url--c1477287-23ac-5971-a010-5c287877fa60"; },
       "'from_ref' must reference email-addr"},
      {"file neither hashes nor name", "file",
       [](O& o) {
         o.erase("hashes");
         o.erase("name");
       },
       "needs 'hashes' or 'name'"},
      {"file negative size", "file", [](O& o) { o["size"] = -5; }, "'size' must be in the range"},
      {"file bad MD5", "file", [](O& o) { Set(o, "hashes", R"({"MD5": "1234"})"); },
       "'hashes' has a malformed MD5 value"},
      {"file hash value not string", "file", [](O& o) { Set(o, "hashes", R"({"MD5": 5})"); },
       "'hashes' values must be strings"},
      {"file hashes empty", "file", [](O& o) { Set(o, "hashes", "{}"); },
       "'hashes' must be a non-empty dictionary"},
      {"file hash key bad", "file", [](O& o) { Set(o, "hashes", R"({"a b c": "x"})"); },
       "key with characters outside"},
      {"file magic number not hex", "file", [](O& o) { o["magic_number_hex"] = "25504"; },
       "'magic_number_hex' must be a hex string"},
      {"ipv4-addr value", "ipv4-addr", [](O& o) { o.erase("value"); }, "'value' is required"},
      {"ipv4-addr bad address", "ipv4-addr", [](O& o) { o["value"] = "198.51.100.256"; },
       "'value' must be an IPv4 address"},
      {"ipv4-addr bad prefix", "ipv4-addr", [](O& o) { o["value"] = "198.51.100.0/33"; },
       "'value' must be an IPv4 address"},
      {"ipv6-addr bad address", "ipv6-addr", [](O& o) { o["value"] = "2001:db8:::1"; },
       "'value' must be an IPv6 address"},
      {"ipv4-addr belongs_to_refs type", "ipv4-addr",
       [](O& o) {
         Set(o, "belongs_to_refs", R"(["url--c1477287-23ac-5971-a010-5c287877fa60"])");
       },
       "must reference autonomous-system"},
      {"mac-addr uppercase", "mac-addr", [](O& o) { o["value"] = "D2:FB:49:24:37:18"; },
       "'value' must be a lowercase colon-delimited MAC-48"},
      {"mac-addr value", "mac-addr", [](O& o) { o.erase("value"); }, "'value' is required"},
      {"mutex name", "mutex", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"network-traffic protocols", "network-traffic", [](O& o) { o.erase("protocols"); },
       "'protocols' is required"},
      {"network-traffic no endpoints", "network-traffic", [](O& o) { o.erase("src_ref"); },
       "needs 'src_ref' or 'dst_ref'"},
      {"network-traffic port out of range", "network-traffic",
       [](O& o) { o["dst_port"] = 65536; }, "'dst_port' must be in the range 0..65535"},
      {"network-traffic end while active", "network-traffic",
       [](O& o) { o["end"] = "2016-01-02T00:00:00Z"; },
       "'end' must not be present when is_active is true"},
      {"network-traffic src_ref type", "network-traffic",
       [](O& o) { o["src_ref"] = "url--c1477287-23ac-5971-a010-5c287877fa60"; },
       "'src_ref' must reference"},
      {"process no properties", "process",
       [](O& o) {
         o.erase("pid");
         o.erase("command_line");
         o.erase("image_ref");
         o.erase("extensions");
       },
       "needs at least one property defined for its type"},
      {"process parent_ref type", "process",
       [](O& o) { o["parent_ref"] = "file--e04f22d1-be2c-59de-add8-10f61d15fe20"; },
       "'parent_ref' must reference process"},
      {"software name", "software", [](O& o) { o.erase("name"); }, "'name' is required"},
      {"url value", "url", [](O& o) { o.erase("value"); }, "'value' is required"},
      {"user-account no properties", "user-account",
       [](O& o) {
         o.erase("user_id");
         o.erase("account_login");
         o.erase("is_privileged");
         o.erase("extensions");
       },
       "needs at least one property"},
      {"user-account is_privileged not bool", "user-account",
       [](O& o) { o["is_privileged"] = 1; }, "'is_privileged' must be a boolean"},
      {"windows-registry-key abbreviated hive", "windows-registry-key",
       [](O& o) { o["key"] = "hklm\\System\\Foo"; }, "must spell out the hive"},
      {"windows-registry-key bad data_type", "windows-registry-key",
       [](O& o) { Set(o, "values", R"([{"name": "a", "data_type": "REG_FOO"}])"); },
       "must be one of REG_NONE"},
      {"windows-registry-key no properties", "windows-registry-key",
       [](O& o) {
         o.erase("key");
         o.erase("values");
       },
       "needs at least one property"},
      {"x509-certificate no properties", "x509-certificate",
       [](O& o) {
         o.erase("issuer");
         o.erase("validity_not_before");
         o.erase("validity_not_after");
         o.erase("subject_public_key_exponent");
       },
       "needs at least one property"},
      {"x509-certificate bad validity timestamp", "x509-certificate",
       [](O& o) { o["validity_not_before"] = "2016-03-12"; },
       "'validity_not_before' is not a valid timestamp"},
      // Meta objects.
      {"marking-definition created", "marking-definition", [](O& o) { o.erase("created"); },
       "'created' is required"},
      {"marking-definition spec_version", "marking-definition",
       [](O& o) { o.erase("spec_version"); }, "'spec_version' is required"},
      {"marking-definition without definition or extensions", "marking-definition",
       [](O& o) {
         o.erase("definition");
         o.erase("definition_type");
       },
       "needs 'definition_type' and 'definition', or 'extensions'"},
      {"marking-definition definition without type", "marking-definition",
       [](O& o) { o.erase("definition_type"); }, "'definition_type' is required with the other"},
      {"marking-definition bad tlp level", "marking-definition",
       [](O& o) { Set(o, "definition", R"({"tlp": "purple"})"); },
       "'definition.tlp' must be white, green, amber or red"},
      {"marking-definition tlp with wrong id", "marking-definition",
       [](O& o) { Set(o, "definition", R"({"tlp": "red"})"); },
       "must be the STIX-defined TLP id"},
      {"marking-definition statement missing", "marking-definition",
       [](O& o) {
         o["definition_type"] = "statement";
         o["id"] = "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f";
         Set(o, "definition", R"({"text": "Copyright"})");
       },
       "'definition.statement' is required"},
      {"marking-definition extension keyed by -ext", "marking-definition",
       [](O& o) { Set(o, "extensions", R"({"acme-ext": {"a": 1}})"); },
       "must be keyed by an extension-definition identifier"},
      {"marking-definition bad tlp 2.0 level", "marking-definition",
       [](O& o) {
         o.erase("definition");
         o.erase("definition_type");
         Set(o, "extensions",
             R"({"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                 {"extension_type": "property-extension", "tlp_2_0": "white"}})");
       },
       "tlp_2_0' must be one of clear"},
      {"releasability refs not identities", "marking-definition",
       [](O& o) {
         Set(o, "extensions",
             R"({"extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b":
                 {"extension_type": "property-extension",
                  "releasable_to_refs": ["campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]}})");
       },
       "releasable_to_refs' must contain only identity identifiers"},
      {"releasability recipients empty name", "marking-definition",
       [](O& o) {
         Set(o, "extensions",
             R"({"extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b":
                 {"extension_type": "property-extension", "recipients": [""]}})");
       },
       "'recipients' must contain only non-empty user names"},
      {"marking-definition created_by_ref type", "marking-definition",
       [](O& o) { o["created_by_ref"] = "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"; },
       "'created_by_ref' must reference identity"},
      {"extension-definition schema", "extension-definition", [](O& o) { o.erase("schema"); },
       "'schema' is required"},
      {"extension-definition version", "extension-definition", [](O& o) { o.erase("version"); },
       "'version' is required"},
      {"extension-definition name", "extension-definition", [](O& o) { o.erase("name"); },
       "'name' is required"},
      {"extension-definition created_by_ref", "extension-definition",
       [](O& o) { o.erase("created_by_ref"); }, "'created_by_ref' is required"},
      {"extension-definition extension_types", "extension-definition",
       [](O& o) { o.erase("extension_types"); }, "'extension_types' is required"},
      {"extension-definition bad extension type", "extension-definition",
       [](O& o) { Set(o, "extension_types", R"(["new-thing"])"); }, "entries must be one of"},
      {"extension-definition extension_properties without toplevel", "extension-definition",
       [](O& o) { Set(o, "extension_properties", R"(["rank"])"); },
       "only allowed with extension type toplevel-property-extension"},
      {"extension-definition modified", "extension-definition",
       [](O& o) { o.erase("modified"); }, "'modified' is required"},
      {"language-content object_ref", "language-content", [](O& o) { o.erase("object_ref"); },
       "'object_ref' is required"},
      {"language-content contents", "language-content", [](O& o) { o.erase("contents"); },
       "'contents' is required"},
      {"language-content contents not dictionaries", "language-content",
       [](O& o) { Set(o, "contents", R"({"de": "Bank Angriff"})"); },
       "must map language tags to non-empty dictionaries"},
      {"language-content object_ref to language-content", "language-content",
       [](O& o) { o["object_ref"] = "language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d"; },
       "'object_ref' must reference an object other than language-content"},
  };
  return *kCases;
}

TEST(Validate, RefusesEveryBrokenObject) {
  for (const BrokenCase& c : BrokenCases()) {
    json::object o = Fixture(c.fixture);
    ASSERT_TRUE(ValidateObject(o).ok()) << c.name << ": fixture must start valid";
    c.mutate(o);
    Status st = ValidateObject(o);
    EXPECT_FALSE(st.ok()) << c.name << ": accepted";
    if (!st.ok()) {
      EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << c.name;
      EXPECT_NE(st.message().find(c.expected), std::string::npos)
          << c.name << ": got \"" << st.message() << "\", expected \"" << c.expected << "\"";
    }
  }
}

TEST(Validate, BrokenCaseTableIsLarge) { EXPECT_GE(BrokenCases().size(), 60u); }

TEST(Validate, EveryRequiredPropertyOfEveryTypeIsEnforced) {
  // Removing any one required property of any fixture must be refused.
  const std::map<std::string, std::vector<std::string>> kRequired = {
      {"attack-pattern", {"name"}},
      {"campaign", {"name"}},
      {"course-of-action", {"name"}},
      {"grouping", {"context", "object_refs"}},
      {"identity", {"name"}},
      {"incident", {"name"}},
      {"indicator", {"pattern", "pattern_type", "valid_from"}},
      {"infrastructure", {"name"}},
      {"intrusion-set", {"name"}},
      {"malware", {"is_family"}},
      {"malware-analysis", {"product"}},
      {"note", {"content", "object_refs"}},
      {"observed-data", {"first_observed", "last_observed", "number_observed"}},
      {"opinion", {"opinion", "object_refs"}},
      {"report", {"name", "published", "object_refs"}},
      {"threat-actor", {"name"}},
      {"tool", {"name"}},
      {"vulnerability", {"name"}},
      {"relationship", {"relationship_type", "source_ref", "target_ref"}},
      {"sighting", {"sighting_of_ref"}},
      {"autonomous-system", {"number"}},
      {"directory", {"path"}},
      {"domain-name", {"value"}},
      {"email-addr", {"value"}},
      {"email-message", {"is_multipart"}},
      {"ipv4-addr", {"value"}},
      {"ipv6-addr", {"value"}},
      {"mac-addr", {"value"}},
      {"mutex", {"name"}},
      {"network-traffic", {"protocols"}},
      {"software", {"name"}},
      {"url", {"value"}},
      {"extension-definition", {"name", "schema", "version", "extension_types"}},
      {"language-content", {"object_ref", "contents"}},
  };
  for (const auto& [type, props] : kRequired) {
    for (const std::string& prop : props) {
      json::object o = Fixture(type);
      o.erase(prop);
      Status st = ValidateObject(o);
      EXPECT_FALSE(st.ok()) << type << " without " << prop;
      EXPECT_NE(st.message().find("'" + prop + "' is required"), std::string::npos)
          << type << ": " << st.message();
    }
  }
  // Every SDO, SRO and meta object needs the common properties.
  for (const auto& [type, text] : Fixtures()) {
    json::object base = json::parse(text).as_object();
    if (!base.contains("created")) continue;  // SCOs
    for (const char* prop : {"type", "id", "spec_version", "created"}) {
      const bool custom_optional =
          std::string_view(prop) == "spec_version" || std::string_view(prop) == "created";
      if (type.starts_with("x-") && custom_optional) continue;
      json::object o = base;
      o.erase(prop);
      EXPECT_FALSE(ValidateObject(o).ok()) << type << " without " << prop;
    }
  }
}

TEST(Validate, NeverThrowsOnWrongJsonKinds) {
  // Every property of every fixture replaced by values of every JSON kind: no exceptions.
  const json::value kKinds[] = {nullptr, true, 7, -7, 1.5, "s", json::array{}, json::object{}};
  for (const auto& [type, text] : Fixtures()) {
    const json::object base = json::parse(text).as_object();
    for (const auto& [key, value] : base) {
      for (const json::value& kind : kKinds) {
        json::object o = base;
        o[key] = kind;
        EXPECT_NO_THROW((void)ValidateObject(o)) << type << "." << std::string_view(key);
      }
    }
  }
}

}  // namespace
}  // namespace tansiq::stix
