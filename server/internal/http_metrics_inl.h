// PrometheusHistogram's definition (a template over the bucket count), included by
// server/http_metrics.h.
#pragma once

#include <cstdio>

namespace tansiq::server {

template <std::size_t N>
std::string PrometheusHistogram(std::string_view name, std::string_view labels,
                                const std::array<double, N>& bounds,
                                const std::array<std::uint64_t, N>& counts, std::uint64_t total,
                                double sum) {
  std::string out;
  const std::string sep = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  char le[32];
  for (std::size_t i = 0; i < N; ++i) {
    cumulative += counts[i];
    std::snprintf(le, sizeof le, "%g", bounds[i]);
    out += std::string(name) + "_bucket{" + std::string(labels) + sep + "le=\"" + le + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += std::string(name) + "_bucket{" + std::string(labels) + sep + "le=\"+Inf\"} " +
         std::to_string(total) + "\n";
  const std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  char s[64];
  std::snprintf(s, sizeof s, "%.6f", sum);
  out += std::string(name) + "_sum" + braces + " " + s + "\n";
  out += std::string(name) + "_count" + braces + " " + std::to_string(total) + "\n";
  return out;
}

}  // namespace tansiq::server
