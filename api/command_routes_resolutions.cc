// The resolutions' commands: draft, revise, sign, number, distribute.
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

namespace {

using resolution::DraftResolution, resolution::ReviseResolution, resolution::CirculateResolution,
    resolution::SignResolution, resolution::PromulgateResolution, resolution::DistributeResolution;

// Runs `cmd` on the resolution of the path.
Result<CommandOutcome> OnResolution(Call& c, CommandService& s,
                                    const resolution::ResolutionCommand& cmd) {
  return s.Execute(c.params["body"], c.params["resolution"], cmd, c.ctx);
}

// Gives a signed resolution the body's next number of this year, once: never
// to an unsigned or unknown one, so the year's numbers have no gaps.
Result<CommandOutcome> Promulgate(Call& c, CommandService& s, PromulgateResolution& cmd) {
  const std::string id = c.params["resolution"];
  bool numbered = false;
  ECAB_TRY(Checked(c, s, PromulgateResolution::kAction, [&]() -> Status {
    ECAB_TRY(NumberableResolution(c, s, id));
    numbered = true;
    return Ok{};
  }));
  if (numbered && !c.body_state->numbers.contains(id)) {
    CommandContext number = c.ctx;
    number.command_id += "/number";
    const auto year = static_cast<std::int32_t>(
        std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(c.ctx.now)).year());
    auto assigned =
        s.Execute(c.params["body"], directory::AssignResolutionNumber{id, year}, number);
    if (!assigned.ok() && assigned.error().code != ErrorCode::kAlreadyExists)
      return assigned.error();
  }
  return OnResolution(c, s, cmd);
}

}  // namespace

void RegisterResolutionCommands(App& app) {
  const std::string r = kBodyPath + "/resolutions";
  Command<DraftResolution>(
      app, "POST", r, "resolutions", "Draft a resolution implementing a vote (secretariat).",
      {IdField("resolution", &DraftResolution::resolution),
       TextField("title", &DraftResolution::title), TextField("text", &DraftResolution::text),
       IdField("meeting", &DraftResolution::meeting, kOptional),
       IdField("vote", &DraftResolution::vote, kOptional)},
      [](Call& c, CommandService& s, DraftResolution& cmd) -> Result<CommandOutcome> {
        if (!cmd.vote.empty() && cmd.meeting.empty()) {
          return MakeError(ErrorCode::kInvalidArgument, "a vote is named with its meeting");
        }
        ECAB_TRY(Checked(c, s, DraftResolution::kAction, [&] {
          return cmd.meeting.empty() ? Status(Ok{}) : VoteExists(c, s, cmd.meeting, cmd.vote);
        }));
        return s.Execute(c.params["body"], cmd.resolution, cmd, c.ctx);
      });
  Command<ReviseResolution>(app, "POST", r + "/{resolution}/revisions", "resolutions",
                            "Revise a resolution's text.",
                            {TextField("text", &ReviseResolution::text)}, &OnResolution);
  Command<CirculateResolution>(
      app, "POST", r + "/{resolution}/circulation", "resolutions",
      "Circulate the draft for opinions through a form.",
      {IdField("form", &CirculateResolution::form)},
      [](Call& c, CommandService& s, CirculateResolution& cmd) -> Result<CommandOutcome> {
        ECAB_TRY(Checked(c, s, CirculateResolution::kAction,
                         [&] { return Exists(c, s.Form(cmd.form), "opinion form", cmd.form); }));
        return OnResolution(c, s, cmd);
      });
  Command<resolution::SubmitResolution>(app, "POST", r + "/{resolution}/submission", "resolutions",
                                        "Submit the resolution for signature.", {}, &OnResolution);
  Command<SignResolution>(app, "POST", r + "/{resolution}/signature", "resolutions",
                          "Sign the resolution (chair; only when its vote passed).",
                          {SignatureField(&SignResolution::signature)}, &OnResolution);
  Command<PromulgateResolution>(app, "POST", r + "/{resolution}/promulgation", "resolutions",
                                "Promulgate a signed resolution, giving it the body's next number "
                                "of the year unless it has one.",
                                {}, &Promulgate);
  Command<DistributeResolution>(app, "POST", r + "/{resolution}/distribution", "resolutions",
                                "Distribute a promulgated resolution.",
                                {IdsField("recipients", &DistributeResolution::recipients)},
                                &OnResolution);
}

}  // namespace ecab::api
