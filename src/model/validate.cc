// Record validation (src/model/validate.h).
//
// One reflection walk visits every field of the record in declaration order
// (which is field-number order in our protos) and stops at the first error:
//   - every string: valid UTF-8; country fields: ISO 3166-1 alpha-2;
//   - signed counts and quantities (`quantity`, `amount_minor`, `*count`):
//     >= 0;
//   - every set qiaolian.v1.Date: CheckDate; every set
//     google.protobuf.Timestamp: within the range of the JSON mapping;
//   - every set qiaolian.v1.Ref: a record kind, an id > 0, and (with a
//     resolver) an existing target;
// plus the rules of kRules below, keyed by full field name, and for cases:
// no deadline or date (replyDue, due, replied, closed) before `received`.
// RecordMeta is never visited: the store owns it.
#include "src/model/validate.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "qiaolian/limits.h"
#include "qiaolian/v1/case.pb.h"
#include "qiaolian/v1/donation.pb.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/event.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "src/model/checks.h"
#include "src/model/units.h"
#include "src/util/time.h"

namespace qiaolian {
namespace model {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Rules bound to particular fields. Field-level rules look at the whole
// field; value rules at each string value of it (each element if repeated).
enum Rule : uint32_t {
  // Field level.
  kRequired = 1 << 0,  // Set: non-blank string, enum != 0, message present.
  kFullDate = 1 << 1,  // A set Date has month and day.
  // Value level (string fields).
  kCountry = 1 << 2,   // ISO 3166-1 alpha-2 when non-empty.
  kCurrency = 1 << 3,  // Money.currency: ISO 4217; required if amount.
  // Item.unit: in the unit vocabulary (src/model/units.h) when non-blank;
  // required if quantity > 0.
  kUnit = 1 << 4,
  kUscc = 1 << 5,                // CheckUscc when non-empty.
  kRegistrationNumber = 1 << 6,  // 13 or 15 letters/digits when non-empty.
  kResidentIdIfTyped = 1 << 7,   // CheckResidentId when type is RESIDENT_ID.
};

struct FieldRule {
  const char* field;  // Full name.
  uint32_t rules;
};

// Country fields whose names end in "country"/"countries" are found by name;
// the others are listed here.
constexpr FieldRule kRules[] = {
    // Shared types, wherever they occur.
    {"qiaolian.v1.Money.currency", kCurrency},
    {"qiaolian.v1.Item.unit", kUnit},
    {"qiaolian.v1.IdentityDocument.number", kResidentIdIfTyped},
    // Person.
    {"qiaolian.v1.Person.name", kRequired},
    {"qiaolian.v1.Person.nationalities", kCountry},
    // Enterprise.
    {"qiaolian.v1.Enterprise.name", kRequired},
    {"qiaolian.v1.Enterprise.uscc", kUscc},
    {"qiaolian.v1.Enterprise.registration_number", kRegistrationNumber},
    // Case.
    {"qiaolian.v1.Case.channel", kRequired},
    {"qiaolian.v1.Case.type", kRequired},
    {"qiaolian.v1.Case.received", kRequired | kFullDate},
    // Donation.
    {"qiaolian.v1.Donation.direction", kRequired},
    {"qiaolian.v1.Donation.date", kRequired},
    // Event.
    {"qiaolian.v1.Event.type", kRequired},
    {"qiaolian.v1.Event.date", kRequired | kFullDate},
};

// Ref fields that may only point at some kinds (bit 1 << Kind). Other Refs
// (`related`) may point at any record.
constexpr uint32_t kPersonBit = 1u << v1::KIND_PERSON;
constexpr uint32_t kEnterpriseBit = 1u << v1::KIND_ENTERPRISE;
constexpr uint32_t kEventBit = 1u << v1::KIND_EVENT;
constexpr FieldRule kRefKinds[] = {
    {"qiaolian.v1.Person.employer", kEnterpriseBit},
    {"qiaolian.v1.Person.Relation.person", kPersonBit},
    {"qiaolian.v1.Person.Membership.organization", kEnterpriseBit},
    {"qiaolian.v1.Enterprise.LegalRepresentative.person", kPersonBit},
    {"qiaolian.v1.Enterprise.Officer.person", kPersonBit},
    {"qiaolian.v1.Enterprise.parent", kEnterpriseBit},
    {"qiaolian.v1.Case.Party.ref", kPersonBit | kEnterpriseBit},
    {"qiaolian.v1.Case.referred_to_org", kEnterpriseBit},
    {"qiaolian.v1.Donation.Party.ref", kPersonBit | kEnterpriseBit},
    {"qiaolian.v1.Donation.campaign_event", kEventBit},
    {"qiaolian.v1.Donation.raised_via", kEnterpriseBit},
    {"qiaolian.v1.Event.Participant.ref", kPersonBit | kEnterpriseBit},
};

struct RuleIndex {
  std::unordered_map<const FieldDescriptor*, uint32_t> rules;
  std::unordered_map<const FieldDescriptor*, uint32_t> ref_kinds;
  absl::Status status;  // INTERNAL if kRules names an unknown field.
};

const RuleIndex& Rules() {
  static const RuleIndex* const index = [] {
    auto* idx = new RuleIndex;
    const google::protobuf::DescriptorPool* pool =
        google::protobuf::DescriptorPool::generated_pool();
    for (const FieldRule& r : kRules) {
      const FieldDescriptor* f = pool->FindFieldByName(r.field);
      if (f == nullptr) {
        idx->status = absl::InternalError(
            absl::StrCat("validation rule names unknown field ", r.field));
        break;
      }
      idx->rules[f] |= r.rules;
    }
    for (const FieldRule& r : kRefKinds) {
      const FieldDescriptor* f = pool->FindFieldByName(r.field);
      if (f == nullptr) {
        idx->status = absl::InternalError(
            absl::StrCat("ref rule names unknown field ", r.field));
        break;
      }
      idx->ref_kinds[f] = r.rules;
    }
    return idx;
  }();
  return *index;
}

uint32_t RulesOf(const FieldDescriptor* f) {
  const RuleIndex& idx = Rules();
  auto it = idx.rules.find(f);
  uint32_t rules = it == idx.rules.end() ? 0 : it->second;
  if (f->type() == FieldDescriptor::TYPE_STRING &&
      (absl::EndsWith(f->name(), "country") ||
       absl::EndsWith(f->name(), "countries"))) {
    rules |= kCountry;
  }
  return rules;
}

// The kinds a Ref field may point at (bits 1 << Kind), or 0 for any.
uint32_t RefKindsOf(const FieldDescriptor* f) {
  const RuleIndex& idx = Rules();
  auto it = idx.ref_kinds.find(f);
  return it == idx.ref_kinds.end() ? 0 : it->second;
}

// Signed integer fields that hold counts, quantities or amounts.
bool IsNonNegativeField(const FieldDescriptor* f) {
  return f->name() == "quantity" || f->name() == "amount_minor" ||
         absl::EndsWith(f->name(), "count");
}

// "person", "enterprise", ... for KIND_PERSON, ...; empty for other values.
std::string KindWord(int kind) {
  if (kind <= v1::KIND_UNSPECIFIED || kind > v1::KIND_EVENT) return "";
  return absl::AsciiStrToLower(
      absl::StripPrefix(v1::Kind_Name(static_cast<v1::Kind>(kind)), "KIND_"));
}

// A field path, built on the stack during the walk and rendered only for an
// error: "case.parties[0].ref".
struct Path {
  const Path* parent;
  absl::string_view name;  // The kind word at the root, else a JSON name.
  int index;               // Element index, or -1.

  std::string ToString() const {
    std::string out = parent == nullptr ? "" : parent->ToString() + ".";
    absl::StrAppend(&out, name);
    if (index >= 0) absl::StrAppend(&out, "[", index, "]");
    return out;
  }
};

// "a person or an enterprise" for a mask of kind bits.
std::string KindsText(uint32_t mask) {
  std::string out;
  for (int k = v1::KIND_PERSON; k <= v1::KIND_EVENT; ++k) {
    if ((mask & (1u << k)) == 0) continue;
    const std::string word = KindWord(k);
    if (!out.empty()) absl::StrAppend(&out, " or ");
    absl::StrAppend(
        &out, word == "enterprise" || word == "event" ? "an " : "a ", word);
  }
  return out;
}

absl::Status Error(absl::StatusCode code, const Path& path,
                   absl::string_view message) {
  return absl::Status(code, absl::StrCat(path.ToString(), ": ", message));
}

absl::Status Invalid(const Path& path, absl::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, path, message);
}

// True if `s` holds only white space (ICU's White_Space, so that U+3000
// IDEOGRAPHIC SPACE counts). REQUIRES: valid UTF-8.
bool IsBlank(absl::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    UChar32 c;
    U8_NEXT(p, i, s.size(), c);
    if (c < 0 || !u_isUWhiteSpace(c)) return false;
  }
  return true;
}

// Reads a Date through reflection (the message may be a dynamic one).
v1::Date DateOf(const Message& m) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  v1::Date date;
  date.set_year(r->GetInt32(m, d->FindFieldByNumber(1)));
  date.set_month(r->GetInt32(m, d->FindFieldByNumber(2)));
  date.set_day(r->GetInt32(m, d->FindFieldByNumber(3)));
  return date;
}

absl::Status CheckRegistrationNumber(absl::string_view s) {
  if (s.size() != 13 && s.size() != 15) {
    return absl::InvalidArgumentError(absl::StrCat(
        "13 or 15 characters expected, got ", s.size(),
        s.size() == 18 ? " (an 18-character USCC belongs in uscc)" : ""));
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(s[i]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "character at position ", i + 1, " is not a letter or digit"));
    }
  }
  return absl::OkStatus();
}

class Walker {
 public:
  explicit Walker(const RefResolver& resolve) : resolve_(resolve) {}

  absl::Status VisitMessage(const Message& m, const Path& path) {
    const Descriptor* d = m.GetDescriptor();
    if (d == v1::Date::descriptor()) return VisitDate(m, path);
    if (d == v1::Ref::descriptor()) return VisitRef(m, path);
    if (d == google::protobuf::Timestamp::descriptor()) {
      return VisitTimestamp(m, path);
    }
    for (int i = 0; i < d->field_count(); ++i) {
      absl::Status s = VisitField(m, d->field(i), path);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  absl::Status VisitField(const Message& m, const FieldDescriptor* f,
                          const Path& parent) {
    if (f->message_type() == v1::RecordMeta::descriptor()) {
      return absl::OkStatus();
    }
    const Reflection* r = m.GetReflection();
    const Path path{&parent, f->json_name(), -1};
    const uint32_t rules = RulesOf(f);
    if (f->is_repeated()) {
      const int n = r->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        const Path element{&parent, f->json_name(), i};
        absl::Status s = VisitElement(m, f, i, rules, element);
        if (!s.ok()) return s;
      }
      if ((rules & kRequired) != 0 && n == 0) {
        return Invalid(path, "required (at least one)");
      }
      return absl::OkStatus();
    }
    absl::Status s = VisitSingular(m, f, rules, path);
    if (!s.ok()) return s;
    if ((rules & kRequired) != 0) {
      s = CheckRequired(m, f, path);
      if (!s.ok()) return s;
    }
    if ((rules & kFullDate) != 0 && r->HasField(m, f)) {
      const v1::Date date = DateOf(r->GetMessage(m, f));
      if (date.month() == 0 || date.day() == 0) {
        return Invalid(
            path,
            absl::StrCat("full date required (year, month and day), got ",
                         date.month() == 0
                             ? absl::StrCat(date.year(), " (a year only)")
                             : absl::StrFormat("%04d-%02d (a month only)",
                                               date.year(), date.month())));
      }
    }
    return absl::OkStatus();
  }

  absl::Status VisitSingular(const Message& m, const FieldDescriptor* f,
                             uint32_t rules, const Path& path) {
    const Reflection* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (!r->HasField(m, f)) return absl::OkStatus();
        absl::Status s = CheckRefKind(f, r->GetMessage(m, f), path);
        if (!s.ok()) return s;
        return VisitMessage(r->GetMessage(m, f), path);
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (f->type() != FieldDescriptor::TYPE_STRING) {
          return absl::OkStatus();  // bytes
        }
        std::string scratch;
        return VisitString(m, f, r->GetStringReference(m, f, &scratch), rules,
                           path);
      }
      case FieldDescriptor::CPPTYPE_INT32:
        return CheckSigned(f, r->GetInt32(m, f), path);
      case FieldDescriptor::CPPTYPE_INT64:
        return CheckSigned(f, r->GetInt64(m, f), path);
      default:
        return absl::OkStatus();
    }
  }

  absl::Status VisitElement(const Message& m, const FieldDescriptor* f, int i,
                            uint32_t rules, const Path& path) {
    const Reflection* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        absl::Status s = CheckRefKind(f, r->GetRepeatedMessage(m, f, i), path);
        if (!s.ok()) return s;
        return VisitMessage(r->GetRepeatedMessage(m, f, i), path);
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (f->type() != FieldDescriptor::TYPE_STRING) {
          return absl::OkStatus();
        }
        std::string scratch;
        return VisitString(m, f,
                           r->GetRepeatedStringReference(m, f, i, &scratch),
                           rules, path);
      }
      case FieldDescriptor::CPPTYPE_INT32:
        return CheckSigned(f, r->GetRepeatedInt32(m, f, i), path);
      case FieldDescriptor::CPPTYPE_INT64:
        return CheckSigned(f, r->GetRepeatedInt64(m, f, i), path);
      default:
        return absl::OkStatus();
    }
  }

  // One string value of field `f` of `parent` (an element if repeated).
  absl::Status VisitString(const Message& parent, const FieldDescriptor* f,
                           absl::string_view value, uint32_t rules,
                           const Path& path) {
    if (value.size() > kMaxFieldBytes) {
      return Error(absl::StatusCode::kResourceExhausted, path,
                   absl::StrCat(value.size(), " bytes, more than the limit of ",
                                kMaxFieldBytes, " bytes for one field"));
    }
    absl::Status s = CheckUtf8(value);
    if (s.ok() && (rules & kCountry) != 0 && !value.empty()) {
      s = CheckCountryCode(value);
    }
    if (s.ok() && (rules & kUscc) != 0 && !value.empty()) {
      s = CheckUscc(value);
    }
    if (s.ok() && (rules & kRegistrationNumber) != 0 && !value.empty()) {
      s = CheckRegistrationNumber(value);
    }
    if (s.ok() && (rules & kResidentIdIfTyped) != 0 && !value.empty() &&
        SiblingInt(parent, f, "type") ==
            v1::IdentityDocument::TYPE_RESIDENT_ID) {
      s = CheckResidentId(value);
    }
    if (s.ok() && (rules & kCurrency) != 0) {
      if (!value.empty()) {
        s = CheckCurrencyCode(value);
      } else if (SiblingInt(parent, f, "amount_minor") != 0) {
        s = absl::InvalidArgumentError("required when amountMinor is not 0");
      }
    }
    if (s.ok() && (rules & kUnit) != 0) {
      if (!IsBlank(value)) {
        s = CanonicalUnit(value).status();
      } else if (SiblingInt(parent, f, "quantity") > 0) {
        s = absl::InvalidArgumentError("required when quantity is not 0");
      }
    }
    if (!s.ok()) return Error(s.code(), path, s.message());
    return absl::OkStatus();
  }

  // A Ref in field `f` that may point only at some kinds: INVALID_ARGUMENT
  // when it points at another (a Ref with no kind is left to VisitRef).
  static absl::Status CheckRefKind(const FieldDescriptor* f, const Message& m,
                                   const Path& path) {
    const uint32_t allowed = RefKindsOf(f);
    if (allowed == 0) return absl::OkStatus();
    const Descriptor* d = m.GetDescriptor();
    const int kind =
        m.GetReflection()->GetEnumValue(m, d->FindFieldByNumber(1));
    const std::string word = KindWord(kind);
    if (word.empty() || (allowed & (1u << kind)) != 0) return absl::OkStatus();
    const uint64_t id =
        m.GetReflection()->GetUInt64(m, d->FindFieldByNumber(2));
    return Invalid(path, absl::StrCat("must refer to ", KindsText(allowed),
                                      ", got ", word, ":", id));
  }

  // The value of the integer or enum field `name` next to `f`, or 0.
  static int64_t SiblingInt(const Message& parent, const FieldDescriptor* f,
                            const char* name) {
    const FieldDescriptor* g = f->containing_type()->FindFieldByName(name);
    if (g == nullptr || g->is_repeated()) return 0;
    const Reflection* r = parent.GetReflection();
    switch (g->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
        return r->GetInt32(parent, g);
      case FieldDescriptor::CPPTYPE_INT64:
        return r->GetInt64(parent, g);
      case FieldDescriptor::CPPTYPE_ENUM:
        return r->GetEnumValue(parent, g);
      default:
        return 0;
    }
  }

  static absl::Status CheckSigned(const FieldDescriptor* f, int64_t value,
                                  const Path& path) {
    if (value < 0 && IsNonNegativeField(f)) {
      return Invalid(path, absl::StrCat("must be >= 0, got ", value));
    }
    return absl::OkStatus();
  }

  static absl::Status CheckRequired(const Message& m, const FieldDescriptor* f,
                                    const Path& path) {
    const Reflection* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (!r->HasField(m, f)) return Invalid(path, "required");
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        absl::string_view v = r->GetStringReference(m, f, &scratch);
        if (v.empty()) return Invalid(path, "required");
        if (IsBlank(v)) return Invalid(path, "required (got only blanks)");
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_ENUM:
        if (r->GetEnumValue(m, f) == 0) {
          return Invalid(path,
                         absl::StrCat("required (not ",
                                      f->enum_type()->value(0)->name(), ")"));
        }
        return absl::OkStatus();
      default:
        // Scalars: proto3 cannot tell 0 from unset.
        if (!r->HasField(m, f)) return Invalid(path, "required (not 0)");
        return absl::OkStatus();
    }
  }

  static absl::Status VisitDate(const Message& m, const Path& path) {
    absl::Status s = CheckDate(DateOf(m));
    if (!s.ok()) return Invalid(path, s.message());
    return absl::OkStatus();
  }

  static absl::Status VisitTimestamp(const Message& m, const Path& path) {
    // The range of protobuf's JSON mapping: 0001-01-01T00:00:00Z to
    // 9999-12-31T23:59:59.999999999Z.
    constexpr int64_t kMinSeconds = -62135596800;
    constexpr int64_t kMaxSeconds = 253402300799;
    const Descriptor* d = m.GetDescriptor();
    const Reflection* r = m.GetReflection();
    const int64_t seconds = r->GetInt64(m, d->FindFieldByNumber(1));
    const int32_t nanos = r->GetInt32(m, d->FindFieldByNumber(2));
    if (seconds < kMinSeconds || seconds > kMaxSeconds) {
      return Invalid(path, absl::StrCat("seconds ", seconds,
                                        " outside 0001-01-01..9999-12-31 UTC"));
    }
    if (nanos < 0 || nanos > 999999999) {
      return Invalid(path,
                     absl::StrCat("nanos ", nanos, " outside 0..999999999"));
    }
    return absl::OkStatus();
  }

  absl::Status VisitRef(const Message& m, const Path& path) {
    const Descriptor* d = m.GetDescriptor();
    const Reflection* r = m.GetReflection();
    const int kind = r->GetEnumValue(m, d->FindFieldByNumber(1));
    const uint64_t id = r->GetUInt64(m, d->FindFieldByNumber(2));
    const std::string word = KindWord(kind);
    if (word.empty()) {
      const Path kind_path{&path, "kind", -1};
      return Invalid(
          kind_path,
          absl::StrCat("must be a record kind (person, enterprise, "
                       "case, donation, event), got ",
                       kind == 0 ? "KIND_UNSPECIFIED" : absl::StrCat(kind)));
    }
    if (id == 0) {
      const Path id_path{&path, "id", -1};
      return Invalid(id_path, "must be > 0");
    }
    if (!resolve_) return absl::OkStatus();
    absl::StatusOr<bool> exists = resolve_(static_cast<v1::Kind>(kind), id);
    if (!exists.ok()) {
      return Error(exists.status().code(), path,
                   absl::StrCat("looking up ", word, " ", id, ": ",
                                exists.status().message()));
    }
    if (!*exists) {
      return Error(absl::StatusCode::kFailedPrecondition, path,
                   absl::StrCat(word, " ", id, " does not exist"));
    }
    return absl::OkStatus();
  }

  const RefResolver& resolve_;
};

// Case deadlines and dates may not precede the date of receipt.
absl::Status CheckCaseDates(const Message& m, const Path& root) {
  const Descriptor* d = m.GetDescriptor();
  const Reflection* r = m.GetReflection();
  const FieldDescriptor* received = d->FindFieldByName("received");
  if (received == nullptr || !r->HasField(m, received)) {
    return absl::OkStatus();
  }
  const v1::Date from = DateOf(r->GetMessage(m, received));
  for (const char* name : {"reply_due", "due", "replied", "closed"}) {
    const FieldDescriptor* f = d->FindFieldByName(name);
    if (f == nullptr || !r->HasField(m, f)) continue;
    const v1::Date date = DateOf(r->GetMessage(m, f));
    if (date.month() == 0 || date.day() == 0) continue;  // Partial.
    if (std::make_tuple(date.year(), date.month(), date.day()) <
        std::make_tuple(from.year(), from.month(), from.day())) {
      const Path path{&root, f->json_name(), -1};
      return Invalid(
          path, absl::StrCat(DateText(date), " is before the date received (",
                             DateText(from), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateRecord(const google::protobuf::Message& record,
                            const RefResolver& resolve) {
  const Descriptor* d = record.GetDescriptor();
  if (d != v1::Person::descriptor() && d != v1::Enterprise::descriptor() &&
      d != v1::Case::descriptor() && d != v1::Donation::descriptor() &&
      d != v1::Event::descriptor()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message type ", d->full_name(), " is not a qiaolian record kind"));
  }
  if (!Rules().status.ok()) return Rules().status;
  const std::string root = absl::AsciiStrToLower(d->name());
  if (const size_t size = record.ByteSizeLong(); size > kMaxRecordBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(root, ": record of ", size, " bytes exceeds the limit of ",
                     kMaxRecordBytes, " bytes"));
  }
  const Path path{nullptr, root, -1};
  absl::Status s = Walker(resolve).VisitMessage(record, path);
  if (s.ok() && d == v1::Case::descriptor()) s = CheckCaseDates(record, path);
  return s;
}

}  // namespace model
}  // namespace qiaolian
