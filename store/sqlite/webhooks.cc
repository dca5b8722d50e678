// SQL of the webhook tables (webhooks, webhook_outbox) for the SQLite backend.
#include "store/sqlite/webhooks.h"

namespace tansiq::store::sqlite {

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
