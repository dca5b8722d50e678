// Character-table tests for the analyzer: one case per mapping of issue 3 plus the traps
// (ﻻ ﷲ ٣٤ ۳۴ ZWNJ LRM Росси́я й ё ИГИЛа والكتاب مصطفى/مصطفي الله), offsets, ZWNJ positions,
// stop words, stemming, language detection and invalid UTF-8.
#include "text/analyzer.h"

#include <algorithm>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace tansiq::text {
namespace {

const Analyzer kAnalyzer;

std::string Norm(std::string_view s) { return kAnalyzer.Normalize(s, Lang::kUnknown); }

std::vector<std::string> Terms(std::string_view s, Lang lang, Field field) {
  std::vector<std::string> out;
  for (const Token& t : kAnalyzer.Analyze(s, lang, field)) out.push_back(t.term);
  return out;
}
using V = std::vector<std::string>;

// --- All scripts ---------------------------------------------------------------------------

TEST(Normalize, DropsFormatCharacters) {
  EXPECT_EQ(Norm("ab\u200Dc"), "abc");          // ZWJ
  EXPECT_EQ(Norm("ab\u200Ec"), "abc");          // LRM
  EXPECT_EQ(Norm("ab\u200Fc"), "abc");          // RLM
  EXPECT_EQ(Norm("ab\u061Cc"), "abc");          // ALM
  EXPECT_EQ(Norm("ab\u00ADc"), "abc");          // soft hyphen
  EXPECT_EQ(Norm("\u202Bعراق\u202C"), "عراق");  // bidi embedding
}

TEST(Normalize, LrmInsideAWordDoesNotSplitIt) {
  EXPECT_EQ(Terms("بغ\u200Eداد", Lang::kAr, Field::kExact), V{"بغداد"});
  EXPECT_EQ(Terms("Bagh\u200Edad", Lang::kEn, Field::kExact), V{"baghdad"});
}

TEST(Normalize, NfkcFoldsLigaturesAndPresentationForms) {
  EXPECT_EQ(Norm("\uFEFB"), "لا");        // ﻻ lam-alef ligature
  EXPECT_EQ(Norm("\uFDF2"), "الله");      // ﷲ
  EXPECT_EQ(Norm("\uFE8D\uFEDF"), "ال");  // isolated/initial presentation forms
  EXPECT_EQ(Norm("ﬁle"), "file");
  EXPECT_EQ(Norm("ＩＳＩＳ"), "isis");  // full-width
}

TEST(Normalize, CaseFold) {
  EXPECT_EQ(Norm("ISIS"), "isis");
  EXPECT_EQ(Norm("РОССИЯ"), "россия");
  EXPECT_EQ(Norm("Straße"), "strasse");
}

TEST(Normalize, DecimalDigitsToAscii) {
  EXPECT_EQ(Norm("٣٤"), "34");  // Arabic-Indic
  EXPECT_EQ(Norm("۳۴"), "34");  // Persian
  EXPECT_EQ(Norm("٠١٢٣٤٥٦٧٨٩"), "0123456789");
  EXPECT_EQ(Norm("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
  EXPECT_EQ(Norm("१२"), "12");  // any decimal digit (Devanagari)
  EXPECT_EQ(Terms("عام ٢٠١٤", Lang::kAr, Field::kExact), (V{"عام", "2014"}));
  EXPECT_EQ(Terms("سال ۱۳۹۳", Lang::kFa, Field::kExact), (V{"سال", "1393"}));
}

TEST(Analyze, ZwnjSplitsAndJoins) {
  const auto toks = kAnalyzer.Analyze("او می‌روم", Lang::kFa, Field::kExact);
  ASSERT_EQ(toks.size(), 4u);
  EXPECT_EQ(toks[0].term, "او");
  EXPECT_EQ(toks[0].position, 0u);
  EXPECT_EQ(toks[1].term, "ميروم");  // joined form, stacked on the first part
  EXPECT_EQ(toks[1].position, 1u);
  EXPECT_EQ(toks[1].span, 2u);
  EXPECT_EQ(toks[2].term, "مي");
  EXPECT_EQ(toks[2].position, 1u);
  EXPECT_EQ(toks[3].term, "روم");
  EXPECT_EQ(toks[3].position, 2u);
  // All three come from the same source bytes.
  EXPECT_EQ(toks[1].start, 5u);
  EXPECT_EQ(toks[3].end, std::string("او می‌روم").size());
}

TEST(Analyze, ZwnjPositionsContinueAfterTheParts) {
  const auto toks = kAnalyzer.Analyze("کتاب‌ها خوب", Lang::kFa, Field::kExact);
  ASSERT_FALSE(toks.empty());
  EXPECT_EQ(toks.back().term, "خوب");
  EXPECT_EQ(toks.back().position, 2u);
}

TEST(Analyze, ZwnjPluralStemsToTheSingular) {
  // Joined كتابها and the part كتاب both stem to كتاب (one token); ها is a Persian stop word.
  const auto toks = kAnalyzer.Analyze("کتاب‌ها", Lang::kFa, Field::kText);
  ASSERT_EQ(toks.size(), 1u);
  EXPECT_EQ(toks[0].term, "كتاب");
  EXPECT_EQ(Terms("کتابها", Lang::kFa, Field::kText), V{"كتاب"});
}

TEST(Normalize, NormalizeJoinsZwnj) { EXPECT_EQ(Norm("می‌روم"), "ميروم"); }

TEST(Analyze, ByteOffsetsPointIntoTheOriginal) {
  const std::string text = "Report: ﷲ  مصطفى's";
  const auto toks = kAnalyzer.Analyze(text, Lang::kUnknown, Field::kExact);
  ASSERT_EQ(toks.size(), 3u);
  EXPECT_EQ(text.substr(toks[0].start, toks[0].end - toks[0].start), "Report");
  EXPECT_EQ(text.substr(toks[1].start, toks[1].end - toks[1].start), "ﷲ");
  EXPECT_EQ(toks[1].term, "الله");
  EXPECT_EQ(text.substr(toks[2].start, toks[2].end - toks[2].start), "مصطفى's");
}

TEST(Analyze, InvalidUtf8NeverCrashes) {
  const std::string bad[] = {"\xff",          "ab\xc3",       "\xe2\x28\xa1",
                             "x\xf0\x90\x80", "\xed\xa0\x80", std::string("a\0b", 3),
                             "\xc0\xaf",      "عرب\xd8"};
  for (const std::string& s : bad) {
    for (Field f : {Field::kText, Field::kExact, Field::kName}) {
      const auto toks = kAnalyzer.Analyze(s, Lang::kUnknown, f);
      for (const Token& t : toks) {
        EXPECT_LE(t.start, t.end);
        EXPECT_LE(t.end, s.size());
      }
    }
    (void)Norm(s);
    (void)DetectLang(s);
  }
  EXPECT_EQ(Terms("ab\xff"
                  "cd",
                  Lang::kEn, Field::kExact),
            (V{"ab", "cd"}));
}

TEST(Analyze, RandomBytesAndFragmentsNeverCrash) {
  const std::string pieces[] = {"\xff", "\xd8", "\xe2\x80", "\u200c", "\u200d",           "\u0301",
                                "ﷲ",    "ﻻ",    "ИГИЛа",    "می",     "والكتاب",          "'s",
                                " ",    "٣",    "é",        "ـ",      "\xf4\x90\x80\x80", "\u0654",
                                "й",    "ﷺ"};
  std::uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    const int n = static_cast<int>(next() % 12);
    for (int i = 0; i < n; ++i) {
      if (next() % 3 == 0) {
        s.push_back(static_cast<char>(next() >> 16));
      } else {
        s += pieces[(next() >> 8) % std::size(pieces)];
      }
    }
    for (Field f : {Field::kText, Field::kExact}) {
      for (const Token& t : kAnalyzer.Analyze(s, Lang::kFa, f)) {
        ASSERT_LE(t.start, t.end);
        ASSERT_LE(t.end, s.size());
        ASSERT_FALSE(t.term.empty());
      }
    }
    (void)Norm(s);
  }
}

TEST(Analyze, EmptyAndPunctuation) {
  EXPECT_TRUE(kAnalyzer.Analyze("", Lang::kAr, Field::kText).empty());
  EXPECT_TRUE(kAnalyzer.Analyze(" ،؛؟!... — ", Lang::kAr, Field::kText).empty());
  EXPECT_TRUE(kAnalyzer.Analyze("ـــ", Lang::kAr, Field::kText).empty());  // tatweel only
}

TEST(Analyze, OverlongWordsAreSkippedButConsumeAPosition) {
  const std::string blob(200, 'x');
  const auto toks = kAnalyzer.Analyze("a1 " + blob + " tail", Lang::kEn, Field::kExact);
  ASSERT_EQ(toks.size(), 2u);
  EXPECT_EQ(toks[1].term, "tail");
  EXPECT_EQ(toks[1].position, 2u);
}

// --- Arabic --------------------------------------------------------------------------------

TEST(Arabic, StripsHarakat) {
  for (char32_t c = 0x064B; c <= 0x0655; ++c) {
    std::u32string u = U"كتب";
    u.insert(1, 1, c);
    std::string s;
    for (char32_t x : u) {
      if (x < 0x800) {
        s.push_back(static_cast<char>(0xC0 | (x >> 6)));
        s.push_back(static_cast<char>(0x80 | (x & 0x3F)));
      }
    }
    EXPECT_EQ(Norm(s), "كتب") << std::hex << static_cast<int>(c);
  }
  EXPECT_EQ(Norm("مُحَمَّدٌ"), "محمد");
  EXPECT_EQ(Norm("رحمٰن"), "رحمن");  // superscript alef U+0670
}

TEST(Arabic, StripsTatweel) { EXPECT_EQ(Norm("بـــغداد"), "بغداد"); }

TEST(Arabic, UnifiesAlefForms) {
  EXPECT_EQ(Norm("أحمد"), "احمد");
  EXPECT_EQ(Norm("إيران"), "ايران");
  EXPECT_EQ(Norm("آمن"), "امن");
  EXPECT_EQ(Norm("ٱلله"), "الله");  // alef wasla
  EXPECT_EQ(Norm("الإرهاب"), Norm("الارهاب"));
}

TEST(Arabic, AlefMaqsuraToYeh) {
  EXPECT_EQ(Norm("مصطفى"), "مصطفي");
  EXPECT_EQ(Norm("مصطفى"), Norm("مصطفي"));
  EXPECT_EQ(Terms("مصطفى", Lang::kAr, Field::kText), Terms("مصطفي", Lang::kAr, Field::kText));
}

TEST(Arabic, TehMarbutaToHeh) { EXPECT_EQ(Norm("دولة"), "دوله"); }
TEST(Arabic, WawHamzaToWaw) { EXPECT_EQ(Norm("مؤتمر"), "موتمر"); }
TEST(Arabic, YehHamzaToYeh) { EXPECT_EQ(Norm("رئيس"), "رييس"); }

TEST(Arabic, HamzaComposedByNfkcIsUnified) {
  EXPECT_EQ(Norm("ا\u0654حمد"), "احمد");  // alef + combining hamza above
  EXPECT_EQ(Norm("ي\u0654"), "ي");
}

TEST(Arabic, StopWords) {
  EXPECT_EQ(Terms("في بغداد من الموصل", Lang::kAr, Field::kText), (V{"بغداد", "موصل"}));
  // Positions keep the gaps of the dropped stop words.
  const auto toks = kAnalyzer.Analyze("في بغداد", Lang::kAr, Field::kText);
  ASSERT_EQ(toks.size(), 1u);
  EXPECT_EQ(toks[0].position, 1u);
  // The exact field keeps stop words.
  EXPECT_EQ(Terms("في بغداد", Lang::kAr, Field::kExact), (V{"في", "بغداد"}));
}

TEST(Arabic, LightStemmerPrefixes) {
  EXPECT_EQ(Terms("والكتاب", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("الكتاب", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("بالكتاب", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("كالكتاب", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("فالكتاب", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("للكتاب", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("وكتاب", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("ولد", Lang::kAr, Field::kText), V{"ولد"});  // و kept: 3 letters
}

TEST(Arabic, LightStemmerSuffixes) {
  EXPECT_EQ(Terms("كتابها", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("مسلمان", Lang::kAr, Field::kText), V{"مسلم"});
  EXPECT_EQ(Terms("عمليات", Lang::kAr, Field::kText), V{"عمل"});
  EXPECT_EQ(Terms("مسلمون", Lang::kAr, Field::kText), V{"مسلم"});
  EXPECT_EQ(Terms("مسلمين", Lang::kAr, Field::kText), V{"مسلم"});
  EXPECT_EQ(Terms("الإسلامية", Lang::kAr, Field::kText), Terms("إسلامي", Lang::kAr, Field::kText));
  EXPECT_EQ(Terms("كتابه", Lang::kAr, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("دولة", Lang::kAr, Field::kText), V{"دول"});
  EXPECT_EQ(Terms("عراقي", Lang::kAr, Field::kText), V{"عراق"});
}

TEST(Arabic, ExactAndNameFieldsAreNotStemmed) {
  // The word behind the proclitic follows at the same position (text/proclitic_test.cc).
  EXPECT_EQ(Terms("والكتاب", Lang::kAr, Field::kExact), (V{"والكتاب", "الكتاب"}));
  EXPECT_EQ(Terms("الخفاجي", Lang::kAr, Field::kName), V{"الخفاجي"});
}

TEST(Arabic, AllahIsNotStemmedIntoLahu) {
  EXPECT_EQ(Terms("الله", Lang::kAr, Field::kText), V{"الله"});
  EXPECT_EQ(Terms("ﷲ", Lang::kAr, Field::kText), V{"الله"});
  EXPECT_EQ(Terms("والله", Lang::kAr, Field::kText), V{"الله"});
  EXPECT_EQ(Terms("لله", Lang::kAr, Field::kText), V{"الله"});
  EXPECT_EQ(Terms("ٱللَّٰه", Lang::kAr, Field::kText), V{"الله"});
  EXPECT_EQ(Terms("حزب الله", Lang::kAr, Field::kText), (V{"حزب", "الله"}));
}

TEST(Arabic, LamAlefLigatureInAWord) {
  // ﻻ inside a word: "السلام" typed with the presentation ligature.
  EXPECT_EQ(Terms("الس\uFEFBم", Lang::kAr, Field::kExact), V{"السلام"});
}

TEST(Arabic, SearchVariantsMeet) {
  for (auto [a, b] : {std::pair{"الإرهاب", "الارهاب"}, std::pair{"إيران", "ايران"},
                      std::pair{"مصطفى", "مصطفي"}, std::pair{"الدولة", "الدوله"}}) {
    EXPECT_EQ(Terms(a, Lang::kAr, Field::kText), Terms(b, Lang::kAr, Field::kText)) << a;
    EXPECT_EQ(Terms(a, Lang::kAr, Field::kExact), Terms(b, Lang::kAr, Field::kExact)) << a;
  }
}

// --- Persian -------------------------------------------------------------------------------

TEST(Persian, YehAndKafUnified) {
  EXPECT_EQ(Norm("ی"), "ي");  // Farsi yeh
  EXPECT_EQ(Norm("ے"), "ي");  // yeh barree
  EXPECT_EQ(Norm("ک"), "ك");  // keheh
  EXPECT_EQ(Norm("ایران"), Norm("ايران"));
  EXPECT_EQ(Norm("کرمانشاه"), Norm("كرمانشاه"));
}

TEST(Persian, HehFormsUnified) {
  EXPECT_EQ(Norm("ۀ"), "ه");
  EXPECT_EQ(Norm("ہ"), "ه");
  EXPECT_EQ(Norm("ه\u0654"), "ه");  // hamza above removed
  EXPECT_EQ(Norm("خانۀ"), "خانه");
}

TEST(Persian, ArabicAndPersianSpellingsOfANameMeet) {
  // Joined forms meet; the Persian form also yields its ZWNJ parts.
  EXPECT_EQ(Terms("علی خامنه‌ای", Lang::kFa, Field::kName),
            (V{"علي", "خامنهاي", "خامنه", "اي"}));
  EXPECT_EQ(Terms("علي خامنهاي", Lang::kAr, Field::kName), (V{"علي", "خامنهاي"}));
  EXPECT_EQ(Terms("حسین", Lang::kFa, Field::kName), Terms("حسين", Lang::kAr, Field::kName));
  EXPECT_EQ(Terms("کرکوک", Lang::kFa, Field::kName), Terms("كركوك", Lang::kAr, Field::kName));
}

TEST(Persian, StopWords) {
  EXPECT_EQ(Terms("کتاب را به او داد", Lang::kFa, Field::kText), (V{"كتاب", "داد"}));
}

TEST(Persian, LightStemmer) {
  EXPECT_EQ(Terms("بزرگترین", Lang::kFa, Field::kText), V{"بزرگ"});
  EXPECT_EQ(Terms("بزرگ‌تر", Lang::kFa, Field::kText), (V{"بزرگ", "تر"}));
  EXPECT_EQ(Terms("درختان", Lang::kFa, Field::kText), V{"درخت"});
  EXPECT_EQ(Terms("اطلاعات", Lang::kFa, Field::kText), V{"اطلاع"});
  EXPECT_EQ(Terms("کتابهای", Lang::kFa, Field::kText), V{"كتاب"});
  EXPECT_EQ(Terms("دفتر", Lang::kFa, Field::kText), V{"دفتر"});  // too short to lose تر
}

// --- Russian -------------------------------------------------------------------------------

TEST(Russian, StripsStressAccentsOnly) {
  EXPECT_EQ(Norm("Росси́я"), "россия");  // combining acute
  EXPECT_EQ(Norm("Россѝя"), "россия");  // combining grave
  EXPECT_EQ(Norm("вѐрх"), "верх");      // precomposed е + grave
  EXPECT_EQ(Norm("ѝ"), "и");
}

TEST(Russian, KeepsShortI) {
  EXPECT_EQ(Norm("й"), "й");
  EXPECT_EQ(Norm("и\u0306"), "й");  // decomposed й is recomposed, not stripped
  EXPECT_EQ(Norm("Хусейн"), "хусейн");
  EXPECT_EQ(Norm("Йемен"), "йемен");
  EXPECT_NE(Norm("мой"), Norm("мои"));
}

TEST(Russian, YoToYe) {
  EXPECT_EQ(Norm("ё"), "е");
  EXPECT_EQ(Norm("Ёлка"), "елка");
  EXPECT_EQ(Terms("её", Lang::kRu, Field::kExact), V{"ее"});
}

TEST(Russian, SnowballAfterLowercase) {
  EXPECT_EQ(Terms("Россия России Россией", Lang::kRu, Field::kText), (V{"росс", "росс", "росс"}));
  EXPECT_EQ(Terms("Росси́я", Lang::kRu, Field::kText), V{"росс"});
  EXPECT_EQ(Terms("террористической организации", Lang::kRu, Field::kText),
            Terms("террористическая организация", Lang::kRu, Field::kText));
}

TEST(Russian, StopWords) { EXPECT_EQ(Terms("и в Сирии", Lang::kRu, Field::kText), V{"сир"}); }

TEST(Russian, AcronymsKeptWhole) {
  EXPECT_EQ(Terms("ИГИЛ", Lang::kRu, Field::kText), V{"игил"});
  EXPECT_EQ(Terms("ИГИЛа", Lang::kRu, Field::kText), V{"игил"});
  EXPECT_EQ(Terms("ИГИЛом", Lang::kRu, Field::kText), V{"игил"});
  EXPECT_EQ(Terms("ФСБ", Lang::kRu, Field::kText), V{"фсб"});
  EXPECT_EQ(Terms("ИГИЛа", Lang::kRu, Field::kExact), V{"игила"});  // unstemmed field
}

// --- English -------------------------------------------------------------------------------

TEST(English, Snowball) {
  EXPECT_EQ(Terms("attacks attacked attacking", Lang::kEn, Field::kText),
            (V{"attack", "attack", "attack"}));
  EXPECT_EQ(Terms("The bombing of the bridge", Lang::kEn, Field::kText), (V{"bomb", "bridg"}));
}

TEST(English, LatinAsciiFolding) {
  EXPECT_EQ(Norm("é"), "e");
  EXPECT_EQ(Norm("Café Ḥasan Ṣāliḥ"), "cafe hasan salih");
  EXPECT_EQ(Norm("Łódź Ærø"), "lodz aero");
  EXPECT_EQ(Norm("İstanbul"), "istanbul");
}

TEST(English, Possessives) {
  EXPECT_EQ(Terms("Baghdadi's", Lang::kEn, Field::kExact), V{"baghdadi"});
  EXPECT_EQ(Terms("Baghdadi’s men", Lang::kEn, Field::kText), (V{"baghdadi", "men"}));
  EXPECT_EQ(Terms("ISIL's", Lang::kEn, Field::kText), V{"isil"});
  EXPECT_EQ(Terms("O'Brien", Lang::kEn, Field::kExact), V{"obrien"});
}

TEST(English, AcronymsAreNotStemmed) {
  EXPECT_EQ(Terms("ISIS", Lang::kEn, Field::kText), V{"isis"});
  EXPECT_EQ(Terms("isis", Lang::kEn, Field::kText), V{"isi"});  // lowercase: a word
}

TEST(Mixed, ScriptPicksTheStemmer) {
  EXPECT_EQ(Terms("attacks في الموصل", Lang::kAr, Field::kText), (V{"attack", "موصل"}));
  EXPECT_EQ(Terms("ИГИЛ attacks", Lang::kUnknown, Field::kText), (V{"игил", "attack"}));
}

// --- Language detection ----------------------------------------------------------------------

TEST(DetectLang, StixLangWins) {
  EXPECT_EQ(DetectLang("Hello", "ar"), Lang::kAr);
  EXPECT_EQ(DetectLang("مرحبا", "fa-IR"), Lang::kFa);
  EXPECT_EQ(DetectLang("x", "RU"), Lang::kRu);
  EXPECT_EQ(DetectLang("x", "en_GB"), Lang::kEn);
  EXPECT_EQ(DetectLang("Bonjour", "fr"), Lang::kUnknown);
  EXPECT_EQ(DetectLang("Hello", ""), Lang::kEn);  // empty lang: use the script
}

TEST(DetectLang, FromScript) {
  EXPECT_EQ(DetectLang("هجوم على مدينة الموصل"), Lang::kAr);
  EXPECT_EQ(DetectLang("حمله به شهر موصل در عراق توسط گروه"), Lang::kFa);
  EXPECT_EQ(DetectLang("گروه تروریستی در کشور"), Lang::kFa);
  EXPECT_EQ(DetectLang("ایران"), Lang::kFa);
  EXPECT_EQ(DetectLang("الخفاجي"), Lang::kAr);
  EXPECT_EQ(DetectLang("Атака в Сирии"), Lang::kRu);
  EXPECT_EQ(DetectLang("An attack in Syria"), Lang::kEn);
  EXPECT_EQ(DetectLang("1234 !!"), Lang::kUnknown);
  EXPECT_EQ(LangCode(Lang::kFa), "fa");
}

TEST(Analyzer, SharedAcrossThreads) {
  const std::string text = "والكتاب Россия attacks می‌روم ИГИЛа ٣٤";
  const auto expected = kAnalyzer.Analyze(text, Lang::kUnknown, Field::kText);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto got = kAnalyzer.Analyze(text, Lang::kUnknown, Field::kText);
        if (got.size() == expected.size() && got.back().term == expected.back().term) ++ok[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 200);
}

// AnalyzeForIndex is one pass for both fields: its words are Analyze(kExact)'s tokens, and its
// non-empty stems are exactly Analyze(kText)'s terms, at the same positions and offsets.
TEST(Analyzer, AnalyzeForIndexIsExactPlusTextInOnePass) {
  const std::string texts[] = {
      "والكتاب الإرهاب مصطفى ﷲ ﻻ ٣٤ ۳۴ في من و",
      "بازداشت‌شدگان می‌روم گروه‌های تکفیری در مرز "
      "ایران",
      "Росси́я ИГИЛа ёлка и в Сирии самолёт",
      "NATO's liaison officers attacked the convoys; O'Brien's rifles",
      "mixed نص و text с русским ﷺ " + std::string(80, 'x') + " end",
      "",
      "\xff\xfe broken \xc3",
  };
  for (Lang lang : {Lang::kUnknown, Lang::kAr, Lang::kFa, Lang::kRu, Lang::kEn}) {
    for (const auto& text : texts) {
      // Twice: the second pass is served from the per-thread word memo.
      for (int round = 0; round < 2; ++round) {
        std::vector<IndexWord> views;
        kAnalyzer.AnalyzeForIndex(text, lang, NameKeys::kNone, views);
        struct Word {
          std::string exact, stem;
          std::uint32_t position, start, end, span;
        };
        std::vector<Word> words;  // copied: the views last until the next analysis
        for (const auto& w : views) {
          EXPECT_TRUE(w.name_key.empty());
          words.push_back(
              {std::string(w.exact), std::string(w.stem), w.position, w.start, w.end, w.span});
        }
        const auto exact = kAnalyzer.Analyze(text, lang, Field::kExact);
        const auto stemmed = kAnalyzer.Analyze(text, lang, Field::kText);
        ASSERT_EQ(words.size(), exact.size()) << text;
        std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t, std::uint32_t>> want, got;
        for (std::size_t i = 0; i < words.size(); ++i) {
          EXPECT_EQ(words[i].exact, exact[i].term) << text;
          EXPECT_EQ(words[i].position, exact[i].position) << text;
          EXPECT_EQ(words[i].start, exact[i].start) << text;
          EXPECT_EQ(words[i].end, exact[i].end) << text;
          EXPECT_EQ(words[i].span, exact[i].span) << text;
          if (words[i].stem.empty()) continue;
          auto g = std::make_tuple(words[i].stem, words[i].position, words[i].start, words[i].end);
          if (std::find(got.begin(), got.end(), g) == got.end()) got.push_back(g);
        }
        for (const auto& t : stemmed) want.emplace_back(t.term, t.position, t.start, t.end);
        EXPECT_EQ(got, want) << text;
      }
    }
  }
}

// The per-thread memo rolls over to a new generation when full; results never change.
TEST(Analyzer, WordMemoGenerationsKeepResults) {
  const std::string text = std::string("والكتاب الإرهاب مصطفى ИГИЛа NATO's Khafaji ") +
                           "Росси\u0301я بازداشت\u200cشدگان";
  auto flat = [&] {
    std::vector<IndexWord> words;
    kAnalyzer.AnalyzeForIndex(text, Lang::kUnknown, NameKeys::kAll, words);
    std::vector<std::string> out;
    for (const auto& w : words) {
      out.push_back(std::string(w.exact) + "|" + std::string(w.stem) + "|" +
                    std::string(w.name_key) + "|" + std::to_string(w.position));
    }
    return out;
  };
  const auto first = flat();
  for (int chunk = 0; chunk < 3; ++chunk) {  // 3 x 10,000 distinct words: a rollover
    std::string filler;
    for (int i = 0; i < 10000; ++i) filler += "w" + std::to_string(chunk * 10000 + i) + "x ";
    std::vector<IndexWord> ignored;
    kAnalyzer.AnalyzeForIndex(filler, Lang::kUnknown, NameKeys::kNone, ignored);
    EXPECT_EQ(flat(), first) << chunk;  // served from the previous generation, then promoted
  }
}

TEST(Analyzer, AnalyzeForIndexNameKeys) {
  const std::string text = "Tahsin al-Khafaji met officers of الخفاجي and Хафаджи in бою";
  auto keyed = [&](NameKeys keys) {
    std::vector<IndexWord> words;
    kAnalyzer.AnalyzeForIndex(text, Lang::kUnknown, keys, words);
    std::vector<std::string> out;
    for (const auto& w : words) {
      if (!w.name_key.empty()) out.push_back(std::string(w.exact) + ":" + std::string(w.name_key));
    }
    return out;
  };
  EXPECT_EQ(keyed(NameKeys::kNone), V{});
  // Name-like: capitalised Latin/Cyrillic and Arabic-script words; keys of 3+ letters only.
  EXPECT_EQ(keyed(NameKeys::kNameLike),
            (V{"tahsin:thsn", "khafaji:hfj", "الخفاجي:hfj", "хафаджи:hfj"}));
  EXPECT_EQ(keyed(NameKeys::kAll), (V{"tahsin:thsn", "khafaji:hfj", "officers:afkrs", "الخفاجي:hfj",
                                      "and:and", "хафаджи:hfj"}));
}

}  // namespace
}  // namespace tansiq::text
