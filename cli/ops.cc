// Install-relative default paths and the audit export.
#include "cli/ops.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <system_error>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "hub/hub.h"
#include "stix/timestamp.h"
#include "store/store.h"

namespace tansiq::cli {
namespace fs = std::filesystem;
namespace {

// <prefix>/share/tansiq/<leaf> of the running executable <prefix>/bin/tansiq, if a folder.
std::string Installed(std::string_view leaf) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const fs::path dir = exe.parent_path().parent_path() / "share" / "tansiq" / leaf;
  return fs::is_directory(dir, ec) ? dir.string() : "";
}

}  // namespace

std::string DefaultWebRoot(const std::string& fallback) {
  std::string dir = Installed("web");
  return dir.empty() ? fallback : dir;
}

std::string InstalledDataDir() { return Installed("data"); }

int AuditExport(const std::string& db, std::int64_t from_seq) {
  auto hub = hub::Hub::Open({.db_path = db});
  if (!hub.ok()) {
    spdlog::error("{}", hub.status().message());
    return 1;
  }
  Status s = (*hub)->store().ScanAudit([&](const store::AuditRecord& r) {
    if (r.seq < from_seq) return true;
    boost::json::object o{{"seq", r.seq},         {"time", stix::FormatMicros(r.at)},
                          {"actor", r.actor},     {"party", r.party},
                          {"action", r.action},   {"target", r.target},
                          {"outcome", r.outcome}, {"prev_hash", r.prev_hash},
                          {"hash", r.hash}};
    std::cout << boost::json::serialize(o) << '\n';
    return static_cast<bool>(std::cout);
  });
  std::cout.flush();
  if (!s.ok()) {
    spdlog::error("{}", s.message());
    return 1;
  }
  return 0;
}

}  // namespace tansiq::cli
