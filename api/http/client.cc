#include "api/http/client.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace ecab::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

bool SetUpTls(ssl::context& ctx, const ClientOptions& o, std::string* error) {
  try {
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    if (!o.ca_file.empty()) {
      ctx.load_verify_file(o.ca_file.string());
      ctx.set_verify_mode(ssl::verify_peer);
    } else {
      ctx.set_verify_mode(ssl::verify_none);
    }
    if (!o.certificate_file.empty()) {
      ctx.use_certificate_chain_file(o.certificate_file.string());
      ctx.use_private_key_file(o.key_file.string(), ssl::context::pem);
    }
  } catch (const std::exception& e) {
    *error = e.what();
    return false;
  }
  return true;
}

// Runs the io_context until `done` or the deadline; false on timeout.
bool RunUntil(net::io_context& ioc, const bool& done, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!done) {
    if (ioc.stopped()) ioc.restart();
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    ioc.run_one_for(deadline - now);
  }
  return true;
}

// Starts one asynchronous operation with `start(handler)` and runs the
// io_context until it completes or `wait` passes: "" on success, else why.
template <class Start>
std::string Await(net::io_context& ioc, std::chrono::milliseconds wait, Start start) {
  bool done = false;
  beast::error_code result;
  start([&](beast::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  RunUntil(ioc, done, wait);
  if (!done) return "timed out";
  return result ? result.message() : "";
}

// Connects the TCP socket under `stream` and completes the TLS handshake.
template <class Stream>
bool Open(net::io_context& ioc, Stream& stream, const ClientOptions& o, std::string* error) {
  SSL_set_tlsext_host_name(stream.native_handle(), o.host.c_str());
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(o.timeout);
  const auto wait = o.timeout + std::chrono::seconds(1);
  if (auto why = Await(ioc, wait,
                       [&](auto handler) {
                         tcp_layer.async_connect(
                             tcp::endpoint(net::ip::make_address(o.host), o.port), handler);
                       });
      !why.empty()) {
    *error = "connect: " + why;
    return false;
  }
  if (auto why =
          Await(ioc, wait,
                [&](auto handler) { stream.async_handshake(ssl::stream_base::client, handler); });
      !why.empty()) {
    *error = "TLS handshake: " + why;
    return false;
  }
  return true;
}

class HttpsClientImpl final : public HttpsClient {
 public:
  explicit HttpsClientImpl(const ClientOptions& o) : options_(o) {}

  bool Init(std::string* error) { return SetUpTls(tls_, options_, error) && Reset(error); }

  ClientResponse Send(const std::string& method, const std::string& target, const std::string& body,
                      const std::map<std::string, std::string>& headers) override {
    bhttp::request<bhttp::string_body> req;
    req.version(11);
    req.method_string(method);
    req.target(target);
    req.set(bhttp::field::host, options_.host);
    req.keep_alive(true);
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    // A response to HEAD has the GET's Content-Length and no body.
    return Exchange([&](auto&& done) { bhttp::async_write(*stream_, req, done); },
                    method == "HEAD");
  }

  ClientResponse SendRaw(const std::string& raw) override {
    return Exchange([&](auto&& done) { net::async_write(*stream_, net::buffer(raw), done); });
  }

 private:
  bool Reset(std::string* error) {
    stream_.emplace(ioc_, tls_);
    buffer_.clear();
    return Open(ioc_, *stream_, options_, error);
  }

  template <class StartWrite>
  ClientResponse Exchange(StartWrite start_write, bool head = false) {
    ClientResponse out;
    if (broken_) {
      std::string error;
      if (!Reset(&error)) {
        out.body = error;
        return out;
      }
      broken_ = false;
    }
    beast::get_lowest_layer(*stream_).expires_after(options_.timeout);
    const auto wait = options_.timeout + std::chrono::seconds(1);
    if (auto why = Await(ioc_, wait, start_write); !why.empty()) {
      broken_ = true;
      out.body = "write: " + why;
      return out;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1ull << 31);
    parser.skip(head);
    if (auto why =
            Await(ioc_, wait,
                  [&](auto handler) { bhttp::async_read(*stream_, buffer_, parser, handler); });
        !why.empty()) {
      broken_ = true;
      out.body = "read: " + why;
      return out;
    }
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    out.body = std::move(res.body());
    if (!res.keep_alive()) broken_ = true;  // the server closes: reconnect next time
    return out;
  }

  ClientOptions options_;
  net::io_context ioc_;
  ssl::context tls_{ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> stream_;
  beast::flat_buffer buffer_;
  bool broken_ = false;
};

class WsClientImpl final : public WsClient {
 public:
  explicit WsClientImpl(const ClientOptions& o) : options_(o), ws_(ioc_, tls_) {}

  bool Init(const std::string& target, const std::map<std::string, std::string>& headers,
            std::string* error, int* refused) {
    *refused = 0;
    if (!SetUpTls(tls_, options_, error) || !Open(ioc_, ws_.next_layer(), options_, error))
      return false;
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      for (const auto& [name, value] : headers) req.set(name, value);
    }));
    beast::get_lowest_layer(ws_).expires_after(options_.timeout);
    websocket::response_type res;
    if (auto why =
            Await(ioc_, options_.timeout + std::chrono::seconds(1),
                  [&](auto handler) { ws_.async_handshake(res, options_.host, target, handler); });
        !why.empty()) {
      *refused = static_cast<int>(res.result_int());
      *error = res.body().empty() ? why : res.body();
      return false;
    }
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    return true;
  }

  std::optional<std::string> Read(std::chrono::milliseconds wait) override {
    if (closed_) return std::nullopt;
    if (!pending_) {
      pending_ = true;
      arrived_ = false;
      ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
        arrived_ = true;
        pending_ = false;
        if (ec) {
          closed_ = true;
          close_code_ = ws_.reason().code;
        }
      });
    }
    if (!RunUntil(ioc_, arrived_, wait) || closed_) return std::nullopt;
    std::string message = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    return message;
  }

  bool closed() const override { return closed_; }
  int close_code() const override { return close_code_; }

  void Close() override {
    if (closed_) return;
    bool done = false;
    ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
    // A pending read completes with the close too.
    RunUntil(ioc_, done, options_.timeout);
    closed_ = true;
  }

 private:
  ClientOptions options_;
  net::io_context ioc_;
  ssl::context tls_{ssl::context::tls_client};
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  beast::flat_buffer buffer_;
  bool pending_ = false;
  bool arrived_ = false;
  bool closed_ = false;
  int close_code_ = 0;
};

}  // namespace

std::unique_ptr<HttpsClient> HttpsClient::Connect(const ClientOptions& options,
                                                  std::string* error) {
  auto client = std::make_unique<HttpsClientImpl>(options);
  if (!client->Init(error)) return nullptr;
  return client;
}

std::unique_ptr<WsClient> WsClient::Connect(const ClientOptions& options, const std::string& target,
                                            const std::map<std::string, std::string>& headers,
                                            std::string* error, int* refused) {
  auto client = std::make_unique<WsClientImpl>(options);
  if (!client->Init(target, headers, error, refused)) return nullptr;
  return client;
}

}  // namespace ecab::http
