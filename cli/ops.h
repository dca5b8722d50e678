// The tansiq command's operator helpers: where an installed tansiq finds its web UI and
// reference data, and `tansiq audit export` for a SIEM.
#pragma once

#include <cstdint>
#include <string>

namespace tansiq::cli {

// The default --web-root and data folder (aliases, gazetteer): <prefix>/share/tansiq/{web,data}
// when the running executable is <prefix>/bin/tansiq and that folder exists (an installed tansiq,
// wherever it was installed), else the build tree's (`fallback`, compiled in).
std::string DefaultWebRoot(const std::string& fallback);
// The installed data folder, or "" when not installed (the hub then uses its compiled-in one).
std::string InstalledDataDir();

// Prints the audit records with seq >= `from_seq` as JSON lines (seq, time, actor, party,
// action, target, outcome, prev_hash, hash) to stdout, in chain order.
int AuditExport(const std::string& db, std::int64_t from_seq);

}  // namespace tansiq::cli
