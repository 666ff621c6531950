// Given/when/then for resolutions (process 5).
#include "domain/resolution/resolution.h"

#include <gtest/gtest.h>

#include "domain/directory/testing.h"

namespace ecab::resolution {
namespace {

using testing::June24;
using testing::World;

class ResolutionTest : public ::testing::Test {
 protected:
  World w = World::WithMembers(3);
  Resolution r;
  Timestamp now = June24();
  meeting::VoteOutcome passed{27, 21, 25, 0, 0, 2, 21, 4, 0, 27, false, true, "", ""};
  meeting::VoteOutcome failed{27, 21, 13, 10, 0, 4, 13, 0, 0, 27, false, false, "", ""};

  Result<std::vector<ResolutionEvent>> Try(const ResolutionCommand& c, const std::string& actor,
                                           Role role, const meeting::VoteOutcome* outcome = nullptr,
                                           std::string id = "cmd") {
    auto events = Decide(r, c, w.Ctx(actor, role, now, id), w.body, outcome);
    if (events.ok()) r = testing::FoldAll(std::move(r), *events, Evolve);
    return events;
  }
  void Do(const ResolutionCommand& c, const std::string& actor, Role role) {
    auto e = Try(c, actor, role);
    ASSERT_TRUE(e.ok()) << ToString(e.error());
  }
  Result<std::vector<ResolutionEvent>> Sign(const meeting::VoteOutcome* outcome) {
    const auto payload = SignaturePayload("gov-vn", r, "pm", "sign", now);
    return Try(SignResolution{w.SignAs("pm", payload)}, "pm", Role::kChair, outcome, "sign");
  }
};

void ExpectRefused(const Result<std::vector<ResolutionEvent>>& r, ErrorCode code,
                   const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "expected a refusal: " << fragment;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST_F(ResolutionTest, EveryEditIsKeptWithItsAuthorAndCirculationIsRecorded) {
  ExpectRefused(Try(DraftResolution{"r1", "T", "text", "m", ""}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "both the meeting and the vote");
  ExpectRefused(Try(DraftResolution{"r1", "T", "v1", "", ""}, "m02", Role::kMember),
                ErrorCode::kForbidden, "may not draft_resolution");
  Do(DraftResolution{"r1", "Resolution", "v1", "", ""}, "staff", Role::kSecretariat);
  Do(ReviseResolution{"v2"}, "staff", Role::kSecretariat);
  ExpectRefused(Try(ReviseResolution{"v2"}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "did not change");
  Do(CirculateResolution{"form-r1"}, "staff", Role::kSecretariat);
  Do(ReviseResolution{"v3"}, "staff", Role::kSecretariat);
  ASSERT_EQ(r.versions.size(), 3u);
  EXPECT_EQ(r.versions[1].text, "v2");
  EXPECT_EQ(r.versions[1].author, "staff");
  EXPECT_EQ(r.current().version, 3u);
  EXPECT_EQ(r.circulated_forms, std::vector<std::string>{"form-r1"});
  Do(SubmitResolution{}, "staff", Role::kSecretariat);
  ExpectRefused(Try(ReviseResolution{"v4"}, "staff", Role::kSecretariat), ErrorCode::kRuleViolation,
                "is submitted");
}

TEST_F(ResolutionTest, TheChairSignsOnlyWhatThePassedVoteBacks) {
  Do(DraftResolution{"r1", "Resolution", "text", "meeting-1", "vote-1"}, "staff",
     Role::kSecretariat);
  ExpectRefused(Sign(&passed), ErrorCode::kRuleViolation, "is a draft");
  Do(SubmitResolution{}, "staff", Role::kSecretariat);
  ExpectRefused(Sign(nullptr), ErrorCode::kRuleViolation, "has not passed");
  ExpectRefused(Sign(&failed), ErrorCode::kRuleViolation, "has not passed");
  // A signature over an older text version is refused.
  auto stale = SignaturePayload("gov-vn", r, "pm", "sign", now);
  stale.text_sha256 = Sha256Hex("another text");
  ExpectRefused(Try(SignResolution{w.SignAs("pm", stale)}, "pm", Role::kChair, &passed, "sign"),
                ErrorCode::kBadSignature, "does not match");
  ExpectRefused(Try(SignResolution{w.SignAs("m02", SignaturePayload("gov-vn", r, "m02", "s", now))},
                    "m02", Role::kMember, &passed, "s"),
                ErrorCode::kForbidden, "may not sign_resolution");
  auto signed_ = Sign(&passed);
  ASSERT_TRUE(signed_.ok()) << ToString(signed_.error());
  EXPECT_EQ(r.signature->version, 1u);
}

TEST_F(ResolutionTest, PromulgationNeedsTheNumberAssignedInTheBodyThenDistribution) {
  Do(DraftResolution{"r1", "Resolution", "text", "", ""}, "staff", Role::kSecretariat);
  Do(SubmitResolution{}, "staff", Role::kSecretariat);
  ExpectRefused(Try(PromulgateResolution{}, "staff", Role::kSecretariat), ErrorCode::kRuleViolation,
                "is submitted");
  ASSERT_TRUE(Sign(nullptr).ok());
  ExpectRefused(Try(PromulgateResolution{}, "staff", Role::kSecretariat), ErrorCode::kRuleViolation,
                "no number");
  auto numbered = directory::Decide(w.body, directory::AssignResolutionNumber{"r1", 2019},
                                    w.Ctx("staff", Role::kSecretariat, now));
  ASSERT_TRUE(numbered.ok());
  w.body = testing::FoldAll(w.body, *numbered, directory::Evolve);
  ExpectRefused(Try(DistributeResolution{{"ministries"}}, "staff", Role::kSecretariat),
                ErrorCode::kRuleViolation, "is signed");
  Do(PromulgateResolution{}, "staff", Role::kSecretariat);
  EXPECT_EQ(r.number, "1/NQ-CP");
  ExpectRefused(Try(DistributeResolution{{}}, "staff", Role::kSecretariat),
                ErrorCode::kInvalidArgument, "recipients");
  Do(DistributeResolution{{"ministries", "provinces"}}, "staff", Role::kSecretariat);
  EXPECT_EQ(r.status, ResolutionStatus::kDistributed);
}

}  // namespace
}  // namespace ecab::resolution
