// The body's commands: people, certificates, trust, numbering; passwords (a
// secret, not an act: kept out of the log).
#include "api/command_routes.h"
#include "api/enums.h"
#include "api/policy_json.h"
#include "api/references.h"
#include "api/route_support.h"
#include "domain/authz/authorization.h"

namespace ecab::api {

using nlohmann::json;

namespace {

using directory::EnrollPerson, directory::RemovePerson, directory::EnrollCertificate,
    directory::SetTrustAnchor, directory::PublishRevocationList, directory::SetPolicy,
    directory::DelegateApprover, directory::AssignResolutionNumber, directory::SetContact,
    directory::ContactSet;

// Runs `cmd` on the body of the path.
Result<CommandOutcome> OnBody(Call& c, CommandService& s, const directory::BodyCommand& cmd) {
  return s.Execute(c.params["body"], cmd, c.ctx);
}

// People, their certificates, and what signatures must chain to.
void AddPeopleCommands(App& app) {
  const std::string b = kBodyPath;
  Command<EnrollPerson>(
      app, "POST", b + "/people", "directory", "Enrol a person in the body with a role (admin).",
      {IdField("person", &EnrollPerson::person), TextField("office", &EnrollPerson::office),
       TextField("office_vi", &EnrollPerson::office_vi, kOptional),
       EnumField("role", &EnrollPerson::role, Roles())},
      &OnBody);
  Command<RemovePerson>(app, "POST", b + "/people/{person}/removal", "directory",
                        "End a person's tenure in the body (admin).",
                        {PathParam("person", &RemovePerson::person)}, &OnBody);
  Command<EnrollCertificate>(
      app, "POST", b + "/people/{person}/certificates", "directory",
      "Enrol a signing certificate (DER, base64) for a person (admin).",
      {PathParam("person", &EnrollCertificate::person), BytesField("der", &EnrollCertificate::der)},
      &OnBody);
  Command<SetTrustAnchor>(app, "PUT", b + "/trust-anchor", "directory",
                          "Set the CA certificate signatures must chain to (admin).",
                          {BytesField("der", &SetTrustAnchor::der)}, &OnBody);
  Command<PublishRevocationList>(app, "PUT", b + "/revocation-list", "directory",
                                 "Publish the anchor's certificate revocation list (admin).",
                                 {BytesField("der", &PublishRevocationList::der)}, &OnBody);
}

// The body's rules, its approvers and its resolution numbers.
void AddRuleCommands(App& app) {
  const std::string b = kBodyPath;
  Command<SetPolicy>(app, "PUT", b + "/policy", "directory",
                     "Set the body's rules: quorum, majority and its basis, ties, silence on "
                     "forms, remote and substitute participation (late_substitution: a "
                     "substitute may be named after the session opened), the highest "
                     "classification accepted, and when a member's download records the read "
                     "receipt (read_receipts: on_download, the default, or on_request) (admin).",
                     Join(Inside(&SetPolicy::policy, PolicyFields(true)),
                          Fields<SetPolicy>{FlagField("late_substitution",
                                                      &SetPolicy::late_substitution, kOptional),
                                            EnumField("read_receipts", &SetPolicy::read_receipts,
                                                      ReadReceiptModes(), kOptional)}),
                     &OnBody);
  Command<DelegateApprover>(app, "POST", b + "/approvers", "directory",
                            "Delegate (or withdraw) the approval of opinion forms.",
                            {IdField("person", &DelegateApprover::person),
                             FlagField("granted", &DelegateApprover::granted, kOptional)},
                            &OnBody);
  Command<AssignResolutionNumber>(
      app, "POST", b + "/resolution-numbers", "directory",
      "Assign the body's next resolution number for a year to a signed resolution before it is "
      "promulgated (secretariat; promulgation does it when not done).",
      {IdField("resolution", &AssignResolutionNumber::resolution),
       CountField("year", &AssignResolutionNumber::year)},
      [](Call& c, CommandService& s, AssignResolutionNumber& cmd) -> Result<CommandOutcome> {
        ECAB_TRY(Checked(c, s, AssignResolutionNumber::kAction,
                         [&] { return NumberableResolution(c, s, cmd.resolution); }));
        return OnBody(c, s, cmd);
      });
}

// How a person is reached, as the admin sets it.
Fields<ContactSet> ContactFields() {
  return {NameField("email", &ContactSet::email, kOptional),
          NameField("phone", &ContactSet::phone, kOptional),
          EnumField("language", &ContactSet::language, Languages(), kOptional),
          IdsField("channels", &ContactSet::channels, kOptional),
          CountField("quiet_from", &ContactSet::quiet_from, kOptional),
          CountField("quiet_to", &ContactSet::quiet_to, kOptional),
          FlagField("sms_ascii", &ContactSet::sms_ascii, kOptional)};
}

// Contact details (personal data: the person and the admin only) and passwords.
void AddPersonalRoutes(App& app) {
  const std::string b = kBodyPath;
  Command<SetContact>(
      app, "PUT", b + "/people/{person}/contact", "directory",
      "Set how a person is reached (admin): email, phone (E.164), language (vi, en), channels in "
      "order of "
      "preference (email, sms, in_app), quiet hours (minutes after midnight, Asia/Ho_Chi_Minh; "
      "urgent items "
      "still go), SMS without diacritics. Personal data: readable by the person and the admin "
      "only.",
      Inside(&SetContact::contact,
             Join(Fields<ContactSet>{PathParam("person", &ContactSet::person)}, ContactFields())),
      &OnBody);
  app.Add(Route{
      .method = "GET",
      .pattern = b + "/people/{person}/contact",
      .tag = "directory",
      .summary = "How a person is reached: for the person and the body's admin only (others: 404).",
      .handle = [](Call& c) {
        const bool allowed =
            c.role == Role::kAdmin || (c.principal && c.principal->person == c.params["person"]);
        auto it = c.body_state->contacts.find(c.params["person"]);
        if (!allowed || it == c.body_state->contacts.end()) {
          return ProblemResponse(404, "not-found", "Not found",
                                 "no contact details of '" + c.params["person"] + "' for you");
        }
        const auto& k = it->second;
        return Json(200, {{"person", k.person},
                          {"email", k.email},
                          {"phone", k.phone},
                          {"language", k.language},
                          {"channels", k.channels},
                          {"quiet_from", k.quiet_from < 0 ? nlohmann::json(nullptr)
                                                          : nlohmann::json(k.quiet_from)},
                          {"quiet_to",
                           k.quiet_to < 0 ? nlohmann::json(nullptr) : nlohmann::json(k.quiet_to)},
                          {"sms_ascii", k.sms_ascii}});
      }});

  // ---- identity administration (a secret, not an act: kept out of the log) ----
  struct NewPassword {
    std::string password;
  };
  app.Add(TypedRoute<NewPassword>(
      {.method = "PUT",
       .pattern = b + "/people/{person}/password",
       .tag = "identity",
       .summary = "Set the login password of a person enrolled in the body (admin)."},
      {TextField("password", &NewPassword::password)}, [&app](Call& c, NewPassword& request) {
        if (c.role != Role::kAdmin) {
          return ProblemResponse(403, "forbidden", "Forbidden",
                                 "only the body's admin sets passwords");
        }
        if (!c.body_state->people.count(c.params["person"])) {
          return ProblemResponse(404, "not-found", "Not found",
                                 "no person '" + c.params["person"] + "' in this body");
        }
        if (auto s = app.SetPassword(c.params["person"], request.password); !s.ok())
          return FromError(s.error());
        return Json(200, {{"person", c.params["person"]}, {"password_set", true}});
      }));
}

}  // namespace

void RegisterDirectoryCommands(App& app) {
  AddPeopleCommands(app);
  AddRuleCommands(app);
  AddPersonalRoutes(app);
}

}  // namespace ecab::api
