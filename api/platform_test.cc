// The platform: bodies are founded over the API by platform administrators
// only, with their names, kind, first admin, policy and trust anchor, all as
// events; the founded body works at once; bodies are listed by who may see them.
#include <gtest/gtest.h>

#include <set>

#include "api/testing.h"
#include "domain/directory/events.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;
using testing::Slug;

json Policy() {
  return {{"quorum_numerator", 1},
          {"quorum_denominator", 2},
          {"majority_numerator", 1},
          {"majority_denominator", 2},
          {"majority_basis", "members_present"},
          {"tie", "fails"},
          {"silence", "not_counted"},
          {"remote_counts_for_quorum", true},
          {"substitutes_may_vote", false},
          {"substitutes_count_for_quorum", false},
          {"max_classification", "confidential"}};
}

json Province(const Node& node) {
  json body = {{"body", "ubnd-hanoi"},
               {"name", "Hanoi People's Committee"},
               {"name_vi", "Ủy ban nhân dân thành phố Hà Nội"},
               {"kind", "peoples_committee"},
               {"resolution_suffix", "QĐ-UBND"},
               {"admin", "hn-admin"},
               {"admin_office", "Office of the People's Committee"},
               {"admin_office_vi", "Văn phòng UBND thành phố"},
               {"admin_password", "a long first password"},
               {"trust_anchor", Base64Encode(node.ca().der())},
               {"late_substitution", true}};
  const json policy = Policy();
  for (const auto& [k, v] : policy.items()) body[k] = v;
  return body;
}

TEST(Platform, APlatformAdministratorFoundsABodyWhoseAdminThenRunsIt) {
  Node node;
  const std::uint64_t head = node.store->head_position();
  const auto created = node.Call("POST", "/v1/bodies", Province(node).dump(), "platform-admin",
                                 {{"idempotency-key", "found-hanoi"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Parse(created.body)["stream"], "body-ubnd-hanoi");
  // body.created, the first admin, the policy, the trust anchor: one append.
  EXPECT_EQ(node.store->head_position(), head + 4);
  auto events = node.store->ReadStream("body-ubnd-hanoi", 1, es::Direction::kForward, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 4u);
  auto first = directory::DirectoryDecoder().Decode((*events)[0].type, (*events)[0].schema_version,
                                                    (*events)[0].payload);
  ASSERT_TRUE(first.ok());
  const auto& founded = std::get<directory::BodyCreated>(*first);
  EXPECT_EQ(founded.name_vi, "Ủy ban nhân dân thành phố Hà Nội");
  EXPECT_EQ(founded.kind, directory::BodyKind::kPeoplesCommittee);
  EXPECT_EQ((*events)[0].actor.id, "platform-admin");
  // A retry answers the first result; the same id again is refused.
  const auto retry = node.Call("POST", "/v1/bodies", Province(node).dump(), "platform-admin",
                               {{"idempotency-key", "found-hanoi"}});
  EXPECT_EQ(retry.status, 200) << retry.body;
  const auto again = node.Call("POST", "/v1/bodies", Province(node).dump(), "platform-admin",
                               {{"idempotency-key", "found-hanoi-again"}});
  EXPECT_EQ(again.status, 409) << again.body;

  // The first admin logs in with the password given and enrols a member.
  const auto login =
      node.Call("POST", "/v1/login",
                json{{"person", "hn-admin"}, {"password", "a long first password"}}.dump());
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = Parse(login.body)["token"];
  const auto enrolled =
      node.Call("POST", "/v1/bodies/ubnd-hanoi/people",
                json{{"person", "hn-chair"}, {"office", "Chairman"}, {"role", "chair"}}.dump(), "",
                {{"authorization", "Bearer " + token}});
  EXPECT_EQ(enrolled.status, 201) << enrolled.body;
}

TEST(Platform, OnlyPlatformAdministratorsFoundBodiesAndNothingIsRecordedOtherwise) {
  Node node;
  const std::uint64_t head = node.store->head_position();
  for (const std::string who : {"bootstrap", "pm", "outsider"}) {
    const auto refused = node.Call("POST", "/v1/bodies", Province(node).dump(), who,
                                   {{"idempotency-key", "k-" + who}});
    EXPECT_EQ(refused.status, 403) << who << ": " << refused.body;
    EXPECT_EQ(Slug(refused.body), "forbidden");
  }
  json partial = Province(node);
  partial.erase("tie");
  const auto half = node.Call("POST", "/v1/bodies", partial.dump(), "platform-admin");
  EXPECT_EQ(half.status, 422) << half.body;
  EXPECT_NE(Parse(half.body).value("detail", "").find("'tie' is missing"), std::string::npos);
  json bad_anchor = Province(node);
  bad_anchor["trust_anchor"] = Base64Encode("not a certificate");
  EXPECT_EQ(node.Call("POST", "/v1/bodies", bad_anchor.dump(), "platform-admin").status, 422);
  json hostile = Province(node);
  hostile["body"] = "../x";
  EXPECT_EQ(node.Call("POST", "/v1/bodies", hostile.dump(), "platform-admin").status, 422);
  EXPECT_EQ(node.store->head_position(), head);
}

TEST(Platform, BodiesAreListedToThoseAllowedToSeeThem) {
  Node node;
  const auto created = node.Call("POST", "/v1/bodies", Province(node).dump(), "platform-admin");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string wait =
      "?min_position=" + std::to_string(Parse(created.body)["last_position"].get<std::uint64_t>());
  auto ids = [&](const std::string& who) {
    const auto r = node.Call("GET", "/v1/bodies" + wait, "", who);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    const json listed = Parse(r.body);
    for (const auto& b : listed["bodies"]) out.insert(b["body"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids("platform-admin"), (std::set<std::string>{"gov-vn", "other-body", "ubnd-hanoi"}));
  EXPECT_EQ(ids("pm"), (std::set<std::string>{"gov-vn"}));
  EXPECT_EQ(ids("other-member"), (std::set<std::string>{"other-body"}));
  EXPECT_TRUE(ids("outsider").empty());
  const json listed = Parse(node.Call("GET", "/v1/bodies" + wait, "", "platform-admin").body);
  for (const auto& b : listed["bodies"]) {
    if (b["body"] == "ubnd-hanoi") {
      EXPECT_EQ(b["kind"], "peoples_committee");
      EXPECT_EQ(b["name_vi"], "Ủy ban nhân dân thành phố Hà Nội");
    }
    if (b["body"] == "gov-vn") {
      EXPECT_EQ(b["kind"], "cabinet");
    }
  }
  EXPECT_EQ(node.Call("GET", "/v1/bodies").status, 401);
}

TEST(Platform, APlatformAdministratorAppointsAnother) {
  Node node;
  EXPECT_EQ(node.Call("POST", "/v1/platform/admins", R"({"person":"pm"})", "bootstrap").status,
            403);
  EXPECT_EQ(
      node.Call("POST", "/v1/platform/admins", R"({"person":"ops-2"})", "platform-admin").status,
      201);
  node.SetPassword("ops-2");
  EXPECT_EQ(node.Call("POST", "/v1/bodies", Province(node).dump(), "ops-2").status, 201);
}

}  // namespace
}  // namespace ecab::api
