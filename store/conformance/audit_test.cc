// Store conformance suite. The audit role: records in order and seals.
// Runs against every backend that implements the role (Backends, fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class AuditConformance : public StoreConformance {};

TEST_P(AuditConformance, AuditAndSealsRoundTrip) {
  ASSERT_TRUE(store_
                  ->Write([](WriteTxn& t) -> Status {
                    TANSIQ_RETURN_IF_ERROR(
                        t.AppendAudit({1, 2, "bob", "b", "object.write", "x", "ok", "0", "h1"}));
                    TANSIQ_RETURN_IF_ERROR(
                        t.AppendAudit({2, 3, "bob", "b", "object.read", "x", "ok", "h1", "h2"}));
                    auto last = t.LastAudit();
                    if (!last.ok() || !last->has_value() || (*last)->hash != "h2")
                      return Internal("last");
                    return t.AppendSeal({2, "h2", "sig", 4});
                  })
                  .ok());
  std::vector<AuditRecord> records;
  ASSERT_TRUE(store_
                  ->ScanAudit([&](const AuditRecord& r) {
                    records.push_back(r);
                    return true;
                  })
                  .ok());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].hash, "h1");
  EXPECT_EQ(records[1].hash, "h2");
  EXPECT_EQ(records[1].seq, 2);
  EXPECT_EQ(records[1].at, 3);
  EXPECT_EQ(records[1].actor, "bob");
  EXPECT_EQ(records[1].party, "b");
  EXPECT_EQ(records[1].action, "object.read");
  EXPECT_EQ(records[1].target, "x");
  EXPECT_EQ(records[1].outcome, "ok");
  EXPECT_EQ(records[1].prev_hash, "h1");
  // The scan stops when the callback says so.
  int seen = 0;
  ASSERT_TRUE(store_->ScanAudit([&](const AuditRecord&) { return ++seen < 1; }).ok());
  EXPECT_EQ(seen, 1);
  auto seals = store_->Seals();
  ASSERT_TRUE(seals.ok());
  ASSERT_EQ(seals->size(), 1u);
  EXPECT_EQ(seals->at(0).seq, 2);
  EXPECT_EQ(seals->at(0).hash, "h2");
  EXPECT_EQ(seals->at(0).signature, "sig");
  EXPECT_EQ(seals->at(0).at, 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditConformance, ::testing::ValuesIn(Backends(Role::kAudit)),
                         BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
