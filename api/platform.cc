#include "api/platform.h"

namespace ecab::api {

Result<bool> EnsurePlatformAdmin(CommandService& commands, const std::string& person, Timestamp now) {
  auto platform = commands.Platform();
  if (!platform.ok()) return platform.error();
  if (!platform->state.admins.empty()) return false;
  const CommandContext ctx{now, "operator", Role::kAdmin, "", "platform:first-admin"};
  auto appointed = commands.Execute(platform::AppointAdmin{person}, ctx);
  if (!appointed.ok()) return appointed.error();
  return true;
}

Result<CommandOutcome> CreateBodyAs(CommandService& commands, const directory::CreateBody& body, CommandContext ctx) {
  auto platform = commands.Platform();
  if (!platform.ok()) return platform.error();
  if (!platform->state.IsAdmin(ctx.actor)) {
    return MakeError(ErrorCode::kForbidden,
                     "'" + ctx.actor + "' is not a platform administrator: only they found bodies");
  }
  ctx.role = Role::kAdmin;
  return commands.Execute(body.body, directory::BodyCommand{body}, ctx);
}

}  // namespace ecab::api
