// The outgoing queue of one push connection: higher precedence overtakes queued lower
// precedence (FIFO within a precedence), bounded, de-duplicated by message id. Pure.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "dissem/message.h"

namespace tansiq::dissem {

// The encoded bytes of a frame, immutable and shared: a fan-out to N sessions queues one
// buffer N times instead of N copies.
using FrameBytes = std::shared_ptr<const std::string>;

// One frame waiting to be written: the message id, its precedence and the encoded frame.
struct OutgoingFrame {
  OutgoingFrame() = default;
  OutgoingFrame(std::string id, Precedence p, std::string text)
      : message_id(std::move(id)),
        precedence(p),
        payload(std::make_shared<const std::string>(std::move(text))) {}
  OutgoingFrame(std::string id, Precedence p, FrameBytes bytes)
      : message_id(std::move(id)), precedence(p), payload(std::move(bytes)) {}

  std::string message_id;
  Precedence precedence = Precedence::kRoutine;
  FrameBytes payload;  // never null once constructed with a payload

  std::string_view text() const {
    return payload ? std::string_view(*payload) : std::string_view();
  }
  std::size_t size() const { return payload ? payload->size() : 0; }
  bool operator==(const OutgoingFrame& o) const {
    return message_id == o.message_id && precedence == o.precedence && text() == o.text();
  }
};

// Owned by one connection (session) and used only on that connection's strand: not
// thread-safe. A connection whose queue overflows is too far behind: the session must
// drop it; the recipient catches up from the durable queue when they reconnect.
class OutgoingQueue {
 public:
  struct Limits {
    std::size_t max_frames = 1024;
    std::size_t max_bytes = std::size_t{8} * 1024 * 1024;  // payload bytes queued
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
