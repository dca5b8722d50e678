// Proclitic splitting against the compiled-in lexicon (text/lexicon/arabic_lexicon.inc).
#include "text/internal/proclitic.h"

#include <string>
#include <unordered_set>

#include "text/internal/normalize.h"
#include "text/internal/stem.h"

namespace tansiq::text::internal {
namespace {

constexpr const char* kLexicon[] = {
#include "text/lexicon/arabic_lexicon.inc"
};

struct Lexicon {
  std::unordered_set<std::u16string> words;  // normalised, also without a leading ال
  std::unordered_set<std::u16string> stems;  // light10 stems of >= 3 letters

  Lexicon() {
    static const icu::UnicodeString kAl(u"ال");
    for (const char* entry : kLexicon) {
      const icu::UnicodeString w = NormalizeText(DecodeUtf8(entry).text);
      Add(w);
      if (w.startsWith(kAl) && w.length() >= 5) Add(w.tempSubString(2));
    }
  }
  void Add(const icu::UnicodeString& w) {
    words.emplace(w.getBuffer(), static_cast<std::size_t>(w.length()));
    const icu::UnicodeString s = StemArabic(w);
    if (s.length() >= 3) stems.emplace(s.getBuffer(), static_cast<std::size_t>(s.length()));
  }
  static bool In(const std::unordered_set<std::u16string>& set, const icu::UnicodeString& w) {
    return set.contains(std::u16string(w.getBuffer(), static_cast<std::size_t>(w.length())));
  }
  bool Known(const icu::UnicodeString& w) const { return In(words, w); }
  bool Counts(const icu::UnicodeString& r) const {
    if (r.length() < 3) return false;
    if (r.startsWith(u"ال")) return r.length() >= 4;
    if (Known(r)) return true;
    const icu::UnicodeString s = StemArabic(r);
    return s.length() >= 3 && In(stems, s);
  }
};

const Lexicon& TheLexicon() {
  static const Lexicon lexicon;
  return lexicon;
}

}  // namespace

icu::UnicodeString ProcliticRemainder(const icu::UnicodeString& word) {
  if (word.length() < 4) return {};
  const char16_t first = word.charAt(0);
  const bool conjunction = first == u'و' || first == u'ف';
  const bool preposition = first == u'ب' || first == u'ك' || first == u'ل';
  if (!conjunction && !preposition) return {};
  const Lexicon& lexicon = TheLexicon();
  if (lexicon.Known(word)) return {};
  // Chains, longest first: conjunction + preposition, then one letter.
  int32_t chains[2];
  int n = 0;
  if (conjunction) {
    const char16_t second = word.charAt(1);
    if (second == u'ب' || second == u'ك' || second == u'ل') chains[n++] = 2;
  }
  chains[n++] = 1;
  for (int i = 0; i < n; ++i) {
    const int32_t len = chains[i];
    const icu::UnicodeString rest = word.tempSubString(len);
    // ل before ال drops the alef: للقوات = ل + القوات; a remainder that is itself a known word
    // beginning with ل (للبنان = ل + لبنان) is preferred.
    if (word.charAt(len - 1) == u'ل' && rest.charAt(0) == u'ل' && !lexicon.Known(rest)) {
      icu::UnicodeString definite(u"ا");
      definite.append(rest);
      if (lexicon.Counts(definite)) return definite;
    }
    if (lexicon.Counts(rest)) return rest;
  }
  return {};
}

bool IsKnownArabicWord(const icu::UnicodeString& word) { return TheLexicon().Known(word); }

std::size_t ProcliticLexiconSize() { return TheLexicon().words.size(); }

}  // namespace tansiq::text::internal
