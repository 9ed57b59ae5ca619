// Relations between people, enterprises and associations (关系), navigable
// both ways, and the timeline of everything that touched a person or an
// enterprise (时间线). docs/records.md explains the rules.
//
//   v1::Ref p;  p.set_kind(v1::KIND_PERSON);  p.set_id(1);
//   absl::StatusOr<std::vector<qiaolian::Relation>> r =
//       qiaolian::Relations(*store, p);
//   absl::StatusOr<qiaolian::TimelinePage> t = qiaolian::Timeline(*store, p);
//   // ... then again with TimelineOptions::cursor = t->next_cursor.
//
// A relation is stored once, on one of the two records (Person.relations,
// Person.employer, Person.memberships, Enterprise.legal_representative,
// Enterprise.officers, Enterprise.parent, Enterprise.memberships); the other
// side finds it through the index on that field. Each relation reads
// "A is <type> of B":
//   relative              A is B's kin (detail: Person.Relation type,
//                         e.g. TYPE_PARENT: A is B's parent)
//   associate             A is B's other contact (Person.Relation TYPE_OTHER)
//   legal_representative  person A is enterprise B's legal representative
//   investor              person A is a shareholder of B (Officer SHAREHOLDER)
//   officer               person A is chairman, manager... of B (detail)
//   contact               person A is B's contact person (Officer CONTACT)
//   employee              person A works for B (Person.employer)
//   leader                A leads association B (Membership PRESIDENT,
//                         EXECUTIVE_PRESIDENT, VICE_PRESIDENT,
//                         SECRETARY_GENERAL)
//   member                A is a member of association B (other roles)
//   branch                enterprise A is a branch of B (Enterprise.parent)
//
// Thread-safety: safe to call concurrently. Each function reads several
// index lookups, each on its own snapshot.
#ifndef QIAOLIAN_RELATIONS_H_
#define QIAOLIAN_RELATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/timestamp.pb.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {

enum class RelationDirection {
  kOutgoing,  // The subject is A: "subject is <type> of other".
  kIncoming,  // The subject is B: "other is <type> of subject".
};

struct Relation {
  std::string type;    // See the list above.
  std::string detail;  // The enum name behind it ("TYPE_PARENT",
                       // "ROLE_PRESIDENT"), or empty.
  RelationDirection direction = RelationDirection::kOutgoing;
  // The other side; id 0 when it is not registered (then only other_name).
  v1::Ref other;
  std::string other_name;  // Its name (from its record, or as written).
  v1::Ref source;          // The record that holds the link.
  std::string field;       // Where in it, e.g. "officers[1]", "employer".
  v1::Date since;          // Membership joined (or recommended), if known.
  v1::Date until;          // Membership left, if known.
  std::string note;        // Relation note or membership title, if any.
};

// Every relation of `subject` (a person or an enterprise), both ways, ordered
// by type, direction, other, source. INVALID_ARGUMENT for another kind,
// NOT_FOUND when the subject does not exist.
absl::StatusOr<std::vector<Relation>> Relations(const Store& store,
                                                const v1::Ref& subject);

// [{"type","detail","direction":"outgoing"|"incoming","other":"person:2",
//   "other_name","source":"enterprise:3","field","since","until","note"}]
// (other is null when unregistered; since/until/note only when set).
std::string RelationsToJson(const std::vector<Relation>& relations);

struct TimelineEntry {
  // What the entry is: "case", "donation", "event" (a record naming the
  // subject), "relation" (a record linking it, see Relations), or "history"
  // (a change of the subject's own record).
  std::string what;
  v1::Ref record;  // The record (for "history", the subject).
  // How it touched the subject, distinct roles joined by ", ":
  // "party:ROLE_APPLICANT", "referred_to", "donor:ROLE_DONOR", "recipient:
  // ROLE_RECIPIENT", "raised_via", "participant:ROLE_VISITED", "related", the
  // relation type ("legal_representative"), or the change ("OP_CREATE").
  std::string role;
  // The day it happened: Case.received, Donation.date, Event.date, the
  // membership's start, else (relations, history) the change time's day in
  // China Standard Time (UTC+8).
  v1::Date date;
  // The change time, for history and relation entries; else unset.
  google::protobuf::Timestamp time;
  bool has_time = false;
  uint64_t revision = 0;  // History: the revision the change produced.
  std::string title;      // Title, or a short description.
};

struct TimelineOptions {
  uint64_t limit = 50;  // Entries per page, 1..10000.
  std::string cursor;   // TimelinePage::next_cursor of the previous page.
};

struct TimelinePage {
  // Newest first: by date; within a day, entries with a time (newest first)
  // before those with only a date; then by what, kind and id, descending.
  std::vector<TimelineEntry> entries;
  std::string next_cursor;  // Empty when there are no more.
  // {"entries":[{"what","record","role","date","time"?,"revision"?,
  //  "title"}],"next_cursor":"..."}
  std::string ToJson() const;
};

// The timeline of `subject` (a person or an enterprise). INVALID_ARGUMENT
// for another kind, a limit out of range or a malformed cursor; NOT_FOUND
// when the subject does not exist (and has no history).
absl::StatusOr<TimelinePage> Timeline(const Store& store,
                                      const v1::Ref& subject,
                                      const TimelineOptions& options = {});

}  // namespace qiaolian

#endif  // QIAOLIAN_RELATIONS_H_
