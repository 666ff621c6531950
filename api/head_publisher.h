// api/head_publisher.h — sends each signed tree head to an outside witness
// over HTTPS, so a copy of the log's length exists off this machine too.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "domain/base/result.h"
#include "eventstore/tree_head.h"

namespace ecab::api {

struct WitnessUrl {
  std::string host;
  std::uint16_t port = 443;
  std::string target;  // path and query, "/" at least
};

// Parses "https://host[:port][/path]"; kInvalidArgument naming what is wrong
// (only https is accepted: a head is public, but its witness must be the one
// the operator named).
Result<WitnessUrl> ParseWitnessUrl(std::string_view url);

// POSTs the head as JSON ({"size","root","time","key_id","signature_base64"},
// eventstore/head_witness.h) to `url`, checking the witness's certificate
// against `ca_file` (the system's trust is not used: name the CA). Ok on a
// 2xx answer; kIoError naming the status or the transport failure otherwise.
// Bounded by `timeout`.
Status PostTreeHead(const WitnessUrl& url, const std::filesystem::path& ca_file,
                    const es::TreeHead& head, std::chrono::milliseconds timeout);

}  // namespace ecab::api
