// The "tansiq" FTS5 tokenizer: text/'s multilingual analysis inside SQLite's full-text index.
// Per word it emits the exact normalised term, then as colocated tokens the stemmed term, a
// script-neutral name key ("~hfj") and the word behind an Arabic proclitic (وللقوات → القوات),
// with byte offsets into the original text so snippets highlight the original script. A column
// value starting with kNameMarker is a name field: not stemmed.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tansiq::store::sqlite {

inline constexpr char kNameMarker = '\x1e';
// A query string starting with kRawMarker lists index terms verbatim (space-separated), e.g.
// "\x1f~hfj" for the name key of al-Khafaji. Honoured in queries only.
inline constexpr char kRawMarker = '\x1f';
// Prefix of name-key terms in the index.
inline constexpr char kNameKeyPrefix = '~';

// The version of what AnalyzeForIndex emits for a given text: text/'s analysis and this
// tokenizer's rules together. Bump it with any change that gives some text other tokens (a new
// proclitic rule, another stemmer, a name-key change). An index written under another version
// is rebuilt from its stored text when the store opens (SqliteStore::RebuildStaleIndex): FTS5
// removes a row by tokenizing its stored text again, so a row indexed with other tokens would
// leave stale terms behind and corrupt the index at its next update. fts_index_version_test pins
// the tokens of a multilingual sample to this number.
inline constexpr int kIndexVersion = 2;
// The meta key holding the version the index was written under (absent: before versions were
// kept, i.e. version 1).
inline constexpr char kIndexVersionMeta[] = "search.index_version";

// Registers the tokenizer on `db`, and the auxiliary function tansiq_rank(search, weight...)
// — BM25's term-frequency saturation and length normalisation from the row and the query
// alone, with no corpus statistics (which would count rows the reader may not see); lower is
// better, like bm25(). Every connection that touches the index must call it.
Status RegisterTokenizer(sqlite3* db);

// One index term of a column value, as the tokenizer emits it.
struct IndexToken {
  std::string term;
  bool colocated = false;  // an alternative at the previous token's position
  int start = 0;           // byte offsets in the column value
  int end = 0;
};

// What a tokenization is for: the index (every term), a query (no name keys: hub/ adds them
// as separate alternatives), or FTS5's snippet()/highlight(), which use only the positions and
// byte offsets of the primary tokens (colocated ones never advance the position).
enum class TokenMode { kIndex, kQuery, kPositions };

// The tokens of one column value (with its kNameMarker, if any), from one analysis pass: per
// word its exact term, then (kIndex, kQuery) its stem when different (not in name fields) and
// (kIndex) a name key for name-like words. Pure; any thread.
std::vector<IndexToken> AnalyzeForIndex(std::string_view column_value,
                                        TokenMode mode = TokenMode::kIndex);

// Column values analysed ahead of time, off the writer thread.
struct Pretokenized {
  std::string value;
  std::vector<IndexToken> tokens;
};

// While set (on the writer thread, around one INSERT), the tokenizer emits these tokens for a
// value equal to one of them instead of analysing it again. nullptr clears.
void UsePretokenized(const std::vector<Pretokenized>* values);

}  // namespace tansiq::store::sqlite
