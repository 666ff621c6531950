// api/notifier.h — the notification dispatcher: consumes
// notification.requested from the log and delivers each on the recipient's
// channels — email (api/mailer.h) and SMS (api/sms_gateway.h); in-app is the
// inbox itself — in the recipient's language from the operator's templates
// (api/notification_templates.h), recording every attempt's outcome as
// notification.delivered / notification.failed through the command side
// (actor "system:dispatcher").
//
// The log is the outbox: what is pending is what was requested and has
// neither a delivery nor a final failure, so after a restart the dispatcher
// reads the log from the start and carries on where it stopped. An attempt
// whose outcome was not recorded (the process died between the provider's
// answer and the append) is made again with the same Message-ID (email) or
// idempotency key (SMS): a relay, reader or gateway that deduplicates by it
// sees it once, others at most twice.
//
// Retries: exponential backoff from `first_retry`, doubled per attempt up to
// `max_retry`, with ±20 % jitter; after `max_attempts` the failure is final
// (the secretariat's dashboard and /metrics show it). A provider's refusal
// (SMTP 5xx, an HTTP 4xx other than 408/429) is final at once.
//
// Channels: a notification goes out on the channels it names that the
// recipient could be reached on (contact details with an address) when it
// was requested, to the address they have when it is sent.
//
// Quiet hours: a recipient's non-urgent messages wait until their quiet
// hours end (Asia/Ho_Chi_Minh); urgent ones go at once. Rate limits: at most
// `per_second` messages a second per provider (token bucket, burst of one
// second's worth). Up to `connections` messages are sent at once, each
// sending thread keeping its connection to the provider open.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "api/command/command_service.h"
#include "api/mailer.h"
#include "api/notification_templates.h"
#include "api/sms_gateway.h"
#include "eventstore/clock.h"
#include "eventstore/event_store.h"

namespace ecab::api {

struct NotifierOptions {
  std::uint32_t max_attempts = 6;
  std::chrono::milliseconds first_retry{2'000};
  std::chrono::milliseconds max_retry{10 * 60'000};
  std::string link_base;        // "https://cabinet.example" for links in messages; "": none
  double email_per_second = 0;  // 0: no limit
  double sms_per_second = 0;    // 0: no limit
  unsigned connections = 4;     // messages sent at once
  bool sms_ascii = false;       // every SMS without diacritics (else as each person chose)
  std::shared_ptr<const NotificationTemplates> templates;  // nullptr: the built-in ones
};

struct ChannelStats {
  std::uint64_t delivered = 0, failed_attempts = 0, failed_final = 0;
};
struct NotifierStats {
  std::map<std::string, ChannelStats> channels;  // "email", "sms"
  std::size_t pending = 0;
  double oldest_pending_seconds = 0;
};

class Notifier {
 public:
  Notifier(const es::EventStore& store, CommandService& commands, Mailer mailer, SmsGateway sms,
           es::Clock& clock, NotifierOptions options = {});

  // Reads the log to its head, then makes every attempt that is due (and
  // allowed by quiet hours and rate limits). Returns the attempts made.
  Result<std::size_t> RunOnce();
  NotifierStats stats() const;

 private:
  struct Pending {
    std::string body, recipient, channel, reference, kind;
    std::string subject, text;  // as decided, for a notification without a kind
    std::map<std::string, std::string> params;
    bool urgent = false;
    Timestamp requested_at;
    std::uint32_t attempts = 0;  // recorded so far
    Timestamp next_at;
    bool done = false;
  };
  struct Bucket {
    double per_second = 0, tokens = 0;
    Timestamp refilled;
    bool Take(Timestamp now);
  };
  Status Catch_up();
  // Whether `p` may be attempted now; else moves its next_at (quiet hours) or
  // drops it (the person has no such channel).
  bool Ready(Pending& p, Timestamp now);
  void Attempt(std::uint64_t notification, Pending& p, Timestamp now);

  const es::EventStore& store_;
  CommandService& commands_;
  Mailer mailer_;
  SmsGateway sms_;
  es::Clock& clock_;
  NotifierOptions options_;
  std::uint64_t read_to_ = 0;                                         // log positions read
  std::map<std::pair<std::uint64_t, std::string>, Pending> pending_;  // (notification, channel)
  std::map<std::string, Bucket> buckets_;                             // by channel
  std::map<std::pair<std::string, std::string>, std::set<std::string>>
      reachable_;  // (body, person) -> channels
  mutable std::mutex stats_mu_;
  NotifierStats stats_;
};

class Herald;

// The herald (what the log announces) and the dispatcher on a thread of
// their own, run every `every` (first after one period) until Stop(). Either
// may be absent.
class NotifierLoop {
 public:
  NotifierLoop(std::unique_ptr<Herald> herald, std::unique_ptr<Notifier> notifier,
               std::chrono::milliseconds every);
  ~NotifierLoop();
  void Stop();
  std::optional<NotifierStats> stats() const;

 private:
  std::unique_ptr<Herald> herald_;
  std::unique_ptr<Notifier> notifier_;
  std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ecab::api
