// Feed clients at the transport (issue 13): one that never reads is dropped
// with its queue capped in bytes; one that stays quiet but answers pings is
// kept, one that answers nothing is cut.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "api/pki.h"
#include "api/testing.h"

namespace ecab::api {
namespace {

using testing::Node;

// A feed that always has another 256 KiB message.
class Firehose final : public http::FeedSource {
 public:
  http::FeedBatch Next(std::chrono::milliseconds) override {
    http::FeedBatch b;
    b.messages.push_back(std::make_shared<const std::string>(256 * 1024, 'x'));
    return b;
  }
};

// A handler whose every feed is a `Feed`.
template <class Feed>
class FeedsOf final : public http::Handler {
 public:
  http::Response Handle(const http::Request&) override { return http::Response{}; }
  bool MayBlock(const http::Request&) const override { return false; }
  std::variant<http::Response, std::unique_ptr<http::FeedSource>> OpenFeed(
      const http::Request&) override {
    return std::make_unique<Feed>();
  }
  void Observe(const http::Request&, const http::Response&, std::chrono::microseconds) override {}
  bool Reached(std::uint64_t) const override { return true; }
};

// A server on a free loopback port with a fresh self-signed certificate, and
// the options of a client that trusts it.
struct Served {
  Node node;  // for its directory
  std::unique_ptr<http::Server> server;
  http::ClientOptions client;

  Served(http::ServerOptions o, http::Handler& handler) {
    auto tls = pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1"}, 2);
    EXPECT_TRUE(tls.ok());
    if (!tls.ok()) return;
    std::ofstream(node.dir.path() / "tls.crt") << tls->certificate_pem;
    std::ofstream(node.dir.path() / "tls.key") << tls->key_pem;
    o.port = 0;
    o.certificate_chain = node.dir.path() / "tls.crt";
    o.private_key = node.dir.path() / "tls.key";
    std::string error;
    server = http::Server::Create(o, handler, &error);
    EXPECT_NE(server, nullptr) << error;
    if (!server) return;
    server->Start();
    client.port = server->port();
    client.ca_file = node.dir.path() / "tls.crt";
  }
  ~Served() {
    if (server) server->Stop();
  }
};

TEST(Transport, AFeedClientThatNeverReadsIsDroppedWithItsQueueCapped) {
  http::ServerOptions o;
  o.max_feed_queue_bytes = 1024 * 1024;
  o.slow_feed_grace = std::chrono::milliseconds(500);
  FeedsOf<Firehose> handler;
  Served served(o, handler);
  ASSERT_NE(served.server, nullptr);
  auto& server = served.server;
  const http::ClientOptions& c = served.client;
  std::string error;
  int refused = 0;
  auto lazy = http::WsClient::Connect(c, "/feed", {}, &error, &refused);
  ASSERT_NE(lazy, nullptr) << refused << " " << error;
  for (int i = 0; i < 200 && server->counters().dropped_feeds.load() == 0; ++i) {  // up to 20 s
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(server->counters().dropped_feeds.load(), 1u);
  // What was sent before the drop, then the close frame with 1008.
  for (int i = 0; i < 2000 && !lazy->closed(); ++i) lazy->Read(std::chrono::milliseconds(50));
  EXPECT_TRUE(lazy->closed());
  EXPECT_EQ(lazy->close_code(), 1008);
  // A reading client gets messages as before.
  auto reader = http::WsClient::Connect(c, "/feed", {}, &error, &refused);
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(reader->Read(std::chrono::seconds(5)).has_value());
  reader->Close();
}

// A feed with nothing to say.
class QuietFeed final : public http::FeedSource {
 public:
  http::FeedBatch Next(std::chrono::milliseconds wait) override {
    std::this_thread::sleep_for(wait);
    return {};
  }
};

TEST(Transport, AQuietFeedClientThatAnswersPingsStaysAndOneThatAnswersNothingIsCut) {
  http::ServerOptions o;
  o.feed_idle_timeout = std::chrono::milliseconds(1'000);
  FeedsOf<QuietFeed> handler;
  Served served(o, handler);
  ASSERT_NE(served.server, nullptr);
  auto& server = served.server;
  const http::ClientOptions& c = served.client;
  std::string error;
  int refused = 0;
  auto listening = http::WsClient::Connect(c, "/feed", {}, &error, &refused);
  auto deaf = http::WsClient::Connect(c, "/feed", {}, &error, &refused);
  ASSERT_NE(listening, nullptr) << refused << " " << error;
  ASSERT_NE(deaf, nullptr) << refused << " " << error;
  // Three idle timeouts: the listening client's WebSocket answers the pings.
  for (int i = 0; i < 30; ++i)
    EXPECT_FALSE(listening->Read(std::chrono::milliseconds(100)).has_value());
  EXPECT_FALSE(listening->closed());
  EXPECT_EQ(server->counters().open_websockets.load(), 1) << "the deaf client was not cut";
  EXPECT_FALSE(deaf->Read(std::chrono::milliseconds(2'000)).has_value());
  EXPECT_TRUE(deaf->closed());
  listening->Close();
}

}  // namespace
}  // namespace ecab::api
