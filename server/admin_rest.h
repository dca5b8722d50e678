// REST routes of the hub's administration from the web UI (docs/api.md, Administration): a
// hub-admin adds parties and users and changes users' roles, alternates, state, language and
// password. The JSON shapes are here; the rules in hub/manage.h.
#pragma once

#include "hub/hub.h"
#include "server/router.h"

namespace tansiq::server {

// POST /api/v1/admin/parties, POST /api/v1/admin/users, PATCH /api/v1/admin/users/{name}.
// The hub must outlive the router.
void RegisterAdmin(Router& router, hub::Hub& hub);

}  // namespace tansiq::server
