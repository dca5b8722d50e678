// The analysis REST API: /api/v1/objects/{id}, /objects/{id}/related, /graph, /situation,
// /brief (docs/api.md), over analysis::Service.
#pragma once

#include <memory>

#include "analysis/service.h"
#include "hub/hub.h"
#include "server/router.h"

namespace tansiq::server {

// Registers the analysis routes and starts the correlator on the hub's commit feed (every
// object stored from now on is analysed after its commit). The hub must outlive the router.
// Returns the service (shared with the routes) for the brief and trend-alert scheduler.
std::shared_ptr<analysis::Service> RegisterAnalysis(Router& router, hub::Hub& hub);

}  // namespace tansiq::server
