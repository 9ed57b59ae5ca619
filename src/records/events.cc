// Event counts (include/qiaolian/events.h).
#include "qiaolian/events.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "src/model/units.h"
#include "src/records/common.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"

namespace qiaolian {

absl::StatusOr<EventGroupBy> ParseEventGroupBy(absl::string_view text) {
  const std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (t == "none" || t.empty()) return EventGroupBy::kNone;
  if (t == "type" || t == "kind") return EventGroupBy::kType;
  if (t == "outlet") return EventGroupBy::kOutlet;
  if (t == "channel") return EventGroupBy::kChannel;
  if (t == "month") return EventGroupBy::kMonth;
  return absl::InvalidArgumentError(absl::StrCat(
      "by: \"", text, "\" is not one of none, kind, outlet, channel, month"));
}

absl::StatusOr<v1::Event::Type> ParseEventType(absl::string_view text) {
  std::string t = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  if (!absl::StartsWith(t, "TYPE_")) t = absl::StrCat("TYPE_", t);
  v1::Event::Type type;
  if (v1::Event::Type_Parse(t, &type) && type != v1::Event::TYPE_UNSPECIFIED) {
    return type;
  }
  std::vector<std::string> names;
  const auto* d = v1::Event::Type_descriptor();
  for (int i = 1; i < d->value_count(); ++i) {
    names.push_back(
        absl::AsciiStrToLower(absl::StripPrefix(d->value(i)->name(), "TYPE_")));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown event type \"", text,
                   "\"; expected one of: ", absl::StrJoin(names, ", ")));
}

namespace {

std::string GroupKey(const v1::Event& e, EventGroupBy by) {
  switch (by) {
    case EventGroupBy::kNone:
      return "all";
    case EventGroupBy::kType:
      return v1::Event::Type_Name(e.type());
    case EventGroupBy::kOutlet: {
      const std::string o(absl::StripAsciiWhitespace(e.outlet()));
      return o.empty() ? "null" : o;
    }
    case EventGroupBy::kChannel:
      return e.channel() == 0 ? "null" : v1::Event::Channel_Name(e.channel());
    case EventGroupBy::kMonth:
      return absl::StrFormat("%04d-%02d", e.date().year(), e.date().month());
  }
  return "all";
}

absl::Status AddU(uint64_t* a, uint64_t b, const v1::Event& e) {
  if (__builtin_add_overflow(*a, b, a)) {
    return absl::OutOfRangeError(
        absl::StrCat("event ", e.meta().id(), ": sum exceeds uint64"));
  }
  return absl::OkStatus();
}

// Registered participants seen per group, for distinct_participants.
using Seen = std::map<const EventCount*, std::set<std::pair<int, uint64_t>>>;

absl::Status Add(const v1::Event& e, EventCount* c, Seen* seen) {
  const std::string what = absl::StrCat("event ", e.meta().id());
  for (const auto& p : e.participants()) {
    if (p.has_ref() && p.ref().id() != 0) {
      (*seen)[c].insert({p.ref().kind(), p.ref().id()});
    }
  }
  if (e.has_money() &&
      (e.money().amount_minor() != 0 || !e.money().currency().empty())) {
    QL_RETURN_IF_ERROR(records::AddChecked(&c->money[e.money().currency()],
                                           e.money().amount_minor(), what));
  }
  for (int i = 0; i < e.gifts_size(); ++i) {
    const v1::Item& g = e.gifts(i);
    if (g.quantity() != 0 || !g.unit().empty()) {
      absl::StatusOr<std::string> unit = model::CanonicalUnit(g.unit());
      if (!unit.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ", gifts[", i, "].unit: ", unit.status().message()));
      }
      QL_RETURN_IF_ERROR(
          records::AddChecked(&c->gift_quantities[*unit], g.quantity(), what));
    }
    if (g.has_value() && !g.value().currency().empty()) {
      QL_RETURN_IF_ERROR(
          records::AddChecked(&c->gift_value[g.value().currency()],
                              g.value().amount_minor(), what));
    }
  }
  ++c->records;
  QL_RETURN_IF_ERROR(AddU(&c->count, e.count() == 0 ? 1 : e.count(), e));
  QL_RETURN_IF_ERROR(AddU(&c->clicks, e.clicks(), e));
  QL_RETURN_IF_ERROR(AddU(&c->attendees, e.attendee_count(), e));
  if (e.clicks() > 0) ++c->with_clicks;
  if (e.clicks() > c->max_clicks ||
      (e.clicks() == c->max_clicks && e.clicks() > 0 &&
       e.meta().id() < c->max_clicks_id)) {
    c->max_clicks = e.clicks();
    c->max_clicks_id = e.meta().id();
  }
  c->ids.push_back(e.meta().id());
  for (const v1::Ref& r : e.related()) {
    if (r.kind() == v1::KIND_CASE) c->case_ids.push_back(r.id());
    if (r.kind() == v1::KIND_DONATION) c->donation_ids.push_back(r.id());
  }
  return absl::OkStatus();
}

void Finish(EventCount* c, const Seen& seen) {
  auto it = seen.find(c);
  c->distinct_participants = it == seen.end() ? 0 : it->second.size();
  for (auto* v : {&c->ids, &c->case_ids, &c->donation_ids}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
}

void CountJson(const EventCount& c, std::string* out) {
  absl::StrAppend(
      out, "{\"key\":", JsonQuote(c.key), ",\"records\":", c.records,
      ",\"count\":", c.count, ",\"clicks\":", c.clicks,
      ",\"max_clicks\":", c.max_clicks, ",\"max_clicks_id\":", c.max_clicks_id,
      ",\"with_clicks\":", c.with_clicks, ",\"attendees\":", c.attendees,
      ",\"distinct_participants\":", c.distinct_participants);
  const std::pair<const char*, const std::map<std::string, int64_t>*> maps[] = {
      {"money", &c.money},
      {"gift_quantities", &c.gift_quantities},
      {"gift_value", &c.gift_value}};
  for (const auto& [name, m] : maps) {
    absl::StrAppend(out, ",\"", name, "\":{");
    bool first = true;
    for (const auto& [k, v] : *m) {
      absl::StrAppend(out, first ? "" : ",", JsonQuote(k), ":", v);
      first = false;
    }
    out->push_back('}');
  }
  absl::StrAppend(out, ",\"ids\":[", absl::StrJoin(c.ids, ","),
                  "],\"case_ids\":[", absl::StrJoin(c.case_ids, ","),
                  "],\"donation_ids\":[", absl::StrJoin(c.donation_ids, ","),
                  "]}");
}

}  // namespace

std::string EventCounts::ToJson() const {
  std::string out = "{\"all\":";
  CountJson(all, &out);
  out.append(",\"groups\":[");
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out.push_back(',');
    CountJson(groups[i], &out);
  }
  out.append("]}");
  return out;
}

absl::StatusOr<EventCounts> ComputeEventCounts(
    const Store& store, const EventCountsOptions& options) {
  QL_RETURN_IF_ERROR(records::CheckPeriod(options.from, options.to));
  std::vector<std::string> preds;
  const std::string period =
      records::PeriodPredicate("date", options.from, options.to);
  if (!period.empty()) preds.push_back(period);
  if (!options.types.empty()) {
    std::vector<std::string> names;
    for (v1::Event::Type t : options.types) {
      if (!v1::Event::Type_IsValid(t) || t == v1::Event::TYPE_UNSPECIFIED) {
        return absl::InvalidArgumentError(absl::StrCat(
            "types: ", static_cast<int>(t), " is not an event type"));
      }
      names.push_back(v1::Event::Type_Name(t));
    }
    preds.push_back(absl::StrCat("type in (", absl::StrJoin(names, ", "), ")"));
  }
  if (!options.outlet.empty()) {
    preds.push_back(absl::StrCat("outlet = ", JsonQuote(options.outlet)));
  }
  if (options.channel != v1::Event::CHANNEL_UNSPECIFIED) {
    if (!v1::Event::Channel_IsValid(options.channel)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "channel: ", static_cast<int>(options.channel), " is not a channel"));
    }
    preds.push_back(
        absl::StrCat("channel = ", v1::Event::Channel_Name(options.channel)));
  }
  std::string text = "event";
  if (!preds.empty()) {
    absl::StrAppend(&text, " where ", absl::StrJoin(preds, " and "));
  }
  QL_ASSIGN_OR_RETURN(auto rows, records::QueryAll(store, text));
  EventCounts out;
  out.all.key = "all";
  std::map<std::string, EventCount> groups;
  Seen seen;
  for (const auto& row : rows) {
    const auto& e = static_cast<const v1::Event&>(*row);
    QL_RETURN_IF_ERROR(Add(e, &out.all, &seen));
    if (options.by == EventGroupBy::kNone) continue;
    EventCount& g = groups[GroupKey(e, options.by)];
    g.key = GroupKey(e, options.by);
    QL_RETURN_IF_ERROR(Add(e, &g, &seen));
  }
  Finish(&out.all, seen);
  for (auto& [key, g] : groups) {
    Finish(&g, seen);
    out.groups.push_back(std::move(g));
  }
  if (options.by == EventGroupBy::kNone) out.groups.push_back(out.all);
  return out;
}

}  // namespace qiaolian
