// Any read model as of any position: inboxes and search, from checkpoints.
#include "projections/time_machine.h"

#include <gtest/gtest.h>

#include "projections/search.h"
#include "projections/tasks.h"
#include "projections/testing.h"
#include "projections/views.h"

namespace ecab::proj {
namespace {

using es::testing::Ring;

std::vector<std::unique_ptr<Projection>> AllViews(const es::ViewStore& views) {
  std::vector<std::unique_ptr<Projection>> out;
  out.push_back(std::make_unique<TasksProjection>(views));
  out.push_back(std::make_unique<SearchProjection>(views));
  return out;
}

class TimeMachineTest : public testing::June24Log {
 protected:
  // Runs the live projections up to `position`, checkpointing on the way.
  void LiveUpTo(std::uint64_t position, TimeMachine& machine) {
    auto projections = AllViews(*views);
    std::vector<Projection*> raw;
    for (auto& p : projections) raw.push_back(p.get());
    Runner runner("live", *views, raw);
    auto source = store->Subscribe(runner.position() + 1);
    while (runner.position() < position) {
      auto applied = runner.Step(*source, std::min<std::uint64_t>(7, position - runner.position()),
                                 std::chrono::milliseconds(10));
      ASSERT_TRUE(applied.ok()) << ToString(applied.error());
      ASSERT_TRUE(machine.MaybeCheckpoint(*views, runner.position()).ok());
    }
  }
};

TEST_F(TimeMachineTest, InboxesAndSearchAsOfPastPositionsFromTheNearestCheckpoint) {
  TimeMachine machine(dir.path() / "history", Ring(), "live", AllViews, /*every=*/20);
  LiveUpTo(store->head_position(), machine);

  // Before the session opened, the invitation awaited an answer.
  const std::uint64_t before_session = PositionOf("meeting.session_opened") - 1;
  auto invited = machine.At(*store, before_session);
  ASSERT_TRUE(invited.ok()) << ToString(invited.error());
  auto inbox = (*invited)->views().Scan("inbox/min-ict/", 10);
  ASSERT_EQ(inbox->size(), 1u);
  EXPECT_EQ(nlohmann::json::parse((*inbox)[0].second)["kind"], "rsvp");
  EXPECT_LT((*invited)->replayed(), 20u) << "from a checkpoint, not from position 1";

  // While the vote was open, before min-ict's ballot, the vote awaited them.
  const std::uint64_t vote_opened = PositionOf("meeting.vote_opened");
  auto voting = machine.At(*store, vote_opened);
  ASSERT_TRUE(voting.ok());
  inbox = (*voting)->views().Scan("inbox/min-ict/", 10);
  ASSERT_EQ(inbox->size(), 1u);
  EXPECT_EQ(nlohmann::json::parse((*inbox)[0].second)["kind"], "vote");

  // Today nothing awaits them, and the live views agree with the machine at the head.
  EXPECT_TRUE(views->Scan("inbox/min-ict/", 10)->empty());
  auto now = machine.At(*store, store->head_position());
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(*(*now)->views().Scan("", 100'000), *views->Scan("", 100'000));

  // Search as of before the resolution was drafted finds nothing.
  const std::uint64_t drafted = PositionOf("resolution.drafted");
  auto before_draft = machine.At(*store, drafted - 1);
  EXPECT_TRUE(Search((*before_draft)->views(), "nghi quyet dinh danh", "pm")->empty());
  EXPECT_EQ(Search((*now)->views(), "nghi quyet dinh danh", "pm")->size(), 1u);

  EXPECT_EQ(machine.At(*store, store->head_position() + 1).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(TimeMachineTest, ScratchCopiesLeaveTheCheckpointsIntact) {
  TimeMachine machine(dir.path() / "history", Ring(), "live", AllViews, /*every=*/50);
  LiveUpTo(store->head_position(), machine);
  const std::uint64_t p = store->head_position() - 3;
  std::vector<std::pair<std::string, std::string>> first;
  {
    auto past = machine.At(*store, p);
    ASSERT_TRUE(past.ok());
    first = *(*past)->views().Scan("", 100'000);
  }
  auto again = machine.At(*store, p);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->views().Scan("", 100'000), first)
      << "the same answer twice: replay did not alter the checkpoint";
}

}  // namespace
}  // namespace ecab::proj
