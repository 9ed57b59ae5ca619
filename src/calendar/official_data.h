// The text of data/calendar/cn-holidays.txt, compiled into the library.
// The definition is generated at build time (cmake/embed_file.cmake).
#ifndef QIAOLIAN_SRC_CALENDAR_OFFICIAL_DATA_H_
#define QIAOLIAN_SRC_CALENDAR_OFFICIAL_DATA_H_

#include <cstddef>

namespace qiaolian {
namespace calendar_internal {

extern const char kOfficialText[];
extern const size_t kOfficialSize;

}  // namespace calendar_internal
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_CALENDAR_OFFICIAL_DATA_H_
