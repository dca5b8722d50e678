// Tests for dissem/message.h: precedence names and order, TLP names, and the parser of the
// POST /api/v1/messages body with its 400-style errors.
#include "dissem/message.h"

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>

namespace tansiq::dissem {
namespace {

constexpr std::string_view kIndicator = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
constexpr std::string_view kIdentityB = "identity--0000000b-0000-4000-8000-000000000000";

boost::json::object Body(std::string_view json) { return boost::json::parse(json).as_object(); }

// A valid body with every field; tests change one field at a time.
boost::json::object Full() {
  return Body(R"({"precedence": "flash", "subject": "هجوم محتمل في الموصل",
    "body": "Line one\nLine two\tTabbed", "lang": "ar",
    "object_refs": ["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
    "recipients": {"parties": ["iq", "identity--0000000b-0000-4000-8000-000000000000"],
                   "roles": ["recipient", "admin"], "users": ["amal", "boris"]},
    "tlp": "amber", "releasable_to": ["identity--0000000b-0000-4000-8000-000000000000"]})");
}

// The error message of parsing `body`, which must fail with InvalidArgument.
std::string ErrorOf(const boost::json::object& body) {
  Result<Message> m = ParseMessage(body);
  EXPECT_FALSE(m.ok());
  if (m.ok()) return "";
  EXPECT_EQ(m.status().code(), ErrorCode::kInvalidArgument) << m.status().message();
  return m.status().message();
}

boost::json::object With(std::string_view key, boost::json::value v) {
  boost::json::object o = Full();
  o[key] = std::move(v);
  return o;
}

boost::json::object With(std::string_view key, const std::string& s) {
  return With(key, boost::json::value(boost::json::string(s.data(), s.size())));
}
boost::json::object With(std::string_view key, const char* s) { return With(key, std::string(s)); }

boost::json::object Without(std::string_view key) {
  boost::json::object o = Full();
  o.erase(key);
  return o;
}

TEST(Precedence, ParsesAndFormatsEveryName) {
  for (Precedence p : kAllPrecedences) {
    Result<Precedence> back = ParsePrecedence(PrecedenceName(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
  }
  EXPECT_EQ(PrecedenceName(Precedence::kFlash), "flash");
  EXPECT_EQ(PrecedenceName(Precedence::kImmediate), "immediate");
  EXPECT_EQ(PrecedenceName(Precedence::kPriority), "priority");
  EXPECT_EQ(PrecedenceName(Precedence::kRoutine), "routine");
}

TEST(Precedence, ParseIsCaseInsensitive) {
  EXPECT_EQ(*ParsePrecedence("FLASH"), Precedence::kFlash);
  EXPECT_EQ(*ParsePrecedence("Immediate"), Precedence::kImmediate);
}

TEST(Precedence, UnknownNamesAreErrors) {
  for (std::string_view bad : {"", "urgent", "flash ", "z", "flas"}) {
    Result<Precedence> p = ParsePrecedence(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(Precedence, FlashOutranksAllOthers) {
  EXPECT_TRUE(Outranks(Precedence::kFlash, Precedence::kImmediate));
  EXPECT_TRUE(Outranks(Precedence::kImmediate, Precedence::kPriority));
  EXPECT_TRUE(Outranks(Precedence::kPriority, Precedence::kRoutine));
  EXPECT_TRUE(Outranks(Precedence::kFlash, Precedence::kRoutine));
  EXPECT_FALSE(Outranks(Precedence::kRoutine, Precedence::kFlash));
  for (Precedence p : kAllPrecedences) EXPECT_FALSE(Outranks(p, p));
}

TEST(Tlp, ParsesNamesWithAndWithoutPrefix) {
  EXPECT_EQ(*ParseTlpName("clear"), stix::Tlp::kClear);
  EXPECT_EQ(*ParseTlpName("white"), stix::Tlp::kClear);
  EXPECT_EQ(*ParseTlpName("GREEN"), stix::Tlp::kGreen);
  EXPECT_EQ(*ParseTlpName("TLP:AMBER"), stix::Tlp::kAmber);
  EXPECT_EQ(*ParseTlpName("amber+strict"), stix::Tlp::kAmberStrict);
  EXPECT_EQ(*ParseTlpName("tlp:red"), stix::Tlp::kRed);
  EXPECT_FALSE(ParseTlpName("purple").ok());
  EXPECT_FALSE(ParseTlpName("").ok());
}

TEST(ParseMessage, ParsesEveryField) {
  Result<Message> m = ParseMessage(Full());
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->precedence, Precedence::kFlash);
  EXPECT_EQ(m->subject, "هجوم محتمل في الموصل");
  EXPECT_EQ(m->body, "Line one\nLine two\tTabbed");
  EXPECT_EQ(m->lang, "ar");
  EXPECT_EQ(m->object_refs, std::vector<std::string>{std::string(kIndicator)});
  EXPECT_EQ(m->recipients.parties, (std::vector<std::string>{"iq", std::string(kIdentityB)}));
  EXPECT_EQ(m->recipients.roles, policy::kRecipient | policy::kAdmin);
  EXPECT_EQ(m->recipients.users, (std::vector<std::string>{"amal", "boris"}));
  EXPECT_EQ(m->tlp, stix::Tlp::kAmber);
  EXPECT_EQ(m->releasable_to, std::vector<std::string>{std::string(kIdentityB)});
  EXPECT_TRUE(m->id.empty());
  EXPECT_EQ(m->sent_at, 0);
  EXPECT_TRUE(m->sender_user.empty());
}

TEST(ParseMessage, MinimalBodyHasDefaults) {
  Result<Message> m =
      ParseMessage(Body(R"({"precedence":"routine","subject":"s","recipients":{"users":["a"]}})"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->precedence, Precedence::kRoutine);
  EXPECT_TRUE(m->body.empty());
  EXPECT_TRUE(m->lang.empty());
  EXPECT_TRUE(m->object_refs.empty());
  EXPECT_EQ(m->tlp, stix::Tlp::kNone);
  EXPECT_TRUE(m->releasable_to.empty());
  EXPECT_EQ(m->recipients.roles, 0u);
}

TEST(ParseMessage, NullOptionalFieldsAreAbsent) {
  Result<Message> m = ParseMessage(Body(
      R"({"precedence":"priority","subject":"s","recipients":{"users":["a"],"parties":null},
          "body":null,"lang":null,"object_refs":null,"tlp":null,"releasable_to":null})"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(m->recipients.parties.empty());
}

TEST(ParseMessage, DuplicateListEntriesAreDropped) {
  boost::json::object o = Full();
  o["object_refs"] = boost::json::array{kIndicator, kIndicator};
  o["recipients"].as_object()["users"] = boost::json::array{"amal", "amal", "boris"};
  Result<Message> m = ParseMessage(o);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->object_refs.size(), 1u);
  EXPECT_EQ(m->recipients.users, (std::vector<std::string>{"amal", "boris"}));
}

TEST(ParseMessage, PrecedenceRequiredAndKnown) {
  EXPECT_NE(ErrorOf(Without("precedence")).find("precedence: required"), std::string::npos);
  EXPECT_NE(ErrorOf(With("precedence", "urgent")).find("unknown precedence 'urgent'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("precedence", 1)).find("precedence: must be a string"), std::string::npos);
}

TEST(ParseMessage, SubjectRequiredNotBlankBounded) {
  EXPECT_NE(ErrorOf(Without("subject")).find("subject: required"), std::string::npos);
  EXPECT_NE(ErrorOf(With("subject", "")).find("subject: must not be empty"), std::string::npos);
  EXPECT_NE(ErrorOf(With("subject", " \t ")).find("subject: must not be empty"), std::string::npos);
  EXPECT_NE(ErrorOf(With("subject", std::string(kMaxSubjectBytes + 1, 'x'))).find("too long"),
            std::string::npos);
  EXPECT_TRUE(ParseMessage(With("subject", std::string(kMaxSubjectBytes, 'x'))).ok());
  EXPECT_NE(ErrorOf(With("subject", "two\nlines")).find("control"), std::string::npos);
  EXPECT_NE(ErrorOf(With("subject", 5)).find("must be a string"), std::string::npos);
}

TEST(ParseMessage, BodyBoundedAndNoControlCharacters) {
  EXPECT_NE(ErrorOf(With("body", std::string(kMaxBodyBytes + 1, 'x'))).find("body: too long"),
            std::string::npos);
  EXPECT_TRUE(ParseMessage(With("body", std::string(kMaxBodyBytes, 'x'))).ok());
  EXPECT_NE(ErrorOf(With("body", std::string("nul\0here", 8))).find("body: control"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("body", boost::json::array{})).find("body: must be a string"),
            std::string::npos);
}

TEST(ParseMessage, LangMustBeATag) {
  EXPECT_TRUE(ParseMessage(With("lang", "en-GB")).ok());
  EXPECT_TRUE(ParseMessage(With("lang", "")).ok());
  for (std::string_view bad : {"en_GB", "-en", "en-", "ar EG", "عربي"}) {
    EXPECT_NE(ErrorOf(With("lang", std::string(bad))).find("lang:"), std::string::npos) << bad;
  }
  EXPECT_NE(ErrorOf(With("lang", std::string(kMaxLangBytes + 1, 'a'))).find("lang:"),
            std::string::npos);
}

TEST(ParseMessage, ObjectRefsMustBeStixIds) {
  EXPECT_NE(ErrorOf(With("object_refs", boost::json::array{"not-an-id"}))
                .find("object_refs: not a STIX id: 'not-an-id'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("object_refs", boost::json::array{"indicator--1234"})).find("STIX id"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("object_refs", boost::json::array{1})).find("array of strings"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("object_refs", std::string(kIndicator))).find("array of strings"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("object_refs", boost::json::array{""})).find("empty entry"),
            std::string::npos);
  boost::json::array many;
  for (std::size_t i = 0; i <= kMaxObjectRefs; ++i) many.emplace_back(kIndicator);
  EXPECT_NE(ErrorOf(With("object_refs", many)).find("too many entries"), std::string::npos);
}

TEST(ParseMessage, RecipientsRequiredAndNonEmpty) {
  EXPECT_NE(ErrorOf(Without("recipients")).find("recipients: required"), std::string::npos);
  EXPECT_NE(ErrorOf(With("recipients", boost::json::array{})).find("must be an object"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("recipients", boost::json::object{})).find("at least one"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf(With("recipients", Body(R"({"users": [], "parties": []})"))).find("at least one"),
      std::string::npos);
}

TEST(ParseMessage, RolesNeedParties) {
  EXPECT_NE(ErrorOf(With("recipients", Body(R"({"roles": ["recipient"], "users": ["a"]})")))
                .find("recipients.roles: needs recipients.parties"),
            std::string::npos);
}

TEST(ParseMessage, UnknownRoleIsAnError) {
  EXPECT_NE(ErrorOf(With("recipients", Body(R"({"parties": ["iq"], "roles": ["general"]})")))
                .find("unknown role 'general'"),
            std::string::npos);
}

TEST(ParseMessage, PartiesAreCodesOrIdentityIds) {
  EXPECT_TRUE(ParseMessage(With("recipients", Body(R"({"parties": ["iq", "fr-dgsi"]})"))).ok());
  for (std::string_view bad :
       {"IQ", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "identity--bad", "i q"}) {
    boost::json::object r;
    r["parties"] = boost::json::array{bad};
    EXPECT_NE(ErrorOf(With("recipients", r)).find("recipients.parties"), std::string::npos) << bad;
  }
}

TEST(ParseMessage, UserNamesBounded) {
  boost::json::object r;
  r["users"] = boost::json::array{std::string(kMaxNameBytes + 1, 'u')};
  EXPECT_NE(ErrorOf(With("recipients", r)).find("entry too long"), std::string::npos);
  boost::json::array many;
  for (std::size_t i = 0; i <= kMaxRecipientUsers; ++i) many.emplace_back("u" + std::to_string(i));
  r["users"] = many;
  EXPECT_NE(ErrorOf(With("recipients", r)).find("too many entries"), std::string::npos);
}

TEST(ParseMessage, UnknownFieldsAreRefused) {
  EXPECT_NE(ErrorOf(With("recipient", "x")).find("unknown field 'recipient'"), std::string::npos);
  EXPECT_NE(ErrorOf(With("recipients", Body(R"({"users": ["a"], "groups": ["g"]})")))
                .find("unknown field 'recipients.groups'"),
            std::string::npos);
}

TEST(ParseMessage, TlpAndReleasableTo) {
  EXPECT_NE(ErrorOf(With("tlp", "purple")).find("tlp: unknown TLP level 'purple'"),
            std::string::npos);
  EXPECT_EQ(ParseMessage(With("tlp", "red"))->tlp, stix::Tlp::kRed);
  EXPECT_NE(ErrorOf(With("releasable_to", boost::json::array{kIndicator}))
                .find("releasable_to: not a party identity id"),
            std::string::npos);
  EXPECT_NE(ErrorOf(With("releasable_to", "iq")).find("array of strings"), std::string::npos);
}

TEST(ParseMessage, ErrorsDoNotEchoControlCharactersOrLongInput) {
  std::string e = ErrorOf(With("precedence", "x\x01y" + std::string(500, 'z')));
  EXPECT_EQ(e.find('\x01'), std::string::npos);
  EXPECT_LT(e.size(), 200u);
}

}  // namespace
}  // namespace tansiq::dissem
