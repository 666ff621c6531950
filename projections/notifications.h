// projections/notifications.h — notifications as people and staff see them:
// each person's in-app notifications (what notification.requested asked to
// show in the app), and per body the notifications given up on (a final
// notification.failed), for the secretariat's dashboard.
//
// Keys: "notify/in/<body>/<person>/<position>"      JSON of one notification
//       "notify/failed/<body>/<position>/<channel>" JSON of a failure given up on
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "eventstore/view_store.h"
#include "projections/projection.h"

namespace ecab::proj {

class NotificationsProjection final : public Projection {
 public:
  std::string_view name() const override { return "notifications"; }
  Status Apply(const es::RecordedEvent& event) override;
  Status Flush(es::ViewBatch& batch) override;
  void Discard() override { writes_.clear(); }

 private:
  std::map<std::string, std::optional<std::string>> writes_;  // key -> value, or delete
};

// The latest `limit` in-app notifications of `person` in `body`, newest
// first: {position, kind, params, subject, text, reference, urgent, at}.
Result<nlohmann::json> InAppNotifications(const es::ViewStore& views, std::string_view body,
                                          std::string_view person, std::size_t limit);

// The notifications of `body` given up on, newest first: {notification,
// recipient, channel, attempts, reason, at}. The reason has addresses and
// phone numbers left out (the dashboard is not for personal data).
Result<nlohmann::json> FailedNotifications(const es::ViewStore& views, std::string_view body,
                                           std::size_t limit);

}  // namespace ecab::proj
