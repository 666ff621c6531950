// api/platform.h — the installation's administration: its platform
// administrators, and the founding of bodies. The route POST /v1/bodies and
// the demo both found a body through CreateBodyAs, so the demo is one client
// of the same rule, not a side door.
#pragma once

#include <string>

#include "api/app.h"
#include "api/command/command_service.h"
#include "domain/directory/body.h"

namespace ecab::api {

// First start: appoints `person` platform administrator unless one exists
// (then does nothing). The operator's act, recorded as
// platform.admin_appointed with actor "operator".
Result<bool> EnsurePlatformAdmin(CommandService& commands, const std::string& person,
                                 Timestamp now);

// Founds a body as `ctx.actor`, who must be a platform administrator
// (kForbidden otherwise, naming them); the events go to the body's stream in
// one append (body.created, its first admin, and policy and trust anchor
// when given). kAlreadyExists for a body id already taken.
Result<CommandOutcome> CreateBodyAs(CommandService& commands, const directory::CreateBody& body,
                                    CommandContext ctx);

// POST /v1/bodies, GET /v1/bodies, POST /v1/platform/admins.
void RegisterPlatformRoutes(App& app);

// A command's result as the API answers it (201 with positions, 200 for a retry).
http::Response OutcomeResponse(const Call& c, const Result<CommandOutcome>& r);

}  // namespace ecab::api
