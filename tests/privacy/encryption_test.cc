// Encryption at rest of sensitive fields (StoreOptions::encryption_key,
// src/privacy/encryption.h, docs/privacy.md).
#include "src/privacy/encryption.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "qiaolian/duplicates.h"
#include "qiaolian/privacy.h"
#include "qiaolian/repair.h"
#include "qiaolian/search.h"
#include "qiaolian/store.h"
#include "src/api/store_access.h"
#include "src/storage/key_codec.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using testing::TempDir;

// Distinctive values that occur nowhere else in a store.
constexpr char kName[] = "司马清扬";
constexpr char kIdNumber[] = "320413200905170026";  // Valid mod-11.
constexpr char kPhone[] = "+8613912398765";
constexpr char kOldPhone[] = "+8613800445566";
constexpr char kAddress[] = "金坛区尧塘镇谢桥村七十七号";

std::string Key(char fill) { return std::string(32, fill); }

v1::Person Secretive() {
  v1::Person p;
  p.set_name(kName);
  auto* doc = p.add_identity_documents();
  doc->set_type(v1::IdentityDocument::TYPE_RESIDENT_ID);
  doc->set_issuing_country("CN");
  doc->set_number(kIdNumber);
  auto* c = p.add_contacts();
  c->set_type(v1::Contact::TYPE_PHONE);
  c->set_value(kOldPhone);
  p.mutable_address()->set_country("CN");
  p.mutable_address()->set_text(kAddress);
  return p;
}

class EncryptionTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(Key('k')); }

  StoreOptions Options(const std::string& key) const {
    StoreOptions o;
    o.encryption_key = key;
    return o;
  }
  void Open(const std::string& key) {
    store_.reset();
    auto s = Store::Open(dir_.Sub("store"), Options(key));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  absl::Status TryOpen(const std::string& key) {
    store_.reset();
    return Store::Open(dir_.Sub("store"), Options(key)).status();
  }

  // Creates the secretive person (its old phone then only in history) among
  // `others` ordinary ones; returns its id.
  uint64_t AddSecretive(int others = 0) {
    for (int i = 0; i < others; ++i) {
      v1::Person p;
      p.set_name(absl::StrCat("人员", i));
      auto* c = p.add_contacts();
      c->set_type(v1::Contact::TYPE_PHONE);
      c->set_value(absl::StrCat("+86139", 10000000 + i));
      EXPECT_TRUE(store_->Create(&p).ok());
    }
    v1::Person p = Secretive();
    auto id = store_->Create(&p);
    EXPECT_TRUE(id.ok()) << id.status();
    p.mutable_contacts(0)->set_value(kPhone);
    EXPECT_TRUE(store_->Update(&p).ok());
    return id.ok() ? *id : 0;
  }

  // Which of the values occur in any file of the store directory.
  std::vector<std::string> Found(const std::vector<std::string>& values) {
    std::vector<std::string> found;
    for (const auto& f :
         std::filesystem::directory_iterator(dir_.Sub("store"))) {
      std::ifstream in(f.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      for (const std::string& v : values) {
        if (bytes.find(v) != std::string::npos) {
          found.push_back(absl::StrCat(f.path().filename().string(), ": ", v));
        }
      }
    }
    return found;
  }
  std::vector<std::string> Secrets() {
    return {kIdNumber, kPhone, kOldPhone, kAddress};
  }

  leveldb::DB* Raw() { return internal::StoreAccess::db(*store_).raw(); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(EncryptionTest, ReadersSeePlaintext) {
  const uint64_t id = AddSecretive();
  auto got = store_->Get(v1::KIND_PERSON, id);
  ASSERT_TRUE(got.ok()) << got.status();
  const auto& p = static_cast<const v1::Person&>(**got);
  EXPECT_EQ(p.identity_documents(0).number(), kIdNumber);
  EXPECT_EQ(p.contacts(0).value(), kPhone);
  EXPECT_EQ(p.address().text(), kAddress);
  EXPECT_EQ(p.address().country(), "CN");  // Not sensitive: as is.

  // The row itself holds envelopes, not values.
  std::string raw;
  ASSERT_TRUE(Raw()
                  ->Get(leveldb::ReadOptions(),
                        storage::RowKey(v1::KIND_PERSON, id), &raw)
                  .ok());
  v1::Person stored;
  ASSERT_TRUE(stored.ParseFromString(raw));
  EXPECT_TRUE(absl::StartsWith(stored.identity_documents(0).number(),
                               privacy::kEnvelopePrefix));
  EXPECT_TRUE(
      absl::StartsWith(stored.contacts(0).value(), privacy::kEnvelopePrefix));
  EXPECT_EQ(stored.name(), kName);

  auto history = store_->History(v1::KIND_PERSON, id);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_THAT(*history, SizeIs(2));
  v1::Person first;
  ASSERT_TRUE(first.ParseFromString((*history)[0].row()));
  EXPECT_EQ(first.contacts(0).value(), kOldPhone);

  size_t scanned = 0;
  ASSERT_TRUE(store_
                  ->Scan(v1::KIND_PERSON, 1,
                         [&](const google::protobuf::Message& m) {
                           const auto& s = static_cast<const v1::Person&>(m);
                           EXPECT_EQ(s.address().text(), kAddress);
                           ++scanned;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(scanned, 1u);

  // The masked layer masks the decrypted values, as for a plain store.
  ReadOptions ro;
  auto masked = ReadRecord(*store_, v1::KIND_PERSON, id, ro);
  ASSERT_TRUE(masked.ok()) << masked.status();
  EXPECT_EQ(static_cast<const v1::Person&>(**masked).contacts(0).value(),
            "+86*******8765");

  // And after a reopen with the key.
  Open(Key('k'));
  got = store_->Get(v1::KIND_PERSON, id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(
      static_cast<const v1::Person&>(**got).identity_documents(0).number(),
      kIdNumber);
}

TEST_F(EncryptionTest, PlaintextIsInNoFileAfterWritesAndCompaction) {
  // The check can see values: a plain store next door holds them.
  {
    TempDir plain;
    auto s = Store::Open(plain.Sub("store"));
    ASSERT_TRUE(s.ok());
    v1::Person p = Secretive();
    ASSERT_TRUE((*s)->Create(&p).ok());
    s->reset();
    bool seen = false;
    for (const auto& f :
         std::filesystem::directory_iterator(plain.Sub("store"))) {
      std::ifstream in(f.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      seen = seen || bytes.find(kIdNumber) != std::string::npos;
    }
    EXPECT_TRUE(seen);
  }
  const uint64_t id = AddSecretive(200);
  Open(Key('k'));  // The log becomes a table.
  Raw()->CompactRange(nullptr, nullptr);
  Open(Key('k'));
  // Names are not encrypted: the search sees the tables' contents.
  EXPECT_THAT(Found({kName}), Not(IsEmpty()));
  EXPECT_THAT(Found(Secrets()), IsEmpty());
  // ...and the store still answers with them.
  auto got = store_->Get(v1::KIND_PERSON, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(static_cast<const v1::Person&>(**got).contacts(0).value(), kPhone);
}

TEST_F(EncryptionTest, EqualityQueriesStayIndexLookups) {
  const uint64_t id = AddSecretive(50);
  for (const std::string& q :
       {absl::StrCat("person where id_number = \"", kIdNumber, "\""),
        absl::StrCat("person where contact = \"", kPhone, "\""),
        absl::StrCat("person where contacts.value in (\"", kPhone,
                     "\", \"+8600000000000\")"),
        absl::StrCat("person where identity_documents.number = \"", kIdNumber,
                     "\" and name = \"", kName, "\"")}) {
    auto page = store_->Query(q);  // No allow_scan: an index must serve it.
    ASSERT_TRUE(page.ok()) << q << ": " << page.status();
    ASSERT_THAT(page->records, SizeIs(1)) << q;
    EXPECT_EQ(MetaOf(*page->records[0]).id(), id);
    auto plan = store_->Explain(q);
    ASSERT_TRUE(plan.ok());
    EXPECT_THAT(*plan, Not(HasSubstr("scan"))) << *plan;
  }
  auto plan = store_->Explain(
      absl::StrCat("person where id_number = \"", kIdNumber, "\""));
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(*plan, HasSubstr("person.identity_documents.number"));
  // The old phone is only in history: no index entry finds it.
  auto old =
      store_->Query(absl::StrCat("person where contact = \"", kOldPhone, "\""));
  ASSERT_TRUE(old.ok());
  EXPECT_THAT(old->records, IsEmpty());
  // Not-equal and exists work on the row (decrypted).
  auto ne = store_->Query(absl::StrCat("person where name = \"", kName,
                                       "\" and contact != \"", kPhone, "\""));
  ASSERT_TRUE(ne.ok()) << ne.status();
  EXPECT_THAT(ne->records, IsEmpty());
}

TEST_F(EncryptionTest, OrderingUsesOfEncryptedFieldsAreRefused) {
  AddSecretive();
  QueryOptions scan;
  scan.allow_scan = true;
  for (const char* q : {"person where id_number > \"3204\"",
                        "person where contact prefix \"+86139\"",
                        "person where id_number between \"1\" and \"4\"",
                        "person where name = \"x\" order by id_number"}) {
    auto page = store_->Query(q, scan);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << q;
    EXPECT_THAT(page.status().message(), HasSubstr("encrypts")) << q;
  }
  auto agg = store_->Aggregate("person group by contact", scan);
  EXPECT_EQ(agg.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(agg.status().message(), HasSubstr("keyed hashes"));
  // A plain store takes the same queries.
  TempDir plain;
  auto s = Store::Open(plain.Sub("store"));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE((*s)->Query("person where id_number > \"3204\"").ok());
}

TEST_F(EncryptionTest, UniqueKeysHoldOnHashes) {
  AddSecretive();
  v1::Person twin = Secretive();
  twin.set_name("另一人");
  auto dup = store_->Create(&twin);
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists)
      << dup.status();
  EXPECT_THAT(dup.status().message(), Not(HasSubstr(kIdNumber)));
  twin.mutable_identity_documents(0)->set_number("11010519491231002X");
  EXPECT_TRUE(store_->Create(&twin).ok());
}

TEST_F(EncryptionTest, MissingWrongOrShortKeyIsRefused) {
  AddSecretive();
  absl::Status st = TryOpen("");
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_THAT(st.message(), HasSubstr("open it with its key"));
  StoreOptions ro;
  ro.read_only = true;
  EXPECT_EQ(Store::Open(dir_.Sub("store"), ro).status().code(),
            absl::StatusCode::kFailedPrecondition);
  st = TryOpen(Key('x'));
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << st;
  EXPECT_THAT(st.message(), HasSubstr("wrong encryption key"));
  st = TryOpen("short");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_THAT(st.message(), HasSubstr("32 bytes"));
  // The right key still opens it (read-only too).
  StoreOptions rok = Options(Key('k'));
  rok.read_only = true;
  EXPECT_TRUE(Store::Open(dir_.Sub("store"), rok).ok());
}

TEST_F(EncryptionTest, PlainStoresWithRecordsRefuseAKeyEmptyOnesTakeIt) {
  TempDir other;
  {
    auto s = Store::Open(other.Sub("plain"));
    ASSERT_TRUE(s.ok());
    v1::Person p;
    p.set_name("甲");
    ASSERT_TRUE((*s)->Create(&p).ok());
  }
  StoreOptions o = Options(Key('k'));
  absl::Status st = Store::Open(other.Sub("plain"), o).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_THAT(st.message(), HasSubstr("created without encryption"));
  EXPECT_TRUE(Store::Open(other.Sub("plain")).ok());  // Unchanged.

  // A store that never held a record turns encryption on at first keyed open.
  ASSERT_TRUE(Store::Open(other.Sub("empty")).ok());
  ASSERT_TRUE(Store::Open(other.Sub("empty"), o).ok());
  EXPECT_EQ(Store::Open(other.Sub("empty")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(EncryptionTest, VerifyReindexRepairAndEraseWork) {
  const uint64_t id = AddSecretive(20);
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_THAT(v->problems, IsEmpty());
  EXPECT_GT(v->unique_entries, 0u);
  ASSERT_TRUE(store_->Reindex().ok());
  v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(v->problems, IsEmpty());
  const std::string q =
      absl::StrCat("person where id_number = \"", kIdNumber, "\"");
  auto page = store_->Query(q);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->records, SizeIs(1));

  store_.reset();
  RepairOptions ro;
  ro.encryption_key = Key('k');
  auto repaired = RepairStore(dir_.Sub("store"), ro);
  ASSERT_TRUE(repaired.ok()) << repaired.status();
  EXPECT_THAT(repaired->verify.problems, IsEmpty());
  EXPECT_EQ(RepairStore(dir_.Sub("store")).status().code(),
            absl::StatusCode::kFailedPrecondition);

  Open(Key('k'));
  page = store_->Query(q);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->records, SizeIs(1));
  EraseOptions eo;
  auto erased = Erase(*store_, v1::KIND_PERSON, id, eo);
  ASSERT_TRUE(erased.ok()) << erased.status();
  page = store_->Query(q);
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(page->records, IsEmpty());
  v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(v->problems, IsEmpty());
}

TEST_F(EncryptionTest, MovedCiphertextDoesNotDecrypt) {
  const uint64_t a = AddSecretive();
  v1::Person other;
  other.set_name("乙");
  auto* doc = other.add_identity_documents();
  doc->set_type(v1::IdentityDocument::TYPE_PASSPORT);
  doc->set_number("E12345678");
  auto b = store_->Create(&other);
  ASSERT_TRUE(b.ok());

  std::string row_a, row_b;
  const std::string key_a = storage::RowKey(v1::KIND_PERSON, a);
  const std::string key_b = storage::RowKey(v1::KIND_PERSON, *b);
  ASSERT_TRUE(Raw()->Get(leveldb::ReadOptions(), key_a, &row_a).ok());
  ASSERT_TRUE(Raw()->Get(leveldb::ReadOptions(), key_b, &row_b).ok());
  // A's document number, as stored, put into B at the same field.
  v1::Person stored_a, stored_b;
  ASSERT_TRUE(stored_a.ParseFromString(row_a));
  ASSERT_TRUE(stored_b.ParseFromString(row_b));
  stored_b.mutable_identity_documents(0)->set_number(
      stored_a.identity_documents(0).number());
  ASSERT_TRUE(
      Raw()
          ->Put(leveldb::WriteOptions(), key_b, stored_b.SerializeAsString())
          .ok());
  auto got = store_->Get(v1::KIND_PERSON, *b);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
  EXPECT_THAT(got.status().message(),
              HasSubstr("identity_documents[0].number does not decrypt"));

  // Within one record, from one field to another.
  stored_a.mutable_contacts(0)->set_value(
      stored_a.identity_documents(0).number());
  ASSERT_TRUE(
      Raw()
          ->Put(leveldb::WriteOptions(), key_a, stored_a.SerializeAsString())
          .ok());
  got = store_->Get(v1::KIND_PERSON, a);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(got.status().message(), HasSubstr("contacts[0].value"));
  // Verify names the damaged rows.
  auto v = store_->Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_THAT(v->problems, Not(IsEmpty()));

  // The whole row of A as B's row: every value is bound to A.
  ASSERT_TRUE(Raw()->Put(leveldb::WriteOptions(), key_b, row_a).ok());
  EXPECT_EQ(store_->Get(v1::KIND_PERSON, *b).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(EncryptionTest, SearchLeavesAddressesOutCodesAndDuplicatesByPhoneStay) {
  const uint64_t id = AddSecretive(5);
  auto by_name = Search(*store_, v1::KIND_PERSON, kName);
  ASSERT_TRUE(by_name.ok()) << by_name.status();
  ASSERT_THAT(*by_name, Not(IsEmpty()));
  EXPECT_EQ((*by_name)[0].id, id);
  auto by_address = Search(*store_, v1::KIND_PERSON, "尧塘镇谢桥村");
  ASSERT_TRUE(by_address.ok()) << by_address.status();
  EXPECT_THAT(*by_address, IsEmpty());
  // The phone and the identity number, stored encrypted, still find it
  // (their index entries are keyed hashes); the old phone no longer does.
  for (const char* code : {kPhone, kIdNumber}) {
    auto by_code = Search(*store_, v1::KIND_PERSON, code);
    ASSERT_TRUE(by_code.ok()) << by_code.status();
    ASSERT_EQ(by_code->size(), 1u) << code;
    EXPECT_EQ((*by_code)[0].id, id);
    EXPECT_EQ((*by_code)[0].score, 100);
  }
  // The phone written otherwise, by its digits (a keyed hash of them).
  auto by_digits = Search(*store_, v1::KIND_PERSON, "+86 139-1239-8765");
  ASSERT_TRUE(by_digits.ok()) << by_digits.status();
  ASSERT_EQ(by_digits->size(), 1u);
  EXPECT_EQ((*by_digits)[0].id, id);
  EXPECT_EQ((*by_digits)[0].text, kName);
  auto by_old = Search(*store_, v1::KIND_PERSON, kOldPhone);
  ASSERT_TRUE(by_old.ok()) << by_old.status();
  EXPECT_THAT(*by_old, IsEmpty());

  v1::Person again;
  again.set_name("司马清");
  auto* c = again.add_contacts();
  c->set_type(v1::Contact::TYPE_PHONE);
  c->set_value(kPhone);
  auto dups = FindDuplicatesOf(*store_, again);
  ASSERT_TRUE(dups.ok()) << dups.status();
  bool found = false;
  for (const DuplicatePair& d : *dups) found = found || d.b == id;
  EXPECT_TRUE(found);
}

TEST(FieldEncryptionTest, SealOpenAndKeyedHash) {
  auto e = privacy::FieldEncryption::Create(Key('k'));
  ASSERT_TRUE(e.ok());
  auto sealed = (*e)->Seal("ad", "secret");
  ASSERT_TRUE(sealed.ok());
  EXPECT_THAT(*sealed, Not(HasSubstr("secret")));
  auto again = (*e)->Seal("ad", "secret");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*sealed, *again);  // A fresh nonce each time.
  auto opened = (*e)->Open("ad", *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "secret");
  EXPECT_EQ((*e)->Open("other ad", *sealed).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ((*e)->Open("ad", "secret").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ((*e)->IndexHash("x").size(), privacy::kIndexHashBytes);
  EXPECT_EQ((*e)->IndexHash("x"), (*e)->IndexHash("x"));
  EXPECT_NE((*e)->IndexHash("x"), (*e)->IndexHash("y"));
  auto other = privacy::FieldEncryption::Create(Key('o'));
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*e)->IndexHash("x"), (*other)->IndexHash("x"));
  EXPECT_NE((*e)->key_check(), (*other)->key_check());
  EXPECT_EQ((*other)->Open("ad", *sealed).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(privacy::FieldEncryption::Create("short").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qiaolian
