// Tests for stix/identifier: type names, identifiers and v4 identifier construction.
#include "stix/identifier.h"

#include <gtest/gtest.h>

namespace tansiq::stix {
namespace {

TEST(Identifier, AcceptsValidTypeNames) {
  for (const char* t :
       {"indicator", "x-mitre-tactic", "ipv4-addr", "x509-certificate", "abc", "x-foo2"}) {
    EXPECT_TRUE(IsValidTypeName(t)) << t;
  }
}

TEST(Identifier, RejectsInvalidTypeNames) {
  for (const char* t :
       {"", "ab", "Indicator", "-ab", "ab-", "a--b", "1abc", "x_foo", "ab c", "x-ünï"}) {
    EXPECT_FALSE(IsValidTypeName(t)) << t;
  }
  EXPECT_FALSE(IsValidTypeName(std::string(251, 'a')));
  EXPECT_TRUE(IsValidTypeName(std::string(250, 'a')));
}

TEST(Identifier, AcceptsValidIdentifiers) {
  EXPECT_TRUE(IsValidIdentifier("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_TRUE(IsValidIdentifier("file--364fe3e5-b1f4-5ba3-b951-ee5983b3538d"));
  EXPECT_TRUE(IsValidIdentifier("x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28a"));
  EXPECT_EQ(IdentifierType("attack-pattern--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"),
            "attack-pattern");
}

TEST(Identifier, RejectsInvalidIdentifiers) {
  for (const char* id :
       {"", "indicator", "indicator--", "indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "indicator--8e2e2d2b17d4-4cbf-938f-98ee46b3cd3f0",
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3g",
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3",
        "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "indicator---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        // Upper-case hex: the same UUID as the lower-case form, so a second id for one object.
        "file--364FE3E5-B1F4-5BA3-B951-EE5983B3538D",
        "report--8E2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "report--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3F"}) {
    EXPECT_FALSE(IsValidIdentifier(id)) << id;
    EXPECT_EQ(IdentifierType(id), "") << id;
  }
}

TEST(Identifier, MakesVersion4Identifiers) {
  std::array<std::uint8_t, 16> bytes;
  bytes.fill(0xff);
  const std::string id = MakeIdentifier("indicator", bytes);
  EXPECT_EQ(id, "indicator--ffffffff-ffff-4fff-bfff-ffffffffffff");
  EXPECT_TRUE(IsValidIdentifier(id));
  bytes.fill(0);
  EXPECT_EQ(MakeIdentifier("report", bytes), "report--00000000-0000-4000-8000-000000000000");
}

}  // namespace
}  // namespace tansiq::stix
