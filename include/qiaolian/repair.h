// Repairing a damaged store (docs/reliability.md, "Corruption").
//
//   absl::StatusOr<qiaolian::RepairReport> r =
//       qiaolian::RepairStore("/var/lib/qiaolian/jintan");
//   if (r.ok()) std::cout << r->ToString();
//
// When a store reports DATA_LOSS (a flipped bit on disk, a truncated file),
// RepairStore salvages what can be read and makes the store whole again:
//  1. leveldb::RepairDB: rebuilds the MANIFEST from the table and log files,
//     keeping every entry whose checksum holds; unreadable files are moved
//     to DIR/lost/ (kept, never deleted);
//  2. drops rows that no longer parse, and every index entry, unique key and
//     index mark; reconciles rows with their history, which holds the row
//     of every revision: a row lost, or come back at an older revision (a
//     lost block can resurrect an older version of a key, or a deleted
//     key), is set to the latest revision its history holds;
//  3. sets each kind's counter to the rows that survived and its next id
//     above every id any row or history record ever used (ids are never
//     reused);
//  4. opens the store, which rebuilds every index from the rows, and runs
//     Store::Verify.
// The report says what was lost: records per kind before (as the store's
// counters last said) and after, rows dropped or restored, files set aside,
// and what Verify found afterwards (nothing, unless something is badly
// wrong). Where a record's latest row and its latest history record were
// both lost, it comes back at its latest surviving revision (its history
// agrees); nothing can tell that from a record never updated again.
//
// A store that is not damaged comes out unchanged, with nothing lost.
// The store must not be open anywhere (UNAVAILABLE "in use" otherwise).
// Errors: NOT_FOUND no store there, UNAVAILABLE in use or I/O error,
// DATA_LOSS when even the repaired store cannot be read.
#ifndef QIAOLIAN_REPAIR_H_
#define QIAOLIAN_REPAIR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qiaolian/store.h"

namespace qiaolian {

struct RepairReport {
  struct Kind {
    std::string kind;     // "person" ...
    int64_t before = -1;  // Records per the store's counter; -1 unreadable.
    uint64_t after = 0;   // Records after the repair.
  };
  std::vector<Kind> kinds;       // One per record kind.
  uint64_t unreadable_rows = 0;  // Rows dropped: did not parse.
  // Rows put back from the record's history: lost altogether
  // (rows_restored), or come back at an older revision than the history's
  // latest (rows_from_history); rows of records whose history ends in a
  // delete, removed (stale_rows_removed); history records written for rows
  // whose own was lost (history_added, actor "qiaolian repair").
  uint64_t rows_restored = 0;
  uint64_t rows_from_history = 0;
  uint64_t stale_rows_removed = 0;
  uint64_t history_added = 0;
  // Files LevelDB's repair moved to DIR/lost/: logs it converted, the
  // MANIFEST it replaced, tables it could not read. Kept, never deleted.
  std::vector<std::string> lost_files;
  uint64_t index_entries = 0;         // Index entries rebuilt.
  bool store_info_rewritten = false;  // Its record was lost.
  // When whole table files were set aside, records may have been lost with
  // every trace of their ids; new ids then resume this far above the
  // highest id seen (a bound on the records those files could hold), so
  // that no id is ever handed out twice. 0 otherwise.
  uint64_t id_gap = 0;
  VerifyReport verify;  // After the repair.

  // Records the counters promised that are not there (sum over kinds of
  // before - after where before > after).
  uint64_t RecordsLost() const;
  std::string ToString() const;  // Several lines, for people.
  std::string ToJson() const;    // One object, for programs.
};

struct RepairOptions {
  // The key of a store with encryption at rest (StoreOptions::
  // encryption_key). Steps 1-3 work on the stored (encrypted) values and
  // need no key; step 4 rebuilds the indexes, whose entries over encrypted
  // fields are keyed hashes, and so needs it: without it, an encrypted
  // store is repaired up to step 3 and the call fails with
  // FAILED_PRECONDITION (run it again with the key).
  std::string encryption_key = {};
};

absl::StatusOr<RepairReport> RepairStore(const std::string& dir,
                                         const RepairOptions& options = {});

}  // namespace qiaolian

#endif  // QIAOLIAN_REPAIR_H_
