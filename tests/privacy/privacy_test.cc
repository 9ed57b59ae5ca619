// Masking (schema-driven), the audit log and erasure
// (include/qiaolian/privacy.h).
#include "qiaolian/privacy.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "leveldb/write_batch.h"
#include "qiaolian/export.h"
#include "qiaolian/store.h"
#include "src/api/store_access.h"
#include "src/privacy/derived_keys.h"
#include "src/storage/key_codec.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::TempDir;

constexpr char kResidentId[] = "11010519491231002X";
// Distinctive values that occur nowhere else in a store.
constexpr char kErasedName[] = "欧阳澈思琪";
constexpr char kErasedId[] = "320413200905170026";  // Valid mod-11.
constexpr char kErasedPhone[] = "+8613912398765";
constexpr char kErasedOldPhone[] = "+8613800445566";

MaskOptions On(int y, int m, int d) {
  MaskOptions o;
  o.today = absl::CivilDay(y, m, d);
  return o;
}

v1::Person SamplePerson() {
  v1::Person p;
  p.set_name("张三");
  p.mutable_birth_date()->set_year(1949);
  p.mutable_birth_date()->set_month(12);
  p.mutable_birth_date()->set_day(31);
  auto* id = p.add_identity_documents();
  id->set_type(v1::IdentityDocument::TYPE_RESIDENT_ID);
  id->set_number(kResidentId);
  auto* pass = p.add_identity_documents();
  pass->set_type(v1::IdentityDocument::TYPE_PASSPORT);
  pass->set_number("E12345678");
  auto add = [&](v1::Contact::Type t, const char* v) {
    auto* c = p.add_contacts();
    c->set_type(t);
    c->set_value(v);
  };
  add(v1::Contact::TYPE_PHONE, "13912345678");
  add(v1::Contact::TYPE_EMAIL, "zhangsan@example.com");
  add(v1::Contact::TYPE_WECHAT, "wxid_abc");
  add(v1::Contact::TYPE_POSTAL, "金坛区东门大街88号");
  p.mutable_address()->set_country("CN");
  p.mutable_address()->set_division_code("320413");
  p.mutable_address()->set_text("金坛区东门大街88号");
  return p;
}

// --- The audit keyspace -----------------------------------------------------

TEST(AuditKeyTest, RoundTripOrderingPrefixDescription) {
  uint64_t seq = 0;
  ASSERT_TRUE(storage::DecodeAuditKey(storage::AuditKey(42), &seq));
  EXPECT_EQ(seq, 42u);
  EXPECT_LT(storage::AuditKey(255), storage::AuditKey(256));
  EXPECT_LT(storage::AuditKey(1), storage::AuditKey(uint64_t{1} << 40));
  EXPECT_TRUE(absl::StartsWith(storage::AuditKey(7), storage::AuditPrefix()));
  // Above every other keyspace, so audit keys are the store's largest.
  EXPECT_GT(storage::AuditPrefix(),
            storage::HistoryKey(255, ~uint64_t{0}, ~uint64_t{0}));
  EXPECT_EQ(storage::DescribeKey(storage::AuditKey(5)), "audit(5)");
  EXPECT_FALSE(storage::DecodeAuditKey(storage::RowKey(1, 5), &seq));
  EXPECT_FALSE(storage::DecodeAuditKey(storage::AuditPrefix(), &seq));
}

// --- Masking ----------------------------------------------------------------

TEST(MaskTest, FollowsTheSchemaRules) {
  v1::Person p = SamplePerson();
  MaskRecord(&p, On(2026, 6, 1));
  EXPECT_EQ(p.identity_documents(0).number(), "110105********002X");
  EXPECT_EQ(p.identity_documents(1).number(), "*****5678");
  EXPECT_EQ(p.contacts(0).value(), "139****5678");
  EXPECT_EQ(p.contacts(1).value(), "z***@example.com");
  EXPECT_EQ(p.contacts(2).value(), "w******c");
  EXPECT_EQ(p.contacts(3).value(), std::string(10, '*'));
  EXPECT_EQ(p.address().text(), std::string(10, '*'));
  EXPECT_EQ(p.address().division_code(), "320413");  // The area stays.
  EXPECT_EQ(p.name(), "张三");                       // Names are not masked.
  EXPECT_EQ(p.birth_date().month(), 12);             // An adult's: as stored.

  // Idempotent.
  v1::Person again = p;
  MaskRecord(&again, On(2026, 6, 1));
  EXPECT_EQ(again.SerializeAsString(), p.SerializeAsString());
  EXPECT_THAT(SensitiveFields(p, On(2026, 6, 1)), IsEmpty());
}

TEST(MaskTest, ListsTheFieldsAnUnmaskedReadReveals) {
  v1::Person p = SamplePerson();
  p.mutable_birth_date()->set_year(2015);
  EXPECT_THAT(SensitiveFields(p, On(2026, 6, 1)),
              ElementsAre("birth_date", "identity_documents.number",
                          "contacts.value", "address.text"));
  v1::Person plain;
  plain.set_name("李四");
  EXPECT_THAT(SensitiveFields(plain), IsEmpty());
}

TEST(MaskTest, BirthDatesOfMinorsOnly) {
  auto masked = [](int y, int m, int d, absl::CivilDay today) {
    v1::Person p;
    p.mutable_birth_date()->set_year(y);
    p.mutable_birth_date()->set_month(m);
    p.mutable_birth_date()->set_day(d);
    MaskOptions o;
    o.today = today;
    MaskRecord(&p, o);
    return p.birth_date().month() == 0 && p.birth_date().day() == 0;
  };
  const absl::CivilDay today(2026, 6, 1);
  EXPECT_TRUE(masked(2015, 3, 4, today));   // 11 years old.
  EXPECT_TRUE(masked(2008, 6, 2, today));   // 18 tomorrow.
  EXPECT_FALSE(masked(2008, 6, 1, today));  // 18 today.
  EXPECT_FALSE(masked(1949, 12, 31, today));
  EXPECT_TRUE(masked(2008, 6, 0, today));   // Maybe born after June 1st.
  EXPECT_FALSE(masked(2008, 5, 0, today));  // 18 by May 31st at the latest.
  EXPECT_TRUE(masked(2008, 2, 29, absl::CivilDay(2026, 2, 28)));
}

TEST(MaskTest, PublicEnterpriseAddressIsShownContactsAreNot) {
  v1::Enterprise e;
  e.set_name("常州三久制造有限公司");
  e.set_uscc("91320413723588143D");
  e.mutable_address()->set_text("金坛区华城路88号");
  auto* c = e.add_contacts();
  c->set_type(v1::Contact::TYPE_PHONE);
  c->set_value("13912345678");
  v1::Event ev;
  ev.mutable_location()->set_text("某某家中");
  MaskRecord(&e);
  MaskRecord(&ev);
  EXPECT_EQ(e.address().text(), "金坛区华城路88号");
  EXPECT_EQ(e.uscc(), "91320413723588143D");
  EXPECT_EQ(e.contacts(0).value(), "139****5678");
  EXPECT_EQ(ev.location().text(), "****");
}

// --- The audit log ----------------------------------------------------------

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(bool read_only = false) {
    store_.reset();
    StoreOptions o;
    o.read_only = read_only;
    auto s = Store::Open(dir_.Sub("store"), o);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  WriteOptions By(const std::string& actor) {
    WriteOptions w;
    w.actor = actor;
    return w;
  }

  std::vector<v1::AuditEntry> Entries() {
    auto e = ListAudit(*store_);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? *e : std::vector<v1::AuditEntry>{};
  }

  // Opens the closed store's LevelDB directly, for tampering.
  std::unique_ptr<leveldb::DB> RawDb() {
    store_.reset();
    leveldb::DB* db = nullptr;
    leveldb::Status s =
        leveldb::DB::Open(leveldb::Options(), dir_.Sub("store"), &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::unique_ptr<leveldb::DB>(db);
  }

  // Three changes and one unmasked read: entries 1..4.
  void FourEntries() {
    v1::Person p = SamplePerson();
    ASSERT_TRUE(store_->Create(&p, By("甲")).ok());
    p.mutable_contacts(0)->set_value("13900001111");
    ASSERT_TRUE(store_->Update(&p, By("乙")).ok());
    ReadOptions ro;
    ro.unmasked = true;
    ro.actor = "丙";
    ASSERT_TRUE(ReadRecord(*store_, v1::KIND_PERSON, 1, ro).ok());
    ASSERT_TRUE(store_->Delete(v1::KIND_PERSON, 1, 0, By("丁")).ok());
  }

  std::vector<std::string> Problems() {
    Reopen();
    auto r = VerifyAudit(*store_);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->problems : std::vector<std::string>{};
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuditTest, EveryChangeAndUnmaskedReadNoValues) {
  FourEntries();
  const std::vector<v1::AuditEntry> e = Entries();
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].action(), v1::AuditEntry::ACTION_CREATE);
  EXPECT_EQ(e[0].actor(), "甲");
  EXPECT_EQ(e[0].kind(), v1::KIND_PERSON);
  EXPECT_EQ(e[0].id(), 1u);
  EXPECT_EQ(e[0].revision(), 1u);
  EXPECT_THAT(
      e[0].fields(),
      ElementsAre("name", "birth_date", "identity_documents", "contacts",
                  "address.country", "address.division_code", "address.text"));
  EXPECT_EQ(e[1].action(), v1::AuditEntry::ACTION_UPDATE);
  EXPECT_THAT(e[1].fields(), ElementsAre("contacts"));
  EXPECT_EQ(e[1].revision(), 2u);
  EXPECT_EQ(e[2].action(), v1::AuditEntry::ACTION_UNMASKED_READ);
  EXPECT_EQ(e[2].actor(), "丙");
  EXPECT_THAT(e[2].fields(), ElementsAre("identity_documents.number",
                                         "contacts.value", "address.text"));
  EXPECT_EQ(e[3].action(), v1::AuditEntry::ACTION_DELETE);
  EXPECT_EQ(e[3].revision(), 3u);
  for (size_t i = 0; i < e.size(); ++i) EXPECT_EQ(e[i].seq(), i + 1);

  // No value appears in any audit key's bytes.
  auto db = RawDb();
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator({}));
  int n = 0;
  for (it->Seek(storage::AuditPrefix());
       it->Valid() && it->key().starts_with(storage::AuditPrefix());
       it->Next(), ++n) {
    const std::string v = it->value().ToString();
    for (const char* value : {kResidentId, "13912345678", "13900001111", "张三",
                              "zhangsan", "东门大街"}) {
      EXPECT_THAT(v, Not(HasSubstr(value))) << "entry " << n + 1;
    }
  }
  EXPECT_EQ(n, 4);
}

TEST_F(AuditTest, MaskedReadsAreNotLoggedFailedWritesLeaveNoEntry) {
  v1::Person p = SamplePerson();
  ASSERT_TRUE(store_->Create(&p).ok());
  auto masked = ReadRecord(*store_, v1::KIND_PERSON, 1, {});
  ASSERT_TRUE(masked.ok());
  EXPECT_EQ(static_cast<v1::Person&>(**masked).contacts(0).value(),
            "139****5678");
  v1::Person bad;  // No name: refused.
  EXPECT_FALSE(store_->Create(&bad).ok());
  p.set_name("");
  EXPECT_FALSE(store_->Update(&p).ok());
  EXPECT_EQ(Entries().size(), 1u);
  v1::Person q;
  q.set_name("李四");
  ASSERT_TRUE(store_->Create(&q).ok());
  EXPECT_EQ(Entries().back().seq(), 2u);
  EXPECT_THAT(Problems(), IsEmpty());
}

TEST_F(AuditTest, UnmaskedReadNeedsAWritableStore) {
  v1::Person p = SamplePerson();
  ASSERT_TRUE(store_->Create(&p).ok());
  Reopen(/*read_only=*/true);
  ReadOptions ro;
  ro.unmasked = true;
  auto r = ReadRecord(*store_, v1::KIND_PERSON, 1, ro);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
      << r.status();
  EXPECT_TRUE(ReadRecord(*store_, v1::KIND_PERSON, 1, {}).ok());
}

TEST_F(AuditTest, ImportsAndExportsAreAudited) {
  v1::Person p = SamplePerson();
  p.mutable_meta()->mutable_source()->set_file("名单.csv");
  p.mutable_meta()->mutable_source()->set_line(2);
  ASSERT_TRUE(store_->Create(&p, By("导入")).ok());
  ExportOptions o;
  o.unmasked = true;
  o.actor = "导出人";
  std::ostringstream out;
  ASSERT_TRUE(Export(*store_, "person where name = \"张三\"", o, out).ok());
  EXPECT_THAT(out.str(), HasSubstr(kResidentId));
  const std::vector<v1::AuditEntry> e = Entries();
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].action(), v1::AuditEntry::ACTION_IMPORT);
  EXPECT_EQ(e[0].source_file(), "名单.csv");
  EXPECT_EQ(e[1].action(), v1::AuditEntry::ACTION_UNMASKED_READ);
  EXPECT_EQ(e[1].actor(), "导出人");
  EXPECT_THAT(e[1].note(), HasSubstr("export"));
}

TEST_F(AuditTest, HistoryRowsAreMaskedOrAudited) {
  v1::Person p = SamplePerson();
  ASSERT_TRUE(store_->Create(&p).ok());
  p.mutable_contacts(0)->set_value("13900001111");
  ASSERT_TRUE(store_->Update(&p).ok());
  auto masked = ReadHistory(*store_, v1::KIND_PERSON, 1, {});
  ASSERT_TRUE(masked.ok()) << masked.status();
  ASSERT_EQ(masked->size(), 2u);
  for (const v1::ChangeRecord& c : *masked) {
    v1::Person row;
    ASSERT_TRUE(row.ParseFromString(c.row()));
    EXPECT_EQ(row.identity_documents(0).number(), "110105********002X");
    EXPECT_THAT(c.row(), Not(HasSubstr("1391234")));
    EXPECT_THAT(c.row(), Not(HasSubstr("1390000")));
  }
  EXPECT_EQ(Entries().size(), 2u);  // Two changes; masked reads unlogged.
  ReadOptions ro;
  ro.unmasked = true;
  ro.actor = "审计员";
  auto raw = ReadHistory(*store_, v1::KIND_PERSON, 1, ro);
  ASSERT_TRUE(raw.ok());
  EXPECT_THAT((*raw)[0].row(), HasSubstr("13912345678"));
  const std::vector<v1::AuditEntry> e = Entries();
  ASSERT_EQ(e.size(), 4u);  // One entry per revision shown.
  EXPECT_EQ(e[3].action(), v1::AuditEntry::ACTION_UNMASKED_READ);
  EXPECT_EQ(e[3].note(), "history");
}

TEST_F(AuditTest, ConcurrentWritersAndUnmaskedReadersKeepOneChain) {
  v1::Person seed = SamplePerson();
  ASSERT_TRUE(store_->Create(&seed).ok());
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::Person p;
        p.set_name(absl::StrCat("并发", t, "-", i));
        EXPECT_TRUE(store_->Create(&p).ok());
      }
    });
    threads.emplace_back([this] {
      ReadOptions ro;
      ro.unmasked = true;
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_TRUE(ReadRecord(*store_, v1::KIND_PERSON, 1, ro).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::vector<v1::AuditEntry> e = Entries();
  ASSERT_EQ(e.size(), 1u + 4 * kPerThread);
  for (size_t i = 0; i < e.size(); ++i) ASSERT_EQ(e[i].seq(), i + 1);
  EXPECT_THAT(Problems(), IsEmpty());
}

TEST_F(AuditTest, ChainSurvivesReopenAndFilters) {
  FourEntries();
  Reopen();
  v1::Enterprise ent;
  ent.set_name("常州三久制造有限公司");
  ASSERT_TRUE(store_->Create(&ent).ok());
  EXPECT_EQ(Entries().back().seq(), 5u);
  EXPECT_THAT(Problems(), IsEmpty());
  AuditFilter f;
  f.kind = v1::KIND_ENTERPRISE;
  EXPECT_EQ(ListAudit(*store_, f)->size(), 1u);
  f = {};
  f.from = absl::Now() + absl::Hours(1);
  EXPECT_THAT(*ListAudit(*store_, f), IsEmpty());
  f = {};
  f.to = absl::Now() + absl::Hours(1);
  f.after_seq = 3;
  EXPECT_EQ(ListAudit(*store_, f)->size(), 2u);
}

TEST_F(AuditTest, VerifyNamesAnAlteredEntry) {
  FourEntries();
  {
    auto db = RawDb();
    const std::string key = storage::AuditKey(2);
    std::string value;
    ASSERT_TRUE(db->Get({}, key, &value).ok());
    v1::AuditRecord rec;
    ASSERT_TRUE(rec.ParseFromString(value));
    v1::AuditEntry e;
    ASSERT_TRUE(e.ParseFromString(rec.entry()));
    e.set_actor("别人");  // Blame someone else; keep the stored hash.
    rec.set_entry(e.SerializeAsString());
    ASSERT_TRUE(db->Put({}, key, rec.SerializeAsString()).ok());
  }
  const std::vector<std::string> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("entry 2 (audit(2))"));
  EXPECT_THAT(problems[0], HasSubstr("hash does not match"));
}

TEST_F(AuditTest, VerifyDetectsFlippedBytes) {
  FourEntries();
  {
    auto db = RawDb();
    std::string value;
    ASSERT_TRUE(db->Get({}, storage::AuditKey(3), &value).ok());
    value[value.size() / 2] ^= 0x01;
    ASSERT_TRUE(db->Put({}, storage::AuditKey(3), value).ok());
  }
  const std::vector<std::string> p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_THAT(p[0], HasSubstr("entry 3"));
}

TEST_F(AuditTest, VerifyDetectsARemovedEntry) {
  FourEntries();
  {
    auto db = RawDb();
    ASSERT_TRUE(db->Delete({}, storage::AuditKey(2)).ok());
  }
  const std::vector<std::string> p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_THAT(p[0], HasSubstr("entry 3 (audit(3)): entries 2..2 are missing"));
}

TEST_F(AuditTest, VerifyDetectsReorderedEntries) {
  FourEntries();
  {
    auto db = RawDb();
    std::string two, three;
    ASSERT_TRUE(db->Get({}, storage::AuditKey(2), &two).ok());
    ASSERT_TRUE(db->Get({}, storage::AuditKey(3), &three).ok());
    leveldb::WriteBatch b;
    b.Put(storage::AuditKey(2), three);
    b.Put(storage::AuditKey(3), two);
    ASSERT_TRUE(db->Write({}, &b).ok());
  }
  const std::vector<std::string> p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_THAT(p[0], HasSubstr("entry 2"));
  EXPECT_THAT(absl::StrJoin(p, "\n"), HasSubstr("reordered"));
}

TEST_F(AuditTest, ExpectedHeadDetectsATruncatedLog) {
  FourEntries();
  auto before = VerifyAudit(*store_);
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(before->ok());
  const std::string head = before->head_hash;
  EXPECT_EQ(head.size(), 64u);
  {
    auto db = RawDb();
    ASSERT_TRUE(db->Delete({}, storage::AuditKey(4)).ok());
  }
  Reopen();
  auto plain = VerifyAudit(*store_);
  EXPECT_TRUE(plain->ok());  // A cut-off tail chains: only the head shows it.
  auto anchored = VerifyAudit(*store_, head);
  ASSERT_TRUE(anchored.ok());
  ASSERT_EQ(anchored->problems.size(), 1u);
  EXPECT_THAT(anchored->problems[0], HasSubstr("cut off"));
}

// --- Erasure ----------------------------------------------------------------

class EraseTest : public AuditTest {
 protected:
  // A minor with a distinctive name, ID number and phone, updated once (the
  // old phone stays in history), and an event that refers to them.
  uint64_t AddErasable() {
    v1::Person p;
    p.set_name(kErasedName);
    p.mutable_birth_date()->set_year(2009);
    p.mutable_birth_date()->set_month(5);
    p.mutable_birth_date()->set_day(17);
    auto* doc = p.add_identity_documents();
    doc->set_type(v1::IdentityDocument::TYPE_RESIDENT_ID);
    doc->set_issuing_country("CN");
    doc->set_number(kErasedId);
    auto* c = p.add_contacts();
    c->set_type(v1::Contact::TYPE_PHONE);
    c->set_value(kErasedOldPhone);
    auto id = store_->Create(&p, By("甲"));
    EXPECT_TRUE(id.ok()) << id.status();
    p.mutable_contacts(0)->set_value(kErasedPhone);
    EXPECT_TRUE(store_->Update(&p, By("甲")).ok());
    return *id;
  }

  uint64_t AddEventWith(uint64_t person) {
    v1::Event ev;
    ev.set_type(v1::Event::TYPE_GREETING_VISIT);
    ev.mutable_date()->set_year(2020);
    ev.mutable_date()->set_month(1);
    ev.mutable_date()->set_day(6);
    ev.set_title("春节走访");
    auto* part = ev.add_participants();
    part->mutable_ref()->set_kind(v1::KIND_PERSON);
    part->mutable_ref()->set_id(person);
    part->set_role(v1::Event::Participant::ROLE_VISITED);
    auto id = store_->Create(&ev);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  // Which of the values occur in any file of the store directory.
  std::vector<std::string> Leaks() {
    std::vector<std::string> found;
    for (const auto& f :
         std::filesystem::directory_iterator(dir_.Sub("store"))) {
      std::ifstream in(f.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      for (const char* v :
           {kErasedName, kErasedId, kErasedPhone, kErasedOldPhone}) {
        if (bytes.find(v) != std::string::npos) {
          found.push_back(absl::StrCat(f.path().filename().string(), ": ", v));
        }
      }
    }
    return found;
  }
};

TEST_F(EraseTest, RefusesWhileReferencedUnlessForced) {
  const uint64_t person = AddErasable();
  const uint64_t event = AddEventWith(person);
  auto refused = Erase(*store_, v1::KIND_PERSON, person, {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(),
              HasSubstr(absl::StrCat("event ", event, " (participants.ref)")));
  EXPECT_TRUE(store_->Get(v1::KIND_PERSON, person).ok());

  EraseOptions o;
  o.force = true;
  o.actor = "管理员";
  auto r = Erase(*store_, v1::KIND_PERSON, person, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->unlinked, ElementsAre(absl::StrCat("event ", event,
                                                    " (participants.ref)")));
  auto ev = store_->Get(v1::KIND_EVENT, event);
  ASSERT_TRUE(ev.ok());
  const auto& e = static_cast<const v1::Event&>(**ev);
  EXPECT_EQ(e.meta().revision(), 2u);
  ASSERT_EQ(e.participants_size(), 1u);
  EXPECT_FALSE(e.participants(0).has_ref());
  EXPECT_EQ(e.participants(0).role(), v1::Event::Participant::ROLE_VISITED);
  const std::vector<v1::AuditEntry> entries = Entries();
  ASSERT_GE(entries.size(), 2u);
  EXPECT_EQ(entries[entries.size() - 2].action(),
            v1::AuditEntry::ACTION_UPDATE);
  EXPECT_THAT(entries[entries.size() - 2].note(),
              HasSubstr("unlinked from erased person"));
  EXPECT_EQ(entries.back().action(), v1::AuditEntry::ACTION_ERASE);
  EXPECT_EQ(entries.back().actor(), "管理员");
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(v->problems, IsEmpty());
}

TEST_F(EraseTest, ValuesAreGoneFromEveryFile) {
  // Other records, so that the erased person's keys sit among others.
  for (int i = 0; i < 200; ++i) {
    v1::Person p;
    p.set_name(absl::StrCat("人员", i));
    auto* c = p.add_contacts();
    c->set_type(v1::Contact::TYPE_PHONE);
    c->set_value(absl::StrCat("+86139", 10000000 + i));
    ASSERT_TRUE(store_->Create(&p).ok());
  }
  const uint64_t person = AddErasable();
  Reopen();  // LevelDB turns its log into a table: values now in a table.
  EXPECT_THAT(Leaks(), Not(IsEmpty()));  // The check can see them.
  const uint64_t before = *store_->Count(v1::KIND_PERSON);

  EraseOptions o;
  o.actor = "管理员";
  auto r = Erase(*store_, v1::KIND_PERSON, person, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->was_live);
  EXPECT_EQ(r->revisions, 2u);
  EXPECT_EQ(r->stray_entries, 0u);
  EXPECT_EQ(*store_->Count(v1::KIND_PERSON), before - 1);
  EXPECT_EQ(store_->Get(v1::KIND_PERSON, person).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->History(v1::KIND_PERSON, person).status().code(),
            absl::StatusCode::kNotFound);
  auto q = store_->Query(
      absl::StrCat("person where id_number = \"", kErasedId, "\""));
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_THAT(q->records, IsEmpty());
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(v->problems, IsEmpty());
  EXPECT_EQ(Entries().back().action(), v1::AuditEntry::ACTION_ERASE);
  EXPECT_THAT(Entries().back().fields(), Not(IsEmpty()));

  // Tables and logs right away; the MANIFEST (table boundaries) once the
  // store has been opened again.
  Reopen();
  store_.reset();
  EXPECT_THAT(Leaks(), IsEmpty());
  Reopen();
  EXPECT_THAT(Problems(), IsEmpty());
  EXPECT_EQ(Erase(*store_, v1::KIND_PERSON, person, {}).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(EraseTest, ValuesWrittenInThisSessionAreGoneToo) {
  // The record's whole life in one memtable: no table holds it yet.
  const uint64_t person = AddErasable();
  auto r = Erase(*store_, v1::KIND_PERSON, person, {});
  ASSERT_TRUE(r.ok()) << r.status();
  store_.reset();
  Reopen();
  store_.reset();
  EXPECT_THAT(Leaks(), IsEmpty());
}

TEST_F(EraseTest, KeysOfRegisteredProducersAreDeletedForEveryRevision) {
  // A stand-in for a search index kept outside the index registry: one key
  // per name the person ever had, in a keyspace of its own.
  auto key_of = [](const std::string& name, uint64_t id) {
    std::string k = "\x7F";
    k += name;
    storage::PutU64(&k, id);
    return k;
  };
  privacy::RegisterDerivedKeys(
      "test", [key_of](Kind kind, uint64_t id,
                       const google::protobuf::Message& revision) {
        std::vector<std::string> keys;
        if (kind == v1::KIND_PERSON) {
          keys.push_back(
              key_of(static_cast<const v1::Person&>(revision).name(), id));
        }
        return keys;
      });
  const uint64_t person = AddErasable();
  auto stored = store_->Get(v1::KIND_PERSON, person);
  v1::Person p = static_cast<const v1::Person&>(**stored);
  p.set_name("新名字");
  ASSERT_TRUE(store_->Update(&p).ok());
  storage::Db& db = internal::StoreAccess::db(*store_);
  leveldb::WriteBatch b;
  b.Put(key_of(kErasedName, person), "");
  b.Put(key_of("新名字", person), "");
  b.Put(key_of("别人", person + 1), "");
  ASSERT_TRUE(db.Write(&b, false).ok());

  ASSERT_TRUE(Erase(*store_, v1::KIND_PERSON, person, {}).ok());
  privacy::UnregisterDerivedKeys("test");
  EXPECT_FALSE(db.Get(key_of(kErasedName, person))->has_value());
  EXPECT_FALSE(db.Get(key_of("新名字", person))->has_value());
  EXPECT_TRUE(db.Get(key_of("别人", person + 1))->has_value());
}

TEST_F(EraseTest, DeletedRecordsAndOtherHoldersOfOldUniqueValues) {
  const uint64_t person = AddErasable();
  // The person changes document; someone else then takes the old number
  // (unique per type + country + number).
  auto stored = store_->Get(v1::KIND_PERSON, person);
  v1::Person p = static_cast<const v1::Person&>(**stored);
  p.mutable_identity_documents(0)->set_number("11010519491231002X");
  ASSERT_TRUE(store_->Update(&p).ok());
  v1::Person other;
  other.set_name("王五");
  auto* doc = other.add_identity_documents();
  doc->set_type(v1::IdentityDocument::TYPE_RESIDENT_ID);
  doc->set_issuing_country("CN");
  doc->set_number(kErasedId);
  auto other_id = store_->Create(&other);
  ASSERT_TRUE(other_id.ok()) << other_id.status();
  ASSERT_TRUE(store_->Delete(v1::KIND_PERSON, person).ok());

  auto r = Erase(*store_, v1::KIND_PERSON, person, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->was_live);
  EXPECT_EQ(r->revisions, 4u);  // create, update, update, delete.
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(v->problems, IsEmpty());  // 王五's unique key survived.
  auto q = store_->Query(
      absl::StrCat("person where id_number = \"", kErasedId, "\""));
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->records.size(), 1u);
  EXPECT_EQ(MetaOf(*q->records[0]).id(), *other_id);
  v1::Person dup = other;
  dup.clear_meta();
  EXPECT_EQ(store_->Create(&dup).status().code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace qiaolian
