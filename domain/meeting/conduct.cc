// Process 4: the session, attendance and quorum, items, comments, the floor,
// votes and signed ballots.
#include <algorithm>

#include "domain/meeting/internal/deciders.h"
#include "domain/signing/verify.h"

namespace ecab::meeting::internal {
namespace {

Error NotOpen(const Meeting& m) {
  return Refuse(ErrorCode::kRuleViolation,
                "the session of meeting '" + m.schedule.meeting + "' is not open");
}

Status NeedQuorum(const Meeting& m, std::string_view what) {
  const QuorumStatus q = m.Quorum();
  if (q.met) return Ok{};
  return Refuse(ErrorCode::kRuleViolation, "cannot " + std::string(what) + ": " + q.reasoning);
}

Result<Events> DecideCheckIn(const Meeting& m, const CheckIn& c, const CommandContext& ctx) {
  if (ctx.role == Role::kSubstitute) {
    ECAB_TRY_LET(member, Principal(m, ctx));
    if (c.attendance != Attendance::kSubstitute && c.attendance != Attendance::kAbsent) {
      return Refuse(ErrorCode::kInvalidArgument, "a substitute checks in as substitute");
    }
    return Events{CheckedIn{ctx.actor, c.attendance, *member, ctx.actor}};
  }
  const std::string person = c.person.empty() ? ctx.actor : c.person;
  if (person != ctx.actor && ctx.role != Role::kSecretariat) {
    return Refuse(ErrorCode::kForbidden, "only the secretariat records attendance for others");
  }
  if (c.attendance == Attendance::kSubstitute) {
    auto named = m.substitutes.find(person);
    if (named == m.substitutes.end()) {
      return Refuse(ErrorCode::kForbidden,
                    "'" + person + "' was not named as a substitute in this meeting");
    }
    return Events{CheckedIn{person, c.attendance, named->second, ctx.actor}};
  }
  if (!IsParticipant(m, person))
    return Refuse(ErrorCode::kForbidden, "'" + person + "' is not a participant");
  if (!IsValid(c.attendance)) return Refuse(ErrorCode::kInvalidArgument, "unknown attendance");
  return Events{CheckedIn{person, c.attendance, "", ctx.actor}};
}

Result<Events> DecideTakeUp(const Meeting& m, const TakeUpItem& c) {
  if (!m.current_item.empty()) {
    return Refuse(ErrorCode::kRuleViolation,
                  "item '" + m.current_item + "' is still being discussed");
  }
  ECAB_TRY(NeedQuorum(m, "take up an item"));
  auto next =
      std::find_if(m.agenda.begin(), m.agenda.end(), [](const Item& i) { return !i.closed; });
  if (next == m.agenda.end())
    return Refuse(ErrorCode::kRuleViolation, "every agenda item is closed");
  if (next->id != c.item) {
    return Refuse(ErrorCode::kRuleViolation, "items are taken in order: next is '" + next->id +
                                                 "' (the chair may reorder the agenda)");
  }
  return Events{ItemTakenUp{c.item}};
}

Result<Events> DecideFloor(const Meeting& m, const MeetingCommand& command,
                           const CommandContext& ctx) {
  if (const auto* grant = std::get_if<GrantFloor>(&command)) {
    if (!m.speaker.empty())
      return Refuse(ErrorCode::kRuleViolation, "'" + m.speaker + "' has the floor; end it first");
    auto queued = std::find_if(m.floor_queue.begin(), m.floor_queue.end(),
                               [&](const FloorRequest& r) { return r.person == grant->person; });
    if (queued == m.floor_queue.end()) {
      return Refuse(ErrorCode::kRuleViolation,
                    "'" + grant->person + "' has not requested the floor");
    }
    return Events{FloorGranted{grant->person}};
  }
  if (std::holds_alternative<EndFloor>(command)) {
    if (m.speaker.empty()) return Refuse(ErrorCode::kRuleViolation, "nobody has the floor");
    return Events{FloorEnded{m.speaker}};
  }
  ECAB_TRY_LET(who, Principal(m, ctx));
  const bool queued = std::any_of(m.floor_queue.begin(), m.floor_queue.end(),
                                  [&](const FloorRequest& r) { return r.person == ctx.actor; });
  if (std::holds_alternative<WithdrawFloorRequest>(command)) {
    if (!queued) return Refuse(ErrorCode::kRuleViolation, "no request for the floor to withdraw");
    return Events{FloorRequestWithdrawn{ctx.actor}};
  }
  if (m.current_item.empty())
    return Refuse(ErrorCode::kRuleViolation, "no item is being discussed");
  if (queued || m.speaker == ctx.actor) {
    return Refuse(ErrorCode::kRuleViolation,
                  "'" + ctx.actor + "' already asked for or has the floor");
  }
  return Events{
      FloorRequested{m.current_item, ctx.actor, ctx.role == Role::kSubstitute ? *who : ""}};
}

Result<Events> DecideOpenVote(const Meeting& m, const OpenVote& c, const CommandContext& ctx,
                              const directory::Body& body) {
  if (m.current_item.empty())
    return Refuse(ErrorCode::kRuleViolation, "a vote is held on the current item; take one up");
  if (!m.open_vote.empty())
    return Refuse(ErrorCode::kRuleViolation, "vote '" + m.open_vote + "' is still open");
  if (c.vote.empty() || c.question.empty())
    return Refuse(ErrorCode::kInvalidArgument, "a vote needs an id and a question");
  if (m.votes.contains(c.vote))
    return Refuse(ErrorCode::kAlreadyExists, "vote '" + c.vote + "' exists");
  ECAB_TRY(NeedQuorum(m, "open a vote"));
  return Events{VoteOpened{c.vote, m.current_item, c.question, ctx.actor, body.MembersAt(ctx.now),
                           m.Quorum().present, body.policy}};
}

Result<Events> DecideBallot(const Meeting& m, const CastBallot& c, const CommandContext& ctx,
                            const directory::Body& body) {
  auto vote = m.votes.find(c.vote);
  if (vote == m.votes.end()) return Refuse(ErrorCode::kNotFound, "no vote '" + c.vote + "'");
  if (vote->second.outcome)
    return Refuse(ErrorCode::kRuleViolation, "vote '" + c.vote + "' is closed");
  if (!IsValid(c.choice)) return Refuse(ErrorCode::kInvalidArgument, "unknown choice");
  ECAB_TRY_LET(voter, Principal(m, ctx));
  const VoteOpened& opened = vote->second.opened;
  if (std::find(opened.electorate.begin(), opened.electorate.end(), *voter) ==
      opened.electorate.end()) {
    return Refuse(ErrorCode::kForbidden,
                  "'" + *voter + "' is not entitled to vote in '" + c.vote + "'");
  }
  Attendance mode = Attendance::kRemote;
  if (ctx.role == Role::kSubstitute) {
    if (!opened.policy.substitutes_may_vote) {
      return Refuse(ErrorCode::kForbidden, "a substitute does not vote under this body's policy");
    }
    auto p = m.presence.find(ctx.actor);
    if (p == m.presence.end() || p->second.attendance != Attendance::kSubstitute) {
      return Refuse(ErrorCode::kRuleViolation, "substitute '" + ctx.actor + "' has not checked in");
    }
    mode = Attendance::kSubstitute;
  } else if (auto p = m.presence.find(*voter);
             p != m.presence.end() && p->second.attendance == Attendance::kInRoom) {
    mode = Attendance::kInRoom;
  }
  ECAB_TRY(CheckSigningTime(c.signature, ctx.now));
  const auto payload = BallotPayload(body.id, m.schedule.meeting, c.vote, ctx.actor,
                                     ctx.role == Role::kSubstitute ? *voter : "", c.choice,
                                     ctx.command_id, c.signature.signed_at);
  ECAB_TRY(body.VerifyAct(ctx.actor, c.signature, CanonicalJson(payload)));
  return Events{BallotCast{c.vote, *voter, ctx.actor, c.choice, mode, c.signature}};
}

Result<Events> DecideCloseVote(const Meeting& m, const CloseVote& c) {
  auto vote = m.votes.find(c.vote);
  if (vote == m.votes.end()) return Refuse(ErrorCode::kNotFound, "no vote '" + c.vote + "'");
  if (vote->second.outcome)
    return Refuse(ErrorCode::kRuleViolation, "vote '" + c.vote + "' is already closed");
  std::optional<Choice> chair;
  if (auto b = vote->second.ballots.find(vote->second.opened.chair);
      b != vote->second.ballots.end()) {
    chair = b->second.choice;
  }
  return Events{VoteClosed{
      c.vote, DecideOutcome(m.CountVote(vote->second), vote->second.opened.policy, chair)}};
}

}  // namespace

Result<Events> DecideConduct(const Meeting& m, const MeetingCommand& command,
                             const CommandContext& ctx, const directory::Body& body) {
  if (std::holds_alternative<OpenSession>(command)) {
    if (m.status != MeetingStatus::kScheduled) {
      return Refuse(ErrorCode::kRuleViolation, "the session can be opened only once");
    }
    return Events{SessionOpened{ctx.actor, body.MembersAt(ctx.now), body.policy}};
  }
  if (m.status != MeetingStatus::kOpen) return NotOpen(m);
  return std::visit(
      [&](const auto& c) -> Result<Events> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, CheckIn>) {
          return DecideCheckIn(m, c, ctx);
        } else if constexpr (std::is_same_v<C, TakeUpItem>) {
          return DecideTakeUp(m, c);
        } else if constexpr (std::is_same_v<C, CloseItem>) {
          if (m.current_item.empty())
            return Refuse(ErrorCode::kRuleViolation, "no item is being discussed");
          if (!m.open_vote.empty())
            return Refuse(ErrorCode::kRuleViolation, "close vote '" + m.open_vote + "' first");
          return Events{ItemClosed{m.current_item}};
        } else if constexpr (std::is_same_v<C, Comment>) {
          ECAB_TRY_LET(who, Principal(m, ctx));
          if (m.current_item.empty())
            return Refuse(ErrorCode::kRuleViolation, "no item is being discussed");
          if (c.text.empty()) return Refuse(ErrorCode::kInvalidArgument, "the comment is empty");
          return Events{CommentPosted{m.current_item, ctx.actor,
                                      ctx.role == Role::kSubstitute ? *who : "", c.text}};
        } else if constexpr (std::is_same_v<C, RequestFloor> ||
                             std::is_same_v<C, WithdrawFloorRequest> ||
                             std::is_same_v<C, GrantFloor> || std::is_same_v<C, EndFloor>) {
          return DecideFloor(m, command, ctx);
        } else if constexpr (std::is_same_v<C, OpenVote>) {
          return DecideOpenVote(m, c, ctx, body);
        } else if constexpr (std::is_same_v<C, CastBallot>) {
          return DecideBallot(m, c, ctx, body);
        } else if constexpr (std::is_same_v<C, CloseVote>) {
          return DecideCloseVote(m, c);
        } else if constexpr (std::is_same_v<C, CloseSession>) {
          if (!m.open_vote.empty())
            return Refuse(ErrorCode::kRuleViolation, "close vote '" + m.open_vote + "' first");
          Events out;
          if (!m.current_item.empty()) out.push_back(ItemClosed{m.current_item});
          out.push_back(SessionClosed{ctx.actor});
          return out;
        } else {
          return Refuse(ErrorCode::kInvalidArgument, "not a command for an open session");
        }
      },
      command);
}

}  // namespace ecab::meeting::internal
