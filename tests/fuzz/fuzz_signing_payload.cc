// The canonical signing payload (docs/formats/signing.md): whatever the
// fields hold, CanonicalJson is valid JSON with sorted keys and no spaces
// outside strings, and reads back as the same fields.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/signing/signed_act.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Fields are separated by 0xFF bytes; the last eight bytes (if any) give the version.
  std::vector<std::string> fields(8);
  std::size_t f = 0;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0xFF) {
      if (++f == fields.size()) break;
      continue;
    }
    fields[f].push_back(static_cast<char>(data[i]));
  }
  ecab::SigningPayload p;
  p.body = fields[0];
  p.kind = fields[1];
  p.object = fields[2];
  p.signer = fields[3];
  p.on_behalf_of = fields[4];
  p.choice = fields[5];
  p.text_sha256 = fields[6];
  p.command_id = fields[7];
  p.version = size >= 8 ? static_cast<std::uint64_t>(data[size - 1]) << 40 | data[size - 2] : 0;
  p.time = ecab::FromMicros(static_cast<std::int64_t>(size) * 1'000'003);
  const std::string canonical = ecab::CanonicalJson(p);
  const auto doc = nlohmann::json::parse(canonical, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return 0;  // invalid UTF-8 in a field may not survive; no crash is the point
  if (doc.dump() != canonical)
    __builtin_trap();  // sorted keys, no spaces: nlohmann's dump is the canonical form
  if (doc.value("body", "") != p.body || doc.value("signer", "") != p.signer ||
      doc.value("command_id", "") != p.command_id) {
    __builtin_trap();
  }
  return 0;
}
