// What code outside src/api/store.cc may reach inside a Store. The privacy
// module (src/privacy) writes audit entries and erases records in batches of
// its own, under the store's writer lock, and so needs the database, the
// index registry, the counters and the audit chain head. Search, duplicate
// detection and merge (src/search/) need raw reads of index keys and a write
// of several records in one batch. Not a public API.
#ifndef QIAOLIAN_SRC_API_STORE_ACCESS_H_
#define QIAOLIAN_SRC_API_STORE_ACCESS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/storage.pb.h"
#include "src/api/indexing.h"
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
  // The id the next record of `kind` will get: every record of the kind
  // that exists or ever existed has a lower one (ids are never reused).
  static uint64_t NextId(const Store& s, Kind kind);
  static absl::Status CheckWritable(const Store& s);
  // The bulk load in progress, or null. REQUIRES: write_mu held.
  static DeferredIndexes* deferred(const Store& s);

  // Bulk load (docs/import.md): until FinishBulkLoad, the entries of the
  // indexes of `kind` that DeferIndexes picks (not unique, not over a Ref,
  // not in `keep`) are sorted on the side instead of written with each
  // created record, and queries do not use those indexes (they scan); the
  // entries of records already in the store stay up to date. Search, which
  // reads them directly, does not find the records created meanwhile until
  // FinishBulkLoad. False (and nothing changed)
  // when there is nothing to defer or a load is already running.
  // `sort_dir`: where the sorter's run files go (empty: the store's
  // directory; tests point it elsewhere).
  static absl::StatusOr<bool> BeginBulkLoad(Store& s, Kind kind,
                                            absl::Span<const uint16_t> keep,
                                            size_t sort_memory_bytes,
                                            const std::string& sort_dir = "");
  // Writes the deferred entries in key order and hands the indexes back to
  // queries; returns how many entries it wrote. A no-op (0) without a load
  // in progress.
  static absl::StatusOr<uint64_t> FinishBulkLoad(Store& s);
  // After a bulk load: rewrites the store's tables into one level, as fast
  // loaders do after a load (docs/ARCHITECTURE.md, "After a bulk load"). A
  // load leaves its rows, history and index entries spread over LevelDB's
  // levels, and every seek of a search or a query reads a table of each
  // level; afterwards it reads one.
  static absl::Status CompactAfterLoad(Store& s);
  static bool Sync(const Store& s, std::optional<bool> sync);

  static const storage::Db& Db(const Store& store);
  static const model::IndexRegistry& Indexes(const Store& store);
  // The LevelDB snapshot of `snapshot` (taken from `store`).
  static absl::StatusOr<const leveldb::Snapshot*> RawSnapshot(
      const Store& store, const StoreSnapshot& snapshot);

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
