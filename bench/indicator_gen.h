// Generates valid STIX 2.1 indicators and packs them into TAXII envelopes; the same rows feed
// the SQLite baseline, so both sides of the comparison store identical JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tansiq::bench {

inline constexpr std::string_view kTlpGreen =
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

// One POST body and where each object sits inside it.
struct Envelope {
  std::string body;  // {"objects":[...]}
  struct Row {
    std::size_t offset;
    std::size_t length;
    std::string id;
    std::int64_t modified_ms;  // Unix milliseconds of created == modified
  };
  std::vector<Row> rows;

  std::string_view Json(const Row& row) const { return {body.data() + row.offset, row.length}; }
};

// Not thread-safe: give each generating thread its own factory (distinct seeds).
class IndicatorFactory {
 public:
  // created_by_ref: the writer's party identity, or nullopt to omit the property.
  IndicatorFactory(std::optional<std::string> created_by_ref, std::uint64_t seed);

  // Objects numbered first .. first+count-1; the number fixes timestamps and the IPv4 value.
  Envelope Make(std::uint64_t first, std::size_t count);

 private:
  std::string UuidV4();

  std::optional<std::string> created_by_ref_;
  std::mt19937_64 rng_;
};

// "2024-01-01T00:00:00.000Z"-style timestamp with millisecond precision.
std::string StixTimestamp(std::int64_t unix_ms);

}  // namespace tansiq::bench
