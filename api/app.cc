#include "api/app.h"

#include <set>

#include "api/command/command_service.h"
#include "api/document_content.h"
#include "api/feeds.h"
#include "api/herald.h"
#include "api/identity.h"
#include "api/log.h"
#include "api/metrics.h"
#include "api/platform.h"
#include "api/read_models.h"
#include "api/reminder_scheduler.h"
#include "api/request_checks.h"
#include "api/text_extractor.h"
#include "api/visibility.h"
#include "api/web_assets.h"
#include "domain/reminders/reminders.h"

namespace ecab::api {
namespace {

using nlohmann::json;

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

App::App(es::EventStore& store, AppOptions options) : store_(store), options_(std::move(options)) {}

App::~App() { Shutdown(); }

void App::Shutdown() {
  if (reminders_) reminders_->Stop();  // it waits on the read models: stop it first
  if (notifier_) notifier_->Stop();
  documents_stop_ = true;  // a scan of a long log ends at its next batch
  if (documents_start_.joinable()) documents_start_.join();
  extractor_.reset();  // finishes the text in hand, appends nothing after
  if (projections_) projections_->Stop();
}

const es::ViewStore& App::views() const { return projections_->views(); }

bool App::Reached(std::uint64_t position) const { return projections_->position() >= position; }

std::optional<NotifierStats> App::notifier_stats() const {
  if (!notifier_) return std::nullopt;
  return notifier_->stats();  // nullopt without a dispatcher
}

bool App::WaitForViews(std::uint64_t position) const {
  return projections_->WaitFor(position, options_.max_min_position_wait);
}

Status App::SetPassword(const std::string& person, const std::string& password) {
  return identity_->SetPassword(person, password);
}

Result<std::unique_ptr<App>> App::Create(es::EventStore& store,
                                         const std::shared_ptr<const es::KeyRing>& keys,
                                         AppOptions options) {
  std::unique_ptr<App> app(new App(store, std::move(options)));
  app->commands_ = std::make_unique<CommandService>(store);
  ECAB_TRY_LET(projections, Projections::Open(store, app->options_.data_dir / "views", keys));
  app->projections_ = std::move(projections).value();
  ECAB_TRY_LET(identity, Identity::Open(app->options_.data_dir / "credentials", keys,
                                        IdentityOptions{app->options_.password_cost,
                                                        app->options_.token_lifetime,
                                                        app->options_.login_failures_per_minute,
                                                        app->options_.hashing_slots}));
  app->identity_ = std::move(identity).value();
  app->metrics_ = std::make_unique<Metrics>();
  app->latest_ = std::make_unique<FoldCache>(store);
  app->feeds_ = std::make_unique<FeedHub>(store);
  if (!app->options_.web_root.empty()) {
    ECAB_TRY_LET(web, WebAssets::Load(app->options_.web_root));
    app->web_ = std::make_unique<WebAssets>(std::move(web).value());
  }
  if (app->options_.reminders_every.count() > 0) {
    if (!app->options_.clock) app->options_.clock = std::make_shared<es::SystemClock>();
    app->reminders_ = std::make_unique<ReminderLoop>(
        std::make_unique<ReminderScheduler>(*app->commands_, app->projections_->views(),
                                            app->projections_->runner(), *app->options_.clock,
                                            std::string(reminders::kSchedulerActor)),
        app->options_.reminders_every);
  }
  if (app->options_.notify_every.count() > 0) {
    if (!app->options_.clock) app->options_.clock = std::make_shared<es::SystemClock>();
    std::unique_ptr<Notifier> dispatcher;
    if (!app->options_.mail.url.empty() || !app->options_.sms.url.empty()) {
      dispatcher = std::make_unique<Notifier>(store, *app->commands_, Mailer(app->options_.mail),
                                              SmsGateway(app->options_.sms), *app->options_.clock,
                                              app->options_.notifier);
    }
    app->notifier_ = std::make_unique<NotifierLoop>(
        std::make_unique<Herald>(store, *app->commands_, *app->options_.clock),
        std::move(dispatcher), app->options_.notify_every);
  }
  ECAB_TRY_LET(blobs, es::BlobStore::Open(app->options_.data_dir / "documents", keys));
  app->blobs_ = std::move(blobs).value();
  app->extractor_ = std::make_unique<TextExtractor>(*app->blobs_, *app->commands_);
  app->documents_start_ =
      std::thread([raw = app.get(), started = std::filesystem::file_time_type::clock::now()] {
        // Texts a stopped node never extracted, and blobs no event refers to
        // (an upload cut off or refused, a crash before the event): stored
        // before this start, so no upload of this process is touched.
        auto found = ScanDocuments(raw->store_, &raw->documents_stop_);
        if (!found.ok()) {
          if (found.error().code != ErrorCode::kShutDown) {
            LogEvent(spdlog::level::err,
                     {{"msg", "documents scan failed"}, {"error", ToString(found.error())}});
          }
          return;
        }
        for (auto& job : found->unextracted) raw->extractor_->Enqueue(std::move(job));
        auto removed = raw->blobs_->Collect(found->referenced, started);
        if (!removed.ok()) {
          LogEvent(spdlog::level::err,
                   {{"msg", "orphan collection failed"}, {"error", ToString(removed.error())}});
        } else if (*removed > 0) {
          LogEvent(spdlog::level::info,
                   {{"msg", "orphaned document content removed"}, {"blobs", *removed}});
        }
      });
  app->RegisterSystemRoutes();
  app->RegisterIdentityRoutes();
  RegisterDocumentContentRoutes(*app);
  RegisterCommandRoutes(*app);
  RegisterPlatformRoutes(*app);
  RegisterQueryRoutes(*app);
  RegisterAuditRoutes(*app);
  RegisterExplanationRoutes(*app);
  RegisterAnalyticsRoutes(*app);
  return app;
}

const Route* App::Match(const std::string& method, const std::string& path,
                        std::map<std::string, std::string>& params, bool* path_known) const {
  *path_known = false;
  if (path.empty() || path[0] != '/') return nullptr;
  std::call_once(patterns_once_, [&] {
    for (const Route& r : routes_) patterns_.push_back(Split(r.pattern));
  });
  const auto parts = Split(path);
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const Route& route = routes_[index];
    const auto& pattern = patterns_[index];
    if (pattern.size() != parts.size()) continue;
    std::map<std::string, std::string> found;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      if (pattern[i].size() > 2 && pattern[i].front() == '{') {
        if (parts[i].empty()) ok = false;
        found[pattern[i].substr(1, pattern[i].size() - 2)] = parts[i];
      } else {
        ok = pattern[i] == parts[i];
      }
    }
    if (!ok) continue;
    *path_known = true;
    // HEAD is answered by every GET route (the server sends the header only).
    const bool head_of_get = method == "HEAD" && route.method == "GET" && !route.websocket;
    if (route.method != method && !head_of_get) continue;
    params = std::move(found);
    return &route;
  }
  return nullptr;
}

bool App::MayBlock(const http::Request& request) const {
  // Writes (group commits, password hashing), waits for the read models, and
  // whole-log work go to the worker pool; other reads are answered in place.
  return request.method != "GET" || request.query.contains("as_of") ||
         request.path.ends_with("/content") || request.path.ends_with("/export") ||
         request.path.ends_with("/explanation") || request.path.ends_with("/analytics") ||
         request.path.find("/log") != std::string::npos;
}

http::Response App::Handle(const http::Request& request) {
  http::Response response = Dispatch(request);
  if (response.route.empty()) {
    std::map<std::string, std::string> params;
    bool known = false;
    const Route* route = Match(request.method, request.path, params, &known);
    response.route = route ? route->pattern : (known ? "(method not allowed)" : "(unmatched)");
  }
  return response;
}

http::Response App::Dispatch(const http::Request& request) {
  Call call{request, {}, json::object(), std::nullopt, nullptr, std::nullopt, CommandContext{}};
  bool path_known = false;
  const Route* route = Match(request.method, request.path, call.params, &path_known);
  if (!route) {
    if (path_known)
      return ProblemResponse(405, "method-not-allowed", "Method not allowed",
                             request.method + " is not allowed on " + request.path);
    // Everything outside the API's own paths may be the web app.
    if (web_ && (request.method == "GET" || request.method == "HEAD") &&
        !request.path.starts_with("/v1/")) {
      if (auto page = web_->Serve(request)) return std::move(*page);
    }
    return ProblemResponse(404, "not-found", "Not found", "no route for " + request.path);
  }
  if (auto bad = BadPathId(call.params)) return *bad;
  if (route->websocket) {
    return ProblemResponse(426, "upgrade-required", "WebSocket upgrade required",
                           request.path + " is a WebSocket feed");
  }
  try {
    if (auto refused = Authenticate(call, *route)) return *refused;
    if (auto refused = UnknownQueryParameter(request, *route)) return *refused;
    if (auto refused = AwaitPosition(request)) return *refused;
    if (route->open_upload) {  // a body read whole (in-process callers): the same sink
      auto opened = route->open_upload(call);
      if (auto* r = std::get_if<http::Response>(&opened)) return std::move(*r);
      auto& sink = std::get<std::unique_ptr<http::BodySink>>(opened);
      std::optional<http::Response> stopped = sink->Take(request.body);
      http::Response response = stopped ? std::move(*stopped) : sink->Finish();
      response.route = route->pattern;
      return response;
    }
    if (auto refused = ReadJsonBody(call, *route)) return *refused;
    if (route->command) {
      if (auto refused = IdentifyCommand(call, *route)) return *refused;
    }
    http::Response response = route->handle(call);
    response.route = route->pattern;
    return response;
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::err, {{"msg", "unhandled exception"},
                                  {"request_id", request.request_id},
                                  {"what", std::string(e.what()).substr(0, 200)}});
    return ProblemResponse(500, "internal", "Internal error",
                           "the server could not complete the request");
  }
}

bool App::StreamsBody(const http::Request& header) const {
  std::map<std::string, std::string> params;
  bool known = false;
  const Route* route = Match(header.method, header.path, params, &known);
  return route != nullptr && static_cast<bool>(route->open_upload);
}

std::variant<http::Response, std::unique_ptr<http::BodySink>> App::OpenUpload(
    const http::Request& header) {
  Call call{header, {}, json::object(), std::nullopt, nullptr, std::nullopt, CommandContext{}};
  bool path_known = false;
  const Route* route = Match(header.method, header.path, call.params, &path_known);
  auto refused = [&](http::Response r) {  // the server observes it once written
    r.route = route ? route->pattern : "(unmatched)";
    return r;
  };
  if (!route || !route->open_upload) {
    return refused(ProblemResponse(404, "not-found", "Not found", "no route for " + header.path));
  }
  if (auto bad = BadPathId(call.params)) return refused(*bad);
  try {
    if (auto no = Authenticate(call, *route)) return refused(*no);
    if (auto no = UnknownQueryParameter(header, *route)) return refused(*no);
    auto opened = route->open_upload(call);
    if (auto* r = std::get_if<http::Response>(&opened)) return refused(std::move(*r));
    return opened;
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::err, {{"msg", "unhandled exception"},
                                  {"request_id", header.request_id},
                                  {"what", std::string(e.what()).substr(0, 200)}});
    return refused(ProblemResponse(500, "internal", "Internal error",
                                   "the server could not complete the request"));
  }
}

// min_position: 422 beyond the log's head; when the read models have not
// reached it, a response asking the server to wait (it calls again), or 503
// once it has waited.
std::optional<http::Response> App::AwaitPosition(const http::Request& request) const {
  auto it = request.query.find("min_position");
  if (it == request.query.end()) return std::nullopt;
  const auto min = ParseCount(it->second);
  if (!min) {
    return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                           "min_position must be a non-negative integer",
                           {{"parameter", "min_position"}});
  }
  if (*min > store_.head_position()) {
    return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                           "min_position " + it->second + " is beyond the log's head (" +
                               std::to_string(store_.head_position()) +
                               "): no such position was written",
                           {{"parameter", "min_position"}});
  }
  if (!Reached(*min)) {
    if (!request.waited) {  // the server waits on a timer, then calls again
      http::Response wait;
      wait.wait_for_position = *min;
      wait.wait_limit = options_.max_min_position_wait;
      return wait;
    }
    auto r = ProblemResponse(503, "views-behind", "Read models behind",
                             "the read models did not reach position " + it->second + " in time");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  return std::nullopt;
}

std::variant<http::Response, std::unique_ptr<http::FeedSource>> App::OpenFeed(
    const http::Request& request) {
  Call call{request, {}, json::object(), std::nullopt, nullptr, std::nullopt, CommandContext{}};
  bool path_known = false;
  const Route* route = Match(request.method, request.path, call.params, &path_known);
  if (!route || !route->websocket) {
    return ProblemResponse(404, "not-found", "Not found", "no WebSocket feed at " + request.path);
  }
  if (auto bad = BadPathId(call.params)) return std::move(*bad);
  try {
    if (auto refused = Authenticate(call, *route)) return std::move(*refused);
    http::Response refusal;
    auto feed = route->open_feed(call, refusal);
    if (!feed) return refusal;
    return feed;
  } catch (const std::exception& e) {
    LogEvent(spdlog::level::err,
             {{"msg", "feed failed"}, {"request_id", request.request_id}, {"what", e.what()}});
    return ProblemResponse(500, "internal", "Internal error", "the feed could not be opened");
  }
}

void App::Observe(const http::Request& request, const http::Response& response,
                  std::chrono::microseconds latency) {
  std::string name = response.route;
  if (name.empty()) {  // refused by the server itself (limits, upgrades)
    std::map<std::string, std::string> params;
    bool known = false;
    const Route* route = Match(request.method, request.path, params, &known);
    name = route ? route->pattern : (known ? "(method not allowed)" : "(unmatched)");
  }
  const double seconds = static_cast<double>(latency.count()) / 1e6;
  // Label values from closed sets only: a made-up method is "other".
  static const std::set<std::string, std::less<>> kMethods = {"GET",    "HEAD",  "POST",   "PUT",
                                                              "DELETE", "PATCH", "OPTIONS"};
  const std::string method = kMethods.contains(request.method) ? request.method : "other";
  metrics_->Request(method, name, response.status, seconds);
  // One JSON line per request; no tokens, bodies or query values.
  LogEvent(spdlog::level::info, {{"msg", "request"},
                                 {"request_id", request.request_id},
                                 {"client_request_id", request.client_request_id},
                                 {"method", method},
                                 {"route", name},
                                 {"status", response.status},
                                 {"latency_ms", static_cast<double>(latency.count()) / 1000.0},
                                 {"peer", request.peer},
                                 {"bytes", response.body.size()}});
}

}  // namespace ecab::api
