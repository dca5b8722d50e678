// The status role of the Store: TAXII status resources, kept so GET /status/{id}/ answers
// after the POST that created it returned.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace tansiq::store {

// A TAXII status resource, stored so GET /status/{id}/ answers after the POST returned.
struct StatusRecord {
  std::string id;
  std::int64_t owner_user = 0;
  Micros created = 0;
  std::string json;  // the full status resource
};

// Status reads. Thread-safe; part of the Store aggregate (store.h).
class StatusStore {
 public:
  virtual ~StatusStore() = default;
  virtual Result<std::optional<StatusRecord>> GetStatus(std::string_view id) = 0;
};

// Status writes inside a write job; part of the WriteTxn aggregate (store.h).
class StatusTxn {
 public:
  virtual ~StatusTxn() = default;
  // Inserts or replaces the status `s.id`.
  virtual Status PutStatus(const StatusRecord& s) = 0;
};

}  // namespace tansiq::store
