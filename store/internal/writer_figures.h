// The writer's figures for StoreStats (queue wait, commits, commit latency histogram), kept
// the same way by every backend's group-commit writer. Not thread-safe: the backend's queue
// mutex guards it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "store/store.h"

namespace tansiq::store::internal {

struct WriterFigures {
  using TimePoint = std::chrono::steady_clock::time_point;

  std::uint64_t commits = 0;
  std::optional<TimePoint> batch_since;  // the oldest job of the batch being written
  double commit_seconds = 0;
  std::array<std::uint64_t, StoreStats::kCommitBuckets.size()> commit_buckets{};

  // A batch taken off the queue; `oldest` is when its first job was queued.
  void BatchStarted(TimePoint oldest) { batch_since = oldest; }

  // A batch committed (or rolled back) after `seconds`.
  void BatchDone(double seconds) {
    ++commits;
    batch_since.reset();
    commit_seconds += seconds;
    std::size_t b = 0;
    while (b < StoreStats::kCommitBuckets.size() && seconds > StoreStats::kCommitBuckets[b]) ++b;
    if (b < commit_buckets.size()) ++commit_buckets[b];
  }

  // Fills the writer's part of `st`; `queued_front` is when the job at the head of the queue
  // was queued (none when the queue is empty).
  void Fill(StoreStats& st, std::size_t queue_size, std::optional<TimePoint> queued_front) const {
    st.write_queue = queue_size;
    auto oldest = batch_since ? batch_since : queued_front;
    if (oldest) st.writer_wait = std::chrono::steady_clock::now() - *oldest;
    st.commits = commits;
    st.commit_seconds = commit_seconds;
    st.commit_buckets = commit_buckets;
  }
};

}  // namespace tansiq::store::internal
