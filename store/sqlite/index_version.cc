// The search index's analysis version (sqlite::kIndexVersion): an index whose tokens another
// version of the analysis wrote is rebuilt from its stored text when the store opens, before
// anything else writes to it.
#include <chrono>
#include <cstdio>

#include "store/sqlite/internal/sqlite_store.h"

namespace tansiq::store::internal {

Result<std::int64_t> SqliteWriteTxn::RebuildSearchIndex() {
  // FTS5's 'rebuild' deletes the whole index and tokenizes every stored row again; no
  // pretokenized values are set on this thread, so the tokenizer analyses each one itself.
  TANSIQ_RETURN_IF_ERROR(db_.Exec("INSERT INTO search(search) VALUES('rebuild')"));
  auto st = db_.Prepare("SELECT COUNT(*) FROM search_docs");
  if (!st.ok()) return st.status();
  Status status;
  std::int64_t docs = 0;
  if ((*st)->Step(&status)) docs = (*st)->Int(0);
  (*st)->Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  return docs;
}

Status SqliteStore::RebuildStaleIndex() {
  const std::string current = std::to_string(sqlite::kIndexVersion);
  auto recorded = Meta(sqlite::kIndexVersionMeta);
  if (!recorded.ok()) return recorded.status();
  if (recorded->value_or("") == current) return Status::Ok();
  const std::string was = recorded->value_or("1");  // kept since version 2
  const auto start = std::chrono::steady_clock::now();
  std::int64_t docs = 0;
  TANSIQ_RETURN_IF_ERROR(Write([&](WriteTxn& txn) -> Status {
    auto rebuilt = static_cast<SqliteWriteTxn&>(txn).RebuildSearchIndex();
    if (!rebuilt.ok()) return rebuilt.status();
    docs = *rebuilt;
    return txn.PutMeta(sqlite::kIndexVersionMeta, current);
  }));
  if (options_.notice && docs > 0) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[200];
    std::snprintf(line, sizeof line,
                  "search index rebuilt for analysis version %s (was %s): %lld documents in "
                  "%.1f s",
                  current.c_str(), was.c_str(), static_cast<long long>(docs), seconds);
    options_.notice(line);
  }
  return Status::Ok();
}

}  // namespace tansiq::store::internal
