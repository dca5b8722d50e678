// Thin RAII wrappers over the SQLite C API used by the SQLite backend only
// (connection, prepared statement with a per-connection cache). Not part of the Store API.
#pragma once

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tansiq::store::sqlite {

// A prepared statement, reset on construction of each use through Connection::Prepare.
// Owned by its Connection's cache; used by one thread at a time.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::int64_t v) {
    sqlite3_bind_int64(stmt_, index, v);
    return *this;
  }
  Statement& Bind(int index, std::string_view v) {
    sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  // Steps once: true when a row is available, false when done. Errors become `status`.
  bool Step(Status* status);
  // Steps to completion, for statements that return no rows.
  Status Run();
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool Busy() const { return sqlite3_stmt_busy(stmt_) != 0; }

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const;
  std::string_view View(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

// One SQLite connection with a cache of prepared statements keyed by SQL text.
// Not thread-safe: one thread uses a connection at a time.
class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create,
                                                  bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status Exec(std::string_view sql);
  // Resets every statement still mid-result, ending the read transaction it holds open (a
  // pooled connection must not keep an old snapshot between calls).
  void ResetAll();
  // Drops every cached statement when more than `max` are cached (dynamic SQL, such as
  // filter lists, would otherwise grow the cache forever). Only call between operations:
  // Statement pointers handed out before become invalid.
  void TrimCache(std::size_t max);
  // A cached statement, reset and with cleared bindings. Valid until the connection closes.
  Result<Statement*> Prepare(const std::string& sql);
  sqlite3* raw() { return db_; }
  Status Error(std::string_view what) const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

// Runs `sql` with `bind` applied and collects every row through `row`.
template <typename T, typename Bind, typename Row>
Result<std::vector<T>> Collect(Connection& db, const std::string& sql, Bind bind, Row row) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  bind(**st);
  std::vector<T> out;
  Status status;
  while ((*st)->Step(&status)) out.push_back(row(**st));
  if (!status.ok()) return status;
  return out;
}

// A LIMIT or OFFSET from a caller's size, bounded to what a query may ask for.
inline std::int64_t Clamp(std::size_t n) {
  return static_cast<std::int64_t>(std::min<std::size_t>(n, 1'000'000));
}

// Maps an SQLite result code to a Status: disk full, I/O and read-only errors are
// kUnavailable (the operator must act; the client may retry), others kInternal.
Status FromSqlite(int rc, std::string_view what, sqlite3* db);

}  // namespace tansiq::store::sqlite
