// taxii_bench: times a running TAXII 2.1 server (ingest, paging, GET by id) beside a plain
// SQLite baseline measured in the same run; prints a table and writes JSON. bench/run starts
// a throw-away hub and calls this; see bench/README.md.
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include "bench/http_client.h"
#include "bench/indicator_gen.h"
#include "bench/report.h"
#include "bench/sqlite_baseline.h"
#include "bench/workloads.h"

namespace tansiq::bench {
namespace {
namespace json = boost::json;

struct Options {
  std::string url;
  std::string token, user, password;
  std::string collection = "coalition";
  std::string party = "a";
  std::uint64_t objects = 200000;
  std::size_t batch = 1000;
  int connections = 4;
  int page_limit = 1000;
  std::uint64_t get_objects = 0;  // 0: whatever the ingest stored
  std::uint64_t get_count = 10000;
  int get_connections = 1;
  std::string workdir = "/tmp";
  std::string json_path = "bench/results/latest.json";
  std::string git_commit;
  int server_pid = 0;
  std::string server_db;
  std::uint64_t seed = 0;
  int timeout_seconds = 120;
  double goal_objects_per_s = 100000;
  double goal_baseline_ratio = 0.30;
  double goal_get_p99_ms = 10;
  std::uint64_t goal_get_stored = 1000000;
  // Optional second server.
  std::string peer_url, peer_user, peer_password, peer_token, peer_collection, peer_identity;
  std::uint64_t peer_objects = 0;  // 0: same as --objects
};

std::vector<Envelope> Generate(std::optional<std::string> created_by, std::uint64_t total,
                               std::size_t batch, std::uint64_t seed, std::uint64_t first_number) {
  IndicatorFactory factory(std::move(created_by), seed);
  std::vector<Envelope> out;
  for (std::uint64_t done = 0; done < total; done += batch) {
    out.push_back(factory.Make(first_number + done, std::min<std::uint64_t>(batch, total - done)));
  }
  return out;
}

std::uint64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<std::string> IngestRow(const std::string& name, const IngestResult& r) {
  return {name,
          WithThousands(static_cast<double>(r.objects_succeeded)),
          Fixed(r.seconds, 2),
          WithThousands(r.ObjectsPerSecond()),
          Fixed(r.latency.p50_ms, 1),
          Fixed(r.latency.p99_ms, 1),
          std::to_string(r.failed_requests + r.objects_failed)};
}

int Run(const Options& opt) {
  bool errored = false;
  auto complain = [&](const std::string& what) {
    std::cerr << "taxii_bench: " << what << "\n";
    errored = true;
  };

  Endpoint hub;
  if (auto e = Endpoint::Parse(opt.url, &hub); !e.empty()) return complain(e), 2;
  hub.timeout_seconds = opt.timeout_seconds;
  hub.authorization =
      !opt.token.empty() ? "Bearer " + opt.token : BasicAuthorization(opt.user, opt.password);
  std::string error;
  const std::string objects_path = ResolveObjectsPath(hub, opt.collection, &error);
  if (objects_path.empty()) return complain(error), 2;
  const std::string identity = PartyIdentity(hub, opt.party, &error);
  if (identity.empty()) return complain(error), 2;

  const MachineInfo machine = MachineInfo::Probe();
  json::object out{{"benchmark", "taxii_bench"},
                   {"format_version", 1},
                   {"started_at", UtcNow()},
                   {"git_commit", opt.git_commit},
                   {"machine", machine.ToJson()}};
  out["config"] = json::object{{"objects", opt.objects},
                               {"batch", opt.batch},
                               {"connections", opt.connections},
                               {"page_limit", opt.page_limit},
                               {"get_objects", opt.get_objects},
                               {"get_count", opt.get_count},
                               {"get_connections", opt.get_connections},
                               {"collection", opt.collection},
                               {"party", opt.party},
                               {"seed", opt.seed},
                               {"timeout_seconds", opt.timeout_seconds}};
  std::cout << "taxii_bench: " << machine.nproc << " cpus (" << machine.cpu_model << "), "
            << opt.objects << " objects in envelopes of " << opt.batch << ", " << opt.connections
            << " connections\n"
            << "hub " << opt.url << " collection " << objects_path << "\n";

  // Ingest.
  auto t0 = std::chrono::steady_clock::now();
  std::vector<Envelope> envelopes = Generate(identity, opt.objects, opt.batch, opt.seed, 0);
  const double generate_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::uint64_t body_bytes = 0;
  for (const auto& env : envelopes) body_bytes += env.body.size();
  std::cout << "generated " << envelopes.size() << " envelopes (" << body_bytes / 1048576
            << " MiB) in " << Fixed(generate_s, 2) << " s; ingesting...\n"
            << std::flush;

  const ProcessSample server_before = ProcessSample::Of(opt.server_pid);
  const ProcessSample client_before = ProcessSample::Of(0);
  IngestResult ingest = RunIngest(hub, objects_path, envelopes, opt.connections);
  const ProcessSample server_after = ProcessSample::Of(opt.server_pid);
  const ProcessSample client_after = ProcessSample::Of(0);
  if (ingest.failed_requests || ingest.objects_failed) complain("ingest: " + ingest.first_error);
  json::object ingest_json = ingest.ToJson();
  ingest_json["request_body_bytes_mean"] =
      envelopes.empty() ? 0.0 : static_cast<double>(body_bytes) / envelopes.size();
  if (opt.server_pid > 0 && server_before.valid && server_after.valid) {
    const double cpu = server_after.cpu_seconds - server_before.cpu_seconds;
    ingest_json["server_cpu_seconds"] = cpu;
    ingest_json["server_cpu_us_per_object"] =
        ingest.objects_succeeded ? cpu * 1e6 / static_cast<double>(ingest.objects_succeeded) : 0;
    ingest_json["server_rss_kb_after"] = server_after.rss_kb;
  }
  ingest_json["client_cpu_seconds"] = client_after.cpu_seconds - client_before.cpu_seconds;
  std::cout << "ingest: " << WithThousands(ingest.ObjectsPerSecond()) << " objects/s; baseline...\n"
            << std::flush;

  // Baseline: the same rows into plain SQLite.
  BaselineResult baseline =
      RunSqliteBaseline(opt.workdir + "/sqlite-baseline.db", envelopes, opt.batch);
  if (!baseline.error.empty()) complain("baseline: " + baseline.error);
  const double baseline_rate = baseline.seconds > 0 ? baseline.rows / baseline.seconds : 0;
  const double ratio = baseline_rate > 0 ? ingest.ObjectsPerSecond() / baseline_rate : 0;
  envelopes.clear();
  envelopes.shrink_to_fit();

  // Paging.
  std::cout << "paging...\n" << std::flush;
  PagingResult paging = RunPaging(hub, objects_path, opt.page_limit);
  if (!paging.error.empty()) complain("paging: " + paging.error);

  // Grow the store for GET by id if asked.
  std::vector<std::string> ids = std::move(ingest.stored_ids);
  std::optional<IngestResult> load;
  if (opt.get_objects > ids.size()) {
    const std::uint64_t more = opt.get_objects - ids.size();
    std::cout << "loading " << more << " more objects for GET by id...\n" << std::flush;
    load = RunLoad(hub, objects_path, identity, opt.objects, more, opt.batch, opt.connections,
                   opt.seed + 1);
    if (load->failed_requests || load->objects_failed) complain("load: " + load->first_error);
    ids.insert(ids.end(), std::make_move_iterator(load->stored_ids.begin()),
               std::make_move_iterator(load->stored_ids.end()));
    load->stored_ids.clear();
  }
  std::cout << "GET by id over " << ids.size() << " stored objects...\n" << std::flush;
  GetResult get =
      RunGetById(hub, objects_path, ids, opt.get_count, opt.get_connections, opt.seed + 2);
  if (get.errors) complain("GET by id: " + get.first_error);

  json::object hub_json{{"url", opt.url},
                        {"objects_path", objects_path},
                        {"generate_seconds", generate_s},
                        {"ingest", ingest_json},
                        {"paging", paging.ToJson()}};
  if (load) hub_json["load_for_get"] = load->ToJson();
  json::object get_json = get.ToJson();
  get_json["stored_objects"] = ids.size();
  hub_json["get_by_id"] = get_json;
  const ProcessSample server_end = ProcessSample::Of(opt.server_pid);
  if (opt.server_pid > 0 && server_end.valid) hub_json["server_rss_kb_end"] = server_end.rss_kb;
  if (!opt.server_db.empty()) {
    const std::uint64_t db_bytes = FileSize(opt.server_db) + FileSize(opt.server_db + "-wal");
    hub_json["db_bytes"] = db_bytes;
    hub_json["db_bytes_per_object"] =
        ids.empty() ? 0.0 : static_cast<double>(db_bytes) / ids.size();
  }
  out["hub"] = hub_json;
  out["baseline"] =
      json::object{{"name", "sqlite_batched_insert"},
                   {"description",
                    "same JSON rows, WAL, synchronous=FULL, one transaction per batch, "
                    "UNIQUE(id,version) + (collection,date_added) index, single thread"},
                   {"rows", baseline.rows},
                   {"transactions", baseline.transactions},
                   {"seconds", baseline.seconds},
                   {"objects_per_s", baseline_rate},
                   {"db_bytes", FileSize(opt.workdir + "/sqlite-baseline.db") +
                                    FileSize(opt.workdir + "/sqlite-baseline.db-wal")},
                   {"error", baseline.error}};
  json::object ratios{{"hub_ingest_vs_baseline", ratio}};

  // Optional peer server.
  std::optional<IngestResult> peer_ingest;
  std::optional<PagingResult> peer_paging;
  if (!opt.peer_url.empty()) {
    Endpoint peer;
    std::string peer_path;
    if (auto e = Endpoint::Parse(opt.peer_url, &peer); !e.empty()) {
      complain("peer: " + e);
    } else {
      peer.timeout_seconds = opt.timeout_seconds;
      peer.authorization = !opt.peer_token.empty() ? "Bearer " + opt.peer_token
                           : !opt.peer_user.empty()
                               ? BasicAuthorization(opt.peer_user, opt.peer_password)
                               : "";
      peer_path = ResolveObjectsPath(peer, opt.peer_collection, &error);
      if (peer_path.empty()) complain("peer: " + error);
    }
    if (!peer_path.empty()) {
      const std::uint64_t n = opt.peer_objects ? opt.peer_objects : opt.objects;
      std::cout << "peer " << opt.peer_url << ": ingesting " << n << " objects...\n" << std::flush;
      std::optional<std::string> peer_identity;
      if (!opt.peer_identity.empty()) peer_identity = opt.peer_identity;
      std::vector<Envelope> peer_envelopes = Generate(peer_identity, n, opt.batch, opt.seed + 3, 0);
      peer_ingest = RunIngest(peer, peer_path, peer_envelopes, opt.connections);
      peer_envelopes.clear();
      if (peer_ingest->failed_requests || peer_ingest->objects_failed) {
        complain("peer ingest: " + peer_ingest->first_error);
      }
      std::cout << "peer paging...\n" << std::flush;
      peer_paging = RunPaging(peer, peer_path, opt.page_limit);
      if (!peer_paging->error.empty()) complain("peer paging: " + peer_paging->error);
      out["peer"] = json::object{{"url", opt.peer_url},
                                 {"objects_path", peer_path},
                                 {"ingest", peer_ingest->ToJson()},
                                 {"paging", peer_paging->ToJson()}};
      const double peer_rate = peer_ingest->ObjectsPerSecond();
      ratios["peer_ingest_vs_baseline"] = baseline_rate > 0 ? peer_rate / baseline_rate : 0;
      ratios["hub_ingest_vs_peer"] = peer_rate > 0 ? ingest.ObjectsPerSecond() / peer_rate : 0;
      ratios["hub_paging_vs_peer"] =
          peer_paging->ObjectsPerSecond() > 0
              ? paging.ObjectsPerSecond() / peer_paging->ObjectsPerSecond()
              : 0;
    }
  }
  out["ratios"] = ratios;

  // Goals from issue 2 (informative).
  std::vector<Goal> goals;
  goals.push_back({"hub ingest, durable objects/s", ">= " + WithThousands(opt.goal_objects_per_s),
                   ingest.ObjectsPerSecond(), "objects/s",
                   ingest.ObjectsPerSecond() >= opt.goal_objects_per_s, ""});
  goals.push_back({"hub ingest / SQLite baseline",
                   ">= " + Fixed(opt.goal_baseline_ratio * 100, 0) + "%", ratio * 100, "%",
                   ratio >= opt.goal_baseline_ratio, ""});
  goals.push_back(
      {"GET by id p99", "<= " + Fixed(opt.goal_get_p99_ms, 1) + " ms", get.latency.p99_ms, "ms",
       get.requests > 0 && get.latency.p99_ms <= opt.goal_get_p99_ms,
       ids.size() < opt.goal_get_stored
           ? "measured at " + WithThousands(static_cast<double>(ids.size())) +
                 " stored; the goal is at " +
                 WithThousands(static_cast<double>(opt.goal_get_stored)) + " (--get-objects)"
           : ""});
  out["goals"] = GoalsJson(goals);
  out["errored"] = errored;

  // Human output.
  std::vector<std::vector<std::string>> ingest_rows = {
      {"ingest (POST envelopes)", "stored", "s", "objects/s", "p50 ms", "p99 ms", "failed"},
      IngestRow("hub", ingest)};
  if (load) ingest_rows.push_back(IngestRow("hub, load for GET", *load));
  if (peer_ingest) ingest_rows.push_back(IngestRow("peer", *peer_ingest));
  ingest_rows.push_back({"baseline: SQLite batched insert",
                         WithThousands(static_cast<double>(baseline.rows)),
                         Fixed(baseline.seconds, 2), WithThousands(baseline_rate), "", "", ""});
  PrintTable("Ingest (" + std::to_string(opt.connections) + " connections, " +
                 std::to_string(opt.batch) + " objects per envelope)",
             ingest_rows);
  if (ingest_json.contains("server_cpu_us_per_object")) {
    std::cout << " server CPU " << Fixed(ingest_json["server_cpu_seconds"].as_double(), 2)
              << " s = " << Fixed(ingest_json["server_cpu_us_per_object"].as_double(), 1)
              << " us/object; client CPU "
              << Fixed(ingest_json["client_cpu_seconds"].as_double(), 2) << " s\n";
  }
  std::vector<std::vector<std::string>> paging_rows = {
      {"paging (limit " + std::to_string(opt.page_limit) + ")", "objects", "pages", "s",
       "objects/s", "page p50 ms", "page p99 ms"}};
  auto paging_row = [](const std::string& name, const PagingResult& p) {
    return std::vector<std::string>{name,
                                    WithThousands(static_cast<double>(p.objects)),
                                    std::to_string(p.pages),
                                    Fixed(p.seconds, 2),
                                    WithThousands(p.ObjectsPerSecond()),
                                    Fixed(p.page_latency.p50_ms, 1),
                                    Fixed(p.page_latency.p99_ms, 1)};
  };
  paging_rows.push_back(paging_row("hub", paging));
  if (peer_paging) paging_rows.push_back(paging_row("peer", *peer_paging));
  PrintTable("TAXII paging", paging_rows);
  PrintTable(
      "GET one object by id (" + std::to_string(opt.get_connections) + " connection(s))",
      {{"stored objects", "requests", "found", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"},
       {WithThousands(static_cast<double>(ids.size())), std::to_string(get.requests),
        std::to_string(get.found), WithThousands(get.seconds > 0 ? get.requests / get.seconds : 0),
        Fixed(get.latency.p50_ms, 2), Fixed(get.latency.p90_ms, 2), Fixed(get.latency.p99_ms, 2),
        Fixed(get.latency.max_ms, 2)}});
  std::vector<std::vector<std::string>> ratio_rows = {{"ratio", "value"}};
  for (const auto& [key, value] : ratios)
    ratio_rows.push_back({std::string(key), Fixed(value.as_double(), 3)});
  PrintTable("Ratios", ratio_rows);
  std::vector<std::vector<std::string>> goal_rows = {
      {"goal (issue 2)", "target", "measured", "", "note"}};
  for (const Goal& g : goals) {
    goal_rows.push_back({g.name, g.target,
                         g.unit == "objects/s"
                             ? WithThousands(g.measured) + " " + g.unit
                             : Fixed(g.measured, g.unit == "%" ? 1 : 2) + " " + g.unit,
                         g.pass ? "PASS" : "MISS", g.note});
  }
  PrintTable("Goals (informative)", goal_rows);

  if (!opt.json_path.empty()) {
    std::ofstream f(opt.json_path);
    f << json::serialize(out) << "\n";
    if (!f) {
      complain("cannot write " + opt.json_path);
    } else {
      std::cout << "\nwrote " << opt.json_path << "\n";
    }
  }
  return errored ? 1 : 0;
}

}  // namespace
}  // namespace tansiq::bench

int main(int argc, char** argv) {
  tansiq::bench::Options opt;
  CLI::App app{
      "taxii_bench: TAXII 2.1 ingest / paging / GET-by-id benchmark with a SQLite baseline"};
  app.add_option("--url", opt.url,
                 "API root URL of the hub, e.g. http://127.0.0.1:8080/taxii2/hub/")
      ->required();
  app.add_option("--token", opt.token, "Bearer API token for the hub");
  app.add_option("--user", opt.user, "Basic-auth user for the hub (instead of --token)");
  app.add_option("--password", opt.password, "Basic-auth password for the hub");
  app.add_option("--collection", opt.collection, "collection id or alias")->capture_default_str();
  app.add_option("--party", opt.party, "party code whose identity is created_by_ref")
      ->capture_default_str();
  app.add_option("--objects,-n", opt.objects, "objects to ingest")->capture_default_str();
  app.add_option("--batch", opt.batch, "objects per envelope (and per baseline transaction)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--connections,-c", opt.connections, "concurrent ingest connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--page-limit", opt.page_limit, "limit per TAXII page")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--get-objects", opt.get_objects,
                 "grow the store to this many objects before GET by id (default: --objects)");
  app.add_option("--get-count", opt.get_count, "GET-by-id requests")->capture_default_str();
  app.add_option("--get-connections", opt.get_connections, "GET-by-id connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--workdir", opt.workdir, "directory for the baseline database")
      ->capture_default_str();
  app.add_option("--json", opt.json_path, "machine-readable results ('' to skip)")
      ->capture_default_str()
      ->take_last();
  app.add_option("--git-commit", opt.git_commit, "recorded in the JSON");
  app.add_option("--server-pid", opt.server_pid, "hub process, to sample its CPU and RSS");
  app.add_option("--server-db", opt.server_db, "hub database file, to report its size");
  app.add_option("--seed", opt.seed, "random seed for ids and sampling")->capture_default_str();
  app.add_option("--timeout", opt.timeout_seconds, "seconds one request may take before it fails")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_option("--goal-objects-per-s", opt.goal_objects_per_s)->capture_default_str();
  app.add_option("--goal-baseline-ratio", opt.goal_baseline_ratio)->capture_default_str();
  app.add_option("--goal-get-p99-ms", opt.goal_get_p99_ms,
                 "GET p99 goal (issue 2 names no number; this default is ours)")
      ->capture_default_str();
  app.add_option("--peer", opt.peer_url, "API root URL of another TAXII 2.1 server (http)");
  app.add_option("--peer-user", opt.peer_user);
  app.add_option("--peer-password", opt.peer_password);
  app.add_option("--peer-token", opt.peer_token);
  app.add_option("--peer-collection", opt.peer_collection,
                 "peer collection id or alias (default: first with can_write)");
  app.add_option("--peer-identity", opt.peer_identity,
                 "created_by_ref for objects sent to the peer (default: none)");
  app.add_option("--peer-objects", opt.peer_objects,
                 "objects to ingest into the peer (default: --objects)");
  CLI11_PARSE(app, argc, argv);
  if (opt.get_objects == 0) opt.get_objects = opt.objects;
  if (opt.token.empty() && opt.user.empty()) {
    std::cerr << "taxii_bench: give --token or --user/--password\n";
    return 2;
  }
  return tansiq::bench::Run(opt);
}
