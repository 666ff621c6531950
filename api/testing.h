// api/testing.h — a node for tests: a store in a temp dir holding the 2019
// cabinet (admin "bootstrap"), a test CA with an Ed25519 certificate per
// person enrolled through the commands, an auditor and an archivist, a
// second body "other-body" (for wrong-body checks), passwords for everyone,
// the App, and (on demand) the HTTPS server on a free loopback port. Test
// code only.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "api/app.h"
#include "api/command/command_service.h"
#include "api/demo_cabinet.h"
#include "api/http/client.h"
#include "api/http/server.h"
#include "api/pki.h"
#include "api/platform.h"
#include "api/read_models.h"
#include "api/schema.h"
#include "domain/signing/testing.h"
#include "eventstore/clock.h"
#include "eventstore/testing.h"

namespace ecab::api::testing {

inline constexpr const char* kPassword = "correct horse battery";

inline Timestamp Now() { return es::SystemClock().Now(); }

class Node {
 public:
  // `configure` adjusts the App's options before it is created.
  explicit Node(bool client_certificates = false,
                const std::function<void(AppOptions&)>& configure = {})
      : ca_("Test CA", FromMicros(ToMicros(Now()) - 86'400'000'000LL),
            FromMicros(ToMicros(Now()) + 86'400'000'000LL * 30)) {
    spdlog::set_level(spdlog::level::warn);  // request lines only when asked for
    store = es::testing::OpenOrDie(dir.path() / "store");
    auto cabinet = LoadCabinetFixture(std::string(ECAB_FIXTURES_DIR) + "/cabinet-2019.json");
    if (!cabinet.ok()) throw std::runtime_error(ToString(cabinet.error()));
    for (const auto& p : cabinet->people) {
      people.push_back(p.person);
      if (IsVotingRole(p.role)) members.push_back(p.person);
    }
    CommandService seeding(*store);
    if (auto appointed = EnsurePlatformAdmin(seeding, "platform-admin", Now()); !appointed.ok()) {
      throw std::runtime_error(ToString(appointed.error()));
    }
    if (auto seeded = SeedCabinet(seeding, *cabinet, DemoCabinetSince(), "platform-admin");
        !seeded.ok()) {
      throw std::runtime_error(ToString(seeded.error()));
    }
    CabinetFixture other;
    other.body = directory::BodyCreated{"other-body", "Another body", "", "NQ-X"};
    other.people.push_back(directory::MemberEnrolled{"other-member", "Member elsewhere", "",
                                                     Role::kMember, Timestamp{}});
    if (auto seeded = SeedCabinet(seeding, other, DemoCabinetSince(), "platform-admin");
        !seeded.ok()) {
      throw std::runtime_error(ToString(seeded.error()));
    }
    AppOptions options;
    options.data_dir = dir.path();
    options.password_cost = 10;
    options.max_min_position_wait = std::chrono::milliseconds(5000);
    if (configure) configure(options);
    auto app_or = App::Create(*store, es::testing::Ring(), options);
    if (!app_or.ok()) throw std::runtime_error(ToString(app_or.error()));
    app = std::move(app_or).value();

    auto admin = [&](const directory::BodyCommand& c, const std::string& id) {
      auto r = app->commands().Execute(
          "gov-vn", c, CommandContext{Now(), "bootstrap", Role::kAdmin, "", "setup:" + id});
      if (!r.ok()) throw std::runtime_error(id + ": " + ToString(r.error()));
    };
    admin(directory::SetTrustAnchor{ca_.der()}, "anchor");
    admin(directory::EnrollPerson{"auditor-1", "Auditor", "", Role::kAuditor}, "auditor");
    admin(directory::EnrollPerson{"archivist-1", "Archivist", "", Role::kArchivist}, "archivist");
    people.insert(people.end(), {"bootstrap", "auditor-1", "archivist-1"});
    for (const auto& p : people) {
      certs[p] = ca_.Issue(p, ecab::testing::KeyType::kEd25519,
                           FromMicros(ToMicros(Now()) - 3'600'000'000LL),
                           FromMicros(ToMicros(Now()) + 86'400'000'000LL * 30));
      admin(directory::EnrollCertificate{p, certs[p].der}, "cert:" + p);
    }
    for (const auto& p : people) SetPassword(p);
    SetPassword("other-member");
    SetPassword("outsider");  // known to the server, in no body
    SetPassword("platform-admin");
    client_certificates_ = client_certificates;
  }

  ~Node() {
    if (server) server->Stop();
    if (app) app->Shutdown();
  }

  void SetPassword(const std::string& person) {
    if (auto s = app->SetPassword(person, kPassword); !s.ok())
      throw std::runtime_error(ToString(s.error()));
  }

  // Starts the HTTPS server on a free loopback port.
  void Serve(http::ServerOptions options = {}) {
    auto tls = pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1"}, 2);
    ASSERT_TRUE(tls.ok());
    std::ofstream(dir.path() / "tls.crt") << tls->certificate_pem;
    std::ofstream(dir.path() / "tls.key") << tls->key_pem;
    options.address = "127.0.0.1";
    options.port = 0;
    options.certificate_chain = dir.path() / "tls.crt";
    options.private_key = dir.path() / "tls.key";
    options.request_client_certificates = client_certificates_;
    std::string error;
    server = http::Server::Create(options, *app, &error);
    ASSERT_NE(server, nullptr) << error;
    app->AttachServer(&server->counters());
    server->Start();
  }

  http::ClientOptions ClientOptions() const {
    http::ClientOptions o;
    o.port = server->port();
    o.ca_file = dir.path() / "tls.crt";  // the client checks the server's certificate
    o.timeout = std::chrono::seconds(10);
    return o;
  }

  std::unique_ptr<http::HttpsClient> Client() const {
    std::string error;
    auto c = http::HttpsClient::Connect(ClientOptions(), &error);
    EXPECT_NE(c, nullptr) << error;
    return c;
  }

  // A bearer token for `person` (through the login route, in process).
  std::string Token(const std::string& person) {
    if (auto it = tokens_.find(person); it != tokens_.end()) return it->second;
    auto r = Call("POST", "/v1/login",
                  nlohmann::json{{"person", person}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << person << ": " << r.body;
    std::string token = nlohmann::json::parse(r.body).value("token", "");
    tokens_[person] = token;
    return token;
  }

  // One request through the App, without sockets.
  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& as = "",
                      std::map<std::string, std::string> headers = {}) {
    http::Request r;
    r.method = method;
    r.target = target;
    EXPECT_TRUE(http::ParseTarget(target, r.path, r.query)) << target;
    if (!as.empty()) headers["authorization"] = "Bearer " + Token(as);
    if (!body.empty() && !headers.contains("content-type"))
      headers["content-type"] = "application/json";
    for (auto& [k, v] : headers) r.headers.emplace_back(k, v);
    r.body = body;
    r.peer = "127.0.0.1";
    r.request_id = "test";
    http::Response response = app->Handle(r);
    if (response.wait_for_position > 0) {  // as the server does: wait, then ask again
      app->WaitForViews(response.wait_for_position);
      r.waited = true;
      response = app->Handle(r);
    }
    return response;
  }

  // A signature by `person` over `payload`, as their client would make it.
  nlohmann::json SignJson(const std::string& person, const SigningPayload& payload) const {
    const SignedAct act =
        ecab::testing::Sign(certs.at(person), CanonicalJson(payload), payload.time);
    return {{"algorithm", act.algorithm},
            {"value", Base64Encode(act.value)},
            {"certificate", act.certificate},
            {"signed_at", FormatRfc3339(act.signed_at)}};
  }

  const ecab::testing::TestCa& ca() const { return ca_; }
  ecab::testing::TestCa& ca() { return ca_; }

  es::testing::TempDir dir;
  std::unique_ptr<es::EventStore> store;
  std::unique_ptr<App> app;
  std::unique_ptr<http::Server> server;
  std::vector<std::string> people;   // of gov-vn, with bootstrap, auditor-1, archivist-1
  std::vector<std::string> members;  // voting members of gov-vn
  std::map<std::string, ecab::testing::Certificate> certs;

 private:
  ecab::testing::TestCa ca_;
  bool client_certificates_ = false;
  std::map<std::string, std::string> tokens_;
};

inline nlohmann::json Parse(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// The body's default rules as PUT …/policy takes them, accepting documents up
// to secret, with `extra` fields added or replaced.
inline nlohmann::json PolicyJson(const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json p = {{"quorum_numerator", 2},           {"quorum_denominator", 3},
                      {"majority_numerator", 1},         {"majority_denominator", 2},
                      {"majority_basis", "all_members"}, {"tie", "chair_decides"},
                      {"silence", "not_counted"},        {"remote_counts_for_quorum", false},
                      {"substitutes_may_vote", false},   {"substitutes_count_for_quorum", false},
                      {"max_classification", "secret"}};
  p.update(extra);
  return p;
}

// The slug of a problem document's type ("…/problems/forbidden" -> "forbidden").
inline std::string Slug(const std::string& body) {
  const std::string type = Parse(body).value("type", "");
  return type.substr(type.rfind('/') + 1);
}

}  // namespace ecab::api::testing
