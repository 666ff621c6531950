#include "projections/prefetch.h"

namespace ecab::proj {

Prefetcher::Prefetcher(std::unique_ptr<es::Subscription> inner, std::size_t batch,
                       std::size_t depth)
    : inner_(std::move(inner)), batch_(batch), depth_(depth), next_(inner_->next_position()) {
  thread_ = std::thread([this] { Loop(); });
}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard g(mu_);
    stop_ = true;
  }
  room_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Prefetcher::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      room_.wait(lock, [&] { return stop_ || queue_.size() < depth_; });
      if (stop_) return;
    }
    auto events = inner_->Next(batch_, std::chrono::milliseconds(50));
    std::lock_guard g(mu_);
    if (!events.ok()) {
      error_ = events.error();
      ready_.notify_all();
      return;
    }
    if (!events->empty()) {
      queue_.push_back(std::move(events).value());
      ready_.notify_all();
    }
  }
}

Result<std::vector<es::RecordedEvent>> Prefetcher::Next(std::size_t max,
                                                        std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  ready_.wait_for(lock, wait, [&] { return !queue_.empty() || error_.has_value(); });
  if (queue_.empty()) {
    if (error_) return *error_;
    return std::vector<es::RecordedEvent>{};
  }
  std::vector<es::RecordedEvent> out;
  auto& front = queue_.front();
  if (front.size() <= max) {
    out = std::move(front);
    queue_.pop_front();
    room_.notify_all();
  } else {
    out.assign(std::make_move_iterator(front.begin()),
               std::make_move_iterator(front.begin() + static_cast<std::ptrdiff_t>(max)));
    front.erase(front.begin(), front.begin() + static_cast<std::ptrdiff_t>(max));
  }
  if (!out.empty()) next_ = out.back().position + 1;
  return out;
}

std::uint64_t Prefetcher::next_position() const {
  std::lock_guard g(mu_);
  return next_;
}

}  // namespace ecab::proj
