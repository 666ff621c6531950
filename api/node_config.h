// api/node_config.h — ecabinetd's configuration: every option is a flag, an
// ECAB_<NAME> environment variable and a key of the TOML file given with
// --config; flags win over the environment, which wins over the file
// (docs/OPERATIONS.md, "Configuration").
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "api/http/server.h"

namespace ecab::api {

struct Config {
  std::filesystem::path data_dir = "var/ecabinet";
  std::filesystem::path key_file;   // default: <data-dir>/keys
  std::filesystem::path backup_to;  // set: back the node's data up there and exit
  bool reseal_documents = false;    // seal every document blob under the active key, exit
  std::filesystem::path log_key;    // default: <data-dir>/log-key.pem
  int tree_head_every = 60;         // seconds
  std::filesystem::path witness;    // default: <data-dir>/tree-heads.jsonl
  std::string witness_url;          // optional outside witness (HTTPS)
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
  // A CA this node issues signing certificates with, for bodies that trust it
  // (certificate requests approved over the API); the demo's CA in a demo.
  std::filesystem::path ca_key;
  std::filesystem::path ca_cert;
  // Email notifications (api/mailer.h): none unless --smtp-url.
  std::string smtp_url;
  std::string smtp_user;
  std::string smtp_password;  // from the config file or ECAB_SMTP_PASSWORD; never logged
  std::string smtp_from = "e-Cabinet <no-reply@ecabinet.invalid>";
  std::filesystem::path smtp_ca;
  bool smtp_starttls = true;
  long notify_every_ms = 2'000;
  // SMS through an HTTP gateway (api/sms_gateway.h): none unless --sms-url.
  std::string sms_url;
  std::string sms_method = "POST";
  std::vector<std::string> sms_headers;
  std::string sms_body = R"({"to":"{{to}}","text":"{{text}}","id":"{{id}}"})";
  std::string sms_token;  // from the config file or ECAB_SMS_TOKEN; never logged
  std::filesystem::path sms_ca;
  bool sms_ascii = false;
  double email_per_second = 0;
  double sms_per_second = 0;
  unsigned notify_connections = 4;
  std::filesystem::path notification_templates;  // empty: the built-in ones
  std::string public_url;                        // for links in messages; default: none
  // The built web app: default <dir of ecabinetd>/../web/dist when it holds an
  // index.html (the build puts it there), "none" to serve no web app.
  std::filesystem::path web_root;
  http::ServerOptions server;
  long read_timeout_ms = 10'000;
  long idle_timeout_ms = 60'000;
  long slow_feed_grace_ms = 10'000;
  long feed_idle_timeout_ms = 300'000;
  long linger_ms = 2'000;
  long token_hours = 8;
  long reminders_every = 60;  // seconds; 0: the scheduler does not run in this process
  int password_cost = 15;
  int hashing_slots = 2;
  int login_failures = 5;
  std::string platform_admin = "platform-admin";
  std::string platform_admin_password;  // default: the demo's, else random (written to a file)
};

// Parses the command line, environment and TOML file into `c` and fills the
// defaults derived from it; an exit code when the process is to stop
// (--help, or a bad option, reported on stderr).
std::optional<int> ParseConfig(int argc, char** argv, Config& c);

}  // namespace ecab::api
