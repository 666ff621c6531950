// api/random.h — the one source of randomness of the API layer (salts,
// tokens, command ids, export names), from OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <string>

namespace ecab::api {

// `n` bytes from RAND_bytes. If the generator fails (it is not seeded, the
// system's entropy source is gone) the process stops with a message: a
// token or salt that is not random is worse than no answer.
std::string RandomBytes(std::size_t n);

}  // namespace ecab::api
