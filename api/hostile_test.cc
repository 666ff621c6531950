// Hostile and careless clients, one test per class (issue 13 in part): a
// password reset ends the old sessions, a document the caller may not read
// cannot be marked studied, downloads are named per RFC 6266, TLS 1.2 offers
// only AEAD suites, exports name files from valid ids only.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "api/identity.h"
#include "api/testing.h"
#include "replay/export.h"
#include "replay/tree_heads.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

// What `command` printed (stdout and stderr) and its exit status.
std::pair<std::string, int> Shell(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  while (pipe && std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
  const int status = pipe ? ::pclose(pipe) : -1;
  return {out, status};
}

TEST(Hostile, APasswordResetRevokesEveryTokenOfThatPersonOnly) {
  Node node;
  const std::string pm = node.Token("pm"), finance = node.Token("min-finance");
  auto as = [&](const std::string& token) {
    return node.Call("GET", "/v1/bodies/gov-vn", "", "", {{"authorization", "Bearer " + token}})
        .status;
  };
  ASSERT_EQ(as(pm), 200);
  const auto reset = node.Call("PUT", "/v1/bodies/gov-vn/people/pm/password",
                               json{{"password", "a brand new password"}}.dump(), "bootstrap");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(as(pm), 401) << "the old session survived the reset";
  EXPECT_EQ(as(finance), 200) << "another person's session ended too";
  const auto login = node.Call("POST", "/v1/login",
                               json{{"person", "pm"}, {"password", "a brand new password"}}.dump());
  EXPECT_EQ(login.status, 200) << login.body;
}

TEST(Hostile, ADocumentTheCallerMayNotReadCannotBeMarkedStudied) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  ASSERT_EQ(node.Call("PUT", b + "/policy", testing::PolicyJson().dump(), "bootstrap").status, 201);
  ASSERT_EQ(node.Call("POST", b + "/documents",
                      R"({"document":"secret-1","title":"Mật","classification":"secret"})",
                      "gov-office-staff-1")
                .status,
            201);
  ASSERT_EQ(node.Call("POST", b + "/documents/secret-1/grants", R"({"person":"min-home"})",
                      "gov-office-staff-1")
                .status,
            201);
  ASSERT_EQ(node.Call("POST", b + "/meetings",
                      json{{"meeting", "m1"},
                           {"title", "S"},
                           {"place", "Hà Nội"},
                           {"starts_at", FormatRfc3339(testing::Now() + std::chrono::hours(24))},
                           {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(26))}}
                          .dump(),
                      "gov-office-staff-1")
                .status,
            201);
  ASSERT_EQ(node.Call("POST", b + "/meetings/m1/agenda",
                      R"({"item":"i1","title":"I","documents":["secret-1"]})", "gov-office-staff-1")
                .status,
            201);
  for (const std::string p : {"min-home", "min-finance"}) {
    ASSERT_EQ(node.Call("POST", b + "/meetings/m1/invitations", json{{"person", p}}.dump(),
                        "gov-office-staff-1")
                  .status,
              201);
  }
  const std::uint64_t head = node.store->head_position();
  const auto refused =
      node.Call("POST", b + "/meetings/m1/documents/secret-1/studied", "", "min-finance");
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(refused.body.find("Mật"), std::string::npos);
  const auto unknown =
      node.Call("POST", b + "/meetings/m1/documents/no-such/studied", "", "min-finance");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  // An unreadable document and a missing one are answered alike.
  EXPECT_EQ(Parse(refused.body)["detail"], "no document 'secret-1' in this body");
  EXPECT_EQ(Parse(unknown.body)["detail"], "no document 'no-such' in this body");
  EXPECT_EQ(node.store->head_position(), head);
  EXPECT_EQ(node.Call("POST", b + "/meetings/m1/documents/secret-1/studied", "", "min-home").status,
            201);
}

TEST(Hostile, TlsTwelveOffersOnlyForwardSecretAeadSuites) {
  Node node;
  node.Serve();
  auto handshake = [&](const std::string& options) {
    return Shell("echo | timeout 10 openssl s_client -connect 127.0.0.1:" +
                 std::to_string(node.server->port()) + " " + options)
        .first;
  };
  for (const std::string cbc :
       {"AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES256-GCM-SHA384"}) {
    const std::string said = handshake("-tls1_2 -cipher " + cbc);
    EXPECT_EQ(said.find("Cipher is " + cbc), std::string::npos) << cbc << " was accepted:\n"
                                                                << said;
  }
  const std::string aead = handshake("-tls1_2");
  EXPECT_NE(aead.find("GCM"), std::string::npos) << aead;
}

TEST(Hostile, ExportsNameFilesFromValidIdsOnlyAndRefuseARecordHoldingAnotherId) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  auto meeting = [&](const std::string& id) {
    ASSERT_EQ(node.Call("POST", b + "/meetings",
                        json{{"meeting", id},
                             {"title", "S"},
                             {"place", "Hà Nội"},
                             {"starts_at", FormatRfc3339(testing::Now())},
                             {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(2))}}
                            .dump(),
                        "gov-office-staff-1")
                  .status,
              201);
  };
  meeting("m1");
  meeting("m2");
  ASSERT_EQ(node.Call("POST", b + "/meetings/m2/agenda", R"({"item":"i1","title":"I"})",
                      "gov-office-staff-1")
                .status,
            201);
  // A record from before ids were checked at the edge: a document id that is a
  // path, on m1's agenda (written through the command layer, as an old server did).
  const std::string hostile = "../../../x";
  const CommandContext staff{testing::Now(), "gov-office-staff-1", Role::kSecretariat, "", "old:1"};
  ASSERT_TRUE(node.app->commands()
                  .Execute("gov-vn", hostile,
                           documents::DocumentCommand{documents::RegisterDocument{hostile, "Old"}},
                           staff)
                  .ok());
  CommandContext staff2 = staff;
  staff2.command_id = "old:2";
  ASSERT_TRUE(node.app->commands()
                  .Execute("gov-vn", "m1",
                           meeting::MeetingCommand{meeting::AddAgendaItem{"i1", "I", {hostile}}},
                           staff2)
                  .ok());
  auto signer = es::TreeHeadSigner::LoadOrCreate(node.dir.path() / "log-key.pem");
  ASSERT_TRUE(signer.ok());
  ASSERT_TRUE(replay::RecordTreeHead(*node.store, **signer, testing::Now()).ok());

  // Over HTTP: refused, naming the id.
  const auto refused = node.Call("GET", b + "/meetings/m1/export", "", "archivist-1");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(Parse(refused.body).value("detail", "").find(hostile), std::string::npos)
      << refused.body;
  // The CLI's exporter: refused, and nothing written inside or outside the target.
  const auto work = node.dir.path() / "a" / "b" / "c";
  std::filesystem::create_directories(work);
  auto cli = replay::ExportMeeting(
      *node.store, replay::ExportRequest{"m1", "archivist-1", work / "bag", "", {}});
  ASSERT_FALSE(cli.ok());
  EXPECT_EQ(cli.error().code, ErrorCode::kInvalidArgument) << ToString(cli.error());
  EXPECT_FALSE(std::filesystem::exists(work / "bag"));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(node.dir.path())) {
    EXPECT_NE(entry.path().filename(), "x.json") << entry.path();
  }
  // A hostile top folder for the tar is refused too.
  auto rooted = replay::ExportMeeting(
      *node.store, replay::ExportRequest{"m2", "archivist-1", work / "m2.tar", "", {}, "../up"});
  EXPECT_FALSE(rooted.ok());

  // A sound record: every member of the HTTP tar lies under "meeting-m2/",
  // and both GNU tar and Python's data filter extract it.
  ASSERT_TRUE(replay::RecordTreeHead(*node.store, **signer, testing::Now()).ok());
  const auto bag = node.Call("GET", b + "/meetings/m2/export", "", "archivist-1");
  ASSERT_EQ(bag.status, 200) << bag.body;
  const auto tar = node.dir.path() / "m2.tar";
  std::ofstream(tar, std::ios::binary) << bag.body;
  const auto [listing, listed] = Shell("tar -tf " + tar.string());
  ASSERT_EQ(listed, 0) << listing;
  std::istringstream members(listing);
  int count = 0;
  for (std::string line; std::getline(members, line); ++count) {
    EXPECT_TRUE(line.starts_with("meeting-m2/")) << line;
    EXPECT_EQ(line.find(".."), std::string::npos) << line;
  }
  EXPECT_GT(count, 5);
  std::filesystem::create_directories(node.dir.path() / "gnu");
  std::filesystem::create_directories(node.dir.path() / "py");
  const auto [gnu_out, gnu] =
      Shell("tar -xf " + tar.string() + " -C " + (node.dir.path() / "gnu").string());
  EXPECT_EQ(gnu, 0) << gnu_out;
  const auto [py_out, py] = Shell(
      "python3 -c \"import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2], "
      "filter='data')\" " +
      tar.string() + " " + (node.dir.path() / "py").string());
  EXPECT_EQ(py, 0) << py_out;
  EXPECT_TRUE(std::filesystem::exists(node.dir.path() / "py" / "meeting-m2" / "bagit.txt"));
}

// Log lines written while it lives, for checking what logs carry.
class CapturedLogs {
 public:
  CapturedLogs() : previous_(spdlog::default_logger()) {
    auto logger = std::make_shared<spdlog::logger>(
        "captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLogs() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(Hostile, BodiesThatWereAcceptedOrCrashedAreRefusedWithTheirProblemAndNothingIsRecorded) {
  Node node;
  const std::string path = "/v1/bodies/gov-vn/meetings";
  const std::uint64_t head = node.store->head_position();
  const std::string digits(100'000, '9');
  CapturedLogs logs;
  auto post = [&](const std::string& body, const std::string& type = "application/json") {
    return node.Call("POST", path, body, "gov-office-staff-1", {{"content-type", type}});
  };
  const std::string meeting =
      R"({"meeting":"m1","title":"T","place":"P","starts_at":"2030-01-01T08:00:00Z",)"
      R"("ends_at":"2030-01-01T10:00:00Z"})";
  struct Case {
    std::string what, body, type;
    int status;
    std::string slug;
  };
  const std::vector<Case> cases = {
      {"a number beyond a double", R"({"meeting":"m1","title":1e999})", "application/json", 422,
       "invalid-value"},
      {"a 100,000-digit number", R"({"meeting":"m1","title":)" + digits + "}", "application/json",
       422, "invalid-value"},
      {"a media type that only starts like JSON", meeting, "application/jsonfoo", 415,
       "unsupported-media-type"},
      {"a parameter other than charset", meeting, "application/json; boundary=x", 415,
       "unsupported-media-type"},
      {"bytes after a NUL", meeting + std::string(1, '\0') + "garbage", "application/json", 400,
       "malformed-json"},
      {"a key given twice", R"({"meeting":"m1","meeting":"m2","title":"T"})", "application/json",
       400, "malformed-json"},
      {"a byte-order mark", "\xEF\xBB\xBF" + meeting, "application/json", 400, "malformed-json"},
  };
  for (const auto& c : cases) {
    const auto r = post(c.body, c.type);
    EXPECT_EQ(r.status, c.status) << c.what << ": " << r.body.substr(0, 300);
    EXPECT_EQ(testing::Slug(r.body), c.slug) << c.what;
    EXPECT_EQ(r.content_type, "application/problem+json") << c.what;
    EXPECT_LT(r.body.size(), 1000u) << c.what << ": the problem echoes the input";
  }
  EXPECT_EQ(node.store->head_position(), head) << "a refused body was recorded";
  const std::string logged = logs.text();
  EXPECT_EQ(logged.find("99999999999999999999"), std::string::npos)
      << "a log line carries the request body";
  std::istringstream lines(logged);
  for (std::string line; std::getline(lines, line);)
    EXPECT_LT(line.size(), 2000u) << line.substr(0, 200);
  // The same body, well formed, passes (with the one parameter JSON has).
  EXPECT_EQ(post(meeting, "Application/JSON; charset=\"UTF-8\"").status, 201);
}

TEST(Hostile, APathWithAnEncodedSlashOrARepeatedParameterIsRefusedBeforeRouting) {
  std::string path;
  std::map<std::string, std::string> query;
  EXPECT_FALSE(http::ParseTarget("/v1/bodies/gov-vn/meetings/demo-1%2Fcomments", path, query));
  EXPECT_FALSE(http::ParseTarget("/v1/bodies/gov-vn/meetings/demo-1%2fcomments", path, query));
  EXPECT_FALSE(http::ParseTarget("/v1/bodies/gov-vn%0A", path, query));
  EXPECT_FALSE(http::ParseTarget("/v1/bodies/gov-vn/log?from=1&from=2", path, query));
  ASSERT_TRUE(http::ParseTarget("/v1/bodies/gov-vn/search?q=a%2Fb", path, query))
      << "a slash in a query value is data";
  EXPECT_EQ(query["q"], "a/b");
  Node node;
  node.Serve();
  auto client = node.Client();
  ASSERT_NE(client, nullptr);
  const auto r = client->Send("GET", "/v1/bodies/gov-vn/meetings/demo-1%2Fcomments", "",
                              {{"authorization", "Bearer " + node.Token("pm")}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("malformed-target"), std::string::npos) << r.body;
}

TEST(Hostile, MadeUpMethodsAddNoMetricSeries) {
  Node node;
  auto metrics = [&] { return node.Call("GET", "/metrics").body; };
  const std::size_t before = metrics().size();
  for (int i = 0; i < 500; ++i) {
    http::Request r;
    r.method = "BREW" + std::to_string(i);
    r.target = r.path = "/healthz";
    r.peer = "127.0.0.1";
    const auto response = node.app->Handle(r);
    node.app->Observe(r, response, std::chrono::microseconds(10));
  }
  const std::string after = metrics();
  EXPECT_EQ(after.find("BREW"), std::string::npos);
  EXPECT_NE(after.find("method=\"other\""), std::string::npos) << "they are counted, as 'other'";
  EXPECT_LT(after.size(), before + 4000) << "the series grew with the made-up names";
}

TEST(Hostile, BodyNamesFromUnauthenticatedPathsAreNotKept) {
  Node node;
  const std::size_t before = node.app->commands().bodies_cached();
  for (int i = 0; i < 2000; ++i) {
    const auto r = node.Call("POST", "/v1/bodies/made-up-" + std::to_string(i) + "-" +
                                         std::string(40, 'x') + "/login/certificate");
    EXPECT_EQ(r.status, 401) << r.body;  // as for a body that exists: no certificate
  }
  EXPECT_LE(node.app->commands().bodies_cached(), std::max<std::size_t>(before, 2))
      << "unknown names were kept";
  const auto existing = node.Call("POST", "/v1/bodies/gov-vn/login/certificate");
  const auto unknown = node.Call("POST", "/v1/bodies/no-such-body/login/certificate");
  EXPECT_EQ(existing.status, unknown.status);
  EXPECT_EQ(existing.body, unknown.body) << "an unauthenticated caller learns which bodies exist";
}

// A login request from `address`.
http::Response LoginFrom(Node& node, const std::string& address, const std::string& person,
                         const std::string& password) {
  http::Request r;
  r.method = "POST";
  r.target = r.path = "/v1/login";
  r.headers.emplace_back("content-type", "application/json");
  r.body = json{{"person", person}, {"password", password}}.dump();
  r.peer = address;
  return node.app->Handle(r);
}

std::string RetryAfter(const http::Response& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Retry-After") return value;
  }
  return "";
}

TEST(Hostile, WrongPasswordsFromElsewhereSlowTheRightPersonDownButNeverLockThemOut) {
  Node node;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(LoginFrom(node, "203.0.113.9", "pm", "guess number " + std::to_string(i)).status,
              401);
  const auto blocked = LoginFrom(node, "203.0.113.9", "pm", "guess number 6");
  EXPECT_EQ(blocked.status, 429) << "the guessing address is stopped for the minute";
  // The chair, from their own address: a delay of a second, not a minute.
  const auto early = LoginFrom(node, "10.1.1.1", "pm", testing::kPassword);
  if (early.status == 429) {
    EXPECT_EQ(RetryAfter(early), "1") << early.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  }
  const auto chair = LoginFrom(node, "10.1.1.1", "pm", testing::kPassword);
  EXPECT_EQ(chair.status, 200) << chair.body;
  // Others from the guessing address are not locked out by one person's failures.
  EXPECT_EQ(LoginFrom(node, "203.0.113.9", "min-finance", testing::kPassword).status, 200);
  // Guessing many people from one address is stopped for that address.
  int refused = 0;
  for (int i = 0; i < 30; ++i) {
    refused +=
        LoginFrom(node, "198.51.100.7", "person-" + std::to_string(i), "wrong password").status ==
        429;
  }
  EXPECT_GE(refused, 10);
  EXPECT_EQ(LoginFrom(node, "198.51.100.8", "min-trade", testing::kPassword).status, 200);
}

TEST(Hostile, ParallelWrongLoginsAreCountedBeforeHashingAndHashedFewAtATime) {
  Node node;
  const std::uint64_t hashed = node.app->identity().hashes_computed();
  std::vector<int> statuses(20);
  std::vector<std::thread> threads;
  threads.reserve(statuses.size());
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = LoginFrom(node, "203.0.113.10", "pm", "wrong " + std::to_string(i)).status;
    });
  }
  for (auto& t : threads) t.join();
  const auto failed = std::count(statuses.begin(), statuses.end(), 401);
  const auto throttled = std::count(statuses.begin(), statuses.end(), 429);
  EXPECT_LE(failed, 5);
  EXPECT_EQ(failed + throttled, 20);
  EXPECT_LE(node.app->identity().hashes_computed() - hashed, 5u)
      << "throttled attempts were hashed";
}

TEST(Hostile, APasswordCostTheMachineCannotComputeIsRefusedAtStart) {
  es::testing::TempDir dir;
  for (int cost : {9, 18, 20}) {
    auto identity = Identity::Open(dir.path() / ("c" + std::to_string(cost)), es::testing::Ring(),
                                   IdentityOptions{cost});
    ASSERT_FALSE(identity.ok()) << cost;
    EXPECT_EQ(identity.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(
      Identity::Open(dir.path() / "c17", es::testing::Ring(), IdentityOptions{kMaxPasswordCost})
          .ok())
      << "the largest documented cost works";
}

}  // namespace
}  // namespace ecab::api
