// The read path: versions of a collection as a reader may see them, with references to
// objects they may not see stripped, and every read of object content audited.
#pragma once

#include <optional>
#include <string>
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

}  // namespace tansiq::hub
