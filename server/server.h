// The HTTP(S) server: TAXII 2.1 and the REST API over Boost.Beast with C++20 coroutines.
// Serve() runs until SIGINT/SIGTERM, then stops accepting, finishes in-flight requests
// (including their writes) and returns. SIGHUP re-reads the TLS certificate and key.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "hub/hub.h"
#include "server/rate_limit.h"

namespace tansiq::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (written to port_file)
  std::string tls_cert;        // PEM files; both set: HTTPS only
  std::string tls_key;
  bool insecure = false;  // allow plain HTTP on a non-loopback address
  std::string port_file;  // if set, the bound port is written here once listening
  int threads = 0;        // 0: one per core (at least 2)
  std::size_t max_content_length = 32 * 1024 * 1024;
  std::chrono::seconds read_timeout{30};
  // Dissemination: acknowledgement deadlines (0: none; unset: the hub's, from its TOML at
  // init, else 10 and 30 minutes) and how often they are checked.
  std::optional<std::chrono::seconds> flash_ack;
  std::optional<std::chrono::seconds> immediate_ack;
  std::chrono::milliseconds deadline_check{1000};
  // Webhooks: the allow-list (unset: the hub's, from `[webhooks] allow` at init), the retry
  // back-off (unset/0: 1 s doubling to 5 min, 100 attempts, given up after 24 h), the timeout
  // of connecting and of the answer, extra CA certificates to trust (PEM file).
  std::optional<std::vector<std::string>> webhook_allow;
  std::optional<std::chrono::milliseconds> webhook_retry_initial;
  std::optional<std::chrono::milliseconds> webhook_retry_max;
  int webhook_max_attempts = 0;
  std::chrono::milliseconds webhook_timeout{10000};
  std::string webhook_ca;
  // The daily brief's UTC hour (0-23; -1: none); unset: the hub's ([analysis] brief_hour).
  std::optional<int> brief_hour;
  // Search bounds (hub::Hub::search_total_bound, search_rank_window); unset: the hub's
  // ([search] at init, else the store's defaults).
  std::optional<std::size_t> search_total_bound;
  std::optional<std::size_t> search_rank_window;
  // Test seam (hidden flag): the clock is the real one shifted by the seconds in this file.
  std::string clock_file;
  // The built web UI (web/dist) served at /; when absent, / says how to build it.
  std::string web_root;
  // Request rate limits of authenticated callers, per user and per API token (0: none):
  // beyond them a 429 with Retry-After. High enough for a TAXII client ingesting or paging
  // at full speed; an operator narrows them for the deployment (docs/operations.md).
  RateLimit rate_per_user{1000, 5000};
  RateLimit rate_per_token{1000, 5000};
  // How often the directory (parties, collections) is re-read, so CLI changes show while
  // serving (0: only at start and on SIGHUP).
  std::chrono::milliseconds directory_refresh{1000};
};

Status Serve(hub::Hub& hub, const ServerOptions& options);

}  // namespace tansiq::server
