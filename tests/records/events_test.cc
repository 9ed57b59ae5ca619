#include "qiaolian/events.h"

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/records/fixture.h"

namespace qiaolian {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class EventsTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    Put(v1::KIND_CASE, R"({"channel":"CHANNEL_PHONE","type":"TYPE_CONSULTATION",
        "received":{"year":2020,"month":2,"day":1}})");
    Put(v1::KIND_DONATION, R"({"direction":"DIRECTION_INBOUND",
        "date":{"year":2020,"month":2,"day":1}})");
    Ev(R"("type":"TYPE_WECHAT_GROUP_POST","channel":"CHANNEL_WECHAT_GROUP","count":230)",
       3, 1);  // 1
    Ev(R"("type":"TYPE_OFFICIAL_ACCOUNT_POST","outlet":"金沙侨苑公众号",
          "channel":"CHANNEL_WECHAT_ACCOUNT","clicks":"2321")",
       3, 27);  // 2
    Ev(R"("type":"TYPE_OFFICIAL_ACCOUNT_POST","outlet":"金沙侨苑公众号",
          "channel":"CHANNEL_WECHAT_ACCOUNT","clicks":"1000","count":0)",
       5, 1);  // 3
    Ev(R"("type":"TYPE_OFFICIAL_ACCOUNT_POST","outlet":"金沙侨苑公众号",
          "channel":"CHANNEL_WECHAT_ACCOUNT","clicks":"2321")",
       6, 1);  // 4: ties with 2 for the most clicks
    Ev(R"("type":"TYPE_MEDIA_REPORT","outlet":"江苏卫视","channel":"CHANNEL_TV")",
       1, 6);  // 5
    Ev(R"("type":"TYPE_MEDIA_REPORT","outlet":"江苏卫视","channel":"CHANNEL_TV")",
       1, 14);  // 6
    Ev(R"("type":"TYPE_MEDIA_REPORT","outlet":"常州日报","channel":"CHANNEL_NEWSPAPER","count":6)",
       4, 1);  // 7
    Ev(R"("type":"TYPE_PHONE_CALL","count":23,"related":[
          {"kind":"KIND_CASE","id":"1"},{"kind":"KIND_DONATION","id":"1"}])",
       2, 1);                                         // 8
    Put(v1::KIND_EVENT, R"({"type":"TYPE_LETTER","count":89,
        "date":{"year":2021,"month":1,"day":2}})");   // 9: next year
    Ev(R"("type":"TYPE_EMAIL","count":31)", 12, 31);  // 10: last day
  }

  void Ev(const std::string& fields, int month, int day) {
    Put(v1::KIND_EVENT,
        absl::StrCat("{", fields, R"(,"date":{"year":2020,"month":)", month,
                     R"(,"day":)", day, "}}"));
  }

  EventCountsOptions Year2020(EventGroupBy by) {
    EventCountsOptions o;
    o.by = by;
    o.from = Date(2020, 1, 1);
    o.to = Date(2020, 12, 31);
    return o;
  }

  std::map<std::string, EventCount> ByKey(const EventCounts& c) {
    std::map<std::string, EventCount> out;
    for (const auto& g : c.groups) out[g.key] = g;
    return out;
  }
};

TEST_F(EventsTest, ByKindWeightedByCount) {
  auto c = ComputeEventCounts(*store_, Year2020(EventGroupBy::kType));
  ASSERT_TRUE(c.ok()) << c.status();
  auto g = ByKey(*c);
  ASSERT_EQ(g.size(), 5u);
  // One record of 230 posts counts 230.
  EXPECT_EQ(g["TYPE_WECHAT_GROUP_POST"].records, 1u);
  EXPECT_EQ(g["TYPE_WECHAT_GROUP_POST"].count, 230u);
  // count 0 or absent counts 1.
  EXPECT_EQ(g["TYPE_OFFICIAL_ACCOUNT_POST"].count, 3u);
  EXPECT_EQ(g["TYPE_OFFICIAL_ACCOUNT_POST"].clicks, 2321u + 1000 + 2321);
  EXPECT_EQ(g["TYPE_OFFICIAL_ACCOUNT_POST"].max_clicks, 2321u);
  EXPECT_EQ(g["TYPE_OFFICIAL_ACCOUNT_POST"].max_clicks_id, 2u);
  EXPECT_EQ(g["TYPE_OFFICIAL_ACCOUNT_POST"].with_clicks, 3u);
  EXPECT_THAT(g["TYPE_OFFICIAL_ACCOUNT_POST"].ids, ElementsAre(2, 3, 4));
  EXPECT_EQ(g["TYPE_MEDIA_REPORT"].count, 1u + 1 + 6);
  EXPECT_EQ(g["TYPE_PHONE_CALL"].count, 23u);
  EXPECT_EQ(g["TYPE_EMAIL"].count, 31u);  // 2020-12-31 is inside.
  EXPECT_EQ(g.count("TYPE_LETTER"), 0u);  // 2021 is not.
  // Links to cases and donations.
  EXPECT_THAT(g["TYPE_PHONE_CALL"].case_ids, ElementsAre(1));
  EXPECT_THAT(g["TYPE_PHONE_CALL"].donation_ids, ElementsAre(1));
  EXPECT_THAT(g["TYPE_EMAIL"].case_ids, IsEmpty());
  EXPECT_EQ(c->all.records, 9u);
  EXPECT_EQ(c->all.count, 230u + 3 + 8 + 23 + 31);
}

TEST_F(EventsTest, MediaReportsByOutletAndPostsByChannel) {
  EventCountsOptions o = Year2020(EventGroupBy::kOutlet);
  o.types = {v1::Event::TYPE_MEDIA_REPORT};
  auto c = ComputeEventCounts(*store_, o);
  ASSERT_TRUE(c.ok()) << c.status();
  auto g = ByKey(*c);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g["江苏卫视"].count, 2u);
  EXPECT_THAT(g["江苏卫视"].ids, ElementsAre(5, 6));
  EXPECT_EQ(g["常州日报"].count, 6u);

  auto ch = ComputeEventCounts(*store_, Year2020(EventGroupBy::kChannel));
  ASSERT_TRUE(ch.ok()) << ch.status();
  auto gc = ByKey(*ch);
  EXPECT_EQ(gc["CHANNEL_WECHAT_ACCOUNT"].count, 3u);
  EXPECT_EQ(gc["CHANNEL_WECHAT_GROUP"].count, 230u);
  EXPECT_EQ(gc["null"].count, 23u + 31);

  EventCountsOptions one;
  one.outlet = "金沙侨苑公众号";
  one.from = Date(2020, 4, 1);
  auto oc = ComputeEventCounts(*store_, one);
  ASSERT_TRUE(oc.ok()) << oc.status();
  EXPECT_THAT(oc->all.ids, ElementsAre(3, 4));
  EXPECT_EQ(oc->all.max_clicks, 2321u);
  EXPECT_EQ(oc->all.max_clicks_id, 4u);

  auto m = ComputeEventCounts(*store_, Year2020(EventGroupBy::kMonth));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(ByKey(*m)["2020-03"].count, 231u);
  EXPECT_THAT(m->ToJson(), HasSubstr("\"key\":\"2020-03\",\"records\":2,"
                                     "\"count\":231"));
}

// Figure 11 (走访慰问68人，约3.6万元): people visited and what was given.
TEST_F(EventsTest, GreetingVisitsCountPeopleAndGifts) {
  Put(v1::KIND_PERSON, R"({"name":"甲"})");
  Put(v1::KIND_PERSON, R"({"name":"乙"})");
  Ev(R"("type":"TYPE_GREETING_VISIT",
        "participants":[{"ref":{"kind":"KIND_PERSON","id":"1"},"role":"ROLE_RECIPIENT"}],
        "money":{"currency":"CNY","amountMinor":"50000"},
        "gifts":[{"description":"大米","quantity":"2","unit":"袋",
                  "value":{"currency":"CNY","amountMinor":"20000"}}])",
     1, 20);
  Ev(R"("type":"TYPE_GREETING_VISIT",
        "participants":[{"ref":{"kind":"KIND_PERSON","id":"1"}},
                        {"ref":{"kind":"KIND_PERSON","id":"2"}},
                        {"name":"未建档的侨眷"}],
        "money":{"currency":"CNY","amountMinor":"100000"},
        "gifts":[{"description":"油","quantity":"1","unit":"bottle"}])",
     9, 30);
  EventCountsOptions o = Year2020(EventGroupBy::kNone);
  o.types = {v1::Event::TYPE_GREETING_VISIT};
  auto c = ComputeEventCounts(*store_, o);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->all.count, 2u);
  EXPECT_EQ(c->all.distinct_participants, 2u);  // person 1 counted once.
  EXPECT_EQ(c->all.money, (std::map<std::string, int64_t>{{"CNY", 150000}}));
  EXPECT_EQ(c->all.gift_quantities,
            (std::map<std::string, int64_t>{{"瓶", 1}, {"袋", 2}}));
  EXPECT_EQ(c->all.gift_value,
            (std::map<std::string, int64_t>{{"CNY", 20000}}));
  EXPECT_THAT(c->ToJson(), HasSubstr("\"distinct_participants\":2,"
                                     "\"money\":{\"CNY\":150000},"
                                     "\"gift_quantities\":{\"瓶\":1,"
                                     "\"袋\":2},\"gift_value\":{\"CNY\":"
                                     "20000}"));
}

TEST_F(EventsTest, EveryDomainKindExists) {
  for (const char* name :
       {"enterprise_visit", "greeting_visit", "phone_call", "email", "letter",
        "meeting", "ceremony", "exchange", "lecture", "live_stream",
        "media_report", "publication", "service", "online_service",
        "wechat_group_post", "official_account_post"}) {
    EXPECT_TRUE(ParseEventType(name).ok()) << name;
  }
  EXPECT_EQ(*ParseEventType("TYPE_LETTER"), v1::Event::TYPE_LETTER);
  auto bad = ParseEventType("party");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("phone_call"));
}

TEST_F(EventsTest, BadInput) {
  EventCountsOptions o;
  o.from = Date(2021, 1, 1);
  o.to = Date(2020, 1, 1);
  EXPECT_EQ(ComputeEventCounts(*store_, o).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEventGroupBy("weekday").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Participants must be people or enterprises; nothing is written.
  const uint64_t before = *store_->Count(v1::KIND_EVENT);
  absl::Status s = TryPut(v1::KIND_EVENT, R"({"type":"TYPE_MEETING",
      "date":{"year":2020,"month":1,"day":1},
      "participants":[{"ref":{"kind":"KIND_CASE","id":"1"}}]})");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(),
              HasSubstr("event.participants[0].ref: must refer to a person or "
                        "an enterprise, got case:1"));
  s = TryPut(v1::KIND_EVENT, R"({"type":"TYPE_GREETING_VISIT",
      "date":{"year":2020,"month":1,"day":1},
      "gifts":[{"description":"大米","quantity":"2","unit":"麻袋子"}]})");
  EXPECT_THAT(s.message(), HasSubstr("event.gifts[0].unit: unknown unit"));
  EXPECT_EQ(*store_->Count(v1::KIND_EVENT), before);
}

}  // namespace
}  // namespace qiaolian
