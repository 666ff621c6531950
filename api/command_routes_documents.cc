// The documents' commands: register, add a version, grant access.
#include "api/command_routes.h"
#include "api/enums.h"
#include "domain/authz/authorization.h"

namespace ecab::api {
namespace {

// Runs `cmd` on the document of the path.
Result<CommandOutcome> OnDocument(Call& c, CommandService& s,
                                  const documents::DocumentCommand& cmd) {
  return s.Execute(c.params["body"], c.params["document"], cmd, c.ctx);
}

}  // namespace

void RegisterDocumentCommands(App& app) {
  using documents::RegisterDocument, documents::AddDocumentVersion, documents::GrantDocumentAccess;
  const std::string d = kBodyPath + "/documents";
  Command<RegisterDocument>(
      app, "POST", d, "documents", "Register a document (secretariat).",
      {IdField("document", &RegisterDocument::document),
       TextField("title", &RegisterDocument::title),
       EnumField("classification", &RegisterDocument::classification, Classifications(), kOptional),
       EnumField("urgency", &RegisterDocument::urgency, Urgencies(), kOptional)},
      [](Call& c, CommandService& s, RegisterDocument& cmd) {
        return s.Execute(c.params["body"], cmd.document, cmd, c.ctx);
      });
  Command<AddDocumentVersion>(
      app, "POST", d + "/{document}/versions", "documents",
      "Add a version of a document: its SHA-256, size, type, name and extracted text.",
      {NameField("sha256", &AddDocumentVersion::sha256),
       CountField("size", &AddDocumentVersion::size),
       NameField("media_type", &AddDocumentVersion::media_type),
       NameField("filename", &AddDocumentVersion::filename),
       TextField("text", &AddDocumentVersion::text, kOptional)},
      &OnDocument);
  Command<GrantDocumentAccess>(app, "POST", d + "/{document}/grants", "documents",
                               "Grant a person access to a classified document.",
                               {IdField("person", &GrantDocumentAccess::person)}, &OnDocument);
}

}  // namespace ecab::api
