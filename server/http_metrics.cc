// HTTP request metrics.
#include "server/http_metrics.h"

namespace tansiq::server {

std::string PrometheusLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void HttpMetrics::Observe(std::string_view method, std::string_view route, unsigned status,
                          double seconds, std::size_t response_bytes) {
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  MutexLock lock(mu_);
  Series& s = series_[{std::string(method), std::string(route), status}];
  ++s.count;
  s.seconds += seconds;
  s.bytes += response_bytes;
  if (b < s.buckets.size()) ++s.buckets[b];
}

std::string HttpMetrics::Prometheus() const {
  MutexLock lock(mu_);
  std::string counts =
      "# HELP tansiq_http_requests_total HTTP requests answered, by method, route template and "
      "status.\n# TYPE tansiq_http_requests_total counter\n";
  std::string bytes =
      "# HELP tansiq_http_response_bytes_total Response body bytes sent.\n"
      "# TYPE tansiq_http_response_bytes_total counter\n";
  std::string latency =
      "# HELP tansiq_http_request_duration_seconds Time from a request read to its response "
      "ready.\n# TYPE tansiq_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : series_) {
    const auto& [method, route, status] = key;
    const std::string labels = "method=\"" + PrometheusLabel(method) + "\",route=\"" +
                               PrometheusLabel(route) + "\",status=\"" + std::to_string(status) +
                               "\"";
    counts += "tansiq_http_requests_total{" + labels + "} " + std::to_string(s.count) + "\n";
    bytes += "tansiq_http_response_bytes_total{" + labels + "} " + std::to_string(s.bytes) + "\n";
    latency += PrometheusHistogram("tansiq_http_request_duration_seconds", labels, kBuckets,
                                   s.buckets, s.count, s.seconds);
  }
  return counts + bytes + latency;
}

}  // namespace tansiq::server
