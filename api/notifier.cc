#include "api/notifier.h"

#include <algorithm>

#include "api/log.h"
#include "domain/base/streams.h"
#include "domain/reminders/reminders.h"

namespace ecab::api {
namespace {

std::string Html(const std::string& text, const std::string& link) {
  std::string out = "<!doctype html><html><body><p>";
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  out += "</p>";
  if (!link.empty()) out += "<p><a href=\"" + link + "\">" + link + "</a></p>";
  return out + "</body></html>";
}

bool Has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

Notifier::Notifier(const es::EventStore& store, CommandService& commands, Mailer mailer, es::Clock& clock,
                   NotifierOptions options)
    : store_(store), commands_(commands), mailer_(std::move(mailer)), clock_(clock), options_(std::move(options)) {}

Status Notifier::Catch_up() {
  const auto& decoder = reminders::ReminderDecoder();
  for (;;) {
    auto batch = store_.ReadAll(read_to_ + 1, 1000);
    if (!batch.ok()) return batch.error();
    if (batch->empty()) return Ok{};
    for (const auto& e : *batch) {
      read_to_ = e.position;
      if (!e.type.starts_with("notification.")) continue;
      auto event = decoder.Decode(e.type, e.schema_version, e.payload);
      if (!event.ok()) continue;  // not a reminders event of this build: nothing to deliver
      if (const auto* r = std::get_if<reminders::NotificationRequested>(&*event)) {
        // Email is delivered here; in-app is the inbox; SMS is not built yet.
        if (Has(r->channels, "email") && mailer_.enabled()) {
          pending_[{e.position, "email"}] =
              Pending{e.body, r->recipient, "email", r->subject, r->text, r->reference, e.recorded_at, 0, e.recorded_at};
        }
      } else if (const auto* d = std::get_if<reminders::NotificationDelivered>(&*event)) {
        pending_.erase({d->notification, d->channel});
      } else if (const auto* f = std::get_if<reminders::NotificationFailed>(&*event)) {
        auto it = pending_.find({f->notification, f->channel});
        if (it == pending_.end()) continue;
        if (f->final) {
          pending_.erase(it);
        } else if (f->attempt >= it->second.attempts) {
          it->second.attempts = f->attempt;
          const auto wait = std::min<std::chrono::milliseconds>(options_.max_retry,
                                                                options_.first_retry * (1LL << std::min(f->attempt - 1, 20u)));
          it->second.next_at = std::max(it->second.next_at, e.recorded_at + wait);
        }
      }
    }
  }
}

void Notifier::Attempt(std::uint64_t notification, Pending& p) {
  auto body = commands_.BodySnapshot(p.body);
  const directory::ContactSet* contact = nullptr;
  if (body.ok()) {
    auto it = (*body)->state.contacts.find(p.recipient);
    if (it != (*body)->state.contacts.end()) contact = &it->second;
  }
  const std::uint32_t attempt = p.attempts + 1;
  reminders::RecordDelivery record{notification, p.recipient, p.channel, false, "", "", false, attempt};
  if (contact == nullptr || !Has(contact->channels, "email")) {
    p.attempts = options_.max_attempts;  // not one of the person's channels: nothing to send, nothing to record
    return;
  }
  Mail mail{contact->email, p.subject, p.text, "", "<n" + std::to_string(notification) + ".email." + p.body + "@ecabinet>"};
  const std::string link = options_.link_base.empty() ? "" : options_.link_base + "/#/b/" + p.body;
  mail.text += link.empty() ? "\n" : "\n\n" + link + "\n";
  mail.html = Html(p.text, link);
  const SendOutcome sent = mailer_.Send(mail);
  record.delivered = sent.ok;
  record.provider_id = sent.ok ? mail.message_id : "";
  record.reason = sent.reason;
  record.final = !sent.ok && (sent.permanent || attempt >= options_.max_attempts);
  const Timestamp now = clock_.Now();
  auto recorded = commands_.Execute(p.body, record,
                                    CommandContext{now, std::string(reminders::kDispatcherActor), Role::kSecretariat, "",
                                                   reminders::DeliveryCommandId(record)});
  if (!recorded.ok()) {
    LogEvent(spdlog::level::warn, {{"msg", "delivery not recorded"}, {"notification", notification},
                                   {"reason", recorded.error().message}});
  }
  std::lock_guard g(stats_mu_);
  if (sent.ok) {
    ++stats_.delivered;
    p.attempts = options_.max_attempts;  // done
    return;
  }
  ++stats_.failed_attempts;
  if (record.final) ++stats_.failed_final;
  p.attempts = record.final ? options_.max_attempts : attempt;
  auto wait = std::min<std::chrono::milliseconds>(options_.max_retry,
                                                  options_.first_retry * (1LL << std::min(attempt - 1, 20u)));
  std::uniform_real_distribution<double> spread(0.8, 1.2);
  p.next_at = now + std::chrono::duration_cast<std::chrono::microseconds>(wait * spread(jitter_));
  LogEvent(spdlog::level::warn, {{"msg", "notification not delivered"}, {"notification", notification},
                                 {"channel", p.channel}, {"attempt", attempt}, {"final", record.final},
                                 {"reason", sent.reason}});
}

Result<std::size_t> Notifier::RunOnce() {
  if (auto s = Catch_up(); !s.ok()) return s.error();
  const Timestamp now = clock_.Now();
  std::size_t attempts = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.next_at <= now) {
      Attempt(it->first.first, it->second);
      ++attempts;
    }
    it = it->second.attempts >= options_.max_attempts ? pending_.erase(it) : std::next(it);
  }
  std::lock_guard g(stats_mu_);
  stats_.pending = pending_.size();
  stats_.oldest_pending_seconds = 0;
  for (const auto& [key, p] : pending_) {
    stats_.oldest_pending_seconds =
        std::max(stats_.oldest_pending_seconds, std::chrono::duration<double>(now - p.requested_at).count());
  }
  return attempts;
}

NotifierStats Notifier::stats() const {
  std::lock_guard g(stats_mu_);
  return stats_;
}

NotifierLoop::NotifierLoop(std::unique_ptr<Notifier> notifier, std::chrono::milliseconds every)
    : notifier_(std::move(notifier)), every_(every), thread_([this] {
        std::unique_lock lock(mu_);
        while (!stop_) {
          lock.unlock();
          if (auto r = notifier_->RunOnce(); !r.ok()) {
            LogEvent(spdlog::level::warn, {{"msg", "notification dispatcher"}, {"reason", r.error().message}});
          }
          lock.lock();
          wake_.wait_for(lock, every_, [this] { return stop_; });
        }
      }) {}

NotifierLoop::~NotifierLoop() { Stop(); }

void NotifierLoop::Stop() {
  {
    std::lock_guard g(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ecab::api
