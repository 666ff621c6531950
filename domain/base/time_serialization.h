// domain/base/time_serialization.h — a Timestamp in a stored payload is an
// i64 of microseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>

#include "domain/base/time.h"

namespace cereal {

template <class Archive>
std::int64_t save_minimal(const Archive&, const ecab::Timestamp& t) {
  return ecab::ToMicros(t);
}

template <class Archive>
void load_minimal(const Archive&, ecab::Timestamp& t, const std::int64_t& us) {
  t = ecab::FromMicros(us);
}

}  // namespace cereal
