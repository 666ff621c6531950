// domain/base/roles.h — the roles people act in. Persisted: explicit values,
// never renumbered.
#pragma once

#include <cstdint>
#include <string_view>

#include "domain/base/result.h"

namespace ecab {

enum class Role : std::uint8_t {
  kMember = 1,       // a voting member of the body
  kChair = 2,        // the member who presides; also votes
  kSecretariat = 3,  // the body's office staff
  kSubstitute = 4,   // stands in for one member at one meeting
  kAuditor = 5,      // reads and verifies; changes nothing
  kArchivist = 6,    // exports records; changes nothing
  kAdmin = 7,        // enrols people, certificates and keys
};

// "member", "chair", … as written in envelopes and fixtures.
std::string_view RoleName(Role role);
// Inverse of RoleName; kInvalidArgument for an unknown name.
Result<Role> ParseRole(std::string_view name);

// Members and the chair vote and count toward the quorum.
inline bool IsVotingRole(Role r) { return r == Role::kMember || r == Role::kChair; }

}  // namespace ecab
