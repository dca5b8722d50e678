// Dissemination tables in the PostgreSQL backend: messages, deliveries (the durable queue)
// and watch rules.
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {
namespace {

constexpr const char* kMessageColumns = "m.id, m.precedence, m.sender_user, m.sent_at, m.json";
constexpr const char* kDeliveryColumns =
    "d.message_id, d.user_id, d.state, d.queued_at, d.delivered_at, d.read_at, "
    "d.acknowledged_at, d.escalated_at, d.deadline, d.realerts, d.detail";

MessageRecord MessageAt(const Rows& r, int i, int col) {
  return {r.Text(i, col), static_cast<int>(r.Int(i, col + 1)), r.Int(i, col + 2), r.Int(i, col + 3),
          r.Text(i, col + 4)};
}

DeliveryRecord DeliveryAt(const Rows& r, int i, int col) {
  DeliveryRecord d;
  d.message_id = r.Text(i, col);
  d.user_id = r.Int(i, col + 1);
  d.state = static_cast<int>(r.Int(i, col + 2));
  d.queued_at = r.Int(i, col + 3);
  d.delivered_at = r.Int(i, col + 4);
  d.read_at = r.Int(i, col + 5);
  d.acknowledged_at = r.Int(i, col + 6);
  d.escalated_at = r.Int(i, col + 7);
  d.deadline = r.Int(i, col + 8);
  d.realerts = static_cast<int>(r.Int(i, col + 9));
  d.detail = r.Text(i, col + 10);
  return d;
}

}  // namespace

Status PgWriteTxn::PutMessage(const MessageRecord& m) {
  auto r = db_.Query(
      "INSERT INTO messages(id, precedence, sender_user, sent_at, json) "
      "VALUES($1, $2, $3, $4, $5) ON CONFLICT(id) DO NOTHING",
      {m.id, m.precedence, m.sender_user_id, m.sent_at, m.json});
  if (!r.ok()) return r.status();
  if (r->Affected() == 0) return Conflict("message " + m.id + " already exists");
  return Status::Ok();
}

Status PgWriteTxn::PutDelivery(const DeliveryRecord& d) {
  return db_
      .Query(
          "INSERT INTO deliveries(message_id, user_id, state, queued_at, delivered_at, "
          "read_at, acknowledged_at, escalated_at, deadline, realerts, detail) "
          "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
          "ON CONFLICT(message_id, user_id) DO UPDATE SET state = excluded.state, "
          "queued_at = excluded.queued_at, delivered_at = excluded.delivered_at, "
          "read_at = excluded.read_at, acknowledged_at = excluded.acknowledged_at, "
          "escalated_at = excluded.escalated_at, deadline = excluded.deadline, "
          "realerts = excluded.realerts, detail = excluded.detail",
          {d.message_id, d.user_id, d.state, d.queued_at, d.delivered_at, d.read_at,
           d.acknowledged_at, d.escalated_at, d.deadline, d.realerts, d.detail})
      .status();
}

Status PgWriteTxn::PutWatch(const WatchRecord& w) {
  return db_
      .Query(
          "INSERT INTO watches(id, user_id, created, json) VALUES($1, $2, $3, $4) "
          "ON CONFLICT(id) DO UPDATE SET user_id = excluded.user_id, created = excluded.created, "
          "json = excluded.json",
          {w.id, w.user_id, w.created, w.json})
      .status();
}

Result<bool> PgWriteTxn::DeleteWatch(std::string_view id, std::int64_t user_id) {
  auto r = db_.Query("DELETE FROM watches WHERE id = $1 AND user_id = $2", {id, user_id});
  if (!r.ok()) return r.status();
  return r->Affected() > 0;
}

Result<std::optional<MessageRecord>> PgStore::GetMessage(std::string_view id) {
  return WithReader([&](Connection& db) -> Result<std::optional<MessageRecord>> {
    auto r = db.Query(std::string("SELECT ") + kMessageColumns + " FROM messages m WHERE m.id = $1",
                      {id});
    if (!r.ok()) return r.status();
    if (r->empty()) return std::optional<MessageRecord>();
    return std::optional<MessageRecord>(MessageAt(*r, 0, 0));
  });
}

Result<std::vector<DeliveryRecord>> PgStore::Deliveries(std::string_view message_id) {
  return WithReader([&](Connection& db) -> Result<std::vector<DeliveryRecord>> {
    auto r = db.Query(std::string("SELECT ") + kDeliveryColumns +
                          " FROM deliveries d WHERE d.message_id = $1 "
                          "ORDER BY d.queued_at, d.user_id",
                      {message_id});
    if (!r.ok()) return r.status();
    std::vector<DeliveryRecord> out;
    for (int i = 0; i < r->size(); ++i) out.push_back(DeliveryAt(*r, i, 0));
    return out;
  });
}

Result<std::vector<MailboxEntry>> PgStore::Inbox(std::int64_t user_id, bool undelivered_only,
                                                 std::size_t limit, std::size_t offset) {
  std::string sql = std::string("SELECT ") + kMessageColumns + ", " + kDeliveryColumns +
                    " FROM deliveries d JOIN messages m ON m.id = d.message_id"
                    " WHERE d.user_id = $1";
  sql += undelivered_only ? " AND d.state = 0 ORDER BY m.precedence, m.sent_at, m.id"
                          : " ORDER BY m.precedence, m.sent_at DESC, m.id";
  sql += " LIMIT $2 OFFSET $3";
  return WithReader([&](Connection& db) -> Result<std::vector<MailboxEntry>> {
    auto r = db.Query(sql, {user_id, ClampSize(limit), ClampSize(offset)});
    if (!r.ok()) return r.status();
    std::vector<MailboxEntry> out;
    for (int i = 0; i < r->size(); ++i) {
      out.push_back(MailboxEntry{MessageAt(*r, i, 0), DeliveryAt(*r, i, 5)});
    }
    return out;
  });
}

Result<std::vector<MessageRecord>> PgStore::Sent(std::int64_t user_id, std::size_t limit,
                                                 std::size_t offset) {
  return WithReader([&](Connection& db) -> Result<std::vector<MessageRecord>> {
    auto r = db.Query(std::string("SELECT ") + kMessageColumns +
                          " FROM messages m WHERE m.sender_user = $1 "
                          "ORDER BY m.sent_at DESC, m.id LIMIT $2 OFFSET $3",
                      {user_id, ClampSize(limit), ClampSize(offset)});
    if (!r.ok()) return r.status();
    std::vector<MessageRecord> out;
    for (int i = 0; i < r->size(); ++i) out.push_back(MessageAt(*r, i, 0));
    return out;
  });
}

Result<std::vector<std::string>> PgStore::MessagesWithDeadlines() {
  return WithReader([](Connection& db) -> Result<std::vector<std::string>> {
    auto r = db.Query(
        "SELECT DISTINCT message_id FROM deliveries WHERE deadline <> 0 ORDER BY message_id");
    if (!r.ok()) return r.status();
    std::vector<std::string> out;
    for (int i = 0; i < r->size(); ++i) out.push_back(r->Text(i, 0));
    return out;
  });
}

Result<std::vector<WatchRecord>> PgStore::Watches(std::optional<std::int64_t> user_id) {
  return WithReader([&](Connection& db) -> Result<std::vector<WatchRecord>> {
    auto r = user_id
                 ? db.Query(
                       "SELECT id, user_id, created, json FROM watches WHERE user_id = $1 "
                       "ORDER BY created, id",
                       {*user_id})
                 : db.Query("SELECT id, user_id, created, json FROM watches ORDER BY created, id");
    if (!r.ok()) return r.status();
    std::vector<WatchRecord> out;
    for (int i = 0; i < r->size(); ++i) {
      out.push_back(WatchRecord{r->Text(i, 0), r->Int(i, 1), r->Int(i, 2), r->Text(i, 3)});
    }
    return out;
  });
}

}  // namespace tansiq::store::internal
