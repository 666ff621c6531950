// One HTTP connection: TLS handshake, requests with their limits and
// timeouts, dispatch to the handler (on a worker when it may block), waits
// for the read models, the upgrade to a feed (api/http/server_impl.h).
#include <openssl/x509.h>

#include <boost/asio/dispatch.hpp>

#include "api/http/server_impl.h"

namespace ecab::http::internal {

HttpSession::HttpSession(ServerImpl& server, tcp::socket socket, ssl::context& tls,
                         std::shared_ptr<void> slot)
    : server_(server),
      stream_(std::move(socket), tls),
      executor_(stream_.get_executor()),
      slot_(std::move(slot)),
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
  // The header is read with the larger limit; OnHeader applies the one of its route.
  parser_->body_limit(std::max<std::uint64_t>(server_.options().max_body_bytes,
                                              server_.options().max_upload_bytes));
  if (buffer_.size() > 0) return ReadRequest();  // the next request already began
  // Idle until the first byte of the next request: then the read timeout runs.
  idle_ = true;
  beast::get_lowest_layer(stream_).expires_after(server_.options().idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->buffer_.commit(n);
        self->idle_ = false;
        if (ec) return self->Shutdown();  // closed, idle too long, or stopping: nothing to answer
        self->ReadRequest();
      });
}

void HttpSession::ArmReadTimer() {
  // Our own timer cancels the read, so the connection stays open for the 408;
  // the stream's expiry is only the backstop that closes it.
  const auto limit = server_.options().read_timeout;
  beast::get_lowest_layer(stream_).expires_after(limit + server_.options().linger +
                                                 std::chrono::seconds(2));
  timed_out_ = false;
  timer_.expires_after(limit);
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: what was awaited arrived in time
    self->timed_out_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
  });
}

void HttpSession::ReadRequest() {
  started_ = Clock::now();
  ArmReadTimer();
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
}

void HttpSession::OnHeader(beast::error_code ec) {
  if (ec) {
    timer_.cancel();
    return OnReadError(ec);
  }
  Request header = HeaderOf(parser_->get());
  const auto length = parser_->content_length();
  if (server_.handler().StreamsBody(header)) {
    timer_.cancel();
    if (length && *length > server_.options().max_upload_bytes) {
      return OnReadError(bhttp::error::body_limit);
    }
    return BeginUpload(std::move(header));
  }
  if (length && *length > server_.options().max_body_bytes) {
    timer_.cancel();
    return OnReadError(bhttp::error::body_limit);
  }
  parser_->body_limit(server_.options().max_body_bytes);
  // The rest of the request, within the same read timeout.
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec2, std::size_t) {
                      self->timer_.cancel();
                      self->OnBody(ec2);
                    });
}

void HttpSession::OnReadError(beast::error_code ec) {
  if (parser_) {  // else an upload's body failed: current_ is its request
    current_ = Request{};
    current_.peer = peer_;
    current_.request_id = RandomId();
    if (parser_->is_header_done()) {
      current_.method = std::string(parser_->get().method_string());
      current_.target = std::string(parser_->get().target());
      ParseTarget(current_.target, current_.path, current_.query);
    }
  }
  if (timed_out_) {
    return Write(
        TransportProblem(408, "request-timeout", "Request timeout",
                         "the request was not received within the read timeout of " +
                             std::to_string(server_.options().read_timeout.count()) + " ms"),
        true, true);
  }
  if (ec == bhttp::error::header_limit) {
    return Write(
        TransportProblem(431, "header-too-large", "Request header fields too large",
                         "the request's header is larger than " +
                             std::to_string(server_.options().max_header_bytes) + " bytes"),
        true, true);
  }
  if (ec == bhttp::error::body_limit) {
    // Content-Length is checked as soon as the header is read; a chunked body as it comes.
    const bool upload = server_.handler().StreamsBody(current_);
    return Write(TransportProblem(413, "body-too-large", "Request body too large",
                                  "the request's body is larger than " +
                                      std::to_string(upload ? server_.options().max_upload_bytes
                                                            : server_.options().max_body_bytes) +
                                      " bytes"),
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

Request HttpSession::HeaderOf(const bhttp::request<bhttp::string_body>& message) const {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
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
  if (!ParseTarget(request.target, request.path, request.query)) request.path.clear();
  return request;
}

bool HttpSession::Refused(Request& request, bool body_read) {
  if (request.path.empty()) {
    current_ = std::move(request);
    Write(TransportProblem(400, "malformed-target", "Malformed request target",
                           "the request target has an invalid percent escape, an encoded "
                           "'/' or control character in its path, "
                           "or a query parameter given twice"),
          true, !body_read);
    return true;
  }
  if (!server_.Allow(peer_)) {
    server_.mutable_counters().rate_limited.fetch_add(1);
    current_ = std::move(request);
    Response r =
        TransportProblem(429, "rate-limited", "Too many requests",
                         "this client sent more than " +
                             std::to_string(static_cast<int>(server_.options().rate_per_second)) +
                             " requests per second");
    r.headers.emplace_back("Retry-After", "1");
    Write(std::move(r), !body_read, !body_read);
    return true;
  }
  return false;
}

void HttpSession::OnBody(beast::error_code ec) {
  if (ec) return OnReadError(ec);
  auto& message = parser_->get();
  Request request = HeaderOf(message);
  request.body = std::move(message.body());
  keep_alive_ = message.keep_alive();
  const bool upgrade = websocket::is_upgrade(message);
  if (Refused(request, true)) return;
  Dispatch(std::move(request), upgrade);
}

void HttpSession::BeginUpload(Request request) {
  keep_alive_ = parser_->get().keep_alive();
  if (Refused(request, false)) return;
  current_ = request;
  server_.RequestBegan();
  auto self = shared_from_this();
  net::post(server_.workers(), [self, request = std::move(request)]() mutable {
    auto opened = self->server_.handler().OpenUpload(request);
    net::post(self->executor_, [self, opened = std::move(opened)]() mutable {
      self->server_.RequestEnded();
      if (auto* refusal = std::get_if<Response>(&opened)) {
        return self->Write(std::move(*refusal), true, true);  // the body is read and dropped
      }
      self->sink_ = std::move(std::get<std::unique_ptr<BodySink>>(opened));
      self->upload_parser_.emplace(std::move(*self->parser_));
      self->upload_parser_->body_limit(self->server_.options().max_upload_bytes);
      self->upload_buffer_.resize(std::size_t{256} * 1024);
      const auto& message = self->upload_parser_->get();
      if (beast::iequals(message[bhttp::field::expect], "100-continue")) {
        // The client waits for this before it sends the body (curl does, for large ones).
        auto go_on =
            std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
        return bhttp::async_write(self->stream_, *go_on,
                                  [self, go_on](beast::error_code ec, std::size_t) {
                                    if (!ec) return self->ReadUpload();
                                    self->sink_.reset();
                                    self->upload_parser_.reset();
                                    self->Shutdown();
                                  });
      }
      self->ReadUpload();
    });
  });
}

void HttpSession::ReadUpload() {
  if (upload_parser_->is_done()) {
    // The whole body arrived: the sink finishes it on a worker.
    server_.RequestBegan();
    auto self = shared_from_this();
    return net::post(server_.workers(), [self, sink = sink_] {
      Response answer = sink->Finish();
      net::post(self->executor_, [self, answer = std::move(answer)]() mutable {
        self->server_.RequestEnded();
        self->EndUpload(std::move(answer), true);
      });
    });
  }
  auto& body = upload_parser_->get().body();
  body.data = upload_buffer_.data();
  body.size = upload_buffer_.size();
  ArmReadTimer();  // the read timeout holds for each piece, not the whole body
  bhttp::async_read(stream_, buffer_, *upload_parser_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->timer_.cancel();
                      self->OnUploadPiece(ec);
                    });
}

void HttpSession::OnUploadPiece(beast::error_code ec) {
  if (ec == bhttp::error::need_buffer) ec = {};
  if (ec) {
    sink_.reset();  // what it took is discarded
    upload_parser_.reset();
    parser_.reset();  // moved into the upload's: current_ is the request
    if (timed_out_ || ec == bhttp::error::body_limit) return OnReadError(ec);
    return Shutdown();  // the client went away mid-body
  }
  const std::size_t n = upload_buffer_.size() - upload_parser_->get().body().size;
  if (n == 0) return ReadUpload();
  server_.RequestBegan();
  auto self = shared_from_this();
  net::post(server_.workers(), [self, sink = sink_, n] {
    auto stop = sink->Take(std::string_view(self->upload_buffer_.data(), n));
    net::post(self->executor_, [self, stop = std::move(stop)]() mutable {
      self->server_.RequestEnded();
      if (stop) return self->EndUpload(std::move(*stop), false);
      self->ReadUpload();
    });
  });
}

void HttpSession::EndUpload(Response response, bool finished) {
  sink_.reset();
  upload_parser_.reset();
  // Refused before its end: the rest of the body is read and dropped.
  Write(std::move(response), !finished, !finished);
}

void HttpSession::Dispatch(Request request, bool upgrade) {
  // A response asking to wait for the read models: a timer polls, no thread waits.
  auto answer = [this](Request asked, Response response) {
    if (response.wait_for_position > 0 && !asked.waited) {
      auto waiting = server_.WaitBegan(peer_);
      if (!waiting) {
        current_ = std::move(asked);
        Response r = TransportProblem(429, "too-many-waits", "Too many waiting requests",
                                      "this client has " +
                                          std::to_string(server_.options().max_waits_per_address) +
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
      net::post(self->stream_.get_executor(), [self, request = std::move(request),
                                               response = std::move(response), answer]() mutable {
        answer(std::move(request), std::move(response));
        self->server_.RequestEnded();
      });
      return;
    }
    auto opened = self->server_.handler().OpenFeed(request);
    net::post(self->stream_.get_executor(), [self, request = std::move(request),
                                             opened = std::move(opened)]() mutable {
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
        self->server_.handler().Observe(
            self->current_, accepted,
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - self->started_));
        self->upgraded_ = true;
        auto ws = std::make_shared<WsSession>(
            self->server_, std::move(self->stream_),
            std::move(std::get<std::unique_ptr<FeedSource>>(opened)), std::move(self->slot_));
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

namespace {

// The headers every response carries, then the handler's own (which win).
template <class Message>
void Decorate(Message& out, const Response& response, const std::string& request_id,
              bool keep_alive) {
  out.version(11);
  out.result(static_cast<unsigned>(response.status));
  out.set(bhttp::field::server, "ecabinetd");
  if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
  out.set("X-Request-Id", request_id.empty() ? RandomId() : request_id);
  out.set("Strict-Transport-Security", "max-age=31536000");
  out.set("X-Content-Type-Options", "nosniff");
  out.set(bhttp::field::cache_control, "no-store");
  for (const auto& [name, value] : response.headers) out.set(name, value);
  out.keep_alive(keep_alive);
}

}  // namespace

void HttpSession::Write(Response response, bool close_after, bool drain) {
  drain_ = drain;
  const bool keep_alive = keep_alive_ && !close_after && !server_.stopping();
  // HEAD: the GET's header with its Content-Length, and no body (RFC 9110, 9.3.2).
  const bool head = current_.method == "HEAD";
  if (response.stream && !head) return WriteStreamed(std::move(response), keep_alive);
  auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
  Decorate(*out, response, current_.request_id, keep_alive);
  if (head) {
    out->content_length(response.stream ? response.stream->size() : response.body.size());
    response.stream.reset();
  } else {
    out->body() = std::move(response.body);
    out->prepare_payload();
  }
  out_ = out;
  response.body.clear();
  const auto latency =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  response.body = std::to_string(out->body().size());  // Observe sees the size, not the content
  server_.handler().Observe(current_, response, latency);
  beast::get_lowest_layer(stream_).expires_after(server_.options().read_timeout);
  bhttp::async_write(stream_, *out,
                     [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                       self->OnWrite(keep_alive, ec);
                     });
}

void HttpSession::WriteStreamed(Response response, bool keep_alive) {
  auto out = std::make_shared<StreamedOut>();
  Decorate(out->message, response, current_.request_id, keep_alive);
  out->source = std::move(response.stream);
  out->message.content_length(out->source->size());
  out->message.body().data = nullptr;
  out->message.body().more = true;
  out->serializer.emplace(out->message);
  streamed_ = out;
  const auto latency =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
  response.body = std::to_string(out->source->size());
  server_.handler().Observe(current_, response, latency);
  beast::get_lowest_layer(stream_).expires_after(server_.options().read_timeout);
  bhttp::async_write_header(
      stream_, *out->serializer,
      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
        if (ec) {
          self->streamed_.reset();
          return self->Shutdown();
        }
        self->WriteNextPiece(keep_alive);
      });
}

void HttpSession::WriteNextPiece(bool keep_alive) {
  StreamedOut& out = *streamed_;
  const std::uint64_t total = out.source->size();
  out.piece = total > out.sent ? out.source->Next(std::size_t{256} * 1024) : std::string();
  if (out.piece.empty() && out.sent < total) {
    streamed_.reset();  // the source failed: the client sees a body cut short
    return Shutdown();
  }
  out.sent += out.piece.size();
  auto& body = out.message.body();
  body.data = out.piece.empty() ? nullptr : out.piece.data();
  body.size = out.piece.size();
  body.more = out.sent < total;
  beast::get_lowest_layer(stream_).expires_after(server_.options().read_timeout);
  bhttp::async_write(stream_, *out.serializer,
                     [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                       if (ec == bhttp::error::need_buffer) return self->WriteNextPiece(keep_alive);
                       self->streamed_.reset();
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
  stream_.async_read_some(net::buffer(scratch_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
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

}  // namespace ecab::http::internal
