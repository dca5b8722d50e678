// The web UI's side of the server: cookie sessions with CSRF and Origin checks, the
// session/prefs/compose/admin endpoints under /api/v1/, and the static single-page app
// served at / (see static_site.h).
#pragma once

#include "hub/auth.h"
#include "hub/hub.h"
#include "hub/web_session.h"
#include "server/router.h"
#include "server/server.h"

namespace tansiq::server {

// Authenticates a request without an Authorization header by its tansiq_session cookie:
// kUnauthenticated when there is none or it is not a live session; kPermissionDenied when
// the request carries an Origin other than the server's own (call.base_url), or is
// state-changing (POST, PUT, PATCH, DELETE) without an X-CSRF-Token equal to the
// session's (compared in constant time).
Result<policy::Reader> AuthenticateCookie(hub::WebSessions& sessions, const Call& call);

// Registers /api/v1/session, /api/v1/me/prefs, /api/v1/reports,
// /api/v1/admin/{users,audit} and the static site (the router's GET/HEAD fallback). Every
// argument must outlive the router.
void RegisterWeb(Router& router, hub::Hub& hub, const ServerOptions& options,
                 hub::Authenticator& auth, hub::WebSessions& sessions);

}  // namespace tansiq::server
