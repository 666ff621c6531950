#include "eventstore/tree_head.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "eventstore/event_store.h"
#include "eventstore/merkle.h"
#include "eventstore/record.h"

namespace ecab::es {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string BioString(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Error Bad(std::string m) { return MakeError(ErrorCode::kBadSignature, std::move(m)); }

}  // namespace

struct TreeHeadSigner::Key {
  PkeyPtr pkey{nullptr, &EVP_PKEY_free};
};

TreeHeadSigner::~TreeHeadSigner() = default;

std::string TreeHeadPayload(std::uint64_t size, const Hash& root, Timestamp time) {
  return "e-Cabinet tree head v1\nsize " + std::to_string(size) + "\nroot " + ToHex(root) +
         "\ntime " + FormatRfc3339(time) + "\n";
}

Result<std::unique_ptr<TreeHeadSigner>> TreeHeadSigner::LoadOrCreate(
    const std::filesystem::path& pem) {
  std::unique_ptr<TreeHeadSigner> signer(new TreeHeadSigner());
  signer->key_ = std::make_unique<Key>();
  if (!std::filesystem::exists(pem)) {
    signer->key_->pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!signer->key_->pkey ||
        PEM_write_bio_PrivateKey(bio.get(), signer->key_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                 nullptr) != 1) {
      return MakeError(ErrorCode::kIoError, "cannot make a tree-head key");
    }
    const mode_t old = ::umask(077);
    std::ofstream out(pem);
    ::umask(old);
    if (!(out << BioString(bio.get())))
      return MakeError(ErrorCode::kIoError, "cannot write " + pem.string());
  } else {
    std::ifstream in(pem);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    BioPtr bio(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())), &BIO_free);
    signer->key_->pkey.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!signer->key_->pkey || EVP_PKEY_get_base_id(signer->key_->pkey.get()) != EVP_PKEY_ED25519) {
      return MakeError(ErrorCode::kKeyUnavailable,
                       pem.string() + " does not hold an Ed25519 private key");
    }
  }
  BioPtr pub(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PUBKEY(pub.get(), signer->key_->pkey.get());
  signer->public_pem_ = BioString(pub.get());
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(signer->key_->pkey.get(), &der);
  signer->key_id_ =
      "sha256:" +
      ToHex(Sha256(std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(len))));
  OPENSSL_free(der);
  return signer;
}

Result<TreeHead> TreeHeadSigner::Sign(std::uint64_t size, const Hash& root, Timestamp time) const {
  const std::string payload = TreeHeadPayload(size, root, time);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t len = 64;
  std::string sig(len, '\0');
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) != 1) {
    return MakeError(ErrorCode::kIoError, "cannot sign the tree head");
  }
  sig.resize(len);
  return TreeHead{size, root, time, key_id_, sig};
}

Status VerifyTreeHead(const TreeHead& head, std::string_view public_pem) {
  BioPtr bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())), &BIO_free);
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) return Bad("the log's public key is not a valid PEM public key");
  const std::string payload = TreeHeadPayload(head.size, head.root, head.time);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(head.signature.data()),
                       head.signature.size(),
                       reinterpret_cast<const unsigned char*>(payload.data()),
                       payload.size()) != 1) {
    return Bad("the tree head of size " + std::to_string(head.size) +
               " is not signed by the log's key");
  }
  return Ok{};
}

Result<std::vector<Hash>> LogLeaves(const EventStore& store, std::uint64_t size) {
  std::vector<Hash> leaves;
  leaves.reserve(size);
  for (std::uint64_t next = 1; next <= size;) {
    ECAB_TRY_LET(hashes, store.ReadHashes(next, static_cast<std::size_t>(std::min<std::uint64_t>(
                                                    65536, size - next + 1))));
    if (hashes->empty())
      return MakeError(ErrorCode::kInvalidArgument,
                       "the log has fewer than " + std::to_string(size) + " events");
    for (const Hash& h : *hashes) leaves.push_back(MerkleLeaf(h));
    next += hashes->size();
  }
  return leaves;
}

Result<Hash> LogRoot(const EventStore& store, std::uint64_t size) {
  ECAB_TRY_LET(leaves, LogLeaves(store, size));
  return MerkleRoot(*leaves);
}

}  // namespace ecab::es
