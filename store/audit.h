// The audit role of the Store: the hash-chained audit log and the signed seals over its head.
// audit/ computes the chain; the store persists records verbatim, in order.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace tansiq::store {

// One audit record. audit/ computes the hash chain; the store persists it verbatim.
struct AuditRecord {
  std::int64_t seq = 0;
  Micros at = 0;
  std::string actor;      // user name, or "-" for the hub itself
  std::string party;      // party code, or "-"
  std::string action;     // e.g. "object.write", "object.read", "user.add"
  std::string target;     // e.g. an object id or collection id
  std::string outcome;    // "ok", or an error summary
  std::string prev_hash;  // hex
  std::string hash;       // hex
};

// A signature over the audit chain head.
struct AuditSeal {
  std::int64_t seq = 0;
  std::string hash;       // hex, the chain hash of record `seq`
  std::string signature;  // hex Ed25519 signature over "seq:hash"
  Micros at = 0;
};

// Audit reads. Thread-safe; part of the Store aggregate (store.h).
class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Calls `fn` for every audit record in seq order until it returns false.
  virtual Status ScanAudit(const std::function<bool(const AuditRecord&)>& fn) = 0;
  virtual Result<std::vector<AuditSeal>> Seals() = 0;
};

// Audit writes inside a write job; part of the WriteTxn aggregate (store.h).
class AuditTxn {
 public:
  virtual ~AuditTxn() = default;
  virtual Result<std::optional<AuditRecord>> LastAudit() = 0;
  virtual Status AppendAudit(const AuditRecord& r) = 0;
  virtual Status AppendSeal(const AuditSeal& s) = 0;
};

}  // namespace tansiq::store
