#include "domain/text/fold.h"

#include <unordered_map>

namespace ecab::text {
namespace {

// Decodes one UTF-8 code point at `i`; returns the byte length, 0 if invalid
// (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF).
std::size_t Decode(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = b0 < 0x80           ? 1
                    : (b0 >> 5) == 0x6  ? 2
                    : (b0 >> 4) == 0xE  ? 3
                    : (b0 >> 3) == 0x1E ? 4
                                        : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b >> 6) != 0x2) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  constexpr char32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kLeast[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return len;
}

const std::unordered_map<char32_t, char>& Table() {
  static const std::unordered_map<char32_t, char> table = [] {
    const std::pair<char, std::string_view> letters[] = {
        {'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬäåÄÅ"},
        {'d', "đĐ"},
        {'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆëË"},
        {'i', "ìíỉĩịÌÍỈĨỊîïÎÏ"},
        {'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢöÖ"},
        {'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰûüÛÜ"},
        {'y', "ỳýỷỹỵỲÝỶỸỴÿ"},
        {'c', "çÇ"},
        {'n', "ñÑ"},
    };
    std::unordered_map<char32_t, char> t;
    for (const auto& [base, variants] : letters) {
      for (std::size_t i = 0; i < variants.size();) {
        char32_t cp = 0;
        const std::size_t len = Decode(variants, i, cp);
        t[cp] = base;
        i += len == 0 ? 1 : len;
      }
    }
    return t;
  }();
  return table;
}

}  // namespace

std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto& table = Table();
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = Decode(s, i, cp);
    if (len == 0) {
      out.push_back(' ');
      ++i;
      continue;
    }
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') {
        out.push_back(static_cast<char>(c - 'A' + 'a'));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.push_back(c);
      } else {
        out.push_back(' ');
      }
    } else if (cp >= 0x300 && cp <= 0x36F) {
      // a combining mark (decomposed input): dropped
    } else if (auto it = table.find(cp); it != table.end()) {
      out.push_back(it->second);
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  const std::string folded = Fold(s);
  std::size_t start = std::string::npos;
  for (std::size_t i = 0; i <= folded.size(); ++i) {
    const bool space = i == folded.size() || folded[i] == ' ';
    if (!space && start == std::string::npos) start = i;
    if (space && start != std::string::npos) {
      words.push_back(folded.substr(start, i - start));
      start = std::string::npos;
    }
  }
  return words;
}

}  // namespace ecab::text
