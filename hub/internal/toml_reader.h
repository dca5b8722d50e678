// Strict, typed reads of the bootstrap TOML (`tansiq init --config`): every error is
// "file:line: what", unknown keys get a "did you mean". Shared by hub/admin.cc and the
// [[peer]] tables (hub/internal/peer_toml.cc).
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "base/status.h"

namespace tansiq::hub::internal {

// Edit distance, for "did you mean" on unknown keys.
std::size_t Distance(std::string_view a, std::string_view b);

// Typed, strict reads of the bootstrap file; every error is "file:line: what".
struct TomlReader {
  std::string source;

  Status Bad(const toml::node& n, const std::string& what) const {
    return InvalidArgument(source + ":" + std::to_string(n.source().begin.line) + ": " + what);
  }
  // Every key of `table` is one of `known`.
  Status Keys(const toml::table& table, std::string_view section,
              std::initializer_list<std::string_view> known) const {
    for (auto&& [key, value] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      std::string msg =
          section.empty() ? "unknown section or key '" + std::string(key.str()) + "'"
                          : std::string(section) + ": unknown key '" + std::string(key.str()) + "'";
      for (std::string_view k : known) {
        if (Distance(k, key.str()) <= 2) {
          msg += " (did you mean '" + std::string(k) + "'?)";
          break;
        }
      }
      msg += "; known: ";
      for (std::string_view k : known)
        msg += std::string(k) + (k == *(known.end() - 1) ? "" : ", ");
      return InvalidArgument(source + ":" + std::to_string(key.source().begin.line) + ": " + msg);
    }
    return Status::Ok();
  }
  Status String(const toml::table& t, std::string_view section, std::string_view key,
                std::string* out, bool required = false) const {
    const toml::node* n = t.get(key);
    if (!n)
      return required ? Bad(t, std::string(section) + ": " + std::string(key) + " is required")
                      : Status::Ok();
    if (!n->is_string())
      return Bad(*n, std::string(section) + ": " + std::string(key) + " must be a string");
    *out = *n->value<std::string>();
    return Status::Ok();
  }
  Status Bool(const toml::table& t, std::string_view section, std::string_view key,
              bool* out) const {
    const toml::node* n = t.get(key);
    if (!n) return Status::Ok();
    if (!n->is_boolean())
      return Bad(*n, std::string(section) + ": " + std::string(key) + " must be true or false");
    *out = *n->value<bool>();
    return Status::Ok();
  }
  Status Int(const toml::table& t, std::string_view section, std::string_view key, std::int64_t min,
             std::int64_t max, std::optional<std::int64_t>* out) const {
    const toml::node* n = t.get(key);
    if (!n) return Status::Ok();
    if (!n->is_integer() || *n->value<std::int64_t>() < min || *n->value<std::int64_t>() > max) {
      return Bad(*n, std::string(section) + " " + std::string(key) +
                         " must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max));
    }
    *out = *n->value<std::int64_t>();
    return Status::Ok();
  }
  Status Strings(const toml::table& t, std::string_view section, std::string_view key,
                 std::vector<std::string>* out) const {
    const toml::node* n = t.get(key);
    if (!n) return Status::Ok();
    const toml::array* a = n->as_array();
    if (!a || !a->is_homogeneous(toml::node_type::string)) {
      if (!a || !a->empty()) {
        return Bad(*n, std::string(section) + ": " + std::string(key) +
                           " must be a list of strings, e.g. [\"a\", \"b\"]");
      }
    }
    out->clear();
    for (const toml::node& e : *a) out->push_back(*e.value<std::string>());
    return Status::Ok();
  }
};

}  // namespace tansiq::hub::internal
