// CLI: donation totals, event counts, relations and the timeline
// (docs/records.md).
//
//   qiaolian donations totals [--by purpose|donor|recipient|campaign|none]
//       [--from DATE] [--to DATE] [--direction inbound|outbound]
//       [--rates FILE] [--json]
//   qiaolian events count [--by kind|outlet|channel|month|none] [--from DATE]
//       [--to DATE] [--type T]... [--outlet NAME] [--channel C] [--json]
//   qiaolian relations KIND ID [--json]
//   qiaolian timeline KIND ID [--limit N] [--cursor C] [--json]
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "qiaolian/donations.h"
#include "qiaolian/events.h"
#include "qiaolian/relations.h"
#include "src/records/common.h"
#include "tools/cli.h"

namespace qiaolian {
namespace cli {
namespace {

struct RecordsArgs {
  std::string by;
  std::string from, to;
  std::string direction;
  std::string rates;
  std::vector<std::string> types;
  std::string outlet, channel;
  std::string kind;
  uint64_t id = 0;
  uint64_t limit = 50;
  std::string cursor;
  bool json = false;
};

absl::Status Period(const RecordsArgs& a, std::optional<v1::Date>* from,
                    std::optional<v1::Date>* to) {
  if (!a.from.empty()) {
    auto d = records::ParseDate(a.from, "--from");
    if (!d.ok()) return d.status();
    *from = *d;
  }
  if (!a.to.empty()) {
    auto d = records::ParseDate(a.to, "--to");
    if (!d.ok()) return d.status();
    *to = *d;
  }
  return absl::OkStatus();
}

std::string Money(const std::map<std::string, int64_t>& m) {
  std::vector<std::string> parts;
  for (const auto& [c, v] : m) parts.push_back(records::FormatMoney(c, v));
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

std::string Goods(const std::map<std::string, int64_t>& m) {
  std::vector<std::string> parts;
  for (const auto& [u, q] : m) parts.push_back(absl::StrCat(q, " ", u));
  return parts.empty() ? "-" : absl::StrJoin(parts, "; ");
}

int RunDonationTotals(const Global& g, const RecordsArgs& a) {
  DonationTotalsOptions o;
  auto by = ParseDonationGroupBy(a.by);
  if (!by.ok()) return Fail(by.status());
  o.by = *by;
  if (absl::Status s = Period(a, &o.from, &o.to); !s.ok()) return Fail(s);
  if (!a.direction.empty()) {
    std::string name = absl::AsciiStrToUpper(a.direction);
    if (!absl::StartsWith(name, "DIRECTION_")) name = "DIRECTION_" + name;
    if (!v1::Donation::Direction_Parse(name, &o.direction) ||
        o.direction == v1::Donation::DIRECTION_UNSPECIFIED) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          "--direction: \"", a.direction, "\" is not inbound or outbound")));
    }
  }
  std::optional<RateTable> rates;
  if (!a.rates.empty()) {
    auto t = RateTable::Load(a.rates);
    if (!t.ok()) return Fail(t.status());
    rates = std::move(*t);
    o.rates = &*rates;
  }
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto totals = ComputeDonationTotals(**store, o);
  if (!totals.ok()) return Fail(totals.status());
  if (a.json) {
    std::cout << totals->ToJson() << "\n";
    return 0;
  }
  auto line = [&](const DonationTotal& t) {
    std::cout << t.key << "\tdonations " << t.donations << "\tmoney "
              << Money(t.money) << "\tgoods " << Goods(t.quantities)
              << "\tgoods value " << Money(t.goods_value);
    if (t.total_converted) {
      std::cout << "\ttotal "
                << records::FormatMoney(totals->base_currency,
                                        *t.total_converted);
    }
    std::cout << "\tids " << absl::StrJoin(t.ids, ",") << "\n";
  };
  for (const DonationTotal& t : totals->groups) line(t);
  if (o.by != DonationGroupBy::kNone) line(totals->all);
  return 0;
}

int RunEventCounts(const Global& g, const RecordsArgs& a) {
  EventCountsOptions o;
  auto by = ParseEventGroupBy(a.by);
  if (!by.ok()) return Fail(by.status());
  o.by = *by;
  if (absl::Status s = Period(a, &o.from, &o.to); !s.ok()) return Fail(s);
  for (const std::string& t : a.types) {
    auto type = ParseEventType(t);
    if (!type.ok()) return Fail(type.status());
    o.types.push_back(*type);
  }
  o.outlet = a.outlet;
  if (!a.channel.empty()) {
    std::string name = absl::AsciiStrToUpper(a.channel);
    if (!absl::StartsWith(name, "CHANNEL_")) name = "CHANNEL_" + name;
    if (!v1::Event::Channel_Parse(name, &o.channel) ||
        o.channel == v1::Event::CHANNEL_UNSPECIFIED) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          "--channel: \"", a.channel, "\" is not an event channel")));
    }
  }
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto counts = ComputeEventCounts(**store, o);
  if (!counts.ok()) return Fail(counts.status());
  if (a.json) {
    std::cout << counts->ToJson() << "\n";
    return 0;
  }
  auto line = [](const EventCount& c) {
    std::cout << c.key << "\tcount " << c.count << "\trecords " << c.records;
    if (c.with_clicks > 0) {
      std::cout << "\tclicks " << c.clicks << "\tmax clicks " << c.max_clicks
                << " (event " << c.max_clicks_id << ")";
    }
    if (c.distinct_participants > 0) {
      std::cout << "\tparticipants " << c.distinct_participants;
    }
    if (!c.money.empty()) std::cout << "\tmoney " << Money(c.money);
    if (!c.gift_quantities.empty() || !c.gift_value.empty()) {
      std::cout << "\tgifts " << Goods(c.gift_quantities) << "\tgift value "
                << Money(c.gift_value);
    }
    std::cout << "\tids " << absl::StrJoin(c.ids, ",") << "\n";
  };
  for (const EventCount& c : counts->groups) line(c);
  if (o.by != EventGroupBy::kNone) line(counts->all);
  return 0;
}

absl::StatusOr<v1::Ref> Subject(const RecordsArgs& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return kind.status();
  v1::Ref r;
  r.set_kind(*kind);
  r.set_id(a.id);
  return r;
}

int RunRelations(const Global& g, const RecordsArgs& a) {
  auto subject = Subject(a);
  if (!subject.ok()) return Fail(subject.status());
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto rels = Relations(**store, *subject);
  if (!rels.ok()) return Fail(rels.status());
  if (a.json) {
    std::cout << RelationsToJson(*rels) << "\n";
    return 0;
  }
  const std::string me = records::RefText(*subject);
  for (const Relation& r : *rels) {
    const std::string other =
        r.other.id() == 0
            ? absl::StrCat("\"", r.other_name, "\"")
            : absl::StrCat(records::RefText(r.other),
                           r.other_name.empty() ? "" : " ", r.other_name);
    const std::string type =
        absl::StrCat(r.type, r.detail.empty() ? "" : " (", r.detail,
                     r.detail.empty() ? "" : ")");
    if (r.direction == RelationDirection::kOutgoing) {
      std::cout << me << " is " << type << " of " << other;
    } else {
      std::cout << other << " is " << type << " of " << me;
    }
    std::cout << "\t[" << records::RefText(r.source) << " " << r.field << "]\n";
  }
  return 0;
}

int RunTimeline(const Global& g, const RecordsArgs& a) {
  auto subject = Subject(a);
  if (!subject.ok()) return Fail(subject.status());
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  TimelineOptions o;
  o.limit = a.limit;
  o.cursor = a.cursor;
  auto page = Timeline(**store, *subject, o);
  if (!page.ok()) return Fail(page.status());
  if (a.json) {
    std::cout << page->ToJson() << "\n";
    return 0;
  }
  for (const TimelineEntry& e : page->entries) {
    std::cout << DateText(e.date) << "\t" << e.what << "\t"
              << records::RefText(e.record) << "\t" << e.role << "\t" << e.title
              << "\n";
  }
  if (!page->next_cursor.empty()) {
    std::cout << "# more: --cursor " << page->next_cursor << "\n";
  }
  return 0;
}

}  // namespace

void AddRecordsCommands(CLI::App& app, const Global& g, Commands& c) {
  auto a = std::make_shared<RecordsArgs>();
  const std::string kinds = "person or enterprise";

  auto* donations = app.add_subcommand("donations", "Donation figures");
  donations->require_subcommand(1);
  auto* totals = donations->add_subcommand(
      "totals",
      "Money per currency, goods per unit and their declared value, with "
      "the ids counted");
  totals->add_option("--by", a->by,
                     "purpose, donor, recipient, campaign or none (default)");
  totals->add_option("--from", a->from, "First date, YYYY-MM-DD");
  totals->add_option("--to", a->to, "Last date, YYYY-MM-DD");
  totals->add_option("--direction", a->direction, "inbound or outbound");
  totals->add_option("--rates", a->rates,
                     "Rate table (CSV currency,base,from,to,rate): also "
                     "convert into its base currency");
  totals->add_flag("--json", a->json, "JSON with every figure and id");
  c.Add(totals, [&g, a] { return RunDonationTotals(g, *a); });

  auto* events = app.add_subcommand("events", "Event figures");
  events->require_subcommand(1);
  auto* count = events->add_subcommand(
      "count", "Events weighted by their count, with clicks and ids");
  count->add_option("--by", a->by,
                    "kind, outlet, channel, month or none (default)");
  count->add_option("--from", a->from, "First date, YYYY-MM-DD");
  count->add_option("--to", a->to, "Last date, YYYY-MM-DD");
  count->add_option("--type", a->types,
                    "Only this event type (repeatable), e.g. media_report");
  count->add_option("--outlet", a->outlet, "Only this outlet, e.g. 江苏卫视");
  count->add_option("--channel", a->channel, "Only this channel, e.g. tv");
  count->add_flag("--json", a->json, "JSON with every figure and id");
  c.Add(count, [&g, a] { return RunEventCounts(g, *a); });

  auto* relations = app.add_subcommand(
      "relations", "Relations of a person or an enterprise, both ways");
  relations->add_option("kind", a->kind, kinds)->required();
  relations->add_option("id", a->id, "Record id")->required();
  relations->add_flag("--json", a->json, "JSON");
  c.Add(relations, [&g, a] { return RunRelations(g, *a); });

  auto* timeline = app.add_subcommand(
      "timeline",
      "Everything that touched a person or an enterprise, newest "
      "first");
  timeline->add_option("kind", a->kind, kinds)->required();
  timeline->add_option("id", a->id, "Record id")->required();
  timeline->add_option("--limit", a->limit, "Entries per page (default 50)");
  timeline->add_option("--cursor", a->cursor, "Continue after a page");
  timeline->add_flag("--json", a->json, "JSON");
  c.Add(timeline, [&g, a] { return RunTimeline(g, *a); });
}

}  // namespace cli
}  // namespace qiaolian
