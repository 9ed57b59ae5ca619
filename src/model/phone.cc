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

// A value read as a phone number: the text without its extension, its
// digits, the number (nullopt: none), and libphonenumber's reading when the
// number needed it (not for mainland numbers, read without it).
struct Reading {
  std::string text;
  std::string digits;
  std::optional<PhoneNumber> number;
  std::optional<i18n::phonenumbers::PhoneNumber> parsed;
};

Reading Read(absl::string_view value) {
  Reading out;
  out.text = WithoutExtension(value);
  // A country code in brackets with its + ((+1) 415-555-0100, (+60)
  // 12-345 6789): the + at the start.
  if (absl::StartsWith(out.text, "(+")) {
    const size_t close = out.text.find(')');
    if (close != std::string::npos) {
      out.text = absl::StrCat("+", out.text.substr(2, close - 2), " ",
                              out.text.substr(close + 1));
    }
  }
  const std::string& s = out.text;
  // Only digits and separators, with + or 00 at the start at most.
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c)) {
      out.digits.push_back(c);
    } else if (!IsSeparator(c) && !(c == '+' && i == 0)) {
      return out;
    }
  }
  const std::string& digits = out.digits;
  const bool plus = absl::StartsWith(s, "+");
  // The numbers most records hold, without libphonenumber's parse (8 µs
  // against 0.2, bench/RESULTS.md): a mainland mobile number, alone or
  // after 86 (+86, 0086, 86), and a fixed line with its area code.
  // ParsePhoneNumberTest checks that both read them alike.
  PhoneNumber number;
  absl::string_view mobile = digits;
  if (plus ? absl::ConsumePrefix(&mobile, "86")
           : absl::ConsumePrefix(&mobile, "0086") ||
                 (mobile.size() == 13 && absl::ConsumePrefix(&mobile, "86"))) {
    number.country_code = 86;
  }
  if (IsMainlandMobile(mobile) && (!plus || number.country_code == 86)) {
    number.national = std::string(mobile);
    out.number = std::move(number);
    return out;
  }
  number.country_code = 0;
  // A mainland fixed line with its area code: the trunk prefix 0 left out.
  if (!plus && (digits.size() == 11 || digits.size() == 12) &&
      digits[0] == '0' && digits[1] != '0') {
    number.national = digits.substr(1);
    out.number = std::move(number);
    return out;
  }
  i18n::phonenumbers::PhoneNumber n;
  if (!ParseWithLibrary(s, digits, &n)) {
    // Digits that name no country (+999 ...) or are too long for one: as
    // written.
    number.national = digits;
  } else {
    PhoneNumberUtil::GetInstance()->GetNationalSignificantNumber(
        n, &number.national);
    if (n.country_code_source() !=
        i18n::phonenumbers::PhoneNumber::FROM_DEFAULT_COUNTRY) {
      number.country_code = n.country_code();
    }
    out.parsed = std::move(n);
  }
  const size_t zeros = number.national.find_first_not_of('0');
  number.national.erase(
      0, zeros == std::string::npos ? number.national.size() : zeros);
  if (number.national.size() >= 5) out.number = std::move(number);
  return out;
}

}  // namespace

std::optional<PhoneNumber> ParsePhoneNumber(absl::string_view value) {
  return Read(value).number;
}

std::string PhoneNumberProblem(absl::string_view value) {
  const Reading r = Read(value);
  const std::string& s = r.text;
  if (!r.number.has_value()) {
    const bool plus_inside = s.find('+', 1) != std::string::npos;
    return s.find_first_not_of("0123456789+-.()/ ") == std::string::npos &&
                   !plus_inside
               ? "has too few digits for a phone number"
               : "is not a phone number (digits, with spaces and - . / ( ) "
                 "between them, and + only at the start)";
  }
  const size_t digits = r.digits.size();
  if (r.number->country_code == 0) {
    const size_t first = s.find_first_of("0123456789");
    if (s[first] == '1' && digits >= 9 && digits <= 12 && digits != 11) {
      return absl::StrCat("has ", digits,
                          " digits, where a mainland mobile number has 11");
    }
    return "";
  }
  // A number that gives its country code: a mainland mobile number (read
  // without libphonenumber), or one libphonenumber read.
  if (!r.parsed.has_value()) return "";
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const i18n::phonenumbers::PhoneNumber& n = *r.parsed;
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
