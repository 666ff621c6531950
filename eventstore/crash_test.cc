// Crash safety: a child process appends under load and reports each
// acknowledged position; it is killed with SIGKILL at random moments, many
// times over. Every acknowledged event must survive, with no gap and the
// chain intact.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>

#include "eventstore/testing.h"

namespace ecab::es {
namespace {

using namespace std::chrono_literals;

// Runs the child for about `run_for`, kills it, and returns every position it
// reported as acknowledged.
std::set<std::uint64_t> RunAndKill(const std::filesystem::path& dir, int run,
                                   std::chrono::milliseconds run_for) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const std::string run_id = "run" + std::to_string(run);  // built before fork: no allocation after
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl(ECAB_CRASH_CHILD, ECAB_CRASH_CHILD, dir.c_str(), run_id.c_str(), nullptr);
    std::_Exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[65536];
  const auto start = std::chrono::steady_clock::now();
  bool killed = false;
  for (;;) {
    const auto elapsed = std::chrono::steady_clock::now() - start;
    if (!killed && elapsed >= run_for) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    ::poll(&p, 1, 5);
    if ((p.revents & (POLLIN | POLLHUP)) == 0) continue;
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // the child is gone and the pipe is drained
    out.append(buf, static_cast<std::size_t>(n));
    if (elapsed > 30s) ::kill(pid, SIGKILL);  // bound: never hang
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended by itself, status " << status;
  std::set<std::uint64_t> acked;
  std::size_t begin = 0;
  for (std::size_t nl; (nl = out.find('\n', begin)) != std::string::npos; begin = nl + 1) {
    acked.insert(std::stoull(out.substr(begin, nl - begin)));
  }
  return acked;
}

TEST(CrashSafety, EveryAcknowledgedEventSurvivesSigkillWithTheChainIntact) {
  testing::TempDir dir;
  std::mt19937 rng(20190624);
  std::uniform_int_distribution<int> delay_ms(20, 250);
  auto keys = testing::Ring({{"k1", AesKey{}}});
  constexpr int kKills = 25;
  std::uint64_t total_acked = 0;
  for (int run = 0; run < kKills; ++run) {
    const auto acked = RunAndKill(dir.path(), run, std::chrono::milliseconds(delay_ms(rng)));
    total_acked += acked.size();
    auto store = EventStore::Open(StoreOptions{dir.path(), keys, nullptr});
    ASSERT_TRUE(store.ok()) << "run " << run << ": " << ToString(store.error());
    const std::uint64_t head = (*store)->head_position();
    if (!acked.empty()) {
      ASSERT_GE(head, *acked.rbegin()) << "run " << run << ": an acknowledged event was lost";
    }
    auto report = (*store)->Verify();
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(report->ok()) << "run " << run << ": chain broken at " << report->faults[0].position
                              << ": " << report->faults[0].reason;
    ASSERT_EQ(report->checked, head) << "run " << run << ": a gap in the log";
    // Every position acknowledged in this run reads back, decrypted.
    if (acked.empty()) continue;
    const std::uint64_t first = *acked.begin();
    auto events = (*store)->ReadAll(first, *acked.rbegin() - first + 1);
    ASSERT_TRUE(events.ok()) << ToString(events.error());
    for (std::uint64_t p : acked) ASSERT_EQ((*events)[p - first].position, p);
  }
  EXPECT_GT(total_acked, 0u) << "the child never got an append acknowledged";
}

}  // namespace
}  // namespace ecab::es
