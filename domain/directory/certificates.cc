#include "domain/directory/certificates.h"

#include "domain/signing/certificate_request.h"
#include "domain/signing/verify.h"

namespace ecab::directory {
namespace {

using Events = std::vector<DirectoryEvent>;
using Status = CertificateRequest::Status;

// The request `id`, or why it cannot be acted on in state `wanted`.
Result<const CertificateRequest*> Find(const Body& body, const std::string& id, Status wanted) {
  auto it = body.certificate_requests.find(id);
  if (it == body.certificate_requests.end()) {
    return Refuse(ErrorCode::kNotFound,
                  "no certificate request '" + id + "' in body '" + body.id + "'");
  }
  if (it->second.status != wanted) {
    return Refuse(ErrorCode::kRuleViolation, "certificate request '" + id + "' is " +
                                                 std::string(RequestStatusName(it->second.status)) +
                                                 ", not " + std::string(RequestStatusName(wanted)));
  }
  return &it->second;
}

// The issued certificate's problem for this request, "" when it may be enrolled.
std::string IssuedProblem(const Body& body, const CertificateRequest& r, const std::string& der,
                          const CommandContext& ctx) {
  if (der.empty()) return "the certificate is empty";
  auto facts = InspectCertificateRequest(r.csr_der);
  if (!facts.ok()) return facts.error().message;
  if (CertificatePublicKey(der) != facts->public_key_der) {
    return "the certificate is not for the key of the request";
  }
  return CertificateProblem(body, r.person, der, ctx);
}

Events Issue(const std::string& request, const CertificateRequest& r, const std::string& der) {
  const std::string fingerprint = CertificateFingerprint(der);
  return Events{CertificateIssued{request, r.person, fingerprint},
                CertificateEnrolled{r.person, fingerprint, der}};
}

}  // namespace

std::string CertificateProblem(const Body& body, const std::string& person, const std::string& der,
                               const CommandContext& ctx) {
  if (body.anchor_der.empty())
    return "body '" + body.id + "' has no trust anchor yet; set it first";
  auto facts = InspectCertificate(der, body.anchor_der, body.crl_der);
  if (!facts.ok()) return facts.error().message;
  if (auto problem = EnrolmentProblem(*facts, person, ctx.now); !problem.empty()) {
    return "cannot enrol this certificate for '" + person + "': " + problem;
  }
  for (const auto& [holder, record] : body.people) {
    if (record.certificates.contains(facts->fingerprint)) {
      return "certificate " + facts->fingerprint + " is already enrolled for '" + holder + "'";
    }
  }
  return "";
}

Result<Events> DecideRequest(const Body& body, const RequestCertificate& c,
                             const CommandContext& ctx) {
  if (c.request.empty() || c.person.empty())
    return Refuse(ErrorCode::kInvalidArgument, "name the request and its holder");
  if (c.person != ctx.actor && ctx.role != Role::kAdmin) {
    return Refuse(ErrorCode::kForbidden,
                  "'" + ctx.actor + "' may ask for a certificate for themselves only");
  }
  if (!body.people.contains(c.person)) {
    return Refuse(ErrorCode::kNotFound,
                  "'" + c.person + "' is not a person of body '" + body.id + "'");
  }
  if (body.certificate_requests.contains(c.request)) {
    return Refuse(ErrorCode::kAlreadyExists,
                  "certificate request '" + c.request + "' already exists");
  }
  ECAB_TRY_LET(facts, InspectCertificateRequest(c.csr_der));
  if (!c.renews.empty() && body.CertificateDer(c.person, c.renews) == nullptr) {
    return Refuse(ErrorCode::kNotFound,
                  "certificate " + c.renews + " is not enrolled for '" + c.person + "'");
  }
  for (const auto& [id, r] : body.certificate_requests) {
    if (r.status == Status::kPending && r.csr_der == c.csr_der) {
      return Refuse(ErrorCode::kAlreadyExists,
                    "the same request is already pending as '" + id + "'");
    }
  }
  return Events{CertificateRequested{c.request, c.person, c.device, c.csr_der, c.renews, ctx.now}};
}

Result<Events> DecideOnRequest(const Body& body, const DecideCertificateRequest& c,
                               const CommandContext& ctx) {
  ECAB_TRY_LET(r, Find(body, c.request, Status::kPending));
  if (!c.approved) {
    if (c.reason.empty())
      return Refuse(ErrorCode::kInvalidArgument, "say why the request is rejected");
    return Events{CertificateRequestDecided{c.request, false, c.reason}};
  }
  Events out{CertificateRequestDecided{c.request, true, c.reason}};
  if (c.certificate_der.empty()) return out;  // awaiting the external CA's certificate
  if (auto problem = IssuedProblem(body, **r, c.certificate_der, ctx); !problem.empty()) {
    return Refuse(ErrorCode::kInvalidArgument, problem);
  }
  for (auto& e : Issue(c.request, **r, c.certificate_der)) out.push_back(std::move(e));
  return out;
}

Result<Events> DecideSupply(const Body& body, const SupplyCertificate& c,
                            const CommandContext& ctx) {
  ECAB_TRY_LET(r, Find(body, c.request, Status::kApproved));
  if (auto problem = IssuedProblem(body, **r, c.der, ctx); !problem.empty()) {
    return Refuse(ErrorCode::kInvalidArgument, problem);
  }
  return Issue(c.request, **r, c.der);
}

Result<Events> DecideRevocation(const Body& body, const RevokeCertificate& c,
                                const CommandContext& ctx) {
  if (c.person != ctx.actor && ctx.role != Role::kAdmin) {
    return Refuse(ErrorCode::kForbidden,
                  "'" + ctx.actor + "' may revoke their own certificates only");
  }
  if (body.CertificateDer(c.person, c.fingerprint) == nullptr) {
    return Refuse(ErrorCode::kNotFound,
                  "certificate " + c.fingerprint + " is not enrolled for '" + c.person + "'");
  }
  if (auto it = body.revoked.find(c.fingerprint); it != body.revoked.end()) {
    return Refuse(
        ErrorCode::kAlreadyExists,
        "certificate " + c.fingerprint + " was already revoked at " + FormatRfc3339(it->second));
  }
  if (c.reason.empty())
    return Refuse(ErrorCode::kInvalidArgument, "say why the certificate is revoked");
  Events out{CertificateRevoked{c.person, c.fingerprint, c.reason, ctx.now}};
  if (!c.crl_der.empty()) {
    auto facts = InspectCertificate(*body.CertificateDer(c.person, c.fingerprint), body.anchor_der,
                                    c.crl_der);
    if (!facts.ok()) return Refuse(ErrorCode::kInvalidArgument, facts.error().message);
    if (facts->crl_problem) return Refuse(ErrorCode::kInvalidArgument, *facts->crl_problem);
    if (!facts->revoked_at)
      return Refuse(ErrorCode::kInvalidArgument,
                    "the revocation list does not list the certificate");
    out.push_back(RevocationListPublished{c.crl_der});
  }
  return out;
}

}  // namespace ecab::directory
