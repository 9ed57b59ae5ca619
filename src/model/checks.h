// Checks of single values that recur across the schema: UTF-8, calendar
// dates, ISO codes, and the check characters of Chinese identifiers. Each
// returns OK or an INVALID_ARGUMENT whose message says what was expected
// (callers prefix the field path).
#ifndef QIAOLIAN_SRC_MODEL_CHECKS_H_
#define QIAOLIAN_SRC_MODEL_CHECKS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {
namespace model {

// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
// On failure the message gives the byte offset of the first bad byte.
absl::Status CheckUtf8(absl::string_view s);

// A Date as documented in common.proto: year 1..9999; month 0 (unknown, then
// day 0) or 1..12; day 0 (unknown) or a day that exists in that month.
absl::Status CheckDate(const v1::Date& d);

// ISO 3166-1 alpha-2, upper case ("CN", "KE").
absl::Status CheckCountryCode(absl::string_view code);

// The ISO 3166-1 alpha-2 code of a country written as office spreadsheets
// write it: the code itself in any case, the alpha-3 code (USA), or its name
// in Chinese (美国, 美國) or English (United States), as ICU names it, plus
// a few common forms (香港, 中华人民共和国, UK). Spaces, dots and case in
// English names do not matter. Empty when `name` is none of these.
std::string CountryCodeByName(absl::string_view name);

// ISO 4217 alphabetic, upper case ("CNY", "USD").
absl::Status CheckCurrencyCode(absl::string_view code);

// Unified social credit code (统一社会信用代码), GB 32100-2015: 18
// characters from 0-9 and A-Z without I, O, Z, S, V, the 18th a mod-31
// check character over the first 17. Upper case required.
absl::Status CheckUscc(absl::string_view code);
// The check character for the first 17 characters of a USCC, or '\0' when
// they contain a character outside the code's alphabet.
char UsccCheckCharacter(absl::string_view first17);

// Resident identity number (居民身份证号码), GB 11643-1999: 17 digits
// (6-digit division code, 8-digit birth date that must exist, 3-digit
// sequence) and a mod-11 check character 0-9 or X (upper case).
absl::Status CheckResidentId(absl::string_view number);
// The check character for the first 17 digits, or '\0' if not 17 digits.
char ResidentIdCheckCharacter(absl::string_view first17);
// A first-generation resident number (15 digits, issued to 1999) in the
// 18-character form: "19" before the year and the check character. "" when
// `number` is not 15 digits or the result fails CheckResidentId (no date).
std::string ResidentIdOfFirstGeneration(absl::string_view number);

}  // namespace model
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_MODEL_CHECKS_H_
