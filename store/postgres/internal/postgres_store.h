// Private to the PostgreSQL backend: the PgStore and PgWriteTxn classes, declared here so that
// their member functions live in one file per role of the Store (directory.cc, objects.cc and
// object_reads.cc, statuses.cc, audit.cc, mailbox.cc, webhooks.cc; the roles not yet built in
// unimplemented.cc; the writer and connection pool in postgres_store.cc).
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/mutex.h"
#include "base/thread_annotations.h"
#include "store/internal/writer_figures.h"
#include "store/postgres/pg.h"
#include "store/postgres/postgres.h"
#include "store/store.h"

namespace tansiq::store::internal {

using pg::Connection;
using pg::Param;
using pg::Rows;

// Joins names with single spaces (the SQLite backend's list columns, e.g. users.alternates).
std::string JoinWords(const std::vector<std::string>& items);
std::vector<std::string> SplitWords(std::string_view s);
// A LIMIT or OFFSET from a caller's size, bounded as the SQLite backend bounds it.
std::int64_t ClampSize(std::size_t n);

class PgStore;

// The WriteTxn given to jobs: the writer connection inside an open transaction (a savepoint
// per job). Writer thread only, for one job.
class PgWriteTxn final : public WriteTxn {
 public:
  PgWriteTxn(PgStore& store, Connection& db) : store_(store), db_(db) {}

  Micros Now() override;

  // DirectoryTxn (directory.cc).
  Result<policy::PartyIndex> AddParty(const Party& p) override;
  Result<std::int64_t> AddUser(const User& u) override;
  Status UpdateUser(const User& u) override;
  Status SetUserLang(std::int64_t user_id, std::string_view lang) override;
  Status RenameParty(policy::PartyIndex index, const PartyRename& change) override;
  Status AddToken(const Token& t) override;
  Result<bool> DeleteToken(std::string_view id) override;
  Status TouchToken(std::string_view hash, Micros at) override;
  Status AddCollection(const Collection& c) override;
  Status PutMeta(std::string_view key, std::string_view value) override;
  Result<bool> ClaimMeta(std::string_view key, std::string_view value) override;

  // ObjectTxn (objects.cc). Each call first takes the object lock (LockObjects).
  Result<std::optional<ObjectHead>> GetHead(std::string_view id) override;
  Result<std::optional<std::string>> GetLatestJson(std::string_view id) override;
  Result<PutOutcome> PutVersion(const NewVersion& v) override;
  Result<int> DeleteVersions(std::string_view collection_id, std::string_view id,
                             const DeleteSelector& which) override;
  Result<std::optional<policy::PartyIndex>> DeletedBy(std::string_view id) override;

  // StatusTxn (statuses.cc).
  Status PutStatus(const StatusRecord& s) override;

  // AuditTxn (audit.cc).
  Result<std::optional<AuditRecord>> LastAudit() override;
  Status AppendAudit(const AuditRecord& r) override;
  Status AppendSeal(const AuditSeal& s) override;

  // MailboxTxn (mailbox.cc).
  Status PutMessage(const MessageRecord& m) override;
  Status PutDelivery(const DeliveryRecord& d) override;
  Status PutWatch(const WatchRecord& w) override;
  Result<bool> DeleteWatch(std::string_view id, std::int64_t user_id) override;

  // WebhookTxn (webhooks.cc).
  Status PutWebhook(const WebhookRecord& w) override;
  Result<bool> DeleteWebhook(std::string_view id) override;
  Status PutWebhookDelivery(const WebhookDelivery& d) override;
  Status DeleteWebhookDelivery(std::string_view id) override;

  // AnalysisTxn (unimplemented.cc).
  Status PutAnalysis(const AnalysisRecord& r) override;

  // The writer's calls around each job and before COMMIT (objects.cc): the object lock taken
  // by a job that rolls back is released with its savepoint, and the date_added clock is
  // written back once per transaction.
  void JobStarted() { date_added_.taken_by_job = false; }
  void JobRolledBack();
  Status BeforeCommit();

 private:
  // The object lock (objects.cc): the row lock on object_clock, held from the transaction's
  // first object operation (or audit append, which takes it first so that the two locks are
  // always taken in one order: no deadlock between nodes) until COMMIT. Object writes
  // therefore serialise hub-wide, and date_added — assigned under it, strictly increasing —
  // follows commit order across nodes (store/README.md).
  Status LockObjects();
  Result<Micros> NextDateAdded();
  Status RecomputeHead(std::string_view id);
  // Deletes (every version, every collection; a tombstone kept) the derived objects of
  // `source` whose version is not `governing` — all of them when nullopt (source deleted).
  Status WithdrawDerived(std::string_view source, std::optional<Micros> governing);

  // The date_added clock of this transaction.
  struct DateAddedClock {
    bool locked = false;        // this transaction holds the object lock
    bool taken_by_job = false;  // the running job took it (its rollback releases it)
    Micros last = 0;            // the last date_added read or assigned
    bool dirty = false;         // `last` is to be written back before COMMIT
  };

  PgStore& store_;
  Connection& db_;
  DateAddedClock date_added_;
};

// Thread-safe (Store's contract). Owned by whoever opened it; destruction drains the queue.
class PgStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const PostgresOptions& options);
  ~PgStore() override;

  // The write path and lifetime (postgres_store.cc).
  void Submit(WriteJob job, WriteDone done) override;
  StoreStats Stats() override;
  Status Backup(const std::string& path) override;  // unimplemented.cc

  // DirectoryStore (directory.cc).
  Result<std::vector<Party>> Parties() override;
  Result<std::vector<User>> Users() override;
  Result<std::optional<User>> UserByName(std::string_view name) override;
  Result<std::optional<User>> UserById(std::int64_t id) override;
  Result<std::optional<Token>> TokenByHash(std::string_view hash) override;
  Result<std::vector<Token>> Tokens() override;
  Result<std::vector<Collection>> Collections() override;
  Result<std::optional<std::string>> Meta(std::string_view key) override;

  // ObjectStore (object_reads.cc).
  Result<std::optional<ObjectHead>> Head(std::string_view id) override;
  Result<Page> ListVersions(const policy::Reader& reader, std::string_view collection_id,
                            const VersionFilter& filter, std::optional<Cursor> after,
                            std::size_t limit) override;
  bool IsVisible(const policy::Reader& reader, std::string_view id) override;
  Result<std::vector<std::string>> HiddenAmong(const policy::Reader& reader,
                                               const std::vector<std::string>& ids) override;
  Result<std::int64_t> CountVersions() override;

  // StatusStore (statuses.cc).
  Result<std::optional<StatusRecord>> GetStatus(std::string_view id) override;

  // SearchStore (unimplemented.cc).
  Result<SearchResult> Search(const policy::Reader& reader, const SearchQuery& q) override;
  Result<bool> MatchesSearch(const SearchQuery& q, std::string_view id) override;

  // AuditStore (audit.cc).
  Status ScanAudit(const std::function<bool(const AuditRecord&)>& fn) override;
  Result<std::vector<AuditSeal>> Seals() override;

  // MailboxStore (mailbox.cc).
  Result<std::optional<MessageRecord>> GetMessage(std::string_view id) override;
  Result<std::vector<DeliveryRecord>> Deliveries(std::string_view message_id) override;
  Result<std::vector<MailboxEntry>> Inbox(std::int64_t user_id, bool undelivered_only,
                                          std::size_t limit, std::size_t offset) override;
  Result<std::vector<MessageRecord>> Sent(std::int64_t user_id, std::size_t limit,
                                          std::size_t offset) override;
  Result<std::vector<std::string>> MessagesWithDeadlines() override;
  Result<std::vector<WatchRecord>> Watches(std::optional<std::int64_t> user_id) override;

  // WebhookStore (webhooks.cc).
  Result<std::vector<WebhookRecord>> Webhooks() override;
  Result<std::vector<WebhookDelivery>> WebhookOutbox(std::size_t limit) override;

  // AnalysisStore (unimplemented.cc).
  Result<std::optional<AnalysisRecord>> Analysis(std::string_view id) override;
  Result<KeyPostings> Postings(const policy::Reader& reader, std::string_view key,
                               std::size_t limit) override;
  Result<std::vector<AnalysisRecord>> AnalysedBetween(const policy::Reader& reader, Micros from,
                                                      Micros to, std::size_t limit) override;
  Result<SituationCounts> Situation(const policy::Reader& reader, const SituationQuery& q) override;
  Result<std::vector<UnanalysedRow>> Unanalysed(std::string_view skip_created_by,
                                                int analysis_version, std::string_view after_id,
                                                std::size_t limit) override;

  const Clock& clock() const { return *clock_; }

 private:
  explicit PgStore(const PostgresOptions& o)
      : options_(o), clock_(o.clock ? o.clock : &SystemClock()) {}

  // A read connection borrowed from the pool for one call; returned on destruction (dropped
  // when the server went away, so the next borrower connects afresh).
  class Lease {
   public:
    Lease(PgStore& s, std::unique_ptr<Connection> c) : store_(s), conn_(std::move(c)) {}
    ~Lease() {
      if (conn_) store_.Release(std::move(conn_));
    }
    Lease(Lease&&) = default;
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    PgStore& store_;
    std::unique_ptr<Connection> conn_;
  };
  Result<Lease> Acquire();
  void Release(std::unique_ptr<Connection> c);
  // Runs fn(connection) on a pooled read connection; once more on a fresh connection when the
  // pooled one had gone away (a server restart or failover since it was last used): reads are
  // idempotent.
  template <typename Fn>
  auto WithReader(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
    for (int attempt = 0;; ++attempt) {
      auto db = Acquire();
      if (!db.ok()) return db.status();
      auto result = fn(**db);
      if (result.ok() || attempt > 0 || (*db)->Healthy()) return result;
    }
  }

  void WriterLoop();
  // Runs one batch in one transaction, a savepoint per job; fills `results`.
  void RunBatch(std::vector<WriteJob*>& jobs, std::vector<Status>& results);

  struct Pending {
    WriteJob job;
    WriteDone done;
    std::chrono::steady_clock::time_point queued_at;
  };

  PostgresOptions options_;
  const Clock* clock_;
  std::unique_ptr<Connection> writer_;  // writer thread only; reconnected when broken
  int schema_version_ = 0;              // set at Open

  Mutex mu_;
  CondVar cv_;  // with mu_: a job queued, or stopping
  std::deque<Pending> queue_ TANSIQ_GUARDED_BY(mu_);
  bool stopping_ TANSIQ_GUARDED_BY(mu_) = false;
  WriterFigures figures_ TANSIQ_GUARDED_BY(mu_);
  std::thread writer_thread_;

  Mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> pool_ TANSIQ_GUARDED_BY(pool_mu_);
};

}  // namespace tansiq::store::internal
