// The one mapping from Status to HTTP: status code and TAXII error resource body.
#pragma once

#include "base/status.h"
#include "server/call.h"

namespace tansiq::server {

http::status HttpStatus(ErrorCode code);

// A TAXII 2.1 error resource ({"title", "description", "http_status", ...}) for `status`,
// plus WWW-Authenticate on 401 and Retry-After on 429/503.
Response ErrorResponse(const Call& call, const Status& status);
// For failures before a Call exists (unparseable request): no keep-alive.
Response BareErrorResponse(unsigned version, const Status& status);

}  // namespace tansiq::server

// In a handler coroutine with a `call` in scope: answer with the error if `expr` failed.
#define TANSIQ_CO_CHECK(expr)                                                  \
  do {                                                                         \
    ::tansiq::Status _co_st = (expr);                                          \
    if (!_co_st.ok()) co_return ::tansiq::server::ErrorResponse(call, _co_st); \
  } while (0)
