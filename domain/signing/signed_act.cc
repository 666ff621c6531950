#include "domain/signing/signed_act.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <map>

namespace ecab {
namespace {

// RFC 8785 §3.2.2.2: JSON.stringify's string escaping.
void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

}  // namespace

std::string CanonicalJson(const SigningPayload& p) {
  // Keys are ASCII, so byte order is JCS's UTF-16 code-unit order; "version",
  // the only number, sorts last.
  const std::map<std::string_view, std::string> strings = {
      {"body", p.body},     {"choice", p.choice},           {"command_id", p.command_id},
      {"kind", p.kind},     {"object", p.object},           {"on_behalf_of", p.on_behalf_of},
      {"signer", p.signer}, {"text_sha256", p.text_sha256}, {"time", FormatRfc3339(p.time)},
  };
  std::string out = "{";
  for (const auto& [k, v] : strings) {
    AppendJsonString(out, k);
    out.push_back(':');
    AppendJsonString(out, v);
    out.push_back(',');
  }
  out += "\"version\":" + std::to_string(p.version) + "}";
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  std::array<unsigned char, 32> md{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : md) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xF]);
  }
  return hex;
}

std::string CertificateFingerprint(std::string_view der) { return "sha256:" + Sha256Hex(der); }

}  // namespace ecab
