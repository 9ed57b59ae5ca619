// Secondary index declarations: the one source of truth for which fields of
// which kind are indexed, under which stable numeric id.
//
// An index maps the value(s) of one or more fields (a composite) of a record
// to its id. Field paths are dotted proto field names from the record, e.g.
// "uscc", "investor_countries", "participants.ref",
// "registration_division.code"; a path may pass through repeated fields (one
// entry per element: a multi-valued index). Components of a composite that
// share a repeated parent are taken from the same element
// (identity_documents.type + .number pair up).
//
// Entry encoding (src/storage/key_codec.h):
//   index  key 0x03 id:u16 component+ record_id:u64  (value empty)
//   unique key 0x04 id:u16 component+ -> record_id:u64
// Component per leaf type: string → string; enum, bool, int32/int64 → int64;
// uint32/uint64 → uint64; Date → int64 yyyymmdd (20200106; unknown month/day
// are 0); Ref → int64 kind, uint64 id (two components). A singular field with
// no value (empty string, enum 0, unset message) is one Null component, so
// every record has exactly one entry in a single-valued index; repeated
// fields with no elements give no entry. Bool false and numeric 0 are values.
//
// Ids are frozen: never renumber or reuse one. Changing an index's fields
// changes its fingerprint, and the store rebuilds it at open.
#ifndef QIAOLIAN_SRC_MODEL_INDEXES_H_
#define QIAOLIAN_SRC_MODEL_INDEXES_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {
namespace model {

// What the leaf of a field path holds, for turning query literals into keys.
enum class LeafType { kString, kEnum, kBool, kInt, kUint, kDate, kRef };

// In a store that encrypts sensitive fields (docs/privacy.md, "Encryption at
// rest"), what index entries hold instead of a sensitive text value: a keyed
// hash of it (src/privacy/encryption.h). Equal values give equal hashes, so
// equality lookups and unique keys work; order is lost.
using KeyedHash = std::function<std::string(absl::string_view)>;

// What a derived index does with the encrypted (sensitive) fields of a
// record when the store encrypts them.
enum class SensitiveInput {
  // Derive from a copy of the record without them: nothing of them reaches
  // the index (the default, safe for any new derived index).
  kExclude,
  // Derive as usual, then replace every string component by its keyed hash:
  // equality (e.g. duplicate detection by phone number) keeps working.
  kHash,
  // The derivation reads no sensitive field; used as is.
  kNone,
};

struct IndexSpec {
  IndexSpec() = default;
  IndexSpec(uint16_t id, v1::Kind kind, std::vector<std::string> fields,
            bool unique = false, std::vector<std::string> aliases = {})
      : id(id),
        kind(kind),
        fields(std::move(fields)),
        unique(unique),
        aliases(std::move(aliases)) {}

  // A derived index: its entries are computed by `derive` from the whole
  // record rather than read from field paths (search terms, duplicate
  // keys: src/search/terms.h). `fields` stays empty; `derived_name` names it
  // ("search.terms") and `derived_version` is part of the fingerprint, so
  // changing the derivation rebuilds the index at open. Derived indexes are
  // maintained, built, verified and rebuilt exactly like the others, but the
  // query language does not see them.
  static IndexSpec Derived(uint16_t id, v1::Kind kind, std::string name,
                           std::string version,
                           std::function<void(const google::protobuf::Message&,
                                              std::vector<std::string>*)>
                               derive) {
    IndexSpec s;
    s.id = id;
    s.kind = kind;
    s.derived_name = std::move(name);
    s.derived_version = std::move(version);
    s.derive = std::move(derive);
    return s;
  }

  uint16_t id = 0;
  v1::Kind kind = v1::KIND_UNSPECIFIED;
  std::vector<std::string> fields;  // One path per component.
  bool unique = false;
  std::vector<std::string> aliases;  // Extra names queries may use.
  // Derived indexes only: appends encoded tuples (components, no id) for a
  // record; duplicates are removed by the caller.
  std::function<void(const google::protobuf::Message&,
                     std::vector<std::string>*)>
      derive;
  std::string derived_name;
  std::string derived_version;
  // Derived indexes only: see SensitiveInput.
  SensitiveInput sensitive_input = SensitiveInput::kExclude;
  // Derived indexes only: every tuple ends in the components uint64 record
  // id, int64 code (a posting), and the store may keep the postings of one
  // head and id range in one block key (src/storage/postings.h).
  bool packed = false;
};

// A field path resolved against the record's descriptor.
struct FieldPath {
  std::string text;  // "participants.ref"
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  LeafType leaf = LeafType::kString;
  bool repeated = false;  // Any segment repeated: may yield many values.
  const google::protobuf::EnumDescriptor* enum_type = nullptr;  // kEnum
  // Set (by IndexRegistry::WithKeyedHash) on a sensitive text field of a
  // store that encrypts them: EncodeLeaf writes the keyed hash of the value.
  std::shared_ptr<const KeyedHash> keyed;
};

struct Index {
  IndexSpec spec;
  std::string name;  // "<kind>.<field>[+<field>...]", e.g. "enterprise.uscc"
  std::vector<FieldPath> paths;
  bool multi_valued = false;
  std::string fingerprint;  // Changes when the definition changes.
};

// One value of one leaf, before encoding.
struct LeafValue {
  bool null = true;
  int64_t i = 0;   // kEnum, kBool, kInt, kDate, kRef (kind)
  uint64_t u = 0;  // kUint, kRef (id)
  std::string s;   // kString
};

// A set of indexes, resolved against the schema.
class IndexRegistry {
 public:
  // Resolves `specs`. INVALID_ARGUMENT on an unknown path, duplicate id,
  // a path ending in a message other than Date/Ref, or a unique index on a
  // field that is not a string/number tuple.
  static absl::StatusOr<IndexRegistry> Create(std::vector<IndexSpec> specs);

  // The built-in indexes (declared in indexes.cc).
  static const IndexRegistry& Builtin();

  const std::vector<Index>& all() const { return indexes_; }
  const Index* Find(uint16_t id) const;
  // Indexes of one kind, in id order.
  std::vector<const Index*> OfKind(v1::Kind kind) const;
  // The single-field index of `kind` whose field path, alias or JSON
  // spelling equals `field` (e.g. "investorCountries", "investor_country"),
  // or nullptr.
  const Index* FindByField(v1::Kind kind, absl::string_view field) const;
  // The path `text` (canonical, as FieldPath::text) as some index of `kind`
  // resolved it (carrying `keyed`), or nullptr when no index uses it.
  const FieldPath* FindPath(v1::Kind kind, absl::string_view text) const;

  // A copy in which every index over an encrypted field (IsEncryptedPath)
  // stores `hash` of the value instead of the value, and derived indexes
  // treat encrypted fields as their SensitiveInput says. Fingerprints change
  // (suffix "|keyed"), so a store never mixes the two kinds of entries.
  IndexRegistry WithKeyedHash(KeyedHash hash) const;

  // A copy without the indexes `ids`: what queries may use while those are
  // being built (a bulk load).
  IndexRegistry Without(absl::Span<const uint16_t> ids) const;

 private:
  std::vector<Index> indexes_;
};

// Resolves a dotted path (proto or JSON names per segment) on `d`.
absl::StatusOr<FieldPath> ResolvePath(const google::protobuf::Descriptor* d,
                                      absl::string_view path);

// All values of `path` in `record` (see the header comment for absence).
std::vector<LeafValue> ExtractValues(const google::protobuf::Message& record,
                                     const FieldPath& path);

// Appends the key component(s) of one leaf value.
void EncodeLeaf(const FieldPath& path, const LeafValue& v, std::string* out);

// The encoded component tuples of `index` for `record`: distinct, sorted.
// Each string is the concatenated components (no prefix, no id).
std::vector<std::string> IndexTuples(const Index& index,
                                     const google::protobuf::Message& record);

// Whether `path` ends in a field that a store with encryption at rest
// encrypts: a text field marked (qiaolian.v1.sensitive) that is not inside a
// (qiaolian.v1.public_data) message.
bool IsEncryptedPath(const FieldPath& path);

// Calls `fn` for every non-empty value of an encrypted field in `record`
// (the same fields as IsEncryptedPath), depth first in field-number order,
// with the value's path including element positions
// ("identity_documents[1].number"). `fn` may change the value.
void ForEachEncryptedValue(
    google::protobuf::Message* record,
    const std::function<void(const std::string& path, std::string* value)>& fn);

// Whether a tuple contains a Null component (such tuples are not unique
// keys).
bool TupleHasNull(absl::string_view tuple);

}  // namespace model
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_MODEL_INDEXES_H_
