// api/document_content.h — documents' files over HTTP (api/document_content.cc):
// PUT …/documents/{d}/versions/{n}/content streams a file in, GET streams it
// out. The pieces below are the parts with rules of their own, for tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "api/http/http.h"

namespace ecab::api {

class App;
struct Call;

void RegisterDocumentContentRoutes(App& app);
// The routes' work (api/document_upload.cc, api/document_download.cc).
std::variant<http::Response, std::unique_ptr<http::BodySink>> OpenDocumentUpload(App& app, Call& c);
http::Response DownloadDocument(App& app, Call& c);
// A version number of a path: 1 to 1,000,000.
std::optional<std::uint32_t> DocumentVersionNumber(const std::string& text);

// Why `name` cannot name a stored file (empty, over 255 bytes, a control
// character or path separator, invalid UTF-8), or nullopt when it can.
std::optional<std::string> FilenameProblem(std::string_view name);

// RFC 6266 Content-Disposition for `filename` (UTF-8): an ASCII fallback in
// filename= and the exact name in filename*=UTF-8''….
std::string ContentDisposition(std::string_view filename, bool inline_disposition);

// The filename a request's Content-Disposition gives (filename* preferred).
std::optional<std::string> FilenameFromDisposition(std::string_view header);

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};
// One range of a Range header over content of `size` bytes (RFC 9110 §14):
// nullopt to send the whole (no range, several, or malformed), with
// *satisfiable false when the range lies beyond the content (416).
std::optional<ByteRange> ParseRange(std::string_view header, std::uint64_t size, bool* satisfiable);

// The SHA-256 (hex) the client declared: ?sha256=, or Repr-Digest /
// Content-Digest sha-256=:<base64>: (RFC 9530). "(malformed)" when unreadable.
std::optional<std::string> DeclaredSha256(const http::Request& request);

}  // namespace ecab::api
