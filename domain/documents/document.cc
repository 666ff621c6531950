#include "domain/documents/document.h"

#include "domain/authz/authorization.h"

namespace ecab::documents {
namespace {

using Events = std::vector<DocumentEvent>;

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
  if (const auto* t = std::get_if<RecordDocumentText>(&command)) {
    // Not a person's act: only the node's extractor, for a stored version.
    if (ctx.actor != kExtractorActor) {
      return Refuse(ErrorCode::kForbidden, "only the node's extractor records extracted text");
    }
    if (!d.exists || t->version == 0 || t->version > d.versions.size() ||
        !d.versions[t->version - 1].stored) {
      return Refuse(ErrorCode::kNotFound, "no stored version " + std::to_string(t->version));
    }
    if (d.extracted.contains(t->version)) {
      return Refuse(ErrorCode::kAlreadyExists,
                    "the text of version " + std::to_string(t->version) + " is recorded");
    }
    return Events{DocumentTextExtracted{t->version, t->text, t->note}};
  }
  ECAB_TRY(Authorize(body, ctx, ActionOf(command)));
  if (const auto* c = std::get_if<RegisterDocument>(&command)) {
    if (d.exists)
      return Refuse(ErrorCode::kAlreadyExists, "document '" + d.header.document + "' exists");
    if (c->document.empty() || c->title.empty()) {
      return Refuse(ErrorCode::kInvalidArgument, "a document needs an id and a title");
    }
    if (!IsValid(c->classification))
      return Refuse(ErrorCode::kInvalidArgument, "unknown classification");
    if (!IsValid(c->urgency)) return Refuse(ErrorCode::kInvalidArgument, "unknown urgency");
    if (c->classification > body.policy.max_classification) {
      return Refuse(ErrorCode::kClassificationRefused,
                    "document '" + c->document + "' is classified " +
                        ClassificationName(c->classification) + "; body '" + body.id +
                        "' accepts documents up to " +
                        ClassificationName(body.policy.max_classification) +
                        ", so it cannot enter the system");
    }
    Events out{DocumentRegistered{c->document, c->title, c->classification, c->urgency}};
    if (c->classification != Classification::kNormal)
      out.push_back(DocumentAccessGranted{ctx.actor});
    return out;
  }
  if (!d.exists) return Refuse(ErrorCode::kNotFound, "the document does not exist");
  if (const auto* g = std::get_if<GrantDocumentAccess>(&command)) {
    if (d.header.classification == Classification::kNormal) {
      return Refuse(ErrorCode::kRuleViolation,
                    "document '" + d.header.document + "' is open to the whole body");
    }
    if (!body.RoleAt(g->person, ctx.now))
      return Refuse(ErrorCode::kNotFound, "'" + g->person + "' is not in the body");
    if (d.readers.contains(g->person))
      return Refuse(ErrorCode::kAlreadyExists, "'" + g->person + "' already has access");
    return Events{DocumentAccessGranted{g->person}};
  }
  const auto& c = std::get<AddDocumentVersion>(command);
  if (d.header.classification > body.policy.max_classification) {
    return Refuse(
        ErrorCode::kClassificationRefused,
        "document '" + d.header.document + "' is now above the body's classification limit");
  }
  if (!IsHexSha256(c.sha256))
    return Refuse(ErrorCode::kInvalidArgument, "sha256 must be 64 lower-case hex digits");
  if (c.size == 0) return Refuse(ErrorCode::kInvalidArgument, "the document is empty");
  const auto next = static_cast<std::uint32_t>(d.versions.size() + 1);
  if (c.as_version != 0 && c.as_version != next) {
    return Refuse(ErrorCode::kRuleViolation, "document '" + d.header.document + "' has " +
                                                 std::to_string(d.versions.size()) +
                                                 " versions: the next is " + std::to_string(next) +
                                                 ", not " + std::to_string(c.as_version));
  }
  if (!d.versions.empty() && d.versions.back().sha256 == c.sha256) {
    return Refuse(ErrorCode::kInvalidArgument, "this version is identical to the last one");
  }
  return Events{DocumentVersionAdded{next, c.sha256, c.size, c.media_type, c.filename, ctx.actor,
                                     c.text, c.stored}};
}

bool MayRead(const Document& d, std::string_view person) {
  return d.header.classification == Classification::kNormal ||
         d.readers.contains(std::string(person));
}

Document Evolve(Document d, const DocumentEvent& event) {
  if (const auto* e = std::get_if<DocumentRegistered>(&event)) {
    d.exists = true;
    d.header = *e;
  } else if (const auto* v = std::get_if<DocumentVersionAdded>(&event)) {
    d.versions.push_back(*v);
  } else if (const auto* t = std::get_if<DocumentTextExtracted>(&event)) {
    d.extracted[t->version] = *t;
  } else {
    d.readers.insert(std::get<DocumentAccessGranted>(event).person);
  }
  return d;
}

const EventDecoder<DocumentEvent>& DocumentDecoder() {
  static const EventDecoder<DocumentEvent> decoder = [] {
    EventDecoder<DocumentEvent> d;
    d.Add<DocumentRegistered>()
        .Add<DocumentVersionAdded>()
        .Add<DocumentAccessGranted>()
        .Add<DocumentTextExtracted>();
    d.AddUpcaster<DocumentVersionAddedV1>([](DocumentVersionAddedV1 v1) {
      return DocumentVersionAdded{v1.version,
                                  std::move(v1.sha256),
                                  v1.size,
                                  std::move(v1.media_type),
                                  std::move(v1.filename),
                                  std::move(v1.author),
                                  "",
                                  false};
    });
    d.AddUpcaster<DocumentVersionAddedV2>([](DocumentVersionAddedV2 v2) {
      return DocumentVersionAdded{v2.version,
                                  std::move(v2.sha256),
                                  v2.size,
                                  std::move(v2.media_type),
                                  std::move(v2.filename),
                                  std::move(v2.author),
                                  std::move(v2.text),
                                  false};
    });
    return d;
  }();
  return decoder;
}

}  // namespace ecab::documents
