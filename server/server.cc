// Serve(): builds the routes and the shared state, binds the listener, runs one io_context
// per thread, and handles signals: SIGINT/SIGTERM stop accepting, cancel idle sessions and let
// busy ones finish (their writes included) before Serve() returns; SIGHUP re-reads the TLS
// certificate and key and the hub's directory. The sessions are in session.cc.
#include "server/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "analysis/scheduler.h"
#include "hub/admin.h"
#include "server/admin_rest.h"
#include "server/analysis_rest.h"
#include "server/errors.h"
#include "server/internal/shared.h"
#include "server/messaging.h"
#include "server/ops.h"
#include "server/taxii.h"
#include "server/tokens_rest.h"
#include "server/web.h"

namespace tansiq::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using internal::Shared;

// Re-reads the hub's directory (parties, collections) every `interval`, so a party added by
// the CLI while the server runs is known at once. A few small reads; on the acceptor's context.
void RefreshDirectory(hub::Hub& hub, asio::steady_timer& timer, std::chrono::milliseconds interval,
                      const std::atomic<bool>& stopping) {
  timer.expires_after(interval);
  timer.async_wait([&hub, &timer, interval, &stopping](const boost::system::error_code& ec) {
    if (ec || stopping) return;
    Status s = hub.Reload();
    if (!s.ok()) spdlog::warn("directory reload: {}", s.message());
    RefreshDirectory(hub, timer, interval, stopping);
  });
}

// SIGHUP: new connections use the re-read certificate; the directory is re-read too.
void OnHangup(Shared& s, asio::signal_set& hup) {
  hup.async_wait([&s, &hup](const boost::system::error_code& ec, int) {
    if (ec) return;
    if (s.tls) {
      Status st = s.tls->Reload();
      if (st.ok()) {
        spdlog::info("SIGHUP: TLS certificate and key reloaded");
      } else {
        spdlog::error("SIGHUP: TLS reload failed, keeping the current certificate: {}",
                      st.message());
      }
    }
    Status st = s.hub.Reload();
    if (!st.ok()) spdlog::error("SIGHUP: directory reload failed: {}", st.message());
    OnHangup(s, hup);
  });
}

Status WritePortFile(const std::string& path, unsigned short port) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
    if (!out) return Unavailable("cannot write " + path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Unavailable("cannot write " + path);
  return Status::Ok();
}

}  // namespace

Status Serve(hub::Hub& hub, const ServerOptions& options) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return InvalidArgument("bad listen address '" + options.host + "'");
  const bool tls = !options.tls_cert.empty() || !options.tls_key.empty();
  if (!tls && !address.is_loopback() && !options.insecure) {
    return InvalidArgument(
        "refusing plain HTTP on a non-loopback address: give --tls-cert and --tls-key, or "
        "--insecure");
  }
  Shared s(hub, options);
  if (tls) {
    auto contexts = TlsContexts::Load(options.tls_cert, options.tls_key);
    if (!contexts.ok()) return contexts.status();
    s.tls = std::move(*contexts);
  }
  // Bound before anything below writes to the database (messaging, webhooks, the scheduler
  // recover and record state): a server that cannot listen leaves the hub as it was.
  int n = options.threads > 0 ? options.threads
                              : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < n; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  asio::io_context& ioc = *contexts[0];
  tcp::acceptor acceptor(ioc);
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Unavailable("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                       ": " + ec.message());
  (void)hub.aliases();  // load reference data now, not in the first search request
  // The hub's settings, read once when it opened, with the serve flags layered on top.
  hub::Settings settings = hub.settings();
  if (options.flash_ack) settings.flash_ack = *options.flash_ack;
  if (options.immediate_ack) settings.immediate_ack = *options.immediate_ack;
  if (options.webhook_allow) settings.webhook_allow = *options.webhook_allow;
  if (options.brief_hour) settings.brief_hour = *options.brief_hour;
  if (options.search_total_bound) settings.search_total_bound = *options.search_total_bound;
  if (options.search_rank_window) settings.search_rank_window = *options.search_rank_window;
  hub.set_settings(settings);
  RegisterTaxii(s.router, hub, options, s.tokens);
  RegisterRest(s.router, hub);
  hub::MessagingOptions messaging;
  auto& ack = messaging.policy.ack_deadline;
  ack[dissem::Index(dissem::Precedence::kFlash)] =
      std::chrono::duration_cast<std::chrono::microseconds>(settings.flash_ack).count();
  ack[dissem::Index(dissem::Precedence::kImmediate)] =
      std::chrono::duration_cast<std::chrono::microseconds>(settings.immediate_ack).count();
  messaging.tick_interval = options.deadline_check;
  hub::WebhookOptions webhooks;
  webhooks.allow = settings.webhook_allow;
  if (options.webhook_retry_initial) {
    webhooks.retry.initial = options.webhook_retry_initial->count() * 1000;
  }
  if (options.webhook_retry_max) {
    webhooks.retry.max_interval = options.webhook_retry_max->count() * 1000;
  }
  if (options.webhook_max_attempts > 0) webhooks.retry.max_attempts = options.webhook_max_attempts;
  WebhookSenderOptions sender;
  sender.connect_timeout = options.webhook_timeout;
  sender.response_timeout = options.webhook_timeout;
  sender.ca_file = options.webhook_ca;
  s.messaging = std::make_unique<Messaging>(hub, messaging, std::move(webhooks), std::move(sender));
  RegisterMessaging(s.router, *s.messaging);
  RegisterWebhooks(s.router, *s.messaging);
  RegisterWeb(s.router, hub, options, s.auth, s.web_sessions);
  RegisterOps(s.router, hub, *s.messaging, s.http_metrics);
  RegisterTokens(s.router, hub);
  RegisterAdmin(s.router, hub);
  // The correlator subscribes to the commit feed before the watch matcher (Messaging::Start):
  // listeners run in order, so an object's entity keys are stored when watch rules with
  // `groups` are matched against it.
  auto analysis_service = RegisterAnalysis(s.router, hub);
  TANSIQ_RETURN_IF_ERROR(s.messaging->Start());
  // The daily brief and trend alerts: destroyed (thread stopped, sends done) before `s`,
  // whose Messenger it sends through.
  analysis::SchedulerOptions scheduling;
  TANSIQ_RETURN_IF_ERROR(analysis::LoadBriefConfig(hub, scheduling));
  scheduling.interval = options.deadline_check;
  analysis::Scheduler scheduler(hub, *analysis_service, s.messaging->messenger, scheduling);
  scheduler.Start();
  if (scheduling.brief_hour >= 0) {
    spdlog::info("daily brief at {:02}:00 UTC", scheduling.brief_hour);
  }

  const unsigned short port = acceptor.local_endpoint().port();
  if (!options.port_file.empty()) TANSIQ_RETURN_IF_ERROR(WritePortFile(options.port_file, port));
  spdlog::info("tansiq serving {}://{}:{}/taxii2/", tls ? "https" : "http", options.host, port);

  asio::signal_set hup(ioc, SIGHUP);
  OnHangup(s, hup);
  asio::steady_timer directory_timer(ioc);
  if (options.directory_refresh.count() > 0) {
    RefreshDirectory(hub, directory_timer, options.directory_refresh, s.stopping);
  }
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& sec, int sig) {
    if (sec) return;
    spdlog::info("signal {}: finishing in-flight requests", sig);
    s.stopping = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    hup.cancel(ignored);
    directory_timer.cancel();
    MutexLock lock(s.mu);
    for (auto& [ex, control] : s.sessions) {
      asio::post(ex, [control = control] {
        if (control->cancel) control->cancel();
      });
    }
  });
  asio::co_spawn(ioc, internal::Listen(s, acceptor, contexts), asio::detached);

  // Contexts other than the acceptor's would return at once with no sessions yet: keep them
  // alive until shutdown starts.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (std::size_t i = 1; i < contexts.size(); ++i) {
    guards.push_back(asio::make_work_guard(*contexts[i]));
  }
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < contexts.size(); ++i) {
    threads.emplace_back([&contexts, i] { contexts[i]->run(); });
  }
  ioc.run();  // returns once the acceptor is closed and its sessions have ended
  guards.clear();
  for (auto& t : threads) t.join();
  spdlog::info("stopped");
  return Status::Ok();
}

}  // namespace tansiq::server
