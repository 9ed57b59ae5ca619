// Import pipeline (include/qiaolian/import.h).
#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/timestamp.pb.h"
#include "qiaolian/duplicates.h"
#include "qiaolian/import.h"
#include "qiaolian/limits.h"
#include "qiaolian/search.h"
#include "qiaolian/v1/case.pb.h"
#include "qiaolian/v1/donation.pb.h"
#include "qiaolian/v1/event.pb.h"
#include "qiaolian/v1/options.pb.h"
#include "src/api/store_access.h"
#include "src/ingest/excel.h"
#include "src/ingest/hash_sets.h"
#include "src/ingest/headers.h"
#include "src/ingest/normalize.h"
#include "src/ingest/text.h"
#include "src/model/checks.h"
#include "src/model/phone.h"
#include "src/model/value_types.h"
#include "src/search/terms.h"
#include "src/text/normalize.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"
#include "unicode/uchar.h"

namespace qiaolian {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Memory for sorting a bulk load's index entries (two buffers of half).
// 32 MiB rather than 48: 16 MB less at the peak of a large import, within
// the index phase's run-to-run spread in time (bench/RESULTS.md, "Tables
// read with pread").
constexpr size_t kBulkSortMemoryBytes = 32 << 20;

// How a column's value is put into the record.
enum class Target {
  kField,             // Generic: by field path and type.
  kUscc,              // A code column: USCC, or a legacy number by length.
  kCapital,           // Registered capital: Money plus the text as written.
  kEnterpriseType,    // 企业类型: the text, and the Type enum by keyword.
  kEnterpriseStatus,  // 登记状态: the text, and the Status enum by keyword.
  kResidentId,        // 身份证号: an IdentityDocument of type resident ID.
  kPassport,          // 护照号: an IdentityDocument of type passport.
  kForeignId,         // NRIC, MyKad, HKID: an IdentityDocument of type
                      // foreign identity card (外国身份证件).
  kPhone,             // A Contact of type phone.
  kEmail,             // A Contact of type e-mail.
  kWeChat,            // A Contact of type WeChat (微信号).
  kQq,                // A Contact of type QQ.
  kWhatsApp,          // A Contact of type WhatsApp.
  kRecordId,          // id / meta.id: the record of this store (an export).
  kCurrency,          // 币种 / Currency: of the row's amounts written without
                      // one (ApplyCell's row_currency).
  kParty,  // 来访人, 捐赠人, 参加人员: an element of a list of
           // parties (the alias's field: a case's parties, a
           // donation's donors or recipients, an event's
           // participants) with that name and the alias's role,
           // one per name of the cell.
};

struct Alias {
  const char* header;  // Compared after normalising (see HeaderKey).
  const char* field;
  Target target = Target::kField;
  int role = 0;  // kParty: the number of the party's Role.
};

// Header aliases per kind (Chinese and English). JSON names and proto field
// paths are always accepted too.
// The roles of parties named by a column (Alias::role).
constexpr int kApplicant = v1::Case::Party::ROLE_APPLICANT;
constexpr int kRespondent = v1::Case::Party::ROLE_RESPONDENT;
constexpr int kCaseEnterprise = v1::Case::Party::ROLE_ENTERPRISE;
constexpr int kDonor = v1::Donation::Party::ROLE_DONOR;
constexpr int kRecipient = v1::Donation::Party::ROLE_RECIPIENT;
constexpr int kAttendee = v1::Event::Participant::ROLE_ATTENDEE;
constexpr int kGreeted = v1::Event::Participant::ROLE_RECIPIENT;
constexpr int kVisited = v1::Event::Participant::ROLE_VISITED;
constexpr int kGuest = v1::Event::Participant::ROLE_GUEST;
constexpr int kSpeaker = v1::Event::Participant::ROLE_SPEAKER;
constexpr int kContact = v1::Enterprise::Officer::ROLE_CONTACT;
constexpr int kShareholder = v1::Enterprise::Officer::ROLE_SHAREHOLDER;
constexpr int kChairman = v1::Enterprise::Officer::ROLE_CHAIRMAN;
constexpr int kGeneralManager = v1::Enterprise::Officer::ROLE_GENERAL_MANAGER;

const std::vector<Alias>& AliasesFor(Kind kind) {
  static const auto* enterprise = new std::vector<Alias>{
      // People of the enterprise by name (officers): a list of foreign-
      // invested enterprises names each one's contact and investor.
      {"联系人", "officers", Target::kParty, kContact},
      {"企业联系人", "officers", Target::kParty, kContact},
      {"投资方", "officers", Target::kParty, kShareholder},
      {"投资人", "officers", Target::kParty, kShareholder},
      {"投资者", "officers", Target::kParty, kShareholder},
      {"外方投资者", "officers", Target::kParty, kShareholder},
      {"股东", "officers", Target::kParty, kShareholder},
      {"出资人", "officers", Target::kParty, kShareholder},
      {"董事长", "officers", Target::kParty, kChairman},
      {"总经理", "officers", Target::kParty, kGeneralManager},
      {"contactperson", "officers", Target::kParty, kContact},
      {"shareholder", "officers", Target::kParty, kShareholder},
      {"shareholders", "officers", Target::kParty, kShareholder},
      {"investor", "officers", Target::kParty, kShareholder},
      {"企业名称", "name"},
      {"名称", "name"},
      {"单位名称", "name"},
      {"公司名称", "name"},
      {"机构名称", "name"},
      {"组织名称", "name"},
      {"enterprisename", "name"},
      {"companyname", "name"},
      {"统一社会信用代码", "uscc", Target::kUscc},
      {"社会信用代码", "uscc", Target::kUscc},
      {"信用代码", "uscc", Target::kUscc},
      {"统一信用代码", "uscc", Target::kUscc},
      {"社会统一信用代码", "uscc", Target::kUscc},  // A common slip.
      {"uscc", "uscc", Target::kUscc},
      {"unifiedsocialcreditcode", "uscc", Target::kUscc},
      {"creditcode", "uscc", Target::kUscc},
      {"注册号", "registration_number", Target::kUscc},
      {"工商注册号", "registration_number", Target::kUscc},
      {"registrationnumber", "registration_number", Target::kUscc},
      {"法定代表人", "legal_representative.name"},
      {"法人代表", "legal_representative.name"},
      {"法人", "legal_representative.name"},
      {"负责人", "legal_representative.name"},
      {"legalrepresentative", "legal_representative.name"},
      {"成立日期", "established"},
      {"注册日期", "established"},
      {"登记日期", "established"},
      {"设立日期", "established"},
      {"成立时间", "established"},
      {"注册时间", "established"},
      {"established", "established"},
      {"registrationdate", "established"},
      {"注册资本", "registered_capital", Target::kCapital},
      {"注册资金", "registered_capital", Target::kCapital},
      {"registeredcapital", "registered_capital", Target::kCapital},
      {"capital", "registered_capital", Target::kCapital},
      {"登记状态", "status", Target::kEnterpriseStatus},
      {"经营状态", "status", Target::kEnterpriseStatus},
      {"企业状态", "status", Target::kEnterpriseStatus},
      {"status", "status", Target::kEnterpriseStatus},
      {"企业类型", "type", Target::kEnterpriseType},
      {"公司类型", "type", Target::kEnterpriseType},
      {"类型", "type", Target::kEnterpriseType},
      {"type", "type", Target::kEnterpriseType},
      {"住所", "address.text"},
      {"注册地址", "address.text"},
      {"地址", "address.text"},
      {"经营场所", "address.text"},
      {"详细地址", "address.text"},
      {"注册地", "address.text"},
      {"address", "address.text"},
      {"所属行业", "industry"},
      {"行业", "industry"},
      {"industry", "industry"},
      {"经营范围", "business_scope"},
      {"businessscope", "business_scope"},
      {"所在省份", "registration_division.province"},
      {"省份", "registration_division.province"},
      {"province", "registration_division.province"},
      {"地区", "registration_division.region"},
      {"所在地区", "registration_division.region"},
      {"所属地区", "registration_division.region"},
      {"城市", "registration_division.region"},
      {"region", "registration_division.region"},
      {"区县", "registration_division.district"},
      {"district", "registration_division.district"},
      {"登记机关", "registration_authority"},
      {"投资国别", "investor_countries"},
      {"投资方国别", "investor_countries"},
      {"investorcountries", "investor_countries"},
      {"网址", "website"},
      {"备注", "notes"},
      {"notes", "notes"},
      {"标签", "tags"},
      // As registry lookup services (企查查, 天眼查, 启信宝) export them.
      {"英文名", "foreign_name"},
      {"英文名称", "foreign_name"},
      {"外文名称", "foreign_name"},
      {"所属省份", "registration_division.province"},
      {"所属城市", "registration_division.region"},
      {"所在城市", "registration_division.region"},
      {"所属地市", "registration_division.region"},
      {"所属区县", "registration_division.district"},
      {"所在区县", "registration_division.district"},
      {"企业地址", "address.text"},
      {"经营地址", "address.text"},
      {"通信地址", "address.text"},
      {"官网", "website"},
      {"网站", "website"},
      {"企业官网", "website"},
      {"电话", "", Target::kPhone},
      {"联系电话", "", Target::kPhone},
      {"企业电话", "", Target::kPhone},
      {"更多电话", "", Target::kPhone},
      {"邮箱", "", Target::kEmail},
      {"电子邮箱", "", Target::kEmail},
      {"企业邮箱", "", Target::kEmail},
      {"更多邮箱", "", Target::kEmail},
      // In English, as lists from chambers of commerce and associations
      // abroad name their columns (keys: lower case, no spaces).
      {"name", "name"},
      {"company", "name"},
      {"enterprise", "name"},
      {"englishname", "foreign_name"},
      {"nameinenglish", "foreign_name"},
      {"foreignname", "foreign_name"},
      {"legalperson", "legal_representative.name"},
      {"dateofestablishment", "established"},
      {"establishmentdate", "established"},
      {"dateofincorporation", "established"},
      {"incorporationdate", "established"},
      {"founded", "established"},
      {"paidupcapital", "registered_capital", Target::kCapital},
      {"companystatus", "status", Target::kEnterpriseStatus},
      {"companytype", "type", Target::kEnterpriseType},
      {"enterprisetype", "type", Target::kEnterpriseType},
      {"registeredaddress", "address.text"},
      {"companyaddress", "address.text"},
      {"businessaddress", "address.text"},
      {"city", "registration_division.region"},
      {"investorcountry", "investor_countries"},
      {"countryofinvestor", "investor_countries"},
      {"website", "website"},
      {"url", "website"},
      {"homepage", "website"},
      {"employees", "employee_count"},
      {"numberofemployees", "employee_count"},
      {"noofemployees", "employee_count"},
      {"headcount", "employee_count"},
      {"remarks", "notes"},
      {"remark", "notes"},
      {"tags", "tags"},
      {"phone", "", Target::kPhone},
      {"telephone", "", Target::kPhone},
      {"tel", "", Target::kPhone},
      {"phoneno", "", Target::kPhone},
      {"phonenumber", "", Target::kPhone},
      {"email", "", Target::kEmail},
      {"emailaddress", "", Target::kEmail},
      {"币种", "", Target::kCurrency},
      {"货币", "", Target::kCurrency},
      {"币别", "", Target::kCurrency},
      {"注册资本币种", "", Target::kCurrency},
      {"注册资金币种", "", Target::kCurrency},
      {"currency", "", Target::kCurrency},
  };
  static const auto* person = new std::vector<Alias>{
      {"姓名", "name"},
      {"名字", "name"},
      {"name", "name"},
      {"曾用名", "former_names"},
      {"性别", "gender"},
      {"出生日期", "birth_date"},
      {"生日", "birth_date"},
      {"出生年月日", "birth_date"},
      {"国籍", "nationalities"},
      {"居住国", "residence_country"},
      {"居住国家", "residence_country"},
      {"类别", "categories"},
      {"人员类别", "categories"},
      // A roster of returned overseas Chinese and their families: its
      // 身份 column says 归侨, 侨眷 ...
      {"身份", "categories"},
      {"侨界身份", "categories"},
      {"人员身份", "categories"},
      {"侨属类别", "categories"},
      {"身份类别", "categories"},
      // 重点人士: given priority in liaison (是/否).
      {"重点人士", "key_person"},
      {"是否重点人士", "key_person"},
      {"重点人物", "key_person"},
      {"是否重点人物", "key_person"},
      {"keyperson", "key_person"},
      {"文化程度", "education.level"},
      {"学历", "education.level"},
      {"毕业院校", "education.institution"},
      {"毕业学校", "education.institution"},
      {"专业", "education.major"},
      {"身份证", "", Target::kResidentId},
      {"身份证号", "", Target::kResidentId},
      {"身份证号码", "", Target::kResidentId},
      {"公民身份号码", "", Target::kResidentId},
      {"护照号", "", Target::kPassport},
      {"护照号码", "", Target::kPassport},
      {"电话", "", Target::kPhone},
      {"手机", "", Target::kPhone},
      {"联系电话", "", Target::kPhone},
      {"phone", "", Target::kPhone},
      {"邮箱", "", Target::kEmail},
      {"电子邮箱", "", Target::kEmail},
      {"email", "", Target::kEmail},
      // As rosters of 侨眷 and 华侨 name their columns.
      {"出生年月", "birth_date"},
      {"侨居国", "residence_country"},
      {"所在国家", "residence_country"},
      {"现居住国", "residence_country"},
      {"现居住国家", "residence_country"},
      {"现居住地", "address.text"},
      {"居住地", "address.text"},
      {"现住址", "address.text"},
      {"家庭住址", "address.text"},
      {"居住地址", "address.text"},
      {"手机号码", "", Target::kPhone},
      {"手机号", "", Target::kPhone},
      {"移动电话", "", Target::kPhone},
      {"微信", "", Target::kWeChat},
      {"微信号", "", Target::kWeChat},
      {"qq", "", Target::kQq},
      {"qq号", "", Target::kQq},
      {"qq号码", "", Target::kQq},
      {"籍贯", "hometown.text"},
      {"工作单位", "employer_name"},
      {"单位", "employer_name"},
      {"职务", "title"},
      {"职业", "occupation"},
      {"住址", "address.text"},
      {"地址", "address.text"},
      {"备注", "notes"},
      {"标签", "tags"},
      {"中文名", "name_parts.chinese"},
      {"英文名", "name_parts.latin"},
      {"英文姓名", "name_parts.latin"},
      {"外文名", "name_parts.latin"},
      {"祖籍", "hometown.text"},
      {"原籍", "hometown.text"},
      {"证件号", "identity_documents.number"},
      {"证件号码", "identity_documents.number"},
      {"whatsapp", "", Target::kWhatsApp},
      // In English, as associations abroad name their columns (keys: lower
      // case, no spaces).
      {"fullname", "name"},
      {"chinesename", "name_parts.chinese"},
      {"nameinchinese", "name_parts.chinese"},
      {"englishname", "name_parts.latin"},
      {"nameinenglish", "name_parts.latin"},
      {"latinname", "name_parts.latin"},
      {"pinyin", "name_parts.pinyin"},
      {"formername", "former_names"},
      {"previousname", "former_names"},
      {"gender", "gender"},
      {"sex", "gender"},
      {"dateofbirth", "birth_date"},
      {"birthdate", "birth_date"},
      {"dob", "birth_date"},
      {"birthday", "birth_date"},
      {"nationality", "nationalities"},
      {"citizenship", "nationalities"},
      {"countryofresidence", "residence_country"},
      {"residencecountry", "residence_country"},
      {"country", "residence_country"},
      {"category", "categories"},
      {"passport", "", Target::kPassport},
      {"passportno", "", Target::kPassport},
      {"passportnumber", "", Target::kPassport},
      {"nric", "", Target::kForeignId},
      {"nricno", "", Target::kForeignId},
      {"icno", "", Target::kForeignId},
      {"icnumber", "", Target::kForeignId},
      {"mykad", "", Target::kForeignId},
      {"hkid", "", Target::kForeignId},
      {"identitycardno", "", Target::kForeignId},
      {"idno", "identity_documents.number"},
      {"idnumber", "identity_documents.number"},
      {"mobile", "", Target::kPhone},
      {"mobileno", "", Target::kPhone},
      {"mobilenumber", "", Target::kPhone},
      {"handphone", "", Target::kPhone},
      {"hp", "", Target::kPhone},
      {"h/p", "", Target::kPhone},
      {"tel", "", Target::kPhone},
      {"telephone", "", Target::kPhone},
      {"phoneno", "", Target::kPhone},
      {"phonenumber", "", Target::kPhone},
      {"contactno", "", Target::kPhone},
      {"contactnumber", "", Target::kPhone},
      {"emailaddress", "", Target::kEmail},
      {"wechat", "", Target::kWeChat},
      {"wechatid", "", Target::kWeChat},
      {"address", "address.text"},
      {"homeaddress", "address.text"},
      {"residentialaddress", "address.text"},
      {"mailingaddress", "address.text"},
      {"hometown", "hometown.text"},
      {"ancestralhome", "hometown.text"},
      {"ancestralhometown", "hometown.text"},
      {"nativeplace", "hometown.text"},
      {"occupation", "occupation"},
      {"profession", "occupation"},
      {"company", "employer_name"},
      {"organisation", "employer_name"},
      {"organization", "employer_name"},
      {"position", "title"},
      {"designation", "title"},
      {"jobtitle", "title"},
      {"remarks", "notes"},
      {"remark", "notes"},
      {"notes", "notes"},
      {"tags", "tags"},
  };
  static const auto* other = new std::vector<Alias>{
      {"标题", "title"}, {"备注", "notes"}, {"标签", "tags"}};
  // Donations and events as ledgers and activity lists in English name
  // their columns (the field's own name, date or title, reads as well).
  static const auto* donation = new std::vector<Alias>{
      {"标题", "title"},
      {"备注", "notes"},
      {"标签", "tags"},
      {"amount", "money"},
      {"donationamount", "money"},
      {"币种", "", Target::kCurrency},
      {"货币", "", Target::kCurrency},
      {"币别", "", Target::kCurrency},
      {"currency", "", Target::kCurrency},
      {"donationdate", "date"},
      {"receiptno", "receipt_number"},
      {"project", "campaign"},
      {"remarks", "notes"},
      {"remark", "notes"},
      // A ledger of gifts as offices keep it (捐赠台账).
      {"捐赠人", "donors", Target::kParty, kDonor},
      {"捐款人", "donors", Target::kParty, kDonor},
      {"捐赠者", "donors", Target::kParty, kDonor},
      {"捐赠单位", "donors", Target::kParty, kDonor},
      {"捐款单位", "donors", Target::kParty, kDonor},
      {"捐赠方", "donors", Target::kParty, kDonor},
      {"资助人", "donors", Target::kParty, v1::Donation::Party::ROLE_SPONSOR},
      {"受赠人", "recipients", Target::kParty, kRecipient},
      {"受助人", "recipients", Target::kParty, kRecipient},
      {"受赠单位", "recipients", Target::kParty, kRecipient},
      {"受助对象", "recipients", Target::kParty, kRecipient},
      {"受赠方", "recipients", Target::kParty, kRecipient},
      {"受助学生", "recipients", Target::kParty, kRecipient},
      {"donor", "donors", Target::kParty, kDonor},
      {"donorname", "donors", Target::kParty, kDonor},
      {"recipient", "recipients", Target::kParty, kRecipient},
      {"beneficiary", "recipients", Target::kParty, kRecipient},
      {"捐赠金额", "money"},
      {"捐款金额", "money"},
      {"捐赠项目", "campaign"},
      {"捐款项目", "campaign"},
      {"项目", "campaign"},
      {"收据号", "receipt_number"},
      {"收据号码", "receipt_number"},
      {"票据号", "receipt_number"},
      {"票据编号", "receipt_number"},
      {"捐赠时间", "date"},
      {"捐款日期", "date"},
      {"到账日期", "date"},
      {"发放日期", "date"},
      {"发放时间", "date"},
      {"发放金额", "money"},
      {"日期", "date"},
      {"捐赠类型", "type"},
      {"类型", "type"},
      // Received or given (受捐 / 捐出, 收入 / 支出).
      {"方向", "direction"},
      {"捐赠方向", "direction"},
      {"收支", "direction"},
      {"收支类别", "direction"},
      {"收支方向", "direction"},
      // Gifts in kind: what, how many, in what unit, worth how much.
      {"物资名称", "items.description"},
      {"捐赠物资", "items.description"},
      {"物品名称", "items.description"},
      {"数量", "items.quantity"},
      {"单位", "items.unit"},
      {"价值", "items.value"},
      {"物资价值", "items.value"},
  };
  static const auto* event = new std::vector<Alias>{
      {"标题", "title"},
      {"备注", "notes"},
      {"标签", "tags"},
      {"event", "title"},
      {"eventname", "title"},
      {"币种", "", Target::kCurrency},
      {"currency", "", Target::kCurrency},
      {"eventdate", "date"},
      {"enddate", "end_date"},
      {"venue", "location.text"},
      {"location", "location.text"},
      {"organizer", "organiser"},
      {"organiser", "organiser"},
      {"attendees", "attendee_count"},
      {"noofparticipants", "attendee_count"},
      {"remarks", "notes"},
      {"remark", "notes"},
      // An activities ledger as offices keep it (活动台账).
      {"活动名称", "title"},
      {"名称", "title"},
      {"活动主题", "title"},
      {"活动时间", "date"},
      {"活动日期", "date"},
      {"开始日期", "date"},
      {"结束时间", "end_date"},
      {"活动地点", "location.text"},
      {"举办地点", "location.text"},
      {"类型", "type"},
      {"类别", "type"},
      {"活动类别", "type"},
      {"人数", "attendee_count"},
      {"参与人数", "attendee_count"},
      {"出席人数", "attendee_count"},
      {"承办单位", "organiser"},
      {"组织单位", "organiser"},
      {"举办单位", "organiser"},
      {"主办方", "organiser"},
      {"活动内容", "description"},
      {"内容", "description"},
      {"活动简介", "description"},
      {"活动情况", "description"},
      {"报道媒体", "outlet"},
      {"慰问金额", "money"},
      {"参加人员", "participants", Target::kParty, kAttendee},
      {"参与人员", "participants", Target::kParty, kAttendee},
      {"出席人员", "participants", Target::kParty, kAttendee},
      {"参会人员", "participants", Target::kParty, kAttendee},
      {"慰问对象", "participants", Target::kParty, kGreeted},
      {"走访对象", "participants", Target::kParty, kVisited},
      {"嘉宾", "participants", Target::kParty, kGuest},
      {"主讲人", "participants", Target::kParty, kSpeaker},
      {"发言人", "participants", Target::kParty, kSpeaker},
      {"guests", "participants", Target::kParty, kGuest},
      {"speaker", "participants", Target::kParty, kSpeaker},
  };
  // A case register as offices keep it (信访台账, 来访登记表), and as an
  // English one names its columns.
  static const auto* case_ = new std::vector<Alias>{
      {"标题", "title"},
      {"备注", "notes"},
      {"标签", "tags"},
      {"编号", "number"},
      {"案件编号", "number"},
      {"信访编号", "number"},
      {"登记号", "number"},
      {"受理编号", "number"},
      {"登记日期", "received"},
      {"来访日期", "received"},
      {"来信日期", "received"},
      {"来电日期", "received"},
      {"收到日期", "received"},
      {"接收日期", "received"},
      {"来源", "channel"},
      {"渠道", "channel"},
      {"反映方式", "channel"},
      {"反映渠道", "channel"},
      {"来访方式", "channel"},
      {"受理方式", "channel"},
      {"类型", "type"},
      {"类别", "type"},
      {"事项类别", "type"},
      {"案件类型", "type"},
      {"问题类别", "topic"},
      {"反映问题", "title"},
      {"主要问题", "title"},
      {"来访事由", "title"},
      {"案由", "title"},
      {"诉求", "description"},
      {"主要诉求", "description"},
      {"具体诉求", "description"},
      {"反映内容", "description"},
      {"状态", "status"},
      {"办理进度", "status"},
      {"处理结果", "outcome"},
      {"承办人", "handler"},
      {"处理人", "handler"},
      {"责任人", "handler"},
      {"交办单位", "referred_to"},
      {"转交单位", "referred_to"},
      {"办结时间", "closed"},
      {"答复日期", "replied"},
      {"回复日期", "replied"},
      {"来访人", "parties", Target::kParty, kApplicant},
      {"来信人", "parties", Target::kParty, kApplicant},
      {"来电人", "parties", Target::kParty, kApplicant},
      {"反映人", "parties", Target::kParty, kApplicant},
      {"申请人", "parties", Target::kParty, kApplicant},
      {"来信来访人", "parties", Target::kParty, kApplicant},
      {"诉求人", "parties", Target::kParty, kApplicant},
      {"被申请人", "parties", Target::kParty, kRespondent},
      {"被反映人", "parties", Target::kParty, kRespondent},
      {"涉及企业", "parties", Target::kParty, kCaseEnterprise},
      {"caseno", "number"},
      {"casenumber", "number"},
      {"referenceno", "number"},
      {"datereceived", "received"},
      {"receiveddate", "received"},
      {"subject", "title"},
      {"category", "type"},
      {"applicant", "parties", Target::kParty, kApplicant},
      {"complainant", "parties", Target::kParty, kApplicant},
      {"respondent", "parties", Target::kParty, kRespondent},
      {"officerincharge", "handler"},
      {"dateclosed", "closed"},
      {"duedate", "due"},
      {"referredto", "referred_to"},
      {"remarks", "notes"},
      {"remark", "notes"},
  };
  switch (kind) {
    case v1::KIND_ENTERPRISE:
      return *enterprise;
    case v1::KIND_PERSON:
      return *person;
    case v1::KIND_DONATION:
      return *donation;
    case v1::KIND_EVENT:
      return *event;
    case v1::KIND_CASE:
      return *case_;
    default:
      return *other;
  }
}

std::string HeaderKey(absl::string_view header);

// The alias of `kind` whose header's key is `key`, or else `key` without
// the points of English abbreviations (NRIC No., D.O.B., Tel.), or nullptr.
const Alias* DirectAliasOf(Kind kind, absl::string_view key) {
  for (const Alias& a : AliasesFor(kind)) {
    if (HeaderKey(a.header) == key) return &a;
  }
  if (key.find('.') != absl::string_view::npos) {
    const std::string bare = absl::StrReplaceAll(key, {{".", ""}});
    if (!bare.empty()) return DirectAliasOf(kind, bare);
  }
  return nullptr;
}

// A header that names someone's name or phone after the header that names
// the person (法定代表人姓名, 来访人姓名, 投资方名称; 联系人电话, 来访人手机),
// as forms write them in one cell or in two header rows (法定代表人 over
// 姓名 and 电话): the name is the person's column; the phone, a phone of
// the record, where the kind has contacts. nullptr otherwise.
const Alias* PersonsNameOrPhoneAlias(Kind kind, absl::string_view key) {
  // The alias of the person's header before one of `suffixes`, if it
  // names someone (a party, or a name field such as legal_representative).
  auto person = [&](std::initializer_list<absl::string_view> suffixes) {
    for (absl::string_view suffix : suffixes) {
      absl::string_view who = key;
      if (!absl::ConsumeSuffix(&who, suffix) || who.empty()) continue;
      const Alias* a = DirectAliasOf(kind, who);
      if (a != nullptr &&
          (a->target == Target::kParty || absl::EndsWith(a->field, ".name"))) {
        return a;
      }
    }
    return static_cast<const Alias*>(nullptr);
  };
  if (const Alias* a = person({"姓名", "名字", "名称"})) return a;
  const Descriptor* d = DescriptorOf(kind);
  const FieldDescriptor* contacts =
      d == nullptr ? nullptr : d->FindFieldByName("contacts");
  static const Alias kPhone{"", "", Target::kPhone};
  return contacts != nullptr &&
                 contacts->message_type() == v1::Contact::descriptor() &&
                 person({"联系电话", "电话", "手机号码", "手机号", "手机",
                         "联系方式"}) != nullptr
             ? &kPhone
             : nullptr;
}

const Alias* AliasOf(Kind kind, absl::string_view key) {
  const Alias* a = DirectAliasOf(kind, key);
  return a != nullptr ? a : PersonsNameOrPhoneAlias(kind, key);
}

// An alias of `kind` whose header is one character away from `key` (a
// header's key: 企业名 for 企业名称, 法人代表人 for 法人代表, 统一社会信用
// 代碼 typed with one character wrong), for an ignored column's hint; keys
// of fewer than three characters have no near alias. nullptr when none.
const Alias* NearAlias(Kind kind, absl::string_view key) {
  const std::u32string k = text::ToU32(key);
  if (k.size() < 3) return nullptr;
  // A character left out or added first (a header cut short, 注册资 for
  // 注册资本), then one changed.
  for (const bool same_size : {false, true}) {
    for (const Alias& a : AliasesFor(kind)) {
      const std::u32string h = text::ToU32(HeaderKey(a.header));
      if (h.size() < 3 || h == k || (h.size() == k.size()) != same_size) {
        continue;
      }
      const std::u32string& longer = h.size() >= k.size() ? h : k;
      const std::u32string& shorter = h.size() >= k.size() ? k : h;
      if (longer.size() - shorter.size() > 1) continue;
      size_t i = 0;
      while (i < shorter.size() && shorter[i] == longer[i]) ++i;
      // The rest equal, in order, past the one character.
      if (longer.compare(i + 1, std::u32string::npos, shorter,
                         i + (same_size ? 1 : 0)) == 0) {
        return &a;
      }
    }
  }
  return nullptr;
}

// A header as it names its field: cleaned, in half-width forms, without
// spaces (a header wrapped onto two lines, 统一社会\n信用代码; 注 册 资 本),
// without the asterisks of required columns (*企业名称) and without its
// "(...)" notes such as "(万元)": "*注册资本（万元）" → "注册资本".
std::string WithoutNote(absl::string_view header) {
  const std::string cleaned = ingest::ToHalfWidth(ingest::CleanText(header));
  std::string h;
  for (char c : cleaned) {
    if (c != ' ' && c != '*') h.push_back(c);
  }
  // Each "(...)" goes, wherever it is: 企业(机构)名称 is 企业名称.
  std::string out;
  int depth = 0;
  for (char c : h) {
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out.push_back(c);
    }
  }
  return out.empty() ? h : out;
}

// Header text for matching: cleaned, lower-case, without spaces, '_' or
// '-', and without a "(...)" note; "、" and "／" read as "/".
std::string HeaderKey(absl::string_view header) {
  const std::string h = absl::StrReplaceAll(WithoutNote(header), {{"、", "/"}});
  std::string out;
  for (char c : h) {
    if (c == '_' || c == '-') continue;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

struct MappedColumn {
  size_t index = 0;
  std::string header;
  std::string field;  // Field path (may be empty for special targets).
  Target target = Target::kField;
  std::vector<const FieldDescriptor*> path;  // Resolved for kField.
  // A money column whose header names a unit ("注册资本（万元）"): the unit
  // of a number written without one in its cells ("万元"); "" otherwise.
  std::string money_unit;
  // The column (a position in the mapped columns) this one stands in for:
  // both give the same single value (two 企业名称 columns; 住所 and
  // 经营地址), and this one gives it only where that one's cell is empty.
  // -1: none.
  int fallback_of = -1;
  // How the column's numbers or dates are read where the file comes from
  // places that write them otherwise than the Chinese mainland
  // (ImportOptions::decimal_mark, date_order; by default so in a file
  // separated by ';', which Excel saves where the decimal mark is a
  // comma): numbers with a decimal comma (1.234,5 is 1234.5), dates day
  // first (07.05.2008 is 2008-05-07) or month first (05/07/2008 is
  // 2008-05-07). `told`: by the import's options, not for the ';' (a column
  // holds numbers or dates, not both).
  bool decimal_comma = false;
  ImportDateOrder date_order = ImportDateOrder::kYearFirst;
  bool told = false;
  // A value someone gave for this one record or for every row (qiaolian
  // add, --set), not a file's cell: a category must be one, not a phrase
  // read as 其他.
  bool given = false;
  // The date order is the one the header's note gives ("(DD/MM/YYYY)").
  bool header_told = false;
  int party_role = 0;  // Target::kParty: Alias::role.
};

// The label of the role a party column of `kind` gives (申请人, 捐赠人),
// or its name.
std::string PartyRoleLabel(Kind kind, const MappedColumn& c) {
  const Descriptor* d = DescriptorOf(kind);
  const FieldDescriptor* list =
      d == nullptr ? nullptr : d->FindFieldByName(c.field);
  const FieldDescriptor* role =
      list == nullptr || list->message_type() == nullptr
          ? nullptr
          : list->message_type()->FindFieldByName("role");
  const google::protobuf::EnumValueDescriptor* v =
      role == nullptr || role->enum_type() == nullptr
          ? nullptr
          : role->enum_type()->FindValueByNumber(c.party_role);
  if (v == nullptr) return "";
  if (v->options().ExtensionSize(v1::label) > 0) {
    return v->options().GetExtension(v1::label, 0);
  }
  return v->name();
}

// Whether column `c` holds dates (or dates and times).
bool DateColumn(const MappedColumn& c) {
  if (c.target != Target::kField || c.path.empty()) return false;
  const Descriptor* d = c.path.back()->message_type();
  return d == v1::Date::descriptor() ||
         d == google::protobuf::Timestamp::descriptor();
}

// Whether column `c` holds numbers: money, or a whole number.
bool NumericColumn(const MappedColumn& c) {
  if (c.target == Target::kCapital) return true;
  if (c.target != Target::kField || c.path.empty()) return false;
  const FieldDescriptor* f = c.path.back();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return true;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return f->message_type() == v1::Money::descriptor();
    default:
      return false;
  }
}

// Whether column `c` holds amounts of money.
bool MoneyColumn(const MappedColumn& c) {
  return c.target == Target::kCapital ||
         (c.target == Target::kField && !c.path.empty() &&
          c.path.back()->message_type() == v1::Money::descriptor());
}

// The cell of a decimal-comma column as the number readers take it: the
// marks of its number swapped (1.234,5 → 1,234.5; 1,5 → 1.5), the rest as
// written ("1.234,5万欧元" → "1,234.5万欧元"). Other cells as they are.
std::string DecimalPointForm(const MappedColumn& c, absl::string_view value) {
  if (!c.decimal_comma) return std::string(value);
  std::string v = ingest::ToHalfWidth(value);
  size_t i = v.find_first_of("0123456789");
  for (; i < v.size(); ++i) {
    char& ch = v[i];
    if (ch == ',') {
      ch = '.';
    } else if (ch == '.') {
      ch = ',';
    } else if (ch < '0' || ch > '9') {
      break;
    }
  }
  return v;
}

// A date written with two numbers before its year (07.05.2008, 7/5/2008,
// 07-05-2008, a time after it; 7/5/08, whose year of two digits no order
// reads), in half-width characters: the numbers in the order written, the
// year, and what follows it.
struct NumbersBeforeYear {
  absl::string_view first, second, year, rest;
};

std::optional<NumbersBeforeYear> SplitNumbersBeforeYear(absl::string_view v) {
  auto digits = [v](size_t at) {
    size_t n = 0;
    while (at + n < v.size() && absl::ascii_isdigit(v[at + n])) ++n;
    return n;
  };
  const size_t d = digits(0);
  if (d < 1 || d > 2 || d >= v.size()) return std::nullopt;
  const char sep = v[d];
  if (sep != '.' && sep != '/' && sep != '-') return std::nullopt;
  const size_t m = digits(d + 1);
  const size_t at_year = d + 1 + m + 1;
  if (m < 1 || m > 2 || at_year > v.size() || v[d + 1 + m] != sep) {
    return std::nullopt;
  }
  const size_t y = digits(at_year);
  if (y != 4 && y != 2) return std::nullopt;
  const absl::string_view rest = v.substr(at_year + y);
  if (!rest.empty() && rest[0] != ' ' && rest[0] != 'T') return std::nullopt;
  return NumbersBeforeYear{v.substr(0, d), v.substr(d + 1, m),
                           v.substr(at_year, y), rest};
}

// The cell of a day-first or month-first column as the date readers take
// it: a date written with the day and month before the year with its year
// first (07.05.2008 day first, 05/07/2008 month first: 2008-05-07); other
// cells as they are.
std::string YearFirstForm(const MappedColumn& c, absl::string_view value) {
  if (c.date_order == ImportDateOrder::kYearFirst) return std::string(value);
  const std::string v = ingest::ToHalfWidth(value);
  const std::optional<NumbersBeforeYear> n = SplitNumbersBeforeYear(v);
  if (!n || n->year.size() != 4) return v;
  const bool day_first = c.date_order == ImportDateOrder::kDayFirst;
  return absl::StrCat(n->year, "-", day_first ? n->second : n->first, "-",
                      day_first ? n->first : n->second, n->rest);
}

// The cell of column `c` as the readers of its values take it
// (DecimalPointForm, YearFirstForm); most cells as they are, not copied.
std::string ReadableForm(const MappedColumn& c, std::string cell) {
  if (c.decimal_comma) return DecimalPointForm(c, cell);
  if (c.date_order != ImportDateOrder::kYearFirst) {
    return YearFirstForm(c, cell);
  }
  return cell;
}

// The error of cell `value` of column `c` that does not read, saying how
// it was read where the file's numbers or dates were read otherwise than
// the Chinese mainland writes them, or, for a date written with the day and
// month before the year that was not, how to have it read.
absl::Status WithLocaleNote(const MappedColumn& c, absl::string_view value,
                            absl::Status st) {
  if (st.ok()) return st;
  // Views of `half_width`.
  const std::string half_width =
      DateColumn(c) ? ingest::ToHalfWidth(value) : std::string();
  const std::optional<NumbersBeforeYear> before_year =
      SplitNumbersBeforeYear(half_width);
  if (before_year && before_year->year.size() == 2) {
    return absl::Status(
        st.code(),
        absl::StrCat("\"", value, "\" has a year of two digits (",
                     before_year->year, ": 19", before_year->year, " or 20",
                     before_year->year, "?): write the year in full"));
  }
  const char* why = c.header_told ? "as its header says"
                    : c.told      ? "as the import was told"
                                  : "as a file separated by ; writes them";
  std::string note;
  if (c.decimal_comma) {
    note = absl::StrCat(" (read with a decimal comma, ", why,
                        ": 1.234,5 is 1234.5)");
  } else if (c.date_order == ImportDateOrder::kDayFirst) {
    note =
        absl::StrCat(" (read day first, ", why, ": 07.05.2008 is 2008-05-07)");
  } else if (c.date_order == ImportDateOrder::kMonthFirst) {
    note = absl::StrCat(" (read month first, ", why,
                        ": 05/07/2008 is 2008-05-07)");
  } else if (!c.told && before_year) {
    return absl::Status(
        st.code(),
        absl::StrCat("\"", value,
                     "\" writes the day and the month before the year: give "
                     "the file's date order (dmy: day first, mdy: month "
                     "first)"));
  } else {
    return st;
  }
  return absl::Status(st.code(), absl::StrCat(st.message(), note));
}

// Whether a column gives one value (a second column to the same field
// would overwrite it), not an item of a list.
// Whether `m` has a value at `path` (a list: an element; a message: set; a
// scalar: other than its default).
bool HasValueAt(const Message& m,
                const std::vector<const FieldDescriptor*>& path) {
  const Message* at = &m;
  for (const FieldDescriptor* f : path) {
    const google::protobuf::Reflection& r = *at->GetReflection();
    if (f->is_repeated()) return r.FieldSize(*at, f) > 0;
    if (!r.HasField(*at, f)) return false;
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return true;
    at = &r.GetMessage(*at, f);
  }
  return true;
}

bool SingleValued(const MappedColumn& c) {
  switch (c.target) {
    case Target::kField:
      return std::none_of(
          c.path.begin(), c.path.end(),
          [](const FieldDescriptor* f) { return f->is_repeated(); });
    case Target::kUscc:
    case Target::kCapital:
    case Target::kEnterpriseType:
    case Target::kEnterpriseStatus:
    case Target::kRecordId:
    case Target::kCurrency:
      return true;
    default:  // Contacts and identity documents: items of lists.
      return false;
  }
}

// The note of a header that ends in "(...)": "注册资本（万元）" → "万元",
// "金额(单位：元)" → "元"; "" when there is none.
std::string HeaderNote(absl::string_view header) {
  const std::string h = ingest::ToHalfWidth(ingest::CleanText(header));
  if (h.empty() || h.back() != ')') return "";
  const size_t open = h.rfind('(');
  if (open == std::string::npos || open == 0) return "";
  absl::string_view note = absl::StripAsciiWhitespace(
      absl::string_view(h).substr(open + 1, h.size() - open - 2));
  if (absl::ConsumePrefix(&note, "单位")) {
    absl::ConsumePrefix(&note, ":");
    note = absl::StripAsciiWhitespace(note);
  }
  return std::string(note);
}

// The order a date column's header note gives its dates, as sheets say
// it: "Date of Birth (DD/MM/YYYY)", "出生日期（日/月/年）", "Date
// (MM-DD-YYYY)"; kAuto when the note is none of these (or names the year first,
// which every order reads).
ImportDateOrder DateOrderOfNote(absl::string_view header) {
  std::string note = absl::AsciiStrToLower(HeaderNote(header));
  note = absl::StrReplaceAll(note, {{"日", "d"}, {"月", "m"}, {"年", "y"}});
  std::string letters;
  for (char ch : note) {
    if (ch == 'd' || ch == 'm' || ch == 'y') {
      if (letters.empty() || letters.back() != ch) letters.push_back(ch);
    } else if (ch != '/' && ch != '-' && ch != '.' && ch != ' ') {
      return ImportDateOrder::kAuto;
    }
  }
  if (letters == "dmy") return ImportDateOrder::kDayFirst;
  if (letters == "mdy") return ImportDateOrder::kMonthFirst;
  return ImportDateOrder::kAuto;
}

// Whether `v` is a number alone, without unit or currency: "500",
// "1,000.5", "-3", "５００".
bool IsBareNumber(absl::string_view v) {
  const std::string t = ingest::ToHalfWidth(v);
  absl::string_view s = t;
  if (!absl::ConsumePrefix(&s, "-")) absl::ConsumePrefix(&s, "+");
  bool digit = false, dot = false;
  for (char ch : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) {
      digit = true;
    } else if (ch == ',' && digit && !dot) {
      continue;
    } else if (ch == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

// A cell of money column `c` with the unit its header names, when the cell
// is a number alone ("500" under 注册资本（万元）: "500(万元)"; with a
// decimal comma, "1.234,5(万元)"); else the cell as it is (a cell that
// names its own unit keeps it).
std::string WithHeaderUnit(const MappedColumn& c, absl::string_view value) {
  if (c.money_unit.empty() || !IsBareNumber(DecimalPointForm(c, value))) {
    return std::string(value);
  }
  return absl::StrCat(value, "(", c.money_unit, ")");
}

absl::StatusOr<std::vector<const FieldDescriptor*>> ResolveFieldPath(
    const Descriptor* d, absl::string_view path) {
  std::vector<const FieldDescriptor*> out;
  const Descriptor* cur = d;
  for (absl::string_view seg : absl::StrSplit(path, '.')) {
    if (cur == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("field path \"", path, "\" goes past a value"));
    }
    const FieldDescriptor* f = cur->FindFieldByName(std::string(seg));
    if (f == nullptr) f = cur->FindFieldByCamelcaseName(std::string(seg));
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown field \"", seg,
                                                     "\" in ", cur->name(),
                                                     " (in \"", path, "\")"));
    }
    if (f->name() == "meta" && cur == d) {
      return absl::InvalidArgumentError("meta is kept by the store");
    }
    out.push_back(f);
    cur = f->message_type();
    if (model::IsValueMessage(cur)) cur = nullptr;
  }
  const FieldDescriptor* leaf = out.back();
  if (leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !model::IsValueMessage(leaf->message_type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field path \"", path, "\" names a message; name one of its fields"));
  }
  // A list of messages at the top with one value of each element
  // (`contacts.value`, `identity_documents.number`): parallel lists, one
  // element per item of the cell (SetPath).
  const bool parallel =
      out.size() == 2 && out[0]->is_repeated() && !out[1]->is_repeated();
  for (size_t i = 0; i + 1 < out.size() && !parallel; ++i) {
    if (out[i]->is_repeated()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field path \"", path,
          "\" passes through a repeated field; a column can fill a list of "
          "values only at its end"));
    }
  }
  return out;
}

// Splits a cell holding several values: 、 ， ； , ; / and newlines.
// A cell with 、 (as exports join lists) is split at 、 only, so that an
// item holding a comma or a slash stays whole.
std::vector<std::string> SplitList(absl::string_view s) {
  std::string t(s);
  if (absl::StrContains(t, "、")) {
    t = absl::StrReplaceAll(t, {{",", "\x1f"}, {"、", ","}});
  } else {
    for (const char* sep : {"，", "；", ";", "/", "\n"}) {
      t = absl::StrReplaceAll(t, {{sep, ","}});
    }
  }
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(t, ',', absl::SkipEmpty())) {
    std::string v =
        ingest::CleanText(absl::StrReplaceAll(part, {{"\x1f", ","}}));
    if (!v.empty() && !ingest::IsPlaceholder(v)) out.push_back(std::move(v));
  }
  return out;
}

// An enum value from its name (GENDER_MALE), its name without the prefix
// (MALE, any case), its number, or one of its labels (男, M: the
// (qiaolian.v1.label) options of the schema). 0 for a label of the
// unspecified value (未知).
absl::StatusOr<int> EnumValueAsWritten(
    const google::protobuf::EnumDescriptor* e, absl::string_view text) {
  // The name in words, as English sheets write it: Disaster Relief,
  // poverty-relief (DISASTER_RELIEF, POVERTY_RELIEF).
  std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  std::replace(upper.begin(), upper.end(), ' ', '_');
  std::replace(upper.begin(), upper.end(), '-', '_');
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    const auto* v = e->value(i);
    const google::protobuf::EnumValueOptions& vo = v->options();
    for (int j = 0; j < vo.ExtensionSize(v1::label); ++j) {
      if (absl::EqualsIgnoreCase(vo.GetExtension(v1::label, j), text)) {
        return v->number();
      }
    }
    if (v->number() == 0) continue;
    absl::string_view shortname = v->name();
    shortname.remove_prefix(
        std::min(shortname.size(), shortname.find('_') + 1));
    if (v->name() == upper || shortname == upper) return v->number();
    std::string shown(shortname);
    if (vo.ExtensionSize(v1::label) > 0) {
      absl::StrAppend(&shown, " (", vo.GetExtension(v1::label, 0), ")");
    }
    names.push_back(std::move(shown));
  }
  int n = 0;
  if (absl::SimpleAtoi(text, &n) && e->FindValueByNumber(n) != nullptr) {
    return n;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is not a value of ", e->name(),
                   " (expected one of: ", absl::StrJoin(names, ", "), ")"));
}

// A count as ledgers write it (half-width, without thousands separators):
// digits with a counting word after them (30人, 12家, 5场, 200人次), or
// said to be about so many (约50人, 100余人, 30多名, 50人左右); the number
// is taken as written. False for anything else (近百: no digits).
bool CountAsWritten(absl::string_view text, int64_t* n) {
  absl::string_view t = absl::StripAsciiWhitespace(text);
  for (absl::string_view about : {"大约", "共计", "约", "近", "共", "计"}) {
    if (absl::ConsumePrefix(&t, about)) break;
  }
  size_t digits = 0;
  while (digits < t.size() && absl::ascii_isdigit(t[digits])) ++digits;
  if (digits == 0 || digits > 12 || !absl::SimpleAtoi(t.substr(0, digits), n)) {
    return false;
  }
  t.remove_prefix(digits);
  for (absl::string_view more : {"余", "多"}) {
    if (absl::ConsumePrefix(&t, more)) break;
  }
  for (absl::string_view unit :
       {"人次", "人", "名", "位", "个", "家", "次", "户", "件", "场", "期",
        "篇", "条", "所", "批", "项"}) {
    if (absl::ConsumePrefix(&t, unit)) break;
  }
  for (absl::string_view about : {"左右", "以上", "上下"}) {
    if (absl::ConsumePrefix(&t, about)) break;
  }
  return t.empty();
}

// The value of enum `e` one of whose labels `text` holds (帮助学生 holds
// 助学), the longest when several do (助学金发放: 助学金, not 助学), when
// it is one value's; else 0 (not classified).
int EnumValueByLabelWithin(const google::protobuf::EnumDescriptor* e,
                           absl::string_view text) {
  int found = 0;
  size_t longest = 0;
  bool tie = false;
  for (int i = 0; i < e->value_count(); ++i) {
    const auto* v = e->value(i);
    if (v->number() == 0) continue;
    const google::protobuf::EnumValueOptions& vo = v->options();
    for (int j = 0; j < vo.ExtensionSize(v1::label); ++j) {
      const std::string& label = vo.GetExtension(v1::label, j);
      if (label.size() < longest || label.empty() ||
          !absl::StrContains(text, label)) {
        continue;
      }
      if (label.size() > longest) {
        longest = label.size();
        found = v->number();
        tie = false;
      } else if (found != v->number()) {
        tie = true;  // As long, another value's.
      }
    }
  }
  return tie ? 0 : found;
}

// The value of enum `e` that `text` names (EnumValueAsWritten), or, in
// traditional characters as files from Hong Kong, Macau and Taiwan write
// the labels (資金, 座談會), the one its simplified form names.
// The words ledgers and lists in English use for what the schema names
// otherwise (a gift's Cash, In Kind, Received; an activity's Conference,
// Workshop, Gala Dinner; a case's Walk-in, Enquiry, Pending): enum's full
// name, the word in lower case, and the value's name.
constexpr struct {
  absl::string_view enum_name, word, value;
} kEnglishWords[] = {
    {"qiaolian.v1.Donation.Direction", "received", "DIRECTION_INBOUND"},
    {"qiaolian.v1.Donation.Direction", "incoming", "DIRECTION_INBOUND"},
    {"qiaolian.v1.Donation.Direction", "in", "DIRECTION_INBOUND"},
    {"qiaolian.v1.Donation.Direction", "given", "DIRECTION_OUTBOUND"},
    {"qiaolian.v1.Donation.Direction", "donated", "DIRECTION_OUTBOUND"},
    {"qiaolian.v1.Donation.Direction", "outgoing", "DIRECTION_OUTBOUND"},
    {"qiaolian.v1.Donation.Direction", "out", "DIRECTION_OUTBOUND"},
    {"qiaolian.v1.Donation.Type", "cash", "TYPE_MONEY"},
    {"qiaolian.v1.Donation.Type", "cheque", "TYPE_MONEY"},
    {"qiaolian.v1.Donation.Type", "check", "TYPE_MONEY"},
    {"qiaolian.v1.Donation.Type", "bank transfer", "TYPE_MONEY"},
    {"qiaolian.v1.Donation.Type", "funds", "TYPE_MONEY"},
    {"qiaolian.v1.Donation.Type", "in kind", "TYPE_GOODS"},
    {"qiaolian.v1.Donation.Type", "in-kind", "TYPE_GOODS"},
    {"qiaolian.v1.Donation.Type", "items", "TYPE_GOODS"},
    {"qiaolian.v1.Donation.Type", "supplies", "TYPE_GOODS"},
    {"qiaolian.v1.Donation.Type", "materials", "TYPE_GOODS"},
    // Activity lists and case lists in English.
    {"qiaolian.v1.Event.Type", "conference", "TYPE_MEETING"},
    {"qiaolian.v1.Event.Type", "general meeting", "TYPE_MEETING"},
    {"qiaolian.v1.Event.Type", "agm", "TYPE_MEETING"},
    {"qiaolian.v1.Event.Type", "forum", "TYPE_SEMINAR"},
    {"qiaolian.v1.Event.Type", "symposium", "TYPE_SEMINAR"},
    {"qiaolian.v1.Event.Type", "roundtable", "TYPE_SEMINAR"},
    {"qiaolian.v1.Event.Type", "round table", "TYPE_SEMINAR"},
    {"qiaolian.v1.Event.Type", "panel discussion", "TYPE_SEMINAR"},
    {"qiaolian.v1.Event.Type", "workshop", "TYPE_TRAINING"},
    {"qiaolian.v1.Event.Type", "course", "TYPE_TRAINING"},
    {"qiaolian.v1.Event.Type", "class", "TYPE_TRAINING"},
    {"qiaolian.v1.Event.Type", "talk", "TYPE_LECTURE"},
    {"qiaolian.v1.Event.Type", "briefing", "TYPE_LECTURE"},
    {"qiaolian.v1.Event.Type", "presentation", "TYPE_LECTURE"},
    {"qiaolian.v1.Event.Type", "company visit", "TYPE_ENTERPRISE_VISIT"},
    {"qiaolian.v1.Event.Type", "site visit", "TYPE_ENTERPRISE_VISIT"},
    {"qiaolian.v1.Event.Type", "factory visit", "TYPE_ENTERPRISE_VISIT"},
    {"qiaolian.v1.Event.Type", "home visit", "TYPE_GREETING_VISIT"},
    {"qiaolian.v1.Event.Type", "courtesy visit", "TYPE_GREETING_VISIT"},
    {"qiaolian.v1.Event.Type", "condolence visit", "TYPE_GREETING_VISIT"},
    {"qiaolian.v1.Event.Type", "gala", "TYPE_EXCHANGE"},
    {"qiaolian.v1.Event.Type", "gala dinner", "TYPE_EXCHANGE"},
    {"qiaolian.v1.Event.Type", "dinner", "TYPE_EXCHANGE"},
    {"qiaolian.v1.Event.Type", "reception", "TYPE_EXCHANGE"},
    {"qiaolian.v1.Event.Type", "celebration", "TYPE_EXCHANGE"},
    {"qiaolian.v1.Event.Type", "get-together", "TYPE_EXCHANGE"},
    {"qiaolian.v1.Event.Type", "networking", "TYPE_EXCHANGE"},
    {"qiaolian.v1.Event.Type", "award ceremony", "TYPE_CEREMONY"},
    {"qiaolian.v1.Event.Type", "opening ceremony", "TYPE_CEREMONY"},
    {"qiaolian.v1.Event.Type", "signing ceremony", "TYPE_CEREMONY"},
    {"qiaolian.v1.Event.Type", "webinar", "TYPE_LIVE_STREAM"},
    {"qiaolian.v1.Event.Type", "livestream", "TYPE_LIVE_STREAM"},
    {"qiaolian.v1.Event.Type", "volunteering", "TYPE_VOLUNTEER"},
    {"qiaolian.v1.Event.Type", "news report", "TYPE_MEDIA_REPORT"},
    {"qiaolian.v1.Event.Type", "press coverage", "TYPE_MEDIA_REPORT"},
    {"qiaolian.v1.Event.Type", "media coverage", "TYPE_MEDIA_REPORT"},
    {"qiaolian.v1.Case.Channel", "walk-in", "CHANNEL_VISIT"},
    {"qiaolian.v1.Case.Channel", "in person", "CHANNEL_VISIT"},
    {"qiaolian.v1.Case.Channel", "call", "CHANNEL_PHONE"},
    {"qiaolian.v1.Case.Channel", "telephone", "CHANNEL_PHONE"},
    {"qiaolian.v1.Case.Channel", "hotline", "CHANNEL_PHONE"},
    {"qiaolian.v1.Case.Channel", "mail", "CHANNEL_LETTER"},
    {"qiaolian.v1.Case.Channel", "post", "CHANNEL_LETTER"},
    {"qiaolian.v1.Case.Channel", "wechat", "CHANNEL_ONLINE"},
    {"qiaolian.v1.Case.Channel", "website", "CHANNEL_ONLINE"},
    {"qiaolian.v1.Case.Channel", "web", "CHANNEL_ONLINE"},
    {"qiaolian.v1.Case.Channel", "e-mail", "CHANNEL_EMAIL"},
    {"qiaolian.v1.Case.Channel", "court", "CHANNEL_COURT_REFERRAL"},
    {"qiaolian.v1.Case.Type", "enquiry", "TYPE_CONSULTATION"},
    {"qiaolian.v1.Case.Type", "inquiry", "TYPE_CONSULTATION"},
    {"qiaolian.v1.Case.Type", "complaint", "TYPE_PETITION"},
    {"qiaolian.v1.Case.Type", "grievance", "TYPE_PETITION"},
    {"qiaolian.v1.Case.Type", "mediation", "TYPE_COURT_MEDIATION"},
    {"qiaolian.v1.Case.Type", "request", "TYPE_SERVICE_REQUEST"},
    {"qiaolian.v1.Case.Type", "service", "TYPE_SERVICE_REQUEST"},
    {"qiaolian.v1.Case.Status", "new", "STATUS_RECEIVED"},
    {"qiaolian.v1.Case.Status", "registered", "STATUS_RECEIVED"},
    {"qiaolian.v1.Case.Status", "open", "STATUS_IN_PROGRESS"},
    {"qiaolian.v1.Case.Status", "pending", "STATUS_IN_PROGRESS"},
    {"qiaolian.v1.Case.Status", "ongoing", "STATUS_IN_PROGRESS"},
    {"qiaolian.v1.Case.Status", "done", "STATUS_CLOSED"},
    {"qiaolian.v1.Case.Status", "completed", "STATUS_CLOSED"},
    {"qiaolian.v1.Case.Status", "finished", "STATUS_CLOSED"},
    {"qiaolian.v1.Case.Outcome", "solved", "OUTCOME_RESOLVED"},
    {"qiaolian.v1.Case.Outcome", "answered", "OUTCOME_ANSWERED"},
    {"qiaolian.v1.Case.Outcome", "replied", "OUTCOME_ANSWERED"},
    {"qiaolian.v1.Case.Outcome", "unresolved", "OUTCOME_NOT_RESOLVED"},
};

absl::StatusOr<int> EnumValue(const google::protobuf::EnumDescriptor* e,
                              absl::string_view text) {
  absl::StatusOr<int> v = EnumValueAsWritten(e, text);
  if (v.ok()) return v;
  const std::string lower =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  for (const auto& w : kEnglishWords) {
    if (w.enum_name == e->full_name() && w.word == lower) {
      if (const auto* value = e->FindValueByName(std::string(w.value))) {
        return value->number();
      }
    }
  }
  const std::string simplified = text::ToSimplified(text);
  if (simplified == text) return v;
  absl::StatusOr<int> again = EnumValueAsWritten(e, simplified);
  return again.ok() ? again : v;
}

absl::StatusOr<bool> ParseBool(absl::string_view s) {
  static const char* kTrue[] = {"是", "true", "yes", "y", "1", "√", "有"};
  static const char* kFalse[] = {"否", "false", "no", "n", "0", "×", "无"};
  const std::string lower = absl::AsciiStrToLower(s);
  for (const char* t : kTrue) {
    if (lower == t) return true;
  }
  for (const char* f : kFalse) {
    if (lower == f) return false;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", s, "\" is not yes/no (是/否, true/false, 1/0)"));
}

// A reference a cell gave by name ("enterprise:常州三久制造有限公司", as a
// visit log in a spreadsheet has it), to be looked up in the store by the
// writer; until then the Ref has its kind and kUnresolvedId.
struct NamedRef {
  v1::Ref* ref = nullptr;
  std::string name;
  std::string column;
};
constexpr uint64_t kUnresolvedId = std::numeric_limits<uint64_t>::max();

// Whether a party's name is written as a reference to a person or an
// enterprise: "person:胡正明", "enterprise:42",
// "Enterprise：常州三久制造有限公司" (the kind's name, either colon, then the
// id or the name).
bool IsPartyRefText(absl::string_view text) {
  std::string t(text);
  absl::StrReplaceAll({{"：", ":"}}, &t);
  const size_t colon = t.find(':');
  if (colon == std::string::npos || colon + 1 == t.size()) return false;
  absl::StatusOr<Kind> k = ParseKind(
      absl::StripAsciiWhitespace(absl::string_view(t).substr(0, colon)));
  return k.ok() && (*k == v1::KIND_PERSON || *k == v1::KIND_ENTERPRISE);
}

// Whether a party's name names a federation of returned overseas Chinese
// (侨联, 归国华侨联合会): the office, or one like it.
bool IsOfficeName(const std::string& name) {
  const std::string n = text::Compact(name);
  return absl::EndsWith(n, "侨联") || absl::StrContains(n, "侨联合会");
}

// The direction of `gift` seen from the office, when one side only is a
// 侨联 (`office`: its name): received when it is among the recipients,
// given when among the donors; unspecified otherwise.
v1::Donation::Direction DirectionByTheOffice(const v1::Donation& gift,
                                             std::string* office) {
  const v1::Donation::Party* donor = nullptr;
  const v1::Donation::Party* recipient = nullptr;
  for (const v1::Donation::Party& p : gift.donors()) {
    if (IsOfficeName(p.name())) donor = &p;
  }
  for (const v1::Donation::Party& p : gift.recipients()) {
    if (IsOfficeName(p.name())) recipient = &p;
  }
  if ((donor == nullptr) == (recipient == nullptr)) {
    return v1::Donation::DIRECTION_UNSPECIFIED;
  }
  const bool in = recipient != nullptr;
  if (in ? gift.donors_size() == 0 : gift.recipients_size() == 0) {
    return v1::Donation::DIRECTION_UNSPECIFIED;  // No one on the other side.
  }
  *office = (in ? recipient : donor)->name();
  return in ? v1::Donation::DIRECTION_INBOUND
            : v1::Donation::DIRECTION_OUTBOUND;
}

// Whether `f` is a category that offices write in their own words: an
// activity's type and occasion, a case's type, topic, channel and outcome.
bool IsPhraseCategory(const FieldDescriptor* f) {
  if (f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
    return false;
  }
  const Descriptor* d = f->containing_type();
  const absl::string_view name = f->name();
  if (d == v1::Event::descriptor()) {
    return name == "type" || name == "occasion";
  }
  if (d == v1::Case::descriptor()) {
    return name == "type" || name == "topic" || name == "channel" ||
           name == "outcome";
  }
  return false;
}

// Sets one field path of `m` from a cleaned value; a path through a list
// of messages (`contacts.value`) goes to SetParallel. References given by
// name are added to `named`.
absl::Status SetPath(Message* m,
                     const std::vector<const FieldDescriptor*>& path,
                     absl::string_view value, std::vector<NamedRef>* named);

// A cell of a column into a list of messages (`contacts.value`): item i of
// the cell (separated by 、 as exports write them, ；, ; or line breaks;
// empty items kept, so that the columns of one list stay aligned) is the
// value of element i.
absl::Status SetParallel(Message* m,
                         const std::vector<const FieldDescriptor*>& path,
                         absl::string_view value,
                         std::vector<NamedRef>* named) {
  const std::string items =
      absl::StrReplaceAll(value, {{"；", "、"}, {";", "、"}, {"\n", "、"}});
  const Reflection* r = m->GetReflection();
  int i = 0;
  for (absl::string_view item : absl::StrSplit(items, "、")) {
    const std::string v = ingest::CleanText(item);
    if (!v.empty() && !ingest::IsPlaceholder(v)) {
      while (r->FieldSize(*m, path[0]) <= i) r->AddMessage(m, path[0]);
      absl::Status st = SetPath(r->MutableRepeatedMessage(m, path[0], i),
                                {path[1]}, v, named);
      if (!st.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("item ", i + 1, ": ", st.message()));
      }
    }
    ++i;
  }
  return absl::OkStatus();
}

absl::Status SetPath(Message* m,
                     const std::vector<const FieldDescriptor*>& path,
                     absl::string_view value, std::vector<NamedRef>* named) {
  if (path.size() == 2 && path[0]->is_repeated()) {
    return SetParallel(m, path, value, named);
  }
  Message* cur = m;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    cur = cur->GetReflection()->MutableMessage(cur, path[i]);
  }
  const FieldDescriptor* f = path.back();
  const Reflection* r = cur->GetReflection();
  std::vector<std::string> values;
  if (f->is_repeated()) {
    values = SplitList(value);
  } else {
    values.push_back(std::string(value));
  }
  for (const std::string& v : values) {
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        const bool country = absl::EndsWith(f->name(), "country") ||
                             absl::EndsWith(f->name(), "countries") ||
                             f->name() == "nationalities";
        const bool code = country || absl::EndsWith(f->name(), "code");
        std::string s = code ? ingest::NormalizeCode(v) : v;
        if (country && !model::CheckCountryCode(s).ok()) {
          // 美国, 美國, United States, USA: the code (validation names
          // what is left).
          if (std::string c = model::CountryCodeByName(v); !c.empty()) {
            s = std::move(c);
          }
        }
        if (f->is_repeated()) {
          r->AddString(cur, f, s);
        } else {
          r->SetString(cur, f, s);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        absl::StatusOr<int> value =
            EnumValue(f->enum_type(), ingest::ToHalfWidth(v));
        // A category with a field for its text as written (a donation's
        // 用途 and 用途说明): free text (资助贫困学生) is kept there, and
        // the category is the one whose label it holds, when only one's.
        const FieldDescriptor* as_written =
            f->is_repeated() ? nullptr
                             : f->containing_type()->FindFieldByName(
                                   absl::StrCat(f->name(), "_text"));
        if (!value.ok() && as_written != nullptr &&
            as_written->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          if (r->GetString(*cur, as_written).empty()) {
            r->SetString(cur, as_written, v);
          }
          value = EnumValueByLabelWithin(f->enum_type(), v);
        }
        QL_RETURN_IF_ERROR(value.status());
        const int n = *value;
        if (f->is_repeated()) {
          if (n != 0) r->AddEnumValue(cur, f, n);  // 未知 in a list: none.
        } else {
          r->SetEnumValue(cur, f, n);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        QL_ASSIGN_OR_RETURN(bool b, ParseBool(ingest::ToHalfWidth(v)));
        if (f->is_repeated()) {
          r->AddBool(cur, f, b);
        } else {
          r->SetBool(cur, f, b);
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64:
      case FieldDescriptor::CPPTYPE_UINT32:
      case FieldDescriptor::CPPTYPE_UINT64: {
        std::string digits = ingest::ToHalfWidth(v);
        digits = absl::StrReplaceAll(digits, {{",", ""}});
        int64_t n = 0;
        // A quantity with its unit after it (5000只, 20箱), where the
        // message has a unit of its own (an Item): both.
        const FieldDescriptor* unit =
            f->is_repeated() ? nullptr
                             : f->containing_type()->FindFieldByName("unit");
        if (unit != nullptr &&
            unit->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
            !absl::SimpleAtoi(digits, &n)) {
          size_t d = 0;
          while (d < digits.size() && absl::ascii_isdigit(digits[d])) ++d;
          const std::string rest(
              absl::StripAsciiWhitespace(absl::string_view(digits).substr(d)));
          if (d > 0 && d <= 12 && !rest.empty() &&
              std::none_of(rest.begin(), rest.end(),
                           [](char c) {
                             return absl::ascii_isdigit(c) ||
                                    absl::ascii_ispunct(c);
                           }) &&
              absl::SimpleAtoi(absl::string_view(digits).substr(0, d), &n)) {
            if (r->GetString(*cur, unit).empty()) {
              r->SetString(cur, unit, rest);
            }
            digits = digits.substr(0, d);
          }
        }
        if (!absl::SimpleAtoi(digits, &n) && !CountAsWritten(digits, &n)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "\"", v,
              "\" is not a whole number (a count may be written 30人, "
              "约50人, 100余人)"));
        }
        const bool is_unsigned =
            f->cpp_type() == FieldDescriptor::CPPTYPE_UINT32 ||
            f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
        if (is_unsigned && n < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("\"", v, "\" is negative"));
        }
        if (f->is_repeated()) {
          return absl::InvalidArgumentError("lists of numbers are not read");
        }
        switch (f->cpp_type()) {
          case FieldDescriptor::CPPTYPE_INT32:
            r->SetInt32(cur, f, static_cast<int32_t>(n));
            break;
          case FieldDescriptor::CPPTYPE_INT64:
            r->SetInt64(cur, f, n);
            break;
          case FieldDescriptor::CPPTYPE_UINT32:
            r->SetUInt32(cur, f, static_cast<uint32_t>(n));
            break;
          default:
            r->SetUInt64(cur, f, static_cast<uint64_t>(n));
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* sub = f->is_repeated() ? r->AddMessage(cur, f)
                                        : r->MutableMessage(cur, f);
        if (f->message_type() == v1::Date::descriptor()) {
          QL_ASSIGN_OR_RETURN(v1::Date d, ingest::ParseDate(v));
          sub->CopyFrom(d);
        } else if (f->message_type() == v1::Money::descriptor()) {
          QL_ASSIGN_OR_RETURN(v1::Money money, ingest::ParseCapital(v));
          sub->CopyFrom(money);
        } else if (f->message_type() ==
                   google::protobuf::Timestamp::descriptor()) {
          QL_ASSIGN_OR_RETURN(int64_t seconds,
                              ingest::ParseTimestampSeconds(v));
          static_cast<google::protobuf::Timestamp*>(sub)->set_seconds(seconds);
        } else if (f->message_type() == v1::Ref::descriptor()) {
          // enterprise:42, or by name: enterprise:常州三久制造有限公司,
          // person:胡正明 (the colon may be full-width).
          std::string text(v);
          absl::StrReplaceAll({{"：", ":"}}, &text);
          std::pair<std::string, std::string> kv =
              absl::StrSplit(text, absl::MaxSplits(':', 1));
          absl::StatusOr<Kind> k = ParseKind(
              absl::StripAsciiWhitespace(ingest::ToHalfWidth(kv.first)));
          const std::string target = ingest::CleanText(kv.second);
          uint64_t id = 0;
          auto* ref = static_cast<v1::Ref*>(sub);
          if (k.ok() && absl::SimpleAtoi(ingest::ToHalfWidth(target), &id)) {
            ref->set_kind(*k);
            ref->set_id(id);
          } else if (k.ok() && *k != v1::KIND_PERSON &&
                     *k != v1::KIND_ENTERPRISE) {
            return absl::InvalidArgumentError(
                absl::StrCat("a ", KindName(*k), " is referred to by its id (",
                             KindName(*k), ":42), not \"", target, "\""));
          } else if (k.ok() && !target.empty() && named != nullptr) {
            ref->set_kind(*k);
            ref->set_id(kUnresolvedId);
            named->push_back(NamedRef{ref, target, ""});
          } else {
            return absl::InvalidArgumentError(
                absl::StrCat("\"", v,
                             "\" is not a reference such as enterprise:42 or "
                             "enterprise:常州三久制造有限公司"));
          }
        }
        break;
      }
      default:
        return absl::InvalidArgumentError("unsupported field type");
    }
  }
  return absl::OkStatus();
}

v1::Enterprise::Type TypeFromText(absl::string_view t) {
  struct K {
    const char* word;
    v1::Enterprise::Type type;
  };
  static const K kWords[] = {
      {"分公司", v1::Enterprise::TYPE_BRANCH},
      {"分支机构", v1::Enterprise::TYPE_BRANCH},
      {"代表机构", v1::Enterprise::TYPE_REPRESENTATIVE_OFFICE},
      {"合作社", v1::Enterprise::TYPE_FARMERS_COOPERATIVE},
      {"个体", v1::Enterprise::TYPE_INDIVIDUAL_BUSINESS},
      {"个人独资", v1::Enterprise::TYPE_SOLE_PROPRIETORSHIP},
      {"合伙", v1::Enterprise::TYPE_PARTNERSHIP},
      {"股份", v1::Enterprise::TYPE_JOINT_STOCK_COMPANY},
      {"外商", v1::Enterprise::TYPE_FOREIGN_INVESTED},
      {"外资", v1::Enterprise::TYPE_FOREIGN_INVESTED},
      {"中外合", v1::Enterprise::TYPE_FOREIGN_INVESTED},
      {"台港澳", v1::Enterprise::TYPE_FOREIGN_INVESTED},
      {"港澳台", v1::Enterprise::TYPE_FOREIGN_INVESTED},
      // 有限责任公司(外国法人独资) and (外国自然人独资): wholly foreign-owned.
      {"外国法人", v1::Enterprise::TYPE_FOREIGN_INVESTED},
      {"外国自然人", v1::Enterprise::TYPE_FOREIGN_INVESTED},
      {"国有", v1::Enterprise::TYPE_STATE_OWNED},
      {"全民所有", v1::Enterprise::TYPE_STATE_OWNED},
      {"集体", v1::Enterprise::TYPE_COLLECTIVE},
      {"有限", v1::Enterprise::TYPE_LIMITED_COMPANY},
      {"商会", v1::Enterprise::TYPE_ASSOCIATION},
      {"同乡会", v1::Enterprise::TYPE_HOMETOWN_ASSOCIATION},
  };
  for (const K& k : kWords) {
    if (absl::StrContains(t, k.word)) return k.type;
  }
  return v1::Enterprise::TYPE_OTHER;
}

v1::Enterprise::Status StatusFromText(absl::string_view t) {
  if (absl::StrContains(t, "吊销")) return v1::Enterprise::STATUS_REVOKED;
  if (absl::StrContains(t, "注销")) return v1::Enterprise::STATUS_CANCELLED;
  if (absl::StrContains(t, "迁出")) return v1::Enterprise::STATUS_MOVED_OUT;
  if (absl::StrContains(t, "停业") || absl::StrContains(t, "歇业")) {
    return v1::Enterprise::STATUS_SUSPENDED;
  }
  if (absl::StrContains(t, "存续") || absl::StrContains(t, "在业") ||
      absl::StrContains(t, "在营") || absl::StrContains(t, "开业") ||
      absl::StrContains(t, "正常")) {
    return v1::Enterprise::STATUS_ACTIVE;
  }
  return v1::Enterprise::STATUS_OTHER;
}

struct CellResult {
  bool flagged = false;
  std::string warning;  // "column: what" when a value is taken with a doubt.
  std::vector<NamedRef> named_refs;
};

// A Chinese name as rosters align it ("王　五", "林 淑 芬"): the spaces
// between Han characters dropped ("王五"); other spaces ("Tan Ah Kow",
// "陈 Tan") kept. `name` is CleanText'ed (single ASCII spaces).
std::string JoinHanName(const std::string& name) {
  if (name.find(' ') == std::string::npos) return name;
  const std::u32string cps = text::ToU32(name);
  std::u32string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    if (cps[i] == U' ' && !out.empty() && i + 1 < cps.size() &&
        text::IsHan(out.back()) && text::IsHan(cps[i + 1])) {
      continue;
    }
    out.push_back(cps[i]);
  }
  return text::ToUtf8(out);
}

void JoinHanNames(v1::Person* p) {
  p->set_name(JoinHanName(p->name()));
  for (std::string& n : *p->mutable_former_names()) n = JoinHanName(n);
  if (p->has_name_parts()) {
    p->mutable_name_parts()->set_chinese(
        JoinHanName(p->name_parts().chinese()));
  }
}

// A cell holding a person's Chinese and Latin names together, as rosters
// from abroad write them ("陈伟明 Tan Wei Ming", "陈伟明（Tan Wei Ming）",
// "Tan Wei Ming / 陈伟明"): the Chinese name becomes the name, and the
// parts the Chinese and Latin names where the row gave none. Anything else
// (one script, digits, two Chinese names) stays as written.
void SplitMixedName(v1::Person* p) {
  const std::u32string cps = text::ToU32(p->name());
  std::vector<std::u32string> tokens;
  std::u32string cur;
  for (char32_t c : cps) {
    const bool separator = c == U' ' || c == U'(' || c == U')' ||
                           c == U'\uFF08' || c == U'\uFF09' || c == U'/' ||
                           c == U',' || c == U'\uFF0C' || c == U'\u3000';
    if (!separator) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  // 'H': Han (with the middle dot of transcribed names), 'L': Latin.
  auto kind_of = [](const std::u32string& t) {
    bool han = true, latin = true;
    for (char32_t c : t) {
      const bool dot = c == U'\u00B7' || c == U'\u30FB';
      han = han && (text::IsHan(c) || dot);
      latin = latin && ((c < 0x250 && u_isalpha(static_cast<UChar32>(c))) ||
                        c == U'-' || c == U'\'' || c == U'.');
    }
    return han ? 'H' : latin ? 'L' : '?';
  };
  std::string kinds;
  for (const std::u32string& t : tokens) kinds.push_back(kind_of(t));
  const size_t han = kinds.find('H');
  if (han == std::string::npos ||
      kinds.find('H', han + 1) != std::string::npos ||
      kinds.find('?') != std::string::npos ||
      kinds.find('L') == std::string::npos) {
    return;
  }
  // The Latin tokens side by side, before or after the Chinese one.
  const size_t first_l = kinds.find('L'), last_l = kinds.rfind('L');
  if (kinds.substr(first_l, last_l - first_l + 1).find('H') !=
      std::string::npos) {
    return;
  }
  std::vector<std::string> latin;
  for (size_t i = first_l; i <= last_l; ++i) {
    latin.push_back(text::ToUtf8(tokens[i]));
  }
  const std::string chinese = text::ToUtf8(tokens[han]);
  v1::Person::NameParts* parts = p->mutable_name_parts();
  if (parts->chinese().empty()) parts->set_chinese(chinese);
  if (parts->latin().empty()) parts->set_latin(absl::StrJoin(latin, " "));
  p->set_name(chinese);
}

// A resident identity number (checked) as the document it is.
void SetResidentId(v1::IdentityDocument* doc, std::string number) {
  doc->set_type(v1::IdentityDocument::TYPE_RESIDENT_ID);
  doc->set_number(std::move(number));
  if (doc->issuing_country().empty()) doc->set_issuing_country("CN");
}

// A phone number or e-mail address, normalised as such.
// Whether `v` is the value a spreadsheet shows for a formula it could not
// compute (#REF!, #VALUE!, #DIV/0! ...; #N/A, "not available", reads as no
// value, see IsPlaceholder): the cell's value is lost, not this text.
bool IsFormulaError(absl::string_view v) {
  if (v.size() < 4 || v[0] != '#') return false;
  for (absl::string_view e :
       {"#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
        "#CALC!", "#FIELD!", "#GETTING_DATA", "#BLOCKED!", "#UNKNOWN!"}) {
    if (absl::EqualsIgnoreCase(v, e)) return true;
  }
  return false;
}

// A number that a program wrote as a float: "13900001111.0" (pandas writes
// a column of numbers with a gap in it so) → "13900001111"; else `v`.
std::string WithoutFloatTail(std::string v) {
  if (v.size() > 2 && absl::EndsWith(v, ".0") &&
      std::all_of(v.begin() + (v[0] == '+' ? 1 : 0), v.end() - 2, [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    v.resize(v.size() - 2);
  }
  return v;
}

void SetContact(v1::Contact* c, v1::Contact::Type type, absl::string_view v) {
  c->set_type(type);
  if (type == v1::Contact::TYPE_PHONE || type == v1::Contact::TYPE_QQ) {
    c->set_value(WithoutFloatTail(ingest::NormalizeCode(v)));
  } else {
    c->set_value(absl::AsciiStrToLower(v));
  }
}

// A phone number as people write one: digits with + - ( ) or spaces, and
// one of the shapes no other number has (a leading + or 0, an 11-digit
// mobile number starting with 1, or separators); a bare run of digits
// could be a QQ number.
bool LooksLikePhone(absl::string_view v) {
  size_t digits = 0;
  bool separated = false;
  for (char c : v) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c == '-' || c == '(' || c == ')' || c == ' ') {
      separated = true;
    } else if (c != '+') {
      return false;
    }
  }
  if (digits < 7 || digits > 20) return false;
  return v[0] == '+' || v[0] == '0' || separated ||
         (digits == 11 && v.size() == 11 && v[0] == '1');
}

// Elements of a list given without their type (a 证件号码 or 联系方式
// column alone) get the type their value can only have: a valid resident
// identity number, an e-mail address, a phone number. Others stay untyped.
void TypeUntypedElements(Message* m) {
  google::protobuf::RepeatedPtrField<v1::Contact>* contacts = nullptr;
  if (m->GetDescriptor() == v1::Person::descriptor()) {
    auto* p = static_cast<v1::Person*>(m);
    for (v1::IdentityDocument& doc : *p->mutable_identity_documents()) {
      if (doc.type() != v1::IdentityDocument::TYPE_UNSPECIFIED) continue;
      std::string number = ingest::NormalizeCode(doc.number());
      if (model::CheckResidentId(number).ok()) {
        SetResidentId(&doc, std::move(number));
      }
    }
    contacts = p->mutable_contacts();
  } else if (m->GetDescriptor() == v1::Enterprise::descriptor()) {
    contacts = static_cast<v1::Enterprise*>(m)->mutable_contacts();
  }
  if (contacts == nullptr) return;
  for (v1::Contact& c : *contacts) {
    if (c.type() != v1::Contact::TYPE_UNSPECIFIED) continue;
    const std::string v = ingest::ToHalfWidth(c.value());
    const size_t at = v.find('@');
    if (at != std::string::npos && at > 0 &&
        v.find('.', at) != std::string::npos &&
        v.find_first_of(" @", at + 1) == std::string::npos) {
      SetContact(&c, v1::Contact::TYPE_EMAIL, v);
    } else if (LooksLikePhone(v)) {
      SetContact(&c, v1::Contact::TYPE_PHONE, v);
    }
  }
}

// A resident identity number (GB 11643) holds its owner's birth date
// (characters 7-14) and sex (the 17th: odd for men, even for women). A
// person a row creates without a birth date or gender gets them from a
// valid one (a date given in part that agrees is completed); a birth date
// or gender that differs is kept. Returns the warning for that
// ("identity_documents: ID differs in gender"), or "".
std::string FillFromResidentId(v1::Person* p) {
  for (const v1::IdentityDocument& d : p->identity_documents()) {
    if (d.type() != v1::IdentityDocument::TYPE_RESIDENT_ID ||
        !model::CheckResidentId(d.number()).ok()) {
      continue;
    }
    const std::string& n = d.number();
    v1::Date born;
    int y = 0, m = 0, day = 0;
    if (!absl::SimpleAtoi(n.substr(6, 4), &y) ||
        !absl::SimpleAtoi(n.substr(10, 2), &m) ||
        !absl::SimpleAtoi(n.substr(12, 2), &day)) {
      return "";
    }
    born.set_year(y);
    born.set_month(m);
    born.set_day(day);
    const v1::Person::Gender sex = (n[16] - '0') % 2 == 1
                                       ? v1::Person::GENDER_MALE
                                       : v1::Person::GENDER_FEMALE;
    std::string differs;
    const v1::Date& given = p->birth_date();
    // A date the row gives in part (1965, or 1965-03) that the number
    // agrees with is completed from it.
    const bool agrees = given.year() == y &&
                        (given.month() == 0 || given.month() == m) &&
                        (given.day() == 0 || given.day() == day);
    if (given.year() == 0 || agrees) {
      *p->mutable_birth_date() = born;
    } else {
      differs = "birth date";
    }
    if (p->gender() == v1::Person::GENDER_UNSPECIFIED) {
      p->set_gender(sex);
    } else if (p->gender() != sex && p->gender() != v1::Person::GENDER_OTHER) {
      differs = differs.empty() ? "gender" : "birth date and gender";
    }
    return differs.empty()
               ? ""
               : absl::StrCat("identity_documents: ID differs in ", differs);
  }
  return "";
}

// GB 11714-1997: the 9th character of an organisation code (USCC characters
// 9-17) from the first 8 (digits, or capitals valued A=10 .. Z=35).
bool OrgCodeCheckHolds(absl::string_view org9) {
  static constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = org9[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      sum += (c - '0') * kWeights[i];
    } else if (c >= 'A' && c <= 'Z') {
      sum += (c - 'A' + 10) * kWeights[i];
    } else {
      return false;
    }
  }
  const int check = 11 - sum % 11;
  const char want = check == 10 ? 'X' : check == 11 ? '0' : '0' + check;
  return org9[8] == want;
}

// An amount as the exporter writes a Money: a currency code, a space, and a
// decimal number ("USD 500000.00", "CNY -12.5").
bool IsRenderedMoney(absl::string_view v) {
  if (v.size() < 5 || v[3] != ' ') return false;
  for (size_t i = 0; i < 3; ++i) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(v[i]))) return false;
  }
  absl::string_view n = v.substr(4);
  absl::ConsumePrefix(&n, "-");
  bool digit = false, dot = false;
  for (char c : n) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

// Applies one cleaned, non-placeholder cell.
// Puts cell `value` of column `c` into record `m`. `row_currency`: the
// row's 币种 / Currency cell, the currency of its amounts (empty: none).
absl::Status ApplyCell(const MappedColumn& c, absl::string_view value,
                       Message* m, bool lenient, absl::string_view row_currency,
                       CellResult* result) {
  switch (c.target) {
    case Target::kRecordId:  // Read by Prepare, not put into the record.
    case Target::kCurrency:
      return absl::OkStatus();
    case Target::kField: {
      const size_t before = result->named_refs.size();
      std::string readable = ReadableForm(c, WithHeaderUnit(c, value));
      if (!row_currency.empty() && MoneyColumn(c)) {
        absl::StrAppend(&readable, " ", row_currency);
      }
      absl::Status st = SetPath(m, c.path, readable, &result->named_refs);
      // A category written in a phrase (新春座谈会, 春节走访慰问): the one
      // whose label it holds (EnumValueByLabelWithin), with a warning that
      // says so; a phrase holding none is rejected.
      const FieldDescriptor* f = c.path.empty() ? nullptr : c.path.back();
      if (!st.ok() && f != nullptr && !f->is_repeated() &&
          f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        const int n = EnumValueByLabelWithin(f->enum_type(), readable);
        const google::protobuf::EnumValueDescriptor* v =
            n == 0 ? nullptr : f->enum_type()->FindValueByNumber(n);
        if (v != nullptr && v->options().ExtensionSize(v1::label) > 0) {
          const std::string label = v->options().GetExtension(v1::label, 0);
          st = SetPath(m, c.path, label, &result->named_refs);
          if (st.ok()) {
            result->warning =
                absl::StrCat(c.header, ": \"", value, "\" read as ", label,
                             ", the category it names; imported");
          }
        }
      }
      // A phrase that holds no category's label (联欢晚会, 文艺演出) as an
      // activity's or a case's category: 其他, with the phrase kept as a
      // tag, as the schema asks of 其他, and a warning that says so.
      if (!st.ok() && !c.given && f != nullptr && c.path.size() == 1 &&
          IsPhraseCategory(f) &&
          value.find_first_of("0123456789") == absl::string_view::npos) {
        const absl::StatusOr<int> other =
            EnumValueAsWritten(f->enum_type(), "其他");
        const FieldDescriptor* tags =
            m->GetDescriptor()->FindFieldByName("tags");
        const std::string phrase = ingest::CleanText(value);
        if (other.ok() && *other != 0 && tags != nullptr &&
            tags->is_repeated() &&
            tags->type() == FieldDescriptor::TYPE_STRING && !phrase.empty()) {
          const Reflection* r = m->GetReflection();
          r->SetEnumValue(m, f, *other);
          bool tagged = false;
          for (int i = 0; i < r->FieldSize(*m, tags); ++i) {
            tagged = tagged || r->GetRepeatedString(*m, tags, i) == phrase;
          }
          if (!tagged) r->AddString(m, tags, phrase);
          result->warning = absl::StrCat(
              c.header, ": \"", phrase,
              "\" names none of the categories; imported as 其他, with \"",
              phrase, "\" as a tag");
          st = absl::OkStatus();
        }
      }
      // A span of days in the date of a record that has an end date (an
      // activity's 2024.2.5-2.7, 2024年2月5日至7日): both, the end unless
      // the row gives one.
      const FieldDescriptor* end =
          !st.ok() && f != nullptr && !f->is_repeated() && f->name() == "date"
              ? f->containing_type()->FindFieldByName("end_date")
              : nullptr;
      if (end != nullptr && end->message_type() == v1::Date::descriptor() &&
          f->message_type() == v1::Date::descriptor()) {
        absl::StatusOr<std::optional<std::pair<v1::Date, v1::Date>>> span =
            ingest::ParseDateRange(readable);
        if (!span.ok()) return span.status();
        if (span->has_value()) {
          Message* at = m;
          for (size_t i = 0; i + 1 < c.path.size(); ++i) {
            at = at->GetReflection()->MutableMessage(at, c.path[i]);
          }
          const Reflection* r = at->GetReflection();
          r->MutableMessage(at, f)->CopyFrom((*span)->first);
          if (!r->HasField(*at, end)) {
            r->MutableMessage(at, end)->CopyFrom((*span)->second);
          }
          st = absl::OkStatus();
        }
      }
      QL_RETURN_IF_ERROR(WithLocaleNote(c, value, st));
      for (size_t i = before; i < result->named_refs.size(); ++i) {
        result->named_refs[i].column = c.header;
      }
      return absl::OkStatus();
    }
    case Target::kUscc: {
      auto* e = static_cast<v1::Enterprise*>(m);
      std::string code = ingest::NormalizeCode(value);
      if (code.size() == 13 || code.size() == 15) {
        // A legacy registration number (注册号) in either column.
        for (char ch : code) {
          if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) {
            return absl::InvalidArgumentError(
                absl::StrCat("\"", code,
                             "\" is not a registration number (13 or 15 "
                             "letters and digits)"));
          }
        }
        e->set_registration_number(code);
        return absl::OkStatus();
      }
      if (c.field == "registration_number") {
        e->set_registration_number(code);
        return absl::OkStatus();
      }
      absl::Status st = model::CheckUscc(code);
      if (st.ok()) {
        e->set_uscc(code);
        // The organisation code inside (characters 9-17) has its own check
        // character, which some legally issued codes fail: a warning only.
        if (!OrgCodeCheckHolds(absl::string_view(code).substr(8, 9))) {
          result->warning = absl::StrCat(
              c.header,
              ": organisation code check (GB 11714) fails for characters "
              "9-17 \"",
              code.substr(8, 9), "\"; imported");
        }
        return absl::OkStatus();
      }
      if (lenient && code.size() == 18) {
        e->set_unverified_uscc(code);
        e->add_tags("uscc-check-failed");
        result->flagged = true;
        return absl::OkStatus();
      }
      return st;
    }
    case Target::kCapital: {
      auto* e = static_cast<v1::Enterprise*>(m);
      // The registry's wording is kept; an amount as exports write it
      // ("USD 500000.00") is ours, not wording.
      // A number alone under a header that names the unit is kept with it
      // ("500" under 注册资本（万元）: "500(万元)"), so that the wording says
      // what the amount says.
      // A decimal comma stays as written in the wording.
      // The currency of a 币种 column goes into the wording too.
      std::string text = WithHeaderUnit(c, value);
      if (!row_currency.empty()) absl::StrAppend(&text, " ", row_currency);
      if (!IsRenderedMoney(value)) e->set_registered_capital_text(text);
      absl::StatusOr<v1::Money> money =
          ingest::ParseCapital(DecimalPointForm(c, text));
      QL_RETURN_IF_ERROR(WithLocaleNote(c, value, money.status()));
      *e->mutable_registered_capital() = *std::move(money);
      return absl::OkStatus();
    }
    case Target::kEnterpriseType: {
      // The registry's wording is kept verbatim in type_text; a value that
      // is one of our own names (an export read back) is not wording.
      auto* e = static_cast<v1::Enterprise*>(m);
      absl::StatusOr<int> exact =
          EnumValueAsWritten(v1::Enterprise::Type_descriptor(), value);
      if (exact.ok()) {
        e->set_type(static_cast<v1::Enterprise::Type>(*exact));
      } else {
        e->set_type_text(std::string(value));
        // In traditional characters (有限責任公司(臺港澳與境內合資)): by its
        // simplified form, whole, so that no part of it is missed.
        e->set_type(TypeFromText(text::ToSimplified(value)));
      }
      return absl::OkStatus();
    }
    case Target::kEnterpriseStatus: {
      auto* e = static_cast<v1::Enterprise*>(m);
      absl::StatusOr<int> exact =
          EnumValueAsWritten(v1::Enterprise::Status_descriptor(), value);
      if (exact.ok()) {
        e->set_status(static_cast<v1::Enterprise::Status>(*exact));
      } else {
        e->set_status_text(std::string(value));
        e->set_status(StatusFromText(text::ToSimplified(value)));
      }
      return absl::OkStatus();
    }
    case Target::kResidentId:
    case Target::kPassport:
    case Target::kForeignId: {
      auto* p = static_cast<v1::Person*>(m);
      std::string number = ingest::NormalizeCode(value);
      if (c.target == Target::kResidentId) {
        // A first-generation number (issued to 1999), as it is now.
        std::string converted = model::ResidentIdOfFirstGeneration(number);
        if (!converted.empty()) {
          result->warning = absl::StrCat(
              c.header, ": the 15-digit number \"", number,
              "\" was converted to the 18-character \"", converted, "\"");
          number = std::move(converted);
        }
      }
      if (c.target == Target::kResidentId) {
        QL_RETURN_IF_ERROR(model::CheckResidentId(number));
      }
      v1::IdentityDocument* doc = p->add_identity_documents();
      if (c.target == Target::kResidentId) {
        SetResidentId(doc, std::move(number));
      } else {
        doc->set_type(c.target == Target::kPassport
                          ? v1::IdentityDocument::TYPE_PASSPORT
                          : v1::IdentityDocument::TYPE_FOREIGN_RESIDENCE_ID);
        doc->set_number(std::move(number));
      }
      return absl::OkStatus();
    }
    case Target::kParty: {
      // A list of party messages with a string `name` and an enum `role`.
      const FieldDescriptor* list =
          m->GetDescriptor()->FindFieldByName(c.field);
      const Descriptor* party =
          list == nullptr ? nullptr : list->message_type();
      const FieldDescriptor* name =
          party == nullptr ? nullptr : party->FindFieldByName("name");
      const FieldDescriptor* role =
          party == nullptr ? nullptr : party->FindFieldByName("role");
      if (name == nullptr || role == nullptr || !list->is_repeated()) {
        return absl::InvalidArgumentError(
            absl::StrCat(c.field, " is no list of parties"));
      }
      // A name written as a reference (person:胡正明, enterprise:42, as in
      // a participants.ref column) links the party to that record (its
      // `ref`, an enterprise officer's `person`).
      const FieldDescriptor* ref = party->FindFieldByName("ref");
      if (ref == nullptr) ref = party->FindFieldByName("person");
      if (ref != nullptr && ref->message_type() != v1::Ref::descriptor()) {
        ref = nullptr;
      }
      const size_t before = result->named_refs.size();
      for (const std::string& n : SplitList(value)) {
        Message* p = m->GetReflection()->AddMessage(m, list);
        if (ref != nullptr && IsPartyRefText(n)) {
          QL_RETURN_IF_ERROR(SetPath(p, {ref}, n, &result->named_refs));
        } else {
          p->GetReflection()->SetString(p, name, n);
        }
        p->GetReflection()->SetEnumValue(p, role, c.party_role);
      }
      for (size_t i = before; i < result->named_refs.size(); ++i) {
        result->named_refs[i].column = c.header;
      }
      return absl::OkStatus();
    }
    case Target::kPhone:
    case Target::kEmail:
    case Target::kWeChat:
    case Target::kQq:
    case Target::kWhatsApp: {
      // People's and enterprises' contacts (the same message).
      const FieldDescriptor* contacts =
          m->GetDescriptor()->FindFieldByName("contacts");
      if (contacts == nullptr ||
          contacts->message_type() != v1::Contact::descriptor()) {
        return absl::InvalidArgumentError("this kind has no contacts");
      }
      for (const std::string& v : SplitList(value)) {
        SetContact(static_cast<v1::Contact*>(
                       m->GetReflection()->AddMessage(m, contacts)),
                   c.target == Target::kPhone    ? v1::Contact::TYPE_PHONE
                   : c.target == Target::kEmail  ? v1::Contact::TYPE_EMAIL
                   : c.target == Target::kWeChat ? v1::Contact::TYPE_WECHAT
                   : c.target == Target::kQq     ? v1::Contact::TYPE_QQ
                                                 : v1::Contact::TYPE_WHATSAPP,
                   v);
        // A number that cannot be one (a digit left out of a mobile
        // number, a country's number too short): imported as written, with
        // a warning, so that it can be checked.
        if (c.target == Target::kPhone || c.target == Target::kWhatsApp) {
          if (std::string problem = model::PhoneNumberProblem(v);
              !problem.empty()) {
            result->warning =
                absl::StrCat(c.header, ": \"", v, "\" ", problem, "; imported");
          }
        }
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

std::string CsvQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Longest reason of ImportSummary::rejected_by_reason and
// warnings_by_reason (a message longer than this is cut), and most kinds of
// reason each lists: the rest count under kOtherReasons.
constexpr size_t kMaxReasonBytes = 256;
constexpr size_t kMaxReasons = 100;
constexpr char kOtherReasons[] = "other reasons (the reject file has each row)";

// Counts one more `reason` in `by_reason`, or in kOtherReasons once it has
// kMaxReasons others.
void CountReason(std::string reason,
                 std::map<std::string, uint64_t>* by_reason) {
  if (by_reason->size() >= kMaxReasons && by_reason->count(reason) == 0) {
    reason = kOtherReasons;
  }
  ++(*by_reason)[std::move(reason)];
}

// A reason without its values, to count reasons by kind: the messages quote
// the values they read ("..." or '0'), which become "…".
std::string GeneralReason(absl::string_view r) {
  // Each quoted value ("…", '…', or `…` for a command) becomes an
  // ellipsis.
  std::string out;
  size_t i = 0;
  while (i < r.size()) {
    const char q = r[i];
    const size_t close = q == '"' || q == '\'' || q == '`'
                             ? r.find(q, i + 1)
                             : absl::string_view::npos;
    if (close == absl::string_view::npos) {
      out.push_back(q);
      ++i;
      continue;
    }
    out += "…";
    i = close + 1;
  }
  absl::string_view g = out;
  // A message that starts with the value ("\"2019-02-30\": ...") says the
  // same without it.
  absl::ConsumePrefix(&g, "…: ");
  g = absl::StripTrailingAsciiWhitespace(g);
  // At most kMaxReasonBytes, cut before a UTF-8 character, not inside one.
  if (g.size() > kMaxReasonBytes) {
    size_t cut = kMaxReasonBytes;
    while (cut > 0 && (static_cast<unsigned char>(g[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    g = absl::StripTrailingAsciiWhitespace(g.substr(0, cut));
  }
  return std::string(g);
}

// The field named at the start of a validation message ("enterprise.uscc:
// ...") or the column.
std::string FieldOf(absl::string_view message) {
  size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || colon > 80) return "";
  return std::string(message.substr(0, colon));
}

// Whether `element` says nothing that `stored` does not: merging it into
// `stored` changes nothing.
bool Covers(const Message& stored, const Message& element) {
  std::unique_ptr<Message> merged(stored.New());
  merged->CopyFrom(stored);
  merged->MergeFrom(element);
  return merged->SerializeAsString() == stored.SerializeAsString();
}

// Merges the fields set in `row` into `existing` per `mode`; true when
// something changed.
bool Merge(const Message& row, ImportMode mode, Message* existing) {
  const Reflection* rr = row.GetReflection();
  const Reflection* er = existing->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  rr->ListFields(row, &fields);
  const std::string before = existing->SerializeAsString();
  for (const FieldDescriptor* f : fields) {
    if (f->number() == 1) continue;  // meta
    if (mode == ImportMode::kFillEmpty) {
      const bool has = f->is_repeated() ? er->FieldSize(*existing, f) > 0
                                        : er->HasField(*existing, f);
      if (has) continue;
    }
    // The elements of a list of messages the store has: a row's element
    // that one of them covers (the file has its type and number, the store
    // also its issuing country) keeps the stored element whole.
    std::vector<std::unique_ptr<Message>> stored;
    if (f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      for (int i = 0; i < er->FieldSize(*existing, f); ++i) {
        const Message& e = er->GetRepeatedMessage(*existing, f, i);
        stored.emplace_back(e.New());
        stored.back()->CopyFrom(e);
      }
    }
    er->ClearField(existing, f);
    if (f->is_repeated()) {
      for (int i = 0; i < rr->FieldSize(row, f); ++i) {
        switch (f->cpp_type()) {
          case FieldDescriptor::CPPTYPE_STRING:
            er->AddString(existing, f, rr->GetRepeatedString(row, f, i));
            break;
          case FieldDescriptor::CPPTYPE_ENUM:
            er->AddEnumValue(existing, f, rr->GetRepeatedEnumValue(row, f, i));
            break;
          case FieldDescriptor::CPPTYPE_MESSAGE: {
            const Message& e = rr->GetRepeatedMessage(row, f, i);
            Message* out = er->AddMessage(existing, f);
            out->CopyFrom(e);
            for (std::unique_ptr<Message>& s : stored) {
              if (s != nullptr && Covers(*s, e)) {
                out->CopyFrom(*s);
                s.reset();
                break;
              }
            }
            break;
          }
          default:
            break;
        }
      }
    } else {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          er->SetString(existing, f, rr->GetString(row, f));
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          er->SetEnumValue(existing, f, rr->GetEnumValue(row, f));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          er->SetBool(existing, f, rr->GetBool(row, f));
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          er->SetInt32(existing, f, rr->GetInt32(row, f));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          er->SetInt64(existing, f, rr->GetInt64(row, f));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          er->SetUInt32(existing, f, rr->GetUInt32(row, f));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          er->SetUInt64(existing, f, rr->GetUInt64(row, f));
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          er->MutableMessage(existing, f)->CopyFrom(rr->GetMessage(row, f));
          break;
        default:
          break;
      }
    }
  }
  return existing->SerializeAsString() != before;
}

// A personal value of `m` as an export without --unmasked writes it (with
// '*' for the hidden characters, src/privacy/mask.cc): its field path and
// value in `*path` and `*value`; false when there is none. Fields marked
// (qiaolian.v1.public_data) are not masked, so they are not looked at.
bool FindMaskedValue(const Message& m, const std::string& prefix,
                     bool sensitive, std::string* path, std::string* value) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const google::protobuf::FieldOptions& fo = f->options();
    if (fo.GetExtension(v1::public_data)) continue;
    const bool s = sensitive || fo.HasExtension(v1::sensitive);
    const std::string at = prefix.empty()
                               ? std::string(f->name())
                               : absl::StrCat(prefix, ".", f->name());
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Message& sub = f->is_repeated() ? r->GetRepeatedMessage(m, f, i)
                                              : r->GetMessage(m, f);
        if (FindMaskedValue(sub, at, s, path, value)) return true;
      } else if (s && f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        std::string v = f->is_repeated() ? r->GetRepeatedString(m, f, i)
                                         : r->GetString(m, f);
        if (v.find('*') != std::string::npos) {
          *path = at;
          *value = std::move(v);
          return true;
        }
      }
    }
  }
  return false;
}

// Natural keys: query texts that find the record a row describes.
std::vector<std::string> NaturalKeys(Kind kind, const Message& m) {
  std::vector<std::string> keys;
  if (kind == v1::KIND_ENTERPRISE) {
    const auto& e = static_cast<const v1::Enterprise&>(m);
    if (!e.uscc().empty()) {
      keys.push_back(
          absl::StrCat("enterprise where uscc = ", JsonQuote(e.uscc())));
    }
    if (!e.registration_number().empty()) {
      keys.push_back(absl::StrCat("enterprise where registration_number = ",
                                  JsonQuote(e.registration_number())));
    }
    if (!e.unverified_uscc().empty()) {
      keys.push_back(absl::StrCat("enterprise where unverified_uscc = ",
                                  JsonQuote(e.unverified_uscc())));
    }
  } else if (kind == v1::KIND_PERSON) {
    const auto& p = static_cast<const v1::Person&>(m);
    for (const auto& d : p.identity_documents()) {
      if (!d.number().empty()) {
        keys.push_back(absl::StrCat("person where identity_documents.number = ",
                                    JsonQuote(d.number())));
      }
    }
  }
  if (keys.empty() && MetaOf(m).has_source()) {
    keys.push_back(absl::StrCat(
        KindName(kind),
        " where meta.source.file = ", JsonQuote(MetaOf(m).source().file()),
        " and meta.source.line = ", MetaOf(m).source().line()));
  }
  return keys;
}

// The first 64 KiB of the file (less when it is shorter or unreadable), to
// tell its delimiter: a tab or a semicolon byte is that character in UTF-8,
// GB18030 and Big5 (no multi-byte character holds one) and one of the pair
// in UTF-16.
std::string FileHead(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return head;
}

// The format a file's name gives: csv, tsv, jsonl, xlsx or xls. A .txt
// file is TSV when its first line holds a tab (Excel's "Text (tab
// delimited)" and "Unicode text", in UTF-16), else CSV.
std::string FormatOf(const std::string& path) {
  const std::string ext =
      absl::AsciiStrToLower(std::filesystem::path(path).extension().string());
  if (ext == ".tsv" || ext == ".tab") return "tsv";
  if (ext == ".jsonl" || ext == ".ndjson" || ext == ".json") return "jsonl";
  if (ext == ".xlsx" || ext == ".xlsm") return "xlsx";
  if (ext == ".xls") return "xls";
  if (ext == ".txt") {
    const std::string head = FileHead(path);
    const size_t tab = head.find('\t');
    return tab != std::string::npos && tab < head.find('\n') ? "tsv" : "csv";
  }
  return "csv";
}

// Whether `row` is a total, signature or note line of a sheet filled in for
// an office (合计：56家, 填表人：张三, 注：…) rather than a record: its first
// non-empty cell starts with a total (合计, 小计…) followed by nothing, a
// space, a colon or a digit, or with a label (填表人, 注…) and a colon;
// spaces between the characters (合　计) do not matter. Such rows would
// otherwise become records named 合计.
bool IsNoteRow(const ingest::Row& row) {
  // Totals, alone or before a number; labels only before a colon (负责人
  // alone may be a 职务 of a record).
  static constexpr absl::string_view kWords[] = {"合计", "总计", "小计",
                                                 "共计"};
  static constexpr absl::string_view kNotes[] = {
      "填表人",   "填报人",   "制表人",   "审核人",   "审批人",
      "负责人",   "经办人",   "统计人",   "填表日期", "填报日期",
      "制表日期", "报送日期", "填报单位", "填表单位", "报送单位",
      "注",       "备注",     "说明",     "附注"};
  auto skip_spaces = [](absl::string_view* t) {
    for (;;) {
      if (!t->empty() &&
          absl::ascii_isspace(static_cast<unsigned char>(t->front()))) {
        t->remove_prefix(1);
      } else if (!absl::ConsumePrefix(t, "\u3000")) {
        return;
      }
    }
  };
  // `word` at the start of `text`, spaces allowed between its characters
  // (合　计, as rosters align them); then what follows it.
  auto starts = [&](absl::string_view text, absl::string_view word,
                    absl::string_view* rest) {
    size_t i = 0;
    while (i < word.size()) {
      skip_spaces(&text);
      size_t len = 1;
      const auto lead = static_cast<unsigned char>(word[i]);
      if (lead >= 0xF0) {
        len = 4;
      } else if (lead >= 0xE0) {
        len = 3;
      } else if (lead >= 0xC0) {
        len = 2;
      }
      if (!absl::ConsumePrefix(&text, word.substr(i, len))) return false;
      i += len;
    }
    *rest = text;
    return true;
  };
  for (const std::string& f : row.fields) {
    absl::string_view text = f;
    skip_spaces(&text);
    if (text.empty()) continue;
    absl::string_view rest;
    auto colon = [&] {
      return absl::StartsWith(rest, ":") || absl::StartsWith(rest, "：");
    };
    for (absl::string_view w : kWords) {
      if (starts(text, w, &rest) &&
          (rest.empty() || colon() || absl::ascii_isdigit(rest[0]) ||
           absl::ascii_isspace(static_cast<unsigned char>(rest[0])) ||
           absl::StartsWith(rest, "\u3000"))) {
        return true;
      }
    }
    for (absl::string_view w : kNotes) {
      if (starts(text, w, &rest)) {
        skip_spaces(&rest);
        if (colon()) return true;
      }
    }
    return false;  // Only the first non-empty cell counts.
  }
  return false;
}

// A row above the header, as the summary shows it: its non-empty fields
// joined by ", ", cut to at most 200 bytes (at a character boundary).
std::string AboveHeaderText(const ingest::Row& row) {
  std::vector<absl::string_view> cells;
  for (const std::string& f : row.fields) {
    absl::string_view t = absl::StripAsciiWhitespace(f);
    if (!t.empty()) cells.push_back(t);
  }
  std::string s = absl::StrJoin(cells, ", ");
  constexpr size_t kMaxBytes = 200;
  if (s.size() > kMaxBytes) {
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    s += "...";
  }
  return s;
}

// One row as the producer thread hands it over: a record ready to resolve,
// or why the row is not imported.
struct Item {
  ingest::Row row;
  std::unique_ptr<Message> record;   // Set when the row is to be resolved.
  std::vector<NamedRef> named_refs;  // Refs of `record` given by name.
  bool duplicate = false;
  bool flagged = false;
  std::string warning;  // CellResult::warning.
  // The record the row names by id (a CSV export's id column, a JSON Lines
  // export's meta.id and meta.revision); 0 when it names none.
  uint64_t record_id = 0;
  uint64_t record_revision = 0;
  // JSON Lines: the meta.created_at the row gives (0 when none), which a
  // record of this store shares only with its own export.
  int64_t record_created_seconds = 0;
  int32_t record_created_nanos = 0;
  bool rejected = false;
  std::string reject_field;
  std::string reject_reason;
  uint64_t bytes = 0;  // Source bytes consumed once this row was read.
};

// A bounded single-producer single-consumer queue of chunks of rows.
class RowQueue {
 public:
  static constexpr size_t kChunkRows = 256;
  static constexpr size_t kMaxChunks = 8;

  // Adds a chunk (and, once, the producer's final status or `done`). False
  // when the consumer has cancelled.
  bool Push(std::vector<Item> chunk, absl::Status status, bool done = false) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](RowQueue* q) {
          return q->cancelled_ || q->chunks_.size() < kMaxChunks;
        },
        this));
    if (cancelled_) return false;
    if (!chunk.empty()) chunks_.push_back(std::move(chunk));
    if (!status.ok()) status_ = status;
    if (!status.ok() || done) finished_ = true;
    return true;
  }
  // Takes the next chunk; `*done` when the producer has finished and every
  // chunk was taken; the producer's error after its last chunk.
  absl::Status Pop(std::vector<Item>* chunk, bool* done) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](RowQueue* q) { return q->finished_ || !q->chunks_.empty(); },
        this));
    if (!chunks_.empty()) {
      *chunk = std::move(chunks_.front());
      chunks_.pop_front();
      return absl::OkStatus();
    }
    *done = true;
    return status_;
  }
  void Cancel() {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }

 private:
  absl::Mutex mu_;
  std::deque<std::vector<Item>> chunks_ ABSL_GUARDED_BY(mu_);
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

class Importer {
 public:
  Importer(Store& store, const std::string& path, const ImportOptions& o)
      : store_(store),
        path_(path),
        o_(o),
        seen_rows_(internal::StoreAccess::Db(store).path(),
                   ingest::ImportRowHashMemoryEntries()) {
    summary_.file = path;
    summary_.kind = o_.kind;
    summary_.dry_run = o.dry_run;
    source_name_ = std::filesystem::path(path).filename().string();
  }

  // One record built from `fields` (header or field path, and value) as a
  // row of a file with those columns would be: mapped, normalised,
  // validated, references by name looked up; not written. Every name must
  // map to a field. Warnings (a value taken with a doubt) go to `warnings`.
  // `partial`: the fields of a stored record to change, not a whole
  // record: not validated on their own, nor completed.
  absl::StatusOr<std::unique_ptr<Message>> BuildOne(
      const std::vector<std::pair<std::string, std::string>>& fields,
      std::vector<std::string>* warnings, bool partial = false) {
    partial_ = partial;
    if (fields.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("no field given for the ", KindName(o_.kind)));
    }
    ingest::Row header, row;
    header.line = 1;
    row.line = 2;
    for (const auto& [name, value] : fields) {
      header.fields.push_back(name);
      row.fields.push_back(value);
    }
    row.raw = absl::StrJoin(row.fields, ",");
    QL_ASSIGN_OR_RETURN(HeaderColumns columns, ColumnsOf(header));
    for (const MappedColumn& c : columns.columns) {
      if (c.fallback_of < 0) continue;
      const MappedColumn& first =
          columns.columns[static_cast<size_t>(c.fallback_of)];
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", first.header, "\" and \"", c.header, "\" both give ",
          first.field.empty() ? first.header : first.field, " of the ",
          KindName(o_.kind), "; give it once"));
    }
    if (!columns.ignored.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no field of ", KindName(o_.kind), " is called \"",
          columns.ignored.front(),
          "\" (a header as imports read them, 企业名称 or 活动类型, or a "
          "field path such as legal_representative.name)"));
    }
    header_size_ = header.fields.size();
    columns_ = std::move(columns.columns);
    for (MappedColumn& c : columns_) c.given = true;
    has_fallbacks_ =
        std::any_of(columns_.begin(), columns_.end(),
                    [](const MappedColumn& c) { return c.fallback_of >= 0; });
    one_record_ = true;
    // What the fields' names say as a file's headers would (来访日期: a
    // visit), for a whole record.
    if (!partial) {
      for (const std::string& h : header.fields) {
        header_texts_.push_back(ingest::CleanText(h));
      }
      QL_RETURN_IF_ERROR(MapValues());
    }
    Item item;
    item.row = std::move(row);
    Prepare(/*jsonl=*/false, &item);
    QL_RETURN_IF_ERROR(prepare_error_);  // (A first row repeats no other.)
    if (item.rejected) {
      return absl::InvalidArgumentError(
          item.reject_field.empty() ||
                  absl::StartsWith(item.reject_reason, item.reject_field)
              ? item.reject_reason
              : absl::StrCat(item.reject_field, ": ", item.reject_reason));
    }
    std::string field, reason;
    QL_ASSIGN_OR_RETURN(bool found, FindNamedRefs(item, &field, &reason));
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
    }
    std::unique_ptr<Message> record = std::move(item.record);
    MutableMetaOf(record.get())->clear_source();  // Not from a file.
    if (!item.warning.empty()) warnings->push_back(item.warning);
    if (o_.kind == v1::KIND_PERSON && !partial) {
      const std::string warning =
          FillFromResidentId(static_cast<v1::Person*>(record.get()));
      if (!warning.empty()) warnings->push_back(warning);
    }
    return record;
  }

  // Sets how each mapped column's numbers and dates are read
  // (MappedColumn::decimal_comma, date_order: ImportOptions::decimal_mark
  // and date_order, or, when those are kAuto, as a file separated by ';'
  // writes them) and notes it in the summary's column list.
  void ReadNumbersAndDatesAsWritten() {
    const bool semicolons = summary_.delimiter == ";";
    const bool comma =
        o_.decimal_mark == ImportDecimalMark::kComma ||
        (o_.decimal_mark == ImportDecimalMark::kAuto && semicolons);
    ImportDateOrder order = o_.date_order;
    if (order == ImportDateOrder::kAuto) {
      order =
          semicolons ? ImportDateOrder::kDayFirst : ImportDateOrder::kYearFirst;
    }
    // mapped_columns is in the order of columns_.
    for (size_t i = 0; i < columns_.size(); ++i) {
      MappedColumn& c = columns_[i];
      const char* note = nullptr;
      if (NumericColumn(c)) {
        c.decimal_comma = comma;
        c.told = o_.decimal_mark != ImportDecimalMark::kAuto;
        if (comma) note = " (decimal comma: 1.234,5 is 1234.5)";
      } else if (DateColumn(c)) {
        c.date_order = order;
        c.told = o_.date_order != ImportDateOrder::kAuto;
        // Unless told otherwise, a header that says how its dates are
        // written is believed ("Date of Birth (DD/MM/YYYY)").
        if (const ImportDateOrder noted = DateOrderOfNote(c.header);
            !c.told && noted != ImportDateOrder::kAuto) {
          c.date_order = noted;
          c.told = true;
          c.header_told = true;
        }
        if (c.date_order == ImportDateOrder::kDayFirst) {
          note = " (day first: 07.05.2008 is 2008-05-07)";
        } else if (c.date_order == ImportDateOrder::kMonthFirst) {
          note = " (month first: 05/07/2008 is 2008-05-07)";
        }
      }
      if (note != nullptr && i < summary_.mapped_columns.size()) {
        absl::StrAppend(&summary_.mapped_columns[i].second, note);
      }
    }
  }

  absl::StatusOr<ImportSummary> Run() {
    QL_ASSIGN_OR_RETURN(ingest::Encoding enc,
                        ingest::ParseEncoding(o_.encoding));
    std::string format = absl::AsciiStrToLower(o_.format);
    if (format.empty()) format = FormatOf(path_);
    if (format != "csv" && format != "tsv" && format != "jsonl" &&
        format != "xlsx" && format != "xls") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown format \"", o_.format,
                       "\"; expected csv, tsv, jsonl, xlsx or xls"));
    }
    if (o_.decimal_mark != ImportDecimalMark::kAuto && format != "csv" &&
        format != "tsv") {
      return absl::InvalidArgumentError(absl::StrCat(
          "a decimal mark was given, but ", path_,
          " is not a CSV or TSV file (a workbook holds numbers as numbers, "
          "JSON Lines as JSON)"));
    }
    if (o_.date_order != ImportDateOrder::kAuto && format == "jsonl") {
      return absl::InvalidArgumentError(
          absl::StrCat("a date order was given, but ", path_,
                       " is JSON Lines, whose dates are written year first"));
    }
    std::unique_ptr<ingest::RowReader> reader;
    if (format == "xlsx" || format == "xls") {
      // Workbooks carry their own encoding: --encoding does not apply.
      ingest::ExcelSheets sheets;
      QL_ASSIGN_OR_RETURN(reader,
                          ingest::OpenExcel(path_, format, o_.sheet, &sheets));
      summary_.encoding = format;
      summary_.sheet = sheets.chosen;
      summary_.sheets = sheets.Visible();
      if (sheets.all.size() > 1) {
        std::vector<std::string> listed;
        for (size_t i = 0; i < sheets.all.size(); ++i) {
          listed.push_back(absl::StrCat(i + 1, " \"", sheets.all[i], "\""));
        }
        sheets_hint_ = absl::StrCat(
            " (sheet \"", sheets.chosen,
            "\"; the workbook's sheets: ", absl::StrJoin(listed, ", "),
            "; --sheet reads another)");
      }
    } else if (!o_.sheet.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("a sheet was given, but ", path_,
                       " is not a workbook (.xlsx, .xls)"));
    } else {
      QL_ASSIGN_OR_RETURN(std::unique_ptr<ingest::TextSource> text,
                          ingest::OpenTextFile(path_, enc));
      summary_.encoding = ingest::EncodingName(text->encoding());
      if (format == "jsonl") {
        reader = ingest::NewLineReader(std::move(text));
      } else {
        const char delimiter = format == "tsv" ? '\t' : ',';
        summary_.delimiter = std::string(1, delimiter);
        reader = ingest::NewDelimitedReader(std::move(text), delimiter);
      }
    }
    if (!o_.reject_file.empty()) {
      rejects_.open(o_.reject_file, std::ios::binary | std::ios::trunc);
      if (!rejects_) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot write the reject file ", o_.reject_file));
      }
      rejects_ << "line,field,reason,row\n";
    }
    start_ = std::chrono::steady_clock::now();
    QL_ASSIGN_OR_RETURN(uint64_t existing, store_.Count(o_.kind));
    fresh_ = existing == 0;
    first_new_id_ = internal::StoreAccess::NextId(store_, o_.kind);
    check_duplicates_ =
        o_.duplicates != ImportDuplicates::kOff &&
        (o_.kind == v1::KIND_PERSON || o_.kind == v1::KIND_ENTERPRISE);
    if (format != "jsonl") {
      absl::Status found = FindHeader(reader.get());
      // A ".csv" separated otherwise, when no header reads with commas:
      // tabs (what some systems export under that name), or semicolons
      // (what Excel saves where the decimal mark is a comma: much of
      // Europe, where many associations abroad are).
      const std::string head =
          !found.ok() && format == "csv" && absl::IsInvalidArgument(found)
              ? FileHead(path_)
              : std::string();
      for (const char other : {'\t', ';'}) {
        if (found.ok() || head.find(other) == std::string::npos) continue;
        QL_ASSIGN_OR_RETURN(std::unique_ptr<ingest::TextSource> text,
                            ingest::OpenTextFile(path_, enc));
        std::unique_ptr<ingest::RowReader> retry =
            ingest::NewDelimitedReader(std::move(text), other);
        if (FindHeader(retry.get()).ok()) {
          reader = std::move(retry);
          summary_.delimiter = std::string(1, other);
          found = absl::OkStatus();
        }
      }
      QL_RETURN_IF_ERROR(found);
      ReadNumbersAndDatesAsWritten();
    } else if (o_.header_row > 0) {
      return absl::InvalidArgumentError(
          "a header row was given, but JSON Lines have no header");
    }
    QL_RETURN_IF_ERROR(MapValues());
    // Two threads: this one resolves and writes, in file order, what a
    // producer thread reads, maps, normalises and validates (bounded queue
    // of chunks, so memory stays bounded whatever the file size).
    RowQueue queue;
    total_bytes_ = reader->source_size();
    const bool jsonl = format == "jsonl";
    // A bulk load, whose index entries are sorted on the side and written
    // at the end (ImportBulkLoad, docs/import.md).
    bool bulk = false;
    const bool want_bulk = o_.bulk_load == ImportBulkLoad::kOn ||
                           (o_.bulk_load == ImportBulkLoad::kAuto &&
                            (fresh_ || total_bytes_ >= kBulkLoadAutoBytes));
    if (want_bulk && !o_.dry_run) {
      QL_ASSIGN_OR_RETURN(
          bulk, internal::StoreAccess::BeginBulkLoad(
                    store_, o_.kind, KeptIndexes(), kBulkSortMemoryBytes));
    }
    std::thread producer([&] { Produce(reader.get(), jsonl, &queue); });
    absl::Status consumed = Consume(&queue);
    queue.Cancel();  // Stops the producer early if Consume failed.
    producer.join();
    summary_.blank_rows = blank_rows_;
    if (consumed.ok()) consumed = Flush();
    ReleaseRowState();
    if (bulk) {
      // Also after a failure: the rows written so far get their entries.
      if (o_.progress && consumed.ok()) {
        Progress(last_bytes_, reader->source_size(), /*building=*/true);
      }
      summary_.bulk_load = true;
      const auto t0 = std::chrono::steady_clock::now();
      absl::StatusOr<uint64_t> entries =
          internal::StoreAccess::FinishBulkLoad(store_);
      summary_.index_build_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
              .count();
      absl::Status built = entries.status();
      if (entries.ok()) summary_.deferred_index_entries = *entries;
      if (consumed.ok()) consumed = built;
      if (consumed.ok()) {
        // The load's tables into one level (StoreAccess::CompactAfterLoad).
        const auto t1 = std::chrono::steady_clock::now();
        consumed = internal::StoreAccess::CompactAfterLoad(store_);
        summary_.compact_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t1)
                .count();
      }
    }
    QL_RETURN_IF_ERROR(consumed);
    if (o_.progress) Progress(last_bytes_, reader->source_size());
    if (rejects_.is_open()) {
      rejects_.flush();
      if (!rejects_) {
        return absl::UnavailableError(
            absl::StrCat("writing the reject file ", o_.reject_file));
      }
    }
    return summary_;
  }

 private:
  // Frees what resolving rows needed (the hashes of the rows read, the
  // filters of keys written) once every row is written: a bulk load's index
  // build, which comes next, then has that memory for its own buffers, and
  // the import's peak is the larger of the two phases, not their sum.
  void ReleaseRowState() {
    seen_rows_.Clear();
    created_keys_.Clear();
    written_dup_keys_.Clear();
    name_keys_without_uscc_.Clear();
    std::unordered_map<std::string, size_t>().swap(pending_keys_);
    std::unordered_multimap<std::string, size_t>().swap(pending_dup_keys_);
    std::vector<Pending>().swap(pending_);
#if defined(__GLIBC__)
    // Hands the freed pages back to the system: glibc keeps freed memory in
    // the arena of the thread that allocated it, and the parser thread's is
    // no longer used.
    malloc_trim(0);
#endif
  }

  // How the columns of `header` map to fields (mapping_ first, then the
  // aliases, then the fields' own names).
  struct HeaderColumns {
    std::vector<MappedColumn> columns;
    std::vector<std::pair<std::string, std::string>> mapped;
    std::vector<std::string> ignored;
    std::map<std::string, std::string> suggested;  // See ImportSummary.
  };
  absl::StatusOr<HeaderColumns> ColumnsOf(const ingest::Row& header) const {
    HeaderColumns out;
    const std::unordered_map<std::string, std::string>& mapping = mapping_;
    const Descriptor* d = DescriptorOf(o_.kind);
    for (size_t i = 0; i < header.fields.size(); ++i) {
      absl::string_view h = header.fields[i];
      if (i == 0) absl::ConsumePrefix(&h, "\xEF\xBB\xBF");
      MappedColumn c;
      c.index = i;
      c.header = ingest::CleanText(h);
      // A Chinese header of an export (ExportOptions::chinese_headers) reads
      // as the field path it stands for, unless a mapping file says more.
      // So does one with a note ("金额（万元）").
      // A header in traditional characters (企業名稱, 電話), as files from
      // Hong Kong, Macau and Taiwan write them, reads as its simplified
      // form when only that one names a field.
      std::string as_path = c.header;
      auto names_field = [this](const std::string& h) {
        return !ingest::PathOfChineseHeader(o_.kind, h).empty() ||
               !ingest::PathOfChineseHeader(o_.kind, WithoutNote(h)).empty() ||
               AliasOf(o_.kind, HeaderKey(h)) != nullptr;
      };
      if (!names_field(as_path)) {
        std::string simplified = text::ToSimplified(as_path);
        if (simplified != as_path && names_field(simplified)) {
          as_path = std::move(simplified);
        }
      }
      absl::string_view p = ingest::PathOfChineseHeader(o_.kind, as_path);
      if (p.empty()) {
        p = ingest::PathOfChineseHeader(o_.kind, WithoutNote(as_path));
      }
      if (!p.empty() && mapping.count(c.header) == 0 &&
          mapping.count(HeaderKey(c.header)) == 0) {
        as_path = std::string(p);
      }
      const std::string key = HeaderKey(as_path);
      bool found = false;
      auto m = mapping.find(c.header);
      if (m == mapping.end()) m = mapping.find(key);
      const bool id_column = m != mapping.end()
                                 ? m->second == "id" || m->second == "meta.id"
                                 : key == "id" || key == "meta.id";
      if (id_column) {
        // The record ids of an export read back (Resolve checks them).
        c.field = "meta.id";
        c.target = Target::kRecordId;
        out.mapped.emplace_back(
            c.header, "meta.id (a record of this store, when it agrees)");
        out.columns.push_back(std::move(c));
        continue;
      }
      if (m != mapping.end()) {
        if (m->second.empty() || m->second == "-") {
          out.ignored.push_back(c.header);
          continue;
        }
        c.field = m->second;
        found = true;
        // A mapped field that has a special reader keeps it.
        for (const Alias& a : AliasesFor(o_.kind)) {
          if (a.field == c.field && a.target != Target::kField) {
            c.target = a.target;
            c.party_role = a.role;
          }
        }
      }
      if (!found) {
        const Alias* a = AliasOf(o_.kind, key);
        if (a == nullptr && key.find('/') != std::string::npos) {
          // Two names for one column, "法定代表人/负责人": each names the
          // same field.
          bool same = true;
          for (absl::string_view part :
               absl::StrSplit(key, '/', absl::SkipEmpty())) {
            const Alias* p = AliasOf(o_.kind, part);
            same = same && p != nullptr &&
                   (a == nullptr || (absl::string_view(p->field) == a->field &&
                                     p->target == a->target));
            if (!same) break;
            a = p;
          }
          if (!same) a = nullptr;
        }
        if (a != nullptr) {
          c.field = a->field;
          c.target = a->target;
          c.party_role = a->role;
          found = true;
        }
      }
      if (!found) {
        // The field's own name (snake_case or JSON) works as a header, and
        // so does its name in words, as an English header writes it (Date,
        // End Date, Receipt Number: date, end_date, receipt_number).
        std::string words =
            absl::AsciiStrToLower(absl::StripAsciiWhitespace(as_path));
        absl::StrReplaceAll({{" ", "_"}}, &words);
        for (const std::string& path : {as_path, words}) {
          if (!found && ResolveFieldPath(d, path).ok()) {
            c.field = path;
            found = true;
          }
        }
      }
      if (!found) {
        out.ignored.push_back(c.header);
        if (const Alias* near = NearAlias(o_.kind, key); near != nullptr) {
          out.suggested[c.header] =
              absl::StrCat(near->header, " is ",
                           near->field[0] != '\0' ? near->field
                                                  : "a contact or "
                                                    "document");
        }
        continue;
      }
      if (c.target == Target::kField) {
        absl::StatusOr<std::vector<const FieldDescriptor*>> p =
            ResolveFieldPath(d, c.field);
        if (!p.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column \"", c.header, "\": ", p.status().message()));
        }
        c.path = *p;
      }
      std::string shown = c.field.empty() ? c.header : c.field;
      if (c.target == Target::kResidentId)
        shown = "identity_documents (居民身份证)";
      if (c.target == Target::kPassport) shown = "identity_documents (护照)";
      if (c.target == Target::kPhone) shown = "contacts (电话)";
      if (c.target == Target::kWeChat) shown = "contacts (微信)";
      if (c.target == Target::kQq) shown = "contacts (QQ)";
      if (c.target == Target::kWhatsApp) shown = "contacts (WhatsApp)";
      if (c.target == Target::kForeignId) {
        shown = "identity_documents (外国身份证件)";
      }
      if (c.target == Target::kEmail) shown = "contacts (电子邮箱)";
      if (c.target == Target::kUscc && c.field == "uscc") {
        shown = "uscc (legacy 13/15-character numbers: registration_number)";
      }
      if (c.target == Target::kCurrency) {
        shown = "the currency of the row's amounts";
      }
      if (c.target == Target::kParty) {
        shown = absl::StrCat(c.field, " (", PartyRoleLabel(o_.kind, c),
                             ", by name)");
      }
      if (MoneyColumn(c)) {
        std::string note = HeaderNote(c.header);
        if (!note.empty() &&
            ingest::ParseCapital(absl::StrCat("1", note)).ok()) {
          absl::StrAppend(&shown, " (a number without a unit: in ", note, ")");
          c.money_unit = std::move(note);
        }
      }
      if (SingleValued(c)) {
        for (size_t j = 0; j < out.columns.size(); ++j) {
          const MappedColumn& p = out.columns[j];
          if (p.fallback_of < 0 && p.target == c.target && p.field == c.field &&
              SingleValued(p)) {
            c.fallback_of = static_cast<int>(j);
            absl::StrAppend(&shown, ", where column ", p.index + 1, " (",
                            p.header, ") is empty");
            break;
          }
        }
      }
      out.mapped.emplace_back(c.header, shown);
      out.columns.push_back(std::move(c));
    }
    return out;
  }

  // Maps ImportOptions::values to the columns they stand for (values_),
  // each value read as a cell of its column would be; and, for a case
  // register without a channel column, the channel its headers name: a
  // register of visits has 来访人 or 来访日期 (来信…: letters, 来电…:
  // calls).
  absl::Status MapValues() {
    const Descriptor* d = DescriptorOf(o_.kind);
    auto add = [&](const std::string& field, const std::string& value,
                   const std::string& shown) -> absl::Status {
      const std::string what =
          absl::StrCat("value for every row ", field, "=", value);
      ingest::Row header;
      header.fields.push_back(field);
      QL_ASSIGN_OR_RETURN(HeaderColumns columns, ColumnsOf(header));
      if (columns.columns.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ": \"", field, "\" names no field of ", KindName(o_.kind),
            " (give a field path, or a header the import knows)"));
      }
      MappedColumn c = std::move(columns.columns[0]);
      if (c.target != Target::kField && c.target != Target::kCapital &&
          c.target != Target::kEnterpriseType &&
          c.target != Target::kEnterpriseStatus) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ": \"", field,
            "\" is a code, contact, document or party, not a field to give "
            "one value for every row"));
      }
      if (c.path.empty()) {
        QL_ASSIGN_OR_RETURN(c.path, ResolveFieldPath(d, c.field));
      }
      for (size_t i = 0; i + 1 < c.path.size(); ++i) {
        if (c.path[i]->is_repeated()) {
          return absl::InvalidArgumentError(absl::StrCat(
              what, ": ", c.field, " is inside a list (", c.path[i]->name(),
              "), not a field to give one value for every row"));
        }
      }
      c.header = field;
      c.given = true;
      c.date_order = o_.date_order == ImportDateOrder::kAuto
                         ? ImportDateOrder::kYearFirst
                         : o_.date_order;
      c.told = o_.date_order != ImportDateOrder::kAuto;
      c.decimal_comma = o_.decimal_mark == ImportDecimalMark::kComma;
      std::string cell = ingest::CleanText(value);
      std::unique_ptr<Message> probe = NewRecord(o_.kind);
      CellResult result;
      if (cell.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": no value"));
      }
      if (absl::Status st =
              ApplyCell(c, cell, probe.get(), o_.lenient, "", &result);
          !st.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": ", st.message()));
      }
      summary_.mapped_columns.emplace_back(
          absl::StrCat(field, " = ", cell),
          absl::StrCat(c.field, shown, ", for every row that gives none"));
      values_.push_back({std::move(c), std::move(cell)});
      return absl::OkStatus();
    };
    for (const auto& [field, value] : o_.values) {
      QL_RETURN_IF_ERROR(add(field, value, ""));
    }
    // A ledger of gifts without a direction column: received when it names
    // donors only (捐赠人), given when it names recipients only (受助人).
    if (o_.kind == v1::KIND_DONATION && !Gives("direction")) {
      const MappedColumn* donors = nullptr;
      const MappedColumn* recipients = nullptr;
      for (const MappedColumn& c : columns_) {
        if (c.target != Target::kParty) continue;
        (c.field == "donors" ? donors : recipients) = &c;
      }
      if ((donors == nullptr) != (recipients == nullptr)) {
        const MappedColumn& by = donors != nullptr ? *donors : *recipients;
        QL_RETURN_IF_ERROR(
            add("direction", donors != nullptr ? "受捐" : "捐出",
                absl::StrCat(" (as the header ", by.header, " says)")));
      }
    }
    if (o_.kind == v1::KIND_CASE && !Gives("channel")) {
      for (const std::string& h : header_texts_) {
        for (const char* way : {"来访", "来信", "来电"}) {
          if (absl::StartsWith(h, way) && !Gives("channel")) {
            QL_RETURN_IF_ERROR(add(
                "channel", way, absl::StrCat(" (as the header ", h, " says)")));
          }
        }
      }
    }
    return absl::OkStatus();
  }

  // Whether a column of the file or a value for every row gives `field`.
  bool Gives(absl::string_view field) const {
    return std::any_of(
               columns_.begin(), columns_.end(),
               [&](const MappedColumn& c) { return c.field == field; }) ||
           std::any_of(values_.begin(), values_.end(), [&](const RowValue& v) {
             return v.column.field == field;
           });
  }

  // `message`, a required field's error, with how to give the field when
  // it is a category that a whole file may share.
  std::string WithValueHint(std::string message) const {
    const std::string field = FieldOf(message);
    const size_t dot = field.find('.');
    if (dot == std::string::npos || !absl::StrContains(message, ": required")) {
      return message;
    }
    const std::string path = field.substr(dot + 1);
    // A category (an enum: a case's type or channel), which a whole file
    // can share; not a name or a date.
    absl::StatusOr<std::vector<const FieldDescriptor*>> resolved =
        ResolveFieldPath(DescriptorOf(o_.kind), path);
    if (!resolved.ok() || resolved->empty() ||
        resolved->back()->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
      return message;
    }
    const bool given = Gives(path);
    if (one_record_) {
      absl::StrAppend(&message, "; give it (", path, "=VALUE)");
    } else {
      absl::StrAppend(
          &message,
          given ? "; the row gives none: give one, or a value for every row "
                  "that gives none"
                : "; no column gives it: give a value for every row",
          " (qiaolian import --set ", path, "=VALUE)");
    }
    // What VALUE can be: the categories' first labels.
    std::vector<std::string> labels;
    const google::protobuf::EnumDescriptor* e = resolved->back()->enum_type();
    for (int i = 0; i < e->value_count(); ++i) {
      const google::protobuf::EnumValueOptions& vo = e->value(i)->options();
      if (e->value(i)->number() != 0 && vo.ExtensionSize(v1::label) > 0) {
        labels.push_back(vo.GetExtension(v1::label, 0));
      }
    }
    constexpr size_t kMaxListed = 8;
    if (labels.size() > 1 && labels.size() <= kMaxListed) {
      const std::string last = labels.back();
      labels.pop_back();
      absl::StrAppend(&message, ": ", absl::StrJoin(labels, ", "), " or ",
                      last);
    } else if (labels.size() > kMaxListed) {
      labels.resize(kMaxListed);
      absl::StrAppend(&message, ": ", absl::StrJoin(labels, ", "), " … (",
                      e->value_count() - 1, " categories)");
    }
    return message;
  }

  // Reads rows up to the header and maps its columns: the row on line
  // ImportOptions::header_row, or the first row, or, when no column of the
  // first maps to a field (a title above the header, as sheets filled in
  // for an office often have), the first of the first kHeaderSearchRows
  // rows in which two or more do. The rows above it are listed in the
  // summary, not imported.
  absl::Status FindHeader(ingest::RowReader* reader) {
    if (!o_.mapping_file.empty()) {
      QL_ASSIGN_OR_RETURN(mapping_, ReadMapping(o_.mapping_file));
    }
    std::vector<ingest::Row> above;
    ingest::Row header;
    if (o_.header_row > 0) {
      for (;;) {
        ingest::Row row;
        QL_ASSIGN_OR_RETURN(bool any, reader->Next(&row));
        if (!any || row.line > o_.header_row) {
          return absl::InvalidArgumentError(absl::StrCat(
              "no row of ", path_, " starts on line ", o_.header_row,
              " (the header row given): ",
              !any ? (above.empty() ? std::string("the file has no rows")
                                    : absl::StrCat("its last row starts on "
                                                   "line ",
                                                   above.back().line))
                   : absl::StrCat("the line is blank, empty or inside a "
                                  "quoted field; the next row starts on "
                                  "line ",
                                  row.line)));
        }
        if (row.line == o_.header_row) {
          header = std::move(row);
          break;
        }
        above.push_back(std::move(row));
      }
    } else {
      QL_ASSIGN_OR_RETURN(bool any, reader->Next(&header));
      if (!any) {
        return absl::InvalidArgumentError(
            absl::StrCat(path_, " is empty: expected a header row"));
      }
    }
    if (!header.error.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ":", header.line, ": header: ", header.error));
    }
    QL_ASSIGN_OR_RETURN(HeaderColumns columns, ColumnsOf(header));
    if (o_.header_row == 0 && columns.columns.empty()) {
      // Not found in the first row (above.front(), named in the error):
      // look further down.
      above.push_back(std::move(header));
      bool found = false;
      while (!found && above.size() < ImportOptions::kHeaderSearchRows) {
        ingest::Row row;
        QL_ASSIGN_OR_RETURN(bool any, reader->Next(&row));
        if (!any) break;
        if (row.error.empty()) {
          absl::StatusOr<HeaderColumns> c = ColumnsOf(row);
          if (c.ok() && c->columns.size() >= 2) {
            header = std::move(row);
            columns = *std::move(c);
            found = true;
            continue;
          }
        }
        above.push_back(std::move(row));
      }
      if (!found) {
        return absl::InvalidArgumentError(absl::StrCat(
            "no column of ", path_, sheets_hint_, " maps to a field of ",
            KindName(o_.kind),
            " (header: ", absl::StrJoin(above.front().fields, ", "),
            "), and no row among its first ", above.size(),
            " has two columns that do; name the columns as the schema "
            "does, give a mapping file, or give the header's line "
            "(--header-row)"));
      }
    }
    if (columns.columns.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no column of ", path_, sheets_hint_, " maps to a field of ",
          KindName(o_.kind), " (header on line ", header.line, ": ",
          absl::StrJoin(header.fields, ", "),
          "); name the columns as the schema does or give a mapping file"));
    }
    header_size_ = header.fields.size();
    header_texts_.clear();  // FindHeader may run again (another delimiter).
    for (const std::string& h : header.fields) {
      header_texts_.push_back(ingest::CleanText(h));
    }
    if (!above.empty()) reader->SetHeaderWidth(header_size_);
    // A second header row under merged cells (法定代表人 over 姓名 and
    // 国籍): read with the first as one header. Any other row is the first
    // record, read again by Produce.
    {
      ingest::Row next;
      QL_ASSIGN_OR_RETURN(bool any, reader->Next(&next));
      std::optional<ingest::Row> two =
          any ? TwoRowHeader(header, next, columns.columns.size())
              : std::nullopt;
      if (two.has_value()) {
        QL_ASSIGN_OR_RETURN(columns, ColumnsOf(*two));
        summary_.header_rows = 2;
      } else if (any) {
        pending_row_ = std::move(next);
      }
    }
    columns_ = std::move(columns.columns);
    has_fallbacks_ =
        std::any_of(columns_.begin(), columns_.end(),
                    [](const MappedColumn& c) { return c.fallback_of >= 0; });
    summary_.mapped_columns = std::move(columns.mapped);
    summary_.ignored_columns = std::move(columns.ignored);
    summary_.suggested_columns = std::move(columns.suggested);
    summary_.header_line = header.line;
    summary_.rows_above_header = above.size();
    for (const ingest::Row& row : above) {
      if (summary_.above_header.size() == ImportSummary::kMaxListedAboveHeader)
        break;
      summary_.above_header.push_back(AboveHeaderText(row));
    }
    return absl::OkStatus();
  }

  // Whether a header column text maps to a field.
  bool Maps(const std::string& text) const {
    ingest::Row one;
    one.fields.push_back(text);
    absl::StatusOr<HeaderColumns> c = ColumnsOf(one);
    return c.ok() && c->columns.size() == 1;
  }

  // `header` and the row below it read as one header, when that row is a
  // second header row: the names under a cell merged across columns
  // (法定代表人 over 姓名 and 国籍, one cell of the first row and an
  // empty one beside it), and, where a workbook filled the cells merged
  // down both rows, the first row's texts again. Each column is then its
  // group's header and its own (法定代表人姓名, 法定代表人国籍), or its
  // own alone where only that names a field (联系方式 over 电话: 电话).
  // nullopt when the row is a record, or when reading it so maps fewer of
  // the columns than `mapped`.
  std::optional<ingest::Row> TwoRowHeader(const ingest::Row& header,
                                          const ingest::Row& below,
                                          size_t mapped) const {
    const size_t n = header.fields.size();
    if (!below.error.empty() || below.fields.size() != n || n < 2) {
      return std::nullopt;
    }
    const std::vector<std::string>& top = header_texts_;  // Of `header`.
    std::vector<std::string> sub(n), group(n);
    std::string last;
    for (size_t i = 0; i < n; ++i) {
      sub[i] = ingest::CleanText(below.fields[i]);
      if (!top[i].empty()) last = top[i];
      group[i] = top[i].empty() ? last : top[i];
    }
    size_t filled = 0, under_empty = 0;
    for (size_t i = 0; i < n; ++i) {
      if (sub[i].empty()) continue;
      ++filled;
      if (sub[i] == top[i]) continue;
      // A name under a group: under its merged cell's first column (the
      // next one empty) or under an empty one after it. Names are short
      // words, not values.
      const bool in_group =
          top[i].empty() ? !group[i].empty() : i + 1 < n && top[i + 1].empty();
      if (!in_group || search::CodePoints(sub[i]) > 12 ||
          sub[i].find_first_of("0123456789") != std::string::npos) {
        return std::nullopt;
      }
      under_empty += top[i].empty();
    }
    if (filled == 0 || (under_empty == 0 && !RepeatsHeader(below))) {
      return std::nullopt;
    }
    ingest::Row two = header;
    for (size_t i = 0; i < n; ++i) {
      if (sub[i].empty() || sub[i] == top[i]) continue;
      std::string both = absl::StrCat(group[i], sub[i]);
      two.fields[i] = group[i].empty() || (!Maps(both) && Maps(sub[i]))
                          ? sub[i]
                          : std::move(both);
    }
    absl::StatusOr<HeaderColumns> c = ColumnsOf(two);
    if (!c.ok() || c->columns.size() < mapped) return std::nullopt;
    return two;
  }

  absl::StatusOr<std::unordered_map<std::string, std::string>> ReadMapping(
      const std::string& file) {
    std::ifstream in(file);
    if (!in) {
      return absl::NotFoundError(
          absl::StrCat("cannot read the mapping file ", file));
    }
    std::unordered_map<std::string, std::string> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      absl::string_view l = absl::StripAsciiWhitespace(line);
      if (l.empty() || l[0] == '#') continue;
      size_t eq = l.find('=');
      if (eq == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(file, ":", n,
                         ": expected `column = field.path` (or `column = -` "
                         "to ignore it)"));
      }
      std::string column = ingest::CleanText(l.substr(0, eq));
      std::string field(absl::StripAsciiWhitespace(l.substr(eq + 1)));
      out[column] = field;
      out[HeaderKey(column)] = field;
    }
    return out;
  }

  void Reject(const ingest::Row& row, absl::string_view field,
              absl::string_view reason) {
    ++summary_.rejected;
    // Group reasons by their kind, not their values; a validation message
    // names its field already.
    absl::string_view kind = reason;
    if (!field.empty() && absl::StartsWith(kind, field)) {
      absl::string_view rest = kind.substr(field.size());
      if (absl::ConsumePrefix(&rest, ": ")) kind = rest;
    }
    CountReason(
        absl::StrCat(field.empty() ? "row" : field, ": ", GeneralReason(kind)),
        &summary_.rejected_by_reason);
    if (rejects_.is_open()) {
      rejects_ << row.line << "," << CsvQuote(field) << "," << CsvQuote(reason)
               << "," << CsvQuote(row.raw) << "\n";
    }
  }

  // Whether `row` repeats the header (sheets printed on several pages
  // repeat it on each; a second header row under merged group headers
  // takes their texts): two or more of its non-empty cells, and at least
  // half, are the header's cell of their column.
  bool RepeatsHeader(const ingest::Row& row) const {
    size_t filled = 0, same = 0;
    for (size_t i = 0; i < row.fields.size(); ++i) {
      const std::string v = ingest::CleanText(row.fields[i]);
      if (v.empty()) continue;
      ++filled;
      same += i < header_texts_.size() && v == header_texts_[i];
    }
    return same >= 2 && 2 * same >= filled;
  }

  // Whether every cell of `row` is empty as cells are read (CleanText:
  // spaces, ideographic and no-break ones too, and invisible characters):
  // a row a spreadsheet saved as ",,,," because its cells were formatted.
  // Skipped as a workbook's empty rows and a text file's blank lines are,
  // and counted (ImportSummary::blank_rows). A cell starting with a
  // printable ASCII character answers without cleaning it.
  static bool IsBlankRow(const ingest::Row& row) {
    if (!row.error.empty()) return false;
    for (const std::string& f : row.fields) {
      if (f.empty()) continue;
      const unsigned char first = static_cast<unsigned char>(f[0]);
      if ((first > ' ' && first < 0x7f) || !ingest::CleanText(f).empty()) {
        return false;
      }
    }
    return true;
  }

  // Producer side: everything about one row that needs no store.
  void Prepare(bool jsonl, Item* item) {
    const ingest::Row& row = item->row;
    auto reject = [item](absl::string_view field, absl::string_view reason) {
      item->rejected = true;
      item->reject_field = std::string(field);
      item->reject_reason = std::string(reason);
    };
    if (!row.error.empty()) return reject("", row.error);
    if (!jsonl && IsNoteRow(row)) {
      return reject("", absl::StrCat("not a record: a total, signature or "
                                     "note line (合计, 填表人, 注：…): \"",
                                     AboveHeaderText(row), "\""));
    }
    if (!jsonl && RepeatsHeader(row)) {
      return reject("", absl::StrCat("not a record: it repeats the header (as "
                                     "sheets printed on several pages, or "
                                     "with a second header row, do): \"",
                                     AboveHeaderText(row), "\""));
    }
    if (!jsonl && row.fields.size() != header_size_) {
      return reject("", absl::StrCat("row has ", row.fields.size(),
                                     " fields but the header has ",
                                     header_size_, " (shifted columns?)"));
    }
    if (!jsonl) {
      for (size_t i = 0; i < row.fields.size(); ++i) {
        if (row.fields[i].size() <= kMaxCsvFieldBytes) continue;
        std::string column = absl::StrCat("column ", i + 1);
        for (const MappedColumn& c : columns_) {
          if (c.index == i) column = c.header;
        }
        return reject(column,
                      absl::StrCat(row.fields[i].size(),
                                   " bytes, more than the limit of ",
                                   kMaxCsvFieldBytes, " bytes for one field"));
      }
    }
    // Exact repeats of an earlier row: a 64-bit hash per row keeps memory
    // bounded (a false match needs a collision, ~1e-8 at a million rows).
    absl::StatusOr<bool> first = seen_rows_.Insert(absl::HashOf(row.raw));
    if (!first.ok()) {
      prepare_error_ = first.status();
      return;
    }
    if (!*first) {
      item->duplicate = true;
      return;
    }
    std::unique_ptr<Message> record = NewRecord(o_.kind);
    CellResult cell_result;
    if (jsonl) {
      absl::Status st = RecordFromJson(row.fields[0], record.get());
      if (!st.ok()) return reject("", st.message());
      const v1::RecordMeta& meta = MetaOf(*record);
      if (meta.id() == 0 && meta.revision() != 0) {
        return reject("meta", "meta.revision without meta.id");
      }
      // An export read back: the record it names (Resolve checks it); the
      // rest of meta is the store's.
      item->record_id = meta.id();
      item->record_revision = meta.revision();
      item->record_created_seconds = meta.created_at().seconds();
      item->record_created_nanos = meta.created_at().nanos();
      MutableMetaOf(record.get())->Clear();
    } else {
      // Which columns (by the first of each group of columns giving one
      // value) gave their value: a stand-in column fills only the others.
      std::vector<char> filled(has_fallbacks_ ? columns_.size() : 0);
      // The currency of the row's amounts (a 币种 / Currency column): read
      // first, whatever its place, and checked as a currency.
      std::string row_currency;
      for (const MappedColumn& c : columns_) {
        if (c.target != Target::kCurrency) continue;
        std::string value = ingest::CleanText(row.fields[c.index]);
        if (value.empty() || ingest::IsPlaceholder(value)) continue;
        if (absl::Status st =
                ingest::ParseCapital(absl::StrCat("1 ", value)).status();
            !st.ok()) {
          return reject(c.header,
                        absl::StrCat("\"", value,
                                     "\" is not a currency (expected a code "
                                     "such as USD, or a name such as 美元)"));
        }
        row_currency = std::move(value);
        break;
      }
      for (size_t ci = 0; ci < columns_.size(); ++ci) {
        const MappedColumn& c = columns_[ci];
        const size_t group =
            c.fallback_of < 0 ? ci : static_cast<size_t>(c.fallback_of);
        if (c.fallback_of >= 0 && filled[group]) continue;
        std::string value = ingest::CleanText(row.fields[c.index]);
        // A cell an export neutralised for spreadsheets ('=..., '+86...),
        // or a number typed as text with Excel's apostrophe
        // ('110105194912310021, '0519-82345678) that reached the file: as
        // in Excel, the apostrophe is not part of the value (unless the
        // value quotes with it: '90后'青年).
        if (value.size() > 1 && value[0] == '\'' &&
            (absl::string_view("=+-@").find(value[1]) !=
                 absl::string_view::npos ||
             (absl::ascii_isdigit(static_cast<unsigned char>(value[1])) &&
              value.find('\'', 1) == std::string::npos))) {
          value.erase(0, 1);
        }
        if (value.empty() || ingest::IsPlaceholder(value)) continue;
        if (IsFormulaError(value)) {
          return reject(
              c.header,
              absl::StrCat("a formula error of the spreadsheet (", value,
                           "), not a value: correct the formula (or "
                           "clear the cell) and import the row "
                           "again"));
        }
        if (c.target == Target::kRecordId) {
          if (!absl::SimpleAtoi(ingest::ToHalfWidth(value), &item->record_id) ||
              item->record_id == 0) {
            return reject(c.header,
                          absl::StrCat("expected a record id (a whole number "
                                       "from 1), not \"",
                                       value, "\""));
          }
          continue;
        }
        absl::Status st = ApplyCell(c, value, record.get(), o_.lenient,
                                    row_currency, &cell_result);
        if (!st.ok()) return reject(c.header, st.message());
        if (has_fallbacks_) filled[group] = 1;
      }
    }
    // The import's values for every row that gives none.
    for (const RowValue& v : values_) {
      if (HasValueAt(*record, v.column.path)) continue;
      absl::Status st = ApplyCell(v.column, v.value, record.get(), o_.lenient,
                                  "", &cell_result);
      if (!st.ok()) return reject(v.column.header, st.message());
    }
    if (o_.kind == v1::KIND_PERSON) {
      JoinHanNames(static_cast<v1::Person*>(record.get()));
      if (!jsonl) SplitMixedName(static_cast<v1::Person*>(record.get()));
    }
    if (!jsonl) TypeUntypedElements(record.get());
    if (o_.kind == v1::KIND_ENTERPRISE) {
      auto* e = static_cast<v1::Enterprise*>(record.get());
      // Farmers' co-operatives carry USCC registration type 93.
      if (e->type() == v1::Enterprise::TYPE_UNSPECIFIED &&
          absl::StartsWith(e->uscc(), "93")) {
        e->set_type(v1::Enterprise::TYPE_FARMERS_COOPERATIVE);
      }
    }
    // A masked export read back would overwrite real values with masks.
    std::string masked_path, masked_value;
    if (FindMaskedValue(*record, "", false, &masked_path, &masked_value)) {
      return reject(
          masked_path,
          absl::StrCat("masked, as an export without --unmasked writes it; "
                       "not imported, so that it cannot replace the real "
                       "value (export with --unmasked, or leave the column "
                       "out): \"",
                       masked_value, "\""));
    }
    v1::SourceLocation* src = MutableMetaOf(record.get())->mutable_source();
    src->set_file(source_name_);
    src->set_line(row.line);
    // A gift whose direction no column or value gives, between the office
    // (a party named …侨联) and someone else: received when the office
    // is the recipient, given when it is the donor; said with a warning.
    auto* gift = o_.kind == v1::KIND_DONATION && !partial_
                     ? static_cast<v1::Donation*>(record.get())
                     : nullptr;
    if (gift != nullptr &&
        gift->direction() == v1::Donation::DIRECTION_UNSPECIFIED) {
      std::string office;
      const v1::Donation::Direction way = DirectionByTheOffice(*gift, &office);
      if (way != v1::Donation::DIRECTION_UNSPECIFIED) {
        gift->set_direction(way);
        const std::string note = absl::StrCat(
            "direction: read as ",
            way == v1::Donation::DIRECTION_INBOUND ? "受捐" : "捐出",
            ", the office (", office, ") being the ",
            way == v1::Donation::DIRECTION_INBOUND ? "recipient" : "donor");
        cell_result.warning =
            cell_result.warning.empty()
                ? note
                : absl::StrCat(cell_result.warning, "; ", note);
      }
    }
    // The fields of a partial record (UpdateFromFields) are validated once
    // merged into the stored record.
    if (!partial_) {
      absl::Status valid = ValidateRecord(*record);
      if (!valid.ok()) {
        return reject(FieldOf(valid.message()),
                      WithValueHint(std::string(valid.message())));
      }
    }
    item->flagged = cell_result.flagged;
    item->warning = std::move(cell_result.warning);
    item->named_refs = std::move(cell_result.named_refs);
    item->record = std::move(record);
  }

  void Produce(ingest::RowReader* reader, bool jsonl, RowQueue* queue) {
    std::vector<Item> chunk;
    for (;;) {
      Item item;
      absl::StatusOr<bool> more = true;
      if (pending_row_.has_value()) {  // Read by FindHeader, after the header.
        item.row = std::move(*pending_row_);
        pending_row_.reset();
      } else {
        more = reader->Next(&item.row);
      }
      if (!more.ok()) {
        queue->Push(std::move(chunk), more.status());
        return;
      }
      if (!*more) break;
      if (!jsonl && IsBlankRow(item.row)) {
        ++blank_rows_;
        continue;
      }
      Prepare(jsonl, &item);
      if (!prepare_error_.ok()) {
        queue->Push(std::move(chunk), prepare_error_);
        return;
      }
      item.bytes = reader->source_bytes();
      chunk.push_back(std::move(item));
      if (chunk.size() >= RowQueue::kChunkRows) {
        if (!queue->Push(std::move(chunk), absl::OkStatus())) return;
        chunk.clear();
      }
    }
    queue->Push(std::move(chunk), absl::OkStatus());
    queue->Push({}, absl::OkStatus(), /*done=*/true);
  }

  // Consumer side: accounting, resolution and writes, in file order.
  // The indexes the import itself reads while it runs (natural keys,
  // likely duplicates): kept up to date during a bulk load.
  std::vector<uint16_t> KeptIndexes() const {
    // The duplicate probes are kept even with the check off: writing the
    // terms index with the rows measured faster overall (bench/RESULTS.md).
    std::vector<uint16_t> keep = search::DuplicateProbeIndexes(o_.kind);
    const model::IndexRegistry& reg = internal::StoreAccess::Indexes(store_);
    for (const model::Index* idx : reg.OfKind(o_.kind)) {
      for (const char* path :
           {"uscc", "registration_number", "unverified_uscc",
            "identity_documents.number", "meta.source.file"}) {
        if (!idx->paths.empty() && idx->paths[0].text == path) {
          keep.push_back(idx->spec.id);
        }
      }
    }
    return keep;
  }

  absl::Status Consume(RowQueue* queue) {
    for (;;) {
      std::vector<Item> chunk;
      bool done = false;
      QL_RETURN_IF_ERROR(queue->Pop(&chunk, &done));
      if (done) return absl::OkStatus();
      for (Item& item : chunk) {
        ++summary_.rows;
        last_bytes_ = item.bytes;
        line_ = item.row.line;
        if (item.duplicate) {
          ++summary_.duplicates;
        } else if (item.rejected) {
          Reject(item.row, item.reject_field, item.reject_reason);
        } else {
          std::string field, reason;
          QL_ASSIGN_OR_RETURN(bool found, FindNamedRefs(item, &field, &reason));
          if (!found) {
            Reject(item.row, field, reason);
          } else {
            if (item.flagged) ++summary_.flagged;
            if (!item.warning.empty()) Warn(item.warning);
            QL_RETURN_IF_ERROR(Resolve(item));
          }
        }
        if (pending_.size() >= o_.batch_rows) QL_RETURN_IF_ERROR(Flush());
        if (o_.progress && summary_.rows % o_.progress_every == 0) {
          Progress(last_bytes_, total_bytes_);
        }
      }
    }
  }

  // Sets the ids of the references `item` gave by name: false, with the
  // column and the reason, when a name names no stored record or several.
  absl::StatusOr<bool> FindNamedRefs(Item& item, std::string* field,
                                     std::string* reason) {
    for (NamedRef& n : item.named_refs) {
      const std::string key =
          absl::StrCat(static_cast<int>(n.ref->kind()), ":", n.name);
      auto it = named_ref_ids_.find(key);
      if (it == named_ref_ids_.end()) {
        QL_ASSIGN_OR_RETURN(NamedRefId found, LookUp(n.ref->kind(), n.name));
        it = named_ref_ids_.emplace(key, std::move(found)).first;
      }
      if (it->second.id == 0) {
        *field = n.column;
        *reason = it->second.reason;
        return false;
      }
      n.ref->set_id(it->second.id);
    }
    return true;
  }

  struct NamedRefId {
    uint64_t id = 0;
    std::string reason;  // Why there is none, when id is 0.
  };

  // The stored record of `kind` that `name` names: an enterprise by its
  // USCC or registration number, a person or an enterprise by an exact
  // match of its name (simplified or traditional, full-width or not), or
  // else of a former name.
  absl::StatusOr<NamedRefId> LookUp(Kind kind, const std::string& name) {
    const std::string what = KindName(kind);
    std::set<uint64_t> ids;
    if (kind == v1::KIND_ENTERPRISE) {
      const std::string code = ingest::NormalizeCode(name);
      const bool uscc = code.size() == 18 && model::CheckUscc(code).ok();
      const bool legacy = code.size() == 15 || code.size() == 13;
      if (uscc || legacy) {
        QL_ASSIGN_OR_RETURN(
            QueryPage page,
            store_.Query(absl::StrCat("enterprise where ",
                                      uscc ? "uscc" : "registration_number",
                                      " = ", JsonQuote(code)),
                         QueryOptions()));
        for (const auto& r : page.records) ids.insert(MetaOf(*r).id());
      }
    }
    if (ids.empty()) {
      SearchOptions so;
      so.limit = 20;
      so.min_score = 90;  // Exact matches only.
      QL_ASSIGN_OR_RETURN(std::vector<SearchHit> hits,
                          Search(store_, kind, name, so));
      std::set<uint64_t> former;
      for (const SearchHit& h : hits) {
        if (h.match != "exact") continue;
        (h.field == search::FieldLabel(search::Field::kFormerName) ? former
                                                                   : ids)
            .insert(h.id);
      }
      if (ids.empty()) ids = std::move(former);
    }
    if (ids.size() == 1) return NamedRefId{*ids.begin(), ""};
    if (ids.empty()) {
      // What staff most often mean is a name in full that starts with or
      // contains what they wrote (三久制造 for 常州三久制造有限公司).
      SearchOptions so;
      so.limit = 3;
      so.min_score = 60;  // Exact, prefix and substring matches.
      QL_ASSIGN_OR_RETURN(std::vector<SearchHit> near,
                          Search(store_, kind, name, so));
      std::vector<std::string> listed;
      for (const SearchHit& h : near) {
        listed.push_back(absl::StrCat(what, ":", h.id, " ", h.text));
      }
      return NamedRefId{
          0, absl::StrCat("no ", what, " of this store is named \"", name, "\"",
                          listed.empty()
                              ? ""
                              : absl::StrCat(" (did you mean ",
                                             absl::StrJoin(listed, ", "), "?)"),
                          "; give its full name or its id (", what,
                          ":42), or look it up with `qiaolian search ", what,
                          " ", name, "`")};
    }
    std::vector<std::string> listed;
    for (uint64_t id : ids) listed.push_back(absl::StrCat(what, ":", id));
    return NamedRefId{0, absl::StrCat(ids.size(), " ", what, "s are named \"",
                                      name, "\" (", absl::StrJoin(listed, ", "),
                                      "); give the id of the one meant")};
  }

  absl::Status Resolve(Item& item) {
    ingest::Row& row = item.row;
    std::unique_ptr<Message> record = std::move(item.record);
    if (item.record_id != 0) {
      QL_ASSIGN_OR_RETURN(bool done, ResolveById(item, *record));
      if (done) return absl::OkStatus();
    }
    std::vector<std::string> keys = NaturalKeys(o_.kind, *record);
    // In a store that had no record of the kind when the import began, only
    // keys this import has written can match: skip the queries for others.
    bool may_exist = !fresh_;
    for (const std::string& k : keys) {
      if (created_keys_.MayContain(absl::HashOf(k))) may_exist = true;
    }
    // A key seen earlier in this batch: merge into that pending record.
    for (const std::string& k : keys) {
      auto it = pending_keys_.find(k);
      if (it != pending_keys_.end()) {
        Pending& p = pending_[it->second];
        // Counted as an update of the record an earlier row creates.
        if (o_.mode != ImportMode::kSkip &&
            Merge(*record, o_.mode, p.record.get())) {
          ++summary_.updated;
        } else {
          ++summary_.unchanged;
        }
        return absl::OkStatus();
      }
    }
    for (const std::string& k : keys) {
      if (!may_exist) break;
      QueryOptions qo;
      absl::StatusOr<QueryPage> found = store_.Query(k, qo);
      if (!found.ok()) return found.status();
      if (found->records.empty()) continue;
      return UpdateExisting(row, *record, found->records[0].get());
    }
    // A new person: the birth date and gender a resident identity number
    // holds, where the row has none (before the duplicate check, which
    // compares birth dates).
    if (o_.kind == v1::KIND_PERSON) {
      const std::string warning =
          FillFromResidentId(static_cast<v1::Person*>(record.get()));
      if (!warning.empty()) Warn(warning);
    }
    std::vector<std::string> dup_keys;
    if (check_duplicates_) {
      QL_ASSIGN_OR_RETURN(bool merged,
                          CheckDuplicates(row, keys, record.get(), &dup_keys));
      if (merged) return absl::OkStatus();
    }
    for (const std::string& k : keys) {
      pending_keys_[k] = pending_.size();
      created_keys_.Add(absl::HashOf(k));
    }
    for (std::string& k : dup_keys) {
      pending_dup_keys_.emplace(std::move(k), pending_.size());
    }
    row.fields.clear();  // Only the line and the raw text are kept.
    pending_.push_back(Pending{std::move(row), std::move(record)});
    return absl::OkStatus();
  }

  // A row matched to the stored record `existing`: counted unchanged in
  // skip mode or when merging changes nothing, else updated (a failed
  // update is a rejected row).
  absl::Status UpdateExisting(const ingest::Row& row, Message& record,
                              Message* existing) {
    if (o_.mode == ImportMode::kSkip) {
      ++summary_.unchanged;
      return absl::OkStatus();
    }
    // The existing record keeps its own source location.
    MutableMetaOf(&record)->clear_source();
    if (!Merge(record, o_.mode, existing)) {
      ++summary_.unchanged;
      return absl::OkStatus();
    }
    if (o_.dry_run) {
      ++summary_.updated;
      return absl::OkStatus();
    }
    WriteOptions wo;
    wo.actor = o_.actor;
    absl::Status st = store_.Update(existing, wo);
    if (st.ok()) {
      ++summary_.updated;
    } else if (st.code() == absl::StatusCode::kInvalidArgument ||
               st.code() == absl::StatusCode::kAlreadyExists ||
               st.code() == absl::StatusCode::kFailedPrecondition) {
      Reject(row, FieldOf(st.message()), st.message());
    } else {
      return st;
    }
    return absl::OkStatus();
  }

  // A warning of the row on line_: counted by reason, and the first
  // kMaxListedWarnings listed with their lines.
  void Warn(absl::string_view warning) {
    ++summary_.warned;
    CountReason(GeneralReason(warning), &summary_.warnings_by_reason);
    if (summary_.warning_rows.size() < ImportSummary::kMaxListedWarnings) {
      summary_.warning_rows.push_back({line_, std::string(warning)});
    }
  }

  // A row that names a record by id (an export read back). The id is used
  // when it names a record that existed before the import began and that
  // agrees with the row: none of the row's natural keys belongs to another
  // record, and one of them is the record's, or else the names agree (and
  // neither two USCCs nor two birth dates differ), or the two would count
  // as likely duplicates (score 60 or more: a renamed person with the same
  // phone). Otherwise the id is ignored with a warning (a file from another
  // store, a registry's own numbering) and the row is resolved by its keys
  // as any other. True when the row is done with.
  absl::StatusOr<bool> ResolveById(const Item& item, Message& record) {
    const uint64_t id = item.record_id;
    const std::string kind(KindName(o_.kind));
    if (id >= first_new_id_) {
      Warn(absl::StrCat("id ignored: no ", kind,
                        " of this store has it (a file from another "
                        "store?): \"",
                        id, "\""));
      return false;
    }
    absl::StatusOr<std::unique_ptr<Message>> got = store_.Get(o_.kind, id);
    if (absl::IsNotFound(got.status())) {
      Warn(absl::StrCat("id ignored: the ", kind,
                        " of this store that had it was deleted: \"", id,
                        "\""));
      return false;
    }
    if (!got.ok()) return got.status();
    std::unique_ptr<Message> existing = std::move(*got);
    bool key_agrees = false;
    for (const std::string& k : NaturalKeys(o_.kind, record)) {
      if (absl::StrContains(k, " where meta.source.")) continue;
      QL_ASSIGN_OR_RETURN(QueryPage found, store_.Query(k, QueryOptions()));
      if (found.records.empty()) continue;
      const uint64_t other = MetaOf(*found.records[0]).id();
      if (other != id) {
        Warn(absl::StrCat("id ignored: the row's codes name another ", kind,
                          " of this store: \"", id, "\" (theirs: ", other,
                          ")"));
        return false;
      }
      key_agrees = true;
    }
    // A renamed record still agrees when the row shares enough else with
    // it to count as a likely duplicate (the same phone, a Latin name that
    // reads as the Chinese one), when the row carries the record's creation
    // time to the nanosecond (only its own JSON Lines export does), or when
    // the caller vouches for the file's ids.
    const google::protobuf::Timestamp& created = MetaOf(*existing).created_at();
    const bool same_origin = item.record_created_seconds != 0 &&
                             item.record_created_seconds == created.seconds() &&
                             item.record_created_nanos == created.nanos();
    const bool agrees =
        o_.trust_ids || same_origin || key_agrees ||
        search::SameRecordByName(record, *existing) ||
        ((o_.kind == v1::KIND_PERSON || o_.kind == v1::KIND_ENTERPRISE) &&
         CompareRecords(record, *existing).score >= 60);
    if (!agrees) {
      Warn(absl::StrCat("id ignored: the ", kind,
                        " of this store that has it differs in name or codes "
                        "(a file from another store? --trust-ids if not): \"",
                        id, "\""));
      return false;
    }
    if (o_.mode != ImportMode::kSkip && item.record_revision != 0 &&
        item.record_revision != MetaOf(*existing).revision()) {
      Reject(
          item.row, "meta.revision",
          absl::StrCat(kind, " ", id,
                       " has changed since the file was "
                       "written (revision ",
                       MetaOf(*existing).revision(), " here, ",
                       item.record_revision, " in the file): export it again"));
      return true;
    }
    QL_RETURN_IF_ERROR(UpdateExisting(item.row, record, existing.get()));
    return true;
  }

  // A row about to be created: looks for a likely duplicate among the
  // stored records and the rows of this batch (ImportDuplicates), reports
  // it and, with kMerge, merges the row into it. Returns whether it did;
  // `keys` receives the row's duplicate keys for the later rows of the
  // batch.
  absl::StatusOr<bool> CheckDuplicates(
      const ingest::Row& row, const std::vector<std::string>& natural_keys,
      Message* record, std::vector<std::string>* keys) {
    const int min_score =
        o_.duplicate_min_score > 0
            ? o_.duplicate_min_score
            : (o_.duplicates == ImportDuplicates::kMerge ? 90 : 60);
    *keys = DuplicateKeys(store_, *record);
    ImportDuplicate best;
    size_t best_pending = pending_.size();
    // The batch's rows: the earliest best one.
    std::set<size_t> seen;
    for (const std::string& k : *keys) {
      auto [from, to] = pending_dup_keys_.equal_range(k);
      for (auto it = from; it != to; ++it) {
        if (!seen.insert(it->second).second) continue;
        DuplicatePair p = CompareRecords(*record, *pending_[it->second].record);
        if (p.score >= min_score && p.score > best.score) {
          best.score = p.score;
          best.reasons = std::move(p.reasons);
          best.other_line = pending_[it->second].row.line;
          best_pending = it->second;
        }
      }
    }
    // The store's records (those of earlier batches included). In a store
    // that held none of the kind when the import began, only records this
    // import wrote can match, so only a key one of them had is looked up.
    bool may_match = !fresh_;
    bool only_names = true;  // Every key in common is a name key.
    bool others_have_uscc = true;
    if (fresh_) {
      for (const std::string& k : *keys) {
        const uint64_t h = absl::HashOf(k);
        if (!written_dup_keys_.MayContain(h)) continue;
        may_match = true;
        if (!search::IsNameKey(k)) {
          only_names = false;
        } else if (name_keys_without_uscc_.MayContain(h)) {
          others_have_uscc = false;
        }
      }
      // E.g. two registry rows of the same name, each with its own USCC,
      // score too low to count: no need to read the earlier ones.
      if (may_match && only_names &&
          !search::NameOnlyMatchCanReach(*record, others_have_uscc,
                                         min_score)) {
        may_match = false;
      }
    }
    if (may_match) {
      DuplicateOptions d;
      d.min_score = min_score;
      d.limit = 1;
      QL_ASSIGN_OR_RETURN(std::vector<DuplicatePair> found,
                          FindDuplicatesOf(store_, *record, d));
      if (!found.empty() && found[0].score > best.score) {
        best.score = found[0].score;
        best.reasons = std::move(found[0].reasons);
        best.id = found[0].b;
        best.other_line = 0;
        best_pending = pending_.size();
      }
    }
    const bool without_uscc =
        o_.kind == v1::KIND_ENTERPRISE &&
        static_cast<const v1::Enterprise*>(record)->uscc().empty();
    for (const std::string& k : *keys) {
      written_dup_keys_.Add(absl::HashOf(k));
      if (without_uscc && search::IsNameKey(k)) {
        name_keys_without_uscc_.Add(absl::HashOf(k));
      }
    }
    if (best.score == 0) return false;
    best.line = row.line;
    ++summary_.likely_duplicates;
    bool merged = false;
    if (o_.duplicates == ImportDuplicates::kMerge) {
      // The row's natural keys now lead to the record it went into.
      for (const std::string& k : natural_keys) {
        created_keys_.Add(absl::HashOf(k));
      }
      if (best_pending < pending_.size()) {
        MergeRecordValues(*record, pending_[best_pending].record.get());
        for (const std::string& k : natural_keys) {
          pending_keys_.emplace(k, best_pending);
        }
        merged = true;
      } else {
        QL_ASSIGN_OR_RETURN(std::unique_ptr<Message> existing,
                            store_.Get(o_.kind, best.id));
        const std::string before = existing->SerializeAsString();
        MergeRecordValues(*record, existing.get());
        merged = true;
        if (!o_.dry_run && existing->SerializeAsString() != before) {
          WriteOptions wo;
          wo.actor = o_.actor;
          absl::Status st = store_.Update(existing.get(), wo);
          if (st.code() == absl::StatusCode::kInvalidArgument ||
              st.code() == absl::StatusCode::kAlreadyExists ||
              st.code() == absl::StatusCode::kFailedPrecondition) {
            Reject(row, FieldOf(st.message()), st.message());
            return true;
          }
          QL_RETURN_IF_ERROR(st);
        }
      }
    }
    best.merged = merged;
    if (merged) ++summary_.merged;
    if (summary_.duplicate_rows.size() < ImportSummary::kMaxListedDuplicates) {
      summary_.duplicate_rows.push_back(std::move(best));
    }
    return merged;
  }

  absl::Status Flush() {
    if (pending_.empty()) return absl::OkStatus();
    if (o_.dry_run) {
      summary_.created += pending_.size();
    } else {
      std::vector<Message*> records;
      for (Pending& p : pending_) records.push_back(p.record.get());
      WriteOptions wo;
      wo.actor = o_.actor;
      absl::Status st = store_.CreateAll(records, wo);
      if (st.ok()) {
        summary_.created += pending_.size();
      } else if (st.code() == absl::StatusCode::kInvalidArgument ||
                 st.code() == absl::StatusCode::kAlreadyExists ||
                 st.code() == absl::StatusCode::kFailedPrecondition) {
        // Find the culprits one by one; each create is its own batch.
        for (Pending& p : pending_) {
          absl::StatusOr<uint64_t> one = store_.Create(p.record.get(), wo);
          if (one.ok()) {
            ++summary_.created;
          } else if (one.status().code() == absl::StatusCode::kUnavailable ||
                     one.status().code() == absl::StatusCode::kDataLoss) {
            return one.status();
          } else {
            Reject(p.row, FieldOf(one.status().message()),
                   one.status().message());
          }
        }
      } else {
        return st;
      }
    }
    pending_.clear();
    pending_keys_.clear();
    pending_dup_keys_.clear();
    return absl::OkStatus();
  }

  void Progress(uint64_t bytes, uint64_t total_bytes, bool building = false) {
    ImportProgress p;
    p.building_indexes = building;
    p.rows = summary_.rows;
    p.bytes = bytes;
    p.total_bytes = total_bytes;
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
            .count();
    p.rows_per_second = secs > 0 ? static_cast<double>(p.rows) / secs : 0;
    o_.progress(p);
  }

  struct Pending {
    ingest::Row row;
    std::unique_ptr<Message> record;
  };

  Store& store_;
  const std::string path_;
  const ImportOptions& o_;
  std::string source_name_;
  ImportSummary summary_;
  std::vector<MappedColumn> columns_;
  // A value for every row that gives none (ImportOptions::values, and a
  // case's channel that a header names: MapValues).
  struct RowValue {
    MappedColumn column;
    std::string value;
  };
  std::vector<RowValue> values_;
  bool one_record_ = false;     // BuildOne: fields of one record, not a file.
  bool has_fallbacks_ = false;  // Whether a column of columns_ stands in.

  // The mapping file's `column = field.path` lines (ReadMapping).
  std::unordered_map<std::string, std::string> mapping_;
  // For the errors of a workbook of several sheets: which one was read.
  std::string sheets_hint_;
  // Building the fields of a partial record (BuildOne): not validated.
  bool partial_ = false;
  // The references given by name, looked up once per import.
  std::unordered_map<std::string, NamedRefId> named_ref_ids_;
  size_t header_size_ = 0;
  // The header's cells, cleaned (RepeatsHeader); none without a file.
  std::vector<std::string> header_texts_;
  std::ofstream rejects_;
  std::vector<Pending> pending_;
  std::unordered_map<std::string, size_t> pending_keys_;
  // Duplicate keys (DuplicateKeys) of the batch's records -> their index.
  std::unordered_multimap<std::string, size_t> pending_dup_keys_;
  bool check_duplicates_ = false;
  // 64-bit hashes of the rows read (exact: 16 MiB in memory, then run files
  // in the store's directory), set by the parser thread; its first error.
  ingest::HashSet seen_rows_;
  absl::Status prepare_error_;
  // Filters (a "maybe" is checked in the store), of bounded size whatever
  // the file's: the natural keys of the records this import created...
  ingest::HashFilter created_keys_{16 << 20};
  // ... the duplicate keys (DuplicateKeys) of the rows created or merged so
  // far (ImportDuplicates) ...
  ingest::HashFilter written_dup_keys_{32 << 20};
  // ... and the name keys of the enterprises without a USCC among them.
  ingest::HashFilter name_keys_without_uscc_{4 << 20};
  bool fresh_ = false;  // The store had no record of the kind at the start.
  // Ids from this one on were not taken when the import began.
  uint64_t first_new_id_ = 1;
  uint64_t last_bytes_ = 0;  // Source bytes consumed by the rows handled.
  uint64_t blank_rows_ = 0;  // Producer only: rows of empty cells skipped.
  // The row below the header, read by FindHeader to see whether it is a
  // second header row, when it is not: Produce's first.
  std::optional<ingest::Row> pending_row_;
  uint64_t line_ = 0;         // The line of the row being resolved.
  uint64_t total_bytes_ = 0;  // Size of the source.
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

absl::StatusOr<ImportMode> ParseImportMode(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "skip") return ImportMode::kSkip;
  if (n == "update") return ImportMode::kUpdate;
  if (n == "fill-empty" || n == "fill_empty") return ImportMode::kFillEmpty;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown import mode \"", name,
                   "\"; expected skip, update or fill-empty"));
}

absl::StatusOr<ImportBulkLoad> ParseImportBulkLoad(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return ImportBulkLoad::kAuto;
  if (n == "on") return ImportBulkLoad::kOn;
  if (n == "off") return ImportBulkLoad::kOff;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown bulk load setting \"", name, "\"; expected auto, on or off"));
}

absl::StatusOr<ImportDateOrder> ParseImportDateOrder(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return ImportDateOrder::kAuto;
  if (n == "ymd" || n == "year-first") return ImportDateOrder::kYearFirst;
  if (n == "dmy" || n == "day-first") return ImportDateOrder::kDayFirst;
  if (n == "mdy" || n == "month-first") return ImportDateOrder::kMonthFirst;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown date order \"", name,
                   "\"; expected auto, ymd (year first), dmy (day first) or "
                   "mdy (month first)"));
}

absl::StatusOr<ImportDecimalMark> ParseImportDecimalMark(
    absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return ImportDecimalMark::kAuto;
  if (n == "point" || n == ".") return ImportDecimalMark::kPoint;
  if (n == "comma" || n == ",") return ImportDecimalMark::kComma;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown decimal mark \"", name, "\"; expected auto, point or comma"));
}

absl::StatusOr<ImportDuplicates> ParseImportDuplicates(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "off") return ImportDuplicates::kOff;
  if (n == "warn") return ImportDuplicates::kWarn;
  if (n == "merge") return ImportDuplicates::kMerge;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown duplicate handling \"", name,
                   "\"; expected off, warn or merge"));
}

namespace {

// "line 12 looks like person 40 (90: same name and birth date); merged".
std::string DescribeDuplicate(const ImportDuplicate& d, Kind kind) {
  std::string s = absl::StrCat("line ", d.line,
                               d.merged ? " merged into " : " looks like ");
  if (d.id != 0) {
    absl::StrAppend(&s, KindName(kind), " ", d.id);
  } else {
    absl::StrAppend(&s, "line ", d.other_line, " (same batch)");
  }
  absl::StrAppend(&s, " (", d.score, ": ", absl::StrJoin(d.reasons, "; "), ")");
  return s;
}

}  // namespace

namespace {

// Whether a file's name says it holds tabs (.tsv, .tab, .txt as Excel's
// text export), so that a summary need not.
bool TabsByName(absl::string_view file) {
  for (absl::string_view ext : {".tsv", ".tab", ".txt"}) {
    if (absl::EndsWithIgnoreCase(file, ext)) return true;
  }
  return false;
}

}  // namespace

std::string ImportSummary::ToString() const {
  std::string s = absl::StrCat(
      dry_run ? "DRY RUN (nothing written): " : "", file, " (", encoding,
      sheet.empty() ? "" : ", sheet ", sheet,
      delimiter == ";"                         ? ", separated by ;"
      : delimiter == "\t" && !TabsByName(file) ? ", separated by tabs"
                                               : "",
      "): ", rows, " rows: ", created, " created, ", updated, " updated, ",
      unchanged, " unchanged, ", duplicates, " duplicate rows, ", rejected,
      " rejected");
  if (blank_rows > 0) {
    absl::StrAppend(&s, " (and ", blank_rows,
                    blank_rows == 1 ? " row" : " rows",
                    " of empty cells skipped)");
  }
  if (flagged > 0) absl::StrAppend(&s, ", ", flagged, " flagged (lenient)");
  if (warned > 0) absl::StrAppend(&s, ", ", warned, " imported with a warning");
  if (merged > 0) {
    absl::StrAppend(&s, ", ", merged, " merged into a likely duplicate");
  }
  if (likely_duplicates > 0) {
    absl::StrAppend(&s, ", ", likely_duplicates,
                    " looking like another record");
  }
  const std::string header_at =
      header_rows == 2 ? absl::StrCat("lines ", header_line, " and ",
                                      header_line + 1, " (two header rows)")
                       : absl::StrCat("line ", header_line);
  if (rows_above_header == 0 && header_rows == 2) {
    absl::StrAppend(&s, "\n  header on ", header_at);
  }
  if (rows_above_header > 0) {
    absl::StrAppend(&s, "\n  header on ", header_at, "; ", rows_above_header,
                    rows_above_header == 1 ? " row" : " rows",
                    " above it not imported:");
    for (const std::string& t : above_header) {
      absl::StrAppend(&s, "\n    ", t.empty() ? "(blank)" : t);
    }
    if (rows_above_header > above_header.size()) {
      absl::StrAppend(&s, "\n    ", rows_above_header - above_header.size(),
                      " more");
    }
  }
  if (bulk_load) {
    absl::StrAppend(&s, "\n  bulk load: ", deferred_index_entries,
                    " index entries written at the end in ",
                    absl::StrFormat("%.1f", index_build_seconds),
                    " s, tables compacted in ",
                    absl::StrFormat("%.1f", compact_seconds), " s");
  }
  for (const auto& [reason, n] : rejected_by_reason) {
    absl::StrAppend(&s, "\n  rejected ", n, ": ", reason);
  }
  for (const auto& [reason, n] : warnings_by_reason) {
    absl::StrAppend(&s, "\n  warning ", n, ": ", reason);
  }
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < duplicate_rows.size() && i < kShown; ++i) {
    absl::StrAppend(&s, "\n  likely duplicate: ",
                    DescribeDuplicate(duplicate_rows[i], kind));
  }
  for (size_t i = 0; i < warning_rows.size() && i < kShown; ++i) {
    absl::StrAppend(&s, "\n  warning on line ", warning_rows[i].line, ": ",
                    warning_rows[i].warning);
  }
  if (warned > std::min(warning_rows.size(), kShown)) {
    absl::StrAppend(&s, "\n  warning on line …: ",
                    warned - std::min(warning_rows.size(), kShown),
                    " more (--json lists up to ", kMaxListedWarnings, ")");
  }
  if (likely_duplicates > std::min(duplicate_rows.size(), kShown)) {
    absl::StrAppend(&s, "\n  likely duplicate: ",
                    likely_duplicates - std::min(duplicate_rows.size(), kShown),
                    " more (--json lists up to ", kMaxListedDuplicates, ")");
  }
  for (const auto& [col, field] : mapped_columns) {
    absl::StrAppend(&s, "\n  column ", col, " -> ", field);
  }
  for (const std::string& col : ignored_columns) {
    auto near = suggested_columns.find(col);
    absl::StrAppend(&s, "\n  column ", col, " ignored (no matching field",
                    near == suggested_columns.end()
                        ? ""
                        : absl::StrCat("; a close header: ", near->second),
                    ")");
  }
  return s;
}

std::string ImportSummary::ToJson() const {
  std::vector<std::string> reasons, warnings, mapped, ignored;
  for (const auto& [reason, n] : rejected_by_reason) {
    reasons.push_back(absl::StrCat(JsonQuote(reason), ":", n));
  }
  for (const auto& [reason, n] : warnings_by_reason) {
    warnings.push_back(absl::StrCat(JsonQuote(reason), ":", n));
  }
  for (const auto& [col, field] : mapped_columns) {
    mapped.push_back(absl::StrCat(JsonQuote(col), ":", JsonQuote(field)));
  }
  for (const std::string& col : ignored_columns) {
    ignored.push_back(JsonQuote(col));
  }
  std::vector<std::string> suggested;
  for (const auto& [col, hint] : suggested_columns) {
    suggested.push_back(absl::StrCat(JsonQuote(col), ":", JsonQuote(hint)));
  }
  std::vector<std::string> above, sheet_names;
  for (const std::string& t : above_header) above.push_back(JsonQuote(t));
  for (const std::string& t : sheets) sheet_names.push_back(JsonQuote(t));
  std::vector<std::string> warning_lines;
  for (const ImportWarning& w : warning_rows) {
    warning_lines.push_back(absl::StrCat(
        "{\"line\":", w.line, ",\"warning\":", JsonQuote(w.warning), "}"));
  }
  std::vector<std::string> dups;
  for (const ImportDuplicate& d : duplicate_rows) {
    std::vector<std::string> rs;
    for (const std::string& r : d.reasons) rs.push_back(JsonQuote(r));
    dups.push_back(
        absl::StrCat("{\"line\":", d.line, ",\"id\":", d.id,
                     ",\"other_line\":", d.other_line, ",\"score\":", d.score,
                     ",\"reasons\":[", absl::StrJoin(rs, ","),
                     "],\"merged\":", d.merged ? "true" : "false", "}"));
  }
  return absl::StrCat(
      "{\"file\":", JsonQuote(file), ",\"encoding\":", JsonQuote(encoding),
      ",\"dry_run\":", dry_run ? "true" : "false",
      ",\"sheet\":", JsonQuote(sheet), ",\"sheets\":[",
      absl::StrJoin(sheet_names, ","), "],\"delimiter\":", JsonQuote(delimiter),
      ",\"header_line\":", header_line,
      ",\"rows_above_header\":", rows_above_header, ",\"above_header\":[",
      absl::StrJoin(above, ","), "],\"header_rows\":", header_rows,
      ",\"rows\":", rows, ",\"blank_rows\":", blank_rows,
      ",\"created\":", created, ",\"updated\":", updated,
      ",\"unchanged\":", unchanged, ",\"duplicates\":", duplicates,
      ",\"rejected\":", rejected, ",\"flagged\":", flagged,
      ",\"rejected_by_reason\":{", absl::StrJoin(reasons, ","),
      "},\"mapped_columns\":{", absl::StrJoin(mapped, ","),
      "},\"ignored_columns\":[", absl::StrJoin(ignored, ","),
      "],\"suggested_columns\":{", absl::StrJoin(suggested, ","),
      "},\"warned\":", warned, ",\"warnings_by_reason\":{",
      absl::StrJoin(warnings, ","), "},\"warning_rows\":[",
      absl::StrJoin(warning_lines, ","), "],\"merged\":", merged,
      ",\"likely_duplicates\":", likely_duplicates, ",\"duplicate_rows\":[",
      absl::StrJoin(dups, ","),
      "],\"bulk_load\":", bulk_load ? "true" : "false",
      ",\"deferred_index_entries\":", deferred_index_entries,
      ",\"index_build_seconds\":", absl::StrFormat("%.3f", index_build_seconds),
      ",\"compact_seconds\":", absl::StrFormat("%.3f", compact_seconds), "}");
}

absl::StatusOr<ImportSummary> Import(Store& store, const std::string& path,
                                     const ImportOptions& options) {
  if (DescriptorOf(options.kind) == nullptr ||
      options.kind == v1::KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError("import: unknown kind");
  }
  Importer importer(store, path, options);
  return importer.Run();
}

absl::StatusOr<uint64_t> UpdateFromFields(
    Store& store, Kind kind, uint64_t id,
    const std::vector<std::pair<std::string, std::string>>& fields,
    const WriteOptions& write_options, std::vector<std::string>* warnings) {
  if (DescriptorOf(kind) == nullptr || kind == v1::KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError("unknown kind");
  }
  QL_ASSIGN_OR_RETURN(std::unique_ptr<google::protobuf::Message> record,
                      store.Get(kind, id));
  ImportOptions options;
  options.kind = kind;
  Importer importer(store, "", options);
  std::vector<std::string> ignored;
  QL_ASSIGN_OR_RETURN(
      std::unique_ptr<google::protobuf::Message> changes,
      importer.BuildOne(fields, warnings != nullptr ? warnings : &ignored,
                        /*partial=*/true));
  if (!Merge(*changes, ImportMode::kUpdate, record.get())) {
    return MetaOf(*record).revision();  // Already so: nothing written.
  }
  QL_RETURN_IF_ERROR(store.Update(record.get(), write_options));
  return MetaOf(*record).revision();
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> RecordFromFields(
    Store& store, Kind kind,
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::vector<std::string>* warnings) {
  if (DescriptorOf(kind) == nullptr || kind == v1::KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError("unknown kind");
  }
  ImportOptions options;
  options.kind = kind;
  Importer importer(store, "", options);
  std::vector<std::string> ignored;
  return importer.BuildOne(fields, warnings != nullptr ? warnings : &ignored);
}

absl::StatusOr<std::vector<std::string>> WorkbookSheets(
    const std::string& path, const std::string& format) {
  if (!std::ifstream(path, std::ios::binary)) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  const std::string f =
      format.empty() ? FormatOf(path) : absl::AsciiStrToLower(format);
  if (f != "xlsx" && f != "xls") return std::vector<std::string>{};
  ingest::ExcelSheets sheets;
  QL_RETURN_IF_ERROR(ingest::OpenExcel(path, f, "", &sheets).status());
  return sheets.Visible();
}

namespace ingest {

std::string FieldOfHeader(Kind kind, absl::string_view header) {
  if (absl::string_view p = PathOfChineseHeader(kind, header); !p.empty()) {
    return std::string(p);
  }
  if (absl::string_view p = PathOfChineseHeader(kind, WithoutNote(header));
      !p.empty()) {
    return std::string(p);
  }
  const Alias* a = AliasOf(kind, HeaderKey(header));
  if (a == nullptr) return "";
  switch (a->target) {
    case Target::kResidentId:
    case Target::kPassport:
    case Target::kForeignId:
      return "identity_documents.number";
    case Target::kPhone:
    case Target::kEmail:
    case Target::kWeChat:
    case Target::kQq:
    case Target::kWhatsApp:
      return "contacts.value";
    case Target::kParty:
      return absl::StrCat(a->field, ".name");
    default:
      return a->field;
  }
}

}  // namespace ingest
}  // namespace qiaolian
