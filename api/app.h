// api/app.h — the application behind the HTTPS server: routes, identity,
// authorization, commands, queries, feeds, metrics. Transport-neutral (it
// sees http::Request values), so most tests drive it without sockets and the
// socket tests drive the same object through api/http/server.h.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/http/http.h"
#include "api/http/server.h"
#include "api/mailer.h"
#include "api/notifier.h"
#include "api/pki.h"
#include "api/problems.h"
#include "api/schema.h"
#include "domain/base/context.h"
#include "domain/directory/body.h"
#include "eventstore/blob_store.h"
#include "eventstore/clock.h"
#include "eventstore/event_store.h"
#include "eventstore/tree_head.h"
#include "eventstore/view_store.h"

namespace ecab::api {

struct AppOptions {
  std::filesystem::path data_dir;  // views/, credentials/, documents/ and history/ go here
  std::filesystem::path key_file;  // named (never copied) in backups' BACKUP.json
  std::chrono::seconds token_lifetime{8 * 3600};
  int password_cost = 15;  // scrypt N = 2^cost (r = 8, p = 1)
  std::chrono::milliseconds max_min_position_wait{5'000};
  int login_failures_per_minute = 5;  // per person and address (api/identity.h)
  int hashing_slots = 2;              // scrypt computations at once
  std::string public_key_pem;         // the log's tree-head key, for auditors
  std::filesystem::path web_root;     // the built web app (api/web_assets.h); empty: none
  // The reminder scheduler (api/reminder_scheduler.h) runs every this long on
  // a thread of the App, reading time from `clock`; 0: not at all.
  std::chrono::milliseconds reminders_every{0};
  std::shared_ptr<es::Clock> clock;  // nullptr: the system clock
  // The herald (api/herald.h) and the notification dispatcher
  // (api/notifier.h) run every this long; 0: not at all. The dispatcher
  // delivers by email when `mail.url` is set, by SMS when `sms.url` is.
  MailSettings mail;
  SmsSettings sms;
  std::chrono::milliseconds notify_every{0};
  NotifierOptions notifier;
};

// Who is calling, once the bearer token (or client certificate) is checked.
struct Principal {
  std::string person;
  std::string token_hash;  // empty for certificate logins
};

// What a route handler gets.
struct Call {
  const http::Request& request;
  std::map<std::string, std::string> params;  // from the path pattern
  nlohmann::json body;                        // checked against the route's schema
  std::optional<Principal> principal;
  // For routes under /v1/bodies/{body}: the body as it stands and the role the
  // caller holds in it now (nullopt: none; a substitute names X-On-Behalf-Of).
  std::shared_ptr<const directory::Body> body_state;
  std::optional<Role> role;
  CommandContext ctx;  // actor, role, on_behalf_of, now, command id (Idempotency-Key)
};

struct Route {
  std::string method;
  std::string pattern;  // "/v1/bodies/{body}/meetings/{meeting}"
  std::string tag;
  std::string summary;
  Schema schema{};                   // the request body
  std::vector<std::string> query{};  // accepted query parameters
  bool authenticated = true;
  bool command = false;  // appends events; takes Idempotency-Key
  bool websocket = false;
  std::function<http::Response(Call&)> handle = {};
  // For WebSocket routes: the feed, or nullptr with `refusal` set.
  std::function<std::unique_ptr<http::FeedSource>(Call&, http::Response& refusal)> open_feed = {};
  // For routes that take their body as a stream (uploads): the sink, or the
  // refusal, once the caller is authenticated (api/document_content.cc).
  std::function<std::variant<http::Response, std::unique_ptr<http::BodySink>>(Call&)> open_upload =
      {};
};

class CommandService;
class Projections;
class Identity;
class Metrics;
class FoldCache;
class FeedHub;
class WebAssets;
class ReminderLoop;
class TextExtractor;

class App final : public http::Handler {
 public:
  static Result<std::unique_ptr<App>> Create(es::EventStore& store,
                                             const std::shared_ptr<const es::KeyRing>& keys,
                                             AppOptions options);
  ~App() override;

  http::Response Handle(const http::Request& request) override;
  bool MayBlock(const http::Request& request) const override;
  std::variant<http::Response, std::unique_ptr<http::FeedSource>> OpenFeed(
      const http::Request& request) override;
  void Observe(const http::Request& request, const http::Response& response,
               std::chrono::microseconds latency) override;
  bool Reached(std::uint64_t position) const override;
  bool StreamsBody(const http::Request& header) const override;
  std::variant<http::Response, std::unique_ptr<http::BodySink>> OpenUpload(
      const http::Request& header) override;

  void AttachServer(const http::ServerCounters* counters) { server_counters_ = counters; }
  // Stops the projection thread (before the store closes).
  void Shutdown();

  // Sets `person`'s password (the admin route's work; also the demo's).
  Status SetPassword(const std::string& person, const std::string& password);

  const std::vector<Route>& routes() const { return routes_; }
  nlohmann::json OpenApi() const;

  // Shared with the route files.
  es::EventStore& store() { return store_; }
  const es::ViewStore& views() const;
  CommandService& commands() { return *commands_; }
  Projections& projections() { return *projections_; }
  Identity& identity() { return *identity_; }
  // States folded to the head for the read side's visibility checks.
  FoldCache& latest() { return *latest_; }
  // Documents' files (data_dir/documents) and the extractor of their text.
  es::BlobStore& blobs() { return *blobs_; }
  TextExtractor& extractor() { return *extractor_; }
  // The meeting timelines shared by the feeds (api/feeds.h).
  FeedHub& feeds() { return *feeds_; }
  const AppOptions& options() const { return options_; }
  void Add(Route route) { routes_.push_back(std::move(route)); }
  // The dispatcher's figures, when it runs (for /metrics).
  std::optional<NotifierStats> notifier_stats() const;
  // Waits until the read models include `position` (read-your-writes).
  bool WaitForViews(std::uint64_t position) const;
  // The CAs this node issues signing certificates with (--ca-key/--ca-cert,
  // the demo's): a body's approved requests are issued by the one whose
  // certificate is the body's trust anchor (api/certificate_routes.cc).
  void AddIssuingCa(pki::KeyAndCertificate ca);
  std::optional<pki::KeyAndCertificate> IssuingCaFor(std::string_view anchor_der) const;

 private:
  App(es::EventStore& store, AppOptions options);
  void RegisterSystemRoutes();    // api/system_routes.cc
  void RegisterIdentityRoutes();  // api/identity_routes.cc
  const Route* Match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>& params, bool* path_known) const;
  http::Response Dispatch(const http::Request& request);
  // The caller, the body and their role in it (api/auth.cc); a refusal, or nullopt.
  std::optional<http::Response> Authenticate(Call& call, const Route& route);
  std::optional<http::Response> AwaitPosition(const http::Request& request) const;

  es::EventStore& store_;
  AppOptions options_;
  std::unique_ptr<CommandService> commands_;
  std::unique_ptr<Projections> projections_;
  std::unique_ptr<Identity> identity_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<FoldCache> latest_;
  std::unique_ptr<FeedHub> feeds_;
  std::unique_ptr<WebAssets> web_;           // nullptr: no web app served
  std::unique_ptr<ReminderLoop> reminders_;  // nullptr: no scheduler
  std::unique_ptr<NotifierLoop> notifier_;   // nullptr: no dispatcher
  std::unique_ptr<es::BlobStore> blobs_;
  std::unique_ptr<TextExtractor> extractor_;
  // At start: texts left to extract, orphaned blobs collected (api/text_extractor.h).
  std::thread documents_start_;
  std::atomic<bool> documents_stop_{false};  // set by Shutdown: the start-up scan ends early
  std::vector<Route> routes_;
  mutable std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split at '/'
  mutable std::once_flag patterns_once_;
  const http::ServerCounters* server_counters_ = nullptr;
  mutable std::mutex issuing_mutex_;
  std::vector<pki::KeyAndCertificate> issuing_cas_;
};

// Route registration, one file per side.
void RegisterCommandRoutes(App& app);
void RegisterQueryRoutes(App& app);
void RegisterAuditRoutes(App& app);
// GET …/explanation of resolutions, votes and forms (api/explanation_routes.cc).
void RegisterExplanationRoutes(App& app);
// GET …/analytics of meetings and of the body (api/analytics_routes.cc).
void RegisterAnalyticsRoutes(App& app);

}  // namespace ecab::api
