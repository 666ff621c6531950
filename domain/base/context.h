// domain/base/context.h — what every command is decided with besides the
// state: who acts, in which role, for whom, when, and under which id.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/base/roles.h"
#include "domain/base/time.h"

namespace ecab {

struct CommandContext {
  Timestamp now;              // the only clock the domain sees
  std::string actor;          // the authenticated person
  Role role = Role::kMember;  // the role they claim to act in
  std::string on_behalf_of;   // for a substitute: the member they stand in for
  std::string command_id;     // idempotency key; signed acts bind it
  // What the command id is bound to when the command came in a request (the
  // API: a SHA-256 of that request): a retry must be that request. Unset:
  // bound to the events decided. The domain does not look at it.
  std::optional<std::array<std::uint8_t, 32>> request_digest = {};
};

}  // namespace ecab
