// Given/when/then for opinion forms (processes 1 and 2).
#include "domain/forms/form.h"

#include <gtest/gtest.h>

#include "domain/directory/testing.h"

namespace ecab::forms {
namespace {

using testing::June24;
using testing::World;

class FormTest : public ::testing::Test {
 protected:
  World w = World::WithMembers(5);
  Form f;
  Timestamp now = June24();
  int seq = 0;

  FormContent Content() {
    return FormContent{"Decree on e-identification",
                       "Do you agree with the draft decree?",
                       {"doc-1"},
                       {"pm", "m02", "m03", "m04", "m05"},
                       now + std::chrono::days(3),
                       Urgency::kUrgent};
  }
  Result<std::vector<FormEvent>> Try(const FormCommand& c, const std::string& actor, Role role,
                                     std::string id = "") {
    if (id.empty()) id = "cmd-" + std::to_string(++seq);
    auto events = Decide(f, c, w.Ctx(actor, role, now, id), w.body);
    if (events.ok()) f = testing::FoldAll(std::move(f), *events, Evolve);
    return events;
  }
  void Do(const FormCommand& c, const std::string& actor, Role role) {
    auto r = Try(c, actor, role);
    ASSERT_TRUE(r.ok()) << ToString(r.error());
  }
  Result<std::vector<FormEvent>> Answer(const std::string& member, forms::Answer a,
                                        const std::string& text = "") {
    const std::string id = "answer-" + std::to_string(++seq);
    const auto payload = AnswerPayload("gov-vn", f, member, a, text, id, now);
    return Try(AnswerForm{a, text, w.SignAs(member, payload)}, member,
               member == "pm" ? Role::kChair : Role::kMember, id);
  }
  void Issue() {
    Do(DraftForm{"form-1", Content()}, "staff", Role::kSecretariat);
    Do(SubmitForm{}, "staff", Role::kSecretariat);
    const auto payload = ApprovalPayload("gov-vn", f, "pm", "approve", now);
    auto approved = Try(ApproveForm{w.SignAs("pm", payload)}, "pm", Role::kChair, "approve");
    ASSERT_TRUE(approved.ok()) << ToString(approved.error());
    Do(IssueForm{}, "staff", Role::kSecretariat);
  }
};

void ExpectRefused(const Result<std::vector<FormEvent>>& r, ErrorCode code,
                   const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "expected a refusal: " << fragment;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST_F(FormTest, DraftReviseSubmitAndTheChecksOnContent) {
  FormContent c = Content();
  c.addressees.push_back("staff");
  ExpectRefused(Try(DraftForm{"form-1", c}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "'staff' is not a member");
  c = Content();
  c.deadline = now;
  ExpectRefused(Try(DraftForm{"form-1", c}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "deadline");
  c = Content();
  c.addressees.push_back("m02");
  ExpectRefused(Try(DraftForm{"form-1", c}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "twice");
  ExpectRefused(Try(DraftForm{"form-1", Content()}, "m02", Role::kMember), ErrorCode::kForbidden,
                "may not draft_form");
  ExpectRefused(Try(SubmitForm{}, "staff", Role::kSecretariat), ErrorCode::kNotFound,
                "does not exist");
  Do(DraftForm{"form-1", Content()}, "staff", Role::kSecretariat);
  ExpectRefused(Try(DraftForm{"form-1", Content()}, "staff", Role::kSecretariat),
                ErrorCode::kAlreadyExists, "exists");
  c = Content();
  c.question = "Revised question?";
  Do(ReviseForm{c}, "staff", Role::kSecretariat);
  EXPECT_EQ(f.revision, 2u);
  Do(SubmitForm{}, "staff", Role::kSecretariat);
  ExpectRefused(Try(ReviseForm{c}, "staff", Role::kSecretariat), ErrorCode::kRuleViolation,
                "is submitted");
}

TEST_F(FormTest, TheChairOrADelegateApprovesWithASignatureOrReturnsWithAReason) {
  Do(DraftForm{"form-1", Content()}, "staff", Role::kSecretariat);
  Do(SubmitForm{}, "staff", Role::kSecretariat);
  ExpectRefused(Try(ReturnForm{"unclear"}, "m02", Role::kMember), ErrorCode::kForbidden,
                "delegated approver");
  ExpectRefused(Try(ReturnForm{""}, "pm", Role::kChair), ErrorCode::kInvalidArgument, "reason");
  Do(ReturnForm{"Attach the impact assessment"}, "pm", Role::kChair);
  EXPECT_EQ(f.status, FormStatus::kReturned);
  Do(ReviseForm{Content()}, "staff", Role::kSecretariat);
  Do(SubmitForm{}, "staff", Role::kSecretariat);
  ExpectRefused(Try(IssueForm{}, "staff", Role::kSecretariat), ErrorCode::kRuleViolation,
                "is submitted");
  // A delegate approves; a forged approval (signed for another revision) is refused.
  auto delegated = directory::Decide(w.body, directory::DelegateApprover{"m02", true},
                                     w.Ctx("pm", Role::kChair, now));
  ASSERT_TRUE(delegated.ok());
  w.body = testing::FoldAll(w.body, *delegated, directory::Evolve);
  auto stale = ApprovalPayload("gov-vn", f, "m02", "approve", now);
  stale.version = 1;
  ExpectRefused(Try(ApproveForm{w.SignAs("m02", stale)}, "m02", Role::kMember, "approve"),
                ErrorCode::kBadSignature, "does not match");
  const auto payload = ApprovalPayload("gov-vn", f, "m02", "approve", now);
  auto approved = Try(ApproveForm{w.SignAs("m02", payload)}, "m02", Role::kMember, "approve");
  ASSERT_TRUE(approved.ok()) << ToString(approved.error());
  EXPECT_EQ(std::get<FormApproved>((*approved)[0]).revision, 2u);
  Do(IssueForm{}, "staff", Role::kSecretariat);
  EXPECT_EQ(f.issued->addressees.size(), 5u);
}

TEST_F(FormTest, OnlyAddressedMembersAnswerSignedAndRevisableUntilTheDeadline) {
  Issue();
  ASSERT_TRUE(Answer("m02", forms::Answer::kDisagree).ok());
  ASSERT_TRUE(Answer("m02", forms::Answer::kAgreeWithComments, "Clarify article 3").ok());
  EXPECT_EQ(f.answers.at("m02").answer, forms::Answer::kAgreeWithComments);
  EXPECT_EQ(f.history.at("m02").size(), 2u) << "every revision is kept";
  EXPECT_EQ(f.answers.at("m02").revision, 2u);
  ExpectRefused(Answer("m03", forms::Answer::kOther), ErrorCode::kInvalidArgument, "needs a text");
  w.Admin(directory::EnrollPerson{"m06", "New", "", Role::kMember}, now);
  w.IssueCertificate("m06", now);  // a certificate, so the refusal is about the addressees
  ExpectRefused(Answer("m06", forms::Answer::kAgree), ErrorCode::kForbidden,
                "not addressed to 'm06'");
  // A signature made for m04's answer cannot be presented by m03.
  const auto payload = AnswerPayload("gov-vn", f, "m04", forms::Answer::kAgree, "", "x", now);
  ExpectRefused(Try(AnswerForm{forms::Answer::kAgree, "", w.SignAs("m04", payload)}, "m03",
                    Role::kMember, "x"),
                ErrorCode::kBadSignature, "not enrolled for 'm03'");
  now = now + std::chrono::days(4);
  ExpectRefused(Answer("m03", forms::Answer::kAgree), ErrorCode::kRuleViolation, "deadline");
}

TEST_F(FormTest, ClosesAtTheDeadlineOrWhenAllAnsweredAndTheChairDecides) {
  Issue();
  ASSERT_TRUE(Answer("pm", forms::Answer::kAgree).ok());
  ASSERT_TRUE(Answer("m02", forms::Answer::kAgree).ok());
  ExpectRefused(Try(CloseForm{}, "staff", Role::kSecretariat), ErrorCode::kRuleViolation,
                "3 addressees have not answered");
  EXPECT_EQ(Tally(f).agree, 2u) << "the aggregate runs continuously";
  ASSERT_TRUE(Answer("m03", forms::Answer::kAgree).ok());
  ASSERT_TRUE(Answer("m04", forms::Answer::kDisagree).ok());
  ASSERT_TRUE(Answer("m05", forms::Answer::kOther, "Defer to next session").ok());
  auto closed = Try(CloseForm{}, "staff", Role::kSecretariat);
  ASSERT_TRUE(closed.ok());
  const FormClosed& c = std::get<FormClosed>((*closed)[0]);
  EXPECT_EQ(c.reason, "all_answered");
  EXPECT_EQ(c.result.in_favour, 3u);
  EXPECT_TRUE(c.result.adopted) << c.result.reasoning;
  ExpectRefused(Answer("m05", forms::Answer::kAgree), ErrorCode::kRuleViolation, "is closed");
  ExpectRefused(Try(RecordFormDecision{true, "Adopted"}, "pm", Role::kChair),
                ErrorCode::kRuleViolation, "closed");
  Do(SubmitFormResult{}, "staff", Role::kSecretariat);
  ExpectRefused(Try(RecordFormDecision{true, "Adopted"}, "m02", Role::kMember),
                ErrorCode::kForbidden, "may not");
  Do(RecordFormDecision{true, "The Government agrees with the draft decree"}, "pm", Role::kChair);
  EXPECT_EQ(f.status, FormStatus::kDecided);
}

TEST_F(FormTest, AtTheDeadlineSilentMembersCountByThePolicyFixedAtIssue) {
  Policy p;
  p.silence = Silence::kConsent;
  w.Admin(directory::SetPolicy{p}, now);
  Issue();
  ASSERT_TRUE(Answer("m02", forms::Answer::kDisagree).ok());
  w.Admin(directory::SetPolicy{Policy{}}, now);  // a later change does not touch an issued form
  now = now + std::chrono::days(3);
  auto closed = Try(CloseForm{}, "staff", Role::kSecretariat);
  ASSERT_TRUE(closed.ok());
  const FormClosed& c = std::get<FormClosed>((*closed)[0]);
  EXPECT_EQ(c.reason, "deadline");
  EXPECT_EQ(c.result.silent, 4u);
  EXPECT_EQ(c.result.in_favour, 4u);
  EXPECT_TRUE(c.result.adopted) << c.result.reasoning;
}

}  // namespace
}  // namespace ecab::forms
