// The backend conformance suite's shared part: the list of backends every role's tests run
// against (one factory each), the fixture that opens a fresh store with three parties and two
// collections, and helpers. The tests are written against the Store interface only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "store/store.h"

namespace tansiq::store::conformance {

using policy::Bit;
using policy::Reader;
using policy::Releasability;

// The roles of the Store (store.h), and the write path they share: each role's test file runs
// against the backends that implement that role.
enum class Role {
  kDirectory,
  kObjects,
  kStatuses,
  kSearch,
  kAudit,
  kMailbox,
  kWebhooks,
  kAnalysis,
  kWritePath,  // group commit, durability, concurrency (exercised through object versions)
};

// A backend under test. `open` opens a fresh store whose data lives under `dir` (a new empty
// directory per test), or the same data again when called a second time with the same `dir`
// (Reopen); `clock` is the test's. A backend that keeps its data elsewhere (a database
// server) keys it by `dir` and drops it in `drop`.
struct Backend {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir, const Clock* clock)> open;
  std::function<void(const std::string& dir)> drop = [](const std::string&) {};
  std::vector<Role> roles;  // the roles it implements; empty: every role
};

// gtest names a backend parameter by its name.
inline void PrintTo(const Backend& b, std::ostream* os) { *os << b.name; }

// Every backend this build tests that implements `role` (fixture.cc): SQLite always;
// PostgreSQL when TANSIQ_TEST_PG_DIR names a running throw-away cluster (scripts/pg-cluster;
// ctest starts one for store_test) or TANSIQ_TEST_PG gives a server URI whose user may create
// databases (one database per test, dropped after it).
std::vector<Backend> Backends(Role role);
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

// Stores one version of `id` with `json` as its bytes (and searchable text).
Status PutDoc(Store& store, const std::string& coll, const std::string& id, Micros version,
              Releasability rel, const std::string& json, std::vector<std::string> gates = {},
              PutOutcome* out = nullptr);

// Replaces the analysis record of `id`.
Status PutRecord(Store& store, const std::string& id, Micros at, std::vector<std::string> keys,
                 std::string type = "report");

std::vector<std::string> HitIds(const SearchResult& r);
// A query for `text` (and, when given, name keys as an alternative).
SearchQuery Words(std::string text, std::vector<std::string> keys = {});

inline constexpr Micros kDay = 86'400'000'000;

// A fresh store per test: parties a, b, c (indices 0-2), the shared collection c1
// ("coalition") and party a's private collection c2; readers alice (a), bob (b), carol (c).
class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Closes the store and opens the same data again.
  void Reopen();
  // Whether the backend under test implements `role`: a test of one role checks what another
  // role shows of it (a withdrawn object leaves the search index) only where both are built.
  bool Implements(Role role) const;

  static Releasability To(policy::PartyIndex originator, policy::PartyMask parties) {
    return {.originator = originator, .parties = parties | Bit(originator)};
  }
  Status Put(const std::string& coll, const std::string& id, Micros version, Releasability rel,
             std::vector<std::string> gates = {}, PutOutcome* out = nullptr);
  // "id@version" of what `r` may list in `coll` with `f`.
  std::vector<std::string> Ids(const Reader& r, VersionFilter f = {}, std::string coll = "c1");

  std::filesystem::path dir_;
  ManualClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Store> store_;
  const Reader a_{1, "alice", 0, policy::kOfficer};
  const Reader b_{2, "bob", 1, policy::kOfficer};
  const Reader c_{3, "carol", 2, policy::kOfficer};
};

}  // namespace tansiq::store::conformance
