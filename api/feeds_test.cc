// The meeting feed's shared timeline (api/feeds.h): every connection on a
// meeting gets the same message object per event, and every one of them,
// however far behind it starts, rebuilds the meeting's view from its
// snapshot and patches.
#include "api/feeds.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/testing.h"
#include "projections/views.h"

namespace ecab::api {
namespace {

using nlohmann::json;
using testing::Node;

const std::string b = "/v1/bodies/gov-vn";

void Schedule(Node& node, const std::string& meeting) {
  const auto r = node.Call("POST", b + "/meetings",
                           json{{"meeting", meeting},
                                {"title", "Feeds"},
                                {"place", "HN"},
                                {"starts_at", FormatRfc3339(testing::Now())},
                                {"ends_at", FormatRfc3339(testing::Now() + std::chrono::hours(1))}}
                               .dump(),
                           "gov-office-staff-1");
  ASSERT_EQ(r.status, 201) << r.body;
}

void AddItems(Node& node, const std::string& meeting, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    const auto r = node.Call(
        "POST", b + "/meetings/" + meeting + "/agenda",
        json{{"item", "a" + std::to_string(i)}, {"title", "Item " + std::to_string(i)}}.dump(),
        "gov-office-staff-1");
    ASSERT_EQ(r.status, 201) << r.body;
  }
}

std::unique_ptr<http::FeedSource> OpenFeed(Node& node, const std::string& meeting,
                                           std::uint64_t from, const std::string& token) {
  http::Request r;
  r.method = "GET";
  r.target = b + "/meetings/" + meeting + "/feed?from=" + std::to_string(from);
  EXPECT_TRUE(http::ParseTarget(r.target, r.path, r.query));
  r.headers.emplace_back("authorization", "Bearer " + token);
  auto opened = node.app->OpenFeed(r);
  auto* feed = std::get_if<std::unique_ptr<http::FeedSource>>(&opened);
  if (feed == nullptr) {
    ADD_FAILURE() << "the feed was refused: " << std::get<http::Response>(opened).body;
    return nullptr;
  }
  return std::move(*feed);
}

// What a client of `feed` sees: the snapshot, then each message, until the
// feed has sent the event at `last` (0: not known yet; bounded: 200 empty
// polls in a row at most).
struct Followed {
  json view;
  std::vector<http::FeedMessage> changes;
  std::uint64_t position = 0;
};
Followed Follow(http::FeedSource& feed, const std::atomic<std::uint64_t>& last) {
  Followed out;
  for (int quiet = 0;
       quiet < 200 && (out.view.is_null() || last.load() == 0 || out.position < last.load());) {
    auto batch = feed.Next(std::chrono::milliseconds(20));
    EXPECT_FALSE(batch.end) << batch.reason;
    if (batch.end) break;
    quiet = batch.messages.empty() ? quiet + 1 : 0;
    for (auto& m : batch.messages) {
      const json change = json::parse(*m);
      if (change.contains("snapshot")) {
        out.view = change["snapshot"];
      } else {
        out.view = out.view.patch(change["patch"]);
        out.changes.push_back(m);
      }
      out.position = change["position"].get<std::uint64_t>();
    }
  }
  return out;
}
Followed Follow(http::FeedSource& feed, std::uint64_t last) {
  const std::atomic<std::uint64_t> known{last};
  return Follow(feed, known);
}

json ViewNow(Node& node, const std::string& meeting) {
  auto m = node.app->commands().Meeting(meeting);
  EXPECT_TRUE(m.ok());
  return m.ok() ? proj::RenderMeeting(m->state) : json{};
}

TEST(Feeds, ConnectionsOnOneMeetingShareEachMessageAndAllRebuildItsView) {
  Node node;
  Schedule(node, "f");
  const std::string token = node.Token("min-finance");
  const std::uint64_t scheduled = node.store->head_position();
  auto first = OpenFeed(node, "f", scheduled, token);
  auto second = OpenFeed(node, "f", scheduled, token);
  auto from_start = OpenFeed(node, "f", 0, token);
  ASSERT_TRUE(first && second && from_start);
  AddItems(node, "f", 1, 5);
  const std::uint64_t head = node.store->head_position();
  const Followed a = Follow(*first, head), c = Follow(*from_start, head), s = Follow(*second, head);
  const json now = ViewNow(node, "f");
  EXPECT_EQ(a.view, now);
  EXPECT_EQ(s.view, now);
  EXPECT_EQ(c.view, now);
  ASSERT_EQ(a.changes.size(), 5u);
  ASSERT_EQ(s.changes.size(), 5u);
  ASSERT_EQ(c.changes.size(), 6u);  // the scheduling too
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(a.changes[i].get(), s.changes[i].get()) << "event " << i << " was rendered twice";
    EXPECT_EQ(a.changes[i].get(), c.changes[i + 1].get()) << "event " << i << " was rendered twice";
  }
}

TEST(Feeds, AConnectionFarBehindRendersWhatIsNoLongerKeptAndThenJoinsTheSharedMessages) {
  Node node;
  Schedule(node, "f");
  const std::string token = node.Token("min-finance");
  auto live = OpenFeed(node, "f", node.store->head_position(), token);
  ASSERT_TRUE(live);
  const int items = static_cast<int>(MeetingTimeline::kKept) + 20;
  AddItems(node, "f", 1, items);
  const std::uint64_t head = node.store->head_position();
  const Followed a = Follow(*live, head);  // the timeline now keeps only the last kKept
  auto behind = OpenFeed(node, "f", 0, token);
  ASSERT_TRUE(behind);
  const Followed c = Follow(*behind, head);
  const json now = ViewNow(node, "f");
  EXPECT_EQ(a.view, now);
  EXPECT_EQ(c.view, now);
  ASSERT_EQ(c.changes.size(), a.changes.size() + 1);
  // The oldest are its own renderings (identical text); the newest are shared.
  EXPECT_NE(c.changes[1].get(), a.changes[0].get());
  EXPECT_EQ(*c.changes[1], *a.changes[0]);
  EXPECT_EQ(c.changes.back().get(), a.changes.back().get());
}

TEST(Feeds, FollowersOnThreadsOfTheirOwnAgreeWhileTheMeetingChanges) {
  Node node;
  Schedule(node, "f");
  const std::string token = node.Token("min-finance");
  node.Token("gov-office-staff-1");  // logged in before the threads start
  std::vector<std::unique_ptr<http::FeedSource>> feeds;
  for (std::uint64_t from :
       {std::uint64_t{0}, node.store->head_position(), node.store->head_position()}) {
    feeds.push_back(OpenFeed(node, "f", from, token));
    ASSERT_TRUE(feeds.back());
  }
  std::atomic<std::uint64_t> head{0};
  std::vector<Followed> seen(feeds.size());
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    readers.emplace_back([&, i] { seen[i] = Follow(*feeds[i], head); });
  }
  AddItems(node, "f", 1, 40);
  head.store(node.store->head_position());
  for (auto& t : readers) t.join();
  const json now = ViewNow(node, "f");
  for (const auto& s : seen) EXPECT_EQ(s.view, now);
}

}  // namespace
}  // namespace ecab::api
