// The meetings' commands: scheduling, invitations, the session, the floor, votes.
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

namespace {

// The meeting commands this file takes.
using meeting::ScheduleMeeting, meeting::AddAgendaItem, meeting::ReorderAgenda, meeting::Invite,
    meeting::Rsvp, meeting::GiveItemOpinion, meeting::PreRegisterToSpeak,
    meeting::MarkDocumentStudied, meeting::OpenSession, meeting::CheckIn, meeting::TakeUpItem,
    meeting::CloseItem, meeting::Comment, meeting::RequestFloor, meeting::WithdrawFloorRequest,
    meeting::GrantFloor, meeting::EndFloor, meeting::OpenVote, meeting::CastBallot,
    meeting::CloseVote, meeting::CloseSession, meeting::MeetingCommand, meeting::BallotPayload;

// Runs `cmd` on the meeting of the path.
Result<CommandOutcome> OnMeeting(Call& c, CommandService& s, const MeetingCommand& cmd) {
  return s.Execute(c.params["body"], c.params["meeting"], cmd, c.ctx);
}

// A command with no body and nothing from the path.
template <class T>
void PlainMeetingCommand(App& app, const std::string& pattern, std::string summary) {
  Command<T>(app, "POST", pattern, "meetings", std::move(summary), {}, &OnMeeting);
}

// Before the session: scheduling, agenda, invitations, answers, opinions.
void AddPreparation(App& app) {
  const std::string m = kBodyPath + "/meetings";
  const std::string mm = m + "/{meeting}";
  Command<ScheduleMeeting>(
      app, "POST", m, "meetings", "Schedule a meeting (secretariat).",
      {IdField("meeting", &ScheduleMeeting::meeting), TextField("title", &ScheduleMeeting::title),
       TimeField("starts_at", &ScheduleMeeting::starts_at),
       TimeField("ends_at", &ScheduleMeeting::ends_at),
       TextField("place", &ScheduleMeeting::place, kOptional),
       TextField("online_link", &ScheduleMeeting::online_link, kOptional)},
      [](Call& c, CommandService& s, ScheduleMeeting& cmd) {
        return s.Execute(c.params["body"], cmd.meeting, cmd, c.ctx);
      });
  Command<AddAgendaItem>(
      app, "POST", mm + "/agenda", "meetings", "Add an agenda item with its documents.",
      {IdField("item", &AddAgendaItem::item), TextField("title", &AddAgendaItem::title),
       IdsField("documents", &AddAgendaItem::documents, kOptional)},
      [](Call& c, CommandService& s, AddAgendaItem& cmd) -> Result<CommandOutcome> {
        ECAB_TRY(Checked(c, s, AddAgendaItem::kAction,
                         [&] { return DocumentsExist(c, s, cmd.documents); }));
        return OnMeeting(c, s, cmd);
      });
  Command<ReorderAgenda>(app, "PUT", mm + "/agenda/order", "meetings",
                         "Reorder the agenda (every item, in the new order).",
                         {IdsField("order", &ReorderAgenda::order)}, &OnMeeting);
  Command<Invite>(
      app, "POST", mm + "/invitations", "meetings", "Invite a member or a guest.",
      {IdField("person", &Invite::person), FlagField("guest", &Invite::guest, kOptional)},
      &OnMeeting);
  Command<Rsvp>(app, "POST", mm + "/rsvp", "meetings",
                "Answer an invitation: in the room, remote, declined, or sending a substitute.",
                {IdField("person", &Rsvp::person, kOptional),
                 EnumField("response", &Rsvp::response, RsvpResponses()),
                 TextField("reason", &Rsvp::reason, kOptional),
                 IdField("substitute", &Rsvp::substitute, kOptional)},
                &OnMeeting);
  Command<GiveItemOpinion>(
      app, "POST", mm + "/items/{item}/opinions", "meetings",
      "Give a written opinion on an agenda item.",
      {PathParam("item", &GiveItemOpinion::item), TextField("text", &GiveItemOpinion::text)},
      &OnMeeting);
  Command<PreRegisterToSpeak>(app, "POST", mm + "/items/{item}/speakers", "meetings",
                              "Pre-register to speak on an agenda item.",
                              {PathParam("item", &PreRegisterToSpeak::item)}, &OnMeeting);
  Command<MarkDocumentStudied>(
      app, "POST", mm + "/documents/{document}/studied", "meetings",
      "Record that the caller studied a document.",
      {PathParam("document", &MarkDocumentStudied::document)},
      [](Call& c, CommandService& s, MarkDocumentStudied& cmd) -> Result<CommandOutcome> {
        // Only a document the caller may read can be studied; any other does not exist for them.
        ECAB_TRY(Checked(c, s, MarkDocumentStudied::kAction, [&]() -> Status {
          ECAB_TRY_LET(document, s.Document(cmd.document));
          if (document->version == 0 || document->body != c.params.at("body") ||
              !documents::MayRead(document->state, c.ctx.actor)) {
            return NoSuch("document", cmd.document);
          }
          return Ok{};
        }));
        return OnMeeting(c, s, cmd);
      });
}

// The session: check-ins, items, comments, the floor, votes, closing.
void AddSession(App& app) {
  const std::string mm = kBodyPath + "/meetings/{meeting}";
  PlainMeetingCommand<OpenSession>(app, mm + "/session", "Open the session (chair).");
  Command<CheckIn>(app, "POST", mm + "/check-ins", "meetings",
                   "Check in (in the room, remote, as substitute) or record an absence; staff may "
                   "record for others.",
                   {IdField("person", &CheckIn::person, kOptional),
                    EnumField("attendance", &CheckIn::attendance, Attendances())},
                   &OnMeeting);
  Command<TakeUpItem>(app, "POST", mm + "/items/{item}/take-up", "meetings",
                      "Take up an agenda item (chair).", {PathParam("item", &TakeUpItem::item)},
                      &OnMeeting);
  PlainMeetingCommand<CloseItem>(app, mm + "/current-item/close",
                                 "Close the current item (chair).");
  Command<Comment>(app, "POST", mm + "/comments", "meetings", "Comment on the current item.",
                   {TextField("text", &Comment::text)}, &OnMeeting);
  PlainMeetingCommand<RequestFloor>(app, mm + "/floor-requests",
                                    "Ask for the floor on the current item.");
  PlainMeetingCommand<WithdrawFloorRequest>(app, mm + "/floor-requests/withdrawal",
                                            "Withdraw the caller's floor request.");
  Command<GrantFloor>(app, "POST", mm + "/floor", "meetings",
                      "Give the floor to a person in the queue (chair).",
                      {IdField("person", &GrantFloor::person)}, &OnMeeting);
  PlainMeetingCommand<EndFloor>(app, mm + "/floor/end", "End the current speaker's turn (chair).");
  Command<OpenVote>(
      app, "POST", mm + "/votes", "meetings", "Open a vote on the current item (chair).",
      {IdField("vote", &OpenVote::vote), TextField("question", &OpenVote::question)}, &OnMeeting);
  Command<CastBallot>(
      app, "POST", mm + "/votes/{vote}/ballots", "meetings",
      "Cast (or change, while the vote is open) a signed ballot.",
      {PathParam("vote", &CastBallot::vote), EnumField("choice", &CastBallot::choice, Choices()),
       SignatureField(&CastBallot::signature)},
      [](Call& c, CommandService& s, CastBallot& ballot) {
        // Checked here, on this request's own thread, so the decider (one
        // at a time per meeting) finds the verdict already made.
        const auto payload =
            BallotPayload(c.params["body"], c.params["meeting"], ballot.vote, c.ctx.actor,
                          c.ctx.role == Role::kSubstitute ? c.ctx.on_behalf_of : "", ballot.choice,
                          c.ctx.command_id, ballot.signature.signed_at);
        (void)c.body_state->VerifyAct(c.ctx.actor, ballot.signature, CanonicalJson(payload));
        return OnMeeting(c, s, ballot);
      });
  Command<CloseVote>(app, "POST", mm + "/votes/{vote}/close", "meetings",
                     "Close a vote and record its outcome (chair).",
                     {PathParam("vote", &CloseVote::vote)}, &OnMeeting);
  PlainMeetingCommand<CloseSession>(app, mm + "/session/close", "Close the session (chair).");
}

}  // namespace

void RegisterMeetingCommands(App& app) {
  AddPreparation(app);
  AddSession(app);
}

}  // namespace ecab::api
