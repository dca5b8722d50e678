// Name lookup shared by AliasRegistry and Gazetteer: exact matching on a normalised letters-only
// key (with article, clitic and acronym-ending fallbacks) and phonetic matching through
// PhoneticKey + NameSimilarity. Built once, then read-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tansiq::text::internal {

// Analyzer::Normalize (NFKC, case fold, Arabic/Persian letter unification, harakat, ZWNJ, ё,
// Latin -> ASCII) keeping letters and digits only, so spacing, hyphens, apostrophes and quotes
// never matter: "Deir ez-Zor" == "deir ezzor", "دير الزور" == "دیرالزور", "ЧВК «Вагнер»" ==
// "чвк вагнер".
std::string LookupKey(std::string_view name);

// LookupKey without a leading article: a first word al/el/ad/an/ar/as/ash/at/az/ed/en/er/es/ez
// (аль эль ад ан ар ас аш ат аз эд эн эр эс эт эз эш) followed by another word, or the ال prefix
// of a first Arabic-script word of four or more letters. "Al-Mayadin" == "Mayadin",
// "الميادين" == "ميادين". Equal to LookupKey when there is no article.
std::string BareLookupKey(std::string_view name);

class NameIndex {
 public:
  // A target (group or place index) and the rank of the best name that reached it (lower is
  // better; the caller decides what ranks mean).
  struct Hit {
    std::uint32_t target;
    int rank;
  };
  struct SimilarHit {
    std::uint32_t target;
    std::string name;  // the indexed name that matched best
    double score;      // NameSimilarity, >= kSameNameThreshold
  };

  // Build phase only (not thread-safe).
  void Add(std::string_view name, std::uint32_t target, int rank);

  // Exact lookup, first stage that hits wins: (1) LookupKey; (2) BareLookupKey against the bare
  // keys of all names; (3) an Arabic-script clitic و ب ل ف ك (or لل -> ال) removed, stages 1-2
  // again; (4) an all-caps acronym with a lowercase case ending (ИГИЛа, ИГИЛом) -> the acronym.
  // Each target once with its best rank; sorted by rank, then target.
  std::vector<Hit> Exact(std::string_view name) const;

  // Phonetic lookup: names with the same PhoneticKey and NameSimilarity >= kSameNameThreshold,
  // best per target, sorted by score (then target), at most `limit`.
  std::vector<SimilarHit> Similar(std::string_view name, std::size_t limit) const;

  std::size_t size() const { return names_; }

 private:
  struct Entry {
    std::uint32_t target;
    int rank;
  };
  struct Spelling {
    std::uint32_t target;
    std::string name;
  };
  using Map = std::unordered_map<std::string, std::vector<Entry>>;

  static void Collect(const Map& map, const std::string& key, std::vector<Hit>& out);
  std::vector<Hit> ExactStages(std::string_view normalized_name) const;

  Map full_;
  Map bare_;
  std::unordered_map<std::string, std::vector<Spelling>> phonetic_;
  std::size_t names_ = 0;
};

}  // namespace tansiq::text::internal
