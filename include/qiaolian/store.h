// A qiaolian store: one directory, one LevelDB, every record of one office.
//
//   auto store = qiaolian::Store::Open("/var/lib/qiaolian/jintan");
//   qiaolian::v1::Enterprise e;
//   e.set_name("常州三久制造有限公司");
//   absl::StatusOr<uint64_t> id = (*store)->Create(&e);
//
// Every write validates the record (errors name the field), then commits the
// row, its counters and a history record in one atomic LevelDB batch: a
// failed write changes nothing. Updates carry the revision they were based on
// (record.meta.revision); a mismatch is ABORTED ("conflict"), never a silent
// overwrite.
//
// Thread-safety: a Store is safe for concurrent use from many threads; writes
// are serialised inside. Only one Store (in one process) may have a
// directory open at a time; a second gets UNAVAILABLE ("in use").
//
// Errors (absl::StatusCode): INVALID_ARGUMENT bad record or argument,
// NOT_FOUND no such record or store, ALREADY_EXISTS, FAILED_PRECONDITION
// (dangling reference, read-only store, not a store, store too new),
// ABORTED revision conflict, UNAVAILABLE store in use or I/O error,
// DATA_LOSS corruption, PERMISSION_DENIED wrong encryption key.
#ifndef QIAOLIAN_STORE_H_
#define QIAOLIAN_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "qiaolian/query.h"
#include "qiaolian/record.h"
#include "qiaolian/v1/storage.pb.h"

namespace leveldb {
class Env;
class Snapshot;
}  // namespace leveldb

namespace qiaolian {

namespace model {
class IndexRegistry;
}  // namespace model
namespace internal {
struct StoreAccess;  // src/api/store_access.h
}  // namespace internal

// What Store::Verify found. Empty `problems` means rows and index entries
// agree both ways.
struct VerifyReport {
  uint64_t rows = 0;                  // Rows checked.
  uint64_t index_entries = 0;         // Index entries expected from the rows.
  uint64_t unique_entries = 0;        // Unique keys expected from the rows.
  std::vector<std::string> problems;  // One line each, naming keys/records.
};

// Length of StoreOptions::encryption_key (AES-256).
inline constexpr size_t kEncryptionKeyBytes = 32;

struct StoreOptions {
  // Create the store when the directory is missing or empty.
  bool create_if_missing = true;
  // Refuse every write with FAILED_PRECONDITION. (LevelDB still takes the
  // directory's lock.)
  bool read_only = false;
  // Default for WriteOptions::sync: wait until each write reaches the disk.
  bool sync = false;
  // LevelDB block cache and memtable sizes, in bytes. The block cache holds
  // decompressed blocks; with `compression` off (the default) LevelDB reads
  // the blocks of its memory-mapped tables (up to 1000 table files) in place,
  // so the cache is used only beyond that.
  size_t block_cache_bytes = 8 << 20;
  size_t write_buffer_bytes = 4 << 20;
  // How LevelDB writes its table files. They apply to the tables written from
  // Open on (a store can hold tables of any mix and reads them all), so
  // changing them needs no migration: compaction rewrites old tables over
  // time. LevelDB clamps out-of-range sizes (block 1 KiB..4 MiB, file
  // 1 MiB..1 GiB). Defaults chosen on bench/query_bench (bench/RESULTS.md).
  //
  // Snappy-compress each table block. Off by default: an uncompressed block
  // of a memory-mapped table is read in place (no copy, no decompression, no
  // block-cache insert), which makes a row fetch ~1.7x faster at 1M
  // enterprises, at the price of ~1.9x the disk space (1.8 GB instead of
  // 0.95 GB for 1M enterprises with their history and 19 indexes). Turn it
  // on where disk space matters more than read latency.
  bool compression = false;
  // Size of a table block before compression, in bytes (LevelDB block_size):
  // the unit of a read and of the block cache. Smaller blocks (1-2 KiB)
  // measured no faster and, compressed, 20 % larger.
  size_t block_bytes = 4096;
  // Target size of one table file, in bytes (LevelDB max_file_size; its
  // default is 2 MiB). 8 MiB keeps a 1M-enterprise store at ~230 files, well
  // under LevelDB's 1000 memory-mapped and open tables, up to ~8 GB of data.
  size_t max_file_bytes = 8 << 20;
  // Read table files through memory maps (LevelDB's default: a block is read
  // in place, the fastest reads) or, when false, with pread(2) into heap
  // buffers: the process's resident memory then stays bounded (block cache,
  // plus the index and filter blocks of at most ~120 open tables) whatever
  // the store's size, where mapped tables add every page a read touches,
  // growing with the store. A read costs a system call and a copy more.
  // `qiaolian import` opens its store with false (bench/RESULTS.md). Mapped,
  // a search reads a block with pread too, into search_cache_bytes (below),
  // or, once that is spent, the first five times, since the first touch of
  // a mapped page (a page fault) costs several preads; from its sixth read
  // on such a block is read in place (docs/ARCHITECTURE.md, "Cold reads").
  bool map_tables = true;
  // Memory, in bytes, that keeps the blocks searches read from mapped tables
  // (map_tables) so that a later search reads them with no system call;
  // 0 turns it off. A block stays until the store closes (or compaction
  // retires its table file): when the memory is spent, later blocks are read
  // as described above. Taken in whole 2 MiB chunks (less than 2 MiB is
  // none), as transparent huge pages where the kernel offers them
  // (docs/ARCHITECTURE.md, "Search blocks kept"). Taken at open by the
  // warm-up (warm_up_in_background, below), as much as the store's tables
  // could fill, otherwise as searches read blocks.
  size_t search_cache_bytes = 32 << 20;
  // Ready the store for reads on a thread of the store's own right after
  // Open returns: load the text data of searches (ICU's and OpenCC's, the
  // surname tables of pinyin: about 20 ms, else paid by the process's first
  // search), take the memory of search_cache_bytes (as much as the store's
  // tables could fill; the first touch of each 2 MiB chunk costs 0.1-3.5 ms)
  // and open the store's table files (about 250-400 us a table of 8 MiB,
  // mostly the first touch of its index block), so that the first searches and
  // gets do not pay for any of it (bench/RESULTS.md, "Warming up in the
  // background"). At most 900 tables (about 7 GB of store) are opened so, upper
  // levels first; closing the store stops it. Only with map_tables and no host
  // env: a table read with pread keeps its index on the heap. For a process
  // that opens a store for one command, as the `qiaolian` tool does, it is work
  // for nothing: turn it off.
  bool warm_up_in_background = true;
  // How much of the tables that hold the search indexes the warm-up then
  // maps into memory, whole tables, the indexes most searches read first
  // (terms, pinyin, trigrams, texts), then the others (reading from disk what
  // the page cache lacks): the first searches read them in place, with no
  // system call (bench/RESULTS.md, session 26). Where the kernel offers
  // transparent huge pages, a table of 2 MiB or more is copied onto huge
  // pages (a first read of a block then misses no TLB entry of a 4 KiB page;
  // session 28): memory the process holds until the store closes, which the
  // kernel cannot take back. Else the pages are the page cache's, counted in
  // the process's resident size; the kernel may take them back. 0: none. A
  // store of some hundred thousand people and enterprises fits in the default;
  // a million of each holds about 1.9 GB of search indexes.
  uint64_t warm_up_search_bytes = uint64_t{512} << 20;
  // The secondary indexes to maintain; nullptr means the built-in ones
  // (src/model/indexes.cc). For tests and tools that declare their own.
  const model::IndexRegistry* indexes = nullptr;
  // Encryption at rest of sensitive fields (docs/privacy.md): a 32-byte
  // data key supplied by the host, never stored; empty = off. With a key,
  // the values of the fields marked (qiaolian.v1.sensitive) (identity
  // document numbers, contacts, personal addresses) are stored encrypted
  // (AES-256-GCM) in rows and history, and their index entries hold keyed
  // hashes: equality queries on them still use the index, while range,
  // prefix, order by and group by on them are INVALID_ARGUMENT. Reads
  // return plaintext. A store created with a key must always be opened with
  // it: without one FAILED_PRECONDITION, with another PERMISSION_DENIED.
  // A key given to a store created without one is FAILED_PRECONDITION
  // (encrypting existing records is not supported), unless the store has
  // never held a record. Lose the key and the values are gone.
  std::string encryption_key = {};
  // For tests only (fault injection, tests/reliability): every file
  // operation goes through this leveldb::Env; nullptr means LevelDB's
  // default. Must outlive the Store. Not offered by the C API.
  leveldb::Env* env = nullptr;
};

struct WriteOptions {
  // Override StoreOptions::sync for this write.
  std::optional<bool> sync;
  // Who makes the change (操作人), kept in meta and history.
  std::string actor;
};

class Store;

// A consistent, read-only view of a store at one moment (Store::NewSnapshot).
// Queries given it (QueryOptions::snapshot) and Get() through it see exactly
// the records committed before it was taken, whatever is written later; a
// report runs all its figures on one. Thread-safe. REQUIRES: destroyed
// before its Store. Holding one keeps LevelDB from discarding the old
// versions of records changed since, so keep it for a report, not a session.
class StoreSnapshot {
 public:
  ~StoreSnapshot();
  StoreSnapshot(const StoreSnapshot&) = delete;
  StoreSnapshot& operator=(const StoreSnapshot&) = delete;

  // Reads the record `id` of `kind` as it was at the snapshot (NOT_FOUND if
  // it did not exist then).
  absl::Status Get(Kind kind, uint64_t id,
                   google::protobuf::Message* out) const;
  const Store& store() const;

 private:
  friend class Store;
  struct Rep;
  explicit StoreSnapshot(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// What Store::Compact did: the size of the store directory's files before
// and after, in bytes.
struct CompactReport {
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
  // Search n-gram entries written one record at a time, moved into the
  // packed blocks of their id ranges (docs/search.md).
  uint64_t postings_packed = 0;
};

class Store {
 public:
  // Opens (or creates) the store in `dir`. See the error list above; a
  // directory holding anything else, or a store written by a newer library,
  // is FAILED_PRECONDITION; an older store is migrated.
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& dir, const StoreOptions& options = {});

  // Closes the store (releases the lock). Outstanding calls must be done.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Validates and creates `record` (any entity message). Its meta.id and
  // meta.revision must be 0; on success `record->meta` is filled in (id
  // assigned per kind from 1, revision 1, times, actor) and the id returned.
  absl::StatusOr<uint64_t> Create(google::protobuf::Message* record,
                                  const WriteOptions& options = {});

  // Creates every record, all or nothing, in one batch. Refs may point at
  // records created earlier in the same call (their ids are assigned in
  // order, so callers can predict them from Count/next ids only when no one
  // else writes). On error nothing is written and the message names the
  // record's position ("record 3: enterprise.uscc: ...").
  absl::Status CreateAll(absl::Span<google::protobuf::Message* const> records,
                         const WriteOptions& options = {});

  // Reads the record `id` of `kind` into `out` (which must be of that kind).
  absl::Status Get(Kind kind, uint64_t id,
                   google::protobuf::Message* out) const;
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Get(
      Kind kind, uint64_t id) const;

  // Replaces record `record->meta.id` with `record`. `record->meta.revision`
  // must be the revision the change was based on; otherwise ABORTED and
  // nothing is written. meta.created_* are kept from the stored row. On
  // success `record->meta` holds the new revision and times.
  absl::Status Update(google::protobuf::Message* record,
                      const WriteOptions& options = {});

  // Deletes record `id`. When `expected_revision` is not 0 it must match the
  // stored revision (else ABORTED). NOT_FOUND when absent.
  absl::Status Delete(Kind kind, uint64_t id, uint64_t expected_revision = 0,
                      const WriteOptions& options = {});

  // Calls `fn` for each record of `kind` with id >= `start_id`, in id order,
  // on one snapshot, until `fn` returns false. The message is valid only
  // during the call.
  absl::Status Scan(
      Kind kind, uint64_t start_id,
      const std::function<bool(const google::protobuf::Message&)>& fn) const;

  // Number of live records of `kind` (kept as a counter, O(1)).
  absl::StatusOr<uint64_t> Count(Kind kind) const;

  // Every committed change of one record, oldest first (deleted records
  // keep their history).
  absl::StatusOr<std::vector<v1::ChangeRecord>> History(Kind kind,
                                                        uint64_t id) const;

  // Runs a row query (include/qiaolian/query.h) on one snapshot.
  // INVALID_ARGUMENT for syntax errors (with the column), unknown kinds,
  // fields and enum values, type mismatches, malformed cursors, and
  // FAILED_PRECONDITION when no index serves the query and
  // !options.allow_scan (the message lists the indexed fields).
  absl::StatusOr<QueryPage> Query(absl::string_view text,
                                  const QueryOptions& options = {}) const;

  // Runs an aggregate query (`... [group by F] compute count, sum money`);
  // without a compute clause, counts.
  absl::StatusOr<AggregateResult> Aggregate(
      absl::string_view text, const QueryOptions& options = {}) const;

  // Describes how the query would run: indexes used, intersections, unions,
  // filters, sort, and whether the kind is scanned.
  absl::StatusOr<std::string> Explain(absl::string_view text,
                                      const QueryOptions& options = {}) const;

  // A snapshot of the store as it is now (see StoreSnapshot).
  std::unique_ptr<StoreSnapshot> NewSnapshot() const;

  // Checks that every row has exactly the index and unique entries its
  // fields call for, and that every entry belongs to a row. Reads one
  // snapshot; safe while others write.
  absl::StatusOr<VerifyReport> Verify() const;

  // Drops and rebuilds all index entries from the rows (holds the writer
  // lock throughout), then compacts the store into one level (as Compact;
  // writers go on meanwhile), where searches and queries read fastest.
  absl::Status Reindex();

  // Rewrites the store's tables so that deleted and overwritten data is
  // dropped and every key sits at its final level (a full LevelDB
  // compaction). Queries and search are at their fastest afterwards, and
  // the space of deleted records is given back: worth running after a large
  // import or deletion (minutes for a store of gigabytes). Reads and writes
  // go on meanwhile, more slowly. First, under the writer lock, the search
  // n-gram entries written one record at a time are packed into blocks
  // (docs/search.md), which makes searches faster and the index smaller.
  // FAILED_PRECONDITION on a read-only store.
  absl::StatusOr<CompactReport> Compact();

  // The store directory, and the layout version it is at.
  const std::string& path() const;
  uint32_t schema_version() const;

 private:
  friend class StoreSnapshot;
  friend struct internal::StoreAccess;
  struct Rep;
  explicit Store(std::unique_ptr<Rep> rep);
  // The LevelDB snapshot of options.snapshot (nullptr when unset);
  // INVALID_ARGUMENT when it belongs to another store.
  absl::StatusOr<const leveldb::Snapshot*> SnapshotOf(
      const QueryOptions& options) const;
  std::unique_ptr<Rep> rep_;
};

}  // namespace qiaolian

#endif  // QIAOLIAN_STORE_H_
