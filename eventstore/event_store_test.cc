#include "eventstore/event_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "eventstore/testing.h"

namespace ecab::es {
namespace {

using namespace std::chrono_literals;
using testing::FilledKey;
using testing::OpenOrDie;
using testing::Request;
using testing::Ring;
using testing::TempDir;

Timestamp June24() { return FromMicros(1561363200000000); }  // 2019-06-24T08:00:00Z

TEST(EventStore, AppendedEventsReadBackWithTheirWholeEnvelope) {
  TempDir dir;
  auto clock = std::make_shared<ManualClock>(June24());
  StoreOptions o{dir.path(), Ring(), clock};
  auto store = OpenOrDie(o);
  AppendRequest r = Request("meeting-1", "cmd-1", ExpectedVersion::NoStream(), 2);
  r.causation_id = "cause-9";
  r.actor = Actor{"sub-1", "substitute", "min-health"};
  r.events[1].signature = Signature{"ed25519", std::string(64, '\x07'), "sha256:00ff"};
  auto result = store->Append(r);
  ASSERT_TRUE(result.ok()) << ToString(result.error());
  EXPECT_EQ(*result, (AppendResult{1, 2, 2}));

  auto events = store->ReadStream("meeting-1", 0, Direction::kForward, 10);
  ASSERT_TRUE(events.ok()) << ToString(events.error());
  ASSERT_EQ(events->size(), 2u);
  const RecordedEvent& e = (*events)[1];
  EXPECT_EQ(e.position, 2u);
  EXPECT_EQ(e.body, "gov-vn");
  EXPECT_EQ(e.stream, "meeting-1");
  EXPECT_EQ(e.version, 2u);
  EXPECT_EQ(e.type, "test.noted");
  EXPECT_EQ(e.schema_version, 1);
  EXPECT_EQ(e.recorded_at, June24());
  EXPECT_EQ(e.actor, (Actor{"sub-1", "substitute", "min-health"}));
  EXPECT_EQ(e.command_id, "cmd-1");
  EXPECT_EQ(e.correlation_id, "corr-cmd-1");
  EXPECT_EQ(e.causation_id, "cause-9");
  EXPECT_EQ(e.payload, "payload#1");
  EXPECT_EQ(e.signature, r.events[1].signature);
  EXPECT_EQ(e.key_id, "k1");
  EXPECT_EQ(e.prev_hash, (*events)[0].hash);
  EXPECT_EQ((*events)[0].prev_hash, Hash{});
}

TEST(EventStore, StreamsReadForwardAndBackwardAndTheLogInGlobalOrder) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store->Append(Request("a", "a" + std::to_string(i))).ok());
    ASSERT_TRUE(store->Append(Request("b", "b" + std::to_string(i))).ok());
  }
  auto backward = store->ReadStream("a", kEnd, Direction::kBackward, 3);
  ASSERT_TRUE(backward.ok());
  ASSERT_EQ(backward->size(), 3u);
  EXPECT_EQ((*backward)[0].version, 5u);
  EXPECT_EQ((*backward)[2].version, 3u);
  auto from3 = store->ReadStream("b", 3, Direction::kForward, 100);
  ASSERT_TRUE(from3.ok());
  ASSERT_EQ(from3->size(), 3u);
  EXPECT_EQ((*from3)[0].position, 6u);
  auto down_from2 = store->ReadStream("b", 2, Direction::kBackward, 100);
  ASSERT_EQ(down_from2->size(), 2u);
  EXPECT_EQ((*down_from2)[1].version, 1u);

  auto all = store->ReadAll(4, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 7u);
  for (std::size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].position, 4 + i);
  EXPECT_TRUE(store->ReadStream("nobody", 0, Direction::kForward, 10)->empty());
  EXPECT_TRUE(store->ReadAll(11, 10)->empty());
}

TEST(EventStore, WrongExpectedVersionIsAValueAndWritesNothing) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->Append(Request("s", "c1", ExpectedVersion::NoStream())).ok());
  auto again = store->Append(Request("s", "c2", ExpectedVersion::NoStream(), 3));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kWrongExpectedVersion);
  EXPECT_EQ(again.error().message, "stream 's' is at version 1, expected no stream");
  auto stale = store->Append(Request("s", "c3", ExpectedVersion::Exactly(5)));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kWrongExpectedVersion);
  auto exact = store->Append(Request("s", "c4", ExpectedVersion::Exactly(1), 2));
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->stream_version, 3u);
  EXPECT_EQ(store->head_position(), 3u);
  EXPECT_EQ(store->ReadAll(1, 100)->size(), 3u);
}

TEST(EventStore, AppendManyChainsVersionsOfOneStreamAndAnswersEachRequest) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  std::vector<AppendRequest> requests;
  requests.push_back(Request("s", "m1", ExpectedVersion::NoStream(), 2));
  requests.push_back(Request("s", "m2", ExpectedVersion::Exactly(2)));
  requests.push_back(Request("s", "m3", ExpectedVersion::Exactly(7)));  // stale: refused alone
  requests.push_back(Request("t", "m4", ExpectedVersion::NoStream()));
  requests.push_back(Request("s", "", ExpectedVersion::Any()));  // invalid: no command id
  auto results = store->AppendMany(std::move(requests));
  ASSERT_EQ(results.size(), 5u);
  ASSERT_TRUE(results[0].ok());
  EXPECT_EQ(*results[0], (AppendResult{1, 2, 2}));
  ASSERT_TRUE(results[1].ok());
  EXPECT_EQ(*results[1], (AppendResult{3, 3, 3}));
  ASSERT_FALSE(results[2].ok());
  EXPECT_EQ(results[2].error().code, ErrorCode::kWrongExpectedVersion);
  ASSERT_TRUE(results[3].ok());
  EXPECT_EQ(*results[3], (AppendResult{4, 4, 1}));
  ASSERT_FALSE(results[4].ok());
  EXPECT_EQ(results[4].error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store->head_position(), 4u);
  auto found = store->FindCommand("m2");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->result, (AppendResult{3, 3, 3}));
  EXPECT_FALSE(store->FindCommand("m3")->has_value());
  EXPECT_TRUE(store->Verify()->ok());
}

TEST(EventStore, ConcurrentWritersOnOneStreamGetExactlyOneWinnerPerVersion) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  constexpr int kThreads = 16;
  constexpr int kRounds = 40;
  std::atomic<int> wins{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        auto r = store->Append(
            Request("contested", "t" + std::to_string(t) + "r" + std::to_string(round),
                    ExpectedVersion::Exactly(static_cast<std::uint64_t>(round) * 2), 2));
        if (r.ok()) {
          ++wins;
        } else if (r.error().code == ErrorCode::kWrongExpectedVersion) {
          ++conflicts;
        } else {
          ++other;
        }
        // Wait until this round's winner is in, so every round is contested.
        store->WaitForPosition(static_cast<std::uint64_t>(round + 1) * 2,
                               std::chrono::steady_clock::now() + 5s);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wins.load(), kRounds);
  EXPECT_EQ(conflicts.load(), kThreads * kRounds - kRounds);
  EXPECT_EQ(other.load(), 0);
  auto events = store->ReadStream("contested", 0, Direction::kForward, 10'000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<std::size_t>(kRounds * 2));
  for (std::size_t i = 0; i < events->size(); i += 2) {
    // Both events of each winning append sit together: nothing half-written.
    EXPECT_EQ((*events)[i].command_id, (*events)[i + 1].command_id);
    EXPECT_EQ((*events)[i].version, i + 1);
  }
  EXPECT_TRUE(store->Verify()->ok());
}

TEST(EventStore, RetryWithTheSameCommandIdReturnsTheOriginalPositionsAndWritesNothing) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->Append(Request("x", "first")).ok());
  const AppendRequest req = Request("s", "cmd-42", ExpectedVersion::NoStream(), 3);
  auto original = store->Append(req);
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(*original, (AppendResult{2, 4, 3}));
  auto retry = store->Append(req);
  ASSERT_TRUE(retry.ok()) << "a retry must not become a version conflict";
  EXPECT_EQ(*retry, *original);
  EXPECT_EQ(store->head_position(), 4u);

  AppendRequest different = req;
  different.events[0].payload = "other";
  auto misuse = store->Append(different);
  ASSERT_FALSE(misuse.ok());
  EXPECT_EQ(misuse.error().code, ErrorCode::kIdempotencyMismatch);
  EXPECT_EQ(store->head_position(), 4u);
}

TEST(EventStore, ACommandIdBoundToTheCallersRequestAnswersItsRetriesAndRefusesAnotherRequest) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  AppendRequest req = Request("s", "api:pm:k1", ExpectedVersion::NoStream(), 2);
  req.request_fingerprint = Hash{};
  req.request_fingerprint->fill(7);
  auto original = store->Append(req);
  ASSERT_TRUE(original.ok());

  AppendRequest decided_again = req;  // the same request decided later: other events, same binding
  decided_again.events[0].payload = "decided later";
  decided_again.expected = ExpectedVersion::Exactly(2);
  auto retry = store->Append(decided_again);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(*retry, *original);

  AppendRequest other = req;
  other.request_fingerprint->fill(8);
  auto misuse = store->Append(other);
  ASSERT_FALSE(misuse.ok());
  EXPECT_EQ(misuse.error().code, ErrorCode::kIdempotencyMismatch);
  EXPECT_EQ(store->head_position(), 2u);

  auto found = store->FindCommand("api:pm:k1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->fingerprint, *req.request_fingerprint);
  EXPECT_EQ((*found)->result, *original);
}

TEST(EventStore, RetriesRacingInOneBatchAllGetTheSameResult) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  const AppendRequest req = Request("s", "same", ExpectedVersion::NoStream(), 2);
  std::vector<AppendResult> results(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto r = store->Append(req);
      ASSERT_TRUE(r.ok()) << ToString(r.error());
      results[t] = *r;
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) EXPECT_EQ(r, (AppendResult{1, 2, 2}));
  EXPECT_EQ(store->head_position(), 2u);
}

TEST(EventStore, MalformedRequestsAreRefusedAndWriteNothing) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  AppendRequest no_events = Request("s", "c1");
  no_events.events.clear();
  AppendRequest bad_event = Request("s", "c2", ExpectedVersion::Any(), 3);
  bad_event.events[2].type = "";
  AppendRequest no_command = Request("s", "");
  AppendRequest control = Request(std::string("s\n1"), "c3");
  AppendRequest no_body = Request("s", "c4");
  no_body.body.clear();
  for (const auto* r : {&no_events, &bad_event, &no_command, &control, &no_body}) {
    auto result = store->Append(*r);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(store->head_position(), 0u);
  EXPECT_TRUE(store->ReadAll(1, 10)->empty());
}

TEST(EventStore, SubscriberFromZeroSeesEveryEventOnceInOrderWhileWritersCommit) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  constexpr int kWriters = 8;
  constexpr int kPerWriter = 150;
  ASSERT_TRUE(store->Append(Request("pre", "pre", ExpectedVersion::Any(), 5)).ok());
  auto subscription = store->Subscribe(0);
  std::vector<std::uint64_t> seen;
  std::thread reader([&] {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (seen.size() < 5 + kWriters * kPerWriter && std::chrono::steady_clock::now() < deadline) {
      auto batch = subscription->Next(37, 50ms);
      ASSERT_TRUE(batch.ok()) << ToString(batch.error());
      for (const auto& e : *batch) seen.push_back(e.position);
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kPerWriter; ++i) {
        ASSERT_TRUE(store
                        ->Append(Request("w" + std::to_string(w),
                                         "w" + std::to_string(w) + "-" + std::to_string(i)))
                        .ok());
      }
    });
  }
  for (auto& th : writers) th.join();
  reader.join();
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(5 + kWriters * kPerWriter));
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i + 1) << "gap or duplicate";
  EXPECT_EQ(subscription->next_position(), seen.size() + 1);
  auto idle = subscription->Next(10, 20ms);
  ASSERT_TRUE(idle.ok());
  EXPECT_TRUE(idle->empty());
}

TEST(EventStore, ReopenedStoreKeepsEverythingAndContinuesTheChain) {
  TempDir dir;
  std::string store_id;
  Hash last_hash{};
  {
    auto store = OpenOrDie(dir.path());
    store_id = store->store_id();
    ASSERT_TRUE(store->Append(Request("s", "c1", ExpectedVersion::Any(), 3)).ok());
    last_hash = store->ReadAll(3, 1)->front().hash;
  }
  auto store = OpenOrDie(dir.path());
  EXPECT_EQ(store->store_id(), store_id);
  EXPECT_EQ(store->head_position(), 3u);
  auto next = store->Append(Request("s", "c2", ExpectedVersion::Exactly(3)));
  ASSERT_TRUE(next.ok()) << ToString(next.error());
  EXPECT_EQ(next->first_position, 4u);
  EXPECT_EQ(store->ReadAll(4, 1)->front().prev_hash, last_hash);
  auto report = store->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->checked, 4u);
}

TEST(EventStore, RecordedAtNeverGoesBackwardsEvenIfTheClockDoes) {
  TempDir dir;
  auto clock = std::make_shared<ManualClock>(June24());
  auto store = OpenOrDie(StoreOptions{dir.path(), Ring(), clock});
  ASSERT_TRUE(store->Append(Request("s", "c1")).ok());
  clock->Set(June24() - std::chrono::hours(1));
  ASSERT_TRUE(store->Append(Request("s", "c2")).ok());
  auto events = store->ReadAll(1, 2);
  EXPECT_EQ((*events)[1].recorded_at, June24());
}

TEST(EventStore, PositionAtFindsTheLastEventRecordedByATime) {
  TempDir dir;
  auto clock = std::make_shared<ManualClock>(June24());
  auto store = OpenOrDie(StoreOptions{dir.path(), Ring(), clock});
  EXPECT_EQ(*store->PositionAt(June24()), 0u);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        store->Append(Request("s", "c" + std::to_string(i), ExpectedVersion::Any(), 2)).ok());
    clock->Advance(std::chrono::minutes(1));
  }
  EXPECT_EQ(*store->PositionAt(June24() - std::chrono::seconds(1)), 0u);
  EXPECT_EQ(*store->PositionAt(June24()), 2u);
  EXPECT_EQ(*store->PositionAt(June24() + std::chrono::seconds(150)), 6u);
  EXPECT_EQ(*store->PositionAt(June24() + std::chrono::hours(1)), 20u);
}

TEST(EventStore, KeyRotationSealsNewEventsWithTheNewKeyAndOldOnesStayReadable) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path(), Ring({{"k1", FilledKey(1)}}));
    ASSERT_TRUE(
        store->Append(Request("s", "old", ExpectedVersion::Any(), 1, "before rotation")).ok());
  }
  {
    auto store = OpenOrDie(dir.path(), Ring({{"k1", FilledKey(1)}, {"k2", FilledKey(2)}}));
    ASSERT_TRUE(
        store->Append(Request("s", "new", ExpectedVersion::Any(), 1, "after rotation")).ok());
    auto events = store->ReadAll(1, 10);
    ASSERT_TRUE(events.ok()) << ToString(events.error());
    EXPECT_EQ((*events)[0].key_id, "k1");
    EXPECT_EQ((*events)[0].payload, "before rotation#0");
    EXPECT_EQ((*events)[1].key_id, "k2");
    EXPECT_EQ((*events)[1].payload, "after rotation#0");
  }
  // Dropping the old key from the file makes exactly the old events unreadable.
  auto store = OpenOrDie(dir.path(), Ring({{"k2", FilledKey(2)}}));
  auto old = store->ReadAll(1, 1);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().code, ErrorCode::kKeyUnavailable);
  EXPECT_NE(old.error().message.find("position 1"), std::string::npos);
  EXPECT_EQ(store->ReadAll(2, 1)->front().payload, "after rotation#0");
  EXPECT_TRUE(store->Verify()->ok()) << "the chain is checked without any key";
}

TEST(EventStore, WrongKeyIsRefusedAtOpenWithAClearError) {
  TempDir dir;
  { OpenOrDie(dir.path(), Ring({{"k1", FilledKey(1)}}))->Append(Request("s", "c")).value(); }
  StoreOptions o{dir.path(), Ring({{"k1", FilledKey(9)}}), nullptr};
  auto reopened = EventStore::Open(o);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, ErrorCode::kKeyUnavailable);
  EXPECT_NE(reopened.error().message.find("key 'k1'"), std::string::npos);
}

TEST(EventStore, WaitForPositionGivesUpAtTheDeadlineWithTheCurrentHead) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_TRUE(store->Append(Request("s", "c", ExpectedVersion::Any(), 4)).ok());
  EXPECT_EQ(store->WaitForPosition(100, std::chrono::steady_clock::now() + 10ms), 4u);
  EXPECT_EQ(store->WaitForPosition(2, std::chrono::steady_clock::now() + 10s), 4u);
}

}  // namespace
}  // namespace ecab::es
