#include "domain/forms/form.h"

#include <algorithm>

#include "domain/authz/authorization.h"
#include "domain/signing/verify.h"

namespace ecab::forms {
namespace {

using Events = std::vector<FormEvent>;

Error WrongState(const Form& f, std::string_view what) {
  return Refuse(ErrorCode::kRuleViolation,
                "form '" + f.id + "' is " + StatusName(f.status) + "; cannot " + std::string(what));
}

Status CheckContent(const FormContent& c, const directory::Body& body, const CommandContext& ctx) {
  if (c.title.empty() || c.question.empty()) {
    return Refuse(ErrorCode::kInvalidArgument, "a form needs a title and a question");
  }
  if (c.addressees.empty())
    return Refuse(ErrorCode::kInvalidArgument, "a form needs at least one addressee");
  std::vector<std::string> sorted = c.addressees;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Refuse(ErrorCode::kInvalidArgument, "an addressee is listed twice");
  }
  for (const auto& person : c.addressees) {
    auto role = body.RoleAt(person, ctx.now);
    if (!role || !IsVotingRole(*role)) {
      return Refuse(ErrorCode::kInvalidArgument,
                    "addressee '" + person + "' is not a member of the body");
    }
  }
  if (c.deadline <= ctx.now)
    return Refuse(ErrorCode::kInvalidArgument, "the deadline is not in the future");
  return Ok{};
}

bool MayApprove(const directory::Body& body, const CommandContext& ctx) {
  return ctx.role == Role::kChair || body.approvers.contains(ctx.actor);
}

Result<Events> DecideAnswer(const Form& f, const AnswerForm& c, const CommandContext& ctx,
                            const directory::Body& body) {
  if (f.status != FormStatus::kIssued) return WrongState(f, "answer it");
  const auto& to = f.issued->addressees;
  if (std::find(to.begin(), to.end(), ctx.actor) == to.end()) {
    return Refuse(ErrorCode::kForbidden,
                  "form '" + f.id + "' is not addressed to '" + ctx.actor + "'");
  }
  if (ctx.now >= f.issued->deadline) {
    return Refuse(ErrorCode::kRuleViolation, "the deadline of form '" + f.id + "' passed at " +
                                                 FormatRfc3339(f.issued->deadline));
  }
  if (!IsValid(c.answer)) return Refuse(ErrorCode::kInvalidArgument, "unknown answer");
  if ((c.answer == Answer::kAgreeWithComments || c.answer == Answer::kOther) && c.text.empty()) {
    return Refuse(ErrorCode::kInvalidArgument, "this answer needs a text");
  }
  ECAB_TRY(CheckSigningTime(c.signature, ctx.now));
  const auto payload =
      AnswerPayload(body.id, f, ctx.actor, c.answer, c.text, ctx.command_id, c.signature.signed_at);
  ECAB_TRY(body.VerifyAct(ctx.actor, c.signature, CanonicalJson(payload)));
  return Events{AnswerGiven{ctx.actor, c.answer, c.text,
                            static_cast<std::uint32_t>(payload.version), c.signature}};
}

Result<Events> DecideApprove(const Form& f, const ApproveForm& c, const CommandContext& ctx,
                             const directory::Body& body) {
  if (f.status != FormStatus::kSubmitted) return WrongState(f, "approve it");
  if (!MayApprove(body, ctx)) {
    return Refuse(ErrorCode::kForbidden,
                  "'" + ctx.actor + "' is neither the chair nor a delegated approver");
  }
  ECAB_TRY(CheckSigningTime(c.signature, ctx.now));
  const auto payload =
      ApprovalPayload(body.id, f, ctx.actor, ctx.command_id, c.signature.signed_at);
  ECAB_TRY(body.VerifyAct(ctx.actor, c.signature, CanonicalJson(payload)));
  return Events{FormApproved{ctx.actor, f.revision, c.signature}};
}

}  // namespace

std::string StatusName(FormStatus s) {
  static constexpr const char* kNames[] = {"not drafted", "a draft",          "submitted",
                                           "returned",    "approved",         "issued",
                                           "closed",      "result submitted", "decided"};
  return kNames[static_cast<int>(s)];
}

std::string AnswerName(Answer a) {
  switch (a) {
    case Answer::kAgree:
      return "agree";
    case Answer::kDisagree:
      return "disagree";
    case Answer::kAgreeWithComments:
      return "agree_with_comments";
    case Answer::kOther:
      return "other";
  }
  return "unknown";
}

FormResult Tally(const Form& f) {
  FormResult r;
  if (!f.issued) return r;
  r.addressed = static_cast<std::uint32_t>(f.issued->addressees.size());
  for (const auto& person : f.issued->addressees) {
    auto it = f.answers.find(person);
    if (it == f.answers.end()) {
      ++r.silent;
      continue;
    }
    switch (it->second.answer) {
      case Answer::kAgree:
        ++r.agree;
        break;
      case Answer::kDisagree:
        ++r.disagree;
        break;
      case Answer::kAgreeWithComments:
        ++r.agree_with_comments;
        break;
      case Answer::kOther:
        ++r.other;
        break;
    }
  }
  const Silence silence = f.issued->silence;
  r.in_favour = r.agree + r.agree_with_comments + (silence == Silence::kConsent ? r.silent : 0);
  r.base = r.addressed - (silence == Silence::kNotCounted ? r.silent : 0);
  r.adopted = r.base > 0 && MoreThan(r.in_favour, f.issued->majority, r.base);
  const char* silence_text = silence == Silence::kConsent      ? "silence counts as consent"
                             : silence == Silence::kAbstention ? "silence counts as abstention"
                                                               : "silence is not counted";
  r.reasoning = std::to_string(r.in_favour) + " of " + std::to_string(r.base) + " in favour (" +
                std::to_string(r.silent) + " silent, " + silence_text + "); needed more than " +
                FormatShare(f.issued->majority, r.base) + "; " +
                (r.adopted ? "adopted" : "not adopted");
  return r;
}

SigningPayload ApprovalPayload(std::string_view body, const Form& form, std::string_view signer,
                               std::string_view command_id, Timestamp time) {
  SigningPayload p;
  p.body = body;
  p.kind = "form_approval";
  p.object = form.id;
  p.version = form.revision;
  p.signer = signer;
  p.text_sha256 = Sha256Hex(form.content.question);
  p.command_id = command_id;
  p.time = time;
  return p;
}

SigningPayload AnswerPayload(std::string_view body, const Form& form, std::string_view member,
                             Answer answer, std::string_view text, std::string_view command_id,
                             Timestamp time) {
  SigningPayload p;
  p.body = body;
  p.kind = "form_answer";
  p.object = form.id;
  auto it = form.answers.find(std::string(member));
  p.version = it == form.answers.end() ? 1 : it->second.revision + 1;
  p.signer = member;
  p.choice = AnswerName(answer);
  p.text_sha256 = Sha256Hex(text);
  p.command_id = command_id;
  p.time = time;
  return p;
}

Result<Events> Decide(const Form& f, const FormCommand& command, const CommandContext& ctx,
                      const directory::Body& body) {
  ECAB_TRY(Authorize(body, ctx, ActionOf(command)));
  if (f.status == FormStatus::kNone && !std::holds_alternative<DraftForm>(command)) {
    return Refuse(ErrorCode::kNotFound, "the form does not exist");
  }
  return std::visit(
      [&](const auto& c) -> Result<Events> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, DraftForm>) {
          if (f.status != FormStatus::kNone)
            return Refuse(ErrorCode::kAlreadyExists, "form '" + f.id + "' exists");
          if (c.form.empty()) return Refuse(ErrorCode::kInvalidArgument, "the form needs an id");
          ECAB_TRY(CheckContent(c.content, body, ctx));
          return Events{FormDrafted{c.form, c.content}};
        } else if constexpr (std::is_same_v<C, ReviseForm>) {
          if (f.status != FormStatus::kDraft && f.status != FormStatus::kReturned)
            return WrongState(f, "revise it");
          ECAB_TRY(CheckContent(c.content, body, ctx));
          return Events{FormRevised{f.revision + 1, c.content}};
        } else if constexpr (std::is_same_v<C, SubmitForm>) {
          if (f.status != FormStatus::kDraft && f.status != FormStatus::kReturned)
            return WrongState(f, "submit it");
          if (f.content.deadline <= ctx.now) {
            return Refuse(ErrorCode::kRuleViolation,
                          "the deadline has passed; revise the form first");
          }
          return Events{FormSubmitted{f.revision}};
        } else if constexpr (std::is_same_v<C, ApproveForm>) {
          return DecideApprove(f, c, ctx, body);
        } else if constexpr (std::is_same_v<C, ReturnForm>) {
          if (f.status != FormStatus::kSubmitted) return WrongState(f, "return it");
          if (!MayApprove(body, ctx)) {
            return Refuse(ErrorCode::kForbidden,
                          "'" + ctx.actor + "' is neither the chair nor a delegated approver");
          }
          if (c.reason.empty())
            return Refuse(ErrorCode::kInvalidArgument, "returning a form needs a reason");
          return Events{FormReturned{ctx.actor, c.reason}};
        } else if constexpr (std::is_same_v<C, IssueForm>) {
          if (f.status != FormStatus::kApproved) return WrongState(f, "issue it");
          if (f.content.deadline <= ctx.now) {
            return Refuse(ErrorCode::kRuleViolation,
                          "the deadline has passed; revise the form first");
          }
          return Events{FormIssued{f.content.addressees, f.content.deadline, f.content.urgency,
                                   body.policy.silence, body.policy.majority}};
        } else if constexpr (std::is_same_v<C, AnswerForm>) {
          return DecideAnswer(f, c, ctx, body);
        } else if constexpr (std::is_same_v<C, CloseForm>) {
          if (f.status != FormStatus::kIssued) return WrongState(f, "close it");
          const bool all = f.answers.size() == f.issued->addressees.size();
          if (!all && ctx.now < f.issued->deadline) {
            return Refuse(ErrorCode::kRuleViolation,
                          "form '" + f.id + "' is open until " + FormatRfc3339(f.issued->deadline) +
                              " and " +
                              std::to_string(f.issued->addressees.size() - f.answers.size()) +
                              " addressees have not answered");
          }
          return Events{
              FormClosed{ctx.now >= f.issued->deadline ? "deadline" : "all_answered", Tally(f)}};
        } else if constexpr (std::is_same_v<C, SubmitFormResult>) {
          if (f.status != FormStatus::kClosed) return WrongState(f, "submit its result");
          return Events{FormResultSubmitted{ctx.actor}};
        } else {
          if (f.status != FormStatus::kResultSubmitted) return WrongState(f, "record a decision");
          if (c.decision.empty())
            return Refuse(ErrorCode::kInvalidArgument, "the decision needs a text");
          return Events{FormDecisionRecorded{ctx.actor, c.adopted, c.decision}};
        }
      },
      command);
}

Form Evolve(Form f, const FormEvent& event) {
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, FormDrafted>) {
          f.status = FormStatus::kDraft;
          f.id = e.form;
          f.content = e.content;
          f.revision = 1;
        } else if constexpr (std::is_same_v<E, FormRevised>) {
          f.content = e.content;
          f.revision = e.revision;
        } else if constexpr (std::is_same_v<E, FormSubmitted>) {
          f.status = FormStatus::kSubmitted;
        } else if constexpr (std::is_same_v<E, FormReturned>) {
          f.status = FormStatus::kReturned;
          f.return_reason = e.reason;
        } else if constexpr (std::is_same_v<E, FormApproved>) {
          f.status = FormStatus::kApproved;
        } else if constexpr (std::is_same_v<E, FormIssued>) {
          f.status = FormStatus::kIssued;
          f.issued = e;
        } else if constexpr (std::is_same_v<E, AnswerGiven>) {
          MemberAnswer a{e.answer, e.text, e.revision};
          f.answers[e.member] = a;
          f.history[e.member].push_back(a);
        } else if constexpr (std::is_same_v<E, FormClosed>) {
          f.status = FormStatus::kClosed;
          f.result = e.result;
        } else if constexpr (std::is_same_v<E, FormResultSubmitted>) {
          f.status = FormStatus::kResultSubmitted;
        } else {
          f.status = FormStatus::kDecided;
          f.decision = e;
        }
      },
      event);
  return f;
}

const EventDecoder<FormEvent>& FormDecoder() {
  static const EventDecoder<FormEvent> decoder = [] {
    EventDecoder<FormEvent> d;
    d.Add<FormDrafted>()
        .Add<FormRevised>()
        .Add<FormSubmitted>()
        .Add<FormReturned>()
        .Add<FormApproved>();
    d.Add<FormIssued>()
        .Add<AnswerGiven>()
        .Add<FormClosed>()
        .Add<FormResultSubmitted>()
        .Add<FormDecisionRecorded>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::forms
