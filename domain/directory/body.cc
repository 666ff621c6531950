#include "domain/directory/body.h"

#include <algorithm>

#include "domain/authz/authorization.h"
#include "domain/directory/certificates.h"
#include "domain/signing/verify.h"

namespace ecab::directory {
namespace {

using Events = std::vector<DirectoryEvent>;

bool Active(const Tenure& t, Timestamp at) { return t.from <= at && (!t.until || at < *t.until); }

Result<Events> DecideCreate(const Body& body, const CreateBody& c, const CommandContext& ctx) {
  if (body.exists)
    return Refuse(ErrorCode::kAlreadyExists, "body '" + body.id + "' already exists");
  if (c.body.empty() || c.name.empty() || c.resolution_suffix.empty()) {
    return Refuse(ErrorCode::kInvalidArgument,
                  "a body needs an id, a name and a resolution suffix");
  }
  if (c.body.starts_with("_"))
    return Refuse(ErrorCode::kInvalidArgument, "body ids starting with '_' are reserved");
  Events out{BodyCreated{c.body, c.name, c.name_vi, c.resolution_suffix, c.kind}};
  // The first admin as named, else the one who creates the body.
  out.push_back(MemberEnrolled{c.admin.empty() ? ctx.actor : c.admin,
                               c.admin_office.empty() ? "Administrator" : c.admin_office,
                               c.admin_office.empty() ? "Quản trị hệ thống" : c.admin_office_vi,
                               Role::kAdmin, ctx.now});
  // The rules as given; a body that states none keeps the defaults without
  // an event (a non-default flag alone is recorded with the default policy).
  if (c.policy || c.late_substitution || c.read_receipts != ReadReceipts::kOnDownload) {
    const Policy policy = c.policy.value_or(Policy{});
    if (auto problem = PolicyProblem(policy); !problem.empty()) {
      return Refuse(ErrorCode::kInvalidArgument, "policy: " + problem);
    }
    if (!IsValid(c.read_receipts))
      return Refuse(ErrorCode::kInvalidArgument, "policy: read_receipts is not a known value");
    out.push_back(PolicySet{policy, c.late_substitution, c.read_receipts});
  }
  if (!c.anchor_der.empty()) {
    auto anchor = InspectCertificate(c.anchor_der, c.anchor_der, "");
    if (!anchor.ok())
      return Refuse(ErrorCode::kInvalidArgument, "trust anchor: " + anchor.error().message);
    if (anchor->chain_problem)
      return Refuse(ErrorCode::kInvalidArgument, "trust anchor: not a self-signed CA certificate");
    out.push_back(TrustAnchorSet{c.anchor_der});
  }
  return out;
}

Result<Events> DecideEnroll(const Body& body, const EnrollPerson& c, const CommandContext& ctx) {
  if (c.person.empty() || c.office.empty()) {
    return Refuse(ErrorCode::kInvalidArgument, "a person needs an id and an office");
  }
  if (c.role == Role::kChair) {
    if (auto chair = body.ChairAt(ctx.now); chair && *chair != c.person) {
      return Refuse(ErrorCode::kRuleViolation,
                    "'" + *chair + "' already chairs the body; remove them first");
    }
  }
  Events out;
  if (auto held = body.RoleAt(c.person, ctx.now)) {
    if (*held == c.role) {
      return Refuse(ErrorCode::kAlreadyExists,
                    "'" + c.person + "' is already " + std::string(RoleName(c.role)));
    }
    out.push_back(MemberLeft{c.person, ctx.now});  // a change of role ends the old tenure
  }
  out.push_back(MemberEnrolled{c.person, c.office, c.office_vi, c.role, ctx.now});
  return out;
}

// Certificates may be enrolled for people outside the body too: substitutes
// sign their acts with them.
Result<Events> DecideCertificate(const Body& body, const EnrollCertificate& c,
                                 const CommandContext& ctx) {
  if (c.person.empty()) return Refuse(ErrorCode::kInvalidArgument, "name the certificate's holder");
  if (c.der.empty()) return Refuse(ErrorCode::kInvalidArgument, "the certificate is empty");
  if (!body.people.contains(c.person)) {
    return Refuse(ErrorCode::kNotFound,
                  "'" + c.person + "' is not a person of body '" + body.id + "'; enrol them first");
  }
  if (body.anchor_der.empty()) {
    return Refuse(ErrorCode::kRuleViolation,
                  "body '" + body.id + "' has no trust anchor yet; set it first");
  }
  // Checked now with the code that will check every act signed with it.
  auto facts = InspectCertificate(c.der, body.anchor_der, body.crl_der);
  if (!facts.ok()) return Refuse(ErrorCode::kInvalidArgument, facts.error().message);
  if (auto problem = EnrolmentProblem(*facts, c.person, ctx.now); !problem.empty()) {
    return Refuse(ErrorCode::kInvalidArgument,
                  "cannot enrol this certificate for '" + c.person + "': " + problem);
  }
  const std::string fingerprint = CertificateFingerprint(c.der);
  for (const auto& [person, record] : body.people) {
    if (record.certificates.contains(fingerprint)) {
      return Refuse(ErrorCode::kAlreadyExists, std::string("certificate ")
                                                   .append(fingerprint)
                                                   .append(" is already enrolled for '")
                                                   .append(person)
                                                   .append("'"));
    }
  }
  return Events{CertificateEnrolled{c.person, fingerprint, c.der}};
}

Result<Events> DecideNumber(const Body& body, const AssignResolutionNumber& c,
                            const CommandContext& ctx) {
  if (c.resolution.empty()) return Refuse(ErrorCode::kInvalidArgument, "no resolution named");
  if (auto it = body.numbers.find(c.resolution); it != body.numbers.end()) {
    return Refuse(ErrorCode::kAlreadyExists,
                  "resolution '" + c.resolution + "' is already number " + it->second.number);
  }
  const std::int32_t now_year = static_cast<std::int32_t>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(ctx.now)).year());
  if (c.year != now_year) {
    return Refuse(ErrorCode::kRuleViolation, "numbers are assigned in the current year " +
                                                 std::to_string(now_year) + ", not " +
                                                 std::to_string(c.year));
  }
  auto last = body.last_number.find(c.year);
  const std::uint32_t seq = (last == body.last_number.end() ? 0 : last->second) + 1;
  return Events{ResolutionNumberAssigned{c.resolution, c.year, seq,
                                         std::to_string(seq) + "/" + body.resolution_suffix}};
}

}  // namespace

std::optional<Role> Body::RoleAt(std::string_view person, Timestamp t) const {
  auto it = people.find(std::string(person));
  if (it == people.end()) return std::nullopt;
  for (const Tenure& tenure : it->second.tenures) {
    if (Active(tenure, t)) return tenure.role;
  }
  return std::nullopt;
}

std::vector<std::string> Body::MembersAt(Timestamp t) const {
  std::vector<std::string> out;
  for (const auto& [person, record] : people) {
    for (const Tenure& tenure : record.tenures) {
      if (Active(tenure, t) && IsVotingRole(tenure.role)) {
        out.push_back(person);
        break;
      }
    }
  }
  return out;
}

std::optional<std::string> Body::ChairAt(Timestamp t) const {
  for (const auto& [person, record] : people) {
    for (const Tenure& tenure : record.tenures) {
      if (Active(tenure, t) && tenure.role == Role::kChair) return person;
    }
  }
  return std::nullopt;
}

std::string ContactProblem(const ContactSet& c) {
  if (!c.email.empty()) {
    const auto at = c.email.find('@');
    if (at == std::string::npos || at == 0 || c.email.find('@', at + 1) != std::string::npos ||
        c.email.find('.', at) == std::string::npos || c.email.back() == '.' ||
        c.email.size() > 254 || c.email.find_first_of(" \t\r\n<>,;\"") != std::string::npos) {
      return "'" + c.email + "' is not an email address";
    }
  }
  if (!c.phone.empty()) {
    const bool digits = c.phone.size() >= 8 && c.phone.size() <= 16 && c.phone[0] == '+' &&
                        c.phone.find_first_not_of("0123456789", 1) == std::string::npos;
    if (!digits) return "'" + c.phone + "' is not a phone number in E.164 (+84…)";
  }
  if (c.language != "vi" && c.language != "en") return "language must be vi or en";
  for (const auto& ch : c.channels) {
    if (ch == "email" && c.email.empty()) return "the email channel needs an email address";
    if (ch == "sms" && c.phone.empty()) return "the sms channel needs a phone number";
    if (ch != "email" && ch != "sms" && ch != "in_app") return "unknown channel '" + ch + "'";
  }
  if ((c.quiet_from < 0) != (c.quiet_to < 0)) return "quiet hours need both ends";
  if (c.quiet_from >= 24 * 60 || c.quiet_to >= 24 * 60)
    return "quiet hours are minutes within a day";
  return "";
}

std::string_view RequestStatusName(CertificateRequest::Status status) {
  switch (status) {
    case CertificateRequest::Status::kPending:
      return "pending";
    case CertificateRequest::Status::kApproved:
      return "approved";
    case CertificateRequest::Status::kRejected:
      return "rejected";
    case CertificateRequest::Status::kIssued:
      return "issued";
  }
  return "pending";
}

const CertificateRequest* Body::RequestOf(std::string_view fingerprint) const {
  for (const auto& [request, r] : certificate_requests) {
    if (r.fingerprint == fingerprint) return &r;
  }
  return nullptr;
}

const std::string* Body::CertificateDer(std::string_view person,
                                        std::string_view fingerprint) const {
  auto p = people.find(std::string(person));
  if (p == people.end()) return nullptr;
  auto cert = p->second.certificates.find(std::string(fingerprint));
  return cert == p->second.certificates.end() ? nullptr : &cert->second;
}

Status Body::VerifyAct(std::string_view signer, const SignedAct& act,
                       std::string_view payload) const {
  const std::string* der = CertificateDer(signer, act.certificate);
  if (der == nullptr) {
    return MakeError(
        ErrorCode::kBadSignature,
        "certificate " + act.certificate + " is not enrolled for '" + std::string(signer) + "'");
  }
  if (auto it = revoked.find(act.certificate); it != revoked.end() && it->second <= act.signed_at) {
    return MakeError(ErrorCode::kBadSignature, "certificate " + act.certificate +
                                                   " was revoked in the body at " +
                                                   FormatRfc3339(it->second) + ", before the act");
  }
  return VerifySignedAct(SignatureCheck{payload, &act, *der, anchor_der, crl_der});
}

Result<Events> Decide(const Body& body, const BodyCommand& command, const CommandContext& ctx) {
  ECAB_TRY(Authorize(body, ctx, ActionOf(command)));
  if (!body.exists && !std::holds_alternative<CreateBody>(command)) {
    return Refuse(ErrorCode::kNotFound, "the body does not exist");
  }
  return std::visit(
      [&](const auto& c) -> Result<Events> {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, CreateBody>) {
          return DecideCreate(body, c, ctx);
        } else if constexpr (std::is_same_v<C, EnrollPerson>) {
          return DecideEnroll(body, c, ctx);
        } else if constexpr (std::is_same_v<C, RemovePerson>) {
          if (!body.RoleAt(c.person, ctx.now)) {
            return Refuse(ErrorCode::kNotFound, "'" + c.person + "' is not a current member");
          }
          return Events{MemberLeft{c.person, ctx.now}};
        } else if constexpr (std::is_same_v<C, EnrollCertificate>) {
          return DecideCertificate(body, c, ctx);
        } else if constexpr (std::is_same_v<C, SetPolicy>) {
          if (auto problem = PolicyProblem(c.policy); !problem.empty()) {
            return Refuse(ErrorCode::kInvalidArgument, "policy: " + problem);
          }
          if (!IsValid(c.read_receipts))
            return Refuse(ErrorCode::kInvalidArgument,
                          "policy: read_receipts is not a known value");
          return Events{PolicySet{c.policy, c.late_substitution, c.read_receipts}};
        } else if constexpr (std::is_same_v<C, SetTrustAnchor>) {
          if (c.der.empty())
            return Refuse(ErrorCode::kInvalidArgument, "the trust anchor is empty");
          return Events{TrustAnchorSet{c.der}};
        } else if constexpr (std::is_same_v<C, PublishRevocationList>) {
          if (c.der.empty())
            return Refuse(ErrorCode::kInvalidArgument, "the revocation list is empty");
          return Events{RevocationListPublished{c.der}};
        } else if constexpr (std::is_same_v<C, DelegateApprover>) {
          if (!body.RoleAt(c.person, ctx.now)) {
            return Refuse(ErrorCode::kNotFound, "'" + c.person + "' is not a current member");
          }
          if (body.approvers.contains(c.person) == c.granted) {
            return Refuse(ErrorCode::kRuleViolation,
                          "'" + c.person + "' " +
                              (c.granted ? "already approves" : "does not approve") + " forms");
          }
          return Events{ApproverDelegated{c.person, c.granted}};
        } else if constexpr (std::is_same_v<C, AssignResolutionNumber>) {
          return DecideNumber(body, c, ctx);
        } else if constexpr (std::is_same_v<C, RequestCertificate>) {
          return DecideRequest(body, c, ctx);
        } else if constexpr (std::is_same_v<C, DecideCertificateRequest>) {
          return DecideOnRequest(body, c, ctx);
        } else if constexpr (std::is_same_v<C, SupplyCertificate>) {
          return DecideSupply(body, c, ctx);
        } else if constexpr (std::is_same_v<C, RevokeCertificate>) {
          return DecideRevocation(body, c, ctx);
        } else {
          static_assert(std::is_same_v<C, SetContact>);
          if (!body.people.contains(c.contact.person)) {
            return Refuse(ErrorCode::kNotFound,
                          "'" + c.contact.person + "' is not a person of body '" + body.id + "'");
          }
          if (auto problem = ContactProblem(c.contact); !problem.empty()) {
            return Refuse(ErrorCode::kInvalidArgument, "contact: " + problem);
          }
          return Events{c.contact};
        }
      },
      command);
}

Body Evolve(Body body, const DirectoryEvent& event) {
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, BodyCreated>) {
          body.exists = true;
          body.id = e.body;
          body.name = e.name;
          body.name_vi = e.name_vi;
          body.resolution_suffix = e.resolution_suffix;
          body.kind = e.kind;
        } else if constexpr (std::is_same_v<E, MemberEnrolled>) {
          PersonRecord& p = body.people[e.person];
          p.office = e.office;
          p.office_vi = e.office_vi;
          p.tenures.push_back(Tenure{e.role, e.since, std::nullopt});
        } else if constexpr (std::is_same_v<E, MemberLeft>) {
          auto it = body.people.find(e.person);
          if (it == body.people.end()) return;
          for (Tenure& t : it->second.tenures) {
            if (!t.until) t.until = e.at;
          }
          body.approvers.erase(e.person);
        } else if constexpr (std::is_same_v<E, CertificateEnrolled>) {
          body.people[e.person].certificates[e.fingerprint] = e.der;
        } else if constexpr (std::is_same_v<E, PolicySet>) {
          body.policy = e.policy;
          body.late_substitution = e.late_substitution;
          body.read_receipts = e.read_receipts;
        } else if constexpr (std::is_same_v<E, TrustAnchorSet>) {
          body.anchor_der = e.der;
        } else if constexpr (std::is_same_v<E, RevocationListPublished>) {
          body.crl_der = e.der;
        } else if constexpr (std::is_same_v<E, ApproverDelegated>) {
          if (e.granted) {
            body.approvers.insert(e.person);
          } else {
            body.approvers.erase(e.person);
          }
        } else if constexpr (std::is_same_v<E, ResolutionNumberAssigned>) {
          body.last_number[e.year] = std::max(body.last_number[e.year], e.sequence);
          body.numbers[e.resolution] = e;
        } else if constexpr (std::is_same_v<E, CertificateRequested>) {
          body.certificate_requests[e.request] = CertificateRequest{
              e.person, e.device, e.csr_der, e.renews, e.at, CertificateRequest::Status::kPending,
              "",       ""};
        } else if constexpr (std::is_same_v<E, CertificateRequestDecided>) {
          CertificateRequest& r = body.certificate_requests[e.request];
          r.status = e.approved ? CertificateRequest::Status::kApproved
                                : CertificateRequest::Status::kRejected;
          r.reason = e.reason;
        } else if constexpr (std::is_same_v<E, CertificateIssued>) {
          CertificateRequest& r = body.certificate_requests[e.request];
          r.status = CertificateRequest::Status::kIssued;
          r.fingerprint = e.fingerprint;
        } else if constexpr (std::is_same_v<E, CertificateRevoked>) {
          body.revoked[e.fingerprint] = e.at;
        } else {
          static_assert(std::is_same_v<E, ContactSet>);
          body.contacts[e.person] = e;
        }
      },
      event);
  return body;
}

}  // namespace ecab::directory
