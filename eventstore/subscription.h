// eventstore/subscription.h — "give me the events after position P, then live".
// Projections consume this interface, never the storage behind it: the local
// store serves it today, a Kafka consumer can serve it later.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "domain/base/result.h"
#include "eventstore/envelope.h"

namespace ecab::es {

class Subscription {
 public:
  virtual ~Subscription() = default;

  // The next events in global order, at most `max`, starting at
  // next_position(); every event is returned exactly once, with no gap.
  // Waits up to `wait` when nothing new is committed; an empty vector then
  // means "nothing yet". kShutDown once the source is closing.
  [[nodiscard]] virtual Result<std::vector<RecordedEvent>> Next(std::size_t max,
                                                                std::chrono::milliseconds wait) = 0;

  // The position the next returned event will have.
  virtual std::uint64_t next_position() const = 0;
};

}  // namespace ecab::es
