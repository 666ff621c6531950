// api/http/http.h — what the HTTPS server hands to the application and takes
// back: plain request and response values, no Beast types. The application
// (api/app.h) implements Handler; the server (server.h) owns sockets and TLS.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ecab::http {

struct Request {
  std::string method;                        // "GET", "POST", …
  std::string target;                        // as sent: path and query
  std::string path;                          // percent-decoded, without the query
  std::map<std::string, std::string> query;  // percent-decoded; a repeated name is refused
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string peer;             // client IP address
  std::string client_cert_der;  // the TLS client certificate, when one was presented
  std::string request_id;       // the server's own, random; echoed as X-Request-Id
  std::string
      client_request_id;  // the client's X-Request-Id, printable, <= 64 bytes (logged apart)
  bool waited = false;    // the server already waited once for the position it was asked to

  // The first value of header `lower_name`, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
};

// A response body read as it is sent (a download), rather than held whole.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual std::uint64_t size() const = 0;  // sent as Content-Length
  // The next bytes, at most `max`. Empty before size() bytes were given: the
  // source failed, and the connection is cut (the client sees a short body).
  virtual std::string Next(std::size_t max) = 0;
};

struct Response;

// A request body taken as it arrives (an upload), rather than read whole.
// Called on workers, one call at a time, in order.
class BodySink {
 public:
  virtual ~BodySink() = default;  // without Finish: what was taken is discarded
  // The next bytes; a response ends the upload early and is the answer.
  virtual std::optional<Response> Take(std::string_view bytes) = 0;
  // The whole body arrived: the answer.
  virtual Response Finish() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string route;  // the route pattern that answered, for metrics and logs (not sent)
  std::shared_ptr<BodySource> stream{};  // when set, the body is streamed from it (`body` unused)
  // Not an answer yet (status ignored): the handler asks to be called again
  // with request.waited set once Handler::Reached(wait_for_position), or
  // after `wait_limit`. The server waits on a timer, holding no thread.
  std::uint64_t wait_for_position = 0;
  std::chrono::milliseconds wait_limit{0};
};

// Splits "a/b%20c?x=1&y=%C3%A9" into a decoded path and query map. Returns
// false when a percent escape is malformed or decodes to NUL, when the path
// holds an encoded '/' ("%2F") or control character, or when a query
// parameter is given twice.
bool ParseTarget(std::string_view target, std::string& path,
                 std::map<std::string, std::string>& query);

// One WebSocket text message, shared by the connections that send it.
using FeedMessage = std::shared_ptr<const std::string>;
// A stream of WebSocket text messages for one connection, pulled on a thread
// of its own. `end` closes the socket with `reason` (after `messages`).
struct FeedBatch {
  std::vector<FeedMessage> messages;
  bool end = false;
  std::string reason;
};
class FeedSource {
 public:
  virtual ~FeedSource() = default;
  // Waits up to `wait` for more; an empty batch is fine.
  virtual FeedBatch Next(std::chrono::milliseconds wait) = 0;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Called on a worker thread when MayBlock says so, else on the network
  // thread that read the request.
  virtual Response Handle(const Request& request) = 0;
  // False for requests answered from memory or quick local reads.
  virtual bool MayBlock(const Request& request) const = 0;
  // Whether the request (its header read, no body yet) goes to a route that
  // takes its body as a stream (OpenUpload). Quick; on the network thread.
  virtual bool StreamsBody(const Request& header) const {
    (void)header;
    return false;
  }
  // For such a request: the sink its body goes to, or the response refusing
  // it (nothing of the body is read then). On a worker.
  virtual std::variant<Response, std::unique_ptr<BodySink>> OpenUpload(const Request& header);
  // A WebSocket upgrade: the feed to serve, or the response refusing it.
  virtual std::variant<Response, std::unique_ptr<FeedSource>> OpenFeed(const Request& request) = 0;
  // After each response is written (or failed to be): for metrics and logs.
  virtual void Observe(const Request& request, const Response& response,
                       std::chrono::microseconds latency) = 0;
  // Whether what a response's wait_for_position waits for has happened
  // (polled by the server's timer; must be quick and never block).
  virtual bool Reached(std::uint64_t position) const = 0;
};

}  // namespace ecab::http
