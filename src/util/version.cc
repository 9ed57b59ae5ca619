#include "src/util/version.h"

#include "qiaolian/version.h"

namespace qiaolian {

const char* LibraryVersion() { return QIAOLIAN_VERSION; }

}  // namespace qiaolian
