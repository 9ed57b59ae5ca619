// Duplicate detection and merge (include/qiaolian/duplicates.h).
#include "qiaolian/duplicates.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "leveldb/db.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "src/api/store_access.h"
#include "src/model/phone.h"
#include "src/search/terms.h"
#include "src/storage/db.h"
#include "src/storage/key_codec.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"

namespace qiaolian {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Field indexes used for candidates (src/model/indexes.cc).
constexpr uint16_t kPersonDocNumber = 106;
constexpr uint16_t kEnterpriseUscc = 201;
constexpr uint16_t kEnterpriseRegNumber = 202;
constexpr uint16_t kEnterpriseUnverifiedUscc = 220;

std::string Mask(absl::string_view s) {
  if (s.size() <= 4) return std::string(s);
  return absl::StrCat(std::string(s.size() - 4, '*'), s.substr(s.size() - 4));
}

bool FullDate(const v1::Date& d) {
  return d.year() != 0 && d.month() != 0 && d.day() != 0;
}

bool HasHan(absl::string_view s) {
  for (char32_t c : text::ToU32(s)) {
    if (text::IsHan(c)) return true;
  }
  return false;
}

struct Reason {
  int score;
  std::string text;
};

int Combine(std::vector<Reason>* reasons, int penalty) {
  if (reasons->empty()) return 0;
  std::stable_sort(
      reasons->begin(), reasons->end(),
      [](const Reason& a, const Reason& b) { return a.score > b.score; });
  int extra = 0;
  for (size_t i = 1; i < reasons->size(); ++i) extra += (*reasons)[i].score > 0;
  int s = (*reasons)[0].score + 5 * extra;
  s = std::min(s, 100) - penalty;
  return std::max(s, 0);
}

// Latin keys of a person without a Chinese name: compact, both word orders,
// and the pinyin a dialect surname stands for (Tan Wei Ming: chenweiming).
std::set<std::string> LatinKeys(const v1::Person& p) {
  std::set<std::string> out;
  for (const std::string& name :
       {p.name(), p.name_parts().latin(), p.name_parts().pinyin()}) {
    const std::string n = text::Normalize(name);
    if (n.empty() || HasHan(n)) continue;
    out.insert(text::Compact(n));
    for (const std::string& r : search::OtherNameOrders(n)) out.insert(r);
    for (const std::string& v : text::DialectSurnameVariants(n)) out.insert(v);
  }
  return out;
}

std::vector<std::string> HanNames(const v1::Person& p) {
  std::vector<std::string> out;
  for (const std::string& name : {p.name(), p.name_parts().chinese()}) {
    if (HasHan(name)) out.push_back(name);
  }
  return out;
}

DuplicatePair ScorePeople(const v1::Person& a, const v1::Person& b) {
  std::vector<Reason> reasons;
  bool doc = false;
  for (const v1::IdentityDocument& da : a.identity_documents()) {
    for (const v1::IdentityDocument& db : b.identity_documents()) {
      const std::string na = absl::AsciiStrToUpper(text::Compact(da.number()));
      if (!na.empty() &&
          na == absl::AsciiStrToUpper(text::Compact(db.number()))) {
        reasons.push_back(
            {100, absl::StrCat("same identity document number ", Mask(na))});
        doc = true;
      }
    }
  }
  const bool dates = FullDate(a.birth_date()) && FullDate(b.birth_date());
  const bool same_date =
      dates && DateText(a.birth_date()) == DateText(b.birth_date());
  std::set<std::string> names_a, names_b;
  for (const std::string& n : {a.name(), a.name_parts().chinese()}) {
    if (!text::Compact(n).empty()) names_a.insert(text::Compact(n));
  }
  for (const std::string& n : {b.name(), b.name_parts().chinese()}) {
    if (!text::Compact(n).empty()) names_b.insert(text::Compact(n));
  }
  for (const std::string& n : names_a) {
    if (names_b.count(n) == 0) continue;
    if (same_date) {
      reasons.push_back({90, absl::StrCat("same name ", n, " and birth date ",
                                          DateText(a.birth_date()))});
    } else if (!dates) {
      reasons.push_back(
          {45, absl::StrCat("same name ", n, "; a birth date is unknown")});
    }
    break;
  }
  // Phones are one number when they read as one (one of them may leave out
  // its country code); other contacts when their keys are equal.
  std::set<std::string> contacts_a;
  std::vector<model::PhoneNumber> phones_a;
  for (const v1::Contact& c : a.contacts()) {
    if (std::optional<model::PhoneNumber> p =
            model::ParsePhoneNumber(c.value())) {
      phones_a.push_back(*std::move(p));
    } else if (std::string k = search::ContactKey(c.value()); !k.empty()) {
      contacts_a.insert(std::move(k));
    }
  }
  for (const v1::Contact& c : b.contacts()) {
    if (std::optional<model::PhoneNumber> p =
            model::ParsePhoneNumber(c.value())) {
      auto same = std::find_if(phones_a.begin(), phones_a.end(),
                               [&](const model::PhoneNumber& x) {
                                 return model::SamePhoneNumber(x, *p);
                               });
      if (same == phones_a.end()) continue;
      reasons.push_back(
          {75, absl::StrCat("same phone ", Mask("tel:" + p->national),
                            same->country_code == p->country_code
                                ? ""
                                : " (one without its country code)")});
      phones_a.erase(same);
    } else if (const std::string k = search::ContactKey(c.value());
               !k.empty() && contacts_a.count(k) != 0) {
      reasons.push_back({75, absl::StrCat("same contact ", Mask(k))});
      contacts_a.erase(k);
    }
  }
  // Across scripts: one has only Latin names, the other a Chinese one.
  auto cross = [&](const v1::Person& han, const v1::Person& latin) {
    if (!HanNames(latin).empty()) return;
    std::set<std::string> keys = LatinKeys(latin);
    for (const std::string& n : HanNames(han)) {
      const std::string k = text::ToPinyin(text::Normalize(n), true).Full();
      if (!k.empty() && keys.count(k) != 0) {
        reasons.push_back(
            {same_date ? 85 : 60,
             absl::StrCat("Chinese name ", n, " reads as the Latin name ",
                          latin.name(),
                          same_date ? " (same birth date)" : "")});
        return;
      }
    }
  };
  cross(a, b);
  cross(b, a);
  int penalty = 0;
  if (dates && !same_date && !doc && !reasons.empty()) {
    penalty = 30;
    reasons.push_back(
        {0, absl::StrCat("birth dates differ (", DateText(a.birth_date()), ", ",
                         DateText(b.birth_date()), ")")});
  }
  DuplicatePair p;
  p.a = a.meta().id();
  p.b = b.meta().id();
  p.score = Combine(&reasons, penalty);
  for (Reason& r : reasons) p.reasons.push_back(std::move(r.text));
  return p;
}

// The top score of a name (or former-name) match between enterprises, and
// what two different USCCs take off (NameOnlyMatchCanReach relies on them).
constexpr int kSameNameScore = 85;
constexpr int kDifferentUsccPenalty = 40;

DuplicatePair ScoreEnterprises(const v1::Enterprise& a,
                               const v1::Enterprise& b) {
  std::vector<Reason> reasons;
  std::set<std::string> codes_a;
  for (const std::string& c : {a.uscc(), a.unverified_uscc()}) {
    if (!c.empty()) codes_a.insert(c);
  }
  for (const std::string& c : {b.uscc(), b.unverified_uscc()}) {
    if (!c.empty() && codes_a.count(c) != 0) {
      reasons.push_back({100, absl::StrCat("same USCC ", c)});
      break;
    }
  }
  if (!a.registration_number().empty() &&
      a.registration_number() == b.registration_number()) {
    reasons.push_back({95, absl::StrCat("same registration number ",
                                        a.registration_number())});
  }
  const std::string na = text::Compact(a.name()), nb = text::Compact(b.name());
  if (!na.empty() && na == nb) {
    reasons.push_back({kSameNameScore, absl::StrCat("same name ", na)});
  } else {
    auto former = [&](const v1::Enterprise& x, const std::string& name) {
      for (const std::string& f : x.former_names()) {
        if (!name.empty() && text::Compact(f) == name) return true;
      }
      return false;
    };
    if (former(a, nb) || former(b, na)) {
      reasons.push_back({70, "the name of one is a former name of the other"});
    }
  }
  int penalty = 0;
  if (!a.uscc().empty() && !b.uscc().empty() && a.uscc() != b.uscc() &&
      !reasons.empty()) {
    penalty = kDifferentUsccPenalty;
    reasons.push_back({0, "different USCCs"});
  }
  DuplicatePair p;
  p.a = a.meta().id();
  p.b = b.meta().id();
  p.score = Combine(&reasons, penalty);
  for (Reason& r : reasons) p.reasons.push_back(std::move(r.text));
  return p;
}

DuplicatePair Score(const Message& a, const Message& b) {
  if (a.GetDescriptor() == v1::Person::descriptor()) {
    return ScorePeople(static_cast<const v1::Person&>(a),
                       static_cast<const v1::Person&>(b));
  }
  return ScoreEnterprises(static_cast<const v1::Enterprise&>(a),
                          static_cast<const v1::Enterprise&>(b));
}

absl::Status CheckKind(Kind kind) {
  if (kind != v1::KIND_PERSON && kind != v1::KIND_ENTERPRISE) {
    return absl::InvalidArgumentError(
        absl::StrCat("duplicates and merge cover person and enterprise, not ",
                     KindName(kind)));
  }
  return absl::OkStatus();
}

// Reads of one snapshot.
class Reader {
 public:
  explicit Reader(const Store& store)
      : db_(internal::StoreAccess::Db(store)), snap_(db_.raw()) {
    ro_.snapshot = snap_.get();
    ro_.fill_cache = false;
  }

  absl::StatusOr<std::unique_ptr<Message>> Row(Kind kind, uint64_t id) {
    QL_ASSIGN_OR_RETURN(std::optional<std::string> row,
                        db_.Get(storage::RowKey(kind, id), snap_.get()));
    if (!row.has_value()) {
      return absl::NotFoundError(
          absl::StrCat(KindName(kind), " ", id, " not found"));
    }
    std::unique_ptr<Message> m = NewRecord(kind);
    QL_RETURN_IF_ERROR(storage::DecodeRow(db_, kind, id, *row, m.get()));
    return m;
  }

  // Calls fn(tuple-without-id, id) for each entry of `index_id` under
  // `prefix` (components after the index id).
  absl::Status Entries(
      uint16_t index_id, absl::string_view prefix,
      const std::function<bool(absl::string_view, uint64_t)>& fn) {
    std::unique_ptr<leveldb::Iterator> it(db_.raw()->NewIterator(ro_));
    const std::string base = storage::IndexPrefix(index_id);
    const std::string start = absl::StrCat(base, prefix);
    for (it->Seek(start); it->Valid() && it->key().starts_with(start);
         it->Next()) {
      absl::string_view key(it->key().data(), it->key().size());
      if (key.size() < base.size() + 8) continue;
      absl::string_view tail = key.substr(key.size() - 8);
      uint64_t id = 0;
      if (!storage::GetU64(&tail, &id)) continue;
      if (!fn(key.substr(base.size(), key.size() - base.size() - 8), id)) {
        break;
      }
    }
    return storage::FromLevelDb(it->status(), "reading index");
  }

  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) {
    return db_.Get(key, snap_.get());
  }

 private:
  const storage::Db& db_;
  storage::Snapshot snap_;
  leveldb::ReadOptions ro_;
};

// The first `components` components of an encoded tuple.
absl::string_view Head(absl::string_view tuple, int components) {
  absl::string_view rest = tuple;
  for (int i = 0; i < components; ++i) {
    storage::Component c;
    storage::Direction d;
    if (!storage::GetComponent(&rest, &c, &d)) return tuple;
    if (std::holds_alternative<storage::Null>(c)) return "";
  }
  return tuple.substr(0, tuple.size() - rest.size());
}

int64_t SecondInt(absl::string_view tuple) {
  storage::Component c;
  storage::Direction d;
  if (!storage::GetComponent(&tuple, &c, &d)) return -1;
  if (!storage::GetComponent(&tuple, &c, &d)) return -1;
  const int64_t* i = std::get_if<int64_t>(&c);
  return i == nullptr ? -1 : *i;
}

// An entry of a terms index for a name or former name.
bool NameField(absl::string_view tuple) {
  const int64_t f = SecondInt(tuple);
  return f == static_cast<int64_t>(search::Field::kName) ||
         f == static_cast<int64_t>(search::Field::kFormerName);
}

// Calls fn(index id, key head, names only) for each index prefix under
// which a duplicate of `record` would have an entry (names only: keep the
// entries NameField accepts). FindDuplicatesOf looks them up; DuplicateKeys
// hands them out.
// The index prefixes a record is probed under: the first `components` of
// each of its tuples (names only: the entries NameField accepts). One table
// for FindDuplicatesOf, DuplicateKeys and what an import keeps up to date.
struct Probe {
  Kind kind;
  uint16_t index_id;
  int components;
  bool names_only;
};
constexpr Probe kProbes[] = {
    {v1::KIND_PERSON, kPersonDocNumber, 1, false},
    {v1::KIND_PERSON, search::kPersonNameBirth, 2, false},
    {v1::KIND_PERSON, search::kPersonContact, 1, false},
    {v1::KIND_PERSON, search::kPersonCrossScript, 1, false},
    {v1::KIND_PERSON, search::kPersonTerms, 1, true},
    {v1::KIND_ENTERPRISE, kEnterpriseRegNumber, 1, false},
    {v1::KIND_ENTERPRISE, kEnterpriseUnverifiedUscc, 1, false},
    {v1::KIND_ENTERPRISE, kEnterpriseUscc, 1, false},
    {v1::KIND_ENTERPRISE, search::kEnterpriseTerms, 1, true},
};

void ForEachProbe(
    const model::IndexRegistry& reg, Kind kind, const Message& record,
    const std::function<void(uint16_t, absl::string_view, bool)>& fn) {
  for (const Probe& p : kProbes) {
    if (p.kind != kind) continue;
    const model::Index* idx = reg.Find(p.index_id);
    if (idx == nullptr) continue;
    for (const std::string& t : model::IndexTuples(*idx, record)) {
      if (p.names_only && !NameField(t)) continue;
      absl::string_view head = Head(t, p.components);
      if (!head.empty()) fn(p.index_id, head, p.names_only);
    }
  }
  if (kind != v1::KIND_ENTERPRISE) return;
  // The record's unverified code as another's valid one, and back.
  const auto& e = static_cast<const v1::Enterprise&>(record);
  for (const auto& [code, index_id] :
       {std::make_pair(e.unverified_uscc(), kEnterpriseUscc),
        std::make_pair(e.uscc(), kEnterpriseUnverifiedUscc)}) {
    if (code.empty()) continue;
    std::string head;
    storage::PutString(&head, code);
    fn(index_id, head, false);
  }
}

}  // namespace

namespace search {
std::vector<uint16_t> DuplicateProbeIndexes(v1::Kind kind) {
  std::vector<uint16_t> ids;
  for (const Probe& p : kProbes) {
    if (p.kind == kind) ids.push_back(p.index_id);
  }
  return ids;
}

bool IsNameKey(absl::string_view key) {
  uint16_t index_id = 0;
  if (!storage::GetU16(&key, &index_id)) return false;
  for (const Probe& p : kProbes) {
    if (p.index_id == index_id) return p.names_only;
  }
  return false;
}

bool NameOnlyMatchCanReach(const Message& record, bool others_have_uscc,
                           int min_score) {
  if (record.GetDescriptor() != v1::Enterprise::descriptor()) return true;
  const auto& e = static_cast<const v1::Enterprise&>(record);
  // Only a name or a former name in common: one reason, no bonus.
  const int best = e.uscc().empty() || !others_have_uscc
                       ? kSameNameScore
                       : kSameNameScore - kDifferentUsccPenalty;
  return best >= min_score;
}

// The row's name (Compact) is the record's name or one of its former
// names, or the record's name is one of the row's former names; a row
// without a name agrees.
template <typename T>
bool NamesAgree(const T& row, const T& existing) {
  const std::string n = text::Compact(row.name());
  if (n.empty()) return true;
  const std::string current = text::Compact(existing.name());
  if (current == n) return true;
  for (const std::string& f : existing.former_names()) {
    if (text::Compact(f) == n) return true;
  }
  for (const std::string& f : row.former_names()) {
    if (text::Compact(f) == current) return true;
  }
  return false;
}

bool SameRecordByName(const Message& row, const Message& existing) {
  if (const auto* e = dynamic_cast<const v1::Enterprise*>(&row)) {
    const auto& x = static_cast<const v1::Enterprise&>(existing);
    if (!e->uscc().empty() && !x.uscc().empty() && e->uscc() != x.uscc()) {
      return false;
    }
    return NamesAgree(*e, x);
  }
  if (const auto* p = dynamic_cast<const v1::Person*>(&row)) {
    const auto& x = static_cast<const v1::Person&>(existing);
    if (p->birth_date().year() != 0 && x.birth_date().year() != 0 &&
        p->birth_date().SerializeAsString() !=
            x.birth_date().SerializeAsString()) {
      return false;
    }
    return NamesAgree(*p, x);
  }
  // Events, cases, donations: the same date (a case's received date) or
  // the same title.
  const Reflection* rr = row.GetReflection();
  const Reflection* er = existing.GetReflection();
  for (const char* field : {"date", "received", "title"}) {
    const FieldDescriptor* f = row.GetDescriptor()->FindFieldByName(field);
    if (f == nullptr || f->is_repeated() || !rr->HasField(row, f) ||
        !er->HasField(existing, f)) {
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
            ? rr->GetMessage(row, f).SerializeAsString() ==
                  er->GetMessage(existing, f).SerializeAsString()
            : text::Compact(rr->GetString(row, f)) ==
                  text::Compact(er->GetString(existing, f))) {
      return true;
    }
  }
  return false;
}
}  // namespace search

namespace {

using Pairs = std::set<std::pair<uint64_t, uint64_t>>;

void AddPair(uint64_t a, uint64_t b, Pairs* out) {
  if (a == b) return;
  out->insert({std::min(a, b), std::max(a, b)});
}

// Pairs records sharing the first `components` components of an entry of
// `index_id`; `accept(tuple)` filters entries (e.g. by field).
absl::Status GroupPairs(
    Reader& r, uint16_t index_id, int components, const DuplicateOptions& o,
    Pairs* out,
    const std::function<bool(absl::string_view)>& accept = nullptr) {
  std::string current;
  std::vector<uint64_t> group;
  auto flush = [&] {
    const size_t n = std::min(group.size(), o.max_group);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = i + 1; j < n; ++j) AddPair(group[i], group[j], out);
    }
    group.clear();
  };
  QL_RETURN_IF_ERROR(
      r.Entries(index_id, "", [&](absl::string_view tuple, uint64_t id) {
        if (accept && !accept(tuple)) return true;
        absl::string_view head = Head(tuple, components);
        if (head.empty()) return true;  // Null value.
        if (head != current) {
          flush();
          current = std::string(head);
        }
        if (group.size() < o.max_group &&
            std::find(group.begin(), group.end(), id) == group.end()) {
          group.push_back(id);
        }
        return true;
      }));
  flush();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DuplicatePair>> ScorePairs(
    Reader& r, Kind kind, const Pairs& pairs, const DuplicateOptions& o) {
  std::map<uint64_t, std::unique_ptr<Message>> rows;
  auto row = [&](uint64_t id) -> absl::StatusOr<const Message*> {
    auto it = rows.find(id);
    if (it != rows.end()) return it->second.get();
    QL_ASSIGN_OR_RETURN(std::unique_ptr<Message> m, r.Row(kind, id));
    const Message* p = m.get();
    if (rows.size() > 100000) rows.clear();  // Bound memory.
    rows.emplace(id, std::move(m));
    return p;
  };
  std::vector<DuplicatePair> out;
  for (const auto& [a, b] : pairs) {
    QL_ASSIGN_OR_RETURN(const Message* ma, row(a));
    // Keep `ma` alive while reading `b`: copy when the cache may clear.
    std::unique_ptr<Message> ca(ma->New());
    ca->CopyFrom(*ma);
    QL_ASSIGN_OR_RETURN(const Message* mb, row(b));
    DuplicatePair p = Score(*ca, *mb);
    if (p.score >= o.min_score && p.score > 0) out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(),
            [](const DuplicatePair& x, const DuplicatePair& y) {
              if (x.score != y.score) return x.score > y.score;
              return std::make_pair(x.a, x.b) < std::make_pair(y.a, y.b);
            });
  if (out.size() > o.limit) out.resize(o.limit);
  return out;
}

// --- Refs, generically from the descriptors.

void CollectRefPaths(const Descriptor* d, const std::string& prefix, int depth,
                     std::vector<std::string>* out) {
  if (depth > 8) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string path =
        prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    if (f->message_type() == v1::Ref::descriptor()) {
      out->push_back(path);
    } else if (f->message_type()->file()->package() == "qiaolian.v1") {
      CollectRefPaths(f->message_type(), path, depth + 1, out);
    }
  }
}

bool IsTarget(const Message& ref, Kind kind, uint64_t id) {
  const auto& r = static_cast<const v1::Ref&>(ref);
  return r.kind() == kind && r.id() == id;
}

// Rewrites every Ref (kind, from) in `m` to (kind, to); returns how many.
uint64_t RewriteRefs(Message* m, Kind kind, uint64_t from, uint64_t to) {
  uint64_t n = 0;
  const Reflection* r = m->GetReflection();
  const Descriptor* d = m->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const bool is_ref = f->message_type() == v1::Ref::descriptor();
    auto visit = [&](Message* sub) {
      if (is_ref) {
        if (IsTarget(*sub, kind, from)) {
          static_cast<v1::Ref*>(sub)->set_id(to);
          ++n;
        }
      } else {
        n += RewriteRefs(sub, kind, from, to);
      }
    };
    if (f->is_repeated()) {
      for (int j = 0; j < r->FieldSize(*m, f); ++j) {
        visit(r->MutableRepeatedMessage(m, f, j));
      }
    } else if (r->HasField(*m, f)) {
      visit(r->MutableMessage(m, f));
    }
  }
  return n;
}

bool ContainsRefTo(const Message& m, Kind kind, uint64_t id) {
  const Reflection* r = m.GetReflection();
  const Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const bool is_ref = f->message_type() == v1::Ref::descriptor();
    auto check = [&](const Message& sub) {
      return is_ref ? IsTarget(sub, kind, id) : ContainsRefTo(sub, kind, id);
    };
    if (f->is_repeated()) {
      for (int j = 0; j < r->FieldSize(m, f); ++j) {
        if (check(r->GetRepeatedMessage(m, f, j))) return true;
      }
    } else if (r->HasField(m, f) && check(r->GetMessage(m, f))) {
      return true;
    }
  }
  return false;
}

// Drops links of `m` to itself (kind, self) that a merge created: repeated
// elements holding such a Ref, and singular Refs.
void DropSelfRefs(Message* m, Kind kind, uint64_t self) {
  const Reflection* r = m->GetReflection();
  const Descriptor* d = m->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->message_type()->full_name() == "qiaolian.v1.RecordMeta") continue;
    if (f->is_repeated()) {
      int keep = 0;
      const int n = r->FieldSize(*m, f);
      for (int j = 0; j < n; ++j) {
        if (!ContainsRefTo(r->GetRepeatedMessage(*m, f, j), kind, self)) {
          if (keep != j) r->SwapElements(m, f, keep, j);
          ++keep;
        }
      }
      for (int j = n; j > keep; --j) r->RemoveLast(m, f);
    } else if (r->HasField(*m, f) &&
               ContainsRefTo(r->GetMessage(*m, f), kind, self)) {
      if (f->message_type() == v1::Ref::descriptor()) {
        r->ClearField(m, f);
      } else {
        DropSelfRefs(r->MutableMessage(m, f), kind, self);
      }
    }
  }
}

// Survivor takes the merged record's values where it has none.
void MergeValues(const Message& from, Message* into) {
  const Reflection* r = into->GetReflection();
  const Descriptor* d = into->GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->name() == "meta") continue;
    if (f->is_repeated()) {
      std::set<std::string> have;
      for (int j = 0; j < r->FieldSize(*into, f); ++j) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          have.insert(r->GetRepeatedMessage(*into, f, j).SerializeAsString());
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          have.insert(r->GetRepeatedString(*into, f, j));
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          have.insert(absl::StrCat(r->GetRepeatedEnumValue(*into, f, j)));
        }
      }
      for (int j = 0; j < r->FieldSize(from, f); ++j) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          const Message& e = r->GetRepeatedMessage(from, f, j);
          if (have.insert(e.SerializeAsString()).second) {
            r->AddMessage(into, f)->CopyFrom(e);
          }
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          const std::string s = r->GetRepeatedString(from, f, j);
          if (have.insert(s).second) r->AddString(into, f, s);
        } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          const int v = r->GetRepeatedEnumValue(from, f, j);
          if (have.insert(absl::StrCat(v)).second) {
            r->AddEnumValue(into, f, v);
          }
        }
      }
      continue;
    }
    if (f->name() == "notes") {
      const std::string a = r->GetString(*into, f), b = r->GetString(from, f);
      if (!b.empty() && a != b) {
        r->SetString(into, f, a.empty() ? b : absl::StrCat(a, "\n", b));
      }
      continue;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!r->HasField(*into, f) && r->HasField(from, f)) {
        r->MutableMessage(into, f)->CopyFrom(r->GetMessage(from, f));
      } else if (r->HasField(*into, f) && r->HasField(from, f) &&
                 f->message_type() != v1::Ref::descriptor() &&
                 f->message_type() != v1::Date::descriptor() &&
                 f->message_type() != v1::Money::descriptor()) {
        MergeValues(r->GetMessage(from, f), r->MutableMessage(into, f));
      }
      continue;
    }
    if (!r->HasField(*into, f) && r->HasField(from, f)) {
      // proto3 scalars: HasField means non-default.
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          r->SetString(into, f, r->GetString(from, f));
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          r->SetEnumValue(into, f, r->GetEnumValue(from, f));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          r->SetBool(into, f, r->GetBool(from, f));
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          r->SetInt32(into, f, r->GetInt32(from, f));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          r->SetInt64(into, f, r->GetInt64(from, f));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          r->SetUInt32(into, f, r->GetUInt32(from, f));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          r->SetUInt64(into, f, r->GetUInt64(from, f));
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace

std::vector<std::string> RefFieldPaths(Kind kind) {
  std::vector<std::string> out;
  if (const Descriptor* d = DescriptorOf(kind)) CollectRefPaths(d, "", 0, &out);
  return out;
}

absl::StatusOr<DuplicatePair> CompareRecords(const Store& store, Kind kind,
                                             uint64_t a, uint64_t b) {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  Reader r(store);
  QL_ASSIGN_OR_RETURN(std::unique_ptr<Message> ma, r.Row(kind, a));
  QL_ASSIGN_OR_RETURN(std::unique_ptr<Message> mb, r.Row(kind, b));
  return Score(*ma, *mb);
}

absl::StatusOr<std::vector<DuplicatePair>> FindDuplicates(
    const Store& store, Kind kind, const DuplicateOptions& options) {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  Reader r(store);
  Pairs pairs;
  if (kind == v1::KIND_PERSON) {
    QL_RETURN_IF_ERROR(GroupPairs(r, kPersonDocNumber, 1, options, &pairs));
    QL_RETURN_IF_ERROR(
        GroupPairs(r, search::kPersonNameBirth, 2, options, &pairs));
    QL_RETURN_IF_ERROR(
        GroupPairs(r, search::kPersonContact, 1, options, &pairs));
    // Cross-script: pair Han-sourced (0) with Latin-only (1) ids per key.
    std::string current;
    std::vector<uint64_t> han, latin;
    auto flush = [&] {
      for (size_t i = 0; i < han.size(); ++i) {
        for (size_t j = 0; j < latin.size(); ++j) {
          AddPair(han[i], latin[j], &pairs);
        }
      }
      han.clear();
      latin.clear();
    };
    QL_RETURN_IF_ERROR(r.Entries(search::kPersonCrossScript, "",
                                 [&](absl::string_view tuple, uint64_t id) {
                                   absl::string_view head = Head(tuple, 1);
                                   if (head != current) {
                                     flush();
                                     current = std::string(head);
                                   }
                                   std::vector<uint64_t>& v =
                                       SecondInt(tuple) == 0 ? han : latin;
                                   if (v.size() < options.max_group)
                                     v.push_back(id);
                                   return true;
                                 }));
    flush();
  } else {
    QL_RETURN_IF_ERROR(GroupPairs(r, kEnterpriseRegNumber, 1, options, &pairs));
    QL_RETURN_IF_ERROR(
        GroupPairs(r, kEnterpriseUnverifiedUscc, 1, options, &pairs));
    // An unverified code equal to another's valid one.
    std::vector<std::pair<std::string, uint64_t>> unverified;
    QL_RETURN_IF_ERROR(r.Entries(kEnterpriseUnverifiedUscc, "",
                                 [&](absl::string_view tuple, uint64_t id) {
                                   if (!Head(tuple, 1).empty())
                                     unverified.emplace_back(tuple, id);
                                   return true;
                                 }));
    for (const auto& [tuple, id] : unverified) {
      std::string uk = storage::UniquePrefix(kEnterpriseUscc);
      uk += tuple;
      QL_ASSIGN_OR_RETURN(std::optional<std::string> holder, r.Get(uk));
      // A view of the held value (value_or would return a temporary).
      absl::string_view v =
          holder.has_value() ? absl::string_view(*holder) : absl::string_view();
      uint64_t other = 0;
      if (holder.has_value() && storage::GetU64(&v, &other)) {
        AddPair(id, other, &pairs);
      }
    }
    // Same normalised name, or a name equal to another's former name.
    QL_RETURN_IF_ERROR(GroupPairs(
        r, search::kEnterpriseTerms, 1, options, &pairs,
        [](absl::string_view tuple) {
          const int64_t f = SecondInt(tuple);
          return f == static_cast<int64_t>(search::Field::kName) ||
                 f == static_cast<int64_t>(search::Field::kFormerName);
        }));
  }
  return ScorePairs(r, kind, pairs, options);
}

absl::StatusOr<std::vector<DuplicatePair>> FindDuplicatesOf(
    const Store& store, const Message& record,
    const DuplicateOptions& options) {
  QL_ASSIGN_OR_RETURN(Kind kind, KindOf(record));
  QL_RETURN_IF_ERROR(CheckKind(kind));
  Reader r(store);
  const uint64_t self = MetaOf(record).id();
  std::set<uint64_t> ids;
  absl::Status status;
  ForEachProbe(internal::StoreAccess::Indexes(store), kind, record,
               [&](uint16_t index_id, absl::string_view head, bool names_only) {
                 if (!status.ok()) return;
                 size_t n = 0;
                 status = r.Entries(index_id, head,
                                    [&](absl::string_view tuple, uint64_t id) {
                                      if (names_only && !NameField(tuple))
                                        return true;
                                      if (id != self) ids.insert(id);
                                      return ++n < options.max_group;
                                    });
               });
  QL_RETURN_IF_ERROR(status);
  std::vector<DuplicatePair> out;
  for (uint64_t id : ids) {
    QL_ASSIGN_OR_RETURN(std::unique_ptr<Message> other, r.Row(kind, id));
    DuplicatePair p = Score(record, *other);
    p.a = self;
    p.b = id;
    if (p.score >= options.min_score && p.score > 0)
      out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(),
            [](const DuplicatePair& x, const DuplicatePair& y) {
              return x.score != y.score ? x.score > y.score : x.b < y.b;
            });
  if (out.size() > options.limit) out.resize(options.limit);
  return out;
}

DuplicatePair CompareRecords(const Message& a, const Message& b) {
  DuplicatePair p;
  const absl::StatusOr<Kind> ka = KindOf(a), kb = KindOf(b);
  if (!ka.ok() || !kb.ok() || *ka != *kb || !CheckKind(*ka).ok()) return p;
  p = Score(a, b);
  p.a = MetaOf(a).id();
  p.b = MetaOf(b).id();
  return p;
}

std::vector<std::string> DuplicateKeys(const Store& store,
                                       const Message& record) {
  std::vector<std::string> keys;
  const absl::StatusOr<Kind> kind = KindOf(record);
  if (!kind.ok() || !CheckKind(*kind).ok()) return keys;
  ForEachProbe(internal::StoreAccess::Indexes(store), *kind, record,
               [&](uint16_t index_id, absl::string_view head, bool) {
                 std::string key;
                 storage::PutU16(&key, index_id);
                 key.append(head.data(), head.size());
                 keys.push_back(std::move(key));
               });
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

void MergeRecordValues(const Message& from, Message* into) {
  if (from.GetDescriptor() != into->GetDescriptor()) return;
  MergeValues(from, into);
  const Descriptor* d = into->GetDescriptor();
  const FieldDescriptor* name = d->FindFieldByName("name");
  const FieldDescriptor* former = d->FindFieldByName("former_names");
  if (name == nullptr || former == nullptr || !former->is_repeated() ||
      name->cpp_type() != FieldDescriptor::CPPTYPE_STRING ||
      former->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return;
  }
  const Reflection* rf = into->GetReflection();
  const std::string old_name = rf->GetString(from, name);
  const std::string compact = text::Compact(old_name);
  if (compact.empty() || compact == text::Compact(rf->GetString(*into, name))) {
    return;
  }
  for (int j = 0; j < rf->FieldSize(*into, former); ++j) {
    if (text::Compact(rf->GetRepeatedString(*into, former, j)) == compact) {
      return;
    }
  }
  rf->AddString(into, former, old_name);
}

absl::StatusOr<MergeResult> Merge(Store& store, Kind kind, uint64_t survivor,
                                  uint64_t merged,
                                  const WriteOptions& options) {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  if (survivor == merged || survivor == 0 || merged == 0) {
    return absl::InvalidArgumentError(absl::StrCat("merge needs two different ",
                                                   KindName(kind), " ids, got ",
                                                   survivor, " and ", merged));
  }
  const model::IndexRegistry& reg = internal::StoreAccess::Indexes(store);
  std::unique_ptr<Message> keep, gone;
  // Referrers: (kind, id) -> record, found through every Ref field of
  // every kind; by its index when there is one, else by a scan.
  std::map<std::pair<Kind, uint64_t>, std::unique_ptr<Message>> referrers;
  {
    Reader r(store);
    QL_ASSIGN_OR_RETURN(keep, r.Row(kind, survivor));
    QL_ASSIGN_OR_RETURN(gone, r.Row(kind, merged));
    std::string target;
    storage::PutInt64(&target, kind);
    storage::PutUint64(&target, merged);
    for (Kind k : kAllKinds) {
      bool scan = false;
      std::set<uint64_t> ids;
      for (const std::string& path : RefFieldPaths(k)) {
        const model::Index* idx = nullptr;
        for (const model::Index* i : reg.OfKind(k)) {
          if (i->paths.size() == 1 && i->paths[0].text == path) idx = i;
        }
        if (idx == nullptr) {
          scan = true;
          continue;
        }
        QL_RETURN_IF_ERROR(r.Entries(idx->spec.id, target,
                                     [&](absl::string_view, uint64_t id) {
                                       ids.insert(id);
                                       return true;
                                     }));
      }
      if (scan) {
        QL_RETURN_IF_ERROR(store.Scan(k, 0, [&](const Message& m) {
          if (ContainsRefTo(m, kind, merged)) ids.insert(MetaOf(m).id());
          return true;
        }));
      }
      for (uint64_t id : ids) {
        if (k == kind && (id == merged || id == survivor)) continue;
        QL_ASSIGN_OR_RETURN(std::unique_ptr<Message> m, r.Row(k, id));
        referrers.emplace(std::make_pair(k, id), std::move(m));
      }
    }
  }
  MergeResult result;
  result.survivor = survivor;
  result.merged = merged;
  // The survivor: its own Refs to the merged record, then the values.
  result.refs_moved += RewriteRefs(keep.get(), kind, merged, survivor);
  std::unique_ptr<Message> from(gone->New());
  from->CopyFrom(*gone);
  RewriteRefs(from.get(), kind, merged, survivor);
  MergeRecordValues(*from, keep.get());
  DropSelfRefs(keep.get(), kind, survivor);
  std::vector<Message*> updates = {keep.get()};
  for (auto& [key, m] : referrers) {
    const uint64_t n = RewriteRefs(m.get(), kind, merged, survivor);
    if (n == 0) continue;  // An index entry without the Ref: verify's job.
    result.refs_moved += n;
    result.moved.push_back(key);
    updates.push_back(m.get());
  }
  v1::MergeInfo info;
  info.mutable_from()->set_kind(kind);
  info.mutable_from()->set_id(merged);
  info.mutable_into()->set_kind(kind);
  info.mutable_into()->set_id(survivor);
  const std::pair<Kind, uint64_t> del[] = {{kind, merged}};
  QL_RETURN_IF_ERROR(internal::StoreAccess::Commit(
      store, updates, del, options,
      [&](v1::ChangeRecord* c) { *c->mutable_merge() = info; }));
  return result;
}

}  // namespace qiaolian
