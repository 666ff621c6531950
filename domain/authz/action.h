// domain/authz/action.h — what a command asks to do, tied to its type.
// Every command struct names its action as `static constexpr Action kAction`;
// ActionOf reads it, and a command variant with an alternative that does not
// name one does not compile, so reordering or adding a command can never
// authorize it as another action. No dependencies: the command headers
// include it (the authorization table, domain/authz/authorization.h, includes
// the body's).
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <variant>

namespace ecab {

enum class Action : std::uint8_t {
  // body
  kCreateBody,
  kEnrollPerson,
  kRemovePerson,
  kEnrollCertificate,
  kSetPolicy,
  kSetTrustAnchor,
  kPublishRevocationList,
  kDelegateApprover,
  kAssignResolutionNumber,
  // documents
  kRegisterDocument,
  kAddDocumentVersion,
  // opinion forms
  kDraftForm,
  kReviseForm,
  kSubmitForm,
  kApproveForm,
  kReturnForm,
  kIssueForm,
  kAnswerForm,
  kCloseForm,
  kSubmitFormResult,
  kRecordFormDecision,
  // meetings
  kScheduleMeeting,
  kAddAgendaItem,
  kReorderAgenda,
  kInvite,
  kRsvp,
  kGiveItemOpinion,
  kPreRegisterToSpeak,
  kMarkDocumentStudied,
  kOpenSession,
  kCheckIn,
  kTakeUpItem,
  kCloseItem,
  kComment,
  kRequestFloor,
  kWithdrawFloorRequest,
  kGrantFloor,
  kEndFloor,
  kOpenVote,
  kCastBallot,
  kCloseVote,
  kCloseSession,
  // resolutions
  kDraftResolution,
  kReviseResolution,
  kCirculateResolution,
  kSubmitResolution,
  kSignResolution,
  kPromulgateResolution,
  kDistributeResolution,
  // reminders and document access
  kRecordReminder,
  kGrantDocumentAccess,
  // the certificate lifecycle (appended: the values are not persisted, but keep the order)
  kRequestCertificate,
  kDecideCertificateRequest,
  kRevokeCertificate,
  // people's contact details
  kSetContact,
  // the node's text extractor (domain/documents: only system:extractor)
  kRecordDocumentText,
};

// A command: a type that names the action it asks for.
template <class C>
concept NamesAction = requires {
  { C::kAction } -> std::convertible_to<Action>;
};

template <class V>
inline constexpr bool kEveryCommandNamesAction = false;
template <class... C>
inline constexpr bool kEveryCommandNamesAction<std::variant<C...>> = (NamesAction<C> && ...);

// The action `command` asks for.
template <class... C>
constexpr Action ActionOf(const std::variant<C...>& command) {
  static_assert(kEveryCommandNamesAction<std::variant<C...>>,
                "every command of the variant declares static constexpr Action kAction");
  return std::visit([](const auto& c) { return std::decay_t<decltype(c)>::kAction; }, command);
}

}  // namespace ecab
