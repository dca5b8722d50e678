// Account and administration use cases of the web UI (see account.h).
#include "hub/account.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "hub/auth.h"

namespace tansiq::hub {
namespace {

std::string PartyCode(const Directory& dir, policy::PartyIndex p) {
  const store::Party* party = dir.PartyByIndex(p);
  return party ? party->code : "-";
}

}  // namespace

bool IsUiLang(std::string_view lang) {
  return lang == "ar" || lang == "en" || lang == "ru" || lang == "fa";
}

Result<std::string> UserLang(Hub& hub, std::int64_t user_id) {
  auto u = hub.store().UserById(user_id);
  if (!u.ok()) return u.status();
  return u->has_value() ? (*u)->lang : std::string();
}

void SetUserLang(Hub& hub, const policy::Reader& user, std::string lang,
                 std::function<void(Status)> done) {
  if (!IsUiLang(lang)) {
    done(InvalidArgument("lang: must be one of ar, en, ru, fa"));
    return;
  }
  const std::string party = PartyCode(*hub.directory(), user.party);
  hub.store().Submit(
      [&hub, user, lang, party](store::WriteTxn& txn) -> Status {
        TANSIQ_RETURN_IF_ERROR(txn.SetUserLang(user.user_id, lang));
        return hub.auditor().Append(txn,
                                    {{user.user_name, party, "user.prefs", user.user_name, "ok"}});
      },
      std::move(done));
}

Status CheckTokenRequest(const TokenRequest& request, Micros now) {
  const bool printable = std::all_of(request.label.begin(), request.label.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  });
  if (request.label.empty() || request.label.size() > 64 || !printable) {
    return InvalidArgument("label: must be 1-64 printable characters");
  }
  if (request.expires != 0 && request.expires <= now) {
    return InvalidArgument("expires: must be in the future");
  }
  return Status::Ok();
}

void CreateOwnToken(Hub& hub, const policy::Reader& user, TokenRequest request,
                    std::function<void(Result<CreatedToken>)> done) {
  const Micros now = hub.clock().NowMicros();
  if (Status s = CheckTokenRequest(request, now); !s.ok()) {
    done(s);
    return;
  }
  store::Token record;
  CreatedToken created;
  created.secret =
      NewToken(user.user_id, request.label, now, &record, request.scope, request.expires);
  const std::string party = PartyCode(*hub.directory(), user.party);
  created.token = {record.id,    user.user_name, party,          record.label,
                   record.scope, record.created, record.expires, 0};
  hub.store().Submit(
      [&hub, user, record, party](store::WriteTxn& txn) -> Status {
        TANSIQ_RETURN_IF_ERROR(txn.AddToken(record));
        return hub.auditor().Append(
            txn, {{user.user_name, party, "token.create", user.user_name + " " + record.id, "ok"}});
      },
      [created = std::move(created), done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(s);
        } else {
          done(created);
        }
      });
}

namespace {

// Whether `caller` administers users of party `party` (their own party's admin, a hub-admin).
bool Administers(const policy::Reader& caller, policy::PartyIndex party) {
  return policy::CanAdministerHub(caller) ||
         (policy::CanAdministerParty(caller) && caller.party == party);
}

}  // namespace

Result<std::vector<TokenSummary>> ListTokens(Hub& hub, const policy::Reader& caller,
                                             std::string_view user) {
  auto users = hub.store().Users();
  if (!users.ok()) return users.status();
  auto tokens = hub.store().Tokens();
  if (!tokens.ok()) return tokens.status();
  std::map<std::int64_t, const store::User*> by_id;
  std::optional<std::int64_t> only;
  for (const auto& u : *users) {
    by_id[u.id] = &u;
    if (u.name == user) only = u.id;
  }
  if (!user.empty() && user != "*") {
    // Another user's tokens only for their administrator; the same answer when there is no
    // such user.
    if (!only || (*only != caller.user_id && !Administers(caller, by_id[*only]->party))) {
      return NotFound("no user '" + std::string(user) + "' you administer");
    }
  }
  auto dir = hub.directory();
  std::vector<TokenSummary> out;
  for (const auto& t : *tokens) {
    auto it = by_id.find(t.user_id);
    if (it == by_id.end()) continue;
    const store::User& owner = *it->second;
    const bool wanted = user.empty() ? owner.id == caller.user_id
                        : user == "*"
                            ? owner.id == caller.user_id || Administers(caller, owner.party)
                            : owner.id == *only;
    if (!wanted) continue;
    out.push_back({t.id, owner.name, PartyCode(*dir, owner.party), t.label, t.scope, t.created,
                   t.expires, t.last_used});
  }
  return out;
}

void RevokeToken(Hub& hub, const policy::Reader& caller, std::string id,
                 std::function<void(Status)> done) {
  auto list = ListTokens(hub, caller, "*");
  if (!list.ok()) {
    done(list.status());
    return;
  }
  auto it =
      std::find_if(list->begin(), list->end(), [&id](const TokenSummary& t) { return t.id == id; });
  if (it == list->end()) {
    done(NotFound("no token '" + id + "' of yours or of a user you administer"));
    return;
  }
  const std::string party = PartyCode(*hub.directory(), caller.party);
  const std::string target = it->user + " " + id;
  hub.store().Submit(
      [&hub, caller, id, party, target](store::WriteTxn& txn) -> Status {
        auto deleted = txn.DeleteToken(id);
        if (!deleted.ok()) return deleted.status();
        if (!*deleted) return NotFound("no token '" + id + "'");
        return hub.auditor().Append(txn, {{caller.user_name, party, "token.revoke", target, "ok"}});
      },
      std::move(done));
}

Result<std::vector<UserSummary>> ListUsers(Hub& hub, const policy::Reader& admin) {
  if (!policy::CanAdministerParty(admin)) {
    return PermissionDenied("administration is for party admins and hub admins");
  }
  const bool all = policy::CanAdministerHub(admin);
  auto users = hub.store().Users();
  if (!users.ok()) return users.status();
  auto dir = hub.directory();
  std::vector<UserSummary> out;
  for (const auto& u : *users) {
    if (!all && u.party != admin.party) continue;
    out.push_back({u.name, PartyCode(*dir, u.party), policy::RoleNames(u.roles), !u.disabled,
                   u.lang, u.alternates});
  }
  std::sort(out.begin(), out.end(), [](const UserSummary& a, const UserSummary& b) {
    return std::tie(a.party, a.name) < std::tie(b.party, b.name);
  });
  return out;
}

Result<AuditStatus> CheckAudit(Hub& hub, const policy::Reader& admin) {
  if (!policy::CanAdministerHub(admin)) {
    return PermissionDenied("the audit chain is for hub admins");
  }
  auto report = audit::Verify(hub.store(), hub.key().PublicKeyHex());
  if (!report.ok()) return report.status();
  auto seals = hub.store().Seals();
  if (!seals.ok()) return seals.status();
  AuditStatus out;
  out.verified = report->ok;
  out.records = report->records;
  out.seals = report->seals;
  out.problem = report->problem;
  if (!seals->empty()) {
    out.has_seal = true;
    out.seal_seq = seals->back().seq;
    out.seal_at = seals->back().at;
  }
  return out;
}

}  // namespace tansiq::hub
