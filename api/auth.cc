// Authentication: the bearer token or the browser's session cookie (or, for
// the certificate login, nothing yet), then the body named by the path and
// the caller's role in it.
#include "api/app.h"
#include "api/command/command_service.h"
#include "api/identity.h"
#include "api/platform.h"
#include "api/request_checks.h"
#include "eventstore/clock.h"

namespace ecab::api {

// Resolves the caller and their role in the body named by the path.
std::optional<http::Response> App::Authenticate(Call& call, const Route& route) {
  call.ctx.now = es::SystemClock().Now();
  if (route.authenticated) {
    auto token = BearerToken(call.request);
    if (!token) {
      token = SessionCookie(call.request);
      const bool safe =
          !route.websocket && (call.request.method == "GET" || call.request.method == "HEAD");
      if (token && !safe && !SameOrigin(call.request)) {
        return ProblemResponse(
            403, "cross-origin", "Cross-origin request refused",
            "a request authenticated by the session cookie must come from this origin "
            "(its Origin header must be https:// and its Host)");
      }
    }
    if (!token) {
      auto r = ProblemResponse(401, "unauthenticated", "Authentication required",
                               "send 'Authorization: Bearer <token>' (POST /v1/login issues one)");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ecabinet\"");
      return r;
    }
    std::string hash;
    auto person = identity_->Resolve(*token, &hash);
    if (!person.ok()) {
      if (person.error().code != ErrorCode::kForbidden) return FromError(person.error());
      auto r = ProblemResponse(401, "unauthenticated", "Authentication required",
                               person.error().message);
      r.headers.emplace_back("WWW-Authenticate",
                             "Bearer realm=\"ecabinet\", error=\"invalid_token\"");
      return r;
    }
    call.principal = Principal{*person, hash};
    call.ctx.actor = *person;
  }
  if (auto it = call.params.find("body"); it != call.params.end()) {
    auto body = commands_->BodySnapshot(it->second);
    if (!body.ok()) return FromError(body.error());
    if ((*body)->version == 0) {
      // A body's existence is no secret to platform administrators; to anyone
      // else an unknown body answers as one they have no role in.
      if (!route.authenticated) {  // the certificate login: answered as for a body that exists
        return ProblemResponse(
            401, "login-failed", "Login failed",
            call.request.client_cert_der.empty()
                ? "no TLS client certificate was presented"
                : "the certificate is not enrolled for a current person of this body");
      }
      auto platform = commands_->Platform();
      if (!platform.ok()) return FromError(platform.error());
      if (platform->state.IsAdmin(call.ctx.actor)) {
        return ProblemResponse(404, "not-found", "Not found", "no body '" + it->second + "'");
      }
      return NoRoleProblem(call.ctx.actor, it->second);
    }
    call.body_state = std::shared_ptr<const directory::Body>(*body, &(*body)->state);
    if (call.principal) call.role = call.body_state->RoleAt(call.principal->person, call.ctx.now);
    if (const std::string* behalf = call.request.Header("x-on-behalf-of");
        behalf && !behalf->empty()) {
      // A substitute acts for the member who named them; the meeting checks it.
      call.role = Role::kSubstitute;
      call.ctx.on_behalf_of = *behalf;
    }
    // No role: the domain refuses commands with the reason; queries check it.
    call.ctx.role = call.role.value_or(Role::kMember);
  }
  return std::nullopt;
}

}  // namespace ecab::api
