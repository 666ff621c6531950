#include "eventstore/key_ring.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

#include "eventstore/internal/bytes.h"

namespace ecab::es {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

bool ValidKeyId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool ParseHexKey(std::string_view hex, AesKey& key) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    key[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

Error KeyError(std::string message) {
  return MakeError(ErrorCode::kKeyUnavailable, std::move(message));
}

}  // namespace

Result<std::shared_ptr<const KeyRing>> KeyRing::FromKeys(
    const std::vector<std::pair<std::string, AesKey>>& keys) {
  if (keys.empty()) return KeyError("the key ring holds no key");
  std::shared_ptr<KeyRing> ring(new KeyRing());
  for (const auto& [id, key] : keys) {
    if (!ValidKeyId(id)) return KeyError("bad key id '" + id + "' (use 1-64 of [A-Za-z0-9._-])");
    if (!ring->keys_.emplace(id, key).second)
      return KeyError("key id '" + id + "' is listed twice");
    ring->active_id_ = id;
  }
  return std::shared_ptr<const KeyRing>(std::move(ring));
}

Result<std::shared_ptr<const KeyRing>> KeyRing::Load(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return KeyError("cannot read key file " + path.string());
  if ((st.st_mode & 077) != 0) {
    return KeyError("key file " + path.string() +
                    " is accessible by group or others; run: chmod 600 " + path.string());
  }
  std::ifstream in(path);
  if (!in) return KeyError("cannot open key file " + path.string());
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  return Parse(text, path.string());
}

Result<std::shared_ptr<const KeyRing>> KeyRing::Parse(std::string_view text,
                                                      std::string_view name) {
  std::vector<std::pair<std::string, AesKey>> keys;
  std::istringstream in{std::string(text)};
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string id, hex, extra;
    fields >> id >> hex >> extra;
    AesKey key{};
    if (id.empty() && hex.empty()) continue;
    if (!extra.empty() || !ParseHexKey(hex, key)) {
      return KeyError(std::string(name) + ":" + std::to_string(line_no) +
                      ": expected '<key-id> <64 hex digits>'");
    }
    keys.emplace_back(std::move(id), key);
  }
  return FromKeys(keys);
}

Status KeyRing::CreateKeyFile(const std::filesystem::path& path, std::string_view key_id) {
  if (!ValidKeyId(key_id)) return KeyError("bad key id '" + std::string(key_id) + "'");
  AesKey key{};
  if (RAND_bytes(key.data(), key.size()) != 1) {
    return MakeError(ErrorCode::kIoError, "no randomness for a new key");
  }
  std::string line = "# e-Cabinet at-rest keys: <key-id> <hex>; the last line is active\n";
  line += std::string(key_id) + " " +
          ToHex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) + "\n";
  const std::string tmp = path.string() + ".tmp";
  {
    const mode_t old = ::umask(077);
    std::ofstream out(tmp, std::ios::trunc);
    ::umask(old);
    if (!(out << line) || !out.flush())
      return MakeError(ErrorCode::kIoError, "cannot write " + tmp);
  }
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::filesystem::remove(tmp, ec);
    return MakeError(ErrorCode::kIoError, "key file " + path.string() + " already exists");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return MakeError(ErrorCode::kIoError, "cannot create " + path.string() + ": " + ec.message());
  return Ok{};
}

Result<SealedPayload> KeyRing::Seal(std::string_view plaintext, std::string_view aad) const {
  SealedPayload out;
  out.key_id = active_id_;
  const AesKey& key = keys_.at(active_id_);
  static_assert(std::tuple_size_v<decltype(out.nonce)> == 12);
  {
    std::lock_guard g(nonce_mu_);
    if (nonce_counter_ >> 32) {
      if (RAND_bytes(nonce_field_.data(), nonce_field_.size()) != 1) {
        return MakeError(ErrorCode::kIoError, "no randomness for a nonce");
      }
      nonce_counter_ = 0;
    }
    std::copy(nonce_field_.begin(), nonce_field_.end(), out.nonce.begin());
    for (int i = 0; i < 4; ++i)
      out.nonce[8 + i] = static_cast<std::uint8_t>(nonce_counter_ >> (24 - 8 * i));
    ++nonce_counter_;
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  out.ciphertext.resize(plaintext.size());
  int len = 0;
  auto* ct = reinterpret_cast<unsigned char*>(out.ciphertext.data());
  const bool ok =
      ctx &&
      EVP_EncryptInit_ex2(ctx.get(), Aes256Gcm(), key.data(), out.nonce.data(), nullptr) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), ct, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), ct + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.tag.data()) == 1;
  if (!ok) return MakeError(ErrorCode::kIoError, "AES-256-GCM encryption failed");
  return out;
}

Result<std::string> KeyRing::Open(const SealedPayload& sealed, std::string_view aad) const {
  auto it = keys_.find(sealed.key_id);
  if (it == keys_.end()) {
    return KeyError("payload is sealed with key '" + sealed.key_id +
                    "', which is not in the key file");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string plain(sealed.ciphertext.size(), '\0');
  std::array<std::uint8_t, 16> tag = sealed.tag;
  int len = 0;
  auto* pt = reinterpret_cast<unsigned char*>(plain.data());
  const bool ok =
      ctx &&
      EVP_DecryptInit_ex2(ctx.get(), Aes256Gcm(), it->second.data(), sealed.nonce.data(),
                          nullptr) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), pt, &len,
                        reinterpret_cast<const unsigned char*>(sealed.ciphertext.data()),
                        static_cast<int>(sealed.ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), pt + len, &len) == 1;
  if (!ok) {
    return MakeError(ErrorCode::kDecryptionFailed,
                     "cannot decrypt with key '" + sealed.key_id + "': wrong key or altered data");
  }
  return plain;
}

}  // namespace ecab::es
