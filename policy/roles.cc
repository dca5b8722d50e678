// Roles: parsing and naming the role bits of policy.h, and the permissions derived from them.
// Pure; no I/O.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace tansiq::policy {
namespace {

struct RoleName {
  Role role;
  std::string_view name;
};

// In the enum's order, which is also the order RoleNames reports.
constexpr std::array<RoleName, 6> kRoleNames = {{
    {kOfficer, "officer"},
    {kAnalyst, "analyst"},
    {kRecipient, "recipient"},
    {kAdmin, "admin"},
    {kHubAdmin, "hub-admin"},
    {kPeer, "peer"},
}};

}  // namespace

Result<std::uint32_t> ParseRole(std::string_view name) {
  for (const RoleName& r : kRoleNames) {
    if (r.name == name) return static_cast<std::uint32_t>(r.role);
  }
  return InvalidArgument("unknown role '" + std::string(name) +
                         "' (expected officer, analyst, recipient, admin, hub-admin or peer)");
}

std::vector<std::string> RoleNames(std::uint32_t roles) {
  std::vector<std::string> names;
  for (const RoleName& r : kRoleNames) {
    if ((roles & r.role) != 0) names.emplace_back(r.name);
  }
  return names;
}

Status CheckRoleCombination(std::uint32_t roles) {
  if ((roles & kPeer) != 0 && roles != kPeer) {
    return InvalidArgument(
        "role 'peer' (a federation link's remote account) cannot be combined with other roles");
  }
  return Status::Ok();
}

bool CanWriteObjects(const Reader& r) {
  return (r.roles & (kOfficer | kAnalyst | kAdmin | kPeer)) != 0;
}

bool CanAdministerParty(const Reader& r) { return (r.roles & (kAdmin | kHubAdmin)) != 0; }

bool CanAdministerHub(const Reader& r) { return (r.roles & kHubAdmin) != 0; }

bool CanUseWebUi(const Reader& r) { return (r.roles & kPeer) == 0; }

bool IsPeer(const Reader& r) { return (r.roles & kPeer) != 0; }

}  // namespace tansiq::policy
