// Text analysis for multilingual search (Arabic, Persian, Russian, English): normalisation,
// word breaking, stop words and stemming into index terms. Pure: no I/O, no global state
// visible to callers. The store indexes Analyze() output; queries are analysed the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tansiq::text {

// Languages with dedicated rules. kUnknown still normalises every script; stemming and stop
// words are then chosen per token from its script (Arabic script is treated as Arabic).
enum class Lang { kUnknown, kAr, kFa, kRu, kEn };

// Which index field the terms are for.
enum class Field {
  kText,   // normalised, stop words removed, stemmed (full-text search)
  kExact,  // normalised only: no stop-word removal, no stemming (phrases, exact words)
  kName,   // names and alias-registry entries: like kExact, never stemmed
};

// Language of a document or query: the STIX `lang` property (BCP 47; "ar", "fa"/"per"/"fas"/
// "prs", "ru", "en", region/script subtags ignored) when present, even if unsupported (then
// kUnknown); else the dominant letter script, where Persian-only letters (پ چ ژ گ ک ی) outnumbering
// Arabic-only forms (ي ك ة ى) decide fa. No letters at all: kUnknown.
Lang DetectLang(std::string_view utf8, std::optional<std::string_view> stix_lang = std::nullopt);

// Two-letter code for a Lang ("ar", "fa", "ru", "en", "" for kUnknown).
std::string_view LangCode(Lang lang);

// One index term.
struct Token {
  std::string term;        // UTF-8, normalised (and stemmed for Field::kText)
  std::uint32_t position;  // word position, 0-based; stop words leave a gap
  std::uint32_t start;     // byte offset in the original text (for snippets)
  std::uint32_t end;       // one past the last byte of the source word
  std::uint32_t span = 1;  // positions covered: >1 only for the joined form of a ZWNJ word
  // A word behind an Arabic proclitic (IndexWord::alternative) follows the written word's token
  // at the same position.
};

// One word for the search index: both fields' terms from one analysis pass. The views point
// into per-thread memory that stays valid until the next AnalyzeForIndex or Analyze call on the
// same thread.
struct IndexWord {
  std::string_view exact;     // as Field::kExact gives it
  std::string_view stem;      // as Field::kText gives it; empty for a stop word
  std::string_view name_key;  // PhoneticKey of the source word when asked for (and >= 3 chars)
  std::uint32_t position;
  std::uint32_t start;
  std::uint32_t end;
  std::uint32_t span = 1;
  // The word behind an Arabic proclitic (لمستشفيات -> مستشفيات, وللقوات -> القوات), at the same
  // position as the written word, which comes just before it: an alternative, not a new word.
  bool alternative = false;
};

// Which words of AnalyzeForIndex get a name key (ZWNJ joined forms never do).
enum class NameKeys {
  kNone,
  kNameLike,  // words that may be names: capitalised Latin/Cyrillic, or Arabic script
  kAll,       // every word with a letter (name fields)
};

// The analysis pipeline (see text/README.md):
//   invalid UTF-8 -> U+FFFD (a word separator) -> ICU word break on the original text ->
//   per word: drop ZWJ/LRM/RLM/ALM/soft hyphen/bidi controls, strip Cyrillic stress accents,
//   NFKC, case fold, decimal digits -> ASCII, Arabic/Persian letter unification, harakat and
//   tatweel removed, ё -> е, Latin -> ASCII, possessive 's dropped ->
//   ZWNJ: the joined form and each part are emitted (joined form at the first part's position
//   with span = number of parts; parts at consecutive positions) ->
//   Arabic proclitics: the word behind a known proclitic chain, at the written word's position
//   (not for kFa; see IndexWord::alternative) ->
//   kText only: stop words dropped (position kept), stemming (Arabic light10, Persian light
//   stemmer, Snowball russian/english; all-caps acronyms such as ИГИЛ/ИГИЛа -> "игил").
//
// Normalisation is script-driven and the same for every Lang, so a query and a document meet
// whatever language label they carry; Lang only picks stop words and the stemmer (kFa selects
// the Persian ones for Arabic-script words).
//
// Thread-safety: stateless; every method is const and keeps its ICU/libstemmer scratch objects
// in thread_local storage. One Analyzer may be shared freely by any number of threads.
// Never throws on input; invalid UTF-8 becomes U+FFFD. Words longer than kMaxTermChars code
// points are skipped (their position is still consumed).
class Analyzer {
 public:
  static constexpr int kMaxTermChars = 64;

  Analyzer() = default;

  std::vector<Token> Analyze(std::string_view utf8, Lang lang, Field field) const;

  // What the search index stores, from one pass: for every word of Analyze(kExact) (same
  // order, positions, offsets and spans) its exact term, the term Analyze(kText) gives the same
  // word (empty for a stop word) and, per `keys`, the source word's PhoneticKey. `out` is
  // cleared first. Word analyses and name keys are memoised per thread (bounded).
  void AnalyzeForIndex(std::string_view utf8, Lang lang, NameKeys keys,
                       std::vector<IndexWord>& out) const;

  // Normalisation only, over the whole text (no word break, stop words or stemming): what a
  // term is made of before stemming. ZWNJ is removed (the joined form). Whitespace and
  // punctuation are kept (after NFKC and case folding).
  std::string Normalize(std::string_view utf8, Lang lang) const;
};

}  // namespace tansiq::text
