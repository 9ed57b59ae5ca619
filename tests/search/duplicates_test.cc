// Duplicate candidates, scoring, and merge (no dangling Refs afterwards).
#include "qiaolian/duplicates.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "qiaolian/privacy.h"
#include "qiaolian/search.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/case.pb.h"
#include "qiaolian/v1/donation.pb.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/event.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "src/search/terms.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using testing::TempDir;

class DuplicatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  uint64_t Create(google::protobuf::Message* m) {
    auto id = store_->Create(m);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  uint64_t Person(const std::string& name, int y = 0, int m = 0, int d = 0,
                  const std::string& phone = "", const std::string& doc = "",
                  const std::string& doc_country = "SG") {
    v1::Person p;
    p.set_name(name);
    if (y != 0) {
      p.mutable_birth_date()->set_year(y);
      p.mutable_birth_date()->set_month(m);
      p.mutable_birth_date()->set_day(d);
    }
    if (!phone.empty()) {
      auto* c = p.add_contacts();
      c->set_type(v1::Contact::TYPE_PHONE);
      c->set_value(phone);
    }
    if (!doc.empty()) {
      auto* i = p.add_identity_documents();
      i->set_type(v1::IdentityDocument::TYPE_PASSPORT);
      i->set_number(doc);
      i->set_issuing_country(doc_country);
    }
    return Create(&p);
  }

  static const DuplicatePair* Find(const std::vector<DuplicatePair>& pairs,
                                   uint64_t a, uint64_t b) {
    for (const DuplicatePair& p : pairs) {
      if ((p.a == a && p.b == b) || (p.a == b && p.b == a)) return &p;
    }
    return nullptr;
  }

  static bool Mentions(const DuplicatePair& p, const std::string& word) {
    for (const std::string& r : p.reasons) {
      if (r.find(word) != std::string::npos) return true;
    }
    return false;
  }

  // Every Ref to (kind, id) anywhere in the store, as "kind id".
  std::vector<std::string> RefsTo(Kind kind, uint64_t id) {
    std::vector<std::string> out;
    for (Kind k : kAllKinds) {
      EXPECT_TRUE(store_
                      ->Scan(k, 0,
                             [&](const google::protobuf::Message& m) {
                               std::string json = RecordToJson(m).value();
                               const std::string needle =
                                   absl::StrCat("\"id\":\"", id, "\"");
                               // Refs render as {"kind":"KIND_X","id":"N"}.
                               const std::string kind_json = absl::StrCat(
                                   "\"kind\":\"", v1::Kind_Name(kind), "\",",
                                   needle);
                               if (json.find(kind_json) != std::string::npos) {
                                 out.push_back(absl::StrCat(KindName(k), " ",
                                                            MetaOf(m).id()));
                               }
                               return true;
                             })
                      .ok());
    }
    return out;
  }

  void ExpectVerifyClean() {
    auto r = store_->Verify();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->problems.empty()) << r->problems[0];
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DuplicatesTest, PeopleCandidatesWithScoresAndReasons) {
  const uint64_t a =
      Person("陈伟", 1960, 1, 2, "+86 139 0000 0001", "E1234567");
  const uint64_t b = Person("陳偉", 1960, 1, 2);                // Name + birth.
  const uint64_t c = Person("Wei Chen");                        // Other script.
  const uint64_t d = Person("陈大伟", 0, 0, 0, "13900000001");  // Phone.
  const uint64_t e = Person("李娜", 1960, 1, 2);
  const uint64_t f = Person("陈伟", 1970, 5, 5);  // Another 陈伟.
  const uint64_t g =
      Person("CHEN Wei Alan", 0, 0, 0, "", "E1234567", "MY");  // Doc.
  auto pairs = FindDuplicates(*store_, v1::KIND_PERSON);
  ASSERT_TRUE(pairs.ok()) << pairs.status();

  const DuplicatePair* ab = Find(*pairs, a, b);
  ASSERT_NE(ab, nullptr);
  EXPECT_EQ(ab->score, 90);
  EXPECT_TRUE(Mentions(*ab, "same name 陈伟 and birth date 1960-01-02"));

  const DuplicatePair* ag = Find(*pairs, a, g);
  ASSERT_NE(ag, nullptr);
  EXPECT_EQ(ag->score, 100);
  EXPECT_TRUE(Mentions(*ag, "same identity document number ****4567"));

  const DuplicatePair* ad = Find(*pairs, a, d);
  ASSERT_NE(ad, nullptr);
  EXPECT_EQ(ad->score, 75);
  EXPECT_TRUE(Mentions(*ad, "same phone"));

  for (uint64_t han : {a, b}) {
    const DuplicatePair* x = Find(*pairs, han, c);
    ASSERT_NE(x, nullptr) << han;
    EXPECT_EQ(x->score, 60);
    EXPECT_TRUE(Mentions(*x, "reads as the Latin name Wei Chen"));
  }
  EXPECT_EQ(Find(*pairs, a, f), nullptr);  // Different birth dates.
  EXPECT_EQ(Find(*pairs, a, e), nullptr);
  EXPECT_EQ(Find(*pairs, b, e), nullptr);
  // Best first.
  EXPECT_EQ(pairs->front().score, 100);
  for (size_t i = 1; i < pairs->size(); ++i) {
    EXPECT_LE((*pairs)[i].score, (*pairs)[i - 1].score);
  }
  // A higher threshold keeps the strong ones only.
  DuplicateOptions strict;
  strict.min_score = 80;
  auto strong = FindDuplicates(*store_, v1::KIND_PERSON, strict);
  ASSERT_TRUE(strong.ok());
  EXPECT_EQ(strong->size(), 2u);

  // A record not yet stored (import): what it would duplicate.
  v1::Person incoming;
  incoming.set_name("陈 伟");
  incoming.mutable_birth_date()->set_year(1960);
  incoming.mutable_birth_date()->set_month(1);
  incoming.mutable_birth_date()->set_day(2);
  auto of = FindDuplicatesOf(*store_, incoming);
  ASSERT_TRUE(of.ok()) << of.status();
  std::set<uint64_t> ids;
  for (const DuplicatePair& p : *of) ids.insert(p.b);
  EXPECT_EQ(ids, (std::set<uint64_t>{a, b, c}));
}

// Lists from abroad write their own country's numbers without its code:
// one person in two lists, as +65 9123 4567 and 9123 4567, is a candidate;
// the same digits in two countries are not.
TEST_F(DuplicatesTest, PhoneNumbersWithAndWithoutTheirCountryCode) {
  const uint64_t a = Person("林淑芬", 0, 0, 0, "+65 9123 4567");
  const uint64_t b = Person("Tan Mei Ling", 0, 0, 0, "9123 4567");
  const uint64_t c = Person("黄美玲", 0, 0, 0, "+852 9123 4567");
  const uint64_t d = Person("黄志明", 0, 0, 0, "+60 12-345 6789");
  const uint64_t e = Person("Ahmad Ali", 0, 0, 0, "012-345 6789");
  const uint64_t f = Person("周杰", 0, 0, 0, "0519-82345678");
  const uint64_t g = Person("王强", 0, 0, 0, "+86 519 8234 5678");
  auto pairs = FindDuplicates(*store_, v1::KIND_PERSON);
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  for (auto [x, y] : {std::pair{a, b}, {c, b}, {d, e}, {f, g}}) {
    const DuplicatePair* p = Find(*pairs, x, y);
    ASSERT_NE(p, nullptr) << x << " " << y;
    EXPECT_EQ(p->score, 75);
    EXPECT_TRUE(Mentions(*p, "same phone")) << p->reasons[0];
    EXPECT_TRUE(Mentions(*p, "(one without its country code)"))
        << p->reasons[0];
  }
  EXPECT_EQ(Find(*pairs, a, c), nullptr);  // Singapore's and Hong Kong's.
}

TEST_F(DuplicatesTest, DialectSurnameOnAPassportMatchesTheChineseName) {
  const uint64_t chen = Person("陈伟明", 1980, 1, 2);
  const uint64_t tan = Person("TAN Wei Ming", 1980, 1, 2);  // Singapore.
  const uint64_t other = Person("Tan Ah Kow", 1980, 1, 2);
  auto pairs = FindDuplicates(*store_, v1::KIND_PERSON);
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  const DuplicatePair* x = Find(*pairs, chen, tan);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->score, 85);
  EXPECT_TRUE(Mentions(*x, "reads as the Latin name TAN Wei Ming"));
  EXPECT_EQ(Find(*pairs, chen, other), nullptr);
  // Before it is stored too (the importer's check).
  v1::Person p;
  p.set_name("Chan Wei Ming");
  p.mutable_birth_date()->set_year(1980);
  p.mutable_birth_date()->set_month(1);
  p.mutable_birth_date()->set_day(2);
  auto of = FindDuplicatesOf(*store_, p);
  ASSERT_TRUE(of.ok()) << of.status();
  ASSERT_FALSE(of->empty());
  EXPECT_EQ((*of)[0].b, chen);
}

TEST_F(DuplicatesTest, DifferentBirthDatesLowerTheScore) {
  const uint64_t a = Person("陈伟", 1960, 1, 2, "13900000001");
  const uint64_t b = Person("陈伟", 1961, 1, 2, "+8613900000001");
  auto p = CompareRecords(*store_, v1::KIND_PERSON, a, b);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->score, 45);
  EXPECT_TRUE(Mentions(*p, "birth dates differ"));
}

TEST_F(DuplicatesTest, EnterpriseCandidates) {
  v1::Enterprise x, y, z, w, v;
  x.set_name("常州晨风制造有限公司");
  x.set_uscc("91310000757904992P");
  y.set_name("常州晨風製造有限公司");  // Same name, traditional.
  z.set_name("晨风贸易");
  z.set_registration_number("320482000012345");
  w.set_name("金坛晨风贸易有限公司");
  w.set_registration_number("320482000012345");
  w.add_former_names("晨风贸易");
  v.set_name("别的公司");
  v.set_unverified_uscc("91310000757904992P");
  const uint64_t ix = Create(&x), iy = Create(&y), iz = Create(&z),
                 iw = Create(&w), iv = Create(&v);
  auto pairs = FindDuplicates(*store_, v1::KIND_ENTERPRISE);
  ASSERT_TRUE(pairs.ok()) << pairs.status();
  const DuplicatePair* xy = Find(*pairs, ix, iy);
  ASSERT_NE(xy, nullptr);
  EXPECT_EQ(xy->score, 85);
  const DuplicatePair* zw = Find(*pairs, iz, iw);
  ASSERT_NE(zw, nullptr);
  EXPECT_EQ(zw->score, 100);  // 95 + 5 for the former name.
  EXPECT_TRUE(Mentions(*zw, "same registration number 320482000012345"));
  EXPECT_TRUE(Mentions(*zw, "former name"));
  const DuplicatePair* xv = Find(*pairs, ix, iv);
  ASSERT_NE(xv, nullptr);
  EXPECT_EQ(xv->score, 100);
  EXPECT_EQ(Find(*pairs, iy, iz), nullptr);
}

TEST_F(DuplicatesTest, RefFieldPathsFromDescriptors) {
  std::vector<std::string> p = RefFieldPaths(v1::KIND_PERSON);
  EXPECT_EQ(std::set<std::string>(p.begin(), p.end()),
            (std::set<std::string>{"employer", "relations.person",
                                   "memberships.organization"}));
  std::vector<std::string> e = RefFieldPaths(v1::KIND_EVENT);
  EXPECT_NE(std::find(e.begin(), e.end(), "participants.ref"), e.end());
}

TEST_F(DuplicatesTest, MergeMovesEveryRefAndKeepsHistory) {
  const uint64_t keep = Person("陈伟", 1960, 1, 2, "", "E1234567");
  v1::Person dup;
  dup.set_name("陈卫");
  dup.add_former_names("陈小卫");
  dup.mutable_birth_date()->set_year(1960);
  dup.mutable_birth_date()->set_month(1);
  dup.mutable_birth_date()->set_day(2);
  auto* c = dup.add_contacts();
  c->set_type(v1::Contact::TYPE_EMAIL);
  c->set_value("chen@example.com");
  dup.add_categories(v1::Person::CATEGORY_RETURNED_OVERSEAS_CHINESE);
  dup.set_notes("来访两次");
  auto* rel = dup.add_relations();  // Link to the survivor: becomes a self
  rel->mutable_person()->set_kind(v1::KIND_PERSON);  // link, dropped.
  rel->mutable_person()->set_id(keep);
  rel->set_type(v1::Person::Relation::TYPE_SIBLING);
  const uint64_t gone = Create(&dup);

  // Records referring to the merged person, in several kinds and fields.
  v1::Person relative;
  relative.set_name("陈母");
  auto* r2 = relative.add_relations();
  r2->mutable_person()->set_kind(v1::KIND_PERSON);
  r2->mutable_person()->set_id(gone);
  r2->set_type(v1::Person::Relation::TYPE_CHILD);
  const uint64_t relative_id = Create(&relative);
  v1::Enterprise ent;
  ent.set_name("常州晨风制造有限公司");
  ent.mutable_legal_representative()->set_name("陈卫");
  ent.mutable_legal_representative()->mutable_person()->set_kind(
      v1::KIND_PERSON);
  ent.mutable_legal_representative()->mutable_person()->set_id(gone);
  const uint64_t ent_id = Create(&ent);
  v1::Event ev;
  ev.set_type(v1::Event::TYPE_GREETING_VISIT);
  ev.mutable_date()->set_year(2020);
  ev.mutable_date()->set_month(2);
  ev.mutable_date()->set_day(3);
  for (uint64_t id : {gone, keep}) {
    auto* part = ev.add_participants();
    part->mutable_ref()->set_kind(v1::KIND_PERSON);
    part->mutable_ref()->set_id(id);
  }
  const uint64_t ev_id = Create(&ev);
  ASSERT_EQ(RefsTo(v1::KIND_PERSON, gone).size(), 3u);

  auto res = Merge(*store_, v1::KIND_PERSON, keep, gone);
  ASSERT_TRUE(res.ok()) << res.status();
  EXPECT_EQ(res->moved.size(), 3u);
  EXPECT_EQ(res->refs_moved, 3u);

  EXPECT_TRUE(RefsTo(v1::KIND_PERSON, gone).empty());
  EXPECT_EQ(store_->Get(v1::KIND_PERSON, gone).status().code(),
            absl::StatusCode::kNotFound);
  v1::Person merged;
  ASSERT_TRUE(store_->Get(v1::KIND_PERSON, keep, &merged).ok());
  EXPECT_EQ(merged.name(), "陈伟");
  EXPECT_EQ(std::vector<std::string>(merged.former_names().begin(),
                                     merged.former_names().end()),
            (std::vector<std::string>{"陈小卫", "陈卫"}));
  ASSERT_EQ(merged.contacts_size(), 1);
  EXPECT_EQ(merged.contacts(0).value(), "chen@example.com");
  EXPECT_EQ(merged.categories_size(), 1);
  EXPECT_EQ(merged.notes(), "来访两次");
  EXPECT_EQ(merged.relations_size(), 0);  // The self-link is gone.
  EXPECT_EQ(merged.identity_documents_size(), 1);
  v1::Person rel_now;
  ASSERT_TRUE(store_->Get(v1::KIND_PERSON, relative_id, &rel_now).ok());
  EXPECT_EQ(rel_now.relations(0).person().id(), keep);
  v1::Enterprise ent_now;
  ASSERT_TRUE(store_->Get(v1::KIND_ENTERPRISE, ent_id, &ent_now).ok());
  EXPECT_EQ(ent_now.legal_representative().person().id(), keep);
  v1::Event ev_now;
  ASSERT_TRUE(store_->Get(v1::KIND_EVENT, ev_id, &ev_now).ok());
  EXPECT_EQ(ev_now.participants(0).ref().id(), keep);

  // History: the merged record's stays, ending with a delete marked merged.
  auto h = store_->History(v1::KIND_PERSON, gone);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ(h->back().op(), v1::ChangeRecord::OP_DELETE);
  EXPECT_EQ(h->back().merge().into().id(), keep);
  auto hk = store_->History(v1::KIND_PERSON, keep);
  ASSERT_TRUE(hk.ok());
  EXPECT_EQ(hk->back().merge().from().id(), gone);
  auto hr = store_->History(v1::KIND_EVENT, ev_id);
  ASSERT_TRUE(hr.ok());
  EXPECT_EQ(hr->back().merge().from().id(), gone);

  // Indexes agree, and search finds the survivor by the merged name.
  ExpectVerifyClean();
  auto hits = Search(*store_, v1::KIND_PERSON, "陈卫");
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].id, keep);
  EXPECT_EQ((*hits)[0].field, "former name");
  auto q = store_->Query(
      absl::StrCat("event where participants.ref = person:", gone));
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->records.empty());

  // The merge is in the audit log: the delete of the merged record and an
  // update of every record whose Refs moved, on an intact chain.
  AuditFilter gone_entries;
  gone_entries.kind = v1::KIND_PERSON;
  gone_entries.id = gone;
  auto log = ListAudit(*store_, gone_entries);
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_FALSE(log->empty());
  EXPECT_EQ(log->back().action(), v1::AuditEntry::ACTION_DELETE);
  AuditFilter event_entries;
  event_entries.kind = v1::KIND_EVENT;
  event_entries.id = ev_id;
  auto ev_log = ListAudit(*store_, event_entries);
  ASSERT_TRUE(ev_log.ok()) << ev_log.status();
  ASSERT_FALSE(ev_log->empty());
  EXPECT_EQ(ev_log->back().action(), v1::AuditEntry::ACTION_UPDATE);
  auto chain = VerifyAudit(*store_);
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_TRUE(chain->ok()) << chain->problems.front();
}

TEST_F(DuplicatesTest, MergeTakesUniqueValuesOfTheMergedRecord) {
  v1::Enterprise a, b;
  a.set_name("晨风");
  b.set_name("晨風");
  b.set_uscc("91310000757904992P");
  const uint64_t ia = Create(&a), ib = Create(&b);
  auto res = Merge(*store_, v1::KIND_ENTERPRISE, ia, ib);
  ASSERT_TRUE(res.ok()) << res.status();
  v1::Enterprise now;
  ASSERT_TRUE(store_->Get(v1::KIND_ENTERPRISE, ia, &now).ok());
  EXPECT_EQ(now.uscc(), "91310000757904992P");
  EXPECT_EQ(now.former_names_size(), 0);  // 晨風 is 晨风 normalised.
  ExpectVerifyClean();
  auto q = store_->Query("enterprise where uscc = \"91310000757904992P\"");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->records.size(), 1u);
  EXPECT_EQ(MetaOf(*q->records[0]).id(), ia);
}

TEST_F(DuplicatesTest, MergeErrorsChangeNothing) {
  const uint64_t a = Person("陈伟");
  EXPECT_EQ(Merge(*store_, v1::KIND_PERSON, a, a).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Merge(*store_, v1::KIND_PERSON, a, 99).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Merge(*store_, v1::KIND_EVENT, 1, 2).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto n = store_->Count(v1::KIND_PERSON);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
}

}  // namespace
}  // namespace qiaolian

namespace qiaolian {
namespace {

// The importer's check that a row read back from a file is the record its
// id names (docs/import.md, "Record ids").
TEST(SameRecordByNameTest, NamesDatesAndCodesDecide) {
  v1::Person a, b;
  a.set_name("陳偉明");
  b.set_name("陈伟明");  // Traditional and simplified agree.
  EXPECT_TRUE(search::SameRecordByName(a, b));
  b.set_name("陈伟民");
  EXPECT_FALSE(search::SameRecordByName(a, b));
  b.add_former_names("陈伟明");  // A former name agrees.
  EXPECT_TRUE(search::SameRecordByName(a, b));
  a.mutable_birth_date()->set_year(1980);
  b.mutable_birth_date()->set_year(1981);
  EXPECT_FALSE(search::SameRecordByName(a, b));  // Two birth dates differ.

  v1::Enterprise e, f;
  e.set_name("上海定惠塑胶有限公司");
  f.set_name("上海定惠塑胶有限公司");
  EXPECT_TRUE(search::SameRecordByName(e, f));
  e.set_uscc("91310000757904992P");
  f.set_uscc("91320413723588143D");
  EXPECT_FALSE(search::SameRecordByName(e, f));  // Two USCCs differ.
  f.clear_uscc();
  f.set_name("上海定惠塑胶制品有限公司");
  e.add_former_names("上海定惠塑胶制品有限公司");  // Renamed in the file.
  EXPECT_TRUE(search::SameRecordByName(e, f));

  v1::Event x, y;
  x.set_title("第24届胡氏奖助金颁奖");
  x.mutable_date()->set_year(2020);
  y.set_title("侨界座谈会");
  y.mutable_date()->set_year(2021);
  EXPECT_FALSE(search::SameRecordByName(x, y));
  y.mutable_date()->set_year(2020);  // Same date, title edited.
  EXPECT_TRUE(search::SameRecordByName(x, y));
  y.mutable_date()->set_year(2019);
  y.set_title("第24届 胡氏奖助金颁奖");  // Same title, date edited.
  EXPECT_TRUE(search::SameRecordByName(x, y));
}

}  // namespace
}  // namespace qiaolian
