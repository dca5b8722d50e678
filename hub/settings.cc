// The settings document in meta "settings", and the separate meta keys of older hubs.
#include "hub/settings.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace tansiq::hub {
namespace json = boost::json;
namespace {

Result<std::optional<std::int64_t>> LegacyNumber(store::Store& store, std::string_view key) {
  auto v = store.Meta(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<std::int64_t>();
  try {
    return std::optional<std::int64_t>(std::stoll(**v));
  } catch (const std::exception&) {
    return InvalidArgument("meta " + std::string(key) + " is not a number");
  }
}

// Hubs created before meta "settings": one meta key per setting.
Result<Settings> LoadLegacy(store::Store& store) {
  Settings s;
  auto flash = LegacyNumber(store, "dissemination.flash_ack_seconds");
  if (!flash.ok()) return flash.status();
  if (*flash) s.flash_ack = std::chrono::seconds(**flash);
  auto immediate = LegacyNumber(store, "dissemination.immediate_ack_seconds");
  if (!immediate.ok()) return immediate.status();
  if (*immediate) s.immediate_ack = std::chrono::seconds(**immediate);
  auto hour = LegacyNumber(store, "analysis.brief_hour");
  if (!hour.ok()) return hour.status();
  if (*hour) s.brief_hour = static_cast<int>(**hour);
  for (auto [key, field] : {std::pair{"search.total_bound", &s.search_total_bound},
                            std::pair{"search.rank_window", &s.search_rank_window}}) {
    auto n = LegacyNumber(store, key);
    if (!n.ok()) return n.status();
    if (*n && **n >= 1) *field = static_cast<std::size_t>(**n);
  }
  auto roles = store.Meta("analysis.brief_roles");
  if (!roles.ok()) return roles.status();
  if (roles->has_value()) {
    std::string_view rest = **roles;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view role = rest.substr(0, comma);
      if (!role.empty()) s.brief_roles.emplace_back(role);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  auto allow = store.Meta("webhooks.allow");
  if (!allow.ok()) return allow.status();
  if (allow->has_value()) {
    boost::system::error_code ec;
    json::value v = json::parse(**allow, ec);
    if (ec || !v.is_array()) return InvalidArgument("meta webhooks.allow is not a JSON array");
    for (const auto& e : v.get_array()) {
      if (e.is_string()) s.webhook_allow.emplace_back(e.get_string());
    }
  }
  return s;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

std::string SettingsToJson(const Settings& s) {
  return json::serialize(json::object{
      {"flash_ack_seconds", s.flash_ack.count()},
      {"immediate_ack_seconds", s.immediate_ack.count()},
      {"webhook_allow", Strings(s.webhook_allow)},
      {"brief_hour", s.brief_hour},
      {"brief_roles", Strings(s.brief_roles)},
      {"search_total_bound", s.search_total_bound},
      {"search_rank_window", s.search_rank_window},
  });
}

Result<Settings> LoadSettings(store::Store& store) {
  auto stored = store.Meta(kSettingsMeta);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return LoadLegacy(store);
  boost::system::error_code ec;
  json::value v = json::parse(**stored, ec);
  if (ec || !v.is_object()) return InvalidArgument("meta settings is not a JSON object");
  const json::object& o = v.get_object();
  Settings s;
  auto number = [&o](std::string_view key) -> std::optional<std::int64_t> {
    const json::value* n = o.if_contains(key);
    if (n && n->is_int64()) return n->get_int64();
    if (n && n->is_uint64()) return static_cast<std::int64_t>(n->get_uint64());
    return std::nullopt;
  };
  auto strings = [&o](std::string_view key) {
    std::vector<std::string> out;
    if (const json::value* a = o.if_contains(key); a && a->is_array()) {
      for (const auto& e : a->get_array()) {
        if (e.is_string()) out.emplace_back(e.get_string());
      }
    }
    return out;
  };
  if (auto n = number("flash_ack_seconds")) s.flash_ack = std::chrono::seconds(*n);
  if (auto n = number("immediate_ack_seconds")) s.immediate_ack = std::chrono::seconds(*n);
  if (auto n = number("brief_hour")) s.brief_hour = static_cast<int>(*n);
  if (auto n = number("search_total_bound"); n && *n >= 1) {
    s.search_total_bound = static_cast<std::size_t>(*n);
  }
  if (auto n = number("search_rank_window"); n && *n >= 1) {
    s.search_rank_window = static_cast<std::size_t>(*n);
  }
  s.webhook_allow = strings("webhook_allow");
  s.brief_roles = strings("brief_roles");
  return s;
}

}  // namespace tansiq::hub
