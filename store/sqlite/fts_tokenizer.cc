// FTS5 tokenizer adapter over text::Analyzer and text::PhoneticKey.
#include "store/sqlite/fts_tokenizer.h"

#include <string>
#include <unordered_map>
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

// PhoneticKey is costly (transliteration) and vocabularies repeat (Zipf): memoise per thread.
const std::string& CachedKey(std::string_view word) {
  thread_local std::unordered_map<std::string, std::string> cache;
  if (cache.size() > 200'000) cache.clear();
  auto [it, inserted] = cache.try_emplace(std::string(word));
  if (inserted) it->second = text::PhoneticKey(word);
  return it->second;
}

bool HasLetters(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || std::isalpha(c)) return true;
  }
  return false;
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
  for (const auto& t : AnalyzeForIndex(input)) {
    int rc = emit(ctx, t.colocated ? FTS5_TOKEN_COLOCATED : 0, t.term.data(),
                  static_cast<int>(t.term.size()), t.start, t.end);
    if (rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
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

}  // namespace

std::vector<IndexToken> AnalyzeForIndex(std::string_view input) {
  std::vector<IndexToken> out;
  bool name_field = false;
  int shift = 0;
  if (!input.empty() && input.front() == kNameMarker) {
    name_field = true;
    input.remove_prefix(1);
    shift = 1;
  }
  const text::Analyzer& analyzer = SharedAnalyzer();
  const text::Lang lang = text::DetectLang(input);
  const auto exact = analyzer.Analyze(input, lang, text::Field::kExact);
  std::vector<text::Token> stemmed;
  if (!name_field) stemmed = analyzer.Analyze(input, lang, text::Field::kText);
  out.reserve(exact.size() * 2);
  std::size_t si = 0;
  for (const auto& tok : exact) {
    const int start = static_cast<int>(tok.start) + shift;
    const int end = static_cast<int>(tok.end) + shift;
    // The primary token advances the position; alternatives are colocated.
    out.push_back({tok.term, false, start, end});
    while (si < stemmed.size() && stemmed[si].start < tok.start) ++si;
    if (si < stemmed.size() && stemmed[si].start == tok.start && stemmed[si].term != tok.term &&
        stemmed[si].position == tok.position) {
      out.push_back({stemmed[si].term, true, start, end});
    }
    std::string_view word = input.substr(tok.start, tok.end - tok.start);
    if (tok.span == 1 && HasLetters(word)) {
      const std::string& bare = CachedKey(word);
      if (bare.size() >= 3)
        out.push_back({std::string(1, kNameKeyPrefix) + bare, true, start, end});
    }
  }
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
  return Status::Ok();
}

}  // namespace tansiq::store::sqlite
