#include "src/query/parser.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qiaolian {
namespace query {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// --- Equality that ignores positions. ---------------------------------------

bool SameLiteral(const Literal& a, const Literal& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case Literal::Type::kString:
    case Literal::Type::kIdentifier:
      return a.text == b.text;
    case Literal::Type::kInteger:
      return a.integer == b.integer;
    case Literal::Type::kDate:
      return a.year == b.year && a.month == b.month && a.day == b.day;
    case Literal::Type::kRef:
      return a.text == b.text && a.integer == b.integer;
  }
  return false;
}

bool SameExpr(const Expr& a, const Expr& b) {
  if (a.type != b.type) return false;
  if (a.type == Expr::Type::kPredicate) {
    const Predicate& p = a.predicate;
    const Predicate& q = b.predicate;
    if (p.field != q.field || p.op != q.op ||
        p.values.size() != q.values.size()) {
      return false;
    }
    for (size_t i = 0; i < p.values.size(); ++i) {
      if (!SameLiteral(p.values[i], q.values[i])) return false;
    }
    return true;
  }
  if (a.children.size() != b.children.size()) return false;
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!SameExpr(a.children[i], b.children[i])) return false;
  }
  return true;
}

bool SameQuery(const Query& a, const Query& b) {
  if (a.kind != b.kind || a.where.has_value() != b.where.has_value() ||
      a.group_by.has_value() != b.group_by.has_value() ||
      a.aggregates.size() != b.aggregates.size() ||
      a.order_by.has_value() != b.order_by.has_value() || a.limit != b.limit) {
    return false;
  }
  if (a.where && !SameExpr(*a.where, *b.where)) return false;
  if (a.group_by && (a.group_by->field != b.group_by->field ||
                     a.group_by->bucket != b.group_by->bucket)) {
    return false;
  }
  for (size_t i = 0; i < a.aggregates.size(); ++i) {
    if (a.aggregates[i].fn != b.aggregates[i].fn ||
        a.aggregates[i].field != b.aggregates[i].field) {
      return false;
    }
  }
  if (a.order_by && (a.order_by->field != b.order_by->field ||
                     a.order_by->descending != b.order_by->descending)) {
    return false;
  }
  return true;
}

// --- Helpers. ---------------------------------------------------------------

Query MustParse(const std::string& text) {
  absl::StatusOr<Query> q = Parse(text);
  EXPECT_TRUE(q.ok()) << text << ": " << q.status();
  return q.ok() ? *std::move(q) : Query();
}

const Predicate& Pred(const Query& q) {
  static const Predicate kNone;
  if (!q.where || q.where->type != Expr::Type::kPredicate) {
    ADD_FAILURE() << "where is not a single predicate";
    return kNone;
  }
  return q.where->predicate;
}

// Parses `text` and expects exactly `message` as an INVALID_ARGUMENT.
void ExpectError(const std::string& text, const std::string& message) {
  absl::StatusOr<Query> q = Parse(text);
  ASSERT_FALSE(q.ok()) << text << " parsed as " << ToString(*q);
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << text;
  EXPECT_EQ(std::string(q.status().message()), message) << text;
}

// --- Whole queries. ---------------------------------------------------------

TEST(ParserTest, KindOnly) {
  Query q = MustParse("person");
  EXPECT_EQ(q.kind, "person");
  EXPECT_EQ(q.kind_pos, 0u);
  EXPECT_FALSE(q.where.has_value());
  EXPECT_FALSE(q.group_by.has_value());
  EXPECT_TRUE(q.aggregates.empty());
  EXPECT_FALSE(q.order_by.has_value());
  EXPECT_FALSE(q.limit.has_value());

  q = MustParse("  \t\n case  ");
  EXPECT_EQ(q.kind, "case");
  EXPECT_EQ(q.kind_pos, 5u);
}

TEST(ParserTest, DesignExample) {
  const std::string text =
      "enterprise where investor_country = \"KE\" and established >= "
      "2010-01-01 order by name limit 50";
  Query q = MustParse(text);
  EXPECT_EQ(q.kind, "enterprise");
  ASSERT_TRUE(q.where.has_value());
  ASSERT_EQ(q.where->type, Expr::Type::kAnd);
  ASSERT_EQ(q.where->children.size(), 2u);

  const Predicate& p0 = q.where->children[0].predicate;
  EXPECT_EQ(p0.field, "investor_country");
  EXPECT_EQ(p0.field_pos, text.find("investor_country"));
  EXPECT_EQ(p0.op, Predicate::Op::kEq);
  ASSERT_EQ(p0.values.size(), 1u);
  EXPECT_EQ(p0.values[0].type, Literal::Type::kString);
  EXPECT_EQ(p0.values[0].text, "KE");
  EXPECT_EQ(p0.values[0].pos, text.find("\"KE\""));

  const Predicate& p1 = q.where->children[1].predicate;
  EXPECT_EQ(p1.field, "established");
  EXPECT_EQ(p1.op, Predicate::Op::kGe);
  ASSERT_EQ(p1.values.size(), 1u);
  EXPECT_EQ(p1.values[0].type, Literal::Type::kDate);
  EXPECT_EQ(p1.values[0].year, 2010);
  EXPECT_EQ(p1.values[0].month, 1);
  EXPECT_EQ(p1.values[0].day, 1);
  EXPECT_EQ(p1.values[0].pos, text.find("2010"));

  ASSERT_TRUE(q.order_by.has_value());
  EXPECT_EQ(q.order_by->field, "name");
  EXPECT_EQ(q.order_by->pos, text.find("name"));
  EXPECT_FALSE(q.order_by->descending);
  EXPECT_EQ(q.limit, 50u);

  EXPECT_EQ(ToString(q), text);
}

TEST(ParserTest, AllClauses) {
  const std::string text =
      "donation where date between 2020-01-01 and 2020-12-31 group by "
      "month(date) compute count, count distinct donor.ref, sum amount, min "
      "amount, max amount order by date desc limit 0";
  Query q = MustParse(text);
  EXPECT_EQ(Pred(q).op, Predicate::Op::kBetween);
  ASSERT_TRUE(q.group_by.has_value());
  EXPECT_EQ(q.group_by->bucket, GroupBy::Bucket::kMonth);
  EXPECT_EQ(q.group_by->field, "date");
  EXPECT_EQ(q.group_by->pos, text.find("date)"));
  ASSERT_EQ(q.aggregates.size(), 5u);
  EXPECT_EQ(q.aggregates[0].fn, Aggregate::Fn::kCount);
  EXPECT_EQ(q.aggregates[0].field, "");
  EXPECT_EQ(q.aggregates[0].pos, text.find("count"));
  EXPECT_EQ(q.aggregates[1].fn, Aggregate::Fn::kCountDistinct);
  EXPECT_EQ(q.aggregates[1].field, "donor.ref");
  EXPECT_EQ(q.aggregates[1].pos, text.find("donor.ref"));
  EXPECT_EQ(q.aggregates[2].fn, Aggregate::Fn::kSum);
  EXPECT_EQ(q.aggregates[2].field, "amount");
  EXPECT_EQ(q.aggregates[2].pos, text.find("amount"));
  EXPECT_EQ(q.aggregates[3].fn, Aggregate::Fn::kMin);
  EXPECT_EQ(q.aggregates[4].fn, Aggregate::Fn::kMax);
  ASSERT_TRUE(q.order_by.has_value());
  EXPECT_TRUE(q.order_by->descending);
  EXPECT_EQ(q.limit, 0u);
  EXPECT_EQ(ToString(q), text);
}

TEST(ParserTest, GroupBy) {
  Query q = MustParse("event group by year(date)");
  EXPECT_EQ(q.group_by->bucket, GroupBy::Bucket::kYear);
  EXPECT_EQ(q.group_by->field, "date");
  EXPECT_EQ(q.group_by->pos, 20u);

  q = MustParse("event group by type compute count");
  EXPECT_EQ(q.group_by->bucket, GroupBy::Bucket::kValue);
  EXPECT_EQ(q.group_by->field, "type");
  EXPECT_EQ(q.group_by->pos, 15u);

  // month/year are fields unless followed by '('.
  q = MustParse("event group by month");
  EXPECT_EQ(q.group_by->bucket, GroupBy::Bucket::kValue);
  EXPECT_EQ(q.group_by->field, "month");
  q = MustParse("event group by MONTH ( month )");
  EXPECT_EQ(q.group_by->bucket, GroupBy::Bucket::kMonth);
  EXPECT_EQ(q.group_by->field, "month");
  q = MustParse("event group by year(participants.date)");
  EXPECT_EQ(q.group_by->field, "participants.date");
}

TEST(ParserTest, OrderBy) {
  Query q = MustParse("person order by name asc");
  EXPECT_EQ(q.order_by->field, "name");
  EXPECT_FALSE(q.order_by->descending);
  q = MustParse("person order by legalRepresentative.name DESC limit 3");
  EXPECT_EQ(q.order_by->field, "legalRepresentative.name");
  EXPECT_TRUE(q.order_by->descending);
  EXPECT_EQ(q.limit, 3u);
  EXPECT_EQ(ToString(q),
            "person order by legalRepresentative.name desc limit 3");
  EXPECT_EQ(ToString(MustParse("person order by name asc")),
            "person order by name");
}

TEST(ParserTest, Limit) {
  EXPECT_EQ(MustParse("person limit 9223372036854775807").limit,
            uint64_t{9223372036854775807u});
  EXPECT_EQ(MustParse("person limit 007").limit, 7u);
}

// --- Predicates and literals. -----------------------------------------------

TEST(ParserTest, ComparisonOperators) {
  const std::pair<const char*, Predicate::Op> cases[] = {
      {"=", Predicate::Op::kEq}, {"!=", Predicate::Op::kNe},
      {"<", Predicate::Op::kLt}, {"<=", Predicate::Op::kLe},
      {">", Predicate::Op::kGt}, {">=", Predicate::Op::kGe}};
  for (const auto& [op, expected] : cases) {
    const std::string spaced = absl::StrCat("case where n ", op, " 5");
    const std::string tight = absl::StrCat("case where n", op, "5");
    for (const std::string& text : {spaced, tight}) {
      Query q = MustParse(text);
      EXPECT_EQ(Pred(q).op, expected) << text;
      EXPECT_EQ(Pred(q).field, "n");
      EXPECT_EQ(Pred(q).field_pos, 11u);
      ASSERT_EQ(Pred(q).values.size(), 1u);
      EXPECT_EQ(Pred(q).values[0].integer, 5);
      EXPECT_EQ(Pred(q).values[0].pos, text.size() - 1);
    }
  }
}

TEST(ParserTest, Between) {
  Query q = MustParse("case where filed between 2019-1-2 and 2020-12-31");
  const Predicate& p = Pred(q);
  EXPECT_EQ(p.op, Predicate::Op::kBetween);
  ASSERT_EQ(p.values.size(), 2u);
  EXPECT_EQ(p.values[0].year, 2019);
  EXPECT_EQ(p.values[0].month, 1);
  EXPECT_EQ(p.values[0].day, 2);
  EXPECT_EQ(p.values[1].year, 2020);
  EXPECT_EQ(p.values[1].pos, 38u);
  EXPECT_EQ(ToString(q), "case where filed between 2019-01-02 and 2020-12-31");

  // The 'and' of between is not a conjunction.
  q = MustParse("case where n between -1 and 1 and m exists");
  ASSERT_EQ(q.where->type, Expr::Type::kAnd);
  ASSERT_EQ(q.where->children.size(), 2u);
  EXPECT_EQ(q.where->children[0].predicate.values[0].integer, -1);
  EXPECT_EQ(q.where->children[0].predicate.values[1].integer, 1);
}

TEST(ParserTest, In) {
  Query q =
      MustParse("person where nationality in (CN, \"KE\", 3,enterprise:7)");
  const Predicate& p = Pred(q);
  EXPECT_EQ(p.op, Predicate::Op::kIn);
  ASSERT_EQ(p.values.size(), 4u);
  EXPECT_EQ(p.values[0].type, Literal::Type::kIdentifier);
  EXPECT_EQ(p.values[0].text, "CN");
  EXPECT_EQ(p.values[1].type, Literal::Type::kString);
  EXPECT_EQ(p.values[2].type, Literal::Type::kInteger);
  EXPECT_EQ(p.values[3].type, Literal::Type::kRef);
  EXPECT_EQ(p.values[3].pos, 41u);
  EXPECT_EQ(ToString(q),
            "person where nationality in (CN, \"KE\", 3, enterprise:7)");

  q = MustParse("person where x in (1)");
  EXPECT_EQ(Pred(q).values.size(), 1u);
}

TEST(ParserTest, PrefixExistsNotExists) {
  Query q = MustParse("enterprise where name prefix '华为'");
  EXPECT_EQ(Pred(q).op, Predicate::Op::kPrefix);
  ASSERT_EQ(Pred(q).values.size(), 1u);
  EXPECT_EQ(Pred(q).values[0].text, "华为");

  q = MustParse("person where 籍贯 CONTAINS 台山");
  EXPECT_EQ(Pred(q).op, Predicate::Op::kContains);
  ASSERT_EQ(Pred(q).values.size(), 1u);
  EXPECT_EQ(Pred(q).values[0].text, "台山");
  EXPECT_EQ(ToString(q), "person where 籍贯 contains \"台山\"");
  ExpectError("person where notes contains 5",
              "at column 29: expected a string after 'contains', found '5'");

  q = MustParse("enterprise where uscc exists");
  EXPECT_EQ(Pred(q).op, Predicate::Op::kExists);
  EXPECT_TRUE(Pred(q).values.empty());

  q = MustParse("enterprise where uscc NOT Exists");
  EXPECT_EQ(Pred(q).op, Predicate::Op::kNotExists);
  EXPECT_TRUE(Pred(q).values.empty());
  EXPECT_EQ(ToString(q), "enterprise where uscc not exists");
}

TEST(ParserTest, Literals) {
  Query q = MustParse("case where a = true");
  EXPECT_EQ(Pred(q).values[0].type, Literal::Type::kIdentifier);
  EXPECT_EQ(Pred(q).values[0].text, "true");

  q = MustParse("case where a = Status_ACTIVE2");
  EXPECT_EQ(Pred(q).values[0].text, "Status_ACTIVE2");

  q = MustParse("case where a = -42");
  EXPECT_EQ(Pred(q).values[0].type, Literal::Type::kInteger);
  EXPECT_EQ(Pred(q).values[0].integer, -42);

  q = MustParse("case where a = -9223372036854775808");
  EXPECT_EQ(Pred(q).values[0].integer, std::numeric_limits<int64_t>::min());
  q = MustParse("case where a=9223372036854775807");
  EXPECT_EQ(Pred(q).values[0].integer, std::numeric_limits<int64_t>::max());

  q = MustParse("case where participants.ref = enterprise:42");
  EXPECT_EQ(Pred(q).field, "participants.ref");
  EXPECT_EQ(Pred(q).values[0].type, Literal::Type::kRef);
  EXPECT_EQ(Pred(q).values[0].text, "enterprise");
  EXPECT_EQ(Pred(q).values[0].integer, 42);
  EXPECT_EQ(Pred(q).values[0].pos, 30u);

  // A ref keeps the kind as written, even a keyword.
  q = MustParse("case where a = Where:0");
  EXPECT_EQ(Pred(q).values[0].text, "Where");

  q = MustParse("case where d = 0001-2-3");
  EXPECT_EQ(Pred(q).values[0].type, Literal::Type::kDate);
  EXPECT_EQ(Pred(q).values[0].year, 1);
  // Dates are checked by the planner, not here.
  q = MustParse("case where d = 2020-13-99");
  EXPECT_EQ(Pred(q).values[0].month, 13);
  EXPECT_EQ(Pred(q).values[0].day, 99);
}

TEST(ParserTest, Strings) {
  Query q = MustParse("person where name = \"胡正明\"");
  EXPECT_EQ(Pred(q).values[0].text, "胡正明");
  EXPECT_EQ(ToString(q), "person where name = \"胡正明\"");

  q = MustParse(R"(person where name = "a\"b\'c\\d\ne\tf")");
  EXPECT_EQ(Pred(q).values[0].text, "a\"b'c\\d\ne\tf");
  EXPECT_EQ(ToString(q), R"(person where name = "a\"b'c\\d\ne\tf")");

  q = MustParse(R"(person where name = '\u80e1\u6B63明 it\'s "x"')");
  EXPECT_EQ(Pred(q).values[0].text, "胡正明 it's \"x\"");

  // A surrogate pair is one code point (U+1F600).
  q = MustParse(R"(person where name = "\ud83d\ude00")");
  EXPECT_EQ(Pred(q).values[0].text, "\xF0\x9F\x98\x80");

  q = MustParse(R"(person where name = "\u0000\u001f\u007f")");
  EXPECT_EQ(Pred(q).values[0].text, std::string("\0\x1f\x7f", 3));
  EXPECT_EQ(ToString(q), R"(person where name = "\u0000\u001f\u007f")");

  q = MustParse("person where name = ''");
  EXPECT_EQ(Pred(q).values[0].text, "");
  EXPECT_EQ(Pred(q).values[0].type, Literal::Type::kString);
}

// Staff write Chinese: a word with letters beyond ASCII is a field's
// Chinese name where a field goes (the engine resolves it), and a string
// where a value goes, as if quoted.
TEST(ParserTest, ChineseWordsAsFieldsAndValues) {
  Query q = MustParse("person where 姓名 = 胡正明");
  EXPECT_EQ(Pred(q).field, "姓名");
  ASSERT_EQ(Pred(q).values.size(), 1u);
  EXPECT_EQ(Pred(q).values[0].type, Literal::Type::kString);
  EXPECT_EQ(Pred(q).values[0].text, "胡正明");
  EXPECT_EQ(ToString(q), "person where 姓名 = \"胡正明\"");
  q = MustParse("person where gender in (男, 女) and QQ号 exists");
  ASSERT_EQ(q.where->children.size(), 2u);
  EXPECT_EQ(q.where->children[0].predicate.values[1].text, "女");
  EXPECT_EQ(q.where->children[1].predicate.field, "QQ号");
  q = MustParse(
      "enterprise where 住所 prefix 金坛区 group by 登记状态 "
      "order by 成立日期 desc");
  EXPECT_EQ(Pred(q).values[0].text, "金坛区");
  EXPECT_EQ(q.group_by->field, "登记状态");
  EXPECT_EQ(q.order_by->field, "成立日期");
  // Middle dots of transcribed names stay in the word.
  EXPECT_EQ(
      Pred(MustParse("person where name = 阿依古丽·买买提")).values[0].text,
      "阿依古丽·买买提");
  // Never a keyword or a kind.
  ExpectError("人员 where name = 1",
              "at column 1: expected a kind (person, enterprise, case, "
              "donation, event), found '人员'");
}

TEST(ParserTest, KeywordsAreCaseInsensitive) {
  Query a = MustParse(
      "Donation WHERE Amount >= 5 AnD (kind = Cash Or kind IN (x)) aNd n "
      "BETWEEN 1 AND 2 and s PREFIX \"p\" and e EXISTS and f NOT EXISTS "
      "GROUP BY Month(date) COMPUTE COUNT DISTINCT Donor, SUM amount, Min a, "
      "MAX b ORDER BY Amount DESC LIMIT 5");
  Query b = MustParse(
      "Donation where Amount >= 5 and (kind = Cash or kind in (x)) and n "
      "between 1 and 2 and s prefix \"p\" and e exists and f not exists "
      "group by month(date) compute count distinct Donor, sum amount, min a, "
      "max b order by Amount desc limit 5");
  EXPECT_TRUE(SameQuery(a, b)) << ToString(a) << "\n" << ToString(b);
  // Names and values keep their case.
  EXPECT_EQ(a.kind, "Donation");
  EXPECT_EQ(a.where->children[0].predicate.field, "Amount");
  EXPECT_EQ(a.where->children[1].children[0].predicate.values[0].text, "Cash");
  EXPECT_EQ(a.aggregates[0].field, "Donor");
}

TEST(ParserTest, ContextualWordsAreFields) {
  Query q = MustParse(
      "event where date = 1 and status = 2 and type = 3 and kind = 4 and "
      "month = 5 and year = 6 and count = 7 and sum = 8 and min = 9 and max "
      "= 10 and distinct = 11 group by count compute count distinct "
      "distinct, sum sum, min max, max min order by year");
  ASSERT_EQ(q.where->children.size(), 11u);
  EXPECT_EQ(q.where->children[4].predicate.field, "month");
  EXPECT_EQ(q.group_by->field, "count");
  EXPECT_EQ(q.aggregates[0].fn, Aggregate::Fn::kCountDistinct);
  EXPECT_EQ(q.aggregates[0].field, "distinct");
  EXPECT_EQ(q.aggregates[1].field, "sum");
  EXPECT_EQ(q.aggregates[2].fn, Aggregate::Fn::kMin);
  EXPECT_EQ(q.aggregates[2].field, "max");
  EXPECT_EQ(q.order_by->field, "year");
  EXPECT_TRUE(SameQuery(q, MustParse(ToString(q))));

  // Contextual words may also be kinds and identifier values.
  q = MustParse("count where a = count");
  EXPECT_EQ(q.kind, "count");
  EXPECT_EQ(Pred(q).values[0].text, "count");
  // Dotted names are never keywords.
  q = MustParse("case where where.and = 1 order by order.by");
  EXPECT_EQ(Pred(q).field, "where.and");
  EXPECT_EQ(q.order_by->field, "order.by");
}

// --- Boolean structure. -----------------------------------------------------

TEST(ParserTest, AndBindsTighterThanOr) {
  Query q = MustParse("case where a = 1 or b = 2 and c = 3 or d = 4");
  ASSERT_EQ(q.where->type, Expr::Type::kOr);
  ASSERT_EQ(q.where->children.size(), 3u);
  EXPECT_EQ(q.where->children[0].type, Expr::Type::kPredicate);
  EXPECT_EQ(q.where->children[0].predicate.field, "a");
  ASSERT_EQ(q.where->children[1].type, Expr::Type::kAnd);
  ASSERT_EQ(q.where->children[1].children.size(), 2u);
  EXPECT_EQ(q.where->children[1].children[0].predicate.field, "b");
  EXPECT_EQ(q.where->children[1].children[1].predicate.field, "c");
  EXPECT_EQ(q.where->children[2].predicate.field, "d");
  EXPECT_EQ(ToString(q), "case where a = 1 or b = 2 and c = 3 or d = 4");
}

TEST(ParserTest, ChainsFlatten) {
  Query q = MustParse("case where a = 1 and b = 2 and c = 3 and d = 4");
  ASSERT_EQ(q.where->type, Expr::Type::kAnd);
  EXPECT_EQ(q.where->children.size(), 4u);
  for (const Expr& e : q.where->children) {
    EXPECT_EQ(e.type, Expr::Type::kPredicate);
  }
  q = MustParse("case where a = 1 or b = 2 or c = 3");
  ASSERT_EQ(q.where->type, Expr::Type::kOr);
  EXPECT_EQ(q.where->children.size(), 3u);
}

TEST(ParserTest, Parentheses) {
  Query q = MustParse("case where (a = 1 or b = 2) and c = 3");
  ASSERT_EQ(q.where->type, Expr::Type::kAnd);
  ASSERT_EQ(q.where->children.size(), 2u);
  EXPECT_EQ(q.where->children[0].type, Expr::Type::kOr);
  EXPECT_EQ(q.where->children[0].children.size(), 2u);
  EXPECT_EQ(ToString(q), "case where (a = 1 or b = 2) and c = 3");

  // Parentheses keep their grouping: no flattening across them.
  q = MustParse("case where a = 1 and (b = 2 and c = 3)");
  ASSERT_EQ(q.where->type, Expr::Type::kAnd);
  ASSERT_EQ(q.where->children.size(), 2u);
  EXPECT_EQ(q.where->children[1].type, Expr::Type::kAnd);
  EXPECT_EQ(ToString(q), "case where a = 1 and (b = 2 and c = 3)");

  // Redundant parentheses around a single predicate or the whole condition
  // disappear.
  q = MustParse("case where (((a = 1)))");
  EXPECT_EQ(q.where->type, Expr::Type::kPredicate);
  EXPECT_EQ(q.where->predicate.field_pos, 14u);
  q = MustParse("case where (a = 1 or b = 2)");
  EXPECT_EQ(q.where->type, Expr::Type::kOr);
  EXPECT_EQ(ToString(q), "case where a = 1 or b = 2");

  q = MustParse("case where a = 1 or (b = 2 and c = 3)");
  EXPECT_EQ(ToString(q), "case where a = 1 or b = 2 and c = 3");
  q = MustParse("case where (a = 1 or b = 2) or c = 3");
  EXPECT_EQ(q.where->children.size(), 2u);
  EXPECT_EQ(ToString(q), "case where (a = 1 or b = 2) or c = 3");
}

// --- Errors. ----------------------------------------------------------------

TEST(ParserTest, ErrorsInKind) {
  ExpectError("",
              "at column 1: expected a kind (person, enterprise, case, "
              "donation, event), found end of query");
  ExpectError("   ",
              "at column 4: expected a kind (person, enterprise, case, "
              "donation, event), found end of query");
  ExpectError("where a = 1",
              "at column 1: expected a kind (person, enterprise, case, "
              "donation, event), found 'where'");
  ExpectError("\"person\"",
              "at column 1: expected a kind (person, enterprise, case, "
              "donation, event), found '\"person\"'");
  ExpectError("a.b",
              "at column 1: expected a kind (person, enterprise, case, "
              "donation, event), found 'a.b'");
  ExpectError(" 42",
              "at column 2: expected a kind (person, enterprise, case, "
              "donation, event), found '42'");
}

TEST(ParserTest, ErrorsTrailing) {
  ExpectError("person x",
              "at column 8: expected 'where', 'group by', 'compute', 'order "
              "by', 'limit' or end of query, found 'x'");
  ExpectError("person where a = 1 b = 2",
              "at column 20: expected 'and', 'or', 'group by', 'compute', "
              "'order by', 'limit' or end of query, found 'b'");
  ExpectError("person where a = 1 limit 5 order by x",
              "at column 28: expected end of query, found 'order'");
  ExpectError("person group by x where a = 1",
              "at column 19: expected 'compute', 'order by', 'limit' or end "
              "of query, found 'where'");
  ExpectError("person compute count x",
              "at column 22: expected ',', 'order by', 'limit' or end of "
              "query, found 'x'");
  ExpectError("person order by x y",
              "at column 19: expected 'asc', 'desc', 'limit' or end of "
              "query, found 'y'");
  ExpectError("person order by x desc asc",
              "at column 24: expected 'limit' or end of query, found 'asc'");
}

TEST(ParserTest, ErrorsInPredicates) {
  // The example in parser.h.
  ExpectError("enterprise where founded = and x = 1",
              "at column 28: expected a value after '=', found 'and'");
  ExpectError("person where",
              "at column 13: expected a field or '(' after 'where', found "
              "end of query");
  ExpectError("person WHERE and",
              "at column 14: expected a field or '(' after 'WHERE', found "
              "'and'");
  ExpectError("person where a = 1 and",
              "at column 23: expected a field or '(' after 'and', found end "
              "of query");
  ExpectError("person where a = 1 or or",
              "at column 23: expected a field or '(' after 'or', found 'or'");
  ExpectError(
      "person where a",
      "at column 15: expected an operator ('=', '!=', '<', '<=', "
      "'>', '>=', 'between', 'in', 'prefix', 'contains', 'exists' or 'not "
      "exists') after 'a', found end of query");
  ExpectError("person where a == 1",
              "at column 17: expected a value after '=', found '='");
  ExpectError(
      "person where a ! 1",
      "at column 16: expected an operator ('=', '!=', '<', '<=', "
      "'>', '>=', 'between', 'in', 'prefix', 'contains', 'exists' or 'not "
      "exists') after 'a', found '!'");
  ExpectError("person where a >= ",
              "at column 19: expected a value after '>=', found end of "
              "query");
  ExpectError("person where a = b.c",
              "at column 18: expected a value after '=', found 'b.c'");
  ExpectError("person where a = 1.5",
              "at column 18: expected a value after '=', found '1.5'");
  ExpectError("person where a = 12abc",
              "at column 18: expected a value after '=', found '12abc'");
  ExpectError("person where a = 2020-01",
              "at column 18: expected a value after '=', found '2020-01'");
  ExpectError("person where a = 2020-01-01-01",
              "at column 18: expected a value after '=', found "
              "'2020-01-01-01'");
  ExpectError("person where a = 20-01-01",
              "at column 18: expected a value after '=', found '20-01-01'");
  ExpectError("person where a = enterprise:42x",
              "at column 18: expected a value after '=', found "
              "'enterprise:42x'");
  ExpectError("person where a = enterprise:",
              "at column 28: expected 'and', 'or', 'group by', 'compute', "
              "'order by', 'limit' or end of query, found ':'");
  ExpectError("person where a = - 1",
              "at column 18: expected a value after '=', found '-'");
  ExpectError("person where a = ，",
              "at column 18: expected a value after '=', found '，'");
  ExpectError(
      "person where 姓名 胡",
      "at column 21: expected an operator ('=', '!=', '<', '<=', "
      "'>', '>=', 'between', 'in', 'prefix', 'contains', 'exists' or 'not "
      "exists') after '姓名', found '胡'");
  ExpectError("person where a = \xff",
              "at column 18: expected a value after '=', found '\\xff'");
  ExpectError("person where where = 1",
              "at column 14: expected a field or '(' after 'where', found "
              "'where'");
}

TEST(ParserTest, ErrorsInBetweenInPrefixNot) {
  ExpectError("case where n between 1",
              "at column 23: expected 'and' after the lower bound of "
              "'between', found end of query");
  ExpectError("case where n between 1 or 2",
              "at column 24: expected 'and' after the lower bound of "
              "'between', found 'or'");
  ExpectError("case where n between and 2",
              "at column 22: expected a value after 'between', found 'and'");
  ExpectError("case where n between 1 and",
              "at column 27: expected a value after the 'and' of 'between', "
              "found end of query");
  ExpectError("case where n in ()",
              "at column 18: expected a value after '(', found ')'");
  ExpectError("case where n in 1",
              "at column 17: expected '(' after 'in', found '1'");
  ExpectError("case where n in (1,)",
              "at column 20: expected a value after ',', found ')'");
  ExpectError("case where n in (1 2)",
              "at column 20: expected ',' or ')', found '2'");
  ExpectError("case where n prefix abc",
              "at column 21: expected a string after 'prefix', found 'abc'");
  ExpectError("case where n prefix 1",
              "at column 21: expected a string after 'prefix', found '1'");
  ExpectError("case where n not",
              "at column 17: expected 'exists' after 'not', found end of "
              "query");
  ExpectError("case where n not = 1",
              "at column 18: expected 'exists' after 'not', found '='");
}

TEST(ParserTest, ErrorsInClauses) {
  ExpectError("case group x",
              "at column 12: expected 'by' after 'group', found 'x'");
  ExpectError("case group by",
              "at column 14: expected a field, 'month(field)' or "
              "'year(field)' after 'group by', found end of query");
  ExpectError("case group by month()",
              "at column 21: expected a field after '(', found ')'");
  ExpectError("case group by year(a b)",
              "at column 22: expected ')', found 'b'");
  ExpectError("case compute",
              "at column 13: expected an aggregate ('count', 'count "
              "distinct', 'sum', 'min' or 'max') after 'compute', found end "
              "of query");
  ExpectError("case compute avg x",
              "at column 14: expected an aggregate ('count', 'count "
              "distinct', 'sum', 'min' or 'max') after 'compute', found "
              "'avg'");
  ExpectError("case compute count,",
              "at column 20: expected an aggregate ('count', 'count "
              "distinct', 'sum', 'min' or 'max') after ',', found end of "
              "query");
  ExpectError("case compute SUM",
              "at column 17: expected a field after 'SUM', found end of "
              "query");
  ExpectError("case compute min limit 1",
              "at column 18: expected a field after 'min', found 'limit'");
  ExpectError("case compute count distinct",
              "at column 28: expected a field after 'distinct', found end "
              "of query");
  ExpectError("case order name",
              "at column 12: expected 'by' after 'order', found 'name'");
  ExpectError("case order by",
              "at column 14: expected a field after 'by', found end of "
              "query");
  ExpectError("case order by desc",
              "at column 15: expected a field after 'by', found 'desc'");
  ExpectError("case limit",
              "at column 11: expected a non-negative integer after 'limit', "
              "found end of query");
  ExpectError("case limit -1",
              "at column 12: expected a non-negative integer after 'limit', "
              "found '-1'");
  ExpectError("case limit x",
              "at column 12: expected a non-negative integer after 'limit', "
              "found 'x'");
  ExpectError("case limit 2020-01-01",
              "at column 12: expected a non-negative integer after 'limit', "
              "found '2020-01-01'");
}

TEST(ParserTest, ErrorsUnbalancedParentheses) {
  ExpectError("case where (a = 1",
              "at column 12: expected a ')' to close this '(', found end of "
              "query");
  ExpectError("case where ((a = 1) and b = 2",
              "at column 12: expected a ')' to close this '(', found end of "
              "query");
  ExpectError("case where (a = 1 limit 5",
              "at column 12: expected a ')' to close this '(', found 'limit' "
              "at column 19");
  ExpectError("case where a in (1, 2",
              "at column 17: expected a ')' to close this '(', found end of "
              "query");
  ExpectError("case where (a in (1, 2)",
              "at column 12: expected a ')' to close this '(', found end of "
              "query");
  ExpectError("case group by month(date",
              "at column 20: expected a ')' to close this '(', found end of "
              "query");
  // Closed later, but something else comes first: the error is that token.
  ExpectError("case where (a = 1 b = 2)",
              "at column 19: expected 'and', 'or' or ')', found 'b'");
  // A stray ')'.
  ExpectError("case where a = 1)",
              "at column 17: expected 'and', 'or', 'group by', 'compute', "
              "'order by', 'limit' or end of query, found ')' with no "
              "matching '('");
  ExpectError("case where (a = 1))",
              "at column 19: expected 'and', 'or', 'group by', 'compute', "
              "'order by', 'limit' or end of query, found ')' with no "
              "matching '('");
  ExpectError("case where )",
              "at column 12: expected a field or '(' after 'where', found "
              "')'");
  ExpectError("case where ()",
              "at column 13: expected a field or '(' after '(', found ')'");
}

TEST(ParserTest, ErrorsDeepNesting) {
  std::string text = "case where ";
  for (int i = 0; i < 60000; ++i) text += '(';  // Under kMaxQueryBytes.
  text += "a = 1";
  absl::StatusOr<Query> q = Parse(text);
  ASSERT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(q.status().message(),
            "at column 76: expected at most 64 nested parentheses, found "
            "another '('");

  // 64 levels are fine.
  text = "case where " + std::string(64, '(') + "a = 1" + std::string(64, ')');
  EXPECT_EQ(MustParse(text).where->predicate.field, "a");
}

TEST(ParserTest, ErrorsInStrings) {
  ExpectError("case where a = \"abc",
              "at column 16: expected a closing '\"' for this string, found "
              "end of query");
  ExpectError("case where a = 'abc\" and b = 1",
              "at column 16: expected a closing \"'\" for this string, found "
              "end of query");
  ExpectError(R"(case where a = "ab\x")",
              R"(at column 19: expected an escape (\", \', \\, \n, \t or )"
              R"(\uXXXX), found '\x')");
  ExpectError("case where a = \"ab\\",
              R"(at column 19: expected an escape (\", \', \\, \n, \t or )"
              R"(\uXXXX), found end of query)");
  ExpectError(R"(case where a = "\u12")",
              R"(at column 17: expected an escape (\", \', \\, \n, \t or )"
              R"(\uXXXX), found '\u12"')");
  ExpectError(R"(case where a = "x\uD800")",
              R"(at column 18: expected a \uXXXX escape that is not a lone )"
              R"(surrogate, found '\uD800')");
  ExpectError(R"(case where a = "\ud800\u0041")",
              R"(at column 17: expected a \uXXXX escape that is not a lone )"
              R"(surrogate, found '\ud800')");
  ExpectError(R"(case where a = "\udc00")",
              R"(at column 17: expected a \uXXXX escape that is not a lone )"
              R"(surrogate, found '\udc00')");
  ExpectError("case where a = \"ok\xc0\xafno\"",
              "at column 19: expected UTF-8 text in a string, found '\\xc0'");
  ExpectError("case where a = \"\xed\xa0\x80\"",
              "at column 17: expected UTF-8 text in a string, found '\\xed'");
  // Errors are reported left to right: the bad string comes second here.
  ExpectError("case where a = = \"abc",
              "at column 16: expected a value after '=', found '='");
  // An error message is one line, even for a raw newline in the text.
  ExpectError("case where a = \"line\nbreak\" x",
              "at column 29: expected 'and', 'or', 'group by', 'compute', "
              "'order by', 'limit' or end of query, found 'x'");
  ExpectError("case where\n\"multi\nline\"",
              "at column 12: expected a field or '(' after 'where', found "
              "'\"multi\\nline\"'");
}

TEST(ParserTest, ErrorsInIntegers) {
  ExpectError("case where a = 9223372036854775808",
              "at column 16: expected an integer from -9223372036854775808 "
              "to 9223372036854775807, found '9223372036854775808'");
  ExpectError("case where a = -9223372036854775809",
              "at column 16: expected an integer from -9223372036854775808 "
              "to 9223372036854775807, found '-9223372036854775809'");
  ExpectError("case where a = enterprise:99999999999999999999",
              "at column 16: expected an integer from -9223372036854775808 "
              "to 9223372036854775807, found "
              "'enterprise:99999999999999999999'");
  ExpectError("case limit 18446744073709551615",
              "at column 12: expected an integer from -9223372036854775808 "
              "to 9223372036854775807, found '18446744073709551615'");
}

TEST(ParserTest, LongTokensAreCutInMessages) {
  const std::string name(100, 'x');
  absl::StatusOr<Query> q = Parse("case " + name);
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.status().message(),
              HasSubstr("found '" + std::string(40, 'x') + "...'"));
}

// --- Round trips and robustness. --------------------------------------------

class RandomQueries {
 public:
  explicit RandomQueries(uint32_t seed) : rng_(seed) {}

  Query Make() {
    Query q;
    q.kind = Name(false);
    if (Chance(0.8)) q.where = MakeExpr(0);
    if (Chance(0.3)) {
      GroupBy g;
      g.field = Name(true);
      g.bucket = static_cast<GroupBy::Bucket>(Uniform(0, 2));
      q.group_by = g;
    }
    if (Chance(0.3)) {
      const int n = Uniform(1, 4);
      for (int i = 0; i < n; ++i) {
        Aggregate a;
        a.fn = static_cast<Aggregate::Fn>(Uniform(0, 4));
        if (a.fn != Aggregate::Fn::kCount) a.field = Name(true);
        q.aggregates.push_back(a);
      }
    }
    if (Chance(0.4)) {
      OrderBy o;
      o.field = Name(true);
      o.descending = Chance(0.5);
      q.order_by = o;
    }
    if (Chance(0.4)) {
      q.limit = Chance(0.5) ? Uniform(0, 100)
                            : std::uniform_int_distribution<uint64_t>(
                                  0, std::numeric_limits<int64_t>::max())(rng_);
    }
    return q;
  }

 private:
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }

  // An identifier that is not reserved; a field may be dotted.
  std::string Name(bool dotted) {
    while (true) {
      std::string s = AnyName(dotted);
      static const char* const kReserved[] = {
          "where",   "and",    "or",  "between", "in",
          "prefix",  "exists", "not", "group",   "by",
          "compute", "order",  "asc", "desc",    "limit"};
      bool reserved = false;
      for (const char* r : kReserved) {
        if (absl::EqualsIgnoreCase(s, r)) reserved = true;
      }
      if (!reserved) return s;
    }
  }

  std::string AnyName(bool dotted) {
    static const char* const kWords[] = {"person",
                                         "enterprise",
                                         "case",
                                         "date",
                                         "status",
                                         "type",
                                         "kind",
                                         "month",
                                         "year",
                                         "count",
                                         "sum",
                                         "min",
                                         "max",
                                         "distinct",
                                         "true",
                                         "false",
                                         "Name",
                                         "x",
                                         "a1_b2",
                                         "investor_country",
                                         "legalRepresentative"};
    std::string s;
    const int parts = dotted && Chance(0.3) ? Uniform(2, 3) : 1;
    for (int i = 0; i < parts; ++i) {
      if (i > 0) s += '.';
      if (Chance(0.7)) {
        s += kWords[Uniform(0, std::size(kWords) - 1)];
      } else {
        static constexpr char kLetters[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        static constexpr char kRest[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
        s += kLetters[Uniform(0, 51)];
        const int n = Uniform(0, 8);
        for (int k = 0; k < n; ++k) s += kRest[Uniform(0, 62)];
      }
    }
    return s;
  }

  std::string RandomUtf8() {
    static const char* const kPieces[] = {
        "胡正明", "\"",  "'", "\\", "\n",      "\t", "\x01", "\x7f",
        " ",      "and", "é", "😀",  "\\u0041", "a",  "",     "\r"};
    std::string s;
    const int n = Uniform(0, 6);
    for (int i = 0; i < n; ++i)
      s += kPieces[Uniform(0, std::size(kPieces) - 1)];
    return s;
  }

  Literal MakeLiteral(bool string_only) {
    Literal v;
    v.type = string_only ? Literal::Type::kString
                         : static_cast<Literal::Type>(Uniform(0, 4));
    switch (v.type) {
      case Literal::Type::kString:
        v.text = RandomUtf8();
        break;
      case Literal::Type::kInteger:
        v.integer = Chance(0.5)
                        ? Uniform(-1000, 1000)
                        : std::uniform_int_distribution<int64_t>(
                              std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max())(rng_);
        break;
      case Literal::Type::kDate:
        v.year = Uniform(0, 9999);
        v.month = Uniform(0, 99);
        v.day = Uniform(0, 99);
        break;
      case Literal::Type::kRef:
        v.text = Name(false);
        v.integer = std::uniform_int_distribution<int64_t>(
            0, std::numeric_limits<int64_t>::max())(rng_);
        break;
      case Literal::Type::kIdentifier:
        v.text = Name(false);
        break;
    }
    return v;
  }

  Expr MakeExpr(int depth) {
    Expr e;
    if (depth >= 4 || Chance(0.5)) {
      Predicate& p = e.predicate;
      p.field = Name(true);
      p.op = static_cast<Predicate::Op>(Uniform(0, 10));
      switch (p.op) {
        case Predicate::Op::kBetween:
          p.values = {MakeLiteral(false), MakeLiteral(false)};
          break;
        case Predicate::Op::kIn:
          for (int i = Uniform(1, 4); i > 0; --i) {
            p.values.push_back(MakeLiteral(false));
          }
          break;
        case Predicate::Op::kPrefix:
          p.values = {MakeLiteral(true)};
          break;
        case Predicate::Op::kExists:
        case Predicate::Op::kNotExists:
          break;
        default:
          p.values = {MakeLiteral(false)};
      }
      return e;
    }
    e.type = Chance(0.5) ? Expr::Type::kAnd : Expr::Type::kOr;
    for (int i = Uniform(2, 4); i > 0; --i) {
      e.children.push_back(MakeExpr(depth + 1));
    }
    return e;
  }

  std::mt19937 rng_;
};

TEST(ParserTest, RandomRoundTrip) {
  RandomQueries gen(20240607);
  for (int i = 0; i < 3000; ++i) {
    const Query q = gen.Make();
    const std::string text = ToString(q);
    absl::StatusOr<Query> parsed = Parse(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    ASSERT_TRUE(SameQuery(q, *parsed)) << text << "\n" << ToString(*parsed);
    // Canonical text is a fixed point.
    ASSERT_EQ(ToString(*parsed), text);
  }
}

// Checks the contract on arbitrary input: OK and round-trippable, or a
// one-line INVALID_ARGUMENT pointing inside (or just past) the text.
void CheckAnyInput(const std::string& text) {
  absl::StatusOr<Query> q = Parse(text);
  if (q.ok()) {
    const std::string canonical = ToString(*q);
    absl::StatusOr<Query> again = Parse(canonical);
    ASSERT_TRUE(again.ok()) << canonical << ": " << again.status();
    ASSERT_TRUE(SameQuery(*q, *again)) << text << "\n" << canonical;
    return;
  }
  ASSERT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << text;
  const absl::string_view message = q.status().message();
  ASSERT_THAT(std::string(message), StartsWith("at column "));
  ASSERT_FALSE(absl::StrContains(message, '\n')) << message;
  size_t column = 0;
  for (size_t i = 10; i < message.size() && message[i] != ':'; ++i) {
    column = column * 10 + (message[i] - '0');
  }
  ASSERT_GE(column, 1u) << message;
  ASSERT_LE(column, text.size() + 1) << message;
  ASSERT_THAT(std::string(message), HasSubstr(": expected ")) << message;
  ASSERT_THAT(std::string(message), HasSubstr(", found ")) << message;
}

TEST(ParserTest, RandomInputNeverCrashes) {
  std::mt19937 rng(12345);
  const auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  static const char* const kTokens[] = {"person",     "where",
                                        "and",        "or",
                                        "between",    "in",
                                        "prefix",     "exists",
                                        "not",        "group",
                                        "by",         "compute",
                                        "count",      "distinct",
                                        "sum",        "min",
                                        "max",        "order",
                                        "asc",        "desc",
                                        "limit",      "month",
                                        "year",       "(",
                                        ")",          ",",
                                        "=",          "!=",
                                        "<",          "<=",
                                        ">",          ">=",
                                        "x",          "a.b",
                                        "1",          "-1",
                                        "2020-01-06", "enterprise:42",
                                        "\"s\"",      "'t'",
                                        "\"",         "'",
                                        "\\",         "\\u",
                                        "\\ud800",    ":",
                                        ".",          "-",
                                        "!",          "胡",
                                        "\xff",       " ",
                                        " ",          " ",
                                        "\n",         "99999999999999999999"};

  // Random bytes, and random sequences of tokens.
  for (int i = 0; i < 10000; ++i) {
    std::string text;
    const int n = uniform(0, 40);
    if (i % 2 == 0) {
      for (int k = 0; k < n; ++k) text += static_cast<char>(uniform(0, 255));
    } else {
      for (int k = 0; k < n; ++k) {
        text += kTokens[uniform(0, std::size(kTokens) - 1)];
        if (uniform(0, 1) == 0) text += ' ';
      }
    }
    CheckAnyInput(text);
    if (HasFatalFailure()) return;
  }

  // Mutations of valid queries.
  RandomQueries gen(777);
  int ok = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string text = ToString(gen.Make());
    for (int m = uniform(1, 3); m > 0; --m) {
      const size_t at = text.empty() ? 0 : uniform(0, text.size() - 1);
      switch (uniform(0, 3)) {
        case 0:  // Delete a byte.
          if (!text.empty()) text.erase(at, 1);
          break;
        case 1:  // Insert a random byte.
          text.insert(at, 1, static_cast<char>(uniform(0, 255)));
          break;
        case 2:  // Overwrite a byte.
          if (!text.empty()) text[at] = static_cast<char>(uniform(0, 255));
          break;
        case 3:  // Insert a token.
          text.insert(at, kTokens[uniform(0, std::size(kTokens) - 1)]);
          break;
      }
    }
    if (Parse(text).ok()) ++ok;
    CheckAnyInput(text);
    if (HasFatalFailure()) return;
  }
  // Some mutations leave valid queries; most do not.
  EXPECT_GT(ok, 100);
  EXPECT_LT(ok, 9000);
}

}  // namespace
}  // namespace query
}  // namespace qiaolian
