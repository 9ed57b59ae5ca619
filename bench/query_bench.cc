// query_bench: qiaolian queries side by side with SQLite on the same rows
// (issue 3).
//
//   build/bench/query_bench --benchmark_min_time=1
//
// Environment:
//   QIAOLIAN_BENCH_RECORDS  enterprises in both stores (default 1,000,000;
//                           use e.g. 20000 for a smoke test).
//   QIAOLIAN_BENCH_DIR      where to build and keep both stores. A directory
//                           holding a complete build of the same size and
//                           seed is reused without rebuilding. Unset: a fresh
//                           /tmp/qiaolian_query_bench.XXXXXX, removed at exit.
//   QIAOLIAN_BENCH_COMPRESSION, QIAOLIAN_BENCH_BLOCK_BYTES,
//   QIAOLIAN_BENCH_MAX_FILE_BYTES
//                           the qiaolian store's table layout (see
//                           bench/layout_options.h; default: the library
//                           defaults). Part of the build marker, so a kept
//                           build of another layout is rebuilt.
//   QIAOLIAN_BENCH_SQLITE_MMAP  PRAGMA mmap_size for the SQLite queries, in
//                           bytes (default 0: SQLite's default, no mmap).
//                           Not part of the comparison proper: shows what
//                           SQLite gains from reading pages in place, as
//                           LevelDB does for uncompressed tables.
//
// Both stores are built once per run, before the first benchmark:
//   - qiaolian: Store::CreateAll in batches of kBatch (all built-in indexes
//     maintained on write), then the store is closed and reopened with
//     StoreOptions::block_cache_bytes = kCacheBytes (table layout options
//     as above).
//   - SQLite: the rows read back from the qiaolian store (so meta and the
//     serialised protobuf are byte for byte the same), inserted in one
//     transaction (journal_mode=OFF, synchronous=OFF), indexes created after
//     the load, then ANALYZE; the database is reopened with
//     PRAGMA cache_size = -(kCacheBytes / 1024) (the same number of bytes).
//     (LevelDB reads an uncompressed block of a table it has mmap()ed -- up
//     to 1000 tables -- in place, without the block cache; compressed blocks
//     are decompressed into the block cache.)
//
//     CREATE TABLE enterprise(id INTEGER PRIMARY KEY, uscc TEXT NOT NULL,
//       name TEXT NOT NULL, status INTEGER NOT NULL, established INTEGER,
//       row BLOB NOT NULL);                       -- established: yyyymmdd
//     CREATE TABLE enterprise_country(country TEXT NOT NULL,
//       id INTEGER NOT NULL, PRIMARY KEY (country, id)) WITHOUT ROWID;
//     CREATE UNIQUE INDEX ... (uscc); CREATE INDEX ... (name), (status),
//       (established);
//   The multi-valued investor_countries go to their own table, whose primary
//   key (country, id) is exactly the layout of qiaolian's index entries.
//
// Data: the store_bench generator (bench/enterprise_gen.h, fixed seed), then
// reshaped (Shaper) so result sizes are known at 1M rows: names from a pool
// of records/100 distinct names (name = X: ~100 rows); established uniform
// by year/month/day over 1993-2024 (a window of ~117 days: ~10,000 rows);
// status ACTIVE 70 %, CANCELLED 15 %, REVOKED 8 %, SUSPENDED 5 %,
// MOVED_OUT 2 %; investor_countries: none 50 %, one 40 %, two 10 %, from 20
// countries (~3 % of rows each).
//
// Benchmarks, in pairs BM_Qiaolian_X / BM_SQLite_X; keys vary per iteration
// from a fixed-seed rng (the same key sequence for both). items/s is queries
// per second; the counter `rows` is the mean number of rows per query. Row
// queries return parsed Enterprise messages on both sides: qiaolian's
// QueryPage holds one new message per row, and the SQLite side parses each
// row blob (ParseFromArray) into a new Enterprise in a vector. Statements are
// prepared once per benchmark and reset between iterations; qiaolian query
// texts are built before the timed loop (parsing them is part of each call).
//   GetById       Store::Get                 | SELECT row ... WHERE id = ?
//   UniqueUscc    where uscc = "..."         | ... WHERE uscc = ?
//   Equality100   where name = "..."         | ... WHERE name = ?
//   DateRange10k  where established between  | ... WHERE established
//                   D1 and D2 (~117 days)    |     BETWEEN ? AND ?
//   Intersection  where status = SUSPENDED   | enterprise JOIN
//                   and investor_countries   |   enterprise_country WHERE
//                   = "KE" (country varies)  |   country = ? AND status = ?
//   CountByStatus Store::Aggregate(          | SELECT status, count(*) ...
//                   "enterprise group by     |   GROUP BY status
//                   status")
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "bench/enterprise_gen.h"
#include "bench/layout_options.h"
#include "benchmark/benchmark.h"
#include "qiaolian/query.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/enterprise.pb.h"

namespace qiaolian {
namespace {

using v1::Enterprise;

constexpr uint64_t kSeed = 20240601;      // Generator seed (as store_bench).
constexpr size_t kBatch = 2000;           // Records per CreateAll.
constexpr size_t kCacheBytes = 64 << 20;  // Both stores' cache budget.
constexpr size_t kKeySamples = 4096;      // Distinct keys per benchmark.
// The generator's established dates: 1993-01-01 .. 2024-12-31.
const absl::CivilDay kFirstDay(1993, 1, 1);
const absl::CivilDay kLastDay(2024, 12, 31);
constexpr int kBuildFormat = 1;  // Bump when the data or schema changes.

// --- Data shape.

constexpr const char* kCountries[] = {"HK", "MO", "TW", "SG", "MY", "US", "CA",
                                      "KE", "DE", "IT", "AU", "JP", "TH", "ID",
                                      "NL", "GB", "FR", "PH", "NZ", "KR"};

struct StatusShare {
  Enterprise::Status status;
  int percent;
  const char* text;  // status_text.
};
constexpr StatusShare kStatuses[] = {
    {Enterprise::STATUS_ACTIVE, 70, "存续"},
    {Enterprise::STATUS_CANCELLED, 15, "注销"},
    {Enterprise::STATUS_REVOKED, 8, "吊销，未注销"},
    {Enterprise::STATUS_SUSPENDED, 5, "歇业"},
    {Enterprise::STATUS_MOVED_OUT, 2, "迁出"},
};
// The status of the intersection benchmark (5 % of rows).
constexpr Enterprise::Status kIntersectStatus = Enterprise::STATUS_SUSPENDED;

uint64_t Records() {
  uint64_t n = 1000000;
  const char* env = getenv("QIAOLIAN_BENCH_RECORDS");
  if (env != nullptr && *env != '\0' && (!absl::SimpleAtoi(env, &n) || n < 1)) {
    std::fprintf(stderr, "bad QIAOLIAN_BENCH_RECORDS=%s; using 1000000\n", env);
    n = 1000000;
  }
  return n;
}

// `n` distinct company names in the generator's style (region, two trade
// characters, trade, legal form); the same list for the same `n`.
std::vector<std::string> NamePool(size_t n) {
  static constexpr const char* kTails[] = {"有限公司", "股份有限公司", "厂"};
  std::mt19937_64 rng(kSeed + 1);
  auto pick = [&rng](size_t size) {
    return std::uniform_int_distribution<size_t>(0, size - 1)(rng);
  };
  std::set<std::string> seen;
  std::vector<std::string> names;
  while (names.size() < n) {
    std::string name = absl::StrCat(
        bench::kPlaces[pick(std::size(bench::kPlaces))].region,
        bench::kTradeChars[pick(std::size(bench::kTradeChars))],
        bench::kTradeChars[pick(std::size(bench::kTradeChars))],
        bench::kIndustries[pick(std::size(bench::kIndustries))].name_word,
        kTails[pick(std::size(kTails))]);
    if (seen.insert(name).second) names.push_back(std::move(name));
  }
  return names;
}

size_t NamePoolSize(uint64_t records) {
  return static_cast<size_t>(std::max<uint64_t>(1, records / 100));
}

absl::CivilDay DayOf(const v1::Date& d) {
  return absl::CivilDay(d.year(), d.month(), d.day());
}

void SetDate(absl::CivilDay day, v1::Date* d) {
  d->set_year(static_cast<int32_t>(day.year()));
  d->set_month(day.month());
  d->set_day(day.day());
}

int64_t Yyyymmdd(absl::CivilDay d) {
  return d.year() * 10000 + d.month() * 100 + d.day();
}

std::string QueryDate(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// Reshapes generated records: name, status and investor countries as in the
// file comment.
class Shaper {
 public:
  explicit Shaper(const std::vector<std::string>* names)
      : rng_(kSeed + 2), names_(names) {}

  void Apply(Enterprise* e) {
    e->set_name((*names_)[Uniform(0, static_cast<int>(names_->size()) - 1)]);

    int r = Uniform(0, 99);
    const StatusShare* share = &kStatuses[0];
    for (const StatusShare& s : kStatuses) {
      if (r < s.percent) {
        share = &s;
        break;
      }
      r -= s.percent;
    }
    e->set_status(share->status);
    e->set_status_text(share->text);
    e->clear_status_date();
    const absl::CivilDay est = DayOf(e->established());
    if (share->status != Enterprise::STATUS_ACTIVE && est < kLastDay) {
      const int after = Uniform(1, static_cast<int>(kLastDay - est));
      SetDate(est + after, e->mutable_status_date());
    }

    e->clear_investor_countries();
    const int c = Uniform(0, 99);
    const int count = c < 50 ? 0 : c < 90 ? 1 : 2;
    const int n = static_cast<int>(std::size(kCountries));
    const int first = Uniform(0, n - 1);
    if (count >= 1) e->add_investor_countries(kCountries[first]);
    if (count == 2) {
      e->add_investor_countries(kCountries[(first + Uniform(1, n - 1)) % n]);
    }
  }

 private:
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  std::mt19937_64 rng_;
  const std::vector<std::string>* names_;
};

// --- SQLite helpers.

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::InternalError(
      absl::StrCat("sqlite: ", what, ": ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    absl::Status st = absl::InternalError(
        absl::StrCat("sqlite: ", sql, ": ", err != nullptr ? err : "?"));
    sqlite3_free(err);
    return st;
  }
  return absl::OkStatus();
}

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_,
                           nullptr) != SQLITE_OK) {
      status_ = SqliteError(db, sql);
      stmt_ = nullptr;
    }
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  const absl::Status& status() const { return status_; }
  absl::Status Error(absl::string_view what) const {
    return SqliteError(db_, what);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

absl::StatusOr<SqliteDb> OpenSqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, path);
  return db;
}

// --- Directories and sizes.

// Number of LevelDB table files (*.ldb) in `dir`.
size_t TableFiles(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->path().extension() == ".ldb") ++n;
  }
  return n;
}

uint64_t DiskBytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    return std::filesystem::file_size(path, ec);
  }
  uint64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

std::string Mib(uint64_t bytes) {
  return absl::StrFormat("%.0f MiB", static_cast<double>(bytes) / (1 << 20));
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

// --- The fixture: both stores, built once.

class Fixture {
 public:
  Fixture() : records_(Records()), layout_(bench::LayoutOptions()) {
    status_ = Init();
  }
  ~Fixture() {
    store_.reset();
    sqlite_.reset();
    if (remove_dir_ && !dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  const absl::Status& status() const { return status_; }
  uint64_t records() const { return records_; }
  const Store& store() const { return *store_; }
  sqlite3* sqlite() const { return sqlite_.get(); }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<std::string>& usccs() const { return usccs_; }
  // Width in days of the date-range window (~10,000 rows).
  int window_days() const { return window_days_; }

 private:
  std::string QiaolianDir() const { return dir_ + "/qiaolian"; }
  std::string SqlitePath() const { return dir_ + "/sqlite.db"; }
  std::string Marker() const {
    return absl::StrCat("format=", kBuildFormat, " records=", records_,
                        " seed=", kSeed, " ", bench::LayoutText(layout_), "\n");
  }

  absl::Status Init() {
    names_ = NamePool(NamePoolSize(records_));
    const double per_day = static_cast<double>(records_) /
                           static_cast<double>(kLastDay - kFirstDay + 1);
    window_days_ = static_cast<int>(std::min<double>(
        static_cast<double>(kLastDay - kFirstDay), 10000.0 / per_day + 0.5));
    window_days_ = std::max(window_days_, 1);

    bool reuse = false;
    const char* env = getenv("QIAOLIAN_BENCH_DIR");
    if (env != nullptr && *env != '\0') {
      dir_ = env;
      std::error_code ec;
      std::filesystem::create_directories(dir_, ec);
      if (ec)
        return absl::UnavailableError(absl::StrCat(dir_, ": ", ec.message()));
      std::ifstream in(dir_ + "/complete");
      std::stringstream ss;
      ss << in.rdbuf();
      reuse = in.good() && ss.str() == Marker();
      if (!reuse) {
        std::filesystem::remove(dir_ + "/complete", ec);
        std::filesystem::remove_all(QiaolianDir(), ec);
        std::filesystem::remove(SqlitePath(), ec);
      }
    } else {
      std::string templ = "/tmp/qiaolian_query_bench.XXXXXX";
      if (mkdtemp(templ.data()) == nullptr) {
        return absl::UnavailableError("mkdtemp failed");
      }
      dir_ = templ;
      remove_dir_ = true;
    }

    std::fprintf(stderr, "query_bench: %llu enterprises in %s (%s; %s)\n",
                 static_cast<unsigned long long>(records_), dir_.c_str(),
                 reuse ? "reusing a complete build" : "building",
                 bench::LayoutText(layout_).c_str());
    if (!reuse) {
      if (absl::Status st = BuildQiaolian(); !st.ok()) return st;
      if (absl::Status st = BuildSqlite(); !st.ok()) return st;
      std::ofstream(dir_ + "/complete") << Marker();
      std::fprintf(stderr,
                   "  build: qiaolian %.1f s (CreateAll only), SQLite %.1f s "
                   "(insert %.1f s + indexes %.1f s + ANALYZE %.1f s)\n",
                   qiaolian_build_s_,
                   sqlite_insert_s_ + sqlite_index_s_ + sqlite_analyze_s_,
                   sqlite_insert_s_, sqlite_index_s_, sqlite_analyze_s_);
    }
    if (absl::Status st = OpenForQueries(); !st.ok()) return st;
    std::fprintf(stderr, "  on disk: qiaolian %s (%zu tables), SQLite %s\n",
                 Mib(DiskBytes(QiaolianDir())).c_str(),
                 TableFiles(QiaolianDir()),
                 Mib(DiskBytes(SqlitePath())).c_str());
    if (absl::Status st = SampleKeys(); !st.ok()) return st;
    return CrossCheck();
  }

  absl::Status OpenQiaolian() {
    StoreOptions options = layout_;
    options.block_cache_bytes = kCacheBytes;
    absl::StatusOr<std::unique_ptr<Store>> store =
        Store::Open(QiaolianDir(), options);
    if (!store.ok()) return store.status();
    store_ = *std::move(store);
    return absl::OkStatus();
  }

  absl::Status BuildQiaolian() {
    std::error_code ec;
    std::filesystem::create_directories(QiaolianDir(), ec);
    if (absl::Status st = OpenQiaolian(); !st.ok()) return st;
    bench::EnterpriseGenerator gen(kSeed);
    Shaper shaper(&names_);
    std::vector<Enterprise> pool;
    std::vector<google::protobuf::Message*> batch;
    WriteOptions options;
    options.actor = "query_bench";
    double seconds = 0;
    for (uint64_t done = 0; done < records_;) {
      const size_t n =
          static_cast<size_t>(std::min<uint64_t>(kBatch, records_ - done));
      bench::Generate(gen, n, &pool);
      batch.clear();
      for (Enterprise& e : pool) {
        shaper.Apply(&e);
        batch.push_back(&e);
      }
      const auto start = std::chrono::steady_clock::now();
      absl::Status st = store_->CreateAll(batch, options);
      seconds += SecondsSince(start);
      if (!st.ok()) return st;
      // SQLite gets the same ids: 1..records in order.
      if (pool.back().meta().id() != done + n) {
        return absl::InternalError("unexpected ids from CreateAll");
      }
      done += n;
      if (done % 100000 == 0) {
        std::fprintf(stderr, "  qiaolian: %llu records, %.1f s\n",
                     static_cast<unsigned long long>(done), seconds);
      }
    }
    qiaolian_build_s_ = seconds;
    return absl::OkStatus();
  }

  struct PendingRow {
    int64_t id;
    std::string uscc, name;
    int status;
    int64_t established;
    std::vector<std::string> countries;
    std::string blob;
  };

  // Inserts `rows` (timed into sqlite_insert_s_).
  absl::Status InsertRows(const std::vector<PendingRow>& rows,
                          sqlite3_stmt* row_stmt, sqlite3_stmt* country_stmt) {
    const auto start = std::chrono::steady_clock::now();
    for (const PendingRow& r : rows) {
      sqlite3_bind_int64(row_stmt, 1, r.id);
      sqlite3_bind_text(row_stmt, 2, r.uscc.data(),
                        static_cast<int>(r.uscc.size()), SQLITE_STATIC);
      sqlite3_bind_text(row_stmt, 3, r.name.data(),
                        static_cast<int>(r.name.size()), SQLITE_STATIC);
      sqlite3_bind_int(row_stmt, 4, r.status);
      sqlite3_bind_int64(row_stmt, 5, r.established);
      sqlite3_bind_blob(row_stmt, 6, r.blob.data(),
                        static_cast<int>(r.blob.size()), SQLITE_STATIC);
      if (sqlite3_step(row_stmt) != SQLITE_DONE) {
        return SqliteError(sqlite_.get(), "insert enterprise");
      }
      sqlite3_reset(row_stmt);
      for (const std::string& c : r.countries) {
        sqlite3_bind_text(country_stmt, 1, c.data(), static_cast<int>(c.size()),
                          SQLITE_STATIC);
        sqlite3_bind_int64(country_stmt, 2, r.id);
        if (sqlite3_step(country_stmt) != SQLITE_DONE) {
          return SqliteError(sqlite_.get(), "insert enterprise_country");
        }
        sqlite3_reset(country_stmt);
      }
    }
    sqlite_insert_s_ += SecondsSince(start);
    return absl::OkStatus();
  }

  absl::Status BuildSqlite() {
    absl::StatusOr<SqliteDb> db = OpenSqlite(SqlitePath());
    if (!db.ok()) return db.status();
    sqlite_ = *std::move(db);
    sqlite3* s = sqlite_.get();
    for (const char* sql : {
             "PRAGMA journal_mode = OFF",
             "PRAGMA synchronous = OFF",
             "CREATE TABLE enterprise(id INTEGER PRIMARY KEY, "
             "uscc TEXT NOT NULL, name TEXT NOT NULL, status INTEGER NOT "
             "NULL, established INTEGER, row BLOB NOT NULL)",
             "CREATE TABLE enterprise_country(country TEXT NOT NULL, "
             "id INTEGER NOT NULL, PRIMARY KEY (country, id)) WITHOUT ROWID",
         }) {
      if (absl::Status st = Exec(s, sql); !st.ok()) return st;
    }
    if (absl::Status st =
            Exec(s, absl::StrCat("PRAGMA cache_size = -", kCacheBytes / 1024));
        !st.ok()) {
      return st;
    }
    if (absl::Status st = Exec(s, "BEGIN"); !st.ok()) return st;
    {
      Stmt row_stmt(s,
                    "INSERT INTO enterprise(id, uscc, name, status, "
                    "established, row) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
      Stmt country_stmt(
          s, "INSERT INTO enterprise_country(country, id) VALUES (?1, ?2)");
      if (!row_stmt.status().ok()) return row_stmt.status();
      if (!country_stmt.status().ok()) return country_stmt.status();
      // Rows read back from the reopened qiaolian store, kBatch at a time.
      std::vector<PendingRow> rows;
      absl::Status insert_status;
      uint64_t seen = 0;
      absl::Status scan_status = store_->Scan(
          v1::KIND_ENTERPRISE, 1, [&](const google::protobuf::Message& m) {
            const auto& e = static_cast<const Enterprise&>(m);
            PendingRow r;
            r.id = static_cast<int64_t>(e.meta().id());
            r.uscc = e.uscc();
            r.name = e.name();
            r.status = e.status();
            r.established = Yyyymmdd(DayOf(e.established()));
            r.countries.assign(e.investor_countries().begin(),
                               e.investor_countries().end());
            e.SerializeToString(&r.blob);
            rows.push_back(std::move(r));
            ++seen;
            if (rows.size() == kBatch) {
              insert_status =
                  InsertRows(rows, row_stmt.get(), country_stmt.get());
              rows.clear();
            }
            return insert_status.ok();
          });
      if (!scan_status.ok()) return scan_status;
      if (!insert_status.ok()) return insert_status;
      if (absl::Status st =
              InsertRows(rows, row_stmt.get(), country_stmt.get());
          !st.ok()) {
        return st;
      }
      if (seen != records_) {
        return absl::InternalError(
            absl::StrCat("qiaolian scan saw ", seen, " records"));
      }
    }
    auto start = std::chrono::steady_clock::now();
    if (absl::Status st = Exec(s, "COMMIT"); !st.ok()) return st;
    sqlite_insert_s_ += SecondsSince(start);
    std::fprintf(stderr, "  SQLite: %llu rows inserted, %.1f s\n",
                 static_cast<unsigned long long>(records_), sqlite_insert_s_);

    start = std::chrono::steady_clock::now();
    for (const char* sql : {
             "CREATE UNIQUE INDEX enterprise_uscc ON enterprise(uscc)",
             "CREATE INDEX enterprise_name ON enterprise(name)",
             "CREATE INDEX enterprise_status ON enterprise(status)",
             "CREATE INDEX enterprise_established ON enterprise(established)",
         }) {
      if (absl::Status st = Exec(s, sql); !st.ok()) return st;
    }
    sqlite_index_s_ = SecondsSince(start);
    start = std::chrono::steady_clock::now();
    if (absl::Status st = Exec(s, "ANALYZE"); !st.ok()) return st;
    sqlite_analyze_s_ = SecondsSince(start);
    return absl::OkStatus();
  }

  // Both stores closed and reopened with the query-time cache budget.
  absl::Status OpenForQueries() {
    store_.reset();
    sqlite_.reset();
    if (absl::Status st = OpenQiaolian(); !st.ok()) return st;
    absl::StatusOr<SqliteDb> db = OpenSqlite(SqlitePath());
    if (!db.ok()) return db.status();
    sqlite_ = *std::move(db);
    uint64_t mmap_bytes = 0;
    const char* env = getenv("QIAOLIAN_BENCH_SQLITE_MMAP");
    if (env != nullptr && *env != '\0' && !absl::SimpleAtoi(env, &mmap_bytes)) {
      std::fprintf(stderr, "bad QIAOLIAN_BENCH_SQLITE_MMAP=%s; ignored\n", env);
    }
    if (mmap_bytes > 0) {
      std::fprintf(stderr, "  SQLite: PRAGMA mmap_size = %llu\n",
                   static_cast<unsigned long long>(mmap_bytes));
      if (absl::Status st = Exec(
              sqlite_.get(), absl::StrCat("PRAGMA mmap_size = ", mmap_bytes));
          !st.ok()) {
        return st;
      }
    }
    return Exec(sqlite_.get(),
                absl::StrCat("PRAGMA cache_size = -", kCacheBytes / 1024));
  }

  // USCCs of kKeySamples random records.
  absl::Status SampleKeys() {
    Stmt stmt(sqlite_.get(), "SELECT uscc FROM enterprise WHERE id = ?1");
    if (!stmt.status().ok()) return stmt.status();
    std::mt19937_64 rng(kSeed + 3);
    std::uniform_int_distribution<int64_t> pick(1,
                                                static_cast<int64_t>(records_));
    for (size_t i = 0; i < kKeySamples; ++i) {
      sqlite3_bind_int64(stmt.get(), 1, pick(rng));
      if (sqlite3_step(stmt.get()) != SQLITE_ROW) {
        return stmt.Error("sample uscc");
      }
      usccs_.emplace_back(
          reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)),
          static_cast<size_t>(sqlite3_column_bytes(stmt.get(), 0)));
      sqlite3_reset(stmt.get());
    }
    return absl::OkStatus();
  }

  absl::Status CrossCheck();

  const uint64_t records_;
  const StoreOptions layout_;  // Table layout of the qiaolian store.
  std::string dir_;
  bool remove_dir_ = false;
  std::unique_ptr<Store> store_;
  SqliteDb sqlite_;
  std::vector<std::string> names_;
  std::vector<std::string> usccs_;
  int window_days_ = 1;
  double qiaolian_build_s_ = 0;
  double sqlite_insert_s_ = 0, sqlite_index_s_ = 0, sqlite_analyze_s_ = 0;
  absl::Status status_;
};

// --- The queries, one function per side, shared by the benchmarks and the
// cross-check.

// Runs `text` on qiaolian; the rows' ids in `ids` (if given).
absl::StatusOr<size_t> QiaolianRows(const Store& store, const std::string& text,
                                    std::vector<uint64_t>* ids = nullptr) {
  absl::StatusOr<QueryPage> page = store.Query(text);
  if (!page.ok()) return page.status();
  if (ids != nullptr) {
    for (const auto& m : page->records) ids->push_back(MetaOf(*m).id());
  }
  return page->records.size();
}

// Steps `stmt` (bound) to the end, parsing each row's column 0 into a new
// Enterprise; resets it.
absl::StatusOr<size_t> SqliteRows(sqlite3_stmt* stmt,
                                  std::vector<uint64_t>* ids = nullptr) {
  std::vector<std::unique_ptr<Enterprise>> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    auto e = std::make_unique<Enterprise>();
    if (!e->ParseFromArray(sqlite3_column_blob(stmt, 0),
                           sqlite3_column_bytes(stmt, 0))) {
      sqlite3_reset(stmt);
      return absl::DataLossError("unparsable row blob");
    }
    if (ids != nullptr) ids->push_back(e->meta().id());
    out.push_back(std::move(e));
  }
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    return absl::InternalError(absl::StrCat("sqlite step: ", rc));
  }
  return out.size();
}

std::string QuoteText(absl::string_view s) {
  return absl::StrCat("\"", s, "\"");  // Keys hold no quotes or backslashes.
}

// Query texts and SQL for each benchmark.
constexpr const char* kSqlGetById = "SELECT row FROM enterprise WHERE id = ?1";
constexpr const char* kSqlUscc = "SELECT row FROM enterprise WHERE uscc = ?1";
constexpr const char* kSqlName = "SELECT row FROM enterprise WHERE name = ?1";
constexpr const char* kSqlDateRange =
    "SELECT row FROM enterprise WHERE established BETWEEN ?1 AND ?2";
constexpr const char* kSqlIntersection =
    "SELECT e.row FROM enterprise AS e JOIN enterprise_country AS c "
    "ON c.id = e.id WHERE c.country = ?1 AND e.status = ?2";
constexpr const char* kSqlCountByStatus =
    "SELECT status, count(*) FROM enterprise GROUP BY status";
constexpr const char* kQlCountByStatus = "enterprise group by status";

std::string QlUscc(const std::string& uscc) {
  return absl::StrCat("enterprise where uscc = ", QuoteText(uscc));
}
std::string QlName(const std::string& name) {
  return absl::StrCat("enterprise where name = ", QuoteText(name));
}
std::string QlDateRange(absl::CivilDay from, absl::CivilDay to) {
  return absl::StrCat("enterprise where established between ", QueryDate(from),
                      " and ", QueryDate(to));
}
std::string QlIntersection(const char* country) {
  return absl::StrCat(
      "enterprise where status = ", Enterprise::Status_Name(kIntersectStatus),
      " and investor_countries = ", QuoteText(country));
}

// Date windows [from, from + window_days - 1], `n` of them, fixed seed.
std::vector<std::pair<absl::CivilDay, absl::CivilDay>> DateWindows(
    int window_days, size_t n) {
  std::mt19937_64 rng(kSeed + 4);
  const int64_t span = (kLastDay - kFirstDay) - (window_days - 1);
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(0, span));
  std::vector<std::pair<absl::CivilDay, absl::CivilDay>> out;
  for (size_t i = 0; i < n; ++i) {
    const absl::CivilDay from = kFirstDay + pick(rng);
    out.emplace_back(from, from + (window_days - 1));
  }
  return out;
}

void BindText(sqlite3_stmt* stmt, int i, absl::string_view s) {
  sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()),
                    SQLITE_STATIC);
}

// Compares both sides on a few keys of every query; prints both plans.
absl::Status Fixture::CrossCheck() {
  sqlite3* db = sqlite_.get();
  auto compare = [&](const std::string& ql, sqlite3_stmt* stmt,
                     absl::string_view what) -> absl::Status {
    std::vector<uint64_t> a, b;
    absl::StatusOr<size_t> na = QiaolianRows(*store_, ql, &a);
    if (!na.ok()) return na.status();
    absl::StatusOr<size_t> nb = SqliteRows(stmt, &b);
    if (!nb.ok()) return nb.status();
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) {
      return absl::InternalError(absl::StrCat(what, ": qiaolian ", a.size(),
                                              " rows, SQLite ", b.size(),
                                              " rows for ", ql));
    }
    return absl::OkStatus();
  };
  auto plans = [&](const std::string& ql, const char* sql) {
    absl::StatusOr<std::string> explain = store_->Explain(ql);
    std::fprintf(
        stderr, "  qiaolian plan: %s\n",
        explain.ok() ? explain->c_str() : explain.status().ToString().c_str());
    sqlite3_stmt* stmt = nullptr;
    const std::string eqp = absl::StrCat("EXPLAIN QUERY PLAN ", sql);
    if (sqlite3_prepare_v2(db, eqp.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      // Parameters left unbound (NULL) do not change the plan's shape.
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        std::fprintf(
            stderr, "  SQLite plan: %s\n",
            reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
      }
    }
    sqlite3_finalize(stmt);
  };

  Stmt uscc(db, kSqlUscc), name(db, kSqlName), range(db, kSqlDateRange),
      both(db, kSqlIntersection);
  for (const Stmt* s : {&uscc, &name, &range, &both}) {
    if (!s->status().ok()) return s->status();
  }
  for (size_t i = 0; i < 5; ++i) {
    BindText(uscc.get(), 1, usccs_[i]);
    if (absl::Status st = compare(QlUscc(usccs_[i]), uscc.get(), "uscc");
        !st.ok()) {
      return st;
    }
    const std::string& n = names_[i * names_.size() / 5];
    BindText(name.get(), 1, n);
    if (absl::Status st = compare(QlName(n), name.get(), "name"); !st.ok()) {
      return st;
    }
  }
  for (const auto& [from, to] : DateWindows(window_days_, 3)) {
    sqlite3_bind_int64(range.get(), 1, Yyyymmdd(from));
    sqlite3_bind_int64(range.get(), 2, Yyyymmdd(to));
    if (absl::Status st =
            compare(QlDateRange(from, to), range.get(), "date range");
        !st.ok()) {
      return st;
    }
  }
  for (const char* country : {"HK", "KE", "KR"}) {
    BindText(both.get(), 1, country);
    sqlite3_bind_int(both.get(), 2, kIntersectStatus);
    if (absl::Status st =
            compare(QlIntersection(country), both.get(), "intersection");
        !st.ok()) {
      return st;
    }
  }
  // Group counts.
  absl::StatusOr<AggregateResult> agg = store_->Aggregate(kQlCountByStatus);
  if (!agg.ok()) return agg.status();
  std::map<std::string, uint64_t> ql_counts, sql_counts;
  for (const AggregateGroup& g : agg->groups) {
    ql_counts[g.key] = g.values.at(0).count;
  }
  Stmt count(db, kSqlCountByStatus);
  if (!count.status().ok()) return count.status();
  while (sqlite3_step(count.get()) == SQLITE_ROW) {
    sql_counts[Enterprise::Status_Name(
        static_cast<Enterprise::Status>(sqlite3_column_int(count.get(), 0)))] =
        static_cast<uint64_t>(sqlite3_column_int64(count.get(), 1));
  }
  if (ql_counts != sql_counts) {
    return absl::InternalError("count by status differs");
  }
  std::string shown;
  for (const auto& [k, v] : ql_counts) absl::StrAppend(&shown, " ", k, "=", v);
  std::fprintf(stderr, "  status counts:%s\n", shown.c_str());

  plans(QlUscc(usccs_[0]), kSqlUscc);
  plans(QlName(names_[0]), kSqlName);
  const auto window = DateWindows(window_days_, 1)[0];
  plans(QlDateRange(window.first, window.second), kSqlDateRange);
  plans(QlIntersection("KE"), kSqlIntersection);
  plans(kQlCountByStatus, kSqlCountByStatus);
  std::fprintf(stderr, "  cross-check: both stores agree\n");
  return absl::OkStatus();
}

const Fixture* GetFixture(benchmark::State& state) {
  static Fixture fixture;  // Built on first use, closed at exit.
  if (!fixture.status().ok()) {
    state.SkipWithError(fixture.status().ToString().c_str());
    return nullptr;
  }
  return &fixture;
}

// --- Benchmarks.

void Finish(benchmark::State& state, uint64_t rows) {
  state.SetItemsProcessed(state.iterations());
  state.counters["rows"] = benchmark::Counter(
      static_cast<double>(rows), benchmark::Counter::kAvgIterations);
}

// Runs a qiaolian row query per iteration, texts[k] for a random k.
void RunQiaolianQueries(benchmark::State& state, const Store& store,
                        const std::vector<std::string>& texts, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, texts.size() - 1);
  uint64_t rows = 0;
  for (auto _ : state) {
    absl::StatusOr<size_t> n = QiaolianRows(store, texts[pick(rng)]);
    if (!n.ok()) {
      state.SkipWithError(n.status().ToString().c_str());
      return;
    }
    rows += *n;
  }
  Finish(state, rows);
}

// Runs `stmt` per iteration after bind(k) for a random k < n.
template <typename Bind>
void RunSqliteQueries(benchmark::State& state, const Stmt& stmt, size_t n,
                      uint64_t seed, Bind bind) {
  if (!stmt.status().ok()) {
    state.SkipWithError(stmt.status().ToString().c_str());
    return;
  }
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  uint64_t rows = 0;
  for (auto _ : state) {
    bind(stmt.get(), pick(rng));
    absl::StatusOr<size_t> got = SqliteRows(stmt.get());
    if (!got.ok()) {
      state.SkipWithError(got.status().ToString().c_str());
      return;
    }
    rows += *got;
  }
  Finish(state, rows);
}

constexpr uint64_t kGetSeed = kSeed + 10;
constexpr uint64_t kUsccSeed = kSeed + 11;
constexpr uint64_t kNameSeed = kSeed + 12;
constexpr uint64_t kRangeSeed = kSeed + 13;
constexpr uint64_t kBothSeed = kSeed + 14;

void BM_Qiaolian_GetById(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  std::mt19937_64 rng(kGetSeed);
  std::uniform_int_distribution<uint64_t> pick(1, f->records());
  Enterprise e;
  for (auto _ : state) {
    absl::Status st = f->store().Get(v1::KIND_ENTERPRISE, pick(rng), &e);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(e);
  }
  Finish(state, state.iterations());
}

void BM_SQLite_GetById(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  Stmt stmt(f->sqlite(), kSqlGetById);
  if (!stmt.status().ok()) {
    state.SkipWithError(stmt.status().ToString().c_str());
    return;
  }
  std::mt19937_64 rng(kGetSeed);
  std::uniform_int_distribution<int64_t> pick(
      1, static_cast<int64_t>(f->records()));
  Enterprise e;
  for (auto _ : state) {
    sqlite3_bind_int64(stmt.get(), 1, pick(rng));
    if (sqlite3_step(stmt.get()) != SQLITE_ROW ||
        !e.ParseFromArray(sqlite3_column_blob(stmt.get(), 0),
                          sqlite3_column_bytes(stmt.get(), 0))) {
      state.SkipWithError("sqlite get by id failed");
      return;
    }
    sqlite3_reset(stmt.get());
    benchmark::DoNotOptimize(e);
  }
  Finish(state, state.iterations());
}

void BM_Qiaolian_UniqueUscc(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  std::vector<std::string> texts;
  for (const std::string& u : f->usccs()) texts.push_back(QlUscc(u));
  RunQiaolianQueries(state, f->store(), texts, kUsccSeed);
}

void BM_SQLite_UniqueUscc(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  Stmt stmt(f->sqlite(), kSqlUscc);
  RunSqliteQueries(
      state, stmt, f->usccs().size(), kUsccSeed,
      [f](sqlite3_stmt* s, size_t k) { BindText(s, 1, f->usccs()[k]); });
}

void BM_Qiaolian_Equality100(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  std::vector<std::string> texts;
  for (const std::string& n : f->names()) texts.push_back(QlName(n));
  RunQiaolianQueries(state, f->store(), texts, kNameSeed);
}

void BM_SQLite_Equality100(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  Stmt stmt(f->sqlite(), kSqlName);
  RunSqliteQueries(
      state, stmt, f->names().size(), kNameSeed,
      [f](sqlite3_stmt* s, size_t k) { BindText(s, 1, f->names()[k]); });
}

void BM_Qiaolian_DateRange10k(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  std::vector<std::string> texts;
  for (const auto& [from, to] : DateWindows(f->window_days(), kKeySamples)) {
    texts.push_back(QlDateRange(from, to));
  }
  RunQiaolianQueries(state, f->store(), texts, kRangeSeed);
  state.counters["window_days"] = f->window_days();
}

void BM_SQLite_DateRange10k(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  Stmt stmt(f->sqlite(), kSqlDateRange);
  const auto windows = DateWindows(f->window_days(), kKeySamples);
  RunSqliteQueries(state, stmt, windows.size(), kRangeSeed,
                   [&windows](sqlite3_stmt* s, size_t k) {
                     sqlite3_bind_int64(s, 1, Yyyymmdd(windows[k].first));
                     sqlite3_bind_int64(s, 2, Yyyymmdd(windows[k].second));
                   });
  state.counters["window_days"] = f->window_days();
}

void BM_Qiaolian_Intersection(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  std::vector<std::string> texts;
  for (const char* c : kCountries) texts.push_back(QlIntersection(c));
  RunQiaolianQueries(state, f->store(), texts, kBothSeed);
}

void BM_SQLite_Intersection(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  Stmt stmt(f->sqlite(), kSqlIntersection);
  RunSqliteQueries(state, stmt, std::size(kCountries), kBothSeed,
                   [](sqlite3_stmt* s, size_t k) {
                     BindText(s, 1, kCountries[k]);
                     sqlite3_bind_int(s, 2, kIntersectStatus);
                   });
}

void BM_Qiaolian_CountByStatus(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  uint64_t groups = 0;
  for (auto _ : state) {
    absl::StatusOr<AggregateResult> r = f->store().Aggregate(kQlCountByStatus);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    groups += r->groups.size();
  }
  Finish(state, groups);
}

void BM_SQLite_CountByStatus(benchmark::State& state) {
  const Fixture* f = GetFixture(state);
  if (f == nullptr) return;
  Stmt stmt(f->sqlite(), kSqlCountByStatus);
  if (!stmt.status().ok()) {
    state.SkipWithError(stmt.status().ToString().c_str());
    return;
  }
  uint64_t groups = 0;
  for (auto _ : state) {
    std::map<int, uint64_t> counts;
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
      counts[sqlite3_column_int(stmt.get(), 0)] =
          static_cast<uint64_t>(sqlite3_column_int64(stmt.get(), 1));
    }
    sqlite3_reset(stmt.get());
    groups += counts.size();
    benchmark::DoNotOptimize(counts);
  }
  Finish(state, groups);
}

BENCHMARK(BM_Qiaolian_GetById)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SQLite_GetById)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Qiaolian_UniqueUscc)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SQLite_UniqueUscc)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Qiaolian_Equality100)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SQLite_Equality100)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Qiaolian_DateRange10k)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SQLite_DateRange10k)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Qiaolian_Intersection)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SQLite_Intersection)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Qiaolian_CountByStatus)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SQLite_CountByStatus)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qiaolian

BENCHMARK_MAIN();
