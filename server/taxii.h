// TAXII 2.1 endpoints (discovery, API root, collections, objects, object, manifest,
// versions, status) over the hub's read and ingest paths.
#pragma once

#include "hub/hub.h"
#include "server/paging.h"
#include "server/router.h"
#include "server/server.h"

namespace tansiq::server {

inline constexpr std::string_view kApiRootPath = "/taxii2/hub/";

// Registers the TAXII routes on `router`. The hub and options must outlive the router.
void RegisterTaxii(Router& router, hub::Hub& hub, const ServerOptions& options,
                   const PageTokens& tokens);

// The REST API under /api/v1/ (parties, ...).
void RegisterRest(Router& router, hub::Hub& hub);

// Validates the Accept header for a TAXII GET: taxii+json (version 2.1 or none), */*,
// application/*, or absent. NotAcceptable otherwise.
Status CheckAccept(const Request& request, std::string_view media_type);

}  // namespace tansiq::server
