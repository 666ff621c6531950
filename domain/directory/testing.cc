#include "domain/directory/testing.h"

#include <stdexcept>

namespace ecab::testing {

Timestamp June24() { return FromMicros(1561363200000000); }

World::World(std::vector<std::string> member_ids, KeyType type)
    : ca("e-Cabinet Test CA", June24() - std::chrono::days(3650),
         June24() + std::chrono::days(3650)),
      members(std::move(member_ids)) {
  const Timestamp t = June24() - std::chrono::days(30);
  const CommandContext bootstrap = Ctx("admin", Role::kAdmin, t, "create");
  auto created = directory::Decide(
      body, directory::CreateBody{"gov-vn", "Government", "Chính phủ", "NQ-CP"}, bootstrap);
  if (!created.ok()) throw std::runtime_error(ToString(created.error()));
  for (const auto& e : *created) {
    body = directory::Evolve(std::move(body), e);
    log.push_back(e);
    log_contexts.push_back(bootstrap);
  }
  Admin(directory::SetTrustAnchor{ca.der()}, t);
  Admin(directory::EnrollPerson{"staff", "Government Office", "Văn phòng Chính phủ",
                                Role::kSecretariat},
        t);
  for (const auto& id : members) {
    Admin(directory::EnrollPerson{id, "Office of " + id, "",
                                  id == "pm" ? Role::kChair : Role::kMember},
          t);
  }
  for (const auto& id : members) {
    certs[id] = ca.Issue(id, type, t - std::chrono::days(1), t + std::chrono::days(3650));
    Admin(directory::EnrollCertificate{id, certs[id].der}, t);
  }
}

World World::WithMembers(int n, KeyType type) {
  std::vector<std::string> ids = {"pm"};
  for (int i = 2; i <= n; ++i) ids.push_back((i < 10 ? "m0" : "m") + std::to_string(i));
  return World(ids, type);
}

CommandContext World::Ctx(const std::string& actor, Role role, Timestamp now,
                          std::string command_id, std::string on_behalf_of) const {
  return CommandContext{now, actor, role, std::move(on_behalf_of), std::move(command_id)};
}

void World::Admin(const directory::BodyCommand& command, Timestamp now) {
  Apply(command, Ctx("admin", Role::kAdmin, now, "admin-" + std::to_string(++command_seq_)));
}

void World::Apply(const directory::BodyCommand& command, const CommandContext& ctx) {
  auto events = directory::Decide(body, command, ctx);
  if (!events.ok()) throw std::runtime_error(ToString(events.error()));
  for (const auto& e : *events) {
    body = directory::Evolve(std::move(body), e);
    log.push_back(e);
    log_contexts.push_back(ctx);
  }
}

void World::EnrollSubstitute(const std::string& person, Timestamp now) {
  Admin(directory::EnrollPerson{person, "Deputy minister", "Thứ trưởng", Role::kSubstitute}, now);
  IssueCertificate(person, now);
}

void World::IssueCertificate(const std::string& person, Timestamp now) {
  certs[person] = ca.Issue(person, certs.begin()->second.type, now - std::chrono::days(1),
                           now + std::chrono::days(365));
  Admin(directory::EnrollCertificate{person, certs[person].der}, now);
}

SignedAct World::SignAs(const std::string& person, const SigningPayload& payload) const {
  return Sign(certs.at(person), CanonicalJson(payload), payload.time);
}

}  // namespace ecab::testing
