// Durable appends per second through the whole path (validate, fingerprint,
// queue, encode, encrypt, hash, one synced write per batch) with 1, 16 and 64
// concurrent writers, against the baseline measured in the same run: raw
// RocksDB Puts of records of the same size, with the same sync setting and
// the same concurrency. Prints both medians and their ratio.
//
//   build/bench/eventstore_bench [--benchmark_repetitions=N]
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "bench/ratio_reporter.h"
#include "eventstore/event_store.h"
#include "eventstore/internal/bytes.h"
#include "eventstore/record.h"

namespace {

using namespace ecab::es;

constexpr std::size_t kPayloadBytes = 300;

std::filesystem::path g_dir;
std::unique_ptr<EventStore> g_store;
std::unique_ptr<rocksdb::DB> g_raw;
std::atomic<std::uint64_t> g_raw_key{0};

// The stored size of one benchmark event: its sealed record.
std::size_t StoredRecordBytes() {
  StoredRecord r;
  r.body = "gov-vn";
  r.stream = "bench-16";
  r.type = "meeting.ballot_cast";
  r.actor = {"min-ict", "member", ""};
  r.command_id = "t16-1000000";
  r.payload.key_id = "k1";
  r.payload.ciphertext.assign(kPayloadBytes, 'c');
  return SealRecord(r).size();
}
const std::size_t g_record_bytes = StoredRecordBytes();

std::filesystem::path FreshDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ecab-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

AppendRequest OneEvent(int thread, std::uint64_t i) {
  AppendRequest r;
  r.body = "gov-vn";
  r.stream = "bench-" + std::to_string(thread);
  r.command_id = "t" + std::to_string(thread) + "-" + std::to_string(i);
  r.actor = {"min-ict", "member", ""};
  r.events.push_back({"meeting.ballot_cast", 1, std::string(kPayloadBytes, 'b'), std::nullopt});
  return r;
}

void OpenStore(const benchmark::State&) {
  g_dir = FreshDir();
  StoreOptions o;
  o.dir = g_dir;
  o.keys = *KeyRing::FromKeys({{"k1", AesKey{}}});
  g_store = std::move(EventStore::Open(o)).value();
}

void CloseStore(const benchmark::State&) {
  g_store.reset();
  std::filesystem::remove_all(g_dir);
}

void BM_StoreAppend(benchmark::State& state) {
  std::uint64_t i = 0;
  for (auto _ : state) {
    auto r = g_store->Append(OneEvent(state.thread_index(), i++));
    if (!r.ok()) state.SkipWithError(ecab::ToString(r.error()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

void OpenRaw(const benchmark::State&) {
  g_dir = FreshDir();
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(o, g_dir.string(), &db).ok()) std::abort();
  g_raw.reset(db);
}

void CloseRaw(const benchmark::State&) {
  g_raw.reset();
  std::filesystem::remove_all(g_dir);
}

void BM_RawRocksDB(benchmark::State& state) {
  // The bytes the store writes for one event: a value the size of the sealed
  // record under an 8-byte big-endian key, synced.
  const std::string value(g_record_bytes, 'r');
  rocksdb::WriteOptions wo;
  wo.sync = true;
  for (auto _ : state) {
    const std::string key = ecab::es::internal::U64Key(g_raw_key.fetch_add(1));
    if (!g_raw->Put(wo, key, value).ok()) state.SkipWithError("put failed");
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_StoreAppend)->Setup(OpenStore)->Teardown(CloseStore)->Apply([](auto* b) {
  b->UseRealTime()->MinTime(1.0)->Repetitions(3)->ReportAggregatesOnly(true);
  for (int t : {1, 16, 64}) b->Threads(t);
});
BENCHMARK(BM_RawRocksDB)->Setup(OpenRaw)->Teardown(CloseRaw)->Apply([](auto* b) {
  b->UseRealTime()->MinTime(1.0)->Repetitions(3)->ReportAggregatesOnly(true);
  for (int t : {1, 16, 64}) b->Threads(t);
});

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::printf("payload %zu B, stored record %zu B, synced\n", kPayloadBytes, g_record_bytes);
  ecab::bench::RatioReporter reporter(
      {{"BM_StoreAppend", "BM_RawRocksDB", "median durable events/s: event store vs raw RocksDB"}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
}
