#include "api/references.h"

namespace ecab::api {

Error NoSuch(std::string_view kind, const std::string& id) {
  return MakeError(ErrorCode::kNotFound, "no " + std::string(kind) + " '" + id + "' in this body");
}

Status DocumentsExist(const Call& c, CommandService& s, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (auto st = Exists(c, s.Document(id), "document", id); !st.ok()) return st;
  }
  return Ok{};
}

Status PeopleExist(const Call& c, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    if (!c.body_state->people.contains(id)) return NoSuch("person", id);
  }
  return Ok{};
}

// The vote `vote` of meeting `meeting` exists (both in this body).
Status VoteExists(const Call& c, CommandService& s, const std::string& meeting,
                  const std::string& vote) {
  auto loaded = s.Meeting(meeting);
  if (auto st = Exists(c, loaded, "meeting", meeting); !st.ok()) return st;
  if (!vote.empty() && !loaded->state.votes.contains(vote)) {
    return MakeError(ErrorCode::kNotFound, "meeting '" + meeting + "' has no vote '" + vote + "'");
  }
  return Ok{};
}

// Runs `check` only once the caller's role may perform `action`, and not for
// a retry of a command already recorded (it gets its first answer).
Status Checked(const Call& c, CommandService& s, Action action,
               const std::function<Status()>& check) {
  if (auto st = Authorize(*c.body_state, c.ctx, action); !st.ok()) return st;
  ECAB_TRY_LET(prior, s.store().FindCommand(c.ctx.command_id));
  if (prior->has_value()) return Ok{};
  return check();
}

// A resolution may be numbered only once signed, and only before it is promulgated.
Status NumberableResolution(const Call& c, CommandService& s, const std::string& id) {
  auto loaded = s.Resolution(id);
  if (auto st = Exists(c, loaded, "resolution", id); !st.ok()) return st;
  if (loaded->state.status != resolution::ResolutionStatus::kSigned) {
    return MakeError(ErrorCode::kRuleViolation,
                     "resolution '" + id + "' is " +
                         std::string(resolution::StatusName(loaded->state.status)) +
                         ": numbers are given to signed resolutions, when they are promulgated");
  }
  return Ok{};
}

}  // namespace ecab::api
