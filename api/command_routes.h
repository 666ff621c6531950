// api/command_routes.h — what the command route files share: registering a
// command route whose body fills a typed command (api/typed_request.h), and
// the answer to a command (201 with its positions, or the refusal).
// One file per process registers its routes: command_routes_{directory,
// documents,forms,meetings,resolutions}.cc.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/app.h"
#include "api/command/command_service.h"
#include "api/typed_request.h"
#include "domain/signing/signed_act.h"

namespace ecab::api {

// Registers one command route: authenticated, Idempotency-Key honoured, the
// outcome answered by OutcomeResponse. `run` gets the body checked against
// `schema` in Call::body.
void AddCommandRoute(App& app, std::string method, std::string pattern, std::string tag,
                     std::string summary, Schema schema,
                     std::function<Result<CommandOutcome>(Call&, CommandService&)> run);

// Registers a command route whose body and path parameters fill a T
// (api/typed_request.h): `run` gets the T.
template <class T>
void Command(App& app, std::string method, std::string pattern, std::string tag,
             std::string summary, Fields<T> fields,
             std::function<Result<CommandOutcome>(Call&, CommandService&, T&)> run) {
  Schema schema = SchemaOf(fields);
  AddCommandRoute(app, std::move(method), std::move(pattern), std::move(tag), std::move(summary),
                  std::move(schema),
                  [fields = std::move(fields), run = std::move(run)](
                      Call& c, CommandService& s) -> Result<CommandOutcome> {
                    ECAB_TRY_LET(request, ReadRequest(c.body, c.params, fields));
                    return run(c, s, *request);
                  });
}

inline const std::string kBodyPath = "/v1/bodies/{body}";

void RegisterDirectoryCommands(App& app);
void RegisterDocumentCommands(App& app);
void RegisterFormCommands(App& app);
void RegisterMeetingCommands(App& app);
void RegisterResolutionCommands(App& app);
// The certificate lifecycle's commands and queries (api/certificate_routes.cc).
void RegisterCertificateRoutes(App& app);

}  // namespace ecab::api
