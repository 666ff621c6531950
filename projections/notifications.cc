#include "projections/notifications.h"

#include <algorithm>
#include <cctype>

#include "domain/base/streams.h"
#include "domain/reminders/reminders.h"

namespace ecab::proj {
namespace {

// `reason` with every word holding an '@' (an address) or a run of 8+ digits
// (a phone number) replaced by "…".
std::string WithoutPersonalData(const std::string& reason) {
  std::string out, word;
  const auto flush = [&] {
    const bool address = word.find('@') != std::string::npos;
    const auto digits =
        std::count_if(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); });
    out += address || digits >= 8 ? "…" : word;
    word.clear();
  };
  for (char c : reason) {
    if (c == ' ' || c == '\t' || c == '\n') {
      flush();
      out += c;
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

Result<nlohmann::json> Latest(const es::ViewStore& views, const std::string& prefix,
                              std::size_t limit) {
  ECAB_TRY_LET(entries, views.Scan(prefix, 100'000));
  nlohmann::json out = nlohmann::json::array();
  for (auto it = entries->rbegin(); it != entries->rend() && out.size() < limit; ++it) {
    auto entry = nlohmann::json::parse(it->second, nullptr, false);
    if (!entry.is_discarded()) out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

Status NotificationsProjection::Apply(const es::RecordedEvent& e) {
  if (!IsRemindersStream(e.stream) || !e.type.starts_with("notification.")) return Ok{};
  ECAB_TRY_LET(event, DecodeEvent(reminders::ReminderDecoder(), e, name()));
  if (const auto* n = std::get_if<reminders::NotificationRequested>(&*event)) {
    if (std::find(n->channels.begin(), n->channels.end(), "in_app") == n->channels.end())
      return Ok{};
    writes_["notify/in/" + e.body + "/" + n->recipient + "/" + PositionKey(e.position)] =
        nlohmann::json{{"position", e.position}, {"kind", n->kind},
                       {"params", n->params},    {"subject", n->subject},
                       {"text", n->text},        {"reference", n->reference},
                       {"urgent", n->urgent},    {"at", FormatRfc3339(e.recorded_at)}}
            .dump();
  } else if (const auto* f = std::get_if<reminders::NotificationFailed>(&*event)) {
    if (!f->final) return Ok{};
    writes_["notify/failed/" + e.body + "/" + PositionKey(f->notification) + "/" + f->channel] =
        nlohmann::json{{"notification", f->notification},
                       {"recipient", f->recipient},
                       {"channel", f->channel},
                       {"attempts", f->attempt},
                       {"reason", WithoutPersonalData(f->reason)},
                       {"at", FormatRfc3339(f->at)}}
            .dump();
  } else if (const auto* d = std::get_if<reminders::NotificationDelivered>(&*event)) {
    writes_["notify/failed/" + e.body + "/" + PositionKey(d->notification) + "/" + d->channel] =
        std::nullopt;
  }
  return Ok{};
}

Status NotificationsProjection::Flush(es::ViewBatch& batch) {
  for (auto& [key, value] : writes_) {
    if (value) {
      batch.Put(key, std::move(*value));
    } else {
      batch.Delete(key);
    }
  }
  writes_.clear();
  return Ok{};
}

Result<nlohmann::json> InAppNotifications(const es::ViewStore& views, std::string_view body,
                                          std::string_view person, std::size_t limit) {
  return Latest(views, "notify/in/" + std::string(body) + "/" + std::string(person) + "/", limit);
}

Result<nlohmann::json> FailedNotifications(const es::ViewStore& views, std::string_view body,
                                           std::size_t limit) {
  return Latest(views, "notify/failed/" + std::string(body) + "/", limit);
}

}  // namespace ecab::proj
