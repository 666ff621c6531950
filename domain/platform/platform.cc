#include "domain/platform/platform.h"

namespace ecab::platform {

const EventDecoder<PlatformEvent>& PlatformDecoder() {
  static const EventDecoder<PlatformEvent> decoder = [] {
    EventDecoder<PlatformEvent> d;
    d.Add<AdminAppointed>();
    return d;
  }();
  return decoder;
}

Result<std::vector<PlatformEvent>> Decide(const Platform& state, const AppointAdmin& command,
                                          const CommandContext& ctx) {
  if (command.person.empty())
    return MakeError(ErrorCode::kInvalidArgument, "name the platform administrator");
  if (!state.admins.empty() && !state.IsAdmin(ctx.actor)) {
    return MakeError(ErrorCode::kForbidden, "only a platform administrator appoints another");
  }
  if (state.IsAdmin(command.person)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "'" + command.person + "' is already a platform administrator");
  }
  return std::vector<PlatformEvent>{AdminAppointed{command.person}};
}

Platform Evolve(Platform state, const PlatformEvent& event) {
  std::visit([&](const AdminAppointed& e) { state.admins.insert(e.person); }, event);
  return state;
}

}  // namespace ecab::platform
