// GET …/documents/{d}/versions/{n}/content: the stored file streamed out,
// whole or by one range, with its ETag and name, and the read receipt (when
// asked for, and by the body's policy).
#include <algorithm>

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
#include "projections/dashboard.h"
#include "projections/state_cache.h"

namespace ecab::api {
namespace {

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

// The body's policy "on_download": a member's download is the read receipt
// for each scheduled or live meeting whose agenda names the document and to
// which they are invited or stand in. It never refuses the download: a
// receipt that cannot be recorded is logged.
void RecordReceiptsOnDownload(App& app, Call& c, const std::string& document) {
  if (c.body_state->read_receipts != ReadReceipts::kOnDownload || !c.role ||
      (*c.role != Role::kMember && *c.role != Role::kChair && *c.role != Role::kSubstitute)) {
    return;
  }
  auto open = proj::OpenMeetings(app.views(), c.params["body"]);
  if (!open.ok()) {
    LogEvent(spdlog::level::warn,
             {{"msg", "read receipts not looked for"}, {"error", ToString(open.error())}});
    return;
  }
  const std::string& who = c.ctx.actor;
  for (const std::string& meeting : *open) {
    auto m = app.latest().Latest<meeting::Meeting>(StreamOf(ObjectKind::kMeeting, meeting));
    if (!m.ok()) continue;
    const meeting::Meeting& state = m->state;
    const bool open_now = state.status == meeting::MeetingStatus::kScheduled ||
                          state.status == meeting::MeetingStatus::kOpen;  // the view may lag
    if (!open_now || (!state.invited.contains(who) && !state.substitutes.contains(who)) ||
        state.studied.contains({document, who}) || !state.NamesDocument(document)) {
      continue;
    }
    if (auto refused = RecordStudied(app, c, meeting, document)) {
      LogEvent(spdlog::level::warn, {{"msg", "read receipt not recorded"},
                                     {"meeting", meeting},
                                     {"document", document},
                                     {"status", refused->status}});
    }
  }
}

}  // namespace

http::Response DownloadDocument(App& app, Call& c) {
  const std::string& id = c.params["document"];
  if (auto hidden = Hidden(app, c, ObjectKind::kDocument, id)) return *hidden;
  auto d = app.latest().Latest<documents::Document>(StreamOf(ObjectKind::kDocument, id));
  if (!d.ok()) return FromError(d.error());
  const auto n = DocumentVersionNumber(c.params["version"]);
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
  // (the same receipt as POST …/meetings/{m}/documents/{d}/studied; once):
  // for the meeting the client names, and by the body's policy for every
  // meeting the document is on.
  // HEAD reads nothing: it leaves no receipt.
  if (auto m = c.request.query.find("studied_for");
      m != c.request.query.end() && c.request.method != "HEAD") {
    if (auto refused = RecordStudied(app, c, m->second, id)) return *refused;
  }
  if (c.request.method != "HEAD") RecordReceiptsOnDownload(app, c, id);
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

}  // namespace ecab::api
