#include "api/head_publisher.h"

#include "api/http/client.h"
#include "api/schema.h"
#include "eventstore/head_witness.h"

namespace ecab::api {

Result<WitnessUrl> ParseWitnessUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme))
    return MakeError(ErrorCode::kInvalidArgument, "the witness URL must start with https://");
  url.remove_prefix(kScheme.size());
  WitnessUrl out;
  const std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    auto port = ParseCount(authority.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535) {
      return MakeError(ErrorCode::kInvalidArgument, "the witness URL's port is not a port number");
    }
    out.port = static_cast<std::uint16_t>(*port);
    authority = authority.substr(0, colon);
  }
  if (authority.empty())
    return MakeError(ErrorCode::kInvalidArgument, "the witness URL names no host");
  out.host = std::string(authority);
  return out;
}

Status PostTreeHead(const WitnessUrl& url, const std::filesystem::path& ca_file,
                    const es::TreeHead& head, std::chrono::milliseconds timeout) {
  http::ClientOptions options;
  options.host = url.host;
  options.port = url.port;
  options.ca_file = ca_file;
  options.timeout = timeout;
  std::string error;
  auto client = http::HttpsClient::Connect(options, &error);
  if (!client) return MakeError(ErrorCode::kIoError, "witness " + url.host + ": " + error);
  const auto r = client->Send("POST", url.target, es::TreeHeadJson(head),
                              {{"Content-Type", "application/json"}});
  if (r.status < 200 || r.status > 299) {
    return MakeError(ErrorCode::kIoError, "witness " + url.host + " answered " +
                                              std::to_string(r.status) +
                                              (r.status == 0 ? ": " + r.body : ""));
  }
  return Ok{};
}

}  // namespace ecab::api
