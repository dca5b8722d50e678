// The fault-injecting SQLite VFS (tests only): forwards every call to the VFS that was the
// default before it, and fails or delays the write path when a fault is set.
#include "store/sqlite/fault_vfs.h"

#include "base/mutex.h"
#include "base/thread_annotations.h"
#include "store/sqlite/sqlite.h"
#include "store/store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace tansiq::store::sqlite {
namespace {

// The current fault, from SetFault or the control file. Thread-safe (one mutex, held only to
// read or update these fields, never during the faulted I/O or sleeps).
struct FaultState {
  Mutex mu;
  std::string control_file TANSIQ_GUARDED_BY(mu);  // empty: only SetFault decides
  bool seen TANSIQ_GUARDED_BY(mu) = false;         // the control file existed at the last stat
  ino_t ino TANSIQ_GUARDED_BY(mu) = 0;
  off_t size TANSIQ_GUARDED_BY(mu) = 0;
  timespec mtime TANSIQ_GUARDED_BY(mu){};
  Fault fault TANSIQ_GUARDED_BY(mu);
  std::atomic<std::uint64_t> injected{0};
};

FaultState& State() {
  static FaultState state;
  return state;
}

// Re-reads the control file when it changed since the last call.
void PollControlFile(FaultState& s) TANSIQ_REQUIRES(s.mu) {
  if (s.control_file.empty()) return;
  struct stat st {};
  if (::stat(s.control_file.c_str(), &st) != 0) {
    if (s.seen) s.fault = Fault{};
    s.seen = false;
    return;
  }
  if (s.seen && st.st_ino == s.ino && st.st_size == s.size && st.st_mtim.tv_sec == s.mtime.tv_sec &&
      st.st_mtim.tv_nsec == s.mtime.tv_nsec) {
    return;
  }
  s.seen = true;
  s.ino = st.st_ino;
  s.size = st.st_size;
  s.mtime = st.st_mtim;
  std::ifstream in(s.control_file);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = ParseFault(text.str());
  if (parsed.ok()) {
    s.fault = *parsed;
  } else {
    s.fault = Fault{};
    std::fprintf(stderr, "tansiq fault vfs: %s: %s (no fault)\n", s.control_file.c_str(),
                 parsed.status().message().c_str());
  }
}

Fault Current() {
  FaultState& s = State();
  MutexLock lock(s.mu);
  PollControlFile(s);
  return s.fault;
}

int Injected(int rc) {
  State().injected.fetch_add(1, std::memory_order_relaxed);
  return rc;
}

void Delay(const Fault& f) {
  if (f.kind == Fault::Kind::kSlow && f.delay.count() > 0) {
    State().injected.fetch_add(1, std::memory_order_relaxed);
    std::this_thread::sleep_for(f.delay);
  }
}

// The wrapped VFS; set once by InstallFaultVfs.
sqlite3_vfs* g_real = nullptr;

// An open file: our header, then the real VFS's file object in the same allocation.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }
const sqlite3_io_methods& M(sqlite3_file* f) { return *Real(f)->pMethods; }

int Close(sqlite3_file* f) { return M(f).xClose(Real(f)); }

int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return M(f).xRead(Real(f), buf, n, off);
}

int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  Fault fault = Current();
  if (fault.kind == Fault::Kind::kDiskFull) return Injected(SQLITE_FULL);
  if (fault.kind == Fault::Kind::kReadOnly) return Injected(SQLITE_READONLY);
  Delay(fault);
  return M(f).xWrite(Real(f), buf, n, off);
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  Fault fault = Current();
  if (fault.kind == Fault::Kind::kReadOnly) return Injected(SQLITE_READONLY);
  return M(f).xTruncate(Real(f), size);
}

int Sync(sqlite3_file* f, int flags) {
  Fault fault = Current();
  if (fault.kind == Fault::Kind::kFsync) return Injected(SQLITE_IOERR_FSYNC);
  Delay(fault);
  return M(f).xSync(Real(f), flags);
}

int FileSize(sqlite3_file* f, sqlite3_int64* size) { return M(f).xFileSize(Real(f), size); }
int Lock(sqlite3_file* f, int level) { return M(f).xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return M(f).xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) { return M(f).xCheckReservedLock(Real(f), out); }

int FileControl(sqlite3_file* f, int op, void* arg) {
  // Preallocation is where a real full disk often shows first.
  if (op == SQLITE_FCNTL_SIZE_HINT) {
    Fault fault = Current();
    if (fault.kind == Fault::Kind::kDiskFull) return Injected(SQLITE_FULL);
    if (fault.kind == Fault::Kind::kReadOnly) return Injected(SQLITE_READONLY);
  }
  return M(f).xFileControl(Real(f), op, arg);
}

int SectorSize(sqlite3_file* f) { return M(f).xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) { return M(f).xDeviceCharacteristics(Real(f)); }

int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return M(f).xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return M(f).xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { M(f).xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) { return M(f).xShmUnmap(Real(f), delete_flag); }
int Fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return M(f).xFetch(Real(f), off, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return M(f).xUnfetch(Real(f), off, p); }

// Version 3 methods; only installed over real files whose methods are version 3 too (the
// unix VFS's are), checked in Open.
const sqlite3_io_methods kMethods = {3,
                                     Close,
                                     Read,
                                     Write,
                                     Truncate,
                                     Sync,
                                     FileSize,
                                     Lock,
                                     Unlock,
                                     CheckReservedLock,
                                     FileControl,
                                     SectorSize,
                                     DeviceCharacteristics,
                                     ShmMap,
                                     ShmLock,
                                     ShmBarrier,
                                     ShmUnmap,
                                     Fetch,
                                     Unfetch};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* ff = reinterpret_cast<FaultFile*>(f);
  ff->base.pMethods = nullptr;
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  std::memset(ff->real, 0, static_cast<std::size_t>(g_real->szOsFile));
  if (Current().kind == Fault::Kind::kReadOnly && (flags & SQLITE_OPEN_CREATE) && name) {
    struct stat st {};
    if (::stat(name, &st) != 0) return Injected(SQLITE_CANTOPEN);
  }
  int rc = g_real->xOpen(g_real, name, ff->real, flags, out_flags);
  if (ff->real->pMethods) {
    if (ff->real->pMethods->iVersion < 3) {
      ff->real->pMethods->xClose(ff->real);
      ff->real->pMethods = nullptr;
      return SQLITE_CANTOPEN;
    }
    ff->base.pMethods = &kMethods;
  }
  return rc;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (Current().kind == Fault::Kind::kReadOnly) return Injected(SQLITE_IOERR_DELETE);
  return g_real->xDelete(g_real, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* DlOpen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void DlError(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*DlSym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return g_real->xDlSym(g_real, h, sym);
}
void DlClose(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int Randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int Sleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int CurrentTime(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int GetLastError(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0;
}
int CurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}
int SetSystemCall(sqlite3_vfs*, const char* name, sqlite3_syscall_ptr p) {
  return g_real->xSetSystemCall(g_real, name, p);
}
sqlite3_syscall_ptr GetSystemCall(sqlite3_vfs*, const char* name) {
  return g_real->xGetSystemCall(g_real, name);
}
const char* NextSystemCall(sqlite3_vfs*, const char* name) {
  return g_real->xNextSystemCall(g_real, name);
}

sqlite3_vfs g_vfs;

std::once_flag g_install_once;
Status g_install_status;

}  // namespace

Result<Fault> ParseFault(std::string_view text) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  };
  text = trim(text);
  Fault f;
  if (text.empty() || text == "none") return f;
  if (text == "full") {
    f.kind = Fault::Kind::kDiskFull;
    return f;
  }
  if (text == "fsync") {
    f.kind = Fault::Kind::kFsync;
    return f;
  }
  if (text == "readonly") {
    f.kind = Fault::Kind::kReadOnly;
    return f;
  }
  if (text.substr(0, 5) == "slow ") {
    std::string_view arg = trim(text.substr(5));
    std::size_t digits = 0;
    while (digits < arg.size() && std::isdigit(static_cast<unsigned char>(arg[digits]))) ++digits;
    if (digits == 0 || digits > 9) return InvalidArgument("slow: expected a delay like 50ms");
    long long n = std::stoll(std::string(arg.substr(0, digits)));
    std::string_view unit = arg.substr(digits);
    long long us = 0;
    if (unit.empty() || unit == "ms") {
      us = n * 1000;
    } else if (unit == "us") {
      us = n;
    } else if (unit == "s") {
      us = n * 1'000'000;
    } else {
      return InvalidArgument("slow: unit must be us, ms or s");
    }
    f.kind = Fault::Kind::kSlow;
    f.delay = std::chrono::microseconds(us);
    return f;
  }
  return InvalidArgument("unknown fault '" + std::string(text) +
                         "' (none, full, fsync, readonly, slow <n>ms)");
}

std::string FaultName(const Fault& f) {
  switch (f.kind) {
    case Fault::Kind::kNone:
      return "none";
    case Fault::Kind::kDiskFull:
      return "full";
    case Fault::Kind::kFsync:
      return "fsync";
    case Fault::Kind::kReadOnly:
      return "readonly";
    case Fault::Kind::kSlow:
      return "slow " + std::to_string(f.delay.count()) + "us";
  }
  return "none";
}

Status InstallFaultVfs(const std::string& control_file) {
  std::call_once(g_install_once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (!g_real) {
      g_install_status = Internal("fault vfs: no default SQLite VFS");
      return;
    }
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = std::min(g_real->iVersion, 3);
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = "tansiq-fault";
    g_vfs.xOpen = Open;
    g_vfs.xDelete = Delete;
    g_vfs.xAccess = Access;
    g_vfs.xFullPathname = FullPathname;
    g_vfs.xDlOpen = DlOpen;
    g_vfs.xDlError = DlError;
    g_vfs.xDlSym = DlSym;
    g_vfs.xDlClose = DlClose;
    g_vfs.xRandomness = Randomness;
    g_vfs.xSleep = Sleep;
    g_vfs.xCurrentTime = CurrentTime;
    g_vfs.xGetLastError = GetLastError;
    g_vfs.xCurrentTimeInt64 = CurrentTimeInt64;
    g_vfs.xSetSystemCall = SetSystemCall;
    g_vfs.xGetSystemCall = GetSystemCall;
    g_vfs.xNextSystemCall = NextSystemCall;
    int rc = sqlite3_vfs_register(&g_vfs, /*makeDflt=*/1);
    if (rc != SQLITE_OK) {
      g_install_status = Internal(std::string("fault vfs: ") + sqlite3_errstr(rc));
    }
  });
  if (!g_install_status.ok()) return g_install_status;
  FaultState& s = State();
  MutexLock lock(s.mu);
  if (!control_file.empty()) {
    s.control_file = control_file;
    s.seen = false;
    PollControlFile(s);
  }
  return Status::Ok();
}

void SetFault(const Fault& fault) {
  FaultState& s = State();
  MutexLock lock(s.mu);
  PollControlFile(s);  // so an unchanged control file does not override this at the next call
  s.fault = fault;
}

Fault CurrentFault() { return Current(); }

std::uint64_t InjectedFaults() { return State().injected.load(std::memory_order_relaxed); }

}  // namespace tansiq::store::sqlite

namespace tansiq::store {

Status InstallSqliteFaultInjection(const std::string& control_file) {
  return sqlite::InstallFaultVfs(control_file);
}

}  // namespace tansiq::store
