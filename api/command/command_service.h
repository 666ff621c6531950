// api/command_service.h — the command side, the one way in for writes:
// load an aggregate's state, decide a command on it, append the events with
// the stream version expected (docs/ARCHITECTURE.md).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/directory/body.h"
#include "domain/documents/document.h"
#include "domain/forms/form.h"
#include "domain/meeting/meeting.h"
#include "domain/platform/platform.h"
#include "domain/reminders/reminders.h"
#include "domain/resolution/resolution.h"
#include "eventstore/event_store.h"

namespace ecab::api {

// The state of one stream folded to a version.
template <class State>
struct Loaded {
  State state;
  std::uint64_t version = 0;  // 0: the stream does not exist
  std::string body;           // the body its events belong to
};

struct CommandOutcome {
  es::AppendResult append;
  std::string stream;
  std::size_t events = 0;  // appended now; 0 for a retry or a command that changed nothing
  bool replayed = false;   // a retry of a stored command: its first result
};

// Decides commands against the current state of their stream and appends the
// result with that stream version expected. Commands to one stream are
// decided one after another by whichever caller finds the stream idle: it
// takes every command queued meanwhile, decides each on the state the
// previous ones leave, and appends them together (one group commit, chained
// expected versions). A conflict with another writer is retried on the fresh
// state (up to 5 times).
class CommandService {
 public:
  explicit CommandService(es::EventStore& store) : store_(store) {}

  Result<Loaded<directory::Body>> Body(const std::string& body);
  // The body as it stands, shared rather than copied (re-read only when the
  // log has grown since the last look).
  Result<std::shared_ptr<const Loaded<directory::Body>>> BodySnapshot(const std::string& body);
  Result<Loaded<meeting::Meeting>> Meeting(const std::string& id);
  Result<Loaded<forms::Form>> Form(const std::string& id);
  Result<Loaded<resolution::Resolution>> Resolution(const std::string& id);
  Result<Loaded<documents::Document>> Document(const std::string& id);
  // The installation's own aggregate: its platform administrators.
  Result<Loaded<platform::Platform>> Platform();

  Result<CommandOutcome> Execute(const std::string& body, const directory::BodyCommand& c,
                                 const CommandContext& ctx);
  Result<CommandOutcome> Execute(const std::string& body, const std::string& meeting,
                                 const meeting::MeetingCommand& c, const CommandContext& ctx);
  Result<CommandOutcome> Execute(const std::string& body, const std::string& form,
                                 const forms::FormCommand& c, const CommandContext& ctx);
  Result<CommandOutcome> Execute(const std::string& body, const std::string& resolution,
                                 const resolution::ResolutionCommand& c, const CommandContext& ctx);
  Result<CommandOutcome> Execute(const std::string& body, const std::string& document,
                                 const documents::DocumentCommand& c, const CommandContext& ctx);
  Result<CommandOutcome> Execute(const platform::AppointAdmin& c, const CommandContext& ctx);
  // Records a due reminder in the body's reminders stream (ctx.command_id:
  // reminders::ReminderCommandId, so a reminder already recorded is a
  // replay, not a second one).
  // One delivery attempt's outcome (the dispatcher's; reminders::RecordDelivery).
  Result<CommandOutcome> Execute(const std::string& body, const reminders::RecordDelivery& c,
                                 const CommandContext& ctx);
  Result<CommandOutcome> Execute(const std::string& body, const reminders::RecordReminder& c,
                                 const CommandContext& ctx);
  // What the log announces (the herald's; reminders::RequestNotifications).
  Result<CommandOutcome> Execute(const std::string& body, const reminders::RequestNotifications& c,
                                 const CommandContext& ctx);

  es::EventStore& store() { return store_; }
  // Bodies whose state is kept for authentication (existing ones only).
  std::size_t bodies_cached() {
    std::lock_guard g(mu_);
    return bodies_.size();
  }

 private:
  // Decides on the body's reminders stream ("reminders-<body>") with the
  // body's current state; kNotFound when there is no such body.
  Result<CommandOutcome> OnReminders(
      const std::string& body, const CommandContext& ctx,
      const std::function<Result<std::vector<reminders::ReminderEvent>>(const directory::Body&)>&
          decide);
  template <class State, class Event, class Decide>
  Result<CommandOutcome> Run(const std::string& body, const std::string& stream,
                             const CommandContext& ctx, Decide&& decide);
  template <class State, class Event>
  Result<Loaded<State>> Load(const std::string& stream);
  template <class State, class Event>
  struct Job;
  template <class State, class Event>
  struct Queue;
  template <class State, class Event>
  void Process(const std::string& body, const std::string& stream,
               std::vector<Job<State, Event>*>& jobs, std::vector<Job<State, Event>*>& again);

  // Streams whose queue and folded state are kept (beyond: idle queues and
  // the cache are dropped; both are rebuilt on demand).
  static constexpr std::size_t kMaxStreams = 4096;
  es::EventStore& store_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<void>> queues_;  // stream -> Queue<State, Event>
  struct BodyEntry {
    std::shared_ptr<const Loaded<directory::Body>> loaded;
    std::uint64_t checked_at = 0;  // the log's head when last brought up to date
  };
  std::map<std::string, BodyEntry> bodies_;
  std::map<std::string, std::shared_ptr<void>> cache_;  // stream -> Loaded<State>
};

}  // namespace ecab::api
