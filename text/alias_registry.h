// The alias registry: names of one armed group / organisation / actor across languages and
// scripts (داعش = ISIS = ISIL = Daesh = ИГИЛ = الدولة الإسلامية), parsed from the JSON Lines files
// in data/aliases/. Pure: the caller reads the files and passes their contents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "text/internal/name_index.h"

namespace tansiq::text {

// Index of a group inside one AliasRegistry (0 .. size()-1). Not stable across data versions:
// persist Key(), not GroupId.
using GroupId = std::uint32_t;

// One input file: `name` is only used in error messages ("curated.jsonl:12: ...").
struct AliasFile {
  std::string_view name;
  std::string_view text;
};

struct AliasName {
  std::string name;
  std::string
      lang;  // BCP 47 primary subtag from the data ("en", "ar", "fa", "ru"), "und" if unknown
};

struct AliasMatch {
  GroupId group;
  std::string name;  // the registry spelling that matched
  double score;      // NameSimilarity in [kSameNameThreshold, 1]
};

// Data format (one JSON object per line; blank lines and lines starting with '#' are ignored):
//   {"id": "isis", "canonical": "Islamic State",
//    "names": {"en": ["ISIS", ...], "ar": ["داعش", ...], "fa": [...], "ru": [...]},
//    "source": "curated", "same_as": ["misp-galaxy:terrorist-groups.json:<uuid>"]}
// `id`, `canonical`, `names` (language -> non-empty array of non-empty strings) and `source` are
// required; `same_as` (ids of other records, in any of the files) is optional and merges those
// records into one group. Unknown fields, duplicate ids and unknown same_as ids are errors.
// A merged group takes id and canonical name from its first curated record (source "curated"),
// else from its first record; its names are the union (canonical first, then in file order).
//
// Lookup: Find matches a name through internal::LookupKey (Analyzer::Normalize, letters and
// digits only), so case, diacritics, hamza/alef/yeh/kaf/teh-marbuta forms, ZWNJ, spaces,
// hyphens and quotes never matter; then without a leading article (al-, аль-, ال), without an
// Arabic proclitic (و ب ل ف ك), and an acronym without its Russian case ending (ИГИЛа). When a
// name belongs to several groups the best-ranked wins: the group's canonical name, then a name
// listed by a curated record, then a MISP-derived name; a tie at the best rank is ambiguous
// (Find returns nullopt, FindAll returns all). FindSimilar adds transliteration variants through
// PhoneticKey/NameSimilarity (text/name_key.h).
//
// Thread-safety: immutable after Parse; every method is const and safe to call concurrently.
class AliasRegistry {
 public:
  static Result<AliasRegistry> Parse(std::span<const AliasFile> files);
  static Result<AliasRegistry> Parse(std::string_view jsonl);

  std::optional<GroupId> Find(std::string_view name) const;
  // Every group the name reaches exactly, best-ranked first.
  std::vector<GroupId> FindAll(std::string_view name) const;
  // Groups with a name that is the same name in another spelling (see SameName), best first.
  std::vector<AliasMatch> FindSimilar(std::string_view name, std::size_t limit = 10) const;
  // The group a record id (its own or any merged record's) belongs to.
  std::optional<GroupId> ById(std::string_view id) const;
  // The one group a name given by a person (a watch rule, any script) stands for: Find, else a
  // record id (a group key, as the situation picture shows it). NotFound when nothing matches;
  // InvalidArgument naming the candidates when the name reaches several groups at one rank.
  Result<GroupId> Resolve(std::string_view name) const;
  // The group's first name listed in `lang` ("ar", "fa", "ru", "en"), else its canonical name.
  const std::string& NameIn(GroupId id, std::string_view lang) const;

  std::size_t size() const { return groups_.size(); }
  // Distinct names over all groups.
  std::size_t name_count() const { return name_count_; }

  const std::string& Key(GroupId id) const { return groups_.at(id).id; }
  const std::string& Canonical(GroupId id) const { return groups_.at(id).canonical; }
  // Every distinct spelling, canonical first.
  const std::vector<std::string>& Names(GroupId id) const { return groups_.at(id).names; }
  const std::vector<AliasName>& NamesWithLang(GroupId id) const {
    return groups_.at(id).names_with_lang;
  }
  // Sources of the merged records ("curated", "misp-galaxy:<file>:<uuid>"), first record first.
  const std::vector<std::string>& Sources(GroupId id) const { return groups_.at(id).sources; }

 private:
  struct Group {
    std::string id;
    std::string canonical;
    std::vector<std::string> names;
    std::vector<AliasName> names_with_lang;
    std::vector<AliasName> first_in_lang;  // the first name listed in each language
    std::vector<std::string> sources;
  };

  std::vector<Group> groups_;
  std::unordered_map<std::string, GroupId> by_id_;
  internal::NameIndex index_;
  std::size_t name_count_ = 0;
};

}  // namespace tansiq::text
