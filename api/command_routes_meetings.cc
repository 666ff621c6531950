// The meetings' commands: scheduling, invitations, the session, the floor, votes.
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/policy_json.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

namespace {

using nlohmann::json;

// Runs `cmd` on the meeting of the path.
Result<CommandOutcome> OnMeeting(Call& c, CommandService& s, meeting::MeetingCommand cmd) {
  return s.Execute(c.params["body"], c.params["meeting"], cmd, c.ctx);
}

// Before the session: scheduling, agenda, invitations, answers, opinions.
void AddPreparation(App& app) {
  const std::string m = kBodyPath + "/meetings";
  const std::string mm = m + "/{meeting}";
  Command(app, "POST", m, "meetings", "Schedule a meeting (secretariat).",
          {{"meeting", FieldType::kId}, {"title", FieldType::kText}, {"starts_at", FieldType::kTimestamp},
           {"ends_at", FieldType::kTimestamp}, {"place", FieldType::kText, false},
           {"online_link", FieldType::kText, false}},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], Str(c.body, "meeting"),
                             meeting::ScheduleMeeting{Str(c.body, "meeting"), Str(c.body, "title"),
                                                      Time(c.body, "starts_at"), Time(c.body, "ends_at"),
                                                      Str(c.body, "place"), Str(c.body, "online_link")},
                             c.ctx);
          });
  Command(app, "POST", mm + "/agenda", "meetings", "Add an agenda item with its documents.",
          {{"item", FieldType::kId}, {"title", FieldType::kText}, {"documents", FieldType::kIds, false}},
          [](Call& c, CommandService& s) -> Result<CommandOutcome> {
            const auto documents = Ids(c.body, "documents");
            if (auto st = Checked(c, s, Action::kAddAgendaItem, [&] { return DocumentsExist(c, s, documents); });
                !st.ok()) {
              return st.error();
            }
            return OnMeeting(c, s, meeting::AddAgendaItem{Str(c.body, "item"), Str(c.body, "title"), documents});
          });
  Command(app, "PUT", mm + "/agenda/order", "meetings", "Reorder the agenda (every item, in the new order).",
          {{"order", FieldType::kIds}},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::ReorderAgenda{Ids(c.body, "order")}); });
  Command(app, "POST", mm + "/invitations", "meetings", "Invite a member or a guest.",
          {{"person", FieldType::kId}, {"guest", FieldType::kBoolean, false}}, [](Call& c, CommandService& s) {
            return OnMeeting(c, s, meeting::Invite{Str(c.body, "person"), c.body.value("guest", false)});
          });
  Command(app, "POST", mm + "/rsvp", "meetings",
          "Answer an invitation: in the room, remote, declined, or sending a substitute.",
          {{"person", FieldType::kId, false}, {"response", FieldType::kEnum, true, RsvpResponses().names()},
           {"reason", FieldType::kText, false}, {"substitute", FieldType::kId, false}},
          [](Call& c, CommandService& s) {
            return OnMeeting(c, s, meeting::Rsvp{Str(c.body, "person"), RsvpResponses().Parse(c.body["response"]),
                                               Str(c.body, "reason"), Str(c.body, "substitute")});
          });
  Command(app, "POST", mm + "/items/{item}/opinions", "meetings", "Give a written opinion on an agenda item.",
          {{"text", FieldType::kText}}, [](Call& c, CommandService& s) {
            return OnMeeting(c, s, meeting::GiveItemOpinion{c.params["item"], Str(c.body, "text")});
          });
  Command(app, "POST", mm + "/items/{item}/speakers", "meetings", "Pre-register to speak on an agenda item.", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::PreRegisterToSpeak{c.params["item"]}); });
  Command(app, "POST", mm + "/documents/{document}/studied", "meetings", "Record that the caller studied a document.",
          {}, [](Call& c, CommandService& s) -> Result<CommandOutcome> {
            // Only a document the caller may read can be studied; any other does not exist for them.
            const std::string id = c.params["document"];
            if (auto st = Checked(c, s, Action::kMarkDocumentStudied, [&]() -> Status {
                  auto document = s.Document(id);
                  if (!document.ok()) return document.error();
                  if (document->version == 0 || document->body != c.params.at("body") ||
                      !documents::MayRead(document->state, c.ctx.actor)) {
                    return NoSuch("document", id);
                  }
                  return Ok{};
                });
                !st.ok()) {
              return st.error();
            }
            return OnMeeting(c, s, meeting::MarkDocumentStudied{id});
          });
}

// The session: check-ins, items, comments, the floor, votes, closing.
void AddSession(App& app) {
  const std::string mm = kBodyPath + "/meetings/{meeting}";
  Command(app, "POST", mm + "/session", "meetings", "Open the session (chair).", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::OpenSession{}); });
  Command(app, "POST", mm + "/check-ins", "meetings",
          "Check in (in the room, remote, as substitute) or record an absence; staff may record for others.",
          {{"person", FieldType::kId, false}, {"attendance", FieldType::kEnum, true, Attendances().names()}},
          [](Call& c, CommandService& s) {
            return OnMeeting(c, s, meeting::CheckIn{Str(c.body, "person"), Attendances().Parse(c.body["attendance"])});
          });
  Command(app, "POST", mm + "/items/{item}/take-up", "meetings", "Take up an agenda item (chair).", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::TakeUpItem{c.params["item"]}); });
  Command(app, "POST", mm + "/current-item/close", "meetings", "Close the current item (chair).", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::CloseItem{}); });
  Command(app, "POST", mm + "/comments", "meetings", "Comment on the current item.", {{"text", FieldType::kText}},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::Comment{Str(c.body, "text")}); });
  Command(app, "POST", mm + "/floor-requests", "meetings", "Ask for the floor on the current item.", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::RequestFloor{}); });
  Command(app, "POST", mm + "/floor-requests/withdrawal", "meetings", "Withdraw the caller's floor request.", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::WithdrawFloorRequest{}); });
  Command(app, "POST", mm + "/floor", "meetings", "Give the floor to a person in the queue (chair).",
          {{"person", FieldType::kId}},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::GrantFloor{Str(c.body, "person")}); });
  Command(app, "POST", mm + "/floor/end", "meetings", "End the current speaker's turn (chair).", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::EndFloor{}); });
  Command(app, "POST", mm + "/votes", "meetings", "Open a vote on the current item (chair).",
          {{"vote", FieldType::kId}, {"question", FieldType::kText}}, [](Call& c, CommandService& s) {
            return OnMeeting(c, s, meeting::OpenVote{Str(c.body, "vote"), Str(c.body, "question")});
          });
  Command(app, "POST", mm + "/votes/{vote}/ballots", "meetings",
          "Cast (or change, while the vote is open) a signed ballot.",
          {{"choice", FieldType::kEnum, true, Choices().names()}, kSignatureField},
          [](Call& c, CommandService& s) {
            const meeting::CastBallot ballot{c.params["vote"], Choices().Parse(c.body["choice"]),
                                             Signature(c.body["signature"])};
            // Checked here, on this request's own thread, so the decider (one
            // at a time per meeting) finds the verdict already made.
            const auto payload = meeting::BallotPayload(
                c.params["body"], c.params["meeting"], ballot.vote, c.ctx.actor,
                c.ctx.role == Role::kSubstitute ? c.ctx.on_behalf_of : "", ballot.choice, c.ctx.command_id,
                ballot.signature.signed_at);
            (void)c.body_state->VerifyAct(c.ctx.actor, ballot.signature, CanonicalJson(payload));
            return OnMeeting(c, s, ballot);
          });
  Command(app, "POST", mm + "/votes/{vote}/close", "meetings", "Close a vote and record its outcome (chair).", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::CloseVote{c.params["vote"]}); });
  Command(app, "POST", mm + "/session/close", "meetings", "Close the session (chair).", {},
          [](Call& c, CommandService& s) { return OnMeeting(c, s, meeting::CloseSession{}); });
}

}  // namespace

void RegisterMeetingCommands(App& app) {
  AddPreparation(app);
  AddSession(app);
}

}  // namespace ecab::api
