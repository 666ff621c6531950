#include "projections/reminder_scheduler.h"

#include "domain/directory/body.h"
#include "domain/reminders/reminders.h"

namespace ecab::proj {
namespace {

// The body as of now, folded from its stream.
Result<directory::Body> LoadBody(const es::EventStore& store, const std::string& body_id) {
  directory::Body body;
  for (std::uint64_t from = 1;;) {
    auto events = store.ReadStream("body-" + body_id, from, es::Direction::kForward, 1000);
    if (!events.ok()) return events.error();
    for (const auto& e : *events) {
      auto decoded = directory::DirectoryDecoder().Decode(e.type, e.schema_version, e.payload);
      if (!decoded.ok()) return decoded.error();
      body = directory::Evolve(std::move(body), *decoded);
    }
    if (events->size() < 1000) return body;
    from = events->back().version + 1;
  }
}

}  // namespace

ReminderScheduler::ReminderScheduler(es::EventStore& store, const es::ViewStore& views, const Runner& runner,
                                     es::Clock& clock, std::string actor, ReminderPolicy policy)
    : store_(store), views_(views), runner_(runner), clock_(clock), actor_(std::move(actor)),
      policy_(std::move(policy)) {}

Result<std::size_t> ReminderScheduler::Remind(const TaskBook& book, Timestamp now,
                                              std::map<std::string, directory::Body>& bodies) {
  if (!book.open || !book.has_deadline || (book.kind != "answer_form" && book.kind != "rsvp")) return std::size_t{0};
  auto cached = bodies.find(book.body);
  if (cached == bodies.end()) {
    auto loaded = LoadBody(store_, book.body);
    if (!loaded.ok()) return loaded.error();
    cached = bodies.emplace(book.body, std::move(loaded).value()).first;
  }
  const directory::Body* body = &cached->second;
  std::size_t sent = 0;
  for (const auto& [person, task] : book.people) {
    if (task.done) continue;
    std::vector<reminders::RecordReminder> due;
    const auto kind = book.kind == "rsvp" ? reminders::TaskKind::kRsvp : reminders::TaskKind::kAnswerForm;
    if (now >= book.deadline) {
      due.push_back({kind, book.object, book.title, person, "overdue", 0, book.deadline, book.deadline, book.responsible});
    } else {
      for (auto offset : policy_.before) {
        const Timestamp at = book.deadline - offset;
        if (now >= at) {
          due.push_back({kind, book.object, book.title, person, "before", static_cast<std::uint32_t>(offset.count()),
                         at, book.deadline, book.responsible});
        }
      }
    }
    for (const auto& r : due) {
      if (task.reminded.contains(r.stage + ":" + std::to_string(r.offset_minutes))) continue;
      const CommandContext ctx{now, actor_, Role::kSecretariat, "", reminders::ReminderCommandId(r)};
      auto events = reminders::Decide(r, ctx, *body);
      if (!events.ok()) return events.error();
      es::AppendRequest request;
      request.body = book.body;
      request.stream = "reminders-" + book.body;
      request.command_id = ctx.command_id;
      request.correlation_id = book.object;
      request.actor = {actor_, "secretariat", ""};
      for (const auto& e : *events) {
        EncodedEvent encoded = EncodeVariant(e);
        request.events.push_back({encoded.type, encoded.schema_version, encoded.bytes, std::nullopt});
      }
      auto appended = store_.Append(std::move(request));
      if (!appended.ok()) return appended.error();
      ++sent;
    }
  }
  return sent;
}

Result<std::size_t> ReminderScheduler::RunOnce() {
  const std::uint64_t head = store_.head_position();
  if (!runner_.WaitFor(head, std::chrono::steady_clock::now() + policy_.catch_up)) {
    return MakeError(ErrorCode::kShutDown, "the task view did not reach position " + std::to_string(head) +
                                               "; reminders are held back rather than sent twice");
  }
  const Timestamp now = clock_.Now();
  std::map<std::string, directory::Body> bodies;
  std::size_t sent = 0;
  std::string after;
  for (;;) {
    auto page = views_.Scan("tasks/book/", 256, after);
    if (!page.ok()) return page.error();
    for (const auto& [key, value] : *page) {
      auto book = DecodeState<TaskBook>(value);
      if (!book.ok()) return book.error();
      auto n = Remind(*book, now, bodies);
      if (!n.ok()) return n.error();
      sent += *n;
    }
    if (page->size() < 256) return sent;
    after = page->back().first;
  }
}

}  // namespace ecab::proj
