// Stop-word lists and stemmers. The lists are code, not data files, so text/ stays free of
// I/O; each list names its source. Entries are normalised at first use like any text.
#include "text/internal/stem.h"

#include <memory>
#include <unordered_set>

#include <libstemmer.h>
#include <unicode/uchar.h>

#include "text/internal/normalize.h"

namespace tansiq::text::internal {
namespace {

// Arabic: the core of Jacques Savoy's Arabic stop list as shipped with Lucene's ArabicAnalyzer
// (BSD), reduced to particles, pronouns and prepositions.
constexpr std::string_view kArabicStop[] = {
    "من",   "ومن",   "منها", "منه",  "في",    "وفي",   "فيها", "فيه",  "و",     "ف",    "ثم",
    "او",   "أو",    "ب",    "بها",  "به",    "ا",     "أ",    "اى",   "اي",    "أي",   "أى",
    "لا",   "ولا",   "الا",  "ألا",  "إلا",   "لكن",   "ما",   "وما",  "كما",   "فما",  "عن",
    "مع",   "اذا",   "إذا",  "ان",   "أن",    "إن",    "انها", "أنها", "إنها",  "انه",  "أنه",
    "إنه",  "بان",   "بأن",  "فان",  "فأن",   "وان",   "وأن",  "وإن",  "التى",  "التي", "الذى",
    "الذي", "الذين", "الى",  "إلى",  "على",   "عليها", "عليه", "اما",  "أما",   "إما",  "ايضا",
    "أيضا", "كل",    "وكل",  "لم",   "ولم",   "لن",    "ولن",  "هى",   "هي",    "هو",   "وهى",
    "وهي",  "وهو",   "فهى",  "فهي",  "فهو",   "انت",   "أنت",  "لك",   "لها",   "له",   "هذه",
    "هذا",  "تلك",   "ذلك",  "هناك", "كانت",  "كان",   "يكون", "تكون", "وكانت", "وكان", "غير",
    "بعض",  "قد",    "نحو",  "بين",  "بينما", "منذ",   "ضمن",  "حيث",  "الان",  "الآن", "خلال",
    "بعد",  "قبل",   "حتى",  "عند",  "عندما", "لدى",   "جميع"};

// Persian: after Savoy's Persian stop list (Lucene PersianAnalyzer), the frequent part, plus the
// ZWNJ clitics ها/های/می that the ZWNJ split exposes as parts.
constexpr std::string_view kPersianStop[] = {
    "و",     "در",    "به",   "از",  "که",   "این",   "را",    "با",   "است",  "برای", "آن",
    "یک",    "خود",   "تا",   "کرد", "بر",   "هم",    "نیز",   "شود",  "شد",   "می",   "نمی",
    "کند",   "ها",    "های",  "ما",  "او",   "ای",    "یا",    "اما",  "اگر",  "هر",   "دیگر",
    "وی",    "بود",   "باید", "پس",  "چه",   "همه",   "آنها",  "نه",   "ولی",  "چون",  "بین",
    "کنند",  "دارد",  "داشت", "شده", "کرده", "خواهد", "هیچ",   "بی",   "آنکه", "زیرا", "حتی",
    "اینکه", "ام",    "اند",  "ایم", "همین", "چنین",  "چند",   "توسط", "روی",  "پیش",  "سوی",
    "طور",   "عنوان", "مورد", "من",  "تو",   "آنان",  "ایشان", "بوده", "باشد", "نیست", "هست"};

// Russian: the Snowball russian stop list (snowballstem.org), frequent part.
constexpr std::string_view kRussianStop[] = {
    "и",      "в",     "во",    "не",     "что",   "он",    "на",    "я",      "с",      "со",
    "как",    "а",     "то",    "все",    "она",   "так",   "его",   "но",     "да",     "ты",
    "к",      "у",     "же",    "вы",     "за",    "бы",    "по",    "только", "её",     "мне",
    "было",   "вот",   "от",    "меня",   "ещё",   "нет",   "о",     "из",     "ему",    "теперь",
    "когда",  "даже",  "ну",    "ли",     "если",  "уже",   "или",   "ни",     "быть",   "был",
    "него",   "до",    "вас",   "опять",  "уж",    "вам",   "ведь",  "там",    "потом",  "себя",
    "ей",     "может", "они",   "тут",    "где",   "есть",  "надо",  "ней",    "для",    "мы",
    "тебя",   "их",    "чем",   "была",   "сам",   "чтоб",  "без",   "чего",   "раз",    "тоже",
    "себе",   "под",   "будет", "ж",      "тогда", "кто",   "этот",  "того",   "потому", "этого",
    "какой",  "ним",   "здесь", "этом",   "мой",   "тем",   "чтобы", "нее",    "были",   "при",
    "об",     "после", "над",   "больше", "тот",   "через", "эти",   "нас",    "про",    "всего",
    "них",    "какая", "эту",   "моя",    "этой",  "перед", "том",   "такой",  "им",     "более",
    "всегда", "между"};

// English: Lucene's EnglishAnalyzer default stop set.
constexpr std::string_view kEnglishStop[] = {
    "a",   "an",    "and",  "are",   "as",    "at",   "be",   "but", "by",  "for",  "if",
    "in",  "into",  "is",   "it",    "no",    "not",  "of",   "on",  "or",  "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to",  "was", "will", "with"};

using StopSet = std::unordered_set<std::string>;

template <std::size_t N>
StopSet Build(const std::string_view (&words)[N]) {
  StopSet s;
  for (std::string_view w : words) s.insert(ToUtf8(NormalizeText(DecodeUtf8(w).text)));
  return s;
}

const StopSet& ArabicStop() {
  static const StopSet s = Build(kArabicStop);
  return s;
}
const StopSet& PersianStop() {
  static const StopSet s = Build(kPersianStop);
  return s;
}
const StopSet& RussianStop() {
  static const StopSet s = Build(kRussianStop);
  return s;
}
const StopSet& EnglishStop() {
  static const StopSet s = Build(kEnglishStop);
  return s;
}

icu::UnicodeString Ar(const char16_t* s) { return icu::UnicodeString(s); }

bool EndsWith(const icu::UnicodeString& w, const icu::UnicodeString& suffix) {
  return w.length() >= suffix.length() && w.endsWith(suffix);
}

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};
using StemmerPtr = std::unique_ptr<sb_stemmer, StemmerDeleter>;

std::string Snowball(sb_stemmer* stemmer, const std::string& word) {
  if (stemmer == nullptr || word.empty()) return word;
  const sb_symbol* r = sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                                       static_cast<int>(word.size()));
  if (r == nullptr) return word;  // out of memory inside libstemmer
  return std::string(reinterpret_cast<const char*>(r),
                     static_cast<std::size_t>(sb_stemmer_length(stemmer)));
}

}  // namespace

Script WordScript(const icu::UnicodeString& word) {
  for (int32_t i = 0; i < word.length();) {
    UChar32 c = word.char32At(i);
    i += U16_LENGTH(c);
    if (IsArabicScriptLetter(c)) return Script::kArabic;
    if (IsCyrillic(c)) return Script::kCyrillic;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Script::kLatin;
    if (u_isalpha(c)) return Script::kOther;
  }
  return Script::kDigit;
}

bool IsStopWord(std::string_view term, Script script, Lang lang) {
  const std::string t(term);
  switch (script) {
    case Script::kArabic:
      return lang == Lang::kFa ? PersianStop().contains(t) : ArabicStop().contains(t);
    case Script::kCyrillic:
      return RussianStop().contains(t);
    case Script::kLatin:
      return EnglishStop().contains(t);
    default:
      return false;
  }
}

icu::UnicodeString StemArabic(const icu::UnicodeString& word, bool known_word) {
  static const icu::UnicodeString kAllah = Ar(u"الله");
  static const icu::UnicodeString kAllahForms[] = {kAllah,       Ar(u"لله"),   Ar(u"والله"),
                                                   Ar(u"بالله"), Ar(u"تالله"), Ar(u"فالله")};
  for (const auto& f : kAllahForms) {
    if (word == f) return kAllah;
  }
  static const icu::UnicodeString kPrefixes[] = {Ar(u"ال"),  Ar(u"وال"), Ar(u"بال"), Ar(u"كال"),
                                                 Ar(u"فال"), Ar(u"لل"),  Ar(u"و")};
  static const icu::UnicodeString kSuffixes[] = {Ar(u"ها"), Ar(u"ان"), Ar(u"ات"), Ar(u"ون"),
                                                 Ar(u"ين"), Ar(u"يه"), Ar(u"ه"),  Ar(u"ي")};
  icu::UnicodeString w(word);
  static const icu::UnicodeString kArticle = Ar(u"ال");
  for (const auto& p : kPrefixes) {
    if (known_word && p != kArticle) continue;  // وزير, وزارة, والي keep their first letter
    const int32_t need = p.length() == 1 ? 4 : p.length() + 2;
    if (w.length() >= need && w.startsWith(p)) {
      w.remove(0, p.length());
      break;
    }
  }
  for (const auto& s : kSuffixes) {
    if (w.length() >= s.length() + 2 && EndsWith(w, s)) w.truncate(w.length() - s.length());
  }
  return w;
}

icu::UnicodeString StemPersian(const icu::UnicodeString& word) {
  static const icu::UnicodeString kSuffixes[] = {Ar(u"يي"), Ar(u"ي"),  Ar(u"ها"), Ar(u"ترين"),
                                                 Ar(u"تر"), Ar(u"ان"), Ar(u"ات")};
  icu::UnicodeString w(word);
  for (int round = 0; round < 4; ++round) {
    const int32_t before = w.length();
    for (const auto& s : kSuffixes) {
      const int32_t keep = s == Ar(u"ها") ? 2 : 3;
      if (w.length() >= s.length() + keep && EndsWith(w, s)) w.truncate(w.length() - s.length());
    }
    if (w.length() == before) break;
  }
  return w;
}

std::string StemRussian(const std::string& word) {
  thread_local StemmerPtr s(sb_stemmer_new("russian", "UTF_8"));
  return Snowball(s.get(), word);
}

std::string StemEnglish(const std::string& word) {
  thread_local StemmerPtr s(sb_stemmer_new("english", "UTF_8"));
  return Snowball(s.get(), word);
}

}  // namespace tansiq::text::internal
