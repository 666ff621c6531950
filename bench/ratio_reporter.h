// bench/ratio_reporter.h — prints Google Benchmark's console output and then,
// for each pair (measured, baseline), the median items/s of both at each
// thread count and their ratio.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ecab::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  struct Pair {
    std::string measured;  // benchmark function name
    std::string baseline;
    std::string title;
  };
  explicit RatioReporter(std::vector<Pair> pairs) : pairs_(std::move(pairs)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.aggregate_name != "median") continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      medians_[run.run_name.function_name][static_cast<int>(run.threads)] = it->second.value;
    }
  }

  void PrintRatios() const {
    for (const Pair& p : pairs_) {
      auto m = medians_.find(p.measured);
      auto b = medians_.find(p.baseline);
      if (m == medians_.end() || b == medians_.end()) continue;
      std::printf("\n%s\n%8s %16s %16s %8s\n", p.title.c_str(), "threads", p.measured.c_str(),
                  p.baseline.c_str(), "ratio");
      for (const auto& [threads, value] : m->second) {
        auto base = b->second.find(threads);
        if (base == b->second.end()) continue;
        std::printf("%8d %16.0f %16.0f %8.2f\n", threads, value, base->second,
                    value / base->second);
      }
    }
  }

 private:
  std::vector<Pair> pairs_;
  std::map<std::string, std::map<int, double>> medians_;
};

}  // namespace ecab::bench
