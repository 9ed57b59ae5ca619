// Fault injection (docs/reliability.md): for each kind of file operation
// (write, sync, rename, open) and k = 1, 2, ... until the workload no longer
// reaches a k-th one, runs a workload on a store whose k-th such operation
// fails, then "crashes the machine" (every file cut back to what was
// synced), reopens the store without faults and checks:
//  - no call crashed; every call the fault touched returned an error
//    (UNAVAILABLE for I/O), and after the first failed write the handle
//    refused writes until reopened;
//  - the store opens, CheckConsistent (Verify, counters, history) is clean;
//  - every acknowledged write (all synced) is there, and every failed one is
//    all or nothing.
// By default some k are skipped (Stride below; twice as many under a
// sanitizer); QIAOLIAN_FAULT_STRIDE=1 (scripts/fault-test) tries them all.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "tests/reliability/fault_env.h"
#include "tests/reliability/workload.h"
#include "tests/testing/sanitized.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace reliability {
namespace {

using testing::TempDir;

constexpr int kImportRows = 30;
constexpr int kImportBatch = 10;

struct State {
  uint64_t revision = 0;  // 0: deleted.
  std::string note;
  bool operator==(const State& o) const {
    return revision == o.revision && note == o.note;
  }
};

// For each person id: the states it may be in after the crash (the last
// acknowledged one, plus those of later failed writes, which may or may not
// have happened).
struct Model {
  std::map<uint64_t, std::vector<State>> allowed;
  std::set<std::string> maybe_created;  // Notes of failed creates.
  bool import_done = false;
  bool import_tried = false;
  bool more_done = false;  // The second, longer extract (a bulk load too).
  uint64_t calls = 0;
  uint64_t failed_calls = 0;
  bool write_refused_after_failure = true;
};

StoreOptions Opts(leveldb::Env* env, bool sync) {
  StoreOptions o;
  o.env = env;
  o.sync = sync;
  o.write_buffer_bytes = 64 << 10;
  return o;
}

// The registry files of the workload, written in `tmp`: `csv` (kImportRows
// rows of registry `file`) and `more`, the same rows and one batch more.
struct Registry {
  std::string csv, more;
  Registry(const TempDir& tmp, int file)
      : csv(tmp.Sub("registry.csv")), more(tmp.Sub("registry-more.csv")) {
    std::ofstream(csv) << ImportCsv(file, kImportRows);
    std::ofstream(more) << ImportCsv(file, kImportRows + kImportBatch);
  }
};

// Runs the workload through `env`; never stops early: every call must
// return (OK or an error), whatever failed before.
void Workload(const std::string& dir, const Registry& registry, FaultEnv* env,
              bool sync, Model* m) {
  std::unique_ptr<Store> store;
  bool failed_write = false;
  auto note_write = [&](const absl::Status& st) {
    ++m->calls;
    if (!st.ok()) {
      ++m->failed_calls;
      // Only a failed commit makes the handle refuse writes (a failed read
      // before the commit does not).
      if (!absl::StrContains(st.message(), "writing to store")) return;
      if (failed_write && st.code() != absl::StatusCode::kUnavailable &&
          st.code() != absl::StatusCode::kDataLoss) {
        m->write_refused_after_failure = false;
      }
      failed_write = true;
    } else if (failed_write) {
      m->write_refused_after_failure = false;
    }
  };
  auto open = [&] {
    store.reset();
    failed_write = false;
    auto s = Store::Open(dir, Opts(env, sync));
    ++m->calls;
    if (s.ok()) {
      store = std::move(*s);
    } else {
      ++m->failed_calls;
    }
  };
  std::vector<uint64_t> ids;
  int step = 0;
  auto create = [&] {
    const std::string note = absl::StrCat("c", step++);
    v1::Person p = MakePerson(PoolName(step), note);
    absl::StatusOr<uint64_t> id = store->Create(&p);
    note_write(id.status());
    if (id.ok()) {
      m->allowed[*id] = {State{1, note}};
      ids.push_back(*id);
    } else {
      m->maybe_created.insert(note);
    }
  };
  auto update = [&](size_t i) {
    if (i >= ids.size()) return;
    const uint64_t id = ids[i];
    auto got = store->Get(v1::KIND_PERSON, id);
    ++m->calls;
    if (!got.ok()) {
      ++m->failed_calls;
      return;
    }
    auto* p = static_cast<v1::Person*>(got->get());
    const std::string note = absl::StrCat("u", step++);
    const uint64_t rev = p->meta().revision() + 1;
    p->set_name(PoolName(step));
    p->set_notes(note);
    absl::Status st = store->Update(p);
    note_write(st);
    if (st.ok()) {
      m->allowed[id] = {State{rev, note}};
    } else {
      m->allowed[id].push_back(State{rev, note});
    }
  };
  auto remove = [&](size_t i) {
    if (i >= ids.size()) return;
    const uint64_t id = ids[i];
    absl::Status st = store->Delete(v1::KIND_PERSON, id);
    note_write(st);
    if (st.ok()) {
      m->allowed[id] = {State{0, ""}};
    } else if (st.code() != absl::StatusCode::kNotFound) {
      m->allowed[id].push_back(State{0, ""});
    }
  };
  auto reads = [&] {
    // Reads must answer (or fail cleanly) whatever happened to writes.
    auto q = store->Query("person where name = \"李明\"");
    auto c = store->Count(v1::KIND_PERSON);
    auto v = store->Verify();
    m->calls += 3;
    m->failed_calls += !q.ok() + !c.ok() + !v.ok();
  };

  open();
  if (store != nullptr) {
    for (int i = 0; i < 4; ++i) create();
    update(0);
    update(1);
    remove(2);
    reads();
  }
  // Reopen: LevelDB replays the log into a table, writes a new MANIFEST and
  // renames CURRENT.
  open();
  if (store != nullptr) {
    ImportOptions io;
    io.kind = v1::KIND_ENTERPRISE;
    io.batch_rows = kImportBatch;
    m->import_tried = true;
    auto s = Import(*store, registry.csv, io);
    note_write(s.status());
    m->import_done = s.ok();
    // A longer extract of the same registry into the store that has its
    // enterprises now, as a bulk load: its rows match, but for the last
    // batch, which is created while the indexes with entries are deferred.
    io.bulk_load = ImportBulkLoad::kOn;
    auto more = Import(*store, registry.more, io);
    note_write(more.status());
    m->more_done =
        more.ok() && more->bulk_load && more->created == kImportBatch;
    create();
    update(0);
    update(3);
    absl::Status rx = store->Reindex();
    note_write(rx);
    create();
    remove(1);
    reads();
  }
  open();
  if (store != nullptr) {
    update(4);
    create();
    reads();
  }
  // The machine goes down with the store open.
  env->Crash();
  store.reset();
}

// Checks the store after the crash against the model.
void CheckAfter(const std::string& dir, const Model& m,
                const std::string& ctx) {
  auto opened = Store::Open(dir);
  ASSERT_TRUE(opened.ok()) << ctx << ": " << opened.status();
  Store& store = **opened;
  std::vector<std::string> problems;
  ASSERT_TRUE(CheckConsistent(store, &problems).ok()) << ctx;
  for (const std::string& p : problems) ADD_FAILURE() << ctx << ": " << p;
  std::map<uint64_t, State> found;
  ASSERT_TRUE(
      store
          .Scan(v1::KIND_PERSON, 0,
                [&](const google::protobuf::Message& msg) {
                  const auto& p = static_cast<const v1::Person&>(msg);
                  found[p.meta().id()] = State{p.meta().revision(), p.notes()};
                  return true;
                })
          .ok());
  for (const auto& [id, allowed] : m.allowed) {
    auto it = found.find(id);
    State now = it == found.end() ? State{0, ""} : it->second;
    bool ok = false;
    for (const State& s : allowed) ok = ok || s == now;
    EXPECT_TRUE(ok) << ctx << ": person " << id << " is at revision "
                    << now.revision << " (" << now.note
                    << "), which no acknowledged or failed write left; the "
                       "acknowledged state is revision "
                    << allowed[0].revision << " (" << allowed[0].note << ")";
  }
  for (const auto& [id, s] : found) {
    if (m.allowed.count(id) != 0) continue;
    EXPECT_TRUE(m.maybe_created.count(s.note) != 0)
        << ctx << ": person " << id << " (" << s.note << ") was never written";
  }
  std::set<int> rows;
  ASSERT_TRUE(store
                  .Scan(v1::KIND_ENTERPRISE, 0,
                        [&](const google::protobuf::Message& msg) {
                          int file = 0, row = 0;
                          const auto& e =
                              static_cast<const v1::Enterprise&>(msg);
                          EXPECT_TRUE(ParseUscc(e.uscc(), &file, &row));
                          rows.insert(row);
                          return true;
                        })
                  .ok());
  const int n = static_cast<int>(rows.size());
  if (m.more_done) {
    EXPECT_EQ(n, kImportRows + kImportBatch)
        << ctx << ": acknowledged second import incomplete";
  } else if (m.import_done) {
    EXPECT_TRUE(n == kImportRows || n == kImportRows + kImportBatch)
        << ctx << ": " << n << " enterprises after the imports";
  } else {
    EXPECT_EQ(n % kImportBatch, 0) << ctx << ": partial batch of an import";
    EXPECT_TRUE(rows.empty() || *rows.rbegin() == n - 1) << ctx;
  }
  // Writable again.
  v1::Person p = MakePerson("恢复后", "after");
  EXPECT_TRUE(store.Create(&p).ok()) << ctx;
}

// Every k by default for the rare operations; every 16th write and every
// 2nd sync, to keep `make test` quick (scripts/fault-test sets 1).
uint64_t Stride(FaultOp op) {
  const char* s = std::getenv("QIAOLIAN_FAULT_STRIDE");
  if (s != nullptr && std::atoi(s) > 0) return std::atoi(s);
  // Every other one of those under a sanitizer (tests/testing/sanitized.h).
  const uint64_t scale = testing::kSanitized ? 2 : 1;
  return scale * (op == FaultOp::kWrite ? 16 : op == FaultOp::kSync ? 2 : 1);
}

class FaultInjectionTest : public ::testing::TestWithParam<FaultOp> {};

TEST_P(FaultInjectionTest, EveryFailureIsAnErrorAndTheStoreRecovers) {
  const FaultOp op = GetParam();
  TempDir tmp;
  const Registry registry(tmp, 7);
  FaultEnv env;
  uint64_t faults = 0, absorbed = 0, calls = 0, failed = 0;
  uint64_t k = 1;
  for (;; k += Stride(op)) {
    ASSERT_LT(k, 5000u) << "the workload never ends";
    const std::string dir = tmp.Sub(absl::StrCat("s", k));
    env.Reset();
    env.FailNth(op, k);
    Model m;
    Workload(dir, registry, &env, /*sync=*/true, &m);
    const bool fired = env.triggered();
    env.DropUnsyncedData();
    env.Reset();
    const std::string ctx =
        absl::StrCat(FaultOpName(op), " #", k, fired ? " failed" : "");
    EXPECT_TRUE(m.write_refused_after_failure)
        << ctx << ": a write succeeded after a failed one on the same handle";
    if (fired) {
      ++faults;
      // LevelDB absorbs a few (e.g. renaming its info log LOG to LOG.old).
      if (m.failed_calls == 0) ++absorbed;
    }
    calls += m.calls;
    failed += m.failed_calls;
    CheckAfter(dir, m, ctx);
    std::filesystem::remove_all(dir);
    if (HasFailure() || !fired) break;
  }
  std::cout << FaultOpName(op) << ": " << faults << " faults injected (k = 1.."
            << k << " step " << Stride(op) << "), " << calls << " calls, "
            << failed << " returned an error, " << absorbed
            << " faults absorbed by LevelDB without an error\n";
  EXPECT_GT(faults, 0u);
}

INSTANTIATE_TEST_SUITE_P(Ops, FaultInjectionTest,
                         ::testing::Values(FaultOp::kWrite, FaultOp::kSync,
                                           FaultOp::kRename, FaultOp::kOpen),
                         [](const auto& info) {
                           return std::string(FaultOpName(info.param));
                         });

// Without sync, a machine crash may lose acknowledged writes (LevelDB's log
// is written to the OS but not synced), but never consistency: the store
// opens and every record, index entry, counter and history record agrees.
TEST(FaultInjectionTest, UnsyncedWritesMayBeLostButTheStoreStaysConsistent) {
  TempDir tmp;
  const Registry registry(tmp, 8);
  FaultEnv env;
  Model m;
  Workload(tmp.Sub("s"), registry, &env, /*sync=*/false, &m);
  const uint64_t dropped = env.DropUnsyncedData();
  env.Reset();
  EXPECT_GT(dropped, 0u) << "nothing was unsynced: the test tests nothing";
  auto store = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<std::string> problems;
  ASSERT_TRUE(CheckConsistent(**store, &problems).ok());
  for (const std::string& p : problems) ADD_FAILURE() << p;
  std::cout << dropped << " unsynced bytes dropped; "
            << *(*store)->Count(v1::KIND_PERSON) << " persons survive\n";
}

// With sync, the same crash loses nothing acknowledged.
TEST(FaultInjectionTest, SyncedWritesSurviveTheCrash) {
  TempDir tmp;
  const Registry registry(tmp, 9);
  FaultEnv env;
  Model m;
  Workload(tmp.Sub("s"), registry, &env, /*sync=*/true, &m);
  EXPECT_EQ(m.failed_calls, 0u);
  EXPECT_TRUE(m.more_done) << "the second import was not a bulk load";
  env.DropUnsyncedData();
  env.Reset();
  // Every allowed list has one state: the acknowledged one.
  for (const auto& [id, allowed] : m.allowed) ASSERT_EQ(allowed.size(), 1u);
  CheckAfter(tmp.Sub("s"), m, "synced");
}

// Reindex drops and rebuilds every index entry in several batches; a crash
// (here: a write failing, then the process gone) at any point of it must
// leave a store whose next open rebuilds what is missing.
TEST(FaultInjectionTest, ReindexInterruptedAnywhereIsRedoneAtOpen) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 30; ++i) {
      v1::Person p = MakePerson(PoolName(i), absl::StrCat("n", i));
      ASSERT_TRUE((*store)->Create(&p).ok());
    }
  }
  FaultEnv env;
  int interrupted = 0;
  for (uint64_t k = 1;; ++k) {
    ASSERT_LT(k, 1000u);
    env.Reset();
    {
      auto store = Store::Open(dir, Opts(&env, false));
      ASSERT_TRUE(store.ok()) << store.status();
      env.FailNth(FaultOp::kWrite, k);
      absl::Status st = (*store)->Reindex();
      if (!env.triggered()) {
        ASSERT_TRUE(st.ok()) << st;
        break;
      }
      // The failed write is usually one of Reindex's; it may also be a
      // background compaction's after Reindex's last (synced) batch, which
      // then has succeeded. Either way the store must be whole below.
      if (!st.ok()) ++interrupted;
    }
    env.Reset();
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    std::vector<std::string> problems;
    ASSERT_TRUE(CheckConsistent(**store, &problems).ok());
    for (const auto& p : problems) ADD_FAILURE() << "write #" << k << ": " << p;
    if (HasFailure()) break;
  }
  EXPECT_GT(interrupted, 0);
}

}  // namespace
}  // namespace reliability
}  // namespace qiaolian
