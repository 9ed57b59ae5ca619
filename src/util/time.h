// Conversions between absl::Time and google.protobuf.Timestamp.
#ifndef QIAOLIAN_SRC_UTIL_TIME_H_
#define QIAOLIAN_SRC_UTIL_TIME_H_

#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

// "2020-01-06" (month/day 00 when unknown).
std::string DateText(const v1::Date& d);

}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_UTIL_TIME_H_
