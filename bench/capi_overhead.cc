// capi_overhead: the cost of a call through each API layer (issue 4).
//
//   build/bench/cppapi_overhead_bench   the C++ API (qiaolian::Store)
//   build/bench/capi_overhead_bench     the C API (libqiaolian.so), JSON and
//                                       PROTO formats
//   bench/py_overhead.py                the same through Python (ctypes)
//
// This file is built twice. With QIAOLIAN_BENCH_CAPI defined it includes only
// qiaolian/c.h and links only the shared libqiaolian.so, as a host program
// would; otherwise it uses the C++ API and links the static qiaolian_core.
// One binary cannot do both: libqiaolian.so carries its own copy of the
// library and of the generated code of proto/qiaolian/v1, and registers those
// .proto files in the generated pool of the (shared) libprotobuf at load
// time; linking qiaolian_core as well would register them a second time
// (protobuf aborts with "File already exists in database") besides
// duplicating every internal symbol. Both binaries run the same operations
// on the same record with the store's default options (sync off, 8 MiB
// block cache), each benchmark in a fresh store under /tmp.
//
// Operations (wall-clock time per iteration):
//   RoundTrip  create one Enterprise record (about 650 bytes serialized,
//              1.1 KB of JSON; a new USCC each time, so the store grows as
//              in store_bench's BM_Create), then get it back by id.
//   Get        get one of 1,000 records (cycling; all in the block cache).
//   Count      count of enterprises: an O(1) counter read, so nearly pure
//              call overhead.
// In the C++ API a get returns a message; in the C API it also encodes the
// record (JSON or protobuf) into a malloc'ed buffer the caller frees: part
// of what a binding pays, and so part of what is measured.
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "benchmark/benchmark.h"

#ifdef QIAOLIAN_BENCH_CAPI
#include "qiaolian/c.h"
#else
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/enterprise.pb.h"
#endif

namespace {

constexpr int kGetRecords = 1000;  // Records in the store of the Get runs.

// A fresh directory /tmp/qiaolian_overhead.XXXXXX, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = "/tmp/qiaolian_overhead.XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string store() const { return path_ + "/store"; }

 private:
  std::string path_;
};

// --- The record: a registry extract as bench/enterprise_gen.h makes them,
// fixed except for the USCC. (bench/py_overhead.py uses the same text.)

constexpr std::string_view kJsonHead =
    R"j({"name":"常州鑫盛机械制造有限公司","uscc":")j";
constexpr std::string_view kJsonTail =
    R"j(","type":"TYPE_LIMITED_COMPANY","typeText":"有限责任公司(自然人投资或控股)",)j"
    R"j("established":{"year":2012,"month":5,"day":17},)j"
    R"j("legalRepresentative":{"name":"王建国"},)j"
    R"j("registeredCapital":{"currency":"CNY","amountMinor":"5000000000"},)j"
    R"j("registeredCapitalText":"500万元人民币","status":"STATUS_ACTIVE",)j"
    R"j("statusText":"存续","businessScope":"一般项目：通用设备制造（不含特种设备)j"
    R"j(制造）；机械零件、零部件加工；机械设备销售；货物进出口；技术进出口（除依法须)j"
    R"j(经批准的项目外，凭营业执照依法自主开展经营活动）","industry":"通用设备制造业",)j"
    R"j("industryCode":"C34","registrationDivision":{"code":"320413",)j"
    R"j("province":"江苏","region":"常州","district":"金坛","text":"江苏常州金坛"},)j"
    R"j("address":{"country":"CN","divisionCode":"320413","postalCode":"213200",)j"
    R"j("text":"江苏省常州市金坛区华城路128号3幢502室"},)j"
    R"j("contacts":[{"type":"TYPE_PHONE","value":"+8613912345678","label":"办公室"}],)j"
    R"j("registrationAuthority":"常州市金坛区市场监督管理局","employeeCount":48})j";

// The USCC of record `seq`: "91" + 金坛's division code + an organisation
// code derived bijectively from `seq` (GB 11714 check digit) + the GB 32100
// check character, as bench/enterprise_gen.h computes them.
std::string Uscc(uint64_t seq) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kUsccWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                           29, 25, 13, 8,  24, 10, 30, 28};
  static constexpr int kOrgWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  char org[9];
  std::snprintf(
      org, sizeof org, "%08llu",
      static_cast<unsigned long long>((seq * 7 + 31415926) % 100000000));
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (org[i] - '0') * kOrgWeights[i];
  const int check = 11 - sum % 11;
  std::string code = std::string("91320413") + org +
                     (check == 10   ? 'X'
                      : check == 11 ? '0'
                                    : static_cast<char>('0' + check));
  sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(kAlphabet.find(code[i])) * kUsccWeights[i];
  }
  code += kAlphabet[(31 - sum % 31) % 31];
  return code;
}

std::string RecordJson(uint64_t seq) {
  std::string s;
  s.reserve(kJsonHead.size() + 18 + kJsonTail.size());
  s.append(kJsonHead).append(Uscc(seq)).append(kJsonTail);
  return s;
}

#ifdef QIAOLIAN_BENCH_CAPI

// --- The C API.

// Stops the benchmark on an error (and frees the message).
bool Failed(benchmark::State& state, int rc, char* err, const char* what) {
  if (rc == QIAOLIAN_OK) return false;
  std::string msg = std::string(what) + ": " + qiaolian_code_name(rc) + ": " +
                    (err != nullptr ? err : "");
  qiaolian_free(err);
  state.SkipWithError(msg.c_str());
  return true;
}

// Input records in `format`, the USCC of record `seq` patched in.
class Records {
 public:
  // PROTO needs the serialized record: create record 0 from JSON, read it
  // back as protobuf bytes and drop its meta (field 1, serialized first).
  bool Init(qiaolian_db_t* db, int format, benchmark::State& state) {
    format_ = format;
    const std::string json = RecordJson(0);
    uint64_t id = 0;
    char* err = nullptr;
    if (Failed(state,
               qiaolian_create(db, nullptr, QIAOLIAN_KIND_ENTERPRISE,
                               QIAOLIAN_FORMAT_JSON,
                               reinterpret_cast<const uint8_t*>(json.data()),
                               json.size(), &id, &err),
               err, "create record 0")) {
      return false;
    }
    if (format != QIAOLIAN_FORMAT_PROTO) return true;
    uint8_t* out = nullptr;
    size_t len = 0;
    if (Failed(state,
               qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, id,
                            QIAOLIAN_FORMAT_PROTO, &out, &len, &err),
               err, "get record 0")) {
      return false;
    }
    std::string bytes(reinterpret_cast<const char*>(out), len);
    qiaolian_free(out);
    size_t pos = 1;
    uint64_t meta_len = 0;
    for (int shift = 0; pos < bytes.size(); shift += 7) {
      const uint8_t b = static_cast<uint8_t>(bytes[pos++]);
      meta_len |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
    }
    const std::string uscc = Uscc(0);
    if (bytes.empty() || bytes[0] != 0x0a || pos + meta_len > bytes.size()) {
      state.SkipWithError("unexpected protobuf layout (meta not first)");
      return false;
    }
    proto_ = bytes.substr(pos + meta_len);
    uscc_pos_ = proto_.find(uscc);
    if (uscc_pos_ == std::string::npos) {
      state.SkipWithError("USCC not found in the serialized record");
      return false;
    }
    return true;
  }

  // The record with USCC `seq`, valid until the next call.
  const std::string& Get(uint64_t seq) {
    if (format_ == QIAOLIAN_FORMAT_JSON) {
      json_ = RecordJson(seq);
      return json_;
    }
    const std::string uscc = Uscc(seq);
    proto_.replace(uscc_pos_, uscc.size(), uscc);  // Same length.
    return proto_;
  }

 private:
  int format_ = QIAOLIAN_FORMAT_JSON;
  std::string json_;
  std::string proto_;
  size_t uscc_pos_ = 0;
};

qiaolian_db_t* OpenStore(const TempDir& dir, benchmark::State& state) {
  qiaolian_db_t* db = nullptr;
  char* err = nullptr;
  if (Failed(state, qiaolian_open(dir.store().c_str(), nullptr, &db, &err), err,
             "open")) {
    return nullptr;
  }
  return db;
}

// `format`: QIAOLIAN_FORMAT_JSON or _PROTO, for both the put and the get.
void BM_C_RoundTrip(benchmark::State& state, int format) {
  TempDir dir;
  qiaolian_db_t* db = OpenStore(dir, state);
  if (db == nullptr) return;
  Records records;
  if (!records.Init(db, format, state)) {
    qiaolian_close(db);
    return;
  }
  uint64_t seq = 1;
  char* err = nullptr;
  for (auto _ : state) {
    const std::string& rec = records.Get(seq++);
    uint64_t id = 0;
    int rc = qiaolian_create(db, nullptr, QIAOLIAN_KIND_ENTERPRISE, format,
                             reinterpret_cast<const uint8_t*>(rec.data()),
                             rec.size(), &id, &err);
    if (Failed(state, rc, err, "create")) break;
    uint8_t* out = nullptr;
    size_t len = 0;
    rc = qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, id, format, &out, &len,
                      &err);
    if (Failed(state, rc, err, "get")) break;
    benchmark::DoNotOptimize(out);
    qiaolian_free(out);
  }
  state.SetItemsProcessed(state.iterations());
  qiaolian_close(db);
}
BENCHMARK_CAPTURE(BM_C_RoundTrip, json, QIAOLIAN_FORMAT_JSON)->UseRealTime();
BENCHMARK_CAPTURE(BM_C_RoundTrip, proto, QIAOLIAN_FORMAT_PROTO)->UseRealTime();

void BM_C_Get(benchmark::State& state, int format) {
  TempDir dir;
  qiaolian_db_t* db = OpenStore(dir, state);
  if (db == nullptr) return;
  char* err = nullptr;
  for (uint64_t seq = 0; seq < kGetRecords; ++seq) {
    const std::string rec = RecordJson(seq);
    uint64_t id = 0;
    if (Failed(state,
               qiaolian_create(db, nullptr, QIAOLIAN_KIND_ENTERPRISE,
                               QIAOLIAN_FORMAT_JSON,
                               reinterpret_cast<const uint8_t*>(rec.data()),
                               rec.size(), &id, &err),
               err, "load")) {
      qiaolian_close(db);
      return;
    }
  }
  uint64_t i = 0;
  for (auto _ : state) {
    uint8_t* out = nullptr;
    size_t len = 0;
    const int rc =
        qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 1 + i++ % kGetRecords,
                     format, &out, &len, &err);
    if (Failed(state, rc, err, "get")) break;
    benchmark::DoNotOptimize(out);
    qiaolian_free(out);
  }
  state.SetItemsProcessed(state.iterations());
  qiaolian_close(db);
}
BENCHMARK_CAPTURE(BM_C_Get, json, QIAOLIAN_FORMAT_JSON)->UseRealTime();
BENCHMARK_CAPTURE(BM_C_Get, proto, QIAOLIAN_FORMAT_PROTO)->UseRealTime();

void BM_C_Count(benchmark::State& state) {
  TempDir dir;
  qiaolian_db_t* db = OpenStore(dir, state);
  if (db == nullptr) return;
  char* err = nullptr;
  for (auto _ : state) {
    uint64_t n = 0;
    if (Failed(state, qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err),
               err, "count")) {
      break;
    }
    benchmark::DoNotOptimize(n);
  }
  qiaolian_close(db);
}
BENCHMARK(BM_C_Count)->UseRealTime();

#else  // The C++ API.

using qiaolian::Store;

std::unique_ptr<Store> OpenStore(const TempDir& dir, benchmark::State& state) {
  auto store = Store::Open(dir.store());
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return nullptr;
  }
  return std::move(*store);
}

bool Failed(benchmark::State& state, const absl::Status& st) {
  if (st.ok()) return false;
  state.SkipWithError(st.ToString().c_str());
  return true;
}

void BM_Cpp_RoundTrip(benchmark::State& state) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir, state);
  if (store == nullptr) return;
  qiaolian::v1::Enterprise e;
  if (Failed(state, qiaolian::RecordFromJson(RecordJson(0), &e))) return;
  uint64_t seq = 1;
  for (auto _ : state) {
    e.clear_meta();
    e.set_uscc(Uscc(seq++));
    absl::StatusOr<uint64_t> id = store->Create(&e);
    if (Failed(state, id.status())) break;
    auto got = store->Get(qiaolian::v1::KIND_ENTERPRISE, *id);
    if (Failed(state, got.status())) break;
    benchmark::DoNotOptimize(got->get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cpp_RoundTrip)->UseRealTime();

void BM_Cpp_Get(benchmark::State& state) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir, state);
  if (store == nullptr) return;
  qiaolian::v1::Enterprise e;
  for (uint64_t seq = 0; seq < kGetRecords; ++seq) {
    if (Failed(state, qiaolian::RecordFromJson(RecordJson(seq), &e))) return;
    if (Failed(state, store->Create(&e).status())) return;
  }
  uint64_t i = 0;
  for (auto _ : state) {
    auto got = store->Get(qiaolian::v1::KIND_ENTERPRISE, 1 + i++ % kGetRecords);
    if (Failed(state, got.status())) break;
    benchmark::DoNotOptimize(got->get());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cpp_Get)->UseRealTime();

void BM_Cpp_Count(benchmark::State& state) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenStore(dir, state);
  if (store == nullptr) return;
  for (auto _ : state) {
    auto n = store->Count(qiaolian::v1::KIND_ENTERPRISE);
    if (Failed(state, n.status())) break;
    benchmark::DoNotOptimize(*n);
  }
}
BENCHMARK(BM_Cpp_Count)->UseRealTime();

#endif  // QIAOLIAN_BENCH_CAPI

}  // namespace

BENCHMARK_MAIN();
