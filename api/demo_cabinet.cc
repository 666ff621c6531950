#include "api/demo_cabinet.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace ecab::api {
namespace {

using nlohmann::json;

Result<std::string> Field(const json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, where + ": missing text field '" + name + "'");
  }
  return it->get<std::string>();
}

Result<directory::MemberEnrolled> Person(const json& entry, const std::string& where) {
  directory::MemberEnrolled p;
  for (auto [field, target] : {std::pair{"id", &p.person}, {"office", &p.office}, {"office_vi", &p.office_vi}}) {
    auto value = Field(entry, field, where);
    if (!value.ok()) return value.error();
    *target = *value;
  }
  auto role_name = Field(entry, "role", where);
  if (!role_name.ok()) return role_name.error();
  auto role = directory::ParseRole(*role_name);
  if (!role.ok()) return MakeError(ErrorCode::kInvalidArgument, where + ": " + role.error().message);
  p.role = *role;
  return p;
}

es::ProposedEvent Proposed(const directory::DirectoryEvent& event) {
  EncodedEvent encoded = std::visit([](const auto& e) { return Encode(e); }, event);
  return es::ProposedEvent{std::move(encoded.type), encoded.schema_version, std::move(encoded.bytes),
                           std::nullopt};
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
  for (auto [field, target] : {std::pair{"id", &cabinet.body.body}, {"name", &cabinet.body.name},
                               {"name_vi", &cabinet.body.name_vi},
                               {"resolution_number_suffix", &cabinet.body.resolution_suffix}}) {
    auto value = Field(body, field, "body");
    if (!value.ok()) return value.error();
    *target = *value;
  }
  for (const char* list : {"members", "staff"}) {
    const json& entries = doc.value(list, json::array());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto person = Person(entries[i], std::string(list) + "[" + std::to_string(i) + "]");
      if (!person.ok()) return person.error();
      cabinet.people.push_back(std::move(person).value());
    }
  }
  if (cabinet.people.empty()) return MakeError(ErrorCode::kInvalidArgument, "the body has no members");
  return cabinet;
}

std::string BodyStream(std::string_view body) { return "body-" + std::string(body); }

Result<es::AppendResult> SeedCabinet(es::EventStore& store, const CabinetFixture& cabinet, Timestamp since) {
  // Decided like any command, so the seed obeys the same rules as the API.
  const CommandContext ctx{since, "bootstrap", Role::kAdmin, "", "seed:" + cabinet.body.body + ":directory:v1"};
  directory::Body body;
  std::vector<directory::DirectoryEvent> events;
  auto decide = [&](const directory::BodyCommand& command) -> Status {
    auto decided = directory::Decide(body, command, ctx);
    if (!decided.ok()) return decided.error();
    for (auto& e : *decided) {
      body = directory::Evolve(std::move(body), e);
      events.push_back(std::move(e));
    }
    return Ok{};
  };
  const auto& b = cabinet.body;
  if (auto s = decide(directory::CreateBody{b.body, b.name, b.name_vi, b.resolution_suffix}); !s.ok()) return s.error();
  for (const auto& p : cabinet.people) {
    if (auto s = decide(directory::EnrollPerson{p.person, p.office, p.office_vi, p.role}); !s.ok()) return s.error();
  }
  es::AppendRequest request;
  request.body = b.body;
  request.stream = BodyStream(b.body);
  request.expected = es::ExpectedVersion::NoStream();
  request.command_id = ctx.command_id;
  request.correlation_id = ctx.command_id;
  request.actor = es::Actor{ctx.actor, std::string(RoleName(ctx.role)), ""};
  for (const auto& e : events) request.events.push_back(Proposed(e));
  return store.Append(std::move(request));
}

}  // namespace ecab::api
