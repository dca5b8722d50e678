// Messenger::SendFromHub (the hub as sender) over a real hub in a temporary folder: the release
// check is all or nothing, a reference a recipient may not see is refused, and the caller's
// write commits with the message or not at all.
#include "hub/messages.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>

#include <boost/json.hpp>

#include "hub/admin.h"
#include "hub/ingest.h"
#include "stix/markings.h"

namespace tansiq::hub {
namespace {

namespace json = boost::json;

constexpr const char* kA = "identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3ca1";
constexpr const char* kB = "identity--0d7a7e0c-5b0f-4a57-9a4e-2b1f5e1d3cb2";
constexpr const char* kNow = "2025-01-02T03:04:05.678Z";

class SendFromHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ =
        (std::filesystem::temp_directory_path() / "tansiq-messages-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    HubSpec spec;
    spec.parties = {{"a", "A", kA}, {"b", "B", kB}};
    spec.users = {{"alice", "a", {"officer"}, "", {}, ""},
                  {"a2", "a", {"recipient"}, "", {}, ""},
                  {"bob", "b", {"officer", "recipient"}, "", {}, ""}};
    ASSERT_TRUE(InitHub(dir_ + "/hub.db", spec, clock_).ok());
    auto opened = Hub::Open({.db_path = dir_ + "/hub.db", .clock = &clock_});
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    hub_ = std::move(*opened);
    messenger_ = std::make_unique<Messenger>(*hub_, MessagingOptions{.start_timer = false});
    ASSERT_TRUE(messenger_->Start().ok());
    // A report of party a that no other party may see (unmarked: the originator only).
    json::object report{{"type", "report"},
                        {"spec_version", "2.1"},
                        {"id", "report--6f1c2d3e-4a5b-4c6d-8e7f-000000000001"},
                        {"created_by_ref", kA},
                        {"created", kNow},
                        {"modified", kNow},
                        {"name", "private to a"},
                        {"published", kNow},
                        {"object_refs", json::array{kA}}};
    auto stored =
        IngestAndWait(*hub_, Reader("alice"), *hub_->directory()->Coalition(), json::array{report});
    ASSERT_TRUE(stored.ok() && stored->succeeded == 1);
    private_report_ = "report--6f1c2d3e-4a5b-4c6d-8e7f-000000000001";
  }
  void TearDown() override {
    messenger_.reset();
    hub_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  policy::Reader Reader(const char* name) {
    auto u = hub_->store().UserByName(name);
    EXPECT_TRUE(u.ok() && u->has_value());
    return {(*u)->id, (*u)->name, (*u)->party, (*u)->roles};
  }
  Result<std::string> Send(HubMessage m) {
    std::promise<Result<std::string>> p;
    auto f = p.get_future();
    messenger_->SendFromHub(std::move(m), [&p](Result<std::string> r) { p.set_value(r); });
    return f.get();
  }
  std::size_t InboxSize(const char* user) {
    auto inbox = hub_->store().Inbox(Reader(user).user_id, false, 100, 0);
    EXPECT_TRUE(inbox.ok());
    return inbox.ok() ? inbox->size() : 0;
  }
  bool Marked(const char* key) {
    auto v = hub_->store().Meta(key);
    return v.ok() && v->has_value();
  }
  static std::function<Status(store::WriteTxn&)> Mark(const char* key) {
    return [key](store::WriteTxn& txn) { return txn.PutMeta(key, "sent"); };
  }

  ManualClock clock_{1'735'787'045'678'000};
  std::string dir_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<Messenger> messenger_;
  std::string private_report_;
};

TEST_F(SendFromHubTest, StoresTracksAndCommitsTheCallersWriteWithTheMessage) {
  HubMessage m;
  m.recipients = {Reader("a2").user_id};
  m.subject = "brief";
  m.object_refs = {private_report_};
  m.also = Mark("test.sent.ok");
  auto id = Send(std::move(m));
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_TRUE(Marked("test.sent.ok"));
  EXPECT_EQ(InboxSize("a2"), 1u);
  auto record = hub_->store().GetMessage(*id);
  ASSERT_TRUE(record.ok() && record->has_value());
  // TLP:RED to a2 alone: alice, of the same party, may not read the message object.
  EXPECT_TRUE(hub_->store().IsVisible(Reader("a2"), *id));
  EXPECT_FALSE(hub_->store().IsVisible(Reader("alice"), *id));
  EXPECT_FALSE(hub_->store().IsVisible(Reader("bob"), *id));
}

TEST_F(SendFromHubTest, AReferenceARecipientMayNotSeeIsRefusedAndNothingIsStored) {
  HubMessage m;
  m.recipients = {Reader("a2").user_id, Reader("bob").user_id};
  m.subject = "brief";
  m.object_refs = {private_report_};
  m.also = Mark("test.sent.invisible");
  auto id = Send(std::move(m));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), ErrorCode::kUnprocessable);
  // The same text as for an absent object.
  HubMessage absent;
  absent.recipients = {Reader("a2").user_id};
  absent.object_refs = {"report--6f1c2d3e-4a5b-4c6d-8e7f-0000000000ff"};
  auto other = Send(std::move(absent));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(id.status().message().find("object_refs: unknown object"), std::string::npos);
  EXPECT_NE(other.status().message().find("object_refs: unknown object"), std::string::npos);
  EXPECT_FALSE(Marked("test.sent.invisible"));
  EXPECT_EQ(InboxSize("a2"), 0u);
  EXPECT_EQ(InboxSize("bob"), 0u);
}

TEST_F(SendFromHubTest, ARecipientOutsideTheReleasabilityIsRefused) {
  HubMessage m;
  m.recipients = {Reader("a2").user_id, Reader("bob").user_id};
  m.subject = "to party a only";
  m.tlp = stix::Tlp::kAmber;
  m.releasable_to = {kA};
  m.also = Mark("test.sent.outside");
  auto id = Send(std::move(m));
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("bob"), std::string::npos) << id.status().message();
  EXPECT_FALSE(Marked("test.sent.outside"));
  EXPECT_EQ(InboxSize("a2"), 0u);
}

TEST_F(SendFromHubTest, AFailingCallerWriteStoresNothing) {
  HubMessage m;
  m.recipients = {Reader("a2").user_id};
  m.subject = "brief";
  m.also = [](store::WriteTxn&) { return Internal("marker refused"); };
  auto id = Send(std::move(m));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(InboxSize("a2"), 0u);
}

TEST_F(SendFromHubTest, UnknownOrNoRecipientsAreRefused) {
  HubMessage none;
  EXPECT_FALSE(Send(std::move(none)).ok());
  HubMessage unknown;
  unknown.recipients = {987654};
  EXPECT_FALSE(Send(std::move(unknown)).ok());
}

// Watch rules with `groups` (issue 5): names in any script resolve through the alias registry
// (the repository's data/, the hub's default) to the keys extraction and situation?by=group use.
class WatchGroupsTest : public SendFromHubTest {
 protected:
  Result<std::string> AddWatch(const char* user, const char* body) {
    std::promise<Result<std::string>> p;
    auto f = p.get_future();
    messenger_->AddWatch(Reader(user), json::parse(body).as_object(),
                         [&p](Result<std::string> r) { p.set_value(r); });
    return f.get();
  }
  json::array Watches(const char* user) {
    auto listed = messenger_->ListWatches(Reader(user));
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? json::parse(*listed).at("watches").as_array() : json::array{};
  }
};

TEST_F(WatchGroupsTest, NamesInAnyScriptResolveToOneKeyKeptBesideTheNames) {
  ASSERT_NE(hub_->aliases(), nullptr) << "the repository's data/aliases";
  auto id = AddWatch("bob", R"({"groups":["داعش","ИГИЛ","Daesh"],"precedence":"immediate"})");
  ASSERT_TRUE(id.ok()) << id.status().message();
  json::array w = Watches("bob");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].at("id").as_string(), *id);
  EXPECT_EQ(w[0].at("groups"), json::value(json::array{"داعش", "ИГИЛ", "Daesh"}));
  EXPECT_EQ(w[0].at("group_keys"), json::value(json::array{"isis"}));
  // A key as the situation picture shows it is a name too.
  ASSERT_TRUE(AddWatch("bob", R"({"groups":["isis"],"types":["report"]})").ok());
  // Reloaded from the store (a restart): the rule still stands, with its keys.
  messenger_.reset();
  messenger_ = std::make_unique<Messenger>(*hub_, MessagingOptions{.start_timer = false});
  ASSERT_TRUE(messenger_->Start().ok());
  w = Watches("bob");
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[1].at("group_keys"), json::value(json::array{"isis"}));
  EXPECT_TRUE(Watches("alice").empty());
}

TEST_F(WatchGroupsTest, UnknownAmbiguousOrMalformedGroupsAreRefusedAndNothingIsStored) {
  auto unknown = AddWatch("bob", R"({"groups":["داعش","Nonexistent Brigade XYZ"]})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kUnprocessable);
  EXPECT_NE(unknown.status().message().find("'Nonexistent Brigade XYZ'"), std::string::npos)
      << unknown.status().message();
  // A place is not a group.
  auto place = AddWatch("bob", R"({"groups":["Baghdad"]})");
  EXPECT_EQ(place.status().code(), ErrorCode::kUnprocessable);
  for (const char* body : {R"({"groups":"ISIS"})", R"({"groups":[""]})", R"({"groups":[7]})",
                           R"({"groups":["ISIS"],"group_keys":["isis"]})"}) {
    auto bad = AddWatch("bob", body);
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument) << body;
  }
  EXPECT_TRUE(Watches("bob").empty());
  auto stored = hub_->store().Watches(std::nullopt);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->empty());
}

}  // namespace
}  // namespace tansiq::hub
