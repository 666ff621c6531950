#include "domain/meeting/meeting.h"

#include <algorithm>

#include "domain/authz/authorization.h"
#include "domain/meeting/internal/deciders.h"

namespace ecab::meeting {
namespace internal {

bool IsParticipant(const Meeting& m, std::string_view person) {
  const std::string p(person);
  if (m.invited.contains(p) || m.substitutes.contains(p)) return true;
  return m.session && std::binary_search(m.session->members.begin(), m.session->members.end(), p);
}

Result<std::string> Principal(const Meeting& m, const CommandContext& ctx) {
  if (ctx.role == Role::kSubstitute) {
    auto named = m.substitutes.find(ctx.actor);
    if (named == m.substitutes.end() || named->second != ctx.on_behalf_of) {
      return Refuse(ErrorCode::kForbidden, "'" + ctx.actor + "' was not named by '" +
                                               ctx.on_behalf_of + "' as a substitute in meeting '" +
                                               m.schedule.meeting + "'");
    }
    return named->second;
  }
  if (ctx.role != Role::kSecretariat && !IsParticipant(m, ctx.actor)) {
    return Refuse(ErrorCode::kForbidden, "'" + ctx.actor + "' is not a participant of meeting '" +
                                             m.schedule.meeting + "'");
  }
  return ctx.actor;
}

}  // namespace internal

std::string ChoiceName(Choice c) {
  switch (c) {
    case Choice::kFor:
      return "for";
    case Choice::kAgainst:
      return "against";
    case Choice::kAbstain:
      return "abstain";
  }
  return "unknown";
}

std::string AttendanceName(Attendance a) {
  switch (a) {
    case Attendance::kInRoom:
      return "in_room";
    case Attendance::kRemote:
      return "remote";
    case Attendance::kSubstitute:
      return "substitute";
    case Attendance::kAbsent:
      return "absent";
  }
  return "unknown";
}

const Item* Meeting::FindItem(std::string_view id) const {
  for (const Item& i : agenda) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

bool Meeting::NamesDocument(std::string_view document) const {
  return std::any_of(agenda.begin(), agenda.end(), [&](const Item& i) {
    return std::find(i.documents.begin(), i.documents.end(), document) != i.documents.end();
  });
}

std::string AttendanceSummary::Sentence() const {
  return std::to_string(in_room) + " in the room, " + std::to_string(remote) + " remote, " +
         std::to_string(substitute) + " substitute" + (substitute == 1 ? "" : "s") + ", " +
         std::to_string(absent) + " absent";
}

AttendanceSummary Meeting::Attendees() const {
  AttendanceSummary out;
  for (const auto& [person, p] : presence) {
    switch (p.attendance) {
      case Attendance::kInRoom:
        ++out.in_room;
        break;
      case Attendance::kRemote:
        ++out.remote;
        break;
      case Attendance::kSubstitute:
        ++out.substitute;
        break;
      case Attendance::kAbsent:
        ++out.absent;
        break;
    }
  }
  return out;
}

QuorumStatus Meeting::Quorum() const {
  if (!session) return EvaluateQuorum(0, 0, Policy{}.quorum);
  const Policy& policy = session->policy;
  std::uint32_t present = 0;
  for (const std::string& member : session->members) {
    bool counts = false;
    if (auto p = presence.find(member); p != presence.end()) {
      counts = p->second.attendance == Attendance::kInRoom ||
               (p->second.attendance == Attendance::kRemote && policy.remote_counts_for_quorum);
    }
    if (!counts && policy.substitutes_count_for_quorum) {
      counts = std::any_of(presence.begin(), presence.end(), [&](const auto& entry) {
        return entry.second.attendance == Attendance::kSubstitute &&
               entry.second.for_member == member;
      });
    }
    present += counts ? 1 : 0;
  }
  return EvaluateQuorum(static_cast<std::uint32_t>(session->members.size()), present,
                        policy.quorum);
}

Count Meeting::CountVote(const Vote& vote) const {
  Count c;
  c.electorate = static_cast<std::uint32_t>(vote.opened.electorate.size());
  c.present = vote.opened.present;
  for (const auto& [voter, ballot] : vote.ballots) {
    switch (ballot.choice) {
      case Choice::kFor:
        ++c.for_votes;
        if (ballot.mode == Attendance::kInRoom) ++c.for_in_room;
        if (ballot.mode == Attendance::kRemote) ++c.for_remote;
        if (ballot.mode == Attendance::kSubstitute) ++c.for_substitute;
        break;
      case Choice::kAgainst:
        ++c.against;
        break;
      case Choice::kAbstain:
        ++c.abstain;
        break;
    }
  }
  return c;
}

SigningPayload BallotPayload(std::string_view body, std::string_view meeting, std::string_view vote,
                             std::string_view signer, std::string_view on_behalf_of, Choice choice,
                             std::string_view command_id, Timestamp time) {
  SigningPayload p;
  p.body = body;
  p.kind = "ballot";
  p.object = std::string(meeting) + "/" + std::string(vote);
  p.signer = signer;
  p.on_behalf_of = on_behalf_of;
  p.choice = ChoiceName(choice);
  p.command_id = command_id;
  p.time = time;
  return p;
}

Result<std::vector<MeetingEvent>> Decide(const Meeting& m, const MeetingCommand& command,
                                         const CommandContext& ctx, const directory::Body& body) {
  ECAB_TRY(Authorize(body, ctx, ActionOf(command)));
  if (m.status == MeetingStatus::kNone && !std::holds_alternative<ScheduleMeeting>(command)) {
    return MakeError(ErrorCode::kNotFound, "the meeting does not exist");
  }
  if (m.status == MeetingStatus::kClosed && !std::holds_alternative<MarkDocumentStudied>(command)) {
    return MakeError(ErrorCode::kRuleViolation, "meeting '" + m.schedule.meeting + "' is closed");
  }
  return internal::DecidePreparation(m, command, ctx, body);
}

}  // namespace ecab::meeting
