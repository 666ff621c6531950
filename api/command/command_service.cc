#include "api/command/command_service.h"

#include <deque>
#include <future>
#include <set>
#include <sstream>

#include "api/command/fold.h"
#include "domain/base/streams.h"
#include "domain/codec/codec.h"
#include "domain/signing/signed_act.h"
#include "eventstore/record.h"

namespace ecab::api {

template <class State, class Event>
Result<Loaded<State>> CommandService::Load(const std::string& stream) {
  Loaded<State> current;
  {
    std::lock_guard g(mu_);
    if (auto it = cache_.find(stream); it != cache_.end())
      current = *std::static_pointer_cast<Loaded<State>>(it->second);
  }
  const std::uint64_t cached = current.version;
  for (;;) {
    ECAB_TRY_LET(events,
                 store_.ReadStream(stream, current.version + 1, es::Direction::kForward, 512));
    for (const auto& e : *events) {
      ECAB_TRY_LET(decoded, Fold<State>::Decoder().Decode(e.type, e.schema_version, e.payload));
      current.state = Fold<State>::Apply(std::move(current.state), *decoded);
      current.version = e.version;
      current.body = e.body;
    }
    if (events->size() < 512) break;
  }
  if (current.version != cached) {
    std::lock_guard g(mu_);
    if (cache_.size() >= kMaxStreams) cache_.clear();  // bounded; the store is the truth
    cache_[stream] = std::make_shared<Loaded<State>>(current);
  }
  return current;
}

template <class State, class Event>
struct CommandService::Job {
  const CommandContext* ctx = nullptr;
  std::function<Result<std::vector<Event>>(const State&)> decide;
  std::promise<Result<CommandOutcome>> done;
  int attempts = 0;
};

template <class State, class Event>
struct CommandService::Queue {
  std::mutex mu;
  std::deque<Job<State, Event>*> jobs;
  bool busy = false;  // a caller is deciding this stream's commands
};

template <class State, class Event, class Decide>
Result<CommandOutcome> CommandService::Run(const std::string& body, const std::string& stream,
                                           const CommandContext& ctx, Decide&& decide) {
  std::shared_ptr<Queue<State, Event>> queue;
  {
    std::lock_guard g(mu_);
    if (queues_.size() >= kMaxStreams) {  // bounded: forget the idle queues (held by no caller)
      std::erase_if(queues_, [](const auto& entry) { return entry.second.use_count() == 1; });
    }
    auto& slot = queues_[stream];
    if (!slot) slot = std::make_shared<Queue<State, Event>>();
    queue = std::static_pointer_cast<Queue<State, Event>>(slot);
  }
  Job<State, Event> job;
  job.ctx = &ctx;
  job.decide = std::forward<Decide>(decide);
  auto result = job.done.get_future();
  {
    std::unique_lock lock(queue->mu);
    queue->jobs.push_back(&job);
    if (queue->busy) {
      lock.unlock();
      return result.get();  // the caller deciding this stream answers
    }
    queue->busy = true;
  }
  for (;;) {
    std::vector<Job<State, Event>*> jobs, again;
    {
      std::lock_guard g(queue->mu);
      if (queue->jobs.empty()) {
        queue->busy = false;
        break;
      }
      jobs.assign(queue->jobs.begin(), queue->jobs.end());
      queue->jobs.clear();
    }
    Process<State, Event>(body, stream, jobs, again);
    if (!again.empty()) {
      std::lock_guard g(queue->mu);
      queue->jobs.insert(queue->jobs.begin(), again.begin(), again.end());
    }
  }
  return result.get();
}

template <class State, class Event>
void CommandService::Process(const std::string& body, const std::string& stream,
                             std::vector<Job<State, Event>*>& jobs,
                             std::vector<Job<State, Event>*>& again) {
  auto loaded = Load<State, Event>(stream);
  if (!loaded.ok()) {
    for (auto* job : jobs) job->done.set_value(loaded.error());
    return;
  }
  if (loaded->version > 0 && loaded->body != body) {
    for (auto* job : jobs) {
      job->done.set_value(
          MakeError(ErrorCode::kNotFound, "'" + stream + "' is not in body '" + body + "'"));
    }
    return;
  }
  Loaded<State> current = std::move(loaded).value();
  std::vector<es::AppendRequest> requests;
  std::vector<Job<State, Event>*> appending;
  std::vector<std::size_t> counts;
  std::set<std::string> ids;
  for (auto* job : jobs) {
    const CommandContext& ctx = *job->ctx;
    if (!ids.insert(ctx.command_id)
             .second) {  // the same command twice: answered after the first lands
      again.push_back(job);
      continue;
    }
    auto prior = store_.FindCommand(ctx.command_id);
    if (!prior.ok()) {
      job->done.set_value(prior.error());
      continue;
    }
    if (prior->has_value()) {  // a retry: the first answer, if it is the same request
      if (ctx.request_digest && (*prior)->fingerprint != *ctx.request_digest) {
        job->done.set_value(MakeError(
            ErrorCode::kIdempotencyMismatch,
            "the key of command '" + ctx.command_id + "' was first used for a different request"));
      } else {
        job->done.set_value(CommandOutcome{(*prior)->result, stream, 0, true});
      }
      continue;
    }
    Result<std::vector<Event>> decided = job->decide(current.state);
    if (!decided.ok()) {
      job->done.set_value(decided.error());
      continue;
    }
    if (decided->empty()) {
      job->done.set_value(
          CommandOutcome{es::AppendResult{0, 0, current.version}, stream, 0, false});
      continue;
    }
    es::AppendRequest request;
    request.body = body;
    request.stream = stream;
    request.expected = current.version == 0 ? es::ExpectedVersion::NoStream()
                                            : es::ExpectedVersion::Exactly(current.version);
    request.command_id = ctx.command_id;
    request.correlation_id = ctx.command_id;
    request.actor = es::Actor{ctx.actor, std::string(RoleName(ctx.role)), ctx.on_behalf_of};
    request.request_fingerprint = ctx.request_digest;
    for (const auto& e : *decided) {
      EncodedEvent encoded = EncodeVariant(e);
      request.events.push_back(es::ProposedEvent{std::move(encoded.type), encoded.schema_version,
                                                 std::move(encoded.bytes), std::nullopt});
      current.state = Fold<State>::Apply(std::move(current.state), e);
    }
    current.version += decided->size();
    current.body = body;
    counts.push_back(decided->size());
    requests.push_back(std::move(request));
    appending.push_back(job);
  }
  if (requests.empty()) return;
  auto results = store_.AppendMany(std::move(requests));
  bool all_ok = true;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      appending[i]->done.set_value(CommandOutcome{*results[i], stream, counts[i], false});
      continue;
    }
    all_ok = false;
    // A conflict (another writer, or an earlier request of this group that
    // failed): decided again on the fresh state.
    if (results[i].error().code == ErrorCode::kWrongExpectedVersion &&
        ++appending[i]->attempts < 5) {
      again.push_back(appending[i]);
    } else {
      appending[i]->done.set_value(results[i].error());
    }
  }
  std::lock_guard g(mu_);
  if (all_ok) {
    if (cache_.size() >= kMaxStreams) cache_.clear();
    cache_[stream] = std::make_shared<Loaded<State>>(std::move(current));
  } else {
    cache_.erase(stream);  // the store is the truth again
  }
}

Result<Loaded<directory::Body>> CommandService::Body(const std::string& body) {
  return Load<directory::Body, directory::DirectoryEvent>(StreamOf(ObjectKind::kBody, body));
}
Result<std::shared_ptr<const Loaded<directory::Body>>> CommandService::BodySnapshot(
    const std::string& body) {
  const std::uint64_t head = store_.head_position();
  std::shared_ptr<const Loaded<directory::Body>> known;
  {
    std::lock_guard g(mu_);
    if (auto it = bodies_.find(body); it != bodies_.end()) {
      if (it->second.checked_at == head) return it->second.loaded;
      known = it->second.loaded;
    }
  }
  if (known) {
    // The log grew: has this body's stream? One short read instead of a copy.
    ECAB_TRY_LET(next, store_.ReadStream(StreamOf(ObjectKind::kBody, body), known->version + 1,
                                         es::Direction::kForward, 1));
    if (next->empty()) {
      std::lock_guard g(mu_);
      auto& entry = bodies_[body];
      if (entry.loaded == known) entry.checked_at = std::max(entry.checked_at, head);
      return known;
    }
  }
  ECAB_TRY_LET(loaded, Body(body));
  auto shared = std::make_shared<const Loaded<directory::Body>>(std::move(loaded).value());
  if (shared->version == 0) return shared;  // unknown names (from any caller's path) are not kept
  std::lock_guard g(mu_);
  auto& entry = bodies_[body];
  if (!entry.loaded || entry.loaded->version != shared->version) entry.loaded = shared;
  entry.checked_at = std::max(entry.checked_at, head);
  return entry.loaded;
}

Result<Loaded<meeting::Meeting>> CommandService::Meeting(const std::string& id) {
  return Load<meeting::Meeting, meeting::MeetingEvent>(StreamOf(ObjectKind::kMeeting, id));
}
Result<Loaded<forms::Form>> CommandService::Form(const std::string& id) {
  return Load<forms::Form, forms::FormEvent>(StreamOf(ObjectKind::kForm, id));
}
Result<Loaded<resolution::Resolution>> CommandService::Resolution(const std::string& id) {
  return Load<resolution::Resolution, resolution::ResolutionEvent>(
      StreamOf(ObjectKind::kResolution, id));
}
Result<Loaded<documents::Document>> CommandService::Document(const std::string& id) {
  return Load<documents::Document, documents::DocumentEvent>(StreamOf(ObjectKind::kDocument, id));
}

Result<Loaded<platform::Platform>> CommandService::Platform() {
  return Load<platform::Platform, platform::PlatformEvent>(std::string(platform::kStream));
}

Result<CommandOutcome> CommandService::Execute(const platform::AppointAdmin& c,
                                               const CommandContext& ctx) {
  return Run<platform::Platform, platform::PlatformEvent>(
      std::string(platform::kBody), std::string(platform::kStream), ctx,
      [&](const platform::Platform& state) { return platform::Decide(state, c, ctx); });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body,
                                               const directory::BodyCommand& c,
                                               const CommandContext& ctx) {
  return Run<directory::Body, directory::DirectoryEvent>(
      body, StreamOf(ObjectKind::kBody, body), ctx,
      [&](const directory::Body& state) { return directory::Decide(state, c, ctx); });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body, const std::string& id,
                                               const meeting::MeetingCommand& c,
                                               const CommandContext& ctx) {
  ECAB_TRY_LET(b, BodySnapshot(body));
  return Run<meeting::Meeting, meeting::MeetingEvent>(
      body, StreamOf(ObjectKind::kMeeting, id), ctx,
      [&](const meeting::Meeting& state) { return meeting::Decide(state, c, ctx, (*b)->state); });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body, const std::string& id,
                                               const forms::FormCommand& c,
                                               const CommandContext& ctx) {
  ECAB_TRY_LET(b, BodySnapshot(body));
  return Run<forms::Form, forms::FormEvent>(
      body, StreamOf(ObjectKind::kForm, id), ctx,
      [&](const forms::Form& state) { return forms::Decide(state, c, ctx, (*b)->state); });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body, const std::string& id,
                                               const resolution::ResolutionCommand& c,
                                               const CommandContext& ctx) {
  ECAB_TRY_LET(b, BodySnapshot(body));
  ECAB_TRY_LET(current, Resolution(id));
  // The vote the resolution implements: named by the draft, or by the state.
  std::string meeting_id = current->state.meeting, vote_id = current->state.vote;
  if (const auto* draft = std::get_if<resolution::DraftResolution>(&c)) {
    meeting_id = draft->meeting;
    vote_id = draft->vote;
  }
  std::optional<meeting::VoteOutcome> outcome;
  if (!meeting_id.empty()) {
    ECAB_TRY_LET(m, Meeting(meeting_id));
    if (m->version > 0 && m->body == body) {
      if (auto v = m->state.votes.find(vote_id); v != m->state.votes.end() && v->second.outcome) {
        outcome = *v->second.outcome;
      }
    }
  }
  return Run<resolution::Resolution, resolution::ResolutionEvent>(
      body, StreamOf(ObjectKind::kResolution, id), ctx, [&](const resolution::Resolution& state) {
        return resolution::Decide(state, c, ctx, (*b)->state, outcome ? &*outcome : nullptr);
      });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body, const std::string& id,
                                               const documents::DocumentCommand& c,
                                               const CommandContext& ctx) {
  ECAB_TRY_LET(b, BodySnapshot(body));
  return Run<documents::Document, documents::DocumentEvent>(
      body, StreamOf(ObjectKind::kDocument, id), ctx, [&](const documents::Document& state) {
        return documents::Decide(state, c, ctx, (*b)->state);
      });
}

Result<CommandOutcome> CommandService::OnReminders(
    const std::string& body, const CommandContext& ctx,
    const std::function<Result<std::vector<reminders::ReminderEvent>>(const directory::Body&)>&
        decide) {
  ECAB_TRY_LET(b, BodySnapshot(body));
  if ((*b)->version == 0) return MakeError(ErrorCode::kNotFound, "no body '" + body + "'");
  return Run<ReminderLog, reminders::ReminderEvent>(
      body, RemindersStream(body), ctx, [&](const ReminderLog&) { return decide((*b)->state); });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body,
                                               const reminders::RecordDelivery& c,
                                               const CommandContext& ctx) {
  return OnReminders(body, ctx, [&](const directory::Body&) { return reminders::Decide(c, ctx); });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body,
                                               const reminders::RecordReminder& c,
                                               const CommandContext& ctx) {
  return OnReminders(
      body, ctx, [&](const directory::Body& state) { return reminders::Decide(c, ctx, state); });
}

Result<CommandOutcome> CommandService::Execute(const std::string& body,
                                               const reminders::RequestNotifications& c,
                                               const CommandContext& ctx) {
  return OnReminders(body, ctx, [&](const directory::Body&) { return reminders::Decide(c, ctx); });
}

}  // namespace ecab::api
