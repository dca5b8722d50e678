// The analysis REST API: /api/v1/objects/{id}, /objects/{id}/related, /graph, /situation,
// /brief (docs/api.md), over analysis::Service.
#pragma once

#include "hub/hub.h"
#include "server/router.h"

namespace tansiq::server {

// Registers the analysis routes and starts the correlator on the hub's commit feed (every
// object stored from now on is analysed after its commit). The hub must outlive the router.
void RegisterAnalysis(Router& router, hub::Hub& hub);

}  // namespace tansiq::server
