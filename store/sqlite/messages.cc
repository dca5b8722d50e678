#include "store/sqlite/messages.h"

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

// Runs `sql` with `bind` applied and collects every row through `row`.
template <typename T, typename Bind, typename Row>
Result<std::vector<T>> Collect(Connection& db, const std::string& sql, Bind bind, Row row) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  bind(**st);
  std::vector<T> out;
  Status status;
  while ((*st)->Step(&status)) out.push_back(row(**st));
  if (!status.ok()) return status;
  return out;
}

std::int64_t Clamp(std::size_t n) {
  return static_cast<std::int64_t>(std::min<std::size_t>(n, 1'000'000));
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

Status PutWebhook(Connection& db, const WebhookRecord& w) {
  auto st = db.Prepare(
      "INSERT OR REPLACE INTO webhooks(id, user_id, party, url, secret, created) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, w.id).Bind(2, w.user_id);
  (*st)->Bind(3, w.party ? static_cast<std::int64_t>(*w.party) : std::int64_t{-1});
  (*st)->Bind(4, w.url).Bind(5, w.secret).Bind(6, w.created);
  return (*st)->Run();
}

Result<bool> DeleteWebhook(Connection& db, std::string_view id) {
  auto outbox = db.Prepare("DELETE FROM webhook_outbox WHERE webhook_id = ?1");
  if (!outbox.ok()) return outbox.status();
  (*outbox)->Bind(1, id);
  TANSIQ_RETURN_IF_ERROR((*outbox)->Run());
  auto st = db.Prepare("DELETE FROM webhooks WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  TANSIQ_RETURN_IF_ERROR((*st)->Run());
  return sqlite3_changes(db.raw()) > 0;
}

Status PutWebhookDelivery(Connection& db, const WebhookDelivery& d) {
  auto st = db.Prepare(
      "INSERT OR REPLACE INTO webhook_outbox(id, webhook_id, user_id, message_id, realert, "
      "escalated_for, queued_at, attempts, next_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!st.ok()) return st.status();
  Statement& s = **st;
  s.Bind(1, d.id).Bind(2, d.webhook_id).Bind(3, d.user_id).Bind(4, d.message_id);
  s.Bind(5, d.realert).Bind(6, d.escalated_for).Bind(7, d.queued_at).Bind(8, d.attempts);
  s.Bind(9, d.next_at);
  return s.Run();
}

Status DeleteWebhookDelivery(Connection& db, std::string_view id) {
  auto st = db.Prepare("DELETE FROM webhook_outbox WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return (*st)->Run();
}

Result<std::vector<WebhookRecord>> Webhooks(Connection& db) {
  return Collect<WebhookRecord>(
      db, "SELECT id, user_id, party, url, secret, created FROM webhooks ORDER BY created, id",
      [](Statement&) {},
      [](const Statement& s) {
        WebhookRecord w;
        w.id = s.Text(0);
        w.user_id = s.Int(1);
        if (s.Int(2) >= 0) w.party = static_cast<policy::PartyIndex>(s.Int(2));
        w.url = s.Text(3);
        w.secret = s.Text(4);
        w.created = s.Int(5);
        return w;
      });
}

Result<std::vector<WebhookDelivery>> WebhookOutbox(Connection& db, std::size_t limit) {
  return Collect<WebhookDelivery>(
      db,
      "SELECT id, webhook_id, user_id, message_id, realert, escalated_for, queued_at, attempts, "
      "next_at FROM webhook_outbox ORDER BY next_at, id LIMIT ?1",
      [&](Statement& s) { s.Bind(1, Clamp(limit)); },
      [](const Statement& s) {
        WebhookDelivery d;
        d.id = s.Text(0);
        d.webhook_id = s.Text(1);
        d.user_id = s.Int(2);
        d.message_id = s.Text(3);
        d.realert = static_cast<int>(s.Int(4));
        d.escalated_for = s.Text(5);
        d.queued_at = s.Int(6);
        d.attempts = static_cast<int>(s.Int(7));
        d.next_at = s.Int(8);
        return d;
      });
}

}  // namespace tansiq::store::sqlite
