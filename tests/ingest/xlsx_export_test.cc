// .xlsx export: read back with the project's own workbook reader
// (src/ingest/excel.h) and, for cell types and styles, from the raw XML.
#include <unzip.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/export.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "src/ingest/excel.h"
#include "src/ingest/xlsx_writer.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

// A valid USCC made of digits only: a spreadsheet would round it to
// 9.13200007235882E+17 if it were a number cell.
constexpr char kDigitsUscc[] = "913200007235882006";
constexpr char kResidentId[] = "11010519491231002X";

std::vector<std::vector<std::string>> ReadBack(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  auto reader = ingest::OpenExcel(path, "xlsx");
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return rows;
  ingest::Row row;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&row);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    rows.push_back(row.fields);
  }
  return rows;
}

// The text of one member of a zip archive.
std::string ZipMember(const std::string& path, const std::string& name) {
  unzFile z = unzOpen64(path.c_str());
  if (z == nullptr) return "<not a zip>";
  std::string out;
  if (unzLocateFile(z, name.c_str(), 1) == UNZ_OK &&
      unzOpenCurrentFile(z) == UNZ_OK) {
    char buf[4096];
    int n;
    while ((n = unzReadCurrentFile(z, buf, sizeof buf)) > 0) out.append(buf, n);
    unzCloseCurrentFile(z);
  } else {
    out = "<missing>";
  }
  unzClose(z);
  return out;
}

class XlsxExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.Sub("store"));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  void AddEnterprise(v1::Enterprise e) {
    absl::StatusOr<uint64_t> id = store_->Create(&e);
    ASSERT_TRUE(id.ok()) << id.status();
  }

  std::string ExportXlsx(const std::string& query, ExportOptions o = {}) {
    o.format = "xlsx";
    const std::string path = dir_.Sub(absl::StrCat("out", ++n_, ".xlsx"));
    absl::StatusOr<uint64_t> rows = ExportToFile(*store_, query, o, path);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return path;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  int n_ = 0;
};

TEST_F(XlsxExportTest, CellsReadBackExactly) {
  v1::Enterprise e;
  e.set_name("甲&乙 <丙> \"丁\" 公司");
  e.set_uscc(kDigitsUscc);
  e.set_notes("=1+2");
  e.set_industry("第一行\n第二行");
  e.set_business_scope(" 前后空格 ");
  e.set_employee_count(42);
  e.add_investor_countries("HK");
  e.add_investor_countries("SG");
  AddEnterprise(e);
  ExportOptions o;
  o.columns = {
      "id",       "name",           "uscc",           "notes",
      "industry", "business_scope", "employee_count", "investor_countries",
      "website"};
  const std::string path = ExportXlsx(
      "enterprise where uscc = \"" + std::string(kDigitsUscc) + "\"", o);
  const auto rows = ReadBack(path);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0], ElementsAre("id", "name", "uscc", "notes", "industry",
                                   "business_scope", "employee_count",
                                   "investor_countries", "website"));
  // The formula keeps its exact value (it is a string cell, never a
  // formula); the empty website cell comes back empty.
  EXPECT_THAT(rows[1],
              ElementsAre("1", "甲&乙 <丙> \"丁\" 公司", kDigitsUscc, "=1+2",
                          "第一行\n第二行", " 前后空格 ", "42", "HK、SG", ""));
}

TEST_F(XlsxExportTest, CodesStayTextAndFormulasAreNeutralised) {
  v1::Enterprise e;
  e.set_name("代码公司");
  e.set_uscc(kDigitsUscc);
  e.set_notes("@SUM(A1)");
  e.set_employee_count(7);
  AddEnterprise(e);
  ExportOptions o;
  o.columns = {"uscc", "notes", "employee_count", "name"};
  const std::string path =
      ExportXlsx("enterprise where name = \"代码公司\"", o);
  const std::string sheet = ZipMember(path, "xl/worksheets/sheet1.xml");
  // The 18 digits are an inline string with the Text style (s="1").
  EXPECT_THAT(sheet, HasSubstr(absl::StrCat(
                         "<c r=\"A2\" t=\"inlineStr\" s=\"1\"><is><t>",
                         kDigitsUscc, "</t></is></c>")));
  EXPECT_THAT(sheet, HasSubstr("<c r=\"B2\" t=\"inlineStr\" s=\"1\"><is><t>"
                               "@SUM(A1)</t></is></c>"));
  // A whole-number field is a number cell; plain text has no style.
  EXPECT_THAT(sheet, HasSubstr("<c r=\"C2\"><v>7</v></c>"));
  EXPECT_THAT(sheet, HasSubstr("<c r=\"D2\" t=\"inlineStr\"><is><t>代码公司"));
  EXPECT_THAT(sheet, Not(HasSubstr("<f>")));
  EXPECT_THAT(ZipMember(path, "xl/styles.xml"), HasSubstr("numFmtId=\"49\""));
  EXPECT_THAT(ZipMember(path, "[Content_Types].xml"),
              HasSubstr("/xl/worksheets/sheet1.xml"));
  EXPECT_THAT(ZipMember(path, "xl/workbook.xml"),
              HasSubstr("<sheet name=\"enterprise\""));
}

TEST_F(XlsxExportTest, PersonalIdentifiersMaskedUnlessUnmasked) {
  v1::Person p;
  p.set_name("张三");
  auto* id = p.add_identity_documents();
  id->set_type(v1::IdentityDocument::TYPE_RESIDENT_ID);
  id->set_number(kResidentId);
  auto* phone = p.add_contacts();
  phone->set_type(v1::Contact::TYPE_PHONE);
  phone->set_value("13912345678");
  ASSERT_TRUE(store_->Create(&p).ok());
  ExportOptions o;
  o.columns = {"name", "identity_documents.number", "contacts.value"};
  auto masked = ReadBack(ExportXlsx("person where name = \"张三\"", o));
  ASSERT_EQ(masked.size(), 2u);
  EXPECT_THAT(masked[1],
              ElementsAre("张三", "110105********002X", "139****5678"));
  o.unmasked = true;
  auto raw = ReadBack(ExportXlsx("person where name = \"张三\"", o));
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_THAT(raw[1], ElementsAre("张三", kResidentId, "13912345678"));
}

TEST_F(XlsxExportTest, ExportedWorkbookReimports) {
  for (int i = 0; i < 3; ++i) {
    v1::Enterprise e;
    e.set_name(absl::StrCat("往返公司", i));
    e.set_status(v1::Enterprise::STATUS_ACTIVE);
    e.mutable_established()->set_year(2010 + i);
    e.mutable_established()->set_month(5);
    e.mutable_established()->set_day(7);
    if (i == 0) e.set_uscc(kDigitsUscc);
    AddEnterprise(e);
  }
  const std::string path =
      ExportXlsx("enterprise where name prefix \"往返公司\"");
  auto fresh = Store::Open(dir_.Sub("fresh"));
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  ImportOptions io;
  io.kind = v1::KIND_ENTERPRISE;
  absl::StatusOr<ImportSummary> s = Import(**fresh, path, io);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows, 3u) << s->ToString();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  auto page = (*fresh)->Query(
      absl::StrCat("enterprise where uscc = \"", kDigitsUscc, "\""));
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& got = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(got.name(), "往返公司0");
  EXPECT_EQ(got.established().year(), 2010);
  EXPECT_EQ(got.established().day(), 7);
}

TEST_F(XlsxExportTest, StreamAndFileErrors) {
  v1::Enterprise e;
  e.set_name("流公司");
  AddEnterprise(e);
  // To a stream: the same workbook bytes arrive.
  ExportOptions o;
  o.format = "xlsx";
  std::ostringstream out;
  absl::StatusOr<uint64_t> n =
      Export(*store_, "enterprise where name = \"流公司\"", o, out);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(out.str().substr(0, 2), "PK");
  // A BOM is for CSV only.
  o.bom = true;
  EXPECT_EQ(Export(*store_, "enterprise", o, out).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A failed export leaves the target as it was, and no temporary file.
  const std::string target = dir_.Sub("keep.xlsx");
  std::ofstream(target) << "old";
  o.bom = false;
  o.columns = {"nmae"};
  absl::StatusOr<uint64_t> bad =
      ExportToFile(*store_, "enterprise where name = \"流公司\"", o, target);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  std::ifstream in(target);
  std::string text((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "old");
  int files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir_.path())) {
    if (f.path().filename().string().find("keep.xlsx.tmp") == 0) ++files;
  }
  EXPECT_EQ(files, 0);
}

TEST(XlsxWriterTest, ColumnNamesAndTextStyle) {
  EXPECT_EQ(ingest::XlsxWriter::ColumnName(0), "A");
  EXPECT_EQ(ingest::XlsxWriter::ColumnName(25), "Z");
  EXPECT_EQ(ingest::XlsxWriter::ColumnName(26), "AA");
  EXPECT_EQ(ingest::XlsxWriter::ColumnName(701), "ZZ");
  EXPECT_EQ(ingest::XlsxWriter::ColumnName(702), "AAA");
  EXPECT_TRUE(ingest::XlsxWriter::NeedsTextStyle("913200007235882006"));
  EXPECT_TRUE(ingest::XlsxWriter::NeedsTextStyle("0512 6666 1234"));
  EXPECT_TRUE(ingest::XlsxWriter::NeedsTextStyle("=HYPERLINK(\"x\")"));
  EXPECT_TRUE(ingest::XlsxWriter::NeedsTextStyle("-5"));
  EXPECT_FALSE(ingest::XlsxWriter::NeedsTextStyle("91310000757904992P"));
  EXPECT_FALSE(ingest::XlsxWriter::NeedsTextStyle("常州"));
  EXPECT_FALSE(ingest::XlsxWriter::NeedsTextStyle(""));
}

}  // namespace
}  // namespace qiaolian
