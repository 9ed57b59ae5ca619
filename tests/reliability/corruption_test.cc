// Corruption (docs/reliability.md): flipped bytes in the store's table, log,
// MANIFEST and CURRENT files give DATA_LOSS (at open or on the read that
// meets them), never a crash and never wrong data; RepairStore then recovers
// what LevelDB can read, rebuilds indexes and counters, and says what was
// lost.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/repair.h"
#include "qiaolian/store.h"
#include "tests/reliability/workload.h"
#include "tests/testing/sanitized.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace reliability {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

using Expected = std::map<std::pair<Kind, uint64_t>, std::string>;

// A store with tables (from a reopen) and a non-empty log; returns every
// record's serialized row. Opened without the warm-up: its reads count
// toward LevelDB's seek-triggered compactions, which could then merge the
// tables into one, whose damage loses everything.
Expected Build(const std::string& dir) {
  Expected rows;
  StoreOptions no_warm_up;
  no_warm_up.warm_up_in_background = false;
  for (int round = 0; round < 2; ++round) {
    auto store = Store::Open(dir, no_warm_up);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return rows;
    for (int i = 0; i < 40; ++i) {
      const std::string note = absl::StrCat("r", round, "-", i);
      v1::Person p = MakePerson(PoolName(i), note);
      EXPECT_TRUE((*store)->Create(&p).ok());
      v1::Enterprise e = MakeEnterprise(absl::StrCat("企业", note), note);
      e.set_uscc(Uscc(round, i));
      EXPECT_TRUE((*store)->Create(&e).ok());
      if (i % 3 == 0) {
        p.set_notes(note + "-updated");
        EXPECT_TRUE((*store)->Update(&p).ok());
      }
      if (i % 7 == 1) {
        EXPECT_TRUE((*store)->Delete(v1::KIND_PERSON, p.meta().id()).ok());
      }
    }
  }
  auto store = Store::Open(dir, no_warm_up);
  for (Kind kind : {v1::KIND_PERSON, v1::KIND_ENTERPRISE}) {
    EXPECT_TRUE(
        (*store)
            ->Scan(kind, 0,
                   [&](const google::protobuf::Message& m) {
                     rows[{kind, MetaOf(m).id()}] = m.SerializeAsString();
                     return true;
                   })
            .ok());
  }
  return rows;
}

bool IsLoss(const absl::Status& st) {
  return st.code() == absl::StatusCode::kDataLoss;
}

struct Tally {
  int flips = 0, open_refused = 0, read_refused = 0, unaffected = 0;
  uint64_t repaired_lost = 0, reverted = 0, resurrected = 0;
};

// Everything a reader can see of the damaged store is either right or
// DATA_LOSS.
void ReadEverything(Store& store, const Expected& want, const std::string& ctx,
                    Tally* tally) {
  bool refused = false;
  for (const auto& [key, bytes] : want) {
    auto got = store.Get(key.first, key.second);
    if (!got.ok()) {
      EXPECT_TRUE(IsLoss(got.status())) << ctx << ": " << got.status();
      refused = true;
      continue;
    }
    EXPECT_EQ((*got)->SerializeAsString(), bytes)
        << ctx << ": wrong data for " << KindName(key.first) << " "
        << key.second;
  }
  for (Kind kind : {v1::KIND_PERSON, v1::KIND_ENTERPRISE}) {
    size_t n = 0;
    absl::Status st = store.Scan(kind, 0, [&](const auto& m) {
      auto it = want.find({kind, MetaOf(m).id()});
      EXPECT_TRUE(it != want.end() && it->second == m.SerializeAsString())
          << ctx << ": scan returned wrong data";
      ++n;
      return true;
    });
    if (!st.ok()) {
      EXPECT_TRUE(IsLoss(st)) << ctx << ": " << st;
      refused = true;
    }
  }
  auto q = store.Query("person where name = \"李明\"");
  if (!q.ok()) {
    EXPECT_TRUE(IsLoss(q.status())) << ctx << ": " << q.status();
    refused = true;
  } else {
    for (const auto& m : q->records) {
      EXPECT_EQ(static_cast<const v1::Person&>(*m).name(), "李明") << ctx;
    }
  }
  auto v = store.Verify();
  if (!v.ok()) {
    EXPECT_TRUE(IsLoss(v.status())) << ctx << ": " << v.status();
    refused = true;
  } else if (!v->problems.empty()) {
    // A damaged row that still parsed would show here.
    for (const auto& p : v->problems) ADD_FAILURE() << ctx << ": " << p;
  }
  refused ? ++tally->read_refused : ++tally->unaffected;
}

// After RepairStore: consistent, nothing wrong, the report right.
void CheckRepaired(const std::string& dir, const Expected& want,
                   const std::string& ctx, Tally* tally) {
  absl::StatusOr<RepairReport> r = RepairStore(dir);
  ASSERT_TRUE(r.ok()) << ctx << ": " << r.status();
  EXPECT_TRUE(r->verify.problems.empty()) << ctx << ": " << r->ToString();
  auto store = Store::Open(dir);
  ASSERT_TRUE(store.ok()) << ctx << ": " << store.status();
  std::vector<std::string> problems;
  ASSERT_TRUE(CheckConsistent(**store, &problems).ok()) << ctx;
  for (const auto& p : problems) ADD_FAILURE() << ctx << ": " << p;
  uint64_t present = 0;
  std::map<Kind, uint64_t> per_kind;
  for (Kind kind : {v1::KIND_PERSON, v1::KIND_ENTERPRISE}) {
    ASSERT_TRUE(
        (*store)
            ->Scan(kind, 0,
                   [&](const google::protobuf::Message& m) {
                     ++per_kind[kind];
                     auto it = want.find({kind, MetaOf(m).id()});
                     if (it == want.end()) {
                       // A deleted record whose delete and history
                       // were both lost.
                       ++tally->resurrected;
                       return true;
                     }
                     if (it->second == m.SerializeAsString()) {
                       ++present;
                       return true;
                     }
                     // Its latest revision and history record were
                     // both lost: an earlier revision, never other
                     // content.
                     std::unique_ptr<google::protobuf::Message> w =
                         NewRecord(kind);
                     w->ParseFromString(it->second);
                     EXPECT_LT(MetaOf(m).revision(), MetaOf(*w).revision())
                         << ctx << ": repair produced wrong data for "
                         << KindName(kind) << " " << MetaOf(m).id();
                     ++tally->reverted;
                     return true;
                   })
            .ok());
  }
  for (const RepairReport::Kind& k : r->kinds) {
    auto kind = ParseKind(k.kind);
    ASSERT_TRUE(kind.ok());
    EXPECT_EQ(k.after, per_kind[*kind]) << ctx;
  }
  // What the report calls lost is what is missing, when the counters
  // survived.
  bool counters_known = true;
  for (const RepairReport::Kind& k : r->kinds) {
    counters_known = counters_known && k.before >= 0;
  }
  if (counters_known) {
    EXPECT_LE(r->RecordsLost(), want.size() - present) << ctx;
  }
  tally->repaired_lost += want.size() - present;
  // Writable, with fresh ids.
  v1::Person p = MakePerson("修复后", "after");
  absl::StatusOr<uint64_t> id = (*store)->Create(&p);
  ASSERT_TRUE(id.ok()) << ctx << ": " << id.status();
  uint64_t max_person = 0;
  for (const auto& [key, bytes] : want) {
    if (key.first == v1::KIND_PERSON)
      max_person = std::max(max_person, key.second);
  }
  // Above every id ever used (deleted persons' ids included: Build deletes
  // some, and never the last).
  EXPECT_GT(*id, max_person) << ctx << ": id reused";
}

// Bytes flipped per file, spread evenly: 8, or 4 under a sanitizer (as in
// `make test`); QIAOLIAN_CORRUPTION_FLIPS sets more
// (scripts/reliability-long).
uint64_t FlipsPerFile() {
  const char* s = std::getenv("QIAOLIAN_CORRUPTION_FLIPS");
  if (s != nullptr && std::atoi(s) > 0) return std::atoi(s);
  return testing::kSanitized ? 4 : 8;  // tests/testing/sanitized.h
}

void Flip(const std::string& file, uint64_t pos) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(pos));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(pos));
  f.put(static_cast<char>(c ^ 0x5A));
}

TEST(CorruptionTest, FlippedBytesAreDataLossNeverWrongDataAndRepairRecovers) {
  TempDir tmp;
  const std::string pristine = tmp.Sub("pristine");
  const Expected want = Build(pristine);
  ASSERT_EQ(want.size(), 148u);
  std::map<std::string, std::vector<std::string>> files;  // type -> names
  for (const auto& e : fs::directory_iterator(pristine)) {
    const std::string name = e.path().filename().string();
    if (absl::EndsWith(name, ".ldb")) files["table"].push_back(name);
    if (absl::EndsWith(name, ".log")) files["log"].push_back(name);
    if (absl::StartsWith(name, "MANIFEST-")) files["manifest"].push_back(name);
    if (name == "CURRENT") files["current"].push_back(name);
  }
  for (const char* type : {"table", "log", "manifest", "current"}) {
    ASSERT_FALSE(files[type].empty()) << "no " << type << " file to damage";
  }
  Tally tally;
  for (const auto& [type, names] : files) {
    for (const std::string& name : names) {
      const uint64_t size = fs::file_size(fs::path(pristine) / name);
      if (size == 0) continue;
      const uint64_t step = std::max<uint64_t>(1, size / FlipsPerFile());
      for (uint64_t pos = 0; pos < size; pos += step) {
        const std::string dir = tmp.Sub("work");
        fs::remove_all(dir);
        fs::copy(pristine, dir);
        Flip(dir + "/" + name, pos);
        const std::string ctx =
            absl::StrCat(type, " ", name, " byte ", pos, " of ", size);
        ++tally.flips;
        {
          auto store = Store::Open(dir);
          if (!store.ok()) {
            EXPECT_TRUE(IsLoss(store.status()))
                << ctx << ": " << store.status();
            EXPECT_TRUE(
                absl::StrContains(store.status().message(), "qiaolian repair"))
                << ctx << ": " << store.status();
            ++tally.open_refused;
          } else {
            ReadEverything(**store, want, ctx, &tally);
          }
        }
        CheckRepaired(dir, want, ctx, &tally);
        if (HasFailure()) return;
      }
    }
  }
  std::cout << tally.flips << " flipped bytes: " << tally.open_refused
            << " refused at open, " << tally.read_refused
            << " refused on a read, " << tally.unaffected
            << " unaffected; after repair " << tally.repaired_lost << " of "
            << tally.flips * want.size()
            << " records not at their latest revision (" << tally.reverted
            << " at an earlier one), " << tally.resurrected
            << " deleted records back\n";
  EXPECT_GT(tally.open_refused + tally.read_refused, tally.flips / 2);
}

TEST(CorruptionTest, RepairOfAHealthyStoreLosesNothing) {
  TempDir tmp;
  const Expected want = Build(tmp.Sub("s"));
  absl::StatusOr<RepairReport> r = RepairStore(tmp.Sub("s"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->RecordsLost(), 0u) << r->ToString();
  EXPECT_EQ(r->unreadable_rows, 0u);
  EXPECT_TRUE(r->verify.problems.empty());
  EXPECT_GT(r->index_entries, 0u);
  EXPECT_TRUE(absl::StrContains(r->ToJson(), "\"records_lost\":0"));
  Tally tally;
  CheckRepaired(tmp.Sub("s"), want, "healthy", &tally);
  EXPECT_EQ(tally.repaired_lost, 0u);
}

TEST(CorruptionTest, LostManifestAndCurrentAreRebuilt) {
  TempDir tmp;
  const Expected want = Build(tmp.Sub("s"));
  for (const auto& e : fs::directory_iterator(tmp.Sub("s"))) {
    const std::string name = e.path().filename().string();
    if (name == "CURRENT" || absl::StartsWith(name, "MANIFEST-")) {
      fs::remove(e.path());
    }
  }
  auto broken = Store::Open(tmp.Sub("s"));
  EXPECT_FALSE(broken.ok());
  Tally tally;
  CheckRepaired(tmp.Sub("s"), want, "no manifest", &tally);
  EXPECT_EQ(tally.repaired_lost, 0u);
}

// A store whose every table file is unreadable (store_info and every record
// in them, an empty log) is still repaired: the tables are set aside, the
// store_info record rewritten, and the store opens, empty, its ids resuming
// above any the lost tables could have held.
TEST(CorruptionTest, RepairKeepsAStoreWhoseEveryTableIsLost) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  const Expected want = Build(dir);
  {
    auto store = Store::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Compact().ok());  // Everything in tables.
  }
  std::vector<std::string> tables;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (absl::EndsWith(name, ".ldb")) {
      tables.push_back(name);
      Flip(e.path().string(), fs::file_size(e.path()) - 1);  // Its footer.
    }
  }
  ASSERT_FALSE(tables.empty());
  absl::StatusOr<RepairReport> r = RepairStore(dir);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->store_info_rewritten) << r->ToString();
  for (const std::string& t : tables) {
    EXPECT_THAT(r->lost_files, ::testing::Contains(t)) << r->ToString();
  }
  EXPECT_GT(r->id_gap, 0u);
  EXPECT_TRUE(r->verify.problems.empty()) << r->ToString();
  auto store = Store::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(*(*store)->Count(v1::KIND_PERSON), 0u);
  v1::Person p = MakePerson(PoolName(0), "after the repair");
  auto id = (*store)->Create(&p);
  ASSERT_TRUE(id.ok()) << id.status();
  for (const auto& [key, row] : want) EXPECT_GT(*id, key.second);
}

TEST(CorruptionTest, RepairRefusesAStoreInUseAndAMissingOne) {
  TempDir tmp;
  Build(tmp.Sub("s"));
  {
    auto store = Store::Open(tmp.Sub("s"));
    ASSERT_TRUE(store.ok());
    absl::StatusOr<RepairReport> r = RepairStore(tmp.Sub("s"));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
    EXPECT_TRUE(absl::StrContains(r.status().message(), "in use"));
  }
  EXPECT_EQ(RepairStore(tmp.Sub("nothing")).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace reliability
}  // namespace qiaolian
