// An outside witness on loopback (a real TLS server) receives every head the
// node publishes, exactly as the log's key signed it.
#include "api/head_publisher.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "api/http/server.h"
#include "api/pki.h"
#include "eventstore/head_witness.h"
#include "eventstore/testing.h"

namespace ecab::api {
namespace {

// Records what is POSTed to it; answers `status`.
class RecordingWitness final : public http::Handler {
 public:
  explicit RecordingWitness(int status) : status_(status) {}
  http::Response Handle(const http::Request& request) override {
    std::lock_guard g(mu_);
    received.push_back(request.method + " " + request.path + " " + request.body);
    http::Response r;
    r.status = status_;
    r.body = "{}";
    return r;
  }
  bool MayBlock(const http::Request&) const override { return false; }
  std::variant<http::Response, std::unique_ptr<http::FeedSource>> OpenFeed(
      const http::Request&) override {
    return http::Response{404, "application/json", "{}", {}, ""};
  }
  void Observe(const http::Request&, const http::Response&, std::chrono::microseconds) override {}
  bool Reached(std::uint64_t) const override { return true; }
  std::vector<std::string> received;

 private:
  int status_;
  std::mutex mu_;
};

class OutsideWitness : public ::testing::Test {
 protected:
  std::unique_ptr<http::Server> Serve(RecordingWitness& handler) {
    auto tls = pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1"}, 2);
    EXPECT_TRUE(tls.ok());
    std::ofstream(dir.path() / "witness.crt") << tls->certificate_pem;
    std::ofstream(dir.path() / "witness.key") << tls->key_pem;
    http::ServerOptions o;
    o.port = 0;
    o.certificate_chain = dir.path() / "witness.crt";
    o.private_key = dir.path() / "witness.key";
    std::string error;
    auto server = http::Server::Create(o, handler, &error);
    EXPECT_NE(server, nullptr) << error;
    if (server) server->Start();
    return server;
  }
  es::TreeHead Head() {
    auto signer = es::TreeHeadSigner::LoadOrCreate(dir.path() / "log-key.pem");
    EXPECT_TRUE(signer.ok());
    es::Hash root;
    root.fill(7);
    return *(*signer)->Sign(306, root, es::SystemClock().Now());
  }
  es::testing::TempDir dir;
};

TEST_F(OutsideWitness, ReceivesTheSignedHeadAsJson) {
  RecordingWitness witness(201);
  auto server = Serve(witness);
  ASSERT_NE(server, nullptr);
  auto url =
      ParseWitnessUrl("https://127.0.0.1:" + std::to_string(server->port()) + "/heads?log=gov");
  ASSERT_TRUE(url.ok());
  const es::TreeHead head = Head();
  ASSERT_TRUE(PostTreeHead(*url, dir.path() / "witness.crt", head, std::chrono::seconds(5)).ok());
  server->Stop();
  ASSERT_EQ(witness.received.size(), 1u);
  EXPECT_EQ(witness.received[0], "POST /heads " + es::TreeHeadJson(head));
  auto parsed =
      es::ParseTreeHeadJson(witness.received[0].substr(std::string("POST /heads ").size()));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, head);
}

TEST_F(OutsideWitness, ARefusalOrAnUntrustedCertificateIsAnError) {
  RecordingWitness refusing(503);
  auto server = Serve(refusing);
  ASSERT_NE(server, nullptr);
  auto url = ParseWitnessUrl("https://127.0.0.1:" + std::to_string(server->port()));
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->target, "/");
  auto refused = PostTreeHead(*url, dir.path() / "witness.crt", Head(), std::chrono::seconds(5));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("503"), std::string::npos);
  // A CA the witness's certificate does not chain to.
  auto other = pki::SelfSignedTls("other", {"other"}, {"127.0.0.1"}, 2);
  std::ofstream(dir.path() / "other.crt") << other->certificate_pem;
  EXPECT_FALSE(PostTreeHead(*url, dir.path() / "other.crt", Head(), std::chrono::seconds(5)).ok());
  server->Stop();
  EXPECT_EQ(refusing.received.size(), 1u) << "nothing was sent to an untrusted peer";
}

TEST_F(OutsideWitness, TheNodeSendsEveryHeadItSignsAndKeepsItInItsWitnessFile) {
  RecordingWitness witness(200);
  auto server = Serve(witness);
  ASSERT_NE(server, nullptr);
  const auto data = dir.path() / "node";
  const std::string command =
      std::string(ECAB_ECABINETD) + " --once --password-cost 10 --data-dir " + data.string() +
      " --demo-cabinet " + ECAB_FIXTURES_DIR + "/cabinet-2019.json" +
      " --witness-url https://127.0.0.1:" + std::to_string(server->port()) + "/heads" +
      " --witness-ca " + (dir.path() / "witness.crt").string() + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  server->Stop();
  ASSERT_EQ(witness.received.size(), 1u);
  auto claim = es::ReadWitness(data / "tree-heads.jsonl");
  ASSERT_TRUE(claim.ok() && claim->has_value());
  auto sent = es::ParseTreeHeadJson(witness.received[0].substr(std::string("POST /heads ").size()));
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->size, (*claim)->size) << "the same head, in the file and at the witness";
  EXPECT_EQ(std::system((std::string(ECAB_ECABINETD) + " --once --data-dir " + data.string() +
                         " --witness-url http://127.0.0.1/ 2>/dev/null")
                            .c_str()),
            1 << 8)
      << "only https";
}

TEST(WitnessUrl, OnlyHttpsWithAHostAndAPort) {
  EXPECT_FALSE(ParseWitnessUrl("http://witness.example/heads").ok());
  EXPECT_FALSE(ParseWitnessUrl("https://:8443/").ok());
  EXPECT_FALSE(ParseWitnessUrl("https://witness.example:99999/").ok());
  auto ok = ParseWitnessUrl("https://witness.example/v1/heads");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->host, "witness.example");
  EXPECT_EQ(ok->port, 443);
  EXPECT_EQ(ok->target, "/v1/heads");
}

}  // namespace
}  // namespace ecab::api
