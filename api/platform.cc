#include "api/platform.h"

namespace ecab::api {

Result<bool> EnsurePlatformAdmin(CommandService& commands, const std::string& person,
                                 Timestamp now) {
  ECAB_TRY_LET(platform, commands.Platform());
  if (!platform->state.admins.empty()) return false;
  const CommandContext ctx{now, "operator", Role::kAdmin, "", "platform:first-admin"};
  ECAB_TRY_LET(appointed, commands.Execute(platform::AppointAdmin{person}, ctx));
  return true;
}

Result<CommandOutcome> CreateBodyAs(CommandService& commands, const directory::CreateBody& body,
                                    CommandContext ctx) {
  ECAB_TRY_LET(platform, commands.Platform());
  if (!platform->state.IsAdmin(ctx.actor)) {
    return MakeError(ErrorCode::kForbidden,
                     "'" + ctx.actor + "' is not a platform administrator: only they found bodies");
  }
  ctx.role = Role::kAdmin;
  return commands.Execute(body.body, directory::BodyCommand{body}, ctx);
}

}  // namespace ecab::api
