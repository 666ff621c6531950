#include "api/schema.h"

#include <set>
#include <vector>

#include "domain/base/ids.h"
#include "domain/base/time.h"
#include "eventstore/record.h"

namespace ecab::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxName = 256;
constexpr std::size_t kMaxText = 64 * 1024;
constexpr std::size_t kMaxItems = 1000;

BadInput Bad(std::string type, std::string title, std::string detail, std::string field) {
  return BadInput{422, std::move(type), std::move(title), std::move(detail), std::move(field)};
}

std::string TypeName(FieldType t) {
  switch (t) {
    case FieldType::kId:
      return "an id";
    case FieldType::kName:
      return "a short string";
    case FieldType::kText:
      return "a string";
    case FieldType::kInteger:
      return "a non-negative integer";
    case FieldType::kBoolean:
      return "a boolean";
    case FieldType::kIds:
      return "an array of strings";
    case FieldType::kTimestamp:
      return "an RFC 3339 date-time string";
    case FieldType::kEnum:
      return "one of the listed strings";
    case FieldType::kSignature:
      return "a signature object";
    case FieldType::kBase64:
      return "a base64 string";
  }
  return "a value";
}

// Why `v` is not a valid value for `f`, or "".
std::string Check(const Field& f, const json& v, std::string& problem_type) {
  problem_type = "wrong-type";
  auto string_within = [&](std::size_t max) -> std::string {
    if (!v.is_string()) return "must be " + TypeName(f.type);
    const auto& s = v.get_ref<const std::string&>();
    problem_type = "invalid-value";
    if (f.type == FieldType::kName && s.empty()) return "must not be empty";
    if (s.size() > max) return "is longer than " + std::to_string(max) + " bytes";
    if (f.type == FieldType::kId) {
      if (auto problem = IdProblem(s); !problem.empty())
        return problem + " (ids: " + std::string(kIdPattern) + ")";
    }
    return "";
  };
  switch (f.type) {
    case FieldType::kId:
      return string_within(kMaxIdBytes);
    case FieldType::kName:
      return string_within(kMaxName);
    case FieldType::kText:
      return string_within(kMaxText);
    case FieldType::kInteger:
      return v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0)
                 ? ""
                 : "must be " + TypeName(f.type);
    case FieldType::kBoolean:
      return v.is_boolean() ? "" : "must be " + TypeName(f.type);
    case FieldType::kIds: {
      if (!v.is_array()) return "must be " + TypeName(f.type);
      if (v.size() > kMaxItems) return "has more than " + std::to_string(kMaxItems) + " items";
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) return "item " + std::to_string(i) + " must be a string";
        const auto& s = v[i].get_ref<const std::string&>();
        if (auto problem = IdProblem(s); !problem.empty()) {
          problem_type = "invalid-value";
          return "item " + std::to_string(i) + " " + problem + " (ids: " + std::string(kIdPattern) +
                 ")";
        }
      }
      return "";
    }
    case FieldType::kTimestamp: {
      if (!v.is_string()) return "must be " + TypeName(f.type);
      problem_type = "invalid-value";
      return ParseRfc3339(v.get<std::string>()).ok() ? "" : "is not an RFC 3339 date-time";
    }
    case FieldType::kEnum: {
      if (!v.is_string()) return "must be a string";
      problem_type = "invalid-value";
      for (const auto& allowed : f.values) {
        if (v.get_ref<const std::string&>() == allowed) return "";
      }
      std::string list;
      for (const auto& allowed : f.values) list += (list.empty() ? "" : ", ") + allowed;
      return "must be one of: " + list;
    }
    case FieldType::kBase64: {
      if (!v.is_string()) return "must be " + TypeName(f.type);
      problem_type = "invalid-value";
      return Base64Decode(v.get<std::string>()) ? "" : "is not valid base64";
    }
    case FieldType::kSignature: {
      if (!v.is_object()) return "must be " + TypeName(f.type);
      for (const auto& [key, value] : v.items()) {
        if (key != "algorithm" && key != "value" && key != "certificate" && key != "signed_at") {
          problem_type = "unknown-field";
          return "has an unknown field '" + key + "'";
        }
      }
      for (const char* key : {"algorithm", "value", "certificate", "signed_at"}) {
        if (!v.contains(key)) {
          problem_type = "missing-field";
          return "lacks '" + std::string(key) + "'";
        }
        if (!v[key].is_string()) return "." + std::string(key) + " must be a string";
      }
      problem_type = "invalid-value";
      if (!Base64Decode(v["value"].get<std::string>())) return ".value is not valid base64";
      if (!ParseRfc3339(v["signed_at"].get<std::string>()).ok())
        return ".signed_at is not an RFC 3339 date-time";
      return "";
    }
  }
  return "";
}

// Keeps a parser message printable: bytes outside ASCII become '?'.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s)
    out.push_back(static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e ? '?'
                                                                                               : c);
  return out;
}

}  // namespace

std::variant<json, BadInput> ParseStrict(std::string_view body, const Schema& schema) {
  json doc = json::object();
  auto malformed = [](const std::string& detail) {
    return BadInput{400, "malformed-json", "Malformed JSON", detail, ""};
  };
  if (body.starts_with("\xEF\xBB\xBF"))
    return malformed("the body starts with a byte-order mark (send UTF-8 without one)");
  if (auto nul = body.find('\0'); nul != std::string_view::npos) {
    return malformed("the body holds a NUL byte at byte " + std::to_string(nul));
  }
  if (!body.empty()) {
    // Keys seen in each open object: a key given twice is refused, not resolved.
    std::vector<std::set<std::string>> keys;
    std::string duplicate;
    const json::parser_callback_t watch = [&](int, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::object_start) keys.emplace_back();
      if (event == json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
      if (event == json::parse_event_t::key && !keys.empty() && duplicate.empty() &&
          !keys.back().insert(parsed.get<std::string>()).second) {
        duplicate = parsed.get<std::string>();
      }
      return true;
    };
    try {
      doc = json::parse(body, watch);
    } catch (const json::parse_error& e) {
      std::string reason = Printable(e.what());
      if (auto colon = reason.find(": "); colon != std::string::npos)
        reason = reason.substr(colon + 2);
      if (reason.size() > 200) reason = reason.substr(0, 200) + "…";
      return malformed("the body is not valid JSON at byte " + std::to_string(e.byte) + ": " +
                       reason);
    } catch (const json::exception&) {
      // A number beyond what a double holds (1e999, 10^100000): never echoed back.
      return Bad("invalid-value", "Invalid value", "the body holds a number out of range", "");
    }
    if (!duplicate.empty()) {
      return malformed("the body gives the key '" + Printable(duplicate.substr(0, 100)) +
                       "' twice in one object");
    }
  }
  if (!doc.is_object())
    return Bad("wrong-type", "Wrong type", "the body must be a JSON object", "");
  for (const auto& item : doc.items()) {
    const std::string& key = item.key();
    const bool known =
        std::any_of(schema.begin(), schema.end(), [&](const Field& f) { return f.name == key; });
    if (!known) {
      return Bad("unknown-field", "Unknown field",
                 "the body has a field '" + Printable(key) + "' this request does not take",
                 Printable(key));
    }
  }
  for (const Field& f : schema) {
    auto it = doc.find(f.name);
    if (it == doc.end() || it->is_null()) {
      if (f.required)
        return Bad("missing-field", "Missing field",
                   "the body lacks the required field '" + f.name + "'", f.name);
      continue;
    }
    std::string type;
    if (std::string why = Check(f, *it, type); !why.empty()) {
      const std::string title = type == "wrong-type"      ? "Wrong type"
                                : type == "missing-field" ? "Missing field"
                                : type == "unknown-field" ? "Unknown field"
                                                          : "Invalid value";
      return Bad(type, title, "field '" + f.name + "' " + why, f.name);
    }
  }
  return doc;
}

json JsonSchemaOf(const Schema& schema) {
  json properties = json::object();
  json required = json::array();
  for (const Field& f : schema) {
    json p;
    switch (f.type) {
      case FieldType::kId:
        p = {{"type", "string"},
             {"minLength", 1},
             {"maxLength", kMaxIdBytes},
             {"pattern", kIdPattern}};
        break;
      case FieldType::kName:
        p = {{"type", "string"}, {"minLength", 1}, {"maxLength", kMaxName}};
        break;
      case FieldType::kText:
        p = {{"type", "string"}, {"maxLength", kMaxText}};
        break;
      case FieldType::kInteger:
        p = {{"type", "integer"}, {"minimum", 0}};
        break;
      case FieldType::kBoolean:
        p = {{"type", "boolean"}};
        break;
      case FieldType::kIds:
        p = {{"type", "array"},
             {"maxItems", kMaxItems},
             {"items",
              {{"type", "string"},
               {"minLength", 1},
               {"maxLength", kMaxIdBytes},
               {"pattern", kIdPattern}}}};
        break;
      case FieldType::kTimestamp:
        p = {{"type", "string"}, {"format", "date-time"}};
        break;
      case FieldType::kEnum:
        p = {{"type", "string"}, {"enum", f.values}};
        break;
      case FieldType::kSignature:
        p = {{"$ref", "#/components/schemas/Signature"}};
        break;
      case FieldType::kBase64:
        p = {{"type", "string"}, {"contentEncoding", "base64"}};
        break;
    }
    properties[f.name] = p;
    if (f.required) required.push_back(f.name);
  }
  json out = {{"type", "object"}, {"additionalProperties", false}, {"properties", properties}};
  if (!required.empty()) out["required"] = required;
  return out;
}

std::optional<std::uint64_t> ParseCount(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::string Base64Encode(std::string_view bytes) { return es::ToBase64(bytes); }

std::optional<std::string> Base64Decode(std::string_view text) { return es::FromBase64(text); }

}  // namespace ecab::api
