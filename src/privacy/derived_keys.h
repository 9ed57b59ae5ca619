// Keys derived from a record outside the index registry (a search index, a
// cache...) that erasure must delete. The index registry's entries are
// always covered (src/privacy/erase.cc generates them from every revision);
// a module that writes keys of its own computed from a record's values
// registers a producer here, once, before stores are used, and Erase then
// deletes what the producer returns for the current row and for every
// revision in the record's history.
//
//   static const bool kRegistered = [] {
//     privacy::RegisterDerivedKeys("search", [](Kind k, uint64_t id,
//                                               const Message& revision) {
//       return SearchKeysOf(k, id, revision);
//     });
//     return true;
//   }();
#ifndef QIAOLIAN_SRC_PRIVACY_DERIVED_KEYS_H_
#define QIAOLIAN_SRC_PRIVACY_DERIVED_KEYS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "google/protobuf/message.h"
#include "qiaolian/record.h"

namespace qiaolian {
namespace privacy {

// The keys record (kind, id) at `revision` caused to be written. Must not
// return keys shared with other records. Thread-safe; called under the
// store's writer lock.
using DerivedKeysFn = std::function<std::vector<std::string>(
    Kind kind, uint64_t id, const google::protobuf::Message& revision)>;

// Registers (or, with the same name, replaces) a producer. Thread-safe.
void RegisterDerivedKeys(const std::string& name, DerivedKeysFn fn);
// Removes a producer (for tests).
void UnregisterDerivedKeys(const std::string& name);

// Every registered producer's keys for one revision.
std::vector<std::string> DerivedKeys(Kind kind, uint64_t id,
                                     const google::protobuf::Message& revision);

}  // namespace privacy
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_PRIVACY_DERIVED_KEYS_H_
