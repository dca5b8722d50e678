// REST routes of the hub's administration (server/admin_rest.h): strict JSON (an unknown
// field, a wrong type is a 400 naming the field), the rules and the audit in hub/manage.cc.
#include "server/admin_rest.h"

#include <map>
#include <optional>

#include <boost/json.hpp>

#include "hub/manage.h"
#include "server/await.h"
#include "server/errors.h"

namespace tansiq::server {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

Status OnlyFields(const json::object& body, std::initializer_list<std::string_view> known) {
  for (const auto& kv : body) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      return InvalidArgument("unknown field '" + std::string(kv.key()) + "'");
    }
  }
  return Status::Ok();
}

Status StringField(const json::object& body, std::string_view key, std::string* out, bool required,
                   std::size_t max = 256) {
  const json::value* v = body.if_contains(key);
  if (!v) return required ? InvalidArgument(std::string(key) + ": is required") : Status::Ok();
  if (!v->is_string()) return InvalidArgument(std::string(key) + ": must be a string");
  if (v->get_string().size() > max) {
    return InvalidArgument(std::string(key) + ": at most " + std::to_string(max) + " bytes");
  }
  *out = std::string(v->get_string());
  return Status::Ok();
}

Status StringsField(const json::object& body, std::string_view key, std::vector<std::string>* out) {
  const json::value* v = body.if_contains(key);
  if (!v) return Status::Ok();
  if (!v->is_array() || v->get_array().size() > 32) {
    return InvalidArgument(std::string(key) + ": must be an array of at most 32 strings");
  }
  out->clear();
  for (std::size_t i = 0; i < v->get_array().size(); ++i) {
    const json::value& x = v->get_array()[i];
    if (!x.is_string() || x.get_string().size() > 64) {
      return InvalidArgument(std::string(key) + "[" + std::to_string(i) + "]: must be a name");
    }
    out->emplace_back(x.get_string());
  }
  return Status::Ok();
}

// "names": {"ar": "…", "en": "…", …}: strings (the languages are checked by hub::CheckParty).
Status NamesField(const json::object& body, std::map<std::string, std::string>* out) {
  const json::value* v = body.if_contains("names");
  if (!v) return Status::Ok();
  if (!v->is_object() || v->get_object().size() > 4) {
    return InvalidArgument("names: must be an object {ar, en, fa, ru} of names");
  }
  for (const auto& kv : v->get_object()) {
    if (!kv.value().is_string()) {
      return InvalidArgument("names." + std::string(kv.key()) + ": must be a string");
    }
    (*out)[std::string(kv.key())] = std::string(kv.value().get_string());
  }
  return Status::Ok();
}

// PATCH's "names": {"ar": "…", "fa": null, …}: a string sets that language's name, null
// removes it (JSON merge patch); the languages and names are checked by hub::ManageRenameParty.
Status NamesChangeField(const json::object& body,
                        std::map<std::string, std::optional<std::string>>* out) {
  const json::value* v = body.if_contains("names");
  if (!v) return Status::Ok();
  if (!v->is_object() || v->get_object().empty() || v->get_object().size() > 8) {
    return InvalidArgument("names: must be an object of 1-4 {language: name or null}");
  }
  for (const auto& kv : v->get_object()) {
    const std::string field = "names." + std::string(kv.key());
    if (kv.key().size() > 8) return InvalidArgument(field + ": not one of ar, en, fa, ru");
    if (kv.value().is_null()) {
      (*out)[std::string(kv.key())] = std::nullopt;
    } else if (kv.value().is_string()) {
      (*out)[std::string(kv.key())] = std::string(kv.value().get_string());
    } else {
      return InvalidArgument(field + ": must be a name or null");
    }
  }
  return Status::Ok();
}

json::object PartyJson(const store::Party& p) {
  json::object names;
  for (const auto& [lang, name] : p.names) names[lang] = name;
  return {
      {"id", p.code}, {"name", p.name}, {"identity", p.identity_id}, {"names", std::move(names)}};
}

json::object UserJson(const hub::ManagedUser& u) {
  json::array roles, alternates;
  for (const auto& r : u.roles) roles.push_back(json::value(r));
  for (const auto& a : u.alternates) alternates.push_back(json::value(a));
  return {{"name", u.name},
          {"party", u.party},
          {"roles", std::move(roles)},
          {"alternates", std::move(alternates)},
          {"enabled", u.enabled},
          {"lang", u.lang.empty() ? json::value(nullptr) : json::value(u.lang)}};
}

Response UserResponse(const Call& call, hub::Hub& hub, const std::string& name,
                      http::status status) {
  auto u = hub::ManagedUserByName(hub, name);
  if (!u.ok()) return ErrorResponse(call, u.status());
  return MakeResponse(call, status, json::serialize(UserJson(*u)), kJsonMediaType);
}

}  // namespace

void RegisterAdmin(Router& router, hub::Hub& hub) {
  // {"code", "name", "identity"?} → 201 {"id", "name", "identity"}.
  router.Add(http::verb::post, "/api/v1/admin/parties", [&hub](Call& call) -> awaitable<Response> {
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    hub::PartySpec spec;
    Status s = OnlyFields(*body, {"code", "name", "identity", "names"});
    if (s.ok()) s = StringField(*body, "code", &spec.code, true, 32);
    if (s.ok()) s = StringField(*body, "name", &spec.name, true);
    if (s.ok()) s = StringField(*body, "identity", &spec.identity, false, 64);
    if (s.ok()) s = NamesField(*body, &spec.names);
    if (!s.ok()) co_return ErrorResponse(call, s);
    const policy::Reader reader = *call.reader;
    auto start = [&](std::function<void(Result<store::Party>)> done) {
      hub::ManageAddParty(hub, reader, std::move(spec), std::move(done));
    };
    auto party = co_await Await<Result<store::Party>>(start);
    if (!party.ok()) co_return ErrorResponse(call, party.status());
    // The new party joins the directory every request reads (the CLI's `party add` does the same).
    if (Status r = hub.Reload(); !r.ok()) co_return ErrorResponse(call, r);
    co_return MakeResponse(call, http::status::created, json::serialize(PartyJson(*party)),
                           kJsonMediaType);
  });

  // {"name"?, "names"?: {lang: name | null}} → 200 the party {"id", "name", "identity", "names"}.
  // Its code and identity never change.
  router.Add(http::verb::patch, "/api/v1/admin/parties/{}",
             [&hub](Call& call) -> awaitable<Response> {
               auto body = JsonObjectBody(call);
               if (!body.ok()) co_return ErrorResponse(call, body.status());
               hub::PartyChange change;
               Status s = OnlyFields(*body, {"name", "names"});
               if (s.ok() && body->if_contains("name")) {
                 s = StringField(*body, "name", &change.name.emplace(), false, 256);
               }
               if (s.ok()) s = NamesChangeField(*body, &change.names);
               if (!s.ok()) co_return ErrorResponse(call, s);
               const std::string code = call.captures[0];
               const policy::Reader reader = *call.reader;
               auto start = [&](std::function<void(Status)> done) {
                 hub::ManageRenameParty(hub, reader, code, std::move(change), std::move(done));
               };
               Status renamed = co_await Await<Status>(start);
               if (!renamed.ok()) co_return ErrorResponse(call, renamed);
               // The new names join the directory every request on this node reads at once (the
               // other nodes re-read it within a second, Hub::Reload).
               if (Status r = hub.Reload(); !r.ok()) co_return ErrorResponse(call, r);
               auto dir = hub.directory();
               const store::Party* party = dir->PartyByCode(code);
               if (!party) co_return ErrorResponse(call, NotFound("no party '" + code + "'"));
               co_return MakeResponse(call, http::status::ok, json::serialize(PartyJson(*party)),
                                      kJsonMediaType);
             });

  // {"name", "party", "roles", "password", "alternates"?, "lang"?} → 201 the user.
  router.Add(http::verb::post, "/api/v1/admin/users", [&hub](Call& call) -> awaitable<Response> {
    auto body = JsonObjectBody(call);
    if (!body.ok()) co_return ErrorResponse(call, body.status());
    hub::UserSpec spec;
    Status s = OnlyFields(*body, {"name", "party", "roles", "password", "alternates", "lang"});
    if (s.ok()) s = StringField(*body, "name", &spec.name, true, 64);
    if (s.ok()) s = StringField(*body, "party", &spec.party, true, 32);
    if (s.ok() && !body->if_contains("roles")) s = InvalidArgument("roles: is required");
    if (s.ok()) s = StringsField(*body, "roles", &spec.roles);
    if (s.ok()) s = StringField(*body, "password", &spec.password, true, 1024);
    if (s.ok()) s = StringsField(*body, "alternates", &spec.alternates);
    if (s.ok()) s = StringField(*body, "lang", &spec.lang, false, 8);
    if (!s.ok()) co_return ErrorResponse(call, s);
    const std::string name = spec.name;
    const policy::Reader reader = *call.reader;
    auto start = [&](std::function<void(Status)> done) {
      hub::ManageAddUser(hub, reader, std::move(spec), std::move(done));
    };
    Status added = co_await Await<Status>(start);
    if (!added.ok()) co_return ErrorResponse(call, added);
    co_return UserResponse(call, hub, name, http::status::created);
  });

  // {"roles"?, "alternates"?, "enabled"?, "lang"?, "password"?} → 200 the user.
  router.Add(http::verb::patch, "/api/v1/admin/users/{}",
             [&hub](Call& call) -> awaitable<Response> {
               auto body = JsonObjectBody(call);
               if (!body.ok()) co_return ErrorResponse(call, body.status());
               hub::UserChange change;
               Status s = OnlyFields(*body, {"roles", "alternates", "enabled", "lang", "password"});
               if (s.ok() && body->if_contains("roles")) {
                 change.roles.emplace();
                 s = StringsField(*body, "roles", &*change.roles);
               }
               if (s.ok() && body->if_contains("alternates")) {
                 change.alternates.emplace();
                 s = StringsField(*body, "alternates", &*change.alternates);
               }
               if (s.ok()) {
                 if (const json::value* v = body->if_contains("enabled")) {
                   if (!v->is_bool())
                     s = InvalidArgument("enabled: must be true or false");
                   else
                     change.enabled = v->get_bool();
                 }
               }
               if (s.ok() && body->if_contains("lang")) {
                 const json::value& v = body->at("lang");
                 if (v.is_null())
                   change.lang = "";
                 else
                   s = StringField(*body, "lang", &change.lang.emplace(), false, 8);
               }
               if (s.ok() && body->if_contains("password")) {
                 s = StringField(*body, "password", &change.password.emplace(), false, 1024);
               }
               if (!s.ok()) co_return ErrorResponse(call, s);
               const std::string name = call.captures[0];
               const policy::Reader reader = *call.reader;
               auto start = [&](std::function<void(Status)> done) {
                 hub::ManageChangeUser(hub, reader, name, std::move(change), std::move(done));
               };
               Status changed = co_await Await<Status>(start);
               if (!changed.ok()) co_return ErrorResponse(call, changed);
               co_return UserResponse(call, hub, name, http::status::ok);
             });
}

}  // namespace tansiq::server
