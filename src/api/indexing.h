// Index maintenance for the Store: entries computed from records (src/model/
// indexes.h) and written in the same batch as the row; backfill of new or
// changed indexes at open; verify and reindex.
#ifndef QIAOLIAN_SRC_API_INDEXING_H_
#define QIAOLIAN_SRC_API_INDEXING_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "leveldb/write_batch.h"
#include "qiaolian/store.h"
#include "src/model/indexes.h"
#include "src/storage/db.h"

namespace qiaolian {
namespace internal {

// Renders an encoded tuple for messages: "\"KE\", 3".
std::string TupleToString(absl::string_view tuple);

// Computes index changes for one batch. Not thread-safe: one per write,
// under the store's writer lock.
class IndexWriter {
 public:
  IndexWriter(const storage::Db& db, const model::IndexRegistry& registry)
      : db_(db), registry_(registry) {}

  // Adds to `batch` the changes that turn the entries of `old` (nullptr: a
  // new record) into those of `now` (nullptr: a deletion) for record `id`.
  // ALREADY_EXISTS when `now` takes a unique value held by another record,
  // in the store or earlier in this batch; nothing is added then.
  absl::Status Apply(v1::Kind kind, uint64_t id,
                     const google::protobuf::Message* old,
                     const google::protobuf::Message* now,
                     leveldb::WriteBatch* batch);

 private:
  const storage::Db& db_;
  const model::IndexRegistry& registry_;
  // Unique keys written (id) or deleted (0) earlier in this batch.
  std::map<std::string, uint64_t> pending_unique_;
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

// Checks rows against index and unique entries both ways.
absl::StatusOr<VerifyReport> Verify(const storage::Db& db,
                                    const model::IndexRegistry& registry);

// Drops every index and unique entry and rebuilds them from the rows.
absl::Status Reindex(storage::Db* db, const model::IndexRegistry& registry);

}  // namespace internal
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_API_INDEXING_H_
