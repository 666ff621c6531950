// A document version's file: PUT streams it in (sniffed, hashed, sealed and
// synced before document.version_added is appended), GET streams it out
// (ETag, Range, Content-Disposition, access as the document's metadata).
#include "api/document_content.h"

#include <csignal>
#include <cstdlib>

#include "api/app.h"
#include "api/command/command_service.h"
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

const std::string kContentPath =
    "/v1/bodies/{body}/documents/{document}/versions/{version}/content";

std::optional<std::uint32_t> VersionNumber(const std::string& text) {
  const auto n = ParseCount(text);
  if (!n || *n == 0 || *n > 1'000'000) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

http::Response Unsupported(const std::string& detail) {
  return ProblemResponse(415, "unsupported-media-type", "Unsupported media type",
                         detail + "; accepted: PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG");
}

}  // namespace

// --- names -----------------------------------------------------------------

std::optional<std::string> FilenameProblem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > 255) return "is longer than 255 bytes";
  if (name == "." || name == "..") return "is not a file name";
  for (std::size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) return "holds a control character";
    if (c == '/' || c == '\\') return "holds a path separator";
    std::size_t len = c < 0x80           ? 1
                      : (c >> 5) == 0x6  ? 2
                      : (c >> 4) == 0xE  ? 3
                      : (c >> 3) == 0x1E ? 4
                                         : 0;
    if (len == 0 || i + len > name.size()) return "is not valid UTF-8";
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(name[i + k]) & 0xC0) != 0x80) return "is not valid UTF-8";
    }
    i += len;
  }
  return std::nullopt;
}

std::string ContentDisposition(std::string_view filename, bool inline_disposition) {
  // RFC 6266 §4.3: an ASCII fallback for old clients, then filename* (RFC 8187).
  std::string fallback, encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : filename) {
    const bool attr_char =
        std::isalnum(c) ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (attr_char) {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xF];
    }
    if (c >= 0x80) {
      if ((c & 0xC0) != 0x80) fallback.push_back('_');  // one per character
    } else {
      fallback.push_back(c == '"' || c == '\\' || c < 0x20 ? '_' : static_cast<char>(c));
    }
  }
  return std::string(inline_disposition ? "inline" : "attachment") + "; filename=\"" + fallback +
         "\"; filename*=UTF-8''" + encoded;
}

std::optional<std::string> FilenameFromDisposition(std::string_view header) {
  // filename*=UTF-8''<pct-encoded>, else filename="<quoted>" (RFC 6266).
  const auto star = header.find("filename*=");
  if (star != std::string_view::npos) {
    std::string_view v = header.substr(star + 10);
    v = v.substr(0, v.find(';'));
    const auto quote = v.find("''");
    if (quote == std::string_view::npos) return std::nullopt;
    std::string charset(v.substr(0, quote));
    for (char& c : charset) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (charset != "utf-8") return std::nullopt;
    std::string path;
    std::map<std::string, std::string> ignored;
    if (!http::ParseTarget("/" + std::string(v.substr(quote + 2)), path, ignored))
      return std::nullopt;
    return path.substr(1);
  }
  const auto plain = header.find("filename=\"");
  if (plain == std::string_view::npos) return std::nullopt;
  std::string_view v = header.substr(plain + 10);
  const auto end = v.find('"');
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(v.substr(0, end));
}

std::optional<ByteRange> ParseRange(std::string_view header, std::uint64_t size,
                                    bool* satisfiable) {
  *satisfiable = true;
  if (!header.starts_with("bytes=")) return std::nullopt;
  std::string_view spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::nullopt;  // several: the whole file
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = ParseCount(spec.substr(0, dash));
  const auto last = ParseCount(spec.substr(dash + 1));
  if (dash == 0) {  // the last N bytes
    if (!last) return std::nullopt;
    if (*last == 0 || size == 0) {
      *satisfiable = false;
      return std::nullopt;
    }
    const std::uint64_t n = std::min(*last, size);
    return ByteRange{size - n, n};
  }
  if (!first || (dash + 1 < spec.size() && !last)) return std::nullopt;
  if (last && *last < *first) return std::nullopt;  // invalid: ignored (RFC 9110 §14.1.1)
  if (*first >= size) {
    *satisfiable = false;
    return std::nullopt;
  }
  const std::uint64_t end = last ? std::min(*last, size - 1) : size - 1;
  return ByteRange{*first, end - *first + 1};
}

std::optional<std::string> DeclaredSha256(const http::Request& r) {
  if (auto it = r.query.find("sha256"); it != r.query.end()) return it->second;
  for (const char* name : {"repr-digest", "content-digest"}) {
    const std::string* h = r.Header(name);
    if (!h) continue;
    const auto at = h->find("sha-256=:");
    if (at == std::string::npos) continue;
    const auto end = h->find(':', at + 9);
    if (end == std::string::npos) return std::string("(malformed)");
    const auto bytes = Base64Decode(h->substr(at + 9, end - at - 9));
    if (!bytes || bytes->size() != 32) return std::string("(malformed)");
    return es::ToHex(*bytes);
  }
  return std::nullopt;
}

namespace {

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

std::variant<http::Response, std::unique_ptr<http::BodySink>> OpenUpload(App& app, Call& c) {
  const std::string& id = c.params["document"];
  if (auto hidden = Hidden(app, c, ObjectKind::kDocument, id)) return *hidden;
  const auto version = VersionNumber(c.params["version"]);
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

// --- reading ------------------------------------------------------------------

class BlobSource final : public http::BodySource {
 public:
  BlobSource(std::unique_ptr<es::BlobStore::Reader> reader, ByteRange range)
      : reader_(std::move(reader)), range_(range) {}
  std::uint64_t size() const override { return range_.length; }
  std::string Next(std::size_t max) override {
    const std::uint64_t left = range_.length - sent_;
    auto bytes = reader_->Read(range_.first + sent_,
                               static_cast<std::size_t>(std::min<std::uint64_t>(left, max)));
    if (!bytes.ok()) {
      LogEvent(spdlog::level::err,
               {{"msg", "stored content unreadable"}, {"error", ToString(bytes.error())}});
      return "";
    }
    sent_ += bytes->size();
    return std::move(*bytes);
  }

 private:
  std::unique_ptr<es::BlobStore::Reader> reader_;
  ByteRange range_;
  std::uint64_t sent_ = 0;
};

// The read receipt a download asked for; a refusal (not an agenda document,
// not invited, …) is the answer, a receipt recorded before is fine.
std::optional<http::Response> RecordStudied(App& app, Call& c, const std::string& meeting,
                                            const std::string& document) {
  CommandContext ctx = c.ctx;
  ctx.command_id = "studied:" + meeting + ":" + document + ":" + ctx.actor;
  auto done = app.commands().Execute(c.params["body"], meeting,
                                     meeting::MarkDocumentStudied{document}, ctx);
  if (done.ok() || done.error().code == ErrorCode::kAlreadyExists) return std::nullopt;
  return FromError(done.error());
}

http::Response Download(App& app, Call& c) {
  const std::string& id = c.params["document"];
  if (auto hidden = Hidden(app, c, ObjectKind::kDocument, id)) return *hidden;
  auto d = app.latest().Latest<documents::Document>(StreamOf(ObjectKind::kDocument, id));
  if (!d.ok()) return FromError(d.error());
  const auto n = VersionNumber(c.params["version"]);
  if (!n || *n > d->state.versions.size() || !d->state.versions[*n - 1].stored) {
    return ProblemResponse(
        404, "not-found", "Not found",
        "document '" + id + "' has no stored content for version " + c.params["version"]);
  }
  const documents::DocumentVersionAdded& v = d->state.versions[*n - 1];
  auto reader = app.blobs().Read(v.sha256);
  if (!reader.ok()) {
    LogEvent(spdlog::level::err, {{"msg", "stored content missing"},
                                  {"document", id},
                                  {"version", v.version},
                                  {"error", ToString(reader.error())}});
    return ProblemResponse(500, "content-unavailable", "Content unavailable",
                           "the stored content of this version cannot be read; the operator is "
                           "told (ecab-audit verify names it)");
  }
  // "Studied in advance": a member reading a meeting's document records it
  // (the same receipt as POST …/meetings/{m}/documents/{d}/studied; once).
  if (auto m = c.request.query.find("studied_for"); m != c.request.query.end()) {
    if (auto refused = RecordStudied(app, c, m->second, id)) return *refused;
  }
  const std::string etag = "\"" + v.sha256 + "\"";
  const bool classified = d->state.header.classification != Classification::kNormal;
  auto common = [&](http::Response& r) {
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("Accept-Ranges", "bytes");
    r.headers.emplace_back("Cache-Control", classified ? "private, no-store" : "private, no-cache");
  };
  if (const std::string* none = c.request.Header("if-none-match");
      none && (none->find(etag) != std::string::npos || *none == "*")) {
    http::Response r;
    r.status = 304;
    r.content_type.clear();
    common(r);
    return r;
  }
  const std::uint64_t size = (*reader)->size();
  ByteRange range{0, size};
  int status = 200;
  const std::string* if_range = c.request.Header("if-range");
  if (const std::string* h = c.request.Header("range"); h && (!if_range || *if_range == etag)) {
    bool satisfiable = true;
    if (auto r = ParseRange(*h, size, &satisfiable)) {
      range = *r;
      status = 206;
    } else if (!satisfiable) {
      auto r416 = ProblemResponse(416, "range-not-satisfiable", "Range not satisfiable",
                                  "the content is " + std::to_string(size) + " bytes");
      r416.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
      return r416;
    }
  }
  http::Response r;
  r.status = status;
  r.content_type = v.media_type;
  common(r);
  const auto disposition = c.request.query.find("disposition");
  r.headers.emplace_back("Content-Disposition",
                         ContentDisposition(v.filename, disposition != c.request.query.end() &&
                                                            disposition->second == "inline"));
  if (status == 206) {
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                std::to_string(range.first + range.length - 1) +
                                                "/" + std::to_string(size));
  }
  r.stream = std::make_shared<BlobSource>(std::move(*reader), range);
  return r;
}

}  // namespace

void RegisterDocumentContentRoutes(App& app) {
  app.Add(Route{.method = "PUT",
                .pattern = kContentPath,
                .tag = "documents",
                .summary = "Store a version's file, streamed as the raw request body (not JSON): "
                           "PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG or JPEG, up to the node's "
                           "--max-upload-bytes. Name it with ?filename= or Content-Disposition; "
                           "declare ?sha256= (or Repr-Digest) and ?size= to have them checked. "
                           "{version} is the next version (201), or an existing one with the "
                           "same content (200).",
                .query = {"filename", "sha256", "size"},
                .command = false,
                .open_upload = [&app](Call& c) { return OpenUpload(app, c); }});
  app.Add(Route{.method = "GET",
                .pattern = kContentPath,
                .tag = "documents",
                .summary = "A version's file, streamed, with ETag and Range (206); "
                           "?disposition=inline to view it in the browser; ?studied_for={meeting} "
                           "records the caller's read receipt for that meeting (\"studied in "
                           "advance\"). Classified: only to those granted (404 to others), never "
                           "cached.",
                .query = {"disposition", "studied_for"},
                .handle = [&app](Call& c) { return Download(app, c); }});
}

}  // namespace ecab::api
