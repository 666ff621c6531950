#include "api/web_assets.h"

#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "eventstore/record.h"

namespace ecab::api {
namespace {

namespace fs = std::filesystem;

std::string ContentTypeOf(const fs::path& file) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  auto it = kTypes.find(file.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

Result<std::string> ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::kNotFound, "cannot read " + file.string()};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Whether the client's Accept-Encoding admits `coding` (a q=0 refuses it).
bool Accepts(const http::Request& request, std::string_view coding) {
  const std::string* header = request.Header("accept-encoding");
  if (!header) return false;
  std::stringstream items(*header);
  for (std::string item; std::getline(items, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    const std::size_t semicolon = item.find(';');
    std::string name = item.substr(0, semicolon);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name != coding) continue;
    if (semicolon == std::string::npos) return true;
    const std::string params = item.substr(semicolon + 1);
    const std::size_t q = params.find("q=");
    return q == std::string::npos || std::strtod(params.c_str() + q + 2, nullptr) > 0;
  }
  return false;
}

}  // namespace

void AddWebSecurityHeaders(http::Response& response) {
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  response.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

Result<WebAssets> WebAssets::Load(const fs::path& root) {
  WebAssets assets;
  std::error_code ec;
  if (!fs::is_regular_file(root / "index.html", ec)) {
    return Error{ErrorCode::kNotFound, "no index.html in the web root " + root.string() +
                                           " (build it: cmake --build build --target web)"};
  }
  // Built names carry an 8-character content hash: "app-3FJ2KQ7A.js".
  static const std::regex kHashed(R"(.*-[A-Z0-9]{8}\.[a-z0-9]+)");
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->is_symlink()) continue;
    const fs::path& file = it->path();
    const std::string ext = file.extension().string();
    if (ext == ".br" || ext == ".gz") continue;  // read as twins below
    ECAB_TRY_LET(bytes, ReadAll(file));
    File entry;
    entry.content_type = ContentTypeOf(file);
    entry.identity = std::move(bytes).value();
    entry.etag = "\"" + es::ToHex(es::Sha256(entry.identity)).substr(0, 32) + "\"";
    entry.immutable = std::regex_match(file.filename().string(), kHashed);
    for (auto [suffix, target] : {std::pair{".br", &entry.br}, std::pair{".gz", &entry.gzip}}) {
      fs::path twin = file;
      twin += suffix;
      if (fs::is_regular_file(twin, ec)) {
        ECAB_TRY_LET(compressed, ReadAll(twin));
        *target = std::move(compressed).value();
      }
    }
    assets.files_["/" + fs::relative(file, root).generic_string()] = std::move(entry);
  }
  if (ec)
    return Error{ErrorCode::kNotFound,
                 "cannot list the web root " + root.string() + ": " + ec.message()};
  return assets;
}

std::optional<http::Response> WebAssets::Serve(const http::Request& request) const {
  std::string_view path = request.path;
  auto it = files_.find(path == "/" ? std::string_view("/index.html") : path);
  if (it == files_.end()) {
    // The app's own routes ("/room/…") load the app; a missing file is a 404.
    const std::size_t last = path.rfind('/');
    if (path.substr(last == std::string_view::npos ? 0 : last).find('.') !=
        std::string_view::npos) {
      return std::nullopt;
    }
    it = files_.find(std::string_view("/index.html"));
  }
  const File& file = it->second;
  http::Response r;
  r.route = "(web)";
  r.content_type = file.content_type;
  AddWebSecurityHeaders(r);
  r.headers.emplace_back("Cache-Control",
                         file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("ETag", file.etag);
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (const std::string* match = request.Header("if-none-match"); match && *match == file.etag) {
    r.status = 304;
    return r;
  }
  const std::string* body = &file.identity;
  if (!file.br.empty() && Accepts(request, "br")) {
    body = &file.br;
    r.headers.emplace_back("Content-Encoding", "br");
  } else if (!file.gzip.empty() && Accepts(request, "gzip")) {
    body = &file.gzip;
    r.headers.emplace_back("Content-Encoding", "gzip");
  }
  if (request.method != "HEAD") r.body = *body;
  return r;
}

}  // namespace ecab::api
