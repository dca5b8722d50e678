// The embedded SQLite backend of the Store interface, its opening and lifetime: WAL mode, one
// writer thread with group commit (many jobs, one fsync), the checkpointer, the pool of read
// connections. The other jobs of the class live beside it (internal/sqlite_store.h lists them).
#include <sys/stat.h>

#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

// Statements kept prepared per connection before the cache is dropped and rebuilt.
constexpr std::size_t kMaxCachedStatements = 256;

// ---------------------------------------------------------------------------------------
// Opening and the writer thread.

Result<std::unique_ptr<Store>> SqliteStore::Open(const SqliteOptions& options) {
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(options));
  auto writer = Connection::Open(options.path, options.create, /*read_only=*/false);
  if (!writer.ok()) return writer.status();
  store->writer_ = std::move(*writer);
  TANSIQ_RETURN_IF_ERROR(sqlite::Migrate(*store->writer_));
  auto version = sqlite::SchemaVersion(*store->writer_);
  if (!version.ok()) return version.status();
  store->schema_version_ = *version;
  auto st = store->writer_->Prepare("SELECT COALESCE(MAX(date_added), 0) FROM versions");
  if (!st.ok()) return st.status();
  Status status;
  if ((*st)->Step(&status)) store->last_date_added_ = (*st)->Int(0);
  (*st)->Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  TANSIQ_RETURN_IF_ERROR(store->writer_->Exec("PRAGMA wal_autocheckpoint=0"));
  if (options.wal_restart_bytes > 0) {
    // The writer restarts the WAL (its first commit after a complete checkpoint) and, with
    // this limit, truncates the file back to it then.
    TANSIQ_RETURN_IF_ERROR(store->writer_->Exec("PRAGMA journal_size_limit=" +
                                                std::to_string(options.wal_restart_bytes)));
    auto ps = store->writer_->Prepare("PRAGMA page_size");
    if (!ps.ok()) return ps.status();
    if ((*ps)->Step(&status)) store->wal_page_size_ = (*ps)->Int(0);
    (*ps)->Reset();
    TANSIQ_RETURN_IF_ERROR(status);
    // Called on the writer thread after each commit with the WAL's size in frames.
    sqlite3_wal_hook(
        store->writer_->raw(),
        [](void* self, sqlite3*, const char*, int frames) {
          static_cast<SqliteStore*>(self)->wal_frames_ = frames;
          return SQLITE_OK;
        },
        store.get());
  }
  store->writer_thread_ = std::thread([s = store.get()] { s->WriterLoop(); });
  store->checkpoint_thread_ = std::thread([s = store.get()] { s->CheckpointLoop(); });
  // Once after migration 10: derived objects of a deleted source, or of a version that no
  // longer governs, are withdrawn (databases written before the store withdrew them itself).
  auto pending = store->Meta("lineage.reconcile");
  if (!pending.ok()) return pending.status();
  if (pending->value_or("") == "pending") {
    TANSIQ_RETURN_IF_ERROR(store->Write([](WriteTxn& txn) -> Status {
      TANSIQ_RETURN_IF_ERROR(static_cast<SqliteWriteTxn&>(txn).ReconcileDerived());
      return txn.PutMeta("lineage.reconcile", "done");
    }));
  }
  TANSIQ_RETURN_IF_ERROR(store->RebuildStaleIndex());
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.SignalAll();
  checkpoint_cv_.SignalAll();
  if (writer_thread_.joinable()) writer_thread_.join();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  if (writer_) (void)writer_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

// PASSIVE checkpoints after commits, off the writer thread, and — the WAL's bound
// (SqliteOptions; the writer's RESTART is in WriterLoop) — a TRUNCATE checkpoint once the writer
// has idled wal_idle_ms, tried again at the next idle tick when readers made it busy.
void SqliteStore::CheckpointLoop() {
  auto db = Connection::Open(options_.path, false, /*read_only=*/false);
  if (!db.ok()) return;  // the writer then relies on the checkpoint at close
  const bool bounded = options_.wal_restart_bytes > 0;
  using SteadyClock = std::chrono::steady_clock;
  auto last_commit = SteadyClock::now();
  bool idle_truncated = true;  // no commit since the last TRUNCATE
  std::uint64_t seen = 0;
  MutexLock lock(mu_);
  while (!stopping_) {
    // Until a commit, stopping, or 200 ms.
    for (const auto until = SteadyClock::now() + std::chrono::milliseconds(200);
         !stopping_ && figures_.commits == seen && checkpoint_cv_.WaitUntil(mu_, until);) {
    }
    if (stopping_) continue;
    if (figures_.commits == seen) {
      if (bounded && !idle_truncated &&
          SteadyClock::now() - last_commit >= std::chrono::milliseconds(options_.wal_idle_ms)) {
        lock.Unlock();
        {
          MutexLock checkpoint(checkpoint_mu_);
          idle_truncated =
              sqlite3_wal_checkpoint_v2((*db)->raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                        nullptr) == SQLITE_OK;
        }
        lock.Lock();
      }
      continue;
    }
    seen = figures_.commits;
    last_commit = SteadyClock::now();
    idle_truncated = false;
    lock.Unlock();
    {
      MutexLock checkpoint(checkpoint_mu_);
      (void)(*db)->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    }
    lock.Lock();
    // At most ~10 checkpoints a second: each copies everything committed meanwhile.
    for (const auto until = SteadyClock::now() + std::chrono::milliseconds(100);
         !stopping_ && checkpoint_cv_.WaitUntil(mu_, until);) {
    }
  }
}

void SqliteStore::Submit(WriteJob job, WriteDone done) {
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

// A COMMIT that failed after writing its WAL frames (typically: the fsync failed) leaves them
// valid but unpublished. The next commit overwrites them; until one does, a crash would let WAL
// recovery bring the refused batch back. So after a failed commit the writer commits a small
// write of its own as soon as the disk allows: after the next successful batch, or every
// kScrubRetry while idle.
constexpr auto kScrubRetry = std::chrono::milliseconds(100);

Status SqliteStore::ScrubRefusedCommit() {
  Status s = writer_->Exec(
      "BEGIN IMMEDIATE; INSERT OR REPLACE INTO meta(key, value) "
      "VALUES('refused_commit_scrubbed_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')); COMMIT");
  if (!s.ok()) (void)writer_->Exec("ROLLBACK");
  return s;
}

StoreStats SqliteStore::Stats() {
  StoreStats st;
  {
    MutexLock lock(mu_);
    figures_.Fill(st, queue_.size(),
                  queue_.empty() ? std::nullopt : std::optional(queue_.front().queued_at));
  }
  std::error_code ec;
  const auto wal = std::filesystem::file_size(options_.path + "-wal", ec);
  st.wal_bytes = ec ? -1 : static_cast<std::int64_t>(wal);
  st.schema_version = schema_version_;
  st.schema_latest = sqlite::LatestSchemaVersion();
  return st;
}

void SqliteStore::WriterLoop() {
  SqliteWriteTxn txn(*this, *writer_);
  bool scrub = false;  // a refused commit's frames may still be in the WAL
  for (;;) {
    std::vector<Pending> batch;
    {
      MutexLock lock(mu_);
      if (scrub) {
        for (const auto until = std::chrono::steady_clock::now() + kScrubRetry;
             !stopping_ && queue_.empty() && cv_.WaitUntil(mu_, until);) {
        }
      } else {
        while (!stopping_ && queue_.empty()) cv_.Wait(mu_);
      }
      if (queue_.empty()) {
        bool stop = stopping_;
        lock.Unlock();
        if (scrub) scrub = !ScrubRefusedCommit().ok();
        if (stop) return;  // stopping and drained
        continue;
      }
      figures_.BatchStarted(queue_.front().queued_at);
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto batch_start = std::chrono::steady_clock::now();
    std::vector<Status> results(batch.size());
    Status begin = writer_->Exec("BEGIN IMMEDIATE");
    if (!begin.ok()) {
      begin = Status(begin.code(), "not stored: " + begin.message());
      for (auto& r : results) r = begin;
    } else {
      // Set when SQLite rolled the whole transaction back under a job (an I/O error, a full
      // disk or memory while spilling pages): every job of the batch is then lost, and no
      // further job may run, since outside a transaction its savepoint would commit alone.
      std::optional<Status> aborted;
      for (std::size_t i = 0; i < batch.size() && !aborted; ++i) {
        Status sp = writer_->Exec("SAVEPOINT job");
        Status s = sp;
        if (sp.ok()) {
          try {
            s = batch[i].job(txn);
          } catch (const std::exception& e) {
            s = Internal(std::string("write job threw: ") + e.what());
          }
          if (s.ok()) {
            s = writer_->Exec("RELEASE job");
          } else {
            (void)writer_->Exec("ROLLBACK TO job; RELEASE job");
          }
        }
        results[i] = s;
        if (!s.ok() && sqlite3_get_autocommit(writer_->raw())) {
          aborted = s.code() == ErrorCode::kUnavailable
                        ? s
                        : Unavailable("write transaction rolled back: " + s.message());
        }
      }
      if (aborted) {
        for (auto& r : results) {
          if (r.ok()) r = *aborted;
        }
      } else {
        Status commit = writer_->Exec("COMMIT");
        if (commit.ok() && scrub) {
          // This batch may have written nothing (every job refused), so it proves nothing.
          scrub = !ScrubRefusedCommit().ok();
        }
        if (!commit.ok()) {
          scrub = true;
          commit = Status(commit.code(), "not stored: " + commit.message());
          (void)writer_->Exec("ROLLBACK");
          for (auto& r : results) {
            if (r.ok()) r = commit;
          }
        }
      }
    }
    writer_->TrimCache(kMaxCachedStatements);
    if (options_.wal_restart_bytes > 0 &&
        wal_frames_ * wal_page_size_ > options_.wal_restart_bytes) {
      // More WAL than the bound: readers kept the PASSIVE checkpoints from finishing. The
      // writer, between batches, runs a RESTART checkpoint: it copies what is left and waits
      // (busy timeout) for the readers of old frames, so the next commit writes from the WAL's
      // start and journal_size_limit cuts the file back. Here, not on the checkpointer: a
      // RESTART there waits for the write lock, which the writer takes back between batches
      // long before a busy handler's sleep ends. checkpoint_mu_ keeps it from meeting the
      // checkpointer's own (a held checkpoint lock is SQLITE_BUSY at once, never waited for).
      MutexLock checkpoint(checkpoint_mu_);
      if (sqlite3_wal_checkpoint_v2(writer_->raw(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr,
                                    nullptr) == SQLITE_OK) {
        wal_frames_ = 0;
      }
    }
    {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
      MutexLock lock(mu_);
      figures_.BatchDone(seconds);
    }
    checkpoint_cv_.Signal();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(results[i]);
    }
  }
}

Result<SqliteStore::Lease> SqliteStore::Acquire() {
  {
    MutexLock lock(pool_mu_);
    if (!pool_.empty()) {
      auto c = std::move(pool_.back());
      pool_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  auto c = Connection::Open(options_.path, false, /*read_only=*/false);
  if (!c.ok()) return c.status();
  return Lease(*this, std::move(*c));
}

void SqliteStore::Release(std::unique_ptr<Connection> c) {
  c->ResetAll();
  c->TrimCache(kMaxCachedStatements);
  MutexLock lock(pool_mu_);
  pool_.push_back(std::move(c));
}

Status SqliteStore::Backup(const std::string& path) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("VACUUM INTO ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, path);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  // A copy holds what the database holds: the owner's alone, whatever the umask.
  if (::chmod(path.c_str(), 0600) != 0) return Unavailable("cannot make " + path + " private");
  return Status::Ok();
}

}  // namespace tansiq::store::internal

namespace tansiq::store {

Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options) {
  return internal::SqliteStore::Open(options);
}

}  // namespace tansiq::store
