// Measurement helpers for taxii_bench: latency percentiles, machine facts, process CPU/RSS
// samples from /proc, and the human table printer. No I/O beyond /proc and stdout.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace tansiq::bench {

// Percentiles of per-request latencies (nearest-rank), in milliseconds.
struct LatencySummary {
  std::uint64_t count = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
  // The distribution: (percentile, ms) at kCurvePercentiles, for charts (bench/chart).
  std::vector<std::pair<double, double>> curve;
  static constexpr double kCurvePercentiles[] = {0,  1,  5,  10, 20, 30, 40,   50,   60,    70,
                                                 80, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99, 100};

  static LatencySummary Of(std::vector<double> samples_ms);
  boost::json::object ToJson() const;
};

struct MachineInfo {
  unsigned nproc = 0;
  std::string cpu_model;
  std::uint64_t mem_total_kb = 0;
  std::string kernel;

  static MachineInfo Probe();
  boost::json::object ToJson() const;
};

// CPU seconds (user+system) and resident memory of a process, read from /proc/<pid>.
struct ProcessSample {
  bool valid = false;
  double cpu_seconds = 0;
  std::uint64_t rss_kb = 0;

  static ProcessSample Of(int pid);  // pid <= 0: this process
};

// One line of the goals table; `pass` is informative only.
struct Goal {
  std::string name;
  std::string target;
  double measured = 0;
  std::string unit;
  bool pass = false;
  std::string note;
};

// The goals as JSON (for the results file).
boost::json::array GoalsJson(const std::vector<Goal>& goals);

// Pretty table: rows of cells, first row is the header.
void PrintTable(const std::string& title, const std::vector<std::vector<std::string>>& rows);

std::string Fixed(double value, int decimals);
std::string WithThousands(double value);  // 123456.7 -> "123,457"

}  // namespace tansiq::bench
