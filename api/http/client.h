// api/http/client.h — a small HTTPS and WebSocket client on Beast, for the
// tests and benchmarks that talk to the server over real sockets. Every call
// is bounded by the client's timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ecab::http {

struct ClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::filesystem::path ca_file;  // verify the server against it; empty: accept any (tests)
  std::filesystem::path certificate_file;  // TLS client certificate (PEM), optional
  std::filesystem::path key_file;
  std::chrono::milliseconds timeout{10'000};
};

struct ClientResponse {
  int status = 0;  // 0: transport failure, `body` says what
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

class HttpsClient {
 public:
  // Connects and completes the TLS handshake; nullptr with `error` on failure.
  static std::unique_ptr<HttpsClient> Connect(const ClientOptions& options, std::string* error);
  virtual ~HttpsClient() = default;
  // One request on the kept-alive connection.
  virtual ClientResponse Send(const std::string& method, const std::string& target,
                              const std::string& body = "",
                              const std::map<std::string, std::string>& headers = {}) = 0;
  // Writes `raw` bytes as they are and reads one response (for malformed requests).
  virtual ClientResponse SendRaw(const std::string& raw) = 0;
};

class WsClient {
 public:
  // Upgrades `target`; on refusal nullptr, with the HTTP status in *refused
  // (0 for a transport failure) and the response body in `error`.
  static std::unique_ptr<WsClient> Connect(const ClientOptions& options, const std::string& target,
                                           const std::map<std::string, std::string>& headers,
                                           std::string* error, int* refused);
  virtual ~WsClient() = default;
  // The next text message; nullopt after `wait` without one, or once closed.
  virtual std::optional<std::string> Read(std::chrono::milliseconds wait) = 0;
  // True once the server closed the connection; its close code.
  virtual bool closed() const = 0;
  virtual int close_code() const = 0;
  virtual void Close() = 0;
};

}  // namespace ecab::http
