// The server over real TLS sockets on loopback: the 24 June 2019 session
// end to end with clients signing their own ballots, WebSocket feeds that
// resume exactly once, request limits, certificate login
// (api/lifecycle_test.cc: metrics, the graceful stop, ecabinetd itself).
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

std::string Slug(const http::ClientResponse& r) { return testing::Slug(r.body); }

// A person's own connection, logged in over HTTPS.
class Person {
 public:
  Person(const Node& node, std::string id) : id_(std::move(id)), client_(node.Client()) {
    const auto r = client_->Send("POST", "/v1/login",
                                 json{{"person", id_}, {"password", testing::kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << id_ << ": " << r.body;
    token_ = Parse(r.body).value("token", "");
  }

  http::ClientResponse Send(const std::string& method, const std::string& target,
                            const json& body = nullptr,
                            std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + token_;
    return client_->Send(method, target, body.is_null() ? "" : body.dump(), headers);
  }
  // A command that must succeed; returns its result.
  json Do(const std::string& method, const std::string& target, const json& body = nullptr,
          std::map<std::string, std::string> headers = {}) {
    const auto r = Send(method, target, body, std::move(headers));
    EXPECT_TRUE(r.status == 201 || r.status == 200)
        << id_ << " " << method << " " << target << ": " << r.status << " " << r.body;
    return Parse(r.body);
  }
  const std::string& token() const { return token_; }

 private:
  std::string id_;
  std::unique_ptr<http::HttpsClient> client_;
  std::string token_;
};

json SessionFixture() {
  std::ifstream in(std::string(ECAB_FIXTURES_DIR) + "/session-2019-06-24.json");
  return json::parse(in);
}

TEST(Https, The24June2019SessionThroughTheApiWithClientsSigningTheirOwnBallots) {
  Node node;
  node.Serve();
  const json session = SessionFixture();
  const std::string b = "/v1/bodies/gov-vn";
  const std::string m = b + "/meetings/meeting-1";
  Person staff(node, "gov-office-staff-1"), pm(node, "pm");
  const auto now = [] { return testing::Now(); };

  staff.Do("POST", b + "/meetings",
           {{"meeting", "meeting-1"},
            {"title", "Regular Government meeting, June 2019"},
            {"starts_at", FormatRfc3339(now())},
            {"ends_at", FormatRfc3339(now() + std::chrono::hours(8))},
            {"place", "Government Office, Hà Nội"},
            {"online_link", "https://ecabinet.example/m1"}});
  staff.Do("POST", m + "/agenda", {{"item", "item-1"}, {"title", session["question"]}});
  for (const auto& id : node.members) staff.Do("POST", m + "/invitations", {{"person", id}});
  pm.Do("POST", m + "/session");
  for (const auto& id : session["present_in_room"]) {
    staff.Do("POST", m + "/check-ins", {{"person", id}, {"attendance", "in_room"}});
  }
  for (const auto& id : session["absent"])
    staff.Do("POST", m + "/check-ins", {{"person", id}, {"attendance", "absent"}});
  pm.Do("POST", m + "/items/item-1/take-up");
  pm.Do("POST", m + "/votes", {{"vote", "vote-1"}, {"question", session["question"]}});

  // Every member signs their own ballot on their own connection.
  std::uint64_t last = 0;
  for (const auto& voter : session["ballots"]["for"]) {
    const std::string id = voter;
    Person member(node, id);
    const std::string key = "ballot-" + id;
    const auto payload =
        meeting::BallotPayload("gov-vn", "meeting-1", "vote-1", id, "", meeting::Choice::kFor,
                               "api:" + id + ":" + key, now());
    const json result = member.Do("POST", m + "/votes/vote-1/ballots",
                                  {{"choice", "for"}, {"signature", node.SignJson(id, payload)}},
                                  {{"Idempotency-Key", key}});
    last = result.value("last_position", last);
  }
  // The open tally, read back with read-your-writes.
  const auto open = pm.Send("GET", m + "/votes/vote-1?min_position=" + std::to_string(last));
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(Parse(open.body)["tally"]["for"], 25);
  pm.Do("POST", m + "/votes/vote-1/close");
  const json closed = pm.Do("POST", m + "/session/close");

  const auto vote =
      pm.Send("GET", m + "/votes/vote-1?min_position=" +
                         std::to_string(closed["last_position"].get<std::uint64_t>()));
  ASSERT_EQ(vote.status, 200) << vote.body;
  const json v = Parse(vote.body);
  EXPECT_EQ(v["status"], "closed");
  EXPECT_EQ(v["tally"]["for"], 25);
  EXPECT_EQ(v["tally"]["for_in_room"], 21);
  EXPECT_EQ(v["tally"]["for_remote"], 4);
  EXPECT_EQ(v["tally"]["against"], 0);
  EXPECT_TRUE(v["passed"].get<bool>());
  EXPECT_NE(v["rule"].get<std::string>().find("more than half of all 27 members"),
            std::string::npos)
      << v["rule"];
  const auto meeting_view = pm.Send("GET", m);
  EXPECT_EQ(Parse(meeting_view.body)["attendance"]["in_room"], 21);

  // The resolution: drafted, submitted, signed by the chair with his key, numbered, promulgated.
  const std::string r = b + "/resolutions/nq-eid";
  staff.Do("POST", b + "/resolutions",
           {{"resolution", "nq-eid"},
            {"title", session["question_vi"]},
            {"text", "Điều 1. …"},
            {"meeting", "meeting-1"},
            {"vote", "vote-1"}});
  staff.Do("POST", r + "/submission");
  auto state = node.app->commands().Resolution("nq-eid");
  ASSERT_TRUE(state.ok());
  const auto signature =
      resolution::SignaturePayload("gov-vn", state->state, "pm", "api:pm:sign-nq-eid", now());
  pm.Do("POST", r + "/signature", {{"signature", node.SignJson("pm", signature)}},
        {{"Idempotency-Key", "sign-nq-eid"}});
  // Numbers are given in the year of promulgation (the test runs today, not in 2019).
  const int year = std::stoi(FormatRfc3339(now()).substr(0, 4));
  staff.Do("POST", b + "/resolution-numbers", {{"resolution", "nq-eid"}, {"year", year}});
  const json promulgated = staff.Do("POST", r + "/promulgation");
  const auto resolution = pm.Send(
      "GET",
      r + "?min_position=" + std::to_string(promulgated["last_position"].get<std::uint64_t>()));
  ASSERT_EQ(resolution.status, 200) << resolution.body;
  const json rv = Parse(resolution.body);
  EXPECT_EQ(rv["number"], "1/NQ-CP") << rv.dump();
  EXPECT_NE(rv.dump().find("pm"), std::string::npos);

  // An auditor reads how it passed over HTTPS: the story ecab-audit explain tells.
  Person auditor(node, "auditor-1");
  const auto told = auditor.Send("GET", r + "/explanation");
  ASSERT_EQ(told.status, 200) << told.body;
  const json story = Parse(told.body);
  EXPECT_TRUE(story["complete"].get<bool>());
  EXPECT_EQ(story["vote"]["tally"]["for"], 25);
  EXPECT_EQ(story["vote"]["tally"]["for_in_room"], 21);
  EXPECT_EQ(story["vote"]["tally"]["for_remote"], 4);
  EXPECT_EQ(story["vote"]["rule"], "more than half of all 27 members");
  EXPECT_EQ(story["vote"]["attendance"]["counts"]["in_room"],
            Parse(meeting_view.body)["attendance"]["in_room"]);
  EXPECT_EQ(story["signature"]["status"], "verified");
  EXPECT_EQ(story["promulgated"]["number"], "1/NQ-CP");
  EXPECT_EQ(auditor.Send("GET", m + "/votes/vote-1/explanation").status, 200);
  EXPECT_EQ(auditor.Send("GET", b + "/resolutions/no-such/explanation").status, 404);
  EXPECT_EQ(pm.Send("GET", r + "/explanation").status, 403) << "for auditors and archivists";

  // Everything recorded is intact and every signature re-verifies from the log.
  auto report = node.store->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

TEST(Https, ARefusedBallotChangesNoTallyAndABallotAfterTheVoteClosedGets409) {
  Node node;
  node.Serve();
  const std::string m = "/v1/bodies/gov-vn/meetings/m";
  Person staff(node, "gov-office-staff-1"), pm(node, "pm"), member(node, "min-finance");
  staff.Do("POST", "/v1/bodies/gov-vn/meetings",
           {{"meeting", "m"},
            {"title", "S"},
            {"place", "HN"},
            {"starts_at", FormatRfc3339(testing::Now())},
            {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))}});
  staff.Do("POST", m + "/agenda", {{"item", "i"}, {"title", "I"}});
  for (const auto& id : node.members) staff.Do("POST", m + "/invitations", {{"person", id}});
  pm.Do("POST", m + "/session");
  for (std::size_t i = 0; i < 20; ++i)
    staff.Do("POST", m + "/check-ins", {{"person", node.members[i]}, {"attendance", "in_room"}});
  pm.Do("POST", m + "/items/i/take-up");
  pm.Do("POST", m + "/votes", {{"vote", "v"}, {"question", "Q?"}});
  // Signed by someone else's key: refused, logged, not counted.
  const auto forged =
      meeting::BallotPayload("gov-vn", "m", "v", "min-finance", "", meeting::Choice::kAgainst,
                             "api:min-finance:b1", testing::Now());
  const auto refused =
      member.Send("POST", m + "/votes/v/ballots",
                  {{"choice", "against"}, {"signature", node.SignJson("min-trade", forged)}},
                  {{"Idempotency-Key", "b1"}});
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(Slug(refused), "bad-signature");
  const json close = pm.Do("POST", m + "/votes/v/close");
  // Read after the close is in the read models (read-your-writes).
  const json closed =
      Parse(pm.Send("GET", m + "/votes/v?min_position=" +
                               std::to_string(close["last_position"].get<std::uint64_t>()))
                .body);
  ASSERT_EQ(closed["status"], "closed") << closed.dump();
  const auto late =
      meeting::BallotPayload("gov-vn", "m", "v", "min-finance", "", meeting::Choice::kFor,
                             "api:min-finance:b2", testing::Now());
  const std::uint64_t head = node.store->head_position();
  const auto after =
      member.Send("POST", m + "/votes/v/ballots",
                  {{"choice", "for"}, {"signature", node.SignJson("min-finance", late)}},
                  {{"Idempotency-Key", "b2"}});
  EXPECT_EQ(after.status, 409) << after.body;
  EXPECT_EQ(Slug(after), "rule-violation");
  EXPECT_EQ(node.store->head_position(), head);
  EXPECT_EQ(Parse(pm.Send("GET", m + "/votes/v").body)["tally"], closed["tally"]);
  EXPECT_EQ(closed["tally"]["against"], 0);
}

TEST(Https, AFeedClientThatDisconnectsAndResumesSeesEveryChangeExactlyOnce) {
  Node node;
  node.Serve();
  const std::string b = "/v1/bodies/gov-vn", m = b + "/meetings/f";
  Person staff(node, "gov-office-staff-1"), pm(node, "pm");
  staff.Do("POST", b + "/meetings",
           {{"meeting", "f"},
            {"title", "Feed"},
            {"place", "HN"},
            {"starts_at", FormatRfc3339(testing::Now())},
            {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))}});
  std::vector<std::uint64_t> seen;
  json view;  // the snapshot, with every patch since applied
  int snapshots = 0;
  auto read_until = [&](http::WsClient& ws, std::size_t count) {
    for (int tries = 0; tries < 100 && seen.size() < count; ++tries) {
      auto message = ws.Read(std::chrono::milliseconds(100));
      if (!message) continue;
      const json change = Parse(*message);
      if (change.contains("snapshot")) {  // first, on every (re)connect
        view = change["snapshot"];
        ++snapshots;
        EXPECT_EQ(change["position"], seen.empty() ? 0 : seen.back()) << *message;
        continue;
      }
      ASSERT_TRUE(change.contains("patch")) << *message;
      ASSERT_FALSE(change.contains("meeting")) << "the whole view was sent again";
      view = view.patch(change["patch"]);
      seen.push_back(change["position"].get<std::uint64_t>());
    }
  };
  std::string error;
  int refused = 0;
  const std::map<std::string, std::string> auth = {
      {"Authorization", "Bearer " + node.Token("min-finance")}};
  auto ws =
      http::WsClient::Connect(node.ClientOptions(), m + "/feed?from=0", auth, &error, &refused);
  ASSERT_NE(ws, nullptr) << refused << " " << error;
  staff.Do("POST", m + "/agenda", {{"item", "a"}, {"title", "A"}});
  for (std::size_t i = 0; i < 5; ++i)
    staff.Do("POST", m + "/invitations", {{"person", node.members[i]}});
  read_until(*ws, 7);  // scheduled, agenda, 5 invitations
  ASSERT_EQ(seen.size(), 7u);
  ws->Close();
  // While away: more changes, some to other streams.
  for (std::size_t i = 5; i < 10; ++i)
    staff.Do("POST", m + "/invitations", {{"person", node.members[i]}});
  staff.Do("POST", b + "/documents", {{"document", "other"}, {"title", "Elsewhere"}});
  pm.Do("POST", m + "/session");
  auto resumed =
      http::WsClient::Connect(node.ClientOptions(), m + "/feed?from=" + std::to_string(seen.back()),
                              auth, &error, &refused);
  ASSERT_NE(resumed, nullptr) << refused << " " << error;
  read_until(*resumed, 13);
  // Nothing more arrives than happened.
  EXPECT_FALSE(resumed->Read(std::chrono::milliseconds(300)).has_value());
  auto stream = node.store->ReadStream("meeting-f", 1, es::Direction::kForward, 100);
  ASSERT_TRUE(stream.ok());
  std::vector<std::uint64_t> expected;
  for (const auto& e : *stream) expected.push_back(e.position);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(snapshots, 2);
  auto meeting = node.app->commands().Meeting("f");
  ASSERT_TRUE(meeting.ok());
  EXPECT_EQ(view, proj::RenderMeeting(meeting->state)) << "the patches did not rebuild the view";
  // No feed for someone with no role in the body.
  auto outsider = http::WsClient::Connect(node.ClientOptions(), m + "/feed",
                                          {{"Authorization", "Bearer " + node.Token("outsider")}},
                                          &error, &refused);
  EXPECT_EQ(outsider, nullptr);
  EXPECT_EQ(refused, 403);
  auto anonymous = http::WsClient::Connect(node.ClientOptions(), m + "/feed", {}, &error, &refused);
  EXPECT_EQ(anonymous, nullptr);
  EXPECT_EQ(refused, 401);
}

TEST(Https, LimitsRefuseOversizedBodiesAndHeadersAndTooManyRequests) {
  Node node;
  http::ServerOptions options;
  options.max_body_bytes = 4096;
  options.max_header_bytes = 2048;
  options.rate_per_second = 5;
  options.rate_burst = 20;
  node.Serve(options);
  Person staff(node, "gov-office-staff-1");
  const std::uint64_t head = node.store->head_position();
  const auto huge = staff.Send("POST", "/v1/bodies/gov-vn/documents",
                               {{"document", "d"}, {"title", std::string(10'000, 'x')}});
  EXPECT_EQ(huge.status, 413) << huge.body;
  EXPECT_EQ(Slug(huge), "body-too-large");
  auto client = node.Client();
  const auto big_header =
      client->Send("GET", "/healthz", "", {{"X-Padding", std::string(4000, 'p')}});
  EXPECT_EQ(big_header.status, 431);
  EXPECT_EQ(node.store->head_position(), head);
  // A burst beyond the budget is refused with Retry-After; the server keeps serving others later.
  int limited = 0;
  auto burst = node.Client();
  for (int i = 0; i < 40; ++i) {
    const auto r = burst->Send("GET", "/healthz");
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.headers.at("retry-after"), "1");
      EXPECT_EQ(Slug(r), "rate-limited");
    }
  }
  EXPECT_GT(limited, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(node.Client()->Send("GET", "/healthz").status, 200);
}

// Writes a test certificate and its key as PEM files.
void WritePem(const ecab::testing::Certificate& cert, const std::filesystem::path& crt,
              const std::filesystem::path& key) {
  const auto* p = reinterpret_cast<const unsigned char*>(cert.der.data());
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(cert.der.size()));
  ASSERT_NE(x, nullptr);
  FILE* f = std::fopen(crt.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
  X509_free(x);
  f = std::fopen(key.c_str(), "w");
  PEM_write_PrivateKey(f, cert.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

TEST(Https, AnEnrolledClientCertificateLogsInAndAnUnknownOneDoesNot) {
  Node node(/*client_certificates=*/true);
  node.Serve();
  auto options = node.ClientOptions();
  options.certificate_file = node.dir.path() / "pm.crt";
  options.key_file = node.dir.path() / "pm.key";
  WritePem(node.certs.at("pm"), options.certificate_file, options.key_file);
  std::string error;
  auto client = http::HttpsClient::Connect(options, &error);
  ASSERT_NE(client, nullptr) << error;
  const auto login = client->Send("POST", "/v1/bodies/gov-vn/login/certificate");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(Parse(login.body)["person"], "pm");
  const auto me = client->Send(
      "GET", "/v1/me", "", {{"Authorization", "Bearer " + Parse(login.body).value("token", "")}});
  EXPECT_EQ(Parse(me.body)["person"], "pm");

  // A certificate from another CA, never enrolled.
  ecab::testing::TestCa other("Other CA", FromMicros(ToMicros(testing::Now()) - 86'400'000'000LL),
                              FromMicros(ToMicros(testing::Now()) + 86'400'000'000LL));
  const auto stranger = other.Issue("pm", ecab::testing::KeyType::kEd25519,
                                    FromMicros(ToMicros(testing::Now()) - 3'600'000'000LL),
                                    FromMicros(ToMicros(testing::Now()) + 3'600'000'000LL));
  options.certificate_file = node.dir.path() / "x.crt";
  options.key_file = node.dir.path() / "x.key";
  WritePem(stranger, options.certificate_file, options.key_file);
  auto impostor = http::HttpsClient::Connect(options, &error);
  ASSERT_NE(impostor, nullptr) << error;
  const auto refused = impostor->Send("POST", "/v1/bodies/gov-vn/login/certificate");
  EXPECT_EQ(refused.status, 401) << refused.body;
  // No certificate at all.
  EXPECT_EQ(node.Client()->Send("POST", "/v1/bodies/gov-vn/login/certificate").status, 401);
}

}  // namespace
}  // namespace ecab::api
