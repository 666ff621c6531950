// Rebuilding the meeting, form and resolution views (meeting state and
// tallies) from a generated log of ~1,000,000 events, against the baseline of
// merely reading and decoding the same log in the same run; and the latency
// of a time-travel query at a position in the middle of that log.
//
//   build/bench/projections_bench            (ECAB_BENCH_EVENTS=N to change the size)
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>

#include "bench/log_generator.h"
#include "bench/ratio_reporter.h"
#include "domain/documents/document.h"
#include "projections/prefetch.h"
#include "projections/runner.h"
#include "projections/views.h"

namespace {

using namespace ecab;

std::filesystem::path g_dir;
std::unique_ptr<es::EventStore> g_store;
std::shared_ptr<const es::KeyRing> g_keys;
std::uint64_t g_events = 0;
std::uint64_t g_meetings = 0;

std::filesystem::path FreshDir(const char* name) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (std::string(name) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

// Decodes one event with the decoder of its stream's family.
bool Decode(const es::RecordedEvent& e) {
  const std::string_view s = e.stream;
  if (s.starts_with("meeting-"))
    return meeting::MeetingDecoder().Decode(e.type, e.schema_version, e.payload).ok();
  if (s.starts_with("form-"))
    return forms::FormDecoder().Decode(e.type, e.schema_version, e.payload).ok();
  if (s.starts_with("resolution-"))
    return resolution::ResolutionDecoder().Decode(e.type, e.schema_version, e.payload).ok();
  if (s.starts_with("document-"))
    return documents::DocumentDecoder().Decode(e.type, e.schema_version, e.payload).ok();
  return false;
}

void BM_ReadAndDecode(benchmark::State& state) {
  for (auto _ : state) {
    auto source = g_store->Subscribe(1);
    std::uint64_t decoded = 0;
    while (source->next_position() <= g_events) {
      auto events = source->Next(10'000, std::chrono::milliseconds(0));
      if (!events.ok()) state.SkipWithError("read failed");
      for (const auto& e : *events) decoded += Decode(e) ? 1 : 0;
    }
    if (decoded != g_events) state.SkipWithError("an event did not decode");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g_events));
}

void Rebuild(const std::filesystem::path& dir, benchmark::State* state) {
  auto views = es::ViewStore::Open(dir, g_keys);
  proj::AggregateViews projections(**views);
  proj::Runner runner("bench", **views, projections.all());
  proj::Prefetcher source(g_store->Subscribe(1));
  while (runner.position() < g_events) {
    auto applied = runner.Step(source, 10'000, std::chrono::milliseconds(100));
    if (!applied.ok() && state) state->SkipWithError(ToString(applied.error()).c_str());
    if (!applied.ok()) return;
  }
}

void BM_Rebuild(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    const auto dir = FreshDir("ecab-views");
    state.ResumeTiming();
    Rebuild(dir, &state);
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * g_events));
}

std::filesystem::path g_views_dir;

void BM_TimeTravelMiddle(benchmark::State& state) {
  auto views = es::ViewStore::Open(g_views_dir, g_keys);
  proj::AggregateViews projections(**views);
  // Meetings around the middle of the log, each asked about half-way through it.
  std::vector<std::pair<std::string, std::uint64_t>> queries;
  for (std::uint64_t m = g_meetings / 2; m < g_meetings / 2 + 16; ++m) {
    const std::string stream = "meeting-" + std::to_string(m);
    auto middle = g_store->ReadStream(stream, 200, es::Direction::kForward, 1);
    if (middle.ok() && !middle->empty()) queries.emplace_back(stream, middle->front().position);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [stream, position] = queries[i++ % queries.size()];
    auto view = projections.meetings.AsOf(*g_store, stream, position);
    if (!view.ok()) state.SkipWithError(ToString(view.error()).c_str());
    benchmark::DoNotOptimize(view);
  }
}

BENCHMARK(BM_ReadAndDecode)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Rebuild)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimeTravelMiddle)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* n = std::getenv("ECAB_BENCH_EVENTS");
  const std::uint64_t target = n ? std::stoull(n) : 1'000'000;
  g_dir = FreshDir("ecab-bench-log");
  g_keys = *es::KeyRing::FromKeys({{"k1", es::AesKey{}}});
  es::StoreOptions options;
  options.dir = g_dir / "store";
  options.keys = g_keys;
  g_store = std::move(es::EventStore::Open(options)).value();
  const auto t0 = std::chrono::steady_clock::now();
  const bench::GeneratedLog log = bench::GenerateLog(*g_store, target);
  g_events = log.events;
  g_meetings = log.meetings;
  std::printf(
      "generated %llu events (%llu meetings, %llu forms, %llu resolutions, %llu documents) in %.1f "
      "s\n",
      static_cast<unsigned long long>(log.events), static_cast<unsigned long long>(log.meetings),
      static_cast<unsigned long long>(log.forms), static_cast<unsigned long long>(log.resolutions),
      static_cast<unsigned long long>(log.documents),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  g_views_dir = g_dir / "views";
  Rebuild(g_views_dir, nullptr);  // the views time travel reads from
  bench::RatioReporter reporter(
      {{"BM_Rebuild", "BM_ReadAndDecode", "median events/s: rebuild vs read-and-decode"}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  g_store.reset();
  std::filesystem::remove_all(g_dir);
}
