// PUT …/documents/{d}/versions/{n}/content: the sink an upload streams into —
// sniffed, checked against what was declared, sealed and synced into the
// document store, then document.version_added appended and the text queued.
#include <csignal>
#include <cstdlib>

#include "api/app.h"
#include "api/command/command_service.h"
#include "api/document_content.h"
#include "api/log.h"
#include "api/problems.h"
#include "api/schema.h"
#include "api/text_extractor.h"
#include "api/visibility.h"
#include "domain/authz/authorization.h"
#include "domain/base/streams.h"
#include "domain/documents/document.h"
#include "domain/documents/media_type.h"
#include "domain/meeting/meeting.h"
#include "eventstore/blob_store.h"
#include "eventstore/clock.h"
#include "projections/state_cache.h"

namespace ecab::api {
namespace {

using json = nlohmann::json;

http::Response Unsupported(const std::string& detail) {
  return ProblemResponse(415, "unsupported-media-type", "Unsupported media type",
                         detail + "; accepted: PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG");
}

// --- storing ------------------------------------------------------------------

struct UploadPlan {
  std::string body, document;
  std::uint32_t version = 0;
  std::optional<documents::DocumentVersionAdded> existing;  // PUT of a version already there
  std::string filename;
  std::optional<documents::FileKind> named_kind;  // what the filename's extension says
  std::optional<std::string> declared_sha256;
  std::optional<std::uint64_t> declared_size;
  CommandContext ctx;
};

class UploadSink final : public http::BodySink {
 public:
  UploadSink(App& app, UploadPlan plan, std::unique_ptr<es::BlobStore::Writer> writer)
      : app_(app), plan_(std::move(plan)), writer_(std::move(writer)) {}

  std::optional<http::Response> Take(std::string_view bytes) override {
    sniffer_.Feed(bytes);
    if (sniffer_.refused()) return Unsupported("the content is " + sniffer_.Describe());
    if (plan_.declared_size && writer_->size() + bytes.size() > *plan_.declared_size) {
      return SizeMismatch();
    }
    if (auto s = writer_->Append(bytes); !s.ok()) return FromError(s.error());
    return std::nullopt;
  }

  http::Response Finish() override {
    const auto kind = sniffer_.Finish();
    if (!kind) return Unsupported("the content is " + sniffer_.Describe());
    if (plan_.named_kind && *plan_.named_kind != *kind) {
      return Unsupported("the content is a " + std::string(documents::ExtensionOf(*kind)) +
                         " file, not the ." +
                         std::string(documents::ExtensionOf(*plan_.named_kind)) + " its name says");
    }
    if (plan_.declared_size && writer_->size() != *plan_.declared_size) return SizeMismatch();
    auto info = writer_->Finish();
    if (!info.ok()) return FromError(info.error());
    if (plan_.declared_sha256 && *plan_.declared_sha256 != info->sha256) {
      // The blob is in place but nothing refers to it: collected at the next start.
      return ProblemResponse(422, "content-mismatch", "Content does not match",
                             "the content's SHA-256 is " + info->sha256 + ", not the declared " +
                                 *plan_.declared_sha256,
                             {{"field", "sha256"}});
    }
    if (const char* point = std::getenv("ECAB_FAILPOINT");
        point != nullptr && std::string_view(point) == "after-blob-stored") {
      std::raise(SIGKILL);  // crash tests: the blob is synced, its event never written
    }
    if (plan_.existing) {
      if (plan_.existing->sha256 == info->sha256) return Answer(*plan_.existing, *info, 200, 0);
      return ProblemResponse(409, "version-exists", "Version exists",
                             "version " + std::to_string(plan_.version) + " of document '" +
                                 plan_.document + "' holds other content (" +
                                 plan_.existing->sha256 + ")");
    }
    documents::AddDocumentVersion add{
        info->sha256, info->size,   std::string(documents::MediaTypeOf(*kind)), plan_.filename, "",
        true,         plan_.version};
    CommandContext ctx = plan_.ctx;
    ctx.now = es::SystemClock().Now();
    if (ctx.command_id.empty()) {  // a retry of the same PUT is the same command
      ctx.command_id = "content:" + plan_.body + "/" + plan_.document + "/" +
                       std::to_string(plan_.version) + ":" + info->sha256;
    }
    auto done = app_.commands().Execute(plan_.body, plan_.document, add, ctx);
    if (!done.ok()) return FromError(done.error());
    app_.extractor().Enqueue(
        ExtractionJob{plan_.body, plan_.document, plan_.version, info->sha256, add.media_type});
    documents::DocumentVersionAdded added{plan_.version,  info->sha256, info->size, add.media_type,
                                          plan_.filename, ctx.actor,    "",         true};
    return Answer(added, *info, 201, done->append.last_position);
  }

 private:
  http::Response SizeMismatch() const {
    return ProblemResponse(
        422, "content-mismatch", "Content does not match",
        "the content is not the declared " + std::to_string(*plan_.declared_size) + " bytes",
        {{"field", "size"}});
  }
  http::Response Answer(const documents::DocumentVersionAdded& v, const es::BlobInfo& info,
                        int status, std::uint64_t position) const {
    auto r = Json(status, {{"document", plan_.document},
                           {"version", v.version},
                           {"sha256", v.sha256},
                           {"size", v.size},
                           {"media_type", v.media_type},
                           {"filename", v.filename},
                           {"deduplicated", info.deduplicated},
                           {"text", status == 201 ? "pending" : "see the document"},
                           {"position", position}});
    r.headers.emplace_back("Location", "/v1/bodies/" + plan_.body + "/documents/" + plan_.document +
                                           "/versions/" + std::to_string(v.version) + "/content");
    r.headers.emplace_back("ETag", "\"" + v.sha256 + "\"");
    return r;
  }

  App& app_;
  UploadPlan plan_;
  std::unique_ptr<es::BlobStore::Writer> writer_;
  documents::MediaSniffer sniffer_;
};

}  // namespace

std::variant<http::Response, std::unique_ptr<http::BodySink>> OpenDocumentUpload(App& app,
                                                                                 Call& c) {
  const std::string& id = c.params["document"];
  if (auto hidden = Hidden(app, c, ObjectKind::kDocument, id)) return *hidden;
  const auto version = DocumentVersionNumber(c.params["version"]);
  if (!version) {
    return ProblemResponse(422, "invalid-parameter", "Invalid path parameter",
                           "version must be a positive integer", {{"parameter", "version"}});
  }
  if (auto s = Authorize(*c.body_state, c.ctx, documents::AddDocumentVersion::kAction); !s.ok())
    return FromError(s.error());
  auto d = app.latest().Latest<documents::Document>(StreamOf(ObjectKind::kDocument, id));
  if (!d.ok()) return FromError(d.error());
  const documents::Document& doc = d->state;
  // The classification rule holds for bytes: not one is stored for a document
  // above the body's limit (the limit may have been lowered since it entered).
  if (doc.header.classification > c.body_state->policy.max_classification) {
    return FromError(MakeError(ErrorCode::kClassificationRefused,
                               "document '" + id + "' is above the body's classification limit"));
  }
  UploadPlan plan{c.params["body"],          id,           *version, std::nullopt, "", std::nullopt,
                  DeclaredSha256(c.request), std::nullopt, c.ctx};
  if (*version <= doc.versions.size()) {
    plan.existing = doc.versions[*version - 1];
  } else if (*version != doc.versions.size() + 1) {
    return ProblemResponse(409, "version-gap", "Not the next version",
                           "document '" + id + "' has " + std::to_string(doc.versions.size()) +
                               " versions: the next is " + std::to_string(doc.versions.size() + 1));
  }
  if (plan.declared_sha256 && !es::IsSha256Hex(*plan.declared_sha256)) {
    return ProblemResponse(422, "invalid-parameter", "Invalid declared digest",
                           "sha256 must be 64 lower-case hex digits (or Repr-Digest: sha-256=:…:)",
                           {{"parameter", "sha256"}});
  }
  if (auto it = c.request.query.find("size"); it != c.request.query.end()) {
    plan.declared_size = ParseCount(it->second);
    if (!plan.declared_size) {
      return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                             "size must be a non-negative integer", {{"parameter", "size"}});
    }
  }
  if (auto it = c.request.query.find("filename"); it != c.request.query.end()) {
    plan.filename = it->second;
  } else if (const std::string* h = c.request.Header("content-disposition")) {
    plan.filename = FilenameFromDisposition(*h).value_or("");
  }
  if (plan.filename.empty()) {
    return ProblemResponse(422, "invalid-parameter", "File name missing",
                           "name the file: ?filename=… or Content-Disposition: attachment; "
                           "filename*=UTF-8''…",
                           {{"parameter", "filename"}});
  }
  if (auto bad = FilenameProblem(plan.filename)) {
    return ProblemResponse(422, "invalid-parameter", "Invalid file name", "the filename " + *bad,
                           {{"parameter", "filename"}});
  }
  plan.named_kind = documents::KindOfFilename(plan.filename);
  auto writer = app.blobs().Begin();
  if (!writer.ok()) return FromError(writer.error());
  return std::unique_ptr<http::BodySink>(
      std::make_unique<UploadSink>(app, std::move(plan), std::move(*writer)));
}

}  // namespace ecab::api
