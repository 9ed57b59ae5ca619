#include "qiaolian/record.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;

TEST(RecordTest, KindsByNameAndMessage) {
  EXPECT_EQ(*ParseKind("enterprise"), v1::KIND_ENTERPRISE);
  EXPECT_EQ(*ParseKind("Person"), v1::KIND_PERSON);
  absl::StatusOr<Kind> bad = ParseKind("company");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("company"));
  EXPECT_THAT(bad.status().message(),
              HasSubstr("person, enterprise, case, donation, event"));
  for (Kind k : kAllKinds) {
    auto m = NewRecord(k);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(*KindOf(*m), k);
    EXPECT_EQ(*ParseKind(KindName(k)), k);
  }
  v1::Money not_a_record;
  EXPECT_EQ(KindOf(not_a_record).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NewRecord(v1::KIND_UNSPECIFIED), nullptr);
}

TEST(RecordTest, JsonRoundTripUsesTheCanonicalMapping) {
  auto rec = RecordFromJson(v1::KIND_DONATION, R"({
      "direction": "DIRECTION_INBOUND",
      "date": {"year": 2020, "month": 2, "day": 10},
      "items": [{"description": "3M N95口罩", "quantity": "600", "unit": "只"}],
      "money": {"currency": "CNY", "amount_minor": "2000000"}})");
  ASSERT_TRUE(rec.ok()) << rec.status();
  const auto& d = static_cast<const v1::Donation&>(**rec);
  EXPECT_EQ(d.items(0).quantity(), 600);
  EXPECT_EQ(d.items(0).unit(), "只");
  EXPECT_EQ(d.money().amount_minor(), 2000000);  // snake_case accepted too.

  auto json = RecordToJson(d);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"amountMinor\":\"2000000\""));
  EXPECT_THAT(*json, HasSubstr("\"direction\":\"DIRECTION_INBOUND\""));
  EXPECT_THAT(*json, HasSubstr("只"));  // UTF-8, not \u escapes.
  auto back = RecordFromJson(v1::KIND_DONATION, *json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->SerializeAsString(), d.SerializeAsString());

  auto pretty = RecordToJson(d, {.pretty = true});
  ASSERT_TRUE(pretty.ok());
  EXPECT_THAT(*pretty, HasSubstr("\n"));
}

TEST(RecordTest, BadJsonIsInvalidArgumentWithTheReason) {
  struct Case {
    const char* json;
    const char* expect;
  } cases[] = {
      {R"({"name": "x",)", "invalid JSON"},
      {R"({"name": "x", "nickname": "y"})", "nickname"},
      {R"({"name": 42})", "name"},
      {R"({"name": "x", "gender": "GENDER_UNKNOWN_VALUE"})", "gender"},
      {R"([1, 2])", "invalid JSON"},
      {"", "invalid JSON"},
  };
  for (const Case& c : cases) {
    auto rec = RecordFromJson(v1::KIND_PERSON, c.json);
    EXPECT_EQ(rec.status().code(), absl::StatusCode::kInvalidArgument)
        << c.json;
    EXPECT_THAT(rec.status().message(), HasSubstr(c.expect)) << c.json;
  }
  auto bad_utf8 = RecordFromJson(v1::KIND_PERSON, "{\"name\": \"\xE4\xBE\"}");
  EXPECT_EQ(bad_utf8.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_utf8.status().message(), HasSubstr("UTF-8"));
  EXPECT_THAT(bad_utf8.status().message(), HasSubstr("byte 10"));
}

TEST(RecordTest, MetaAccessors) {
  v1::Case c;
  MutableMetaOf(&c)->set_id(9);
  EXPECT_EQ(c.meta().id(), 9u);
  EXPECT_EQ(MetaOf(c).id(), 9u);
}

}  // namespace
}  // namespace qiaolian
