#include "src/ingest/headers.h"

#include <utility>
#include <vector>

#include "src/ingest/normalize.h"

namespace qiaolian {
namespace ingest {
namespace {

using Headers = std::vector<std::pair<absl::string_view, absl::string_view>>;

// Each kind's columns (exporter.cc, DefaultColumns) and their headers, from
// the schema's own Chinese terms (proto/qiaolian/v1/*.proto). A header must
// not be one the importer knows for another field (importer.cc,
// AliasesFor), and must not end in "(...)", which the importer takes for a
// unit note; HeadersTest checks both.
const Headers& HeadersOf(Kind kind) {
  static const auto* person = new Headers{
      {"id", "系统编号"},
      {"name", "姓名"},
      {"name_parts.chinese", "中文姓名"},
      {"name_parts.latin", "外文姓名"},
      {"name_parts.other_script", "其他文字姓名"},
      {"name_parts.other_script_code", "文字代码"},
      {"name_parts.pinyin", "汉语拼音"},
      {"former_names", "曾用名"},
      {"gender", "性别"},
      {"birth_date", "出生日期"},
      {"categories", "人员类别"},
      {"key_person", "重点人士"},
      {"nationalities", "国籍"},
      {"residence_country", "居住国"},
      {"hometown.code", "籍贯区划代码"},
      {"hometown.province", "籍贯省份"},
      {"hometown.region", "籍贯地区"},
      {"hometown.district", "籍贯区县"},
      {"hometown.text", "籍贯"},
      {"identity_documents.type", "证件类型"},
      {"identity_documents.number", "证件号码"},
      {"contacts.type", "联系方式类型"},
      {"contacts.value", "联系方式"},
      {"address.country", "住址国家"},
      {"address.division_code", "住址区划代码"},
      {"address.text", "住址"},
      {"address.postal_code", "邮政编码"},
      {"occupation", "职业"},
      {"employer_name", "工作单位"},
      {"employer", "工作单位记录"},
      {"title", "职务"},
      {"returned", "回国定居日期"},
      {"tags", "标签"},
      {"notes", "备注"},
  };
  static const auto* enterprise = new Headers{
      {"id", "系统编号"},
      {"name", "企业名称"},
      {"former_names", "曾用名"},
      {"foreign_name", "外文名称"},
      {"uscc", "统一社会信用代码"},
      {"registration_number", "注册号"},
      {"type", "企业类型"},
      {"type_text", "企业类型原文"},
      {"overseas_chinese_invested", "侨资企业"},
      {"investor_countries", "投资方国别"},
      {"legal_representative.name", "法定代表人"},
      {"legal_representative.person", "法定代表人记录"},
      {"registered_capital", "注册资本"},
      {"registered_capital_text", "注册资本原文"},
      {"established", "成立日期"},
      {"status", "登记状态"},
      {"status_text", "登记状态原文"},
      {"status_date", "状态变更日期"},
      {"business_scope", "经营范围"},
      {"industry", "所属行业"},
      {"industry_code", "行业代码"},
      {"registration_division.code", "登记区划代码"},
      {"registration_division.province", "所在省份"},
      {"registration_division.region", "所在地区"},
      {"registration_division.district", "区县"},
      {"registration_division.text", "登记所在地"},
      {"address.country", "地址国家"},
      {"address.division_code", "地址区划代码"},
      {"address.text", "注册地址"},
      {"address.postal_code", "邮政编码"},
      {"contacts.type", "联系方式类型"},
      {"contacts.value", "联系方式"},
      {"registration_authority", "登记机关"},
      {"website", "网址"},
      {"parent", "上级单位"},
      {"employee_count", "员工人数"},
      {"tags", "标签"},
      {"notes", "备注"},
      {"unverified_uscc", "未通过校验的统一社会信用代码"},
  };
  static const auto* case_ = new Headers{
      {"id", "系统编号"},
      {"channel", "来源渠道"},
      {"type", "事项类型"},
      {"received", "受理日期"},
      {"received_at", "受理时间"},
      {"topic", "事项主题"},
      {"number", "登记编号"},
      {"title", "事由"},
      {"description", "诉求内容"},
      {"reply_within_working_days", "回复时限"},
      {"reply_due", "回复截止日期"},
      {"replied", "首次答复日期"},
      {"due", "办结期限"},
      {"status", "办理状态"},
      {"closed", "办结日期"},
      {"outcome", "办理结果"},
      {"handler", "经办人"},
      {"referred_to", "转办单位"},
      {"referred_to_org", "转办单位记录"},
      {"valid_information", "有效信息"},
      {"count", "人次"},
      {"related", "关联记录"},
      {"tags", "标签"},
      {"notes", "备注"},
      {"close_within_working_days", "办结时限"},
  };
  static const auto* donation = new Headers{
      {"id", "系统编号"},
      {"direction", "方向"},
      {"type", "捐赠形式"},
      {"date", "捐赠日期"},
      {"title", "摘要"},
      {"money", "金额"},
      {"purpose", "用途"},
      {"purpose_text", "用途说明"},
      {"campaign", "项目名称"},
      {"campaign_event", "项目活动记录"},
      {"raised_via", "募集渠道记录"},
      {"raised_via_name", "募集渠道"},
      {"receipt_number", "收据编号"},
      {"related", "关联记录"},
      {"tags", "标签"},
      {"notes", "备注"},
  };
  static const auto* event = new Headers{
      {"id", "系统编号"},
      {"type", "活动类型"},
      {"date", "日期"},
      {"end_date", "结束日期"},
      {"time", "时间"},
      {"title", "标题"},
      {"description", "内容摘要"},
      {"topic", "主题"},
      {"occasion", "节日"},
      {"location.country", "地点国家"},
      {"location.division_code", "地点区划代码"},
      {"location.text", "地点"},
      {"location.postal_code", "邮政编码"},
      {"online", "线上"},
      {"organiser", "主办单位"},
      {"count", "数量"},
      {"attendee_count", "参加人数"},
      {"reached_count", "覆盖人数"},
      {"outlet", "媒体"},
      {"channel", "发布渠道"},
      {"url", "链接"},
      {"clicks", "阅读量"},
      {"group_name", "微信群名称"},
      {"group_member_count", "群成员数"},
      {"money", "慰问金"},
      {"related", "关联记录"},
      {"tags", "标签"},
      {"notes", "备注"},
  };
  static const auto* none = new Headers;
  switch (kind) {
    case v1::KIND_PERSON:
      return *person;
    case v1::KIND_ENTERPRISE:
      return *enterprise;
    case v1::KIND_CASE:
      return *case_;
    case v1::KIND_DONATION:
      return *donation;
    case v1::KIND_EVENT:
      return *event;
    default:
      return *none;
  }
}

}  // namespace

absl::string_view ChineseHeader(Kind kind, absl::string_view path) {
  for (const auto& [p, h] : HeadersOf(kind)) {
    if (p == path) return h;
  }
  return "";
}

absl::string_view PathOfChineseHeader(Kind kind, absl::string_view header) {
  const std::string h = CleanText(header);
  for (const auto& [p, c] : HeadersOf(kind)) {
    if (c == h) return p;
  }
  return "";
}

}  // namespace ingest
}  // namespace qiaolian
