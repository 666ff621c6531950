// The system routes: liveness, readiness, Prometheus metrics, the OpenAPI document.
#include "api/app.h"
#include "api/metrics.h"
#include "api/read_models.h"

namespace ecab::api {

using nlohmann::json;

void App::RegisterSystemRoutes() {
  Add({.method = "GET",
       .pattern = "/healthz",
       .tag = "system",
       .summary = "Liveness: the process answers.",
       .authenticated = false,
       .handle = [](Call&) {
         return Json(200, {{"status", "ok"}});
       }});
  Add({.method = "GET",
       .pattern = "/readyz",
       .tag = "system",
       .summary = "Readiness: the read models follow the log without error.",
       .authenticated = false,
       .handle = [this](Call&) {
         const std::uint64_t head = store_.head_position(), projected = projections_->position();
         if (auto e = projections_->error()) {
           return ProblemResponse(503, "not-ready", "Not ready",
                                  "read models stopped: " + ToString(*e));
         }
         if (head > projected + 10'000) {
           return ProblemResponse(
               503, "not-ready", "Not ready",
               "read models are " + std::to_string(head - projected) + " events behind");
         }
         return Json(
             200,
             {{"status", "ready"}, {"head_position", head}, {"projected_position", projected}});
       }});
  Add({.method = "GET",
       .pattern = "/metrics",
       .tag = "system",
       .summary = "Prometheus metrics (text format 0.0.4).",
       .authenticated = false,
       .handle = [this](Call&) {
         http::Response r;
         r.content_type = "text/plain; version=0.0.4";
         r.body = metrics_->Render(store_.head_position(), projections_->position(),
                                   server_counters_ ? server_counters_->open_websockets.load() : 0,
                                   server_counters_ ? server_counters_->connections.load() : 0);
         if (auto n = notifier_stats()) {
           r.body +=
               "# HELP ecab_notifications_total Notification delivery attempts by channel and "
               "outcome.\n"
               "# TYPE ecab_notifications_total counter\n";
           for (const std::string channel : {"email", "sms"}) {
             const ChannelStats counts =
                 n->channels.contains(channel) ? n->channels.at(channel) : ChannelStats{};
             for (const auto& [outcome, value] :
                  {std::pair{"delivered", counts.delivered},
                   std::pair{"failed_attempt", counts.failed_attempts},
                   std::pair{"failed_final", counts.failed_final}}) {
               r.body += "ecab_notifications_total{channel=\"" + channel + "\",outcome=\"" +
                         outcome + "\"} " + std::to_string(value) + "\n";
             }
           }
           r.body +=
               "# HELP ecab_notifications_pending Notifications requested and not yet delivered or "
               "given up.\n"
               "# TYPE ecab_notifications_pending gauge\necab_notifications_pending " +
               std::to_string(n->pending) + "\n";
           r.body +=
               "# HELP ecab_notifications_oldest_pending_seconds Age of the oldest pending "
               "notification.\n"
               "# TYPE ecab_notifications_oldest_pending_seconds "
               "gauge\necab_notifications_oldest_pending_seconds " +
               std::to_string(n->oldest_pending_seconds) + "\n";
         }
         return r;
       }});
  Add({.method = "GET",
       .pattern = "/openapi.json",
       .tag = "system",
       .summary = "This API's OpenAPI 3.1 document.",
       .authenticated = false,
       .handle = [this](Call&) { return Json(200, OpenApi()); }});
}

}  // namespace ecab::api
