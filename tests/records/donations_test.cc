#include "qiaolian/donations.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/records/common.h"
#include "tests/records/fixture.h"

namespace qiaolian {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kRates[] = R"(# 2020 rates into yuan
currency,base,from,to,rate
USD,CNY,2020-01-01,2020-06-30,7.0795
USD,CNY,2020-07-01,2020-12-31,6.8976
EUR,CNY,2020-01-01,2020-12-31,7.8755
)";

class DonationsTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    // enterprise 1, 2: hospitals; 3: an association abroad.
    Put(KIND_E, R"({"name":"金坛人民医院","type":"TYPE_PUBLIC_INSTITUTION"})");
    Put(KIND_E, R"({"name":"金坛中医院","type":"TYPE_PUBLIC_INSTITUTION"})");
    Put(KIND_E, R"({"name":"东非商会","type":"TYPE_ASSOCIATION"})");
    Put(v1::KIND_PERSON, R"({"name":"胡正明"})");
    Put(v1::KIND_EVENT,
        R"({"type":"TYPE_CEREMONY","date":{"year":2020,"month":9,"day":10}})");
    // 1: masks for both hospitals, raised by person 1 through enterprise 3.
    Put(KIND_D,
        R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":20},
      "purpose":"PURPOSE_EPIDEMIC","campaign":"防疫物资",
      "donors":[{"ref":{"kind":"KIND_PERSON","id":"1"},"role":"ROLE_DONOR"},
                {"ref":{"kind":"KIND_ENTERPRISE","id":"3"},"role":"ROLE_INTERMEDIARY"}],
      "recipients":[{"ref":{"kind":"KIND_ENTERPRISE","id":"1"}},
                    {"ref":{"kind":"KIND_ENTERPRISE","id":"2"}}],
      "items":[{"description":"N95口罩","quantity":"600","unit":"只",
                "value":{"currency":"CNY","amountMinor":"1200000"}}]})");
    // 2: dollars and boxes from the association to hospital 1.
    Put(KIND_D,
        R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":3,"day":1},
      "purpose":"PURPOSE_EPIDEMIC","campaign":"防疫物资",
      "donors":[{"ref":{"kind":"KIND_ENTERPRISE","id":"3"},"role":"ROLE_DONOR"}],
      "recipients":[{"ref":{"kind":"KIND_ENTERPRISE","id":"1"}}],
      "money":{"currency":"USD","amountMinor":"100000"},
      "items":[{"description":"防护服","quantity":"5","unit":"箱"},
               {"description":"手套","quantity":"3","unit":"boxes"}]})");
    // 3: scholarship money, outbound.
    Put(KIND_D,
        R"({"direction":"DIRECTION_OUTBOUND","date":{"year":2020,"month":9,"day":10},
      "purpose":"PURPOSE_SCHOLARSHIP","campaign":"第24届胡氏奖助金",
      "campaignEvent":{"kind":"KIND_EVENT","id":"1"},
      "donors":[{"ref":{"kind":"KIND_PERSON","id":"1"},"role":"ROLE_SPONSOR"},
                {"name":"金坛区侨联","role":"ROLE_ORGANISER"}],
      "recipients":[{"name":"受奖学生","count":21}],
      "money":{"currency":"CNY","amountMinor":"4300000"}})");
    // 4: euros from an unregistered donor to hospital 2.
    Put(KIND_D,
        R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":8,"day":1},
      "purpose":"PURPOSE_EPIDEMIC",
      "donors":[{"name":"海外侨领"}],
      "recipients":[{"ref":{"kind":"KIND_ENTERPRISE","id":"2"}}],
      "money":{"currency":"EUR","amountMinor":"50000"}})");
    // 5: next year.
    Put(KIND_D,
        R"({"direction":"DIRECTION_INBOUND","date":{"year":2021,"month":1,"day":5},
      "purpose":"PURPOSE_EPIDEMIC","money":{"currency":"CNY","amountMinor":"100"}})");
  }

  DonationTotalsOptions Year2020(DonationGroupBy by) {
    DonationTotalsOptions o;
    o.by = by;
    o.from = Date(2020, 1, 1);
    o.to = Date(2020, 12, 31);
    return o;
  }

  static constexpr Kind KIND_E = v1::KIND_ENTERPRISE;
  static constexpr Kind KIND_D = v1::KIND_DONATION;
};

TEST_F(DonationsTest, ByPurposeKeepsCurrenciesAndUnitsApart) {
  auto t = ComputeDonationTotals(*store_, Year2020(DonationGroupBy::kPurpose));
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->groups.size(), 2u);
  const DonationTotal& epi = t->groups[0];
  EXPECT_EQ(epi.key, "PURPOSE_EPIDEMIC");
  EXPECT_EQ(epi.donations, 3u);
  EXPECT_THAT(epi.ids, ElementsAre(1, 2, 4));
  // Dollars and euros are never added up without a rate table.
  EXPECT_THAT(epi.money, ElementsAre(Pair("EUR", 50000), Pair("USD", 100000)));
  // 箱 and "boxes" are one unit; 只 stays apart.
  EXPECT_THAT(epi.quantities, ElementsAre(Pair("只", 600), Pair("箱", 8)));
  EXPECT_THAT(epi.goods_value, ElementsAre(Pair("CNY", 1200000)));
  EXPECT_EQ(epi.items_without_value, 2u);
  EXPECT_FALSE(epi.total_converted.has_value());
  const DonationTotal& sch = t->groups[1];
  EXPECT_EQ(sch.key, "PURPOSE_SCHOLARSHIP");
  EXPECT_THAT(sch.money, ElementsAre(Pair("CNY", 4300000)));
  EXPECT_THAT(sch.ids, ElementsAre(3));
  // The 2021 donation is outside the period.
  EXPECT_THAT(t->all.ids, ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(t->all.money,
              ElementsAre(Pair("CNY", 4300000), Pair("EUR", 50000),
                          Pair("USD", 100000)));
}

// The query language's `sum items` and the totals agree, unit for unit.
TEST_F(DonationsTest, QueryAggregateAgreesWithTotals) {
  auto agg = store_->Aggregate(
      "donation where date between 2020-01-01 and 2020-12-31 group by purpose "
      "compute sum money, sum items");
  ASSERT_TRUE(agg.ok()) << agg.status();
  auto t = ComputeDonationTotals(*store_, Year2020(DonationGroupBy::kPurpose));
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(agg->groups.size(), t->groups.size());
  for (size_t i = 0; i < t->groups.size(); ++i) {
    EXPECT_EQ(agg->groups[i].key, t->groups[i].key);
    EXPECT_EQ(agg->groups[i].ids, t->groups[i].ids);
    EXPECT_EQ(agg->groups[i].values[0].money, t->groups[i].money);
    EXPECT_EQ(agg->groups[i].values[1].quantities, t->groups[i].quantities);
    EXPECT_EQ(agg->groups[i].values[1].money, t->groups[i].goods_value);
  }
}

TEST_F(DonationsTest, ByDonorCountsDonorsAndSponsorsNotIntermediaries) {
  auto t = ComputeDonationTotals(*store_, Year2020(DonationGroupBy::kDonor));
  ASSERT_TRUE(t.ok()) << t.status();
  std::map<std::string, std::vector<uint64_t>> ids;
  for (const auto& g : t->groups) ids[g.key] = g.ids;
  EXPECT_THAT(ids, UnorderedElementsAre(Pair("person:1", ElementsAre(1, 3)),
                                        Pair("enterprise:3", ElementsAre(2)),
                                        Pair("name:海外侨领", ElementsAre(4))));
  for (const auto& g : t->groups) {
    if (g.key == "person:1") {
      EXPECT_THAT(g.money, ElementsAre(Pair("CNY", 4300000)));
      EXPECT_THAT(g.quantities, ElementsAre(Pair("只", 600)));
    }
  }
}

TEST_F(DonationsTest, ByRecipientAndCampaignAndDirection) {
  auto t =
      ComputeDonationTotals(*store_, Year2020(DonationGroupBy::kRecipient));
  ASSERT_TRUE(t.ok()) << t.status();
  std::map<std::string, std::vector<uint64_t>> ids;
  for (const auto& g : t->groups) ids[g.key] = g.ids;
  EXPECT_THAT(ids, UnorderedElementsAre(Pair("enterprise:1", ElementsAre(1, 2)),
                                        Pair("enterprise:2", ElementsAre(1, 4)),
                                        Pair("name:受奖学生", ElementsAre(3))));
  // Masks for the two hospitals: 600 只 counted under each hospital.
  EXPECT_THAT(t->groups[0].quantities,
              ElementsAre(Pair("只", 600), Pair("箱", 8)));

  auto c = ComputeDonationTotals(*store_, Year2020(DonationGroupBy::kCampaign));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->groups.size(), 3u);
  EXPECT_EQ(c->groups[0].key, "null");
  EXPECT_THAT(c->groups[0].ids, ElementsAre(4));

  DonationTotalsOptions out = Year2020(DonationGroupBy::kNone);
  out.direction = v1::Donation::DIRECTION_OUTBOUND;
  auto o = ComputeDonationTotals(*store_, out);
  ASSERT_TRUE(o.ok()) << o.status();
  ASSERT_EQ(o->groups.size(), 1u);
  EXPECT_THAT(o->groups[0].ids, ElementsAre(3));
  EXPECT_THAT(o->groups[0].money, ElementsAre(Pair("CNY", 4300000)));
}

TEST_F(DonationsTest, RateTableConvertsByDate) {
  auto rates = RateTable::Parse(kRates);
  ASSERT_TRUE(rates.ok()) << rates.status();
  DonationTotalsOptions o = Year2020(DonationGroupBy::kPurpose);
  o.rates = &*rates;
  auto t = ComputeDonationTotals(*store_, o);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->base_currency, "CNY");
  // 1000.00 USD on 2020-03-01 at 7.0795 = 7079.50 CNY; 500.00 EUR at 7.8755
  // = 3937.75 CNY; 43000 CNY as is; the masks' declared 12000 CNY.
  EXPECT_EQ(*t->all.money_converted, 707950 + 393775 + 4300000);
  EXPECT_EQ(*t->all.goods_value_converted, 1200000);
  EXPECT_EQ(*t->all.total_converted, 707950 + 393775 + 4300000 + 1200000);
  EXPECT_EQ(*t->groups[0].total_converted, 707950 + 393775 + 1200000);
  // The per-currency sums are still there.
  EXPECT_THAT(t->all.money,
              ElementsAre(Pair("CNY", 4300000), Pair("EUR", 50000),
                          Pair("USD", 100000)));
  EXPECT_THAT(t->ToJson(), HasSubstr("\"total_converted\":6601725"));
}

TEST_F(DonationsTest, ConvertRoundsHalfAwayFromZeroAcrossMinorUnits) {
  auto rates = RateTable::Parse(
      "currency,base,from,to,rate\n"
      "USD,CNY,2020-01-01,2020-12-31,7.0795\n"
      "JPY,CNY,2020-01-01,2020-12-31,0.065\n");
  ASSERT_TRUE(rates.ok()) << rates.status();
  const v1::Date d = Date(2020, 5, 1);
  EXPECT_EQ(*rates->Convert("USD", d, 1), 7);      // 7.0795 fen
  EXPECT_EQ(*rates->Convert("USD", d, 100), 708);  // 707.95 fen
  EXPECT_EQ(*rates->Convert("JPY", d, 1),
            7);  // 1 yen (no minor unit) = 6.5 fen
  EXPECT_EQ(*rates->Convert("JPY", d, 100), 650);
  EXPECT_EQ(*rates->Convert("CNY", d, 123), 123);
}

TEST_F(DonationsTest, RateTableNotCoveringADonationIsAnError) {
  // USD only until February: donation 2 (2020-03-01) cannot be converted.
  auto short_usd = RateTable::Parse(
      "currency,base,from,to,rate\n"
      "USD,CNY,2020-01-01,2020-02-29,7.0\n"
      "EUR,CNY,2020-01-01,2020-12-31,7.8\n");
  ASSERT_TRUE(short_usd.ok()) << short_usd.status();
  DonationTotalsOptions o = Year2020(DonationGroupBy::kNone);
  o.rates = &*short_usd;
  auto t = ComputeDonationTotals(*store_, o);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(t.status().message(),
              HasSubstr("donation 2 (2020-03-01), money: the rate table has no "
                        "USD rate for 2020-03-01 (it covers 2020-01-01 to "
                        "2020-02-29)"));

  auto no_eur = RateTable::Parse(
      "currency,base,from,to,rate\nUSD,CNY,2020-01-01,2020-12-31,7.0\n");
  ASSERT_TRUE(no_eur.ok());
  o.rates = &*no_eur;
  t = ComputeDonationTotals(*store_, o);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(t.status().message(),
              HasSubstr("donation 4 (2020-08-01), money: the rate table has no "
                        "rate from EUR to CNY"));
}

TEST(FormatMoneyTest, MinorUnits) {
  EXPECT_EQ(records::FormatMoney("CNY", 4300000), "CNY 43000.00");
  EXPECT_EQ(records::FormatMoney("CNY", 5), "CNY 0.05");
  EXPECT_EQ(records::FormatMoney("USD", -105), "USD -1.05");
  EXPECT_EQ(records::FormatMoney("JPY", 100), "JPY 100");
  EXPECT_EQ(records::FormatMoney("KWD", 1234), "KWD 1.234");  // 3 decimals
  EXPECT_EQ(records::FormatMoney("CNY", INT64_MIN),
            "CNY -92233720368547758.08");
}

TEST(RateTableTest, BadTables) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"USD,CNY,2020-01-01,2020-12-31,7\n", "line 1, header: expected"},
      {"currency,base,from,to,rate\n", "no rates"},
      {"currency,base,from,to,rate\n"
       "USD,CNY,2020-01-01,2020-06-30,7.1\n"
       "USD,CNY,2020-08-01,2020-12-31,7.0\n",
       "line 3, from: gap in the USD rates: no rate from 2020-07-01 to "
       "2020-07-31 (between line 2 and this line)"},
      {"currency,base,from,to,rate\n"
       "USD,CNY,2020-01-01,2020-06-30,7.1\n"
       "USD,CNY,2020-06-30,2020-12-31,7.0\n",
       "line 3, from: USD 2020-06-30 overlaps line 2"},
      {"currency,base,from,to,rate\nUSD,CNY,2020-01-01,2020-12-31,-7\n",
       "line 2, rate: \"-7\" is not a positive decimal number"},
      {"currency,base,from,to,rate\nUSD,CNY,2020-01-01,2020-12-31,0\n",
       "line 2, rate: must be greater than 0"},
      {"currency,base,from,to,rate\nUSD,CNY,2020-01-01,2020-02-30,7\n",
       "line 2, to:"},
      {"currency,base,from,to,rate\nUSD,CNY,2020-12-31,2020-01-01,7\n",
       "line 2, to: 2020-01-01 is before from 2020-12-31"},
      {"currency,base,from,to,rate\nRMB,CNY,2020-01-01,2020-12-31,7\n",
       "line 2, currency:"},
      {"currency,base,from,to,rate\nUSD,CNY,2020-01-01,2020-12-31,7\n"
       "EUR,USD,2020-01-01,2020-12-31,1.1\n",
       "line 3, base: every row must have the same base"},
      {"currency,base,from,to,rate\nUSD,CNY,2020-01-01,2020-12-31\n",
       "line 2, row: 5 fields expected, got 4"},
  };
  for (const Case& c : cases) {
    auto t = RateTable::Parse(c.text);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(t.status().message(), HasSubstr(c.error)) << c.text;
  }
}

TEST_F(DonationsTest, BadOptions) {
  DonationTotalsOptions o;
  o.from = Date(2020, 12, 31);
  o.to = Date(2020, 1, 1);
  EXPECT_THAT(ComputeDonationTotals(*store_, o).status().message(),
              HasSubstr("from 2020-12-31 is after to 2020-01-01"));
  o.from = Date(2020, 0, 0);
  EXPECT_EQ(ComputeDonationTotals(*store_, o).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDonationGroupBy("colour").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ParseDonationGroupBy("Recipient"), DonationGroupBy::kRecipient);
}

// Bad donations are refused with the field named, and nothing is written.
TEST_F(DonationsTest, BadDonationsWriteNothing) {
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "items":[{"quantity":"-600","unit":"只"}]})",
       "donation.items[0].quantity: must be >= 0, got -600"},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "items":[{"quantity":"600","unit":"坨"}]})",
       "donation.items[0].unit: unknown unit \"坨\""},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "money":{"currency":"RMB","amountMinor":"100"}})",
       "donation.money.currency:"},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "items":[{"quantity":"1","unit":"只","value":{"currency":"XYZ","amountMinor":"1"}}]})",
       "donation.items[0].value.currency:"},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "money":{"currency":"CNY","amountMinor":"-5"}})",
       "donation.money.amountMinor: must be >= 0"},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "donors":[{"ref":{"kind":"KIND_EVENT","id":"1"}}]})",
       "donation.donors[0].ref: must refer to a person or an enterprise, got "
       "event:1"},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "recipients":[{"ref":{"kind":"KIND_DONATION","id":"1"}}]})",
       "donation.recipients[0].ref: must refer to a person or an enterprise, "
       "got donation:1"},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "campaignEvent":{"kind":"KIND_ENTERPRISE","id":"1"}})",
       "donation.campaignEvent: must refer to an event, got enterprise:1"},
      {R"({"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},
          "raisedVia":{"kind":"KIND_PERSON","id":"1"}})",
       "donation.raisedVia: must refer to an enterprise, got person:1"},
  };
  const uint64_t before = *store_->Count(KIND_D);
  for (const Case& c : cases) {
    absl::Status s = TryPut(KIND_D, c.json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(s.message(), HasSubstr(c.error)) << c.json;
  }
  EXPECT_EQ(*store_->Count(KIND_D), before);
  // No id was used up: the next good donation gets the next id.
  EXPECT_EQ(Put(KIND_D, R"({"direction":"DIRECTION_INBOUND",
      "date":{"year":2020,"month":2,"day":1},
      "items":[{"quantity":"2","unit":"kg"},{"quantity":"3","unit":"公斤"}]})"),
            before + 1);
}

}  // namespace
}  // namespace qiaolian
