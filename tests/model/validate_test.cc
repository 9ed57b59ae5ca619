// Tests of record validation (src/model/validate.h).
#include "src/model/validate.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "qiaolian/v1/case.pb.h"
#include "qiaolian/v1/common.pb.h"
#include "qiaolian/v1/donation.pb.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/event.pb.h"
#include "qiaolian/v1/person.pb.h"

namespace qiaolian {
namespace model {
namespace {

template <typename T>
T Parse(absl::string_view text) {
  T m;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(std::string(text), &m))
      << text;
  return m;
}

// Every Ref resolves.
absl::StatusOr<bool> AllExist(v1::Kind, uint64_t) { return true; }

absl::Status Validate(const google::protobuf::Message& m) {
  return ValidateRecord(m, AllExist);
}

// Asserts `code` and a message containing `part` (which starts with the
// field path in every test).
void ExpectError(const absl::Status& s, absl::StatusCode code,
                 absl::string_view part) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), part))
      << "expected \"" << part << "\" in: " << s;
}

void ExpectInvalid(const absl::Status& s, absl::string_view part) {
  ExpectError(s, absl::StatusCode::kInvalidArgument, part);
}

// --- Valid, fully populated records ------------------------------------

v1::Person ValidPerson() {
  return Parse<v1::Person>(R"pb(
    meta { id: 7 revision: 2 created_by: "importer" }
    name: "胡正明"
    name_parts {
      chinese: "胡正明"
      latin: "Chenming Hu"
      other_script: "フー"
      other_script_code: "Jpan"
      pinyin: "Hu Zhengming"
    }
    former_names: "胡明"
    gender: GENDER_MALE
    birth_date { year: 1947 month: 0 day: 0 }
    categories: CATEGORY_ETHNIC_CHINESE
    categories: CATEGORY_COMMUNITY_LEADER
    key_person: true
    nationalities: "US"
    nationalities: "CN"
    residence_country: "US"
    hometown { code: "320413" province: "江苏" region: "常州" district: "金坛" }
    identity_documents {
      type: TYPE_RESIDENT_ID
      number: "11010519491231002X"
      issuing_country: "CN"
      valid_until { year: 2030 month: 1 day: 6 }
    }
    identity_documents {
      type: TYPE_PASSPORT
      number: "E12345678"
      issuing_country: "US"
    }
    contacts { type: TYPE_PHONE value: "+8613900000000" label: "手机" }
    address { country: "US" text: "Berkeley, CA" postal_code: "94720" }
    occupation: "教授"
    employer_name: "UC Berkeley"
    employer { kind: KIND_ENTERPRISE id: 3 }
    title: "院士"
    education {
      level: LEVEL_DOCTORATE
      institution: "UC Berkeley"
      major: "EECS"
      country: "US"
      start { year: 1970 }
      end { year: 1973 month: 6 }
    }
    relations {
      person { kind: KIND_PERSON id: 8 }
      type: TYPE_QIAOJUAN
      note: "侄子"
    }
    relations { name: "胡某" type: TYPE_SIBLING }
    memberships {
      organization { kind: KIND_ENTERPRISE id: 4 }
      role: ROLE_ADVISOR
      title: "名誉会长"
      joined { year: 2015 month: 3 day: 1 }
    }
    returned { year: 2001 month: 9 day: 1 }
    tags: "重点"
    notes: "备注"
  )pb");
}

v1::Enterprise ValidEnterprise() {
  return Parse<v1::Enterprise>(R"pb(
    name: "上海某某有限公司"
    former_names: "旧名"
    foreign_name: "Example Co., Ltd."
    uscc: "91310000757904992P"
    registration_number: "310000400412345"
    type: TYPE_FOREIGN_INVESTED
    type_text: "有限责任公司（外商投资）"
    overseas_chinese_invested: true
    investor_countries: "KE"
    investor_countries: "HK"
    legal_representative {
      name: "张三"
      person { kind: KIND_PERSON id: 1 }
    }
    registered_capital { currency: "USD" amount_minor: 50000000 }
    registered_capital_text: "50(万美元)"
    established { year: 2003 month: 12 day: 31 }
    status: STATUS_ACTIVE
    status_text: "存续"
    status_date { year: 2020 month: 1 day: 6 }
    industry: "茶叶种植"
    industry_code: "A0164"
    registration_division { code: "310000" province: "上海" }
    address { country: "CN" division_code: "310115" text: "浦东新区" }
    contacts { type: TYPE_EMAIL value: "a@example.com" }
    website: "https://example.com"
    parent { kind: KIND_ENTERPRISE id: 2 }
    officers {
      person { kind: KIND_PERSON id: 1 }
      role: ROLE_CHAIRMAN
      title: "董事长"
    }
    officers { name: "李四" role: ROLE_CONTACT }
    employee_count: 120
    tags: "侨企"
  )pb");
}

v1::Case ValidCase() {
  return Parse<v1::Case>(R"pb(
    channel: CHANNEL_PHONE
    type: TYPE_ENTERPRISE_COORDINATION
    received { year: 2020 month: 2 day: 10 }
    received_at { seconds: 1581300000 nanos: 5 }
    topic: TOPIC_VISA
    number: "2020-001"
    title: "外国专家签证"
    description: "协调外国专家工作签证"
    parties {
      ref { kind: KIND_ENTERPRISE id: 2 }
      role: ROLE_ENTERPRISE
    }
    parties {
      name: "Anna"
      role: ROLE_SUBJECT
      category: CATEGORY_FOREIGN_EXPERT
    }
    reply_within_working_days: 2
    reply_due { year: 2020 month: 2 day: 12 }
    replied { year: 2020 month: 2 day: 11 }
    due { year: 2020 month: 3 day: 10 }
    status: STATUS_CLOSED
    closed { year: 2020 month: 2 day: 28 }
    outcome: OUTCOME_RESOLVED
    handler: "王五"
    referred_to: "市外专局"
    referred_to_org { kind: KIND_ENTERPRISE id: 5 }
    actions {
      date { year: 2020 month: 2 day: 11 }
      type: TYPE_CALL
      by: "王五"
    }
    valid_information: true
    count: 1
    related { kind: KIND_EVENT id: 9 }
    tags: "复工"
  )pb");
}

v1::Donation ValidDonation() {
  return Parse<v1::Donation>(R"pb(
    direction: DIRECTION_INBOUND
    type: TYPE_MIXED
    date { year: 2020 month: 2 }
    title: "为两家医院筹集N95口罩"
    donors {
      ref { kind: KIND_ENTERPRISE id: 4 }
      role: ROLE_DONOR
    }
    donors { name: "东非商会侨胞" role: ROLE_DONOR count: 21 }
    recipients { name: "人民医院" role: ROLE_RECIPIENT }
    money { currency: "CNY" amount_minor: 2000000 }
    items {
      description: "3M医用N95口罩"
      quantity: 600
      unit: "只"
      value { currency: "CNY" amount_minor: 1200000 }
    }
    items { description: "待定物资" quantity: 0 }
    purpose: PURPOSE_EPIDEMIC
    purpose_text: "防疫"
    campaign: "抗疫"
    campaign_event { kind: KIND_EVENT id: 3 }
    raised_via { kind: KIND_ENTERPRISE id: 4 }
    raised_via_name: "东非商会"
    receipt_number: "No. 0001"
    related { kind: KIND_CASE id: 1 }
  )pb");
}

v1::Event ValidEvent() {
  return Parse<v1::Event>(R"pb(
    type: TYPE_GREETING_VISIT
    date { year: 2021 month: 2 day: 5 }
    end_date { year: 2021 month: 2 day: 6 }
    time { seconds: 1612483200 }
    title: "春节走访慰问"
    description: "走访归侨侨眷"
    topic: TOPIC_OTHER
    occasion: OCCASION_SPRING_FESTIVAL
    location { country: "CN" text: "金坛区" }
    online: false
    organiser: "区侨联"
    participants {
      ref { kind: KIND_PERSON id: 1 }
      role: ROLE_RECIPIENT
    }
    participants {
      ref { kind: KIND_ENTERPRISE id: 2 }
      role: ROLE_HOST
    }
    participants { name: "归侨" role: ROLE_RECIPIENT count: 12 }
    count: 12
    attendee_count: 15
    reached_count: 300
    outlet: "金坛时报"
    channel: CHANNEL_NEWSPAPER
    url: "https://example.com/a"
    clicks: 1000
    group_name: "金坛侨友群"
    group_member_count: 200
    money { currency: "CNY" amount_minor: 120000 }
    gifts { description: "大米" quantity: 12 unit: "袋" }
    related { kind: KIND_DONATION id: 2 }
    tags: "春节"
  )pb");
}

TEST(ValidateTest, ValidRecordsOfEachKindPass) {
  EXPECT_TRUE(Validate(ValidPerson()).ok()) << Validate(ValidPerson());
  EXPECT_TRUE(Validate(ValidEnterprise()).ok()) << Validate(ValidEnterprise());
  EXPECT_TRUE(Validate(ValidCase()).ok()) << Validate(ValidCase());
  EXPECT_TRUE(Validate(ValidDonation()).ok()) << Validate(ValidDonation());
  EXPECT_TRUE(Validate(ValidEvent()).ok()) << Validate(ValidEvent());
}

TEST(ValidateTest, MinimalRecordsPass) {
  EXPECT_TRUE(Validate(Parse<v1::Person>(R"pb(name: "张三")pb")).ok());
  EXPECT_TRUE(Validate(Parse<v1::Enterprise>(R"pb(name: "某公司")pb")).ok());
  EXPECT_TRUE(Validate(Parse<v1::Case>(R"pb(
                channel: CHANNEL_VISIT
                type: TYPE_CONSULTATION
                received { year: 2020 month: 1 day: 6 }
              )pb"))
                  .ok());
  EXPECT_TRUE(Validate(Parse<v1::Donation>(R"pb(
                direction: DIRECTION_OUTBOUND
                date { year: 2020 }
              )pb"))
                  .ok());
  EXPECT_TRUE(Validate(Parse<v1::Event>(R"pb(
                type: TYPE_MEETING
                date { year: 2020 month: 1 day: 6 }
              )pb"))
                  .ok());
}

TEST(ValidateTest, ResolverSeesEveryRef) {
  std::vector<std::pair<v1::Kind, uint64_t>> seen;
  auto record = [&](v1::Kind kind, uint64_t id) -> absl::StatusOr<bool> {
    seen.emplace_back(kind, id);
    return true;
  };
  ASSERT_TRUE(ValidateRecord(ValidEvent(), record).ok());
  const std::vector<std::pair<v1::Kind, uint64_t>> want = {
      {v1::KIND_PERSON, 1}, {v1::KIND_ENTERPRISE, 2}, {v1::KIND_DONATION, 2}};
  EXPECT_EQ(seen, want);
}

// --- Required fields ---------------------------------------------------

TEST(ValidateTest, PersonNameRequired) {
  v1::Person p = ValidPerson();
  p.clear_name();
  ExpectInvalid(Validate(p), "person.name: required");
  p.set_name(" \t\u3000");  // ASCII blanks and an ideographic space.
  ExpectInvalid(Validate(p), "person.name: required (got only blanks)");
}

TEST(ValidateTest, EnterpriseNameRequired) {
  v1::Enterprise e = ValidEnterprise();
  e.clear_name();
  ExpectInvalid(Validate(e), "enterprise.name: required");
}

TEST(ValidateTest, CaseRequiredFields) {
  v1::Case c = ValidCase();
  c.clear_channel();
  ExpectInvalid(Validate(c),
                "case.channel: required (not CHANNEL_UNSPECIFIED)");
  c = ValidCase();
  c.clear_type();
  ExpectInvalid(Validate(c), "case.type: required (not TYPE_UNSPECIFIED)");
  c = ValidCase();
  c.clear_received();
  ExpectInvalid(Validate(c), "case.received: required");
}

TEST(ValidateTest, CaseReceivedMustBeFullDate) {
  v1::Case c = ValidCase();
  c.mutable_received()->set_day(0);
  ExpectInvalid(Validate(c),
                "case.received: full date required (year, month and day), got "
                "2020-02 (a month only)");
}

TEST(ValidateTest, DonationRequiredFields) {
  v1::Donation d = ValidDonation();
  d.clear_direction();
  ExpectInvalid(Validate(d),
                "donation.direction: required (not DIRECTION_UNSPECIFIED)");
  d = ValidDonation();
  d.clear_date();
  ExpectInvalid(Validate(d), "donation.date: required");
}

TEST(ValidateTest, EventRequiredFields) {
  v1::Event e = ValidEvent();
  e.clear_type();
  ExpectInvalid(Validate(e), "event.type: required (not TYPE_UNSPECIFIED)");
  e = ValidEvent();
  e.clear_date();
  ExpectInvalid(Validate(e), "event.date: required");
  e = ValidEvent();
  e.mutable_date()->set_month(0);
  e.mutable_date()->set_day(0);
  ExpectInvalid(Validate(e), "event.date: full date required");
}

// --- Generic rules -----------------------------------------------------

TEST(ValidateTest, InvalidUtf8DeepInRepeatedMessage) {
  v1::Person p = ValidPerson();
  p.mutable_memberships(0)->set_note("ok\xC0\xAF");
  ExpectInvalid(Validate(p),
                "person.memberships[0].note: invalid UTF-8 at byte 2");

  v1::Event e = ValidEvent();
  e.mutable_participants(2)->set_name("归侨\xED\xA0\x80");
  ExpectInvalid(Validate(e),
                "event.participants[2].name: invalid UTF-8 at byte 6");

  v1::Person q = ValidPerson();
  q.add_former_names("\xFF");
  ExpectInvalid(Validate(q), "person.formerNames[1]: invalid UTF-8 at byte 0");
}

TEST(ValidateTest, BadDateInNestedMessage) {
  v1::Person p = ValidPerson();
  p.mutable_birth_date()->set_year(2021);
  p.mutable_birth_date()->set_month(2);
  p.mutable_birth_date()->set_day(30);
  ExpectInvalid(Validate(p),
                "person.birthDate: 2021-02-30 is not a calendar date");

  p = ValidPerson();
  p.mutable_education(0)->mutable_end()->set_month(13);
  ExpectInvalid(Validate(p), "person.education[0].end: 1973-13-00: month");

  v1::Case c = ValidCase();
  c.mutable_actions(0)->mutable_date()->set_day(31);  // 2020-02-31
  ExpectInvalid(Validate(c),
                "case.actions[0].date: 2020-02-31 is not a calendar date");

  v1::Person q = ValidPerson();
  q.mutable_returned()->Clear();  // Set but empty: year 0.
  ExpectInvalid(Validate(q), "person.returned: 0000-00-00: year must be");
}

TEST(ValidateTest, NegativeQuantity) {
  v1::Donation d = ValidDonation();
  d.mutable_items(1)->set_quantity(-3);
  ExpectInvalid(Validate(d),
                "donation.items[1].quantity: must be >= 0, got -3");
}

TEST(ValidateTest, QuantityNeedsUnit) {
  v1::Event e = ValidEvent();
  e.mutable_gifts(0)->clear_unit();
  ExpectInvalid(Validate(e),
                "event.gifts[0].unit: required when quantity is not 0");
}

TEST(ValidateTest, MoneyWithoutCurrency) {
  v1::Donation d = ValidDonation();
  d.mutable_money()->clear_currency();
  ExpectInvalid(Validate(d),
                "donation.money.currency: required when amountMinor is not 0");

  d = ValidDonation();
  d.mutable_items(0)->mutable_value()->clear_currency();
  ExpectInvalid(Validate(d), "donation.items[0].value.currency: required");

  // No amount, no currency: fine.
  d = ValidDonation();
  d.mutable_money()->Clear();
  EXPECT_TRUE(Validate(d).ok()) << Validate(d);
}

TEST(ValidateTest, MoneyBadCurrencyOrNegativeAmount) {
  v1::Enterprise e = ValidEnterprise();
  e.mutable_registered_capital()->set_currency("RMB");
  ExpectInvalid(Validate(e), "enterprise.registeredCapital.currency: \"RMB\"");
  ExpectInvalid(Validate(e), "use CNY");

  v1::Donation d = ValidDonation();
  d.mutable_money()->set_amount_minor(-1);
  ExpectInvalid(Validate(d), "donation.money.amountMinor: must be >= 0");
}

TEST(ValidateTest, BadCountryCodes) {
  v1::Person p = ValidPerson();
  p.mutable_address()->set_country("cn");
  ExpectInvalid(Validate(p), "person.address.country: \"cn\"");
  ExpectInvalid(Validate(p), "use upper case: CN");

  p = ValidPerson();
  p.set_nationalities(1, "XX");
  ExpectInvalid(Validate(p), "person.nationalities[1]: \"XX\" is not an ISO");

  p = ValidPerson();
  p.set_residence_country("USA");
  ExpectInvalid(Validate(p), "person.residenceCountry: \"USA\"");

  p = ValidPerson();
  p.mutable_identity_documents(1)->set_issuing_country("ZZ");
  ExpectInvalid(Validate(p), "person.identityDocuments[1].issuingCountry");

  p = ValidPerson();
  p.mutable_education(0)->set_country("us");
  ExpectInvalid(Validate(p), "person.education[0].country");

  v1::Enterprise e = ValidEnterprise();
  e.set_investor_countries(0, "EU");
  ExpectInvalid(Validate(e), "enterprise.investorCountries[0]: \"EU\"");

  v1::Event ev = ValidEvent();
  ev.mutable_location()->set_country("Kenya");
  ExpectInvalid(Validate(ev), "event.location.country");
}

TEST(ValidateTest, InvalidTimestamp) {
  v1::Case c = ValidCase();
  c.mutable_received_at()->set_nanos(-1);
  ExpectInvalid(Validate(c), "case.receivedAt: nanos -1");
}

// --- Refs --------------------------------------------------------------

TEST(ValidateTest, DanglingRefIsFailedPrecondition) {
  auto resolve = [](v1::Kind kind, uint64_t id) -> absl::StatusOr<bool> {
    return !(kind == v1::KIND_ENTERPRISE && id == 42);
  };
  v1::Event e = ValidEvent();
  e.mutable_participants(1)->mutable_ref()->set_id(42);
  ExpectError(ValidateRecord(e, resolve), absl::StatusCode::kFailedPrecondition,
              "event.participants[1].ref: enterprise 42 does not exist");

  v1::Case c = ValidCase();
  c.mutable_referred_to_org()->set_id(42);
  ExpectError(ValidateRecord(c, resolve), absl::StatusCode::kFailedPrecondition,
              "case.referredToOrg: enterprise 42 does not exist");
}

TEST(ValidateTest, ResolverErrorPropagates) {
  auto broken = [](v1::Kind, uint64_t) -> absl::StatusOr<bool> {
    return absl::UnavailableError("disk on fire");
  };
  ExpectError(ValidateRecord(ValidCase(), broken),
              absl::StatusCode::kUnavailable, "case.parties[0].ref: ");
  ExpectError(ValidateRecord(ValidCase(), broken),
              absl::StatusCode::kUnavailable, "disk on fire");
}

TEST(ValidateTest, NullResolverChecksRefSyntaxOnly) {
  v1::Event e = ValidEvent();
  e.mutable_participants(1)->mutable_ref()->set_id(42);
  EXPECT_TRUE(ValidateRecord(e, nullptr).ok());

  v1::Case c = ValidCase();
  c.mutable_parties(0)->mutable_ref()->clear_kind();
  ExpectInvalid(ValidateRecord(c, nullptr),
                "case.parties[0].ref.kind: must be a record kind");

  c = ValidCase();
  c.mutable_related(0)->clear_id();
  ExpectInvalid(ValidateRecord(c, nullptr), "case.related[0].id: must be > 0");

  c = ValidCase();
  c.mutable_parties(0)->mutable_ref()->set_kind(static_cast<v1::Kind>(9));
  ExpectInvalid(ValidateRecord(c, nullptr), "case.parties[0].ref.kind");
}

// --- Per-kind rules ----------------------------------------------------

TEST(ValidateTest, EnterpriseUsccChecked) {
  v1::Enterprise e = ValidEnterprise();
  e.set_uscc("91310000757904992Q");
  ExpectInvalid(Validate(e),
                "enterprise.uscc: check character is 'Q', expected 'P'");
  e.set_uscc("310000400412345");
  ExpectInvalid(Validate(e), "enterprise.uscc: 18 characters expected, got 15");
  e.clear_uscc();
  EXPECT_TRUE(Validate(e).ok()) << Validate(e);
}

TEST(ValidateTest, EnterpriseRegistrationNumberChecked) {
  v1::Enterprise e = ValidEnterprise();
  e.set_registration_number("3100004004123");  // 13 characters.
  EXPECT_TRUE(Validate(e).ok()) << Validate(e);
  e.set_registration_number("31000040041234");
  ExpectInvalid(Validate(e),
                "enterprise.registrationNumber: 13 or 15 characters expected");
  e.set_registration_number("310000-00412345");
  ExpectInvalid(Validate(e),
                "enterprise.registrationNumber: character at "
                "position 7");
}

TEST(ValidateTest, ResidentIdCheckedOnlyForResidentIds) {
  v1::Person p = ValidPerson();
  p.mutable_identity_documents(0)->set_number("110105194912310021");
  ExpectInvalid(Validate(p),
                "person.identityDocuments[0].number: check character is '1', "
                "expected 'X'");
  // The same number on a passport is not a resident ID.
  p.mutable_identity_documents(0)->set_type(
      v1::IdentityDocument::TYPE_PASSPORT);
  EXPECT_TRUE(Validate(p).ok()) << Validate(p);
}

// --- Scope and order ---------------------------------------------------

TEST(ValidateTest, MetaIsNotValidated) {
  v1::Person p = ValidPerson();
  p.mutable_meta()->set_created_by("\xFF");
  p.mutable_meta()->mutable_created_at()->set_nanos(-5);
  EXPECT_TRUE(Validate(p).ok()) << Validate(p);
}

TEST(ValidateTest, FirstErrorInFieldOrder) {
  v1::Person p = ValidPerson();
  p.clear_name();                          // field 2
  p.mutable_address()->set_country("xx");  // field 14
  ExpectInvalid(Validate(p), "person.name: required");
  p.set_name("张三");
  p.mutable_birth_date()->set_month(13);  // field 6
  ExpectInvalid(Validate(p), "person.birthDate:");
}

TEST(ValidateTest, RejectsNonRecordMessages) {
  v1::Date d;
  ExpectInvalid(Validate(d), "qiaolian.v1.Date is not a qiaolian record kind");
}

}  // namespace
}  // namespace model
}  // namespace qiaolian
