// Helper for crash_test: appends under load from several threads and writes
// each acknowledged position to stdout, one per line, until it is killed.
// Usage: eventstore_crash_child <store-dir> <run-id>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/event_store.h"

namespace {

void WriteAll(const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n <= 0) std::_Exit(3);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ecab::es;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <store-dir> <run-id>\n", argv[0]);
    return 2;
  }
  auto keys = KeyRing::FromKeys({{"k1", AesKey{}}});
  StoreOptions options;
  options.dir = argv[1];
  options.keys = *keys;
  auto store = EventStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", ecab::ToString(store.error()).c_str());
    return 1;
  }
  const std::string run = argv[2];
  std::mutex out_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (long i = 0;; ++i) {
        AppendRequest r;
        r.body = "gov-vn";
        r.stream = "crash-" + std::to_string(t);
        r.command_id = run + "-" + std::to_string(t) + "-" + std::to_string(i);
        r.actor = {"loader", "admin", ""};
        const int n = 1 + static_cast<int>(i % 3);
        for (int e = 0; e < n; ++e) {
          r.events.push_back(
              {"test.load", 1, std::string(300, static_cast<char>('a' + e)), std::nullopt});
        }
        auto result = (*store)->Append(r);
        if (!result.ok()) {
          std::fprintf(stderr, "%s\n", ecab::ToString(result.error()).c_str());
          std::_Exit(1);
        }
        std::string line;
        for (auto p = result->first_position; p <= result->last_position; ++p) {
          line += std::to_string(p) + "\n";
        }
        std::lock_guard g(out_mu);
        WriteAll(line);
      }
    });
  }
  for (auto& th : threads) th.join();
}
