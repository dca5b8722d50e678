// The PostgreSQL backend of the Store interface (issue 14), its opening and lifetime: one
// writer thread with group commit (many jobs, one COMMIT, a savepoint per job, as the SQLite
// backend), and a pool of read connections. The other jobs of the class live beside it
// (internal/postgres_store.h lists them).
#include "store/postgres/internal/postgres_store.h"

#include <algorithm>

#include "store/postgres/schema.h"

namespace tansiq::store::internal {

std::string JoinWords(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ' ';
    out += item;
  }
  return out;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::int64_t ClampSize(std::size_t n) {
  return static_cast<std::int64_t>(std::min<std::size_t>(n, 1'000'000));
}

Micros PgWriteTxn::Now() { return store_.clock().NowMicros(); }

Result<std::unique_ptr<Store>> PgStore::Open(const PostgresOptions& options) {
  auto store = std::unique_ptr<PgStore>(new PgStore(options));
  auto writer = Connection::Open(options.uri);
  if (!writer.ok()) return writer.status();
  store->writer_ = std::move(*writer);
  auto before = pg::SchemaVersion(*store->writer_);
  if (!before.ok()) return before.status();
  if (*before == 0 && !options.create) {
    return NotFound("no Tansiq hub in this database (run tansiq init)");
  }
  TANSIQ_RETURN_IF_ERROR(pg::Migrate(*store->writer_));
  auto version = pg::SchemaVersion(*store->writer_);
  if (!version.ok()) return version.status();
  store->schema_version_ = *version;
  store->writer_thread_ = std::thread([s = store.get()] { s->WriterLoop(); });
  return std::unique_ptr<Store>(std::move(store));
}

PgStore::~PgStore() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.SignalAll();
  if (writer_thread_.joinable()) writer_thread_.join();
}

void PgStore::Submit(WriteJob job, WriteDone done) {
  {
    MutexLock lock(mu_);
    if (!stopping_) {
      queue_.push_back({std::move(job), std::move(done), std::chrono::steady_clock::now()});
      cv_.Signal();
      return;
    }
  }
  done(Unavailable("store is shutting down"));
}

StoreStats PgStore::Stats() {
  StoreStats st;
  MutexLock lock(mu_);
  figures_.Fill(st, queue_.size(),
                queue_.empty() ? std::nullopt : std::optional(queue_.front().queued_at));
  st.wal_bytes = -1;  // the server's WAL is the server's
  st.schema_version = schema_version_;
  st.schema_latest = pg::LatestSchemaVersion();
  return st;
}

void PgStore::RunBatch(std::vector<WriteJob*>& jobs, std::vector<Status>& results) {
  // BEGIN on a connection the server dropped since the last batch fails having done nothing:
  // safe to try once more on a fresh connection.
  Status begin;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!writer_ || !writer_->Healthy()) {
      writer_.reset();
      auto c = Connection::Open(options_.uri);
      if (!c.ok()) {
        begin = c.status();
        break;
      }
      writer_ = std::move(*c);
    }
    begin = writer_->Exec("BEGIN");
    if (begin.ok() || writer_->Healthy()) break;
  }
  if (!begin.ok()) {
    for (auto& r : results) r = Status(begin.code(), "not stored: " + begin.message());
    return;
  }
  PgWriteTxn txn(*this, *writer_);
  // Set when the transaction can no longer commit (the connection went away): every job of
  // the batch is lost then, and no further job runs.
  std::optional<Status> aborted;
  for (std::size_t i = 0; i < jobs.size() && !aborted; ++i) {
    Status s = writer_->Exec("SAVEPOINT job");
    if (s.ok()) {
      txn.JobStarted();
      try {
        s = (*jobs[i])(txn);
      } catch (const std::exception& e) {
        s = Internal(std::string("write job threw: ") + e.what());
      }
      if (s.ok()) {
        s = writer_->Exec("RELEASE SAVEPOINT job");
      } else {
        Status undo = writer_->Exec("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job");
        if (!undo.ok()) aborted = Unavailable("write transaction lost: " + undo.message());
        txn.JobRolledBack();
      }
    }
    results[i] = s;
    if (!writer_->Healthy()) aborted = Unavailable("write transaction lost: " + s.message());
  }
  if (aborted) {
    (void)writer_->Exec("ROLLBACK");
    for (auto& r : results) {
      if (r.ok() || r.code() != ErrorCode::kUnavailable) r = *aborted;
    }
    return;
  }
  // COMMIT returns once the server flushed (and, with a synchronous standby, replicated) the
  // transaction's WAL: acknowledged means durable. A COMMIT whose answer is lost (connection
  // dropped) may or may not have committed; the jobs are told it failed (503) and TAXII
  // re-posts of the same versions are idempotent.
  Status commit = txn.BeforeCommit();  // the date_added clock, written back once
  if (commit.ok()) commit = writer_->Exec("COMMIT");
  if (!commit.ok()) {
    commit = Status(ErrorCode::kUnavailable, "not stored: " + commit.message());
    if (writer_->Healthy()) (void)writer_->Exec("ROLLBACK");
    for (auto& r : results) {
      if (r.ok()) r = commit;
    }
  }
}

void PgStore::WriterLoop() {
  for (;;) {
    std::vector<Pending> batch;
    {
      MutexLock lock(mu_);
      while (!stopping_ && queue_.empty()) cv_.Wait(mu_);
      if (queue_.empty()) return;  // stopping and drained
      figures_.BatchStarted(queue_.front().queued_at);
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto batch_start = std::chrono::steady_clock::now();
    std::vector<WriteJob*> jobs;
    for (auto& p : batch) jobs.push_back(&p.job);
    std::vector<Status> results(batch.size());
    RunBatch(jobs, results);
    {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
      MutexLock lock(mu_);
      figures_.BatchDone(seconds);
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(results[i]);
    }
  }
}

Result<PgStore::Lease> PgStore::Acquire() {
  {
    MutexLock lock(pool_mu_);
    if (!pool_.empty()) {
      auto c = std::move(pool_.back());
      pool_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  auto c = Connection::Open(options_.uri);
  if (!c.ok()) return c.status();
  return Lease(*this, std::move(*c));
}

void PgStore::Release(std::unique_ptr<Connection> c) {
  if (!c->Healthy()) return;  // dropped: the next borrower reconnects
  if (c->InTransaction() && !c->Exec("ROLLBACK").ok()) return;
  MutexLock lock(pool_mu_);
  pool_.push_back(std::move(c));
}

}  // namespace tansiq::store::internal

namespace tansiq::store {

Result<std::unique_ptr<Store>> OpenPostgres(const PostgresOptions& options) {
  return internal::PgStore::Open(options);
}

bool IsPostgresUri(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

}  // namespace tansiq::store
