// Excel readers (src/ingest/excel.h): workbooks written here with minizip.
#include "src/ingest/excel.h"

#include <zip.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;

using Parts = std::vector<std::pair<std::string, std::string>>;

bool WriteZip(const std::string& path, const Parts& parts) {
  zipFile zf = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (zf == nullptr) return false;
  bool ok = true;
  for (const auto& [name, data] : parts) {
    ok = ok &&
         zipOpenNewFileInZip(zf, name.c_str(), nullptr, nullptr, 0, nullptr, 0,
                             nullptr, Z_DEFLATED,
                             Z_DEFAULT_COMPRESSION) == ZIP_OK &&
         zipWriteInFileInZip(zf, data.data(),
                             static_cast<unsigned>(data.size())) == ZIP_OK &&
         zipCloseFileInZip(zf) == ZIP_OK;
  }
  return zipClose(zf, nullptr) == ZIP_OK && ok;
}

const char kXmlDecl[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

// `after_rows`: what the worksheet holds after <sheetData> (<mergeCells>).
Parts WorkbookParts(const std::string& sheet_rows,
                    const std::string& after_rows = "") {
  const std::string ns =
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
  const std::string rel_ns =
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
      "relationships\"";
  return {
      {"[Content_Types].xml",
       std::string(kXmlDecl) +
           "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
           "content-types\"><Default Extension=\"rels\" "
           "ContentType=\"application/"
           "vnd.openxmlformats-package.relationships+xml\"/><Default "
           "Extension=\"xml\" ContentType=\"application/xml\"/><Override "
           "PartName=\"/xl/workbook.xml\" ContentType=\"application/"
           "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
           "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
           "ContentType=\"application/"
           "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
           "</Types>"},
      {"_rels/.rels",
       std::string(kXmlDecl) +
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
           "2006/relationships\"><Relationship Id=\"rId1\" "
           "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
           "</Relationships>"},
      {"xl/workbook.xml",
       std::string(kXmlDecl) + "<workbook " + ns + " " + rel_ns +
           "><sheets><sheet name=\"企业\" sheetId=\"1\" r:id=\"rId7\"/>"
           "<sheet name=\"其他\" sheetId=\"2\" r:id=\"rId8\"/></sheets>"
           "</workbook>"},
      {"xl/_rels/workbook.xml.rels",
       std::string(kXmlDecl) +
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
           "2006/relationships\"><Relationship Id=\"rId8\" "
           "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/worksheet\" Target=\"worksheets/sheet2.xml\"/>"
           "<Relationship Id=\"rId7\" "
           "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
           "</Relationships>"},
      {"xl/styles.xml",
       std::string(kXmlDecl) + "<styleSheet " + ns +
           "><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
           "</cellXfs></styleSheet>"},
      {"xl/sharedStrings.xml",
       std::string(kXmlDecl) + "<sst " + ns +
           " count=\"7\" uniqueCount=\"7\">"
           "<si><t>企业名称</t></si>"                      // 0
           "<si><t>统一社会信用代码</t></si>"              // 1
           "<si><t>法定代表人</t></si>"                    // 2
           "<si><t>成立日期</t></si>"                      // 3
           "<si><r><t>上海定惠</t></r><r><rPr><b/></rPr>"  // 4: rich text
           "<t>塑胶有限公司</t></r><rPh sb=\"0\" eb=\"1\"><t>ハ</t></rPh>"
           "</si>"
           "<si><t>91310000757904992P</t></si>"                     // 5
           "<si><t xml:space=\"preserve\">大连老字号商店</t></si>"  // 6
           "</sst>"},
      {"xl/worksheets/sheet1.xml",
       std::string(kXmlDecl) + "<worksheet " + ns + "><sheetData>" +
           sheet_rows + "</sheetData>" + after_rows + "</worksheet>"},
      {"xl/worksheets/sheet2.xml",
       std::string(kXmlDecl) + "<worksheet " + ns +
           "><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>wrong "
           "sheet</t></is></c></row></sheetData></worksheet>"},
  };
}

// Headers (shared strings and an inline one), a rich-text name, an
// 18-character code as a string, an inline string, a date-styled serial, a
// number; a missing row; a row with no C cell; an empty row; a short row.
const char kRows[] =
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v>"
    "</c><c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
    "<c r=\"E1\" t=\"inlineStr\"><is><t>注册资本</t></is></c></row>"
    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>4</v></c><c r=\"B2\" t=\"s\"><v>5</v>"
    "</c><c r=\"C2\" t=\"inlineStr\"><is><r><t>张</t></r><r><t>三</t></r></is>"
    "</c><c r=\"D2\" s=\"1\"><v>38718</v></c><c r=\"E2\"><v>50</v></c></row>"
    "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>6</v></c><c r=\"B4\" t=\"str\">"
    "<v>91210204311478909W</v></c><c r=\"D4\" t=\"str\"><v>2004-01-02</v></c>"
    "<c r=\"E4\" t=\"n\"><v>100.0</v></c></row>"
    "<row r=\"5\"></row>"
    "<row r=\"6\" spans=\"1:2\"><c r=\"A6\" t=\"inlineStr\"><is><t>孙桥公司</t>"
    "</is></c><c r=\"B6\" t=\"str\"><v>91310115757910815T</v></c>"
    "<c r=\"F6\" t=\"b\"><v>1</v></c></row>";

std::vector<Row> ReadAll(RowReader& r) {
  std::vector<Row> rows;
  Row row;
  for (;;) {
    auto more = r.Next(&row);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    rows.push_back(row);
  }
  return rows;
}

TEST(ExcelTest, ReadsXlsxFirstSheet) {
  TempDir tmp;
  const std::string path = tmp.Sub("企业.xlsx");
  ASSERT_TRUE(WriteZip(path, WorkbookParts(kRows)));
  auto reader = OpenExcel(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<Row> rows = ReadAll(**reader);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[0].fields,
              ElementsAre("企业名称", "统一社会信用代码", "法定代表人",
                          "成立日期", "注册资本"));
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_THAT(rows[1].fields,
              ElementsAre("上海定惠塑胶有限公司", "91310000757904992P", "张三",
                          "2006-01-01", "50"));
  EXPECT_EQ(rows[1].line, 2u);
  EXPECT_EQ(rows[1].raw,
            "上海定惠塑胶有限公司,91310000757904992P,张三,2006-01-01,50");
  EXPECT_THAT(rows[2].fields,
              ElementsAre("大连老字号商店", "91210204311478909W", "",
                          "2004-01-02", "100"));
  EXPECT_EQ(rows[2].line, 4u);
  // Padded to the header's width; a cell beyond it is kept.
  EXPECT_THAT(rows[3].fields, ElementsAre("孙桥公司", "91310115757910815T", "",
                                          "", "", "TRUE"));
  EXPECT_EQ(rows[3].line, 6u);
  EXPECT_GT((*reader)->source_size(), 0u);
  EXPECT_EQ((*reader)->source_bytes(), (*reader)->source_size());
}

TEST(ExcelTest, FormatOverridesExtension) {
  TempDir tmp;
  const std::string path = tmp.Sub("book.dat");
  ASSERT_TRUE(WriteZip(path, WorkbookParts(kRows)));
  EXPECT_FALSE(OpenExcel(path).ok());
  auto reader = OpenExcel(path, "XLSX");
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(ReadAll(**reader).size(), 4u);
}

TEST(ExcelTest, BadWorkbooksAreInvalidArgumentNamingFileAndProblem) {
  TempDir tmp;
  const std::string garbage = tmp.Sub("garbage.xlsx");
  std::ofstream(garbage) << "企业名称,统一社会信用代码\n";
  auto r = OpenExcel(garbage);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(garbage));
  EXPECT_THAT(r.status().message(), HasSubstr("not a zip"));

  const std::string no_workbook = tmp.Sub("empty.xlsx");
  ASSERT_TRUE(WriteZip(no_workbook, {{"hello.txt", "hi"}}));
  r = OpenExcel(no_workbook);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("xl/workbook.xml"));

  // Broken XML in the sheet: reported when the reader gets there (with or
  // without a list of merged cells, which is read on its own first).
  const std::string broken = tmp.Sub("broken.xlsx");
  for (const char* merges :
       {"", "<mergeCells><mergeCell ref=\"A1:A2\"/></mergeCells>"}) {
    ASSERT_TRUE(WriteZip(
        broken, WorkbookParts("<row r=\"1\"><c><v>1</c></row>", merges)));
    r = OpenExcel(broken);
    ASSERT_TRUE(r.ok()) << r.status();
    Row row;
    auto next = (*r)->Next(&row);
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(next.status().message(), HasSubstr("xl/worksheets/sheet1.xml"));
  }

  // .xls: the error path here; a real BIFF8 workbook (built byte by byte,
  // as no BIFF writer ships with Debian) is imported in
  // tests/python/test_xls.py.
  const std::string xls = tmp.Sub("garbage.xls");
  std::ofstream(xls) << "not a workbook";
  r = OpenExcel(xls);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(xls));
  EXPECT_THAT(r.status().message(), HasSubstr(".xls"));

  EXPECT_FALSE(OpenExcel(tmp.Sub("missing.xls")).ok());
  EXPECT_FALSE(OpenExcel(tmp.Sub("missing.xlsx")).ok());
}

// A formula the spreadsheet could not compute leaves an error where its
// value should be: #N/A (a lookup that found nothing) is no value, another
// error (#REF!, #DIV/0!) rejects the row naming the cell, in a workbook as
// in a CSV file saved from one.
TEST(ExcelTest, FormulaErrorsAreNotValues) {
  TempDir tmp;
  const std::string path = tmp.Sub("公式.xlsx");
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\">"
      "<v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" "
      "t=\"inlineStr\"><is><t>注册资本</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>4</v></c><c r=\"B2\" t=\"s\">"
      "<v>5</v></c><c r=\"C2\" t=\"e\"><f>VLOOKUP(A2,X!A:B,2,0)</f>"
      "<v>#N/A</v></c><c r=\"D2\"><v>50</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>6</v></c><c r=\"B3\" t=\"str\">"
      "<v>91210204311478909W</v></c><c r=\"C3\" t=\"inlineStr\"><is><t>李四"
      "</t></is></c><c r=\"D3\" t=\"e\"><f>E3/0</f><v>#DIV/0!</v></c></row>";
  ASSERT_TRUE(WriteZip(path, WorkbookParts(rows)));
  auto store = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(store.ok()) << store.status();
  ImportOptions o;
  o.reject_file = tmp.Sub("r.csv");
  auto s = Import(**store, path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(
      s->ToString(),
      HasSubstr("注册资本: a formula error of the spreadsheet (#DIV/0!)"));
  auto page = (*store)->Query("enterprise");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& e = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(e.uscc(), "91310000757904992P");
  EXPECT_FALSE(e.has_legal_representative());  // #N/A: no value.
  std::ifstream in(tmp.Sub("r.csv"));
  std::stringstream rejects;
  rejects << in.rdbuf();
  EXPECT_THAT(rejects.str(), HasSubstr("3,\"注册资本\",\"a formula error"));
}

TEST(ExcelTest, ImportsXlsxEndToEnd) {
  TempDir tmp;
  const std::string path = tmp.Sub("上海.xlsx");
  ASSERT_TRUE(WriteZip(path, WorkbookParts(kRows)));
  auto store = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(store.ok()) << store.status();
  ImportOptions o;
  o.reject_file = tmp.Sub("r.csv");
  auto s = Import(**store, path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->encoding, "xlsx");
  EXPECT_EQ(s->rows, 3u);
  // The short row has a sixth cell: rejected as ragged, like in a CSV file.
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();

  auto page = (*store)->Query("enterprise where uscc = \"91310000757904992P\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& e = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(e.name(), "上海定惠塑胶有限公司");
  EXPECT_EQ(e.legal_representative().name(), "张三");
  EXPECT_EQ(e.established().year(), 2006);
  EXPECT_EQ(e.established().month(), 1);
  EXPECT_EQ(e.meta().source().line(), 2u);

  page = (*store)->Query("enterprise where uscc = \"91210204311478909W\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& d = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(d.name(), "大连老字号商店");
  EXPECT_FALSE(d.has_legal_representative());
  EXPECT_EQ(d.meta().source().line(), 4u);

  // The format option works whatever the file is called.
  const std::string dat = tmp.Sub("book.bin");
  ASSERT_TRUE(WriteZip(dat, WorkbookParts(kRows)));
  o.format = "xlsx";
  o.dry_run = true;
  s = Import(**store, dat, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows, 3u);
  o.format = "xls";
  s = Import(**store, dat, o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

// Sheets by name or number; by default the first that is not hidden and
// is a worksheet (not a chart sheet).
TEST(ExcelTest, SheetsByNameNumberHiddenAndCharts) {
  TempDir tmp;
  const std::string path = tmp.Sub("book.xlsx");
  ASSERT_TRUE(WriteZip(path, WorkbookParts(kRows)));
  ExcelSheets sheets;
  for (const char* want : {"其他", "2"}) {
    auto r = OpenExcel(path, "xlsx", want, &sheets);
    ASSERT_TRUE(r.ok()) << r.status();
    auto rows = ReadAll(**r);
    ASSERT_EQ(rows.size(), 1u) << want;
    EXPECT_THAT(rows[0].fields, ElementsAre("wrong sheet"));
    EXPECT_THAT(sheets.all, ElementsAre("企业", "其他"));
    EXPECT_EQ(sheets.chosen, "其他");
  }
  auto missing = OpenExcel(path, "xlsx", "名单", &sheets);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("has no sheet \"名单\" (its sheets: 1 \"企业\", 2 "
                        "\"其他\"; give a name or a number)"));
  EXPECT_FALSE(OpenExcel(path, "xlsx", "3", &sheets).ok());

  // The first sheet hidden, or a chart sheet: the second is read.
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{
           {"<sheet name=\"企业\" ", "<sheet state=\"hidden\" name=\"企业\" "},
           {"relationships/worksheet\" Target=\"worksheets/sheet1.xml\"",
            "relationships/chartsheet\" Target=\"worksheets/sheet1.xml\""}}) {
    Parts parts = WorkbookParts(kRows);
    bool replaced = false;
    for (auto& [name, data] : parts) {
      const size_t at = data.find(from);
      if (at != std::string::npos) {
        data.replace(at, from.size(), to);
        replaced = true;
      }
    }
    ASSERT_TRUE(replaced) << from;
    const std::string other = tmp.Sub("other.xlsx");
    ASSERT_TRUE(WriteZip(other, parts));
    auto r = OpenExcel(other, "xlsx", "", &sheets);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(sheets.chosen, "其他") << to;
    EXPECT_THAT(ReadAll(**r)[0].fields, ElementsAre("wrong sheet"));
    // The sheets an import can read, one after the other.
    auto names = WorkbookSheets(other);
    ASSERT_TRUE(names.ok()) << names.status();
    EXPECT_THAT(*names, ElementsAre("其他")) << to;
  }
  auto names = WorkbookSheets(path);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("企业", "其他"));
  std::ofstream(tmp.Sub("t.csv")) << "企业名称\n甲\n";
  names = WorkbookSheets(tmp.Sub("t.csv"));
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_TRUE(names->empty());  // A text file has no sheets.
  EXPECT_EQ(WorkbookSheets(tmp.Sub("none.xlsx")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(WorkbookSheets(tmp.Sub("t.csv"), "xlsx").status().code(),
            absl::StatusCode::kInvalidArgument);

  // Through Import: the summary names the sheet, and a sheet with no header
  // says which one was read and which others there are.
  auto store = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(store.ok()) << store.status();
  ImportOptions o;
  o.dry_run = true;
  o.sheet = "企业";
  auto s = Import(**store, path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->sheet, "企业");
  EXPECT_THAT(s->sheets, ElementsAre("企业", "其他"));
  EXPECT_THAT(s->ToString(), HasSubstr("book.xlsx (xlsx, sheet 企业): 3 rows"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"sheet\":\"企业\""));
  o.sheet = "2";
  s = Import(**store, path, o);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(),
              HasSubstr("no column of " + path +
                        " (sheet \"其他\"; the workbook's sheets: 1 \"企业\", "
                        "2 \"其他\"; --sheet reads another) maps to a field "
                        "of enterprise"));
  const std::string csv = tmp.Sub("a.csv");
  std::ofstream(csv) << "企业名称\n甲\n";
  s = Import(**store, csv, o);
  EXPECT_THAT(s.status().message(), HasSubstr("a sheet was given, but " + csv +
                                              " is not a workbook"));
}

// A column merged down a group of rows (one 地区 for three enterprises):
// the rows below the first take its value; a cell of their own wins; a row
// with nothing else stays skipped; a merge across columns fills nothing.
TEST(ExcelTest, CellsMergedDownARangeTakeItsValue) {
  auto cell = [](const std::string& ref, const std::string& text) {
    return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text +
           "</t></is></c>";
  };
  const std::string rows =
      "<row r=\"1\">" + cell("A1", "企业名称") + cell("B1", "地区") +
      cell("C1", "所在省份") + "</row>" +  //
      "<row r=\"2\">" + cell("A2", "甲") + cell("B2", "金坛") +
      cell("C2", "江苏") + "</row>" +                  //
      "<row r=\"3\">" + cell("A3", "乙") + "</row>" +  //
      "<row r=\"4\"><c r=\"B4\" s=\"0\"/></row>" +     //
      "<row r=\"5\">" + cell("A5", "丙") + cell("B5", "溧阳") + "</row>" +
      "<row r=\"6\">" + cell("A6", "丁") + "</row>" +  //
      "<row r=\"7\">" + cell("A7", "戊") + "</row>";
  // The list is found by its name in the sheet's bytes; a cell that holds
  // the name too (the second sheet) makes the whole sheet parsed instead.
  for (const std::string& last :
       {std::string("戊"), std::string("戊 mergeCells")}) {
    TempDir tmp;
    const std::string path = tmp.Sub("merged.xlsx");
    ASSERT_TRUE(WriteZip(
        path, WorkbookParts(rows.substr(0, rows.rfind("<row r=\"7\">")) +
                                "<row r=\"7\">" + cell("A7", last) + "</row>",
                            "<mergeCells count=\"3\"><mergeCell ref=\"B2:B5\"/>"
                            "<mergeCell ref=\"C2:C3\"/><mergeCell "
                            "ref=\"A7:C7\"/></mergeCells>")));
    auto r = OpenExcel(path);
    ASSERT_TRUE(r.ok()) << r.status();
    std::vector<Row> got = ReadAll(**r);
    ASSERT_EQ(got.size(), 6u);
    EXPECT_THAT(got[1].fields, ElementsAre("甲", "金坛", "江苏"));
    EXPECT_THAT(got[2].fields, ElementsAre("乙", "金坛", "江苏")) << last;
    EXPECT_EQ(got[2].line, 3u);
    EXPECT_THAT(got[3].fields, ElementsAre("丙", "溧阳", ""));
    EXPECT_THAT(got[4].fields, ElementsAre("丁", "", ""));
    EXPECT_THAT(got[5].fields, ElementsAre(last, "", ""));
    EXPECT_EQ(got[2].raw, "乙,金坛,江苏");
  }
}

// A two-level header: 企业名称 and 注册地址 merged down two rows, 法定代表人
// across two columns over 姓名 and 国籍. The second row, once its merged
// cells are filled, repeats the header and names the columns under
// 法定代表人: both are read as one header (法定代表人姓名 is the legal
// representative's name; 法定代表人国籍 has no field), neither a record.
TEST(ExcelTest, TwoLevelHeaderWithMergedCells) {
  auto cell = [](const std::string& ref, const std::string& text) {
    return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text +
           "</t></is></c>";
  };
  const std::string rows = "<row r=\"1\">" + cell("A1", "企业名称") +
                           cell("B1", "法定代表人") + cell("D1", "注册地址") +
                           "</row><row r=\"2\">" + cell("B2", "姓名") +
                           cell("C2", "国籍") + "</row><row r=\"3\">" +
                           cell("A3", "甲公司") + cell("B3", "王建国") +
                           cell("C3", "中国") + cell("D3", "金坛区") + "</row>";
  TempDir tmp;
  const std::string path = tmp.Sub("两级表头.xlsx");
  ASSERT_TRUE(WriteZip(
      path, WorkbookParts(rows,
                          "<mergeCells><mergeCell ref=\"A1:A2\"/><mergeCell "
                          "ref=\"B1:C1\"/><mergeCell ref=\"D1:D2\"/>"
                          "</mergeCells>")));
  auto store = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(store.ok()) << store.status();
  auto s = Import(**store, path, {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->rejected, 0u) << s->ToString();
  EXPECT_EQ(s->rows, 1u) << s->ToString();
  EXPECT_EQ(s->header_rows, 2u);
  EXPECT_THAT(s->ToString(),
              HasSubstr("header on lines 1 and 2 (two header rows)"));
  EXPECT_THAT(s->mapped_columns,
              ::testing::Contains(::testing::Pair(
                  "法定代表人姓名", "legal_representative.name")));
  EXPECT_THAT(s->ignored_columns, ElementsAre("法定代表人国籍"));
  auto page = (*store)->Query("enterprise where name = \"甲公司\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& e = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(e.legal_representative().name(), "王建国");
  EXPECT_EQ(e.address().text(), "金坛区");
}

// A title in a merged cell above the header, a blank row between them:
// the header is found on worksheet row 3, rows keep their numbers, and a
// row without its last cells has the header's width, not the title's.
TEST(ExcelTest, TitleRowAboveTheHeaderIsSkipped) {
  TempDir tmp;
  const std::string path = tmp.Sub("名单.xlsx");
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>2023年侨资企业名单"
      "</t></is></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"s\">"
      "<v>1</v></c><c r=\"C3\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>6</v></c><c r=\"B4\" "
      "t=\"str\"><v>91210204311478909W</v></c></row>";
  ASSERT_TRUE(WriteZip(path, WorkbookParts(rows)));
  auto store = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(store.ok()) << store.status();
  auto s = Import(**store, path, {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->header_line, 3u);
  EXPECT_THAT(s->above_header, ElementsAre("2023年侨资企业名单"));
  EXPECT_EQ(s->created, 1u) << s->ToString();
  auto page = (*store)->Query("enterprise where uscc = \"91210204311478909W\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& e = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(e.name(), "大连老字号商店");
  EXPECT_EQ(e.meta().source().line(), 4u);
}

}  // namespace
}  // namespace ingest
}  // namespace qiaolian
