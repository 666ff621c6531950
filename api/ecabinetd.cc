// ecabinetd — the e-Cabinet node. Today: opens the embedded store (creating
// it and its key file on first start), checks the chain, records the demo
// cabinet when asked, then follows the log live until SIGINT/SIGTERM. The
// HTTPS/WebSocket API (issue 6) will be served from here.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <filesystem>

#include "api/demo_cabinet.h"
#include "eventstore/event_store.h"
#include "eventstore/tree_head.h"
#include "replay/tree_heads.h"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

struct Config {
  std::filesystem::path data_dir = "var/ecabinet";
  std::filesystem::path key_file;  // default: <data-dir>/keys
  std::filesystem::path log_key;   // default: <data-dir>/log-key.pem
  int tree_head_every = 60;        // seconds
  std::filesystem::path demo_cabinet;
  bool verify = false;
  bool once = false;
};

// First start: a fresh data directory gets a new random key file. A store
// that exists without its key file is an operator error, never papered over.
ecab::Result<std::shared_ptr<const ecab::es::KeyRing>> LoadOrCreateKeys(const Config& c) {
  const auto store_dir = c.data_dir / "store";
  if (!std::filesystem::exists(c.key_file)) {
    if (std::filesystem::exists(store_dir)) {
      return ecab::MakeError(ecab::ErrorCode::kKeyUnavailable,
                             "store " + store_dir.string() + " exists but its key file " +
                                 c.key_file.string() + " does not");
    }
    std::filesystem::create_directories(c.key_file.parent_path());
    if (auto s = ecab::es::KeyRing::CreateKeyFile(c.key_file, "k1"); !s.ok()) return s.error();
    spdlog::warn("created a new at-rest key file {}; back it up: without it the data is unreadable",
                 c.key_file.string());
  }
  return ecab::es::KeyRing::Load(c.key_file);
}

int Fail(const ecab::Error& e) {
  spdlog::error("{}", ecab::ToString(e));
  return 1;
}

// Signs and records a tree head when the log has grown since the last one.
void SignTreeHead(ecab::es::EventStore& store, const ecab::es::TreeHeadSigner& signer) {
  auto head = ecab::replay::RecordTreeHead(store, signer, ecab::es::SystemClock().Now());
  if (!head.ok()) {
    spdlog::error("tree head: {}", ecab::ToString(head.error()));
  } else if (head->has_value()) {
    spdlog::info("signed tree head: size {}, root {}", (*head)->size, ecab::es::ToHex((*head)->root));
  }
}

void Follow(ecab::es::EventStore& store, const ecab::es::TreeHeadSigner& signer, std::chrono::seconds every) {
  auto subscription = store.Subscribe(store.head_position() + 1);
  spdlog::info("following the log from position {}; Ctrl-C stops", subscription->next_position());
  auto next_head = std::chrono::steady_clock::now() + every;
  while (!g_stop.load()) {
    if (std::chrono::steady_clock::now() >= next_head) {
      SignTreeHead(store, signer);
      next_head = std::chrono::steady_clock::now() + every;
    }
    auto events = subscription->Next(256, std::chrono::milliseconds(200));
    if (!events.ok()) {
      spdlog::error("{}", ecab::ToString(events.error()));
      return;
    }
    for (const auto& e : *events) {
      spdlog::info("#{} {} {}@{} {} by {} ({})", e.position, ecab::FormatRfc3339(e.recorded_at), e.stream,
                   e.version, e.type, e.actor.id, e.actor.role);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  CLI::App app{"e-Cabinet node: the event store and, soon, the HTTPS API"};
  app.add_option("--data-dir", c.data_dir, "directory for the store and keys")->capture_default_str();
  app.add_option("--key-file", c.key_file, "at-rest key file (default: <data-dir>/keys)");
  app.add_option("--demo-cabinet", c.demo_cabinet, "record this body fixture (JSON) if not yet recorded")
      ->check(CLI::ExistingFile);
  app.add_option("--log-key", c.log_key, "Ed25519 key signing tree heads (default: <data-dir>/log-key.pem; created if missing)");
  app.add_option("--tree-head-every", c.tree_head_every, "seconds between signed tree heads")->capture_default_str();
  app.add_flag("--verify", c.verify, "verify the whole hash chain at start");
  app.add_flag("--once", c.once, "start, report, and exit instead of following the log");
  CLI11_PARSE(app, argc, argv);
  if (c.key_file.empty()) c.key_file = c.data_dir / "keys";
  if (c.log_key.empty()) c.log_key = c.data_dir / "log-key.pem";

  auto keys = LoadOrCreateKeys(c);
  if (!keys.ok()) return Fail(keys.error());
  ecab::es::StoreOptions options;
  options.dir = c.data_dir / "store";
  options.keys = *keys;
  auto store = ecab::es::EventStore::Open(options);
  if (!store.ok()) return Fail(store.error());
  spdlog::info("store {} open at {}: {} events, active key '{}'", (*store)->store_id(),
               options.dir.string(), (*store)->head_position(), (*keys)->active_id());

  if (!c.demo_cabinet.empty()) {
    auto cabinet = ecab::api::LoadCabinetFixture(c.demo_cabinet);
    if (!cabinet.ok()) return Fail(cabinet.error());
    auto seeded = ecab::api::SeedCabinet(**store, *cabinet, ecab::api::DemoCabinetSince());
    if (!seeded.ok()) return Fail(seeded.error());
    spdlog::info("demo body '{}' with {} people recorded at positions {}..{}", cabinet->body.body,
                 cabinet->people.size(), seeded->first_position, seeded->last_position);
  }
  if (c.verify) {
    auto report = (*store)->Verify();
    if (!report.ok()) return Fail(report.error());
    for (const auto& f : report->faults) spdlog::error("chain fault at position {}: {}", f.position, f.reason);
    if (!report->ok()) return 1;
    spdlog::info("hash chain verified: {} events intact", report->checked);
  }
  auto signer = ecab::es::TreeHeadSigner::LoadOrCreate(c.log_key);
  if (!signer.ok()) return Fail(signer.error());
  spdlog::info("tree heads are signed with {} ({}); give auditors its public key:\n{}", c.log_key.string(),
               (*signer)->key_id(), (*signer)->public_pem());
  SignTreeHead(**store, **signer);
  if (c.once) return 0;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  Follow(**store, **signer, std::chrono::seconds(std::max(1, c.tree_head_every)));
  spdlog::info("stopped");
  return 0;
}
