// The brief and trend-alert scheduler: due-logic, per-user briefs, per-watcher trend checks.
#include "analysis/scheduler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>
#include <set>

#include <time.h>

#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include "analysis/brief_text.h"
#include "analysis/trend.h"
#include "stix/markings.h"
#include "stix/timestamp.h"
#include "text/alias_registry.h"
#include "text/analyzer.h"
#include "text/gazetteer.h"

namespace tansiq::analysis {
namespace json = boost::json;

namespace {

constexpr Micros kDay = 86'400'000'000;
constexpr Micros kHour = 3'600'000'000;
constexpr int kTrendDays = 28;  // the window of a trend check: 27 days of baseline and today
constexpr std::size_t kMaxBriefRefs = 20;

Micros DayStart(Micros t) { return t >= 0 ? t / kDay * kDay : (t - kDay + 1) / kDay * kDay; }

std::vector<std::string> StringList(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::value* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& e : v->get_array()) {
      if (e.is_string()) out.emplace_back(e.get_string());
    }
  }
  return out;
}

// The object ids a brief names (urgent messages, both ends of each correlation), in order.
std::vector<std::string> BriefRefs(const json::object& brief) {
  std::vector<std::string> out;
  auto add = [&](const json::value* v) {
    if (v && v->is_string() && std::find(out.begin(), out.end(), v->get_string()) == out.end()) {
      out.emplace_back(v->get_string());
    }
  };
  if (const json::value* s = brief.if_contains("sections"); s && s->is_array()) {
    for (const auto& section : s->get_array()) {
      if (!section.is_object()) continue;
      const json::value* items = section.get_object().if_contains("items");
      if (!items || !items->is_array()) continue;
      for (const auto& item : items->get_array()) {
        if (!item.is_object()) continue;
        const json::object& i = item.get_object();
        const json::value* kind = section.get_object().if_contains("kind");
        if (kind && kind->is_string() && kind->get_string() == "rising") continue;
        add(i.if_contains("id"));
        add(i.if_contains("related"));
      }
    }
  }
  return out;
}

// Whether every section of a brief is empty.
bool EmptyBrief(const json::object& brief) {
  if (const json::value* s = brief.if_contains("sections"); s && s->is_array()) {
    for (const auto& section : s->get_array()) {
      if (!section.is_object()) continue;
      const json::value* items = section.get_object().if_contains("items");
      if (items && items->is_array() && !items->get_array().empty()) return false;
    }
  }
  return true;
}

// The governorate key ("gov:" suffix in the entity keys) of a watched place name; empty when
// the gazetteer does not know it or it has no governorate.
std::string GovernorateOf(const text::Gazetteer* g, const std::string& name) {
  if (!g) return {};
  const text::Place* p = g->Find(name);
  if (!p) return {};
  if (p->kind == text::PlaceKind::kGovernorate) return p->id;
  return p->governorate;
}

std::string PlaceName(const text::Gazetteer* g, const std::string& id, const std::string& lang) {
  if (!g) return id;
  const text::Place* p = g->ById(id);
  return p ? p->Name(text::DetectLang("", lang)) : id;
}

// CPU time of the calling thread in ms: a trend check's cost beside its wall time on a loaded
// machine (its situation queries run on this thread). Measurement only.
double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

std::string Number(const char* format, double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, d);
  return buf;
}

}  // namespace

WatchTargets TrendTargets(const json::object& rule, const text::Gazetteer* gazetteer) {
  WatchTargets out;
  for (const auto& name : StringList(rule, "places")) {
    const std::string gov = GovernorateOf(gazetteer, name);
    if (!gov.empty() && std::find(out.governorates.begin(), out.governorates.end(), gov) ==
                            out.governorates.end()) {
      out.governorates.push_back(gov);
    }
  }
  for (auto& key : StringList(rule, "group_keys")) {
    if (!key.empty() && std::find(out.groups.begin(), out.groups.end(), key) == out.groups.end()) {
      out.groups.push_back(std::move(key));
    }
  }
  return out;
}

std::map<std::string, Trend> RisingKeys(const std::vector<store::SituationCell>& cells, Micros from,
                                        int days) {
  std::map<std::string, std::vector<std::int64_t>> series;
  for (const auto& c : cells) {
    auto& s = series[c.key];
    s.resize(static_cast<std::size_t>(days), 0);
    if (c.bucket < from) continue;
    const auto i = static_cast<std::size_t>((c.bucket - from) / kDay);
    if (i < s.size()) s[i] += c.count;
  }
  std::map<std::string, Trend> rising;
  for (const auto& [key, s] : series) {
    Trend t = DetectTrend(s);
    if (t.rising) rising.emplace(key, t);
  }
  return rising;
}

std::string TrendMarkerKey(std::string_view watch_id, bool group, std::string_view key) {
  return std::string(kTrendSentMetaPrefix) + std::string(watch_id) + "." + (group ? "group:" : "") +
         std::string(key);
}

std::optional<Micros> BriefDueDay(Micros now, int hour, std::optional<Micros> last_sent_day) {
  if (hour < 0 || hour > 23) return std::nullopt;
  const Micros today = DayStart(now);
  if (now < today + hour * kHour) return std::nullopt;
  const Micros due = today - kDay;
  if (last_sent_day && *last_sent_day >= due) return std::nullopt;
  return due;
}

std::string DayName(Micros day_start) { return stix::FormatMicros(day_start).substr(0, 10); }

std::optional<Micros> ParseDayName(std::string_view date) {
  if (date.size() != 10) return std::nullopt;
  auto t = stix::ParseTimestamp(std::string(date) + "T00:00:00Z");
  if (!t.ok()) return std::nullopt;
  return t->micros;
}

Status LoadBriefConfig(hub::Hub& hub, SchedulerOptions& options) {
  const hub::Settings settings = hub.settings();
  options.brief_hour = settings.brief_hour;
  options.brief_roles = settings.brief_roles;
  return Status::Ok();
}

Scheduler::Scheduler(hub::Hub& hub, Service& service, hub::Messenger& messenger,
                     SchedulerOptions options)
    : hub_(hub), service_(service), messenger_(messenger), options_(std::move(options)) {
  for (const auto& r : options_.brief_roles) {
    auto bit = policy::ParseRole(r);
    if (bit.ok()) brief_roles_ |= *bit;
  }
}

Scheduler::~Scheduler() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
  if (subscription_ != 0) hub_.commits().Unsubscribe(subscription_);
}

void Scheduler::Start() {
  subscription_ = hub_.commits().Subscribe([this](const hub::CommitEvent& e) {
    // The Service subscribed first, so what this event stored is analysed by now. The hub's
    // own messages change no count; the empty event is the Service's start-up backfill.
    const bool counts =
        e.objects.empty() || std::any_of(e.objects.begin(), e.objects.end(), [](const auto& o) {
          return o.type != stix::kMessageType && o.type != "marking-definition";
        });
    if (!counts) return;
    MutexLock lock(mu_);
    analysed_ = true;
  });
  if (options_.start_thread) thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Loop() {
  MutexLock lock(mu_);
  while (!stopping_) {
    lock.Unlock();
    Tick();
    lock.Lock();
    const auto deadline = std::chrono::steady_clock::now() + options_.interval;
    while (!stopping_ && wake_.WaitUntil(mu_, deadline)) {
    }
  }
}

Scheduler::TickResult Scheduler::Tick() {
  MutexLock tick(tick_mu_);
  TickResult r;
  const Micros now = hub_.clock().NowMicros();
  r.briefs = SendBriefs(now);
  bool check = false;
  {
    MutexLock lock(mu_);
    if (analysed_ &&
        (last_trend_check_ == 0 || now - last_trend_check_ >= options_.trend_debounce ||
         now < last_trend_check_)) {
      analysed_ = false;
      check = true;
    }
  }
  if (check) {
    last_trend_check_ = now;
    r.alerts = SendTrendAlerts(now);
  }
  return r;
}

bool Scheduler::Stopping() {
  MutexLock lock(mu_);
  return stopping_;
}

Scheduler::Sent Scheduler::SendOnce(hub::HubMessage m, std::string marker, std::string day,
                                    const std::string& what) {
  auto already = std::make_shared<bool>(false);
  m.also = [marker = std::move(marker), day = std::move(day),
            already](store::WriteTxn& txn) -> Status {
    auto claimed = txn.ClaimMeta(marker, day);
    if (!claimed.ok()) return claimed.status();
    if (*claimed) return Status::Ok();
    *already = true;
    return Conflict("sent already");  // rolls the whole send back
  };
  std::promise<Result<std::string>> promise;
  auto future = promise.get_future();
  messenger_.SendFromHub(std::move(m),
                         [&promise](Result<std::string> id) { promise.set_value(std::move(id)); });
  Result<std::string> id = future.get();
  if (id.ok()) return Sent::kSent;
  if (*already) {
    spdlog::info("{}: sent already (by another process on this database)", what);
    return Sent::kAlreadySent;
  }
  spdlog::warn("{}: {}", what, id.status().message());
  return Sent::kFailed;
}

int Scheduler::SendBriefs(Micros now) {
  if (!BriefDueDay(now, options_.brief_hour, std::nullopt)) return 0;  // off, or before the hour
  auto users = hub_.store().Users();
  if (!users.ok()) {
    spdlog::warn("brief: {}", users.status().message());
    return 0;
  }
  const auto started = std::chrono::steady_clock::now();
  int sent = 0;
  for (const store::User& u : *users) {
    if (Stopping()) break;
    if (u.disabled) continue;
    if (brief_roles_ != 0 && (u.roles & brief_roles_) == 0) continue;
    const std::string key = std::string(kBriefSentMetaPrefix) + std::to_string(u.id);
    auto known = brief_sent_.find(u.id);
    if (known == brief_sent_.end()) {
      std::optional<Micros> last;
      auto stored = hub_.store().Meta(key);
      if (!stored.ok()) continue;
      if (stored->has_value()) last = ParseDayName(**stored);
      known = brief_sent_.emplace(u.id, last.value_or(0)).first;
    }
    auto due = BriefDueDay(now, options_.brief_hour,
                           known->second == 0 ? std::nullopt : std::optional(known->second));
    if (!due) continue;
    const policy::Reader reader{u.id, u.name, u.party, u.roles};
    const std::string lang = BriefLanguage(u.lang) ? u.lang : "en";
    auto brief = service_.Brief(reader, *due, lang);
    if (!brief.ok()) {
      spdlog::warn("brief for {}: {}", u.name, brief.status().message());
      continue;
    }
    const std::string date = DayName(*due);
    hub::HubMessage m;
    m.recipients = {u.id};
    m.precedence = dissem::Precedence::kRoutine;
    m.subject = std::string(Text(BriefText::kTitle, lang)) + " " + date;
    if (EmptyBrief(*brief)) m.subject += " — " + std::string(Text(BriefText::kNone, lang));
    if (const json::value* t = brief->if_contains("text"); t && t->is_string()) {
      m.body = std::string(t->get_string());
    }
    m.lang = lang;
    for (auto& id : BriefRefs(*brief)) {
      if (m.object_refs.size() >= kMaxBriefRefs) break;
      if (hub_.store().IsVisible(reader, id)) m.object_refs.push_back(std::move(id));
    }
    // Computed for this reader alone: released to them alone (TLP:RED naming them). Their
    // party's colleagues may see less, and the brief's counts must not reach them.
    m.tlp = stix::Tlp::kRed;
    m.audit_action = "analysis.brief";
    const Sent outcome = SendOnce(std::move(m), key, date, "brief for " + u.name);
    if (outcome != Sent::kFailed) known->second = *due;
    if (outcome == Sent::kSent) ++sent;
  }
  if (sent > 0) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    spdlog::info("daily brief: {} sent, {:.1f} ms", sent, ms);
  }
  return sent;
}

int Scheduler::SendTrendAlerts(Micros now) {
  auto watches = hub_.store().Watches(std::nullopt);
  if (!watches.ok()) {
    spdlog::warn("trend alerts: {}", watches.status().message());
    return 0;
  }
  const auto started = std::chrono::steady_clock::now();
  const double cpu_started = ThreadCpuMs();
  const text::Gazetteer* gazetteer = hub_.gazetteer();
  const text::AliasRegistry* aliases = hub_.aliases();
  const Micros today = DayStart(now);
  const Micros from = today - (kTrendDays - 1) * kDay;
  const std::string date = DayName(today);
  using By = store::SituationQuery::By;
  // One situation query per watcher and dimension (several watches of one user share it).
  std::map<std::pair<std::int64_t, By>, std::map<std::string, Trend>> rising_of;
  std::set<std::int64_t> watchers;
  int sent = 0;
  for (const store::WatchRecord& w : *watches) {
    if (Stopping()) break;
    boost::system::error_code ec;
    json::value v = json::parse(w.json, ec);
    if (ec || !v.is_object()) continue;
    const json::object& rule = v.get_object();
    const WatchTargets targets = TrendTargets(rule, gazetteer);
    if (targets.governorates.empty() && targets.groups.empty()) continue;
    auto user = hub_.store().UserById(w.user_id);
    if (!user.ok() || !user->has_value() || (*user)->disabled) continue;
    const store::User& u = **user;
    const policy::Reader reader{u.id, u.name, u.party, u.roles};
    watchers.insert(u.id);
    // The rising keys of one dimension over what THIS watcher may see, computed once.
    auto rising = [&](By by) -> const std::map<std::string, Trend>* {
      auto cached = rising_of.find({u.id, by});
      if (cached != rising_of.end()) return &cached->second;
      auto counts = hub_.store().Situation(reader, {from, today + kDay, kDay, by});
      if (!counts.ok()) {
        spdlog::warn("trend alerts for {}: {}", u.name, counts.status().message());
        return nullptr;
      }
      return &rising_of.emplace(std::pair{u.id, by}, RisingKeys(counts->cells, from, kTrendDays))
                  .first->second;
    };
    dissem::Precedence precedence = dissem::Precedence::kPriority;
    if (const json::value* p = rule.if_contains("precedence"); p && p->is_string()) {
      auto parsed = dissem::ParsePrecedence(p->get_string());
      // The watch's own precedence when it is higher (a watch left at routine: PRIORITY).
      if (parsed.ok() && dissem::Index(*parsed) < dissem::Index(precedence)) precedence = *parsed;
    }
    const std::string lang = BriefLanguage(u.lang) ? u.lang : "en";
    auto alert = [&](By by, const std::string& key) {
      const std::map<std::string, Trend>* r = rising(by);
      if (!r) return;
      auto it = r->find(key);
      if (it == r->end()) return;
      const bool group = by == By::kGroup;
      const std::string marker = TrendMarkerKey(w.id, group, key);
      auto stored = hub_.store().Meta(marker);
      if (!stored.ok() || (stored->has_value() && **stored == date)) return;
      std::string name = key;
      if (group) {
        if (auto g = aliases ? aliases->ById(key) : std::nullopt) name = aliases->NameIn(*g, lang);
      } else {
        name = PlaceName(gazetteer, key, lang);
      }
      const Trend& t = it->second;
      hub::HubMessage m;
      m.recipients = {u.id};
      m.precedence = precedence;
      m.subject.append(Text(group ? BriefText::kRisingGroups : BriefText::kRising, lang))
          .append(": ")
          .append(name);
      m.body.append(name)
          .append(": ")
          .append(std::to_string(t.current))
          .append(" ")
          .append(Text(BriefText::kReports, lang))
          .append(" ")
          .append(date)
          .append(" (")
          .append(Number("%.2f", t.baseline))
          .append("/d, p=")
          .append(Number("%.2g", t.p_value))
          .append(")");
      m.lang = lang;
      m.tlp = stix::Tlp::kRed;  // counted over what this watcher sees: theirs alone
      m.audit_action = "analysis.trend";
      if (SendOnce(std::move(m), marker, date, "trend alert " + w.id + " " + key) == Sent::kSent) {
        ++sent;
      }
    };
    for (const auto& gov : targets.governorates) alert(By::kPlace, gov);
    for (const auto& key : targets.groups) alert(By::kGroup, key);
  }
  if (!watchers.empty()) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    spdlog::info(
        "trend check: {} watcher(s) with places or groups, {} quer(ies), {} alert(s), "
        "{:.1f} ms, {:.1f} ms CPU",
        watchers.size(), rising_of.size(), sent, ms, ThreadCpuMs() - cpu_started);
  }
  return sent;
}

}  // namespace tansiq::analysis
