// Explain, the meeting view and the minutes tell one attendance, each person
// once; an event explain cannot read is reported, never skipped.
#include "replay/explain.h"

#include <gtest/gtest.h>

#include "domain/meeting/meeting.h"
#include "projections/testing.h"
#include "projections/views.h"
#include "replay/minutes.h"

namespace ecab::replay {
namespace {

using es::testing::TempDir;
using nlohmann::json;

// Before the vote opens: an absent member joins remotely, a substitute stands
// in for another absent member, and a member in the room checks in again.
void MixedAttendance(ecab::testing::World&, std::vector<meeting::MeetingEvent>& events) {
  auto opened = std::find_if(events.begin(), events.end(), [](const auto& e) {
    return std::holds_alternative<meeting::VoteOpened>(e);
  });
  events.insert(
      opened,
      {meeting::CheckedIn{"min-education", meeting::Attendance::kRemote, "", "staff"},
       meeting::CheckedIn{"deputy-health", meeting::Attendance::kSubstitute, "min-health", "staff"},
       meeting::CheckedIn{"min-labour", meeting::Attendance::kInRoom, "", "staff"}});
}

meeting::Meeting Fold(const es::EventStore& store, const std::string& stream) {
  meeting::Meeting m;
  auto events = store.ReadStream(stream, 1, es::Direction::kForward, 100'000);
  EXPECT_TRUE(events.ok());
  for (const auto& e : *events) {
    auto decoded = meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload);
    if (decoded.ok()) m = meeting::Evolve(std::move(m), *decoded);
  }
  return m;
}

TEST(ExplainAttendance, ExplainTheMeetingViewAndTheMinutesCountEachPersonOnce) {
  TempDir dir;
  auto store = es::testing::OpenOrDie(dir.path() / "store");
  proj::testing::RecordJune24(*store, MixedAttendance);
  auto views = es::ViewStore::Open(dir.path() / "views", es::testing::Ring());
  ASSERT_TRUE(views.ok());
  proj::AggregateViews aggregates(**views);
  proj::testing::ProjectAll(*store, **views, aggregates.all(), 64);
  auto stored = (*views)->Get("meeting/view/meeting-1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const json view = json::parse(**stored)["attendance"];

  auto story = Explain(*store, "vote", "meeting-1/vote-1");
  ASSERT_TRUE(story.ok());
  const json counts = StoryJson(*story)["attendance"]["counts"];
  const json expected = {{"in_room", 21}, {"remote", 1}, {"substitute", 1}, {"absent", 5}};
  EXPECT_EQ(counts, expected);
  EXPECT_EQ(view, expected) << "the meeting view counts otherwise";
  const std::string sentence = "21 in the room, 1 remote, 1 substitute, 5 absent";
  EXPECT_NE(ExplainText(*story).find("attendance: " + sentence), std::string::npos)
      << ExplainText(*story);
  const meeting::Meeting m = Fold(*store, "meeting-1");
  const directory::Body body;
  const std::string minutes = MinutesHtml(MinutesInput{m, body, {}, {}, {}});
  EXPECT_NE(minutes.find("Attendance</span>: 21 tại phòng họp, 1 trực tuyến, 1 người dự thay, "
                         "5 vắng mặt <span class=\"en\">" +
                         sentence),
            std::string::npos)
      << minutes;
  EXPECT_TRUE(Findings(*story).empty());
}

TEST(ExplainAttendance, TheMinutesSayQuorumRuleAndReasoningInVietnameseWithTheEnglishAlongside) {
  TempDir dir;
  auto store = es::testing::OpenOrDie(dir.path() / "store");
  proj::testing::RecordJune24(*store);
  const meeting::Meeting m = Fold(*store, "meeting-1");
  const std::string minutes = MinutesHtml(MinutesInput{m, directory::Body{}, {}, {}, {}});
  for (const char* said : {
           "Quorum</span>: 21/27 thành viên có mặt; cần ít nhất 18; đủ túc số <span "
           "class=\"en\">21 of 27 present; at least 18 needed; quorum met</span>",
           "Rule</span>: quá nửa tổng số 27 thành viên <span class=\"en\">more than half of all "
           "27 members</span>",
           "25/27 tán thành; cần hơn 13,5; thông qua <span class=\"en\">25 of 27 in favour (21 "
           "in the room, 4 remote); needed more than 13.5; passed</span>",
       }) {
    EXPECT_NE(minutes.find(said), std::string::npos) << said << "\n" << minutes;
  }
  // The story gives the rule's terms for a reader to say it in their own language.
  auto story = Explain(*store, "vote", "meeting-1/vote-1");
  ASSERT_TRUE(story.ok());
  const json expected = {{"basis", "all_members"},
                         {"majority", {1, 2}},
                         {"of", 27},
                         {"needed_more_than", 13.5},
                         {"chair_decides_tie", true}};
  EXPECT_EQ(StoryJson(*story)["rule_terms"], expected);
}

TEST(ExplainAttendance, AnEventExplainCannotReadIsAFindingWithItsPosition) {
  TempDir dir;
  auto store = es::testing::OpenOrDie(dir.path() / "store");
  proj::testing::RecordJune24(*store);
  es::AppendRequest r;
  r.body = "gov-vn";
  r.stream = "meeting-1";
  r.command_id = "from-a-newer-build";
  r.actor = {"staff", "secretariat", ""};
  r.events.push_back({"meeting.checked_in", 99, "bytes this build cannot read", std::nullopt});
  auto appended = store->Append(std::move(r));
  ASSERT_TRUE(appended.ok());
  auto story = Explain(*store, "resolution", "nq-eid");
  ASSERT_TRUE(story.ok());
  const auto findings = Findings(*story);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].position, appended->last_position);
  EXPECT_NE(
      ExplainText(*story).find("FINDING at position " + std::to_string(appended->last_position)),
      std::string::npos);
}

}  // namespace
}  // namespace ecab::replay
