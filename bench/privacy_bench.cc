// privacy_bench: the cost of masking, of the audit entry every write now
// carries, of verifying the audit chain, and of an erasure with its
// compaction, and of encryption at rest (issue 9, docs/privacy.md). Figures
// in bench/RESULTS.md.
//
//   build/bench/privacy_bench --benchmark_min_time=0.2
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "qiaolian/privacy.h"
#include "qiaolian/store.h"
#include "src/privacy/audit_chain.h"

namespace qiaolian {
namespace {

v1::Person SamplePerson(int i) {
  v1::Person p;
  p.set_name(absl::StrCat("胡正明", i));
  p.mutable_birth_date()->set_year(1949 + i % 70);
  p.mutable_birth_date()->set_month(1 + i % 12);
  p.mutable_birth_date()->set_day(1 + i % 28);
  p.add_categories(v1::Person::CATEGORY_RETURNED_OVERSEAS_CHINESE);
  p.set_residence_country("KE");
  auto* passport = p.add_identity_documents();
  passport->set_type(v1::IdentityDocument::TYPE_PASSPORT);
  passport->set_issuing_country("CN");
  passport->set_number(absl::StrCat("E", 10000000 + i));
  auto* phone = p.add_contacts();
  phone->set_type(v1::Contact::TYPE_PHONE);
  phone->set_value(absl::StrCat("+86139", 10000000 + i));
  auto* mail = p.add_contacts();
  mail->set_type(v1::Contact::TYPE_EMAIL);
  mail->set_value(absl::StrCat("user", i, "@example.com"));
  p.mutable_address()->set_country("CN");
  p.mutable_address()->set_division_code("320413");
  p.mutable_address()->set_text("江苏省常州市金坛区东门大街88号");
  p.set_occupation("工程师");
  p.set_notes("2020年春节走访慰问");
  return p;
}

struct TempStore {
  // `encrypted`: with encryption at rest (a fixed 32-byte key).
  explicit TempStore(bool encrypted = false) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "qiaolian-bench-XXXXXX")
            .string();
    dir = mkdtemp(tmpl.data());
    StoreOptions o;
    if (encrypted) o.encryption_key = std::string(kEncryptionKeyBytes, 'k');
    store = std::move(*Store::Open(dir + "/store", o));
  }
  ~TempStore() {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  std::string dir;
  std::unique_ptr<Store> store;
};

void BM_MaskRecord(benchmark::State& state) {
  const v1::Person p = SamplePerson(1);
  for (auto _ : state) {
    v1::Person copy = p;
    MaskRecord(&copy);
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_MaskRecord);

void BM_CopyOnly(benchmark::State& state) {  // The copy inside the above.
  const v1::Person p = SamplePerson(1);
  for (auto _ : state) {
    v1::Person copy = p;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_CopyOnly);

// The audit entry's field list: a create lists fields, an update compares.
void BM_ChangedFields(benchmark::State& state) {
  const v1::Person a = SamplePerson(1);
  v1::Person b = a;
  b.mutable_contacts(0)->set_value("+8613900000000");
  const bool update = state.range(0) == 1;
  for (auto _ : state) {
    auto f = privacy::ChangedFields(update ? &a : nullptr, &b);
    benchmark::DoNotOptimize(f);
  }
  state.SetLabel(update ? "update" : "create");
}
BENCHMARK(BM_ChangedFields)->Arg(0)->Arg(1);

// A create, with its audit entry (compare store_bench's put); arg 1: in a
// store with encryption at rest (4 values encrypted, 3 index hashes).
void BM_CreatePerson(benchmark::State& state) {
  TempStore t(state.range(0) == 1);
  int i = 0;
  for (auto _ : state) {
    v1::Person p = SamplePerson(i++);
    auto id = t.store->Create(&p);
    if (!id.ok()) state.SkipWithError("create failed");
  }
  state.SetLabel(state.range(0) == 1 ? "encrypted" : "plain");
}
BENCHMARK(BM_CreatePerson)->Arg(0)->Arg(1);

// Reads in a store of 10,000 persons, plain (arg 0) or encrypted (arg 1):
// Get by id, and an equality query on the document number (an index lookup
// on the value, or on its keyed hash).
void LoadPeople(TempStore& t, int n, benchmark::State& state) {
  for (int start = 0; start < n; start += 1000) {
    std::vector<v1::Person> people;
    for (int i = start; i < start + 1000 && i < n; ++i) {
      people.push_back(SamplePerson(i));
    }
    std::vector<google::protobuf::Message*> ptrs;
    for (auto& p : people) ptrs.push_back(&p);
    if (!t.store->CreateAll(ptrs).ok()) state.SkipWithError("load failed");
  }
}

void BM_GetPerson(benchmark::State& state) {
  TempStore t(state.range(0) == 1);
  LoadPeople(t, 10000, state);
  uint64_t id = 0;
  for (auto _ : state) {
    auto r = t.store->Get(v1::KIND_PERSON, 1 + (id++ * 7919) % 10000);
    if (!r.ok()) state.SkipWithError("get failed");
  }
  state.SetLabel(state.range(0) == 1 ? "encrypted" : "plain");
}
BENCHMARK(BM_GetPerson)->Arg(0)->Arg(1);

void BM_QueryDocumentNumber(benchmark::State& state) {
  TempStore t(state.range(0) == 1);
  LoadPeople(t, 10000, state);
  int i = 0;
  for (auto _ : state) {
    auto r = t.store->Query(absl::StrCat(
        "person where id_number = \"E", 10000000 + (i++ * 7919) % 10000, "\""));
    if (!r.ok() || r->records.size() != 1) state.SkipWithError("query failed");
  }
  state.SetLabel(state.range(0) == 1 ? "encrypted" : "plain");
}
BENCHMARK(BM_QueryDocumentNumber)->Arg(0)->Arg(1);

void BM_VerifyAudit(benchmark::State& state) {
  TempStore t;
  std::vector<v1::Person> people;
  for (int i = 0; i < state.range(0); ++i) people.push_back(SamplePerson(i));
  std::vector<google::protobuf::Message*> ptrs;
  for (auto& p : people) ptrs.push_back(&p);
  if (!t.store->CreateAll(ptrs).ok()) state.SkipWithError("load failed");
  for (auto _ : state) {
    auto r = VerifyAudit(*t.store);
    if (!r.ok() || !r->ok()) state.SkipWithError("verify failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_VerifyAudit)->Arg(10000)->Unit(benchmark::kMillisecond);

// One erasure (with the whole-store compaction) in a store of N persons.
void BM_Erase(benchmark::State& state) {
  TempStore t;
  const int n = static_cast<int>(state.range(0));
  for (int start = 0; start < n; start += 1000) {
    std::vector<v1::Person> people;
    for (int i = start; i < start + 1000 && i < n; ++i) {
      people.push_back(SamplePerson(i));
    }
    std::vector<google::protobuf::Message*> ptrs;
    for (auto& p : people) ptrs.push_back(&p);
    if (!t.store->CreateAll(ptrs).ok()) state.SkipWithError("load failed");
  }
  uint64_t id = 1;
  absl::Duration compaction;
  for (auto _ : state) {
    auto r = Erase(*t.store, v1::KIND_PERSON, id++, {});
    if (!r.ok()) state.SkipWithError("erase failed");
    compaction += r->compaction;
  }
  state.counters["compaction_ms"] =
      absl::ToDoubleMilliseconds(compaction) / state.iterations();
}
BENCHMARK(BM_Erase)->Arg(10000)->Arg(100000)->Iterations(3)->Unit(
    benchmark::kMillisecond);

}  // namespace
}  // namespace qiaolian

BENCHMARK_MAIN();
