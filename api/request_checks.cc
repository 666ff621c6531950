#include "api/request_checks.h"

#include <algorithm>

#include "api/random.h"
#include "domain/base/ids.h"
#include "eventstore/record.h"

namespace ecab::api {
namespace {

using nlohmann::json;

bool ValidKey(const std::string& key) {
  if (key.empty() || key.size() > 200) return false;
  return std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsJsonMediaType(std::string_view type) {
  const std::size_t semi = type.find(';');
  if (Lower(Trim(type.substr(0, semi))) != "application/json") return false;
  while (semi != std::string_view::npos && !type.empty()) {
    type = type.substr(type.find(';') + 1);
    const std::size_t next = type.find(';');
    const std::string_view param = Trim(type.substr(0, next));
    if (!param.empty()) {
      const std::size_t eq = param.find('=');
      if (eq == std::string_view::npos || Lower(Trim(param.substr(0, eq))) != "charset")
        return false;
      std::string value = Lower(Trim(param.substr(eq + 1)));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      if (value != "utf-8") return false;
    }
    if (next == std::string_view::npos) break;
  }
  return true;
}

std::optional<std::string> BearerToken(const http::Request& r) {
  const std::string* h = r.Header("authorization");
  if (!h || h->size() < 8 || !std::equal(h->begin(), h->begin() + 7, "Bearer ", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      })) {
    return std::nullopt;
  }
  std::string token = h->substr(7);
  if (token.empty() || token.size() > 200) return std::nullopt;
  return token;
}

std::optional<std::string> SessionCookie(const http::Request& r) {
  for (const auto& [name, value] : r.headers) {
    if (name != "cookie") continue;
    // "a=1; __Host-ecab_session=ecab_…; b=2"
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t semicolon = rest.find(';');
      std::string_view pair = rest.substr(0, semicolon);
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (!pair.starts_with(kSessionCookie) || pair.size() <= kSessionCookie.size() ||
          pair[kSessionCookie.size()] != '=') {
        continue;
      }
      std::string_view token = pair.substr(kSessionCookie.size() + 1);
      if (token.empty() || token.size() > 200) return std::nullopt;
      return std::string(token);
    }
  }
  return std::nullopt;
}

std::string SessionCookieHeader(std::string_view token, std::chrono::seconds max_age) {
  std::string header(kSessionCookie);
  header.append("=").append(token).append("; Max-Age=").append(std::to_string(max_age.count()));
  header.append("; Path=/; Secure; HttpOnly; SameSite=Strict");
  return header;
}

bool SameOrigin(const http::Request& r) {
  const std::string* origin = r.Header("origin");
  const std::string* host = r.Header("host");
  return origin && host && !host->empty() && *origin == "https://" + *host;
}

std::optional<http::Response> BadPathId(const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    if (auto problem = IdProblem(value); !problem.empty()) {
      return ProblemResponse(
          422, "invalid-id", "Invalid id",
          "the " + name + " in the path " + problem + " (ids: " + std::string(kIdPattern) + ")");
    }
  }
  return std::nullopt;
}

std::optional<http::Response> UnknownQueryParameter(const http::Request& request,
                                                    const Route& route) {
  for (const auto& [name, value] : request.query) {
    if (std::find(route.query.begin(), route.query.end(), name) == route.query.end() &&
        name != "min_position") {
      return ProblemResponse(422, "unknown-parameter", "Unknown query parameter",
                             "query parameter '" + name + "' is not taken by this route",
                             {{"parameter", name}});
    }
  }
  return std::nullopt;
}

std::optional<http::Response> ReadJsonBody(Call& call, const Route& route) {
  const http::Request& request = call.request;
  if (request.method == "GET" || request.method == "DELETE") return std::nullopt;
  const std::string* type = request.Header("content-type");
  if (!request.body.empty() && (!type || !IsJsonMediaType(*type))) {
    return ProblemResponse(415, "unsupported-media-type", "Unsupported media type",
                           "send the body as application/json (optionally '; charset=utf-8')");
  }
  auto parsed = ParseStrict(request.body, route.schema);
  if (auto* bad = std::get_if<BadInput>(&parsed)) {
    json extra = json::object();
    if (!bad->field.empty()) extra["field"] = bad->field;
    return ProblemResponse(bad->status, bad->type, bad->title, bad->detail, extra);
  }
  call.body = std::move(std::get<json>(parsed));
  return std::nullopt;
}

std::optional<http::Response> IdentifyCommand(Call& call, const Route& route) {
  const http::Request& request = call.request;
  if (call.body_state && !call.role) {
    return NoRoleProblem(call.ctx.actor, call.body_state->id);
  }
  const std::string* key = request.Header("idempotency-key");
  const bool signs = std::any_of(route.schema.begin(), route.schema.end(),
                                 [](const Field& f) { return f.type == FieldType::kSignature; });
  if (signs && !key) {
    return ProblemResponse(
        422, "idempotency-key-required", "Idempotency-Key required",
        "a signed act binds its command id: send the Idempotency-Key your signature covers "
        "(the command id is 'api:<person>:<key>')");
  }
  if (key && !ValidKey(*key)) {
    return ProblemResponse(422, "invalid-idempotency-key", "Invalid Idempotency-Key",
                           "an Idempotency-Key has 1..200 printable ASCII characters");
  }
  if (key) {
    // Keys are per person: one caller's key never collides with another's.
    call.ctx.command_id = "api:" + call.ctx.actor + ":" + *key;
    // The key binds this request (checked when the command is decided,
    // stored with its events): a retry gets the first answer, another
    // request under the key is refused.
    call.ctx.request_digest = es::Sha256(request.method + "\n" + request.path + "\n" +
                                         call.ctx.on_behalf_of + "\n" + call.body.dump());
  } else {
    call.ctx.command_id = "api:" + call.ctx.actor + ":" + es::ToHex(RandomBytes(16));
  }
  return std::nullopt;
}

}  // namespace ecab::api
