#include "src/records/common.h"

#include <unicode/ucurr.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "qiaolian/record.h"
#include "src/model/checks.h"

namespace qiaolian {
namespace records {

int64_t DateKey(const v1::Date& d) {
  return int64_t{d.year()} * 10000 + d.month() * 100 + d.day();
}

std::string RefText(Kind kind, uint64_t id) {
  return absl::StrCat(KindName(kind), ":", id);
}

std::string RefText(const v1::Ref& r) { return RefText(r.kind(), r.id()); }

absl::StatusOr<v1::Date> ParseDate(absl::string_view text,
                                   absl::string_view what) {
  int y = 0, m = 0, d = 0;
  const std::string t = std::string(absl::StripAsciiWhitespace(text));
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": \"", text, "\" is not a date YYYY-MM-DD", why));
  };
  if (t.size() != 10 || t[4] != '-' || t[7] != '-' ||
      !absl::SimpleAtoi(t.substr(0, 4), &y) ||
      !absl::SimpleAtoi(t.substr(5, 2), &m) ||
      !absl::SimpleAtoi(t.substr(8, 2), &d)) {
    return bad("");
  }
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  absl::Status s = model::CheckDate(date);
  if (!s.ok()) return bad(absl::StrCat(" (", s.message(), ")"));
  if (m == 0 || d == 0) return bad(" (a full date is needed)");
  return date;
}

absl::Status CheckPeriod(const std::optional<v1::Date>& from,
                         const std::optional<v1::Date>& to) {
  for (const auto* d : {&from, &to}) {
    if (!d->has_value()) continue;
    absl::Status s = model::CheckDate(**d);
    if (!s.ok() || (*d)->month() == 0 || (*d)->day() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(d == &from ? "from" : "to", ": ", DateText(**d),
                       " is not a full calendar date"));
    }
  }
  if (from && to && DateKey(*from) > DateKey(*to)) {
    return absl::InvalidArgumentError(
        absl::StrCat("from ", DateText(*from), " is after to ", DateText(*to)));
  }
  return absl::OkStatus();
}

std::string PeriodPredicate(absl::string_view field,
                            const std::optional<v1::Date>& from,
                            const std::optional<v1::Date>& to) {
  if (from && to) {
    return absl::StrCat(field, " between ", DateText(*from), " and ",
                        DateText(*to));
  }
  if (from) return absl::StrCat(field, " >= ", DateText(*from));
  if (to) return absl::StrCat(field, " <= ", DateText(*to));
  return "";
}

absl::StatusOr<std::vector<std::unique_ptr<google::protobuf::Message>>>
QueryAll(const Store& store, const std::string& text) {
  QueryOptions o;
  o.allow_scan = true;
  absl::StatusOr<QueryPage> page = store.Query(text, o);
  if (!page.ok()) return page.status();
  return std::move(page->records);
}

int MinorDigits(absl::string_view code) {
  if (code.size() != 3) return 2;
  UChar u[4] = {static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                static_cast<UChar>(code[2]), 0};
  UErrorCode status = U_ZERO_ERROR;
  const int32_t digits = ucurr_getDefaultFractionDigits(u, &status);
  if (U_FAILURE(status) || digits < 0 || digits > 4) return 2;
  return digits;
}

std::string FormatMoney(absl::string_view currency, int64_t amount_minor) {
  const int digits = MinorDigits(currency);
  const bool negative = amount_minor < 0;
  // Magnitude as unsigned, so that INT64_MIN works.
  const uint64_t m = negative ? 0 - static_cast<uint64_t>(amount_minor)
                              : static_cast<uint64_t>(amount_minor);
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  if (digits == 0) {
    return absl::StrFormat("%s %s%d", currency, negative ? "-" : "", m);
  }
  return absl::StrFormat("%s %s%d.%0*d", currency, negative ? "-" : "",
                         m / scale, digits, m % scale);
}

absl::Status AddChecked(int64_t* a, int64_t b, absl::string_view what) {
  int64_t r = 0;
  if (__builtin_add_overflow(*a, b, &r)) {
    return absl::OutOfRangeError(
        absl::StrCat(what, ": the sum exceeds the range of int64"));
  }
  *a = r;
  return absl::OkStatus();
}

}  // namespace records
}  // namespace qiaolian
