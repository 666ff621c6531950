// domain/forms/form.h — the opinion-form aggregate: state, commands, the
// decider, the fold, and the running aggregate.
#pragma once

#include <cereal/types/map.hpp>
#include <map>
#include <optional>
#include <variant>

#include "domain/authz/action.h"
#include "domain/base/context.h"
#include "domain/directory/body.h"
#include "domain/forms/events.h"

namespace ecab::forms {

// Persisted nowhere (derived); values only for readability.
enum class FormStatus : std::uint8_t {
  kNone,
  kDraft,
  kSubmitted,
  kReturned,
  kApproved,
  kIssued,
  kClosed,
  kResultSubmitted,
  kDecided,
};
std::string StatusName(FormStatus s);

struct MemberAnswer {
  Answer answer = Answer::kAgree;
  std::string text;
  std::uint32_t revision = 0;
  template <class A>
  void serialize(A& ar) {
    ar(answer, text, revision);
  }
};

struct Form {
  FormStatus status = FormStatus::kNone;
  std::string id;
  FormContent content;
  std::uint32_t revision = 0;                                // content revision, 1 = the draft
  std::string return_reason;                                 // the last one
  std::optional<FormIssued> issued;                          // the rules fixed at issue
  std::map<std::string, MemberAnswer> answers;               // latest per member
  std::map<std::string, std::vector<MemberAnswer>> history;  // every revision
  std::optional<FormResult> result;                          // when closed
  std::optional<FormDecisionRecorded> decision;
  // The whole state, for projections that keep it between runs.
  template <class A>
  void serialize(A& ar) {
    ar(status, id, content, revision, return_reason, issued, answers, history, result, decision);
  }
};

// The aggregate of the answers so far under the rules fixed at issue; the
// result a close would record.
FormResult Tally(const Form& form);

// Commands.
struct DraftForm {
  static constexpr Action kAction = Action::kDraftForm;
  std::string form;
  FormContent content;
};
struct ReviseForm {
  static constexpr Action kAction = Action::kReviseForm;
  FormContent content;
};
struct SubmitForm {
  static constexpr Action kAction = Action::kSubmitForm;
};
struct ApproveForm {
  static constexpr Action kAction = Action::kApproveForm;
  SignedAct signature;
};
struct ReturnForm {
  static constexpr Action kAction = Action::kReturnForm;
  std::string reason;
};
struct IssueForm {
  static constexpr Action kAction = Action::kIssueForm;
};
struct AnswerForm {
  static constexpr Action kAction = Action::kAnswerForm;
  Answer answer = Answer::kAgree;
  std::string text;
  SignedAct signature;
};
struct CloseForm {
  static constexpr Action kAction = Action::kCloseForm;
};
struct SubmitFormResult {
  static constexpr Action kAction = Action::kSubmitFormResult;
};
struct RecordFormDecision {
  static constexpr Action kAction = Action::kRecordFormDecision;
  bool adopted = false;
  std::string decision;
};
using FormCommand =
    std::variant<DraftForm, ReviseForm, SubmitForm, ApproveForm, ReturnForm, IssueForm, AnswerForm,
                 CloseForm, SubmitFormResult, RecordFormDecision>;

// The payloads the approver and the members sign (docs/formats/signing.md).
SigningPayload ApprovalPayload(std::string_view body, const Form& form, std::string_view signer,
                               std::string_view command_id, Timestamp time);
SigningPayload AnswerPayload(std::string_view body, const Form& form, std::string_view member,
                             Answer answer, std::string_view text, std::string_view command_id,
                             Timestamp time);

[[nodiscard]] Result<std::vector<FormEvent>> Decide(const Form& state, const FormCommand& command,
                                                    const CommandContext& ctx,
                                                    const directory::Body& body);
Form Evolve(Form state, const FormEvent& event);

}  // namespace ecab::forms
