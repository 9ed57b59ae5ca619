// RepairStore (include/qiaolian/repair.h): leveldb::RepairDB, then the
// store's own bookkeeping rebuilt from the rows that survived.
#include "qiaolian/repair.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "leveldb/cache.h"
#include "leveldb/db.h"
#include "leveldb/env.h"
#include "leveldb/filter_policy.h"
#include "leveldb/write_batch.h"
#include "qiaolian/record.h"
#include "qiaolian/v1/storage.pb.h"
#include "src/storage/db.h"
#include "src/storage/key_codec.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"
#include "src/util/version.h"

namespace qiaolian {
namespace {

namespace fs = std::filesystem;

std::set<std::string> LostFiles(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "lost", ec)) {
    out.insert(e.path().filename().string());
  }
  return out;
}

std::string U64(uint64_t v) {
  std::string s;
  storage::PutU64(&s, v);
  return s;
}

// Holds LevelDB's LOCK file of `dir` (the same lock a Store takes).
class DirLock {
 public:
  ~DirLock() {
    if (lock_ != nullptr) leveldb::Env::Default()->UnlockFile(lock_);
  }
  absl::Status Acquire(const std::string& dir) {
    leveldb::Status s =
        leveldb::Env::Default()->LockFile(dir + "/LOCK", &lock_);
    if (!s.ok()) {
      lock_ = nullptr;
      return absl::UnavailableError(absl::StrCat(
          "store ", dir,
          " is in use by another process (or another open handle); close it "
          "before repairing it (",
          s.ToString(), ")"));
    }
    return absl::OkStatus();
  }
  void Release() {
    if (lock_ != nullptr) leveldb::Env::Default()->UnlockFile(lock_);
    lock_ = nullptr;
  }

 private:
  leveldb::FileLock* lock_ = nullptr;
};

// Steps 2 and 3 on the repaired LevelDB.
// The smallest a table entry for a record can be (a row key is 10 bytes).
constexpr uint64_t kMinEntryBytes = 10;

absl::Status FixBookkeeping(const std::string& dir, RepairReport* report) {
  uint64_t lost_table_bytes = 0;
  for (const std::string& f : report->lost_files) {
    std::error_code ec;
    if (absl::EndsWith(f, ".ldb") || absl::EndsWith(f, ".sst")) {
      const uintmax_t n = fs::file_size(fs::path(dir) / "lost" / f, ec);
      if (!ec) lost_table_bytes += n;
    }
  }
  std::unique_ptr<leveldb::Cache> cache(leveldb::NewLRUCache(8 << 20));
  leveldb::Options lo;
  lo.block_cache = cache.get();
  lo.filter_policy = storage::TableFilterPolicy();
  lo.paranoid_checks = true;
  leveldb::DB* raw = nullptr;
  QL_RETURN_IF_ERROR(
      storage::FromLevelDb(leveldb::DB::Open(lo, dir, &raw),
                           absl::StrCat("opening the repaired store ", dir)));
  std::unique_ptr<leveldb::DB> db(raw);
  const leveldb::ReadOptions ro = storage::ReadOpts(nullptr, false);
  auto get = [&](const std::string& key) -> absl::StatusOr<std::string> {
    std::string v;
    leveldb::Status s = db->Get(ro, key, &v);
    if (s.IsNotFound()) return absl::NotFoundError(key);
    QL_RETURN_IF_ERROR(storage::FromLevelDb(s, storage::DescribeKey(key)));
    return v;
  };
  auto counter = [&](const std::string& key) -> int64_t {
    absl::StatusOr<std::string> v = get(key);
    if (!v.ok()) return -1;
    absl::string_view in = *v;
    uint64_t n = 0;
    if (!storage::GetU64(&in, &n) || !in.empty()) return -1;
    return static_cast<int64_t>(n);
  };

  leveldb::WriteOptions synced;
  synced.sync = true;
  leveldb::WriteBatch batch;
  size_t pending = 0;
  auto flush = [&](bool force) -> absl::Status {
    if (pending == 0 || (!force && pending < 10000)) return absl::OkStatus();
    pending = 0;
    leveldb::Status s = db->Write(synced, &batch);
    batch.Clear();
    return storage::FromLevelDb(s, absl::StrCat("repairing store ", dir));
  };
  auto put = [&](const std::string& k, const std::string& v) {
    batch.Put(k, v);
    ++pending;
  };
  auto del = [&](const leveldb::Slice& k) {
    batch.Delete(k);
    ++pending;
  };
  // Index marks first, in their own synced batch: should the repair be
  // interrupted, the next open rebuilds every index whatever else happened.
  const std::string marks = storage::MetaKey("index/");
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
  for (it->Seek(marks); it->Valid() && it->key().starts_with(marks);
       it->Next()) {
    del(it->key());
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading indexes"));
  QL_RETURN_IF_ERROR(flush(true));
  // Every index entry and unique key goes; opening the store rebuilds them
  // from the rows.
  const std::string index_from(1, static_cast<char>(storage::Keyspace::kIndex));
  const std::string index_to(1,
                             static_cast<char>(storage::Keyspace::kUnique) + 1);
  for (it->Seek(index_from);
       it->Valid() && it->key().compare(leveldb::Slice(index_to)) < 0;
       it->Next()) {
    del(it->key());
    QL_RETURN_IF_ERROR(flush(false));
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading indexes"));

  // Rows against history, one kind at a time, both in id order. A lost
  // block can take a row's latest revision (or a delete) with it and bring
  // an older one back; the history, which holds the row of every revision,
  // says which is the latest, and supplies rows lost altogether.
  std::unique_ptr<leveldb::Iterator> hist(db->NewIterator(ro));
  bool any = false;
  const google::protobuf::Timestamp now = ToTimestamp(absl::Now());
  for (Kind kind : kAllKinds) {
    RepairReport::Kind k;
    k.kind = KindName(kind);
    const std::string count_key =
        storage::MetaKey(absl::StrCat("count/", KindName(kind)));
    k.before = counter(count_key);
    uint64_t max_id = 0;
    std::unique_ptr<google::protobuf::Message> row = NewRecord(kind);
    const std::string row_prefix = storage::RowPrefix(kind);
    std::string hist_prefix(1, static_cast<char>(storage::Keyspace::kHistory));
    hist_prefix.push_back(static_cast<char>(kind));
    it->Seek(row_prefix);
    hist->Seek(hist_prefix);
    for (;;) {
      storage::RowKeyParts rp;
      bool have_row =
          it->Valid() && it->key().starts_with(row_prefix) &&
          storage::DecodeRowKey(
              absl::string_view(it->key().data(), it->key().size()), &rp);
      storage::HistoryKeyParts hp;
      bool have_hist =
          hist->Valid() && hist->key().starts_with(hist_prefix) &&
          storage::DecodeHistoryKey(
              absl::string_view(hist->key().data(), hist->key().size()), &hp);
      if (!have_row && !have_hist) break;
      any = true;
      const uint64_t id = !have_hist  ? rp.id
                          : !have_row ? hp.id
                                      : std::min(rp.id, hp.id);
      max_id = std::max(max_id, id);
      // The row, if it parses.
      bool row_ok = false;
      if (have_row && rp.id == id) {
        row_ok = row->ParseFromArray(it->value().data(),
                                     static_cast<int>(it->value().size())) &&
                 MetaOf(*row).id() == id;
        if (!row_ok) {
          del(it->key());
          ++report->unreadable_rows;
        }
        it->Next();
      }
      // The last readable history record of this id.
      v1::ChangeRecord last;
      bool have_last = false;
      while (have_hist && hp.id == id) {
        v1::ChangeRecord c;
        if (c.ParseFromArray(hist->value().data(),
                             static_cast<int>(hist->value().size())) &&
            c.revision() == hp.revision) {
          last = std::move(c);
          have_last = true;
        }
        hist->Next();
        have_hist =
            hist->Valid() && hist->key().starts_with(hist_prefix) &&
            storage::DecodeHistoryKey(
                absl::string_view(hist->key().data(), hist->key().size()), &hp);
      }
      const uint64_t row_rev = row_ok ? MetaOf(*row).revision() : 0;
      if (have_last && last.revision() > row_rev) {
        if (last.op() == v1::ChangeRecord::OP_DELETE) {
          if (row_ok) {
            del(storage::RowKey(kind, id));
            ++report->stale_rows_removed;
          }
        } else {
          std::unique_ptr<google::protobuf::Message> from = NewRecord(kind);
          if (from->ParseFromString(last.row()) && MetaOf(*from).id() == id) {
            put(storage::RowKey(kind, id), last.row());
            row_ok ? ++report->rows_from_history : ++report->rows_restored;
            row_ok = true;
          }
        }
      } else if (row_ok && (!have_last || last.revision() < row_rev)) {
        // The row's own history record was lost: record the row as it is.
        v1::ChangeRecord c;
        c.set_kind(kind);
        c.set_id(id);
        c.set_revision(row_rev);
        c.set_op(row_rev == 1 ? v1::ChangeRecord::OP_CREATE
                              : v1::ChangeRecord::OP_UPDATE);
        *c.mutable_at() = now;
        c.set_actor("qiaolian repair");
        c.set_row(row->SerializeAsString());
        put(storage::HistoryKey(kind, id, row_rev), c.SerializeAsString());
        ++report->history_added;
      }
      if (row_ok) ++k.after;
      QL_RETURN_IF_ERROR(flush(false));
    }
    QL_RETURN_IF_ERROR(storage::FromLevelDb(
        it->status(), absl::StrCat("reading the ", k.kind, " rows")));
    QL_RETURN_IF_ERROR(storage::FromLevelDb(
        hist->status(), absl::StrCat("reading the ", k.kind, " history")));
    put(count_key, U64(k.after));
    // Ids are never reused: next id above every id a row or history record
    // ever used, and, when table files had to be set aside, above every id
    // they could have held: records lost with all their history leave no
    // other trace, and each took at least kMinEntryBytes of a table.
    const std::string next_key =
        storage::MetaKey(absl::StrCat("next_id/", KindName(kind)));
    const int64_t next = counter(next_key);
    const uint64_t gap =
        lost_table_bytes == 0 ? 0 : lost_table_bytes / kMinEntryBytes + 1;
    if (gap > 0) report->id_gap = gap;
    put(next_key,
        U64(std::max<uint64_t>(next < 0 ? 1 : next, max_id + 1) + gap));
    report->kinds.push_back(k);
  }
  hist.reset();
  // A store whose store_info record was lost is still ours when it holds
  // records, or when table files had to be set aside (store_info may have
  // been in one of them, with every record): it gets the current layout's
  // record back, and opens with what was left. A LevelDB that lost nothing
  // and holds no record of ours is left without one (not a store of ours).
  const std::string info_key = storage::MetaKey("store_info");
  absl::StatusOr<std::string> info = get(info_key);
  v1::StoreInfo parsed;
  if ((any || lost_table_bytes > 0) &&
      (!info.ok() || !parsed.ParseFromString(*info) ||
       parsed.schema_version() == 0)) {
    v1::StoreInfo fresh;
    fresh.set_schema_version(storage::kSchemaVersion);
    *fresh.mutable_created_at() = ToTimestamp(absl::Now());
    fresh.set_created_by_library(LibraryVersion());
    put(info_key, fresh.SerializeAsString());
    report->store_info_rewritten = true;
  }
  it.reset();
  return flush(true);
}

}  // namespace

uint64_t RepairReport::RecordsLost() const {
  uint64_t lost = 0;
  for (const Kind& k : kinds) {
    if (k.before > static_cast<int64_t>(k.after)) {
      lost += static_cast<uint64_t>(k.before) - k.after;
    }
  }
  return lost;
}

std::string RepairReport::ToString() const {
  std::string out;
  for (const Kind& k : kinds) {
    absl::StrAppend(&out, k.kind, ": ",
                    k.before < 0 ? std::string("?") : absl::StrCat(k.before),
                    " before, ", k.after, " after\n");
  }
  absl::StrAppend(
      &out, "records lost: ", RecordsLost(),
      "\nunreadable rows dropped: ", unreadable_rows,
      "\nrows restored from history: ", rows_restored,
      "\nstale rows brought up to their latest revision: ", rows_from_history,
      "\nrows of deleted records removed: ", stale_rows_removed,
      "\nhistory records added for rows without one: ", history_added,
      "\nfiles set aside in lost/: ",
      lost_files.empty() ? "none" : absl::StrJoin(lost_files, ", "),
      "\nindex entries rebuilt: ", index_entries, "\n");
  if (store_info_rewritten) out += "store_info record rewritten\n";
  if (id_gap > 0) {
    absl::StrAppend(&out, "table files were set aside: new ids resume ", id_gap,
                    " above the highest id seen\n");
  }
  if (verify.problems.empty()) {
    out += "verify: consistent\n";
  } else {
    absl::StrAppend(&out, "verify: ", verify.problems.size(), " problems\n");
    for (const std::string& p : verify.problems) {
      absl::StrAppend(&out, "  ", p, "\n");
    }
  }
  return out;
}

std::string RepairReport::ToJson() const {
  std::vector<std::string> ks, files, problems;
  for (const Kind& k : kinds) {
    ks.push_back(absl::StrCat("{\"kind\":", JsonQuote(k.kind), ",\"before\":",
                              k.before, ",\"after\":", k.after, "}"));
  }
  for (const std::string& f : lost_files) files.push_back(JsonQuote(f));
  for (const std::string& p : verify.problems) problems.push_back(JsonQuote(p));
  return absl::StrCat(
      "{\"kinds\":[", absl::StrJoin(ks, ","),
      "],\"records_lost\":", RecordsLost(),
      ",\"unreadable_rows\":", unreadable_rows,
      ",\"rows_restored\":", rows_restored,
      ",\"rows_from_history\":", rows_from_history,
      ",\"stale_rows_removed\":", stale_rows_removed,
      ",\"history_added\":", history_added, ",\"lost_files\":[",
      absl::StrJoin(files, ","), "],\"index_entries\":", index_entries,
      ",\"store_info_rewritten\":", store_info_rewritten ? "true" : "false",
      ",\"id_gap\":", id_gap,
      ",\"consistent\":", verify.problems.empty() ? "true" : "false",
      ",\"problems\":[", absl::StrJoin(problems, ","), "]}");
}

absl::StatusOr<RepairReport> RepairStore(const std::string& dir,
                                         const RepairOptions& options) {
  std::error_code ec;
  if (dir.empty()) return absl::InvalidArgumentError("store path is empty");
  if (!fs::is_directory(dir, ec) ||
      (!fs::exists(fs::path(dir) / "CURRENT", ec) &&
       !fs::exists(fs::path(dir) / "LOCK", ec))) {
    return absl::NotFoundError(absl::StrCat("no store at ", dir));
  }
  RepairReport report;
  {
    DirLock lock;
    QL_RETURN_IF_ERROR(lock.Acquire(dir));
    const std::set<std::string> lost_before = LostFiles(dir);
    leveldb::Options lo;
    lo.paranoid_checks = true;
    lo.filter_policy = storage::TableFilterPolicy();
    QL_RETURN_IF_ERROR(storage::FromLevelDb(
        leveldb::RepairDB(dir, lo), absl::StrCat("repairing store ", dir)));
    for (const std::string& f : LostFiles(dir)) {
      if (lost_before.count(f) == 0) report.lost_files.push_back(f);
    }
    // LevelDB's DB::Open below takes the lock itself (and refuses one this
    // process already holds).
    lock.Release();
  }
  QL_RETURN_IF_ERROR(FixBookkeeping(dir, &report));
  StoreOptions so;
  so.create_if_missing = false;
  so.encryption_key = options.encryption_key;
  QL_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(dir, so));
  QL_ASSIGN_OR_RETURN(report.verify, store->Verify());
  report.index_entries =
      report.verify.index_entries + report.verify.unique_entries;
  return report;
}

}  // namespace qiaolian
