// The written consultations' commands: draft, issue, answer, close opinion forms.
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/policy_json.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

using nlohmann::json;

void RegisterFormCommands(App& app) {
  const std::string b = kBodyPath;
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
}

}  // namespace ecab::api
