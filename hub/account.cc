// Account and administration use cases of the web UI (see account.h).
#include "hub/account.h"

#include <algorithm>
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

void CreateOwnToken(Hub& hub, const policy::Reader& user, std::string label,
                    std::function<void(Result<std::string>)> done) {
  const bool printable = std::all_of(label.begin(), label.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  });
  if (label.empty() || label.size() > 64 || !printable) {
    done(InvalidArgument("name: must be 1-64 printable characters"));
    return;
  }
  store::Token record;
  std::string secret = NewToken(user.user_id, label, hub.clock().NowMicros(), &record);
  const std::string party = PartyCode(*hub.directory(), user.party);
  hub.store().Submit(
      [&hub, user, record, party](store::WriteTxn& txn) -> Status {
        TANSIQ_RETURN_IF_ERROR(txn.AddToken(record));
        return hub.auditor().Append(
            txn, {{user.user_name, party, "token.create", user.user_name, "ok"}});
      },
      [secret = std::move(secret), done = std::move(done)](Status s) {
        if (!s.ok()) {
          done(s);
        } else {
          done(secret);
        }
      });
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
    out.push_back(
        {u.name, PartyCode(*dir, u.party), policy::RoleNames(u.roles), !u.disabled, u.lang});
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
