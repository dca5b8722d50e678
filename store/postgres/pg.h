// Thin RAII wrappers over libpq used by the PostgreSQL backend only: a connection with a
// cache of prepared statements, query results, and the one mapping from SQLSTATE to Status.
// Not part of the Store API.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tansiq::store::pg {

// One query parameter, sent as text (NULL when absent).
class Param {
 public:
  Param(std::int64_t v) : text_(std::to_string(v)) {}   // NOLINT: implicit by design
  Param(int v) : text_(std::to_string(v)) {}            // NOLINT
  Param(std::uint32_t v) : text_(std::to_string(v)) {}  // NOLINT
  Param(std::string_view v) : text_(v) {}               // NOLINT
  Param(const std::string& v) : text_(v) {}             // NOLINT
  Param(const char* v) : text_(v) {}                    // NOLINT
  Param(std::nullopt_t) {}                              // NOLINT
  const char* c_str() const { return text_ ? text_->c_str() : nullptr; }
  int size() const { return text_ ? static_cast<int>(text_->size()) : 0; }

 private:
  std::optional<std::string> text_;
};

// The rows of one statement (text format). Owns its PGresult; movable, not copyable.
class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return PQntuples(r_.get()); }
  bool empty() const { return size() == 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
  }
  std::int64_t Int(int row, int col) const;
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t Affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

// One libpq connection. Not thread-safe: one thread uses it at a time. Prepared statements
// are cached by SQL text for the connection's life.
class Connection {
 public:
  // `uri`: a libpq connection string or URI (multi-host lists included).
  static Result<std::unique_ptr<Connection>> Open(const std::string& uri);
  ~Connection() { PQfinish(conn_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement with `params` ($1, $2, ...), prepared once per connection.
  Result<Rows> Query(const std::string& sql, std::initializer_list<Param> params = {});
  Result<Rows> Query(const std::string& sql, const std::vector<Param>& params);
  // Runs `sql` (one or more statements, no parameters) through the simple protocol.
  Status Exec(std::string_view sql);
  // False once the server went away: the owner opens a new connection.
  bool Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Whether a transaction is open (or aborted and awaiting ROLLBACK).
  bool InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Status Error(PGresult* r, std::string_view what);
  PGconn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL → statement name
};

// A PostgreSQL array literal of `items` ("{"a","b"}", each quoted and escaped), bound as one
// text parameter and cast in the SQL ($1::text[]), so a list of any length is one statement.
std::string ArrayLiteral(const std::vector<std::string>& items);
std::string ArrayLiteral(const std::vector<std::int64_t>& items);

// SQLSTATE → Status: integrity violations (class 23) are kConflict; a lost connection,
// the server shutting down or out of resources, serialization failures and a read-only
// (standby) server are kUnavailable (the client may retry); anything else kInternal.
Status FromSqlState(std::string_view sqlstate, std::string message);

}  // namespace tansiq::store::pg
