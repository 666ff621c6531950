// The request target parser (api/http/http.h): any target is split or
// refused; a path that passes holds no control character and no '/' that
// was sent encoded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "api/http/http.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string target(reinterpret_cast<const char*>(data), size);
  std::string path;
  std::map<std::string, std::string> query;
  if (!ecab::http::ParseTarget(target, path, query)) return 0;
  for (char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) __builtin_trap();
  }
  const std::size_t raw_slashes =
      std::count(target.begin(), target.begin() + std::min(target.find('?'), target.size()), '/');
  if (static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) != raw_slashes)
    __builtin_trap();
  return 0;
}
