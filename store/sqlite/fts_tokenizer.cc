// FTS5 tokenizer adapter over text::Analyzer and text::PhoneticKey.
#include "store/sqlite/fts_tokenizer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "text/analyzer.h"
#include "text/name_key.h"

namespace tansiq::store::sqlite {
namespace {

// FTS5's C API types (from SQLite's fts5.h, which Debian ships only inside sqlite3.h).
const text::Analyzer& SharedAnalyzer() {
  static const text::Analyzer kAnalyzer;
  return kAnalyzer;
}

struct Tokenizer {};  // stateless; FTS5 wants an object per table

int Create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer());
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

// Calls emit(term, colocated, start, end) for every token of one column value, from one
// analysis pass; stops at (and returns) the first result other than SQLITE_OK. The primary token
// (the exact term) advances the position; the stem (not in name fields) and the name key are
// colocated alternatives. Name keys: every word of a name field; in body text only words that
// may be names (text::NameKeys::kNameLike) — a third token per word would cost index time, size
// and query time for the many words that are no names.
template <typename Emit>
int ForEachToken(std::string_view input, TokenMode mode, Emit&& emit) {
  bool name_field = false;
  int shift = 0;
  if (!input.empty() && input.front() == kNameMarker) {
    name_field = true;
    input.remove_prefix(1);
    shift = 1;
  }
  const text::NameKeys keys = mode != TokenMode::kIndex ? text::NameKeys::kNone
                              : name_field              ? text::NameKeys::kAll
                                                        : text::NameKeys::kNameLike;
  thread_local std::vector<text::IndexWord> words;
  thread_local std::string key;
  std::string_view primary_stem;
  SharedAnalyzer().AnalyzeForIndex(input, text::DetectLang(input), keys, words);
  for (const auto& w : words) {
    const int start = static_cast<int>(w.start) + shift;
    const int end = static_cast<int>(w.end) + shift;
    // The word behind an Arabic proclitic is an alternative at the written word's position.
    if (w.alternative && mode == TokenMode::kPositions) continue;
    int rc = emit(w.exact, w.alternative, start, end);
    if (rc != SQLITE_OK) return rc;
    if (!w.alternative) primary_stem = w.stem;
    if (mode == TokenMode::kPositions) continue;
    // (An alternative's stem is often the written word's: light10 strips وال as well.)
    if (!name_field && !w.stem.empty() && w.stem != w.exact &&
        !(w.alternative && w.stem == primary_stem)) {
      rc = emit(w.stem, true, start, end);
      if (rc != SQLITE_OK) return rc;
    }
    if (!w.name_key.empty()) {
      key.assign(1, kNameKeyPrefix);
      key.append(w.name_key);
      rc = emit(std::string_view(key), true, start, end);
      if (rc != SQLITE_OK) return rc;
    }
  }
  return SQLITE_OK;
}

thread_local const std::vector<Pretokenized>* tls_pretokenized = nullptr;

int Tokenize(Fts5Tokenizer*, void* ctx, int flags, const char* text, int n,
             int (*emit)(void*, int, const char*, int, int, int)) {
  std::string_view input(text ? text : "", static_cast<std::size_t>(std::max(n, 0)));
  // Queries may name index terms directly (name keys built by hub/): emit them verbatim.
  if ((flags & FTS5_TOKENIZE_QUERY) && !input.empty() && input.front() == kRawMarker) {
    input.remove_prefix(1);
    while (!input.empty()) {
      auto sp = input.find(' ');
      std::string_view term = input.substr(0, sp);
      if (!term.empty()) {
        int rc = emit(ctx, 0, term.data(), static_cast<int>(term.size()), 0, 0);
        if (rc != SQLITE_OK) return rc;
      }
      if (sp == std::string_view::npos) break;
      input.remove_prefix(sp + 1);
    }
    return SQLITE_OK;
  }
  if (const auto* values = tls_pretokenized) {
    for (const auto& v : *values) {
      if (v.value != input) continue;
      for (const auto& t : v.tokens) {
        int rc = emit(ctx, t.colocated ? FTS5_TOKEN_COLOCATED : 0, t.term.data(),
                      static_cast<int>(t.term.size()), t.start, t.end);
        if (rc != SQLITE_OK) return rc;
      }
      return SQLITE_OK;
    }
  }
  auto emit_all = [&](const std::vector<IndexToken>& tokens) {
    for (const auto& t : tokens) {
      int rc = emit(ctx, t.colocated ? FTS5_TOKEN_COLOCATED : 0, t.term.data(),
                    static_cast<int>(t.term.size()), t.start, t.end);
      if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
  };
  if (flags & FTS5_TOKENIZE_AUX) {
    // snippet() and highlight() need only where the primary tokens are (matches come from the
    // index), and snippet() tokenizes each column of a hit once to score windows and once more
    // to highlight: positions only, and the last few values kept.
    struct Recent {
      std::string value;
      std::vector<IndexToken> tokens;
    };
    thread_local std::vector<Recent> recent;
    for (const auto& r : recent) {
      if (r.value == input) return emit_all(r.tokens);
    }
    if (recent.size() == 4) recent.erase(recent.begin());
    recent.push_back({std::string(input), AnalyzeForIndex(input, TokenMode::kPositions)});
    return emit_all(recent.back().tokens);
  }
  return ForEachToken(input, (flags & FTS5_TOKENIZE_QUERY) ? TokenMode::kQuery : TokenMode::kIndex,
                      [&](std::string_view term, bool colocated, int start, int end) {
                        return emit(ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, term.data(),
                                    static_cast<int>(term.size()), start, end);
                      });
}

fts5_api* Fts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  return api;
}

// tansiq_rank(search, weight...): BM25's term-frequency saturation and length normalisation
// (k1 = 1.2, b = 0.75, weights per column) computed from the document and the query alone.
// FTS5's bm25() also reads corpus statistics — the number of rows, every phrase's document
// frequency (IDF) and the average length — over every row of the index, including rows the
// reader may not see: another party storing reports with a word would change the scores this
// reader gets for it (a side channel counting invisible documents). So there is no IDF and the
// average length is a constant; a score depends on nothing but the row and the query. It is
// also cheaper: no per-statement pass over each phrase's matches. Lower is better, like bm25().
constexpr double kRankAverageLength = 100.0;  // tokens (all columns); reports run 80–200 words

void Rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int n_val,
          sqlite3_value** values) {
  constexpr double kK1 = 1.2;
  constexpr double kB = 0.75;
  constexpr int kMaxPhrases = 64;
  const int phrases = std::min(api->xPhraseCount(fts), kMaxPhrases);
  double freq[kMaxPhrases] = {};
  int inst = 0;
  int rc = api->xInstCount(fts, &inst);
  for (int i = 0; rc == SQLITE_OK && i < inst; ++i) {
    int phrase = 0, column = 0, offset = 0;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc != SQLITE_OK || phrase >= phrases) continue;
    freq[phrase] += n_val > column ? sqlite3_value_double(values[column]) : 1.0;
  }
  int size = 0;
  if (rc == SQLITE_OK) rc = api->xColumnSize(fts, -1, &size);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  const double norm = kK1 * (1 - kB + kB * static_cast<double>(size) / kRankAverageLength);
  double score = 0;
  for (int i = 0; i < phrases; ++i) score += (freq[i] * (kK1 + 1.0)) / (freq[i] + norm);
  sqlite3_result_double(ctx, -score);
}

}  // namespace

std::vector<IndexToken> AnalyzeForIndex(std::string_view input, TokenMode mode) {
  std::vector<IndexToken> out;
  ForEachToken(input, mode, [&](std::string_view term, bool colocated, int start, int end) {
    out.push_back({std::string(term), colocated, start, end});
    return SQLITE_OK;
  });
  return out;
}

void UsePretokenized(const std::vector<Pretokenized>* values) { tls_pretokenized = values; }

Status RegisterTokenizer(sqlite3* db) {
  fts5_api* api = Fts5Api(db);
  if (!api) return Unavailable("this SQLite has no FTS5");
  static fts5_tokenizer tokenizer{Create, Delete, Tokenize};
  if (api->xCreateTokenizer(api, "tansiq", nullptr, &tokenizer, nullptr) != SQLITE_OK) {
    return Internal("cannot register the tansiq tokenizer");
  }
  if (api->xCreateFunction(api, "tansiq_rank", nullptr, Rank, nullptr) != SQLITE_OK) {
    return Internal("cannot register tansiq_rank");
  }
  return Status::Ok();
}

}  // namespace tansiq::store::sqlite
