// The auditor's full verify of a generated log of ~1,000,000 events of which
// 100,000 are ballots signed with real Ed25519 keys (27 members, certificates
// from a test CA): events per second for the whole verify; signature checks
// per second against this machine's `openssl speed ed25519` verify rate times
// the cores used, measured in the same run; and the hash chain in MB/s.
//
//   build/bench/verify_bench       (ECAB_BENCH_EVENTS, ECAB_BENCH_SIGNED to change the sizes)
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "bench/log_generator.h"
#include "domain/directory/testing.h"
#include "domain/meeting/meeting.h"
#include "replay/signed_acts.h"
#include "replay/verifier.h"

namespace {

using namespace ecab;

std::filesystem::path g_dir;
std::unique_ptr<es::EventStore> g_store;
std::vector<replay::ActCheck> g_checks;
unsigned g_threads = 2;
double g_openssl_verify_per_sec = 0;

template <class E>
es::ProposedEvent Proposed(const E& event) {
  EncodedEvent encoded = Encode(event);
  return {std::move(encoded.type), encoded.schema_version, std::move(encoded.bytes), std::nullopt};
}

// The body with its members' certificates, a meeting, and `n` ballots each
// signed by its member and appended as its own command, from 16 threads.
void RecordSignedBallots(es::EventStore& store, testing::World& w, std::uint64_t n) {
  for (std::size_t i = 0; i < w.log.size(); ++i) {
    es::AppendRequest r;
    r.body = "gov-vn";
    r.stream = "body-gov-vn";
    r.command_id = "body-" + std::to_string(i);
    r.actor = {w.log_contexts[i].actor, "admin", ""};
    r.events.push_back(std::visit([](const auto& e) { return Proposed(e); }, w.log[i]));
    if (!store.Append(std::move(r)).ok()) std::abort();
  }
  es::AppendRequest scheduled;
  scheduled.body = "gov-vn";
  scheduled.stream = "meeting-bench";
  scheduled.command_id = "schedule";
  scheduled.actor = {"staff", "secretariat", ""};
  scheduled.events.push_back(
      Proposed(meeting::MeetingScheduled{"bench", "Votes", testing::June24(),
                                         testing::June24() + std::chrono::hours(8), "Hà Nội", ""}));
  if (!store.Append(std::move(scheduled)).ok()) std::abort();
  std::atomic<std::uint64_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (std::uint64_t k; (k = next++) < n;) {
        const std::string& voter = w.members[k % w.members.size()];
        const std::string vote = "v" + std::to_string(k / w.members.size());
        const std::string id = "ballot-" + std::to_string(k);
        const auto payload = meeting::BallotPayload("gov-vn", "bench", vote, voter, "",
                                                    meeting::Choice::kFor, id, testing::June24());
        es::AppendRequest r;
        r.body = "gov-vn";
        r.stream = "meeting-bench";
        r.command_id = id;
        r.actor = {voter, voter == "pm" ? "chair" : "member", ""};
        r.events.push_back(
            Proposed(meeting::BallotCast{vote, voter, voter, meeting::Choice::kFor,
                                         meeting::Attendance::kInRoom, w.SignAs(voter, payload)}));
        if (!store.Append(std::move(r)).ok()) std::abort();
      }
    });
  }
  for (auto& t : threads) t.join();
}

// `openssl speed ed25519`: verifications per second on one core.
double OpensslEd25519VerifyRate() {
  FILE* p = ::popen("openssl speed -seconds 3 ed25519 2>/dev/null", "r");
  if (p == nullptr) return 0;
  char line[512];
  double rate = 0;
  while (std::fgets(line, sizeof line, p) != nullptr) {
    const std::string s(line);
    if (s.find("Ed25519") == std::string::npos || s.find("bits") == std::string::npos) continue;
    // "... 253 bits EdDSA (Ed25519)   0.0000s   0.0001s  38000.0  12000.0": the last number.
    const auto last = s.find_last_not_of(" \n");
    const auto start = s.find_last_of(' ', last);
    rate = std::atof(s.substr(start + 1, last - start).c_str());
  }
  ::pclose(p);
  return rate;
}

void BM_VerifyLog(benchmark::State& state) {
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto report = replay::VerifyLog(*g_store, g_threads);
    if (!report.ok() || !report->ok()) state.SkipWithError("verify failed");
    events += report->events;
    state.counters["signed_acts"] = static_cast<double>(report->signed_acts);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

void BM_SignatureChecks(benchmark::State& state) {
  std::uint64_t checked = 0;
  for (auto _ : state) {
    replay::FactsCache cache;
    std::atomic<std::uint64_t> bad{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < g_threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t i = t; i < g_checks.size(); i += g_threads) {
          if (!replay::Check(g_checks[i], &cache).ok()) ++bad;
        }
      });
    }
    for (auto& th : pool) th.join();
    if (bad > 0) state.SkipWithError("a signature did not verify");
    checked += g_checks.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(checked));
}

void BM_HashChain(benchmark::State& state) {
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    auto report = g_store->Verify();
    if (!report.ok() || !report->ok()) state.SkipWithError("chain broken");
    bytes += report->bytes;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

BENCHMARK(BM_VerifyLog)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SignatureChecks)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HashChain)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Prints the medians against their baselines.
class Reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.aggregate_name != "median") continue;
      for (const char* counter : {"items_per_second", "bytes_per_second"}) {
        if (auto it = run.counters.find(counter); it != run.counters.end()) {
          medians[run.run_name.function_name] = it->second.value;
        }
      }
    }
  }
  std::map<std::string, double> medians;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* n = std::getenv("ECAB_BENCH_EVENTS");
  const char* s = std::getenv("ECAB_BENCH_SIGNED");
  const std::uint64_t signed_target = s ? std::stoull(s) : 100'000;
  const std::uint64_t target = (n ? std::stoull(n) : 1'000'000) - signed_target;
  g_threads = std::max(1u, std::thread::hardware_concurrency());
  std::string pattern = (std::filesystem::temp_directory_path() / "ecab-verify-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return 1;
  g_dir = pattern;
  es::StoreOptions options;
  options.dir = g_dir / "store";
  options.keys = *es::KeyRing::FromKeys({{"k1", es::AesKey{}}});
  g_store = std::move(es::EventStore::Open(options)).value();
  testing::World w = testing::World::WithMembers(27);
  const auto t0 = std::chrono::steady_clock::now();
  RecordSignedBallots(*g_store, w, signed_target);
  bench::GenerateLog(*g_store, target, /*signed_acts=*/false);
  replay::ActCollector collector;
  for (std::uint64_t next = 1; next <= g_store->head_position();) {
    auto events = g_store->ReadAll(next, 8192);
    for (const auto& e : *events) {
      auto check = collector.Feed(e);
      if (check.ok() && check->has_value()) g_checks.push_back(std::move(**check));
    }
    next = events->back().position + 1;
  }
  std::printf("log: %llu events, %zu signed acts, made in %.1f s; %u threads\n",
              static_cast<unsigned long long>(g_store->head_position()), g_checks.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
              g_threads);
  g_openssl_verify_per_sec = OpensslEd25519VerifyRate();
  Reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double target_rate = g_openssl_verify_per_sec * g_threads;
  std::printf("\nmedians\n");
  std::printf("  full verify:        %12.0f events/s\n", reporter.medians["BM_VerifyLog"]);
  std::printf(
      "  signature checks:   %12.0f /s   openssl speed ed25519 verify x %u cores: %.0f /s   ratio "
      "%.2f\n",
      reporter.medians["BM_SignatureChecks"], g_threads, target_rate,
      target_rate > 0 ? reporter.medians["BM_SignatureChecks"] / target_rate : 0.0);
  std::printf("  hash chain:         %12.1f MB/s\n", reporter.medians["BM_HashChain"] / 1e6);
  benchmark::Shutdown();
  g_store.reset();
  std::filesystem::remove_all(g_dir);
}
