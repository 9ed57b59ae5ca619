#include "src/ingest/text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::TempDir;

// The decoder's chunk size (text.cc): inputs around it put sequences across
// chunk boundaries.
constexpr size_t kChunk = 256 * 1024;

// UTF-8 to the ICU charset `name`.
std::string ToCharset(const std::string& utf8, const char* name) {
  UErrorCode err = U_ZERO_ERROR;
  std::u16string units(utf8.size() + 1, u'\0');
  int32_t nunits = 0;
  u_strFromUTF8(units.data(), static_cast<int32_t>(units.size()), &nunits,
                utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  UConverter* cnv = ucnv_open(name, &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  std::string out(4 * static_cast<size_t>(nunits) + 4, '\0');
  const int32_t n =
      ucnv_fromUChars(cnv, out.data(), static_cast<int32_t>(out.size()),
                      units.data(), nunits, &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  ucnv_close(cnv);
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string ToGb18030(const std::string& utf8) {
  return ToCharset(utf8, "gb18030");
}

// UTF-8 to UTF-16 bytes of either order, with a byte order mark or not.
std::string ToUtf16(const std::string& utf8, bool big_endian, bool bom) {
  UErrorCode err = U_ZERO_ERROR;
  std::u16string units(utf8.size() + 1, u'\0');
  int32_t n = 0;
  u_strFromUTF8(units.data(), static_cast<int32_t>(units.size()), &n,
                utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  units.resize(static_cast<size_t>(n));
  if (bom) units.insert(units.begin(), u'\xFEFF');
  std::string out;
  for (char16_t u : units) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  }
  return out;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(f.good()) << path;
}

std::unique_ptr<TextSource> Source(std::string bytes,
                                   Encoding encoding = Encoding::kUtf8) {
  auto source = TextFromBytes(std::move(bytes), encoding);
  EXPECT_TRUE(source.ok()) << source.status();
  return source.ok() ? std::move(*source) : nullptr;
}

// All the text of `source`, or its error.
absl::StatusOr<std::string> ReadAll(TextSource* source) {
  std::string text;
  for (;;) {
    absl::StatusOr<size_t> n = source->Read(&text);
    if (!n.ok()) return n.status();
    if (*n == 0) return text;
  }
}

std::vector<Row> ReadRows(RowReader* reader) {
  std::vector<Row> rows;
  Row row;
  for (;;) {
    absl::StatusOr<bool> more = reader->Next(&row);
    if (!more.ok()) {
      ADD_FAILURE() << more.status();
      break;
    }
    if (!*more) break;
    rows.push_back(row);
  }
  return rows;
}

std::vector<Row> Csv(std::string text, char delimiter = ',') {
  auto reader = NewDelimitedReader(Source(std::move(text)), delimiter);
  return ReadRows(reader.get());
}

std::vector<std::vector<std::string>> Fields(const std::vector<Row>& rows) {
  std::vector<std::vector<std::string>> out;
  for (const Row& r : rows) out.push_back(r.fields);
  return out;
}

std::vector<uint64_t> Lines(const std::vector<Row>& rows) {
  std::vector<uint64_t> out;
  for (const Row& r : rows) out.push_back(r.line);
  return out;
}

using Strings = std::vector<std::string>;

// --- Encoding names.

TEST(EncodingTest, ParseAndName) {
  EXPECT_EQ(*ParseEncoding("auto"), Encoding::kAuto);
  EXPECT_EQ(*ParseEncoding("UTF-8"), Encoding::kUtf8);
  EXPECT_EQ(*ParseEncoding("utf8"), Encoding::kUtf8);
  for (const char* gb : {"gb18030", "GBK", "gb2312", "CP936"}) {
    EXPECT_EQ(*ParseEncoding(gb), Encoding::kGb18030) << gb;
  }
  absl::StatusOr<Encoding> bad = ParseEncoding("ebcdic");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("ebcdic"));
  EXPECT_THAT(bad.status().message(), HasSubstr("windows-1252 (cp1252"));
  for (const char* w : {"windows-1252", "CP1252", "latin1", "ISO-8859-1"}) {
    EXPECT_EQ(*ParseEncoding(w), Encoding::kWindows1252) << w;
  }
  EXPECT_STREQ(EncodingName(Encoding::kWindows1252), "windows-1252");
  EXPECT_STREQ(EncodingName(Encoding::kAuto), "auto");
  EXPECT_STREQ(EncodingName(Encoding::kUtf8), "utf-8");
  EXPECT_STREQ(EncodingName(Encoding::kGb18030), "gb18030");
  for (const char* le : {"utf-16le", "UTF-16", "unicode", "utf16le"}) {
    EXPECT_EQ(*ParseEncoding(le), Encoding::kUtf16Le) << le;
  }
  EXPECT_EQ(*ParseEncoding("UTF-16BE"), Encoding::kUtf16Be);
  for (const char* b5 : {"big5", "Big5-HKSCS", "cp950"}) {
    EXPECT_EQ(*ParseEncoding(b5), Encoding::kBig5) << b5;
  }
  EXPECT_STREQ(EncodingName(Encoding::kBig5), "big5");
  EXPECT_STREQ(EncodingName(Encoding::kUtf16Le), "utf-16le");
  EXPECT_STREQ(EncodingName(Encoding::kUtf16Be), "utf-16be");
  for (Encoding e : {Encoding::kAuto, Encoding::kUtf8, Encoding::kGb18030,
                     Encoding::kUtf16Le, Encoding::kUtf16Be, Encoding::kBig5,
                     Encoding::kWindows1252}) {
    EXPECT_EQ(*ParseEncoding(EncodingName(e)), e);
  }
}

// --- RFC 4180.

TEST(CsvTest, SimpleRows) {
  std::vector<Row> rows = Csv("企业名称,代码\n上海,9131\n");
  EXPECT_THAT(Fields(rows), ElementsAre(Strings{"企业名称", "代码"},
                                        Strings{"上海", "9131"}));
  EXPECT_THAT(Lines(rows), ElementsAre(1, 2));
  EXPECT_EQ(rows[0].offset, 0u);
  EXPECT_EQ(rows[1].offset, std::string("企业名称,代码\n").size());
  EXPECT_EQ(rows[1].raw, "上海,9131");
  EXPECT_THAT(rows[0].error, IsEmpty());
}

TEST(CsvTest, QuotedDelimitersAndQuotes) {
  std::vector<Row> rows =
      Csv("\"1,234(万元人民币)\",\"say \"\"hi\"\"\",\"\"\"\"\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields,
              ElementsAre("1,234(万元人民币)", "say \"hi\"", "\""));
  EXPECT_EQ(rows[0].raw, "\"1,234(万元人民币)\",\"say \"\"hi\"\"\",\"\"\"\"");
  EXPECT_THAT(rows[0].error, IsEmpty());
}

TEST(CsvTest, EmbeddedLineBreaksCountPhysicalLines) {
  std::vector<Row> rows =
      Csv("h1,h2\n"         // line 1
          "a,\"x\ny\"\n"    // lines 2-3
          "b,\"p\r\nq\"\n"  // lines 4-5 (CRLF counts once)
          "c,\"m\rn\"\n"    // lines 6-7 (a lone CR too)
          "d,\"1\n\n2\"\n"  // lines 8-10
          "e,f\n");         // line 11
  EXPECT_THAT(Lines(rows), ElementsAre(1, 2, 4, 6, 8, 11));
  EXPECT_THAT(Fields(rows),
              ElementsAre(Strings{"h1", "h2"}, Strings{"a", "x\ny"},
                          Strings{"b", "p\r\nq"}, Strings{"c", "m\rn"},
                          Strings{"d", "1\n\n2"}, Strings{"e", "f"}));
  EXPECT_EQ(rows[2].raw, "b,\"p\r\nq\"");
  EXPECT_EQ(rows[5].offset, std::string("h1,h2\na,\"x\ny\"\nb,\"p\r\nq\"\n"
                                        "c,\"m\rn\"\nd,\"1\n\n2\"\n")
                                .size());
}

TEST(CsvTest, LineEndings) {
  const std::vector<Strings> want = {{"a", "b"}, {"c", "d"}};
  for (const char* text : {"a,b\nc,d\n", "a,b\r\nc,d\r\n", "a,b\rc,d\r",
                           "a,b\r\nc,d", "a,b\rc,d"}) {
    std::vector<Row> rows = Csv(text);
    EXPECT_EQ(Fields(rows), want) << absl::CHexEscape(text);
    EXPECT_THAT(Lines(rows), ElementsAre(1, 2)) << absl::CHexEscape(text);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].raw, "a,b");
    EXPECT_EQ(rows[1].raw, "c,d");
  }
  // Mixed.
  std::vector<Row> rows = Csv("a\r\nb\rc\nd");
  EXPECT_THAT(Fields(rows), ElementsAre(Strings{"a"}, Strings{"b"},
                                        Strings{"c"}, Strings{"d"}));
  EXPECT_THAT(Lines(rows), ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(rows[1].offset, 3u);
}

TEST(CsvTest, EmptyAndTrailingFields) {
  EXPECT_THAT(Fields(Csv("a,b,\n")), ElementsAre(Strings{"a", "b", ""}));
  EXPECT_THAT(Fields(Csv("a,b,")), ElementsAre(Strings{"a", "b", ""}));
  EXPECT_THAT(Fields(Csv(",,\n")), ElementsAre(Strings{"", "", ""}));
  EXPECT_THAT(Fields(Csv("\"\",x,\"\"\n")), ElementsAre(Strings{"", "x", ""}));
  // A line holding only an empty quoted field is a row, not a blank line.
  EXPECT_THAT(Fields(Csv("\"\"\n")), ElementsAre(Strings{""}));
  // Spaces are data (the normaliser trims them).
  EXPECT_THAT(Fields(Csv(" a , b \n")), ElementsAre(Strings{" a ", " b "}));
}

TEST(CsvTest, LastRowWithoutLineEnding) {
  std::vector<Row> rows = Csv("a,b\nc,\"d\"");
  EXPECT_THAT(Fields(rows), ElementsAre(Strings{"a", "b"}, Strings{"c", "d"}));
  EXPECT_EQ(rows[1].raw, "c,\"d\"");
  EXPECT_THAT(rows[1].error, IsEmpty());
}

TEST(CsvTest, BlankLinesAreSkippedButCounted) {
  std::vector<Row> rows = Csv("\n\r\na,b\n\n\r\rc,d\n\n");
  EXPECT_THAT(Fields(rows), ElementsAre(Strings{"a", "b"}, Strings{"c", "d"}));
  EXPECT_THAT(Lines(rows), ElementsAre(3, 7));
  EXPECT_EQ(rows[0].offset, 3u);
  EXPECT_EQ(rows[1].offset, 10u);
  EXPECT_THAT(Csv(""), IsEmpty());
  EXPECT_THAT(Csv("\n\r\n\r"), IsEmpty());
}

TEST(CsvTest, RaggedRowsComeBackAsTheyAre) {
  std::vector<Row> rows = Csv("a,b,c\nd\ne,f,g,h\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields.size(), 3u);
  EXPECT_EQ(rows[1].fields.size(), 1u);
  EXPECT_EQ(rows[2].fields.size(), 4u);
  for (const Row& r : rows) EXPECT_THAT(r.error, IsEmpty());
}

// A reused Row keeps no fields of the row before.
TEST(CsvTest, ReusedRowIsReset) {
  auto reader = NewDelimitedReader(Source("a,b,c,d\n\"x\"y\nz\n"), ',');
  Row row;
  ASSERT_TRUE(*reader->Next(&row));
  EXPECT_EQ(row.fields.size(), 4u);
  ASSERT_TRUE(*reader->Next(&row));
  EXPECT_THAT(row.fields, ElementsAre("xy"));
  EXPECT_THAT(row.error, HasSubstr("text after closing quote"));
  ASSERT_TRUE(*reader->Next(&row));
  EXPECT_THAT(row.fields, ElementsAre("z"));
  EXPECT_THAT(row.error, IsEmpty());
  EXPECT_FALSE(*reader->Next(&row));
  EXPECT_FALSE(*reader->Next(&row));
}

TEST(CsvTest, QuoteInsideUnquotedFieldIsAnError) {
  std::vector<Row> rows = Csv("a,b\"c,d\nx,y\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error, "column 2: quote inside an unquoted field");
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b\"c", "d"));
  EXPECT_EQ(rows[0].raw, "a,b\"c,d");
  EXPECT_THAT(rows[1].fields, ElementsAre("x", "y"));
  EXPECT_THAT(rows[1].error, IsEmpty());
  EXPECT_EQ(rows[1].line, 2u);
  // A space before the opening quote makes it an unquoted field.
  EXPECT_EQ(Csv("a, \"b\"\n")[0].error,
            "column 2: quote inside an unquoted field");
}

TEST(CsvTest, TextAfterClosingQuoteIsAnError) {
  std::vector<Row> rows = Csv("x,\"a\"b,c\nnext\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error, "column 2: text after closing quote");
  EXPECT_THAT(rows[0].fields, ElementsAre("x", "ab", "c"));
  EXPECT_THAT(rows[1].fields, ElementsAre("next"));
  EXPECT_THAT(rows[1].error, IsEmpty());
}

// After an error the reader still follows quotes, so it resumes at the
// first line ending outside them.
TEST(CsvTest, MalformedRowResyncsAtLineEndingOutsideQuotes) {
  std::vector<Row> rows =
      Csv("a\"b,\"multi\nline\",z\nnext,1\n\"q\"x\"y\"\nlast\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].error, "column 1: quote inside an unquoted field");
  EXPECT_THAT(rows[0].fields, ElementsAre("a\"b", "multi\nline", "z"));
  EXPECT_EQ(rows[0].raw, "a\"b,\"multi\nline\",z");
  EXPECT_THAT(rows[1].fields, ElementsAre("next", "1"));
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[2].error, "column 1: text after closing quote");
  EXPECT_THAT(rows[3].fields, ElementsAre("last"));
  EXPECT_EQ(rows[3].line, 5u);
  EXPECT_THAT(rows[3].error, IsEmpty());
}

// An unclosed quote does not swallow the rest of the file: the row is cut
// at the end of the quote's line and the lines after it are rows again.
TEST(CsvTest, EndOfFileInsideQuotes) {
  std::vector<Row> rows = Csv("a,b\nc,\"unterminated\nmore,stuff\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[1].error,
            "column 2: end of file inside a quoted field that starts on "
            "line 2 (an unclosed quote?); the row was cut at the end of that "
            "line");
  EXPECT_THAT(rows[1].fields, ElementsAre("c", "unterminated"));
  EXPECT_EQ(rows[1].raw, "c,\"unterminated");
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_THAT(rows[2].fields, ElementsAre("more", "stuff"));
  EXPECT_THAT(rows[2].error, IsEmpty());
  // A quote opened on the last line, without a line end: as before.
  rows = Csv("a,b\nc,\"open");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].error,
            "column 2: end of file inside a quoted field that starts on "
            "line 2");
}

std::vector<Row> CsvLimited(std::string text, size_t max_row_bytes) {
  auto reader = NewDelimitedReader(Source(std::move(text)), ',', max_row_bytes);
  return ReadRows(reader.get());
}

TEST(CsvTest, UnclosedQuoteIsCutAtTheRowLimit) {
  // A quote opened on line 3 would take in the 5,000 lines after it.
  std::string text = "a,b\n1,2\n3,\"open ended\n";
  for (int i = 0; i < 5000; ++i) absl::StrAppend(&text, "x", i, ",y\r\n");
  std::vector<Row> rows = CsvLimited(text, 1000);
  ASSERT_EQ(rows.size(), 5003u);
  EXPECT_THAT(rows[1].error, IsEmpty());
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_EQ(rows[2].error,
            "column 2: the quoted field that starts on line 3 is longer than "
            "1000 bytes (an unclosed quote?); the row was cut at the end of "
            "line 3");
  EXPECT_THAT(rows[2].fields, ElementsAre("3", "open ended"));
  EXPECT_EQ(rows[2].raw, "3,\"open ended");
  // Every line after it is a row again, with its own line number.
  EXPECT_EQ(rows[3].line, 4u);
  EXPECT_THAT(rows[3].fields, ElementsAre("x0", "y"));
  EXPECT_THAT(rows[3].error, IsEmpty());
  EXPECT_EQ(rows[5002].line, 5003u);
  EXPECT_THAT(rows[5002].fields, ElementsAre("x4999", "y"));
  int errors = 0;
  for (const Row& r : rows) errors += !r.error.empty();
  EXPECT_EQ(errors, 1);
}

TEST(CsvTest, DefaultRowLimitIsSixteenMebibytes) {
  EXPECT_EQ(kMaxRowBytes, 16u << 20);
  // 24 MiB of rows after an unclosed quote, with the default limit.
  std::string text = "名称,备注\n甲,\"未闭合\n";
  const std::string line = absl::StrCat(std::string(100, 'z'), ",备注\n");
  const int n = (24 << 20) / static_cast<int>(line.size());
  text.reserve(text.size() + static_cast<size_t>(n) * line.size());
  for (int i = 0; i < n; ++i) text += line;
  std::vector<Row> rows = Csv(text);
  ASSERT_EQ(rows.size(), static_cast<size_t>(n) + 2);
  EXPECT_THAT(rows[1].error, HasSubstr("starts on line 2 is longer than "
                                       "16777216 bytes"));
  EXPECT_THAT(rows[1].fields, ElementsAre("甲", "未闭合"));
  EXPECT_THAT(rows.back().error, IsEmpty());
  EXPECT_EQ(rows.back().line, static_cast<uint64_t>(n) + 2);
}

TEST(CsvTest, OverlongLineIsSkipped) {
  std::vector<Row> rows = CsvLimited(
      absl::StrCat("a,b\n", std::string(5000, 'x'), ",1\nc,d\n"), 100);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[1].error,
            "row longer than 100 bytes in one line; skipped to the end of the "
            "line");
  EXPECT_LE(rows[1].raw.size(), 4096u);
  EXPECT_EQ(rows[1].raw.find('\n'), std::string::npos);
  EXPECT_EQ(rows[2].line, 3u);
  EXPECT_THAT(rows[2].fields, ElementsAre("c", "d"));
  EXPECT_THAT(rows[2].error, IsEmpty());
}

TEST(CsvTest, OffsetsAreInTheDecodedText) {
  std::vector<Row> rows = Csv("\xEF\xBB\xBF名称,x\n\"a\",b\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields[0], "名称");
  EXPECT_EQ(rows[0].offset, 0u);
  EXPECT_EQ(rows[1].offset, std::string("名称,x\n").size());
}

TEST(TsvTest, TabDelimited) {
  std::vector<Row> rows = Csv("名称\t代码\n\"a\tb\"\tc,d\n\t\n", '\t');
  EXPECT_THAT(Fields(rows),
              ElementsAre(Strings{"名称", "代码"}, Strings{"a\tb", "c,d"},
                          Strings{"", ""}));
}

TEST(JsonLinesTest, OneFieldPerNonBlankLine) {
  auto reader = NewLineReader(
      Source("{\"a\":1}\n\n  \r\n{\"b\":\"x,y\"}\r\n\t\n{\"c\":\"\\\"\"}"));
  std::vector<Row> rows = ReadRows(reader.get());
  EXPECT_THAT(Fields(rows),
              ElementsAre(Strings{"{\"a\":1}"}, Strings{"{\"b\":\"x,y\"}"},
                          Strings{"{\"c\":\"\\\"\"}"}));
  EXPECT_THAT(Lines(rows), ElementsAre(1, 4, 6));
  EXPECT_EQ(rows[1].raw, "{\"b\":\"x,y\"}");
  EXPECT_EQ(rows[1].offset, 13u);
  EXPECT_EQ(reader->source_size(), reader->source_bytes());
}

TEST(JsonLinesTest, LineEndingsAndEmptyInput) {
  auto reader = NewLineReader(Source("a\rb\r\nc\n"));
  EXPECT_THAT(Lines(ReadRows(reader.get())), ElementsAre(1, 2, 3));
  reader = NewLineReader(Source(""));
  EXPECT_THAT(ReadRows(reader.get()), IsEmpty());
  reader = NewLineReader(Source("\n \n"));
  EXPECT_THAT(ReadRows(reader.get()), IsEmpty());
}

// --- Encodings.

TEST(DecodeTest, Utf8WithAndWithoutBom) {
  auto plain = Source("企业,x\n");
  EXPECT_EQ(*ReadAll(plain.get()), "企业,x\n");
  EXPECT_EQ(plain->encoding(), Encoding::kUtf8);
  auto bom = Source("\xEF\xBB\xBF企业,x\n");
  EXPECT_EQ(*ReadAll(bom.get()), "企业,x\n");
  // Only a leading BOM is dropped.
  auto inner = Source("a\xEF\xBB\xBF");
  EXPECT_EQ(*ReadAll(inner.get()), "a\xEF\xBB\xBF");
  auto only = Source("\xEF\xBB\xBF");
  EXPECT_EQ(*ReadAll(only.get()), "");
}

TEST(DecodeTest, ReadAppendsAndEndsWithZero) {
  auto source = Source("abc");
  std::string out = "prefix:";
  EXPECT_EQ(*source->Read(&out), 3u);
  EXPECT_EQ(out, "prefix:abc");
  EXPECT_EQ(*source->Read(&out), 0u);
  EXPECT_EQ(*source->Read(&out), 0u);
  EXPECT_EQ(source->source_bytes(), 3u);
  EXPECT_EQ(source->source_size(), 3u);
}

TEST(DecodeTest, StrictUtf8) {
  struct Case {
    const char* bytes;
    uint64_t offset;  // Of the invalid sequence.
  };
  for (const Case& c : {
           Case{"ab\xC0\x80", 2},                // Overlong NUL.
           Case{"ab\xC1\xBF", 2},                // Overlong 2-byte.
           Case{"ab\xE0\x80\xAF", 2},            // Overlong 3-byte.
           Case{"ab\xF0\x80\x80\xAF", 2},        // Overlong 4-byte.
           Case{"ab\xED\xA0\x80", 2},            // Surrogate D800.
           Case{"ab\xED\xBF\xBF", 2},            // Surrogate DFFF.
           Case{"ab\xF4\x90\x80\x80", 2},        // U+110000.
           Case{"ab\xF5\x80\x80\x80", 2},        // Lead above F4.
           Case{"ab\xFF", 2},                    //
           Case{"ab\x80", 2},                    // Stray continuation.
           Case{"ab\xE4\xB8x", 2},               // Missing continuation.
           Case{"ab\xE4\xB8", 2},                // Cut off by the end.
           Case{"\xE4\xB8\x8A\xF0\x9F\x98", 3},  // Cut off by the end.
       }) {
    auto source = Source(c.bytes);
    absl::StatusOr<std::string> text = ReadAll(source.get());
    ASSERT_FALSE(text.ok()) << absl::CHexEscape(c.bytes);
    EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(text.status().message(),
                HasSubstr(absl::StrCat("UTF-8 at byte offset ", c.offset)))
        << absl::CHexEscape(c.bytes);
  }
  for (const char* ok : {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
                         "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
                         "\xF4\x8F\xBF\xBF", "\xF0\x9F\x98\x80", ""}) {
    auto source = Source(ok);
    absl::StatusOr<std::string> text = ReadAll(source.get());
    ASSERT_TRUE(text.ok()) << absl::CHexEscape(ok) << text.status();
    EXPECT_EQ(*text, ok);
  }
}

TEST(DecodeTest, Gb18030) {
  const std::string utf8 = "上海定惠塑胶有限公司,91310000757904992P\n";
  const std::string gb = ToGb18030(utf8);
  EXPECT_EQ(gb.size(), 10 * 2 + 1 + 18 + 1);
  auto reader = NewDelimitedReader(Source(gb, Encoding::kGb18030), ',');
  std::vector<Row> rows = ReadRows(reader.get());
  EXPECT_THAT(Fields(rows), ElementsAre(Strings{"上海定惠塑胶有限公司",
                                                "91310000757904992P"}));
  EXPECT_EQ(reader->source_bytes(), gb.size());
}

TEST(DecodeTest, Gb18030FourByteSequences) {
  // U+20000 (outside the BMP) and U+0080 take four bytes.
  EXPECT_EQ(ToGb18030("\xF0\xA0\x80\x80"), "\x95\x32\x82\x36");
  EXPECT_EQ(ToGb18030("\xC2\x80"), std::string("\x81\x30\x81\x30"));
  const std::string utf8 = "𠀀,\xC2\x80,\xEE\x97\xA5,€,龘";  // ... U+E5E5 ...
  auto source = Source(ToGb18030(utf8), Encoding::kGb18030);
  EXPECT_EQ(*ReadAll(source.get()), utf8);
  EXPECT_EQ(source->encoding(), Encoding::kGb18030);
  // A GB18030 byte order mark (U+FEFF) is dropped too.
  auto bom = Source(
      "\x84\x31\x95\x33"
      "a",
      Encoding::kGb18030);
  EXPECT_EQ(*ReadAll(bom.get()), "a");
}

TEST(DecodeTest, StrictGb18030) {
  struct Case {
    std::string bytes;
    uint64_t offset;
  };
  for (const Case& c : {
           Case{"ab\x80x", 2},  // 0x80 alone.
           Case{"ab\xFFx", 2},  // 0xFF alone.
           Case{"ab\x81\x0A"
                "cd",
                2},                     // Bad trail byte.
           Case{"ab\x81\x30\x81x", 2},  // Bad fourth byte.
           Case{"ab\x81\x30", 2},       // Cut off by the end.
           Case{"ab\xC9", 2},           // Cut off by the end.
       }) {
    auto source = Source(c.bytes, Encoding::kGb18030);
    absl::StatusOr<std::string> text = ReadAll(source.get());
    ASSERT_FALSE(text.ok()) << absl::CHexEscape(c.bytes);
    EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(text.status().message(),
                HasSubstr(absl::StrCat("GB18030 at byte offset ", c.offset)))
        << absl::CHexEscape(c.bytes);
  }
}

TEST(DecodeTest, ExplicitUtf8OnGbBytesNamesTheOffset) {
  auto source = Source("abc," + ToGb18030("上海"), Encoding::kUtf8);
  absl::StatusOr<std::string> text = ReadAll(source.get());
  EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(text.status().message(),
              HasSubstr("invalid UTF-8 at byte offset 4"));
}

// Rows before an undecodable byte are read; then Next() fails.
TEST(DecodeTest, TextBeforeTheBadByteComesFirst) {
  for (Encoding e : {Encoding::kUtf8, Encoding::kGb18030}) {
    auto reader = NewDelimitedReader(Source("a,b\nc,d\ne\xFF\n", e), ',');
    Row row;
    ASSERT_TRUE(*reader->Next(&row));
    ASSERT_TRUE(*reader->Next(&row));
    EXPECT_THAT(row.fields, ElementsAre("c", "d"));
    absl::StatusOr<bool> next = reader->Next(&row);
    EXPECT_EQ(next.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(next.status().message(), HasSubstr("at byte offset 9"));
    EXPECT_FALSE(reader->Next(&row).ok());  // The error sticks.
  }
}

// Excel's "Unicode text": UTF-16 with a byte order mark, which says the
// order; a character outside the BMP is a surrogate pair.
TEST(DecodeTest, Utf16WithAByteOrderMark) {
  const std::string utf8 = "企业名称\t代码\r\n𠀀记商行\tA1\r\n";
  for (bool be : {false, true}) {
    const Encoding order = be ? Encoding::kUtf16Be : Encoding::kUtf16Le;
    for (Encoding e : {Encoding::kAuto, order}) {
      auto source = Source(ToUtf16(utf8, be, /*bom=*/true), e);
      ASSERT_NE(source, nullptr);
      EXPECT_EQ(source->encoding(), order);
      EXPECT_EQ(*ReadAll(source.get()), utf8);
    }
    // Given its order, a file without the mark reads too.
    EXPECT_EQ(*ReadAll(Source(ToUtf16(utf8, be, false), order).get()), utf8);
    // Another encoding given for a marked file: an error saying so.
    auto wrong = TextFromBytes(ToUtf16(utf8, be, true), Encoding::kUtf8);
    ASSERT_FALSE(wrong.ok());
    EXPECT_THAT(wrong.status().message(),
                HasSubstr(absl::StrCat("starts with a UTF-16", be ? "BE" : "LE",
                                       " byte order mark, but the encoding "
                                       "given is UTF-8; give --encoding auto "
                                       "or utf-16",
                                       be ? "be" : "le")));
  }
  // Without a mark, `auto` sees NUL bytes, which no text file holds, and
  // asks rather than taking it for GB18030.
  auto unmarked =
      TextFromBytes(ToUtf16("name,代码\n", false, false), Encoding::kAuto);
  ASSERT_FALSE(unmarked.ok());
  EXPECT_THAT(unmarked.status().message(),
              HasSubstr("a NUL byte at offset 1 (UTF-16 without a byte order "
                        "mark?); say which with --encoding"));
}

TEST(DecodeTest, StrictUtf16) {
  struct Case {
    std::string bytes;  // Little-endian, after the mark.
    uint64_t offset;    // Of the bad unit, counting the mark.
    bool cut;
  };
  for (const Case& c : {
           Case{std::string("a\0\x00\xDC", 4), 4, false},  // Lone trail.
           Case{std::string("a\0\x3D\xD8"
                            "b\0",
                            6),
                4, false},                         // Lead, no trail.
           Case{std::string("a\0b", 3), 4, true},  // Half a unit at the end.
           Case{std::string("a\0\x3D\xD8", 4), 4, true},  // Lead at the end.
       }) {
    auto source = Source("\xFF\xFE" + c.bytes, Encoding::kUtf16Le);
    absl::StatusOr<std::string> text = ReadAll(source.get());
    ASSERT_FALSE(text.ok()) << c.offset;
    EXPECT_THAT(
        text.status().message(),
        HasSubstr(absl::StrCat("invalid UTF-16LE at byte offset ", c.offset,
                               c.cut ? " (sequence cut off" : "")));
  }
}

TEST(AutoDetectTest, ChoosesUtf8OrGb18030) {
  const std::string utf8 = "企业名称,代码\n上海定惠塑胶有限公司,9131\n";
  auto u = Source(utf8, Encoding::kAuto);
  EXPECT_EQ(u->encoding(), Encoding::kUtf8);
  EXPECT_EQ(*ReadAll(u.get()), utf8);

  auto g = Source(ToGb18030(utf8), Encoding::kAuto);
  EXPECT_EQ(g->encoding(), Encoding::kGb18030);
  EXPECT_EQ(*ReadAll(g.get()), utf8);

  // ASCII and empty input are UTF-8; a BOM decides at once.
  EXPECT_EQ(Source("a,b\n", Encoding::kAuto)->encoding(), Encoding::kUtf8);
  EXPECT_EQ(Source("", Encoding::kAuto)->encoding(), Encoding::kUtf8);
  auto bom = Source(
      "\xEF\xBB\xBF"
      "a",
      Encoding::kAuto);
  EXPECT_EQ(bom->encoding(), Encoding::kUtf8);
  EXPECT_EQ(*ReadAll(bom.get()), "a");
}

// Traditional Chinese from Hong Kong, Macau, Taiwan and associations
// abroad: Big5 (with HKSCS), which GB18030 would also read, wrongly.
TEST(DecodeTest, Big5) {
  const std::string utf8 =
      "姓名,地址\n陳偉明,香港九龍彌敦道100號\n黃麗華,台北市中山區南京東路\n"
      "林志強,澳門新馬路\n";
  const std::string big5 = ToCharset(utf8, "Big5-HKSCS");
  ASSERT_NE(big5, utf8);
  EXPECT_EQ(*ReadAll(Source(big5, Encoding::kBig5).get()), utf8);
  // Read as GB18030 it decodes, into other characters: `auto` asks, and
  // shows the first line both ways.
  EXPECT_NE(*ReadAll(Source(big5, Encoding::kGb18030).get()), utf8);
  auto asked = TextFromBytes(big5, Encoding::kAuto);
  ASSERT_FALSE(asked.ok());
  EXPECT_THAT(asked.status().message(),
              HasSubstr("it reads as GB18030 and as Big5, and "));
  EXPECT_THAT(asked.status().message(),
              HasSubstr("% of its Chinese characters as GB18030 are outside "
                        "GB2312, as when Big5 is read as GB18030."));
  EXPECT_THAT(asked.status().message(),
              HasSubstr("; as Big5: \"姓名,地址\". Say which with --encoding "
                        "gb18030 or --encoding big5"));
  // Simplified text with the rare characters of names (喆, 堃, 玥) stays
  // GB18030.
  auto gb = Source(ToGb18030("姓名,地址\n王喆,金坛区东门大街\n李堃,常州市天宁区"
                             "\n张玥,溧阳市\n"),
                   Encoding::kAuto);
  EXPECT_EQ(gb->encoding(), Encoding::kGb18030);
  // Strict: a lead byte without its trailing byte.
  auto bad = Source(std::string("ab\xA4\x0A", 4), Encoding::kBig5);
  EXPECT_THAT(ReadAll(bad.get()).status().message(),
              HasSubstr("invalid Big5 at byte offset 2"));
}

// Western European text, as Excel saves CSV in Europe and the Americas:
// read when given; never detected (it would take any damaged file), but the
// error shows the line that failed as it would read.
TEST(DecodeTest, Windows1252) {
  const std::string latin =
      "Name,City\nJos\xE9 M\xFCller,K\xF6ln\n"
      "Fran\xE7ois \x80 5,S\xE3o Paulo\n";
  EXPECT_EQ(*ReadAll(Source(latin, Encoding::kWindows1252).get()),
            "Name,City\nJosé Müller,Köln\nFrançois € 5,São Paulo\n");
  // Strict: a byte windows-1252 leaves undefined is an error at its offset.
  auto undefined = Source(
      "Name\nA\x81"
      "B\n",
      Encoding::kWindows1252);
  EXPECT_THAT(ReadAll(undefined.get()).status().message(),
              HasSubstr("invalid windows-1252 at byte offset 6"));
  auto asked = TextFromBytes(latin, Encoding::kAuto);
  ASSERT_FALSE(asked.ok());
  EXPECT_THAT(asked.status().message(),
              HasSubstr("say which with --encoding; if it is Western European "
                        "text (Excel's CSV in Europe and the Americas), that "
                        "line as windows-1252 reads \"José Müller,Köln\" "
                        "(--encoding windows-1252)"));
}

TEST(AutoDetectTest, NeitherNamesBothOffsets) {
  // C9 CF is GB18030 (上) but not UTF-8; FF is neither.
  auto source = TextFromBytes("\xC9\xCF,abc\xFF\n", Encoding::kAuto);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(source.status().message(),
              HasSubstr("not UTF-8 (invalid byte at offset 0), not GB18030 "
                        "(invalid at offset 6) and not Big5 (invalid at offset "
                        "6); say which with --encoding"));
}

TEST(AutoDetectTest, Files) {
  TempDir tmp;
  const std::string utf8 = "名称,代码\n上海,9131\n";
  WriteFile(tmp.Sub("u.csv"), utf8);
  WriteFile(tmp.Sub("g.csv"), ToGb18030(utf8));
  WriteFile(tmp.Sub("bad.csv"), "ok\n\xC9\xCF\xFF");
  for (const char* name : {"u.csv", "g.csv"}) {
    auto source = OpenTextFile(tmp.Sub(name), Encoding::kAuto);
    ASSERT_TRUE(source.ok()) << source.status();
    EXPECT_EQ((*source)->encoding(),
              name[0] == 'u' ? Encoding::kUtf8 : Encoding::kGb18030);
    EXPECT_EQ(*ReadAll(source->get()), utf8);
    EXPECT_EQ((*source)->source_bytes(), (*source)->source_size());
  }
  auto bad = OpenTextFile(tmp.Sub("bad.csv"), Encoding::kAuto);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(),
              HasSubstr(absl::StrCat("cannot tell the encoding of ",
                                     tmp.Sub("bad.csv"))));
  EXPECT_THAT(bad.status().message(), HasSubstr("not UTF-8 (invalid byte at "
                                                "offset 3), not GB18030 "
                                                "(invalid at offset 5)"));
  WriteFile(tmp.Sub("u16.csv"), std::string("\xFF\xFE"
                                            "a\0",
                                            4));
  auto u16 = OpenTextFile(tmp.Sub("u16.csv"), Encoding::kAuto);
  ASSERT_TRUE(u16.ok()) << u16.status();
  EXPECT_EQ((*u16)->encoding(), Encoding::kUtf16Le);
  EXPECT_EQ(*ReadAll(u16->get()), "a");
}

// A pipe cannot be read twice; auto-detection still works.
TEST(AutoDetectTest, Pipe) {
  TempDir tmp;
  const std::string fifo = tmp.Sub("fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string gb = ToGb18030("名称,代码\n上海,9131\n");
  std::thread writer([&] {
    const int fd = open(fifo.c_str(), O_WRONLY);
    if (fd < 0) return;
    EXPECT_EQ(write(fd, gb.data(), gb.size()), static_cast<ssize_t>(gb.size()));
    close(fd);
  });
  auto source = OpenTextFile(fifo, Encoding::kAuto);
  writer.join();
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->encoding(), Encoding::kGb18030);
  auto reader = NewDelimitedReader(std::move(*source), ',');
  EXPECT_EQ(ReadRows(reader.get()).size(), 2u);
}

// --- Chunk boundaries (sequences split between two reads).

TEST(ChunkTest, ValidSequencesAcrossTheBoundary) {
  TempDir tmp;
  for (const std::string ch : {"上", "\xF0\xA0\x80\x80", "\xC2\x80"}) {
    for (size_t before = 1; before < ch.size(); ++before) {
      const std::string text = std::string(kChunk - before, 'a') + ch + ",x\n";
      auto mem = Source(text);
      EXPECT_EQ(*ReadAll(mem.get()), text);
      WriteFile(tmp.Sub("f"), text);
      auto file = OpenTextFile(tmp.Sub("f"), Encoding::kUtf8);
      ASSERT_TRUE(file.ok()) << file.status();
      EXPECT_EQ(*ReadAll(file->get()), text);
      auto autod = OpenTextFile(tmp.Sub("f"), Encoding::kAuto);
      EXPECT_EQ((*autod)->encoding(), Encoding::kUtf8);
    }
  }
}

TEST(ChunkTest, InvalidSequencesAcrossTheBoundary) {
  TempDir tmp;
  struct Case {
    std::string bytes;
    uint64_t offset;
  };
  const std::string pad(kChunk - 1, 'a');
  for (const Case& c : {
           Case{pad + "\xE4\xB8x", kChunk - 1},  // Bad 3rd byte.
           Case{pad + "\xE4"
                      "x",
                kChunk - 1},                                  // Bad 2nd byte.
           Case{pad + "\xE0\x80\x80", kChunk - 1},            // Overlong.
           Case{pad + "\xED\xA0\x80", kChunk - 1},            // Surrogate.
           Case{pad.substr(1) + "\xF0\x9F\x98", kChunk - 2},  // Cut off.
           Case{pad + "a\x80", kChunk},  // First of a chunk.
       }) {
    WriteFile(tmp.Sub("f"), c.bytes);
    auto file = OpenTextFile(tmp.Sub("f"), Encoding::kUtf8);
    ASSERT_TRUE(file.ok());
    absl::StatusOr<std::string> text = ReadAll(file->get());
    ASSERT_FALSE(text.ok());
    EXPECT_THAT(
        text.status().message(),
        HasSubstr(absl::StrCat("invalid UTF-8 at byte offset ", c.offset)));
    auto mem = Source(c.bytes);
    EXPECT_THAT(ReadAll(mem.get()).status().message(),
                HasSubstr(absl::StrCat("at byte offset ", c.offset)));
  }
}

TEST(ChunkTest, Gb18030AcrossTheBoundary) {
  const std::string pad(kChunk - 1, 'a');
  for (const std::string ch : {"上", "\xF0\xA0\x80\x80"}) {
    const std::string utf8 = pad + ch + "\n";
    auto source = Source(ToGb18030(utf8), Encoding::kAuto);
    EXPECT_EQ(source->encoding(), Encoding::kGb18030);
    EXPECT_EQ(*ReadAll(source.get()), utf8);
  }
  // 81 30 | 81 0A: the fourth byte, in the next chunk, is wrong.
  auto bad = Source(pad.substr(1) + "\x81\x30\x81\x0A", Encoding::kGb18030);
  EXPECT_THAT(ReadAll(bad.get()).status().message(),
              HasSubstr(absl::StrCat("GB18030 at byte offset ", kChunk - 2)));
}

// A unit, and a surrogate pair, split by a chunk's end; a bad pair there.
TEST(ChunkTest, Utf16AcrossTheBoundary) {
  TempDir tmp;
  for (size_t pad = kChunk / 2 - 3; pad < kChunk / 2 + 1; ++pad) {
    const std::string utf8 = std::string(pad, 'a') + "上𠀀,x\n";
    for (bool be : {false, true}) {
      const std::string bytes = ToUtf16(utf8, be, true);
      EXPECT_EQ(*ReadAll(Source(bytes, Encoding::kAuto).get()), utf8) << pad;
      WriteFile(tmp.Sub("f"), bytes);
      auto file = OpenTextFile(tmp.Sub("f"), Encoding::kAuto);
      ASSERT_TRUE(file.ok()) << file.status();
      EXPECT_EQ(*ReadAll(file->get()), utf8) << pad;
    }
  }
  // The mark, then a lead surrogate ending the first chunk, and 'b' after.
  std::string bytes = "\xFF\xFE";
  while (bytes.size() < kChunk - 2) bytes += std::string("a\0", 2);
  bytes += std::string(
      "\x3D\xD8"
      "b\0",
      4);
  auto bad = Source(bytes, Encoding::kAuto);
  EXPECT_THAT(ReadAll(bad.get()).status().message(),
              HasSubstr(absl::StrCat("UTF-16LE at byte offset ", kChunk - 2)));
}

TEST(ChunkTest, Big5AcrossTheBoundary) {
  const std::string pad(kChunk - 1, 'a');
  const std::string utf8 = pad + "陳偉明\n";
  EXPECT_EQ(
      *ReadAll(Source(ToCharset(utf8, "Big5-HKSCS"), Encoding::kBig5).get()),
      utf8);
}

// Rows, and a quoted field with a CRLF, across chunk boundaries.
TEST(ChunkTest, RowsAcrossTheBoundary) {
  for (size_t shift = 0; shift < 6; ++shift) {
    const std::string head(kChunk - 3 - shift, 'h');
    const std::string text = head + ",\"x\r\ny\"\r\nnext,\"\"\"\"\r\n";
    std::vector<Row> rows = Csv(text);
    ASSERT_EQ(rows.size(), 2u) << shift;
    EXPECT_THAT(rows[0].fields, ElementsAre(head, "x\r\ny")) << shift;
    EXPECT_THAT(rows[1].fields, ElementsAre("next", "\"")) << shift;
    EXPECT_EQ(rows[1].line, 3u) << shift;
    EXPECT_EQ(rows[1].offset, head.size() + 9) << shift;
    EXPECT_EQ(rows[1].raw, "next,\"\"\"\"") << shift;
  }
}

// --- Files.

TEST(FileTest, MissingFileAndDirectory) {
  TempDir tmp;
  auto missing = OpenTextFile(tmp.Sub("nope.csv"), Encoding::kUtf8);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.csv"));
  auto dir = OpenTextFile(tmp.path(), Encoding::kAuto);
  EXPECT_FALSE(dir.ok());
}

// About 5 MB in ~20 chunks: rows counted, progress reaches the size.
TEST(FileTest, StreamsALargeFile) {
  TempDir tmp;
  std::string text = "企业名称,统一社会信用代码,注册资金,地址\n";
  constexpr int kRows = 40000;
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&text, "上海定惠塑胶有限公司第", i, "分公司,91310000757904",
                    i % 10000, ",\"1,234(万元人民币)\",\"上海市",
                    i % 7 == 0 ? "\n" : "", "浦东新区 \"\"", i, "\"\" 号\"\n");
  }
  ASSERT_GT(text.size(), 5u * 1000 * 1000);
  const uint64_t lines = kRows + 1 + (kRows + 6) / 7;
  WriteFile(tmp.Sub("big.csv"), text);
  for (Encoding e : {Encoding::kAuto, Encoding::kUtf8}) {
    auto source = OpenTextFile(tmp.Sub("big.csv"), e);
    ASSERT_TRUE(source.ok()) << source.status();
    EXPECT_EQ((*source)->source_size(), text.size());
    auto reader = NewDelimitedReader(std::move(*source), ',');
    Row row;
    uint64_t n = 0, errors = 0, last_line = 0;
    while (*reader->Next(&row)) {
      ++n;
      if (!row.error.empty() || row.fields.size() != 4) ++errors;
      last_line = row.line;
    }
    EXPECT_EQ(n, kRows + 1u);
    EXPECT_EQ(errors, 0u);
    EXPECT_EQ(last_line, lines);
    EXPECT_EQ(row.fields[3],
              absl::StrCat("上海市浦东新区 \"", kRows - 1, "\" 号"));
    EXPECT_EQ(reader->source_bytes(), text.size());
  }
  // The same as GB18030, detected.
  WriteFile(tmp.Sub("big-gb.csv"), ToGb18030(text));
  auto source = OpenTextFile(tmp.Sub("big-gb.csv"), Encoding::kAuto);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->encoding(), Encoding::kGb18030);
  auto reader = NewDelimitedReader(std::move(*source), ',');
  Row row;
  uint64_t n = 0;
  while (*reader->Next(&row)) ++n;
  EXPECT_EQ(n, kRows + 1u);
  EXPECT_EQ(row.line, lines);
}

// A real extract (../shared/data/registries/README.md).
TEST(RegistryDataTest, Liaoning2012) {
  const char* env = std::getenv("QIAOLIAN_SHARED_DATA");
  const std::string path =
      std::string(env != nullptr && *env != '\0' ? env : "/work/shared/data") +
      "/registries/cn_registry_2012_liaoning.csv";
  if (!std::filesystem::exists(path)) {
    GTEST_SKIP() << "shared registry data not found at " << path
                 << " (set QIAOLIAN_SHARED_DATA to the shared data directory)";
  }
  auto source = OpenTextFile(path, Encoding::kAuto);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->encoding(), Encoding::kUtf8);
  auto reader = NewDelimitedReader(std::move(*source), ',');
  Row row;
  ASSERT_TRUE(*reader->Next(&row));
  EXPECT_THAT(row.fields,
              ElementsAre("企业名称", "统一社会信用代码", "注册日期",
                          "企业类型", "法人代表", "注册资金", "经营范围",
                          "所在省份", "地区", "注册地址"));
  uint64_t rows = 0, ten = 0, thirteen = 0, last_line = 0;
  std::vector<std::string> errors;
  for (;;) {
    absl::StatusOr<bool> more = reader->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    ++rows;
    if (row.fields.size() == 10) ++ten;
    if (row.fields.size() == 13) ++thirteen;
    if (!row.error.empty()) {
      errors.push_back(absl::StrCat("line ", row.line, ": ", row.error));
    }
    last_line = row.line;
  }
  EXPECT_EQ(rows, 10251u);
  EXPECT_EQ(ten, 10246u);
  EXPECT_EQ(thirteen, 5u);
  EXPECT_EQ(last_line, 10252u);
  // One of the ragged rows has a stray quote: `...经营活动。)",...`.
  EXPECT_THAT(errors, ElementsAre("line 10124: column 5: quote inside an "
                                  "unquoted field"));
  EXPECT_EQ(reader->source_bytes(), reader->source_size());
}

}  // namespace
}  // namespace ingest
}  // namespace qiaolian
