#include "api/read_models.h"

namespace ecab::api {

Result<std::unique_ptr<Projections>> Projections::Open(es::EventStore& store,
                                                       const std::filesystem::path& dir,
                                                       std::shared_ptr<const es::KeyRing> keys) {
  std::unique_ptr<Projections> p(new Projections());
  ECAB_TRY_LET(views, es::ViewStore::Open(dir, std::move(keys)));
  p->views_ = std::move(views).value();
  p->aggregates_ = std::make_unique<proj::AggregateViews>(*p->views_);
  p->tasks_ = std::make_unique<proj::TasksProjection>(*p->views_);
  p->dashboard_ = std::make_unique<proj::DashboardProjection>(*p->views_);
  p->audit_ = std::make_unique<proj::AuditProjection>();
  p->search_ = std::make_unique<proj::SearchProjection>(*p->views_);
  p->bodies_ = std::make_unique<proj::BodiesProjection>();
  p->notifications_ = std::make_unique<proj::NotificationsProjection>();
  std::vector<proj::Projection*> all = p->aggregates_->all();
  for (proj::Projection* extra : std::initializer_list<proj::Projection*>{
           p->tasks_.get(), p->dashboard_.get(), p->audit_.get(), p->search_.get(),
           p->bodies_.get(), p->notifications_.get()}) {
    all.push_back(extra);
  }
  p->runner_ = std::make_unique<proj::Runner>("api", *p->views_, std::move(all));
  ECAB_TRY_LET(checkpoint, p->runner_->StoredCheckpoint());
  p->source_ = store.Subscribe(*checkpoint + 1);
  // Under a stream of appends the views commit at most every 10 ms (a
  // read with min_position cuts the wait short): one view write per batch
  // of ballots instead of one per ballot.
  p->runner_->Start(*p->source_, 1000, std::chrono::milliseconds(10));

  p->analytics_ = std::make_unique<proj::AnalyticsProjection>(*p->views_);
  p->analytics_runner_ = std::make_unique<proj::Runner>(
      "analytics", *p->views_, std::vector<proj::Projection*>{p->analytics_.get()});
  ECAB_TRY_LET(analytics_checkpoint, p->analytics_runner_->StoredCheckpoint());
  p->analytics_source_ = store.Subscribe(*analytics_checkpoint + 1);
  p->analytics_runner_->Start(*p->analytics_source_, 1000, std::chrono::milliseconds(50));
  return p;
}

Projections::~Projections() { Stop(); }

void Projections::Stop() {
  if (runner_) runner_->Stop();
  if (analytics_runner_) analytics_runner_->Stop();
}

bool Projections::WaitForAnalytics(std::uint64_t position, std::chrono::milliseconds wait) const {
  return analytics_runner_->WaitFor(position, std::chrono::steady_clock::now() + wait);
}

bool Projections::WaitFor(std::uint64_t position, std::chrono::milliseconds wait) const {
  return runner_->WaitFor(position, std::chrono::steady_clock::now() + wait);
}

}  // namespace ecab::api
