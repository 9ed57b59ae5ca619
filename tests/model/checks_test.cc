// Tests of the single-value checks (src/model/checks.h).
#include "src/model/checks.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace qiaolian {
namespace model {
namespace {

v1::Date MakeDate(int y, int m, int d) {
  v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// Asserts INVALID_ARGUMENT whose message contains `part`.
void ExpectInvalid(const absl::Status& s, absl::string_view part) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), part))
      << "expected \"" << part << "\" in: " << s;
}

// --- UTF-8 -------------------------------------------------------------

// Countries as spreadsheets write them (the importer's country columns).
TEST(ChecksTest, CountryCodeByName) {
  for (const auto& [name, code] :
       std::vector<std::pair<const char*, const char*>>{
           {"美国", "US"},
           {"美國", "US"},
           {"United States", "US"},
           {" united  states ", "US"},
           {"USA", "US"},
           {"us", "US"},
           {"马来西亚", "MY"},
           {"Malaysia", "MY"},
           {"新加坡", "SG"},
           {"印度尼西亚", "ID"},
           {"中国", "CN"},
           {"中华人民共和国", "CN"},
           {"香港", "HK"},
           {"中国香港", "HK"},
           {"澳门", "MO"},
           {"UK", "GB"},
           {"英国", "GB"},
           {"肯尼亚", "KE"},
           // Full and short names registries and rosters use.
           {"香港特别行政区", "HK"},
           {"中国澳门特别行政区", "MO"},
           {"台湾地区", "TW"},
           {"英属维尔京群岛", "VG"},
           {"英属维京群岛", "VG"},
           {"BVI", "VG"},
           {"开曼群岛", "KY"},
           {"萨摩亚", "WS"},
           {"印尼", "ID"},
           {"澳洲", "AU"},
           {"阿联酋", "AE"},
           // English names ICU writes otherwise, and nationalities as
           // lists in English and forms in Chinese write them.
           {"Hong Kong", "HK"},
           {"Macau", "MO"},
           {"Burma", "MM"},
           {"Malaysian", "MY"},
           {"singaporean", "SG"},
           {"Chinese", "CN"},
           {"Filipino", "PH"},
           {"New Zealander", "NZ"},
           {"中国籍", "CN"},
           {"中国国籍", "CN"},
           {"美国籍", "US"},
           {"马来西亚籍", "MY"}}) {
    EXPECT_EQ(model::CountryCodeByName(name), code) << name;
  }
  EXPECT_EQ(model::CountryCodeByName("纳尼亚"), "");
  EXPECT_EQ(model::CountryCodeByName("纳尼亚籍"), "");
  EXPECT_EQ(model::CountryCodeByName("籍"), "");
  EXPECT_EQ(model::CountryCodeByName(""), "");
  EXPECT_EQ(model::CountryCodeByName("XX"), "");
}

TEST(ChecksTest, Utf8AcceptsValidText) {
  EXPECT_TRUE(CheckUtf8("").ok());
  EXPECT_TRUE(CheckUtf8("plain ASCII").ok());
  EXPECT_TRUE(CheckUtf8("金坛区侨联 Jintan").ok());
  EXPECT_TRUE(CheckUtf8("\xF0\x9F\x98\x80").ok());            // U+1F600
  EXPECT_TRUE(CheckUtf8("\xF4\x8F\xBF\xBF").ok());            // U+10FFFF
  EXPECT_TRUE(CheckUtf8(absl::string_view("a\0b", 3)).ok());  // NUL is valid.
}

TEST(ChecksTest, Utf8RejectsOverlong) {
  ExpectInvalid(CheckUtf8("ab\xC0\xAF"), "invalid UTF-8 at byte 2");
  ExpectInvalid(CheckUtf8("\xE0\x80\xAF"), "invalid UTF-8 at byte 0");
  ExpectInvalid(CheckUtf8("\xF0\x80\x80\xAF"), "invalid UTF-8 at byte 0");
}

TEST(ChecksTest, Utf8RejectsSurrogates) {
  ExpectInvalid(CheckUtf8("x\xED\xA0\x80"), "invalid UTF-8 at byte 1");
  ExpectInvalid(CheckUtf8("x\xED\xBF\xBF"), "invalid UTF-8 at byte 1");
}

TEST(ChecksTest, Utf8RejectsAboveMaxCodePoint) {
  ExpectInvalid(CheckUtf8("\xF4\x90\x80\x80"), "invalid UTF-8 at byte 0");
  ExpectInvalid(CheckUtf8("\xF5\x80\x80\x80"), "invalid UTF-8 at byte 0");
}

TEST(ChecksTest, Utf8RejectsTruncatedAndStrayBytes) {
  // "侨联" is 6 bytes; a truncated third character starts at byte 6.
  ExpectInvalid(CheckUtf8("侨联\xE4\xBE"), "invalid UTF-8 at byte 6");
  ExpectInvalid(CheckUtf8("abc\xE4\xBE"
                          "d"),
                "invalid UTF-8 at byte 3");
  ExpectInvalid(CheckUtf8("abcdefg\x80"), "invalid UTF-8 at byte 7");
  ExpectInvalid(CheckUtf8("\xFF"), "invalid UTF-8 at byte 0");
}

// --- Dates -------------------------------------------------------------

TEST(ChecksTest, DateLeapYears) {
  EXPECT_TRUE(CheckDate(MakeDate(2000, 2, 29)).ok());
  EXPECT_TRUE(CheckDate(MakeDate(2020, 2, 29)).ok());
  ExpectInvalid(CheckDate(MakeDate(1900, 2, 29)),
                "1900-02-29 is not a calendar date");
  ExpectInvalid(CheckDate(MakeDate(2021, 2, 29)),
                "2021-02-29 is not a calendar date");
}

TEST(ChecksTest, DateRejectsImpossibleDays) {
  ExpectInvalid(CheckDate(MakeDate(2021, 2, 30)),
                "2021-02-30 is not a calendar date");
  ExpectInvalid(CheckDate(MakeDate(2020, 4, 31)),
                "2020-04-31 is not a calendar date");
  ExpectInvalid(CheckDate(MakeDate(2020, 1, 32)), "2020-01-32");
  ExpectInvalid(CheckDate(MakeDate(2020, 1, -1)), "day");
  EXPECT_TRUE(CheckDate(MakeDate(2020, 12, 31)).ok());
  EXPECT_TRUE(CheckDate(MakeDate(1, 1, 1)).ok());
  EXPECT_TRUE(CheckDate(MakeDate(9999, 12, 31)).ok());
}

TEST(ChecksTest, DateRejectsMonthOutOfRange) {
  ExpectInvalid(CheckDate(MakeDate(2020, 13, 1)), "2020-13-01: month");
  ExpectInvalid(CheckDate(MakeDate(2020, -1, 1)), "month");
}

TEST(ChecksTest, DateRejectsYearOutOfRange) {
  ExpectInvalid(CheckDate(MakeDate(0, 1, 1)), "0000-01-01: year must be");
  ExpectInvalid(CheckDate(MakeDate(0, 0, 0)), "year must be");
  ExpectInvalid(CheckDate(MakeDate(10000, 1, 1)), "year must be");
}

TEST(ChecksTest, DateAcceptsPartialDates) {
  EXPECT_TRUE(CheckDate(MakeDate(1950, 0, 0)).ok());
  EXPECT_TRUE(CheckDate(MakeDate(1950, 6, 0)).ok());
  ExpectInvalid(CheckDate(MakeDate(1950, 0, 5)),
                "1950-00-05: day must be 0 when the month is unknown");
}

// --- Countries ---------------------------------------------------------

TEST(ChecksTest, CountryAcceptsIsoCodes) {
  for (absl::string_view c :
       {"CN", "KE", "US", "DE", "HK", "MO", "TW", "GB", "JP", "FR"}) {
    EXPECT_TRUE(CheckCountryCode(c).ok()) << c;
  }
}

TEST(ChecksTest, CountryRejectsLowerCaseWithHint) {
  ExpectInvalid(CheckCountryCode("cn"), "use upper case: CN");
  ExpectInvalid(CheckCountryCode("Ke"), "use upper case: KE");
}

TEST(ChecksTest, CountryRejectsUnknownCodes) {
  ExpectInvalid(CheckCountryCode("QQ"), "\"QQ\" is not an ISO 3166-1");
  ExpectInvalid(CheckCountryCode(""), "is not an ISO 3166-1");
  ExpectInvalid(CheckCountryCode("UK"), "use GB");
  ExpectInvalid(CheckCountryCode("CHN"), "use the two-letter code: CN");
  ExpectInvalid(CheckCountryCode("C"), "is not an ISO 3166-1");
}

// --- Currencies --------------------------------------------------------

TEST(ChecksTest, CurrencyAcceptsCommonCodes) {
  for (absl::string_view c :
       {"CNY", "USD", "EUR", "HKD", "JPY", "KES", "GBP", "TWD", "MOP"}) {
    EXPECT_TRUE(CheckCurrencyCode(c).ok()) << c;
  }
}

TEST(ChecksTest, CurrencyRejectsRmbWithHint) {
  ExpectInvalid(CheckCurrencyCode("RMB"), "use CNY");
  ExpectInvalid(CheckCurrencyCode("rmb"), "use CNY");
}

TEST(ChecksTest, CurrencyRejectsLowerCaseAndUnknown) {
  ExpectInvalid(CheckCurrencyCode("usd"), "use upper case: USD");
  ExpectInvalid(CheckCurrencyCode("ABC"), "\"ABC\" is not an ISO 4217");
  ExpectInvalid(CheckCurrencyCode(""), "is not an ISO 4217");
  ExpectInvalid(CheckCurrencyCode("US$"), "is not an ISO 4217");
}

// --- USCC --------------------------------------------------------------

TEST(ChecksTest, UsccAcceptsRealCodes) {
  for (absl::string_view code :
       {"91310000757904992P", "91310115757910815T", "9131010675791199X9",
        "93211224MA0U4H6T8N", "912102115880574296"}) {
    EXPECT_TRUE(CheckUscc(code).ok()) << code << ": " << CheckUscc(code);
    EXPECT_EQ(UsccCheckCharacter(code.substr(0, 17)), code[17]) << code;
  }
}

TEST(ChecksTest, UsccNamesExpectedCheckCharacter) {
  ExpectInvalid(CheckUscc("91310000757904992Q"),
                "check character is 'Q', expected 'P'");
  // One changed digit changes the expected check character.
  ExpectInvalid(CheckUscc("91310000757904993P"),
                "check character is 'P', expected 'T'");
}

TEST(ChecksTest, UsccRejectsWrongLength) {
  ExpectInvalid(CheckUscc("320400000012345"),
                "18 characters expected, got 15 (a 15-character legacy "
                "registration number");
  ExpectInvalid(CheckUscc("320400000012345"), "registrationNumber");
  ExpectInvalid(CheckUscc("91310000757904992P0"),
                "18 characters expected, got 19");
  ExpectInvalid(CheckUscc(""), "18 characters expected, got 0");
}

TEST(ChecksTest, UsccRejectsForbiddenLetters) {
  ExpectInvalid(CheckUscc("9131I000757904992P"),
                "character 'I' at position 5 is not allowed (letters I, O, Z, "
                "S, V are never used)");
  ExpectInvalid(CheckUscc("91310000757904992O"),
                "character 'O' at position 18");
  ExpectInvalid(CheckUscc("91310000-57904992P"),
                "character '-' at position 9 is not allowed");
}

TEST(ChecksTest, UsccRejectsLowerCase) {
  ExpectInvalid(CheckUscc("93211224ma0u4h6t8n"),
                "use upper case: 93211224MA0U4H6T8N");
}

TEST(ChecksTest, UsccCheckCharacterOfBadInput) {
  EXPECT_EQ(UsccCheckCharacter("9131000075790499"), '\0');   // 16 chars
  EXPECT_EQ(UsccCheckCharacter("9131000075790499I"), '\0');  // forbidden I
}

// --- Resident ID -------------------------------------------------------

TEST(ChecksTest, ResidentIdAcceptsValidNumbers) {
  EXPECT_TRUE(CheckResidentId("11010519491231002X").ok());
  EXPECT_TRUE(CheckResidentId("110105200002290013").ok());  // 2000-02-29
  EXPECT_EQ(ResidentIdCheckCharacter("11010519491231002"), 'X');
}

TEST(ChecksTest, ResidentIdRejectsBadCheckCharacter) {
  ExpectInvalid(CheckResidentId("110105194912310021"),
                "check character is '1', expected 'X'");
  ExpectInvalid(CheckResidentId("11010519491231003X"),
                "check character is 'X', expected '8'");
  ExpectInvalid(CheckResidentId("11010519491231002x"), "upper case");
}

TEST(ChecksTest, ResidentIdRejectsImpossibleBirthDate) {
  // Check characters are right; the birth dates are not.
  ExpectInvalid(CheckResidentId("110105202102300011"),
                "birth date 20210230 (positions 7-14)");
  ExpectInvalid(CheckResidentId("110105190002290017"), "birth date 19000229");
  ExpectInvalid(CheckResidentId("110105184901010010"), "birth date 18490101");
}

TEST(ChecksTest, ResidentIdRejectsWrongShape) {
  ExpectInvalid(CheckResidentId("110105491231002"),
                "18 characters expected, got 15");
  ExpectInvalid(CheckResidentId("1101051949A231002X"),
                "character 'A' at position 11");
  EXPECT_EQ(ResidentIdCheckCharacter("1101051949123100"), '\0');
}

// Codes a spreadsheet kept as numbers: the error says what happened.
TEST(ChecksTest, CodesStoredAsNumbersBySpreadsheetsAreExplained) {
  for (const char* sci : {"3.20413E+17", "9.13204E+17", "1.1e17"}) {
    ExpectInvalid(CheckResidentId(sci),
                  absl::StrCat("(a number in scientific notation, \"", sci,
                               "\": a spreadsheet stored the code as a number "
                               "and lost its digits; format the column as "
                               "text"));
    ExpectInvalid(CheckUscc(sci), "a number in scientific notation");
  }
  // Excel keeps 15 significant digits: an 18-digit number ends in 000.
  ExpectInvalid(CheckResidentId("320413198001011000"),
                "check character is '0', expected '6' (000 at the end is what "
                "a spreadsheet leaves of an 18-digit code stored as a number");
  ExpectInvalid(CheckUscc("913204137235882000"), "000 at the end is what");
  // Other mistakes get no such hint.
  for (absl::Status st :
       {CheckResidentId("110105194912310021"), CheckResidentId("1101051"),
        CheckUscc("91310000757904992Q"), CheckUscc("E17"), CheckUscc("12E"),
        CheckResidentId("1.2.3E+17")}) {
    EXPECT_FALSE(st.ok());
    EXPECT_FALSE(absl::StrContains(st.message(), "spreadsheet")) << st;
  }
}

}  // namespace
}  // namespace model
}  // namespace qiaolian
