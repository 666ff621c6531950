// The written consultations' commands: draft, issue, answer, close opinion forms.
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

namespace {

using forms::FormContent;

// What a form asks: drafted and revised with the same fields.
Fields<FormContent> ContentFields() {
  return {TextField("title", &FormContent::title),
          TextField("question", &FormContent::question),
          IdsField("documents", &FormContent::documents, kOptional),
          IdsField("addressees", &FormContent::addressees),
          TimeField("deadline", &FormContent::deadline),
          EnumField("urgency", &FormContent::urgency, Urgencies(), kOptional)};
}

// The documents a form names exist and its addressees are people of the body.
Status ContentRefersToKnown(Call& c, CommandService& s, Action action, const FormContent& content) {
  return Checked(c, s, action, [&]() -> Status {
    ECAB_TRY(DocumentsExist(c, s, content.documents));
    return PeopleExist(c, content.addressees);
  });
}

// Runs `cmd` on the form of the path.
Result<CommandOutcome> OnForm(Call& c, CommandService& s, const forms::FormCommand& cmd) {
  return s.Execute(c.params["body"], c.params["form"], cmd, c.ctx);
}

// A command with no body.
template <class T>
void PlainFormCommand(App& app, const std::string& pattern, std::string summary) {
  Command<T>(app, "POST", pattern, "forms", std::move(summary), {}, &OnForm);
}

}  // namespace

void RegisterFormCommands(App& app) {
  using forms::DraftForm, forms::ReviseForm, forms::ApproveForm, forms::ReturnForm,
      forms::AnswerForm, forms::RecordFormDecision;
  const std::string f = kBodyPath + "/forms";
  Command<DraftForm>(app, "POST", f, "forms", "Draft an opinion form (secretariat).",
                     Join(Fields<DraftForm>{IdField("form", &DraftForm::form)},
                          Inside(&DraftForm::content, ContentFields())),
                     [](Call& c, CommandService& s, DraftForm& cmd) -> Result<CommandOutcome> {
                       ECAB_TRY(ContentRefersToKnown(c, s, DraftForm::kAction, cmd.content));
                       return s.Execute(c.params["body"], cmd.form, cmd, c.ctx);
                     });
  Command<ReviseForm>(app, "PUT", f + "/{form}/content", "forms",
                      "Revise a draft or returned form.",
                      Inside(&ReviseForm::content, ContentFields()),
                      [](Call& c, CommandService& s, ReviseForm& cmd) -> Result<CommandOutcome> {
                        ECAB_TRY(ContentRefersToKnown(c, s, ReviseForm::kAction, cmd.content));
                        return OnForm(c, s, cmd);
                      });
  PlainFormCommand<forms::SubmitForm>(app, f + "/{form}/submission", "Submit a form for approval.");
  Command<ApproveForm>(app, "POST", f + "/{form}/approval", "forms",
                       "Approve a form, signed by the chair or a delegated approver.",
                       {SignatureField(&ApproveForm::signature)}, &OnForm);
  Command<ReturnForm>(app, "POST", f + "/{form}/return", "forms",
                      "Return a form to the secretariat with a reason.",
                      {TextField("reason", &ReturnForm::reason)}, &OnForm);
  PlainFormCommand<forms::IssueForm>(app, f + "/{form}/issue",
                                     "Issue an approved form to its addressees.");
  Command<AnswerForm>(
      app, "POST", f + "/{form}/answers", "forms",
      "Answer an issued form (signed; revisable until the deadline).",
      {EnumField("answer", &AnswerForm::answer, Answers()),
       TextField("text", &AnswerForm::text, kOptional), SignatureField(&AnswerForm::signature)},
      &OnForm);
  PlainFormCommand<forms::CloseForm>(app, f + "/{form}/close",
                                     "Close a form and record its result under the silence rule.");
  PlainFormCommand<forms::SubmitFormResult>(app, f + "/{form}/result",
                                            "Submit a closed form's result to the chair.");
  Command<RecordFormDecision>(app, "POST", f + "/{form}/decision", "forms",
                              "Record the chair's decision on a form's result.",
                              {FlagField("adopted", &RecordFormDecision::adopted),
                               TextField("decision", &RecordFormDecision::decision)},
                              &OnForm);
}

}  // namespace ecab::api
