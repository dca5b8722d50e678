// The Store interface: everything that touches persistent data goes through it, so the
// embedded SQLite backend and a PostgreSQL backend are interchangeable. No SQL and no
// backend type appears here. `Store` and `WriteTxn` aggregate the role interfaces, one header
// each (directory, objects, statuses, search, audit, mailbox, webhooks, analysis); code that
// needs one role can take that interface. Visibility is decided inside the read queries
// (policy/).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "store/analysis.h"
#include "store/audit.h"
#include "store/directory.h"
#include "store/mailbox.h"
#include "store/objects.h"
#include "store/search.h"
#include "store/statuses.h"
#include "store/webhooks.h"

namespace tansiq::store {

// Operations available to a write job: every role's writes. A WriteTxn exists only while the
// job runs, on the store's writer thread; it must not be kept or used from another thread.
class WriteTxn : public DirectoryTxn,
                 public ObjectTxn,
                 public StatusTxn,
                 public AuditTxn,
                 public MailboxTxn,
                 public WebhookTxn,
                 public AnalysisTxn {
 public:
  ~WriteTxn() override = default;

  // The store's clock now (the time the store stamps on what a job writes).
  virtual Micros Now() = 0;
};

// A unit of work run inside one transaction (a savepoint within a group commit).
// Returning an error rolls back everything this job wrote; other jobs are unaffected.
using WriteJob = std::function<Status(WriteTxn&)>;
// Called once, on the writer thread, after the job's group commit is durable (fsync'ed),
// or with the error that rolled it back or made the commit fail.
using WriteDone = std::function<void(Status)>;

// The write path's state for operators (GET /metrics, /readyz). A snapshot; all zero for a
// backend that does not report it.
struct StoreStats {
  // Upper bounds (seconds) of the commit latency histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 12> kCommitBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};
  std::size_t write_queue = 0;  // jobs waiting for the writer
  // How long the oldest waiting job has waited, or the batch in hand has run (steady clock):
  // a writer that makes no progress shows here.
  std::chrono::steady_clock::duration writer_wait{};
  std::uint64_t commits = 0;  // group commits (BEGIN … COMMIT), failed ones included
  double commit_seconds = 0;  // their total duration
  std::array<std::uint64_t, kCommitBuckets.size()> commit_buckets{};  // not cumulative
  std::int64_t wal_bytes = -1;                                        // -1: no WAL file
  int schema_version = 0;                                             // applied migrations
  int schema_latest = 0;                                              // migrations this build knows
};

// Every role's reads, and the write path. Thread-safe: any thread may submit writes and run
// reads concurrently. Owned by whoever opened it (main, or a test); must outlive every caller.
// Destruction drains the queue.
class Store : public DirectoryStore,
              public ObjectStore,
              public StatusStore,
              public SearchStore,
              public AuditStore,
              public MailboxStore,
              public WebhookStore,
              public AnalysisStore {
 public:
  ~Store() override = default;

  // Queues `job`; `done` runs after the job is durable or failed. Jobs run one at a time in
  // submission order, batched into shared commits (group commit).
  virtual void Submit(WriteJob job, WriteDone done) = 0;
  // Submit and wait: for the CLI and tests.
  Status Write(WriteJob job);

  // The write path's state (GET /metrics, /readyz).
  virtual StoreStats Stats() { return {}; }

  // A consistent online copy of the whole hub to `path` (which must not exist).
  virtual Status Backup(const std::string& path) = 0;
};

}  // namespace tansiq::store
