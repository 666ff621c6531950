#include "projections/views.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "eventstore/testing.h"
#include "projections/runner.h"
#include "projections/testing.h"

namespace ecab::proj {
namespace {

using es::testing::OpenOrDie;
using es::testing::Ring;
using es::testing::TempDir;
using nlohmann::json;
using namespace std::chrono_literals;

using testing::RecordJune24;

// Runs fresh aggregate views over the whole log in batches of `batch`.
void Project(es::EventStore& store, es::ViewStore& views, std::size_t batch) {
  AggregateViews projections(views);
  testing::ProjectAll(store, views, projections.all(), batch);
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

TEST(Views, TheRuleTermsNameTheBasisTheShareAndWhatIsNeeded) {
  Policy present;
  present.basis = MajorityBasis::kMembersPresent;
  present.majority = {2, 3};
  present.tie = TieRule::kFails;
  const json two_thirds = {{"basis", "members_present"},
                           {"majority", {2, 3}},
                           {"of", 21},
                           {"needed_more_than", 14.0},
                           {"chair_decides_tie", false}};
  EXPECT_EQ(RuleTerms(present, 21), two_thirds);
  Policy cast;
  cast.basis = MajorityBasis::kVotesCast;
  EXPECT_EQ(RuleTerms(cast, 9)["basis"], "votes_cast");
  EXPECT_EQ(RuleTerms(cast, 9)["needed_more_than"], 4.5);
  EXPECT_EQ(RuleTerms(cast, 0)["needed_more_than"], 0.0) << "no ballots: nothing is more than 0";
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
  EXPECT_EQ(vote["rule"], "more than half of all 27 members");
  const json terms = {{"basis", "all_members"},
                      {"majority", {1, 2}},
                      {"of", 27},
                      {"needed_more_than", 13.5},
                      {"chair_decides_tie", true}};
  EXPECT_EQ(vote["rule_terms"], terms);
  EXPECT_EQ(vote["reasoning"],
            "25 of 27 in favour (21 in the room, 4 remote); needed more than 13.5; passed");
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

// A store, a view store and a runner over the aggregate views, as a server has.
class LiveViews : public ::testing::Test {
 protected:
  LiveViews()
      : store_(OpenOrDie(dir_.path() / "store")),
        views_(std::move(es::ViewStore::Open(dir_.path() / "views", Ring())).value()),
        projections_(*views_),
        runner_("main", *views_, projections_.all()) {}

  int ForVotes() {
    return View(*views_, "meeting/view/meeting-1")["votes"][0]["tally"]["for"].get<int>();
  }

  TempDir dir_;
  std::unique_ptr<es::EventStore> store_;
  std::unique_ptr<es::ViewStore> views_;
  AggregateViews projections_;
  std::unique_ptr<es::Subscription> source_;  // outlives the runner's loop
  Runner runner_;
};

TEST_F(LiveViews, AQueryCanWaitForItsOwnWriteOrIsToldItIsNotThereYet) {
  EXPECT_FALSE(runner_.WaitFor(1, std::chrono::steady_clock::now() + 20ms))
      << "nothing written yet";
  source_ = store_->Subscribe(1);
  runner_.Start(*source_, 100);
  RecordJune24(*store_);
  EXPECT_TRUE(runner_.WaitFor(store_->head_position(), std::chrono::steady_clock::now() + 20s));
  EXPECT_EQ(ForVotes(), 25);
  runner_.Stop();
  EXPECT_FALSE(runner_.error().has_value());
}

TEST_F(LiveViews, ARunnerLingeringForMoreEventsStillAnswersAReadYourWritesWaitAndStopsAtOnce) {
  source_ = store_->Subscribe(1);
  runner_.Start(*source_, 1000,
                std::chrono::hours(1));  // left alone, it would wait an hour between commits
  const auto started = std::chrono::steady_clock::now();
  RecordJune24(*store_);
  EXPECT_TRUE(runner_.WaitFor(store_->head_position(), started + 20s))
      << "a waiter cuts the linger short";
  EXPECT_EQ(ForVotes(), 25);
  runner_.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << "Stop does not wait out the linger";
  EXPECT_FALSE(runner_.error().has_value());
}

}  // namespace
}  // namespace ecab::proj
