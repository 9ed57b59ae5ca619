// Planner and executor of the query language (src/query/ast.h) over a store's
// rows and index entries (src/model/indexes.h). Every call reads one LevelDB
// snapshot.
//
// Plans are trees of id streams, each yielding record ids in ascending
// order and able to skip forward (SeekTo):
//   - an equality on an index is a prefix scan of its entries, which are
//     sorted by id within one value (no sorting needed);
//   - a range, prefix or `in` on an index collects ids and sorts them;
//   - `and` intersects its children's streams by leapfrogging (each seeks to
//     the largest current id), driven by the most selective one (sizes are
//     estimated by counting entries up to a cap); children that are far
//     larger than the driver, or have no index, are checked on the fetched
//     rows instead;
//   - `or` merges its children's streams (all must be indexed);
//   - with nothing to drive, the kind's rows are scanned (allow_scan only).
// Counts and group-by-an-indexed-field counts are answered from the entries
// alone when every predicate was served by an index. `at`, when given, is
// the snapshot to read (QueryOptions::snapshot, resolved by the Store).
#ifndef QIAOLIAN_SRC_QUERY_ENGINE_H_
#define QIAOLIAN_SRC_QUERY_ENGINE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qiaolian/query.h"
#include "src/model/indexes.h"
#include "src/storage/db.h"

namespace qiaolian {
namespace query {

absl::StatusOr<QueryPage> RunQuery(const storage::Db& db,
                                   const model::IndexRegistry& registry,
                                   absl::string_view text,
                                   const QueryOptions& options,
                                   const leveldb::Snapshot* at = nullptr);

absl::StatusOr<AggregateResult> RunAggregate(
    const storage::Db& db, const model::IndexRegistry& registry,
    absl::string_view text, const QueryOptions& options,
    const leveldb::Snapshot* at = nullptr);

absl::StatusOr<std::string> Explain(const storage::Db& db,
                                    const model::IndexRegistry& registry,
                                    absl::string_view text,
                                    const QueryOptions& options,
                                    const leveldb::Snapshot* at = nullptr);

}  // namespace query
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_QUERY_ENGINE_H_
