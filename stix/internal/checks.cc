// Property checks shared by the per-type rule tables: value kinds, reference target types,
// timestamp order, granular-marking selectors and extensions. Pure; no regex.
#include <cstdint>
#include <string>

#include "stix/identifier.h"
#include "stix/internal/rules.h"
#include "stix/timestamp.h"

namespace tansiq::stix::internal {
namespace json = boost::json;

namespace {

// True when `value` is one of the '|'-separated entries of `list`.
bool InList(std::string_view list, std::string_view value) {
  while (!list.empty()) {
    const size_t bar = list.find('|');
    const std::string_view item = list.substr(0, bar);
    if (item == value) return true;
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return false;
}

bool IsIdentifierOf(std::string_view arg, const json::value& v) {
  const json::string* s = v.if_string();
  if (s == nullptr) return false;
  const std::string_view type = IdentifierType(*s);
  return !type.empty() && RefTypeAllowed(arg, type);
}

// "must reference ..." text for a PropSpec::arg.
std::string MustReference(std::string_view arg) {
  std::string rule = "must reference ";
  if (arg == "@sdo") {
    rule.append("an SDO");
  } else if (arg == "@sco") {
    rule.append("a cyber-observable object");
  } else if (arg == "@sco-sro") {
    rule.append("a cyber-observable object or an SRO");
  } else if (arg == "@not-sro-meta") {
    rule.append("an SDO or a cyber-observable object");
  } else if (arg == "@not-lc") {
    rule.append("an object other than language-content");
  } else {
    rule.append(arg);
  }
  return rule;
}

std::string Indexed(std::string_view path, size_t i) {
  std::string p(path);
  p.append(".[");
  p.append(std::to_string(i));
  p.push_back(']');
  return p;
}

bool NumberOf(const json::value& v, bool integer_only, double& out) {
  if (v.is_int64()) {
    out = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    out = static_cast<double>(v.get_uint64());
  } else if (v.is_double() && !integer_only) {
    out = v.get_double();
  } else {
    return false;
  }
  return true;
}

// A hashes dictionary: keys 3-250 of [a-zA-Z0-9_-], string values; the spec's algorithms
// have fixed hex lengths.
Status CheckHashes(const Ctx& ctx, std::string_view path, const json::value& v) {
  const json::object* hashes = v.if_object();
  if (hashes == nullptr || hashes->empty())
    return ctx.Error(path, "must be a non-empty dictionary");
  for (const auto& [key, value] : *hashes) {
    if (key.size() < 3 || key.size() > 250) return ctx.Error(path, "has a key of bad length");
    for (char c : key) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
      if (!ok) return ctx.Error(path, "has a key with characters outside [a-zA-Z0-9_-]");
    }
    const json::string* s = value.if_string();
    if (s == nullptr) return ctx.Error(path, "values must be strings");
    size_t hex_len = 0;
    if (key == "MD5") {
      hex_len = 32;
    } else if (key == "SHA-1") {
      hex_len = 40;
    } else if (key == "SHA-256" || key == "SHA3-256") {
      hex_len = 64;
    } else if (key == "SHA-512" || key == "SHA3-512") {
      hex_len = 128;
    }
    if (hex_len != 0 && (s->size() != hex_len || !IsHexString(*s))) {
      std::string rule = "has a malformed ";
      rule.append(key);
      rule.append(" value");
      return ctx.Error(path, rule);
    }
  }
  return Status::Ok();
}

Status CheckKillChainPhases(const Ctx& ctx, std::string_view path, const json::value& v) {
  const json::array* a = v.if_array();
  if (a == nullptr || a->empty()) return ctx.Error(path, "must be a non-empty list");
  for (size_t i = 0; i < a->size(); ++i) {
    const json::object* phase = (*a)[i].if_object();
    if (phase == nullptr) return ctx.Error(Indexed(path, i), "must be a kill-chain-phase object");
    for (std::string_view name : {"kill_chain_name", "phase_name"}) {
      const json::value* p = phase->if_contains(name);
      if (p == nullptr || !p->is_string() || p->get_string().empty()) {
        std::string rule = "needs a non-empty '";
        rule.append(name);
        rule.push_back('\'');
        return ctx.Error(Indexed(path, i), rule);
      }
    }
  }
  return Status::Ok();
}

Status CheckExternalReferences(const Ctx& ctx, std::string_view path, const json::value& v) {
  static constexpr PropSpec kProps[] = {
      {.name = "source_name", .kind = Kind::kNonEmptyString, .required = true},
      {.name = "description", .kind = Kind::kString},
      {.name = "url", .kind = Kind::kString},
      {.name = "external_id", .kind = Kind::kString},
      {.name = "hashes", .kind = Kind::kHashes},
  };
  const json::array* a = v.if_array();
  if (a == nullptr || a->empty()) return ctx.Error(path, "must be a non-empty list");
  for (size_t i = 0; i < a->size(); ++i) {
    const json::object* ref = (*a)[i].if_object();
    const std::string at = Indexed(path, i);
    if (ref == nullptr) return ctx.Error(at, "must be an external-reference object");
    TANSIQ_RETURN_IF_ERROR(CheckProps(ctx, kProps, *ref, at));
    if (!ref->contains("description") && !ref->contains("url") && !ref->contains("external_id")) {
      return ctx.Error(at, "needs at least one of description, url, external_id");
    }
  }
  return Status::Ok();
}

}  // namespace

Status Ctx::Error(std::string_view prop, std::string_view rule) const {
  std::string m;
  m.reserve(label_.size() + prop.size() + rule.size() + 8);
  m.append(label_);
  m.append(": '");
  m.append(prop);
  m.append("' ");
  m.append(rule);
  return InvalidArgument(std::move(m));
}

Status Ctx::Error(std::string_view text) const {
  std::string m(label_);
  m.append(": ");
  m.append(text);
  return InvalidArgument(std::move(m));
}

bool IsHexString(std::string_view s) {
  if (s.empty() || s.size() % 2 != 0) return false;
  for (char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) return false;
  }
  return true;
}

bool IsBase64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '=') {
      ++pad;
      if (i < s.size() - 2) return false;
      continue;
    }
    if (pad != 0) return false;
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return pad <= 2;
}

bool RefTypeAllowed(std::string_view arg, std::string_view type) {
  if (arg.empty()) return true;
  if (arg.front() != '@') return InList(arg, type);
  const Category cat = CategoryOfType(type);
  if (arg == "@sdo") return cat == Category::kDomainObject || cat == Category::kCustom;
  if (arg == "@sco") return cat == Category::kCyberObservable || cat == Category::kCustom;
  if (arg == "@sco-sro") return cat != Category::kDomainObject && cat != Category::kMetaObject;
  if (arg == "@not-lc") return type != "language-content" && type != "bundle";
  if (arg == "@not-sro-meta") return cat != Category::kRelationship && cat != Category::kMetaObject;
  return false;
}

Status CheckValue(const Ctx& ctx, std::string_view path, const PropSpec& spec,
                  const json::value& value) {
  switch (spec.kind) {
    case Kind::kAny:
      return Status::Ok();
    case Kind::kString:
      if (!value.is_string()) return ctx.Error(path, "must be a string");
      return Status::Ok();
    case Kind::kNonEmptyString:
      if (!value.is_string() || value.get_string().empty()) {
        return ctx.Error(path, "must be a non-empty string");
      }
      return Status::Ok();
    case Kind::kStringList:
    case Kind::kStringListOrEmpty: {
      const json::array* a = value.if_array();
      if (a == nullptr) return ctx.Error(path, "must be a list of strings");
      if (a->empty() && spec.kind == Kind::kStringList) {
        return ctx.Error(path, "must not be an empty list");
      }
      for (const json::value& e : *a) {
        if (!e.is_string()) return ctx.Error(path, "must be a list of strings");
      }
      return Status::Ok();
    }
    case Kind::kBool:
      if (!value.is_bool()) return ctx.Error(path, "must be a boolean");
      return Status::Ok();
    case Kind::kInteger:
    case Kind::kNumber: {
      double n = 0;
      if (!NumberOf(value, spec.kind == Kind::kInteger, n)) {
        return ctx.Error(path,
                         spec.kind == Kind::kInteger ? "must be an integer" : "must be a number");
      }
      if (n < spec.min || n > spec.max) {
        std::string rule = "must be in the range ";
        auto num = [](double d) {
          return d == static_cast<double>(static_cast<std::int64_t>(d))
                     ? std::to_string(static_cast<std::int64_t>(d))
                     : std::to_string(d);
        };
        rule.append(spec.min == kNoMin ? "" : num(spec.min));
        rule.append("..");
        rule.append(spec.max == kNoMax ? "" : num(spec.max));
        return ctx.Error(path, rule);
      }
      return Status::Ok();
    }
    case Kind::kTimestamp: {
      const json::string* s = value.if_string();
      if (s == nullptr) return ctx.Error(path, "must be a timestamp string");
      Result<Timestamp> ts = ParseTimestamp(*s);
      if (!ts.ok()) return ctx.Error(path, "is not a valid timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)");
      return Status::Ok();
    }
    case Kind::kIdentifier: {
      const json::string* s = value.if_string();
      if (s == nullptr || !IsValidIdentifier(*s))
        return ctx.Error(path, "must be an identifier (lower-case)");
      if (!RefTypeAllowed(spec.arg, IdentifierType(*s))) {
        return ctx.Error(path, MustReference(spec.arg));
      }
      return Status::Ok();
    }
    case Kind::kIdentifierList: {
      const json::array* a = value.if_array();
      if (a == nullptr || a->empty())
        return ctx.Error(path, "must be a non-empty list of identifiers");
      for (size_t i = 0; i < a->size(); ++i) {
        const json::string* s = (*a)[i].if_string();
        if (s == nullptr || !IsValidIdentifier(*s)) {
          return ctx.Error(Indexed(path, i), "must be an identifier (lower-case)");
        }
        if (!IsIdentifierOf(spec.arg, (*a)[i])) {
          return ctx.Error(Indexed(path, i), MustReference(spec.arg));
        }
      }
      return Status::Ok();
    }
    case Kind::kEnum: {
      const json::string* s = value.if_string();
      if (s == nullptr || !InList(spec.arg, *s)) {
        std::string rule = "must be one of ";
        rule.append(spec.arg);
        return ctx.Error(path, rule);
      }
      return Status::Ok();
    }
    case Kind::kEnumList: {
      const json::array* a = value.if_array();
      if (a == nullptr || a->empty()) return ctx.Error(path, "must be a non-empty list");
      for (const json::value& e : *a) {
        const json::string* s = e.if_string();
        if (s == nullptr || !InList(spec.arg, *s)) {
          std::string rule = "entries must be one of ";
          rule.append(spec.arg);
          return ctx.Error(path, rule);
        }
      }
      return Status::Ok();
    }
    case Kind::kKillChainPhases:
      return CheckKillChainPhases(ctx, path, value);
    case Kind::kExternalReferences:
      return CheckExternalReferences(ctx, path, value);
    case Kind::kHashes:
      return CheckHashes(ctx, path, value);
    case Kind::kDictionary:
      if (!value.is_object() || value.get_object().empty()) {
        return ctx.Error(path, "must be a non-empty dictionary");
      }
      return Status::Ok();
    case Kind::kObject:
      if (!value.is_object()) return ctx.Error(path, "must be an object");
      return Status::Ok();
    case Kind::kObjectList: {
      const json::array* a = value.if_array();
      if (a == nullptr || a->empty()) return ctx.Error(path, "must be a non-empty list of objects");
      for (const json::value& e : *a) {
        if (!e.is_object()) return ctx.Error(path, "must be a non-empty list of objects");
      }
      return Status::Ok();
    }
    case Kind::kHex: {
      const json::string* s = value.if_string();
      if (s == nullptr || !IsHexString(*s)) return ctx.Error(path, "must be a hex string");
      return Status::Ok();
    }
    case Kind::kBinary: {
      const json::string* s = value.if_string();
      if (s == nullptr || !IsBase64(*s)) return ctx.Error(path, "must be base64 binary");
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status CheckProps(const Ctx& ctx, std::span<const PropSpec> props, const json::object& object,
                  std::string_view prefix) {
  for (const PropSpec& spec : props) {
    const json::value* v = object.if_contains(spec.name);
    if (v == nullptr) {
      if (!spec.required) continue;
      if (prefix.empty()) return ctx.Error(spec.name, "is required");
      std::string path(prefix);
      path.push_back('.');
      path.append(spec.name);
      return ctx.Error(path, "is required");
    }
    if (prefix.empty()) {
      TANSIQ_RETURN_IF_ERROR(CheckValue(ctx, spec.name, spec, *v));
    } else {
      // Only builds the path string when the value is bad.
      Status st = CheckValue(Ctx(""), spec.name, spec, *v);
      if (!st.ok()) {
        std::string path(prefix);
        path.push_back('.');
        path.append(spec.name);
        return CheckValue(ctx, path, spec, *v);
      }
    }
  }
  return Status::Ok();
}

bool HasAnyProp(std::span<const PropSpec> props, const json::object& object) {
  for (const PropSpec& spec : props) {
    if (object.contains(spec.name)) return true;
  }
  return false;
}

Status CheckOrder(const Ctx& ctx, const json::object& object, std::string_view earlier,
                  std::string_view later, bool strict) {
  const json::value* a = object.if_contains(earlier);
  const json::value* b = object.if_contains(later);
  if (a == nullptr || b == nullptr || !a->is_string() || !b->is_string()) return Status::Ok();
  Result<Timestamp> ta = ParseTimestamp(a->get_string());
  Result<Timestamp> tb = ParseTimestamp(b->get_string());
  if (!ta.ok() || !tb.ok()) return Status::Ok();  // reported by the property check
  if (tb->micros < ta->micros || (strict && tb->micros == ta->micros)) {
    std::string rule = strict ? "must be later than '" : "must not be earlier than '";
    rule.append(earlier);
    rule.push_back('\'');
    return ctx.Error(later, rule);
  }
  return Status::Ok();
}

bool SelectorResolves(const json::object& object, std::string_view selector) {
  if (selector.empty()) return false;
  const json::value* cur = nullptr;
  bool first = true;
  while (true) {
    const size_t dot = selector.find('.');
    const std::string_view token = selector.substr(0, dot);
    if (token.empty()) return false;
    if (first) {
      cur = object.if_contains(token);
      first = false;
    } else if (token.front() == '[') {
      if (token.size() < 3 || token.back() != ']') return false;
      size_t index = 0;
      for (char c : token.substr(1, token.size() - 2)) {
        if (c < '0' || c > '9' || index > 100'000'000) return false;
        index = index * 10 + static_cast<size_t>(c - '0');
      }
      const json::array* a = cur->if_array();
      cur = (a != nullptr && index < a->size()) ? &(*a)[index] : nullptr;
    } else {
      const json::object* o = cur->if_object();
      cur = o != nullptr ? o->if_contains(token) : nullptr;
    }
    if (cur == nullptr) return false;
    if (dot == std::string_view::npos) return true;
    selector.remove_prefix(dot + 1);
  }
}

Status CheckGranularMarkings(const Ctx& ctx, const json::object& object) {
  const json::value* v = object.if_contains("granular_markings");
  if (v == nullptr) return Status::Ok();
  const json::array* a = v->if_array();
  if (a == nullptr || a->empty()) return ctx.Error("granular_markings", "must be a non-empty list");
  for (size_t i = 0; i < a->size(); ++i) {
    const json::object* gm = (*a)[i].if_object();
    if (gm == nullptr) {
      return ctx.Error(Indexed("granular_markings", i), "must be a granular-marking object");
    }
    const json::value* marking_ref = gm->if_contains("marking_ref");
    const json::value* lang = gm->if_contains("lang");
    if ((marking_ref == nullptr) == (lang == nullptr)) {
      return ctx.Error(Indexed("granular_markings", i), "needs exactly one of marking_ref, lang");
    }
    if (marking_ref != nullptr) {
      const json::string* s = marking_ref->if_string();
      if (s == nullptr || IdentifierType(*s) != "marking-definition") {
        return ctx.Error(Indexed("granular_markings", i) + ".marking_ref",
                         "must be a marking-definition identifier");
      }
    }
    if (lang != nullptr && (!lang->is_string() || lang->get_string().empty())) {
      return ctx.Error(Indexed("granular_markings", i) + ".lang", "must be a non-empty string");
    }
    const json::value* selectors = gm->if_contains("selectors");
    const json::array* sa = selectors != nullptr ? selectors->if_array() : nullptr;
    if (sa == nullptr || sa->empty()) {
      return ctx.Error(Indexed("granular_markings", i) + ".selectors",
                       "must be a non-empty list of strings");
    }
    for (const json::value& sel : *sa) {
      const json::string* s = sel.if_string();
      if (s == nullptr) {
        return ctx.Error(Indexed("granular_markings", i) + ".selectors", "must be strings");
      }
      if (!SelectorResolves(object, *s)) {
        std::string rule = "selector '";
        rule.append(s->data(), std::min<size_t>(s->size(), 200));
        rule.append("' does not resolve to a property of the object");
        return ctx.Error(Indexed("granular_markings", i) + ".selectors", rule);
      }
    }
  }
  return Status::Ok();
}

Status CheckExtensions(const Ctx& ctx, const json::object& object, bool definition_ids_only) {
  const json::value* v = object.if_contains("extensions");
  if (v == nullptr) return Status::Ok();
  const json::object* exts = v->if_object();
  if (exts == nullptr || exts->empty())
    return ctx.Error("extensions", "must be a non-empty dictionary");
  for (const auto& [key, value] : *exts) {
    std::string path = "extensions.";
    path.append(key.data(), std::min<size_t>(key.size(), 250));
    const json::object* ext = value.if_object();
    if (ext == nullptr) return ctx.Error(path, "must be an object");
    if (IdentifierType(key) == "extension-definition") {
      static constexpr PropSpec kType = {
          .name = "extension_type",
          .kind = Kind::kEnum,
          .required = true,
          .arg = "new-sdo|new-sco|new-sro|property-extension|toplevel-property-extension"};
      TANSIQ_RETURN_IF_ERROR(CheckProps(ctx, std::span(&kType, 1), *ext, path));
      continue;
    }
    const bool ext_name = key.size() > 4 && std::string_view(key).ends_with("-ext") &&
                          IsValidTypeName(std::string_view(key).substr(0, key.size() - 4));
    if (definition_ids_only || !ext_name) {
      return ctx.Error(path, definition_ids_only
                                 ? "must be keyed by an extension-definition identifier"
                                 : "must be keyed by an extension-definition identifier or a "
                                   "predefined extension name");
    }
    if (ext->empty()) return ctx.Error(path, "must not be empty");
    for (const ExtensionRule& rule : PredefinedExtensions()) {
      if (rule.name != key) continue;
      TANSIQ_RETURN_IF_ERROR(CheckProps(ctx, rule.props, *ext, path));
      if (rule.needs_any_prop && !HasAnyProp(rule.props, *ext)) {
        return ctx.Error(path, "needs at least one of its defined properties");
      }
    }
  }
  return Status::Ok();
}

}  // namespace tansiq::stix::internal
