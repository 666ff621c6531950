// api/references.h — the checks a command route makes before deciding: that
// the caller's role may perform the action (first, so a refused role learns
// nothing of what exists), then that every object the command names exists
// in the body. A reference to nothing is kNotFound ("no document 'x' in this
// body") and nothing is recorded.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/app.h"
#include "api/command/command_service.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

// kNotFound: "no <kind> '<id>' in this body".
Error NoSuch(std::string_view kind, const std::string& id);

// Ok when `loaded` is a stream of the body named by the call's path.
template <class State>
Status Exists(const Call& c, const Result<Loaded<State>>& loaded, std::string_view kind,
              const std::string& id) {
  if (!loaded.ok()) return loaded.error();
  if (loaded->version == 0 || loaded->body != c.params.at("body")) return NoSuch(kind, id);
  return Ok{};
}

// Every document of `ids` exists in the body.
Status DocumentsExist(const Call& c, CommandService& s, const std::vector<std::string>& ids);
// Every person of `ids` is a person of the body.
Status PeopleExist(const Call& c, const std::vector<std::string>& ids);
// The meeting exists in the body, and has the vote when one is named.
Status VoteExists(const Call& c, CommandService& s, const std::string& meeting,
                  const std::string& vote);
// The resolution exists, is signed and not yet promulgated (kRuleViolation otherwise).
Status NumberableResolution(const Call& c, CommandService& s, const std::string& id);

// Runs `check` only once the caller's role may perform `action`, and not for
// a retry of a command already recorded (it gets its first answer).
Status Checked(const Call& c, CommandService& s, Action action,
               const std::function<Status()>& check);

}  // namespace ecab::api
