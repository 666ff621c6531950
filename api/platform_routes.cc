// The platform's routes: found a body, list the bodies, appoint another
// platform administrator. Bodies are founded only by platform administrators
// (configured at first start: ecabinetd --platform-admin).
#include "api/backup.h"
#include "api/enums.h"
#include "api/platform.h"
#include "api/policy_json.h"
#include "api/read_models.h"
#include "api/route_support.h"
#include "domain/base/ids.h"

namespace ecab::api {
namespace {

using nlohmann::json;

using directory::CreateBody;

// What founding a body takes: the body, its first admin's password (a secret,
// not an act: kept out of the log), and a policy given whole or not at all.
struct CreateBodyRequest {
  CreateBody body;
  std::string admin_password;
  Policy policy;
};

Fields<CreateBodyRequest> CreateBodyFields() {
  using R = CreateBodyRequest;
  return Join(
      Join(Inside(&R::body,
                  Fields<CreateBody>{
                      IdField("body", &CreateBody::body), TextField("name", &CreateBody::name),
                      TextField("name_vi", &CreateBody::name_vi, kOptional),
                      EnumField("kind", &CreateBody::kind, BodyKinds(), kOptional),
                      NameField("resolution_suffix", &CreateBody::resolution_suffix),
                      IdField("admin", &CreateBody::admin),
                      TextField("admin_office", &CreateBody::admin_office, kOptional),
                      TextField("admin_office_vi", &CreateBody::admin_office_vi, kOptional)}),
           Fields<R>{TextField("admin_password", &R::admin_password, kOptional)}),
      Join(Inside(&R::body,
                  Fields<CreateBody>{
                      BytesField("trust_anchor", &CreateBody::anchor_der, kOptional),
                      FlagField("late_substitution", &CreateBody::late_substitution, kOptional),
                      EnumField("read_receipts", &CreateBody::read_receipts, ReadReceiptModes(),
                                kOptional)}),
           Inside(&R::policy, PolicyFields(false))));
}

// How many of the policy's fields the body gives; the name of one it lacks.
std::pair<std::size_t, std::string> PolicyGiven(const json& body) {
  std::size_t given = 0;
  std::string missing;
  for (const Field& f : SchemaOf(PolicyFields(false))) {
    if (body.contains(f.name)) {
      ++given;
    } else if (missing.empty()) {
      missing = f.name;
    }
  }
  return {given, missing};
}

http::Response FoundBody(App& app, Call& c, CreateBodyRequest& request) {
  CreateBody& cmd = request.body;
  if (const auto [given, missing] = PolicyGiven(c.body); given > 0) {
    if (!missing.empty()) {
      return FromError(MakeError(ErrorCode::kInvalidArgument,
                                 "a policy is given whole: '" + missing + "' is missing"));
    }
    cmd.policy = request.policy;
  }
  auto created = CreateBodyAs(app.commands(), cmd, c.ctx);
  if (created.ok() && created->events > 0 && !request.admin_password.empty()) {
    // The first admin's login: a secret, not an act; kept out of the log.
    if (auto s = app.SetPassword(cmd.admin, request.admin_password); !s.ok())
      return FromError(s.error());
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

struct BackupRequest {
  std::string to;
};

http::Response Backup(App& app, Call& c, const BackupRequest& request) {
  auto platform = app.commands().Platform();
  if (!platform.ok()) return FromError(platform.error());
  if (!platform->state.IsAdmin(c.ctx.actor)) {
    return FromError(MakeError(ErrorCode::kForbidden, "only platform administrators make backups"));
  }
  auto manifest = BackupNode(app, request.to);
  if (!manifest.ok()) return FromError(manifest.error());
  return Json(201, *manifest);
}

http::Response AppointAdmin(App& app, Call& c, platform::AppointAdmin& cmd) {
  CommandContext ctx = c.ctx;
  ctx.role = Role::kAdmin;
  return OutcomeResponse(c, app.commands().Execute(cmd, ctx));
}

}  // namespace

void RegisterPlatformRoutes(App& app) {
  app.Add(TypedRoute<CreateBodyRequest>(
      {.method = "POST",
       .pattern = "/v1/bodies",
       .tag = "platform",
       .summary =
           "Found a body with its names, kind, first admin and, optionally, its whole policy and "
           "trust anchor (platform administrators).",
       .command = true},
      CreateBodyFields(),
      [&app](Call& c, CreateBodyRequest& request) { return FoundBody(app, c, request); }));
  app.Add(Route{
      .method = "GET",
      .pattern = "/v1/bodies",
      .tag = "platform",
      .summary =
          "The bodies hosted here: all for platform administrators, else those where the caller "
          "holds a role.",
      .handle = [&app](Call& c) { return ListBodies(app, c); }});
  app.Add(TypedRoute<platform::AppointAdmin>(
      {.method = "POST",
       .pattern = "/v1/platform/admins",
       .tag = "platform",
       .summary = "Appoint another platform administrator (platform administrators).",
       .command = true},
      {IdField("person", &platform::AppointAdmin::person)},
      [&app](Call& c, platform::AppointAdmin& cmd) { return AppointAdmin(app, c, cmd); }));
  app.Add(TypedRoute<BackupRequest>(
      {.method = "POST",
       .pattern = "/v1/platform/backups",
       .tag = "platform",
       .summary = "A consistent backup of the node while it serves (log, read models, "
                  "credentials, document files) into a new directory `to` on the node's disk "
                  "(platform administrators). The keys are named, not copied.",
       .command = false},
      {TextField("to", &BackupRequest::to)},
      [&app](Call& c, BackupRequest& r) { return Backup(app, c, r); }));
}

}  // namespace ecab::api
