// Store conformance suite. The webhook role: webhooks and their durable outbox.
// Runs against every backend that implements the role (Backends, fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class WebhookConformance : public StoreConformance {};

TEST_P(WebhookConformance, WebhooksAndTheirOutbox) {
  WebhookRecord user_hook{"h1", 1, std::nullopt, "http://127.0.0.1:1/a", std::string(32, 's'), 5};
  WebhookRecord party_hook{"h2", 2, policy::PartyIndex{1}, "https://x.example/", "k", 6};
  WebhookDelivery late{"d1", "h1", 1, "m1", 0, "", 10, 0, 200};
  WebhookDelivery soon{"d2", "h2", 3, "m1", 2, "b2", 10, 1, 100};
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhook(user_hook));
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhook(party_hook));
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhookDelivery(late));
                    return t.PutWebhookDelivery(soon);
                  })
                  .ok());
  auto hooks = store_->Webhooks();
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 2u);
  EXPECT_EQ(hooks->at(0).id, "h1");
  EXPECT_FALSE(hooks->at(0).party.has_value());
  EXPECT_EQ(hooks->at(0).secret, std::string(32, 's'));
  EXPECT_EQ(hooks->at(1).party, policy::PartyIndex{1});
  auto outbox = store_->WebhookOutbox(10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ(outbox->at(0).id, "d2");  // soonest first
  EXPECT_EQ(outbox->at(0).escalated_for, "b2");
  EXPECT_EQ(outbox->at(0).realert, 2);
  EXPECT_EQ(outbox->at(0).attempts, 1);
  // Rescheduled in place; deleting a webhook drops its pending posts.
  soon.attempts = 2;
  soon.next_at = 300;
  Result<bool> gone = false;
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutWebhookDelivery(soon));
                    gone = t.DeleteWebhook("h1");
                    return gone.status();
                  })
                  .ok());
  EXPECT_TRUE(*gone);
  outbox = store_->WebhookOutbox(10);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->at(0).attempts, 2);
  EXPECT_EQ(outbox->at(0).next_at, 300);
  ASSERT_TRUE(store_->Write([](WriteTxn& t) { return t.DeleteWebhookDelivery("d2"); }).ok());
  EXPECT_TRUE(store_->WebhookOutbox(10)->empty());
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    gone = t.DeleteWebhook("nope");
                    return gone.status();
                  })
                  .ok());
  EXPECT_FALSE(*gone);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookConformance,
                         ::testing::ValuesIn(Backends(Role::kWebhooks)), BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
