// domain/base/enum.h — checking an enum read from outside (a request, a
// stored record), which may hold any number, against its declared values.
#pragma once

namespace ecab {

// True when `v` is one of `kValues`:
//   constexpr bool IsValid(Choice c) { return IsOneOf<Choice::kFor, Choice::kAgainst,
//   Choice::kAbstain>(c); }
template <auto... kValues, class E>
constexpr bool IsOneOf(E v) {
  return ((v == kValues) || ...);
}

}  // namespace ecab
