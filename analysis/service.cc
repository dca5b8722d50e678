// The analysis service: correlator on the commit feed, and the per-reader reads.
#include "analysis/service.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "analysis/brief_text.h"
#include "analysis/derive.h"
#include "analysis/trend.h"
#include "hub/messages.h"
#include "hub/read.h"
#include "stix/identifier.h"
#include "stix/timestamp.h"

namespace tansiq::analysis {
namespace json = boost::json;

namespace {

constexpr Micros kDay = 86'400'000'000;

// Types that are plumbing, not intelligence: never analysed.
bool Skipped(std::string_view type) {
  return type == "marking-definition" || type == "extension-definition" || type == "relationship" ||
         type == "sighting" || type == "language-content";
}

// Documents whose extracted entities become derived STIX objects.
bool Document(std::string_view type) {
  return type == "report" || type == "note" || type == "opinion" || type == "incident" ||
         type == "grouping";
}

std::string PlaceName(const text::Gazetteer* g, const std::string& id, const std::string& lang) {
  if (!g) return id;
  const text::Place* p = g->ById(id);
  return p ? p->Name(text::DetectLang("", lang)) : id;
}

}  // namespace

Service::Service(hub::Hub& hub) : hub_(hub), derived_key_(hub.key().DeriveKey("derived-ids")) {}

const Extractor& Service::extractor() {
  std::call_once(extractor_once_, [this] {
    extractor_ = std::make_unique<Extractor>(hub_.aliases(), hub_.gazetteer());
  });
  return *extractor_;
}

void Service::Start(const std::shared_ptr<Service>& self) {
  (void)self->extractor();  // build the tables before the first event, not during it
  std::weak_ptr<Service> weak = self;
  self->hub_.commits().Subscribe([weak](const hub::CommitEvent& e) {
    auto s = weak.lock();
    if (!s) return;
    // The start-up backfill (queued below, in commit order), or the feed's gap marker after
    // an overflow: either way, whatever is stored but not analysed is found in the store.
    if (e.objects.empty()) {
      auto n = s->Backfill();
      if (!n.ok()) spdlog::warn("analysis backfill: {}", n.status().message());
      if (n.ok() && *n > 0) spdlog::info("analysis: {} stored objects analysed", *n);
      return;
    }
    Status st = s->Handle(e);
    if (!st.ok()) spdlog::warn("analysis: {}", st.message());
  });
  self->hub_.commits().Publish(hub::CommitEvent{});
}

Result<std::size_t> Service::Backfill() {
  const std::string hub_identity = hub_.directory()->hub_identity;
  std::size_t total = 0;
  std::string after;  // ids ascending: an object Handle does not record is passed once
  for (;;) {
    auto rows = hub_.store().Unanalysed(hub_identity, kFactsVersion, after, 500);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return total;
    after = rows->back().version.id;
    hub::CommitEvent event;
    for (auto& r : *rows) {
      auto head = hub_.store().Head(r.version.id);
      if (!head.ok()) return head.status();
      if (!head->has_value()) continue;
      boost::system::error_code ec;
      json::value v = json::parse(r.version.json, ec);
      if (ec || !v.is_object()) continue;
      hub::StoredObject so;
      so.id = r.version.id;
      so.type = r.version.type;
      so.collection_id = r.collection_id;
      so.version = r.version.version;
      so.date_added = r.version.date_added;
      so.search = stix::ExtractSearchText(v.get_object());
      so.json = std::move(r.version.json);
      so.releasability = (*head)->releasability;
      so.refs = std::move(r.version.refs);
      event.objects.push_back(std::move(so));
    }
    if (event.objects.empty()) continue;
    TANSIQ_RETURN_IF_ERROR(Handle(event));
    total += event.objects.size();
  }
}

Status Service::Handle(const hub::CommitEvent& event) {
  const Extractor& ex = extractor();
  auto dir = hub_.directory();
  struct Work {
    store::AnalysisRecord record;
    std::vector<DerivedObject> derived;
    const hub::StoredObject* source;
  };
  std::vector<Work> work;
  for (const auto& so : event.objects) {
    if (Skipped(so.type)) continue;
    if (!dir->hub_identity.empty() && so.search.created_by_ref == dir->hub_identity) continue;
    boost::system::error_code ec;
    json::value v = json::parse(so.json, ec);
    if (ec || !v.is_object()) continue;
    ObjectFacts f = Analyse(v.get_object(), so.search, so.version, ex, hub_.aliases());
    Work w;
    w.record = {so.id, so.type, f.name.empty() ? so.id : f.name, f.at, 0, f.keys, kFactsVersion};
    if (Document(so.type) && !dir->hub_identity.empty()) {
      w.derived = Derive(f, v.get_object(), dir->hub_identity, hub_.gazetteer(), derived_key_);
    }
    w.source = &so;
    work.push_back(std::move(w));
  }
  if (work.empty()) return Status::Ok();
  auto job = [&](store::WriteTxn& txn) -> Status {
    std::vector<audit::Entry> audit;
    for (const auto& w : work) {
      // Only the version that governs now is analysed: an event for one that a newer version,
      // a late older one or a deletion has displaced since would put keys and derived objects
      // of text (and releasability) that no longer govern. Its successor's event follows.
      auto source = txn.GetHead(w.source->id);
      if (!source.ok()) return source.status();
      if (!source->has_value() || (*source)->latest_version != w.source->version) continue;
      TANSIQ_RETURN_IF_ERROR(txn.PutAnalysis(w.record));
      for (const auto& d : w.derived) {
        auto head = txn.GetHead(d.id);
        if (!head.ok()) return head.status();
        // Derived ids come from the source id; anything else holding one is left alone.
        if (head->has_value() &&
            (*head)->releasability.originator != w.source->releasability.originator) {
          continue;
        }
        store::NewVersion nv;
        nv.collection_id = w.source->collection_id;
        nv.id = d.id;
        nv.type = d.type;
        nv.spec_version = "2.1";
        const std::string version(d.json.at("modified").as_string());
        auto t = stix::ParseTimestamp(version);
        if (!t.ok()) continue;
        nv.version = t->micros;
        nv.version_text = version;
        nv.json = json::serialize(d.json);
        nv.refs = d.refs;
        nv.gate_refs = d.gate_refs;
        nv.releasability = (*source)->releasability;  // exactly the source's, never wider
        nv.derived_from = w.source->id;  // withdrawn when another version of it governs
        nv.search = stix::ExtractSearchText(d.json);
        auto put = txn.PutVersion(nv);
        if (!put.ok()) return put.status();
        if (!put->duplicate) audit.push_back({"-", "-", "analysis.derive", d.id, "ok"});
      }
    }
    if (audit.empty()) return Status::Ok();
    return hub_.auditor().Append(txn, audit);
  };
  return hub_.store().Write(job);
}

Result<std::string> Service::ObjectJson(const policy::Reader& reader, const std::string& id) {
  if (!stix::IsValidIdentifier(id)) return InvalidArgument("not a STIX identifier: " + id);
  auto dir = hub_.directory();
  store::VersionFilter filter;
  filter.ids = {id};
  filter.which = store::VersionFilter::Which::kLast;
  std::optional<store::VersionRow> best;
  for (const auto& c : dir->collections) {
    if (!hub::CanAccessCollection(reader, c)) continue;
    auto page =
        hub::ReadVersions(hub_, reader, c, filter, std::nullopt, 1, hub::ReadPurpose::kContent);
    if (!page.ok()) return page.status();
    for (auto& row : page->rows) {
      if (!best || row.version > best->version) best = std::move(row);
    }
  }
  if (!best) return NotFound("no such object: " + id);
  return std::move(best->json);
}

Result<std::vector<RelatedObject>> Service::Related(const policy::Reader& reader,
                                                    const std::string& id, std::size_t limit) {
  if (!stix::IsValidIdentifier(id)) return InvalidArgument("not a STIX identifier: " + id);
  store::Store& store = hub_.store();
  if (!store.IsVisible(reader, id)) return NotFound("no such object: " + id);
  auto rec = store.Analysis(id);
  if (!rec.ok()) return rec.status();
  std::vector<RelatedObject> out;
  if (!rec->has_value()) return out;
  const store::AnalysisRecord& start = **rec;
  struct Query {
    std::string key;
    bool near;
  };
  std::vector<Query> queries;
  std::set<std::string> own(start.keys.begin(), start.keys.end());
  for (const auto& k : start.keys) queries.push_back({k, false});
  // Places within kNearKm of a place the object names.
  if (const text::Gazetteer* g = hub_.gazetteer()) {
    for (const auto& k : start.keys) {
      if (k.rfind(kPlacePrefix, 0) != 0) continue;
      const text::Place* p = g->ById(k.substr(kPlacePrefix.size()));
      if (!p || p->kind == text::PlaceKind::kGovernorate) continue;
      for (const auto& d : g->Within(p->lat, p->lon, kNearKm)) {
        if (d.place->kind == text::PlaceKind::kGovernorate) continue;
        std::string nk = std::string(kPlacePrefix) + d.place->id;
        if (own.insert(nk).second) queries.push_back({nk, true});
      }
    }
  }
  std::unordered_map<std::string, RelatedObject> candidates;
  for (const auto& q : queries) {
    auto postings = store.Postings(reader, q.key, kFanOut);
    if (!postings.ok()) return postings.status();
    if (postings->more) continue;  // too common for this reader to link on
    std::size_t df = postings->ids.size() + (q.near ? 1 : 0);  // the start object counts
    const double w = KeyWeight(q.key, df, q.near);
    for (const auto& other : postings->ids) {
      if (other == id) continue;
      RelatedObject& r = candidates[other];
      r.id = other;
      r.score += w;
      r.reasons.push_back(Reason(q.key, q.near));
    }
  }
  // A shared time window adds to other reasons (never links on its own).
  for (auto& [other, r] : candidates) {
    auto o = store.Analysis(other);
    if (!o.ok()) return o.status();
    if (o->has_value() && std::llabs((*o)->at - start.at) <= kTimeWindow) {
      r.score += kTimeBonus;
      r.reasons.push_back("time:±3d");
    }
  }
  for (auto& [other, r] : candidates) {
    if (r.score >= kMinLinkScore) out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const RelatedObject& a, const RelatedObject& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  if (out.size() > limit) out.resize(limit);
  for (auto& r : out) r.score = std::round(r.score * 1000) / 1000;
  return out;
}

Result<Graph> Service::GraphOf(const policy::Reader& reader, const std::string& id, int depth) {
  depth = std::clamp(depth, 1, kMaxGraphDepth);
  Graph g;
  std::set<std::string> seen{id};
  std::set<std::pair<std::string, std::string>> edges;
  std::vector<std::string> frontier{id};
  std::vector<std::string> order{id};
  for (int level = 0; level < depth && !frontier.empty(); ++level) {
    std::vector<std::string> next;
    for (const auto& node : frontier) {
      auto rel = Related(reader, node, kGraphFanOut);
      if (!rel.ok()) {
        if (node == id) return rel.status();  // 404 for an invisible start
        continue;
      }
      for (auto& r : *rel) {
        if (!seen.count(r.id)) {
          if (seen.size() >= kMaxGraphNodes) continue;
          seen.insert(r.id);
          order.push_back(r.id);
          next.push_back(r.id);
        }
        auto key = std::minmax(node, r.id);
        if (edges.insert({key.first, key.second}).second) {
          g.edges.push_back({node, r.id, r.score, std::move(r.reasons)});
        }
      }
    }
    frontier = std::move(next);
  }
  for (const auto& n : order) {
    auto rec = hub_.store().Analysis(n);
    if (!rec.ok()) return rec.status();
    if (rec->has_value()) {
      g.nodes.push_back({n, (*rec)->type, (*rec)->name});
    } else {
      g.nodes.push_back({n, std::string(stix::IdentifierType(n)), n});
    }
  }
  return g;
}

Result<json::object> Service::Situation(const policy::Reader& reader, const SituationRequest& r) {
  if (r.to <= r.from) return InvalidArgument("'to' must be after 'from'");
  if (r.bucket <= 0) return InvalidArgument("bucket must be positive");
  store::Store& store = hub_.store();
  auto dir = hub_.directory();
  auto query = [&](store::SituationQuery::By by, Micros from, Micros bucket) {
    return store.Situation(reader, {from, r.to, bucket, by});
  };
  auto main = query(r.by, r.from, r.bucket);
  if (!main.ok()) return main.status();
  auto name_of = [&](store::SituationQuery::By by, const std::string& key) -> std::string {
    switch (by) {
      case store::SituationQuery::By::kPlace:
        return PlaceName(hub_.gazetteer(), key, r.lang);
      case store::SituationQuery::By::kGroup:
        if (const text::AliasRegistry* a = hub_.aliases()) {
          // In the reader's language where the registry has it (NameIn falls back).
          if (auto g = a->ById(key)) return a->NameIn(*g, r.lang);
          if (auto g = a->Find(key)) return a->NameIn(*g, r.lang);
        }
        return key;
      case store::SituationQuery::By::kParty: {
        const store::Party* p = dir->PartyByIndex(std::atoi(key.c_str()));
        return p ? p->code : key;
      }
      case store::SituationQuery::By::kType:
        return key;
    }
    return key;
  };
  json::object out;
  out["total"] = main->total;
  json::array cells;
  for (const auto& c : main->cells) {
    std::string key = r.by == store::SituationQuery::By::kParty ? name_of(r.by, c.key) : c.key;
    cells.push_back(
        json::object{{"key", key}, {"bucket", stix::FormatMicros(c.bucket)}, {"count", c.count}});
  }
  out["cells"] = std::move(cells);
  // Per-governorate totals with coordinates, for the map.
  auto places = r.by == store::SituationQuery::By::kPlace && r.bucket >= r.to - r.from
                    ? main
                    : query(store::SituationQuery::By::kPlace, r.from, r.to - r.from);
  if (!places.ok()) return places.status();
  std::map<std::string, std::int64_t> per_place;
  for (const auto& c : places->cells) per_place[c.key] += c.count;
  json::array place_list;
  for (const auto& [key, count] : per_place) {
    json::object p{
        {"key", key}, {"name", PlaceName(hub_.gazetteer(), key, r.lang)}, {"count", count}};
    if (const text::Gazetteer* g = hub_.gazetteer()) {
      if (const text::Place* pl = g->ById(key)) {
        p["lat"] = pl->lat;
        p["lon"] = pl->lon;
      }
    }
    place_list.push_back(std::move(p));
  }
  out["places"] = std::move(place_list);
  // Trends per place and group: daily series over the window, the last day under test.
  json::array trends;
  const Micros day_from = r.to - std::max<Micros>(1, (r.to - r.from + kDay - 1) / kDay) * kDay;
  for (auto by : {store::SituationQuery::By::kPlace, store::SituationQuery::By::kGroup}) {
    auto daily = query(by, day_from, kDay);
    if (!daily.ok()) return daily.status();
    // Sparse: per key, the sum over the earlier days and the last day's count — work follows
    // the cells the reader sees, never the number of days in the window.
    const Micros last_day = r.to - kDay;
    struct Series {
      std::int64_t earlier = 0, current = 0;
    };
    std::map<std::string, Series> series;
    for (const auto& c : daily->cells) {
      auto& s = series[c.key];
      (c.bucket >= last_day ? s.current : s.earlier) += c.count;
    }
    const std::int64_t earlier_days = (last_day - day_from) / kDay;
    for (const auto& [key, s] : series) {
      Trend t = DetectTrend(s.earlier, earlier_days, s.current);
      if (!t.rising) continue;
      trends.push_back(
          json::object{{"kind", by == store::SituationQuery::By::kPlace ? "place" : "group"},
                       {"key", key},
                       {"name", name_of(by, key)},
                       {"day", stix::FormatMicros(r.to - kDay)},
                       {"current", t.current},
                       {"baseline", std::round(t.baseline * 1000) / 1000},
                       {"p", t.p_value}});
    }
  }
  out["trends"] = std::move(trends);
  return out;
}

Result<json::object> Service::Brief(const policy::Reader& reader, Micros day,
                                    const std::string& lang) {
  const std::string l = BriefLanguage(lang) ? lang : "en";
  json::object out;
  out["date"] = stix::FormatMicros(day).substr(0, 10);
  out["lang"] = l;
  out["title"] = Text(BriefText::kTitle, l);
  json::array sections;
  std::string plain =
      std::string(Text(BriefText::kTitle, l)) + " " + stix::FormatMicros(day).substr(0, 10) + "\n";
  // 1. New FLASH/IMMEDIATE messages to the reader sent that day (their own inbox).
  json::array urgent;
  plain += "\n" + std::string(Text(BriefText::kUrgent, l)) + "\n";
  auto inbox = hub_.store().Inbox(reader.user_id, false, 500, 0);
  if (!inbox.ok()) return inbox.status();
  for (const auto& e : *inbox) {
    const auto& m = e.message;
    if (m.precedence > 1 || m.sent_at < day || m.sent_at >= day + kDay) continue;
    boost::system::error_code ec;
    json::value body = json::parse(m.json, ec);
    std::string subject;
    if (hub::WithdrawnFrom(hub_, reader, m)) {
      subject = std::string(hub::kWithdrawnSubject);  // its text named a recalled object
    } else if (!ec && body.is_object()) {
      if (const auto* sv = body.as_object().if_contains("subject"); sv && sv->is_string()) {
        subject = std::string(sv->get_string());
      }
    }
    const char* precedence = m.precedence == 0 ? "flash" : "immediate";
    urgent.push_back(json::object{{"id", m.id},
                                  {"precedence", precedence},
                                  {"subject", subject},
                                  {"sent_at", stix::FormatMicros(m.sent_at)}});
    plain += "  [" + std::string(m.precedence == 0 ? "FLASH" : "IMMEDIATE") + "] " + subject + "\n";
  }
  if (urgent.empty()) plain += "  " + std::string(Text(BriefText::kNone, l)) + "\n";
  sections.push_back(json::object{
      {"kind", "urgent"}, {"title", Text(BriefText::kUrgent, l)}, {"items", std::move(urgent)}});
  // 2. Strongest new correlations among what the reader may see that arrived that day.
  auto fresh = hub_.store().AnalysedBetween(reader, day, day + kDay, 50);  // kFreshScan
  if (!fresh.ok()) return fresh.status();
  struct Pair {
    std::string a, a_name, b;
    RelatedObject r;
  };
  std::vector<Pair> pairs;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& rec : *fresh) {
    auto rel = Related(reader, rec.id, 3);
    if (!rel.ok()) continue;
    for (auto& r : *rel) {
      auto key = std::minmax(rec.id, r.id);
      if (!seen.insert({key.first, key.second}).second) continue;
      pairs.push_back({rec.id, rec.name, r.id, std::move(r)});
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const Pair& x, const Pair& y) { return x.r.score > y.r.score; });
  if (pairs.size() > 5) pairs.resize(5);
  json::array corr;
  plain += "\n" + std::string(Text(BriefText::kCorrelations, l)) + "\n";
  for (const auto& p : pairs) {
    auto other = hub_.store().Analysis(p.b);
    std::string other_name = other.ok() && other->has_value() ? (*other)->name : p.b;
    json::array reasons;
    std::string why;
    for (const auto& x : p.r.reasons) {
      reasons.push_back(json::value(x));
      why += (why.empty() ? "" : ", ") + x;
    }
    corr.push_back(json::object{{"id", p.a},
                                {"name", p.a_name},
                                {"related", p.b},
                                {"related_name", other_name},
                                {"score", p.r.score},
                                {"reasons", std::move(reasons)}});
    plain += "  " + p.a_name + " ↔ " + other_name + " (" + why + ")\n";
  }
  if (pairs.empty()) plain += "  " + std::string(Text(BriefText::kNone, l)) + "\n";
  sections.push_back(json::object{{"kind", "correlations"},
                                  {"title", Text(BriefText::kCorrelations, l)},
                                  {"new_objects", static_cast<std::int64_t>(fresh->size())},
                                  {"items", std::move(corr)}});
  // 3. Places and groups with rising activity (four weeks of baseline).
  SituationRequest sr;
  sr.from = day - 27 * kDay;
  sr.to = day + kDay;
  sr.bucket = kDay;
  sr.lang = l;
  auto situation = Situation(reader, sr);
  if (!situation.ok()) return situation.status();
  json::array rising = situation->at("trends").as_array();
  plain += "\n" + std::string(Text(BriefText::kRising, l)) + "\n";
  for (const auto& t : rising) {
    const auto& o = t.as_object();
    plain += "  " + std::string(o.at("name").as_string()) + ": " +
             std::to_string(o.at("current").as_int64()) + "\n";
  }
  if (rising.empty()) plain += "  " + std::string(Text(BriefText::kNone, l)) + "\n";
  sections.push_back(json::object{
      {"kind", "rising"}, {"title", Text(BriefText::kRising, l)}, {"items", std::move(rising)}});
  // How many new objects the reader may see arrived that day, under the title (capped by the
  // scan: "50+").
  constexpr std::size_t kFreshScan = 50;
  const std::string count =
      std::to_string(fresh->size()) + (fresh->size() >= kFreshScan ? "+" : "");
  plain.insert(plain.find('\n') + 1,
               count + " " + std::string(Text(BriefText::kReports, l)) + "\n");
  out["sections"] = std::move(sections);
  out["text"] = plain;
  return out;
}

}  // namespace tansiq::analysis
