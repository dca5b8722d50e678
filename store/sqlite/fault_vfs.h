// Fault injection at the SQLite I/O seam, for tests only: a VFS that wraps the default one and,
// when asked, fails or slows the write path (disk full, fsync failure, read-only, slow disk).
// Off unless installed; `tansiq serve` installs it only when TANSIQ_FAULT_FILE is set.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tansiq::store::sqlite {

// One fault mode. Reads are never faulted.
struct Fault {
  enum class Kind {
    kNone,
    kDiskFull,  // every write and truncate-to-grow fails with SQLITE_FULL
    kFsync,     // every sync fails with SQLITE_IOERR_FSYNC (writes still land)
    kReadOnly,  // every write/truncate fails with SQLITE_READONLY; files cannot be created
    kSlow,      // every write and sync first sleeps `delay`
  };
  Kind kind = Kind::kNone;
  std::chrono::microseconds delay{0};
};

// Parses the control text: "none" (or empty), "full", "fsync", "readonly", "slow <n>ms"
// (also "us" and "s"; a bare number is milliseconds). Surrounding whitespace is ignored.
Result<Fault> ParseFault(std::string_view text);
std::string FaultName(const Fault& f);

// Registers the fault VFS ("tansiq-fault") as the process default, wrapping the default VFS
// that was registered before. Idempotent; affects connections opened afterwards. With a
// non-empty `control_file`, the current fault is read from that file: each faultable call
// stat()s it and re-reads it when its inode, size or mtime changed (write it atomically:
// write a temporary file and rename it over). A missing file means "none"; unparsable
// content means "none" too, with one warning on stderr per change.
Status InstallFaultVfs(const std::string& control_file = "");

// Sets the fault directly (tests in-process); overrides the control file until it changes.
void SetFault(const Fault& fault);
Fault CurrentFault();
// How many I/O calls the VFS has failed or delayed since it was installed.
std::uint64_t InjectedFaults();

}  // namespace tansiq::store::sqlite
