// Index maintenance for the Store: entries computed from records (src/model/
// indexes.h) and written in the same batch as the row; backfill of new or
// changed indexes at open; verify and reindex.
#ifndef QIAOLIAN_SRC_API_INDEXING_H_
#define QIAOLIAN_SRC_API_INDEXING_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "leveldb/write_batch.h"
#include "qiaolian/store.h"
#include "src/model/indexes.h"
#include "src/storage/db.h"
#include "src/storage/postings.h"
#include "src/storage/sorter.h"

namespace qiaolian {
namespace internal {

// Renders an encoded tuple for messages: "\"KE\", 3".
std::string TupleToString(absl::string_view tuple);

// Index maintenance put off during a bulk load (docs/import.md, "Bulk
// load"), for indexes of `kind`. The entries of records created during the
// load are not written with the rows but go to `sorter` once their batch
// is committed, and FinishDeferred writes them in key order; those records
// updated or deleted meanwhile are noted in `touched`, and FinishDeferred
// skips their sorted entries and indexes them from their rows as they are
// then. Records that were in the store before the load (ids below
// `first_id`) keep their entries, which their updates and deletions change
// directly. Guarded by the store's writer lock.
struct DeferredIndexes {
  v1::Kind kind = v1::KIND_UNSPECIFIED;
  uint64_t first_id = 1;  // The first id the load's records can have.
  std::vector<const model::Index*> indexes;
  std::unique_ptr<storage::ExternalSorter> sorter;  // null: rebuild from rows
  std::unordered_set<uint64_t> touched;

  bool Defers(v1::Kind k, const model::Index* idx) const;
};

// Starts deferring the indexes of `kind` in `registry` other than unique
// ones, those over a single Ref field (deletions and merges look referrers
// up in them) and those in `keep`; `first_id` is the next id of the kind.
// Marks them unbuilt (synced) first, so that if the process stops before
// FinishDeferred the next open rebuilds them from the rows. Returns null
// when nothing is left to defer.
// The sorter's run files go to `sort_dir` (empty: the store's directory).
absl::StatusOr<std::unique_ptr<DeferredIndexes>> DeferIndexes(
    storage::Db* db, const model::IndexRegistry& registry, v1::Kind kind,
    uint64_t first_id, absl::Span<const uint16_t> keep,
    size_t sort_memory_bytes, const std::string& sort_dir = "");

// Writes the deferred entries (sorted, in batches of about 1 MB), indexes
// the touched records from their rows, and marks the indexes built (synced).
// When the sorter failed (e.g. the disk filled) it rebuilds them from the
// rows instead. Returns the number of entries written. On error the
// indexes stay unbuilt: the next open rebuilds them.
absl::StatusOr<uint64_t> FinishDeferred(storage::Db* db,
                                        DeferredIndexes* deferred);

// Computes index changes for one batch. Not thread-safe: one per write,
// under the store's writer lock.
class IndexWriter {
 public:
  // `deferred` (may be null): a bulk load in progress, whose indexes this
  // writer leaves to it.
  IndexWriter(const storage::Db& db, const model::IndexRegistry& registry,
              DeferredIndexes* deferred = nullptr)
      : db_(db), registry_(registry), deferred_(deferred) {}

  // Adds to `batch` the changes that turn the entries of `old` (nullptr: a
  // new record) into those of `now` (nullptr: a deletion) for record `id`.
  // ALREADY_EXISTS when `now` takes a unique value held by another record,
  // in the store or earlier in this batch; nothing is added then. Entries
  // of deferred indexes for a created record are held back until
  // Committed().
  absl::Status Apply(v1::Kind kind, uint64_t id,
                     const google::protobuf::Message* old,
                     const google::protobuf::Message* now,
                     leveldb::WriteBatch* batch);

  // Call after the batch was written: hands the held-back entries to the
  // bulk load's sorter (if it fails, the load rebuilds from the rows).
  void Committed();

  // Removes every posting of record `id` from the posting block `block_key`
  // of a packed index, as this batch leaves the block (erasure's sweep).
  // Returns how many were removed.
  absl::StatusOr<size_t> ErasePostings(const std::string& block_key,
                                       uint64_t id, leveldb::WriteBatch* batch);

 private:
  struct Block {
    std::vector<storage::Posting> postings;
    bool changed = false;
  };
  using Blocks = std::map<std::string, Block>;
  // Block `key` as this batch leaves it, copied into `staged` (from blocks_
  // or the store) on first use.
  absl::StatusOr<Block*> StagedBlock(const std::string& key, Blocks* staged);
  // Writes the changed staged blocks to `batch` and keeps them for later
  // writes of the batch.
  void CommitBlocks(Blocks* staged, leveldb::WriteBatch* batch);

  const storage::Db& db_;
  const model::IndexRegistry& registry_;
  DeferredIndexes* deferred_;
  // Unique keys written (id) or deleted (0) earlier in this batch.
  std::map<std::string, uint64_t> pending_unique_;
  std::vector<std::string> held_;  // Entries for deferred_->sorter.
  Blocks blocks_;  // Posting blocks changed earlier in this batch.
};

// FAILED_PRECONDITION when some record refers to (kind, id) through an
// indexed Ref field, naming the first such record and field.
absl::Status CheckNotReferenced(const storage::Db& db,
                                const model::IndexRegistry& registry,
                                v1::Kind kind, uint64_t id);

// Brings the store's indexes in line with `registry`: builds indexes that are
// new or whose definition changed (fingerprint in meta("index/<id>")) from
// the rows, and drops entries of indexes no longer declared. Each index is
// marked built only in the batch that finishes it, so an interrupted build
// is redone at the next open.
absl::Status SyncIndexes(storage::Db* db, const model::IndexRegistry& registry);

// Checks rows against index and unique entries both ways. `registry` is
// what queries may use; entries of the indexes in `building` (a bulk load's,
// left out of `registry`) are not checked.
absl::StatusOr<VerifyReport> Verify(const storage::Db& db,
                                    const model::IndexRegistry& registry,
                                    absl::Span<const uint16_t> building = {});

// Moves the single entries of the packed indexes in `registry` into the
// blocks of their ranges (src/storage/postings.h), in batches of about
// 1 MB; each batch writes a range's block and deletes its single entries
// together. Returns how many entries were moved. Call under the writer
// lock, with no bulk load running.
absl::StatusOr<uint64_t> PackPostings(storage::Db* db,
                                      const model::IndexRegistry& registry);

// Drops every index and unique entry and rebuilds them from the rows.
absl::Status Reindex(storage::Db* db, const model::IndexRegistry& registry);

}  // namespace internal
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_API_INDEXING_H_
