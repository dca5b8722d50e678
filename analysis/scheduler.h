// Delivery of analysis to people (issue 5): the daily brief as a ROUTINE message at a configured
// UTC hour, and trend alerts to the watchers of a place or group whose activity rises against
// its own baseline. Driven by the hub's Clock (tests move it, nothing sleeps on it); sends through
// hub::Messenger::SendFromHub, with a durable "sent" marker in the same transaction as the
// message, so each brief and each alert goes out exactly once, across restarts.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json/object.hpp>

#include "analysis/service.h"
#include "analysis/trend.h"
#include "base/mutex.h"
#include "hub/admin.h"
#include "hub/messages.h"
#include "store/store.h"
#include "text/gazetteer.h"

namespace tansiq::analysis {

// Per-user and per-(watch, place or group) markers: the UTC date (YYYY-MM-DD) last sent.
inline constexpr std::string_view kBriefSentMetaPrefix = "analysis.brief_sent.";
inline constexpr std::string_view kTrendSentMetaPrefix = "analysis.trend_sent.";

// What a watch rule (its stored JSON) asks the trend check to watch. Pure.
struct WatchTargets {
  std::vector<std::string> governorates;  // `places` as governorate ids (a town: its own)
  std::vector<std::string> groups;        // `group_keys`: alias-registry keys
};
WatchTargets TrendTargets(const boost::json::object& rule, const text::Gazetteer* gazetteer);

// The keys whose daily series (cells of a by-day situation query from `from`, `days` days)
// rise on the last day (DetectTrend). Pure.
std::map<std::string, Trend> RisingKeys(const std::vector<store::SituationCell>& cells, Micros from,
                                        int days);

// The meta key marking that watch `watch_id` was alerted about a governorate (`group` false)
// or a group: "analysis.trend_sent.<watch>.<governorate>" / "….<watch>.group:<key>".
std::string TrendMarkerKey(std::string_view watch_id, bool group, std::string_view key);

// The due-logic of the daily brief. Pure. The brief for UTC day D−1 is due from `hour`:00 UTC on
// day D until the end of day D; before the hour nothing is due (yesterday's brief is not sent
// late after midnight: the next one is hours away). Returns the start of the day whose brief
// is due, or nullopt: hour outside 0..23 (off), before the hour, or `last_sent_day` (start of
// the day last briefed) already that day or later.
std::optional<Micros> BriefDueDay(Micros now, int hour, std::optional<Micros> last_sent_day);

// "2026-11-28" ↔ the start of that UTC day.
std::string DayName(Micros day_start);
std::optional<Micros> ParseDayName(std::string_view date);

struct SchedulerOptions {
  int brief_hour = -1;                   // UTC hour 0..23; -1: no briefs
  std::vector<std::string> brief_roles;  // role names; empty: every enabled user
  // How often the scheduler wakes (briefs due, and trend checks when something was analysed).
  std::chrono::milliseconds interval{1000};
  // Trend checks run at most once per this much hub-clock time, and only after new objects
  // were analysed (debounce: a burst of reports costs one check).
  Micros trend_debounce = 30'000'000;
  bool start_thread = true;  // false: the caller drives Tick() (tests)
};

// Takes the brief configuration from the hub's settings (Hub::settings: [analysis] brief_hour
// and brief_roles, with `tansiq serve --brief-hour` layered on top).
Status LoadBriefConfig(hub::Hub& hub, SchedulerOptions& options);

// One per server process. Thread-safe. Created after the Service and the Messenger (which must
// outlive it) and destroyed before them: the destructor stops the thread and waits for sends.
class Scheduler {
 public:
  Scheduler(hub::Hub& hub, Service& service, hub::Messenger& messenger, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Subscribes to the hub's commits (after the Service, so it sees analysed objects) and
  // starts the timer thread. Call once.
  void Start();

  struct TickResult {
    int briefs = 0;  // briefs sent (durable) in this tick
    int alerts = 0;  // trend alerts sent (durable)
  };
  // Sends every brief that is due and, when something was analysed and the debounce allows,
  // every new trend alert. Blocks until what it sent is durable. The timer calls it.
  TickResult Tick();

 private:
  int SendBriefs(Micros now) TANSIQ_REQUIRES(tick_mu_);
  int SendTrendAlerts(Micros now);
  // Sends and waits until durable. `marker` = `day` is claimed in the message's transaction:
  // when it is set already (another process sent it first), nothing is sent.
  enum class Sent { kSent, kAlreadySent, kFailed };
  Sent SendOnce(hub::HubMessage m, std::string marker, std::string day, const std::string& what);
  void Loop();
  bool Stopping();  // the destructor has begun: a long tick ends early

  hub::Hub& hub_;
  Service& service_;
  hub::Messenger& messenger_;
  const SchedulerOptions options_;
  std::uint32_t brief_roles_ = 0;  // role bits of options_.brief_roles; 0: everyone

  Mutex tick_mu_;                                                          // one Tick at a time
  std::map<std::int64_t, Micros> brief_sent_ TANSIQ_GUARDED_BY(tick_mu_);  // user → day last sent
  Micros last_trend_check_ TANSIQ_GUARDED_BY(tick_mu_) = 0;                // hub clock

  Mutex mu_;
  CondVar wake_;
  bool stopping_ TANSIQ_GUARDED_BY(mu_) = false;
  bool analysed_ TANSIQ_GUARDED_BY(mu_) = true;  // new objects since the last trend check
  std::size_t subscription_ = 0;
  std::thread thread_;
};

}  // namespace tansiq::analysis
