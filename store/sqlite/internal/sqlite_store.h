// Private to the SQLite backend: the SqliteStore and SqliteWriteTxn classes, declared here so
// that their member functions can live in one file per role of the Store (directory.cc,
// objects.cc, statuses.cc, search.cc, audit.cc, mailbox.cc, webhooks.cc, analysis.cc; the
// writer and read pool in sqlite_store.cc), and the row helpers those files share.
#pragma once

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "base/mutex.h"
#include "base/thread_annotations.h"
#include "stix/search_text.h"
#include "stix/timestamp.h"
#include "store/internal/writer_figures.h"
#include "store/sqlite/db.h"
#include "store/sqlite/fts_tokenizer.h"
#include "store/sqlite/lineage.h"
#include "store/sqlite/mailbox.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/webhooks.h"
#include "store/store.h"
#include "text/analyzer.h"

namespace tansiq::store::internal {

using sqlite::Connection;
using sqlite::Statement;

std::string Join(const std::vector<std::string>& items);
std::vector<std::string> Split(std::string_view s);

// Reads the releasability columns starting at `col`: originator, parties, red, recipients,
// federable, gates.
policy::ObjectHead HeadColumns(const Statement& s, int col);

// Reads a version from columns 0-8: v.seq, v.id, v.type, v.spec_version, v.version,
// v.date_added, v.refs, v.json, v.version_text.
VersionRow VersionRowAt(const Statement& s);

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

constexpr const char* kHeadColumns = "originator, parties, red, recipients, federable, gates";

Result<std::optional<ObjectHead>> ReadHead(Connection& db, std::string_view id);

// Whether a collection `reader` may access (the shared one, or their own party's) holds a
// version of `id`: an object held only in another party's private collection is that party's
// alone, whatever its markings (hub::CanAccessCollection; ListVersions and Search see it so).
Result<bool> InAccessibleCollection(Connection& db, const policy::Reader& reader,
                                    std::string_view id);

// A policy::HeadLookup over one connection, memoised for the duration of one request.
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

  Micros Now() override;  // objects.cc

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

  // ObjectTxn (objects.cc).
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

  // Search (search.cc): the full-text index rebuilt from its stored text by today's tokenizer;
  // the number of documents it holds.
  Result<std::int64_t> RebuildSearchIndex();

  // StatusTxn (statuses.cc).
  Status PutStatus(const StatusRecord& s) override;

  // AuditTxn (audit.cc).
  Result<std::optional<AuditRecord>> LastAudit() override;
  Status AppendAudit(const AuditRecord& r) override;
  Status AppendSeal(const AuditSeal& s) override;

  // MailboxTxn (mailbox.cc).
  Status PutMessage(const MessageRecord& m) override { return sqlite::PutMessage(db_, m); }
  Status PutDelivery(const DeliveryRecord& d) override { return sqlite::PutDelivery(db_, d); }
  Status PutWatch(const WatchRecord& w) override { return sqlite::PutWatch(db_, w); }
  Result<bool> DeleteWatch(std::string_view id, std::int64_t user_id) override {
    return sqlite::DeleteWatch(db_, id, user_id);
  }

  // WebhookTxn (webhooks.cc).
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

  // AnalysisTxn (analysis.cc).
  Status PutAnalysis(const AnalysisRecord& r) override;

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

  // The write path and lifetime (sqlite_store.cc).
  void Submit(WriteJob job, WriteDone done) override;
  StoreStats Stats() override;
  Status Backup(const std::string& path) override;

  // DirectoryStore (directory.cc).
  Result<std::vector<Party>> Parties() override;
  Result<std::vector<User>> Users() override;
  Result<std::optional<User>> UserByName(std::string_view name) override;
  Result<std::optional<User>> UserById(std::int64_t id) override;
  Result<std::optional<Token>> TokenByHash(std::string_view hash) override;
  Result<std::vector<Token>> Tokens() override;
  Result<std::vector<Collection>> Collections() override;
  Result<std::optional<std::string>> Meta(std::string_view key) override;

  // ObjectStore (objects.cc).
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

  // SearchStore (search.cc).
  std::shared_ptr<const void> PrepareSearch(const stix::SearchText& text) override {
    auto values = std::make_shared<std::vector<sqlite::Pretokenized>>();
    for (std::string value : {std::string(1, sqlite::kNameMarker) + text.names, text.body}) {
      auto tokens = sqlite::AnalyzeForIndex(value);
      values->push_back({std::move(value), std::move(tokens)});
    }
    return values;
  }
  Result<SearchResult> Search(const policy::Reader& reader, const SearchQuery& q) override;
  Result<bool> MatchesSearch(const SearchQuery& q, std::string_view id) override;

  // AuditStore (audit.cc).
  Status ScanAudit(const std::function<bool(const AuditRecord&)>& fn) override;
  Result<std::vector<AuditSeal>> Seals() override;

  // MailboxStore (mailbox.cc).
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

  // WebhookStore (webhooks.cc).
  Result<std::vector<WebhookRecord>> Webhooks() override {
    return WithReader([&](Connection& db) { return sqlite::Webhooks(db); });
  }
  Result<std::vector<WebhookDelivery>> WebhookOutbox(std::size_t limit) override {
    return WithReader([&](Connection& db) { return sqlite::WebhookOutbox(db, limit); });
  }

  // AnalysisStore (analysis.cc).
  Result<std::optional<AnalysisRecord>> Analysis(std::string_view id) override;
  Result<KeyPostings> Postings(const policy::Reader& reader, std::string_view key,
                               std::size_t limit) override;
  Result<std::vector<AnalysisRecord>> AnalysedBetween(const policy::Reader& reader, Micros from,
                                                      Micros to, std::size_t limit) override;
  Result<SituationCounts> Situation(const policy::Reader& reader, const SituationQuery& q) override;
  Result<std::vector<UnanalysedRow>> Unanalysed(std::string_view skip_created_by,
                                                int analysis_version, std::string_view after_id,
                                                std::size_t limit) override;

  // Writer thread only.
  Micros NextDateAdded() {
    last_date_added_ = std::max(clock_->NowMicros(), last_date_added_ + 1);
    return last_date_added_;
  }
  const Clock& clock() const { return *clock_; }

 private:
  SqliteStore(const SqliteOptions& o) : options_(o), clock_(o.clock ? o.clock : &SystemClock()) {}

  // At open (search.cc): an index written under another sqlite::kIndexVersion is rebuilt
  // before anything else writes, and the version recorded.
  Status RebuildStaleIndex();

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

  Mutex mu_;
  CondVar cv_;  // with mu_: a job queued, or stopping
  std::deque<Pending> queue_ TANSIQ_GUARDED_BY(mu_);
  bool stopping_ TANSIQ_GUARDED_BY(mu_) = false;
  WriterFigures figures_ TANSIQ_GUARDED_BY(mu_);  // its commits wake the checkpointer
  int schema_version_ = 0;                        // set at Open
  CondVar checkpoint_cv_;                         // with mu_: a commit, or stopping
  // Held around every checkpoint of this process (the checkpointer's PASSIVE and TRUNCATE, the
  // writer's RESTART), which SQLite would otherwise refuse at once while another runs. It
  // guards no member: what it orders is SQLite's checkpoint lock; never taken with mu_ held.
  Mutex checkpoint_mu_;
  std::thread writer_thread_;
  std::thread checkpoint_thread_;

  Mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> pool_ TANSIQ_GUARDED_BY(pool_mu_);
};

}  // namespace tansiq::store::internal
