// Compose: turns a report written in the web UI (title, free text, language, TLP, the
// parties it is releasable to) into valid STIX 2.1 objects — a report and, when the writer
// names parties or recipients, a Tansiq releasability marking-definition — which the caller
// stores through hub::Ingest (the normal write path: validation, originator, audit).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

#include "hub/hub.h"

namespace tansiq::hub {

struct ReportDraft {
  std::string title;
  std::string text;
  std::string lang;  // a language tag: "ar", "en", "ru", "fa", ...
  stix::Tlp tlp = stix::Tlp::kNone;
  std::optional<std::vector<std::string>> releasable_to;  // party codes or identity ids
  std::vector<std::string> recipients;                    // user names, TLP:RED only
  std::optional<std::vector<std::string>> object_refs;
};

// Parses the JSON body of POST /api/v1/reports. Errors are InvalidArgument and name the
// field ("title: ...", "releasable_to[1]: ...").
Result<ReportDraft> ParseReportDraft(std::string_view body);

struct ComposedReport {
  std::string report_id;
  boost::json::array objects;  // [marking-definition,] report — in ingest order
};

// Builds the objects for `author` (created_by_ref: their party's identity). Resolves party
// codes to identities and checks every object_ref is an object the author may see (an
// invisible or unknown one is "no such object", so nothing leaks). Without object_refs the
// report references the author's party identity (STIX requires a non-empty object_refs).
Result<ComposedReport> ComposeReport(Hub& hub, const policy::Reader& author,
                                     const ReportDraft& draft);

}  // namespace tansiq::hub
