// Character-level normalisation: the character tables of issue 3, in one place.
#include "text/internal/normalize.h"

#include <algorithm>
#include <climits>
#include <memory>

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

namespace tansiq::text::internal {
namespace {

const icu::Normalizer2* Nfkc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode st = U_ZERO_ERROR;
    return icu::Normalizer2::getNFKCInstance(st);
  }();
  return n;
}

const icu::Normalizer2* Nfd() {
  static const icu::Normalizer2* n = [] {
    UErrorCode st = U_ZERO_ERROR;
    return icu::Normalizer2::getNFDInstance(st);
  }();
  return n;
}

// Latin-ASCII for the rare Latin letters that have no ASCII base after NFD (æ ø ł đ þ ı).
// ICU transliterators are not thread-safe: one per thread, created on first use.
void LatinAscii(icu::UnicodeString& s) {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> r(
        icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, st));
    if (U_FAILURE(st)) r.reset();
    return r;
  }();
  if (t) t->transliterate(s);
}

bool IsLatin(UChar32 c) {
  UErrorCode st = U_ZERO_ERROR;
  return uscript_getScript(c, &st) == USCRIPT_LATIN;
}

bool IsMark(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }

// Appends the ASCII folding of a non-ASCII Latin letter.
void AppendLatinFolded(UChar32 c, icu::UnicodeString& out) {
  icu::UnicodeString d;
  if (!Nfd()->getDecomposition(c, d)) d = icu::UnicodeString(c);
  icu::UnicodeString base;
  for (int32_t i = 0; i < d.length();) {
    UChar32 x = d.char32At(i);
    i += U16_LENGTH(x);
    if (!IsMark(x)) base.append(x);
  }
  bool ascii = true;
  for (int32_t i = 0; i < base.length(); ++i) ascii = ascii && base.charAt(i) < 0x80;
  if (!ascii) LatinAscii(base);
  out.append(base);
}

}  // namespace

Decoded DecodeUtf8(std::string_view utf8) {
  Decoded d;
  const int32_t n = static_cast<int32_t>(
      std::min<std::size_t>(utf8.size(), static_cast<std::size_t>(INT32_MAX / 2)));
  d.byte_at.reserve(static_cast<std::size_t>(n) + 1);
  const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
  // UTF-16 never needs more units than UTF-8 has bytes.
  char16_t* out = d.text.getBuffer(n + 1);
  if (out == nullptr) return d;
  int32_t i = 0, len = 0;
  while (i < n) {
    const int32_t begin = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;
    U16_APPEND_UNSAFE(out, len, c);
    for (int k = 0; k < U16_LENGTH(c); ++k) d.byte_at.push_back(static_cast<std::uint32_t>(begin));
  }
  d.text.releaseBuffer(len);
  d.byte_at.push_back(static_cast<std::uint32_t>(n));
  return d;
}

std::string ToUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

bool IsIgnorable(UChar32 c) {
  switch (c) {
    case 0x00AD:  // soft hyphen
    case 0x034F:  // combining grapheme joiner
    case 0x061C:  // ARABIC LETTER MARK
    case 0x200B:  // zero width space
    case 0x200D:  // ZWJ
    case 0x200E:  // LRM
    case 0x200F:  // RLM
    case 0x2060:  // word joiner
    case 0xFEFF:  // BOM / ZWNBSP
      return true;
    default:
      return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
             (c >= 0xFE00 && c <= 0xFE0F);
  }
}

bool IsArabicMark(UChar32 c) {
  return (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
         (c >= 0x06D6 && c <= 0x06DC) || (c >= 0x06DF && c <= 0x06E8) ||
         (c >= 0x06EA && c <= 0x06ED) || c == 0x0640;
}

bool IsArabicScriptLetter(UChar32 c) {
  return ((c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D5) ||
          (c >= 0x06FA && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
          (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC)) &&
         c != 0x0640;
}

bool IsCyrillic(UChar32 c) { return c >= 0x0400 && c <= 0x052F; }

icu::UnicodeString PreNormalize(const icu::UnicodeString& in) {
  // Fast path: nothing to drop or remap and already NFKC (most words of every script).
  bool plain = true;
  for (int32_t i = 0; i < in.length() && plain; ++i) {
    const char16_t c = in.charAt(i);
    plain = c < 0x80 || (c >= 0x0600 && c <= 0x06FF && c != 0x061C) || (c >= 0x0410 && c <= 0x044F);
  }
  if (plain) {
    UErrorCode st = U_ZERO_ERROR;
    if (Nfkc()->isNormalized(in, st) && U_SUCCESS(st)) return in;
  }
  icu::UnicodeString a;
  UChar32 base = 0;
  for (int32_t i = 0; i < in.length();) {
    UChar32 c = in.char32At(i);
    i += U16_LENGTH(c);
    if (IsIgnorable(c)) continue;
    if ((c == 0x0300 || c == 0x0301) && IsCyrillic(base)) continue;  // stress, not the breve
    switch (c) {
      case 0x0450:
        c = 0x0435;
        break;  // ѐ
      case 0x045D:
        c = 0x0438;
        break;  // ѝ
      case 0x0400:
        c = 0x0415;
        break;  // Ѐ
      case 0x040D:
        c = 0x0418;
        break;  // Ѝ
      default:
        break;
    }
    if (!IsMark(c)) base = c;
    a.append(c);
  }
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString out = Nfkc()->normalize(a, st);
  if (U_FAILURE(st)) return a;
  return out;
}

icu::UnicodeString FoldAndMap(const icu::UnicodeString& in, bool keep_name_letters) {
  icu::UnicodeString folded(in);
  folded.foldCase();
  icu::UnicodeString out(folded.length() + 1, 0, 0);  // capacity only
  UChar32 base = 0;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (c < 0x80) {
      out.append(c);
      base = c;
      continue;
    }
    if (c >= 0x0621 && c <= 0x064A && c != 0x0622 && c != 0x0623 && c != 0x0624 && c != 0x0625 &&
        c != 0x0626 && c != 0x0629 && c != 0x0640 && c != 0x0649) {
      out.append(c);  // plain Arabic letters: the common case, no lookups
      base = c;
      continue;
    }
    if (c >= 0x0430 && c <= 0x044F) {
      out.append(c);  // plain Cyrillic lowercase
      base = c;
      continue;
    }
    if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
      out.append(static_cast<UChar32>('0' + u_charDigitValue(c)));
      base = c;
      continue;
    }
    if (IsArabicMark(c)) continue;
    if (IsMark(c)) {
      // Marks left on Latin letters (e.g. the dot of a folded İ) and stray stress marks on
      // Cyrillic go; other marks (the breve of a decomposed й is composed by NFKC) stay.
      if (IsLatin(base) || (IsCyrillic(base) && (c == 0x0300 || c == 0x0301))) continue;
      out.append(c);
      continue;
    }
    base = c;
    switch (c) {
      case 0x0622:
      case 0x0623:
      case 0x0625:
      case 0x0671:
      case 0x0672:
      case 0x0673:
        out.append(static_cast<UChar32>(0x0627));  // alef forms -> ا
        continue;
      case 0x0649:  // ى alef maqsura
      case 0x0626:  // ئ
        out.append(keep_name_letters ? c : static_cast<UChar32>(0x064A));
        continue;
      case 0x06CC:
      case 0x06D2:
      case 0x06D3:
      case 0x06CD:
      case 0x06D0:
        out.append(static_cast<UChar32>(0x064A));  // Persian/Urdu yeh -> ي
        continue;
      case 0x0629:  // ة
        out.append(keep_name_letters ? c : static_cast<UChar32>(0x0647));
        continue;
      case 0x06C0:
      case 0x06C1:
      case 0x06C2:
      case 0x06C3:
      case 0x06D5:
      case 0x06BE:
        out.append(static_cast<UChar32>(0x0647));  // heh forms -> ه
        continue;
      case 0x0624:  // ؤ
        out.append(keep_name_letters ? c : static_cast<UChar32>(0x0648));
        continue;
      case 0x06A9:
      case 0x06AA:
      case 0x06AB:  // keheh forms -> ك
        out.append(static_cast<UChar32>(0x0643));
        continue;
      case 0x0451:  // ё
        out.append(static_cast<UChar32>(0x0435));
        continue;
      case 0x2018:
      case 0x2019:
      case 0x02BC:
      case 0x02B9:
      case 0xFF07:
        out.append(static_cast<UChar32>('\''));
        continue;
      default:
        break;
    }
    if (IsLatin(c)) {
      AppendLatinFolded(c, out);
      continue;
    }
    out.append(c);
  }
  return out;
}

}  // namespace tansiq::text::internal
