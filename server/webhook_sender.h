// Webhook posts (issue 4 item 5): a Boost.Beast HTTP(S) client on its own thread and
// io_context, so a slow or dead endpoint never delays the WebSocket path or other posts.
// Each outbox row is one coroutine: wait until due, prepare (hub::Webhooks: allow-list check,
// frame, signature), POST with connect and response timeouts, never follow a redirect (a 3xx
// is a failure), then record success or back off and retry.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "base/clock.h"
#include "hub/webhooks.h"

namespace tansiq::server {

struct WebhookSenderOptions {
  std::chrono::milliseconds connect_timeout{5000};    // resolve, connect, TLS handshake
  std::chrono::milliseconds response_timeout{10000};  // send the request, read the answer
  std::string ca_file;  // extra trusted CA certificates (PEM); system ones are always trusted
  // Posts in flight to one webhook at once; the others wait their turn (a dead endpoint
  // holds at most this many sockets, and only its own posts wait).
  int max_in_flight_per_webhook = 8;
};

// Owned by server::Messaging; destroyed before the Webhooks and Messenger it uses. Thread-safe.
// Destruction stops the thread: posts in flight are abandoned and stay in the outbox (posted
// again after the next start — receivers de-duplicate by X-Tansiq-Delivery).
class WebhookSender final : public hub::WebhookDispatch {
 public:
  WebhookSender(hub::Webhooks& webhooks, const Clock& clock, WebhookSenderOptions options);
  ~WebhookSender() override;
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Schedules every pending outbox row and starts the thread. Call once.
  Status Start();
  void Schedule(store::WebhookDelivery delivery) override;

 private:
  boost::asio::awaitable<void> Run(store::WebhookDelivery d);
  // The HTTP status of the answer, or 0 with `error` set.
  boost::asio::awaitable<unsigned> Post(const hub::WebhookPost& post, const std::string& id,
                                        std::string& error);

  hub::Webhooks& webhooks_;
  const Clock& clock_;
  const WebhookSenderOptions options_;
  boost::asio::ssl::context tls_;
  // Used only on ioc_'s thread; declared before ioc_ so they outlive the coroutines.
  std::map<std::string, int> in_flight_;  // posts in flight by webhook id
  std::set<std::string> scheduled_;       // outbox rows with a coroutine (no row runs twice)
  boost::asio::io_context ioc_;           // after tls_: destroyed first, with every coroutine
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace tansiq::server
