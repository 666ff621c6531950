// ecabinetd — the e-Cabinet node: the embedded event store, the read models,
// and the HTTPS/WebSocket API. Configuration: flags, then ECAB_* environment
// variables, then a TOML file (--config), then the defaults `--help` shows.
#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/app.h"
#include "api/backup.h"
#include "api/command/command_service.h"
#include "api/demo.h"
#include "api/demo_cabinet.h"
#include "api/head_publisher.h"
#include "api/http/server.h"
#include "api/identity.h"
#include "api/log.h"
#include "api/node_config.h"
#include "api/pki.h"
#include "api/platform.h"
#include "api/random.h"
#include "eventstore/event_store.h"
#include "eventstore/tree_head.h"
#include "replay/tree_heads.h"

namespace {

using ecab::api::Config;

using ecab::api::LogEvent;
using ecab::api::LogText;
using nlohmann::json;
namespace level = spdlog::level;

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop.store(true); }

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
    ECAB_TRY(ecab::es::KeyRing::CreateKeyFile(c.key_file, "k1"));
    LogEvent(
        level::warn,
        {{"msg", "created a new at-rest key file; back it up: without it the data is unreadable"},
         {"key_file", c.key_file.string()}});
  }
  return ecab::es::KeyRing::Load(c.key_file);
}

// The TLS pair: as configured, or generated self-signed on first run.
ecab::Status EnsureTls(Config& c) {
  const bool defaulted = c.tls_certificate.empty() && c.tls_key.empty();
  if (c.tls_certificate.empty()) c.tls_certificate = c.data_dir / "tls" / "server.crt.pem";
  if (c.tls_key.empty()) c.tls_key = c.data_dir / "tls" / "server.key.pem";
  if (std::filesystem::exists(c.tls_certificate) && std::filesystem::exists(c.tls_key))
    return ecab::Ok{};
  if (!defaulted) {
    return ecab::MakeError(ecab::ErrorCode::kNotFound,
                           "TLS certificate or key file missing: " + c.tls_certificate.string() +
                               ", " + c.tls_key.string());
  }
  ECAB_TRY_LET(
      pair, ecab::api::pki::SelfSignedTls("localhost", {"localhost"}, {"127.0.0.1", "::1"}, 365));
  std::filesystem::create_directories(c.tls_certificate.parent_path());
  std::ofstream(c.tls_certificate) << pair->certificate_pem;
  {
    std::ofstream key(c.tls_key);
    key << pair->key_pem;
  }
  std::filesystem::permissions(
      c.tls_key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  LogEvent(level::warn,
           {{"msg", "generated a self-signed TLS certificate; configure a real one for production"},
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
  ECAB_TRY_LET(appointed, ecab::api::EnsurePlatformAdmin(app.commands(), c.platform_admin,
                                                         ecab::es::SystemClock().Now()));
  if (!*appointed) return ecab::Ok{};
  std::string password = c.platform_admin_password;
  if (password.empty() && demo) password = c.demo_password;
  if (password.empty()) {
    password = ecab::es::ToHex(ecab::api::RandomBytes(16));
    const auto file = c.data_dir / "platform-admin.password";
    const mode_t old = ::umask(077);
    std::ofstream(file) << password << "\n";
    ::umask(old);
    LogEvent(
        level::warn,
        {{"msg", "appointed the platform administrator; the password is in the file: change it"},
         {"person", c.platform_admin},
         {"file", file.string()}});
  } else {
    LogEvent(level::info,
             {{"msg", "appointed the platform administrator"}, {"person", c.platform_admin}});
  }
  return app.SetPassword(c.platform_admin, password);
}

// Signs and records a tree head when the log has grown since the last one,
// and sends it to the outside witness when one is configured (a failure
// there is logged: the head is already in the witness file and the log).
void SignTreeHead(ecab::es::EventStore& store, const ecab::es::TreeHeadSigner& signer,
                  const Config& c) {
  auto head = ecab::replay::RecordTreeHead(store, signer, ecab::es::SystemClock().Now(), c.witness);
  if (!head.ok()) {
    LogEvent(level::err, {{"msg", "tree head failed"}, {"error", ecab::ToString(head.error())}});
    return;
  }
  if (!head->has_value()) return;
  LogEvent(level::info, {{"msg", "signed tree head"},
                         {"size", (*head)->size},
                         {"root", ecab::es::ToHex((*head)->root)}});
  if (c.witness_url.empty()) return;
  auto url = ecab::api::ParseWitnessUrl(c.witness_url);
  if (!url.ok()) return;  // checked at start
  if (auto s = ecab::api::PostTreeHead(*url, c.witness_ca, **head, std::chrono::seconds(10));
      !s.ok()) {
    LogEvent(level::warn, {{"msg", "the outside witness did not take the tree head"},
                           {"size", (*head)->size},
                           {"error", ecab::ToString(s.error())}});
  } else {
    LogEvent(level::info,
             {{"msg", "tree head sent to the outside witness"}, {"size", (*head)->size}});
  }
}

// Opens the store (salvaging a damaged one when asked, and recording the loss).
ecab::Result<std::unique_ptr<ecab::es::EventStore>> OpenStore(
    const Config& c, const std::shared_ptr<const ecab::es::KeyRing>& keys) {
  ecab::es::StoreOptions options;
  options.dir = c.data_dir / "store";
  options.keys = keys;
  options.witness = c.witness;
  if (c.salvage) options.recovery = ecab::es::StoreOptions::Recovery::kSalvagePrefix;
  ECAB_TRY_LET(store, ecab::es::EventStore::Open(options));
  if (const auto& salvage = (*store)->salvage()) {
    ECAB_TRY(ecab::replay::RecordSalvage(**store, c.witness, ecab::es::SystemClock().Now()));
    LogEvent(level::warn,
             {{"msg", "salvaged a damaged log: the loss is recorded as a log.salvaged event"},
              {"kept", salvage->kept},
              {"witnessed", salvage->witnessed},
              {"reason", salvage->reason}});
  } else if (c.salvage) {
    LogText(level::info, "--salvage given but the store is intact: nothing salvaged");
  }
  LogEvent(level::info, {{"msg", "store open"},
                         {"store_id", (*store)->store_id()},
                         {"dir", options.dir.string()},
                         {"events", (*store)->head_position()},
                         {"active_key", keys->active_id()}});
  return store;
}

// --verify: the whole hash chain; false (faults logged) when broken.
ecab::Result<bool> VerifyChain(ecab::es::EventStore& store) {
  ECAB_TRY_LET(report, store.Verify());
  for (const auto& f : report->faults) {
    LogEvent(level::err, {{"msg", "chain fault"}, {"position", f.position}, {"reason", f.reason}});
  }
  if (!report->ok()) return false;
  LogText(level::info,
          "hash chain verified: " + std::to_string(report->checked) + " events intact");
  return true;
}

// A CA to issue signing certificates with, from its two PEM files.
ecab::Result<ecab::api::pki::KeyAndCertificate> LoadIssuingCa(const std::filesystem::path& key,
                                                              const std::filesystem::path& cert) {
  auto read = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto ca = ecab::api::pki::LoadCa(read(key), read(cert));
  if (!ca.ok())
    return ecab::Error{ca.error().code,
                       key.string() + ", " + cert.string() + ": " + ca.error().message};
  return ca;
}

// The application, its platform administrator, and the demo when asked for.
ecab::Result<std::unique_ptr<ecab::api::App>> SetUpApp(
    const Config& c, ecab::es::EventStore& store,
    const std::shared_ptr<const ecab::es::KeyRing>& keys, const std::string& public_pem,
    const std::optional<ecab::api::CabinetFixture>& cabinet) {
  ecab::api::AppOptions app_options;
  app_options.data_dir = c.data_dir;
  app_options.key_file = c.key_file;
  app_options.token_lifetime = std::chrono::hours(c.token_hours);
  app_options.password_cost = c.password_cost;
  app_options.hashing_slots = c.hashing_slots;
  app_options.login_failures_per_minute = c.login_failures;
  app_options.public_key_pem = public_pem;
  app_options.web_root = c.web_root;
  app_options.reminders_every = std::chrono::seconds(c.reminders_every);
  app_options.mail = ecab::api::MailSettings{c.smtp_url,  c.smtp_user,     c.smtp_password,
                                             c.smtp_from, c.smtp_starttls, c.smtp_ca};
  app_options.notify_every = std::chrono::milliseconds(c.notify_every_ms);
  app_options.notifier.link_base = c.public_url;
  app_options.sms = ecab::api::SmsSettings{c.sms_url,  c.sms_method, c.sms_headers,
                                           c.sms_body, c.sms_token,  c.sms_ca};
  app_options.notifier.sms_ascii = c.sms_ascii;
  app_options.notifier.email_per_second = c.email_per_second;
  app_options.notifier.sms_per_second = c.sms_per_second;
  app_options.notifier.connections = c.notify_connections;
  if (!c.notification_templates.empty()) {
    ECAB_TRY_LET(templates, ecab::api::NotificationTemplates::Load(c.notification_templates));
    app_options.notifier.templates =
        std::make_shared<const ecab::api::NotificationTemplates>(std::move(templates).value());
  }
  ECAB_TRY_LET(api, ecab::api::App::Create(store, keys, app_options));
  if (c.ca_key.empty() != c.ca_cert.empty()) {
    return ecab::Error{ecab::ErrorCode::kInvalidArgument, "--ca-key and --ca-cert go together"};
  }
  if (!c.ca_key.empty()) {
    ECAB_TRY_LET(ca, LoadIssuingCa(c.ca_key, c.ca_cert));
    (*api)->AddIssuingCa(*ca);
  }
  ECAB_TRY(AppointPlatformAdmin(c, **api, cabinet.has_value()));
  if (cabinet) {
    // The demo founds its body like any client of POST /v1/bodies: as the platform administrator.
    ECAB_TRY_LET(seeded, ecab::api::SeedCabinet((*api)->commands(), *cabinet,
                                                ecab::api::DemoCabinetSince(), c.platform_admin));
    LogEvent(level::info, {{"msg", "demo body recorded"},
                           {"body", cabinet->body.body},
                           {"people", cabinet->people.size()},
                           {"first_position", seeded->first_position},
                           {"last_position", seeded->last_position}});
    ECAB_TRY_LET(demo, ecab::api::SetUpDemo(**api, *cabinet, c.data_dir / "demo", c.demo_password));
    if (demo->created) {
      LogEvent(level::info,
               {{"msg", "demo set up: CA, signing certificates, a meeting, an issued opinion form"},
                {"people", demo->people},
                {"keys", (c.data_dir / "demo" / "people").string()}});
    }
    // The demo's CA issues the certificates its admin approves.
    ECAB_TRY_LET(
        ca, LoadIssuingCa(c.data_dir / "demo" / "ca.key.pem", c.data_dir / "demo" / "ca.crt.pem"));
    (*api)->AddIssuingCa(*ca);
  }
  return api;
}

// The quick start's reminder of how to log in to the demo.
void PrintDemoBanner(const Config& c, const ecab::api::CabinetFixture& cabinet,
                     const std::string& url) {
  std::fprintf(
      stderr,
      "\n  e-Cabinet API: %s   (self-signed certificate: curl -k, or trust %s)\n"
      "  Web app: %s/   (log in as gov-office-staff-1, pm or auditor-1)\n"
      "  Log in:  curl -k -X POST %s/v1/login -H 'Content-Type: application/json' \\\n"
      "             -d '{\"person\":\"pm\",\"password\":\"%s\"}'\n"
      "  Then:    curl -k -H 'Authorization: Bearer <token>' %s/v1/bodies/%s/meetings/demo-1\n"
      "  Everyone in the demo (pm, deputy-pm-1, …, gov-office-staff-1, auditor-1, archivist-1,\n"
      "  bootstrap = the body's admin, %s = founds bodies: POST /v1/bodies) has that password;\n"
      "  signing keys are in %s\n\n",
      url.c_str(), c.tls_certificate.string().c_str(),
      c.web_root.empty() ? "(not built: cmake --build build --target web)" : url.c_str(),
      url.c_str(), c.demo_password.c_str(), url.c_str(), cabinet.body.body.c_str(),
      c.platform_admin.c_str(), (c.data_dir / "demo" / "people").string().c_str());
  std::fflush(stderr);
}

// Seals every document blob under the active key (after a key rotation).
int ResealDocuments(const Config& c, const std::shared_ptr<const ecab::es::KeyRing>& keys) {
  auto blobs = ecab::es::BlobStore::OpenReadOnly(c.data_dir / "documents", keys);
  if (!blobs.ok()) return Fail(blobs.error());
  std::size_t resealed = 0, kept = 0;
  for (const std::string& hash : (*blobs)->List()) {
    auto done = (*blobs)->Reseal(hash);
    if (!done.ok()) return Fail(done.error());
    ++(*done ? resealed : kept);
  }
  LogEvent(level::info, {{"msg", "document files sealed under the active key"},
                         {"key", keys->active_id()},
                         {"resealed", resealed},
                         {"already", kept}});
  return 0;
}

// Serves until SIGINT or SIGTERM, signing tree heads as the log grows.
int Serve(Config& c, ecab::es::EventStore& store, ecab::es::TreeHeadSigner& signer,
          ecab::api::App& api, const std::optional<ecab::api::CabinetFixture>& cabinet) {
  if (auto s = EnsureTls(c); !s.ok()) return Fail(s.error());
  c.server.certificate_chain = c.tls_certificate;
  c.server.private_key = c.tls_key;
  std::string error;
  auto server = ecab::http::Server::Create(c.server, api, &error);
  if (!server) {
    LogEvent(level::err, {{"msg", "cannot serve"}, {"error", error}});
    return 1;
  }
  api.AttachServer(&server->counters());
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
  LogEvent(level::info, {{"msg", "serving"},
                         {"url", url},
                         {"openapi", url + "/openapi.json"},
                         {"web_root", c.web_root.string()}});
  if (cabinet) PrintDemoBanner(c, *cabinet, url);
  const auto every = std::chrono::seconds(std::max(1, c.tree_head_every));
  auto next_head = std::chrono::steady_clock::now() + every;
  while (!g_stop.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (std::chrono::steady_clock::now() >= next_head) {
      SignTreeHead(store, signer, c);
      next_head = std::chrono::steady_clock::now() + every;
    }
  }
  LogText(level::info, "stopping: no new connections; finishing requests in flight, closing feeds");
  server->Stop();
  api.Shutdown();
  SignTreeHead(store, signer, c);
  LogText(level::info, "stopped");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ecab::api::UseJsonLogs();
  Config c;
  if (auto exit = ParseConfig(argc, argv, c)) return *exit;
  auto keys = LoadOrCreateKeys(c);
  if (!keys.ok()) return Fail(keys.error());
  if (c.reseal_documents) return ResealDocuments(c, *keys);
  auto store = OpenStore(c, *keys);
  if (!store.ok()) return Fail(store.error());
  std::optional<ecab::api::CabinetFixture> cabinet;
  if (!c.demo_cabinet.empty()) {
    auto loaded = ecab::api::LoadCabinetFixture(c.demo_cabinet);
    if (!loaded.ok()) return Fail(loaded.error());
    cabinet = std::move(loaded).value();
  }
  if (c.verify) {
    auto intact = VerifyChain(**store);
    if (!intact.ok()) return Fail(intact.error());
    if (!*intact) return 1;
  }
  auto signer = ecab::es::TreeHeadSigner::LoadOrCreate(c.log_key);
  if (!signer.ok()) return Fail(signer.error());
  auto api = SetUpApp(c, **store, *keys, (*signer)->public_pem(), cabinet);
  if (!api.ok()) return Fail(api.error());
  SignTreeHead(**store, **signer, c);
  if (!c.backup_to.empty()) {
    auto manifest = ecab::api::BackupNode(**api, std::filesystem::absolute(c.backup_to));
    (*api)->Shutdown();
    if (!manifest.ok()) return Fail(manifest.error());
    std::printf("%s\n", manifest->dump(2).c_str());
    return 0;
  }
  if (c.once) {
    (*api)->Shutdown();
    return 0;
  }
  return Serve(c, **store, **signer, **api, cabinet);
}
