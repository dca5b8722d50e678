// One-sided Poisson test for a rise in the latest bucket.
#include "analysis/trend.h"

#include <cmath>

namespace tansiq::analysis {

double PoissonTail(std::int64_t k, double lambda) {
  if (k <= 0) return 1.0;
  // 1 - P(X <= k-1), summing the pmf in log space to stay stable for large k.
  double cdf = 0;
  double log_pmf = -lambda;  // k = 0
  for (std::int64_t i = 0; i < k; ++i) {
    if (i > 0) log_pmf += std::log(lambda) - std::log(static_cast<double>(i));
    cdf += std::exp(log_pmf);
  }
  double tail = 1.0 - cdf;
  return tail < 0 ? 0 : tail;
}

Trend DetectTrend(const std::vector<std::int64_t>& counts) {
  if (counts.empty()) return Trend{};
  const auto n = static_cast<std::int64_t>(counts.size()) - 1;
  std::int64_t sum = 0;
  for (std::int64_t i = 0; i < n; ++i) sum += counts[static_cast<std::size_t>(i)];
  return DetectTrend(sum, n, counts.back());
}

Trend DetectTrend(std::int64_t earlier_sum, std::int64_t earlier_buckets, std::int64_t current) {
  Trend t;
  t.current = current;
  const std::int64_t n = earlier_buckets;
  const std::int64_t sum = earlier_sum;
  t.baseline = n > 0 ? (static_cast<double>(sum) + 0.5) / static_cast<double>(n) : 0.5;
  t.p_value = PoissonTail(t.current, t.baseline);
  t.rising = n >= kMinBaselineBuckets && t.current >= kMinRiseCount &&
             static_cast<double>(t.current) > t.baseline && t.p_value < kRiseP;
  return t;
}

}  // namespace tansiq::analysis
