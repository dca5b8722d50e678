// The embedded SQLite backend's public entry points: opening a database, the one-server lock
// and the fault-injection test seam. Everything else of the backend is private (internal/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "store/store.h"

namespace tansiq::store {

// Options for the embedded SQLite backend.
struct SqliteOptions {
  std::string path;              // database file; created when absent
  const Clock* clock = nullptr;  // nullptr: SystemClock()
  std::size_t max_batch = 1024;  // jobs per group commit
  bool create = true;            // create and migrate when absent
  // The WAL's bound (issue 16.7). Readers that keep one another's snapshots alive starve
  // PASSIVE checkpoints: the WAL never restarts and grows by everything written. Past
  // `wal_restart_bytes` of WAL the checkpointer runs a RESTART checkpoint (it waits for the
  // readers of old frames, so the next commit writes from the WAL's start), when the writer has
  // idled `wal_idle_ms` a TRUNCATE checkpoint, and `PRAGMA journal_size_limit` cuts the file back
  // to `wal_restart_bytes` at each restart. 0 turns the bound off (PASSIVE only, no size limit:
  // the same-run baseline of bench/soak).
  std::int64_t wal_restart_bytes = 64 << 20;
  int wal_idle_ms = 1000;
  // Told what the opening did that an operator should know of (a search index rebuilt for a
  // new analysis version, with its size and duration). Optional; called on the opening thread.
  std::function<void(const std::string&)> notice;
};

// Opens (creating when asked) the database at `options.path`. The database file and its WAL
// and shared-memory files are the owner's alone (mode 0600): wider modes are narrowed at open.
// Before migrating an existing database to a newer schema it writes a copy of it beside the
// file, "<path>.pre-v<N>-<unix seconds>.bak" (mode 0600).
Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options);

// The one `tansiq serve` process of a SQLite database holds this: an exclusive flock(2) on
// "<db_path>.lock" (mode 0600, holding the holder's pid), which the kernel releases when the
// process ends, however it ends. Several server processes on one database are PostgreSQL's
// job. Not thread-safe; owned by the serving command for its whole run.
class ServeLock {
 public:
  // kConflict naming the holder's pid when another process holds the lock.
  static Result<std::unique_ptr<ServeLock>> Acquire(const std::string& db_path);
  ~ServeLock();
  ServeLock(const ServeLock&) = delete;
  ServeLock& operator=(const ServeLock&) = delete;

 private:
  explicit ServeLock(int fd) : fd_(fd) {}
  int fd_;
};

// Test seam (issue 7, fault injection): makes every SQLite database opened afterwards in this
// process go through a VFS that fails or slows writes as `control_file` says ("none", "full",
// "fsync", "readonly", "slow 50ms"; see sqlite/fault_vfs.h). Never called in normal operation:
// `tansiq serve` calls it only when TANSIQ_FAULT_FILE is set.
Status InstallSqliteFaultInjection(const std::string& control_file);

}  // namespace tansiq::store
