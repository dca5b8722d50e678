// The search benchmark's corpus (bench/search_corpus.h).
#include "bench/search_corpus.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string_view>

#include <boost/json/parse.hpp>

namespace tansiq::bench {
namespace {
namespace json = boost::json;

// Code points of a UTF-8 string; empty on malformed input.
std::vector<char32_t> Decode(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return {};
    char32_t cp = n == 1 ? c : c & (0x7f >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// A dictionary word worth using: letters of the language's script only, 2..16 letters; lower
// case for ru and en (proper nouns and abbreviations are left out).
bool Usable(Lang lang, std::string_view word) {
  auto cps = Decode(word);
  if (cps.size() < 2 || cps.size() > 16) return false;
  for (char32_t c : cps) {
    switch (lang) {
      case kAr:
        if (c < 0x0621 || c > 0x064a) return false;
        break;
      case kFa:
        if (!((c >= 0x0621 && c <= 0x064a) || c == 0x067e || c == 0x0686 || c == 0x0698 ||
              c == 0x06a9 || c == 0x06af || c == 0x06cc || c == 0x200c))
          return false;
        break;
      case kRu:
        if (c < 0x0430 || c > 0x044f) return false;
        break;
      default:
        if (c < 'a' || c > 'z') return false;
    }
  }
  return true;
}

std::vector<std::string> SplitBar(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto bar = s.find('|', start);
    if (bar == std::string::npos) bar = s.size();
    if (bar > start) out.push_back(s.substr(start, bar - start));
    start = bar + 1;
  }
  return out;
}

}  // namespace

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::vector<std::string> LoadWords(Lang lang, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read word list " + path);
  std::vector<std::string> words;
  for (std::string line; std::getline(in, line);) {
    auto cut = line.find_first_of("/\t \r");
    if (cut != std::string::npos) line.resize(cut);
    if (Usable(lang, line)) words.push_back(line);
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

Vocabulary MakeVocabulary(std::vector<std::string> words, std::size_t size, std::uint64_t seed) {
  Vocabulary v;
  v.dictionary_size = words.size();
  std::mt19937_64 rng(seed);
  std::shuffle(words.begin(), words.end(), rng);
  words.resize(std::min(size, words.size()));
  v.words = std::move(words);
  double sum = 0;
  for (std::size_t r = 0; r < v.words.size(); ++r) v.cdf.push_back(sum += 1.0 / (r + 2.7));
  return v;
}

Names LoadNames(const std::string& data_dir) {
  Names n;
  std::ifstream tsv(data_dir + "/gazetteer/places.tsv");
  if (!tsv) throw std::runtime_error("cannot read " + data_dir + "/gazetteer/places.tsv");
  std::map<std::string, int> column;
  for (std::string line; std::getline(tsv, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (;;) {
      auto tab = line.find('\t', start);
      cells.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (column.empty()) {
      for (std::size_t i = 0; i < cells.size(); ++i) column[cells[i]] = static_cast<int>(i);
      continue;
    }
    for (int l = 0; l < kLangs; ++l) {
      auto c = column.find(kLangCode[l]);
      if (c == column.end() || c->second >= static_cast<int>(cells.size())) continue;
      for (auto& name : SplitBar(cells[c->second])) n.places[l].push_back(name);
    }
  }
  std::ifstream jsonl(data_dir + "/aliases/curated.jsonl");
  if (!jsonl) throw std::runtime_error("cannot read " + data_dir + "/aliases/curated.jsonl");
  for (std::string line; std::getline(jsonl, line);) {
    if (line.empty() || line[0] == '#') continue;
    json::value v = json::parse(line);
    const auto* names = v.as_object().if_contains("names");
    if (!names || !names->is_object()) continue;
    for (int l = 0; l < kLangs; ++l) {
      const auto* list = names->as_object().if_contains(kLangCode[l]);
      if (!list || !list->is_array()) continue;
      for (const auto& s : list->as_array()) {
        if (s.is_string()) n.groups[l].emplace_back(s.as_string());
      }
    }
  }
  for (int l = 0; l < kLangs; ++l) {
    if (n.places[l].empty() || n.groups[l].empty())
      throw std::runtime_error(std::string("no place or group names in ") + kLangCode[l]);
  }
  return n;
}

std::string ReportId(std::uint64_t i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "report--00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(i));
  return buf;
}

Report Generator::Make(std::uint64_t index) const {
  std::mt19937_64 rng(SplitMix(seed_ ^ SplitMix(index)));
  std::uniform_real_distribution<double> u(0, 1);
  Report r;
  double x = u(rng);
  int l = 0;
  while (l < kLangs - 1 && x >= kLangWeight[l]) x -= kLangWeight[l++];
  r.lang = static_cast<Lang>(l);
  const Vocabulary& v = vocab_[l];
  auto pick = [&](const std::vector<std::string>& list) -> const std::string& {
    return list[std::uniform_int_distribution<std::size_t>(0, list.size() - 1)(rng)];
  };
  std::vector<std::string> mentioned;
  const int title_words = std::uniform_int_distribution<int>(3, 7)(rng);
  for (int k = 0; k < title_words; ++k) r.title += (k ? " " : "") + v.Draw(rng);
  if (u(rng) < 0.5) {
    mentioned.push_back(pick(names_->places[l]));
    r.title += " — " + mentioned.back();
  }
  const int body_words = std::uniform_int_distribution<int>(80, 200)(rng);
  int sentence = 0;
  for (int k = 0; k < body_words; ++k) {
    const double p = u(rng);
    if (p < 0.03) {
      mentioned.push_back(pick(names_->places[l]));
      r.tokens.push_back(mentioned.back());
    } else if (p < 0.045) {
      mentioned.push_back(pick(names_->groups[l]));
      r.tokens.push_back(mentioned.back());
    } else {
      r.tokens.push_back(v.Draw(rng));
    }
    if (!r.body.empty()) r.body += ' ';
    r.body += r.tokens.back();
    if (++sentence >= 8 && u(rng) < 0.15) {
      r.body += (r.lang == kAr || r.lang == kFa) && u(rng) < 0.3 ? "،" : ".";
      sentence = 0;
    }
  }
  r.body += '.';
  r.names = r.title;
  for (const auto& m : mentioned) r.names += "\n" + m;
  return r;
}

}  // namespace tansiq::bench
