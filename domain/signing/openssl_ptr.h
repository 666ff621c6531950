// domain/signing/openssl_ptr.h — owning pointers to OpenSSL objects, freed
// with the library's own function. Private to domain/signing's .cc files.
#pragma once

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace ecab::signing_internal {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using OpensslPtr = std::unique_ptr<T, Deleter<T, Free>>;

using X509Ptr = OpensslPtr<X509, X509_free>;
using X509ReqPtr = OpensslPtr<X509_REQ, X509_REQ_free>;
using CrlPtr = OpensslPtr<X509_CRL, X509_CRL_free>;
using StorePtr = OpensslPtr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = OpensslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using MdCtxPtr = OpensslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using KeyPtr = OpensslPtr<EVP_PKEY, EVP_PKEY_free>;
using EcdsaSigPtr = OpensslPtr<ECDSA_SIG, ECDSA_SIG_free>;

}  // namespace ecab::signing_internal
