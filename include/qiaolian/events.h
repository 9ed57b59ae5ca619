// Event counts (活动统计): how many visits, calls, letters, posts, reports...
// in a period, by kind, outlet or channel, each record weighted by the number
// of contacts it stands for, with click totals and the ids behind each
// figure. docs/records.md explains the rules.
//
//   qiaolian::EventCountsOptions o;
//   o.by = qiaolian::EventGroupBy::kOutlet;
//   o.types = {qiaolian::v1::Event::TYPE_MEDIA_REPORT};
//   absl::StatusOr<qiaolian::EventCounts> c =
//       qiaolian::ComputeEventCounts(*store, o);
//
// Weighting: Event.count is how many contacts one record stands for (one
// record of 230 WeChat group posts counts 230; 89 letters logged together
// count 89); 0 (not stated) counts as 1. A multi-day event belongs to the
// period of its first day (Event.date).
//
// Thread-safety: safe to call concurrently.
#ifndef QIAOLIAN_EVENTS_H_
#define QIAOLIAN_EVENTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/common.pb.h"
#include "qiaolian/v1/event.pb.h"

namespace qiaolian {

enum class EventGroupBy {
  kNone,     // One group, "all".
  kType,     // Event.type: "TYPE_PHONE_CALL", ...
  kOutlet,   // Event.outlet as written ("null" if blank).
  kChannel,  // Event.channel: "CHANNEL_TV", ... ("null" if unspecified).
  kMonth,    // Month of Event.date: "2020-03".
};

// "none", "type" (also "kind"), "outlet", "channel", "month".
absl::StatusOr<EventGroupBy> ParseEventGroupBy(absl::string_view text);

// The event type named `text`: full ("TYPE_PHONE_CALL") or short
// ("phone_call", any case). INVALID_ARGUMENT listing the types otherwise.
absl::StatusOr<v1::Event::Type> ParseEventType(absl::string_view text);

struct EventCountsOptions {
  EventGroupBy by = EventGroupBy::kNone;
  std::optional<v1::Date> from;  // Event.date in [from, to], inclusive.
  std::optional<v1::Date> to;
  std::vector<v1::Event::Type> types;  // Only these types; empty: all.
  std::string outlet;                  // Only this outlet; empty: all.
  v1::Event::Channel channel = v1::Event::CHANNEL_UNSPECIFIED;  // Or all.
};

struct EventCount {
  std::string key;       // See EventGroupBy; "all" for kNone.
  uint64_t records = 0;  // Event records in the group.
  // Sum over the records of max(Event.count, 1): the figure a report prints.
  uint64_t count = 0;
  uint64_t clicks = 0;         // Sum of Event.clicks.
  uint64_t max_clicks = 0;     // Highest Event.clicks of one record.
  uint64_t max_clicks_id = 0;  // The record with it (lowest id on ties).
  uint64_t with_clicks = 0;    // Records that state clicks (> 0).
  uint64_t attendees = 0;      // Sum of Event.attendee_count.
  // Distinct registered participants (Participant.ref) of the events, e.g.
  // the enterprises visited (figure 1) or the people greeted (figure 11).
  uint64_t distinct_participants = 0;
  // What was given at the events: Event.money per currency, the gifts'
  // quantities per canonical unit and their declared value per currency
  // (minor units), as for donations.
  std::map<std::string, int64_t> money;
  std::map<std::string, int64_t> gift_quantities;
  std::map<std::string, int64_t> gift_value;
  std::vector<uint64_t> ids;  // Event ids, ascending.
  // Cases and donations the events link to (Event.related), distinct,
  // ascending.
  std::vector<uint64_t> case_ids;
  std::vector<uint64_t> donation_ids;
};

struct EventCounts {
  std::vector<EventCount> groups;  // Ordered by key.
  EventCount all;                  // Every event selected.
  // {"all":{..},"groups":[{"key","records","count","clicks","max_clicks",
  //  "max_clicks_id","with_clicks","attendees","distinct_participants",
  //  "money","gift_quantities","gift_value","ids","case_ids",
  //  "donation_ids"}]}.
  std::string ToJson() const;
};

// Counts the events `options` selects, on one snapshot. INVALID_ARGUMENT for
// a partial date, from > to, or an unknown type/channel value.
absl::StatusOr<EventCounts> ComputeEventCounts(
    const Store& store, const EventCountsOptions& options);

}  // namespace qiaolian

#endif  // QIAOLIAN_EVENTS_H_
