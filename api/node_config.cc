#include "api/node_config.h"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "api/head_publisher.h"
#include "api/identity.h"
#include "api/log.h"

namespace ecab::api {
namespace {

int Refuse(const Error& e) {
  LogEvent(spdlog::level::err, {{"msg", "cannot start"}, {"error", ToString(e)}});
  return 1;
}

// Environment variables become flags placed before the command line's own, so
// the command line wins over them and they win over the config file. CLI11's
// own envname() is not used: CLI11 2.3 reads the config file first and an
// environment variable only for an option still unset, so the file would win
// over the environment, the opposite of what operators (and containers) expect.
std::vector<std::string> Arguments(int argc, char** argv,
                                   const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> args{argv[0]};
  for (const auto& [flag, var] : env) {
    if (const char* value = std::getenv(var.c_str()); value && *value)
      args.push_back(flag + "=" + value);
  }
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return args;
}

// Declares options: each a flag, an ECAB_* variable (recorded in `env`) and a
// TOML key, written into the Config.
struct Declarer {
  CLI::App& app;
  std::vector<std::pair<std::string, std::string>>& env;

  // "--smtp-url" -> "ECAB_SMTP_URL", recorded for Arguments().
  std::string Variable(const std::string& name) {
    std::string var = "ECAB_";
    for (char ch : name.substr(2))
      var.push_back(ch == '-' ? '_' : static_cast<char>(std::toupper(ch)));
    env.emplace_back(name, var);
    return var;
  }
  template <class T>
  CLI::Option* Opt(const std::string& name, T& target, const std::string& help) {
    const std::string var = Variable(name);
    return app.add_option(name, target, help + " [env " + var + "]")->capture_default_str();
  }
  CLI::Option* Flag(const std::string& name, bool& target, const std::string& help) {
    const std::string var = Variable(name);
    return app.add_flag(name, target, help + " [env " + var + "]")->capture_default_str();
  }
};

// The store, its keys and witnesses, the demo, the certificate authority.
void DeclareStorageOptions(Declarer& d, Config& c) {
  d.Opt("--data-dir", c.data_dir, "directory for the store, read models, credentials and keys");
  d.Opt("--key-file", c.key_file, "at-rest key file (default: <data-dir>/keys)");
  d.Opt("--backup-to", c.backup_to,
        "make a consistent backup of the data directory into this new directory and exit "
        "(while the node runs: POST /v1/platform/backups)");
  d.Flag("--reseal-documents", c.reseal_documents,
         "seal every stored document file again under the key file's active key, then exit");
  d.Opt("--log-key", c.log_key,
        "Ed25519 key signing tree heads (default: <data-dir>/log-key.pem; created if missing)");
  d.Opt("--tree-head-every", c.tree_head_every, "seconds between signed tree heads");
  d.Opt(
      "--witness", c.witness,
      "append-only file witnessing every signed tree head (default: <data-dir>/tree-heads.jsonl)");
  d.Opt("--witness-url", c.witness_url,
        "also POST every signed tree head to this HTTPS URL (an outside witness)");
  d.Opt("--witness-ca", c.witness_ca,
        "CA certificate (PEM) the outside witness's certificate must chain to")
      ->check(CLI::ExistingFile);
  d.Flag(
      "--salvage", c.salvage,
      "open a damaged store keeping the intact prefix of its log, and record the loss as an event "
      "(docs/OPERATIONS.md; only after a backup was found unusable)");
  d.Opt("--demo-cabinet", c.demo_cabinet,
        "record this body fixture (JSON) and the demo around it, if not yet recorded")
      ->check(CLI::ExistingFile);
  d.Opt("--demo-password", c.demo_password, "the password the demo gives everyone");
  d.Opt("--ca-key", c.ca_key,
        "private key (PEM) of a CA that issues the signing certificates of the bodies whose trust "
        "anchor it is, "
        "when their admin approves a request (default: none; the demo's CA in a demo)")
      ->check(CLI::ExistingFile);
  d.Opt("--ca-cert", c.ca_cert, "that CA's certificate (PEM)")->check(CLI::ExistingFile);
}

// Email and SMS notifications.
void DeclareNotificationOptions(Declarer& d, Config& c) {
  d.Opt("--smtp-url", c.smtp_url,
        "SMTP relay for email notifications: smtp://host:587 (STARTTLS) or smtps://host:465 "
        "(default: no email)");
  d.Opt("--smtp-user", c.smtp_user, "SMTP AUTH user");
  d.Opt("--smtp-password", c.smtp_password,
        "SMTP AUTH password (prefer the environment or the config file)");
  d.Opt("--smtp-from", c.smtp_from, "the From of notification emails");
  d.Opt("--smtp-ca", c.smtp_ca,
        "CA certificate (PEM) the relay's certificate must chain to (default: the system's)")
      ->check(CLI::ExistingFile);
  d.Opt("--smtp-starttls", c.smtp_starttls,
        "smtp:// only: require STARTTLS (false sends in clear: a local relay only)");
  d.Opt("--notify-every-ms", c.notify_every_ms,
        "how often the notification dispatcher looks for due deliveries")
      ->check(CLI::Range(50L, 3'600'000L));
  d.Opt("--sms-url", c.sms_url,
        "SMS gateway (HTTP or HTTPS) for text notifications (default: no SMS)");
  d.Opt("--sms-method", c.sms_method, "the gateway's HTTP method");
  d.Opt("--sms-header", c.sms_headers,
        "a header of every gateway request, 'Name: value' ({{token}} is --sms-token); repeatable "
        "(default: Content-Type: application/json)");
  d.Opt("--sms-body", c.sms_body,
        "the gateway request's body: {{to}} (E.164), {{text}}, {{id}} (idempotency key), "
        "JSON-escaped when the "
        "Content-Type is JSON, else URL-encoded");
  d.Opt(
      "--sms-token", c.sms_token,
      "the gateway's secret, for {{token}} in headers (prefer the environment or the config file)");
  d.Opt("--sms-ca", c.sms_ca,
        "CA certificate (PEM) the gateway's certificate must chain to (default: the system's)")
      ->check(CLI::ExistingFile);
  d.Flag("--sms-ascii", c.sms_ascii,
         "send every SMS without diacritics (GSM-7: 160 characters a segment, not 70)");
  d.Opt("--email-per-second", c.email_per_second, "at most this many emails a second (0: no limit)")
      ->check(CLI::Range(0.0, 100000.0));
  d.Opt("--sms-per-second", c.sms_per_second, "at most this many SMS a second (0: no limit)")
      ->check(CLI::Range(0.0, 100000.0));
  d.Opt("--notify-connections", c.notify_connections,
        "notifications sent at once (connections per provider)")
      ->check(CLI::Range(1u, 64u));
  d.Opt("--notification-templates", c.notification_templates,
        "directory of <kind>.<vi|en>.txt templates replacing the built-in ones "
        "(api/templates/notifications)")
      ->check(CLI::ExistingDirectory);
}

// Serving: address, TLS, the web app, threads, limits and timeouts.
void DeclareServerOptions(Declarer& d, Config& c) {
  d.Opt("--public-url", c.public_url,
        "this node's address as people reach it, for links in messages");
  d.Flag("--verify", c.verify, "verify the whole hash chain at start");
  d.Flag("--once", c.once, "set up, report and exit instead of serving");
  d.Opt("--listen", c.listen, "address to listen on");
  d.Opt("--port", c.port, "HTTPS port (0: any free port)")->check(CLI::Range(0, 65535));
  d.Opt("--tls-certificate", c.tls_certificate,
        "PEM certificate chain (default: generated self-signed under <data-dir>/tls)");
  d.Opt("--tls-key", c.tls_key, "PEM private key of the certificate");
  d.Opt("--web-root", c.web_root,
        "the built web app to serve at / (default: ../web/dist beside ecabinetd when built; "
        "'none': no web app)");
  d.Flag("--client-certificates", c.client_certificates,
         "ask TLS clients for a certificate (login by certificate)");
  d.Opt("--io-threads", c.server.io_threads, "threads running the network loop")
      ->check(CLI::Range(1, 256));
  d.Opt("--worker-threads", c.server.worker_threads,
        "threads running requests (they may wait on storage)")
      ->check(CLI::Range(1, 1024));
  d.Opt("--max-header-bytes", c.server.max_header_bytes,
        "largest request header accepted (431 beyond)");
  d.Opt("--max-body-bytes", c.server.max_body_bytes, "largest request body accepted (413 beyond)");
  d.Opt("--max-upload-bytes", c.server.max_upload_bytes,
        "largest document file accepted by PUT …/content (413 beyond)");
  d.Opt("--read-timeout-ms", c.read_timeout_ms,
        "time to receive a request once it started (and the TLS handshake)");
  d.Opt("--idle-timeout-ms", c.idle_timeout_ms,
        "how long a kept-alive connection may wait for its next request");
  d.Opt("--rate-per-second", c.server.rate_per_second,
        "requests per second per client address (0: no limit; 429 beyond)");
  d.Opt("--rate-burst", c.server.rate_burst,
        "requests a client may send at once before the rate applies");
  d.Opt("--max-websockets", c.server.max_websockets, "open WebSocket feeds at most");
  d.Opt("--max-connections", c.server.max_connections,
        "open connections at most (more are closed as accepted)");
  d.Opt("--max-connections-per-address", c.server.max_connections_per_address,
        "open connections per client address");
  d.Opt("--max-waits-per-address", c.server.max_waits_per_address,
        "requests per client address waiting for the read models (min_position; 429 beyond)");
  d.Opt("--max-feed-queue-bytes", c.server.max_feed_queue_bytes,
        "bytes a feed client may leave unread before its feed pauses");
  d.Opt("--slow-feed-grace-ms", c.slow_feed_grace_ms,
        "a feed paused that long is closed with 1008");
  d.Opt("--feed-idle-timeout-ms", c.feed_idle_timeout_ms,
        "a feed client that answers nothing, not even a ping, for that long is cut")
      ->check(CLI::Range(1'000L, 86'400'000L));
  d.Opt("--linger-ms", c.linger_ms,
        "after refusing a request, how long to read what the client still sends");
}

// Logins, passwords, the scheduler and the platform's administrator.
void DeclareIdentityOptions(Declarer& d, Config& c) {
  d.Opt("--token-hours", c.token_hours, "lifetime of a bearer token")
      ->check(CLI::Range(1L, 24L * 30));
  d.Opt("--reminders-every", c.reminders_every,
        "seconds between runs of the reminder scheduler (reminders before deadlines, overdue "
        "warnings); 0: off")
      ->check(CLI::Range(0L, 86'400L));
  d.Opt("--password-cost", c.password_cost, "scrypt cost: N = 2^cost (memory 2^cost KiB per hash)")
      ->check(CLI::Range(kMinPasswordCost, kMaxPasswordCost));
  d.Opt("--login-hash-slots", c.hashing_slots,
        "password hashes computed at once (429 beyond, after 2 s)")
      ->check(CLI::Range(1, 64));
  d.Opt("--login-failures-per-minute", c.login_failures,
        "failed logins per person and address before 429")
      ->check(CLI::Range(1, 1000));
  d.Opt("--platform-admin", c.platform_admin,
        "the platform administrator appointed at first start (founds bodies)");
  d.Opt("--platform-admin-password", c.platform_admin_password,
        "their first password (default: the demo's in a demo, else random, written to "
        "<data-dir>/platform-admin.password)");
}

// Declares every option (flag, ECAB_* variable, TOML key) into `c`; `env`
// gets each flag's variable.
void DeclareOptions(CLI::App& app, Config& c,
                    std::vector<std::pair<std::string, std::string>>& env) {
  Declarer d{app, env};
  DeclareStorageOptions(d, c);
  DeclareNotificationOptions(d, c);
  DeclareServerOptions(d, c);
  DeclareIdentityOptions(d, c);
}

}  // namespace

std::optional<int> ParseConfig(int argc, char** argv, Config& c) {
  CLI::App app{
      "ecabinetd: the e-Cabinet node (event store, read models, HTTPS/WebSocket API).\n"
      "Precedence: flags > ECAB_* environment variables > --config TOML file > defaults."};
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_config("--config", "", "TOML configuration file (keys are the long option names)");
  std::vector<std::pair<std::string, std::string>> env;
  DeclareOptions(app, c, env);
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
    if (auto url = ParseWitnessUrl(c.witness_url); !url.ok()) return Refuse(url.error());
    if (c.witness_ca.empty()) {
      return Refuse(MakeError(ErrorCode::kInvalidArgument, "--witness-url needs --witness-ca"));
    }
  }
  if (c.web_root.empty()) {
    std::error_code ec;
    const auto beside =
        std::filesystem::canonical("/proc/self/exe", ec).parent_path().parent_path() / "web" /
        "dist";
    if (!ec && std::filesystem::is_regular_file(beside / "index.html", ec)) c.web_root = beside;
  } else if (c.web_root == "none") {
    c.web_root.clear();
  }
  c.server.address = c.listen;
  c.server.port = static_cast<std::uint16_t>(c.port);
  c.server.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  c.server.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  c.server.slow_feed_grace = std::chrono::milliseconds(c.slow_feed_grace_ms);
  c.server.feed_idle_timeout = std::chrono::milliseconds(c.feed_idle_timeout_ms);
  c.server.linger = std::chrono::milliseconds(c.linger_ms);
  c.server.request_client_certificates = c.client_certificates;
  return std::nullopt;
}

}  // namespace ecab::api
