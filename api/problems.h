// api/problems.h — every error answer of the application is an RFC 9457
// problem document (application/problem+json) typed
// https://ecabinet.example/problems/<slug>; the slugs and statuses are
// listed in docs/API.md, "Errors".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/http/http.h"
#include "domain/base/error.h"

namespace ecab::api {

// A JSON response (invalid UTF-8 replaced, never thrown on).
http::Response Json(int status, const nlohmann::json& body);
// A problem document; `extra` members (e.g. "field") are added to it.
http::Response ProblemResponse(int status, const std::string& type, const std::string& title,
                               const std::string& detail,
                               const nlohmann::json& extra = nlohmann::json::object());
// The answer for a domain or store error: 4xx for the caller's mistakes and
// the rules' refusals; 500 (logged, its detail kept out of the answer) for
// corruption, keys, I/O and schemas.
http::Response FromError(const Error& error);
std::string ProblemTypeUri(const std::string& slug);
// 403 forbidden: `person` has no role in body `body` (asked of anything in
// the body, existing or not).
http::Response NoRoleProblem(const std::string& person, const std::string& body);

}  // namespace ecab::api
