// The TAXII workloads taxii_bench times against one endpoint: ingest (POST envelopes from C
// connections), paging (follow `next` through a collection) and GET one object by id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "bench/http_client.h"
#include "bench/indicator_gen.h"
#include "bench/report.h"

namespace tansiq::bench {

// Finds the collection whose id or alias is `wanted` (empty: the first one with can_write) and
// returns its objects path "<api_root>collections/<id>/objects/". Error text in *error.
std::string ResolveObjectsPath(const Endpoint& endpoint, const std::string& wanted,
                               std::string* error);

// The identity of hub party `party` from GET /api/v1/parties (a Tansiq extension).
std::string PartyIdentity(const Endpoint& endpoint, const std::string& party, std::string* error);

struct IngestResult {
  std::uint64_t requests = 0;
  std::uint64_t objects_sent = 0;
  std::uint64_t objects_succeeded = 0;  // success_count of the status resources
  std::uint64_t objects_failed = 0;
  std::uint64_t objects_pending = 0;
  std::uint64_t failed_requests = 0;  // transport errors and non-2xx answers
  std::uint64_t connects = 0;
  double seconds = 0;
  LatencySummary latency;
  std::string first_error;
  std::vector<std::string> stored_ids;  // ids the server said it stored

  double ObjectsPerSecond() const { return seconds > 0 ? objects_succeeded / seconds : 0; }
  boost::json::object ToJson() const;
};

// POSTs every envelope once, `connections` at a time (one thread and connection each).
IngestResult RunIngest(const Endpoint& endpoint, const std::string& objects_path,
                       const std::vector<Envelope>& envelopes, int connections);

// Like RunIngest but generates `count` objects on the fly (numbers from `first_number`);
// used to grow the store before GET-by-id, so memory does not scale with the load.
IngestResult RunLoad(const Endpoint& endpoint, const std::string& objects_path,
                     std::optional<std::string> created_by_ref, std::uint64_t first_number,
                     std::uint64_t count, std::size_t batch, int connections, std::uint64_t seed);

struct PagingResult {
  std::uint64_t pages = 0;
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
  LatencySummary page_latency;
  std::string error;

  double ObjectsPerSecond() const { return seconds > 0 ? objects / seconds : 0; }
  boost::json::object ToJson() const;
};

// Reads the whole collection with `limit` per page, following `next` while `more` is true.
PagingResult RunPaging(const Endpoint& endpoint, const std::string& objects_path, int limit);

struct GetResult {
  std::uint64_t requests = 0;
  std::uint64_t found = 0;  // 200 with the object in it
  std::uint64_t errors = 0;
  double seconds = 0;
  LatencySummary latency;
  std::string first_error;

  boost::json::object ToJson() const;
};

// GETs `count` ids drawn uniformly (with replacement) from `ids`, over `connections`.
GetResult RunGetById(const Endpoint& endpoint, const std::string& objects_path,
                     const std::vector<std::string>& ids, std::uint64_t count, int connections,
                     std::uint64_t seed);

}  // namespace tansiq::bench
