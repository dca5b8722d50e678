// The analysis use cases over a Hub: the correlator that analyses every committed object (off
// the write path, on the hub's CommitFeed thread), and the per-reader reads behind the REST
// API — object, related, graph, situation picture, daily brief. Every read applies the
// visibility rule: neighbours, counts and scores only reflect what the reader may see.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "analysis/correlate.h"
#include "analysis/derive.h"
#include "analysis/extract.h"
#include "hub/events.h"
#include "hub/hub.h"

namespace tansiq::analysis {

struct RelatedObject {
  std::string id;
  double score = 0;
  std::vector<std::string> reasons;
};

struct GraphNode {
  std::string id, type, name;
};
struct GraphEdge {
  std::string source, target;
  double score = 0;
  std::vector<std::string> reasons;
};
struct Graph {
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
};

struct SituationRequest {
  Micros from = 0, to = 0;
  Micros bucket = 86'400'000'000;
  store::SituationQuery::By by = store::SituationQuery::By::kPlace;
  std::string lang = "en";  // names of places and groups
};

// A name written in both objects, in different spellings or scripts (الخفاجي, Khafaji,
// Хафаджи): the words of each side (as written) whose name keys meet (text::SameName).
struct NameMatch {
  std::string key;             // text::PhoneticKey
  std::vector<std::string> a;  // words of the first object
  std::vector<std::string> b;  // words of the second
};

inline constexpr int kMaxGraphDepth = 3;
inline constexpr std::size_t kMaxGraphNodes = 100;
inline constexpr std::size_t kGraphFanOut = 10;

// Thread-safe. Owned by whoever serves the API (server/analysis_rest.cc keeps it alive with a
// shared_ptr held by its handlers and the commit listener); the Hub must outlive it.
class Service {
 public:
  explicit Service(hub::Hub& hub);

  // Subscribes to hub.commits(): every stored object is analysed after its commit.
  static void Start(const std::shared_ptr<Service>& self);
  // Analyses what one committed write stored: entity keys and the derived STIX objects, in one
  // write job (synchronous; called on the feed thread, or directly by tests and benchmarks).
  Status Handle(const hub::CommitEvent& event);
  // Analyses objects stored while nothing analysed them (tansiq import, the demo's seeding),
  // in batches; returns how many. Start() queues it on the feed thread once.
  Result<std::size_t> Backfill();

  // The latest version of `id` the reader may see, references to what they may not see
  // stripped; NotFound when invisible or absent.
  Result<std::string> ObjectJson(const policy::Reader& reader, const std::string& id);
  // Objects linked to `id` for this reader, best first; NotFound when `id` is invisible.
  Result<std::vector<RelatedObject>> Related(const policy::Reader& reader, const std::string& id,
                                             std::size_t limit = kMaxRelated);
  Result<Graph> GraphOf(const policy::Reader& reader, const std::string& id, int depth);
  // The names written differently in `a` and `b` (title, description, content of the latest
  // versions the reader may see) that are the same name; words the two share as written are
  // left out (they match without help). NotFound when either is invisible (name_matches.cc).
  Result<std::vector<NameMatch>> NameMatches(const policy::Reader& reader, const std::string& a,
                                             const std::string& b);
  Result<boost::json::object> Situation(const policy::Reader& reader, const SituationRequest& r);
  // The daily brief for the UTC day starting at `day`, in `lang`.
  Result<boost::json::object> Brief(const policy::Reader& reader, Micros day,
                                    const std::string& lang);

  const Extractor& extractor();

 private:
  hub::Hub& hub_;
  const DerivedIdKey derived_key_;  // keys the derived objects' ids (DerivedId)
  std::once_flag extractor_once_;
  std::unique_ptr<Extractor> extractor_;  // set once, under extractor_once_
};

}  // namespace tansiq::analysis
