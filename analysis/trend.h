// Trend detection: is the latest bucket's count a rise against the series' own baseline?
// A one-sided Poisson test against the mean of the earlier buckets. Pure.
#pragma once

#include <cstdint>
#include <vector>

namespace tansiq::analysis {

struct Trend {
  std::int64_t current = 0;
  double baseline = 0;  // mean count per bucket before the latest
  double p_value = 1;   // P(X >= current | Poisson(baseline))
  bool rising = false;
};

inline constexpr int kMinBaselineBuckets = 7;
inline constexpr std::int64_t kMinRiseCount = 3;
inline constexpr double kRiseP = 0.01;

// `counts`: oldest first, the last element is the bucket under test. Rising when there are at
// least kMinBaselineBuckets earlier buckets, current ≥ kMinRiseCount, current > baseline and
// p < kRiseP. The baseline is smoothed (+0.5 over the window) so an empty history is not 0.
Trend DetectTrend(const std::vector<std::int64_t>& counts);

// The same test from the sums alone: `earlier_sum` counted over `earlier_buckets` buckets before
// the one under test, which counted `current` — so a long, sparse series needs no dense vector.
Trend DetectTrend(std::int64_t earlier_sum, std::int64_t earlier_buckets, std::int64_t current);

// P(X >= k) for X ~ Poisson(lambda).
double PoissonTail(std::int64_t k, double lambda);

}  // namespace tansiq::analysis
