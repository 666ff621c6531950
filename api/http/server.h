// api/http/server.h — the HTTPS and WebSocket server: TLS 1.2/1.3 on one
// io_context run by N threads, HTTP/1.1 keep-alive, per-request limits,
// per-client rate limiting, handlers on a worker pool, WebSocket feeds, and a
// graceful stop. Limits (docs/OPERATIONS.md, "Limits"): connections in all
// and per address, an idle and a read timeout each with its answer (none for
// an idle connection, 408 once a request started), 400 for a request that is
// not HTTP/1.1, 413/431 for sizes, reading what a refused client still sends
// for `linger` so it gets the answer, a back-off when accept() fails, waits
// for the read models on a timer, and feeds whose unread bytes are capped. The only header that
// hides Boost.Beast behind a plain class.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "api/http/http.h"

namespace ecab::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;                 // 0: any free port (see Server::port)
  std::filesystem::path certificate_chain;   // PEM
  std::filesystem::path private_key;         // PEM
  bool request_client_certificates = false;  // ask for (never require) a TLS client certificate
  int io_threads = 2;
  int worker_threads = 64;  // handlers may block on storage (group commits grow with them)
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  // A streamed upload's body (routes where Handler::StreamsBody): 413 beyond.
  std::uint64_t max_upload_bytes = std::uint64_t{200} * 1000 * 1000;
  std::chrono::milliseconds read_timeout{
      10'000};  // handshake, and a request once its first byte came
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive wait for the next request
  double rate_per_second = 200;                    // per client address; 0 disables
  double rate_burst = 400;
  std::size_t max_websockets = 512;
  std::chrono::milliseconds shutdown_grace{5'000};  // for requests in flight
  std::size_t max_connections = 10'000;             // open at once; more are closed as accepted
  std::size_t max_connections_per_address = 256;
  std::size_t max_waits_per_address = 16;  // requests waiting for the read models (429 beyond)
  std::size_t max_feed_queue_bytes =
      std::size_t{4} * 1024 * 1024;  // unread by one feed client before its feed pauses
  std::chrono::milliseconds slow_feed_grace{
      10'000};  // paused that long: the client is dropped (close 1008)
  std::chrono::milliseconds feed_idle_timeout{
      300'000};  // nothing from a feed client (it is pinged at half)
  std::chrono::milliseconds linger{
      2'000};  // after refusing a request, read what the client still sends
};

struct ServerCounters {
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> open_websockets{0};
  std::atomic<std::uint64_t> tls_failures{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::uint64_t> refused_connections{0};  // over max_connections(_per_address)
  std::atomic<std::uint64_t> accept_failures{0};      // accept() failed (out of descriptors, …)
  std::atomic<std::uint64_t> dropped_feeds{0};        // feed clients that did not keep up
};

// `wanted`, or fewer when RLIMIT_NOFILE is low: a quarter of the soft limit
// (at least 64) stays for everything but connections.
std::size_t ConnectionsTheDescriptorsAllow(std::size_t wanted);

class Server {
 public:
  // Binds and listens; refuses with a message when TLS material cannot be
  // loaded or the address is taken. max_connections is lowered to what the
  // process's descriptors allow (ConnectionsTheDescriptorsAllow): connections
  // never use up the descriptors the store, logs and TLS need.
  static std::unique_ptr<Server> Create(ServerOptions options, Handler& handler,
                                        std::string* error);
  virtual std::size_t max_connections() const = 0;
  virtual ~Server() = default;

  virtual void Start() = 0;
  // Stops accepting, lets requests in flight finish (up to the grace
  // period), closes WebSockets with a close frame, and joins every thread.
  virtual void Stop() = 0;
  virtual std::uint16_t port() const = 0;
  virtual const ServerCounters& counters() const = 0;
};

}  // namespace ecab::http
