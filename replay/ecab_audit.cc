// ecab-audit — the auditor's and archivist's tool, on a store directory.
//   ecab-audit verify  [--data-dir D] [--threads N] [--json] [--quiet]
//   ecab-audit explain (--resolution ID | --vote MEETING/VOTE | --form ID) [--json]
// Exit codes: 0 all held / done, 1 findings, 2 the tool could not run.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "replay/explain.h"
#include "replay/verifier.h"

namespace {

using namespace ecab;

struct Common {
  std::filesystem::path data_dir = "var/ecabinet";
  std::filesystem::path key_file;
  bool json = false;
  bool quiet = false;
};

Result<std::unique_ptr<es::EventStore>> OpenStore(const Common& c) {
  auto keys = es::KeyRing::Load(c.key_file.empty() ? c.data_dir / "keys" : c.key_file);
  if (!keys.ok()) return keys.error();
  es::StoreOptions options;
  options.dir = c.data_dir / "store";
  options.keys = *keys;
  options.tail_check = 0;  // open a damaged store too: verify reports on it
  if (!std::filesystem::exists(options.dir)) {
    return MakeError(ErrorCode::kNotFound, "no store at " + options.dir.string());
  }
  return es::EventStore::Open(options);
}

// A progress line on a terminal: bar, rate, time left.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}
  void operator()(std::uint64_t done, std::uint64_t total) {
    if (!enabled_ || total == 0) return;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = secs > 0 ? done / secs : 0;
    const int width = 30;
    const int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %llu/%llu events  %.0f ev/s  ETA %.0fs ", filled,
                 "##############################", width - filled, "", static_cast<int>(100 * done / total),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate,
                 rate > 0 ? (total - done) / rate : 0.0);
    if (done >= total) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

int Fail(const Error& e) {
  std::cerr << "ecab-audit: " << ToString(e) << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"e-Cabinet audit tool: verify the log, explain how decisions were made"};
  app.require_subcommand(1);
  Common c;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--data-dir", c.data_dir, "directory holding store/ and keys")->capture_default_str();
    sub->add_option("--key-file", c.key_file, "at-rest key file (default: <data-dir>/keys)");
    sub->add_flag("--json", c.json, "print JSON");
    sub->add_flag("--quiet", c.quiet, "no progress bar");
  };
  unsigned threads = 0;
  auto* verify = app.add_subcommand("verify", "check the hash chain and every signed act");
  add_common(verify);
  verify->add_option("--threads", threads, "signature-checking threads (default: one per core)");
  std::string resolution, vote, form;
  auto* explain = app.add_subcommand("explain", "tell how a resolution, vote or opinion form came about");
  add_common(explain);
  auto* group = explain->add_option_group("what")->require_option(1);
  group->add_option("--resolution", resolution, "resolution id");
  group->add_option("--vote", vote, "<meeting>/<vote>");
  group->add_option("--form", form, "opinion form id");
  CLI11_PARSE(app, argc, argv);

  auto store = OpenStore(c);
  if (!store.ok()) return Fail(store.error());
  if (verify->parsed()) {
    ProgressBar bar(!c.quiet && !c.json);
    const auto start = std::chrono::steady_clock::now();
    auto report = replay::VerifyLog(**store, threads, [&](std::uint64_t d, std::uint64_t t) { bar(d, t); });
    if (!report.ok()) return Fail(report.error());
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (c.json) {
      nlohmann::json out = {{"events", report->events}, {"signed_acts", report->signed_acts}, {"ok", report->ok()},
                            {"seconds", secs}, {"findings", nlohmann::json::array()}};
      for (const auto& f : report->findings) {
        out["findings"].push_back({{"position", f.position}, {"check", f.check}, {"reason", f.reason}});
      }
      std::cout << out.dump(2) << "\n";
    } else {
      for (const auto& f : report->findings) {
        std::cout << "position " << f.position << ": " << f.check << ": " << f.reason << "\n";
      }
      std::cout << report->events << " events, " << report->signed_acts << " signed acts checked in " << secs
                << " s: " << (report->ok() ? "all hold" : std::to_string(report->findings.size()) + " findings")
                << "\n";
    }
    return report->ok() ? 0 : 1;
  }
  const std::string what = !resolution.empty() ? "resolution" : !vote.empty() ? "vote" : "form";
  const std::string id = !resolution.empty() ? resolution : !vote.empty() ? vote : form;
  auto story = replay::Explain(**store, what, id);
  if (!story.ok()) return Fail(story.error());
  std::cout << (c.json ? story->dump(2) + "\n" : replay::ExplainText(*story));
  return 0;
}
