// The roles the PostgreSQL backend does not implement yet (issue 14): objects and versions,
// search, analysis, and Backup. Every call fails closed with kUnavailable (IsVisible: false),
// and the conformance suite does not run these roles against PostgreSQL; the CLI does not
// offer the backend until it passes every role (store/README.md).
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {
namespace {

Status NotYet(std::string_view role) {
  return Unavailable(std::string("the PostgreSQL backend does not implement the ") +
                     std::string(role) + " role yet");
}

}  // namespace

Result<std::optional<ObjectHead>> PgWriteTxn::GetHead(std::string_view) {
  return NotYet("objects");
}
Result<std::optional<std::string>> PgWriteTxn::GetLatestJson(std::string_view) {
  return NotYet("objects");
}
Result<PutOutcome> PgWriteTxn::PutVersion(const NewVersion&) { return NotYet("objects"); }
Result<int> PgWriteTxn::DeleteVersions(std::string_view, std::string_view, const DeleteSelector&) {
  return NotYet("objects");
}
Result<std::optional<policy::PartyIndex>> PgWriteTxn::DeletedBy(std::string_view) {
  return NotYet("objects");
}
Status PgWriteTxn::PutAnalysis(const AnalysisRecord&) { return NotYet("analysis"); }

Status PgStore::Backup(const std::string&) {
  return Unavailable("back up a PostgreSQL hub with pg_dump or pg_basebackup");
}

Result<std::optional<ObjectHead>> PgStore::Head(std::string_view) { return NotYet("objects"); }
Result<Page> PgStore::ListVersions(const policy::Reader&, std::string_view, const VersionFilter&,
                                   std::optional<Cursor>, std::size_t) {
  return NotYet("objects");
}
bool PgStore::IsVisible(const policy::Reader&, std::string_view) { return false; }
Result<std::vector<std::string>> PgStore::HiddenAmong(const policy::Reader&,
                                                      const std::vector<std::string>&) {
  return NotYet("objects");
}
Result<std::int64_t> PgStore::CountVersions() { return NotYet("objects"); }

Result<SearchResult> PgStore::Search(const policy::Reader&, const SearchQuery&) {
  return NotYet("search");
}
Result<bool> PgStore::MatchesSearch(const SearchQuery&, std::string_view) {
  return NotYet("search");
}

Result<std::optional<AnalysisRecord>> PgStore::Analysis(std::string_view) {
  return NotYet("analysis");
}
Result<KeyPostings> PgStore::Postings(const policy::Reader&, std::string_view, std::size_t) {
  return NotYet("analysis");
}
Result<std::vector<AnalysisRecord>> PgStore::AnalysedBetween(const policy::Reader&, Micros, Micros,
                                                             std::size_t) {
  return NotYet("analysis");
}
Result<SituationCounts> PgStore::Situation(const policy::Reader&, const SituationQuery&) {
  return NotYet("analysis");
}
Result<std::vector<Store::UnanalysedRow>> PgStore::Unanalysed(std::string_view, int,
                                                              std::string_view, std::size_t) {
  return NotYet("analysis");
}

}  // namespace tansiq::store::internal
