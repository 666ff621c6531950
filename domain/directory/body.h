// domain/directory/body.h — the body aggregate: its people over time, their
// certificates, the trust anchor and revocation list, the policy, approval
// delegation and resolution numbering. Stream: "body-<id>".
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "domain/authz/action.h"
#include "domain/base/context.h"
#include "domain/directory/events.h"
#include "domain/signing/signed_act.h"

namespace ecab::directory {

struct Tenure {
  Role role = Role::kMember;
  Timestamp from;
  std::optional<Timestamp> until;  // exclusive
};

struct PersonRecord {
  std::string office;
  std::string office_vi;
  std::vector<Tenure> tenures;                      // in time order
  std::map<std::string, std::string> certificates;  // fingerprint -> DER
};

// A certificate request and where it stands.
struct CertificateRequest {
  enum class Status : std::uint8_t { kPending, kApproved, kRejected, kIssued };
  std::string person;
  std::string device;
  std::string csr_der;
  std::string renews;  // the fingerprint it replaces, or ""
  Timestamp at;
  Status status = Status::kPending;
  std::string reason;       // a rejection's
  std::string fingerprint;  // the certificate issued, once issued
};

// "pending", "approved" (awaiting the certificate from an external CA),
// "rejected", "issued".
std::string_view RequestStatusName(CertificateRequest::Status status);

struct Body {
  bool exists = false;
  std::string id;
  std::string name;
  std::string name_vi;
  std::string resolution_suffix;
  BodyKind kind = BodyKind::kOther;
  Policy policy;
  bool late_substitution = false;  // substitutes may be named after the session opened
  ReadReceipts read_receipts = ReadReceipts::kOnDownload;  // when downloads record them
  std::map<std::string, PersonRecord> people;
  std::string anchor_der;
  std::string crl_der;
  std::set<std::string> approvers;                                 // delegated approvers of forms
  std::map<std::int32_t, std::uint32_t> last_number;               // year -> last sequence
  std::map<std::string, ResolutionNumberAssigned> numbers;         // by resolution
  std::map<std::string, CertificateRequest> certificate_requests;  // by request id
  std::map<std::string, Timestamp> revoked;    // certificate fingerprint -> revoked from
  std::map<std::string, ContactSet> contacts;  // by person: personal data (events.h)

  // The role `person` holds at `t`, if any.
  std::optional<Role> RoleAt(std::string_view person, Timestamp t) const;
  // Voting members (member or chair) in force at `t`, sorted by id.
  std::vector<std::string> MembersAt(Timestamp t) const;
  // The chair in force at `t`, if any.
  std::optional<std::string> ChairAt(Timestamp t) const;
  // The enrolled certificate (DER) `fingerprint` of `person`, or nullptr.
  const std::string* CertificateDer(std::string_view person, std::string_view fingerprint) const;
  // The request a certificate was issued for, or nullptr (enrolled directly).
  const CertificateRequest* RequestOf(std::string_view fingerprint) const;
  // Checks `act` by `signer` over `payload` against the enrolled certificate,
  // the trust anchor and the revocation list in this state, and refuses a
  // certificate revoked in the body at or before the act's time.
  Status VerifyAct(std::string_view signer, const SignedAct& act, std::string_view payload) const;
};

// Commands.
// Founds a body with its first admin (the actor when none is named) and,
// when given, its policy and trust anchor: all in the body's first append.
struct CreateBody {
  static constexpr Action kAction = Action::kCreateBody;
  std::string body, name, name_vi, resolution_suffix;
  BodyKind kind = BodyKind::kOther;
  std::string admin{}, admin_office{}, admin_office_vi{};  // admin empty: the actor
  std::optional<Policy> policy{};
  bool late_substitution = false;
  ReadReceipts read_receipts = ReadReceipts::kOnDownload;
  std::string anchor_der{};  // empty: set later
};
struct EnrollPerson {
  static constexpr Action kAction = Action::kEnrollPerson;
  std::string person, office, office_vi;
  Role role = Role::kMember;
};
struct RemovePerson {
  static constexpr Action kAction = Action::kRemovePerson;
  std::string person;
};
struct EnrollCertificate {
  static constexpr Action kAction = Action::kEnrollCertificate;
  std::string person;
  std::string der;
};
struct SetPolicy {
  static constexpr Action kAction = Action::kSetPolicy;
  Policy policy;
  bool late_substitution = false;  // substitutes may be named after the session opened
  ReadReceipts read_receipts = ReadReceipts::kOnDownload;
};
struct SetTrustAnchor {
  static constexpr Action kAction = Action::kSetTrustAnchor;
  std::string der;
};
struct PublishRevocationList {
  static constexpr Action kAction = Action::kPublishRevocationList;
  std::string der;
};
struct DelegateApprover {
  static constexpr Action kAction = Action::kDelegateApprover;
  std::string person;
  bool granted = true;
};
struct AssignResolutionNumber {
  static constexpr Action kAction = Action::kAssignResolutionNumber;
  std::string resolution;
  std::int32_t year = 0;
};
// The certificate lifecycle (docs/formats/signing.md, "Certificates"):
// a person (or the admin for them) asks for a certificate for a key they hold;
// the admin approves or rejects; the certificate comes with the approval (the
// node's CA issued it) or later (an external CA did); it is enrolled as by
// EnrollCertificate. Revocation: the admin, or the holder (a lost device).
struct RequestCertificate {
  static constexpr Action kAction = Action::kRequestCertificate;
  std::string request, person, device;
  std::string csr_der;   // PKCS#10, DER
  std::string renews{};  // the holder's certificate it replaces, or ""
};
struct DecideCertificateRequest {
  static constexpr Action kAction = Action::kDecideCertificateRequest;
  std::string request;
  bool approved = false;
  std::string reason{};           // required to reject
  std::string certificate_der{};  // issued with the approval by the node's CA, or "" (external CA)
};
struct SupplyCertificate {
  static constexpr Action kAction = Action::kDecideCertificateRequest;
  std::string request;
  std::string der;  // the certificate the external CA issued for an approved request
};
struct RevokeCertificate {
  static constexpr Action kAction = Action::kRevokeCertificate;
  std::string person, fingerprint, reason;
  std::string crl_der{};  // the node CA's new revocation list, or "" (the CA publishes its own)
};
// The admin records how a person is reached (ContactSet, whole).
struct SetContact {
  static constexpr Action kAction = Action::kSetContact;
  ContactSet contact;
};
using BodyCommand =
    std::variant<CreateBody, EnrollPerson, RemovePerson, EnrollCertificate, SetPolicy,
                 SetTrustAnchor, PublishRevocationList, DelegateApprover, AssignResolutionNumber,
                 RequestCertificate, DecideCertificateRequest, SupplyCertificate, RevokeCertificate,
                 SetContact>;

// Why `c` is not a usable contact ("" when it is): an email address
// local@domain, a phone in E.164, language vi or en, known channels each with
// what it needs (email an address, sms a phone), quiet hours both set or
// neither, within a day.
std::string ContactProblem(const ContactSet& c);

// The events `command` produces, or why it is refused. Pure.
[[nodiscard]] Result<std::vector<DirectoryEvent>> Decide(const Body& state,
                                                         const BodyCommand& command,
                                                         const CommandContext& ctx);
// Folds one stored event into the state. Never fails.
Body Evolve(Body state, const DirectoryEvent& event);

}  // namespace ecab::directory
