// api/notification_templates.h — what a notification says, per kind
// (reminders::NotificationKind) and language ("vi", "en"), from template
// files an operator may change: api/templates/notifications/<kind>.<lang>.txt
// are built in; --notification-templates DIR replaces any of them.
//
// A template file (UTF-8):
//   Subject: <one line>          the email's subject
//   SMS: <one line>              the text message (optional: subject + link)
//   <blank line>
//   <the email's text, any number of lines>
// where {{name}} is replaced by a value (kPlaceholders). Times (deadline,
// starts_at) arrive as RFC 3339 and are written in Asia/Ho_Chi_Minh time,
// "09:00 24/06/2019".
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "domain/base/result.h"
#include "domain/base/time.h"
#include "domain/directory/body.h"

namespace ecab::api {

// Every name a template may use.
inline constexpr std::string_view kPlaceholders[] = {
    "title", "starts_at",     "place",    "item",   "documents",        "deadline",
    "hours", "person_office", "question", "number", "recipient_office", "body_name",
    "link"};

struct NotificationText {
  std::string subject, sms, text;
};

class NotificationTemplates {
 public:
  // The built-in templates (every kind in "vi" and "en").
  static const NotificationTemplates& BuiltIn();
  // The built-in ones with every <kind>.<lang>.txt of `dir` in their place.
  // Errors (kInvalidArgument, naming the file): a file name that is not a
  // known kind and language, a file without its Subject line, a placeholder
  // that is not in kPlaceholders.
  static Result<NotificationTemplates> Load(const std::filesystem::path& dir);

  // `kind` in `language` ("vi" when the language has no template), with
  // `values` put in; a value not given is written "—". Errors: no template
  // for `kind` (kNotFound).
  Result<NotificationText> Render(std::string_view kind, std::string_view language,
                                  const std::map<std::string, std::string>& values) const;

 private:
  std::map<std::string, NotificationText> templates_;  // by "<kind>.<lang>"
};

// What a template gets for `recipient` of `body` in `language`: `params`,
// plus recipient_office, person_office (of params["person"]), body_name and
// link, in that language.
std::map<std::string, std::string> TemplateValues(const directory::Body& body,
                                                  const std::string& recipient,
                                                  const std::string& language,
                                                  std::map<std::string, std::string> params,
                                                  const std::string& link);

// The language `person` of `body` reads notifications in ("vi" unless their
// contact details say "en").
std::string LanguageOf(const directory::Body& body, const std::string& person);

// `t` as "HH:MM dd/mm/yyyy" in Asia/Ho_Chi_Minh (UTC+7 all year).
std::string LocalTime(Timestamp t);

}  // namespace ecab::api
