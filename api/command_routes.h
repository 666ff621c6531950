// api/command_routes.h — what the command route files share: reading the
// checked JSON body into domain values, registering a command route, and
// the answer to a command (201 with its positions, or the refusal).
// One file per process registers its routes: command_routes_{directory,
// documents,forms,meetings,resolutions}.cc.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/app.h"
#include "api/command_service.h"
#include "domain/signing/signed_act.h"

namespace ecab::api {

// A text or id field of the body; empty when absent or null.
std::string Str(const nlohmann::json& body, const char* name);
// An array of ids; empty when absent or null.
std::vector<std::string> Ids(const nlohmann::json& body, const char* name);
// An RFC 3339 field the schema has checked.
Timestamp Time(const nlohmann::json& body, const char* name);
// A signature object the schema has checked (kSignature).
SignedAct Signature(const nlohmann::json& s);

// Registers one command route: authenticated, Idempotency-Key honoured, the
// outcome answered by OutcomeResponse.
void Command(App& app, std::string method, std::string pattern, std::string tag, std::string summary, Schema schema,
             std::function<Result<CommandOutcome>(Call&, CommandService&)> run);

inline const Field kSignatureField{"signature", FieldType::kSignature};
inline const std::string kBodyPath = "/v1/bodies/{body}";

void RegisterDirectoryCommands(App& app);
void RegisterDocumentCommands(App& app);
void RegisterFormCommands(App& app);
void RegisterMeetingCommands(App& app);
void RegisterResolutionCommands(App& app);
// The certificate lifecycle's commands and queries (api/certificate_routes.cc).
void RegisterCertificateRoutes(App& app);

}  // namespace ecab::api
