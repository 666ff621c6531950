// api/http/server_impl.h — the server's classes, shared by its three
// translation units (internal: only api/http includes it):
//   listener.cc      ServerImpl: TLS context, accept loop, limits, stop
//   http_session.cc  HttpSession: one connection's requests
//   ws_session.cc    WsSession: one WebSocket feed
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <atomic>
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
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

#include "api/http/limits.h"
#include "api/http/server.h"
#include "api/http/wire.h"

namespace ecab::http::internal {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

class ServerImpl;

// Sessions the server can reach when it stops.
class Stoppable {
 public:
  virtual ~Stoppable() = default;
  virtual void BeginStop() = 0;
};

// One WebSocket feed, after the upgrade: a thread of its own pulls the
// FeedSource and posts messages to the connection's strand; at most
// max_feed_queue_bytes wait for the client (then the pump pauses, and after
// slow_feed_grace the client is dropped with 1008); pings after half the
// feed idle timeout; closes with 1001 when the server stops.
class WsSession : public Stoppable, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(ServerImpl& server, beast::ssl_stream<beast::tcp_stream> stream,
            std::unique_ptr<FeedSource> feed, std::shared_ptr<void> slot)
      : server_(server),
        ws_(std::move(stream)),
        feed_(std::move(feed)),
        slot_(std::move(slot)),
        force_close_(ws_.get_executor()) {}

  void Start(bhttp::request<bhttp::string_body> upgrade);
  void BeginStop() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->Close(websocket::close_code::going_away, "server shutting down");
    });
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
  std::deque<FeedMessage> out_;               // shared with the other feeds that send them
  std::atomic<std::size_t> queued_bytes_{0};  // posted or queued, not yet written
  bool writing_ = false;
  bool close_pending_ = false;
  bool closed_ = false;
  websocket::close_code pending_code_ = websocket::close_code::normal;
  std::string pending_reason_;
  std::atomic<bool> done_{false};
  std::atomic<bool> finished_{false};
};

// One TLS connection's HTTP/1.1 requests, in turn, on the connection's
// strand: the idle and read timeouts (408), header and body limits (431,
// 413), the rate limit (429), dispatch to the handler (on a worker when it
// may block), timed waits for the read models, and the upgrade to a feed.
class HttpSession : public Stoppable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(ServerImpl& server, tcp::socket socket, ssl::context& tls,
              std::shared_ptr<void> slot);
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
  void OnHeader(beast::error_code ec);
  void OnBody(beast::error_code ec);
  // The request's header as the handler sees it (body empty).
  Request HeaderOf(const bhttp::request<bhttp::string_body>& message) const;
  // A malformed target or the rate limit: answered (closing, draining an unread body).
  bool Refused(Request& request, bool body_read);
  // A streamed upload (Handler::StreamsBody): the sink opened on a worker,
  // the body read piece by piece into it, each piece taken on a worker.
  void BeginUpload(Request request);
  void ReadUpload();
  void OnUploadPiece(beast::error_code ec);
  void EndUpload(Response response, bool finished);
  void ArmReadTimer();
  void OnReadError(beast::error_code ec);
  void Dispatch(Request request, bool upgrade);
  void Wait(Request request, std::uint64_t position, Clock::time_point deadline,
            std::shared_ptr<void> waiting);
  void Write(Response response, bool close_after, bool drain = false);
  // A response whose body comes from a BodySource, piece by piece.
  void WriteStreamed(Response response, bool keep_alive);
  void WriteNextPiece(bool keep_alive);
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
  // The upload under way: its parser (the header's, moved), sink and buffer.
  std::optional<bhttp::request_parser<bhttp::buffer_body>> upload_parser_;
  std::shared_ptr<BodySink> sink_;
  std::vector<char> upload_buffer_;
  // The download under way: the message, its serializer, source and piece.
  struct StreamedOut {
    bhttp::response<bhttp::buffer_body> message;
    std::optional<bhttp::response_serializer<bhttp::buffer_body>> serializer;
    std::shared_ptr<BodySource> source;
    std::string piece;
    std::uint64_t sent = 0;
  };
  std::shared_ptr<StreamedOut> streamed_;
  std::string peer_;
  std::string client_cert_;
  Request current_;
  Clock::time_point started_;
  bool idle_ = false;
  bool keep_alive_ = true;
  bool timed_out_ = false;
  bool drain_ = false;
  std::size_t drained_ = 0;
  std::array<char, std::size_t{16} * 1024> scratch_{};
};

// The listener and what the sessions share: the TLS context, the worker
// pool, counters, limits, and the bookkeeping of a graceful stop.
class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, Handler& handler)
      : options_(std::move(options)),
        handler_(handler),
        tls_(ssl::context::tls_server),
        workers_(static_cast<std::size_t>(std::max(1, options_.worker_threads))),
        work_(net::make_work_guard(ioc_)),
        acceptor_(net::make_strand(ioc_)),
        accept_backoff_(acceptor_.get_executor()),
        limiter_(options_.rate_per_second, options_.rate_burst),
        connections_(options_.max_connections_per_address, options_.max_connections),
        waits_(options_.max_waits_per_address, SIZE_MAX) {}

  ~ServerImpl() override { Stop(); }

  bool Init(std::string* error);

  void Start() override;

  void Stop() override;

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
  std::shared_ptr<void> Admit(const std::string& peer) { return connections_.Take(peer); }
  // A place for one more request of `peer` waiting for the read models, or nullptr.
  std::shared_ptr<void> WaitBegan(const std::string& peer) { return waits_.Take(peer); }

 private:
  void Accept();

  std::vector<std::shared_ptr<Stoppable>> LiveSessions();

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
  Places connections_, waits_;
};

}  // namespace ecab::http::internal
