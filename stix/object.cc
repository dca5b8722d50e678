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

// What stripping changed, by property path ("object_refs", "extensions.x.y_refs"), so that
// granular-marking selectors can follow: removed list indexes (original numbering) and
// properties removed whole.
struct Edits {
  std::vector<std::string> dropped;
  std::vector<std::pair<std::string, std::vector<std::size_t>>> removed;
  bool empty() const { return dropped.empty() && removed.empty(); }
};

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

void StripValue(json::value& v, const Visible& visible, const std::string& path, Edits& edits);

// Strips one object in place; keys that must go entirely are removed by rebuilding the object
// (boost::json::object::erase does not keep key order), and only when there are any.
void StripObject(json::object& o, const Visible& visible, const std::string& path, Edits& edits) {
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
      std::vector<std::size_t> removed;
      for (std::size_t i = 0; i < a->size(); ++i) {
        const json::value& e = (*a)[i];
        bool invisible = false;
        if (markings) {
          const json::object* gm = e.if_object();
          const json::value* ref = gm != nullptr ? gm->if_contains("marking_ref") : nullptr;
          invisible = ref != nullptr && IsInvisibleRef(*ref, visible);
        } else {
          invisible = IsInvisibleRef(e, visible);
        }
        if (invisible) removed.push_back(i);
      }
      json::array kept_elements(a->storage());
      if (!removed.empty()) {
        std::size_t next = 0;
        for (std::size_t i = 0; i < a->size(); ++i) {
          if (next < removed.size() && removed[next] == i) {
            ++next;
          } else {
            kept_elements.push_back(std::move((*a)[i]));
          }
        }
      }
      if (!removed.empty()) {
        const bool now_empty = kept_elements.empty();
        *a = std::move(kept_elements);
        if (!markings) edits.removed.emplace_back(Child(path, k), removed);
        if (now_empty) {
          drop.push_back(k);
          continue;
        }
      }
    }
    if (value.is_structured()) {
      // A dictionary emptied by stripping (an extension whose only property was a hidden
      // ref) goes too: STIX has no empty dictionaries, so keeping it would make the object
      // invalid (found by fuzz_stix).
      const bool had_keys = value.is_object() && !value.get_object().empty();
      StripValue(value, visible, Child(path, k), edits);
      if (had_keys && value.get_object().empty()) drop.push_back(k);
    }
  }
  if (drop.empty()) return;
  for (std::string_view d : drop) edits.dropped.push_back(Child(path, d));
  json::object kept(o.storage());
  kept.reserve(o.size() - drop.size());
  for (auto& [key, value] : o) {
    bool dropped = false;
    for (std::string_view d : drop) dropped = dropped || d == std::string_view(key);
    if (!dropped) kept.emplace(key, std::move(value));
  }
  o = std::move(kept);
}

void StripValue(json::value& v, const Visible& visible, const std::string& path, Edits& edits) {
  if (json::object* o = v.if_object()) {
    StripObject(*o, visible, path, edits);
  } else if (json::array* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      json::value& e = (*a)[i];
      if (e.is_structured()) StripValue(e, visible, path + ".[" + std::to_string(i) + "]", edits);
    }
  }
}

// A granular-marking selector after stripping: list indexes renumbered past removed
// elements; nullopt when it selected something that was removed.
std::optional<std::string> RemapSelector(std::string_view selector, const Edits& edits) {
  std::string out, path;
  while (!selector.empty()) {
    auto dot = selector.find('.');
    std::string_view seg = selector.substr(0, dot);
    std::string new_seg(seg);
    if (seg.size() > 2 && seg.front() == '[' && seg.back() == ']') {
      std::size_t index = 0;
      bool numeric = true;
      for (char c : seg.substr(1, seg.size() - 2)) {
        numeric = numeric && c >= '0' && c <= '9';
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (numeric) {
        for (const auto& [list, removed] : edits.removed) {
          if (list != path) continue;
          std::size_t before = 0;
          for (std::size_t r : removed) {
            if (r == index) return std::nullopt;
            before += r < index;
          }
          new_seg = "[" + std::to_string(index - before) + "]";
        }
      }
    }
    path = Child(path, seg);
    for (const auto& d : edits.dropped) {
      if (d == path) return std::nullopt;
    }
    out = Child(out, new_seg);
    if (dot == std::string_view::npos) break;
    selector.remove_prefix(dot + 1);
  }
  return out;
}

// Makes the object's granular markings follow what stripping removed or renumbered.
void RemapGranularMarkings(json::object& object, const Edits& edits) {
  json::value* gms = object.if_contains("granular_markings");
  json::array* list = gms != nullptr ? gms->if_array() : nullptr;
  if (list == nullptr) return;
  json::array kept(list->storage());
  for (json::value& gm : *list) {
    json::object* m = gm.if_object();
    json::value* sel = m != nullptr ? m->if_contains("selectors") : nullptr;
    json::array* selectors = sel != nullptr ? sel->if_array() : nullptr;
    if (selectors == nullptr) {
      kept.push_back(std::move(gm));
      continue;
    }
    json::array remapped(selectors->storage());
    for (const json::value& s : *selectors) {
      const json::string* text = s.if_string();
      if (text == nullptr) continue;
      if (auto r = RemapSelector(*text, edits)) remapped.emplace_back(*r);
    }
    if (remapped.empty()) continue;  // it only marked what is gone
    *selectors = std::move(remapped);
    kept.push_back(std::move(gm));
  }
  if (!kept.empty()) {
    *list = std::move(kept);
    return;
  }
  json::object rebuilt(object.storage());
  for (auto& [key, value] : object) {
    if (std::string_view(key) != "granular_markings") rebuilt.emplace(key, std::move(value));
  }
  object = std::move(rebuilt);
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
  Edits edits;
  StripObject(object, visible, "", edits);
  if (!edits.empty()) RemapGranularMarkings(object, edits);
  return true;
}

}  // namespace tansiq::stix
