// The hub's settings: one struct, read from the bootstrap TOML by `tansiq init`, kept in the
// database (meta "settings", one JSON document) and read once when the hub opens; `tansiq
// serve` flags are layered on top (Hub::set_settings). hub/, server/ and analysis/ read them
// only through Hub::settings(). docs/configuration.md lists every key.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tansiq::hub {

// A value type; copied freely.
struct Settings {
  // [dissemination]: how long a FLASH / IMMEDIATE recipient has to acknowledge (0: no
  // deadline).
  std::chrono::seconds flash_ack{10 * 60};
  std::chrono::seconds immediate_ack{30 * 60};
  // [webhooks] allow: URL prefixes webhooks may post to; empty: webhooks disabled.
  std::vector<std::string> webhook_allow;
  // [analysis]: the UTC hour (0-23) of the daily brief, -1 for none; who gets it (role names;
  // empty: every enabled user).
  int brief_hour = -1;
  std::vector<std::string> brief_roles;
  // [search]: visible matches counted before a total becomes "N or more", and the matches
  // ranked fully by BM25 (store::SearchQuery). At least 1.
  std::size_t search_total_bound = store::SearchQuery::kDefaultTotalBound;
  std::size_t search_rank_window = store::SearchQuery::kDefaultRankWindow;

  bool operator==(const Settings&) const = default;
};

// Meta key of the settings document.
inline constexpr std::string_view kSettingsMeta = "settings";

// The settings as the JSON document kept in meta "settings".
std::string SettingsToJson(const Settings& settings);

// The settings of the hub in `store`: meta "settings"; for a hub created before it existed,
// the separate meta keys older versions kept (dissemination.flash_ack_seconds, ...); absent
// keys keep their defaults. InvalidArgument when a stored value is malformed.
Result<Settings> LoadSettings(store::Store& store);

}  // namespace tansiq::hub
