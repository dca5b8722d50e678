// Counts of HTTP requests and their latencies by method, route template and status, for
// GET /metrics (Prometheus text format).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "base/mutex.h"

namespace tansiq::server {

// Thread-safe. Owned by Serve(); sessions record into it, /metrics reads it. Label values are
// route templates ("/taxii2/hub/collections/{}/objects/"), never request paths, so the number
// of series is bounded by the route table.
class HttpMetrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

  void Observe(std::string_view method, std::string_view route, unsigned status, double seconds,
               std::size_t response_bytes);
  // tansiq_http_requests_total, tansiq_http_request_duration_seconds (histogram),
  // tansiq_http_response_bytes_total.
  std::string Prometheus() const;

 private:
  struct Series {
    std::uint64_t count = 0;
    double seconds = 0;
    std::uint64_t bytes = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
  };
  mutable Mutex mu_;
  std::map<std::tuple<std::string, std::string, unsigned>, Series> series_ TANSIQ_GUARDED_BY(mu_);
};

// A Prometheus histogram's lines (_bucket cumulative with +Inf, _sum, _count) for `name` with
// the label text `labels` ("" or `a="b",c="d"`).
template <std::size_t N>
std::string PrometheusHistogram(std::string_view name, std::string_view labels,
                                const std::array<double, N>& bounds,
                                const std::array<std::uint64_t, N>& counts, std::uint64_t total,
                                double sum);

// The escaped value of a Prometheus label ("\\", "\"" and newlines escaped).
std::string PrometheusLabel(std::string_view value);

}  // namespace tansiq::server

#include "server/internal/http_metrics_inl.h"
