// REST routes of API tokens (issue 19 item 4): create, list, revoke — a user's own tokens, and
// an administrator's view of their users' (hub/account.h has the rules).
#pragma once

#include "hub/hub.h"
#include "server/router.h"

namespace tansiq::server {

// POST /api/v1/tokens, GET /api/v1/tokens[?user=NAME|*], DELETE /api/v1/tokens/{id}. The hub
// must outlive the router.
void RegisterTokens(Router& router, hub::Hub& hub);

}  // namespace tansiq::server
