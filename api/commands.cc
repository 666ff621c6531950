// The command routes of the five processes: each turns a checked JSON body
// into a domain command, decides it against the stream's current state and
// appends the events under the request's Idempotency-Key.
#include "api/app.h"
#include "api/enums.h"
#include "api/log.h"
#include "api/platform.h"
#include "api/policy_json.h"
#include "api/references.h"
#include "api/service.h"
#include "domain/authz/authorization.h"
#include "domain/signing/signed_act.h"

namespace ecab::api {
namespace {

using nlohmann::json;

std::string Str(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() || it->is_null() ? std::string() : it->get<std::string>();
}

std::vector<std::string> Ids(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() || it->is_null() ? std::vector<std::string>{} : it->get<std::vector<std::string>>();
}

Timestamp Time(const json& body, const char* name) { return *ParseRfc3339(body.at(name).get<std::string>()); }

SignedAct Signature(const json& s) {
  return SignedAct{s.at("algorithm").get<std::string>(), *Base64Decode(s.at("value").get<std::string>()),
                   s.at("certificate").get<std::string>(), *ParseRfc3339(s.at("signed_at").get<std::string>())};
}

// Registers one command route.
void Command(App& app, std::string method, std::string pattern, std::string tag, std::string summary, Schema schema,
             std::function<Result<CommandOutcome>(Call&, CommandService&)> run) {
  app.Add(Route{std::move(method), std::move(pattern), std::move(tag), std::move(summary), std::move(schema), {},
                true, true, false,
                [&app, run = std::move(run)](Call& c) { return OutcomeResponse(c, run(c, app.commands())); }});
}

const Field kSignatureField{"signature", FieldType::kSignature};

}  // namespace

http::Response OutcomeResponse(const Call& c, const Result<CommandOutcome>& r) {
  if (!r.ok()) {
    if (r.error().code == ErrorCode::kBadSignature) {
      // The security log: every refused signature, with who and where.
      LogEvent(spdlog::level::warn, {{"msg", "signature refused"},
                                     {"security", "signature_refused"},
                                     {"request_id", c.request.request_id},
                                     {"actor", c.ctx.actor},
                                     {"on_behalf_of", c.ctx.on_behalf_of},
                                     {"path", c.request.path},
                                     {"peer", c.request.peer},
                                     {"reason", r.error().message}});
    }
    return FromError(r.error());
  }
  json positions = json::array();
  if (r->append.last_position > 0) {
    for (std::uint64_t p = r->append.first_position; p <= r->append.last_position; ++p) positions.push_back(p);
  }
  return Json(r->events > 0 ? 201 : 200, {{"command_id", c.ctx.command_id},
                                          {"stream", r->stream},
                                          {"stream_version", r->append.stream_version},
                                          {"positions", positions},
                                          {"first_position", r->append.first_position},
                                          {"last_position", r->append.last_position},
                                          {"replayed", r->replayed}});
}

void RegisterCommandRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";

  // ---- the body: people, certificates, trust, numbering ----
  Command(app, "POST", b + "/people", "directory", "Enrol a person in the body with a role (admin).",
          {{"person", FieldType::kId}, {"office", FieldType::kText}, {"office_vi", FieldType::kText, false},
           {"role", FieldType::kEnum, true, Roles().names()}},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::EnrollPerson{Str(c.body, "person"), Str(c.body, "office"),
                                                     Str(c.body, "office_vi"), Roles().Parse(c.body["role"])},
                             c.ctx);
          });
  Command(app, "POST", b + "/people/{person}/removal", "directory", "End a person's tenure in the body (admin).", {},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], directory::RemovePerson{c.params["person"]}, c.ctx);
          });
  Command(app, "POST", b + "/people/{person}/certificates", "directory",
          "Enrol a signing certificate (DER, base64) for a person (admin).", {{"der", FieldType::kBase64}},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::EnrollCertificate{c.params["person"], *Base64Decode(Str(c.body, "der"))}, c.ctx);
          });
  Command(app, "PUT", b + "/trust-anchor", "directory", "Set the CA certificate signatures must chain to (admin).",
          {{"der", FieldType::kBase64}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], directory::SetTrustAnchor{*Base64Decode(Str(c.body, "der"))}, c.ctx);
          });
  Command(app, "PUT", b + "/revocation-list", "directory", "Publish the anchor's certificate revocation list (admin).",
          {{"der", FieldType::kBase64}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], directory::PublishRevocationList{*Base64Decode(Str(c.body, "der"))},
                             c.ctx);
          });
  Command(app, "PUT", b + "/policy", "directory",
          "Set the body's rules: quorum, majority and its basis, ties, silence on forms, remote and substitute "
          "participation (late_substitution: a substitute may be named after the session opened), the highest "
          "classification accepted (admin).",
          [] {
            Schema schema = PolicyFields(true);
            schema.push_back({"late_substitution", FieldType::kBoolean, false});
            return schema;
          }(),
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::SetPolicy{PolicyFromJson(c.body), c.body.value("late_substitution", false)},
                             c.ctx);
          });
  Command(app, "POST", b + "/approvers", "directory", "Delegate (or withdraw) the approval of opinion forms.",
          {{"person", FieldType::kId}, {"granted", FieldType::kBoolean, false}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::DelegateApprover{Str(c.body, "person"), c.body.value("granted", true)}, c.ctx);
          });
  Command(app, "POST", b + "/resolution-numbers", "directory",
          "Assign the body's next resolution number for a year to a signed resolution before it is "
          "promulgated (secretariat; promulgation does it when not done).",
          {{"resolution", FieldType::kId}, {"year", FieldType::kInteger}},
          [](Call& c, CommandService& s) -> Result<CommandOutcome> {
            if (auto st = Checked(c, s, Action::kAssignResolutionNumber,
                                  [&] { return NumberableResolution(c, s, Str(c.body, "resolution")); });
                !st.ok()) {
              return st.error();
            }
            return s.Execute(c.params["body"],
                             directory::AssignResolutionNumber{Str(c.body, "resolution"),
                                                               static_cast<std::int32_t>(c.body["year"].get<std::int64_t>())},
                             c.ctx);
          });

  // ---- documents ----
  const std::string d = b + "/documents";
  Command(app, "POST", d, "documents", "Register a document (secretariat).",
          {{"document", FieldType::kId}, {"title", FieldType::kText},
           {"classification", FieldType::kEnum, false, Classifications().names()},
           {"urgency", FieldType::kEnum, false, Urgencies().names()}},
          [](Call& c, CommandService& s) {
            documents::RegisterDocument cmd{Str(c.body, "document"), Str(c.body, "title"), Classification::kNormal,
                                            Urgency::kNormal};
            if (c.body.contains("classification")) cmd.classification = Classifications().Parse(c.body["classification"]);
            if (c.body.contains("urgency")) cmd.urgency = Urgencies().Parse(c.body["urgency"]);
            return s.Execute(c.params["body"], cmd.document, cmd, c.ctx);
          });
  Command(app, "POST", d + "/{document}/versions", "documents",
          "Add a version of a document: its SHA-256, size, type, name and extracted text.",
          {{"sha256", FieldType::kName}, {"size", FieldType::kInteger}, {"media_type", FieldType::kName},
           {"filename", FieldType::kName}, {"text", FieldType::kText, false}},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["document"],
                             documents::AddDocumentVersion{Str(c.body, "sha256"), c.body["size"].get<std::uint64_t>(),
                                                           Str(c.body, "media_type"), Str(c.body, "filename"),
                                                           Str(c.body, "text")},
                             c.ctx);
          });
  Command(app, "POST", d + "/{document}/grants", "documents", "Grant a person access to a classified document.",
          {{"person", FieldType::kId}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["document"],
                             documents::GrantDocumentAccess{Str(c.body, "person")}, c.ctx);
          });

  // ---- opinion forms ----
  const std::string f = b + "/forms";
  const Schema content = {{"title", FieldType::kText},
                          {"question", FieldType::kText},
                          {"documents", FieldType::kIds, false},
                          {"addressees", FieldType::kIds},
                          {"deadline", FieldType::kTimestamp},
                          {"urgency", FieldType::kEnum, false, Urgencies().names()}};
  auto content_of = [](const json& body) {
    return forms::FormContent{Str(body, "title"), Str(body, "question"), Ids(body, "documents"),
                              Ids(body, "addressees"), Time(body, "deadline"),
                              body.contains("urgency") ? Urgencies().Parse(body["urgency"]) : Urgency::kNormal};
  };
  Schema draft = content;
  draft.insert(draft.begin(), Field{"form", FieldType::kId});
  auto content_refs = [](Call& c, CommandService& s, Action action) {
    return Checked(c, s, action, [&]() -> Status {
      if (auto st = DocumentsExist(c, s, Ids(c.body, "documents")); !st.ok()) return st;
      return PeopleExist(c, Ids(c.body, "addressees"));
    });
  };
  Command(app, "POST", f, "forms", "Draft an opinion form (secretariat).", draft,
          [content_of, content_refs](Call& c, CommandService& s) -> Result<CommandOutcome> {
            if (auto st = content_refs(c, s, Action::kDraftForm); !st.ok()) return st.error();
            return s.Execute(c.params["body"], Str(c.body, "form"),
                             forms::DraftForm{Str(c.body, "form"), content_of(c.body)}, c.ctx);
          });
  Command(app, "PUT", f + "/{form}/content", "forms", "Revise a draft or returned form.", content,
          [content_of, content_refs](Call& c, CommandService& s) -> Result<CommandOutcome> {
            if (auto st = content_refs(c, s, Action::kReviseForm); !st.ok()) return st.error();
            return s.Execute(c.params["body"], c.params["form"], forms::ReviseForm{content_of(c.body)}, c.ctx);
          });
  Command(app, "POST", f + "/{form}/submission", "forms", "Submit a form for approval.", {},
          [](Call& c, CommandService& s) { return s.Execute(c.params["body"], c.params["form"], forms::SubmitForm{}, c.ctx); });
  Command(app, "POST", f + "/{form}/approval", "forms", "Approve a form, signed by the chair or a delegated approver.",
          {kSignatureField}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["form"], forms::ApproveForm{Signature(c.body["signature"])},
                             c.ctx);
          });
  Command(app, "POST", f + "/{form}/return", "forms", "Return a form to the secretariat with a reason.",
          {{"reason", FieldType::kText}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["form"], forms::ReturnForm{Str(c.body, "reason")}, c.ctx);
          });
  Command(app, "POST", f + "/{form}/issue", "forms", "Issue an approved form to its addressees.", {},
          [](Call& c, CommandService& s) { return s.Execute(c.params["body"], c.params["form"], forms::IssueForm{}, c.ctx); });
  Command(app, "POST", f + "/{form}/answers", "forms", "Answer an issued form (signed; revisable until the deadline).",
          {{"answer", FieldType::kEnum, true, Answers().names()}, {"text", FieldType::kText, false}, kSignatureField},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["form"],
                             forms::AnswerForm{Answers().Parse(c.body["answer"]), Str(c.body, "text"),
                                               Signature(c.body["signature"])},
                             c.ctx);
          });
  Command(app, "POST", f + "/{form}/close", "forms", "Close a form and record its result under the silence rule.", {},
          [](Call& c, CommandService& s) { return s.Execute(c.params["body"], c.params["form"], forms::CloseForm{}, c.ctx); });
  Command(app, "POST", f + "/{form}/result", "forms", "Submit a closed form's result to the chair.", {},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["form"], forms::SubmitFormResult{}, c.ctx);
          });
  Command(app, "POST", f + "/{form}/decision", "forms", "Record the chair's decision on a form's result.",
          {{"adopted", FieldType::kBoolean}, {"decision", FieldType::kText}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["form"],
                             forms::RecordFormDecision{c.body["adopted"].get<bool>(), Str(c.body, "decision")}, c.ctx);
          });

  // ---- meetings ----
  const std::string m = b + "/meetings";
  const std::string mm = m + "/{meeting}";
  auto meeting = [](Call& c, CommandService& s, meeting::MeetingCommand cmd) {
    return s.Execute(c.params["body"], c.params["meeting"], cmd, c.ctx);
  };
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
          [meeting](Call& c, CommandService& s) -> Result<CommandOutcome> {
            const auto documents = Ids(c.body, "documents");
            if (auto st = Checked(c, s, Action::kAddAgendaItem, [&] { return DocumentsExist(c, s, documents); });
                !st.ok()) {
              return st.error();
            }
            return meeting(c, s, meeting::AddAgendaItem{Str(c.body, "item"), Str(c.body, "title"), documents});
          });
  Command(app, "PUT", mm + "/agenda/order", "meetings", "Reorder the agenda (every item, in the new order).",
          {{"order", FieldType::kIds}},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::ReorderAgenda{Ids(c.body, "order")}); });
  Command(app, "POST", mm + "/invitations", "meetings", "Invite a member or a guest.",
          {{"person", FieldType::kId}, {"guest", FieldType::kBoolean, false}}, [meeting](Call& c, CommandService& s) {
            return meeting(c, s, meeting::Invite{Str(c.body, "person"), c.body.value("guest", false)});
          });
  Command(app, "POST", mm + "/rsvp", "meetings",
          "Answer an invitation: in the room, remote, declined, or sending a substitute.",
          {{"person", FieldType::kId, false}, {"response", FieldType::kEnum, true, RsvpResponses().names()},
           {"reason", FieldType::kText, false}, {"substitute", FieldType::kId, false}},
          [meeting](Call& c, CommandService& s) {
            return meeting(c, s, meeting::Rsvp{Str(c.body, "person"), RsvpResponses().Parse(c.body["response"]),
                                               Str(c.body, "reason"), Str(c.body, "substitute")});
          });
  Command(app, "POST", mm + "/items/{item}/opinions", "meetings", "Give a written opinion on an agenda item.",
          {{"text", FieldType::kText}}, [meeting](Call& c, CommandService& s) {
            return meeting(c, s, meeting::GiveItemOpinion{c.params["item"], Str(c.body, "text")});
          });
  Command(app, "POST", mm + "/items/{item}/speakers", "meetings", "Pre-register to speak on an agenda item.", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::PreRegisterToSpeak{c.params["item"]}); });
  Command(app, "POST", mm + "/documents/{document}/studied", "meetings", "Record that the caller studied a document.",
          {}, [meeting](Call& c, CommandService& s) -> Result<CommandOutcome> {
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
            return meeting(c, s, meeting::MarkDocumentStudied{id});
          });
  Command(app, "POST", mm + "/session", "meetings", "Open the session (chair).", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::OpenSession{}); });
  Command(app, "POST", mm + "/check-ins", "meetings",
          "Check in (in the room, remote, as substitute) or record an absence; staff may record for others.",
          {{"person", FieldType::kId, false}, {"attendance", FieldType::kEnum, true, Attendances().names()}},
          [meeting](Call& c, CommandService& s) {
            return meeting(c, s, meeting::CheckIn{Str(c.body, "person"), Attendances().Parse(c.body["attendance"])});
          });
  Command(app, "POST", mm + "/items/{item}/take-up", "meetings", "Take up an agenda item (chair).", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::TakeUpItem{c.params["item"]}); });
  Command(app, "POST", mm + "/current-item/close", "meetings", "Close the current item (chair).", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::CloseItem{}); });
  Command(app, "POST", mm + "/comments", "meetings", "Comment on the current item.", {{"text", FieldType::kText}},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::Comment{Str(c.body, "text")}); });
  Command(app, "POST", mm + "/floor-requests", "meetings", "Ask for the floor on the current item.", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::RequestFloor{}); });
  Command(app, "POST", mm + "/floor-requests/withdrawal", "meetings", "Withdraw the caller's floor request.", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::WithdrawFloorRequest{}); });
  Command(app, "POST", mm + "/floor", "meetings", "Give the floor to a person in the queue (chair).",
          {{"person", FieldType::kId}},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::GrantFloor{Str(c.body, "person")}); });
  Command(app, "POST", mm + "/floor/end", "meetings", "End the current speaker's turn (chair).", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::EndFloor{}); });
  Command(app, "POST", mm + "/votes", "meetings", "Open a vote on the current item (chair).",
          {{"vote", FieldType::kId}, {"question", FieldType::kText}}, [meeting](Call& c, CommandService& s) {
            return meeting(c, s, meeting::OpenVote{Str(c.body, "vote"), Str(c.body, "question")});
          });
  Command(app, "POST", mm + "/votes/{vote}/ballots", "meetings",
          "Cast (or change, while the vote is open) a signed ballot.",
          {{"choice", FieldType::kEnum, true, Choices().names()}, kSignatureField},
          [meeting](Call& c, CommandService& s) {
            const meeting::CastBallot ballot{c.params["vote"], Choices().Parse(c.body["choice"]),
                                             Signature(c.body["signature"])};
            // Checked here, on this request's own thread, so the decider (one
            // at a time per meeting) finds the verdict already made.
            const auto payload = meeting::BallotPayload(
                c.params["body"], c.params["meeting"], ballot.vote, c.ctx.actor,
                c.ctx.role == Role::kSubstitute ? c.ctx.on_behalf_of : "", ballot.choice, c.ctx.command_id,
                ballot.signature.signed_at);
            (void)c.body_state->VerifyAct(c.ctx.actor, ballot.signature, CanonicalJson(payload));
            return meeting(c, s, ballot);
          });
  Command(app, "POST", mm + "/votes/{vote}/close", "meetings", "Close a vote and record its outcome (chair).", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::CloseVote{c.params["vote"]}); });
  Command(app, "POST", mm + "/session/close", "meetings", "Close the session (chair).", {},
          [meeting](Call& c, CommandService& s) { return meeting(c, s, meeting::CloseSession{}); });

  // ---- resolutions ----
  const std::string r = b + "/resolutions";
  auto resolution = [](Call& c, CommandService& s, resolution::ResolutionCommand cmd) {
    return s.Execute(c.params["body"], c.params["resolution"], cmd, c.ctx);
  };
  Command(app, "POST", r, "resolutions", "Draft a resolution implementing a vote (secretariat).",
          {{"resolution", FieldType::kId}, {"title", FieldType::kText}, {"text", FieldType::kText},
           {"meeting", FieldType::kId, false}, {"vote", FieldType::kId, false}},
          [](Call& c, CommandService& s) -> Result<CommandOutcome> {
            const std::string meeting_id = Str(c.body, "meeting"), vote = Str(c.body, "vote");
            if (!vote.empty() && meeting_id.empty()) {
              return MakeError(ErrorCode::kInvalidArgument, "a vote is named with its meeting");
            }
            if (auto st = Checked(c, s, Action::kDraftResolution, [&] {
                  return meeting_id.empty() ? Status(Ok{}) : VoteExists(c, s, meeting_id, vote);
                });
                !st.ok()) {
              return st.error();
            }
            return s.Execute(c.params["body"], Str(c.body, "resolution"),
                             resolution::DraftResolution{Str(c.body, "resolution"), Str(c.body, "title"),
                                                         Str(c.body, "text"), Str(c.body, "meeting"), Str(c.body, "vote")},
                             c.ctx);
          });
  Command(app, "POST", r + "/{resolution}/revisions", "resolutions", "Revise a resolution's text.",
          {{"text", FieldType::kText}}, [resolution](Call& c, CommandService& s) {
            return resolution(c, s, resolution::ReviseResolution{Str(c.body, "text")});
          });
  Command(app, "POST", r + "/{resolution}/circulation", "resolutions",
          "Circulate the draft for opinions through a form.", {{"form", FieldType::kId}},
          [resolution](Call& c, CommandService& s) -> Result<CommandOutcome> {
            const std::string form = Str(c.body, "form");
            if (auto st = Checked(c, s, Action::kCirculateResolution,
                                  [&] { return Exists(c, s.Form(form), "opinion form", form); });
                !st.ok()) {
              return st.error();
            }
            return resolution(c, s, resolution::CirculateResolution{form});
          });
  Command(app, "POST", r + "/{resolution}/submission", "resolutions", "Submit the resolution for signature.", {},
          [resolution](Call& c, CommandService& s) { return resolution(c, s, resolution::SubmitResolution{}); });
  Command(app, "POST", r + "/{resolution}/signature", "resolutions",
          "Sign the resolution (chair; only when its vote passed).", {kSignatureField},
          [resolution](Call& c, CommandService& s) {
            return resolution(c, s, resolution::SignResolution{Signature(c.body["signature"])});
          });
  Command(app, "POST", r + "/{resolution}/promulgation", "resolutions",
          "Promulgate a signed resolution, giving it the body's next number of the year unless it has one.", {},
          [resolution](Call& c, CommandService& s) -> Result<CommandOutcome> {
            // The number is given here, once, to a signed resolution: never to
            // an unsigned or unknown one, so the year's numbers have no gaps.
            const std::string id = c.params["resolution"];
            bool numbered = false;
            if (auto st = Checked(c, s, Action::kPromulgateResolution, [&]() -> Status {
                  if (auto ok = NumberableResolution(c, s, id); !ok.ok()) return ok;
                  numbered = true;
                  return Ok{};
                });
                !st.ok()) {
              return st.error();
            }
            if (numbered && !c.body_state->numbers.contains(id)) {
              CommandContext number = c.ctx;
              number.command_id += "/number";
              const auto year = static_cast<std::int32_t>(
                  std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(c.ctx.now)).year());
              auto assigned =
                  s.Execute(c.params["body"], directory::AssignResolutionNumber{id, year}, number);
              if (!assigned.ok() && assigned.error().code != ErrorCode::kAlreadyExists) return assigned.error();
            }
            return resolution(c, s, resolution::PromulgateResolution{});
          });
  Command(app, "POST", r + "/{resolution}/distribution", "resolutions", "Distribute a promulgated resolution.",
          {{"recipients", FieldType::kIds}}, [resolution](Call& c, CommandService& s) {
            return resolution(c, s, resolution::DistributeResolution{Ids(c.body, "recipients")});
          });

  // ---- identity administration (a secret, not an act: kept out of the log) ----
  app.Add(Route{"PUT", b + "/people/{person}/password", "identity",
                "Set the login password of a person enrolled in the body (admin).",
                {{"password", FieldType::kText}}, {}, true, false, false, [&app](Call& c) {
                  if (c.role != Role::kAdmin) {
                    return ProblemResponse(403, "forbidden", "Forbidden", "only the body's admin sets passwords");
                  }
                  if (!c.body_state->people.count(c.params["person"])) {
                    return ProblemResponse(404, "not-found", "Not found",
                                           "no person '" + c.params["person"] + "' in this body");
                  }
                  if (auto s = app.SetPassword(c.params["person"], c.body["password"]); !s.ok()) return FromError(s.error());
                  return Json(200, {{"person", c.params["person"]}, {"password_set", true}});
                }});
}

}  // namespace ecab::api
