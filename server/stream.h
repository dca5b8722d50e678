// The push stream (issue 4): WebSocket sessions at /api/v1/stream, the registry of open
// sessions per user that hub::Messenger pushes frames through, and short-lived tickets that
// let a browser open the stream (browsers cannot set an Authorization header on WebSocket).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "base/clock.h"
#include "base/mutex.h"
#include "hub/messages.h"
#include "server/call.h"

namespace tansiq::server {

// Every open stream session, by user. Push() posts the frame onto each session's own
// io_context; the session queues it by precedence and writes it. Thread-safe.
class StreamHub final : public hub::PushSink {
 public:
  // What a session registers: where it runs and how to hand it a frame (run on `executor`).
  struct Endpoint {
    boost::asio::any_io_executor executor;
    std::function<void(dissem::OutgoingFrame)> deliver;
  };

  // Returns a handle for Remove.
  std::uint64_t Add(std::int64_t user_id, Endpoint endpoint);
  void Remove(std::uint64_t handle);
  void Push(std::int64_t user_id, const dissem::OutgoingFrame& frame) override;
  // One post per io_context (not per session) carries the frame to every open session of
  // `user_ids`; the sessions share its encoded bytes.
  void PushMany(std::span<const std::int64_t> user_ids,
                const dissem::OutgoingFrame& frame) override;
  bool Online(std::int64_t user_id) const override;
  std::size_t sessions() const;

 private:
  mutable Mutex mu_;
  std::uint64_t next_ TANSIQ_GUARDED_BY(mu_) = 1;
  std::multimap<std::int64_t, std::pair<std::uint64_t, Endpoint>> by_user_ TANSIQ_GUARDED_BY(mu_);
};

// Single-use stream tickets (POST /api/v1/stream/ticket), valid for `ttl`. Thread-safe.
class TicketBook {
 public:
  explicit TicketBook(const Clock& clock, Micros ttl = 30'000'000) : clock_(clock), ttl_(ttl) {}
  std::string Issue(const policy::Reader& reader);
  // The reader the ticket was issued to; nullopt when unknown, used or expired.
  std::optional<policy::Reader> Redeem(std::string_view ticket);
  Micros ttl() const { return ttl_; }

 private:
  const Clock& clock_;
  const Micros ttl_;
  Mutex mu_;
  std::map<std::string, std::pair<policy::Reader, Micros>, std::less<>> tickets_
      TANSIQ_GUARDED_BY(mu_);
};

// Limits of one stream session.
struct StreamLimits {
  std::size_t max_client_frame = 16 * 1024;  // bytes of one client frame
  dissem::OutgoingQueue::Limits queue;       // beyond these the client is too far behind
};

// Runs an accepted-for-upgrade request as a stream session until the client leaves, falls
// too far behind, or `stream` is cancelled (shutdown). `request` is the upgrade request.
boost::asio::awaitable<void> RunStream(hub::Messenger& messenger, StreamHub& streams,
                                       const StreamLimits& limits, boost::beast::tcp_stream& stream,
                                       const Request& request, policy::Reader reader);
boost::asio::awaitable<void> RunStream(hub::Messenger& messenger, StreamHub& streams,
                                       const StreamLimits& limits,
                                       boost::beast::ssl_stream<boost::beast::tcp_stream>& stream,
                                       const Request& request, policy::Reader reader);

}  // namespace tansiq::server
