#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/export.h"
#include "qiaolian/import.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing::TempDir;

constexpr char kResidentId[] = "11010519491231002X";

std::unique_ptr<Store> OpenStore(const std::string& dir) {
  auto s = Store::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

// Exports `query`; EXPECTs success.
std::string ExportText(const Store& store, const std::string& query,
                       const ExportOptions& o = {}, uint64_t* rows = nullptr) {
  std::ostringstream out;
  absl::StatusOr<uint64_t> n = Export(store, query, o, out);
  EXPECT_TRUE(n.ok()) << n.status();
  if (rows != nullptr && n.ok()) *rows = *n;
  return out.str();
}

std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> out = absl::StrSplit(csv, "\r\n");
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

// The CSV with only the given columns.
ExportOptions Columns(std::vector<std::string> cols) {
  ExportOptions o;
  o.columns = std::move(cols);
  return o;
}

class ExporterTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = OpenStore(dir_.Sub("store")); }

  uint64_t AddEnterprise(v1::Enterprise e) {
    absl::StatusOr<uint64_t> id = store_->Create(&e);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  // `path` imported back into the store in update mode (the round trip of
  // an edited export); EXPECTs the import to run.
  absl::StatusOr<ImportSummary> ImportBack(const std::string& path, Kind kind) {
    ImportOptions io;
    io.kind = kind;
    io.mode = ImportMode::kUpdate;
    absl::StatusOr<ImportSummary> s = Import(*store_, path, io);
    EXPECT_TRUE(s.ok()) << s.status();
    return s;
  }

  uint64_t AddPerson(v1::Person p) {
    absl::StatusOr<uint64_t> id = store_->Create(&p);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  v1::Person SamplePerson() {
    v1::Person p;
    p.set_name("张三");
    p.mutable_birth_date()->set_year(1949);
    p.mutable_birth_date()->set_month(12);
    p.mutable_birth_date()->set_day(31);
    auto* id = p.add_identity_documents();
    id->set_type(v1::IdentityDocument::TYPE_RESIDENT_ID);
    id->set_number(kResidentId);
    auto* pass = p.add_identity_documents();
    pass->set_type(v1::IdentityDocument::TYPE_PASSPORT);
    pass->set_number("E12345678");
    auto* phone = p.add_contacts();
    phone->set_type(v1::Contact::TYPE_PHONE);
    phone->set_value("13912345678");
    auto* mail = p.add_contacts();
    mail->set_type(v1::Contact::TYPE_EMAIL);
    mail->set_value("zhangsan@example.com");
    return p;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ExporterTest, QuotesPerRfc4180) {
  v1::Enterprise e;
  e.set_name("甲,乙 \"丙\" 公司");
  e.set_notes("第一行\n第二行");
  e.set_industry(" 前后空格 ");
  e.set_business_scope("无需引号");
  AddEnterprise(e);
  const std::string csv =
      ExportText(*store_, "enterprise where name prefix \"甲\"",
                 Columns({"name", "notes", "industry", "business_scope"}));
  EXPECT_EQ(csv,
            "name,notes,industry,business_scope\r\n"
            "\"甲,乙 \"\"丙\"\" 公司\",\"第一行\n第二行\",\" 前后空格 \","
            "无需引号\r\n");
}

TEST_F(ExporterTest, NeutralisesFormulas) {
  const std::vector<std::string> notes = {"=1+2",     "+86 1", "-5",
                                          "@SUM(A1)", "\tx",   "a=b"};
  for (size_t i = 0; i < notes.size(); ++i) {
    v1::Enterprise e;
    e.set_name(absl::StrCat("公式", i));
    e.set_notes(notes[i]);
    AddEnterprise(e);
  }
  const std::vector<std::string> lines = Lines(
      ExportText(*store_, "enterprise where name prefix \"公式\" order by name",
                 Columns({"notes"})));
  EXPECT_THAT(lines, ElementsAre("notes", "'=1+2", "'+86 1", "'-5", "'@SUM(A1)",
                                 "'\tx", "a=b"));
}

TEST_F(ExporterTest, BomOnlyWhenAsked) {
  v1::Enterprise e;
  e.set_name("常州三久制造有限公司");
  AddEnterprise(e);
  const std::string q = "enterprise where name = \"常州三久制造有限公司\"";
  EXPECT_THAT(ExportText(*store_, q), StartsWith("id,name,"));
  ExportOptions o;
  o.bom = true;
  EXPECT_THAT(ExportText(*store_, q, o), StartsWith("\xEF\xBB\xBFid,name,"));
  o.format = "jsonl";
  std::ostringstream out;
  EXPECT_EQ(Export(*store_, q, o, out).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ExporterTest, RendersValues) {
  v1::Enterprise e;
  e.set_name("上海定惠塑胶有限公司");
  e.set_uscc("91310000757904992P");
  e.set_status(v1::Enterprise::STATUS_ACTIVE);
  e.mutable_established()->set_year(2004);
  e.mutable_established()->set_month(1);
  e.mutable_established()->set_day(2);
  e.mutable_registered_capital()->set_currency("USD");
  e.mutable_registered_capital()->set_amount_minor(50000000);
  e.set_registered_capital_text("50(万美元)");
  e.add_investor_countries("HK");
  e.add_investor_countries("KE");
  e.mutable_legal_representative()->set_name("王五");
  const uint64_t id = AddEnterprise(e);
  const std::vector<std::string> lines = Lines(
      ExportText(*store_, "enterprise where uscc = \"91310000757904992P\"",
                 Columns({"id", "uscc", "status", "established",
                          "registered_capital", "registered_capital_text",
                          "investorCountries", "legal_representative.name"})));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "id,uscc,status,established,registered_capital,"
            "registered_capital_text,investor_countries,"
            "legal_representative.name");
  EXPECT_EQ(lines[1], absl::StrCat(id,
                                   ",91310000757904992P,ACTIVE,2004-01-02,"
                                   "USD 500000.00,50(万美元),HK、KE,王五"));
}

TEST_F(ExporterTest, MasksPersonalIdentifiersByDefault) {
  AddPerson(SamplePerson());
  const ExportOptions o = Columns(
      {"identity_documents.number", "contacts.value", "birth_date", "name"});
  const std::vector<std::string> lines =
      Lines(ExportText(*store_, "person where name = \"张三\"", o));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            "110105********002X、*****5678,139****5678、z***@example.com,"
            "1949-12-31,张三");

  ExportOptions unmasked = o;
  unmasked.unmasked = true;
  const std::vector<std::string> raw =
      Lines(ExportText(*store_, "person where name = \"张三\"", unmasked));
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[1], absl::StrCat(kResidentId,
                                 "、E12345678,13912345678、"
                                 "zhangsan@example.com,1949-12-31,张三"));
}

TEST_F(ExporterTest, DefaultPersonColumnsAreMasked) {
  AddPerson(SamplePerson());
  const std::string csv = ExportText(*store_, "person where name = \"张三\"");
  EXPECT_THAT(csv, HasSubstr("identity_documents.number"));
  EXPECT_THAT(csv, HasSubstr("110105********002X"));
  EXPECT_THAT(csv, Not(HasSubstr(kResidentId)));
  EXPECT_THAT(csv, Not(HasSubstr("13912345678")));
}

TEST_F(ExporterTest, JsonLinesAreMaskedToo) {
  AddPerson(SamplePerson());
  ExportOptions o;
  o.format = "jsonl";
  uint64_t rows = 0;
  const std::string json =
      ExportText(*store_, "person where name = \"张三\"", o, &rows);
  EXPECT_EQ(rows, 1u);
  EXPECT_THAT(json, HasSubstr("110105********002X"));
  EXPECT_THAT(json, HasSubstr("*****5678"));
  EXPECT_THAT(json, HasSubstr("139****5678"));
  EXPECT_THAT(json, HasSubstr("z***@example.com"));
  EXPECT_THAT(json, Not(HasSubstr(kResidentId)));
  // An adult's birth date is not sensitive (only a minor's is).
  EXPECT_THAT(json, HasSubstr("\"month\":12"));
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1);

  // The store keeps the real values.
  auto stored = store_->Get(v1::KIND_PERSON, 1);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(
      static_cast<const v1::Person&>(**stored).identity_documents(0).number(),
      kResidentId);

  o.unmasked = true;
  EXPECT_THAT(ExportText(*store_, "person where name = \"张三\"", o),
              HasSubstr(kResidentId));
}

TEST_F(ExporterTest, EnterpriseIdentifiersAreNeverMasked) {
  v1::Enterprise e;
  e.set_name("常州三久制造有限公司");
  e.set_uscc("91320413723588143D");
  AddEnterprise(e);
  EXPECT_THAT(
      ExportText(*store_, "enterprise where uscc = \"91320413723588143D\""),
      HasSubstr("91320413723588143D"));
}

TEST_F(ExporterTest, StreamsPagesOverThousandRows) {
  constexpr int kRows = 2345;
  std::vector<v1::Enterprise> records(kRows);
  std::vector<google::protobuf::Message*> ptrs;
  for (int i = 0; i < kRows; ++i) {
    records[i].set_name(absl::StrCat("企业", i));
    records[i].set_status(v1::Enterprise::STATUS_ACTIVE);
    ptrs.push_back(&records[i]);
  }
  ASSERT_TRUE(store_->CreateAll(ptrs).ok());
  uint64_t rows = 0;
  const std::vector<std::string> lines = Lines(ExportText(
      *store_, "enterprise where status = ACTIVE", Columns({"id"}), &rows));
  EXPECT_EQ(rows, static_cast<uint64_t>(kRows));
  ASSERT_EQ(lines.size(), static_cast<size_t>(kRows) + 1);
  for (int i = 0; i < kRows; ++i) {
    ASSERT_EQ(lines[i + 1], absl::StrCat(i + 1));
  }
  ExportOptions jsonl;
  jsonl.format = "jsonl";
  const std::string json = ExportText(
      *store_, "enterprise where status = ACTIVE limit 1500", jsonl, &rows);
  EXPECT_EQ(rows, 1500u);
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1500);
}

TEST_F(ExporterTest, Errors) {
  std::ostringstream out;
  ExportOptions o;
  EXPECT_EQ(Export(*store_, "enterprise where", o, out).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Export(*store_, "enterprise where notes prefix \"x\"", o, out)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  o.allow_scan = true;
  EXPECT_TRUE(
      Export(*store_, "enterprise where notes prefix \"x\"", o, out).ok());
  o.format = "jsonl";
  o.bom = true;
  EXPECT_EQ(Export(*store_, "enterprise", o, out).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.bom = false;
  o.format = "xml";
  EXPECT_EQ(Export(*store_, "enterprise", o, out).status().code(),
            absl::StatusCode::kInvalidArgument);
  o = Columns({"nmae"});
  std::ostringstream empty;
  absl::StatusOr<uint64_t> st =
      Export(*store_, "enterprise where status = ACTIVE", o, empty);
  EXPECT_EQ(st.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.status().message(), HasSubstr("nmae"));
  EXPECT_EQ(empty.str(), "");
}

TEST_F(ExporterTest, EnterpriseCsvRoundTripsThroughImport) {
  v1::Enterprise a;
  a.set_name("上海定惠塑胶有限公司");
  a.set_uscc("91310000757904992P");
  a.mutable_registered_capital()->set_currency("USD");
  a.mutable_registered_capital()->set_amount_minor(50000000);
  a.set_registered_capital_text("50(万美元)");
  a.set_status(v1::Enterprise::STATUS_ACTIVE);
  a.mutable_established()->set_year(2004);
  a.mutable_established()->set_month(1);
  a.mutable_established()->set_day(1);
  a.mutable_legal_representative()->set_name("王五");
  a.add_investor_countries("HK");
  AddEnterprise(a);
  v1::Enterprise b;
  b.set_name("常州三久制造有限公司, 分厂");
  b.set_uscc("91320413723588143D");
  b.mutable_registered_capital()->set_currency("CNY");
  b.mutable_registered_capital()->set_amount_minor(123456);
  b.set_status(v1::Enterprise::STATUS_ACTIVE);
  b.set_notes("-");
  AddEnterprise(b);

  const std::string path = dir_.Sub("export.csv");
  {
    ExportOptions o;
    o.bom = true;
    std::ofstream out(path, std::ios::binary);
    absl::StatusOr<uint64_t> n =
        Export(*store_, "enterprise where status = ACTIVE", o, out);
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_EQ(*n, 2u);
  }
  std::unique_ptr<Store> fresh = OpenStore(dir_.Sub("fresh"));
  ImportOptions io;
  io.kind = v1::KIND_ENTERPRISE;
  absl::StatusOr<ImportSummary> s = Import(*fresh, path, io);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 0u) << s->ToString();

  for (const v1::Enterprise* want : {&a, &b}) {
    auto page = fresh->Query(
        absl::StrCat("enterprise where uscc = \"", want->uscc(), "\""));
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->records.size(), 1u);
    const auto& got = static_cast<const v1::Enterprise&>(*page->records[0]);
    EXPECT_EQ(got.name(), want->name());
    EXPECT_EQ(got.registered_capital().currency(),
              want->registered_capital().currency());
    EXPECT_EQ(got.registered_capital().amount_minor(),
              want->registered_capital().amount_minor());
    EXPECT_EQ(got.status(), want->status());
    EXPECT_EQ(got.established().year(), want->established().year());
    EXPECT_EQ(got.legal_representative().name(),
              want->legal_representative().name());
    EXPECT_EQ(got.investor_countries_size(), want->investor_countries_size());
  }
}

// An export read back into the same store (the office's round trip: export,
// edit in a spreadsheet, import with --mode update) matches every row to its
// record by id, also records without a USCC or identity document, and
// changes nothing unless a cell was edited.
TEST_F(ExporterTest, ExportReadBackByIdChangesOnlyWhatWasEdited) {
  v1::Enterprise a;
  a.set_name("上海定惠塑胶有限公司");
  a.set_uscc("91310000757904992P");
  a.set_status(v1::Enterprise::STATUS_ACTIVE);          // No status_text.
  a.mutable_registered_capital()->set_currency("USD");  // No capital text.
  a.mutable_registered_capital()->set_amount_minor(50000000);
  AddEnterprise(a);
  v1::Enterprise co;  // No USCC: matched by nothing but its id.
  co.set_name("上海奉金生猪养殖专业合作社");
  co.set_type(v1::Enterprise::TYPE_FARMERS_COOPERATIVE);  // No type_text.
  co.add_former_names("奉金养殖场");
  AddEnterprise(co);
  for (const char* name : {"胡正明", "胡正大", "尹娟"}) {
    v1::Person p;  // No identity document either.
    p.set_name(name);
    p.add_tags("胡氏奖助金");
    p.set_notes("以视频连线方式出席颁奖。");
    // Birth dates known to the year, or to the month: written "1947",
    // "1950-03", and read back as the same.
    if (std::string(name) == "胡正明") p.mutable_birth_date()->set_year(1947);
    if (std::string(name) == "胡正大") {
      p.mutable_birth_date()->set_year(1950);
      p.mutable_birth_date()->set_month(3);
    }
    AddPerson(p);
  }
  // Lists of documents and contacts: parallel columns (contacts.type,
  // contacts.value), one item per element; the issuing countries are not
  // among the default columns and are kept.
  v1::Person zhang = SamplePerson();
  zhang.mutable_identity_documents(0)->set_issuing_country("CN");
  zhang.mutable_identity_documents(1)->set_issuing_country("CN");
  const uint64_t zhang_id = AddPerson(zhang);
  // Items holding a comma or a slash, and a phone that CSV neutralises
  // ('+60...) and whose label is not among the columns.
  v1::Person chen;
  chen.set_name("陈伟明");
  chen.add_former_names("陈明/阿明");
  chen.add_tags("侨领");
  chen.add_tags("A,B");
  v1::Contact* phone = chen.add_contacts();
  phone->set_type(v1::Contact::TYPE_PHONE);
  phone->set_value("+60123456789");
  phone->set_label("手机");
  AddPerson(chen);
  for (const char* format : {"csv", "xlsx", "jsonl"}) {
    for (const auto& [kind, query, n] :
         {std::tuple<Kind, std::string, uint64_t>{v1::KIND_ENTERPRISE,
                                                  "enterprise", 2},
          {v1::KIND_PERSON, "person", 5}}) {
      const std::string path = dir_.Sub(absl::StrCat(query, ".", format));
      {
        ExportOptions o;
        o.format = format;
        o.unmasked = true;
        std::ofstream out(path, std::ios::binary);
        ASSERT_TRUE(Export(*store_, query, o, out).ok());
      }
      absl::StatusOr<ImportSummary> s = ImportBack(path, kind);
      ASSERT_TRUE(s.ok());
      EXPECT_EQ(s->unchanged, n) << format << " " << s->ToString();
      EXPECT_EQ(s->created + s->updated + s->rejected + s->warned, 0u)
          << format << " " << s->ToString();
    }
  }
  // Every record is still at revision 1.
  for (Kind kind : {v1::KIND_ENTERPRISE, v1::KIND_PERSON}) {
    absl::StatusOr<QueryPage> page = store_->Query(KindName(kind));
    ASSERT_TRUE(page.ok());
    for (const auto& r : page->records) {
      EXPECT_EQ(MetaOf(*r).revision(), 1u) << r->ShortDebugString();
    }
  }

  // An edited cell: the person (no natural key) is updated in place.
  std::string csv = ExportText(*store_, "person where name = \"胡正大\"",
                               Columns({"id", "name", "notes"}));
  csv =
      absl::StrReplaceAll(csv, {{"以视频连线方式出席颁奖。", "已回国定居。"}});
  const std::string edited = dir_.Sub("edited.csv");
  std::ofstream(edited, std::ios::binary) << csv;
  absl::StatusOr<ImportSummary> s = ImportBack(edited, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->updated, 1u) << s->ToString();
  EXPECT_EQ(s->created, 0u) << s->ToString();
  absl::StatusOr<QueryPage> page =
      store_->Query("person where name = \"胡正大\"");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 1u);
  const auto& p = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_EQ(p.notes(), "已回国定居。");
  EXPECT_THAT(p.tags(), ElementsAre("胡氏奖助金"));  // Not in the file: kept.

  // A phone number edited in its list.
  csv = ExportText(*store_, "person where name = \"张三\"", [] {
    ExportOptions o =
        Columns({"id", "name", "contacts.type", "contacts.value"});
    o.unmasked = true;
    return o;
  }());
  EXPECT_THAT(csv, HasSubstr("PHONE、EMAIL,13912345678、zhangsan@example.com"));
  csv = absl::StrReplaceAll(csv, {{"13912345678", "13800000000"}});
  std::ofstream(edited, std::ios::binary | std::ios::trunc) << csv;
  s = ImportBack(edited, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->updated, 1u) << s->ToString();
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> got =
      store_->Get(v1::KIND_PERSON, zhang_id);
  ASSERT_TRUE(got.ok());
  const auto& z = static_cast<const v1::Person&>(**got);
  ASSERT_EQ(z.contacts_size(), 2);
  EXPECT_EQ(z.contacts(0).value(), "13800000000");
  EXPECT_EQ(z.contacts(1).value(), "zhangsan@example.com");
  ASSERT_EQ(z.identity_documents_size(), 2);
  EXPECT_EQ(z.identity_documents(0).issuing_country(), "CN");

  // Renamed in the file: the name no longer agrees, the phone does.
  {
    ExportOptions o =
        Columns({"id", "name", "contacts.type", "contacts.value"});
    o.unmasked = true;
    csv = ExportText(*store_, "person where name = \"张三\"", o);
  }
  csv = absl::StrReplaceAll(csv, {{"张三", "张叁"}});
  std::ofstream(edited, std::ios::binary | std::ios::trunc) << csv;
  s = ImportBack(edited, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->updated, 1u) << s->ToString();
  EXPECT_EQ(s->created + s->warned, 0u) << s->ToString();
  got = store_->Get(v1::KIND_PERSON, zhang_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(static_cast<const v1::Person&>(**got).name(), "张叁");

  // An item that cannot be read names its place in the list.
  std::ofstream(edited, std::ios::binary | std::ios::trunc)
      << "name,contacts.type,contacts.value\r\n"
         "李四,PHONE、BOGUS,13912345678、010-12345678\r\n";
  s = ImportBack(edited, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("contacts.type: item 2:"));
}

// The ids of a file from another store name other records here: they are
// ignored (with a warning) and the rows are imported as they would be
// without them; nothing of this store's records changes. A cell that is
// not an id is a rejected row naming the column.
TEST_F(ExporterTest, IdsOfAnotherStoreAreIgnored) {
  std::unique_ptr<Store> other = OpenStore(dir_.Sub("other"));
  for (const char* name : {"王五", "赵六"}) {
    v1::Person p;
    p.set_name(name);
    ASSERT_TRUE(other->Create(&p).ok());
  }
  for (const char* name : {"张三", "李四"}) {
    v1::Person p;
    p.set_name(name);
    AddPerson(p);
  }
  const std::string path = dir_.Sub("other.csv");
  {
    std::ofstream out(path, std::ios::binary);
    ASSERT_TRUE(Export(*other, "person", Columns({"id", "name"}), out).ok());
    out << "abc,钱七\r\n";
  }
  absl::StatusOr<ImportSummary> s = ImportBack(path, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->updated, 0u) << s->ToString();
  EXPECT_EQ(s->warned, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("id ignored"));
  EXPECT_THAT(s->ToString(), HasSubstr("rejected 1: id: expected a record id"));
  for (uint64_t id : {1u, 2u}) {
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> got =
        store_->Get(v1::KIND_PERSON, id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(MetaOf(**got).revision(), 1u);
    EXPECT_EQ(static_cast<const v1::Person&>(**got).name(),
              id == 1 ? "张三" : "李四");
  }
}

// A rename with nothing else to go by (an id,name sheet): the id is not
// trusted by default, since another store's ids would rename unrelated
// records; trust_ids vouches for it, and a JSON Lines export carries its
// records' creation times, which only this store's records share.
TEST_F(ExporterTest, RenamesByIdWhenTrustedOrFromOwnJsonLines) {
  for (const char* name : {"胡正大", "尹娟"}) {
    v1::Person p;
    p.set_name(name);
    AddPerson(p);
  }
  std::string csv = ExportText(*store_, "person", Columns({"id", "name"}));
  csv = absl::StrReplaceAll(csv, {{"胡正大", "胡正达"}});
  const std::string path = dir_.Sub("renamed.csv");
  std::ofstream(path, std::ios::binary) << csv;
  ImportOptions io;
  io.kind = v1::KIND_PERSON;
  io.mode = ImportMode::kUpdate;
  io.dry_run = true;
  absl::StatusOr<ImportSummary> s = Import(*store_, path, io);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();  // A new 胡正达, with a warning.
  EXPECT_THAT(s->ToString(), HasSubstr("id ignored"));
  io.dry_run = false;
  io.trust_ids = true;
  s = Import(*store_, path, io);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->updated, 1u) << s->ToString();
  EXPECT_EQ(s->unchanged, 1u) << s->ToString();
  EXPECT_EQ(s->created + s->warned, 0u) << s->ToString();
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> got =
      store_->Get(v1::KIND_PERSON, 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(static_cast<const v1::Person&>(**got).name(), "胡正达");

  // JSON Lines of this store: renamed back without trust_ids.
  ExportOptions jo;
  jo.format = "jsonl";
  std::string jsonl = ExportText(*store_, "person where name = \"胡正达\"", jo);
  ASSERT_THAT(jsonl, HasSubstr("createdAt"));
  jsonl = absl::StrReplaceAll(jsonl, {{"胡正达", "胡正大"}});
  const std::string jpath = dir_.Sub("renamed.jsonl");
  std::ofstream(jpath, std::ios::binary) << jsonl;
  s = ImportBack(jpath, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->updated, 1u) << s->ToString();
  EXPECT_EQ(s->created + s->warned, 0u) << s->ToString();
  got = store_->Get(v1::KIND_PERSON, 1);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(static_cast<const v1::Person&>(**got).name(), "胡正大");
  // The same line with another creation time (another store's record 1)
  // is not trusted.
  const size_t at = jsonl.find("\"createdAt\":\"") + 13;
  jsonl[at + 3] = jsonl[at + 3] == '0' ? '1' : '0';  // Another year.
  jsonl = absl::StrReplaceAll(jsonl, {{"胡正大", "胡正仁"}});
  std::ofstream(jpath, std::ios::binary) << jsonl;
  s = ImportBack(jpath, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->updated, 0u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("id ignored"));
}

// A masked export read back would replace real identifiers with masks:
// such rows are rejected, saying so, and the records keep their values.
// A JSON Lines export names the revision it was written at: a record
// changed since is not overwritten by the stale row.
TEST_F(ExporterTest, MaskedOrStaleRowsDoNotOverwriteRecords) {
  v1::Person sample = SamplePerson();
  sample.mutable_address()->set_text("北京市朝阳区建国路1号");
  const uint64_t id = AddPerson(sample);
  for (const std::string format : {"csv", "jsonl"}) {
    const std::string path = dir_.Sub("masked." + format);
    {
      ExportOptions o;
      o.format = format;
      std::ofstream out(path, std::ios::binary);
      ASSERT_TRUE(Export(*store_, "person", o, out).ok());
    }
    absl::StatusOr<ImportSummary> s = ImportBack(path, v1::KIND_PERSON);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->rejected, 1u) << format << " " << s->ToString();
    EXPECT_THAT(s->ToString(), HasSubstr("masked, as an export"));
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> got =
      store_->Get(v1::KIND_PERSON, id);
  ASSERT_TRUE(got.ok());
  const auto& p = static_cast<const v1::Person&>(**got);
  EXPECT_EQ(MetaOf(p).revision(), 1u);
  EXPECT_EQ(p.identity_documents(0).number(), kResidentId);
  EXPECT_EQ(p.contacts(0).value(), "13912345678");
  EXPECT_EQ(p.address().text(), "北京市朝阳区建国路1号");

  // Stale: exported at revision 1, updated to 2 since.
  const std::string path = dir_.Sub("stale.jsonl");
  {
    ExportOptions o;
    o.format = "jsonl";
    o.unmasked = true;
    std::ofstream out(path, std::ios::binary);
    ASSERT_TRUE(Export(*store_, "person", o, out).ok());
  }
  v1::Person changed = p;
  changed.set_notes("新的备注");
  ASSERT_TRUE(store_->Update(&changed).ok());
  absl::StatusOr<ImportSummary> s = ImportBack(path, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_THAT(s->ToString(), HasSubstr("has changed since the file was"));
  got = store_->Get(v1::KIND_PERSON, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(static_cast<const v1::Person&>(**got).notes(), "新的备注");
  // In skip mode the same file changes nothing and is not an error.
  ImportOptions skip;
  skip.kind = v1::KIND_PERSON;
  s = Import(*store_, path, skip);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->unchanged, 1u) << s->ToString();
}

// Coded values written as their Chinese labels read back as the same
// values: a file staff can read imports back unchanged.
// The header row of `kind`'s default columns, with or without Chinese
// headers (a store without records of the kind writes only the header).
std::vector<std::string> HeaderOf(const Store& store, Kind kind, bool chinese) {
  ExportOptions o;
  o.chinese_headers = chinese;
  std::vector<std::string> lines = Lines(ExportText(store, KindName(kind), o));
  if (lines.empty()) return {};
  return absl::StrSplit(lines[0], ',');
}

TEST_F(ExporterTest, ChineseHeadersNameEveryColumnAndImportAsTheSameFields) {
  for (Kind kind : {v1::KIND_PERSON, v1::KIND_ENTERPRISE, v1::KIND_CASE,
                    v1::KIND_DONATION, v1::KIND_EVENT}) {
    SCOPED_TRACE(KindName(kind));
    const std::vector<std::string> paths = HeaderOf(*store_, kind, false);
    const std::vector<std::string> zh = HeaderOf(*store_, kind, true);
    ASSERT_GT(paths.size(), 10u);
    ASSERT_EQ(zh.size(), paths.size());
    for (size_t i = 0; i < zh.size(); ++i) {
      // Every column has one, in Chinese, without a "(...)" the importer
      // would take for a unit note, and no two alike.
      EXPECT_TRUE(std::any_of(zh[i].begin(), zh[i].end(),
                              [](char c) { return c & 0x80; }))
          << paths[i] << " -> " << zh[i];
      EXPECT_EQ(zh[i].find('('), std::string::npos) << zh[i];
      EXPECT_EQ(zh[i].find("（"), std::string::npos) << zh[i];
      EXPECT_EQ(std::count(zh.begin(), zh.end(), zh[i]), 1) << zh[i];
    }
    // A file headed in Chinese maps column for column to the same fields
    // (and special readers) as one headed by field paths.
    std::vector<std::pair<std::string, std::string>> mapped[2];
    for (int chinese = 0; chinese < 2; ++chinese) {
      const std::string path =
          dir_.Sub(absl::StrCat(KindName(kind), chinese, ".csv"));
      std::ofstream(path, std::ios::binary)
          << absl::StrJoin(chinese ? zh : paths, ",") << "\r\n";
      ImportOptions io;
      io.kind = kind;
      io.dry_run = true;
      absl::StatusOr<ImportSummary> s = Import(*store_, path, io);
      ASSERT_TRUE(s.ok()) << s.status();
      EXPECT_THAT(s->ignored_columns, ::testing::IsEmpty());
      mapped[chinese] = s->mapped_columns;
    }
    ASSERT_EQ(mapped[0].size(), mapped[1].size());
    for (size_t i = 0; i < mapped[0].size(); ++i) {
      EXPECT_EQ(mapped[1][i].second, mapped[0][i].second)
          << mapped[1][i].first << " vs " << mapped[0][i].first;
    }
  }
  // Columns may be picked by their Chinese headers too.
  ExportOptions o = Columns({"系统编号", "姓名", "性别", "证件号码"});
  EXPECT_EQ(Lines(ExportText(*store_, "person", o))[0],
            "id,name,gender,identity_documents.number");
  o.chinese_headers = true;
  EXPECT_EQ(Lines(ExportText(*store_, "person", o))[0],
            "系统编号,姓名,性别,证件号码");
  // A deeper path without a Chinese header keeps its path.
  o.columns = {"name", "identity_documents.issuing_country"};
  EXPECT_EQ(Lines(ExportText(*store_, "person", o))[0],
            "姓名,identity_documents.issuing_country");
  ExportOptions jsonl;
  jsonl.format = "jsonl";
  jsonl.chinese_headers = true;
  std::ostringstream out;
  EXPECT_EQ(Export(*store_, "person", jsonl, out).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ExporterTest, ChineseHeadedExportsImportBackAndIntoAnotherStore) {
  v1::Person p = SamplePerson();
  p.set_gender(v1::Person::GENDER_MALE);
  p.add_categories(v1::Person::CATEGORY_OVERSEAS_CHINESE);
  p.mutable_address()->set_text("江苏省常州市金坛区东门大街1号");
  AddPerson(p);
  v1::Enterprise e;
  e.set_name("上海定惠塑胶有限公司");
  e.set_uscc("91310000757904992P");
  e.set_status(v1::Enterprise::STATUS_ACTIVE);
  e.mutable_registered_capital()->set_currency("USD");
  e.mutable_registered_capital()->set_amount_minor(50000000);
  e.mutable_legal_representative()->set_name("林伟");
  e.add_investor_countries("KE");
  AddEnterprise(e);
  auto other = OpenStore(dir_.Sub("other"));
  for (const char* format : {"csv", "xlsx"}) {
    for (const auto& [kind, query] :
         {std::pair<Kind, std::string>{v1::KIND_PERSON, "person"},
          {v1::KIND_ENTERPRISE, "enterprise"}}) {
      SCOPED_TRACE(absl::StrCat(format, " ", query));
      ExportOptions o;
      o.format = format;
      o.unmasked = true;
      o.labels = true;
      o.chinese_headers = true;
      const std::string path =
          dir_.Sub(absl::StrCat("zh_", query, ".", format));
      {
        std::ofstream out(path, std::ios::binary);
        ASSERT_TRUE(Export(*store_, query, o, out).ok());
      }
      absl::StatusOr<ImportSummary> s = ImportBack(path, kind);
      ASSERT_TRUE(s.ok());
      EXPECT_EQ(s->unchanged, 1u) << s->ToString();
      EXPECT_EQ(s->created + s->updated + s->rejected + s->warned, 0u)
          << s->ToString();
      // Into a store of its own: the same values, in another record.
      ImportOptions io;
      io.kind = kind;
      s = Import(*other, path, io);
      ASSERT_TRUE(s.ok()) << s.status();
      EXPECT_EQ(s->created + s->unchanged, 1u) << s->ToString();
      ExportOptions all;
      all.unmasked = true;
      std::vector<std::string> mine = Lines(ExportText(*store_, query, all));
      std::vector<std::string> theirs = Lines(ExportText(*other, query, all));
      ASSERT_EQ(mine.size(), 2u);
      ASSERT_EQ(theirs.size(), 2u);
      EXPECT_EQ(mine[0], theirs[0]);
      // Past the id column, the rows agree.
      EXPECT_EQ(mine[1].substr(mine[1].find(',')),
                theirs[1].substr(theirs[1].find(',')));
    }
  }
}

TEST_F(ExporterTest, LabelsReadBackAsTheSameValues) {
  v1::Person p = SamplePerson();
  p.set_gender(v1::Person::GENDER_FEMALE);
  p.add_categories(v1::Person::CATEGORY_OVERSEAS_CHINESE);
  p.add_categories(v1::Person::CATEGORY_COMMUNITY_LEADER);
  AddPerson(p);
  ExportOptions o =
      Columns({"id", "name", "gender", "categories", "identity_documents.type",
               "identity_documents.number", "contacts.type", "contacts.value"});
  o.unmasked = true;
  o.labels = true;
  const std::string csv = ExportText(*store_, "person", o);
  EXPECT_THAT(csv, HasSubstr(",女,华侨、侨领,居民身份证、护照,"));
  EXPECT_THAT(csv, Not(HasSubstr("FEMALE")));
  const std::string path = dir_.Sub("labels.csv");
  std::ofstream(path, std::ios::binary) << csv;
  absl::StatusOr<ImportSummary> s = ImportBack(path, v1::KIND_PERSON);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->unchanged, 1u) << s->ToString();
  EXPECT_EQ(s->updated + s->created + s->rejected, 0u) << s->ToString();

  ExportOptions jsonl;
  jsonl.format = "jsonl";
  jsonl.labels = true;
  std::ostringstream out;
  EXPECT_EQ(Export(*store_, "person", jsonl, out).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qiaolian
