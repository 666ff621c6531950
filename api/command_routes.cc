// The command routes of the five processes: each turns a checked JSON body
// into a domain command, decides it against the stream's current state and
// appends the events under the request's Idempotency-Key.
#include "api/command_routes.h"

#include "api/log.h"
#include "api/platform.h"

namespace ecab::api {

using nlohmann::json;

Result<SignedAct> SignatureOf(const json& v) {
  auto text = [&](const char* key) -> Result<std::string> {
    if (!v.is_object() || !v.contains(key) || !v[key].is_string()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string("signature.") + key + " must be a string");
    }
    return v[key].get<std::string>();
  };
  ECAB_TRY_LET(algorithm, text("algorithm"));
  ECAB_TRY_LET(value, text("value"));
  ECAB_TRY_LET(certificate, text("certificate"));
  ECAB_TRY_LET(signed_at, text("signed_at"));
  auto bytes = Base64Decode(*value);
  if (!bytes) return MakeError(ErrorCode::kInvalidArgument, "signature.value is not valid base64");
  ECAB_TRY_LET(time, ParseRfc3339(*signed_at));
  return SignedAct{*algorithm, std::move(*bytes), *certificate, *time};
}

void AddCommandRoute(App& app, std::string method, std::string pattern, std::string tag,
                     std::string summary, Schema schema,
                     std::function<Result<CommandOutcome>(Call&, CommandService&)> run) {
  app.Add(Route{.method = std::move(method),
                .pattern = std::move(pattern),
                .tag = std::move(tag),
                .summary = std::move(summary),
                .schema = std::move(schema),
                .command = true,
                .handle = [&app, run = std::move(run)](Call& c) {
                  return OutcomeResponse(c, run(c, app.commands()));
                }});
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
    for (std::uint64_t p = r->append.first_position; p <= r->append.last_position; ++p)
      positions.push_back(p);
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
