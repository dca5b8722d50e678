// Ingest, paging and GET-by-id workloads for taxii_bench: one thread and one keep-alive
// connection per client, latencies recorded per request, results merged at the end.
#include "bench/workloads.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <random>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "base/mutex.h"

namespace tansiq::bench {
namespace json = boost::json;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::uint64_t CountOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return static_cast<std::uint64_t>(v->get_int64());
  if (v->is_uint64()) return v->get_uint64();
  return 0;
}

std::string PercentEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Describe(const HttpResponse& r) {
  if (r.status == 0) return r.error;
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
}

// Per-thread tallies for ingest; merged into IngestResult under a lock.
struct IngestTally {
  IngestResult result;
  std::vector<double> latencies_ms;
};

void PostEnvelope(HttpClient& client, const std::string& objects_path, const Envelope& env,
                  IngestTally& tally) {
  const auto start = Clock::now();
  HttpResponse r = client.Request(http::verb::post, objects_path, env.body);
  tally.latencies_ms.push_back(MsSince(start));
  IngestResult& out = tally.result;
  ++out.requests;
  out.objects_sent += env.rows.size();
  auto fail = [&](std::string why) {
    ++out.failed_requests;
    if (out.first_error.empty()) out.first_error = std::move(why);
  };
  if (r.status < 200 || r.status > 299) return fail(Describe(r));
  boost::system::error_code ec;
  json::value status = json::parse(r.body, ec);
  if (ec || !status.is_object())
    return fail("status resource is not JSON: " + r.body.substr(0, 200));
  const json::object& s = status.get_object();
  const std::uint64_t ok = CountOf(s, "success_count");
  out.objects_succeeded += ok;
  out.objects_failed += CountOf(s, "failure_count");
  out.objects_pending += CountOf(s, "pending_count");
  if (CountOf(s, "failure_count") > 0 && out.first_error.empty()) {
    if (const json::value* f = s.if_contains("failures"))
      out.first_error = json::serialize(*f).substr(0, 300);
  }
  if (ok == env.rows.size()) {
    for (const auto& row : env.rows) out.stored_ids.push_back(row.id);
  } else if (const json::value* successes = s.if_contains("successes");
             successes && successes->is_array()) {
    for (const json::value& item : successes->get_array()) {
      const json::value* id = item.is_object() ? item.get_object().if_contains("id") : nullptr;
      if (id && id->is_string()) out.stored_ids.emplace_back(id->get_string());
    }
  }
}

void Merge(IngestTally& tally, IngestResult& total, std::vector<double>& latencies,
           std::uint64_t connects) {
  IngestResult& t = tally.result;
  total.requests += t.requests;
  total.objects_sent += t.objects_sent;
  total.objects_succeeded += t.objects_succeeded;
  total.objects_failed += t.objects_failed;
  total.objects_pending += t.objects_pending;
  total.failed_requests += t.failed_requests;
  total.connects += connects;
  if (total.first_error.empty()) total.first_error = t.first_error;
  total.stored_ids.insert(total.stored_ids.end(), std::make_move_iterator(t.stored_ids.begin()),
                          std::make_move_iterator(t.stored_ids.end()));
  latencies.insert(latencies.end(), tally.latencies_ms.begin(), tally.latencies_ms.end());
}

// Runs `work(client, tally)` on `connections` threads and merges their tallies.
template <typename Work>
IngestResult RunIngestThreads(const Endpoint& endpoint, int connections, Work work) {
  IngestResult total;
  std::vector<double> latencies;
  Mutex mu;
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(endpoint);
      IngestTally tally;
      work(t, client, tally);
      MutexLock lock(mu);
      Merge(tally, total, latencies, client.connects());
    });
  }
  for (auto& th : threads) th.join();
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  total.latency = LatencySummary::Of(std::move(latencies));
  return total;
}

}  // namespace

std::string ResolveObjectsPath(const Endpoint& endpoint, const std::string& wanted,
                               std::string* error) {
  HttpClient client(endpoint);
  HttpResponse r = client.Request(http::verb::get, endpoint.api_root + "collections/");
  if (r.status != 200) {
    *error = "GET " + endpoint.api_root + "collections/: " + Describe(r);
    return "";
  }
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  const json::value* list =
      !ec && v.is_object() ? v.get_object().if_contains("collections") : nullptr;
  if (list && list->is_array()) {
    for (const json::value& c : list->get_array()) {
      if (!c.is_object()) continue;
      const json::object& o = c.get_object();
      const json::value* id = o.if_contains("id");
      const json::value* alias = o.if_contains("alias");
      const json::value* can_write = o.if_contains("can_write");
      if (!id || !id->is_string()) continue;
      const bool match = wanted.empty()
                             ? (can_write && can_write->is_bool() && can_write->get_bool())
                             : (id->get_string() == wanted ||
                                (alias && alias->is_string() && alias->get_string() == wanted));
      if (match) {
        return endpoint.api_root + "collections/" + std::string(id->get_string()) + "/objects/";
      }
    }
  }
  *error = "no collection " + (wanted.empty() ? std::string("with can_write") : wanted) + " at " +
           endpoint.api_root;
  return "";
}

std::string PartyIdentity(const Endpoint& endpoint, const std::string& party, std::string* error) {
  HttpClient client(endpoint);
  HttpResponse r = client.Request(http::verb::get, "/api/v1/parties");
  if (r.status != 200) {
    *error = "GET /api/v1/parties: " + Describe(r);
    return "";
  }
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  if (!ec && v.is_array()) {
    for (const json::value& p : v.get_array()) {
      const json::object* o = p.if_object();
      if (!o) continue;
      const json::value* id = o->if_contains("id");
      const json::value* identity = o->if_contains("identity");
      if (id && id->is_string() && id->get_string() == party && identity && identity->is_string()) {
        return std::string(identity->get_string());
      }
    }
  }
  *error = "party " + party + " not in /api/v1/parties";
  return "";
}

IngestResult RunIngest(const Endpoint& endpoint, const std::string& objects_path,
                       const std::vector<Envelope>& envelopes, int connections) {
  std::atomic<std::size_t> next{0};
  return RunIngestThreads(endpoint, connections, [&](int, HttpClient& client, IngestTally& tally) {
    for (std::size_t i; (i = next.fetch_add(1)) < envelopes.size();) {
      PostEnvelope(client, objects_path, envelopes[i], tally);
    }
  });
}

IngestResult RunLoad(const Endpoint& endpoint, const std::string& objects_path,
                     std::optional<std::string> created_by_ref, std::uint64_t first_number,
                     std::uint64_t count, std::size_t batch, int connections, std::uint64_t seed) {
  std::atomic<std::uint64_t> next{0};
  const std::uint64_t batches = (count + batch - 1) / batch;
  return RunIngestThreads(
      endpoint, connections, [&](int t, HttpClient& client, IngestTally& tally) {
        IndicatorFactory factory(created_by_ref, seed + 7919 * static_cast<std::uint64_t>(t + 1));
        for (std::uint64_t b; (b = next.fetch_add(1)) < batches;) {
          const std::uint64_t first = b * batch;
          const std::size_t n =
              static_cast<std::size_t>(std::min<std::uint64_t>(batch, count - first));
          PostEnvelope(client, objects_path, factory.Make(first_number + first, n), tally);
        }
      });
}

PagingResult RunPaging(const Endpoint& endpoint, const std::string& objects_path, int limit) {
  PagingResult out;
  HttpClient client(endpoint);
  std::vector<double> latencies;
  const std::string first = objects_path + "?limit=" + std::to_string(limit);
  std::string target = first;
  const auto start = Clock::now();
  while (true) {
    const auto t0 = Clock::now();
    HttpResponse r = client.Request(http::verb::get, target);
    latencies.push_back(MsSince(t0));
    if (r.status != 200) {
      out.error = "GET " + target + ": " + Describe(r);
      break;
    }
    ++out.pages;
    out.bytes += r.body.size();
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object()) {
      out.error = "page is not a JSON object";
      break;
    }
    const json::object& page = v.get_object();
    if (const json::value* objects = page.if_contains("objects"); objects && objects->is_array()) {
      out.objects += objects->get_array().size();
    }
    const json::value* more = page.if_contains("more");
    const json::value* next = page.if_contains("next");
    if (!more || !more->is_bool() || !more->get_bool()) break;
    if (!next || !next->is_string()) {
      out.error = "more=true without next";
      break;
    }
    target = first + "&next=" + PercentEncode(next->get_string());
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.page_latency = LatencySummary::Of(std::move(latencies));
  return out;
}

GetResult RunGetById(const Endpoint& endpoint, const std::string& objects_path,
                     const std::vector<std::string>& ids, std::uint64_t count, int connections,
                     std::uint64_t seed) {
  GetResult total;
  if (ids.empty()) {
    total.first_error = "no stored ids to read";
    return total;
  }
  std::vector<double> latencies;
  Mutex mu;
  std::atomic<std::uint64_t> issued{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(endpoint);
      std::mt19937_64 rng(seed + static_cast<std::uint64_t>(t));
      std::uniform_int_distribution<std::size_t> pick(0, ids.size() - 1);
      GetResult local;
      std::vector<double> local_ms;
      while (issued.fetch_add(1) < count) {
        const std::string& id = ids[pick(rng)];
        const auto t0 = Clock::now();
        HttpResponse r = client.Request(http::verb::get, objects_path + id + "/");
        local_ms.push_back(MsSince(t0));
        ++local.requests;
        const bool found = r.status == 200 && r.body.find(id) != std::string::npos;
        if (found) {
          ++local.found;
        } else {
          ++local.errors;
          if (local.first_error.empty()) local.first_error = "GET " + id + ": " + Describe(r);
        }
      }
      MutexLock lock(mu);
      total.requests += local.requests;
      total.found += local.found;
      total.errors += local.errors;
      if (total.first_error.empty()) total.first_error = local.first_error;
      latencies.insert(latencies.end(), local_ms.begin(), local_ms.end());
    });
  }
  for (auto& th : threads) th.join();
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  total.latency = LatencySummary::Of(std::move(latencies));
  return total;
}

boost::json::object IngestResult::ToJson() const {
  return {{"requests", requests},
          {"objects_sent", objects_sent},
          {"objects_succeeded", objects_succeeded},
          {"objects_failed", objects_failed},
          {"objects_pending", objects_pending},
          {"failed_requests", failed_requests},
          {"connections_opened", connects},
          {"seconds", seconds},
          {"objects_per_s", ObjectsPerSecond()},
          {"request_latency", latency.ToJson()},
          {"first_error", first_error}};
}

boost::json::object PagingResult::ToJson() const {
  return {{"pages", pages},
          {"objects", objects},
          {"bytes", bytes},
          {"seconds", seconds},
          {"objects_per_s", ObjectsPerSecond()},
          {"page_latency", page_latency.ToJson()},
          {"error", error}};
}

boost::json::object GetResult::ToJson() const {
  return {{"requests", requests},
          {"found", found},
          {"errors", errors},
          {"seconds", seconds},
          {"requests_per_s", seconds > 0 ? requests / seconds : 0},
          {"latency", latency.ToJson()},
          {"first_error", first_error}};
}

}  // namespace tansiq::bench
