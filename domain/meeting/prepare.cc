// Process 3: scheduling, agenda, invitations, RSVPs, preparation.
#include <algorithm>

#include "domain/meeting/internal/deciders.h"

namespace ecab::meeting::internal {
namespace {

Error NotBeforeSession(const Meeting& m, std::string_view what) {
  return Refuse(ErrorCode::kRuleViolation,
                "meeting '" + m.schedule.meeting + "' has " +
                    (m.status == MeetingStatus::kOpen ? "begun" : "ended") + "; cannot " +
                    std::string(what) + " any more");
}

Result<Events> DecideRsvp(const Meeting& m, const Rsvp& c, const CommandContext& ctx,
                          const directory::Body& body) {
  // A member who falls ill mid-meeting may still name a substitute, where the body's policy allows
  // it.
  const bool late_substitute = m.status == MeetingStatus::kOpen &&
                               c.response == RsvpResponse::kSubstitute && body.late_substitution;
  if (m.status != MeetingStatus::kScheduled && !late_substitute) {
    if (m.status == MeetingStatus::kOpen && c.response == RsvpResponse::kSubstitute) {
      return Refuse(ErrorCode::kRuleViolation,
                    "meeting '" + m.schedule.meeting +
                        "' has begun and the body's policy does not allow naming a "
                        "substitute once the session is open");
    }
    return NotBeforeSession(m, "answer the invitation");
  }
  const std::string person =
      ctx.role == Role::kSecretariat && !c.person.empty() ? c.person : ctx.actor;
  if (ctx.role != Role::kSecretariat && !c.person.empty() && c.person != ctx.actor) {
    return Refuse(ErrorCode::kForbidden,
                  "'" + ctx.actor + "' may answer only their own invitation");
  }
  auto inv = m.invited.find(person);
  if (inv == m.invited.end())
    return Refuse(ErrorCode::kNotFound, "'" + person + "' is not invited");
  switch (c.response) {
    case RsvpResponse::kInRoom:
    case RsvpResponse::kRemote:
      break;
    case RsvpResponse::kDecline:
      if (c.reason.empty()) return Refuse(ErrorCode::kInvalidArgument, "declining needs a reason");
      break;
    case RsvpResponse::kSubstitute: {
      if (inv->second.guest)
        return Refuse(ErrorCode::kForbidden, "only members may send a substitute");
      if (c.substitute.empty() || c.substitute == person) {
        return Refuse(ErrorCode::kInvalidArgument,
                      "name the substitute, someone other than yourself");
      }
      auto role = body.RoleAt(c.substitute, ctx.now);
      if (role && IsVotingRole(*role)) {
        return Refuse(ErrorCode::kRuleViolation,
                      "'" + c.substitute + "' is a member and cannot stand in for another");
      }
      if (!role) {
        return Refuse(
            ErrorCode::kNotFound,
            "'" + c.substitute + "' is not enrolled as a substitute in body '" + body.id + "'");
      }
      if (*role != Role::kSubstitute) {
        return Refuse(ErrorCode::kRuleViolation, "'" + c.substitute + "' is " +
                                                     std::string(RoleName(*role)) + " in body '" +
                                                     body.id + "', not a substitute");
      }
      auto taken = m.substitutes.find(c.substitute);
      if (taken != m.substitutes.end() && taken->second != person) {
        return Refuse(ErrorCode::kRuleViolation,
                      "'" + c.substitute + "' already stands in for '" + taken->second + "'");
      }
      break;
    }
    default:
      return Refuse(ErrorCode::kInvalidArgument, "unknown RSVP response");
  }
  return Events{RsvpGiven{person, c.response, c.reason,
                          c.response == RsvpResponse::kSubstitute ? c.substitute : std::string()}};
}

Result<Events> DecideReorder(const Meeting& m, const ReorderAgenda& c, const CommandContext& ctx) {
  if (m.status == MeetingStatus::kClosed) return NotBeforeSession(m, "reorder the agenda");
  if (m.status == MeetingStatus::kOpen && ctx.role != Role::kChair) {
    return Refuse(ErrorCode::kForbidden,
                  "once the session is open only the chair reorders the agenda");
  }
  std::vector<std::string> now_ids, new_ids = c.order;
  for (const Item& i : m.agenda) now_ids.push_back(i.id);
  std::sort(now_ids.begin(), now_ids.end());
  std::sort(new_ids.begin(), new_ids.end());
  if (now_ids != new_ids) {
    return Refuse(ErrorCode::kInvalidArgument,
                  "the new order must list every agenda item exactly once");
  }
  return Events{AgendaReordered{c.order}};
}

}  // namespace

Result<Events> DecidePreparation(const Meeting& m, const MeetingCommand& command,
                                 const CommandContext& ctx, const directory::Body& body) {
  return std::visit(
      [&](const auto& c) -> Result<Events> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, ScheduleMeeting>) {
          if (m.status != MeetingStatus::kNone)
            return Refuse(ErrorCode::kAlreadyExists, "the meeting exists");
          if (c.meeting.empty() || c.title.empty()) {
            return Refuse(ErrorCode::kInvalidArgument, "a meeting needs an id and a title");
          }
          if (c.ends_at <= c.starts_at)
            return Refuse(ErrorCode::kInvalidArgument, "the meeting ends before it starts");
          if (c.place.empty() && c.online_link.empty()) {
            return Refuse(ErrorCode::kInvalidArgument, "a meeting needs a place or an online link");
          }
          return Events{
              MeetingScheduled{c.meeting, c.title, c.starts_at, c.ends_at, c.place, c.online_link}};
        } else if constexpr (std::is_same_v<C, AddAgendaItem>) {
          if (m.status == MeetingStatus::kClosed) return NotBeforeSession(m, "add agenda items");
          if (c.item.empty() || c.title.empty()) {
            return Refuse(ErrorCode::kInvalidArgument, "an agenda item needs an id and a title");
          }
          if (m.FindItem(c.item))
            return Refuse(ErrorCode::kAlreadyExists, "agenda item '" + c.item + "' exists");
          return Events{AgendaItemAdded{c.item, c.title, c.documents}};
        } else if constexpr (std::is_same_v<C, ReorderAgenda>) {
          return DecideReorder(m, c, ctx);
        } else if constexpr (std::is_same_v<C, Invite>) {
          if (m.status != MeetingStatus::kScheduled) return NotBeforeSession(m, "invite");
          if (c.person.empty())
            return Refuse(ErrorCode::kInvalidArgument, "name the person to invite");
          if (m.invited.contains(c.person))
            return Refuse(ErrorCode::kAlreadyExists, "'" + c.person + "' is invited");
          auto role = body.RoleAt(c.person, ctx.now);
          if (!c.guest && (!role || !IsVotingRole(*role))) {
            return Refuse(ErrorCode::kInvalidArgument,
                          "'" + c.person + "' is not a member; invite them as a guest");
          }
          return Events{ParticipantInvited{c.person, c.guest}};
        } else if constexpr (std::is_same_v<C, Rsvp>) {
          return DecideRsvp(m, c, ctx, body);
        } else if constexpr (std::is_same_v<C, GiveItemOpinion>) {
          if (m.status == MeetingStatus::kClosed) return NotBeforeSession(m, "give opinions");
          ECAB_TRY_LET(who, Principal(m, ctx));
          if (!m.FindItem(c.item))
            return Refuse(ErrorCode::kNotFound, "no agenda item '" + c.item + "'");
          if (c.text.empty()) return Refuse(ErrorCode::kInvalidArgument, "the opinion is empty");
          return Events{ItemOpinionGiven{c.item, ctx.actor,
                                         ctx.role == Role::kSubstitute ? *who : "", c.text}};
        } else if constexpr (std::is_same_v<C, PreRegisterToSpeak>) {
          if (m.status != MeetingStatus::kScheduled)
            return NotBeforeSession(m, "pre-register to speak");
          ECAB_TRY_LET(who, Principal(m, ctx));
          if (!m.FindItem(c.item))
            return Refuse(ErrorCode::kNotFound, "no agenda item '" + c.item + "'");
          for (const auto& p : m.pre_registered) {
            if (p.item == c.item && p.person == ctx.actor) {
              return Refuse(ErrorCode::kAlreadyExists,
                            "already registered to speak on '" + c.item + "'");
            }
          }
          return Events{
              SpeakerPreRegistered{c.item, ctx.actor, ctx.role == Role::kSubstitute ? *who : ""}};
        } else if constexpr (std::is_same_v<C, MarkDocumentStudied>) {
          ECAB_TRY_LET(who, Principal(m, ctx));
          if (!m.NamesDocument(c.document))
            return Refuse(ErrorCode::kNotFound,
                          "document '" + c.document + "' is not on the agenda");
          if (m.studied.contains({c.document, ctx.actor})) {
            return Refuse(ErrorCode::kAlreadyExists, "already marked as studied");
          }
          return Events{DocumentStudied{c.document, ctx.actor}};
        } else {
          return DecideConduct(m, command, ctx, body);
        }
      },
      command);
}

}  // namespace ecab::meeting::internal
