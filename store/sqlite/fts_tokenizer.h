// The "tansiq" FTS5 tokenizer: text/'s multilingual analysis inside SQLite's full-text index.
// Per word it emits the stemmed term, the exact normalised term and a script-neutral name key
// ("~hfj") as colocated tokens, with byte offsets into the original text so snippets
// highlight the original script. A column value starting with kNameMarker is a name field:
// not stemmed.
#pragma once

#include <sqlite3.h>

#include "base/status.h"

namespace tansiq::store::sqlite {

inline constexpr char kNameMarker = '\x1e';
// A query string starting with kRawMarker lists index terms verbatim (space-separated), e.g.
// "\x1f~hfj" for the name key of al-Khafaji. Honoured in queries only.
inline constexpr char kRawMarker = '\x1f';
// Prefix of name-key terms in the index.
inline constexpr char kNameKeyPrefix = '~';

// Registers the tokenizer on `db`; every connection that touches the index must call it.
Status RegisterTokenizer(sqlite3* db);

}  // namespace tansiq::store::sqlite
