#include "src/storage/key_codec.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qiaolian {
namespace storage {
namespace {

using ::testing::HasSubstr;

std::string Enc(const Component& c, Direction dir = Direction::kAscending) {
  std::string s;
  PutComponent(&s, c, dir);
  return s;
}

Component RoundTrip(const std::string& encoded, Direction expect_dir) {
  absl::string_view in = encoded;
  Component c;
  Direction dir;
  EXPECT_TRUE(GetComponent(&in, &c, &dir));
  EXPECT_TRUE(in.empty()) << "trailing bytes after a component";
  EXPECT_EQ(dir, expect_dir);
  return c;
}

const std::vector<int64_t>& Ints() {
  static const std::vector<int64_t> v = {
      INT64_MIN, INT64_MIN + 1, -4294967296, -256,          -255,     -1, 0, 1,
      255,       256,           4294967296,  INT64_MAX - 1, INT64_MAX};
  return v;
}

const std::vector<std::string>& Strings() {
  static const std::vector<std::string> v = {std::string(),
                                             std::string("\0", 1),
                                             std::string("\0\0", 2),
                                             std::string("\0\x01", 2),
                                             std::string("\x01", 1),
                                             "a",
                                             std::string("a\0", 2),
                                             std::string("a\0b", 3),
                                             "a\x01",
                                             "ab",
                                             "b",
                                             "\xFF",
                                             "\xFF\xFF",
                                             "侨联",
                                             "华侨"};
  return v;
}

TEST(KeyCodecTest, IntegersRoundTripBothDirections) {
  for (int64_t v : Ints()) {
    for (Direction d : {Direction::kAscending, Direction::kDescending}) {
      EXPECT_EQ(std::get<int64_t>(RoundTrip(Enc(v, d), d)), v);
    }
  }
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{1} << 63, UINT64_MAX}) {
    EXPECT_EQ(std::get<uint64_t>(RoundTrip(Enc(v), Direction::kAscending)), v);
  }
}

TEST(KeyCodecTest, StringsRoundTripIncludingZeroBytes) {
  for (const std::string& s : Strings()) {
    for (Direction d : {Direction::kAscending, Direction::kDescending}) {
      EXPECT_EQ(std::get<std::string>(RoundTrip(Enc(s, d), d)), s)
          << "string of " << s.size() << " bytes";
    }
  }
}

// GetComponent copies a string's bytes a run at a time between escapes:
// escapes at either end, back to back, next to 0xFF bytes (the escape byte
// of a descending component) and long runs all decode, in both directions,
// and a component that follows is read from the right place.
TEST(KeyCodecTest, StringRunsBetweenEscapesDecodeInBothDirections) {
  std::vector<std::string> cases = {
      std::string("\0", 1),
      std::string("\0\0\0", 3),
      std::string("\0abc", 4),
      std::string("abc\0", 4),
      std::string("a\0\0b", 4),
      std::string("\xff\0\xff", 3),
      std::string("\xff\xff", 2),
      std::string("\x01\0\x01", 3),
      std::string(300, 'x') + '\0' + std::string(200, '\xfe'),
      "陈伟明"};
  std::mt19937 rng(5);
  for (int i = 0; i < 200; ++i) {
    std::string s(rng() % 40, '\0');
    // Mostly the bytes that matter: 0x00, 0x01, 0xFE, 0xFF.
    for (char& ch : s) {
      const uint32_t r = rng() % 8;
      ch = static_cast<char>(r < 4 ? "\x00\x01\xfe\xff"[r] : rng() % 256);
    }
    cases.push_back(s);
  }
  for (const std::string& s : cases) {
    for (Direction d : {Direction::kAscending, Direction::kDescending}) {
      std::string k;
      PutString(&k, s, d);
      PutInt64(&k, -7, d);
      absl::string_view in = k;
      Component c, next;
      Direction got;
      ASSERT_TRUE(GetComponent(&in, &c, &got)) << DescribeKey(k);
      EXPECT_EQ(got, d);
      EXPECT_EQ(std::get<std::string>(c), s) << DescribeKey(k);
      ASSERT_TRUE(GetComponent(&in, &next, &got));
      EXPECT_EQ(std::get<int64_t>(next), -7);
      EXPECT_TRUE(in.empty());
      in = k;
      std::string typed;
      ASSERT_TRUE(GetString(&in, &typed, &got));
      EXPECT_EQ(typed, s);
    }
  }
}

TEST(KeyCodecTest, TypedGettersReadWhatGetComponentReadsAndNothingElse) {
  for (Direction d : {Direction::kAscending, Direction::kDescending}) {
    std::string k;
    PutString(&k, std::string("a\0b", 3), d);
    PutInt64(&k, INT64_MIN, d);
    PutString(&k, "", d);
    PutInt64(&k, 42, d);
    absl::string_view in = k;
    std::string s = "left over from before";
    int64_t v = 0;
    Direction got;
    ASSERT_TRUE(GetString(&in, &s, &got));
    EXPECT_EQ(s, std::string("a\0b", 3));
    EXPECT_EQ(got, d);
    // Wrong types are rejected.
    absl::string_view wrong = in;
    EXPECT_FALSE(GetString(&wrong, &s, &got));
    ASSERT_TRUE(GetInt64(&in, &v, &got));
    EXPECT_EQ(v, INT64_MIN);
    wrong = in;
    EXPECT_FALSE(GetInt64(&wrong, &v, &got));
    ASSERT_TRUE(GetString(&in, &s, &got));
    EXPECT_EQ(s, "");
    ASSERT_TRUE(GetInt64(&in, &v, &got));
    EXPECT_EQ(v, 42);
    EXPECT_TRUE(in.empty());
  }
  std::string u;
  PutUint64(&u, 7);
  absl::string_view in = u;
  int64_t v;
  Direction d;
  EXPECT_FALSE(GetInt64(&in, &v, &d));  // A uint64 is not an int64.
  in = absl::string_view(u).substr(0, 8);
  EXPECT_FALSE(GetInt64(&in, &v, &d));  // Truncated.
  // Typed uint64s, both directions; an int64 is not one.
  for (Direction dir : {Direction::kAscending, Direction::kDescending}) {
    std::string k;
    PutUint64(&k, 0xFEDCBA9876543210u, dir);
    PutInt64(&k, -1, dir);
    absl::string_view kin = k;
    uint64_t uv = 0;
    ASSERT_TRUE(GetUint64(&kin, &uv, &d));
    EXPECT_EQ(uv, 0xFEDCBA9876543210u);
    EXPECT_EQ(d, dir);
    EXPECT_FALSE(GetUint64(&kin, &uv, &d));
    kin = absl::string_view(k).substr(0, 8);
    EXPECT_FALSE(GetUint64(&kin, &uv, &d));  // Truncated.
  }
  std::string s;
  in = "";
  EXPECT_FALSE(GetString(&in, &s, &d));
}

TEST(KeyCodecTest, StringWithoutItsTerminatorIsRejected) {
  for (const std::string& s :
       {std::string("abc"), std::string("a\0b", 3), std::string()}) {
    for (Direction d : {Direction::kAscending, Direction::kDescending}) {
      std::string k;
      PutString(&k, s, d);
      // Cut the terminator (or its last byte), or make it a bad escape.
      std::vector<std::string> bad = {k.substr(0, k.size() - 1),
                                      k.substr(0, k.size() - 2)};
      std::string wrong = k;
      wrong.back() = static_cast<char>(
          d == Direction::kAscending ? 0x02 : static_cast<uint8_t>(~0x02));
      bad.push_back(wrong);
      for (const std::string& b : bad) {
        absl::string_view in = b;
        Component c;
        Direction got;
        EXPECT_FALSE(GetComponent(&in, &c, &got)) << DescribeKey(b);
        in = b;
        std::string typed;
        EXPECT_FALSE(GetString(&in, &typed, &got)) << DescribeKey(b);
      }
    }
  }
}

// Byte order of encodings must equal the logical order of values (and be
// its reverse for descending components).
template <typename T>
void ExpectOrderPreserved(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  for (size_t i = 0; i + 1 < values.size(); ++i) {
    if (values[i] == values[i + 1]) continue;
    EXPECT_LT(Enc(values[i]), Enc(values[i + 1])) << "ascending at " << i;
    EXPECT_GT(Enc(values[i], Direction::kDescending),
              Enc(values[i + 1], Direction::kDescending))
        << "descending at " << i;
  }
}

TEST(KeyCodecTest, IntegerOrderingIncludesNegatives) {
  ExpectOrderPreserved(Ints());
  std::mt19937_64 rng(42);
  std::vector<int64_t> random(500);
  for (auto& v : random) v = static_cast<int64_t>(rng());
  ExpectOrderPreserved(random);
}

TEST(KeyCodecTest, StringOrderingIsBytewiseWithEmbeddedZeros) {
  std::vector<std::string> v = Strings();
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    std::string s(rng() % 6, '\0');
    for (char& c : s) c = "\x00\x01\xFFz"[rng() % 4];
    v.push_back(s);
  }
  ExpectOrderPreserved(v);
}

TEST(KeyCodecTest, NullSortsBeforeValuesAndComponentsConcatenate) {
  EXPECT_LT(Enc(Null{}), Enc(INT64_MIN));
  EXPECT_LT(Enc(Null{}), Enc(std::string()));
  // Composite keys: the first component decides, then the second.
  std::string a = Enc(std::string("KE")) + Enc(int64_t{5});
  std::string b = Enc(std::string("KE")) + Enc(int64_t{-5});
  std::string c = Enc(std::string("KE\0", 3)) + Enc(int64_t{-100});
  EXPECT_LT(b, a);
  EXPECT_LT(a, c);  // "KE" < "KE\0" whatever follows.
  absl::string_view in = c;
  Component first, second;
  Direction d;
  ASSERT_TRUE(GetComponent(&in, &first, &d));
  ASSERT_TRUE(GetComponent(&in, &second, &d));
  EXPECT_EQ(std::get<std::string>(first), std::string("KE\0", 3));
  EXPECT_EQ(std::get<int64_t>(second), -100);
  EXPECT_TRUE(in.empty());
}

TEST(KeyCodecTest, MalformedComponentsAreRejected) {
  for (std::string bad :
       {std::string(), std::string("\x7F"), std::string("\x21\x00", 2),
        std::string("\x30"
                    "abc"),
        std::string("\x30\x00\x07", 3), std::string("\x30\x00", 2)}) {
    absl::string_view in = bad;
    Component c;
    Direction d;
    EXPECT_FALSE(GetComponent(&in, &c, &d)) << DescribeKey(bad);
  }
}

TEST(KeyCodecTest, RowKeysRoundTripAndOrderByKindThenId) {
  std::vector<std::string> keys;
  for (uint8_t kind : {1, 2, 5}) {
    for (uint64_t id : {uint64_t{1}, uint64_t{255}, uint64_t{256},
                        uint64_t{1} << 40, UINT64_MAX}) {
      std::string k = RowKey(kind, id);
      RowKeyParts p;
      ASSERT_TRUE(DecodeRowKey(k, &p));
      EXPECT_EQ(p.kind, kind);
      EXPECT_EQ(p.id, id);
      EXPECT_TRUE(absl::StartsWith(k, RowPrefix(kind)));
      if (!keys.empty()) {
        EXPECT_LT(keys.back(), k);
      }
      keys.push_back(k);
    }
  }
  // A prefix range [RowPrefix(k), PrefixSuccessor) holds exactly kind k.
  EXPECT_LT(RowKey(2, UINT64_MAX), PrefixSuccessor(RowPrefix(2)));
  EXPECT_GE(RowKey(3, 0), PrefixSuccessor(RowPrefix(2)));
  RowKeyParts p;
  EXPECT_FALSE(DecodeRowKey(RowKey(1, 1) + "x", &p));
  EXPECT_FALSE(DecodeRowKey(HistoryKey(1, 1, 1), &p));
}

TEST(KeyCodecTest, HistoryKeysOrderByRevision) {
  HistoryKeyParts p;
  ASSERT_TRUE(DecodeHistoryKey(HistoryKey(4, 9, 300), &p));
  EXPECT_EQ(p.kind, 4);
  EXPECT_EQ(p.id, 9u);
  EXPECT_EQ(p.revision, 300u);
  EXPECT_LT(HistoryKey(4, 9, 2), HistoryKey(4, 9, 10));
  EXPECT_LT(HistoryKey(4, 9, UINT64_MAX), HistoryKey(4, 10, 1));
}

TEST(KeyCodecTest, KeyspacesDoNotInterleave) {
  EXPECT_LT(MetaKey("\xFF\xFF"), RowKey(0, 0));
  EXPECT_LT(RowKey(255, UINT64_MAX), IndexPrefix(0));
  EXPECT_LT(IndexPrefix(65535) + "\xFF", UniquePrefix(0));
  EXPECT_LT(UniquePrefix(65535) + "\xFF", HistoryKey(0, 0, 0));
}

TEST(KeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor("a\xFF"), "b");
  EXPECT_EQ(PrefixSuccessor("\xFF\xFF"), "");
}

TEST(KeyCodecTest, DescribeKeyIsReadable) {
  EXPECT_EQ(DescribeKey(RowKey(2, 42)), "row(enterprise, 42)");
  EXPECT_EQ(DescribeKey(MetaKey("schema_version")), "meta(\"schema_version\")");
  EXPECT_EQ(DescribeKey(HistoryKey(3, 7, 2)), "history(case, 7, rev=2)");
  std::string idx = IndexPrefix(7);
  PutString(&idx, "KE");
  PutInt64(&idx, -3, Direction::kDescending);
  PutNull(&idx);
  PutU64(&idx, 42);
  EXPECT_EQ(DescribeKey(idx), "index(#7, \"KE\", -3 desc, null, id=42)");
  std::string uniq = UniquePrefix(3);
  PutString(&uniq, std::string("a\0b", 3));
  EXPECT_EQ(DescribeKey(uniq), "unique(#3, \"a\\x00\\x62\")");
  EXPECT_THAT(DescribeKey(RowKey(9, 1)), HasSubstr("kind#9"));
  EXPECT_THAT(DescribeKey("\x7Fzz"), HasSubstr("unknown key 0x7f7a7a"));
  EXPECT_THAT(DescribeKey(UniquePrefix(1) + "\x99"), HasSubstr("unreadable"));
  EXPECT_EQ(DescribeKey(""), "<empty key>");
}

}  // namespace
}  // namespace storage
}  // namespace qiaolian
