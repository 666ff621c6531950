// The body's commands: people, certificates, trust, numbering; passwords (a
// secret, not an act: kept out of the log).
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/policy_json.h"
#include "api/references.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

using nlohmann::json;

void RegisterDirectoryCommands(App& app) {
  const std::string b = kBodyPath;
  Command(app, "POST", b + "/people", "directory", "Enrol a person in the body with a role (admin).",
          {{"person", FieldType::kId}, {"office", FieldType::kText}, {"office_vi", FieldType::kText, false},
           {"role", FieldType::kEnum, true, Roles().names()}},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::EnrollPerson{Str(c.body, "person"), Str(c.body, "office"),
                                                     Str(c.body, "office_vi"), Roles().Parse(c.body["role"])},
                             c.ctx);
          });
  Command(app, "POST", b + "/people/{person}/removal", "directory", "End a person's tenure in the body (admin).", {},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], directory::RemovePerson{c.params["person"]}, c.ctx);
          });
  Command(app, "POST", b + "/people/{person}/certificates", "directory",
          "Enrol a signing certificate (DER, base64) for a person (admin).", {{"der", FieldType::kBase64}},
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::EnrollCertificate{c.params["person"], *Base64Decode(Str(c.body, "der"))}, c.ctx);
          });
  Command(app, "PUT", b + "/trust-anchor", "directory", "Set the CA certificate signatures must chain to (admin).",
          {{"der", FieldType::kBase64}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], directory::SetTrustAnchor{*Base64Decode(Str(c.body, "der"))}, c.ctx);
          });
  Command(app, "PUT", b + "/revocation-list", "directory", "Publish the anchor's certificate revocation list (admin).",
          {{"der", FieldType::kBase64}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"], directory::PublishRevocationList{*Base64Decode(Str(c.body, "der"))},
                             c.ctx);
          });
  Command(app, "PUT", b + "/policy", "directory",
          "Set the body's rules: quorum, majority and its basis, ties, silence on forms, remote and substitute "
          "participation (late_substitution: a substitute may be named after the session opened), the highest "
          "classification accepted (admin).",
          [] {
            Schema schema = PolicyFields(true);
            schema.push_back({"late_substitution", FieldType::kBoolean, false});
            return schema;
          }(),
          [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::SetPolicy{PolicyFromJson(c.body), c.body.value("late_substitution", false)},
                             c.ctx);
          });
  Command(app, "POST", b + "/approvers", "directory", "Delegate (or withdraw) the approval of opinion forms.",
          {{"person", FieldType::kId}, {"granted", FieldType::kBoolean, false}}, [](Call& c, CommandService& s) {
            return s.Execute(c.params["body"],
                             directory::DelegateApprover{Str(c.body, "person"), c.body.value("granted", true)}, c.ctx);
          });
  Command(app, "POST", b + "/resolution-numbers", "directory",
          "Assign the body's next resolution number for a year to a signed resolution before it is "
          "promulgated (secretariat; promulgation does it when not done).",
          {{"resolution", FieldType::kId}, {"year", FieldType::kInteger}},
          [](Call& c, CommandService& s) -> Result<CommandOutcome> {
            if (auto st = Checked(c, s, Action::kAssignResolutionNumber,
                                  [&] { return NumberableResolution(c, s, Str(c.body, "resolution")); });
                !st.ok()) {
              return st.error();
            }
            return s.Execute(c.params["body"],
                             directory::AssignResolutionNumber{Str(c.body, "resolution"),
                                                               static_cast<std::int32_t>(c.body["year"].get<std::int64_t>())},
                             c.ctx);
          });

  // ---- contact details: personal data (the person and the admin only) ----
  Command(app, "PUT", b + "/people/{person}/contact", "directory",
          "Set how a person is reached (admin): email, phone (E.164), language (vi, en), channels in order of "
          "preference (email, sms, in_app), quiet hours (minutes after midnight, Asia/Ho_Chi_Minh; urgent items "
          "still go), SMS without diacritics. Personal data: readable by the person and the admin only.",
          {{"email", FieldType::kName, false}, {"phone", FieldType::kName, false},
           {"language", FieldType::kEnum, false, {"vi", "en"}}, {"channels", FieldType::kIds, false},
           {"quiet_from", FieldType::kInteger, false}, {"quiet_to", FieldType::kInteger, false},
           {"sms_ascii", FieldType::kBoolean, false}},
          [](Call& c, CommandService& s) {
            directory::ContactSet contact{c.params["person"], Str(c.body, "email"), Str(c.body, "phone"),
                                          c.body.value("language", "vi"), Ids(c.body, "channels")};
            contact.quiet_from = c.body.contains("quiet_from") ? static_cast<std::int32_t>(c.body["quiet_from"].get<std::int64_t>()) : -1;
            contact.quiet_to = c.body.contains("quiet_to") ? static_cast<std::int32_t>(c.body["quiet_to"].get<std::int64_t>()) : -1;
            contact.sms_ascii = c.body.value("sms_ascii", false);
            return s.Execute(c.params["body"], directory::SetContact{contact}, c.ctx);
          });
  app.Add(Route{"GET", b + "/people/{person}/contact", "directory",
                "How a person is reached: for the person and the body's admin only (others: 404).", {}, {}, true,
                false, false, [](Call& c) {
                  const bool allowed = c.role == Role::kAdmin || (c.principal && c.principal->person == c.params["person"]);
                  auto it = c.body_state->contacts.find(c.params["person"]);
                  if (!allowed || it == c.body_state->contacts.end()) {
                    return ProblemResponse(404, "not-found", "Not found",
                                           "no contact details of '" + c.params["person"] + "' for you");
                  }
                  const auto& k = it->second;
                  return Json(200, {{"person", k.person}, {"email", k.email}, {"phone", k.phone},
                                    {"language", k.language}, {"channels", k.channels},
                                    {"quiet_from", k.quiet_from < 0 ? nlohmann::json(nullptr) : nlohmann::json(k.quiet_from)},
                                    {"quiet_to", k.quiet_to < 0 ? nlohmann::json(nullptr) : nlohmann::json(k.quiet_to)},
                                    {"sms_ascii", k.sms_ascii}});
                }});

  // ---- identity administration (a secret, not an act: kept out of the log) ----
  app.Add(Route{"PUT", b + "/people/{person}/password", "identity",
                "Set the login password of a person enrolled in the body (admin).",
                {{"password", FieldType::kText}}, {}, true, false, false, [&app](Call& c) {
                  if (c.role != Role::kAdmin) {
                    return ProblemResponse(403, "forbidden", "Forbidden", "only the body's admin sets passwords");
                  }
                  if (!c.body_state->people.count(c.params["person"])) {
                    return ProblemResponse(404, "not-found", "Not found",
                                           "no person '" + c.params["person"] + "' in this body");
                  }
                  if (auto s = app.SetPassword(c.params["person"], c.body["password"]); !s.ok()) return FromError(s.error());
                  return Json(200, {{"person", c.params["person"]}, {"password_set", true}});
                }});
}

}  // namespace ecab::api
