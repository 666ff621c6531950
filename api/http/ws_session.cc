// One WebSocket feed: the upgrade, a pump thread pulling the FeedSource,
// the byte-capped queue, pings, and the close (api/http/server_impl.h).
#include "api/http/server_impl.h"

namespace ecab::http::internal {

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
  ws_.async_accept(*req,
                   [self = shared_from_this(), req](beast::error_code ec) { self->OnAccept(ec); });
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
                [self = shared_from_this(), m = std::move(batch.messages)]() mutable {
                  self->Enqueue(std::move(m));
                });
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
  ws_.async_write(net::buffer(*out_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
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
  Close(websocket::close_code::policy_error,
        "the client did not keep up with the feed: reconnect with from=");
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
  ws_.async_close(websocket::close_reason(code, reason),
                  [self = shared_from_this()](beast::error_code) {
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

}  // namespace ecab::http::internal
