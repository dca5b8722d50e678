// STIX 2.1 timestamps (RFC 3339, UTC, "Z" suffix): parsing, precision checks, formatting.
// Pure; part of stix/, the bottom layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace tansiq::stix {

struct Timestamp {
  Micros micros = 0;        // since the Unix epoch; digits beyond microseconds are truncated
  int fraction_digits = 0;  // digits after the decimal point as written (0 when absent)
};

// Parses "YYYY-MM-DDTHH:MM:SS[.s+]Z". Rejects offsets other than Z, out-of-range fields
// (month 13, Feb 30, hour 24, second 61...), and anything after the Z.
Result<Timestamp> ParseTimestamp(std::string_view text);

// Like ParseTimestamp, and requires at least `min_fraction_digits` fractional digits
// (STIX: created/modified need millisecond precision, so 3).
Result<Timestamp> ParseTimestamp(std::string_view text, int min_fraction_digits);

// "2026-11-29T04:02:31.123456Z": always six fractional digits (TAXII date_added).
std::string FormatMicros(Micros micros);

// A date of the proleptic Gregorian calendar.
struct CivilDate {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Days since 1970-01-01 of a civil date (month 1..12, day 1..31; negative before 1970), and
// the civil date of such a day count. The one calendar arithmetic of the tree.
std::int64_t DaysFromCivil(std::int64_t year, int month, int day);
CivilDate CivilFromDays(std::int64_t days);

}  // namespace tansiq::stix
