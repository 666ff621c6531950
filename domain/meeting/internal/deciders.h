// domain/meeting/internal/deciders.h — the meeting decider split by phase.
// Private to domain/meeting.
#pragma once

#include "domain/meeting/meeting.h"

namespace ecab::meeting::internal {

using Events = std::vector<MeetingEvent>;

// The person a participant acts as: a substitute acts for the member who
// named them in this meeting (ctx.on_behalf_of), everyone else for themselves.
// kForbidden when a substitute's claim does not hold.
Result<std::string> Principal(const Meeting& m, const CommandContext& ctx);

// True when `person` may take part: invited, a member of the session, or a
// substitute named for this meeting.
bool IsParticipant(const Meeting& m, std::string_view person);

Result<Events> DecidePreparation(const Meeting& m, const MeetingCommand& command,
                                 const CommandContext& ctx, const directory::Body& body);
Result<Events> DecideConduct(const Meeting& m, const MeetingCommand& command,
                             const CommandContext& ctx, const directory::Body& body);

}  // namespace ecab::meeting::internal
