// The working-day calendar: the official data (every 2020 holiday and
// make-up day, year totals hand-counted for every covered year), the
// counting rule, coverage errors and local extensions.
#include "qiaolian/calendar.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qiaolian {
namespace {

using absl::CivilDay;
using ::testing::HasSubstr;

const Calendar& Cn() { return Calendar::Official(); }

CivilDay D(absl::string_view s) {
  absl::StatusOr<CivilDay> d = ParseCivilDay(s);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.value_or(CivilDay());
}

bool Working(absl::string_view s) {
  absl::StatusOr<bool> w = Cn().IsWorkingDay(D(s));
  EXPECT_TRUE(w.ok()) << s << ": " << w.status();
  return w.value_or(false);
}

std::string Add(absl::string_view s, int64_t n, CalendarOptions o = {}) {
  absl::StatusOr<CivilDay> d = Cn().AddWorkingDays(D(s), n, o);
  if (!d.ok()) return std::string(d.status().message());
  return FormatCivilDay(*d);
}

TEST(CalendarTest, Covers2019Through2026WithTheirNotices) {
  EXPECT_EQ(Cn().first_year(), 2019);
  EXPECT_EQ(Cn().last_year(), 2026);
  EXPECT_EQ(Cn().years().size(), 8u);
  EXPECT_THAT(Cn().years().at(2019), HasSubstr("国办发明电〔2018〕15号"));
  EXPECT_THAT(Cn().years().at(2019), HasSubstr("国办发明电〔2019〕3号"));
  EXPECT_THAT(Cn().years().at(2020), HasSubstr("国办发明电〔2019〕16号"));
  EXPECT_THAT(Cn().years().at(2020), HasSubstr("国办发明电〔2020〕1号"));
  EXPECT_THAT(Cn().years().at(2021), HasSubstr("国办发明电〔2020〕27号"));
  EXPECT_THAT(Cn().years().at(2022), HasSubstr("国办发明电〔2021〕11号"));
  EXPECT_THAT(Cn().years().at(2023), HasSubstr("国办发明电〔2022〕16号"));
  EXPECT_THAT(Cn().years().at(2024), HasSubstr("国办发明电〔2023〕7号"));
  EXPECT_THAT(Cn().years().at(2025), HasSubstr("国办发明电〔2024〕12号"));
  EXPECT_THAT(Cn().years().at(2026), HasSubstr("2026年部分节假日安排"));
}

// Every day off of 2020 that would otherwise be a working day, and every
// make-up day, as the notices list them.
TEST(CalendarTest, Every2020HolidayAndMakeUpDay) {
  const std::vector<std::string> off = {
      "2020-01-01",                                            // 元旦
      "2020-01-24", "2020-01-27", "2020-01-28", "2020-01-29",  // 春节
      "2020-01-30",
      "2020-01-31",  // 春节延长 (〔2020〕1号)
      "2020-04-06",  // 清明节
      "2020-05-01", "2020-05-04", "2020-05-05",  // 劳动节
      "2020-06-25", "2020-06-26",                // 端午节
      "2020-10-01", "2020-10-02", "2020-10-05",  // 国庆节、中秋节
      "2020-10-06", "2020-10-07", "2020-10-08"};
  for (const std::string& d : off) {
    EXPECT_FALSE(Working(d)) << d;
    absl::StatusOr<DayInfo> info = Cn().Describe(D(d));
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info->listed) << d;
    EXPECT_FALSE(info->label.empty()) << d;
  }
  // Weekend days inside the holidays stay days off.
  for (const char* d :
       {"2020-01-25", "2020-01-26", "2020-04-04", "2020-04-05", "2020-05-02",
        "2020-05-03", "2020-06-27", "2020-10-03", "2020-10-04", "2020-02-02"}) {
    EXPECT_FALSE(Working(d)) << d;
  }
  const std::vector<std::string> make_up = {"2020-01-19", "2020-04-26",
                                            "2020-05-09", "2020-06-28",
                                            "2020-09-27", "2020-10-10"};
  for (const std::string& d : make_up) {
    EXPECT_TRUE(Working(d)) << d;
    const absl::Weekday w = absl::GetWeekday(D(d));
    EXPECT_TRUE(w == absl::Weekday::saturday || w == absl::Weekday::sunday)
        << d;
    EXPECT_THAT(Cn().Describe(D(d))->label, HasSubstr("调休")) << d;
  }
  // Saturday 2020-02-01 was a make-up day until the epidemic extension.
  EXPECT_FALSE(Working("2020-02-01"));
  EXPECT_THAT(Cn().Describe(D("2020-02-01"))->label, HasSubstr("延长"));
  EXPECT_TRUE(Working("2020-02-03"));
  // Ordinary days.
  EXPECT_TRUE(Working("2020-03-02"));   // Monday
  EXPECT_FALSE(Working("2020-03-07"));  // Saturday
  EXPECT_FALSE(Cn().Describe(D("2020-03-02"))->listed);
}

// Working days per year, counted by hand from the notices: weekdays of the
// year, minus the holidays falling on weekdays, plus the make-up days.
TEST(CalendarTest, WorkingDaysPerYear) {
  const struct {
    int year;
    int64_t working;
  } kYears[] = {
      {2019, 261 - 17 + 6},  // 250
      {2020, 262 - 19 + 6},  // 249 (251 before the Spring Festival extension)
      {2021, 261 - 18 + 7},  // 250
      {2022, 260 - 18 + 7},  // 249
      {2023, 260 - 18 + 7},  // 249
      {2024, 262 - 19 + 8},  // 251
      {2025, 261 - 18 + 5},  // 248
      {2026, 261 - 19 + 6},  // 248
  };
  for (const auto& y : kYears) {
    // (Dec 31 of the year before, Dec 31]: the first day is not counted, so
    // the start may lie outside the calendar only with weekends_only.
    CalendarOptions o;
    o.weekends_only = y.year == 2019;
    absl::StatusOr<int64_t> n = Cn().WorkingDaysBetween(
        CivilDay(y.year - 1, 12, 31), CivilDay(y.year, 12, 31), o);
    ASSERT_TRUE(n.ok()) << y.year << ": " << n.status();
    EXPECT_EQ(*n, y.working) << y.year;
  }
}

// Make-up days are always weekend days; a typo in the data would break this.
TEST(CalendarTest, ListedWorkingDaysAreWeekendDays) {
  int listed_working = 0;
  for (CivilDay d(2019, 1, 1); d <= CivilDay(2026, 12, 31); ++d) {
    absl::StatusOr<DayInfo> info = Cn().Describe(d);
    ASSERT_TRUE(info.ok()) << FormatCivilDay(d);
    if (info->listed && info->working) {
      ++listed_working;
      const absl::Weekday w = absl::GetWeekday(d);
      EXPECT_TRUE(w == absl::Weekday::saturday || w == absl::Weekday::sunday)
          << FormatCivilDay(d) << " " << info->label;
    }
  }
  EXPECT_EQ(listed_working, 6 + 6 + 7 + 7 + 7 + 8 + 5 + 6);
}

// A request received on the eve of National Day 2020 with 2 working days to
// answer is due on the make-up Saturday after the 8-day holiday.
TEST(CalendarTest, EveOfNationalDay2020) {
  EXPECT_EQ(Add("2020-09-30", 1), "2020-10-09");
  EXPECT_EQ(Add("2020-09-30", 2), "2020-10-10");
  EXPECT_EQ(Add("2020-09-30", 3), "2020-10-12");
  // Received during the holiday: the same answer.
  EXPECT_EQ(Add("2020-10-01", 2), "2020-10-10");
  EXPECT_EQ(Add("2020-10-08", 2), "2020-10-10");
}

TEST(CalendarTest, DayOfReceiptNeverCounts) {
  EXPECT_EQ(Add("2020-10-16", 2), "2020-10-20");  // Friday -> Tuesday
  EXPECT_EQ(Add("2020-10-17", 2), "2020-10-20");  // Saturday -> Tuesday
  EXPECT_EQ(Add("2020-10-18", 2), "2020-10-20");  // Sunday -> Tuesday
  EXPECT_EQ(Add("2020-10-19", 2), "2020-10-21");  // Monday -> Wednesday
  EXPECT_EQ(Add("2020-10-17", 0), "2020-10-17");  // n = 0: the day itself
  EXPECT_EQ(Add("2020-09-26", 1), "2020-09-27");  // to a make-up Sunday
}

TEST(CalendarTest, YearBoundaries) {
  EXPECT_EQ(Add("2019-12-31", 1), "2020-01-02");  // over 元旦
  EXPECT_EQ(Add("2022-12-30", 1), "2023-01-03");  // 2022-12-31..2023-01-02
  // 元旦 2026 is Thursday..Saturday, then Sunday 2026-01-04 is worked.
  EXPECT_EQ(Add("2025-12-31", 1), "2026-01-04");
  EXPECT_EQ(Add("2025-12-31", 2), "2026-01-05");
  EXPECT_EQ(Add("2026-01-03", 1), "2026-01-04");  // make-up Sunday
  EXPECT_TRUE(Working("2026-01-04"));
  EXPECT_FALSE(Working("2026-01-02"));
  // Spring Festival 2026: make-up Saturdays on both sides.
  EXPECT_EQ(Add("2026-02-13", 1), "2026-02-14");
  EXPECT_EQ(Add("2026-02-14", 1), "2026-02-24");
}

TEST(CalendarTest, OutsideTheCoveredYears) {
  absl::StatusOr<CivilDay> d = Cn().AddWorkingDays(CivilDay(2026, 12, 31), 1);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(d.status().message(), HasSubstr("2027-01-01"));
  EXPECT_THAT(d.status().message(), HasSubstr("2019..2026"));
  EXPECT_EQ(Cn().IsWorkingDay(CivilDay(2018, 6, 1)).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(
      Cn().WorkingDaysBetween(CivilDay(2018, 12, 1), CivilDay(2019, 1, 10))
          .status()
          .code(),
      absl::StatusCode::kOutOfRange);
  // Accepting weekends-only: Monday to Friday, plus what the data lists.
  CalendarOptions o;
  o.weekends_only = true;
  EXPECT_EQ(Add("2026-12-31", 1, o), "2027-01-01");  // a Friday
  EXPECT_EQ(Add("2027-01-01", 1, o), "2027-01-04");
  EXPECT_EQ(Add("2018-12-28", 1, o), "2018-12-29");  // listed make-up day
  EXPECT_EQ(Add("2018-12-29", 1, o), "2019-01-02");  // 12-31, 01-01 off
  absl::StatusOr<DayInfo> info = Cn().Describe(CivilDay(2030, 5, 1), o);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->covered);
  EXPECT_TRUE(info->working);
}

TEST(CalendarTest, BetweenIsTheInverseOfAdd) {
  for (CivilDay d(2020, 1, 1); d <= CivilDay(2020, 12, 31); ++d) {
    for (int n = 0; n <= 5; ++n) {
      absl::StatusOr<CivilDay> end = Cn().AddWorkingDays(d, n);
      ASSERT_TRUE(end.ok());
      absl::StatusOr<int64_t> back = Cn().WorkingDaysBetween(d, *end);
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(*back, n) << FormatCivilDay(d) << " + " << n;
      EXPECT_EQ(*Cn().WorkingDaysBetween(*end, d), -n);
    }
  }
  EXPECT_EQ(*Cn().WorkingDaysBetween(D("2020-09-30"), D("2020-10-10")), 2);
  EXPECT_EQ(*Cn().WorkingDaysBetween(D("2020-10-01"), D("2020-10-01")), 0);
}

TEST(CalendarTest, LocalClosuresAndExtraWorkingDays) {
  Calendar cal = Calendar::Official();
  // A typhoon closure on Monday 2020-08-03.
  ASSERT_TRUE(
      cal.SetDays(D("2020-08-03"), D("2020-08-03"), false, "台风停工").ok());
  EXPECT_FALSE(*cal.IsWorkingDay(D("2020-08-03")));
  EXPECT_EQ(FormatCivilDay(*cal.AddWorkingDays(D("2020-07-31"), 1)),
            "2020-08-04");
  // The official calendar itself is untouched.
  EXPECT_TRUE(Working("2020-08-03"));
  // A file: an extra working Saturday and the next year's notice.
  ASSERT_TRUE(cal.Load("# local\n"
                       "2020-08-08 work 防汛值班\n"
                       "year 2027 国务院办公厅关于2027年部分节假日安排的通知\n"
                       "2027-01-01 off 元旦\n",
                       "local.txt")
                  .ok());
  EXPECT_TRUE(*cal.IsWorkingDay(D("2020-08-08")));
  EXPECT_EQ(cal.last_year(), 2027);
  EXPECT_EQ(FormatCivilDay(*cal.AddWorkingDays(D("2026-12-31"), 1)),
            "2027-01-04");
}

TEST(CalendarTest, BadInput) {
  Calendar cal = Calendar::Official();
  absl::Status st =
      cal.Load("2020-08-10 off fine\n2020-13-01 off bad\n", "local.txt");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("local.txt:2:"));
  EXPECT_THAT(st.message(), HasSubstr("2020-13-01"));
  // Nothing of a failed load is applied, not even its good lines.
  EXPECT_TRUE(*cal.IsWorkingDay(D("2020-08-10")));
  EXPECT_THAT(cal.Load("2020-08-10 holiday x", "f").message(),
              HasSubstr("\"off\" or \"work\" expected"));
  EXPECT_THAT(cal.Load("2020-08-10..2020-08-01 off x", "f").message(),
              HasSubstr("ends before it starts"));
  EXPECT_THAT(cal.Load("year 2027", "f").message(), HasSubstr("source"));
  EXPECT_THAT(cal.Load("year 27 notice", "f").message(), HasSubstr("YYYY"));
  EXPECT_FALSE(
      cal.SetDays(D("2020-01-01"), D("2021-06-01"), false, "too long").ok());
  EXPECT_FALSE(ParseCivilDay("2020-02-30").ok());
  EXPECT_FALSE(ParseCivilDay("2020-2-3").ok());
  EXPECT_FALSE(ParseCivilDay("20200203").ok());
  EXPECT_FALSE(ParseCivilDay("").ok());
  EXPECT_EQ(Cn().AddWorkingDays(D("2020-01-01"), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Cn().AddWorkingDays(D("2020-01-01"), 100001).ok());
}

}  // namespace
}  // namespace qiaolian
