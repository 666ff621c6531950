#include "api/backup.h"

#include <fstream>

#include "api/app.h"
#include "api/identity.h"
#include "api/read_models.h"
#include "domain/base/time.h"
#include "eventstore/clock.h"
#include "eventstore/key_ring.h"

namespace ecab::api {
namespace fs = std::filesystem;

namespace {

// A blob into the backup: a hard link (blobs are immutable; a reseal
// replaces the file, leaving the link on the old one), else a copy.
Status CopyBlob(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::create_hard_link(from, to, ec);
  if (!ec) return Ok{};
  fs::copy_file(from, to, ec);
  if (ec)
    return MakeError(ErrorCode::kIoError, "cannot copy " + from.string() + ": " + ec.message());
  return Ok{};
}

}  // namespace

Result<nlohmann::json> BackupNode(App& app, const fs::path& to) {
  std::error_code ec;
  if (to.empty() || !to.is_absolute()) {
    return MakeError(ErrorCode::kInvalidArgument, "the backup directory must be an absolute path");
  }
  if (fs::exists(to, ec)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     to.string() + " exists: a backup goes to a new directory");
  }
  fs::create_directories(to, ec);
  if (ec)
    return MakeError(ErrorCode::kIoError, "cannot create " + to.string() + ": " + ec.message());
  fs::permissions(to, fs::perms::owner_all, ec);
  const std::uint64_t views_at = app.projections().position();
  ECAB_TRY(app.views().Checkpoint(to / "views"));
  ECAB_TRY(app.identity().Checkpoint(to / "credentials"));
  ECAB_TRY(app.store().Checkpoint(to / "store"));
  const std::uint64_t log_at_least = app.store().head_position();
  std::size_t blobs = 0;
  for (const std::string& hash : app.blobs().List()) {
    const fs::path from = app.blobs().PathOf(hash);
    if (!fs::exists(from, ec)) continue;  // collected meanwhile: no event refers to it
    ECAB_TRY(CopyBlob(from, to / "documents" / fs::relative(from, app.blobs().dir())));
    ++blobs;
  }
  fs::create_directories(to / "documents" / "tmp", ec);
  const fs::path witness = app.options().data_dir / "tree-heads.jsonl";
  if (fs::exists(witness, ec)) fs::copy_file(witness, to / "tree-heads.jsonl", ec);
  nlohmann::json manifest = {
      {"format", "ecabinet-backup/1"},
      {"created_at", FormatRfc3339(es::SystemClock().Now())},
      {"views_position", views_at},
      {"log_head_at_least", log_at_least},
      {"blobs", blobs},
      {"key_file", app.options().key_file.string()},
      {"restore",
       "copy this directory to be the new --data-dir, put the key file (and log-key.pem) back "
       "from where you keep them, then run ecab-audit verify on it (docs/OPERATIONS.md)"}};
  std::ofstream(to / "BACKUP.json") << manifest.dump(2) << "\n";
  return manifest;
}

}  // namespace ecab::api
