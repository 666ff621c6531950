// api/http/wire.h — what the server says on its own, before or instead of
// the application: request ids and its problem documents (RFC 9457).
#pragma once

#include <string>

#include "api/http/http.h"

namespace ecab::http {

// A request id: 16 hex digits, random; from a counter should the generator
// fail (ids need to be distinct, not secret).
std::string RandomId();

// A problem+json response of the server itself (timeouts, limits, malformed
// HTTP), typed https://ecabinet.example/problems/<type>.
Response TransportProblem(int status, const std::string& type, const std::string& title,
                          const std::string& detail);

}  // namespace ecab::http
