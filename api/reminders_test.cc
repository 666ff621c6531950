// Reminders and overdue warnings with a fake clock, across restarts, and the
// scheduler running on its own inside the server (the App).
#include "domain/reminders/reminders.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/reminder_scheduler.h"
#include "api/testing.h"
#include "domain/directory/body.h"
#include "domain/forms/events.h"
#include "eventstore/testing.h"
#include "projections/tasks.h"

namespace ecab::api {
namespace {

using es::testing::OpenOrDie;
using es::testing::Ring;
using es::testing::TempDir;
using namespace std::chrono_literals;

const Timestamp kT0 = FromMicros(1561363200000000);  // 2019-06-24T08:00:00Z
const Timestamp kDeadline = kT0 + std::chrono::hours(72);

template <class Event>
void Append(es::EventStore& store, const std::string& stream, const Event& event,
            const std::string& actor, const std::string& command_id) {
  const EncodedEvent encoded = Encode(event);
  es::AppendRequest r;
  r.body = "gov-vn";
  r.stream = stream;
  r.command_id = command_id;
  r.actor = {actor, "secretariat", ""};
  r.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
  ASSERT_TRUE(store.Append(std::move(r)).ok());
}

// A body with a secretariat account and two members, and an opinion form
// issued to both with a deadline 72 hours after kT0.
void Given(es::EventStore& store) {
  directory::Body body;
  const CommandContext admin{kT0 - std::chrono::days(10), "admin", Role::kAdmin, "", "seed"};
  int n = 0;
  for (const directory::BodyCommand& c : std::vector<directory::BodyCommand>{
           directory::CreateBody{"gov-vn", "Government", "", "NQ-CP"},
           directory::EnrollPerson{"staff", "Office", "", Role::kSecretariat},
           directory::EnrollPerson{"m02", "Minister", "", Role::kMember},
           directory::EnrollPerson{"m03", "Minister", "", Role::kMember}}) {
    auto events = directory::Decide(body, c, admin);
    ASSERT_TRUE(events.ok()) << ToString(events.error());
    for (const auto& e : *events) {
      body = directory::Evolve(std::move(body), e);
      std::visit(
          [&](const auto& ev) {
            Append(store, "body-gov-vn", ev, "admin", "b" + std::to_string(++n));
          },
          e);
    }
  }
  forms::FormContent content{
      "Decree on e-identification", "Agree?", {}, {"m02", "m03"}, kDeadline, Urgency::kUrgent};
  Append(store, "form-1", forms::FormDrafted{"form-1", content}, "staff", "f1");
  Append(
      store, "form-1",
      forms::FormIssued{{"m02", "m03"}, kDeadline, Urgency::kUrgent, Silence::kNotCounted, {1, 2}},
      "staff", "f2");
}

// One process: the task view running in the background, the command side,
// and the scheduler.
struct Node {
  Node(es::EventStore& store, es::ViewStore& views, es::Clock& clock)
      : tasks(views),
        runner("tasks", views, {&tasks}),
        source(store.Subscribe(runner.position() + 1)),
        commands(store),
        scheduler(commands, views, runner, clock, "staff") {
    runner.Start(*source, 100);
  }
  ~Node() { runner.Stop(); }  // before the source it reads goes away
  proj::TasksProjection tasks;
  proj::Runner runner;
  std::unique_ptr<es::Subscription> source;
  CommandService commands;
  ReminderScheduler scheduler;
};

std::size_t SendDue(Node& node) {
  auto sent = node.scheduler.RunOnce();
  EXPECT_TRUE(sent.ok()) << ToString(sent.error());
  return sent.ok() ? *sent : 0;
}

std::vector<reminders::ReminderRecorded> RecordedReminders(const es::EventStore& store) {
  std::vector<reminders::ReminderRecorded> out;
  auto events = store.ReadStream("reminders-gov-vn", 0, es::Direction::kForward, 1000);
  EXPECT_TRUE(events.ok());
  for (const auto& e : *events) {
    auto decoded = reminders::ReminderDecoder().Decode(e.type, e.schema_version, e.payload);
    EXPECT_TRUE(decoded.ok());
    if (const auto* r = std::get_if<reminders::ReminderRecorded>(&*decoded)) out.push_back(*r);
  }
  return out;
}

TEST(Reminders, DueBeforeTheDeadlineOverdueAfterNoneTwiceAndNoneSkippedWhileStopped) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "store");
  auto views = es::ViewStore::Open(dir.path() / "views", Ring());
  ASSERT_TRUE(views.ok());
  Given(*store);
  es::ManualClock clock(kDeadline - std::chrono::hours(25));
  {
    Node node(*store, **views, clock);
    EXPECT_EQ(SendDue(node), 0u) << "nothing is due 25 hours before";
    clock.Set(kDeadline - std::chrono::hours(23));
    EXPECT_EQ(SendDue(node), 2u) << "the 24-hour reminder, to each addressee";
    EXPECT_EQ(SendDue(node), 0u) << "never twice";
    Append(*store, "form-1", forms::AnswerGiven{"m02", forms::Answer::kAgree, "", 1, {}}, "m02",
           "answer");
    clock.Set(kDeadline - std::chrono::minutes(30));
    EXPECT_EQ(SendDue(node), 1u) << "the 1-hour reminder, only to m03 who has not answered";
  }
  {
    Node restarted(*store, **views, clock);
    EXPECT_EQ(SendDue(restarted), 0u) << "a restart sends nothing again";
  }
  clock.Set(kDeadline + std::chrono::minutes(5));  // the deadline passes while stopped
  Node started(*store, **views, clock);
  EXPECT_EQ(SendDue(started), 1u)
      << "the overdue warning that fell due while stopped is sent on start";
  EXPECT_EQ(SendDue(started), 0u);

  const auto recorded = RecordedReminders(*store);
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_EQ(recorded[0].stage, "before");
  EXPECT_EQ(recorded[0].offset_minutes, 1440u);
  EXPECT_EQ(recorded[2].person, "m03");
  EXPECT_EQ(recorded[2].offset_minutes, 60u);
  EXPECT_EQ(recorded[3].stage, "overdue");
  EXPECT_EQ(recorded[3].recipients, (std::vector<std::string>{"m03", "staff"}))
      << "and to the responsible staff";

  ASSERT_TRUE(
      started.runner.WaitFor(store->head_position(), std::chrono::steady_clock::now() + 5s));
  auto inbox = (*views)->Scan("inbox/m03/", 10);
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ(inbox->size(), 1u);
  const auto entry = nlohmann::json::parse((*inbox)[0].second);
  EXPECT_EQ(entry["kind"], "answer_form");
  EXPECT_EQ(entry["urgency"], "urgent");
  EXPECT_EQ(entry["reminders"].size(), 3u);
  EXPECT_TRUE((*views)->Scan("inbox/m02/", 10)->empty()) << "m02 answered: nothing awaits them";
}

// Polls the reminders recorded in gov-vn until `done` holds (5 s at most).
std::vector<reminders::ReminderRecorded> AwaitReminders(
    const es::EventStore& store,
    const std::function<bool(const std::vector<reminders::ReminderRecorded>&)>& done) {
  for (int i = 0; i < 250; ++i) {
    auto recorded = RecordedReminders(store);
    if (done(recorded)) return recorded;
    std::this_thread::sleep_for(20ms);
  }
  return RecordedReminders(store);
}

TEST(Reminders, TheServerRunsTheSchedulerOnItsOwnWithTheClockItIsGiven) {
  const Timestamp start = testing::Now();
  auto clock = std::make_shared<es::ManualClock>(start);
  testing::Node node(false, [&](AppOptions& o) {
    o.reminders_every = 20ms;
    o.clock = clock;
  });
  const Timestamp deadline = start + std::chrono::hours(72);
  const std::vector<std::string> addressees = {"min-ict", "min-justice", "min-finance",
                                               "min-health"};
  forms::FormContent content{"Decree", "Agree?", {}, addressees, deadline, Urgency::kNormal};
  Append(*node.store, "form-rf", forms::FormDrafted{"rf", content}, "gov-office-staff-1",
         "rf-draft");
  Append(*node.store, "form-rf",
         forms::FormIssued{addressees, deadline, Urgency::kNormal, Silence::kNotCounted, {1, 2}},
         "gov-office-staff-1", "rf-issue");
  Append(*node.store, "form-rf", forms::AnswerGiven{"min-health", forms::Answer::kAgree, "", 1, {}},
         "min-health", "rf-answer");
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(RecordedReminders(*node.store).empty()) << "nothing is due 72 hours before";

  clock->Set(deadline - std::chrono::hours(23));
  auto recorded = AwaitReminders(*node.store, [](const auto& r) { return r.size() >= 3; });
  ASSERT_EQ(recorded.size(), 3u) << "the 24-hour reminder to the three who have not answered";
  auto events = node.store->ReadStream("reminders-gov-vn", 0, es::Direction::kForward, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ((*events)[0].actor.id, reminders::kSchedulerActor)
      << "recorded as the node's scheduler, not a person";
  for (const auto& r : recorded) {
    EXPECT_NE(r.person, "min-health") << "who answered gets no reminder";
    EXPECT_EQ(r.stage, "before");
  }

  clock->Set(deadline + std::chrono::minutes(5));
  recorded = AwaitReminders(*node.store, [](const auto& r) {
    return std::count_if(r.begin(), r.end(), [](const auto& x) { return x.stage == "overdue"; }) >=
           3;
  });
  std::this_thread::sleep_for(200ms);  // ten more rounds: nothing twice
  recorded = RecordedReminders(*node.store);
  std::set<std::string> overdue;
  for (const auto& r : recorded) {
    if (r.stage != "overdue") continue;
    EXPECT_TRUE(overdue.insert(r.person).second) << r.person << " warned twice";
    EXPECT_NE(std::find(r.recipients.begin(), r.recipients.end(), "gov-office-staff-1"),
              r.recipients.end())
        << "the staff who issued the form are told too";
  }
  EXPECT_EQ(overdue, (std::set<std::string>{"min-finance", "min-ict", "min-justice"}));
}

}  // namespace
}  // namespace ecab::api
