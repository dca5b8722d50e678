// Gazetteer: TSV parsing, validation, name index and radius search.
#include "text/gazetteer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <utility>

namespace tansiq::text {
namespace {

constexpr std::string_view kColumns[] = {"id", "lat", "lon", "kind", "country", "governorate",
                                         "en", "ar",  "fa",  "ru",   "source"};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) return out;
    s.remove_prefix(p + 1);
  }
}

std::string_view Trim(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

Status LineError(std::size_t line, std::string_view what) {
  return InvalidArgument("places:" + std::to_string(line) + ": " + std::string(what));
}

bool ParseDouble(std::string_view s, double& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

bool ValidId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// capital < city < governorate < country
int Rank(PlaceKind k) { return static_cast<int>(k); }

}  // namespace

std::string_view PlaceKindName(PlaceKind kind) {
  switch (kind) {
    case PlaceKind::kCapital:
      return "capital";
    case PlaceKind::kCity:
      return "city";
    case PlaceKind::kGovernorate:
      return "governorate";
    case PlaceKind::kCountry:
      return "country";
  }
  return "";
}

const std::vector<std::string>& Place::Names(Lang lang) const {
  switch (lang) {
    case Lang::kAr:
      return ar;
    case Lang::kFa:
      return fa;
    case Lang::kRu:
      return ru;
    case Lang::kEn:
    case Lang::kUnknown:
      break;
  }
  return en;
}

Result<Gazetteer> Gazetteer::Parse(std::string_view tsv) {
  Gazetteer g;
  std::unordered_map<std::string_view, std::size_t> column;  // name -> index
  std::size_t header_fields = 0;
  std::vector<std::size_t> lines;  // line of each place
  std::size_t line_no = 0;
  std::string_view rest = tsv;
  while (!rest.empty()) {
    const std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    const std::vector<std::string_view> fields = Split(line, '\t');
    if (column.empty()) {
      header_fields = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!column.emplace(Trim(fields[i]), i).second) {
          return LineError(line_no, "duplicate column \"" + std::string(Trim(fields[i])) + "\"");
        }
      }
      for (std::string_view c : kColumns) {
        if (!column.contains(c)) {
          return LineError(line_no, "header lacks column \"" + std::string(c) + "\"");
        }
      }
      continue;
    }
    if (fields.size() != header_fields) {
      return LineError(line_no, "expected " + std::to_string(header_fields) + " fields, got " +
                                    std::to_string(fields.size()));
    }
    auto field = [&](std::string_view name) { return Trim(fields[column.at(name)]); };
    Place p;
    p.id = field("id");
    if (!ValidId(p.id)) return LineError(line_no, "bad id \"" + p.id + "\"");
    const std::string_view kind = field("kind");
    if (kind == "capital") {
      p.kind = PlaceKind::kCapital;
    } else if (kind == "city") {
      p.kind = PlaceKind::kCity;
    } else if (kind == "governorate") {
      p.kind = PlaceKind::kGovernorate;
    } else if (kind == "country") {
      p.kind = PlaceKind::kCountry;
    } else {
      return LineError(line_no, "kind must be capital|city|governorate|country, got \"" +
                                    std::string(kind) + "\"");
    }
    p.country = field("country");
    if (p.country.size() != 2 || !std::all_of(p.country.begin(), p.country.end(),
                                              [](char c) { return c >= 'A' && c <= 'Z'; })) {
      return LineError(line_no, "country must be an ISO 3166-1 alpha-2 code");
    }
    p.governorate = field("governorate");
    if (!ParseDouble(field("lat"), p.lat) || p.lat < -90 || p.lat > 90) {
      return LineError(line_no, "bad latitude");
    }
    if (!ParseDouble(field("lon"), p.lon) || p.lon < -180 || p.lon > 180) {
      return LineError(line_no, "bad longitude");
    }
    for (auto [lang, names] : {std::pair<std::string_view, std::vector<std::string>*>{"en", &p.en},
                               {"ar", &p.ar},
                               {"fa", &p.fa},
                               {"ru", &p.ru}}) {
      for (std::string_view n : Split(field(lang), '|')) {
        n = Trim(n);
        if (n.empty()) {
          return LineError(line_no, "empty name in column \"" + std::string(lang) + "\"");
        }
        if (std::find(names->begin(), names->end(), n) == names->end()) names->emplace_back(n);
      }
    }
    p.source = field("source");
    if (p.source.empty()) return LineError(line_no, "empty source");
    if (!g.by_id_.emplace(p.id, g.places_.size()).second) {
      return LineError(line_no, "duplicate id \"" + p.id + "\"");
    }
    g.places_.push_back(std::move(p));
    lines.push_back(line_no);
  }
  if (column.empty()) return InvalidArgument("places: no header line");

  for (std::size_t i = 0; i < g.places_.size(); ++i) {
    const Place& p = g.places_[i];
    if (p.kind == PlaceKind::kGovernorate || p.kind == PlaceKind::kCountry) {
      if (!p.governorate.empty()) {
        return LineError(lines[i],
                         "a " + std::string(PlaceKindName(p.kind)) + " has no governorate");
      }
    } else if (!p.governorate.empty()) {
      const Place* gov = g.ById(p.governorate);
      if (gov == nullptr || gov->kind != PlaceKind::kGovernorate || gov->country != p.country) {
        return LineError(
            lines[i], "governorate \"" + p.governorate + "\" is not a governorate of " + p.country);
      }
    } else if (p.country == "IQ" || p.country == "SY") {
      return LineError(lines[i], "a town in " + p.country + " needs its governorate");
    }
    const auto target = static_cast<std::uint32_t>(i);
    for (const auto* names : {&p.en, &p.ar, &p.fa, &p.ru}) {
      for (const std::string& n : *names) g.index_.Add(n, target, Rank(p.kind));
    }
  }
  return g;
}

const Place* Gazetteer::ById(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &places_[it->second];
}

std::vector<const Place*> Gazetteer::FindAll(std::string_view name) const {
  std::vector<const Place*> out;
  for (const internal::NameIndex::Hit& h : index_.Exact(name)) out.push_back(&places_[h.target]);
  return out;
}

const Place* Gazetteer::Find(std::string_view name) const {
  const std::vector<internal::NameIndex::Hit> hits = index_.Exact(name);
  if (hits.empty()) return nullptr;
  if (hits.size() > 1 && hits[1].rank == hits[0].rank) return nullptr;  // ambiguous
  return &places_[hits.front().target];
}

std::vector<PlaceMatch> Gazetteer::FindSimilar(std::string_view name, std::size_t limit) const {
  std::vector<PlaceMatch> out;
  for (internal::NameIndex::SimilarHit& h : index_.Similar(name, limit)) {
    out.push_back({&places_[h.target], std::move(h.name), h.score});
  }
  return out;
}

double Gazetteer::DistanceKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * kRad;
  const double dlon = (lon2 - lon1) * kRad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

std::vector<PlaceDistance> Gazetteer::Within(double lat, double lon, double radius_km) const {
  std::vector<PlaceDistance> out;
  for (const Place& p : places_) {
    const double km = DistanceKm(lat, lon, p.lat, p.lon);
    if (km <= radius_km) out.push_back({&p, km});
  }
  std::sort(out.begin(), out.end(), [](const PlaceDistance& a, const PlaceDistance& b) {
    return a.km != b.km ? a.km < b.km : a.place->id < b.place->id;
  });
  return out;
}

}  // namespace tansiq::text
