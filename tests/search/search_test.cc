// Search ranking on hand-built hard cases, and index consistency.
#include "qiaolian/search.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "src/model/indexes.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;

using testing::TempDir;

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.path());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  uint64_t AddPerson(const std::string& name,
                     std::vector<std::string> former = {},
                     const std::string& latin = "",
                     const std::string& address = "") {
    v1::Person p;
    p.set_name(name);
    for (const std::string& f : former) p.add_former_names(f);
    if (!latin.empty()) p.mutable_name_parts()->set_latin(latin);
    if (!address.empty()) p.mutable_address()->set_text(address);
    auto id = store_->Create(&p);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  uint64_t AddEnterprise(const std::string& name,
                         const std::string& address = "") {
    v1::Enterprise e;
    e.set_name(name);
    if (!address.empty()) e.mutable_address()->set_text(address);
    auto id = store_->Create(&e);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  std::vector<SearchHit> Find(Kind kind, const std::string& q,
                              size_t limit = 20) {
    SearchOptions o;
    o.limit = limit;
    auto hits = Search(*store_, kind, q, o);
    EXPECT_TRUE(hits.ok()) << hits.status();
    return hits.ok() ? *hits : std::vector<SearchHit>{};
  }

  // The best hit's id, 0 when nothing matched.
  uint64_t First(Kind kind, const std::string& q) {
    std::vector<SearchHit> hits = Find(kind, q);
    return hits.empty() ? 0 : hits[0].id;
  }

  static std::vector<uint64_t> Ids(const std::vector<SearchHit>& hits) {
    std::vector<uint64_t> ids;
    for (const SearchHit& h : hits) ids.push_back(h.id);
    return ids;
  }

  static const SearchHit* HitFor(const std::vector<SearchHit>& hits,
                                 uint64_t id) {
    for (const SearchHit& h : hits) {
      if (h.id == id) return &h;
    }
    return nullptr;
  }

  void ExpectVerifyClean() {
    auto r = store_->Verify();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->problems.empty())
        << r->problems.size() << " problems, first: " << r->problems[0];
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SearchTest, TraditionalFindsSimplifiedAndBack) {
  const uint64_t a = AddPerson("陈伟");
  const uint64_t b = AddPerson("陳偉明");
  auto hits = Find(v1::KIND_PERSON, "陳偉");
  ASSERT_GE(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, a);
  EXPECT_EQ(hits[0].match, "exact");
  EXPECT_EQ(hits[0].text, "陈伟");
  EXPECT_EQ(hits[1].id, b);
  EXPECT_EQ(hits[1].match, "prefix");
  EXPECT_EQ(hits[1].text, "陳偉明");
  EXPECT_EQ(First(v1::KIND_PERSON, "陈伟明"), b);
}

TEST_F(SearchTest, FullWidthAndSpaces) {
  const uint64_t a = AddPerson("王　伟", {}, "WANG Wei");
  auto hits = Find(v1::KIND_PERSON, "王伟");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, a);
  EXPECT_EQ(hits[0].match, "exact");
  hits = Find(v1::KIND_PERSON, "ｗａｎｇ　ｗｅｉ");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, a);
  EXPECT_EQ(hits[0].match, "exact");
  EXPECT_EQ(hits[0].field, "Latin-script name");
}

TEST_F(SearchTest, FormerNames) {
  const uint64_t now = AddPerson("李晓红", {"李小红"});
  const uint64_t other = AddPerson("李小红霞");
  auto hits = Find(v1::KIND_PERSON, "李小红");
  ASSERT_GE(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, now);
  EXPECT_EQ(hits[0].match, "exact");
  EXPECT_EQ(hits[0].field, "former name");
  EXPECT_EQ(hits[1].id, other);
  EXPECT_EQ(hits[1].match, "prefix");
}

TEST_F(SearchTest, PinyinWithAndWithoutSpacesAndInitials) {
  const uint64_t chen = AddPerson("陈伟");
  const uint64_t cui = AddPerson("崔文");
  const uint64_t zeng = AddPerson("曾伟");
  AddPerson("张三");
  for (const std::string q : {"chen wei", "chenwei", "Chen Wei", "CHENWEI"}) {
    auto hits = Find(v1::KIND_PERSON, q);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(hits[0].id, chen) << q;
    EXPECT_EQ(hits[0].match, "pinyin") << q;
    EXPECT_EQ(hits[0].reason, "full pinyin of name") << q;
  }
  auto cw = Find(v1::KIND_PERSON, "cw");
  EXPECT_EQ(Ids(cw), (std::vector<uint64_t>{chen, cui}));
  EXPECT_EQ(cw[0].reason, "initials of name");
  // The surname reading: 曾 is zeng as a surname.
  auto z = Find(v1::KIND_PERSON, "zeng wei");
  ASSERT_FALSE(z.empty());
  EXPECT_EQ(z[0].id, zeng);
  EXPECT_TRUE(Find(v1::KIND_PERSON, "cengwei").empty());
  // Given name alone, and a pinyin prefix.
  auto wei = Find(v1::KIND_PERSON, "wei");
  EXPECT_NE(HitFor(wei, chen), nullptr);
  EXPECT_NE(HitFor(wei, zeng), nullptr);
  auto pre = Find(v1::KIND_PERSON, "chenw");
  ASSERT_FALSE(pre.empty());
  EXPECT_EQ(pre[0].id, chen);
}

TEST_F(SearchTest, LatinNameEitherOrder) {
  const uint64_t tan = AddPerson("Tan Ah Kow");
  const uint64_t chen = AddPerson("陈伟", {}, "Wei Chen");
  auto hits = Find(v1::KIND_PERSON, "chen wei");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, chen);
  EXPECT_EQ(hits[0].match, "exact");  // The reversed Latin name.
  EXPECT_EQ(First(v1::KIND_PERSON, "Ah Kow Tan"), tan);
  EXPECT_EQ(First(v1::KIND_PERSON, "tan"), tan);
}

TEST_F(SearchTest, DialectSurnamesOnPassportsFindThePinyin) {
  const uint64_t chen = AddPerson("陈伟明");
  const uint64_t lin = AddPerson("林美玲");
  const uint64_t huang = AddPerson("黄大文");
  const uint64_t xu = AddPerson("许志强");
  for (const std::string q : {"Tan Wei Ming", "Wei Ming Tan", "TANWEIMING",
                              "Chan Wei-Ming", "chin wei ming"}) {
    auto hits = Find(v1::KIND_PERSON, q);
    ASSERT_FALSE(hits.empty()) << q;
    EXPECT_EQ(hits[0].id, chen) << q;
    EXPECT_EQ(hits[0].match, "pinyin") << q;
    EXPECT_NE(hits[0].reason.find("dialect surname"), std::string::npos)
        << q << ": " << hits[0].reason;
  }
  EXPECT_EQ(First(v1::KIND_PERSON, "Lim Mei Ling"), lin);
  EXPECT_EQ(First(v1::KIND_PERSON, "Hsu Chih-chiang"), 0u)
      << "the given name in Wade-Giles is not pinyin: no match";
  EXPECT_EQ(First(v1::KIND_PERSON, "hsu zhi qiang"), xu);
  EXPECT_NE(HitFor(Find(v1::KIND_PERSON, "ng"), huang), nullptr);
  EXPECT_NE(HitFor(Find(v1::KIND_PERSON, "lim"), lin), nullptr);
  // Pinyin is not mistaken for a dialect spelling: "tang" is not tan + g.
  EXPECT_EQ(HitFor(Find(v1::KIND_PERSON, "tang"), chen), nullptr);
}

TEST_F(SearchTest, RankingExactPrefixSubstringPinyinFuzzy) {
  const uint64_t exact = AddPerson("陈伟");
  const uint64_t prefix = AddPerson("陈伟明");
  const uint64_t substring = AddPerson("欧阳陈伟");
  const uint64_t homophone = AddPerson("陈玮");
  const uint64_t fuzzy = AddPerson("陈大伟");
  AddPerson("李娜");
  auto hits = Find(v1::KIND_PERSON, "陈伟");
  EXPECT_EQ(Ids(hits), (std::vector<uint64_t>{exact, prefix, substring,
                                              homophone, fuzzy}));
  const std::vector<std::string> matches = {"exact", "prefix", "substring",
                                            "pinyin", "fuzzy"};
  for (size_t i = 0; i < hits.size() && i < matches.size(); ++i) {
    EXPECT_EQ(hits[i].match, matches[i]) << i;
    if (i > 0) {
      EXPECT_LT(hits[i].score, hits[i - 1].score) << i;
    }
  }
  SearchOptions o;
  o.min_score = 40;
  auto strict = Search(*store_, v1::KIND_PERSON, "陈伟", o);
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(strict->size(), 4u);
}

TEST_F(SearchTest, EnterpriseSubstringAndAddress) {
  const uint64_t cf =
      AddEnterprise("常州晨风制造有限公司", "江苏省常州市金坛区东门大街８８号");
  const uint64_t other =
      AddEnterprise("金坛晨光茶业有限公司", "江苏省常州市金坛区西门大街1号");
  auto hits = Find(v1::KIND_ENTERPRISE, "晨风");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, cf);
  EXPECT_EQ(hits[0].match, "substring");
  EXPECT_EQ(hits[0].field, "name");
  // Traditional query, and an address substring with full-width digits.
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "晨風製造")),
            (std::vector<uint64_t>{cf}));
  auto addr = Find(v1::KIND_ENTERPRISE, "东门大街88");
  ASSERT_FALSE(addr.empty());
  EXPECT_EQ(addr[0].id, cf);
  EXPECT_EQ(addr[0].field, "address");
  EXPECT_EQ(addr[0].match, "substring");
  auto both = Find(v1::KIND_ENTERPRISE, "金坛区");
  EXPECT_EQ(Ids(both), (std::vector<uint64_t>{cf, other}));
  // Pinyin of enterprise names.
  auto py = Find(v1::KIND_ENTERPRISE, "changzhouchenfeng");
  ASSERT_FALSE(py.empty());
  EXPECT_EQ(py[0].id, cf);
  EXPECT_EQ(py[0].match, "pinyin");
}

TEST_F(SearchTest, SingleCharacterAndLimit) {
  for (int i = 0; i < 30; ++i) AddPerson("陈" + std::to_string(i));
  const uint64_t inside = AddPerson("欧阳陈");
  auto hits = Find(v1::KIND_PERSON, "陈", 50);
  EXPECT_EQ(hits.size(), 31u);
  EXPECT_EQ(hits.back().id, inside);
  EXPECT_EQ(Find(v1::KIND_PERSON, "陈", 5).size(), 5u);
}

// Many records share the name: the scan stops after `limit` of the best
// group, and the result is still the best `limit` (exact name matches in id
// order, before exact former names).
TEST_F(SearchTest, ManyExactMatchesKeepTheBestInIdOrder) {
  const uint64_t former = AddPerson("李四", {"陈伟"});
  std::vector<uint64_t> named;
  for (int i = 0; i < 30; ++i) named.push_back(AddPerson("陈伟"));
  std::vector<SearchHit> hits = Find(v1::KIND_PERSON, "陳偉", 5);
  ASSERT_EQ(hits.size(), 5u);
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_EQ(hits[i].id, named[i]);
    EXPECT_EQ(hits[i].match, "exact");
    EXPECT_EQ(hits[i].field, "name");
    EXPECT_EQ(hits[i].score, 100);
  }
  hits = Find(v1::KIND_PERSON, "陈伟", 40);
  ASSERT_EQ(hits.size(), 31u);
  EXPECT_EQ(hits.back().id, former);
  EXPECT_EQ(hits.back().field, "former name");
  EXPECT_EQ(hits.back().text, "陈伟");
  // The same for pinyin initials: the first `limit` in id order.
  hits = Find(v1::KIND_PERSON, "cw", 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(Ids(hits), (std::vector<uint64_t>{named[0], named[1], named[2]}));
  EXPECT_EQ(hits[0].match, "pinyin");
  EXPECT_EQ(hits[0].text, "陈伟");
}

// Near matches (fuzzy) of a name are found among all the records that share
// one of its bigrams, not only among the first records that have one of its
// characters: here 300 older records have the surname 陈, and 陈伟强, added
// last, shares 陈伟 (and so 陈 and 伟) with 陈伟明: 3 of its 5 n-grams.
TEST_F(SearchTest, FuzzyMatchesAreNotLimitedToTheOldestRecordsOfACharacter) {
  const char* kGiven[] = {"丽", "娜", "静", "敏", "芳", "军", "洋", "勇",
                          "艳", "杰", "涛", "超", "霞", "平", "刚", "桂"};
  std::vector<v1::Person> people(300);
  std::vector<google::protobuf::Message*> batch;
  for (size_t i = 0; i < people.size(); ++i) {
    people[i].set_name(absl::StrCat("陈", kGiven[i % 16], kGiven[i / 16 % 16]));
    batch.push_back(&people[i]);
  }
  ASSERT_TRUE(store_->CreateAll(batch).ok());
  const uint64_t near = AddPerson("陈伟强");
  const std::vector<SearchHit> hits = Find(v1::KIND_PERSON, "陈伟明");
  const SearchHit* h = HitFor(hits, near);
  ASSERT_NE(h, nullptr) << hits.size() << " hits";
  EXPECT_EQ(h->match, "fuzzy");
  EXPECT_THAT(h->reason, HasSubstr("3 of 5 n-grams"));
  EXPECT_EQ(h->text, "陈伟强");
}

// A substring match needs the query's bigrams side by side in one text:
// the same bigrams apart, or in two different texts, are at most fuzzy.
TEST_F(SearchTest, SubstringNeedsTheBigramsSideBySideInOneText) {
  const uint64_t apart = AddPerson("陈伟伟明");
  const uint64_t split = AddPerson("陈伟", {"伟明"});
  const uint64_t inside = AddPerson("欧阳陈伟明");
  const uint64_t twice = AddEnterprise("哈哈哈哈贸易公司");
  std::vector<SearchHit> hits = Find(v1::KIND_PERSON, "陈伟明");
  ASSERT_NE(HitFor(hits, inside), nullptr);
  EXPECT_EQ(HitFor(hits, inside)->match, "substring");
  EXPECT_EQ(HitFor(hits, inside)->text, "欧阳陈伟明");
  for (uint64_t id : {apart, split}) {
    const SearchHit* h = HitFor(hits, id);
    if (h != nullptr) {
      EXPECT_LT(h->score, 40) << h->match << " " << id;
    }
  }
  // A repeated bigram in the query ("哈哈" at 0, 1 and 2).
  hits = Find(v1::KIND_ENTERPRISE, "哈哈哈哈贸");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, twice);
  EXPECT_EQ(hits[0].match, "prefix");
  hits = Find(v1::KIND_ENTERPRISE, "哈哈哈贸易");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, twice);
  EXPECT_EQ(hits[0].match, "substring");
  EXPECT_TRUE(Find(v1::KIND_ENTERPRISE, "哈哈哈哈哈").empty() ||
              Find(v1::KIND_ENTERPRISE, "哈哈哈哈哈")[0].score < 60);
}

// The text a hit shows is the record's own, as stored (case, spaces,
// traditional characters), whichever of its texts matched.
TEST_F(SearchTest, HitTextIsTheMatchedTextAsStored) {
  const uint64_t id = AddPerson("陳偉明", {"Chen Wei-Ming", "陳大文"});
  std::vector<SearchHit> hits = Find(v1::KIND_PERSON, "chenweiming");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, id);
  EXPECT_EQ(hits[0].match, "exact");
  EXPECT_EQ(hits[0].field, "former name");
  EXPECT_EQ(hits[0].text, "Chen Wei-Ming");
  hits = Find(v1::KIND_PERSON, "陈大文");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].text, "陳大文");
  hits = Find(v1::KIND_PERSON, "WEI-MING CHEN");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, id);
  EXPECT_EQ(hits[0].text, "Chen Wei-Ming");
  hits = Find(v1::KIND_PERSON, "cwm");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].text, "陳偉明");
}

// A minimum score above a tier's range skips the tier: no pinyin or fuzzy
// hits, only records that contain the query.
TEST_F(SearchTest, MinScoreSkipsLowerTiers) {
  const uint64_t chen = AddPerson("陈伟");
  AddPerson("程伟");  // Sounds different; 伟 is shared (fuzzy at most).
  AddPerson("陈玮");  // Same sound (pinyin tier).
  SearchOptions o;
  o.min_score = 60;
  auto hits = Search(*store_, v1::KIND_PERSON, "陈伟", o);
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_EQ(Ids(*hits), (std::vector<uint64_t>{chen}));
  o.min_score = 1;
  hits = Search(*store_, v1::KIND_PERSON, "陈伟", o);
  ASSERT_TRUE(hits.ok()) << hits.status();
  EXPECT_GE(hits->size(), 2u);
}

TEST_F(SearchTest, Errors) {
  EXPECT_EQ(Search(*store_, v1::KIND_EVENT, "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Search(*store_, v1::KIND_PERSON, " ·, ").status().code(),
            absl::StatusCode::kInvalidArgument);
  SearchOptions o;
  o.limit = 0;
  EXPECT_EQ(Search(*store_, v1::KIND_PERSON, "x", o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SearchTest, IndexFollowsUpdatesAndDeletes) {
  const uint64_t id = AddPerson("陈伟", {}, "", "金坛区东门大街");
  ExpectVerifyClean();
  v1::Person p;
  ASSERT_TRUE(store_->Get(v1::KIND_PERSON, id, &p).ok());
  p.set_name("黄志强");
  p.add_former_names("陈伟");
  p.mutable_address()->set_text("常州市新北区");
  ASSERT_TRUE(store_->Update(&p).ok());
  ExpectVerifyClean();
  auto hits = Find(v1::KIND_PERSON, "chenwei");
  EXPECT_TRUE(hits.empty() || hits[0].field == "former name");
  EXPECT_EQ(First(v1::KIND_PERSON, "hzq"), id);
  EXPECT_TRUE(Find(v1::KIND_PERSON, "东门大街").empty());
  EXPECT_EQ(First(v1::KIND_PERSON, "新北"), id);
  ASSERT_TRUE(store_->Delete(v1::KIND_PERSON, id).ok());
  ExpectVerifyClean();
  EXPECT_TRUE(Find(v1::KIND_PERSON, "黄志强").empty());
  EXPECT_TRUE(Find(v1::KIND_PERSON, "hzq").empty());
  // Reindex rebuilds the search entries.
  const uint64_t again = AddPerson("单雄信");
  ASSERT_TRUE(store_->Reindex().ok());
  ExpectVerifyClean();
  EXPECT_EQ(First(v1::KIND_PERSON, "shanxiongxin"), again);
}

TEST_F(SearchTest, BuiltAtOpenForExistingStores) {
  // A store written without the search indexes (as by an older library).
  store_.reset();
  TempDir old_dir;
  std::vector<model::IndexSpec> specs;
  for (const model::Index& idx : model::IndexRegistry::Builtin().all()) {
    if (!idx.spec.derive) specs.push_back(idx.spec);
  }
  auto reg = model::IndexRegistry::Create(specs);
  ASSERT_TRUE(reg.ok()) << reg.status();
  {
    StoreOptions o;
    o.indexes = &*reg;
    auto s = Store::Open(old_dir.path(), o);
    ASSERT_TRUE(s.ok()) << s.status();
    v1::Person p;
    p.set_name("陈伟");
    ASSERT_TRUE((*s)->Create(&p).ok());
  }
  auto s = Store::Open(old_dir.path());
  ASSERT_TRUE(s.ok()) << s.status();
  store_ = std::move(*s);
  auto hits = Find(v1::KIND_PERSON, "cw");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 1u);
  ExpectVerifyClean();
}

}  // namespace
}  // namespace qiaolian
