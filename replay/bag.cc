#include "replay/bag.h"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>

#include "domain/signing/signed_act.h"

namespace ecab::replay {

std::string UnsafeMember(const std::string& path) {
  if (path.empty() || path.front() == '/') return "is empty or absolute";
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return "has an empty, '.' or '..' component";
    for (char c : part) {
      if (c <= 0x20 || c >= 0x7f || c == '\\' || c == ':')
        return "has a character not allowed in a bag path";
    }
    if (slash == std::string::npos) return "";
    start = slash + 1;
  }
}

namespace {

Status CheckMembers(const Files& files) {
  for (const auto& [path, content] : files) {
    if (auto why = UnsafeMember(path); !why.empty()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          std::string("refusing to write bag member '").append(path).append("': it ").append(why));
    }
  }
  return Ok{};
}

Status WriteDirectory(const std::filesystem::path& dir, const Files& files) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec))
    return MakeError(ErrorCode::kAlreadyExists, dir.string() + " already exists");
  for (const auto& [path, content] : files) {
    const auto full = dir / path;
    std::filesystem::create_directories(full.parent_path(), ec);
    std::ofstream out(full, std::ios::binary);
    if (!(out << content)) return MakeError(ErrorCode::kIoError, "cannot write " + full.string());
  }
  return Ok{};
}

Status WriteTar(const std::filesystem::path& file, const std::string& root, const Files& files) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(),
                                                            &archive_write_free);
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open_filename(a.get(), file.c_str()) != ARCHIVE_OK) {
    return MakeError(ErrorCode::kIoError,
                     "cannot write " + file.string() + ": " + archive_error_string(a.get()));
  }
  for (const auto& [path, content] : files) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                        &archive_entry_free);
    const std::string name = std::string(root).append("/").append(path);
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), content.data(), content.size()) < 0) {
      return MakeError(ErrorCode::kIoError, std::string("tar: ") + archive_error_string(a.get()));
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    return MakeError(ErrorCode::kIoError, "cannot finish the tar");
  return Ok{};
}

}  // namespace

void AddBagItTags(Files& files, const std::string& reserved, const std::string& own) {
  // Fixity of the payload, then of the tag files.
  std::string manifest;
  std::uint64_t octets = 0;
  for (const auto& [path, content] : files) {
    manifest += Sha256Hex(content) + "  " + path + "\n";
    octets += content.size();
  }
  const std::uint64_t data_files = files.size();
  files["bagit.txt"] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
  files["bag-info.txt"] = reserved + "Payload-Oxum: " + std::to_string(octets) + "." +
                          std::to_string(data_files) + "\n" + own;
  files["manifest-sha256.txt"] = manifest;
  std::string tagmanifest;
  for (const char* tag : {"bag-info.txt", "bagit.txt", "manifest-sha256.txt"}) {
    tagmanifest += Sha256Hex(files[tag]) + "  " + tag + "\n";
  }
  files["tagmanifest-sha256.txt"] = tagmanifest;
}

Status WriteBag(const std::filesystem::path& out, const std::string& root_name,
                const Files& files) {
  const bool tar = out.extension() == ".tar";
  const std::string root = root_name.empty() ? out.stem().string() : root_name;
  ECAB_TRY(CheckMembers(files));
  if (tar && !UnsafeMember(root).empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the bag's top folder '" + root + "' is not a plain name");
  }
  return tar ? WriteTar(out, root, files) : WriteDirectory(out, files);
}

}  // namespace ecab::replay
