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
// the command line wins over them and they win over the config file.
std::vector<std::string> Arguments(int argc, char** argv, const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> args{argv[0]};
  for (const auto& [flag, var] : env) {
    if (const char* value = std::getenv(var.c_str()); value && *value) args.push_back(flag + "=" + value);
  }
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return args;
}

// Declares every option (flag, ECAB_* variable, TOML key) into `c`; `env`
// gets each flag's variable.
void DeclareOptions(CLI::App& app, Config& c, std::vector<std::pair<std::string, std::string>>& env) {
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
  opt("--ca-key", c.ca_key,
      "private key (PEM) of a CA that issues the signing certificates of the bodies whose trust anchor it is, "
      "when their admin approves a request (default: none; the demo's CA in a demo)")
      ->check(CLI::ExistingFile);
  opt("--ca-cert", c.ca_cert, "that CA's certificate (PEM)")->check(CLI::ExistingFile);
  opt("--smtp-url", c.smtp_url,
      "SMTP relay for email notifications: smtp://host:587 (STARTTLS) or smtps://host:465 (default: no email)");
  opt("--smtp-user", c.smtp_user, "SMTP AUTH user");
  opt("--smtp-password", c.smtp_password, "SMTP AUTH password (prefer the environment or the config file)");
  opt("--smtp-from", c.smtp_from, "the From of notification emails");
  opt("--smtp-ca", c.smtp_ca, "CA certificate (PEM) the relay's certificate must chain to (default: the system's)")
      ->check(CLI::ExistingFile);
  opt("--smtp-starttls", c.smtp_starttls, "smtp:// only: require STARTTLS (false sends in clear: a local relay only)");
  opt("--notify-every-ms", c.notify_every_ms, "how often the notification dispatcher looks for due deliveries")
      ->check(CLI::Range(50L, 3'600'000L));
  opt("--sms-url", c.sms_url, "SMS gateway (HTTP or HTTPS) for text notifications (default: no SMS)");
  opt("--sms-method", c.sms_method, "the gateway's HTTP method");
  opt("--sms-header", c.sms_headers,
      "a header of every gateway request, 'Name: value' ({{token}} is --sms-token); repeatable "
      "(default: Content-Type: application/json)");
  opt("--sms-body", c.sms_body,
      "the gateway request's body: {{to}} (E.164), {{text}}, {{id}} (idempotency key), JSON-escaped when the "
      "Content-Type is JSON, else URL-encoded");
  opt("--sms-token", c.sms_token, "the gateway's secret, for {{token}} in headers (prefer the environment or the config file)");
  opt("--sms-ca", c.sms_ca, "CA certificate (PEM) the gateway's certificate must chain to (default: the system's)")
      ->check(CLI::ExistingFile);
  flag("--sms-ascii", c.sms_ascii, "send every SMS without diacritics (GSM-7: 160 characters a segment, not 70)");
  opt("--email-per-second", c.email_per_second, "at most this many emails a second (0: no limit)")
      ->check(CLI::Range(0.0, 100000.0));
  opt("--sms-per-second", c.sms_per_second, "at most this many SMS a second (0: no limit)")->check(CLI::Range(0.0, 100000.0));
  opt("--notify-connections", c.notify_connections, "notifications sent at once (connections per provider)")
      ->check(CLI::Range(1u, 64u));
  opt("--notification-templates", c.notification_templates,
      "directory of <kind>.<vi|en>.txt templates replacing the built-in ones (api/templates/notifications)")
      ->check(CLI::ExistingDirectory);
  opt("--public-url", c.public_url, "this node's address as people reach it, for links in messages");
  flag("--verify", c.verify, "verify the whole hash chain at start");
  flag("--once", c.once, "set up, report and exit instead of serving");
  opt("--listen", c.listen, "address to listen on");
  opt("--port", c.port, "HTTPS port (0: any free port)")->check(CLI::Range(0, 65535));
  opt("--tls-certificate", c.tls_certificate, "PEM certificate chain (default: generated self-signed under <data-dir>/tls)");
  opt("--tls-key", c.tls_key, "PEM private key of the certificate");
  opt("--web-root", c.web_root,
      "the built web app to serve at / (default: ../web/dist beside ecabinetd when built; 'none': no web app)");
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
  opt("--reminders-every", c.reminders_every,
      "seconds between runs of the reminder scheduler (reminders before deadlines, overdue warnings); 0: off")
      ->check(CLI::Range(0L, 86'400L));
  opt("--password-cost", c.password_cost, "scrypt cost: N = 2^cost (memory 2^cost KiB per hash)")
      ->check(CLI::Range(kMinPasswordCost, kMaxPasswordCost));
  opt("--login-hash-slots", c.hashing_slots, "password hashes computed at once (429 beyond, after 2 s)")
      ->check(CLI::Range(1, 64));
  opt("--login-failures-per-minute", c.login_failures, "failed logins per person and address before 429")
      ->check(CLI::Range(1, 1000));
  opt("--platform-admin", c.platform_admin, "the platform administrator appointed at first start (founds bodies)");
  opt("--platform-admin-password", c.platform_admin_password,
      "their first password (default: the demo's in a demo, else random, written to <data-dir>/platform-admin.password)");
}

}  // namespace

std::optional<int> ParseConfig(int argc, char** argv, Config& c) {
  CLI::App app{"ecabinetd: the e-Cabinet node (event store, read models, HTTPS/WebSocket API).\n"
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
    const auto beside = std::filesystem::canonical("/proc/self/exe", ec).parent_path().parent_path() / "web" / "dist";
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
