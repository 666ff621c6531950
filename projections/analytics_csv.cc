// The analytics as CSV (RFC 4180: CRLF, fields quoted when they hold a
// comma, quote or line break): one row per meeting, item, speaker or form.
#include <sstream>

#include "projections/analytics.h"

namespace ecab::proj {
namespace {

using nlohmann::json;

std::string CsvField(const json& v) {
  if (v.is_null()) return "";
  if (!v.is_string()) return v.dump();
  const std::string s = v.get<std::string>();
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char ch : s) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

std::string CsvRows(const std::vector<std::string>& columns, const std::vector<json>& rows) {
  std::ostringstream out;
  for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i];
  out << "\r\n";
  for (const json& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i)
      out << (i ? "," : "") << CsvField(row.value(columns[i], json()));
    out << "\r\n";
  }
  return out.str();
}

}  // namespace

std::string MeetingAnalyticsCsv(const json& a) {
  std::vector<json> rows;
  rows.push_back({{"kind", "meeting"},
                  {"id", a["meeting"]},
                  {"name", a["title"]},
                  {"started_at", a["opened_at"]},
                  {"ended_at", a["closed_at"]},
                  {"duration_s", a["duration_s"]}});
  for (const auto& item : a["items"]) {
    rows.push_back({{"kind", "item"},
                    {"id", item["item"]},
                    {"name", item["title"]},
                    {"started_at", item["started_at"]},
                    {"ended_at", item["ended_at"]},
                    {"duration_s", item["duration_s"]},
                    {"speaking_s", item["speaking_s"]},
                    {"speeches", item["speeches"]}});
  }
  for (const auto& s : a["speakers"]) {
    rows.push_back({{"kind", "speaker"},
                    {"id", s["person"]},
                    {"name", s["person"]},
                    {"speaking_s", s["speaking_s"]},
                    {"speeches", s["speeches"]}});
  }
  return CsvRows(
      {"kind", "id", "name", "started_at", "ended_at", "duration_s", "speaking_s", "speeches"},
      rows);
}

std::string BodyAnalyticsCsv(const json& a) {
  std::vector<json> rows;
  for (const auto& m : a["meetings"]) {
    rows.push_back({{"kind", "meeting"},
                    {"id", m["meeting"]},
                    {"title", m["title"]},
                    {"started_at", m["opened_at"]},
                    {"duration_s", m["duration_s"]},
                    {"items", m["items"]},
                    {"speaking_s", m["speaking_s"]}});
  }
  for (const auto& f : a["forms"]) {
    rows.push_back({{"kind", "form"},
                    {"id", f["form"]},
                    {"title", f["title"]},
                    {"started_at", f["issued_at"]},
                    {"addressed", f["addressed"]},
                    {"answered", f["answered"]},
                    {"median_answer_s", f["median_answer_s"]}});
  }
  return CsvRows({"kind", "id", "title", "started_at", "duration_s", "items", "speaking_s",
                  "addressed", "answered", "median_answer_s"},
                 rows);
}

}  // namespace ecab::proj
