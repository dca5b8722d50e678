// SQL of the dissemination tables (messages, deliveries, watches) for the SQLite backend.
#include "store/sqlite/mailbox.h"

#include <sqlite3.h>

#include <algorithm>

namespace tansiq::store::sqlite {
namespace {

constexpr const char* kMessageColumns = "m.id, m.precedence, m.sender_user, m.sent_at, m.json";
constexpr const char* kDeliveryColumns =
    "d.message_id, d.user_id, d.state, d.queued_at, d.delivered_at, d.read_at, "
    "d.acknowledged_at, d.escalated_at, d.deadline, d.realerts, d.detail";

MessageRecord MessageRow(const Statement& s, int col) {
  return {s.Text(col), static_cast<int>(s.Int(col + 1)), s.Int(col + 2), s.Int(col + 3),
          s.Text(col + 4)};
}

DeliveryRecord DeliveryRow(const Statement& s, int col) {
  DeliveryRecord d;
  d.message_id = s.Text(col);
  d.user_id = s.Int(col + 1);
  d.state = static_cast<int>(s.Int(col + 2));
  d.queued_at = s.Int(col + 3);
  d.delivered_at = s.Int(col + 4);
  d.read_at = s.Int(col + 5);
  d.acknowledged_at = s.Int(col + 6);
  d.escalated_at = s.Int(col + 7);
  d.deadline = s.Int(col + 8);
  d.realerts = static_cast<int>(s.Int(col + 9));
  d.detail = s.Text(col + 10);
  return d;
}

}  // namespace

Status PutMessage(Connection& db, const MessageRecord& m) {
  auto known = db.Prepare("SELECT 1 FROM messages WHERE id = ?1");
  if (!known.ok()) return known.status();
  (*known)->Bind(1, m.id);
  Status status;
  const bool exists = (*known)->Step(&status);
  (*known)->Reset();
  TANSIQ_RETURN_IF_ERROR(status);
  if (exists) return {ErrorCode::kConflict, "message " + m.id + " already exists"};
  auto st = db.Prepare(
      "INSERT INTO messages(id, precedence, sender_user, sent_at, json) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, m.id).Bind(2, m.precedence).Bind(3, m.sender_user_id).Bind(4, m.sent_at);
  (*st)->Bind(5, m.json);
  return (*st)->Run();
}

Status PutDelivery(Connection& db, const DeliveryRecord& d) {
  // An upsert, not INSERT OR REPLACE: REPLACE needs a statement journal, and SQLite's
  // in-memory sub-journal is walked from its start whenever a statement inside a savepoint
  // ends, so N rows in one write job (a send to N recipients, a batch of confirmations)
  // cost O(N²) (measured: 24 µs/row at 1,000 rows, 84 µs/row at 3,000; the upsert stays at
  // ~5–10 µs/row).
  auto st = db.Prepare(
      "INSERT INTO deliveries(message_id, user_id, state, queued_at, delivered_at, "
      "read_at, acknowledged_at, escalated_at, deadline, realerts, detail) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT(message_id, user_id) DO UPDATE SET state = excluded.state, "
      "queued_at = excluded.queued_at, delivered_at = excluded.delivered_at, "
      "read_at = excluded.read_at, acknowledged_at = excluded.acknowledged_at, "
      "escalated_at = excluded.escalated_at, deadline = excluded.deadline, "
      "realerts = excluded.realerts, detail = excluded.detail");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, d.message_id).Bind(2, d.user_id).Bind(3, d.state).Bind(4, d.queued_at);
  s.Bind(5, d.delivered_at).Bind(6, d.read_at).Bind(7, d.acknowledged_at);
  s.Bind(8, d.escalated_at).Bind(9, d.deadline).Bind(10, d.realerts).Bind(11, d.detail);
  return s.Run();
}

Status PutWatch(Connection& db, const WatchRecord& w) {
  auto st = db.Prepare(
      "INSERT OR REPLACE INTO watches(id, user_id, created, json) VALUES(?1, ?2, ?3, ?4)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, w.id).Bind(2, w.user_id).Bind(3, w.created).Bind(4, w.json);
  return (*st)->Run();
}

Result<bool> DeleteWatch(Connection& db, std::string_view id, std::int64_t user_id) {
  auto st = db.Prepare("DELETE FROM watches WHERE id = ?1 AND user_id = ?2");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, user_id);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  return sqlite3_changes(db.raw()) > 0;
}

Result<std::optional<MessageRecord>> GetMessage(Connection& db, std::string_view id) {
  auto rows = Collect<MessageRecord>(
      db, std::string("SELECT ") + kMessageColumns + " FROM messages m WHERE m.id = ?1",
      [&](Statement& s) { s.Bind(1, id); }, [](const Statement& s) { return MessageRow(s, 0); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<MessageRecord>();
  return std::optional<MessageRecord>(std::move(rows->front()));
}

Result<std::vector<DeliveryRecord>> Deliveries(Connection& db, std::string_view message_id) {
  return Collect<DeliveryRecord>(
      db,
      std::string("SELECT ") + kDeliveryColumns +
          " FROM deliveries d WHERE d.message_id = ?1 ORDER BY d.queued_at, d.user_id",
      [&](Statement& s) { s.Bind(1, message_id); },
      [](const Statement& s) { return DeliveryRow(s, 0); });
}

Result<std::vector<MailboxEntry>> Inbox(Connection& db, std::int64_t user_id, bool undelivered_only,
                                        std::size_t limit, std::size_t offset) {
  std::string sql = std::string("SELECT ") + kMessageColumns + ", " + kDeliveryColumns +
                    " FROM deliveries d JOIN messages m ON m.id = d.message_id"
                    " WHERE d.user_id = ?1";
  sql += undelivered_only ? " AND d.state = 0 ORDER BY m.precedence, m.sent_at"
                          : " ORDER BY m.precedence, m.sent_at DESC";
  sql += " LIMIT ?2 OFFSET ?3";
  return Collect<MailboxEntry>(
      db, sql,
      [&](Statement& s) { s.Bind(1, user_id).Bind(2, Clamp(limit)).Bind(3, Clamp(offset)); },
      [](const Statement& s) {
        return MailboxEntry{MessageRow(s, 0), DeliveryRow(s, 5)};
      });
}

Result<std::vector<MessageRecord>> Sent(Connection& db, std::int64_t user_id, std::size_t limit,
                                        std::size_t offset) {
  return Collect<MessageRecord>(
      db,
      std::string("SELECT ") + kMessageColumns +
          " FROM messages m WHERE m.sender_user = ?1 ORDER BY m.sent_at DESC LIMIT ?2 OFFSET ?3",
      [&](Statement& s) { s.Bind(1, user_id).Bind(2, Clamp(limit)).Bind(3, Clamp(offset)); },
      [](const Statement& s) { return MessageRow(s, 0); });
}

Result<std::vector<std::string>> MessagesWithDeadlines(Connection& db) {
  return Collect<std::string>(
      db, "SELECT DISTINCT message_id FROM deliveries WHERE deadline != 0", [](Statement&) {},
      [](const Statement& s) { return s.Text(0); });
}

Result<std::vector<WatchRecord>> Watches(Connection& db, std::optional<std::int64_t> user_id) {
  std::string sql = "SELECT id, user_id, created, json FROM watches";
  if (user_id) sql += " WHERE user_id = ?1";
  sql += " ORDER BY created, id";
  return Collect<WatchRecord>(
      db, sql,
      [&](Statement& s) {
        if (user_id) s.Bind(1, *user_id);
      },
      [](const Statement& s) {
        return WatchRecord{s.Text(0), s.Int(1), s.Int(2), s.Text(3)};
      });
}

}  // namespace tansiq::store::sqlite
