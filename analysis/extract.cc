// Extraction: the text is analysed twice (text::Analyzer, kExact and kText) into one token per
// word position; places and groups are the longest n-grams (≤ 6 words) whose normalised or
// stemmed forms equal a gazetteer / alias-registry name analysed the same way; persons follow a
// title; dates and counts are small patterns over the normalised words.
#include "analysis/extract.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <unordered_map>
#include <unordered_set>

#include "stix/timestamp.h"
#include "text/name_key.h"

namespace tansiq::analysis {
namespace {

using text::Analyzer;
using text::Field;
using text::Lang;

struct Word {
  std::string exact;  // normalised, unstemmed
  std::string stem;   // matching form: see MatchForm; empty for a stop word
  std::uint32_t start = 0, end = 0;
};

bool ArabicScript(std::string_view s) {
  return s.size() >= 2 &&
         (static_cast<unsigned char>(s[0]) == 0xD8 || static_cast<unsigned char>(s[0]) == 0xD9 ||
          static_cast<unsigned char>(s[0]) == 0xDA || static_cast<unsigned char>(s[0]) == 0xDB);
}

// Arabic script: the word without its proclitics (و ف, then ب ك ل, then ال / لل), at least two
// letters left, suffixes kept (stemming suffixes makes بلدة the town Balad).
std::string ArabicBare(std::string_view w) {
  auto letters = [](std::string_view x) { return x.size() / 2; };
  auto strip = [&](std::string_view p) {
    if (w.substr(0, p.size()) == p && letters(w) - letters(p) >= 2) {
      w.remove_prefix(p.size());
      return true;
    }
    return false;
  };
  if (!strip("\u0648")) strip("\u0641");                        // و ف
  if (!strip("\u0644\u0644")) {                                 // لل → (ال)
    if (!strip("\u0628") && !strip("\u0643")) strip("\u0644");  // ب ك ل
    strip("\u0627\u0644");                                      // ال
  }
  return std::string(w);
}

// The form names are matched on: Arabic script without proclitics; Latin and Cyrillic words
// stemmed by the analyzer (Snowball: Мосуле → мосул).
std::string MatchForm(const std::string& exact, const std::string& stem) {
  if (stem.empty()) return stem;
  return ArabicScript(exact) ? ArabicBare(exact) : stem;
}

// One word per position: the joined form of a ZWNJ word, not its parts.
std::vector<Word> Words(const Analyzer& analyzer, std::string_view text, Lang lang) {
  std::vector<Word> out;
  std::unordered_map<std::uint32_t, std::size_t> at;  // position → index in out
  std::uint32_t covered_to = 0;
  bool first = true;
  for (const auto& t : analyzer.Analyze(text, lang, Field::kExact)) {
    if (!first && t.position < covered_to) continue;
    first = false;
    covered_to = t.position + t.span;
    at[t.position] = out.size();
    out.push_back({t.term, "", t.start, t.end});
  }
  for (const auto& t : analyzer.Analyze(text, lang, Field::kText)) {
    auto it = at.find(t.position);
    if (it != at.end() && out[it->second].stem.empty()) {
      out[it->second].stem = MatchForm(out[it->second].exact, t.term);
    }
  }
  return out;
}

std::string JoinExact(const std::vector<Word>& w, std::size_t i, std::size_t n) {
  std::string k;
  for (std::size_t j = i; j < i + n; ++j) k += (j == i ? "" : " ") + w[j].exact;
  return k;
}

std::size_t CodePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
// First letter of `s` is an upper-case Latin or Cyrillic letter.
bool Capitalised(std::string_view s) {
  if (s.empty()) return false;
  if (IsAsciiUpper(s[0])) return true;
  if (s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0xD0) {
    auto c = static_cast<unsigned char>(s[1]);
    return (c >= 0x90 && c <= 0xAF) || c == 0x81;
  }
  return false;
}
// Every letter upper case (PMF, SDF), Latin only.
bool AllCaps(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return !IsAsciiAlpha(c) || IsAsciiUpper(c); });
}
// Latin or Cyrillic (cased scripts) rather than Arabic script.
bool CasedScript(std::string_view s) {
  if (s.empty()) return false;
  auto c = static_cast<unsigned char>(s[0]);
  return IsAsciiAlpha(c) || c == 0xD0 || c == 0xD1;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Calendar arithmetic is stix/timestamp.h's.
using stix::DaysFromCivil;

// The civil date of a day count, as ints (the years of dated prose fit).
void CivilFromDays(std::int64_t days, int* y, int* m, int* d) {
  const stix::CivilDate c = stix::CivilFromDays(days);
  *y = static_cast<int>(c.year);
  *m = c.month;
  *d = c.day;
}

DateMention FromDays(std::int64_t days, std::string text) {
  DateMention d;
  CivilFromDays(days, &d.year, &d.month, &d.day);
  d.relative = true;
  d.text = std::move(text);
  return d;
}

// Title or role words that introduce a person, per script (analysed with kExact at start-up).
constexpr std::array kTitles = {
    // Arabic
    "اللواء", "العميد", "العقيد", "الفريق", "الفريق اول", "الفريق الركن", "اللواء الركن",
    "العميد الركن", "المقدم", "الرائد", "النقيب", "العماد", "المشير", "الجنرال", "الشيخ", "القيادي",
    "الامير", "الوزير", "وزير الدفاع", "وزير الداخليه", "الارهابي", "المدعو", "الزعيم", "زعيم",
    "القائد",
    // Persian
    "سرتيپ", "سرلشكر", "سردار", "سرهنگ", "ژنرال", "سرتيپ دوم", "سرلشكر پاسدار", "سردار سرتيپ",
    // Russian
    "генерал", "генерал майор", "генерал лейтенант", "генерал полковник", "полковник",
    "подполковник", "майор", "министр", "шейх", "бригадный генерал", "командующий", "главарь",
    "лидер", "полевой командир",
    // English
    "general", "gen", "major general", "maj gen", "lieutenant general", "lt gen",
    "brigadier general", "brig gen", "brigadier", "colonel", "col", "lieutenant colonel",
    "commander", "minister", "sheikh", "leader", "emir", "spokesman", "spokesperson",
    "militant leader"};
// Words never part of a name (roles, honorifics that follow a title).
constexpr std::array kNotName = {
    "الركن",   "الرسمي", "المتحدث", "الناطق", "باسم",    "قائد",   "قياده",     "رئيس",
    "وزير",    "في",     "من",      "عن",     "الى",     "مع",     "ان",        "قال",
    "اعلن",    "اكد",    "كشف",     "ركن",    "طيار",    "الطيار", "المتقاعد",  "said",
    "told",    "says",   "of",      "the",    "retired", "пресс",  "секретарь", "заявил",
    "сообщил", "رسمي",   "سخنگوي",  "گفت",    "اعلام",   "كرد"};
// Parts of a name that stay lower case in Latin/Cyrillic (al-Khafaji, аль-Хафаджи).
constexpr std::array kParticles = {"al",  "el",  "ad",  "as",  "ash", "ar",  "at",  "az", "an",
                                   "bin", "ibn", "abu", "abd", "аль", "эль", "ад",  "ас", "аш",
                                   "ар",  "ат",  "аз",  "ибн", "бин", "абу", "абд", "бен"};
// Arabic-script words that bind to the next word (عبد الأمير, أبو بكر).
constexpr std::array kBinding = {"عبد", "ابو", "ابي", "ابن", "بن", "ام", "عبدال"};

struct MonthName {
  const char* name;
  int month;
  bool jalali;
};
constexpr std::array<MonthName, 71> kMonths = {{
    // Arabic, Levantine/Iraqi and Egyptian/western forms
    {"كانون الثاني", 1, false},
    {"شباط", 2, false},
    {"اذار", 3, false},
    {"نيسان", 4, false},
    {"ايار", 5, false},
    {"حزيران", 6, false},
    {"تموز", 7, false},
    {"اب", 8, false},
    {"ايلول", 9, false},
    {"تشرين الاول", 10, false},
    {"تشرين الثاني", 11, false},
    {"كانون الاول", 12, false},
    {"يناير", 1, false},
    {"فبراير", 2, false},
    {"مارس", 3, false},
    {"ابريل", 4, false},
    {"مايو", 5, false},
    {"يونيو", 6, false},
    {"يونيه", 6, false},
    {"يوليو", 7, false},
    {"يوليه", 7, false},
    {"اغسطس", 8, false},
    {"سبتمبر", 9, false},
    {"اكتوبر", 10, false},
    {"نوفمبر", 11, false},
    {"ديسمبر", 12, false},
    // Persian: Solar Hijri months, then the Gregorian ones as Persian writes them
    {"فروردين", 1, true},
    {"ارديبهشت", 2, true},
    {"خرداد", 3, true},
    {"تير", 4, true},
    {"مرداد", 5, true},
    {"شهريور", 6, true},
    {"مهر", 7, true},
    {"ابان", 8, true},
    {"اذر", 9, true},
    {"دي", 10, true},
    {"بهمن", 11, true},
    {"اسفند", 12, true},
    {"ژانويه", 1, false},
    {"فوريه", 2, false},
    {"اوريل", 4, false},
    {"ژوين", 6, false},
    {"ژوييه", 7, false},
    {"اوت", 8, false},
    {"سپتامبر", 9, false},
    {"اكتبر", 10, false},
    {"نوامبر", 11, false},
    {"دسامبر", 12, false},
    // Russian, genitive (dates) and nominative
    {"января", 1, false},
    {"февраля", 2, false},
    {"марта", 3, false},
    {"апреля", 4, false},
    {"мая", 5, false},
    {"июня", 6, false},
    {"июля", 7, false},
    {"августа", 8, false},
    {"сентября", 9, false},
    {"октября", 10, false},
    {"ноября", 11, false},
    {"декабря", 12, false},
    // English
    {"january", 1, false},
    {"february", 2, false},
    {"march", 3, false},
    {"april", 4, false},
    {"june", 6, false},
    {"july", 7, false},
    {"august", 8, false},
    {"september", 9, false},
    {"october", 10, false},
    {"november", 11, false},
    {"december", 12, false},
}};

// Weekday names (0 = Sunday … 6 = Saturday), normalised forms.
struct WeekdayName {
  const char* name;
  int weekday;
};
constexpr std::array<WeekdayName, 38> kWeekdays = {{
    {"الاحد", 0},        {"الاثنين", 1},  {"الثلاثاء", 2},    {"الاربعاء", 3}, {"الخميس", 4},
    {"الجمعه", 5},       {"السبت", 6},    {"يكشنبه", 0},      {"دوشنبه", 1},   {"سهشنبه", 2},
    {"چهارشنبه", 3},     {"پنجشنبه", 4},  {"جمعه", 5},        {"شنبه", 6},     {"воскресенье", 0},
    {"понедельник", 1},  {"вторник", 2},  {"среду", 3},       {"среда", 3},    {"четверг", 4},
    {"пятницу", 5},      {"пятница", 5},  {"субботу", 6},     {"суббота", 6},  {"sunday", 0},
    {"monday", 1},       {"tuesday", 2},  {"wednesday", 3},   {"thursday", 4}, {"friday", 5},
    {"saturday", 6},     {"الاثنين", 1},  {"پنج شنبه", 4},    {"سه شنبه", 2},  {"четверга", 4},
    {"понедельника", 1}, {"вторника", 2}, {"воскресенья", 0},
}};

// "today" and "yesterday" (days before the publication date).
struct RelativeDay {
  const char* name;
  int days_back;
};
constexpr std::array<RelativeDay, 11> kRelativeDays = {{{"اليوم", 0},
                                                        {"امس", 1},
                                                        {"البارحه", 1},
                                                        {"امروز", 0},
                                                        {"ديروز", 1},
                                                        {"сегодня", 0},
                                                        {"вчера", 1},
                                                        {"позавчера", 2},
                                                        {"today", 0},
                                                        {"yesterday", 1},
                                                        {"tonight", 0}}};

// Nouns that make a preceding number a count, by prefix of the normalised word.
struct CountNoun {
  const char* prefix;
  const char* what;
};
constexpr std::array<CountNoun, 63> kCountNouns = {{
    {"قتيل", "killed"},       {"قتلي", "killed"},        {"جريح", "wounded"},
    {"جرحي", "wounded"},      {"مصاب", "wounded"},       {"معتقل", "arrested"},
    {"مطلوب", "arrested"},    {"موقوف", "arrested"},     {"عنصر", "persons"},
    {"عناصر", "persons"},     {"مسلح", "persons"},       {"ارهابي", "persons"},
    {"ارهابيين", "persons"},  {"شخص", "persons"},        {"اشخاص", "persons"},
    {"مدني", "persons"},      {"جندي", "persons"},       {"جنود", "persons"},
    {"مقاتل", "persons"},     {"انتحاري", "persons"},    {"عجله", "vehicles"},
    {"عجلات", "vehicles"},    {"سياره", "vehicles"},     {"سيارات", "vehicles"},
    {"عبوه", "weapons"},      {"عبوات", "weapons"},      {"صاروخ", "weapons"},
    {"صواريخ", "weapons"},    {"قذيفه", "weapons"},      {"قذائف", "weapons"},
    {"نفر", "persons"},       {"تروريست", "persons"},    {"كشته", "killed"},
    {"زخمي", "wounded"},      {"دستگير", "arrested"},    {"خودرو", "vehicles"},
    {"موشك", "weapons"},      {"عضو", "persons"},        {"боевик", "persons"},
    {"человек", "persons"},   {"террорист", "persons"},  {"военн", "persons"},
    {"погибш", "killed"},     {"убит", "killed"},        {"ранен", "wounded"},
    {"задержан", "arrested"}, {"автомобил", "vehicles"}, {"ракет", "weapons"},
    {"fighter", "persons"},   {"militant", "persons"},   {"people", "persons"},
    {"civilian", "persons"},  {"soldier", "persons"},    {"member", "persons"},
    {"suspect", "arrested"},  {"killed", "killed"},      {"dead", "killed"},
    {"wounded", "wounded"},   {"injured", "wounded"},    {"vehicle", "vehicles"},
    {"rocket", "weapons"},    {"ied", "weapons"},        {"мирн", "persons"},
}};

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::string DateMention::Iso() const {
  char buf[48];
  if (day > 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  }
  return buf;
}

void JalaliToGregorian(int jy, int jm, int jd, int* gy, int* gm, int* gd) {
  // The arithmetic (33-year cycle) conversion used by most software (jdf.scr.ir), exact for
  // 1178–1633 SH: 1 Farvardin 1403 = 2024-03-20.
  jy += 1595;
  std::int64_t days = -355668 + 365LL * jy + (jy / 33) * 8 + ((jy % 33) + 3) / 4 + jd +
                      (jm < 7 ? (jm - 1) * 31 : (jm - 7) * 30 + 186);
  std::int64_t y = 400 * (days / 146097);
  days %= 146097;
  if (days > 36524) {
    --days;
    y += 100 * (days / 36524);
    days %= 36524;
    if (days >= 365) ++days;
  }
  y += 4 * (days / 1461);
  days %= 1461;
  if (days > 365) {
    y += (days - 1) / 365;
    days = (days - 1) % 365;
  }
  int d = static_cast<int>(days) + 1;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int lengths[12] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0;
  while (m < 11 && d > lengths[m]) d -= lengths[m++];
  *gy = static_cast<int>(y);
  *gm = m + 1;
  *gd = d;
}

struct Extractor::Tables {
  Analyzer analyzer;
  // Key (words joined by ' ', exact or stemmed) → targets. Group targets: "g:<index>",
  // place targets: "p:<index>".
  std::unordered_map<std::string, std::vector<std::string>> names;
  std::size_t max_words = 1;
  std::vector<std::vector<std::string>> titles;
  std::unordered_set<std::string> not_name;
  std::unordered_set<std::string> particles;
  std::unordered_set<std::string> binding;
  std::unordered_map<std::string, MonthName> months;
  std::size_t month_max_words = 1;
  std::unordered_map<std::string, int> weekdays;
  std::unordered_map<std::string, int> relative;
  const text::AliasRegistry* aliases = nullptr;

  std::vector<std::string> Exact(std::string_view s) const {
    std::vector<std::string> out;
    std::uint32_t covered_to = 0;
    bool first = true;
    for (const auto& t : analyzer.Analyze(s, Lang::kUnknown, Field::kExact)) {
      if (!first && t.position < covered_to) continue;
      first = false;
      covered_to = t.position + t.span;
      out.push_back(t.term);
    }
    return out;
  }
  void AddName(std::string_view name, const std::string& target, bool single_word_ok) {
    for (Lang lang : {Lang::kAr, Lang::kFa, Lang::kRu, Lang::kEn}) {
      std::vector<Word> w = Words(analyzer, name, lang);
      if (w.empty() || w.size() > 6) return;
      if (w.size() == 1 && (!single_word_ok || CodePoints(w[0].exact) < 3)) return;
      std::string exact = JoinExact(w, 0, w.size());
      std::string stem;
      bool has_stop = false;
      for (const auto& x : w) {
        if (x.stem.empty()) {
          has_stop = true;
          continue;
        }
        stem += (stem.empty() ? "" : " ") + x.stem;
      }
      for (const std::string& k : {exact, has_stop ? std::string() : "~" + stem}) {
        if (k.empty() || k == "~") continue;
        auto& v = names[k];
        if (std::find(v.begin(), v.end(), target) == v.end()) v.push_back(target);
      }
      max_words = std::max(max_words, w.size());
    }
  }
};

Extractor::Extractor(const text::AliasRegistry* aliases, const text::Gazetteer* gazetteer)
    : gazetteer_(gazetteer), tables_(std::make_unique<Tables>()) {
  Tables& t = *tables_;
  t.aliases = aliases;
  if (aliases) {
    for (text::GroupId g = 0; g < aliases->size(); ++g) {
      const auto& sources = aliases->Sources(g);
      const bool curated = std::find(sources.begin(), sources.end(), "curated") != sources.end();
      // MISP-derived groups hold thousands of single common words; only their multi-word
      // names are trusted in running text.
      for (const auto& n : aliases->Names(g)) t.AddName(n, "g:" + std::to_string(g), curated);
    }
  }
  if (gazetteer) {
    const auto& places = gazetteer->places();
    for (std::size_t i = 0; i < places.size(); ++i) {
      for (const auto* names : {&places[i].en, &places[i].ar, &places[i].fa, &places[i].ru}) {
        for (const auto& n : *names) t.AddName(n, "p:" + std::to_string(i), true);
      }
    }
  }
  for (const char* title : kTitles) {
    auto w = t.Exact(title);
    if (!w.empty()) t.titles.push_back(std::move(w));
  }
  std::sort(t.titles.begin(), t.titles.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const char* w : kNotName)
    t.not_name.insert(JoinExact(Words(t.analyzer, w, Lang::kUnknown), 0, 1));
  for (const auto& title : t.titles) t.not_name.insert(title.front());
  for (const char* w : kParticles) t.particles.insert(w);
  for (const char* w : kBinding) t.binding.insert(w);
  for (const auto& m : kMonths) {
    auto w = t.Exact(m.name);
    std::string k;
    for (const auto& x : w) k += (k.empty() ? "" : " ") + x;
    t.months.emplace(k, m);
    t.month_max_words = std::max(t.month_max_words, w.size());
  }
  for (const auto& d : kWeekdays) {
    auto w = t.Exact(d.name);
    std::string k;
    for (const auto& x : w) k += x;  // ZWNJ/space variants of Persian weekdays join
    t.weekdays.emplace(k, d.weekday);
  }
  for (const auto& r : kRelativeDays) {
    auto w = t.Exact(r.name);
    if (w.size() == 1) t.relative.emplace(w[0], r.days_back);
  }
}

Extractor::~Extractor() = default;

Extraction Extractor::Extract(std::string_view text, Lang lang, Micros published) const {
  const Tables& t = *tables_;
  Extraction out;
  const std::vector<Word> w = Words(t.analyzer, text, lang);
  const std::size_t n = w.size();
  auto original = [&](std::size_t i, std::size_t j) {  // words i..j-1 as written
    return std::string(text.substr(w[i].start, w[j - 1].end - w[i].start));
  };
  // Only spaces, hyphens, ZWNJ or nothing between words i and i+1 (no punctuation).
  auto tight = [&](std::size_t i) {
    std::string_view gap = text.substr(w[i].end, w[i + 1].start - w[i].end);
    for (std::size_t k = 0; k < gap.size(); ++k) {
      char c = gap[k];
      if (c == ' ' || c == '-' || c == '\t' || c == '"' || c == '\'') continue;
      if (gap.substr(k, 2) == "\u00ab" || gap.substr(k, 2) == "\u00bb") {  // « »
        ++k;
        continue;
      }
      if (gap.substr(k, 3) == "\u200c") {
        k += 2;
        continue;
      }
      return false;
    }
    return true;
  };
  auto tight_span = [&](std::size_t i, std::size_t len) {
    for (std::size_t k = i; k + 1 < i + len; ++k) {
      if (!tight(k)) return false;
    }
    return true;
  };

  // Places and groups: the longest matching n-gram at each word.
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < n;) {
    std::size_t matched = 0;
    for (std::size_t len = std::min(t.max_words, n - i); len >= 1 && !matched; --len) {
      if (!tight_span(i, len)) continue;
      std::vector<std::string> keys{JoinExact(w, i, len)};
      std::string stem = "~";
      bool stop = false;
      for (std::size_t j = i; j < i + len; ++j) {
        if (w[j].stem.empty()) stop = true;
        stem += (j == i ? "" : " ") + w[j].stem;
      }
      if (!stop) keys.push_back(stem);
      for (const auto& k : keys) {
        auto it = t.names.find(k);
        if (it == t.names.end()) continue;
        std::string written = original(i, i + len);
        // Cased scripts: a single word must be capitalised and longer than three letters (Hit,
        // Ana, Kut are also common words, capitalised at the start of a sentence).
        if (len == 1 && CasedScript(written) &&
            (!Capitalised(written) || (CodePoints(w[i].exact) <= 3 && !AllCaps(written)))) {
          continue;
        }
        // Several targets: a group, and the place a capital/town before its governorate.
        const std::string* place = nullptr;
        int place_rank = 99;
        const std::string* group = nullptr;
        for (const auto& target : it->second) {
          if (target[0] == 'g') {
            if (!group) group = &target;
          } else if (gazetteer_) {
            const auto& p = gazetteer_->places()[std::stoul(target.substr(2))];
            const int rank = static_cast<int>(p.kind);
            if (rank < place_rank) place = &target, place_rank = rank;
          }
        }
        if (group && t.aliases) {
          auto g = static_cast<text::GroupId>(std::stoul(group->substr(2)));
          if (auto best = t.aliases->Find(written)) g = *best;
          const std::string& key = t.aliases->Key(g);
          if (seen.insert("g:" + key).second) {
            out.groups.push_back({key, t.aliases->Canonical(g), written});
          }
        }
        if (place && gazetteer_) {
          const text::Place& p = gazetteer_->places()[std::stoul(place->substr(2))];
          if (seen.insert("p:" + p.id).second) {
            out.places.push_back(
                {p.id, p.kind == text::PlaceKind::kGovernorate ? p.id : p.governorate, written});
          }
        }
        matched = len;
        break;
      }
    }
    i += matched ? matched : 1;
  }

  // Persons introduced by a title.
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t tl = 0;
    for (const auto& title : t.titles) {
      if (i + title.size() > n) continue;
      bool eq = true;
      for (std::size_t k = 0; k < title.size() && eq; ++k) eq = w[i + k].exact == title[k];
      if (eq && tight_span(i, title.size())) {
        tl = title.size();
        break;
      }
    }
    if (!tl) continue;
    std::size_t j = i + tl;
    // Modifiers after the title (الركن, retired) are skipped.
    while (j < n && tight(j - 1) &&
           (w[j].exact == "الركن" || w[j].exact == "ركن" || w[j].exact == "retired")) {
      ++j;
    }
    if (j >= n || !tight(j - 1)) continue;
    const std::size_t name_start = j;
    const bool cased = CasedScript(text.substr(w[j].start));
    int units = 0;
    while (j < n && (j == name_start || tight(j - 1))) {
      const std::string& e = w[j].exact;
      if (t.not_name.count(e) || AllDigits(e)) break;
      std::string_view written = text.substr(w[j].start, w[j].end - w[j].start);
      if (cased) {
        if (!CasedScript(written)) break;
        if (!Capitalised(written)) {
          if (!t.particles.count(e) || j + 1 >= n) break;
          ++j;  // particle: belongs to the next word
          continue;
        }
        ++j;
        if (++units == 3) break;
      } else {
        if (CasedScript(written)) break;
        if (w[j].stem.empty() && !t.binding.count(e)) break;  // a stop word ends the name
        if (units == 2 && !StartsWith(e, "ال")) break;
        if (t.binding.count(e) && j + 1 < n && tight(j)) ++j;  // عبد الأمير: one unit
        ++j;
        if (++units == 3) break;
      }
    }
    if (units == 0) continue;
    std::string name = original(name_start, j);
    std::string key = text::PhoneticKey(name);
    if (key.size() < 2) continue;
    if (std::any_of(out.persons.begin(), out.persons.end(),
                    [&](const PersonMention& p) { return text::SameName(p.name, name); })) {
      continue;
    }
    out.persons.push_back({std::move(name), original(i, i + tl), std::move(key)});
    i = j - 1;
  }

  // Dates.
  std::int64_t pub_days = published > 0 ? published / 86'400'000'000LL : -1;
  std::unordered_set<std::string> dates_seen;
  auto add_date = [&](DateMention d) {
    if (d.year <= 0 || d.month < 1 || d.month > 12 || d.day < 0 || d.day > 31) return;
    if (dates_seen.insert(d.Iso()).second) out.dates.push_back(std::move(d));
  };
  auto month_at = [&](std::size_t i, std::size_t* len) -> const MonthName* {
    for (std::size_t l = std::min(t.month_max_words, n - i); l >= 1; --l) {
      auto it = t.months.find(JoinExact(w, i, l));
      if (it == t.months.end() && ArabicScript(w[i].exact)) {
        std::string bare = ArabicBare(w[i].exact);  // وتشرين الأول
        for (std::size_t j = i + 1; j < i + l; ++j) bare += " " + w[j].exact;
        it = t.months.find(bare);
      }
      if (it != t.months.end()) {
        *len = l;
        return &it->second;
      }
    }
    return nullptr;
  };
  auto weekday_at = [&](std::size_t i, std::size_t* len) -> int {
    for (std::size_t l = std::min<std::size_t>(2, n - i); l >= 1; --l) {
      std::string k;
      for (std::size_t j = i; j < i + l; ++j) k += w[j].exact;
      auto it = t.weekdays.find(k);
      if (it != t.weekdays.end()) {
        *len = l;
        return it->second;
      }
    }
    return -1;
  };
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t ml = 0;
    const MonthName* m = month_at(i, &ml);
    if (m) {
      const std::string& e = w[i].exact;
      // "may", "march", "mars" and Persian "دي"/"مهر"/"تير" are common words: they need a day
      // number or a year next to them.
      DateMention d;
      d.month = m->month;
      std::size_t first = i, last = i + ml;
      if (i > 0 && AllDigits(w[i - 1].exact) && ToInt(w[i - 1].exact) >= 1 &&
          ToInt(w[i - 1].exact) <= 31) {
        d.day = ToInt(w[i - 1].exact);
        first = i - 1;
      }
      std::size_t j = i + ml;
      std::size_t alt = 0;
      if (j < n && month_at(j, &alt)) j += alt;  // سبتمبر/ أيلول
      if (d.day == 0 && j < n && AllDigits(w[j].exact) && ToInt(w[j].exact) >= 1 &&
          ToInt(w[j].exact) <= 31 && w[j].exact.size() <= 2) {
        d.day = ToInt(w[j].exact);  // September 15, 2015
        ++j;
      }
      for (int skip = 0; skip < 2 && j < n && !AllDigits(w[j].exact); ++skip) {
        const std::string& f = w[j].exact;
        if (f == "عام" || f == "سنه" || f == "العام" || f == "سال" || f == "of" || f == "года" ||
            f == "год") {
          ++j;
        } else {
          break;
        }
      }
      if (j < n && AllDigits(w[j].exact) && w[j].exact.size() == 4) {
        d.year = ToInt(w[j].exact);
        last = j + 1;
      }
      if (d.day == 0 && d.year == 0) continue;  // a bare month word: too ambiguous
      (void)e;
      if (m->jalali) {
        if (d.year == 0) {
          if (pub_days < 0) continue;
          int gy, gm, gd;
          CivilFromDays(pub_days, &gy, &gm, &gd);
          d.year = gy - 621 - ((gm < 3 || (gm == 3 && gd < 21)) ? 1 : 0);
        }
        int gy, gm, gd;
        JalaliToGregorian(d.year, d.month, d.day > 0 ? d.day : 1, &gy, &gm, &gd);
        if (d.day > 0) {
          d.year = gy, d.month = gm, d.day = gd;
        } else {
          d.year = gy, d.month = gm;
        }
      } else if (d.year == 0) {
        if (pub_days < 0) continue;
        int py, pm, pd;
        CivilFromDays(pub_days, &py, &pm, &pd);
        d.year = py;
        if (DaysFromCivil(py, d.month, std::max(d.day, 1)) > pub_days + 1) d.year = py - 1;
      }
      d.text = original(first, last > first ? last : i + ml);
      add_date(std::move(d));
      i = std::max(i, last > 0 ? last - 1 : i);
      continue;
    }
    if (pub_days < 0) continue;
    auto rel = t.relative.find(w[i].exact);
    std::size_t wl = 0;
    if (rel != t.relative.end()) {
      // "اليوم الأربعاء": today, which is Wednesday; a named weekday decides.
      std::size_t j = i + 1;
      if (j < n && w[j].exact == "الاول" && rel->second == 1) {
        add_date(FromDays(pub_days - 2, original(i, j + 1)));
        i = j;
        continue;
      }
      int wd = j < n ? weekday_at(j, &wl) : -1;
      if (wd >= 0) {
        std::int64_t back = ((pub_days + 4) % 7 - wd + 7) % 7;  // 1970-01-01 was a Thursday
        add_date(FromDays(pub_days - back, original(i, j + wl)));
        i = j + wl - 1;
      } else if (rel->second > 0 || w[i].exact != "اليوم") {
        add_date(FromDays(pub_days - rel->second, original(i, i + 1)));
      }
      continue;
    }
    int wd = weekday_at(i, &wl);
    if (wd >= 0) {
      std::string_view written = text.substr(w[i].start, w[i].end - w[i].start);
      if (CasedScript(written) && IsAsciiAlpha(static_cast<unsigned char>(written[0])) &&
          !Capitalised(written)) {
        continue;
      }
      std::int64_t back = ((pub_days + 4) % 7 - wd + 7) % 7;
      add_date(FromDays(pub_days - back, original(i, i + wl)));
      i += wl - 1;
    }
  }

  // Counts: a number followed (within two words) by a counted noun.
  for (std::size_t i = 0; i < n; ++i) {
    if (!AllDigits(w[i].exact) || w[i].exact.size() > 6) continue;
    const std::int64_t value = ToInt(w[i].exact);
    if (value <= 0) continue;
    for (std::size_t j = i + 1; j < n && j <= i + 3; ++j) {
      const std::string& e = w[j].exact;
      std::string bare = e;
      if (StartsWith(bare, "ال")) bare = bare.substr(std::string_view("ال").size());
      const CountNoun* hit = nullptr;
      for (const auto& cn : kCountNouns) {
        if (StartsWith(bare, cn.prefix)) {
          hit = &cn;
          break;
        }
      }
      if (hit) {
        out.counts.push_back({value, hit->what, original(i, j + 1)});
        break;
      }
      if (AllDigits(e)) break;
    }
  }
  return out;
}

}  // namespace tansiq::analysis
