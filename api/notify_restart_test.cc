// The dispatcher against a running ecabinetd killed with SIGKILL in the
// middle of delivering: after the restart every invitation is delivered, to
// each invitee once, and no Message-ID more than twice (the one in flight
// when the process died may be sent again, with the same Message-ID; a relay
// that deduplicates by it sees it once). The log records each delivery once.
#include <map>
#include <set>

#include "api/http/client.h"
#include "api/test_servers.h"
#include "api/testing.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Parse;

class NodeProcess {
 public:
  NodeProcess(std::filesystem::path dir, std::vector<std::string> extra)
      : dir_(std::move(dir)), extra_(std::move(extra)) {}
  ~NodeProcess() { Kill(); }
  // Starts ecabinetd on dir/node; returns its port, 0 when it did not serve in 60 s.
  int Start() {
    log_ = dir_ / ("node-" + std::to_string(++starts_) + ".log");
    std::vector<std::string> argv{"ecabinetd",
                                  "--data-dir",
                                  (dir_ / "node").string(),
                                  "--demo-cabinet",
                                  std::string(ECAB_FIXTURES_DIR) + "/cabinet-2019.json",
                                  "--port",
                                  "0",
                                  "--password-cost",
                                  "10"};
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(ECAB_ECABINETD, args.data());
      ::_exit(127);
    }
    for (int i = 0; i < 600; ++i) {
      std::ifstream in(log_);
      const std::string text{std::istreambuf_iterator<char>(in), {}};
      if (auto at = text.find("\"url\":\"https://127.0.0.1:"); at != std::string::npos)
        return std::stoi(text.substr(at + 25));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  }
  void Kill(int signal = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  std::unique_ptr<http::HttpsClient> Client(int port) const {
    http::ClientOptions options;
    options.port = static_cast<std::uint16_t>(port);
    options.ca_file = dir_ / "node" / "tls" / "server.crt.pem";
    std::string error;
    auto client = http::HttpsClient::Connect(options, &error);
    EXPECT_NE(client, nullptr) << error;
    return client;
  }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> extra_;
  std::filesystem::path log_;
  pid_t pid_ = 0;
  int starts_ = 0;
};

std::string Login(http::HttpsClient& client, const std::string& person) {
  const auto r = client.Send("POST", "/v1/login",
                             json{{"person", person}, {"password", "cabinet-demo-2019"}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  return "Bearer " + Parse(r.body).value("token", "");
}

// Message-ID -> how many times the sink received it, of the mails whose
// subject starts with `subject`.
std::map<std::string, int> MessageIds(const testing::SmtpSink& sink,
                                      const std::string& subject = "") {
  std::map<std::string, int> ids;
  for (const auto& m : sink.Mails()) {
    const std::string data = m["data"];
    if (!testing::Subject(data).starts_with(subject)) continue;
    const auto at = data.find("Message-ID: ");
    if (at != std::string::npos) ++ids[data.substr(at + 12, data.find("\r\n", at) - at - 12)];
  }
  return ids;
}

const std::string kInvitation = "Giấy mời: Phiên họp chuyên đề";

TEST(Ecabinetd, KilledMidDeliveryDeliversEveryNotificationAfterRestartNoneTwiceByMessageId) {
  es::testing::TempDir dir;
  const int smtp_port = testing::FreePort();
  testing::SmtpSink sink(dir.path(), smtp_port,
                         150);  // 150 ms a message: the kill lands mid-delivery
  NodeProcess node(dir.path(),
                   {"--smtp-url", "smtp://127.0.0.1:" + std::to_string(smtp_port), "--smtp-user",
                    "ecab", "--smtp-password", "s3cret", "--smtp-ca", sink.ca().string(),
                    "--notify-every-ms", "100", "--notify-connections", "1"});
  int port = node.Start();
  ASSERT_GT(port, 0) << "ecabinetd did not serve";
  auto client = node.Client(port);
  ASSERT_NE(client, nullptr);
  const std::string admin = Login(*client, "bootstrap"),
                    staff = Login(*client, "gov-office-staff-1");
  const std::string b = "/v1/bodies/gov-vn";
  // (The demo's own news may be mailed too, as the herald announces them
  // after these addresses are set: only the invitations below are counted.)
  std::vector<std::string> invitees;
  for (const char* p : {"min-trade", "min-justice", "min-home", "min-ict", "min-finance",
                        "min-health", "min-education", "min-defence", "min-security",
                        "min-transport", "min-planning", "min-agriculture"}) {
    const auto set =
        client->Send("PUT", b + "/people/" + p + "/contact",
                     json{{"email", std::string(p) + "@gov.vn"}, {"channels", {"email"}}}.dump(),
                     {{"Authorization", admin}});
    ASSERT_EQ(set.status, 201) << p << ": " << set.body;
    invitees.push_back(p);
  }
  const auto in = [](int hours) {
    return FormatRfc3339(
        std::chrono::floor<std::chrono::seconds>(testing::Now() + std::chrono::hours(hours)));
  };
  ASSERT_EQ(client
                ->Send("POST", b + "/meetings",
                       json{{"meeting", "m-kill"},
                            {"title", "Phiên họp chuyên đề"},
                            {"starts_at", in(72)},
                            {"ends_at", in(75)},
                            {"place", "Trụ sở Chính phủ"}}
                           .dump(),
                       {{"Authorization", staff}})
                .status,
            201);
  for (const auto& p : invitees) {
    ASSERT_EQ(client
                  ->Send("POST", b + "/meetings/m-kill/invitations", json{{"person", p}}.dump(),
                         {{"Authorization", staff}})
                  .status,
              201);
  }
  bool some = false;
  for (int i = 0; i < 300 && !some; ++i) {  // up to 30 s for the first few
    some = MessageIds(sink, kInvitation).size() >= 2;
    if (!some) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(some) << "deliveries began";
  node.Kill(SIGKILL);
  const std::size_t before = MessageIds(sink, kInvitation).size();
  ASSERT_LT(before, invitees.size()) << "killed before the end of the deliveries";

  port = node.Start();
  ASSERT_GT(port, 0);
  for (int i = 0; i < 600 && MessageIds(sink, kInvitation).size() < invitees.size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // a few more dispatcher rounds
  const auto ids = MessageIds(sink, kInvitation);
  EXPECT_EQ(ids.size(), invitees.size()) << "every invitee's invitation, one Message-ID each";

  int repeated = 0;
  for (const auto& [id, times] : ids) {
    EXPECT_LE(times, 2) << id;
    repeated += times - 1;
  }
  EXPECT_LE(repeated, 1) << "at most the one in flight at the kill is sent again";
  std::set<std::string> mailboxes;
  for (const auto& m : sink.Mails()) {
    if (testing::Subject(m["data"]).starts_with(kInvitation))
      mailboxes.insert(m["rcpt_tos"][0].get<std::string>());
  }
  EXPECT_EQ(mailboxes.size(), invitees.size());

  // The log records each delivery once: one notification.delivered per Message-ID received.
  client = node.Client(port);
  ASSERT_NE(client, nullptr);
  const std::string auditor = Login(*client, "auditor-1");
  std::size_t delivered = 0;
  for (std::uint64_t from = 1;;) {
    const auto page = client->Send("GET", b + "/log?from=" + std::to_string(from) + "&limit=1000",
                                   "", {{"Authorization", auditor}});
    ASSERT_EQ(page.status, 200) << page.body;
    const json answer = Parse(page.body);
    if (answer["events"].empty()) break;
    for (const auto& e : answer["events"])
      delivered += e.value("type", "") == "notification.delivered";
    from = answer["next_from"].get<std::uint64_t>();
  }
  EXPECT_EQ(delivered, MessageIds(sink).size());
  node.Kill(SIGTERM);
}

}  // namespace
}  // namespace ecab::api
