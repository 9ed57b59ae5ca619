// The case workflow (办理流程): registration with deadlines in official
// working days, enforced status transitions recorded with time, actor and
// note, overdue cases, and the on-time and closure rates of DOMAIN.md.
//
//   qiaolian::v1::Case c;  // channel, type, received, ...
//   absl::StatusOr<uint64_t> id = qiaolian::RegisterCase(*store, &c);
//   qiaolian::TransitionRequest t;
//   t.id = *id;
//   t.to = qiaolian::v1::Case::STATUS_ACCEPTED;
//   t.note = "已受理";
//   t.actor = "王主任";
//   absl::StatusOr<qiaolian::v1::Case> now = qiaolian::Transition(*store, t);
//
// Statuses (v1::Case::Status) and the transitions allowed:
//
//   RECEIVED (registered, 登记) → ACCEPTED, REJECTED, WITHDRAWN
//   ACCEPTED (受理)             → IN_PROGRESS, REFERRED, RESOLVED, WITHDRAWN
//   IN_PROGRESS (办理中)        → REFERRED, RESOLVED, WITHDRAWN
//   REFERRED (转办)             → IN_PROGRESS, RESOLVED, WITHDRAWN
//   RESOLVED (已办理)           → CLOSED, IN_PROGRESS (reopened)
//   CLOSED (办结), WITHDRAWN (撤回), REJECTED (不予受理): final.
//
// A case without a status (imported) is treated as RECEIVED. Transition()
// is the enforced path; Store::Update still writes any status (for imports
// and corrections of historical records), and docs/cases.md says so.
//
// Dates: a transition or reply happens on a civil date (in China, UTC+8)
// and, when known, at a time. Neither may precede the date the case was
// received or its last recorded step (actions are kept in date order).
//
// Thread-safety: all functions are thread-safe (the Store serialises
// writes; a concurrent change to the same case is retried or reported as
// ABORTED, never overwritten).
#ifndef QIAOLIAN_CASES_H_
#define QIAOLIAN_CASES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "qiaolian/calendar.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/case.pb.h"

namespace qiaolian {

// ---- Deadlines.

// How long the office has, in official working days after the day a case
// was received (that day not counted; see calendar.h); 0 = no deadline.
struct DeadlineRule {
  uint32_t reply_within_working_days = 0;  // 回复时限 → Case.reply_due
  uint32_t close_within_working_days = 0;  // 办结时限 → Case.due
  bool operator==(const DeadlineRule&) const = default;
};

// Deadline rules per case kind: by type (事项类型) and channel (来源渠道);
// UNSPECIFIED matches any. The most specific rule wins: (type, channel),
// then (type, any), (any, channel), (any, any).
class DeadlineRules {
 public:
  // No rules: no deadlines.
  DeadlineRules() = default;
  // The defaults (docs/cases.md): every request received online
  // (CHANNEL_ONLINE) is answered within 2 working days (DOMAIN.md:
  // "2个工作日内回复"). Nothing else has a default deadline: offices set
  // their own with Set() or Load().
  static DeadlineRules Defaults();

  void Set(v1::Case::Type type, v1::Case::Channel channel, DeadlineRule rule);
  DeadlineRule For(v1::Case::Type type, v1::Case::Channel channel) const;

  // Applies rules from text, one per line (`#` comments):
  //   TYPE CHANNEL [reply N] [close N]
  // TYPE and CHANNEL by enum name, full or short (CONSULTATION, ONLINE), or
  // `*` for any, e.g. "* ONLINE reply 2", "PETITION * reply 5 close 40".
  // INVALID_ARGUMENT naming the line; nothing applied on error.
  absl::Status Load(absl::string_view text, absl::string_view source);

  const std::map<std::pair<int, int>, DeadlineRule>& rules() const {
    return rules_;
  }

 private:
  std::map<std::pair<int, int>, DeadlineRule> rules_;  // (type, channel)
};

struct WorkflowOptions {
  // nullptr: DeadlineRules::Defaults() and Calendar::Official().
  const DeadlineRules* rules = nullptr;
  const Calendar* calendar = nullptr;
  CalendarOptions calendar_options;
};

// Fills the deadlines of `c` from its kind's rule: reply_within_working_days
// and close_within_working_days when 0, then reply_due and due (when not
// set) as that many working days after `received`. Deadlines set by the
// caller are kept. INVALID_ARGUMENT without a full `received` date;
// OUT_OF_RANGE when a deadline falls outside the calendar.
absl::Status ApplyDeadlines(v1::Case* c, const WorkflowOptions& options = {});

struct RegisterOptions {
  WorkflowOptions workflow;
  std::string actor;  // Who registers it (登记人).
  // When it was registered, if known: the time of the first transition
  // (which is dated `received`).
  std::optional<absl::Time> at;
};

// Registers a new case: status RECEIVED (it must be unset or RECEIVED),
// deadlines applied (ApplyDeadlines), a first transition record
// (UNSPECIFIED → RECEIVED, dated `received`), then Store::Create. On error
// nothing is written. Returns the id; `c` holds the stored record.
absl::StatusOr<uint64_t> RegisterCase(Store& store, v1::Case* c,
                                      const RegisterOptions& options = {});

// ---- Transitions.

// Whether `from` → `to` is allowed (UNSPECIFIED counts as RECEIVED).
bool TransitionAllowed(v1::Case::Status from, v1::Case::Status to);
// The statuses reachable from `from`, in enum order.
std::vector<v1::Case::Status> AllowedTransitions(v1::Case::Status from);

struct TransitionRequest {
  uint64_t id = 0;  // The case.
  v1::Case::Status to = v1::Case::STATUS_UNSPECIFIED;
  // What was done or decided (办理说明); required for WITHDRAWN and
  // REJECTED (the reason).
  std::string note;
  std::string actor;  // Who (经办人): Action.by and the store's history.
  // When: `date` (civil date in China), `time`, or both. With only `time`,
  // the date is its day in China (UTC+8); with neither, now.
  std::optional<absl::CivilDay> date;
  std::optional<absl::Time> time;
  // When not 0, the case must still be at this revision (else ABORTED).
  // When 0, a concurrent change is retried on the new revision (the
  // transition is checked again).
  uint64_t expected_revision = 0;
  // Optional: the body referred to (→ Case.referred_to) for REFERRED, the
  // outcome (→ Case.outcome) for RESOLVED or CLOSED.
  std::string referred_to;
  v1::Case::Outcome outcome = v1::Case::OUTCOME_UNSPECIFIED;
};

// Moves case `request.id` to `request.to`, atomically: reads it, checks the
// transition, appends an Action (TYPE_TRANSITION, from/to, date, time,
// actor, note), sets what the new status implies, and updates it on the
// revision it read. RESOLVED sets `replied` when no reply was recorded
// before (resolving answers the applicant); CLOSED sets `closed`.
// Errors, with nothing written: NOT_FOUND (no such case),
// FAILED_PRECONDITION (transition not allowed: the message lists the
// allowed ones), INVALID_ARGUMENT (unknown status, missing note, a date
// before receipt or before the last recorded step), ABORTED (revision
// conflict). Returns the stored case.
absl::StatusOr<v1::Case> Transition(Store& store,
                                    const TransitionRequest& request);

struct ReplyRequest {
  uint64_t id = 0;
  std::string note;  // What was answered (答复内容).
  std::string actor;
  std::optional<absl::CivilDay> date;  // As in TransitionRequest.
  std::optional<absl::Time> time;
  uint64_t expected_revision = 0;
};

// Records a reply to the applicant (答复) without changing the status: an
// Action TYPE_REPLY, and `replied` when it is the first. FAILED_PRECONDITION
// for a case that is CLOSED, WITHDRAWN or REJECTED; other errors as
// Transition().
absl::StatusOr<v1::Case> RecordReply(Store& store, const ReplyRequest& request);

// ---- Overdue cases and rates.

// A case overdue at the end of day `as_of`.
struct OverdueCase {
  uint64_t id = 0;
  v1::Case::Status status = v1::Case::STATUS_UNSPECIFIED;
  // reply_due < as_of and no reply recorded by as_of.
  bool reply_overdue = false;
  // due < as_of and the case not closed (nor withdrawn / rejected) by
  // as_of.
  bool close_overdue = false;
  std::optional<absl::CivilDay> reply_due, due;
  // Calendar days from the earliest missed deadline to as_of.
  int64_t days_late = 0;
};

// Every case overdue at the end of `as_of`, by id. Built on indexed
// queries (reply_due, replied, due, closed); a case counts as ended on its
// `closed` date, or on the date of its transition to WITHDRAWN/REJECTED
// (ended at an unknown date, e.g. imported as CLOSED without a date: never
// overdue). Cases are judged as they stood on `as_of`, so the list for a
// past day is reproducible.
absl::StatusOr<std::vector<OverdueCase>> OverdueCases(const Store& store,
                                                      absl::CivilDay as_of);

// One rate: numerator ÷ denominator, with the ids behind both.
struct Rate {
  uint64_t numerator = 0;
  uint64_t denominator = 0;
  // The same counted in contacts (人次): each case weighted by its `count`
  // (a record standing for several like contacts; 0 counts as 1), as in
  // "来信来电48人(次)".
  uint64_t numerator_contacts = 0;
  uint64_t denominator_contacts = 0;
  std::vector<uint64_t> numerator_ids;    // Ascending.
  std::vector<uint64_t> denominator_ids;  // Ascending.
  // numerator / denominator, or nullopt when the denominator is 0.
  std::optional<double> value() const;
};

struct RateOptions {
  absl::CivilDay from, to;  // Cases received in [from, to].
  // Judge the cases as they stood at the end of this day; default `to`.
  std::optional<absl::CivilDay> as_of;
  // Extra predicates of the query language, e.g. "type = PETITION" or
  // "channel in (LETTER, PHONE)"; empty for every case.
  std::string filter;
};

// The rates of DOMAIN.md over the cases received in [from, to]. Every
// denominator counts the cases received in the period, open, overdue,
// withdrawn and rejected ones included:
//   closure        办结率: closed by as_of ÷ every case received;
//   reply_on_time  按时答复率: replied by reply_due (and by as_of) ÷ every
//                  case received that has a reply deadline;
//   close_on_time  按期办结率: closed by due (and by as_of) ÷ every case
//                  received that has a closure deadline.
// A case with status CLOSED but no `closed` date counts as closed.
struct CaseRates {
  absl::CivilDay from, to, as_of;
  std::string filter;
  Rate closure, reply_on_time, close_on_time;
  // {"from": "2020-01-01", ..., "closure": {"numerator": 47,
  //  "denominator": 48, "rate": 0.979167, "numerator_contacts": 47,
  //  "denominator_contacts": 48, "ids": [...], "denominator_ids": [...]},
  //  ...}: rate to 6 significant digits, null for an empty period.
  std::string ToJson() const;
};

absl::StatusOr<CaseRates> ComputeCaseRates(const Store& store,
                                           const RateOptions& options);

// JSON of an overdue list: {"as_of": "...", "count": N, "cases": [{"id":
// 1, "status": "STATUS_IN_PROGRESS", "reply_due": "...", "reply_overdue":
// true, "due": null, "close_overdue": false, "days_late": 3}]}.
std::string OverdueToJson(absl::CivilDay as_of,
                          const std::vector<OverdueCase>& cases);

// Today's date in China (UTC+8).
absl::CivilDay TodayInChina();

}  // namespace qiaolian

#endif  // QIAOLIAN_CASES_H_
