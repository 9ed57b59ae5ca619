#include "qiaolian/store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "src/api/store_access.h"
#include "src/storage/db.h"
#include "src/storage/key_codec.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"
#include "tests/testing/table_files.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;
using testing::MappedTables;
using testing::TableFiles;
using testing::TempDir;

v1::Enterprise MakeEnterprise(const std::string& name,
                              const std::string& uscc = "") {
  v1::Enterprise e;
  e.set_name(name);
  if (!uscc.empty()) e.set_uscc(uscc);
  return e;
}

v1::Event MakeVisit(uint64_t enterprise_id) {
  v1::Event ev;
  ev.set_type(v1::Event::TYPE_ENTERPRISE_VISIT);
  ev.mutable_date()->set_year(2020);
  ev.mutable_date()->set_month(3);
  ev.mutable_date()->set_day(12);
  auto* p = ev.add_participants();
  p->mutable_ref()->set_kind(v1::KIND_ENTERPRISE);
  p->mutable_ref()->set_id(enterprise_id);
  return ev;
}

std::unique_ptr<Store> OpenOrDie(const std::string& dir,
                                 const StoreOptions& o = {}) {
  auto s = Store::Open(dir, o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

// Every key in the store, described; to prove "nothing was written".
std::vector<std::string> AllKeys(const std::string& dir) {
  leveldb::DB* db = nullptr;
  leveldb::Options o;
  std::vector<std::string> keys;
  if (!leveldb::DB::Open(o, dir, &db).ok()) return {"<cannot open>"};
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator({}));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    keys.push_back(storage::DescribeKey(
                       absl::string_view(it->key().data(), it->key().size())) +
                   "=" + it->value().ToString());
  }
  it.reset();
  delete db;
  return keys;
}

TEST(StoreTest, CreateAssignsIdsPerKindAndGetReturnsTheRecord) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  v1::Enterprise a =
      MakeEnterprise("常州三久制造有限公司", "91310000757904992P");
  v1::Enterprise b = MakeEnterprise("金坛一号农场");
  v1::Person p;
  p.set_name("胡正明");
  WriteOptions wo;
  wo.actor = "staff-1";
  ASSERT_EQ(*store->Create(&a, wo), 1u);
  ASSERT_EQ(*store->Create(&b), 2u);
  ASSERT_EQ(*store->Create(&p), 1u);  // Ids are per kind.
  EXPECT_EQ(a.meta().revision(), 1u);
  EXPECT_EQ(a.meta().created_by(), "staff-1");
  EXPECT_GT(a.meta().created_at().seconds(), 1700000000);

  v1::Enterprise got;
  ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 1, &got).ok());
  EXPECT_EQ(got.name(), "常州三久制造有限公司");
  EXPECT_EQ(got.uscc(), "91310000757904992P");
  EXPECT_EQ(got.meta().id(), 1u);
  EXPECT_EQ(got.meta().created_by(), "staff-1");
  auto any = store->Get(v1::KIND_PERSON, 1);
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(static_cast<v1::Person&>(**any).name(), "胡正明");
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 2u);
  EXPECT_EQ(*store->Count(v1::KIND_CASE), 0u);
}

TEST(StoreTest, GetMissingAndMismatchedKinds) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  v1::Enterprise e;
  absl::Status st = store->Get(v1::KIND_ENTERPRISE, 7, &e);
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(st.message(), HasSubstr("enterprise 7 not found"));
  v1::Person wrong;
  EXPECT_EQ(store->Get(v1::KIND_ENTERPRISE, 1, &wrong).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Get(static_cast<Kind>(42), 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::Enterprise with_id = MakeEnterprise("x");
  with_id.mutable_meta()->set_id(5);
  st = store->Create(&with_id).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("enterprise.meta"));
}

TEST(StoreTest, UpdateBumpsRevisionAndStaleRevisionConflicts) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  v1::Enterprise e = MakeEnterprise("鑫品茶业");
  ASSERT_TRUE(store->Create(&e).ok());
  const auto created_at = e.meta().created_at();

  v1::Enterprise edit1 = e;  // Two staff members read revision 1.
  v1::Enterprise edit2 = e;
  edit1.set_notes("直播带货");
  WriteOptions wo;
  wo.actor = "staff-2";
  ASSERT_TRUE(store->Update(&edit1, wo).ok());
  EXPECT_EQ(edit1.meta().revision(), 2u);
  EXPECT_EQ(edit1.meta().updated_by(), "staff-2");

  edit2.set_notes("overwrites?");
  absl::Status st = store->Update(&edit2);
  EXPECT_EQ(st.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(st.message(), HasSubstr("conflict"));
  EXPECT_THAT(st.message(), HasSubstr("revision 2"));
  EXPECT_EQ(edit2.meta().revision(), 1u);  // Caller's copy untouched.

  v1::Enterprise got;
  ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, e.meta().id(), &got).ok());
  EXPECT_EQ(got.notes(), "直播带货");
  EXPECT_EQ(got.meta().revision(), 2u);
  EXPECT_EQ(got.meta().created_at().seconds(), created_at.seconds());

  auto history = store->History(v1::KIND_ENTERPRISE, e.meta().id());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].op(), v1::ChangeRecord::OP_CREATE);
  EXPECT_EQ((*history)[1].op(), v1::ChangeRecord::OP_UPDATE);
  EXPECT_EQ((*history)[1].actor(), "staff-2");
  v1::Enterprise from_history;
  ASSERT_TRUE(from_history.ParseFromString((*history)[1].row()));
  EXPECT_EQ(from_history.notes(), "直播带货");
}

TEST(StoreTest, UpdateOfMissingRecordOrWithoutId) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  v1::Enterprise e = MakeEnterprise("x");
  EXPECT_EQ(store->Update(&e).code(), absl::StatusCode::kInvalidArgument);
  e.mutable_meta()->set_id(3);
  e.mutable_meta()->set_revision(1);
  EXPECT_EQ(store->Update(&e).code(), absl::StatusCode::kNotFound);
}

TEST(StoreTest, DeleteRemovesRowKeepsHistoryAndNeverReusesIds) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  v1::Enterprise a = MakeEnterprise("a"), b = MakeEnterprise("b");
  ASSERT_TRUE(store->Create(&a).ok());
  ASSERT_TRUE(store->Create(&b).ok());
  EXPECT_EQ(
      store->Delete(v1::KIND_ENTERPRISE, 2, /*expected_revision=*/5).code(),
      absl::StatusCode::kAborted);
  ASSERT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 2, 1).ok());
  EXPECT_EQ(store->Get(v1::KIND_ENTERPRISE, 2).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->Delete(v1::KIND_ENTERPRISE, 2).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 1u);
  auto history = store->History(v1::KIND_ENTERPRISE, 2);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().op(), v1::ChangeRecord::OP_DELETE);
  EXPECT_EQ(history->back().revision(), 2u);
  v1::Enterprise c = MakeEnterprise("c");
  EXPECT_EQ(*store->Create(&c), 3u);
}

TEST(StoreTest, ScanVisitsOneKindInIdOrderFromStartId) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  for (int i = 0; i < 300; ++i) {  // Crosses the 255/256 byte boundary.
    v1::Enterprise e = MakeEnterprise("e" + std::to_string(i));
    ASSERT_TRUE(store->Create(&e).ok());
  }
  v1::Person p;
  p.set_name("p");
  ASSERT_TRUE(store->Create(&p).ok());
  ASSERT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 100).ok());
  std::vector<uint64_t> ids;
  ASSERT_TRUE(store
                  ->Scan(v1::KIND_ENTERPRISE, 0,
                         [&](const google::protobuf::Message& m) {
                           ids.push_back(MetaOf(m).id());
                           return true;
                         })
                  .ok());
  ASSERT_EQ(ids.size(), 299u);
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 100u), 0);
  ids.clear();
  ASSERT_TRUE(store
                  ->Scan(v1::KIND_ENTERPRISE, 250,
                         [&](const google::protobuf::Message& m) {
                           ids.push_back(MetaOf(m).id());
                           return ids.size() < 3;
                         })
                  .ok());
  EXPECT_EQ(ids, (std::vector<uint64_t>{250, 251, 252}));
}

TEST(StoreTest, ReopenKeepsRecordsAndCounters) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  {
    auto store = OpenOrDie(dir, StoreOptions{.sync = true});
    v1::Enterprise e = MakeEnterprise("晨风集团");
    ASSERT_TRUE(store->Create(&e).ok());
    v1::Enterprise f = MakeEnterprise("波仕曼");
    ASSERT_TRUE(store->Create(&f).ok());
  }
  auto store = OpenOrDie(dir, StoreOptions{.create_if_missing = false});
  v1::Enterprise got;
  ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 1, &got).ok());
  EXPECT_EQ(got.name(), "晨风集团");
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 2u);
  v1::Enterprise g = MakeEnterprise("古籍印刷厂");
  EXPECT_EQ(*store->Create(&g), 3u);  // The id counter survived.
  EXPECT_EQ(store->schema_version(), storage::kSchemaVersion);
}

TEST(StoreTest, InvalidRecordsChangeNothing) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  std::vector<std::string> before;
  {
    auto store = OpenOrDie(dir);
    v1::Enterprise ok = MakeEnterprise("ok");
    ASSERT_TRUE(store->Create(&ok).ok());
  }
  before = AllKeys(dir);
  {
    auto store = OpenOrDie(dir);
    v1::Enterprise bad = MakeEnterprise("坏", "91310000757904992Q");
    absl::Status st = store->Create(&bad).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(st.message(), HasSubstr("enterprise.uscc"));
    EXPECT_EQ(bad.meta().id(), 0u);

    v1::Enterprise unnamed;
    st = store->Create(&unnamed).status();
    EXPECT_THAT(st.message(), HasSubstr("enterprise.name"));

    v1::Event dangling = MakeVisit(99);
    st = store->Create(&dangling).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(st.message(), HasSubstr("event.participants[0].ref"));
    EXPECT_THAT(st.message(), HasSubstr("enterprise 99"));

    v1::Event bad_date = MakeVisit(1);
    bad_date.mutable_date()->set_month(2);
    bad_date.mutable_date()->set_day(30);
    EXPECT_THAT(store->Create(&bad_date).status().message(),
                HasSubstr("event.date"));

    v1::Enterprise update;
    ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 1, &update).ok());
    update.set_uscc("123");
    EXPECT_EQ(store->Update(&update).code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(update.meta().revision(), 1u);
  }
  EXPECT_EQ(AllKeys(dir), before);
}

TEST(StoreTest, CreateAllIsAllOrNothingAndResolvesRefsWithinTheBatch) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  v1::Enterprise e1 = MakeEnterprise("三久制造");
  v1::Event visit = MakeVisit(1);  // Refers to e1, created in the same call.
  v1::Enterprise bad = MakeEnterprise("");
  std::vector<google::protobuf::Message*> batch = {&e1, &visit, &bad};
  absl::Status st = store->CreateAll(batch);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("record 3: enterprise.name"));
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 0u);
  EXPECT_EQ(*store->Count(v1::KIND_EVENT), 0u);
  EXPECT_EQ(e1.meta().id(), 0u);

  bad.set_name("晨风集团");
  ASSERT_TRUE(store->CreateAll(batch).ok());
  EXPECT_EQ(e1.meta().id(), 1u);
  EXPECT_EQ(visit.meta().id(), 1u);
  EXPECT_EQ(bad.meta().id(), 2u);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 2u);
}

TEST(StoreTest, ReadOnlyStoreRefusesWrites) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  { OpenOrDie(dir); }
  auto store = OpenOrDie(dir, StoreOptions{.read_only = true});
  v1::Enterprise e = MakeEnterprise("x");
  absl::Status st = store->Create(&e).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("read-only"));
}

TEST(StoreTest, MissingStoreIsNotCreatedWhenNotAsked) {
  TempDir tmp;
  auto s =
      Store::Open(tmp.Sub("nope"), StoreOptions{.create_if_missing = false});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("nope")));
}

TEST(StoreTest, DirectoryThatIsNotAStoreIsRefused) {
  TempDir tmp;
  const std::string dir = tmp.Sub("docs");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/report.docx") << "not a store";
  auto s = Store::Open(dir);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(), HasSubstr("not a qiaolian store"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/CURRENT"));

  std::ofstream(tmp.Sub("file")) << "x";
  s = Store::Open(tmp.Sub("file"));
  EXPECT_THAT(s.status().message(), HasSubstr("not a directory"));

  // A LevelDB that is not ours.
  leveldb::DB* raw = nullptr;
  leveldb::Options o;
  o.create_if_missing = true;
  ASSERT_TRUE(leveldb::DB::Open(o, tmp.Sub("other"), &raw).ok());
  ASSERT_TRUE(raw->Put({}, "hello", "world").ok());
  delete raw;
  s = Store::Open(tmp.Sub("other"));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(), HasSubstr("without store_info"));
}

TEST(StoreTest, StoreOfANewerVersionIsRefused) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  { OpenOrDie(dir); }
  {
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), dir, &raw).ok());
    v1::StoreInfo info;
    info.set_schema_version(storage::kSchemaVersion + 1);
    ASSERT_TRUE(
        raw->Put({}, storage::MetaKey("store_info"), info.SerializeAsString())
            .ok());
    delete raw;
  }
  auto s = Store::Open(dir);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.status().message(), HasSubstr("newer than this library"));
}

TEST(StoreTest, SecondHandleInSameProcessIsInUse) {
  TempDir tmp;
  auto first = OpenOrDie(tmp.Sub("s"));
  auto second = Store::Open(tmp.Sub("s"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("in use"));
}

TEST(StoreTest, SecondProcessGetsInUseError) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  auto store = OpenOrDie(dir);
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: a different process trying to open the same store.
    close(pipefd[0]);
    auto s = Store::Open(dir);
    std::string report =
        s.ok() ? std::string("OPENED")
               : std::string(absl::StatusCodeToString(s.status().code())) +
                     "|" + std::string(s.status().message());
    (void)!write(pipefd[1], report.data(), report.size());
    close(pipefd[1]);
    _exit(0);
  }
  close(pipefd[1]);
  std::string report;
  char buf[512];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) report.append(buf, n);
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_THAT(report, HasSubstr("UNAVAILABLE|"));
  EXPECT_THAT(report, HasSubstr("in use by another process"));
  // The first handle is unaffected.
  v1::Enterprise e = MakeEnterprise("still writable");
  EXPECT_TRUE(store->Create(&e).ok());
}

TEST(StoreTest, ConcurrentWritersAndReadersOnOneHandle) {
  TempDir tmp;
  auto store = OpenOrDie(tmp.Sub("s"));
  constexpr int kThreads = 4, kPerThread = 200;
  std::vector<std::thread> threads;
  std::vector<std::vector<uint64_t>> ids(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::Enterprise e = MakeEnterprise("t" + std::to_string(t));
        auto id = store->Create(&e);
        ASSERT_TRUE(id.ok());
        ids[t].push_back(*id);
        v1::Enterprise back;
        ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, *id, &back).ok());
        // Every thread bumps the same record through the revision check.
        for (;;) {
          v1::Enterprise shared;
          ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 1, &shared).ok());
          shared.add_tags("x");
          absl::Status st = store->Update(&shared);
          if (st.ok()) break;
          ASSERT_EQ(st.code(), absl::StatusCode::kAborted);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint64_t> all;
  for (auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});  // No id twice.
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE),
            uint64_t{kThreads * kPerThread});
  v1::Enterprise shared;
  ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 1, &shared).ok());
  // No lost update: one tag per successful update.
  EXPECT_EQ(shared.tags_size(), kThreads * kPerThread);
  EXPECT_EQ(shared.meta().revision(), uint64_t{kThreads * kPerThread + 1});
}

// Compact rewrites the tables: superseded row versions and removed index
// entries go, the records and their history stay, and no table is left in
// LevelDB's level 0 (where every read must look).
TEST(StoreTest, CompactDropsSupersededDataAndKeepsRecords) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  uint64_t last_id = 0;
  {
    auto store = OpenOrDie(dir);
    ASSERT_NE(store, nullptr);
    std::vector<uint64_t> ids;
    for (int i = 0; i < 300; ++i) {
      v1::Enterprise e;
      e.set_name("常州晨风贸易有限公司" + std::to_string(i));
      auto id = store->Create(&e);
      ASSERT_TRUE(id.ok()) << id.status();
      ids.push_back(*id);
    }
    for (int round = 0; round < 8; ++round) {
      for (uint64_t id : ids) {
        auto got = store->Get(v1::KIND_ENTERPRISE, id);
        ASSERT_TRUE(got.ok());
        auto* e = static_cast<v1::Enterprise*>(got->get());
        e->set_business_scope(
            std::string(1000, static_cast<char>('a' + round)));
        e->set_industry("行业" + std::to_string(round));
        ASSERT_TRUE(store->Update(e).ok());
      }
    }
    last_id = ids.back();
    absl::StatusOr<CompactReport> r = store->Compact();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_GT(r->bytes_before, 0u);
    EXPECT_LT(r->bytes_after, r->bytes_before);
  }
  auto store = OpenOrDie(dir);
  ASSERT_NE(store, nullptr);
  auto report = store->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems[0];
  auto got = store->Get(v1::KIND_ENTERPRISE, last_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(MetaOf(**got).revision(), 9u);
  EXPECT_EQ(static_cast<v1::Enterprise*>(got->get())->business_scope(),
            std::string(1000, 'h'));
  auto history = store->History(v1::KIND_ENTERPRISE, last_id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 9u);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 300u);
  store.reset();

  auto read_only = OpenOrDie(dir, StoreOptions{.read_only = true});
  ASSERT_NE(read_only, nullptr);
  EXPECT_EQ(read_only->Compact().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// With map_tables = false the store reads its tables with pread: every
// record reads back (through compaction and a reopen), and no table file
// is mapped, so resident memory does not grow with the store. With the
// default the same reads map the tables.
TEST(StoreTest, TablesReadWithPreadWhenNotMapped) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  constexpr int kRecords = 3000;
  for (bool map : {false, true}) {
    SCOPED_TRACE(map ? "mapped" : "pread");
    StoreOptions o;
    o.map_tables = map;
    o.max_file_bytes = 1 << 20;  // Several tables.
    {
      auto store = Store::Open(dir, o);
      ASSERT_TRUE(store.ok()) << store.status();
      if (!map) {
        for (int i = 0; i < kRecords; ++i) {
          v1::Enterprise e;
          e.set_name(absl::StrCat("金坛第", i, "塑胶有限公司"));
          e.set_business_scope(std::string(400, 'x'));
          ASSERT_TRUE((*store)->Create(&e).ok());
        }
        ASSERT_TRUE((*store)->Compact().ok());
      }
    }
    auto store = Store::Open(dir, o);
    ASSERT_TRUE(store.ok()) << store.status();
    for (uint64_t id = 1; id <= kRecords; id += 7) {
      auto got = (*store)->Get(v1::KIND_ENTERPRISE, id);
      ASSERT_TRUE(got.ok()) << id << ": " << got.status();
      EXPECT_EQ(static_cast<const v1::Enterprise&>(**got).name(),
                absl::StrCat("金坛第", id - 1, "塑胶有限公司"));
    }
    auto page = (*store)->Query("enterprise where name prefix \"金坛第29\"");
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->records.size(), 111u);  // 29, 290..299, 2900..2999.
    auto report = (*store)->Verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->problems.empty());
    if (map) {
      EXPECT_GT(MappedTables(dir), 0);
    } else {
      EXPECT_EQ(MappedTables(dir), 0);
    }
  }
}

// Opened, a store opens its table files on a thread of its own
// (StoreOptions::warm_up_in_background), all of them mapped before any
// read asks; turned off, only the reads open tables. The records read back
// the same either way.
// The warm-up also loads the text data of searches (ICU, OpenCC, the
// surname tables of pinyin), which a process's first search would otherwise
// wait for.
TEST(StoreTest, TextDataLoadedInBackgroundUnlessTurnedOff) {
  if (text::DataLoaded()) {
    GTEST_SKIP() << "text data already loaded in this process (ctest runs "
                    "each test in a process of its own)";
  }
  TempDir tmp;
  StoreOptions o;
  o.warm_up_in_background = false;
  {
    auto store = Store::Open(tmp.Sub("s"), o);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(internal::StoreAccess::db(**store).WaitForTablesOpened(), 0u);
  }
  EXPECT_FALSE(text::DataLoaded());
  EXPECT_FALSE(text::SurnameTablesLoaded());
  o.warm_up_in_background = true;
  auto store = Store::Open(tmp.Sub("s"), o);
  ASSERT_TRUE(store.ok()) << store.status();
  internal::StoreAccess::db(**store).WaitForTablesOpened();
  EXPECT_TRUE(text::DataLoaded());
  EXPECT_TRUE(text::SurnameTablesLoaded());
}

TEST(StoreTest, TablesOpenedInBackgroundUnlessTurnedOff) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  StoreOptions o;
  o.max_file_bytes = 1 << 20;  // Several tables.
  {
    auto store = Store::Open(dir, o);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 2000; ++i) {
      v1::Enterprise e;
      e.set_name(absl::StrCat("金坛第", i, "塑胶有限公司"));
      e.set_business_scope(std::string(400, 'x'));
      ASSERT_TRUE((*store)->Create(&e).ok());
    }
    ASSERT_TRUE((*store)->Compact().ok());
  }
  const int tables = TableFiles(dir);
  ASSERT_GE(tables, 3);
  for (bool in_background : {true, false}) {
    SCOPED_TRACE(in_background ? "in the background" : "by the reads");
    o.warm_up_in_background = in_background;
    auto store = Store::Open(dir, o);
    ASSERT_TRUE(store.ok()) << store.status();
    storage::Db& db = internal::StoreAccess::db(**store);
    EXPECT_EQ(db.WaitForTablesOpened(),
              in_background ? static_cast<size_t>(tables) : 0u);
    if (in_background) {
      EXPECT_EQ(MappedTables(dir), tables);
    } else {
      EXPECT_LT(MappedTables(dir), tables);
    }
    auto page = (*store)->Query("enterprise where name prefix \"金坛第19\"");
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->records.size(), 111u);  // 19, 190..199, 1900..1999.
  }
  // Then the tables of the search indexes are mapped into memory, as far as
  // warm_up_search_bytes goes: here all of them (some, not the rows'), with
  // 0 none.
  uint64_t table_bytes = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".ldb") table_bytes += e.file_size();
  }
  o.warm_up_in_background = true;
  for (uint64_t budget : {uint64_t{512} << 20, uint64_t{0}}) {
    SCOPED_TRACE(budget);
    o.warm_up_search_bytes = budget;
    auto store = Store::Open(dir, o);
    ASSERT_TRUE(store.ok()) << store.status();
    storage::Db& db = internal::StoreAccess::db(**store);
    db.WaitForTablesOpened();
    if (budget > 0) {
      EXPECT_GT(db.bytes_mapped_into_memory(), 0u);
      EXPECT_LT(db.bytes_mapped_into_memory(), table_bytes);
    } else {
      EXPECT_EQ(db.bytes_mapped_into_memory(), 0u);
    }
    auto page = (*store)->Query("enterprise where name prefix \"金坛第19\"");
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->records.size(), 111u);
  }
}

}  // namespace
}  // namespace qiaolian
