// domain/base/result.h — a value or an Error. Expected failures are values,
// never exceptions; every function returning one is [[nodiscard]].
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "domain/base/error.h"

namespace ecab {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Requires ok().
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Requires !ok().
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Success without a value.
struct Ok {
  friend bool operator==(Ok, Ok) = default;
};
using Status = Result<Ok>;

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

// A decider's refusal of a command (the same Error, named for how it reads).
inline Error Refuse(ErrorCode code, std::string message) {
  return MakeError(code, std::move(message));
}

}  // namespace ecab

// Propagation: the enclosing function (returning a Result or a Status)
// returns the error of `expr` when it has one.
//   ECAB_TRY(Authorize(body, ctx, a));         // a Status, or any Result
//   ECAB_TRY_LET(record, ParseRecord(bytes));  // declares `auto record`, known ok
// ECAB_TRY_LET keeps the Result under its name, so `record->hash` and
// `*record` read as before. It declares a variable: a statement of a block.
#define ECAB_TRY(...) ECAB_TRY_IMPL_(ECAB_TRY_NAME_(__COUNTER__), __VA_ARGS__)
#define ECAB_TRY_LET(name, ...) \
  auto name = (__VA_ARGS__);    \
  if (!name.ok()) return name.error()
// (A name of its own per use: an ECAB_TRY may sit in a lambda inside another.)
#define ECAB_TRY_NAME_(n) ECAB_TRY_CONCAT_(ecab_try_result_, n)
#define ECAB_TRY_CONCAT_(a, b) a##b
#define ECAB_TRY_IMPL_(result, ...)                                       \
  do {                                                                    \
    if (auto result = (__VA_ARGS__); !result.ok()) return result.error(); \
  } while (false)
