#include "api/random.h"

#include <openssl/err.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace ecab::api {

std::string RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fprintf(stderr, "fatal: the random number generator failed (%s)\n",
                 ERR_error_string(ERR_get_error(), nullptr));
    std::abort();
  }
  return out;
}

}  // namespace ecab::api
