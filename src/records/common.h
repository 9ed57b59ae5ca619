// Helpers shared by the record analyses of src/records (donations, events,
// relations, timeline): dates as yyyymmdd integers, Refs as text, and running
// a query to its end on one snapshot.
#ifndef QIAOLIAN_SRC_RECORDS_COMMON_H_
#define QIAOLIAN_SRC_RECORDS_COMMON_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/common.pb.h"
#include "src/util/time.h"

namespace qiaolian {
namespace records {

// 20200106 for 2020-01-06 (0 for an unset date).
int64_t DateKey(const v1::Date& d);
// "person:1".
std::string RefText(const v1::Ref& r);
std::string RefText(Kind kind, uint64_t id);

// Parses "YYYY-MM-DD" (a full, existing date). INVALID_ARGUMENT naming
// `what` otherwise.
absl::StatusOr<v1::Date> ParseDate(absl::string_view text,
                                   absl::string_view what);

// Checks an optional period: full dates, from <= to. INVALID_ARGUMENT.
absl::Status CheckPeriod(const std::optional<v1::Date>& from,
                         const std::optional<v1::Date>& to);

// The query predicate "FIELD between A and B" / ">= A" / "<= B" for the
// period, or "" when unbounded.
std::string PeriodPredicate(absl::string_view field,
                            const std::optional<v1::Date>& from,
                            const std::optional<v1::Date>& to);

// Every record `text` selects, read in one call (one snapshot), scanning
// when no index serves it.
absl::StatusOr<std::vector<std::unique_ptr<google::protobuf::Message>>>
QueryAll(const Store& store, const std::string& text);

// Decimal places of a currency's minor unit (ICU / CLDR: 2 for CNY and USD,
// 0 for JPY and KRW; 2 when unknown).
int MinorDigits(absl::string_view currency);

// "CNY 43000.00", "JPY 100", "USD -0.05": minor units as a decimal amount.
std::string FormatMoney(absl::string_view currency, int64_t amount_minor);

// a += b, OUT_OF_RANGE naming `what` on overflow.
absl::Status AddChecked(int64_t* a, int64_t b, absl::string_view what);

}  // namespace records
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_RECORDS_COMMON_H_
