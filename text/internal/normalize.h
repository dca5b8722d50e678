// Character-level normalisation shared by the analyzer and the name keys: UTF-8 decoding with
// byte offsets, the per-script character tables, and ICU plumbing. Internal to text/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/unistr.h>

namespace tansiq::text::internal {

inline constexpr UChar32 kZwnj = 0x200C;

// `utf8` as UTF-16, ill-formed sequences replaced by U+FFFD. byte_at[i] is the byte offset in
// `utf8` of UTF-16 unit i; byte_at has length()+1 entries (the last is utf8.size()).
struct Decoded {
  icu::UnicodeString text;
  std::vector<std::uint32_t> byte_at;
};
Decoded DecodeUtf8(std::string_view utf8);

std::string ToUtf8(const icu::UnicodeString& s);

// Format characters that never carry meaning in a word: ZWJ, LRM, RLM, ALM, soft hyphen, bidi
// embeddings/isolates, BOM, CGJ, variation selectors. Not ZWNJ (that one splits and joins).
bool IsIgnorable(UChar32 c);

// Arabic-script combining marks and tatweel removed by normalisation: harakat U+064B-U+065F
// (includes hamza above/below U+0654/U+0655), superscript alef U+0670, Quranic marks, tatweel.
bool IsArabicMark(UChar32 c);

bool IsArabicScriptLetter(UChar32 c);
bool IsCyrillic(UChar32 c);

// Stage 1, case-preserving: drop ignorables, strip Cyrillic stress accents (U+0300/U+0301 after
// a Cyrillic letter; ѐ ѝ -> е и) while keeping й, then NFKC.
icu::UnicodeString PreNormalize(const icu::UnicodeString& in);

// Stage 2: case fold, then per code point: decimal digits -> ASCII; Arabic marks/tatweel
// dropped; أ إ آ ٱ -> ا; ى ی ے ئ -> ي; ة ۀ ہ ە ھ -> ه; ؤ -> و; ک -> ك; ё -> е; typographic
// apostrophes -> '; Latin letters folded to ASCII (é -> e, æ -> ae). ZWNJ is kept.
// With `keep_name_letters`, ة and ى and ؤ and ئ are kept (name transliteration needs them).
icu::UnicodeString FoldAndMap(const icu::UnicodeString& in, bool keep_name_letters = false);

// Both stages.
inline icu::UnicodeString NormalizeText(const icu::UnicodeString& in) {
  return FoldAndMap(PreNormalize(in));
}

}  // namespace tansiq::text::internal
