// The audit log: every write and every read of object content becomes a record in a SHA-256
// hash chain, persisted through the Store; the chain head is signed with the hub's Ed25519
// key. Verify detects modified, deleted, inserted or reordered records.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "store/store.h"

namespace tansiq::audit {

// What happened, by whom. The chain fields (seq, hashes) are added by Append.
struct Entry {
  std::string actor;    // user name, "-" for the hub
  std::string party;    // party code, "-" for none
  std::string action;   // "object.write", "object.read", "object.delete", "user.add", ...
  std::string target;   // object id, collection id, user name...
  std::string outcome;  // "ok" or a short error
};

// The hub's Ed25519 signing key, kept in a file beside the database ("<db>.key", mode 0600).
// Immutable after load; thread-safe.
class HubKey {
 public:
  // Loads the key file, creating it with a fresh key when absent.
  static Result<HubKey> LoadOrCreate(const std::string& path);
  static Result<HubKey> Load(const std::string& path);

  std::string PublicKeyHex() const;
  std::string SignHex(std::string_view message) const;
  static bool VerifyHex(std::string_view public_key_hex, std::string_view message,
                        std::string_view signature_hex);
  // A 32-byte subkey for `context` (e.g. HMAC of TAXII paging tokens), derived from the
  // secret key so it is stable across restarts.
  std::array<unsigned char, 32> DeriveKey(std::string_view context) const;

 private:
  std::array<unsigned char, 64> secret_{};
  std::array<unsigned char, 32> public_{};
};

// The chain hash of a record: SHA-256 over the previous hash and every field, each
// length-prefixed so no two different records hash alike. Hex.
std::string RecordHash(const store::AuditRecord& r);

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Appends entries to the chain and seals the head (signs it) at most once per
// `seal_interval`. Runs inside a store write job; shares the job's transaction, so records
// and the data they describe commit or roll back together. Thread-safe.
class Auditor {
 public:
  Auditor(const HubKey& key, const Clock& clock, Micros seal_interval = 1'000'000)
      : key_(key), clock_(clock), seal_interval_(seal_interval) {}

  Status Append(store::WriteTxn& txn, const std::vector<Entry>& entries);
  // Submits an audit-only job (reads): asynchronous, the caller does not wait.
  void Record(store::Store& store, std::vector<Entry> entries);

 private:
  const HubKey& key_;
  const Clock& clock_;
  const Micros seal_interval_;
  std::atomic<Micros> last_seal_{0};
};

struct VerifyReport {
  bool ok = false;
  std::int64_t records = 0;
  std::int64_t seals = 0;
  std::string problem;  // the first inconsistency found, naming the record
};

// Walks the whole chain and every seal. `public_key_hex` is the hub key's public half.
Result<VerifyReport> Verify(store::Store& store, std::string_view public_key_hex);

}  // namespace tansiq::audit
