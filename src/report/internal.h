// Shared pieces of the report engine (src/report): field paths over the
// schema by reflection, group keys, money digits. Not installed.
#ifndef QIAOLIAN_SRC_REPORT_INTERNAL_H_
#define QIAOLIAN_SRC_REPORT_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "qiaolian/report.h"

namespace qiaolian {
namespace report {

// A dotted field path resolved on a message type (proto or JSON names per
// segment). May end in a message (Money, Item, a party list) or a scalar.
struct Path {
  std::string text;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  const google::protobuf::FieldDescriptor* leaf() const {
    return fields.back();
  }
};
absl::StatusOr<Path> ResolveFieldPath(const google::protobuf::Descriptor* d,
                                      absl::string_view text);

// Calls `fn` with every value of `path` in `m`: the message holding the
// leaf field and the index in it (-1 for a singular field). Unset singular
// messages along the way yield nothing.
void VisitLeaves(
    const google::protobuf::Message& m, const Path& path,
    const std::function<void(const google::protobuf::Message& holder,
                             const google::protobuf::FieldDescriptor* f,
                             int index)>& fn);

// The leaf value rendered as a group key: enums by name, dates
// "2020-01-06", Refs "enterprise:3", text as is. Empty for "no value"
// (empty text, enum 0, unset date/ref).
std::string RenderLeaf(const google::protobuf::Message& holder,
                       const google::protobuf::FieldDescriptor* f, int index);

bool IsDate(const google::protobuf::Descriptor* d);
bool IsRef(const google::protobuf::Descriptor* d);
bool IsMoney(const google::protobuf::Descriptor* d);
bool IsItem(const google::protobuf::Descriptor* d);
bool IsInteger(const google::protobuf::FieldDescriptor* f);
// A party list element: a message with `ref` (Ref) and `count`.
bool IsParty(const google::protobuf::Descriptor* d);

// A group_by entry: "month(F)", "year(F)" or "F".
struct GroupSpec {
  enum Bucket { kValue, kMonth, kYear } bucket = kValue;
  Path path;
};
absl::StatusOr<GroupSpec> ParseGroupSpec(const google::protobuf::Descriptor* d,
                                         absl::string_view text);

// Default date field of a kind ("" for person).
std::string DefaultDateField(Kind kind);

// Decimal digits of a currency's minor unit (ISO 4217 via ICU; 2 if
// unknown).
int CurrencyDigits(const std::string& currency);

// Parses a decimal rate "6.8976" into millionths; false if malformed, not
// positive, or more than 6 decimals.
bool ParseRate(absl::string_view text, int64_t* micros);

}  // namespace report
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_REPORT_INTERNAL_H_
