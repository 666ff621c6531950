// api/route_samples.h — for the contract and matrix tests: the action each
// command route performs (from the domain's table), a concrete path for each
// route pattern, and a body that passes a route's schema.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "api/app.h"
#include "api/testing.h"
#include "domain/authz/authorization.h"

namespace ecab::api::testing {

using nlohmann::json;

// The action of each command route, from the domain's authorization table.
inline const std::map<std::string, Action>& CommandActions() {
  static const std::map<std::string, Action> table = {
      {"POST /people", Action::kEnrollPerson},
      {"POST /people/{person}/removal", Action::kRemovePerson},
      {"POST /people/{person}/certificates", Action::kEnrollCertificate},
      {"PUT /trust-anchor", Action::kSetTrustAnchor},
      {"PUT /revocation-list", Action::kPublishRevocationList},
      {"POST /approvers", Action::kDelegateApprover},
      {"PUT /policy", Action::kSetPolicy},
      {"POST /resolution-numbers", Action::kAssignResolutionNumber},
      {"POST /certificate-requests", Action::kRequestCertificate},
      {"POST /certificate-requests/{request}/approval", Action::kDecideCertificateRequest},
      {"POST /certificate-requests/{request}/rejection", Action::kDecideCertificateRequest},
      {"POST /certificate-requests/{request}/certificate", Action::kDecideCertificateRequest},
      {"POST /people/{person}/certificates/{certificate}/revocation", Action::kRevokeCertificate},
      {"PUT /people/{person}/contact", Action::kSetContact},
      {"POST /documents", Action::kRegisterDocument},
      {"POST /documents/{document}/versions", Action::kAddDocumentVersion},
      {"POST /documents/{document}/grants", Action::kGrantDocumentAccess},
      {"POST /forms", Action::kDraftForm},
      {"PUT /forms/{form}/content", Action::kReviseForm},
      {"POST /forms/{form}/submission", Action::kSubmitForm},
      {"POST /forms/{form}/approval", Action::kApproveForm},
      {"POST /forms/{form}/return", Action::kReturnForm},
      {"POST /forms/{form}/issue", Action::kIssueForm},
      {"POST /forms/{form}/answers", Action::kAnswerForm},
      {"POST /forms/{form}/close", Action::kCloseForm},
      {"POST /forms/{form}/result", Action::kSubmitFormResult},
      {"POST /forms/{form}/decision", Action::kRecordFormDecision},
      {"POST /meetings", Action::kScheduleMeeting},
      {"POST /meetings/{meeting}/agenda", Action::kAddAgendaItem},
      {"PUT /meetings/{meeting}/agenda/order", Action::kReorderAgenda},
      {"POST /meetings/{meeting}/invitations", Action::kInvite},
      {"POST /meetings/{meeting}/rsvp", Action::kRsvp},
      {"POST /meetings/{meeting}/items/{item}/opinions", Action::kGiveItemOpinion},
      {"POST /meetings/{meeting}/items/{item}/speakers", Action::kPreRegisterToSpeak},
      {"POST /meetings/{meeting}/documents/{document}/studied", Action::kMarkDocumentStudied},
      {"POST /meetings/{meeting}/session", Action::kOpenSession},
      {"POST /meetings/{meeting}/check-ins", Action::kCheckIn},
      {"POST /meetings/{meeting}/items/{item}/take-up", Action::kTakeUpItem},
      {"POST /meetings/{meeting}/current-item/close", Action::kCloseItem},
      {"POST /meetings/{meeting}/comments", Action::kComment},
      {"POST /meetings/{meeting}/floor-requests", Action::kRequestFloor},
      {"POST /meetings/{meeting}/floor-requests/withdrawal", Action::kWithdrawFloorRequest},
      {"POST /meetings/{meeting}/floor", Action::kGrantFloor},
      {"POST /meetings/{meeting}/floor/end", Action::kEndFloor},
      {"POST /meetings/{meeting}/votes", Action::kOpenVote},
      {"POST /meetings/{meeting}/votes/{vote}/ballots", Action::kCastBallot},
      {"POST /meetings/{meeting}/votes/{vote}/close", Action::kCloseVote},
      {"POST /meetings/{meeting}/session/close", Action::kCloseSession},
      {"POST /resolutions", Action::kDraftResolution},
      {"POST /resolutions/{resolution}/revisions", Action::kReviseResolution},
      {"POST /resolutions/{resolution}/circulation", Action::kCirculateResolution},
      {"POST /resolutions/{resolution}/submission", Action::kSubmitResolution},
      {"POST /resolutions/{resolution}/signature", Action::kSignResolution},
      {"POST /resolutions/{resolution}/promulgation", Action::kPromulgateResolution},
      {"POST /resolutions/{resolution}/distribution", Action::kDistributeResolution},
  };
  return table;
}

inline std::string Key(const Route& r) {
  const std::string prefix = "/v1/bodies/{body}";
  return r.method + " " +
         (r.pattern.starts_with(prefix) ? r.pattern.substr(prefix.size()) : r.pattern);
}

// A concrete path for a pattern: gov-vn, and ids that exist in MatrixNode.
inline std::string Concrete(const std::string& pattern, const std::string& body = "gov-vn") {
  const std::map<std::string, std::string> values = {
      {"body", body},       {"meeting", "m1"},
      {"vote", "v1"},       {"item", "i1"},
      {"form", "f1"},       {"resolution", "r1"},
      {"document", "d1"},   {"person", "min-justice"},
      {"request", "req-1"}, {"certificate", std::string(64, '0')},
      {"version", "1"}};
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      const std::size_t end = pattern.find('}', i);
      out += values.at(pattern.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

// A body that passes the route's schema.
inline json Sample(const Schema& schema) {
  json body = json::object();
  const std::string now = FormatRfc3339(testing::Now());
  for (const Field& f : schema) {
    switch (f.type) {
      case FieldType::kId:
        body[f.name] = "x1";
        break;
      case FieldType::kName:
        body[f.name] = "Tờ trình.pdf";
        break;
      case FieldType::kText:
        body[f.name] = "some text";
        break;
      case FieldType::kInteger:
        body[f.name] = 2019;
        break;
      case FieldType::kBoolean:
        body[f.name] = true;
        break;
      case FieldType::kIds:
        body[f.name] = json::array({"i1"});
        break;
      case FieldType::kTimestamp:
        body[f.name] = now;
        break;
      case FieldType::kEnum:
        body[f.name] = f.values.front();
        break;
      case FieldType::kBase64:
        body[f.name] = Base64Encode("not a certificate");
        break;
      case FieldType::kSignature:
        body[f.name] = {{"algorithm", "ed25519"},
                        {"value", Base64Encode(std::string(64, '\0'))},
                        {"certificate", "sha256:00"},
                        {"signed_at", now}};
        break;
    }
  }
  return body;
}

}  // namespace ecab::api::testing
