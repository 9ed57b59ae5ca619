// records_bench: donation totals, event counts, relations and the timeline
// (src/records) on a generated office of sizeable history:
//   20,000 donations (2016-2025, 3 currencies, goods in 4 units, 200
//   recipients), 20,000 events (2,000 of them touching enterprise 1), 2,000
//   people members of association 2.
// Data are generated deterministically once per process in a temporary
// directory. Run: build/bench/records_bench (figures in bench/RESULTS.md).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "qiaolian/donations.h"
#include "qiaolian/events.h"
#include "qiaolian/relations.h"
#include "qiaolian/store.h"

namespace qiaolian {
namespace {

constexpr int kEnterprises = 200;
constexpr int kPeople = 2000;
constexpr int kDonations = 20000;
constexpr int kEvents = 20000;

v1::Ref MakeRef(Kind k, uint64_t id) {
  v1::Ref r;
  r.set_kind(k);
  r.set_id(id);
  return r;
}

void SetDate(v1::Date* d, uint64_t i) {
  d->set_year(2016 + static_cast<int>(i % 10));
  d->set_month(1 + static_cast<int>(i / 10 % 12));
  d->set_day(1 + static_cast<int>(i / 120 % 28));
}

template <typename T>
void Flush(Store& s, std::vector<T>* batch) {
  std::vector<google::protobuf::Message*> ptrs;
  for (T& m : *batch) ptrs.push_back(&m);
  absl::Status st = s.CreateAll(ptrs);
  if (!st.ok()) {
    fprintf(stderr, "records_bench: %s\n", std::string(st.message()).c_str());
    abort();
  }
  batch->clear();
}

struct Fixture {
  std::string dir;
  std::unique_ptr<Store> store;
  RateTable rates;

  Fixture() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "qiaolian-records-XXXXXX")
            .string();
    dir = mkdtemp(tmpl.data());
    store = std::move(*Store::Open(dir + "/store"));
    std::vector<v1::Enterprise> es;
    for (int i = 1; i <= kEnterprises; ++i) {
      v1::Enterprise e;
      e.set_name(absl::StrCat("企业", i));
      if (i == 2) e.set_type(v1::Enterprise::TYPE_ASSOCIATION);
      es.push_back(e);
    }
    Flush(*store, &es);
    std::vector<v1::Person> ps;
    for (int i = 1; i <= kPeople; ++i) {
      v1::Person p;
      p.set_name(absl::StrCat("会员", i));
      auto* m = p.add_memberships();
      *m->mutable_organization() = MakeRef(v1::KIND_ENTERPRISE, 2);
      m->set_role(i == 1 ? v1::Person::Membership::ROLE_PRESIDENT
                         : v1::Person::Membership::ROLE_MEMBER);
      ps.push_back(p);
      if (ps.size() == 1000) Flush(*store, &ps);
    }
    Flush(*store, &ps);
    const char* currencies[] = {"CNY", "USD", "EUR"};
    const char* units[] = {"只", "箱", "kg", "件"};
    std::vector<v1::Donation> ds;
    for (uint64_t i = 0; i < kDonations; ++i) {
      v1::Donation d;
      d.set_direction(i % 3 == 0 ? v1::Donation::DIRECTION_OUTBOUND
                                 : v1::Donation::DIRECTION_INBOUND);
      SetDate(d.mutable_date(), i);
      d.set_purpose(static_cast<v1::Donation::Purpose>(1 + i % 7));
      auto* r = d.add_recipients();
      *r->mutable_ref() = MakeRef(v1::KIND_ENTERPRISE, 1 + i % kEnterprises);
      auto* dn = d.add_donors();
      *dn->mutable_ref() = MakeRef(v1::KIND_PERSON, 1 + i % kPeople);
      d.mutable_money()->set_currency(currencies[i % 3]);
      d.mutable_money()->set_amount_minor(100 * static_cast<int64_t>(i % 997));
      auto* item = d.add_items();
      item->set_quantity(static_cast<int64_t>(i % 50));
      item->set_unit(units[i % 4]);
      ds.push_back(d);
      if (ds.size() == 1000) Flush(*store, &ds);
    }
    Flush(*store, &ds);
    std::vector<v1::Event> evs;
    for (uint64_t i = 0; i < kEvents; ++i) {
      v1::Event e;
      e.set_type(static_cast<v1::Event::Type>(1 + i % 24));
      SetDate(e.mutable_date(), i);
      e.set_count(static_cast<uint32_t>(i % 5));
      e.set_clicks(i % 3000);
      e.set_outlet(absl::StrCat("媒体", i % 20));
      auto* p = e.add_participants();
      *p->mutable_ref() =
          MakeRef(v1::KIND_ENTERPRISE, i % 10 == 0 ? 1 : 3 + i % 150);
      evs.push_back(e);
      if (evs.size() == 1000) Flush(*store, &evs);
    }
    Flush(*store, &evs);
    std::string table = "currency,base,from,to,rate\n";
    for (int y = 2016; y <= 2025; ++y) {
      absl::StrAppend(&table, "USD,CNY,", y, "-01-01,", y, "-12-31,6.9\n");
      absl::StrAppend(&table, "EUR,CNY,", y, "-01-01,", y, "-12-31,7.8\n");
    }
    rates = *RateTable::Parse(table);
  }
  ~Fixture() {
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

namespace {

v1::Date D(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

// One year's donations (2,000) by recipient, money per currency.
void BM_DonationTotalsYearByRecipient(benchmark::State& state) {
  DonationTotalsOptions o;
  o.by = DonationGroupBy::kRecipient;
  o.from = D(2020, 1, 1);
  o.to = D(2020, 12, 31);
  if (state.range(0) != 0) o.rates = &F().rates;
  for (auto _ : state) {
    auto t = ComputeDonationTotals(*F().store, o);
    if (!t.ok()) state.SkipWithError("totals failed");
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations() * kDonations / 10);
}
BENCHMARK(BM_DonationTotalsYearByRecipient)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

// Every donation (20,000) by purpose.
void BM_DonationTotalsAllByPurpose(benchmark::State& state) {
  DonationTotalsOptions o;
  o.by = DonationGroupBy::kPurpose;
  for (auto _ : state) {
    auto t = ComputeDonationTotals(*F().store, o);
    if (!t.ok()) state.SkipWithError("totals failed");
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(state.iterations() * kDonations);
}
BENCHMARK(BM_DonationTotalsAllByPurpose)->Unit(benchmark::kMillisecond);

// One year's events (2,000) by kind, weighted, with clicks.
void BM_EventCountsYearByKind(benchmark::State& state) {
  EventCountsOptions o;
  o.by = EventGroupBy::kType;
  o.from = D(2020, 1, 1);
  o.to = D(2020, 12, 31);
  for (auto _ : state) {
    auto c = ComputeEventCounts(*F().store, o);
    if (!c.ok()) state.SkipWithError("counts failed");
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations() * kEvents / 10);
}
BENCHMARK(BM_EventCountsYearByKind)->Unit(benchmark::kMillisecond);

// The relations of an association with 2,000 members.
void BM_RelationsOfAssociation(benchmark::State& state) {
  for (auto _ : state) {
    auto r = Relations(*F().store, MakeRef(v1::KIND_ENTERPRISE, 2));
    if (!r.ok() || r->size() != kPeople) state.SkipWithError("relations");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RelationsOfAssociation)->Unit(benchmark::kMillisecond);

// The first page (50) of the timeline of an enterprise touched by 2,000
// events and 100 donations.
void BM_TimelineFirstPage(benchmark::State& state) {
  TimelineOptions o;
  o.limit = 50;
  for (auto _ : state) {
    auto t = Timeline(*F().store, MakeRef(v1::KIND_ENTERPRISE, 1), o);
    if (!t.ok() || t->entries.size() != 50) state.SkipWithError("timeline");
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_TimelineFirstPage)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace qiaolian

// Generates the data before any timing.
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  qiaolian::F();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
