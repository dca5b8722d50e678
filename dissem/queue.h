// The outgoing queue of one push connection: higher precedence overtakes queued lower
// precedence (FIFO within a precedence), bounded, de-duplicated by message id. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "dissem/message.h"

namespace tansiq::dissem {

// One frame waiting to be written: the message id, its precedence and the encoded frame.
struct OutgoingFrame {
  std::string message_id;
  Precedence precedence = Precedence::kRoutine;
  std::string payload;
  bool operator==(const OutgoingFrame&) const = default;
};

// Owned by one connection (session) and used only on that connection's strand: not
// thread-safe. A connection whose queue overflows is too far behind: the session must
// drop it; the recipient catches up from the durable queue when they reconnect.
class OutgoingQueue {
 public:
  struct Limits {
    std::size_t max_frames = 1024;
    std::size_t max_bytes = 8 * 1024 * 1024;  // payload bytes queued
    // Ids remembered after sending, so a replay racing a live push is not sent twice on
    // this connection (the client de-duplicates too; this saves the bandwidth).
    std::size_t remembered_ids = 4096;
  };

  enum class PushResult {
    kQueued,
    kDuplicate,       // the id is queued or was sent on this connection: nothing done
    kDropConnection,  // over a limit (now or before): close the connection
  };

  OutgoingQueue() : OutgoingQueue(Limits{}) {}
  explicit OutgoingQueue(Limits limits) : limits_(limits) {}

  PushResult Push(OutgoingFrame frame);
  // The next frame to write: the oldest of the highest precedence queued; nullopt when empty
  // (or dropped). Its id is remembered as sent.
  std::optional<OutgoingFrame> Pop();

  bool empty() const { return frames_ == 0; }
  std::size_t size() const { return frames_; }
  std::size_t bytes() const { return bytes_; }
  // True once a push overflowed; the queue then holds nothing and accepts nothing.
  bool dropped() const { return dropped_; }

 private:
  const Limits limits_;
  std::array<std::deque<OutgoingFrame>, kPrecedenceCount> by_precedence_;
  std::unordered_set<std::string> queued_ids_;
  std::unordered_set<std::string> sent_ids_;
  std::deque<std::string> sent_order_;  // oldest first, to forget beyond remembered_ids
  std::size_t frames_ = 0;
  std::size_t bytes_ = 0;
  bool dropped_ = false;
};

}  // namespace tansiq::dissem
