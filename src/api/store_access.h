// What code outside src/api/store.cc may reach inside a Store: the privacy
// module (src/privacy) writes audit entries and erases records in batches of
// its own, under the store's writer lock, and so needs the database, the
// index registry, the counters and the audit chain head. Not a public API.
#ifndef QIAOLIAN_SRC_API_STORE_ACCESS_H_
#define QIAOLIAN_SRC_API_STORE_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "qiaolian/store.h"
#include "src/model/indexes.h"
#include "src/privacy/audit_chain.h"
#include "src/storage/db.h"

namespace qiaolian {
namespace internal {

struct StoreAccess {
  static storage::Db& db(const Store& s);
  static const model::IndexRegistry& indexes(const Store& s);
  // The writer lock: held by every write, and by whoever appends to the
  // audit chain or changes the counters below.
  static absl::Mutex& write_mu(const Store& s);
  // REQUIRES: write_mu held.
  static privacy::AuditChain& audit(const Store& s);
  // Live-row counter of `kind` (REQUIRES: write_mu held) and its meta key.
  static uint64_t& count(const Store& s, Kind kind);
  static std::string CountKey(Kind kind);
  static absl::Status CheckWritable(const Store& s);
  static bool Sync(const Store& s, std::optional<bool> sync);
};

}  // namespace internal
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_API_STORE_ACCESS_H_
