// SQLite RAII wrappers: open with the hub's pragmas, statement cache, error mapping.
#include "store/sqlite/db.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "store/sqlite/fts_tokenizer.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"

namespace tansiq::store {

Result<std::unique_ptr<ServeLock>> ServeLock::Acquire(const std::string& db_path) {
  const std::string path = db_path + ".lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char pid[32] = {};
    (void)!::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) return Unavailable("cannot lock " + path + ": " + std::strerror(err));
    std::string holder(pid);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return Conflict("another tansiq serve" + (holder.empty() ? "" : " (pid " + holder + ")") +
                    " is serving " + db_path +
                    ": one server process per SQLite database (several nodes need PostgreSQL)");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The lock holds without the pid: only the message of a refused second server is poorer.
  }
  return std::unique_ptr<ServeLock>(new ServeLock(fd));
}

ServeLock::~ServeLock() { ::close(fd_); }  // releases the flock

}  // namespace tansiq::store

namespace tansiq::store::sqlite {

namespace {

// The database, its WAL and its shared memory hold password hashes and the audit log: the
// owner's alone. SQLite creates the WAL and -shm files with the database file's mode.
Status OwnerOnly(const std::string& path) {
  for (const std::string& p : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) continue;
    if ((st.st_mode & 077) == 0) continue;
    if (::chmod(p.c_str(), st.st_mode & 0700) != 0) {
      return Unavailable(
          p + " is readable by others and cannot be made private: " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

}  // namespace

Status FromSqlite(int rc, std::string_view what, sqlite3* db) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
      return Unavailable(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

bool Statement::Step(Status* status) {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) *status = FromSqlite(rc, "step", sqlite3_db_handle(stmt_));
  return false;
}

Status Statement::Run() {
  Status st;
  while (Step(&st)) {
  }
  return st;
}

std::string Statement::Text(int col) const { return std::string(View(col)); }

std::string_view Statement::View(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(p, static_cast<std::size_t>(n)) : std::string_view();
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool create,
                                                     bool read_only) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = FromSqlite(rc, "open " + path, db);
    sqlite3_close(db);
    return st;
  }
  auto conn = std::unique_ptr<Connection>(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  // WAL: readers never block the writer; synchronous=FULL fsyncs the WAL at every commit,
  // so a commit that returned survives kill -9 and power loss.
  Status st = conn->Exec(
      "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"
      "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;");
  if (!st.ok()) return st;
  st = RegisterTokenizer(db);
  if (!st.ok()) return st;
  if (!read_only) {
    st = conn->Exec("PRAGMA journal_mode=WAL;");
    if (!st.ok()) return st;
    // Made private here whatever the process umask (an empty new file is all that was ever
    // wider); `tansiq` also runs under umask 077.
    if (path != ":memory:" && !path.empty()) TANSIQ_RETURN_IF_ERROR(OwnerOnly(path));
  }
  return conn;
}

Connection::~Connection() {
  cache_.clear();
  sqlite3_close(db_);
}

void Connection::ResetAll() {
  for (auto& [sql, stmt] : cache_) {
    if (stmt->Busy()) stmt->Reset();
  }
}

void Connection::TrimCache(std::size_t max) {
  if (cache_.size() > max) cache_.clear();
}

Status Connection::Error(std::string_view what) const {
  return FromSqlite(sqlite3_errcode(db_), what, db_);
}

Status Connection::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    sqlite3_free(err);  // the same text as sqlite3_errmsg(db_)
    // "COMMIT: database or disk is full": the statement's first word and SQLite's message.
    return FromSqlite(rc, sql.substr(0, std::min(sql.find_first_of(" ;"), std::size_t{32})), db_);
  }
  return Status::Ok();
}

Result<Statement*> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return FromSqlite(rc, "prepare", db_);
    it = cache_.emplace(sql, std::make_unique<Statement>(stmt)).first;
  }
  it->second->Reset();
  return it->second.get();
}

}  // namespace tansiq::store::sqlite
