#include "api/problems.h"

#include "api/log.h"

namespace ecab::api {

using nlohmann::json;

std::string ProblemTypeUri(const std::string& slug) {
  return "https://ecabinet.example/problems/" + slug;
}

http::Response Json(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

http::Response ProblemResponse(int status, const std::string& type, const std::string& title,
                               const std::string& detail, const json& extra) {
  json body = {
      {"type", ProblemTypeUri(type)}, {"title", title}, {"status", status}, {"detail", detail}};
  for (const auto& [k, v] : extra.items()) body[k] = v;
  http::Response r = Json(status, body);
  r.content_type = "application/problem+json";
  return r;
}

http::Response NoRoleProblem(const std::string& person, const std::string& body) {
  return ProblemResponse(403, "forbidden", "Forbidden",
                         "'" + person + "' has no role in body '" + body + "'");
}

http::Response FromError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
      return ProblemResponse(422, "invalid-argument", "Invalid argument", e.message);
    case ErrorCode::kWrongExpectedVersion:
      return ProblemResponse(409, "wrong-expected-version", "Conflict with a concurrent change",
                             e.message);
    case ErrorCode::kIdempotencyMismatch:
      return ProblemResponse(422, "idempotency-mismatch", "Idempotency-Key reused", e.message);
    case ErrorCode::kNotFound:
      return ProblemResponse(404, "not-found", "Not found", e.message);
    case ErrorCode::kForbidden:
      return ProblemResponse(403, "forbidden", "Forbidden", e.message);
    case ErrorCode::kRuleViolation:
      return ProblemResponse(409, "rule-violation", "Refused by the rules of the process",
                             e.message);
    case ErrorCode::kBadSignature:
      return ProblemResponse(422, "bad-signature", "Signature does not verify", e.message);
    case ErrorCode::kClassificationRefused:
      return ProblemResponse(422, "classification-refused", "Classification not accepted",
                             e.message);
    case ErrorCode::kAlreadyExists:
      return ProblemResponse(409, "already-exists", "Already exists", e.message);
    case ErrorCode::kShutDown:
      return ProblemResponse(503, "unavailable", "Shutting down", e.message);
    case ErrorCode::kCorruption:
    case ErrorCode::kDecryptionFailed:
    case ErrorCode::kKeyUnavailable:
    case ErrorCode::kIoError:
    case ErrorCode::kUnsupportedSchema:
      break;
  }
  LogEvent(spdlog::level::err, {{"msg", "internal error"}, {"error", ToString(e)}});
  return ProblemResponse(
      500, "internal", "Internal error",
      "the server could not complete the request (" + std::string(ErrorCodeName(e.code)) + ")");
}

}  // namespace ecab::api
