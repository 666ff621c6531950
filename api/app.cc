#include "api/app.h"

#include <set>

#include "domain/base/ids.h"

#include "api/feeds.h"
#include "api/identity.h"
#include "api/log.h"
#include "api/metrics.h"
#include "api/platform.h"
#include "api/random.h"
#include "api/service.h"
#include "api/visibility.h"
#include "domain/signing/signed_act.h"
#include "domain/signing/verify.h"
#include "eventstore/clock.h"
#include "eventstore/record.h"

namespace ecab::api {
namespace {

using nlohmann::json;

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

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

// "application/json", optionally with "; charset=utf-8" (RFC 8259 §11 has no
// other parameter): nothing else passes for a JSON body.
bool IsJsonMediaType(std::string_view type) {
  const std::size_t semi = type.find(';');
  if (Lower(Trim(type.substr(0, semi))) != "application/json") return false;
  while (semi != std::string_view::npos && !type.empty()) {
    type = type.substr(type.find(';') + 1);
    const std::size_t next = type.find(';');
    const std::string_view param = Trim(type.substr(0, next));
    if (!param.empty()) {
      const std::size_t eq = param.find('=');
      if (eq == std::string_view::npos || Lower(Trim(param.substr(0, eq))) != "charset") return false;
      std::string value = Lower(Trim(param.substr(eq + 1)));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (value != "utf-8") return false;
    }
    if (next == std::string_view::npos) break;
  }
  return true;
}

// Validates a bearer token's shape before it is looked up.
std::optional<std::string> BearerToken(const http::Request& r) {
  const std::string* h = r.Header("authorization");
  if (!h || h->size() < 8 || !std::equal(h->begin(), h->begin() + 7, "Bearer ", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      })) {
    return std::nullopt;
  }
  std::string token = h->substr(7);
  if (token.empty() || token.size() > 200) return std::nullopt;
  return token;
}

}  // namespace

std::string ProblemTypeUri(const std::string& slug) { return "https://ecabinet.example/problems/" + slug; }

http::Response Json(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

http::Response ProblemResponse(int status, const std::string& type, const std::string& title,
                               const std::string& detail, const json& extra) {
  json body = {{"type", ProblemTypeUri(type)}, {"title", title}, {"status", status}, {"detail", detail}};
  for (const auto& [k, v] : extra.items()) body[k] = v;
  http::Response r = Json(status, body);
  r.content_type = "application/problem+json";
  return r;
}

http::Response FromError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kInvalidArgument:
      return ProblemResponse(422, "invalid-argument", "Invalid argument", e.message);
    case ErrorCode::kWrongExpectedVersion:
      return ProblemResponse(409, "wrong-expected-version", "Conflict with a concurrent change", e.message);
    case ErrorCode::kIdempotencyMismatch:
      return ProblemResponse(422, "idempotency-mismatch", "Idempotency-Key reused", e.message);
    case ErrorCode::kNotFound:
      return ProblemResponse(404, "not-found", "Not found", e.message);
    case ErrorCode::kForbidden:
      return ProblemResponse(403, "forbidden", "Forbidden", e.message);
    case ErrorCode::kRuleViolation:
      return ProblemResponse(409, "rule-violation", "Refused by the rules of the process", e.message);
    case ErrorCode::kBadSignature:
      return ProblemResponse(422, "bad-signature", "Signature does not verify", e.message);
    case ErrorCode::kClassificationRefused:
      return ProblemResponse(422, "classification-refused", "Classification not accepted", e.message);
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
  return ProblemResponse(500, "internal", "Internal error",
                         "the server could not complete the request (" + std::string(ErrorCodeName(e.code)) + ")");
}

App::App(es::EventStore& store, AppOptions options) : store_(store), options_(std::move(options)) {}

App::~App() { Shutdown(); }

void App::Shutdown() {
  if (projections_) projections_->Stop();
}

const es::ViewStore& App::views() const { return projections_->views(); }

bool App::Reached(std::uint64_t position) const { return projections_->position() >= position; }

bool App::WaitForViews(std::uint64_t position) const {
  return projections_->WaitFor(position, options_.max_min_position_wait);
}

Status App::SetPassword(const std::string& person, const std::string& password) {
  return identity_->SetPassword(person, password);
}

Result<std::unique_ptr<App>> App::Create(es::EventStore& store, std::shared_ptr<const es::KeyRing> keys,
                                         AppOptions options) {
  std::unique_ptr<App> app(new App(store, std::move(options)));
  app->commands_ = std::make_unique<CommandService>(store);
  auto projections = Projections::Open(store, app->options_.data_dir / "views", keys);
  if (!projections.ok()) return projections.error();
  app->projections_ = std::move(projections).value();
  auto identity = Identity::Open(app->options_.data_dir / "credentials", keys,
                                 IdentityOptions{app->options_.password_cost, app->options_.token_lifetime,
                                                 app->options_.login_failures_per_minute,
                                                 app->options_.hashing_slots});
  if (!identity.ok()) return identity.error();
  app->identity_ = std::move(identity).value();
  app->metrics_ = std::make_unique<Metrics>();
  app->latest_ = std::make_unique<FoldCache>(store);
  app->feeds_ = std::make_unique<FeedHub>(store);
  app->RegisterSystemRoutes();
  RegisterCommandRoutes(*app);
  RegisterPlatformRoutes(*app);
  RegisterQueryRoutes(*app);
  RegisterAuditRoutes(*app);
  RegisterExplanationRoutes(*app);
  return app;
}

// A path parameter that is not an id: answered before anything else.
static std::optional<http::Response> BadPathId(const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    if (auto problem = IdProblem(value); !problem.empty()) {
      return ProblemResponse(422, "invalid-id", "Invalid id",
                             "the " + name + " in the path " + problem + " (ids: " + std::string(kIdPattern) + ")");
    }
  }
  return std::nullopt;
}

const Route* App::Match(const std::string& method, const std::string& path,
                        std::map<std::string, std::string>& params, bool* path_known) const {
  *path_known = false;
  if (path.empty() || path[0] != '/') return nullptr;
  std::call_once(patterns_once_, [&] {
    for (const Route& r : routes_) patterns_.push_back(Split(r.pattern));
  });
  const auto parts = Split(path);
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const Route& route = routes_[index];
    const auto& pattern = patterns_[index];
    if (pattern.size() != parts.size()) continue;
    std::map<std::string, std::string> found;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      if (pattern[i].size() > 2 && pattern[i].front() == '{') {
        if (parts[i].empty()) ok = false;
        found[pattern[i].substr(1, pattern[i].size() - 2)] = parts[i];
      } else {
        ok = pattern[i] == parts[i];
      }
    }
    if (!ok) continue;
    *path_known = true;
    if (route.method != method) continue;
    params = std::move(found);
    return &route;
  }
  return nullptr;
}

// Resolves the caller and their role in the body named by the path.
std::optional<http::Response> App::Authenticate(Call& call, const Route& route) {
  call.ctx.now = es::SystemClock().Now();
  if (route.authenticated) {
    auto token = BearerToken(call.request);
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
      auto r = ProblemResponse(401, "unauthenticated", "Authentication required", person.error().message);
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ecabinet\", error=\"invalid_token\"");
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
        return ProblemResponse(401, "login-failed", "Login failed",
                               call.request.client_cert_der.empty()
                                   ? "no TLS client certificate was presented"
                                   : "the certificate is not enrolled for a current person of this body");
      }
      auto platform = commands_->Platform();
      if (!platform.ok()) return FromError(platform.error());
      if (platform->state.IsAdmin(call.ctx.actor)) {
        return ProblemResponse(404, "not-found", "Not found", "no body '" + it->second + "'");
      }
      return ProblemResponse(403, "forbidden", "Forbidden",
                             "'" + call.ctx.actor + "' has no role in body '" + it->second + "'");
    }
    call.body_state = std::shared_ptr<const directory::Body>(*body, &(*body)->state);
    if (call.principal) call.role = call.body_state->RoleAt(call.principal->person, call.ctx.now);
    if (const std::string* behalf = call.request.Header("x-on-behalf-of"); behalf && !behalf->empty()) {
      // A substitute acts for the member who named them; the meeting checks it.
      call.role = Role::kSubstitute;
      call.ctx.on_behalf_of = *behalf;
    }
    // No role: the domain refuses commands with the reason; queries check it.
    call.ctx.role = call.role.value_or(Role::kMember);
  }
  return std::nullopt;
}

bool App::MayBlock(const http::Request& request) const {
  // Writes (group commits, password hashing), waits for the read models, and
  // whole-log work go to the worker pool; other reads are answered in place.
  return request.method != "GET" || request.query.contains("as_of") ||
         request.path.ends_with("/export") || request.path.ends_with("/explanation") ||
         request.path.find("/log") != std::string::npos;
}

http::Response App::Handle(const http::Request& request) {
  http::Response response = Dispatch(request);
  if (response.route.empty()) {
    std::map<std::string, std::string> params;
    bool known = false;
    const Route* route = Match(request.method, request.path, params, &known);
    response.route = route ? route->pattern : (known ? "(method not allowed)" : "(unmatched)");
  }
  return response;
}

http::Response App::Dispatch(const http::Request& request) {
  Call call{request, {}, json::object(), std::nullopt, nullptr, std::nullopt, CommandContext{}};
  bool path_known = false;
  const Route* route = Match(request.method, request.path, call.params, &path_known);
  if (!route) {
    if (path_known) return ProblemResponse(405, "method-not-allowed", "Method not allowed",
                                           request.method + " is not allowed on " + request.path);
    return ProblemResponse(404, "not-found", "Not found", "no route for " + request.path);
  }
  if (auto bad = BadPathId(call.params)) return *bad;
  if (route->websocket) {
    return ProblemResponse(426, "upgrade-required", "WebSocket upgrade required",
                           request.path + " is a WebSocket feed");
  }
  try {
    if (auto refused = Authenticate(call, *route)) return *refused;
    for (const auto& [name, value] : request.query) {
      if (std::find(route->query.begin(), route->query.end(), name) == route->query.end() &&
          name != "min_position") {
        return ProblemResponse(422, "unknown-parameter", "Unknown query parameter",
                               "query parameter '" + name + "' is not taken by this route", {{"parameter", name}});
      }
    }
    if (auto it = request.query.find("min_position"); it != request.query.end()) {
      const auto min = ParseCount(it->second);
      if (!min) {
        return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                               "min_position must be a non-negative integer", {{"parameter", "min_position"}});
      }
      if (*min > store_.head_position()) {
        return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                               "min_position " + it->second + " is beyond the log's head (" +
                                   std::to_string(store_.head_position()) + "): no such position was written",
                               {{"parameter", "min_position"}});
      }
      if (!Reached(*min)) {
        if (!request.waited) {  // the server waits on a timer, then calls again
          http::Response wait;
          wait.wait_for_position = *min;
          wait.wait_limit = options_.max_min_position_wait;
          return wait;
        }
        auto r = ProblemResponse(503, "views-behind", "Read models behind",
                                 "the read models did not reach position " + it->second + " in time");
        r.headers.emplace_back("Retry-After", "1");
        return r;
      }
    }
    if (request.method != "GET" && request.method != "DELETE") {
      const std::string* type = request.Header("content-type");
      if (!request.body.empty() && (!type || !IsJsonMediaType(*type))) {
        return ProblemResponse(415, "unsupported-media-type", "Unsupported media type",
                               "send the body as application/json (optionally '; charset=utf-8')");
      }
      auto parsed = ParseStrict(request.body, route->schema);
      if (auto* bad = std::get_if<BadInput>(&parsed)) {
        json extra = json::object();
        if (!bad->field.empty()) extra["field"] = bad->field;
        return ProblemResponse(bad->status, bad->type, bad->title, bad->detail, extra);
      }
      call.body = std::move(std::get<json>(parsed));
    }
    if (route->command) {
      if (call.body_state && !call.role) {
        return ProblemResponse(403, "forbidden", "Forbidden",
                               "'" + call.ctx.actor + "' has no role in body '" + call.body_state->id + "'");
      }
      const std::string* key = request.Header("idempotency-key");
      const bool signs = std::any_of(route->schema.begin(), route->schema.end(),
                                     [](const Field& f) { return f.type == FieldType::kSignature; });
      if (signs && !key) {
        return ProblemResponse(422, "idempotency-key-required", "Idempotency-Key required",
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
        call.ctx.request_digest =
            es::Sha256(request.method + "\n" + request.path + "\n" + call.ctx.on_behalf_of + "\n" + call.body.dump());
      } else {
        call.ctx.command_id = "api:" + call.ctx.actor + ":" + es::ToHex(RandomBytes(16));
      }
    }
    http::Response response = route->handle(call);
    response.route = route->pattern;
    return response;
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::err, {{"msg", "unhandled exception"},
                                  {"request_id", request.request_id},
                                  {"what", std::string(e.what()).substr(0, 200)}});
    return ProblemResponse(500, "internal", "Internal error", "the server could not complete the request");
  }
}

std::variant<http::Response, std::unique_ptr<http::FeedSource>> App::OpenFeed(const http::Request& request) {
  Call call{request, {}, json::object(), std::nullopt, nullptr, std::nullopt, CommandContext{}};
  bool path_known = false;
  const Route* route = Match(request.method, request.path, call.params, &path_known);
  if (!route || !route->websocket) {
    return ProblemResponse(404, "not-found", "Not found", "no WebSocket feed at " + request.path);
  }
  if (auto bad = BadPathId(call.params)) return std::move(*bad);
  try {
    if (auto refused = Authenticate(call, *route)) return std::move(*refused);
    http::Response refusal;
    auto feed = route->open_feed(call, refusal);
    if (!feed) return refusal;
    return feed;
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::err, {{"msg", "feed failed"}, {"request_id", request.request_id}, {"what", e.what()}});
    return ProblemResponse(500, "internal", "Internal error", "the feed could not be opened");
  }
}

void App::Observe(const http::Request& request, const http::Response& response, std::chrono::microseconds latency) {
  std::string name = response.route;
  if (name.empty()) {  // refused by the server itself (limits, upgrades)
    std::map<std::string, std::string> params;
    bool known = false;
    const Route* route = Match(request.method, request.path, params, &known);
    name = route ? route->pattern : (known ? "(method not allowed)" : "(unmatched)");
  }
  const double seconds = static_cast<double>(latency.count()) / 1e6;
  // Label values from closed sets only: a made-up method is "other".
  static const std::set<std::string, std::less<>> kMethods = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  const std::string method = kMethods.contains(request.method) ? request.method : "other";
  metrics_->Request(method, name, response.status, seconds);
  // One JSON line per request; no tokens, bodies or query values.
  LogEvent(spdlog::level::info, {{"msg", "request"},
                                 {"request_id", request.request_id},
                                 {"client_request_id", request.client_request_id},
                                 {"method", method},
                                 {"route", name},
                                 {"status", response.status},
                                 {"latency_ms", static_cast<double>(latency.count()) / 1000.0},
                                 {"peer", request.peer},
                                 {"bytes", response.body}});
}

void App::RegisterSystemRoutes() {
  Add({"GET", "/healthz", "system", "Liveness: the process answers.", {}, {}, false, false, false,
       [](Call&) { return Json(200, {{"status", "ok"}}); }, {}});
  Add({"GET", "/readyz", "system", "Readiness: the read models follow the log without error.", {}, {}, false,
       false, false,
       [this](Call&) {
         const std::uint64_t head = store_.head_position(), projected = projections_->position();
         if (auto e = projections_->error()) {
           return ProblemResponse(503, "not-ready", "Not ready", "read models stopped: " + ToString(*e));
         }
         if (head > projected + 10'000) {
           return ProblemResponse(503, "not-ready", "Not ready",
                                  "read models are " + std::to_string(head - projected) + " events behind");
         }
         return Json(200, {{"status", "ready"}, {"head_position", head}, {"projected_position", projected}});
       },
       {}});
  Add({"GET", "/metrics", "system", "Prometheus metrics (text format 0.0.4).", {}, {}, false, false, false,
       [this](Call&) {
         http::Response r;
         r.content_type = "text/plain; version=0.0.4";
         r.body = metrics_->Render(store_.head_position(), projections_->position(),
                                   server_counters_ ? server_counters_->open_websockets.load() : 0,
                                   server_counters_ ? server_counters_->connections.load() : 0);
         return r;
       },
       {}});
  Add({"GET", "/openapi.json", "system", "This API's OpenAPI 3.1 document.", {}, {}, false, false, false,
       [this](Call&) { return Json(200, OpenApi()); }, {}});
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
