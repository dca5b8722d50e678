// Entity extraction from free text (report descriptions, note content, message bodies) in ar,
// fa, ru, en: places (gazetteer), armed groups and organisations (alias registry), persons
// introduced by a title or role, dates (absolute and relative to the publication date) and
// counts. Pure: no I/O; the reference data is passed in.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "text/alias_registry.h"
#include "text/analyzer.h"
#include "text/gazetteer.h"

namespace tansiq::analysis {

struct PlaceMention {
  std::string place_id;     // gazetteer id, e.g. "iq-mosul"
  std::string governorate;  // its governorate id ("" for capitals outside IQ/SY)
  std::string text;         // as written
};

struct GroupMention {
  std::string group_key;  // alias registry key, e.g. "isis"
  std::string canonical;  // e.g. "Islamic State"
  std::string text;       // as written
};

struct PersonMention {
  std::string name;   // as written, without the title
  std::string title;  // the title or role that introduced it, as written
  std::string key;    // text::PhoneticKey(name)
};

struct DateMention {
  int year = 0;  // 0 when the text gave none and no publication date was known
  int month = 0;
  int day = 0;            // 0 when only a month was given
  bool relative = false;  // resolved from "today", "yesterday", a weekday
  std::string text;
  // "YYYY-MM-DD" or "YYYY-MM".
  std::string Iso() const;
};

struct CountMention {
  std::int64_t value = 0;
  std::string what;  // category: "persons", "killed", "wounded", "arrested", "vehicles", "weapons"
  std::string text;
};

struct Extraction {
  std::vector<PlaceMention> places;    // distinct by place_id, in order of first mention
  std::vector<GroupMention> groups;    // distinct by group_key
  std::vector<PersonMention> persons;  // distinct by key
  std::vector<DateMention> dates;      // distinct by Iso()
  std::vector<CountMention> counts;
};

// Compiled lookup tables over the reference data. Immutable after construction; thread-safe.
// Owns copies of what it needs, so the registry and gazetteer may go away afterwards, except
// that PlaceMention lookups keep pointers into `gazetteer` — keep it alive as long as this.
class Extractor {
 public:
  // Either pointer may be null (then that kind of entity is not extracted).
  Extractor(const text::AliasRegistry* aliases, const text::Gazetteer* gazetteer);
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // `published`: the source's publication time (resolves "today", "yesterday", weekdays);
  // 0 when unknown (relative dates are then dropped). `lang` kUnknown: detected per word.
  Extraction Extract(std::string_view text, text::Lang lang, Micros published) const;

  const text::Gazetteer* gazetteer() const { return gazetteer_; }

 private:
  struct Tables;
  const text::Gazetteer* gazetteer_;
  std::unique_ptr<Tables> tables_;
};

// Gregorian date of a Solar Hijri (Persian calendar) date, e.g. 1403-07-15 → 2024-10-06.
void JalaliToGregorian(int jy, int jm, int jd, int* gy, int* gm, int* gd);

}  // namespace tansiq::analysis
