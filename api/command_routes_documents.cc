// The documents' commands: register, grant, revise, withdraw.
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/policy_json.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

using nlohmann::json;

void RegisterDocumentCommands(App& app) {
  const std::string b = kBodyPath;
  const std::string d = b + "/documents";
  Command(app, "POST", d, "documents", "Register a document (secretariat).",
          {{"document", FieldType::kId}, {"title", FieldType::kText},
           {"classification", FieldType::kEnum, false, Classifications().names()},
           {"urgency", FieldType::kEnum, false, Urgencies().names()}},
          [](Call& c, CommandService& s) {
            documents::RegisterDocument cmd{Str(c.body, "document"), Str(c.body, "title"), Classification::kNormal,
                                            Urgency::kNormal};
            if (c.body.contains("classification")) cmd.classification = Classifications().Parse(c.body["classification"]);
            if (c.body.contains("urgency")) cmd.urgency = Urgencies().Parse(c.body["urgency"]);
            return s.Execute(c.params["body"], cmd.document, cmd, c.ctx);
          });
  Command(app, "POST", d + "/{document}/versions", "documents",
          "Add a version of a document: its SHA-256, size, type, name and extracted text.",
          {{"sha256", FieldType::kName}, {"size", FieldType::kInteger}, {"media_type", FieldType::kName},
           {"filename", FieldType::kName}, {"text", FieldType::kText, false}},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["document"],
                             documents::AddDocumentVersion{Str(c.body, "sha256"), c.body["size"].get<std::uint64_t>(),
                                                           Str(c.body, "media_type"), Str(c.body, "filename"),
                                                           Str(c.body, "text")},
                             c.ctx);
          });
  Command(app, "POST", d + "/{document}/grants", "documents", "Grant a person access to a classified document.",
          {{"person", FieldType::kId}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], c.params["document"],
                             documents::GrantDocumentAccess{Str(c.body, "person")}, c.ctx);
          });
}

}  // namespace ecab::api
