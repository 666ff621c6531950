// ecabinetd — the e-Cabinet node: the embedded event store, the read models,
// and the HTTPS/WebSocket API. Configuration: flags, then ECAB_* environment
// variables, then a TOML file (--config), then the defaults `--help` shows.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/app.h"
#include "api/demo.h"
#include "api/demo_cabinet.h"
#include "api/head_publisher.h"
#include "api/http/server.h"
#include "api/identity.h"
#include "api/log.h"
#include "api/pki.h"
#include "api/platform.h"
#include "api/random.h"
#include "api/command_service.h"
#include "eventstore/event_store.h"
#include "eventstore/tree_head.h"
#include "replay/tree_heads.h"

namespace {

using ecab::api::LogEvent;
using ecab::api::LogText;
using nlohmann::json;
namespace level = spdlog::level;

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

struct Config {
  std::filesystem::path data_dir = "var/ecabinet";
  std::filesystem::path key_file;  // default: <data-dir>/keys
  std::filesystem::path log_key;   // default: <data-dir>/log-key.pem
  int tree_head_every = 60;        // seconds
  std::filesystem::path witness;   // default: <data-dir>/tree-heads.jsonl
  std::string witness_url;         // optional outside witness (HTTPS)
  std::filesystem::path witness_ca;
  bool salvage = false;
  std::filesystem::path demo_cabinet;
  std::string demo_password = "cabinet-demo-2019";
  bool verify = false;
  bool once = false;
  std::string listen = "127.0.0.1";
  int port = 8443;
  std::filesystem::path tls_certificate;  // default: <data-dir>/tls/server.crt.pem (generated)
  std::filesystem::path tls_key;          // default: <data-dir>/tls/server.key.pem (generated)
  bool client_certificates = false;
  ecab::http::ServerOptions server;
  long read_timeout_ms = 10'000;
  long idle_timeout_ms = 60'000;
  long slow_feed_grace_ms = 10'000;
  long feed_idle_timeout_ms = 300'000;
  long linger_ms = 2'000;
  long token_hours = 8;
  int password_cost = 15;
  int hashing_slots = 2;
  int login_failures = 5;
  std::string platform_admin = "platform-admin";
  std::string platform_admin_password;  // default: the demo's, else random (written to a file)
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
    LogEvent(level::warn, {{"msg", "created a new at-rest key file; back it up: without it the data is unreadable"},
                           {"key_file", c.key_file.string()}});
  }
  return ecab::es::KeyRing::Load(c.key_file);
}

// The TLS pair: as configured, or generated self-signed on first run.
ecab::Status EnsureTls(Config& c) {
  const bool defaulted = c.tls_certificate.empty() && c.tls_key.empty();
  if (c.tls_certificate.empty()) c.tls_certificate = c.data_dir / "tls" / "server.crt.pem";
  if (c.tls_key.empty()) c.tls_key = c.data_dir / "tls" / "server.key.pem";
  if (std::filesystem::exists(c.tls_certificate) && std::filesystem::exists(c.tls_key)) return ecab::Ok{};
  if (!defaulted) {
    return ecab::MakeError(ecab::ErrorCode::kNotFound, "TLS certificate or key file missing: " +
                                                           c.tls_certificate.string() + ", " + c.tls_key.string());
  }
  auto pair = ecab::api::pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1", "::1"}, 365);
  if (!pair.ok()) return pair.error();
  std::filesystem::create_directories(c.tls_certificate.parent_path());
  std::ofstream(c.tls_certificate) << pair->certificate_pem;
  {
    std::ofstream key(c.tls_key);
    key << pair->key_pem;
  }
  std::filesystem::permissions(c.tls_key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  LogEvent(level::warn, {{"msg", "generated a self-signed TLS certificate; configure a real one for production"},
                         {"certificate", c.tls_certificate.string()}});
  return ecab::Ok{};
}

int Fail(const ecab::Error& e) {
  LogEvent(level::err, {{"msg", "cannot start"}, {"error", ecab::ToString(e)}});
  return 1;
}

// First start: the platform administrator who founds bodies, with a password:
// as configured, the demo's in a demo, else random and written once to
// <data-dir>/platform-admin.password (mode 0600).
ecab::Status AppointPlatformAdmin(const Config& c, ecab::api::App& app, bool demo) {
  auto appointed = ecab::api::EnsurePlatformAdmin(app.commands(), c.platform_admin, ecab::es::SystemClock().Now());
  if (!appointed.ok()) return appointed.error();
  if (!*appointed) return ecab::Ok{};
  std::string password = c.platform_admin_password;
  if (password.empty() && demo) password = c.demo_password;
  if (password.empty()) {
    password = ecab::es::ToHex(ecab::api::RandomBytes(16));
    const auto file = c.data_dir / "platform-admin.password";
    const mode_t old = ::umask(077);
    std::ofstream(file) << password << "\n";
    ::umask(old);
    LogEvent(level::warn, {{"msg", "appointed the platform administrator; the password is in the file: change it"},
                           {"person", c.platform_admin}, {"file", file.string()}});
  } else {
    LogEvent(level::info, {{"msg", "appointed the platform administrator"}, {"person", c.platform_admin}});
  }
  return app.SetPassword(c.platform_admin, password);
}

// Signs and records a tree head when the log has grown since the last one,
// and sends it to the outside witness when one is configured (a failure
// there is logged: the head is already in the witness file and the log).
void SignTreeHead(ecab::es::EventStore& store, const ecab::es::TreeHeadSigner& signer, const Config& c) {
  auto head = ecab::replay::RecordTreeHead(store, signer, ecab::es::SystemClock().Now(), c.witness);
  if (!head.ok()) {
    LogEvent(level::err, {{"msg", "tree head failed"}, {"error", ecab::ToString(head.error())}});
    return;
  }
  if (!head->has_value()) return;
  LogEvent(level::info, {{"msg", "signed tree head"}, {"size", (*head)->size}, {"root", ecab::es::ToHex((*head)->root)}});
  if (c.witness_url.empty()) return;
  auto url = ecab::api::ParseWitnessUrl(c.witness_url);
  if (!url.ok()) return;  // checked at start
  if (auto s = ecab::api::PostTreeHead(*url, c.witness_ca, **head, std::chrono::seconds(10)); !s.ok()) {
    LogEvent(level::warn, {{"msg", "the outside witness did not take the tree head"}, {"size", (*head)->size},
                           {"error", ecab::ToString(s.error())}});
  } else {
    LogEvent(level::info, {{"msg", "tree head sent to the outside witness"}, {"size", (*head)->size}});
  }
}

// Environment variables become flags placed before the command line's own, so
// the command line wins over them and they win over the config file.
std::vector<std::string> Arguments(int argc, char** argv, const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> args{argv[0]};
  for (const auto& [flag, var] : env) {
    if (const char* value = std::getenv(var.c_str()); value && *value) args.push_back(flag + "=" + value);
  }
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  ecab::api::UseJsonLogs();
  Config c;
  CLI::App app{"ecabinetd: the e-Cabinet node (event store, read models, HTTPS/WebSocket API).\n"
               "Precedence: flags > ECAB_* environment variables > --config TOML file > defaults."};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_config("--config", "", "TOML configuration file (keys are the long option names)");
  std::vector<std::pair<std::string, std::string>> env;
  auto opt = [&](const std::string& name, auto& target, const std::string& help) {
    std::string var = "ECAB_";
    for (char ch : name.substr(2)) var.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(ch)));
    env.emplace_back(name, var);
    return app.add_option(name, target, help + " [env " + var + "]")->capture_default_str();
  };
  auto flag = [&](const std::string& name, bool& target, const std::string& help) {
    std::string var = "ECAB_";
    for (char ch : name.substr(2)) var.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(ch)));
    env.emplace_back(name, var);
    return app.add_flag(name, target, help + " [env " + var + "]")->capture_default_str();
  };
  opt("--data-dir", c.data_dir, "directory for the store, read models, credentials and keys");
  opt("--key-file", c.key_file, "at-rest key file (default: <data-dir>/keys)");
  opt("--log-key", c.log_key, "Ed25519 key signing tree heads (default: <data-dir>/log-key.pem; created if missing)");
  opt("--tree-head-every", c.tree_head_every, "seconds between signed tree heads");
  opt("--witness", c.witness,
      "append-only file witnessing every signed tree head (default: <data-dir>/tree-heads.jsonl)");
  opt("--witness-url", c.witness_url, "also POST every signed tree head to this HTTPS URL (an outside witness)");
  opt("--witness-ca", c.witness_ca, "CA certificate (PEM) the outside witness's certificate must chain to")
      ->check(CLI::ExistingFile);
  flag("--salvage", c.salvage,
       "open a damaged store keeping the intact prefix of its log, and record the loss as an event "
       "(docs/OPERATIONS.md; only after a backup was found unusable)");
  opt("--demo-cabinet", c.demo_cabinet, "record this body fixture (JSON) and the demo around it, if not yet recorded")
      ->check(CLI::ExistingFile);
  opt("--demo-password", c.demo_password, "the password the demo gives everyone");
  flag("--verify", c.verify, "verify the whole hash chain at start");
  flag("--once", c.once, "set up, report and exit instead of serving");
  opt("--listen", c.listen, "address to listen on");
  opt("--port", c.port, "HTTPS port (0: any free port)")->check(CLI::Range(0, 65535));
  opt("--tls-certificate", c.tls_certificate, "PEM certificate chain (default: generated self-signed under <data-dir>/tls)");
  opt("--tls-key", c.tls_key, "PEM private key of the certificate");
  flag("--client-certificates", c.client_certificates, "ask TLS clients for a certificate (login by certificate)");
  opt("--io-threads", c.server.io_threads, "threads running the network loop")->check(CLI::Range(1, 256));
  opt("--worker-threads", c.server.worker_threads, "threads running requests (they may wait on storage)")
      ->check(CLI::Range(1, 1024));
  opt("--max-header-bytes", c.server.max_header_bytes, "largest request header accepted (431 beyond)");
  opt("--max-body-bytes", c.server.max_body_bytes, "largest request body accepted (413 beyond)");
  opt("--read-timeout-ms", c.read_timeout_ms, "time to receive a request once it started (and the TLS handshake)");
  opt("--idle-timeout-ms", c.idle_timeout_ms, "how long a kept-alive connection may wait for its next request");
  opt("--rate-per-second", c.server.rate_per_second, "requests per second per client address (0: no limit; 429 beyond)");
  opt("--rate-burst", c.server.rate_burst, "requests a client may send at once before the rate applies");
  opt("--max-websockets", c.server.max_websockets, "open WebSocket feeds at most");
  opt("--max-connections", c.server.max_connections, "open connections at most (more are closed as accepted)");
  opt("--max-connections-per-address", c.server.max_connections_per_address, "open connections per client address");
  opt("--max-waits-per-address", c.server.max_waits_per_address,
      "requests per client address waiting for the read models (min_position; 429 beyond)");
  opt("--max-feed-queue-bytes", c.server.max_feed_queue_bytes, "bytes a feed client may leave unread before its feed pauses");
  opt("--slow-feed-grace-ms", c.slow_feed_grace_ms, "a feed paused that long is closed with 1008");
  opt("--feed-idle-timeout-ms", c.feed_idle_timeout_ms,
      "a feed client that answers nothing, not even a ping, for that long is cut")
      ->check(CLI::Range(1'000L, 86'400'000L));
  opt("--linger-ms", c.linger_ms, "after refusing a request, how long to read what the client still sends");
  opt("--token-hours", c.token_hours, "lifetime of a bearer token")->check(CLI::Range(1L, 24L * 30));
  opt("--password-cost", c.password_cost, "scrypt cost: N = 2^cost (memory 2^cost KiB per hash)")
      ->check(CLI::Range(ecab::api::kMinPasswordCost, ecab::api::kMaxPasswordCost));
  opt("--login-hash-slots", c.hashing_slots, "password hashes computed at once (429 beyond, after 2 s)")
      ->check(CLI::Range(1, 64));
  opt("--login-failures-per-minute", c.login_failures, "failed logins per person and address before 429")
      ->check(CLI::Range(1, 1000));
  opt("--platform-admin", c.platform_admin, "the platform administrator appointed at first start (founds bodies)");
  opt("--platform-admin-password", c.platform_admin_password,
      "their first password (default: the demo's in a demo, else random, written to <data-dir>/platform-admin.password)");
  std::vector<std::string> args = Arguments(argc, argv, env);
  std::vector<char*> raw;
  for (auto& a : args) raw.push_back(a.data());
  try {
    app.parse(static_cast<int>(raw.size()), raw.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (c.key_file.empty()) c.key_file = c.data_dir / "keys";
  if (c.log_key.empty()) c.log_key = c.data_dir / "log-key.pem";
  if (c.witness.empty()) c.witness = c.data_dir / "tree-heads.jsonl";
  if (!c.witness_url.empty()) {
    if (auto url = ecab::api::ParseWitnessUrl(c.witness_url); !url.ok()) return Fail(url.error());
    if (c.witness_ca.empty()) {
      return Fail(ecab::MakeError(ecab::ErrorCode::kInvalidArgument, "--witness-url needs --witness-ca"));
    }
  }
  c.server.address = c.listen;
  c.server.port = static_cast<std::uint16_t>(c.port);
  c.server.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  c.server.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  c.server.slow_feed_grace = std::chrono::milliseconds(c.slow_feed_grace_ms);
  c.server.feed_idle_timeout = std::chrono::milliseconds(c.feed_idle_timeout_ms);
  c.server.linger = std::chrono::milliseconds(c.linger_ms);
  c.server.request_client_certificates = c.client_certificates;

  auto keys = LoadOrCreateKeys(c);
  if (!keys.ok()) return Fail(keys.error());
  ecab::es::StoreOptions options;
  options.dir = c.data_dir / "store";
  options.keys = *keys;
  options.witness = c.witness;
  if (c.salvage) options.recovery = ecab::es::StoreOptions::Recovery::kSalvagePrefix;
  auto store = ecab::es::EventStore::Open(options);
  if (!store.ok()) return Fail(store.error());
  if (const auto& salvage = (*store)->salvage()) {
    if (auto s = ecab::replay::RecordSalvage(**store, c.witness, ecab::es::SystemClock().Now()); !s.ok()) {
      return Fail(s.error());
    }
    LogEvent(level::warn, {{"msg", "salvaged a damaged log: the loss is recorded as a log.salvaged event"},
                           {"kept", salvage->kept}, {"witnessed", salvage->witnessed}, {"reason", salvage->reason}});
  } else if (c.salvage) {
    LogText(level::info, "--salvage given but the store is intact: nothing salvaged");
  }
  LogEvent(level::info, {{"msg", "store open"}, {"store_id", (*store)->store_id()}, {"dir", options.dir.string()},
                         {"events", (*store)->head_position()}, {"active_key", (*keys)->active_id()}});

  std::optional<ecab::api::CabinetFixture> cabinet;
  if (!c.demo_cabinet.empty()) {
    auto loaded = ecab::api::LoadCabinetFixture(c.demo_cabinet);
    if (!loaded.ok()) return Fail(loaded.error());
    cabinet = std::move(loaded).value();
  }
  if (c.verify) {
    auto report = (*store)->Verify();
    if (!report.ok()) return Fail(report.error());
    for (const auto& f : report->faults) {
      LogEvent(level::err, {{"msg", "chain fault"}, {"position", f.position}, {"reason", f.reason}});
    }
    if (!report->ok()) return 1;
    LogText(level::info, "hash chain verified: " + std::to_string(report->checked) + " events intact");
  }
  auto signer = ecab::es::TreeHeadSigner::LoadOrCreate(c.log_key);
  if (!signer.ok()) return Fail(signer.error());

  ecab::api::AppOptions app_options;
  app_options.data_dir = c.data_dir;
  app_options.token_lifetime = std::chrono::hours(c.token_hours);
  app_options.password_cost = c.password_cost;
  app_options.hashing_slots = c.hashing_slots;
  app_options.login_failures_per_minute = c.login_failures;
  app_options.public_key_pem = (*signer)->public_pem();
  auto api = ecab::api::App::Create(**store, *keys, app_options);
  if (!api.ok()) return Fail(api.error());
  if (auto s = AppointPlatformAdmin(c, **api, cabinet.has_value()); !s.ok()) return Fail(s.error());
  if (cabinet) {
    // The demo founds its body like any client of POST /v1/bodies: as the platform administrator.
    auto seeded = ecab::api::SeedCabinet((*api)->commands(), *cabinet, ecab::api::DemoCabinetSince(),
                                         c.platform_admin);
    if (!seeded.ok()) return Fail(seeded.error());
    LogEvent(level::info, {{"msg", "demo body recorded"}, {"body", cabinet->body.body},
                           {"people", cabinet->people.size()}, {"first_position", seeded->first_position},
                           {"last_position", seeded->last_position}});
    auto demo = ecab::api::SetUpDemo(**api, *cabinet, c.data_dir / "demo", c.demo_password);
    if (!demo.ok()) return Fail(demo.error());
    if (demo->created) {
      LogEvent(level::info, {{"msg", "demo set up: CA, signing certificates, a meeting, an issued opinion form"},
                             {"people", demo->people}, {"keys", (c.data_dir / "demo" / "people").string()}});
    }
  }
  SignTreeHead(**store, **signer, c);
  if (c.once) {
    (*api)->Shutdown();
    return 0;
  }

  if (auto s = EnsureTls(c); !s.ok()) return Fail(s.error());
  c.server.certificate_chain = c.tls_certificate;
  c.server.private_key = c.tls_key;
  std::string error;
  auto server = ecab::http::Server::Create(c.server, **api, &error);
  if (!server) {
    LogEvent(level::err, {{"msg", "cannot serve"}, {"error", error}});
    return 1;
  }
  (*api)->AttachServer(&server->counters());
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  server->Start();
  const std::string url = "https://" + c.listen + ":" + std::to_string(server->port());
  if (server->max_connections() < c.server.max_connections) {
    LogEvent(level::warn, {{"msg", "fewer connections than --max-connections: raise ulimit -n"},
                           {"max_connections", server->max_connections()},
                           {"configured", c.server.max_connections}});
  }
  LogEvent(level::info, {{"msg", "serving"}, {"url", url}, {"openapi", url + "/openapi.json"}});
  if (cabinet) {
    std::fprintf(stderr,
                 "\n  e-Cabinet API: %s   (self-signed certificate: curl -k, or trust %s)\n"
                 "  Log in:  curl -k -X POST %s/v1/login -H 'Content-Type: application/json' \\\n"
                 "             -d '{\"person\":\"pm\",\"password\":\"%s\"}'\n"
                 "  Then:    curl -k -H 'Authorization: Bearer <token>' %s/v1/bodies/%s/meetings/demo-1\n"
                 "  Everyone in the demo (pm, deputy-pm-1, …, gov-office-staff-1, auditor-1, archivist-1,\n"
                 "  bootstrap = the body's admin, %s = founds bodies: POST /v1/bodies) has that password;\n"
                 "  signing keys are in %s\n\n",
                 url.c_str(), c.tls_certificate.string().c_str(), url.c_str(), c.demo_password.c_str(), url.c_str(),
                 cabinet->body.body.c_str(), c.platform_admin.c_str(),
                 (c.data_dir / "demo" / "people").string().c_str());
    std::fflush(stderr);
  }
  const auto every = std::chrono::seconds(std::max(1, c.tree_head_every));
  auto next_head = std::chrono::steady_clock::now() + every;
  while (!g_stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (std::chrono::steady_clock::now() >= next_head) {
      SignTreeHead(**store, **signer, c);
      next_head = std::chrono::steady_clock::now() + every;
    }
  }
  LogText(level::info, "stopping: no new connections; finishing requests in flight, closing feeds");
  server->Stop();
  (*api)->Shutdown();
  SignTreeHead(**store, **signer, c);
  LogText(level::info, "stopped");
  spdlog::default_logger()->flush();
  return 0;
}
