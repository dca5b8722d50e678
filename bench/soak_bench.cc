// soak_bench: sustained ingest (envelopes of indicators, one write job each, as hub/ingest
// writes them) beside readers paging through the collection, against the SQLite store — the
// disk figure of issue 16.7: the WAL's largest and final size beside the database's. Runs the
// same workload twice in one process: the baseline (PASSIVE checkpoints only, no size limit:
// SqliteOptions::wal_restart_bytes = 0, the store before the fix) and the bounded WAL. Prints
// a table and one JSON document (stdout and --json).
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include "bench/report.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"

namespace tansiq::bench {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

struct Options {
  std::uint64_t objects = 200'000;
  std::size_t envelope = 1000;
  int readers = 4;
  std::int64_t wal_restart_bytes = store::SqliteOptions{}.wal_restart_bytes;
  std::string workdir = "/tmp";
  std::string json_path = "bench/results/soak-latest.json";
};

std::int64_t FileSize(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : static_cast<std::int64_t>(n);
}

std::string IndicatorId(std::uint64_t i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "indicator--%08llx-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(i >> 32),
                static_cast<unsigned long long>(i & 0xffffffffffffULL));
  return buf;
}

struct RunResult {
  std::string name;
  std::int64_t wal_restart_bytes = 0;
  double seconds = 0;
  std::int64_t max_wal = 0, final_wal = 0, db = 0, reads = 0;
  json::object ToJson() const {
    return {{"name", name},
            {"wal_restart_bytes", wal_restart_bytes},
            {"seconds", seconds},
            {"objects_per_s", 0},
            {"max_wal_bytes", max_wal},
            {"final_wal_bytes", final_wal},
            {"db_bytes", db},
            {"reader_pages", reads}};
  }
};

RunResult Run(const Options& opt, const std::string& name, std::int64_t wal_restart_bytes) {
  const fs::path dir = fs::path(opt.workdir) / ("tansiq-soak-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "hub.db").string();
  RunResult r{name, wal_restart_bytes};
  {
    store::SqliteOptions so{.path = path};
    so.wal_restart_bytes = wal_restart_bytes;
    auto st = store::OpenSqlite(so);
    if (!st.ok()) throw std::runtime_error(st.status().message());
    store::Store& s = **st;
    Status setup = s.Write([](store::WriteTxn& t) -> Status {
      for (const char* code : {"a", "b"}) {
        auto p = t.AddParty({0, code, code, std::string("identity--") + code});
        if (!p.ok()) return p.status();
      }
      return t.AddCollection({"c1", "coalition", "Coalition", "", std::nullopt});
    });
    if (!setup.ok()) throw std::runtime_error("setup: " + setup.message());
    // Readers page through the collection from the start, again and again, as TAXII clients.
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> reads{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < opt.readers; ++i) {
      readers.emplace_back([&, i] {
        policy::Reader reader{i + 1, "reader", static_cast<policy::PartyIndex>(i % 2), 0};
        store::VersionFilter all;
        all.which = store::VersionFilter::Which::kAll;
        std::optional<store::Cursor> after;
        while (!stop) {
          auto page = s.ListVersions(reader, "c1", all, after, 100);
          if (!page.ok()) break;
          ++reads;
          after = page->more && !page->rows.empty()
                      ? std::optional<store::Cursor>(
                            {page->rows.back().date_added, page->rows.back().seq})
                      : std::nullopt;
        }
      });
    }
    const fs::path wal = path + "-wal";
    const auto start = SteadyClock::now();
    for (std::uint64_t first = 0; first < opt.objects; first += opt.envelope) {
      const std::uint64_t end = std::min<std::uint64_t>(opt.objects, first + opt.envelope);
      std::promise<Status> done;
      auto f = done.get_future();
      s.Submit(
          [first, end](store::WriteTxn& t) -> Status {
            for (std::uint64_t i = first; i < end; ++i) {
              store::NewVersion v;
              v.collection_id = "c1";
              v.id = IndicatorId(i);
              v.type = "indicator";
              v.spec_version = "2.1";
              v.version = 1'735'689'600'000'000 + static_cast<Micros>(i);
              v.version_text = "2025-01-01T00:00:00.000Z";
              v.json = "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + v.id +
                       "\",\"created\":\"2025-01-01T00:00:00.000Z\",\"modified\":\"2025-01-01T"
                       "00:00:00.000Z\",\"name\":\"soak indicator " +
                       std::to_string(i) +
                       "\",\"pattern\":\"[ipv4-addr:value = '198.51.100.7']\",\"pattern_type\":"
                       "\"stix\",\"valid_from\":\"2025-01-01T00:00:00Z\",\"description\":\"" +
                       std::string(600, 'x') + "\"}";
              v.releasability = {.originator = 0, .parties = 3, .federable = true};
              v.search = stix::SearchText{.title = "soak indicator " + std::to_string(i),
                                          .names = "soak indicator " + std::to_string(i),
                                          .lang = "en"};
              auto put = t.PutVersion(v);
              if (!put.ok()) return put.status();
            }
            return Status::Ok();
          },
          [&done](Status result) { done.set_value(result); });
      Status stored = f.get();
      if (!stored.ok()) throw std::runtime_error("ingest: " + stored.message());
      r.max_wal = std::max(r.max_wal, FileSize(wal));
    }
    r.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    stop = true;
    for (auto& t : readers) t.join();
    r.reads = reads;
    r.final_wal = FileSize(wal);  // before close: the close itself truncates
    r.db = FileSize(path);
  }
  fs::remove_all(dir);
  return r;
}

}  // namespace
}  // namespace tansiq::bench

int main(int argc, char** argv) {
  using namespace tansiq::bench;
  Options opt;
  CLI::App app{"soak_bench: WAL and database size under sustained ingest beside readers"};
  app.add_option("-n,--objects", opt.objects, "objects to ingest")->capture_default_str();
  app.add_option("--envelope", opt.envelope, "objects per write job")->capture_default_str();
  app.add_option("--readers", opt.readers, "reader threads")->capture_default_str();
  app.add_option("--wal-restart-bytes", opt.wal_restart_bytes, "the bounded run's WAL bound")
      ->capture_default_str();
  app.add_option("--workdir", opt.workdir, "where the databases go")->capture_default_str();
  app.add_option("--json", opt.json_path, "JSON output")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  std::vector<RunResult> runs;
  try {
    runs.push_back(Run(opt, "baseline: PASSIVE only, no size limit", 0));
    runs.push_back(Run(opt, "bounded WAL", opt.wal_restart_bytes));
  } catch (const std::exception& e) {
    std::cerr << "soak_bench: " << e.what() << "\n";
    return 1;
  }
  boost::json::array out;
  std::printf("%-40s %10s %14s %14s %12s %10s\n", "run", "seconds", "max WAL MB", "final WAL MB",
              "db MB", "obj/s");
  for (const auto& r : runs) {
    auto o = r.ToJson();
    const double rate = r.seconds > 0 ? static_cast<double>(opt.objects) / r.seconds : 0;
    o["objects_per_s"] = rate;
    out.push_back(o);
    std::printf("%-40s %10.1f %14.1f %14.1f %12.1f %10.0f\n", r.name.c_str(), r.seconds,
                r.max_wal / 1e6, r.final_wal / 1e6, r.db / 1e6, rate);
  }
  boost::json::object doc{{"bench", "soak"},
                          {"objects", opt.objects},
                          {"envelope", opt.envelope},
                          {"readers", opt.readers},
                          {"machine", MachineInfo::Probe().ToJson()},
                          {"runs", std::move(out)}};
  const std::string text = boost::json::serialize(doc);
  std::cout << text << "\n";
  if (!opt.json_path.empty()) {
    std::ofstream f(opt.json_path);
    if (f) f << text << "\n";
  }
  return 0;
}
