// Exact and phonetic name lookup shared by the alias registry and the gazetteer.
#include "text/internal/name_index.h"

#include <algorithm>
#include <array>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "text/analyzer.h"
#include "text/name_key.h"

namespace tansiq::text::internal {
namespace {

// Words of the normalised name: maximal runs of letters and digits, as UTF-8.
std::vector<std::string> Words(std::string_view normalized) {
  std::vector<std::string> words;
  std::string cur;
  const auto* s = reinterpret_cast<const uint8_t*>(normalized.data());
  const auto n = static_cast<int32_t>(normalized.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c >= 0 && u_isalnum(c)) {
      char buf[U8_MAX_LENGTH];
      int32_t len = 0;
      U8_APPEND_UNSAFE(buf, len, c);
      cur.append(buf, static_cast<size_t>(len));
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::string Normalized(std::string_view name) {
  static const Analyzer kAnalyzer;
  return kAnalyzer.Normalize(name, Lang::kUnknown);
}

std::string Join(const std::vector<std::string>& words, size_t from) {
  std::string out;
  for (size_t i = from; i < words.size(); ++i) out += words[i];
  return out;
}

bool IsArticle(std::string_view w) {
  static constexpr std::array<std::string_view, 31> kArticles = {
      "al", "el", "ad", "an",  "ar",  "as", "ash", "at", "az", "ed", "en",
      "er", "es", "ez", "аль", "эль", "ад", "ан",  "ар", "ас", "аш", "ат",
      "аз", "эд", "эн", "эр",  "эс",  "эт", "эз",  "эш", "ал"};
  return std::find(kArticles.begin(), kArticles.end(), w) != kArticles.end();
}

constexpr std::string_view kAl = "ال";

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string BareFromNormalized(std::string_view normalized) {
  std::vector<std::string> words = Words(normalized);
  if (words.empty()) return {};
  if (words.size() >= 2 && IsArticle(words[0])) return Join(words, 1);
  if (words[0].starts_with(kAl) && CodePoints(words[0]) >= 4) words[0].erase(0, kAl.size());
  return Join(words, 0);
}

// Uppercase letters followed by 1-3 lowercase ones (ИГИЛа, ИГИЛом): the uppercase part, else "".
std::string AcronymStem(std::string_view name) {
  const auto* s = reinterpret_cast<const uint8_t*>(name.data());
  const auto n = static_cast<int32_t>(name.size());
  int upper = 0;
  int lower = 0;
  int32_t upper_end = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c >= 0 && u_isupper(c) && lower == 0) {
      ++upper;
      upper_end = i;
    } else if (c >= 0 && u_islower(c) && upper > 0) {
      ++lower;
    } else {
      return {};
    }
  }
  if (upper < 2 || upper > 6 || lower < 1 || lower > 3) return {};
  return std::string(name.substr(0, static_cast<size_t>(upper_end)));
}

}  // namespace

std::string LookupKey(std::string_view name) { return Join(Words(Normalized(name)), 0); }

std::string BareLookupKey(std::string_view name) { return BareFromNormalized(Normalized(name)); }

void NameIndex::Add(std::string_view name, std::uint32_t target, int rank) {
  const std::string normalized = Normalized(name);
  std::string full = Join(Words(normalized), 0);
  if (full.empty()) return;
  ++names_;
  full_[full].push_back({target, rank});
  bare_[BareFromNormalized(normalized)].push_back({target, rank});
  std::string key = PhoneticKey(name);
  if (!key.empty()) phonetic_[std::move(key)].push_back({target, std::string(name)});
}

void NameIndex::Collect(const Map& map, const std::string& key, std::vector<Hit>& out) {
  if (key.empty()) return;
  auto it = map.find(key);
  if (it == map.end()) return;
  for (const Entry& e : it->second) {
    auto same =
        std::find_if(out.begin(), out.end(), [&](const Hit& h) { return h.target == e.target; });
    if (same == out.end()) {
      out.push_back({e.target, e.rank});
    } else {
      same->rank = std::min(same->rank, e.rank);
    }
  }
}

std::vector<NameIndex::Hit> NameIndex::ExactStages(std::string_view normalized) const {
  std::vector<Hit> out;
  Collect(full_, Join(Words(normalized), 0), out);
  if (out.empty()) Collect(bare_, BareFromNormalized(normalized), out);
  return out;
}

std::vector<NameIndex::Hit> NameIndex::Exact(std::string_view name) const {
  const std::string normalized = Normalized(name);
  std::vector<Hit> out = ExactStages(normalized);
  if (out.empty()) {
    // Arabic-script proclitics: و ب ل ف ك, and لل (li + al) -> ال.
    std::string_view rest = normalized;
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    static constexpr std::array<std::string_view, 5> kClitics = {"و", "ب", "ل", "ف", "ك"};
    std::string stripped;
    if (rest.starts_with("لل")) {
      stripped = std::string(kAl) + std::string(rest.substr(std::string_view("لل").size()));
    } else {
      for (std::string_view clitic : kClitics) {
        if (rest.starts_with(clitic)) {
          stripped = std::string(rest.substr(clitic.size()));
          break;
        }
      }
    }
    std::vector<std::string> words = Words(stripped);
    if (!words.empty() && CodePoints(words[0]) >= 3) out = ExactStages(stripped);
  }
  if (out.empty()) {
    const std::string acronym = AcronymStem(name);
    if (!acronym.empty()) Collect(full_, LookupKey(acronym), out);
  }
  std::sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.target < b.target;
  });
  return out;
}

std::vector<NameIndex::SimilarHit> NameIndex::Similar(std::string_view name,
                                                      std::size_t limit) const {
  std::vector<SimilarHit> out;
  const std::string key = PhoneticKey(name);
  if (key.empty()) return out;
  auto it = phonetic_.find(key);
  if (it == phonetic_.end()) return out;
  for (const Spelling& s : it->second) {
    const double score = NameSimilarity(name, s.name);
    if (score < kSameNameThreshold) continue;
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const SimilarHit& h) { return h.target == s.target; });
    if (same == out.end()) {
      out.push_back({s.target, s.name, score});
    } else if (score > same->score) {
      same->name = s.name;
      same->score = score;
    }
  }
  std::sort(out.begin(), out.end(), [](const SimilarHit& a, const SimilarHit& b) {
    return a.score != b.score ? a.score > b.score : a.target < b.target;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace tansiq::text::internal
