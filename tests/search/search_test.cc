// Search ranking on hand-built hard cases, and index consistency.
#include "qiaolian/search.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "qiaolian/privacy.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "src/api/store_access.h"
#include "src/model/indexes.h"
#include "src/search/terms.h"
#include "src/storage/key_codec.h"
#include "src/storage/postings.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;

using testing::TempDir;

// Each test runs twice: with the n-gram postings as entries of their own (as
// written with each record), and packed into blocks (Compact before each
// search, as after a bulk load), so updates also change packed postings.
class SearchTest : public ::testing::TestWithParam<bool> {
 protected:
  bool packed() const { return GetParam(); }

  // Packs the n-gram entries written so far into blocks (Compact moves the
  // single entries into the blocks of their ranges, next to earlier ones).
  void Pack() {
    if (!packed()) return;
    absl::StatusOr<CompactReport> r = store_->Compact();
    ASSERT_TRUE(r.ok()) << r.status();
    unpacked_ = false;
  }

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
    unpacked_ = true;
    auto id = store_->Create(&p);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  uint64_t AddEnterprise(const std::string& name,
                         const std::string& address = "") {
    v1::Enterprise e;
    e.set_name(name);
    if (!address.empty()) e.mutable_address()->set_text(address);
    unpacked_ = true;
    auto id = store_->Create(&e);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  std::vector<SearchHit> Find(Kind kind, const std::string& q,
                              size_t limit = 20) {
    if (unpacked_) Pack();
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
  bool unpacked_ = false;  // Records added since the last Pack().
};

TEST_P(SearchTest, TraditionalFindsSimplifiedAndBack) {
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

TEST_P(SearchTest, FullWidthAndSpaces) {
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

TEST_P(SearchTest, FormerNames) {
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

TEST_P(SearchTest, PinyinWithAndWithoutSpacesAndInitials) {
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

TEST_P(SearchTest, LatinNameEitherOrder) {
  const uint64_t tan = AddPerson("Tan Ah Kow");
  const uint64_t chen = AddPerson("陈伟", {}, "Wei Chen");
  auto hits = Find(v1::KIND_PERSON, "chen wei");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, chen);
  EXPECT_EQ(hits[0].match, "exact");  // The reversed Latin name.
  EXPECT_EQ(First(v1::KIND_PERSON, "Ah Kow Tan"), tan);
  EXPECT_EQ(First(v1::KIND_PERSON, "tan"), tan);
}

// A short query with many prefix matches (zh: every Latin name starting
// with zh), some records matching in two fields: a search keeps only the
// matches that can still be returned, and its answer is the start of the
// answer to the same search with a larger limit, in rank order (score,
// then id).
TEST_P(SearchTest, ManyPrefixMatchesRankTheSameWhateverTheLimit) {
  const std::vector<std::string> surnames = {"Zha",  "Zhai", "Zhan",  "Zhang",
                                             "Zhao", "Zhen", "Zhong", "Zhu"};
  const std::vector<std::string> given = {
      "Li", "Wei", "Hui Min", "Yu", "Ming", "Jian Guo", "An", "Xiu Ying"};
  // Names in an order unrelated to their rank; every name distinct.
  for (size_t i = 0; i < surnames.size() * given.size(); ++i) {
    const size_t k = (i * 37) % (surnames.size() * given.size());
    const std::string latin = absl::StrCat(surnames[k % surnames.size()], " ",
                                           given[k / surnames.size()]);
    if (k % 5 == 0) {
      // Also a prefix match in the name field, which scores higher.
      AddPerson(latin, {}, absl::StrCat(latin, " Jr"));
    } else {
      AddPerson(absl::StrCat("人", i), {}, latin);
    }
  }
  const std::vector<SearchHit> all = Find(v1::KIND_PERSON, "zh", 200);
  ASSERT_GE(all.size(), 60u);
  std::set<uint64_t> distinct;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].match, "prefix") << i;
    EXPECT_TRUE(distinct.insert(all[i].id).second) << "twice: " << all[i].id;
    if (i > 0) {
      EXPECT_TRUE(
          all[i - 1].score > all[i].score ||
          (all[i - 1].score == all[i].score && all[i - 1].id < all[i].id))
          << i;
    }
  }
  for (size_t limit : {1, 3, 7, 20}) {
    const std::vector<SearchHit> some = Find(v1::KIND_PERSON, "zh", limit);
    ASSERT_EQ(some.size(), limit);
    for (size_t i = 0; i < limit; ++i) {
      EXPECT_EQ(some[i].id, all[i].id) << "limit " << limit << ", hit " << i;
      EXPECT_EQ(some[i].score, all[i].score);
      EXPECT_EQ(some[i].field, all[i].field);
      EXPECT_EQ(some[i].text, all[i].text);
    }
  }
}

// A query of one or two characters starts far more texts than a search
// reads; the best prefix matches (the shortest texts, in the best fields)
// are found wherever they sort among them.
TEST_P(SearchTest, ShortQueriesFindTheirBestPrefixMatchesAmongThousands) {
  // 400 long Latin names that sort before every better match: zhaa...
  // (each text distinct, so that none is skipped as a repeat of another).
  for (int i = 0; i < 400; ++i) {
    const std::string tail = {static_cast<char>('a' + i / 26 % 26),
                              static_cast<char>('a' + i % 26)};
    AddPerson(absl::StrCat("陈", 100 + i), {},
              absl::StrCat("Zha Aabbcc", tail));
  }
  const uint64_t zhu1 = AddPerson("人甲", {}, "Zhu Li");
  const uint64_t zhu2 = AddPerson("人乙", {}, "Zhu Li");
  const uint64_t named = AddPerson("Zhou Yi");
  // Two-character Chinese names, sorting after the 400 four-character
  // names 陈100...陈499 (digits sort before Han characters).
  const uint64_t chen1 = AddPerson("陈龙");
  const uint64_t chen2 = AddPerson("陈龟");
  Pack();
  for (const std::string q : {"zh", "z", "ZH"}) {
    const std::vector<SearchHit> hits = Find(v1::KIND_PERSON, q, 3);
    ASSERT_EQ(hits.size(), 3u) << q;
    // zhouyi as the name: 75 + 5 + 2 * 9 / 6; zhuli as a Latin name: 75 +
    // 4 + 2 * 9 / 5, then by id; each zhaaabbcc.. 75 + 4 + 2 * 9 / 11.
    EXPECT_EQ(hits[0].id, named) << q;
    EXPECT_EQ(hits[1].id, zhu1) << q;
    EXPECT_EQ(hits[2].id, zhu2) << q;
    for (const SearchHit& h : hits) EXPECT_EQ(h.match, "prefix") << q;
    EXPECT_EQ(hits[0].field, "name");
    EXPECT_EQ(hits[1].field, "Latin-script name");
    EXPECT_EQ(hits[1].text, "Zhu Li") << "the text as stored";
    EXPECT_EQ(hits[0].score, q == "z" ? 81 : 83) << q;
    EXPECT_EQ(hits[1].score, q == "z" ? 80 : 82) << q;
  }
  const std::vector<SearchHit> chen = Find(v1::KIND_PERSON, "陈", 2);
  ASSERT_EQ(chen.size(), 2u);
  EXPECT_EQ(chen[0].id, chen1);
  EXPECT_EQ(chen[1].id, chen2);
  EXPECT_EQ(chen[0].score, 75 + 5 + 4);
  // The same answers as the whole ranking's first entries, for any limit.
  const std::vector<SearchHit> all = Find(v1::KIND_PERSON, "zh", 500);
  ASSERT_EQ(all.size(), 403u);
  for (size_t limit : {1, 5, 20, 64, 65, 100}) {
    const std::vector<SearchHit> some = Find(v1::KIND_PERSON, "zh", limit);
    ASSERT_EQ(some.size(), limit);
    for (size_t i = 0; i < limit; ++i) {
      EXPECT_EQ(some[i].id, all[i].id) << "limit " << limit << ", hit " << i;
      EXPECT_EQ(some[i].score, all[i].score);
      EXPECT_EQ(some[i].text, all[i].text);
    }
  }
  // Updates and deletes move the entries along.
  v1::Person p;
  ASSERT_TRUE(store_->Get(v1::KIND_PERSON, named, &p).ok());
  p.set_name("周一");
  ASSERT_TRUE(store_->Update(&p).ok());
  ASSERT_TRUE(store_->Delete(v1::KIND_PERSON, zhu1).ok());
  Pack();
  ExpectVerifyClean();
  const std::vector<SearchHit> after = Find(v1::KIND_PERSON, "zh", 2);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].id, zhu2);
  EXPECT_EQ(after[1].score, 75 + 4 + 1) << "then the long names";
  // An exact match still ranks first.
  const uint64_t exact = AddPerson("ZH");
  EXPECT_EQ(First(v1::KIND_PERSON, "zh"), exact);
}

// An address's entries in the short-prefixes index leave its text to the
// texts index: a hit still shows it, as stored.
TEST_P(SearchTest, ShortQueriesShowTheAddressTheyStart) {
  const uint64_t e =
      AddEnterprise("晨风科技有限公司", "北京市 朝阳区建国路1号");
  const uint64_t p = AddPerson("王五", {}, "", "北京市海淀区");
  for (const auto& [kind, id, text] :
       {std::make_tuple(v1::KIND_ENTERPRISE, e, "北京市 朝阳区建国路1号"),
        std::make_tuple(v1::KIND_PERSON, p, "北京市海淀区")}) {
    for (const std::string q : {"北", "北京"}) {
      const std::vector<SearchHit> hits = Find(kind, q);
      ASSERT_EQ(hits.size(), 1u) << q;
      EXPECT_EQ(hits[0].id, id);
      EXPECT_EQ(hits[0].match, "prefix") << q;
      EXPECT_EQ(hits[0].field, "address");
      EXPECT_EQ(hits[0].text, text) << q;
    }
  }
}

// The initials of many names: the best groups (name, then Chinese name,
// then former name) are read first, and a scan goes on to the next group
// only while it can still rank.
TEST_P(SearchTest, PinyinGroupsAreReadBestFirst) {
  std::vector<uint64_t> named;
  for (int i = 0; i < 25; ++i) named.push_back(AddPerson("陈伟明"));
  v1::Person chinese;
  chinese.set_name("Chen Weiming");
  chinese.mutable_name_parts()->set_chinese("陈伟明");
  ASSERT_TRUE(store_->Create(&chinese).ok());
  const uint64_t former = AddPerson("李四", {"陈伟明"});
  const std::vector<SearchHit> top = Find(v1::KIND_PERSON, "cwm", 20);
  ASSERT_EQ(top.size(), 20u);
  for (size_t i = 0; i < top.size(); ++i) {
    EXPECT_EQ(top[i].id, named[i]);
    EXPECT_EQ(top[i].score, 52);
    EXPECT_EQ(top[i].reason, "initials of name");
  }
  const std::vector<SearchHit> all = Find(v1::KIND_PERSON, "cwm", 30);
  ASSERT_EQ(all.size(), 27u);
  EXPECT_EQ(all[25].id, chinese.meta().id());
  EXPECT_EQ(all[25].score, 51);
  EXPECT_EQ(all[25].field, "Chinese name");
  EXPECT_EQ(all[26].id, former);
  EXPECT_EQ(all[26].score, 50);
  EXPECT_EQ(all[26].field, "former name");
  // A Chinese query finds the names that sound the same, best field first.
  const std::vector<SearchHit> sound = Find(v1::KIND_PERSON, "陈卫明", 30);
  ASSERT_EQ(sound.size(), 27u);
  EXPECT_EQ(sound[0].match, "pinyin");
  EXPECT_EQ(sound[25].id, chinese.meta().id());
  EXPECT_EQ(sound[26].id, former);
}

TEST(PinyinCodeTest, GroupsOfOnePinyinComeInTheOrderTheyScore) {
  using search::Field;
  using search::PinyinForm;
  std::vector<std::pair<int64_t, int>> codes;  // (code, exact score)
  for (int f = 1; f <= 8; ++f) {
    for (PinyinForm form :
         {PinyinForm::kFull, PinyinForm::kInitials, PinyinForm::kGiven}) {
      const auto field = static_cast<Field>(f);
      const int64_t code = search::PinyinCode(field, form);
      EXPECT_EQ(search::PinyinCodeField(code), field);
      EXPECT_EQ(search::PinyinCodeForm(code), form);
      codes.emplace_back(code, search::ExactPinyinScore(form, field));
    }
  }
  std::sort(codes.begin(), codes.end());
  for (size_t i = 1; i < codes.size(); ++i) {
    EXPECT_GE(codes[i - 1].second, codes[i].second) << codes[i].first;
  }
  EXPECT_EQ(codes.front().second, search::kMaxExactPinyinScore);
}

TEST_P(SearchTest, DialectSurnamesOnPassportsFindThePinyin) {
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

TEST_P(SearchTest, RankingExactPrefixSubstringPinyinFuzzy) {
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

TEST_P(SearchTest, EnterpriseSubstringAndAddress) {
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

// Staff paste a code or a phone number into the search box: the record
// whose USCC, registration number, identity document number or contact it
// is comes first (exact, 100), however it was typed (full-width, spaced,
// lower case), before what the text search finds.
TEST_P(SearchTest, CodesAndContactsFindTheirRecord) {
  v1::Enterprise e;
  e.set_name("上海定惠塑胶有限公司");
  e.set_uscc("91310000757904992P");
  auto ent = store_->Create(&e);
  ASSERT_TRUE(ent.ok()) << ent.status();
  v1::Enterprise legacy;
  legacy.set_name("大连老字号商店");
  legacy.set_registration_number("210200000123456");
  auto old = store_->Create(&legacy);
  ASSERT_TRUE(old.ok()) << old.status();
  // An address holding the same digits: found too, after the code's record.
  const uint64_t addr = AddEnterprise("另一家公司", "某路210200000123456号");
  v1::Person p;
  p.set_name("林淑芬");
  auto* doc = p.add_identity_documents();
  doc->set_type(v1::IdentityDocument::TYPE_PASSPORT);
  doc->set_number("E12345678");
  auto* phone = p.add_contacts();
  phone->set_type(v1::Contact::TYPE_PHONE);
  phone->set_value("+6591234567");
  auto* mail = p.add_contacts();
  mail->set_type(v1::Contact::TYPE_EMAIL);
  mail->set_value("shufen.lin@example.com");
  auto person = store_->Create(&p);
  ASSERT_TRUE(person.ok()) << person.status();
  unpacked_ = true;

  for (const char* q :
       {"91310000757904992P", "９１３１００００７５７９０４９９２ｐ",
        "9131 0000 7579 0499 2P"}) {
    SCOPED_TRACE(q);
    auto hits = Find(v1::KIND_ENTERPRISE, q);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].id, *ent);
    EXPECT_EQ(hits[0].score, 100);
    EXPECT_EQ(hits[0].match, "exact");
    EXPECT_EQ(hits[0].field, "uscc");
    EXPECT_EQ(hits[0].text, "上海定惠塑胶有限公司");
  }
  auto hits = Find(v1::KIND_ENTERPRISE, "210200000123456");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, *old);
  EXPECT_EQ(hits[0].field, "registration number");
  EXPECT_EQ(hits[1].id, addr);
  EXPECT_EQ(hits[1].field, "address");
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "210200000123456", 1)),
            (std::vector<uint64_t>{*old}));
  // An enterprise's phone (企查查 exports have them).
  v1::Enterprise with_phone;
  with_phone.set_name("常州三久制造有限公司");
  auto* tel = with_phone.add_contacts();
  tel->set_type(v1::Contact::TYPE_PHONE);
  tel->set_value("0519-82345678");
  auto sanjiu = store_->Create(&with_phone);
  ASSERT_TRUE(sanjiu.ok()) << sanjiu.status();
  unpacked_ = true;
  hits = Find(v1::KIND_ENTERPRISE, "0519-82345678");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, *sanjiu);
  EXPECT_EQ(hits[0].field, "contact");
  // Written otherwise: by its digits.
  for (const char* q : {"051982345678", "0519 8234 5678", "(0519)82345678"}) {
    SCOPED_TRACE(q);
    hits = Find(v1::KIND_ENTERPRISE, q);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].id, *sanjiu);
    EXPECT_EQ(hits[0].field, "contact");
    EXPECT_EQ(hits[0].text, "常州三久制造有限公司");
    EXPECT_EQ(hits[0].reason, "phone number is the query, by its digits");
  }

  for (const char* q : {"e12345678", "+65 9123 4567", "+6591234567",
                        "Shufen.Lin@example.com"}) {
    SCOPED_TRACE(q);
    hits = Find(v1::KIND_PERSON, q);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].id, *person);
    EXPECT_EQ(hits[0].score, 100);
    EXPECT_EQ(hits[0].text, "林淑芬");
  }
  EXPECT_EQ(Find(v1::KIND_PERSON, "E12345678")[0].field, "identity document");
  EXPECT_EQ(Find(v1::KIND_PERSON, "+6591234567")[0].field, "contact");

  // A phone number found however either it or the query is written: by
  // its digits (the query as the record has it is found as before).
  v1::Person kl;
  kl.set_name("黄志明");
  auto* mobile = kl.add_contacts();
  mobile->set_type(v1::Contact::TYPE_PHONE);
  mobile->set_value("+60 12-345 6789");
  auto* home = kl.add_contacts();
  home->set_type(v1::Contact::TYPE_PHONE);
  home->set_value("0086 139 0000 1111");
  auto huang = store_->Create(&kl);
  ASSERT_TRUE(huang.ok()) << huang.status();
  unpacked_ = true;
  for (const char* q : {"+60 12-345 6789", "+60123456789", "(60) 12-3456789",
                        "+86 139-0000-1111", "13900001111"}) {
    SCOPED_TRACE(q);
    hits = Find(v1::KIND_PERSON, q);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].id, *huang);
    EXPECT_EQ(hits[0].score, 100);
    EXPECT_EQ(hits[0].field, "contact");
    EXPECT_EQ(hits[0].text, "黄志明");
    EXPECT_EQ(hits[0].reason, "phone number is the query, by its digits");
  }
  EXPECT_TRUE(Find(v1::KIND_PERSON, "+60123456780").empty());
  // A number written without its country code, as a list from its own
  // country writes it, or as staff note it down on a call: the national
  // number finds it (a trunk prefix 0 left out).
  for (const char* q : {"012-345 6789", "(60) 12-3456789"}) {
    SCOPED_TRACE(q);
    hits = Find(v1::KIND_PERSON, q);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].id, *huang);
    EXPECT_EQ(hits[0].score, 100);
  }
  v1::Person sg;
  sg.set_name("陈美玲");
  auto* local = sg.add_contacts();
  local->set_type(v1::Contact::TYPE_PHONE);
  local->set_value("8123 4567");
  auto chen = store_->Create(&sg);
  ASSERT_TRUE(chen.ok()) << chen.status();
  v1::Person hk;
  hk.set_name("李嘉欣");
  auto* hk_phone = hk.add_contacts();
  hk_phone->set_type(v1::Contact::TYPE_PHONE);
  hk_phone->set_value("+852 8123 4567");
  auto li = store_->Create(&hk);
  ASSERT_TRUE(li.ok()) << li.status();
  unpacked_ = true;
  // Without a country code the query is either number.
  EXPECT_EQ(Ids(Find(v1::KIND_PERSON, "81234567")),
            (std::vector<uint64_t>{*chen, *li}));
  // With one, it is Hong Kong's number, and maybe the one written without
  // a country code (ranked after, saying why); never another country's.
  hits = Find(v1::KIND_PERSON, "+852 8123 4567");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].id, *li);
  EXPECT_EQ(hits[0].score, 100);
  EXPECT_EQ(hits[1].id, *chen);
  EXPECT_EQ(hits[1].score, 95);
  EXPECT_EQ(hits[1].reason,
            "phone number is the query's, written without its country code");
  EXPECT_EQ(Ids(Find(v1::KIND_PERSON, "+65 8123 4567")),
            (std::vector<uint64_t>{*chen}));
  // An enterprise's landline, by the number as dialled from abroad.
  hits = Find(v1::KIND_ENTERPRISE, "+86 519 8234 5678");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, *sanjiu);
  // Another code, or too few digits to be one: no match by code.
  EXPECT_TRUE(Find(v1::KIND_ENTERPRISE, "91310000757904993X").empty());
  EXPECT_TRUE(Find(v1::KIND_PERSON, "1234").empty());
}

// Staff remember a boss, not the company: an enterprise search for a
// person's name also finds the enterprises whose legal representative has
// it (exact, at 60: below the enterprises named with it, above sounds).
TEST_P(SearchTest, EnterprisesByTheirLegalRepresentative) {
  auto with_representative = [&](const std::string& name,
                                 const std::string& representative) {
    v1::Enterprise e;
    e.set_name(name);
    e.mutable_legal_representative()->set_name(representative);
    unpacked_ = true;
    auto id = store_->Create(&e);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  };
  const uint64_t sanjiu = with_representative("常州三久制造有限公司", "胡正明");
  const uint64_t named = with_representative("胡正明食品有限公司", "李四");
  const uint64_t other = with_representative("金坛侨商会", "胡正");
  auto hits = Find(v1::KIND_ENTERPRISE, "胡正明");
  ASSERT_EQ(Ids(hits), (std::vector<uint64_t>{named, sanjiu}));
  EXPECT_EQ(hits[0].match, "prefix");
  EXPECT_EQ(hits[1].score, 60);
  EXPECT_EQ(hits[1].match, "exact");
  EXPECT_EQ(hits[1].field, "legal representative");
  EXPECT_EQ(hits[1].text, "常州三久制造有限公司");
  // Traditional characters, as everywhere.
  const uint64_t chen = with_representative("金坛晨风贸易有限公司", "陈伟");
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "陳偉")),
            (std::vector<uint64_t>{chen}));
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "李四")),
            (std::vector<uint64_t>{named}));
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "胡正")),
            (std::vector<uint64_t>{named, other}));
  // The whole name only, and only with room for it.
  EXPECT_TRUE(Find(v1::KIND_ENTERPRISE, "正明").size() == 1u);
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "胡正明", 1)),
            (std::vector<uint64_t>{named}));
  SearchOptions o;
  o.min_score = 61;
  auto strict = Search(*store_, v1::KIND_ENTERPRISE, "胡正明", o);
  ASSERT_TRUE(strict.ok()) << strict.status();
  EXPECT_EQ(Ids(*strict), (std::vector<uint64_t>{named}));
  // A stray mark typed into the name does not lose the lookup.
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "胡正\"明")),
            (std::vector<uint64_t>{named, sanjiu}));
  // People are not searched by their companies' representatives.
  EXPECT_TRUE(Find(v1::KIND_PERSON, "胡正明").empty());
  // Kept in traditional characters (a Hong Kong representative's name as
  // on the person's papers): found typed either way.
  const uint64_t hk = with_representative("香港晨風貿易有限公司", "陳大文");
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "陳大文")),
            (std::vector<uint64_t>{hk}));
  // And typed in simplified characters, as staff type it.
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "陈大文")),
            (std::vector<uint64_t>{hk}));
  // A Latin name (a foreign-invested enterprise's director), as typed, in
  // capitals or in title case, whichever the registry wrote.
  const uint64_t tan =
      with_representative("新加坡陈氏投资有限公司", "TAN WEI MING");
  const uint64_t lim =
      with_representative("金坛林氏贸易有限公司", "Lim Siew Hoon");
  // The syllables of a given name joined or apart, the surname first or
  // last: as lists from abroad write one name several ways.
  for (const char* q :
       {"Tan Wei Ming", "tan wei ming", "TAN  WEI MING", "Tan Weiming",
        "TAN WEIMING", "Wei Ming Tan", "Weiming Tan"}) {
    SCOPED_TRACE(q);
    hits = Find(v1::KIND_ENTERPRISE, q);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].id, tan);
    EXPECT_EQ(hits[0].field, "legal representative");
  }
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "LIM SIEW HOON")),
            (std::vector<uint64_t>{lim}));
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "Siew Hoon Lim")),
            (std::vector<uint64_t>{lim}));
  // Another name, not a part of one.
  EXPECT_TRUE(Find(v1::KIND_ENTERPRISE, "Wei Ming").empty());
  EXPECT_TRUE(Find(v1::KIND_ENTERPRISE, "Tan Wei Min").empty());
  // A new representative: found by the new name, not the old one; the
  // index follows updates and deletes.
  v1::Enterprise e;
  ASSERT_TRUE(store_->Get(v1::KIND_ENTERPRISE, tan, &e).ok());
  e.mutable_legal_representative()->set_name("LEE CHONG WEI");
  ASSERT_TRUE(store_->Update(&e).ok());
  ExpectVerifyClean();
  EXPECT_TRUE(Find(v1::KIND_ENTERPRISE, "Tan Weiming").empty());
  EXPECT_EQ(Ids(Find(v1::KIND_ENTERPRISE, "Chong Wei Lee")),
            (std::vector<uint64_t>{tan}));
  ASSERT_TRUE(store_->Delete(v1::KIND_ENTERPRISE, tan).ok());
  ExpectVerifyClean();
  EXPECT_TRUE(Find(v1::KIND_ENTERPRISE, "Lee Chong Wei").empty());
}

TEST_P(SearchTest, SingleCharacterAndLimit) {
  for (int i = 0; i < 30; ++i) AddPerson("陈" + std::to_string(i));
  const uint64_t inside = AddPerson("欧阳陈");
  // One character is looked for in names, not in addresses (their single
  // characters are not indexed); two are.
  const uint64_t address = AddPerson("李四", {}, "", "常州市陈家村");
  auto hits = Find(v1::KIND_PERSON, "陈", 50);
  EXPECT_EQ(hits.size(), 31u);
  EXPECT_EQ(hits.back().id, inside);
  EXPECT_EQ(HitFor(hits, address), nullptr);
  EXPECT_EQ(First(v1::KIND_PERSON, "陈家"), address);
  EXPECT_EQ(Find(v1::KIND_PERSON, "陈", 5).size(), 5u);
}

// Many records share the name: the scan stops after `limit` of the best
// group, and the result is still the best `limit` (exact name matches in id
// order, before exact former names).
TEST_P(SearchTest, ManyExactMatchesKeepTheBestInIdOrder) {
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
  // A pinyin group that cannot rank (`limit` hits already score above it)
  // is skipped, one that still can is read: 30 names have the initials cw
  // (52), one former name has them (50).
  hits = Find(v1::KIND_PERSON, "cw", 31);
  ASSERT_EQ(hits.size(), 31u);
  EXPECT_EQ(hits.back().id, former);
  EXPECT_EQ(hits.back().field, "former name");
  EXPECT_EQ(hits.back().score, 50);
  EXPECT_EQ(hits.front().score, 52);
  hits = Find(v1::KIND_PERSON, "cw", 30);
  EXPECT_EQ(Ids(hits), named);
}

// Near matches (fuzzy) of a name are found among all the records that share
// one of its bigrams, not only among the first records that have one of its
// characters: here 300 older records have the surname 陈, and 陈伟强, added
// last, shares 陈伟 (and so 陈 and 伟) with 陈伟明: 3 of its 5 n-grams.
TEST_P(SearchTest, FuzzyMatchesAreNotLimitedToTheOldestRecordsOfACharacter) {
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

// The fuzzy tier of a person query of three or more Han characters reads
// the names that share a bigram with it, with their texts: a hit shows the
// name as stored, counts the query's n-grams that one name has, and follows
// updates and deletions. An address that shares a bigram is not a near
// match of a name.
TEST_P(SearchTest, FuzzyNamesShowTheirTextAndFollowUpdates) {
  const uint64_t trad = AddPerson("陳偉東");
  const uint64_t given = AddPerson("张伟明");
  const uint64_t both = AddPerson("陈伟伟明");
  const uint64_t former = AddPerson("李强", {"王伟明"});
  const uint64_t street = AddPerson("赵六", {}, "", "伟明路8号");
  std::vector<SearchHit> hits = Find(v1::KIND_PERSON, "陈伟明");
  const SearchHit* h = HitFor(hits, trad);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->match, "fuzzy");
  EXPECT_EQ(h->text, "陳偉東");
  EXPECT_EQ(h->field, "name");
  EXPECT_EQ(h->reason, "3 of 5 n-grams in name");
  h = HitFor(hits, given);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->text, "张伟明");
  // All five n-grams, bigrams apart: the best fuzzy score, first of them.
  h = HitFor(hits, both);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->reason, "5 of 5 n-grams in name");
  EXPECT_EQ(h->score, 39);
  EXPECT_EQ(hits[0].id, both);
  h = HitFor(hits, former);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->text, "王伟明");
  EXPECT_EQ(h->field, "former name");
  EXPECT_EQ(HitFor(hits, street), nullptr);
  // A rename takes the name out of the index; a deletion the record.
  v1::Person p;
  ASSERT_TRUE(store_->Get(v1::KIND_PERSON, given, &p).ok());
  p.set_name("张三丰");
  ASSERT_TRUE(store_->Update(&p).ok());
  ASSERT_TRUE(store_->Delete(v1::KIND_PERSON, trad).ok());
  unpacked_ = true;
  ExpectVerifyClean();
  hits = Find(v1::KIND_PERSON, "陈伟明");
  EXPECT_EQ(HitFor(hits, given), nullptr);
  EXPECT_EQ(HitFor(hits, trad), nullptr);
  EXPECT_NE(HitFor(hits, both), nullptr);
  // The index holds only names' Han bigrams, once per text.
  const storage::Db& db = internal::StoreAccess::Db(*store_);
  std::unique_ptr<leveldb::Iterator> it(
      db.raw()->NewIterator(leveldb::ReadOptions()));
  const std::string prefix = storage::IndexPrefix(search::kPersonNameBigrams);
  size_t entries = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    ++entries;
  }
  // 陈伟伟明: 陈伟 伟伟 伟明; 李强 强 and 王伟明: 李强, 王伟 伟明; 赵六: 赵六;
  // 张三丰: 张三 三丰.
  EXPECT_EQ(entries, 3u + 3u + 1u + 2u);
}

// A substring match needs the query's bigrams side by side in one text:
// the same bigrams apart, or in two different texts, are at most fuzzy.
TEST_P(SearchTest, SubstringNeedsTheBigramsSideBySideInOneText) {
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

// Three or more Han characters are looked up by the trigrams that cover
// the query (at 0, 3, ... and the last three): found only where they line
// up in one text; a query with other characters uses the bigrams.
TEST_P(SearchTest, SubstringByTrigramsNeedsThemLinedUp) {
  const uint64_t whole =
      AddEnterprise("江苏金坛", "江苏省常州市金坛区东门大街8号");
  const uint64_t gap =
      AddEnterprise("江苏常州", "江苏省常州市新北区金坛区东路");
  const uint64_t split = AddEnterprise("江苏常州市贸易", "江苏省金坛区东门");
  // Seven characters: trigrams at 0 (常州市), 3 (金坛区) and 4 (坛区东).
  std::vector<SearchHit> hits = Find(v1::KIND_ENTERPRISE, "常州市金坛区东");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, whole);
  EXPECT_EQ(hits[0].match, "substring");
  EXPECT_EQ(hits[0].text, "江苏省常州市金坛区东门大街8号");
  for (uint64_t id : {gap, split}) {
    const SearchHit* h = HitFor(hits, id);
    if (h != nullptr) {
      EXPECT_NE(h->match, "substring") << id;
    }
  }
  // Four characters: trigrams at 0 and 1, overlapping.
  hits = Find(v1::KIND_ENTERPRISE, "坛区东门");
  ASSERT_NE(HitFor(hits, whole), nullptr);
  EXPECT_EQ(HitFor(hits, whole)->match, "substring");
  ASSERT_NE(HitFor(hits, split), nullptr);
  EXPECT_EQ(HitFor(hits, split)->match, "substring");
  // Digits in the query: bigrams, and the same answer.
  hits = Find(v1::KIND_ENTERPRISE, "大街8号");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, whole);
  EXPECT_EQ(hits[0].match, "substring");
  // The same trigram twice in the query (哈哈哈 at 0 and 2).
  const uint64_t laugh = AddPerson("李四", {}, "", "东哈哈哈哈哈村");
  hits = Find(v1::KIND_PERSON, "哈哈哈哈哈");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].id, laugh);
  EXPECT_EQ(hits[0].match, "substring");
  const std::vector<SearchHit> six = Find(v1::KIND_PERSON, "哈哈哈哈哈哈");
  EXPECT_TRUE(six.empty() || six[0].match != "substring");
}

// The text a hit shows is the record's own, as stored (case, spaces,
// traditional characters), whichever of its texts matched.
TEST_P(SearchTest, HitTextIsTheMatchedTextAsStored) {
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
TEST_P(SearchTest, MinScoreSkipsLowerTiers) {
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

TEST_P(SearchTest, Errors) {
  EXPECT_EQ(Search(*store_, v1::KIND_EVENT, "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Search(*store_, v1::KIND_PERSON, " ·, ").status().code(),
            absl::StatusCode::kInvalidArgument);
  SearchOptions o;
  o.limit = 0;
  EXPECT_EQ(Search(*store_, v1::KIND_PERSON, "x", o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(SearchTest, IndexFollowsUpdatesAndDeletes) {
  const uint64_t id = AddPerson("陈伟", {}, "", "金坛区东门大街");
  Pack();
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

TEST_P(SearchTest, BuiltAtOpenForExistingStores) {
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

// What a person n-gram index (the grams, or the trigrams) holds: postings by
// id, and how many keys are blocks and single entries.
struct GramKeys {
  std::map<uint64_t, size_t> postings;  // id -> postings
  size_t blocks = 0, singles = 0;
};
GramKeys ReadGramKeys(const Store& store,
                      uint16_t index = search::kPersonGrams) {
  GramKeys out;
  const storage::Db& db = internal::StoreAccess::Db(store);
  std::unique_ptr<leveldb::Iterator> it(
      db.raw()->NewIterator(leveldb::ReadOptions()));
  const std::string prefix = storage::IndexPrefix(index);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    absl::string_view head;
    storage::Posting p;
    bool block = false;
    EXPECT_TRUE(storage::ParsePostingKey(key, &head, &p, &block));
    std::vector<storage::Posting> ps;
    if (block) {
      ++out.blocks;
      EXPECT_TRUE(storage::DecodePostings(
                      key, p.id,
                      absl::string_view(it->value().data(), it->value().size()),
                      &ps)
                      .ok());
      EXPECT_FALSE(ps.empty()) << "an empty block is deleted";
    } else {
      ++out.singles;
      ps.push_back(p);
    }
    for (const storage::Posting& q : ps) ++out.postings[q.id];
  }
  EXPECT_TRUE(it->status().ok());
  return out;
}

// The grams of a text: trigrams only of runs of three Han characters, with
// the position of their first character; unigrams only on request.
TEST(GramsTest, TrigramsAndUnigramsOfACompactText) {
  auto listed = [](const std::vector<search::PositionedGram>& gs) {
    std::vector<std::string> out;
    for (const search::PositionedGram& g : gs) {
      out.push_back(absl::StrCat(g.gram, "@", g.pos));
    }
    return out;
  };
  EXPECT_THAT(listed(search::PositionedTrigrams("常州a市金坛区")),
              ::testing::ElementsAre("市金坛@3", "金坛区@4"));
  EXPECT_TRUE(search::PositionedTrigrams("陈伟").empty());
  EXPECT_THAT(listed(search::PositionedGrams("陈伟a", /*unigrams=*/false)),
              ::testing::ElementsAre("陈伟@0", "伟a@1"));
  EXPECT_THAT(listed(search::PositionedGrams("陈伟a")),
              ::testing::ElementsAre("陈@0", "陈伟@0", "伟@1", "伟a@1"));
  // Only the first kMaxGramChars characters.
  std::string long_text;
  for (size_t i = 0; i < search::kMaxGramChars + 10; ++i) long_text += "金";
  const auto trigrams = search::PositionedTrigrams(long_text);
  ASSERT_EQ(trigrams.size(), search::kMaxGramChars - 2);
  EXPECT_EQ(trigrams.back().pos, search::kMaxGramChars - 3);
}

// Packed n-gram postings (a reindex or a bulk load writes them) follow
// every later change: updates and deletions rewrite their blocks, an
// erasure leaves no posting of the record, and a later bulk load whose
// first ids share a block range with older records merges into it.
TEST(PackedPostingsTest, FollowUpdatesDeletesErasureAndALaterBulkLoad) {
  TempDir dir;
  auto opened = Store::Open(dir.path());
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  const char* kGiven[] = {"丽", "娜", "静", "敏", "芳", "军", "洋", "勇",
                          "艳", "杰", "涛", "超", "霞", "平", "刚", "桂"};
  auto name_of = [&](size_t i) {
    return absl::StrCat("陈", kGiven[i % 16], kGiven[i / 16 % 16]);
  };
  std::vector<v1::Person> people(600);
  std::vector<google::protobuf::Message*> batch;
  for (size_t i = 0; i < people.size(); ++i) {
    people[i].set_name(name_of(i));
    people[i].mutable_address()->set_text(
        absl::StrCat("常州市金坛区东门大街", i, "号"));
    batch.push_back(&people[i]);
  }
  ASSERT_TRUE(store.CreateAll(batch).ok());
  const GramKeys single = ReadGramKeys(store);
  EXPECT_EQ(single.blocks, 0u);
  ASSERT_TRUE(store.Reindex().ok());
  const GramKeys packed = ReadGramKeys(store);
  EXPECT_EQ(packed.singles, 0u);
  EXPECT_EQ(packed.postings, single.postings);
  // Far fewer keys: one per gram and range of ids.
  EXPECT_LT(packed.blocks * 10, single.singles);

  auto ids = [&](const std::string& q) {
    SearchOptions o;
    o.limit = 50;
    o.min_score = 60;  // Exact, prefix and substring matches only.
    auto hits = Search(store, v1::KIND_PERSON, q, o);
    EXPECT_TRUE(hits.ok()) << hits.status();
    std::set<uint64_t> out;
    if (hits.ok()) {
      for (const SearchHit& h : *hits) out.insert(h.id);
    }
    return out;
  };
  auto verify = [&] {
    auto r = store.Verify();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->problems.empty())
        << r->problems.size() << " problems, first: " << r->problems[0];
  };
  verify();
  EXPECT_EQ(ids("东门大街17号"), std::set<uint64_t>{18});

  // Person 18 moves and is renamed; 300 is deleted; 450 is erased.
  v1::Person p;
  ASSERT_TRUE(store.Get(v1::KIND_PERSON, 18, &p).ok());
  p.set_name("黄志强");
  p.mutable_address()->set_text("新北区太湖路");
  ASSERT_TRUE(store.Update(&p).ok());
  ASSERT_TRUE(store.Delete(v1::KIND_PERSON, 300).ok());
  EraseOptions eo;
  eo.compact = false;
  auto erased = Erase(store, v1::KIND_PERSON, 450, eo);
  ASSERT_TRUE(erased.ok()) << erased.status();
  EXPECT_EQ(erased->stray_entries, 0u);
  verify();
  EXPECT_EQ(ids("黄志强"), std::set<uint64_t>{18});
  EXPECT_EQ(ids("太湖路"), std::set<uint64_t>{18});
  EXPECT_TRUE(ids("东门大街17号").empty());
  EXPECT_TRUE(ids("东门大街299号").empty());
  EXPECT_EQ(ids("东门大街298号"), std::set<uint64_t>{299});
  const GramKeys after = ReadGramKeys(store);
  EXPECT_EQ(after.postings.count(300), 0u);
  EXPECT_EQ(after.postings.count(450), 0u);
  EXPECT_EQ(after.postings.count(18), 1u);  // The new name's, single ones.
  EXPECT_EQ(after.postings.at(17), packed.postings.at(17));
  const GramKeys after3 = ReadGramKeys(store, search::kPersonTrigrams);
  EXPECT_EQ(after3.postings.count(300), 0u);
  EXPECT_EQ(after3.postings.count(450), 0u);
  EXPECT_GT(after3.postings.at(18), 0u);

  // A bulk load of 100 more: ids 601-700 share a block range with older
  // records (storage::kPostingRange is 1,024), whose postings stay.
  ASSERT_EQ(storage::PostingRangeStart(601), storage::PostingRangeStart(521));
  absl::StatusOr<bool> began = internal::StoreAccess::BeginBulkLoad(
      store, v1::KIND_PERSON, search::DuplicateProbeIndexes(v1::KIND_PERSON),
      1 << 20, dir.path());
  ASSERT_TRUE(began.ok()) << began.status();
  ASSERT_TRUE(*began);
  std::vector<v1::Person> more(100);
  batch.clear();
  for (size_t i = 0; i < more.size(); ++i) {
    more[i].set_name(name_of(i + 7));
    more[i].mutable_address()->set_text(
        absl::StrCat("常州市溧阳市南大街", i, "号"));
    batch.push_back(&more[i]);
  }
  ASSERT_TRUE(store.CreateAll(batch).ok());
  auto written = internal::StoreAccess::FinishBulkLoad(store);
  ASSERT_TRUE(written.ok()) << written.status();
  verify();
  EXPECT_EQ(ids("南大街5号"), std::set<uint64_t>{606});
  EXPECT_EQ(ids("东门大街520号"), std::set<uint64_t>{521});
  const GramKeys loaded = ReadGramKeys(store);
  EXPECT_EQ(loaded.postings.at(521), packed.postings.at(521));
  EXPECT_GT(loaded.postings.at(606), 10u);

  // Compact moves the single entries (person 18's new texts) into blocks,
  // in both n-gram indexes.
  const GramKeys loaded3 = ReadGramKeys(store, search::kPersonTrigrams);
  EXPECT_GT(loaded.singles, 0u);
  EXPECT_GT(loaded3.singles, 0u);
  absl::StatusOr<CompactReport> compacted = store.Compact();
  ASSERT_TRUE(compacted.ok()) << compacted.status();
  EXPECT_EQ(compacted->postings_packed, loaded.singles + loaded3.singles);
  const GramKeys repacked = ReadGramKeys(store);
  EXPECT_EQ(repacked.singles, 0u);
  EXPECT_EQ(repacked.postings, loaded.postings);
  const GramKeys repacked3 = ReadGramKeys(store, search::kPersonTrigrams);
  EXPECT_EQ(repacked3.singles, 0u);
  EXPECT_EQ(repacked3.postings, loaded3.postings);
  verify();
  EXPECT_EQ(ids("太湖路"), std::set<uint64_t>{18});
  EXPECT_EQ(store.Compact()->postings_packed, 0u);
}

INSTANTIATE_TEST_SUITE_P(Postings, SearchTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Packed" : "Single";
                         });

}  // namespace
}  // namespace qiaolian
