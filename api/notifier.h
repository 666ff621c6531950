// api/notifier.h — the notification dispatcher: consumes
// notification.requested from the log and delivers each on the recipient's
// channels (email here; in-app is the inbox; SMS: not yet), recording every
// attempt's outcome as notification.delivered / notification.failed through
// the command side (actor "system:dispatcher").
//
// The log is the outbox: what is pending is what was requested and has
// neither a delivery nor a final failure, so after a restart the dispatcher
// reads the log from the start and carries on where it stopped. An attempt
// whose outcome was not recorded (the process died between the relay's
// answer and the append) is made again with the same Message-ID: a relay or
// reader that deduplicates by Message-ID sees it once, others at most twice.
//
// Retries: exponential backoff from `first_retry`, doubled per attempt up to
// `max_retry`, with ±20 % jitter; after `max_attempts` the failure is final
// (the dashboard and /metrics show it). A relay's 5xx for a recipient is
// final at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "api/command_service.h"
#include "api/mailer.h"
#include "eventstore/clock.h"
#include "eventstore/event_store.h"

namespace ecab::api {

struct NotifierOptions {
  std::uint32_t max_attempts = 6;
  std::chrono::milliseconds first_retry{2'000};
  std::chrono::milliseconds max_retry{10 * 60'000};
  std::string link_base;  // "https://cabinet.example" for links in messages; "": none
};

struct NotifierStats {
  std::uint64_t delivered = 0, failed_attempts = 0, failed_final = 0;
  std::size_t pending = 0;
  double oldest_pending_seconds = 0;
};

class Notifier {
 public:
  Notifier(const es::EventStore& store, CommandService& commands, Mailer mailer, es::Clock& clock,
           NotifierOptions options = {});

  // Reads the log to its head, then makes every attempt that is due.
  // Returns the attempts made.
  Result<std::size_t> RunOnce();
  NotifierStats stats() const;

 private:
  struct Pending {
    std::string body, recipient, channel, subject, text, reference;
    Timestamp requested_at;
    std::uint32_t attempts = 0;  // recorded so far
    Timestamp next_at;
  };
  Status Catch_up();
  void Attempt(std::uint64_t notification, Pending& p);

  const es::EventStore& store_;
  CommandService& commands_;
  Mailer mailer_;
  es::Clock& clock_;
  NotifierOptions options_;
  std::uint64_t read_to_ = 0;  // log positions read
  std::map<std::pair<std::uint64_t, std::string>, Pending> pending_;  // (notification, channel)
  std::mt19937_64 jitter_{std::random_device{}()};
  mutable std::mutex stats_mu_;
  NotifierStats stats_;
};

// The dispatcher on a thread of its own, run every `every` until Stop().
class NotifierLoop {
 public:
  NotifierLoop(std::unique_ptr<Notifier> notifier, std::chrono::milliseconds every);
  ~NotifierLoop();
  void Stop();
  NotifierStats stats() const { return notifier_->stats(); }

 private:
  std::unique_ptr<Notifier> notifier_;
  std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ecab::api
