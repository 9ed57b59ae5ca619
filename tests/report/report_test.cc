// The report engine: the 2020 example reproduces every published figure;
// on a generated data set the engine equals a brute-force count; explain
// lists exactly the counted records; bad specs name file:line; a sum over
// two currencies without a rate says so; all figures read one snapshot.
#include "qiaolian/report.h"

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::filesystem::path kExample =
    std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "examples" /
    "jintan-2020";

ReportPeriod Year(int y) { return {{y, 1, 1}, {y, 12, 31}}; }

class Jintan2020Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    auto store = Store::Open(dir_->Sub("store"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = store->release();
    for (Kind kind : {v1::KIND_ENTERPRISE, v1::KIND_PERSON, v1::KIND_CASE,
                      v1::KIND_DONATION, v1::KIND_EVENT}) {
      ImportOptions o;
      o.kind = kind;
      auto s =
          Import(*store_, (kExample / (KindName(kind) + ".jsonl")).string(), o);
      ASSERT_TRUE(s.ok()) << s.status();
      ASSERT_EQ(s->rejected, 0u) << KindName(kind);
      ASSERT_EQ(s->created, s->rows) << KindName(kind);
    }
    auto spec = LoadReportSpecFile((kExample / "report.textproto").string());
    ASSERT_TRUE(spec.ok()) << spec.status();
    report_ = new Report(*spec);
  }
  static void TearDownTestSuite() {
    delete report_;
    delete store_;
    delete dir_;
  }
  static ReportResult Run(int year) {
    auto r = RunReport(*store_, *report_, Year(year));
    EXPECT_TRUE(r.ok()) << r.status();
    return *r;
  }
  static std::string Value(const ReportResult& r, const std::string& id) {
    const FigureResult* f = r.Find(id);
    EXPECT_NE(f, nullptr) << id;
    if (f == nullptr) return "";
    EXPECT_TRUE(f->value.error.empty()) << id << ": " << f->value.error;
    return FormatFigureValue(*f, f->value);
  }

  static testing::TempDir* dir_;
  static Store* store_;
  static Report* report_;
};
testing::TempDir* Jintan2020Test::dir_ = nullptr;
Store* Jintan2020Test::store_ = nullptr;
Report* Jintan2020Test::report_ = nullptr;

// The table of ../shared/DOMAIN.md, figure by figure, as published.
TEST_F(Jintan2020Test, EveryPublishedFigure) {
  ReportResult r = Run(2020);
  // 1 走访侨资企业22家
  EXPECT_EQ(Value(r, "f01_enterprises_visited"), "22");
  // 2 协调解决企业复工难题15个
  EXPECT_EQ(Value(r, "f02_problems_resolved"), "15");
  // 3 协调加急完成6名外国专家的工作签证
  EXPECT_EQ(Value(r, "f03_expert_visas"), "6");
  // 4 回复工作和居留许可咨询11次
  EXPECT_EQ(Value(r, "f04_permit_consultations"), "11");
  // 5 招商和人才政策解答12次 / 创业就业服务6次 / 就学和法律咨询5次 /
  //   在线创新讨论3次 / 形象宣传2次 / 家属绿卡1次
  EXPECT_EQ(Value(r, "f05_policy"), "12");
  EXPECT_EQ(Value(r, "f05_startup"), "6");
  EXPECT_EQ(Value(r, "f05_school_legal"), "5");
  EXPECT_EQ(Value(r, "f05_online"), "3");
  EXPECT_EQ(Value(r, "f05_image"), "2");
  EXPECT_EQ(Value(r, "f05_green_card"), "1");
  // 6 N95口罩600只 (两家医院)
  EXPECT_EQ(Value(r, "f06_n95_masks"), "600");
  EXPECT_EQ(Value(r, "f06_hospitals"), "2");
  // 7 物资捐赠4次，累计金额超过百万人民币
  EXPECT_EQ(Value(r, "f07_goods_campaigns"), "4");
  const FigureResult* goods = r.Find("f07_goods_value");
  EXPECT_EQ(goods->value.currency, "CNY");
  EXPECT_GT(goods->value.shown_minor, 100000000);  // > 1,000,000.00 元
  EXPECT_EQ(goods->value.amounts.size(), 2u);      // CNY and USD, converted
  // 8 慰问资金2万元
  EXPECT_EQ(Value(r, "f08_condolence_money"), "2");
  EXPECT_EQ(r.Find("f08_condolence_money")->value.shown_minor, 2000000);
  // 9 答复侨界防疫咨询32人次；记录有效信息21条
  EXPECT_EQ(Value(r, "f09_epidemic_consultations"), "32");
  EXPECT_EQ(Value(r, "f09_valid"), "21");
  // 10 微信群发布230次；公众号发布30次；最高点击量2321；累计点击量23221
  EXPECT_EQ(Value(r, "f10_wechat_group_posts"), "230");
  EXPECT_EQ(Value(r, "f10_account_posts"), "30");
  EXPECT_EQ(Value(r, "f10_max_clicks"), "2321");
  EXPECT_EQ(Value(r, "f10_total_clicks"), "23221");
  // 11 走访慰问68人，约3.6万元
  EXPECT_EQ(Value(r, "f11_people_greeted"), "68");
  EXPECT_EQ(Value(r, "f11_greeting_value"), "3.6");
  // 12 电话问候23通；电邮31封；寄送汇报书89封
  EXPECT_EQ(Value(r, "f12_calls"), "23");
  EXPECT_EQ(Value(r, "f12_emails"), "31");
  EXPECT_EQ(Value(r, "f12_letters"), "89");
  // 13 胡氏奖助金4.3万元，21名学生、1名教师
  EXPECT_EQ(Value(r, "f13_scholarship"), "4.3");
  EXPECT_EQ(Value(r, "f13_students"), "21");
  EXPECT_EQ(Value(r, "f13_teachers"), "1");
  // 14 海外华人微信群从7个增加到26个
  EXPECT_EQ(Value(r, "f14_groups_start"), "7");
  EXPECT_EQ(Value(r, "f14_groups_end"), "26");
  // 15 来信来电48人(次)，办结率100%
  EXPECT_EQ(Value(r, "f15_petitions"), "48");
  EXPECT_EQ(Value(r, "f15_closure_rate"), "100%");
  // 16 江苏卫视2篇；交汇点3篇；常州日报6篇；金坛时报15篇；金坛电视台8次
  EXPECT_EQ(Value(r, "f16_jstv"), "2");
  EXPECT_EQ(Value(r, "f16_jiaohuidian"), "3");
  EXPECT_EQ(Value(r, "f16_czdaily"), "6");
  EXPECT_EQ(Value(r, "f16_jttimes"), "15");
  EXPECT_EQ(Value(r, "f16_jttv"), "8");
  // 17 宣传金坛发展12次
  EXPECT_EQ(Value(r, "f17_publicity"), "12");
  // 18 推举14名侨界青年加入市侨青会
  EXPECT_EQ(Value(r, "f18_youth_recommended"), "14");
  // 19 侨商、侨青交流活动3次；宣讲1次
  EXPECT_EQ(Value(r, "f19_exchanges"), "3");
  EXPECT_EQ(Value(r, "f19_lectures"), "1");
  // 20 拓展3家基层侨胞之家
  EXPECT_EQ(Value(r, "f20_centres"), "3");

  // The sentences as published.
  std::string md = RenderReport(r, ReportFormat::kMarkdown);
  EXPECT_THAT(md, HasSubstr("走访侨资企业**22**家"));
  EXPECT_THAT(md, HasSubstr("海外华人微信群从**7**个增加到**26**个"));
  EXPECT_THAT(md, HasSubstr("办结率**100%**"));
  EXPECT_THAT(md, HasSubstr("惠及**21**名学生、**1**名教师"));
}

TEST_F(Jintan2020Test, OtherPeriodsCountOtherRecords) {
  ReportResult r = Run(2019);
  EXPECT_EQ(Value(r, "f01_enterprises_visited"), "1");
  EXPECT_EQ(Value(r, "f20_centres"), "1");
  EXPECT_EQ(Value(r, "f18_youth_recommended"), "2");
  EXPECT_EQ(Value(r, "f13_students"), "20");
  EXPECT_EQ(Value(r, "f14_groups_end"), "7");
  EXPECT_EQ(Value(r, "f15_closure_rate"), "—");  // No petitions: no rate.
  ReportResult now = Run(2020);
  RenderOptions o;
  o.compare = &r;
  std::string csv = RenderReport(now, ReportFormat::kCsv, o);
  EXPECT_THAT(csv,
              HasSubstr("f01_enterprises_visited,走访侨资企业22家,,22,22,"));
  EXPECT_THAT(csv, HasSubstr(",+21\r\n"));
}

TEST_F(Jintan2020Test, ExplainListsExactlyTheCountedRecords) {
  ReportResult r = Run(2020);
  const FigureResult* f = r.Find("f01_enterprises_visited");
  ASSERT_EQ(f->targets.size(), 22u);
  auto text =
      ExplainFigure(*store_, *report_, Year(2020), "f01_enterprises_visited");
  ASSERT_TRUE(text.ok()) << text.status();
  // Every distinct enterprise counted is listed, and no other.
  std::set<uint64_t> listed;
  size_t pos = 0;
  while ((pos = text->find("  enterprise:", pos)) != std::string::npos) {
    pos += 13;
    listed.insert(std::stoull(text->substr(pos)));
  }
  std::set<uint64_t> counted;
  for (const v1::Ref& t : f->targets) counted.insert(t.id());
  EXPECT_EQ(listed, counted);
  EXPECT_EQ(counted.count(29), 0u);  // 中石化常州公司: visited, not 侨资.
  EXPECT_THAT(*text, HasSubstr("三久制造"));
  // The records behind a count: 12 monthly logs standing for 230 posts.
  const FigureResult* posts = r.Find("f10_wechat_group_posts");
  auto explain =
      ExplainFigure(*store_, *report_, Year(2020), "f10_wechat_group_posts");
  ASSERT_TRUE(explain.ok());
  EXPECT_EQ(posts->ids.size(), 12u);
  for (uint64_t id : posts->ids) {
    EXPECT_THAT(*explain, HasSubstr(absl::StrCat("  event:", id, "  ")));
  }
  EXPECT_THAT(*explain, HasSubstr("×62"));
  // Unregistered entries are listed with the number they stand for.
  auto students = ExplainFigure(*store_, *report_, Year(2020), "f13_students");
  ASSERT_TRUE(students.ok());
  EXPECT_THAT(*students, HasSubstr("金坛一中学生  ×21  （未建档）"));
  EXPECT_THAT(*students, ::testing::Not(HasSubstr("金坛一中教师")));
  EXPECT_EQ(r.Find("f03_expert_visas")->unregistered_entries.size(), 6u);
  EXPECT_FALSE(
      ExplainFigure(*store_, *report_, Year(2020), "nope").status().ok());
}

TEST_F(Jintan2020Test, RenderersCarryTheFigures) {
  ReportResult r = Run(2020);
  std::string json = RenderReport(r, ReportFormat::kJson);
  EXPECT_THAT(json, HasSubstr("\"id\":\"f10_total_clicks\""));
  EXPECT_THAT(json, HasSubstr("\"number\":23221"));
  std::string html = RenderReport(r, ReportFormat::kHtml);
  EXPECT_THAT(html, StartsWith("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("id=\"chart-activities\""));
  EXPECT_THAT(html, HasSubstr("id=\"chart-people\""));
  EXPECT_EQ(html.find("http://") == std::string::npos ||
                html.find("http://") == html.find("http://www.w3.org/2000/svg"),
            true);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  std::string en = RenderReport(r, ReportFormat::kText, {.english = true});
  EXPECT_THAT(en, HasSubstr("Visited 22 overseas-Chinese-invested"));
}

// ---------------------------------------------------------------------------
// A generated data set with known answers.

struct Gen {
  std::vector<v1::Enterprise> enterprises;
  std::vector<v1::Event> events;
  std::vector<v1::Donation> donations;
  std::vector<v1::Case> cases;
};

v1::Date RandomDate(std::mt19937& rng) {
  v1::Date d;
  d.set_year(2019 + static_cast<int>(rng() % 3));
  d.set_month(1 + static_cast<int>(rng() % 12));
  d.set_day(1 + static_cast<int>(rng() % 28));
  return d;
}
std::string D(const v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

Gen Generate(uint32_t seed) {
  std::mt19937 rng(seed);
  Gen g;
  for (int i = 0; i < 30; ++i) {
    v1::Enterprise e;
    e.set_name(absl::StrCat("企业", i + 1));
    e.set_overseas_chinese_invested(rng() % 2 == 0);
    g.enterprises.push_back(e);
  }
  for (int i = 0; i < 400; ++i) {
    v1::Event e;
    const v1::Event::Type types[] = {v1::Event::TYPE_ENTERPRISE_VISIT,
                                     v1::Event::TYPE_OFFICIAL_ACCOUNT_POST,
                                     v1::Event::TYPE_LETTER};
    e.set_type(types[rng() % 3]);
    *e.mutable_date() = RandomDate(rng);
    e.set_count(rng() % 4);
    if (e.type() == v1::Event::TYPE_OFFICIAL_ACCOUNT_POST) {
      e.set_clicks(rng() % 5000);
    }
    int n = static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) {
      auto* p = e.add_participants();
      p->set_role(rng() % 4 ? v1::Event::Participant::ROLE_VISITED
                            : v1::Event::Participant::ROLE_HOST);
      if (rng() % 5) {
        p->mutable_ref()->set_kind(v1::KIND_ENTERPRISE);
        p->mutable_ref()->set_id(1 + rng() % 30);
      } else {
        p->set_name("未建档单位");
        p->set_count(rng() % 3);
      }
    }
    g.events.push_back(e);
  }
  for (int i = 0; i < 120; ++i) {
    v1::Donation d;
    d.set_direction(rng() % 2 ? v1::Donation::DIRECTION_INBOUND
                              : v1::Donation::DIRECTION_OUTBOUND);
    *d.mutable_date() = RandomDate(rng);
    if (rng() % 2) {
      d.mutable_money()->set_currency("CNY");
      d.mutable_money()->set_amount_minor(rng() % 1000000);
    }
    int n = static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) {
      auto* it = d.add_items();
      it->set_description("物资");
      it->set_quantity(rng() % 100);
      it->set_unit(rng() % 2 ? "箱" : "只");
      if (rng() % 2) {
        it->mutable_value()->set_currency("CNY");
        it->mutable_value()->set_amount_minor(rng() % 500000);
      }
    }
    g.donations.push_back(d);
  }
  for (int i = 0; i < 200; ++i) {
    v1::Case c;
    c.set_channel(v1::Case::CHANNEL_PHONE);
    c.set_type(rng() % 2 ? v1::Case::TYPE_PETITION
                         : v1::Case::TYPE_CONSULTATION);
    *c.mutable_received() = RandomDate(rng);
    c.set_count(rng() % 3);
    const v1::Case::Status st[] = {v1::Case::STATUS_RECEIVED,
                                   v1::Case::STATUS_IN_PROGRESS,
                                   v1::Case::STATUS_CLOSED};
    c.set_status(st[rng() % 3]);
    if (rng() % 2) {
      c.set_reply_within_working_days(2);
      // Deadlines and replies never precede receipt (the store refuses it).
      auto not_before = [&rng](const v1::Date& from) {
        for (int k = 0; k < 100; ++k) {
          v1::Date x = RandomDate(rng);
          if (D(x) >= D(from)) return x;
        }
        return from;
      };
      *c.mutable_reply_due() = not_before(c.received());
      if (rng() % 4) *c.mutable_replied() = not_before(c.received());
    }
    g.cases.push_back(c);
  }
  return g;
}

constexpr char kGeneratedSpec[] = R"pb(
  title_zh: "生成数据"
  sections {
    id: "s"
    title_zh: "生成"
    figures {
      id: "visits"
      label_zh: "{value}"
      query: "event where type = ENTERPRISE_VISIT"
      aggregate: COUNT
    }
    figures {
      id: "visit_records"
      label_zh: "{value}"
      query: "event where type = ENTERPRISE_VISIT"
      aggregate: COUNT_RECORDS
    }
    figures {
      id: "visited_oci"
      label_zh: "{value}"
      query: "event where type = ENTERPRISE_VISIT"
      aggregate: COUNT_DISTINCT
      fields: "participants.ref"
      roles: "VISITED"
      target_query: "enterprise where overseas_chinese_invested = true"
    }
    figures {
      id: "visited_all"
      label_zh: "{value}"
      query: "event where type = ENTERPRISE_VISIT"
      aggregate: COUNT_DISTINCT
      fields: "participants"
    }
    figures {
      id: "max_clicks"
      label_zh: "{value}"
      query: "event where type = OFFICIAL_ACCOUNT_POST"
      aggregate: MAX
      fields: "clicks"
    }
    figures {
      id: "sum_clicks"
      label_zh: "{value}"
      query: "event where type = OFFICIAL_ACCOUNT_POST"
      aggregate: SUM
      fields: "clicks"
    }
    figures {
      id: "letters_before"
      label_zh: "{value}"
      query: "event where type = LETTER"
      period: BEFORE_START
      aggregate: COUNT
    }
    figures {
      id: "letters_until"
      label_zh: "{value}"
      query: "event where type = LETTER"
      period: UNTIL_END
      aggregate: COUNT
    }
    figures {
      id: "inbound_money"
      label_zh: "{value}"
      query: "donation where direction = INBOUND"
      aggregate: SUM_MONEY
      fields: "money"
      fields: "items"
      currency: "CNY"
    }
    figures {
      id: "boxes"
      label_zh: "{value}"
      query: "donation"
      aggregate: SUM_QUANTITY
      fields: "items"
      unit: "箱"
    }
    figures { id: "cases" label_zh: "{value}" query: "case" aggregate: COUNT }
    figures {
      id: "closed"
      label_zh: "{value}"
      query: "case where status = CLOSED"
      aggregate: COUNT
    }
    figures {
      id: "closure"
      label_zh: "{value}"
      aggregate: RATIO
      operands: "closed"
      operands: "cases"
    }
    figures {
      id: "on_time"
      label_zh: "{value}"
      query: "case where reply_within_working_days = 2"
      aggregate: COUNT_ON_TIME
      fields: "replied"
      fields: "reply_due"
    }
    figures {
      id: "visits_by_month"
      label_zh: "{value}"
      query: "event where type = ENTERPRISE_VISIT"
      aggregate: COUNT
      group_by: "month(date)"
    }
  }
)pb";

TEST(GeneratedReportTest, EngineEqualsBruteForce) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Sub("store"));
  ASSERT_TRUE(store.ok());
  Gen g = Generate(20201231);
  std::vector<google::protobuf::Message*> all;
  for (auto& e : g.enterprises) all.push_back(&e);
  ASSERT_TRUE((*store)->CreateAll(all).ok());
  all.clear();
  for (auto& e : g.events) all.push_back(&e);
  for (auto& d : g.donations) all.push_back(&d);
  for (auto& c : g.cases) all.push_back(&c);
  ASSERT_TRUE((*store)->CreateAll(all).ok());
  auto spec = ParseReportSpec(kGeneratedSpec, "generated");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const ReportPeriod period{{2020, 1, 1}, {2020, 12, 31}};
  auto r = RunReport(**store, *spec, period);
  ASSERT_TRUE(r.ok()) << r.status();
  auto in = [](const v1::Date& d) {
    return D(d) >= "2020-01-01" && D(d) <= "2020-12-31";
  };
  auto w = [](uint32_t c) { return c == 0 ? 1 : c; };

  // Brute force, straight from the generated records.
  int64_t visits = 0, visit_records = 0, max_clicks = -1, sum_clicks = 0;
  int64_t before = 0, until = 0, unregistered = 0, boxes = 0, money = 0;
  std::set<uint64_t> oci, all_refs;
  std::vector<uint64_t> visit_ids;
  std::map<std::string, int64_t> by_month;
  for (size_t i = 0; i < g.events.size(); ++i) {
    const v1::Event& e = g.events[i];
    if (e.type() == v1::Event::TYPE_LETTER) {
      if (D(e.date()) < "2020-01-01") before += w(e.count());
      if (D(e.date()) <= "2020-12-31") until += w(e.count());
    }
    if (!in(e.date())) continue;
    if (e.type() == v1::Event::TYPE_OFFICIAL_ACCOUNT_POST) {
      max_clicks = std::max<int64_t>(max_clicks, e.clicks());
      sum_clicks += e.clicks();
    }
    if (e.type() != v1::Event::TYPE_ENTERPRISE_VISIT) continue;
    visits += w(e.count());
    ++visit_records;
    visit_ids.push_back(i + 1);
    by_month[D(e.date()).substr(0, 7)] += w(e.count());
    for (const auto& p : e.participants()) {
      if (p.ref().id() != 0) {
        all_refs.insert(p.ref().id());
        if (p.role() == v1::Event::Participant::ROLE_VISITED &&
            g.enterprises[p.ref().id() - 1].overseas_chinese_invested()) {
          oci.insert(p.ref().id());
        }
      } else {
        unregistered += w(p.count());
      }
    }
  }
  for (const v1::Donation& d : g.donations) {
    if (!in(d.date())) continue;
    for (const auto& it : d.items()) {
      if (it.unit() == "箱") boxes += it.quantity();
      if (d.direction() == v1::Donation::DIRECTION_INBOUND) {
        money += it.value().amount_minor();
      }
    }
    if (d.direction() == v1::Donation::DIRECTION_INBOUND) {
      money += d.money().amount_minor();
    }
  }
  int64_t cases = 0, closed = 0, on_time = 0;
  for (const v1::Case& c : g.cases) {
    if (!in(c.received())) continue;
    cases += w(c.count());
    if (c.status() == v1::Case::STATUS_CLOSED) closed += w(c.count());
    if (c.reply_within_working_days() == 2 && c.has_replied() &&
        D(c.replied()) <= D(c.reply_due())) {
      on_time += w(c.count());
    }
  }
  auto num = [&](const char* id) { return r->Find(id)->value.number; };
  EXPECT_EQ(num("visits"), visits);
  EXPECT_EQ(num("visit_records"), visit_records);
  EXPECT_EQ(r->Find("visits")->ids, visit_ids);
  EXPECT_EQ(num("visited_oci"), static_cast<int64_t>(oci.size()));
  EXPECT_EQ(num("visited_all"),
            static_cast<int64_t>(all_refs.size()) + unregistered);
  EXPECT_EQ(num("max_clicks"), max_clicks);
  EXPECT_EQ(num("sum_clicks"), sum_clicks);
  EXPECT_EQ(num("letters_before"), before);
  EXPECT_EQ(num("letters_until"), until);
  EXPECT_EQ(r->Find("inbound_money")->value.shown_minor, money);
  EXPECT_EQ(r->Find("boxes")->value.amounts.at("箱"), boxes);
  EXPECT_EQ(num("cases"), cases);
  EXPECT_EQ(num("closed"), closed);
  EXPECT_EQ(r->Find("closure")->value.numerator, closed);
  EXPECT_EQ(r->Find("closure")->value.denominator, cases);
  EXPECT_EQ(num("on_time"), on_time);
  std::map<std::string, int64_t> engine_months;
  for (const FigureGroup& gr : r->Find("visits_by_month")->groups) {
    engine_months[gr.key[0]] = gr.value.number;
  }
  EXPECT_EQ(engine_months, by_month);
  // The figures are not trivially zero.
  EXPECT_GT(visits, visit_records);
  EXPECT_GT(oci.size(), 3u);
  EXPECT_GT(money, 0);
}

TEST(ReportSnapshotTest, AllFiguresReadOneState) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Sub("store"));
  ASSERT_TRUE(store.ok());
  v1::Event e;
  e.set_type(v1::Event::TYPE_LETTER);
  e.mutable_date()->set_year(2020);
  e.mutable_date()->set_month(5);
  e.mutable_date()->set_day(1);
  ASSERT_TRUE((*store)->Create(&e).ok());
  std::unique_ptr<StoreSnapshot> snap = (*store)->NewSnapshot();
  v1::Event e2 = e;
  e2.clear_meta();
  ASSERT_TRUE((*store)->Create(&e2).ok());
  QueryOptions o;
  o.snapshot = snap.get();
  auto then = (*store)->Query("event where type = LETTER", o);
  ASSERT_TRUE(then.ok()) << then.status();
  EXPECT_EQ(then->records.size(), 1u);
  auto now = (*store)->Query("event where type = LETTER");
  EXPECT_EQ(now->records.size(), 2u);
  v1::Event got;
  EXPECT_TRUE(absl::IsNotFound(snap->Get(v1::KIND_EVENT, 2, &got)));
  EXPECT_TRUE(snap->Get(v1::KIND_EVENT, 1, &got).ok());
}

// ---------------------------------------------------------------------------
// Bad specs and figures that cannot be computed.

std::string SpecError(const std::string& text) {
  auto r = ParseReportSpec(text, "bad.textproto");
  EXPECT_FALSE(r.ok());
  return std::string(r.status().message());
}

TEST(ReportSpecTest, ErrorsNameFileLineAndWhatWasExpected) {
  EXPECT_THAT(SpecError("sections {\n  id: \"a\"\n  figures { id: \"x\" "
                        "label_zh: \"{value}\" aggregat: COUNT }\n}\n"),
              StartsWith("bad.textproto:3:"));
  EXPECT_THAT(SpecError("sections {\n  id: \"a\"\n  figures { id: \"x\" "
                        "label_zh: \"{value}\" aggregat: COUNT }\n}\n"),
              HasSubstr("unknown field \"aggregat\" in ReportFigure; expected "
                        "one of id, label_zh"));
  EXPECT_THAT(SpecError("sections { id: \"a\"\n figures { id: \"x\"\n "
                        "aggregate: TOTAL } }"),
              AllOf(StartsWith("bad.textproto:3:"),
                    HasSubstr("unknown aggregate \"TOTAL\"; expected one of "
                              "COUNT, COUNT_RECORDS")));
  EXPECT_THAT(SpecError("sections { id: \"a\" figures { id: \"x\" "),
              StartsWith("bad.textproto:1:"));
  // A very long unknown name (found by fuzzing: the message was once
  // matched with std::regex, which overflowed the stack on it).
  const std::string long_name(200000, 'z');
  EXPECT_THAT(SpecError("sections { id: \"a\" figures { id: \"x\" " +
                        long_name + ": 1 } }"),
              AllOf(StartsWith("bad.textproto:1:"),
                    HasSubstr("expected one of id, label_zh")));
  EXPECT_THAT(SpecError("title_" + long_name + " 1"),
              StartsWith("bad.textproto:1:"));
  // Semantic errors point at the offending field.
  std::string unknown_kind = SpecError(
      "sections { id: \"a\"\n figures {\n  id: \"x\" label_zh: \"{value}\"\n"
      "  query: \"meeting where type = X\"\n  aggregate: COUNT } }");
  EXPECT_THAT(unknown_kind, StartsWith("bad.textproto:4:3: figure \"x\""));
  EXPECT_THAT(unknown_kind, HasSubstr("meeting"));
  EXPECT_THAT(SpecError("sections { id: \"a\"\n figures {\n  id: \"x\" "
                        "label_zh: \"{value}\"\n  query: \"event where "
                        "colour = 1\"\n  aggregate: COUNT } }"),
              AllOf(StartsWith("bad.textproto:4:"), HasSubstr("colour")));
  EXPECT_THAT(
      SpecError("sections { id: \"a\"\n figures { id: \"x\" "
                "label_zh: \"{value}\" query: \"event\"\n"
                "  aggregate: SUM fields: \"title\" } }"),
      AllOf(StartsWith("bad.textproto:3:"), HasSubstr("not an integer field")));
  EXPECT_THAT(SpecError("sections { id: \"a\"\n figures { id: \"x\" "
                        "label_zh: \"{value}\"\n  aggregate: RATIO "
                        "operands: \"y\" operands: \"x\" } }"),
              HasSubstr("operand \"y\" is not a figure defined earlier"));
  EXPECT_THAT(SpecError("sections { id: \"a\"\n figures { id: \"x\" "
                        "label_zh: \"{nope}\" query: \"event\" aggregate: "
                        "COUNT } }"),
              HasSubstr("placeholder {nope}"));
  EXPECT_THAT(SpecError("sections { id: \"a\" figures { id: \"x\" label_zh: "
                        "\"{value}\" query: \"event\" aggregate: "
                        "COUNT_DISTINCT fields: \"participants\"\n roles: "
                        "\"BOSS\" } }"),
              AllOf(StartsWith("bad.textproto:2:"), HasSubstr("ROLE_VISITED")));
}

TEST(ReportSpecTest, TwoCurrenciesWithoutRateAreNotSummed) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Sub("store"));
  ASSERT_TRUE(store.ok());
  for (const char* cur : {"CNY", "USD"}) {
    v1::Donation d;
    d.set_direction(v1::Donation::DIRECTION_INBOUND);
    d.mutable_date()->set_year(2020);
    d.mutable_date()->set_month(3);
    d.mutable_date()->set_day(1);
    d.mutable_money()->set_currency(cur);
    d.mutable_money()->set_amount_minor(100000);
    ASSERT_TRUE((*store)->Create(&d).ok());
  }
  auto body = [](const std::string& extra) {
    return absl::StrCat(
        "sections { id: \"a\" figures { id: \"m\" label_zh: \"{value}\" "
        "query: \"donation\" aggregate: SUM_MONEY fields: \"money\" ",
        extra, " } }");
  };
  auto no_target = ParseReportSpec(body(""));
  ASSERT_TRUE(no_target.ok()) << no_target.status();
  auto r = RunReport(**store, *no_target, Year(2020));
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->Find("m")->value.error,
              HasSubstr("cannot compute: amounts in 2 currencies (CNY, USD)"));
  EXPECT_THAT(RenderReport(*r, ReportFormat::kText), HasSubstr("无法计算"));
  auto no_rate = ParseReportSpec(body("currency: \"CNY\""));
  r = RunReport(**store, *no_rate, Year(2020));
  EXPECT_THAT(r->Find("m")->value.error, HasSubstr("no rate USD→CNY"));
  auto with_rate = ParseReportSpec(
      absl::StrCat(body("currency: \"CNY\""),
                   " rates { from: \"USD\" to: \"CNY\" rate: \"6.9\" }"));
  ASSERT_TRUE(with_rate.ok()) << with_rate.status();
  r = RunReport(**store, *with_rate, Year(2020));
  EXPECT_EQ(r->Find("m")->value.error, "");
  EXPECT_EQ(r->Find("m")->value.shown_minor, 100000 + 690000);
}

}  // namespace
}  // namespace qiaolian
