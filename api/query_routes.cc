// The query routes: read models (with as_of time travel), the inbox, the
// dashboard, the audit trail, search, and the WebSocket feeds.
#include "api/command/command_service.h"
#include "api/feeds.h"
#include "api/notification_templates.h"
#include "api/policy_json.h"
#include "api/read_models.h"
#include "api/route_support.h"
#include "projections/notifications.h"
#include "projections/views.h"

namespace ecab::api {
namespace {

using nlohmann::json;

// The body and its objects: meetings, votes, forms, resolutions, documents.
// GET …/bodies/{body}: the body, its people and their roles now.
http::Response BodyDirectory(Call& c) {
  if (!HasRole(c, kEveryRole) && c.role != Role::kSubstitute) return NoRole(c);
  json people = json::array();
  for (const auto& [id, p] : c.body_state->people) {
    auto role = c.body_state->RoleAt(id, c.ctx.now);
    people.push_back({{"person", id},
                      {"office", p.office},
                      {"office_vi", p.office_vi},
                      {"role", role ? std::string(RoleName(*role)) : ""},
                      {"certificates", p.certificates.size()}});
  }
  return Json(200, {{"body", c.body_state->id},
                    {"name", c.body_state->name},
                    {"name_vi", c.body_state->name_vi},
                    {"people", people},
                    {"policy", PolicyJson(*c.body_state)},
                    {"your_role", c.role ? std::string(RoleName(*c.role)) : ""}});
}

// GET …/votes/{vote}: one vote with its tally, rule, outcome and ballots.
http::Response VoteView(App& app, Call& c) {
  http::Response view = View(app, c, app.projections().aggregates().meetings, ObjectKind::kMeeting,
                             c.params["meeting"]);
  if (view.status != 200) return view;
  const json doc = json::parse(view.body);
  for (const auto& v : doc.value("votes", json::array())) {
    if (v.value("vote", "") == c.params["vote"]) {
      json out = v;
      out["meeting"] = c.params["meeting"];
      out["position"] = doc.value("position", 0);
      return Json(200, out);
    }
  }
  return ProblemResponse(404, "not-found", "Not found",
                         "no vote '" + c.params["vote"] + "' in this meeting");
}

// GET …/meetings: the meetings the caller may see, latest first.
http::Response MeetingList(App& app, Call& c) {
  if (!HasRole(c, kEveryRole) && c.role != Role::kSubstitute) return NoRole(c);
  const std::string prefix =
      std::string(KindName(ObjectKind::kMeeting)) + "/view/" + StreamOf(ObjectKind::kMeeting, "");
  auto entries = app.views().Scan(prefix, 1000);
  if (!entries.ok()) return FromError(entries.error());
  json meetings = json::array();
  for (const auto& [key, value] : *entries) {
    const std::string id = key.substr(prefix.size());
    if (Hidden(app, c, ObjectKind::kMeeting, id)) continue;
    const json v = json::parse(value, nullptr, false);
    if (v.is_discarded()) continue;
    const json mine = v["participants"].value(c.principal->person, json::object());
    std::string stands_in_for;
    for (const auto& [member, p] : v["participants"].items()) {
      if (p["rsvp"].is_object() && p["rsvp"].value("substitute", "") == c.principal->person)
        stands_in_for = member;
    }
    meetings.push_back({{"meeting", id},
                        {"title", v.value("title", "")},
                        {"starts_at", v.value("starts_at", "")},
                        {"ends_at", v.value("ends_at", "")},
                        {"place", v.value("place", "")},
                        {"status", v.value("status", "")},
                        {"rsvp", mine.value("rsvp", json(nullptr))},
                        {"attendance", mine.value("attendance", json(nullptr))},
                        {"stands_in_for", stands_in_for}});
  }
  std::sort(meetings.begin(), meetings.end(),
            [](const json& x, const json& y) { return x["starts_at"] > y["starts_at"]; });
  return Json(200, {{"meetings", meetings}});
}

// GET …/documents/{document}: a document's header and versions.
http::Response DocumentHeader(App& app, Call& c) {
  if (auto hidden = Hidden(app, c, ObjectKind::kDocument, c.params["document"])) return *hidden;
  auto d = app.latest().Latest<documents::Document>(
      StreamOf(ObjectKind::kDocument, c.params["document"]));
  if (!d.ok()) return FromError(d.error());
  json versions = json::array();
  for (const auto& v : d->state.versions) {
    json entry = {{"version", v.version},       {"sha256", v.sha256},     {"size", v.size},
                  {"media_type", v.media_type}, {"filename", v.filename}, {"author", v.author},
                  {"content_stored", v.stored}};
    if (v.stored) {
      entry["content"] = c.request.path + "/versions/" + std::to_string(v.version) + "/content";
      // Search reads the file's text once the extractor recorded it.
      const auto text = d->state.extracted.find(v.version);
      entry["text"] = text == d->state.extracted.end()
                          ? json{{"status", "pending"}}
                          : json{{"status", text->second.text.empty() ? "none" : "extracted"},
                                 {"characters", text->second.text.size()},
                                 {"note", text->second.note}};
    }
    versions.push_back(entry);
  }
  const auto& h = d->state.header;
  return Json(200, {{"document", h.document},
                    {"title", h.title},
                    {"classification", ClassificationName(h.classification)},
                    {"urgency", UrgencyName(h.urgency)},
                    {"versions", versions}});
}

void AddObjectRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";

  AddGet(app, b, "directory",
         "The body: names, people and their current roles (substitutes too: they act among "
         "them), and its rules (the policy as PUT …/policy takes it).",
         {}, [](Call& c) { return BodyDirectory(c); });

  AddGet(app, b + "/meetings/{meeting}", "meetings",
         "A meeting: agenda, attendance, live quorum, floor, votes with tallies. as_of travels in "
         "time.",
         {"as_of"}, [&app](Call& c) {
           return View(app, c, app.projections().aggregates().meetings, ObjectKind::kMeeting,
                       c.params["meeting"]);
         });

  AddGet(app, b + "/meetings/{meeting}/votes/{vote}", "meetings",
         "One vote: its tally, rule, outcome and ballots.", {"as_of"},
         [&app](Call& c) { return VoteView(app, c); });

  AddGet(app, b + "/meetings", "meetings",
         "The meetings the caller may see (invited, standing in, or with a role in the body), "
         "latest first: title, "
         "times, place, status, and the caller's own RSVP and attendance.",
         {}, [&app](Call& c) { return MeetingList(app, c); });

  // Members see a form once it is issued to them; drafts stay with the office and the chair.
  AddGet(app, b + "/forms/{form}", "forms", "An opinion form: content, status, answers and result.",
         {"as_of"}, [&app](Call& c) {
           return View(app, c, app.projections().aggregates().forms, ObjectKind::kForm,
                       c.params["form"]);
         });

  AddGet(app, b + "/resolutions/{resolution}", "resolutions",
         "A resolution: text versions, signature, number.", {"as_of"}, [&app](Call& c) {
           return View(app, c, app.projections().aggregates().resolutions, ObjectKind::kResolution,
                       c.params["resolution"]);
         });

  AddGet(app, b + "/documents/{document}", "documents",
         "A document's header and versions (a classified one only to its readers; to others it "
         "does not exist).",
         {}, [&app](Call& c) { return DocumentHeader(app, c); });
}

// GET …/inbox: the caller's pending tasks.
http::Response Inbox(App& app, Call& c) {
  if (!c.principal) return NoRole(c);
  // Taken before the scan: the body feed opened from it misses nothing.
  const std::uint64_t position = app.projections().position();
  auto entries = app.views().Scan("inbox/" + c.ctx.actor + "/", 1000);
  if (!entries.ok()) return FromError(entries.error());
  json tasks = json::array();
  for (const auto& [key, value] : *entries) {
    json task = json::parse(value, nullptr, false);
    if (!task.is_discarded() && task.value("body", c.body_state->id) == c.body_state->id)
      tasks.push_back(task);
  }
  return Json(200, {{"person", c.ctx.actor}, {"tasks", tasks}, {"position", position}});
}

// GET …/notifications: the caller's in-app notifications, rendered in their language.
http::Response Notifications(App& app, Call& c) {
  if (!c.principal) return NoRole(c);
  http::Response error;
  auto limit = Number(c, "limit", 50, error);
  if (!limit) return error;
  std::string language = LanguageOf(*c.body_state, c.ctx.actor);
  if (auto lang = c.request.query.find("lang"); lang != c.request.query.end()) {
    if (lang->second != "vi" && lang->second != "en") {
      return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                             "lang must be 'vi' or 'en'");
    }
    language = lang->second;
  }
  const std::uint64_t position = app.projections().position();
  auto list = proj::InAppNotifications(app.views(), c.body_state->id, c.ctx.actor,
                                       std::min<std::uint64_t>(*limit, 500));
  if (!list.ok()) return FromError(list.error());
  const auto& templates = app.options().notifier.templates ? *app.options().notifier.templates
                                                           : NotificationTemplates::BuiltIn();
  const std::string link = app.options().notifier.link_base.empty()
                               ? ""
                               : app.options().notifier.link_base + "/#/b/" + c.body_state->id;
  json out = json::array();
  for (auto& n : *list) {
    json item{{"position", n["position"]}, {"kind", n["kind"]}, {"reference", n["reference"]},
              {"urgent", n["urgent"]},     {"at", n["at"]},     {"subject", n["subject"]},
              {"text", n["text"]}};
    const std::string kind = n.value("kind", "");
    if (!kind.empty()) {
      auto rendered = templates.Render(
          kind, language,
          TemplateValues(*c.body_state, c.ctx.actor, language,
                         n["params"].get<std::map<std::string, std::string>>(), link));
      if (rendered.ok()) {
        item["subject"] = rendered->subject;
        item["text"] = rendered->text;
      }
    }
    out.push_back(std::move(item));
  }
  return Json(200, {{"person", c.ctx.actor},
                    {"language", language},
                    {"notifications", out},
                    {"position", position}});
}

// GET …/dashboard[?as_of]: the secretariat's dashboard, live or as it stood.
http::Response Dashboard(App& app, Call& c) {
  if (!HasRole(c, kOversight)) {
    return ProblemResponse(403, "forbidden", "Forbidden",
                           "the dashboard is for the chair, staff and auditors");
  }
  http::Response error;
  bool bad = false;
  auto as_of = AsOf(app, c, error, bad);
  if (bad) return error;
  // The position the read models had reached before reading: a body feed
  // opened from it misses nothing the answer does not show.
  const std::uint64_t position = app.projections().position();
  auto view =
      as_of ? proj::DashboardAsOf(app.store(), app.views(), c.body_state->id, *as_of, c.ctx.now)
            : proj::Dashboard(app.views(), c.body_state->id, c.ctx.now);
  if (!view.ok()) return FromError(view.error());
  if (!as_of) {
    (*view)["position"] = position;
    // Notifications given up on, for the staff to reach those people another way.
    auto failed = proj::FailedNotifications(app.views(), c.body_state->id, 100);
    if (!failed.ok()) return FromError(failed.error());
    (*view)["failed_notifications"] = std::move(*failed);
  }
  return Json(200, *view);
}

// GET …/audit?actor|object: one audit trail, paged.
http::Response AuditTrail(App& app, Call& c) {
  const auto& q = c.request.query;
  const bool by_actor = q.contains("actor"), by_object = q.contains("object");
  if (by_actor == by_object) {
    return ProblemResponse(422, "invalid-parameter", "Invalid query parameter",
                           "give exactly one of 'actor' or 'object'");
  }
  const std::string id = by_actor ? q.at("actor") : q.at("object");
  const bool own = by_actor && id == c.ctx.actor;
  if (!own && !HasRole(c, {Role::kAuditor, Role::kArchivist, Role::kAdmin})) {
    return ProblemResponse(403, "forbidden", "Forbidden",
                           "audit trails are for auditors, archivists and admins");
  }
  http::Response error;
  auto after = Number(c, "after", 0, error);
  if (!after) return error;
  auto limit = Number(c, "limit", 100, error);
  if (!limit) return error;
  auto up_to = Number(c, "up_to", UINT64_MAX, error);
  if (!up_to) return error;
  auto trail = proj::AuditTrail(app.views(), by_actor ? "actor" : "object", id, *after,
                                std::min<std::uint64_t>(*limit, 1000), *up_to);
  if (!trail.ok()) return FromError(trail.error());
  json entries = json::array();
  for (auto& e : *trail) {
    if (e.value("body", c.body_state->id) == c.body_state->id) entries.push_back(std::move(e));
  }
  return Json(200, {{"trail", by_actor ? "actor" : "object"}, {"id", id}, {"entries", entries}});
}

// GET …/search?q: full-text search over what the caller may see.
http::Response Search(App& app, Call& c) {
  if (!HasRole(c, kEveryRole)) return NoRole(c);
  auto q = c.request.query.find("q");
  if (q == c.request.query.end() || q->second.empty()) {
    return ProblemResponse(422, "invalid-parameter", "Invalid query parameter", "'q' is required");
  }
  http::Response error;
  auto limit = Number(c, "limit", 20, error);
  if (!limit) return error;
  Sight sight(app.latest(), ViewerOf(c));
  auto hits = proj::Search(
      app.views(), q->second, c.ctx.actor, std::min<std::uint64_t>(*limit, 200),
      [&](const std::string& object) { return sight.MaySeeNow(c.body_state->id, object); });
  if (!hits.ok()) return FromError(hits.error());
  json out = json::array();
  for (const auto& h : *hits) {
    out.push_back({{"object", h.object}, {"kind", h.kind}, {"title", h.title}, {"score", h.score}});
  }
  return Json(200, {{"query", q->second}, {"hits", out}});
}

// What people work from: their inbox, the dashboard, the audit trail, search.
void AddWorkRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  AddGet(app, b + "/inbox", "people",
         "The caller's pending tasks: forms to answer, invitations, open votes; position: the body "
         "feed's from.",
         {}, [&app](Call& c) { return Inbox(app, c); });

  AddGet(app, b + "/notifications", "people",
         "The caller's in-app notifications, newest first, in their language (or lang=vi|en); "
         "position: the body "
         "feed's from.",
         {"lang", "limit"}, [&app](Call& c) { return Notifications(app, c); });

  AddGet(app, b + "/dashboard", "dashboards",
         "The secretariat's dashboard: open, overdue and this year's work.", {"as_of"},
         [&app](Call& c) { return Dashboard(app, c); });

  AddGet(app, b + "/audit", "audit",
         "An audit trail by actor or by object, paged, optionally up to a position.",
         {"actor", "object", "after", "limit", "up_to"},
         [&app](Call& c) { return AuditTrail(app, c); });

  AddGet(app, b + "/search", "search",
         "Full-text search (Vietnamese folding); classified documents only for readers.",
         {"q", "limit"}, [&app](Call& c) { return Search(app, c); });
}

void AddFeedRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  app.Add(Route{
      .method = "GET",
      .pattern = b + "/meetings/{meeting}/feed",
      .tag = "feeds",
      .summary = "WebSocket: the meeting's view as of position 'from', then each change after it "
                 "as a JSON Patch "
                 "(RFC 6902), in order; reconnect with the last position seen to resume.",
      .query = {"from"},
      .websocket = true,
      .open_feed = [&app](Call& c, http::Response& refusal) -> std::unique_ptr<http::FeedSource> {
        if (auto hidden = Hidden(app, c, ObjectKind::kMeeting, c.params["meeting"])) {
          refusal = std::move(*hidden);
          return nullptr;
        }
        auto from = Number(c, "from", 0, refusal);
        if (!from) return nullptr;
        auto feed = OpenMeetingFeed(app.store(), app.feeds(),
                                    StreamOf(ObjectKind::kMeeting, c.params["meeting"]), *from);
        if (!feed.ok()) {
          refusal = FromError(feed.error());
          return nullptr;
        }
        return std::move(*feed);
      }});
  app.Add(Route{
      .method = "GET",
      .pattern = b + "/feed",
      .tag = "feeds",
      .summary =
          "WebSocket: every event of the body the caller may see after position 'from', in order.",
      .query = {"from"},
      .websocket = true,
      .open_feed = [&app](Call& c, http::Response& refusal) -> std::unique_ptr<http::FeedSource> {
        if (!HasBodyRole(c.role)) {
          refusal = NoRole(c);
          return nullptr;
        }
        auto from = Number(c, "from", 0, refusal);
        if (!from) return nullptr;
        return OpenBodyFeed(app.store(), app.latest(), c.body_state->id, ViewerOf(c), *from);
      }});
}

}  // namespace

void RegisterQueryRoutes(App& app) {
  AddObjectRoutes(app);
  AddWorkRoutes(app);
  AddFeedRoutes(app);
}

}  // namespace ecab::api
