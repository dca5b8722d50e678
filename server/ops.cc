// Probes, version and metrics (see ops.h).
#include "server/ops.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>
#include <memory>

#include "base/mutex.h"
#include "server/errors.h"

#ifndef TANSIQ_VERSION
#define TANSIQ_VERSION "unknown"
#endif

namespace tansiq::server {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr std::string_view kPrometheus = "text/plain; version=0.0.4; charset=utf-8";

// At most one probe write in flight; every /readyz waits for the one that started after it
// arrived, or joins the one in flight. Shared by the handler and the write's completion.
class WriteProbe {
 public:
  // The generation of the probe this request waits for (starting one when none runs).
  std::uint64_t Start(hub::Hub& hub, const std::shared_ptr<WriteProbe>& self) {
    MutexLock lock(mu_);
    if (in_flight_) return started_;
    in_flight_ = true;
    const std::uint64_t gen = ++started_;
    const std::string now = std::to_string(hub.clock().NowMicros());
    hub.ProbeWrite(now, [self, gen](Status s) {
      MutexLock l(self->mu_);
      self->in_flight_ = false;
      self->finished_ = gen;
      self->last_ = std::move(s);
    });
    return gen;
  }
  std::optional<Status> Finished(std::uint64_t gen) {
    MutexLock lock(mu_);
    if (finished_ < gen) return std::nullopt;
    return last_;
  }

 private:
  Mutex mu_;
  bool in_flight_ TANSIQ_GUARDED_BY(mu_) = false;
  std::uint64_t started_ TANSIQ_GUARDED_BY(mu_) = 0;
  std::uint64_t finished_ TANSIQ_GUARDED_BY(mu_) = 0;
  Status last_ TANSIQ_GUARDED_BY(mu_);
};

Response Json(const Call& call, http::status status, const boost::json::object& o) {
  Response r = MakeResponse(call, status, boost::json::serialize(o), kJsonMediaType);
  r.set(http::field::cache_control, "no-store");
  return r;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string Gauge(std::string_view name, std::string_view help, double value) {
  char v[64];
  std::snprintf(v, sizeof v, "%.6g", value);
  return "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) +
         " gauge\n" + std::string(name) + " " + v + "\n";
}

std::string StoreMetrics(hub::Hub& hub) {
  const store::StoreStats st = hub.store_stats();
  std::string out;
  out += Gauge("tansiq_store_write_queue", "Write jobs waiting for the writer thread.",
               static_cast<double>(st.write_queue));
  out += Gauge("tansiq_store_writer_wait_seconds",
               "How long the oldest waiting write (or the batch in hand) has waited.",
               Seconds(st.writer_wait));
  out += Gauge("tansiq_store_wal_bytes", "Size of the SQLite write-ahead log (-1: none).",
               static_cast<double>(st.wal_bytes));
  out += Gauge("tansiq_store_schema_version", "Applied schema migrations.", st.schema_version);
  out +=
      "# HELP tansiq_store_commit_duration_seconds Group commits (BEGIN to COMMIT, fsync "
      "included).\n# TYPE tansiq_store_commit_duration_seconds histogram\n";
  out += PrometheusHistogram("tansiq_store_commit_duration_seconds", "",
                             store::StoreStats::kCommitBuckets, st.commit_buckets, st.commits,
                             st.commit_seconds);
  const auto feed = hub.commits().backlog();
  out += Gauge("tansiq_analysis_backlog",
               "Committed writes not yet handled after commit (analysis, watch rules).",
               static_cast<double>(feed.events));
  out += Gauge("tansiq_analysis_lag_seconds",
               "How long the oldest of them has waited (search is indexed in the write itself: "
               "no lag).",
               Seconds(feed.oldest_wait));
  out += Gauge("tansiq_analysis_dropped_total",
               "Commit events dropped on overflow (recovered by the analysis backfill).",
               static_cast<double>(hub.commits().dropped()));
  return out;
}

}  // namespace

std::string_view Version() { return TANSIQ_VERSION; }

void RegisterOps(Router& router, hub::Hub& hub, Messaging& m, const HttpMetrics& http_metrics,
                 ReadinessOptions readiness) {
  router.Add(
      http::verb::get, "/livez",
      [](Call& call) -> awaitable<Response> {
        co_return Json(call, http::status::ok, {{"status", "ok"}});
      },
      Router::Access::kPublic);

  auto probe = std::make_shared<WriteProbe>();
  Handler ready = [&hub, probe, readiness](Call& call) -> awaitable<Response> {
    const store::StoreStats st = hub.store_stats();
    boost::json::object checks;
    std::string failed;
    auto check = [&](std::string_view name, bool ok, std::string detail) {
      checks[name] = ok ? "ok" : detail;
      if (!ok && failed.empty()) failed = std::string(name) + ": " + detail;
    };
    check("schema", st.schema_version == st.schema_latest,
          "database schema version " + std::to_string(st.schema_version) + ", this build needs " +
              std::to_string(st.schema_latest));
    const bool writer_moving = st.writer_wait < readiness.max_writer_wait;
    check("writer", writer_moving,
          "the oldest queued write has waited " +
              std::to_string(static_cast<int>(Seconds(st.writer_wait))) + " s");
    if (writer_moving) {
      const std::uint64_t gen = probe->Start(hub, probe);
      asio::steady_timer timer(co_await asio::this_coro::executor);
      const auto deadline = std::chrono::steady_clock::now() + readiness.write_timeout;
      auto pause = std::chrono::milliseconds(1);
      std::optional<Status> result;
      while (!(result = probe->Finished(gen)) && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(pause);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
      }
      if (!result) {
        check("database", false,
              "a probe write did not commit within " +
                  std::to_string(readiness.write_timeout.count()) + " ms (writer stalled)");
      } else {
        check("database", result->ok(), "not writable: " + result->message());
      }
    }
    boost::json::object body{{"status", failed.empty() ? "ready" : "not ready"},
                             {"checks", std::move(checks)}};
    if (failed.empty()) co_return Json(call, http::status::ok, body);
    Response r = Json(call, http::status::service_unavailable, body);
    r.set(http::field::retry_after, "5");
    co_return r;
  };
  router.Add(http::verb::get, "/readyz", ready, Router::Access::kPublic);
  router.Add(http::verb::get, "/healthz", ready, Router::Access::kPublic);

  router.Add(
      http::verb::get, "/version",
      [&hub](Call& call) -> awaitable<Response> {
        const store::StoreStats st = hub.store_stats();
        co_return Json(
            call, http::status::ok,
            {{"name", "tansiq"}, {"version", Version()}, {"schema_version", st.schema_version}});
      },
      Router::Access::kPublic);

  // Hub-wide statistics: counts of every party's traffic, so hub administrators only.
  router.Add(
      http::verb::get, "/metrics", [&m, &hub, &http_metrics](Call& call) -> awaitable<Response> {
        if (!(call.reader->roles & policy::kHubAdmin)) {
          co_return ErrorResponse(
              call, Status(ErrorCode::kPermissionDenied, "metrics are for hub administrators"));
        }
        std::string text = m.messenger.Metrics();
        text += m.webhooks->Metrics();
        text += "# HELP tansiq_stream_sessions Open push stream sessions.\n";
        text += "# TYPE tansiq_stream_sessions gauge\n";
        text += "tansiq_stream_sessions " + std::to_string(m.streams.sessions()) + "\n";
        text += http_metrics.Prometheus();
        text += StoreMetrics(hub);
        co_return MakeResponse(call, http::status::ok, std::move(text), kPrometheus);
      });
}

}  // namespace tansiq::server
