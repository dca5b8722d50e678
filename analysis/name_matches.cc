// The names two objects share across spellings and scripts, for the correlation view
// (Service::NameMatches): every name-like word of each object's text gets its name key, as the
// search index and the correlator compute them (text::Analyzer, NameKeys::kNameLike), and
// words of the two sides that are the same name (text::SameName) are paired by key.
#include <algorithm>
#include <map>
#include <set>

#include <boost/json/parse.hpp>

#include "analysis/service.h"
#include "text/analyzer.h"
#include "text/name_key.h"

namespace tansiq::analysis {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxWordsPerSide = 32;  // per key: enough to mark every spelling

struct Side {
  std::map<std::string, std::set<std::string>> words_by_key;  // key -> words as written
  std::set<std::string> exact;                                // normalised words
};

Side NameWords(const std::string& object_json) {
  Side side;
  boost::system::error_code ec;
  json::value v = json::parse(object_json, ec);
  if (ec || !v.is_object()) return side;
  const json::object& o = v.get_object();
  std::optional<std::string_view> lang;
  if (auto* l = o.if_contains("lang"); l && l->is_string()) lang = l->get_string();
  static const text::Analyzer analyzer;
  std::vector<text::IndexWord> words;
  for (const char* field : {"name", "description", "content"}) {
    const json::value* f = o.if_contains(field);
    if (!f || !f->is_string()) continue;
    const std::string_view s = f->get_string();
    analyzer.AnalyzeForIndex(s, text::DetectLang(s, lang), text::NameKeys::kNameLike, words);
    for (const auto& w : words) {
      if (w.alternative || w.end > s.size() || w.start >= w.end) continue;
      side.exact.insert(std::string(w.exact));
      if (w.name_key.empty()) continue;
      auto& list = side.words_by_key[std::string(w.name_key)];
      if (list.size() < kMaxWordsPerSide)
        list.insert(std::string(s.substr(w.start, w.end - w.start)));
    }
  }
  return side;
}

}  // namespace

Result<std::vector<NameMatch>> Service::NameMatches(const policy::Reader& reader,
                                                    const std::string& a, const std::string& b) {
  auto ja = ObjectJson(reader, a);
  if (!ja.ok()) return ja.status();
  auto jb = ObjectJson(reader, b);
  if (!jb.ok()) return jb.status();
  const Side sa = NameWords(*ja);
  const Side sb = NameWords(*jb);
  std::vector<NameMatch> out;
  for (const auto& [key, words_a] : sa.words_by_key) {
    auto it = sb.words_by_key.find(key);
    if (it == sb.words_by_key.end()) continue;
    NameMatch m{key, {}, {}};
    std::set<std::string> a_used, b_used;
    for (const auto& wa : words_a) {
      for (const auto& wb : it->second) {
        if (!text::SameName(wa, wb)) continue;
        a_used.insert(wa);
        b_used.insert(wb);
      }
    }
    // A pair only of words both sides write alike adds nothing to the shared words.
    const bool differs = std::any_of(a_used.begin(), a_used.end(),
                                     [&](const std::string& w) { return !b_used.contains(w); });
    if (a_used.empty() || !differs) continue;
    m.a.assign(a_used.begin(), a_used.end());
    m.b.assign(b_used.begin(), b_used.end());
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace tansiq::analysis
