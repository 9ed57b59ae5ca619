// import_bench: bulk import of an enterprise registry CSV, qiaolian side by
// side with the sqlite3 command-line tool (issue 5). A plain timed driver,
// not a Google Benchmark binary: each side is one end-to-end run of a child
// process, timed from the parent, whose peak RSS the kernel reports.
//
//   build/bench/import_bench
//
// Environment:
//   QIAOLIAN_BENCH_RECORDS  rows in the CSV (default 1,000,000; e.g. 20000
//                           for a smoke run).
//   QIAOLIAN_BENCH_DIR      where to keep the CSV (reused when a complete one
//                           of the same size exists) and the two stores
//                           (always rebuilt). Unset: a fresh
//                           /tmp/qiaolian_import_bench.XXXXXX, removed at exit.
//   QIAOLIAN_BENCH_SQLITE   the sqlite3 binary (default "sqlite3"); "off"
//                           skips the SQLite run.
//   QIAOLIAN_BENCH_ONLY     "qiaolian" or "sqlite": run one side only.
//   QIAOLIAN_BENCH_VERIFY   "1": run Store::Verify on the imported store
//                           afterwards (not timed).
//   QIAOLIAN_BENCH_STATS    "1": print LevelDB's compaction statistics
//                           ("leveldb.stats": bytes read and written at each
//                           level) when the rows are written and at the end.
//   QIAOLIAN_BENCH_TRADITIONAL "1": the same file in traditional characters
//                           (OpenCC's s2t, headers and values), as registries
//                           from Hong Kong, Macau and Taiwan are written;
//                           kept as registry_N_traditional.csv.
//
// The CSV (bench/enterprise_gen.h, fixed seed, rendered like a registry
// extract, ~500 bytes a row): 15 columns headed in Chinese (企业名称,
// 统一社会信用代码, 注册号, 法定代表人, 企业类型, 成立日期, 注册资本,
// 登记状态, 住所, 所属行业, 经营范围, 所在省份, 地区, 登记机关, 投资国别),
// with the mess real extracts have: dates as 2008-05-07, 2008/5/7,
// 2008年5月7日, 20080507 and "2008-05-07 00:00:00"; capital as
// "5,000(万元人民币)", "50万美元", "100万元", "人民币100万元",
// "1234.5万元人民币", or 无; codes with spaces, full-width digits or a
// lower-case check letter; placeholders (-, 无, N/A) in empty cells; padded
// and ideographic spaces. Every USCC in the file is distinct, and 1 row in
// 2,000 has a wrong check character (rejected by qiaolian, imported as text
// by SQLite).
//
// qiaolian: `Import(store, csv, options)` with the default options (kind
// enterprise, mode skip, encoding auto — which reads the file once to check
// it is UTF-8) into a new store with every built-in index, opened with the
// default StoreOptions but map_tables = false, as `qiaolian import
// enterprise FILE` does.
//
// SQLite: `sqlite3 DB` fed `.mode csv`, `.import FILE enterprise` (the table
// created from the header, every column TEXT) and the same six indexes as
// the issue: USCC (unique), name, legal representative, established date,
// status, investor country; then a count. Default pragmas (the shell runs
// .import in one transaction).
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/enterprise_gen.h"
#include "leveldb/db.h"
#include "opencc/opencc.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "src/api/store_access.h"
#include "src/storage/db.h"

namespace qiaolian {
namespace {

constexpr uint64_t kSeed = 20240601;

uint64_t Records() {
  uint64_t n = 1000000;
  const char* env = getenv("QIAOLIAN_BENCH_RECORDS");
  if (env != nullptr && *env != '\0' && (!absl::SimpleAtoi(env, &n) || n < 1)) {
    std::fprintf(stderr, "bad QIAOLIAN_BENCH_RECORDS=%s; using 1000000\n", env);
    n = 1000000;
  }
  return n;
}

std::string CsvCell(absl::string_view s) {
  if (s.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(s);
  }
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

// Full-width forms of the ASCII digits and letters in `s`.
std::string FullWidth(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '!' && c <= '~') {
      const unsigned cp = 0xFF01 + static_cast<unsigned>(c - '!');
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Renders generated enterprises as a messy registry extract.
class CsvWriter {
 public:
  explicit CsvWriter(uint64_t seed) : gen_(seed), rng_(seed + 7) {}

  static std::string Header() {
    return "企业名称,统一社会信用代码,注册号,法定代表人,企业类型,成立日期,"
           "注册资本,登记状态,住所,所属行业,经营范围,所在省份,地区,登记机关,"
           "投资国别\r\n";
  }

  std::string Next() {
    gen_.Next(&e_);
    std::vector<std::string> c;
    c.reserve(15);
    c.push_back(Pad(e_.name()));
    c.push_back(Code());
    c.push_back(Placeholder());
    c.push_back(Pad(e_.legal_representative().name()));
    c.push_back(e_.type_text());
    c.push_back(Date());
    c.push_back(Capital());
    c.push_back(Status());
    c.push_back(e_.address().text());
    c.push_back(e_.industry());
    c.push_back(e_.business_scope());
    c.push_back(e_.registration_division().province());
    c.push_back(e_.registration_division().region());
    c.push_back(e_.registration_authority());
    c.push_back(Countries());
    std::string line;
    for (size_t i = 0; i < c.size(); ++i) {
      if (i > 0) line.push_back(',');
      line += CsvCell(c[i]);
    }
    line += "\r\n";
    return line;
  }

 private:
  int Roll() { return std::uniform_int_distribution<int>(0, 999)(rng_); }

  std::string Pad(const std::string& s) {
    const int r = Roll();
    if (r < 10) return absl::StrCat(" ", s, " ");
    if (r < 15) return absl::StrCat("\u3000", s);
    return s;
  }
  std::string Placeholder() {
    const int r = Roll();
    return r < 300 ? "-" : r < 400 ? "无" : r < 450 ? "N/A" : "";
  }

  std::string Code() {
    std::string code = e_.uscc();
    const int r = Roll();
    if (r < 1 && ++broken_ % 2 == 0) {
      // 1 in 2,000: a wrong check character.
      code.back() = code.back() == '0' ? '1' : '0';
      return code;
    }
    if (r < 20) return FullWidth(code);
    if (r < 40) {
      return absl::StrCat(code.substr(0, 4), " ", code.substr(4, 4), " ",
                          code.substr(8, 4), " ", code.substr(12));
    }
    if (r < 100) {
      for (char& ch : code) ch = static_cast<char>(absl::ascii_tolower(ch));
    }
    return code;
  }

  std::string Date() {
    const v1::Date& d = e_.established();
    char buf[64];
    switch (Roll() % 10) {
      case 0:
      case 1:
        std::snprintf(buf, sizeof buf, "%d/%d/%d", d.year(), d.month(),
                      d.day());
        break;
      case 2:
      case 3:
        std::snprintf(buf, sizeof buf, "%d年%d月%d日", d.year(), d.month(),
                      d.day());
        break;
      case 4:
        std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year(), d.month(),
                      d.day());
        break;
      case 5:
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d 00:00:00", d.year(),
                      d.month(), d.day());
        break;
      default:
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year(), d.month(),
                      d.day());
    }
    return buf;
  }

  std::string Capital() {
    const int64_t wan = e_.registered_capital().amount_minor() / 1000000;
    const int r = Roll();
    if (r < 20) return "无";
    if (!e_.investor_countries().empty() && r < 500) {
      return absl::StrCat(wan / 7 + 1, "万美元");
    }
    if (r < 300) {
      std::string n = absl::StrCat(wan);
      if (n.size() > 3) n.insert(n.size() - 3, ",");
      return absl::StrCat(n, "(万元人民币)");
    }
    if (r < 500) return absl::StrCat(wan, "万元");
    if (r < 600) return absl::StrCat("人民币", wan, "万元");
    if (r < 700) return absl::StrCat(wan, ".5万元人民币");
    return e_.registered_capital_text();
  }

  std::string Status() {
    if (e_.status() == v1::Enterprise::STATUS_ACTIVE) {
      return Roll() < 500 ? "存续（在营、开业、在册）" : "在业";
    }
    return e_.status_text();
  }

  std::string Countries() {
    if (e_.investor_countries().empty()) return "";
    std::string c = e_.investor_countries(0);
    const int r = Roll();
    if (r < 100) {
      for (char& ch : c) ch = static_cast<char>(absl::ascii_tolower(ch));
    }
    if (r >= 900) absl::StrAppend(&c, "、SG");
    return c;
  }

  bench::EnterpriseGenerator gen_;
  std::mt19937_64 rng_;
  v1::Enterprise e_;
  int broken_ = 0;
};

struct Child {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system of the child and its children
  long max_rss_kib = 0;
  int status = 0;
};

// Runs argv in a child process; wall time, CPU time and peak RSS.
Child Run(const std::vector<std::string>& argv, const std::string& stdin_file,
          const std::string& stdout_file) {
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    if (!stdin_file.empty() &&
        freopen(stdin_file.c_str(), "r", stdin) == nullptr) {
      _exit(126);
    }
    if (!stdout_file.empty() &&
        freopen(stdout_file.c_str(), "w", stdout) == nullptr) {
      _exit(126);
    }
    execvp(args[0], args.data());
    _exit(127);
  }
  Child c;
  struct rusage ru = {};
  wait4(pid, &c.status, 0, &ru);
  c.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  c.cpu_seconds =
      static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
      static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  c.max_rss_kib = ru.ru_maxrss;
  return c;
}

uint64_t DirBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    return std::filesystem::file_size(path, ec);
  }
  for (const auto& f :
       std::filesystem::recursive_directory_iterator(path, ec)) {
    if (f.is_regular_file(ec)) total += f.file_size(ec);
  }
  return total;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return absl::StrCat(a, " ", b, " ", c);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The child side: import `csv` into a new store at `dir`, print the summary.
int ImportChild(const std::string& csv, const std::string& dir) {
  StoreOptions so;
  if (const char* env = getenv("QIAOLIAN_BENCH_WRITE_BUFFER"); env && *env) {
    so.write_buffer_bytes = std::strtoull(env, nullptr, 10);
  }
  if (const char* env = getenv("QIAOLIAN_BENCH_COMPRESSION"); env && *env) {
    so.compression = std::string(env) == "1";
  }
  if (const char* env = getenv("QIAOLIAN_BENCH_MAX_FILE"); env && *env) {
    so.max_file_bytes = std::strtoull(env, nullptr, 10);
  }
  // As `qiaolian import` opens its store: tables read with pread, so that
  // resident memory does not grow with the store (QIAOLIAN_BENCH_MAP_TABLES=1
  // maps them, LevelDB's default).
  so.map_tables = false;
  if (const char* env = getenv("QIAOLIAN_BENCH_MAP_TABLES"); env && *env) {
    so.map_tables = std::string(env) == "1";
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir, so);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  ImportOptions o;
  o.kind = v1::KIND_ENTERPRISE;
  // The likely-duplicate check (default warn, as `qiaolian import` does);
  // QIAOLIAN_BENCH_DUPLICATES=off measures without it.
  if (const char* env = getenv("QIAOLIAN_BENCH_DUPLICATES"); env && *env) {
    absl::StatusOr<ImportDuplicates> d = ParseImportDuplicates(env);
    if (!d.ok()) {
      std::fprintf(stderr, "%s\n", d.status().ToString().c_str());
      return 1;
    }
    o.duplicates = *d;
  }
  // Peaks of the anonymous (heap) and file-backed (LevelDB's mmap()ed
  // tables, reclaimable page cache) parts of the RSS, sampled every 50 ms.
  std::atomic<bool> stop{false};
  long peak_anon_kib = 0, peak_file_kib = 0;
  std::thread sampler([&] {
    while (!stop.load()) {
      std::ifstream in("/proc/self/status");
      std::string line;
      while (std::getline(in, line)) {
        long kib = 0;
        if (std::sscanf(line.c_str(), "RssAnon: %ld", &kib) == 1) {
          peak_anon_kib = std::max(peak_anon_kib, kib);
        } else if (std::sscanf(line.c_str(), "RssFile: %ld", &kib) == 1) {
          peak_file_kib = std::max(peak_file_kib, kib);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  // QIAOLIAN_BENCH_STATS=1: LevelDB's compaction statistics (bytes read and
  // written at each level) when the rows are written and at the end.
  const char* stats_env = getenv("QIAOLIAN_BENCH_STATS");
  const bool stats = stats_env != nullptr && std::string(stats_env) == "1";
  auto print_stats = [&](const char* when) {
    std::string text;
    internal::StoreAccess::db(**store).raw()->GetProperty("leveldb.stats",
                                                          &text);
    std::fprintf(stderr, "  LevelDB %s:\n%s", when, text.c_str());
  };
  if (stats) {
    o.progress = [&](const ImportProgress& p) {
      if (p.building_indexes) print_stats("when the rows are written");
    };
  }
  absl::StatusOr<ImportSummary> s = Import(**store, csv, o);
  if (stats) print_stats("at the end");
  stop = true;
  sampler.join();
  std::fprintf(stderr,
               "  qiaolian RSS peaks (sampled): anonymous %.1f MB, file-backed "
               "%.1f MB\n",
               peak_anon_kib / 1024.0, peak_file_kib / 1024.0);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", s->ToJson().c_str());
  return 0;
}

int VerifyChild(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir);
  if (!store.ok()) return 1;
  absl::StatusOr<VerifyReport> r = (*store)->Verify();
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    return 1;
  }
  std::fprintf(
      stderr, "  verify: %llu rows, %llu index entries, %zu problems\n",
      static_cast<unsigned long long>(r->rows),
      static_cast<unsigned long long>(r->index_entries), r->problems.size());
  for (const std::string& p : r->problems)
    std::fprintf(stderr, "    %s\n", p.c_str());
  return r->problems.empty() ? 0 : 1;
}

int Main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--child-import") {
    return ImportChild(argv[2], argv[3]);
  }
  if (argc == 3 && std::string(argv[1]) == "--child-verify") {
    return VerifyChild(argv[2]);
  }
  const uint64_t records = Records();
  std::string dir;
  bool remove_dir = false;
  if (const char* env = getenv("QIAOLIAN_BENCH_DIR"); env && *env) {
    dir = env;
    std::filesystem::create_directories(dir);
  } else {
    std::string templ = "/tmp/qiaolian_import_bench.XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = templ;
    remove_dir = true;
  }
  const char* traditional_env = getenv("QIAOLIAN_BENCH_TRADITIONAL");
  const bool traditional =
      traditional_env != nullptr && std::string(traditional_env) == "1";
  const std::string csv = absl::StrCat(
      dir, "/registry_", records, traditional ? "_traditional" : "", ".csv");
  const std::string marker = csv + ".complete";
  const std::string want_marker =
      absl::StrCat(records, " rows, seed ", kSeed, " v1",
                   traditional ? ", traditional" : "");
  if (ReadFile(marker) != want_marker) {
    const auto start = std::chrono::steady_clock::now();
    opencc_t s2t = reinterpret_cast<opencc_t>(-1);
    if (traditional) {
      for (const char* config : {"s2t.json", "/usr/share/opencc/s2t.json"}) {
        s2t = opencc_open(config);
        if (s2t != reinterpret_cast<opencc_t>(-1)) break;
      }
      if (s2t == reinterpret_cast<opencc_t>(-1)) {
        std::fprintf(stderr, "OpenCC's s2t.json could not be loaded\n");
        return 1;
      }
    }
    // A line as written: in traditional characters when asked.
    auto as_written = [&](const std::string& line) {
      if (!traditional) return line;
      char* t = opencc_convert_utf8(s2t, line.data(), line.size());
      std::string out = t != nullptr ? t : line;
      opencc_convert_utf8_free(t);
      return out;
    };
    std::ofstream out(csv, std::ios::binary | std::ios::trunc);
    out << as_written(CsvWriter::Header());
    CsvWriter w(kSeed);
    for (uint64_t i = 0; i < records; ++i) out << as_written(w.Next());
    out.close();
    if (traditional) opencc_close(s2t);
    if (!out) {
      std::fprintf(stderr, "writing %s failed\n", csv.c_str());
      return 1;
    }
    std::ofstream(marker) << want_marker;
    std::fprintf(
        stderr, "import_bench: generated %s in %.1f s\n", csv.c_str(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  const uint64_t csv_bytes = DirBytes(csv);
  std::fprintf(stderr,
               "import_bench: %llu rows, %.1f MB (%.0f bytes/row) in %s; load "
               "average %s\n",
               static_cast<unsigned long long>(records), csv_bytes / 1e6,
               static_cast<double>(csv_bytes) / static_cast<double>(records),
               csv.c_str(), LoadAverage().c_str());

  std::string only;
  if (const char* env = getenv("QIAOLIAN_BENCH_ONLY"); env) only = env;
  double qiaolian_seconds = 0;

  // qiaolian.
  const std::string store_dir = dir + "/qiaolian_store";
  if (only != "sqlite") {
    std::filesystem::remove_all(store_dir);
    const std::string summary_file = dir + "/qiaolian_summary.json";
    Child q = Run({"/proc/self/exe", "--child-import", csv, store_dir}, "",
                  summary_file);
    if (!WIFEXITED(q.status) || WEXITSTATUS(q.status) != 0) {
      std::fprintf(stderr, "qiaolian import failed\n");
      return 1;
    }
    const uint64_t store_bytes = DirBytes(store_dir);
    std::fprintf(stderr, "  qiaolian summary: %s",
                 ReadFile(summary_file).c_str());
    std::fprintf(
        stderr,
        "  qiaolian: %.2f s, %.0f rows/s, CPU %.2f s, peak RSS %.1f MB, "
        "store %.1f MB; load average %s\n",
        q.seconds, static_cast<double>(records) / q.seconds, q.cpu_seconds,
        q.max_rss_kib / 1024.0, store_bytes / 1e6, LoadAverage().c_str());
    if (const char* v = getenv("QIAOLIAN_BENCH_VERIFY");
        v && std::string(v) == "1") {
      Child vr = Run({"/proc/self/exe", "--child-verify", store_dir}, "", "");
      if (!WIFEXITED(vr.status) || WEXITSTATUS(vr.status) != 0) {
        std::fprintf(stderr, "verify failed\n");
        return 1;
      }
    }
    qiaolian_seconds = q.seconds;
  }

  // SQLite.
  std::string sqlite = "sqlite3";
  if (const char* env = getenv("QIAOLIAN_BENCH_SQLITE"); env && *env)
    sqlite = env;
  if (sqlite != "off" && only != "qiaolian") {
    const std::string db = dir + "/sqlite.db";
    std::filesystem::remove(db);
    const std::string script = dir + "/import.sql";
    // The six columns by their names in the file's header (企业名称 …, or
    // 企業名稱 … in traditional characters): name, USCC, legal
    // representative, established, status, investor country.
    std::string header;
    std::getline(std::ifstream(csv), header);
    const std::vector<std::string> columns =
        absl::StrSplit(absl::StripTrailingAsciiWhitespace(header), ',');
    if (columns.size() < 15) {
      std::fprintf(stderr, "%s: unexpected header\n", csv.c_str());
      return 1;
    }
    auto index = [&](const char* name, size_t column, bool unique) {
      return absl::StrCat("CREATE ", unique ? "UNIQUE " : "", "INDEX ", name,
                          " ON enterprise(\"", columns[column], "\");\n");
    };
    std::ofstream(script) << ".bail on\n.mode csv\n.import " << csv
                          << " enterprise\n"
                          << index("enterprise_uscc", 1, true)
                          << index("enterprise_name", 0, false)
                          << index("enterprise_legal_rep", 3, false)
                          << index("enterprise_established", 5, false)
                          << index("enterprise_status", 7, false)
                          << index("enterprise_country", 14, false)
                          << "SELECT count(*) FROM enterprise;\n";
    const std::string count_file = dir + "/sqlite_count.txt";
    Child s = Run({sqlite, db}, script, count_file);
    if (!WIFEXITED(s.status) || WEXITSTATUS(s.status) != 0) {
      std::fprintf(stderr, "sqlite3 import failed (status %d)\n", s.status);
      return 1;
    }
    std::fprintf(
        stderr,
        "  sqlite3: %.2f s, %.0f rows/s, CPU %.2f s, peak RSS %.1f MB, "
        "database %.1f MB, count %s",
        s.seconds, static_cast<double>(records) / s.seconds, s.cpu_seconds,
        s.max_rss_kib / 1024.0, DirBytes(db) / 1e6,
        ReadFile(count_file).c_str());
    if (qiaolian_seconds > 0) {
      std::fprintf(
          stderr,
          "  ratio: qiaolian is %.2fx the speed of sqlite3; load average %s\n",
          s.seconds / qiaolian_seconds, LoadAverage().c_str());
    }
  }
  if (remove_dir) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace qiaolian

int main(int argc, char** argv) { return qiaolian::Main(argc, argv); }
