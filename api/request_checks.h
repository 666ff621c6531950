// api/request_checks.h — the checks every request passes before its route
// handler runs (App::Dispatch), each returning the refusal to send or
// nullopt: path ids, query parameters, the JSON body, the command's id.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/app.h"

namespace ecab::api {

// The bearer token of `Authorization: Bearer <token>`, if it has a token's shape.
std::optional<std::string> BearerToken(const http::Request& r);
// The browser session cookie a cookie login set (kSessionCookie), if it has a
// token's shape. Browsers cannot put a bearer token on a WebSocket upgrade and
// must not keep one where scripts can read it, so the web app uses this.
inline constexpr std::string_view kSessionCookie = "__Host-ecab_session";
std::optional<std::string> SessionCookie(const http::Request& r);
// The Set-Cookie value carrying `token` for `max_age` (0: clears the cookie):
// Secure, HttpOnly, SameSite=Strict, Path=/.
std::string SessionCookieHeader(std::string_view token, std::chrono::seconds max_age);
// Whether the request says it comes from a page of this origin: its Origin
// header is "https://" followed by its Host header. A request authenticated by
// the cookie must, when it changes something or opens a feed (no cross-site
// request forgery, no cross-site WebSocket hijacking).
bool SameOrigin(const http::Request& r);
// "application/json", optionally with "; charset=utf-8" (RFC 8259 §11 has no
// other parameter): nothing else passes for a JSON body.
bool IsJsonMediaType(std::string_view type);
// 422 invalid-id for a path parameter that is not an id.
std::optional<http::Response> BadPathId(const std::map<std::string, std::string>& params);
// 422 unknown-parameter for a query parameter the route does not take.
std::optional<http::Response> UnknownQueryParameter(const http::Request& request,
                                                    const Route& route);
// Checks the media type and parses the body strictly against the route's
// schema into call.body (415, or 422 naming the field).
std::optional<http::Response> ReadJsonBody(Call& call, const Route& route);
// The command id (`api:<person>:<Idempotency-Key>`, or a random one) and the
// digest the key binds; 422 when a signed act comes without a key or the key
// is malformed, 403 when the caller has no role in the body.
std::optional<http::Response> IdentifyCommand(Call& call, const Route& route);

}  // namespace ecab::api
