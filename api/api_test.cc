// The application behind the server, driven in process: idempotency,
// authentication, what a caller may not see, read-your-writes and time
// travel, and the auditors' routes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "api/testing.h"
#include "domain/authz/authorization.h"
#include "domain/forms/form.h"
#include "eventstore/merkle.h"
#include "eventstore/tree_head.h"
#include "replay/tree_heads.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

std::string Slug(const http::Response& r) { return testing::Slug(r.body); }

TEST(Idempotency, ARetryReturnsTheFirstResultAndAnotherRequestUnderTheSameKeyIsRefused) {
  Node node;
  const std::string path = "/v1/bodies/gov-vn/documents";
  const std::string body = R"({"document":"d9","title":"Paper"})";
  const auto first =
      node.Call("POST", path, body, "gov-office-staff-1", {{"idempotency-key", "k-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const std::uint64_t head = node.store->head_position();
  const auto retry =
      node.Call("POST", path, body, "gov-office-staff-1", {{"idempotency-key", "k-1"}});
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(Parse(retry.body)["positions"], Parse(first.body)["positions"]);
  EXPECT_TRUE(Parse(retry.body)["replayed"].get<bool>());
  const auto other = node.Call("POST", path, R"({"document":"d9","title":"Other"})",
                               "gov-office-staff-1", {{"idempotency-key", "k-1"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(Slug(other), "idempotency-mismatch");
  EXPECT_EQ(node.store->head_position(), head);
  // Without a key a repeat is a new command, refused by the domain.
  const auto again = node.Call("POST", path, body, "gov-office-staff-1");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Slug(again), "already-exists");
  // A refused request recorded nothing and binds nothing: its key stays free.
  const auto refused =
      node.Call("POST", path, body, "gov-office-staff-1", {{"idempotency-key", "k-2"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  const auto fresh = node.Call("POST", path, R"({"document":"d10","title":"Paper"})",
                               "gov-office-staff-1", {{"idempotency-key", "k-2"}});
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  // A key bound on one route refuses a request on another.
  const auto elsewhere = node.Call(
      "POST", path + "/d10/versions",
      R"({"sha256":"ab12","size":10,"media_type":"application/pdf","filename":"paper.pdf"})",
      "gov-office-staff-1", {{"idempotency-key", "k-1"}});
  EXPECT_EQ(elsewhere.status, 422) << elsewhere.body;
  EXPECT_EQ(Slug(elsewhere), "idempotency-mismatch");
}

TEST(Authentication, MissingBadExpiredOrRevokedTokensGet401AndTokensInUrlsAreNotAccepted) {
  Node node;
  const std::string path = "/v1/bodies/gov-vn";
  const auto none = node.Call("GET", path);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Slug(none), "unauthenticated");
  bool challenge = false;
  for (const auto& [k, v] : none.headers)
    challenge = challenge || (k == "WWW-Authenticate" && v.starts_with("Bearer"));
  EXPECT_TRUE(challenge);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Bearer ecab_not-a-token"}}).status,
            401);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Basic cG06cGFzcw=="}}).status, 401);
  const std::string token = node.Token("pm");
  EXPECT_EQ(node.Call("GET", path + "?access_token=" + token).status, 401);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Bearer " + token}}).status, 200);
  EXPECT_EQ(node.Call("POST", "/v1/logout", "", "", {{"authorization", "Bearer " + token}}).status,
            200);
  EXPECT_EQ(node.Call("GET", path, "", "", {{"authorization", "Bearer " + token}}).status, 401);
}

TEST(Authentication, WrongPasswordsAreRefusedAndThrottledWith429) {
  Node node;
  const auto wrong = json{{"person", "pm"}, {"password", "not the password"}}.dump();
  for (int i = 0; i < 5; ++i) {
    const auto r = node.Call("POST", "/v1/login", wrong);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(Slug(r), "login-failed");
  }
  const auto throttled = node.Call("POST", "/v1/login", wrong);
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(Slug(throttled), "login-throttled");
  // Even the right password waits out the minute.
  const auto right = node.Call("POST", "/v1/login",
                               json{{"person", "pm"}, {"password", testing::kPassword}}.dump());
  EXPECT_EQ(right.status, 429);
}

TEST(Visibility, AConfidentialDocumentAndItsTitleStayHiddenFromThoseWithoutAccess) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  const json policy = {{"quorum_numerator", 2},
                       {"quorum_denominator", 3},
                       {"majority_numerator", 1},
                       {"majority_denominator", 2},
                       {"majority_basis", "all_members"},
                       {"tie", "chair_decides"},
                       {"silence", "not_counted"},
                       {"remote_counts_for_quorum", false},
                       {"substitutes_may_vote", false},
                       {"substitutes_count_for_quorum", false},
                       {"max_classification", "confidential"}};
  ASSERT_EQ(node.Call("PUT", b + "/policy", policy.dump(), "bootstrap").status, 201);
  ASSERT_EQ(
      node.Call(
              "POST", b + "/documents",
              R"({"document":"secret-1","title":"Phương án nhân sự mật","classification":"confidential"})",
              "gov-office-staff-1")
          .status,
      201);
  ASSERT_EQ(node.Call("POST", b + "/documents/secret-1/versions",
                      json{{"sha256", std::string(64, 'a')},
                           {"size", 10},
                           {"media_type", "text/plain"},
                           {"filename", "a.txt"},
                           {"text", "nhân sự"}}
                          .dump(),
                      "gov-office-staff-1")
                .status,
            201);
  const auto granted = node.Call("POST", b + "/documents/secret-1/grants",
                                 R"({"person":"min-home"})", "gov-office-staff-1");
  ASSERT_EQ(granted.status, 201) << granted.body;
  const std::string at = std::to_string(Parse(granted.body)["last_position"].get<std::uint64_t>());
  const auto hidden = node.Call("GET", b + "/documents/secret-1", "", "min-finance");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body.find("nhân sự mật"), std::string::npos);
  const auto search =
      node.Call("GET", b + "/search?q=nhan+su&min_position=" + at, "", "min-finance");
  EXPECT_EQ(search.status, 200);
  EXPECT_EQ(search.body.find("secret-1"), std::string::npos) << search.body;
  const auto reader = node.Call("GET", b + "/documents/secret-1", "", "min-home");
  EXPECT_EQ(reader.status, 200);
  EXPECT_EQ(Parse(reader.body)["title"], "Phương án nhân sự mật");
  const auto found = node.Call("GET", b + "/search?q=nhan+su&min_position=" + at, "", "min-home");
  EXPECT_NE(found.body.find("document-secret-1"), std::string::npos) << found.body;
}

TEST(Queries, MinPositionGivesReadYourWritesAndAsOfTravelsInTime) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn/meetings";
  const auto scheduled =
      node.Call("POST", b,
                json{{"meeting", "t1"},
                     {"title", "First title"},
                     {"place", "Hà Nội"},
                     {"starts_at", FormatRfc3339(testing::Now())},
                     {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))}}
                    .dump(),
                "gov-office-staff-1");
  ASSERT_EQ(scheduled.status, 201);
  const auto before = Parse(scheduled.body)["last_position"].get<std::uint64_t>();
  const auto item =
      node.Call("POST", b + "/t1/agenda", R"({"item":"x","title":"Budget"})", "gov-office-staff-1");
  ASSERT_EQ(item.status, 201);
  const auto after = Parse(item.body)["last_position"].get<std::uint64_t>();
  const auto now =
      node.Call("GET", b + "/t1?min_position=" + std::to_string(after), "", "min-finance");
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(Parse(now.body)["agenda"].size(), 1u);
  const auto then = node.Call("GET", b + "/t1?as_of=" + std::to_string(before), "", "min-finance");
  ASSERT_EQ(then.status, 200) << then.body;
  EXPECT_EQ(Parse(then.body)["agenda"].size(), 0u);
  EXPECT_EQ(Parse(then.body)["as_of_position"], before);
  EXPECT_EQ(node.Call("GET", b + "/t1?as_of=yesterday", "", "min-finance").status, 422);
  EXPECT_EQ(node.Call("GET", b + "/t1?min_position=-1", "", "min-finance").status, 422);
  EXPECT_EQ(node.Call("GET", b + "/t1?colour=blue", "", "min-finance").status, 422);
  EXPECT_EQ(node.Call("GET", b + "/nope", "", "min-finance").status, 404);
  EXPECT_EQ(node.Call("DELETE", b + "/t1", "", "min-finance").status, 405);
}

es::Hash FromHex(const std::string& hex) {
  es::Hash h{};
  for (std::size_t i = 0; i < h.size() && 2 * i + 1 < hex.size(); ++i) {
    h[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return h;
}

TEST(Audit, AuditorsReadTheLogProveInclusionAndConsistencyAndArchivistsDownloadTheBag) {
  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  const auto ok = [](const http::Response& r) { return r.status < 300; };
  ASSERT_TRUE(ok(node.Call("POST", b + "/meetings",
                           json{{"meeting", "a1"},
                                {"title", "Audit"},
                                {"place", "HN"},
                                {"starts_at", FormatRfc3339(testing::Now())},
                                {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))}}
                               .dump(),
                           "gov-office-staff-1")));
  ASSERT_TRUE(ok(node.Call("POST", b + "/meetings/a1/agenda", R"({"item":"i","title":"I"})",
                           "gov-office-staff-1")));
  const std::uint64_t first_size = node.store->head_position();
  ASSERT_TRUE(ok(node.Call("POST", b + "/meetings/a1/invitations", R"({"person":"min-trade"})",
                           "gov-office-staff-1")));
  auto signer = es::TreeHeadSigner::LoadOrCreate(node.dir.path() / "log-key.pem");
  ASSERT_TRUE(signer.ok());
  auto head = replay::RecordTreeHead(*node.store, **signer, testing::Now());
  ASSERT_TRUE(head.ok() && head->has_value());

  // The raw log, paged: this body's events in full.
  const auto page = node.Call("GET", b + "/log?from=1&limit=10", "", "auditor-1");
  ASSERT_EQ(page.status, 200) << page.body;
  const json log = Parse(page.body);
  ASSERT_EQ(log["events"].size(), 10u);
  EXPECT_EQ(log["next_from"], 11);
  // Position 1 is the platform's appointment of its administrator: another
  // "body" (_platform), so position and hashes only.
  EXPECT_FALSE(log["events"][0].contains("payload_base64")) << log["events"][0].dump();
  EXPECT_EQ(log["events"][1]["stream"], "body-gov-vn");
  EXPECT_FALSE(log["events"][1]["payload_base64"].get<std::string>().empty());
  EXPECT_EQ(log["events"][1]["prev_hash"], log["events"][0]["hash"]);
  EXPECT_EQ(log["events"][2]["prev_hash"], log["events"][1]["hash"]);

  // The signed tree heads, and an inclusion proof that verifies against the signed root.
  const json heads = Parse(node.Call("GET", b + "/log/tree-heads", "", "auditor-1").body);
  ASSERT_EQ(heads["tree_heads"].size(), 1u);
  const json& signed_head = heads["tree_heads"][0];
  const std::uint64_t size = signed_head["size"];
  const auto inclusion =
      node.Call("GET",
                b + "/log/proofs/inclusion?position=" + std::to_string(first_size) +
                    "&size=" + std::to_string(size),
                "", "auditor-1");
  ASSERT_EQ(inclusion.status, 200) << inclusion.body;
  const json proof = Parse(inclusion.body);
  EXPECT_EQ(proof["root"], signed_head["root"]);
  std::vector<es::Hash> path;
  for (const auto& h : proof["proof"]) path.push_back(FromHex(h));
  EXPECT_TRUE(es::VerifyInclusion(es::MerkleLeaf(FromHex(proof["event_hash"])), first_size - 1,
                                  size, path, FromHex(signed_head["root"])));
  path.front()[0] ^= 1;
  EXPECT_FALSE(es::VerifyInclusion(es::MerkleLeaf(FromHex(proof["event_hash"])), first_size - 1,
                                   size, path, FromHex(signed_head["root"])));
  const json consistency =
      Parse(node.Call("GET",
                      b + "/log/proofs/consistency?first=" + std::to_string(first_size) +
                          "&second=" + std::to_string(size),
                      "", "auditor-1")
                .body);
  std::vector<es::Hash> steps;
  for (const auto& h : consistency["proof"]) steps.push_back(FromHex(h));
  EXPECT_TRUE(es::VerifyConsistency(first_size, size, FromHex(consistency["first_root"]),
                                    FromHex(signed_head["root"]), steps));
  EXPECT_EQ(node.Call("GET", b + "/log/proofs/inclusion?position=0", "", "auditor-1").status, 422);
  EXPECT_EQ(
      node.Call("GET", b + "/log/proofs/inclusion?position=1&size=999999", "", "auditor-1").status,
      422);

  // The meeting's record as a BagIt tar, for the archivist; refused to a member who did not take
  // part.
  const auto bag = node.Call("GET", b + "/meetings/a1/export", "", "archivist-1");
  ASSERT_EQ(bag.status, 200) << bag.body;
  EXPECT_EQ(bag.content_type, "application/x-tar");
  EXPECT_NE(bag.body.find("bagit.txt"), std::string::npos);
  EXPECT_NE(bag.body.find("manifest-sha256.txt"), std::string::npos);
  EXPECT_NE(bag.body.find("ustar"), std::string::npos);
  const auto disposition = std::find_if(bag.headers.begin(), bag.headers.end(), [](const auto& h) {
    return h.first == "Content-Disposition";
  });
  ASSERT_NE(disposition, bag.headers.end());
  EXPECT_EQ(disposition->second,
            "attachment; filename=\"meeting-a1.tar\"; filename*=UTF-8''meeting-a1.tar");
  EXPECT_EQ(node.Call("GET", b + "/meetings/a1/export", "", "min-finance").status, 403);
}

}  // namespace
}  // namespace ecab::api
