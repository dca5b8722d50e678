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

// PhoneticKey is costly (transliteration) and vocabularies repeat (Zipf): memoise per thread,
// with the index prefix already applied ("" when the key is too short to be useful).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
const std::string& CachedKey(std::string_view word) {
  thread_local std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> cache;
  if (auto it = cache.find(word); it != cache.end()) return it->second;
  if (cache.size() > 200'000) cache.clear();
  std::string key = text::PhoneticKey(word);
  if (key.size() >= 3)
    key.insert(key.begin(), kNameKeyPrefix);
  else
    key.clear();
  return cache.emplace(std::string(word), std::move(key)).first->second;
}

// Whether a body word gets a name key (names fields: every word with letters). Keys make every
// name findable from any script, but a third token per word costs index time, size and query
// time, so body text keys only words that can be names: capitalised Latin or Cyrillic words
// and Arabic-script words (which have no case to tell).
bool NameLike(std::string_view word) {
  if (word.empty()) return false;
  const auto c0 = static_cast<unsigned char>(word[0]);
  if (c0 < 0x80) return c0 >= 'A' && c0 <= 'Z';
  if (word.size() < 2) return false;
  const auto c1 = static_cast<unsigned char>(word[1]);
  if (c0 == 0xD0) return c1 >= 0x80 && c1 <= 0xAF;  // Cyrillic capitals U+0400-U+042F
  return c0 >= 0xD8 && c0 <= 0xDB;                  // Arabic block U+0600-U+06FF
}

// True if `term` was already emitted at the position of the last primary token.
bool SameAtPosition(const std::vector<IndexToken>& out, std::string_view term) {
  for (auto it = out.rbegin(); it != out.rend(); ++it) {
    if (it->term == term) return true;
    if (!it->colocated) break;
  }
  return false;
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
  return emit_all(AnalyzeForIndex(
      input, (flags & FTS5_TOKENIZE_QUERY) ? TokenMode::kQuery : TokenMode::kIndex));
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

std::vector<IndexToken> AnalyzeForIndex(std::string_view input, TokenMode mode) {
  std::vector<IndexToken> out;
  bool name_field = false;
  int shift = 0;
  if (!input.empty() && input.front() == kNameMarker) {
    name_field = true;
    input.remove_prefix(1);
    shift = 1;
  }
  thread_local std::vector<text::IndexWord> words;
  SharedAnalyzer().AnalyzeForIndex(input, text::DetectLang(input), words);
  out.reserve(words.size() * 2);
  for (auto& w : words) {
    const int start = static_cast<int>(w.start) + shift;
    const int end = static_cast<int>(w.end) + shift;
    // The primary token advances the position; alternatives are colocated. Name fields are
    // not stemmed.
    out.push_back({std::move(w.exact), false, start, end});
    const std::string& exact = out.back().term;
    if (mode == TokenMode::kPositions) continue;
    if (!name_field && !w.stem.empty() && w.stem != exact && !SameAtPosition(out, w.stem)) {
      out.push_back({std::move(w.stem), true, start, end});
    }
    if (mode != TokenMode::kIndex || w.span != 1) continue;
    std::string_view word = input.substr(w.start, w.end - w.start);
    if (!(name_field ? HasLetters(word) : NameLike(word))) continue;
    const std::string& key = CachedKey(word);
    if (key.size() >= 3) out.push_back({key, true, start, end});
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
