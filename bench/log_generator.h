// bench/log_generator.h — a realistic log of the five processes for
// benchmarks: meetings (invitations, RSVPs, check-ins, items, comments, the
// floor, votes with ballots), opinion forms with answers, resolutions with
// revisions and signatures, documents with versions. Streams are
// interleaved as concurrent work would be.
#pragma once

#include <cstdint>

#include "eventstore/event_store.h"

namespace ecab::bench {

struct GeneratedLog {
  std::uint64_t events = 0;
  std::uint64_t meetings = 0;
  std::uint64_t forms = 0;
  std::uint64_t resolutions = 0;
  std::uint64_t documents = 0;
};

// Appends about `target` events to `store` (in appends of up to 512 events).
// Without `signed_acts`, the acts that carry signatures (ballots, answers,
// approvals, resolution signatures) are left out, for logs whose signed acts
// are made with real keys elsewhere.
GeneratedLog GenerateLog(es::EventStore& store, std::uint64_t target, bool signed_acts = true);

}  // namespace ecab::bench
