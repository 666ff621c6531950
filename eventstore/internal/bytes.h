// eventstore/internal/bytes.h — big-endian framing helpers shared by the record
// codec and the RocksDB key layout. Private to eventstore.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace ecab::es::internal {

inline void PutU8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }

template <class T>
void PutBigEndian(std::string& out, T v) {
  for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> shift) & 0xFF));
  }
}

inline void PutStr(std::string& out, std::string_view s) {
  PutBigEndian<std::uint32_t>(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// Reads the framing written by the Put* helpers; every read checks bounds and
// a failed read leaves the reader failed for good.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  bool U8(std::uint8_t& v) {
    if (!Need(1)) return false;
    v = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }

  template <class T>
  bool BigEndian(T& v) {
    if (!Need(sizeof(T))) return false;
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      acc = (acc << 8) | static_cast<std::uint8_t>(in_[i]);
    }
    v = static_cast<T>(acc);
    in_.remove_prefix(sizeof(T));
    return true;
  }

  bool Str(std::string& s) {
    std::uint32_t n = 0;
    if (!BigEndian(n) || !Need(n)) return false;
    s.assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }

  template <std::size_t N>
  bool Fixed(std::array<std::uint8_t, N>& a) {
    if (!Need(N)) return false;
    std::memcpy(a.data(), in_.data(), N);
    in_.remove_prefix(N);
    return true;
  }

  bool Literal(std::string_view expected) {
    if (!Need(expected.size()) || in_.substr(0, expected.size()) != expected) {
      failed_ = true;
      return false;
    }
    in_.remove_prefix(expected.size());
    return true;
  }

  std::size_t remaining() const { return in_.size(); }
  bool failed() const { return failed_; }

 private:
  bool Need(std::size_t n) {
    if (failed_ || in_.size() < n) {
      failed_ = true;
      return false;
    }
    return true;
  }

  std::string_view in_;
  bool failed_ = false;
};

// 8-byte big-endian key, so positions sort numerically.
inline std::string U64Key(std::uint64_t v) {
  std::string k;
  k.reserve(8);
  PutBigEndian(k, v);
  return k;
}

inline std::uint64_t ParseU64Key(std::string_view k) {
  std::uint64_t v = 0;
  ByteReader r(k);
  return r.BigEndian(v) ? v : 0;
}

}  // namespace ecab::es::internal
