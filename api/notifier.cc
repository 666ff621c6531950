#include "api/notifier.h"

#include <algorithm>
#include <random>
#include <vector>

#include "api/herald.h"
#include "api/log.h"
#include "domain/base/streams.h"
#include "domain/reminders/reminders.h"
#include "domain/text/html.h"

namespace ecab::api {
namespace {

std::string Html(const std::string& text, const std::string& link) {
  std::string out = "<!doctype html><html><body>";
  std::size_t at = 0;
  while (at <= text.size()) {  // a paragraph per block of lines
    auto end = text.find("\n\n", at);
    if (end == std::string::npos) end = text.size();
    std::string para = text::HtmlEscaped(text.substr(at, end - at));
    for (auto nl = para.find('\n'); nl != std::string::npos; nl = para.find('\n', nl + 5))
      para.replace(nl, 1, "<br>");
    if (!link.empty()) {
      const std::string escaped = text::HtmlEscaped(link);
      if (auto l = para.find(escaped); l != std::string::npos) {
        para.replace(l, escaped.size(), "<a href=\"" + escaped + "\">" + escaped + "</a>");
      }
    }
    if (!para.empty()) out += "<p>" + para + "</p>";
    at = end + 2;
  }
  return out + "</body></html>";
}

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::chrono::milliseconds Backoff(const NotifierOptions& o, std::uint32_t attempt) {
  return std::min<std::chrono::milliseconds>(o.max_retry,
                                             o.first_retry * (1LL << std::min(attempt - 1, 20u)));
}

// Minutes after midnight in Asia/Ho_Chi_Minh (UTC+7 all year).
int LocalMinutes(Timestamp t) {
  const auto local = std::chrono::floor<std::chrono::minutes>(t + std::chrono::hours(7));
  return static_cast<int>((local - std::chrono::floor<std::chrono::days>(local)).count());
}

// When the quiet hours [from, to) that hold `now` end, or nullopt when they do not hold it.
std::optional<Timestamp> QuietUntil(const directory::ContactSet& c, Timestamp now) {
  if (c.quiet_from < 0 || c.quiet_to < 0 || c.quiet_from == c.quiet_to) return std::nullopt;
  const int m = LocalMinutes(now);
  const bool quiet = c.quiet_from < c.quiet_to ? m >= c.quiet_from && m < c.quiet_to
                                               : m >= c.quiet_from || m < c.quiet_to;
  if (!quiet) return std::nullopt;
  const int wait = ((c.quiet_to - m) + 24 * 60) % (24 * 60);
  return std::chrono::floor<std::chrono::minutes>(now) + std::chrono::minutes(wait);
}

}  // namespace

bool Notifier::Bucket::Take(Timestamp now) {
  if (per_second <= 0) return true;
  const double elapsed = std::chrono::duration<double>(now - refilled).count();
  tokens = std::min(std::max(per_second, 1.0), tokens + std::max(0.0, elapsed) * per_second);
  refilled = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

Notifier::Notifier(const es::EventStore& store, CommandService& commands, Mailer mailer,
                   SmsGateway sms, es::Clock& clock, NotifierOptions options)
    : store_(store),
      commands_(commands),
      mailer_(std::move(mailer)),
      sms_(std::move(sms)),
      clock_(clock),
      options_(std::move(options)) {
  if (!options_.templates) {
    options_.templates = std::shared_ptr<const NotificationTemplates>(
        &NotificationTemplates::BuiltIn(), [](auto*) {});
  }
  options_.connections = std::max(1u, options_.connections);
  const Timestamp now = clock_.Now();
  buckets_["email"] =
      Bucket{options_.email_per_second, std::max(options_.email_per_second, 1.0), now};
  buckets_["sms"] = Bucket{options_.sms_per_second, std::max(options_.sms_per_second, 1.0), now};
}

Status Notifier::Catch_up() {
  const auto& decoder = reminders::ReminderDecoder();
  for (;;) {
    ECAB_TRY_LET(batch, store_.ReadAll(read_to_ + 1, 1000));
    if (batch->empty()) return Ok{};
    for (const auto& e : *batch) {
      read_to_ = e.position;
      if (e.type == directory::ContactSet::kType) {
        // The channels each person can be reached on, as the log stands: a
        // notification goes out on those the person had when it was requested.
        auto contact = directory::DirectoryDecoder().Decode(e.type, e.schema_version, e.payload);
        if (!contact.ok()) continue;
        const auto& c = std::get<directory::ContactSet>(*contact);
        auto& reachable = reachable_[{e.body, c.person}];
        reachable.clear();
        if (Has(c.channels, "email") && !c.email.empty()) reachable.insert("email");
        if (Has(c.channels, "sms") && !c.phone.empty()) reachable.insert("sms");
        continue;
      }
      if (!e.type.starts_with("notification.")) continue;
      auto event = decoder.Decode(e.type, e.schema_version, e.payload);
      if (!event.ok()) continue;  // not a reminders event of this build: nothing to deliver
      if (const auto* r = std::get_if<reminders::NotificationRequested>(&*event)) {
        for (const std::string channel : {"email", "sms"}) {
          const bool enabled = channel == "email" ? mailer_.enabled() : sms_.enabled();
          auto reachable = reachable_.find({e.body, r->recipient});
          if (!enabled || !Has(r->channels, channel) || reachable == reachable_.end() ||
              !reachable->second.contains(channel)) {
            continue;
          }
          pending_[{e.position, channel}] =
              Pending{e.body,    r->recipient,  channel, r->reference,
                      r->kind,   r->subject,    r->text, r->params,
                      r->urgent, e.recorded_at, 0,       Timestamp{}};  // due at once
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
          it->second.next_at = std::max(
              it->second.next_at, f->at + Backoff(options_, f->attempt));  // the dispatcher's clock
        }
      }
    }
  }
}

bool Notifier::Ready(Pending& p, Timestamp now) {
  if (p.next_at > now) return false;
  auto body = commands_.BodySnapshot(p.body);
  if (!body.ok()) return false;  // tried again next round
  const auto& contacts = (*body)->state.contacts;
  auto it = contacts.find(p.recipient);
  const bool reachable = it != contacts.end() && Has(it->second.channels, p.channel) &&
                         !(p.channel == "email" ? it->second.email : it->second.phone).empty();
  if (!reachable) {
    p.done = true;  // not one of the person's channels: nothing to send, nothing to record
    return false;
  }
  if (!p.urgent) {
    if (auto until = QuietUntil(it->second, now)) {
      p.next_at = *until;
      return false;
    }
  }
  return buckets_[p.channel].Take(now);
}

void Notifier::Attempt(std::uint64_t notification, Pending& p, Timestamp now) {
  auto body = commands_.BodySnapshot(p.body);
  if (!body.ok()) return;
  const directory::Body& state = (*body)->state;
  const directory::ContactSet& contact = state.contacts.at(p.recipient);
  const std::string link = options_.link_base.empty() ? "" : options_.link_base + "/#/b/" + p.body;
  NotificationText message{p.subject, p.subject + (link.empty() ? "" : " " + link), p.text};
  if (!p.kind.empty()) {
    const std::string language = LanguageOf(state, p.recipient);
    auto rendered = options_.templates->Render(
        p.kind, language, TemplateValues(state, p.recipient, language, p.params, link));
    if (rendered.ok()) message = std::move(*rendered);
  } else if (!link.empty()) {
    message.text += "\n\n" + link;
  }
  const std::uint32_t attempt = p.attempts + 1;
  const std::string key = "n" + std::to_string(notification) + "." + p.channel + "." + p.body;
  SendOutcome sent;
  if (p.channel == "email") {
    sent = mailer_.Send(Mail{contact.email, message.subject, message.text + "\n",
                             Html(message.text, link), "<" + key + "@ecabinet>"});
    if (sent.ok) sent.provider_id = "<" + key + "@ecabinet>";
  } else {
    const std::string text =
        options_.sms_ascii || contact.sms_ascii ? WithoutDiacritics(message.sms) : message.sms;
    sent = sms_.Send(contact.phone, text, key);
  }
  reminders::RecordDelivery record{notification,     p.recipient, p.channel, sent.ok,
                                   sent.provider_id, sent.reason, false,     attempt};
  record.final = !sent.ok && (sent.permanent || attempt >= options_.max_attempts);
  auto recorded = commands_.Execute(
      p.body, record,
      CommandContext{clock_.Now(), std::string(reminders::kDispatcherActor), Role::kSecretariat, "",
                     reminders::DeliveryCommandId(record)});
  if (!recorded.ok()) {
    LogEvent(spdlog::level::warn, {{"msg", "delivery not recorded"},
                                   {"notification", notification},
                                   {"reason", recorded.error().message}});
  }
  thread_local std::mt19937_64 jitter{std::random_device{}()};
  std::lock_guard g(stats_mu_);
  auto& counts = stats_.channels[p.channel];
  if (sent.ok) {
    ++counts.delivered;
    p.done = true;
    return;
  }
  ++counts.failed_attempts;
  if (record.final) ++counts.failed_final;
  p.attempts = attempt;
  p.done = record.final;
  std::uniform_real_distribution<double> spread(0.8, 1.2);
  p.next_at = now + std::chrono::duration_cast<std::chrono::microseconds>(
                        Backoff(options_, attempt) * spread(jitter));
  LogEvent(spdlog::level::warn, {{"msg", "notification not delivered"},
                                 {"notification", notification},
                                 {"channel", p.channel},
                                 {"attempt", attempt},
                                 {"final", record.final},
                                 {"reason", sent.reason}});
}

Result<std::size_t> Notifier::RunOnce() {
  ECAB_TRY(Catch_up());
  const Timestamp now = clock_.Now();
  std::vector<std::pair<std::uint64_t, Pending*>> due;
  for (auto& [key, p] : pending_) {
    if (Ready(p, now)) due.emplace_back(key.first, &p);
  }
  // Up to `connections` senders at once, each with its own connection.
  std::atomic<std::size_t> next{0};
  const auto send = [&] {
    for (std::size_t i = next++; i < due.size(); i = next++)
      Attempt(due[i].first, *due[i].second, now);
  };
  const std::size_t senders = std::min<std::size_t>(options_.connections, due.size());
  if (senders <= 1) {
    send();
  } else {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < senders; ++i) threads.emplace_back(send);
  }
  std::erase_if(pending_, [](const auto& entry) { return entry.second.done; });
  std::lock_guard g(stats_mu_);
  stats_.pending = pending_.size();
  stats_.oldest_pending_seconds = 0;
  for (const auto& [key, p] : pending_) {
    stats_.oldest_pending_seconds = std::max(
        stats_.oldest_pending_seconds, std::chrono::duration<double>(now - p.requested_at).count());
  }
  return due.size();
}

NotifierStats Notifier::stats() const {
  std::lock_guard g(stats_mu_);
  return stats_;
}

NotifierLoop::NotifierLoop(std::unique_ptr<Herald> herald, std::unique_ptr<Notifier> notifier,
                           std::chrono::milliseconds every)
    : herald_(std::move(herald)), notifier_(std::move(notifier)), every_(every), thread_([this] {
        std::unique_lock lock(mu_);
        while (!stop_) {
          if (wake_.wait_for(lock, every_, [this] { return stop_; })) break;
          lock.unlock();
          if (herald_) {
            if (auto r = herald_->RunOnce(); !r.ok()) {
              LogEvent(spdlog::level::warn, {{"msg", "herald"}, {"reason", r.error().message}});
            }
          }
          if (notifier_) {
            if (auto r = notifier_->RunOnce(); !r.ok()) {
              LogEvent(spdlog::level::warn,
                       {{"msg", "notification dispatcher"}, {"reason", r.error().message}});
            }
          }
          lock.lock();
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

std::optional<NotifierStats> NotifierLoop::stats() const {
  if (!notifier_) return std::nullopt;
  return notifier_->stats();
}

}  // namespace ecab::api
