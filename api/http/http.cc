#include "api/http/http.h"

#include <cctype>

namespace ecab::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `in`. In a path (`path` true) an encoded '/' and any
// control character are refused: routing sees the segments the client sent.
bool Decode(std::string_view in, bool plus_is_space, std::string& out, bool path = false) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    bool encoded = false;
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      encoded = true;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (encoded && c == '\0') return false;
    // In a path, a control character (sent raw or encoded) or an encoded '/'.
    if (path && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || (encoded && c == '/')))
      return false;
    out.push_back(c);
  }
  return true;
}

}  // namespace

const std::string* Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

bool ParseTarget(std::string_view target, std::string& path,
                 std::map<std::string, std::string>& query) {
  const std::size_t q = target.find('?');
  if (!Decode(target.substr(0, q), false, path, /*path=*/true)) return false;
  query.clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string name, value;
    if (!Decode(pair.substr(0, eq), true, name)) return false;
    if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), true, value)) return false;
    if (!query.emplace(std::move(name), std::move(value)).second)
      return false;  // a parameter given twice
  }
  return true;
}

}  // namespace ecab::http

namespace ecab::http {

std::variant<Response, std::unique_ptr<BodySink>> Handler::OpenUpload(const Request& header) {
  (void)header;
  Response r;
  r.status = 404;
  r.content_type = "text/plain";
  r.body = "no route takes a streamed body";
  return r;
}

}  // namespace ecab::http
