// The Messenger's metrics (Prometheus text).
#include "hub/internal/delivery_metrics.h"

namespace tansiq::hub::internal {

void DeliveryMetrics::CountSent(dissem::Precedence p) {
  MutexLock lock(mu_);
  ++sent_[dissem::Index(p)];
}

void DeliveryMetrics::Add(const std::vector<dissem::LatencySample>& samples) {
  MutexLock lock(mu_);
  for (const auto& s : samples) histograms_.Add(s);
}

std::string DeliveryMetrics::Text(std::size_t tracked) const {
  std::string out;
  {
    MutexLock lock(mu_);
    histograms_.Write(out);
    out += "# HELP tansiq_messages_sent_total Messages accepted for dissemination.\n";
    out += "# TYPE tansiq_messages_sent_total counter\n";
    for (dissem::Precedence p : dissem::kAllPrecedences) {
      out += "tansiq_messages_sent_total{precedence=\"" + std::string(dissem::PrecedenceName(p)) +
             "\"} " + std::to_string(sent_[dissem::Index(p)]) + "\n";
    }
  }
  out += "# HELP tansiq_messages_tracked Messages with deliveries held in memory.\n";
  out += "# TYPE tansiq_messages_tracked gauge\n";
  out += "tansiq_messages_tracked " + std::to_string(tracked) + "\n";
  return out;
}

}  // namespace tansiq::hub::internal
