// LevelDB underneath a store directory: open/create, the process lock, the
// store_info record and its schema version (migrate older, refuse newer),
// atomic batch commits and snapshot reads. Knows nothing of entities or
// validation (src/model) — only bytes and keys (src/storage/key_codec.h).
//
// Thread-safety: a Db is safe for concurrent use; callers serialise writes
// that must read-modify-write (the Store does, with its writer mutex).
#ifndef QIAOLIAN_SRC_STORAGE_DB_H_
#define QIAOLIAN_SRC_STORAGE_DB_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "leveldb/db.h"
#include "leveldb/env.h"
#include "leveldb/write_batch.h"
#include "src/storage/row_codec.h"

namespace qiaolian {
namespace storage {

// The layout version this library writes.
inline constexpr uint32_t kSchemaVersion = 1;

// One step of a migration: rewrites a store of version `from` into
// version `from + 1`. All of a step's changes go in `batch`, which is
// committed together with the new version number.
struct Migration {
  uint32_t from = 0;
  std::string description;
  std::function<absl::Status(leveldb::DB* db, leveldb::WriteBatch* batch)>
      apply;
};

// The migrations this library knows (empty while only version 1 exists).
const std::vector<Migration>& BuiltinMigrations();

struct DbOptions {
  bool create_if_missing = true;
  size_t block_cache_bytes = 8 << 20;
  size_t write_buffer_bytes = 4 << 20;
  // How tables are written (leveldb::Options compression, block_size,
  // max_file_size); see StoreOptions for the defaults and why. They apply to
  // tables written from now on: a store holds tables of any mix and reads
  // them all.
  bool compression = false;         // Snappy-compress table blocks.
  size_t block_bytes = 4096;        // Uncompressed table block size, bytes.
  size_t max_file_bytes = 8 << 20;  // Target table file size, bytes.
  // For tests of the migration machinery: the version to bring the store to
  // and the steps to use. Defaults: kSchemaVersion, BuiltinMigrations().
  std::optional<uint32_t> target_version;
  const std::vector<Migration>* migrations = nullptr;
  // For tests only (fault injection, docs/reliability.md): the leveldb::Env
  // through which every file operation goes; nullptr means
  // leveldb::Env::Default(). Must outlive the Db.
  leveldb::Env* env = nullptr;
  // Memory-map table files (LevelDB's default) or read them with pread
  // (src/storage/pread_env.h, StoreOptions::map_tables).
  bool map_tables = true;
  // Memory for the blocks searches read (StoreOptions::search_cache_bytes).
  size_t search_cache_bytes = 32 << 20;
};

// Key ranges [begin, end).
using KeyRanges = std::vector<std::pair<std::string, std::string>>;

// At most this many table files are opened by Db::WarmUpInBackground:
// LevelDB keeps up to 990 open (leveldb::Options::max_open_files, 1000, less
// 10 for its other files), and the reads of a store larger than that need
// room of their own.
inline constexpr size_t kMaxTablesOpenedInBackground = 900;

// A table file as LevelDB's "leveldb.sstables" property lists it.
struct TableListing {
  uint64_t number = 0;    // Its file number (NUMBER.ldb).
  std::string first_key;  // Its smallest user key.
  std::string last_key;   // Its largest user key.
  uint64_t bytes = 0;     // Its size.
};

// The table files listed in `sstables`, the text of LevelDB's
// "leveldb.sstables" property (Version::DebugString: a line
// " NUMBER:SIZE['SMALLEST' @ SEQ : TYPE .. 'LARGEST' @ SEQ : TYPE]" a file
// under "--- level N ---" headers, keys printed with bytes outside ' '..'~'
// as \xNN), in the order listed: upper levels first, each level in key
// order. A key holding a literal "\x" and two hex digits comes back with
// them as one byte: the keys are places to read, not data.
std::vector<TableListing> ListTables(absl::string_view sstables);

// The filter policy of every store's tables (src/storage/db.cc): Bloom
// filters over the keys that point reads look up, not over index entries.
// Whatever opens a store's LevelDB directly (repair) uses it too.
const leveldb::FilterPolicy* TableFilterPolicy();

// Read options for every read of the store: block checksums verified
// (a flipped byte is DATA_LOSS, never wrong data), at `snapshot` (nullptr:
// latest), filling the block cache unless `fill_cache` is false (scans).
leveldb::ReadOptions ReadOpts(const leveldb::Snapshot* snapshot = nullptr,
                              bool fill_cache = true);

// The one place that turns a leveldb::Status into an absl::Status:
// NotFound→NOT_FOUND, Corruption→DATA_LOSS, IOError→UNAVAILABLE,
// NotSupported→UNIMPLEMENTED, InvalidArgument→INVALID_ARGUMENT.
// `context` (e.g. the path or key) is prefixed to the message.
absl::Status FromLevelDb(const leveldb::Status& s, absl::string_view context);

class Db {
 public:
  // Opens the store in `dir`, creating it when missing and allowed.
  // Errors: NOT_FOUND (missing, not allowed to create), FAILED_PRECONDITION
  // (the directory holds something else, or a store of a newer version),
  // UNAVAILABLE (locked by another process or another handle: "in use"),
  // DATA_LOSS (corrupt).
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& dir,
                                                  const DbOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Commits `batch` atomically; `sync` waits for the OS to persist it.
  // After a failed write (I/O error, corruption) every later write fails
  // with the same error until the store is reopened: LevelDB's log may then
  // end in a partial record, which recovery drops only when nothing follows
  // it. Whether the failed batch itself was committed is known only after
  // reopening (it is all or nothing either way).
  absl::Status Write(leveldb::WriteBatch* batch, bool sync);

  // Reads `key` at `snapshot` (nullptr: latest). nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Get(
      absl::string_view key, const leveldb::Snapshot* snapshot = nullptr) const;

  leveldb::DB* raw() const { return db_.get(); }
  // The codec between rows and records (src/storage/row_codec.h); nullptr
  // for a plain store. REQUIRES: set right after Open, before any other
  // thread uses the Db.
  const RowCodec* row_codec() const { return row_codec_.get(); }
  void set_row_codec(std::shared_ptr<const RowCodec> codec) {
    row_codec_ = std::move(codec);
  }
  const std::string& path() const { return path_; }
  uint32_t schema_version() const { return schema_version_; }

  // On a thread of the Db's own: takes the memory for kept search blocks
  // (ReserveSearchCache, DbOptions::search_cache_bytes), then opens the
  // store's table files (at most kMaxTablesOpenedInBackground, upper levels
  // first) by reading the smallest key of each, so that reads pay for
  // neither: about 250-400 us a table here, mostly the page faults of its
  // index block, and 0.1-3.5 ms a 2 MiB chunk (bench/RESULTS.md, session
  // 25). Then maps into memory the tables that hold `map_into_memory`,
  // range by range in their order, each table whole and only while it fits
  // in what is left of `map_into_memory_bytes` (MapTableIntoMemory: the
  // searches' first reads of them are then in place, with no pread;
  // StoreOptions::warm_up_search_bytes, bench/RESULTS.md, session 26). Only for
  // tables this Db maps itself (DbOptions::map_tables, no host Env): a table
  // read with pread keeps its index and filter blocks on the heap. Errors are
  // left to the reads that need the tables. Closing the Db stops it after the
  // chunk, table or 2 MiB step in hand. `first`, when given, runs on the
  // warm-up thread before all that (the api layer loads the text data that
  // searches use, which takes a process's first search 20-30 ms otherwise);
  // it must not throw. Does nothing when called again.
  void WarmUpInBackground(KeyRanges map_into_memory = {},
                          uint64_t map_into_memory_bytes = 0,
                          std::function<void()> first = nullptr);
  // For tests: waits until WarmUpInBackground has finished and returns
  // how many tables it read from (0 when it did not run).
  size_t WaitForTablesOpened();
  // For tests, after WaitForTablesOpened: how many 2 MiB chunks of memory
  // for kept search blocks it took.
  size_t search_cache_chunks_taken() const {
    return search_cache_chunks_.load(std::memory_order_relaxed);
  }
  // For tests, after WaitForTablesOpened: the bytes of the tables it mapped
  // into memory.
  uint64_t bytes_mapped_into_memory() const {
    return bytes_mapped_.load(std::memory_order_relaxed);
  }

 private:
  Db(std::string path, std::unique_ptr<leveldb::Env> env,
     std::unique_ptr<leveldb::DB> db, std::unique_ptr<leveldb::Cache> cache);
  absl::Status InitOrCheckVersion(const DbOptions& options, bool fresh);
  void WarmUp();

  std::string path_;
  std::unique_ptr<leveldb::Env> env_;      // Ours, or null. Outlives db_.
  std::unique_ptr<leveldb::Cache> cache_;  // Outlives db_ (declared first).
  std::unique_ptr<leveldb::DB> db_;
  uint32_t schema_version_ = 0;
  std::shared_ptr<const RowCodec> row_codec_;
  absl::Mutex failed_mu_;
  absl::Status failed_ ABSL_GUARDED_BY(failed_mu_);  // Sticky write error.
  // Table files are mapped by env_ (DbOptions::map_tables, no host Env).
  bool tables_mapped_ = false;
  std::thread warmer_;  // WarmUpInBackground; joined before db_.
  std::atomic<bool> closing_{false};
  std::atomic<size_t> tables_opened_{0};
  std::atomic<size_t> search_cache_chunks_{0};
  KeyRanges map_into_memory_;
  uint64_t map_into_memory_bytes_ = 0;
  std::function<void()> warm_up_first_;
  std::atomic<uint64_t> bytes_mapped_{0};
  absl::Notification tables_opened_done_;
};

// RAII snapshot: every read through it sees one consistent state.
class Snapshot {
 public:
  explicit Snapshot(leveldb::DB* db) : db_(db), snap_(db->GetSnapshot()) {}
  ~Snapshot() { db_->ReleaseSnapshot(snap_); }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;
  const leveldb::Snapshot* get() const { return snap_; }

 private:
  leveldb::DB* db_;
  const leveldb::Snapshot* snap_;
};

}  // namespace storage
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_STORAGE_DB_H_
