// Analyzer: word break on the original text, then per word normalisation, ZWNJ split/join,
// stop words and stemming (see analyzer.h for the pipeline and text/README.md for decisions).
#include "text/analyzer.h"

#include <algorithm>
#include <memory>

#include <unicode/brkiter.h>
#include <unicode/uchar.h>

#include "text/internal/normalize.h"
#include "text/internal/stem.h"

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

struct Emitter {
  const Lang lang;
  const Field field;
  std::vector<Token>& out;
  std::uint32_t start = 0, end = 0;

  // Turns one normalised word (no ZWNJ) into its term; empty if it is dropped.
  std::string Term(const icu::UnicodeString& norm, const icu::UnicodeString& acronym) const {
    if (norm.isEmpty() || CodePoints(norm) > Analyzer::kMaxTermChars) return {};
    const Script script = internal::WordScript(norm);
    std::string term = internal::ToUtf8(norm);
    if (script == Script::kLatin) term = StripApostrophes(std::move(term));
    if (term.empty()) return {};
    if (field != Field::kText) return term;
    if (internal::IsStopWord(term, script, lang)) return {};
    if (!acronym.isEmpty()) {
      std::string a = internal::ToUtf8(internal::NormalizeText(acronym));
      return script == Script::kLatin ? StripApostrophes(std::move(a)) : a;
    }
    switch (script) {
      case Script::kArabic:
        return internal::ToUtf8(lang == Lang::kFa ? internal::StemPersian(norm)
                                                  : internal::StemArabic(norm));
      case Script::kCyrillic:
        return internal::StemRussian(term);
      case Script::kLatin:
        return internal::StemEnglish(term);
      default:
        return term;
    }
  }

  void Push(std::string term, std::uint32_t position, std::uint32_t span) {
    if (term.empty()) return;
    for (auto it = out.rbegin(); it != out.rend() && it->position == position; ++it) {
      if (it->term == term) return;  // joined form and first part stem alike
    }
    out.push_back(Token{std::move(term), position, start, end, span});
  }

  // One word as ICU found it in the NFKC text (case preserved); consumes positions.
  void Word(const icu::UnicodeString& pre, std::uint32_t& position) {
    const icu::UnicodeString norm = internal::FoldAndMap(pre);
    if (norm.indexOf(static_cast<char16_t>(internal::kZwnj)) < 0) {
      Push(Term(norm, AcronymStem(pre)), position, 1);
      ++position;
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
      Push(Term(parts[0], AcronymStem(pre_parts.empty() ? pre : pre_parts[0])), position, 1);
      ++position;
      return;
    }
    icu::UnicodeString joined;
    for (const auto& p : parts) joined.append(p);
    const auto n = static_cast<std::uint32_t>(parts.size());
    Push(Term(joined, {}), position, n);
    for (std::uint32_t k = 0; k < n; ++k) Push(Term(parts[k], {}), position + k, 1);
    position += n;
  }
};

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
  const internal::Decoded d = internal::DecodeUtf8(utf8);
  icu::BreakIterator* bi = WordBreaker(0);
  if (bi == nullptr) return out;
  bi->setText(d.text);
  Emitter em{lang, field, out};
  std::uint32_t position = 0;
  std::vector<icu::UnicodeString> words;
  int32_t start = bi->first();
  for (int32_t end = bi->next(); end != icu::BreakIterator::DONE; start = end, end = bi->next()) {
    if (!IsWordStatus(bi->getRuleStatus())) continue;
    em.start = d.byte_at[static_cast<std::size_t>(start)];
    em.end = d.byte_at[static_cast<std::size_t>(end)];
    const icu::UnicodeString pre = internal::PreNormalize(d.text.tempSubStringBetween(start, end));
    if (IsSimpleWord(pre)) {
      em.Word(pre, position);
      continue;
    }
    words.clear();
    BreakWords(pre, 1, words);
    for (const auto& w : words) em.Word(w, position);
  }
  return out;
}

std::string Analyzer::Normalize(std::string_view utf8, Lang /*lang*/) const {
  icu::UnicodeString n = internal::NormalizeText(internal::DecodeUtf8(utf8).text);
  n.findAndReplace(icu::UnicodeString(static_cast<UChar32>(internal::kZwnj)), icu::UnicodeString());
  return internal::ToUtf8(n);
}

}  // namespace tansiq::text
