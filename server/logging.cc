// spdlog set-up: a sink that splits by level (stdout / stderr) and the text and JSON formats.
#include "server/logging.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

namespace tansiq::server {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

void Append(spdlog::memory_buf_t& out, std::string_view s) {
  out.append(s.data(), s.data() + s.size());
}

// Information and below to stdout, warnings and errors to stderr; each line flushed. spdlog
// locks the sink itself through std::lock_guard<Mutex>, so its mutex is a std::mutex (not
// tansiq::Mutex) and guards spdlog's state, not ours.
class SplitSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::FILE* out = msg.level >= spdlog::level::warn ? stderr : stdout;
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);
  }
  void flush_() override {
    std::fflush(stdout);
    std::fflush(stderr);
  }
};

void AppendJsonString(std::string_view s, spdlog::memory_buf_t& out) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        Append(out, "\\\"");
        break;
      case '\\':
        Append(out, "\\\\");
        break;
      case '\n':
        Append(out, "\\n");
        break;
      case '\r':
        Append(out, "\\r");
        break;
      case '\t':
        Append(out, "\\t");
        break;
      default:
        if (c < 0x20) {
          char buf[16];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          Append(out, buf);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// 2026-12-07T14:27:34.123Z
void AppendUtc(std::chrono::system_clock::time_point t, spdlog::memory_buf_t& out) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, static_cast<int>(ms % 1000));
  Append(out, std::string_view(buf, static_cast<std::size_t>(n)));
}

// {"time":"…Z","level":"info","msg":"…"}; the structured loggers ("access", "security") carry
// their fields as the JSON members already written (LogAccess, LogSecurity).
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    Append(dest, "{\"time\":\"");
    AppendUtc(msg.time, dest);
    Append(dest, "\",\"level\":");
    const auto level = spdlog::level::to_string_view(msg.level);
    AppendJsonString(std::string_view(level.data(), level.size()), dest);
    const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (logger == "access" || logger == "security") {
      Append(dest, ",\"log\":");
      AppendJsonString(logger, dest);
      dest.push_back(',');
      Append(dest, payload);  // "k":v,... built by Line()
    } else {
      Append(dest, ",\"msg\":");
      AppendJsonString(payload, dest);
    }
    Append(dest, "}\n");
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// The payload of a structured line in the current format.
std::string Line(const std::vector<LogField>& fields) {
  spdlog::memory_buf_t out;
  const bool json = g_format.load() == LogFormat::kJson;
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out.push_back(json ? ',' : ' ');
    first = false;
    if (json) {
      AppendJsonString(f.key, out);
      out.push_back(':');
      if (f.number) {
        Append(out, f.value);
      } else {
        AppendJsonString(f.value, out);
      }
    } else {
      Append(out, f.key);
      out.push_back('=');
      const bool quote =
          !f.number && (f.value.empty() || f.value.find_first_of(" \"=") != std::string::npos);
      if (quote) {
        AppendJsonString(f.value, out);
      } else {
        Append(out, f.value);
      }
    }
  }
  return std::string(out.data(), out.size());
}

std::shared_ptr<spdlog::logger> Logger(const char* name) {
  auto l = spdlog::get(name);
  return l ? l : spdlog::default_logger();
}

}  // namespace

Status ConfigureLogging(std::string_view level, std::string_view format) {
  const auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") {
    return InvalidArgument("--log-level must be trace, debug, info, warn, error, critical or off");
  }
  LogFormat fmt;
  if (format == "text") {
    fmt = LogFormat::kText;
  } else if (format == "json") {
    fmt = LogFormat::kJson;
  } else {
    return InvalidArgument("--log-format must be text or json");
  }
  g_format = fmt;
  auto sink = std::make_shared<SplitSink>();
  if (fmt == LogFormat::kJson) {
    sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    // %n: the logger name; the default logger's is empty, so its lines read "… info text".
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %l %n%v", spdlog::pattern_time_type::utc, "\n"));
  }
  auto make = [&](const std::string& name) {
    auto l = std::make_shared<spdlog::logger>(name, sink);
    l->set_level(lvl);
    l->flush_on(spdlog::level::trace);
    return l;
  };
  spdlog::drop_all();
  spdlog::set_default_logger(make(""));
  spdlog::register_logger(make("access"));
  spdlog::register_logger(make("security"));
  return Status::Ok();
}

void LogAccess(const std::vector<LogField>& fields) {
  auto l = Logger("access");
  if (!l->should_log(spdlog::level::info)) return;
  const bool text = g_format.load() == LogFormat::kText && l != spdlog::default_logger();
  l->info("{}{}", text ? " " : "", Line(fields));
}

void LogSecurity(std::string_view event, const std::vector<LogField>& fields) {
  auto l = Logger("security");
  if (!l->should_log(spdlog::level::warn)) return;
  std::vector<LogField> all{Str("event", std::string(event))};
  all.insert(all.end(), fields.begin(), fields.end());
  const bool text = g_format.load() == LogFormat::kText && l != spdlog::default_logger();
  l->warn("{}{}", text ? " " : "", Line(all));
}

}  // namespace tansiq::server
