// Value normalisation for imports (src/ingest/normalize.h). Text is walked
// code point by code point with ICU's U8_NEXT; bytes that are not valid UTF-8
// are passed through unchanged (the importer reports them elsewhere) and never
// count as spaces, digits or words. Amounts are computed on the decimal
// digits with checked int64 arithmetic: no floating point anywhere.
#include "src/ingest/normalize.h"

#include <unicode/uchar.h>
#include <unicode/ucurr.h>
#include <unicode/utf8.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "src/model/checks.h"
#include "src/text/normalize.h"

namespace qiaolian {
namespace ingest {
namespace {

// Calls f(code_point, bytes) for each character of `s`; code_point is
// negative for a byte sequence that is not valid UTF-8 (`bytes` is then the
// ill-formed subsequence).
template <typename F>
void ForEachChar(absl::string_view s, F f) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const size_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    f(c, s.substr(start, i - start));
  }
}

// Unicode White_Space (incl. U+3000 and the no-break spaces) or what
// u_isspace calls a space (adds the information separators U+001C..U+001F).
bool IsSpace(UChar32 c) {
  if (c < 0x80) {
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  }
  // CJK, kana, Hangul and the full-width forms hold no space but U+3000
  // (a fast path: most cells of a registry are Chinese text).
  if (c > 0x3000 && c < 0xFFF0) return false;
  return c >= 0 && (u_isUWhiteSpace(c) || u_isspace(c));
}

// Invisible characters that spreadsheets leave behind (zero width space,
// word joiner, BOM / zero width no-break space): dropped, as a clerk cannot
// see them. Not White_Space in Unicode, hence listed here.
bool IsInvisible(UChar32 c) {
  return c == 0x200B || c == 0x2060 || c == 0xFEFF;
}

// Dashes a clerk types for "nothing": ASCII '-', the Unicode dashes and
// minus, and the small/full-width hyphen-minus forms.
bool IsDash(UChar32 c) {
  return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
         c == 0xFE58 || c == 0xFE63 || c == 0xFF0D;
}

// A value for an error message: as is when it is valid, printable UTF-8,
// escaped otherwise (never raw bad bytes); long values are cut to about 60
// bytes at a character boundary.
std::string Quote(absl::string_view s) {
  constexpr size_t kMax = 60;
  bool printable = model::CheckUtf8(s).ok();
  if (printable) {
    ForEachChar(s, [&](UChar32 c, absl::string_view) {
      if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') printable = false;
    });
  }
  if (!printable) {
    std::string escaped = absl::CHexEscape(s);
    if (escaped.size() > kMax) escaped = escaped.substr(0, kMax) + "...";
    return absl::StrCat("\"", escaped, "\"");
  }
  if (s.size() <= kMax) return absl::StrCat("\"", s, "\"");
  size_t cut = 0;
  ForEachChar(s, [&](UChar32, absl::string_view bytes) {
    const size_t end =
        static_cast<size_t>(bytes.data() - s.data()) + bytes.size();
    if (end <= kMax) cut = end;
  });
  return absl::StrCat("\"", s.substr(0, cut), "…\"");
}

// As Quote, without the quotation marks when none are needed.
std::string Bare(absl::string_view s) {
  std::string q = Quote(s);
  if (q.size() == s.size() + 2) return std::string(s);
  return q;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// --- Dates -------------------------------------------------------------

constexpr absl::string_view kDateForms =
    "expected a date such as 2008-05-07, 2008/5/7, 2008.5.7, 2008年5月7日, "
    "二〇〇八年五月七日, 7 May 2008 or 20080507 (optionally followed by a "
    "time), a year and month such as 2008-05, 2008年5月, May 2008 or 200805, "
    "or a year (2008)";

// The value of a Chinese numeral digit (〇/○/零 0, 一 … 九), -1 for
// another character.
int HanDigit(char32_t c) {
  static constexpr char32_t kDigits[] = U"〇一二三四五六七八九";
  for (int i = 0; i < 10; ++i) {
    if (kDigits[i] == c) return i;
  }
  return c == U'零' || c == U'○' ? 0 : -1;
}

// A month or day in Chinese numerals (五, 十, 十二, 二十, 三十一; or two
// digits, 〇五) as Arabic digits; "" when `n` is not such a number.
std::string HanSmallNumber(const std::u32string& n) {
  const size_t ten = n.find(U'十');
  if (ten == std::u32string::npos) {
    if (n.empty() || n.size() > 2) return "";
    std::string out;
    for (char32_t c : n) out.push_back(static_cast<char>('0' + HanDigit(c)));
    return out;
  }
  if (ten > 1 || n.size() - ten > 2) return "";
  const int tens = ten == 0 ? 1 : HanDigit(n[0]);
  const int units = ten + 1 < n.size() ? HanDigit(n[ten + 1]) : 0;
  if (tens < 1 || units < 0 || (ten + 1 < n.size() && units == 0)) return "";
  return std::to_string(tens * 10 + units);
}

// A date whose year is of the Republic of China (民国 / 民國), as documents
// from Taiwan write it (民国97年5月7日, 民國九十七年五月七日, 民国97/5/7):
// with the year of the common era (2008年5月7日, 2008/5/7); `t` itself when
// it does not start with 民国 or 民國; "" when its year is not a number
// of 1 to 3 digits or in Chinese numerals (九十七, 一百零二, 元 for the
// first) followed by 年 or a separator.
std::string CommonEraDate(const std::string& t) {
  absl::string_view rest = t;
  if (!absl::ConsumePrefix(&rest, "民国") &&
      !absl::ConsumePrefix(&rest, "民國")) {
    return t;
  }
  rest = absl::StripLeadingAsciiWhitespace(rest);
  int year = 0;
  size_t digits = 0;
  while (digits < rest.size() && IsDigit(rest[digits])) {
    year = year * 10 + (rest[digits] - '0');
    ++digits;
  }
  if (digits > 3) return "";
  if (digits == 0) {
    // In Chinese numerals: 三十八, 九十七, 一百零二, 一〇二 (digit by digit).
    const size_t end = rest.find("年");
    if (end == absl::string_view::npos) return "";
    const std::u32string n = text::ToU32(rest.substr(0, end));
    digits = end;
    int hundreds = 0;
    std::u32string below = n;
    if (n == U"元") {  // 民国元年: the first year.
      hundreds = -1;
      year = 1;
    } else if (n.size() <= 3 && std::all_of(n.begin(), n.end(), [](char32_t c) {
                 return HanDigit(c) >= 0;
               })) {
      hundreds = -1;  // Digit by digit: 一〇二, 九七.
      year = 0;
      for (char32_t c : n) year = year * 10 + HanDigit(c);
    } else if (const size_t bai = n.find(U'百'); bai != std::u32string::npos) {
      hundreds = bai == 0 ? 1 : (bai == 1 ? HanDigit(n[0]) : -1);
      if (hundreds < 1) return "";
      below = n.substr(bai + 1);
      if (!below.empty() && HanDigit(below[0]) == 0) below = below.substr(1);
    }
    if (hundreds >= 0) {
      int rest_value = 0;
      if (!below.empty()) {
        const std::string small = HanSmallNumber(below);
        if (small.empty() || !absl::SimpleAtoi(small, &rest_value)) return "";
      }
      year = hundreds * 100 + rest_value;
    }
  }
  if (year < 1) return "";
  const absl::string_view after = rest.substr(digits);
  if (!absl::StartsWith(absl::StripLeadingAsciiWhitespace(after), "年") &&
      (after.empty() ||
       (after[0] != '/' && after[0] != '-' && after[0] != '.'))) {
    return "";
  }
  return absl::StrCat(1911 + year, after);
}

// A date in Chinese numerals, as formal documents and certificates write
// it (二〇〇八年五月七日, 二零零八年十二月三十一日), with Arabic digits
// (2008年5月7日); `t` itself when it has none; "" when its numerals are
// out of place (a year not digit by digit, 十 in a year, a month of 二十一).
std::string ArabicDate(const std::string& t) {
  const std::u32string cps = text::ToU32(t);
  bool any = false;
  for (char32_t c : cps) any = any || HanDigit(c) >= 0 || c == U'十';
  if (!any) return t;
  std::string out;
  std::u32string run;
  for (size_t i = 0; i <= cps.size(); ++i) {
    const char32_t c = i < cps.size() ? cps[i] : 0;
    if (c != 0 && (HanDigit(c) >= 0 || c == U'十')) {
      run.push_back(c);
      continue;
    }
    if (!run.empty()) {
      size_t next = i;  // The character after the run, spaces aside.
      while (next < cps.size() && cps[next] == U' ') ++next;
      if (next < cps.size() && cps[next] == U'年') {
        // The year, digit by digit.
        for (char32_t d : run) {
          if (HanDigit(d) < 0) return "";
          out.push_back(static_cast<char>('0' + HanDigit(d)));
        }
      } else {
        const std::string n = HanSmallNumber(run);
        if (n.empty()) return "";
        out += n;
      }
      run.clear();
    }
    if (c != 0) text::AppendUtf8(c, &out);
  }
  return out;
}

// The month (1..12) an English month name or its abbreviation of three
// letters or more names (may, sep, sept, september; any case), 0 for
// another word.
int EnglishMonth(absl::string_view word) {
  static constexpr absl::string_view kMonths[] = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  if (word.size() < 3) return 0;
  const std::string w = absl::AsciiStrToLower(word);
  for (int m = 0; m < 12; ++m) {
    if (absl::StartsWith(kMonths[m], w)) return m + 1;
  }
  return 0;
}

// Whether `word` is an English weekday or its abbreviation (wed, Wednesday).
bool EnglishWeekday(absl::string_view word) {
  static constexpr absl::string_view kDays[] = {
      "monday", "tuesday",  "wednesday", "thursday",
      "friday", "saturday", "sunday"};
  if (word.size() < 3) return false;
  const std::string w = absl::AsciiStrToLower(word);
  for (absl::string_view d : kDays) {
    if (absl::StartsWith(d, w)) return true;
  }
  return false;
}

// A date with its month in English, as lists from Hong Kong, Singapore,
// Malaysia and elsewhere abroad write it (7 May 2008, 07-May-2008, 7th May
// 2008, May 7, 2008, Wed, 7 May 2008, 2008-May-07; May 2008), with the
// year first in digits (2008-05-07, 2008-05), any time after it kept;
// `t` itself when no word of it names a month in English, "" when one does
// but `t` is not such a date. *two_digit_year: the date is one of those but
// with a year of two digits (07-May-08), which is not read.
std::string NumericMonthDate(const std::string& t, bool* two_digit_year) {
  *two_digit_year = false;
  bool names_month = false;
  for (size_t i = 0; i < t.size() && !names_month;) {
    size_t n = 0;
    while (i + n < t.size() &&
           absl::ascii_isalpha(static_cast<unsigned char>(t[i + n]))) {
      ++n;
    }
    names_month = EnglishMonth(absl::string_view(t).substr(i, n)) != 0;
    i += n == 0 ? 1 : n;
  }
  if (!names_month) return t;
  // Tokens: numbers and words, between spaces and , - / . (an ordinal's
  // st, nd, rd, th goes with its number); the date ends where a time
  // (a number followed by ':') begins.
  struct Token {
    absl::string_view text;
    bool number = false;
  };
  std::vector<Token> tokens;
  size_t i = 0;
  size_t rest = t.size();
  auto separator = [](char ch) {
    return ch == ' ' || ch == ',' || ch == '-' || ch == '/' || ch == '.';
  };
  while (i < t.size()) {
    while (i < t.size() && separator(t[i])) ++i;
    if (i == t.size()) break;
    const size_t start = i;
    const auto ch = static_cast<unsigned char>(t[i]);
    if (absl::ascii_isdigit(ch)) {
      while (i < t.size() &&
             absl::ascii_isdigit(static_cast<unsigned char>(t[i]))) {
        ++i;
      }
      if (i < t.size() && t[i] == ':') {
        rest = start;
        break;
      }
      tokens.push_back({absl::string_view(t).substr(start, i - start), true});
      for (absl::string_view ordinal : {"st", "nd", "rd", "th"}) {
        if (absl::StartsWithIgnoreCase(absl::string_view(t).substr(i),
                                       ordinal)) {
          i += 2;
          break;
        }
      }
    } else if (absl::ascii_isalpha(ch)) {
      while (i < t.size() &&
             absl::ascii_isalpha(static_cast<unsigned char>(t[i]))) {
        ++i;
      }
      tokens.push_back({absl::string_view(t).substr(start, i - start), false});
    } else {
      return "";
    }
    if (i < t.size() && !separator(t[i])) return "";
  }
  if (!tokens.empty() && !tokens[0].number && EnglishWeekday(tokens[0].text) &&
      EnglishMonth(tokens[0].text) == 0) {
    tokens.erase(tokens.begin());
  }
  // The month word, and the numbers around it.
  int month = 0;
  std::vector<absl::string_view> numbers;
  size_t month_at = 0;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].number) {
      numbers.push_back(tokens[k].text);
    } else if (month == 0 && (month = EnglishMonth(tokens[k].text)) != 0) {
      month_at = k;
    } else {
      return "";
    }
  }
  if (month == 0 || numbers.empty() || numbers.size() > 2) return "";
  // Which number is the year: four digits (two: a year not read); the
  // other, of one or two digits, the day.
  absl::string_view year, day;
  if (numbers.size() == 1) {
    if (numbers[0].size() != 4) return "";  // 7 May: no year.
    year = numbers[0];
  } else if (numbers[0].size() == 4 && month_at == 1) {  // 2008-May-07
    year = numbers[0];
    day = numbers[1];
  } else {  // 7 May 2008, May 7, 2008
    day = numbers[0];
    year = numbers[1];
  }
  if (year.size() == 2 && day.size() <= 2) {
    *two_digit_year = true;
    return "";
  }
  if (year.size() != 4 || day.size() > 2 || year < "1800" || year > "2100") {
    return "";
  }
  std::string out = absl::StrFormat("%s-%02d", year, month);
  if (!day.empty()) absl::StrAppend(&out, "-", day);
  if (rest < t.size()) {
    if (day.empty()) return "";
    absl::StrAppend(&out, " ", absl::string_view(t).substr(rest));
  }
  return out;
}

// A cursor over half-width, cleaned text.
class Cursor {
 public:
  explicit Cursor(absl::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ >= s_.size(); }
  absl::string_view Rest() const { return s_.substr(pos_); }

  // Reads a run of ASCII digits: true when it has min..max digits.
  bool Digits(size_t min, size_t max, int* value) {
    size_t n = 0;
    int v = 0;
    while (pos_ + n < s_.size() && IsDigit(s_[pos_ + n])) {
      if (n < 9) v = v * 10 + (s_[pos_ + n] - '0');
      ++n;
    }
    if (n < min || n > max) return false;
    pos_ += n;
    *value = v;
    return true;
  }

  // Reads exactly n digits, whatever follows.
  bool Fixed(size_t n, int* value) {
    if (pos_ + n > s_.size()) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!IsDigit(s_[pos_ + i])) return false;
      v = v * 10 + (s_[pos_ + i] - '0');
    }
    pos_ += n;
    *value = v;
    return true;
  }

  // Length of the digit run at the cursor.
  size_t DigitRun() const {
    size_t n = 0;
    while (pos_ + n < s_.size() && IsDigit(s_[pos_ + n])) ++n;
    return n;
  }

  bool Consume(absl::string_view literal) {
    if (!absl::StartsWith(Rest(), literal)) return false;
    pos_ += literal.size();
    return true;
  }

  bool ConsumeAnyOf(absl::string_view chars, char* which) {
    if (AtEnd() || chars.find(s_[pos_]) == absl::string_view::npos) {
      return false;
    }
    *which = s_[pos_++];
    return true;
  }

  void SkipSpaces() {
    while (!AtEnd() && s_[pos_] == ' ') ++pos_;
  }

  void Skip(size_t n) { pos_ = std::min(s_.size(), pos_ + n); }

 private:
  absl::string_view s_;
  size_t pos_ = 0;
};

// The AM or PM of a 12-hour clock at the start of `s` (AM, pm, a.m.), as
// times in English are written (Excel's 5/7/2008 1:45 PM): the hours to add
// to the hour, taken modulo 12 (0 for AM, 12 for PM), and its length; -1
// and 0 for neither.
std::pair<int, size_t> Meridiem(absl::string_view s) {
  static constexpr std::pair<absl::string_view, int> kForms[] = {
      {"a.m.", 0}, {"p.m.", 12}, {"am", 0}, {"pm", 12}};
  for (const auto& [form, hours] : kForms) {
    if (absl::StartsWithIgnoreCase(s, form)) return {hours, form.size()};
  }
  return {-1, 0};
}

// A time of day after a date: H:MM, H:MM:SS or H:MM:SS.fff, an AM or PM
// after it (1:45 PM), then an optional zone (Z, +08:00, +0800, -05). The
// time and the zone are checked and ignored: the date is taken as written.
bool ConsumeTime(Cursor* c) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!c->Digits(1, 2, &hour) || !c->Consume(":") ||
      !c->Digits(2, 2, &minute)) {
    return false;
  }
  if (c->Consume(":")) {
    if (!c->Digits(2, 2, &second)) return false;
    if (c->Consume(".")) {
      int fraction = 0;
      if (!c->Digits(1, 9, &fraction)) return false;
    }
  }
  c->SkipSpaces();
  if (const auto [hours, length] = Meridiem(c->Rest()); length > 0) {
    if (hour < 1 || hour > 12) return false;
    hour = hour % 12 + hours;
    c->Skip(length);
    c->SkipSpaces();
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  if (c->Consume("Z")) return true;
  char sign = 0;
  if (c->ConsumeAnyOf("+-", &sign)) {
    int zone_hour = 0;
    int zone_minute = 0;
    if (c->DigitRun() == 4) {  // +0800
      int hhmm = 0;
      c->Digits(4, 4, &hhmm);
      zone_hour = hhmm / 100;
      zone_minute = hhmm % 100;
    } else {  // +08, +08:00
      if (!c->Digits(2, 2, &zone_hour)) return false;
      if (c->Consume(":") && !c->Digits(2, 2, &zone_minute)) return false;
    }
    if (zone_hour > 18 || zone_minute > 59) return false;
  }
  return true;
}

// The rest of the text, when it is a part of the day in Chinese, a time
// after it, or both (上午, 下午2:30, 晚上7点, 9点半, 全天), spaces allowed
// between; the cursor moves to the end then. The time is checked and
// ignored, as ConsumeTime's.
bool ConsumePartOfDay(Cursor* c) {
  Cursor t = *c;
  t.SkipSpaces();
  bool any = false;
  for (absl::string_view part : {"上午", "下午", "中午", "晚上", "早上", "早晨",
                                 "傍晚", "凌晨", "夜间", "全天", "白天"}) {
    if (t.Consume(part)) {
      any = true;
      break;
    }
  }
  t.SkipSpaces();
  if (!t.AtEnd()) {
    Cursor clock = t;
    int hour = 0;
    int minute = 0;
    if (ConsumeTime(&clock)) {
      t = clock;
    } else if (t.Digits(1, 2, &hour) && (t.Consume("点") || t.Consume("时"))) {
      if (t.Consume("半")) {
        minute = 30;
      } else if (t.Digits(1, 2, &minute)) {
        t.Consume("分");
      }
      if (hour > 24 || minute > 59) return false;
    } else {
      return false;
    }
    any = true;
    t.SkipSpaces();
  }
  if (!any || !t.AtEnd()) return false;
  *c = t;
  return true;
}

absl::Status DateError(absl::string_view original) {
  // Five digits from 1927 to 2099 as Excel counts days (from 1899-12-30):
  // a date cell that reached the file as its serial number.
  const std::string t = ToHalfWidth(CleanText(original));
  int serial = 0;
  if (t.size() == 5 && absl::SimpleAtoi(t, &serial) && serial >= 10000 &&
      serial <= 73050) {
    const absl::CivilDay day = absl::CivilDay(1899, 12, 30) + serial;
    return absl::InvalidArgumentError(absl::StrCat(
        kDateForms, "; got ", Quote(original),
        ", which looks like a spreadsheet's serial number of a date (\"",
        absl::FormatCivilTime(day),
        "\"): format the column as dates, or as text, and save the file "
        "again"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(kDateForms, "; got ", Quote(original)));
}

// --- Capital -----------------------------------------------------------

struct CurrencyWord {
  absl::string_view word;
  absl::string_view code;
};

// Longest words first where one could shadow another at the same position
// (RMB before RM). The signs as Chinese registries and ledgers use them: ¥
// (and full-width ￥) is the yuan, $ the US dollar. The currencies of the
// places most investors and donors abroad come from, as mainland documents
// name them; traditional characters (港幣, 新臺幣, 萬) are read in simplified
// ones (ParseCapital).
constexpr CurrencyWord kCurrencyWords[] = {
    {"马来西亚林吉特", "MYR"},
    {"马来西亚令吉", "MYR"},
    {"印度尼西亚盾", "IDR"},
    {"澳门帕塔卡", "MOP"},
    {"澳大利亚元", "AUD"},
    {"菲律宾比索", "PHP"},
    {"墨西哥比索", "MXN"},
    {"柬埔寨瑞尔", "KHR"},
    {"巴西雷亚尔", "BRL"},
    {"俄罗斯卢布", "RUB"},
    {"瑞士法郎", "CHF"},
    {"新加坡元", "SGD"},
    {"加拿大元", "CAD"},
    {"新西兰元", "NZD"},
    {"印度卢比", "INR"},
    {"南非兰特", "ZAR"},
    {"瑞典克朗", "SEK"},
    {"挪威克朗", "NOK"},
    {"丹麦克朗", "DKK"},
    {"老挝基普", "LAK"},
    {"人民币", "CNY"},
    {"新台币", "TWD"},
    {"林吉特", "MYR"},
    {"印尼盾", "IDR"},
    {"越南盾", "VND"},
    {"澳门元", "MOP"},
    {"澳门币", "MOP"},
    {"文莱元", "BND"},
    {"缅甸元", "MMK"},
    {"美元", "USD"},
    {"美金", "USD"},
    {"港元", "HKD"},
    {"港币", "HKD"},
    {"欧元", "EUR"},
    {"日元", "JPY"},
    {"英镑", "GBP"},
    {"澳元", "AUD"},
    {"加元", "CAD"},
    {"韩元", "KRW"},
    {"新元", "SGD"},
    {"新币", "SGD"},
    {"马币", "MYR"},
    {"令吉", "MYR"},
    {"泰铢", "THB"},
    {"台币", "TWD"},
    {"纽元", "NZD"},
    {"缅元", "MMK"},
    {"卢布", "RUB"},
    {"MOP$", "MOP"},
    {"US$", "USD"},
    {"HK$", "HKD"},
    {"NT$", "TWD"},
    {"NZ$", "NZD"},
    {"S$", "SGD"},
    {"A$", "AUD"},
    {"C$", "CAD"},
    {"RMB", "CNY"},
    {"RM", "MYR"},
    {"Rp", "IDR"},
    {"$", "USD"},
    {"¥", "CNY"},
    {"￥", "CNY"},
    {"€", "EUR"},
    {"£", "GBP"},
    {"₩", "KRW"},
    {"฿", "THB"},
    {"₱", "PHP"},
    {"₫", "VND"},
    {"₹", "INR"},
};

// 元, and 圆 as banknotes and formal receipts write it (人民币壹万圆整).
constexpr absl::string_view kYuanWords[] = {"元", "圆"};
constexpr absl::string_view kWan = "万";
constexpr absl::string_view kYi = "亿";
// Registries qualify a capital as subscribed (认缴) or paid in (实缴); the
// amount is the same, and the wording keeps which it is.
constexpr absl::string_view kCapitalQualifiers[] = {"认缴", "实缴", "認繳",
                                                    "實繳"};

// Decimal places of the minor unit (Money.amount_minor): 2 for the yuan and
// the dollar, as ICU (CLDR) says for other ISO codes (0 for JPY, KRW, VND).
int MinorDigits(absl::string_view code) {
  if (code == "CNY" || code == "USD" || code == "HKD") return 2;
  if (code.size() != 3) return 2;
  UChar u[4] = {static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                static_cast<UChar>(code[2]), 0};
  UErrorCode status = U_ZERO_ERROR;
  const int32_t digits = ucurr_getDefaultFractionDigits(u, &status);
  if (U_FAILURE(status) || digits < 0 || digits > 4) return 2;
  return digits;
}

// The minor unit for messages: "分" for CNY, "whole JPY" for a currency
// without one, "0.01 USD" otherwise.
std::string SmallestUnit(absl::string_view code, int digits) {
  if (code == "CNY") return "分";
  if (digits == 0) return absl::StrCat("whole ", code);
  return absl::StrCat("0.", std::string(static_cast<size_t>(digits - 1), '0'),
                      "1 ", code);
}

// What the words around the number said.
struct CapitalWords {
  std::string currency;  // ISO code, empty when none was named.
  int exponent = 0;      // 4 for 万, 8 for 亿.
};

absl::Status SetCurrency(absl::string_view code, absl::string_view original,
                         CapitalWords* words) {
  if (!words->currency.empty() && words->currency != code) {
    return absl::InvalidArgumentError(
        absl::StrCat("two currencies (", words->currency, " and ", code,
                     ") in ", Quote(original)));
  }
  words->currency = std::string(code);
  return absl::OkStatus();
}

// Reads the words before (`after_number` false) or after the number:
// currency words, 元, ISO codes (and RMB), brackets and spaces; after the
// number also one unit (万 or 亿), which must come first.
absl::Status ReadCapitalWords(absl::string_view text, bool after_number,
                              absl::string_view original, CapitalWords* words) {
  size_t pos = 0;
  bool first_word = true;
  auto skip_punct = [&] {
    while (pos < text.size() &&
           (text[pos] == '(' || text[pos] == ')' || text[pos] == ' ')) {
      ++pos;
    }
  };
  // Length of a known token at `at` (0 when none), so that unknown runs end
  // where a known word begins.
  auto known_at = [&](size_t at) -> size_t {
    const absl::string_view rest = text.substr(at);
    for (const CurrencyWord& w : kCurrencyWords) {
      if (absl::StartsWith(rest, w.word)) return w.word.size();
    }
    for (absl::string_view w : {kYuanWords[0], kYuanWords[1], kWan, kYi}) {
      if (absl::StartsWith(rest, w)) return w.size();
    }
    for (absl::string_view w : kCapitalQualifiers) {
      if (absl::StartsWith(rest, w)) return w.size();
    }
    return 0;
  };
  skip_punct();
  while (pos < text.size()) {
    const absl::string_view rest = text.substr(pos);
    // The unit.
    if (absl::StartsWith(rest, kWan) || absl::StartsWith(rest, kYi)) {
      const bool wan = absl::StartsWith(rest, kWan);
      const absl::string_view unit = wan ? kWan : kYi;
      if (!after_number || !first_word) {
        return absl::InvalidArgumentError(
            absl::StrCat("the unit ", unit, " must directly follow the number",
                         " in ", Quote(original)));
      }
      words->exponent = wan ? 4 : 8;
      pos += unit.size();
      first_word = false;
      skip_punct();
      continue;
    }
    first_word = false;
    // 元: yuan, or the generic "unit of money" of 万元(美元); it names no
    // currency by itself (none named at all means CNY).
    if (absl::StartsWith(rest, kYuanWords[0]) ||
        absl::StartsWith(rest, kYuanWords[1])) {
      if (!after_number) {
        return absl::InvalidArgumentError(absl::StrCat(
            rest.substr(0, 3), " before the number in ", Quote(original)));
      }
      pos += 3;  // Either is 3 bytes.
      skip_punct();
      continue;
    }
    bool matched = false;
    for (absl::string_view w : kCapitalQualifiers) {
      if (absl::StartsWith(rest, w)) {
        pos += w.size();
        matched = true;
        break;
      }
    }
    if (matched) {
      skip_punct();
      continue;
    }
    for (const CurrencyWord& w : kCurrencyWords) {
      if (absl::StartsWith(rest, w.word)) {
        if (absl::Status s = SetCurrency(w.code, original, words); !s.ok()) {
          return s;
        }
        pos += w.word.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      // An ASCII letter run: an ISO 4217 code (any case), or RMB.
      size_t letters = 0;
      while (pos + letters < text.size() &&
             absl::ascii_isalpha(
                 static_cast<unsigned char>(text[pos + letters]))) {
        ++letters;
      }
      if (letters > 0) {
        const std::string code =
            absl::AsciiStrToUpper(text.substr(pos, letters));
        if (code == "RMB") {
          if (absl::Status s = SetCurrency("CNY", original, words); !s.ok()) {
            return s;
          }
        } else if (code.size() == 3 && model::CheckCurrencyCode(code).ok()) {
          if (absl::Status s = SetCurrency(code, original, words); !s.ok()) {
            return s;
          }
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat("unknown currency ", text.substr(pos, letters),
                           " in ", Quote(original)));
        }
        pos += letters;
        matched = true;
      }
    }
    if (!matched) {
      // Unknown text up to the next bracket, space or known word.
      size_t end = pos;
      do {
        size_t next = end;
        const auto* p = reinterpret_cast<const uint8_t*>(text.data());
        UChar32 c;
        U8_NEXT(p, next, text.size(), c);
        (void)c;
        end = next;
      } while (end < text.size() && text[end] != '(' && text[end] != ')' &&
               text[end] != ' ' && known_at(end) == 0 &&
               !absl::ascii_isalpha(static_cast<unsigned char>(text[end])));
      const absl::string_view unknown = text.substr(pos, end - pos);
      if (!after_number) {
        return absl::InvalidArgumentError(
            absl::StrCat("unexpected ", Quote(unknown),
                         " before the number in ", Quote(original)));
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown currency ", Bare(unknown), " in ", Quote(original)));
    }
    skip_punct();
  }
  return absl::OkStatus();
}

// Checks the written number ("1,234.5") and returns its digits without
// separators, and how many of them are decimals.
absl::Status ReadNumber(absl::string_view number, absl::string_view original,
                        std::string* digits, int* decimals) {
  auto malformed = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a number: ", Quote(number), " (", why, ") in ", Quote(original)));
  };
  // Points between groups of three, as Indonesia and much of Europe write
  // thousands (Rp 1.000.000): two or more of them cannot be decimal points.
  if (std::count(number.begin(), number.end(), '.') >= 2 &&
      !absl::StrContains(number, ',')) {
    const std::vector<absl::string_view> groups = absl::StrSplit(number, '.');
    bool thousands = !groups[0].empty() && groups[0].size() <= 3;
    for (size_t i = 1; i < groups.size() && thousands; ++i) {
      thousands = groups[i].size() == 3;
    }
    if (thousands) {
      *digits = absl::StrJoin(groups, "");
      *decimals = 0;
      return absl::OkStatus();
    }
  }
  const size_t point = number.find('.');
  absl::string_view whole = number.substr(0, point);
  absl::string_view fraction;
  if (point != absl::string_view::npos) {
    fraction = number.substr(point + 1);
    if (fraction.find('.') != absl::string_view::npos) {
      return malformed("more than one decimal point");
    }
    if (fraction.find(',') != absl::string_view::npos) {
      return malformed("thousands separator after the decimal point");
    }
    if (fraction.empty()) return malformed("no digits after the decimal point");
  }
  if (absl::StrContains(whole, ',')) {
    // Groups of three: 1,234 and 12,345,678; not 1,23 or 1234,567.
    size_t group = 0;
    size_t first_group = std::string::npos;
    for (char c : whole) {
      if (c == ',') {
        if (first_group == std::string::npos) {
          first_group = group;
          if (group < 1 || group > 3) {
            return malformed("misplaced thousands separator");
          }
        } else if (group != 3) {
          return malformed("misplaced thousands separator");
        }
        group = 0;
      } else {
        ++group;
      }
    }
    if (group != 3) return malformed("misplaced thousands separator");
  }
  digits->clear();
  for (char c : whole) {
    if (c != ',') digits->push_back(c);
  }
  digits->append(fraction.data(), fraction.size());
  *decimals = static_cast<int>(fraction.size());
  return absl::OkStatus();
}

}  // namespace

std::string CleanText(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  ForEachChar(s, [&](UChar32 c, absl::string_view bytes) {
    if (IsInvisible(c)) return;
    if (IsSpace(c)) {
      pending_space = !out.empty();
      return;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(bytes.data(), bytes.size());
  });
  return out;
}

std::string ToHalfWidth(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  ForEachChar(s, [&](UChar32 c, absl::string_view bytes) {
    if (c >= 0xFF01 && c <= 0xFF5E) {
      out.push_back(static_cast<char>(c - 0xFEE0));
    } else if (c == 0x3000) {
      out.push_back(' ');
    } else {
      out.append(bytes.data(), bytes.size());
    }
  });
  return out;
}

bool IsPlaceholder(absl::string_view s) {
  // Fast path: every placeholder starts (after spaces) with a dash or one of
  // these characters, in half or full width.
  if (!s.empty()) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    size_t i = 0;
    UChar32 c;
    U8_NEXT(p, i, s.size(), c);
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    const bool maybe = IsSpace(c) || IsInvisible(c) || IsDash(c) || c < 0 ||
                       c == 'n' || c == 'N' || c == '#' || c == '/' ||
                       c == 0x65E0 /* 无 */ || c == 0x7121 /* 無 */ ||
                       c == 0x6682 /* 暂 */ || c == 0x66AB /* 暫 */ ||
                       c == 0x7A7A /* 空 */ || c == 0x4E0D /* 不 */;
    if (!maybe) return false;
  }
  const std::string half = ToHalfWidth(CleanText(s));
  std::string t;  // Without spaces: "N / A" is N/A.
  for (char c : half) {
    if (c != ' ') t.push_back(c);
  }
  if (t.empty()) return true;
  bool all_dashes = true;
  ForEachChar(t, [&](UChar32 c, absl::string_view) {
    if (!IsDash(c)) all_dashes = false;
  });
  if (all_dashes) return true;  // -, --, —, ——, －
  const std::string lower = absl::AsciiStrToLower(t);
  // Simplified and traditional (files from Hong Kong, Macau and Taiwan): 无
  // and 無, 暂无 and 暫無, 不适用 and 不適用 (not applicable).
  for (absl::string_view p : {"n/a", "na", "null", "none", "#n/a", "无", "無",
                              "暂无", "暫無", "/", "空", "不适用", "不適用"}) {
    if (lower == p) return true;
  }
  return false;
}

std::string NormalizeCode(absl::string_view s) {
  std::string out;
  ForEachChar(ToHalfWidth(s), [&](UChar32 c, absl::string_view bytes) {
    if (IsSpace(c) || IsInvisible(c)) return;
    if (c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else {
      out.append(bytes.data(), bytes.size());
    }
  });
  return out;
}

namespace {

// The second date of a span written without what it shares with the first
// (`first`): 7, 7日 or 7号 (the day), 2.7, 2-7, 2/7 or 2月7日 (month and
// day), in the 年月日 form ParseDate reads; "" when `s` is neither.
std::string CompletedEnd(absl::string_view s, const v1::Date& first) {
  Cursor c(s);
  int a = 0;
  int b = 0;
  if (!c.Digits(1, 2, &a)) return "";
  if (c.AtEnd() || c.Consume("日") || c.Consume("号")) {
    if (!c.AtEnd()) return "";
    return absl::StrCat(first.year(), "年", first.month(), "月", a, "日");
  }
  char sep = 0;
  if (!c.Consume("月") && !c.ConsumeAnyOf(".-/", &sep)) return "";
  if (!c.Digits(1, 2, &b)) return "";
  if (!c.Consume("日")) c.Consume("号");
  if (!c.AtEnd()) return "";
  return absl::StrCat(first.year(), "年", a, "月", b, "日");
}

bool Before(const v1::Date& a, const v1::Date& b) {
  return std::make_tuple(a.year(), a.month(), a.day()) <
         std::make_tuple(b.year(), b.month(), b.day());
}

}  // namespace

absl::StatusOr<std::optional<std::pair<v1::Date, v1::Date>>> ParseDateRange(
    absl::string_view s) {
  const std::string half_width = ToHalfWidth(s);
  const absl::string_view t = half_width;
  for (absl::string_view sep : {"至", "到", "~", "～", "—", "–", "－", "-"}) {
    for (size_t pos = t.find(sep); pos != absl::string_view::npos;
         pos = t.find(sep, pos + 1)) {
      const absl::string_view left =
          absl::StripAsciiWhitespace(t.substr(0, pos));
      const absl::string_view right =
          absl::StripAsciiWhitespace(t.substr(pos + sep.size()));
      if (left.empty() || right.empty()) continue;
      absl::StatusOr<v1::Date> first = ParseDate(left);
      if (!first.ok() || first->day() == 0) continue;
      absl::StatusOr<v1::Date> last = ParseDate(right);
      if (!last.ok()) {
        const std::string completed = CompletedEnd(right, *first);
        if (completed.empty()) continue;
        last = ParseDate(completed);
      }
      if (!last.ok() || last->day() == 0) continue;
      if (Before(*last, *first)) {
        return absl::InvalidArgumentError(
            absl::StrCat(Quote(s), " ends before it starts"));
      }
      return std::make_optional(std::make_pair(*first, *last));
    }
  }
  return std::nullopt;
}

absl::StatusOr<int64_t> ParseTimestampSeconds(absl::string_view s) {
  const std::string t = ToHalfWidth(CleanText(s));
  absl::Time when;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, t, &when, &err)) {
    return absl::ToUnixSeconds(when);
  }
  // A date (7 May 2008 too), then a time of day: hours and minutes,
  // seconds optional, an AM or PM after them (1:45 PM).
  absl::string_view body = t;
  int meridiem = -1;
  for (size_t length : {4, 2}) {  // a.m., am
    if (body.size() <= length ||
        !absl::ascii_isdigit(
            static_cast<unsigned char>(absl::StripTrailingAsciiWhitespace(
                                           body.substr(0, body.size() - length))
                                           .back()))) {
      continue;
    }
    const auto [hours, read] = Meridiem(body.substr(body.size() - length));
    if (read != length) continue;
    meridiem = hours;
    body = absl::StripTrailingAsciiWhitespace(
        body.substr(0, body.size() - length));
    break;
  }
  size_t space = body.rfind(' ');
  if (space == absl::string_view::npos) space = body.find('T');
  if (space != absl::string_view::npos) {
    absl::StatusOr<v1::Date> d = ParseDate(body.substr(0, space));
    std::vector<absl::string_view> hms =
        absl::StrSplit(body.substr(space + 1), ':');
    int h = 0, m = 0, sec = 0;
    const bool read =
        d.ok() && d->day() != 0 && (hms.size() == 2 || hms.size() == 3) &&
        absl::SimpleAtoi(hms[0], &h) && absl::SimpleAtoi(hms[1], &m) &&
        (hms.size() == 2 || absl::SimpleAtoi(hms[2], &sec));
    if (read && meridiem >= 0) {
      h = h >= 1 && h <= 12 ? h % 12 + meridiem : -1;
    }
    if (read && h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60) {
      const absl::CivilSecond cs(d->year(), d->month(), d->day(), h, m, sec);
      return absl::ToUnixSeconds(
          absl::FromCivil(cs, absl::FixedTimeZone(8 * 3600)));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", s,
      "\" is not a date and time (expected 2020-03-05T09:30:00Z, "
      "2020-03-05T09:30:00+08:00, 2020-03-05 09:30 or 5 Mar 2020 9:30 AM, "
      "China time)"));
}

absl::StatusOr<v1::Date> ParseDate(absl::string_view s) {
  std::string t = ToHalfWidth(CleanText(s));
  if (t.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("empty date; ", kDateForms));
  }
  // 民国97年5月7日: a year of the Republic of China.
  if (absl::StartsWith(t, "民")) {
    t = CommonEraDate(t);
    if (t.empty()) return DateError(s);
  }
  // 97年5月7日: a year cut to its last digits, or one of the Republic of
  // China written without 民国; either way not to be guessed.
  if (const size_t nian = t.find("年"); nian == 2 || nian == 3) {
    if (std::all_of(t.begin(), t.begin() + nian, IsDigit)) {
      const std::string y = t.substr(0, nian);
      const std::string roc =
          absl::StrCat("民国", y, "年, ", 1911 + std::stoi(y), "?");
      return absl::InvalidArgumentError(absl::StrCat(
          Quote(s), " has a year of ", nian == 2 ? "two" : "three", " digits (",
          y, ": ", nian == 2 ? absl::StrCat("19", y, ", or ") : "", roc,
          "): write the year in full, or 民国 before it"));
    }
  }
  // 二〇〇八年五月七日: only a date with 年 can be written so. 元月 is
  // January (2008年元月1日).
  if (t.find("年") != std::string::npos) {
    t = absl::StrReplaceAll(t, {{"年元月", "年1月"}});
    t = ArabicDate(t);
    if (t.empty()) return DateError(s);
  }
  // 7 May 2008: only a date with letters can name a month in English.
  if (std::any_of(t.begin(), t.end(), [](char c) {
        return absl::ascii_isalpha(static_cast<unsigned char>(c));
      })) {
    bool two_digit_year = false;
    t = NumericMonthDate(t, &two_digit_year);
    if (two_digit_year) {
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(s),
                       " has a year of two digits (19.. or 20..?): write the "
                       "year in full"));
    }
    if (t.empty()) return DateError(s);
  }
  Cursor c(t);
  int year = 0;
  int month = 0;
  int day = 0;
  bool has_day = true;
  const size_t run = c.DigitRun();
  // A year alone (2008: how exports write a date known to the year) or a
  // year and month run together (200805, as personnel forms write 出生年月),
  // for years 1800..2100 only: other runs of 4 or 6 digits are not dates.
  if ((run == 4 || run == 6) && run == t.size()) {
    int y = 0, m = 0;
    c.Fixed(4, &y);
    if (run == 6) c.Fixed(2, &m);
    if (y < 1800 || y > 2100) return DateError(s);
    if (run == 6 && (m < 1 || m > 12)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "month %d in %s does not exist (1..12)", m, Quote(s)));
    }
    v1::Date date;
    date.set_year(y);
    date.set_month(m);
    return date;
  }
  if (run == 8) {
    // 20080507, for years 1800..2100 only: other runs of 8 digits (an
    // amount, 05200812) are not dates.
    c.Fixed(4, &year);
    c.Fixed(2, &month);
    c.Fixed(2, &day);
    if (year < 1800 || year > 2100) return DateError(s);
  } else if (run == 4) {
    c.Digits(4, 4, &year);
    char sep = 0;
    if (c.ConsumeAnyOf("-/.", &sep)) {
      if (!c.Digits(1, 2, &month)) return DateError(s);
      if (c.AtEnd()) {
        has_day = false;
      } else {
        if (!c.Consume(absl::string_view(&sep, 1))) return DateError(s);
        if (!c.Digits(1, 2, &day)) return DateError(s);
      }
    } else {
      // 2008年5月7日 (日 or 号, optional), spaces allowed between parts;
      // 2008年 alone, a year.
      c.SkipSpaces();
      if (!c.Consume("年")) return DateError(s);
      c.SkipSpaces();
      if (c.AtEnd()) {
        if (year < 1800 || year > 2100) return DateError(s);
        v1::Date date;
        date.set_year(year);
        return date;
      }
      if (!c.Digits(1, 2, &month)) return DateError(s);
      c.SkipSpaces();
      if (!c.Consume("月")) return DateError(s);
      c.SkipSpaces();
      if (c.AtEnd()) {
        has_day = false;
      } else {
        if (!c.Digits(1, 2, &day)) return DateError(s);
        c.SkipSpaces();
        if (!c.Consume("日")) c.Consume("号");
      }
    }
  } else {
    return DateError(s);
  }
  if (!c.AtEnd() && has_day && ConsumePartOfDay(&c)) {
    // As activity ledgers write the day: 2024年2月5日上午, 下午2:30, 晚上7点.
  } else if (!c.AtEnd()) {
    // An optional time: "2008-05-07 00:00:00", "2008-05-07T08:00:00Z".
    const bool separated = c.Consume(" ") || c.Consume("T");
    if (!separated || !has_day || !ConsumeTime(&c) || !c.AtEnd()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected text after the date in ", Quote(s), "; ", kDateForms));
    }
  }
  if (month < 1 || month > 12) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "month %d in %s does not exist (1..12)", month, Quote(s)));
  }
  if (has_day && (day < 1 || day > 31)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("day %d in %s does not exist (1..31)", day, Quote(s)));
  }
  v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(has_day ? day : 0);
  if (absl::Status st = model::CheckDate(date); !st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(s), ": ", st.message()));
  }
  return date;
}

namespace {

// The value of a Chinese numeral digit in an amount (financial 壹贰叁 or
// common 一二三, 两 and 〇 too), -1 for another character.
int AmountDigit(char32_t c) {
  static constexpr std::pair<char32_t, int> kDigits[] = {
      {U'零', 0}, {U'〇', 0}, {U'壹', 1}, {U'一', 1}, {U'贰', 2},
      {U'貳', 2}, {U'二', 2}, {U'两', 2}, {U'兩', 2}, {U'叁', 3},
      {U'參', 3}, {U'三', 3}, {U'肆', 4}, {U'四', 4}, {U'伍', 5},
      {U'五', 5}, {U'陆', 6}, {U'陸', 6}, {U'六', 6}, {U'柒', 7},
      {U'七', 7}, {U'捌', 8}, {U'八', 8}, {U'玖', 9}, {U'九', 9}};
  for (const auto& [ch, v] : kDigits) {
    if (ch == c) return v;
  }
  return -1;
}

// The power of ten of a Chinese numeral unit (拾/十 1 … 亿 8), -1 for
// another character.
int AmountUnit(char32_t c) {
  switch (c) {
    case U'拾':
    case U'十':
      return 1;
    case U'佰':
    case U'百':
      return 2;
    case U'仟':
    case U'千':
      return 3;
    case U'万':
    case U'萬':
      return 4;
    case U'亿':
    case U'億':
      return 8;
    default:
      return -1;
  }
}

// An amount written in Chinese numerals, as receipts and ledgers write
// them (人民币壹拾贰万叁仟元整, 伍角, 五十万美元), with Arabic digits
// (人民币123000元, 0.5元, 500000美元); "" when `t` has no such amount or
// one that does not read (a digit with no unit between two others).
std::string ArabicAmount(absl::string_view t) {
  const std::u32string cps = text::ToU32(t);
  size_t begin = 0;
  while (begin < cps.size() && AmountDigit(cps[begin]) < 0 &&
         AmountUnit(cps[begin]) < 0) {
    ++begin;
  }
  if (begin == cps.size()) return "";
  // The whole part, in sections of up to 万 and 亿.
  uint64_t total = 0, section = 0, number = 0;
  bool pending = false, any_digit = false;
  size_t i = begin;
  constexpr uint64_t kMax = uint64_t{1} << 60;
  for (; i < cps.size(); ++i) {
    const int d = AmountDigit(cps[i]);
    const int u = AmountUnit(cps[i]);
    if (d >= 0) {
      if (pending) return "";  // 二三, 二〇: no unit between.
      number = static_cast<uint64_t>(d);
      pending = d != 0;
      any_digit = true;
    } else if (u >= 1 && u <= 3) {
      // A unit counts its digit; 十 alone at the start is ten (十二).
      if (!pending && !(u == 1 && section == 0)) return "";
      uint64_t unit = 1;
      for (int k = 0; k < u; ++k) unit *= 10;
      section += (pending ? number : 1) * unit;
      number = 0;
      pending = false;
      any_digit = true;
    } else if (u == 4 || u == 8) {
      const uint64_t unit = u == 4 ? 10000 : 100000000;
      const uint64_t part = section + (pending ? number : 0);
      if (u == 8) {
        total = (total + part) * unit;
      } else {
        total += part * unit;
      }
      if (total > kMax) return "";
      section = number = 0;
      pending = false;
    } else {
      break;
    }
  }
  if (!any_digit) return "";
  total += section + (pending ? number : 0);
  // Then 元 (圆), and tenths and hundredths: 伍角, 叁分.
  std::string out = text::ToUtf8(cps.substr(0, begin));
  int jiao = 0, fen = 0;
  bool yuan = false;
  // 伍角, 叁分; 零 before either (壹元零伍分).
  auto tenths = [&cps, &i](char32_t mark, int* part) {
    size_t at = i;
    if (at < cps.size() && cps[at] == U'零') ++at;
    if (at + 1 < cps.size() && AmountDigit(cps[at]) >= 0 &&
        cps[at + 1] == mark) {
      *part = AmountDigit(cps[at]);
      i = at + 2;
    }
  };
  if (i < cps.size() && (cps[i] == U'元' || cps[i] == U'圆')) {
    yuan = true;
    ++i;
    tenths(U'角', &jiao);
    tenths(U'分', &fen);
  } else if (i < cps.size() && (cps[i] == U'角' || cps[i] == U'分') &&
             total < 10) {
    // 叁角, 伍分, 叁角伍分: no yuan.
    yuan = true;
    (cps[i] == U'角' ? jiao : fen) = static_cast<int>(total);
    const bool tenth = cps[i] == U'角';
    total = 0;
    ++i;
    if (tenth) tenths(U'分', &fen);
  }
  absl::StrAppend(&out, total);
  if (jiao != 0 || fen != 0) absl::StrAppend(&out, ".", jiao, fen);
  if (yuan) out += "元";
  // 整 (正): "exactly", as receipts close an amount.
  if (i < cps.size() && (cps[i] == U'整' || cps[i] == U'正')) ++i;
  out += text::ToUtf8(cps.substr(i));
  return out;
}

}  // namespace

namespace {

// ParseCapital of `t`, the cell `s` cleaned and in half-width characters.
absl::StatusOr<v1::Money> ReadCapital(std::string t, absl::string_view s) {
  // The number: the first run of digits, ',' and '.'; or an amount in
  // Chinese numerals (壹万元整), as the number it writes.
  size_t begin = t.find_first_of("0123456789");
  if (begin == std::string::npos) {
    t = ArabicAmount(t);
    begin = t.find_first_of("0123456789");
  } else if (absl::EndsWith(t, "元整") || absl::EndsWith(t, "元正") ||
             absl::EndsWith(t, "圆整")) {
    t.resize(t.size() - 3);  // 1000元整: exactly 1000 yuan.
  }
  if (begin == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("not a number: ", Quote(s)));
  }
  size_t end = begin;
  while (end < t.size() &&
         (IsDigit(t[end]) || t[end] == ',' || t[end] == '.')) {
    ++end;
  }
  const absl::string_view prefix = absl::string_view(t).substr(0, begin);
  const absl::string_view number =
      absl::string_view(t).substr(begin, end - begin);
  const absl::string_view suffix = absl::string_view(t).substr(end);
  if (suffix.find_first_of("0123456789") != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("more than one number in ", Quote(s)));
  }
  // A sign directly before the number (spaces aside).
  const absl::string_view before = absl::StripTrailingAsciiWhitespace(prefix);
  if (absl::EndsWith(before, "-") || absl::EndsWith(before, "\u2212")) {
    return absl::InvalidArgumentError(
        absl::StrCat("negative amount in ", Quote(s)));
  }
  if (absl::EndsWith(before, ".")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a number: no digit before the decimal point in ", Quote(s)));
  }

  std::string digits;
  int decimals = 0;
  if (absl::Status st = ReadNumber(number, s, &digits, &decimals); !st.ok()) {
    return st;
  }
  CapitalWords words;
  if (absl::Status st = ReadCapitalWords(before, false, s, &words); !st.ok()) {
    return st;
  }
  if (absl::Status st = ReadCapitalWords(suffix, true, s, &words); !st.ok()) {
    return st;
  }
  if (words.currency.empty()) words.currency = "CNY";
  const int minor = MinorDigits(words.currency);
  // amount_minor = digits × 10^(unit + minor − decimals).
  int shift = words.exponent + minor - decimals;
  if (shift < 0) {
    const size_t drop = static_cast<size_t>(-shift);
    // Trailing zeros beyond the minor unit are harmless ("12.3400元").
    if (digits.find_first_not_of('0', digits.size() - drop) !=
        std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(Quote(s), " has more precision than ",
                       SmallestUnit(words.currency, minor)));
    }
    digits.resize(digits.size() - drop);
    shift = 0;
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  auto overflow = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(Quote(s), " is too large: more than ", kMax, " ",
                     SmallestUnit(words.currency, minor)));
  };
  int64_t amount = 0;
  for (char d : digits) {
    const int v = d - '0';
    if (amount > (kMax - v) / 10) return overflow();
    amount = amount * 10 + v;
  }
  for (int i = 0; i < shift; ++i) {
    if (amount > kMax / 10) return overflow();
    amount *= 10;
  }
  v1::Money money;
  money.set_currency(words.currency);
  money.set_amount_minor(amount);
  return money;
}

}  // namespace

absl::StatusOr<v1::Money> ParseCapital(absl::string_view s) {
  if (IsPlaceholder(s)) {
    return absl::InvalidArgumentError(
        absl::StrCat("no amount: ", Quote(s), " is a placeholder for nothing"));
  }
  const std::string t = ToHalfWidth(CleanText(s));
  absl::StatusOr<v1::Money> money = ReadCapital(t, s);
  if (money.ok()) return money;
  // In traditional characters, as files from Hong Kong, Macau and Taiwan
  // write amounts (500萬港幣, 新臺幣1億元, 人民幣壹佰萬圓整): read in
  // simplified ones, whose error is then the one that says what is wrong.
  std::string simplified = text::ToSimplified(t);
  if (simplified == t) return money;
  return ReadCapital(std::move(simplified), s);
}

}  // namespace ingest
}  // namespace qiaolian
