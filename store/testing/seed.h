// Test helpers shared by the store's tests (the conformance suite and the SQLite-only tests):
// the parties and collections most tests start from, and a document version built the one
// way the store expects it. Header-only; tests only.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tansiq::store::test_support {

// Parties `codes` (indexes 0, 1, … in order; identity "identity--<code>"), the shared
// collection "c1" (alias "coalition") and, with `private_collection`, "c2" private to party 0.
inline Status SeedDirectory(WriteTxn& t, std::initializer_list<const char*> codes = {"a", "b", "c"},
                            bool private_collection = true) {
  for (const char* code : codes) {
    auto p = t.AddParty({0, code, code, std::string("identity--") + code});
    if (!p.ok()) return p.status();
  }
  TANSIQ_RETURN_IF_ERROR(t.AddCollection({"c1", "coalition", "Coalition", "", std::nullopt}));
  if (!private_collection) return Status::Ok();
  return t.AddCollection({"c2", "party-a", "A", "", 0});
}

// A version of `id` (its type from the id) in `collection`: the gates are its references too.
inline NewVersion DocVersion(std::string collection, const std::string& id, Micros version,
                             policy::Releasability rel, std::string json,
                             std::vector<std::string> gates = {}) {
  NewVersion v;
  v.collection_id = std::move(collection);
  v.id = id;
  v.type = id.substr(0, id.find("--"));
  v.spec_version = "2.1";
  v.version = version;
  v.version_text = std::to_string(version);
  v.json = std::move(json);
  v.refs = gates;
  v.gate_refs = std::move(gates);
  v.releasability = std::move(rel);
  return v;
}

}  // namespace tansiq::store::test_support
