#include "src/model/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "src/text/normalize.h"

namespace qiaolian {
namespace model {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// What may stand between the digits of a number as people write it.
bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

// `value` without an extension written after it (ext. 12, x12, 转12,
// 分机12, #12); lower case, half width.
std::string WithoutExtension(absl::string_view value) {
  std::string s = text::Normalize(value);
  for (const char* mark : {"分机", "转", "ext", "#", "x"}) {
    const size_t at = s.find(mark);
    if (at != std::string::npos && at > 0) s.resize(at);
  }
  while (!s.empty() && IsSeparator(s.back())) s.pop_back();
  return s;
}

// A mainland mobile number: 11 digits, 1 then 3-9.
bool IsMainlandMobile(absl::string_view d) {
  return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

// `s` (digits and separators, an extension set aside; `digits` its digits)
// read by libphonenumber as mainland China dials it; false when it cannot
// be read.
bool ParseWithLibrary(const std::string& s, const std::string& digits,
                      i18n::phonenumbers::PhoneNumber* n) {
  using i18n::phonenumbers::PhoneNumber;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  if (util.ParseAndKeepRawInput(s, "CN", n) !=
      PhoneNumberUtil::NO_PARSING_ERROR) {
    return false;
  }
  // A country code in brackets, as business cards in Southeast Asia write
  // it ((65) 6123 4567, (60) 12-345 6789): when the number is no mainland
  // number and is one with a + before it. An area code in brackets starts
  // with 0 ((0519) 8234 5678).
  PhoneNumber international;
  if (n->country_code_source() == PhoneNumber::FROM_DEFAULT_COUNTRY &&
      s.size() > 2 && s[0] == '(' && s[1] != '0' && !util.IsValidNumber(*n) &&
      util.ParseAndKeepRawInput("+" + digits, "ZZ", &international) ==
          PhoneNumberUtil::NO_PARSING_ERROR &&
      util.IsValidNumber(international)) {
    *n = international;
  }
  return true;
}

}  // namespace

std::optional<PhoneNumber> ParsePhoneNumber(absl::string_view value) {
  const std::string s = WithoutExtension(value);
  // Only digits and separators, with + or 00 at the start at most.
  std::string digits;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (!IsSeparator(c) && !(c == '+' && i == 0)) {
      return std::nullopt;
    }
  }
  const bool plus = absl::StartsWith(s, "+");
  // The numbers most records hold, without libphonenumber's parse (8 µs
  // against 0.2, bench/RESULTS.md): a mainland mobile number, alone or
  // after 86 (+86, 0086, 86), and a fixed line with its area code.
  // ParsePhoneNumberTest checks that both read them alike.
  PhoneNumber out;
  absl::string_view mobile = digits;
  if (plus ? absl::ConsumePrefix(&mobile, "86")
           : absl::ConsumePrefix(&mobile, "0086") ||
                 (mobile.size() == 13 && absl::ConsumePrefix(&mobile, "86"))) {
    out.country_code = 86;
  }
  if (IsMainlandMobile(mobile) && (!plus || out.country_code == 86)) {
    out.national = std::string(mobile);
    return out;
  }
  out.country_code = 0;
  // A mainland fixed line with its area code: the trunk prefix 0 left out.
  if (!plus && (digits.size() == 11 || digits.size() == 12) &&
      digits[0] == '0' && digits[1] != '0') {
    out.national = digits.substr(1);
    return out;
  }
  i18n::phonenumbers::PhoneNumber n;
  if (!ParseWithLibrary(s, digits, &n)) {
    // Digits that name no country (+999 ...) or are too long for one: as
    // written.
    out.national = std::move(digits);
  } else {
    PhoneNumberUtil::GetInstance()->GetNationalSignificantNumber(n,
                                                                 &out.national);
    if (n.country_code_source() !=
        i18n::phonenumbers::PhoneNumber::FROM_DEFAULT_COUNTRY) {
      out.country_code = n.country_code();
    }
  }
  const size_t zeros = out.national.find_first_not_of('0');
  out.national.erase(0,
                     zeros == std::string::npos ? out.national.size() : zeros);
  if (out.national.size() < 5) return std::nullopt;
  return out;
}

std::string PhoneNumberProblem(absl::string_view value) {
  const std::optional<PhoneNumber> p = ParsePhoneNumber(value);
  const std::string s = WithoutExtension(value);
  size_t digits = 0;
  for (char c : s) digits += IsDigit(c);
  if (!p.has_value()) {
    return s.find_first_not_of("0123456789+-.()/ ") == std::string::npos
               ? "has too few digits for a phone number"
               : "is not a phone number (digits, with spaces and + - . / "
                 "( ) between them)";
  }
  if (p->country_code == 0) {
    const size_t first = s.find_first_of("0123456789");
    if (s[first] == '1' && digits >= 9 && digits <= 12 && digits != 11) {
      return absl::StrCat("has ", digits,
                          " digits, where a mainland mobile number has 11");
    }
    return "";
  }
  if (p->country_code == 86 && IsMainlandMobile(p->national)) return "";
  std::string all;
  for (char c : s) {
    if (IsDigit(c)) all.push_back(c);
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber n;
  if (!ParseWithLibrary(s, all, &n)) return "";  // Read as written.
  if (util.IsValidNumber(n)) return "";
  std::string region;
  util.GetRegionCodeForCountryCode(n.country_code(), &region);
  std::string why;
  switch (util.IsPossibleNumberWithReason(n)) {
    case PhoneNumberUtil::TOO_SHORT:
      why = ": too short";
      break;
    case PhoneNumberUtil::TOO_LONG:
      why = ": too long";
      break;
    default:
      break;
  }
  return absl::StrCat("is not a valid number of ", region, " (+",
                      n.country_code(), ")", why);
}

bool SamePhoneNumber(const PhoneNumber& a, const PhoneNumber& b) {
  return a.national == b.national &&
         (a.country_code == 0 || b.country_code == 0 ||
          a.country_code == b.country_code);
}

}  // namespace model
}  // namespace qiaolian
