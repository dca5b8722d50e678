// Web sessions over a real SQLite store with a manual clock: lifetime, idle timeout, logout,
// disabled users, the per-user bound; constant-time secret comparison; the compose parser.
#include "hub/web_session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "hub/compose.h"
#include "store/sqlite/sqlite.h"

namespace tansiq::hub {
namespace {

constexpr Micros kStart = 1'700'000'000'000'000;

class WebSessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tansiq-websession-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::OpenSqlite({.path = (dir_ / "hub.db").string(), .clock = &clock_});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_
                    ->Write([&](store::WriteTxn& t) -> Status {
                      auto p = t.AddParty({0, "a", "A", "identity--" + std::string(36, '1')});
                      if (!p.ok()) return p.status();
                      store::User u{0, "alice", *p, policy::kOfficer, false, "", {}, "ar"};
                      auto id = t.AddUser(u);
                      if (!id.ok()) return id.status();
                      alice_ = *id;
                      return Status::Ok();
                    })
                    .ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
  std::int64_t alice_ = 0;
};

TEST_F(WebSessionsTest, CreateAndResolve) {
  WebSessions sessions(*store_, clock_);
  auto s = sessions.Create(alice_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->token.size(), 64u);  // 256 bits, hex
  EXPECT_EQ(s->csrf.size(), 64u);
  EXPECT_NE(s->token, s->csrf);
  EXPECT_EQ(s->expires, kStart + kSessionLifetime);
  auto r = sessions.Resolve(s->token);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->reader.user_name, "alice");
  EXPECT_EQ(r->reader.user_id, alice_);
  EXPECT_EQ(r->lang, "ar");
  EXPECT_EQ(r->csrf, s->csrf);
  for (std::string_view bad : {std::string_view(""), std::string_view("x"),
                               std::string_view(s->csrf), std::string_view(s->token).substr(1)}) {
    EXPECT_EQ(sessions.Resolve(bad).status().code(), ErrorCode::kUnauthenticated) << bad;
  }
  auto other = sessions.Create(alice_);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->token, s->token);
  EXPECT_NE(other->csrf, s->csrf);
}

TEST_F(WebSessionsTest, IdleTimeoutAndLifetime) {
  WebSessions sessions(*store_, clock_);
  auto s = sessions.Create(alice_);
  ASSERT_TRUE(s.ok());
  // Used every hour: alive until the absolute lifetime ends.
  for (Micros t = 0; t + 3600'000'000LL < kSessionLifetime; t += 3600'000'000LL) {
    clock_.Set(kStart + t);
    EXPECT_TRUE(sessions.Resolve(s->token).ok()) << t;
  }
  clock_.Set(kStart + kSessionLifetime);
  EXPECT_FALSE(sessions.Resolve(s->token).ok());
  EXPECT_EQ(sessions.size(), 0u);  // an expired session is dropped when seen

  auto idle = sessions.Create(alice_);
  ASSERT_TRUE(idle.ok());
  clock_.Advance(kSessionIdle - 1);
  EXPECT_TRUE(sessions.Resolve(idle->token).ok());
  clock_.Advance(kSessionIdle);
  EXPECT_FALSE(sessions.Resolve(idle->token).ok());
}

TEST_F(WebSessionsTest, LogoutAndDisabledUser) {
  WebSessions sessions(*store_, clock_);
  auto a = sessions.Create(alice_);
  auto b = sessions.Create(alice_);
  ASSERT_TRUE(a.ok() && b.ok());
  sessions.Remove(a->token);
  EXPECT_FALSE(sessions.Resolve(a->token).ok());
  EXPECT_TRUE(sessions.Resolve(b->token).ok());
  sessions.Remove("unknown");  // no-op
  auto u = store_->UserById(alice_);
  ASSERT_TRUE(u.ok() && u->has_value());
  store::User disabled = **u;
  disabled.disabled = true;
  ASSERT_TRUE(store_->Write([&](store::WriteTxn& t) { return t.UpdateUser(disabled); }).ok());
  EXPECT_EQ(sessions.Resolve(b->token).status().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(sessions.Create(alice_ + 1).ok(), true);  // creation does not check: login does
  EXPECT_FALSE(sessions.Resolve(sessions.Create(alice_ + 1)->token).ok());  // no such user
}

TEST_F(WebSessionsTest, OneUsersSessionsAreBounded) {
  WebSessions sessions(*store_, clock_);
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < WebSessions::kMaxPerUser + 3; ++i) {
    clock_.Advance(1);
    auto s = sessions.Create(alice_);
    ASSERT_TRUE(s.ok());
    tokens.push_back(s->token);
  }
  EXPECT_EQ(sessions.size(), WebSessions::kMaxPerUser);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_FALSE(sessions.Resolve(tokens[i]).ok()) << i;
  for (std::size_t i = 3; i < tokens.size(); ++i) EXPECT_TRUE(sessions.Resolve(tokens[i]).ok());
}

TEST(SecretEqualsTest, Behaviour) {
  EXPECT_TRUE(SecretEquals("abc", "abc"));
  EXPECT_FALSE(SecretEquals("abc", "abd"));
  EXPECT_FALSE(SecretEquals("abc", "ab"));
  EXPECT_FALSE(SecretEquals("", ""));  // an empty secret never matches
}

TEST(ParseReportDraftTest, ValidDraft) {
  auto d = ParseReportDraft(
      R"({"title":"تقرير","text":"نص","lang":"ar","tlp":"TLP:Amber+Strict",)"
      R"("releasable_to":["b","c"],"object_refs":["identity--11111111-1111-4111-8111-111111111111"]})");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->title, "تقرير");
  EXPECT_EQ(d->lang, "ar");
  EXPECT_EQ(d->tlp, stix::Tlp::kAmberStrict);
  EXPECT_EQ(*d->releasable_to, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(d->object_refs->size(), 1u);
  auto plain = ParseReportDraft(R"({"title":"t","text":"x","lang":"en-GB","tlp":"green"})");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->releasable_to.has_value());
  EXPECT_FALSE(plain->object_refs.has_value());
}

TEST(ParseReportDraftTest, ErrorsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"text":"x","lang":"en","tlp":"green"})", "title"},
      {R"({"title":"","text":"x","lang":"en","tlp":"green"})", "title"},
      {R"({"title":"t","text":7,"lang":"en","tlp":"green"})", "text"},
      {R"({"title":"t","text":"x","lang":"english","tlp":"green"})", "lang"},
      {R"({"title":"t","text":"x","lang":"e","tlp":"green"})", "lang"},
      {R"({"title":"t","text":"x","lang":"en","tlp":"white"})", "tlp"},
      {R"({"title":"t","text":"x","lang":"en","tlp":"green","releasable_to":[]})", "releasable_to"},
      {R"({"title":"t","text":"x","lang":"en","tlp":"green","releasable_to":["b",1]})",
       "releasable_to[1]"},
      {R"({"title":"t","text":"x","lang":"en","tlp":"red","releasable_to":["b"]})",
       "releasable_to"},
      {R"({"title":"t","text":"x","lang":"en","tlp":"green","recipients":["u"]})", "recipients"},
      {R"({"title":"t","text":"x","lang":"en","tlp":"green","object_refs":["nope"]})",
       "object_refs[0]"},
      {R"({"title":"t","text":"x","lang":"en","tlp":"green","x":1})", "'x'"},
      {R"([1])", "JSON object"},
      {R"({"title":)", "not valid JSON"},
  };
  for (const auto& [body, field] : cases) {
    auto d = ParseReportDraft(body);
    ASSERT_FALSE(d.ok()) << body;
    EXPECT_EQ(d.status().code(), ErrorCode::kInvalidArgument) << body;
    EXPECT_NE(d.status().message().find(field), std::string::npos)
        << body << " → " << d.status().message();
  }
}

}  // namespace
}  // namespace tansiq::hub
