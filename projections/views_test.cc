#include "projections/views.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "domain/meeting/testing.h"
#include "eventstore/testing.h"
#include "projections/runner.h"

namespace ecab::proj {
namespace {

using es::testing::OpenOrDie;
using es::testing::Ring;
using es::testing::TempDir;
using nlohmann::json;
using namespace std::chrono_literals;

// Appends domain events to `stream`, one append each, as the store would
// receive them from the command side.
template <class Event>
void AppendAll(es::EventStore& store, const std::string& stream, const std::vector<Event>& events,
               const std::string& actor = "test") {
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EncodedEvent encoded = EncodeVariant(events[i]);
    es::AppendRequest r;
    r.body = "gov-vn";
    r.stream = stream;
    r.command_id = stream + "#" + std::to_string(i);
    r.actor = {actor, "member", ""};
    r.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
    auto result = store.Append(std::move(r));
    ASSERT_TRUE(result.ok()) << ToString(result.error());
  }
}

// The first e-Cabinet session and its resolution, decided and appended.
void RecordJune24(es::EventStore& store) {
  std::ifstream in(std::string(ECAB_FIXTURES_DIR) + "/session-2019-06-24.json");
  const json session = json::parse(in);
  std::ifstream cab_in(std::string(ECAB_FIXTURES_DIR) + "/cabinet-2019.json");
  const json cabinet = json::parse(cab_in);
  std::vector<std::string> ids;
  for (const auto& m : cabinet["members"]) ids.push_back(m["id"]);
  testing::World w(ids);
  testing::MeetingDriver d(w);
  d.Prepare();
  d.Do(meeting::OpenSession{}, "pm", Role::kChair);
  for (const auto& id : session["present_in_room"]) d.CheckIn(id, meeting::Attendance::kInRoom);
  for (const auto& id : session["absent"]) d.CheckIn(id, meeting::Attendance::kAbsent);
  d.Do(meeting::TakeUpItem{"item-1"}, "pm", Role::kChair);
  d.Do(meeting::OpenVote{"vote-1", session["question"]}, "pm", Role::kChair);
  for (const auto& id : session["ballots"]["for"]) {
    ASSERT_TRUE(d.Cast(id, meeting::Choice::kFor, testing::RoleOf(id)).ok());
  }
  d.Do(meeting::CloseVote{"vote-1"}, "pm", Role::kChair);
  d.Do(meeting::CloseSession{}, "pm", Role::kChair);
  AppendAll(store, "meeting-1", d.log);

  resolution::Resolution r;
  std::vector<resolution::ResolutionEvent> log;
  const meeting::VoteOutcome outcome = *d.m.votes.at("vote-1").outcome;
  auto apply = [&](const resolution::ResolutionCommand& c, const std::string& actor, Role role) {
    auto events = resolution::Decide(r, c, w.Ctx(actor, role, d.now, "r"), w.body, &outcome);
    ASSERT_TRUE(events.ok()) << ToString(events.error());
    for (const auto& e : *events) {
      r = resolution::Evolve(std::move(r), e);
      log.push_back(e);
    }
  };
  apply(resolution::DraftResolution{"nq-eid", session["question_vi"], "Text", "meeting-1", "vote-1"}, "staff",
        Role::kSecretariat);
  apply(resolution::SubmitResolution{}, "staff", Role::kSecretariat);
  apply(resolution::SignResolution{w.SignAs("pm", resolution::SignaturePayload("gov-vn", r, "pm", "r", d.now))}, "pm",
        Role::kChair);
  auto numbered = directory::Decide(w.body, directory::AssignResolutionNumber{"nq-eid", 2019},
                                    w.Ctx("staff", Role::kSecretariat, d.now));
  ASSERT_TRUE(numbered.ok());
  w.body = testing::FoldAll(w.body, *numbered, directory::Evolve);
  apply(resolution::PromulgateResolution{}, "staff", Role::kSecretariat);
  AppendAll(store, "resolution-nq-eid", log);
}

// Runs a fresh runner over the whole log in batches of `batch`.
void Project(es::EventStore& store, es::ViewStore& views, std::size_t batch) {
  AggregateViews projections(views);
  Runner runner("main", views, projections.all());
  auto source = store.Subscribe(runner.position() + 1);
  while (runner.position() < store.head_position()) {
    auto applied = runner.Step(*source, batch, 10ms);
    ASSERT_TRUE(applied.ok()) << ToString(applied.error());
  }
}

std::vector<std::pair<std::string, std::string>> Dump(const es::ViewStore& views) {
  auto all = views.Scan("", 1'000'000);
  EXPECT_TRUE(all.ok());
  return all.ok() ? *all : std::vector<std::pair<std::string, std::string>>{};
}

json View(const es::ViewStore& views, const std::string& key) {
  auto value = views.Get(key);
  EXPECT_TRUE(value.ok() && value->has_value()) << key;
  return value.ok() && value->has_value() ? json::parse(**value) : json();
}

TEST(Views, The24June2019SessionReplaysIntoTheMeetingTallyAndResolutionViews) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "store");
  RecordJune24(*store);
  auto views = es::ViewStore::Open(dir.path() / "views", Ring());
  ASSERT_TRUE(views.ok());
  Project(*store, **views, 64);

  const json meeting = View(**views, "meeting/view/meeting-1");
  EXPECT_EQ(meeting["status"], "closed");
  EXPECT_EQ(meeting["attendance"]["in_room"], 21);
  EXPECT_EQ(meeting["attendance"]["absent"], 6);
  EXPECT_EQ(meeting["quorum"]["reasoning"], "21 of 27 present; at least 18 needed; quorum met");
  ASSERT_EQ(meeting["votes"].size(), 1u);
  const json& vote = meeting["votes"][0];
  EXPECT_EQ(vote["tally"]["for"], 25);
  EXPECT_EQ(vote["tally"]["for_in_room"], 21);
  EXPECT_EQ(vote["tally"]["for_remote"], 4);
  EXPECT_EQ(vote["passed"], true);
  EXPECT_EQ(vote["final"], true);
  EXPECT_EQ(vote["rule"], "more than 1/2 of all 27 members");
  EXPECT_EQ(vote["reasoning"], "25 of 27 in favour (21 in the room, 4 remote); needed more than 13.5; passed");
  int remote = 0;
  for (const auto& [voter, ballot] : vote["ballots"].items()) {
    EXPECT_EQ(ballot["signed"], true) << voter;
    remote += ballot["mode"] == "remote";
  }
  EXPECT_EQ(remote, 4);

  const json resolution = View(**views, "resolution/view/resolution-nq-eid");
  EXPECT_EQ(resolution["status"], "promulgated");
  EXPECT_EQ(resolution["number"], "1/NQ-CP");
  EXPECT_EQ(resolution["signature"]["signer"], "pm");
  EXPECT_EQ(resolution["signature"]["algorithm"], "ed25519");
  EXPECT_EQ(resolution["position"], store->head_position());
}

TEST(Views, ARebuildFromZeroGivesByteIdenticalViewsWhateverTheBatchSize) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "store");
  RecordJune24(*store);
  std::vector<std::vector<std::pair<std::string, std::string>>> dumps;
  for (std::size_t batch : {1u, 7u, 1000u}) {
    auto views = es::ViewStore::Open(dir.path() / ("views-" + std::to_string(batch)), Ring());
    ASSERT_TRUE(views.ok());
    Project(*store, **views, batch);
    dumps.push_back(Dump(**views));
  }
  ASSERT_FALSE(dumps[0].empty());
  EXPECT_EQ(dumps[0], dumps[1]);
  EXPECT_EQ(dumps[0], dumps[2]);
}

// A projection that fails after `budget` events, like a process dying in
// the middle of a batch.
class Crashing final : public Projection {
 public:
  Crashing(Projection& inner, int budget) : inner_(inner), budget_(budget) {}
  std::string_view name() const override { return inner_.name(); }
  Status Apply(const es::RecordedEvent& e) override {
    if (budget_-- <= 0) return MakeError(ErrorCode::kIoError, "simulated crash");
    return inner_.Apply(e);
  }
  Status Flush(es::ViewBatch& batch) override { return inner_.Flush(batch); }
  void Discard() override { inner_.Discard(); }

 private:
  Projection& inner_;
  int budget_;
};

TEST(Views, ACrashInTheMiddleOfABatchResumesToTheSameViewsAsAnUninterruptedRun) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "store");
  RecordJune24(*store);
  auto clean = es::ViewStore::Open(dir.path() / "clean", Ring());
  ASSERT_TRUE(clean.ok());
  Project(*store, **clean, 50);

  auto views = es::ViewStore::Open(dir.path() / "crashed", Ring());
  ASSERT_TRUE(views.ok());
  {
    AggregateViews projections(**views);
    Crashing crashing(projections.meetings, 75);  // dies 25 events into the second batch
    Runner runner("main", **views, {&crashing, &projections.forms, &projections.resolutions});
    auto source = store->Subscribe(1);
    ASSERT_TRUE(runner.Step(*source, 50, 10ms).ok());
    auto crashed = runner.Step(*source, 50, 10ms);
    ASSERT_FALSE(crashed.ok());
    EXPECT_EQ(runner.position(), 50u);
    EXPECT_EQ(*runner.StoredCheckpoint(), 50u) << "nothing of the failed batch was committed";
  }
  Project(*store, **views, 50);  // a new process resumes from the stored checkpoint
  EXPECT_EQ(Dump(**views), Dump(**clean));
}

TEST(Views, AQueryCanWaitForItsOwnWriteOrIsToldItIsNotThereYet) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "store");
  auto views = es::ViewStore::Open(dir.path() / "views", Ring());
  ASSERT_TRUE(views.ok());
  AggregateViews projections(**views);
  Runner runner("main", **views, projections.all());
  EXPECT_FALSE(runner.WaitFor(1, std::chrono::steady_clock::now() + 20ms)) << "nothing written yet";
  auto source = store->Subscribe(1);
  runner.Start(*source, 100);
  RecordJune24(*store);
  const std::uint64_t written = store->head_position();
  EXPECT_TRUE(runner.WaitFor(written, std::chrono::steady_clock::now() + 20s));
  EXPECT_EQ(View(**views, "meeting/view/meeting-1")["votes"][0]["tally"]["for"], 25);
  runner.Stop();
  EXPECT_FALSE(runner.error().has_value());
}

}  // namespace
}  // namespace ecab::proj
