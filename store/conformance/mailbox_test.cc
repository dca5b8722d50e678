// Store conformance suite. The mailbox role: messages, deliveries, the durable queue, watch rules.
// Runs against every backend that implements the role (Backends, fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class MailboxConformance : public StoreConformance {};

TEST_P(MailboxConformance, MessagesDeliveriesAndTheDurableQueue) {
  auto delivery = [](std::string id, std::int64_t user, int state, Micros deadline = 0) {
    DeliveryRecord d;
    d.message_id = std::move(id);
    d.user_id = user;
    d.state = state;
    d.queued_at = 10;
    d.deadline = deadline;
    return d;
  };
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutMessage({"m-routine", 3, 1, 100, "{\"r\":1}"}));
                    TANSIQ_RETURN_IF_ERROR(t.PutMessage({"m-flash", 0, 1, 50, "{\"f\":1}"}));
                    TANSIQ_RETURN_IF_ERROR(t.PutMessage({"m-other", 2, 2, 70, "{}"}));
                    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-routine", 2, 0)));
                    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-flash", 2, 0, 999)));
                    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-flash", 3, 1, 999)));
                    return t.PutDelivery(delivery("m-other", 3, 0));
                  })
                  .ok());
  // A second message with a known id is a conflict, and rolls back its job.
  Status dup = store_->Write([&](WriteTxn& t) -> Status {
    TANSIQ_RETURN_IF_ERROR(t.PutDelivery(delivery("m-routine", 9, 0)));
    return t.PutMessage({"m-flash", 0, 1, 50, "{}"});
  });
  EXPECT_EQ(dup.code(), ErrorCode::kConflict);

  auto queue = store_->Inbox(2, /*undelivered_only=*/true, 100, 0);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 2u);                  // m-ghost was rolled back
  EXPECT_EQ((*queue)[0].message.id, "m-flash");  // FLASH first
  EXPECT_EQ((*queue)[0].message.json, "{\"f\":1}");
  EXPECT_EQ((*queue)[1].message.id, "m-routine");

  // Delivery to user 2 of the FLASH: off the queue, the row replaced with its new state.
  DeliveryRecord done = delivery("m-flash", 2, 3);
  done.delivered_at = 20;
  done.acknowledged_at = 30;
  done.detail = "{\"x\":1}";
  ASSERT_TRUE(store_->Write([&](WriteTxn& t) { return t.PutDelivery(done); }).ok());
  queue = store_->Inbox(2, true, 100, 0);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].message.id, "m-routine");
  auto inbox = store_->Inbox(2, false, 100, 0);
  ASSERT_EQ(inbox->size(), 2u);
  EXPECT_EQ((*inbox)[0].delivery.state, 3);
  EXPECT_EQ((*inbox)[0].delivery.acknowledged_at, 30);
  EXPECT_EQ((*inbox)[0].delivery.detail, "{\"x\":1}");
  EXPECT_EQ(store_->Inbox(2, false, 1, 1)->at(0).message.id, "m-routine");  // paging

  EXPECT_EQ(store_->Deliveries("m-flash")->size(), 2u);
  EXPECT_EQ(store_->MessagesWithDeadlines().value(), std::vector<std::string>{"m-flash"});
  auto sent = store_->Sent(1, 10, 0);
  ASSERT_EQ(sent->size(), 2u);
  EXPECT_EQ((*sent)[0].id, "m-routine");  // newest first
  EXPECT_FALSE(store_->GetMessage("m-ghost")->has_value());
  EXPECT_FALSE(store_->Write([&](WriteTxn& t) { return t.PutDelivery(delivery("m-ghost", 2, 0)); })
                   .ok());  // no such message
  EXPECT_EQ(store_->GetMessage("m-other").value()->precedence, 2);

  Reopen();  // durable
  EXPECT_EQ(store_->Inbox(3, false, 100, 0)->size(), 2u);
}

TEST_P(MailboxConformance, WatchesBelongToTheirUser) {
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(t.PutWatch({"w1", 1, 5, "{\"q\":\"a\"}"}));
                    return t.PutWatch({"w2", 2, 6, "{}"});
                  })
                  .ok());
  EXPECT_EQ(store_->Watches(std::nullopt)->size(), 2u);
  ASSERT_EQ(store_->Watches(1)->size(), 1u);
  EXPECT_EQ(store_->Watches(1)->at(0).json, "{\"q\":\"a\"}");
  Result<bool> gone = false;
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    gone = t.DeleteWatch("w1", 2);  // not user 2's
                    return gone.status();
                  })
                  .ok());
  EXPECT_FALSE(*gone);
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& t) -> Status {
                    gone = t.DeleteWatch("w1", 1);
                    return gone.status();
                  })
                  .ok());
  EXPECT_TRUE(*gone);
  EXPECT_TRUE(store_->Watches(1)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, MailboxConformance,
                         ::testing::ValuesIn(Backends(Role::kMailbox)), BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
