// report_bench: a report run (RunReport: every figure on one snapshot, rows
// read, aggregates computed) on generated stores of increasing size (issue
// 8). Records are generated deterministically (fixed seed): N events, N/5
// cases, N/20 donations over 3 years, participants referring to 500
// enterprises. The spec has 12 figures of every aggregate kind, two grouped.
//
//   build/bench/report_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "qiaolian/report.h"
#include "qiaolian/store.h"

namespace qiaolian {
namespace {

constexpr char kSpec[] = R"pb(
  sections {
    id: "s"
    figures {
      id: "visits"
      label_zh: "{value}"
      query: "event where type = ENTERPRISE_VISIT"
      aggregate: COUNT
    }
    figures {
      id: "visited"
      label_zh: "{value}"
      query: "event where type = ENTERPRISE_VISIT"
      aggregate: COUNT_DISTINCT
      fields: "participants"
      roles: "VISITED"
      target_query: "enterprise where overseas_chinese_invested = true"
    }
    figures {
      id: "posts"
      label_zh: "{value}"
      query: "event where type = OFFICIAL_ACCOUNT_POST"
      aggregate: COUNT
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
      id: "money"
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
      id: "rate"
      label_zh: "{value}"
      aggregate: RATIO
      operands: "closed"
      operands: "cases"
    }
    figures {
      id: "by_month"
      label_zh: "{value}"
      query: "event"
      aggregate: COUNT_RECORDS
      group_by: "month(date)"
      group_by: "type"
    }
    figures {
      id: "by_status"
      label_zh: "{value}"
      query: "case"
      aggregate: COUNT_RECORDS
      group_by: "status"
    }
  }
)pb";

v1::Date RandomDate(std::mt19937& rng) {
  v1::Date d;
  d.set_year(2019 + static_cast<int>(rng() % 3));
  d.set_month(1 + static_cast<int>(rng() % 12));
  d.set_day(1 + static_cast<int>(rng() % 28));
  return d;
}

struct Fixture {
  std::string dir;
  std::unique_ptr<Store> store;
  ~Fixture() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::unique_ptr<Fixture> Build(int n) {
  auto f = std::make_unique<Fixture>();
  f->dir = (std::filesystem::temp_directory_path() /
            absl::StrCat("qiaolian-report-bench-", n, "-", getpid()))
               .string();
  std::filesystem::remove_all(f->dir);
  f->store = std::move(*Store::Open(f->dir));
  std::mt19937 rng(8);
  std::vector<std::unique_ptr<google::protobuf::Message>> batch;
  auto flush = [&] {
    std::vector<google::protobuf::Message*> ptrs;
    for (auto& m : batch) ptrs.push_back(m.get());
    if (!f->store->CreateAll(ptrs).ok()) std::abort();
    batch.clear();
  };
  for (int i = 0; i < 500; ++i) {
    auto e = std::make_unique<v1::Enterprise>();
    e->set_name(absl::StrCat("企业", i));
    e->set_overseas_chinese_invested(i % 3 != 0);
    batch.push_back(std::move(e));
  }
  flush();
  const v1::Event::Type types[] = {
      v1::Event::TYPE_ENTERPRISE_VISIT, v1::Event::TYPE_OFFICIAL_ACCOUNT_POST,
      v1::Event::TYPE_MEDIA_REPORT, v1::Event::TYPE_GREETING_VISIT};
  for (int i = 0; i < n; ++i) {
    auto e = std::make_unique<v1::Event>();
    e->set_type(types[rng() % 4]);
    *e->mutable_date() = RandomDate(rng);
    e->set_count(rng() % 3);
    e->set_clicks(rng() % 5000);
    auto* p = e->add_participants();
    p->set_role(v1::Event::Participant::ROLE_VISITED);
    p->mutable_ref()->set_kind(v1::KIND_ENTERPRISE);
    p->mutable_ref()->set_id(1 + rng() % 500);
    batch.push_back(std::move(e));
    if (i % 5 == 0) {
      auto c = std::make_unique<v1::Case>();
      c->set_channel(v1::Case::CHANNEL_PHONE);
      c->set_type(v1::Case::TYPE_PETITION);
      *c->mutable_received() = RandomDate(rng);
      c->set_status(rng() % 2 ? v1::Case::STATUS_CLOSED
                              : v1::Case::STATUS_IN_PROGRESS);
      batch.push_back(std::move(c));
    }
    if (i % 20 == 0) {
      auto d = std::make_unique<v1::Donation>();
      d->set_direction(v1::Donation::DIRECTION_INBOUND);
      *d->mutable_date() = RandomDate(rng);
      d->mutable_money()->set_currency("CNY");
      d->mutable_money()->set_amount_minor(rng() % 100000);
      auto* it = d->add_items();
      it->set_description("物资");
      it->set_quantity(rng() % 100);
      it->set_unit("箱");
      batch.push_back(std::move(d));
    }
    if (batch.size() >= 1000) flush();
  }
  flush();
  return f;
}

void BM_RunReport(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::unique_ptr<Fixture> f = Build(n);
  absl::StatusOr<Report> spec = ParseReportSpec(kSpec, "bench");
  if (!spec.ok()) std::abort();
  auto report = std::make_shared<const Report>(*spec);
  const ReportPeriod year{{2020, 1, 1}, {2020, 12, 31}};
  for (auto _ : state) {
    absl::StatusOr<ReportResult> r = RunReport(*f->store, report, year);
    if (!r.ok()) std::abort();
    benchmark::DoNotOptimize(r->figures.size());
  }
  state.counters["events"] = n;
}
BENCHMARK(BM_RunReport)->Arg(10000)->Arg(50000)->Unit(benchmark::kMillisecond);

void BM_RenderHtml(benchmark::State& state) {
  std::unique_ptr<Fixture> f = Build(static_cast<int>(state.range(0)));
  absl::StatusOr<Report> spec = ParseReportSpec(kSpec, "bench");
  auto r = RunReport(*f->store, *spec, {{2020, 1, 1}, {2020, 12, 31}});
  if (!r.ok()) std::abort();
  for (auto _ : state) {
    benchmark::DoNotOptimize(RenderReport(*r, ReportFormat::kHtml).size());
  }
}
BENCHMARK(BM_RenderHtml)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qiaolian

BENCHMARK_MAIN();
