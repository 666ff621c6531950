// The identity routes: password and certificate logins, logout, who am I.
#include "api/app.h"
#include "api/identity.h"
#include "api/request_checks.h"
#include "api/route_support.h"
#include "domain/signing/signed_act.h"
#include "domain/signing/verify.h"

namespace ecab::api {
namespace {

// The answer to a login: the bearer token, or for `cookie` logins (the web
// app) the token as an HttpOnly cookie that no script can read.
http::Response TokenAnswer(const Identity::Issued& issued, const std::string& person, bool cookie,
                           std::chrono::system_clock::time_point now) {
  if (!cookie) {
    return Json(200, {{"token", issued.token},
                      {"token_type", "Bearer"},
                      {"expires_at", FormatRfc3339(issued.expires_at)},
                      {"person", person}});
  }
  auto r = Json(200, {{"token_type", "Cookie"},
                      {"expires_at", FormatRfc3339(issued.expires_at)},
                      {"person", person}});
  const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(issued.expires_at - now);
  r.headers.emplace_back(
      "Set-Cookie", SessionCookieHeader(issued.token, std::max(lifetime, std::chrono::seconds(1))));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// A cookie login must come from a page of this origin (no login forgery).
std::optional<http::Response> CrossOriginCookieLogin(const Call& c, bool cookie) {
  if (!cookie || SameOrigin(c.request)) return std::nullopt;
  return ProblemResponse(
      403, "cross-origin", "Cross-origin request refused",
      "a cookie login must come from this origin (Origin: https:// and its Host)");
}

struct PasswordLogin {
  std::string person, password;
  bool cookie = false;  // the web app's: the token as an HttpOnly cookie
};
struct CertificateLogin {
  bool cookie = false;
};

}  // namespace

void App::RegisterIdentityRoutes() {
  Add(TypedRoute<PasswordLogin>(
      {.method = "POST",
       .pattern = "/v1/login",
       .tag = "identity",
       .summary = "Log in with a password; returns a bearer token (or, with cookie: true, sets it "
                  "as an HttpOnly "
                  "session cookie for the web app).",
       .authenticated = false},
      {IdField("person", &PasswordLogin::person), TextField("password", &PasswordLogin::password),
       FlagField("cookie", &PasswordLogin::cookie, kOptional)},
      [this](Call& c, PasswordLogin& login) {
        if (auto refused = CrossOriginCookieLogin(c, login.cookie)) return *refused;
        std::chrono::seconds retry_after{0};
        auto issued = identity_->Login(login.person, login.password, c.request.peer, &retry_after);
        if (!issued.ok()) {
          if (issued.error().code == ErrorCode::kRuleViolation) {
            auto r = ProblemResponse(429, "login-throttled", "Too many login attempts",
                                     issued.error().message);
            r.headers.emplace_back("Retry-After",
                                   std::to_string(std::max<std::int64_t>(1, retry_after.count())));
            return r;
          }
          if (issued.error().code == ErrorCode::kForbidden) {
            return ProblemResponse(401, "login-failed", "Login failed", issued.error().message);
          }
          return FromError(issued.error());
        }
        return TokenAnswer(*issued, login.person, login.cookie, c.ctx.now);
      }));
  Add(TypedRoute<CertificateLogin>(
      {.method = "POST",
       .pattern = "/v1/bodies/{body}/login/certificate",
       .tag = "identity",
       .summary = "Log in with the TLS client certificate enrolled for a person of the body.",
       .authenticated = false},
      {FlagField("cookie", &CertificateLogin::cookie, kOptional)},
      [this](Call& c, CertificateLogin& login) {
        if (auto refused = CrossOriginCookieLogin(c, login.cookie)) return *refused;
        const std::string& der = c.request.client_cert_der;
        if (der.empty()) {
          return ProblemResponse(401, "login-failed", "Login failed",
                                 "no TLS client certificate was presented");
        }
        const std::string fingerprint = CertificateFingerprint(der);
        std::string person;
        for (const auto& [id, record] : c.body_state->people) {
          if (record.certificates.count(fingerprint)) person = id;
        }
        if (person.empty() || !c.body_state->RoleAt(person, c.ctx.now)) {
          return ProblemResponse(
              401, "login-failed", "Login failed",
              "the certificate is not enrolled for a current person of this body");
        }
        auto facts = InspectCertificate(der, c.body_state->anchor_der, c.body_state->crl_der);
        if (!facts.ok())
          return ProblemResponse(401, "login-failed", "Login failed", facts.error().message);
        for (const auto* problem : {&facts->chain_problem, &facts->usage_problem,
                                    &facts->crl_problem, &facts->key_problem}) {
          if (*problem) return ProblemResponse(401, "login-failed", "Login failed", **problem);
        }
        if (c.ctx.now < facts->not_before || c.ctx.now > facts->not_after) {
          return ProblemResponse(401, "login-failed", "Login failed",
                                 "the certificate is not valid now");
        }
        if ((facts->revoked_at && *facts->revoked_at <= c.ctx.now) ||
            c.body_state->revoked.contains(fingerprint)) {
          return ProblemResponse(401, "login-failed", "Login failed", "the certificate is revoked");
        }
        auto issued = identity_->IssueToken(person);
        if (!issued.ok()) return FromError(issued.error());
        return TokenAnswer(*issued, person, login.cookie, c.ctx.now);
      }));
  Add({.method = "POST",
       .pattern = "/v1/logout",
       .tag = "identity",
       .summary = "Revoke the token of this request (and clear the session cookie).",
       .handle = [this](Call& c) {
         if (auto s = identity_->Revoke(c.principal->token_hash); !s.ok())
           return FromError(s.error());
         auto r = Json(200, {{"revoked", true}});
         if (SessionCookie(c.request))
           r.headers.emplace_back("Set-Cookie", SessionCookieHeader("", std::chrono::seconds(0)));
         return r;
       }});
  Add({.method = "GET",
       .pattern = "/v1/me",
       .tag = "identity",
       .summary = "The person this token stands for.",
       .handle = [](Call& c) {
         return Json(200, {{"person", c.principal->person}});
       }});
}

}  // namespace ecab::api
