// The Messenger's metrics for GET /metrics: delivery and acknowledgement latency histograms
// per precedence, and messages sent. Internal to hub/.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base/mutex.h"
#include "dissem/delivery.h"
#include "dissem/message.h"

namespace tansiq::hub::internal {

// Latency histograms for GET /metrics, cumulative since start.
class Histograms {
 public:
  // Seconds: fine below a second (push latency), coarse above (acknowledgement by people).
  static constexpr std::array<double, 20> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,    1,     2.5,  5,     10,   30,
                                                     60,    120,    300,   600,  1800,  3600};
  void Add(const dissem::LatencySample& s) {
    Series& h = series_[dissem::Index(s.precedence)][static_cast<int>(s.kind)];
    const double seconds = static_cast<double>(s.latency) / 1e6;
    for (std::size_t i = 0; i < kBounds.size(); ++i) {
      if (seconds <= kBounds[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
  }
  void Write(std::string& out) const {
    const char* names[2] = {"tansiq_delivery_latency_seconds", "tansiq_ack_latency_seconds"};
    const char* help[2] = {"Time from sending a message to its first delivery to a recipient.",
                           "Time from sending a message to a recipient's acknowledgement."};
    for (int k = 0; k < 2; ++k) {
      out += std::string("# HELP ") + names[k] + " " + help[k] + "\n";
      out += std::string("# TYPE ") + names[k] + " histogram\n";
      for (dissem::Precedence p : dissem::kAllPrecedences) {
        const Series& h = series_[dissem::Index(p)][k];
        const std::string label = "precedence=\"" + std::string(dissem::PrecedenceName(p)) + "\"";
        for (std::size_t i = 0; i < kBounds.size(); ++i) {
          out += std::string(names[k]) + "_bucket{" + label + ",le=\"" + Number(kBounds[i]) +
                 "\"} " + std::to_string(h.buckets[i]) + "\n";
        }
        out += std::string(names[k]) + "_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(h.count) + "\n";
        out += std::string(names[k]) + "_sum{" + label + "} " + Number(h.sum) + "\n";
        out += std::string(names[k]) + "_count{" + label + "} " + std::to_string(h.count) + "\n";
      }
    }
  }

 private:
  static std::string Number(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    return buf;
  }
  struct Series {
    std::array<std::uint64_t, kBounds.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::array<std::array<Series, 2>, dissem::kPrecedenceCount> series_{};
};

// Histograms and counters, cumulative since start. One per Messenger; thread-safe.
class DeliveryMetrics {
 public:
  void CountSent(dissem::Precedence p);
  void Add(const std::vector<dissem::LatencySample>& samples);
  // Prometheus text: the histograms, tansiq_messages_sent_total and, as a gauge,
  // tansiq_messages_tracked = `tracked`.
  std::string Text(std::size_t tracked) const;

 private:
  mutable Mutex mu_;
  Histograms histograms_ TANSIQ_GUARDED_BY(mu_);
  std::array<std::uint64_t, dissem::kPrecedenceCount> sent_ TANSIQ_GUARDED_BY(mu_){};
};

}  // namespace tansiq::hub::internal
