// Decoding stored event payloads: every event type and schema version of
// every aggregate (domain/codec/codec.h). Input: two bytes choosing the
// (family, type, version), then the payload bytes.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domain/directory/body.h"
#include "domain/documents/document.h"
#include "domain/forms/form.h"
#include "domain/meeting/meeting.h"
#include "domain/platform/platform.h"
#include "domain/resolution/resolution.h"

namespace {

struct Entry {
  std::string type;
  std::uint16_t version;
  std::function<bool(std::string_view, std::uint16_t, std::string_view)>
      decode;  // true when it decoded
};

template <class Decoder>
void AddAll(std::vector<Entry>& out, const Decoder& decoder) {
  for (const auto& [type, version] : decoder.Registered()) {
    out.push_back(
        {type, version, [&decoder](std::string_view t, std::uint16_t v, std::string_view bytes) {
           return decoder.Decode(t, v, bytes).ok();
         }});
  }
}

std::vector<Entry> Entries() {
  std::vector<Entry> out;
  AddAll(out, ecab::directory::DirectoryDecoder());
  AddAll(out, ecab::meeting::MeetingDecoder());
  AddAll(out, ecab::forms::FormDecoder());
  AddAll(out, ecab::resolution::ResolutionDecoder());
  AddAll(out, ecab::documents::DocumentDecoder());
  AddAll(out, ecab::platform::PlatformDecoder());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<Entry> entries = Entries();
  if (size < 2) return 0;
  const Entry& e = entries[(data[0] << 8 | data[1]) % entries.size()];
  e.decode(e.type, e.version, std::string_view(reinterpret_cast<const char*>(data + 2), size - 2));
  return 0;
}
