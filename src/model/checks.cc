// Value checks (src/model/checks.h). UTF-8 decoding, the country list and the
// currency list come from ICU; the check-character schemes are small enough to
// spell out here, next to the standards they implement.
#include "src/model/checks.h"

#include <unicode/ucurr.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace qiaolian {
namespace model {
namespace {

// Quotes a value for an error message: printable ASCII as is, anything else
// escaped, so that a message never carries raw bytes of bad input.
std::string Quote(absl::string_view s) {
  return absl::StrCat("\"", absl::CHexEscape(s), "\"");
}

// One character of a code for an error message: 'A', or '\xE4' for a byte
// outside printable ASCII.
std::string QuoteChar(char c) {
  return absl::StrCat("'", absl::CHexEscape(absl::string_view(&c, 1)), "'");
}

bool IsLeapYear(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

constexpr const char* kMonthNames[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

std::string FormatDate(int64_t y, int64_t m, int64_t d) {
  return absl::StrFormat("%04d-%02d-%02d", y, m, d);
}

// ISO 3166-1 alpha-2 codes as ICU lists them, and ICU's alpha-3 → alpha-2
// mapping for hints. Built once; read-only afterwards, so thread-safe.
struct CountryTables {
  std::unordered_set<std::string> alpha2;
  std::unordered_map<std::string, std::string> alpha3_to_alpha2;
};

const CountryTables& Countries() {
  static const CountryTables* const tables = [] {
    auto* t = new CountryTables;
    for (const char* const* c = uloc_getISOCountries(); *c != nullptr; ++c) {
      t->alpha2.insert(*c);
      const std::string locale = absl::StrCat("_", *c);
      const char* alpha3 = uloc_getISO3Country(locale.c_str());
      if (alpha3 != nullptr && alpha3[0] != '\0') {
        t->alpha3_to_alpha2.emplace(alpha3, *c);
      }
    }
    return t;
  }();
  return *tables;
}

// ISO 4217 codes in current use (ICU: common and not deprecated).
const std::unordered_set<std::string>& Currencies() {
  static const std::unordered_set<std::string>* const codes = [] {
    auto* set = new std::unordered_set<std::string>;
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration* e =
        ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &status);
    if (U_SUCCESS(status)) {
      int32_t len = 0;
      const char* code;
      while ((code = uenum_next(e, &len, &status)) != nullptr &&
             U_SUCCESS(status)) {
        set->insert(std::string(code, static_cast<size_t>(len)));
      }
    }
    uenum_close(e);  // Accepts NULL.
    return set;
  }();
  return *codes;
}

bool HasLower(absl::string_view s) {
  for (char c : s) {
    if (absl::ascii_islower(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Number of code points in valid UTF-8, or bytes when it is not valid (the
// caller only uses it for a message).
// What a code that a spreadsheet kept as a number looks like, said in the
// error: scientific notation (3.20413E+17), or 18 digits ending in 000 (Excel
// keeps 15 significant digits). Empty for anything else.
std::string SpreadsheetNumberHint(absl::string_view code) {
  auto digits = [](absl::string_view t, bool dot) {
    return !t.empty() && std::all_of(t.begin(), t.end(), [dot](char c) {
      return absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
             (dot && c == '.');
    });
  };
  const size_t e = code.find_first_of("Ee");
  if (e != absl::string_view::npos) {
    absl::string_view exponent = code.substr(e + 1);
    absl::ConsumePrefix(&exponent, "+");
    const absl::string_view mantissa = code.substr(0, e);
    if (digits(mantissa, /*dot=*/true) &&
        std::count(mantissa.begin(), mantissa.end(), '.') <= 1 &&
        digits(exponent, false)) {
      return absl::StrCat(
          " (a number in scientific notation, \"", code,
          "\": a spreadsheet stored the code as a number and lost its "
          "digits; format the column as text, type the codes again and "
          "export)");
    }
  }
  if (code.size() == 18 && absl::EndsWith(code, "000") && digits(code, false)) {
    return " (000 at the end is what a spreadsheet leaves of an 18-digit "
           "code stored as a number; if so, format the column as text, type "
           "the codes again and export)";
  }
  return "";
}

size_t CharCount(absl::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t i = 0;
  size_t n = 0;
  while (i < s.size()) {
    UChar32 c;
    U8_NEXT(p, i, s.size(), c);
    if (c < 0) return s.size();
    ++n;
  }
  return n;
}

// GB 32100-2015 alphabet: the digits and 21 upper-case letters (no I, O, Z,
// S, V); a character's value is its index.
constexpr absl::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kUsccWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                  29, 25, 13, 8,  24, 10, 30, 28};

// GB 11643-1999 (ISO 7064 MOD 11-2) weights and check characters.
constexpr int kResidentIdWeights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                        3, 7, 9,  10, 5, 8, 4, 2};
constexpr absl::string_view kResidentIdCheck = "10X98765432";

}  // namespace

absl::Status CheckUtf8(absl::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t length = s.size();
  size_t i = 0;
  while (i < length) {
    const size_t start = i;
    UChar32 c;
    U8_NEXT(p, i, length, c);
    if (c < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("invalid UTF-8 at byte %d (0x%02X)", start,
                          static_cast<unsigned>(p[start])));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDate(const v1::Date& d) {
  const int64_t y = d.year();
  const int64_t m = d.month();
  const int64_t day = d.day();
  const std::string text = FormatDate(y, m, day);
  if (y < 1 || y > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat(text, ": year must be 1..9999"));
  }
  if (m < 0 || m > 12) {
    return absl::InvalidArgumentError(
        absl::StrCat(text, ": month must be 1..12, or 0 when unknown"));
  }
  if (day < 0 || day > 31) {
    return absl::InvalidArgumentError(
        absl::StrCat(text, ": day must be 1..31, or 0 when unknown"));
  }
  if (m == 0) {
    if (day != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(text, ": day must be 0 when the month is unknown (0)"));
    }
    return absl::OkStatus();
  }
  const int month = static_cast<int>(m);
  if (day > DaysInMonth(y, month)) {
    return absl::InvalidArgumentError(
        absl::StrCat(text, " is not a calendar date (", kMonthNames[month - 1],
                     " ", y, " has ", DaysInMonth(y, month), " days)"));
  }
  return absl::OkStatus();
}

namespace {

// English names compare without case, spaces and punctuation; others as
// written (after trimming).
std::string CountryNameKey(absl::string_view name) {
  std::string out;
  for (char c : absl::StripAsciiWhitespace(name)) {
    if (c == ' ' || c == '.' || c == '-' || c == '\'' || c == ',' || c == '(' ||
        c == ')') {
      continue;
    }
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string CountryCodeByName(absl::string_view name) {
  static const std::unordered_map<std::string, std::string>* const names = [] {
    auto* m = new std::unordered_map<std::string, std::string>;
    const CountryTables& t = Countries();
    for (const std::string& code : t.alpha2) {
      (*m)[CountryNameKey(code)] = code;
    }
    for (const auto& [alpha3, alpha2] : t.alpha3_to_alpha2) {
      m->emplace(CountryNameKey(alpha3), alpha2);
    }
    // ICU's display names of each region in Chinese (simplified and
    // traditional) and English.
    for (const char* locale : {"zh", "zh_Hant", "en"}) {
      for (const std::string& code : t.alpha2) {
        const std::string region = absl::StrCat("_", code);
        UChar buf[128];
        UErrorCode status = U_ZERO_ERROR;
        const int32_t len =
            uloc_getDisplayCountry(region.c_str(), locale, buf, 128, &status);
        if (U_FAILURE(status) || len <= 0 || len >= 128) continue;
        char utf8[512];
        int32_t n = 0;
        status = U_ZERO_ERROR;
        u_strToUTF8(utf8, sizeof utf8, &n, buf, len, &status);
        if (U_FAILURE(status) || n <= 0) continue;
        m->emplace(CountryNameKey(absl::string_view(utf8, n)), code);
      }
    }
    for (const auto& [alias, code] :
         std::initializer_list<std::pair<const char*, const char*>>{
             {"中华人民共和国", "CN"},
             {"香港", "HK"},
             {"中国香港", "HK"},
             {"澳门", "MO"},
             {"中国澳门", "MO"},
             {"中国台湾", "TW"},
             // As registries and rosters also write them: the regions'
             // full names, and short names in common use.
             {"香港特别行政区", "HK"},
             {"中国香港特别行政区", "HK"},
             {"澳门特别行政区", "MO"},
             {"中国澳门特别行政区", "MO"},
             {"台湾地区", "TW"},
             {"中国台湾地区", "TW"},
             {"澳洲", "AU"},
             {"纽西兰", "NZ"},
             {"大马", "MY"},
             {"印尼", "ID"},
             {"阿联酋", "AE"},
             {"沙特", "SA"},
             {"英属维京群岛", "VG"},
             {"BVI", "VG"},
             {"开曼", "KY"},
             {"美利坚合众国", "US"},
             {"南韩", "KR"},
             {"大韩民国", "KR"},
             {"UK", "GB"},
             {"Britain", "GB"},
             {"Great Britain", "GB"},
             {"England", "GB"},
             {"America", "US"},
             {"PRC", "CN"},
             // English short names ICU writes otherwise (Hong Kong SAR
             // China, Macao SAR China, Myanmar (Burma)).
             {"Hong Kong", "HK"},
             {"Hong Kong SAR", "HK"},
             {"Hong Kong, China", "HK"},
             {"Macau", "MO"},
             {"Macao", "MO"},
             {"Macau SAR", "MO"},
             {"Macao SAR", "MO"},
             {"Burma", "MM"},
             {"Korea", "KR"},
             {"Republic of Korea", "KR"},
             {"Holland", "NL"},
             // Nationalities as lists in English write them: the
             // demonyms of the places most overseas Chinese live.
             {"Chinese", "CN"},
             {"Hong Konger", "HK"},
             {"Hongkonger", "HK"},
             {"Macanese", "MO"},
             {"Taiwanese", "TW"},
             {"Malaysian", "MY"},
             {"Singaporean", "SG"},
             {"Indonesian", "ID"},
             {"Thai", "TH"},
             {"Filipino", "PH"},
             {"Filipina", "PH"},
             {"Philippine", "PH"},
             {"Vietnamese", "VN"},
             {"Burmese", "MM"},
             {"Myanmar", "MM"},
             {"Cambodian", "KH"},
             {"Lao", "LA"},
             {"Laotian", "LA"},
             {"Bruneian", "BN"},
             {"Japanese", "JP"},
             {"Korean", "KR"},
             {"South Korean", "KR"},
             {"Indian", "IN"},
             {"American", "US"},
             {"Canadian", "CA"},
             {"Mexican", "MX"},
             {"Panamanian", "PA"},
             {"Peruvian", "PE"},
             {"Brazilian", "BR"},
             {"Argentine", "AR"},
             {"Argentinian", "AR"},
             {"Chilean", "CL"},
             {"Venezuelan", "VE"},
             {"British", "GB"},
             {"Irish", "IE"},
             {"French", "FR"},
             {"German", "DE"},
             {"Italian", "IT"},
             {"Spanish", "ES"},
             {"Portuguese", "PT"},
             {"Dutch", "NL"},
             {"Belgian", "BE"},
             {"Swiss", "CH"},
             {"Austrian", "AT"},
             {"Swedish", "SE"},
             {"Norwegian", "NO"},
             {"Danish", "DK"},
             {"Finnish", "FI"},
             {"Russian", "RU"},
             {"Australian", "AU"},
             {"New Zealander", "NZ"},
             {"South African", "ZA"},
             {"Mauritian", "MU"}}) {
      (*m)[CountryNameKey(alias)] = code;
    }
    return m;
  }();
  auto it = names->find(CountryNameKey(name));
  if (it != names->end()) return it->second;
  // A nationality as forms write it: 美国籍, 马来西亚籍, 中国国籍.
  absl::string_view country = name;
  if (absl::ConsumeSuffix(&country, "籍")) {
    do {
      it = names->find(CountryNameKey(country));
      if (it != names->end()) return it->second;
    } while (absl::ConsumeSuffix(&country, "国"));
  }
  return std::string();
}

absl::Status CheckCountryCode(absl::string_view code) {
  const CountryTables& t = Countries();
  if (t.alpha2.count(std::string(code)) > 0) return absl::OkStatus();
  const std::string upper = absl::AsciiStrToUpper(code);
  if (upper != code && t.alpha2.count(upper) > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(code),
                     " is not an ISO 3166-1 alpha-2 country code; use upper "
                     "case: ",
                     upper));
  }
  std::string hint;
  if (upper == "UK") {
    hint = "; use GB for the United Kingdom";
  } else if (auto it = t.alpha3_to_alpha2.find(upper);
             it != t.alpha3_to_alpha2.end()) {
    hint = absl::StrCat("; use the two-letter code: ", it->second);
  } else if (code.empty()) {
    hint = "; expected two upper-case letters, e.g. CN";
  }
  return absl::InvalidArgumentError(absl::StrCat(
      Quote(code), " is not an ISO 3166-1 alpha-2 country code", hint));
}

absl::Status CheckCurrencyCode(absl::string_view code) {
  const std::unordered_set<std::string>& codes = Currencies();
  if (codes.count(std::string(code)) > 0) return absl::OkStatus();
  const std::string upper = absl::AsciiStrToUpper(code);
  std::string hint;
  if (upper == "RMB") {
    hint = "; use CNY for the renminbi (人民币)";
  } else if (upper == "NTD") {
    hint = "; use TWD for the New Taiwan dollar";
  } else if (upper != code && codes.count(upper) > 0) {
    hint = absl::StrCat("; use upper case: ", upper);
  } else if (code.empty()) {
    hint = "; expected three upper-case letters, e.g. CNY";
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Quote(code), " is not an ISO 4217 currency code", hint));
}

char UsccCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t value = kUsccAlphabet.find(first17[i]);
    if (value == absl::string_view::npos) return '\0';
    sum += static_cast<int>(value) * kUsccWeights[i];
  }
  return kUsccAlphabet[(31 - sum % 31) % 31];
}

absl::Status CheckUscc(absl::string_view code) {
  if (code.size() != 18) {
    const size_t n = CharCount(code);
    std::string hint;
    if (n == 15 || n == 13) {
      hint = absl::StrCat(" (a ", n,
                          "-character legacy registration number (注册号) "
                          "belongs in registrationNumber)");
    } else {
      hint = SpreadsheetNumberHint(code);
    }
    return absl::InvalidArgumentError(
        absl::StrCat("18 characters expected, got ", n, hint));
  }
  if (HasLower(code)) {
    return absl::InvalidArgumentError(
        absl::StrCat("lower-case letters are not allowed; use upper case: ",
                     absl::AsciiStrToUpper(code)));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (kUsccAlphabet.find(c) != absl::string_view::npos) continue;
    if (c == 'I' || c == 'O' || c == 'Z' || c == 'S' || c == 'V') {
      return absl::InvalidArgumentError(absl::StrCat(
          "character ", QuoteChar(c), " at position ", i + 1,
          " is not allowed (letters I, O, Z, S, V are never used)"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("character ", QuoteChar(c), " at position ", i + 1,
                     " is not allowed (expected 0-9 or A-Z without I, O, Z, "
                     "S, V)"));
  }
  const char expected = UsccCheckCharacter(code.substr(0, 17));
  if (code[17] != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("check character is ", QuoteChar(code[17]), ", expected ",
                     QuoteChar(expected), SpreadsheetNumberHint(code)));
  }
  return absl::OkStatus();
}

char ResidentIdCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const char c = first17[i];
    if (c < '0' || c > '9') return '\0';
    sum += (c - '0') * kResidentIdWeights[i];
  }
  return kResidentIdCheck[sum % 11];
}

std::string ResidentIdOfFirstGeneration(absl::string_view number) {
  if (number.size() != 15 ||
      !std::all_of(number.begin(), number.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return "";
  }
  std::string converted =
      absl::StrCat(number.substr(0, 6), "19", number.substr(6));
  converted.push_back(ResidentIdCheckCharacter(converted));
  return CheckResidentId(converted).ok() ? converted : "";
}

absl::Status CheckResidentId(absl::string_view number) {
  if (number.size() != 18) {
    const size_t n = CharCount(number);
    std::string hint;
    if (n == 15) {
      hint =
          " (a 15-digit first-generation number must be converted to the "
          "18-character form)";
    } else {
      hint = SpreadsheetNumberHint(number);
    }
    return absl::InvalidArgumentError(
        absl::StrCat("18 characters expected, got ", n, hint));
  }
  for (size_t i = 0; i < 17; ++i) {
    const char c = number[i];
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(
          absl::StrCat("character ", QuoteChar(c), " at position ", i + 1,
                       " is not allowed (the first 17 characters are digits)"));
    }
  }
  auto digits = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (number[i] - '0');
    return v;
  };
  v1::Date birth;
  birth.set_year(digits(6, 4));
  birth.set_month(digits(10, 2));
  birth.set_day(digits(12, 2));
  const std::string birth_text = std::string(number.substr(6, 8));
  if (birth.year() < 1850 || birth.month() == 0 || birth.day() == 0 ||
      !CheckDate(birth).ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("birth date ", birth_text,
                     " (positions 7-14) is not a calendar date from 1850 on"));
  }
  const char last = number[17];
  if (last == 'x') {
    return absl::InvalidArgumentError(
        "check character 'x' must be upper case: X");
  }
  const char expected = ResidentIdCheckCharacter(number.substr(0, 17));
  if (last != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("check character is ", QuoteChar(last), ", expected ",
                     QuoteChar(expected), SpreadsheetNumberHint(number)));
  }
  return absl::OkStatus();
}

}  // namespace model
}  // namespace qiaolian
