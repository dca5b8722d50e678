// The mailbox role of the Store: dissemination messages, each recipient's delivery with every
// state change, the durable queue, and users' watch rules (issue 4; dissem/ decides, the
// store keeps).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace tansiq::store {

// A dissemination message as the store keeps it (issue 4): the message itself is also a
// STIX object version; this record is what delivery needs, fast. `json` is the message
// (subject, body, lang, object_refs, recipients, tlp, releasable_to, from) as sent.
struct MessageRecord {
  std::string id;
  int precedence = 3;  // 0 FLASH .. 3 ROUTINE
  std::int64_t sender_user_id = 0;
  Micros sent_at = 0;
  std::string json;
};

// One recipient's delivery of one message, every state change with its time (0: not yet).
// `detail` is JSON owned by dissemination (names, alternates, escalation history).
struct DeliveryRecord {
  std::string message_id;
  std::int64_t user_id = 0;
  int state = 0;  // 0 queued, 1 delivered, 2 read, 3 acknowledged
  Micros queued_at = 0;
  Micros delivered_at = 0;
  Micros read_at = 0;
  Micros acknowledged_at = 0;
  Micros escalated_at = 0;
  Micros deadline = 0;  // the pending acknowledgement deadline; 0: none
  int realerts = 0;
  std::string detail = "{}";
};

// A message with the reading user's delivery of it (inbox views).
struct MailboxEntry {
  MessageRecord message;
  DeliveryRecord delivery;
};

// A user's watch rule (issue 4): `json` is the rule as accepted.
struct WatchRecord {
  std::string id;
  std::int64_t user_id = 0;
  Micros created = 0;
  std::string json;
};

// Mailbox reads. Thread-safe; part of the Store aggregate (store.h).
class MailboxStore {
 public:
  virtual ~MailboxStore() = default;

  virtual Result<std::optional<MessageRecord>> GetMessage(std::string_view id) = 0;
  // Every recipient's delivery of message `id`, in queue order.
  virtual Result<std::vector<DeliveryRecord>> Deliveries(std::string_view message_id) = 0;
  // `user_id`'s deliveries with their messages, by precedence (FLASH first) then newest
  // first; `undelivered_only`: only those still queued (the durable queue, oldest first).
  virtual Result<std::vector<MailboxEntry>> Inbox(std::int64_t user_id, bool undelivered_only,
                                                  std::size_t limit, std::size_t offset) = 0;
  // Messages `user_id` sent, newest first.
  virtual Result<std::vector<MessageRecord>> Sent(std::int64_t user_id, std::size_t limit,
                                                  std::size_t offset) = 0;
  // Ids of messages with an acknowledgement deadline still pending (to resume after restart).
  virtual Result<std::vector<std::string>> MessagesWithDeadlines() = 0;
  // Watch rules of `user_id`, or of everyone when nullopt, oldest first.
  virtual Result<std::vector<WatchRecord>> Watches(std::optional<std::int64_t> user_id) = 0;
};

// Mailbox writes inside a write job; part of the WriteTxn aggregate (store.h).
class MailboxTxn {
 public:
  virtual ~MailboxTxn() = default;

  // PutMessage fails (kConflict) for a known id; PutDelivery inserts or replaces the
  // (message_id, user_id) row.
  virtual Status PutMessage(const MessageRecord& m) = 0;
  virtual Status PutDelivery(const DeliveryRecord& d) = 0;
  virtual Status PutWatch(const WatchRecord& w) = 0;
  // Deletes `user_id`'s watch `id`; false when the user has no such watch.
  virtual Result<bool> DeleteWatch(std::string_view id, std::int64_t user_id) = 0;
};

}  // namespace tansiq::store
