#include "domain/directory/events.h"

#include <array>
#include <utility>

namespace ecab::directory {
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

const EventDecoder<DirectoryEvent>& DirectoryDecoder() {
  static const EventDecoder<DirectoryEvent> decoder = [] {
    EventDecoder<DirectoryEvent> d;
    d.Add<BodyCreated>().Add<MemberEnrolled>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::directory
