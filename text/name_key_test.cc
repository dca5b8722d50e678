// Name keys: unit cases for the transliteration, particles and letter classes, and the
// labelled name-group set (testdata/name_groups.txt) with precision/recall gates per stage.
#include "text/name_key.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tansiq::text {
namespace {

TEST(PhoneticKey, KhafajiInFourScripts) {
  const std::string key = PhoneticKey("al-Khafaji");
  EXPECT_EQ(key, "hfj");
  EXPECT_EQ(PhoneticKey("الخفاجي"), key);
  EXPECT_EQ(PhoneticKey("Al Khafaji"), key);
  EXPECT_EQ(PhoneticKey("аль-Хафаджи"), key);
  EXPECT_EQ(PhoneticKey("خفاجی"), key);
  EXPECT_TRUE(SameName("الخفاجي", "al-Khafaji"));
  EXPECT_TRUE(SameName("Al Khafaji", "аль-Хафаджи"));
  EXPECT_TRUE(SameName("الخفاجي", "аль-Хафаджи"));
}

TEST(PhoneticKey, HardNegativesShareKeysButNotNames) {
  EXPECT_EQ(PhoneticKey("Hasan"), PhoneticKey("Hussein"));
  EXPECT_FALSE(SameName("Hasan", "Hussein"));
  EXPECT_FALSE(SameName("حسن", "حسين"));
  EXPECT_FALSE(SameName("Hasan", "حسين"));
  EXPECT_FALSE(SameName("Hussein", "حسن"));
  EXPECT_FALSE(SameName("Хасан", "Хусейн"));
  EXPECT_TRUE(SameName("Hussein", "حسين"));
  EXPECT_TRUE(SameName("Hasan", "حسن"));
  EXPECT_TRUE(SameName("Hussein", "Хусейн"));
  // Ahmed starts with a vowel (alef), Hamid does not: different keys.
  EXPECT_NE(PhoneticKey("Ahmed"), PhoneticKey("Hamid"));
  EXPECT_FALSE(SameName("Ahmed", "Hamid"));
  EXPECT_FALSE(SameName("أحمد", "حامد"));
  EXPECT_FALSE(SameName("Ахмед", "Хамид"));
  EXPECT_TRUE(SameName("Ahmed", "أحمد"));
  EXPECT_TRUE(SameName("Ahmad", "Ахмед"));
}

TEST(PhoneticKey, ArticlesAndParticles) {
  for (const char* n :
       {"al-Maliki", "el-Maliki", "Al Maliki", "المالكي", "аль-Малики", "эль-Малики", "Maliki"}) {
    EXPECT_EQ(PhoneticKey(n), "mlk") << n;
  }
  EXPECT_EQ(PhoneticKey("ad-Din"), PhoneticKey("Din"));
  EXPECT_EQ(PhoneticKey("ash-Shami"), PhoneticKey("Shami"));
  EXPECT_EQ(PhoneticKey("as-Sadr"), PhoneticKey("Sadr"));
  EXPECT_EQ(PhoneticKey("ar-Rawi"), PhoneticKey("Rawi"));
  EXPECT_EQ(PhoneticKey("at-Tikriti"), PhoneticKey("Tikriti"));
  EXPECT_EQ(PhoneticKey("an-Nusra"), PhoneticKey("Nusra"));
  EXPECT_EQ(PhoneticKey("Osama bin Laden"), PhoneticKey("Osama Laden"));
  EXPECT_EQ(PhoneticKey("أسامة بن لادن"), PhoneticKey("Osama bin Laden"));
  EXPECT_EQ(PhoneticKey("al"), "al");  // a name that is only a particle keeps it
}

TEST(PhoneticKey, LetterClasses) {
  EXPECT_EQ(PhoneticKey("Hamid"), PhoneticKey("Khamid"));  // h / kh / х
  EXPECT_EQ(PhoneticKey("Hamid"), PhoneticKey("Хамид"));
  EXPECT_EQ(PhoneticKey("Qasim"), PhoneticKey("Kasim"));  // q / k / g / gh
  EXPECT_EQ(PhoneticKey("Qasim"), PhoneticKey("Gasim"));
  EXPECT_EQ(PhoneticKey("Baghdad"), PhoneticKey("Багдад"));
  EXPECT_EQ(PhoneticKey("Jamal"), PhoneticKey("Djamal"));  // j / dj / dzh / zh / ch
  EXPECT_EQ(PhoneticKey("Jamal"), PhoneticKey("Джамаль"));
  EXPECT_EQ(PhoneticKey("Jamal"), PhoneticKey("Zhamal"));
  EXPECT_EQ(PhoneticKey("Chalabi"), PhoneticKey("الجلبي"));
  EXPECT_EQ(PhoneticKey("Yousef"), PhoneticKey("Yusuf"));  // ou / u / oo
  EXPECT_EQ(PhoneticKey("Yousef"), PhoneticKey("Yoosef"));
  EXPECT_EQ(PhoneticKey("Marwan"), PhoneticKey("Марван"));    // w / v
  EXPECT_EQ(PhoneticKey("Saeed"), PhoneticKey("Said"));       // y / i / ee
  EXPECT_EQ(PhoneticKey("Hassan"), PhoneticKey("Hasan"));     // doubles collapse
  EXPECT_EQ(PhoneticKey("Othman"), PhoneticKey("Osman"));     // th / s
  EXPECT_EQ(PhoneticKey("Qadhafi"), PhoneticKey("Gaddafi"));  // dh / d
  EXPECT_EQ(PhoneticKey("Sharif"), "xrf");                    // sh is its own class
  EXPECT_NE(PhoneticKey("Sharif"), PhoneticKey("Sarif"));
}

TEST(PhoneticKey, ScriptSpecifics) {
  EXPECT_EQ(PhoneticKey("Ḥasan"), PhoneticKey("Hasan"));    // Latin diacritics
  EXPECT_EQ(PhoneticKey("مُصْطَفَى"), PhoneticKey("Mustafa"));  // harakat ignored
  EXPECT_EQ(PhoneticKey("مصطفي"), PhoneticKey("مصطفى"));
  EXPECT_TRUE(SameName("مصطفي", "Mustafa"));
  EXPECT_EQ(PhoneticKey("Abdullah"), PhoneticKey("عبد الله"));
  EXPECT_EQ(PhoneticKey("Abd al-Rahman"), PhoneticKey("Abdulrahman"));
  EXPECT_EQ(PhoneticKey("Hezbollah"), PhoneticKey("حزب‌الله"));
  EXPECT_TRUE(SameName("Hezbollah", "Hizballah"));
  EXPECT_EQ(PhoneticKey("خامنه‌ای"), PhoneticKey("Khamenei"));  // heh before ZWNJ is final
  EXPECT_EQ(PhoneticKey("جبهة النصرة"), PhoneticKey("Jabhat al-Nusra"));  // ة in construct
  EXPECT_EQ(PhoneticKey("أسامة"), PhoneticKey("Osama"));                  // final ة
  EXPECT_EQ(PhoneticKey("Хусейн"), PhoneticKey("Hussein"));               // й is y, not j
  EXPECT_EQ(PhoneticKey("Ёсиф"), PhoneticKey("Есиф"));
  EXPECT_EQ(PhoneticKey("Ἀθῆναι"), PhoneticKey("Athenai"));  // other scripts: ICU Any-Latin
}

TEST(NameSimilarity, ArabicScriptVowelRules) {
  EXPECT_TRUE(SameName("Walid", "وليد"));  // initial و is a consonant
  EXPECT_TRUE(SameName("Yusuf", "يوسف"));
  EXPECT_TRUE(SameName("Osama", "أسامة"));  // initial alef carries any vowel
  EXPECT_TRUE(SameName("Idlib", "إدلب"));
  EXPECT_TRUE(SameName("Jaish al-Islam", "جيش الإسلام"));
  EXPECT_TRUE(SameName("Omar", "عمر"));          // initial ayn carries any vowel
  EXPECT_TRUE(SameName("Saad", "سعد"));          // medial ayn: a short a
  EXPECT_FALSE(SameName("Said", "سعد"));         // ...but not a long i (سعيد)
  EXPECT_FALSE(SameName("Ayman", "عمان"));       // a diphthong would be written
  EXPECT_TRUE(SameName("al-Qaida", "القاعدة"));  // vowel after a written ayn is unwritten
  EXPECT_TRUE(SameName("Moustafa", "مصطفى"));    // French-style ou is a short u
  EXPECT_TRUE(SameName("Ruhollah Khomeini", "روح الله الخميني"));
  EXPECT_TRUE(SameName("Kamishli", "Камышлы"));  // ы is a short i
  EXPECT_FALSE(SameName("Kareem", "Karam"));     // ee is a long i
  EXPECT_FALSE(SameName("Nasser", "Nasr"));      // Latin vowel against no vowel
}

TEST(PhoneticKey, DegenerateInput) {
  EXPECT_EQ(PhoneticKey(""), "");
  EXPECT_EQ(PhoneticKey("  -- ,"), "");
  EXPECT_EQ(PhoneticKey("\xff\xfe"), "");
  EXPECT_FALSE(SameName("", ""));
  EXPECT_FALSE(SameName("\xff", "\xfe"));
  (void)NameSimilarity("\xc3", "a\xe2\x28\xa1");
  EXPECT_EQ(PhoneticKey(std::string(10000, 'a')), "a");
}

TEST(PhoneticKey, RandomBytesNeverCrash) {
  std::uint32_t seed = 7;
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    for (int i = 0; i < round % 17; ++i) {
      seed = seed * 1103515245u + 12345u;
      s.push_back(static_cast<char>(seed >> 16));
    }
    const std::string key = PhoneticKey(s);
    for (char c : key) ASSERT_TRUE(c >= 'a' && c <= 'z') << key;
    const double sim = NameSimilarity(s, "Khafaji");
    ASSERT_GE(sim, 0.0);
    ASSERT_LE(sim, 1.0);
  }
}

TEST(NameSimilarity, Range) {
  EXPECT_DOUBLE_EQ(NameSimilarity("Khafaji", "Khafaji"), 1.0);
  EXPECT_GE(NameSimilarity("Khafaji", "الخفاجي"), kSameNameThreshold);
  EXPECT_LT(NameSimilarity("Hasan", "Hussein"), kSameNameThreshold);
  EXPECT_LT(NameSimilarity("Baghdad", "Basra"), kSameNameThreshold);
  EXPECT_GE(NameSimilarity("Baghdad", "Basra"), 0.0);
  EXPECT_EQ(FoldedName("al-Khafaji"), "khafaji");
  EXPECT_EQ(FoldedName("Abu Bakr al-Baghdadi"), "abu bakr baghdadi");
}

// --- Labelled set ---------------------------------------------------------------------------

struct Name {
  std::string text, kind, key;
  int group;
};

std::vector<Name> LoadGroups(const std::string& file = "name_groups.txt") {
  std::ifstream in(std::string(TANSIQ_TEXT_TESTDATA "/") + file);
  std::vector<Name> names;
  std::string line;
  int group = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::size_t from = 0;
    while (true) {
      const std::size_t bar = line.find('|', from);
      std::string f = line.substr(from, bar == std::string::npos ? bar : bar - from);
      while (!f.empty() && f.front() == ' ') f.erase(0, 1);
      while (!f.empty() && f.back() == ' ') f.pop_back();
      fields.push_back(f);
      if (bar == std::string::npos) break;
      from = bar + 1;
    }
    if (fields.size() < 3) continue;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      names.push_back({fields[i], fields[0], PhoneticKey(fields[i]), group});
    }
    ++group;
  }
  return names;
}

struct Counts {
  long tp = 0, fp = 0, fn = 0;
  double Precision() const { return tp + fp == 0 ? 1.0 : double(tp) / double(tp + fp); }
  double Recall() const { return tp + fn == 0 ? 1.0 : double(tp) / double(tp + fn); }
  void Add(bool truth, bool predicted) {
    if (truth && predicted) ++tp;
    if (!truth && predicted) ++fp;
    if (truth && !predicted) ++fn;
  }
};

TEST(NameGroups, PrecisionRecallGates) {
  const std::vector<Name> names = LoadGroups();
  ASSERT_FALSE(names.empty()) << "testdata/name_groups.txt not found";
  std::vector<std::string> kinds;
  int groups = 0;
  for (const Name& n : names) groups = std::max(groups, n.group + 1);
  ASSERT_GE(groups, 100);

  const std::vector<double> thresholds = {0.5, 0.6, 0.67, 0.7, 0.75, 0.8, 0.9, 1.0};
  Counts key_stage, final_stage;
  std::vector<Counts> sweep(thresholds.size());
  std::map<std::string, std::pair<Counts, Counts>> by_kind;
  std::vector<std::string> key_misses, similarity_misses, false_positives;
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = i + 1; j < names.size(); ++j) {
      const Name& a = names[i];
      const Name& b = names[j];
      const bool truth = a.group == b.group;
      const bool key_equal = !a.key.empty() && a.key == b.key;
      const double sim = key_equal ? NameSimilarity(a.text, b.text) : 0.0;
      const bool same = key_equal && sim >= kSameNameThreshold;
      if (key_equal) {
        EXPECT_EQ(same, SameName(a.text, b.text)) << a.text << " / " << b.text;
      }
      key_stage.Add(truth, key_equal);
      final_stage.Add(truth, same);
      for (std::size_t t = 0; t < thresholds.size(); ++t) {
        sweep[t].Add(truth, key_equal && sim >= thresholds[t]);
      }
      if (a.kind == b.kind) {
        by_kind[a.kind].first.Add(truth, key_equal);
        by_kind[a.kind].second.Add(truth, same);
      }
      if (truth && key_equal && !same) {
        similarity_misses.push_back(a.text + " / " + b.text + " " + std::to_string(sim));
      }
      if (truth && !key_equal)
        key_misses.push_back(a.text + " [" + a.key + "] / " + b.text + " [" + b.key + "]");
      if (!truth && same) false_positives.push_back(a.text + " / " + b.text);
    }
  }
  std::printf("name groups: %d groups, %zu names\n", groups, names.size());
  std::printf("stage               precision  recall   tp     fp     fn\n");
  auto row = [](const char* stage, const Counts& c) {
    std::printf("%-18s  %.4f     %.4f   %-6ld %-6ld %ld\n", stage, c.Precision(), c.Recall(), c.tp,
                c.fp, c.fn);
  };
  row("key only", key_stage);
  row("key + similarity", final_stage);
  for (const auto& [kind, c] : by_kind) {
    row(("  " + kind + " key").c_str(), c.first);
    row(("  " + kind + " final").c_str(), c.second);
  }
  std::printf("similarity threshold sweep (key equal and similarity >= t):\n");
  for (std::size_t t = 0; t < thresholds.size(); ++t) {
    std::printf("  t=%.2f  precision %.4f  recall %.4f\n", thresholds[t], sweep[t].Precision(),
                sweep[t].Recall());
  }
  std::printf("key misses (%zu):\n", key_misses.size());
  for (const auto& m : key_misses) std::printf("  %s\n", m.c_str());
  std::printf("similarity misses (%zu):\n", similarity_misses.size());
  for (const auto& m : similarity_misses) std::printf("  %s\n", m.c_str());
  std::printf("false positives (%zu):\n", false_positives.size());
  for (const auto& m : false_positives) std::printf("  %s\n", m.c_str());

  EXPECT_GE(key_stage.Recall(), 0.95);
  EXPECT_GE(final_stage.Precision(), 0.9);
  EXPECT_GE(final_stage.Recall(), 0.9);
}

// Issue 17.2: names no rule was written for (testdata/name_groups_unseen.txt). Key recall = the
// fraction of same-group pairs with equal non-empty keys. precision@3: for each name q, every
// other name of the set is ranked by key similarity — equal keys first, then NameSimilarity —
// with ties broken against q (a name of another group before one of q's group); of the top
// k = min(3, size of q's group - 1) candidates, the fraction in q's group; averaged over all q.
TEST(NameGroups, UnseenNamesKeyRecallAndPrecisionAt3) {
  const std::vector<Name> names = LoadGroups("name_groups_unseen.txt");
  ASSERT_FALSE(names.empty()) << "testdata/name_groups_unseen.txt not found";
  std::map<int, int> group_size;
  for (const Name& n : names) ++group_size[n.group];
  long pairs = 0;
  for (const auto& [g, size] : group_size) pairs += long(size) * (size - 1) / 2;
  ASSERT_GE(group_size.size(), 80u);
  ASSERT_GE(pairs, 300);

  Counts keys;
  std::vector<std::string> key_misses;
  double precision_sum = 0;
  std::vector<std::string> rank_misses;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const Name& q = names[i];
    struct Candidate {
      double score;
      bool same;
      std::size_t j;
    };
    std::vector<Candidate> ranked;
    std::size_t equal_keys = 0;
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (j == i) continue;
      const Name& c = names[j];
      const bool key_equal = !q.key.empty() && q.key == c.key;
      const bool same = q.group == c.group;
      if (j > i) {
        keys.Add(same, key_equal);
        if (same && !key_equal) {
          key_misses.push_back(q.text + " [" + q.key + "] / " + c.text + " [" + c.key + "]");
        }
      }
      // Scored below: equal keys always rank first, so the others need a score only when
      // fewer than three keys are equal (NameSimilarity is the costly part).
      ranked.push_back({key_equal ? 1.0 : -1.0, same, j});
      equal_keys += key_equal ? 1 : 0;
    }
    for (Candidate& c : ranked) {
      if (c.score > 0 || equal_keys < 3) c.score += 1.0 + NameSimilarity(q.text, names[c.j].text);
    }
    std::sort(ranked.begin(), ranked.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score > b.score : !a.same && b.same;
    });
    const int k = std::min(3, group_size[q.group] - 1);
    if (k <= 0) continue;
    int hits = 0;
    for (int r = 0; r < k; ++r) hits += ranked[static_cast<std::size_t>(r)].same ? 1 : 0;
    precision_sum += double(hits) / k;
    if (hits < k) {
      std::string line = q.text + " ->";
      for (int r = 0; r < k; ++r) {
        line += " " + names[ranked[static_cast<std::size_t>(r)].j].text +
                (ranked[static_cast<std::size_t>(r)].same ? "" : "(x)");
      }
      rank_misses.push_back(line);
    }
  }
  const double precision_at_3 = precision_sum / double(names.size());
  std::printf("unseen names: %zu groups, %zu names, %ld same-group pairs\n", group_size.size(),
              names.size(), pairs);
  std::printf("key recall %.4f (key precision over all pairs %.4f), precision@3 %.4f\n",
              keys.Recall(), keys.Precision(), precision_at_3);
  std::printf("key misses (%zu):\n", key_misses.size());
  for (const auto& m : key_misses) std::printf("  %s\n", m.c_str());
  std::printf("precision@3 misses (%zu):\n", rank_misses.size());
  for (const auto& m : rank_misses) std::printf("  %s\n", m.c_str());
  // Measured 0.969 and 0.995 (the keys before issue 17: 0.942 and 0.972); the issue asks for
  // 0.95 each.
  EXPECT_GE(keys.Recall(), 0.96);
  EXPECT_GE(precision_at_3, 0.98);
}

}  // namespace
}  // namespace tansiq::text
