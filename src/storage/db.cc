#include "src/storage/db.h"

#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "leveldb/cache.h"
#include "leveldb/filter_policy.h"
#include "qiaolian/v1/storage.pb.h"
#include "src/storage/key_codec.h"
#include "src/storage/pread_env.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"
#include "src/util/version.h"

namespace qiaolian {
namespace storage {
namespace {

// leveldb::Options::max_open_files when tables are read with pread: about
// 118 tables open (LevelDB keeps 10 descriptors for its other files), whose
// index and filter blocks take up to ~0.45 MB each for tables of short keys
// (index entries), ~55 MB in all.
constexpr int kPreadMaxOpenFiles = 128;

namespace fs = std::filesystem;

constexpr absl::string_view kStoreInfoName = "store_info";

// Bloom filters (10 bits a key) for the keys that point reads look up:
// meta, rows, unique keys, history, audit. Index entries (keyspace 0x03)
// are only ever sought and scanned, where a filter is of no use, and they
// are most of a store's keys: leaving them out makes the filter block of
// an 8 MiB table of index entries ~16 KiB (an offset a 2 KiB range) instead
// of ~160 KiB, less to read and checksum when a table is opened
// (bench/RESULTS.md, session 15). A point read of an index key is
// still answered (the filter says "may match"), from the table itself.
// Its own name: LevelDB ignores a filter block written under another
// policy's name, so tables written before this policy are read without
// their filters (not wrongly), and binaries that predate it do the same
// with tables written under it.
class KeyspaceBloomPolicy final : public leveldb::FilterPolicy {
 public:
  KeyspaceBloomPolicy() : bloom_(leveldb::NewBloomFilterPolicy(10)) {}

  const char* Name() const override { return "qiaolian.PointReadBloom10"; }

  void CreateFilter(const leveldb::Slice* keys, int n,
                    std::string* dst) const override {
    std::vector<leveldb::Slice> kept;
    kept.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      if (Filtered(keys[i])) kept.push_back(keys[i]);
    }
    // Index entries only: no filter at all (a Bloom filter of no key takes
    // nine bytes). LevelDB still asks KeyMayMatch about an empty filter.
    if (kept.empty()) return;
    bloom_->CreateFilter(kept.data(), static_cast<int>(kept.size()), dst);
  }

  bool KeyMayMatch(const leveldb::Slice& key,
                   const leveldb::Slice& filter) const override {
    if (!Filtered(key)) return true;
    // An empty filter holds no key (LevelDB's Bloom filter says as much of
    // anything shorter than two bytes).
    return bloom_->KeyMayMatch(key, filter);
  }

 private:
  static bool Filtered(const leveldb::Slice& key) {
    return key.empty() || static_cast<uint8_t>(key[0]) !=
                              static_cast<uint8_t>(Keyspace::kIndex);
  }

  std::unique_ptr<const leveldb::FilterPolicy> bloom_;
};

bool IsLockError(const leveldb::Status& s) {
  const std::string msg = s.ToString();
  return s.IsIOError() && absl::StrContains(msg, "lock ") &&
         (absl::StrContains(msg, "already held") ||
          absl::StrContains(msg, "unavailable") ||
          absl::StrContains(msg, "Resource temporarily"));
}

// True when `dir` holds only what an interrupted creation of a LevelDB
// leaves before its CURRENT file exists (DB::Open's NewDB writes
// MANIFEST-000001, then 000001.dbtmp, then renames it to CURRENT): such a
// directory is created afresh rather than refused.
bool IsFailedCreation(const std::string& dir) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name != "LOCK" && name != "LOG" && name != "LOG.old" &&
        name != "MANIFEST-000001" && name != "000001.dbtmp") {
      return false;
    }
  }
  return !ec;
}

}  // namespace

const leveldb::FilterPolicy* TableFilterPolicy() {
  // Shared by every Db; LevelDB never deletes a filter policy.
  static const leveldb::FilterPolicy* policy = new KeyspaceBloomPolicy();
  return policy;
}

const std::vector<Migration>& BuiltinMigrations() {
  static const std::vector<Migration>* migrations =
      new std::vector<Migration>();
  return *migrations;
}

leveldb::ReadOptions ReadOpts(const leveldb::Snapshot* snapshot,
                              bool fill_cache) {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = fill_cache;
  ro.snapshot = snapshot;
  return ro;
}

absl::Status FromLevelDb(const leveldb::Status& s, absl::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(context, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) {
    return absl::DataLossError(
        absl::StrCat(msg,
                     " (the store is damaged; `qiaolian repair` recovers what "
                     "can be read and rebuilds the indexes)"));
  }
  if (s.IsIOError()) {
    // A read past the end of a table file (EINVAL from the mmap'ed or
    // pread read) means its footer or index points nowhere: damage, not an
    // I/O failure.
    if (absl::StrContains(msg, ".ldb: Invalid argument") ||
        absl::StrContains(msg, ".sst: Invalid argument")) {
      return absl::DataLossError(absl::StrCat(
          msg,
          " (a table file is damaged; `qiaolian repair` recovers what can be "
          "read and rebuilds the indexes)"));
    }
    return absl::UnavailableError(msg);
  }
  if (s.IsNotSupportedError()) return absl::UnimplementedError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

Db::Db(std::string path, std::unique_ptr<leveldb::Env> env,
       std::unique_ptr<leveldb::DB> db, std::unique_ptr<leveldb::Cache> cache)
    : path_(std::move(path)),
      env_(std::move(env)),
      cache_(std::move(cache)),
      db_(std::move(db)) {}

Db::~Db() {
  closing_.store(true, std::memory_order_relaxed);
  if (warmer_.joinable()) warmer_.join();
  db_.reset();  // Before the cache it uses.
}

namespace {

// A key as LevelDB's EscapeString printed it: \xNN for bytes outside
// ' '..'~', every other byte as it is.
std::string UnescapeKey(absl::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x' &&
        absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 2])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(text[i + 3]))) {
      key += absl::HexStringToBytes(text.substr(i + 2, 2));
      i += 3;
    } else {
      key.push_back(text[i]);
    }
  }
  return key;
}

}  // namespace

std::vector<TableListing> ListTables(absl::string_view sstables) {
  std::vector<TableListing> tables;
  for (absl::string_view line : absl::StrSplit(sstables, '\n')) {
    // " 17:123['a' @ 5 : 1 .. 'd' @ 9 : 1]"
    const size_t colon = line.find(':');
    const size_t open = line.find("['");
    if (line.empty() || line[0] != ' ' || colon == absl::string_view::npos ||
        open == absl::string_view::npos || open < colon) {
      continue;  // A level's header, or not a file.
    }
    TableListing t;
    if (!absl::SimpleAtoi(line.substr(1, colon - 1), &t.number) ||
        !absl::SimpleAtoi(line.substr(colon + 1, open - colon - 1), &t.bytes)) {
      continue;
    }
    absl::string_view rest = line.substr(open + 2);
    const size_t end = rest.find("' @ ");
    if (end == absl::string_view::npos) continue;
    t.first_key = UnescapeKey(rest.substr(0, end));
    // The largest key: after " .. '", up to its own "' @ " (the last one:
    // the key itself may hold that text).
    const size_t dots = rest.find(" .. '", end);
    const size_t last_end = rest.rfind("' @ ");
    if (dots != absl::string_view::npos &&
        last_end != absl::string_view::npos && last_end >= dots + 5) {
      t.last_key = UnescapeKey(rest.substr(dots + 5, last_end - dots - 5));
    }
    tables.push_back(std::move(t));
  }
  return tables;
}

void Db::WarmUpInBackground(KeyRanges map_into_memory,
                            uint64_t map_into_memory_bytes,
                            std::function<void()> first) {
  if (!tables_mapped_ || warmer_.joinable()) return;
  map_into_memory_ = std::move(map_into_memory);
  map_into_memory_bytes_ = map_into_memory_bytes;
  warm_up_first_ = std::move(first);
  try {
    warmer_ = std::thread([this] { WarmUp(); });
  } catch (const std::system_error&) {
    // No thread to be had (a process at its limit): the reads open the
    // tables they need, as they would with the option off.
  }
}

void Db::WarmUp() {
  // Nothing thrown here may end the host process (std::terminate): an
  // exception (out of memory) stops the warm-up, and the reads do what is
  // left.
  try {
    if (warm_up_first_) warm_up_first_();
    std::string sstables;
    if (!db_->GetProperty("leveldb.sstables", &sstables)) sstables.clear();
    const std::vector<TableListing> tables = ListTables(sstables);
    // No more memory for kept blocks than the tables could fill.
    uint64_t table_bytes = 0;
    for (const TableListing& t : tables) table_bytes += t.bytes;
    search_cache_chunks_.store(
        ReserveSearchCache(env_.get(), table_bytes, closing_),
        std::memory_order_relaxed);
    const leveldb::ReadOptions ro = ReadOpts(nullptr, /*fill_cache=*/false);
    std::string value;
    size_t n = 0;
    for (const TableListing& t : tables) {
      if (closing_.load(std::memory_order_relaxed) ||
          n == kMaxTablesOpenedInBackground) {
        break;
      }
      // Opens the tables that may hold the key, down to the one whose
      // smallest key it is. The result is of no interest: a damaged table
      // fails the reads that need it, with their own errors.
      (void)db_->Get(ro, t.first_key, &value);
      tables_opened_.store(++n, std::memory_order_relaxed);
    }
    // Then the tables that hold the given ranges, range by range, as long as
    // each fits in what is left of the budget.
    uint64_t left = map_into_memory_bytes_;
    std::vector<bool> mapped(tables.size(), false);
    for (const auto& [begin, end] : map_into_memory_) {
      for (size_t i = 0; i < n && left > 0; ++i) {
        if (closing_.load(std::memory_order_relaxed)) break;
        const TableListing& t = tables[i];
        if (mapped[i] || t.bytes > left || t.first_key >= end ||
            t.last_key < begin) {
          continue;
        }
        mapped[i] = true;
        const uint64_t bytes =
            MapTableIntoMemory(env_.get(), t.number, closing_);
        left -= std::min(left, bytes);
        bytes_mapped_.fetch_add(bytes, std::memory_order_relaxed);
      }
    }
  } catch (...) {
  }
  tables_opened_done_.Notify();
}

size_t Db::WaitForTablesOpened() {
  if (warmer_.joinable()) tables_opened_done_.WaitForNotification();
  return tables_opened_.load(std::memory_order_relaxed);
}

absl::StatusOr<std::unique_ptr<Db>> Db::Open(const std::string& dir,
                                             const DbOptions& options) {
  if (dir.empty()) return absl::InvalidArgumentError("store path is empty");
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  bool fresh = false;
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "not a qiaolian store: ", dir, " is a file, not a directory"));
    }
    if (!fs::exists(fs::path(dir) / "CURRENT", ec)) {
      if (!fs::is_empty(dir, ec) && !IsFailedCreation(dir)) {
        return absl::FailedPreconditionError(
            absl::StrCat("not a qiaolian store: ", dir,
                         " is a non-empty directory without a store in it"));
      }
      fresh = true;
    }
  } else {
    fresh = true;
  }
  if (fresh && !options.create_if_missing) {
    return absl::NotFoundError(
        absl::StrCat("no store at ", dir, " (create it with `qiaolian --store ",
                     dir, " init` or the create_if_missing option)"));
  }

  std::unique_ptr<leveldb::Cache> cache(
      leveldb::NewLRUCache(options.block_cache_bytes));
  leveldb::Options lo;
  lo.create_if_missing = fresh;
  lo.error_if_exists = fresh;
  lo.block_cache = cache.get();
  lo.write_buffer_size = options.write_buffer_bytes;
  lo.compression = options.compression ? leveldb::kSnappyCompression
                                       : leveldb::kNoCompression;
  lo.block_size = options.block_bytes;
  lo.max_file_size = options.max_file_bytes;
  lo.filter_policy = TableFilterPolicy();
  // Corruption found in the log, the MANIFEST or a table during recovery or
  // compaction fails the open (DATA_LOSS) instead of being skipped.
  lo.paranoid_checks = true;
  if (options.env != nullptr) lo.env = options.env;
  std::unique_ptr<leveldb::Env> table_env;
  // Table files mapped by an Env of ours (a MappedEnv).
  const bool tables_mapped = options.map_tables && options.env == nullptr;
  if (options.map_tables) {
    // Mapped as LevelDB maps them, with cold reads for searches
    // (src/storage/pread_env.h). A host's Env (tests inject faults through
    // one) is used as it is.
    if (tables_mapped) {
      table_env = NewMappedEnv(lo.env, options.search_cache_bytes);
      lo.env = table_env.get();
    }
  } else {
    table_env = NewPreadEnv(lo.env);
    lo.env = table_env.get();
    // Each open table keeps its index and filter blocks on the heap (about
    // 0.3 MB for an 8 MiB table): at most this many tables stay open.
    lo.max_open_files = kPreadMaxOpenFiles;
  }
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(lo, dir, &raw);
  if (!s.ok()) {
    if (IsLockError(s)) {
      return absl::UnavailableError(absl::StrCat(
          "store ", dir,
          " is in use by another process (or another open handle); close it "
          "there first"));
    }
    return FromLevelDb(s, absl::StrCat("opening store ", dir));
  }
  std::unique_ptr<Db> db(new Db(dir, std::move(table_env),
                                std::unique_ptr<leveldb::DB>(raw),
                                std::move(cache)));
  db->tables_mapped_ = tables_mapped;
  QL_RETURN_IF_ERROR(db->InitOrCheckVersion(options, fresh));
  return db;
}

absl::Status Db::InitOrCheckVersion(const DbOptions& options, bool fresh) {
  const uint32_t target = options.target_version.value_or(kSchemaVersion);
  const std::vector<Migration>& migrations =
      options.migrations ? *options.migrations : BuiltinMigrations();
  const std::string info_key = MetaKey(kStoreInfoName);
  QL_ASSIGN_OR_RETURN(std::optional<std::string> info_bytes, Get(info_key));

  v1::StoreInfo info;
  if (!info_bytes.has_value()) {
    // A LevelDB without store_info is only acceptable when it is empty (we
    // just created it, or a crash hit before the first commit).
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(ReadOpts()));
    it->SeekToFirst();
    if (it->Valid() && !fresh) {
      return absl::FailedPreconditionError(
          absl::StrCat("not a qiaolian store: ", path_,
                       " is a LevelDB database without store_info"));
    }
    QL_RETURN_IF_ERROR(FromLevelDb(it->status(), path_));
    info.set_schema_version(target);
    *info.mutable_created_at() = ToTimestamp(absl::Now());
    info.set_created_by_library(LibraryVersion());
    leveldb::WriteBatch batch;
    batch.Put(info_key, info.SerializeAsString());
    QL_RETURN_IF_ERROR(Write(&batch, /*sync=*/true));
    schema_version_ = target;
    return absl::OkStatus();
  }
  if (!info.ParseFromString(*info_bytes) || info.schema_version() == 0) {
    return absl::DataLossError(
        absl::StrCat("store ", path_, ": unreadable store_info record"));
  }
  if (info.schema_version() > target) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store ", path_, " has schema version ", info.schema_version(),
        ", newer than this library understands (", target,
        "); open it with a newer qiaolian"));
  }
  while (info.schema_version() < target) {
    const Migration* step = nullptr;
    for (const Migration& m : migrations) {
      if (m.from == info.schema_version()) step = &m;
    }
    if (step == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", path_, " has schema version ",
                       info.schema_version(), " and no migration from it"));
    }
    leveldb::WriteBatch batch;
    absl::Status st = step->apply(db_.get(), &batch);
    if (!st.ok()) {
      return absl::Status(
          st.code(),
          absl::StrCat("migrating store ", path_, " from version ", step->from,
                       " (", step->description, "): ", st.message()));
    }
    info.set_schema_version(step->from + 1);
    info.set_migrated_by_library(LibraryVersion());
    batch.Put(info_key, info.SerializeAsString());
    QL_RETURN_IF_ERROR(Write(&batch, /*sync=*/true));
  }
  schema_version_ = info.schema_version();
  return absl::OkStatus();
}

absl::Status Db::Write(leveldb::WriteBatch* batch, bool sync) {
  absl::MutexLock lock(&failed_mu_);
  if (!failed_.ok()) return failed_;
  leveldb::WriteOptions wo;
  wo.sync = sync;
  absl::Status st = FromLevelDb(db_->Write(wo, batch),
                                absl::StrCat("writing to store ", path_));
  if (!st.ok()) {
    failed_ = absl::Status(
        st.code(), absl::StrCat(st.message(),
                                "; the store refuses writes until it is "
                                "closed and opened again"));
  }
  return st;
}

absl::StatusOr<std::optional<std::string>> Db::Get(
    absl::string_view key, const leveldb::Snapshot* snapshot) const {
  const leveldb::ReadOptions ro = ReadOpts(snapshot);
  std::string value;
  leveldb::Status s =
      db_->Get(ro, leveldb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  QL_RETURN_IF_ERROR(FromLevelDb(s, DescribeKey(key)));
  return value;
}

absl::StatusOr<std::string> EncodeRow(const Db& db, uint8_t kind, uint64_t id,
                                      const google::protobuf::Message& record) {
  if (db.row_codec() == nullptr) return record.SerializeAsString();
  return db.row_codec()->Encode(kind, id, record);
}

absl::Status DecodeRow(const Db& db, uint8_t kind, uint64_t id,
                       absl::string_view bytes,
                       google::protobuf::Message* out) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(
        "store ", db.path(), ": unreadable row of ", KindName(kind), " ", id));
  }
  if (db.row_codec() == nullptr) return absl::OkStatus();
  return db.row_codec()->Decode(kind, id, out);
}

}  // namespace storage
}  // namespace qiaolian
