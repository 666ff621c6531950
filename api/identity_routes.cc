// The identity routes: password and certificate logins, logout, who am I.
#include "api/app.h"
#include "api/identity.h"
#include "domain/signing/signed_act.h"
#include "domain/signing/verify.h"

namespace ecab::api {

void App::RegisterIdentityRoutes() {
  Add({"POST", "/v1/login", "identity", "Log in with a password; returns a bearer token.",
       {{"person", FieldType::kId}, {"password", FieldType::kText}}, {}, false, false, false,
       [this](Call& c) {
         std::chrono::seconds retry_after{0};
         auto issued = identity_->Login(c.body["person"], c.body["password"], c.request.peer, &retry_after);
         if (!issued.ok()) {
           if (issued.error().code == ErrorCode::kRuleViolation) {
             auto r = ProblemResponse(429, "login-throttled", "Too many login attempts", issued.error().message);
             r.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, retry_after.count())));
             return r;
           }
           if (issued.error().code == ErrorCode::kForbidden) {
             return ProblemResponse(401, "login-failed", "Login failed", issued.error().message);
           }
           return FromError(issued.error());
         }
         return Json(200, {{"token", issued->token},
                           {"token_type", "Bearer"},
                           {"expires_at", FormatRfc3339(issued->expires_at)},
                           {"person", c.body["person"]}});
       },
       {}});
  Add({"POST", "/v1/bodies/{body}/login/certificate", "identity",
       "Log in with the TLS client certificate enrolled for a person of the body.", {}, {}, false, false, false,
       [this](Call& c) {
         const std::string& der = c.request.client_cert_der;
         if (der.empty()) {
           return ProblemResponse(401, "login-failed", "Login failed", "no TLS client certificate was presented");
         }
         const std::string fingerprint = CertificateFingerprint(der);
         std::string person;
         for (const auto& [id, record] : c.body_state->people) {
           if (record.certificates.count(fingerprint)) person = id;
         }
         if (person.empty() || !c.body_state->RoleAt(person, c.ctx.now)) {
           return ProblemResponse(401, "login-failed", "Login failed",
                                  "the certificate is not enrolled for a current person of this body");
         }
         auto facts = InspectCertificate(der, c.body_state->anchor_der, c.body_state->crl_der);
         if (!facts.ok()) return ProblemResponse(401, "login-failed", "Login failed", facts.error().message);
         for (const auto* problem : {&facts->chain_problem, &facts->usage_problem, &facts->crl_problem, &facts->key_problem}) {
           if (*problem) return ProblemResponse(401, "login-failed", "Login failed", **problem);
         }
         if (c.ctx.now < facts->not_before || c.ctx.now > facts->not_after) {
           return ProblemResponse(401, "login-failed", "Login failed", "the certificate is not valid now");
         }
         if (facts->revoked_at && *facts->revoked_at <= c.ctx.now) {
           return ProblemResponse(401, "login-failed", "Login failed", "the certificate is revoked");
         }
         auto issued = identity_->IssueToken(person);
         if (!issued.ok()) return FromError(issued.error());
         return Json(200, {{"token", issued->token},
                           {"token_type", "Bearer"},
                           {"expires_at", FormatRfc3339(issued->expires_at)},
                           {"person", person}});
       },
       {}});
  Add({"POST", "/v1/logout", "identity", "Revoke the bearer token of this request.", {}, {}, true, false, false,
       [this](Call& c) {
         if (auto s = identity_->Revoke(c.principal->token_hash); !s.ok()) return FromError(s.error());
         return Json(200, {{"revoked", true}});
       },
       {}});
  Add({"GET", "/v1/me", "identity", "The person this token stands for.", {}, {}, true, false, false,
       [](Call& c) { return Json(200, {{"person", c.principal->person}}); }, {}});
}

}  // namespace ecab::api
