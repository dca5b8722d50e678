// SQL of the webhook tables (webhooks, webhook_outbox) for the SQLite backend; SqliteStore and
// SqliteWriteTxn delegate here. Not part of the Store API.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "store/sqlite/db.h"
#include "store/webhooks.h"

namespace tansiq::store::sqlite {

Status PutWebhook(Connection& db, const WebhookRecord& w);
Result<bool> DeleteWebhook(Connection& db, std::string_view id);
Status PutWebhookDelivery(Connection& db, const WebhookDelivery& d);
Status DeleteWebhookDelivery(Connection& db, std::string_view id);
Result<std::vector<WebhookRecord>> Webhooks(Connection& db);
Result<std::vector<WebhookDelivery>> WebhookOutbox(Connection& db, std::size_t limit);

}  // namespace tansiq::store::sqlite
