// SQLite batched-insert baseline for taxii_bench: the floor a real store's durable write costs.
#include "bench/sqlite_baseline.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>

namespace tansiq::bench {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE versions(
  seq INTEGER PRIMARY KEY, collection TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
  date_added INTEGER NOT NULL, json BLOB NOT NULL, UNIQUE(id, version));
CREATE INDEX versions_by_added ON versions(collection, date_added);
)sql";

constexpr const char* kCollection = "bench-collection";

std::string ErrorOf(sqlite3* db, const char* what) {
  return std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

}  // namespace

BaselineResult RunSqliteBaseline(const std::string& path, const std::vector<Envelope>& envelopes,
                                 std::size_t rows_per_txn) {
  BaselineResult result;
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    result.error = ErrorOf(db, "open");
    sqlite3_close(db);
    return result;
  }
  sqlite3_stmt* insert = nullptr;
  auto fail = [&](const char* what) {
    result.error = ErrorOf(db, what);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return result;
  };
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) return fail("schema");
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO versions(collection, id, version, date_added, json) "
                         "VALUES(?1, ?2, ?3, ?4, ?5)",
                         -1, &insert, nullptr) != SQLITE_OK) {
    return fail("prepare");
  }

  const auto start = std::chrono::steady_clock::now();
  std::int64_t date_added = 0;
  std::size_t in_txn = 0;
  for (const Envelope& env : envelopes) {
    for (const Envelope::Row& row : env.rows) {
      if (in_txn == 0 && sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return fail("begin");
      }
      const std::string_view json = env.Json(row);
      sqlite3_bind_text(insert, 1, kCollection, -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 2, row.id.data(), static_cast<int>(row.id.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert, 3, row.modified_ms * 1000);
      sqlite3_bind_int64(insert, 4, ++date_added);
      sqlite3_bind_blob(insert, 5, json.data(), static_cast<int>(json.size()), SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) return fail("insert");
      sqlite3_reset(insert);
      ++result.rows;
      if (++in_txn == rows_per_txn) {
        if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
          return fail("commit");
        }
        ++result.transactions;
        in_txn = 0;
      }
    }
  }
  if (in_txn > 0) {
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail("commit");
    ++result.transactions;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return result;
}

}  // namespace tansiq::bench
