// domain/codec/bounded_archive.h — the reading side of cereal's portable
// binary format (what cereal::PortableBinaryOutputArchive writes, little
// endian), over bytes in memory, refusing every length prefix larger than the
// bytes left. A damaged or hostile payload costs at most its own size in
// memory to refuse, never what its lengths claim (issue 13's fuzzing found
// cereal's own reader allocating a length of 2^57 before reading).
#pragma once

#include <bit>
#include <cereal/cereal.hpp>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace cereal {
class PortableBinaryOutputArchive;
}

namespace ecab::internal {

class BoundedInputArchive
    : public cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision> {
 public:
  // Reads the format's first byte (1: little endian); throws cereal::Exception
  // for anything else.
  explicit BoundedInputArchive(std::string_view bytes)
      : cereal::InputArchive<BoundedInputArchive, cereal::AllowEmptyClassElision>(this),
        bytes_(bytes) {
    std::uint8_t little = 0;
    (*this)(little);
    if (little != 1) throw cereal::Exception("not little-endian portable binary data");
  }

  // Copies the next `size` bytes to `out`; throws when fewer are left.
  void LoadBinary(void* out, std::size_t size) {
    if (size > bytes_.size()) {
      throw cereal::Exception("the data ends " + std::to_string(size - bytes_.size()) +
                              " bytes early");
    }
    std::memcpy(out, bytes_.data(), size);
    bytes_.remove_prefix(size);
  }

  std::size_t remaining() const { return bytes_.size(); }

 private:
  std::string_view bytes_;
};

// A flag is one byte, 0 or 1: any other value is refused, never copied into
// a bool (which holds only those two; the fuzzer found a 49 loaded as one).
template <class T>
std::enable_if_t<std::is_arithmetic_v<T>> CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, T& t) {
  static_assert(std::endian::native == std::endian::little, "the stored format is little endian");
  static_assert(!std::is_floating_point_v<T> || std::numeric_limits<T>::is_iec559);
  if constexpr (std::is_same_v<T, bool>) {
    static_assert(sizeof(bool) == 1);
    std::uint8_t byte = 0;
    ar.LoadBinary(&byte, 1);
    if (byte > 1) throw cereal::Exception("a flag holds " + std::to_string(byte) + ", not 0 or 1");
    t = byte == 1;
  } else {
    ar.LoadBinary(std::addressof(t), sizeof(t));
  }
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, cereal::NameValuePair<T>& t) {
  ar(t.value);
}

// Every container and string states its length first: each element takes at
// least one byte, so a length beyond the bytes left is refused before any
// allocation.
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, cereal::SizeTag<T>& t) {
  ar(t.size);
  if (t.size > ar.remaining()) {
    throw cereal::Exception("a length of " + std::to_string(t.size) + " is more than the " +
                            std::to_string(ar.remaining()) + " bytes left");
  }
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BoundedInputArchive& ar, cereal::BinaryData<T>& bd) {
  ar.LoadBinary(bd.data, static_cast<std::size_t>(bd.size));
}

}  // namespace ecab::internal

CEREAL_REGISTER_ARCHIVE(ecab::internal::BoundedInputArchive)
namespace cereal::traits::detail {
template <>
struct get_output_from_input<ecab::internal::BoundedInputArchive> {
  using type = cereal::PortableBinaryOutputArchive;
};
}  // namespace cereal::traits::detail
