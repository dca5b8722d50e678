// libpq wrappers of the PostgreSQL backend (pg.h).
#include "store/postgres/pg.h"

#include <charconv>

namespace tansiq::store::pg {

std::int64_t Rows::Int(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  const int n = PQgetlength(r_.get(), row, col);
  std::int64_t out = 0;
  if (n > 0 && (*v == 't' || *v == 'f')) return *v == 't' ? 1 : 0;  // booleans
  std::from_chars(v, v + n, out);
  return out;
}

std::int64_t Rows::Affected() const {
  const char* n = PQcmdTuples(r_.get());
  std::int64_t out = 0;
  if (n != nullptr) std::from_chars(n, n + std::char_traits<char>::length(n), out);
  return out;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr) return Unavailable("cannot allocate a PostgreSQL connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return Unavailable("cannot connect to PostgreSQL: " + message);
  }
  auto c = std::unique_ptr<Connection>(new Connection(conn));
  // Server notices (e.g. "table does not exist, skipping") are not errors.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  TANSIQ_RETURN_IF_ERROR(c->Exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'"));
  return c;
}

std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string ArrayLiteral(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (const auto item : items) {
    if (out.size() > 1) out += ',';
    out += std::to_string(item);
  }
  return out + "}";
}

Status FromSqlState(std::string_view state, std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (state.starts_with("23")) return Conflict(std::move(message));
  if (state.empty() || state.starts_with("08") || state.starts_with("53") ||
      state.starts_with("57P") || state == "40001" || state == "40P01" || state == "25006") {
    return Unavailable(std::move(message));
  }
  return Internal(std::move(message));
}

Status Connection::Error(PGresult* r, std::string_view what) {
  // Both strings are copied out before PQclear frees the result they point into.
  const char* field = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = field != nullptr ? field : "";
  std::string message =
      std::string(what) + ": " + (r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
  if (r != nullptr) PQclear(r);
  if (!Healthy()) return Unavailable(std::move(message));
  return FromSqlState(state, std::move(message));
}

Result<Rows> Connection::Query(const std::string& sql, std::initializer_list<Param> params) {
  return Query(sql, std::vector<Param>(params));
}

Result<Rows> Connection::Query(const std::string& sql, const std::vector<Param>& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size());
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (r == nullptr || PQresultStatus(r) != PGRES_COMMAND_OK) return Error(r, "prepare");
    PQclear(r);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.size());
  lengths.reserve(params.size());
  for (const Param& p : params) {
    values.push_back(p.c_str());
    lengths.push_back(p.size());
  }
  PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                               values.data(), lengths.data(), nullptr, 0);
  const auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(r, "query");
  return Rows(r);
}

Status Connection::Exec(std::string_view sql) {
  PGresult* r = PQexec(conn_, std::string(sql).c_str());
  const auto status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) return Error(r, "exec");
  PQclear(r);
  return Status::Ok();
}

}  // namespace tansiq::store::pg
