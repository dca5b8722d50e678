// Endpoints for operators and their tools: /livez and /readyz (probes, public), /healthz (an
// alias of /readyz), /version (public) and /metrics (Prometheus, hub administrators).
#pragma once

#include <chrono>
#include <string_view>

#include "hub/hub.h"
#include "server/http_metrics.h"
#include "server/messaging.h"
#include "server/router.h"

namespace tansiq::server {

// The version of this build ("0.1.0"), as `tansiq --version` and /version print it.
std::string_view Version();

struct ReadinessOptions {
  // A probe write that has not committed within this is a stalled writer (503).
  std::chrono::milliseconds write_timeout{2000};
  // A queued write older than this makes /readyz fail at once, without a probe write.
  std::chrono::seconds max_writer_wait{10};
};

// Registers the routes. Everything passed must outlive the router.
//  /livez   200 while the process serves requests.
//  /readyz  200 when the schema is migrated, the writer makes progress and a probe write
//           commits (the database is writable); else 503 saying which check failed.
//  /metrics messages, webhooks, streams, HTTP, the store's write path and the commit feed.
void RegisterOps(Router& router, hub::Hub& hub, Messaging& messaging, const HttpMetrics& http,
                 ReadinessOptions readiness = {});

}  // namespace tansiq::server
