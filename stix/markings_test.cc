// Tests for stix/markings: TLP levels of marking ids, the releasability extension and the
// published extension-definition.
#include "stix/markings.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "stix/validate.h"

namespace tansiq::stix {
namespace {
namespace json = boost::json;

constexpr std::string_view kHub = "identity--311b2d2d-f010-4473-83ec-1edf84858f4c";

json::object Marking(std::string_view extension_json) {
  json::object o = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--a9c5a4e6-0a7b-4a0e-9d7c-0f1e2d3c4b5a",
      "created": "2026-01-01T00:00:00.000Z", "name": "Releasable"})")
                       .as_object();
  o["extensions"] = json::object{{kReleasabilityExtensionId, json::parse(extension_json)}};
  return o;
}

TEST(Markings, TlpOfTlp2Ids) {
  EXPECT_EQ(TlpOfMarking(kTlpClearId), Tlp::kClear);
  EXPECT_EQ(TlpOfMarking(kTlpGreenId), Tlp::kGreen);
  EXPECT_EQ(TlpOfMarking(kTlpAmberId), Tlp::kAmber);
  EXPECT_EQ(TlpOfMarking(kTlpAmberStrictId), Tlp::kAmberStrict);
  EXPECT_EQ(TlpOfMarking(kTlpRedId), Tlp::kRed);
}

TEST(Markings, TlpOfTlp1IdsMapsTo20) {
  EXPECT_EQ(TlpOfMarking("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"), Tlp::kClear);
  EXPECT_EQ(TlpOfMarking("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"), Tlp::kGreen);
  EXPECT_EQ(TlpOfMarking("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"), Tlp::kAmber);
  EXPECT_EQ(TlpOfMarking("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"), Tlp::kRed);
}

TEST(Markings, OtherIdsAreNotTlp) {
  EXPECT_EQ(TlpOfMarking("marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"), Tlp::kNone);
  EXPECT_EQ(TlpOfMarking(""), Tlp::kNone);
  EXPECT_EQ(TlpOfMarking("MARKING-DEFINITION--94868C89-83C2-464B-929B-A1A8AA3C8487"), Tlp::kNone);
}

TEST(Markings, StrictestTlp) {
  EXPECT_EQ(StrictestTlp({}), Tlp::kNone);
  EXPECT_EQ(StrictestTlp({"marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"}), Tlp::kNone);
  EXPECT_EQ(StrictestTlp({std::string(kTlpGreenId), std::string(kTlpClearId)}), Tlp::kGreen);
  EXPECT_EQ(StrictestTlp({std::string(kTlpAmberId), std::string(kTlpAmberStrictId)}),
            Tlp::kAmberStrict);
  EXPECT_EQ(StrictestTlp({std::string(kTlpRedId), std::string(kTlpGreenId)}), Tlp::kRed);
  EXPECT_EQ(StrictestTlp({"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
                          std::string(kTlpAmberStrictId)}),
            Tlp::kRed);
}

TEST(Markings, TlpNames) {
  EXPECT_EQ(TlpName(Tlp::kClear), "clear");
  EXPECT_EQ(TlpName(Tlp::kGreen), "green");
  EXPECT_EQ(TlpName(Tlp::kAmber), "amber");
  EXPECT_EQ(TlpName(Tlp::kAmberStrict), "amber+strict");
  EXPECT_EQ(TlpName(Tlp::kRed), "red");
  EXPECT_EQ(TlpName(Tlp::kNone), "");
}

TEST(Markings, ParsesReleasability) {
  Result<std::optional<Releasability>> rel = ParseReleasability(Marking(R"({
      "extension_type": "property-extension",
      "releasable_to_refs": ["identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
                             "identity--5206ba14-478f-4b0b-9a48-395f690c20a2"],
      "recipients": ["chief.iq", "رئيس الأركان"]})"));
  ASSERT_TRUE(rel.ok()) << rel.status().message();
  ASSERT_TRUE(rel->has_value());
  EXPECT_EQ((*rel)->releasable_to_refs.size(), 2u);
  EXPECT_EQ((*rel)->releasable_to_refs[1], "identity--5206ba14-478f-4b0b-9a48-395f690c20a2");
  EXPECT_EQ((*rel)->recipients, (std::vector<std::string>{"chief.iq", "رئيس الأركان"}));
}

TEST(Markings, ReleasabilityListsMayBeAbsent) {
  Result<std::optional<Releasability>> rel =
      ParseReleasability(Marking(R"({"extension_type": "property-extension"})"));
  ASSERT_TRUE(rel.ok());
  ASSERT_TRUE(rel->has_value());
  EXPECT_TRUE((*rel)->releasable_to_refs.empty());
  EXPECT_TRUE((*rel)->recipients.empty());
}

TEST(Markings, NoReleasabilityOnOtherMarkings) {
  json::object tlp = json::parse(R"({"type": "marking-definition", "spec_version": "2.1",
      "id": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
      "created": "2022-10-01T00:00:00.000Z", "name": "TLP:CLEAR",
      "extensions": {"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
        "extension_type": "property-extension", "tlp_2_0": "clear"}}})")
                         .as_object();
  Result<std::optional<Releasability>> rel = ParseReleasability(tlp);
  ASSERT_TRUE(rel.ok());
  EXPECT_FALSE(rel->has_value());
  tlp.erase("extensions");
  rel = ParseReleasability(tlp);
  ASSERT_TRUE(rel.ok());
  EXPECT_FALSE(rel->has_value());
}

TEST(Markings, RefusesMalformedReleasability) {
  for (const char* bad : {
           R"("not an object")",
           R"({"extension_type": "new-sdo"})",
           R"({"releasable_to_refs": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c"})",
           R"({"releasable_to_refs": ["campaign--311b2d2d-f010-4473-83ec-1edf84858f4c"]})",
           R"({"releasable_to_refs": ["identity--not-a-uuid"]})",
           R"({"releasable_to_refs": [7]})",
           R"({"recipients": "chief"})",
           R"({"recipients": [""]})",
           R"({"recipients": [1]})",
       }) {
    Result<std::optional<Releasability>> rel = ParseReleasability(Marking(bad));
    EXPECT_FALSE(rel.ok()) << bad;
    if (!rel.ok()) {
      EXPECT_EQ(rel.status().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(Markings, ExtensionDefinitionIsValidStix) {
  json::object def = ReleasabilityExtensionDefinition(kHub, "2026-01-01T00:00:00.000Z");
  Status st = ValidateObject(def);
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(def.at("id").as_string(), kReleasabilityExtensionId);
  EXPECT_EQ(def.at("created_by_ref").as_string(), kHub);
  EXPECT_EQ(def.at("created").as_string(), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(def.at("modified").as_string(), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(def.at("name").as_string(), "Tansiq releasability");
  EXPECT_EQ(def.at("version").as_string(), "1.0.0");
  EXPECT_EQ(def.at("extension_types"), json::array{"property-extension"});
  EXPECT_TRUE(def.at("schema").is_string());
  EXPECT_TRUE(def.at("description").is_string());
}

}  // namespace
}  // namespace tansiq::stix

namespace tansiq::stix {
namespace {

TEST(TlpMarkingIdTest, RoundTripsEveryLevel) {
  for (Tlp t : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    EXPECT_EQ(TlpOfMarking(TlpMarkingId(t)), t) << TlpName(t);
  }
  EXPECT_TRUE(TlpMarkingId(Tlp::kNone).empty());
}

}  // namespace
}  // namespace tansiq::stix

namespace tansiq::stix {
namespace {

boost::json::object WithGranular(std::string_view granular_json) {
  return boost::json::parse(std::string(R"({"type":"report","granular_markings":)") +
                            std::string(granular_json) + "}")
      .as_object();
}

constexpr std::string_view kOtherMarking =
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

TEST(GranularMarkings, NarrowerThanTheObjectAreRefused) {
  // Issue 16 item 4: a GREEN report whose description carries granular TLP:RED would show the
  // description to every party; the hub cannot withhold part of an object, so it refuses.
  const std::vector<std::string> green = {std::string(kTlpGreenId)};
  const std::string red = std::string(R"([{"selectors":["description"],"marking_ref":")") +
                          std::string(kTlpRedId) + "\"}]";
  Status st = CheckGranularMarkings(WithGranular(red), green);
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("granular_markings[0]: TLP:red is narrower"), std::string::npos)
      << st.message();
  for (Tlp narrower : {Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    const std::string g = std::string(R"([{"selectors":["name"],"marking_ref":")") +
                          std::string(TlpMarkingId(narrower)) + "\"}]";
    EXPECT_FALSE(CheckGranularMarkings(WithGranular(g), green).ok()) << TlpName(narrower);
    // Without a TLP of its own (unmarked, or a releasability marking only) too.
    EXPECT_FALSE(CheckGranularMarkings(WithGranular(g), {}).ok()) << TlpName(narrower);
  }
  // Any marking that is not TLP (a releasability marking) cannot cover part of an object.
  const std::string other = std::string(R"([{"selectors":["name"],"marking_ref":")") +
                            std::string(kOtherMarking) + "\"}]";
  EXPECT_FALSE(CheckGranularMarkings(WithGranular(other), green).ok());
  // A later entry is checked too.
  const std::string second = std::string(R"([{"selectors":["name"],"lang":"en"},)") +
                             R"({"selectors":["description"],"marking_ref":")" +
                             std::string(kTlpRedId) + "\"}]";
  st = CheckGranularMarkings(WithGranular(second), green);
  EXPECT_NE(st.message().find("granular_markings[1]"), std::string::npos) << st.message();
}

TEST(GranularMarkings, NoNarrowerThanTheObjectAreAccepted) {
  const std::string green =
      std::string(R"([{"selectors":["name"],"marking_ref":")") + std::string(kTlpGreenId) + "\"}]";
  EXPECT_TRUE(CheckGranularMarkings(WithGranular(green), {std::string(kTlpGreenId)}).ok());
  EXPECT_TRUE(CheckGranularMarkings(WithGranular(green), {std::string(kTlpRedId)}).ok());
  EXPECT_TRUE(CheckGranularMarkings(WithGranular(green), {}).ok());
  const std::string red =
      std::string(R"([{"selectors":["name"],"marking_ref":")") + std::string(kTlpRedId) + "\"}]";
  EXPECT_TRUE(CheckGranularMarkings(WithGranular(red), {std::string(kTlpRedId)}).ok());
  EXPECT_TRUE(
      CheckGranularMarkings(WithGranular(R"([{"selectors":["name"],"lang":"ar"}])"), {}).ok());
  boost::json::object none = boost::json::parse(R"({"type":"report"})").as_object();
  EXPECT_TRUE(CheckGranularMarkings(none, {}).ok());
}

TEST(Markings, ReleasabilityMarkingDefinitionIsValidAndParsesBack) {
  const std::string party = "identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061";
  const std::string other = "identity--1f7b5b88-8ff7-4a4d-aa9d-feb398cd0062";
  json::object m = ReleasabilityMarkingDefinition(
      "marking-definition--a9c5a4e6-0a7b-4a0e-9d7c-0f1e2d3c4b5a", party, "2026-01-01T00:00:00.000Z",
      "releasable to iq", Releasability{{other}, {"iq-chief"}});
  EXPECT_TRUE(ValidateObject(m).ok()) << ValidateObject(m).message();
  EXPECT_EQ(m.at("created_by_ref").as_string(), party);
  EXPECT_EQ(m.at("name").as_string(), "releasable to iq");
  auto rel = ParseReleasability(m);
  ASSERT_TRUE(rel.ok());
  ASSERT_TRUE(rel->has_value());
  EXPECT_EQ((*rel)->releasable_to_refs, std::vector<std::string>{other});
  EXPECT_EQ((*rel)->recipients, std::vector<std::string>{"iq-chief"});
  // Empty lists are left out of the extension.
  json::object red = ReleasabilityMarkingDefinition(
      "marking-definition--b9c5a4e6-0a7b-4a0e-9d7c-0f1e2d3c4b5a", party, "2026-01-01T00:00:00.000Z",
      "red", Releasability{{}, {"iq-chief"}});
  const json::object& ext =
      red.at("extensions").as_object().at(kReleasabilityExtensionId).as_object();
  EXPECT_FALSE(ext.contains("releasable_to_refs"));
  EXPECT_EQ(ext.at("extension_type").as_string(), "property-extension");
}

}  // namespace
}  // namespace tansiq::stix
