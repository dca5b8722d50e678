// STIX 2.1 timestamp parsing and formatting, hand-written (no regex) for the ingest path.
// See timestamp.h for the accepted grammar.
#include "stix/timestamp.h"

#include <cstdint>
#include <string>

namespace tansiq::stix {

// H. Hinnant's algorithms ("chrono-compatible low-level date algorithms").
std::int64_t DaysFromCivil(std::int64_t y, int month, int day) {
  const auto m = static_cast<unsigned>(month);
  const auto d = static_cast<unsigned>(day);
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0),
                   static_cast<int>(m), static_cast<int>(d)};
}

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads `n` decimal digits at `pos`; false if any is not a digit.
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

Status Bad(std::string_view text, std::string_view why) {
  std::string m = "invalid timestamp '";
  m.append(text.substr(0, 64));
  m.append("': ");
  m.append(why);
  return InvalidArgument(std::move(m));
}

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  // Fixed part: YYYY-MM-DDTHH:MM:SS (19 chars), then optional .fraction, then Z.
  if (text.size() < 20) return Bad(text, "expected YYYY-MM-DDTHH:MM:SS[.s]Z");
  int year, month, day, hour, minute, second;
  if (!Digits(text, 0, 4, year) || text[4] != '-' || !Digits(text, 5, 2, month) || text[7] != '-' ||
      !Digits(text, 8, 2, day) || text[10] != 'T' || !Digits(text, 11, 2, hour) ||
      text[13] != ':' || !Digits(text, 14, 2, minute) || text[16] != ':' ||
      !Digits(text, 17, 2, second)) {
    return Bad(text, "expected YYYY-MM-DDTHH:MM:SS[.s]Z");
  }
  if (month < 1 || month > 12) return Bad(text, "month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return Bad(text, "day out of range");
  if (hour > 23) return Bad(text, "hour out of range");
  if (minute > 59) return Bad(text, "minute out of range");
  if (second > 60) return Bad(text, "second out of range");

  size_t pos = 19;
  int fraction_digits = 0;
  std::int64_t micros_fraction = 0;
  if (text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (fraction_digits < 6) micros_fraction = micros_fraction * 10 + (text[pos] - '0');
      ++fraction_digits;
      ++pos;
    }
    if (fraction_digits == 0) return Bad(text, "empty fraction");
    for (int i = fraction_digits; i < 6; ++i) micros_fraction *= 10;
  }
  if (pos >= text.size() || text[pos] != 'Z') return Bad(text, "must end in 'Z' (UTC)");
  if (pos + 1 != text.size()) return Bad(text, "trailing characters after 'Z'");

  const std::int64_t days = DaysFromCivil(year, month, day);
  const std::int64_t secs =
      days * 86400 + std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
  return Timestamp{secs * 1'000'000 + micros_fraction, fraction_digits};
}

Result<Timestamp> ParseTimestamp(std::string_view text, int min_fraction_digits) {
  Result<Timestamp> ts = ParseTimestamp(text);
  if (!ts.ok()) return ts;
  if (ts->fraction_digits < min_fraction_digits) {
    return Bad(text, min_fraction_digits == 3 ? "must be precise to the millisecond"
                                              : "not precise enough");
  }
  return ts;
}

std::string FormatMicros(Micros micros) {
  std::int64_t secs = micros / 1'000'000;
  std::int64_t frac = micros % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  const auto [y, m, d] = CivilFromDays(days);
  char buf[40];
  auto put = [&buf](int at, std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[at + i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, y < 0 ? 0 : y, 4);
  buf[4] = '-';
  put(5, m, 2);
  buf[7] = '-';
  put(8, d, 2);
  buf[10] = 'T';
  put(11, sod / 3600, 2);
  buf[13] = ':';
  put(14, sod / 60 % 60, 2);
  buf[16] = ':';
  put(17, sod % 60, 2);
  buf[19] = '.';
  put(20, frac, 6);
  buf[26] = 'Z';
  return std::string(buf, 27);
}

}  // namespace tansiq::stix
