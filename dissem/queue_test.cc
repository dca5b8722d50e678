// Tests for dissem/queue.h: precedence overtaking, FIFO within a precedence, bounds that
// report "drop this connection", and de-duplication by message id.
#include "dissem/queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tansiq::dissem {
namespace {

using Push = OutgoingQueue::PushResult;

OutgoingFrame Frame(std::string id, Precedence p, std::size_t bytes = 10) {
  return {std::move(id), p, std::string(bytes, 'x')};
}

std::vector<std::string> Drain(OutgoingQueue& q) {
  std::vector<std::string> ids;
  while (std::optional<OutgoingFrame> f = q.Pop()) ids.push_back(f->message_id);
  return ids;
}

TEST(OutgoingQueue, FifoWithinAPrecedence) {
  OutgoingQueue q;
  for (std::string id : {"a", "b", "c"})
    EXPECT_EQ(q.Push(Frame(id, Precedence::kRoutine)), Push::kQueued);
  EXPECT_EQ(Drain(q), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(q.empty());
}

TEST(OutgoingQueue, FlashOvertakesQueuedRoutine) {
  OutgoingQueue q;
  ASSERT_EQ(q.Push(Frame("r1", Precedence::kRoutine)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("r2", Precedence::kRoutine)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("f1", Precedence::kFlash)), Push::kQueued);
  EXPECT_EQ(q.Pop()->message_id, "f1");
  EXPECT_EQ(Drain(q), (std::vector<std::string>{"r1", "r2"}));
}

TEST(OutgoingQueue, EveryPrecedenceInOrderThenArrival) {
  OutgoingQueue q;
  ASSERT_EQ(q.Push(Frame("r1", Precedence::kRoutine)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("p1", Precedence::kPriority)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("i1", Precedence::kImmediate)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("f1", Precedence::kFlash)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("p2", Precedence::kPriority)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("f2", Precedence::kFlash)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("r2", Precedence::kRoutine)), Push::kQueued);
  EXPECT_EQ(Drain(q), (std::vector<std::string>{"f1", "f2", "i1", "p1", "p2", "r1", "r2"}));
}

TEST(OutgoingQueue, InterleavedPushAndPop) {
  OutgoingQueue q;
  ASSERT_EQ(q.Push(Frame("r1", Precedence::kRoutine)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("r2", Precedence::kRoutine)), Push::kQueued);
  EXPECT_EQ(q.Pop()->message_id, "r1");
  ASSERT_EQ(q.Push(Frame("i1", Precedence::kImmediate)), Push::kQueued);
  EXPECT_EQ(q.Pop()->message_id, "i1");
  EXPECT_EQ(q.Pop()->message_id, "r2");
  EXPECT_FALSE(q.Pop().has_value());
}

TEST(OutgoingQueue, PayloadAndPrecedenceArePreserved) {
  OutgoingQueue q;
  OutgoingFrame f{"m", Precedence::kImmediate, R"({"kind":"message","id":"m"})"};
  ASSERT_EQ(q.Push(f), Push::kQueued);
  EXPECT_EQ(q.bytes(), f.size());
  EXPECT_EQ(q.Pop(), f);
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(OutgoingQueue, DuplicateOfAQueuedIdIsIgnored) {
  OutgoingQueue q;
  ASSERT_EQ(q.Push(Frame("m", Precedence::kRoutine)), Push::kQueued);
  EXPECT_EQ(q.Push(Frame("m", Precedence::kFlash)), Push::kDuplicate);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(Drain(q), std::vector<std::string>{"m"});
}

TEST(OutgoingQueue, DuplicateOfASentIdIsIgnored) {
  OutgoingQueue q;
  ASSERT_EQ(q.Push(Frame("m", Precedence::kRoutine)), Push::kQueued);
  ASSERT_TRUE(q.Pop().has_value());
  // The durable queue replays "m" on this connection while it was also pushed live.
  EXPECT_EQ(q.Push(Frame("m", Precedence::kRoutine)), Push::kDuplicate);
  EXPECT_TRUE(q.empty());
}

TEST(OutgoingQueue, SentIdsAreForgottenBeyondTheLimit) {
  OutgoingQueue q({.max_frames = 10, .max_bytes = 1000, .remembered_ids = 2});
  for (std::string id : {"a", "b", "c"}) {
    ASSERT_EQ(q.Push(Frame(id, Precedence::kRoutine)), Push::kQueued);
    ASSERT_TRUE(q.Pop().has_value());
  }
  EXPECT_EQ(q.Push(Frame("a", Precedence::kRoutine)), Push::kQueued);  // forgotten
  EXPECT_EQ(q.Push(Frame("c", Precedence::kRoutine)), Push::kDuplicate);
}

TEST(OutgoingQueue, TooManyFramesDropsTheConnection) {
  OutgoingQueue q({.max_frames = 3, .max_bytes = 1000, .remembered_ids = 16});
  for (std::string id : {"a", "b", "c"})
    ASSERT_EQ(q.Push(Frame(id, Precedence::kRoutine)), Push::kQueued);
  EXPECT_FALSE(q.dropped());
  EXPECT_EQ(q.Push(Frame("f", Precedence::kFlash)), Push::kDropConnection);
  EXPECT_TRUE(q.dropped());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_FALSE(q.Pop().has_value());
  EXPECT_EQ(q.Push(Frame("g", Precedence::kFlash)), Push::kDropConnection);
}

TEST(OutgoingQueue, TooManyBytesDropsTheConnection) {
  OutgoingQueue q({.max_frames = 100, .max_bytes = 25, .remembered_ids = 16});
  ASSERT_EQ(q.Push(Frame("a", Precedence::kRoutine, 10)), Push::kQueued);
  ASSERT_EQ(q.Push(Frame("b", Precedence::kRoutine, 15)), Push::kQueued);  // exactly full
  EXPECT_EQ(q.Push(Frame("c", Precedence::kRoutine, 1)), Push::kDropConnection);
}

TEST(OutgoingQueue, KeepingUpNeverDrops) {
  OutgoingQueue q({.max_frames = 2, .max_bytes = 1000, .remembered_ids = 4});
  for (int i = 0; i < 1000; ++i) {
    const Precedence p = kAllPrecedences[i % kPrecedenceCount];
    ASSERT_EQ(q.Push(Frame("m" + std::to_string(i), p)), Push::kQueued);
    ASSERT_EQ(q.Pop()->message_id, "m" + std::to_string(i));
  }
  EXPECT_FALSE(q.dropped());
}

TEST(OutgoingQueue, RandomisedOrderMatchesAStableSortByPrecedence) {
  OutgoingQueue q({.max_frames = 10'000, .max_bytes = 1 << 20, .remembered_ids = 0});
  std::vector<std::pair<int, std::string>> expected;  // (precedence, id) in push order
  unsigned seed = 12345;
  for (int i = 0; i < 500; ++i) {
    seed = seed * 1103515245u + 12345u;
    const Precedence p = kAllPrecedences[(seed >> 16) % kPrecedenceCount];
    const std::string id = "m" + std::to_string(i);
    ASSERT_EQ(q.Push(Frame(id, p)), Push::kQueued);
    expected.emplace_back(Index(p), id);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> want;
  for (const auto& e : expected) want.push_back(e.second);
  EXPECT_EQ(Drain(q), want);
}

TEST(OutgoingQueue, ConnectionsShareOneEncodedFrame) {
  // A fan-out queues the same bytes on every connection: counted per queue, never copied.
  const FrameBytes bytes = std::make_shared<const std::string>(R"({"kind":"message","id":"m"})");
  OutgoingQueue a, b;
  ASSERT_EQ(a.Push({"m", Precedence::kFlash, bytes}), Push::kQueued);
  ASSERT_EQ(b.Push({"m", Precedence::kFlash, bytes}), Push::kQueued);
  EXPECT_EQ(a.bytes(), bytes->size());
  EXPECT_EQ(b.bytes(), bytes->size());
  std::optional<OutgoingFrame> fa = a.Pop();
  std::optional<OutgoingFrame> fb = b.Pop();
  ASSERT_TRUE(fa && fb);
  EXPECT_EQ(fa->payload.get(), bytes.get());
  EXPECT_EQ(fb->payload.get(), bytes.get());
  EXPECT_EQ(fa->text(), *bytes);
}

}  // namespace
}  // namespace tansiq::dissem
