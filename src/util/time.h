// Conversions between absl::Time and google.protobuf.Timestamp.
#ifndef QIAOLIAN_SRC_UTIL_TIME_H_
#define QIAOLIAN_SRC_UTIL_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace qiaolian {

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);

}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_UTIL_TIME_H_
