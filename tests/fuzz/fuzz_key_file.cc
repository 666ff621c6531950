// The key file parser (docs/formats/key-file.md): any text is a ring or a
// refusal naming the line, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eventstore/key_ring.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto ring =
      ecab::es::KeyRing::Parse(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (ring.ok() && (*ring)->active_id().empty()) __builtin_trap();
  return 0;
}
