#include "api/http/server.h"

#include <openssl/rand.h>
#include <sys/resource.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <array>
#include <condition_variable>
#include <deque>
#include <list>
#include <optional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

namespace ecab::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// A request id: 16 hex digits, random; from a counter should the generator
// fail (ids need to be distinct, not secret).
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

// The problem documents the server itself answers with (the application
// answers everything else).
Response TransportProblem(int status, const std::string& type, const std::string& title,
                          const std::string& detail) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = nlohmann::json{{"type", "https://ecabinet.example/problems/" + type},
                          {"title", title},
                          {"status", status},
                          {"detail", detail}}
               .dump();
  return r;
}

// A token bucket per client address.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // True when `client` may make one more request now.
  bool Allow(const std::string& client) {
    if (rate_ <= 0) return true;
    const auto now = Clock::now();
    std::lock_guard lock(mu_);
    if (buckets_.size() > 100'000) buckets_.clear();  // bounded memory under address churn
    auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
    Bucket& b = it->second;
    if (!fresh) {
      const double elapsed = std::chrono::duration<double>(now - b.at).count();
      b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  double rate_, burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

class ServerImpl;

// Sessions the server can reach when it stops.
class Stoppable {
 public:
  virtual ~Stoppable() = default;
  virtual void BeginStop() = 0;
};

class WsSession : public Stoppable, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(ServerImpl& server, beast::ssl_stream<beast::tcp_stream> stream, std::unique_ptr<FeedSource> feed,
            std::shared_ptr<void> slot)
      : server_(server), ws_(std::move(stream)), feed_(std::move(feed)), slot_(std::move(slot)),
        force_close_(ws_.get_executor()) {}

  void Start(bhttp::request<bhttp::string_body> upgrade);
  void BeginStop() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->Close(websocket::close_code::going_away, "server shutting down"); });
  }

 private:
  void OnAccept(beast::error_code ec);
  void ReadLoop();
  void Pump();
  void Enqueue(std::vector<FeedMessage> messages);
  void WriteNext();
  void Close(websocket::close_code code, std::string reason);
  void Drop();
  void Finish();

  ServerImpl& server_;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  std::unique_ptr<FeedSource> feed_;
  std::shared_ptr<void> slot_;
  net::steady_timer force_close_;  // a dropped client that does not take the close frame is cut
  beast::flat_buffer in_;
  std::deque<FeedMessage> out_;  // shared with the other feeds that send them
  std::atomic<std::size_t> queued_bytes_{0};  // posted or queued, not yet written
  bool writing_ = false;
  bool close_pending_ = false;
  bool closed_ = false;
  websocket::close_code pending_code_ = websocket::close_code::normal;
  std::string pending_reason_;
  std::atomic<bool> done_{false};
  std::atomic<bool> finished_{false};
};

class HttpSession : public Stoppable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(ServerImpl& server, tcp::socket socket, ssl::context& tls, std::shared_ptr<void> slot);
  void Start();
  void BeginStop() override {
    // The session's own executor, kept apart: after an upgrade stream_ is moved into the WebSocket.
    net::post(executor_, [self = shared_from_this()] {
      if (self->idle_ && !self->upgraded_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  void OnHandshake(beast::error_code ec);
  void ReadHeader();
  void ReadRequest();
  void OnBody(beast::error_code ec);
  void OnReadError(beast::error_code ec);
  void Dispatch(Request request, bool upgrade);
  void Wait(Request request, std::uint64_t position, Clock::time_point deadline, std::shared_ptr<void> waiting);
  void Write(Response response, bool close_after, bool drain = false);
  void OnWrite(bool keep_alive, beast::error_code ec);
  void Drain();
  void Shutdown();

  ServerImpl& server_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  net::any_io_executor executor_;
  std::shared_ptr<void> slot_;  // this connection's place in the server's limits
  net::steady_timer timer_;     // the read timeout of a started request; waits for the read models
  bool upgraded_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> out_;
  std::string peer_;
  std::string client_cert_;
  Request current_;
  Clock::time_point started_;
  bool idle_ = false;
  bool keep_alive_ = true;
  bool timed_out_ = false;
  bool drain_ = false;
  std::size_t drained_ = 0;
  std::array<char, 16 * 1024> scratch_{};
};

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, Handler& handler)
      : options_(std::move(options)), handler_(handler), tls_(ssl::context::tls_server),
        workers_(static_cast<std::size_t>(std::max(1, options_.worker_threads))),
        work_(net::make_work_guard(ioc_)), acceptor_(net::make_strand(ioc_)),
        accept_backoff_(acceptor_.get_executor()), limiter_(options_.rate_per_second, options_.rate_burst) {}

  ~ServerImpl() override { Stop(); }

  bool Init(std::string* error) {
    try {
      tls_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
      SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
      // TLS 1.2: forward-secret AEAD suites only (no CBC, no static RSA);
      // TLS 1.3 offers only AEAD suites by design.
      if (SSL_CTX_set_cipher_list(tls_.native_handle(),
                                  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1) {
        *error = "no TLS 1.2 cipher suite could be set";
        return false;
      }
      tls_.use_certificate_chain_file(options_.certificate_chain.string());
      tls_.use_private_key_file(options_.private_key.string(), ssl::context::pem);
      if (options_.request_client_certificates) {
        // Any certificate is taken at the TLS layer; the application checks it
        // against the body's trust anchor and enrolled certificates.
        SSL_CTX_set_verify(tls_.native_handle(), SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
      }
      const tcp::endpoint endpoint(net::ip::make_address(options_.address), options_.port);
      acceptor_.open(endpoint.protocol());
      acceptor_.set_option(net::socket_base::reuse_address(true));
      acceptor_.bind(endpoint);
      acceptor_.listen(net::socket_base::max_listen_connections);
      port_ = acceptor_.local_endpoint().port();
    } catch (const std::exception& e) {
      *error = e.what();
      return false;
    }
    return true;
  }

  void Start() override {
    Accept();
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      io_threads_.emplace_back([this] { ioc_.run(); });
    }
  }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    stopping_.store(true);
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    for (auto& s : LiveSessions()) s->BeginStop();
    {
      std::unique_lock lock(mu_);
      // Requests finish; feeds send their close frame and see the client's.
      cv_.wait_until(lock, Clock::now() + options_.shutdown_grace, [&] {
        return in_flight_ == 0 && pumps_ == 0 && counters_.open_websockets.load() == 0;
      });
    }
    workers_.join();
    work_.reset();
    // Whatever is still open after the grace period is cut.
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    while (counters_.connections.load() > 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ioc_.stop();
    for (auto& t : io_threads_) t.join();
    io_threads_.clear();
    std::unique_lock lock(mu_);
    cv_.wait_until(lock, Clock::now() + std::chrono::seconds(2), [&] { return pumps_ == 0; });
  }

  std::uint16_t port() const override { return port_; }
  std::size_t max_connections() const override { return options_.max_connections; }
  const ServerCounters& counters() const override { return counters_; }

  // For sessions.
  const ServerOptions& options() const { return options_; }
  Handler& handler() { return handler_; }
  ssl::context& tls() { return tls_; }
  net::thread_pool& workers() { return workers_; }
  ServerCounters& mutable_counters() { return counters_; }
  bool stopping() const { return stopping_.load(); }
  bool Allow(const std::string& client) { return limiter_.Allow(client); }

  void Register(const std::shared_ptr<Stoppable>& s) {
    std::lock_guard lock(mu_);
    sessions_.remove_if([](const auto& w) { return w.expired(); });
    sessions_.push_back(s);
  }
  void RequestBegan() {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  void RequestEnded() {
    std::lock_guard lock(mu_);
    --in_flight_;
    cv_.notify_all();
  }
  bool PumpBegan() {
    std::lock_guard lock(mu_);
    if (static_cast<std::size_t>(pumps_) >= options_.max_websockets) return false;
    ++pumps_;
    return true;
  }
  void Notify() {
    std::lock_guard lock(mu_);
    cv_.notify_all();
  }
  void PumpEnded() {
    std::lock_guard lock(mu_);
    --pumps_;
    cv_.notify_all();
  }

  // A place for one more connection from `peer`, held until the last owner
  // lets go; nullptr beyond max_connections or max_connections_per_address.
  std::shared_ptr<void> Admit(const std::string& peer) {
    return Take(connections_, peer, options_.max_connections_per_address, options_.max_connections);
  }
  // A place for one more request of `peer` waiting for the read models, or nullptr.
  std::shared_ptr<void> WaitBegan(const std::string& peer) {
    return Take(waits_, peer, options_.max_waits_per_address, SIZE_MAX);
  }

 private:
  // Counted places (connections, waits) per client address; shared with the
  // places handed out, which may outlive the server in pending handlers.
  struct Places {
    std::mutex mu;
    std::unordered_map<std::string, std::size_t> by_peer;
    std::size_t total = 0;
  };
  static std::shared_ptr<void> Take(const std::shared_ptr<Places>& places, const std::string& peer,
                                    std::size_t per_peer, std::size_t all) {
    std::lock_guard lock(places->mu);
    std::size_t& mine = places->by_peer[peer];
    if (mine >= per_peer || places->total >= all) {
      if (mine == 0) places->by_peer.erase(peer);
      return nullptr;
    }
    ++mine;
    ++places->total;
    // Not null (callers test it), owning nothing: letting go gives the place back.
    return std::shared_ptr<void>(places.get(), [places, peer](void*) {
      std::lock_guard release(places->mu);
      --places->total;
      if (auto it = places->by_peer.find(peer); it != places->by_peer.end() && --it->second == 0) {
        places->by_peer.erase(it);
      }
    });
  }

  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (!acceptor_.is_open()) return;
        // Out of descriptors (EMFILE, ENFILE) or memory: the pending
        // connection stays queued; try again after a pause, not at once.
        counters_.accept_failures.fetch_add(1);
        accept_backoff_.expires_after(std::chrono::milliseconds(100));
        accept_backoff_.async_wait([this](beast::error_code) {
          if (acceptor_.is_open()) Accept();
        });
        return;
      }
      beast::error_code ignored;
      const auto endpoint = socket.remote_endpoint(ignored);
      if (auto slot = Admit(ignored ? std::string() : endpoint.address().to_string())) {
        auto session = std::make_shared<HttpSession>(*this, std::move(socket), tls_, std::move(slot));
        Register(session);
        session->Start();
      } else {
        counters_.refused_connections.fetch_add(1);
        socket.close(ignored);
      }
      if (acceptor_.is_open()) Accept();
    });
  }

  std::vector<std::shared_ptr<Stoppable>> LiveSessions() {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Stoppable>> live;
    for (auto& w : sessions_) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
    return live;
  }

  ServerOptions options_;
  Handler& handler_;
  net::io_context ioc_;
  ssl::context tls_;
  net::thread_pool workers_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_backoff_;
  RateLimiter limiter_;
  std::vector<std::thread> io_threads_;
  std::uint16_t port_ = 0;
  ServerCounters counters_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::list<std::weak_ptr<Stoppable>> sessions_;
  int in_flight_ = 0;
  int pumps_ = 0;
  std::shared_ptr<Places> connections_ = std::make_shared<Places>(), waits_ = std::make_shared<Places>();
};

// ---- HTTP sessions ----

HttpSession::HttpSession(ServerImpl& server, tcp::socket socket, ssl::context& tls, std::shared_ptr<void> slot)
    : server_(server), stream_(std::move(socket), tls), executor_(stream_.get_executor()), slot_(std::move(slot)),
      timer_(executor_) {
  beast::error_code ec;
  const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) peer_ = endpoint.address().to_string();
  server_.mutable_counters().connections.fetch_add(1);
}

void HttpSession::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::get_lowest_layer(self->stream_).expires_after(self->server_.options().read_timeout);
    self->stream_.async_handshake(ssl::stream_base::server,
                                  [self](beast::error_code ec) { self->OnHandshake(ec); });
  });
}

void HttpSession::OnHandshake(beast::error_code ec) {
  if (ec) {
    server_.mutable_counters().tls_failures.fetch_add(1);
    server_.mutable_counters().connections.fetch_sub(1);
    return;
  }
  if (X509* cert = SSL_get1_peer_certificate(stream_.native_handle())) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    if (len > 0) {
      client_cert_.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
      OPENSSL_free(der);
    }
    X509_free(cert);
  }
  ReadHeader();
}

void HttpSession::ReadHeader() {
  if (server_.stopping()) return Shutdown();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.options().max_header_bytes));
  parser_->body_limit(server_.options().max_body_bytes);
  if (buffer_.size() > 0) return ReadRequest();  // the next request already began
  // Idle until the first byte of the next request: then the read timeout runs.
  idle_ = true;
  beast::get_lowest_layer(stream_).expires_after(server_.options().idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->buffer_.commit(n);
    self->idle_ = false;
    if (ec) return self->Shutdown();  // closed, idle too long, or stopping: nothing to answer
    self->ReadRequest();
  });
}

void HttpSession::ReadRequest() {
  started_ = Clock::now();
  timed_out_ = false;
  // Our own timer cancels the read, so the connection stays open for the 408;
  // the stream's expiry is only the backstop that closes it.
  const auto limit = server_.options().read_timeout;
  beast::get_lowest_layer(stream_).expires_after(limit + server_.options().linger + std::chrono::seconds(2));
  timer_.expires_after(limit);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: the request arrived in time
    self->timed_out_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
  });
  bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->timer_.cancel();
    self->OnBody(ec);
  });
}

void HttpSession::OnReadError(beast::error_code ec) {
  current_ = Request{};
  current_.peer = peer_;
  current_.request_id = RandomId();
  if (parser_ && parser_->is_header_done()) {
    current_.method = std::string(parser_->get().method_string());
    current_.target = std::string(parser_->get().target());
    ParseTarget(current_.target, current_.path, current_.query);
  }
  if (timed_out_) {
    return Write(TransportProblem(408, "request-timeout", "Request timeout",
                                  "the request was not received within the read timeout of " +
                                      std::to_string(server_.options().read_timeout.count()) + " ms"),
                 true, true);
  }
  if (ec == bhttp::error::header_limit) {
    return Write(TransportProblem(431, "header-too-large", "Request header fields too large",
                                  "the request's header is larger than " +
                                      std::to_string(server_.options().max_header_bytes) + " bytes"),
                 true, true);
  }
  if (ec == bhttp::error::body_limit) {
    // Beast checks Content-Length against the limit as soon as the header is read.
    return Write(TransportProblem(413, "body-too-large", "Request body too large",
                                  "the request's body is larger than " +
                                      std::to_string(server_.options().max_body_bytes) + " bytes"),
                 true, true);
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    // Not HTTP/1.1 as RFC 9112 has it: both Content-Length and
    // Transfer-Encoding, a bad chunk size, a malformed header line, …
    return Write(TransportProblem(400, "malformed-request", "Malformed request",
                                  "the request is not valid HTTP/1.1: " + ec.message()),
                 true, true);
  }
  Shutdown();  // closed mid-request or the connection failed: nothing to answer
}

void HttpSession::OnBody(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  auto& message = parser_->get();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.peer = peer_;
  request.client_cert_der = client_cert_;
  // Our own id for every request; a client's X-Request-Id is kept apart,
  // printable and at most 64 bytes, for the log line only.
  request.request_id = RandomId();
  if (const std::string* theirs = request.Header("x-request-id")) {
    for (char c : theirs->substr(0, 64)) {
      request.client_request_id.push_back(c > 0x20 && c < 0x7f ? c : '?');
    }
  }
  keep_alive_ = message.keep_alive();
  const bool upgrade = websocket::is_upgrade(message);
  if (!ParseTarget(request.target, request.path, request.query)) {
    current_ = std::move(request);
    return Write(TransportProblem(400, "malformed-target", "Malformed request target",
                                  "the request target has an invalid percent escape, an encoded '/' or control character in its path, "
                                  "or a query parameter given twice"),
                 true);
  }
  if (!server_.Allow(peer_)) {
    server_.mutable_counters().rate_limited.fetch_add(1);
    current_ = std::move(request);
    Response r = TransportProblem(429, "rate-limited", "Too many requests",
                                  "this client sent more than " +
                                      std::to_string(static_cast<int>(server_.options().rate_per_second)) +
                                      " requests per second");
    r.headers.emplace_back("Retry-After", "1");
    return Write(std::move(r), false);
  }
  Dispatch(std::move(request), upgrade);
}

void HttpSession::Dispatch(Request request, bool upgrade) {
  // A response asking to wait for the read models: a timer polls, no thread waits.
  auto answer = [this](Request asked, Response response) {
    if (response.wait_for_position > 0 && !asked.waited) {
      auto waiting = server_.WaitBegan(peer_);
      if (!waiting) {
        current_ = std::move(asked);
        Response r = TransportProblem(429, "too-many-waits", "Too many waiting requests",
                                      "this client has " + std::to_string(server_.options().max_waits_per_address) +
                                          " requests waiting for the read models already");
        r.headers.emplace_back("Retry-After", "1");
        return Write(std::move(r), false);
      }
      const auto deadline = Clock::now() + response.wait_limit;
      return Wait(std::move(asked), response.wait_for_position, deadline, std::move(waiting));
    }
    current_ = std::move(asked);
    Write(std::move(response), false);
  };
  if (!upgrade && !server_.handler().MayBlock(request)) {
    Response response = server_.handler().Handle(request);
    return answer(std::move(request), std::move(response));
  }
  server_.RequestBegan();
  auto self = shared_from_this();
  net::post(server_.workers(), [self, request = std::move(request), upgrade, answer]() mutable {
    if (!upgrade) {
      Response response = self->server_.handler().Handle(request);
      net::post(self->stream_.get_executor(),
                [self, request = std::move(request), response = std::move(response), answer]() mutable {
                  answer(std::move(request), std::move(response));
                  self->server_.RequestEnded();
                });
      return;
    }
    auto opened = self->server_.handler().OpenFeed(request);
    net::post(self->stream_.get_executor(),
              [self, request = std::move(request), opened = std::move(opened)]() mutable {
                self->current_ = std::move(request);
                if (auto* refusal = std::get_if<Response>(&opened)) {
                  self->Write(std::move(*refusal), true);
                } else if (self->server_.stopping() || !self->server_.PumpBegan()) {
                  self->Write(TransportProblem(503, "unavailable", "Service unavailable",
                                               self->server_.stopping() ? "the server is shutting down"
                                                                        : "too many open feeds"),
                              true);
                } else {
                  Response accepted;
                  accepted.status = 101;
                  self->server_.handler().Observe(self->current_, accepted,
                                                  std::chrono::duration_cast<std::chrono::microseconds>(
                                                      Clock::now() - self->started_));
                  self->upgraded_ = true;
                  auto ws = std::make_shared<WsSession>(self->server_, std::move(self->stream_),
                                                        std::move(std::get<std::unique_ptr<FeedSource>>(opened)),
                                                        std::move(self->slot_));
                  self->server_.mutable_counters().connections.fetch_sub(1);
                  self->server_.Register(ws);
                  ws->Start(self->parser_->release());
                }
                self->server_.RequestEnded();
              });
  });
}

void HttpSession::Wait(Request request, std::uint64_t position, Clock::time_point deadline,
                       std::shared_ptr<void> waiting) {
  if (server_.handler().Reached(position) || Clock::now() >= deadline || server_.stopping()) {
    request.waited = true;
    return Dispatch(std::move(request), false);  // `waiting` is let go here
  }
  timer_.expires_after(std::chrono::milliseconds(5));
  timer_.async_wait([self = shared_from_this(), request = std::move(request), position, deadline,
                     waiting = std::move(waiting)](beast::error_code) mutable {
    self->Wait(std::move(request), position, deadline, std::move(waiting));
  });
}

void HttpSession::Write(Response response, bool close_after, bool drain) {
  drain_ = drain;
  auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
  out->version(11);
  out->result(static_cast<unsigned>(response.status));
  out->set(bhttp::field::server, "ecabinetd");
  if (!response.content_type.empty()) out->set(bhttp::field::content_type, response.content_type);
  out->set("X-Request-Id", current_.request_id.empty() ? RandomId() : current_.request_id);
  out->set("Strict-Transport-Security", "max-age=31536000");
  out->set("X-Content-Type-Options", "nosniff");
  out->set(bhttp::field::cache_control, "no-store");
  for (const auto& [name, value] : response.headers) out->set(name, value);
  const bool keep_alive = keep_alive_ && !close_after && !server_.stopping();
  out->keep_alive(keep_alive);
  out->body() = std::move(response.body);
  out->prepare_payload();
  out_ = out;
  response.body.clear();
  const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  response.body = std::to_string(out->body().size());  // Observe sees the size, not the content
  server_.handler().Observe(current_, response, latency);
  beast::get_lowest_layer(stream_).expires_after(server_.options().read_timeout);
  bhttp::async_write(stream_, *out, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
    self->OnWrite(keep_alive, ec);
  });
}

void HttpSession::OnWrite(bool keep_alive, beast::error_code ec) {
  out_.reset();
  if (!ec && drain_) return Drain();
  if (ec || !keep_alive) return Shutdown();
  ReadHeader();
}

// After refusing a request whose body may still be on its way: read and
// discard it for up to `linger` (and 64 MiB), so closing does not reset the
// connection before the client has read the answer.
void HttpSession::Drain() {
  if (drained_ == 0) beast::get_lowest_layer(stream_).expires_after(server_.options().linger);
  stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->drained_ += n + 1;
    if (ec || self->drained_ > (64u << 20)) return self->Shutdown();
    self->Drain();
  });
}

void HttpSession::Shutdown() {
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().close(ignored);
    self->server_.mutable_counters().connections.fetch_sub(1);
  });
}

// ---- WebSocket sessions ----

void WsSession::Start(bhttp::request<bhttp::string_body> upgrade) {
  server_.mutable_counters().open_websockets.fetch_add(1);
  beast::get_lowest_layer(ws_).expires_never();
  // A client that answers nothing, not even the ping sent after half the idle
  // timeout, is cut; one whose WebSocket answers pings stays however quiet.
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = server_.options().feed_idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(bhttp::field::server, "ecabinetd"); }));
  ws_.read_message_max(64 * 1024);
  auto req = std::make_shared<bhttp::request<bhttp::string_body>>(std::move(upgrade));
  ws_.async_accept(*req, [self = shared_from_this(), req](beast::error_code ec) { self->OnAccept(ec); });
}

void WsSession::OnAccept(beast::error_code ec) {
  if (ec) {
    server_.PumpEnded();
    return Finish();
  }
  ReadLoop();
  std::thread([self = shared_from_this()] { self->Pump(); }).detach();
}

void WsSession::ReadLoop() {
  ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {  // the client closed, or the connection failed
      self->closed_ = true;
      self->done_.store(true);
      return self->Finish();
    }
    self->in_.clear();  // clients have nothing to say on a feed; pings are answered by Beast
    self->ReadLoop();
  });
}

void WsSession::Pump() {
  // Runs on its own thread, holding the session alive until the feed ends.
  // At most max_feed_queue_bytes wait for a client; one that leaves them
  // unread for slow_feed_grace is dropped.
  const std::size_t cap = server_.options().max_feed_queue_bytes;
  bool paused = false;
  Clock::time_point paused_since{};
  while (!done_.load()) {
    if (queued_bytes_.load() > cap) {
      if (!paused) paused_since = Clock::now();
      paused = true;
      if (Clock::now() - paused_since > server_.options().slow_feed_grace) {
        server_.mutable_counters().dropped_feeds.fetch_add(1);
        net::post(ws_.get_executor(), [self = shared_from_this()] { self->Drop(); });
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    paused = false;
    FeedBatch batch = feed_->Next(std::chrono::milliseconds(200));
    if (!batch.messages.empty()) {
      std::size_t bytes = 0;
      for (const auto& m : batch.messages) bytes += m->size();
      queued_bytes_.fetch_add(bytes);
      net::post(ws_.get_executor(),
                [self = shared_from_this(), m = std::move(batch.messages)]() mutable { self->Enqueue(std::move(m)); });
    }
    if (batch.end) {
      net::post(ws_.get_executor(), [self = shared_from_this(), reason = batch.reason] {
        self->Close(websocket::close_code::internal_error, reason);
      });
      break;
    }
  }
  feed_.reset();
  server_.PumpEnded();
}

void WsSession::Enqueue(std::vector<FeedMessage> messages) {
  if (closed_ || close_pending_) {
    for (const auto& m : messages) queued_bytes_.fetch_sub(m->size());
    return;
  }
  for (auto& m : messages) out_.push_back(std::move(m));
  if (!writing_) WriteNext();
}

void WsSession::WriteNext() {
  if (out_.empty()) {
    writing_ = false;
    if (close_pending_) Close(pending_code_, pending_reason_);
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(*out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->queued_bytes_.fetch_sub(self->out_.front()->size());
    self->out_.pop_front();
    if (ec) {
      self->closed_ = true;
      self->done_.store(true);
      self->writing_ = false;
      return;
    }
    self->WriteNext();
  });
}

// A client that did not keep up: what waits for it is dropped, and it gets a
// close frame (1008) after the message being written; if that cannot be
// delivered within 5 s, the connection is cut.
void WsSession::Drop() {
  const std::size_t keep = writing_ ? 1 : 0;
  while (out_.size() > keep) {
    queued_bytes_.fetch_sub(out_.back()->size());
    out_.pop_back();
  }
  Close(websocket::close_code::policy_error, "the client did not keep up with the feed: reconnect with from=");
  force_close_.expires_after(std::chrono::seconds(5));
  force_close_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->finished_.load()) return;
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

void WsSession::Close(websocket::close_code code, std::string reason) {
  if (closed_) return;
  done_.store(true);
  if (writing_) {  // after the messages already queued
    close_pending_ = true;
    pending_code_ = code;
    pending_reason_ = std::move(reason);
    return;
  }
  closed_ = true;
  ws_.async_close(websocket::close_reason(code, reason), [self = shared_from_this()](beast::error_code) {
    // The read loop sees the close and finishes.
  });
}

void WsSession::Finish() {
  done_.store(true);
  if (!finished_.exchange(true)) {
    server_.mutable_counters().open_websockets.fetch_sub(1);
    server_.Notify();
  }
}

}  // namespace

std::size_t ConnectionsTheDescriptorsAllow(std::size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  const std::size_t soft = static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t reserve = std::max<std::size_t>(64, soft / 4);
  return std::min(wanted, soft > reserve + 16 ? soft - reserve : 16);
}

std::unique_ptr<Server> Server::Create(ServerOptions options, Handler& handler, std::string* error) {
  options.max_connections = ConnectionsTheDescriptorsAllow(options.max_connections);
  auto server = std::make_unique<ServerImpl>(std::move(options), handler);
  if (!server->Init(error)) return nullptr;
  return server;
}

}  // namespace ecab::http
