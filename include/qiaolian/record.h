// Entity kinds and their JSON form.
//
// Records are the generated protobuf messages of proto/qiaolian/v1
// (qiaolian::v1::Person, Enterprise, Case, Donation, Event). JSON follows
// protobuf's canonical JSON mapping: field names in lowerCamelCase (both
// lowerCamelCase and the proto's snake_case are accepted on input), enums by
// name, int64/uint64 as strings, dates as {"year":..,"month":..,"day":..}.
//
// Thread-safety: every function here is thread-safe.
#ifndef QIAOLIAN_RECORD_H_
#define QIAOLIAN_RECORD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "qiaolian/v1/case.pb.h"
#include "qiaolian/v1/common.pb.h"
#include "qiaolian/v1/donation.pb.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/event.pb.h"
#include "qiaolian/v1/person.pb.h"

namespace qiaolian {

using Kind = v1::Kind;

// The record kinds in their numeric order, for iteration.
inline constexpr Kind kAllKinds[] = {v1::KIND_PERSON, v1::KIND_ENTERPRISE,
                                     v1::KIND_CASE, v1::KIND_DONATION,
                                     v1::KIND_EVENT};

// "person", "enterprise", "case", "donation", "event".
std::string KindName(Kind kind);

// Parses a kind name as above (case-insensitive). INVALID_ARGUMENT listing
// the valid names otherwise.
absl::StatusOr<Kind> ParseKind(absl::string_view name);

// The descriptor of the message type that holds records of `kind`
// (nullptr for KIND_UNSPECIFIED or an unknown value).
const google::protobuf::Descriptor* DescriptorOf(Kind kind);

// A new, empty record of `kind`. REQUIRES: `kind` is one of kAllKinds.
std::unique_ptr<google::protobuf::Message> NewRecord(Kind kind);

// The kind of an entity message; INVALID_ARGUMENT for any other message.
absl::StatusOr<Kind> KindOf(const google::protobuf::Message& record);

// The record's meta (id, revision, ...). REQUIRES: an entity message.
const v1::RecordMeta& MetaOf(const google::protobuf::Message& record);
v1::RecordMeta* MutableMetaOf(google::protobuf::Message* record);

// Parses one JSON object into a new record of `kind`. Errors are
// INVALID_ARGUMENT and name the offending field or position (malformed
// JSON, unknown field, wrong type, invalid UTF-8). Does not validate the
// record's content; the store does that on write.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> RecordFromJson(
    Kind kind, absl::string_view json);

// Same, into an existing message (cleared first).
absl::Status RecordFromJson(absl::string_view json,
                            google::protobuf::Message* out);

// Checks `record` as a write would, except that Refs are not looked up (they
// are only checked for a valid kind and id): required fields, UTF-8, dates,
// ISO codes, USCC and resident-ID check characters, non-negative amounts.
// INVALID_ARGUMENT naming the field, e.g. "enterprise.uscc: ...".
absl::Status ValidateRecord(const google::protobuf::Message& record);

struct JsonOptions {
  bool pretty = false;            // Indented, multi-line.
  bool include_defaults = false;  // Also print fields holding defaults.
};

// Prints a record (any message) as JSON, one line unless `pretty`.
absl::StatusOr<std::string> RecordToJson(const google::protobuf::Message& m,
                                         const JsonOptions& options = {});

}  // namespace qiaolian

#endif  // QIAOLIAN_RECORD_H_
