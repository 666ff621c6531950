#include "domain/base/roles.h"

#include <array>
#include <string>
#include <utility>

namespace ecab {
namespace {
constexpr std::array<std::pair<Role, std::string_view>, 7> kRoleNames{{
    {Role::kMember, "member"},
    {Role::kChair, "chair"},
    {Role::kSecretariat, "secretariat"},
    {Role::kSubstitute, "substitute"},
    {Role::kAuditor, "auditor"},
    {Role::kArchivist, "archivist"},
    {Role::kAdmin, "admin"},
}};
}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoleNames) {
    if (n == name) return r;
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown role '" + std::string(name) + "'");
}

}  // namespace ecab
