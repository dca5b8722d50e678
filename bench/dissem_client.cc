// dissem_client: the C++ client of the dissemination benchmark (bench/dissem_run, issue 4
// "Benchmark"). One io_context on one thread drives N WebSocket sessions (Bearer auth, one per
// recipient, confirming every message with a `received` frame as a real client must) and the
// sender's keep-alive HTTP connection, so every latency is taken on the client's own clock:
// from the start of the sender's POST to the arrival of the frame at each recipient. The echo
// baseline runs over the same sessions in the same process. bench/dissem_bench.py creates the
// hub, starts the server, runs this program and merges its JSON (stdout) into the results.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include "bench/report.h"

namespace tansiq::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr const char* kPrecedences[] = {"flash", "immediate", "priority", "routine"};

double Ms(SteadyClock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// A one-shot event for coroutines on the single thread: Wait returns when Set is called or the
// deadline passes (false then).
class Event {
 public:
  explicit Event(asio::any_io_executor ex) : timer_(ex) {}
  void Set() {
    set_ = true;
    timer_.cancel();
  }
  asio::awaitable<bool> Wait(TimePoint deadline) {
    while (!set_ && SteadyClock::now() < deadline) {
      timer_.expires_at(deadline);
      auto waited = co_await timer_.async_wait(kTuple);
      (void)waited;
    }
    co_return set_;
  }

 private:
  asio::steady_timer timer_;
  bool set_ = false;
};

// What every session reports to: per message id, the arrival time at each distinct recipient,
// and who waits for a message to reach everybody. Single-threaded.
class Tracker {
 public:
  struct Arrivals {
    std::vector<TimePoint> at;
    std::size_t want = 0;
    std::shared_ptr<Event> done;
  };

  void Got(const std::string& id, TimePoint now) {
    Arrivals& a = arrivals_[id];
    a.at.push_back(now);
    if (a.done && a.at.size() >= a.want) a.done->Set();
  }
  // Waits until `id` has reached `want` recipients or the deadline passes.
  asio::awaitable<bool> WaitFor(const std::string& id, std::size_t want, TimePoint deadline) {
    Arrivals& a = arrivals_[id];
    if (a.at.size() >= want) co_return true;
    a.want = want;
    a.done = std::make_shared<Event>(co_await asio::this_coro::executor);
    std::shared_ptr<Event> done = a.done;
    co_return co_await done->Wait(deadline);
  }
  const std::vector<TimePoint>& Of(const std::string& id) { return arrivals_[id].at; }

  std::uint64_t duplicates = 0;
  std::uint64_t unexpected_errors = 0;

 private:
  std::unordered_map<std::string, Arrivals> arrivals_;
};

// The value of "key":"..." in a flat JSON frame (the server writes ids without escapes).
std::string_view FieldOf(std::string_view frame, std::string_view key) {
  std::string pattern = "\"" + std::string(key) + "\":\"";
  auto at = frame.find(pattern);
  if (at == std::string_view::npos) return {};
  auto begin = at + pattern.size();
  auto end = frame.find('"', begin);
  return end == std::string_view::npos ? std::string_view{} : frame.substr(begin, end - begin);
}

// One recipient's WebSocket session. Reads every frame; a `message` frame is recorded (once
// per id) and confirmed with `received`; an `error` frame answers the echo probe.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::io_context& io, std::string user, std::string token, Tracker& tracker)
      : ws_(io), user_(std::move(user)), token_(std::move(token)), tracker_(tracker) {}

  asio::awaitable<std::string> Connect(const tcp::endpoint& server) {
    auto connected = co_await beast::get_lowest_layer(ws_).async_connect(server, kTuple);
    if (std::get<0>(connected)) co_return "connect: " + std::get<0>(connected).message();
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    std::string auth = "Bearer " + token_;
    ws_.set_option(websocket::stream_base::decorator(
        [auth](websocket::request_type& req) { req.set(http::field::authorization, auth); }));
    const std::string host = server.address().to_string() + ":" + std::to_string(server.port());
    auto shaken = co_await ws_.async_handshake(host, "/api/v1/stream", kTuple);
    if (std::get<0>(shaken)) co_return "handshake: " + std::get<0>(shaken).message();
    ws_.text(true);
    co_return "";
  }

  void Start() { asio::co_spawn(ws_.get_executor(), ReadLoop(shared_from_this()), asio::detached); }

  // Sends the echo probe; `done` is told when its answer came back.
  void Echo(std::function<void(double ms)> done) {
    echo_done_ = std::move(done);
    echo_sent_ = SteadyClock::now();
    Write(R"({"kind":"bench-echo"})");
  }

  void Close() {
    closing_ = true;
    if (ws_.is_open()) {
      asio::co_spawn(
          ws_.get_executor(),
          [self = shared_from_this()]() -> asio::awaitable<void> {
            auto closed = co_await self->ws_.async_close(websocket::close_code::normal, kTuple);
            (void)closed;
          },
          asio::detached);
    }
  }

  const std::string& closed_reason() const { return closed_; }
  std::size_t distinct() const { return seen_.size(); }

 private:
  static asio::awaitable<void> ReadLoop(std::shared_ptr<Session> self) {
    beast::flat_buffer buffer;
    for (;;) {
      auto read = co_await self->ws_.async_read(buffer, kTuple);
      const TimePoint now = SteadyClock::now();
      if (std::get<0>(read)) {
        if (!self->closing_) {
          self->closed_ = std::get<0>(read) == websocket::error::closed
                              ? "closed by server: " + std::to_string(self->ws_.reason().code)
                              : "connection lost: " + std::get<0>(read).message();
        }
        co_return;
      }
      std::string frame = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      const std::string_view kind = FieldOf(frame, "kind");
      if (kind == "message") {
        std::string id(FieldOf(frame, "id"));
        self->Write(R"({"kind":"received","id":")" + id + "\"}");
        if (!self->seen_.insert(id).second) {
          ++self->tracker_.duplicates;
          continue;
        }
        self->tracker_.Got(id, now);
      } else if (kind == "error") {
        if (self->echo_done_) {
          auto done = std::move(self->echo_done_);
          self->echo_done_ = nullptr;
          done(Ms(now - self->echo_sent_));
        } else {
          ++self->tracker_.unexpected_errors;
        }
      }
    }
  }

  void Write(std::string frame) {
    out_.push_back(std::move(frame));
    if (writing_) return;
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), WriteLoop(shared_from_this()), asio::detached);
  }

  static asio::awaitable<void> WriteLoop(std::shared_ptr<Session> self) {
    while (!self->out_.empty() && !self->closing_) {
      std::string frame = std::move(self->out_.front());
      self->out_.pop_front();
      auto written = co_await self->ws_.async_write(asio::buffer(frame), kTuple);
      if (std::get<0>(written)) break;
    }
    self->writing_ = false;
  }

  websocket::stream<beast::tcp_stream> ws_;
  const std::string user_;
  const std::string token_;
  Tracker& tracker_;
  std::unordered_set<std::string> seen_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool closing_ = false;
  std::string closed_;
  std::function<void(double)> echo_done_;
  TimePoint echo_sent_;
};

// The sender: one keep-alive HTTP connection posting messages (Basic auth).
class Sender {
 public:
  Sender(asio::io_context& io, tcp::endpoint server, std::string authorization)
      : stream_(io), server_(server), authorization_(std::move(authorization)) {}

  // POSTs one message; the id, or throws on any failure (the run cannot go on without it).
  asio::awaitable<std::string> Send(std::string_view precedence, const json::object& recipients,
                                    const std::string& subject) {
    if (!connected_) {
      auto connected = co_await stream_.async_connect(server_, kTuple);
      if (std::get<0>(connected)) throw std::runtime_error("sender connect failed");
      stream_.socket().set_option(tcp::no_delay(true));
      connected_ = true;
    }
    json::object body{{"precedence", precedence},
                      {"subject", subject},
                      {"body", "benchmark " + subject},
                      {"lang", "en"},
                      {"recipients", recipients}};
    http::request<http::string_body> req{http::verb::post, "/api/v1/messages", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, authorization_);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "application/json");
    req.keep_alive(true);
    req.body() = json::serialize(body);
    req.prepare_payload();
    stream_.expires_after(std::chrono::seconds(60));
    auto written = co_await http::async_write(stream_, req, kTuple);
    if (std::get<0>(written)) throw std::runtime_error("sender write failed");
    http::response<http::string_body> res;
    auto read = co_await http::async_read(stream_, buffer_, res, kTuple);
    if (std::get<0>(read)) throw std::runtime_error("sender read failed");
    if (res.result_int() != 201) {
      throw std::runtime_error("POST /api/v1/messages: " + std::to_string(res.result_int()) + " " +
                               res.body().substr(0, 300));
    }
    if (!res.keep_alive()) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.close();
      connected_ = false;
    }
    co_return json::value_to<std::string>(json::parse(res.body()).at("id"));
  }

 private:
  beast::tcp_stream stream_;
  tcp::endpoint server_;
  std::string authorization_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string tokens_file;  // "user token" per line; the recipients, then
  std::string late;         // the offline recipient of the drain phase (also in tokens_file)
  std::string sender_authorization;
  int messages = 20;
  int burst = 100;
  int burst_senders = 4;
  int queue = 200;
  int echo_rounds = 20;
  int warmup = 1;
  int connect_concurrency = 64;
  double timeout = 60;
};

json::object Summary(const std::vector<double>& ms) {
  LatencySummary s = LatencySummary::Of(ms);
  json::object o = s.ToJson();
  o["n"] = s.count;
  return o;
}

class Bench {
 public:
  Bench(asio::io_context& io, Options options) : io_(io), o_(std::move(options)) {}

  asio::awaitable<void> Run(json::object& out) {
    const tcp::endpoint server(asio::ip::make_address(o_.host), o_.port);
    std::vector<std::pair<std::string, std::string>> recipients, late;
    {
      std::ifstream in(o_.tokens_file);
      std::string user, token;
      while (in >> user >> token) (user == o_.late ? late : recipients).emplace_back(user, token);
    }
    if (recipients.empty()) throw std::runtime_error("no recipients in " + o_.tokens_file);

    const double cpu0 = CpuSeconds();
    const TimePoint t_connect = SteadyClock::now();
    sessions_.resize(recipients.size());
    std::size_t next = 0;
    std::string failure;
    std::size_t workers = std::min<std::size_t>(o_.connect_concurrency, recipients.size());
    auto finished = std::make_shared<Event>(io_.get_executor());
    std::size_t running = workers;
    for (std::size_t w = 0; w < workers; ++w) {
      auto worker = [&]() -> asio::awaitable<void> {
        while (next < recipients.size() && failure.empty()) {
          const std::size_t i = next++;
          auto s =
              std::make_shared<Session>(io_, recipients[i].first, recipients[i].second, tracker_);
          std::string error = co_await s->Connect(server);
          if (!error.empty()) {
            failure = recipients[i].first + ": " + error;
            break;
          }
          s->Start();
          sessions_[i] = std::move(s);
        }
        if (--running == 0) finished->Set();
      };
      asio::co_spawn(io_, worker, asio::detached);
    }
    co_await finished->Wait(TimePoint::max());
    if (!failure.empty()) throw std::runtime_error(failure);
    out["connect_s"] = Seconds(SteadyClock::now() - t_connect);
    out["sessions"] = sessions_.size();

    Sender sender(io_, server, o_.sender_authorization);
    const json::object everyone{{"parties", json::array{"b"}}, {"roles", json::array{"recipient"}}};
    // Warm up: the sender's password check (argon2id once), one message to everyone.
    json::object warm = co_await Latency(sender, "routine", everyone, o_.warmup);
    out["warmup"] = std::move(warm);
    json::object echo = co_await Echo();
    out["baseline_echo"] = std::move(echo);
    json::object latency;
    for (const char* p : kPrecedences) {
      json::object r = co_await Latency(sender, p, everyone, o_.messages);
      latency[p] = std::move(r);
    }
    out["latency"] = std::move(latency);
    json::object throughput = co_await Throughput(sender, server, everyone);
    out["throughput"] = std::move(throughput);
    if (!late.empty() && o_.queue > 0) {
      json::object drain = co_await Drain(sender, server, late.front());
      out["drain"] = std::move(drain);
    }
    out["client"] = json::object{{"cpu_s", CpuSeconds() - cpu0}, {"kind", "c++ (dissem_client)"}};
    std::vector<std::string> reasons;
    std::size_t closed = 0;
    for (const auto& s : sessions_) {
      if (!s->closed_reason().empty()) {
        ++closed;
        if (reasons.size() < 5) reasons.push_back(s->closed_reason());
      }
    }
    json::array close_reasons;
    for (const auto& r : reasons) close_reasons.emplace_back(r);
    out["errors"] = json::object{{"duplicates", tracker_.duplicates},
                                 {"unexpected_error_frames", tracker_.unexpected_errors},
                                 {"sessions_closed", closed},
                                 {"close_reasons", std::move(close_reasons)}};
    for (const auto& s : sessions_) s->Close();
  }

 private:
  TimePoint Deadline() const {
    return SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                    std::chrono::duration<double>(o_.timeout));
  }

  // Every session sends an invalid frame at once and waits for the server's error answer.
  asio::awaitable<json::object> Echo() {
    std::vector<double> lat;
    const TimePoint t0 = SteadyClock::now();
    for (int round = 0; round < o_.echo_rounds; ++round) {
      auto done = std::make_shared<Event>(io_.get_executor());
      std::size_t waiting = sessions_.size();
      for (auto& s : sessions_) {
        s->Echo([&lat, &waiting, done](double ms) {
          lat.push_back(ms);
          if (--waiting == 0) done->Set();
        });
      }
      if (!co_await done->Wait(Deadline())) throw std::runtime_error("echo round timed out");
    }
    const double wall = Seconds(SteadyClock::now() - t0);
    json::object r = Summary(lat);
    r["rounds"] = o_.echo_rounds;
    r["sockets"] = sessions_.size();
    r["wall_s"] = wall;
    r["round_trips_per_s"] = wall > 0 ? static_cast<double>(lat.size()) / wall : 0.0;
    co_return r;
  }

  // Messages sent one at a time; each waits until every session has it. Latency = frame
  // arrival − POST start, on this process's clock.
  asio::awaitable<json::object> Latency(Sender& sender, std::string_view precedence,
                                        const json::object& to, int messages) {
    std::vector<double> lat, post_ms;
    std::uint64_t missing = 0;
    const TimePoint t0 = SteadyClock::now();
    for (int i = 0; i < messages; ++i) {
      const TimePoint start = SteadyClock::now();
      std::string id =
          co_await sender.Send(precedence, to, std::string(precedence) + " " + std::to_string(i));
      post_ms.push_back(Ms(SteadyClock::now() - start));
      bool all = co_await tracker_.WaitFor(id, sessions_.size(), Deadline());
      const auto& at = tracker_.Of(id);
      if (!all) missing += sessions_.size() - at.size();
      for (TimePoint t : at) lat.push_back(Ms(t - start));
    }
    json::object r = Summary(lat);
    r["messages"] = messages;
    r["recipients"] = sessions_.size();
    r["missing"] = missing;
    r["wall_s"] = Seconds(SteadyClock::now() - t0);
    r["post_ms"] = Summary(post_ms);
    co_return r;
  }

  // A burst of ROUTINE messages posted back to back by `burst_senders` keep-alive
  // connections at once (so the hub's group commit can batch them, as with many senders);
  // deliveries/s from the first POST's start to the last arrival.
  asio::awaitable<json::object> Throughput(Sender& first, const tcp::endpoint& server,
                                           const json::object& to) {
    std::vector<std::unique_ptr<Sender>> extra;
    std::vector<Sender*> senders{&first};
    for (int i = 1; i < o_.burst_senders; ++i) {
      extra.push_back(std::make_unique<Sender>(io_, server, o_.sender_authorization));
      senders.push_back(extra.back().get());
    }
    std::vector<std::pair<std::string, TimePoint>> ids(o_.burst);
    const TimePoint t0 = SteadyClock::now();
    int next = 0;
    std::size_t running = senders.size();
    std::string failure;
    auto finished = std::make_shared<Event>(io_.get_executor());
    for (Sender* sender : senders) {
      auto worker = [&, sender]() -> asio::awaitable<void> {
        try {
          while (next < o_.burst) {
            const int i = next++;
            const TimePoint start = SteadyClock::now();
            std::string id = co_await sender->Send("routine", to, "burst " + std::to_string(i));
            ids[i] = {std::move(id), start};
          }
        } catch (const std::exception& e) {
          failure = e.what();
          next = o_.burst;
        }
        if (--running == 0) finished->Set();
      };
      asio::co_spawn(io_, worker, asio::detached);
    }
    co_await finished->Wait(TimePoint::max());
    if (!failure.empty()) throw std::runtime_error(failure);
    const TimePoint posted = SteadyClock::now();
    const TimePoint deadline = Deadline();
    std::uint64_t missing = 0, delivered = 0;
    TimePoint last = t0;
    std::vector<double> lat;
    for (const auto& entry : ids) {
      bool all = co_await tracker_.WaitFor(entry.first, sessions_.size(), deadline);
      const auto& at = tracker_.Of(entry.first);
      if (!all) missing += sessions_.size() - at.size();
      delivered += at.size();
      for (TimePoint t : at) {
        lat.push_back(Ms(t - entry.second));
        last = std::max(last, t);
      }
    }
    const double wall = Seconds(last - t0);
    const double post_s = Seconds(posted - t0);
    json::object r = Summary(lat);
    r["messages"] = o_.burst;
    r["senders"] = o_.burst_senders;
    r["recipients"] = sessions_.size();
    r["deliveries"] = delivered;
    r["missing"] = missing;
    r["post_s"] = post_s;
    r["wall_s"] = wall;
    r["posts_per_s"] = post_s > 0 ? o_.burst / post_s : 0.0;
    r["deliveries_per_s"] = wall > 0 ? static_cast<double>(delivered) / wall : 0.0;
    co_return r;
  }

  // K messages (precedences in turn) to an offline recipient, then it connects: time until
  // every one was received.
  asio::awaitable<json::object> Drain(Sender& sender, const tcp::endpoint& server,
                                      const std::pair<std::string, std::string>& late) {
    const json::object to{{"users", json::array{late.first}}};
    std::vector<std::string> ids;
    const TimePoint t0 = SteadyClock::now();
    for (int i = 0; i < o_.queue; ++i) {
      std::string id = co_await sender.Send(kPrecedences[i % 4], to, "queued " + std::to_string(i));
      ids.push_back(std::move(id));
    }
    const double post_s = Seconds(SteadyClock::now() - t0);
    Tracker local;
    auto s = std::make_shared<Session>(io_, late.first, late.second, local);
    const TimePoint t1 = SteadyClock::now();
    std::string error = co_await s->Connect(server);
    if (!error.empty()) throw std::runtime_error(late.first + ": " + error);
    s->Start();
    const TimePoint deadline = Deadline();
    std::uint64_t received = 0;
    for (const auto& id : ids) {
      if (co_await local.WaitFor(id, 1, deadline)) ++received;
    }
    const double drain = Seconds(SteadyClock::now() - t1);
    // Let the last `received` confirmations reach the server before closing.
    asio::steady_timer pause(io_, std::chrono::milliseconds(200));
    auto paused = co_await pause.async_wait(kTuple);
    (void)paused;
    json::object r{{"queued", o_.queue},
                   {"received", received},
                   {"duplicates", local.duplicates},
                   {"post_s", post_s},
                   {"drain_s", drain},
                   {"messages_per_s", drain > 0 ? static_cast<double>(received) / drain : 0.0}};
    if (!s->closed_reason().empty())
      r["closed"] = s->closed_reason();
    else
      r["closed"] = nullptr;
    s->Close();
    co_return r;
  }

  asio::io_context& io_;
  const Options o_;
  Tracker tracker_;
  std::vector<std::shared_ptr<Session>> sessions_;
};

}  // namespace
}  // namespace tansiq::bench

int main(int argc, char** argv) {
  using namespace tansiq::bench;
  Options o;
  CLI::App app{"dissem_client: WebSocket fan-out client of bench/dissem_run (JSON on stdout)"};
  app.add_option("--host", o.host, "server address");
  app.add_option("--port", o.port, "server port")->required();
  app.add_option("--tokens", o.tokens_file, "file of 'user token' lines")->required();
  app.add_option("--late", o.late, "the offline recipient of the drain phase (in --tokens)");
  app.add_option("--sender-authorization", o.sender_authorization,
                 "Authorization header of the sender's POSTs")
      ->required();
  app.add_option("--messages", o.messages, "messages per precedence (latency)");
  app.add_option("--burst", o.burst, "ROUTINE messages in the throughput burst");
  app.add_option("--burst-senders", o.burst_senders,
                 "sender connections posting the burst concurrently")
      ->check(CLI::Range(1, 64));
  app.add_option("--queue", o.queue, "messages queued for the offline recipient");
  app.add_option("--echo-rounds", o.echo_rounds, "echo rounds over all sessions");
  app.add_option("--warmup", o.warmup, "ROUTINE messages to everyone before measuring");
  app.add_option("--connect-concurrency", o.connect_concurrency, "handshakes in flight");
  app.add_option("--timeout", o.timeout, "seconds one step may wait");
  CLI11_PARSE(app, argc, argv);

  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  boost::asio::io_context io(1);
  Bench bench(io, o);
  boost::json::object out;
  std::string error;
  boost::asio::co_spawn(io, bench.Run(out), [&](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      error = ex.what();
    }
    io.stop();  // sessions still reading (and callbacks into the failed step) are abandoned
  });
  io.run();
  if (!error.empty()) out["error"] = error;
  std::cout << boost::json::serialize(out) << "\n";
  return error.empty() ? 0 : 1;
}
