// api/web_assets.h — the web application's built files (web/ → build/web/dist),
// served by ecabinetd on the API's origin. Loaded into memory once at start;
// answered from memory on the network thread.
//
// Caching: a file whose name carries a content hash ("app-3FJ2KQ7A.js") is
// immutable for a year; every other file (index.html) is revalidated on each
// use (no-cache + ETag). A file's precompressed twins ("x.br", "x.gz", made
// by the build) are sent when the client accepts them (br first). Every
// answer carries the strict Content-Security-Policy below (no inline script,
// connections to this origin only).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "api/http/http.h"
#include "domain/base/result.h"

namespace ecab::api {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src "
    "'self'; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors "
    "'none'";

class WebAssets {
 public:
  // Reads every regular file under `root` (no symlinks followed out of it).
  // Fails when `root` has no index.html or a file cannot be read.
  static Result<WebAssets> Load(const std::filesystem::path& root);

  // The answer to a GET or HEAD of `request.path`: "/" is index.html; a path
  // that names no file and has no extension is the app's own route and gets
  // index.html too. nullopt for paths this does not serve (no such file).
  std::optional<http::Response> Serve(const http::Request& request) const;

  std::size_t files() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string identity;  // the bytes as built
    std::string br, gzip;  // precompressed twins, or empty
    std::string etag;      // "\"<sha-256 prefix of identity>\""
    bool immutable = false;
  };
  std::map<std::string, File, std::less<>> files_;  // "/index.html" → file
};

// The headers every web answer carries (CSP, nosniff, no referrer, no framing).
void AddWebSecurityHeaders(http::Response& response);

}  // namespace ecab::api
