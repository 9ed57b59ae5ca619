// The C API of working days and the case workflow (include/qiaolian/c.h,
// "Working days and the case workflow").
#include "qiaolian/cases.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "capi/internal.h"
#include "qiaolian/c.h"
#include "qiaolian/calendar.h"

namespace {

using qiaolian::Calendar;
using qiaolian::capi::CopyString;
using qiaolian::capi::Fail;
using qiaolian::capi::Guard;
using qiaolian::capi::Null;
using qiaolian::capi::Ok;
using qiaolian::capi::SetError;
using qiaolian::capi::WithStore;
using qiaolian::v1::Case;

constexpr size_t kMaxTextBytes = 1 << 20;

// (p, n) as text; INVALID_ARGUMENT naming `name` for NULL.
absl::Status TextArg(const char* p, size_t n, const char* name,
                     absl::string_view* out) {
  if (p == nullptr)
    return absl::InvalidArgumentError(absl::StrCat(name, " is NULL"));
  if (n > kMaxTextBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        name, " of ", n, " bytes exceeds the limit of ", kMaxTextBytes));
  }
  *out = absl::string_view(p, n);
  return absl::OkStatus();
}

absl::StatusOr<Calendar> CalendarArg(absl::string_view text) {
  Calendar cal = Calendar::Official();
  if (!text.empty()) {
    absl::Status st = cal.Load(text, "calendar");
    if (!st.ok()) return st;
  }
  return cal;
}

absl::StatusOr<absl::CivilDay> DayArg(absl::string_view text,
                                      const char* name) {
  absl::StatusOr<absl::CivilDay> d = qiaolian::ParseCivilDay(text);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", d.status().message()));
  }
  return d;
}

// "" (none), "YYYY-MM-DD" or an RFC 3339 time.
absl::Status WhenArg(absl::string_view text,
                     std::optional<absl::CivilDay>* date,
                     std::optional<absl::Time>* time) {
  if (text.empty()) return absl::OkStatus();
  if (text.size() == 10) {
    absl::StatusOr<absl::CivilDay> d = DayArg(text, "at");
    if (!d.ok()) return d.status();
    *date = *d;
    return absl::OkStatus();
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at \"", text,
        "\": \"YYYY-MM-DD\", an RFC 3339 time or \"\" (now) expected"));
  }
  *time = t;
  return absl::OkStatus();
}

int GiveText(const std::string& text, char** out, size_t* out_len,
             char** errmsg) {
  *out = CopyString(text);
  if (*out == nullptr) {
    return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
  }
  *out_len = text.size();
  return Ok(errmsg);
}

}  // namespace

extern "C" {

int qiaolian_calendar_is_working_day(const char* calendar, size_t calendar_len,
                                     const char* date, size_t date_len,
                                     int weekends_only, int* out_working,
                                     char** errmsg) {
  return Guard(errmsg, [&] {
    if (out_working == nullptr) return Null(errmsg, "out_working");
    absl::string_view cal_text, date_text;
    absl::Status st = TextArg(calendar, calendar_len, "calendar", &cal_text);
    if (st.ok()) st = TextArg(date, date_len, "date", &date_text);
    if (!st.ok()) return Fail(errmsg, st);
    absl::StatusOr<Calendar> cal = CalendarArg(cal_text);
    if (!cal.ok()) return Fail(errmsg, cal.status());
    absl::StatusOr<absl::CivilDay> d = DayArg(date_text, "date");
    if (!d.ok()) return Fail(errmsg, d.status());
    qiaolian::CalendarOptions o;
    o.weekends_only = weekends_only != 0;
    absl::StatusOr<bool> w = cal->IsWorkingDay(*d, o);
    if (!w.ok()) return Fail(errmsg, w.status());
    *out_working = *w ? 1 : 0;
    return Ok(errmsg);
  });
}

int qiaolian_calendar_add_working_days(const char* calendar,
                                       size_t calendar_len, const char* date,
                                       size_t date_len, uint64_t n,
                                       int weekends_only, char** out_date,
                                       size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (out_date == nullptr) return Null(errmsg, "out_date");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    absl::string_view cal_text, date_text;
    absl::Status st = TextArg(calendar, calendar_len, "calendar", &cal_text);
    if (st.ok()) st = TextArg(date, date_len, "date", &date_text);
    if (!st.ok()) return Fail(errmsg, st);
    absl::StatusOr<Calendar> cal = CalendarArg(cal_text);
    if (!cal.ok()) return Fail(errmsg, cal.status());
    absl::StatusOr<absl::CivilDay> d = DayArg(date_text, "date");
    if (!d.ok()) return Fail(errmsg, d.status());
    if (n > static_cast<uint64_t>(INT64_MAX)) {
      return SetError(errmsg, QIAOLIAN_INVALID_ARGUMENT, "n is too large");
    }
    qiaolian::CalendarOptions o;
    o.weekends_only = weekends_only != 0;
    absl::StatusOr<absl::CivilDay> r =
        cal->AddWorkingDays(*d, static_cast<int64_t>(n), o);
    if (!r.ok()) return Fail(errmsg, r.status());
    return GiveText(qiaolian::FormatCivilDay(*r), out_date, out_len, errmsg);
  });
}

int qiaolian_calendar_working_days_between(const char* calendar,
                                           size_t calendar_len,
                                           const char* from, size_t from_len,
                                           const char* to, size_t to_len,
                                           int weekends_only,
                                           int64_t* out_count, char** errmsg) {
  return Guard(errmsg, [&] {
    if (out_count == nullptr) return Null(errmsg, "out_count");
    absl::string_view cal_text, from_text, to_text;
    absl::Status st = TextArg(calendar, calendar_len, "calendar", &cal_text);
    if (st.ok()) st = TextArg(from, from_len, "from", &from_text);
    if (st.ok()) st = TextArg(to, to_len, "to", &to_text);
    if (!st.ok()) return Fail(errmsg, st);
    absl::StatusOr<Calendar> cal = CalendarArg(cal_text);
    if (!cal.ok()) return Fail(errmsg, cal.status());
    absl::StatusOr<absl::CivilDay> a = DayArg(from_text, "from");
    if (!a.ok()) return Fail(errmsg, a.status());
    absl::StatusOr<absl::CivilDay> b = DayArg(to_text, "to");
    if (!b.ok()) return Fail(errmsg, b.status());
    qiaolian::CalendarOptions o;
    o.weekends_only = weekends_only != 0;
    absl::StatusOr<int64_t> n = cal->WorkingDaysBetween(*a, *b, o);
    if (!n.ok()) return Fail(errmsg, n.status());
    *out_count = *n;
    return Ok(errmsg);
  });
}

int qiaolian_case_register(qiaolian_db_t* db,
                           const qiaolian_write_options_t* options, int format,
                           const uint8_t* data, size_t len, const char* rules,
                           size_t rules_len, const char* calendar,
                           size_t calendar_len, int weekends_only, uint64_t* id,
                           char** errmsg) {
  return Guard(errmsg, [&] {
    if (id == nullptr) return Null(errmsg, "id");
    if (data == nullptr) return Null(errmsg, "data");
    absl::string_view rules_text, cal_text;
    absl::Status st = TextArg(rules, rules_len, "rules", &rules_text);
    if (st.ok()) st = TextArg(calendar, calendar_len, "calendar", &cal_text);
    if (!st.ok()) return Fail(errmsg, st);
    return WithStore(db, errmsg, [&](Store& store) {
      auto record =
          qiaolian::capi::DecodeRecord(QIAOLIAN_KIND_CASE, format, data, len);
      if (!record.ok()) return Fail(errmsg, record.status());
      qiaolian::DeadlineRules r = qiaolian::DeadlineRules::Defaults();
      if (!rules_text.empty()) {
        absl::Status s = r.Load(rules_text, "rules");
        if (!s.ok()) return Fail(errmsg, s);
      }
      absl::StatusOr<Calendar> cal = CalendarArg(cal_text);
      if (!cal.ok()) return Fail(errmsg, cal.status());
      qiaolian::RegisterOptions o;
      o.workflow.rules = &r;
      o.workflow.calendar = &*cal;
      o.workflow.calendar_options.weekends_only = weekends_only != 0;
      if (options != nullptr) o.actor = options->o.actor;
      auto* c = static_cast<Case*>(record->get());
      absl::StatusOr<uint64_t> created = qiaolian::RegisterCase(store, c, o);
      if (!created.ok()) return Fail(errmsg, created.status());
      *id = *created;
      return Ok(errmsg);
    });
  });
}

int qiaolian_case_transition(qiaolian_db_t* db,
                             const qiaolian_write_options_t* options,
                             uint64_t id, int status, const char* note,
                             size_t note_len, const char* at, size_t at_len,
                             const char* referred_to, size_t referred_to_len,
                             int outcome, uint64_t expected_revision,
                             uint64_t* new_revision, char** errmsg) {
  return Guard(errmsg, [&] {
    if (new_revision == nullptr) return Null(errmsg, "new_revision");
    absl::string_view note_text, at_text, referred_text;
    absl::Status st = TextArg(note, note_len, "note", &note_text);
    if (st.ok()) st = TextArg(at, at_len, "at", &at_text);
    if (st.ok()) {
      st = TextArg(referred_to, referred_to_len, "referred_to", &referred_text);
    }
    if (!st.ok()) return Fail(errmsg, st);
    return WithStore(db, errmsg, [&](Store& store) {
      qiaolian::TransitionRequest t;
      absl::Status s = WhenArg(at_text, &t.date, &t.time);
      if (!s.ok()) return Fail(errmsg, s);
      if (!Case::Outcome_IsValid(outcome)) {
        return SetError(
            errmsg, QIAOLIAN_INVALID_ARGUMENT,
            absl::StrCat("outcome ", outcome, " is not a Case.Outcome value"));
      }
      t.id = id;
      t.to = static_cast<Case::Status>(status);
      t.note = std::string(note_text);
      t.referred_to = std::string(referred_text);
      t.outcome = static_cast<Case::Outcome>(outcome);
      t.expected_revision = expected_revision;
      if (options != nullptr) t.actor = options->o.actor;
      absl::StatusOr<Case> c = qiaolian::Transition(store, t);
      if (!c.ok()) return Fail(errmsg, c.status());
      *new_revision = c->meta().revision();
      return Ok(errmsg);
    });
  });
}

int qiaolian_case_reply(qiaolian_db_t* db,
                        const qiaolian_write_options_t* options, uint64_t id,
                        const char* note, size_t note_len, const char* at,
                        size_t at_len, uint64_t expected_revision,
                        uint64_t* new_revision, char** errmsg) {
  return Guard(errmsg, [&] {
    if (new_revision == nullptr) return Null(errmsg, "new_revision");
    absl::string_view note_text, at_text;
    absl::Status st = TextArg(note, note_len, "note", &note_text);
    if (st.ok()) st = TextArg(at, at_len, "at", &at_text);
    if (!st.ok()) return Fail(errmsg, st);
    return WithStore(db, errmsg, [&](Store& store) {
      qiaolian::ReplyRequest r;
      absl::Status s = WhenArg(at_text, &r.date, &r.time);
      if (!s.ok()) return Fail(errmsg, s);
      r.id = id;
      r.note = std::string(note_text);
      r.expected_revision = expected_revision;
      if (options != nullptr) r.actor = options->o.actor;
      absl::StatusOr<Case> c = qiaolian::RecordReply(store, r);
      if (!c.ok()) return Fail(errmsg, c.status());
      *new_revision = c->meta().revision();
      return Ok(errmsg);
    });
  });
}

int qiaolian_case_overdue(qiaolian_db_t* db, const char* as_of,
                          size_t as_of_len, char** out_json, size_t* out_len,
                          char** errmsg) {
  return Guard(errmsg, [&] {
    if (out_json == nullptr) return Null(errmsg, "out_json");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    absl::string_view as_of_text;
    absl::Status st = TextArg(as_of, as_of_len, "as_of", &as_of_text);
    if (!st.ok()) return Fail(errmsg, st);
    absl::CivilDay day = qiaolian::TodayInChina();
    if (!as_of_text.empty()) {
      absl::StatusOr<absl::CivilDay> d = DayArg(as_of_text, "as_of");
      if (!d.ok()) return Fail(errmsg, d.status());
      day = *d;
    }
    return WithStore(db, errmsg, [&](Store& store) {
      auto list = qiaolian::OverdueCases(store, day);
      if (!list.ok()) return Fail(errmsg, list.status());
      return GiveText(qiaolian::OverdueToJson(day, *list), out_json, out_len,
                      errmsg);
    });
  });
}

int qiaolian_case_rates(qiaolian_db_t* db, const char* from, size_t from_len,
                        const char* to, size_t to_len, const char* as_of,
                        size_t as_of_len, const char* filter, size_t filter_len,
                        char** out_json, size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (out_json == nullptr) return Null(errmsg, "out_json");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    absl::string_view from_text, to_text, as_of_text, filter_text;
    absl::Status st = TextArg(from, from_len, "from", &from_text);
    if (st.ok()) st = TextArg(to, to_len, "to", &to_text);
    if (st.ok()) st = TextArg(as_of, as_of_len, "as_of", &as_of_text);
    if (st.ok()) st = TextArg(filter, filter_len, "filter", &filter_text);
    if (!st.ok()) return Fail(errmsg, st);
    qiaolian::RateOptions o;
    absl::StatusOr<absl::CivilDay> a = DayArg(from_text, "from");
    if (!a.ok()) return Fail(errmsg, a.status());
    absl::StatusOr<absl::CivilDay> b = DayArg(to_text, "to");
    if (!b.ok()) return Fail(errmsg, b.status());
    o.from = *a;
    o.to = *b;
    if (!as_of_text.empty()) {
      absl::StatusOr<absl::CivilDay> d = DayArg(as_of_text, "as_of");
      if (!d.ok()) return Fail(errmsg, d.status());
      o.as_of = *d;
    }
    o.filter = std::string(filter_text);
    return WithStore(db, errmsg, [&](Store& store) {
      auto rates = qiaolian::ComputeCaseRates(store, o);
      if (!rates.ok()) return Fail(errmsg, rates.status());
      return GiveText(rates->ToJson(), out_json, out_len, errmsg);
    });
  });
}

}  // extern "C"
