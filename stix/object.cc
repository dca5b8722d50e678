// Facts the hub indexes from a validated STIX object (ids, version, references) and the
// per-reader stripping of references to invisible objects. Pure.
#include "stix/object.h"

#include <boost/json/array.hpp>
#include <string>
#include <unordered_set>
#include <utility>

#include "stix/identifier.h"
#include "stix/internal/rules.h"
#include "stix/timestamp.h"
#include "stix/validate.h"

namespace tansiq::stix {
namespace json = boost::json;

namespace {

const json::string* StringProp(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v != nullptr ? v->if_string() : nullptr;
}

bool IsRefKey(std::string_view key) { return key.ends_with("_ref"); }
bool IsRefsKey(std::string_view key) { return key.ends_with("_refs"); }

// Collects every identifier under *_ref / *_refs keys at any depth.
class RefCollector {
 public:
  explicit RefCollector(std::vector<std::string>& out) : out_(out) {}

  void Walk(const json::value& v) {
    if (const json::object* o = v.if_object()) {
      WalkObject(*o);
    } else if (const json::array* a = v.if_array()) {
      for (const json::value& e : *a) {
        if (e.is_structured()) Walk(e);
      }
    }
  }

  void WalkObject(const json::object& o) {
    for (const auto& [key, value] : o) {
      if (IsRefKey(key)) {
        Add(value);
      } else if (IsRefsKey(key)) {
        if (const json::array* a = value.if_array()) {
          for (const json::value& e : *a) Add(e);
        }
      }
      if (value.is_structured()) Walk(value);
    }
  }

 private:
  void Add(const json::value& v) {
    const json::string* s = v.if_string();
    if (s == nullptr || !IsValidIdentifier(*s)) return;
    if (seen_.insert(std::string_view(*s)).second) out_.emplace_back(*s);
  }

  std::vector<std::string>& out_;
  std::unordered_set<std::string_view> seen_;
};

std::optional<Micros> TimestampProp(const json::object& o, std::string_view name) {
  const json::string* s = StringProp(o, name);
  if (s == nullptr) return std::nullopt;
  Result<Timestamp> ts = ParseTimestamp(*s);
  if (!ts.ok()) return std::nullopt;
  return ts->micros;
}

using Visible = std::function<bool(std::string_view)>;

bool IsInvisibleRef(const json::value& v, const Visible& visible) {
  const json::string* s = v.if_string();
  return s != nullptr && IsValidIdentifier(*s) && !visible(*s);
}

// True when an array of refs would lose every element.
bool WouldEmpty(const json::object& o, std::string_view key, const Visible& visible) {
  const json::value* v = o.if_contains(key);
  const json::array* a = v != nullptr ? v->if_array() : nullptr;
  if (a == nullptr || a->empty()) return false;
  for (const json::value& e : *a) {
    if (!IsInvisibleRef(e, visible)) return false;
  }
  return true;
}

void StripValue(json::value& v, const Visible& visible);

// Strips one object in place; keys that must go entirely are removed by rebuilding the object
// (boost::json::object::erase does not keep key order), and only when there are any.
void StripObject(json::object& o, const Visible& visible) {
  std::vector<std::string_view> drop;
  for (auto& [key, value] : o) {
    const std::string_view k = key;
    if (IsRefKey(k) && IsInvisibleRef(value, visible)) {
      drop.push_back(k);
      continue;
    }
    json::array* a = value.if_array();
    if (a != nullptr && (IsRefsKey(k) || k == "granular_markings")) {
      const bool markings = k == "granular_markings";
      const size_t before = a->size();
      for (auto it = a->begin(); it != a->end();) {
        bool invisible = false;
        if (markings) {
          const json::object* gm = it->if_object();
          const json::value* ref = gm != nullptr ? gm->if_contains("marking_ref") : nullptr;
          invisible = ref != nullptr && IsInvisibleRef(*ref, visible);
        } else {
          invisible = IsInvisibleRef(*it, visible);
        }
        it = invisible ? a->erase(it) : it + 1;
      }
      if (a->empty() && before != 0) {
        drop.push_back(k);
        continue;
      }
    }
    if (value.is_structured()) StripValue(value, visible);
  }
  if (drop.empty()) return;
  json::object kept(o.storage());
  kept.reserve(o.size() - drop.size());
  for (auto& [key, value] : o) {
    bool dropped = false;
    for (std::string_view d : drop) dropped = dropped || d == std::string_view(key);
    if (!dropped) kept.emplace(key, std::move(value));
  }
  o = std::move(kept);
}

void StripValue(json::value& v, const Visible& visible) {
  if (json::object* o = v.if_object()) {
    StripObject(*o, visible);
  } else if (json::array* a = v.if_array()) {
    for (json::value& e : *a) {
      if (e.is_structured()) StripValue(e, visible);
    }
  }
}

}  // namespace

Result<ObjectFacts> Inspect(const json::object& object) {
  Status st = ValidateObject(object);
  if (!st.ok()) return st;
  ObjectFacts f;
  f.id = std::string(*StringProp(object, "id"));
  f.type = std::string(*StringProp(object, "type"));
  const json::string* spec_version = StringProp(object, "spec_version");
  f.spec_version = spec_version != nullptr ? std::string(*spec_version) : "2.1";
  f.category = internal::CategoryOfType(f.type);
  if (f.category != Category::kCyberObservable) {
    f.created = TimestampProp(object, "created");
    f.modified = TimestampProp(object, "modified");
    if (f.modified) {
      f.version = f.modified;
      f.version_text = std::string(*StringProp(object, "modified"));
    } else if (f.created) {
      f.version = f.created;
      f.version_text = std::string(*StringProp(object, "created"));
    }
  }
  if (const json::string* s = StringProp(object, "created_by_ref"))
    f.created_by_ref = std::string(*s);
  if (const json::value* v = object.if_contains("object_marking_refs")) {
    if (const json::array* a = v->if_array()) {
      f.object_marking_refs.reserve(a->size());
      for (const json::value& e : *a) {
        if (const json::string* s = e.if_string()) f.object_marking_refs.emplace_back(*s);
      }
    }
  }
  if (const json::value* v = object.if_contains("revoked"))
    f.revoked = v->is_bool() && v->get_bool();
  if (const json::string* s = StringProp(object, "lang")) f.lang = std::string(*s);
  if (f.type == "relationship") {
    f.gate_refs.emplace_back(*StringProp(object, "source_ref"));
    f.gate_refs.emplace_back(*StringProp(object, "target_ref"));
  } else if (f.type == "sighting") {
    f.gate_refs.emplace_back(*StringProp(object, "sighting_of_ref"));
  }
  RefCollector(f.all_refs).WalkObject(object);
  return f;
}

bool StripRefs(json::object& object, const std::function<bool(std::string_view)>& visible) {
  const json::string* type_string = StringProp(object, "type");
  const std::string_view type = type_string != nullptr ? std::string_view(*type_string) : "";
  // Refs the object cannot exist without.
  static constexpr std::pair<std::string_view, std::string_view> kGates[] = {
      {"relationship", "source_ref"},
      {"relationship", "target_ref"},
      {"sighting", "sighting_of_ref"},
      {"language-content", "object_ref"},
  };
  for (const auto& [gate_type, key] : kGates) {
    if (type != gate_type) continue;
    const json::value* v = object.if_contains(key);
    if (v != nullptr && IsInvisibleRef(*v, visible)) return false;
  }
  const bool required_object_refs = type == "report" || type == "grouping" || type == "note" ||
                                    type == "opinion" ||
                                    (type == "observed-data" && !object.contains("objects"));
  if (required_object_refs && WouldEmpty(object, "object_refs", visible)) return false;
  StripObject(object, visible);
  return true;
}

}  // namespace tansiq::stix
