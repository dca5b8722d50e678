// Arabic proclitics (issue 17.1): unit cases of the splitter and the labelled set
// testdata/proclitics.tsv — word and phrase queries over documents with clitic forms and
// lookalikes, matched the way the search index matches them — with recall/precision gates.
#include "text/internal/proclitic.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "text/analyzer.h"
#include "text/internal/normalize.h"

namespace tansiq::text {
namespace {

std::string Remainder(std::string_view word) {
  const icu::UnicodeString norm = internal::NormalizeText(internal::DecodeUtf8(word).text);
  return internal::ToUtf8(internal::ProcliticRemainder(norm));
}

TEST(Proclitic, KnownWordsBehindClitics) {
  EXPECT_EQ(Remainder("لمستشفيات"), "مستشفيات");
  EXPECT_EQ(Remainder("وبالعمليات"), "العمليات");
  EXPECT_EQ(Remainder("للقوات"), "القوات");
  EXPECT_EQ(Remainder("وللقوات"), "القوات");
  EXPECT_EQ(Remainder("فبغداد"), "بغداد");
  EXPECT_EQ(Remainder("لبغداد"), "بغداد");
  EXPECT_EQ(Remainder("ولبنان"), "لبنان");
  EXPECT_EQ(Remainder("للبنان"), "لبنان");  // ل + لبنان, not ل + البنان
  EXPECT_EQ(Remainder("بسيارة"), "سياره");
  EXPECT_EQ(Remainder("كهجمات"), "هجمات");
  EXPECT_EQ(Remainder("فقتل"), "قتل");
  EXPECT_EQ(Remainder("فللمدنيين"), "المدنيين");
}

TEST(Proclitic, LookalikesStayWhole) {
  for (const char* w :
       {"بغداد", "لبنان", "كركوك", "فلوجة", "الفلوجة", "وزير", "وزارة", "بعقوبة", "كمين", "بلدة",
        "فريق",  "كتائب", "لواء",  "والي",  "والد",    "بلد",  "وفد",   "ولد",    "بيان", "فالح"}) {
    EXPECT_EQ(Remainder(w), "") << w;
  }
  EXPECT_GT(internal::ProcliticLexiconSize(), 500u);
}

TEST(Proclitic, AnalyzerEmitsTheWordAtTheSamePosition) {
  const Analyzer a;
  const auto t = a.Analyze("وللقوات المشتركة", Lang::kAr, Field::kExact);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].term, "وللقوات");
  EXPECT_EQ(t[1].term, "القوات");
  EXPECT_EQ(t[1].position, 0u);
  EXPECT_EQ(t[2].position, 1u);
  std::vector<IndexWord> words;
  a.AnalyzeForIndex("وللقوات المشتركة", Lang::kAr, NameKeys::kNameLike, words);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_FALSE(words[0].alternative);
  EXPECT_TRUE(words[1].alternative);
  EXPECT_TRUE(words[1].name_key.empty());
  EXPECT_EQ(words[1].start, words[0].start);
  // Persian text is not split (its ب/و-initial words are rarely clitics).
  EXPECT_EQ(a.Analyze("لمستشفيات", Lang::kFa, Field::kExact).size(), 1u);
}

// --- Labelled set ---------------------------------------------------------------------------

// The terms of one index position, as store/sqlite/fts_tokenizer.cc emits them: the exact term
// and the stem, plus (with `alternatives`) the word behind a proclitic and its stem.
using Position = std::set<std::string>;

std::vector<Position> Positions(std::string_view text, bool alternatives) {
  static const Analyzer kAnalyzer;
  std::vector<IndexWord> words;
  kAnalyzer.AnalyzeForIndex(text, DetectLang(text), NameKeys::kNone, words);
  std::vector<Position> out;
  for (const IndexWord& w : words) {
    if (w.alternative && !alternatives) continue;
    if (!w.alternative) out.emplace_back();
    out.back().insert(std::string(w.exact));
    if (!w.stem.empty()) out.back().insert(std::string(w.stem));
  }
  return out;
}

// FTS5's phrase match with colocated tokens: some run of consecutive document positions where
// each query position shares a term with the document's.
bool Matches(const std::vector<Position>& doc, const std::vector<Position>& query) {
  if (query.empty() || query.size() > doc.size()) return false;
  for (std::size_t p = 0; p + query.size() <= doc.size(); ++p) {
    bool all = true;
    for (std::size_t q = 0; q < query.size() && all; ++q) {
      bool any = false;
      for (const auto& t : query[q]) any = any || doc[p + q].contains(t);
      all = any;
    }
    if (all) return true;
  }
  return false;
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = line.find(sep, from);
    out.push_back(line.substr(from, at == std::string::npos ? at : at - from));
    if (at == std::string::npos) return out;
    from = at + 1;
  }
}

struct Measure {
  long relevant = 0, retrieved = 0, hits = 0;
  double Recall() const { return relevant == 0 ? 1.0 : double(hits) / double(relevant); }
  double Precision() const { return retrieved == 0 ? 1.0 : double(hits) / double(retrieved); }
};

TEST(Proclitic, LabelledSetRecallPrecision) {
  std::ifstream in(TANSIQ_TEXT_TESTDATA "/proclitics.tsv");
  ASSERT_TRUE(in) << "testdata/proclitics.tsv not found";
  std::map<std::string, std::string> docs;
  std::vector<std::pair<std::string, std::set<std::string>>> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = Split(line, '\t');
    ASSERT_GE(f.size(), 3u) << line;
    if (f[0] == "doc") {
      docs[f[1]] = f[2];
    } else {
      std::set<std::string> rel;
      if (f.size() > 2 && !f[2].empty()) {
        for (const auto& id : Split(f[2], ',')) rel.insert(id);
      }
      queries.emplace_back(f[1], rel);
    }
  }
  ASSERT_GE(docs.size(), 40u);
  ASSERT_GE(queries.size(), 50u);

  Measure m[2];  // [0] written forms only (before issue 17.1), [1] with proclitic alternatives
  std::vector<std::string> misses, false_hits;
  for (int with = 0; with < 2; ++with) {
    std::map<std::string, std::vector<Position>> index;
    for (const auto& [id, text] : docs) index[id] = Positions(text, with == 1);
    for (const auto& [q, rel] : queries) {
      std::string text = q;
      if (text.size() > 2 && text.front() == '"') text = text.substr(1, text.size() - 2);
      const auto query = Positions(text, with == 1);
      for (const auto& [id, positions] : index) {
        const bool hit = Matches(positions, query);
        const bool relevant = rel.contains(id);
        m[with].retrieved += hit ? 1 : 0;
        m[with].hits += hit && relevant ? 1 : 0;
        if (with == 1 && relevant && !hit) misses.push_back(q + " / " + id + " " + docs[id]);
        if (with == 1 && !relevant && hit) false_hits.push_back(q + " / " + id + " " + docs[id]);
      }
      m[with].relevant += static_cast<long>(rel.size());
    }
  }
  std::printf("proclitics: %zu documents, %zu queries\n", docs.size(), queries.size());
  std::printf("written forms only:       recall %.4f  precision %.4f\n", m[0].Recall(),
              m[0].Precision());
  std::printf("with proclitic splitting: recall %.4f  precision %.4f\n", m[1].Recall(),
              m[1].Precision());
  std::printf("misses (%zu):\n", misses.size());
  for (const auto& s : misses) std::printf("  %s\n", s.c_str());
  std::printf("retrieved, not relevant (%zu):\n", false_hits.size());
  for (const auto& s : false_hits) std::printf("  %s\n", s.c_str());
  // Measured 0.971 and 0.958; before issue 17 (no alternatives, light10 stripping و from every
  // word) 0.571 and 0.870. The misses and false hits left are light10's (قواته; مدنية ~ مدنيين).
  EXPECT_GE(m[1].Recall(), 0.95);
  EXPECT_GE(m[1].Precision(), 0.93);
}

}  // namespace
}  // namespace tansiq::text
