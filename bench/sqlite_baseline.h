// The named baseline: a plain SQLite batched insert of the same JSON rows the hub ingests,
// with the durability and indexes a real object store needs (WAL, synchronous=FULL).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/indicator_gen.h"

namespace tansiq::bench {

struct BaselineResult {
  std::uint64_t rows = 0;
  std::uint64_t transactions = 0;
  double seconds = 0;
  std::string error;  // empty on success
};

// Inserts every row of `envelopes` into a fresh database at `path` (deleted first), one
// transaction per `rows_per_txn` rows. Single-threaded; blocks until done.
BaselineResult RunSqliteBaseline(const std::string& path, const std::vector<Envelope>& envelopes,
                                 std::size_t rows_per_txn);

}  // namespace tansiq::bench
