#include "api/notification_templates.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "api/notification_templates_data.h"
#include "domain/reminders/reminders.h"

namespace ecab::api {
namespace {

bool Known(std::string_view name) {
  return std::find(std::begin(kPlaceholders), std::end(kPlaceholders), name) !=
         std::end(kPlaceholders);
}

// Parses one template file; `name` for errors.
Result<NotificationText> ParseTemplate(std::string_view text, const std::string& name) {
  NotificationText t;
  std::size_t at = 0;
  for (;;) {
    const auto end = text.find('\n', at);
    const std::string_view line =
        text.substr(at, end == std::string_view::npos ? text.size() - at : end - at);
    at = end == std::string_view::npos ? text.size() : end + 1;
    if (line.empty() || line == "\r") break;
    if (line.starts_with("Subject: ")) {
      t.subject = std::string(line.substr(9));
    } else if (line.starts_with("SMS: ")) {
      t.sms = std::string(line.substr(5));
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       name +
                           ": before the blank line, only 'Subject: ' and 'SMS: ' lines (found '" +
                           std::string(line.substr(0, 40)) + "')");
    }
    if (at >= text.size()) break;
  }
  if (t.subject.empty())
    return MakeError(ErrorCode::kInvalidArgument, name + ": no 'Subject: ' line");
  t.text = std::string(text.substr(at));
  while (!t.text.empty() && (t.text.back() == '\n' || t.text.back() == '\r')) t.text.pop_back();
  for (const std::string* part : {&t.subject, &t.sms, &t.text}) {
    for (auto open = part->find("{{"); open != std::string::npos;
         open = part->find("{{", open + 2)) {
      const auto close = part->find("}}", open);
      const std::string placeholder =
          part->substr(open + 2, close == std::string::npos ? 20 : close - open - 2);
      if (close == std::string::npos || !Known(placeholder)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         name + ": unknown placeholder {{" + placeholder + "}}");
      }
    }
  }
  return t;
}

std::string Fill(const std::string& pattern, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t at = 0;
  for (auto open = pattern.find("{{"); open != std::string::npos; open = pattern.find("{{", at)) {
    const auto close = pattern.find("}}", open);
    out += pattern.substr(at, open - at);
    const std::string name = pattern.substr(open + 2, close - open - 2);
    auto it = values.find(name);
    // A value not given is a dash; a link not given (no --public-url) is left out.
    std::string value =
        it == values.end() || it->second.empty() ? (name == "link" ? "" : "—") : it->second;
    if (it != values.end() && (name == "deadline" || name == "starts_at")) {
      if (auto t = ParseRfc3339(it->second); t.ok()) value = LocalTime(*t);
    }
    out += value;
    at = close + 2;
  }
  out += pattern.substr(at);
  // Lines left ending in ": " or a space by a link left out end without them.
  std::string trimmed;
  std::size_t start = 0;
  while (start <= out.size()) {
    auto end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == ':')) line.pop_back();
    trimmed += line;
    if (end < out.size()) trimmed += '\n';
    start = end + 1;
  }
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  return trimmed;
}

// The office of `person` in `language`, or the id.
std::string Office(const directory::Body& body, const std::string& person,
                   const std::string& language) {
  auto it = body.people.find(person);
  if (it == body.people.end()) return person;
  const std::string& office =
      language == "en" || it->second.office_vi.empty() ? it->second.office : it->second.office_vi;
  return office.empty() ? person : office;
}

}  // namespace

std::map<std::string, std::string> TemplateValues(const directory::Body& body,
                                                  const std::string& recipient,
                                                  const std::string& language,
                                                  std::map<std::string, std::string> params,
                                                  const std::string& link) {
  params["link"] = link;
  params["recipient_office"] = Office(body, recipient, language);
  params["body_name"] = language == "en" || body.name_vi.empty() ? body.name : body.name_vi;
  if (auto person = params.find("person"); person != params.end()) {
    params["person_office"] = Office(body, person->second, language);
  }
  return params;
}

std::string LanguageOf(const directory::Body& body, const std::string& person) {
  auto it = body.contacts.find(person);
  return it != body.contacts.end() && it->second.language == "en" ? "en" : "vi";
}

std::string LocalTime(Timestamp t) {
  const auto local = std::chrono::floor<std::chrono::minutes>(t + std::chrono::hours(7));
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{local - day};
  char out[32];
  std::snprintf(out, sizeof out, "%02d:%02d %02u/%02u/%04d", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  return out;
}

const NotificationTemplates& NotificationTemplates::BuiltIn() {
  static const NotificationTemplates built_in = [] {
    NotificationTemplates t;
    for (const auto& [name, text] : kBuiltInNotificationTemplates) {
      auto parsed = ParseTemplate(text, std::string(name));
      if (parsed.ok())
        t.templates_[std::string(name)] = std::move(*parsed);  // a bad one fails the template test
    }
    return t;
  }();
  return built_in;
}

Result<NotificationTemplates> NotificationTemplates::Load(const std::filesystem::path& dir) {
  NotificationTemplates t = BuiltIn();
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec)
    return MakeError(ErrorCode::kInvalidArgument,
                     "notification templates: " + dir.string() + ": " + ec.message());
  for (const auto& entry : it) {
    const std::string file = entry.path().filename().string();
    if (!file.ends_with(".txt")) continue;
    const std::string name = file.substr(0, file.size() - 4);
    const auto dot = name.rfind('.');
    const std::string kind = dot == std::string::npos ? name : name.substr(0, dot);
    const std::string lang = dot == std::string::npos ? "" : name.substr(dot + 1);
    if (!reminders::KindNamed(kind) || (lang != "vi" && lang != "en")) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          entry.path().string() + ": not <kind>.<vi|en>.txt for a known kind of notification");
    }
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    ECAB_TRY_LET(parsed, ParseTemplate(text, entry.path().string()));
    t.templates_[name] = std::move(*parsed);
  }
  return t;
}

Result<NotificationText> NotificationTemplates::Render(
    std::string_view kind, std::string_view language,
    const std::map<std::string, std::string>& values) const {
  auto it = templates_.find(std::string(kind) + "." + std::string(language));
  if (it == templates_.end()) it = templates_.find(std::string(kind) + ".vi");
  if (it == templates_.end()) {
    return MakeError(ErrorCode::kNotFound,
                     "no template for notifications of kind '" + std::string(kind) + "'");
  }
  NotificationText out{Fill(it->second.subject, values), Fill(it->second.sms, values),
                       Fill(it->second.text, values)};
  if (it->second.sms.empty()) {
    auto link = values.find("link");
    out.sms =
        out.subject + (link == values.end() || link->second.empty() ? "" : " " + link->second);
  }
  return out;
}

}  // namespace ecab::api
