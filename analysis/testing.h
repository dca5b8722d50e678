// Test helpers shared by analysis/ unit tests: the repository's reference data, loaded once.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/extract.h"
#include "text/alias_registry.h"
#include "text/gazetteer.h"

namespace tansiq::analysis::testing {

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// data/aliases/*.jsonl and data/gazetteer/places.tsv of the source tree (TANSIQ_DATA_DIR).
inline const text::AliasRegistry& Aliases() {
  static const text::AliasRegistry* r = [] {
    std::vector<std::string> texts, names;
    for (const auto& e :
         std::filesystem::directory_iterator(std::string(TANSIQ_DATA_DIR) + "/aliases")) {
      if (e.path().extension() != ".jsonl") continue;
      texts.push_back(ReadAll(e.path()));
      names.push_back(e.path().filename().string());
    }
    std::vector<text::AliasFile> files;
    for (std::size_t i = 0; i < texts.size(); ++i) files.push_back({names[i], texts[i]});
    auto parsed = text::AliasRegistry::Parse(files);
    return new text::AliasRegistry(parsed.ok() ? std::move(*parsed) : text::AliasRegistry());
  }();
  return *r;
}

inline const text::Gazetteer& Places() {
  static const text::Gazetteer* g = [] {
    auto parsed =
        text::Gazetteer::Parse(ReadAll(std::string(TANSIQ_DATA_DIR) + "/gazetteer/places.tsv"));
    return new text::Gazetteer(parsed.ok() ? std::move(*parsed) : text::Gazetteer());
  }();
  return *g;
}

// An Extractor over Aliases() and Places(), built once (never destroyed: tests share it).
inline const Extractor& TheExtractor() {
  static const Extractor* e = new Extractor(&Aliases(), &Places());
  return *e;
}

}  // namespace tansiq::analysis::testing
