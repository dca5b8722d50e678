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
constexpr std::array<RoleName, 5> kRoleNames = {{
    {kOfficer, "officer"},
    {kAnalyst, "analyst"},
    {kRecipient, "recipient"},
    {kAdmin, "admin"},
    {kHubAdmin, "hub-admin"},
}};

}  // namespace

Result<std::uint32_t> ParseRole(std::string_view name) {
  for (const RoleName& r : kRoleNames) {
    if (r.name == name) return static_cast<std::uint32_t>(r.role);
  }
  return InvalidArgument("unknown role '" + std::string(name) +
                         "' (expected officer, analyst, recipient, admin or hub-admin)");
}

std::vector<std::string> RoleNames(std::uint32_t roles) {
  std::vector<std::string> names;
  for (const RoleName& r : kRoleNames) {
    if ((roles & r.role) != 0) names.emplace_back(r.name);
  }
  return names;
}

bool CanWriteObjects(const Reader& r) { return (r.roles & (kOfficer | kAnalyst | kAdmin)) != 0; }

bool CanAdministerParty(const Reader& r) { return (r.roles & (kAdmin | kHubAdmin)) != 0; }

bool CanAdministerHub(const Reader& r) { return (r.roles & kHubAdmin) != 0; }

}  // namespace tansiq::policy
