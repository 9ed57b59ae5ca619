// A deterministic generator of realistic Enterprise records, shared by the
// benchmarks (store_bench, query_bench).
//
//   qiaolian::bench::EnterpriseGenerator gen(20240601);
//   qiaolian::v1::Enterprise e;
//   gen.Next(&e);  // The same sequence for the same seed.
//
// Records look like a registry extract: Chinese names, a USCC with a correct
// GB 32100 check character (unique within one generator's output), legal
// representative, registered capital, dates, division, address and a 60-120
// character business scope. They pass the store's validation.
#ifndef QIAOLIAN_BENCH_ENTERPRISE_GEN_H_
#define QIAOLIAN_BENCH_ENTERPRISE_GEN_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "qiaolian/v1/common.pb.h"
#include "qiaolian/v1/enterprise.pb.h"

namespace qiaolian {
namespace bench {

// --- Reference data for the generator.

// Where an enterprise is registered: GB/T 2260 code and the names used in
// Division, addresses and the registration authority.
struct Place {
  const char* code;
  const char* province;  // Division.province, as written ("江苏").
  const char* region;    // Division.region ("常州"; "奉贤" in Shanghai).
  const char* district;  // Division.district ("金坛"), may be "".
  const char* address_head;  // Address prefix ("江苏省常州市金坛区").
  const char* authority;     // 登记机关.
  const char* postal_code;
};

inline constexpr Place kPlaces[] = {
    {"320413", "江苏", "常州", "金坛", "江苏省常州市金坛区",
     "常州市金坛区市场监督管理局", "213200"},
    {"320412", "江苏", "常州", "武进", "江苏省常州市武进区",
     "常州市武进区市场监督管理局", "213100"},
    {"320481", "江苏", "常州", "溧阳", "江苏省溧阳市", "溧阳市市场监督管理局",
     "213300"},
    {"320506", "江苏", "苏州", "吴中", "江苏省苏州市吴中区",
     "苏州市吴中区市场监督管理局", "215100"},
    {"440781", "广东", "江门", "台山", "广东省台山市", "台山市市场监督管理局",
     "529200"},
    {"440783", "广东", "江门", "开平", "广东省开平市", "开平市市场监督管理局",
     "529300"},
    {"440106", "广东", "广州", "天河", "广东省广州市天河区",
     "广州市天河区市场监督管理局", "510630"},
    {"350582", "福建", "泉州", "晋江", "福建省晋江市", "晋江市市场监督管理局",
     "362200"},
    {"350181", "福建", "福州", "福清", "福建省福清市", "福清市市场监督管理局",
     "350300"},
    {"330381", "浙江", "温州", "瑞安", "浙江省瑞安市", "瑞安市市场监督管理局",
     "325200"},
    {"330782", "浙江", "金华", "义乌", "浙江省义乌市", "义乌市市场监督管理局",
     "322000"},
    {"310120", "上海", "奉贤", "", "上海市奉贤区", "上海市奉贤区市场监督管理局",
     "201400"},
};

// An industry: the word in the company name, 所属行业, its GB/T 4754 code,
// and business-scope phrases of that trade.
struct Industry {
  const char* name_word;
  const char* text;
  const char* code;
  std::array<const char*, 5> scope;
};

inline constexpr Industry kIndustries[] = {
    {"机械制造",
     "通用设备制造业",
     "C34",
     {"通用设备制造（不含特种设备制造）", "机械零件、零部件加工",
      "液压动力机械及元件制造", "机械设备销售", "金属切削加工服务"}},
    {"纺织",
     "纺织业",
     "C17",
     {"面料纺织加工", "针纺织品及原料销售", "服装制造", "产业用纺织制成品制造",
      "家用纺织制成品制造"}},
    {"电子科技",
     "计算机、通信和其他电子设备制造业",
     "C39",
     {"电子元器件制造", "电子产品销售", "集成电路设计", "智能家庭消费设备制造",
      "软件开发"}},
    {"食品",
     "食品制造业",
     "C14",
     {"食品销售（仅销售预包装食品）", "农副产品销售", "初级农产品收购",
      "食用农产品批发", "外卖递送服务"}},
    {"贸易",
     "批发业",
     "F51",
     {"五金产品批发", "日用百货销售", "建筑材料销售",
      "化工产品销售（不含许可类化工产品）", "服装服饰批发"}},
    {"建材",
     "非金属矿物制品业",
     "C30",
     {"水泥制品制造", "石灰和石膏制造", "建筑用石加工", "轻质建筑材料制造",
      "砼结构构件制造"}},
    {"茶业",
     "茶叶种植",
     "A0164",
     {"茶叶种植", "茶具销售", "初级农产品收购",
      "农产品的生产、销售、加工、运输、贮藏及其他相关服务", "休闲观光活动"}},
    {"新材料科技",
     "橡胶和塑料制品业",
     "C29",
     {"新材料技术研发", "塑料制品制造", "合成材料销售", "橡胶制品销售",
      "工程塑料及合成树脂销售"}},
    {"餐饮管理",
     "餐饮业",
     "H62",
     {"餐饮管理", "食品互联网销售（仅销售预包装食品）", "酒店管理",
      "外卖递送服务", "餐饮器具集中消毒服务"}},
    {"文化传媒",
     "广播、电视、电影和录音制作业",
     "R87",
     {"组织文化艺术交流活动", "广告设计、代理", "会议及展览服务",
      "数字内容制作服务（不含出版发行）", "摄像及视频制作服务"}},
};

// Phrases that fit any trade's business scope.
inline constexpr const char* kCommonScope[] = {
    "货物进出口",
    "技术进出口",
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "信息咨询服务（不含许可类信息咨询服务）",
    "企业管理咨询",
    "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
    "非居住房地产租赁",
    "国内贸易代理",
};
inline constexpr std::string_view kScopeHead = "一般项目：";
inline constexpr std::string_view kScopeTail =
    "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）";

// Trade names (字号) are two of these.
inline constexpr const char* kTradeChars[] = {
    "华", "宏", "盛", "达", "鑫", "隆", "泰", "兴", "源", "丰", "瑞", "祥",
    "恒", "信", "安", "嘉", "德", "富", "利", "久", "金", "永", "新", "海",
    "天", "宇", "正", "通", "创", "博", "远", "辉", "星", "亿", "佳", "润",
    "和", "森", "锦", "凯", "三", "力", "振", "联", "腾", "广", "顺", "益"};

inline constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
    "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
    "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "潘",
    "蒋", "蔡", "余", "叶", "程", "苏", "魏", "吕", "丁", "沈", "姚", "卢",
    "钟", "谭", "陆", "汪", "金", "廖", "邹", "熊", "邱", "江", "龚", "欧阳"};

inline constexpr const char* kGivenChars[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
    "杰", "娟", "涛", "明", "超", "兰", "霞", "平", "刚", "华", "辉", "玲",
    "建", "国", "志", "红", "荣", "斌", "宇", "浩", "凯", "健", "俊", "鹏",
    "晨", "欣", "怡", "琳", "婷", "雪", "慧", "振", "海", "林", "峰", "波",
    "亮", "成", "春", "英", "梅", "云", "龙", "飞", "德", "福", "祥", "永",
    "庆", "家", "兴", "嘉", "子", "睿", "思", "雨", "博", "文"};

inline constexpr const char* kRoadChars[] = {
    "华", "城", "金", "湖", "东", "南", "西", "北", "中", "人", "民", "新",
    "建", "设", "解", "放", "长", "江", "河", "滨", "环", "丰", "胜", "利",
    "光", "明", "朝", "阳", "花", "园", "工", "业", "开", "发", "侨", "乡"};
inline constexpr const char* kRoadKinds[] = {"路", "大道", "街", "东路",
                                             "西路"};

// Investors' countries for overseas-Chinese- and foreign-invested companies.
inline constexpr const char* kInvestorCountries[] = {
    "HK", "MO", "TW", "SG", "MY", "US", "CA", "KE",
    "DE", "IT", "AU", "JP", "TH", "ID", "NL"};

// --- Identifier check characters.

// The USCC alphabet (GB 32100-2015: digits and capitals without I O Z S V);
// a character's value is its index.
inline constexpr std::string_view kUsccAlphabet =
    "0123456789ABCDEFGHJKLMNPQRTUWXY";
inline constexpr int kUsccWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                         29, 25, 13, 8,  24, 10, 30, 28};

// The 18th character of a USCC from the first 17 (all in kUsccAlphabet).
inline char UsccCheck(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    sum += static_cast<int>(kUsccAlphabet.find(first17[i])) * kUsccWeights[i];
  }
  return kUsccAlphabet[(31 - sum % 31) % 31];
}

// The 9th character of an organisation code (GB 11714-1997) from the first 8
// (digits, or capitals valued A=10 .. Z=35).
inline char OrgCodeCheck(std::string_view first8) {
  constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = first8[i];
    const int v = (c >= '0' && c <= '9') ? c - '0' : c - 'A' + 10;
    sum += v * kWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

// Number of UTF-8 code points in `s`.
inline size_t Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// --- The generator.

// Produces distinct, valid Enterprise records, the same sequence for the
// same seed. USCCs are unique within one generator's output.
class EnterpriseGenerator {
 public:
  explicit EnterpriseGenerator(uint64_t seed) : rng_(seed) {}

  void Next(v1::Enterprise* e) {
    e->Clear();
    const uint64_t seq = seq_++;
    const Place& place = Pick(kPlaces);
    const Industry& industry = Pick(kIndustries);

    // Legal form; about one in eight is overseas-Chinese- or foreign-invested.
    const int form = Uniform(0, 99);
    std::string name_tail = "有限公司";
    if (form < 78) {
      e->set_type(v1::Enterprise::TYPE_LIMITED_COMPANY);
      e->set_type_text("有限责任公司(自然人投资或控股)");
    } else if (form < 88) {
      e->set_type(v1::Enterprise::TYPE_OVERSEAS_CHINESE_INVESTED);
      e->set_type_text("有限责任公司(台港澳与境内合资)");
      e->set_overseas_chinese_invested(true);
      e->add_investor_countries(Pick(kInvestorCountries));
      e->add_tags("侨资企业");
    } else if (form < 93) {
      e->set_type(v1::Enterprise::TYPE_FOREIGN_INVESTED);
      e->set_type_text("有限责任公司(外国法人独资)");
      e->set_overseas_chinese_invested(Uniform(0, 1) == 0);
      e->add_investor_countries(Pick(kInvestorCountries));
    } else if (form < 97) {
      e->set_type(v1::Enterprise::TYPE_JOINT_STOCK_COMPANY);
      e->set_type_text("股份有限公司(非上市、自然人投资或控股)");
      name_tail = "股份有限公司";
    } else {
      e->set_type(v1::Enterprise::TYPE_SOLE_PROPRIETORSHIP);
      e->set_type_text("个人独资企业");
      name_tail = "厂";
    }

    e->set_name(absl::StrCat(place.region, Pick(kTradeChars), Pick(kTradeChars),
                             industry.name_word, name_tail));

    // Established 1993..2024; codes issued since 2016 are "MA" + 6 + check.
    v1::Date* est = e->mutable_established();
    est->set_year(Uniform(1993, 2024));
    est->set_month(Uniform(1, 12));
    est->set_day(Uniform(1, DaysIn(est->year(), est->month())));
    e->set_uscc(Uscc(place.code, seq, est->year() >= 2016));

    std::string rep = Pick(kSurnames);
    for (int i = Uniform(1, 4) == 1 ? 1 : 2; i > 0; --i) {
      rep += Pick(kGivenChars);
    }
    e->mutable_legal_representative()->set_name(rep);

    // Registered capital in 万元 (10,000 CNY); amount in fen.
    static constexpr int kWan[] = {3,   10,  50,   100,  200,  300,
                                   500, 800, 1000, 2000, 5000, 12000};
    const int wan = Pick(kWan);
    e->mutable_registered_capital()->set_currency("CNY");
    e->mutable_registered_capital()->set_amount_minor(int64_t{wan} * 10000 *
                                                      100);
    e->set_registered_capital_text(absl::StrCat(wan, "万元人民币"));

    if (Uniform(0, 9) == 0 && est->year() < 2024) {
      const bool revoked = Uniform(0, 1) == 0;
      e->set_status(revoked ? v1::Enterprise::STATUS_REVOKED
                            : v1::Enterprise::STATUS_CANCELLED);
      e->set_status_text(revoked ? "吊销，未注销" : "注销");
      v1::Date* when = e->mutable_status_date();
      when->set_year(Uniform(est->year() + 1, 2024));
      when->set_month(Uniform(1, 12));
      when->set_day(Uniform(1, DaysIn(when->year(), when->month())));
    } else {
      e->set_status(v1::Enterprise::STATUS_ACTIVE);
      e->set_status_text("存续");
    }

    e->set_business_scope(Scope(industry));
    e->set_industry(industry.text);
    e->set_industry_code(industry.code);

    v1::Division* div = e->mutable_registration_division();
    div->set_code(place.code);
    div->set_province(place.province);
    div->set_region(place.region);
    div->set_district(place.district);
    div->set_text(absl::StrCat(place.province, place.region, place.district));

    v1::Address* addr = e->mutable_address();
    addr->set_country("CN");
    addr->set_division_code(place.code);
    addr->set_postal_code(place.postal_code);
    std::string text =
        absl::StrCat(place.address_head, Pick(kRoadChars), Pick(kRoadChars),
                     Pick(kRoadKinds), Uniform(1, 999), "号");
    if (Uniform(0, 2) == 0) {
      absl::StrAppend(&text, Uniform(1, 12), "幢",
                      Uniform(1, 20) * 100 + Uniform(1, 8), "室");
    }
    addr->set_text(std::move(text));

    v1::Contact* phone = e->add_contacts();
    phone->set_type(v1::Contact::TYPE_PHONE);
    static constexpr const char* kMobile[] = {"139", "138", "137", "158",
                                              "159", "186", "189", "135"};
    phone->set_value(
        absl::StrCat("+86", Pick(kMobile), Uniform(10000000, 99999999)));
    phone->set_label("办公室");

    e->set_registration_authority(place.authority);
    e->set_employee_count(static_cast<uint32_t>(Uniform(3, 600)));
  }

 private:
  int Uniform(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  template <typename T, size_t N>
  const T& Pick(const T (&table)[N]) {
    return table[Uniform(0, static_cast<int>(N) - 1)];
  }

  static int DaysIn(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
  }

  // "91" (market regulator, enterprise) + division + organisation code
  // (derived bijectively from `seq`, so distinct per record) + check.
  static std::string Uscc(const char* division, uint64_t seq, bool new_style) {
    std::string org;
    if (new_style) {
      // "MA" + 6 characters of the USCC alphabet: seq * an odd multiplier
      // modulo 31^6 (a bijection, so codes never repeat).
      constexpr uint64_t kSpace = 31ull * 31 * 31 * 31 * 31 * 31;
      uint64_t v = (seq * 7919 + 104729) % kSpace;
      std::string six(6, '0');
      for (int i = 5; i >= 0; --i) {
        six[i] = kUsccAlphabet[v % 31];
        v /= 31;
      }
      org = absl::StrCat("MA", six);
    } else {
      // Eight digits: seq * 7 + c modulo 10^8, also a bijection.
      char digits[9];
      std::snprintf(
          digits, sizeof digits, "%08llu",
          static_cast<unsigned long long>((seq * 7 + 31415926) % 100000000));
      org = digits;
    }
    org += OrgCodeCheck(org);
    std::string code = absl::StrCat("91", division, org);
    code += UsccCheck(code);
    return code;
  }

  // "一般项目：", phrases of the trade and common ones, and an ending: 60-120
  // characters in all.
  std::string Scope(const Industry& industry) {
    std::vector<std::string_view> phrases(industry.scope.begin(),
                                          industry.scope.end());
    std::shuffle(phrases.begin(), phrases.end(), rng_);
    std::vector<std::string_view> common(std::begin(kCommonScope),
                                         std::end(kCommonScope));
    std::shuffle(common.begin(), common.end(), rng_);
    phrases.insert(phrases.end(), common.begin(), common.end());

    // Greedy fill up to a random length, then (if the phrases left gaps)
    // unused phrases until the 60-character minimum is reached.
    const bool tail = Uniform(0, 1) == 0;
    const size_t end_len = tail ? Chars(kScopeTail) : 1;  // 1 for "。".
    const size_t target = static_cast<size_t>(Uniform(70, 120)) - end_len;
    std::string s(kScopeHead);
    size_t len = Chars(s);
    std::vector<bool> used(phrases.size(), false);
    auto append = [&](size_t i) {
      if (len > Chars(kScopeHead)) {
        s += "；";
        ++len;
      }
      s += phrases[i];
      len += Chars(phrases[i]);
      used[i] = true;
    };
    for (size_t i = 0; i < phrases.size(); ++i) {
      if (len + 1 + Chars(phrases[i]) <= target) append(i);
    }
    for (size_t i = 0; i < phrases.size() && len + end_len < 60; ++i) {
      if (!used[i]) append(i);
    }
    s += tail ? kScopeTail : "。";
    return s;
  }

  std::mt19937_64 rng_;
  uint64_t seq_ = 0;
};

// Fills `pool` (resized to `n`) with the generator's next records.
inline void Generate(EnterpriseGenerator& gen, size_t n,
                     std::vector<v1::Enterprise>* pool) {
  pool->resize(n);
  for (v1::Enterprise& e : *pool) gen.Next(&e);
}

}  // namespace bench
}  // namespace qiaolian

#endif  // QIAOLIAN_BENCH_ENTERPRISE_GEN_H_
