// Tests for dissem/watch.h: parsing watch rules (as sent and as stored) and matching.
#include "dissem/watch.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace tansiq::dissem {
namespace {

namespace json = boost::json;

json::object Body(std::string_view text) { return json::parse(text).as_object(); }

WatchLookups Lookups(std::vector<std::string>* searched = nullptr) {
  WatchLookups l;
  l.check_search = [searched](std::string_view field, const std::string& q) -> Status {
    if (searched) searched->push_back(std::string(field) + "=" + q);
    if (q == "(") return InvalidArgument("unbalanced parenthesis");
    return Status::Ok();
  };
  l.party_of = [](std::string_view s) -> std::optional<policy::PartyIndex> {
    if (s == "a") return 0;
    if (s == "b") return 1;
    return std::nullopt;
  };
  l.resolve_groups = [](const std::vector<std::string>& names) -> Result<std::vector<std::string>> {
    std::vector<std::string> keys;
    for (const auto& n : names) {
      if (n == "ISIS" || n == "داعش") {
        if (keys.empty()) keys.push_back("isis");
      } else {
        return Unprocessable("groups: unknown group '" + n + "'");
      }
    }
    return keys;
  };
  return l;
}

TEST(Watch, ParsesEveryCriterionAndStoresWhatWasGiven) {
  std::vector<std::string> searched;
  auto r = ParseWatch(Body(R"({"query":"golden crescent","types":["report"],
      "places":["Baghdad","Mo\"sul"],"parties":["b"],"groups":["ISIS","داعش"],
      "precedence":"FLASH"})"),
                      false, Lookups(&searched));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->query, "golden crescent");
  EXPECT_EQ(r->types, std::set<std::string>{"report"});
  EXPECT_EQ(r->parties, std::set<policy::PartyIndex>{1});
  EXPECT_EQ(r->group_keys, std::set<std::string>{"isis"});
  EXPECT_EQ(r->precedence, Precedence::kFlash);
  EXPECT_EQ(searched,
            (std::vector<std::string>{"query=golden crescent", R"(places="Baghdad" OR "Mosul")"}));
  json::object stored = json::parse(r->json).as_object();
  EXPECT_EQ(stored.at("group_keys"), json::array{"isis"});
  EXPECT_EQ(stored.at("precedence"), "flash");
  // The stored form parses back without the registry: its keys are taken as they are.
  WatchLookups no_registry = Lookups();
  no_registry.resolve_groups = nullptr;
  auto again = ParseWatch(stored, true, no_registry);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->group_keys, r->group_keys);
  EXPECT_EQ(again->json, r->json);
}

TEST(Watch, RefusesBadInputNamingTheField) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {R"({"querry":"x"})", "unknown field 'querry'"},
      {R"({"query":"x","group_keys":["isis"]})", "unknown field 'group_keys'"},
      {R"({"query":5})", "query: must be a string"},
      {R"({"query":"("})", "query: unbalanced parenthesis"},
      {R"({"types":"report"})", "types: must be a list of strings"},
      {R"({"types":[""]})", "types: must be a list of non-empty strings"},
      {R"({"parties":["zz"]})", "parties: unknown party 'zz'"},
      {R"({"query":"x","precedence":"urgent"})", "precedence:"},
      {R"({"precedence":"flash"})", "a watch needs at least one of"},
      {R"({"query":""})", "a watch needs at least one of"},
  };
  for (const auto& [body, message] : cases) {
    auto r = ParseWatch(Body(body), false, Lookups());
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << body;
    EXPECT_NE(r.status().message().find(message), std::string::npos)
        << body << ": " << r.status().message();
  }
  std::string many = R"({"types":[)";
  for (int i = 0; i <= 50; ++i) many += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  auto r = ParseWatch(Body(many + "]}"), false, Lookups());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "types: at most 50 entries");
  r = ParseWatch(Body(R"({"groups":["nobody"]})"), false, Lookups());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnprocessable);
}

TEST(Watch, MatchesWhenEveryCriterionHoldsAndAsksOnlyWhatItNeeds) {
  auto rule =
      ParseWatch(Body(R"({"types":["report"],"parties":["a"],"query":"x"})"), false, Lookups());
  ASSERT_TRUE(rule.ok());
  std::vector<std::string> asked;
  bool visible = true, query = true;
  WatchChecks checks{[&] {
                       asked.push_back("visible");
                       return visible;
                     },
                     [&] {
                       asked.push_back("query");
                       return query;
                     },
                     [&] {
                       asked.push_back("places");
                       return true;
                     },
                     [&](const std::set<std::string>&) {
                       asked.push_back("groups");
                       return true;
                     }};
  EXPECT_TRUE(WatchMatches(*rule, {"report", 0}, checks));
  EXPECT_EQ(asked, (std::vector<std::string>{"visible", "query"}));
  asked.clear();
  EXPECT_FALSE(WatchMatches(*rule, {"indicator", 0}, checks));  // type: nothing asked
  EXPECT_FALSE(WatchMatches(*rule, {"report", 1}, checks));     // originator
  EXPECT_TRUE(asked.empty());
  visible = false;
  EXPECT_FALSE(WatchMatches(*rule, {"report", 0}, checks));
  EXPECT_EQ(asked, std::vector<std::string>{"visible"});  // invisible: never searched
  visible = true;
  query = false;
  EXPECT_FALSE(WatchMatches(*rule, {"report", 0}, checks));
  // Messages and marking-definitions are never watched.
  auto any =
      ParseWatch(Body(R"({"types":["x-tansiq-message","marking-definition"]})"), false, Lookups());
  ASSERT_TRUE(any.ok());
  EXPECT_FALSE(WatchMatches(*any, {"x-tansiq-message", 0}, checks));
  EXPECT_FALSE(WatchMatches(*any, {"marking-definition", 0}, checks));
  auto groups = ParseWatch(Body(R"({"groups":["ISIS"]})"), false, Lookups());
  ASSERT_TRUE(groups.ok());
  checks.mentions_any = [](const std::set<std::string>& keys) { return keys.contains("isis"); };
  EXPECT_TRUE(WatchMatches(*groups, {"report", 1}, checks));
}

TEST(Watch, NoticeNamesTheObject) {
  WatchNotice n = NoticeFor("Golden crescent", "report", "report--1");
  EXPECT_EQ(n.subject, "Watch: Golden crescent");
  EXPECT_EQ(n.body, "report report--1");
  EXPECT_EQ(NoticeFor("", "report", "report--1").subject, "Watch: report--1");
  EXPECT_EQ(NoticeFor(std::string(400, 'x'), "report", "r").subject.size(), 7u + 300u);
}

}  // namespace
}  // namespace tansiq::dissem
