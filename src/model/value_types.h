// The schema's value messages: a Date, a Money, a Ref, a
// google.protobuf.Timestamp. A field of one of these types is one value —
// read from one cell, written to one cell, compared and audited whole —
// not a message whose fields are looked into.
#ifndef QIAOLIAN_SRC_MODEL_VALUE_TYPES_H_
#define QIAOLIAN_SRC_MODEL_VALUE_TYPES_H_

#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {
namespace model {

inline bool IsValueMessage(const google::protobuf::Descriptor* d) {
  return d == v1::Date::descriptor() || d == v1::Money::descriptor() ||
         d == v1::Ref::descriptor() ||
         d == google::protobuf::Timestamp::descriptor();
}

}  // namespace model
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_MODEL_VALUE_TYPES_H_
