// The working-day calendar (include/qiaolian/calendar.h).
#include "qiaolian/calendar.h"

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "src/calendar/official_data.h"
#include "src/util/status_macros.h"

namespace qiaolian {
namespace {

constexpr int64_t kMaxWorkingDays = 100000;
constexpr int64_t kMaxRangeDays = 366;

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

absl::Status OutOfRange(absl::CivilDay day, const Calendar& cal) {
  std::string covered =
      cal.years().empty()
          ? "no year"
          : absl::StrCat(cal.first_year(), "..", cal.last_year());
  if (!cal.years().empty() && static_cast<int>(cal.years().size()) !=
                                  cal.last_year() - cal.first_year() + 1) {
    covered = "";
    for (const auto& [year, source] : cal.years()) {
      absl::StrAppend(&covered, covered.empty() ? "" : ", ", year);
    }
  }
  return absl::OutOfRangeError(absl::StrCat(
      FormatCivilDay(day), " is outside the working-day calendar (covers ",
      covered,
      "); load the year's holiday notice into the calendar, or accept "
      "weekends-only for days outside it"));
}

// One parsed statement of the calendar grammar.
struct Statement {
  bool is_year = false;
  int year = 0;
  absl::CivilDay from, to;
  bool working = false;
  std::string text;  // Source or label.
};

absl::StatusOr<Statement> ParseStatement(absl::string_view line) {
  Statement st;
  absl::string_view rest = absl::StripAsciiWhitespace(line);
  const size_t sp = rest.find_first_of(" \t");
  const absl::string_view head = rest.substr(0, sp);
  rest = sp == absl::string_view::npos
             ? absl::string_view()
             : absl::StripAsciiWhitespace(rest.substr(sp));
  if (head == "year") {
    const size_t sp2 = rest.find_first_of(" \t");
    const absl::string_view year = rest.substr(0, sp2);
    st.is_year = true;
    if (!absl::SimpleAtoi(year, &st.year) || st.year < 1 || st.year > 9999 ||
        year.size() != 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("year: YYYY expected, got \"", year, "\""));
    }
    st.text = std::string(sp2 == absl::string_view::npos
                              ? absl::string_view()
                              : absl::StripAsciiWhitespace(rest.substr(sp2)));
    if (st.text.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("year ", st.year,
                       ": the source (the notice it comes from) is "
                       "required"));
    }
    return st;
  }
  // DATE[..DATE] off|work LABEL
  const size_t dots = head.find("..");
  QL_ASSIGN_OR_RETURN(st.from, ParseCivilDay(head.substr(0, dots)));
  st.to = st.from;
  if (dots != absl::string_view::npos) {
    QL_ASSIGN_OR_RETURN(st.to, ParseCivilDay(head.substr(dots + 2)));
  }
  const size_t sp2 = rest.find_first_of(" \t");
  const absl::string_view what = rest.substr(0, sp2);
  if (what == "off") {
    st.working = false;
  } else if (what == "work") {
    st.working = true;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"off\" or \"work\" expected after ", head, ", got \"", what, "\""));
  }
  st.text = std::string(sp2 == absl::string_view::npos
                            ? absl::string_view()
                            : absl::StripAsciiWhitespace(rest.substr(sp2)));
  if (st.to < st.from) {
    return absl::InvalidArgumentError(
        absl::StrCat("range ", head, " ends before it starts"));
  }
  if (st.to - st.from >= kMaxRangeDays) {
    return absl::InvalidArgumentError(absl::StrCat(
        "range ", head, " is longer than ", kMaxRangeDays, " days"));
  }
  return st;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseCivilDay(absl::string_view text) {
  int y = 0, m = 0, d = 0;
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 ||
      parts[2].size() != 2 || !absl::SimpleAtoi(parts[0], &y) ||
      !absl::SimpleAtoi(parts[1], &m) || !absl::SimpleAtoi(parts[2], &d) ||
      y < 1 || !absl::ascii_isdigit(parts[0][0]) ||
      !absl::ascii_isdigit(parts[1][0]) || !absl::ascii_isdigit(parts[2][0])) {
    return absl::InvalidArgumentError(
        absl::StrCat("date \"", text, "\": YYYY-MM-DD expected"));
  }
  const absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::InvalidArgumentError(
        absl::StrCat("date \"", text, "\" does not exist"));
  }
  return day;
}

std::string FormatCivilDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

const Calendar& Calendar::Official() {
  static const Calendar* const official = [] {
    auto* cal = new Calendar;
    absl::Status st =
        cal->Load(absl::string_view(calendar_internal::kOfficialText,
                                    calendar_internal::kOfficialSize),
                  "cn-holidays.txt");
    // The data is checked by tests/calendar/calendar_test.cc; a broken build
    // would leave the calendar empty (every call OUT_OF_RANGE), never crash.
    (void)st;
    return cal;
  }();
  return *official;
}

absl::Status Calendar::Load(absl::string_view text, absl::string_view source) {
  std::vector<Statement> statements;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::StatusOr<Statement> st = ParseStatement(line);
    if (!st.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_no, ": ", st.status().message()));
    }
    statements.push_back(*std::move(st));
  }
  Calendar next = *this;
  for (const Statement& st : statements) {
    if (st.is_year) {
      next.years_[st.year] = st.text;
    } else {
      for (absl::CivilDay d = st.from; d <= st.to; ++d) {
        next.days_[d] = Entry{st.working, st.text};
      }
    }
  }
  *this = std::move(next);
  return absl::OkStatus();
}

absl::Status Calendar::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return Load(text.str(), path);
}

absl::Status Calendar::SetDays(absl::CivilDay from, absl::CivilDay to,
                               bool working, absl::string_view label) {
  if (to < from) {
    return absl::InvalidArgumentError(
        absl::StrCat("range ", FormatCivilDay(from), "..", FormatCivilDay(to),
                     " ends before it starts"));
  }
  if (to - from >= kMaxRangeDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("range ", FormatCivilDay(from), "..", FormatCivilDay(to),
                     " is longer than ", kMaxRangeDays, " days"));
  }
  for (absl::CivilDay d = from; d <= to; ++d) {
    days_[d] = Entry{working, std::string(label)};
  }
  return absl::OkStatus();
}

absl::Status Calendar::CoverYear(int year, absl::string_view source) {
  if (year < 1 || year > 9999) {
    return absl::InvalidArgumentError(
        absl::StrCat("year ", year, " outside 1..9999"));
  }
  if (absl::StripAsciiWhitespace(source).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "year ", year, ": the source (the notice it comes from) is required"));
  }
  years_[year] = std::string(source);
  return absl::OkStatus();
}

bool Calendar::Covers(absl::CivilDay day) const {
  return years_.count(static_cast<int>(day.year())) > 0;
}

int Calendar::first_year() const {
  return years_.empty() ? 0 : years_.begin()->first;
}

int Calendar::last_year() const {
  return years_.empty() ? 0 : years_.rbegin()->first;
}

absl::StatusOr<DayInfo> Calendar::Describe(
    absl::CivilDay day, const CalendarOptions& options) const {
  DayInfo info;
  info.covered = Covers(day);
  if (!info.covered && !options.weekends_only) return OutOfRange(day, *this);
  auto it = days_.find(day);
  if (it != days_.end()) {
    info.listed = true;
    info.working = it->second.working;
    info.label = it->second.label;
  } else {
    info.working = !IsWeekend(day);
  }
  return info;
}

absl::StatusOr<bool> Calendar::IsWorkingDay(
    absl::CivilDay day, const CalendarOptions& options) const {
  QL_ASSIGN_OR_RETURN(DayInfo info, Describe(day, options));
  return info.working;
}

absl::StatusOr<absl::CivilDay> Calendar::AddWorkingDays(
    absl::CivilDay start, int64_t n, const CalendarOptions& options) const {
  if (n < 0 || n > kMaxWorkingDays) {
    return absl::InvalidArgumentError(absl::StrCat(
        "number of working days must be 0..", kMaxWorkingDays, ", got ", n));
  }
  if (!Covers(start) && !options.weekends_only) {
    return OutOfRange(start, *this);
  }
  absl::CivilDay d = start;
  for (int64_t left = n; left > 0;) {
    ++d;
    QL_ASSIGN_OR_RETURN(bool working, IsWorkingDay(d, options));
    if (working) --left;
  }
  return d;
}

absl::StatusOr<int64_t> Calendar::WorkingDaysBetween(
    absl::CivilDay from, absl::CivilDay to,
    const CalendarOptions& options) const {
  if (to < from) {
    QL_ASSIGN_OR_RETURN(int64_t n, WorkingDaysBetween(to, from, options));
    return -n;
  }
  if (!Covers(from) && !options.weekends_only) return OutOfRange(from, *this);
  int64_t n = 0;
  for (absl::CivilDay d = from + 1; d <= to; ++d) {
    QL_ASSIGN_OR_RETURN(bool working, IsWorkingDay(d, options));
    if (working) ++n;
  }
  return n;
}

}  // namespace qiaolian
