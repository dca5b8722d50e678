// Name keys: transliteration to a folded Latin form, a consonant-class skeleton (the key) and
// a vowel-slot comparison (the similarity). Design notes in name_key.h and text/README.md.
#include "text/name_key.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include <unicode/translit.h>
#include <unicode/uchar.h>

#include "text/internal/normalize.h"

namespace tansiq::text {
namespace {

// Words are ASCII strings; '.' separates units that must not form a digraph (Arabic س + ه is
// "s.h", not "sh"). Vowel-like letters: a e i o u y w v and ' (ayn, hamza: unknown vowel).
bool IsVowelish(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w' ||
         c == 'v' || c == '\'' || c == '^' || c == '`';
}
bool IsPlainVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Name-oriented transliteration of the Arabic script (after partial normalisation: alef forms
// unified, ی -> ي, ک -> ك, heh forms -> ه; ة ى ؤ ئ kept). `last` is the last letter of the
// word; `construct` is true when ة is followed by a definite word (Jabhat al-Nusra).
std::string ArabicLetter(UChar32 c, bool last, bool construct) {
  // clang-format off
  switch (c) {
    case 0x0627: return "a";   case 0x0628: return "b";   case 0x062A: return "t";
    case 0x062B: return "th";  case 0x062C: return "j";   case 0x062E: return "kh";
    case 0x062F: return "d";   case 0x0630: return "dh";  case 0x0631: return "r";
    case 0x0632: return "z";   case 0x0633: return "s";   case 0x0634: return "sh";
    case 0x0635: return "s";   case 0x0636: return "d";   case 0x0637: return "t";
    case 0x0638: return "z";   case 0x0639: return "'";   case 0x063A: return "gh";
    case 0x0641: return "f";   case 0x0642: return "q";   case 0x0643: return "k";
    case 0x0644: return "l";   case 0x0645: return "m";   case 0x0646: return "n";
    case 0x0648: return "w";   case 0x0649: return "a";   case 0x0621: return "'";
    case 0x0624: return "u";   case 0x0626: return "i";   case 0x067E: return "p";
    case 0x0686: return "ch";  case 0x0698: return "zh";  case 0x06AF: return "g";
    case 0x06A4: return "v";   case 0x06A8: return "g";
    case 0x062D: return last ? "" : "h";  // final h is dropped in every script
    case 0x0647: return last ? "a" : "h";  // final heh is a vowel: Fatima(h), شاه
    case 0x0629: return last && construct ? "at" : "a";
    case 0x064A: return last ? "e" : "y";  // final ي: -i, or -a in مصطفي-style spellings
    default: return "";
  }
  // clang-format on
}

std::string CyrillicLetter(UChar32 c) {
  static constexpr std::array<const char*, 32> kTable = {
      "a", "b", "v", "g", "d", "e",  "zh", "z",  "i",  "y",    "k", "l", "m", "n", "o",  "p",
      "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "i", "",  "e", "yu", "ya"};
  if (c >= 0x0430 && c <= 0x044F) return kTable[static_cast<std::size_t>(c - 0x0430)];
  switch (c) {
    case 0x0456:
      return "i";
    case 0x0457:
      return "yi";
    case 0x0454:
      return "ye";
    case 0x0491:
      return "g";
    case 0x045E:
      return "w";
    default:
      return "";
  }
}

std::string AnyToLatin(const icu::UnicodeString& word) {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> r(
        icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, st));
    if (U_FAILURE(st)) r.reset();
    return r;
  }();
  icu::UnicodeString s(word);
  if (t) t->transliterate(s);
  s.foldCase();
  std::string out;
  for (int32_t i = 0; i < s.length(); ++i) {
    const char16_t c = s.charAt(i);
    if ((c >= 'a' && c <= 'z') || c == '\'') out.push_back(static_cast<char>(c));
  }
  return out;
}

struct SourceWord {
  icu::UnicodeString text;
  bool arabic = false;
  bool cyrillic = false;
};

// Dotted word helpers: positions of the non-dot characters.
std::string Undot(const std::string& w) {
  std::string u;
  for (char c : w) {
    if (c != '.') u.push_back(c);
  }
  return u;
}

std::vector<std::size_t> LetterIndex(const std::string& w) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] != '.') idx.push_back(i);
  }
  return idx;
}

bool IsParticle(const std::string& u) {
  static constexpr std::string_view kParticles[] = {
      "al",  "el",  "ad",  "ar",  "as",   "at", "ash", "an",  "az", "adh",
      "ath", "ed",  "er",  "es",  "et",   "ez", "en",  "esh", "ul", "ud",
      "il",  "bin", "ibn", "ben", "bint", "bn", "abn", "bnt", "l"};
  return std::find(std::begin(kParticles), std::end(kParticles), u) != std::end(kParticles);
}

// Whether a word ending in ة is in construct state (its ة read "at": Jabhat al-Nusra, Harakat
// Hezbollah, Jamaat Ansar al-Sunna): a word that is not itself definite, not a kunya's name
// (أبو حمزة المهاجر = Abu Hamza al-Muhajir) and followed by a definite word, or one of the nouns
// that head names of organisations and places, followed by any word.
bool Construct(const std::vector<SourceWord>& src, const std::vector<bool>& definite,
               std::size_t w) {
  if (w + 1 >= src.size() || definite[w]) return false;
  static const icu::UnicodeString kKunya[] = {u"ابو", u"ام", u"بن", u"ابن", u"بنت"};
  if (w > 0) {
    for (const auto& k : kKunya) {
      if (src[w - 1].text == k) return false;
    }
  }
  static const icu::UnicodeString kHeads[] = {
      u"جبهة", u"حركة",  u"جماعة", u"هيئة",  u"منظمة", u"كتيبة", u"فرقة",  u"سرية",
      u"دولة", u"رابطة", u"جمعية", u"ولاية", u"مدينة", u"قرية",  u"جزيرة", u"عصبة"};
  for (const auto& h : kHeads) {
    if (src[w].text == h) return true;
  }
  return definite[w + 1];
}

struct Analysis {
  std::string folded;
  std::string consonants;           // one class letter per consonant
  std::vector<std::string> vowels;  // consonants.size() + 1 vowel groups
  bool abjad = false;               // written in the Arabic script (short vowels unwritten)
  std::string key;
};

// Consonant class of the unit starting at s[i]; sets `len`. 0 for a vowel-like letter.
char ConsonantClass(const std::string& s, std::size_t i, std::size_t& len) {
  struct Digraph {
    std::string_view from;
    char to;
  };
  static constexpr Digraph kDigraphs[] = {{"shch", 'x'}, {"dzh", 'j'}, {"tch", 'j'}, {"sch", 'x'},
                                          {"sh", 'x'},   {"ch", 'j'},  {"kh", 'h'},  {"gh", 'k'},
                                          {"zh", 'j'},   {"dj", 'j'},  {"dz", 'j'},  {"th", 's'},
                                          {"dh", 'd'},   {"ph", 'f'},  {"ts", 's'},  {"ck", 'k'}};
  for (const auto& d : kDigraphs) {
    if (s.compare(i, d.from.size(), d.from) == 0) {
      len = d.from.size();
      return d.to;
    }
  }
  len = 1;
  switch (s[i]) {
    case 'b':
    case 'p':
      return 'b';
    case 'c':
    case 'g':
    case 'k':
    case 'q':
      return 'k';
    case 'd':
      return 'd';
    case 'f':
      return 'f';
    case 'h':
      return 'h';
    case 'j':
      return 'j';
    case 'l':
      return 'l';
    case 'm':
      return 'm';
    case 'n':
      return 'n';
    case 'r':
      return 'r';
    case 's':
      return 's';
    case 't':
      return 't';
    case 'x':
      return 'X';  // Latin x = ks, expanded by the caller
    case 'z':
      return 'z';
    default:
      return 0;
  }
}

Analysis Analyze(std::string_view name) {
  Analysis a;
  icu::UnicodeString pre = internal::PreNormalize(internal::DecodeUtf8(name).text);
  // The article is written with a plain alef (hamzat al-wasl); a word-initial أل or آل is a
  // word of its own (ألكسندر, آلاء) and must not lose its first letters: its alef becomes hamza +
  // alef, which folding keeps apart from ال (and which still marks a vowel-initial name).
  for (int32_t i = 0; i + 1 < pre.length(); ++i) {
    const char16_t c = pre.charAt(i);
    if ((c == 0x0623 || c == 0x0622) && pre.charAt(i + 1) == 0x0644 &&
        (i == 0 || !u_isalpha(pre.char32At(i - 1)))) {
      pre.replace(i, 1, u"\u0621\u0627");
      ++i;
    }
  }
  const icu::UnicodeString norm = internal::FoldAndMap(pre, /*keep_name_letters=*/true);

  // Split into words: letters, marks and apostrophes; ZWNJ joins (خامنه‌ای is one word).
  std::vector<SourceWord> src;
  SourceWord cur;
  auto flush = [&] {
    if (!cur.text.isEmpty()) src.push_back(cur);
    cur = SourceWord{};
  };
  for (int32_t i = 0; i < norm.length();) {
    UChar32 c = norm.char32At(i);
    i += U16_LENGTH(c);
    if (c == internal::kZwnj) {
      if (cur.arabic) cur.text.append(c);  // joins, but a letter before it is word-final
      continue;
    }
    if (u_isalpha(c) || c == '\'' || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0) {
      cur.text.append(c);
      cur.arabic = cur.arabic || internal::IsArabicScriptLetter(c);
      cur.cyrillic = cur.cyrillic || internal::IsCyrillic(c);
    } else {
      flush();
    }
  }
  flush();

  // Arabic article: ال as a word prefix (not in الله), remembered for ة in construct state.
  static const icu::UnicodeString kAl(u"ال"), kAllah(u"الله"), kAlbu(u"البو");
  std::vector<bool> definite(src.size(), false);
  for (std::size_t w = 0; w < src.size(); ++w) {
    if (!src[w].arabic) continue;
    // آل بو, "family of Abu", written as one word before a name of four letters or more
    // (البوكمال = Albu Kamal = Abu Kamal = Абу-Кемаль; not البوسنة): read as أبو.
    if (src[w].text.startsWith(kAlbu) && src[w].text.length() >= 8) {
      src[w].text.remove(1, 1);
      continue;
    }
    if (src[w].text.startsWith(kAl) && src[w].text != kAllah && src[w].text.length() > 3) {
      src[w].text.remove(0, 2);
      definite[w] = true;
    }
  }

  std::vector<std::string> words;
  for (std::size_t w = 0; w < src.size(); ++w) {
    const SourceWord& sw = src[w];
    std::string out;
    if (sw.arabic) {
      a.abjad = true;
      const bool construct = sw.text.endsWith(u"\u0629") && Construct(src, definite, w);
      const bool next_is_allah = w + 1 < src.size() && src[w + 1].text == kAllah;
      const bool allah = sw.text == kAllah;
      static const icu::UnicodeString kAbd(u"عبد");
      const bool abd = sw.text.startsWith(kAbd);
      UChar32 prev = 0;
      for (int32_t i = 0; i < sw.text.length();) {
        UChar32 c = sw.text.char32At(i);
        i += U16_LENGTH(c);
        if (c == internal::kZwnj) continue;
        // Two written letters alike are two consonants with an unwritten vowel between (مملوك
        // = Mamluk; a doubled consonant has one letter and a shadda), except لل (الله, للـ).
        if (c == prev && c != 0x0644 && !out.empty()) out += ".`";
        prev = c;
        bool last = i >= sw.text.length() || sw.text.charAt(i) == internal::kZwnj;
        // Before الله the word is a compound (روح الله = Ruhollah): its final h is heard.
        if (last && c == 0x062D &&
            (sw.text.indexOf(kAllah, i) >= 0 || (i >= sw.text.length() && next_is_allah))) {
          last = false;
        }
        std::string unit = ArabicLetter(c, last, construct);
        if (allah && out.empty()) unit = "'";  // the vowel of Allah varies: -ullah -ollah -allah
        if (abd && out.empty()) unit = "a";    // عبد: Abd, Abdul, Абд
        // A word-initial alef or ayn is a seat for any short vowel (Islam, Umar, Idlib).
        if (!abd && out.empty() && (c == 0x0627 || c == 0x0639)) unit = "^";
        if (unit.empty()) continue;
        if (!out.empty()) out.push_back('.');
        out += unit;
      }
    } else if (sw.cyrillic) {
      for (int32_t i = 0; i < sw.text.length();) {
        UChar32 c = sw.text.char32At(i);
        i += U16_LENGTH(c);
        std::string unit;
        if (c == 0x0434 && i < sw.text.length() && sw.text.char32At(i) == 0x0436) {
          unit = "j";  // дж
          ++i;
        } else if (c == 0x0445 && i >= sw.text.length() && !out.empty() &&
                   IsPlainVowel(out.back())) {
          unit = "";  // final х after a vowel, as the final h of other scripts (Аллах)
        } else {
          unit = CyrillicLetter(c);
        }
        if (unit.empty()) continue;
        if (!out.empty()) out.push_back('.');
        out += unit;
      }
    } else {
      out = AnyToLatin(sw.text);
    }
    if (!Undot(out).empty()) words.push_back(out);
  }

  // Particles (kept if the name is nothing else).
  std::vector<std::string> kept;
  for (const auto& w : words) {
    std::string u = Undot(w);
    std::erase_if(u, [](char c) { return c == '\'' || c == '^' || c == '`'; });
    if (!IsParticle(u)) kept.push_back(w);
  }
  if (!kept.empty()) words = std::move(kept);

  for (std::size_t w = 0; w < words.size(); ++w) {
    std::string& word = words[w];
    // Abul Hassan = Abu al-Hassan; Albu Kamal = Abu Kamal (آل بو).
    std::string u = Undot(word);
    if (u == "abul" || u == "albu" || u == "abu'l") {
      word = "a.b.u";
      u = "abu";
    }
    // abd-al/abdul/abdel... -> abd; "abd allah" -> "abd lah".
    for (std::string_view p : {"abdoul", "abdul", "abdel", "abdal", "abdol", "abdil", "abdur",
                               "abdar", "abder", "abdus", "abdas", "abdes", "abdun", "abden"}) {
      if (u.starts_with(p) && (u.size() == p.size() || u.size() >= p.size() + 2)) {
        const auto idx = LetterIndex(word);
        word = u.size() == p.size() ? std::string("abd") : "abd." + word.substr(idx[p.size()]);
        break;
      }
    }
    if (w > 0 && Undot(words[w - 1]) == "abd") {
      u = Undot(word);
      if (u.size() >= 4 && (u.starts_with("al") || u.starts_with("el") || u.starts_with("ul") ||
                            u.starts_with("'l") || u.starts_with("^l"))) {
        word = word.substr(LetterIndex(word)[2]);
      }
    }
    // Word-final h after a vowel is silent in transliterations (Abdullah, Fallujah).
    u = Undot(word);
    if (u.size() >= 3 && u.back() == 'h' && IsPlainVowel(u[u.size() - 2])) {
      word.erase(LetterIndex(word).back());
      if (!word.empty() && word.back() == '.') word.pop_back();
      u.pop_back();
    }
    // The vowel before a final -lla (Allah compounds) varies: Hezbollah, Hizballah, Nasrullah.
    if (u.size() >= 4 && u.ends_with("lla") && IsPlainVowel(u[u.size() - 4])) {
      word[LetterIndex(word)[u.size() - 4]] = '\'';
    }
  }

  // Folded form and symbol stream.
  std::string stream;
  for (const auto& w : words) {
    std::string u = Undot(w);
    std::erase_if(u, [](char c) { return c == '\'' || c == '^' || c == '`'; });
    if (u.empty()) u = "'";
    if (!a.folded.empty()) a.folded.push_back(' ');
    a.folded += u;
    if (!stream.empty()) stream.push_back('.');
    stream += w;
  }
  a.vowels.emplace_back();
  for (std::size_t i = 0; i < stream.size();) {
    if (stream[i] == '.') {
      ++i;
      continue;
    }
    // Digraphs never span a '.' boundary.
    const std::size_t next_dot = stream.find('.', i);
    const std::string unit =
        stream.substr(i, next_dot == std::string::npos ? std::string::npos : next_dot - i);
    std::size_t len = 1;
    const char cls = ConsonantClass(unit, 0, len);
    if (cls == 0) {
      if (IsVowelish(stream[i])) a.vowels.back().push_back(stream[i]);
      ++i;
      continue;
    }
    i += len;
    for (char c : cls == 'X' ? std::string("ks") : std::string(1, cls)) {
      if (!a.consonants.empty() && a.consonants.back() == c && a.vowels.back().empty()) continue;
      a.consonants.push_back(c);
      a.vowels.emplace_back();
    }
  }
  a.key = (a.vowels.front().empty() ? "" : "a") + a.consonants;
  return a;
}

// Vowel quality of a slot: the last letter that is not ' (o -> u, w/v -> u, y -> i, "ee" -> i);
// a final single 'e' is a wildcard for a or i, '*' is unknown (only ayn/hamza, or nothing).
char Quality(const std::string& g) {
  char q = '*';
  char prev = 0;
  for (char c : g) {
    switch (c) {
      case 'o':
      case 'u':
      case 'w':
      case 'v':
        q = 'u';
        break;
      case 'i':
      case 'y':
        q = 'i';
        break;
      case 'a':
        q = 'a';
        break;
      case 'e':
        q = prev == 'e' ? 'i' : 'e';
        break;
      default:
        break;
    }
    if (c != '\'' && c != '^') prev = c;
  }
  return q;
}

std::string WithoutAyn(const std::string& g) {
  std::string v;
  for (char c : g) {
    if (c != '\'' && c != '^') v.push_back(c);
  }
  return v;
}

// A written long vowel or diphthong: two vowel letters, or a semivowel.
bool IsLong(const std::string& g) {
  const std::string v = WithoutAyn(g);
  if (v == "ou") return false;  // French-style short u: Moustafa, Youssef
  return v.size() >= 2 || v.find_first_of("ywv") != std::string::npos;
}

// Cost of comparing vowel slot `slot` of two names (0 = compatible, 1 = conflict).
double SlotCost(std::string gx, bool abjad_x, std::string gy, bool abjad_y, std::size_t slot) {
  if (slot == 0) {
    // A name-initial w/v/y is a consonant (Walid, وليد, Валид; Yusuf, يوسف, Юсуф).
    for (std::string* g : {&gx, &gy}) {
      if (!g->empty() && (g->front() == 'w' || g->front() == 'v' || g->front() == 'y')) {
        g->erase(0, 1);
      }
    }
    if (gx.empty() && gy.empty()) return 0;
  }
  // An abjad long vowel then ayn/hamza (قاعدة "a'", داعش): the vowel after the ayn is unwritten.
  if ((abjad_x && gx.size() >= 2 && gx.back() == '\'' && !gy.empty()) ||
      (abjad_y && gy.size() >= 2 && gy.back() == '\'' && !gx.empty())) {
    return 0;
  }
  const bool ayn_x = !gx.empty() && WithoutAyn(gx).empty();
  const bool ayn_y = !gy.empty() && WithoutAyn(gy).empty();
  if (ayn_x || ayn_y) {
    // An unvocalised ayn/hamza (abjad "'"): Latin writes a short vowel, usually a, or nothing.
    if (ayn_x && ayn_y) return 0;
    const std::string& other = ayn_x ? gy : gx;
    const bool other_abjad = ayn_x ? abjad_y : abjad_x;
    const std::string v = WithoutAyn(other);
    if (v.empty()) return 0;
    if (other_abjad) return 1;  // a long vowel letter written on one side only
    if (v.find_first_of("ywv") != std::string::npos) return 1;
    if (IsLong(v) && v.find_first_not_of("ae") != std::string::npos) return 1;
    const char q = Quality(v);
    const bool seat = (ayn_x ? gx : gy).find('^') != std::string::npos;
    return (slot == 0 || seat || q == 'a' || q == 'e') ? 0 : 1;  // initial ayn: any vowel
  }
  if (gx.empty() || gy.empty()) {
    const bool empty_abjad = gx.empty() ? abjad_x : abjad_y;
    const bool other_abjad = gx.empty() ? abjad_y : abjad_x;
    const std::string& other = gx.empty() ? gy : gx;
    // Short vowels are not written in the Arabic script; long ones and all Latin ones are.
    return (empty_abjad && !other_abjad && !IsLong(other)) ? 0 : 1;
  }
  const char qx = Quality(gx), qy = Quality(gy);
  return (qx == qy || qx == 'e' || qy == 'e' || qx == '*' || qy == '*') ? 0 : 1;
}

double SlotScore(const Analysis& x, const Analysis& y) {
  double cost = 0;
  int compared = 0;
  // '`' marks an unwritten vowel between two like letters (مملوك): an empty abjad slot.
  auto bare = [](std::string g) {
    std::erase(g, '`');
    return g;
  };
  for (std::size_t i = 0; i < x.vowels.size(); ++i) {
    const std::string gx = bare(x.vowels[i]), gy = bare(y.vowels[i]);
    if (gx.empty() && gy.empty()) continue;
    ++compared;
    cost += SlotCost(gx, x.abjad, gy, y.abjad, i);
  }
  return compared == 0 ? 1.0 : 1.0 - cost / compared;
}

double JaroWinkler(const std::string& s, const std::string& t) {
  if (s.empty() && t.empty()) return 1.0;
  if (s.empty() || t.empty()) return 0.0;
  const std::size_t window = std::max<std::size_t>(1, std::max(s.size(), t.size()) / 2) - 1;
  std::vector<bool> ms(s.size(), false), mt(t.size(), false);
  double m = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(t.size(), i + window + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if (!mt[j] && s[i] == t[j]) {
        ms[i] = mt[j] = true;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  double transpositions = 0;
  for (std::size_t i = 0, j = 0; i < s.size(); ++i) {
    if (!ms[i]) continue;
    while (!mt[j]) ++j;
    if (s[i] != t[j]) ++transpositions;
    ++j;
  }
  const double jaro = (m / s.size() + m / t.size() + (m - transpositions / 2) / m) / 3;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < s.size() && prefix < t.size() && s[prefix] == t[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1 - jaro);
}

}  // namespace

std::string PhoneticKey(std::string_view name) { return Analyze(name).key; }

std::string FoldedName(std::string_view name) { return Analyze(name).folded; }

double NameSimilarity(std::string_view a, std::string_view b) {
  const Analysis x = Analyze(a), y = Analyze(b);
  if (!x.key.empty() && x.key == y.key) return SlotScore(x, y);
  return 0.7 * JaroWinkler(x.folded, y.folded);
}

bool SameName(std::string_view a, std::string_view b) {
  const Analysis x = Analyze(a), y = Analyze(b);
  return !x.key.empty() && x.key == y.key && SlotScore(x, y) >= kSameNameThreshold;
}

}  // namespace tansiq::text
