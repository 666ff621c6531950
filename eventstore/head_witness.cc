#include "eventstore/head_witness.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "eventstore/record.h"

namespace ecab::es {
namespace {

using nlohmann::json;

Error Invalid(std::string m) { return MakeError(ErrorCode::kInvalidArgument, std::move(m)); }

// The value of `key` in `object` as a string, or the error naming it.
Result<std::string> StringField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string())
    return Invalid(std::string("'") + key + "' is missing or not a string");
  return it->get<std::string>();
}

Result<std::uint64_t> SizeField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) {
    return Invalid(std::string("'") + key + "' is missing or not a non-negative integer");
  }
  return it->get<std::uint64_t>();
}

Result<Hash> HashField(const json& object, const char* key) {
  ECAB_TRY_LET(text, StringField(object, key));
  if (text->empty()) return Hash{};
  auto h = HashFromHex(*text);
  if (!h) return Invalid(std::string("'") + key + "' is not 64 lower-case hex digits");
  return *h;
}

Result<TreeHead> HeadFromJson(const json& j) {
  TreeHead head;
  ECAB_TRY_LET(size, SizeField(j, "size"));
  head.size = *size;
  ECAB_TRY_LET(root, HashField(j, "root"));
  head.root = *root;
  ECAB_TRY_LET(time, StringField(j, "time"));
  auto t = ParseRfc3339(*time);
  if (!t.ok()) return Invalid("'time' is not an RFC 3339 time");
  head.time = *t;
  ECAB_TRY_LET(key_id, StringField(j, "key_id"));
  head.key_id = *key_id;
  ECAB_TRY_LET(sig, StringField(j, "signature_base64"));
  auto raw = FromBase64(*sig);
  if (!raw) return Invalid("'signature_base64' is not base64");
  head.signature = *raw;
  return head;
}

// The claim one parsed line makes, and whether it is a salvage line.
Result<std::pair<WitnessClaim, bool>> ClaimOf(const json& j) {
  if (auto s = j.find("salvage"); s != j.end()) {
    if (!s->is_object()) return Invalid("'salvage' is not an object");
    ECAB_TRY_LET(kept, SizeField(*s, "kept"));
    ECAB_TRY_LET(hash, HashField(*s, "kept_hash"));
    ECAB_TRY_LET(time, StringField(j, "time"));
    auto t = ParseRfc3339(*time);
    if (!t.ok()) return Invalid("'time' is not an RFC 3339 time");
    return std::pair{WitnessClaim{*kept, *hash, *t, 0}, true};
  }
  ECAB_TRY_LET(head, HeadFromJson(j));
  ECAB_TRY_LET(last, HashField(j, "last_hash"));
  return std::pair{WitnessClaim{head->size, *last, head->time, 0}, false};
}

// Appends `line` + "\n" and fsyncs; a new file's directory is synced too.
Status AppendLine(const std::filesystem::path& path, const std::string& line) {
  const bool existed = std::filesystem::exists(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return MakeError(ErrorCode::kIoError,
                     "cannot open the witness " + path.string() + ": " + std::strerror(errno));
  const std::string text = line + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return MakeError(ErrorCode::kIoError,
                       "cannot write the witness " + path.string() + ": " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return MakeError(ErrorCode::kIoError, "cannot sync the witness " + path.string());
  if (!existed) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || ::fsync(dfd) != 0) {
      if (dfd >= 0) ::close(dfd);
      return MakeError(ErrorCode::kIoError, "cannot sync the directory of " + path.string());
    }
    ::close(dfd);
  }
  return Ok{};
}

}  // namespace

std::string TreeHeadJson(const TreeHead& head) {
  return json{{"size", head.size},
              {"root", ToHex(head.root)},
              {"time", FormatRfc3339(head.time)},
              {"key_id", head.key_id},
              {"signature_base64", ToBase64(head.signature)}}
      .dump();
}

Result<TreeHead> ParseTreeHeadJson(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Invalid("a tree head must be one JSON object");
  return HeadFromJson(j);
}

Result<std::optional<WitnessClaim>> ReadWitness(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<WitnessClaim>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIoError, "cannot read the witness " + path.string());
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  std::optional<WitnessClaim> best;
  std::size_t line_no = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // a write cut short by a crash: never acknowledged
    ++line_no;
    const json j = json::parse(std::string_view(text).substr(start, end - start), nullptr, false);
    start = end + 1;
    auto claim = j.is_object()
                     ? ClaimOf(j)
                     : Result<std::pair<WitnessClaim, bool>>(Invalid("not a JSON object"));
    if (!claim.ok()) {
      return MakeError(ErrorCode::kCorruption,
                       "the witness " + path.string() + " is malformed at line " +
                           std::to_string(line_no) + ": " + claim.error().message);
    }
    claim->first.line = line_no;
    if (claim->second || !best || claim->first.size >= best->size) best = claim->first;
  }
  return best;
}

Status AppendWitnessHead(const std::filesystem::path& path, const TreeHead& head,
                         const Hash& last_hash) {
  json j = json::parse(TreeHeadJson(head));
  j["last_hash"] = ToHex(last_hash);
  return AppendLine(path, j.dump());
}

Status AppendWitnessSalvage(const std::filesystem::path& path, const SalvageNote& note,
                            Timestamp time) {
  const json j = {{"salvage",
                   {{"kept", note.kept},
                    {"kept_hash", note.kept == 0 ? std::string() : ToHex(note.kept_hash)},
                    {"witnessed", note.witnessed},
                    {"reason", note.reason}}},
                  {"time", FormatRfc3339(time)}};
  return AppendLine(path, j.dump());
}

}  // namespace ecab::es
