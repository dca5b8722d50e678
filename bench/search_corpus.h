// The search benchmark's corpus (bench/search_bench.cc): reports generated from dictionary words
// with Zipf-Mandelbrot frequencies and the gazetteer's place and group names, in ar/fa/ru/en,
// deterministic per (seed, index) so that both indexes and a regeneration see the same report.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tansiq::bench {

enum Lang { kAr, kFa, kRu, kEn, kLangs };
inline constexpr const char* kLangCode[kLangs] = {"ar", "fa", "ru", "en"};
inline constexpr double kLangWeight[kLangs] = {0.35, 0.20, 0.20, 0.25};

std::uint64_t SplitMix(std::uint64_t x);

// A vocabulary with Zipf-Mandelbrot frequencies: rank r has weight 1/(r+2.7).
struct Vocabulary {
  std::vector<std::string> words;  // by rank
  std::vector<double> cdf;
  std::size_t dictionary_size = 0;

  const std::string& Draw(std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, cdf.back())(rng);
    auto it = std::upper_bound(cdf.begin(), cdf.end(), u);
    return words[std::min<std::size_t>(it - cdf.begin(), words.size() - 1)];
  }
  double Probability(std::size_t rank) const {
    return (cdf[rank] - (rank ? cdf[rank - 1] : 0)) / cdf.back();
  }
};

// Reads a hunspell .dic (first line a count, "word/FLAGS" lines) or a plain word list, keeping
// the words of `lang`'s script only (2..16 letters; lower case for ru and en).
std::vector<std::string> LoadWords(Lang lang, const std::string& path);
Vocabulary MakeVocabulary(std::vector<std::string> words, std::size_t size, std::uint64_t seed);

struct Names {
  std::vector<std::string> places[kLangs];
  std::vector<std::string> groups[kLangs];
};

// Place names (every variant) from data/gazetteer/places.tsv; group names from
// data/aliases/curated.jsonl.
Names LoadNames(const std::string& data_dir);

struct Report {
  Lang lang = kEn;
  std::string title;
  std::string names;  // title, then every place and group mentioned, one per line
  std::string body;
  std::vector<std::string> tokens;  // body words and names, in order (for phrase queries)
};

// Deterministic per (seed, index): report i is the same in both indexes and when regenerated.
class Generator {
 public:
  Generator(const Vocabulary* vocab, const Names* names, std::uint64_t seed)
      : vocab_(vocab), names_(names), seed_(seed) {}

  Report Make(std::uint64_t index) const;

 private:
  const Vocabulary* vocab_;
  const Names* names_;
  std::uint64_t seed_;
};

std::string ReportId(std::uint64_t i);

}  // namespace tansiq::bench
