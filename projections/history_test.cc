// Time travel, audit trails and the dashboard over the 24 June 2019 log.
#include <gtest/gtest.h>

#include "projections/audit.h"
#include "projections/dashboard.h"
#include "projections/testing.h"
#include "projections/views.h"

namespace ecab::proj {
namespace {

using History = testing::June24Log;

TEST_F(History, AMeetingViewAsOfAnyPositionComesFromASnapshotPlusTheEventsAfterIt) {
  AggregateViews projections(*views, /*snapshot_every=*/16);
  testing::ProjectAll(*store, *views, projections.all(), 100);
  const std::uint64_t tenth_ballot = PositionOf("meeting.ballot_cast", 10);
  auto then = projections.meetings.AsOf(*store, "meeting-1", tenth_ballot);
  ASSERT_TRUE(then.ok()) << ToString(then.error());
  const auto& vote = (*then)["votes"][0];
  EXPECT_EQ(vote["tally"]["for"], 10);
  EXPECT_EQ(vote["final"], false);
  EXPECT_EQ(vote["passed"], false) << "10 of 27 would not pass yet";
  EXPECT_EQ((*then)["position"], tenth_ballot);
  EXPECT_GT((*then)["snapshot_position"].get<std::uint64_t>(), 0u)
      << "started from a snapshot, not from 0";
  EXPECT_LT((*then)["replayed_events"].get<std::uint64_t>(), 16u);

  const std::uint64_t opened = PositionOf("meeting.session_opened", 1);
  auto before_votes = projections.meetings.AsOf(*store, "meeting-1", opened);
  ASSERT_TRUE(before_votes.ok());
  EXPECT_EQ((*before_votes)["status"], "open");
  EXPECT_TRUE((*before_votes)["votes"].empty());
  EXPECT_EQ((*before_votes)["quorum"]["present"], 0);

  auto now = projections.meetings.AsOf(*store, "meeting-1", store->head_position());
  ASSERT_TRUE(now.ok());
  auto current = views->Get("meeting/view/meeting-1");
  auto stored = nlohmann::json::parse(**current);
  for (const char* key : {"as_of_position", "snapshot_position", "replayed_events"})
    now->erase(key);
  EXPECT_EQ(*now, stored) << "time travel to the head equals the live view";

  auto nothing = projections.resolutions.AsOf(*store, "resolution-nq-eid", 1);
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().code, ErrorCode::kNotFound);
}

TEST_F(History, AuditTrailsListEveryActByActorAndByObjectWithSignatureStatus) {
  AuditProjection audit;
  testing::ProjectAll(*store, *views, {&audit}, 100);
  auto minister = AuditTrail(*views, "actor", "min-ict");
  ASSERT_TRUE(minister.ok());
  ASSERT_EQ(minister->size(), 1u);
  const auto& ballot = (*minister)[0];
  EXPECT_EQ(ballot["type"], "meeting.ballot_cast");
  EXPECT_EQ(ballot["role"], "member");
  EXPECT_EQ(ballot["stream"], "meeting-1");
  EXPECT_EQ(ballot["signature"]["status"], "verified on arrival");
  EXPECT_EQ(ballot["signature"]["algorithm"], "ed25519");

  auto meeting = AuditTrail(*views, "object", "meeting-1", 0, 1000);
  ASSERT_TRUE(meeting.ok());
  auto events = store->ReadStream("meeting-1", 0, es::Direction::kForward, 1000);
  ASSERT_EQ(meeting->size(), events->size());
  auto page = AuditTrail(*views, "object", "meeting-1", (*meeting)[9]["position"], 5);
  ASSERT_EQ(page->size(), 5u);
  EXPECT_EQ((*page)[0]["position"], (*meeting)[10]["position"]);
  EXPECT_EQ(AuditTrail(*views, "room", "x").error().code, ErrorCode::kInvalidArgument);
}

TEST_F(History, TheDashboardAsOfAnyPositionComesFromASnapshotPlusTheEventsAfterIt) {
  DashboardProjection dashboard(*views, /*snapshot_every=*/16);
  testing::ProjectAll(*store, *views, {&dashboard}, 100);
  const Timestamp june25 = FromMicros(1561363200000000) + std::chrono::days(1);
  const std::uint64_t opened = PositionOf("meeting.session_opened", 1);
  auto live = DashboardAsOf(*store, *views, "gov-vn", opened, june25);
  ASSERT_TRUE(live.ok()) << ToString(live.error());
  EXPECT_EQ((*live)["meetings"]["live"], 1) << "the session was open then";
  EXPECT_EQ((*live)["meetings"]["items"],
            nlohmann::json::parse(
                R"([{"meeting":"1","status":"live","starts_at":"2019-06-24T08:00:00.000000Z"}])"));
  EXPECT_EQ((*live)["resolutions"]["promulgated_this_year"], 0);
  EXPECT_GT((*live)["snapshot_position"].get<std::uint64_t>(), 0u);
  EXPECT_LE((*live)["replayed_events"].get<std::uint64_t>(),
            opened - (*live)["snapshot_position"].get<std::uint64_t>());
  auto at_head = DashboardAsOf(*store, *views, "gov-vn", store->head_position(), june25);
  ASSERT_TRUE(at_head.ok());
  auto current = Dashboard(*views, "gov-vn", june25);
  for (const char* key : {"as_of_position", "snapshot_position", "replayed_events"})
    at_head->erase(key);
  EXPECT_EQ(*at_head, *current);
}

TEST_F(History, TheAuditTrailAsOfAPositionEndsThere) {
  AuditProjection audit;
  testing::ProjectAll(*store, *views, {&audit}, 100);
  const std::uint64_t opened = PositionOf("meeting.session_opened", 1);
  auto trail = AuditTrail(*views, "object", "meeting-1", 0, 1000, opened);
  ASSERT_TRUE(trail.ok());
  ASSERT_FALSE(trail->empty());
  EXPECT_EQ(trail->back()["position"], opened);
}

TEST_F(History, TheDashboardCountsAgainstTheTimeAsked) {
  DashboardProjection dashboard(*views);
  testing::ProjectAll(*store, *views, {&dashboard}, 100);
  const Timestamp june25 = FromMicros(1561363200000000) + std::chrono::days(1);
  auto summary = Dashboard(*views, "gov-vn", june25);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ((*summary)["meetings"]["live"], 0);
  EXPECT_EQ((*summary)["resolutions"]["promulgated_this_year"], 1);
  EXPECT_EQ((*summary)["resolutions"]["in_progress"], 0);
  EXPECT_EQ((*summary)["resolutions"]["items"],
            nlohmann::json::parse(R"([{"resolution":"nq-eid","promulgated":true}])"))
      << "this year's promulgated resolutions are listed for the auditors";
  auto next_year = Dashboard(*views, "gov-vn", june25 + std::chrono::days(365));
  EXPECT_EQ((*next_year)["resolutions"]["promulgated_this_year"], 0);

  forms::FormContent content{"Budget", "Agree?", {}, {"m02"}, june25, Urgency::kNormal};
  testing::AppendAll(
      *store, "form-b",
      std::vector<forms::FormEvent>{
          forms::FormDrafted{"b", content},
          forms::FormIssued{{"m02"}, june25, Urgency::kNormal, Silence::kNotCounted, {1, 2}}});
  testing::ProjectAll(*store, *views, {&dashboard}, 100);
  auto before = Dashboard(*views, "gov-vn", june25 - std::chrono::hours(1));
  EXPECT_EQ((*before)["forms"]["outstanding"], 1);
  EXPECT_EQ((*before)["forms"]["overdue"], 0);
  EXPECT_EQ((*before)["forms"]["items"],
            nlohmann::json::parse(R"([{"form":"b","deadline":")" + FormatRfc3339(june25) +
                                  R"(","overdue":false}])"))
      << "the dashboard names the form behind its count";
  auto after = Dashboard(*views, "gov-vn", june25 + std::chrono::hours(1));
  EXPECT_EQ((*after)["forms"]["overdue"], 1);
  EXPECT_EQ((*after)["forms"]["items"][0]["overdue"], true);
  EXPECT_TRUE((*after)["meetings"]["items"].empty())
      << "the 24 June session is closed: neither upcoming nor live";
}

}  // namespace
}  // namespace ecab::proj
