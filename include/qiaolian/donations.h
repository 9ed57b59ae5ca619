// Donation totals (捐赠统计): money per currency, goods per unit and their
// declared value, grouped by purpose, donor, recipient or campaign, with the
// ids of the donations behind each figure. docs/records.md explains the rules.
//
//   qiaolian::DonationTotalsOptions o;
//   o.by = qiaolian::DonationGroupBy::kRecipient;
//   o.direction = qiaolian::v1::Donation::DIRECTION_INBOUND;
//   absl::StatusOr<qiaolian::DonationTotals> t =
//       qiaolian::ComputeDonationTotals(*store, o);
//
// Money is summed per currency in integer minor units (分, cents) and never
// across currencies, unless a RateTable is given: then every amount is also
// converted into the table's base currency with the rate in force on the
// donation's date, and a currency or date the table does not cover is an
// error (no silent gaps). Goods are summed per canonical unit (src/model/
// units.h; 只 and 箱 stay apart) and, separately, by declared value.
//
// Thread-safety: the functions are safe to call concurrently; a RateTable is
// immutable once loaded.
#ifndef QIAOLIAN_DONATIONS_H_
#define QIAOLIAN_DONATIONS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/common.pb.h"
#include "qiaolian/v1/donation.pb.h"

namespace qiaolian {

// A dated table of exchange rates into one base currency (汇率表), as the
// user supplies it. Text format (CSV, UTF-8, '#' starts a comment line):
//
//   currency,base,from,to,rate
//   USD,CNY,2020-01-01,2020-06-30,7.0795
//   USD,CNY,2020-07-01,2020-12-31,6.8976
//   EUR,CNY,2020-01-01,2020-12-31,7.8755
//
// `rate` is how many units of `base` one unit of `currency` is worth, a
// decimal number (at most 12 digits after the point). Every row has the same
// base; `from` and `to` are inclusive dates. Per currency the periods must
// neither overlap nor leave a gap between the first and the last (a gap is
// an error naming both rows and the missing days).
class RateTable {
 public:
  // Parses the text above. INVALID_ARGUMENT naming the line and the field.
  static absl::StatusOr<RateTable> Parse(absl::string_view text);
  // Reads and parses a file (NOT_FOUND / UNAVAILABLE when unreadable).
  static absl::StatusOr<RateTable> Load(const std::string& path);

  const std::string& base() const { return base_; }

  // `amount_minor` of `currency` on `date`, in minor units of base(),
  // rounded half away from zero. The base currency converts to itself.
  // FAILED_PRECONDITION when the table has no rate for the currency or none
  // in force on that date (the message names both and the covered period);
  // OUT_OF_RANGE on overflow.
  absl::StatusOr<int64_t> Convert(absl::string_view currency,
                                  const v1::Date& date,
                                  int64_t amount_minor) const;

  struct Period {
    int64_t from = 0, to = 0;  // yyyymmdd, inclusive.
    // rate = numerator / 10^scale units of base per unit of currency.
    int64_t numerator = 0;
    int scale = 0;
    int line = 0;  // Line in the source text.
  };

 private:
  std::string base_;
  std::map<std::string, std::vector<Period>> periods_;  // Sorted by from.
};

enum class DonationGroupBy {
  kNone,     // One group holding everything ("all").
  kPurpose,  // Donation.purpose: "PURPOSE_EPIDEMIC", ... ("null" if unset).
  // Each party of `donors` with role DONOR, SPONSOR or unspecified (not the
  // organisers or intermediaries): "person:1", "enterprise:8", or the name
  // as written ("name:海外侨领") for an unregistered donor; "null" when a
  // donation names no such party.
  kDonor,
  // Each party of `recipients`, keyed like donors ("null" when none).
  kRecipient,
  kCampaign,  // Donation.campaign as written ("null" if blank).
};

// "none", "purpose", "donor", "recipient", "campaign" (case-insensitive).
absl::StatusOr<DonationGroupBy> ParseDonationGroupBy(absl::string_view text);

struct DonationTotalsOptions {
  DonationGroupBy by = DonationGroupBy::kNone;
  // Donation dates in [from, to], both inclusive; unset: unbounded. Full
  // dates only.
  std::optional<v1::Date> from;
  std::optional<v1::Date> to;
  // Only this direction; UNSPECIFIED: both.
  v1::Donation::Direction direction = v1::Donation::DIRECTION_UNSPECIFIED;
  // Converts into rates->base() as well; not owned, may be null.
  const RateTable* rates = nullptr;
};

struct DonationTotal {
  std::string key;         // See DonationGroupBy; "all" for kNone.
  uint64_t donations = 0;  // Donations counted in this group.
  // Donation.money summed per currency (ISO 4217), in minor units.
  std::map<std::string, int64_t> money;
  // Item quantities summed per canonical unit.
  std::map<std::string, int64_t> quantities;
  // Declared value of the items (Item.value) summed per currency, minor
  // units. Items without a declared value add nothing here.
  std::map<std::string, int64_t> goods_value;
  uint64_t items_without_value = 0;  // Items that declared no value.
  // With a rate table: money, goods value and both together, in minor units
  // of the base currency.
  std::optional<int64_t> money_converted;
  std::optional<int64_t> goods_value_converted;
  std::optional<int64_t> total_converted;
  std::vector<uint64_t> ids;  // Donation ids, ascending.
};

struct DonationTotals {
  std::string base_currency;  // The rate table's base, or empty.
  // Groups ordered by key. With kDonor/kRecipient a donation with several
  // parties counts in full in each of their groups, so groups need not add
  // up to `all`.
  std::vector<DonationTotal> groups;
  DonationTotal all;  // Every donation selected, each counted once.

  // {"by":..,"base_currency":..,"all":{..},"groups":[{"key","donations",
  //  "money":{"CNY":..},"quantities":{"只":..},"goods_value":{..},
  //  "items_without_value":N,["money_converted","goods_value_converted",
  //  "total_converted",]"ids":[..]}]}; amounts are JSON numbers (minor units).
  std::string ToJson() const;
};

// Totals of the donations selected by `options`, read on one snapshot per
// index lookup. INVALID_ARGUMENT for a partial from/to date or from > to;
// the rate table's errors (FAILED_PRECONDITION for a currency or date it does
// not cover, naming the donation); OUT_OF_RANGE if a sum overflows int64.
absl::StatusOr<DonationTotals> ComputeDonationTotals(
    const Store& store, const DonationTotalsOptions& options);

}  // namespace qiaolian

#endif  // QIAOLIAN_DONATIONS_H_
