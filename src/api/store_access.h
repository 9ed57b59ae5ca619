// Library-internal access to a Store's parts, for areas built on top of it
// (search, duplicate detection and merge: src/search/) that need raw reads
// of index keys or a write of several records in one batch. Not a public
// API.
#ifndef QIAOLIAN_SRC_API_STORE_ACCESS_H_
#define QIAOLIAN_SRC_API_STORE_ACCESS_H_

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/storage.pb.h"
#include "src/model/indexes.h"
#include "src/storage/db.h"

namespace qiaolian {
namespace internal {

struct StoreAccess {
  static const storage::Db& Db(const Store& store);
  static const model::IndexRegistry& Indexes(const Store& store);

  // Deletes the records `deletes` and replaces the records `updates` (each
  // carrying the revision it was based on in meta.revision, as Update), all
  // in ONE batch with their index entries, history and counters: all or
  // nothing. Deletions are applied first, so an update may take over unique
  // values of a deleted record. Refs in `updates` must not point at deleted
  // records (FAILED_PRECONDITION). Deleted records must not be referenced
  // by records outside `updates` -- the caller checks that. `annotate`
  // (may be empty) can add to each history record before it is written.
  // On success each update's meta holds its new revision.
  static absl::Status Commit(
      Store& store, absl::Span<google::protobuf::Message* const> updates,
      absl::Span<const std::pair<Kind, uint64_t>> deletes,
      const WriteOptions& options,
      const std::function<void(v1::ChangeRecord*)>& annotate);
};

}  // namespace internal
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_API_STORE_ACCESS_H_
