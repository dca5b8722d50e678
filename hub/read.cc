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

Status CheckObjectVisible(Hub& hub, const policy::Reader& reader,
                          const store::Collection& collection, std::string_view object_id) {
  store::VersionFilter any;
  any.which = store::VersionFilter::Which::kAll;
  any.ids = {std::string(object_id)};
  auto probe = hub.store().ListVersions(reader, collection.id, any, std::nullopt, 1);
  if (!probe.ok()) return probe.status();
  if (probe->rows.empty()) return NotFound("no such object");
  return Status::Ok();
}

Result<std::string> ReadStatus(Hub& hub, const policy::Reader& reader, std::string_view status_id) {
  auto s = hub.store().GetStatus(status_id);
  if (!s.ok()) return s.status();
  if (!s->has_value() || (*s)->owner_user != reader.user_id) {
    return NotFound("no such status resource");
  }
  return std::move((*s)->json);
}

Result<std::optional<std::string>> OriginatingPartyCode(Hub& hub, std::string_view object_id) {
  auto head = hub.store().Head(object_id);
  if (!head.ok()) return head.status();
  if (!head->has_value()) return std::optional<std::string>();
  const auto dir = hub.directory();  // holds the snapshot the pointer points into
  const store::Party* p = dir->PartyByIndex((*head)->releasability.originator);
  return std::optional<std::string>(p ? p->code : "hub");
}

}  // namespace tansiq::hub
