// A document version's file over HTTP: the routes (the upload in
// document_upload.cc, the download in document_download.cc) and the wire
// rules both share: file names, Content-Disposition, ranges, declared digests.
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

}  // namespace

std::optional<std::uint32_t> DocumentVersionNumber(const std::string& text) {
  const auto n = ParseCount(text);
  if (!n || *n == 0 || *n > 1'000'000) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

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
                .open_upload = [&app](Call& c) { return OpenDocumentUpload(app, c); }});
  app.Add(Route{.method = "GET",
                .pattern = kContentPath,
                .tag = "documents",
                .summary = "A version's file, streamed, with ETag and Range (206); "
                           "?disposition=inline to view it in the browser. A member's download "
                           "is the read receipt (\"studied in advance\") for each open meeting "
                           "it is on (policy read_receipts: on_download), or only for the one "
                           "named by ?studied_for={meeting} (on_request). Classified: only to "
                           "those granted (404 to others), never cached.",
                .query = {"disposition", "studied_for"},
                .handle = [&app](Call& c) { return DownloadDocument(app, c); }});
}

}  // namespace ecab::api
