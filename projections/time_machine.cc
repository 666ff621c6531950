#include "projections/time_machine.h"

#include <stdlib.h>

#include <algorithm>

#include "projections/runner.h"

namespace ecab::proj {
namespace {

// Positions of the checkpoints under `dir`, ascending ("<16 hex digits>/").
std::vector<std::uint64_t> Checkpoints(const std::filesystem::path& dir) {
  std::vector<std::uint64_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 16 && name.find_first_not_of("0123456789abcdef") == std::string::npos) {
      out.push_back(std::stoull(name, nullptr, 16));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A writable copy of a checkpoint: table files hard-linked (they are never
// modified), everything else copied.
Status CopyCheckpoint(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::create_directories(to, ec);
  for (const auto& entry : std::filesystem::directory_iterator(from, ec)) {
    const auto target = to / entry.path().filename();
    if (entry.path().extension() == ".sst") {
      std::filesystem::create_hard_link(entry.path(), target, ec);
    } else {
      std::filesystem::copy_file(entry.path(), target, ec);
    }
    if (ec)
      return MakeError(ErrorCode::kIoError,
                       "cannot copy " + entry.path().string() + ": " + ec.message());
  }
  if (ec)
    return MakeError(ErrorCode::kIoError, "cannot read " + from.string() + ": " + ec.message());
  return Ok{};
}

}  // namespace

PastViews::PastViews(std::filesystem::path dir, std::unique_ptr<es::ViewStore> views,
                     std::uint64_t position, std::uint64_t replayed)
    : dir_(std::move(dir)), views_(std::move(views)), position_(position), replayed_(replayed) {}

PastViews::~PastViews() {
  views_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

TimeMachine::TimeMachine(std::filesystem::path dir, std::shared_ptr<const es::KeyRing> keys,
                         std::string runner, Factory factory, std::uint64_t every)
    : dir_(std::move(dir)),
      keys_(std::move(keys)),
      runner_(std::move(runner)),
      factory_(std::move(factory)),
      every_(every) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const auto existing = Checkpoints(dir_);
  if (!existing.empty()) last_ = existing.back();
}

Status TimeMachine::MaybeCheckpoint(const es::ViewStore& live, std::uint64_t position) {
  if (position < last_ + every_) return Ok{};
  const auto scratch = dir_ / ("taking-" + PositionKey(position));
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  if (auto s = live.Checkpoint(scratch); !s.ok()) return s;
  // The copy says itself which position it holds.
  ECAB_TRY_LET(copy, es::ViewStore::Open(scratch, keys_));
  auto held = (*copy)->Get("checkpoint/" + runner_);
  copy->reset();
  if (!held.ok()) return held.error();
  const std::uint64_t at = held->has_value() ? std::stoull(**held) : 0;
  std::filesystem::rename(scratch, dir_ / PositionKey(at), ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot keep checkpoint: " + ec.message());
  last_ = at;
  return Ok{};
}

Result<std::unique_ptr<PastViews>> TimeMachine::At(const es::EventStore& store,
                                                   std::uint64_t position) const {
  if (position > store.head_position()) {
    return MakeError(ErrorCode::kInvalidArgument, "position " + std::to_string(position) +
                                                      " is past the head " +
                                                      std::to_string(store.head_position()));
  }
  std::string pattern = (dir_ / "past-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return MakeError(ErrorCode::kIoError, "cannot make a scratch directory");
  const std::filesystem::path scratch = pattern;
  std::optional<std::uint64_t> base;
  for (std::uint64_t at : Checkpoints(dir_)) {
    if (at <= position) base = at;
  }
  if (base) {
    std::filesystem::remove(scratch);
    ECAB_TRY(CopyCheckpoint(dir_ / PositionKey(*base), scratch));
  }
  ECAB_TRY_LET(views, es::ViewStore::Open(scratch, keys_));
  auto projections = factory_(**views);
  std::vector<Projection*> raw;
  for (auto& p : projections) raw.push_back(p.get());
  std::uint64_t replayed = 0;
  {
    Runner runner(runner_, **views, raw);
    auto source = store.Subscribe(runner.position() + 1);
    while (runner.position() < position) {
      ECAB_TRY_LET(
          applied,
          runner.Step(*source, std::min<std::uint64_t>(10'000, position - runner.position()),
                      std::chrono::milliseconds(0)));
      if (*applied == 0)
        return MakeError(ErrorCode::kCorruption, "the log ended before the asked position");
      replayed += *applied;
    }
  }
  projections.clear();
  return std::make_unique<PastViews>(scratch, std::move(views).value(), position, replayed);
}

}  // namespace ecab::proj
