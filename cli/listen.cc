// `tansiq listen`: a terminal client of the push stream. Prints each frame, confirms each
// message as received, and acknowledges or marks read on command ("ack ID", "read ID").
#include "cli/listen.h"

#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <iostream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

namespace tansiq::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string Base64(std::string_view s) {
  std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// One line for a frame, for people; the raw JSON with --json.
std::string Describe(const json::object& f) {
  auto str = [&](std::string_view k) {
    const json::value* v = f.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const std::string kind = str("kind");
  if (kind == "message") {
    std::string p = str("precedence");
    for (auto& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string from;
    if (const json::value* v = f.if_contains("from"); v && v->is_object()) {
      const json::object& o = v->get_object();
      if (auto* u = o.if_contains("user"); u && u->is_string()) from = u->get_string();
      if (auto* pa = o.if_contains("party"); pa && pa->is_string()) {
        from += "@" + std::string(pa->get_string());
      }
    }
    std::string line = "[" + p + "] " + str("subject") + " — " + from + " (" + str("id") + ")";
    if (auto* r = f.if_contains("realert"); r && r->is_int64() && r->get_int64() > 0) {
      line += " RE-ALERT " + std::to_string(r->get_int64());
    }
    if (auto* e = f.if_contains("escalated_for"); e && e->is_string()) {
      line += " escalated for " + std::string(e->get_string());
    }
    if (!str("body").empty()) line += "\n    " + str("body");
    return line;
  }
  if (kind == "delivery") {
    return "[delivery] " + str("message_id") + ": " + str("recipient") + " " + str("state") +
           " at " + str("at");
  }
  return "[" + kind + "] " + json::serialize(f);
}

struct Outgoing {
  explicit Outgoing(asio::any_io_executor ex) : wake(ex) {}
  std::deque<std::string> frames;
  asio::steady_timer wake;
  bool done = false;
  void Send(std::string f) {
    frames.push_back(std::move(f));
    wake.cancel();
  }
};

template <typename WebSocket>
asio::awaitable<void> Writer(WebSocket& ws, Outgoing& out) {
  while (!out.done) {
    if (out.frames.empty()) {
      out.wake.expires_at(asio::steady_timer::time_point::max());
      co_await out.wake.async_wait(kTuple);
      continue;
    }
    std::string f = std::move(out.frames.front());
    out.frames.pop_front();
    auto w = co_await ws.async_write(asio::buffer(f), kTuple);
    if (std::get<0>(w)) break;
  }
}

// Commands from stdin: "ack ID", "read ID", "quit".
asio::awaitable<void> Commands(Outgoing& out, std::function<void()> quit) {
  auto ex = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor in(ex, ::dup(STDIN_FILENO));
  asio::streambuf buf;
  for (;;) {
    auto r = co_await asio::async_read_until(in, buf, '\n', kTuple);
    if (std::get<0>(r)) co_return;  // stdin closed: keep listening
    std::istream is(&buf);
    std::string verb, id;
    std::string line;
    std::getline(is, line);
    std::istringstream words(line);
    words >> verb >> id;
    if (verb == "quit" || verb == "exit") {
      quit();
      co_return;
    }
    if ((verb == "ack" || verb == "read") && !id.empty()) {
      out.Send(json::serialize(json::object{{"kind", verb}, {"id", id}}));
      std::cerr << verb << " " << id << " sent\n";
    } else if (!verb.empty()) {
      std::cerr << "commands: ack ID | read ID | quit\n";
    }
  }
}

template <typename WebSocket>
asio::awaitable<int> Session(WebSocket& ws, const ListenOptions& o, std::string host,
                             std::string target) {
  ws.set_option(websocket::stream_base::decorator([&o](websocket::request_type& req) {
    if (!o.token.empty()) {
      req.set(beast::http::field::authorization, "Bearer " + o.token);
    } else {
      req.set(beast::http::field::authorization, "Basic " + Base64(o.user + ":" + o.password));
    }
  }));
  websocket::response_type res;
  auto hs = co_await ws.async_handshake(res, host, target, kTuple);
  if (std::get<0>(hs)) {
    std::cerr << "tansiq listen: handshake failed: " << std::get<0>(hs).message() << " ("
              << res.result_int() << " " << res.body() << ")\n";
    co_return 1;
  }
  std::cerr << "connected to " << host << target << "; commands: ack ID | read ID | quit\n";
  auto ex = co_await asio::this_coro::executor;
  Outgoing out(ex);
  asio::co_spawn(ex, Writer(ws, out), asio::detached);
  bool quitting = false;
  if (o.commands) {
    auto quit = [&ws, &quitting] {
      quitting = true;
      ws.async_close(websocket::close_code::normal, [](auto) {});
    };
    asio::co_spawn(ex, Commands(out, quit), asio::detached);
  }
  beast::flat_buffer buffer;
  int rc = 0;
  for (;;) {
    auto r = co_await ws.async_read(buffer, kTuple);
    if (std::get<0>(r)) {
      if (!quitting && std::get<0>(r) != websocket::error::closed) {
        std::cerr << "tansiq listen: " << std::get<0>(r).message() << "\n";
        rc = 1;
      }
      break;
    }
    std::string text = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) continue;
    std::cout << (o.raw_json ? text : Describe(v.get_object())) << std::endl;
    const json::object& f = v.get_object();
    if (auto* k = f.if_contains("kind"); k && *k == "message") {
      out.Send(json::serialize(json::object{{"kind", "received"}, {"id", f.at("id")}}));
      if (o.ack_all) out.Send(json::serialize(json::object{{"kind", "ack"}, {"id", f.at("id")}}));
    }
  }
  out.done = true;
  out.wake.cancel();
  co_return rc;
}

}  // namespace

int Listen(const ListenOptions& o) {
  if (sodium_init() < 0) return 1;
  auto url = boost::urls::parse_uri(o.url);
  if (!url || (url->scheme() != "http" && url->scheme() != "https")) {
    std::cerr << "tansiq listen: --url must be http(s)://host[:port]\n";
    return 2;
  }
  if (o.token.empty() && o.user.empty()) {
    std::cerr << "tansiq listen: give --user (password from TANSIQ_PASSWORD) or --token\n";
    return 2;
  }
  const bool tls = url->scheme() == "https";
  const std::string host = url->host();
  const std::string port = url->has_port() ? std::string(url->port()) : (tls ? "443" : "80");
  std::string target = std::string(url->path());
  while (!target.empty() && target.back() == '/') target.pop_back();
  target += "/api/v1/stream";

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  auto endpoints = resolver.resolve(host, port, ec);
  if (ec) {
    std::cerr << "tansiq listen: " << host << ": " << ec.message() << "\n";
    return 1;
  }
  int rc = 1;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  if (tls) {
    if (o.insecure_tls) {
      ctx.set_verify_mode(asio::ssl::verify_none);
    } else {
      ctx.set_verify_mode(asio::ssl::verify_peer);
      if (o.ca_file.empty()) {
        ctx.set_default_verify_paths();
      } else {
        ctx.load_verify_file(o.ca_file, ec);
        if (ec) {
          std::cerr << "tansiq listen: --ca " << o.ca_file << ": " << ec.message() << "\n";
          return 1;
        }
      }
    }
  }
  auto run = [&]() -> asio::awaitable<void> {
    if (tls) {
      websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
      auto c = co_await beast::get_lowest_layer(ws).async_connect(endpoints, kTuple);
      if (std::get<0>(c)) {
        std::cerr << "tansiq listen: connect: " << std::get<0>(c).message() << "\n";
        co_return;
      }
      SSL_set_tlsext_host_name(ws.next_layer().native_handle(), host.c_str());
      auto h = co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, kTuple);
      if (std::get<0>(h)) {
        std::cerr << "tansiq listen: TLS: " << std::get<0>(h).message() << "\n";
        co_return;
      }
      rc = co_await Session(ws, o, host + ":" + port, target);
    } else {
      websocket::stream<beast::tcp_stream> ws(ioc);
      auto c = co_await ws.next_layer().async_connect(endpoints, kTuple);
      if (std::get<0>(c)) {
        std::cerr << "tansiq listen: connect: " << std::get<0>(c).message() << "\n";
        co_return;
      }
      rc = co_await Session(ws, o, host + ":" + port, target);
    }
    ioc.stop();
  };
  asio::co_spawn(ioc, run(), asio::detached);
  ioc.run();
  return rc;
}

}  // namespace tansiq::cli
