#include "api/demo_cabinet.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "api/platform.h"
#include "domain/base/streams.h"

namespace ecab::api {
namespace {

using nlohmann::json;

Result<std::string> TextField(const json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, where + ": missing text field '" + name + "'");
  }
  return it->get<std::string>();
}

Result<directory::MemberEnrolled> Person(const json& entry, const std::string& where) {
  directory::MemberEnrolled p;
  for (auto [field, target] :
       {std::pair{"id", &p.person}, {"office", &p.office}, {"office_vi", &p.office_vi}}) {
    ECAB_TRY_LET(value, TextField(entry, field, where));
    *target = *value;
  }
  ECAB_TRY_LET(role_name, TextField(entry, "role", where));
  auto role = directory::ParseRole(*role_name);
  if (!role.ok())
    return MakeError(ErrorCode::kInvalidArgument, where + ": " + role.error().message);
  p.role = *role;
  return p;
}

}  // namespace

Result<CabinetFixture> LoadCabinetFixture(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path.string());
  const json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, path.string() + " is not a JSON object");
  }
  CabinetFixture cabinet;
  const json& body = doc.value("body", json::object());
  for (auto [field, target] : {std::pair{"id", &cabinet.body.body},
                               {"name", &cabinet.body.name},
                               {"name_vi", &cabinet.body.name_vi},
                               {"resolution_number_suffix", &cabinet.body.resolution_suffix}}) {
    ECAB_TRY_LET(value, TextField(body, field, "body"));
    *target = *value;
  }
  const std::string kind = body.value("kind", "other");
  cabinet.body.kind = directory::BodyKind::kOther;
  for (auto k : {directory::BodyKind::kCabinet, directory::BodyKind::kMinistryBoard,
                 directory::BodyKind::kPeoplesCommittee, directory::BodyKind::kCouncil,
                 directory::BodyKind::kOther}) {
    if (directory::BodyKindName(k) == kind) cabinet.body.kind = k;
  }
  if (directory::BodyKindName(cabinet.body.kind) != kind) {
    return MakeError(ErrorCode::kInvalidArgument, "body: unknown kind '" + kind + "'");
  }
  for (const char* list : {"members", "staff"}) {
    const json& entries = doc.value(list, json::array());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      ECAB_TRY_LET(person, Person(entries[i], std::string(list) + "[" + std::to_string(i) + "]"));
      cabinet.people.push_back(std::move(person).value());
    }
  }
  if (cabinet.people.empty())
    return MakeError(ErrorCode::kInvalidArgument, "the body has no members");
  return cabinet;
}

std::string BodyStream(std::string_view body) { return StreamOf(ObjectKind::kBody, body); }

Result<es::AppendResult> SeedCabinet(CommandService& commands, const CabinetFixture& cabinet,
                                     Timestamp since, const std::string& platform_admin) {
  const auto& b = cabinet.body;
  const std::string seed = "seed:" + b.body + ":";
  directory::CreateBody create{b.body, b.name, b.name_vi, b.resolution_suffix, b.kind};
  create.admin = "bootstrap";
  ECAB_TRY_LET(created, CreateBodyAs(commands, create,
                                     CommandContext{since, platform_admin, Role::kAdmin, "",
                                                    seed + "create"}));
  es::AppendResult out = created->append;
  for (const auto& p : cabinet.people) {
    ECAB_TRY_LET(
        enrolled,
        commands.Execute(
            b.body, directory::EnrollPerson{p.person, p.office, p.office_vi, p.role},
            CommandContext{since, "bootstrap", Role::kAdmin, "", seed + "person:" + p.person}));
    out.last_position = enrolled->append.last_position;
    out.stream_version = enrolled->append.stream_version;
  }
  return out;
}

}  // namespace ecab::api
