// search_bench: Chinese-aware search (issue 7) on N people and N enterprises
// (default 1,000,000 each; QIAOLIAN_BENCH_N overrides), side by side with
// SQLite FTS5 and its trigram tokenizer on the same texts, in the same run.
//
//   build/bench/search_bench [DIR]      (DIR: where the stores go; default a
//                                        fresh directory under /tmp)
//
// Measures:
//   * import: CreateAll in batches of 1,000 into a store without the search
//     indexes (ids 140-145, 240-242) and into one with them (the slowdown is
//     the search index's cost), and the FTS5 load; with
//     QIAOLIAN_BENCH_BULK=1 each kind's records are written as a bulk load
//     (most index entries sorted and written at the end), as `qiaolian
//     import` into a new store writes them;
//   * size: store directory with and without search indexes, FTS5 database;
//   * query latency p50/p99 (limit 20) for 2-, 3- and 4-character name
//     substrings, pinyin initials, full pinyin, traditional-character
//     queries and address substrings, plus how many queries found at least
//     one record that contains the query (qiaolian) or matched (FTS5).
// FTS5 trigram cannot match fewer than 3 characters (2-character queries use
// LIKE '%xx%', which is a scan: timed on the first 50 queries), and has no
// pinyin or traditional folding: those rows report what it returns for the
// same text.
//
// FTS5 is timed twice: best first (ORDER BY rank) with the texts, which is
// what qiaolian's Search returns, on a connection of its own, and rowids in
// index order (its fastest query); each of these first passes, as
// qiaolian's, right after the files are read through (below). Then qiaolian
// and FTS5 ranked run the same queries again ("again" columns: pages
// already in the engine's cache or mapped).
// QIAOLIAN_BENCH_QUERIES_ONLY=1 with DIR reruns only the queries
// on the stores an earlier run left in DIR. QIAOLIAN_BENCH_MAP_TABLES=0
// opens the store for the queries with its tables read by pread into the
// block cache instead of memory-mapped (StoreOptions::map_tables), and
// QIAOLIAN_BENCH_WARM_UP=0 leaves the opening of its tables to the
// queries (StoreOptions::warm_up_in_background), and
// QIAOLIAN_BENCH_WARM_UP_SEARCH_BYTES=N maps N bytes of the search indexes'
// tables into memory as it warms up (StoreOptions::warm_up_search_bytes).
// QIAOLIAN_BENCH_CLASS=TEXT runs only the query classes whose name contains
// TEXT, and QIAOLIAN_BENCH_REPEAT=K runs qiaolian's queries K more times
// after the table's passes, printing each pass's p50 and p99 (for a profiler
// attached to the run: perf record -g build/bench/search_bench ...), and
// QIAOLIAN_BENCH_SLOWEST=N prints the N slowest queries of qiaolian's
// passes over each class, and QIAOLIAN_BENCH_DUMP=FILE appends the queries
// of the classes run to FILE (kind number, class, query; tab-separated) for
// drivers of one's own, and QIAOLIAN_BENCH_TIMES=FILE appends every query's
// time in the passes of the table (class, pass, position, µs; tab-separated)
// for bench/search_runs.py to pool.
//
// Before each class, and again before each FTS5 first pass, both engines'
// files are read through (the store's directory and the FTS5 database), so
// that every first pass starts from the same page cache, with the CPU's
// caches holding neither engine's postings: on a machine that gives idle page
// cache back (this VM's DAMON pages out what was not touched for about two
// minutes, bench/RESULTS.md, session 26), a first pass otherwise reads from
// disk what the earlier classes did not touch, and a pass right after another
// one over the same queries finds their postings in the CPU's caches.
// QIAOLIAN_BENCH_READ_FILES=0 leaves the page cache as the earlier classes
// left it.
//
// The machine's own stalls are measured at the start and the end: a thread
// that only reads the clock, for a second, counts the gaps of more than
// 5 µs between two readings (on session 30's VM, 1,300 to 3,300 a second,
// about 1,300 of them over 20 µs, which no process inside sees as an
// interrupt). A pass of 500 queries of ~12 µs lasts ~6 ms and meets about
// ten of them, so its p99 (the 5th slowest query) is mostly such a stall,
// and one run decides little at p99: bench/search_runs.py runs the queries
// in several processes and takes the medians of their first passes.
//
// Not a Google Benchmark binary: percentiles need every query's own time.
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/enterprise_gen.h"
#include "qiaolian/search.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "src/api/store_access.h"
#include "src/model/indexes.h"
#include "src/search/terms.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"

namespace qiaolian {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

// Reads every regular file under `path` (a directory or one file) through
// once, into the page cache; returns the bytes read.
uint64_t ReadFilesThrough(const std::string& path) {
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
      if (e.is_regular_file()) files.push_back(e.path().string());
    }
  } else {
    files.push_back(path);
  }
  std::vector<char> buf(1 << 20);
  uint64_t n = 0;
  for (const std::string& f : files) {
    FILE* in = std::fopen(f.c_str(), "rb");
    if (in == nullptr) continue;
    size_t got;
    while ((got = std::fread(buf.data(), 1, buf.size(), in)) > 0) n += got;
    std::fclose(in);
  }
  return n;
}

// --- Deterministic people.
const char* const kSurnames[] = {
    "王",   "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",   "周",  "徐", "孙",
    "马",   "朱", "胡", "郭", "何", "林", "罗", "高", "郑",   "梁",  "谢", "宋",
    "唐",   "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧",   "田",  "董", "潘",
    "袁",   "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏",   "苏",  "吕", "丁",
    "任",   "卢", "姚", "沈", "钟", "姜", "崔", "谭", "陆",   "范",  "汪", "廖",
    "石",   "金", "韦", "贾", "夏", "付", "方", "邹", "熊",   "白",  "孟", "秦",
    "邱",   "侯", "江", "尹", "薛", "闫", "段", "雷", "龙",   "黎",  "史", "陶",
    "贺",   "毛", "郝", "顾", "龚", "邵", "万", "覃", "武",   "钱",  "戴", "严",
    "欧阳", "单", "解", "区", "查", "仇", "朴", "盖", "诸葛", "司马"};
const char kGiven[] =
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰"
    "文辉晨风云海波宁欣怡佳琪子轩浩宇梓涵一诺思远嘉俊雅婷家豪晓东春梅";
const char* const kStreets[] = {"东门大街", "西门大街", "南环路", "北环路",
                                "人民路",   "解放路",   "建设路", "华阳路",
                                "金城大道", "钱资湖路", "愚池路", "丹阳门"};

std::vector<std::string> GivenChars() {
  std::vector<std::string> out;
  std::u32string s = text::ToU32(kGiven);
  for (char32_t c : s) {
    std::string u;
    text::AppendUtf8(c, &u);
    out.push_back(u);
  }
  return out;
}

class PersonGenerator {
 public:
  explicit PersonGenerator(uint64_t seed) : rng_(seed), given_(GivenChars()) {}

  void Next(v1::Person* p) {
    p->Clear();
    // Surnames: a few very common ones dominate, as in real data.
    const size_t ns = std::size(kSurnames);
    std::uniform_real_distribution<double> u(0, 1);
    const size_t si = static_cast<size_t>(std::pow(u(rng_), 2.2) * ns) % ns;
    std::string name = kSurnames[si];
    const int given_len = u(rng_) < 0.3 ? 1 : 2;
    for (int i = 0; i < given_len; ++i) name += given_[rng_() % given_.size()];
    p->set_name(name);
    if (u(rng_) < 0.05) {
      p->add_former_names(absl::StrCat(kSurnames[si],
                                       given_[rng_() % given_.size()],
                                       given_[rng_() % given_.size()]));
    }
    if (u(rng_) < 0.2) {
      text::Pinyin py = text::ToPinyin(name, true);
      std::string latin;
      for (size_t i = py.surname_tokens; i < py.syllables.size(); ++i) {
        latin += py.syllables[i];
      }
      std::string sur;
      for (size_t i = 0; i < py.surname_tokens; ++i) sur += py.syllables[i];
      if (!latin.empty()) latin[0] = static_cast<char>(latin[0] - 32);
      if (!sur.empty()) sur[0] = static_cast<char>(sur[0] - 32);
      p->mutable_name_parts()->set_latin(absl::StrCat(latin, " ", sur));
    }
    p->mutable_birth_date()->set_year(1940 + static_cast<int>(rng_() % 60));
    p->mutable_birth_date()->set_month(1 + static_cast<int>(rng_() % 12));
    p->mutable_birth_date()->set_day(1 + static_cast<int>(rng_() % 28));
    p->mutable_address()->set_text(absl::StrCat(
        "江苏省常州市金坛区", kStreets[rng_() % std::size(kStreets)],
        1 + rng_() % 300, "号"));
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> given_;
};

// --- SQLite FTS5.
struct Fts {
  sqlite3* db = nullptr;
  ~Fts() { sqlite3_close(db); }
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s: %s\n", sql.c_str(), err);
      std::exit(1);
    }
  }
};

void Bind(sqlite3_stmt* st, int i, const std::string& s) {
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()),
                    SQLITE_TRANSIENT);
}

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& r) {
  std::string s;
  for (const std::string& x : r) s += x + " ";
  return s;
}

struct Latency {
  double p50 = 0, p99 = 0;
  size_t found = 0;
  std::vector<double> us;  // Each query's time, in the order run.
};

// `slowest`: the queries of the longest times are printed, this many.
Latency Measure(const std::vector<std::string>& queries,
                const std::function<size_t(const std::string&)>& run,
                size_t slowest = 0) {
  std::vector<double> us;
  Latency l;
  std::vector<std::pair<double, const std::string*>> timed;
  for (const std::string& q : queries) {
    auto a = Clock::now();
    const size_t n = run(q);
    auto b = Clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(b - a).count());
    timed.emplace_back(us.back(), &q);
    l.found += n > 0;
  }
  std::sort(timed.begin(), timed.end(), std::greater<>());
  for (size_t i = 0; i < slowest && i < timed.size(); ++i) {
    std::printf("  slow: %.0f µs %s\n", timed[i].first,
                timed[i].second->c_str());
  }
  l.us = us;
  std::sort(us.begin(), us.end());
  l.p50 = us[us.size() / 2];
  l.p99 = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  return l;
}

// Appends each query's time of a pass to `path` (QIAOLIAN_BENCH_TIMES), a
// line a query: class, engine and pass, the query's position in the pass,
// µs; tab-separated. bench/search_runs.py pools the first passes of several
// runs from it.
void AppendTimes(const char* path, const std::string& name, const char* pass,
                 const Latency& l) {
  if (path == nullptr) return;
  FILE* f = std::fopen(path, "a");
  if (f == nullptr) return;
  for (size_t i = 0; i < l.us.size(); ++i) {
    std::fprintf(f, "%s\t%s\t%zu\t%.2f\n", name.c_str(), pass, i, l.us[i]);
  }
  std::fclose(f);
}

// Gaps of more than 5 µs between two readings of the clock by a thread that
// does nothing else, for `seconds`: the time the machine takes from a
// running thread (hypervisor, interrupts), which every query timing meets.
void PrintMachineStalls(const char* when, double seconds = 1.0) {
  const auto start = Clock::now();
  auto prev = start;
  size_t gaps = 0, over20 = 0, over50 = 0;
  double lost = 0, longest = 0;
  for (;;) {
    const auto now = Clock::now();
    const double g =
        std::chrono::duration<double, std::micro>(now - prev).count();
    prev = now;
    if (g > 5) {
      ++gaps;
      over20 += g > 20;
      over50 += g > 50;
      lost += g;
      longest = std::max(longest, g);
    }
    if (std::chrono::duration<double>(now - start).count() >= seconds) break;
  }
  std::printf(
      "machine stalls %s: %.0f a second of more than 5 µs (%.0f > 20 µs, "
      "%.0f > 50 µs, longest %.0f µs), %.1f %% of the time\n",
      when, gaps / seconds, over20 / seconds, over50 / seconds, longest,
      lost / (seconds * 1e4));
}

// A substring of `s` of `len` code points starting at a random position.
std::string Sub(const std::string& s, size_t len, std::mt19937_64& rng) {
  std::u32string u = text::ToU32(s);
  if (u.size() < len) return "";
  const size_t start = rng() % (u.size() - len + 1);
  return text::ToUtf8(u.substr(start, len));
}

int Main(int argc, char** argv) {
  const char* env = std::getenv("QIAOLIAN_BENCH_N");
  const size_t n = env != nullptr ? std::strtoull(env, nullptr, 10) : 1000000;
  const std::string root =
      argc > 1 ? argv[1]
               : (std::filesystem::temp_directory_path() /
                  absl::StrCat("qiaolian-search-bench-", getpid()))
                     .string();
  std::filesystem::create_directories(root);
  std::printf("search_bench: %zu people + %zu enterprises in %s\n", n, n,
              root.c_str());
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) > 0) {
    std::printf("load average at start: %.2f %.2f %.2f\n", load[0], load[1],
                load[2]);
  }
  PrintMachineStalls("at the start");

  // Registry without the search indexes (as before issue 7).
  std::vector<model::IndexSpec> base_specs;
  for (const model::Index& idx : model::IndexRegistry::Builtin().all()) {
    if (!idx.spec.derive) base_specs.push_back(idx.spec);
  }
  auto base_reg = model::IndexRegistry::Create(base_specs);
  if (!base_reg.ok()) return 1;

  // Generate once (kept in memory so that generation is not timed).
  std::vector<v1::Person> people(n);
  std::vector<v1::Enterprise> ents(n);
  {
    PersonGenerator pg(7);
    bench::EnterpriseGenerator eg(20240601);
    for (size_t i = 0; i < n; ++i) {
      pg.Next(&people[i]);
      eg.Next(&ents[i]);
    }
  }

  // QIAOLIAN_BENCH_BULK=1: each kind as a bulk load, keeping what Import
  // keeps for the likely-duplicate check (the natural-key indexes are
  // unique here, never deferred).
  const char* bulk_env = std::getenv("QIAOLIAN_BENCH_BULK");
  const bool bulk = bulk_env != nullptr && std::string(bulk_env) == "1";
  auto import = [&](const std::string& dir,
                    const model::IndexRegistry* reg) -> double {
    StoreOptions o;
    o.indexes = reg;
    auto store = Store::Open(dir, o);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      std::exit(1);
    }
    auto a = Clock::now();
    std::vector<google::protobuf::Message*> batch;
    auto flush = [&] {
      absl::Status st = (*store)->CreateAll(batch);
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        std::exit(1);
      }
      batch.clear();
    };
    auto begin = [&](Kind kind) {
      if (!bulk) return;
      const std::vector<uint16_t> keep = search::DuplicateProbeIndexes(kind);
      // 48 MiB of sort memory, as Import uses.
      auto began =
          internal::StoreAccess::BeginBulkLoad(**store, kind, keep, 48 << 20);
      if (!began.ok()) {
        std::fprintf(stderr, "%s\n", began.status().ToString().c_str());
        std::exit(1);
      }
    };
    auto finish = [&] {
      if (!bulk) return;
      auto done = internal::StoreAccess::FinishBulkLoad(**store);
      // Then one level, as Import does after a bulk load.
      absl::Status compacted =
          done.ok() ? internal::StoreAccess::CompactAfterLoad(**store)
                    : done.status();
      if (!compacted.ok()) {
        std::fprintf(stderr, "%s\n", compacted.ToString().c_str());
        std::exit(1);
      }
    };
    begin(v1::KIND_PERSON);
    for (size_t i = 0; i < n; ++i) {
      v1::Person* p = &people[i];
      p->clear_meta();
      batch.push_back(p);
      if (batch.size() == 1000) flush();
    }
    if (!batch.empty()) flush();
    finish();
    begin(v1::KIND_ENTERPRISE);
    for (size_t i = 0; i < n; ++i) {
      v1::Enterprise* e = &ents[i];
      e->clear_meta();
      batch.push_back(e);
      if (batch.size() == 1000) flush();
    }
    if (!batch.empty()) flush();
    finish();
    return Seconds(a, Clock::now());
  };

  const std::string plain_dir = root + "/plain", search_dir = root + "/search";
  const std::string fts_path = root + "/fts.db";
  Fts fts;
  // QIAOLIAN_BENCH_QUERIES_ONLY=1 DIR: the stores of an earlier run in DIR
  // (same N), queries only.
  const char* qonly = std::getenv("QIAOLIAN_BENCH_QUERIES_ONLY");
  if (qonly != nullptr && std::string(qonly) == "1") {
    if (argc <= 1 || !std::filesystem::exists(fts_path) ||
        !std::filesystem::exists(search_dir)) {
      std::fprintf(stderr, "QIAOLIAN_BENCH_QUERIES_ONLY needs DIR of a run\n");
      return 1;
    }
    sqlite3_open(fts_path.c_str(), &fts.db);
  } else {
    const double t_plain = import(plain_dir, &*base_reg);
    const uint64_t plain_bytes = DirBytes(plain_dir);
    std::printf(
        "import without search indexes: %.1f s (%.0f records/s), %.1f MiB\n",
        t_plain, 2.0 * n / t_plain, plain_bytes / 1048576.0);
    std::filesystem::remove_all(plain_dir);
    const double t_search = import(search_dir, nullptr);
    {
      // Let compaction settle before measuring size.
      auto s = Store::Open(search_dir);
    }
    const uint64_t search_bytes = DirBytes(search_dir);
    std::printf(
        "import with search indexes:    %.1f s (%.0f records/s), %.1f MiB\n",
        t_search, 2.0 * n / t_search, search_bytes / 1048576.0);
    std::printf(
        "  import slowdown x%.2f, index size overhead %.1f MiB (+%.0f%%)\n",
        t_search / t_plain, (search_bytes - plain_bytes) / 1048576.0,
        100.0 * (static_cast<double>(search_bytes) - plain_bytes) /
            plain_bytes);

    // FTS5 on the same texts.
    std::filesystem::remove(fts_path);
    sqlite3_open(fts_path.c_str(), &fts.db);
    fts.Exec("PRAGMA journal_mode = OFF");
    fts.Exec("PRAGMA synchronous = OFF");
    fts.Exec(
        "CREATE VIRTUAL TABLE person USING fts5(name, former, latin, address, "
        "tokenize = 'trigram')");
    fts.Exec(
        "CREATE VIRTUAL TABLE enterprise USING fts5(name, former, address, "
        "tokenize = 'trigram')");
    auto fa = Clock::now();
    fts.Exec("BEGIN");
    {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(
          fts.db,
          "INSERT INTO person(rowid, name, former, latin, address) "
          "VALUES (?, ?, ?, ?, ?)",
          -1, &st, nullptr);
      for (size_t i = 0; i < n; ++i) {
        const v1::Person& p = people[i];
        sqlite3_bind_int64(st, 1, static_cast<int64_t>(i + 1));
        Bind(st, 2, p.name());
        Bind(st, 3, Join(p.former_names()));
        Bind(st, 4, p.name_parts().latin());
        Bind(st, 5, p.address().text());
        sqlite3_step(st);
        sqlite3_reset(st);
      }
      sqlite3_finalize(st);
      sqlite3_prepare_v2(fts.db,
                         "INSERT INTO enterprise(rowid, name, former, address) "
                         "VALUES (?, ?, ?, ?)",
                         -1, &st, nullptr);
      for (size_t i = 0; i < n; ++i) {
        const v1::Enterprise& e = ents[i];
        sqlite3_bind_int64(st, 1, static_cast<int64_t>(i + 1));
        Bind(st, 2, e.name());
        Bind(st, 3, Join(e.former_names()));
        Bind(st, 4, e.address().text());
        sqlite3_step(st);
        sqlite3_reset(st);
      }
      sqlite3_finalize(st);
    }
    fts.Exec("COMMIT");
    fts.Exec("INSERT INTO person(person) VALUES ('optimize')");
    fts.Exec("INSERT INTO enterprise(enterprise) VALUES ('optimize')");
    const double t_fts = Seconds(fa, Clock::now());
    struct stat sb;
    stat(fts_path.c_str(), &sb);
    std::printf("FTS5 trigram load:             %.1f s, %.1f MiB\n", t_fts,
                sb.st_size / 1048576.0);
  }

  // Queries, drawn deterministically from the data.
  // QIAOLIAN_BENCH_MAP_TABLES=0: tables read with pread into the block cache
  // (StoreOptions::map_tables) instead of memory-mapped.
  StoreOptions query_options;
  if (const char* m = std::getenv("QIAOLIAN_BENCH_MAP_TABLES"); m && *m) {
    query_options.map_tables = std::string(m) != "0";
  }
  // QIAOLIAN_BENCH_WARM_UP=0: tables opened by the queries that need
  // them (StoreOptions::warm_up_in_background off).
  if (const char* m = std::getenv("QIAOLIAN_BENCH_WARM_UP"); m && *m) {
    query_options.warm_up_in_background = std::string(m) != "0";
  }
  if (const char* m = std::getenv("QIAOLIAN_BENCH_WARM_UP_SEARCH_BYTES");
      m && *m) {
    query_options.warm_up_search_bytes = std::strtoull(m, nullptr, 10);
  }
  auto store = Store::Open(search_dir, query_options);
  if (!store.ok()) return 1;
  std::mt19937_64 rng(42);
  const size_t kQueries = 500;
  struct Class {
    std::string name;
    Kind kind;
    std::vector<std::string> qs;
    bool fts_like = false;  // FTS5 needs LIKE (< 3 characters).
  };
  std::vector<Class> classes = {
      {"person 2-char name substring", v1::KIND_PERSON, {}, true},
      {"person 3-char name", v1::KIND_PERSON, {}},
      {"person traditional 3-char (陳偉明)", v1::KIND_PERSON, {}},
      {"person pinyin initials (cwm)", v1::KIND_PERSON, {}},
      {"person full pinyin (chen wei ming)", v1::KIND_PERSON, {}},
      {"person 4-char address substring", v1::KIND_PERSON, {}},
      {"enterprise 2-char name substring", v1::KIND_ENTERPRISE, {}, true},
      {"enterprise 3-char name substring", v1::KIND_ENTERPRISE, {}},
      {"enterprise 4-char name substring", v1::KIND_ENTERPRISE, {}},
      {"enterprise 4-char address substring", v1::KIND_ENTERPRISE, {}},
  };
  for (size_t i = 0; i < kQueries; ++i) {
    const v1::Person& p = people[rng() % n];
    const v1::Enterprise& e = ents[rng() % n];
    std::string name = p.name();
    classes[0].qs.push_back(Sub(name, 2, rng));
    // A 3-character name (or the first 3 characters of a longer one).
    std::u32string u = text::ToU32(name);
    std::string three =
        text::ToUtf8(u.substr(0, std::min<size_t>(3, u.size())));
    classes[1].qs.push_back(three);
    std::string trad = three;
    for (const auto& [s, t] :
         std::vector<std::pair<std::string, std::string>>{{"陈", "陳"},
                                                          {"伟", "偉"},
                                                          {"刘", "劉"},
                                                          {"张", "張"},
                                                          {"黄", "黃"},
                                                          {"赵", "趙"},
                                                          {"吴", "吳"},
                                                          {"郑", "鄭"},
                                                          {"华", "華"},
                                                          {"国", "國"},
                                                          {"东", "東"},
                                                          {"丽", "麗"},
                                                          {"红", "紅"},
                                                          {"军", "軍"},
                                                          {"涛", "濤"},
                                                          {"兰", "蘭"}}) {
      size_t pos;
      while ((pos = trad.find(s)) != std::string::npos)
        trad.replace(pos, s.size(), t);
    }
    classes[2].qs.push_back(trad);
    text::Pinyin py = text::ToPinyin(name, true);
    classes[3].qs.push_back(py.Initials());
    classes[4].qs.push_back(py.Spaced());
    classes[5].qs.push_back(Sub(p.address().text().substr(27), 4, rng));
    classes[6].qs.push_back(Sub(e.name(), 2, rng));
    classes[7].qs.push_back(Sub(e.name(), 3, rng));
    classes[8].qs.push_back(Sub(e.name(), 4, rng));
    classes[9].qs.push_back(Sub(e.address().text(), 4, rng));
  }
  // FTS5's ranked queries run on a connection of their own, opened like the
  // store just before the queries: a first pass over each class's queries,
  // as qiaolian's is, not one right after the ids query read the same
  // doclists. Then both engines run the same queries a second time (their
  // pages in the engine's cache or mapped): the "again" columns.
  Fts fts_ranked;
  sqlite3_open_v2(fts_path.c_str(), &fts_ranked.db, SQLITE_OPEN_READONLY,
                  nullptr);
  std::printf(
      "\n| queries (%zu each, limit 20) | qiaolian p50 | p99 | found | FTS5 "
      "ids p50 | p99 | found | FTS5 ranked + texts p50 | p99 | again: "
      "qiaolian p50 | p99 | FTS5 ranked p50 | p99 |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
      kQueries);
  const char* only_class = std::getenv("QIAOLIAN_BENCH_CLASS");
  const char* repeat_env = std::getenv("QIAOLIAN_BENCH_REPEAT");
  const int repeat = repeat_env != nullptr ? std::atoi(repeat_env) : 0;
  const char* slowest_env = std::getenv("QIAOLIAN_BENCH_SLOWEST");
  const size_t slowest =
      slowest_env != nullptr ? std::strtoul(slowest_env, nullptr, 10) : 0;
  const char* times = std::getenv("QIAOLIAN_BENCH_TIMES");
  const char* read_env = std::getenv("QIAOLIAN_BENCH_READ_FILES");
  const bool read_files = read_env == nullptr || std::string(read_env) != "0";
  // Both engines' files read through, before each first pass (above).
  auto read_through = [&](const std::string& before) {
    if (!read_files) return;
    const auto a = Clock::now();
    const uint64_t bytes =
        ReadFilesThrough(search_dir) + ReadFilesThrough(fts_path);
    std::fprintf(stderr, "  %s: files read through (%.0f MiB, %.1f s)\n",
                 before.c_str(), bytes / 1048576.0,
                 std::chrono::duration<double>(Clock::now() - a).count());
  };
  for (Class& c : classes) {
    if (only_class != nullptr && c.name.find(only_class) == std::string::npos) {
      continue;
    }
    read_through(c.name);
    if (const char* dump = std::getenv("QIAOLIAN_BENCH_DUMP"); dump) {
      FILE* f = std::fopen(dump, "a");
      for (const std::string& q : c.qs) {
        std::fprintf(f, "%d\t%s\t%s\n", static_cast<int>(c.kind),
                     c.name.c_str(), q.c_str());
      }
      std::fclose(f);
    }
    SearchOptions so;
    so.limit = 20;
    auto run_qiaolian = [&](const std::string& q) -> size_t {
      auto hits = Search(**store, c.kind, q, so);
      return hits.ok() ? hits->size() : 0;
    };
    const Latency ql = Measure(c.qs, run_qiaolian, slowest);
    const std::string table =
        c.kind == v1::KIND_PERSON ? "person" : "enterprise";
    // Two FTS5 queries: ids only in index order (FTS5's fastest), and what a
    // search screen shows, as qiaolian returns it: best first (ORDER BY
    // rank, bm25) with the texts.
    const std::string texts = c.kind == v1::KIND_PERSON
                                  ? "rowid, name, former, latin, address"
                                  : "rowid, name, former, address";
    sqlite3_stmt* match = nullptr;
    sqlite3_stmt* ranked = nullptr;
    sqlite3_stmt* like = nullptr;
    sqlite3_prepare_v2(fts.db,
                       absl::StrCat("SELECT rowid FROM ", table, " WHERE ",
                                    table, " MATCH ? LIMIT 20")
                           .c_str(),
                       -1, &match, nullptr);
    sqlite3_prepare_v2(
        fts_ranked.db,
        absl::StrCat("SELECT ", texts, " FROM ", table, " WHERE ", table,
                     " MATCH ? ORDER BY rank LIMIT 20")
            .c_str(),
        -1, &ranked, nullptr);
    const std::string cols = c.kind == v1::KIND_PERSON
                                 ? "name LIKE ?1 OR former LIKE ?1 OR latin "
                                   "LIKE ?1 OR address LIKE ?1"
                                 : "name LIKE ?1 OR former LIKE ?1 OR "
                                   "address LIKE ?1";
    sqlite3_prepare_v2(fts.db,
                       absl::StrCat("SELECT ", texts, " FROM ", table,
                                    " WHERE ", cols, " LIMIT 20")
                           .c_str(),
                       -1, &like, nullptr);
    auto run_fts = [&](sqlite3_stmt* st, const std::string& q) -> size_t {
      if (st == like) {
        Bind(st, 1, absl::StrCat("%", q, "%"));
      } else {
        // A phrase: the trigram tokenizer matches it as a substring.
        std::string quoted = "\"";
        for (char ch : q)
          quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        Bind(st, 1, quoted + "\"");
      }
      size_t rows = 0, bytes = 0;
      const int ncol = sqlite3_column_count(st);
      while (sqlite3_step(st) == SQLITE_ROW) {
        ++rows;
        for (int i = 1; i < ncol; ++i) bytes += sqlite3_column_bytes(st, i);
      }
      sqlite3_reset(st);
      return bytes > 0 || rows > 0 ? rows : 0;
    };
    // QIAOLIAN_BENCH_ONLY=qiaolian: no FTS5 queries (for profiling).
    const char* only = std::getenv("QIAOLIAN_BENCH_ONLY");
    std::vector<std::string> fts_qs = c.qs;
    if (only != nullptr && std::string(only) == "qiaolian")
      fts_qs.assign(1, "");
    // LIKE scans the table (about a second a query at 1M rows): the first
    // 50 queries only.
    if (c.fts_like && fts_qs.size() > 50) fts_qs.resize(50);
    // LIKE has no rank: the same query as the ids pass.
    auto run_ranked = [&](const std::string& q) {
      return run_fts(c.fts_like ? like : ranked, q);
    };
    // Each first pass (qiaolian's, FTS5 ranked's, FTS5 ids') comes right
    // after the files are read through: one run after another pass over the
    // same queries would find the pages of their postings in the CPU's
    // caches and the engine's code in its instruction cache, which the
    // first would not (bench/RESULTS.md, "Three leads tried, none kept;
    // every first pass right after a read through (session 29)").
    Latency fr;
    if (!c.fts_like) {
      read_through(c.name + ", FTS5 ranked");
      fr = Measure(fts_qs, run_ranked);
    }
    read_through(c.name + ", FTS5 ids");
    Latency fl = Measure(fts_qs, [&](const std::string& q) {
      return run_fts(c.fts_like ? like : match, q);
    });
    if (c.fts_like) fr = fl;
    const Latency ql2 = Measure(c.qs, run_qiaolian);
    const Latency fr2 = Measure(fts_qs, run_ranked);
    sqlite3_finalize(match);
    sqlite3_finalize(ranked);
    sqlite3_finalize(like);
    AppendTimes(times, c.name, "qiaolian first", ql);
    AppendTimes(times, c.name, "FTS5 ranked first", fr);
    AppendTimes(times, c.name, "qiaolian again", ql2);
    AppendTimes(times, c.name, "FTS5 ranked again", fr2);
    std::printf(
        "| %s | %.0f µs | %.0f µs | %zu | %.0f µs | %.0f µs | %zu | %.0f µs | "
        "%.0f µs | %.0f µs | %.0f µs | %.0f µs | %.0f µs |\n",
        c.name.c_str(), ql.p50, ql.p99, ql.found, fl.p50, fl.p99, fl.found,
        fr.p50, fr.p99, ql2.p50, ql2.p99, fr2.p50, fr2.p99);
    for (int r = 0; r < repeat; ++r) {
      const Latency again = Measure(c.qs, run_qiaolian, slowest);
      std::printf("  %s, pass %d: p50 %.1f µs, p99 %.1f µs\n", c.name.c_str(),
                  r + 3, again.p50, again.p99);
    }
    std::fflush(stdout);
  }
  if (getloadavg(load, 3) > 0) {
    std::printf("\nload average at end: %.2f %.2f %.2f\n", load[0], load[1],
                load[2]);
  }
  PrintMachineStalls("at the end");
  if (argc <= 1) std::filesystem::remove_all(root);
  return 0;
}

}  // namespace
}  // namespace qiaolian

int main(int argc, char** argv) { return qiaolian::Main(argc, argv); }
