// Donation totals and rate tables (include/qiaolian/donations.h).
#include "qiaolian/donations.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "src/model/checks.h"
#include "src/model/units.h"
#include "src/records/common.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"

namespace qiaolian {
namespace {

using records::AddChecked;
using records::DateKey;

using records::MinorDigits;

std::string KeyText(int64_t key) {
  v1::Date d;
  d.set_year(static_cast<int32_t>(key / 10000));
  d.set_month(static_cast<int32_t>(key / 100 % 100));
  d.set_day(static_cast<int32_t>(key % 100));
  return DateText(d);
}

// The day `delta` days after yyyymmdd `key`, as yyyymmdd.
int64_t AddDays(int64_t key, int delta) {
  absl::CivilDay d(key / 10000, key / 100 % 100, key % 100);
  d += delta;
  return d.year() * 10000 + d.month() * 100 + d.day();
}
int64_t NextDay(int64_t key) { return AddDays(key, 1); }

absl::Status LineError(int line, absl::string_view field,
                       absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("rate table line ", line, ", ", field, ": ", why));
}

// Parses a non-negative decimal "7.0795" into numerator and scale.
absl::Status ParseRate(absl::string_view text, int line, int64_t* numerator,
                       int* scale) {
  const absl::string_view t = absl::StripAsciiWhitespace(text);
  std::string digits;
  int frac = -1;
  for (char c : t) {
    if (c == '.' && frac < 0) {
      frac = 0;
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
      if (frac >= 0) ++frac;
    } else {
      return LineError(
          line, "rate",
          absl::StrCat("\"", text, "\" is not a positive decimal number"));
    }
  }
  if (digits.empty() || frac == 0) {
    return LineError(line, "rate",
                     absl::StrCat("\"", text, "\" is not a decimal number"));
  }
  if (frac > 12 || digits.size() > 18) {
    return LineError(line, "rate",
                     "at most 18 digits, 12 after the point, are supported");
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(digits, &n) || n <= 0) {
    return LineError(line, "rate", "must be greater than 0");
  }
  *numerator = n;
  *scale = frac < 0 ? 0 : frac;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RateTable> RateTable::Parse(absl::string_view text) {
  RateTable t;
  int line = 0;
  bool header = false;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line;
    absl::string_view l = absl::StripAsciiWhitespace(raw);
    if (line == 1) absl::ConsumePrefix(&l, "\xEF\xBB\xBF");  // BOM
    if (l.empty() || l[0] == '#') continue;
    std::vector<std::string> f;
    for (absl::string_view c : absl::StrSplit(l, ',')) {
      f.emplace_back(absl::StripAsciiWhitespace(c));
    }
    if (!header) {
      const std::vector<std::string> expected = {"currency", "base", "from",
                                                 "to", "rate"};
      std::vector<std::string> lower;
      for (const std::string& s : f) lower.push_back(absl::AsciiStrToLower(s));
      if (lower != expected) {
        return LineError(line, "header",
                         absl::StrCat("expected \"currency,base,from,to,rate\""
                                      ", got \"",
                                      l, "\""));
      }
      header = true;
      continue;
    }
    if (f.size() != 5) {
      return LineError(line, "row",
                       absl::StrCat("5 fields expected, got ", f.size()));
    }
    for (int i : {0, 1}) {
      absl::Status s = model::CheckCurrencyCode(f[i]);
      if (!s.ok())
        return LineError(line, i == 0 ? "currency" : "base", s.message());
    }
    if (t.base_.empty()) t.base_ = f[1];
    if (f[1] != t.base_) {
      return LineError(line, "base",
                       absl::StrCat("every row must have the same base; ", f[1],
                                    " differs from ", t.base_));
    }
    if (f[0] == t.base_) {
      return LineError(line, "currency",
                       absl::StrCat(f[0], " is the base currency"));
    }
    Period p;
    p.line = line;
    for (int i : {2, 3}) {
      absl::StatusOr<v1::Date> d =
          records::ParseDate(f[i], i == 2 ? "from" : "to");
      if (!d.ok())
        return LineError(line, i == 2 ? "from" : "to", d.status().message());
      (i == 2 ? p.from : p.to) = DateKey(*d);
    }
    if (p.from > p.to) {
      return LineError(
          line, "to",
          absl::StrCat(KeyText(p.to), " is before from ", KeyText(p.from)));
    }
    QL_RETURN_IF_ERROR(ParseRate(f[4], line, &p.numerator, &p.scale));
    t.periods_[f[0]].push_back(p);
  }
  if (!header) {
    return absl::InvalidArgumentError(
        "rate table: no header line \"currency,base,from,to,rate\"");
  }
  if (t.periods_.empty()) {
    return absl::InvalidArgumentError("rate table: no rates");
  }
  for (auto& [currency, periods] : t.periods_) {
    std::sort(periods.begin(), periods.end(),
              [](const Period& a, const Period& b) { return a.from < b.from; });
    for (size_t i = 1; i < periods.size(); ++i) {
      const Period& a = periods[i - 1];
      const Period& b = periods[i];
      if (b.from <= a.to) {
        return LineError(
            b.line, "from",
            absl::StrCat(currency, " ", KeyText(b.from), " overlaps line ",
                         a.line, " (", KeyText(a.from), " to ", KeyText(a.to),
                         ")"));
      }
      if (b.from != NextDay(a.to)) {
        return LineError(
            b.line, "from",
            absl::StrCat("gap in the ", currency, " rates: no rate from ",
                         KeyText(NextDay(a.to)), " to ",
                         KeyText(AddDays(b.from, -1)), " (between line ",
                         a.line, " and this line)"));
      }
    }
  }
  return t;
}

absl::StatusOr<RateTable> RateTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open rate table ", path));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(
        absl::StrCat("cannot read rate table ", path));
  }
  absl::StatusOr<RateTable> t = Parse(ss.str());
  if (!t.ok()) {
    return absl::Status(t.status().code(),
                        absl::StrCat(path, ": ", t.status().message()));
  }
  return t;
}

absl::StatusOr<int64_t> RateTable::Convert(absl::string_view currency,
                                           const v1::Date& date,
                                           int64_t amount_minor) const {
  if (currency == base_) return amount_minor;
  auto it = periods_.find(std::string(currency));
  if (it == periods_.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the rate table has no rate from ", currency, " to ", base_));
  }
  const int64_t key = DateKey(date);
  const Period* p = nullptr;
  for (const Period& q : it->second) {
    if (q.from <= key && key <= q.to) p = &q;
  }
  if (p == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the rate table has no ", currency, " rate for ", DateText(date),
        " (it covers ", KeyText(it->second.front().from), " to ",
        KeyText(it->second.back().to), ")"));
  }
  // base_minor = amount_minor * rate * 10^(base digits - currency digits).
  __int128 num = static_cast<__int128>(amount_minor) * p->numerator;
  int shift = MinorDigits(base_) - MinorDigits(currency) - p->scale;
  for (; shift > 0; --shift) num *= 10;
  __int128 den = 1;
  for (; shift < 0; ++shift) den *= 10;
  __int128 q = num / den;
  const __int128 r = num % den;
  if (2 * (r < 0 ? -r : r) >= den) q += num < 0 ? -1 : 1;
  if (q > INT64_MAX || q < INT64_MIN) {
    return absl::OutOfRangeError(absl::StrCat("converting ", amount_minor, " ",
                                              currency, " minor units to ",
                                              base_, " overflows"));
  }
  return static_cast<int64_t>(q);
}

absl::StatusOr<DonationGroupBy> ParseDonationGroupBy(absl::string_view text) {
  const std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (t == "none" || t.empty()) return DonationGroupBy::kNone;
  if (t == "purpose") return DonationGroupBy::kPurpose;
  if (t == "donor") return DonationGroupBy::kDonor;
  if (t == "recipient") return DonationGroupBy::kRecipient;
  if (t == "campaign") return DonationGroupBy::kCampaign;
  return absl::InvalidArgumentError(
      absl::StrCat("by: \"", text,
                   "\" is not one of none, purpose, donor, recipient, "
                   "campaign"));
}

namespace {

std::string PartyKey(const v1::Donation::Party& p) {
  if (p.has_ref() && p.ref().id() != 0) return records::RefText(p.ref());
  return absl::StrCat("name:", p.name());
}

std::vector<std::string> GroupKeys(const v1::Donation& d, DonationGroupBy by) {
  std::set<std::string> keys;
  switch (by) {
    case DonationGroupBy::kNone:
      keys.insert("all");
      break;
    case DonationGroupBy::kPurpose:
      keys.insert(d.purpose() == 0 ? "null"
                                   : v1::Donation::Purpose_Name(d.purpose()));
      break;
    case DonationGroupBy::kCampaign: {
      const std::string c(absl::StripAsciiWhitespace(d.campaign()));
      keys.insert(c.empty() ? "null" : c);
      break;
    }
    case DonationGroupBy::kDonor:
      for (const auto& p : d.donors()) {
        if (p.role() == v1::Donation::Party::ROLE_DONOR ||
            p.role() == v1::Donation::Party::ROLE_SPONSOR ||
            p.role() == v1::Donation::Party::ROLE_UNSPECIFIED) {
          keys.insert(PartyKey(p));
        }
      }
      if (keys.empty()) keys.insert("null");
      break;
    case DonationGroupBy::kRecipient:
      for (const auto& p : d.recipients()) keys.insert(PartyKey(p));
      if (keys.empty()) keys.insert("null");
      break;
  }
  return {keys.begin(), keys.end()};
}

// Adds donation `d` to `t`.
absl::Status Add(const v1::Donation& d, const RateTable* rates,
                 DonationTotal* t) {
  const std::string what = absl::StrCat("donation ", d.meta().id());
  ++t->donations;
  t->ids.push_back(d.meta().id());
  int64_t money_conv = 0, goods_conv = 0;
  if (d.has_money() &&
      (d.money().amount_minor() != 0 || !d.money().currency().empty())) {
    QL_RETURN_IF_ERROR(AddChecked(&t->money[d.money().currency()],
                                  d.money().amount_minor(), what));
    if (rates != nullptr) {
      absl::StatusOr<int64_t> c = rates->Convert(d.money().currency(), d.date(),
                                                 d.money().amount_minor());
      if (!c.ok()) {
        return absl::Status(c.status().code(),
                            absl::StrCat(what, " (", DateText(d.date()),
                                         "), money: ", c.status().message()));
      }
      money_conv = *c;
    }
  }
  for (int i = 0; i < d.items_size(); ++i) {
    const v1::Item& item = d.items(i);
    if (item.quantity() != 0 || !item.unit().empty()) {
      absl::StatusOr<std::string> unit = model::CanonicalUnit(item.unit());
      if (!unit.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ", items[", i, "].unit: ", unit.status().message()));
      }
      QL_RETURN_IF_ERROR(
          AddChecked(&t->quantities[*unit], item.quantity(), what));
    }
    if (item.has_value() && !item.value().currency().empty()) {
      QL_RETURN_IF_ERROR(AddChecked(&t->goods_value[item.value().currency()],
                                    item.value().amount_minor(), what));
      if (rates != nullptr) {
        absl::StatusOr<int64_t> c = rates->Convert(
            item.value().currency(), d.date(), item.value().amount_minor());
        if (!c.ok()) {
          return absl::Status(
              c.status().code(),
              absl::StrCat(what, " (", DateText(d.date()), "), items[", i,
                           "].value: ", c.status().message()));
        }
        QL_RETURN_IF_ERROR(AddChecked(&goods_conv, *c, what));
      }
    } else {
      ++t->items_without_value;
    }
  }
  if (rates != nullptr) {
    if (!t->money_converted) t->money_converted = 0;
    if (!t->goods_value_converted) t->goods_value_converted = 0;
    if (!t->total_converted) t->total_converted = 0;
    QL_RETURN_IF_ERROR(AddChecked(&*t->money_converted, money_conv, what));
    QL_RETURN_IF_ERROR(
        AddChecked(&*t->goods_value_converted, goods_conv, what));
    QL_RETURN_IF_ERROR(AddChecked(&*t->total_converted, money_conv, what));
    QL_RETURN_IF_ERROR(AddChecked(&*t->total_converted, goods_conv, what));
  }
  return absl::OkStatus();
}

void MapJson(const std::map<std::string, int64_t>& m, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out->push_back(',');
    first = false;
    absl::StrAppend(out, JsonQuote(k), ":", v);
  }
  out->push_back('}');
}

void TotalJson(const DonationTotal& t, std::string* out) {
  absl::StrAppend(out, "{\"key\":", JsonQuote(t.key),
                  ",\"donations\":", t.donations, ",\"money\":");
  MapJson(t.money, out);
  out->append(",\"quantities\":");
  MapJson(t.quantities, out);
  out->append(",\"goods_value\":");
  MapJson(t.goods_value, out);
  absl::StrAppend(out, ",\"items_without_value\":", t.items_without_value);
  if (t.money_converted) {
    absl::StrAppend(out, ",\"money_converted\":", *t.money_converted,
                    ",\"goods_value_converted\":", *t.goods_value_converted,
                    ",\"total_converted\":", *t.total_converted);
  }
  absl::StrAppend(out, ",\"ids\":[", absl::StrJoin(t.ids, ","), "]}");
}

}  // namespace

std::string DonationTotals::ToJson() const {
  std::string out = "{\"base_currency\":";
  absl::StrAppend(&out, JsonQuote(base_currency), ",\"all\":");
  TotalJson(all, &out);
  out.append(",\"groups\":[");
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out.push_back(',');
    TotalJson(groups[i], &out);
  }
  out.append("]}");
  return out;
}

absl::StatusOr<DonationTotals> ComputeDonationTotals(
    const Store& store, const DonationTotalsOptions& options) {
  QL_RETURN_IF_ERROR(records::CheckPeriod(options.from, options.to));
  std::vector<std::string> preds;
  const std::string period =
      records::PeriodPredicate("date", options.from, options.to);
  if (!period.empty()) preds.push_back(period);
  if (options.direction != v1::Donation::DIRECTION_UNSPECIFIED) {
    if (!v1::Donation::Direction_IsValid(options.direction)) {
      return absl::InvalidArgumentError(
          absl::StrCat("direction ", options.direction, " is not valid"));
    }
    preds.push_back(absl::StrCat(
        "direction = ", v1::Donation::Direction_Name(options.direction)));
  }
  std::string text = "donation";
  if (!preds.empty()) {
    absl::StrAppend(&text, " where ", absl::StrJoin(preds, " and "));
  }
  QL_ASSIGN_OR_RETURN(auto rows, records::QueryAll(store, text));

  DonationTotals out;
  if (options.rates != nullptr) out.base_currency = options.rates->base();
  out.all.key = "all";
  std::map<std::string, DonationTotal> groups;
  for (const auto& row : rows) {
    const auto& d = static_cast<const v1::Donation&>(*row);
    QL_RETURN_IF_ERROR(Add(d, options.rates, &out.all));
    if (options.by == DonationGroupBy::kNone) continue;
    for (const std::string& key : GroupKeys(d, options.by)) {
      DonationTotal& g = groups[key];
      g.key = key;
      QL_RETURN_IF_ERROR(Add(d, options.rates, &g));
    }
  }
  for (auto& [key, g] : groups) {
    std::sort(g.ids.begin(), g.ids.end());
    out.groups.push_back(std::move(g));
  }
  std::sort(out.all.ids.begin(), out.all.ids.end());
  if (options.by == DonationGroupBy::kNone) out.groups.push_back(out.all);
  return out;
}

}  // namespace qiaolian
