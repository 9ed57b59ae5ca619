#ifndef QIAOLIAN_SRC_UTIL_VERSION_H_
#define QIAOLIAN_SRC_UTIL_VERSION_H_

namespace qiaolian {

// "MAJOR.MINOR.PATCH" of this library, from include/qiaolian/version.h.
const char* LibraryVersion();

}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_UTIL_VERSION_H_
