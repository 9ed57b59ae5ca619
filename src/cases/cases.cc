// The case workflow (include/qiaolian/cases.h).
#include "qiaolian/cases.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"

namespace qiaolian {
namespace {

using v1::Case;

// Attempts of a read-modify-write when other writers keep changing the case.
constexpr int kRetries = 50;

absl::TimeZone China() {
  static const absl::TimeZone* const tz =
      new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return *tz;
}

v1::Date ToDate(absl::CivilDay d) {
  v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

// A full date as a CivilDay; nullopt when unset or partial.
std::optional<absl::CivilDay> FromDate(const v1::Date& d) {
  if (d.year() == 0 || d.month() == 0 || d.day() == 0) return std::nullopt;
  return absl::CivilDay(d.year(), d.month(), d.day());
}

std::optional<absl::CivilDay> FieldDay(bool has, const v1::Date& d) {
  if (!has) return std::nullopt;
  return FromDate(d);
}

std::string StatusName(Case::Status s) { return Case::Status_Name(s); }

bool IsFinal(Case::Status s) {
  return s == Case::STATUS_CLOSED || s == Case::STATUS_WITHDRAWN ||
         s == Case::STATUS_REJECTED;
}

// Parses an enum value by full or short name ("TYPE_CONSULTATION",
// "consultation"), or "*" for 0.
template <typename Parse>
absl::StatusOr<int> ParseEnumWord(absl::string_view word,
                                  absl::string_view prefix, Parse parse) {
  if (word == "*") return 0;
  std::string upper = absl::AsciiStrToUpper(word);
  int value = 0;
  for (const std::string& name : {upper, absl::StrCat(prefix, upper)}) {
    if (parse(name, &value)) return value;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown ", absl::AsciiStrToLower(absl::StripSuffix(prefix, "_")), " \"",
      word, "\""));
}

bool ParseType(const std::string& name, int* out) {
  Case::Type t;
  if (!Case::Type_Parse(name, &t)) return false;
  *out = t;
  return true;
}

bool ParseChannel(const std::string& name, int* out) {
  Case::Channel c;
  if (!Case::Channel_Parse(name, &c)) return false;
  *out = c;
  return true;
}

// The date and time of a step: see TransitionRequest.
struct When {
  absl::CivilDay date;
  std::optional<absl::Time> time;
};

When ResolveWhen(const std::optional<absl::CivilDay>& date,
                 const std::optional<absl::Time>& time) {
  When w;
  w.time = time;
  if (!date.has_value() && !time.has_value()) w.time = absl::Now();
  w.date = date.has_value() ? *date : absl::ToCivilDay(*w.time, China());
  return w;
}

// The step's date may not precede receipt nor the last transition.
absl::Status CheckStepDate(const Case& c, absl::CivilDay date,
                           absl::string_view what) {
  const std::optional<absl::CivilDay> received =
      FieldDay(c.has_received(), c.received());
  if (received.has_value() && date < *received) {
    return absl::InvalidArgumentError(absl::StrCat(
        "case ", c.meta().id(), ": ", what, " date ", FormatCivilDay(date),
        " is before the date received (", FormatCivilDay(*received), ")"));
  }
  // Actions are kept in date order (case.proto).
  for (const Case::Action& a : c.actions()) {
    const std::optional<absl::CivilDay> d = FieldDay(a.has_date(), a.date());
    if (d.has_value() && date < *d) {
      return absl::InvalidArgumentError(absl::StrCat(
          "case ", c.meta().id(), ": ", what, " date ", FormatCivilDay(date),
          " is before its last recorded step (", FormatCivilDay(*d), ", ",
          a.type() == Case::Action::TYPE_TRANSITION
              ? absl::StrCat("to ", StatusName(a.to_status()))
              : Case::Action::Type_Name(a.type()),
          ")"));
    }
  }
  return absl::OkStatus();
}

Case::Action* AddStep(Case* c, Case::Action::Type type, const When& when,
                      absl::string_view actor, absl::string_view note) {
  Case::Action* a = c->add_actions();
  *a->mutable_date() = ToDate(when.date);
  a->set_type(type);
  a->set_by(std::string(actor));
  a->set_description(std::string(note));
  if (when.time.has_value()) *a->mutable_at() = ToTimestamp(*when.time);
  return a;
}

// Reads case `id`, applies `change`, and updates it on the revision read;
// retries a conflict when expected_revision is 0.
template <typename Change>
absl::StatusOr<Case> ReadModifyWrite(Store& store, uint64_t id,
                                     uint64_t expected_revision,
                                     absl::string_view actor, Change change) {
  if (id == 0) return absl::InvalidArgumentError("case id must be > 0");
  for (int attempt = 0;; ++attempt) {
    Case c;
    absl::Status st = store.Get(v1::KIND_CASE, id, &c);
    if (!st.ok()) return st;
    if (expected_revision != 0 && c.meta().revision() != expected_revision) {
      return absl::AbortedError(
          absl::StrCat("conflict: case ", id, " is at revision ",
                       c.meta().revision(), ", not ", expected_revision));
    }
    QL_RETURN_IF_ERROR(change(&c));
    WriteOptions wo;
    wo.actor = std::string(actor);
    st = store.Update(&c, wo);
    if (st.ok()) return c;
    if (st.code() != absl::StatusCode::kAborted || expected_revision != 0 ||
        attempt + 1 >= kRetries) {
      return st;
    }
  }
}

// The day a case ended (closed, withdrawn, rejected): nullopt while open;
// CivilDay() (far past) when it ended on an unknown day.
std::optional<absl::CivilDay> EndedOn(const Case& c) {
  if (!IsFinal(c.status())) return std::nullopt;
  if (c.status() == Case::STATUS_CLOSED) {
    std::optional<absl::CivilDay> d = FieldDay(c.has_closed(), c.closed());
    return d.has_value() ? *d : absl::CivilDay(1, 1, 1);
  }
  for (int i = c.actions_size() - 1; i >= 0; --i) {
    const Case::Action& a = c.actions(i);
    if (a.type() == Case::Action::TYPE_TRANSITION &&
        a.to_status() == c.status()) {
      std::optional<absl::CivilDay> d = FieldDay(a.has_date(), a.date());
      if (d.has_value()) return *d;
    }
  }
  return absl::CivilDay(1, 1, 1);
}

bool EndedBy(const Case& c, absl::CivilDay day) {
  std::optional<absl::CivilDay> e = EndedOn(c);
  return e.has_value() && *e <= day;
}

absl::StatusOr<std::vector<Case>> FetchCases(const Store& store,
                                             const std::string& query) {
  QL_ASSIGN_OR_RETURN(QueryPage page, store.Query(query));
  std::vector<Case> out;
  out.reserve(page.records.size());
  for (const auto& m : page.records) {
    Case c;
    c.CopyFrom(*m);
    out.push_back(std::move(c));
  }
  return out;
}

std::string IdsJson(const std::vector<uint64_t>& ids) {
  return absl::StrCat("[", absl::StrJoin(ids, ","), "]");
}

std::string RateJson(const Rate& r) {
  std::optional<double> v = r.value();
  return absl::StrCat("{\"numerator\":", r.numerator,
                      ",\"denominator\":", r.denominator,
                      ",\"rate\":", v.has_value() ? absl::StrCat(*v) : "null",
                      ",\"numerator_contacts\":", r.numerator_contacts,
                      ",\"denominator_contacts\":", r.denominator_contacts,
                      ",\"ids\":", IdsJson(r.numerator_ids),
                      ",\"denominator_ids\":", IdsJson(r.denominator_ids), "}");
}

void Count(Rate* r, const Case& c, bool in_numerator) {
  const uint64_t contacts = c.count() == 0 ? 1 : c.count();
  ++r->denominator;
  r->denominator_contacts += contacts;
  r->denominator_ids.push_back(c.meta().id());
  if (in_numerator) {
    ++r->numerator;
    r->numerator_contacts += contacts;
    r->numerator_ids.push_back(c.meta().id());
  }
}

}  // namespace

absl::CivilDay TodayInChina() { return absl::ToCivilDay(absl::Now(), China()); }

// ---- Deadlines.

DeadlineRules DeadlineRules::Defaults() {
  DeadlineRules r;
  r.Set(Case::TYPE_UNSPECIFIED, Case::CHANNEL_ONLINE, DeadlineRule{2, 0});
  return r;
}

void DeadlineRules::Set(Case::Type type, Case::Channel channel,
                        DeadlineRule rule) {
  rules_[{type, channel}] = rule;
}

DeadlineRule DeadlineRules::For(Case::Type type, Case::Channel channel) const {
  for (const std::pair<int, int>& key :
       {std::pair<int, int>{type, channel}, std::pair<int, int>{type, 0},
        std::pair<int, int>{0, channel}, std::pair<int, int>{0, 0}}) {
    auto it = rules_.find(key);
    if (it != rules_.end()) return it->second;
  }
  return DeadlineRule{};
}

absl::Status DeadlineRules::Load(absl::string_view text,
                                 absl::string_view source) {
  DeadlineRules next = *this;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    const size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (words.empty()) continue;
    auto fail = [&](absl::string_view msg) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_no, ": ", msg));
    };
    if (words.size() < 4 || words.size() % 2 != 0) {
      return fail(
          "TYPE CHANNEL [reply N] [close N] expected, e.g. \"* ONLINE reply "
          "2\"");
    }
    absl::StatusOr<int> type = ParseEnumWord(words[0], "TYPE_", ParseType);
    if (!type.ok()) return fail(type.status().message());
    absl::StatusOr<int> channel =
        ParseEnumWord(words[1], "CHANNEL_", ParseChannel);
    if (!channel.ok()) return fail(channel.status().message());
    DeadlineRule rule;
    for (size_t i = 2; i < words.size(); i += 2) {
      uint32_t n = 0;
      if (!absl::SimpleAtoi(words[i + 1], &n) || n > 1000) {
        return fail(absl::StrCat("working days 0..1000 expected after ",
                                 words[i], ", got \"", words[i + 1], "\""));
      }
      if (words[i] == "reply") {
        rule.reply_within_working_days = n;
      } else if (words[i] == "close") {
        rule.close_within_working_days = n;
      } else {
        return fail(absl::StrCat("\"reply\" or \"close\" expected, got \"",
                                 words[i], "\""));
      }
    }
    next.Set(static_cast<Case::Type>(*type),
             static_cast<Case::Channel>(*channel), rule);
  }
  *this = std::move(next);
  return absl::OkStatus();
}

absl::Status ApplyDeadlines(Case* c, const WorkflowOptions& options) {
  const std::optional<absl::CivilDay> received =
      FieldDay(c->has_received(), c->received());
  if (!received.has_value()) {
    return absl::InvalidArgumentError(
        "case.received: a full date is required to compute deadlines");
  }
  const DeadlineRules& rules =
      options.rules != nullptr ? *options.rules : []() -> const DeadlineRules& {
    static const DeadlineRules* const d =
        new DeadlineRules(DeadlineRules::Defaults());
    return *d;
  }();
  const Calendar& cal =
      options.calendar != nullptr ? *options.calendar : Calendar::Official();
  const DeadlineRule rule = rules.For(c->type(), c->channel());
  if (c->reply_within_working_days() == 0) {
    c->set_reply_within_working_days(rule.reply_within_working_days);
  }
  if (c->close_within_working_days() == 0) {
    c->set_close_within_working_days(rule.close_within_working_days);
  }
  if (c->reply_within_working_days() > 0 && !c->has_reply_due()) {
    absl::StatusOr<absl::CivilDay> d = cal.AddWorkingDays(
        *received, c->reply_within_working_days(), options.calendar_options);
    if (!d.ok()) {
      return absl::Status(
          d.status().code(),
          absl::StrCat("case.replyDue: ", d.status().message()));
    }
    *c->mutable_reply_due() = ToDate(*d);
  }
  if (c->close_within_working_days() > 0 && !c->has_due()) {
    absl::StatusOr<absl::CivilDay> d = cal.AddWorkingDays(
        *received, c->close_within_working_days(), options.calendar_options);
    if (!d.ok()) {
      return absl::Status(d.status().code(),
                          absl::StrCat("case.due: ", d.status().message()));
    }
    *c->mutable_due() = ToDate(*d);
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> RegisterCase(Store& store, Case* c,
                                      const RegisterOptions& options) {
  if (c->status() != Case::STATUS_UNSPECIFIED &&
      c->status() != Case::STATUS_RECEIVED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "case.status: a new case is registered as STATUS_RECEIVED, got ",
        StatusName(c->status()),
        "; record later states with Transition (or Store::Create for "
        "historical records)"));
  }
  Case next = *c;
  next.set_status(Case::STATUS_RECEIVED);
  QL_RETURN_IF_ERROR(ApplyDeadlines(&next, options.workflow));
  When when;  // The step is dated the day received; timed only if given.
  when.date = *FromDate(next.received());
  when.time = options.at;
  Case::Action* a = AddStep(&next, Case::Action::TYPE_TRANSITION, when,
                            options.actor, "登记");
  a->set_from_status(Case::STATUS_UNSPECIFIED);
  a->set_to_status(Case::STATUS_RECEIVED);
  WriteOptions wo;
  wo.actor = options.actor;
  QL_ASSIGN_OR_RETURN(uint64_t id, store.Create(&next, wo));
  *c = std::move(next);
  return id;
}

// ---- Transitions.

bool TransitionAllowed(Case::Status from, Case::Status to) {
  if (from == Case::STATUS_UNSPECIFIED) from = Case::STATUS_RECEIVED;
  switch (from) {
    case Case::STATUS_RECEIVED:
      return to == Case::STATUS_ACCEPTED || to == Case::STATUS_REJECTED ||
             to == Case::STATUS_WITHDRAWN;
    case Case::STATUS_ACCEPTED:
      return to == Case::STATUS_IN_PROGRESS || to == Case::STATUS_REFERRED ||
             to == Case::STATUS_RESOLVED || to == Case::STATUS_WITHDRAWN;
    case Case::STATUS_IN_PROGRESS:
      return to == Case::STATUS_REFERRED || to == Case::STATUS_RESOLVED ||
             to == Case::STATUS_WITHDRAWN;
    case Case::STATUS_REFERRED:
      return to == Case::STATUS_IN_PROGRESS || to == Case::STATUS_RESOLVED ||
             to == Case::STATUS_WITHDRAWN;
    case Case::STATUS_RESOLVED:
      return to == Case::STATUS_CLOSED || to == Case::STATUS_IN_PROGRESS;
    default:
      return false;
  }
}

std::vector<Case::Status> AllowedTransitions(Case::Status from) {
  std::vector<Case::Status> out;
  const google::protobuf::EnumDescriptor* e = Case::Status_descriptor();
  for (int i = 0; i < e->value_count(); ++i) {
    const auto to = static_cast<Case::Status>(e->value(i)->number());
    if (TransitionAllowed(from, to)) out.push_back(to);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<Case> Transition(Store& store,
                                const TransitionRequest& request) {
  if (!Case::Status_IsValid(request.to) ||
      request.to == Case::STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "status ", static_cast<int>(request.to), " is not a case status"));
  }
  if ((request.to == Case::STATUS_WITHDRAWN ||
       request.to == Case::STATUS_REJECTED) &&
      absl::StripAsciiWhitespace(request.note).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a note (the reason) is required to move a case to ",
                     StatusName(request.to)));
  }
  const When when = ResolveWhen(request.date, request.time);
  return ReadModifyWrite(
      store, request.id, request.expected_revision, request.actor,
      [&](Case* c) -> absl::Status {
        const Case::Status from = c->status();
        if (!TransitionAllowed(from, request.to)) {
          std::vector<std::string> allowed;
          for (Case::Status s : AllowedTransitions(from)) {
            allowed.push_back(StatusName(s));
          }
          return absl::FailedPreconditionError(absl::StrCat(
              "case ", c->meta().id(), ": cannot go from ", StatusName(from),
              " to ", StatusName(request.to), "; allowed from ",
              StatusName(from), ": ",
              allowed.empty() ? "none (final)" : absl::StrJoin(allowed, ", ")));
        }
        QL_RETURN_IF_ERROR(CheckStepDate(*c, when.date, "transition"));
        Case::Action* a = AddStep(c, Case::Action::TYPE_TRANSITION, when,
                                  request.actor, request.note);
        a->set_from_status(from);
        a->set_to_status(request.to);
        c->set_status(request.to);
        if (!request.referred_to.empty()) {
          c->set_referred_to(request.referred_to);
        }
        if (request.outcome != Case::OUTCOME_UNSPECIFIED) {
          c->set_outcome(request.outcome);
        }
        if (request.to == Case::STATUS_RESOLVED && !c->has_replied()) {
          *c->mutable_replied() = ToDate(when.date);
        }
        if (request.to == Case::STATUS_CLOSED) {
          *c->mutable_closed() = ToDate(when.date);
        }
        if (!request.actor.empty() && c->handler().empty()) {
          c->set_handler(request.actor);
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<Case> RecordReply(Store& store, const ReplyRequest& request) {
  const When when = ResolveWhen(request.date, request.time);
  return ReadModifyWrite(
      store, request.id, request.expected_revision, request.actor,
      [&](Case* c) -> absl::Status {
        if (IsFinal(c->status())) {
          return absl::FailedPreconditionError(absl::StrCat(
              "case ", c->meta().id(), " is ", StatusName(c->status()),
              ": no reply can be "
              "recorded"));
        }
        QL_RETURN_IF_ERROR(CheckStepDate(*c, when.date, "reply"));
        AddStep(c, Case::Action::TYPE_REPLY, when, request.actor, request.note);
        if (!c->has_replied()) *c->mutable_replied() = ToDate(when.date);
        return absl::OkStatus();
      });
}

// ---- Overdue cases and rates.

absl::StatusOr<std::vector<OverdueCase>> OverdueCases(const Store& store,
                                                      absl::CivilDay as_of) {
  const std::string d = FormatCivilDay(as_of);
  // Candidates from the indexes: a deadline before as_of, and no reply
  // (closure) recorded by as_of. Ends by withdrawal or rejection are
  // checked on the rows.
  QL_ASSIGN_OR_RETURN(
      std::vector<Case> late_reply,
      FetchCases(store, absl::StrCat("case where reply_due < ", d,
                                     " and (replied not exists or replied > ",
                                     d, ")")));
  QL_ASSIGN_OR_RETURN(
      std::vector<Case> late_close,
      FetchCases(store,
                 absl::StrCat("case where due < ", d,
                              " and (closed not exists or closed > ", d, ")")));
  std::map<uint64_t, OverdueCase> out;
  auto entry = [&](const Case& c) -> OverdueCase& {
    OverdueCase& o = out[c.meta().id()];
    o.id = c.meta().id();
    o.status = c.status();
    o.reply_due = FieldDay(c.has_reply_due(), c.reply_due());
    o.due = FieldDay(c.has_due(), c.due());
    return o;
  };
  // (Partial deadline dates, e.g. 2020-10 without a day, are not judged.)
  for (const Case& c : late_reply) {
    if (EndedBy(c, as_of) || !FieldDay(c.has_reply_due(), c.reply_due())) {
      continue;
    }
    OverdueCase& o = entry(c);
    o.reply_overdue = true;
    o.days_late = std::max<int64_t>(o.days_late, as_of - *o.reply_due);
  }
  for (const Case& c : late_close) {
    if (EndedBy(c, as_of) || !FieldDay(c.has_due(), c.due())) continue;
    OverdueCase& o = entry(c);
    o.close_overdue = true;
    o.days_late = std::max<int64_t>(o.days_late, as_of - *o.due);
  }
  std::vector<OverdueCase> list;
  list.reserve(out.size());
  for (auto& [id, o] : out) list.push_back(std::move(o));
  return list;
}

std::optional<double> Rate::value() const {
  if (denominator == 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

absl::StatusOr<CaseRates> ComputeCaseRates(const Store& store,
                                           const RateOptions& options) {
  if (options.to < options.from) {
    return absl::InvalidArgumentError(
        absl::StrCat("period ", FormatCivilDay(options.from), "..",
                     FormatCivilDay(options.to), " ends before it starts"));
  }
  CaseRates r;
  r.from = options.from;
  r.to = options.to;
  r.as_of = options.as_of.value_or(options.to);
  r.filter = options.filter;
  std::string query =
      absl::StrCat("case where received between ", FormatCivilDay(r.from),
                   " and ", FormatCivilDay(r.to));
  if (!absl::StripAsciiWhitespace(options.filter).empty()) {
    absl::StrAppend(&query, " and (", options.filter, ")");
  }
  QL_ASSIGN_OR_RETURN(std::vector<Case> cases, FetchCases(store, query));
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) {
    return a.meta().id() < b.meta().id();
  });
  for (const Case& c : cases) {
    const bool closed_status = c.status() == Case::STATUS_CLOSED;
    const std::optional<absl::CivilDay> closed =
        FieldDay(c.has_closed(), c.closed());
    const std::optional<absl::CivilDay> replied =
        FieldDay(c.has_replied(), c.replied());
    const std::optional<absl::CivilDay> reply_due =
        FieldDay(c.has_reply_due(), c.reply_due());
    const std::optional<absl::CivilDay> due = FieldDay(c.has_due(), c.due());
    Count(&r.closure, c,
          closed_status && (!closed.has_value() || *closed <= r.as_of));
    if (reply_due.has_value()) {
      Count(
          &r.reply_on_time, c,
          replied.has_value() && *replied <= *reply_due && *replied <= r.as_of);
    }
    if (due.has_value()) {
      Count(&r.close_on_time, c,
            closed_status && closed.has_value() && *closed <= *due &&
                *closed <= r.as_of);
    }
  }
  return r;
}

std::string CaseRates::ToJson() const {
  return absl::StrCat(
      "{\"from\":\"", FormatCivilDay(from), "\",\"to\":\"", FormatCivilDay(to),
      "\",\"as_of\":\"", FormatCivilDay(as_of),
      "\",\"filter\":", JsonQuote(filter), ",\"closure\":", RateJson(closure),
      ",\"reply_on_time\":", RateJson(reply_on_time),
      ",\"close_on_time\":", RateJson(close_on_time), "}");
}

std::string OverdueToJson(absl::CivilDay as_of,
                          const std::vector<OverdueCase>& cases) {
  auto day = [](const std::optional<absl::CivilDay>& d) {
    return d.has_value() ? absl::StrCat("\"", FormatCivilDay(*d), "\"")
                         : std::string("null");
  };
  std::string out = absl::StrCat("{\"as_of\":\"", FormatCivilDay(as_of),
                                 "\",\"count\":", cases.size(), ",\"cases\":[");
  for (size_t i = 0; i < cases.size(); ++i) {
    const OverdueCase& o = cases[i];
    absl::StrAppend(&out, i == 0 ? "" : ",", "{\"id\":", o.id, ",\"status\":\"",
                    StatusName(o.status), "\",\"reply_due\":", day(o.reply_due),
                    ",\"reply_overdue\":", o.reply_overdue ? "true" : "false",
                    ",\"due\":", day(o.due),
                    ",\"close_overdue\":", o.close_overdue ? "true" : "false",
                    ",\"days_late\":", o.days_late, "}");
  }
  absl::StrAppend(&out, "]}");
  return out;
}

}  // namespace qiaolian
