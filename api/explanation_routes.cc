// The explanation routes: how a resolution, a vote or an opinion form came
// about, from the log alone — the story `ecab-audit explain` tells, as JSON —
// for the body's auditors and archivists. 404 unless the object is of this body.
#include "api/app.h"
#include "api/service.h"
#include "replay/explain.h"

namespace ecab::api {
namespace {

using nlohmann::json;

// The story of `what` `id`, once the object is known to belong to the body.
http::Response Explanation(App& app, const std::string& what, const std::string& id, const Status& belongs) {
  if (!belongs.ok()) return FromError(belongs.error());
  auto story = replay::Explain(app.store(), what, id);
  if (!story.ok()) return FromError(story.error());
  (*story)["complete"] = replay::Findings(*story).empty();
  return Json(200, *story);
}

Status OfBody(const Call& c, std::uint64_t version, const std::string& body, std::string_view kind,
              const std::string& id) {
  if (version == 0 || body != c.params.at("body")) {
    return MakeError(ErrorCode::kNotFound, "no " + std::string(kind) + " '" + id + "' in this body");
  }
  return Ok{};
}

}  // namespace

void RegisterExplanationRoutes(App& app) {
  const std::string b = "/v1/bodies/{body}";
  auto add = [&app](std::string pattern, std::string summary, std::function<http::Response(Call&)> handle) {
    app.Add(Route{.method = "GET",
                  .pattern = std::move(pattern),
                  .tag = "audit",
                  .summary = std::move(summary),
                  .handle = [handle = std::move(handle)](Call& c) {
                    if (!c.role || (*c.role != Role::kAuditor && *c.role != Role::kArchivist)) {
                      return ProblemResponse(403, "forbidden", "Forbidden", "for the body's auditors and archivists");
                    }
                    return handle(c);
                  }});
  };
  add(b + "/resolutions/{resolution}/explanation",
      "How a resolution came about: drafts, opinions, the vote with attendance and every ballot, the rule, the "
      "signature, promulgation (what ecab-audit explain tells).",
      [&app](Call& c) {
        const std::string id = c.params["resolution"];
        auto r = app.commands().Resolution(id);
        if (!r.ok()) return FromError(r.error());
        return Explanation(app, "resolution", id, OfBody(c, r->version, r->body, "resolution", id));
      });
  add(b + "/meetings/{meeting}/votes/{vote}/explanation",
      "How a vote came about: attendance, quorum, every ballot with its signature re-checked, tally, rule.",
      [&app](Call& c) {
        const std::string id = c.params["meeting"];
        auto m = app.commands().Meeting(id);
        if (!m.ok()) return FromError(m.error());
        Status belongs = OfBody(c, m->version, m->body, "meeting", id);
        if (belongs.ok() && !m->state.votes.contains(c.params["vote"])) {
          belongs = MakeError(ErrorCode::kNotFound, "meeting '" + id + "' has no vote '" + c.params["vote"] + "'");
        }
        return Explanation(app, "vote", id + "/" + c.params["vote"], belongs);
      });
  add(b + "/forms/{form}/explanation",
      "How an opinion form came about: its content, approval, every signed answer, the result.", [&app](Call& c) {
        const std::string id = c.params["form"];
        auto f = app.commands().Form(id);
        if (!f.ok()) return FromError(f.error());
        return Explanation(app, "form", id, OfBody(c, f->version, f->body, "opinion form", id));
      });
}

}  // namespace ecab::api
