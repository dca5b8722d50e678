// The read path: versions of a collection as a reader may see them, with references to
// objects they may not see stripped, and every read of object content audited.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/hub.h"

namespace tansiq::hub {

struct ReadPage {
  std::vector<store::VersionRow> rows;  // row.json is what the reader receives (refs stripped)
  bool more = false;
  std::optional<store::Cursor> next;  // set when more
};

enum class ReadPurpose {
  kContent,   // object bodies are returned: audited as reads
  kMetadata,  // manifest / versions: no bodies, not audited as content reads
};

// Lists what `reader` may see of `collection` (the caller has checked CanAccessCollection).
Result<ReadPage> ReadVersions(Hub& hub, const policy::Reader& reader,
                              const store::Collection& collection,
                              const store::VersionFilter& filter,
                              std::optional<store::Cursor> after, std::size_t limit,
                              ReadPurpose purpose);

// The 404 probe of a one-object read that came back empty: OK when some version of
// `object_id` in `collection` is visible to `reader` (the filters left nothing), else
// NotFound("no such object") — absent and invisible answer alike, never 403, never a hint.
Status CheckObjectVisible(Hub& hub, const policy::Reader& reader,
                          const store::Collection& collection, std::string_view object_id);

// The TAXII status resource `status_id` (its JSON) if `reader` created it; NotFound("no such
// status resource") for anyone else's and for an unknown id alike.
Result<std::string> ReadStatus(Hub& hub, const policy::Reader& reader, std::string_view status_id);

// The code of the party that originated `object_id` (its author's party, or the party that
// contributed third-party content; "hub" for the hub's own objects); nullopt when there is no
// such object. Says nothing of visibility: call it only for an object the caller has just
// been allowed to read.
Result<std::optional<std::string>> OriginatingPartyCode(Hub& hub, std::string_view object_id);

}  // namespace tansiq::hub
