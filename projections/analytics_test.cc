// Meeting analytics of a scripted meeting whose every event has a known time:
// item times, speaking time, punctuality and the comparison with an earlier
// meeting match to the second; form answer times likewise.
#include "projections/analytics.h"

#include <gtest/gtest.h>

#include "domain/forms/events.h"
#include "domain/meeting/events.h"
#include "eventstore/clock.h"
#include "projections/testing.h"

namespace ecab::proj {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class Analytics : public ::testing::Test {
 protected:
  void SetUp() override {
    es::StoreOptions options;
    options.dir = dir.path() / "store";
    options.keys = es::testing::Ring();
    options.clock = clock;
    store = es::testing::OpenOrDie(options);
    auto opened = es::ViewStore::Open(dir.path() / "views", es::testing::Ring());
    ASSERT_TRUE(opened.ok());
    views = std::move(opened).value();
  }
  // Records `event` on `stream` at t0 + `at` seconds.
  template <class Event>
  void At(std::int64_t at, const std::string& stream, Event event) {
    clock->Set(t0 + seconds(at));
    CommandContext ctx;
    ctx.actor = "test";
    ctx.role = Role::kSecretariat;
    ctx.command_id = "cmd-" + std::to_string(++commands);
    testing::AppendAll(*store, stream, std::vector<Event>{std::move(event)}, {ctx});
  }
  void Project() {
    AnalyticsProjection analytics(*views);
    testing::ProjectAll(*store, *views, {&analytics}, 7);
  }

  const Timestamp t0 = FromMicros(1561338000000000);  // 24/06/2019 08:00 in Hà Nội
  std::shared_ptr<es::ManualClock> clock =
      std::make_shared<es::ManualClock>(t0 - std::chrono::days(3));
  es::testing::TempDir dir;
  std::unique_ptr<es::EventStore> store;
  std::unique_ptr<es::ViewStore> views;
  int commands = 0;
};

using meeting::MeetingEvent;

TEST_F(Analytics, ItemTimesSpeakingTimePunctualityAndTheEarlierMeetingMatchToTheSecond) {
  // An earlier meeting: 880 s long.
  const std::int64_t before = -2 * 86400;
  At(before - 60, "meeting-m0",
     MeetingEvent{meeting::MeetingScheduled{"m0", "Earlier", t0 + seconds(before), t0, "", ""}});
  At(before - 50, "meeting-m0", MeetingEvent{meeting::AgendaItemAdded{"x", "X", {}}});
  At(before, "meeting-m0", MeetingEvent{meeting::SessionOpened{"a", {"a", "b", "c"}, {}}});
  At(before + 40, "meeting-m0", MeetingEvent{meeting::ItemTakenUp{"x"}});
  At(before + 880, "meeting-m0", MeetingEvent{meeting::SessionClosed{"a"}});

  // This meeting, scheduled for t0.
  At(-86400, "meeting-m1",
     MeetingEvent{
         meeting::MeetingScheduled{"m1", "Today", t0, t0 + std::chrono::hours(4), "Hà Nội", ""}});
  At(-86300, "meeting-m1", MeetingEvent{meeting::AgendaItemAdded{"i1", "Item one", {}}});
  At(-86200, "meeting-m1", MeetingEvent{meeting::AgendaItemAdded{"i2", "Item two", {}}});
  At(0, "meeting-m1", MeetingEvent{meeting::CheckedIn{"a", meeting::Attendance::kInRoom, "", "a"}});
  At(60, "meeting-m1", MeetingEvent{meeting::SessionOpened{"a", {"a", "b", "c"}, {}}});
  At(90, "meeting-m1",
     MeetingEvent{meeting::CheckedIn{"b", meeting::Attendance::kRemote, "", "b"}});
  At(100, "meeting-m1",
     MeetingEvent{meeting::CheckedIn{"c", meeting::Attendance::kAbsent, "", "staff"}});
  At(120, "meeting-m1", MeetingEvent{meeting::ItemTakenUp{"i1"}});
  At(130, "meeting-m1", MeetingEvent{meeting::FloorGranted{"a"}});
  At(250, "meeting-m1", MeetingEvent{meeting::FloorGranted{"b"}});  // ends a's speech: 120 s
  At(300, "meeting-m1", MeetingEvent{meeting::FloorEnded{"b"}});    // 50 s
  At(400, "meeting-m1", MeetingEvent{meeting::ItemClosed{"i1"}});   // i1: 280 s
  At(410, "meeting-m1", MeetingEvent{meeting::ItemTakenUp{"i2"}});
  At(420, "meeting-m1", MeetingEvent{meeting::FloorGranted{"a"}});
  At(500, "meeting-m1",
     MeetingEvent{meeting::SessionClosed{"a"}});  // a: 80 s, i2: 90 s, meeting: 440 s
  Project();

  auto a = MeetingAnalytics(*views, "gov-vn", "meeting-m1", t0 + std::chrono::hours(10));
  ASSERT_TRUE(a.ok()) << ToString(a.error());
  EXPECT_EQ((*a)["status"], "closed");
  EXPECT_EQ((*a)["duration_s"], 440);
  EXPECT_EQ((*a)["start_delay_s"], 60);
  EXPECT_EQ((*a)["items"], json::parse(R"([
    {"item":"i1","title":"Item one","started_at":"2019-06-24T01:02:00.000000Z","ended_at":"2019-06-24T01:06:40.000000Z",
     "duration_s":280,"speaking_s":170,"speeches":2},
    {"item":"i2","title":"Item two","started_at":"2019-06-24T01:06:50.000000Z","ended_at":"2019-06-24T01:08:20.000000Z",
     "duration_s":90,"speaking_s":80,"speeches":1}])"));
  EXPECT_EQ((*a)["speakers"], json::parse(R"([
    {"person":"a","speaking_s":200,"speeches":2,"by_item":{"i1":120,"i2":80}},
    {"person":"b","speaking_s":50,"speeches":1,"by_item":{"i1":50}}])"));
  const json& att = (*a)["attendance"];
  EXPECT_EQ(att["members"], 3);
  EXPECT_EQ(att["in_room"], 1);
  EXPECT_EQ(att["remote"], 1);
  EXPECT_EQ(att["absent"], 1);
  EXPECT_EQ(att["on_time"], 1) << "a checked in before the session opened";
  EXPECT_EQ(att["late"], 1) << "b came 30 s after the opening";
  EXPECT_EQ(att["median_arrival_s"], 45) << "0 s and 90 s after the scheduled start";
  const json& cmp = (*a)["comparison"];
  EXPECT_EQ(cmp["earlier_meetings"], 1);
  EXPECT_EQ(cmp["mean_duration_s"], 880);
  EXPECT_EQ(cmp["duration_change_pct"], -50.0) << "440 s against 880 s: half as long";
  EXPECT_EQ(cmp["mean_item_s"], 840);

  const std::string csv = MeetingAnalyticsCsv(*a);
  EXPECT_NE(csv.find("kind,id,name,started_at,ended_at,duration_s,speaking_s,speeches\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(
      csv.find(
          "item,i1,Item one,2019-06-24T01:02:00.000000Z,2019-06-24T01:06:40.000000Z,280,170,2\r\n"),
      std::string::npos)
      << csv;

  auto earlier = MeetingAnalytics(*views, "gov-vn", "meeting-m0", t0);
  ASSERT_TRUE(earlier.ok());
  EXPECT_EQ((*earlier)["comparison"]["earlier_meetings"], 0)
      << "nothing came before the first meeting";
  EXPECT_EQ(MeetingAnalytics(*views, "gov-vn", "meeting-none", t0).error().code,
            ErrorCode::kNotFound);
}

TEST_F(Analytics, WhatIsStillRunningCountsUpToNow) {
  At(-100, "meeting-m2",
     MeetingEvent{meeting::MeetingScheduled{"m2", "Live", t0, t0 + std::chrono::hours(1), "", ""}});
  At(-90, "meeting-m2", MeetingEvent{meeting::AgendaItemAdded{"i1", "Item one", {}}});
  At(0, "meeting-m2", MeetingEvent{meeting::SessionOpened{"a", {"a"}, {}}});
  At(10, "meeting-m2", MeetingEvent{meeting::ItemTakenUp{"i1"}});
  At(20, "meeting-m2", MeetingEvent{meeting::FloorGranted{"a"}});
  Project();
  auto a = MeetingAnalytics(*views, "gov-vn", "meeting-m2", t0 + seconds(75));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)["status"], "open");
  EXPECT_EQ((*a)["duration_s"], 75);
  EXPECT_EQ((*a)["items"][0]["duration_s"], 65);
  EXPECT_EQ((*a)["items"][0]["speaking_s"], 55);
  EXPECT_EQ((*a)["items"][0]["ended_at"], nullptr);
}

TEST_F(Analytics, FormsTellHowLongMembersTookToAnswerCountingEachMembersFirstAnswer) {
  forms::FormContent content{
      "Budget", "Agree?", {}, {"m1", "m2", "m3"}, t0 + std::chrono::days(2), Urgency::kNormal};
  At(-600, "form-f1", forms::FormEvent{forms::FormDrafted{"f1", content}});
  At(0, "form-f1",
     forms::FormEvent{forms::FormIssued{{"m1", "m2", "m3"}, t0 + std::chrono::days(2)}});
  At(3600, "form-f1", forms::FormEvent{forms::AnswerGiven{"m1", forms::Answer::kAgree, "", 1, {}}});
  At(7200, "form-f1",
     forms::FormEvent{forms::AnswerGiven{"m2", forms::Answer::kDisagree, "no", 1, {}}});
  At(9000, "form-f1",
     forms::FormEvent{forms::AnswerGiven{"m1", forms::Answer::kOther, "revised", 2, {}}});
  Project();
  auto body = BodyAnalytics(*views, "gov-vn", t0 + std::chrono::days(1));
  ASSERT_TRUE(body.ok()) << ToString(body.error());
  ASSERT_EQ((*body)["forms"].size(), 1u);
  const json& f = (*body)["forms"][0];
  EXPECT_EQ(f["addressed"], 3);
  EXPECT_EQ(f["answered"], 2);
  EXPECT_EQ(f["median_answer_s"], 5400) << "1 h and 2 h: a revision is not a later answer";
  EXPECT_EQ((*body)["summary"]["median_answer_s"], 5400);
  EXPECT_NE(
      BodyAnalyticsCsv(*body).find("form,f1,Budget,2019-06-24T01:00:00.000000Z,,,,3,2,5400\r\n"),
      std::string::npos)
      << BodyAnalyticsCsv(*body);
}

}  // namespace
}  // namespace ecab::proj
