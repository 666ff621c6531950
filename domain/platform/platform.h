// domain/platform/platform.h — the installation itself: who administers it.
// A platform administrator creates bodies (a cabinet, a ministry's board, a
// province's People's Committee); they hold no role in any body by that.
// Stream "platform", body "_platform". Stored formats: docs/formats/events.md.
#pragma once

#include <set>
#include <string>
#include <variant>
#include <vector>

#include "domain/base/context.h"
#include "domain/base/result.h"
#include "domain/codec/codec.h"

namespace ecab::platform {

inline constexpr std::string_view kStream = "platform";
inline constexpr std::string_view kBody = "_platform";

// A person became a platform administrator. The first is appointed by the
// operator when the server first starts (`ecabinetd --platform-admin`).
struct AdminAppointed {
  static constexpr std::string_view kType = "platform.admin_appointed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  template <class A>
  void serialize(A& ar) {
    ar(person);
  }
  friend bool operator==(const AdminAppointed&, const AdminAppointed&) = default;
};

using PlatformEvent = std::variant<AdminAppointed>;
const EventDecoder<PlatformEvent>& PlatformDecoder();

struct Platform {
  std::set<std::string> admins;
  bool IsAdmin(std::string_view person) const { return admins.contains(std::string(person)); }
};

// Appoints `person`. The first appointment is the operator's (no admin
// exists yet); later ones only by a platform admin (ctx.actor).
struct AppointAdmin {
  std::string person;
};

// kAlreadyExists when `person` is already an admin; kForbidden when admins
// exist and ctx.actor is none of them; kInvalidArgument for an empty person.
[[nodiscard]] Result<std::vector<PlatformEvent>> Decide(const Platform& state,
                                                        const AppointAdmin& command,
                                                        const CommandContext& ctx);
Platform Evolve(Platform state, const PlatformEvent& event);

}  // namespace ecab::platform
