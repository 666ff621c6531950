// The command routes of the five processes: each turns a checked JSON body
// into a domain command, decides it against the stream's current state and
// appends the events under the request's Idempotency-Key.
#include "api/command_routes.h"
#include "api/log.h"
#include "api/platform.h"

namespace ecab::api {

using nlohmann::json;

std::string Str(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() || it->is_null() ? std::string() : it->get<std::string>();
}

std::vector<std::string> Ids(const json& body, const char* name) {
  auto it = body.find(name);
  return it == body.end() || it->is_null() ? std::vector<std::string>{} : it->get<std::vector<std::string>>();
}

Timestamp Time(const json& body, const char* name) { return *ParseRfc3339(body.at(name).get<std::string>()); }

SignedAct Signature(const json& s) {
  return SignedAct{s.at("algorithm").get<std::string>(), *Base64Decode(s.at("value").get<std::string>()),
                   s.at("certificate").get<std::string>(), *ParseRfc3339(s.at("signed_at").get<std::string>())};
}

void Command(App& app, std::string method, std::string pattern, std::string tag, std::string summary, Schema schema,
             std::function<Result<CommandOutcome>(Call&, CommandService&)> run) {
  app.Add(Route{std::move(method), std::move(pattern), std::move(tag), std::move(summary), std::move(schema), {},
                true, true, false,
                [&app, run = std::move(run)](Call& c) { return OutcomeResponse(c, run(c, app.commands())); }});
}

http::Response OutcomeResponse(const Call& c, const Result<CommandOutcome>& r) {
  if (!r.ok()) {
    if (r.error().code == ErrorCode::kBadSignature) {
      // The security log: every refused signature, with who and where.
      LogEvent(spdlog::level::warn, {{"msg", "signature refused"},
                                     {"security", "signature_refused"},
                                     {"request_id", c.request.request_id},
                                     {"actor", c.ctx.actor},
                                     {"on_behalf_of", c.ctx.on_behalf_of},
                                     {"path", c.request.path},
                                     {"peer", c.request.peer},
                                     {"reason", r.error().message}});
    }
    return FromError(r.error());
  }
  json positions = json::array();
  if (r->append.last_position > 0) {
    for (std::uint64_t p = r->append.first_position; p <= r->append.last_position; ++p) positions.push_back(p);
  }
  return Json(r->events > 0 ? 201 : 200, {{"command_id", c.ctx.command_id},
                                          {"stream", r->stream},
                                          {"stream_version", r->append.stream_version},
                                          {"positions", positions},
                                          {"first_position", r->append.first_position},
                                          {"last_position", r->append.last_position},
                                          {"replayed", r->replayed}});
}

void RegisterCommandRoutes(App& app) {
  RegisterDirectoryCommands(app);
  RegisterDocumentCommands(app);
  RegisterFormCommands(app);
  RegisterMeetingCommands(app);
  RegisterResolutionCommands(app);
  RegisterCertificateRoutes(app);
}

}  // namespace ecab::api
