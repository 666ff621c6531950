// domain/directory/testing.h — a body built through its own commands, with a
// test CA and a real certificate per person, for the deciders' tests.
// Test code only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "domain/directory/body.h"
#include "domain/signing/testing.h"

namespace ecab::testing {

// 2019-06-24T08:00:00Z, the first e-Cabinet session.
Timestamp June24();

class World {
 public:
  // A body "gov-vn" with admin "admin", secretariat "staff", chair "pm" and
  // the other `member_ids` as members, each with a certificate of `type`
  // enrolled, the CA as trust anchor, default policy. Built at June24() - 30 days.
  explicit World(std::vector<std::string> member_ids, KeyType type = KeyType::kEd25519);
  // Members "pm", "m02", …, up to `members` in all.
  static World WithMembers(int members, KeyType type = KeyType::kEd25519);

  directory::Body body;
  TestCa ca;
  std::map<std::string, Certificate> certs;
  std::vector<std::string> members;

  CommandContext Ctx(const std::string& actor, Role role, Timestamp now,
                     std::string command_id = "cmd", std::string on_behalf_of = "") const;
  // Every body event decided so far, with the context of each.
  std::vector<directory::DirectoryEvent> log;
  std::vector<CommandContext> log_contexts;

  // Decides `command` as the admin at `now` and folds the events in; throws on refusal.
  void Admin(const directory::BodyCommand& command, Timestamp now);
  // Decides `command` in `ctx` and folds the events in; throws on refusal.
  void Apply(const directory::BodyCommand& command, const CommandContext& ctx);
  // Enrols `person` as a substitute of the body (not a member: stands in for
  // one when named in a meeting), with a certificate.
  void EnrollSubstitute(const std::string& person, Timestamp now);
  // Issues and enrols a certificate for `person`, already a person of the body.
  void IssueCertificate(const std::string& person, Timestamp now);
  // Signs `payload` with `person`'s certificate.
  SignedAct SignAs(const std::string& person, const SigningPayload& payload) const;

 private:
  int command_seq_ = 0;
};

// Folds events into a state with the aggregate's Evolve.
template <class State, class Event, class Fn>
State FoldAll(State state, const std::vector<Event>& events, Fn evolve) {
  for (const auto& e : events) state = evolve(std::move(state), e);
  return state;
}

// `c` as `actor`, holding `role`, decides at `now` on `w`'s body.
inline Result<std::vector<directory::DirectoryEvent>> As(World& w, const directory::BodyCommand& c,
                                                         const std::string& actor, Role role,
                                                         Timestamp now = June24()) {
  return directory::Decide(w.body, c, w.Ctx(actor, role, now));
}

}  // namespace ecab::testing
