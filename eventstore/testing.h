// eventstore/testing.h — helpers for tests that need a real store on disk.
// Test code only: never include from a library source.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "eventstore/event_store.h"

namespace ecab::es::testing {

// A fresh directory under $TMPDIR, removed with everything in it at scope end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ecab-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A deterministic key: every byte equal to `fill`.
inline AesKey FilledKey(std::uint8_t fill) {
  AesKey k;
  k.fill(fill);
  return k;
}

inline std::shared_ptr<const KeyRing> Ring(
    const std::vector<std::pair<std::string, AesKey>>& keys = {{"k1", FilledKey(1)}}) {
  auto ring = KeyRing::FromKeys(keys);
  if (!ring.ok()) throw std::runtime_error(ToString(ring.error()));
  return *ring;
}

inline std::unique_ptr<EventStore> OpenOrDie(StoreOptions options) {
  auto store = EventStore::Open(std::move(options));
  if (!store.ok()) throw std::runtime_error(ToString(store.error()));
  return std::move(store).value();
}

inline std::unique_ptr<EventStore> OpenOrDie(const std::filesystem::path& dir,
                                             std::shared_ptr<const KeyRing> keys = Ring()) {
  StoreOptions o;
  o.dir = dir;
  o.keys = std::move(keys);
  return OpenOrDie(std::move(o));
}

// One append of `n` small events to `stream` by a member acting for themselves.
inline AppendRequest Request(std::string stream, std::string command_id,
                             ExpectedVersion expected = ExpectedVersion::Any(), int n = 1,
                             const std::string& payload = "payload") {
  AppendRequest r;
  r.body = "gov-vn";
  r.stream = std::move(stream);
  r.expected = expected;
  r.command_id = std::move(command_id);
  r.correlation_id = "corr-" + r.command_id;
  r.actor = Actor{"min-ict", "member", ""};
  for (int i = 0; i < n; ++i) {
    r.events.push_back(
        ProposedEvent{"test.noted", 1, payload + "#" + std::to_string(i), std::nullopt});
  }
  return r;
}

}  // namespace ecab::es::testing
