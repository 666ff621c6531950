#include "api/http/limits.h"

#include <algorithm>

namespace ecab::http {

bool RateLimiter::Allow(const std::string& client) {
  if (rate_ <= 0) return true;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (buckets_.size() > 100'000) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.at = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

Places::Places(std::size_t per_peer, std::size_t total) : per_peer_(per_peer), total_(total) {}

std::shared_ptr<void> Places::Take(const std::string& peer) {
  std::lock_guard lock(counts_->mu);
  std::size_t& mine = counts_->by_peer[peer];
  if (mine >= per_peer_ || counts_->total >= total_) {
    if (mine == 0) counts_->by_peer.erase(peer);
    return nullptr;
  }
  ++mine;
  ++counts_->total;
  // Not null (callers test it), owning nothing: letting go gives the place back.
  return std::shared_ptr<void>(counts_.get(), [counts = counts_, peer](void*) {
    std::lock_guard release(counts->mu);
    --counts->total;
    if (auto it = counts->by_peer.find(peer); it != counts->by_peer.end() && --it->second == 0) {
      counts->by_peer.erase(it);
    }
  });
}

}  // namespace ecab::http
