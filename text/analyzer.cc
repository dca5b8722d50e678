// Analyzer: word break on the original text, then per word normalisation, ZWNJ split/join,
// stop words and stemming (see analyzer.h for the pipeline and text/README.md for decisions).
#include "text/analyzer.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include <unicode/brkiter.h>
#include <unicode/uchar.h>

#include "text/internal/normalize.h"
#include "text/internal/proclitic.h"
#include "text/internal/stem.h"
#include "text/name_key.h"

namespace tansiq::text {
namespace {

using internal::Script;

// Per-thread word break iterators (ICU iterators are not thread-safe). Two, because a word may
// need re-breaking after NFKC (ﷺ expands to several words) while the outer one is mid-text.
icu::BreakIterator* WordBreaker(int which) {
  thread_local std::unique_ptr<icu::BreakIterator> its[2];
  auto& it = its[which];
  if (!it) {
    UErrorCode st = U_ZERO_ERROR;
    it.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), st));
    if (U_FAILURE(st)) it.reset();
  }
  return it.get();
}

bool IsWordStatus(int32_t status) { return status >= UBRK_WORD_NONE_LIMIT; }

// Splits `s` into the words ICU finds in it (appending to `out`).
void BreakWords(const icu::UnicodeString& s, int which, std::vector<icu::UnicodeString>& out) {
  icu::BreakIterator* bi = WordBreaker(which);
  if (bi == nullptr) {
    out.push_back(s);
    return;
  }
  bi->setText(s);
  int32_t start = bi->first();
  for (int32_t end = bi->next(); end != icu::BreakIterator::DONE; start = end, end = bi->next()) {
    if (IsWordStatus(bi->getRuleStatus())) out.push_back(s.tempSubStringBetween(start, end));
  }
}

// True if NFKC output can be used as one word without re-breaking.
bool IsSimpleWord(const icu::UnicodeString& s) {
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (c == internal::kZwnj || c == '\'' || c == 0x2019 || c == '.' || c == '_') continue;
    if (!u_isalnum(c) && (U_GET_GC_MASK(c) & U_GC_M_MASK) == 0) return false;
  }
  return true;
}

int32_t CodePoints(const icu::UnicodeString& s) { return s.countChar32(); }

// ALL-CAPS acronym (ИГИЛ, ISIS), optionally followed by a short lowercase case ending (ИГИЛа,
// ИГИЛом): returns the caps run, else an empty string. Case-preserving input.
icu::UnicodeString AcronymStem(const icu::UnicodeString& word) {
  int32_t caps = 0, i = 0;
  while (i < word.length()) {
    UChar32 c = word.char32At(i);
    if (!u_isupper(c)) break;
    ++caps;
    i += U16_LENGTH(c);
  }
  if (caps < 2 || caps > 6) return {};
  int32_t lower = 0;
  for (int32_t j = i; j < word.length();) {
    UChar32 c = word.char32At(j);
    j += U16_LENGTH(c);
    if (c == '\'' || c == 0x2019) break;  // possessive: ISIL's
    if (!u_islower(c)) return {};
    ++lower;
  }
  if (lower > 3) return {};
  return word.tempSubString(0, i);
}

// Latin possessive: drops a trailing 's (or bare trailing '), then any remaining apostrophes
// (O'Brien -> obrien, don't -> dont).
std::string StripApostrophes(std::string term) {
  if (term.size() > 2 && term.ends_with("'s")) term.resize(term.size() - 2);
  std::erase(term, '\'');
  return term;
}

// The index terms of one normalised word (no ZWNJ): `exact` as Field::kExact/kName give it,
// `stem` as Field::kText does (empty when the word is a stop word there). Both empty: dropped.
struct WordTerms {
  std::string exact;
  std::string stem;
};

WordTerms Terms(const icu::UnicodeString& norm, const icu::UnicodeString& acronym, Lang lang) {
  WordTerms t;
  if (norm.isEmpty() || CodePoints(norm) > Analyzer::kMaxTermChars) return t;
  const Script script = internal::WordScript(norm);
  std::string term = internal::ToUtf8(norm);
  if (script == Script::kLatin) term = StripApostrophes(std::move(term));
  if (term.empty()) return t;
  if (!internal::IsStopWord(term, script, lang)) {
    if (!acronym.isEmpty()) {
      std::string a = internal::ToUtf8(internal::NormalizeText(acronym));
      t.stem = script == Script::kLatin ? StripApostrophes(std::move(a)) : std::move(a);
    } else {
      switch (script) {
        case Script::kArabic:
          t.stem = internal::ToUtf8(
              lang == Lang::kFa ? internal::StemPersian(norm)
                                : internal::StemArabic(norm, internal::IsKnownArabicWord(norm)));
          break;
        case Script::kCyrillic:
          t.stem = internal::StemRussian(term);
          break;
        case Script::kLatin:
          t.stem = internal::StemEnglish(term);
          break;
        default:
          t.stem = term;
      }
    }
  }
  t.exact = std::move(term);
  return t;
}

// The analysis of one word as ICU's word break finds it in the source text: the terms it
// yields (several for a ZWNJ word or an NFKC expansion such as ﷺ), each at a position relative
// to the word's first, and the positions it consumes. A pure function of (word, lang).
struct WordAnalysis {
  struct Piece {
    WordTerms terms;  // both empty: nothing to emit, the position is still consumed
    std::uint32_t rel;
    std::uint32_t span;
    bool alternative = false;  // the word behind a proclitic, at the written word's position
  };
  std::vector<Piece> pieces;
  std::uint32_t positions = 0;
  // PhoneticKey of the source word, computed on first request ("" when shorter than 3).
  mutable bool has_name_key = false;
  mutable std::string name_key;

  std::string_view NameKey(const icu::UnicodeString& source_word) const {
    if (!has_name_key) {
      name_key = PhoneticKey(internal::ToUtf8(source_word));
      if (name_key.size() < 3) name_key.clear();
      has_name_key = true;
    }
    return name_key;
  }

  // One word as ICU found it in the NFKC text (case preserved).
  void Word(const icu::UnicodeString& pre, Lang lang) {
    const icu::UnicodeString norm = internal::FoldAndMap(pre);
    if (norm.indexOf(static_cast<char16_t>(internal::kZwnj)) < 0) {
      pieces.push_back({Terms(norm, AcronymStem(pre), lang), positions, 1});
      // Arabic proclitics (not Persian, whose ب/و-initial words are rarely clitics): the word
      // they hide is indexed beside the written one (internal/proclitic.h).
      if (lang != Lang::kFa && internal::WordScript(norm) == Script::kArabic) {
        if (const icu::UnicodeString rest = internal::ProcliticRemainder(norm); !rest.isEmpty()) {
          pieces.push_back({Terms(rest, {}, lang), positions, 1, true});
        }
      }
      ++positions;
      return;
    }
    // Split on ZWNJ: parts of the case-preserving and of the normalised form.
    std::vector<icu::UnicodeString> parts, pre_parts;
    auto split = [](const icu::UnicodeString& s, std::vector<icu::UnicodeString>& v) {
      int32_t from = 0;
      for (int32_t i = 0; i <= s.length(); ++i) {
        if (i == s.length() || s.charAt(i) == internal::kZwnj) {
          if (i > from) v.push_back(s.tempSubStringBetween(from, i));
          from = i + 1;
        }
      }
    };
    split(norm, parts);
    split(pre, pre_parts);
    if (parts.empty()) return;
    if (parts.size() == 1) {
      pieces.push_back({Terms(parts[0], AcronymStem(pre_parts.empty() ? pre : pre_parts[0]), lang),
                        positions++, 1});
      return;
    }
    icu::UnicodeString joined;
    for (const auto& p : parts) joined.append(p);
    const auto n = static_cast<std::uint32_t>(parts.size());
    pieces.push_back({Terms(joined, {}, lang), positions, n});
    for (std::uint32_t k = 0; k < n; ++k)
      pieces.push_back({Terms(parts[k], {}, lang), positions + k, 1});
    positions += n;
  }

  static WordAnalysis Of(const icu::UnicodeString& source_word, Lang lang) {
    WordAnalysis w;
    const icu::UnicodeString pre = internal::PreNormalize(source_word);
    if (IsSimpleWord(pre)) {
      w.Word(pre, lang);
      return w;
    }
    std::vector<icu::UnicodeString> words;
    BreakWords(pre, 1, words);
    for (const auto& x : words) w.Word(x, lang);
    return w;
  }
};

// Per-thread memo of WordAnalysis::Of. Word frequencies follow Zipf's law, so most words of a
// text were seen before and cost one hash lookup instead of normalisation and stemming. Two
// generations per language keep the frequent words when the memo fills up: lookups try the
// current one, then the previous one (promoting a hit); a full current generation becomes the
// previous one. At most 2 * kGeneration entries (~370 bytes each with a name key, so ~12 MB)
// per language per thread; smaller generations cost the benchmark's 30,000-word vocabularies
// a third of the indexing rate. Keyed by the source word's UTF-16 units.
class WordCache {
 public:
  static constexpr std::size_t kGeneration = 16384;
  static constexpr int32_t kMaxKeyUnits = 2 * Analyzer::kMaxTermChars;

  // Entries stay valid (and in place) until the next BeginText on this cache.
  void BeginText() {
    overflow_.clear();
    for (auto& g : gens_) {
      if (g.current.size() >= kGeneration) {
        g.previous = std::move(g.current);
        g.current.clear();
      }
    }
  }

  const WordAnalysis& Get(const icu::UnicodeString& text, int32_t start, int32_t end, Lang lang) {
    const std::u16string_view key(text.getBuffer() + start, static_cast<std::size_t>(end - start));
    if (key.size() > static_cast<std::size_t>(kMaxKeyUnits)) {  // blobs: not worth keeping
      return overflow_.emplace_back(WordAnalysis::Of(text.tempSubStringBetween(start, end), lang));
    }
    Generations& g = gens_[static_cast<int>(lang)];
    if (auto it = g.current.find(key); it != g.current.end()) return it->second;
    if (auto it = g.previous.find(key); it != g.previous.end()) {
      // Promote (the node moves; nothing refers to it yet during this text).
      return g.current.insert(g.previous.extract(it)).position->second;
    }
    return g.current
        .emplace(std::u16string(key), WordAnalysis::Of(text.tempSubStringBetween(start, end), lang))
        .first->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::u16string_view s) const {
      return std::hash<std::u16string_view>{}(s);
    }
  };
  using Map = std::unordered_map<std::u16string, WordAnalysis, Hash, std::equal_to<>>;
  struct Generations {
    Map current, previous;
  };
  Generations gens_[5];
  std::deque<WordAnalysis> overflow_;
};

// Whether a word may be a name, from its first letter: capitalised Latin or Cyrillic, or Arabic
// script (no case to tell).
bool NameLike(const icu::UnicodeString& text, int32_t start) {
  const char16_t c = text.charAt(start);
  return (c >= 'A' && c <= 'Z') || (c >= 0x0400 && c <= 0x042F) || (c >= 0x0600 && c <= 0x06FF);
}

bool HasLetter(const icu::UnicodeString& text, int32_t start, int32_t end) {
  for (int32_t i = start; i < end; ++i) {
    const char16_t c = text.charAt(i);
    if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

// The source word of a term and its memoised analysis (for the name key).
struct SourceWord {
  const WordAnalysis& analysis;
  const icu::UnicodeString& text;
  int32_t start, end;
};

// Word break on the original text; `sink(const WordTerms&, position, span, alternative, start,
// end, source)` gets every term with the byte offsets of its source word (`alternative`: the word
// behind a proclitic, at the position of the written word's term just before it); source()
// returns a SourceWord. The WordTerms stay valid until the next walk on this thread.
template <typename Sink>
void WalkWords(std::string_view utf8, Lang lang, Sink&& sink) {
  thread_local WordCache cache;
  cache.BeginText();
  const internal::Decoded d = internal::DecodeUtf8(utf8);
  icu::BreakIterator* bi = WordBreaker(0);
  if (bi == nullptr) return;
  bi->setText(d.text);
  std::uint32_t position = 0;
  int32_t start = bi->first();
  for (int32_t end = bi->next(); end != icu::BreakIterator::DONE; start = end, end = bi->next()) {
    if (!IsWordStatus(bi->getRuleStatus())) continue;
    const WordAnalysis& w = cache.Get(d.text, start, end, lang);
    const std::uint32_t from = d.byte_at[static_cast<std::size_t>(start)];
    const std::uint32_t to = d.byte_at[static_cast<std::size_t>(end)];
    for (const auto& p : w.pieces) {
      sink(p.terms, position + p.rel, p.span, p.alternative, from, to, [&] {
        return SourceWord{w, d.text, start, end};
      });
    }
    position += w.positions;
  }
}

}  // namespace

std::string_view LangCode(Lang lang) {
  switch (lang) {
    case Lang::kAr:
      return "ar";
    case Lang::kFa:
      return "fa";
    case Lang::kRu:
      return "ru";
    case Lang::kEn:
      return "en";
    default:
      return "";
  }
}

Lang DetectLang(std::string_view utf8, std::optional<std::string_view> stix_lang) {
  if (stix_lang.has_value()) {
    std::string primary;
    for (char c : *stix_lang) {
      if (c == '-' || c == '_') break;
      primary.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    if (primary == "ar" || primary == "ara") return Lang::kAr;
    if (primary == "fa" || primary == "per" || primary == "fas" || primary == "prs" ||
        primary == "pes") {
      return Lang::kFa;
    }
    if (primary == "ru" || primary == "rus") return Lang::kRu;
    if (primary == "en" || primary == "eng") return Lang::kEn;
    if (!primary.empty()) return Lang::kUnknown;
  }
  const internal::Decoded d = internal::DecodeUtf8(utf8);
  int arabic = 0, cyrillic = 0, latin = 0, fa_only = 0, ar_only = 0;
  for (int32_t i = 0; i < d.text.length();) {
    UChar32 c = d.text.char32At(i);
    i += U16_LENGTH(c);
    if (internal::IsArabicScriptLetter(c)) {
      ++arabic;
      if (c == 0x067E || c == 0x0686 || c == 0x0698 || c == 0x06AF || c == 0x06A9 || c == 0x06CC) {
        ++fa_only;  // پ چ ژ گ ک ی
      } else if (c == 0x064A || c == 0x0643 || c == 0x0629 || c == 0x0649) {
        ++ar_only;  // ي ك ة ى
      }
    } else if (internal::IsCyrillic(c)) {
      ++cyrillic;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= 0xC0 && c <= 0x24F && u_isalpha(c))) {
      ++latin;
    }
  }
  if (arabic == 0 && cyrillic == 0 && latin == 0) return Lang::kUnknown;
  if (arabic >= cyrillic && arabic >= latin) return fa_only > ar_only ? Lang::kFa : Lang::kAr;
  return cyrillic >= latin ? Lang::kRu : Lang::kEn;
}

std::vector<Token> Analyzer::Analyze(std::string_view utf8, Lang lang, Field field) const {
  std::vector<Token> out;
  const bool text = field == Field::kText;
  WalkWords(utf8, lang,
            [&](const WordTerms& t, std::uint32_t position, std::uint32_t span, bool,
                std::uint32_t start, std::uint32_t end, auto&&) {
              const std::string& term = text ? t.stem : t.exact;
              if (term.empty()) return;
              for (auto it = out.rbegin(); it != out.rend() && it->position == position; ++it) {
                if (it->term == term) return;  // joined form and first part stem alike
              }
              out.push_back(Token{term, position, start, end, span});
            });
  return out;
}

void Analyzer::AnalyzeForIndex(std::string_view utf8, Lang lang, NameKeys keys,
                               std::vector<IndexWord>& out) const {
  out.clear();
  WalkWords(
      utf8, lang,
      [&](const WordTerms& t, std::uint32_t position, std::uint32_t span, bool alternative,
          std::uint32_t start, std::uint32_t end, auto&& source) {
        if (t.exact.empty()) return;
        for (auto it = out.rbegin(); it != out.rend() && it->position == position; ++it) {
          if (it->exact == t.exact) return;
        }
        std::string_view key;
        if (keys != NameKeys::kNone && span == 1 && !alternative) {
          const SourceWord w = source();
          if (keys == NameKeys::kAll ? HasLetter(w.text, w.start, w.end)
                                     : NameLike(w.text, w.start)) {
            key = w.analysis.NameKey(w.text.tempSubStringBetween(w.start, w.end));
          }
        }
        out.push_back(IndexWord{t.exact, t.stem, key, position, start, end, span, alternative});
      });
}

std::string Analyzer::Normalize(std::string_view utf8, Lang /*lang*/) const {
  icu::UnicodeString n = internal::NormalizeText(internal::DecodeUtf8(utf8).text);
  n.findAndReplace(icu::UnicodeString(static_cast<UChar32>(internal::kZwnj)), icu::UnicodeString());
  return internal::ToUtf8(n);
}

}  // namespace tansiq::text
