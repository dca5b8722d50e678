// ReadVersions: store query (visibility inside it), reference stripping, read audit.
#include "hub/read.h"

#include <unordered_set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "stix/object.h"

namespace tansiq::hub {
namespace json = boost::json;

Result<ReadPage> ReadVersions(Hub& hub, const policy::Reader& reader,
                              const store::Collection& collection,
                              const store::VersionFilter& filter,
                              std::optional<store::Cursor> after, std::size_t limit,
                              ReadPurpose purpose) {
  auto page = hub.store().ListVersions(reader, collection.id, filter, after, limit);
  if (!page.ok()) return page.status();
  ReadPage out;
  out.more = page->more;
  if (!page->rows.empty()) {
    out.next = store::Cursor{page->rows.back().date_added, page->rows.back().seq};
  }
  // References the reader may not see: one batched lookup for the whole page.
  std::vector<std::string> refs;
  for (const auto& row : page->rows) refs.insert(refs.end(), row.refs.begin(), row.refs.end());
  std::unordered_set<std::string> hidden;
  if (!refs.empty()) {
    auto h = hub.store().HiddenAmong(reader, refs);
    if (!h.ok()) return h.status();
    hidden.insert(h->begin(), h->end());
  }
  for (auto& row : page->rows) {
    bool touched = false;
    for (const auto& r : row.refs) touched |= hidden.count(r) > 0;
    if (touched) {
      boost::system::error_code ec;
      json::value v = json::parse(row.json, ec);
      if (ec || !v.is_object()) return Internal("stored object is not JSON: " + row.id);
      bool keep = stix::StripRefs(
          v.get_object(), [&](std::string_view id) { return !hidden.count(std::string(id)); });
      if (!keep) continue;  // it cannot exist without what the reader may not see
      row.json = json::serialize(v);
    }
    out.rows.push_back(std::move(row));
  }
  if (purpose == ReadPurpose::kContent && !out.rows.empty()) {
    std::string ids;
    for (const auto& r : out.rows) {
      if (!ids.empty()) ids += ' ';
      ids += r.id;
    }
    auto dir = hub.directory();
    const store::Party* party = dir->PartyByIndex(reader.party);
    hub.auditor().Record(hub.store(), {{reader.user_name, party ? party->code : "-", "object.read",
                                        std::move(ids), "ok"}});
  }
  return out;
}

}  // namespace tansiq::hub
