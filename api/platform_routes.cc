// The platform's routes: found a body, list the bodies, appoint another
// platform administrator. Bodies are founded only by platform administrators
// (configured at first start: ecabinetd --platform-admin).
#include "api/enums.h"
#include "api/platform.h"
#include "api/policy_json.h"
#include "api/read_models.h"
#include "domain/base/ids.h"

namespace ecab::api {
namespace {

using nlohmann::json;

Schema CreateBodySchema() {
  Schema s = {{"body", FieldType::kId},
              {"name", FieldType::kText},
              {"name_vi", FieldType::kText, false},
              {"kind", FieldType::kEnum, false, BodyKinds().names()},
              {"resolution_suffix", FieldType::kName},
              {"admin", FieldType::kId},
              {"admin_office", FieldType::kText, false},
              {"admin_office_vi", FieldType::kText, false},
              {"admin_password", FieldType::kText, false},
              {"trust_anchor", FieldType::kBase64, false},
              {"late_substitution", FieldType::kBoolean, false}};
  for (const Field& f : PolicyFields(false)) s.push_back(f);
  return s;
}

// The policy when every policy field is given, nullopt when none is; an
// error naming the first missing one otherwise.
Result<std::optional<Policy>> PolicyOf(const json& body) {
  std::size_t given = 0;
  const std::vector<Field> fields = PolicyFields(false);
  for (const Field& f : fields) given += body.contains(f.name) ? 1 : 0;
  if (given == 0) return std::optional<Policy>();
  for (const Field& f : fields) {
    if (!body.contains(f.name)) {
      return MakeError(ErrorCode::kInvalidArgument, "a policy is given whole: '" + f.name + "' is missing");
    }
  }
  return std::optional<Policy>(PolicyFromJson(body));
}

std::string Text(const json& body, const char* name) { return body.value(name, std::string()); }

http::Response CreateBody(App& app, Call& c) {
  auto policy = PolicyOf(c.body);
  if (!policy.ok()) return FromError(policy.error());
  directory::CreateBody cmd;
  cmd.body = Text(c.body, "body");
  cmd.name = Text(c.body, "name");
  cmd.name_vi = Text(c.body, "name_vi");
  cmd.resolution_suffix = Text(c.body, "resolution_suffix");
  cmd.kind = c.body.contains("kind") ? BodyKinds().Parse(c.body["kind"]) : directory::BodyKind::kOther;
  cmd.admin = Text(c.body, "admin");
  cmd.admin_office = Text(c.body, "admin_office");
  cmd.admin_office_vi = Text(c.body, "admin_office_vi");
  cmd.policy = *policy;
  cmd.late_substitution = c.body.value("late_substitution", false);
  if (c.body.contains("trust_anchor")) cmd.anchor_der = Base64Decode(Text(c.body, "trust_anchor")).value_or("");
  auto created = CreateBodyAs(app.commands(), cmd, c.ctx);
  if (created.ok() && created->events > 0 && c.body.contains("admin_password")) {
    // The first admin's login: a secret, not an act; kept out of the log.
    if (auto s = app.SetPassword(cmd.admin, Text(c.body, "admin_password")); !s.ok()) return FromError(s.error());
  }
  return OutcomeResponse(c, created);
}

http::Response ListBodies(App& app, Call& c) {
  auto platform = app.commands().Platform();
  if (!platform.ok()) return FromError(platform.error());
  const bool everything = platform->state.IsAdmin(c.ctx.actor);
  auto all = app.projections().views().Scan(proj::kBodiesPrefix, 100'000);
  if (!all.ok()) return FromError(all.error());
  json bodies = json::array();
  for (const auto& [key, value] : *all) {
    json entry = json::parse(value);
    auto body = app.commands().BodySnapshot(entry.value("body", ""));
    if (!body.ok()) return FromError(body.error());
    const auto role = (*body)->state.RoleAt(c.ctx.actor, c.ctx.now);
    if (!everything && !role) continue;
    entry["your_role"] = role ? std::string(RoleName(*role)) : "";
    bodies.push_back(std::move(entry));
  }
  return Json(200, {{"bodies", bodies}, {"platform_admin", everything}});
}

http::Response AppointAdmin(App& app, Call& c) {
  CommandContext ctx = c.ctx;
  ctx.role = Role::kAdmin;
  return OutcomeResponse(c, app.commands().Execute(platform::AppointAdmin{Text(c.body, "person")}, ctx));
}

}  // namespace

void RegisterPlatformRoutes(App& app) {
  app.Add(Route{.method = "POST",
                .pattern = "/v1/bodies",
                .tag = "platform",
                .summary = "Found a body with its names, kind, first admin and, optionally, its whole policy and "
                           "trust anchor (platform administrators).",
                .schema = CreateBodySchema(),
                .command = true,
                .handle = [&app](Call& c) { return CreateBody(app, c); }});
  app.Add(Route{.method = "GET",
                .pattern = "/v1/bodies",
                .tag = "platform",
                .summary = "The bodies hosted here: all for platform administrators, else those where the caller "
                           "holds a role.",
                .handle = [&app](Call& c) { return ListBodies(app, c); }});
  app.Add(Route{.method = "POST",
                .pattern = "/v1/platform/admins",
                .tag = "platform",
                .summary = "Appoint another platform administrator (platform administrators).",
                .schema = {{"person", FieldType::kId}},
                .command = true,
                .handle = [&app](Call& c) { return AppointAdmin(app, c); }});
}

}  // namespace ecab::api
