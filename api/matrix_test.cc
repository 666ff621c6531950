// The authorization matrix: every route called by every role.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "api/route_samples.h"
#include "api/testing.h"
#include "domain/authz/authorization.h"
#include "domain/forms/form.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;

std::string Slug(const http::Response& r) { return testing::Slug(r.body); }
using testing::CommandActions;
using testing::Concrete;
using testing::Key;
using testing::Sample;

// Who may call each route: the command routes by the domain's table (a role
// outside it gets 403; inside it the request passes authorization and fails,
// if at all, for another reason), the query routes by their own rules.
class Matrix : public ::testing::Test {
 protected:
  void SetUp() override {
    // Objects for the paths to name: meeting m1 (vote v1 open on item i1,
    // "min-justice" named "deputy-justice" as substitute), form f1 (issued to
    // two members), resolution r1, document d1.
    auto ok = [&](const http::Response& r) { ASSERT_LT(r.status, 300) << r.body; };
    const std::string b = "/v1/bodies/gov-vn";
    ok(node.Call("POST", b + "/documents", R"({"document":"d1","title":"Agenda paper"})",
                 "gov-office-staff-1"));
    ok(node.Call("POST", b + "/meetings",
                 json{{"meeting", "m1"},
                      {"title", "Session"},
                      {"place", "Hà Nội"},
                      {"starts_at", FormatRfc3339(testing::Now())},
                      {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(4))}}
                     .dump(),
                 "gov-office-staff-1"));
    ok(node.Call("POST", b + "/meetings/m1/agenda",
                 R"({"item":"i1","title":"Item","documents":["d1"]})", "gov-office-staff-1"));
    for (const auto& m : node.members) {
      ok(node.Call("POST", b + "/meetings/m1/invitations", json{{"person", m}}.dump(),
                   "gov-office-staff-1"));
    }
    ok(node.Call("POST", b + "/people",
                 R"({"person":"deputy-justice","office":"Deputy Minister","role":"substitute"})",
                 "bootstrap"));
    ok(node.Call("POST", b + "/meetings/m1/rsvp",
                 R"({"response":"substitute","substitute":"deputy-justice"})", "min-justice"));
    node.SetPassword("deputy-justice");
    ok(node.Call("POST", b + "/meetings/m1/session", "", "pm"));
    for (std::size_t i = 0; i < 20; ++i) {
      ok(node.Call("POST", b + "/meetings/m1/check-ins",
                   json{{"person", node.members[i]}, {"attendance", "in_room"}}.dump(),
                   "gov-office-staff-1"));
    }
    ok(node.Call("POST", b + "/meetings/m1/items/i1/take-up", "", "pm"));
    ok(node.Call("POST", b + "/meetings/m1/votes", R"({"vote":"v1","question":"Adopt?"})", "pm"));
    ok(node.Call("POST", b + "/forms",
                 json{{"form", "f1"},
                      {"title", "Opinion"},
                      {"question", "Agree?"},
                      {"addressees", {"min-finance", "min-trade"}},
                      {"deadline", FormatRfc3339(testing::Now() + std::chrono::hours(48))}}
                     .dump(),
                 "gov-office-staff-1"));
    ok(node.Call("POST", b + "/resolutions", R"({"resolution":"r1","title":"R","text":"T"})",
                 "gov-office-staff-1"));
  }

  struct Principal {
    std::string name, person, on_behalf_of;
    std::optional<Role> role;  // what the table sees
  };
  std::vector<Principal> principals() const {
    return {{"member", "min-finance", "", Role::kMember},
            {"chair", "pm", "", Role::kChair},
            {"secretariat", "gov-office-staff-1", "", Role::kSecretariat},
            {"substitute", "deputy-justice", "min-justice", Role::kSubstitute},
            {"auditor", "auditor-1", "", Role::kAuditor},
            {"archivist", "archivist-1", "", Role::kArchivist},
            {"admin", "bootstrap", "", Role::kAdmin},
            {"outsider", "outsider", "", std::nullopt},
            {"wrong body", "other-member", "", std::nullopt}};
  }

  http::Response As(const Principal& p, const Route& r) {
    std::map<std::string, std::string> headers;
    if (!p.on_behalf_of.empty()) headers["x-on-behalf-of"] = p.on_behalf_of;
    const std::string body = r.method == "GET" ? "" : Sample(r.schema).dump();
    if (r.command) headers["idempotency-key"] = "matrix-" + std::to_string(++sequence_);
    return node.Call(r.method, Concrete(r.pattern), body, p.person, headers);
  }

  Node node;
  int sequence_ = 0;
};

TEST_F(Matrix, CommandRoutesRefuseExactlyTheRolesTheTableRefuses) {
  std::size_t cells = 0;
  for (const Route& r : node.app->routes()) {
    // The platform's routes are for platform administrators (api/platform_test.cc).
    if (!r.command || !r.pattern.starts_with("/v1/bodies/{body}")) continue;
    auto action = CommandActions().find(Key(r));
    ASSERT_NE(action, CommandActions().end())
        << "no action for " << Key(r) << ": add it to the matrix";
    const auto allowed = AllowedRoles(action->second);
    for (const auto& p : principals()) {
      const std::uint64_t head = node.store->head_position();
      const auto response = As(p, r);
      const bool listed =
          p.role && std::find(allowed.begin(), allowed.end(), *p.role) != allowed.end();
      const std::string table_refusal = p.role
                                            ? "a " + std::string(RoleName(*p.role)) + " may not " +
                                                  std::string(ActionName(action->second))
                                            : "";
      if (listed) {
        EXPECT_NE(response.status, 401) << Key(r) << " as " << p.name;
        // Allowed by the table; a 403 can only come from a per-object rule.
        if (response.status == 403) {
          EXPECT_NE(Parse(response.body).value("detail", ""), table_refusal)
              << Key(r) << " as " << p.name;
        }
      } else {
        if (p.role) {
          EXPECT_EQ(Parse(response.body).value("detail", ""), table_refusal)
              << Key(r) << " as " << p.name;
        }
        EXPECT_EQ(response.status, 403) << Key(r) << " as " << p.name << ": " << response.body;
        EXPECT_EQ(Slug(response), "forbidden");
        EXPECT_FALSE(Parse(response.body).value("detail", "").empty());
        EXPECT_EQ(node.store->head_position(), head) << Key(r) << " as " << p.name << " appended";
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, CommandActions().size() * principals().size());
}

TEST_F(Matrix, QueryRoutesFollowTheirReadRules) {
  using R = Role;
  const std::vector<R> everyone = {R::kMember,  R::kChair,     R::kSecretariat,
                                   R::kAuditor, R::kArchivist, R::kAdmin};
  const std::vector<R> oversight = {R::kChair, R::kSecretariat, R::kAuditor, R::kArchivist,
                                    R::kAdmin};
  const std::vector<R> auditors = {R::kAuditor, R::kArchivist};
  const std::vector<R> with_substitutes = {R::kMember,    R::kChair, R::kSecretariat, R::kAuditor,
                                           R::kArchivist, R::kAdmin, R::kSubstitute};
  // Route -> roles that get 200. Substitutes see the meeting they stand in.
  const std::map<std::string, std::vector<R>> readers = {
      {"GET ", with_substitutes},
      {"GET /meetings/{meeting}", everyone},
      {"GET /meetings/{meeting}/votes/{vote}", everyone},
      {"GET /forms/{form}", oversight},
      {"GET /resolutions/{resolution}", everyone},
      {"GET /documents/{document}", everyone},
      {"GET /dashboard", oversight},
      {"GET /analytics", oversight},
      {"GET /meetings/{meeting}/analytics", everyone},
      {"GET /search", everyone},
      {"GET /log", auditors},
      {"GET /log/tree-heads", auditors},
      {"GET /log/verification", auditors},
      {"GET /log/proofs/inclusion", auditors},
      {"GET /log/proofs/consistency", auditors},
      {"GET /resolutions/{resolution}/explanation", auditors},
      {"GET /meetings/{meeting}/votes/{vote}/explanation", auditors},
      {"GET /forms/{form}/explanation", auditors},
      // Certificates are public: anyone of the body, substitutes too.
      {"GET /certificate-requests", with_substitutes},
      {"GET /meetings", with_substitutes},
      {"GET /people/{person}/certificates", with_substitutes},
  };
  ASSERT_TRUE(node.app->WaitForViews(node.store->head_position()));
  std::size_t cells = 0;
  for (const Route& r : node.app->routes()) {
    auto rule = readers.find(Key(r));
    if (rule == readers.end() || !r.pattern.starts_with("/v1/bodies/")) continue;
    for (const auto& p : principals()) {
      Route concrete = r;
      if (Key(r) == "GET /search") concrete.pattern += "?q=agenda";
      if (Key(r) == "GET /log/proofs/inclusion") concrete.pattern += "?position=1";
      if (Key(r) == "GET /log/proofs/consistency") concrete.pattern += "?first=1";
      const auto response = As(p, concrete);
      const bool reads = p.role && std::find(rule->second.begin(), rule->second.end(), *p.role) !=
                                       rule->second.end();
      const bool substitute_sees_meeting = p.name == "substitute" &&
                                           Key(r).starts_with("GET /meetings/") &&
                                           !Key(r).ends_with("/explanation");
      if (reads || substitute_sees_meeting) {
        EXPECT_EQ(response.status, 200) << Key(r) << " as " << p.name << ": " << response.body;
      } else if (p.role && *p.role != R::kSubstitute &&
                 (Key(r) == "GET /documents/{document}" || Key(r) == "GET /forms/{form}")) {
        // An object a person of the body may not see does not exist for them.
        EXPECT_EQ(response.status, 404) << Key(r) << " as " << p.name << ": " << response.body;
      } else {
        EXPECT_EQ(response.status, 403) << Key(r) << " as " << p.name << ": " << response.body;
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, readers.size() * principals().size());
}

TEST_F(Matrix, AMemberAnsweringAFormNotAddressedToThemIsRefusedAndNothingIsAppended) {
  const std::string b = "/v1/bodies/gov-vn/forms/f1";
  ASSERT_EQ(node.Call("POST", b + "/submission", "", "gov-office-staff-1").status, 201);
  auto form = node.app->commands().Form("f1");
  ASSERT_TRUE(form.ok());
  const std::string approve_key = "approve-f1";
  const auto now = testing::Now();
  const auto approval =
      forms::ApprovalPayload("gov-vn", form->state, "pm", "api:pm:" + approve_key, now);
  ASSERT_EQ(
      node.Call("POST", b + "/approval", json{{"signature", node.SignJson("pm", approval)}}.dump(),
                "pm", {{"idempotency-key", approve_key}})
          .status,
      201);
  EXPECT_EQ(node.Call("GET", b, "", "min-trade").status, 404)
      << "a draft is not shown to its addressees";
  const auto issued = node.Call("POST", b + "/issue", "", "gov-office-staff-1");
  ASSERT_EQ(issued.status, 201);
  const std::string at = std::to_string(Parse(issued.body)["last_position"].get<std::uint64_t>());
  EXPECT_EQ(node.Call("GET", b + "?min_position=" + at, "", "min-trade").status, 200)
      << "an addressee reads the issued form";
  EXPECT_EQ(node.Call("GET", b, "", "min-justice").status, 404) << "another member does not";
  form = node.app->commands().Form("f1");
  const std::uint64_t head = node.store->head_position();
  const std::string key = "answer-1";
  const auto payload =
      forms::AnswerPayload("gov-vn", form->state, "min-justice", forms::Answer::kAgree, "",
                           "api:min-justice:" + key, now);
  const auto refused = node.Call(
      "POST", b + "/answers",
      json{{"answer", "agree"}, {"signature", node.SignJson("min-justice", payload)}}.dump(),
      "min-justice", {{"idempotency-key", key}});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(Parse(refused.body).value("detail", "").find("not addressed"), std::string::npos)
      << refused.body;
  EXPECT_EQ(node.store->head_position(), head);
  // The addressee's own signed answer goes through.
  const std::string key2 = "answer-2";
  const auto mine = forms::AnswerPayload("gov-vn", form->state, "min-trade", forms::Answer::kAgree,
                                         "", "api:min-trade:" + key2, now);
  EXPECT_EQ(
      node.Call("POST", b + "/answers",
                json{{"answer", "agree"}, {"signature", node.SignJson("min-trade", mine)}}.dump(),
                "min-trade", {{"idempotency-key", key2}})
          .status,
      201);
}

}  // namespace
}  // namespace ecab::api
