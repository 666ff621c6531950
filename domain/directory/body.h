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
  std::vector<Tenure> tenures;                     // in time order
  std::map<std::string, std::string> certificates; // fingerprint -> DER
};

struct Body {
  bool exists = false;
  std::string id;
  std::string name;
  std::string name_vi;
  std::string resolution_suffix;
  BodyKind kind = BodyKind::kOther;
  Policy policy;
  bool late_substitution = false;  // substitutes may be named after the session opened
  std::map<std::string, PersonRecord> people;
  std::string anchor_der;
  std::string crl_der;
  std::set<std::string> approvers;             // delegated approvers of forms
  std::map<std::int32_t, std::uint32_t> last_number;  // year -> last sequence
  std::map<std::string, ResolutionNumberAssigned> numbers;  // by resolution

  // The role `person` holds at `t`, if any.
  std::optional<Role> RoleAt(std::string_view person, Timestamp t) const;
  // Voting members (member or chair) in force at `t`, sorted by id.
  std::vector<std::string> MembersAt(Timestamp t) const;
  // The chair in force at `t`, if any.
  std::optional<std::string> ChairAt(Timestamp t) const;
  // The enrolled certificate (DER) `fingerprint` of `person`, or nullptr.
  const std::string* CertificateDer(std::string_view person, std::string_view fingerprint) const;
  // Checks `act` by `signer` over `payload` against the enrolled certificate,
  // the trust anchor and the revocation list in this state.
  Status VerifyAct(std::string_view signer, const SignedAct& act, std::string_view payload) const;
};

// Commands.
// Founds a body with its first admin (the actor when none is named) and,
// when given, its policy and trust anchor: all in the body's first append.
struct CreateBody {
  std::string body, name, name_vi, resolution_suffix;
  BodyKind kind = BodyKind::kOther;
  std::string admin{}, admin_office{}, admin_office_vi{};  // admin empty: the actor
  std::optional<Policy> policy{};
  bool late_substitution = false;
  std::string anchor_der{};  // empty: set later
};
struct EnrollPerson {
  std::string person, office, office_vi;
  Role role = Role::kMember;
};
struct RemovePerson {
  std::string person;
};
struct EnrollCertificate {
  std::string person;
  std::string der;
};
struct SetPolicy {
  Policy policy;
  bool late_substitution = false;  // substitutes may be named after the session opened
};
struct SetTrustAnchor {
  std::string der;
};
struct PublishRevocationList {
  std::string der;
};
struct DelegateApprover {
  std::string person;
  bool granted = true;
};
struct AssignResolutionNumber {
  std::string resolution;
  std::int32_t year = 0;
};
using BodyCommand = std::variant<CreateBody, EnrollPerson, RemovePerson, EnrollCertificate, SetPolicy,
                                 SetTrustAnchor, PublishRevocationList, DelegateApprover,
                                 AssignResolutionNumber>;

// The events `command` produces, or why it is refused. Pure.
[[nodiscard]] Result<std::vector<DirectoryEvent>> Decide(const Body& state, const BodyCommand& command,
                                                         const CommandContext& ctx);
// Folds one stored event into the state. Never fails.
Body Evolve(Body state, const DirectoryEvent& event);

}  // namespace ecab::directory
