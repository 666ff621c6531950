// GET …/analytics: how a body's meetings and written consultations used their
// time (projections/analytics.h), as JSON or, with format=csv, as CSV.
#include "api/app.h"
#include "api/read_models.h"
#include "api/route_support.h"
#include "api/visibility.h"

namespace ecab::api {
namespace {

using nlohmann::json;

// format=json (default) or csv; nullopt with `error` set for anything else.
std::optional<bool> WantsCsv(const Call& c, http::Response& error) {
  auto it = c.request.query.find("format");
  if (it == c.request.query.end() || it->second == "json") return false;
  if (it->second == "csv") return true;
  error = ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                          "format must be 'json' or 'csv'", {{"parameter", "format"}});
  return std::nullopt;
}

// The analytics read model has a runner of its own: an answer waits until it
// has reached what the other read models show (and the min_position asked).
std::optional<http::Response> AwaitAnalytics(App& app, const Call& c) {
  std::uint64_t target = app.projections().position();
  if (auto it = c.request.query.find("min_position"); it != c.request.query.end()) {
    target = std::max(target, ParseCount(it->second).value_or(0));
  }
  if (!app.projections().WaitForAnalytics(target, app.options().max_min_position_wait)) {
    auto r = ProblemResponse(
        503, "views-behind", "Read models behind",
        "the analytics did not reach position " + std::to_string(target) + " in time");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  return std::nullopt;
}

http::Response Csv(std::string body, const std::string& name) {
  http::Response r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  return r;
}

}  // namespace

void RegisterAnalyticsRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  AddGet(app, b + "/meetings/{meeting}/analytics", "analytics",
         "How a meeting used its time: each item, speaking time per member and item, attendance "
         "and punctuality, "
         "compared with the body's earlier meetings (format=csv for CSV).",
         {"format"}, [&app](Call& c) {
           http::Response error;
           const auto csv = WantsCsv(c, error);
           if (!csv) return error;
           const std::string& id = c.params["meeting"];
           if (auto hidden = Hidden(app, c, ObjectKind::kMeeting, id, es::kEnd)) return *hidden;
           if (auto behind = AwaitAnalytics(app, c)) return *behind;
           auto figures = proj::MeetingAnalytics(app.views(), c.body_state->id,
                                                 StreamOf(ObjectKind::kMeeting, id), c.ctx.now);
           if (!figures.ok()) return FromError(figures.error());
           if (*csv)
             return Csv(proj::MeetingAnalyticsCsv(*figures), "meeting-" + id + "-analytics");
           return Json(200, *figures);
         });
  AddGet(app, b + "/analytics", "analytics",
         "The body's meetings (length, items, speaking time) and opinion forms (time to answer), "
         "for the chair, "
         "staff and auditors (format=csv for CSV).",
         {"format"}, [&app](Call& c) {
           if (!HasRole(c, kOversight)) {
             return ProblemResponse(403, "forbidden", "Forbidden",
                                    "analytics are for the chair, staff and auditors");
           }
           http::Response error;
           const auto csv = WantsCsv(c, error);
           if (!csv) return error;
           if (auto behind = AwaitAnalytics(app, c)) return *behind;
           auto figures = proj::BodyAnalytics(app.views(), c.body_state->id, c.ctx.now);
           if (!figures.ok()) return FromError(figures.error());
           if (*csv) return Csv(proj::BodyAnalyticsCsv(*figures), c.body_state->id + "-analytics");
           return Json(200, *figures);
         });
}

}  // namespace ecab::api
