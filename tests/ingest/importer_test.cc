#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opencc/opencc.h"
#include "qiaolian/import.h"
#include "qiaolian/record.h"
#include "qiaolian/relations.h"
#include "qiaolian/search.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/case.pb.h"
#include "qiaolian/v1/donation.pb.h"
#include "qiaolian/v1/event.pb.h"
#include "qiaolian/v1/options.pb.h"
#include "src/ingest/hash_sets.h"
#include "tests/testing/sanitized.h"
#include "tests/testing/store_levels.h"
#include "tests/testing/temp_dir.h"
#include "unicode/ucnv.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<Store> OpenStore(const std::string& dir) {
  auto s = Store::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

uint64_t Accounted(const ImportSummary& s) {
  return s.created + s.updated + s.unchanged + s.duplicates + s.rejected;
}

std::unique_ptr<v1::Enterprise> ByUscc(Store& store, const std::string& uscc) {
  auto page = store.Query("enterprise where uscc = \"" + uscc + "\"");
  if (!page.ok() || page->records.size() != 1) return nullptr;
  return std::unique_ptr<v1::Enterprise>(
      static_cast<v1::Enterprise*>(page->records[0].release()));
}

// A registry extract as offices receive them: Chinese headers, a BOM, CRLF,
// placeholders, a legacy number, messy capital, a bad check character, a
// ragged row, an exact duplicate and a broken quote.
const char kRegistry[] =
    "\xEF\xBB\xBF"
    "企业名称,统一社会信用代码,注册日期,企业类型,法人代表,注册资金,经营范围,"
    "所在省份,地区,注册地址\r\n"
    "上海定惠塑胶有限公司,91310000757904992P,2004-01-01,N/A,N/A,\"50(万美元)\","
    "\"生产、加工各类塑胶制品\",上海,奉贤,"
    "\"上海市奉贤区金汇镇迎金路185号B幢\"\r\n"
    "上海孙桥戈林无土栽培技术有限公司,９１３１０１１５７５７９１０８１５ｔ,"
    "2004年1月2日,有限责任公司,张三,\"5,000(万元人民币)\",无土栽培,上海,"
    "自贸区,　浦东新区　\r\n"
    "大连老字号商店,210200000123456,2003/5/7,个体工商户,李四,N/A,零售,辽宁,"
    "大连,大连市\r\n"
    "坏代码公司,91310000757904992Q,2004-01-01,N/A,王五,\"10(万元人民币)\",x,"
    "上海,静安,地址\r\n"
    "错位公司,91310115757910460R,2004-01-02,N/A,N/A,100,\"化工\",extra,"
    "上海,自贸区,\"地址\"\r\n"
    "上海定惠塑胶有限公司,91310000757904992P,2004-01-01,N/A,N/A,\"50(万美元)\","
    "\"生产、加工各类塑胶制品\",上海,奉贤,"
    "\"上海市奉贤区金汇镇迎金路185号B幢\"\r\n"
    "坏引号公司,9131010675791199X9,2004-01-02,N/A,N/A,\"20(万元人民币)\"x,"
    "金属材料,上海,静安,地址\r\n"
    "日期错公司,91210204311478909W,2012-02-30,N/A,N/A,N/A,停车,辽宁,大连,"
    "地址\r\n";

TEST(ImporterTest, RegistryRowsAreNormalisedAndEveryRowAccountedFor) {
  TempDir tmp;
  const std::string csv = tmp.Sub("上海.csv"), rejects = tmp.Sub("r.csv");
  WriteFile(csv, kRegistry);
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.reject_file = rejects;
  auto s = Import(*store, csv, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->encoding, "utf-8");
  EXPECT_EQ(s->rows, 8u);
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_EQ(s->duplicates, 1u);
  EXPECT_EQ(s->rejected, 4u) << s->ToString();
  EXPECT_EQ(Accounted(*s), s->rows);

  auto a = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name(), "上海定惠塑胶有限公司");
  EXPECT_EQ(a->registered_capital().currency(), "USD");
  EXPECT_EQ(a->registered_capital().amount_minor(), 50000000);  // 50万美元
  EXPECT_EQ(a->registered_capital_text(), "50(万美元)");
  EXPECT_FALSE(a->has_legal_representative());  // N/A is absent.
  EXPECT_EQ(a->established().year(), 2004);
  EXPECT_EQ(a->registration_division().region(), "奉贤");
  EXPECT_EQ(a->meta().source().line(), 2u);

  // Full-width code with a lowercase check letter; 年月日 date; 万元人民币.
  auto b = ByUscc(*store, "91310115757910815T");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->established().month(), 1);
  EXPECT_EQ(b->established().day(), 2);
  EXPECT_EQ(b->registered_capital().amount_minor(), 5000000000);
  EXPECT_EQ(b->type(), v1::Enterprise::TYPE_LIMITED_COMPANY);
  EXPECT_EQ(b->address().text(), "浦东新区");  // Ideographic spaces trimmed.
  EXPECT_EQ(b->legal_representative().name(), "张三");

  // A 15-digit legacy number in the code column.
  auto legacy = store->Query(
      "enterprise where registration_number = \"210200000123456\"");
  ASSERT_TRUE(legacy.ok());
  ASSERT_EQ(legacy->records.size(), 1u);
  EXPECT_EQ(static_cast<v1::Enterprise&>(*legacy->records[0]).type(),
            v1::Enterprise::TYPE_INDIVIDUAL_BUSINESS);

  // The reject file names line, field and reason, with the original row.
  const std::string r = ReadFile(rejects);
  EXPECT_THAT(r, HasSubstr("line,field,reason,row"));
  EXPECT_THAT(r, HasSubstr("5,\"统一社会信用代码\",\"check character"));
  EXPECT_THAT(r, HasSubstr("6,\"\",\"row has 11 fields but the header has 10"));
  EXPECT_THAT(r, HasSubstr("8,\"\",\"column 6"));
  EXPECT_THAT(r, HasSubstr("9,\"注册日期\""));
  EXPECT_THAT(r, HasSubstr("坏代码公司"));  // The original row, to fix.
  EXPECT_TRUE(store->Verify()->problems.empty());
}

TEST(ImporterTest, ReRunningTheSameFileChangesNothing) {
  TempDir tmp;
  const std::string csv = tmp.Sub("a.csv");
  WriteFile(csv, kRegistry);
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_TRUE(Import(*store, csv, {}).ok());
  const uint64_t n = *store->Count(v1::KIND_ENTERPRISE);
  auto again = Import(*store, csv, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->unchanged, 3u);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), n);
  ImportOptions update;
  update.mode = ImportMode::kUpdate;
  auto same = Import(*store, csv, update);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->updated, 0u) << "identical rows must not bump revisions";
  EXPECT_EQ(ByUscc(*store, "91310000757904992P")->meta().revision(), 1u);
}

TEST(ImporterTest, ModesSkipUpdateAndFillEmpty) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  const std::string first = tmp.Sub("first.csv"),
                    second = tmp.Sub("second.csv");
  WriteFile(first,
            "企业名称,统一社会信用代码,法定代表人,经营范围\n"
            "甲公司,91310000757904992P,,塑胶\n");
  WriteFile(second,
            "企业名称,统一社会信用代码,法定代表人,经营范围\n"
            "甲公司(新名),91310000757904992P,赵六,塑胶制品\n");
  ASSERT_TRUE(Import(*store, first, {}).ok());

  auto skipped = Import(*store, second, {});
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->unchanged, 1u);
  EXPECT_EQ(ByUscc(*store, "91310000757904992P")->name(), "甲公司");

  ImportOptions fill;
  fill.mode = ImportMode::kFillEmpty;
  auto filled = Import(*store, second, fill);
  ASSERT_TRUE(filled.ok());
  EXPECT_EQ(filled->updated, 1u);
  auto e = ByUscc(*store, "91310000757904992P");
  EXPECT_EQ(e->name(), "甲公司");  // Had a value: kept.
  EXPECT_EQ(e->business_scope(), "塑胶");
  EXPECT_EQ(e->legal_representative().name(), "赵六");  // Was empty: filled.

  ImportOptions update;
  update.mode = ImportMode::kUpdate;
  ASSERT_TRUE(Import(*store, second, update).ok());
  e = ByUscc(*store, "91310000757904992P");
  EXPECT_EQ(e->name(), "甲公司(新名)");
  EXPECT_EQ(e->business_scope(), "塑胶制品");
  EXPECT_EQ(e->meta().revision(), 3u);
  auto history = store->History(v1::KIND_ENTERPRISE, e->meta().id());
  EXPECT_EQ(history->size(), 3u);
}

TEST(ImporterTest, RowsWithoutCodesAreMatchedByTheirSourceLine) {
  TempDir tmp;
  WriteFile(tmp.Sub("a.csv"),
            "企业名称,法定代表人\n东非商会,\n常州市侨青会,\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("a.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u);
  auto again = Import(*store, tmp.Sub("a.csv"), {});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->unchanged, 2u);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 2u);
}

TEST(ImporterTest, DryRunWritesNothing) {
  TempDir tmp;
  const std::string csv = tmp.Sub("a.csv");
  WriteFile(csv, kRegistry);
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.dry_run = true;
  auto s = Import(*store, csv, o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->created, 3u);
  EXPECT_THAT(s->ToString(), HasSubstr("DRY RUN"));
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 0u);
}

// Every enum reachable from a record: a label names one value only, and
// never another value's name (the importer reads labels and names alike).
void CollectEnums(const google::protobuf::Descriptor* d,
                  std::set<const google::protobuf::Descriptor*>* seen,
                  std::set<const google::protobuf::EnumDescriptor*>* out) {
  if (!seen->insert(d).second) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->enum_type() != nullptr) out->insert(f->enum_type());
    if (f->message_type() != nullptr)
      CollectEnums(f->message_type(), seen, out);
  }
}

TEST(ImporterTest, EnumLabelsAreUnambiguous) {
  std::set<const google::protobuf::Descriptor*> seen;
  std::set<const google::protobuf::EnumDescriptor*> enums;
  for (Kind kind : {v1::KIND_PERSON, v1::KIND_ENTERPRISE, v1::KIND_EVENT,
                    v1::KIND_CASE, v1::KIND_DONATION}) {
    CollectEnums(NewRecord(kind)->GetDescriptor(), &seen, &enums);
  }
  int labels = 0;
  for (const google::protobuf::EnumDescriptor* e : enums) {
    std::set<std::string> names;
    for (int i = 0; i < e->value_count(); ++i) {
      const std::string name = e->value(i)->name();
      names.insert(name);
      names.insert(name.substr(name.find('_') + 1));
    }
    std::set<std::string> taken;
    for (int i = 0; i < e->value_count(); ++i) {
      const google::protobuf::EnumValueOptions& o = e->value(i)->options();
      for (int j = 0; j < o.ExtensionSize(v1::label); ++j) {
        const std::string label =
            absl::AsciiStrToUpper(o.GetExtension(v1::label, j));
        ++labels;
        EXPECT_TRUE(taken.insert(label).second)
            << e->full_name() << ": label " << label << " used twice";
        EXPECT_EQ(names.count(label), 0u)
            << e->full_name() << ": label " << label << " is a value's name";
      }
    }
  }
  EXPECT_GT(labels, 300);  // 男, 华侨, 手机, 身份证 ... (options.proto).
}

// A new person's birth date and gender come from the resident identity
// number when the row lacks them; a date given in part is completed; a
// birth date or gender that disagrees is kept, with a warning.
TEST(ImporterTest, BirthDateAndGenderFromTheResidentIdNumber) {
  TempDir tmp;
  WriteFile(tmp.Sub("ids.csv"),
            "姓名,身份证号,出生日期,性别\r\n"
            "甲,320481196503020014,,\r\n"
            "乙,320481197808150025,1978-08,\r\n"
            "丙,320481199001010039,1991-01-01,女\r\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("ids.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_EQ(s->warned, 1u) << s->ToString();
  EXPECT_EQ(s->warnings_by_reason.count(
                "identity_documents: ID differs in birth date and gender"),
            1u)
      << s->ToString();
  auto page = store->Query("person");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 3u);
  const char* const dates[] = {"1965-3-2", "1978-8-15", "1991-1-1"};
  const v1::Person::Gender genders[] = {v1::Person::GENDER_MALE,
                                        v1::Person::GENDER_FEMALE,
                                        v1::Person::GENDER_FEMALE};
  for (size_t i = 0; i < 3; ++i) {
    const auto& p = static_cast<const v1::Person&>(*page->records[i]);
    EXPECT_EQ(absl::StrCat(p.birth_date().year(), "-", p.birth_date().month(),
                           "-", p.birth_date().day()),
              dates[i])
        << p.name();
    EXPECT_EQ(p.gender(), genders[i]) << p.name();
  }
}

// A list of people as an office keeps it: values in Chinese (性别 男/女,
// 人员类别 华侨、侨领, countries by name), read as the schema's values;
// two-character names aligned with spaces (张　三) joined.
TEST(ImporterTest, DocumentsAndContactsWithoutTheirTypeColumn) {
  // A 证件号码 or 联系方式 column alone (an export's Chinese headers without
  // their type columns, or an office's own list): each element gets the
  // type only its value can have; others stay untyped.
  TempDir tmp;
  WriteFile(tmp.Sub("people.csv"),
            "姓名,证件号码,联系方式\r\n"
            "王五,11010519491231002x,"
            "13800138000、Wang@Example.com、0519-8281 2345、12345678\r\n"
            "李四,E12345678,+60 12-345 6789\r\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("people.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  auto page = store->Query("person");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 2u);
  const auto& wang = static_cast<const v1::Person&>(*page->records[0]);
  ASSERT_EQ(wang.identity_documents_size(), 1);
  EXPECT_EQ(wang.identity_documents(0).type(),
            v1::IdentityDocument::TYPE_RESIDENT_ID);
  EXPECT_EQ(wang.identity_documents(0).number(), "11010519491231002X");
  EXPECT_EQ(wang.identity_documents(0).issuing_country(), "CN");
  // Typed, the number gives what a resident ID gives.
  EXPECT_EQ(wang.birth_date().year(), 1949);
  EXPECT_EQ(wang.gender(), v1::Person::GENDER_FEMALE);
  ASSERT_EQ(wang.contacts_size(), 4);
  EXPECT_EQ(wang.contacts(0).type(), v1::Contact::TYPE_PHONE);
  EXPECT_EQ(wang.contacts(1).type(), v1::Contact::TYPE_EMAIL);
  EXPECT_EQ(wang.contacts(1).value(), "wang@example.com");
  EXPECT_EQ(wang.contacts(2).type(), v1::Contact::TYPE_PHONE);
  EXPECT_EQ(wang.contacts(2).value(), "0519-82812345");
  // Eight bare digits could be a QQ number as well as a phone.
  EXPECT_EQ(wang.contacts(3).type(), v1::Contact::TYPE_UNSPECIFIED);
  EXPECT_EQ(wang.contacts(3).value(), "12345678");
  const auto& li = static_cast<const v1::Person&>(*page->records[1]);
  // Not a resident ID: a passport or another document, not guessed.
  EXPECT_EQ(li.identity_documents(0).type(),
            v1::IdentityDocument::TYPE_UNSPECIFIED);
  EXPECT_EQ(li.contacts(0).type(), v1::Contact::TYPE_PHONE);
  EXPECT_EQ(li.contacts(0).value(), "+6012-3456789");
}

TEST(ImporterTest, PeopleWithChineseValues) {
  TempDir tmp;
  WriteFile(tmp.Sub("people.csv"),
            "序号,姓名,性别,人员类别,国籍,居住国,手机\r\n"
            "1,陈伟明,男,华侨、侨领,中国,美国,13912345678\r\n"
            "2,林 淑 芬,女性,归侨,中华人民共和国,马来西亚,\r\n"
            "3,Tan Ah Kow,M,华人,Singapore,新加坡,\r\n"
            "4,张　三,未知,,,香港,\r\n"
            "5,李四,男,华侨,火星,美国,\r\n"
            "6,王五,X,华侨,中国,美国,\r\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("people.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 4u) << s->ToString();
  EXPECT_EQ(s->rejected, 2u) << s->ToString();
  auto page = store->Query("person");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 4u);
  const auto& chen = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(chen.gender(), v1::Person::GENDER_MALE);
  ASSERT_EQ(chen.categories_size(), 2);
  EXPECT_EQ(chen.categories(0), v1::Person::CATEGORY_OVERSEAS_CHINESE);
  EXPECT_EQ(chen.categories(1), v1::Person::CATEGORY_COMMUNITY_LEADER);
  ASSERT_EQ(chen.nationalities_size(), 1);
  EXPECT_EQ(chen.nationalities(0), "CN");
  EXPECT_EQ(chen.residence_country(), "US");
  const auto& lin = static_cast<const v1::Person&>(*page->records[1]);
  EXPECT_EQ(lin.name(), "林淑芬");  // Aligned names lose their spaces,
  EXPECT_EQ(lin.gender(), v1::Person::GENDER_FEMALE);
  EXPECT_EQ(lin.categories(0), v1::Person::CATEGORY_RETURNED_OVERSEAS_CHINESE);
  EXPECT_EQ(lin.residence_country(), "MY");
  const auto& tan = static_cast<const v1::Person&>(*page->records[2]);
  EXPECT_EQ(tan.name(), "Tan Ah Kow");  // not Latin ones.
  EXPECT_EQ(tan.gender(), v1::Person::GENDER_MALE);
  EXPECT_EQ(tan.nationalities(0), "SG");
  const auto& zhang = static_cast<const v1::Person&>(*page->records[3]);
  EXPECT_EQ(zhang.name(), "张三");  // An ideographic space too.
  EXPECT_EQ(zhang.gender(), v1::Person::GENDER_UNSPECIFIED);  // 未知.
  EXPECT_EQ(zhang.residence_country(), "HK");
  // What cannot be read names the column and what it expected.
  const std::string rejects = ReadFile(tmp.Sub("rejects.csv"));
  EXPECT_THAT(rejects, HasSubstr("ISO 3166-1 alpha-2"));
  EXPECT_THAT(rejects, HasSubstr("MALE (男)"));
}

TEST(ImporterTest, Gb18030FileIsDetected) {
  TempDir tmp;
  const std::string utf8 =
      "企业名称,统一社会信用代码,注册资金\r\n"
      "上海卡耐尔化工有限公司,91310115757910460R,100(万元人民币)\r\n";
  UErrorCode err = U_ZERO_ERROR;
  UConverter* gb = ucnv_open("gb18030", &err);
  ASSERT_TRUE(U_SUCCESS(err));
  std::vector<char16_t> u16(utf8.size() * 2);
  int32_t u16len = 0;
  UConverter* u8 = ucnv_open("utf-8", &err);
  u16len = ucnv_toUChars(u8, reinterpret_cast<UChar*>(u16.data()),
                         static_cast<int32_t>(u16.size()), utf8.data(),
                         static_cast<int32_t>(utf8.size()), &err);
  std::string bytes(utf8.size() * 2, '\0');
  int32_t n =
      ucnv_fromUChars(gb, bytes.data(), static_cast<int32_t>(bytes.size()),
                      reinterpret_cast<UChar*>(u16.data()), u16len, &err);
  ASSERT_TRUE(U_SUCCESS(err));
  bytes.resize(n);
  ucnv_close(gb);
  ucnv_close(u8);
  ASSERT_NE(bytes, utf8);
  WriteFile(tmp.Sub("gbk.csv"), bytes);
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("gbk.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->encoding, "gb18030");
  EXPECT_EQ(s->created, 1u);
  EXPECT_EQ(ByUscc(*store, "91310115757910460R")->name(),
            "上海卡耐尔化工有限公司");
}

// Excel's "Unicode text" (.txt): UTF-16LE with a byte order mark, tabs
// between fields. A .txt file without tabs on its first line is CSV.
TEST(ImporterTest, UnicodeTextFromExcelIsRead) {
  TempDir tmp;
  const std::u16string text =
      u"\xFEFF企业名称\t统一社会信用代码\t注册地址\r\n"
      u"上海卡耐尔化工有限公司\t91310115757910460R\t上海市, 浦东新区\r\n";
  std::string bytes;
  for (char16_t u : text) {
    bytes += static_cast<char>(u & 0xFF);
    bytes += static_cast<char>(u >> 8);
  }
  WriteFile(tmp.Sub("名单.txt"), bytes);
  WriteFile(tmp.Sub("c.txt"),
            "企业名称,统一社会信用代码\n上海定惠塑胶有限公司,"
            "91310000757904992P\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("名单.txt"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->encoding, "utf-16le");
  EXPECT_EQ(s->created, 1u) << s->ToString();
  auto e = ByUscc(*store, "91310115757910460R");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "上海卡耐尔化工有限公司");
  EXPECT_EQ(e->address().text(), "上海市, 浦东新区");
  auto c = Import(*store, tmp.Sub("c.txt"), {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->created, 1u) << c->ToString();
}

TEST(ImporterTest, MappingFileAndLenientMode) {
  TempDir tmp;
  WriteFile(tmp.Sub("m.txt"),
            "# our own export\n"
            "单位 = name\n"
            "代码 = uscc\n"
            "联系人 = -\n");
  WriteFile(tmp.Sub("a.csv"),
            "单位,代码,联系人\n"
            "乙公司,91310000757904992Q,某人\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.mapping_file = tmp.Sub("m.txt");
  auto strict = Import(*store, tmp.Sub("a.csv"), o);
  ASSERT_TRUE(strict.ok()) << strict.status();
  EXPECT_EQ(strict->rejected, 1u);
  EXPECT_THAT(strict->ToString(), HasSubstr("column 联系人 ignored"));
  o.lenient = true;
  auto lenient = Import(*store, tmp.Sub("a.csv"), o);
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(lenient->created, 1u);
  EXPECT_EQ(lenient->flagged, 1u);
  auto flagged = store->Query("enterprise where tags = \"uscc-check-failed\"");
  ASSERT_TRUE(flagged.ok());
  ASSERT_EQ(flagged->records.size(), 1u);
  EXPECT_EQ(
      static_cast<v1::Enterprise&>(*flagged->records[0]).unverified_uscc(),
      "91310000757904992Q");
  auto rerun = Import(*store, tmp.Sub("a.csv"), o);
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(rerun->unchanged, 1u);  // Found again by the unverified code.
}

TEST(ImporterTest, FileLevelErrorsAreClear) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  auto missing = Import(*store, tmp.Sub("nope.csv"), {});
  EXPECT_FALSE(missing.ok());
  WriteFile(tmp.Sub("nothing.csv"), "甲,乙,丙\n1,2,3\n");
  auto unmapped = Import(*store, tmp.Sub("nothing.csv"), {});
  EXPECT_EQ(unmapped.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unmapped.status().message(), HasSubstr("no column"));
  WriteFile(tmp.Sub("binary.csv"), std::string("\x81\x30\xFF\xFE\x00\x01", 6));
  auto binary = Import(*store, tmp.Sub("binary.csv"), {});
  EXPECT_EQ(binary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(binary.status().message(), HasSubstr("encoding"));
}

// Sheets filled in for an office often carry a title, and a line saying
// who filled them in, above the header.
TEST(ImporterTest, TitleRowsAboveTheHeaderAreSkippedAndListed) {
  TempDir tmp;
  const std::string rows =
      "常州晨风制造有限公司,91350100M000100Y43,陈伟\n"
      "上海定惠塑胶有限公司,91310000757904992P,张三\n";
  WriteFile(tmp.Sub("title.csv"),
            "金坛区侨资企业名单（2023年）,,\n"
            "填报单位：金坛区侨联,填报日期：2023-12-01,\n"
            "\n"
            "企业名称,统一社会信用代码,法定代表人\n" +
                rows);
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.dry_run = true;
  auto found = Import(*store, tmp.Sub("title.csv"), o);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->header_line, 4u);
  EXPECT_EQ(found->rows_above_header, 2u);
  EXPECT_THAT(
      found->above_header,
      ::testing::ElementsAre("金坛区侨资企业名单（2023年）",
                             "填报单位：金坛区侨联, 填报日期：2023-12-01"));
  EXPECT_EQ(found->rows, 2u);
  EXPECT_EQ(found->created, 2u) << found->ToString();
  EXPECT_THAT(found->ToString(),
              HasSubstr("header on line 4; 2 rows above it not imported:\n"
                        "    金坛区侨资企业名单（2023年）"));
  EXPECT_THAT(found->ToJson(),
              HasSubstr("\"header_line\":4,\"rows_above_header\":2,"
                        "\"above_header\":[\"金坛区侨资企业名单（2023年）\","));

  // The header's line given: the same rows, and the records remember their
  // own lines.
  o.dry_run = false;
  o.header_row = 4;
  auto given = Import(*store, tmp.Sub("title.csv"), o);
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_EQ(given->created, 2u) << given->ToString();
  EXPECT_EQ(given->rows_above_header, 2u);
  auto e = ByUscc(*store, "91350100M000100Y43");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "常州晨风制造有限公司");
  EXPECT_EQ(e->meta().source().line(), 5u);

  // A line that starts no row, past the end, or holding no header.
  o.dry_run = true;
  o.header_row = 3;
  auto blank = Import(*store, tmp.Sub("title.csv"), o);
  EXPECT_EQ(blank.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(blank.status().message(),
              HasSubstr("no row of " + tmp.Sub("title.csv") +
                        " starts on line 3 (the header row given): the line "
                        "is blank, empty or inside a quoted field; the next "
                        "row starts on line 4"));
  o.header_row = 9;
  auto past = Import(*store, tmp.Sub("title.csv"), o);
  EXPECT_THAT(past.status().message(),
              HasSubstr("its last row starts on line 6"));
  o.header_row = 5;
  auto data = Import(*store, tmp.Sub("title.csv"), o);
  EXPECT_THAT(data.status().message(),
              HasSubstr("(header on line 5: 常州晨风制造有限公司, "));

  // A first row with one known column is the header, as before: its other
  // columns are ignored, not taken for a title.
  WriteFile(tmp.Sub("one.csv"), "企业名称,备注栏\n甲公司,x\n");
  o.header_row = 0;
  auto one = Import(*store, tmp.Sub("one.csv"), o);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->header_line, 1u);
  EXPECT_EQ(one->rows_above_header, 0u);
  EXPECT_EQ(one->rows, 1u);
  EXPECT_THAT(one->ToString(), ::testing::Not(HasSubstr("header on line")));

  // Below a title, a header needs two known columns; otherwise the error
  // says where it looked and how to name the line.
  WriteFile(tmp.Sub("weak.csv"), "名单,\n企业名称,栏\n甲公司,x\n");
  auto weak = Import(*store, tmp.Sub("weak.csv"), o);
  EXPECT_EQ(weak.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(weak.status().message(),
              HasSubstr("(header: 名单, ), and no row among its first 3 has "
                        "two columns that do; name the columns as the schema "
                        "does, give a mapping file, or give the header's line "
                        "(--header-row)"));
  o.header_row = 2;
  auto named = Import(*store, tmp.Sub("weak.csv"), o);
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->rows, 1u);
  EXPECT_EQ(named->above_header, std::vector<std::string>{"名单"});

  // JSON Lines have no header.
  WriteFile(tmp.Sub("e.jsonl"), "{\"name\":\"甲公司\"}\n");
  auto jsonl = Import(*store, tmp.Sub("e.jsonl"), o);
  EXPECT_EQ(jsonl.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(jsonl.status().message(), HasSubstr("JSON Lines have no header"));
}

// Lines under the records of an office's sheet: totals, signatures and
// notes are rejected as what they are, not created as records named 合计.
TEST(ImporterTest, TotalSignatureAndNoteLinesAreNotRecords) {
  TempDir tmp;
  WriteFile(tmp.Sub("list.csv"),
            "序号,企业名称,统一社会信用代码,职务\n"
            "1,合计划咨询有限公司,91350100M000100Y43,负责人\n"
            "2,注册服务有限公司,,\n"
            "合　计,2家,,\n"
            ",小计 2,,\n"
            "填表人：张三　　审核人：李四,,,\n"
            "注：本表由各镇（街道）侨联填报。,,,\n"
            "说明 ：数据截至2023年底,,,\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("list.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 5u) << s->ToString();
  EXPECT_EQ(s->rejected_by_reason.at(
                "row: not a record: a total, signature or note line (合计, "
                "填表人, 注：…): …"),
            5u)
      << s->ToString();
  const std::string rejects = ReadFile(tmp.Sub("rejects.csv"));
  EXPECT_THAT(rejects, HasSubstr("4,\"\",\"not a record: a total, signature or "
                                 "note line (合计, 填表人, 注：…): \"\"合　计, "
                                 "2家\"\"\",\"合　计,2家,,\"\n"));
  EXPECT_THAT(rejects, HasSubstr("\n8,\"\",\"not a record"));
  auto page = store->Query("enterprise where name = \"合计划咨询有限公司\"");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->records.size(), 1u);
}

// Forms group columns under a cell merged across them: the row below the
// header names them, and both rows read as one header (法定代表人姓名;
// 联系方式 over 电话: 电话). A record with cells only under the groups is
// not such a row: it would map fewer columns.
TEST(ImporterTest, TwoHeaderRowsReadAsOne) {
  TempDir tmp;
  WriteFile(tmp.Sub("two.csv"),
            "企业名称,法定代表人,,联系方式,\n"
            ",姓名,国籍,电话,邮箱\n"
            "甲公司,陈伟,新加坡,13900001111,a@example.com\n"
            "乙公司,李四,中国,0519-82345678,\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  auto s = Import(*store, tmp.Sub("two.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->header_rows, 2u);
  EXPECT_EQ(s->rows, 2u) << s->ToString();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_THAT(s->ToString(),
              HasSubstr("header on lines 1 and 2 (two header rows)"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"header_rows\":2,"));
  EXPECT_THAT(s->ignored_columns, ::testing::ElementsAre("法定代表人国籍"));
  auto page = store->Query("enterprise where name = \"甲公司\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& e = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(e.legal_representative().name(), "陈伟");
  ASSERT_EQ(e.contacts_size(), 2);
  EXPECT_EQ(e.contacts(0).type(), v1::Contact::TYPE_PHONE);
  EXPECT_EQ(e.contacts(1).type(), v1::Contact::TYPE_EMAIL);

  // A first record with a value only under a group: a record (rejected
  // for its missing name, on its own line), not a second header row.
  WriteFile(tmp.Sub("one.csv"),
            "企业名称,法定代表人,,注册地址\n"
            ",陈伟,新加坡,\n"
            "丙公司,王五,中国,金坛区\n");
  o.reject_file = tmp.Sub("rejects.csv");
  s = Import(*store, tmp.Sub("one.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->header_rows, 1u);
  EXPECT_EQ(s->rows, 2u) << s->ToString();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(ReadFile(tmp.Sub("rejects.csv")),
              HasSubstr("\n2,\"enterprise.name\""));
}

// A header naming someone's name or phone after the header that names the
// person reads as that person's column, or as a phone of the record.
TEST(ImporterTest, NameAndPhoneOfSomeoneNamedByTheHeader) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称,法定代表人姓名,联系人姓名,联系人电话\n"
            "甲公司,陈伟,王五,13900001111\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  auto page = store->Query("enterprise where name = \"甲公司\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& e = static_cast<const v1::Enterprise&>(*page->records[0]);
  EXPECT_EQ(e.legal_representative().name(), "陈伟");
  ASSERT_EQ(e.officers_size(), 1);
  EXPECT_EQ(e.officers(0).name(), "王五");
  EXPECT_EQ(e.officers(0).role(), v1::Enterprise::Officer::ROLE_CONTACT);
  ASSERT_EQ(e.contacts_size(), 1);
  EXPECT_EQ(e.contacts(0).value(), "13900001111");
  // A case register: 来访人姓名 is the applicant; a case has no contacts,
  // so 来访人电话 names no field.
  WriteFile(tmp.Sub("c.csv"),
            "来访日期,来访人姓名,来访人电话,类型,反映问题,办理状态\n"
            "2024-03-05,李娜,13900002222,咨询,子女就学,正在办理\n");
  ImportOptions o;
  o.kind = v1::KIND_CASE;
  s = Import(*store, tmp.Sub("c.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ignored_columns, ::testing::ElementsAre("来访人电话"));
  auto cases = store->Query("case where received = 2024-03-05");
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_EQ(cases->records.size(), 1u);
  const auto& c = static_cast<const v1::Case&>(*cases->records[0]);
  EXPECT_EQ(c.status(), v1::Case::STATUS_IN_PROGRESS);  // As registers say.
  ASSERT_EQ(c.parties_size(), 1);
  EXPECT_EQ(c.parties(0).name(), "李娜");
  EXPECT_EQ(c.parties(0).role(), v1::Case::Party::ROLE_APPLICANT);
}

// A ledger of gifts both ways says which in a column of its own (收支,
// 方向): received (收入, 受捐) or given (支出, 发放).
TEST(ImporterTest, GiftLedgerWithAColumnOfDirections) {
  TempDir tmp;
  WriteFile(tmp.Sub("gifts.csv"),
            "日期,捐赠方,受赠方,收支,金额(元),用途\n"
            "2024-01-15,马来西亚金坛同乡会,金坛区侨联,收入,\"50,000\",助学\n"
            "2024-02-01,金坛区侨联,困难归侨王某,支出,2000,慰问\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_DONATION;
  auto s = Import(*store, tmp.Sub("gifts.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  auto in = store->Query("donation where direction = INBOUND");
  ASSERT_TRUE(in.ok()) << in.status();
  ASSERT_EQ(in->records.size(), 1u);
  EXPECT_EQ(
      static_cast<const v1::Donation&>(*in->records[0]).money().amount_minor(),
      5000000);
  auto out = store->Query("donation where direction = 支出");
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->records.size(), 1u);
  EXPECT_EQ(static_cast<const v1::Donation&>(*out->records[0]).date().month(),
            2);

  // Without that column, a gift between the office (…侨联) and someone
  // else goes the way the office stands, with a warning; between two
  // others, or two 侨联, it says neither and is rejected.
  WriteFile(tmp.Sub("both.csv"),
            "日期,捐赠方,受赠方,金额(元)\n"
            "2024-03-01,林志明,金坛区侨联,1000\n"
            "2024-03-02,金坛区归国华侨联合会,困难归侨王某,500\n"
            "2024-03-03,常州市侨联,金坛区侨联,800\n"
            "2024-03-04,林志明,王某,300\n");
  o.reject_file = tmp.Sub("rejects.csv");
  s = Import(*store, tmp.Sub("both.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 2u) << s->ToString();
  ASSERT_EQ(s->warning_rows.size(), 2u) << s->ToString();
  EXPECT_EQ(s->warning_rows[0].warning,
            "direction: read as 受捐, the office (金坛区侨联) being the "
            "recipient");
  EXPECT_EQ(s->warning_rows[1].warning,
            "direction: read as 捐出, the office (金坛区归国华侨联合会) being "
            "the donor");
  in = store->Query(
      "donation where direction = INBOUND and date = "
      "2024-03-01");
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->records.size(), 1u);
  EXPECT_THAT(ReadFile(tmp.Sub("rejects.csv")),
              HasSubstr("\n4,\"donation.direction\""));
}

// A number typed as text with Excel's apostrophe ('11010519491231002X,
// '13900001111) keeps the apostrophe in some exports: it is not part of the
// value, unless the value quotes with it.
TEST(ImporterTest, ExcelsTextApostropheIsNotPartOfTheValue) {
  TempDir tmp;
  WriteFile(tmp.Sub("roster.csv"),
            "姓名,身份证号码,联系电话,备注\n"
            "李美玲,'11010519491231002X,'13900001111,'90后'青年\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("roster.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 1u) << s->ToString();
  auto page = store->Query("person where name = 李美玲");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& p = static_cast<const v1::Person&>(*page->records[0]);
  ASSERT_EQ(p.identity_documents_size(), 1);
  EXPECT_EQ(p.identity_documents(0).number(), "11010519491231002X");
  ASSERT_EQ(p.contacts_size(), 1);
  EXPECT_EQ(p.contacts(0).value(), "13900001111");
  EXPECT_EQ(p.notes(), "'90后'青年");
}

// A sheet printed on several pages repeats its header on each: those rows
// are rejected as what they are, not created as an enterprise named 企业名称.
TEST(ImporterTest, RepeatedHeaderRowsAreNotRecords) {
  TempDir tmp;
  WriteFile(tmp.Sub("pages.csv"),
            "企业名称,注册地址,所属行业\n"
            "甲公司,金坛区东门大街1号,制造业\n"
            "企业名称,注册地址,所属行业\n"
            "乙公司,金坛区西门大街2号,农业\n"
            ",注册地址,所属行业\n");  // Most of a header: one too.
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("pages.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 2u) << s->ToString();
  EXPECT_THAT(
      ReadFile(tmp.Sub("rejects.csv")),
      HasSubstr("3,\"\",\"not a record: it repeats the header (as "
                "sheets printed on several pages, or with a second "
                "header row, do): \"\"企业名称, 注册地址, 所属行业\"\"\""));
  // A record with one cell that happens to be its column's header is one.
  WriteFile(tmp.Sub("one.csv"),
            "企业名称,所属行业,注册地址\n丁公司,所属行业,金坛区\n");
  auto one = Import(*store, tmp.Sub("one.csv"), o);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->created, 1u) << one->ToString();
}

// A sheet saved as CSV keeps rows whose cells were only formatted as rows of
// empty cells (",,,,"), between records and after them: skipped and
// counted, not rejected as records without a name; a row with any value is
// a row.
TEST(ImporterTest, RowsOfEmptyCellsAreSkippedAndCounted) {
  TempDir tmp;
  WriteFile(tmp.Sub("roster.csv"),
            "姓名,性别,侨居国,联系电话\r\n"
            "陈国华,男,马来西亚,13800001234\r\n"
            ",,,\r\n"
            "李美玲,女,印度尼西亚,\r\n"
            " , \xE3\x80\x80 ,\"\",\r\n"  // Spaces, an ideographic one, "".
            ",,,\r\n"
            ",男,,\r\n");  // A value: a row, without a name.
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("roster.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows, 3u) << s->ToString();
  EXPECT_EQ(s->blank_rows, 3u) << s->ToString();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_EQ(Accounted(*s), s->rows);
  EXPECT_THAT(s->ToString(),
              HasSubstr("1 rejected (and 3 rows of empty cells skipped)"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"rows\":3,\"blank_rows\":3,"));
  // The rejected row is the one with a value, on its line.
  EXPECT_THAT(ReadFile(tmp.Sub("rejects.csv")),
              HasSubstr("7,\"person.name\",\"person.name: required"));
}

// The columns of a registry lookup service's export (企查查, 天眼查):
// English name, province / city / district, phones and e-mails, address,
// website; columns with no field (实缴资本, 参保人数) are listed as ignored.
TEST(ImporterTest, RegistryServiceExportColumns) {
  TempDir tmp;
  WriteFile(tmp.Sub("qcc.csv"),
            "企业名称,英文名,所属省份,所属城市,所属区县,电话,更多电话,邮箱,"
            "企业地址,官网,统一社会信用代码,实缴资本,参保人数\n"
            "常州三久制造有限公司,Changzhou Sanjiu Manufacturing,江苏省,常州市,"
            "金坛区,0519-82345678,13900001111;13900002222,info@sanjiu.cn,"
            "金坛区东门大街1号,http://www.sanjiu.cn,91320413723588143D,"
            "100万元人民币,56\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("qcc.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ignored_columns,
              ::testing::ElementsAre("实缴资本", "参保人数"));
  auto e = ByUscc(*store, "91320413723588143D");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->foreign_name(), "Changzhou Sanjiu Manufacturing");
  EXPECT_EQ(e->registration_division().province(), "江苏省");
  EXPECT_EQ(e->registration_division().region(), "常州市");
  EXPECT_EQ(e->registration_division().district(), "金坛区");
  EXPECT_EQ(e->address().text(), "金坛区东门大街1号");
  EXPECT_EQ(e->website(), "http://www.sanjiu.cn");
  ASSERT_EQ(e->contacts_size(), 4);
  EXPECT_EQ(e->contacts(0).type(), v1::Contact::TYPE_PHONE);
  EXPECT_EQ(e->contacts(2).value(), "13900002222");
  EXPECT_EQ(e->contacts(3).type(), v1::Contact::TYPE_EMAIL);
}

// The columns rosters of 侨眷 and 华侨 have: 出生年月 (a year and month),
// 侨居国, 现居住地, 手机号码, 微信号, QQ号.
TEST(ImporterTest, RosterColumns) {
  TempDir tmp;
  WriteFile(tmp.Sub("roster.csv"),
            "序号,姓名,出生年月,侨居国,现居住地,手机号码,微信号,QQ号,民族\n"
            "1,陈伟明,1966.05,美国,纽约市,13900001111,ChenWM_66,12345678,汉\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("roster.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ignored_columns, ::testing::ElementsAre("序号", "民族"));
  auto page = store->Query("person where name = \"陈伟明\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& p = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(p.birth_date().year(), 1966);
  EXPECT_EQ(p.birth_date().month(), 5);
  EXPECT_EQ(p.birth_date().day(), 0);
  EXPECT_EQ(p.residence_country(), "US");
  EXPECT_EQ(p.address().text(), "纽约市");
  ASSERT_EQ(p.contacts_size(), 3);
  EXPECT_EQ(p.contacts(0).type(), v1::Contact::TYPE_PHONE);
  EXPECT_EQ(p.contacts(1).type(), v1::Contact::TYPE_WECHAT);
  EXPECT_EQ(p.contacts(1).value(), "chenwm_66");
  EXPECT_EQ(p.contacts(2).type(), v1::Contact::TYPE_QQ);
  EXPECT_EQ(p.contacts(2).value(), "12345678");
}

TEST(ImporterTest, JsonLinesOfEventsAreIdempotentBySourceLine) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.jsonl"),
            "{\"type\":\"TYPE_MEDIA_REPORT\",\"date\":{\"year\":2020,"
            "\"month\":1,\"day\":6},\"outlet\":\"江苏卫视\"}\n"
            "\n"
            "{\"type\":\"TYPE_MEETING\",\"date\":{\"year\":2020,\"month\":4,"
            "\"day\":28}}\n"
            "{\"type\":\"TYPE_MEETING\",\"date\":{\"year\":2020,\"month\":2,"
            "\"day\":30}}\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_EVENT;
  auto s = Import(*store, tmp.Sub("e.jsonl"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u);
  EXPECT_EQ(s->rejected, 1u);
  auto again = Import(*store, tmp.Sub("e.jsonl"), o);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(again->unchanged, 2u);
  EXPECT_EQ(*store->Count(v1::KIND_EVENT), 2u);
}

// A visit log kept in a spreadsheet names whom it visited: references by
// name (or USCC) are looked up in the store; a name that is not there, or
// names several records, rejects the row saying so.
TEST(ImporterTest, ReferencesByNameAreLookedUp) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  auto add_enterprise = [&](const std::string& name, const std::string& uscc) {
    v1::Enterprise e;
    e.set_name(name);
    e.set_uscc(uscc);
    auto id = store->Create(&e);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  };
  auto add_person = [&](const std::string& name, const std::string& former) {
    v1::Person p;
    p.set_name(name);
    if (!former.empty()) p.add_former_names(former);
    auto id = store->Create(&p);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  };
  const uint64_t sanjiu =
      add_enterprise("常州三久制造有限公司", "91320413723588143D");
  const uint64_t tea = add_enterprise("鑫品茶业有限公司", "91320413608244193E");
  const uint64_t hu = add_person("胡正明", "");
  const uint64_t li = add_person("李四", "李小四");
  add_person("张三", "");
  add_person("张三", "");
  WriteFile(
      tmp.Sub("visits.csv"),
      "活动类型,日期,participants.ref\n"
      "走访企业,2020-05-06,enterprise:常州三久制造有限公司\n"
      "走访企业,2020-05-07,enterprise：９１３２０４１３６０８２４４１９３Ｅ\n"
      "走访企业,2020-05-08,enterprise:鑫品茶業有限公司、enterprise:1\n"
      "走访慰问,2020-05-09,person:胡正明\n"
      "走访慰问,2020-05-10,person:李小四\n"
      "走访慰问,2020-05-11,person:张三\n"
      "走访慰问,2020-05-12,person:王五\n"
      "会议,2020-05-13,case:全委会\n"
      "走访慰问,2020-05-14,person:李四\n"
      "走访企业,2020-05-15,enterprise:三久制造\n");
  ImportOptions o;
  o.kind = v1::KIND_EVENT;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("visits.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 6u) << s->ToString();
  EXPECT_EQ(s->rejected, 4u) << s->ToString();
  auto refs_on = [&](int day) {
    std::vector<std::pair<int, uint64_t>> out;
    auto page = store->Query(absl::StrCat("event where date = 2020-05-", day));
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok() || page->records.size() != 1) return out;
    for (const auto& p :
         static_cast<const v1::Event&>(*page->records[0]).participants()) {
      out.emplace_back(p.ref().kind(), p.ref().id());
    }
    return out;
  };
  using Refs = std::vector<std::pair<int, uint64_t>>;
  const int kE = v1::KIND_ENTERPRISE, kP = v1::KIND_PERSON;
  EXPECT_EQ(refs_on(6), (Refs{{kE, sanjiu}}));
  EXPECT_EQ(refs_on(7), (Refs{{kE, tea}}));           // By USCC, full-width.
  EXPECT_EQ(refs_on(8), (Refs{{kE, tea}, {kE, 1}}));  // Traditional.
  EXPECT_EQ(refs_on(9), (Refs{{kP, hu}}));
  EXPECT_EQ(refs_on(10), (Refs{{kP, li}}));  // A former name.
  EXPECT_EQ(refs_on(14), (Refs{{kP, li}}));  // A name before a former one.
  const std::string rejects = ReadFile(tmp.Sub("rejects.csv"));
  EXPECT_THAT(rejects, HasSubstr("7,\"participants.ref\",\"2 persons are named "
                                 "\"\"张三\"\" (person:"));
  EXPECT_THAT(rejects, HasSubstr("8,\"participants.ref\",\"no person of this "
                                 "store is named \"\"王五\"\"; give its full "
                                 "name or its id (person:42)"));
  EXPECT_THAT(rejects, HasSubstr("9,\"participants.ref\",\"item 1: a case is "
                                 "referred to by its id (case:42), not "
                                 "\"\"全委会\"\"\""));
  // Part of a name: the records whose names hold it are suggested.
  EXPECT_THAT(rejects, HasSubstr(absl::StrCat(
                           "no enterprise of this store is named "
                           "\"\"三久制造\"\" (did you mean enterprise:",
                           sanjiu, " 常州三久制造有限公司?)")));
  // Again: the same records, found by their source lines.
  auto again = Import(*store, tmp.Sub("visits.csv"), o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->unchanged, 6u) << again->ToString();
  EXPECT_EQ(again->created, 0u);
}

// The people named in a row (走访对象, 来访人, 捐赠人 …) are kept by name,
// unless a name is written as a reference (person:胡正明, enterprise:42, as
// a participants.ref column takes it): then the party links to that record,
// with the column's role, and a name no record has rejects the row.
TEST(ImporterTest, PartiesWrittenAsReferencesLinkToRecords) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  v1::Person hu;
  hu.set_name("胡正明");
  auto hu_id = store->Create(&hu);
  ASSERT_TRUE(hu_id.ok()) << hu_id.status();
  v1::Enterprise sanjiu;
  sanjiu.set_name("常州三久制造有限公司");
  sanjiu.set_uscc("91320413723588143D");
  auto sanjiu_id = store->Create(&sanjiu);
  ASSERT_TRUE(sanjiu_id.ok()) << sanjiu_id.status();
  WriteFile(tmp.Sub("visits.csv"),
            "活动类型,日期,走访对象\n"
            "走访慰问,2024-02-05,person:胡正明、李四\n"
            "走访企业,2024-02-06,Enterprise：91320413723588143D\n"
            "走访慰问,2024-02-07,person:王五\n"
            "走访慰问,2024-02-08,张三：退休教师\n");  // A colon, not a kind.
  ImportOptions o;
  o.kind = v1::KIND_EVENT;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("visits.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  auto on = [&](int day) {
    v1::Event e;
    auto page = store->Query(absl::StrCat("event where date = 2024-02-0", day));
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok() && page->records.size() == 1) {
      e.CopyFrom(*page->records[0]);
    }
    return e;
  };
  const v1::Event first = on(5);
  ASSERT_EQ(first.participants_size(), 2);
  EXPECT_EQ(first.participants(0).ref().kind(), v1::KIND_PERSON);
  EXPECT_EQ(first.participants(0).ref().id(), *hu_id);
  EXPECT_EQ(first.participants(0).name(), "");
  EXPECT_EQ(first.participants(0).role(), v1::Event::Participant::ROLE_VISITED);
  EXPECT_FALSE(first.participants(1).has_ref());
  EXPECT_EQ(first.participants(1).name(), "李四");
  const v1::Event second = on(6);
  ASSERT_EQ(second.participants_size(), 1);
  EXPECT_EQ(second.participants(0).ref().kind(), v1::KIND_ENTERPRISE);
  EXPECT_EQ(second.participants(0).ref().id(), *sanjiu_id);
  const v1::Event fourth = on(8);
  ASSERT_EQ(fourth.participants_size(), 1);
  EXPECT_EQ(fourth.participants(0).name(), "张三：退休教师");
  EXPECT_THAT(ReadFile(tmp.Sub("rejects.csv")),
              HasSubstr("4,\"走访对象\",\"no person of this store is named "
                        "\"\"王五\"\""));
  // The person's timeline shows the visit.
  v1::Ref subject;
  subject.set_kind(v1::KIND_PERSON);
  subject.set_id(*hu_id);
  auto tl = Timeline(*store, subject);
  ASSERT_TRUE(tl.ok()) << tl.status();
  bool visit = false;
  for (const TimelineEntry& entry : tl->entries) {
    visit = visit || (entry.record.kind() == v1::KIND_EVENT &&
                      entry.record.id() == first.meta().id() &&
                      entry.role == "participant:ROLE_VISITED");
  }
  EXPECT_TRUE(visit) << tl->ToJson();

  // An enterprise list's contact written so links the officer to the
  // person (Officer.person).
  WriteFile(tmp.Sub("list.csv"),
            "企业名称,联系人\n"
            "鑫品茶业有限公司,person:胡正明\n");
  ImportOptions e;
  e.kind = v1::KIND_ENTERPRISE;
  s = Import(*store, tmp.Sub("list.csv"), e);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 1u) << s->ToString();
  auto tea = store->Query("enterprise where name = \"鑫品茶业有限公司\"");
  ASSERT_TRUE(tea.ok()) << tea.status();
  ASSERT_EQ(tea->records.size(), 1u);
  const auto& t = static_cast<const v1::Enterprise&>(*tea->records[0]);
  ASSERT_EQ(t.officers_size(), 1);
  EXPECT_EQ(t.officers(0).person().id(), *hu_id);
  EXPECT_EQ(t.officers(0).name(), "");
  EXPECT_EQ(t.officers(0).role(), v1::Enterprise::Officer::ROLE_CONTACT);
}

// One record from fields (qiaolian add), and fields of a stored record
// changed (qiaolian set), read as an import reads a header and cells.
TEST(ImporterTest, RecordFromFieldsAndUpdateFromFields) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  std::vector<std::string> warnings;
  auto e = RecordFromFields(
      *store, v1::KIND_ENTERPRISE,
      {{"企业名称", "　常州三久制造有限公司 "},
       {"统一社会信用代码", "９１３２０４１３７２３５８８１４３ｄ"},
       {"注册资本", "5,000(万元人民币)"},
       {"成立日期", "2001年5月7日"}},
      &warnings);
  ASSERT_TRUE(e.ok()) << e.status();
  const auto& ent = static_cast<const v1::Enterprise&>(**e);
  EXPECT_EQ(ent.name(), "常州三久制造有限公司");
  EXPECT_EQ(ent.uscc(), "91320413723588143D");
  EXPECT_EQ(ent.registered_capital().amount_minor(), 5000000000);
  EXPECT_EQ(ent.established().year(), 2001);
  EXPECT_FALSE(ent.meta().has_source());  // Not from a file.
  auto id = store->Create(e->get());
  ASSERT_TRUE(id.ok()) << id.status();

  // A visit naming it; a name no field has, or a value that cannot be
  // read, is an error naming it.
  auto visit = RecordFromFields(
      *store, v1::KIND_EVENT,
      {{"活动类型", "走访企业"},
       {"日期", "2020-05-06"},
       {"participants.ref", "enterprise:常州三久制造有限公司"}});
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_EQ(static_cast<const v1::Event&>(**visit).participants(0).ref().id(),
            *id);
  auto unknown = RecordFromFields(*store, v1::KIND_EVENT, {{"颜色", "会议"}});
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("no field of event is called \"颜色\""));
  auto bad = RecordFromFields(*store, v1::KIND_EVENT,
                              {{"活动类型", "会议"}, {"日期", "2020-02-30"}});
  EXPECT_THAT(bad.status().message(), HasSubstr("日期: "));
  auto missing = RecordFromFields(*store, v1::KIND_EVENT, {{"标题", "全委会"}});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);

  // set: the fields given replace the record's; the others stay.
  auto r = UpdateFromFields(
      *store, v1::KIND_ENTERPRISE, *id,
      {{"法定代表人", "王建国"}, {"注册地址", "金坛区东门大街1号"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 2u);
  auto after = store->Get(v1::KIND_ENTERPRISE, *id);
  ASSERT_TRUE(after.ok());
  const auto& a = static_cast<const v1::Enterprise&>(**after);
  EXPECT_EQ(a.legal_representative().name(), "王建国");
  EXPECT_EQ(a.address().text(), "金坛区东门大街1号");
  EXPECT_EQ(a.uscc(), "91320413723588143D");
  EXPECT_EQ(a.established().year(), 2001);
  // The same again changes nothing and writes nothing.
  r = UpdateFromFields(*store, v1::KIND_ENTERPRISE, *id,
                       {{"法定代表人", "王建国"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 2u);
  // A value the record cannot take leaves it as it was.
  r = UpdateFromFields(*store, v1::KIND_ENTERPRISE, *id,
                       {{"统一社会信用代码", "91320413723588143X"}});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetaOf(**store->Get(v1::KIND_ENTERPRISE, *id)).revision(), 2u);
  EXPECT_EQ(UpdateFromFields(*store, v1::KIND_ENTERPRISE, *id + 1,
                             {{"法定代表人", "x"}})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

// Registries and ledgers often give the unit once, in the header:
// "注册资本（万元）" over cells of numbers alone. A number alone is in that
// unit; a cell that names its own unit keeps it.
TEST(ImporterTest, AUnitInTheHeaderAppliesToNumbersWithoutOne) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称,统一社会信用代码,注册资本（万元）\n"
            "甲公司,91310000757904992P,500\n"
            "乙公司,91320413723588143D,\"1,000.5\"\n"
            "丙公司,91310115757910815T,50万美元\n"
            "丁公司,91210204311478909W,８０\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 4u) << s->ToString();
  EXPECT_THAT(s->mapped_columns,
              ::testing::Contains(::testing::Pair(
                  "注册资本（万元）",
                  "registered_capital (a number without a unit: in 万元)")));
  auto a = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->registered_capital().currency(), "CNY");
  EXPECT_EQ(a->registered_capital().amount_minor(), 500000000);  // 500万元.
  EXPECT_EQ(a->registered_capital_text(), "500(万元)");
  EXPECT_EQ(
      ByUscc(*store, "91320413723588143D")->registered_capital().amount_minor(),
      1000500000);
  auto c = ByUscc(*store, "91310115757910815T");
  EXPECT_EQ(c->registered_capital().currency(), "USD");
  EXPECT_EQ(c->registered_capital().amount_minor(), 50000000);
  EXPECT_EQ(c->registered_capital_text(), "50万美元");
  EXPECT_EQ(
      ByUscc(*store, "91210204311478909W")->registered_capital().amount_minor(),
      80000000);

  // "单位：" before the unit; a currency with it; any money field.
  WriteFile(tmp.Sub("e2.csv"),
            "企业名称,统一社会信用代码,注册资金(单位：万美元)\n"
            "戊公司,91310000MA1FL4TK6D,20\n");
  s = Import(*store, tmp.Sub("e2.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 1u) << s->ToString();
  auto e = ByUscc(*store, "91310000MA1FL4TK6D");
  EXPECT_EQ(e->registered_capital().currency(), "USD");
  EXPECT_EQ(e->registered_capital().amount_minor(), 20000000);
  WriteFile(tmp.Sub("d.csv"),
            "方向,捐赠形式,捐赠日期,摘要,金额（万元）\n"
            "受捐,资金,2024-03-01,侨商捐资助学,3\n"
            "受捐,资金,2024-03-02,侨团捐款,\"1,500元\"\n");
  ImportOptions o;
  o.kind = v1::KIND_DONATION;
  s = Import(*store, tmp.Sub("d.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 2u) << s->ToString();
  auto page = store->Query("donation order by date");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_EQ(static_cast<const v1::Donation&>(*page->records[0])
                .money()
                .amount_minor(),
            3000000);  // 3万元.
  EXPECT_EQ(static_cast<const v1::Donation&>(*page->records[1])
                .money()
                .amount_minor(),
            150000);  // 1,500元, as the cell says.

  // A note that is not a unit changes nothing.
  WriteFile(tmp.Sub("e3.csv"),
            "企业名称,统一社会信用代码,注册资本(认缴)\n"
            "己公司,91320413723588144G,100\n");
  s = Import(*store, tmp.Sub("e3.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(
      ByUscc(*store, "91320413723588144G")->registered_capital().amount_minor(),
      10000);  // 100 yuan.
}

// Rows rejected for the same thing count under one reason, whatever the
// values they hold; the reject file keeps each row's own message.
TEST(ImporterTest, RejectedRowsCountByReasonWithoutTheirValues) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称,统一社会信用代码,注册资本\n"
            "甲,91310000757904992Q,1\n"  // Check character P.
            "乙,91320413723588143A,2\n"  // D.
            "丙,91310115757910815X,3\n"  // T.
            "丁,91210204311478909W,很多\n"
            "戊,91310000MA1FL4TK6D,若干\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("e.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rejected, 5u) << s->ToString();
  EXPECT_THAT(s->rejected_by_reason,
              ::testing::UnorderedElementsAre(
                  ::testing::Pair(
                      "统一社会信用代码: check character is …, expected …", 3u),
                  ::testing::Pair("注册资本: not a number: …", 2u)));
  const std::string rejects = ReadFile(tmp.Sub("rejects.csv"));
  EXPECT_THAT(rejects, HasSubstr("check character is 'X', expected 'T'"));
  EXPECT_THAT(rejects, HasSubstr("not a number: \"\"若干\"\""));
}

// Headers as templates and hand-made sheets write them: wrapped onto two
// lines inside the cell, spaced out to fill it, marked required with an
// asterisk, with a note in brackets.
TEST(ImporterTest, WrappedSpacedAndStarredHeadersMap) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "\"*企业\n名称\",统一社会 信用代码,注 册 资 本,"
            "\"法定代表人\r\n（负责人）\",＊成立日期\n"
            "甲公司,91310000757904992P,100,张三,2001-05-07\n"
            ",91320413723588143D,,李四,\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  auto e = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "甲公司");
  EXPECT_EQ(e->registered_capital().amount_minor(), 10000);
  EXPECT_EQ(e->legal_representative().name(), "张三");
  EXPECT_EQ(e->established().year(), 2001);
  // The row without a name: its reason names the field once.
  EXPECT_THAT(s->rejected_by_reason, ::testing::ElementsAre(::testing::Pair(
                                         "enterprise.name: required", 1u)));
  // A note inside the header, not at its end.
  WriteFile(tmp.Sub("e2.csv"),
            "企业（机构）名称,统一社会信用代码\n乙公司,91320413723588143D\n");
  s = Import(*store, tmp.Sub("e2.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  EXPECT_EQ(ByUscc(*store, "91320413723588143D")->name(), "乙公司");
}

// A column of numbers with a gap in it comes out of pandas (and some
// database exports) as floats: "13900001111.0". A phone or QQ number keeps
// its digits, without the ".0".
TEST(ImporterTest, PhoneAndQqNumbersWrittenAsFloats) {
  TempDir tmp;
  WriteFile(tmp.Sub("p.csv"),
            "姓名,手机号码,QQ号\n"
            "张三,13900001111.0,12345678.0\n"
            "李四,+8613900002222.0,\n"
            "王五,139.00,\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("p.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 3u) << s->ToString();
  auto page = store->Query("person");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 3u);
  const auto& a = static_cast<const v1::Person&>(*page->records[0]);
  ASSERT_EQ(a.contacts_size(), 2);
  EXPECT_EQ(a.contacts(0).value(), "13900001111");
  EXPECT_EQ(a.contacts(1).type(), v1::Contact::TYPE_QQ);
  EXPECT_EQ(a.contacts(1).value(), "12345678");
  EXPECT_EQ(
      static_cast<const v1::Person&>(*page->records[1]).contacts(0).value(),
      "+8613900002222");
  // Only a whole number's ".0": anything else stays as written.
  EXPECT_EQ(
      static_cast<const v1::Person&>(*page->records[2]).contacts(0).value(),
      "139.00");
}

// A file separated by ';' comes from where the decimal mark is a comma:
// its amounts and whole numbers are read so (1.234,5 is 1234.5), the
// wording keeps what the cell says, and a number that does not read that
// way is rejected saying how it was read.
TEST(ImporterTest, DecimalCommaInSemicolonFile) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称;统一社会信用代码;注册资本（万元）\n"
            "甲公司;91310000757904992P;1.234,5\n"
            "乙公司;91320413723588143D;1,5\n"
            "丙公司;91310115757910815T;50,25万欧元\n"
            "丁公司;91210204311478909W;1,2,3\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.reject_file = tmp.Sub("r.csv");
  auto s = Import(*store, tmp.Sub("e.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("in 万元) (decimal comma"));
  auto a = ByUscc(*store, "91310000757904992P");
  EXPECT_EQ(a->registered_capital().currency(), "CNY");
  EXPECT_EQ(a->registered_capital().amount_minor(), 1234500000);  // 万元.
  EXPECT_EQ(a->registered_capital_text(), "1.234,5(万元)");
  EXPECT_EQ(
      ByUscc(*store, "91320413723588143D")->registered_capital().amount_minor(),
      1500000);
  auto c = ByUscc(*store, "91310115757910815T");
  EXPECT_EQ(c->registered_capital().currency(), "EUR");
  EXPECT_EQ(c->registered_capital().amount_minor(), 50250000);
  EXPECT_EQ(c->registered_capital_text(), "50,25万欧元");
  const std::string rejects = ReadFile(tmp.Sub("r.csv"));
  EXPECT_THAT(rejects, HasSubstr("decimal comma"));
  EXPECT_THAT(rejects, HasSubstr("注册资本（万元）"));

  // Donations: an amount column with its decimal comma.
  WriteFile(tmp.Sub("d.csv"),
            "方向;捐赠形式;捐赠日期;摘要;金额（元）\n"
            "受捐;资金;2024-03-01;侨团捐款;1.500,50\n");
  ImportOptions d;
  d.kind = v1::KIND_DONATION;
  s = Import(*store, tmp.Sub("d.csv"), d);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 1u) << s->ToString();
  auto page = store->Query("donation");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(static_cast<const v1::Donation&>(*page->records[0])
                .money()
                .amount_minor(),
            150050);

  // The same cells in a file separated by commas keep the comma as the
  // thousands separator it is there.
  WriteFile(tmp.Sub("c.csv"),
            "企业名称,统一社会信用代码,注册资本（万元）\n"
            "戊公司,91310115757910460R,\"1,500\"\n");
  s = Import(*store, tmp.Sub("c.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(
      ByUscc(*store, "91310115757910460R")->registered_capital().amount_minor(),
      1500000000);
}

// Where the decimal mark is a comma, dates are written day first
// (07.05.2008 in Germany, 07/05/2008 in France, 7-5-2008 in the
// Netherlands): in a file separated by ';' they are read so; dates with
// the year first read as everywhere.
TEST(ImporterTest, DayFirstDatesInSemicolonFile) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称;统一社会信用代码;成立日期\n"
            "甲公司;91310000757904992P;07.05.2008\n"
            "乙公司;91320413723588143D;7/5/2008\n"
            "丙公司;91310115757910815T;2008-05-07\n"
            "丁公司;91210204311478909W;31.02.2020\n"
            "戊公司;91310115757910460R;07-05-2008 00:00:00\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.reject_file = tmp.Sub("r.csv");
  auto s = Import(*store, tmp.Sub("e.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 4u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("established (day first"));
  for (const char* uscc : {"91310000757904992P", "91320413723588143D",
                           "91310115757910815T", "91310115757910460R"}) {
    SCOPED_TRACE(uscc);
    auto e = ByUscc(*store, uscc);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->established().year(), 2008);
    EXPECT_EQ(e->established().month(), 5);
    EXPECT_EQ(e->established().day(), 7);
  }
  const std::string rejects = ReadFile(tmp.Sub("r.csv"));
  EXPECT_THAT(rejects, HasSubstr("not a calendar date"));
  EXPECT_THAT(rejects, HasSubstr("read day first"));

  // In a file separated by commas a date is not read day first: 07.05.2008
  // could be either, and is rejected as before.
  WriteFile(tmp.Sub("c.csv"),
            "企业名称,统一社会信用代码,成立日期\n"
            "己公司,91320413608244193E,07.05.2008\n");
  s = Import(*store, tmp.Sub("c.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
}

// Lists from associations and chambers of commerce abroad name their
// columns in English (NRIC No., D.O.B.: abbreviation points aside) and
// write nationalities as demonyms.
TEST(ImporterTest, EnglishHeadersOfListsFromAbroad) {
  TempDir tmp;
  WriteFile(
      tmp.Sub("p.csv"),
      "Name,Chinese Name,Sex,D.O.B.,Nationality,Country of Residence,"
      "H/P,E-mail,Home Address,NRIC No.,WhatsApp,Ancestral Home,"
      "Occupation,Organisation,Designation,Remarks\n"
      "TAN Wei Ming,陈伟明,M,1965-08-12,Malaysian,Malaysia,"
      "+60 12-345 6789,wm.tan@example.com,\"12 Jalan Ampang, Kuala "
      "Lumpur\",650812-14-5678,+60123456789,福建泉州,Engineer,"
      "Ampang Hokkien Association,Secretary,since 2010\n"
      "WONG Ka Ho,黄家豪,Female,1980-01-02,Chinese,Hong Kong,,,,,,,,,,\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions people;
  people.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("p.csv"), people);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  auto page = store->Query("person where name = \"TAN Wei Ming\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& tan = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(tan.name_parts().chinese(), "陈伟明");
  EXPECT_EQ(tan.gender(), v1::Person::GENDER_MALE);
  EXPECT_EQ(tan.birth_date().year(), 1965);
  ASSERT_EQ(tan.nationalities_size(), 1);
  EXPECT_EQ(tan.nationalities(0), "MY");
  EXPECT_EQ(tan.residence_country(), "MY");
  ASSERT_EQ(tan.identity_documents_size(), 1);
  EXPECT_EQ(tan.identity_documents(0).type(),
            v1::IdentityDocument::TYPE_FOREIGN_RESIDENCE_ID);
  ASSERT_EQ(tan.contacts_size(), 3);
  EXPECT_EQ(tan.contacts(0).type(), v1::Contact::TYPE_PHONE);
  EXPECT_EQ(tan.contacts(1).type(), v1::Contact::TYPE_EMAIL);
  EXPECT_EQ(tan.contacts(2).type(), v1::Contact::TYPE_WHATSAPP);
  EXPECT_EQ(tan.address().text(), "12 Jalan Ampang, Kuala Lumpur");
  EXPECT_EQ(tan.hometown().text(), "福建泉州");
  EXPECT_EQ(tan.occupation(), "Engineer");
  EXPECT_EQ(tan.employer_name(), "Ampang Hokkien Association");
  EXPECT_EQ(tan.title(), "Secretary");
  EXPECT_EQ(tan.notes(), "since 2010");
  page = store->Query("person where residence_country = \"HK\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& wong = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(wong.nationalities(0), "CN");
  EXPECT_EQ(wong.gender(), v1::Person::GENDER_FEMALE);

  WriteFile(tmp.Sub("e.csv"),
            "Company,English Name,USCC,Legal Person,Date of Incorporation,"
            "Paid-up Capital,Company Type,Company Status,Registered Address,"
            "City,Investor Country,URL,Tel.,Email Address,No. of Employees\n"
            "常州三久制造有限公司,Changzhou Sanjiu Co. Ltd,91320413723588143D,"
            "王建国,7 May 2001,\"USD 5,000,000\",有限责任公司,存续,"
            "金坛区东门大街1号,常州,Malaysia,www.sanjiu.example,0519-82345678,"
            "info@sanjiu.example,120\n");
  s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  auto e = ByUscc(*store, "91320413723588143D");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "常州三久制造有限公司");
  EXPECT_EQ(e->foreign_name(), "Changzhou Sanjiu Co. Ltd");
  EXPECT_EQ(e->legal_representative().name(), "王建国");
  EXPECT_EQ(e->established().month(), 5);
  EXPECT_EQ(e->registered_capital().currency(), "USD");
  EXPECT_EQ(e->type(), v1::Enterprise::TYPE_LIMITED_COMPANY);
  EXPECT_EQ(e->status(), v1::Enterprise::STATUS_ACTIVE);
  EXPECT_EQ(e->investor_countries(0), "MY");
  EXPECT_EQ(e->website(), "www.sanjiu.example");
  EXPECT_EQ(e->employee_count(), 120);
  ASSERT_EQ(e->contacts_size(), 2);
  EXPECT_EQ(e->contacts(0).type(), v1::Contact::TYPE_PHONE);

  // A donations ledger and an activity list: fields by their names in
  // words (Date, Receipt Number), and the words ledgers use (Amount, Venue).
  WriteFile(tmp.Sub("d.csv"),
            "Direction,Type,Date,Title,Amount,Purpose,Receipt Number,"
            "Remarks\n"
            "受捐,资金,13 May 2024,Penang Hokkien Association,\"RM 12,500.50\","
            "教育,R-2024-001,via bank\n");
  ImportOptions donations;
  donations.kind = v1::KIND_DONATION;
  s = Import(*store, tmp.Sub("d.csv"), donations);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  page = store->Query("donation");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& gift = static_cast<const v1::Donation&>(*page->records[0]);
  EXPECT_EQ(gift.money().currency(), "MYR");
  EXPECT_EQ(gift.money().amount_minor(), 1250050);
  EXPECT_EQ(gift.date().month(), 5);
  EXPECT_EQ(gift.receipt_number(), "R-2024-001");
  EXPECT_EQ(gift.notes(), "via bank");
  // Values in English: the enum's name in words (Disaster Relief), and the
  // ledgers' words for directions and forms (Received, Cash, In Kind).
  WriteFile(tmp.Sub("d2.csv"),
            "Date,Direction,Type,Title,Amount,Purpose\n"
            "2024-05-13,Received,Cash,丙,100,Disaster Relief\n"
            "2024-05-14,given,In Kind,丁,,poverty-relief\n"
            "2024-05-15,sideways,Cash,戊,5,Education\n");
  s = Import(*store, tmp.Sub("d2.csv"), donations);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  page = store->Query("donation where purpose = DISASTER_RELIEF");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& relief = static_cast<const v1::Donation&>(*page->records[0]);
  EXPECT_EQ(relief.direction(), v1::Donation::DIRECTION_INBOUND);
  EXPECT_EQ(relief.type(), v1::Donation::TYPE_MONEY);
  page = store->Query("donation where purpose = POVERTY_RELIEF");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& goods = static_cast<const v1::Donation&>(*page->records[0]);
  EXPECT_EQ(goods.direction(), v1::Donation::DIRECTION_OUTBOUND);
  EXPECT_EQ(goods.type(), v1::Donation::TYPE_GOODS);

  WriteFile(tmp.Sub("v.csv"),
            "Type,Event,Date,End Date,Venue,Organiser,No. of Participants\n"
            "座谈会,Youth forum,7 May 2024,8 May 2024,Kuala Lumpur,"
            "Selangor Chinese Assembly Hall,120\n");
  ImportOptions events;
  events.kind = v1::KIND_EVENT;
  s = Import(*store, tmp.Sub("v.csv"), events);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  page = store->Query("event");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& forum = static_cast<const v1::Event&>(*page->records[0]);
  EXPECT_EQ(forum.title(), "Youth forum");
  EXPECT_EQ(forum.end_date().day(), 8);
  EXPECT_EQ(forum.location().text(), "Kuala Lumpur");
  EXPECT_EQ(forum.organiser(), "Selangor Chinese Assembly Hall");
  EXPECT_EQ(forum.attendee_count(), 120u);
}

// Files from Hong Kong, Macau and Taiwan (often Big5) write headers and
// labels in traditional characters: read as their simplified forms.
TEST(ImporterTest, TraditionalCharacterHeadersAndLabels) {
  TempDir tmp;
  WriteFile(tmp.Sub("p.csv"),
            "姓名,性別,國籍,電話,電子郵箱,籍貫,工作單位,職務,備註\n"
            "陳大文,男,香港,(852) 9123 4567,tm@example.com,廣東台山,華僑會,"
            "會長,無\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions people;
  people.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("p.csv"), people);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("column 電話 -> contacts (电话)"));
  auto page = store->Query("person");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& chan = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(chan.name(), "陳大文");  // Values stay as written.
  EXPECT_EQ(chan.gender(), v1::Person::GENDER_MALE);
  EXPECT_EQ(chan.nationalities(0), "HK");
  EXPECT_EQ(chan.hometown().text(), "廣東台山");
  EXPECT_EQ(chan.title(), "會長");

  WriteFile(tmp.Sub("e.csv"),
            "企業名稱,統一社會信用代碼,註冊資本（萬元）,登記狀態,企業類型\n"
            "甲公司,91310000757904992P,500,存續,有限責任公司\n");
  s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  auto e = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "甲公司");
  EXPECT_EQ(e->registered_capital().amount_minor(), 500000000);  // 萬元.
  EXPECT_EQ(e->status(), v1::Enterprise::STATUS_ACTIVE);
  EXPECT_EQ(e->status_text(), "存續");  // As written.
  EXPECT_EQ(e->type(), v1::Enterprise::TYPE_LIMITED_COMPANY);

  // A registry from Hong Kong or Taiwan: placeholders (無, 暫無, 不適用),
  // types read whole in their simplified form (有限責任公司 alone would
  // say a limited company), statuses.
  WriteFile(tmp.Sub("e2.csv"),
            "企業名稱,統一社會信用代碼,註冊號,註冊資本,登記狀態,企業類型\n"
            "乙公司,91310000MA1FL4TK6D,無,無,吊銷,"
            "有限責任公司(臺港澳與境內合資)\n"
            "丙公司,91310115757910460R,暫無,不適用,在業,"
            "有限責任公司(外國法人獨資)\n"
            "丁公司,91320413608244193E,,,註銷,個人獨資企業\n");
  s = Import(*store, tmp.Sub("e2.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_EQ(s->rejected, 0u) << s->ToString();
  e = ByUscc(*store, "91310000MA1FL4TK6D");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->registration_number().empty());
  EXPECT_FALSE(e->has_registered_capital());
  EXPECT_EQ(e->status(), v1::Enterprise::STATUS_REVOKED);
  EXPECT_EQ(e->type(), v1::Enterprise::TYPE_FOREIGN_INVESTED);
  EXPECT_EQ(e->type_text(), "有限責任公司(臺港澳與境內合資)");
  e = ByUscc(*store, "91310115757910460R");
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->has_registered_capital());
  EXPECT_EQ(e->status(), v1::Enterprise::STATUS_ACTIVE);
  EXPECT_EQ(e->type(), v1::Enterprise::TYPE_FOREIGN_INVESTED);
  e = ByUscc(*store, "91320413608244193E");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->status(), v1::Enterprise::STATUS_CANCELLED);
  EXPECT_EQ(e->type(), v1::Enterprise::TYPE_SOLE_PROPRIETORSHIP);

  WriteFile(tmp.Sub("d.csv"),
            "方向,捐贈形式,捐贈日期,摘要,金額\n"
            "受捐,資金,2024-03-01,港胞捐款,500萬港幣\n");
  ImportOptions donations;
  donations.kind = v1::KIND_DONATION;
  s = Import(*store, tmp.Sub("d.csv"), donations);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  page = store->Query("donation");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& gift = static_cast<const v1::Donation&>(*page->records[0]);
  EXPECT_EQ(gift.type(), v1::Donation::TYPE_MONEY);
  EXPECT_EQ(gift.money().currency(), "HKD");
  EXPECT_EQ(gift.money().amount_minor(), 500000000);

  // Purposes in traditional characters and in their other common words:
  // 賑災 (赈灾) is disaster relief as 救灾 is, 抗疫 epidemic relief.
  WriteFile(tmp.Sub("d2.csv"),
            "方向,捐贈形式,捐贈日期,用途,金額\n"
            "受捐,資金,2024-03-02,賑災,1萬港幣\n"
            "受捐,資金,2024-03-03,抗疫,2萬港幣\n"
            "受捐,資金,2024-03-04,助學,3萬港幣\n");
  s = Import(*store, tmp.Sub("d2.csv"), donations);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  page = store->Query("donation where date >= 2024-03-02");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 3u);
  std::vector<v1::Donation::Purpose> purposes;
  for (const auto& r : page->records) {
    purposes.push_back(static_cast<const v1::Donation&>(*r).purpose());
  }
  EXPECT_THAT(purposes, ::testing::UnorderedElementsAre(
                            v1::Donation::PURPOSE_DISASTER_RELIEF,
                            v1::Donation::PURPOSE_EPIDEMIC,
                            v1::Donation::PURPOSE_EDUCATION));
}

// Ledgers and registry extracts that give the currency in a column of its
// own (币种, 注册资本币种, Currency): the currency of the row's amounts.
TEST(ImporterTest, CurrencyColumn) {
  TempDir tmp;
  WriteFile(tmp.Sub("d.csv"),
            "Date,Direction,Type,Title,Amount,Currency\n"
            "2024-05-13,受捐,资金,甲,\"12,500.50\",MYR\n"
            "2024-05-14,受捐,资金,乙,1000,新元\n"
            "2024-05-15,受捐,资金,丙,US$ 100,MYR\n"
            "2024-05-16,受捐,资金,丁,200,Dollars\n"
            "2024-05-17,受捐,资金,戊,300,\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_DONATION;
  o.reject_file = tmp.Sub("r.csv");
  auto s = Import(*store, tmp.Sub("d.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_EQ(s->rejected, 2u) << s->ToString();
  EXPECT_THAT(s->ToString(),
              HasSubstr("Currency -> the currency of the row's amounts"));
  std::map<std::string, std::pair<std::string, int64_t>> by_title;
  auto page = store->Query("donation");
  ASSERT_TRUE(page.ok()) << page.status();
  for (const auto& r : page->records) {
    const auto& d = static_cast<const v1::Donation&>(*r);
    by_title[d.title()] = {d.money().currency(), d.money().amount_minor()};
  }
  EXPECT_EQ(by_title["甲"],
            std::make_pair(std::string("MYR"), int64_t{1250050}));
  EXPECT_EQ(by_title["乙"],
            std::make_pair(std::string("SGD"), int64_t{100000}));
  // No currency in the column: the amount's own, CNY by default.
  EXPECT_EQ(by_title["戊"], std::make_pair(std::string("CNY"), int64_t{30000}));
  const std::string rejects = ReadFile(tmp.Sub("r.csv"));
  EXPECT_THAT(rejects, HasSubstr("two currencies (USD and MYR)"));
  EXPECT_THAT(rejects, HasSubstr("\"\"Dollars\"\" is not a currency"));

  // A registry extract: the capital in 万 of the currency its own column
  // names; the wording keeps both.
  WriteFile(tmp.Sub("e.csv"),
            "企业名称,统一社会信用代码,注册资本（万元）,注册资本币种\n"
            "甲公司,91310000757904992P,500,美元\n");
  s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  auto e = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->registered_capital().currency(), "USD");
  EXPECT_EQ(e->registered_capital().amount_minor(), 500000000);
  EXPECT_EQ(e->registered_capital_text(), "500(万元) 美元");
}

// Files from places that write dates day first (Hong Kong, Singapore,
// Malaysia, Europe) or month first (Excel in the United States), and
// numbers with a decimal comma, read as the import is told.
TEST(ImporterTest, DateOrderAsTold) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称,统一社会信用代码,成立日期\n"
            "甲公司,91310000757904992P,07/05/2008\n"
            "乙公司,91320413723588143D,7.5.2008\n"
            "丙公司,91310115757910815T,2008-05-07\n"
            "丁公司,91210204311478909W,13/05/2008\n");
  struct Case {
    ImportDateOrder order;
    uint64_t created;
    // The established dates of 甲, 乙, 丙 and 丁 (month * 100 + day; 0:
    // rejected).
    int dates[4];
    const char* reason;  // Of the first rejected row.
  };
  const Case cases[] = {
      {ImportDateOrder::kDayFirst, 4, {507, 507, 507, 513}, nullptr},
      {ImportDateOrder::kMonthFirst,
       3,
       {705, 705, 507, 0},
       "read month first, as the import was told"},
      {ImportDateOrder::kYearFirst, 1, {0, 0, 507, 0}, "expected a date"},
      {ImportDateOrder::kAuto,
       1,
       {0, 0, 507, 0},
       "07/05/2008\"\" writes the day and the month before the year: give "
       "the file's date order (dmy: day first, mdy: month first)"},
  };
  const char* uscc_of[] = {"91310000757904992P", "91320413723588143D",
                           "91310115757910815T", "91210204311478909W"};
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.order));
    auto store = OpenStore(tmp.Sub(absl::StrCat("s", ++n)));
    ImportOptions o;
    o.date_order = c.order;
    o.reject_file = tmp.Sub("r.csv");
    auto s = Import(*store, tmp.Sub("e.csv"), o);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->created, c.created) << s->ToString();
    EXPECT_EQ(s->rejected, 4 - c.created) << s->ToString();
    for (int i = 0; i < 4; ++i) {
      SCOPED_TRACE(uscc_of[i]);
      auto e = ByUscc(*store, uscc_of[i]);
      if (c.dates[i] == 0) {
        EXPECT_EQ(e, nullptr);
        continue;
      }
      ASSERT_NE(e, nullptr);
      EXPECT_EQ(e->established().year(), 2008);
      EXPECT_EQ(e->established().month() * 100 + e->established().day(),
                c.dates[i]);
    }
    if (c.reason != nullptr) {
      EXPECT_THAT(ReadFile(tmp.Sub("r.csv")), HasSubstr(c.reason));
    }
  }
  // The column list says how the dates were read.
  auto store = OpenStore(tmp.Sub("list"));
  ImportOptions o;
  o.date_order = ImportDateOrder::kMonthFirst;
  o.dry_run = true;
  auto s = Import(*store, tmp.Sub("e.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->ToString(), HasSubstr("established (month first"));

  // Told year first, a file separated by ';' is not read day first, and
  // no hint follows the error.
  WriteFile(tmp.Sub("semi.csv"),
            "企业名称;统一社会信用代码;成立日期\n"
            "甲公司;91310000757904992P;07.05.2008\n");
  o = {};
  o.date_order = ImportDateOrder::kYearFirst;
  o.reject_file = tmp.Sub("r.csv");
  s = Import(*OpenStore(tmp.Sub("semi")), tmp.Sub("semi.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(ReadFile(tmp.Sub("r.csv")), Not(HasSubstr("date order")));

  // A header that says how its dates are written is believed, unless the
  // import is told otherwise.
  WriteFile(tmp.Sub("noted.csv"),
            "企业名称,统一社会信用代码,成立日期 (DD/MM/YYYY)\n"
            "甲公司,91310000757904992P,07/05/2008\n"
            "乙公司,91320413723588143D,31/02/2008\n");
  for (ImportDateOrder order :
       {ImportDateOrder::kAuto, ImportDateOrder::kMonthFirst}) {
    o = {};
    o.date_order = order;
    o.reject_file = tmp.Sub("r.csv");
    auto noted_store = OpenStore(tmp.Sub(absl::StrCat("noted", ++n)));
    s = Import(*noted_store, tmp.Sub("noted.csv"), o);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->created, 1u) << s->ToString();
    auto e = ByUscc(*noted_store, "91310000757904992P");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->established().month() * 100 + e->established().day(),
              order == ImportDateOrder::kAuto ? 507 : 705);
    EXPECT_THAT(ReadFile(tmp.Sub("r.csv")),
                HasSubstr(order == ImportDateOrder::kAuto
                              ? "read day first, as its header says"
                              : "read month first, as the import was told"));
  }

  // A year of two digits reads in no order.
  WriteFile(tmp.Sub("short.csv"),
            "企业名称,统一社会信用代码,成立日期\n"
            "甲公司,91310000757904992P,7/5/08 0:00\n");
  for (ImportDateOrder order :
       {ImportDateOrder::kAuto, ImportDateOrder::kDayFirst}) {
    o = {};
    o.date_order = order;
    o.reject_file = tmp.Sub("r.csv");
    s = Import(*OpenStore(tmp.Sub(absl::StrCat("short", ++n))),
               tmp.Sub("short.csv"), o);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->rejected, 1u) << s->ToString();
    EXPECT_THAT(ReadFile(tmp.Sub("r.csv")),
                HasSubstr("has a year of two digits (08: 1908 or 2008?): "
                          "write the year in full"));
  }

  // JSON Lines write dates year first.
  WriteFile(tmp.Sub("e.jsonl"), "{\"name\": \"甲公司\"}\n");
  o = {};
  o.date_order = ImportDateOrder::kDayFirst;
  s = Import(*store, tmp.Sub("e.jsonl"), o);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("a date order was given"));
}

TEST(ImporterTest, DecimalMarkAsTold) {
  TempDir tmp;
  // A TSV file from a place with the decimal comma (nothing in it says so).
  WriteFile(tmp.Sub("e.tsv"),
            "企业名称\t统一社会信用代码\t注册资本（万元）\n"
            "甲公司\t91310000757904992P\t1.234,5\n"
            "乙公司\t91320413723588143D\t1,2,3\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.decimal_mark = ImportDecimalMark::kComma;
  o.reject_file = tmp.Sub("r.csv");
  auto s = Import(*store, tmp.Sub("e.tsv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("(decimal comma: 1.234,5 is 1234.5)"));
  auto a = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->registered_capital().amount_minor(), 1234500000);  // 万元.
  EXPECT_EQ(a->registered_capital_text(), "1.234,5(万元)");
  EXPECT_THAT(ReadFile(tmp.Sub("r.csv")),
              HasSubstr("read with a decimal comma, as the import was told"));

  // Told the point, a file separated by ';' keeps it: 1,234.5 is 1234.5
  // (read with the comma, it would be rejected).
  WriteFile(tmp.Sub("semi.csv"),
            "企业名称;统一社会信用代码;注册资本（万元）\n"
            "丙公司;91310115757910815T;1,234.5\n");
  o = {};
  o.decimal_mark = ImportDecimalMark::kPoint;
  s = Import(*store, tmp.Sub("semi.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), Not(HasSubstr("decimal comma")));
  EXPECT_EQ(
      ByUscc(*store, "91310115757910815T")->registered_capital().amount_minor(),
      1234500000);

  // A workbook holds numbers as numbers: a decimal mark is refused before
  // the file is read.
  o = {};
  o.decimal_mark = ImportDecimalMark::kComma;
  s = Import(*store, tmp.Sub("e.xlsx"), o);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("not a CSV or TSV file"));
}

TEST(ImporterTest, DateOrderAndDecimalMarkNames) {
  EXPECT_EQ(*ParseImportDateOrder("DMY"), ImportDateOrder::kDayFirst);
  EXPECT_EQ(*ParseImportDateOrder("month-first"), ImportDateOrder::kMonthFirst);
  EXPECT_EQ(*ParseImportDateOrder("ymd"), ImportDateOrder::kYearFirst);
  EXPECT_EQ(*ParseImportDateOrder("auto"), ImportDateOrder::kAuto);
  EXPECT_THAT(ParseImportDateOrder("dd/mm/yyyy").status().message(),
              HasSubstr("expected auto, ymd (year first), dmy"));
  EXPECT_EQ(*ParseImportDecimalMark(","), ImportDecimalMark::kComma);
  EXPECT_EQ(*ParseImportDecimalMark("Point"), ImportDecimalMark::kPoint);
  EXPECT_THAT(ParseImportDecimalMark("dot").status().message(),
              HasSubstr("expected auto, point or comma"));
}

// Excel saves "CSV" with semicolons where the decimal mark is a comma (as
// lists from associations in much of Europe come): read so when no header
// reads with commas; a comma file stays a comma file.
TEST(ImporterTest, SemicolonOrTabSeparatedCsv) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "欧洲侨团名单;;\r\n"
            "企业名称;统一社会信用代码;经营范围\r\n"
            "甲公司;91310000757904992P;进出口, 批发\r\n"
            "\"乙;公司\";91320413723588143D;零售\r\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->delimiter, ";");
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->header_line, 2u);
  EXPECT_THAT(s->ToString(), HasSubstr("(utf-8, separated by ;)"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"delimiter\":\";\""));
  EXPECT_EQ(ByUscc(*store, "91310000757904992P")->business_scope(),
            "进出口, 批发");
  EXPECT_EQ(ByUscc(*store, "91320413723588143D")->name(), "乙;公司");

  // Semicolons inside the fields of a comma file do not change it.
  WriteFile(tmp.Sub("c.csv"),
            "企业名称,统一社会信用代码,经营范围\n"
            "丙公司,91310115757910815T,生产;销售;维修\n");
  s = Import(*store, tmp.Sub("c.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->delimiter, ",");
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(ByUscc(*store, "91310115757910815T")->business_scope(),
            "生产;销售;维修");
  // A ".csv" that holds tabs, as some systems export under that name.
  WriteFile(tmp.Sub("t.csv"),
            "企业名称\t统一社会信用代码\n丁公司\t91210204311478909W\n");
  s = Import(*store, tmp.Sub("t.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->delimiter, "\t");
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("(utf-8, separated by tabs)"));
  // Neither way: the error of the comma reading.
  WriteFile(tmp.Sub("x.csv"), "甲;乙\n1;2\n");
  s = Import(*store, tmp.Sub("x.csv"), {});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr("(header: 甲;乙)"));
}

// Rosters from abroad often hold both names in one cell. The Chinese name
// becomes the name and both become the name's parts, so that search and
// duplicate detection meet them; a cell in one script stays as written.
TEST(ImporterTest, ChineseAndLatinNamesInOneCell) {
  TempDir tmp;
  WriteFile(tmp.Sub("p.csv"),
            "姓名,外文姓名\n"
            "陈伟明 Tan Wei Ming,\n"
            "林淑芬（Lim Siew Hoon）,\n"
            "Nguyen Van An / 阮文安,\n"
            "阿依古丽·买买提 Ayguli,\n"
            "黄  志  强 Wong Chi Keung,Ng Chi Keung\n"
            "Tan Ah Kow,\n"
            "陈伟明 李娜,\n"  // Spaces between Han characters go.
            "王五 2号,\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  o.duplicates = ImportDuplicates::kOff;
  auto s = Import(*store, tmp.Sub("p.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 8u) << s->ToString();
  auto page = store->Query("person");
  ASSERT_TRUE(page.ok()) << page.status();
  std::vector<std::tuple<std::string, std::string, std::string>> got;
  for (const auto& r : page->records) {
    const auto& p = static_cast<const v1::Person&>(*r);
    got.emplace_back(p.name(), p.name_parts().chinese(),
                     p.name_parts().latin());
  }
  using T = std::tuple<std::string, std::string, std::string>;
  EXPECT_THAT(
      got, ::testing::ElementsAre(
               T{"陈伟明", "陈伟明", "Tan Wei Ming"},
               T{"林淑芬", "林淑芬", "Lim Siew Hoon"},
               T{"阮文安", "阮文安", "Nguyen Van An"},
               T{"阿依古丽·买买提", "阿依古丽·买买提", "Ayguli"},
               // A Latin name of its own column is kept.
               T{"黄志强", "黄志强", "Ng Chi Keung"}, T{"Tan Ah Kow", "", ""},
               T{"陈伟明李娜", "", ""}, T{"王五 2号", "", ""}));
  // Found by either name.
  auto hits = Search(*store, v1::KIND_PERSON, "Lim Siew Hoon");
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].text, "Lim Siew Hoon");
}

// 企业类型 and 登记状态: classified, and the registry's wording kept, unless
// the cell is the class's own Chinese label (which says no more).
TEST(ImporterTest, TypeAndStatusWordingIsKeptUnlessItIsTheLabel) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称,统一社会信用代码,企业类型,登记状态\n"
            "甲公司,91310000757904992P,有限责任公司,存续\n"
            "乙公司,91320413723588143D,有限责任公司（自然人投资或控股）,"
            "存续（在营、开业、在册）\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 2u) << s->ToString();
  auto a = ByUscc(*store, "91310000757904992P");
  EXPECT_EQ(a->type(), v1::Enterprise::TYPE_LIMITED_COMPANY);
  EXPECT_EQ(a->status(), v1::Enterprise::STATUS_ACTIVE);
  EXPECT_EQ(a->type_text(), "");
  EXPECT_EQ(a->status_text(), "");
  auto b = ByUscc(*store, "91320413723588143D");
  EXPECT_EQ(b->type(), v1::Enterprise::TYPE_LIMITED_COMPANY);
  EXPECT_EQ(b->status(), v1::Enterprise::STATUS_ACTIVE);
  EXPECT_EQ(b->type_text(), "有限责任公司（自然人投资或控股）");
  EXPECT_EQ(b->status_text(), "存续（在营、开业、在册）");
}

// More headers as hand-made lists write them, and a header giving two
// names of one field ("法定代表人/负责人"); two names of different fields
// ("姓名/电话") map to neither.
TEST(ImporterTest, HeaderAliasesAndTwoNamesForOneColumn) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "机构名称,社会统一信用代码,法定代表人/负责人,成立时间,详细地址,"
            "企业名称／电话\n"
            "甲商会,91310000757904992P,张三,2001-05-07,金坛区东门大街1号,x\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ignored_columns, ::testing::ElementsAre("企业名称／电话"));
  auto e = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name(), "甲商会");
  EXPECT_EQ(e->legal_representative().name(), "张三");
  EXPECT_EQ(e->established().year(), 2001);
  EXPECT_EQ(e->address().text(), "金坛区东门大街1号");

  WriteFile(tmp.Sub("p.csv"),
            "名字,身份证,出生年月日,居住地\n"
            "王五,11010519491231002X,1949-12-31,吉隆坡\n");
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  s = Import(*store, tmp.Sub("p.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->created, 1u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  auto page = store->Query("person");
  ASSERT_TRUE(page.ok()) << page.status();
  const auto& p = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(p.name(), "王五");
  EXPECT_EQ(p.identity_documents(0).number(), "11010519491231002X");
  EXPECT_EQ(p.address().text(), "吉隆坡");
}

// Older rosters hold first-generation resident numbers (15 digits, issued
// to 1999): converted to the 18-character form (the year's "19" and the
// check character), with a warning that names both.
TEST(ImporterTest, FifteenDigitResidentNumbersAreConverted) {
  TempDir tmp;
  WriteFile(tmp.Sub("p.csv"),
            "姓名,身份证号码\n"
            "张三,110105491231002\n"
            "李四,110105491331002\n");  // Month 13: no date, rejected.
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("p.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_EQ(s->warned, 1u) << s->ToString();
  EXPECT_THAT(s->warnings_by_reason,
              ::testing::ElementsAre(::testing::Pair(
                  "身份证号码: the 15-digit number … was converted to the "
                  "18-character …",
                  1u)));
  auto page = store->Query("person where id_number = \"11010519491231002X\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& p = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(p.name(), "张三");
  EXPECT_EQ(p.birth_date().year(), 1949);
  // Searched for by the old number, as staff may still have it.
  auto hits = Search(*store, v1::KIND_PERSON, "110105491231002");
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].field, "identity document");
}

// A column ignored for a slip in its header (a character left out, added
// or changed) says which known header it is close to.
TEST(ImporterTest, IgnoredColumnsNameTheHeaderTheyAreCloseTo) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名,统一社会信用代码,法人代表人,注册资,序号\n"
            "甲公司,91310000757904992P,张三,100,1\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.dry_run = true;
  auto s = Import(*store, tmp.Sub("e.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->ignored_columns,
              ::testing::ElementsAre("企业名", "法人代表人", "注册资", "序号"));
  EXPECT_THAT(s->suggested_columns,
              ::testing::UnorderedElementsAre(
                  ::testing::Pair("企业名", "企业名称 is name"),
                  ::testing::Pair("法人代表人",
                                  "法人代表 is legal_representative.name"),
                  ::testing::Pair("注册资", "注册资本 is registered_capital")));
  EXPECT_THAT(s->ToString(),
              HasSubstr("column 企业名 ignored (no matching field; a close "
                        "header: 企业名称 is name)"));
  EXPECT_THAT(s->ToString(),
              HasSubstr("column 序号 ignored (no matching field)"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"suggested_columns\":{"));
}

// Two columns that give the same single value (a name column twice; 住所
// and 经营地址) do not overwrite each other: the first gives it, the
// later one only where the first is empty, and the summary says so.
TEST(ImporterTest, TwoColumnsForOneValueFillItInTheirOrder) {
  TempDir tmp;
  WriteFile(tmp.Sub("e.csv"),
            "企业名称,统一社会信用代码,住所,经营地址,企业名称\n"
            "甲公司,91310000757904992P,住所一,经营地一,甲公司（副本）\n"
            "乙公司,91320413723588143D,,经营地二,\n"
            ",91310115757910815T,住所三,,丙公司\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("e.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_THAT(
      s->mapped_columns,
      ::testing::IsSupersetOf(
          {::testing::Pair("经营地址",
                           "address.text, where column 3 (住所) is empty"),
           ::testing::Pair("企业名称",
                           "name, where column 1 (企业名称) is empty")}));
  auto a = ByUscc(*store, "91310000757904992P");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name(), "甲公司");
  EXPECT_EQ(a->address().text(), "住所一");
  auto b = ByUscc(*store, "91320413723588143D");
  EXPECT_EQ(b->name(), "乙公司");
  EXPECT_EQ(b->address().text(), "经营地二");
  auto c = ByUscc(*store, "91310115757910815T");
  EXPECT_EQ(c->name(), "丙公司");
  EXPECT_EQ(c->address().text(), "住所三");

  // Columns of lists add up: two phone columns give two phones.
  WriteFile(tmp.Sub("p.csv"),
            "企业名称,统一社会信用代码,电话,更多电话\n"
            "丁公司,91210204311478909W,0519-82345678,13900001111\n");
  s = Import(*store, tmp.Sub("p.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(ByUscc(*store, "91210204311478909W")->contacts_size(), 2);

  // Given fields, the same field twice is an error.
  auto twice = RecordFromFields(*store, v1::KIND_ENTERPRISE,
                                {{"企业名称", "甲"}, {"name", "乙"}});
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(twice.status().message(),
              HasSubstr("\"企业名称\" and \"name\" both give name"));
}

// Generates a registry of `n` rows with valid, distinct USCCs.
std::string GenerateRegistry(int n) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int kWeights[] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                 29, 25, 13, 8,  24, 10, 30, 28};
  std::string out = "企业名称,统一社会信用代码,注册日期,注册资金\n";
  for (int i = 0; i < n; ++i) {
    char body[32];
    std::snprintf(body, sizeof(body), "91310000%09d", i);
    int sum = 0;
    for (int k = 0; k < 17; ++k) {
      sum +=
          static_cast<int>(std::string(kAlphabet).find(body[k])) * kWeights[k];
    }
    std::string code(body, 17);
    code.push_back(kAlphabet[(31 - sum % 31) % 31]);
    out += "测试企业" + std::to_string(i) + "有限公司," + code +
           ",2010-05-07,\"" + std::to_string(i % 1000 + 1) + "(万元人民币)\"\n";
  }
  return out;
}

// Exact repeats are found when the row hashes no longer fit in memory and
// the earlier rows' hashes are in run files: counted as duplicates (not as
// rows matching a record), and the run files leave nothing behind.
TEST(ImporterTest, RepeatsFarApartAreFoundAfterRowHashesSpill) {
  TempDir tmp;
  ingest::SetImportRowHashMemoryEntriesForTesting(64);
  const std::string reg = GenerateRegistry(2000);
  std::vector<std::string> lines = absl::StrSplit(reg, '\n');
  std::string csv = reg;
  for (int i : {1, 2, 50, 700, 1300, 1999}) csv += lines[i] + "\n";
  for (int i = 1; i <= 2000; i += 20) csv += lines[i] + "\n";
  WriteFile(tmp.Sub("r.csv"), csv);
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("r.csv"), {});
  ingest::SetImportRowHashMemoryEntriesForTesting(0);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows, 2106u);
  EXPECT_EQ(s->created, 2000u);
  EXPECT_EQ(s->duplicates, 106u);
  EXPECT_EQ(s->unchanged, 0u);
  EXPECT_EQ(Accounted(*s), s->rows);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 2000u);
  for (const auto& e : std::filesystem::directory_iterator(tmp.Sub("s"))) {
    EXPECT_THAT(e.path().filename().string(),
                ::testing::Not(HasSubstr("qiaolian-scratch")));
  }
}

// A bulk load ends with the store's tables in one level, so that a search
// or a query seeks one table per key range instead of one per level; what
// it loaded reads back.
TEST(ImporterTest, BulkLoadLeavesTheTablesInOneLevel) {
  TempDir tmp;
  WriteFile(tmp.Sub("r.csv"), GenerateRegistry(5000));
  StoreOptions so;
  so.create_if_missing = true;
  so.write_buffer_bytes = 64 << 10;  // Many flushes, several levels.
  auto store = Store::Open(tmp.Sub("s"), so);
  ASSERT_TRUE(store.ok()) << store.status();
  auto s = Import(**store, tmp.Sub("r.csv"), {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->bulk_load);
  EXPECT_EQ(s->created, 5000u);
  EXPECT_THAT(s->ToString(), HasSubstr("tables compacted in"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"compact_seconds\":"));
  int levels = 0;
  const std::string files = testing::FilesByLevel(**store, &levels);
  EXPECT_EQ(levels, 1) << "files by level: " << files;
  auto hits = Search(**store, v1::KIND_ENTERPRISE, "测试企业4999有限公司", {});
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().score, 100);
  EXPECT_TRUE((*store)->Verify()->problems.empty());
}

// Killing the process in the middle of an import leaves a store that opens,
// verifies, and is completed by running the import again.
TEST(ImporterTest, KillDuringImportThenRerunCompletes) {
  TempDir tmp;
  // Still seconds of import under a sanitizer, so the kill comes mid-way.
  const int kRows = testing::ScaledForSanitizers(20000, 4);
  WriteFile(tmp.Sub("big.csv"), GenerateRegistry(kRows));
  const std::string dir = tmp.Sub("s");
  { OpenStore(dir); }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = Store::Open(dir);
    if (!store.ok()) _exit(2);
    ImportOptions o;
    o.batch_rows = 500;
    (void)Import(**store, tmp.Sub("big.csv"), o);
    _exit(0);
  }
  // Let it write some batches, then kill it without warning.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);

  auto store = OpenStore(dir);
  ASSERT_NE(store, nullptr);
  auto report = store->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty()) << report->problems[0];
  const uint64_t partial = *store->Count(v1::KIND_ENTERPRISE);
  EXPECT_LE(partial, uint64_t{kRows});
  auto rerun = Import(*store, tmp.Sub("big.csv"), {});
  ASSERT_TRUE(rerun.ok()) << rerun.status();
  EXPECT_EQ(rerun->created + rerun->unchanged, uint64_t{kRows});
  EXPECT_EQ(rerun->unchanged, partial);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), uint64_t{kRows});
  EXPECT_TRUE(store->Verify()->problems.empty());
}

// The real registry extracts (../shared/data/registries, or
// $QIAOLIAN_SHARED_DATA/registries): Shanghai's, then Liaoning's; empty,
// with `why` saying where they were looked for, when either is absent.
std::vector<std::string> RealExtracts(std::string* why) {
  const char* env = std::getenv("QIAOLIAN_SHARED_DATA");
  const std::string data =
      std::string(env != nullptr ? env : "../shared/data") + "/registries";
  const std::vector<std::string> files = {
      data + "/cn_registry_2004_shanghai.csv",
      data + "/cn_registry_2012_liaoning.csv"};
  for (const std::string& f : files) {
    if (!std::filesystem::exists(f)) {
      *why = absl::StrCat("real registry extracts not found under ", data,
                          " (they live in ../shared/data, never in the "
                          "repository)");
      return {};
    }
  }
  return files;
}

// The real registry extracts (../shared/data/registries): every row is
// accounted for.
TEST(ImporterTest, RealRegistryExtractsImportWithEveryRowAccountedFor) {
  std::string why;
  const std::vector<std::string> extracts = RealExtracts(&why);
  if (extracts.empty()) GTEST_SKIP() << why;
  const std::string& sh = extracts[0];
  const std::string& ln = extracts[1];
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  for (const auto& [file, rows] :
       {std::pair<std::string, uint64_t>{sh, 11023},
        std::pair<std::string, uint64_t>{ln, 10251}}) {
    ImportOptions o;
    o.reject_file = tmp.Sub("rejects.csv");
    auto s = Import(*store, file, o);
    ASSERT_TRUE(s.ok()) << s.status();
    std::cout << s->ToString() << "\n";
    EXPECT_EQ(s->rows, rows);
    EXPECT_EQ(Accounted(*s), rows) << s->ToString();
    EXPECT_GT(s->created, rows * 9 / 10) << s->ToString();
  }
  EXPECT_TRUE(store->Verify()->problems.empty());
}

// The real extracts again, in traditional characters (OpenCC's s2t, headers
// and values), as a registry from Hong Kong or Taiwan writes them: every row
// is accounted for as in the original, and each record gets the same codes,
// type, status, date and capital (its text fields stay as written).
TEST(ImporterTest, RealRegistryExtractsInTraditionalCharactersImportAlike) {
  std::string why;
  const std::vector<std::string> extracts = RealExtracts(&why);
  if (extracts.empty()) GTEST_SKIP() << why;
  const std::string& sh = extracts[0];
  const std::string& ln = extracts[1];
  opencc_t s2t = reinterpret_cast<opencc_t>(-1);
  for (const char* config : {"s2t.json", "/usr/share/opencc/s2t.json"}) {
    s2t = opencc_open(config);
    if (s2t != reinterpret_cast<opencc_t>(-1)) break;
  }
  ASSERT_NE(s2t, reinterpret_cast<opencc_t>(-1)) << opencc_error();
  TempDir tmp;
  auto simplified = OpenStore(tmp.Sub("s"));
  auto traditional = OpenStore(tmp.Sub("t"));
  for (const std::string& file : {sh, ln}) {
    SCOPED_TRACE(file);
    const std::string text = ReadFile(file);
    char* converted = opencc_convert_utf8(s2t, text.data(), text.size());
    ASSERT_NE(converted, nullptr);
    const std::string copy = tmp.Sub("traditional.csv");
    WriteFile(copy, converted);
    opencc_convert_utf8_free(converted);
    ASSERT_NE(ReadFile(copy), text);
    auto a = Import(*simplified, file, {});
    auto b = Import(*traditional, copy, {});
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(b->rows, a->rows);
    EXPECT_EQ(Accounted(*b), b->rows) << b->ToString();
    EXPECT_EQ(b->created, a->created) << a->ToString() << b->ToString();
    EXPECT_EQ(b->duplicates, a->duplicates);
    EXPECT_EQ(b->rejected, a->rejected) << a->ToString() << b->ToString();
  }
  opencc_close(s2t);
  // Record by record: both stores numbered their records alike.
  auto all = [](Store& store) {
    std::map<uint64_t, std::string> out;
    QueryOptions o;
    do {
      auto page = store.Query("enterprise", o);
      if (!page.ok()) break;
      for (const auto& r : page->records) {
        const auto& e = static_cast<const v1::Enterprise&>(*r);
        out[e.meta().id()] = absl::StrCat(
            e.uscc(), "|", e.registration_number(), "|", e.unverified_uscc(),
            "|", e.type(), "|", e.status(), "|", e.established().year(), "-",
            e.established().month(), "-", e.established().day(), "|",
            e.registered_capital().currency(), " ",
            e.registered_capital().amount_minor());
      }
      o.cursor = page->next_cursor;
    } while (!o.cursor.empty());
    return out;
  };
  const std::map<uint64_t, std::string> want = all(*simplified);
  const std::map<uint64_t, std::string> got = all(*traditional);
  EXPECT_GT(want.size(), 19000u);
  EXPECT_EQ(got.size(), want.size());
  size_t differ = 0;
  for (const auto& [id, fields] : want) {
    auto it = got.find(id);
    const std::string other = it == got.end() ? "(none)" : it->second;
    if (other != fields && ++differ <= 5) {
      ADD_FAILURE() << "enterprise " << id << ": " << fields << " against "
                    << other;
    }
  }
  EXPECT_EQ(differ, 0u);
}

// A case register as offices keep it (信访台账, 来访登记表): its own
// headers, the people who came by name, and the channel its headers name;
// a field the register has no column for is given for every row
// (ImportOptions::values, --set), and a required one without either is
// rejected saying so.
// Case types in the words registers use, simplified or traditional: 投诉
// (complaint) is a petition, as "Complaint" is in English lists; 求助 a
// request for help; 諮詢 a consultation.
TEST(ImporterTest, CaseTypesInTheirCommonWords) {
  TempDir tmp;
  WriteFile(tmp.Sub("c.csv"),
            "編號,登記日期,來源,類型,反映問題,來訪人\n"
            "XF-1,2024-05-06,來訪,投訴,僑房退還,李娜\n"
            "XF-2,2024-05-07,來電,投诉,签证,张伟\n"
            "XF-3,2024-05-08,來信,求助,子女就學,陳大文\n"
            "XF-4,2024-05-09,來信,諮詢,歸僑身份認定,黃志強\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_CASE;
  auto s = Import(*store, tmp.Sub("c.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 4u) << s->ToString();
  EXPECT_EQ(s->warned, 0u) << s->ToString();
  auto page = store->Query("case");
  ASSERT_TRUE(page.ok()) << page.status();
  std::map<std::string, v1::Case::Type> types;
  for (const auto& r : page->records) {
    const auto& c = static_cast<const v1::Case&>(*r);
    types[c.number()] = c.type();
  }
  EXPECT_EQ(types["XF-1"], v1::Case::TYPE_PETITION);
  EXPECT_EQ(types["XF-2"], v1::Case::TYPE_PETITION);
  EXPECT_EQ(types["XF-3"], v1::Case::TYPE_SERVICE_REQUEST);
  EXPECT_EQ(types["XF-4"], v1::Case::TYPE_CONSULTATION);
}

TEST(ImporterTest, CaseRegisterWithValuesForEveryRow) {
  TempDir tmp;
  WriteFile(tmp.Sub("visits.csv"),
            "编号,来访日期,来访人,被反映人,反映问题,诉求,承办人,处理结果,"
            "事项类型\n"
            "XF-001,2024-03-05,王芳,东崛购物中心,房屋租赁纠纷,退还押金,李明,"
            "已解决,\n"
            "XF-002,2024/3/6,李娜、张伟,,子女就学,咨询入学政策,李明,,咨询\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_CASE;
  o.reject_file = tmp.Sub("r.csv");
  // Without a type for the first row: rejected, saying how to give one.
  auto s = Import(*store, tmp.Sub("visits.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(ReadFile(tmp.Sub("r.csv")),
              HasSubstr("case.type: required (not TYPE_UNSPECIFIED); the "
                        "row gives none: give one, or a value for every row "
                        "that gives none (qiaolian import --set type=VALUE)"));
  // Given for every row that gives none: the second keeps its own.
  o.values = {{"事项类型", "信访"}, {"topic", "其他"}};
  s = Import(*store, tmp.Sub("visits.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->unchanged, 1u) << s->ToString();
  EXPECT_EQ(s->rejected, 0u) << s->ToString();
  EXPECT_THAT(s->ToString(),
              HasSubstr("column 事项类型 = 信访 -> type, for every row that "
                        "gives none"));
  EXPECT_THAT(s->ToString(),
              HasSubstr("-> channel (as the header 来访日期 says)"));
  auto page = store->Query("case where number = \"XF-001\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& first = static_cast<const v1::Case&>(*page->records[0]);
  EXPECT_EQ(first.type(), v1::Case::TYPE_PETITION);
  EXPECT_EQ(first.channel(), v1::Case::CHANNEL_VISIT);
  EXPECT_EQ(first.topic(), v1::Case::TOPIC_OTHER);
  EXPECT_EQ(first.received().day(), 5);
  EXPECT_EQ(first.title(), "房屋租赁纠纷");
  EXPECT_EQ(first.description(), "退还押金");
  EXPECT_EQ(first.handler(), "李明");
  EXPECT_EQ(first.outcome(), v1::Case::OUTCOME_RESOLVED);
  ASSERT_EQ(first.parties_size(), 2);
  EXPECT_EQ(first.parties(0).name(), "王芳");
  EXPECT_EQ(first.parties(0).role(), v1::Case::Party::ROLE_APPLICANT);
  EXPECT_EQ(first.parties(1).name(), "东崛购物中心");
  EXPECT_EQ(first.parties(1).role(), v1::Case::Party::ROLE_RESPONDENT);
  page = store->Query("case where number = \"XF-002\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& second = static_cast<const v1::Case&>(*page->records[0]);
  EXPECT_EQ(second.type(), v1::Case::TYPE_CONSULTATION);  // Its own.
  ASSERT_EQ(second.parties_size(), 2);
  EXPECT_EQ(second.parties(1).name(), "张伟");

  // JSON Lines take the values too, where a record gives none.
  WriteFile(tmp.Sub("cases.jsonl"),
            "{\"received\":{\"year\":2024,\"month\":4,\"day\":1},"
            "\"channel\":\"CHANNEL_PHONE\",\"number\":\"J-1\"}\n"
            "{\"received\":{\"year\":2024,\"month\":4,\"day\":2},"
            "\"channel\":\"CHANNEL_PHONE\",\"type\":\"TYPE_CONSULTATION\","
            "\"number\":\"J-2\"}\n");
  ImportOptions jo;
  jo.kind = v1::KIND_CASE;
  jo.values = {{"type", "信访"}};
  s = Import(*store, tmp.Sub("cases.jsonl"), jo);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  for (const auto& [number, type] : {std::pair{"J-1", v1::Case::TYPE_PETITION},
                                     {"J-2", v1::Case::TYPE_CONSULTATION}}) {
    auto got =
        store->Query(absl::StrCat("case where number = \"", number, "\""));
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->records.size(), 1u) << number;
    EXPECT_EQ(static_cast<const v1::Case&>(*got->records[0]).type(), type)
        << number;
  }

  // One record from fields (qiaolian add) reads its fields' names as a
  // file's headers: 来访日期 says the case came by visit.
  auto one = RecordFromFields(
      *store, v1::KIND_CASE,
      {{"来访日期", "2024-03-07"}, {"来访人", "赵强"}, {"类型", "咨询"}});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(static_cast<const v1::Case&>(**one).channel(),
            v1::Case::CHANNEL_VISIT);
  auto without = RecordFromFields(
      *store, v1::KIND_CASE, {{"received", "2024-03-07"}, {"type", "咨询"}});
  ASSERT_FALSE(without.ok());
  EXPECT_THAT(without.status().message(),
              HasSubstr("case.channel: required (not CHANNEL_UNSPECIFIED); "
                        "give it (channel=VALUE): 来信, 来访, 来电, 网上, "
                        "电子邮件, 法院转来 or 其他"));
  // A category of many values: the first few, and how many there are.
  auto no_type =
      RecordFromFields(*store, v1::KIND_EVENT, {{"date", "2024-03-07"}});
  ASSERT_FALSE(no_type.ok());
  EXPECT_THAT(no_type.status().message(),
              HasSubstr("give it (type=VALUE): 走访企业, 走访慰问, 电话问候, "
                        "电邮, 书信, 会议, 颁奖典礼, 宣讲 … (24 categories)"));

  // Values that cannot be given fail the import, naming them.
  const std::pair<std::vector<std::pair<std::string, std::string>>, const char*>
      kBad[] = {
          {{{"来历", "x"}}, "\"来历\" names no field of case"},
          {{{"type", "表扬"}}, "\"表扬\" is not a value of Type"},
          {{{"来访人", "王芳"}}, "is a code, contact, document or party"},
          {{{"parties.role", "申请人"}}, "parties.role is inside a list"},
          {{{"received", ""}}, "no value"},
      };
  for (const auto& [values, message] : kBad) {
    SCOPED_TRACE(message);
    o.values = values;
    s = Import(*store, tmp.Sub("visits.csv"), o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.status().message(), HasSubstr("value for every row"));
    EXPECT_THAT(s.status().message(), HasSubstr(message));
  }
}

// Ledgers of activities and gifts as offices keep them (活动台账, 捐赠台账):
// their own headers, the people taking part, giving or receiving by name,
// the direction of gifts from whether the ledger names donors or
// recipients, a purpose written as free text kept as written.
TEST(ImporterTest, ActivityAndGiftLedgers) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  WriteFile(tmp.Sub("events.csv"),
            "序号,活动名称,活动时间,活动地点,活动类型,参加人数,承办单位,"
            "参加人员,慰问对象,活动内容\n"
            "1,2024年春节慰问,2024-02-05,金坛区,走访慰问,30,金坛区侨联,"
            "王芳、李娜,张伯伯,走访慰问归侨侨眷\n");
  ImportOptions o;
  o.kind = v1::KIND_EVENT;
  auto s = Import(*store, tmp.Sub("events.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->ignored_columns, std::vector<std::string>{"序号"});
  auto events = store->Query("event where date = 2024-02-05");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->records.size(), 1u);
  const auto& e = static_cast<const v1::Event&>(*events->records[0]);
  EXPECT_EQ(e.title(), "2024年春节慰问");
  EXPECT_EQ(e.type(), v1::Event::TYPE_GREETING_VISIT);
  EXPECT_EQ(e.location().text(), "金坛区");
  EXPECT_EQ(e.attendee_count(), 30u);
  EXPECT_EQ(e.organiser(), "金坛区侨联");
  EXPECT_EQ(e.description(), "走访慰问归侨侨眷");
  ASSERT_EQ(e.participants_size(), 3);
  EXPECT_EQ(e.participants(1).name(), "李娜");
  EXPECT_EQ(e.participants(1).role(), v1::Event::Participant::ROLE_ATTENDEE);
  EXPECT_EQ(e.participants(2).name(), "张伯伯");
  EXPECT_EQ(e.participants(2).role(), v1::Event::Participant::ROLE_RECIPIENT);

  // A category written in a phrase: the one whose label it holds, with a
  // warning naming the row; a phrase holding none is 其他, the phrase kept
  // as a tag, with a warning; a number is no category's phrase.
  WriteFile(tmp.Sub("phrases.csv"),
            "活动名称,活动时间,活动类型\n"
            "新春座谈,2024-02-15,新春座谈会\n"
            "联欢,2024-02-16,联欢晚会\n"
            "编号,2024-02-17,第3类\n");
  s = Import(*store, tmp.Sub("phrases.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  ASSERT_EQ(s->warning_rows.size(), 2u) << s->ToString();
  EXPECT_EQ(s->warning_rows[0].line, 2u);
  EXPECT_EQ(s->warning_rows[0].warning,
            "活动类型: \"新春座谈会\" read as 座谈会, the category it names; "
            "imported");
  EXPECT_EQ(s->warning_rows[1].line, 3u);
  EXPECT_EQ(s->warning_rows[1].warning,
            "活动类型: \"联欢晚会\" names none of the categories; imported as "
            "其他, with \"联欢晚会\" as a tag");
  events = store->Query("event where date = 2024-02-15");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->records.size(), 1u);
  EXPECT_EQ(static_cast<const v1::Event&>(*events->records[0]).type(),
            v1::Event::TYPE_SEMINAR);
  events = store->Query("event where tags = 联欢晚会");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->records.size(), 1u);
  EXPECT_EQ(static_cast<const v1::Event&>(*events->records[0]).type(),
            v1::Event::TYPE_OTHER);

  // A span of days (an activity of several days), a part of the day.
  WriteFile(tmp.Sub("spans.csv"),
            "活动名称,活动时间,活动类型\n"
            "研修班,2024.3.5-3.7,培训\n"
            "座谈会,2024年3月9日下午2点半,座谈会\n"
            "倒序,2024.3.7-3.5,培训\n");
  s = Import(*store, tmp.Sub("spans.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("ends before it starts"));
  events = store->Query("event where date = 2024-03-05");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->records.size(), 1u);
  EXPECT_EQ(static_cast<const v1::Event&>(*events->records[0]).end_date().day(),
            7);
  events = store->Query("event where date = 2024-03-09");
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_EQ(events->records.size(), 1u);

  // Counts as ledgers write them: with a counting word, or about so many.
  WriteFile(tmp.Sub("counts.csv"),
            "活动名称,活动时间,活动类型,参加人数\n"
            "甲,2024-05-01,会议,30人\n"
            "乙,2024-05-02,会议,约50人\n"
            "丙,2024-05-03,会议,100余人\n"
            "丁,2024-05-04,会议,\"1,200人次\"\n"
            "戊,2024-05-05,会议,许多人\n");
  s = Import(*store, tmp.Sub("counts.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 4u) << s->ToString();
  EXPECT_THAT(s->ToString(),
              HasSubstr("参加人数: … is not a whole number (a count may be "
                        "written 30人, 约50人, 100余人)"));
  for (const auto& [day, count] :
       {std::pair{1, 30u}, {2, 50u}, {3, 100u}, {4, 1200u}}) {
    events = store->Query(absl::StrCat("event where date = 2024-05-0", day));
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_EQ(events->records.size(), 1u);
    EXPECT_EQ(
        static_cast<const v1::Event&>(*events->records[0]).attendee_count(),
        count);
  }

  // An activity list in English, with the words such lists use.
  WriteFile(tmp.Sub("english.csv"),
            "Event,Date,Type,Venue\n"
            "Annual Gala,2024-04-01,Gala Dinner,Kuala Lumpur\n"
            "Export rules,2024-04-02,Workshop,Singapore\n"
            "Chamber AGM,2024-04-03,Conference,Penang\n");
  s = Import(*store, tmp.Sub("english.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  for (const auto& [day, type] : {std::pair{1, v1::Event::TYPE_EXCHANGE},
                                  {2, v1::Event::TYPE_TRAINING},
                                  {3, v1::Event::TYPE_MEETING}}) {
    events = store->Query(absl::StrCat("event where date = 2024-04-0", day));
    ASSERT_TRUE(events.ok()) << events.status();
    ASSERT_EQ(events->records.size(), 1u);
    EXPECT_EQ(static_cast<const v1::Event&>(*events->records[0]).type(), type);
  }

  // Gifts received: the ledger names donors only.
  WriteFile(tmp.Sub("received.csv"),
            "捐赠人,捐赠日期,捐赠金额（元）,捐赠项目,用途,收据号\n"
            "王芳,2024-02-05,5000,侨心助学,资助贫困学生,SJ001\n"
            "李娜,2024-02-06,300,侨心助学,助学金发放,SJ002\n");
  o.kind = v1::KIND_DONATION;
  s = Import(*store, tmp.Sub("received.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_THAT(s->ToString(),
              HasSubstr("-> direction (as the header 捐赠人 says)"));
  auto gift = [&](const char* receipt) {
    QueryOptions scan;
    scan.allow_scan = true;
    auto page = store->Query(
        absl::StrCat("donation where receipt_number = \"", receipt, "\""),
        scan);
    EXPECT_TRUE(page.ok()) << page.status();
    EXPECT_TRUE(page.ok() && page->records.size() == 1u) << receipt;
    return page.ok() && page->records.size() == 1
               ? static_cast<const v1::Donation&>(*page->records[0])
               : v1::Donation();
  };
  const v1::Donation first = gift("SJ001");
  EXPECT_EQ(first.direction(), v1::Donation::DIRECTION_INBOUND);
  ASSERT_EQ(first.donors_size(), 1);
  EXPECT_EQ(first.donors(0).name(), "王芳");
  EXPECT_EQ(first.donors(0).role(), v1::Donation::Party::ROLE_DONOR);
  EXPECT_EQ(first.money().amount_minor(), 500000);
  EXPECT_EQ(first.campaign(), "侨心助学");
  // Free text: kept as written, not classified (no label in it) ...
  EXPECT_EQ(first.purpose(), v1::Donation::PURPOSE_UNSPECIFIED);
  EXPECT_EQ(first.purpose_text(), "资助贫困学生");
  // ... or classified by the longest label it holds (助学金, not 助学).
  const v1::Donation second = gift("SJ002");
  EXPECT_EQ(second.purpose(), v1::Donation::PURPOSE_SCHOLARSHIP);
  EXPECT_EQ(second.purpose_text(), "助学金发放");

  // Gifts in kind: what, how many with the unit after the number, worth
  // how much; items of one cell (、) and of the next column line up.
  WriteFile(tmp.Sub("goods.csv"),
            "捐赠人,捐赠日期,物资名称,数量,价值（元）,收据号\n"
            "王芳,2024-02-05,N95口罩,5000只,25000,WZ001\n"
            "李娜,2024-02-06,大米、食用油,20袋、10桶,,WZ002\n"
            "张伟,2024-02-07,图书,300,,WZ003\n");
  s = Import(*store, tmp.Sub("goods.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_THAT(s->ToString(),
              HasSubstr("items[0].unit: required when quantity is not 0"));
  const v1::Donation masks = gift("WZ001");
  ASSERT_EQ(masks.items_size(), 1);
  EXPECT_EQ(masks.items(0).description(), "N95口罩");
  EXPECT_EQ(masks.items(0).quantity(), 5000);
  EXPECT_EQ(masks.items(0).unit(), "只");
  EXPECT_EQ(masks.items(0).value().amount_minor(), 2500000);
  const v1::Donation food = gift("WZ002");
  ASSERT_EQ(food.items_size(), 2);
  EXPECT_EQ(food.items(1).description(), "食用油");
  EXPECT_EQ(food.items(1).quantity(), 10);
  EXPECT_EQ(food.items(1).unit(), "桶");

  // Gifts given: the ledger names recipients only.
  WriteFile(tmp.Sub("given.csv"),
            "受助对象,发放日期,金额,收据号\n陈小明,2024-03-01,2000,FF001\n");
  s = Import(*store, tmp.Sub("given.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  const v1::Donation given = gift("FF001");
  EXPECT_EQ(given.direction(), v1::Donation::DIRECTION_OUTBOUND);
  ASSERT_EQ(given.recipients_size(), 1);
  EXPECT_EQ(given.recipients(0).role(), v1::Donation::Party::ROLE_RECIPIENT);

  // Both named: which way is not said, and the row says how to give it.
  WriteFile(tmp.Sub("both.csv"),
            "捐赠人,受助对象,捐赠日期,金额\n王芳,陈小明,2024-03-02,100\n");
  s = Import(*store, tmp.Sub("both.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("--set direction=VALUE"));
}

// A liaison list of people abroad: their category (身份类别), whether they
// are key people (是否重点人士, 是/否), and a number with its country code
// in brackets as cards write it.
TEST(ImporterTest, LiaisonListWithCategoriesAndKeyPeople) {
  TempDir tmp;
  WriteFile(tmp.Sub("liaison.csv"),
            "姓名,身份类别,是否重点人士,侨居国,手机\n"
            "林志明,外籍华人,是,马来西亚,(+60) 12-345 6789\n"
            "黄丽华,华侨,否,美国,(+1) 415-555-0100\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("liaison.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->warned, 0u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  auto page = store->Query("person where key_person = true");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& lim = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(lim.name(), "林志明");
  ASSERT_EQ(lim.categories_size(), 1);
  EXPECT_EQ(lim.categories(0), v1::Person::CATEGORY_ETHNIC_CHINESE);
  auto huang = store->Query("person where categories = OVERSEAS_CHINESE");
  ASSERT_TRUE(huang.ok()) << huang.status();
  ASSERT_EQ(huang->records.size(), 1u);
  EXPECT_FALSE(static_cast<const v1::Person&>(*huang->records[0]).key_person());
}

// A roster of returned overseas Chinese and their families (归侨侨眷名册)
// as an office keeps it: 身份 gives the category, 文化程度 the education.
TEST(ImporterTest, RosterOfReturnedOverseasChineseAndTheirFamilies) {
  TempDir tmp;
  WriteFile(
      tmp.Sub("roster.csv"),
      "序号,姓名,性别,出生年月,籍贯,侨居国,身份,联系电话,文化程度,"
      "毕业院校\n"
      "1,王芳,女,1965.03,江苏金坛,新加坡,侨眷,139 0000 1111,本科,"
      "南京师范大学\n"
      "2,陈伟明,男,1958年11月,广东台山,,归侨、侨领,0519-82345678,大专,\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_PERSON;
  auto s = Import(*store, tmp.Sub("roster.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->ignored_columns, std::vector<std::string>{"序号"});
  auto wang = store->Query("person where name = \"王芳\"");
  ASSERT_TRUE(wang.ok()) << wang.status();
  ASSERT_EQ(wang->records.size(), 1u);
  const auto& w = static_cast<const v1::Person&>(*wang->records[0]);
  ASSERT_EQ(w.categories_size(), 1);
  EXPECT_EQ(w.categories(0), v1::Person::CATEGORY_QIAOJUAN);
  EXPECT_EQ(w.residence_country(), "SG");
  ASSERT_EQ(w.education_size(), 1);
  EXPECT_EQ(w.education(0).level(), v1::Person::Education::LEVEL_BACHELOR);
  EXPECT_EQ(w.education(0).institution(), "南京师范大学");
  auto chen = store->Query("person where name = \"陈伟明\"");
  ASSERT_TRUE(chen.ok()) << chen.status();
  ASSERT_EQ(chen->records.size(), 1u);
  const auto& c = static_cast<const v1::Person&>(*chen->records[0]);
  ASSERT_EQ(c.categories_size(), 2);
  EXPECT_EQ(c.categories(0), v1::Person::CATEGORY_RETURNED_OVERSEAS_CHINESE);
  EXPECT_EQ(c.categories(1), v1::Person::CATEGORY_COMMUNITY_LEADER);
}

// A list of foreign-invested enterprises names each one's investor and
// contact: officers by name and role.
TEST(ImporterTest, EnterpriseListNamesItsInvestorAndContact) {
  TempDir tmp;
  WriteFile(tmp.Sub("ents.csv"),
            "企业名称,统一社会信用代码,投资方,联系人,联系电话\n"
            "常州三久制造有限公司,91320413723588143D,三久集团（香港）有限公司,"
            "王建国,0519-82345678\n");
  auto store = OpenStore(tmp.Sub("s"));
  auto s = Import(*store, tmp.Sub("ents.csv"), ImportOptions());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("column 联系人 -> officers (联系人, by "
                                       "name)"));
  auto e = ByUscc(*store, "91320413723588143D");
  ASSERT_NE(e, nullptr);
  ASSERT_EQ(e->officers_size(), 2);
  EXPECT_EQ(e->officers(0).name(), "三久集团（香港）有限公司");
  EXPECT_EQ(e->officers(0).role(), v1::Enterprise::Officer::ROLE_SHAREHOLDER);
  EXPECT_EQ(e->officers(1).name(), "王建国");
  EXPECT_EQ(e->officers(1).role(), v1::Enterprise::Officer::ROLE_CONTACT);
}

// English headers of a case list.
TEST(ImporterTest, CaseListWithEnglishHeaders) {
  TempDir tmp;
  WriteFile(tmp.Sub("cases.csv"),
            "Case No.,Date Received,Channel,Category,Subject,Applicant,"
            "Officer in charge,Status,Date Closed\n"
            "C-1,2024-05-02,Email,Consultation,Work permit renewal,Tan Ah "
            "Kow,Li Ming,Closed,2024-05-10\n"
            "C-2,2024-05-03,Walk-in,Enquiry,School places,Lim Mei,Li Ming,"
            "Pending,\n"
            "C-3,2024-05-04,Hotline,Complaint,Noise,Ali,Li Ming,Done,"
            "2024-05-06\n");
  auto store = OpenStore(tmp.Sub("s"));
  ImportOptions o;
  o.kind = v1::KIND_CASE;
  auto s = Import(*store, tmp.Sub("cases.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_TRUE(s->ignored_columns.empty()) << s->ToString();
  auto of = [&](const char* number) {
    auto page =
        store->Query(absl::StrCat("case where number = \"", number, "\""));
    EXPECT_TRUE(page.ok() && page->records.size() == 1u) << number;
    return page.ok() && page->records.size() == 1u
               ? static_cast<const v1::Case&>(*page->records[0])
               : v1::Case();
  };
  // The words English case lists use.
  const v1::Case walk_in = of("C-2");
  EXPECT_EQ(walk_in.channel(), v1::Case::CHANNEL_VISIT);
  EXPECT_EQ(walk_in.type(), v1::Case::TYPE_CONSULTATION);
  EXPECT_EQ(walk_in.status(), v1::Case::STATUS_IN_PROGRESS);
  const v1::Case hotline = of("C-3");
  EXPECT_EQ(hotline.channel(), v1::Case::CHANNEL_PHONE);
  EXPECT_EQ(hotline.type(), v1::Case::TYPE_PETITION);
  EXPECT_EQ(hotline.status(), v1::Case::STATUS_CLOSED);
  auto page = store->Query("case where number = \"C-1\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& c = static_cast<const v1::Case&>(*page->records[0]);
  EXPECT_EQ(c.channel(), v1::Case::CHANNEL_EMAIL);
  EXPECT_EQ(c.type(), v1::Case::TYPE_CONSULTATION);
  EXPECT_EQ(c.status(), v1::Case::STATUS_CLOSED);
  EXPECT_EQ(c.closed().day(), 10);
  EXPECT_EQ(c.title(), "Work permit renewal");
  EXPECT_EQ(c.handler(), "Li Ming");
  ASSERT_EQ(c.parties_size(), 1);
  EXPECT_EQ(c.parties(0).name(), "Tan Ah Kow");
}

}  // namespace
}  // namespace qiaolian
