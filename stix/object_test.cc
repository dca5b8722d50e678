// Tests for stix/object: the facts Inspect extracts and per-reader StripRefs.
#include "stix/object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "stix/timestamp.h"
#include "stix/validate.h"

namespace tansiq::stix {
namespace {
namespace json = boost::json;

json::object Parse(std::string_view text) { return json::parse(text).as_object(); }

constexpr std::string_view kReport = R"({"type": "report", "spec_version": "2.1",
    "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
    "created_by_ref": "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",
    "created": "2015-12-21T19:59:11.000Z", "modified": "2016-05-21T19:59:11.000Z",
    "name": "The Black Vine Cyberespionage Group", "published": "2016-01-20T17:00:00.000Z",
    "lang": "en", "revoked": false,
    "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
                            "marking-definition--a9c5a4e6-0a7b-4a0e-9d7c-0f1e2d3c4b5a"],
    "granular_markings": [
      {"marking_ref": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
       "selectors": ["name"]},
      {"marking_ref": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
       "selectors": ["description"]}],
    "description": "secret",
    "object_refs": ["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",
                    "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c",
                    "relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a",
                    "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"],
    "x_acme_nested": {
"owner_ref": "identity--b38dfe21-7477-40d1-aa90-5c8671ce51ca",
                      "plain": "identity--b38dfe21-7477-40d1-aa90-5c8671ce51cb",
                      "list": [{"thing_refs": ["tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                                               "junk"]}],
                      "bad_ref": "junk"},
    "extensions": {"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {
      "extension_type": "property-extension",
      "reviewer_ref": "identity--d5a5e2cc-9d9a-4b8b-8f5f-2f0c1e4d3b2a"}}})";

TEST(Object, InspectExtractsFacts) {
  Result<ObjectFacts> f = Inspect(Parse(kReport));
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->id, "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3");
  EXPECT_EQ(f->type, "report");
  EXPECT_EQ(f->spec_version, "2.1");
  EXPECT_EQ(f->category, Category::kDomainObject);
  EXPECT_EQ(f->created, ParseTimestamp("2015-12-21T19:59:11.000Z")->micros);
  EXPECT_EQ(f->modified, ParseTimestamp("2016-05-21T19:59:11.000Z")->micros);
  EXPECT_EQ(f->version, f->modified);
  EXPECT_EQ(f->version_text, "2016-05-21T19:59:11.000Z");
  EXPECT_EQ(f->created_by_ref, "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283");
  EXPECT_EQ(f->object_marking_refs.size(), 2u);
  EXPECT_FALSE(f->revoked);
  EXPECT_EQ(f->lang, "en");
  EXPECT_TRUE(f->gate_refs.empty());
}

TEST(Object, AllRefsAtAnyDepthDeduplicated) {
  Result<ObjectFacts> f = Inspect(Parse(kReport));
  ASSERT_TRUE(f.ok());
  const std::set<std::string> refs(f->all_refs.begin(), f->all_refs.end());
  EXPECT_EQ(refs.size(), f->all_refs.size()) << "duplicates";
  const std::set<std::string> expected = {
      "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",
      "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
      "marking-definition--a9c5a4e6-0a7b-4a0e-9d7c-0f1e2d3c4b5a",
      "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
      "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
      "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",
      "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c",
      "relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a",
      "identity--b38dfe21-7477-40d1-aa90-5c8671ce51ca",
      "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
      "identity--d5a5e2cc-9d9a-4b8b-8f5f-2f0c1e4d3b2a",
  };
  EXPECT_EQ(refs, expected);
}

TEST(Object, VersionFallsBackToCreatedThenNothing) {
  Result<ObjectFacts> md = Inspect(Parse(R"({"type": "marking-definition",
      "spec_version": "2.1", "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
      "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN",
      "definition": {"tlp": "green"}})"));
  ASSERT_TRUE(md.ok()) << md.status().message();
  EXPECT_EQ(md->category, Category::kMetaObject);
  EXPECT_FALSE(md->modified.has_value());
  EXPECT_EQ(md->version, md->created);
  EXPECT_EQ(md->version_text, "2017-01-20T00:00:00.000Z");

  Result<ObjectFacts> sco = Inspect(Parse(R"({"type": "ipv4-addr",
      "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "198.51.100.3"})"));
  ASSERT_TRUE(sco.ok());
  EXPECT_EQ(sco->category, Category::kCyberObservable);
  EXPECT_EQ(sco->spec_version, "2.1");
  EXPECT_FALSE(sco->version.has_value());
  EXPECT_EQ(sco->version_text, "");
}

TEST(Object, CategoriesAndGateRefs) {
  Result<ObjectFacts> rel = Inspect(Parse(R"({"type": "relationship", "spec_version": "2.1",
      "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
      "created": "2016-04-06T20:06:37.000Z", "modified": "2016-04-06T20:06:37.000Z",
      "relationship_type": "indicates", "revoked": true,
      "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
      "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"})"));
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->category, Category::kRelationship);
  EXPECT_TRUE(rel->revoked);
  EXPECT_EQ(rel->gate_refs,
            (std::vector<std::string>{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                                      "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"}));
  Result<ObjectFacts> sighting = Inspect(Parse(R"({"type": "sighting", "spec_version": "2.1",
      "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
      "created": "2016-04-06T20:06:37.000Z", "modified": "2016-04-06T20:06:37.000Z",
      "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})"));
  ASSERT_TRUE(sighting.ok());
  EXPECT_EQ(sighting->gate_refs,
            (std::vector<std::string>{"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}));
  Result<ObjectFacts> custom = Inspect(Parse(R"({"type": "x-mitre-tactic", "spec_version": "2.1",
      "id": "x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28a",
      "created": "2018-10-17T00:14:20.652Z", "modified": "2018-10-17T00:14:20.652Z",
      "name": "Collection"})"));
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->category, Category::kCustom);
}

TEST(Object, InspectRefusesInvalidObjects) {
  json::object o = Parse(kReport);
  o.erase("published");
  Result<ObjectFacts> f = Inspect(o);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("'published' is required"), std::string::npos);
}

TEST(Object, StripRefsLeavesObjectUnchangedWhenAllVisible) {
  json::object o = Parse(kReport);
  const std::string before = json::serialize(o);
  EXPECT_TRUE(StripRefs(o, [](std::string_view) { return true; }));
  EXPECT_EQ(json::serialize(o), before);
}

TEST(Object, StripRefsRemovesInvisibleRefsEverywhere) {
  json::object o = Parse(kReport);
  const std::set<std::string_view> hidden = {
      "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",            // created_by_ref
      "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",           // twice in object_refs
      "marking-definition--a9c5a4e6-0a7b-4a0e-9d7c-0f1e2d3c4b5a",  // object_marking_refs
      "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",  // granular marking
      "identity--b38dfe21-7477-40d1-aa90-5c8671ce51ca",            // nested custom _ref
      "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",                // nested custom _refs
      "identity--d5a5e2cc-9d9a-4b8b-8f5f-2f0c1e4d3b2a",            // inside an extension
  };
  ASSERT_TRUE(StripRefs(o, [&](std::string_view id) { return !hidden.contains(id); }));
  EXPECT_FALSE(o.contains("created_by_ref"));
  EXPECT_EQ(o.at("object_refs"), json::parse(R"(["campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c",
      "relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a"])"));
  EXPECT_EQ(o.at("object_marking_refs"),
            json::array{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"});
  ASSERT_EQ(o.at("granular_markings").as_array().size(), 1u);
  EXPECT_EQ(o.at("granular_markings").as_array()[0].as_object().at("marking_ref"),
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82");
  const json::object& nested = o.at("x_acme_nested").as_object();
  EXPECT_FALSE(nested.contains("owner_ref"));
  EXPECT_EQ(nested.at("bad_ref"), "junk");  // not an identifier: not a reference
  EXPECT_EQ(nested.at("plain"), "identity--b38dfe21-7477-40d1-aa90-5c8671ce51cb");
  EXPECT_EQ(nested.at("list").as_array()[0].as_object().at("thing_refs"), json::array{"junk"});
  const json::object& ext = o.at("extensions")
                                .as_object()
                                .at("extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e")
                                .as_object();
  EXPECT_FALSE(ext.contains("reviewer_ref"));
  EXPECT_EQ(ext.at("extension_type"), "property-extension");
  // Key order survives removal.
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.emplace_back(kv.key());
  EXPECT_EQ(keys.front(), "type");
  EXPECT_EQ(keys.back(), "extensions");
}

TEST(Object, StripRefsDropsEmptiedOptionalLists) {
  json::object o = Parse(kReport);
  ASSERT_TRUE(StripRefs(o, [](std::string_view id) {
    return !id.starts_with("marking-definition--") && id.starts_with("") &&
           !id.starts_with("identity--");
  }));
  EXPECT_FALSE(o.contains("object_marking_refs"));
  EXPECT_FALSE(o.contains("granular_markings"));
  EXPECT_TRUE(o.contains("object_refs"));
}

TEST(Object, StripRefsRefusesWhenRequiredListWouldEmpty) {
  json::object o = Parse(kReport);
  EXPECT_FALSE(StripRefs(o, [](std::string_view id) {
    return !id.starts_with("indicator--") && !id.starts_with("campaign--") &&
           !id.starts_with("relationship--");
  }));
  for (const char* type : {"grouping", "note", "opinion"}) {
    json::object x = Parse(std::string(R"({"type": ")") + type +
                           R"(", "object_refs": ["tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]})");
    EXPECT_FALSE(StripRefs(x, [](std::string_view) { return false; })) << type;
  }
}

TEST(Object, StripRefsObservedData) {
  json::object refs = Parse(R"({"type": "observed-data",
      "object_refs": ["file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"]})");
  EXPECT_FALSE(StripRefs(refs, [](std::string_view) { return false; }));
  json::object objects = Parse(R"({"type": "observed-data",
      "created_by_ref": "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",
      "objects": {"0": {"type": "ipv4-addr", "value": "10.0.0.1", "resolves_to_refs": ["1"]},
                  "1": {"type": "mac-addr", "value": "d2:fb:49:24:37:18"}}})");
  const json::value objects_before = objects.at("objects");
  EXPECT_TRUE(StripRefs(objects, [](std::string_view) { return false; }));
  EXPECT_FALSE(objects.contains("created_by_ref"));
  EXPECT_EQ(objects.at("objects"), objects_before);  // "1" is not an identifier
}

TEST(Object, StripRefsGateRefs) {
  json::object rel = Parse(R"({"type": "relationship",
      "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
      "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"})");
  EXPECT_FALSE(StripRefs(rel, [](std::string_view id) { return !id.starts_with("malware"); }));
  EXPECT_FALSE(StripRefs(rel, [](std::string_view id) { return !id.starts_with("indicator"); }));
  json::object ok = rel;
  EXPECT_TRUE(StripRefs(ok, [](std::string_view) { return true; }));
  EXPECT_EQ(ok, rel);
  json::object sighting = Parse(R"({"type": "sighting",
      "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
      "where_sighted_refs": ["identity--b38dfe21-7477-40d1-aa90-5c8671ce51ca"]})");
  json::object s2 = sighting;
  EXPECT_TRUE(StripRefs(s2, [](std::string_view id) { return !id.starts_with("identity"); }));
  EXPECT_FALSE(s2.contains("where_sighted_refs"));
  EXPECT_FALSE(
      StripRefs(sighting, [](std::string_view id) { return !id.starts_with("indicator"); }));
}

}  // namespace
}  // namespace tansiq::stix

namespace tansiq::stix {
namespace {

// Stripping a list element renumbers the granular-marking selectors that follow it and drops
// the markings that only marked what was stripped; the result stays valid STIX.
TEST(Object, StripRefsKeepsGranularMarkingsOnTheirElements) {
  auto parsed = boost::json::parse(R"({
    "type": "report", "spec_version": "2.1",
    "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
    "created": "2016-01-01T00:00:00.000Z", "modified": "2016-01-01T00:00:00.000Z",
    "name": "r", "published": "2016-01-01T00:00:00.000Z",
    "object_refs": ["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",
                    "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c",
                    "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"],
    "granular_markings": [
      {"marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
       "selectors": ["object_refs.[1]"]},
      {"marking_ref": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
       "selectors": ["object_refs.[2]", "name"]}]})");
  boost::json::object o = parsed.get_object();
  ASSERT_TRUE(ValidateObject(o).ok());
  const bool kept = StripRefs(o, [](std::string_view id) { return !id.starts_with("campaign--"); });
  ASSERT_TRUE(kept);
  EXPECT_EQ(o.at("object_refs").get_array().size(), 2u);
  const auto& gms = o.at("granular_markings").get_array();
  ASSERT_EQ(gms.size(), 1u);  // the marking on the stripped campaign is gone
  EXPECT_EQ(boost::json::serialize(gms[0].at("selectors")), R"(["object_refs.[1]","name"])");
  EXPECT_TRUE(ValidateObject(o).ok()) << ValidateObject(o).message();
}

}  // namespace
}  // namespace tansiq::stix

namespace tansiq::stix {
namespace {

// fuzz_stix regression: an extension whose only property was a hidden ref used to be left as
// an empty dictionary, which made a valid object invalid.
TEST(ObjectStrip, AnExtensionEmptiedByStrippingIsRemoved) {
  json::object o = json::parse(R"({"type": "observed-data", "spec_version": "2.1",
      "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
      "created": "2016-04-06T19:58:16.000Z", "modified": "2016-04-06T19:58:16.000Z",
      "first_observed": "2015-12-21T19:00:00Z", "last_observed": "2015-12-21T19:00:00Z",
      "number_observed": 50, "object_refs": ["ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8"],
      "extensions": {"x-acme-ext": {"child_ref": "file--5a27d487-c542-4f97-a131-a8866b477b46"}}})")
                       .as_object();
  ASSERT_TRUE(ValidateObject(o).ok());
  ASSERT_TRUE(StripRefs(o, [](std::string_view id) { return !id.starts_with("file--"); }));
  EXPECT_FALSE(o.contains("extensions"));
  EXPECT_TRUE(ValidateObject(o).ok()) << ValidateObject(o).message();
}

}  // namespace
}  // namespace tansiq::stix
