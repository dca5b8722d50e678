#include "server/stream.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <iterator>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include "server/http_date.h"

namespace tansiq::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// One session's outgoing side, shared by its reader, its writer and the frames posted to it.
// Touched only on the session's io_context (one thread): no lock.
struct Outbox {
  Outbox(asio::any_io_executor ex, const dissem::OutgoingQueue::Limits& limits)
      : queue(limits), wake(ex), writer_done(ex) {}
  dissem::OutgoingQueue queue;
  asio::steady_timer wake;         // cancelled to wake the writer
  asio::steady_timer writer_done;  // cancelled when the writer has returned
  // The durable queue replayed on connect, FLASH first, fed into `queue` a slice at a time so
  // a long backlog neither overflows the queue's bound nor stops live frames overtaking it.
  std::deque<dissem::OutgoingFrame> backlog;
  bool closing = false;
  bool writer_running = true;
  bool writer_waiting = false;  // the writer waits on `wake`: only then is there one to cancel
  int errors = 0;
  static constexpr std::size_t kSlice = 256;

  void Refill() {
    while (!closing && !backlog.empty() && queue.size() < kSlice) {
      auto pushed = queue.Push(std::move(backlog.front()));
      backlog.pop_front();
      if (pushed == dissem::OutgoingQueue::PushResult::kDropConnection) closing = true;
    }
  }

  void Deliver(dissem::OutgoingFrame frame) {
    if (closing) return;
    if (queue.Push(std::move(frame)) == dissem::OutgoingQueue::PushResult::kDropConnection) {
      closing = true;  // too far behind: the writer closes; the durable queue catches up
    }
    if (writer_waiting) wake.cancel();  // a fan-out posts thousands: no timer work per frame
  }
};

std::string ErrorFrame(std::string_view message) {
  return json::serialize(json::object{{"kind", "error"}, {"message", message}});
}

template <typename WebSocket>
asio::awaitable<void> WriteLoop(WebSocket& ws, std::shared_ptr<Outbox> box) {
  for (;;) {
    if (box->closing) break;
    box->Refill();
    std::optional<dissem::OutgoingFrame> frame = box->queue.Pop();
    if (!frame) {
      box->wake.expires_at(asio::steady_timer::time_point::max());
      box->writer_waiting = true;
      co_await box->wake.async_wait(kTuple);
      box->writer_waiting = false;
      continue;
    }
    ws.text(true);
    // frame->payload is shared with every other session the frame went to; it stays alive
    // in `frame` until the write completes.
    auto written = co_await ws.async_write(asio::buffer(frame->text()), kTuple);
    if (std::get<0>(written)) {
      box->closing = true;
      break;
    }
  }
  if (box->queue.dropped()) {
    websocket::close_reason reason(websocket::close_code::try_again_later);
    reason.reason = "too far behind: reconnect to catch up";
    co_await ws.async_close(reason, kTuple);
  }
  box->writer_running = false;
  box->writer_done.cancel();
}

// Applies one client frame: {"kind": "received" | "read" | "ack", "id": "..."}.
void HandleClientFrame(hub::Messenger& messenger, const policy::Reader& reader,
                       const std::string& session, const std::string& text,
                       const std::shared_ptr<Outbox>& box, asio::any_io_executor ex) {
  auto reply_error = [box, ex](std::string message) {
    asio::post(ex, [box, message = std::move(message)] {
      box->Deliver({"error:" + std::to_string(++box->errors), dissem::Precedence::kFlash,
                    ErrorFrame(message)});
    });
  };
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  const json::object* o = v.if_object();
  const json::value* kind = o ? o->if_contains("kind") : nullptr;
  const json::value* id = o ? o->if_contains("id") : nullptr;
  if (ec || !o || !kind || !kind->is_string() || !id || !id->is_string() ||
      id->get_string().size() > 200) {
    return reply_error("frames are {\"kind\": \"received\"|\"read\"|\"ack\", \"id\": \"...\"}");
  }
  std::string message_id(id->get_string());
  auto done = [reply_error, message_id](Status s) {
    if (!s.ok()) reply_error(message_id + ": " + s.message());
  };
  const std::string_view k = kind->get_string();
  if (k == "received") {
    messenger.Received(reader, message_id, session, done);
  } else if (k == "read") {
    messenger.Read(reader, message_id, done);
  } else if (k == "ack") {
    messenger.Acknowledge(reader, message_id, done);
  } else {
    reply_error("unknown kind '" + std::string(k) + "'");
  }
}

template <typename Stream>
asio::awaitable<void> Run(hub::Messenger& messenger, StreamHub& streams, const StreamLimits& limits,
                          Stream& stream, const Request& request, policy::Reader reader) {
  websocket::stream<Stream&> ws(stream);
  beast::get_lowest_layer(stream).expires_never();  // the websocket's own timeouts rule now
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, "tansiq");
    res.set(http::field::date, HttpDate(SystemClock().NowMicros()));
  }));
  ws.read_message_max(limits.max_client_frame);
  auto accepted = co_await ws.async_accept(request, kTuple);
  if (std::get<0>(accepted)) co_return;

  auto ex = co_await asio::this_coro::executor;
  auto box = std::make_shared<Outbox>(ex, limits.queue);
  const std::string session = [] {
    unsigned char raw[12];
    randombytes_buf(raw, sizeof raw);
    char hex[sizeof raw * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    return std::string(hex);
  }();
  // Registered before the durable queue is read: a message sent meanwhile arrives at least
  // once (twice at worst — the queue drops the repeat by id, the client de-duplicates too).
  const std::uint64_t handle = streams.Add(
      reader.user_id, {ex, [box](dissem::OutgoingFrame f) { box->Deliver(std::move(f)); }});
  auto pending = messenger.Pending(reader);
  if (pending.ok()) {
    box->backlog.assign(std::make_move_iterator(pending->begin()),
                        std::make_move_iterator(pending->end()));
    box->Refill();
  } else {
    spdlog::warn("stream {}: durable queue: {}", reader.user_name, pending.status().message());
  }
  asio::co_spawn(ex, WriteLoop(ws, box), asio::detached);

  beast::flat_buffer buffer;
  for (;;) {
    auto read = co_await ws.async_read(buffer, kTuple);
    if (std::get<0>(read)) break;
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    if (!ws.got_text()) continue;
    HandleClientFrame(messenger, reader, session, text, box, ex);
  }
  streams.Remove(handle);
  box->closing = true;
  box->wake.cancel();
  while (box->writer_running) {
    box->writer_done.expires_at(asio::steady_timer::time_point::max());
    co_await box->writer_done.async_wait(kTuple);
  }
}

}  // namespace

std::uint64_t StreamHub::Add(std::int64_t user_id, Endpoint endpoint) {
  MutexLock lock(mu_);
  const std::uint64_t handle = next_++;
  by_user_.emplace(user_id, std::make_pair(handle, std::move(endpoint)));
  return handle;
}

void StreamHub::Remove(std::uint64_t handle) {
  MutexLock lock(mu_);
  std::erase_if(by_user_, [&](const auto& e) { return e.second.first == handle; });
}

void StreamHub::Push(std::int64_t user_id, const dissem::OutgoingFrame& frame) {
  MutexLock lock(mu_);
  auto [begin, end] = by_user_.equal_range(user_id);
  for (auto it = begin; it != end; ++it) {
    const Endpoint& e = it->second.second;
    asio::post(e.executor, [deliver = e.deliver, frame] { deliver(frame); });
  }
}

void StreamHub::PushMany(std::span<const std::int64_t> user_ids,
                         const dissem::OutgoingFrame& frame) {
  struct Batch {
    asio::any_io_executor executor;
    std::vector<std::function<void(dissem::OutgoingFrame)>> deliver;
  };
  std::vector<Batch> batches;  // one per io_context: a handful
  {
    MutexLock lock(mu_);
    for (std::int64_t user : user_ids) {
      auto [begin, end] = by_user_.equal_range(user);
      for (auto it = begin; it != end; ++it) {
        const Endpoint& e = it->second.second;
        auto same = [&](const Batch& b) { return b.executor == e.executor; };
        auto b = std::find_if(batches.begin(), batches.end(), same);
        if (b == batches.end()) b = batches.insert(batches.end(), Batch{e.executor, {}});
        b->deliver.push_back(e.deliver);
      }
    }
  }
  for (Batch& b : batches) {
    asio::post(b.executor, [deliver = std::move(b.deliver), frame] {
      for (const auto& d : deliver) d(frame);
    });
  }
}

bool StreamHub::Online(std::int64_t user_id) const {
  MutexLock lock(mu_);
  return by_user_.contains(user_id);
}

std::size_t StreamHub::sessions() const {
  MutexLock lock(mu_);
  return by_user_.size();
}

std::string TicketBook::Issue(const policy::Reader& reader) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  const Micros now = clock_.NowMicros();
  MutexLock lock(mu_);
  std::erase_if(tickets_, [&](const auto& t) { return t.second.second <= now; });
  tickets_.emplace(hex, std::make_pair(reader, now + ttl_));
  return hex;
}

std::optional<policy::Reader> TicketBook::Redeem(std::string_view ticket) {
  const Micros now = clock_.NowMicros();
  MutexLock lock(mu_);
  auto it = tickets_.find(ticket);
  if (it == tickets_.end()) return std::nullopt;
  auto [reader, expires] = it->second;
  tickets_.erase(it);
  if (expires <= now) return std::nullopt;
  return reader;
}

asio::awaitable<void> RunStream(hub::Messenger& messenger, StreamHub& streams,
                                const StreamLimits& limits, beast::tcp_stream& stream,
                                const Request& request, policy::Reader reader) {
  return Run(messenger, streams, limits, stream, request, std::move(reader));
}

asio::awaitable<void> RunStream(hub::Messenger& messenger, StreamHub& streams,
                                const StreamLimits& limits,
                                beast::ssl_stream<beast::tcp_stream>& stream,
                                const Request& request, policy::Reader reader) {
  return Run(messenger, streams, limits, stream, request, std::move(reader));
}

}  // namespace tansiq::server
