// SQL of the dissemination tables (messages, deliveries, watches) for the SQLite backend;
// SqliteStore and SqliteWriteTxn delegate here. Not part of the Store API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/mailbox.h"
#include "store/sqlite/db.h"

namespace tansiq::store::sqlite {

Status PutMessage(Connection& db, const MessageRecord& m);
Status PutDelivery(Connection& db, const DeliveryRecord& d);
Status PutWatch(Connection& db, const WatchRecord& w);
Result<bool> DeleteWatch(Connection& db, std::string_view id, std::int64_t user_id);

Result<std::optional<MessageRecord>> GetMessage(Connection& db, std::string_view id);
Result<std::vector<DeliveryRecord>> Deliveries(Connection& db, std::string_view message_id);
Result<std::vector<MailboxEntry>> Inbox(Connection& db, std::int64_t user_id, bool undelivered_only,
                                        std::size_t limit, std::size_t offset);
Result<std::vector<MessageRecord>> Sent(Connection& db, std::int64_t user_id, std::size_t limit,
                                        std::size_t offset);
Result<std::vector<std::string>> MessagesWithDeadlines(Connection& db);
Result<std::vector<WatchRecord>> Watches(Connection& db, std::optional<std::int64_t> user_id);

}  // namespace tansiq::store::sqlite
