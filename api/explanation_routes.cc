// The explanation routes: how a resolution, a vote or an opinion form came
// about, from the log alone — the story `ecab-audit explain` tells, as JSON —
// for the body's auditors and archivists. 404 unless the object is of this body.
#include "api/app.h"
#include "api/visibility.h"
#include "replay/explain.h"

namespace ecab::api {
namespace {

using nlohmann::json;

// The story of `what` `id`, once the object is known to be one the caller
// may see in this body (else the answer for a missing one).
http::Response Explanation(App& app, const Call& c, ObjectKind kind, const std::string& id,
                           const std::string& what, const std::string& story_id) {
  if (auto hidden = Hidden(app, c, kind, id)) return *hidden;
  auto story = replay::Explain(app.store(), what, story_id);
  if (!story.ok()) return FromError(story.error());
  json out = replay::StoryJson(*story);
  out["complete"] = replay::Findings(*story).empty();
  return Json(200, out);
}

}  // namespace

void RegisterExplanationRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  auto add = [&app](std::string pattern, std::string summary,
                    std::function<http::Response(Call&)> handle) {
    app.Add(Route{.method = "GET",
                  .pattern = std::move(pattern),
                  .tag = "audit",
                  .summary = std::move(summary),
                  .handle = [handle = std::move(handle)](Call& c) {
                    if (!c.role || (*c.role != Role::kAuditor && *c.role != Role::kArchivist)) {
                      return ProblemResponse(403, "forbidden", "Forbidden",
                                             "for the body's auditors and archivists");
                    }
                    return handle(c);
                  }});
  };
  add(b + "/resolutions/{resolution}/explanation",
      "How a resolution came about: drafts, opinions, the vote with attendance and every ballot, "
      "the rule, the "
      "signature, promulgation (what ecab-audit explain tells).",
      [&app](Call& c) {
        const std::string id = c.params["resolution"];
        return Explanation(app, c, ObjectKind::kResolution, id, "resolution", id);
      });
  add(b + "/meetings/{meeting}/votes/{vote}/explanation",
      "How a vote came about: attendance, quorum, every ballot with its signature re-checked, "
      "tally, rule.",
      [&app](Call& c) {
        const std::string id = c.params["meeting"];
        if (auto hidden = Hidden(app, c, ObjectKind::kMeeting, id)) return *hidden;
        auto m = app.latest().Latest<meeting::Meeting>(StreamOf(ObjectKind::kMeeting, id));
        if (!m.ok()) return FromError(m.error());
        if (!m->state.votes.contains(c.params["vote"])) {
          return ProblemResponse(404, "not-found", "Not found",
                                 "meeting '" + id + "' has no vote '" + c.params["vote"] + "'");
        }
        return Explanation(app, c, ObjectKind::kMeeting, id, "vote", id + "/" + c.params["vote"]);
      });
  add(b + "/forms/{form}/explanation",
      "How an opinion form came about: its content, approval, every signed answer, the result.",
      [&app](Call& c) {
        const std::string id = c.params["form"];
        return Explanation(app, c, ObjectKind::kForm, id, "form", id);
      });
}

}  // namespace ecab::api
