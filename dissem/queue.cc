// The per-connection precedence queue.
#include "dissem/queue.h"

#include <utility>

namespace tansiq::dissem {

OutgoingQueue::PushResult OutgoingQueue::Push(OutgoingFrame frame) {
  if (dropped_) return PushResult::kDropConnection;
  if (queued_ids_.contains(frame.message_id) || sent_ids_.contains(frame.message_id)) {
    return PushResult::kDuplicate;
  }
  if (frames_ + 1 > limits_.max_frames || bytes_ + frame.size() > limits_.max_bytes) {
    dropped_ = true;
    for (auto& q : by_precedence_) q.clear();
    queued_ids_.clear();
    frames_ = 0;
    bytes_ = 0;
    return PushResult::kDropConnection;
  }
  queued_ids_.insert(frame.message_id);
  bytes_ += frame.size();
  ++frames_;
  by_precedence_[Index(frame.precedence)].push_back(std::move(frame));
  return PushResult::kQueued;
}

std::optional<OutgoingFrame> OutgoingQueue::Pop() {
  for (auto& q : by_precedence_) {
    if (q.empty()) continue;
    OutgoingFrame frame = std::move(q.front());
    q.pop_front();
    --frames_;
    bytes_ -= frame.size();
    queued_ids_.erase(frame.message_id);
    if (limits_.remembered_ids > 0) {
      sent_ids_.insert(frame.message_id);
      sent_order_.push_back(frame.message_id);
      while (sent_order_.size() > limits_.remembered_ids) {
        sent_ids_.erase(sent_order_.front());
        sent_order_.pop_front();
      }
    }
    return frame;
  }
  return std::nullopt;
}

}  // namespace tansiq::dissem
