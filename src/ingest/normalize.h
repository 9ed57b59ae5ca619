// Normalisation of the values found in registry spreadsheets, before they
// are validated and written: blanks and placeholders, spaces, full-width
// characters, dates in the common Chinese forms, registered capital, codes.
#ifndef QIAOLIAN_SRC_INGEST_NORMALIZE_H_
#define QIAOLIAN_SRC_INGEST_NORMALIZE_H_

#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {
namespace ingest {

// Trims leading/trailing whitespace, including the ideographic space U+3000,
// no-break spaces and other Unicode spaces; folds runs of internal
// whitespace (incl. U+3000) into one ASCII space.
std::string CleanText(absl::string_view s);

// True for values that mean "nothing": empty (after CleanText), "N/A",
// "NA", "n/a", "null", "NULL", "None", "无", "暂无", "-", "--", "—", "/",
// "／", "空" (full-width forms too).
bool IsPlaceholder(absl::string_view s);

// Full-width ASCII forms (U+FF01..U+FF5E) to ASCII, U+3000 to a space. For
// codes and numbers only; names keep their characters.
std::string ToHalfWidth(absl::string_view s);

// A code (USCC, registration number, ID number): half-width, all
// whitespace removed, letters upper-cased ("9131 0000 7579 0499 2p" →
// "91310000757904992P").
std::string NormalizeCode(absl::string_view s);

// Dates: 2008-05-07, 2008/5/7, 2008.5.7, 2008年5月7日, 20080507, with an
// optional time after the date ("2008-05-07 00:00:00", "2008-05-07T..."),
// full-width digits accepted, and year-month forms (2008-05, 2008年5月) as a
// Date with day 0. INVALID_ARGUMENT saying what was expected otherwise, or
// when the date does not exist (2021-02-30).
absl::StatusOr<v1::Date> ParseDate(absl::string_view s);

// A span of days as activity ledgers write one: two dates joined by 至, 到,
// ~, ～, — or -, the second written in full or without what it shares with
// the first (2024.2.5-2.7, 2024年2月5日至7日, 2024-02-05至2024-02-07);
// nullopt when `s` is no such span, INVALID_ARGUMENT when it is one that
// ends before it starts.
absl::StatusOr<std::optional<std::pair<v1::Date, v1::Date>>> ParseDateRange(
    absl::string_view s);

// A moment (google.protobuf.Timestamp fields such as Event.time): RFC 3339
// as exports write it ("2020-03-05T09:30:00Z", "...+08:00"), or a date and
// a time of day without a zone as offices write them ("2020-03-05 09:30",
// "2020/3/5 9:30:15", full-width digits accepted), taken as China Standard
// Time (UTC+8). INVALID_ARGUMENT saying what was expected otherwise.
absl::StatusOr<int64_t> ParseTimestampSeconds(absl::string_view s);

// Registered capital as written in registries: "5,000(万元人民币)",
// "50(万美元)", "100万人民币元", "100万元人民币", "N(万)", "50万美元",
// "1234.5万元", "人民币100万元", "100(万日元)", "20(万瑞士法郎)", "100"
// (no unit: yuan). 万 multiplies by 10,000 (亿 by 100,000,000); the currency
// comes from the text (人民币/元 → CNY, 美元 → USD, 港元/港币 → HKD, 欧元 →
// EUR, 日元 → JPY, 英镑 → GBP, 瑞士法郎 → CHF, 新加坡元 → SGD, 澳元 →
// AUD, 加元/加拿大元 → CAD, 新台币 → TWD, 韩元 → KRW; the signs ¥ and ￥
// → CNY, $ and US$ → USD, HK$ → HKD; none: CNY). Amounts
// are exact (decimal arithmetic, no floating point) in the currency's minor
// unit (2 decimals; JPY and KRW have none). INVALID_ARGUMENT naming what
// could not be read ("unknown currency 瑞郎", "not a number").
absl::StatusOr<v1::Money> ParseCapital(absl::string_view s);

}  // namespace ingest
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_INGEST_NORMALIZE_H_
