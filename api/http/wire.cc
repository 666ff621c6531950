#include "api/http/wire.h"

#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace ecab::http {

std::string RandomId() {
  static std::atomic<std::uint64_t> fallback{0};
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    const std::uint64_t n = fallback.fetch_add(1) | (std::uint64_t{1} << 63);
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(n >> (56 - 8 * i));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Response TransportProblem(int status, const std::string& type, const std::string& title,
                          const std::string& detail) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = nlohmann::json{
      {"type", "https://ecabinet.example/problems/" + type},
      {"title", title},
      {"status", status},
      {"detail",
       detail}}.dump();
  return r;
}

}  // namespace ecab::http
