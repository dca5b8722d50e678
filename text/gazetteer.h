// The gazetteer: governorates and main towns of Iraq and Syria (plus neighbouring capitals) with
// names in ar, fa, ru, en and coordinates, parsed from data/gazetteer/places.tsv. Pure: the
// caller reads the file and passes its contents.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "text/analyzer.h"
#include "text/internal/name_index.h"

namespace tansiq::text {

enum class PlaceKind { kCapital, kCity, kGovernorate, kCountry };

// "capital", "city", "governorate", "country".
std::string_view PlaceKindName(PlaceKind kind);

struct Place {
  std::string id;  // e.g. "sy-deir-ez-zor", "iq-gov-nineveh"
  PlaceKind kind;
  std::string country;      // ISO 3166-1 alpha-2: "IQ", "SY", ...
  std::string governorate;  // id of the governorate for towns in IQ/SY, else ""
  double lat;               // decimal degrees, WGS 84
  double lon;
  std::vector<std::string> en, ar, fa, ru;  // first = display form, then variants
  std::string source;                       // e.g. "curated, approximate"

  // Names in one language (kUnknown: en).
  const std::vector<std::string>& Names(Lang lang) const;
  // Display name in one language (first of Names).
  const std::string& Name(Lang lang) const { return Names(lang).front(); }
};

struct PlaceDistance {
  const Place* place;
  double km;
};

struct PlaceMatch {
  const Place* place;
  std::string name;  // the gazetteer spelling that matched
  double score;      // NameSimilarity in [kSameNameThreshold, 1]
};

// Data format: UTF-8 TSV; lines starting with '#' and blank lines ignored; the first other line is
// the header naming the columns (any order; extra columns are ignored):
//   id kind country governorate lat lon en ar fa ru source
// kind is capital|city|governorate|country; names are '|'-separated variants, each language
// non-empty; governorate is required for towns in IQ and SY and must name a governorate row of
// the same country; governorate and country rows leave it empty. Ids are unique [a-z0-9-]. Errors
// name the line.
//
// Find matches through internal::LookupKey like AliasRegistry::Find (case, diacritics, Arabic/
// Persian letter forms, spaces, hyphens, a leading article: "Deir ez-Zor", "دير الزور",
// "دیرالزور", "Дейр-эз-Зор" meet). A name shared by a town and its governorate (Aleppo) finds
// the town: capital before city before governorate before country; two places of the same kind
// sharing the name are ambiguous (Find: nullptr; FindAll: both).
//
// Thread-safety: immutable after Parse, all methods const, safe to share. Returned pointers stay
// valid as long as this Gazetteer (moving it keeps them valid).
class Gazetteer {
 public:
  static Result<Gazetteer> Parse(std::string_view tsv);

  const Place* Find(std::string_view name) const;
  std::vector<const Place*> FindAll(std::string_view name) const;
  // Transliteration variants through PhoneticKey/NameSimilarity, best first.
  std::vector<PlaceMatch> FindSimilar(std::string_view name, std::size_t limit = 10) const;
  const Place* ById(std::string_view id) const;
  // Places within radius_km of (lat, lon), nearest first (great-circle distance).
  std::vector<PlaceDistance> Within(double lat, double lon, double radius_km) const;

  const std::vector<Place>& places() const { return places_; }
  std::size_t size() const { return places_.size(); }

  // Haversine distance in km on a sphere of radius 6371.0088 km.
  static double DistanceKm(double lat1, double lon1, double lat2, double lon2);

 private:
  std::vector<Place> places_;
  std::unordered_map<std::string, std::size_t> by_id_;
  internal::NameIndex index_;
};

}  // namespace tansiq::text
