// Validation of an entity before it is written. One walk over the record
// (protobuf reflection) checks what holds for every kind — valid UTF-8 in
// every string, real dates, ISO country and currency codes, non-negative
// amounts and quantities, Refs that point at existing records — and then the
// rules of the record's kind (required fields, USCC and resident-ID check
// characters, ...).
#ifndef QIAOLIAN_SRC_MODEL_VALIDATE_H_
#define QIAOLIAN_SRC_MODEL_VALIDATE_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {
namespace model {

// Answers whether record `id` of `kind` exists (at the state the write is
// being validated against).
using RefResolver =
    std::function<absl::StatusOr<bool>(v1::Kind kind, uint64_t id)>;

// Validates `record` (an entity message). Errors name the field by its path
// from the record, in the JSON mapping's spelling, prefixed by the kind:
//   INVALID_ARGUMENT "enterprise.uscc: check character is 'X', expected '9'"
//   INVALID_ARGUMENT "person.birthDate: 2021-02-30 is not a calendar date"
//   INVALID_ARGUMENT "case.received: required"
//   FAILED_PRECONDITION "event.participants[1].ref: enterprise 42 does not
//     exist"
// `record.meta` is not checked here (the store owns it). `resolve` may be
// null, which skips the Ref existence check (syntax is still checked).
absl::Status ValidateRecord(const google::protobuf::Message& record,
                            const RefResolver& resolve);

}  // namespace model
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_MODEL_VALIDATE_H_
