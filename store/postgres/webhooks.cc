// Webhooks and their durable outbox in the PostgreSQL backend.
#include "store/postgres/internal/postgres_store.h"

namespace tansiq::store::internal {

Status PgWriteTxn::PutWebhook(const WebhookRecord& w) {
  return db_
      .Query(
          "INSERT INTO webhooks(id, user_id, party, url, secret, created) "
          "VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(id) DO UPDATE SET "
          "user_id = excluded.user_id, party = excluded.party, url = excluded.url, "
          "secret = excluded.secret, created = excluded.created",
          {w.id, w.user_id, w.party ? static_cast<int>(*w.party) : -1, w.url, w.secret, w.created})
      .status();
}

Result<bool> PgWriteTxn::DeleteWebhook(std::string_view id) {
  TANSIQ_RETURN_IF_ERROR(
      db_.Query("DELETE FROM webhook_outbox WHERE webhook_id = $1", {id}).status());
  auto r = db_.Query("DELETE FROM webhooks WHERE id = $1", {id});
  if (!r.ok()) return r.status();
  return r->Affected() > 0;
}

Status PgWriteTxn::PutWebhookDelivery(const WebhookDelivery& d) {
  return db_
      .Query(
          "INSERT INTO webhook_outbox(id, webhook_id, user_id, message_id, realert, "
          "escalated_for, queued_at, attempts, next_at) "
          "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(id) DO UPDATE SET "
          "webhook_id = excluded.webhook_id, user_id = excluded.user_id, "
          "message_id = excluded.message_id, realert = excluded.realert, "
          "escalated_for = excluded.escalated_for, queued_at = excluded.queued_at, "
          "attempts = excluded.attempts, next_at = excluded.next_at",
          {d.id, d.webhook_id, d.user_id, d.message_id, d.realert, d.escalated_for, d.queued_at,
           d.attempts, d.next_at})
      .status();
}

Status PgWriteTxn::DeleteWebhookDelivery(std::string_view id) {
  return db_.Query("DELETE FROM webhook_outbox WHERE id = $1", {id}).status();
}

Result<std::vector<WebhookRecord>> PgStore::Webhooks() {
  return WithReader([](Connection& db) -> Result<std::vector<WebhookRecord>> {
    auto r = db.Query(
        "SELECT id, user_id, party, url, secret, created FROM webhooks ORDER BY created, id");
    if (!r.ok()) return r.status();
    std::vector<WebhookRecord> out;
    for (int i = 0; i < r->size(); ++i) {
      WebhookRecord w;
      w.id = r->Text(i, 0);
      w.user_id = r->Int(i, 1);
      if (r->Int(i, 2) >= 0) w.party = static_cast<policy::PartyIndex>(r->Int(i, 2));
      w.url = r->Text(i, 3);
      w.secret = r->Text(i, 4);
      w.created = r->Int(i, 5);
      out.push_back(std::move(w));
    }
    return out;
  });
}

Result<std::vector<WebhookDelivery>> PgStore::WebhookOutbox(std::size_t limit) {
  return WithReader([&](Connection& db) -> Result<std::vector<WebhookDelivery>> {
    auto r = db.Query(
        "SELECT id, webhook_id, user_id, message_id, realert, escalated_for, queued_at, "
        "attempts, next_at FROM webhook_outbox ORDER BY next_at, id LIMIT $1",
        {ClampSize(limit)});
    if (!r.ok()) return r.status();
    std::vector<WebhookDelivery> out;
    for (int i = 0; i < r->size(); ++i) {
      WebhookDelivery d;
      d.id = r->Text(i, 0);
      d.webhook_id = r->Text(i, 1);
      d.user_id = r->Int(i, 2);
      d.message_id = r->Text(i, 3);
      d.realert = static_cast<int>(r->Int(i, 4));
      d.escalated_for = r->Text(i, 5);
      d.queued_at = r->Int(i, 6);
      d.attempts = static_cast<int>(r->Int(i, 7));
      d.next_at = r->Int(i, 8);
      out.push_back(std::move(d));
    }
    return out;
  });
}

}  // namespace tansiq::store::internal
