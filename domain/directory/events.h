// domain/directory/events.h — the body (a collegial organ), who belongs to it
// and when, their certificates, the trust anchor, revocations, the policy,
// approval delegation and resolution numbers.
// Stored format: docs/formats/events.md. Never rename kType or reorder fields;
// a change of meaning bumps kSchemaVersion and adds an upcaster.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/base/roles.h"
#include "domain/base/time_serialization.h"
#include "domain/codec/codec.h"
#include "domain/directory/policy.h"

namespace ecab::directory {

using ecab::ParseRole;
using ecab::Role;
using ecab::RoleName;

// What kind of collegial body. Persisted: values are never renumbered.
enum class BodyKind : std::uint8_t {
  kOther = 0,
  kCabinet = 1,           // a national government
  kMinistryBoard = 2,     // a ministry's leadership board
  kPeoplesCommittee = 3,  // a province's or city's People's Committee
  kCouncil = 4,           // a council (city council, People's Council)
};

// "other", "cabinet", "ministry_board", "peoples_committee", "council".
std::string BodyKindName(BodyKind kind);

// Schema 1 of body.created: without the kind.
struct BodyCreatedV1 {
  static constexpr std::string_view kType = "body.created";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string body, name, name_vi, resolution_suffix;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(body, name, name_vi, resolution_suffix);
  }
};

// A body was founded: the Government, a People's Committee, a board.
struct BodyCreated {
  static constexpr std::string_view kType = "body.created";
  static constexpr std::uint16_t kSchemaVersion = 2;
  std::string body;  // stable id, e.g. "gov-vn"
  std::string name;
  std::string name_vi;
  std::string resolution_suffix;     // e.g. "NQ-CP" in "12/NQ-CP"
  BodyKind kind = BodyKind::kOther;  // schema 1: kOther
  template <class Archive>
  void serialize(Archive& ar) {
    ar(body, name, name_vi, resolution_suffix, kind);
  }
  friend bool operator==(const BodyCreated&, const BodyCreated&) = default;
};

// Schema 1 of body.member_enrolled: no start time (read as "since the epoch").
struct MemberEnrolledV1 {
  static constexpr std::string_view kType = "body.member_enrolled";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  std::string office;
  std::string office_vi;
  Role role = Role::kMember;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(person, office, office_vi, role);
  }
  friend bool operator==(const MemberEnrolledV1&, const MemberEnrolledV1&) = default;
};

// A person took up an office in the body with a role, from `since`.
struct MemberEnrolled {
  static constexpr std::string_view kType = "body.member_enrolled";
  static constexpr std::uint16_t kSchemaVersion = 2;
  std::string person;  // stable id, e.g. "pm"
  std::string office;
  std::string office_vi;
  Role role = Role::kMember;
  Timestamp since;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(person, office, office_vi, role, since);
  }
  friend bool operator==(const MemberEnrolled&, const MemberEnrolled&) = default;
};

// A person left the body (or the role) at `at`.
struct MemberLeft {
  static constexpr std::string_view kType = "body.member_left";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  Timestamp at;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(person, at);
  }
  friend bool operator==(const MemberLeft&, const MemberLeft&) = default;
};

// A signing certificate (DER) was enrolled for a person.
struct CertificateEnrolled {
  static constexpr std::string_view kType = "body.certificate_enrolled";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  std::string fingerprint;  // "sha256:<hex of DER>"
  std::string der;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(person, fingerprint, der);
  }
  friend bool operator==(const CertificateEnrolled&, const CertificateEnrolled&) = default;
};

// Schema 1 of body.policy_set: the policy alone.
struct PolicySetV1 {
  static constexpr std::string_view kType = "body.policy_set";
  static constexpr std::uint16_t kSchemaVersion = 1;
  Policy policy;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(policy);
  }
};

// Schema 2 of body.policy_set: the policy and late substitution.
struct PolicySetV2 {
  static constexpr std::string_view kType = "body.policy_set";
  static constexpr std::uint16_t kSchemaVersion = 2;
  Policy policy;
  bool late_substitution = false;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(policy, late_substitution);
  }
};

// The body's rules changed.
struct PolicySet {
  static constexpr std::string_view kType = "body.policy_set";
  static constexpr std::uint16_t kSchemaVersion = 3;
  Policy policy;
  // A member may name a substitute after the session opened (falls ill
  // mid-meeting). Schema 1: false.
  bool late_substitution = false;
  // When downloads record read receipts. Schemas 1 and 2: on request (what
  // the body had then).
  ReadReceipts read_receipts = ReadReceipts::kOnDownload;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(policy, late_substitution, read_receipts);
  }
  friend bool operator==(const PolicySet&, const PolicySet&) = default;
};

// The CA certificate (DER) that signing certificates must chain to.
struct TrustAnchorSet {
  static constexpr std::string_view kType = "body.trust_anchor_set";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string der;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(der);
  }
  friend bool operator==(const TrustAnchorSet&, const TrustAnchorSet&) = default;
};

// A certificate revocation list (DER) signed by the trust anchor; replaces
// the previous one from now on. Acts are judged by the list known then.
struct RevocationListPublished {
  static constexpr std::string_view kType = "body.revocation_list_published";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string der;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(der);
  }
  friend bool operator==(const RevocationListPublished&, const RevocationListPublished&) = default;
};

// The chair delegated (granted = true) or withdrew the approval of forms.
struct ApproverDelegated {
  static constexpr std::string_view kType = "body.approver_delegated";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  bool granted = true;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(person, granted);
  }
  friend bool operator==(const ApproverDelegated&, const ApproverDelegated&) = default;
};

// A promulgation number, unique per body and year: "12/NQ-CP".
struct ResolutionNumberAssigned {
  static constexpr std::string_view kType = "body.resolution_number_assigned";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string resolution;
  std::int32_t year = 0;
  std::uint32_t sequence = 0;
  std::string number;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(resolution, year, sequence, number);
  }
  friend bool operator==(const ResolutionNumberAssigned&,
                         const ResolutionNumberAssigned&) = default;
};

// A person asked for a signing certificate for a key held on one of their
// devices: a PKCS#10 request (DER) whose own signature proves they hold it.
struct CertificateRequested {
  static constexpr std::string_view kType = "body.certificate_requested";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string request;  // id, unique in the body
  std::string person;   // who will hold the certificate
  std::string device;   // how they name the device, e.g. "iPad phòng họp"
  std::string csr_der;
  std::string renews;  // the fingerprint of the certificate it replaces, or ""
  Timestamp at;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(request, person, device, csr_der, renews, at);
  }
  friend bool operator==(const CertificateRequested&, const CertificateRequested&) = default;
};

// The admin approved (true) or rejected a certificate request; a rejection
// says why.
struct CertificateRequestDecided {
  static constexpr std::string_view kType = "body.certificate_request_decided";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string request;
  bool approved = false;
  std::string reason;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(request, approved, reason);
  }
  friend bool operator==(const CertificateRequestDecided&,
                         const CertificateRequestDecided&) = default;
};

// The certificate issued for an approved request (by the node's CA or an
// external one); body.certificate_enrolled follows in the same append.
struct CertificateIssued {
  static constexpr std::string_view kType = "body.certificate_issued";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string request;
  std::string person;
  std::string fingerprint;  // "sha256:<hex of DER>"
  template <class Archive>
  void serialize(Archive& ar) {
    ar(request, person, fingerprint);
  }
  friend bool operator==(const CertificateIssued&, const CertificateIssued&) = default;
};

// A certificate was revoked in the body from `at` (a lost device, a person
// who left): acts it signs at or after `at` are refused; earlier ones stand.
struct CertificateRevoked {
  static constexpr std::string_view kType = "body.certificate_revoked";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  std::string fingerprint;
  std::string reason;
  Timestamp at;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(person, fingerprint, reason, at);
  }
  friend bool operator==(const CertificateRevoked&, const CertificateRevoked&) = default;
};

// How a person is reached: personal data, shown only to the person and the
// body's admin (the raw log seals it, feeds carry no payloads, exports leave
// it out). Replaces the previous details as a whole.
struct ContactSet {
  static constexpr std::string_view kType = "body.contact_set";
  static constexpr std::uint16_t kSchemaVersion = 1;
  std::string person;
  std::string email;            // "" when none
  std::string phone;            // E.164, e.g. "+84912345678"; "" when none
  std::string language = "vi";  // "vi" or "en"
  std::vector<std::string>
      channels;                  // of "email", "sms", "in_app", in the person's order of preference
  std::int32_t quiet_from = -1;  // minutes after midnight, Asia/Ho_Chi_Minh; -1: no quiet hours
  std::int32_t quiet_to = -1;    // (urgent items are sent in quiet hours too)
  bool sms_ascii = false;        // SMS without diacritics (GSM-7: 160 characters a segment, not 70)
  template <class Archive>
  void serialize(Archive& ar) {
    ar(person, email, phone, language, channels, quiet_from, quiet_to, sms_ascii);
  }
  friend bool operator==(const ContactSet&, const ContactSet&) = default;
};

using DirectoryEvent =
    std::variant<BodyCreated, MemberEnrolled, MemberLeft, CertificateEnrolled, PolicySet,
                 TrustAnchorSet, RevocationListPublished, ApproverDelegated,
                 ResolutionNumberAssigned, CertificateRequested, CertificateRequestDecided,
                 CertificateIssued, CertificateRevoked, ContactSet>;

// Decoder for every schema version of every directory event ever written.
const EventDecoder<DirectoryEvent>& DirectoryDecoder();

}  // namespace ecab::directory
