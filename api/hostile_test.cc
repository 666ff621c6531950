// Hostile and careless clients, one test per class (issue 13 in part): a
// password reset ends the old sessions, a document the caller may not read
// cannot be marked studied, downloads are named per RFC 6266, TLS 1.2 offers
// only AEAD suites.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "api/testing.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

TEST(Hostile, APasswordResetRevokesEveryTokenOfThatPersonOnly) {
  Node node;
  const std::string pm = node.Token("pm"), finance = node.Token("min-finance");
  auto as = [&](const std::string& token) {
    return node.Call("GET", "/v1/bodies/gov-vn", "", "", {{"authorization", "Bearer " + token}}).status;
  };
  ASSERT_EQ(as(pm), 200);
  const auto reset = node.Call("PUT", "/v1/bodies/gov-vn/people/pm/password",
                               json{{"password", "a brand new password"}}.dump(), "bootstrap");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(as(pm), 401) << "the old session survived the reset";
  EXPECT_EQ(as(finance), 200) << "another person's session ended too";
  const auto login = node.Call("POST", "/v1/login", json{{"person", "pm"}, {"password", "a brand new password"}}.dump());
  EXPECT_EQ(login.status, 200) << login.body;
}

TEST(Hostile, ADocumentTheCallerMayNotReadCannotBeMarkedStudied) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  json policy = {{"quorum_numerator", 2}, {"quorum_denominator", 3}, {"majority_numerator", 1},
                 {"majority_denominator", 2}, {"majority_basis", "all_members"}, {"tie", "chair_decides"},
                 {"silence", "not_counted"}, {"remote_counts_for_quorum", false}, {"substitutes_may_vote", false},
                 {"substitutes_count_for_quorum", false}, {"max_classification", "secret"}};
  ASSERT_EQ(node.Call("PUT", b + "/policy", policy.dump(), "bootstrap").status, 201);
  ASSERT_EQ(node.Call("POST", b + "/documents", R"({"document":"secret-1","title":"Mật","classification":"secret"})",
                      "gov-office-staff-1").status, 201);
  ASSERT_EQ(node.Call("POST", b + "/documents/secret-1/grants", R"({"person":"min-home"})", "gov-office-staff-1").status,
            201);
  ASSERT_EQ(node.Call("POST", b + "/meetings",
                      json{{"meeting", "m1"}, {"title", "S"}, {"place", "Hà Nội"},
                           {"starts_at", FormatRfc3339(testing::Now() + std::chrono::hours(24))},
                           {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(26))}}
                          .dump(),
                      "gov-office-staff-1").status,
            201);
  ASSERT_EQ(node.Call("POST", b + "/meetings/m1/agenda", R"({"item":"i1","title":"I","documents":["secret-1"]})",
                      "gov-office-staff-1").status,
            201);
  for (const std::string p : {"min-home", "min-finance"}) {
    ASSERT_EQ(node.Call("POST", b + "/meetings/m1/invitations", json{{"person", p}}.dump(), "gov-office-staff-1").status,
              201);
  }
  const std::uint64_t head = node.store->head_position();
  const auto refused = node.Call("POST", b + "/meetings/m1/documents/secret-1/studied", "", "min-finance");
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(refused.body.find("Mật"), std::string::npos);
  const auto unknown = node.Call("POST", b + "/meetings/m1/documents/no-such/studied", "", "min-finance");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  // An unreadable document and a missing one are answered alike.
  EXPECT_EQ(Parse(refused.body)["detail"], "no document 'secret-1' in this body");
  EXPECT_EQ(Parse(unknown.body)["detail"], "no document 'no-such' in this body");
  EXPECT_EQ(node.store->head_position(), head);
  EXPECT_EQ(node.Call("POST", b + "/meetings/m1/documents/secret-1/studied", "", "min-home").status, 201);
}

TEST(Hostile, TlsTwelveOffersOnlyForwardSecretAeadSuites) {
  Node node;
  node.Serve();
  auto handshake = [&](const std::string& options) {
    const std::string command = "echo | timeout 10 openssl s_client -connect 127.0.0.1:" +
                                std::to_string(node.server->port()) + " " + options + " 2>&1";
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    std::array<char, 4096> buf{};
    while (pipe && std::fgets(buf.data(), buf.size(), pipe) != nullptr) out += buf.data();
    if (pipe) ::pclose(pipe);
    return out;
  };
  for (const std::string cbc : {"AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES256-GCM-SHA384"}) {
    const std::string said = handshake("-tls1_2 -cipher " + cbc);
    EXPECT_EQ(said.find("Cipher is " + cbc), std::string::npos) << cbc << " was accepted:\n" << said;
  }
  const std::string aead = handshake("-tls1_2");
  EXPECT_NE(aead.find("GCM"), std::string::npos) << aead;
}

}  // namespace
}  // namespace ecab::api
