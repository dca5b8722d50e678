// Process logging for operators: UTC timestamps with Z, a level, text or JSON lines,
// information to stdout and warnings and errors to stderr; the access log (one line per
// request) and security events (failed logins, throttling, refusals) as their own loggers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tansiq::server {

enum class LogFormat { kText, kJson };

// Sets up the default logger and the "access" and "security" loggers. `level`: trace, debug,
// info, warn, error, critical or off; `format`: text or json. InvalidArgument otherwise.
// Call once at start-up, before other threads log.
Status ConfigureLogging(std::string_view level, std::string_view format);

// One field of a structured log line: a string, or a number written bare.
struct LogField {
  std::string_view key;
  std::string value;
  bool number = false;
};
inline LogField Str(std::string_view key, std::string value) { return {key, std::move(value)}; }
inline LogField Num(std::string_view key, std::int64_t value) {
  return {key, std::to_string(value), true};
}

// The access log line of one request (level info, logger "access"): text `k=v ...`, or the
// fields of the JSON object. Callers never pass secrets (no query strings, no credentials).
void LogAccess(const std::vector<LogField>& fields);
// A security event (level warn, logger "security"), e.g. event="auth_failed".
void LogSecurity(std::string_view event, const std::vector<LogField>& fields);

}  // namespace tansiq::server
