// analysis_bench (issue 5): correlation cost per new object, index size against data size, and
// situation-query latency over generated multilingual reports in a Tansiq store, beside a
// same-run baseline (MISP-style exact-value correlation table; the same GROUP BY without the
// visibility rule). Prints a table and writes JSON. bench/analysis_run builds and calls it.
#include <sqlite3.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "analysis/correlate.h"
#include "bench/report.h"
#include "stix/search_text.h"
#include "stix/timestamp.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"

namespace tansiq::bench {
namespace {
namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

double Us(SteadyClock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
double Ms(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// CPU time of the calling thread (the store writer thread inside a job, the bench thread else),
// in microseconds: the machine is shared, so wall time alone says little.
double CpuUs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}
double ThreadCpuUs() { return CpuUs(CLOCK_THREAD_CPUTIME_ID); }

constexpr Micros kDay = 86'400'000'000;
constexpr Micros kT0 = 1'735'689'600'000'000;  // 2025-01-01

struct Options {
  std::uint64_t objects = 100'000;
  std::size_t batch = 1000;
  std::size_t samples = 2000;
  std::size_t queries = 300;
  std::uint64_t seed = 1;
  std::string data_dir = "data";
  std::string workdir = "/tmp";
  std::string json_path = "bench/results/analysis-latest.json";
  std::string git_commit = "unknown";
  std::string keep_dir;      // generate into (or reuse the corpus in) this directory; never removed
  std::string reuse_dir;     // like keep_dir, but fail rather than generate
  std::size_t fresh = 1000;  // new objects written at N (rolled back) for the per-object cost
};

// The corpus description kept beside a kept database (corpus.json): what was generated and
// what generating it cost, so a reusing run can report it.
constexpr const char* kCorpusFile = "corpus.json";

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Generated reports: one to three places, zero to two groups, a titled person, a number, in
// one of four languages, with a publication day in the year after kT0.
class Generator {
 public:
  Generator(const text::AliasRegistry& aliases, const text::Gazetteer& places, std::uint64_t seed)
      : rng_(seed) {
    for (const auto& p : places.places()) places_.push_back(&p);
    for (text::GroupId g = 0; g < aliases.size(); ++g) {
      const auto& src = aliases.Sources(g);
      if (std::find(src.begin(), src.end(), "curated") == src.end()) continue;
      groups_.push_back(&aliases.NamesWithLang(g));
    }
  }
  struct Doc {
    std::string lang, text;
    Micros published;
  };
  Doc Next() {
    static const char* kLangs[] = {"ar", "fa", "ru", "en"};
    const std::string lang = kLangs[rng_() % 4];
    const text::Lang l = text::DetectLang("", lang);
    std::string t;
    const char* title = lang == "ar"   ? "اللواء "
                        : lang == "fa" ? "سرتیپ "
                        : lang == "ru" ? "генерал "
                                       : "General ";
    static const char* kFirst[] = {"Ahmed", "Ali",   "Omar", "Hasan",
                                   "Karim", "Nizar", "Saad", "Yahya"};
    static const char* kFirstAr[] = {"أحمد", "علي", "عمر", "حسن", "كريم", "نزار", "سعد", "يحيى"};
    static const char* kFirstRu[] = {"Ахмед", "Али",   "Омар", "Хасан",
                                     "Карим", "Низар", "Саад", "Яхья"};
    // Family names from four syllables written alike in the three scripts (8^4 of them), so a
    // person recurs a few times per 100,000 reports and meets across scripts.
    static const char* kSyl[][3] = {{"ka", "كا", "ка"}, {"ri", "ري", "ри"}, {"mu", "مو", "му"},
                                    {"sa", "سا", "са"}, {"ta", "تا", "та"}, {"na", "نا", "на"},
                                    {"lu", "لو", "лу"}, {"di", "دي", "ди"}};
    const std::size_t f = rng_() % 8;
    const int script = lang == "en" ? 0 : lang == "ru" ? 2 : 1;
    std::string family;
    for (int i = 0; i < 4; ++i) family += kSyl[rng_() % 8][script];
    if (script == 0) family[0] = static_cast<char>(family[0] - 'a' + 'A');
    if (script == 2)
      family.replace(0, 2,
                     family.substr(0, 2) == "к"   ? "К"
                     : family.substr(0, 2) == "р" ? "Р"
                     : family.substr(0, 2) == "м" ? "М"
                     : family.substr(0, 2) == "с" ? "С"
                     : family.substr(0, 2) == "т" ? "Т"
                     : family.substr(0, 2) == "н" ? "Н"
                     : family.substr(0, 2) == "л" ? "Л"
                                                  : "Д");
    std::string person = lang == "ru"   ? std::string(kFirstRu[f]) + " " + family
                         : lang == "en" ? std::string(kFirst[f]) + " " + family
                                        : std::string(kFirstAr[f]) + " " + family;
    t += title + person +
         (lang == "en"   ? " said that "
          : lang == "ru" ? " сообщил, что "
                         : " قال إن ");
    const int ngroups = static_cast<int>(rng_() % 3);
    for (int i = 0; i < ngroups; ++i) {
      const auto& names = *groups_[Zipf(groups_.size())];
      std::string name = names.front().name;
      for (const auto& n : names) {
        if (n.lang == lang) {
          name = n.name;
          break;
        }
      }
      t += name + (lang == "en" ? " and " : lang == "ru" ? " и " : " و ");
    }
    t += std::to_string(1 + rng_() % 40) + (lang == "en"   ? " fighters attacked "
                                            : lang == "ru" ? " боевиков атаковали "
                                            : lang == "fa" ? " نفر حمله کردند به "
                                                           : " عنصرا هاجموا ");
    const int nplaces = 1 + static_cast<int>(rng_() % 3);
    for (int i = 0; i < nplaces; ++i) {
      const text::Place* p = places_[Zipf(places_.size())];
      t += (i ? ", " : "") + p->Name(l);
    }
    t += ".";
    return {lang, t,
            kT0 + static_cast<Micros>(rng_() % 365) * kDay +
                static_cast<Micros>(rng_() % 86'400) * 1'000'000};
  }

 private:
  // Skewed choice: a few places and groups are much more common than others.
  std::size_t Zipf(std::size_t n) {
    std::uniform_real_distribution<double> u(0, 1);
    return std::min(n - 1,
                    static_cast<std::size_t>(std::pow(u(rng_), 2.5) * static_cast<double>(n)));
  }
  std::mt19937_64 rng_;
  std::vector<const text::Place*> places_;
  std::vector<const std::vector<text::AliasName>*> groups_;
};

struct Sqlite {
  sqlite3* db = nullptr;
  explicit Sqlite(const std::string& path) { sqlite3_open(path.c_str(), &db); }
  ~Sqlite() { sqlite3_close(db); }
  void Exec(const std::string& sql) { sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }
};

int Run(const Options& o) {
  const auto machine = MachineInfo::Probe();
  std::vector<std::string> texts, names;
  for (const auto& e : std::filesystem::directory_iterator(o.data_dir + "/aliases")) {
    if (e.path().extension() != ".jsonl") continue;
    texts.push_back(ReadAll(e.path()));
    names.push_back(e.path().filename().string());
  }
  std::vector<text::AliasFile> files;
  for (std::size_t i = 0; i < texts.size(); ++i) files.push_back({names[i], texts[i]});
  auto aliases = text::AliasRegistry::Parse(files);
  auto places = text::Gazetteer::Parse(ReadAll(o.data_dir + "/gazetteer/places.tsv"));
  if (!aliases.ok() || !places.ok()) {
    std::fprintf(stderr, "analysis_bench: reference data missing under %s\n", o.data_dir.c_str());
    return 2;
  }
  auto t0 = SteadyClock::now();
  analysis::Extractor extractor(&*aliases, &*places);
  const double extractor_ms = Ms(SteadyClock::now() - t0);

  // The database: a throw-away directory, or one kept (--keep) and reused by a later run that
  // asks for the same corpus (objects, seed, batch); --reuse refuses to generate.
  const bool keep = !o.keep_dir.empty() || !o.reuse_dir.empty();
  const std::string dir = !o.reuse_dir.empty() ? o.reuse_dir
                          : keep               ? o.keep_dir
                                               : o.workdir + "/analysis-bench";
  json::object corpus;
  bool reuse = false;
  if (keep && std::filesystem::exists(dir + "/" + kCorpusFile) &&
      std::filesystem::exists(dir + "/hub.db")) {
    boost::system::error_code ec;
    json::value v = json::parse(ReadAll(dir + "/" + kCorpusFile), ec);
    if (!ec && v.is_object()) {
      corpus = v.as_object();
      auto num = [&](const char* k) {
        const json::value* x = corpus.if_contains(k);
        return x && x->is_number() ? x->to_number<std::uint64_t>() : std::uint64_t{0};
      };
      reuse = num("objects") == o.objects && num("seed") == o.seed && num("batch") == o.batch &&
              corpus.contains("ingest_s") && corpus.contains("analyse_s") &&
              corpus.contains("keys_s") && corpus.contains("json_bytes") && corpus.contains("keys");
    }
  }
  if (!o.reuse_dir.empty() && !reuse) {
    std::fprintf(stderr,
                 "analysis_bench: no corpus of %llu objects (seed %llu, batch %zu) in %s; make "
                 "one with --keep %s\n",
                 static_cast<unsigned long long>(o.objects),
                 static_cast<unsigned long long>(o.seed), o.batch, dir.c_str(), dir.c_str());
    return 2;
  }
  if (!reuse) {
    // Only the files this program makes: a kept directory may hold other things.
    std::filesystem::create_directories(dir);
    for (const char* f : {"hub.db", "hub.db-wal", "hub.db-shm", "baseline.db", "baseline.db-wal",
                          "baseline.db-shm", kCorpusFile}) {
      std::filesystem::remove(dir + "/" + f);
    }
  }
  // Opening applies the store's migrations, to a reused database too.
  auto open_start = SteadyClock::now();
  auto opened = store::OpenSqlite({.path = dir + "/hub.db"});
  if (!opened.ok()) {
    std::fprintf(stderr, "analysis_bench: %s\n", opened.status().message().c_str());
    return 2;
  }
  const double open_s = std::chrono::duration<double>(SteadyClock::now() - open_start).count();
  store::Store& store = **opened;

  struct Item {
    store::NewVersion version;
    json::object object;
    stix::SearchText text;
  };
  // Report k (its id from k) with a releasability drawn from `rel_rng` (two draws).
  auto make_item = [](Item& it, std::uint64_t k, Generator::Doc d, std::mt19937_64& rel_rng) {
    char id[64];
    std::snprintf(id, sizeof id, "report--00000000-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(k));
    const std::string ts = stix::FormatMicros(d.published);
    json::object obj{{"type", "report"},
                     {"spec_version", "2.1"},
                     {"id", id},
                     {"created", ts},
                     {"modified", ts},
                     {"published", ts},
                     {"name", "report " + std::to_string(k)},
                     {"lang", d.lang},
                     {"description", d.text},
                     {"object_refs", json::array{"identity--p0"}}};
    it.text = stix::ExtractSearchText(obj);
    store::NewVersion& v = it.version;
    v.collection_id = "c1";
    v.id = id;
    v.type = "report";
    v.spec_version = "2.1";
    v.version = d.published;
    v.version_text = ts;
    v.json = json::serialize(obj);
    v.search = it.text;
    const auto origin = static_cast<policy::PartyIndex>(rel_rng() % 3);
    const unsigned mode = rel_rng() % 20;
    v.releasability.originator = origin;
    v.releasability.parties = mode < 12   ? 0b111
                              : mode < 16 ? policy::Bit(origin)
                              : mode < 19 ? policy::Bit(origin) | policy::Bit((origin + 1) % 3)
                                          : policy::Bit(origin);
    v.releasability.red = mode == 19;
    if (v.releasability.red) v.releasability.recipients = {"u0"};
    it.object = std::move(obj);
    return origin;
  };

  Generator gen(*aliases, *places, o.seed);
  std::mt19937_64 rng(o.seed + 1);
  std::vector<policy::PartyIndex> originator;
  originator.reserve(o.objects);
  double ingest_s = 0, analyse_s = 0, keys_s = 0;
  std::uint64_t data_bytes = 0, key_count = 0;
  if (reuse) {
    // The releasabilities come from rng's first two draws per report: replay them, so the
    // samples below pick the same objects and readers as the generating run.
    for (std::uint64_t k = 0; k < o.objects; ++k) {
      originator.push_back(static_cast<policy::PartyIndex>(rng() % 3));
      (void)rng();
    }
    ingest_s = corpus.at("ingest_s").to_number<double>();
    analyse_s = corpus.at("analyse_s").to_number<double>();
    keys_s = corpus.at("keys_s").to_number<double>();
    data_bytes = corpus.at("json_bytes").to_number<std::uint64_t>();
    key_count = corpus.at("keys").to_number<std::uint64_t>();
    std::fprintf(stderr, "  reusing %llu objects in %s\n",
                 static_cast<unsigned long long>(o.objects), dir.c_str());
  } else {
    (void)store.Write([](store::WriteTxn& t) -> Status {
      for (const char* code : {"p0", "p1", "p2"}) {
        auto p = t.AddParty({0, code, code, std::string("identity--") + code});
        if (!p.ok()) return p.status();
      }
      return t.AddCollection({"c1", "coalition", "Coalition", "", std::nullopt});
    });
  }
  for (std::uint64_t done = 0; !reuse && done < o.objects;) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(o.batch, o.objects - done));
    std::vector<Item> items(n);
    for (std::size_t i = 0; i < n; ++i) {
      originator.push_back(make_item(items[i], done + i, gen.Next(), rng));
      data_bytes += items[i].version.json.size();
    }
    auto a = SteadyClock::now();
    (void)store.Write([&](store::WriteTxn& t) -> Status {
      for (auto& it : items) {
        auto r = t.PutVersion(it.version);
        if (!r.ok()) return r.status();
      }
      return Status::Ok();
    });
    auto b = SteadyClock::now();
    std::vector<store::AnalysisRecord> records;
    records.reserve(n);
    for (auto& it : items) {
      analysis::ObjectFacts f =
          analysis::Analyse(it.object, it.text, *it.version.version, extractor, &*aliases);
      key_count += f.keys.size();
      records.push_back({f.id, f.type, f.name, f.at, 0, f.keys});
    }
    auto c = SteadyClock::now();
    (void)store.Write([&](store::WriteTxn& t) -> Status {
      for (const auto& r : records) TANSIQ_RETURN_IF_ERROR(t.PutAnalysis(r));
      return Status::Ok();
    });
    auto d = SteadyClock::now();
    ingest_s += std::chrono::duration<double>(b - a).count();
    analyse_s += std::chrono::duration<double>(c - b).count();
    keys_s += std::chrono::duration<double>(d - c).count();
    done += n;
    if (done % (o.batch * 20) == 0 || done == o.objects) {
      std::fprintf(stderr, "  %llu objects (ingest %.1f s, analyse %.1f s, keys %.1f s)\n",
                   static_cast<unsigned long long>(done), ingest_s, analyse_s, keys_s);
    }
  }
  if (keep && !reuse) {
    corpus = {{"objects", o.objects},     {"seed", o.seed},         {"batch", o.batch},
              {"ingest_s", ingest_s},     {"analyse_s", analyse_s}, {"keys_s", keys_s},
              {"json_bytes", data_bytes}, {"keys", key_count},      {"git_commit", o.git_commit}};
    std::ofstream(dir + "/" + kCorpusFile) << json::serialize(corpus) << "\n";
  }
  Sqlite raw(dir + "/hub.db");

  // Correlation of a new object at N: `fresh` more reports (another seed, ids after the
  // corpus) analysed on this thread, then stored and their keys written in one job that is
  // rolled back, so the corpus stays as it is for the next reusing run. Wall and CPU time
  // (the writer thread's, inside the job); no commit, so no fsync (the generation's figures
  // include theirs).
  double fresh_analyse_us = 0, fresh_analyse_cpu_us = 0, fresh_keys_us = 0, fresh_keys_cpu_us = 0;
  if (o.fresh > 0) {
    Generator fresh_gen(*aliases, *places, o.seed + 1000);
    std::mt19937_64 fresh_rng(o.seed + 1001);
    std::vector<Item> items(o.fresh);
    for (std::size_t i = 0; i < o.fresh; ++i) {
      (void)make_item(items[i], o.objects + i, fresh_gen.Next(), fresh_rng);
    }
    std::vector<store::AnalysisRecord> records;
    const double cpu0 = ThreadCpuUs();
    auto a = SteadyClock::now();
    for (auto& it : items) {
      analysis::ObjectFacts f =
          analysis::Analyse(it.object, it.text, *it.version.version, extractor, &*aliases);
      records.push_back({f.id, f.type, f.name, f.at, 0, f.keys});
    }
    fresh_analyse_us = Us(SteadyClock::now() - a);
    fresh_analyse_cpu_us = ThreadCpuUs() - cpu0;
    Status rolled_back = store.Write([&](store::WriteTxn& t) -> Status {
      for (auto& it : items) {
        auto r = t.PutVersion(it.version);
        if (!r.ok()) return r.status();
      }
      const double cpu = ThreadCpuUs();
      auto b = SteadyClock::now();
      for (const auto& r : records) TANSIQ_RETURN_IF_ERROR(t.PutAnalysis(r));
      fresh_keys_us = Us(SteadyClock::now() - b);
      fresh_keys_cpu_us = ThreadCpuUs() - cpu;
      return Conflict("analysis_bench: the fresh objects are rolled back");
    });
    if (rolled_back.ok() || fresh_keys_us == 0) {
      std::fprintf(stderr, "analysis_bench: fresh objects not written: %s\n",
                   rolled_back.message().c_str());
      return 1;
    }
    const double m = static_cast<double>(o.fresh);
    fresh_analyse_us /= m;
    fresh_analyse_cpu_us /= m;
    fresh_keys_us /= m;
    fresh_keys_cpu_us /= m;
  }

  // Linking a new object: postings of each of its keys as a reader of its party (the read the
  // related endpoint does), and the same lookups in a MISP-style exact-value table built from
  // the same keys (kept beside a kept corpus).
  const std::string base_path = dir + "/baseline.db";
  const json::value* kept_base = corpus.if_contains("baseline_write_s");
  const bool base_kept = reuse && kept_base && std::filesystem::exists(base_path);
  if (!base_kept) std::filesystem::remove(base_path);
  Sqlite base(base_path);
  double baseline_write_s = 0;
  if (base_kept) {
    baseline_write_s = kept_base->to_number<double>();
  } else {
    base.Exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        "CREATE TABLE attributes(value TEXT NOT NULL, id TEXT NOT NULL);"
        "CREATE INDEX attributes_value ON attributes(value);");
    auto bb = SteadyClock::now();
    base.Exec("BEGIN");
    sqlite3_stmt* rows;
    sqlite3_stmt* ins;
    sqlite3_prepare_v2(raw.db, "SELECT key, id FROM entity_keys", -1, &rows, nullptr);
    sqlite3_prepare_v2(base.db, "INSERT INTO attributes VALUES(?1, ?2)", -1, &ins, nullptr);
    while (sqlite3_step(rows) == SQLITE_ROW) {
      sqlite3_bind_value(ins, 1, sqlite3_column_value(rows, 0));
      sqlite3_bind_value(ins, 2, sqlite3_column_value(rows, 1));
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(rows);
    base.Exec("COMMIT");
    baseline_write_s = std::chrono::duration<double>(SteadyClock::now() - bb).count();
    if (keep) {
      corpus["baseline_write_s"] = baseline_write_s;
      std::ofstream(dir + "/" + kCorpusFile) << json::serialize(corpus) << "\n";
    }
  }
  // The keys of object k as stored.
  auto keys_of = [&](std::uint64_t k) {
    char id[64];
    std::snprintf(id, sizeof id, "report--00000000-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(k));
    analysis::ObjectFacts f;
    f.id = id;
    sqlite3_stmt* st;
    sqlite3_prepare_v2(raw.db, "SELECT key FROM entity_keys WHERE id = ?1", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, f.id.data(), static_cast<int>(f.id.size()), SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
      f.keys.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_finalize(st);
    return f;
  };
  std::vector<double> link_us, link_cpu_us, base_us;
  std::size_t linked = 0;
  sqlite3_stmt* q;
  sqlite3_prepare_v2(base.db, "SELECT id FROM attributes WHERE value = ?1 LIMIT 51", -1, &q,
                     nullptr);
  for (std::size_t s = 0; s < o.samples && !originator.empty(); ++s) {
    const std::size_t i = rng() % originator.size();
    const analysis::ObjectFacts f = keys_of(i);
    policy::Reader reader{1, "u", originator[i], policy::kOfficer};
    const double cpu = ThreadCpuUs();
    auto a = SteadyClock::now();
    std::map<std::string, double> scores;
    for (const auto& k : f.keys) {
      auto p = store.Postings(reader, k, analysis::kFanOut);
      if (!p.ok() || p->more) continue;
      const double w = analysis::KeyWeight(k, p->ids.size());
      for (const auto& other : p->ids) {
        if (other != f.id) scores[other] += w;
      }
    }
    std::size_t n = 0;
    for (const auto& [id, sc] : scores) n += sc >= analysis::kMinLinkScore;
    linked += n > 0;
    link_us.push_back(Us(SteadyClock::now() - a));
    link_cpu_us.push_back(ThreadCpuUs() - cpu);
    auto b = SteadyClock::now();
    std::map<std::string, int> hits;
    for (const auto& k : f.keys) {
      sqlite3_bind_text(q, 1, k.data(), static_cast<int>(k.size()), SQLITE_STATIC);
      while (sqlite3_step(q) == SQLITE_ROW) {
        ++hits[reinterpret_cast<const char*>(sqlite3_column_text(q, 0))];
      }
      sqlite3_reset(q);
    }
    base_us.push_back(Us(SteadyClock::now() - b));
  }
  sqlite3_finalize(q);

  // Situation queries: random reader, dimension and 28-day window.
  std::vector<double> sit_ms, sit_rows_ms, sit_base_ms;
  std::vector<double> sit_cpu_ms;
  std::size_t sit_mismatches = 0;
  static const store::SituationQuery::By kBy[] = {
      store::SituationQuery::By::kPlace, store::SituationQuery::By::kGroup,
      store::SituationQuery::By::kType, store::SituationQuery::By::kParty};
  for (std::size_t s = 0; s < o.queries; ++s) {
    policy::Reader reader{1, s % 7 == 0 ? "u0" : "u", static_cast<policy::PartyIndex>(rng() % 3),
                          policy::kOfficer};
    const Micros from = kT0 + static_cast<Micros>(rng() % 330) * kDay;
    store::SituationQuery sq{from, from + 28 * kDay, kDay, kBy[rng() % 4]};
    const double cpu = ThreadCpuUs();
    auto a = SteadyClock::now();
    auto r = store.Situation(reader, sq);
    sit_ms.push_back(Ms(SteadyClock::now() - a));
    sit_cpu_ms.push_back((ThreadCpuUs() - cpu) / 1000.0);
    if (!r.ok()) {
      std::fprintf(stderr, "situation: %s\n", r.status().message().c_str());
      return 1;
    }
    // The same query counted row by row (the path before the pre-aggregation): its time, and
    // the proof in every run that both answers are equal.
    store::SituationQuery rows_q = sq;
    rows_q.per_row = true;
    auto ra = SteadyClock::now();
    auto rows = store.Situation(reader, rows_q);
    sit_rows_ms.push_back(Ms(SteadyClock::now() - ra));
    if (!rows.ok()) {
      std::fprintf(stderr, "situation (rows): %s\n", rows.status().message().c_str());
      return 1;
    }
    bool same = rows->total == r->total && rows->cells.size() == r->cells.size();
    for (std::size_t c = 0; same && c < r->cells.size(); ++c) {
      same = rows->cells[c].key == r->cells[c].key && rows->cells[c].bucket == r->cells[c].bucket &&
             rows->cells[c].count == r->cells[c].count;
    }
    sit_mismatches += !same;
    // Baseline: the same counts without the visibility rule (no joins, no per-row checks).
    const bool keyed =
        sq.by == store::SituationQuery::By::kPlace || sq.by == store::SituationQuery::By::kGroup;
    std::string sql =
        keyed
            ? std::string("SELECT key, (at - ?1) / ?3, COUNT(*) FROM entity_keys WHERE key >= '") +
                  (sq.by == store::SituationQuery::By::kPlace ? "gov:' AND key < 'gov;'"
                                                              : "grp:' AND key < 'grp;'") +
                  " AND at >= ?1 AND at < ?2 GROUP BY 1, 2"
            : "SELECT type, (at - ?1) / ?3, COUNT(*) FROM analysis WHERE at >= ?1 AND at < ?2 "
              "GROUP BY 1, 2";
    sqlite3_stmt* st;
    auto b = SteadyClock::now();
    sqlite3_prepare_v2(raw.db, sql.c_str(), -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, sq.from);
    sqlite3_bind_int64(st, 2, sq.to);
    sqlite3_bind_int64(st, 3, sq.bucket);
    while (sqlite3_step(st) == SQLITE_ROW) {
    }
    sqlite3_finalize(st);
    sit_base_ms.push_back(Ms(SteadyClock::now() - b));
  }

  // Sizes per dbstat (when this SQLite has it).
  std::map<std::string, std::uint64_t> sizes;
  {
    sqlite3_stmt* st;
    if (sqlite3_prepare_v2(raw.db, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name", -1, &st,
                           nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        sizes[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] =
            static_cast<std::uint64_t>(sqlite3_column_int64(st, 1));
      }
      sqlite3_finalize(st);
    }
  }
  auto size_of = [&](std::initializer_list<const char*> tables) {
    std::uint64_t n = 0;
    for (const char* x : tables) n += sizes.count(x) ? sizes[x] : 0;
    return n;
  };
  const std::uint64_t situation_bytes = size_of(
      {"situation_counts", "situation_rows", "situation_rows_by_id", "analysis_visibility"});
  const std::uint64_t index_bytes = size_of({"analysis", "analysis_by_at", "analysis_by_added",
                                             "entity_keys", "entity_keys_by_id"}) +
                                    situation_bytes;
  const std::uint64_t version_bytes = size_of({"versions", "objects", "sqlite_autoindex_versions_1",
                                               "versions_by_added", "sqlite_autoindex_objects_1"});

  const auto link = LatencySummary::Of(link_us);
  const auto base_link = LatencySummary::Of(base_us);
  const auto sit = LatencySummary::Of(sit_ms);
  const auto sit_base = LatencySummary::Of(sit_base_ms);
  const auto sit_rows = LatencySummary::Of(sit_rows_ms);
  if (sit_mismatches > 0) {
    std::fprintf(stderr, "analysis_bench: %zu situation answers differ from the per-row count\n",
                 sit_mismatches);
  }
  const double n = static_cast<double>(o.objects);
  // Per new object: the fresh objects' figures at N when measured, else the generation's means.
  const double write_us =
      o.fresh > 0 ? fresh_analyse_us + fresh_keys_us : (analyse_s + keys_s) * 1e6 / n;
  const double correlation_ms = (write_us + link.mean_ms) / 1000.0;
  const double link_cpu_mean =
      link_cpu_us.empty()
          ? 0
          : std::accumulate(link_cpu_us.begin(), link_cpu_us.end(), 0.0) / link_cpu_us.size();
  const double correlation_cpu_ms =
      o.fresh > 0 ? (fresh_analyse_cpu_us + fresh_keys_cpu_us + link_cpu_mean) / 1000.0 : 0;
  const auto sit_cpu = LatencySummary::Of(sit_cpu_ms);
  // link_us is in microseconds (LatencySummary reports the unit it was given as "ms").
  std::vector<Goal> goals = {
      {"correlation per new object (extract + keys + link), mean", "<= 1 ms at 1M", correlation_ms,
       "ms", correlation_ms <= 1.0,
       "measured at " + WithThousands(n) + " objects" +
           (o.fresh > 0 ? "" : " (write: mean over the generation)")},
      {"entity-key index / object versions", "<= 2x",
       version_bytes ? static_cast<double>(index_bytes) / static_cast<double>(version_bytes) : 0,
       "x", version_bytes && index_bytes <= 2 * version_bytes, "dbstat bytes"},
      {"situation query p99", "<= 50 ms at 1M", sit.p99_ms, "ms", sit.p99_ms <= 50,
       "28-day window, random reader and dimension"},
  };
  PrintTable(
      "analysis_bench: " + WithThousands(n) + " reports, 3 parties (" + machine.cpu_model + ", " +
          std::to_string(machine.nproc) + " cores)" +
          (reuse  ? ", reused corpus in " + dir
           : keep ? ", kept in " + dir
                  : ""),
      {{"measure", "tansiq", "baseline (same run)"},
       {"extractor tables built (ms)", Fixed(extractor_ms, 0), "-"},
       {"open the store, migrations included (s)", Fixed(open_s, 1), "-"},
       {"generation: store object versions (us/object)", Fixed(ingest_s * 1e6 / n, 1), "-"},
       {"generation: extraction + keys (us/object)", Fixed(analyse_s * 1e6 / n, 1), "-"},
       {"generation: write entity keys (us/object)", Fixed(keys_s * 1e6 / n, 1),
        Fixed(baseline_write_s * 1e6 / n, 1) + " (exact-value table)"},
       {"new object at N: extraction + keys, wall / CPU (us)",
        Fixed(fresh_analyse_us, 1) + " / " + Fixed(fresh_analyse_cpu_us, 1), "-"},
       {"new object at N: write entity keys, wall / CPU (us)",
        Fixed(fresh_keys_us, 1) + " / " + Fixed(fresh_keys_cpu_us, 1), "-"},
       {"link a new object, mean (us)", Fixed(link.mean_ms, 1),
        Fixed(base_link.mean_ms, 1) + " (exact lookup, no visibility)"},
       {"link a new object, p99 (us)", Fixed(link.p99_ms, 1), Fixed(base_link.p99_ms, 1)},
       {"link a new object, CPU mean (us)", Fixed(link_cpu_mean, 1), "-"},
       {"correlation per new object, wall / CPU (ms)",
        Fixed(correlation_ms, 3) + " / " + Fixed(correlation_cpu_ms, 3), "-"},
       {"objects with >= 1 link (sample)",
        Fixed(100.0 * linked / std::max<std::size_t>(1, link_us.size()), 1) + " %", "-"},
       {"keys per object", Fixed(key_count / n, 2), "-"},
       {"entity-key index incl. situation (MB)", Fixed(index_bytes / 1e6, 1), "-"},
       {"situation aggregate + visibility (MB)", Fixed(situation_bytes / 1e6, 1), "-"},
       {"object versions + heads (MB)", Fixed(version_bytes / 1e6, 1), "-"},
       {"object JSON (MB)", Fixed(data_bytes / 1e6, 1), "-"},
       {"situation p50 (ms)", Fixed(sit.p50_ms, 2), Fixed(sit_base.p50_ms, 2) + " (no visibility)"},
       {"situation p99 (ms)", Fixed(sit.p99_ms, 2), Fixed(sit_base.p99_ms, 2)},
       {"situation CPU p50 / p99 (ms)", Fixed(sit_cpu.p50_ms, 2) + " / " + Fixed(sit_cpu.p99_ms, 2),
        "-"},
       {"situation per row p50 / p99 (ms)",
        Fixed(sit_rows.p50_ms, 2) + " / " + Fixed(sit_rows.p99_ms, 2), "-"},
       {"situation answers equal to per row",
        std::to_string(o.queries - sit_mismatches) + " / " + std::to_string(o.queries), "-"}});
  std::vector<std::vector<std::string>> goal_rows{{"goal", "target", "measured", "pass"}};
  for (const auto& g : goals) {
    goal_rows.push_back(
        {g.name, g.target, Fixed(g.measured, 3) + " " + g.unit, g.pass ? "yes" : "no"});
  }
  PrintTable("goals (informative; the 1M targets are extrapolated, see bench/README.md)",
             goal_rows);

  json::object out{{"benchmark", "analysis_bench"},
                   {"git_commit", o.git_commit},
                   {"machine", machine.ToJson()},
                   {"objects", o.objects},
                   {"reused_corpus", reuse},
                   {"open_s", open_s},
                   {"extractor_ms", extractor_ms},
                   {"ingest_us_per_object", ingest_s * 1e6 / n},
                   {"analyse_us_per_object", analyse_s * 1e6 / n},
                   {"keys_write_us_per_object", keys_s * 1e6 / n},
                   {"baseline_keys_write_us_per_object", baseline_write_s * 1e6 / n},
                   {"fresh_objects", o.fresh},
                   {"fresh_analyse_us", fresh_analyse_us},
                   {"fresh_analyse_cpu_us", fresh_analyse_cpu_us},
                   {"fresh_keys_write_us", fresh_keys_us},
                   {"fresh_keys_write_cpu_us", fresh_keys_cpu_us},
                   {"link_us", link.ToJson()},
                   {"link_cpu_mean_us", link_cpu_mean},
                   {"correlation_ms", correlation_ms},
                   {"correlation_cpu_ms", correlation_cpu_ms},
                   {"baseline_link_us", base_link.ToJson()},
                   {"keys_per_object", key_count / n},
                   {"index_bytes", index_bytes},
                   {"version_bytes", version_bytes},
                   {"json_bytes", data_bytes},
                   {"situation_ms", sit.ToJson()},
                   {"situation_cpu_ms", sit_cpu.ToJson()},
                   {"baseline_situation_ms", sit_base.ToJson()},
                   {"situation_per_row_ms", sit_rows.ToJson()},
                   {"situation_mismatches", sit_mismatches},
                   {"situation_bytes", situation_bytes},
                   {"goals", GoalsJson(goals)}};
  std::filesystem::create_directories(std::filesystem::path(o.json_path).parent_path());
  std::ofstream(o.json_path) << json::serialize(out) << "\n";
  if (!keep) std::filesystem::remove_all(dir);
  return sit_mismatches == 0 ? 0 : 1;
}

}  // namespace
}  // namespace tansiq::bench

int main(int argc, char** argv) {
  tansiq::bench::Options o;
  CLI::App app{"analysis_bench: correlation cost, index size and situation latency"};
  app.add_option("-n,--objects", o.objects, "reports to generate");
  app.add_option("--batch", o.batch, "objects per write job");
  app.add_option("--samples", o.samples, "new objects linked for the latency sample");
  app.add_option("--queries", o.queries, "situation queries");
  app.add_option("--seed", o.seed);
  app.add_option("--data-dir", o.data_dir, "alias registry and gazetteer (data/)");
  app.add_option("--workdir", o.workdir);
  app.add_option("--json", o.json_path);
  app.add_option("--git-commit", o.git_commit);
  app.add_option("--keep", o.keep_dir,
                 "generate into DIR and keep it; reuse it when it holds the same corpus "
                 "(-n, --seed, --batch)");
  app.add_option("--reuse", o.reuse_dir, "reuse the corpus kept in DIR; fail if it differs");
  app.add_option("--fresh", o.fresh,
                 "new objects analysed and written at N, then rolled back (0: use the "
                 "generation's means)");
  CLI11_PARSE(app, argc, argv);
  return tansiq::bench::Run(o);
}
