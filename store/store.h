// The Store interface: everything that touches persistent data goes through it, so the
// embedded SQLite backend and a PostgreSQL backend are interchangeable. No SQL and no
// backend type appears here. Visibility is decided inside the read queries (policy/).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "policy/policy.h"
#include "stix/search_text.h"

namespace tansiq::store {

struct Party {
  policy::PartyIndex index = 0;
  std::string code;         // short code [a-z0-9-], e.g. "iq"
  std::string name;         // any script
  std::string identity_id;  // the party's STIX identity
};

struct User {
  std::int64_t id = 0;
  std::string name;
  policy::PartyIndex party = 0;
  std::uint32_t roles = 0;
  bool disabled = false;
  std::string password_hash;  // libsodium crypto_pwhash_str (argon2id); empty: no password
  std::vector<std::string> alternates;  // user names to escalate to
  std::string lang;                     // preferred UI language ("ar", "en", ...)
};

struct Token {
  std::string hash;  // hex BLAKE2b-256 of the secret; the secret itself is never stored
  std::int64_t user_id = 0;
  std::string label;
  Micros created = 0;
  std::string id;              // public handle for listing and revoking: hash's first 16 hex
  std::string scope = "full";  // "full", "read" (no state change) or "metrics" (/metrics only)
  Micros expires = 0;          // 0: never
  Micros last_used = 0;        // 0: never; updated at most once a minute
};

struct Collection {
  std::string id;     // UUID, used in TAXII URLs
  std::string alias;  // "coalition" or "party-<code>"
  std::string title;
  std::string description;
  std::optional<policy::PartyIndex> owner;  // nullopt: shared by every party
};

// The governing state of one object: from its latest version across the hub.
struct ObjectHead {
  std::string id;
  std::string type;
  policy::Releasability releasability;
  std::vector<std::string> gate_refs;
  Micros latest_version = 0;
};

// One stored version, as read back.
struct VersionRow {
  std::int64_t seq = 0;  // storage order, unique hub-wide
  std::string id;
  std::string type;
  std::string spec_version;
  Micros version = 0;             // modified, else created, else date_added
  std::string version_text;       // the version timestamp as the object wrote it
  Micros date_added = 0;          // microseconds, strictly increasing hub-wide
  std::string json;               // compact JSON bytes as stored
  std::vector<std::string> refs;  // every identifier the version references
};

// A new version to store. The caller (hub/) has validated it and computed its
// releasability; `version` is nullopt for objects without created/modified.
struct NewVersion {
  std::string collection_id;
  std::string id;
  std::string type;
  std::string spec_version;
  std::optional<Micros> version;
  std::string version_text;  // as written in the object; empty when `version` is nullopt
  std::string json;
  std::vector<std::string> refs;
  std::vector<std::string> gate_refs;
  policy::Releasability releasability;
  // Searchable text, extracted by the caller off the writer thread; when absent the store
  // extracts it from `json` itself. Indexed in the same transaction when this version
  // becomes the object's latest.
  std::optional<stix::SearchText> search;
  // Backend work done ahead for `search` (Store::PrepareSearch), or nullptr.
  std::shared_ptr<const void> prepared_search;
  // Set for the hub's derived objects (analysis/derive.h): the source object they come from,
  // whose governing version `version` must be. The store withdraws them — deletes every
  // version and keeps a tombstone — in the transaction that makes another version of the
  // source govern (a new version, a recall, a redaction, a deleted latest version) or deletes
  // the source, so nothing derived from text or releasability that no longer governs stays.
  std::string derived_from;
};

struct PutOutcome {
  Micros date_added = 0;
  bool duplicate = false;  // the same id and version was already in the collection
  Micros version = 0;
};

// TAXII filters over a collection's versions (TAXII 2.1 section 3.4).
struct VersionFilter {
  enum class Which { kLast, kFirst, kAll, kListed };
  std::optional<Micros> added_after;
  std::vector<std::string> ids;            // match[id]
  std::vector<std::string> types;          // match[type]
  Which which = Which::kLast;              // match[version]
  std::vector<Micros> versions;            // with kListed
  bool also_first = false;                 // with kListed: the first version too
  bool also_last = false;                  // with kListed: the last version too
  std::vector<std::string> spec_versions;  // match[spec_version]; empty: any
};

// One way a search may match: the words as typed (analysed like documents), optionally only
// in name fields, or script-neutral name keys (text::PhoneticKey of each word, in order).
struct SearchTerm {
  std::string text;                    // empty when only name keys are given
  bool names_only = false;             // match name fields only (query syntax name:)
  std::vector<std::string> name_keys;  // each word's key; matched near each other
};

// Terms of which any may match (the user's OR, and expansions: name keys, aliases).
struct SearchClause {
  std::vector<SearchTerm> any;
};

// A full-text search: every clause of `all` matches and no clause of `none` does; the other
// fields filter. Built by hub/ from the user's query; backends compile it to their own
// query language. Results only count what the reader may see.
struct SearchQuery {
  std::vector<SearchClause> all;
  std::vector<SearchClause> none;
  std::vector<std::string> types;
  std::optional<Micros> since;  // modified >= since
  std::optional<Micros> until;  // modified <= until
  std::vector<policy::PartyIndex> originators;
  std::vector<std::string> langs;
  // Objects whose created_by_ref is one of these are left out (hits, totals, facets): the
  // hub's derived entities (analysis/derive.h), one per source document, would otherwise
  // stand above the documents they come from.
  std::vector<std::string> exclude_creators;
  std::size_t limit = 20;
  std::size_t offset = 0;
  // Bounds that keep a frequent word's cost flat in the corpus size (issue 3; the way
  // Elasticsearch bounds track_total_hits). Visible matches are counted, newest first, up to
  // total_bound: beyond it SearchResult::total_exact is false and total == total_bound.
  // While the visible matches are at most rank_window they are all ranked by BM25; beyond
  // it the order is tiered (see SearchResult). Both at least 1.
  std::size_t total_bound = kDefaultTotalBound;
  std::size_t rank_window = kDefaultRankWindow;
  static constexpr std::size_t kDefaultTotalBound = 1'000;
  static constexpr std::size_t kDefaultRankWindow = 500;
};

struct SearchHit {
  std::string id;
  std::string type;
  std::string title;
  std::string snippet;  // original text; matches between \x02 and \x03
  std::string created_by_ref;
  std::string lang;
  policy::PartyIndex originator = 0;
  Micros modified = 0;
  double score = 0;  // higher is better
};

// The order of hits: with at most rank_window visible matches, all of them by BM25 (score
// descending, then oldest first). With more: tier 1, the visible matches among the newest
// total_bound that have a query word in a name field (the newest rank_window of them), by
// BM25; then the other visible
// matches in windows of rank_window, newest window first, each window by BM25. Stable across
// pages while the index does not change.
struct SearchResult {
  // Visible matches counted, newest first, up to SearchQuery::total_bound; total_exact is
  // false when more exist (then total == total_bound).
  std::int64_t total = 0;
  bool total_exact = true;
  std::vector<SearchHit> hits;
  // facet name ("type", "party", "lang") → value → count, over the same visible matches that
  // `total` counts (every visible match when total_exact).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::int64_t>>>> facets;
};

// Position after which a page continues: the last row returned.
struct Cursor {
  Micros date_added = 0;
  std::int64_t seq = 0;
};

struct Page {
  std::vector<VersionRow> rows;
  bool more = false;
};

// Which versions of one object a DELETE removes.
struct DeleteSelector {
  VersionFilter::Which which = VersionFilter::Which::kAll;
  std::vector<Micros> versions;
  std::vector<std::string> spec_versions;
  bool also_first = false;
  bool also_last = false;
};

// A TAXII status resource, stored so GET /status/{id}/ answers after the POST returned.
struct StatusRecord {
  std::string id;
  std::int64_t owner_user = 0;
  Micros created = 0;
  std::string json;  // the full status resource
};

// One audit record. audit/ computes the hash chain; the store persists it verbatim.
struct AuditRecord {
  std::int64_t seq = 0;
  Micros at = 0;
  std::string actor;      // user name, or "-" for the hub itself
  std::string party;      // party code, or "-"
  std::string action;     // e.g. "object.write", "object.read", "user.add"
  std::string target;     // e.g. an object id or collection id
  std::string outcome;    // "ok", or an error summary
  std::string prev_hash;  // hex
  std::string hash;       // hex
};

// A signature over the audit chain head.
struct AuditSeal {
  std::int64_t seq = 0;
  std::string hash;       // hex, the chain hash of record `seq`
  std::string signature;  // hex Ed25519 signature over "seq:hash"
  Micros at = 0;
};

// A dissemination message as the store keeps it (issue 4): the message itself is also a
// STIX object version; this record is what delivery needs, fast. `json` is the message
// (subject, body, lang, object_refs, recipients, tlp, releasable_to, from) as sent.
struct MessageRecord {
  std::string id;
  int precedence = 3;  // 0 FLASH .. 3 ROUTINE
  std::int64_t sender_user_id = 0;
  Micros sent_at = 0;
  std::string json;
};

// One recipient's delivery of one message, every state change with its time (0: not yet).
// `detail` is JSON owned by dissemination (names, alternates, escalation history).
struct DeliveryRecord {
  std::string message_id;
  std::int64_t user_id = 0;
  int state = 0;  // 0 queued, 1 delivered, 2 read, 3 acknowledged
  Micros queued_at = 0;
  Micros delivered_at = 0;
  Micros read_at = 0;
  Micros acknowledged_at = 0;
  Micros escalated_at = 0;
  Micros deadline = 0;  // the pending acknowledgement deadline; 0: none
  int realerts = 0;
  std::string detail = "{}";
};

// A message with the reading user's delivery of it (inbox views).
struct MailboxEntry {
  MessageRecord message;
  DeliveryRecord delivery;
};

// A user's watch rule (issue 4): `json` is the rule as accepted.
struct WatchRecord {
  std::string id;
  std::int64_t user_id = 0;
  Micros created = 0;
  std::string json;
};

// A webhook (issue 4): where message frames of a user — or, with `party`, of every user of a
// party — are posted. `secret` is the HMAC key as hub/ seals it (opaque to the store).
struct WebhookRecord {
  std::string id;
  std::int64_t user_id = 0;                 // who registered it
  std::optional<policy::PartyIndex> party;  // set: a party webhook (registered by its admin)
  std::string url;                          // normalised (dissem::ParseWebhookUrl)
  std::string secret;
  Micros created = 0;
};

// One webhook post still to make (the durable outbox): the frame of message `message_id` as
// recipient `user_id` gets it, to webhook `webhook_id`. Deleted once posted or given up.
struct WebhookDelivery {
  std::string id;  // X-Tansiq-Delivery: the same on every attempt
  std::string webhook_id;
  std::int64_t user_id = 0;
  std::string message_id;
  int realert = 0;            // a re-alert's number; 0 for the first copy
  std::string escalated_for;  // an escalation copy: the principal's user name
  Micros queued_at = 0;
  int attempts = 0;    // failed attempts so far
  Micros next_at = 0;  // not before
};

// What correlation and the situation picture know of one analysed object (analysis/): its
// type and display name, when it happened, and its entity keys — "grp:isis", "nk:hfj",
// "place:iq-mosul", "gov:iq-gov-nineveh", "obs:ipv4-addr:198.51.100.7" (analysis/correlate.h).
// The prefixes of entity keys that more than analysis/ reads: the situation counts (by place
// through the governorate, by group) and the watch rules' groups.
inline constexpr std::string_view kGovKeyPrefix = "gov:";
inline constexpr std::string_view kGroupKeyPrefix = "grp:";

struct AnalysisRecord {
  std::string id;
  std::string type;
  std::string name;
  Micros at = 0;     // event time: published, first_seen, valid_from, created, else the version
  Micros added = 0;  // when the hub analysed it (set by the store)
  std::vector<std::string> keys;
};

// The objects carrying one entity key that a reader may see, most recent event first.
struct KeyPostings {
  std::vector<std::string> ids;  // at most the limit asked for
  // More visible objects carry the key than were returned, or the key is on more objects than
  // a read scans (Store::kMaxPostingScan): either way it is too common to link on.
  bool more = false;
};

// Counts over what a reader may see, for the situation picture.
struct SituationQuery {
  enum class By { kPlace, kGroup, kType, kParty };
  Micros from = 0;  // event time, inclusive
  Micros to = 0;    // exclusive
  Micros bucket = 86'400'000'000;
  By by = By::kPlace;
  // Count every row through the rule instead of the per-day pre-aggregation (used by tests
  // that prove both equal; the answer is the same, only slower).
  bool per_row = false;
};

// The granularity of the situation pre-aggregation: windows whose `from` and `bucket` are whole
// UTC days use it for their whole days.
inline constexpr Micros kSituationDay = 86'400'000'000;

struct SituationCell {
  std::string key;    // governorate id, group key, STIX type, or party index (decimal)
  Micros bucket = 0;  // start of the bucket
  std::int64_t count = 0;
};

struct SituationCounts {
  std::int64_t total = 0;            // distinct visible analysed objects in [from, to)
  std::vector<SituationCell> cells;  // ordered by key, then bucket
};

// Operations available to a write job. A WriteTxn exists only while the job runs, on the
// store's writer thread; it must not be kept or used from another thread.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;

  virtual Micros Now() = 0;
  virtual Result<std::optional<ObjectHead>> GetHead(std::string_view id) = 0;
  // The JSON of the latest version of `id`, if stored (used to resolve marking-definitions).
  virtual Result<std::optional<std::string>> GetLatestJson(std::string_view id) = 0;
  virtual Result<PutOutcome> PutVersion(const NewVersion& v) = 0;
  // Removes the selected versions of `id` from a collection; returns how many went. When no
  // version of `id` is left anywhere the hub keeps a tombstone: a head lookup for reading
  // (Store::IsVisible, HiddenAmong, gate targets) answers policy::ObjectHead::deleted, so
  // what is gated on it — derived objects, relationships, the hub's notices — stays hidden;
  // and the derived objects of `id` go with it.
  virtual Result<int> DeleteVersions(std::string_view collection_id, std::string_view id,
                                     const DeleteSelector& which) = 0;
  // The originating party of `id` if the hub deleted it and holds no version of it now
  // (a tombstone); only that party may store it again.
  virtual Result<std::optional<policy::PartyIndex>> DeletedBy(std::string_view id) = 0;

  virtual Status PutStatus(const StatusRecord& s) = 0;
  virtual Result<std::optional<AuditRecord>> LastAudit() = 0;
  virtual Status AppendAudit(const AuditRecord& r) = 0;
  virtual Status AppendSeal(const AuditSeal& s) = 0;

  virtual Result<policy::PartyIndex> AddParty(const Party& p) = 0;  // assigns the index
  virtual Result<std::int64_t> AddUser(const User& u) = 0;          // assigns the id
  virtual Status UpdateUser(const User& u) = 0;                     // by id
  // Only the preferred UI language, so it never overwrites a concurrent change of roles,
  // password or state. NotFound when the user does not exist.
  virtual Status SetUserLang(std::int64_t user_id, std::string_view lang) = 0;
  virtual Status AddToken(const Token& t) = 0;
  // Deletes the token with public id `id`: false when there is none.
  virtual Result<bool> DeleteToken(std::string_view id) = 0;
  // Records that the token `hash` authenticated a request at `at`.
  virtual Status TouchToken(std::string_view hash, Micros at) = 0;
  virtual Status AddCollection(const Collection& c) = 0;
  virtual Status PutMeta(std::string_view key, std::string_view value) = 0;
  // Sets `key` to `value` unless it holds `value` already: true when this call changed it.
  // A "done once" marker (e.g. the day a brief went out) claimed inside the transaction that
  // does the work, so two processes cannot both do it.
  virtual Result<bool> ClaimMeta(std::string_view key, std::string_view value) = 0;

  // Dissemination. PutMessage fails (kConflict) for a known id; PutDelivery inserts or
  // replaces the (message_id, user_id) row.
  virtual Status PutMessage(const MessageRecord& m) = 0;
  virtual Status PutDelivery(const DeliveryRecord& d) = 0;
  virtual Status PutWatch(const WatchRecord& w) = 0;
  // Deletes `user_id`'s watch `id`; false when the user has no such watch.
  virtual Result<bool> DeleteWatch(std::string_view id, std::int64_t user_id) = 0;

  // Webhooks. DeleteWebhook also drops the webhook's pending posts; false when no such id.
  virtual Status PutWebhook(const WebhookRecord& w) = 0;
  virtual Result<bool> DeleteWebhook(std::string_view id) = 0;
  // Inserts or replaces the outbox row `d.id`; DeleteWebhookDelivery is a no-op when absent.
  virtual Status PutWebhookDelivery(const WebhookDelivery& d) = 0;
  virtual Status DeleteWebhookDelivery(std::string_view id) = 0;

  // Replaces what is known of `r.id` for analysis (its keys included); `added` is set to Now().
  virtual Status PutAnalysis(const AnalysisRecord& r) = 0;
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

// Thread-safe: any thread may submit writes and run reads concurrently. Owned by whoever
// opened it (main, or a test); must outlive every caller. Destruction drains the queue.
class Store {
 public:
  virtual ~Store() = default;

  // Queues `job`; `done` runs after the job is durable or failed. Jobs run one at a time in
  // submission order, batched into shared commits (group commit).
  virtual void Submit(WriteJob job, WriteDone done) = 0;
  // Submit and wait: for the CLI and tests.
  Status Write(WriteJob job);

  // Analyses searchable text on the caller's thread, so the writer thread only stores it;
  // put the result in NewVersion::prepared_search. Optional: nullptr means "do it at write".
  virtual std::shared_ptr<const void> PrepareSearch(const stix::SearchText& text) {
    (void)text;
    return nullptr;
  }

  virtual Result<std::vector<Party>> Parties() = 0;
  virtual Result<std::vector<User>> Users() = 0;
  virtual Result<std::optional<User>> UserByName(std::string_view name) = 0;
  virtual Result<std::optional<User>> UserById(std::int64_t id) = 0;
  virtual Result<std::optional<Token>> TokenByHash(std::string_view hash) = 0;
  // Every API token (their hashes, never secrets), by user, then creation.
  virtual Result<std::vector<Token>> Tokens() = 0;
  virtual Result<std::vector<Collection>> Collections() = 0;
  virtual Result<std::optional<std::string>> Meta(std::string_view key) = 0;

  virtual Result<std::optional<ObjectHead>> Head(std::string_view id) = 0;

  // Versions of `collection_id` that pass `filter` and are visible to `reader`
  // (policy::IsVisible), ascending by date_added, after `after`, at most `limit`.
  virtual Result<Page> ListVersions(const policy::Reader& reader, std::string_view collection_id,
                                    const VersionFilter& filter, std::optional<Cursor> after,
                                    std::size_t limit) = 0;

  // policy::IsVisible with this store's heads.
  virtual bool IsVisible(const policy::Reader& reader, std::string_view id) = 0;
  // Of `ids`, those the hub holds that `reader` may not see (references to strip).
  virtual Result<std::vector<std::string>> HiddenAmong(const policy::Reader& reader,
                                                       const std::vector<std::string>& ids) = 0;

  virtual Result<std::optional<StatusRecord>> GetStatus(std::string_view id) = 0;

  // Full-text search over the latest version of every object the reader may see in a
  // collection they may access. InvalidArgument when `all` is empty.
  virtual Result<SearchResult> Search(const policy::Reader& reader, const SearchQuery& q) = 0;
  // Whether the latest version of object `id` matches the text clauses of `q` (all/none; the
  // filters and paging are ignored, and so is visibility: the caller decides that). Used to
  // match watch rules against a newly stored object.
  virtual Result<bool> MatchesSearch(const SearchQuery& q, std::string_view id) = 0;

  // Calls `fn` for every audit record in seq order until it returns false.
  virtual Status ScanAudit(const std::function<bool(const AuditRecord&)>& fn) = 0;
  virtual Result<std::vector<AuditSeal>> Seals() = 0;

  // A consistent online copy of the whole hub to `path` (which must not exist).
  virtual Status Backup(const std::string& path) = 0;

  // Dissemination reads.
  virtual Result<std::optional<MessageRecord>> GetMessage(std::string_view id) = 0;
  // Every recipient's delivery of message `id`, in queue order.
  virtual Result<std::vector<DeliveryRecord>> Deliveries(std::string_view message_id) = 0;
  // `user_id`'s deliveries with their messages, by precedence (FLASH first) then newest
  // first; `undelivered_only`: only those still queued (the durable queue, oldest first).
  virtual Result<std::vector<MailboxEntry>> Inbox(std::int64_t user_id, bool undelivered_only,
                                                  std::size_t limit, std::size_t offset) = 0;
  // Messages `user_id` sent, newest first.
  virtual Result<std::vector<MessageRecord>> Sent(std::int64_t user_id, std::size_t limit,
                                                  std::size_t offset) = 0;
  // Ids of messages with an acknowledgement deadline still pending (to resume after restart).
  virtual Result<std::vector<std::string>> MessagesWithDeadlines() = 0;
  // Watch rules of `user_id`, or of everyone when nullopt, oldest first.
  virtual Result<std::vector<WatchRecord>> Watches(std::optional<std::int64_t> user_id) = 0;

  // Every webhook, oldest first (hub/ caches them).
  virtual Result<std::vector<WebhookRecord>> Webhooks() = 0;
  // Pending webhook posts, soonest first, at most `limit`.
  virtual Result<std::vector<WebhookDelivery>> WebhookOutbox(std::size_t limit) = 0;

  // The write path's state (GET /metrics, /readyz).
  virtual StoreStats Stats() { return {}; }

  // Total stored versions (all collections), for status and benchmarks.
  virtual Result<std::int64_t> CountVersions() = 0;

  // --- Analysis (entity keys, situation counts). Every read is filtered by visibility inside
  // the query, like Search: collection access, party clauses, then policy::IsVisible.

  // Rows a Postings read examines at most per key before calling it common.
  static constexpr std::size_t kMaxPostingScan = 20'000;

  // What analysis recorded for `id`, whoever may see it (callers check visibility first).
  virtual Result<std::optional<AnalysisRecord>> Analysis(std::string_view id) = 0;
  // Objects with entity key `key` that `reader` may see, newest event first, at most `limit`.
  virtual Result<KeyPostings> Postings(const policy::Reader& reader, std::string_view key,
                                       std::size_t limit) = 0;
  // Analysed objects `reader` may see that the hub analysed in [from, to), newest first.
  virtual Result<std::vector<AnalysisRecord>> AnalysedBetween(const policy::Reader& reader,
                                                              Micros from, Micros to,
                                                              std::size_t limit) = 0;
  // Per-reader counts by event time bucket and dimension.
  virtual Result<SituationCounts> Situation(const policy::Reader& reader,
                                            const SituationQuery& q) = 0;
  // The correlator's backfill (objects stored while nothing analysed them), NOT a read path:
  // the latest version of objects without an analysis record, whoever may see them, except
  // relationships, sightings, marking and extension definitions and objects created by
  // `skip_created_by` (the hub's own). One row per object (one of its collections), at most
  // `limit`. Callers must never hand the rows to a user.
  struct UnanalysedRow {
    VersionRow version;
    std::string collection_id;
  };
  virtual Result<std::vector<UnanalysedRow>> Unanalysed(std::string_view skip_created_by,
                                                        std::size_t limit) = 0;
};

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
