// Official working days (工作日): the PRC calendar of public holidays and
// make-up working days (调休), for deadlines such as "reply within 2 working
// days" (2个工作日内回复).
//
//   const qiaolian::Calendar& cal = qiaolian::Calendar::Official();
//   absl::StatusOr<absl::CivilDay> due =
//       cal.AddWorkingDays(absl::CivilDay(2020, 9, 30), 2);  // 2020-10-10
//
// The official calendar is data/calendar/cn-holidays.txt, compiled into the
// library: each covered year cites the State Council notice it comes from.
// It covers 2019 through 2026 (Official().first_year() .. last_year()). Any
// day of a covered year that the data does not list is a working day Monday
// to Friday and a rest day on Saturday and Sunday.
//
// A date outside the covered years is OUT_OF_RANGE, unless the caller sets
// CalendarOptions::weekends_only: then such a day is a working day exactly
// when it is Monday to Friday (days listed for it still count).
//
// Local closures (e.g. a typhoon day) and extra working days are added with
// SetDays() or Load() on a copy of the official calendar; a later entry
// overrides an earlier one for the days it names. Load() also accepts `year`
// lines, so an office can cover next year as soon as its notice is out.
//
// Counting rule (the one used for 期限 in Chinese administrative practice:
// the day an act happens is not counted): AddWorkingDays(d, n) is the n-th
// working day strictly after d, whether or not d itself is a working day;
// a request received on Saturday with 2 working days to reply is due on
// Tuesday, as is one received on Friday. AddWorkingDays(d, 0) is d.
// WorkingDaysBetween(a, b) counts the working days in (a, b], so that
// WorkingDaysBetween(d, AddWorkingDays(d, n)) == n.
//
// Thread-safety: const methods are thread-safe; a Calendar being modified
// must not be used by other threads at the same time.
#ifndef QIAOLIAN_CALENDAR_H_
#define QIAOLIAN_CALENDAR_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace qiaolian {

struct CalendarOptions {
  // Outside the covered years, treat Monday to Friday as working days
  // instead of failing with OUT_OF_RANGE.
  bool weekends_only = false;
};

// What the calendar says about one day.
struct DayInfo {
  bool working = false;
  // The day is in a covered year.
  bool covered = false;
  // The day is listed (holiday, make-up day, closure, extra working day);
  // otherwise the weekday rule applies.
  bool listed = false;
  // The listed entry's label, e.g. "国庆节、中秋节调休"; empty if not listed.
  std::string label;
};

class Calendar {
 public:
  // An empty calendar: covers no year, lists no day.
  Calendar() = default;

  // The built-in official calendar (2019 .. 2026). Never fails: the data is
  // checked by the tests.
  static const Calendar& Official();

  // Parses statements in the grammar of data/calendar/cn-holidays.txt
  // (docs/calendar.md) and applies them in order:
  //   year YYYY SOURCE...         covers the year, citing SOURCE
  //   DATE[..DATE] off LABEL...   non-working days
  //   DATE[..DATE] work LABEL...  working days
  // `source` names the text in errors ("local.txt:3: ..."). On error
  // (INVALID_ARGUMENT naming the line) the calendar is unchanged.
  absl::Status Load(absl::string_view text, absl::string_view source);
  // Load() of a file's contents; NOT_FOUND if it cannot be read.
  absl::Status LoadFile(const std::string& path);

  // Marks the days from..to (inclusive) as working or non-working days with
  // `label`, overriding earlier entries. INVALID_ARGUMENT if to < from or
  // the range is longer than 366 days.
  absl::Status SetDays(absl::CivilDay from, absl::CivilDay to, bool working,
                       absl::string_view label);
  // Covers `year` (1..9999), citing `source` (required).
  absl::Status CoverYear(int year, absl::string_view source);

  bool Covers(absl::CivilDay day) const;
  // The covered years and their sources.
  const std::map<int, std::string>& years() const { return years_; }
  // First and last covered year; 0 when none is.
  int first_year() const;
  int last_year() const;

  // See the header comment. OUT_OF_RANGE for a day outside the covered
  // years (without weekends_only).
  absl::StatusOr<DayInfo> Describe(absl::CivilDay day,
                                   const CalendarOptions& options = {}) const;
  absl::StatusOr<bool> IsWorkingDay(absl::CivilDay day,
                                    const CalendarOptions& options = {}) const;
  // The n-th working day after `start` (n >= 0; INVALID_ARGUMENT if n is
  // negative or above 100000). Every day from start to the result must be
  // covered (or weekends_only), else OUT_OF_RANGE naming the first day that
  // is not.
  absl::StatusOr<absl::CivilDay> AddWorkingDays(
      absl::CivilDay start, int64_t n,
      const CalendarOptions& options = {}) const;
  // Working days in (from, to]; negative (minus the count in (to, from])
  // when to < from. OUT_OF_RANGE as above.
  absl::StatusOr<int64_t> WorkingDaysBetween(
      absl::CivilDay from, absl::CivilDay to,
      const CalendarOptions& options = {}) const;

 private:
  struct Entry {
    bool working = false;
    std::string label;
  };
  std::map<absl::CivilDay, Entry> days_;
  std::map<int, std::string> years_;
};

// Parses "YYYY-MM-DD" (a real date, year 1..9999). INVALID_ARGUMENT
// otherwise, quoting the text.
absl::StatusOr<absl::CivilDay> ParseCivilDay(absl::string_view text);
// "YYYY-MM-DD".
std::string FormatCivilDay(absl::CivilDay day);

}  // namespace qiaolian

#endif  // QIAOLIAN_CALENDAR_H_
