#include "qiaolian/relations.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/records/fixture.h"

namespace qiaolian {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TimelineOptions Limit(uint64_t n, std::string cursor = "") {
  TimelineOptions o;
  o.limit = n;
  o.cursor = std::move(cursor);
  return o;
}

// (type, detail, direction, other, source) of a relation, as text.
std::string Text(const Relation& r) {
  return absl::StrCat(
      r.type, r.detail.empty() ? "" : "/", r.detail,
      r.direction == RelationDirection::kOutgoing ? " -> " : " <- ",
      r.other.id() == 0
          ? absl::StrCat("\"", r.other_name, "\"")
          : absl::StrCat(KindName(r.other.kind()), ":", r.other.id()),
      " @", KindName(r.source.kind()), ":", r.source.id(), ".", r.field);
}

class RelationsTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    // person 1: leads the association (enterprise 2) since 2015.
    // person 2: child of person 1, shareholder of and employed by
    // enterprise 1. person 3: contact person of enterprise 1.
    Put(v1::KIND_PERSON, R"({"name":"胡正明"})");
    Put(v1::KIND_PERSON, R"({"name":"胡小明"})");
    Put(v1::KIND_PERSON, R"({"name":"王联系"})");
    Put(v1::KIND_ENTERPRISE,
        R"({"name":"东非商会","type":"TYPE_ASSOCIATION"})");
    Put(v1::KIND_ENTERPRISE, R"({"name":"三久制造",
        "legalRepresentative":{"name":"胡正明","person":{"kind":"KIND_PERSON","id":"1"}},
        "officers":[{"person":{"kind":"KIND_PERSON","id":"2"},"role":"ROLE_SHAREHOLDER"},
                    {"person":{"kind":"KIND_PERSON","id":"3"},"role":"ROLE_CONTACT"},
                    {"name":"王五","role":"ROLE_CHAIRMAN","title":"董事长"}],
        "memberships":[{"organization":{"kind":"KIND_ENTERPRISE","id":"1"},
                        "role":"ROLE_MEMBER"}]})");
    Put(v1::KIND_ENTERPRISE,
        R"({"name":"三久制造金坛分公司","type":"TYPE_BRANCH",
        "parent":{"kind":"KIND_ENTERPRISE","id":"2"}})");
    // Links added later by updates.
    Update(v1::KIND_PERSON, 1, [](google::protobuf::Message* m) {
      auto* p = static_cast<v1::Person*>(m);
      auto* ms = p->add_memberships();
      ms->mutable_organization()->set_kind(v1::KIND_ENTERPRISE);
      ms->mutable_organization()->set_id(1);
      ms->set_role(v1::Person::Membership::ROLE_PRESIDENT);
      ms->mutable_joined()->set_year(2015);
      ms->mutable_joined()->set_month(5);
      ms->mutable_joined()->set_day(1);
    });
    Update(v1::KIND_PERSON, 2, [](google::protobuf::Message* m) {
      auto* p = static_cast<v1::Person*>(m);
      auto* r = p->add_relations();
      r->mutable_person()->set_kind(v1::KIND_PERSON);
      r->mutable_person()->set_id(1);
      r->set_type(v1::Person::Relation::TYPE_PARENT);
      p->mutable_employer()->set_kind(v1::KIND_ENTERPRISE);
      p->mutable_employer()->set_id(2);
      auto* u = p->add_relations();
      u->set_name("李阿姨");
      u->set_type(v1::Person::Relation::TYPE_RELATIVE);
    });
  }

  template <typename F>
  void Update(Kind kind, uint64_t id, F f) {
    auto m = store_->Get(kind, id);
    ASSERT_TRUE(m.ok()) << m.status();
    f(m->get());
    absl::Status s = store_->Update(m->get());
    ASSERT_TRUE(s.ok()) << s;
  }

  std::vector<std::string> Texts(Kind kind, uint64_t id) {
    auto r = Relations(*store_, Ref(kind, id));
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::string> out;
    if (r.ok()) {
      for (const Relation& x : *r) out.push_back(Text(x));
    }
    return out;
  }
};

TEST_F(RelationsTest, PersonSeesLinksStoredOnOtherRecords) {
  EXPECT_THAT(Texts(v1::KIND_PERSON, 1),
              ElementsAre("leader/ROLE_PRESIDENT -> enterprise:1 @person:1."
                          "memberships[0]",
                          "legal_representative -> enterprise:2 "
                          "@enterprise:2.legal_representative",
                          "relative/TYPE_PARENT -> person:2 @person:2."
                          "relations[0]"));
  EXPECT_THAT(Texts(v1::KIND_PERSON, 2),
              ElementsAre("employee -> enterprise:2 @person:2.employer",
                          "investor/ROLE_SHAREHOLDER -> enterprise:2 "
                          "@enterprise:2.officers[0]",
                          // Unregistered others sort first.
                          "relative/TYPE_RELATIVE <- \"李阿姨\" @person:2."
                          "relations[1]",
                          "relative/TYPE_PARENT <- person:1 @person:2."
                          "relations[0]"));
  EXPECT_THAT(Texts(v1::KIND_PERSON, 3),
              ElementsAre("contact/ROLE_CONTACT -> enterprise:2 "
                          "@enterprise:2.officers[1]"));
}

TEST_F(RelationsTest, EnterpriseAndAssociationSeeBothSides) {
  EXPECT_THAT(
      Texts(v1::KIND_ENTERPRISE, 2),
      ElementsAre(
          "branch <- enterprise:3 @enterprise:3.parent",
          "contact/ROLE_CONTACT <- person:3 @enterprise:2.officers[1]",
          "employee <- person:2 @person:2.employer",
          "investor/ROLE_SHAREHOLDER <- person:2 "
          "@enterprise:2.officers[0]",
          "legal_representative <- person:1 "
          "@enterprise:2.legal_representative",
          "member/ROLE_MEMBER -> enterprise:1 "
          "@enterprise:2.memberships[0]",
          "officer/ROLE_CHAIRMAN <- \"王五\" @enterprise:2.officers[2]"));
  EXPECT_THAT(Texts(v1::KIND_ENTERPRISE, 1),
              ElementsAre("leader/ROLE_PRESIDENT <- person:1 "
                          "@person:1.memberships[0]",
                          "member/ROLE_MEMBER <- enterprise:2 "
                          "@enterprise:2.memberships[0]"));
  EXPECT_THAT(Texts(v1::KIND_ENTERPRISE, 3),
              ElementsAre("branch -> enterprise:2 @enterprise:3.parent"));
  auto r = Relations(*store_, Ref(v1::KIND_ENTERPRISE, 1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].other_name, "胡正明");
  EXPECT_EQ((*r)[0].since.year(), 2015);
  EXPECT_THAT(
      RelationsToJson(*r),
      HasSubstr("\"direction\":\"incoming\",\"other\":\"person:1\","
                "\"other_name\":\"胡正明\",\"source\":\"person:1\","
                "\"field\":\"memberships[0]\",\"since\":\"2015-05-01\""));
}

// Every relation seen from one registered side is seen from the other, with
// the same type and source and the opposite direction.
TEST_F(RelationsTest, NavigableBothWays) {
  std::vector<v1::Ref> all;
  for (uint64_t id : {1, 2, 3}) all.push_back(Ref(v1::KIND_PERSON, id));
  for (uint64_t id : {1, 2, 3}) all.push_back(Ref(v1::KIND_ENTERPRISE, id));
  int checked = 0;
  for (const v1::Ref& a : all) {
    auto from_a = Relations(*store_, a);
    ASSERT_TRUE(from_a.ok()) << from_a.status();
    for (const Relation& r : *from_a) {
      if (r.other.id() == 0) continue;
      auto from_b = Relations(*store_, r.other);
      ASSERT_TRUE(from_b.ok());
      bool found = false;
      for (const Relation& s : *from_b) {
        found = found ||
                (s.type == r.type && s.detail == r.detail &&
                 s.direction != r.direction && s.other.kind() == a.kind() &&
                 s.other.id() == a.id() && s.source.kind() == r.source.kind() &&
                 s.source.id() == r.source.id() && s.field == r.field);
      }
      EXPECT_TRUE(found) << Text(r) << " seen from " << KindName(a.kind())
                         << ":" << a.id() << " has no mirror";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2 * 8);
}

TEST_F(RelationsTest, BadSubjectsAndWrongKinds) {
  EXPECT_EQ(Relations(*store_, Ref(v1::KIND_CASE, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Relations(*store_, Ref(v1::KIND_PERSON, 99)).status().code(),
            absl::StatusCode::kNotFound);
  const uint64_t people = *store_->Count(v1::KIND_PERSON);
  const uint64_t firms = *store_->Count(v1::KIND_ENTERPRISE);
  struct Case {
    Kind kind;
    const char* json;
    const char* error;
  } cases[] = {
      {v1::KIND_PERSON,
       R"({"name":"x","relations":[{"person":{"kind":"KIND_ENTERPRISE","id":"1"}}]})",
       "person.relations[0].person: must refer to a person, got enterprise:1"},
      {v1::KIND_PERSON,
       R"({"name":"x","memberships":[{"organization":{"kind":"KIND_PERSON","id":"1"}}]})",
       "person.memberships[0].organization: must refer to an enterprise"},
      {v1::KIND_PERSON,
       R"({"name":"x","employer":{"kind":"KIND_PERSON","id":"1"}})",
       "person.employer: must refer to an enterprise, got person:1"},
      {v1::KIND_ENTERPRISE,
       R"({"name":"x","legalRepresentative":{"person":{"kind":"KIND_ENTERPRISE","id":"1"}}})",
       "enterprise.legalRepresentative.person: must refer to a person"},
      {v1::KIND_ENTERPRISE,
       R"({"name":"x","officers":[{"person":{"kind":"KIND_ENTERPRISE","id":"1"}}]})",
       "enterprise.officers[0].person: must refer to a person"},
      {v1::KIND_ENTERPRISE,
       R"({"name":"x","parent":{"kind":"KIND_PERSON","id":"1"}})",
       "enterprise.parent: must refer to an enterprise"},
      {v1::KIND_ENTERPRISE,
       R"({"name":"x","memberships":[{"organization":{"kind":"KIND_PERSON","id":"1"}}]})",
       "enterprise.memberships[0].organization: must refer to an enterprise"},
  };
  for (const Case& c : cases) {
    absl::Status s = TryPut(c.kind, c.json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.error)) << c.json;
  }
  EXPECT_EQ(*store_->Count(v1::KIND_PERSON), people);
  EXPECT_EQ(*store_->Count(v1::KIND_ENTERPRISE), firms);
}

class TimelineTest : public RelationsTest {
 protected:
  void SetUp() override {
    RelationsTest::SetUp();
    Put(v1::KIND_CASE,
        R"({"channel":"CHANNEL_VISIT","type":"TYPE_ENTERPRISE_COORDINATION",
        "title":"复工难题","received":{"year":2020,"month":3,"day":1},
        "parties":[{"ref":{"kind":"KIND_ENTERPRISE","id":"2"},"role":"ROLE_APPLICANT"},
                   {"ref":{"kind":"KIND_PERSON","id":"2"},"role":"ROLE_REPRESENTATIVE"}]})");
    Put(v1::KIND_DONATION, R"({"direction":"DIRECTION_INBOUND","title":"口罩",
        "date":{"year":2020,"month":2,"day":20},
        "donors":[{"ref":{"kind":"KIND_ENTERPRISE","id":"2"},"role":"ROLE_DONOR"}],
        "recipients":[{"ref":{"kind":"KIND_ENTERPRISE","id":"1"}}]})");
    Put(v1::KIND_EVENT, R"({"type":"TYPE_ENTERPRISE_VISIT","title":"走访三久",
        "date":{"year":2020,"month":3,"day":2},
        "participants":[{"ref":{"kind":"KIND_ENTERPRISE","id":"2"},"role":"ROLE_VISITED"}],
        "related":[{"kind":"KIND_CASE","id":"1"},{"kind":"KIND_ENTERPRISE","id":"2"}]})");
    Put(v1::KIND_EVENT, R"({"type":"TYPE_MEDIA_REPORT","title":"报道",
        "date":{"year":2019,"month":12,"day":1},
        "related":[{"kind":"KIND_ENTERPRISE","id":"2"}]})");
  }

  std::vector<std::string> Texts(const TimelinePage& p) {
    std::vector<std::string> out;
    for (const TimelineEntry& e : p.entries) {
      out.push_back(absl::StrCat(e.what, " ", KindName(e.record.kind()), ":",
                                 e.record.id(), " ", e.role));
    }
    return out;
  }
};

TEST_F(TimelineTest, NewestFirstWithEverySource) {
  auto t = Timeline(*store_, Ref(v1::KIND_ENTERPRISE, 2), Limit(100));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->next_cursor.empty());
  // Entries made today (history, relations dated by their record's last
  // change) come before 2020; the dated records follow newest first.
  std::vector<std::string> dated;
  for (const TimelineEntry& e : t->entries) {
    if (e.what == "case" || e.what == "donation" || e.what == "event") {
      dated.push_back(absl::StrCat(e.what, " ", KindName(e.record.kind()), ":",
                                   e.record.id(), " ", e.role));
    }
  }
  EXPECT_THAT(dated,
              ElementsAre("event event:1 participant:ROLE_VISITED, related",
                          "case case:1 party:ROLE_APPLICANT",
                          "donation donation:1 donor:ROLE_DONOR",
                          "event event:2 related"));
  for (size_t i = 1; i < t->entries.size(); ++i) {
    const auto key = [](const TimelineEntry& e) {
      return e.date.year() * 10000 + e.date.month() * 100 + e.date.day();
    };
    EXPECT_GE(key(t->entries[i - 1]), key(t->entries[i])) << i;
  }
  int history = 0, relations = 0;
  for (const TimelineEntry& e : t->entries) {
    if (e.what == "history") {
      ++history;
      EXPECT_EQ(e.role, "OP_CREATE");
      EXPECT_EQ(e.title, "三久制造");
    }
    if (e.what == "relation") ++relations;
  }
  EXPECT_EQ(history, 1);
  EXPECT_EQ(relations, 6);  // The unregistered chairman is not an entry.
  EXPECT_EQ(t->entries.size(), 4u + 1 + 6);
}

TEST_F(TimelineTest, PersonTimelineAndPaging) {
  auto full = Timeline(*store_, Ref(v1::KIND_PERSON, 2), Limit(1000));
  ASSERT_TRUE(full.ok()) << full.status();
  // Created, then updated: two history entries, newest first.
  std::vector<uint64_t> revisions;
  for (const TimelineEntry& e : full->entries) {
    if (e.what == "history") revisions.push_back(e.revision);
  }
  EXPECT_THAT(revisions, ElementsAre(2, 1));
  EXPECT_EQ(Texts(*full).back(), "case case:1 party:ROLE_REPRESENTATIVE");

  std::vector<std::string> paged;
  TimelineOptions o;
  o.limit = 2;
  int pages = 0;
  do {
    auto p = Timeline(*store_, Ref(v1::KIND_PERSON, 2), o);
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_LE(p->entries.size(), 2u);
    for (const std::string& s : Texts(*p)) paged.push_back(s);
    o.cursor = p->next_cursor;
    ASSERT_LT(++pages, 20);
  } while (!o.cursor.empty());
  EXPECT_EQ(paged, Texts(*full));
  EXPECT_THAT(full->ToJson(), HasSubstr("\"what\":\"history\""));
}

TEST_F(TimelineTest, BadArguments) {
  EXPECT_EQ(Timeline(*store_, Ref(v1::KIND_EVENT, 1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Timeline(*store_, Ref(v1::KIND_PERSON, 42)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      Timeline(*store_, Ref(v1::KIND_PERSON, 1), Limit(0)).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Timeline(*store_, Ref(v1::KIND_PERSON, 1), Limit(5, "garbage"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qiaolian
