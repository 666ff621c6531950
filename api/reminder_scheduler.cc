#include "api/reminder_scheduler.h"

#include "api/log.h"

namespace ecab::api {

ReminderScheduler::ReminderScheduler(CommandService& commands, const es::ViewStore& views,
                                     const proj::Runner& runner, es::Clock& clock,
                                     std::string actor, proj::ReminderPolicy policy)
    : commands_(commands),
      views_(views),
      runner_(runner),
      clock_(clock),
      actor_(std::move(actor)),
      policy_(std::move(policy)) {}

Result<std::size_t> ReminderScheduler::RunOnce() {
  const std::uint64_t head = commands_.store().head_position();
  if (!runner_.WaitFor(head, std::chrono::steady_clock::now() + policy_.catch_up)) {
    return MakeError(ErrorCode::kShutDown, "the task view did not reach position " +
                                               std::to_string(head) +
                                               "; reminders are held back rather than sent twice");
  }
  const Timestamp now = clock_.Now();
  ECAB_TRY_LET(due, proj::FindDueReminders(views_, now, policy_));
  std::size_t recorded = 0;
  for (const auto& d : *due) {
    const CommandContext ctx{now, actor_, Role::kSecretariat, "",
                             reminders::ReminderCommandId(d.command)};
    ECAB_TRY_LET(outcome, commands_.Execute(d.body, d.command, ctx));
    if (outcome->events > 0) ++recorded;
  }
  return recorded;
}

ReminderLoop::ReminderLoop(std::unique_ptr<ReminderScheduler> scheduler,
                           std::chrono::milliseconds every)
    : scheduler_(std::move(scheduler)), every_(every) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (wake_.wait_for(lock, every_, [this] { return stop_; })) break;
      lock.unlock();
      auto recorded = scheduler_->RunOnce();
      if (!recorded.ok()) {
        LogEvent(spdlog::level::warn,
                 {{"msg", "reminders not sent this round; the next round tries again"},
                  {"error", ToString(recorded.error())}});
      } else if (*recorded > 0) {
        LogEvent(spdlog::level::info, {{"msg", "reminders recorded"}, {"count", *recorded}});
      }
      lock.lock();
      if (recorded.ok()) recorded_ += *recorded;
    }
  });
}

ReminderLoop::~ReminderLoop() { Stop(); }

void ReminderLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t ReminderLoop::recorded() const {
  std::lock_guard lock(mu_);
  return recorded_;
}

}  // namespace ecab::api
