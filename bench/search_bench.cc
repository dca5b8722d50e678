// search_bench: indexes generated multilingual reports (ar/fa/ru/en) into a Tansiq store and a
// plain FTS5 unicode61 table in the same run, then times queries on both; prints a table and
// writes JSON. bench/search_run installs the word lists, builds and calls this.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "base/mutex.h"
#include "bench/report.h"
#include "bench/search_corpus.h"
#include "store/sqlite/fts_tokenizer.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"

namespace tansiq::bench {
namespace {
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::uint64_t reports = 1'000'000;
  std::size_t batch = 1000;
  std::size_t prepare_threads = 1;
  std::size_t queries = 1000;
  std::size_t warmup = 20;
  std::size_t limit = 20;
  std::uint64_t seed = 1;
  std::size_t vocabulary = 30000;
  std::string dict_ar = "/usr/share/hunspell/ar.dic";
  std::string dict_fa = "/usr/share/hunspell/fa_IR.dic";
  std::string dict_ru = "/usr/share/hunspell/ru_RU.dic";
  std::string dict_en = "/usr/share/dict/american-english";
  std::string data_dir = "data";
  std::string workdir = "/tmp";
  std::string json_path = "bench/results/search-latest.json";
  std::string git_commit = "unknown";
  bool explain = true;
  bool tokenizer_baseline = true;
  // Store::Search bounds (store::SearchQuery); `unbounded` also times every query with no
  // bound (every visible match counted and ranked: the pre-bound behaviour) in the same run.
  std::size_t total_bound = store::SearchQuery::kDefaultTotalBound;
  std::size_t rank_window = store::SearchQuery::kDefaultRankWindow;
  bool unbounded = false;
  std::string also_bounds;  // "T:W,T:W": further bound pairs timed on the same queries
  double goal_p99_ms = 10;
  double goal_index_rate = 20000;
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU seconds used by this process so far (all threads: the store's writer included). On a
// machine shared with other work, CPU time is the steadier measure of cost; wall time is what a
// user waits.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
// CPU seconds used by the calling thread so far.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// ---------------------------------------------------------------------------------------------
// Plain SQLite helpers (baseline, sizes, and the decomposition of Search's query)

struct Sqlite {
  sqlite3* db = nullptr;
  ~Sqlite() {
    if (db) sqlite3_close_v2(db);
  }
  void Open(const std::string& path, bool read_only) {
    int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) Fail("open " + path);
  }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error("sqlite: " + msg + " in " + sql);
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) Fail(sql);
    return st;
  }
  [[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error("sqlite: " + std::string(db ? sqlite3_errmsg(db) : "?") + " (" + what +
                             ")");
  }
};

struct Stmt {
  sqlite3_stmt* st = nullptr;
  explicit Stmt(sqlite3_stmt* s) : st(s) {}
  ~Stmt() { sqlite3_finalize(st); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
};

// Rows produced by a statement, stepping to the end; the first column of the first row in
// `first` when asked.
std::int64_t StepAll(sqlite3* db, sqlite3_stmt* st, std::int64_t* first = nullptr) {
  std::int64_t rows = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (rows++ == 0 && first) *first = sqlite3_column_int64(st, 0);
  }
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
  sqlite3_reset(st);
  return rows;
}

std::uint64_t FileBytes(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Bytes per table/index from dbstat, when this SQLite has it.
json::object TableBytes(const std::string& path) {
  json::object out;
  try {
    Sqlite s;
    s.Open(path, true);
    Stmt st(s.Prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"));
    while (sqlite3_step(st.st) == SQLITE_ROW) {
      out[reinterpret_cast<const char*>(sqlite3_column_text(st.st, 0))] =
          sqlite3_column_int64(st.st, 1);
    }
  } catch (const std::exception&) {
  }
  return out;
}

// FTS5 string literal, as the store quotes terms.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// ---------------------------------------------------------------------------------------------
// Queries

struct Query {
  std::string kind;
  Lang lang = kEn;
  std::vector<std::string> terms;  // ANDed; a phrase is one term with spaces
};

constexpr const char* kKinds[] = {"1-term", "2-term", "3-term", "phrase"};

Lang DrawLang(std::mt19937_64& rng) {
  double x = std::uniform_real_distribution<double>(0, 1)(rng);
  int l = 0;
  while (l < kLangs - 1 && x >= kLangWeight[l]) x -= kLangWeight[l++];
  return static_cast<Lang>(l);
}

std::vector<Query> MakeQueries(const std::string& kind, std::size_t count, const Vocabulary* vocab,
                               const Generator& gen, std::uint64_t reports, std::uint64_t seed) {
  std::mt19937_64 rng(SplitMix(seed ^ std::hash<std::string>{}(kind)));
  std::vector<Query> out;
  for (std::size_t i = 0; i < count; ++i) {
    Query q;
    q.kind = kind;
    if (kind == "phrase") {
      // 2 or 3 consecutive words of a stored report.
      Report r = gen.Make(std::uniform_int_distribution<std::uint64_t>(0, reports - 1)(rng));
      q.lang = r.lang;
      const std::size_t len = std::uniform_int_distribution<int>(2, 3)(rng);
      const std::size_t at =
          std::uniform_int_distribution<std::size_t>(0, r.tokens.size() - len)(rng);
      std::string phrase;
      for (std::size_t k = 0; k < len; ++k) phrase += (k ? " " : "") + r.tokens[at + k];
      q.terms.push_back(phrase);
    } else {
      q.lang = DrawLang(rng);
      const int n = kind[0] - '0';
      while (static_cast<int>(q.terms.size()) < n) {
        std::string w = vocab[q.lang].Draw(rng);
        if (std::find(q.terms.begin(), q.terms.end(), w) == q.terms.end()) q.terms.push_back(w);
      }
    }
    out.push_back(std::move(q));
  }
  return out;
}

store::SearchQuery ToStoreQuery(const Query& q, const Options& opt) {
  store::SearchQuery sq;
  for (const auto& t : q.terms) sq.all.push_back({{store::SearchTerm{t, false, {}}}});
  sq.limit = opt.limit;
  sq.total_bound = opt.total_bound;
  sq.rank_window = opt.rank_window;
  return sq;
}

// No bound: larger than any corpus.
constexpr std::size_t kUnbounded = std::size_t{1} << 40;

std::string ToFtsMatch(const Query& q) {
  std::string m;
  for (const auto& t : q.terms) m += (m.empty() ? "" : " AND ") + Quote(t);
  return m;
}

struct KindResult {
  std::vector<double> tansiq_ms, base_ms, base_page_ms;
  std::vector<double> tansiq_cpu_ms, base_cpu_ms;
  std::vector<std::int64_t> tansiq_total, base_total;
  std::int64_t tansiq_errors = 0;
  std::int64_t tansiq_gte = 0;  // queries whose total stopped at the bound
  std::vector<double> unbounded_ms, unbounded_cpu_ms;
  std::vector<std::int64_t> unbounded_total;
};

std::int64_t Median(std::vector<std::int64_t> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

double Mean(const std::vector<std::int64_t>& v) {
  double s = 0;
  for (auto x : v) s += static_cast<double>(x);
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

json::object Summary(const std::vector<double>& ms, const std::vector<std::int64_t>& totals) {
  json::object o = LatencySummary::Of(ms).ToJson();
  o["total_median"] = Median(totals);
  o["total_mean"] = Mean(totals);
  o["total_max"] = totals.empty() ? 0 : *std::max_element(totals.begin(), totals.end());
  return o;
}

// ---------------------------------------------------------------------------------------------

int Run(const Options& opt) {
  const std::string tansiq_db = opt.workdir + "/tansiq.db";
  const std::string base_db = opt.workdir + "/fts5-unicode61.db";
  const std::string tok_db = opt.workdir + "/fts5-tansiq-tokenizer.db";
  std::filesystem::create_directories(opt.workdir);
  for (const auto& p : {tansiq_db, base_db, tok_db}) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  }

  // Corpus sources.
  const std::string dicts[kLangs] = {opt.dict_ar, opt.dict_fa, opt.dict_ru, opt.dict_en};
  Vocabulary vocab[kLangs];
  for (int l = 0; l < kLangs; ++l) {
    vocab[l] = MakeVocabulary(LoadWords(static_cast<Lang>(l), dicts[l]), opt.vocabulary,
                              SplitMix(opt.seed + l));
  }
  const Names names = LoadNames(opt.data_dir);
  const Generator gen(vocab, &names, opt.seed);
  std::printf("word lists: ar %zu, fa %zu, ru %zu, en %zu usable words; %zu-word vocabulary each\n",
              vocab[kAr].dictionary_size, vocab[kFa].dictionary_size, vocab[kRu].dictionary_size,
              vocab[kEn].dictionary_size, vocab[kEn].words.size());

  // Tansiq store: 3 parties, one shared collection (as the conformance suite sets it up).
  std::unique_ptr<store::Store> st;
  {
    auto s = store::OpenSqlite({.path = tansiq_db});
    if (!s.ok()) throw std::runtime_error("OpenSqlite: " + s.status().message());
    st = std::move(*s);
  }
  constexpr int kParties = 3;
  policy::PartyMask all_parties = 0;
  for (int p = 0; p < kParties; ++p) all_parties |= policy::Bit(p);
  Status setup = st->Write([](store::WriteTxn& t) -> Status {
    for (const char* code : {"a", "b", "c"}) {
      auto p = t.AddParty({0, code, code, std::string("identity--") + code});
      if (!p.ok()) return p.status();
    }
    return t.AddCollection({"c1", "coalition", "Coalition", "", std::nullopt});
  });
  if (!setup.ok()) throw std::runtime_error("setup: " + setup.message());

  // Baseline: same durability as the store (WAL, synchronous=FULL), one transaction per batch.
  Sqlite base;
  base.Open(base_db, false);
  base.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;");
  base.Exec("CREATE VIRTUAL TABLE t USING fts5(names, body)");  // default: unicode61
  Stmt base_insert(base.Prepare("INSERT INTO t(rowid, names, body) VALUES(?1, ?2, ?3)"));
  // Isolates the tokenizer: FTS5 with the store's tokenizer and columns, nothing else.
  Sqlite tok;
  std::optional<Stmt> tok_insert;
  if (opt.tokenizer_baseline) {
    tok.Open(tok_db, false);
    Status reg = store::sqlite::RegisterTokenizer(tok.db);
    if (!reg.ok()) throw std::runtime_error("RegisterTokenizer: " + reg.message());
    tok.Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;");
    tok.Exec("CREATE VIRTUAL TABLE search USING fts5(names, body, tokenize = 'tansiq')");
    tok_insert.emplace(tok.Prepare("INSERT INTO search(rowid, names, body) VALUES(?1, ?2, ?3)"));
  }

  // Indexing: per batch, generate (untimed), Tansiq PutVersion job (timed), baseline (timed).
  // With --prepare-threads P > 0 the store is fed as hub/ingest feeds it: each report's text is
  // analysed off the writer thread (Store::PrepareSearch, P threads) while the writer stores
  // the batch before it — a two-stage pipeline; the timed span of a batch is the write of batch
  // k and the analysis of batch k + 1 together. P = 0: the writer analyses (no pipeline).
  std::uint64_t raw_bytes = 0, words = 0;
  std::uint64_t by_lang[kLangs] = {};
  double tansiq_s = 0, base_s = 0, tok_s = 0, gen_s = 0;
  double tansiq_cpu = 0, base_cpu = 0, tok_cpu = 0;
  std::uint64_t index_tokens = 0;  // tokens the tokenizer-only index was fed (pre-analysed)
  const auto start = Clock::now();
  auto last_progress = start;
  constexpr Micros kEpoch = 1'735'689'600'000'000;  // 2025-01-01
  auto make_batch = [&](std::uint64_t first) {
    const std::uint64_t end = std::min<std::uint64_t>(opt.reports, first + opt.batch);
    std::vector<store::NewVersion> batch;
    batch.reserve(end - first);
    for (std::uint64_t i = first; i < end; ++i) {
      Report r = gen.Make(i);
      raw_bytes += r.title.size() + r.body.size();
      words += r.tokens.size();
      ++by_lang[r.lang];
      store::NewVersion v;
      v.collection_id = "c1";
      v.id = ReportId(i);
      v.type = "report";
      v.spec_version = "2.1";
      v.version = kEpoch + static_cast<Micros>(i) * 1000;
      v.version_text = std::to_string(*v.version);
      const int originator = static_cast<int>(i % kParties);
      json::object o{{"type", "report"},
                     {"spec_version", "2.1"},
                     {"id", v.id},
                     {"name", r.title},
                     {"description", r.body},
                     {"lang", kLangCode[r.lang]},
                     {"report_types", json::array{"threat-report"}},
                     {"created_by_ref", std::string("identity--") + "abc"[originator]}};
      v.json = json::serialize(o);
      v.releasability = {.originator = originator, .parties = all_parties, .federable = true};
      v.search = stix::SearchText{r.title, r.names, r.body, kLangCode[r.lang],
                                  std::string("identity--") + "abc"[originator]};
      batch.push_back(std::move(v));
    }
    return batch;
  };
  // Store::PrepareSearch for every report of `batch`, on opt.prepare_threads threads; their
  // CPU seconds add up in analysis_cpu (the rest of tansiq_cpu is the writer's).
  Mutex analysis_mu;
  double analysis_cpu = 0;
  auto prepare = [&](std::vector<store::NewVersion>& batch) {
    std::vector<std::thread> threads;
    const std::size_t n = opt.prepare_threads;
    for (std::size_t t = 0; t < n; ++t) {
      threads.emplace_back([&, t] {
        const double c0 = ThreadCpuSeconds();
        for (std::size_t i = t; i < batch.size(); i += n)
          batch[i].prepared_search = st->PrepareSearch(*batch[i].search);
        const double used = ThreadCpuSeconds() - c0;
        MutexLock lock(analysis_mu);
        analysis_cpu += used;
      });
    }
    for (auto& th : threads) th.join();
  };
  std::vector<store::NewVersion> batch = make_batch(0);
  {
    const auto t0 = Clock::now();
    const double c0 = CpuSeconds();
    prepare(batch);
    tansiq_s += Seconds(Clock::now() - t0);
    tansiq_cpu += CpuSeconds() - c0;
  }
  for (std::uint64_t first = 0; first < opt.reports; first += opt.batch) {
    const std::uint64_t end = std::min<std::uint64_t>(opt.reports, first + opt.batch);
    const auto g0 = Clock::now();
    std::vector<store::NewVersion> next;
    if (end < opt.reports) next = make_batch(end);
    const auto t0 = Clock::now();
    const double c0 = CpuSeconds();
    gen_s += Seconds(t0 - g0);
    std::thread analysis;
    if (opt.prepare_threads > 0 && !next.empty()) analysis = std::thread([&] { prepare(next); });
    Status w = st->Write([&](store::WriteTxn& t) -> Status {
      for (const auto& v : batch) {
        auto r = t.PutVersion(v);
        if (!r.ok()) return r.status();
      }
      return Status::Ok();
    });
    if (analysis.joinable()) analysis.join();
    if (!w.ok()) throw std::runtime_error("PutVersion: " + w.message());
    const auto t1 = Clock::now();
    const double c1 = CpuSeconds();
    tansiq_s += Seconds(t1 - t0);
    tansiq_cpu += c1 - c0;
    base.Exec("BEGIN");
    for (std::uint64_t i = first; i < end; ++i) {
      const auto& s = *batch[i - first].search;
      sqlite3_bind_int64(base_insert.st, 1, static_cast<sqlite3_int64>(i + 1));
      sqlite3_bind_text(base_insert.st, 2, s.names.data(), static_cast<int>(s.names.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(base_insert.st, 3, s.body.data(), static_cast<int>(s.body.size()),
                        SQLITE_STATIC);
      if (sqlite3_step(base_insert.st) != SQLITE_DONE) base.Fail("baseline insert");
      sqlite3_reset(base_insert.st);
    }
    base.Exec("COMMIT");
    auto t2 = Clock::now();
    const double c2 = CpuSeconds();
    base_s += Seconds(t2 - t1);
    base_cpu += c2 - c1;
    if (tok_insert) {
      tok.Exec("BEGIN");
      std::string names_column;
      for (std::uint64_t i = first; i < end; ++i) {
        const auto& s = *batch[i - first].search;
        names_column = std::string(1, store::sqlite::kNameMarker) + s.names;  // as the store does
        sqlite3_bind_int64(tok_insert->st, 1, static_cast<sqlite3_int64>(i + 1));
        sqlite3_bind_text(tok_insert->st, 2, names_column.data(),
                          static_cast<int>(names_column.size()), SQLITE_STATIC);
        sqlite3_bind_text(tok_insert->st, 3, s.body.data(), static_cast<int>(s.body.size()),
                          SQLITE_STATIC);
        const auto* tokens = static_cast<const std::vector<store::sqlite::Pretokenized>*>(
            batch[i - first].prepared_search.get());
        if (tokens != nullptr) {
          for (const auto& value : *tokens) index_tokens += value.tokens.size();
        }
        store::sqlite::UsePretokenized(tokens);
        if (sqlite3_step(tok_insert->st) != SQLITE_DONE) tok.Fail("tokenizer baseline insert");
        store::sqlite::UsePretokenized(nullptr);
        sqlite3_reset(tok_insert->st);
      }
      tok.Exec("COMMIT");
      const auto t3 = Clock::now();
      tok_s += Seconds(t3 - t2);
      tok_cpu += CpuSeconds() - c2;
      t2 = t3;
    }
    if (Seconds(t2 - last_progress) >= 10 || end == opt.reports) {
      last_progress = t2;
      std::fprintf(stderr,
                   "  indexed %llu/%llu  tansiq %.0f/s  fts5 %.0f/s  fts5+tansiq tokenizer %.0f/s  "
                   "(generation %.0f s, wall %.0f s)\n",
                   static_cast<unsigned long long>(end),
                   static_cast<unsigned long long>(opt.reports), end / tansiq_s, end / base_s,
                   tok_s > 0 ? end / tok_s : 0.0, gen_s, Seconds(t2 - start));
    }
    batch = std::move(next);
  }
  const double n = static_cast<double>(opt.reports);

  // Sizes after checkpoint (the store checkpoints (TRUNCATE) when closed).
  st.reset();
  base.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::uint64_t tok_bytes = 0;
  if (tok_insert) {
    tok_insert.reset();
    tok.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    tok_bytes = FileBytes(tok_db) + FileBytes(tok_db + "-wal");
    sqlite3_close_v2(tok.db);
    tok.db = nullptr;
    std::filesystem::remove(tok_db);  // only its rate and size are of interest
  }
  const std::uint64_t tansiq_bytes = FileBytes(tansiq_db) + FileBytes(tansiq_db + "-wal");
  const std::uint64_t base_bytes = FileBytes(base_db) + FileBytes(base_db + "-wal");
  json::object tansiq_tables = TableBytes(tansiq_db);
  json::object base_tables = TableBytes(base_db);
  auto sum_prefix = [](const json::object& t, std::string_view prefix,
                       std::string_view not_prefix) {
    std::int64_t sum = 0;
    for (const auto& [k, v] : t) {
      std::string_view key(k.data(), k.size());
      if (key.starts_with(prefix) && (not_prefix.empty() || !key.starts_with(not_prefix)))
        sum += v.as_int64();
    }
    return sum;
  };
  const std::int64_t tansiq_fts_bytes = sum_prefix(tansiq_tables, "search", "search_docs");
  const std::int64_t base_fts_bytes = sum_prefix(base_tables, "t", "");

  // The reopen finds an index of an older analysis version, as after an upgrade that analyses
  // text differently: the start-up rebuild (SqliteStore::RebuildStaleIndex) is timed here,
  // beside this run's indexing of the same reports.
  double rebuild_s = 0;
  {
    st.reset();
    {
      Sqlite raw;
      raw.Open(tansiq_db, false);
      raw.Exec("INSERT OR REPLACE INTO meta(key, value) VALUES('search.index_version', '1')");
    }
    const auto t0 = Clock::now();
    auto s = store::OpenSqlite({.path = tansiq_db, .create = false});
    rebuild_s = Seconds(Clock::now() - t0);
    if (!s.ok()) throw std::runtime_error("reopen: " + s.status().message());
    st = std::move(*s);
  }
  const policy::Reader reader{1, "bench", 0, policy::kOfficer};

  // Query latency.
  Stmt base_page(base.Prepare("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT ?2"));
  Stmt base_count(base.Prepare("SELECT count(*) FROM t WHERE t MATCH ?1"));
  std::map<std::string, KindResult> results;
  // CPU ms of every Tansiq query and its visible matches (all of them with --unbounded).
  std::vector<std::pair<double, std::int64_t>> latency_vs_total;
  std::map<std::string, std::vector<Query>> queries_of;
  for (const char* kind : kKinds) {
    std::fprintf(stderr, "  querying %s\n", kind);
    auto queries = MakeQueries(kind, opt.queries + opt.warmup, vocab, gen, opt.reports, opt.seed);
    queries_of[kind] = queries;
    KindResult& kr = results[kind];
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const bool timed = i >= opt.warmup;
      const auto sq = ToStoreQuery(queries[i], opt);
      if (opt.unbounded) {  // first, so the bounded query below is not favoured by the cache
        auto uq = sq;
        uq.total_bound = uq.rank_window = kUnbounded;
        const auto u0 = Clock::now();
        const double uc0 = CpuSeconds();
        auto ur = st->Search(reader, uq);
        const auto u1 = Clock::now();
        const double uc1 = CpuSeconds();
        if (timed && ur.ok()) {
          kr.unbounded_ms.push_back(Ms(u1 - u0));
          kr.unbounded_cpu_ms.push_back((uc1 - uc0) * 1e3);
          kr.unbounded_total.push_back(ur->total);
        }
      }
      const auto t0 = Clock::now();
      const double c0 = CpuSeconds();
      auto r = st->Search(reader, sq);
      const auto t1 = Clock::now();
      const double c1 = CpuSeconds();
      const std::string match = ToFtsMatch(queries[i]);
      sqlite3_bind_text(base_page.st, 1, match.data(), static_cast<int>(match.size()),
                        SQLITE_STATIC);
      sqlite3_bind_int64(base_page.st, 2, static_cast<sqlite3_int64>(opt.limit));
      const auto t2 = Clock::now();
      const double c2 = CpuSeconds();
      StepAll(base.db, base_page.st);
      const auto t3 = Clock::now();
      sqlite3_bind_text(base_count.st, 1, match.data(), static_cast<int>(match.size()),
                        SQLITE_STATIC);
      std::int64_t count = 0;
      StepAll(base.db, base_count.st, &count);
      const auto t4 = Clock::now();
      const double c4 = CpuSeconds();
      if (!timed) continue;
      if (!r.ok()) {
        ++kr.tansiq_errors;
        continue;
      }
      kr.tansiq_ms.push_back(Ms(t1 - t0));
      kr.tansiq_cpu_ms.push_back((c1 - c0) * 1e3);
      kr.base_cpu_ms.push_back((c4 - c2) * 1e3);
      kr.tansiq_total.push_back(r->total);
      if (!r->total_exact) ++kr.tansiq_gte;
      // By the true number of visible matches when the unbounded run counted them.
      latency_vs_total.emplace_back((c1 - c0) * 1e3, opt.unbounded && !kr.unbounded_total.empty()
                                                         ? kr.unbounded_total.back()
                                                         : r->total);
      kr.base_page_ms.push_back(Ms(t3 - t2));
      kr.base_ms.push_back(Ms(t4 - t2));
      kr.base_total.push_back(count);
    }
  }

  // Further bound pairs on the same queries (CPU ms p50 / p99 per kind).
  std::vector<std::vector<std::string>> also_rows = {{"total_bound:rank_window", "1-term cpu p50",
                                                      "p99", "2-term", "p99", "3-term", "p99",
                                                      "phrase", "p99"}};
  json::array also_json;
  {
    std::stringstream pairs(opt.also_bounds);
    std::string pair;
    while (std::getline(pairs, pair, ',')) {
      const auto colon = pair.find(':');
      if (colon == std::string::npos) continue;
      Options o = opt;
      o.total_bound = std::stoull(pair.substr(0, colon));
      o.rank_window = std::stoull(pair.substr(colon + 1));
      std::vector<std::string> row = {pair};
      json::object j{{"total_bound", o.total_bound}, {"rank_window", o.rank_window}};
      for (const char* kind : kKinds) {
        std::fprintf(stderr, "  querying %s with bounds %s\n", kind, pair.c_str());
        std::vector<double> cpu;
        const auto& queries = queries_of[kind];
        for (std::size_t i = 0; i < queries.size(); ++i) {
          const double c0 = CpuSeconds();
          auto r = st->Search(reader, ToStoreQuery(queries[i], o));
          const double c1 = CpuSeconds();
          if (i >= opt.warmup && r.ok()) cpu.push_back((c1 - c0) * 1e3);
        }
        auto s = LatencySummary::Of(cpu);
        row.push_back(Fixed(s.p50_ms, 2));
        row.push_back(Fixed(s.p99_ms, 2));
        j[kind] = s.ToJson();
      }
      also_rows.push_back(std::move(row));
      also_json.push_back(std::move(j));
    }
  }

  // Why frequent terms are slow: Search latency by number of visible matches.
  const std::vector<std::int64_t> edges = {0, 10, 100, 1000, 10000, 100000};
  std::vector<std::vector<std::string>> bucket_rows = {
      {"matches", "queries", "cpu p50 ms", "cpu p99 ms", "cpu mean ms", "us/match"}};
  json::array buckets;
  for (std::size_t b = 0; b < edges.size(); ++b) {
    const std::int64_t lo = edges[b];
    const std::int64_t hi = b + 1 < edges.size() ? edges[b + 1] : INT64_MAX;
    std::vector<double> ms;
    double matches = 0;
    for (const auto& [m, t] : latency_vs_total) {
      if (t >= lo && t < hi) {
        ms.push_back(m);
        matches += static_cast<double>(t);
      }
    }
    if (ms.empty()) continue;
    auto s = LatencySummary::Of(ms);
    const double us_per =
        matches > 0 ? s.mean_ms * 1000 * static_cast<double>(ms.size()) / matches : 0;
    const std::string label =
        std::to_string(lo) + (hi == INT64_MAX ? "+" : ".." + std::to_string(hi - 1));
    bucket_rows.push_back({label, std::to_string(ms.size()), Fixed(s.p50_ms, 2), Fixed(s.p99_ms, 2),
                           Fixed(s.mean_ms, 2), Fixed(us_per, 2)});
    json::object o = s.ToJson();
    o["matches_from"] = lo;
    o["matches_to"] = hi == INT64_MAX ? json::value(nullptr) : json::value(hi - 1);
    o["us_per_match"] = us_per;
    buckets.push_back(std::move(o));
  }

  // Decomposition for single words at spread-out frequency ranks: the parts of Search's
  // pass 1 run alone on a second connection to the same database (with the tansiq tokenizer).
  json::array decomposition;
  std::vector<std::vector<std::string>> decomp_rows = {
      {"rank", "matches", "Search", "fts count", "fts top20", "totals+facets", "page top20",
       "20 snippets", "base count", "base top20", "word"}};
  if (opt.explain) {
    Sqlite raw;
    raw.Open(tansiq_db, true);
    Status reg = store::sqlite::RegisterTokenizer(raw.db);
    if (!reg.ok()) throw std::runtime_error("RegisterTokenizer: " + reg.message());
    // Search's statements (store/sqlite/search.cc), verbatim for a reader who sees
    // every row: totals/facets by GROUP BY, the page by bm25, the page's snippets.
    const std::string where =
        " FROM search JOIN search_docs d ON d.rowid = search.rowid WHERE search MATCH ?1 "
        "AND (d.in_shared = 1 OR (d.private_parties & ?2) != 0)";
    Stmt no_order(raw.Prepare(
        "SELECT d.per_row, CASE WHEN d.per_row THEN d.rowid END, d.type, d.originator, d.lang, "
        "count(*)" +
        where + " AND (d.per_row = 1 OR (d.originator = ?3 OR (d.parties & ?2) != 0)) " +
        "GROUP BY 1, 2, 3, 4, 5"));
    Stmt full(raw.Prepare("SELECT d.rowid, -bm25(search, 4.0, 1.0), d.per_row" + where +
                          " AND d.per_row = 0 AND (d.originator = ?3 OR (d.parties & ?2) != 0)"
                          " ORDER BY 2 DESC, 1 LIMIT " +
                          std::to_string(opt.limit)));
    Stmt fts_count(raw.Prepare("SELECT count(*) FROM search WHERE search MATCH ?1"));
    Stmt fts_top(raw.Prepare(
        "SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY bm25(search, 4.0, 1.0) LIMIT 20"));
    auto median_ms = [](auto&& fn) {
      std::vector<double> ms;
      for (int k = 0; k < 5; ++k) {
        const auto t0 = Clock::now();
        fn();
        ms.push_back(Ms(Clock::now() - t0));
      }
      std::sort(ms.begin(), ms.end());
      return ms[2];
    };
    for (std::size_t rank : {0, 3, 10, 100, 1000, 10000}) {
      for (int l = 0; l < kLangs; ++l) {
        if (rank >= vocab[l].words.size()) continue;
        const std::string& word = vocab[l].words[rank];
        const std::string match = Quote(word);
        Query q{"1-term", static_cast<Lang>(l), {word}};
        std::int64_t total = 0, fts_n = 0, base_n = 0;
        const double search_ms =
            median_ms([&] { total = st->Search(reader, ToStoreQuery(q, opt))->total; });
        auto bind = [&](sqlite3_stmt* s) {
          sqlite3_bind_text(s, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
        };
        auto bind_pass1 = [&](sqlite3_stmt* s) {
          bind(s);
          sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(policy::Bit(reader.party)));
          sqlite3_bind_int64(s, 3, reader.party);
        };
        bind(fts_count.st);
        const double count_ms = median_ms([&] { StepAll(raw.db, fts_count.st, &fts_n); });
        bind(fts_top.st);
        const double top_ms = median_ms([&] { StepAll(raw.db, fts_top.st); });
        bind_pass1(no_order.st);
        const double no_order_ms = median_ms([&] { StepAll(raw.db, no_order.st); });
        bind_pass1(full.st);
        const double full_ms = median_ms([&] { StepAll(raw.db, full.st); });
        std::vector<std::int64_t> page;  // the page's rowids, as Search ranks them
        while (sqlite3_step(full.st) == SQLITE_ROW)
          page.push_back(sqlite3_column_int64(full.st, 0));
        sqlite3_reset(full.st);
        std::string in;
        for (std::int64_t r : page) in += (in.empty() ? "" : ",") + std::to_string(r);
        double snippet_ms = 0;
        if (!in.empty()) {
          Stmt snippet(raw.Prepare(
              "SELECT rowid, snippet(search, -1, char(2), char(3), '…', 24) FROM search "
              "WHERE search MATCH ?1 AND rowid IN (" +
              in + ")"));
          snippet_ms = median_ms([&] {
            bind(snippet.st);
            StepAll(raw.db, snippet.st);
          });
        }
        const std::string bmatch = ToFtsMatch(q);
        sqlite3_bind_text(base_count.st, 1, bmatch.data(), static_cast<int>(bmatch.size()),
                          SQLITE_TRANSIENT);
        const double bcount_ms = median_ms([&] { StepAll(base.db, base_count.st, &base_n); });
        sqlite3_bind_text(base_page.st, 1, bmatch.data(), static_cast<int>(bmatch.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_int64(base_page.st, 2, 20);
        const double btop_ms = median_ms([&] { StepAll(base.db, base_page.st); });
        decomp_rows.push_back({std::to_string(rank), WithThousands(static_cast<double>(fts_n)),
                               Fixed(search_ms, 2), Fixed(count_ms, 2), Fixed(top_ms, 2),
                               Fixed(no_order_ms, 2), Fixed(full_ms, 2), Fixed(snippet_ms, 2),
                               Fixed(bcount_ms, 2), Fixed(btop_ms, 2),
                               std::string(kLangCode[l]) + ":" + word});
        decomposition.push_back(json::object{{"lang", kLangCode[l]},
                                             {"word", word},
                                             {"rank", rank},
                                             {"word_probability", vocab[l].Probability(rank)},
                                             {"search_total", total},
                                             {"fts_matches", fts_n},
                                             {"baseline_matches", base_n},
                                             {"search_ms", search_ms},
                                             {"fts_count_ms", count_ms},
                                             {"fts_top20_bm25_ms", top_ms},
                                             {"totals_facets_ms", no_order_ms},
                                             {"page_top_ms", full_ms},
                                             {"snippets_page_ms", snippet_ms},
                                             {"page_hits", page.size()},
                                             {"baseline_count_ms", bcount_ms},
                                             {"baseline_top20_ms", btop_ms}});
      }
    }
  }

  // Report.
  const double tansiq_rate = n / tansiq_s, base_rate = n / base_s;
  const double tok_rate = tok_s > 0 ? n / tok_s : 0;
  const double tansiq_cpu_rate = n / tansiq_cpu, base_cpu_rate = n / base_cpu;
  const double tok_cpu_rate = tok_cpu > 0 ? n / tok_cpu : 0;
  std::printf("\n%s reports, %s words, %s bytes of raw text (title + body); seed %llu\n",
              WithThousands(n).c_str(), WithThousands(static_cast<double>(words)).c_str(),
              WithThousands(static_cast<double>(raw_bytes)).c_str(),
              static_cast<unsigned long long>(opt.seed));
  PrintTable(
      "Indexing (batches of " + std::to_string(opt.batch) + ", WAL, synchronous=FULL)",
      {{"index", "reports/s", "s", "per CPU s", "db bytes", "bytes/report", "x raw", "FTS bytes"},
       {opt.prepare_threads > 0 ? "tansiq (PrepareSearch + PutVersion)"
                                : "tansiq (Store::PutVersion)",
        WithThousands(tansiq_rate), Fixed(tansiq_s, 1), WithThousands(tansiq_cpu_rate),
        WithThousands(static_cast<double>(tansiq_bytes)),
        WithThousands(static_cast<double>(tansiq_bytes) / n),
        Fixed(static_cast<double>(tansiq_bytes) / static_cast<double>(raw_bytes), 2),
        WithThousands(static_cast<double>(tansiq_fts_bytes))},
       {"fts5 unicode61 (baseline)", WithThousands(base_rate), Fixed(base_s, 1),
        WithThousands(base_cpu_rate), WithThousands(static_cast<double>(base_bytes)),
        WithThousands(static_cast<double>(base_bytes) / n),
        Fixed(static_cast<double>(base_bytes) / static_cast<double>(raw_bytes), 2),
        WithThousands(static_cast<double>(base_fts_bytes))},
       {"fts5 + tansiq tokenizer (no store)", WithThousands(tok_rate), Fixed(tok_s, 1),
        WithThousands(tok_cpu_rate), WithThousands(static_cast<double>(tok_bytes)),
        WithThousands(static_cast<double>(tok_bytes) / n),
        Fixed(static_cast<double>(tok_bytes) / static_cast<double>(raw_bytes), 2),
        WithThousands(static_cast<double>(tok_bytes))}});
  std::printf(
      "index rebuild at open (an older analysis version): %s reports/s (%.1f s), "
      "%.2fx the indexing rate\n",
      WithThousands(n / rebuild_s).c_str(), rebuild_s, (n / rebuild_s) / tansiq_rate);
  std::string fts_alone;
  if (tok_cpu > 0 && opt.prepare_threads > 0) {
    fts_alone = "; FTS5 alone with Tansiq's tokens " + Fixed(tok_cpu / n * 1e6, 0) + " us for " +
                Fixed(static_cast<double>(index_tokens) / n, 0) + " tokens (" +
                Fixed(static_cast<double>(words) / n, 0) + " words)";
  }
  std::printf(
      "tansiq CPU per report: %.0f us analysis (PrepareSearch, off the writer) + %.0f us "
      "writer (PutVersion: FTS5, version, head, search_docs)%s\n",
      analysis_cpu / n * 1e6, (tansiq_cpu - analysis_cpu) / n * 1e6, fts_alone.c_str());
  std::vector<std::vector<std::string>> qrows = {
      {"query", "n", "tansiq p50", "p99", "cpu p50", "cpu p99", "matches med", "fts5 p50", "p99",
       "cpu p50", "cpu p99", "(top20 p99)", "matches med"}};
  json::object queries_json;
  std::vector<std::vector<std::string>> urows = {{"query", "unbounded p50", "p99", "cpu p50",
                                                  "cpu p99", "matches med", "bounded p50", "p99",
                                                  "cpu p50", "cpu p99", "gte queries"}};
  double worst_p99 = 0;
  for (const char* kind : kKinds) {
    const KindResult& kr = results[kind];
    auto t = LatencySummary::Of(kr.tansiq_ms);
    auto b = LatencySummary::Of(kr.base_ms);
    auto bp = LatencySummary::Of(kr.base_page_ms);
    worst_p99 = std::max(worst_p99, t.p99_ms);
    auto tc = LatencySummary::Of(kr.tansiq_cpu_ms);
    auto bc = LatencySummary::Of(kr.base_cpu_ms);
    qrows.push_back(
        {kind, std::to_string(t.count), Fixed(t.p50_ms, 2), Fixed(t.p99_ms, 2), Fixed(tc.p50_ms, 2),
         Fixed(tc.p99_ms, 2), WithThousands(static_cast<double>(Median(kr.tansiq_total))),
         Fixed(b.p50_ms, 2), Fixed(b.p99_ms, 2), Fixed(bc.p50_ms, 2), Fixed(bc.p99_ms, 2),
         Fixed(bp.p99_ms, 2), WithThousands(static_cast<double>(Median(kr.base_total)))});
    json::object base_o = Summary(kr.base_ms, kr.base_total);
    base_o["top20_only"] = LatencySummary::Of(kr.base_page_ms).ToJson();
    base_o["cpu"] = bc.ToJson();
    json::object tansiq_o = Summary(kr.tansiq_ms, kr.tansiq_total);
    tansiq_o["errors"] = kr.tansiq_errors;
    tansiq_o["total_gte_queries"] = kr.tansiq_gte;
    if (opt.unbounded) {
      json::object u = Summary(kr.unbounded_ms, kr.unbounded_total);
      u["cpu"] = LatencySummary::Of(kr.unbounded_cpu_ms).ToJson();
      tansiq_o["unbounded"] = std::move(u);
      auto uw = LatencySummary::Of(kr.unbounded_ms);
      auto uc = LatencySummary::Of(kr.unbounded_cpu_ms);
      urows.push_back({kind, Fixed(uw.p50_ms, 2), Fixed(uw.p99_ms, 2), Fixed(uc.p50_ms, 2),
                       Fixed(uc.p99_ms, 2),
                       WithThousands(static_cast<double>(Median(kr.unbounded_total))),
                       Fixed(t.p50_ms, 2), Fixed(t.p99_ms, 2), Fixed(tc.p50_ms, 2),
                       Fixed(tc.p99_ms, 2), std::to_string(kr.tansiq_gte)});
    }
    tansiq_o["cpu"] = tc.ToJson();
    queries_json[kind] =
        json::object{{"tansiq", std::move(tansiq_o)}, {"baseline", std::move(base_o)}};
  }
  PrintTable(
      "Query latency ms (limit " + std::to_string(opt.limit) +
          "; tansiq = Store::Search, total+facets+snippets; fts5 = top-20 by rank + count(*))",
      qrows);
  if (opt.unbounded) {
    PrintTable("Store::Search unbounded (every match counted and ranked) vs bounded (total_bound " +
                   std::to_string(opt.total_bound) + ", rank_window " +
                   std::to_string(opt.rank_window) + "), same queries, ms",
               urows);
  }
  if (also_rows.size() > 1) {
    PrintTable("Store::Search CPU ms by bounds (same queries)", also_rows);
  }
  PrintTable(std::string("Store::Search (bounded) CPU ms by visible matches (all kinds; ") +
                 (opt.unbounded ? "all matches, counted by the unbounded run)"
                                : "matches up to the total bound)"),
             bucket_rows);
  if (opt.explain) {
    PrintTable(
        "Single-word decomposition, median of 5, wall ms (Search = the bounded Store::Search; "
        "then the unbounded design's statements alone: totals+facets = GROUP BY pass over every "
        "match, page top20 = bm25 over every match, 20 snippets = the page's snippet statement)",
        decomp_rows);
  }
  std::vector<Goal> goals = {
      {"query p99 (worst kind)", "<= " + Fixed(opt.goal_p99_ms, 0) + " ms at 1M", worst_p99, "ms",
       worst_p99 <= opt.goal_p99_ms, "measured at " + WithThousands(n) + " reports"},
      {"indexing rate", ">= " + WithThousands(opt.goal_index_rate) + " reports/s", tansiq_rate,
       "reports/s", tansiq_rate >= opt.goal_index_rate,
       "measured at " + WithThousands(n) + " reports"}};
  std::vector<std::vector<std::string>> grows = {{"goal", "target", "measured", "", "note"}};
  for (const auto& g : goals) {
    grows.push_back(
        {g.name, g.target, Fixed(g.measured, 2) + " " + g.unit, g.pass ? "PASS" : "MISS", g.note});
  }
  const json::array goals_json = GoalsJson(goals);
  PrintTable("Goals (issue 3; informative)", grows);

  if (!opt.json_path.empty()) {
    json::object lang_counts;
    for (int l = 0; l < kLangs; ++l) lang_counts[kLangCode[l]] = by_lang[l];
    json::object doc{
        {"benchmark", "search"},
        {"machine", MachineInfo::Probe().ToJson()},
        {"git_commit", opt.git_commit},
        {"sqlite_version", sqlite3_libversion()},
        {"config",
         {{"reports", opt.reports},
          {"batch", opt.batch},
          {"prepare_threads", opt.prepare_threads},
          {"queries_per_kind", opt.queries},
          {"warmup_per_kind", opt.warmup},
          {"limit", opt.limit},
          {"seed", opt.seed},
          {"total_bound", opt.total_bound},
          {"also_bounds", also_json},
          {"rank_window", opt.rank_window},
          {"vocabulary_per_language", opt.vocabulary},
          {"dictionaries", {opt.dict_ar, opt.dict_fa, opt.dict_ru, opt.dict_en}},
          {"dictionary_words",
           {{"ar", vocab[kAr].dictionary_size},
            {"fa", vocab[kFa].dictionary_size},
            {"ru", vocab[kRu].dictionary_size},
            {"en", vocab[kEn].dictionary_size}}}}},
        {"corpus",
         {{"reports", opt.reports},
          {"words", words},
          {"raw_text_bytes", raw_bytes},
          {"by_lang", lang_counts},
          {"generation_seconds", gen_s}}},
        {"tansiq",
         {{"index",
           {{"seconds", tansiq_s},
            {"reports_per_s", tansiq_rate},
            {"cpu_seconds", tansiq_cpu},
            {"reports_per_cpu_s", tansiq_cpu_rate},
            {"analysis_cpu_us_per_report", analysis_cpu / n * 1e6},
            {"writer_cpu_us_per_report", (tansiq_cpu - analysis_cpu) / n * 1e6},
            {"tokens_per_report", static_cast<double>(index_tokens) / n},
            {"db_bytes", tansiq_bytes},
            {"fts_bytes", tansiq_fts_bytes},
            {"db_bytes_vs_raw", static_cast<double>(tansiq_bytes) / static_cast<double>(raw_bytes)},
            {"tables", tansiq_tables}}},
          {"rebuild_at_open", {{"seconds", rebuild_s}, {"reports_per_s", n / rebuild_s}}}}},
        {"baseline",
         {{"index",
           {{"seconds", base_s},
            {"reports_per_s", base_rate},
            {"cpu_seconds", base_cpu},
            {"reports_per_cpu_s", base_cpu_rate},
            {"db_bytes", base_bytes},
            {"fts_bytes", base_fts_bytes},
            {"db_bytes_vs_raw", static_cast<double>(base_bytes) / static_cast<double>(raw_bytes)},
            {"tables", base_tables}}}}},
        {"tokenizer_baseline",
         {{"index",
           {{"enabled", opt.tokenizer_baseline},
            {"seconds", tok_s},
            {"reports_per_s", tok_rate},
            {"cpu_seconds", tok_cpu},
            {"reports_per_cpu_s", tok_cpu_rate},
            {"db_bytes", tok_bytes}}}}},
        {"queries", queries_json},
        {"search_latency_by_matches", buckets},
        {"decomposition", decomposition},
        {"ratios",
         {{"index_rate_tansiq_vs_baseline", tansiq_rate / base_rate},
          {"index_cpu_rate_tansiq_vs_baseline", tansiq_cpu_rate / base_cpu_rate},
          {"index_rate_tokenizer_only_vs_baseline", tok_rate / base_rate},
          {"rebuild_rate_vs_index_rate", (n / rebuild_s) / tansiq_rate},
          {"db_bytes_tansiq_vs_baseline",
           static_cast<double>(tansiq_bytes) / static_cast<double>(base_bytes)}}},
        {"goals", goals_json}};
    std::filesystem::path p(opt.json_path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    std::ofstream out(opt.json_path);
    out << json::serialize(doc) << "\n";
    if (!out) throw std::runtime_error("cannot write " + opt.json_path);
    std::printf("wrote %s\n", opt.json_path.c_str());
  }
  std::int64_t errors = 0;
  for (const auto& [k, kr] : results) errors += kr.tansiq_errors;
  return errors ? 1 : 0;
}

}  // namespace
}  // namespace tansiq::bench

int main(int argc, char** argv) {
  tansiq::bench::Options opt;
  CLI::App app{"search_bench: Tansiq full-text indexing and query latency beside plain FTS5"};
  app.add_option("-n,--reports", opt.reports, "reports to generate and index")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}));
  app.add_option("--batch", opt.batch, "reports per write job / baseline transaction")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  app.add_option("--prepare-threads", opt.prepare_threads,
                 "threads analysing the next batch while the writer stores one (as hub/ingest "
                 "does; 0: the writer analyses)");
  app.add_option("--queries", opt.queries, "timed queries per kind (1/2/3 terms, phrase)");
  app.add_option("--warmup", opt.warmup, "untimed queries per kind before the timed ones");
  app.add_option("--limit", opt.limit, "hits per page");
  app.add_option("--seed", opt.seed, "corpus and query seed");
  app.add_option("--vocabulary", opt.vocabulary, "words per language (Zipf ranks)");
  app.add_option("--dict-ar", opt.dict_ar);
  app.add_option("--dict-fa", opt.dict_fa);
  app.add_option("--dict-ru", opt.dict_ru);
  app.add_option("--dict-en", opt.dict_en);
  app.add_option("--data-dir", opt.data_dir, "the repository's data/ (gazetteer, aliases)");
  app.add_option("--workdir", opt.workdir, "where the two databases are created");
  app.add_option("--json", opt.json_path, "JSON output ('' to skip)");
  app.add_option("--git-commit", opt.git_commit);
  app.add_flag("!--no-explain", opt.explain, "skip the single-word decomposition");
  app.add_flag("!--no-tokenizer-baseline", opt.tokenizer_baseline,
               "skip the third index (FTS5 with the tansiq tokenizer, no store)");
  app.add_option("--total-bound", opt.total_bound, "Store::Search total bound")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40));
  app.add_option("--rank-window", opt.rank_window, "Store::Search rank window")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40));
  app.add_option("--also-bounds", opt.also_bounds,
                 "more total_bound:rank_window pairs to time on the same queries (T:W,T:W)");
  app.add_flag("--unbounded", opt.unbounded,
               "also time every query unbounded (every match counted and ranked)");
  app.add_option("--goal-p99-ms", opt.goal_p99_ms);
  app.add_option("--goal-index-rate", opt.goal_index_rate);
  CLI11_PARSE(app, argc, argv);
  try {
    return tansiq::bench::Run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "search_bench: %s\n", e.what());
    return 2;
  }
}
