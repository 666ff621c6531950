// The node's life over real sockets: its metrics, a graceful stop that
// closes feeds with a close frame, and the ecabinetd process itself (the
// demo, SIGTERM, a restart on the same data).
#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "api/testing.h"
#include "domain/meeting/meeting.h"
#include "domain/resolution/resolution.h"
#include "projections/views.h"
namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

TEST(Https, MetricsCountRequestsByRouteAndOpenFeeds) {
  Node node;
  node.Serve();
  auto pm = node.Client();
  const std::string token = node.Token("pm");
  const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
  ASSERT_EQ(pm->Send("GET", "/v1/bodies/gov-vn", "", auth).status, 200);
  ASSERT_EQ(pm->Send("GET", "/v1/bodies/gov-vn/nothing-here", "", auth).status, 404);
  std::string error;
  int refused = 0;
  auto ws = http::WsClient::Connect(node.ClientOptions(), "/v1/bodies/gov-vn/feed", auth, &error,
                                    &refused);
  ASSERT_NE(ws, nullptr) << error;
  const auto metrics = node.Client()->Send("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.headers.at("content-type"), "text/plain; version=0.0.4");
  EXPECT_NE(
      metrics.body.find(
          R"(ecab_http_requests_total{method="GET",route="/v1/bodies/{body}",status="200"} 1)"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"x(route="(unmatched)",status="404"} 1)x"), std::string::npos);
  EXPECT_NE(metrics.body.find("ecab_websockets_open 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("ecab_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("ecab_projection_lag_events"), std::string::npos);
  EXPECT_EQ(node.Client()->Send("GET", "/readyz").status, 200);
}

TEST(Https, StoppingClosesFeedsWithACloseFrameAndRefusesNewConnections) {
  Node node;
  node.Serve();
  const std::uint16_t port = node.server->port();
  std::string error;
  int refused = 0;
  // From the head: nothing queued, so the close frame is the next thing sent.
  auto ws = http::WsClient::Connect(
      node.ClientOptions(),
      "/v1/bodies/gov-vn/feed?from=" + std::to_string(node.store->head_position()),
      {{"Authorization", "Bearer " + node.Token("pm")}}, &error, &refused);
  ASSERT_NE(ws, nullptr) << error;
  const auto started = std::chrono::steady_clock::now();
  std::thread stopper([&] { node.server->Stop(); });
  for (int i = 0; i < 50 && !ws->closed(); ++i) ws->Read(std::chrono::milliseconds(100));
  stopper.join();
  // The feed closed in the handshake, well before the grace period ran out.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  EXPECT_TRUE(ws->closed());
  EXPECT_EQ(ws->close_code(), 1001);  // going away
  auto options = node.ClientOptions();
  options.port = port;
  options.timeout = std::chrono::seconds(2);
  EXPECT_EQ(http::HttpsClient::Connect(options, &error), nullptr);
}

// The real ecabinetd process: serves the demo, and on SIGTERM closes its
// feeds with 1001, stops, exits 0, and starts again on the same data.
TEST(Ecabinetd, ServesTheDemoAndStopsGracefullyOnSigterm) {
  es::testing::TempDir dir;
  std::filesystem::path log;
  int starts = 0;
  pid_t running = 0;
  struct Reaper {  // never leaves a node behind, whatever fails
    pid_t& pid;
    ~Reaper() {
      if (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } reaper{running};
  auto start = [&] {
    log = dir.path() / ("node-" + std::to_string(++starts) + ".log");
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 2);
      const std::string data = (dir.path() / "node").string();
      ::execl(ECAB_ECABINETD, "ecabinetd", "--data-dir", data.c_str(), "--demo-cabinet",
              (std::string(ECAB_FIXTURES_DIR) + "/cabinet-2019.json").c_str(), "--port", "0",
              "--password-cost", "10", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    running = pid;
    return pid;
  };
  auto url_port = [&]() -> int {
    for (int i = 0; i < 300; ++i) {  // up to 30 s
      std::ifstream in(log);
      const std::string text{std::istreambuf_iterator<char>(in), {}};
      if (auto at = text.find("\"url\":\"https://127.0.0.1:"); at != std::string::npos) {
        return std::stoi(text.substr(at + 25));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  };
  auto text_of = [](const std::filesystem::path& p) {
    std::ifstream in(p);
    return std::string{std::istreambuf_iterator<char>(in), {}};
  };
  auto wait_exit = [](pid_t pid) {
    for (int i = 0; i < 200; ++i) {  // up to 20 s
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid)
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
  };

  pid_t pid = start();
  int port = url_port();
  ASSERT_GT(port, 0) << "ecabinetd did not start serving";
  http::ClientOptions options;
  options.port = static_cast<std::uint16_t>(port);
  options.ca_file = dir.path() / "node" / "tls" / "server.crt.pem";  // the pair it generated
  std::string error;
  auto client = http::HttpsClient::Connect(options, &error);
  ASSERT_NE(client, nullptr) << error;
  EXPECT_EQ(client->Send("GET", "/healthz").status, 200);
  const auto login =
      client->Send("POST", "/v1/login", R"({"person":"pm","password":"cabinet-demo-2019"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = Parse(login.body).value("token", "");
  const auto meeting = client->Send("GET", "/v1/bodies/gov-vn/meetings/demo-1", "",
                                    {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(meeting.status, 200) << meeting.body;
  EXPECT_EQ(Parse(meeting.body)["agenda"].size(), 1u);
  int refused = 0;
  auto ws = http::WsClient::Connect(options, "/v1/bodies/gov-vn/feed?from=1000000",
                                    {{"Authorization", "Bearer " + token}}, &error, &refused);
  ASSERT_NE(ws, nullptr) << refused << " " << error;

  ::kill(pid, SIGTERM);
  for (int i = 0; i < 100 && !ws->closed(); ++i) ws->Read(std::chrono::milliseconds(100));
  EXPECT_TRUE(ws->closed());
  EXPECT_EQ(ws->close_code(), 1001);
  EXPECT_EQ(wait_exit(pid), 0);
  {
    std::ifstream in(log);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    EXPECT_NE(text.find("\"msg\":\"stopped\""), std::string::npos) << text;
    EXPECT_EQ(text.find(token), std::string::npos) << "a token reached the log";
    // The demo's banner tells the password on purpose; no log line does.
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.starts_with("{")) {
        EXPECT_EQ(line.find("cabinet-demo-2019"), std::string::npos) << line;
      }
    }
  }

  // Again on the same data: the demo is not recorded twice, the token still works.
  EXPECT_EQ(text_of(dir.path() / "node-1.log").find("demo set up") != std::string::npos, true);
  pid = start();
  port = url_port();
  ASSERT_GT(port, 0);
  options.port = static_cast<std::uint16_t>(port);
  auto again = http::HttpsClient::Connect(options, &error);
  ASSERT_NE(again, nullptr) << error;
  EXPECT_EQ(again->Send("GET", "/v1/me", "", {{"Authorization", "Bearer " + token}}).status, 200);
  ::kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 0);
  std::ifstream in(log);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(text.find("demo set up"), std::string::npos) << "the demo was recorded again";
}

}  // namespace
}  // namespace ecab::api
