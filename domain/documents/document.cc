#include "domain/documents/document.h"

#include "domain/authz/authorization.h"

namespace ecab::documents {
namespace {

using Events = std::vector<DocumentEvent>;

Error Refuse(ErrorCode code, std::string message) { return MakeError(code, std::move(message)); }

bool IsHexSha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<Events> Decide(const Document& d, const DocumentCommand& command, const CommandContext& ctx,
                      const directory::Body& body) {
  const Action action = std::holds_alternative<RegisterDocument>(command) ? Action::kRegisterDocument
                                                                          : Action::kAddDocumentVersion;
  if (auto s = Authorize(body, ctx, action); !s.ok()) return s.error();
  if (const auto* c = std::get_if<RegisterDocument>(&command)) {
    if (d.exists) return Refuse(ErrorCode::kAlreadyExists, "document '" + d.header.document + "' exists");
    if (c->document.empty() || c->title.empty()) {
      return Refuse(ErrorCode::kInvalidArgument, "a document needs an id and a title");
    }
    const int cls = static_cast<int>(c->classification);
    const int urg = static_cast<int>(c->urgency);
    if (cls < 1 || cls > 4) return Refuse(ErrorCode::kInvalidArgument, "unknown classification");
    if (urg < 1 || urg > 4) return Refuse(ErrorCode::kInvalidArgument, "unknown urgency");
    if (c->classification > body.policy.max_classification) {
      return Refuse(ErrorCode::kClassificationRefused,
                    "document '" + c->document + "' is classified " + ClassificationName(c->classification) +
                        "; body '" + body.id + "' accepts documents up to " +
                        ClassificationName(body.policy.max_classification) + ", so it cannot enter the system");
    }
    return Events{DocumentRegistered{c->document, c->title, c->classification, c->urgency}};
  }
  const auto& c = std::get<AddDocumentVersion>(command);
  if (!d.exists) return Refuse(ErrorCode::kNotFound, "the document does not exist");
  if (d.header.classification > body.policy.max_classification) {
    return Refuse(ErrorCode::kClassificationRefused,
                  "document '" + d.header.document + "' is now above the body's classification limit");
  }
  if (!IsHexSha256(c.sha256)) return Refuse(ErrorCode::kInvalidArgument, "sha256 must be 64 lower-case hex digits");
  if (c.size == 0) return Refuse(ErrorCode::kInvalidArgument, "the document is empty");
  if (!d.versions.empty() && d.versions.back().sha256 == c.sha256) {
    return Refuse(ErrorCode::kInvalidArgument, "this version is identical to the last one");
  }
  return Events{DocumentVersionAdded{static_cast<std::uint32_t>(d.versions.size() + 1), c.sha256, c.size,
                                     c.media_type, c.filename, ctx.actor}};
}

Document Evolve(Document d, const DocumentEvent& event) {
  if (const auto* e = std::get_if<DocumentRegistered>(&event)) {
    d.exists = true;
    d.header = *e;
  } else {
    d.versions.push_back(std::get<DocumentVersionAdded>(event));
  }
  return d;
}

const EventDecoder<DocumentEvent>& DocumentDecoder() {
  static const EventDecoder<DocumentEvent> decoder = [] {
    EventDecoder<DocumentEvent> d;
    d.Add<DocumentRegistered>().Add<DocumentVersionAdded>();
    return d;
  }();
  return decoder;
}

}  // namespace ecab::documents
