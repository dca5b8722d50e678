// The web UI endpoints: session login/logout with cookie + CSRF token, preferences, compose
// (a report through the normal ingest path), and the administration views (tokens:
// tokens_rest.cc).
#include "server/web.h"

#include <algorithm>

#include <boost/beast/core/string.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "hub/account.h"
#include "hub/compose.h"
#include "hub/ingest.h"
#include "server/await.h"
#include "server/errors.h"
#include "server/static_site.h"
#include "stix/timestamp.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// The value of cookie `name` in the request's Cookie headers (the first one), if any.
std::optional<std::string> CookieValue(const Request& req, std::string_view name) {
  for (auto it = req.find(http::field::cookie);
       it != req.end() && it->name() == http::field::cookie; ++it) {
    std::string_view v = it->value();
    while (!v.empty()) {
      auto semi = v.find(';');
      std::string_view pair = v.substr(0, semi);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        std::string_view value = pair.substr(eq + 1);
        while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        return std::string(value);
      }
      if (semi == std::string_view::npos) break;
      v.remove_prefix(semi + 1);
    }
  }
  return std::nullopt;
}

bool StateChanging(http::verb m) {
  return m == http::verb::post || m == http::verb::put || m == http::verb::patch ||
         m == http::verb::delete_;
}

// Refuses a request from another origin (the browser names it in Origin).
Status CheckOrigin(const Call& call) {
  auto it = call.request.find(http::field::origin);
  if (it == call.request.end()) return Status::Ok();
  if (it->value() == call.base_url) return Status::Ok();
  return PermissionDenied("cross-origin request refused: Origin " + std::string(it->value()) +
                          " is not " + call.base_url);
}

// The string field `name` of `o` (required).
Result<std::string> StringField(const json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end() || it->value().is_null()) {
    return InvalidArgument(std::string(name) + ": is required");
  }
  if (!it->value().is_string()) return InvalidArgument(std::string(name) + ": must be a string");
  return std::string(it->value().get_string());
}

Status OnlyFields(const json::object& o, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      return InvalidArgument("unknown field '" + std::string(kv.key()) + "'");
    }
  }
  return Status::Ok();
}

json::value LangValue(const std::string& lang) {
  return lang.empty() ? json::value(nullptr) : json::value(lang);
}

json::object SessionJson(const hub::Hub& hub, const policy::Reader& r, const std::string& lang,
                         const std::string& csrf) {
  const auto dir = hub.directory();  // holds the snapshot the pointer points into
  const store::Party* party = dir->PartyByIndex(r.party);
  json::array roles;
  for (auto& name : policy::RoleNames(r.roles)) roles.push_back(json::value(name));
  return json::object{{"user", r.user_name},
                      {"party", party ? party->code : ""},
                      {"roles", std::move(roles)},
                      {"lang", LangValue(lang)},
                      {"csrf", csrf}};
}

std::string SessionCookie(const ServerOptions& options, std::string_view token, Micros max_age) {
  std::string c =
      std::string(hub::kSessionCookie) + "=" + std::string(token) +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age / 1'000'000);
  if (!options.tls_cert.empty()) c += "; Secure";
  return c;
}

class Web {
 public:
  Web(hub::Hub& hub, const ServerOptions& options, hub::Authenticator& auth,
      hub::WebSessions& sessions)
      : hub_(hub), options_(options), auth_(auth), sessions_(sessions) {}

  awaitable<Response> Login(Call& call) {
    TANSIQ_CO_CHECK(CheckOrigin(call));
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    TANSIQ_CO_CHECK(OnlyFields(*body, {"user", "password"}));
    auto user = StringField(*body, "user");
    if (!user.ok()) co_return ErrorResponse(call, user.status());
    auto password = StringField(*body, "password");
    if (!password.ok()) co_return ErrorResponse(call, password.status());
    if (user->empty() || user->size() > 256 || password->size() > 1024) {
      co_return ErrorResponse(call, Status(ErrorCode::kUnauthenticated, "invalid credentials"));
    }
    // The same argon2id check and throttling as HTTP Basic.
    auto reader = auth_.Password(*user, *password, call.client);
    if (!reader.ok()) {
      // Failed logins are audited with the name tried (bounded above) and the client address;
      // the answer stays the same whether the user exists or not.
      AuditSession(*user, "-", "session.login", call.client,
                   reader.status().code() == ErrorCode::kTooManyRequests ? "throttled" : "denied");
      co_return ErrorResponse(call, reader.status());
    }
    if (!policy::CanUseWebUi(*reader)) {
      AuditSession(reader->user_name, PartyCode(*reader), "session.login", call.client,
                   "denied: peer account");
      co_return ErrorResponse(
          call, PermissionDenied("a peer account (a federation link) cannot log in to the web UI"));
    }
    auto lang = hub::UserLang(hub_, reader->user_id);
    if (!lang.ok()) co_return ErrorResponse(call, lang.status());
    auto session = sessions_.Create(reader->user_id);
    if (!session.ok()) co_return ErrorResponse(call, session.status());
    AuditSession(reader->user_name, PartyCode(*reader), "session.login", call.client, "ok");
    Response r = MakeResponse(call, http::status::ok,
                              json::serialize(SessionJson(hub_, *reader, *lang, session->csrf)),
                              kJsonMediaType);
    r.set(http::field::set_cookie, SessionCookie(options_, session->token, hub::kSessionLifetime));
    co_return r;
  }

  // Public: the UI asks on every load whether a session is open, and "no" is an answer (204,
  // the stale cookie cleared), not an error. Basic-authenticated callers have no web session.
  awaitable<Response> GetSession(Call& call) {
    if (call.request.find(http::field::authorization) != call.request.end()) {
      co_return ErrorResponse(call, NotFound("no web session: log in with POST /api/v1/session"));
    }
    auto token = CookieValue(call.request, hub::kSessionCookie);
    if (!token) co_return MakeResponse(call, http::status::no_content, "", kJsonMediaType);
    auto s = sessions_.Resolve(*token);
    if (!s.ok()) {
      Response r = MakeResponse(call, http::status::no_content, "", kJsonMediaType);
      r.set(http::field::set_cookie, SessionCookie(options_, "", 0));
      co_return r;
    }
    co_return MakeResponse(call, http::status::ok,
                           json::serialize(SessionJson(hub_, s->reader, s->lang, s->csrf)),
                           kJsonMediaType);
  }

  awaitable<Response> Logout(Call& call) {
    if (call.request.find(http::field::authorization) == call.request.end()) {
      if (auto token = CookieValue(call.request, hub::kSessionCookie)) {
        if (auto s = sessions_.Resolve(*token); s.ok()) {
          AuditSession(s->reader.user_name, PartyCode(s->reader), "session.logout", call.client,
                       "ok");
        }
        sessions_.Remove(*token);
      }
    }
    Response r = MakeResponse(call, http::status::no_content, "", kJsonMediaType);
    r.set(http::field::set_cookie, SessionCookie(options_, "", 0));
    co_return r;
  }

  awaitable<Response> GetPrefs(Call& call) {
    auto lang = hub::UserLang(hub_, call.reader->user_id);
    if (!lang.ok()) co_return ErrorResponse(call, lang.status());
    co_return MakeResponse(call, http::status::ok,
                           json::serialize(json::object{{"lang", LangValue(*lang)}}),
                           kJsonMediaType);
  }

  awaitable<Response> PutPrefs(Call& call) {
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    TANSIQ_CO_CHECK(OnlyFields(*body, {"lang"}));
    auto lang = StringField(*body, "lang");
    if (!lang.ok()) co_return ErrorResponse(call, lang.status());
    if (!hub::IsUiLang(*lang)) {
      co_return ErrorResponse(call, InvalidArgument("lang: must be one of ar, en, ru, fa"));
    }
    auto start = [this, &call, &lang](std::function<void(Status)> done) {
      hub::SetUserLang(hub_, *call.reader, *lang, std::move(done));
    };
    Status s = co_await Await<Status>(start);
    if (!s.ok()) co_return ErrorResponse(call, s);
    co_return MakeResponse(call, http::status::ok, json::serialize(json::object{{"lang", *lang}}),
                           kJsonMediaType);
  }

  awaitable<Response> PostReport(Call& call) {
    std::string_view ct = call.request[http::field::content_type];
    if (!boost::beast::iequals(ct.substr(0, ct.find(';')), "application/json")) {
      co_return ErrorResponse(
          call, Status(ErrorCode::kUnsupportedMedia, "Content-Type must be application/json"));
    }
    auto draft = hub::ParseReportDraft(call.request.body());
    if (!draft.ok()) co_return ErrorResponse(call, draft.status());
    const auto dir = hub_.directory();  // holds the snapshot the pointer points into
    const store::Collection* coalition = dir->Coalition();
    if (!coalition || !hub::CanWriteCollection(*call.reader, *coalition)) {
      co_return ErrorResponse(call, PermissionDenied("you may not write reports"));
    }
    auto composed = hub::ComposeReport(hub_, *call.reader, *draft);
    if (!composed.ok()) co_return ErrorResponse(call, composed.status());
    const store::Collection target = *coalition;
    auto start = [this, &call, &target,
                  &composed](std::function<void(Result<hub::IngestReport>)> done) {
      hub::Ingest(hub_, *call.reader, target, std::move(composed->objects), std::move(done));
    };
    Result<hub::IngestReport> report = co_await Await<Result<hub::IngestReport>>(start);
    if (!report.ok()) co_return ErrorResponse(call, report.status());
    for (const auto& item : report->items) {
      if (!item.ok) {
        co_return ErrorResponse(
            call, Status(ErrorCode::kUnprocessable, "the report was refused: " + item.message));
      }
    }
    co_return MakeResponse(call, http::status::created,
                           json::serialize(json::object{{"id", composed->report_id}}),
                           kJsonMediaType);
  }

  awaitable<Response> AdminUsers(Call& call) {
    auto users = hub::ListUsers(hub_, *call.reader);
    if (!users.ok()) co_return ErrorResponse(call, users.status());
    json::array out;
    for (const auto& u : *users) {
      json::array roles;
      for (const auto& r : u.roles) roles.push_back(json::value(r));
      json::array alternates;
      for (const auto& a : u.alternates) alternates.push_back(json::value(a));
      out.push_back(json::object{{"name", u.name},
                                 {"party", u.party},
                                 {"roles", std::move(roles)},
                                 {"enabled", u.enabled},
                                 {"lang", LangValue(u.lang)},
                                 {"alternates", std::move(alternates)}});
    }
    co_return MakeResponse(call, http::status::ok,
                           json::serialize(json::object{{"users", std::move(out)}}),
                           kJsonMediaType);
  }

  awaitable<Response> AdminAudit(Call& call) {
    auto st = hub::CheckAudit(hub_, *call.reader);
    if (!st.ok()) co_return ErrorResponse(call, st.status());
    json::object o{{"records", st->records}, {"verified", st->verified}, {"seals", st->seals}};
    o["problem"] = st->verified ? json::value(nullptr) : json::value(st->problem);
    if (st->has_seal) {
      o["last_seal"] = json::object{{"seq", st->seal_seq}, {"at", stix::FormatMicros(st->seal_at)}};
    } else {
      o["last_seal"] = nullptr;
    }
    co_return MakeResponse(call, http::status::ok, json::serialize(o), kJsonMediaType);
  }

 private:
  std::string PartyCode(const policy::Reader& r) const {
    const auto dir = hub_.directory();  // holds the snapshot the pointer points into
    const store::Party* party = dir->PartyByIndex(r.party);
    return party ? party->code : "-";
  }
  // Logins and logouts of the web UI go to the audit chain; the target is the client address.
  void AuditSession(std::string_view user, std::string party, std::string action,
                    std::string_view client, std::string outcome) {
    hub_.RecordAudit({{std::string(user.substr(0, 256)), std::move(party), std::move(action),
                       std::string(client), std::move(outcome)}});
  }

  hub::Hub& hub_;
  const ServerOptions& options_;
  hub::Authenticator& auth_;
  hub::WebSessions& sessions_;
};

}  // namespace

Result<policy::Reader> AuthenticateCookie(hub::WebSessions& sessions, const Call& call) {
  auto token = CookieValue(call.request, hub::kSessionCookie);
  if (!token || token->empty()) {
    return Status(ErrorCode::kUnauthenticated, "authentication required");
  }
  auto session = sessions.Resolve(*token);
  if (!session.ok()) return session.status();
  if (!policy::CanUseWebUi(session->reader)) {
    return Status(ErrorCode::kUnauthenticated, "authentication required");
  }
  TANSIQ_RETURN_IF_ERROR(CheckOrigin(call));
  if (StateChanging(call.request.method())) {
    auto it = call.request.find("X-CSRF-Token");
    if (it == call.request.end()) {
      return PermissionDenied(
          "missing X-CSRF-Token header: send the csrf value from POST /api/v1/session");
    }
    if (!hub::SecretEquals(it->value(), session->csrf)) {
      return PermissionDenied("X-CSRF-Token does not match this session");
    }
  }
  return session->reader;
}

void RegisterWeb(Router& router, hub::Hub& hub, const ServerOptions& options,
                 hub::Authenticator& auth, hub::WebSessions& sessions) {
  auto web = std::make_shared<Web>(hub, options, auth, sessions);
  auto bind = [web](awaitable<Response> (Web::*fn)(Call&)) {
    return [web, fn](Call& call) { return ((*web).*fn)(call); };
  };
  router.Add(http::verb::post, "/api/v1/session", bind(&Web::Login), Router::Access::kPublic);
  router.Add(http::verb::get, "/api/v1/session", bind(&Web::GetSession), Router::Access::kPublic);
  router.Add(http::verb::delete_, "/api/v1/session", bind(&Web::Logout));
  router.Add(http::verb::get, "/api/v1/me/prefs", bind(&Web::GetPrefs));
  router.Add(http::verb::put, "/api/v1/me/prefs", bind(&Web::PutPrefs));
  router.Add(http::verb::post, "/api/v1/reports", bind(&Web::PostReport));
  router.Add(http::verb::get, "/api/v1/admin/users", bind(&Web::AdminUsers));
  router.Add(http::verb::get, "/api/v1/admin/audit", bind(&Web::AdminAudit));
  auto site = std::make_shared<StaticSite>(options.web_root);
  router.SetFallback([site](Call& call) -> awaitable<Response> { co_return site->Serve(call); });
}

}  // namespace tansiq::server
