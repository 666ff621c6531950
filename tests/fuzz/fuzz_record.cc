// The stored record parser (docs/formats/event-record.md): any bytes are
// parsed or refused, never crash; what parses encodes back to the same
// hashed part (the grammar has one encoding per record).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eventstore/record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto record = ecab::es::ParseRecord(bytes);
  if (!record.ok()) return 0;
  if (size < 32 || ecab::es::EncodeHashedPart(*record) != bytes.substr(0, size - 32))
    __builtin_trap();
  return 0;
}
