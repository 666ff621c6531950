// References and numbers that the record must never hold: a resolution number
// for an unsigned or unknown resolution, a circulation through no form, an
// agenda item naming no document, a certificate that would never verify, a
// hostile id. Each is refused and nothing is appended. And substitutes are
// people of the body, who may be named mid-meeting where the policy allows.
#include <gtest/gtest.h>

#include "api/testing.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;
using testing::Parse;
using testing::Slug;

class Refusals : public ::testing::Test {
 protected:
  // A request that must be refused with `status` and `slug`, appending nothing.
  void ExpectRefused(const std::string& method, const std::string& path, const json& body,
                     const std::string& as, int status, const std::string& slug,
                     const std::string& detail = "") {
    const std::uint64_t head = node.store->head_position();
    const auto r = node.Call(method, path, body.is_null() ? "" : body.dump(), as,
                             {{"idempotency-key", "refusal-" + std::to_string(++seq_)}});
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    EXPECT_EQ(Slug(r.body), slug) << r.body;
    if (!detail.empty()) {
      EXPECT_NE(Parse(r.body).value("detail", "").find(detail), std::string::npos) << r.body;
    }
    EXPECT_EQ(node.store->head_position(), head)
        << "appended by a refused " << method << " " << path;
  }
  void Ok(const std::string& method, const std::string& path, const json& body,
          const std::string& as) {
    const auto r = node.Call(method, path, body.is_null() ? "" : body.dump(), as,
                             {{"idempotency-key", "ok-" + std::to_string(++seq_)}});
    ASSERT_LT(r.status, 300) << method << " " << path << ": " << r.body;
  }

  Node node;
  const std::string b = "/v1/bodies/gov-vn";
  int seq_ = 0;
};

TEST_F(Refusals, ANumberGoesOnlyToASignedResolutionAndNoneIsUsedUpByARefusal) {
  Ok("POST", b + "/resolutions", {{"resolution", "r-draft"}, {"title", "R"}, {"text", "T"}},
     "gov-office-staff-1");
  const int year = std::stoi(FormatRfc3339(testing::Now()).substr(0, 4));
  ExpectRefused("POST", b + "/resolution-numbers", {{"resolution", "r-draft"}, {"year", year}},
                "gov-office-staff-1", 409, "rule-violation", "is a draft");
  ExpectRefused("POST", b + "/resolution-numbers", {{"resolution", "no-such"}, {"year", year}},
                "gov-office-staff-1", 404, "not-found", "no resolution 'no-such'");
  ExpectRefused("POST", b + "/resolutions/r-draft/promulgation", nullptr, "gov-office-staff-1", 409,
                "rule-violation");
  ExpectRefused("POST", b + "/resolutions/no-such/promulgation", nullptr, "gov-office-staff-1", 404,
                "not-found");
  // A role the table refuses learns nothing about what exists.
  ExpectRefused("POST", b + "/resolution-numbers", {{"resolution", "no-such"}, {"year", year}},
                "min-finance", 403, "forbidden");
  auto body = node.app->commands().Body("gov-vn");
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(body->state.numbers.empty());
  EXPECT_TRUE(body->state.last_number.empty()) << "no number was used up";
}

TEST_F(Refusals, ReferencesToObjectsThatDoNotExistAre404) {
  Ok("POST", b + "/resolutions", {{"resolution", "r1"}, {"title", "R"}, {"text", "T"}},
     "gov-office-staff-1");
  ExpectRefused("POST", b + "/resolutions/r1/circulation", {{"form", "no-such-form"}},
                "gov-office-staff-1", 404, "not-found", "no opinion form 'no-such-form'");
  ExpectRefused("POST", b + "/resolutions",
                {{"resolution", "r2"},
                 {"title", "R"},
                 {"text", "T"},
                 {"meeting", "no-meeting"},
                 {"vote", "v1"}},
                "gov-office-staff-1", 404, "not-found", "no meeting 'no-meeting'");
  Ok("POST", b + "/meetings",
     {{"meeting", "m1"},
      {"title", "S"},
      {"starts_at", FormatRfc3339(testing::Now())},
      {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(2))},
      {"place", "Hà Nội"}},
     "gov-office-staff-1");
  ExpectRefused(
      "POST", b + "/resolutions",
      {{"resolution", "r2"}, {"title", "R"}, {"text", "T"}, {"meeting", "m1"}, {"vote", "no-vote"}},
      "gov-office-staff-1", 404, "not-found", "has no vote 'no-vote'");
  ExpectRefused("POST", b + "/meetings/m1/agenda",
                {{"item", "i1"}, {"title", "I"}, {"documents", {"no-doc"}}}, "gov-office-staff-1",
                404, "not-found", "no document 'no-doc'");
  ExpectRefused("POST", b + "/forms",
                {{"form", "f1"},
                 {"title", "F"},
                 {"question", "Q?"},
                 {"addressees", {"min-finance", "nobody"}},
                 {"deadline", FormatRfc3339(testing::Now() + std::chrono::hours(48))}},
                "gov-office-staff-1", 404, "not-found", "no person 'nobody'");
  // A form of this body can be circulated through.
  Ok("POST", b + "/forms",
     {{"form", "f1"},
      {"title", "F"},
      {"question", "Q?"},
      {"addressees", {"min-finance"}},
      {"deadline", FormatRfc3339(testing::Now() + std::chrono::hours(48))}},
     "gov-office-staff-1");
  Ok("POST", b + "/resolutions/r1/circulation", {{"form", "f1"}}, "gov-office-staff-1");
}

TEST_F(Refusals, ACertificateIsCheckedWhenEnrolledNotOnlyWhenUsed) {
  const Timestamp now = testing::Now();
  ecab::testing::TestCa stranger("Stranger CA", now - std::chrono::hours(48),
                                 now + std::chrono::hours(48));
  auto der = [](const std::string& bytes) { return json{{"der", Base64Encode(bytes)}}; };
  ExpectRefused("POST", b + "/people/min-finance/certificates", der(stranger.der()), "bootstrap",
                422, "invalid-argument", "does not chain");
  const auto foreign = stranger.Issue("min-finance", ecab::testing::KeyType::kEd25519,
                                      now - std::chrono::hours(1), now + std::chrono::hours(24));
  ExpectRefused("POST", b + "/people/min-finance/certificates", der(foreign.der), "bootstrap", 422,
                "invalid-argument", "does not chain");
  const auto theirs = node.ca().Issue("min-trade", ecab::testing::KeyType::kEd25519,
                                      now - std::chrono::hours(1), now + std::chrono::hours(24));
  ExpectRefused("POST", b + "/people/min-finance/certificates", der(theirs.der), "bootstrap", 422,
                "invalid-argument", "does not name 'min-finance'");
  const auto outsider = node.ca().Issue("stranger", ecab::testing::KeyType::kEd25519,
                                        now - std::chrono::hours(1), now + std::chrono::hours(24));
  ExpectRefused("POST", b + "/people/stranger/certificates", der(outsider.der), "bootstrap", 404,
                "not-found", "not a person of body");
}

TEST_F(Refusals, HostileIdsAreRefusedAtTheEdge) {
  ExpectRefused("POST", b + "/documents", {{"document", "../../../x"}, {"title", "T"}},
                "gov-office-staff-1", 422, "invalid-value", "(ids: ^[a-z0-9]");
  ExpectRefused("POST", b + "/documents", {{"document", "evil\".sh"}, {"title", "T"}},
                "gov-office-staff-1", 422, "invalid-value");
  ExpectRefused("POST", b + "/meetings/Upper-Case/agenda", {{"item", "i1"}, {"title", "I"}},
                "gov-office-staff-1", 422, "invalid-id", "the meeting in the path");
  ExpectRefused("GET", b + "/documents/a..b", nullptr, "gov-office-staff-1", 422, "invalid-id",
                "'..'");
}

TEST_F(Refusals, ASubstituteIsAPersonOfTheBodyNamedMidMeetingWhereThePolicyAllows) {
  Ok("POST", b + "/people",
     {{"person", "deputy-health"},
      {"office", "Deputy Minister of Health"},
      {"office_vi", "Thứ trưởng Bộ Y tế"},
      {"role", "substitute"}},
     "bootstrap");
  node.SetPassword("deputy-health");
  const Timestamp now = testing::Now();
  const auto cert = node.ca().Issue("deputy-health", ecab::testing::KeyType::kEd25519,
                                    now - std::chrono::hours(1), now + std::chrono::hours(24));
  Ok("POST", b + "/people/deputy-health/certificates", {{"der", Base64Encode(cert.der)}},
     "bootstrap");
  Ok("POST", b + "/meetings",
     {{"meeting", "m1"},
      {"title", "S"},
      {"starts_at", FormatRfc3339(now)},
      {"ends_at", FormatRfc3339(now + std::chrono::hours(2))},
      {"place", "Hà Nội"}},
     "gov-office-staff-1");
  for (const auto& id : node.members)
    Ok("POST", b + "/meetings/m1/invitations", {{"person", id}}, "gov-office-staff-1");
  Ok("POST", b + "/meetings/m1/session", nullptr, "pm");
  const json rsvp = {
      {"response", "substitute"}, {"substitute", "deputy-health"}, {"reason", "taken ill"}};
  ExpectRefused("POST", b + "/meetings/m1/rsvp", rsvp, "min-health", 409, "rule-violation",
                "does not allow naming a substitute once the session is open");
  json policy = {{"quorum_numerator", 2},           {"quorum_denominator", 3},
                 {"majority_numerator", 1},         {"majority_denominator", 2},
                 {"majority_basis", "all_members"}, {"tie", "chair_decides"},
                 {"silence", "not_counted"},        {"remote_counts_for_quorum", false},
                 {"substitutes_may_vote", true},    {"substitutes_count_for_quorum", true},
                 {"max_classification", "normal"},  {"late_substitution", true}};
  Ok("PUT", b + "/policy", policy, "bootstrap");
  ExpectRefused("POST", b + "/meetings/m1/rsvp",
                {{"response", "substitute"}, {"substitute", "nobody"}}, "min-health", 404,
                "not-found", "not enrolled as a substitute");
  Ok("POST", b + "/meetings/m1/rsvp", rsvp, "min-health");
  // The substitute logs in as themselves and checks in for the member.
  const auto in =
      node.Call("POST", b + "/meetings/m1/check-ins", json{{"attendance", "substitute"}}.dump(),
                "deputy-health", {{"x-on-behalf-of", "min-health"}});
  EXPECT_EQ(in.status, 201) << in.body;
  const auto view = node.Call(
      "GET", b + "/meetings/m1?min_position=" + std::to_string(node.store->head_position()), "",
      "pm");
  EXPECT_EQ(Parse(view.body)["attendance"]["substitute"], 1) << view.body;
  const auto listed = node.Call("GET", b, "", "bootstrap");
  EXPECT_NE(listed.body.find("\"role\":\"substitute\""), std::string::npos) << listed.body;
}

}  // namespace
}  // namespace ecab::api
