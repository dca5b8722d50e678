// Tests for the gazetteer: the committed data (data/gazetteer/places.tsv) parses, covers every
// governorate of Iraq and Syria in four languages inside the country, lookups across scripts hit
// one place, radius search, parse errors.
#include "text/gazetteer.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace tansiq::text {
namespace {

Gazetteer Load(const std::string& file) {
  std::ifstream in(std::string(TANSIQ_DATA_DIR) + "/gazetteer/" + file, std::ios::binary);
  EXPECT_TRUE(in.good()) << file;
  std::stringstream ss;
  ss << in.rdbuf();
  Result<Gazetteer> r = Gazetteer::Parse(ss.str());
  EXPECT_TRUE(r.ok()) << file << ": " << r.status().message();
  return r.ok() ? std::move(r).value() : Gazetteer();
}

const Gazetteer& Places() {
  static const Gazetteer* g = new Gazetteer(Load("places.tsv"));
  return *g;
}

const Gazetteer& Countries() {
  static const Gazetteer* g = new Gazetteer(Load("countries.tsv"));
  return *g;
}

std::string IdOf(std::string_view name) {
  const Place* p = Places().Find(name);
  return p ? p->id : "<none>";
}

struct Box {
  double lat_min, lat_max, lon_min, lon_max;
};
// Generous bounding boxes of the countries.
constexpr Box kIraq{29.0, 37.4, 38.7, 48.7};
constexpr Box kSyria{32.3, 37.4, 35.6, 42.5};

bool Inside(const Place& p, const Box& b) {
  return p.lat >= b.lat_min && p.lat <= b.lat_max && p.lon >= b.lon_min && p.lon <= b.lon_max;
}

TEST(GazetteerData, Parses) {
  const Gazetteer& g = Places();
  int gov = 0, city = 0, capital = 0;
  for (const Place& p : g.places()) {
    gov += p.kind == PlaceKind::kGovernorate;
    city += p.kind == PlaceKind::kCity;
    capital += p.kind == PlaceKind::kCapital;
  }
  std::printf("gazetteer: %zu places (%d governorates, %d cities, %d capitals)\n", g.size(), gov,
              city, capital);
  EXPECT_EQ(gov, 33);
  EXPECT_GE(city + capital, 80);
}

TEST(GazetteerData, CountriesAcrossScripts) {
  const Gazetteer& g = Countries();
  EXPECT_GE(g.size(), 20u);
  for (const Place& p : g.places()) {
    EXPECT_EQ(p.kind, PlaceKind::kCountry) << p.id;
    EXPECT_TRUE(p.governorate.empty()) << p.id;
  }
  // Short names whose name keys are too short to meet across scripts.
  for (const auto& [id, names] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"ru", {"Russia", "روسيا", "روسیه", "Россия", "Российская Федерация"}},
           {"ir", {"Iran", "إيران", "ايران", "ایران", "Иран"}},
           {"iq", {"Iraq", "العراق", "عراق", "Ирак"}},
           {"sy", {"Syria", "سوريا", "سورية", "سوریه", "Сирия"}},
           {"tr", {"Türkiye", "Turkey", "تركيا", "ترکیه", "Турция"}}}) {
    for (const auto& n : names) {
      const Place* p = g.Find(n);
      EXPECT_TRUE(p != nullptr && p->id == id) << n;
    }
  }
  EXPECT_EQ(g.Find("us"), nullptr);  // the English pronoun names no country
}

TEST(GazetteerData, EveryGovernorateInFourLanguagesInsideItsCountry) {
  const std::vector<std::string_view> iraq = {
      "baghdad", "nineveh",      "basra", "erbil",    "kirkuk", "anbar",   "salah-al-din",
      "najaf",   "karbala",      "babil", "wasit",    "maysan", "dhi-qar", "qadisiyyah",
      "diyala",  "sulaymaniyah", "duhok", "muthanna", "halabja"};
  const std::vector<std::string_view> syria = {
      "damascus", "rif-dimashq", "aleppo",      "homs",    "hama",  "latakia", "tartus",
      "idlib",    "raqqa",       "deir-ez-zor", "hasakah", "daraa", "suwayda", "quneitra"};
  ASSERT_EQ(iraq.size(), 19u);  // 18 + Halabja
  ASSERT_EQ(syria.size(), 14u);
  for (const auto& [prefix, ids, box] :
       {std::tuple{"iq-gov-", iraq, kIraq}, std::tuple{"sy-gov-", syria, kSyria}}) {
    for (std::string_view id : ids) {
      const Place* p = Places().ById(std::string(prefix) + std::string(id));
      ASSERT_NE(p, nullptr) << prefix << id;
      EXPECT_EQ(p->kind, PlaceKind::kGovernorate);
      for (Lang lang : {Lang::kEn, Lang::kAr, Lang::kFa, Lang::kRu}) {
        EXPECT_FALSE(p->Names(lang).empty()) << p->id << " " << LangCode(lang);
      }
      EXPECT_TRUE(Inside(*p, box)) << p->id;
      // Each governorate is found by its display name in every language.
      for (Lang lang : {Lang::kEn, Lang::kAr, Lang::kFa, Lang::kRu}) {
        EXPECT_EQ(IdOf(p->Name(lang)), p->id) << p->Name(lang);
      }
    }
  }
}

TEST(GazetteerData, EveryTownInsideItsCountryAndGovernorate) {
  for (const Place& p : Places().places()) {
    if (p.country == "IQ") {
      EXPECT_TRUE(Inside(p, kIraq)) << p.id;
    }
    if (p.country == "SY") {
      EXPECT_TRUE(Inside(p, kSyria)) << p.id;
    }
    if (p.kind != PlaceKind::kGovernorate && (p.country == "IQ" || p.country == "SY")) {
      const Place* gov = Places().ById(p.governorate);
      ASSERT_NE(gov, nullptr) << p.id;
      // Towns lie within ~250 km of their governorate's reference point.
      EXPECT_LT(Gazetteer::DistanceKm(p.lat, p.lon, gov->lat, gov->lon), 250) << p.id;
    }
  }
}

TEST(GazetteerData, DeirEzZorInFourLanguages) {
  for (std::string_view name :
       {"Deir ez-Zor", "دير الزور", "دیرالزور", "Дейр-эз-Зор", "deir ezzor", "DEIR EZ-ZOR",
        "Dayr az-Zawr", "دير الزّور", "ديرالزور", "Дейр эз-Зор", "بدير الزور"}) {
    EXPECT_EQ(IdOf(name), "sy-deir-ez-zor") << name;
  }
  EXPECT_EQ(IdOf("محافظة دير الزور"), "sy-gov-deir-ez-zor");
  EXPECT_EQ(IdOf("Deir ez-Zor Governorate"), "sy-gov-deir-ez-zor");
  EXPECT_EQ(IdOf("استان دیرالزور"), "sy-gov-deir-ez-zor");
  const std::vector<const Place*> all = Places().FindAll("Deir ez-Zor");
  ASSERT_EQ(all.size(), 2u);  // the city first, then its governorate
  EXPECT_EQ(all[0]->id, "sy-deir-ez-zor");
  EXPECT_EQ(all[1]->id, "sy-gov-deir-ez-zor");
  const Place* p = Places().Find("Дейр-эз-Зор");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->country, "SY");
  EXPECT_EQ(p->governorate, "sy-gov-deir-ez-zor");
  EXPECT_EQ(p->kind, PlaceKind::kCity);
  EXPECT_NEAR(p->lat, 35.34, 0.2);
  EXPECT_NEAR(p->lon, 40.14, 0.2);
}

TEST(GazetteerData, CrossScriptTowns) {
  for (std::string_view n : {"Mosul", "الموصل", "موصل", "Мосул", "Al-Mawsil"}) {
    EXPECT_EQ(IdOf(n), "iq-mosul") << n;
  }
  for (std::string_view n : {"Al-Bukamal", "Abu Kamal", "البوكمال", "ابوکمال", "Абу-Кемаль"}) {
    EXPECT_EQ(IdOf(n), "sy-abu-kamal") << n;
  }
  for (std::string_view n : {"Palmyra", "Tadmur", "تدمر", "Пальмира"}) {
    EXPECT_EQ(IdOf(n), "sy-palmyra") << n;
  }
  for (std::string_view n : {"Kobani", "Kobane", "عين العرب", "کوبانی"}) {
    EXPECT_EQ(IdOf(n), "sy-kobani") << n;
  }
  EXPECT_EQ(IdOf("Al-Qa'im"), "iq-al-qaim");
  EXPECT_EQ(IdOf("al qaim"), "iq-al-qaim");
  EXPECT_EQ(IdOf("Mayadin"), "sy-mayadin");
  EXPECT_EQ(IdOf("ميادين"), "sy-mayadin");
  EXPECT_EQ(IdOf("Тегеран"), "ir-tehran");
  EXPECT_EQ(IdOf("طهران"), "ir-tehran");
  EXPECT_EQ(IdOf("تهران"), "ir-tehran");
  // Town before its governorate; the governorate by its own name.
  EXPECT_EQ(IdOf("Aleppo"), "sy-aleppo");
  EXPECT_EQ(IdOf("Baghdad"), "iq-baghdad");
  EXPECT_EQ(Places().Find("Baghdad")->kind, PlaceKind::kCapital);
  EXPECT_EQ(IdOf("Nineveh"), "iq-gov-nineveh");
  EXPECT_EQ(IdOf("الأنبار"), "iq-gov-anbar");
  EXPECT_EQ(IdOf("Halabja Governorate"), "iq-gov-halabja");
  EXPECT_EQ(Places().Find("Atlantis"), nullptr);
}

TEST(GazetteerData, FindSimilar) {
  const std::vector<PlaceMatch> m = Places().FindSimilar("Deir el-Zor");
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(m.front().place->id.find("deir-ez-zor") != std::string::npos, true);
}

TEST(GazetteerData, Within) {
  const Place* baghdad = Places().ById("iq-baghdad");
  ASSERT_NE(baghdad, nullptr);
  const std::vector<PlaceDistance> near = Places().Within(baghdad->lat, baghdad->lon, 40);
  ASSERT_FALSE(near.empty());
  EXPECT_EQ(near.front().place->id, "iq-baghdad");
  EXPECT_DOUBLE_EQ(near.front().km, 0);
  auto has = [&](std::string_view id) {
    return std::any_of(near.begin(), near.end(),
                       [&](const PlaceDistance& d) { return d.place->id == id; });
  };
  EXPECT_TRUE(has("iq-abu-ghraib"));
  EXPECT_FALSE(has("iq-mosul"));
  for (std::size_t i = 1; i < near.size(); ++i) EXPECT_LE(near[i - 1].km, near[i].km);
  // Baghdad - Mosul is about 350 km.
  const Place* mosul = Places().ById("iq-mosul");
  const double km = Gazetteer::DistanceKm(baghdad->lat, baghdad->lon, mosul->lat, mosul->lon);
  EXPECT_GT(km, 330);
  EXPECT_LT(km, 370);
  EXPECT_TRUE(Places().Within(0, 0, 100).empty());
}

// --- Format ---------------------------------------------------------------------------------

constexpr std::string_view kHeader =
    "id\tkind\tcountry\tgovernorate\tlat\tlon\ten\tar\tfa\tru\tsource\n";

TEST(GazetteerParse, SmallFile) {
  const std::string tsv = "# comment\n" + std::string(kHeader) +
                          "sy-gov-x\tgovernorate\tSY\t\t35\t38\tX Gov|X\tاكس\tاکس\tИкс\tc\r\n"
                          "sy-x\tcity\tSY\tsy-gov-x\t35.1\t38.1\tX\tاكس\tاکس\tИкс\tc\n";
  Result<Gazetteer> r = Gazetteer::Parse(tsv);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ(r->Find("x")->id, "sy-x");
  EXPECT_EQ(r->Find("X Gov")->id, "sy-gov-x");
  EXPECT_EQ(r->ById("sy-x")->Name(Lang::kFa), "اکس");
  EXPECT_EQ(r->ById("sy-x")->source, "c");
}

TEST(GazetteerParse, Errors) {
  auto error = [](std::string_view rows) {
    Result<Gazetteer> r = Gazetteer::Parse(std::string(kHeader) + std::string(rows));
    EXPECT_FALSE(r.ok()) << rows;
    return r.ok() ? std::string() : r.status().message();
  };
  const std::string gov = "iq-gov-a\tgovernorate\tIQ\t\t33\t44\tA\tا\tا\tА\tc\n";
  EXPECT_EQ(error("x\ttown\tIQ\t\t33\t44\tA\tا\tا\tА\tc\n"),
            "places:2: kind must be capital|city|governorate|country, got \"town\"");
  EXPECT_EQ(error(gov + "iq\tcountry\tIQ\tiq-gov-a\t33\t44\tIraq\tالعراق\tعراق\tИрак\tc\n"),
            "places:3: a country has no governorate");
  EXPECT_EQ(error("x\tcity\tIQ\tiq-gov-a\t33\t44\n"), "places:2: expected 11 fields, got 6");
  EXPECT_EQ(error(gov + "x\tcity\tIQ\tiq-gov-a\tnorth\t44\tA\tا\tا\tА\tc\n"),
            "places:3: bad latitude");
  EXPECT_EQ(error(gov + "x\tcity\tIQ\tiq-gov-b\t33\t44\tA\tا\tا\tА\tc\n"),
            "places:3: governorate \"iq-gov-b\" is not a governorate of IQ");
  EXPECT_EQ(error(gov + "x\tcity\tIQ\t\t33\t44\tA\tا\tا\tА\tc\n"),
            "places:3: a town in IQ needs its governorate");
  EXPECT_EQ(error(gov + gov), "places:3: duplicate id \"iq-gov-a\"");
  EXPECT_EQ(error(gov + "x\tcity\tIQ\tiq-gov-a\t33\t44\tA||B\tا\tا\tА\tc\n"),
            "places:3: empty name in column \"en\"");
  EXPECT_EQ(error("X\tcity\tiq\tiq-gov-a\t33\t44\tA\tا\tا\tА\tc\n"), "places:2: bad id \"X\"");
  Result<Gazetteer> no_col = Gazetteer::Parse("id\tkind\n");
  ASSERT_FALSE(no_col.ok());
  EXPECT_EQ(no_col.status().message(), "places:1: header lacks column \"lat\"");
  EXPECT_FALSE(Gazetteer::Parse("").ok());
}

}  // namespace
}  // namespace tansiq::text
