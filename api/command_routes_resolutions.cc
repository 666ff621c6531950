// The resolutions' commands: draft, revise, sign, number, distribute.
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/policy_json.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

using nlohmann::json;

void RegisterResolutionCommands(App& app) {
  const std::string b = kBodyPath;
  const std::string r = b + "/resolutions";
  auto resolution = [](Call& c, CommandService& s, resolution::ResolutionCommand cmd) {
    return s.Execute(c.params["body"], c.params["resolution"], cmd, c.ctx);
  };
  Command(app, "POST", r, "resolutions", "Draft a resolution implementing a vote (secretariat).",
          {{"resolution", FieldType::kId}, {"title", FieldType::kText}, {"text", FieldType::kText},
           {"meeting", FieldType::kId, false}, {"vote", FieldType::kId, false}},
          [](Call& c, CommandService& s) -> Result<CommandOutcome> {
            const std::string meeting_id = Str(c.body, "meeting"), vote = Str(c.body, "vote");
            if (!vote.empty() && meeting_id.empty()) {
              return MakeError(ErrorCode::kInvalidArgument, "a vote is named with its meeting");
            }
            if (auto st = Checked(c, s, Action::kDraftResolution, [&] {
                  return meeting_id.empty() ? Status(Ok{}) : VoteExists(c, s, meeting_id, vote);
                });
                !st.ok()) {
              return st.error();
            }
            return s.Execute(c.params["body"], Str(c.body, "resolution"),
                             resolution::DraftResolution{Str(c.body, "resolution"), Str(c.body, "title"),
                                                         Str(c.body, "text"), Str(c.body, "meeting"), Str(c.body, "vote")},
                             c.ctx);
          });
  Command(app, "POST", r + "/{resolution}/revisions", "resolutions", "Revise a resolution's text.",
          {{"text", FieldType::kText}}, [resolution](Call& c, CommandService& s) {
            return resolution(c, s, resolution::ReviseResolution{Str(c.body, "text")});
          });
  Command(app, "POST", r + "/{resolution}/circulation", "resolutions",
          "Circulate the draft for opinions through a form.", {{"form", FieldType::kId}},
          [resolution](Call& c, CommandService& s) -> Result<CommandOutcome> {
            const std::string form = Str(c.body, "form");
            if (auto st = Checked(c, s, Action::kCirculateResolution,
                                  [&] { return Exists(c, s.Form(form), "opinion form", form); });
                !st.ok()) {
              return st.error();
            }
            return resolution(c, s, resolution::CirculateResolution{form});
          });
  Command(app, "POST", r + "/{resolution}/submission", "resolutions", "Submit the resolution for signature.", {},
          [resolution](Call& c, CommandService& s) { return resolution(c, s, resolution::SubmitResolution{}); });
  Command(app, "POST", r + "/{resolution}/signature", "resolutions",
          "Sign the resolution (chair; only when its vote passed).", {kSignatureField},
          [resolution](Call& c, CommandService& s) {
            return resolution(c, s, resolution::SignResolution{Signature(c.body["signature"])});
          });
  Command(app, "POST", r + "/{resolution}/promulgation", "resolutions",
          "Promulgate a signed resolution, giving it the body's next number of the year unless it has one.", {},
          [resolution](Call& c, CommandService& s) -> Result<CommandOutcome> {
            // The number is given here, once, to a signed resolution: never to
            // an unsigned or unknown one, so the year's numbers have no gaps.
            const std::string id = c.params["resolution"];
            bool numbered = false;
            if (auto st = Checked(c, s, Action::kPromulgateResolution, [&]() -> Status {
                  if (auto ok = NumberableResolution(c, s, id); !ok.ok()) return ok;
                  numbered = true;
                  return Ok{};
                });
                !st.ok()) {
              return st.error();
            }
            if (numbered && !c.body_state->numbers.contains(id)) {
              CommandContext number = c.ctx;
              number.command_id += "/number";
              const auto year = static_cast<std::int32_t>(
                  std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(c.ctx.now)).year());
              auto assigned =
                  s.Execute(c.params["body"], directory::AssignResolutionNumber{id, year}, number);
              if (!assigned.ok() && assigned.error().code != ErrorCode::kAlreadyExists) return assigned.error();
            }
            return resolution(c, s, resolution::PromulgateResolution{});
          });
  Command(app, "POST", r + "/{resolution}/distribution", "resolutions", "Distribute a promulgated resolution.",
          {{"recipients", FieldType::kIds}}, [resolution](Call& c, CommandService& s) {
            return resolution(c, s, resolution::DistributeResolution{Ids(c.body, "recipients")});
          });
}

}  // namespace ecab::api
