#include "projections/runner.h"

namespace ecab::proj {

Runner::Runner(std::string name, es::ViewStore& views, std::vector<Projection*> projections)
    : checkpoint_key_("checkpoint/" + std::move(name)),
      views_(views),
      projections_(std::move(projections)) {
  if (auto stored = StoredCheckpoint(); stored.ok()) position_ = *stored;
}

Runner::~Runner() { Stop(); }

Result<std::uint64_t> Runner::StoredCheckpoint() const {
  ECAB_TRY_LET(value, views_.Get(checkpoint_key_));
  if (!value->has_value()) return std::uint64_t{0};
  try {
    return static_cast<std::uint64_t>(std::stoull(**value));
  } catch (const std::exception&) {
    return MakeError(ErrorCode::kCorruption, "malformed checkpoint under " + checkpoint_key_);
  }
}

Result<std::size_t> Runner::Step(es::Subscription& source, std::size_t max,
                                 std::chrono::milliseconds wait) {
  if (source.next_position() != position_.load() + 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the source starts at " + std::to_string(source.next_position()) +
                         ", the views are at " + std::to_string(position_.load()));
  }
  ECAB_TRY_LET(events, source.Next(max, wait));
  if (events->empty()) return std::size_t{0};
  auto fail = [&](const Error& e) -> Result<std::size_t> {
    for (Projection* p : projections_) p->Discard();
    return e;
  };
  for (const es::RecordedEvent& e : *events) {
    for (Projection* p : projections_) {
      if (auto s = p->Apply(e); !s.ok()) return fail(s.error());
    }
  }
  es::ViewBatch batch;
  for (Projection* p : projections_) {
    if (auto s = p->Flush(batch); !s.ok()) return fail(s.error());
  }
  const std::uint64_t last = events->back().position;
  batch.Put(checkpoint_key_, std::to_string(last));
  if (auto s = views_.Write(batch); !s.ok()) return fail(s.error());
  {
    std::lock_guard g(mu_);
    position_ = last;
  }
  cv_.notify_all();
  return events->size();
}

void Runner::Start(es::Subscription& source, std::size_t batch, std::chrono::milliseconds linger) {
  stop_ = false;
  thread_ = std::thread([this, &source, batch, linger] {
    while (!stop_.load()) {
      auto applied = Step(source, batch, std::chrono::milliseconds(100));
      if (!applied.ok()) {
        std::lock_guard g(mu_);
        error_ = applied.error();
        cv_.notify_all();
        return;
      }
      if (linger.count() > 0 && *applied > 0 && *applied < batch) {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, linger, [&] { return stop_.load() || urgent_ > 0; });
      }
    }
  });
}

void Runner::Stop() {
  {
    std::lock_guard g(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Runner::WaitFor(std::uint64_t target, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  if (position_.load() >= target) return true;
  ++urgent_;
  wake_.notify_all();
  const bool reached = cv_.wait_until(lock, deadline, [&] {
    return position_.load() >= target || error_.has_value();
  }) && position_.load() >= target;
  --urgent_;
  return reached;
}

std::optional<Error> Runner::error() const {
  std::lock_guard g(mu_);
  return error_;
}

}  // namespace ecab::proj
