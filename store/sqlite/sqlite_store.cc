// The embedded SQLite backend of the Store interface: WAL mode, one writer thread with group
// commit (many jobs, one fsync), a pool of read connections, visibility inside the queries.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include <boost/json/parse.hpp>

#include "stix/search_text.h"
#include "stix/timestamp.h"
#include "store/sqlite/db.h"
#include "store/sqlite/fts_tokenizer.h"
#include "store/sqlite/lineage.h"
#include "store/sqlite/messages.h"
#include "store/sqlite/schema.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace tansiq::store {
namespace {

using sqlite::Connection;
using sqlite::Statement;

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto sp = s.find(' ');
    if (sp != 0) out.emplace_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

// Reads the releasability columns starting at `col`: originator, parties, red, recipients,
// federable, gates.
policy::ObjectHead HeadColumns(const Statement& s, int col) {
  policy::ObjectHead h;
  h.releasability.originator = static_cast<policy::PartyIndex>(s.Int(col));
  h.releasability.parties = static_cast<policy::PartyMask>(s.Int(col + 1));
  h.releasability.red = s.Int(col + 2) != 0;
  h.releasability.recipients = Split(s.View(col + 3));
  h.releasability.federable = s.Int(col + 4) != 0;
  h.gate_refs = Split(s.View(col + 5));
  return h;
}

// Reads a version from columns 0-8: v.seq, v.id, v.type, v.spec_version, v.version,
// v.date_added, v.refs, v.json, v.version_text.
VersionRow VersionRowAt(const Statement& s) {
  VersionRow row;
  row.seq = s.Int(0);
  row.id = s.Text(1);
  row.type = s.Text(2);
  row.spec_version = s.Text(3);
  row.version = s.Int(4);
  row.date_added = s.Int(5);
  row.refs = Split(s.View(6));
  row.json = s.Text(7);
  row.version_text = s.Text(8);
  return row;
}

// Binds `args` to ?1, ?2... of `sql`, and maps the first row through `row`; nullopt when
// there is none. The statement is reset before returning, so no snapshot stays open.
template <typename Row, typename... Args>
auto QueryOne(Connection& db, const std::string& sql, Row row, const Args&... args)
    -> Result<std::optional<decltype(row(std::declval<const Statement&>()))>> {
  using T = decltype(row(std::declval<const Statement&>()));
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  Statement& s = **st;
  int i = 1;
  (s.Bind(i++, args), ...);
  Status status;
  if (!s.Step(&status)) {
    if (!status.ok()) return status;
    return std::optional<T>();
  }
  std::optional<T> out = row(s);
  s.Reset();
  return out;
}

// Statements kept prepared per connection before the cache is dropped and rebuilt.
constexpr std::size_t kMaxCachedStatements = 256;

constexpr const char* kHeadColumns = "originator, parties, red, recipients, federable, gates";

Result<std::optional<ObjectHead>> ReadHead(Connection& db, std::string_view id) {
  return QueryOne(
      db,
      std::string("SELECT id, type, latest_version, ") + kHeadColumns +
          " FROM objects WHERE id = ?1",
      [](const Statement& s) {
        ObjectHead head;
        head.id = s.Text(0);
        head.type = s.Text(1);
        head.latest_version = s.Int(2);
        policy::ObjectHead ph = HeadColumns(s, 3);
        head.releasability = std::move(ph.releasability);
        head.gate_refs = std::move(ph.gate_refs);
        return head;
      },
      id);
}

// A policy::HeadLookup over one connection, memoised for the duration of one request.
// Whether a collection `reader` may access (the shared one, or their own party's) holds a
// version of `id`: an object held only in another party's private collection is that party's
// alone, whatever its markings (hub::CanAccessCollection; ListVersions and Search see it so).
Result<bool> InAccessibleCollection(Connection& db, const policy::Reader& reader,
                                    std::string_view id) {
  auto found = QueryOne(
      db,
      "SELECT 1 FROM versions v JOIN collections c ON c.id = v.collection WHERE v.id = ?1 AND "
      "(c.owner IS NULL OR c.owner = ?2) LIMIT 1",
      [](const Statement&) { return true; }, id, static_cast<std::int64_t>(reader.party));
  if (!found.ok()) return found.status();
  return found->has_value();
}

// The heads policy::IsVisible asks for, read once per call, as `reader` may know them: a head
// held only in collections the reader may not access reads as one nobody may read (so an object
// gated on it — a relationship to it, a derived object — is invisible too). Heads given with
// Put come from rows the query already restricted to accessible collections.
class HeadCache {
 public:
  HeadCache(Connection& db, const policy::Reader& reader) : db_(db), reader_(reader) {}
  std::optional<policy::ObjectHead> Lookup(std::string_view id) {
    auto it = cache_.find(std::string(id));
    if (it != cache_.end()) return it->second;
    const policy::ObjectHead hidden{policy::Releasability{.originator = -1}, {}};
    std::optional<policy::ObjectHead> out;
    auto head = ReadHead(db_, id);
    // A failed lookup hides the object: fail closed.
    if (!head.ok()) {
      out = hidden;
    } else if (!head->has_value()) {
      // Not held: deleted (a tombstone hides what is gated on it), or never held.
      auto deleted = sqlite::Tombstone(db_, id);
      if (!deleted.ok()) {
        out = hidden;
      } else if (deleted->has_value()) {
        out = policy::ObjectHead{{.originator = **deleted}, {}, /*deleted=*/true};
      }
    } else {
      auto accessible = accessible_.contains(std::string(id))
                            ? Result<bool>(true)
                            : InAccessibleCollection(db_, reader_, id);
      out = accessible.ok() && *accessible
                ? policy::ObjectHead{(*head)->releasability, (*head)->gate_refs}
                : hidden;
    }
    cache_.emplace(std::string(id), out);
    return out;
  }
  void Put(std::string id, policy::ObjectHead head) { cache_.emplace(std::move(id), head); }
  // `id` comes from a row the query already restricted to accessible collections: Lookup
  // reads its head without asking again.
  void Accessible(std::string id) { accessible_.insert(std::move(id)); }

 private:
  Connection& db_;
  const policy::Reader& reader_;
  std::unordered_set<std::string> accessible_;
  std::unordered_map<std::string, std::optional<policy::ObjectHead>> cache_;
};

class SqliteStore;

// The WriteTxn given to jobs: the writer connection inside an open transaction.
class SqliteWriteTxn final : public WriteTxn {
 public:
  SqliteWriteTxn(SqliteStore& store, Connection& db) : store_(store), db_(db) {}

  Micros Now() override;
  Result<std::optional<ObjectHead>> GetHead(std::string_view id) override {
    return ReadHead(db_, id);
  }
  Result<std::optional<std::string>> GetLatestJson(std::string_view id) override;
  Result<PutOutcome> PutVersion(const NewVersion& v) override;
  Result<int> DeleteVersions(std::string_view collection_id, std::string_view id,
                             const DeleteSelector& which) override;
  Result<std::optional<policy::PartyIndex>> DeletedBy(std::string_view id) override {
    return sqlite::Tombstone(db_, id);
  }
  // Withdraws the derived objects of every recorded source whose version no longer governs
  // (the start-up reconciliation of databases written before migration 10).
  Status ReconcileDerived();
  Status PutStatus(const StatusRecord& s) override;
  Result<std::optional<AuditRecord>> LastAudit() override;
  Status AppendAudit(const AuditRecord& r) override;
  Status AppendSeal(const AuditSeal& s) override;
  Result<policy::PartyIndex> AddParty(const Party& p) override;
  Result<std::int64_t> AddUser(const User& u) override;
  Status UpdateUser(const User& u) override;
  Status SetUserLang(std::int64_t user_id, std::string_view lang) override;
  Status AddToken(const Token& t) override;
  Result<bool> DeleteToken(std::string_view id) override;
  Status TouchToken(std::string_view hash, Micros at) override;
  Status AddCollection(const Collection& c) override;
  Status PutMeta(std::string_view key, std::string_view value) override;
  Result<bool> ClaimMeta(std::string_view key, std::string_view value) override;
  Status PutAnalysis(const AnalysisRecord& r) override;

  Status PutMessage(const MessageRecord& m) override { return sqlite::PutMessage(db_, m); }
  Status PutDelivery(const DeliveryRecord& d) override { return sqlite::PutDelivery(db_, d); }
  Status PutWatch(const WatchRecord& w) override { return sqlite::PutWatch(db_, w); }
  Result<bool> DeleteWatch(std::string_view id, std::int64_t user_id) override {
    return sqlite::DeleteWatch(db_, id, user_id);
  }
  Status PutWebhook(const WebhookRecord& w) override { return sqlite::PutWebhook(db_, w); }
  Result<bool> DeleteWebhook(std::string_view id) override {
    return sqlite::DeleteWebhook(db_, id);
  }
  Status PutWebhookDelivery(const WebhookDelivery& d) override {
    return sqlite::PutWebhookDelivery(db_, d);
  }
  Status DeleteWebhookDelivery(std::string_view id) override {
    return sqlite::DeleteWebhookDelivery(db_, id);
  }

 private:
  Status RecomputeHead(std::string_view id);
  // Deletes (every version, every collection; a tombstone kept) the derived objects of
  // `source` whose version is not `governing` — all of them when nullopt (source deleted).
  Status WithdrawDerived(std::string_view source, std::optional<Micros> governing);
  // The situation pre-aggregation (migrations 7, 8) for one object: RefreshSituation moves its
  // source rows to the class its analysis, head and collections give it now (a no-op when that
  // is the class they are counted under); LeaveSituation takes them out. Every write that
  // changes an input (PutVersion, RecomputeHead, PutAnalysis) calls one of them, with
  // single-row statements only (a multi-row statement opens a statement journal, whose
  // in-memory truncation walks the whole job's sub-journal: quadratic in a large job).
  // keys_current: the object's entity_keys rows already carry its class (PutAnalysis wrote
  // them so); otherwise a change of class is written into them too (migration 9).
  Status RefreshSituation(std::string_view id, bool keys_current = false);
  Status LeaveSituation(std::string_view id);
  // Makes `text` the indexed text of `id` (its latest version) and records that the object
  // is in `collection_id`.
  // `head` (the governing releasability and gates) goes along so that search can decide the
  // visibility of plain rows in SQL (see Search).
  Status Reindex(std::string_view id, std::string_view type, Micros version,
                 const stix::SearchText& text, std::string_view collection_id,
                 const policy::ObjectHead& head, const void* prepared = nullptr);
  Status MarkCollection(std::string_view id, std::string_view collection_id);
  SqliteStore& store_;
  Connection& db_;
};

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const SqliteOptions& options);
  ~SqliteStore() override;

  void Submit(WriteJob job, WriteDone done) override;
  StoreStats Stats() override;
  std::shared_ptr<const void> PrepareSearch(const stix::SearchText& text) override {
    auto values = std::make_shared<std::vector<sqlite::Pretokenized>>();
    for (std::string value : {std::string(1, sqlite::kNameMarker) + text.names, text.body}) {
      auto tokens = sqlite::AnalyzeForIndex(value);
      values->push_back({std::move(value), std::move(tokens)});
    }
    return values;
  }
  Result<std::vector<Party>> Parties() override;
  Result<std::vector<User>> Users() override;
  Result<std::optional<User>> UserByName(std::string_view name) override;
  Result<std::optional<User>> UserById(std::int64_t id) override;
  Result<std::optional<Token>> TokenByHash(std::string_view hash) override;
  Result<std::vector<Token>> Tokens() override;
  Result<std::vector<Collection>> Collections() override;
  Result<std::optional<std::string>> Meta(std::string_view key) override;
  Result<std::optional<ObjectHead>> Head(std::string_view id) override;
  Result<Page> ListVersions(const policy::Reader& reader, std::string_view collection_id,
                            const VersionFilter& filter, std::optional<Cursor> after,
                            std::size_t limit) override;
  bool IsVisible(const policy::Reader& reader, std::string_view id) override;
  Result<std::vector<std::string>> HiddenAmong(const policy::Reader& reader,
                                               const std::vector<std::string>& ids) override;
  Result<std::optional<StatusRecord>> GetStatus(std::string_view id) override;
  Result<SearchResult> Search(const policy::Reader& reader, const SearchQuery& q) override;
  Result<bool> MatchesSearch(const SearchQuery& q, std::string_view id) override;
  Status ScanAudit(const std::function<bool(const AuditRecord&)>& fn) override;
  Result<std::vector<AuditSeal>> Seals() override;
  Result<std::int64_t> CountVersions() override;
  Result<std::optional<MessageRecord>> GetMessage(std::string_view id) override {
    return WithReader([&](Connection& db) { return sqlite::GetMessage(db, id); });
  }
  Result<std::vector<DeliveryRecord>> Deliveries(std::string_view message_id) override {
    return WithReader([&](Connection& db) { return sqlite::Deliveries(db, message_id); });
  }
  Result<std::vector<MailboxEntry>> Inbox(std::int64_t user_id, bool undelivered_only,
                                          std::size_t limit, std::size_t offset) override {
    return WithReader([&](Connection& db) {
      return sqlite::Inbox(db, user_id, undelivered_only, limit, offset);
    });
  }
  Result<std::vector<MessageRecord>> Sent(std::int64_t user_id, std::size_t limit,
                                          std::size_t offset) override {
    return WithReader([&](Connection& db) { return sqlite::Sent(db, user_id, limit, offset); });
  }
  Result<std::vector<std::string>> MessagesWithDeadlines() override {
    return WithReader([&](Connection& db) { return sqlite::MessagesWithDeadlines(db); });
  }
  Result<std::vector<WatchRecord>> Watches(std::optional<std::int64_t> user_id) override {
    return WithReader([&](Connection& db) { return sqlite::Watches(db, user_id); });
  }
  Result<std::vector<WebhookRecord>> Webhooks() override {
    return WithReader([&](Connection& db) { return sqlite::Webhooks(db); });
  }
  Result<std::vector<WebhookDelivery>> WebhookOutbox(std::size_t limit) override {
    return WithReader([&](Connection& db) { return sqlite::WebhookOutbox(db, limit); });
  }
  Status Backup(const std::string& path) override;
  Result<std::optional<AnalysisRecord>> Analysis(std::string_view id) override;
  Result<KeyPostings> Postings(const policy::Reader& reader, std::string_view key,
                               std::size_t limit) override;
  Result<std::vector<AnalysisRecord>> AnalysedBetween(const policy::Reader& reader, Micros from,
                                                      Micros to, std::size_t limit) override;
  Result<SituationCounts> Situation(const policy::Reader& reader, const SituationQuery& q) override;
  Result<std::vector<UnanalysedRow>> Unanalysed(std::string_view skip_created_by,
                                                std::size_t limit) override;

  // Writer thread only.
  Micros NextDateAdded() {
    last_date_added_ = std::max(clock_->NowMicros(), last_date_added_ + 1);
    return last_date_added_;
  }
  const Clock& clock() const { return *clock_; }

 private:
  SqliteStore(const SqliteOptions& o) : options_(o), clock_(o.clock ? o.clock : &SystemClock()) {}

  // A read connection borrowed from the pool for one call; returned on destruction.
  class Lease {
   public:
    Lease(SqliteStore& s, std::unique_ptr<Connection> c) : store_(s), conn_(std::move(c)) {}
    ~Lease() {
      if (conn_) store_.Release(std::move(conn_));
    }
    Lease(Lease&&) = default;
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }
    explicit operator bool() const { return conn_ != nullptr; }

   private:
    SqliteStore& store_;
    std::unique_ptr<Connection> conn_;
  };
  Result<Lease> Acquire();
  void Release(std::unique_ptr<Connection> c);
  // Runs fn(connection) on a pooled read connection.
  template <typename Fn>
  auto WithReader(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
    auto db = Acquire();
    if (!db.ok()) return db.status();
    return fn(**db);
  }

  void WriterLoop();
  // Writer thread only: a small commit that overwrites a refused commit's WAL frames.
  Status ScrubRefusedCommit();
  // Copies committed WAL pages into the database off the writer thread (PASSIVE checkpoints),
  // so commits never pay for a checkpoint.
  void CheckpointLoop();

  struct Pending {
    WriteJob job;
    WriteDone done;
    std::chrono::steady_clock::time_point queued_at;
  };

  SqliteOptions options_;
  const Clock* clock_;
  std::unique_ptr<Connection> writer_;  // used only by writer_thread_
  Micros last_date_added_ = 0;          // writer thread only
  std::int64_t wal_frames_ = 0;         // writer thread only: WAL frames after the last commit
  std::int64_t wal_page_size_ = 4096;   // set at open

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::uint64_t commits_ = 0;  // guarded by mu_; wakes the checkpointer
  // For Stats(): when the batch in hand started (nullopt: idle), commit latencies.
  std::optional<std::chrono::steady_clock::time_point> batch_since_;               // guarded by mu_
  double commit_seconds_ = 0;                                                      // guarded by mu_
  std::array<std::uint64_t, StoreStats::kCommitBuckets.size()> commit_buckets_{};  // mu_
  int schema_version_ = 0;                                                         // set at Open
  std::condition_variable checkpoint_cv_;
  // Held around every checkpoint of this process (the checkpointer's PASSIVE and TRUNCATE, the
  // writer's RESTART), which SQLite would otherwise refuse at once while another runs.
  std::mutex checkpoint_mu_;
  std::thread writer_thread_;
  std::thread checkpoint_thread_;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> pool_;  // guarded by pool_mu_
};

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
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  checkpoint_cv_.notify_all();
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
  std::unique_lock lock(mu_);
  while (!stopping_) {
    checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(200),
                            [&] { return stopping_ || commits_ != seen; });
    if (stopping_) continue;
    if (commits_ == seen) {
      if (bounded && !idle_truncated &&
          SteadyClock::now() - last_commit >= std::chrono::milliseconds(options_.wal_idle_ms)) {
        lock.unlock();
        {
          std::lock_guard checkpoint(checkpoint_mu_);
          idle_truncated =
              sqlite3_wal_checkpoint_v2((*db)->raw(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr,
                                        nullptr) == SQLITE_OK;
        }
        lock.lock();
      }
      continue;
    }
    seen = commits_;
    last_commit = SteadyClock::now();
    idle_truncated = false;
    lock.unlock();
    {
      std::lock_guard checkpoint(checkpoint_mu_);
      (void)(*db)->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    }
    lock.lock();
    // At most ~10 checkpoints a second: each copies everything committed meanwhile.
    checkpoint_cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; });
  }
}

void SqliteStore::Submit(WriteJob job, WriteDone done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back({std::move(job), std::move(done), std::chrono::steady_clock::now()});
      cv_.notify_one();
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
    std::lock_guard lock(mu_);
    st.write_queue = queue_.size();
    auto oldest = batch_since_;
    if (!oldest && !queue_.empty()) oldest = queue_.front().queued_at;
    if (oldest) st.writer_wait = std::chrono::steady_clock::now() - *oldest;
    st.commits = commits_;
    st.commit_seconds = commit_seconds_;
    st.commit_buckets = commit_buckets_;
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
      std::unique_lock lock(mu_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (scrub) {
        cv_.wait_for(lock, kScrubRetry, ready);
      } else {
        cv_.wait(lock, ready);
      }
      if (queue_.empty()) {
        bool stop = stopping_;
        lock.unlock();
        if (scrub) scrub = !ScrubRefusedCommit().ok();
        if (stop) return;  // stopping and drained
        continue;
      }
      batch_since_ = queue_.front().queued_at;
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
      std::lock_guard checkpoint(checkpoint_mu_);
      if (sqlite3_wal_checkpoint_v2(writer_->raw(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr,
                                    nullptr) == SQLITE_OK) {
        wal_frames_ = 0;
      }
    }
    {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - batch_start).count();
      std::lock_guard lock(mu_);
      ++commits_;
      batch_since_.reset();
      commit_seconds_ += seconds;
      std::size_t b = 0;
      while (b < StoreStats::kCommitBuckets.size() && seconds > StoreStats::kCommitBuckets[b]) ++b;
      if (b < commit_buckets_.size()) ++commit_buckets_[b];
    }
    checkpoint_cv_.notify_one();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(results[i]);
    }
  }
}

Result<SqliteStore::Lease> SqliteStore::Acquire() {
  {
    std::lock_guard lock(pool_mu_);
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
  std::lock_guard lock(pool_mu_);
  pool_.push_back(std::move(c));
}

// ---------------------------------------------------------------------------------------
// Writes.

Micros SqliteWriteTxn::Now() { return store_.clock().NowMicros(); }

Result<std::optional<std::string>> SqliteWriteTxn::GetLatestJson(std::string_view id) {
  return QueryOne(
      db_, "SELECT json FROM versions WHERE id = ?1 ORDER BY version DESC, seq DESC LIMIT 1",
      [](const Statement& s) { return s.Text(0); }, id);
}

// The outcome for a version that is already stored (an idempotent re-post).
Result<PutOutcome> ExistingVersion(Connection& db, const NewVersion& v, Micros version) {
  auto st = db.Prepare(
      "SELECT date_added, version FROM versions WHERE id = ?1 AND version = ?2 AND "
      "collection = ?3");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, v.id).Bind(2, version).Bind(3, v.collection_id);
  Status status;
  if (!s.Step(&status)) return status.ok() ? Internal("conflicting version vanished") : status;
  PutOutcome out{s.Int(0), true, s.Int(1)};
  s.Reset();
  return out;
}

Result<PutOutcome> SqliteWriteTxn::PutVersion(const NewVersion& v) {
  Status status;
  // Objects without a version (no created/modified) are duplicates when their bytes match.
  if (!v.version) {
    auto st = db_.Prepare(
        "SELECT date_added, version FROM versions WHERE id = ?1 AND collection = ?2 AND "
        "json = ?3");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    s.Bind(1, v.id).Bind(2, v.collection_id).Bind(3, v.json);
    if (s.Step(&status)) {
      PutOutcome out{s.Int(0), true, s.Int(1)};
      s.Reset();
      return out;
    }
    if (!status.ok()) return status;
  }
  const Micros added = store_.NextDateAdded();
  const Micros version = v.version.value_or(added);
  const auto& rel = v.releasability;
  const std::string recipients = Join(rel.recipients);
  const std::string gates = Join(v.gate_refs);
  {
    auto st = db_.Prepare(
        "INSERT INTO versions(collection, id, type, spec_version, version, date_added, "
        "originator, parties, red, recipients, federable, gates, refs, json, version_text) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
        "ON CONFLICT(id, version, collection) DO NOTHING");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    s.Bind(1, v.collection_id).Bind(2, v.id).Bind(3, v.type).Bind(4, v.spec_version);
    s.Bind(5, version).Bind(6, added).Bind(7, rel.originator);
    s.Bind(8, static_cast<std::int64_t>(rel.parties)).Bind(9, rel.red ? 1 : 0);
    s.Bind(10, recipients).Bind(11, rel.federable ? 1 : 0).Bind(12, gates);
    s.Bind(13, Join(v.refs)).Bind(14, v.json);
    if (v.version) {
      s.Bind(15, v.version_text);
    } else {
      s.Bind(15, stix::FormatMicros(added));
    }
    TANSIQ_RETURN_IF_ERROR(s.Run());
    // Same id and version already in this collection: an idempotent success.
    if (sqlite3_changes(db_.raw()) == 0) return ExistingVersion(db_, v, version);
  }
  TANSIQ_RETURN_IF_ERROR(sqlite::ClearTombstone(db_, v.id));  // stored again: not deleted
  if (!v.derived_from.empty())
    TANSIQ_RETURN_IF_ERROR(sqlite::PutDerived(db_, v.derived_from, v.id));
  // The latest version hub-wide governs the object: update the head when this one is newest.
  auto st = db_.Prepare(
      "INSERT INTO objects(id, type, originator, parties, red, recipients, federable, gates, "
      "latest_version) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
      "ON CONFLICT(id) DO UPDATE SET type = excluded.type, parties = excluded.parties, "
      "red = excluded.red, recipients = excluded.recipients, federable = excluded.federable, "
      "gates = excluded.gates, latest_version = excluded.latest_version "
      "WHERE excluded.latest_version >= objects.latest_version");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, v.id).Bind(2, v.type).Bind(3, rel.originator);
  s.Bind(4, static_cast<std::int64_t>(rel.parties)).Bind(5, rel.red ? 1 : 0);
  s.Bind(6, recipients).Bind(7, rel.federable ? 1 : 0).Bind(8, gates).Bind(9, version);
  TANSIQ_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_.raw()) > 0) {  // this version now governs: index its text
    stix::SearchText text;
    if (v.search) {
      text = *v.search;
    } else {
      boost::system::error_code ec;
      auto parsed = boost::json::parse(v.json, ec);
      if (!ec && parsed.is_object()) text = stix::ExtractSearchText(parsed.get_object());
    }
    TANSIQ_RETURN_IF_ERROR(Reindex(v.id, v.type, version, text, v.collection_id,
                                   policy::ObjectHead{rel, v.gate_refs}, v.prepared_search.get()));
    // What was derived from a version that no longer governs goes in this transaction.
    TANSIQ_RETURN_IF_ERROR(WithdrawDerived(v.id, version));
  } else {
    TANSIQ_RETURN_IF_ERROR(MarkCollection(v.id, v.collection_id));
  }
  TANSIQ_RETURN_IF_ERROR(RefreshSituation(v.id));
  return PutOutcome{added, false, version};
}

Status SqliteWriteTxn::MarkCollection(std::string_view id, std::string_view collection_id) {
  auto st = db_.Prepare(
      "UPDATE search_docs SET "
      "in_shared = in_shared | (SELECT owner IS NULL FROM collections WHERE id = ?2), "
      "private_parties = private_parties | "
      "COALESCE((SELECT 1 << owner FROM collections WHERE id = ?2), 0) WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, collection_id);
  return (*st)->Run();
}

// search_docs' copy of the head for Search: originator, party bitmask, and per_row = 1 when
// only policy::IsVisible may decide (TLP:RED: named users; gates: other objects' heads).
void BindVisibility(Statement& s, int first, const policy::ObjectHead& head) {
  const auto& rel = head.releasability;
  s.Bind(first, rel.originator).Bind(first + 1, static_cast<std::int64_t>(rel.parties));
  s.Bind(first + 2, rel.red || !head.gate_refs.empty() ? 1 : 0);
}

Status SqliteWriteTxn::Reindex(std::string_view id, std::string_view type, Micros version,
                               const stix::SearchText& text_in, std::string_view collection_id,
                               const policy::ObjectHead& head, const void* prepared) {
  Status status;
  stix::SearchText detected;
  if (text_in.lang.empty()) {  // no STIX lang: the script decides (Persian letters → fa)
    detected = text_in;
    detected.lang = text::LangCode(text::DetectLang(text_in.names + "\n" + text_in.body));
  }
  const stix::SearchText& text = text_in.lang.empty() ? detected : text_in;
  std::optional<std::int64_t> rowid;
  {
    auto st = db_.Prepare("SELECT rowid FROM search_docs WHERE id = ?1");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, id);
    if ((*st)->Step(&status)) rowid = (*st)->Int(0);
    (*st)->Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }
  if (rowid) {
    auto del = db_.Prepare("DELETE FROM search WHERE rowid = ?1");
    if (!del.ok()) return del.status();
    (*del)->Bind(1, *rowid);
    TANSIQ_RETURN_IF_ERROR((*del)->Run());
    auto up = db_.Prepare(
        "UPDATE search_docs SET type = ?2, title = ?3, lang = ?4, modified = ?5, "
        "created_by_ref = ?6, originator = ?8, parties = ?9, per_row = ?10, "
        "in_shared = in_shared | (SELECT owner IS NULL FROM collections WHERE id = ?7), "
        "private_parties = private_parties | "
        "COALESCE((SELECT 1 << owner FROM collections WHERE id = ?7), 0) WHERE rowid = ?1");
    if (!up.ok()) return up.status();
    Statement& u = **up;
    u.Bind(1, *rowid).Bind(2, type).Bind(3, text.title).Bind(4, text.lang).Bind(5, version);
    u.Bind(6, text.created_by_ref).Bind(7, collection_id);
    BindVisibility(u, 8, head);
    TANSIQ_RETURN_IF_ERROR(u.Run());
  } else {
    auto ins = db_.Prepare(
        "INSERT INTO search_docs(id, type, title, lang, modified, created_by_ref, in_shared, "
        "private_parties, originator, parties, per_row) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
        "(SELECT owner IS NULL FROM collections WHERE id = ?7), "
        "COALESCE((SELECT 1 << owner FROM collections WHERE id = ?7), 0), ?8, ?9, ?10)");
    if (!ins.ok()) return ins.status();
    Statement& i = **ins;
    i.Bind(1, id).Bind(2, type).Bind(3, text.title).Bind(4, text.lang).Bind(5, version);
    i.Bind(6, text.created_by_ref).Bind(7, collection_id);
    BindVisibility(i, 8, head);
    TANSIQ_RETURN_IF_ERROR(i.Run());
    rowid = sqlite3_last_insert_rowid(db_.raw());
  }
  auto fts = db_.Prepare("INSERT INTO search(rowid, names, body) VALUES(?1, ?2, ?3)");
  if (!fts.ok()) return fts.status();
  (*fts)->Bind(1, *rowid).Bind(2, std::string(1, sqlite::kNameMarker) + text.names);
  (*fts)->Bind(3, text.body);
  sqlite::UsePretokenized(static_cast<const std::vector<sqlite::Pretokenized>*>(prepared));
  Status inserted = (*fts)->Run();
  sqlite::UsePretokenized(nullptr);
  return inserted;
}

Status SqliteWriteTxn::RecomputeHead(std::string_view id) {
  auto before = ReadHead(db_, id);
  if (!before.ok()) return before.status();
  auto st = db_.Prepare(std::string("SELECT type, version, ") + kHeadColumns +
                        " FROM versions WHERE id = ?1 ORDER BY version DESC, seq DESC LIMIT 1");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, id);
  Status status;
  if (!s.Step(&status)) {
    TANSIQ_RETURN_IF_ERROR(status);
    if (before->has_value()) {
      TANSIQ_RETURN_IF_ERROR(
          sqlite::PutTombstone(db_, id, (*before)->releasability.originator, Now()));
    }
    TANSIQ_RETURN_IF_ERROR(WithdrawDerived(id, std::nullopt));
    TANSIQ_RETURN_IF_ERROR(LeaveSituation(id));
    for (const char* sql :
         {"DELETE FROM objects WHERE id = ?1",
          "DELETE FROM search WHERE rowid = (SELECT rowid FROM search_docs WHERE id = ?1)",
          "DELETE FROM search_docs WHERE id = ?1", "DELETE FROM entity_keys WHERE id = ?1",
          "DELETE FROM analysis WHERE id = ?1"}) {
      auto del = db_.Prepare(sql);
      if (!del.ok()) return del.status();
      (*del)->Bind(1, id);
      TANSIQ_RETURN_IF_ERROR((*del)->Run());
    }
    return Status::Ok();
  }
  std::string type = s.Text(0);
  Micros version = s.Int(1);
  policy::ObjectHead h = HeadColumns(s, 2);
  s.Reset();
  auto up = db_.Prepare(
      "UPDATE objects SET type = ?2, parties = ?3, red = ?4, recipients = ?5, federable = ?6, "
      "gates = ?7, latest_version = ?8 WHERE id = ?1");
  if (!up.ok()) return up.status();
  Statement& u = **up;
  const auto& rel = h.releasability;
  u.Bind(1, id).Bind(2, type).Bind(3, static_cast<std::int64_t>(rel.parties));
  u.Bind(4, rel.red ? 1 : 0).Bind(5, Join(rel.recipients)).Bind(6, rel.federable ? 1 : 0);
  u.Bind(7, Join(h.gate_refs)).Bind(8, version);
  TANSIQ_RETURN_IF_ERROR(u.Run());
  // Re-index the text of the version that governs now, and the collections still holding it.
  auto latest = GetLatestJson(id);
  if (!latest.ok()) return latest.status();
  stix::SearchText text;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(latest->value_or("{}"), ec);
  if (!ec && parsed.is_object()) text = stix::ExtractSearchText(parsed.get_object());
  auto reset =
      db_.Prepare("UPDATE search_docs SET in_shared = 0, private_parties = 0 WHERE id = ?1");
  if (!reset.ok()) return reset.status();
  (*reset)->Bind(1, id);
  TANSIQ_RETURN_IF_ERROR((*reset)->Run());
  auto colls = db_.Prepare("SELECT DISTINCT collection FROM versions WHERE id = ?1");
  if (!colls.ok()) return colls.status();
  (*colls)->Bind(1, id);
  std::vector<std::string> holding;
  while ((*colls)->Step(&status)) holding.push_back((*colls)->Text(0));
  TANSIQ_RETURN_IF_ERROR(status);
  if (!holding.empty()) {
    TANSIQ_RETURN_IF_ERROR(Reindex(id, type, version, text, holding.front(), h));
    for (std::size_t i = 1; i < holding.size(); ++i) {
      TANSIQ_RETURN_IF_ERROR(MarkCollection(id, holding[i]));
    }
  }
  TANSIQ_RETURN_IF_ERROR(WithdrawDerived(id, version));
  return RefreshSituation(id);
}

Status SqliteWriteTxn::WithdrawDerived(std::string_view source, std::optional<Micros> governing) {
  auto rows = sqlite::DerivedFrom(db_, source);
  if (!rows.ok()) return rows.status();
  for (const auto& row : *rows) {
    if (governing && row.latest_version == governing) continue;  // from the governing text
    if (row.latest_version) {
      auto del = db_.Prepare("DELETE FROM versions WHERE id = ?1");
      if (!del.ok()) return del.status();
      (*del)->Bind(1, row.id);
      TANSIQ_RETURN_IF_ERROR((*del)->Run());
      TANSIQ_RETURN_IF_ERROR(RecomputeHead(row.id));  // gone: tombstone, index, situation
    }
    TANSIQ_RETURN_IF_ERROR(sqlite::DropDerived(db_, source, row.id));
  }
  return Status::Ok();
}

Status SqliteWriteTxn::ReconcileDerived() {
  auto sources = sqlite::DerivedSources(db_);
  if (!sources.ok()) return sources.status();
  for (const auto& source : *sources) {
    auto head = ReadHead(db_, source);
    if (!head.ok()) return head.status();
    if (!head->has_value()) {
      // A source deleted before tombstones existed: it was held, so it hides from now on.
      auto rows = sqlite::DerivedFrom(db_, source);
      if (!rows.ok()) return rows.status();
      for (const auto& row : *rows) {
        auto derived = ReadHead(db_, row.id);
        if (!derived.ok()) return derived.status();
        if (!derived->has_value()) continue;
        TANSIQ_RETURN_IF_ERROR(
            sqlite::PutTombstone(db_, source, (*derived)->releasability.originator, Now()));
        break;
      }
    }
    TANSIQ_RETURN_IF_ERROR(WithdrawDerived(
        source, head->has_value() ? std::optional<Micros>((*head)->latest_version) : std::nullopt));
  }
  return Status::Ok();
}

// Appends " AND <column> IN (?,?,...)" and records the values to bind.
void AppendIn(std::string& sql, std::string_view column, const std::vector<std::string>& values,
              std::vector<std::string>& binds) {
  if (values.empty()) return;
  sql += " AND ";
  sql += column;
  sql += " IN (";
  for (std::size_t i = 0; i < values.size(); ++i) {
    sql += i ? ",?" : "?";
    binds.push_back(values[i]);
  }
  sql += ")";
}

// "(SELECT MAX|MIN(version) ...)" over the versions of the row's object in its collection.
std::string Extreme(std::string_view alias, bool max, const std::vector<std::string>& spec_versions,
                    std::vector<std::string>& binds) {
  std::string sql = max ? "(SELECT MAX(x.version)" : "(SELECT MIN(x.version)";
  sql += " FROM versions x WHERE x.collection = " + std::string(alias) +
         ".collection AND x.id = " + std::string(alias) + ".id";
  AppendIn(sql, "x.spec_version", spec_versions, binds);
  return sql + ")";
}

// The version-selection clause over rows aliased `alias` (TAXII match[version]).
void AppendVersionClause(std::string& sql, std::string_view alias, VersionFilter::Which which,
                         const std::vector<Micros>& versions, bool also_first, bool also_last,
                         const std::vector<std::string>& spec_versions,
                         std::vector<std::string>& binds) {
  using Which = VersionFilter::Which;
  const std::string column = std::string(alias) + ".version";
  switch (which) {
    case Which::kAll:
      return;
    case Which::kLast:
    case Which::kFirst:
      sql += " AND " + column + " = " + Extreme(alias, which == Which::kLast, spec_versions, binds);
      return;
    case Which::kListed: {
      std::string any = column + " IN (";
      for (std::size_t i = 0; i < versions.size(); ++i) {
        any += (i ? "," : "") + std::to_string(versions[i]);
      }
      any += ")";
      if (also_first) any += " OR " + column + " = " + Extreme(alias, false, spec_versions, binds);
      if (also_last) any += " OR " + column + " = " + Extreme(alias, true, spec_versions, binds);
      sql += " AND (" + any + ")";
      return;
    }
  }
}

Result<int> SqliteWriteTxn::DeleteVersions(std::string_view collection_id, std::string_view id,
                                           const DeleteSelector& which) {
  std::string sql = "DELETE FROM versions WHERE collection = ?1 AND id = ?2";
  std::vector<std::string> tail;  // bound from ?3 on, in order of appearance
  AppendIn(sql, "spec_version", which.spec_versions, tail);
  AppendVersionClause(sql, "versions", which.which, which.versions, which.also_first,
                      which.also_last, which.spec_versions, tail);
  auto st = db_.Prepare(sql);
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, collection_id).Bind(2, id);
  int i = 3;
  for (const auto& b : tail) s.Bind(i++, b);
  TANSIQ_RETURN_IF_ERROR(s.Run());
  int n = sqlite3_changes(db_.raw());
  if (n > 0) TANSIQ_RETURN_IF_ERROR(RecomputeHead(id));
  return n;
}

Status SqliteWriteTxn::PutStatus(const StatusRecord& r) {
  auto st = db_.Prepare(
      "INSERT OR REPLACE INTO statuses(id, owner_user, created, json) VALUES(?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, r.id).Bind(2, r.owner_user).Bind(3, r.created).Bind(4, r.json);
  return (*st)->Run();
}

AuditRecord AuditRow(const Statement& s) {
  AuditRecord r;
  r.seq = s.Int(0);
  r.at = s.Int(1);
  r.actor = s.Text(2);
  r.party = s.Text(3);
  r.action = s.Text(4);
  r.target = s.Text(5);
  r.outcome = s.Text(6);
  r.prev_hash = s.Text(7);
  r.hash = s.Text(8);
  return r;
}

constexpr const char* kAuditColumns =
    "seq, at, actor, party, action, target, outcome, prev_hash, hash";

Result<std::optional<AuditRecord>> SqliteWriteTxn::LastAudit() {
  return QueryOne(db_,
                  std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY seq DESC LIMIT 1",
                  AuditRow);
}

Status SqliteWriteTxn::AppendAudit(const AuditRecord& r) {
  auto st = db_.Prepare(std::string("INSERT INTO audit(") + kAuditColumns +
                        ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, r.seq).Bind(2, r.at).Bind(3, r.actor).Bind(4, r.party).Bind(5, r.action);
  s.Bind(6, r.target).Bind(7, r.outcome).Bind(8, r.prev_hash).Bind(9, r.hash);
  return s.Run();
}

Status SqliteWriteTxn::AppendSeal(const AuditSeal& a) {
  auto st = db_.Prepare(
      "INSERT OR REPLACE INTO audit_seals(seq, hash, signature, at) VALUES(?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, a.seq).Bind(2, a.hash).Bind(3, a.signature).Bind(4, a.at);
  return (*st)->Run();
}

Result<policy::PartyIndex> SqliteWriteTxn::AddParty(const Party& p) {
  auto q = db_.Prepare("SELECT COALESCE(MAX(idx) + 1, 0) FROM parties");
  if (!q.ok()) return q.status();
  Status status;
  if (!(*q)->Step(&status)) return status.ok() ? Internal("no party index") : status;
  auto idx = static_cast<policy::PartyIndex>((*q)->Int(0));
  (*q)->Reset();
  if (idx >= policy::kMaxParties) {
    return Unprocessable("a hub holds at most " + std::to_string(policy::kMaxParties) + " parties");
  }
  auto st = db_.Prepare("INSERT INTO parties(idx, code, name, identity_id) VALUES(?1,?2,?3,?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, idx).Bind(2, p.code).Bind(3, p.name).Bind(4, p.identity_id);
  Status s = (*st)->Run();
  if (!s.ok()) return Conflict("party " + p.code + " or its identity already exists");
  return idx;
}

Result<std::int64_t> SqliteWriteTxn::AddUser(const User& u) {
  auto st = db_.Prepare(
      "INSERT INTO users(name, party, roles, disabled, password_hash, alternates, lang) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, u.name).Bind(2, u.party).Bind(3, u.roles).Bind(4, u.disabled ? 1 : 0);
  s.Bind(5, u.password_hash).Bind(6, Join(u.alternates)).Bind(7, u.lang);
  Status r = s.Run();
  if (!r.ok()) return Conflict("user " + u.name + " already exists or names no party");
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_.raw()));
}

Status SqliteWriteTxn::UpdateUser(const User& u) {
  auto st = db_.Prepare(
      "UPDATE users SET party = ?2, roles = ?3, disabled = ?4, password_hash = ?5, "
      "alternates = ?6, lang = ?7 WHERE id = ?1");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, u.id).Bind(2, u.party).Bind(3, u.roles).Bind(4, u.disabled ? 1 : 0);
  s.Bind(5, u.password_hash).Bind(6, Join(u.alternates)).Bind(7, u.lang);
  TANSIQ_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_.raw()) != 1) return NotFound("no such user");
  return Status::Ok();
}

Status SqliteWriteTxn::SetUserLang(std::int64_t user_id, std::string_view lang) {
  auto st = db_.Prepare("UPDATE users SET lang = ?2 WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, lang);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  if (sqlite3_changes(db_.raw()) != 1) return NotFound("no such user");
  return Status::Ok();
}

Status SqliteWriteTxn::AddToken(const Token& t) {
  auto st = db_.Prepare(
      "INSERT INTO tokens(hash, user_id, label, created, id, scope, expires, last_used) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, t.hash).Bind(2, t.user_id).Bind(3, t.label).Bind(4, t.created);
  (*st)->Bind(5, t.id.empty() ? t.hash.substr(0, 16) : t.id).Bind(6, t.scope);
  (*st)->Bind(7, t.expires).Bind(8, t.last_used);
  return (*st)->Run();
}

Result<bool> SqliteWriteTxn::DeleteToken(std::string_view id) {
  auto st = db_.Prepare("DELETE FROM tokens WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  return sqlite3_changes(db_.raw()) > 0;
}

Status SqliteWriteTxn::TouchToken(std::string_view hash, Micros at) {
  auto st = db_.Prepare("UPDATE tokens SET last_used = MAX(last_used, ?2) WHERE hash = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, hash).Bind(2, at);
  return (*st)->Run();
}

Status SqliteWriteTxn::AddCollection(const Collection& c) {
  auto st = db_.Prepare(
      "INSERT INTO collections(id, alias, title, description, owner) VALUES(?1,?2,?3,?4,?5)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, c.id).Bind(2, c.alias).Bind(3, c.title).Bind(4, c.description);
  if (c.owner) {
    s.Bind(5, *c.owner);
  } else {
    s.BindNull(5);
  }
  Status r = s.Run();
  if (!r.ok()) return Conflict("collection " + c.alias + " already exists");
  return r;
}

Status SqliteWriteTxn::PutMeta(std::string_view key, std::string_view value) {
  auto st = db_.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, key).Bind(2, value);
  return (*st)->Run();
}

Result<bool> SqliteWriteTxn::ClaimMeta(std::string_view key, std::string_view value) {
  auto st = db_.Prepare(
      "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET "
      "value = excluded.value WHERE meta.value IS NOT excluded.value");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, key).Bind(2, value);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  return sqlite3_changes(db_.raw()) > 0;
}

// ---------------------------------------------------------------------------------------
// Reads.

User UserRow(const Statement& s) {
  User u;
  u.id = s.Int(0);
  u.name = s.Text(1);
  u.party = static_cast<policy::PartyIndex>(s.Int(2));
  u.roles = static_cast<std::uint32_t>(s.Int(3));
  u.disabled = s.Int(4) != 0;
  u.password_hash = s.Text(5);
  u.alternates = Split(s.View(6));
  u.lang = s.Text(7);
  return u;
}

constexpr const char* kUserColumns =
    "id, name, party, roles, disabled, password_hash, alternates, lang";

Result<std::vector<Party>> SqliteStore::Parties() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("SELECT idx, code, name, identity_id FROM parties ORDER BY idx");
  if (!st.ok()) return st.status();
  std::vector<Party> out;
  Status status;
  while ((*st)->Step(&status)) {
    Statement& s = **st;
    out.push_back({static_cast<policy::PartyIndex>(s.Int(0)), s.Text(1), s.Text(2), s.Text(3)});
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<User>> SqliteStore::Users() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id");
  if (!st.ok()) return st.status();
  std::vector<User> out;
  Status status;
  while ((*st)->Step(&status)) out.push_back(UserRow(**st));
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<User>> UserWhere(Connection& db, const char* where, auto value) {
  return QueryOne(db, std::string("SELECT ") + kUserColumns + " FROM users WHERE " + where, UserRow,
                  value);
}

Result<std::optional<User>> SqliteStore::UserByName(std::string_view name) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return UserWhere(**db, "name = ?1", name);
}

Result<std::optional<User>> SqliteStore::UserById(std::int64_t id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return UserWhere(**db, "id = ?1", id);
}

Result<std::optional<Token>> SqliteStore::TokenByHash(std::string_view hash) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return QueryOne(
      **db,
      "SELECT hash, user_id, label, created, id, scope, expires, last_used FROM tokens "
      "WHERE hash = ?1",
      [](const Statement& s) {
        return Token{s.Text(0), s.Int(1),  s.Text(2), s.Int(3),
                     s.Text(4), s.Text(5), s.Int(6),  s.Int(7)};
      },
      hash);
}

Result<std::vector<Token>> SqliteStore::Tokens() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      "SELECT hash, user_id, label, created, id, scope, expires, last_used FROM tokens "
      "ORDER BY user_id, created, id");
  if (!st.ok()) return st.status();
  std::vector<Token> out;
  Status status;
  while ((*st)->Step(&status)) {
    const Statement& s = **st;
    out.push_back(
        Token{s.Text(0), s.Int(1), s.Text(2), s.Int(3), s.Text(4), s.Text(5), s.Int(6), s.Int(7)});
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::vector<Collection>> SqliteStore::Collections() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      "SELECT id, alias, title, description, owner FROM collections ORDER BY owner IS NOT NULL, "
      "owner, alias");
  if (!st.ok()) return st.status();
  std::vector<Collection> out;
  Status status;
  while ((*st)->Step(&status)) {
    Statement& s = **st;
    Collection c{s.Text(0), s.Text(1), s.Text(2), s.Text(3), std::nullopt};
    if (!s.IsNull(4)) c.owner = static_cast<policy::PartyIndex>(s.Int(4));
    out.push_back(std::move(c));
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::optional<std::string>> SqliteStore::Meta(std::string_view key) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return QueryOne(
      **db, "SELECT value FROM meta WHERE key = ?1", [](const Statement& s) { return s.Text(0); },
      key);
}

Result<std::optional<ObjectHead>> SqliteStore::Head(std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return ReadHead(**db, id);
}

bool SqliteStore::IsVisible(const policy::Reader& reader, std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return false;
  HeadCache cache(**db, reader);
  return policy::IsVisible(reader, id, [&](std::string_view x) { return cache.Lookup(x); });
}

Result<std::vector<std::string>> SqliteStore::HiddenAmong(const policy::Reader& reader,
                                                          const std::vector<std::string>& ids) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  std::vector<std::string> hidden;
  for (const auto& id : ids) {
    if (cache.Lookup(id).has_value() && !policy::IsVisible(reader, id, lookup)) {
      hidden.push_back(id);
    }
  }
  return hidden;
}

Result<Page> SqliteStore::ListVersions(const policy::Reader& reader, std::string_view collection_id,
                                       const VersionFilter& filter, std::optional<Cursor> after,
                                       std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  // The visibility prefilter is the rule's party clauses in SQL (exact unless red or gated);
  // every candidate row then goes through policy::IsVisible, the one rule.
  std::string sql = std::string(
                        "SELECT v.seq, v.id, v.type, v.spec_version, v.version, v.date_added, "
                        "v.refs, v.json, v.version_text, ") +
                    "h.originator, h.parties, h.red, h.recipients, h.federable, h.gates "
                    "FROM versions v JOIN objects h ON h.id = v.id "
                    "WHERE v.collection = ?1 AND v.date_added > ?2 "
                    "AND (h.originator = ?3 OR (h.red = 0 AND (h.parties & ?4) != 0) OR "
                    "h.red = 1)";
  std::vector<std::string> binds;
  AppendIn(sql, "v.id", filter.ids, binds);
  AppendIn(sql, "v.type", filter.types, binds);
  AppendIn(sql, "v.spec_version", filter.spec_versions, binds);
  AppendVersionClause(sql, "v", filter.which, filter.versions, filter.also_first, filter.also_last,
                      filter.spec_versions, binds);
  sql += " ORDER BY v.date_added";
  auto st = (*db)->Prepare(sql);
  if (!st.ok()) return st.status();
  Statement& s = **st;
  Micros floor = std::max(filter.added_after.value_or(-1), after ? after->date_added : -1);
  s.Bind(1, collection_id).Bind(2, floor).Bind(3, reader.party);
  s.Bind(4, static_cast<std::int64_t>(policy::Bit(reader.party)));
  int i = 5;
  for (const auto& b : binds) s.Bind(i++, b);

  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  Page page;
  Status status;
  while (s.Step(&status)) {
    std::string id = s.Text(1);
    cache.Put(id, HeadColumns(s, 9));
    if (!policy::IsVisible(reader, id, lookup)) continue;
    if (page.rows.size() == limit) {
      page.more = true;
      break;
    }
    page.rows.push_back(VersionRowAt(s));
  }
  s.Reset();
  if (!status.ok()) return status;
  return page;
}

Result<std::optional<StatusRecord>> SqliteStore::GetStatus(std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  return QueryOne(
      **db, "SELECT id, owner_user, created, json FROM statuses WHERE id = ?1",
      [](const Statement& s) {
        return StatusRecord{s.Text(0), s.Int(1), s.Int(2), s.Text(3)};
      },
      id);
}

// FTS5 string literal: double quotes doubled.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One SearchTerm as FTS5 alternatives; `names` restricts every alternative to name fields.
std::string CompileTerm(const SearchTerm& t, bool names) {
  names |= t.names_only;
  std::vector<std::string> alts;
  std::string text = t.text;  // the tokenizer's markers are never the user's to send
  std::erase_if(text, [](char c) { return c == sqlite::kRawMarker || c == sqlite::kNameMarker; });
  if (!text.empty()) alts.push_back((names ? "names : " : "") + Quote(text));
  std::vector<std::string> keys;
  for (const auto& k : t.name_keys) {
    if (!k.empty()) {
      keys.push_back(Quote(std::string(1, sqlite::kRawMarker) + sqlite::kNameKeyPrefix + k));
    }
  }
  if (keys.size() == 1) {
    alts.push_back((names ? "names : " : "") + keys[0]);
  } else if (keys.size() > 1) {
    std::string near = "NEAR(";
    for (const auto& k : keys) near += k + " ";
    near += std::to_string(keys.size() + 2) + ")";
    alts.push_back((names ? "names : " : "") + near);
  }
  std::string out;
  for (const auto& a : alts) out += (out.empty() ? "" : " OR ") + a;
  return out;
}

// Compiles a SearchQuery to an FTS5 MATCH expression. Terms are always quoted strings (the
// tokenizer analyses them), so no user text is ever FTS5 syntax.
std::string CompileMatch(const SearchQuery& q) {
  auto clause = [&](const SearchClause& c) {
    std::string out;
    for (const auto& t : c.any) {
      std::string e = CompileTerm(t, false);
      if (!e.empty()) out += (out.empty() ? "" : " OR ") + e;
    }
    return out.empty() ? out : "(" + out + ")";
  };
  std::string expr;
  for (const auto& c : q.all) {
    std::string e = clause(c);
    if (!e.empty()) expr += (expr.empty() ? "" : " AND ") + e;
  }
  if (expr.empty()) return expr;
  for (const auto& c : q.none) {
    std::string e = clause(c);
    if (!e.empty()) expr = "(" + expr + ") NOT " + e;
  }
  return expr;
}

// The ranking's tier 1 (SearchResult): `match` restricted to rows where some positive term
// of the query occurs in a name field.
std::string CompileNamesTier(const SearchQuery& q, const std::string& match) {
  std::string names;
  for (const auto& c : q.all) {
    for (const auto& t : c.any) {
      std::string e = CompileTerm(t, true);
      if (!e.empty()) names += (names.empty() ? "" : " OR ") + e;
    }
  }
  return "(" + match + ") AND (" + names + ")";
}

Result<bool> SqliteStore::MatchesSearch(const SearchQuery& q, std::string_view id) {
  const std::string match = CompileMatch(q);
  if (match.empty()) return InvalidArgument("the query has no words to search for");
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto found = QueryOne(
      **db,
      "SELECT 1 FROM search WHERE search MATCH ?1 AND rowid = "
      "(SELECT rowid FROM search_docs WHERE id = ?2)",
      [](const Statement&) { return true; }, match, id);
  if (!found.ok()) return found.status();
  return found->has_value();
}

// Search in four steps, each bounded whatever the number of matches (issue 3):
//  1. The visible matches, newest first (FTS5 walks rowid DESC natively and stops early),
//     until total_bound + 1 and the windows of the page are known. A row whose head is neither
//     TLP:RED nor gated (search_docs.per_row = 0) is visible iff its collection and party
//     bitmask admit the reader — exactly policy::CanRead for such a head — so SQL drops the
//     others; rows with per_row = 1 are decided by policy::IsVisible against their live heads
//     (the same check every other read path makes). Invisible rows never count, so a flood of
//     matches the reader cannot see neither inflates the total nor pushes visible ones out.
//     Total and facets are counted over the first total_bound visible matches.
//  2. Ranking (order in SearchResult) by tansiq_rank — BM25 computed from the row and the query
//     alone, so a score never depends on rows the reader cannot see: with at most rank_window
//     visible matches all are ranked, exactly as an unbounded search; otherwise tier 1
//     (name-field matches among the newest total_bound visible, at most rank_window) and then
//     windows of rank_window visible matches, scored only for the rows of the windows the page
//     touches.
//  3. The page's columns. 4. Snippets for the page only.
Result<SearchResult> SqliteStore::Search(const policy::Reader& reader, const SearchQuery& q) {
  const std::string match = CompileMatch(q);
  if (match.empty()) return InvalidArgument("the query has no words to search for");
  auto db = Acquire();
  if (!db.ok()) return db.status();
  const bool party_ok = reader.party >= 0 && reader.party < policy::kMaxParties;
  const std::int64_t bit = party_ok ? static_cast<std::int64_t>(policy::Bit(reader.party)) : 0;
  // ?1 match, ?2 the reader's party bit, ?3 the reader's party, ?4... the filters.
  std::string where =
      " FROM search JOIN search_docs d ON d.rowid = search.rowid WHERE search MATCH ?1 "
      "AND (d.in_shared = 1 OR (d.private_parties & ?2) != 0)";
  // Filter values are bound, never spliced into the SQL: the text (and so the cached
  // statement) depends only on which filters are present and how many values each has.
  std::vector<std::variant<std::string, std::int64_t>> binds;
  auto param = [&](std::variant<std::string, std::int64_t> value) {
    binds.push_back(std::move(value));
    return "?" + std::to_string(3 + binds.size());  // after ?1..?3
  };
  auto in = [&](std::string_view column, const auto& values, bool negated = false) {
    if (values.empty()) return;
    where += " AND " + std::string(column) + (negated ? " NOT IN (" : " IN (");
    for (std::size_t i = 0; i < values.size(); ++i) {
      if constexpr (std::is_same_v<std::decay_t<decltype(values[i])>, std::string>) {
        where += (i ? "," : "") + param(values[i]);
      } else {
        where += (i ? "," : "") + param(static_cast<std::int64_t>(values[i]));
      }
    }
    where += ")";
  };
  in("d.type", q.types);
  in("d.lang", q.langs);
  if (q.since) where += " AND d.modified >= " + param(static_cast<std::int64_t>(*q.since));
  if (q.until) where += " AND d.modified <= " + param(static_cast<std::int64_t>(*q.until));
  in("d.originator", q.originators);
  in("d.created_by_ref", q.exclude_creators, true);
  // Plain rows the reader may see, and per-row ones for policy::IsVisible.
  where += " AND (d.per_row = 1 OR d.originator = ?3 OR (d.parties & ?2) != 0)";
  auto bind = [&](Statement& s, const std::string& expr) {
    s.Bind(1, expr).Bind(2, bit).Bind(3, reader.party);
    int i = 4;
    for (const auto& b : binds) std::visit([&](const auto& v) { s.Bind(i++, v); }, b);
  };
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  Status status;

  const std::size_t bound = std::max<std::size_t>(q.total_bound, 1);
  const std::size_t window = std::max<std::size_t>(q.rank_window, 1);
  const std::size_t want = q.offset + q.limit;
  // Every window the page can touch is complete within the first `want` visible matches
  // rounded up to a window (tier 1 only removes rows from the windows).
  const std::size_t target =
      std::max({bound + 1, window + 1, (want + window - 1) / window * window});

  // 1. Visible matches, newest first.
  SearchResult result;
  std::vector<std::int64_t> visible;
  std::map<std::string, std::int64_t> by_type, by_party, by_lang;
  {
    auto st = (*db)->Prepare("SELECT search.rowid, d.per_row, d.id, d.type, d.originator, d.lang" +
                             where + " ORDER BY search.rowid DESC");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, match);
    while (visible.size() < target && s.Step(&status)) {
      if (s.Int(1) != 0) {
        cache.Accessible(s.Text(2));
        if (!policy::IsVisible(reader, s.Text(2), lookup)) continue;
      }
      if (visible.size() < bound) {
        ++by_type[s.Text(3)];
        ++by_party[std::to_string(s.Int(4))];
        ++by_lang[s.Text(5)];
      }
      visible.push_back(s.Int(0));
    }
    s.Reset();
    // FTS5 reports query syntax errors at step time.
    if (!status.ok()) return InvalidArgument("search query cannot be evaluated");
  }
  result.total = static_cast<std::int64_t>(std::min(visible.size(), bound));
  result.total_exact = visible.size() <= bound;
  auto facet = [](std::map<std::string, std::int64_t>& m) {
    std::vector<std::pair<std::string, std::int64_t>> v(m.begin(), m.end());
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return v;
  };
  result.facets = {{"type", facet(by_type)}, {"party", facet(by_party)}, {"lang", facet(by_lang)}};
  if (q.offset >= visible.size()) return result;

  // 2. Ranking. rank_range appends `members` (visible rowids from lo to hi) scored by the SQL
  // expression `score`, by score descending, then rowid ascending.
  struct Ranked {
    double score;
    std::int64_t rowid;
  };
  auto by_score = [](const Ranked& a, const Ranked& b) {
    return a.score != b.score ? a.score > b.score : a.rowid < b.rowid;
  };
  // tansiq_rank: BM25 from the row and the query alone — no corpus statistics, which would
  // count rows this reader may not see (fts_tokenizer.cc).
  const std::string score = "-tansiq_rank(search, 4.0, 1.0)";
  auto rank_range = [&](std::int64_t lo, std::int64_t hi,
                        const std::unordered_set<std::int64_t>& members,
                        std::vector<Ranked>* out) -> Status {
    if (members.empty()) return Status::Ok();
    const int lo_param = 4 + static_cast<int>(binds.size());
    auto st = (*db)->Prepare("SELECT search.rowid, " + score + where + " AND search.rowid >= ?" +
                             std::to_string(lo_param) + " AND search.rowid <= ?" +
                             std::to_string(lo_param + 1));
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, match);
    s.Bind(lo_param, lo).Bind(lo_param + 1, hi);
    Status st_status;
    const std::size_t first = out->size();
    while (s.Step(&st_status)) {
      if (members.contains(s.Int(0))) out->push_back({s.Double(1), s.Int(0)});
    }
    s.Reset();
    std::sort(out->begin() + static_cast<std::ptrdiff_t>(first), out->end(), by_score);
    return st_status;
  };
  std::vector<Ranked> ranked;  // positions [skipped, skipped + ranked.size()) of the order
  std::size_t skipped = 0;
  if (visible.size() <= window) {
    const std::unordered_set<std::int64_t> members(visible.begin(), visible.end());
    TANSIQ_RETURN_IF_ERROR(rank_range(visible.back(), visible.front(), members, &ranked));
  } else {
    // Tier 1: among the newest `bound` visible matches (a horizon that does not depend on the
    // page, and bounds the walk when name matches are rare), the newest `window` with a query
    // word in a name field.
    std::vector<Ranked> tier1;
    {
      const int horizon_param = 4 + static_cast<int>(binds.size());
      auto st = (*db)->Prepare("SELECT search.rowid, " + score + ", d.per_row, d.id" + where +
                               " AND search.rowid >= ?" + std::to_string(horizon_param) +
                               " ORDER BY search.rowid DESC");
      if (!st.ok()) return st.status();
      Statement& s = **st;
      bind(s, CompileNamesTier(q, match));
      s.Bind(horizon_param, visible[std::min(bound, visible.size()) - 1]);
      while (tier1.size() < window && s.Step(&status)) {
        if (s.Int(2) != 0) {
          cache.Accessible(s.Text(3));
          if (!policy::IsVisible(reader, s.Text(3), lookup)) continue;
        }
        tier1.push_back({s.Double(1), s.Int(0)});
      }
      s.Reset();
      TANSIQ_RETURN_IF_ERROR(status);
    }
    std::unordered_set<std::int64_t> in_tier1;
    for (const auto& r : tier1) in_tier1.insert(r.rowid);
    std::sort(tier1.begin(), tier1.end(), by_score);
    if (q.offset < tier1.size()) {
      ranked = std::move(tier1);
    } else {
      skipped = tier1.size();
    }
    // Then the windows the page touches.
    for (std::size_t begin = 0; begin < visible.size() && skipped + ranked.size() < want;
         begin += window) {
      const std::size_t end = std::min(begin + window, visible.size());
      std::unordered_set<std::int64_t> members;
      for (std::size_t k = begin; k < end; ++k) {
        if (!in_tier1.contains(visible[k])) members.insert(visible[k]);
      }
      if (skipped + ranked.size() + members.size() <= q.offset) {
        skipped += members.size();  // wholly before the page
        continue;
      }
      TANSIQ_RETURN_IF_ERROR(rank_range(visible[end - 1], visible[begin], members, &ranked));
    }
  }
  if (q.offset >= skipped + ranked.size()) return result;
  ranked.erase(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(q.offset - skipped));
  if (ranked.size() > q.limit) ranked.resize(q.limit);
  if (ranked.empty()) return result;

  // 3. The page's columns.
  // The page's rowids as a JSON array for json_each: one cached statement for every page.
  std::string page;
  for (const auto& r : ranked) page += (page.empty() ? "[" : ",") + std::to_string(r.rowid);
  page += "]";
  std::map<std::int64_t, SearchHit> hits;
  {
    auto st = (*db)->Prepare(
        "SELECT rowid, id, type, title, lang, modified, created_by_ref, originator "
        "FROM search_docs WHERE rowid IN (SELECT value FROM json_each(?1))");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    s.Bind(1, page);
    while (s.Step(&status)) {
      SearchHit hit;
      hit.id = s.Text(1);
      hit.type = s.Text(2);
      hit.title = s.Text(3);
      hit.lang = s.Text(4);
      hit.modified = s.Int(5);
      hit.created_by_ref = s.Text(6);
      hit.originator = static_cast<policy::PartyIndex>(s.Int(7));
      hits[s.Int(0)] = std::move(hit);
    }
    s.Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }

  // 4. Snippets for the page only, in one statement.
  auto snip = (*db)->Prepare(
      "SELECT rowid, snippet(search, -1, char(2), char(3), '…', 24) FROM search "
      "WHERE search MATCH ?1 AND rowid IN (SELECT value FROM json_each(?2))");
  if (!snip.ok()) return snip.status();
  Statement& sn = **snip;
  sn.Bind(1, match).Bind(2, page);
  std::map<std::int64_t, std::string> snippets;
  while (sn.Step(&status)) {
    std::string text = sn.Text(1);
    std::erase(text, sqlite::kNameMarker);
    snippets[sn.Int(0)] = std::move(text);
  }
  sn.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  for (const auto& r : ranked) {
    auto it = hits.find(r.rowid);
    if (it == hits.end()) continue;  // deleted between the statements of this read
    SearchHit hit = std::move(it->second);
    hit.score = r.score;
    hit.snippet = std::move(snippets[r.rowid]);
    result.hits.push_back(std::move(hit));
  }
  return result;
}

Status SqliteStore::ScanAudit(const std::function<bool(const AuditRecord&)>& fn) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit ORDER BY seq");
  if (!st.ok()) return st.status();
  Status status;
  while ((*st)->Step(&status)) {
    if (!fn(AuditRow(**st))) break;
  }
  (*st)->Reset();
  return status;
}

Result<std::vector<AuditSeal>> SqliteStore::Seals() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("SELECT seq, hash, signature, at FROM audit_seals ORDER BY seq");
  if (!st.ok()) return st.status();
  std::vector<AuditSeal> out;
  Status status;
  while ((*st)->Step(&status)) {
    Statement& s = **st;
    out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3)});
  }
  if (!status.ok()) return status;
  return out;
}

Result<std::int64_t> SqliteStore::CountVersions() {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare("SELECT COUNT(*) FROM versions");
  if (!st.ok()) return st.status();
  Status status;
  if (!(*st)->Step(&status)) return status.ok() ? Internal("count") : status;
  std::int64_t n = (*st)->Int(0);
  (*st)->Reset();
  return n;
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

// ---------------------------------------------------------------------------------------
// Analysis: entity keys and situation counts.

namespace {

// The situation's source rows of one object: its place and group keys and its type.
constexpr const char* kSituationSource =
    "SELECT key, at FROM entity_keys WHERE id = ?1 AND ((key >= 'gov:' AND key < 'gov;') OR "
    "(key >= 'grp:' AND key < 'grp;')) UNION ALL SELECT 'type:' || type, at FROM analysis "
    "WHERE id = ?1";

// The visibility class an object's source rows are counted under: per_row (RED or gated
// head: listed one by one, each row carrying every input of the rule: the head's red,
// recipients, federable and gates columns too), else the head's originator and party bitmask
// and the collection access of the object (the other head columns left at their defaults: a
// plain head's visibility does not depend on them).
struct SituationClass {
  bool per_row = false;
  std::int64_t originator = 0, parties = 0, in_shared = 0, private_parties = 0;
  std::int64_t red = 0, federable = 0;
  std::string recipients, gates;
  bool operator==(const SituationClass&) const = default;
};

// `sql` selects per_row, originator, parties, in_shared, private_parties, red, recipients,
// federable, gates.
Result<std::optional<SituationClass>> ReadSituationClass(Connection& db, std::string_view id,
                                                         const char* sql) {
  return QueryOne(
      db, sql,
      [](const Statement& s) {
        SituationClass c{s.Int(0) != 0, s.Int(1), s.Int(2), s.Int(3), s.Int(4)};
        if (c.per_row) {
          c.red = s.Int(5);
          c.recipients = s.Text(6);
          c.federable = s.Int(7);
          c.gates = s.Text(8);
        }
        return c;
      },
      id);
}

Micros SituationDay(Micros at) {
  return at - ((at % kSituationDay) + kSituationDay) % kSituationDay;
}

// Adds (+1) or removes (-1) the object's source rows under `c`.
Status MoveSituationRows(Connection& db, std::string_view id, const SituationClass& c, int sign) {
  if (c.per_row && sign < 0) {
    auto del = db.Prepare("DELETE FROM situation_rows WHERE id = ?1");
    if (!del.ok()) return del.status();
    (*del)->Bind(1, id);
    return (*del)->Run();
  }
  std::vector<std::pair<std::string, Micros>> rows;
  {
    auto src = db.Prepare(kSituationSource);
    if (!src.ok()) return src.status();
    (*src)->Bind(1, id);
    Status status;
    while ((*src)->Step(&status)) rows.emplace_back((*src)->Text(0), (*src)->Int(1));
    (*src)->Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }
  const char* sql =
      c.per_row ? "INSERT OR IGNORE INTO situation_rows(key, at, id, originator, parties, red, "
                  "recipients, federable, gates, in_shared, private_parties) VALUES(?1, ?2, ?3, "
                  "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
      : sign > 0
          ? "INSERT INTO situation_counts(key, day, originator, parties, in_shared, "
            "private_parties, n) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1) ON CONFLICT DO UPDATE SET "
            "n = n + 1"
          : "UPDATE situation_counts SET n = n - 1 WHERE key = ?1 AND day = ?2 AND "
            "originator = ?3 AND parties = ?4 AND in_shared = ?5 AND private_parties = ?6";
  for (const auto& [key, at] : rows) {
    auto st = db.Prepare(sql);
    if (!st.ok()) return st.status();
    Statement& s = **st;
    if (c.per_row) {
      s.Bind(1, key).Bind(2, at).Bind(3, id).Bind(4, c.originator).Bind(5, c.parties);
      s.Bind(6, c.red).Bind(7, c.recipients).Bind(8, c.federable).Bind(9, c.gates);
      s.Bind(10, c.in_shared).Bind(11, c.private_parties);
    } else {
      s.Bind(1, key).Bind(2, SituationDay(at)).Bind(3, c.originator).Bind(4, c.parties);
      s.Bind(5, c.in_shared).Bind(6, c.private_parties);
    }
    TANSIQ_RETURN_IF_ERROR(s.Run());
    if (!c.per_row && sign < 0) {
      auto gone = db.Prepare(
          "DELETE FROM situation_counts WHERE key = ?1 AND day = ?2 AND originator = ?3 AND "
          "parties = ?4 AND in_shared = ?5 AND private_parties = ?6 AND n <= 0");
      if (!gone.ok()) return gone.status();
      Statement& g = **gone;
      g.Bind(1, key).Bind(2, SituationDay(at)).Bind(3, c.originator).Bind(4, c.parties);
      g.Bind(5, c.in_shared).Bind(6, c.private_parties);
      TANSIQ_RETURN_IF_ERROR(g.Run());
    }
  }
  return Status::Ok();
}

constexpr const char* kSituationMember =
    "SELECT per_row, originator, parties, in_shared, private_parties, red, recipients, "
    "federable, gates FROM analysis_visibility WHERE id = ?1";

// The class the object's rows are counted under now: it needs an analysis, a head and a
// search row (what Situation's joins need); none: counted nowhere, posted to nobody.
constexpr const char* kSituationNow =
    "SELECT h.red != 0 OR h.gates != '', h.originator, h.parties, d.in_shared, "
    "d.private_parties, h.red, h.recipients, h.federable, h.gates FROM analysis a JOIN "
    "objects h ON h.id = a.id JOIN search_docs d ON d.id = a.id WHERE a.id = ?1";

// Binds the visibility columns of an entity_keys row (migration 9) from `first` on: per_row
// (-1 when the object has no class), originator, parties, red, recipients, federable, gates,
// in_shared, private_parties.
void BindKeyVisibility(Statement& s, int first, const std::optional<SituationClass>& c) {
  const SituationClass none;
  const SituationClass& v = c ? *c : none;
  s.Bind(first, c ? (v.per_row ? 1 : 0) : -1).Bind(first + 1, v.originator);
  s.Bind(first + 2, v.parties).Bind(first + 3, v.red).Bind(first + 4, v.recipients);
  s.Bind(first + 5, v.federable).Bind(first + 6, v.gates).Bind(first + 7, v.in_shared);
  s.Bind(first + 8, v.private_parties);
}

// Writes the class `c` into every entity_keys row of `id`, one single-row UPDATE per key (no
// statement journal, see RefreshSituation).
Status SetKeyVisibility(Connection& db, std::string_view id,
                        const std::optional<SituationClass>& c) {
  std::vector<std::pair<std::string, Micros>> keys;
  {
    auto st = db.Prepare("SELECT key, at FROM entity_keys WHERE id = ?1");
    if (!st.ok()) return st.status();
    (*st)->Bind(1, id);
    Status status;
    while ((*st)->Step(&status)) keys.emplace_back((*st)->Text(0), (*st)->Int(1));
    (*st)->Reset();
    TANSIQ_RETURN_IF_ERROR(status);
  }
  for (const auto& [key, at] : keys) {
    auto up = db.Prepare(
        "UPDATE entity_keys SET per_row = ?4, originator = ?5, parties = ?6, red = ?7, "
        "recipients = ?8, federable = ?9, gates = ?10, in_shared = ?11, private_parties = ?12 "
        "WHERE key = ?1 AND at = ?2 AND id = ?3");
    if (!up.ok()) return up.status();
    (*up)->Bind(1, key).Bind(2, at).Bind(3, id);
    BindKeyVisibility(**up, 4, c);
    TANSIQ_RETURN_IF_ERROR((*up)->Run());
  }
  return Status::Ok();
}

}  // namespace

Status SqliteWriteTxn::LeaveSituation(std::string_view id) {
  auto was = ReadSituationClass(db_, id, kSituationMember);
  if (!was.ok()) return was.status();
  if (!*was) return Status::Ok();
  TANSIQ_RETURN_IF_ERROR(MoveSituationRows(db_, id, **was, -1));
  auto del = db_.Prepare("DELETE FROM analysis_visibility WHERE id = ?1");
  if (!del.ok()) return del.status();
  (*del)->Bind(1, id);
  return (*del)->Run();
}

Status SqliteWriteTxn::RefreshSituation(std::string_view id, bool keys_current) {
  // Counted only with an analysis, a head and a search row (what Situation's joins need).
  auto now = ReadSituationClass(db_, id, kSituationNow);
  if (!now.ok()) return now.status();
  auto was = ReadSituationClass(db_, id, kSituationMember);
  if (!was.ok()) return was.status();
  if (*now == *was) return Status::Ok();
  TANSIQ_RETURN_IF_ERROR(LeaveSituation(id));
  if (!keys_current) TANSIQ_RETURN_IF_ERROR(SetKeyVisibility(db_, id, *now));
  if (!*now) return Status::Ok();
  TANSIQ_RETURN_IF_ERROR(MoveSituationRows(db_, id, **now, +1));
  auto ins = db_.Prepare(
      "INSERT INTO analysis_visibility(id, per_row, originator, parties, in_shared, "
      "private_parties, red, recipients, federable, gates) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, ?9, ?10)");
  if (!ins.ok()) return ins.status();
  const SituationClass& c = **now;
  (*ins)->Bind(1, id).Bind(2, c.per_row ? 1 : 0).Bind(3, c.originator).Bind(4, c.parties);
  (*ins)->Bind(5, c.in_shared).Bind(6, c.private_parties).Bind(7, c.red);
  (*ins)->Bind(8, c.recipients).Bind(9, c.federable).Bind(10, c.gates);
  return (*ins)->Run();
}

Status SqliteWriteTxn::PutAnalysis(const AnalysisRecord& r) {
  TANSIQ_RETURN_IF_ERROR(LeaveSituation(r.id));  // counted under its old keys until now
  for (const char* sql :
       {"DELETE FROM entity_keys WHERE id = ?1", "DELETE FROM analysis WHERE id = ?1"}) {
    auto del = db_.Prepare(sql);
    if (!del.ok()) return del.status();
    (*del)->Bind(1, r.id);
    TANSIQ_RETURN_IF_ERROR((*del)->Run());
  }
  auto ins =
      db_.Prepare("INSERT INTO analysis(id, type, name, at, added) VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!ins.ok()) return ins.status();
  (*ins)->Bind(1, r.id).Bind(2, r.type).Bind(3, r.name).Bind(4, r.at).Bind(5, Now());
  TANSIQ_RETURN_IF_ERROR((*ins)->Run());
  // Each key row carries the object's visibility class (migration 9), so Postings decides it
  // from the row itself.
  auto now = ReadSituationClass(db_, r.id, kSituationNow);
  if (!now.ok()) return now.status();
  auto key = db_.Prepare(
      "INSERT OR IGNORE INTO entity_keys(key, at, id, per_row, originator, parties, red, "
      "recipients, federable, gates, in_shared, private_parties) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, ?8, ?9, ?10, ?11, ?12)");
  if (!key.ok()) return key.status();
  for (const auto& k : r.keys) {
    (*key)->Reset();  // a statement run to completion must be reset before it is bound again
    (*key)->Bind(1, k).Bind(2, r.at).Bind(3, r.id);
    BindKeyVisibility(**key, 4, *now);
    TANSIQ_RETURN_IF_ERROR((*key)->Run());
  }
  return RefreshSituation(r.id, /*keys_current=*/true);
}

Result<std::optional<AnalysisRecord>> SqliteStore::Analysis(std::string_view id) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto rec = QueryOne(
      **db, "SELECT id, type, name, at, added FROM analysis WHERE id = ?1",
      [](const Statement& s) {
        return AnalysisRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4), {}};
      },
      id);
  if (!rec.ok() || !rec->has_value()) return rec;
  auto st = (*db)->Prepare("SELECT key FROM entity_keys WHERE id = ?1 ORDER BY key");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  Status status;
  while ((*st)->Step(&status)) (*rec)->keys.push_back((*st)->Text(0));
  TANSIQ_RETURN_IF_ERROR(status);
  return rec;
}

// The visibility clauses shared by the analysis reads over `objects h` and `search_docs d`:
// a collection the reader may access, then the rule's party clauses (exact unless red/gated).
constexpr const char* kAnalysisAccess =
    " AND (d.in_shared = 1 OR (d.private_parties & ?2) != 0)"
    " AND (h.originator = ?1 OR (h.red = 0 AND (h.parties & ?2) != 0) OR h.red = 1)";

Result<KeyPostings> SqliteStore::Postings(const policy::Reader& reader, std::string_view key,
                                          std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  // Rows stream newest first through the (key, at, id) primary key and stop as soon as
  // limit + 1 visible ones are found, or after kMaxPostingScan rows: every check (collection
  // access, the party clauses, policy::IsVisible) is done here so the scan is bounded. Each row
  // carries its object's visibility inputs (migration 9: the head's columns and the collection
  // access, kept equal to objects and search_docs in every write by PutAnalysis and
  // RefreshSituation), so the scan is one range read with no seek per row; only the gate
  // targets of gated objects are read, through the head cache.
  auto st = (*db)->Prepare(
      "SELECT id, per_row, originator, parties, red, recipients, federable, gates, in_shared, "
      "private_parties FROM entity_keys WHERE key = ?1 ORDER BY at DESC");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, key);
  const auto bit = static_cast<std::int64_t>(policy::Bit(reader.party));
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  KeyPostings out;
  Status status;
  std::size_t scanned = 0;
  while (s.Step(&status)) {
    const std::int64_t per_row = s.Int(1);
    if (per_row < 0) continue;          // no head or search row: nobody's
    if (++scanned > kMaxPostingScan) {  // a key on this many objects is common for anyone
      out.more = true;
      break;
    }
    if (s.Int(8) == 0 && (s.Int(9) & bit) == 0) continue;  // no accessible collection
    if (per_row == 0) {
      // Neither red nor gated: IsVisible reduces to CanRead on the head's originator and
      // party bitmask (no recipients, no gates).
      policy::Releasability rel;
      rel.originator = static_cast<policy::PartyIndex>(s.Int(2));
      rel.parties = static_cast<policy::PartyMask>(s.Int(3));
      if (!policy::CanRead(reader, rel)) continue;
    } else {
      // RED (CanRead: the originator or a named recipient) or gated (IsVisible: each gate
      // target read once per call through the cache), from the row's own head columns.
      policy::ObjectHead head = HeadColumns(s, 2);
      if (head.gate_refs.empty()) {
        if (!policy::CanRead(reader, head.releasability)) continue;
      } else {
        std::string id = s.Text(0);
        cache.Put(id, std::move(head));
        if (!policy::IsVisible(reader, id, lookup)) continue;
      }
    }
    if (out.ids.size() == limit) {
      out.more = true;
      break;
    }
    out.ids.push_back(s.Text(0));
  }
  s.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  return out;
}

Result<std::vector<AnalysisRecord>> SqliteStore::AnalysedBetween(const policy::Reader& reader,
                                                                 Micros from, Micros to,
                                                                 std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      std::string("SELECT a.id, a.type, a.name, a.at, a.added, h.originator, h.parties, h.red, "
                  "h.recipients, h.federable, h.gates FROM analysis a JOIN objects h ON h.id = "
                  "a.id JOIN search_docs d ON d.id = a.id WHERE a.added >= ?3 AND a.added < ?4") +
      kAnalysisAccess + " ORDER BY a.added DESC");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, reader.party).Bind(2, static_cast<std::int64_t>(policy::Bit(reader.party)));
  s.Bind(3, from).Bind(4, to);
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  std::vector<AnalysisRecord> out;
  Status status;
  while (out.size() < limit && s.Step(&status)) {
    std::string id = s.Text(0);
    cache.Put(id, HeadColumns(s, 5));
    if (!policy::IsVisible(reader, id, lookup)) continue;
    out.push_back({std::move(id), s.Text(1), s.Text(2), s.Int(3), s.Int(4), {}});
  }
  s.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  return out;
}

// A WITH clause naming the distinct keys of `table` in [lo, hi) as dims(k): a loose index
// scan, one index seek per key, so a query then reads each key's rows inside its window only.
std::string DistinctKeys(const char* table, const char* lo, const char* hi) {
  return std::string("WITH RECURSIVE dims(k) AS (SELECT (SELECT MIN(key) FROM ") + table +
         " WHERE key >= " + lo + " AND key < " + hi + ") UNION ALL SELECT (SELECT MIN(key) FROM " +
         table + " WHERE key > dims.k AND key < " + hi + ") FROM dims WHERE dims.k IS NOT NULL) ";
}

Result<SituationCounts> SqliteStore::Situation(const policy::Reader& reader,
                                               const SituationQuery& q) {
  if (q.bucket <= 0 || q.to <= q.from) return InvalidArgument("empty situation window");
  auto db = Acquire();
  if (!db.ok()) return db.status();
  using By = SituationQuery::By;
  const bool keyed = q.by == By::kPlace || q.by == By::kGroup;
  const char* lo = q.by == By::kPlace ? "'gov:'" : q.by == By::kGroup ? "'grp:'" : "'type:'";
  const char* hi = q.by == By::kPlace ? "'gov;'" : q.by == By::kGroup ? "'grp;'" : "'type;'";
  const auto bit = static_cast<std::int64_t>(policy::Bit(reader.party));
  // Whole days [from, agg_to) come from the pre-aggregated counts (migration 7) when every day
  // falls into one bucket (from and bucket whole days); the rest of the window, or all of it,
  // from the rows. Both count exactly the same rows (the triggers keep situation_counts and
  // situation_rows equal to a recount: RefreshSituation), which the conformance tests check.
  Micros agg_to = q.from;
  if (!q.per_row && q.from % kSituationDay == 0 && q.bucket % kSituationDay == 0) {
    agg_to = std::max(q.from, q.to - ((q.to % kSituationDay) + kSituationDay) % kSituationDay);
  }
  auto bind = [&](Statement& s, Micros rows_from, Micros rows_to) {
    s.Bind(1, reader.party).Bind(2, bit);
    s.Bind(3, q.from).Bind(4, rows_to).Bind(5, q.bucket).Bind(6, rows_from);
  };
  HeadCache cache(**db, reader);
  auto lookup = [&](std::string_view x) { return cache.Lookup(x); };
  using Add = std::function<void(const std::string&, Micros, std::int64_t)>;
  // Rows the party clauses decide exactly (not red, no gates) are counted by the GROUP BY
  // (third column NULL); red or gated rows come back one per object (third column its id, with
  // its head) and count only when policy::IsVisible says so.
  auto pass = [&](const std::string& prefix, const std::string& key_sql, const std::string& rows,
                  Micros rows_from, Micros rows_to, const Add& add) {
    auto st = (*db)->Prepare(
        prefix + "SELECT " + key_sql +
        ", (r.at - ?3) / ?5, CASE WHEN h.red = 0 AND h.gates = '' THEN NULL ELSE r.id END, "
        "COUNT(*), MAX(h.originator), MAX(h.parties), MAX(h.red), MAX(h.recipients), "
        "MAX(h.federable), MAX(h.gates) FROM " +
        rows + kAnalysisAccess + " GROUP BY 1, 2, 3");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, rows_from, rows_to);
    Status status;
    while (s.Step(&status)) {
      if (!s.IsNull(2)) {
        std::string id = s.Text(2);
        cache.Put(id, HeadColumns(s, 4));
        if (!policy::IsVisible(reader, id, lookup)) continue;
      }
      add(s.Text(0), q.from + s.Int(1) * q.bucket, s.Int(3));
    }
    s.Reset();
    return status;
  };
  // The pre-aggregated pass: one row per (key, bucket, class); a class is visible to the reader
  // or not as a whole, decided once by the rule (collection access, then policy::CanRead on a
  // head that is neither red nor gated), then the per-row table for red and gated objects.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>, bool> classes;
  auto class_visible = [&](const Statement& s, int col) {
    const auto key = std::make_tuple(s.Int(col), s.Int(col + 1), s.Int(col + 2), s.Int(col + 3));
    auto it = classes.find(key);
    if (it != classes.end()) return it->second;
    policy::Releasability rel;
    rel.originator = static_cast<policy::PartyIndex>(std::get<0>(key));
    rel.parties = static_cast<policy::PartyMask>(std::get<1>(key));
    const bool access = std::get<2>(key) != 0 || (std::get<3>(key) & bit) != 0;
    return classes[key] = access && policy::CanRead(reader, rel);
  };
  auto aggregated = [&](const char* key_lo, const char* key_hi, const std::string& key_sql,
                        std::size_t key_skip, const Add& add) -> Status {
    auto st = (*db)->Prepare(
        DistinctKeys("situation_counts", key_lo, key_hi) + "SELECT " + key_sql +
        ", (c.day - ?3) / ?5, c.originator, c.parties, c.in_shared, c.private_parties, SUM(c.n) "
        "FROM dims JOIN situation_counts c ON c.key = dims.k AND c.day >= ?3 AND c.day < ?4 "
        "GROUP BY 1, 2, 3, 4, 5, 6");
    if (!st.ok()) return st.status();
    Statement& s = **st;
    bind(s, q.from, agg_to);
    Status status;
    while (s.Step(&status)) {
      if (!class_visible(s, 2)) continue;
      add(s.Text(0), q.from + s.Int(1) * q.bucket, s.Int(6));
    }
    s.Reset();
    TANSIQ_RETURN_IF_ERROR(status);
    const std::string rows_key = key_sql == "CAST(c.originator AS TEXT)"
                                     ? "CAST(r.originator AS TEXT)"
                                     : "substr(r.key, " + std::to_string(key_skip) + ")";
    // The rows of RED or gated heads, one per (key, object), each decided by the rule from the
    // inputs the row carries (migration 8: the head's columns and the collection access, kept
    // equal to objects and search_docs by RefreshSituation), read in one range scan with no
    // seek per object: collection access, then policy::CanRead on the head (RED, no gates: the
    // originator or a named recipient) or policy::IsVisible (gates; each gate target is read
    // once per query through the cache).
    auto per_row = (*db)->Prepare(
        DistinctKeys("situation_rows", key_lo, key_hi) + "SELECT " + rows_key +
        ", (r.at - ?3) / ?5, r.id, r.originator, r.parties, r.red, r.recipients, r.federable, "
        "r.gates FROM dims JOIN situation_rows r ON r.key = dims.k AND r.at >= ?6 AND r.at < ?4 "
        "WHERE r.in_shared != 0 OR (r.private_parties & ?2) != 0");
    if (!per_row.ok()) return per_row.status();
    Statement& r = **per_row;
    bind(r, q.from, agg_to);
    while (r.Step(&status)) {
      policy::ObjectHead head = HeadColumns(r, 3);
      bool visible = false;
      if (head.gate_refs.empty()) {
        visible = policy::CanRead(reader, head.releasability);
      } else {
        std::string id = r.Text(2);
        cache.Put(id, std::move(head));
        visible = policy::IsVisible(reader, id, lookup);
      }
      if (visible) add(r.Text(0), q.from + r.Int(1) * q.bucket, 1);
    }
    r.Reset();
    return status;
  };
  // The row pass over [rows_from, q.to): entity_keys (place, group: a key range) or analysis
  // (type, party).
  auto rows = [&](Micros rows_from, const Add& add) {
    if (keyed) {
      return pass(DistinctKeys("entity_keys", lo, hi), "substr(r.key, 5)",
                  "dims JOIN entity_keys r ON r.key = dims.k AND r.at >= ?6 AND r.at < ?4 "
                  "JOIN objects h ON h.id = r.id JOIN search_docs d ON d.id = r.id WHERE 1",
                  rows_from, q.to, add);
    }
    return pass("", q.by == By::kType ? "r.type" : "CAST(h.originator AS TEXT)",
                "analysis r JOIN objects h ON h.id = r.id JOIN search_docs d ON d.id = r.id "
                "WHERE r.at >= ?6 AND r.at < ?4",
                rows_from, q.to, add);
  };
  std::map<std::pair<std::string, Micros>, std::int64_t> cells;
  const Add to_cells = [&](const std::string& k, Micros b, std::int64_t n) { cells[{k, b}] += n; };
  SituationCounts out;
  const Add to_total = [&](const std::string&, Micros, std::int64_t n) { out.total += n; };
  if (agg_to > q.from) {
    TANSIQ_RETURN_IF_ERROR(aggregated(lo, hi,
                                      q.by == By::kParty ? "CAST(c.originator AS TEXT)"
                                      : keyed            ? "substr(c.key, 5)"
                                                         : "substr(c.key, 6)",
                                      keyed ? 5 : 6, to_cells));
    // An object may have several places or groups: count objects over its one type row.
    if (keyed) TANSIQ_RETURN_IF_ERROR(aggregated("'type:'", "'type;'", "''", 6, to_total));
  }
  if (agg_to < q.to) {
    TANSIQ_RETURN_IF_ERROR(rows(agg_to, to_cells));
    if (keyed) {
      TANSIQ_RETURN_IF_ERROR(
          pass("", "''",
               "analysis r JOIN objects h ON h.id = r.id JOIN search_docs d ON d.id = "
               "r.id WHERE r.at >= ?6 AND r.at < ?4",
               agg_to, q.to, to_total));
    }
  }
  for (const auto& [k, n] : cells) out.cells.push_back({k.first, k.second, n});
  if (!keyed) {
    for (const auto& c : out.cells) out.total += c.count;  // one cell per object
  }
  return out;
}

Result<std::vector<Store::UnanalysedRow>> SqliteStore::Unanalysed(std::string_view skip_created_by,
                                                                  std::size_t limit) {
  auto db = Acquire();
  if (!db.ok()) return db.status();
  auto st = (*db)->Prepare(
      "SELECT v.seq, v.id, v.type, v.spec_version, v.version, v.date_added, v.refs, v.json, "
      "v.version_text, v.collection FROM objects h JOIN search_docs d ON d.id = h.id "
      "JOIN versions v ON v.id = h.id AND v.version = h.latest_version "
      "WHERE NOT EXISTS (SELECT 1 FROM analysis a WHERE a.id = h.id) "
      "AND h.type NOT IN ('relationship', 'sighting', 'marking-definition', "
      "'extension-definition', 'language-content') AND d.created_by_ref != ?1 "
      "GROUP BY h.id LIMIT ?2");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, skip_created_by).Bind(2, static_cast<std::int64_t>(limit));
  std::vector<UnanalysedRow> out;
  Status status;
  while (s.Step(&status)) {
    out.push_back({VersionRowAt(s), s.Text(9)});
  }
  s.Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  return out;
}
}  // namespace

Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options) {
  return SqliteStore::Open(options);
}

}  // namespace tansiq::store
