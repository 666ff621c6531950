// projections/testing.h — the 24 June 2019 session decided and recorded in a
// store, and a helper that projects a whole log. Test code only.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "domain/meeting/testing.h"
#include "domain/resolution/resolution.h"
#include "eventstore/event_store.h"
#include "eventstore/testing.h"
#include "projections/runner.h"

namespace ecab::proj::testing {

// Appends domain events to `stream` as the command side would. With
// `contexts` (one per event), the events of one command go in one append
// under its command id and actor; without, one append per event.
template <class Event>
void AppendAll(es::EventStore& store, const std::string& stream, const std::vector<Event>& events,
               const std::vector<CommandContext>& contexts = {}) {
  for (std::size_t i = 0; i < events.size();) {
    es::AppendRequest r;
    r.body = "gov-vn";
    r.stream = stream;
    r.command_id = stream + "#" + std::to_string(i);
    r.actor = {"test", "member", ""};
    std::size_t end = i + 1;
    if (i < contexts.size()) {
      const CommandContext& ctx = contexts[i];
      r.command_id = ctx.command_id;
      r.actor = {ctx.actor, std::string(RoleName(ctx.role)), ctx.on_behalf_of};
      while (end < events.size() && end < contexts.size() &&
             contexts[end].command_id == ctx.command_id)
        ++end;
    }
    for (std::size_t k = i; k < end; ++k) {
      const EncodedEvent encoded = EncodeVariant(events[k]);
      r.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
    }
    auto result = store.Append(std::move(r));
    ASSERT_TRUE(result.ok()) << ToString(result.error());
    i = end;
  }
}

// Lets a test alter the record before it is appended, as a compromised
// server could: the body (e.g. publish a revocation list) and the meeting's events.
using Tamper = std::function<void(ecab::testing::World&, std::vector<meeting::MeetingEvent>&)>;

// The first e-Cabinet session and its resolution, decided and appended:
// streams "body-gov-vn", "meeting-1" (vote "vote-1") and "resolution-nq-eid".
inline void RecordJune24(es::EventStore& store, const Tamper& tamper = {}) {
  std::ifstream in(std::string(ECAB_FIXTURES_DIR) + "/session-2019-06-24.json");
  const nlohmann::json session = nlohmann::json::parse(in);
  std::ifstream cab_in(std::string(ECAB_FIXTURES_DIR) + "/cabinet-2019.json");
  const nlohmann::json cabinet = nlohmann::json::parse(cab_in);
  std::vector<std::string> ids;
  for (const auto& m : cabinet["members"]) ids.push_back(m["id"]);
  ecab::testing::World w(ids);
  ecab::testing::MeetingDriver d(w);
  d.Prepare();
  d.Do(meeting::OpenSession{}, "pm", Role::kChair);
  for (const auto& id : session["present_in_room"]) d.CheckIn(id, meeting::Attendance::kInRoom);
  for (const auto& id : session["absent"]) d.CheckIn(id, meeting::Attendance::kAbsent);
  d.Do(meeting::TakeUpItem{"item-1"}, "pm", Role::kChair);
  d.Do(meeting::OpenVote{"vote-1", session["question"]}, "pm", Role::kChair);
  for (const auto& id : session["ballots"]["for"]) {
    ASSERT_TRUE(d.Cast(id, meeting::Choice::kFor, ecab::testing::RoleOf(id)).ok());
  }
  d.Do(meeting::CloseVote{"vote-1"}, "pm", Role::kChair);
  d.Do(meeting::CloseSession{}, "pm", Role::kChair);
  std::vector<meeting::MeetingEvent> meeting_log = d.log;
  if (tamper) tamper(w, meeting_log);
  AppendAll(store, "body-gov-vn", w.log, w.log_contexts);
  const std::size_t body_events = w.log.size();
  AppendAll(store, "meeting-1", meeting_log, d.log_contexts);

  resolution::Resolution r;
  std::vector<resolution::ResolutionEvent> log;
  std::vector<CommandContext> contexts;
  const meeting::VoteOutcome outcome = *d.m.votes.at("vote-1").outcome;
  auto apply = [&](const resolution::ResolutionCommand& c, const std::string& actor, Role role) {
    const CommandContext ctx =
        w.Ctx(actor, role, d.now, "res-" + std::to_string(contexts.size() + log.size()));
    auto events = resolution::Decide(r, c, ctx, w.body, &outcome);
    ASSERT_TRUE(events.ok()) << ToString(events.error());
    for (const auto& e : *events) {
      r = resolution::Evolve(std::move(r), e);
      log.push_back(e);
      contexts.push_back(ctx);
    }
  };
  apply(
      resolution::DraftResolution{"nq-eid", session["question_vi"], "Text", "meeting-1", "vote-1"},
      "staff", Role::kSecretariat);
  apply(resolution::SubmitResolution{}, "staff", Role::kSecretariat);
  const std::string sign_id = "res-" + std::to_string(contexts.size() + log.size());
  apply(resolution::SignResolution{w.SignAs(
            "pm", resolution::SignaturePayload("gov-vn", r, "pm", sign_id, d.now))},
        "pm", Role::kChair);
  w.Apply(directory::AssignResolutionNumber{"nq-eid", 2019},
          w.Ctx("staff", Role::kSecretariat, d.now, "number-nq-eid"));
  apply(resolution::PromulgateResolution{}, "staff", Role::kSecretariat);
  const std::vector<directory::DirectoryEvent> numbering(w.log.begin() + body_events, w.log.end());
  const std::vector<CommandContext> numbering_contexts(w.log_contexts.begin() + body_events,
                                                       w.log_contexts.end());
  AppendAll(store, "body-gov-vn", numbering, numbering_contexts);
  AppendAll(store, "resolution-nq-eid", log, contexts);
}

// Runs `projections` over the whole log in batches of `batch`, from the
// runner's stored checkpoint.
inline void ProjectAll(es::EventStore& store, es::ViewStore& views,
                       std::vector<Projection*> projections, std::size_t batch) {
  Runner runner("main", views, std::move(projections));
  auto source = store.Subscribe(runner.position() + 1);
  while (runner.position() < store.head_position()) {
    auto applied = runner.Step(*source, batch, std::chrono::milliseconds(10));
    ASSERT_TRUE(applied.ok()) << ToString(applied.error());
  }
}

// A fixture: the 24 June 2019 log in a store, and an empty view store.
class June24Log : public ::testing::Test {
 protected:
  void SetUp() override {
    store = es::testing::OpenOrDie(dir.path() / "store");
    RecordJune24(*store);
    auto opened = es::ViewStore::Open(dir.path() / "views", es::testing::Ring());
    ASSERT_TRUE(opened.ok());
    views = std::move(opened).value();
  }

  // The position of the n-th event of `type` in the log (1-based).
  std::uint64_t PositionOf(const std::string& type, int n = 1) {
    auto all = store->ReadAll(1, 10'000);
    for (const auto& e : *all) {
      if (e.type == type && --n == 0) return e.position;
    }
    ADD_FAILURE() << "no " << type;
    return 0;
  }

  es::testing::TempDir dir;
  std::unique_ptr<es::EventStore> store;
  std::unique_ptr<es::ViewStore> views;
};

}  // namespace ecab::proj::testing
