// store_bench: single put, get and scan of Enterprise records (issue 2).
//
//   build/bench/store_bench [--benchmark_filter=Get] ...
//
// Every benchmark works in a fresh directory under /tmp (mkdtemp, removed
// afterwards) with the store's default options (sync off unless stated); the
// table layout can be changed with QIAOLIAN_BENCH_COMPRESSION,
// QIAOLIAN_BENCH_BLOCK_BYTES and QIAOLIAN_BENCH_MAX_FILE_BYTES
// (bench/layout_options.h).
// Records come from a deterministic generator (bench/enterprise_gen.h, fixed
// seed) and look like a registry extract: Chinese names, a USCC with a correct
// GB 32100 check character, legal representative, registered capital, dates,
// division, address and a 60-120 character business scope. They pass the
// store's validation, which is part of every measured write.
//
// Benchmarks (wall-clock time, as the store also works in background threads
// and fsyncs):
//   BM_Create          Store::Create, one record per call, into a store being
//                      filled from empty to kRecords.
//   BM_CreateAllBatch  Store::CreateAll in batches of kBatch; time is per
//                      batch, items/s per record.
//   BM_Get             Store::Get of a random id in a store of kRecords
//                      (built once with CreateAll, then reopened).
//   BM_Scan            Store::Scan over all kRecords records; time is per
//                      full scan, items/s per record.
//   BM_CreateSync      Store::Create with WriteOptions::sync = true (one fsync
//                      per write), a few hundred iterations.
//   BM_LevelDbSortedPuts  The floor under any write path on LevelDB: raw
//                      leveldb::DB::Write of 36-byte keys in ascending order
//                      with empty values, ~1 MB batches (how a bulk load
//                      writes its sorted index entries); time per key.
//   BM_LevelDbImportStreams/interleaved:0|1/counter:0|1
//                      What a bulk load of N rows writes besides index
//                      entries, through raw LevelDB: a 656-byte row, a
//                      691-byte history record and a 352-byte audit entry a
//                      row (their sizes in a 1M-row registry store), under
//                      the store's own keys, ascending in three streams;
//                      interleaved (1: each row's three in the same batch, as
//                      the import writes them) or one stream after another
//                      (0); counter:1 also writes a meta key (below the rows)
//                      with each batch, as CreateAll writes the next id and
//                      the count; time per row. QIAOLIAN_BENCH_STREAM_ROWS=N,
//                      default 200,000 (the file is 1,000,000).
//   BM_ExternalSorter  storage::ExternalSorter (the bulk load's sort of
//                      deferred index entries) of 3,000,000 index-like keys
//                      with the import's 48 MiB: add, sort, spill, merge.
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "bench/enterprise_gen.h"
#include "bench/layout_options.h"
#include "benchmark/benchmark.h"
#include "leveldb/db.h"
#include "leveldb/write_batch.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/common.pb.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "src/storage/key_codec.h"
#include "src/storage/sorter.h"
#include "src/text/normalize.h"

namespace qiaolian {
namespace {

constexpr uint64_t kRecords = 100000;  // Size of the preloaded store.
constexpr size_t kBatch = 1000;        // Records per CreateAll.
constexpr uint64_t kSeed = 20240601;   // Generator seed: fixed, reproducible.

// --- Temporary directories.

// A fresh directory /tmp/qiaolian_bench.XXXXXX, removed with its contents on
// destruction. path() is empty when mkdtemp failed.
class TempDir {
 public:
  TempDir() {
    std::string templ = "/tmp/qiaolian_bench.XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using bench::EnterpriseGenerator;
using bench::Generate;

WriteOptions Actor() {
  WriteOptions o;
  o.actor = "store_bench";
  return o;
}

// --- The preloaded store, shared by BM_Get and BM_Scan.

// kRecords enterprises written with CreateAll in batches of kBatch, then the
// store closed and reopened (so reads see it as a later process would).
// Built on first use; the directory is removed at exit.
struct Preloaded {
  TempDir dir;
  std::unique_ptr<Store> store;  // Declared after `dir`: closed first.
  absl::Status status;
  double load_seconds = 0;  // CreateAll of all records.
  uint64_t disk_bytes = 0;  // Size of the store directory once reopened.

  Preloaded() {
    if (dir.path().empty()) {
      status = absl::UnavailableError("mkdtemp failed");
      return;
    }
    absl::StatusOr<std::unique_ptr<Store>> opened =
        Store::Open(dir.path(), bench::LayoutOptions());
    if (!opened.ok()) {
      status = opened.status();
      return;
    }
    store = *std::move(opened);
    EnterpriseGenerator gen(kSeed);
    std::vector<v1::Enterprise> pool;
    std::vector<google::protobuf::Message*> batch;
    const auto start = std::chrono::steady_clock::now();
    for (uint64_t done = 0; done < kRecords; done += kBatch) {
      Generate(gen, kBatch, &pool);
      batch.clear();
      for (v1::Enterprise& e : pool) batch.push_back(&e);
      status = store->CreateAll(batch, Actor());
      if (!status.ok()) return;
    }
    load_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    store.reset();
    opened = Store::Open(dir.path(), bench::LayoutOptions());
    if (!opened.ok()) {
      status = opened.status();
      return;
    }
    store = *std::move(opened);
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir.path(), ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) disk_bytes += it->file_size(ec);
    }
  }
};

const Preloaded& GetPreloaded() {
  static Preloaded preloaded;
  return preloaded;
}

// --- Benchmarks.

// Opens a store in `dir`; on failure marks `state` and returns null.
std::unique_ptr<Store> OpenFresh(const TempDir& dir, benchmark::State& state) {
  if (dir.path().empty()) {
    state.SkipWithError("mkdtemp failed");
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open(dir.path(), bench::LayoutOptions());
  if (!store.ok()) {
    state.SkipWithError(store.status().ToString().c_str());
    return nullptr;
  }
  return *std::move(store);
}

// Store::Create of one record per iteration; records are generated kBatch at
// a time with the timer paused. `sync` sets WriteOptions::sync.
void RunCreate(benchmark::State& state, bool sync) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenFresh(dir, state);
  if (store == nullptr) return;
  WriteOptions options = Actor();
  options.sync = sync;
  EnterpriseGenerator gen(kSeed);
  std::vector<v1::Enterprise> pool;
  size_t next = 0;
  for (auto _ : state) {
    if (next == pool.size()) {
      state.PauseTiming();
      Generate(gen, kBatch, &pool);
      next = 0;
      state.ResumeTiming();
    }
    absl::StatusOr<uint64_t> id = store->Create(&pool[next++], options);
    if (!id.ok()) {
      state.SkipWithError(id.status().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Create(benchmark::State& state) { RunCreate(state, /*sync=*/false); }
// The store goes from empty to kRecords records.
BENCHMARK(BM_Create)->Iterations(kRecords)->UseRealTime();

void BM_CreateAllBatch(benchmark::State& state) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenFresh(dir, state);
  if (store == nullptr) return;
  const WriteOptions options = Actor();
  EnterpriseGenerator gen(kSeed);
  std::vector<v1::Enterprise> pool;
  std::vector<google::protobuf::Message*> batch;
  for (auto _ : state) {
    state.PauseTiming();
    Generate(gen, kBatch, &pool);
    batch.clear();
    for (v1::Enterprise& e : pool) batch.push_back(&e);
    state.ResumeTiming();
    absl::Status st = store->CreateAll(batch, options);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  // Wall time per record.
  state.counters["per_record"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBatch),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
// kRecords / kBatch batches: the same 100k records as BM_Create.
BENCHMARK(BM_CreateAllBatch)
    ->Iterations(kRecords / kBatch)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Get(benchmark::State& state) {
  const Preloaded& pre = GetPreloaded();
  if (!pre.status.ok()) {
    state.SkipWithError(pre.status.ToString().c_str());
    return;
  }
  std::mt19937_64 rng(kSeed);
  std::uniform_int_distribution<uint64_t> pick(1, kRecords);
  v1::Enterprise out;
  for (auto _ : state) {
    absl::Status st = pre.store->Get(v1::KIND_ENTERPRISE, pick(rng), &out);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["load_100k_s"] = pre.load_seconds;
  state.counters["disk_MiB"] = static_cast<double>(pre.disk_bytes) / (1 << 20);
}
BENCHMARK(BM_Get)->UseRealTime()->MinTime(1.0);

void BM_Scan(benchmark::State& state) {
  const Preloaded& pre = GetPreloaded();
  if (!pre.status.ok()) {
    state.SkipWithError(pre.status.ToString().c_str());
    return;
  }
  for (auto _ : state) {
    uint64_t n = 0;
    absl::Status st = pre.store->Scan(v1::KIND_ENTERPRISE, 1,
                                      [&n](const google::protobuf::Message& m) {
                                        benchmark::DoNotOptimize(&m);
                                        ++n;
                                        return true;
                                      });
    if (st.ok() && n != kRecords) {
      st = absl::InternalError(absl::StrCat("scan saw ", n, " records"));
    }
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_Scan)->Iterations(5)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_CreateSync(benchmark::State& state) {
  state.SetLabel("sync=true: one fsync per write");
  RunCreate(state, /*sync=*/true);
}
BENCHMARK(BM_CreateSync)
    ->Iterations(300)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// A raw LevelDB at `path` with the store's table options (no compression,
// 4 MiB memtable, 8 MiB tables), or null (and `state` told) if it cannot be
// opened.
std::unique_ptr<leveldb::DB> OpenRawLevelDb(benchmark::State& state,
                                            const std::string& path) {
  leveldb::Options o;
  o.create_if_missing = true;
  o.compression = leveldb::kNoCompression;
  o.write_buffer_size = 4 << 20;
  o.max_file_size = 8 << 20;
  leveldb::DB* raw = nullptr;
  if (!leveldb::DB::Open(o, path, &raw).ok()) {
    state.SkipWithError("cannot open LevelDB");
    return nullptr;
  }
  return std::unique_ptr<leveldb::DB>(raw);
}

void BM_LevelDbSortedPuts(benchmark::State& state) {
  TempDir dir;
  std::unique_ptr<leveldb::DB> db = OpenRawLevelDb(state, dir.path() + "/db");
  if (db == nullptr) return;
  leveldb::WriteBatch batch;
  std::string key;
  uint64_t i = 0;
  for (auto _ : state) {
    // 0x03, an index id, a 20-byte "gram", a big-endian id: like an entry.
    key.assign("\x03\x00\xf1", 3);
    key += absl::StrCat("gram", absl::Dec(i / 1000, absl::kZeroPad6), "-");
    storage::PutU64(&key, i);
    ++i;
    batch.Put(key, leveldb::Slice());
    if (batch.ApproximateSize() >= (1 << 20)) {
      if (!db->Write(leveldb::WriteOptions(), &batch).ok()) {
        state.SkipWithError("write failed");
        return;
      }
      batch.Clear();
    }
  }
  if (!db->Write(leveldb::WriteOptions(), &batch).ok()) {
    state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LevelDbSortedPuts)
    ->Iterations(5000000)
    ->UseRealTime()
    ->Unit(benchmark::kNanosecond);

void BM_LevelDbImportStreams(benchmark::State& state) {
  const bool interleaved = state.range(0) != 0;
  const bool counter = state.range(1) != 0;
  const char* env = std::getenv("QIAOLIAN_BENCH_STREAM_ROWS");
  const uint64_t rows =
      env != nullptr ? std::strtoull(env, nullptr, 10) : 200000;
  std::mt19937_64 rng(kSeed);
  auto bytes = [&rng](size_t n) {  // Incompressible, as protobufs nearly are.
    std::string v(n, '\0');
    for (char& c : v) c = static_cast<char>(rng());
    return v;
  };
  // The store's row, history and audit keys (src/storage/key_codec.h).
  constexpr uint8_t kKind = v1::KIND_ENTERPRISE;
  struct Stream {
    std::string (*key)(uint64_t id);
    std::string value;
  };
  const Stream streams[] = {
      {[](uint64_t id) { return storage::RowKey(kKind, id); }, bytes(656)},
      {[](uint64_t id) { return storage::HistoryKey(kKind, id, 1); },
       bytes(691)},
      {[](uint64_t id) { return storage::AuditKey(id + 1); }, bytes(352)}};
  const std::string counter_key = storage::MetaKey("next_id");
  for (auto _ : state) {
    TempDir dir;
    std::unique_ptr<leveldb::DB> db = OpenRawLevelDb(state, dir.path() + "/db");
    if (db == nullptr) return;
    leveldb::WriteBatch batch;
    bool failed = false;
    auto put = [&](const Stream& s, uint64_t id) {
      batch.Put(s.key(id), s.value);
      if (batch.ApproximateSize() >= (1 << 20)) {
        if (counter) batch.Put(counter_key, absl::StrCat(id));
        failed = failed || !db->Write(leveldb::WriteOptions(), &batch).ok();
        batch.Clear();
      }
    };
    if (interleaved) {
      for (uint64_t id = 0; id < rows; ++id) {
        for (const Stream& s : streams) put(s, id);
      }
    } else {
      for (const Stream& s : streams) {
        for (uint64_t id = 0; id < rows; ++id) put(s, id);
      }
    }
    failed = failed || !db->Write(leveldb::WriteOptions(), &batch).ok();
    if (failed) {
      state.SkipWithError("write failed");
      return;
    }
    std::string stats;
    db->GetProperty("leveldb.stats", &stats);
    uint64_t written = 0;  // MB written by flushes and compactions.
    for (absl::string_view line : absl::StrSplit(stats, '\n')) {
      std::vector<std::string> f =
          absl::StrSplit(line, ' ', absl::SkipWhitespace());
      uint64_t mb = 0;
      if (f.size() == 6 && absl::SimpleAtoi(f[5], &mb)) written += mb;
    }
    state.counters["MB_written"] = static_cast<double>(written);
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_LevelDbImportStreams)
    ->ArgsProduct({{1, 0}, {1, 0}})
    ->ArgNames({"interleaved", "counter"})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Deferred index entries as a bulk load sorts them: 0x03, an index id, a
// string gram of two Han characters (400 distinct characters), a uint64 id,
// an int64 code and the id again (src/search/terms.h), in random order.
std::vector<std::string> IndexLikeKeys(size_t n) {
  std::mt19937_64 rng(42);
  std::vector<std::string> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string k;
    storage::PutU8(&k, 3);
    storage::PutU16(&k, static_cast<uint16_t>(140 + rng() % 8));
    std::string gram;
    for (int c = 0; c < 2; ++c) {
      text::AppendUtf8(static_cast<char32_t>(0x4E00 + rng() % 400), &gram);
    }
    storage::PutString(&k, gram);
    const uint64_t id = 1 + rng() % 1000000;
    storage::PutUint64(&k, id);
    storage::PutInt64(&k, static_cast<int64_t>(rng() % 100000));
    storage::PutU64(&k, id);
    keys.push_back(std::move(k));
  }
  return keys;
}

void BM_ExternalSorter(benchmark::State& state) {
  const std::vector<std::string> keys = IndexLikeKeys(3000000);
  TempDir dir;
  for (auto _ : state) {
    storage::ExternalSorter sorter(dir.path(), 48 << 20);  // Import's budget.
    for (const std::string& k : keys) {
      if (!sorter.Add(k).ok()) {
        state.SkipWithError("add failed");
        return;
      }
    }
    size_t emitted = 0;
    if (!sorter
             .Finish([&emitted](absl::string_view) {
               ++emitted;
               return absl::OkStatus();
             })
             .ok() ||
        emitted == 0) {
      state.SkipWithError("sort failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * keys.size());
}
BENCHMARK(BM_ExternalSorter)
    ->Iterations(5)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qiaolian

BENCHMARK_MAIN();
