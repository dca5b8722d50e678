// Status and Result<T>: errors on the request path are values, not exceptions.
// One error vocabulary for every module; server/errors.cc maps it to HTTP in one place.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tansiq {

// What went wrong, in terms the HTTP layer can map without knowing the module.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // malformed input: 400
  kUnauthenticated,   // no or bad credentials: 401
  kPermissionDenied,  // visible but not allowed: 403
  kNotFound,          // absent or invisible: 404 (never 403 for invisible objects)
  kMethodNotAllowed,  // 405
  kNotAcceptable,     // 406
  kConflict,          // 409
  kTooLarge,          // 413
  kUnsupportedMedia,  // 415
  kUnprocessable,     // 422: well-formed but violates a rule
  kTooManyRequests,   // 429
  kUnavailable,       // 503: storage fault, shutting down
  kInternal,          // 500: a bug
};

// A success or an error code with a human-readable message. Cheap to copy on success.
// Thread-compatible value type.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {ErrorCode::kPermissionDenied, std::move(m)};
}
inline Status Unprocessable(std::string m) { return {ErrorCode::kUnprocessable, std::move(m)}; }
inline Status Conflict(std::string m) { return {ErrorCode::kConflict, std::move(m)}; }
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// A value or an error Status. Access to the value of an error Result is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design, like outcome
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace tansiq

#define TANSIQ_CONCAT_INNER(a, b) a##b
#define TANSIQ_CONCAT(a, b) TANSIQ_CONCAT_INNER(a, b)

// Propagate an error Status from an expression returning Status.
#define TANSIQ_RETURN_IF_ERROR(expr) \
  TANSIQ_RETURN_IF_ERROR_IMPL(TANSIQ_CONCAT(tansiq_status_, __LINE__), expr)
// `var` is a declared name, which parentheses would break.
#define TANSIQ_RETURN_IF_ERROR_IMPL(var, expr)                          \
  do {                                                                  \
    ::tansiq::Status var = (expr);                                      \
    if (!var.ok()) return var; /* NOLINT(bugprone-macro-parentheses) */ \
  } while (0)
