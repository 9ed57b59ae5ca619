#include "src/model/indexes.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "qiaolian/record.h"
#include "qiaolian/v1/options.pb.h"
#include "src/search/terms.h"
#include "src/storage/key_codec.h"
#include "src/storage/postings.h"

namespace qiaolian {
namespace model {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The built-in indexes. Ids: 1xx person, 2xx enterprise, 3xx case,
// 4xx donation, 5xx event. FROZEN: append, never renumber or reuse.
std::vector<IndexSpec> FieldSpecs() {
  using v1::KIND_CASE;
  using v1::KIND_DONATION;
  using v1::KIND_ENTERPRISE;
  using v1::KIND_EVENT;
  using v1::KIND_PERSON;
  return {
      // Person.
      {101, KIND_PERSON, {"name"}},
      {102, KIND_PERSON, {"categories"}, false, {"category"}},
      {103, KIND_PERSON, {"residence_country"}, false, {"country"}},
      {104, KIND_PERSON, {"hometown.code"}, false, {"hometown"}},
      {105,
       KIND_PERSON,
       {"identity_documents.type", "identity_documents.issuing_country",
        "identity_documents.number"},
       true},
      {106,
       KIND_PERSON,
       {"identity_documents.number"},
       false,
       {"id_number", "document_number"}},
      // Phones, e-mails, WeChat ids...: every contact value.
      {107,
       KIND_PERSON,
       {"contacts.value"},
       false,
       {"contact", "phone", "email"}},
      {108, KIND_PERSON, {"tags"}, false, {"tag"}},
      {109, KIND_PERSON, {"key_person"}},
      {110, KIND_PERSON, {"nationalities"}, false, {"nationality"}},
      {111, KIND_PERSON, {"residence_country", "categories"}},
      {112, KIND_PERSON, {"employer"}},
      {113, KIND_PERSON, {"relations.person"}},
      {114, KIND_PERSON, {"memberships.organization"}},
      {115, KIND_PERSON, {"memberships.recommended"}},
      {116, KIND_PERSON, {"former_names"}, false, {"former_name"}},
      // Enterprise.
      {201, KIND_ENTERPRISE, {"uscc"}, true},
      {202, KIND_ENTERPRISE, {"registration_number"}},
      {203, KIND_ENTERPRISE, {"name"}},
      {204,
       KIND_ENTERPRISE,
       {"legal_representative.name"},
       false,
       {"legal_representative"}},
      {205, KIND_ENTERPRISE, {"status"}},
      {206, KIND_ENTERPRISE, {"established"}},
      {207,
       KIND_ENTERPRISE,
       {"investor_countries"},
       false,
       {"investor_country"}},
      {208,
       KIND_ENTERPRISE,
       {"registration_division.code"},
       false,
       {"division"}},
      {209,
       KIND_ENTERPRISE,
       {"registration_division.district"},
       false,
       {"district"}},
      {210, KIND_ENTERPRISE, {"industry"}},
      {211, KIND_ENTERPRISE, {"type"}},
      {212, KIND_ENTERPRISE, {"overseas_chinese_invested"}},
      {213, KIND_ENTERPRISE, {"legal_representative.person"}},
      {214, KIND_ENTERPRISE, {"parent"}},
      {215, KIND_ENTERPRISE, {"officers.person"}},
      {216, KIND_ENTERPRISE, {"tags"}, false, {"tag"}},
      {217, KIND_ENTERPRISE, {"industry_code"}},
      {218, KIND_ENTERPRISE, {"former_names"}, false, {"former_name"}},
      {219,
       KIND_ENTERPRISE,
       {"registration_division.region"},
       false,
       {"region"}},
      {220, KIND_ENTERPRISE, {"unverified_uscc"}},
      // Phones and e-mails (企查查 exports have them): search by one.
      {221,
       KIND_ENTERPRISE,
       {"contacts.value"},
       false,
       {"contact", "phone", "email"}},
      // The associations an enterprise is a member of: the reverse of
      // Enterprise.memberships, for relations (src/records/relations.cc).
      {230, KIND_ENTERPRISE, {"memberships.organization"}},
      // Case.
      {301, KIND_CASE, {"channel"}},
      {302, KIND_CASE, {"type"}},
      {303, KIND_CASE, {"topic"}},
      {304, KIND_CASE, {"status"}},
      {305, KIND_CASE, {"received"}},
      {306, KIND_CASE, {"due"}, false, {"deadline"}},
      {307, KIND_CASE, {"reply_due"}},
      {308, KIND_CASE, {"parties.ref"}, false, {"party"}},
      {309, KIND_CASE, {"referred_to_org"}},
      {310, KIND_CASE, {"related"}},
      {311, KIND_CASE, {"closed"}},
      {312, KIND_CASE, {"tags"}, false, {"tag"}},
      {313, KIND_CASE, {"number"}},
      {330, KIND_CASE, {"replied"}},  // Overdue replies (src/cases/).
      // Donation.
      {401, KIND_DONATION, {"date"}},
      {402, KIND_DONATION, {"direction"}},
      {403, KIND_DONATION, {"purpose"}},
      {404, KIND_DONATION, {"donors.ref"}, false, {"donor"}},
      {405, KIND_DONATION, {"recipients.ref"}, false, {"recipient"}},
      {406, KIND_DONATION, {"campaign"}},
      {407, KIND_DONATION, {"campaign_event"}},
      {408, KIND_DONATION, {"money.currency"}, false, {"currency"}},
      {409, KIND_DONATION, {"raised_via"}},
      {410, KIND_DONATION, {"related"}},
      {411, KIND_DONATION, {"type"}},
      {412, KIND_DONATION, {"tags"}, false, {"tag"}},
      // Event.
      {501, KIND_EVENT, {"type"}},
      {502, KIND_EVENT, {"date"}},
      {503, KIND_EVENT, {"participants.ref"}, false, {"participant"}},
      {504, KIND_EVENT, {"outlet"}},
      {505, KIND_EVENT, {"channel"}},
      {506, KIND_EVENT, {"topic"}},
      {507, KIND_EVENT, {"occasion"}},
      {508, KIND_EVENT, {"related"}},
      {509, KIND_EVENT, {"tags"}, false, {"tag"}},
      {510, KIND_EVENT, {"type", "date"}},
      // Where imported rows came from: the natural key of records that have
      // no other (src/ingest/importer.cc), so a re-run finds them.
      {190, KIND_PERSON, {"meta.source.file", "meta.source.line"}},
      {290, KIND_ENTERPRISE, {"meta.source.file", "meta.source.line"}},
      {390, KIND_CASE, {"meta.source.file", "meta.source.line"}},
      {490, KIND_DONATION, {"meta.source.file", "meta.source.line"}},
      {590, KIND_EVENT, {"meta.source.file", "meta.source.line"}},
  };
}

// The built-in indexes: declared fields, then the derived search and
// duplicate-detection indexes (ids 140-159, 240-259; src/search/terms.h).
std::vector<IndexSpec> BuiltinSpecs() {
  std::vector<IndexSpec> specs = FieldSpecs();
  for (IndexSpec& s : search::SearchIndexSpecs()) specs.push_back(std::move(s));
  return specs;
}

bool IsDate(const Descriptor* d) { return d == v1::Date::descriptor(); }
bool IsRef(const Descriptor* d) { return d == v1::Ref::descriptor(); }

LeafValue DateValue(const Message& m) {
  const auto& d = static_cast<const v1::Date&>(m);
  LeafValue v;
  v.null = d.year() == 0 && d.month() == 0 && d.day() == 0;
  v.i = int64_t{d.year()} * 10000 + d.month() * 100 + d.day();
  return v;
}

LeafValue RefValue(const Message& m) {
  const auto& r = static_cast<const v1::Ref&>(m);
  LeafValue v;
  v.null = r.id() == 0;
  v.i = r.kind();
  v.u = r.id();
  return v;
}

// The value of a singular leaf `f` of `m`.
LeafValue SingularLeaf(const Message& m, const FieldDescriptor* f) {
  const Reflection* r = m.GetReflection();
  LeafValue v;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      v.s = r->GetString(m, f);
      v.null = v.s.empty();
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      v.i = r->GetEnumValue(m, f);
      v.null = v.i == 0;
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      v.i = r->GetBool(m, f) ? 1 : 0;
      v.null = false;
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      v.i = r->GetInt32(m, f);
      v.null = false;
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      v.i = r->GetInt64(m, f);
      v.null = false;
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      v.u = r->GetUInt32(m, f);
      v.null = false;
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      v.u = r->GetUInt64(m, f);
      v.null = false;
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (!r->HasField(m, f)) break;
      if (IsDate(f->message_type())) return DateValue(r->GetMessage(m, f));
      if (IsRef(f->message_type())) return RefValue(r->GetMessage(m, f));
      break;
    default:
      break;
  }
  return v;
}

LeafValue RepeatedLeaf(const Message& m, const FieldDescriptor* f, int i) {
  const Reflection* r = m.GetReflection();
  LeafValue v;
  v.null = false;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      v.s = r->GetRepeatedString(m, f, i);
      v.null = v.s.empty();
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      v.i = r->GetRepeatedEnumValue(m, f, i);
      v.null = v.i == 0;
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      v.i = r->GetRepeatedBool(m, f, i) ? 1 : 0;
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      v.i = r->GetRepeatedInt32(m, f, i);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      v.i = r->GetRepeatedInt64(m, f, i);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      v.u = r->GetRepeatedUInt32(m, f, i);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      v.u = r->GetRepeatedUInt64(m, f, i);
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = r->GetRepeatedMessage(m, f, i);
      if (IsDate(f->message_type())) return DateValue(sub);
      if (IsRef(f->message_type())) return RefValue(sub);
      v.null = true;
      break;
    }
    default:
      v.null = true;
  }
  return v;
}

bool RestHasRepeated(const FieldPath& p, size_t depth) {
  for (size_t i = depth; i < p.fields.size(); ++i) {
    if (p.fields[i]->is_repeated()) return true;
  }
  return false;
}

// Values of `p` from segment `depth` on, in `m`. Inside a repeated element an
// absent value is dropped rather than reported as Null.
void Collect(const Message& m, const FieldPath& p, size_t depth,
             bool in_repeated, std::vector<LeafValue>* out) {
  const FieldDescriptor* f = p.fields[depth];
  const Reflection* r = m.GetReflection();
  const bool last = depth + 1 == p.fields.size();
  if (last) {
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) {
        LeafValue v = RepeatedLeaf(m, f, i);
        if (!v.null) out->push_back(std::move(v));
      }
    } else {
      LeafValue v = SingularLeaf(m, f);
      if (!v.null || !in_repeated) out->push_back(std::move(v));
    }
    return;
  }
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      Collect(r->GetRepeatedMessage(m, f, i), p, depth + 1, true, out);
    }
    return;
  }
  if (!r->HasField(m, f)) {
    if (!in_repeated && !RestHasRepeated(p, depth + 1)) {
      out->push_back(LeafValue{});
    }
    return;
  }
  Collect(r->GetMessage(m, f), p, depth + 1, in_repeated, out);
}

// Tuples of all `paths` (each from segment `depth`) within `m`; components
// that share a repeated message field iterate its elements together.
void Tuples(const Message& m, const std::vector<FieldPath>& paths, size_t depth,
            bool in_repeated, std::vector<std::string>* out) {
  const FieldDescriptor* shared = nullptr;
  bool all_share = paths.size() > 1;
  for (const FieldPath& p : paths) {
    if (depth + 1 >= p.fields.size()) {
      all_share = false;
      break;
    }
    if (shared == nullptr) shared = p.fields[depth];
    if (p.fields[depth] != shared) all_share = false;
  }
  if (all_share) {
    const Reflection* r = m.GetReflection();
    if (shared->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, shared); ++i) {
        Tuples(r->GetRepeatedMessage(m, shared, i), paths, depth + 1, true,
               out);
      }
      return;
    }
    if (r->HasField(m, shared)) {
      Tuples(r->GetMessage(m, shared), paths, depth + 1, in_repeated, out);
      return;
    }
    // Unset singular parent: fall through; every component reports absence.
  }
  std::vector<std::string> partial = {std::string()};
  for (const FieldPath& p : paths) {
    std::vector<LeafValue> values;
    Collect(m, p, depth, in_repeated, &values);
    std::vector<std::string> next;
    for (const std::string& prefix : partial) {
      for (const LeafValue& v : values) {
        std::string t = prefix;
        EncodeLeaf(p, v, &t);
        next.push_back(std::move(t));
      }
    }
    partial = std::move(next);
    if (partial.empty()) return;
  }
  for (std::string& t : partial) out->push_back(std::move(t));
}

}  // namespace

absl::StatusOr<FieldPath> ResolvePath(const Descriptor* d,
                                      absl::string_view path) {
  FieldPath out;
  std::vector<std::string> canonical;
  const Descriptor* cur = d;
  for (absl::string_view seg : absl::StrSplit(path, '.')) {
    if (cur == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field path \"", path, "\": ", absl::StrJoin(canonical, "."),
          " has no sub-fields"));
    }
    const FieldDescriptor* f = cur->FindFieldByName(std::string(seg));
    if (f == nullptr) f = cur->FindFieldByCamelcaseName(std::string(seg));
    if (f == nullptr) {
      std::vector<std::string> names;
      for (int i = 0; i < cur->field_count(); ++i) {
        names.push_back(cur->field(i)->name());
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", seg, "\" in ", cur->name(),
                       " (fields: ", absl::StrJoin(names, ", "), ")"));
    }
    out.fields.push_back(f);
    out.repeated = out.repeated || f->is_repeated();
    canonical.push_back(f->name());
    cur = f->message_type();
    if (cur != nullptr && (IsDate(cur) || IsRef(cur))) cur = nullptr;
  }
  const FieldDescriptor* leaf = out.fields.back();
  switch (leaf->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      out.leaf = LeafType::kString;
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      out.leaf = LeafType::kEnum;
      out.enum_type = leaf->enum_type();
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out.leaf = LeafType::kBool;
      break;
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
      out.leaf = LeafType::kInt;
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      out.leaf = LeafType::kUint;
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (IsDate(leaf->message_type())) {
        out.leaf = LeafType::kDate;
        break;
      }
      if (IsRef(leaf->message_type())) {
        out.leaf = LeafType::kRef;
        break;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "field path \"", path, "\" ends in a ", leaf->message_type()->name(),
          " message; name one of its fields (e.g. ", path, ".",
          leaf->message_type()->field(0)->name(), ")"));
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("field path \"", path, "\" has an unsupported type"));
  }
  out.text = absl::StrJoin(canonical, ".");
  return out;
}

std::vector<LeafValue> ExtractValues(const Message& record,
                                     const FieldPath& path) {
  std::vector<LeafValue> out;
  Collect(record, path, 0, false, &out);
  return out;
}

void EncodeLeaf(const FieldPath& path, const LeafValue& v, std::string* out) {
  if (v.null) {
    storage::PutNull(out);
    return;
  }
  switch (path.leaf) {
    case LeafType::kString:
      if (path.keyed != nullptr) {
        storage::PutString(out, (*path.keyed)(v.s));
      } else {
        storage::PutString(out, v.s);
      }
      break;
    case LeafType::kEnum:
    case LeafType::kBool:
    case LeafType::kInt:
    case LeafType::kDate:
      storage::PutInt64(out, v.i);
      break;
    case LeafType::kUint:
      storage::PutUint64(out, v.u);
      break;
    case LeafType::kRef:
      storage::PutInt64(out, v.i);
      storage::PutUint64(out, v.u);
      break;
  }
}

std::vector<std::string> IndexTuples(const Index& index,
                                     const Message& record) {
  std::vector<std::string> out;
  if (index.spec.derive) {
    index.spec.derive(record, &out);
  } else {
    Tuples(record, index.paths, 0, false, &out);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool IsEncryptedPath(const FieldPath& path) {
  if (path.fields.empty()) return false;
  for (const FieldDescriptor* f : path.fields) {
    if (f->options().GetExtension(v1::public_data)) return false;
  }
  const FieldDescriptor* leaf = path.fields.back();
  return leaf->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
         leaf->options().HasExtension(v1::sensitive);
}

namespace {

void WalkEncrypted(
    Message* m, const std::string& prefix,
    const std::function<void(const std::string&, std::string*)>& fn) {
  const Reflection* r = m->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(*m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->options().GetExtension(v1::public_data)) continue;
    const std::string name = prefix.empty()
                                 ? std::string(f->name())
                                 : absl::StrCat(prefix, ".", f->name());
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (!f->options().HasExtension(v1::sensitive)) continue;
      if (!f->is_repeated()) {
        std::string v = r->GetString(*m, f);
        if (v.empty()) continue;
        const std::string before = v;
        fn(name, &v);
        if (v != before) r->SetString(m, f, std::move(v));
        continue;
      }
      for (int i = 0; i < r->FieldSize(*m, f); ++i) {
        std::string v = r->GetRepeatedString(*m, f, i);
        if (v.empty()) continue;
        const std::string before = v;
        fn(absl::StrCat(name, "[", i, "]"), &v);
        if (v != before) r->SetRepeatedString(m, f, i, std::move(v));
      }
      continue;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(*m, f); ++i) {
        WalkEncrypted(r->MutableRepeatedMessage(m, f, i),
                      absl::StrCat(name, "[", i, "]"), fn);
      }
    } else {
      WalkEncrypted(r->MutableMessage(m, f), name, fn);
    }
  }
}

// `tuple` with each string component replaced by its keyed hash.
std::string HashStringComponents(absl::string_view tuple,
                                 const KeyedHash& hash) {
  std::string out;
  while (!tuple.empty()) {
    storage::Component c;
    storage::Direction dir;
    if (!storage::GetComponent(&tuple, &c, &dir)) break;
    if (const auto* s = std::get_if<std::string>(&c)) c = hash(*s);
    storage::PutComponent(&out, c, dir);
  }
  return out;
}

}  // namespace

void ForEachEncryptedValue(
    Message* record,
    const std::function<void(const std::string&, std::string*)>& fn) {
  if (record != nullptr) WalkEncrypted(record, "", fn);
}

IndexRegistry IndexRegistry::WithKeyedHash(KeyedHash hash) const {
  auto keyed = std::make_shared<const KeyedHash>(std::move(hash));
  IndexRegistry out = *this;
  for (Index& idx : out.indexes_) {
    if (idx.spec.derive) {
      auto derive = idx.spec.derive;
      switch (idx.spec.sensitive_input) {
        case SensitiveInput::kNone:
          continue;
        case SensitiveInput::kExclude:
          idx.spec.derive = [derive](const Message& m,
                                     std::vector<std::string>* tuples) {
            std::unique_ptr<Message> copy(m.New());
            copy->CopyFrom(m);
            ForEachEncryptedValue(
                copy.get(),
                [](const std::string&, std::string* v) { v->clear(); });
            derive(*copy, tuples);
          };
          break;
        case SensitiveInput::kHash:
          idx.spec.derive = [derive, keyed](const Message& m,
                                            std::vector<std::string>* tuples) {
            std::vector<std::string> plain;
            derive(m, &plain);
            for (const std::string& t : plain) {
              tuples->push_back(HashStringComponents(t, *keyed));
            }
          };
          break;
      }
      idx.fingerprint += "|keyed";
      continue;
    }
    bool any = false;
    for (FieldPath& p : idx.paths) {
      if (p.leaf == LeafType::kString && IsEncryptedPath(p)) {
        p.keyed = keyed;
        any = true;
      }
    }
    if (any) idx.fingerprint += "|keyed";
  }
  return out;
}

const FieldPath* IndexRegistry::FindPath(v1::Kind kind,
                                         absl::string_view text) const {
  for (const Index& i : indexes_) {
    if (i.spec.kind != kind) continue;
    for (const FieldPath& p : i.paths) {
      if (p.text == text) return &p;
    }
  }
  return nullptr;
}

bool TupleHasNull(absl::string_view tuple) {
  while (!tuple.empty()) {
    storage::Component c;
    storage::Direction dir;
    if (!storage::GetComponent(&tuple, &c, &dir)) return false;
    if (std::holds_alternative<storage::Null>(c)) return true;
  }
  return false;
}

absl::StatusOr<IndexRegistry> IndexRegistry::Create(
    std::vector<IndexSpec> specs) {
  IndexRegistry reg;
  std::set<uint16_t> ids;
  for (IndexSpec& spec : specs) {
    if (spec.id == 0 || !ids.insert(spec.id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("index id ", spec.id, " is zero or used twice"));
    }
    const Descriptor* d = DescriptorOf(spec.kind);
    if (spec.derive) {
      if (d == nullptr || !spec.fields.empty() || spec.unique ||
          spec.derived_name.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "index ", spec.id,
            ": a derived index needs a kind and a name, and has no fields and "
            "no unique constraint"));
      }
      Index idx;
      idx.multi_valued = true;
      idx.name = absl::StrCat(KindName(spec.kind), ".", spec.derived_name);
      idx.fingerprint = absl::StrCat(
          "v1|", static_cast<int>(spec.kind), "|derived:", spec.derived_name,
          ":", spec.derived_version,
          // The block range is part of the layout.
          spec.packed ? absl::StrCat("|packed:", storage::kPostingRange) : "");
      idx.spec = std::move(spec);
      reg.indexes_.push_back(std::move(idx));
      continue;
    }
    if (spec.packed) {
      return absl::InvalidArgumentError(
          absl::StrCat("index ", spec.id, ": only a derived index is packed"));
    }
    if (d == nullptr || spec.fields.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("index ", spec.id, ": bad kind or no fields"));
    }
    Index idx;
    std::vector<std::string> texts;
    for (const std::string& f : spec.fields) {
      absl::StatusOr<FieldPath> p = ResolvePath(d, f);
      if (!p.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("index ", spec.id, ": ", p.status().message()));
      }
      idx.multi_valued = idx.multi_valued || p->repeated;
      texts.push_back(p->text);
      idx.paths.push_back(*std::move(p));
    }
    idx.name =
        absl::StrCat(KindName(spec.kind), ".", absl::StrJoin(texts, "+"));
    idx.fingerprint = absl::StrCat("v1|", static_cast<int>(spec.kind), "|",
                                   absl::StrJoin(texts, ","), "|",
                                   spec.unique ? "unique" : "");
    idx.spec = std::move(spec);
    reg.indexes_.push_back(std::move(idx));
  }
  std::sort(
      reg.indexes_.begin(), reg.indexes_.end(),
      [](const Index& a, const Index& b) { return a.spec.id < b.spec.id; });
  return reg;
}

const IndexRegistry& IndexRegistry::Builtin() {
  static const IndexRegistry* reg = [] {
    absl::StatusOr<IndexRegistry> r = Create(BuiltinSpecs());
    // The built-in declarations are covered by tests; a bad one is a
    // programming error caught there, so an empty registry is not reachable
    // in a released build.
    return new IndexRegistry(r.ok() ? *std::move(r) : IndexRegistry());
  }();
  return *reg;
}

IndexRegistry IndexRegistry::Without(absl::Span<const uint16_t> ids) const {
  IndexRegistry out = *this;
  std::erase_if(out.indexes_, [&](const Index& i) {
    return std::find(ids.begin(), ids.end(), i.spec.id) != ids.end();
  });
  return out;
}

const Index* IndexRegistry::Find(uint16_t id) const {
  for (const Index& i : indexes_) {
    if (i.spec.id == id) return &i;
  }
  return nullptr;
}

std::vector<const Index*> IndexRegistry::OfKind(v1::Kind kind) const {
  std::vector<const Index*> out;
  for (const Index& i : indexes_) {
    if (i.spec.kind == kind) out.push_back(&i);
  }
  return out;
}

const Index* IndexRegistry::FindByField(v1::Kind kind,
                                        absl::string_view field) const {
  std::string canonical(field);
  if (const Descriptor* d = DescriptorOf(kind)) {
    absl::StatusOr<FieldPath> p = ResolvePath(d, field);
    if (p.ok()) canonical = p->text;
  }
  for (const Index& i : indexes_) {
    if (i.spec.kind != kind || i.paths.size() != 1) continue;
    if (i.paths[0].text == canonical) return &i;
    for (const std::string& a : i.spec.aliases) {
      if (a == field) return &i;
    }
  }
  return nullptr;
}

}  // namespace model
}  // namespace qiaolian
