// Store conformance suite. The status role: TAXII status resources.
// Runs against every backend that implements the role (Backends, fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class StatusConformance : public StoreConformance {};

TEST_P(StatusConformance, StatusRoundTrip) {
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) -> Status {
                    return t.PutStatus({"s1", 7, 9, "{\"id\":\"s1\"}"});
                  })
                  .ok());
  auto got = store_->GetStatus("s1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->owner_user, 7);
  EXPECT_EQ((*got)->created, 9);
  EXPECT_EQ((*got)->json, "{\"id\":\"s1\"}");
  // Replaced by id.
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) -> Status {
                    return t.PutStatus({"s1", 7, 9, "{\"id\":\"s1\",\"status\":\"complete\"}"});
                  })
                  .ok());
  EXPECT_EQ((*store_->GetStatus("s1"))->json, "{\"id\":\"s1\",\"status\":\"complete\"}");
  EXPECT_FALSE(store_->GetStatus("s2")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StatusConformance,
                         ::testing::ValuesIn(Backends(Role::kStatuses)), BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
