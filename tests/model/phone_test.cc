// Tests of phone numbers as people write them (src/model/phone.h).
#include "src/model/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace qiaolian {
namespace model {
namespace {

struct Reading {
  const char* written;
  const char* national;
  int country_code;
};

TEST(ParsePhoneNumberTest, ReadsTheWaysNumbersAreWritten) {
  const Reading kCases[] = {
      // Mainland mobile numbers, with and without the country code.
      {"13900001111", "13900001111", 0},
      {"139-0000-1111", "13900001111", 0},
      {"+86 139 0000 1111", "13900001111", 86},
      {"0086 139 0000 1111", "13900001111", 86},
      {"8613900001111", "13900001111", 86},
      {"+86-13900001111", "13900001111", 86},
      // A carrier's IP prefix before a mobile number.
      {"17951 13900001111", "13900001111", 0},
      // Mainland fixed lines: the trunk prefix 0 is not dialled from abroad.
      {"0519-82345678", "51982345678", 0},
      {"(0519)82345678", "51982345678", 0},
      {"+86 519 8234 5678", "51982345678", 86},
      {"010-62345678", "1062345678", 0},
      // From abroad: the country code given, or the country's own writing.
      {"+65 9123 4567", "91234567", 65},
      {"0065 9123 4567", "91234567", 65},
      {"(65) 9123 4567", "91234567", 65},
      {"(+65) 9123 4567", "91234567", 65},
      {"(+1) 415-555-0100", "4155550100", 1},
      {"9123 4567", "91234567", 0},
      {"+60 12-345 6789", "123456789", 60},
      {"+60 (0)12-345 6789", "123456789", 60},
      {"012-345 6789", "123456789", 0},
      {"+852 2345 6789", "23456789", 852},
      {"+44 20 7946 0958", "2079460958", 44},
      {"020 7946 0958", "2079460958", 0},
      {"+1 (415) 555-0100", "4155550100", 1},
      // Italy keeps its zero after +39: left out on both sides.
      {"+39 0574 123456", "574123456", 39},
      {"0574 123456", "574123456", 0},
      // Extensions are not part of the number.
      {"0519-82345678 转 123", "51982345678", 0},
      {"0519-82345678分机123", "51982345678", 0},
      {"+86 519 8234 5678 ext. 12", "51982345678", 86},
      // Full-width digits, as spreadsheets typed in Chinese have them.
      {"１３９００００１１１１", "13900001111", 0},
  };
  for (const Reading& c : kCases) {
    SCOPED_TRACE(c.written);
    std::optional<PhoneNumber> p = ParsePhoneNumber(c.written);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->national, c.national);
    EXPECT_EQ(p->country_code, c.country_code);
  }
}

TEST(ParsePhoneNumberTest, OtherValuesAreNoPhoneNumbers) {
  for (const char* v :
       {"", "1234", "+86 1234", "wxid_13900001111", "someone@example.com",
        "13900001111a", "Room 301, 13900001111", "一三九", "--"}) {
    SCOPED_TRACE(v);
    EXPECT_FALSE(ParsePhoneNumber(v).has_value());
  }
}

TEST(ParsePhoneNumberTest, SameNumberWithOrWithoutItsCountryCode) {
  auto same = [](const char* a, const char* b) {
    std::optional<PhoneNumber> x = ParsePhoneNumber(a);
    std::optional<PhoneNumber> y = ParsePhoneNumber(b);
    EXPECT_TRUE(x.has_value() && y.has_value()) << a << " / " << b;
    return x.has_value() && y.has_value() && SamePhoneNumber(*x, *y) &&
           SamePhoneNumber(*y, *x);
  };
  EXPECT_TRUE(same("+65 9123 4567", "9123 4567"));
  EXPECT_TRUE(same("+65 9123 4567", "0065-91234567"));
  EXPECT_TRUE(same("+60 12-345 6789", "012-345 6789"));
  EXPECT_TRUE(same("13900001111", "+86 139 0000 1111"));
  EXPECT_TRUE(same("+86 519 8234 5678", "0519-82345678"));
  // The same digits in two countries are two numbers.
  EXPECT_FALSE(same("+65 9123 4567", "+852 9123 4567"));
  EXPECT_FALSE(same("9123 4567", "9123 4568"));
  EXPECT_FALSE(same("0519-82345678", "0510-82345678"));
}

TEST(PhoneNumberProblemTest, SaysWhatIsWrongWhereItCanBeTold) {
  const std::pair<const char*, const char*> kCases[] = {
      {"13900001111", ""},
      {"+86 139 0000 1111", ""},
      {"0519-82345678", ""},
      {"+65 9123 4567", ""},
      {"(65) 9123 4567", ""},
      {"+60 12-345 6789", ""},
      // Without a country code: a list from abroad writes its numbers so.
      {"9123 4567", ""},
      {"012-345 6789", ""},
      // A digit left out or typed twice in a mobile number.
      {"1390000111", "has 10 digits, where a mainland mobile number has 11"},
      {"139-0000-11112",
       "has 12 digits, where a mainland mobile number has 11"},
      {"+65 9123 456", "is not a valid number of SG (+65): too short"},
      {"+86 139 0000 111", "is not a valid number of CN (+86)"},
      {"1234", "has too few digits for a phone number"},
      {"(+1) 415-555-0100", ""},
      {"见备注",
       "is not a phone number (digits, with spaces and - . / ( ) between "
       "them, and + only at the start)"},
      {"139+0000+1111",
       "is not a phone number (digits, with spaces and - . / ( ) between "
       "them, and + only at the start)"},
  };
  for (const auto& [value, problem] : kCases) {
    SCOPED_TRACE(value);
    EXPECT_EQ(PhoneNumberProblem(value), problem);
  }
}

// The mainland mobile and fixed-line numbers are read without
// libphonenumber's parse; they must read as it reads them, whatever the
// digits.
TEST(ParsePhoneNumberTest, MainlandNumbersReadAsLibphonenumberReadsThem) {
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::mt19937_64 rng(20261130);
  for (int i = 0; i < 4000; ++i) {
    std::string written;
    if (i % 2 == 0) {
      const char* kForms[] = {"", "+86", "+86 ", "0086", "86"};
      absl::StrAppend(&written, kForms[rng() % std::size(kForms)], "1",
                      3 + rng() % 7, 100000000 + rng() % 900000000);
    } else {
      // 0, an area code of two or three digits, a line of seven or eight.
      absl::StrAppend(&written, "0", 1 + rng() % 9);
      const size_t digits = 11 + rng() % 2;
      while (written.size() < digits) {
        written.push_back(static_cast<char>('0' + rng() % 10));
      }
      if (rng() % 2 == 0) written.insert(4, "-");
    }
    SCOPED_TRACE(written);
    std::optional<PhoneNumber> p = ParsePhoneNumber(written);
    ASSERT_TRUE(p.has_value());
    i18n::phonenumbers::PhoneNumber n;
    ASSERT_EQ(util.ParseAndKeepRawInput(written, "CN", &n),
              PhoneNumberUtil::NO_PARSING_ERROR);
    std::string national;
    util.GetNationalSignificantNumber(n, &national);
    EXPECT_EQ(p->national, national);
    EXPECT_EQ(p->country_code,
              n.country_code_source() ==
                      i18n::phonenumbers::PhoneNumber::FROM_DEFAULT_COUNTRY
                  ? 0
                  : n.country_code());
  }
}

// Whatever a phone column holds, reading it neither fails nor gives a key
// that is not a national number: digits only, five at least, no leading
// zero; and a number is always the same number as itself.
TEST(ParsePhoneNumberTest, RandomMixesOfPhoneCharacters) {
  const std::vector<std::string> kPieces = {
      "0",   "1",  "3",    "5", "6",  "8", "9",   "00",   "86",
      "65",  "+",  "-",    " ", "(",  ")", ".",   "/",    "x",
      "ext", "转", "分机", "#", "１", "a", "+86", "0519", "139"};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string v;
    const size_t n = rng() % 16;
    for (size_t k = 0; k < n; ++k) v += kPieces[rng() % kPieces.size()];
    SCOPED_TRACE(v);
    const std::optional<PhoneNumber> p = ParsePhoneNumber(v);
    const std::string problem = PhoneNumberProblem(v);
    if (!p.has_value()) {
      EXPECT_FALSE(problem.empty());
      continue;
    }
    ASSERT_GE(p->national.size(), 5u);
    EXPECT_NE(p->national[0], '0');
    EXPECT_EQ(p->national.find_first_not_of("0123456789"), std::string::npos);
    EXPECT_TRUE(SamePhoneNumber(*p, *p));
  }
}

}  // namespace
}  // namespace model
}  // namespace qiaolian
