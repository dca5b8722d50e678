// Latency percentiles, /proc probes and table printing for taxii_bench.
#include "bench/report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>
#include <thread>

namespace tansiq::bench {

LatencySummary LatencySummary::Of(std::vector<double> samples_ms) {
  LatencySummary s;
  if (samples_ms.empty()) return s;
  std::sort(samples_ms.begin(), samples_ms.end());
  s.count = samples_ms.size();
  auto rank = [&](double q) {
    const auto n = samples_ms.size();
    auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
    return samples_ms[std::min(n - 1, i == 0 ? 0 : i - 1)];
  };
  s.p50_ms = rank(0.50);
  s.p90_ms = rank(0.90);
  s.p99_ms = rank(0.99);
  s.max_ms = samples_ms.back();
  for (double p : kCurvePercentiles)
    s.curve.emplace_back(p, p == 0 ? samples_ms.front() : rank(p / 100));
  s.mean_ms = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) /
              static_cast<double>(samples_ms.size());
  return s;
}

boost::json::object LatencySummary::ToJson() const {
  boost::json::array points;
  for (const auto& [p, ms] : curve) points.push_back(boost::json::array{p, ms});
  return {{"count", count},
          {"p50_ms", p50_ms},
          {"p90_ms", p90_ms},
          {"p99_ms", p99_ms},
          {"max_ms", max_ms},
          {"mean_ms", mean_ms},
          {"percentiles_ms", std::move(points)}};
}

MachineInfo MachineInfo::Probe() {
  MachineInfo m;
  m.nproc = std::thread::hardware_concurrency();
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos)
        m.cpu_model = line.substr(line.find_first_not_of(" \t", colon + 1));
      break;
    }
  }
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.rfind("MemTotal:", 0) == 0) {
      std::istringstream in(line.substr(9));
      in >> m.mem_total_kb;
      break;
    }
  }
  utsname u{};
  if (uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
  return m;
}

boost::json::object MachineInfo::ToJson() const {
  return {{"nproc", nproc},
          {"cpu_model", cpu_model},
          {"mem_total_kb", mem_total_kb},
          {"kernel", kernel}};
}

ProcessSample ProcessSample::Of(int pid) {
  ProcessSample s;
  const std::string dir = pid > 0 ? "/proc/" + std::to_string(pid) : "/proc/self";
  std::ifstream stat(dir + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return s;
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  auto close = text.rfind(')');
  if (close == std::string::npos) return s;
  std::istringstream in(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  s.cpu_seconds = static_cast<double>(utime + stime) / ticks;
  std::ifstream status(dir + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream rss(line.substr(6));
      rss >> s.rss_kb;
    }
  }
  s.valid = true;
  return s;
}

void PrintTable(const std::string& title, const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::cout << "\n" << title << "\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line = " ";
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      const std::string& cell = rows[r][i];
      const std::string pad(width[i] - cell.size(), ' ');
      // Numbers right-aligned, text left-aligned; headers follow their column's first cell.
      const std::string& sample =
          r == 0 && rows.size() > 1 && i < rows[1].size() ? rows[1][i] : cell;
      const bool numeric = i > 0 && !sample.empty() &&
                           (std::isdigit(static_cast<unsigned char>(sample[0])) ||
                            sample[0] == '-' || sample[0] == '>' || sample[0] == '<');
      line += numeric ? pad + cell : cell + pad;
      line += "  ";
    }
    std::cout << line << "\n";
    if (r == 0) {
      std::size_t total = 1;
      for (auto w : width) total += w + 2;
      std::cout << " " << std::string(total - 3, '-') << "\n";
    }
  }
}

std::string Fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

std::string WithThousands(double value) {
  std::string digits = Fixed(std::round(value), 0);
  std::string out;
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

boost::json::array GoalsJson(const std::vector<Goal>& goals) {
  boost::json::array out;
  for (const Goal& g : goals) {
    out.push_back(boost::json::object{{"name", g.name},
                                      {"target", g.target},
                                      {"measured", g.measured},
                                      {"unit", g.unit},
                                      {"pass", g.pass},
                                      {"note", g.note}});
  }
  return out;
}

}  // namespace tansiq::bench
