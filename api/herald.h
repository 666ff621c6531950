// api/herald.h — announces what the log records to the people it concerns,
// as notification.requested events (through the command side, actor
// "system:herald"), which the dispatcher (api/notifier.h) delivers and the
// inbox shows:
//   meeting.participant_invited     → the invitee                 (invitation)
//   meeting.agenda_item_added       → invitees who may read one of
//     with documents                  its documents               (document_distributed)
//   form.issued                     → the addressees              (form_issued; urgent when the
//   form is) meeting.vote_opened             → those attending online      (vote_opened, urgent)
//   resolution.promulgated          → the body's members          (resolution_promulgated)
//
// Once each: a source event's announcement has command id
// "notify:<position>:<kind>", and the herald first reads the whole log, so
// what was announced before a restart is not announced again. Only news is
// announced: an event recorded more than `horizon` ago, an invitation to a
// meeting that has begun, a form already closed or past its deadline, a
// vote already closed, is passed over (a node that was down for days does
// not send stale news). Messages about a classified document name no
// document.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "api/command/command_service.h"
#include "eventstore/clock.h"
#include "eventstore/event_store.h"

namespace ecab::api {

class Herald {
 public:
  Herald(const es::EventStore& store, CommandService& commands, es::Clock& clock,
         std::chrono::hours horizon = std::chrono::hours(24));
  // Reads the log to its head and announces what is new. Returns how many
  // events were announced now.
  Result<std::size_t> RunOnce();

 private:
  // The announcement of `e`, or nullopt when it announces nothing (yet).
  std::optional<reminders::RequestNotifications> Announcement(const es::RecordedEvent& e,
                                                              Timestamp now);

  const es::EventStore& store_;
  CommandService& commands_;
  es::Clock& clock_;
  std::chrono::hours horizon_;
  std::uint64_t read_to_ = 0;
};

}  // namespace ecab::api
