// domain/authz/authorization.h — who may do what: the role x command table as
// data, and the check every decider starts with. Per-object rules ("only
// addressed members answer this form", "a substitute acts only for the member
// who named them, only in that meeting") live in the deciders.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "domain/authz/action.h"
#include "domain/base/context.h"
#include "domain/directory/body.h"

namespace ecab {

// "cast_ballot", … for messages and the API.
std::string_view ActionName(Action a);

// The roles the table allows for `a`.
std::span<const Role> AllowedRoles(Action a);

// Ok when ctx.role may perform `a` and the actor holds that role in `body`
// at ctx.now (a substitute's role is per meeting: the meeting checks it).
// kForbidden otherwise, saying why.
Status Authorize(const directory::Body& body, const CommandContext& ctx, Action a);

}  // namespace ecab
