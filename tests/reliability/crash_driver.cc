// Crash test: kills a writing process at random moments and checks that the
// store it leaves behind opens, has lost no acknowledged write, and holds
// every write all or nothing (docs/reliability.md, "Crash test").
//
//   crash_driver [--iterations N] [--seed S] [--max-kill-ms M]
//                [--fresh-every K] [--dir DIR] [--quiet]
//
// Each iteration forks and execs this binary as a child (`--child ...`) that
// opens the store (sync on or off, chosen at random) and runs a random mix
// of operations: CreateAll of 1-4 persons and enterprises, Update, Delete,
// imports of generated registry extracts (batches of 40 rows), Reindex, and
// closing and reopening the store. Before each operation it writes
// "B <seq> <what>" to stdout (a pipe to the parent), after the call returned
// OK the records it wrote ("R ...") and "A <seq>": an operation is
// acknowledged when its "A" line was written, i.e. after the API call
// returned OK. The parent kills the child with SIGKILL after a random delay
// (which may fall in Open, in a write, in a LevelDB compaction or in a
// Reindex), reopens the store and checks:
//  - the store opens (no error) and CheckConsistent finds nothing (Verify:
//    rows and index entries agree both ways; counters equal rows; each row's
//    last history record matches it);
//  - every acknowledged create/update/delete is there with its exact
//    revision and content, and nothing else is, except the effect of the one
//    operation in flight, which is all or nothing (a CreateAll of n records
//    left 0 or n of them; an update left the old or the new revision);
//  - every acknowledged import is complete; an import in flight left whole
//    batches (a multiple of 40 rows, in file order), and running it again
//    completes it;
//  - ids are never reused: a new record gets an id above every id seen.
// A process kill loses nothing acknowledged in either sync mode: without
// sync, LevelDB has written the log to the OS before the call returns, and
// the OS keeps it when the process dies. (Losing unsynced data in a machine
// crash is simulated by tests/reliability/fault_injection_test.cc.)
//
// Exit status 0 when every iteration passed, 1 otherwise (the problems are
// printed), 2 for bad usage.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "qiaolian/import.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "tests/reliability/workload.h"

namespace qiaolian {
namespace reliability {
namespace {

namespace fs = std::filesystem;

constexpr int kImportRows = 120;
constexpr int kImportBatch = 40;

StoreOptions Options(bool sync) {
  StoreOptions o;
  o.sync = sync;
  // A small memtable: many table files, compactions and MANIFEST updates,
  // so that kills land in them too.
  o.write_buffer_bytes = 64 << 10;
  return o;
}

std::string ImportPath(const std::string& dir, int file) {
  return absl::StrCat(dir, ".imports/f", file, ".csv");
}

// ---------------------------------------------------------------- child

void Emit(const std::string& line) {
  std::string s = line + "\n";
  const char* p = s.data();
  size_t n = s.size();
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w <= 0) _exit(4);
    p += w;
    n -= static_cast<size_t>(w);
  }
}

[[noreturn]] void ChildFail(uint64_t seq, const absl::Status& st) {
  Emit(absl::StrCat("F ", seq, " ", st.ToString()));
  _exit(3);
}

// Records the child may update or delete: those it (or an earlier child)
// created with Create, i.e. all but imported enterprises.
struct Live {
  std::vector<std::pair<Kind, uint64_t>> ids;
};

absl::Status LoadLive(const Store& store, Live* live) {
  live->ids.clear();
  for (Kind kind : {v1::KIND_PERSON, v1::KIND_ENTERPRISE}) {
    absl::Status st =
        store.Scan(kind, 0, [&](const google::protobuf::Message& m) {
          if (kind == v1::KIND_ENTERPRISE &&
              !static_cast<const v1::Enterprise&>(m).uscc().empty()) {
            return true;
          }
          live->ids.emplace_back(kind, MetaOf(m).id());
          return true;
        });
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

int RunChild(const std::string& dir, uint64_t seed, bool sync, uint64_t seq,
             int next_file, int redo_file) {
  std::mt19937_64 rng(seed);
  auto pick = [&](uint64_t n) { return rng() % n; };
  Emit(absl::StrCat("B ", seq, " O"));
  auto opened = Store::Open(dir, Options(sync));
  if (!opened.ok()) ChildFail(seq, opened.status());
  std::unique_ptr<Store> store = std::move(*opened);
  Emit(absl::StrCat("A ", seq));
  ++seq;
  Live live;
  if (absl::Status st = LoadLive(*store, &live); !st.ok()) ChildFail(seq, st);

  auto import = [&](int file) {
    const std::string path = ImportPath(dir, file);
    if (!fs::exists(path)) {
      std::ofstream(path + ".tmp") << ImportCsv(file, kImportRows);
      fs::rename(path + ".tmp", path);
    }
    Emit(absl::StrCat("B ", seq, " I ", file));
    ImportOptions io;
    io.kind = v1::KIND_ENTERPRISE;
    io.batch_rows = kImportBatch;
    absl::StatusOr<ImportSummary> s = Import(*store, ImportPath(dir, file), io);
    if (!s.ok()) ChildFail(seq, s.status());
    if (s->created + s->unchanged != static_cast<uint64_t>(kImportRows)) {
      ChildFail(seq, absl::InternalError(s->ToString()));
    }
    Emit(absl::StrCat("A ", seq));
    ++seq;
  };
  if (redo_file >= 0) import(redo_file);

  for (;; ++seq) {
    const uint64_t r = pick(100);
    const std::string note = absl::StrCat("s", seq);
    if (r < 40 || live.ids.empty()) {
      const int n = 1 + static_cast<int>(pick(4));
      std::vector<std::unique_ptr<google::protobuf::Message>> records;
      std::vector<google::protobuf::Message*> ptrs;
      for (int i = 0; i < n; ++i) {
        const std::string name = PoolName(static_cast<int>(pick(12)));
        if (pick(3) == 0) {
          records.push_back(std::make_unique<v1::Enterprise>(
              MakeEnterprise(name + "贸易有限公司", note)));
        } else {
          records.push_back(
              std::make_unique<v1::Person>(MakePerson(name, note)));
        }
        ptrs.push_back(records.back().get());
      }
      Emit(absl::StrCat("B ", seq, " C ", n));
      if (absl::Status st = store->CreateAll(ptrs); !st.ok()) {
        ChildFail(seq, st);
      }
      for (const auto& m : records) {
        const Kind kind = *KindOf(*m);
        const v1::RecordMeta& meta = MetaOf(*m);
        live.ids.emplace_back(kind, meta.id());
        Emit(absl::StrCat("R ", kind, " ", meta.id(), " ", meta.revision(), " ",
                          note));
      }
      Emit(absl::StrCat("A ", seq));
    } else if (r < 75) {
      const auto [kind, id] = live.ids[pick(live.ids.size())];
      auto got = store->Get(kind, id);
      if (!got.ok()) ChildFail(seq, got.status());
      google::protobuf::Message* m = got->get();
      const uint64_t rev = MetaOf(*m).revision();
      const std::string name = PoolName(static_cast<int>(pick(12)));
      if (kind == v1::KIND_PERSON) {
        auto* p = static_cast<v1::Person*>(m);
        p->set_name(name);
        p->set_notes(note);
        p->add_tags(note);
      } else {
        auto* e = static_cast<v1::Enterprise*>(m);
        e->set_name(name + "实业有限公司");
        e->set_notes(note);
        e->add_tags(note);
      }
      Emit(absl::StrCat("B ", seq, " U ", kind, " ", id, " ", rev + 1, " ",
                        note));
      if (absl::Status st = store->Update(m); !st.ok()) ChildFail(seq, st);
      Emit(absl::StrCat("R ", kind, " ", id, " ", rev + 1, " ", note));
      Emit(absl::StrCat("A ", seq));
    } else if (r < 88) {
      const size_t at = pick(live.ids.size());
      const auto [kind, id] = live.ids[at];
      Emit(absl::StrCat("B ", seq, " D ", kind, " ", id));
      if (absl::Status st = store->Delete(kind, id); !st.ok()) {
        ChildFail(seq, st);
      }
      live.ids.erase(live.ids.begin() + static_cast<ptrdiff_t>(at));
      Emit(absl::StrCat("R ", kind, " ", id, " 0 -"));
      Emit(absl::StrCat("A ", seq));
    } else if (r < 95) {
      import(next_file++);
      --seq;  // import() advanced it.
    } else if (r < 97) {
      Emit(absl::StrCat("B ", seq, " X"));
      if (absl::Status st = store->Reindex(); !st.ok()) ChildFail(seq, st);
      Emit(absl::StrCat("A ", seq));
    } else {
      Emit(absl::StrCat("B ", seq, " O"));
      store.reset();
      auto again = Store::Open(dir, Options(sync));
      if (!again.ok()) ChildFail(seq, again.status());
      store = std::move(*again);
      Emit(absl::StrCat("A ", seq));
    }
  }
}

// --------------------------------------------------------------- parent

struct State {
  uint64_t revision = 0;
  std::string note;
  bool operator==(const State& o) const {
    return revision == o.revision && note == o.note;
  }
};
using Key = std::pair<int, uint64_t>;  // kind, id

// What the parent knows: the acknowledged state of every created record,
// and of every import file.
struct Model {
  std::map<Key, State> live;
  std::set<int> imports_done;
  int next_file = 0;
  uint64_t next_seq = 1;
  std::map<int, uint64_t> max_id;  // per kind: ids are assigned per kind
};

// The operation that was running when the child died.
struct InFlight {
  char op = 0;  // C U D I X O, or 0 for none.
  std::vector<std::string> args;
  uint64_t seq = 0;
};

struct ChildLog {
  std::vector<std::string> lines;
  std::string partial;
};

// Applies the acknowledged operations of `log` to `model`; returns the one
// in flight. Problems (malformed lines, a child that failed) go to
// `problems`.
InFlight Replay(const ChildLog& log, Model* model,
                std::vector<std::string>* problems) {
  InFlight pending;
  std::vector<std::string> records;
  for (const std::string& line : log.lines) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    if (f.size() < 2) {
      problems->push_back("malformed line from child: " + line);
      continue;
    }
    uint64_t seq = 0;
    if (f[0] == "F") {
      problems->push_back("child operation failed: " + line);
      continue;
    }
    if (f[0] == "R") {
      records.push_back(line);
      continue;
    }
    if (!absl::SimpleAtoi(f[1], &seq)) {
      problems->push_back("malformed line from child: " + line);
      continue;
    }
    if (f[0] == "B") {
      pending = InFlight{f.size() > 2 ? f[2][0] : '?',
                         std::vector<std::string>(f.begin() + 3, f.end()), seq};
      records.clear();
      model->next_seq = seq + 1;
    } else if (f[0] == "A") {
      for (const std::string& r : records) {
        std::vector<std::string> g = absl::StrSplit(r, ' ');
        int kind = 0;
        uint64_t id = 0, rev = 0;
        if (g.size() != 5 || !absl::SimpleAtoi(g[1], &kind) ||
            !absl::SimpleAtoi(g[2], &id) || !absl::SimpleAtoi(g[3], &rev)) {
          problems->push_back("malformed line from child: " + r);
          continue;
        }
        if (rev == 0) {
          model->live.erase({kind, id});
        } else {
          model->live[{kind, id}] = State{rev, g[4]};
        }
        model->max_id[kind] = std::max(model->max_id[kind], id);
      }
      if (pending.op == 'I' && !pending.args.empty()) {
        int file = std::stoi(pending.args[0]);
        model->imports_done.insert(file);
        model->next_file = std::max(model->next_file, file + 1);
      }
      records.clear();
      pending = InFlight{};
    }
  }
  if (pending.op == 'I' && !pending.args.empty()) {
    model->next_file =
        std::max(model->next_file, std::stoi(pending.args[0]) + 1);
  }
  return pending;
}

struct Stats {
  uint64_t iterations = 0;
  uint64_t acknowledged = 0;
  uint64_t in_flight = 0;
  uint64_t in_flight_applied = 0;
  uint64_t killed_in_open = 0;
  uint64_t synced_iterations = 0;
  uint64_t imports_completed_on_rerun = 0;
};

// Checks the reopened store against the model and the operation in flight.
// On success, rebuilds the model from the store (the in-flight operation is
// now known to have happened or not) and returns the import file to redo
// (-1 for none).
int CheckAfterCrash(Store& store, const InFlight& flight, Model* model,
                    Stats* stats, std::vector<std::string>* problems) {
  if (absl::Status st = CheckConsistent(store, problems); !st.ok()) {
    problems->push_back("reading the store failed: " + st.ToString());
    return -1;
  }
  const std::string flight_note =
      flight.op != 0 ? absl::StrCat("s", flight.seq) : std::string();
  std::map<Key, State> found;
  std::map<int, std::set<int>> imported;  // file -> rows
  uint64_t flight_created = 0;
  bool flight_applied = false;
  for (Kind kind : {v1::KIND_PERSON, v1::KIND_ENTERPRISE}) {
    absl::Status st =
        store.Scan(kind, 0, [&](const google::protobuf::Message& m) {
          const uint64_t id = MetaOf(m).id();
          model->max_id[kind] = std::max(model->max_id[kind], id);
          if (kind == v1::KIND_ENTERPRISE) {
            const auto& e = static_cast<const v1::Enterprise&>(m);
            if (!e.uscc().empty()) {
              int file = 0, row = 0;
              if (!ParseUscc(e.uscc(), &file, &row)) {
                problems->push_back("unexpected enterprise " + e.uscc());
              } else if (!imported[file].insert(row).second) {
                problems->push_back("imported twice: " + e.uscc());
              }
              return true;
            }
          }
          const std::string& note =
              kind == v1::KIND_PERSON
                  ? static_cast<const v1::Person&>(m).notes()
                  : static_cast<const v1::Enterprise&>(m).notes();
          found[{kind, id}] = State{MetaOf(m).revision(), note};
          return true;
        });
    if (!st.ok()) {
      problems->push_back("scan failed: " + st.ToString());
      return -1;
    }
  }
  auto is_flight_target = [&](const Key& k) {
    return (flight.op == 'U' || flight.op == 'D') && flight.args.size() >= 2 &&
           std::to_string(k.first) == flight.args[0] &&
           std::to_string(k.second) == flight.args[1];
  };
  for (const auto& [key, state] : found) {
    auto it = model->live.find(key);
    if (it != model->live.end() && it->second == state) continue;
    if (it != model->live.end() && flight.op == 'U' && is_flight_target(key) &&
        flight.args.size() == 4 &&
        std::to_string(state.revision) == flight.args[2] &&
        state.note == flight.args[3]) {
      flight_applied = true;
      continue;
    }
    if (it == model->live.end() && flight.op == 'C' &&
        state.note == flight_note && state.revision == 1) {
      ++flight_created;
      continue;
    }
    problems->push_back(absl::StrCat(
        KindName(static_cast<Kind>(key.first)), " ", key.second,
        " is at revision ", state.revision, " (", state.note, ") but ",
        it == model->live.end()
            ? std::string("was never acknowledged")
            : absl::StrCat("the acknowledged state is revision ",
                           it->second.revision, " (", it->second.note, ")")));
  }
  for (const auto& [key, state] : model->live) {
    if (found.count(key) != 0) continue;
    if (flight.op == 'D' && is_flight_target(key)) {
      flight_applied = true;
      continue;
    }
    problems->push_back(
        absl::StrCat("lost: ", KindName(static_cast<Kind>(key.first)), " ",
                     key.second, " revision ", state.revision, " (", state.note,
                     ") was acknowledged but is gone"));
  }
  if (flight.op == 'C') {
    const uint64_t n = flight.args.empty() ? 0 : std::stoull(flight.args[0]);
    if (flight_created != 0 && flight_created != n) {
      problems->push_back(absl::StrCat("not all-or-nothing: ", flight_created,
                                       " of the ", n,
                                       " records of one CreateAll exist"));
    }
    flight_applied = flight_created == n;
  }
  int redo = -1;
  for (const auto& [file, rows] : imported) {
    const bool done = model->imports_done.count(file) != 0;
    const bool in_flight = flight.op == 'I' && !flight.args.empty() &&
                           flight.args[0] == std::to_string(file);
    const int n = static_cast<int>(rows.size());
    const bool prefix = rows.empty() || *rows.rbegin() == n - 1;
    if (done && n != kImportRows) {
      problems->push_back(absl::StrCat("import ", file,
                                       " was acknowledged "
                                       "but has ",
                                       n, " of ", kImportRows, " rows"));
    } else if (!done && !in_flight) {
      problems->push_back(
          absl::StrCat("rows of import ", file, " that never started"));
    } else if (in_flight && (n % kImportBatch != 0 || !prefix)) {
      problems->push_back(absl::StrCat("import ", file, " in flight left ", n,
                                       " rows, not whole batches of ",
                                       kImportBatch, " in file order"));
    }
    if (in_flight) flight_applied = n == kImportRows;
  }
  for (int file : model->imports_done) {
    if (imported.count(file) == 0) {
      problems->push_back(
          absl::StrCat("import ", file, " was acknowledged but is gone"));
    }
  }
  if (flight.op == 'I' && !flight.args.empty()) {
    redo = std::stoi(flight.args[0]);
  }
  if (flight.op != 0) {
    ++stats->in_flight;
    if (flight_applied) ++stats->in_flight_applied;
  }
  // Ids are never reused.
  v1::Person probe = MakePerson("探针", "probe");
  absl::StatusOr<uint64_t> id = store.Create(&probe);
  if (!id.ok()) {
    problems->push_back("cannot write after reopening: " +
                        id.status().ToString());
  } else {
    uint64_t& max_id = model->max_id[v1::KIND_PERSON];
    if (*id <= max_id) {
      problems->push_back(absl::StrCat("person id ", *id, " reused (ids up to ",
                                       max_id, " were seen)"));
    }
    max_id = std::max(max_id, *id);
    if (absl::Status st = store.Delete(v1::KIND_PERSON, *id); !st.ok()) {
      problems->push_back("cannot delete the probe: " + st.ToString());
    }
  }
  // The model is now what the store holds.
  model->live = found;
  return redo;
}

// Runs a child until `kill_after`, then kills it; returns what it wrote and
// whether it died by our signal.
ChildLog RunAndKill(const std::string& self,
                    const std::vector<std::string>& args,
                    std::chrono::milliseconds kill_after, std::string* error) {
  ChildLog log;
  int fds[2];
  if (pipe(fds) != 0) {
    *error = "pipe failed";
    return log;
  }
  pid_t pid = fork();
  if (pid < 0) {
    *error = "fork failed";
    return log;
  }
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(self.c_str()));
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(self.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + kill_after;
  bool killed = false;
  std::string buf;
  char chunk[4096];
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (!killed && now >= deadline) {
      kill(pid, SIGKILL);
      killed = true;
    }
    int timeout =
        killed ? -1
               : static_cast<int>(
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         deadline - now)
                         .count()) +
                     1;
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, timeout);
    if (r < 0) continue;
    if (r == 0) continue;
    ssize_t n = read(fds[0], chunk, sizeof(chunk));
    if (n <= 0) break;  // EOF: the child is gone.
    buf.append(chunk, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
    *error = absl::StrCat("child ended by itself (status ", status, ")");
  }
  size_t start = 0;
  for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos;
       start = nl + 1) {
    log.lines.push_back(buf.substr(start, nl - start));
  }
  log.partial = buf.substr(start);
  return log;
}

int RunParent(int iterations, uint64_t seed, int max_kill_ms, int fresh_every,
              std::string root, bool quiet) {
  std::string self = fs::read_symlink("/proc/self/exe").string();
  bool own_root = root.empty();
  if (own_root) {
    std::string tmpl = (fs::temp_directory_path() / "qiaolian-crash-XXXXXX");
    char* p = mkdtemp(tmpl.data());
    if (p == nullptr) {
      std::fprintf(stderr, "crash_driver: mkdtemp failed\n");
      return 1;
    }
    root = p;
  }
  std::mt19937_64 rng(seed);
  Stats stats;
  Model model;
  std::string dir;
  int generation = 0;
  int redo = -1;
  int failures = 0;
  auto start = std::chrono::steady_clock::now();
  for (int it = 0; it < iterations; ++it) {
    if (it % fresh_every == 0) {
      dir = absl::StrCat(root, "/store", generation++);
      fs::create_directories(dir + ".imports");
      model = Model{};
      redo = -1;
    }
    const bool sync = rng() % 2 == 0;
    const auto kill_after = std::chrono::milliseconds(
        1 + rng() % static_cast<uint64_t>(max_kill_ms));
    std::vector<std::string> args = {"--child",
                                     dir,
                                     std::to_string(rng()),
                                     sync ? "1" : "0",
                                     std::to_string(model.next_seq),
                                     std::to_string(model.next_file),
                                     std::to_string(redo)};
    std::string error;
    ChildLog log = RunAndKill(self, args, kill_after, &error);
    std::vector<std::string> problems;
    if (!error.empty()) problems.push_back(error);
    InFlight flight = Replay(log, &model, &problems);
    for (const std::string& l : log.lines) {
      if (l[0] == 'A') ++stats.acknowledged;
    }
    if (flight.op == 'O') ++stats.killed_in_open;
    if (sync) ++stats.synced_iterations;
    auto store = Store::Open(dir, Options(false));
    if (!store.ok()) {
      problems.push_back("the store does not open after the kill: " +
                         store.status().ToString());
    } else {
      redo = CheckAfterCrash(**store, flight, &model, &stats, &problems);
      if (redo >= 0 && problems.empty()) {
        // Running the interrupted import again completes it.
        ImportOptions io;
        io.kind = v1::KIND_ENTERPRISE;
        io.batch_rows = kImportBatch;
        auto s = Import(**store, ImportPath(dir, redo), io);
        if (!s.ok() || s->created + s->unchanged != kImportRows) {
          problems.push_back(
              "re-running import " + std::to_string(redo) +
              " failed: " + (s.ok() ? s->ToString() : s.status().ToString()));
        } else {
          model.imports_done.insert(redo);
          ++stats.imports_completed_on_rerun;
        }
        redo = -1;
      }
    }
    ++stats.iterations;
    if (!problems.empty()) {
      ++failures;
      std::fprintf(
          stderr,
          "crash_driver: iteration %d (store %s, sync %d, killed after "
          "%lld ms, in flight: %c seq %llu) FAILED:\n",
          it, dir.c_str(), sync ? 1 : 0,
          static_cast<long long>(kill_after.count()),
          flight.op ? flight.op : '-',
          static_cast<unsigned long long>(flight.seq));
      for (size_t i = 0; i < problems.size() && i < 20; ++i) {
        std::fprintf(stderr, "  %s\n", problems[i].c_str());
      }
      if (failures >= 3) break;
      // Go on with a fresh store: this one's model is unreliable.
      it = ((it / fresh_every) + 1) * fresh_every - 1;
    } else if (!quiet) {
      std::printf(
          "iteration %d: sync %d, killed after %lld ms, %zu log lines, in "
          "flight %c, %zu live records\n",
          it, sync ? 1 : 0, static_cast<long long>(kill_after.count()),
          log.lines.size(), flight.op ? flight.op : '-', model.live.size());
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf(
      "crash_driver: %llu iterations (%llu with sync) in %.1f s: %llu "
      "acknowledged operations checked, %llu kills during an operation "
      "(%llu of them found applied, the rest absent; %llu during open), "
      "%llu interrupted imports completed by a re-run; %d failed\n",
      static_cast<unsigned long long>(stats.iterations),
      static_cast<unsigned long long>(stats.synced_iterations), secs,
      static_cast<unsigned long long>(stats.acknowledged),
      static_cast<unsigned long long>(stats.in_flight),
      static_cast<unsigned long long>(stats.in_flight_applied),
      static_cast<unsigned long long>(stats.killed_in_open),
      static_cast<unsigned long long>(stats.imports_completed_on_rerun),
      failures);
  if (own_root && failures == 0) {
    std::error_code ec;
    fs::remove_all(root, ec);
  } else if (failures != 0) {
    std::fprintf(stderr, "crash_driver: stores kept in %s\n", root.c_str());
  }
  return failures == 0 ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: crash_driver [--iterations N] [--seed S] "
               "[--max-kill-ms M] [--fresh-every K] [--dir DIR] [--quiet]\n");
  return 2;
}

}  // namespace
}  // namespace reliability
}  // namespace qiaolian

int main(int argc, char** argv) {
  using namespace qiaolian::reliability;  // NOLINT: main only.
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "--child") {
    if (args.size() != 7) return 2;
    return RunChild(args[1], std::stoull(args[2]), args[3] == "1",
                    std::stoull(args[4]), std::stoi(args[5]),
                    std::stoi(args[6]));
  }
  int iterations = 20, max_kill_ms = 400, fresh_every = 25;
  uint64_t seed = static_cast<uint64_t>(time(nullptr));
  std::string dir;
  bool quiet = false;
  for (size_t i = 0; i < args.size(); ++i) {
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    std::optional<std::string> v;
    if (args[i] == "--quiet") {
      quiet = true;
    } else if (args[i] == "--iterations" && (v = next())) {
      iterations = std::stoi(*v);
    } else if (args[i] == "--seed" && (v = next())) {
      seed = std::stoull(*v);
    } else if (args[i] == "--max-kill-ms" && (v = next())) {
      max_kill_ms = std::max(1, std::stoi(*v));
    } else if (args[i] == "--fresh-every" && (v = next())) {
      fresh_every = std::max(1, std::stoi(*v));
    } else if (args[i] == "--dir" && (v = next())) {
      dir = *v;
    } else {
      return Usage();
    }
  }
  std::printf("crash_driver: seed %llu\n",
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  return RunParent(iterations, seed, max_kill_ms, fresh_every, dir, quiet);
}
