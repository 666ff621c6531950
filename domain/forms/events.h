// domain/forms/events.h — opinion forms (processes 1 and 2): drafted,
// submitted, approved or returned, issued, answered (signed, revisable until
// the deadline), closed with a result, submitted to the chair, decided.
// Stream: "form-<id>". Stored format: docs/formats/events.md.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "domain/base/enum.h"
#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"
#include "domain/directory/policy.h"
#include "domain/signing/signed_act.h"

namespace ecab::forms {

// Persisted: explicit values, never renumbered.
enum class Answer : std::uint8_t {
  kAgree = 1,
  kDisagree = 2,
  kAgreeWithComments = 3,
  kOther = 4,
};
constexpr bool IsValid(Answer v) {
  return IsOneOf<Answer::kAgree, Answer::kDisagree, Answer::kAgreeWithComments, Answer::kOther>(v);
}
std::string AnswerName(Answer a);  // "agree", "disagree", "agree_with_comments", "other"

// What the form asks, as drafted or revised.
struct FormContent {
  std::string title;
  std::string question;
  std::vector<std::string> documents;   // document ids
  std::vector<std::string> addressees;  // person ids
  Timestamp deadline;
  Urgency urgency = Urgency::kNormal;
  template <class A>
  void serialize(A& ar) {
    ar(title, question, documents, addressees, deadline, urgency);
  }
  friend bool operator==(const FormContent&, const FormContent&) = default;
};

// The aggregate of answers under the body's rules, with its reasoning.
struct FormResult {
  std::uint32_t addressed = 0;
  std::uint32_t agree = 0;
  std::uint32_t agree_with_comments = 0;
  std::uint32_t disagree = 0;
  std::uint32_t other = 0;
  std::uint32_t silent = 0;
  std::uint32_t in_favour = 0;  // agree + agree with comments (+ silent when silence is consent)
  std::uint32_t base = 0;       // what the majority is taken of
  bool adopted = false;
  std::string reasoning;  // "20 of 27 in favour; needed more than 13.5; adopted"
  template <class A>
  void serialize(A& ar) {
    ar(addressed, agree, agree_with_comments, disagree, other, silent, in_favour, base, adopted,
       reasoning);
  }
  friend bool operator==(const FormResult&, const FormResult&) = default;
};

struct FormDrafted {
  static constexpr std::string_view kType = "form.drafted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string form;
  FormContent content;
  template <class A>
  void serialize(A& ar) {
    ar(form, content);
  }
  friend bool operator==(const FormDrafted&, const FormDrafted&) = default;
};

struct FormRevised {
  static constexpr std::string_view kType = "form.revised";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint32_t revision = 0;  // 2, 3, … (the draft is revision 1)
  FormContent content;
  template <class A>
  void serialize(A& ar) {
    ar(revision, content);
  }
  friend bool operator==(const FormRevised&, const FormRevised&) = default;
};

struct FormSubmitted {
  static constexpr std::string_view kType = "form.submitted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::uint32_t revision = 0;
  template <class A>
  void serialize(A& ar) {
    ar(revision);
  }
  friend bool operator==(const FormSubmitted&, const FormSubmitted&) = default;
};

struct FormReturned {
  static constexpr std::string_view kType = "form.returned";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string by;
  std::string reason;
  template <class A>
  void serialize(A& ar) {
    ar(by, reason);
  }
  friend bool operator==(const FormReturned&, const FormReturned&) = default;
};

// Signed: kind "form_approval", object = form, version = revision.
struct FormApproved {
  static constexpr std::string_view kType = "form.approved";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string by;
  std::uint32_t revision = 0;
  SignedAct signature;
  template <class A>
  void serialize(A& ar) {
    ar(by, revision, signature);
  }
  friend bool operator==(const FormApproved&, const FormApproved&) = default;
};

// Sent to the addressees; the rules that will judge it are fixed here.
struct FormIssued {
  static constexpr std::string_view kType = "form.issued";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::vector<std::string> addressees;
  Timestamp deadline;
  Urgency urgency = Urgency::kNormal;
  Silence silence = Silence::kNotCounted;
  Fraction majority{1, 2};
  template <class A>
  void serialize(A& ar) {
    ar(addressees, deadline, urgency, silence, majority);
  }
  friend bool operator==(const FormIssued&, const FormIssued&) = default;
};

// Signed: kind "form_answer", object = form, version = answer revision,
// choice = AnswerName, text_sha256 = SHA-256 of text.
struct AnswerGiven {
  static constexpr std::string_view kType = "form.answer_given";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string member;
  Answer answer = Answer::kAgree;
  std::string text;
  std::uint32_t revision = 0;  // 1 for the first answer, then 2, 3, …
  SignedAct signature;
  template <class A>
  void serialize(A& ar) {
    ar(member, answer, text, revision, signature);
  }
  friend bool operator==(const AnswerGiven&, const AnswerGiven&) = default;
};

struct FormClosed {
  static constexpr std::string_view kType = "form.closed";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string reason;  // "deadline" or "all_answered"
  FormResult result;
  template <class A>
  void serialize(A& ar) {
    ar(reason, result);
  }
  friend bool operator==(const FormClosed&, const FormClosed&) = default;
};

struct FormResultSubmitted {
  static constexpr std::string_view kType = "form.result_submitted";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string by;
  template <class A>
  void serialize(A& ar) {
    ar(by);
  }
  friend bool operator==(const FormResultSubmitted&, const FormResultSubmitted&) = default;
};

struct FormDecisionRecorded {
  static constexpr std::string_view kType = "form.decision_recorded";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string by;
  bool adopted = false;
  std::string decision;
  template <class A>
  void serialize(A& ar) {
    ar(by, adopted, decision);
  }
  friend bool operator==(const FormDecisionRecorded&, const FormDecisionRecorded&) = default;
};

using FormEvent =
    std::variant<FormDrafted, FormRevised, FormSubmitted, FormReturned, FormApproved, FormIssued,
                 AnswerGiven, FormClosed, FormResultSubmitted, FormDecisionRecorded>;

const EventDecoder<FormEvent>& FormDecoder();

}  // namespace ecab::forms
