#include "domain/authz/authorization.h"

#include <array>
#include <string>
#include <vector>

namespace ecab {
namespace {

using R = Role;

struct Rule {
  Action action;
  std::string_view name;
  std::vector<Role> roles;
};

// The authorization table. Auditors and archivists change nothing; admins
// touch only the directory, never business records.
const std::vector<Rule>& Table() {
  static const std::vector<Rule> table = {
      {Action::kCreateBody, "create_body", {R::kAdmin}},
      {Action::kEnrollPerson, "enroll_person", {R::kAdmin}},
      {Action::kRemovePerson, "remove_person", {R::kAdmin}},
      {Action::kEnrollCertificate, "enroll_certificate", {R::kAdmin}},
      {Action::kSetPolicy, "set_policy", {R::kAdmin}},
      {Action::kSetTrustAnchor, "set_trust_anchor", {R::kAdmin}},
      {Action::kPublishRevocationList, "publish_revocation_list", {R::kAdmin}},
      {Action::kDelegateApprover, "delegate_approver", {R::kChair}},
      {Action::kAssignResolutionNumber, "assign_resolution_number", {R::kSecretariat}},
      {Action::kRegisterDocument, "register_document", {R::kSecretariat}},
      {Action::kAddDocumentVersion, "add_document_version", {R::kSecretariat}},
      {Action::kDraftForm, "draft_form", {R::kSecretariat}},
      {Action::kReviseForm, "revise_form", {R::kSecretariat}},
      {Action::kSubmitForm, "submit_form", {R::kSecretariat}},
      {Action::kApproveForm, "approve_form", {R::kChair, R::kMember, R::kSecretariat}},
      {Action::kReturnForm, "return_form", {R::kChair, R::kMember, R::kSecretariat}},
      {Action::kIssueForm, "issue_form", {R::kSecretariat, R::kChair}},
      {Action::kAnswerForm, "answer_form", {R::kMember, R::kChair}},
      {Action::kCloseForm, "close_form", {R::kSecretariat, R::kChair}},
      {Action::kSubmitFormResult, "submit_form_result", {R::kSecretariat}},
      {Action::kRecordFormDecision, "record_form_decision", {R::kChair}},
      {Action::kScheduleMeeting, "schedule_meeting", {R::kSecretariat}},
      {Action::kAddAgendaItem, "add_agenda_item", {R::kSecretariat}},
      {Action::kReorderAgenda, "reorder_agenda", {R::kSecretariat, R::kChair}},
      {Action::kInvite, "invite", {R::kSecretariat}},
      {Action::kRsvp, "rsvp", {R::kMember, R::kChair, R::kSecretariat}},
      {Action::kGiveItemOpinion, "give_item_opinion", {R::kMember, R::kChair, R::kSubstitute}},
      {Action::kPreRegisterToSpeak,
       "pre_register_to_speak",
       {R::kMember, R::kChair, R::kSubstitute}},
      {Action::kMarkDocumentStudied,
       "mark_document_studied",
       {R::kMember, R::kChair, R::kSubstitute}},
      {Action::kOpenSession, "open_session", {R::kChair}},
      {Action::kCheckIn, "check_in", {R::kMember, R::kChair, R::kSubstitute, R::kSecretariat}},
      {Action::kTakeUpItem, "take_up_item", {R::kChair}},
      {Action::kCloseItem, "close_item", {R::kChair}},
      {Action::kComment, "comment", {R::kMember, R::kChair, R::kSubstitute, R::kSecretariat}},
      {Action::kRequestFloor, "request_floor", {R::kMember, R::kChair, R::kSubstitute}},
      {Action::kWithdrawFloorRequest,
       "withdraw_floor_request",
       {R::kMember, R::kChair, R::kSubstitute}},
      {Action::kGrantFloor, "grant_floor", {R::kChair}},
      {Action::kEndFloor, "end_floor", {R::kChair}},
      {Action::kOpenVote, "open_vote", {R::kChair}},
      {Action::kCastBallot, "cast_ballot", {R::kMember, R::kChair, R::kSubstitute}},
      {Action::kCloseVote, "close_vote", {R::kChair}},
      {Action::kCloseSession, "close_session", {R::kChair}},
      {Action::kDraftResolution, "draft_resolution", {R::kSecretariat}},
      {Action::kReviseResolution, "revise_resolution", {R::kSecretariat}},
      {Action::kCirculateResolution, "circulate_resolution", {R::kSecretariat}},
      {Action::kSubmitResolution, "submit_resolution", {R::kSecretariat}},
      {Action::kSignResolution, "sign_resolution", {R::kChair}},
      {Action::kPromulgateResolution, "promulgate_resolution", {R::kSecretariat}},
      {Action::kDistributeResolution, "distribute_resolution", {R::kSecretariat}},
      // The reminder service acts with a secretariat account of the body.
      {Action::kRecordReminder, "record_reminder", {R::kSecretariat}},
      {Action::kGrantDocumentAccess, "grant_document_access", {R::kSecretariat}},
      // Anyone asks for a certificate for their own key, or revokes their own
      // (a lost device); the admin does both for anyone and decides requests.
      {Action::kRequestCertificate,
       "request_certificate",
       {R::kAdmin, R::kChair, R::kMember, R::kSecretariat, R::kAuditor, R::kArchivist,
        R::kSubstitute}},
      {Action::kDecideCertificateRequest, "decide_certificate_request", {R::kAdmin}},
      {Action::kSetContact, "set_contact", {R::kAdmin}},
      // Recorded by the node's extractor only (domain/documents/document.cc checks the actor).
      {Action::kRecordDocumentText, "record_document_text", {}},
      {Action::kRevokeCertificate,
       "revoke_certificate",
       {R::kAdmin, R::kChair, R::kMember, R::kSecretariat, R::kAuditor, R::kArchivist,
        R::kSubstitute}},
  };
  return table;
}

const Rule* Find(Action a) {
  for (const Rule& r : Table()) {
    if (r.action == a) return &r;
  }
  return nullptr;
}

}  // namespace

std::string_view ActionName(Action a) {
  const Rule* r = Find(a);
  return r ? r->name : "unknown";
}

std::span<const Role> AllowedRoles(Action a) {
  const Rule* r = Find(a);
  return r ? std::span<const Role>(r->roles) : std::span<const Role>();
}

Status Authorize(const directory::Body& body, const CommandContext& ctx, Action a) {
  bool listed = false;
  for (Role r : AllowedRoles(a)) listed = listed || r == ctx.role;
  if (!listed) {
    return MakeError(ErrorCode::kForbidden, "a " + std::string(RoleName(ctx.role)) + " may not " +
                                                std::string(ActionName(a)));
  }
  if (ctx.actor.empty()) return MakeError(ErrorCode::kForbidden, "the actor is not identified");
  if (ctx.role == Role::kSubstitute) return Ok{};  // the meeting checks who named them
  if (a == Action::kCreateBody) return Ok{};       // the operator bootstraps a body
  const auto held = body.RoleAt(ctx.actor, ctx.now);
  if (!held) {
    return MakeError(ErrorCode::kForbidden,
                     "'" + ctx.actor + "' is not a member of body '" + body.id + "' at this time");
  }
  if (*held != ctx.role) {
    return MakeError(ErrorCode::kForbidden,
                     "'" + ctx.actor + "' acts as " + std::string(RoleName(*held)) + " in body '" +
                         body.id + "', not as " + std::string(RoleName(ctx.role)));
  }
  return Ok{};
}

}  // namespace ecab
