// The `calendar` and `case` subcommands (working days and the case
// workflow; docs/calendar.md, docs/cases.md):
//
//   qiaolian calendar is-working-day DATE            prints true or false
//   qiaolian calendar add-working-days DATE N        prints the date
//   qiaolian calendar working-days-between A B       prints the count
//   qiaolian calendar years                          covered years, sources
//     [--calendar FILE]... [--weekends-only]
//   qiaolian --store DIR case register [FILE|-] [--rules FILE]
//   qiaolian --store DIR case transition ID STATUS --note TEXT [--at WHEN]
//            [--revision N] [--referred-to TEXT] [--outcome OUTCOME]
//   qiaolian --store DIR case reply ID --note TEXT [--at WHEN]
//   qiaolian --store DIR case overdue [--as-of DATE] [--json]
//   qiaolian --store DIR case rates --from DATE --to DATE [--as-of DATE]
//            [--where FILTER] [--json]
//
// WHEN is a date (2020-10-09, a day in China) or an RFC 3339 time
// (2020-10-09T10:30:00+08:00); default now.
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "qiaolian/calendar.h"
#include "qiaolian/cases.h"
#include "qiaolian/record.h"
#include "tools/cli.h"

namespace qiaolian {
namespace cli {
namespace {

using v1::Case;

struct CalendarArgs {
  std::vector<std::string> files;  // --calendar, loaded in order
  bool weekends_only = false;
  std::string date, date2;
  int64_t n = 0;
};

struct CaseArgs {
  std::vector<std::string> calendars;
  bool weekends_only = false;
  std::string rules;
  std::string file;
  uint64_t id = 0;
  std::string status;
  std::string note;
  std::string at;
  uint64_t revision = 0;
  std::string referred_to;
  std::string outcome;
  std::string as_of, from, to, where;
  bool json = false;
};

absl::StatusOr<Calendar> LoadCalendar(const std::vector<std::string>& files) {
  Calendar cal = Calendar::Official();
  for (const std::string& f : files) {
    absl::Status st = cal.LoadFile(f);
    if (!st.ok()) return st;
  }
  return cal;
}

// A date or an RFC 3339 time, as TransitionRequest/ReplyRequest take them.
absl::Status ParseWhen(const std::string& text,
                       std::optional<absl::CivilDay>* date,
                       std::optional<absl::Time>* time) {
  if (text.empty()) return absl::OkStatus();
  if (text.size() == 10) {
    absl::StatusOr<absl::CivilDay> d = ParseCivilDay(text);
    if (!d.ok()) return d.status();
    *date = *d;
    return absl::OkStatus();
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--at \"", text,
                     "\": a date (2020-10-09) or an RFC 3339 time "
                     "(2020-10-09T10:30:00+08:00) expected"));
  }
  *time = t;
  return absl::OkStatus();
}

template <typename Enum, typename Parse>
absl::StatusOr<Enum> ParseEnum(const std::string& text,
                               absl::string_view prefix, Parse parse,
                               absl::string_view what) {
  const std::string upper = absl::AsciiStrToUpper(text);
  Enum value;
  if (parse(upper, &value) || parse(absl::StrCat(prefix, upper), &value)) {
    return value;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", what, " \"", text, "\""));
}

int RunCalendar(const std::string& which, const CalendarArgs& a) {
  absl::StatusOr<Calendar> cal = LoadCalendar(a.files);
  if (!cal.ok()) return Fail(cal.status());
  CalendarOptions o;
  o.weekends_only = a.weekends_only;
  if (which == "years") {
    for (const auto& [year, source] : cal->years()) {
      std::cout << year << "\t" << source << "\n";
    }
    return 0;
  }
  absl::StatusOr<absl::CivilDay> d = ParseCivilDay(a.date);
  if (!d.ok()) return Fail(d.status());
  if (which == "is-working-day") {
    absl::StatusOr<DayInfo> info = cal->Describe(*d, o);
    if (!info.ok()) return Fail(info.status());
    std::cout << (info->working ? "true" : "false");
    if (info->listed) std::cout << "\t" << info->label;
    std::cout << "\n";
    return 0;
  }
  if (which == "add-working-days") {
    absl::StatusOr<absl::CivilDay> r = cal->AddWorkingDays(*d, a.n, o);
    if (!r.ok()) return Fail(r.status());
    std::cout << FormatCivilDay(*r) << "\n";
    return 0;
  }
  absl::StatusOr<absl::CivilDay> d2 = ParseCivilDay(a.date2);
  if (!d2.ok()) return Fail(d2.status());
  absl::StatusOr<int64_t> n = cal->WorkingDaysBetween(*d, *d2, o);
  if (!n.ok()) return Fail(n.status());
  std::cout << *n << "\n";
  return 0;
}

int RunRegister(const Global& g, const CaseArgs& a) {
  absl::StatusOr<Calendar> cal = LoadCalendar(a.calendars);
  if (!cal.ok()) return Fail(cal.status());
  DeadlineRules rules = DeadlineRules::Defaults();
  if (!a.rules.empty()) {
    absl::StatusOr<std::string> text = ReadInput(a.rules);
    if (!text.ok()) return Fail(text.status());
    absl::Status st = rules.Load(*text, a.rules);
    if (!st.ok()) return Fail(st);
  }
  absl::StatusOr<std::string> input = ReadInput(a.file);
  if (!input.ok()) return Fail(input.status());
  auto store = OpenStore(g, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  RegisterOptions o;
  o.workflow.rules = &rules;
  o.workflow.calendar = &*cal;
  o.workflow.calendar_options.weekends_only = a.weekends_only;
  o.actor = g.actor;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(*input, '\n')) {
    ++line_no;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    Case c;
    absl::Status st = RecordFromJson(line, &c);
    if (st.ok()) {
      absl::StatusOr<uint64_t> id = RegisterCase(**store, &c, o);
      if (id.ok()) {
        std::cout << *id << "\n";
        continue;
      }
      st = id.status();
    }
    return Fail(absl::Status(
        st.code(),
        absl::StrCat(InputName(a.file), ":", line_no, ": ", st.message())));
  }
  return 0;
}

int RunTransition(const Global& g, const CaseArgs& a, bool reply) {
  std::optional<absl::CivilDay> date;
  std::optional<absl::Time> time;
  absl::Status st = ParseWhen(a.at, &date, &time);
  if (!st.ok()) return Fail(st);
  auto store = OpenStore(g, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<Case> c;
  if (reply) {
    ReplyRequest r;
    r.id = a.id;
    r.note = a.note;
    r.actor = g.actor;
    r.date = date;
    r.time = time;
    r.expected_revision = a.revision;
    c = RecordReply(**store, r);
  } else {
    TransitionRequest t;
    t.id = a.id;
    absl::StatusOr<Case::Status> to = ParseEnum<Case::Status>(
        a.status, "STATUS_", Case::Status_Parse, "status");
    if (!to.ok()) return Fail(to.status());
    t.to = *to;
    if (!a.outcome.empty()) {
      absl::StatusOr<Case::Outcome> outcome = ParseEnum<Case::Outcome>(
          a.outcome, "OUTCOME_", Case::Outcome_Parse, "outcome");
      if (!outcome.ok()) return Fail(outcome.status());
      t.outcome = *outcome;
    }
    t.note = a.note;
    t.actor = g.actor;
    t.date = date;
    t.time = time;
    t.expected_revision = a.revision;
    t.referred_to = a.referred_to;
    c = Transition(**store, t);
  }
  if (!c.ok()) return Fail(c.status());
  const Case::Action& last = c->actions(c->actions_size() - 1);
  std::cout << "case " << c->meta().id() << ": ";
  if (reply) {
    std::cout << "reply recorded";
  } else {
    std::cout << Case::Status_Name(last.from_status()) << " -> "
              << Case::Status_Name(last.to_status());
  }
  std::cout << " on " << last.date().year() << "-"
            << absl::StrFormat("%02d-%02d", last.date().month(),
                               last.date().day())
            << " (revision " << c->meta().revision() << ")\n";
  return 0;
}

absl::StatusOr<absl::CivilDay> DayOr(const std::string& text,
                                     absl::CivilDay fallback) {
  if (text.empty()) return fallback;
  return ParseCivilDay(text);
}

int RunOverdue(const Global& g, const CaseArgs& a) {
  absl::StatusOr<absl::CivilDay> as_of = DayOr(a.as_of, TodayInChina());
  if (!as_of.ok()) return Fail(as_of.status());
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::vector<OverdueCase>> list = OverdueCases(**store, *as_of);
  if (!list.ok()) return Fail(list.status());
  if (a.json) {
    std::cout << OverdueToJson(*as_of, *list) << "\n";
    return 0;
  }
  auto day = [](const std::optional<absl::CivilDay>& d, bool late) {
    if (!d.has_value()) return std::string("-");
    return FormatCivilDay(*d) + (late ? "!" : "");
  };
  std::cout << absl::StrFormat("%-8s %-20s %-12s %-12s %s\n", "id", "status",
                               "reply_due", "due", "days_late");
  for (const OverdueCase& o : *list) {
    std::cout << absl::StrFormat(
        "%-8d %-20s %-12s %-12s %d\n", o.id,
        absl::StripPrefix(Case::Status_Name(o.status), "STATUS_"),
        day(o.reply_due, o.reply_overdue), day(o.due, o.close_overdue),
        o.days_late);
  }
  std::cout << list->size() << " overdue as of " << FormatCivilDay(*as_of)
            << " (! marks the missed deadline)\n";
  return 0;
}

int RunRates(const Global& g, const CaseArgs& a) {
  RateOptions o;
  absl::StatusOr<absl::CivilDay> from = ParseCivilDay(a.from);
  if (!from.ok()) return Fail(from.status());
  absl::StatusOr<absl::CivilDay> to = ParseCivilDay(a.to);
  if (!to.ok()) return Fail(to.status());
  o.from = *from;
  o.to = *to;
  if (!a.as_of.empty()) {
    absl::StatusOr<absl::CivilDay> as_of = ParseCivilDay(a.as_of);
    if (!as_of.ok()) return Fail(as_of.status());
    o.as_of = *as_of;
  }
  o.filter = a.where;
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<CaseRates> r = ComputeCaseRates(**store, o);
  if (!r.ok()) return Fail(r.status());
  if (a.json) {
    std::cout << r->ToJson() << "\n";
    return 0;
  }
  std::cout << "cases received " << FormatCivilDay(r->from) << " .. "
            << FormatCivilDay(r->to) << ", as of " << FormatCivilDay(r->as_of)
            << (r->filter.empty() ? "" : ", where " + r->filter) << "\n";
  auto line = [](const char* name, const Rate& rate) {
    std::optional<double> v = rate.value();
    std::cout << absl::StrFormat(
        "%-22s %d / %d = %s\n", name, rate.numerator, rate.denominator,
        v.has_value() ? absl::StrFormat("%.1f%%", *v * 100) : "-");
  };
  line("closure", r->closure);
  line("reply on time", r->reply_on_time);
  line("closed on time", r->close_on_time);
  return 0;
}

}  // namespace

void AddCaseCommands(CLI::App& app, const Global& g, Commands& c) {
  // ---- calendar
  auto* calendar = app.add_subcommand(
      "calendar", "Official working days (holidays and 调休 make-up days)");
  calendar->require_subcommand(1);
  auto ca = std::make_shared<CalendarArgs>();
  auto common = [ca](CLI::App* sub) {
    sub->add_option("--calendar", ca->files,
                    "Local calendar file (closures, extra working days, "
                    "further years), loaded over the official one");
    sub->add_flag("--weekends-only", ca->weekends_only,
                  "Outside the covered years, count Monday-Friday");
  };
  auto* is_wd = calendar->add_subcommand(
      "is-working-day", "Print true or false (and the holiday's name)");
  is_wd->add_option("date", ca->date, "YYYY-MM-DD")->required();
  common(is_wd);
  c.AddStoreless(is_wd, [ca] { return RunCalendar("is-working-day", *ca); });
  auto* add = calendar->add_subcommand(
      "add-working-days",
      "Print the N-th working day after DATE (DATE itself not counted)");
  add->add_option("date", ca->date, "YYYY-MM-DD")->required();
  add->add_option("n", ca->n, "Working days, >= 0")->required();
  common(add);
  c.AddStoreless(add, [ca] { return RunCalendar("add-working-days", *ca); });
  auto* between = calendar->add_subcommand(
      "working-days-between", "Print the number of working days in (A, B]");
  between->add_option("from", ca->date, "YYYY-MM-DD")->required();
  between->add_option("to", ca->date2, "YYYY-MM-DD")->required();
  common(between);
  c.AddStoreless(between,
                 [ca] { return RunCalendar("working-days-between", *ca); });
  auto* years = calendar->add_subcommand(
      "years", "Print the covered years and the notices they come from");
  common(years);
  c.AddStoreless(years, [ca] { return RunCalendar("years", *ca); });

  // ---- case
  auto* cs = app.add_subcommand("case", "The case workflow (办理流程)");
  cs->require_subcommand(1);
  auto a = std::make_shared<CaseArgs>();
  auto* reg = cs->add_subcommand(
      "register",
      "Register new cases (JSON, one per line) with their deadlines; prints "
      "the ids");
  reg->add_option("file", a->file, "JSON Lines file, or - for stdin");
  reg->add_option("--rules", a->rules,
                  "Deadline rules file (TYPE CHANNEL [reply N] [close N])");
  reg->add_option("--calendar", a->calendars, "Local calendar file");
  reg->add_flag("--weekends-only", a->weekends_only,
                "Outside the covered years, count Monday-Friday");
  c.Add(reg, [&g, a] { return RunRegister(g, *a); });

  auto* tr = cs->add_subcommand("transition", "Move a case to a new status");
  tr->add_option("id", a->id, "Case id")->required();
  tr->add_option("status", a->status,
                 "ACCEPTED, IN_PROGRESS, REFERRED, RESOLVED, CLOSED, "
                 "WITHDRAWN or REJECTED")
      ->required();
  tr->add_option("--note", a->note, "What was done or decided (the reason)");
  tr->add_option("--at", a->at, "When: YYYY-MM-DD or RFC 3339; default now");
  tr->add_option("--revision", a->revision,
                 "Fail unless the case is still at this revision");
  tr->add_option("--referred-to", a->referred_to, "Body referred to");
  tr->add_option("--outcome", a->outcome, "RESOLVED, ANSWERED, ...");
  c.Add(tr, [&g, a] { return RunTransition(g, *a, /*reply=*/false); });

  auto* rp = cs->add_subcommand(
      "reply", "Record a reply to the applicant (status unchanged)");
  rp->add_option("id", a->id, "Case id")->required();
  rp->add_option("--note", a->note, "What was answered");
  rp->add_option("--at", a->at, "When: YYYY-MM-DD or RFC 3339; default now");
  rp->add_option("--revision", a->revision,
                 "Fail unless the case is still at this revision");
  c.Add(rp, [&g, a] { return RunTransition(g, *a, /*reply=*/true); });

  auto* od = cs->add_subcommand("overdue",
                                "List cases past a reply or closure deadline");
  od->add_option("--as-of", a->as_of, "YYYY-MM-DD; default today (UTC+8)");
  od->add_flag("--json", a->json, "JSON");
  c.Add(od, [&g, a] { return RunOverdue(g, *a); });

  auto* rt = cs->add_subcommand(
      "rates", "Closure and on-time rates of the cases received in a period");
  rt->add_option("--from", a->from, "YYYY-MM-DD")->required();
  rt->add_option("--to", a->to, "YYYY-MM-DD")->required();
  rt->add_option("--as-of", a->as_of, "YYYY-MM-DD; default --to");
  rt->add_option("--where", a->where,
                 "Extra predicates, e.g. 'channel in (LETTER, PHONE)'");
  rt->add_flag("--json", a->json, "JSON with the ids behind each figure");
  c.Add(rt, [&g, a] { return RunRates(g, *a); });
}

}  // namespace cli
}  // namespace qiaolian
