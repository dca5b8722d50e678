// Store conformance suite. The write path every role shares: a failing job rolls back alone in a
// group commit, acknowledged writes survive a reopen, concurrent writers and readers. Runs against
// every backend of Backends() (fixture.h).
#include "store/conformance/fixture.h"

namespace tansiq::store::conformance {
namespace {

class WriteConformance : public StoreConformance {};

TEST_P(WriteConformance, FailedJobRollsBackAloneInAGroupCommit) {
  std::atomic<int> done{0};
  Status bad_status, good_status;
  store_->Submit(
      [](WriteTxn& t) -> Status {
        NewVersion v{"c1", "indicator--x", "indicator", "2.1", 1, "1", "{}", {}, {}, {}};
        auto r = t.PutVersion(v);
        if (!r.ok()) return r.status();
        return Unprocessable("changed my mind");
      },
      [&](Status s) {
        bad_status = s;
        ++done;
      });
  store_->Submit(
      [](WriteTxn& t) -> Status {
        NewVersion v{"c1", "indicator--y", "indicator", "2.1", 1, "1", "{}", {}, {}, {}};
        return t.PutVersion(v).status();
      },
      [&](Status s) {
        good_status = s;
        ++done;
      });
  while (done < 2) std::this_thread::yield();
  EXPECT_EQ(bad_status.code(), ErrorCode::kUnprocessable);
  EXPECT_TRUE(good_status.ok());
  EXPECT_FALSE(store_->Head("indicator--x")->has_value());
  EXPECT_TRUE(store_->Head("indicator--y")->has_value());
}

TEST_P(WriteConformance, AcknowledgedWritesSurviveReopen) {
  ASSERT_TRUE(Put("c1", "indicator--1", 100, To(0, 0)).ok());
  Micros before = store_->ListVersions(a_, "c1", {}, std::nullopt, 1)->rows[0].date_added;
  Reopen();
  EXPECT_EQ(Ids(a_), std::vector<std::string>{"indicator--1@100"});
  // date_added stays strictly increasing across restarts even if the clock went back.
  clock_.Set(0);
  ASSERT_TRUE(Put("c1", "indicator--2", 100, To(0, 0)).ok());
  VersionFilter f;
  f.ids = {"indicator--2"};
  EXPECT_GT(store_->ListVersions(a_, "c1", f, std::nullopt, 1)->rows[0].date_added, before);
}

TEST_P(WriteConformance, ConcurrentWritersAndReaders) {
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(Put("c1", "indicator--" + std::to_string(w * 1000 + i), 1, To(0, Bit(1))).ok());
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(store_->ListVersions(b_, "c1", {}, {}, 10).ok());
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store_->CountVersions(), 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, WriteConformance,
                         ::testing::ValuesIn(Backends(Role::kWritePath)), BackendName);

}  // namespace
}  // namespace tansiq::store::conformance
