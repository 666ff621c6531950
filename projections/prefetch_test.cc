#include "projections/prefetch.h"

#include <gtest/gtest.h>

#include <thread>

#include "eventstore/testing.h"

namespace ecab::proj {
namespace {

using namespace std::chrono_literals;

TEST(Prefetcher, DeliversEveryEventOnceInOrderWhileWritersAppend) {
  es::testing::TempDir dir;
  auto store = es::testing::OpenOrDie(dir.path());
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(store->Append(es::testing::Request("s", "pre" + std::to_string(i))).ok());
  Prefetcher source(store->Subscribe(1), 16, 2);
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(store
                      ->Append(es::testing::Request("w", "w" + std::to_string(i),
                                                    es::ExpectedVersion::Any(), 2))
                      .ok());
    }
  });
  std::vector<std::uint64_t> seen;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (seen.size() < 650 && std::chrono::steady_clock::now() < deadline) {
    auto batch = source.Next(7, 50ms);  // smaller than the prefetch batch: batches are split
    ASSERT_TRUE(batch.ok());
    ASSERT_LE(batch->size(), 7u);
    for (const auto& e : *batch) seen.push_back(e.position);
  }
  writer.join();
  ASSERT_EQ(seen.size(), 650u);
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], i + 1);
  EXPECT_EQ(source.next_position(), 651u);
}

}  // namespace
}  // namespace ecab::proj
