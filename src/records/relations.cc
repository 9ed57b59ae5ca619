// Relations and timeline (include/qiaolian/relations.h).
#include "qiaolian/relations.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "qiaolian/record.h"
#include "src/records/common.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"

namespace qiaolian {
namespace {

using records::DateKey;
using records::RefText;
using v1::Enterprise;
using v1::Person;

v1::Ref MakeRef(Kind kind, uint64_t id) {
  v1::Ref r;
  r.set_kind(kind);
  r.set_id(id);
  return r;
}

bool Same(const v1::Ref& a, const v1::Ref& b) {
  return a.kind() == b.kind() && a.id() == b.id() && a.id() != 0;
}

std::string RelativeType(Person::Relation::Type t) {
  return t == Person::Relation::TYPE_OTHER ||
                 t == Person::Relation::TYPE_UNSPECIFIED
             ? "associate"
             : "relative";
}

std::string OfficerType(Enterprise::Officer::Role r) {
  switch (r) {
    case Enterprise::Officer::ROLE_SHAREHOLDER:
      return "investor";
    case Enterprise::Officer::ROLE_CONTACT:
      return "contact";
    default:
      return "officer";
  }
}

std::string MembershipType(Person::Membership::Role r) {
  switch (r) {
    case Person::Membership::ROLE_PRESIDENT:
    case Person::Membership::ROLE_EXECUTIVE_PRESIDENT:
    case Person::Membership::ROLE_VICE_PRESIDENT:
    case Person::Membership::ROLE_SECRETARY_GENERAL:
      return "leader";
    default:
      return "member";
  }
}

std::string Indexed(absl::string_view field, int i) {
  return absl::StrCat(field, "[", i, "]");
}

Relation MembershipRelation(const Person::Membership& m, RelationDirection dir,
                            const v1::Ref& other, const v1::Ref& source,
                            std::string field) {
  Relation r;
  r.type = MembershipType(m.role());
  r.detail = m.role() == 0 ? "" : Person::Membership::Role_Name(m.role());
  r.direction = dir;
  r.other = other;
  r.source = source;
  r.field = std::move(field);
  if (m.has_joined()) {
    r.since = m.joined();
  } else if (m.has_recommended()) {
    r.since = m.recommended();
  }
  if (m.has_left()) r.until = m.left();
  r.note = m.title();
  return r;
}

// The records of `kind` whose `field` holds `subject`.
absl::StatusOr<std::vector<std::unique_ptr<google::protobuf::Message>>>
Referrers(const Store& store, absl::string_view kind, absl::string_view field,
          const v1::Ref& subject) {
  return records::QueryAll(
      store, absl::StrCat(kind, " where ", field, " = ", RefText(subject)));
}

absl::Status PersonRelations(const Store& store, const v1::Ref& subject,
                             const Person& p, std::vector<Relation>* out) {
  for (int i = 0; i < p.relations_size(); ++i) {
    const Person::Relation& rel = p.relations(i);
    Relation r;
    r.type = RelativeType(rel.type());
    r.detail = rel.type() == 0 ? "" : Person::Relation::Type_Name(rel.type());
    r.direction = RelationDirection::kIncoming;  // Target is <type> of p.
    if (rel.has_person()) r.other = rel.person();
    r.other_name = rel.name();
    r.source = subject;
    r.field = Indexed("relations", i);
    r.note = rel.note();
    out->push_back(std::move(r));
  }
  if (p.has_employer() || !p.employer_name().empty()) {
    Relation r;
    r.type = "employee";
    r.direction = RelationDirection::kOutgoing;
    if (p.has_employer()) r.other = p.employer();
    r.other_name = p.employer_name();
    r.source = subject;
    r.field = "employer";
    out->push_back(std::move(r));
  }
  for (int i = 0; i < p.memberships_size(); ++i) {
    const Person::Membership& m = p.memberships(i);
    Relation r =
        MembershipRelation(m, RelationDirection::kOutgoing, m.organization(),
                           subject, Indexed("memberships", i));
    r.other_name = m.organization_name();
    out->push_back(std::move(r));
  }
  // Other people's records naming this person.
  QL_ASSIGN_OR_RETURN(auto people,
                      Referrers(store, "person", "relations.person", subject));
  for (const auto& row : people) {
    const auto& q = static_cast<const Person&>(*row);
    const v1::Ref source = MakeRef(v1::KIND_PERSON, q.meta().id());
    for (int i = 0; i < q.relations_size(); ++i) {
      const Person::Relation& rel = q.relations(i);
      if (!Same(rel.person(), subject)) continue;
      Relation r;
      r.type = RelativeType(rel.type());
      r.detail = rel.type() == 0 ? "" : Person::Relation::Type_Name(rel.type());
      r.direction = RelationDirection::kOutgoing;  // Subject is <type> of q.
      r.other = source;
      r.source = source;
      r.field = Indexed("relations", i);
      r.note = rel.note();
      out->push_back(std::move(r));
    }
  }
  // Enterprises naming this person.
  QL_ASSIGN_OR_RETURN(
      auto reps,
      Referrers(store, "enterprise", "legal_representative.person", subject));
  for (const auto& row : reps) {
    const auto& e = static_cast<const Enterprise&>(*row);
    Relation r;
    r.type = "legal_representative";
    r.direction = RelationDirection::kOutgoing;
    r.other = r.source = MakeRef(v1::KIND_ENTERPRISE, e.meta().id());
    r.field = "legal_representative";
    out->push_back(std::move(r));
  }
  QL_ASSIGN_OR_RETURN(auto officers, Referrers(store, "enterprise",
                                               "officers.person", subject));
  for (const auto& row : officers) {
    const auto& e = static_cast<const Enterprise&>(*row);
    for (int i = 0; i < e.officers_size(); ++i) {
      const Enterprise::Officer& o = e.officers(i);
      if (!Same(o.person(), subject)) continue;
      Relation r;
      r.type = OfficerType(o.role());
      r.detail = o.role() == 0 ? "" : Enterprise::Officer::Role_Name(o.role());
      r.direction = RelationDirection::kOutgoing;
      r.other = r.source = MakeRef(v1::KIND_ENTERPRISE, e.meta().id());
      r.field = Indexed("officers", i);
      r.note = o.title();
      out->push_back(std::move(r));
    }
  }
  return absl::OkStatus();
}

void MembershipsNaming(
    const google::protobuf::RepeatedPtrField<Person::Membership>& memberships,
    const v1::Ref& subject, const v1::Ref& source, std::vector<Relation>* out) {
  for (int i = 0; i < memberships.size(); ++i) {
    const Person::Membership& m = memberships[i];
    if (!Same(m.organization(), subject)) continue;
    out->push_back(MembershipRelation(m, RelationDirection::kIncoming, source,
                                      source, Indexed("memberships", i)));
  }
}

absl::Status EnterpriseRelations(const Store& store, const v1::Ref& subject,
                                 const Enterprise& e,
                                 std::vector<Relation>* out) {
  if (e.has_legal_representative() &&
      (e.legal_representative().has_person() ||
       !e.legal_representative().name().empty())) {
    Relation r;
    r.type = "legal_representative";
    r.direction = RelationDirection::kIncoming;
    if (e.legal_representative().has_person()) {
      r.other = e.legal_representative().person();
    }
    r.other_name = e.legal_representative().name();
    r.source = subject;
    r.field = "legal_representative";
    out->push_back(std::move(r));
  }
  for (int i = 0; i < e.officers_size(); ++i) {
    const Enterprise::Officer& o = e.officers(i);
    Relation r;
    r.type = OfficerType(o.role());
    r.detail = o.role() == 0 ? "" : Enterprise::Officer::Role_Name(o.role());
    r.direction = RelationDirection::kIncoming;
    if (o.has_person()) r.other = o.person();
    r.other_name = o.name();
    r.source = subject;
    r.field = Indexed("officers", i);
    r.note = o.title();
    out->push_back(std::move(r));
  }
  if (e.has_parent()) {
    Relation r;
    r.type = "branch";
    r.direction = RelationDirection::kOutgoing;
    r.other = e.parent();
    r.source = subject;
    r.field = "parent";
    out->push_back(std::move(r));
  }
  for (int i = 0; i < e.memberships_size(); ++i) {
    const Person::Membership& m = e.memberships(i);
    Relation r =
        MembershipRelation(m, RelationDirection::kOutgoing, m.organization(),
                           subject, Indexed("memberships", i));
    r.other_name = m.organization_name();
    out->push_back(std::move(r));
  }
  // Records naming this enterprise.
  QL_ASSIGN_OR_RETURN(auto staff,
                      Referrers(store, "person", "employer", subject));
  for (const auto& row : staff) {
    const auto& p = static_cast<const Person&>(*row);
    Relation r;
    r.type = "employee";
    r.direction = RelationDirection::kIncoming;
    r.other = r.source = MakeRef(v1::KIND_PERSON, p.meta().id());
    r.field = "employer";
    out->push_back(std::move(r));
  }
  QL_ASSIGN_OR_RETURN(
      auto members,
      Referrers(store, "person", "memberships.organization", subject));
  for (const auto& row : members) {
    const auto& p = static_cast<const Person&>(*row);
    MembershipsNaming(p.memberships(), subject,
                      MakeRef(v1::KIND_PERSON, p.meta().id()), out);
  }
  QL_ASSIGN_OR_RETURN(
      auto org_members,
      Referrers(store, "enterprise", "memberships.organization", subject));
  for (const auto& row : org_members) {
    const auto& f = static_cast<const Enterprise&>(*row);
    MembershipsNaming(f.memberships(), subject,
                      MakeRef(v1::KIND_ENTERPRISE, f.meta().id()), out);
  }
  QL_ASSIGN_OR_RETURN(auto branches,
                      Referrers(store, "enterprise", "parent", subject));
  for (const auto& row : branches) {
    const auto& f = static_cast<const Enterprise&>(*row);
    Relation r;
    r.type = "branch";
    r.direction = RelationDirection::kIncoming;
    r.other = r.source = MakeRef(v1::KIND_ENTERPRISE, f.meta().id());
    r.field = "parent";
    out->push_back(std::move(r));
  }
  return absl::OkStatus();
}

absl::Status CheckSubject(const v1::Ref& subject) {
  if (subject.kind() != v1::KIND_PERSON &&
      subject.kind() != v1::KIND_ENTERPRISE) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject must be a person or an enterprise, got ",
        DescriptorOf(subject.kind()) == nullptr
            ? absl::StrCat("kind ", static_cast<int>(subject.kind()))
            : KindName(subject.kind())));
  }
  if (subject.id() == 0) {
    return absl::InvalidArgumentError("subject id must be > 0");
  }
  return absl::OkStatus();
}

// The name of a person or enterprise record, or "" when it cannot be read.
std::string NameOf(const Store& store, const v1::Ref& r) {
  if (r.id() == 0) return "";
  if (r.kind() == v1::KIND_PERSON) {
    Person p;
    if (store.Get(v1::KIND_PERSON, r.id(), &p).ok()) return p.name();
  } else if (r.kind() == v1::KIND_ENTERPRISE) {
    Enterprise e;
    if (store.Get(v1::KIND_ENTERPRISE, r.id(), &e).ok()) return e.name();
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<Relation>> Relations(const Store& store,
                                                const v1::Ref& subject) {
  QL_RETURN_IF_ERROR(CheckSubject(subject));
  std::vector<Relation> out;
  if (subject.kind() == v1::KIND_PERSON) {
    Person p;
    QL_RETURN_IF_ERROR(store.Get(v1::KIND_PERSON, subject.id(), &p));
    QL_RETURN_IF_ERROR(PersonRelations(store, subject, p, &out));
  } else {
    Enterprise e;
    QL_RETURN_IF_ERROR(store.Get(v1::KIND_ENTERPRISE, subject.id(), &e));
    QL_RETURN_IF_ERROR(EnterpriseRelations(store, subject, e, &out));
  }
  for (Relation& r : out) {
    if (r.other.id() != 0) {
      std::string name = NameOf(store, r.other);
      if (!name.empty()) r.other_name = std::move(name);
    }
  }
  auto key = [](const Relation& r) {
    return std::make_tuple(r.type, static_cast<int>(r.direction),
                           static_cast<int>(r.other.kind()), r.other.id(),
                           r.other_name, static_cast<int>(r.source.kind()),
                           r.source.id(), r.field);
  };
  std::sort(out.begin(), out.end(), [&](const Relation& a, const Relation& b) {
    return key(a) < key(b);
  });
  return out;
}

std::string RelationsToJson(const std::vector<Relation>& relations) {
  std::string out = "[";
  for (size_t i = 0; i < relations.size(); ++i) {
    const Relation& r = relations[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(
        &out, "{\"type\":", JsonQuote(r.type),
        ",\"detail\":", JsonQuote(r.detail), ",\"direction\":",
        r.direction == RelationDirection::kOutgoing ? "\"outgoing\""
                                                    : "\"incoming\"",
        ",\"other\":", r.other.id() == 0 ? "null" : JsonQuote(RefText(r.other)),
        ",\"other_name\":", JsonQuote(r.other_name),
        ",\"source\":", JsonQuote(RefText(r.source)),
        ",\"field\":", JsonQuote(r.field));
    if (DateKey(r.since) != 0) {
      absl::StrAppend(&out, ",\"since\":", JsonQuote(DateText(r.since)));
    }
    if (DateKey(r.until) != 0) {
      absl::StrAppend(&out, ",\"until\":", JsonQuote(DateText(r.until)));
    }
    if (!r.note.empty()) absl::StrAppend(&out, ",\"note\":", JsonQuote(r.note));
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

// --- Timeline.

namespace {

// China Standard Time, for dating changes.
const absl::TimeZone& Cst() {
  static const absl::TimeZone* const tz =
      new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return *tz;
}

v1::Date DayOf(const google::protobuf::Timestamp& ts) {
  const absl::CivilDay d = absl::ToCivilDay(FromTimestamp(ts), Cst());
  v1::Date out;
  out.set_year(static_cast<int32_t>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

// The position of an entry; pages go down this order.
struct SortKey {
  int64_t date = 0;    // yyyymmdd
  int64_t nanos = -1;  // Time since the epoch in ns, -1 when untimed.
  std::string what;
  int64_t kind = 0;
  uint64_t id = 0;
  uint64_t revision = 0;
  std::string sub;  // Tells apart several relations held by one record.

  auto Tie() const {
    return std::tie(date, nanos, what, kind, id, revision, sub);
  }
  // Newest first.
  bool Before(const SortKey& o) const { return Tie() > o.Tie(); }

  std::string Encode() const {
    return absl::StrCat(date, ".", nanos, ".", absl::BytesToHexString(what),
                        ".", kind, ".", id, ".", revision, ".",
                        absl::BytesToHexString(sub));
  }
  static absl::StatusOr<SortKey> Decode(absl::string_view s) {
    std::vector<std::string> f = absl::StrSplit(s, '.');
    SortKey k;
    if (f.size() != 7 || !absl::SimpleAtoi(f[0], &k.date) ||
        !absl::SimpleAtoi(f[1], &k.nanos) || !absl::SimpleAtoi(f[3], &k.kind) ||
        !absl::SimpleAtoi(f[4], &k.id) ||
        !absl::SimpleAtoi(f[5], &k.revision)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cursor \"", s, "\" is malformed"));
    }
    k.what = absl::HexStringToBytes(f[2]);
    k.sub = absl::HexStringToBytes(f[6]);
    return k;
  }
};

struct Pending {
  TimelineEntry entry;
  SortKey key;
  std::set<std::string> roles;
};

class TimelineBuilder {
 public:
  // Adds `role` to the entry of record `r` (merging roles of one record).
  void Record(absl::string_view what, const v1::Ref& r, const v1::Date& date,
              absl::string_view title, std::string role,
              absl::string_view sub = "") {
    const std::string k = absl::StrCat(what, "|", RefText(r), "|", sub);
    Pending& p = entries_[k];
    if (p.roles.empty()) {
      p.entry.what = std::string(what);
      p.entry.record = r;
      p.entry.date = date;
      p.entry.title = std::string(title);
      p.key.date = DateKey(date);
      p.key.what = std::string(what);
      p.key.kind = r.kind();
      p.key.id = r.id();
      p.key.sub = std::string(sub);
    }
    p.roles.insert(std::move(role));
  }

  void Timed(absl::string_view what, const v1::Ref& r, const v1::Date& date,
             const google::protobuf::Timestamp& time, uint64_t revision,
             absl::string_view title, std::string role,
             absl::string_view sub = "") {
    const std::string k =
        absl::StrCat(what, "|", RefText(r), "|", revision, "|", sub);
    Pending& p = entries_[k];
    if (p.roles.empty()) {
      p.entry.what = std::string(what);
      p.entry.record = r;
      p.entry.date = date;
      p.entry.time = time;
      p.entry.has_time = true;
      p.entry.revision = revision;
      p.entry.title = std::string(title);
      p.key.date = DateKey(date);
      p.key.nanos = absl::ToUnixNanos(FromTimestamp(time));
      p.key.what = std::string(what);
      p.key.kind = r.kind();
      p.key.id = r.id();
      p.key.revision = revision;
      p.key.sub = std::string(sub);
    }
    p.roles.insert(std::move(role));
  }

  TimelinePage Page(const std::optional<SortKey>& after, uint64_t limit) {
    std::vector<Pending*> all;
    for (auto& [k, p] : entries_) {
      if (after && !after->Before(p.key)) continue;
      all.push_back(&p);
    }
    std::sort(all.begin(), all.end(), [](const Pending* a, const Pending* b) {
      return a->key.Before(b->key);
    });
    TimelinePage page;
    for (size_t i = 0; i < all.size() && i < limit; ++i) {
      all[i]->entry.role = absl::StrJoin(all[i]->roles, ", ");
      page.entries.push_back(all[i]->entry);
    }
    if (all.size() > limit) page.next_cursor = all[limit - 1]->key.Encode();
    return page;
  }

 private:
  std::map<std::string, Pending> entries_;
};

std::string Role(absl::string_view what, int role,
                 const google::protobuf::EnumDescriptor* d) {
  if (role == 0) return std::string(what);
  const auto* v = d->FindValueByNumber(role);
  return absl::StrCat(what, ":", v == nullptr ? absl::StrCat(role) : v->name());
}

}  // namespace

std::string TimelinePage::ToJson() const {
  std::string out = "{\"entries\":[";
  for (size_t i = 0; i < entries.size(); ++i) {
    const TimelineEntry& e = entries[i];
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, "{\"what\":", JsonQuote(e.what),
                    ",\"record\":", JsonQuote(RefText(e.record)),
                    ",\"role\":", JsonQuote(e.role),
                    ",\"date\":", JsonQuote(DateText(e.date)));
    if (e.has_time) {
      absl::StrAppend(&out, ",\"time\":",
                      JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ",
                                                 FromTimestamp(e.time),
                                                 absl::UTCTimeZone())));
    }
    if (e.revision != 0) absl::StrAppend(&out, ",\"revision\":", e.revision);
    absl::StrAppend(&out, ",\"title\":", JsonQuote(e.title), "}");
  }
  absl::StrAppend(&out, "],\"next_cursor\":", JsonQuote(next_cursor), "}");
  return out;
}

absl::StatusOr<TimelinePage> Timeline(const Store& store,
                                      const v1::Ref& subject,
                                      const TimelineOptions& options) {
  QL_RETURN_IF_ERROR(CheckSubject(subject));
  if (options.limit == 0 || options.limit > 10000) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be between 1 and 10000, got ", options.limit));
  }
  std::optional<SortKey> after;
  if (!options.cursor.empty()) {
    QL_ASSIGN_OR_RETURN(after, SortKey::Decode(options.cursor));
  }
  TimelineBuilder b;
  // Its own history (also of a deleted record).
  QL_ASSIGN_OR_RETURN(std::vector<v1::ChangeRecord> history,
                      store.History(subject.kind(), subject.id()));
  if (history.empty()) {
    return absl::NotFoundError(
        absl::StrCat(RefText(subject), " does not exist"));
  }
  for (const v1::ChangeRecord& c : history) {
    std::string title;
    std::unique_ptr<google::protobuf::Message> row = NewRecord(subject.kind());
    if (row->ParseFromString(c.row())) {
      const auto* f = row->GetDescriptor()->FindFieldByName("name");
      if (f != nullptr) title = row->GetReflection()->GetString(*row, f);
    }
    b.Timed("history", subject, DayOf(c.at()), c.at(), c.revision(), title,
            v1::ChangeRecord::Op_Name(c.op()));
  }
  const std::string ref = RefText(subject);
  // Cases.
  for (const char* field : {"parties.ref", "related", "referred_to_org"}) {
    QL_ASSIGN_OR_RETURN(
        auto rows, records::QueryAll(
                       store, absl::StrCat("case where ", field, " = ", ref)));
    for (const auto& row : rows) {
      const auto& c = static_cast<const v1::Case&>(*row);
      const v1::Ref r = MakeRef(v1::KIND_CASE, c.meta().id());
      const std::string title = c.title().empty() ? c.description() : c.title();
      const std::string f = field;
      if (f == "parties.ref") {
        for (const auto& p : c.parties()) {
          if (!Same(p.ref(), subject)) continue;
          b.Record("case", r, c.received(), title,
                   Role("party", p.role(), v1::Case::Party::Role_descriptor()));
        }
      } else {
        b.Record("case", r, c.received(), title,
                 f == "related" ? "related" : "referred_to");
      }
    }
  }
  // Donations.
  for (const char* field :
       {"donors.ref", "recipients.ref", "related", "raised_via"}) {
    QL_ASSIGN_OR_RETURN(
        auto rows, records::QueryAll(store, absl::StrCat("donation where ",
                                                         field, " = ", ref)));
    for (const auto& row : rows) {
      const auto& d = static_cast<const v1::Donation&>(*row);
      const v1::Ref r = MakeRef(v1::KIND_DONATION, d.meta().id());
      const std::string f = field;
      if (f == "donors.ref" || f == "recipients.ref") {
        const bool donors = f == "donors.ref";
        for (const auto& p : donors ? d.donors() : d.recipients()) {
          if (!Same(p.ref(), subject)) continue;
          b.Record("donation", r, d.date(), d.title(),
                   Role(donors ? "donor" : "recipient", p.role(),
                        v1::Donation::Party::Role_descriptor()));
        }
      } else {
        b.Record("donation", r, d.date(), d.title(), f);
      }
    }
  }
  // Events.
  for (const char* field : {"participants.ref", "related"}) {
    QL_ASSIGN_OR_RETURN(
        auto rows, records::QueryAll(
                       store, absl::StrCat("event where ", field, " = ", ref)));
    for (const auto& row : rows) {
      const auto& e = static_cast<const v1::Event&>(*row);
      const v1::Ref r = MakeRef(v1::KIND_EVENT, e.meta().id());
      if (std::string(field) == "related") {
        b.Record("event", r, e.date(), e.title(), "related");
        continue;
      }
      for (const auto& p : e.participants()) {
        if (!Same(p.ref(), subject)) continue;
        b.Record("event", r, e.date(), e.title(),
                 Role("participant", p.role(),
                      v1::Event::Participant::Role_descriptor()));
      }
    }
  }
  // Relations (only when the subject still exists).
  absl::StatusOr<std::vector<Relation>> rels = Relations(store, subject);
  if (!rels.ok() && !absl::IsNotFound(rels.status())) return rels.status();
  if (rels.ok()) {
    for (const Relation& rel : *rels) {
      if (rel.other.id() == 0) continue;  // Unregistered: in the history.
      const std::string title =
          absl::StrCat(rel.type, rel.detail.empty() ? "" : " ", rel.detail,
                       rel.other_name.empty() ? "" : ": ", rel.other_name);
      if (DateKey(rel.since) != 0) {
        b.Record("relation", rel.source, rel.since, title, rel.type, rel.field);
        continue;
      }
      std::unique_ptr<google::protobuf::Message> src =
          NewRecord(rel.source.kind());
      if (!store.Get(rel.source.kind(), rel.source.id(), src.get()).ok()) {
        continue;
      }
      const v1::RecordMeta& meta = MetaOf(*src);
      b.Timed("relation", rel.source, DayOf(meta.updated_at()),
              meta.updated_at(), meta.revision(), title, rel.type, rel.field);
    }
  }
  return b.Page(after, options.limit);
}

}  // namespace qiaolian
