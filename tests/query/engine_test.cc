// Tests of the query engine (src/query/engine.h) through the Store API.
//
// The core is a randomized comparison: a store filled from fixed seeds with
// enterprises and events, thousands of random queries over indexed fields,
// and for each the ids of Store::Query compared with a brute-force
// evaluation written here, independently of the engine, from the documented
// semantics (include/qiaolian/query.h, docs/queries.md):
//   - on a repeated field a predicate holds when any element satisfies it;
//     `!=` and `not exists` hold when no element equals / has a value;
//   - values compare in their natural order: text bytewise, dates
//     chronologically, enums by number, refs by (kind, id);
//   - a field with no value (empty text, enum 0, unset Date or Ref)
//     satisfies only `!=` and `not exists`.
// The same data drives ordering, paging, aggregate and explain checks.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/store.h"
#include "src/model/indexes.h"
#include "tests/testing/sanitized.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using google::protobuf::Message;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

// ---------------------------------------------------------------------------
// Deterministic randomness (plain modulo: identical on every platform).

class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : g_() % n; }
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Percent(int p) { return static_cast<int>(Below(100)) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::mt19937_64 g_;
};

// A valid USCC (GB 32100-2015 check character), distinct per serial.
std::string Uscc(uint64_t serial) {
  static constexpr absl::string_view kAlphabet =
      "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  std::string code = "91320413";
  std::string tail(9, '0');
  for (int i = 8; i >= 0; --i) {
    tail[i] = kAlphabet[serial % 31];
    serial /= 31;
  }
  code += tail;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(kAlphabet.find(code[i])) * kWeights[i];
  }
  code.push_back(kAlphabet[(31 - sum % 31) % 31]);
  return code;
}

// ---------------------------------------------------------------------------
// Values in their natural order. Text: s; enum, bool, uint: a; date: a, b, c
// = year, month, day; ref: a, b = kind, id.

struct V {
  int64_t a = 0, b = 0, c = 0;
  std::string s;
  friend auto operator<=>(const V&, const V&) = default;
  friend bool operator==(const V&, const V&) = default;
};

V Str(std::string s) {
  V v;
  v.s = std::move(s);
  return v;
}
V Num(int64_t a) {
  V v;
  v.a = a;
  return v;
}
V DateV(int y, int m, int d) {
  V v;
  v.a = y;
  v.b = m;
  v.c = d;
  return v;
}
V RefV(Kind kind, uint64_t id) {
  V v;
  v.a = kind;
  v.b = static_cast<int64_t>(id);
  return v;
}

void AddStr(const std::string& s, std::vector<V>* out) {
  if (!s.empty()) out->push_back(Str(s));
}
void AddDate(bool has, const v1::Date& d, std::vector<V>* out) {
  if (has && (d.year() != 0 || d.month() != 0 || d.day() != 0)) {
    out->push_back(DateV(d.year(), d.month(), d.day()));
  }
}
void AddRef(bool has, const v1::Ref& r, std::vector<V>* out) {
  if (has && r.id() != 0) out->push_back(RefV(r.kind(), r.id()));
}

enum class Type { kString, kEnum, kDate, kRef, kBool, kUint };

struct Field {
  std::string name;                    // Canonical path.
  std::vector<std::string> spellings;  // Ways a query may name it.
  Type type = Type::kString;
  const google::protobuf::EnumDescriptor* enum_type = nullptr;
  bool indexed = true;
  bool repeated = false;
  std::function<std::vector<V>(const Message&)> values;  // Present values.
  std::vector<V> domain;  // Values seen in the data (filled after load).
};

struct KindDef {
  Kind kind;
  std::string name;
  std::vector<Field> fields;
  const Field& F(absl::string_view n) const {
    for (const Field& f : fields) {
      if (f.name == n) return f;
    }
    ADD_FAILURE() << "no field " << n;
    return fields[0];
  }
};

const v1::Enterprise& E(const Message& m) {
  return static_cast<const v1::Enterprise&>(m);
}
const v1::Event& Ev(const Message& m) {
  return static_cast<const v1::Event&>(m);
}

KindDef EnterpriseDef() {
  KindDef k{v1::KIND_ENTERPRISE, "enterprise", {}};
  auto add = [&](std::string name, std::vector<std::string> spellings, Type t,
                 auto fn, bool indexed = true, bool repeated = false,
                 const google::protobuf::EnumDescriptor* en = nullptr) {
    Field f;
    f.name = name;
    f.spellings = std::move(spellings);
    f.type = t;
    f.enum_type = en;
    f.indexed = indexed;
    f.repeated = repeated;
    f.values = [fn](const Message& m) {
      std::vector<V> out;
      fn(E(m), &out);
      return out;
    };
    k.fields.push_back(std::move(f));
  };
  using Out = std::vector<V>*;
  add("name", {"name"}, Type::kString,
      [](const v1::Enterprise& e, Out o) { AddStr(e.name(), o); });
  add("uscc", {"uscc"}, Type::kString,
      [](const v1::Enterprise& e, Out o) { AddStr(e.uscc(), o); });
  add(
      "status", {"status"}, Type::kEnum,
      [](const v1::Enterprise& e, Out o) {
        if (e.status() != 0) o->push_back(Num(e.status()));
      },
      true, false, v1::Enterprise::Status_descriptor());
  add(
      "type", {"type"}, Type::kEnum,
      [](const v1::Enterprise& e, Out o) {
        if (e.type() != 0) o->push_back(Num(e.type()));
      },
      true, false, v1::Enterprise::Type_descriptor());
  add(
      "investor_countries",
      {"investor_countries", "investorCountries", "investor_country"},
      Type::kString,
      [](const v1::Enterprise& e, Out o) {
        for (const std::string& c : e.investor_countries()) AddStr(c, o);
      },
      true, true);
  add("established", {"established"}, Type::kDate,
      [](const v1::Enterprise& e, Out o) {
        AddDate(e.has_established(), e.established(), o);
      });
  add(
      "tags", {"tags", "tag"}, Type::kString,
      [](const v1::Enterprise& e, Out o) {
        for (const std::string& t : e.tags()) AddStr(t, o);
      },
      true, true);
  add("overseas_chinese_invested",
      {"overseas_chinese_invested", "overseasChineseInvested"}, Type::kBool,
      [](const v1::Enterprise& e, Out o) {
        o->push_back(Num(e.overseas_chinese_invested() ? 1 : 0));
      });
  add("legal_representative.name",
      {"legal_representative.name", "legalRepresentative.name",
       "legal_representative"},
      Type::kString, [](const v1::Enterprise& e, Out o) {
        AddStr(e.legal_representative().name(), o);
      });
  add("industry", {"industry"}, Type::kString,
      [](const v1::Enterprise& e, Out o) { AddStr(e.industry(), o); });
  add(
      "notes", {"notes"}, Type::kString,
      [](const v1::Enterprise& e, Out o) { AddStr(e.notes(), o); }, false);
  add(
      "employee_count", {"employee_count"}, Type::kUint,
      [](const v1::Enterprise& e, Out o) {
        o->push_back(Num(e.employee_count()));
      },
      false);
  return k;
}

KindDef EventDef() {
  KindDef k{v1::KIND_EVENT, "event", {}};
  auto add = [&](std::string name, std::vector<std::string> spellings, Type t,
                 auto fn, bool indexed = true, bool repeated = false,
                 const google::protobuf::EnumDescriptor* en = nullptr) {
    Field f;
    f.name = name;
    f.spellings = std::move(spellings);
    f.type = t;
    f.enum_type = en;
    f.indexed = indexed;
    f.repeated = repeated;
    f.values = [fn](const Message& m) {
      std::vector<V> out;
      fn(Ev(m), &out);
      return out;
    };
    k.fields.push_back(std::move(f));
  };
  using Out = std::vector<V>*;
  add(
      "type", {"type"}, Type::kEnum,
      [](const v1::Event& e, Out o) {
        if (e.type() != 0) o->push_back(Num(e.type()));
      },
      true, false, v1::Event::Type_descriptor());
  add("date", {"date"}, Type::kDate,
      [](const v1::Event& e, Out o) { AddDate(e.has_date(), e.date(), o); });
  add("outlet", {"outlet"}, Type::kString,
      [](const v1::Event& e, Out o) { AddStr(e.outlet(), o); });
  add(
      "channel", {"channel"}, Type::kEnum,
      [](const v1::Event& e, Out o) {
        if (e.channel() != 0) o->push_back(Num(e.channel()));
      },
      true, false, v1::Event::Channel_descriptor());
  add(
      "participants.ref", {"participants.ref", "participant"}, Type::kRef,
      [](const v1::Event& e, Out o) {
        for (const auto& p : e.participants()) {
          AddRef(p.has_ref(), p.ref(), o);
        }
      },
      true, true);
  add(
      "tags", {"tags", "tag"}, Type::kString,
      [](const v1::Event& e, Out o) {
        for (const std::string& t : e.tags()) AddStr(t, o);
      },
      true, true);
  add(
      "notes", {"notes"}, Type::kString,
      [](const v1::Event& e, Out o) { AddStr(e.notes(), o); }, false);
  add(
      "clicks", {"clicks"}, Type::kUint,
      [](const v1::Event& e, Out o) {
        o->push_back(Num(static_cast<int64_t>(e.clicks())));
      },
      false);
  return k;
}

// ---------------------------------------------------------------------------
// Data.

const std::vector<std::string> kNames = {
    "三久制造",   "一号农场", "鑫品茶业",      "金坛一号农场", "金坛",
    "金坛区侨联", "东非商会", "常州市侨青会",  "Acme",         "Acme Trading",
    "acme",       "Zeta",     "O\"Brien 贸易", "It's 公司",    "a",
    "ab",         "abc",      "晨风集团",      "波仕曼",       "古籍印刷厂"};
const std::vector<std::string> kCountries = {"KE", "US", "DE",
                                             "JP", "CA", "SG"};
const std::vector<std::string> kTags = {
    "侨资企业", "直播带货", "海外侨团", "医院", "学校", "侨青", "VIP", "vip"};
const std::vector<std::string> kIndustries = {
    "", "", "制造业", "农业", "茶叶种植", "印刷", "Retail"};
const std::vector<std::string> kPeople = {"胡正明", "王芳", "Li Wei", "李",
                                          "李四"};
const std::vector<std::string> kNotes = {"江苏卫视报道", "待回访",
                                         "江苏省常州市", "备注"};
const std::vector<std::string> kOutlets = {"江苏卫视", "金坛电视台", "常州日报",
                                           "金坛时报", "交汇点",     "欧洲时报",
                                           "Xinhua"};
const std::vector<int> kEnterpriseTypes = {0, 1, 2, 10, 11, 13, 14, 16, 17, 18};
const std::vector<int> kEventTypes = {1, 2, 3, 6, 7, 9, 12, 13, 14};

void SetDate(v1::Date* d, int y, int m, int day) {
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

v1::Enterprise RandomEnterprise(Rng& rng, uint64_t* uscc_serial) {
  v1::Enterprise e;
  e.set_name(rng.Pick(kNames));
  if (rng.Percent(35)) e.set_uscc(Uscc((*uscc_serial)++));
  e.set_status(static_cast<v1::Enterprise::Status>(rng.Range(0, 6)));
  e.set_type(static_cast<v1::Enterprise::Type>(rng.Pick(kEnterpriseTypes)));
  std::vector<std::string> countries = kCountries;
  const int nc = rng.Range(0, 3);
  for (int i = 0; i < nc; ++i) {
    const size_t j = rng.Below(countries.size());
    e.add_investor_countries(countries[j]);
    countries.erase(countries.begin() + j);
  }
  const int d = rng.Range(0, 99);
  if (d < 12) {
    // Unset.
  } else if (d < 17) {
    SetDate(e.mutable_established(), rng.Range(1995, 2020), 0, 0);
  } else if (d < 20) {
    SetDate(e.mutable_established(), rng.Range(1995, 2020), rng.Range(1, 12),
            0);
  } else {
    SetDate(e.mutable_established(), rng.Range(1995, 2020), rng.Range(1, 12),
            rng.Range(1, 28));
  }
  const int nt = rng.Range(0, 2);
  for (int i = 0; i < nt; ++i) e.add_tags(rng.Pick(kTags));
  e.set_overseas_chinese_invested(rng.Percent(50));
  const int lr = rng.Range(0, 9);
  if (lr >= 5) {
    e.mutable_legal_representative()->set_name(lr == 5 ? ""
                                                       : rng.Pick(kPeople));
  }
  e.set_industry(rng.Pick(kIndustries));
  if (rng.Percent(50)) e.set_notes(rng.Pick(kNotes));
  e.set_employee_count(static_cast<uint32_t>(rng.Below(500)));
  return e;
}

v1::Event RandomEvent(Rng& rng, uint64_t enterprises, uint64_t people) {
  v1::Event ev;
  ev.set_type(static_cast<v1::Event::Type>(rng.Pick(kEventTypes)));
  SetDate(ev.mutable_date(), rng.Range(2015, 2021), rng.Range(1, 12),
          rng.Range(1, 28));
  if (rng.Percent(60)) ev.set_outlet(rng.Pick(kOutlets));
  if (rng.Percent(70)) {
    ev.set_channel(static_cast<v1::Event::Channel>(rng.Range(1, 11)));
  }
  const int np = rng.Range(0, 3);
  for (int i = 0; i < np; ++i) {
    auto* p = ev.add_participants();
    const int r = rng.Range(0, 99);
    if (r < 85 && enterprises > 0) {
      p->mutable_ref()->set_kind(v1::KIND_ENTERPRISE);
      p->mutable_ref()->set_id(1 + rng.Below(enterprises));
    } else if (r < 90 && people > 0) {
      p->mutable_ref()->set_kind(v1::KIND_PERSON);
      p->mutable_ref()->set_id(1 + rng.Below(people));
    } else {
      p->set_name(rng.Pick(kPeople));
    }
    p->set_role(static_cast<v1::Event::Participant::Role>(rng.Range(0, 10)));
  }
  const int nt = rng.Range(0, 2);
  for (int i = 0; i < nt; ++i) ev.add_tags(rng.Pick(kTags));
  if (rng.Percent(50)) ev.set_clicks(rng.Below(10000));
  if (rng.Percent(20)) {
    ev.mutable_money()->set_currency(rng.Percent(70) ? "CNY" : "USD");
    ev.mutable_money()->set_amount_minor(
        static_cast<int64_t>(rng.Below(1000000)));
  }
  if (rng.Percent(30)) ev.set_notes(rng.Pick(kNotes));
  return ev;
}

// Creates `records` in chunks (CreateAll).
template <typename T>
void CreateChunked(Store* store, std::vector<T>& records) {
  std::vector<Message*> chunk;
  for (size_t i = 0; i < records.size(); ++i) {
    chunk.push_back(&records[i]);
    if (chunk.size() == 500 || i + 1 == records.size()) {
      absl::Status st = store->CreateAll(chunk);
      ASSERT_TRUE(st.ok()) << st;
      chunk.clear();
    }
  }
}

void Populate(Store* store, uint64_t seed, int people, int enterprises,
              int events) {
  Rng rng(seed);
  std::vector<v1::Person> ps(people);
  for (int i = 0; i < people; ++i) {
    ps[i].set_name(absl::StrCat("人", i));
  }
  CreateChunked(store, ps);
  uint64_t serial = 1000 + seed * 100000;
  std::vector<v1::Enterprise> es;
  for (int i = 0; i < enterprises; ++i) {
    es.push_back(RandomEnterprise(rng, &serial));
  }
  CreateChunked(store, es);
  std::vector<v1::Event> evs;
  for (int i = 0; i < events; ++i) {
    evs.push_back(RandomEvent(rng, enterprises, people));
  }
  CreateChunked(store, evs);
}

using Rows = std::vector<std::unique_ptr<Message>>;

Rows LoadAll(const Store& store, Kind kind) {
  Rows out;
  absl::Status st = store.Scan(kind, 0, [&](const Message& m) {
    std::unique_ptr<Message> c = NewRecord(kind);
    c->CopyFrom(m);
    out.push_back(std::move(c));
    return true;
  });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

uint64_t IdOf(const Message& m) { return MetaOf(m).id(); }

std::vector<uint64_t> Ids(const QueryPage& page) {
  std::vector<uint64_t> ids;
  for (const auto& r : page.records) ids.push_back(IdOf(*r));
  return ids;
}

void FillDomains(KindDef* def, const Rows& rows) {
  for (Field& f : def->fields) {
    std::set<V> seen;
    for (const auto& r : rows) {
      for (V& v : f.values(*r)) seen.insert(std::move(v));
    }
    f.domain.assign(seen.begin(), seen.end());
  }
}

// ---------------------------------------------------------------------------
// Random queries: generation, rendering, brute-force evaluation.

enum class Op {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kBetween,
  kIn,
  kPrefix,
  kExists,
  kNotExists
};

struct Pred {
  const Field* field = nullptr;
  Op op = Op::kEq;
  std::vector<V> vals;
  std::string text;
};

struct Expr {
  enum Kind { kPred, kAnd, kOr } type = kPred;
  Pred pred;
  std::vector<Expr> kids;
};

std::string KindWord(int64_t kind) { return KindName(static_cast<Kind>(kind)); }

std::string EnumShort(const std::string& full) {
  return full.substr(full.find('_') + 1);
}

std::string Quote(const std::string& s, Rng& rng) {
  const char q = rng.Percent(70) ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

std::string Literal(const Field& f, const V& v, Rng& rng) {
  switch (f.type) {
    case Type::kString:
      return Quote(v.s, rng);
    case Type::kEnum: {
      const std::string full =
          f.enum_type->FindValueByNumber(static_cast<int>(v.a))->name();
      switch (rng.Below(3)) {
        case 0:
          return full;
        case 1:
          return EnumShort(full);
        default:
          return absl::AsciiStrToLower(EnumShort(full));
      }
    }
    case Type::kDate:
      return absl::StrFormat("%04d-%02d-%02d", v.a, v.b, v.c);
    case Type::kRef:
      return absl::StrCat(KindWord(v.a), ":", v.b);
    case Type::kBool:
      return rng.Percent(80) ? (v.a ? "true" : "false")
                             : (v.a ? "TRUE" : "False");
    case Type::kUint:
      return absl::StrCat(v.a);
  }
  return "?";
}

// A value for a predicate on `f`: usually one in the data, sometimes not.
V RandomValue(const Field& f, Rng& rng) {
  if (!f.domain.empty() && rng.Percent(75)) {
    V v = rng.Pick(f.domain);
    // Query literals are full dates; partial ones are only in the data.
    if (f.type == Type::kDate && (v.b == 0 || v.c == 0)) {
      v.b = std::max<int64_t>(v.b, 1);
      v.c = std::max<int64_t>(v.c, 1);
    }
    return v;
  }
  switch (f.type) {
    case Type::kString: {
      static const std::vector<std::string> extra = {
          "", "zzz", "A", "金", "金坛区", "0", "Acme Tradinf", "ab c"};
      return Str(rng.Pick(extra));
    }
    case Type::kEnum:
      return Num(rng.Range(1, f.enum_type->value_count() - 1));
    case Type::kDate:
      return DateV(rng.Range(1993, 2022), rng.Range(1, 12), rng.Range(1, 28));
    case Type::kRef:
      return rng.Percent(85)
                 ? RefV(v1::KIND_ENTERPRISE, rng.Range(1, 1600))
                 : RefV(rng.Percent(50) ? v1::KIND_PERSON : v1::KIND_CASE,
                        rng.Range(1, 30));
    case Type::kBool:
      return Num(rng.Below(2));
    case Type::kUint:
      return Num(rng.Below(1000));
  }
  return V{};
}

// A prefix of a text value, cut at a UTF-8 character boundary.
V RandomPrefix(const Field& f, Rng& rng) {
  std::string s = RandomValue(f, rng).s;
  std::vector<size_t> cuts;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      cuts.push_back(i);
    }
  }
  return Str(s.substr(0, cuts[rng.Below(cuts.size())]));
}

// The comparison operators' text (the other forms are spelled out).
const char* OpText(Op op) {
  switch (op) {
    case Op::kEq:
      return "=";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    default:
      return "?";
  }
}

std::string Kw(const char* kw, Rng& rng) {
  return rng.Percent(15) ? absl::AsciiStrToUpper(kw) : std::string(kw);
}

Pred RandomPred(const Field& f, Rng& rng) {
  Pred p;
  p.field = &f;
  std::vector<Op> ops = {Op::kEq,     Op::kNe,       Op::kLt,      Op::kLe,
                         Op::kGt,     Op::kGe,       Op::kBetween, Op::kIn,
                         Op::kExists, Op::kNotExists};
  if (f.type == Type::kString) {
    ops.push_back(Op::kPrefix);
    ops.push_back(Op::kPrefix);
  }
  // Equalities are the common case.
  ops.push_back(Op::kEq);
  ops.push_back(Op::kEq);
  p.op = rng.Pick(ops);
  const std::string& name = rng.Pick(f.spellings);
  std::string text = name;
  switch (p.op) {
    case Op::kBetween: {
      V a = RandomValue(f, rng), b = RandomValue(f, rng);
      if (rng.Percent(85) && b < a) std::swap(a, b);
      p.vals = {a, b};
      text += absl::StrCat(" ", Kw("between", rng), " ", Literal(f, a, rng),
                           " ", Kw("and", rng), " ", Literal(f, b, rng));
      break;
    }
    case Op::kIn: {
      const int n = rng.Range(1, 4);
      std::vector<std::string> lits;
      for (int i = 0; i < n; ++i) {
        p.vals.push_back(RandomValue(f, rng));
        lits.push_back(Literal(f, p.vals.back(), rng));
      }
      text += absl::StrCat(" ", Kw("in", rng), " (", absl::StrJoin(lits, ", "),
                           ")");
      break;
    }
    case Op::kPrefix:
      p.vals = {RandomPrefix(f, rng)};
      text +=
          absl::StrCat(" ", Kw("prefix", rng), " ", Literal(f, p.vals[0], rng));
      break;
    case Op::kExists:
      text += " " + Kw("exists", rng);
      break;
    case Op::kNotExists:
      text += absl::StrCat(" ", Kw("not", rng), " ", Kw("exists", rng));
      break;
    default:
      p.vals = {RandomValue(f, rng)};
      text += absl::StrCat(" ", OpText(p.op), " ", Literal(f, p.vals[0], rng));
  }
  p.text = std::move(text);
  return p;
}

const Field& RandomIndexedField(const KindDef& def, Rng& rng) {
  for (;;) {
    const Field& f = rng.Pick(def.fields);
    if (f.indexed) return f;
  }
}

Expr RandomExpr(const KindDef& def, Rng& rng, int depth) {
  Expr e;
  if (depth == 0 || rng.Percent(40)) {
    e.pred = RandomPred(RandomIndexedField(def, rng), rng);
    return e;
  }
  e.type = rng.Percent(50) ? Expr::kAnd : Expr::kOr;
  const int n = rng.Range(2, 3);
  for (int i = 0; i < n; ++i) e.kids.push_back(RandomExpr(def, rng, depth - 1));
  return e;
}

std::string Render(const Expr& e, Rng& rng) {
  if (e.type == Expr::kPred) return e.pred.text;
  std::vector<std::string> parts;
  for (const Expr& k : e.kids) {
    std::string s = Render(k, rng);
    // `and` binds tighter than `or`: an `or` inside an `and` needs
    // parentheses; the others are optional.
    const bool need = e.type == Expr::kAnd && k.type == Expr::kOr;
    if (k.type != Expr::kPred && (need || rng.Percent(50))) {
      s = absl::StrCat("(", s, ")");
    } else if (k.type == Expr::kPred && rng.Percent(5)) {
      s = absl::StrCat("(", s, ")");
    }
    parts.push_back(std::move(s));
  }
  return absl::StrJoin(
      parts,
      absl::StrCat(" ", Kw(e.type == Expr::kAnd ? "and" : "or", rng), " "));
}

bool Holds(const Pred& p, const Message& m) {
  const std::vector<V> xs = p.field->values(m);
  auto any = [&](auto fn) { return std::any_of(xs.begin(), xs.end(), fn); };
  const V* v0 = p.vals.empty() ? nullptr : &p.vals[0];
  switch (p.op) {
    case Op::kEq:
      return any([&](const V& x) { return x == *v0; });
    case Op::kNe:
      return !any([&](const V& x) { return x == *v0; });
    case Op::kLt:
      return any([&](const V& x) { return x < *v0; });
    case Op::kLe:
      return any([&](const V& x) { return x <= *v0; });
    case Op::kGt:
      return any([&](const V& x) { return x > *v0; });
    case Op::kGe:
      return any([&](const V& x) { return x >= *v0; });
    case Op::kBetween:
      return any([&](const V& x) { return *v0 <= x && x <= p.vals[1]; });
    case Op::kIn:
      return any([&](const V& x) {
        return std::find(p.vals.begin(), p.vals.end(), x) != p.vals.end();
      });
    case Op::kPrefix:
      return any([&](const V& x) { return x.s.starts_with(v0->s); });
    case Op::kExists:
      return !xs.empty();
    case Op::kNotExists:
      return xs.empty();
  }
  return false;
}

bool Eval(const Expr& e, const Message& m) {
  switch (e.type) {
    case Expr::kPred:
      return Holds(e.pred, m);
    case Expr::kAnd:
      return std::all_of(e.kids.begin(), e.kids.end(),
                         [&](const Expr& k) { return Eval(k, m); });
    case Expr::kOr:
      return std::any_of(e.kids.begin(), e.kids.end(),
                         [&](const Expr& k) { return Eval(k, m); });
  }
  return false;
}

std::vector<uint64_t> BruteIds(const Rows& rows, const Expr* where) {
  std::vector<uint64_t> ids;
  for (const auto& r : rows) {
    if (where == nullptr || Eval(*where, *r)) ids.push_back(IdOf(*r));
  }
  return ids;
}

// A random query over `def`: where clause text and its expression (nullptr
// for none), sometimes with an unindexed predicate joined by `and`.
struct RandomQuery {
  std::unique_ptr<Expr> where;
  std::string text;
};

RandomQuery MakeQuery(const KindDef& def, Rng& rng, bool allow_filter) {
  RandomQuery q;
  q.text = def.name;
  if (rng.Percent(3)) return q;
  Expr e = RandomExpr(def, rng, rng.Range(0, 3));
  std::string where = Render(e, rng);
  if (allow_filter && rng.Percent(15)) {
    // An unindexed predicate joined by `and` is checked on the rows.
    Expr both;
    both.type = Expr::kAnd;
    Expr filter;
    filter.pred = RandomPred(def.F("notes"), rng);
    const std::string ftext = filter.pred.text;
    both.kids.push_back(std::move(e));
    both.kids.push_back(std::move(filter));
    where = absl::StrCat("(", where, ") and ", ftext);
    e = std::move(both);
  }
  q.text = absl::StrCat(def.name, " ", Kw("where", rng), " ", where);
  q.where = std::make_unique<Expr>(std::move(e));
  return q;
}

// Sorts ids as `order by f` does: by the record's value, records without
// one first, ties by id; descending is the exact reverse. (A repeated field
// sorts a record at its smallest value ascending, largest descending.)
std::vector<uint64_t> BruteOrder(const Rows& rows,
                                 const std::vector<uint64_t>& ids,
                                 const Field& f, bool desc) {
  std::map<uint64_t, const Message*> by_id;
  for (const auto& r : rows) by_id[IdOf(*r)] = r.get();
  std::vector<std::tuple<bool, V, uint64_t>> keys;
  for (uint64_t id : ids) {
    std::vector<V> xs = f.values(*by_id[id]);
    if (xs.empty()) {
      keys.emplace_back(false, V{}, id);
    } else {
      keys.emplace_back(true,
                        desc ? *std::max_element(xs.begin(), xs.end())
                             : *std::min_element(xs.begin(), xs.end()),
                        id);
    }
  }
  std::sort(keys.begin(), keys.end());
  if (desc) std::reverse(keys.begin(), keys.end());
  std::vector<uint64_t> out;
  for (const auto& k : keys) out.push_back(std::get<2>(k));
  return out;
}

// Runs `text` page by page (page_size each) and returns every id.
std::vector<uint64_t> AllPages(const Store& store, const std::string& text,
                               uint64_t page_size, size_t* pages = nullptr) {
  std::vector<uint64_t> ids;
  QueryOptions o;
  o.page_size = page_size;
  for (int guard = 0; guard < 100000; ++guard) {
    absl::StatusOr<QueryPage> page = store.Query(text, o);
    EXPECT_TRUE(page.ok()) << text << ": " << page.status();
    if (!page.ok()) break;
    if (pages != nullptr) ++*pages;
    EXPECT_LE(page->records.size(), page_size) << text;
    for (uint64_t id : Ids(*page)) ids.push_back(id);
    if (page->next_cursor.empty()) return ids;
    EXPECT_FALSE(page->records.empty())
        << text << ": an empty page with a cursor";
    if (page->records.empty()) break;
    o.cursor = page->next_cursor;
  }
  ADD_FAILURE() << text << ": paging did not end";
  return ids;
}

// ---------------------------------------------------------------------------
// The shared store.

constexpr int kPersons = 20;
constexpr int kEnterprises = 1500;
constexpr int kEvents = 1500;

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir;
    absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(tmp_->Sub("s"));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s).release();
    Populate(store_, 7, kPersons, kEnterprises, kEvents);
    enterprises_ = new Rows(LoadAll(*store_, v1::KIND_ENTERPRISE));
    events_ = new Rows(LoadAll(*store_, v1::KIND_EVENT));
    ent_ = new KindDef(EnterpriseDef());
    ev_ = new KindDef(EventDef());
    FillDomains(ent_, *enterprises_);
    FillDomains(ev_, *events_);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete enterprises_;
    delete events_;
    delete ent_;
    delete ev_;
    delete tmp_;
  }

  // The def and rows of a kind.
  static std::pair<const KindDef*, const Rows*> Of(bool event) {
    return event ? std::make_pair(ev_, events_)
                 : std::make_pair(ent_, enterprises_);
  }

  static inline TempDir* tmp_ = nullptr;
  static inline Store* store_ = nullptr;
  static inline Rows* enterprises_ = nullptr;
  static inline Rows* events_ = nullptr;
  static inline KindDef* ent_ = nullptr;
  static inline KindDef* ev_ = nullptr;
};

TEST_F(EngineTest, DataSetIsAsGenerated) {
  ASSERT_EQ(enterprises_->size(), static_cast<size_t>(kEnterprises));
  ASSERT_EQ(events_->size(), static_cast<size_t>(kEvents));
  // Equalities on names hit several rows.
  EXPECT_GE(ent_->F("name").domain.size(), 15u);
  absl::StatusOr<QueryPage> p =
      store_->Query("enterprise where name = \"东非商会\"");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_GT(p->records.size(), 30u);
}

TEST_F(EngineTest, RandomQueriesMatchBruteForce) {
  Rng rng(20240601);
  int nonempty = 0, total = 0;
  std::map<int, int> by_size;
  for (int i = 0; i < testing::ScaledForSanitizers(700, 2); ++i) {
    const bool event = rng.Percent(45);
    auto [def, rows] = Of(event);
    RandomQuery q = MakeQuery(*def, rng, /*allow_filter=*/true);
    absl::StatusOr<QueryPage> page = store_->Query(q.text, {});
    ASSERT_TRUE(page.ok()) << q.text << "\n" << page.status();
    EXPECT_TRUE(page->next_cursor.empty()) << q.text;
    const std::vector<uint64_t> want = BruteIds(*rows, q.where.get());
    const std::vector<uint64_t> got = Ids(*page);
    ASSERT_EQ(got, want) << q.text << "\n" << *store_->Explain(q.text, {});
    ++total;
    if (!want.empty() && want.size() < rows->size()) ++nonempty;
  }
  // The generator produces selective queries, not only all-or-nothing.
  EXPECT_GT(nonempty, total / 2);
}

TEST_F(EngineTest, RandomQueriesWithAllowScanMatchToo) {
  // allow_scan must not change the answer of a query an index serves, and
  // unindexed predicates anywhere are evaluated on the rows.
  Rng rng(77);
  for (int i = 0; i < 80; ++i) {
    const bool event = rng.Percent(50);
    auto [def, rows] = Of(event);
    Expr e;
    e.type = Expr::kOr;
    e.kids.push_back(RandomExpr(*def, rng, 1));
    Expr filter;
    filter.pred = RandomPred(def->F("notes"), rng);
    e.kids.push_back(std::move(filter));
    const std::string text = absl::StrCat(def->name, " where ", Render(e, rng));
    QueryOptions o;
    o.allow_scan = true;
    absl::StatusOr<QueryPage> page = store_->Query(text, o);
    ASSERT_TRUE(page.ok()) << text << "\n" << page.status();
    ASSERT_EQ(Ids(*page), BruteIds(*rows, &e)) << text;
    absl::StatusOr<std::string> ex = store_->Explain(text, o);
    ASSERT_TRUE(ex.ok());
    EXPECT_THAT(*ex, HasSubstr("FULL SCAN")) << text;
  }
}

TEST_F(EngineTest, OrderByAndLimitMatchBruteForceSort) {
  Rng rng(4242);
  const std::vector<std::string> ent_orders = {"name", "established", "status",
                                               "type"};
  const std::vector<std::string> ev_orders = {"date", "type", "outlet",
                                              "channel"};
  for (int i = 0; i < 120; ++i) {
    const bool event = rng.Percent(50);
    auto [def, rows] = Of(event);
    RandomQuery q = MakeQuery(*def, rng, /*allow_filter=*/true);
    const Field& f = def->F(rng.Pick(event ? ev_orders : ent_orders));
    const int dir = rng.Range(0, 2);  // none, asc, desc
    std::string text = absl::StrCat(q.text, " order by ", f.name,
                                    dir == 1   ? " asc"
                                    : dir == 2 ? " desc"
                                               : "");
    std::optional<uint64_t> limit;
    if (rng.Percent(40)) {
      limit = rng.Below(60);
      absl::StrAppend(&text, " limit ", *limit);
    }
    std::vector<uint64_t> want =
        BruteOrder(*rows, BruteIds(*rows, q.where.get()), f, dir == 2);
    if (limit.has_value() && want.size() > *limit) want.resize(*limit);
    absl::StatusOr<QueryPage> page = store_->Query(text, {});
    ASSERT_TRUE(page.ok()) << text << "\n" << page.status();
    ASSERT_EQ(Ids(*page), want) << text;
    EXPECT_TRUE(page->next_cursor.empty())
        << text << ": a cursor although every record was returned";
  }
}

TEST_F(EngineTest, LimitWithoutOrder) {
  Rng rng(99);
  for (int i = 0; i < 80; ++i) {
    const bool event = rng.Percent(50);
    auto [def, rows] = Of(event);
    RandomQuery q = MakeQuery(*def, rng, true);
    const uint64_t limit = rng.Below(40);
    const std::string text = absl::StrCat(q.text, " limit ", limit);
    std::vector<uint64_t> want = BruteIds(*rows, q.where.get());
    if (want.size() > limit) want.resize(limit);
    absl::StatusOr<QueryPage> page = store_->Query(text, {});
    ASSERT_TRUE(page.ok()) << text << "\n" << page.status();
    ASSERT_EQ(Ids(*page), want) << text;
    // The limit is the whole result: nothing remains to page to.
    EXPECT_TRUE(page->next_cursor.empty()) << text;
  }
}

TEST_F(EngineTest, PagingReturnsTheUnpagedResultExactlyOnce) {
  Rng rng(31337);
  int tested = 0;
  const std::vector<std::string> ent_orders = {"name", "established", "status"};
  const std::vector<std::string> ev_orders = {"date", "type", "outlet"};
  for (int attempt = 0; attempt < 2000 && tested < 8; ++attempt) {
    const bool event = rng.Percent(50);
    auto [def, rows] = Of(event);
    RandomQuery q = MakeQuery(*def, rng, true);
    std::string text = q.text;
    const bool ordered = tested % 2 == 1;
    if (ordered) {
      absl::StrAppend(&text, " order by ",
                      rng.Pick(event ? ev_orders : ent_orders),
                      rng.Percent(50) ? " desc" : "");
    }
    const size_t n = BruteIds(*rows, q.where.get()).size();
    if (n < 12 || n > 40) continue;
    ++tested;
    absl::StatusOr<QueryPage> whole = store_->Query(text, {});
    ASSERT_TRUE(whole.ok()) << text << ": " << whole.status();
    const std::vector<uint64_t> want = Ids(*whole);
    for (uint64_t ps = 1; ps <= 37; ++ps) {
      size_t pages = 0;
      std::vector<uint64_t> got = AllPages(*store_, text, ps, &pages);
      ASSERT_EQ(got, want) << text << " page_size " << ps;
      EXPECT_EQ(pages, std::max<size_t>(1, (n + ps - 1) / ps))
          << text << " page_size " << ps;
    }
  }
  EXPECT_EQ(tested, 8);
}

TEST_F(EngineTest, PagingHonoursTheLimit) {
  for (const std::string text :
       {"enterprise where status = ACTIVE limit 10",
        "enterprise where status = ACTIVE order by name limit 10",
        "enterprise where status = ACTIVE order by name desc limit 10",
        "event limit 7", "event order by date desc limit 7"}) {
    absl::StatusOr<QueryPage> whole = store_->Query(text, {});
    ASSERT_TRUE(whole.ok()) << whole.status();
    const std::vector<uint64_t> want = Ids(*whole);
    ASSERT_FALSE(want.empty());
    EXPECT_TRUE(whole->next_cursor.empty()) << text;
    for (uint64_t ps : {1, 3, 5, 7, 10, 11}) {
      ASSERT_EQ(AllPages(*store_, text, ps), want)
          << text << " page_size " << ps;
    }
  }
}

TEST_F(EngineTest, CursorPositionsIgnoreInsertsAndDeletes) {
  // On a store of its own: records come and go between pages.
  TempDir tmp;
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  Populate(&store, 11, 5, 60, 400);
  KindDef def = EventDef();
  Rng rng(5150);
  for (const std::string text :
       {"event where type in (MEETING, CEREMONY, MEDIA_REPORT)",
        "event where type in (MEETING, CEREMONY, MEDIA_REPORT) order by date",
        "event where tags != \"VIP\" order by date desc",
        "event where date >= 2017-01-01 order by outlet"}) {
    std::set<uint64_t> initial;
    for (uint64_t id : Ids(*store.Query(text, {}))) initial.insert(id);
    ASSERT_GT(initial.size(), 40u);
    std::set<uint64_t> deleted, seen;
    std::vector<uint64_t> order;
    QueryOptions o;
    o.page_size = 7;
    for (int guard = 0; guard < 1000; ++guard) {
      absl::StatusOr<QueryPage> page = store.Query(text, o);
      ASSERT_TRUE(page.ok()) << text << ": " << page.status();
      for (uint64_t id : Ids(*page)) {
        EXPECT_TRUE(seen.insert(id).second) << text << ": " << id << " twice";
        order.push_back(id);
      }
      if (page->next_cursor.empty()) break;
      o.cursor = page->next_cursor;
      // Between pages: three new events, two deleted (seen or not).
      for (int i = 0; i < 3; ++i) {
        v1::Event ev = RandomEvent(rng, 60, 5);
        ASSERT_TRUE(store.Create(&ev).ok());
      }
      Rows all = LoadAll(store, v1::KIND_EVENT);
      for (int i = 0; i < 2; ++i) {
        const uint64_t id = IdOf(*all[rng.Below(all.size())]);
        if (deleted.insert(id).second) {
          ASSERT_TRUE(store.Delete(v1::KIND_EVENT, id).ok());
        }
      }
    }
    for (uint64_t id : initial) {
      if (deleted.count(id) == 0) {
        EXPECT_EQ(seen.count(id), 1u) << text << ": lost " << id;
      }
    }
    // Ordered queries stay in order across pages.
    if (text.find("order by") != std::string::npos) {
      Rows all = LoadAll(store, v1::KIND_EVENT);
      std::map<uint64_t, const Message*> by_id;
      for (const auto& r : all) by_id[IdOf(*r)] = r.get();
      std::vector<uint64_t> alive;
      for (uint64_t id : order) {
        if (by_id.count(id)) alive.push_back(id);
      }
      const std::string field =
          text.substr(text.find("order by ") + 9,
                      text.find(' ', text.find("order by ") + 9) -
                          (text.find("order by ") + 9));
      const bool desc = text.ends_with(" desc");
      EXPECT_EQ(alive, BruteOrder(all, alive, def.F(field), desc)) << text;
    }
  }
}

TEST(LargeOrderTest, OrderByOverManyMatchesWalksTheIndex) {
  // Above 20000 estimated matches `order by` walks the order field's index
  // instead of sorting in memory; the answer must be the same.
  TempDir tmp;
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(tmp.Sub("s"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  Rng rng(1234);
  std::vector<v1::Event> evs(20100);
  for (v1::Event& ev : evs) {
    ev.set_type(static_cast<v1::Event::Type>(rng.Pick(kEventTypes)));
    SetDate(ev.mutable_date(), rng.Range(2019, 2020), rng.Range(1, 12),
            rng.Range(1, 28));
    if (rng.Percent(50)) ev.set_outlet(rng.Pick(kOutlets));
    for (int i = rng.Range(0, 2); i > 0; --i) ev.add_tags(rng.Pick(kTags));
  }
  CreateChunked(&store, evs);
  const Rows rows = LoadAll(store, v1::KIND_EVENT);
  const KindDef def = EventDef();
  struct Case {
    std::string where;
    std::string field;
    bool desc;
    std::optional<uint64_t> limit;
  };
  const std::vector<Case> cases = {
      {"", "date", false, std::nullopt},
      {"", "date", true, 40},
      {"", "outlet", true, 300},
      {" where tags != \"VIP\"", "date", true, std::nullopt},
      {" where tags not exists", "type", false, 500},
      {"", "tags", false, std::nullopt},
  };
  for (const Case& c : cases) {
    std::string text = absl::StrCat("event", c.where, " order by ", c.field,
                                    c.desc ? " desc" : "");
    if (c.limit) absl::StrAppend(&text, " limit ", *c.limit);
    SCOPED_TRACE(text);
    Expr where;
    if (c.where == " where tags != \"VIP\"") {
      where.pred.field = &def.F("tags");
      where.pred.op = Op::kNe;
      where.pred.vals = {Str("VIP")};
    } else if (!c.where.empty()) {
      where.pred.field = &def.F("tags");
      where.pred.op = Op::kNotExists;
    }
    const std::vector<uint64_t> ids =
        BruteIds(rows, c.where.empty() ? nullptr : &where);
    ASSERT_GT(ids.size(), 0u);
    const Field& f = def.F(c.field);
    std::vector<uint64_t> want = BruteOrder(rows, ids, f, c.desc);
    if (c.limit && want.size() > *c.limit) want.resize(*c.limit);
    absl::StatusOr<std::string> ex = store.Explain(text, {});
    ASSERT_TRUE(ex.ok()) << ex.status();
    // A repeated field's index lacks records without a value: those sort
    // in memory.
    EXPECT_THAT(*ex, HasSubstr(f.repeated ? "in memory" : "walk index")) << *ex;
    absl::StatusOr<QueryPage> page = store.Query(text, {});
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_TRUE(page->next_cursor.empty());
    ASSERT_EQ(Ids(*page), want);
    if (want.size() <= 1000) {
      ASSERT_EQ(AllPages(store, text, 37), want);
    } else if (c.where.empty() && !f.repeated) {
      ASSERT_EQ(AllPages(store, text, 9000), want);
    }
  }
}

// ---------------------------------------------------------------------------
// Aggregates.

std::string RenderV(const Field& f, const V& v) {
  switch (f.type) {
    case Type::kString:
      return v.s;
    case Type::kEnum:
      return f.enum_type->FindValueByNumber(static_cast<int>(v.a))->name();
    case Type::kDate:
      return absl::StrFormat("%04d-%02d-%02d", v.a, v.b, v.c);
    case Type::kRef:
      return absl::StrCat(KindWord(v.a), ":", v.b);
    case Type::kBool:
      return v.a ? "true" : "false";
    case Type::kUint:
      return absl::StrCat(v.a);
  }
  return "?";
}

// Rendered enum values may use the full or the short name.
bool SameRendering(const Field& f, const std::string& got,
                   const std::string& want) {
  if (got == want) return true;
  return f.type == Type::kEnum && got == EnumShort(want);
}

enum class Bucket { kValue, kMonth, kYear };

struct GroupSpec {
  const Field* field = nullptr;
  Bucket bucket = Bucket::kValue;
  std::string text;
};

struct Column {
  enum Fn { kCount, kDistinct, kSum, kSumMoney, kMin, kMax } fn = kCount;
  const Field* field = nullptr;
  std::string text;  // As in the query; also the column name.
};

struct BruteGroup {
  std::string key;
  std::vector<uint64_t> ids;
};

void CheckAggregate(const Store& store, const Rows& rows, const RandomQuery& q,
                    const std::optional<GroupSpec>& g,
                    const std::vector<Column>& cols, bool allow_scan = false) {
  std::string text = q.text;
  if (g.has_value()) absl::StrAppend(&text, " group by ", g->text);
  if (!cols.empty()) {
    std::vector<std::string> c;
    for (const Column& col : cols) c.push_back(col.text);
    absl::StrAppend(&text, " compute ", absl::StrJoin(c, ", "));
  }
  SCOPED_TRACE(text);
  QueryOptions options;
  options.allow_scan = allow_scan;
  absl::StatusOr<AggregateResult> got = store.Aggregate(text, options);
  ASSERT_TRUE(got.ok()) << got.status();

  std::vector<Column> want_cols = cols;
  if (want_cols.empty())
    want_cols.push_back(Column{Column::kCount, nullptr, "count"});
  std::vector<std::string> names;
  for (const Column& c : want_cols) names.push_back(c.text);
  EXPECT_EQ(got->columns, names);

  // Brute-force groups, ordered by key (no value first).
  std::map<std::pair<bool, V>, BruteGroup> groups;
  std::map<uint64_t, const Message*> by_id;
  for (const auto& r : rows) {
    if (q.where != nullptr && !Eval(*q.where, *r)) continue;
    by_id[IdOf(*r)] = r.get();
    std::set<std::pair<bool, V>> keys;
    if (!g.has_value()) {
      keys.insert({false, V{}});
    } else {
      for (V v : g->field->values(*r)) {
        if (g->bucket == Bucket::kMonth) v.c = 0;
        if (g->bucket == Bucket::kYear) v.b = v.c = 0;
        keys.insert({true, v});
      }
      if (keys.empty()) keys.insert({false, V{}});
    }
    for (const auto& k : keys) {
      BruteGroup& bg = groups[k];
      if (!g.has_value()) {
        bg.key = "";
      } else if (!k.first) {
        bg.key = "null";
      } else if (g->bucket == Bucket::kMonth) {
        bg.key = absl::StrFormat("%04d-%02d", k.second.a, k.second.b);
      } else if (g->bucket == Bucket::kYear) {
        bg.key = absl::StrCat(k.second.a);
      } else {
        bg.key = RenderV(*g->field, k.second);
      }
      bg.ids.push_back(IdOf(*r));
    }
  }
  if (!g.has_value() && groups.empty()) groups[{false, V{}}].key = "";

  ASSERT_EQ(got->groups.size(), groups.size());
  size_t gi = 0;
  for (const auto& [k, bg] : groups) {
    const AggregateGroup& out = got->groups[gi++];
    SCOPED_TRACE(absl::StrCat("group ", bg.key));
    if (g.has_value() && g->bucket == Bucket::kValue) {
      EXPECT_TRUE(SameRendering(*g->field, out.key, bg.key))
          << out.key << " vs " << bg.key;
    } else {
      EXPECT_EQ(out.key, bg.key);
    }
    EXPECT_EQ(out.ids, bg.ids);
    ASSERT_EQ(out.values.size(), want_cols.size());
    for (size_t c = 0; c < want_cols.size(); ++c) {
      const Column& col = want_cols[c];
      const AggregateValue& v = out.values[c];
      SCOPED_TRACE(col.text);
      switch (col.fn) {
        case Column::kCount:
          EXPECT_EQ(v.count, bg.ids.size());
          break;
        case Column::kDistinct: {
          std::set<V> d;
          for (uint64_t id : bg.ids) {
            for (V& x : col.field->values(*by_id[id])) d.insert(std::move(x));
          }
          EXPECT_EQ(v.count, d.size());
          break;
        }
        case Column::kSum: {
          int64_t total = 0;
          for (uint64_t id : bg.ids) {
            for (const V& x : col.field->values(*by_id[id])) total += x.a;
          }
          EXPECT_EQ(v.total, total);
          break;
        }
        case Column::kSumMoney: {
          std::map<std::string, int64_t> money;
          for (uint64_t id : bg.ids) {
            const v1::Event& ev = Ev(*by_id[id]);
            if (ev.has_money()) {
              money[ev.money().currency()] += ev.money().amount_minor();
            }
          }
          EXPECT_EQ(v.money, money);
          break;
        }
        case Column::kMin:
        case Column::kMax: {
          std::optional<V> best;
          for (uint64_t id : bg.ids) {
            for (const V& x : col.field->values(*by_id[id])) {
              if (!best.has_value() ||
                  (col.fn == Column::kMin ? x < *best : x > *best)) {
                best = x;
              }
            }
          }
          const std::string want =
              best.has_value() ? RenderV(*col.field, *best) : "";
          EXPECT_TRUE(SameRendering(*col.field, v.value, want))
              << v.value << " vs " << want;
          break;
        }
      }
    }
  }
}

TEST_F(EngineTest, AggregatesMatchBruteForce) {
  Rng rng(8080);
  const KindDef& ent = *ent_;
  const KindDef& ev = *ev_;
  const std::vector<GroupSpec> ent_groups = {
      {&ent.F("status"), Bucket::kValue, "status"},
      {&ent.F("type"), Bucket::kValue, "type"},
      {&ent.F("investor_countries"), Bucket::kValue, "investor_countries"},
      {&ent.F("tags"), Bucket::kValue, "tag"},
      {&ent.F("name"), Bucket::kValue, "name"},
      {&ent.F("overseas_chinese_invested"), Bucket::kValue,
       "overseas_chinese_invested"},
      {&ent.F("established"), Bucket::kMonth, "month(established)"},
      {&ent.F("established"), Bucket::kYear, "year(established)"},
      {&ent.F("established"), Bucket::kValue, "established"}};
  const std::vector<GroupSpec> ev_groups = {
      {&ev.F("type"), Bucket::kValue, "type"},
      {&ev.F("channel"), Bucket::kValue, "channel"},
      {&ev.F("outlet"), Bucket::kValue, "outlet"},
      {&ev.F("participants.ref"), Bucket::kValue, "participants.ref"},
      {&ev.F("date"), Bucket::kYear, "year(date)"},
      {&ev.F("date"), Bucket::kMonth, "month(date)"}};
  const std::vector<Column> ent_cols = {
      {Column::kCount, nullptr, "count"},
      {Column::kDistinct, &ent.F("investor_countries"),
       "count distinct investor_countries"},
      {Column::kDistinct, &ent.F("name"), "count distinct name"},
      {Column::kSum, &ent.F("employee_count"), "sum employee_count"},
      {Column::kMin, &ent.F("established"), "min established"},
      {Column::kMax, &ent.F("established"), "max established"},
      {Column::kMin, &ent.F("name"), "min name"},
      {Column::kMax, &ent.F("status"), "max status"}};
  const std::vector<Column> ev_cols = {
      {Column::kCount, nullptr, "count"},
      {Column::kDistinct, &ev.F("participants.ref"),
       "count distinct participants.ref"},
      {Column::kSum, &ev.F("clicks"), "sum clicks"},
      {Column::kSumMoney, nullptr, "sum money"},
      {Column::kMin, &ev.F("date"), "min date"},
      {Column::kMax, &ev.F("date"), "max date"},
      {Column::kMax, &ev.F("participants.ref"), "max participants.ref"},
      {Column::kMin, &ev.F("outlet"), "min outlet"}};
  for (int i = 0; i < 160; ++i) {
    const bool event = rng.Percent(50);
    auto [def, rows] = Of(event);
    RandomQuery q = MakeQuery(*def, rng, /*allow_filter=*/i % 4 == 0);
    std::optional<GroupSpec> g;
    if (rng.Percent(75)) g = rng.Pick(event ? ev_groups : ent_groups);
    std::vector<Column> cols;
    const int n = rng.Range(0, 3);  // 0: compute omitted (count).
    for (int c = 0; c < n; ++c)
      cols.push_back(rng.Pick(event ? ev_cols : ent_cols));
    CheckAggregate(*store_, *rows, q, g, cols);
    if (HasFailure()) return;
  }
}

TEST_F(EngineTest, NamedAggregates) {
  // The forms the brief and the docs name, each at least once.
  const KindDef& ent = *ent_;
  const KindDef& ev = *ev_;
  RandomQuery all_ent;
  all_ent.text = "enterprise";
  RandomQuery all_ev;
  all_ev.text = "event";
  CheckAggregate(*store_, *enterprises_, all_ent, std::nullopt, {});
  CheckAggregate(*store_, *enterprises_, all_ent,
                 GroupSpec{&ent.F("status"), Bucket::kValue, "status"}, {});
  CheckAggregate(
      *store_, *enterprises_, all_ent,
      GroupSpec{&ent.F("established"), Bucket::kMonth, "month(established)"},
      {});
  CheckAggregate(*store_, *events_, all_ev,
                 GroupSpec{&ev.F("date"), Bucket::kYear, "year(date)"},
                 {{Column::kCount, nullptr, "count"},
                  {Column::kDistinct, &ev.F("participants.ref"),
                   "count distinct participants.ref"},
                  {Column::kSum, &ev.F("clicks"), "sum clicks"},
                  {Column::kMin, &ev.F("date"), "min date"},
                  {Column::kMax, &ev.F("date"), "max date"}});
  // Grouping by an unindexed field reads the rows (allow_scan).
  CheckAggregate(*store_, *enterprises_, all_ent,
                 GroupSpec{&ent.F("notes"), Bucket::kValue, "notes"},
                 {{Column::kCount, nullptr, "count"},
                  {Column::kMax, &ent.F("name"), "max name"}},
                 /*allow_scan=*/true);
  // A count of nothing is one group with 0.
  absl::StatusOr<AggregateResult> none =
      store_->Aggregate("enterprise where name = \"不存在\"", {});
  ASSERT_TRUE(none.ok()) << none.status();
  ASSERT_EQ(none->groups.size(), 1u);
  EXPECT_EQ(none->groups[0].values[0].count, 0u);
  // Group keys are values queries accept: each key selects its group.
  absl::StatusOr<AggregateResult> by_status =
      store_->Aggregate("enterprise group by status", {});
  ASSERT_TRUE(by_status.ok());
  for (const AggregateGroup& g : by_status->groups) {
    const std::string q =
        g.key == "null" ? "enterprise where status not exists"
                        : absl::StrCat("enterprise where status = ", g.key);
    absl::StatusOr<QueryPage> p = store_->Query(q, {});
    ASSERT_TRUE(p.ok()) << q << ": " << p.status();
    EXPECT_EQ(Ids(*p), g.ids) << q;
  }
  // Order by and limit do not apply.
  absl::StatusOr<AggregateResult> bad =
      store_->Aggregate("enterprise group by status limit 3", {});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  // A row query refuses aggregates.
  absl::StatusOr<QueryPage> agg_as_rows =
      store_->Query("enterprise group by status", {});
  EXPECT_EQ(agg_as_rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(agg_as_rows.status().message(), HasSubstr("aggregate"));
  // JSON carries the ids.
  absl::StatusOr<AggregateResult> json =
      store_->Aggregate("event where type = MEETING", {});
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(json->ToJson(), HasSubstr("\"ids\":["));
  EXPECT_THAT(json->ToJson(false), Not(HasSubstr("\"ids\"")));
}

// ---------------------------------------------------------------------------
// Explain.

TEST_F(EngineTest, ExplainDescribesThePlan) {
  const std::string uscc = E(*(*enterprises_)[0]).uscc().empty()
                               ? ent_->F("uscc").domain[0].s
                               : E(*(*enterprises_)[0]).uscc();
  auto explain = [&](const std::string& text, bool scan = false) {
    QueryOptions o;
    o.allow_scan = scan;
    absl::StatusOr<std::string> s = store_->Explain(text, o);
    EXPECT_TRUE(s.ok()) << text << ": " << s.status();
    return s.ok() ? *s : std::string();
  };
  EXPECT_THAT(explain(absl::StrCat("enterprise where uscc = \"", uscc, "\"")),
              HasSubstr("unique key"));
  EXPECT_THAT(
      explain("enterprise where status = ACTIVE and type = ASSOCIATION"),
      HasSubstr("intersect"));
  EXPECT_THAT(explain("enterprise where status = ACTIVE or type = ASSOCIATION"),
              HasSubstr("union"));
  const std::string scan = explain("enterprise where notes = \"待回访\"", true);
  EXPECT_THAT(scan, HasSubstr("FULL SCAN"));
  EXPECT_THAT(scan, HasSubstr("notes"));
  const std::string filtered =
      explain("enterprise where status = ACTIVE and notes = \"待回访\"");
  EXPECT_THAT(filtered, HasSubstr("index enterprise.status"));
  EXPECT_THAT(filtered, HasSubstr("notes"));
  EXPECT_THAT(filtered, Not(HasSubstr("FULL SCAN")));
  EXPECT_THAT(explain("event where participants.ref = enterprise:17"),
              HasSubstr("index event.participants.ref"));
  EXPECT_THAT(explain("event where type = MEETING and date = 2020-03-12"),
              HasSubstr("composite index event.type+date"));
  EXPECT_THAT(explain("event order by date desc limit 5"),
              HasSubstr("limit 5"));
}

// ---------------------------------------------------------------------------
// Errors.

TEST_F(EngineTest, ErrorsNameTheProblem) {
  auto status = [&](const std::string& text, const QueryOptions& o = {}) {
    return store_->Query(text, o).status();
  };
  absl::Status s = status("widget where name = \"x\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown kind \"widget\""));
  EXPECT_THAT(s.message(), HasSubstr("enterprise"));

  s = status("enterprise where nmae = \"x\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown field \"nmae\""));
  EXPECT_THAT(s.message(), HasSubstr("at column 18"));
  EXPECT_THAT(s.message(), HasSubstr("investor_countries"));
  EXPECT_THAT(s.message(), HasSubstr("established"));

  s = status("event where participants.reff = enterprise:1");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("unknown field \"reff\""));
  EXPECT_THAT(s.message(), HasSubstr("role"));

  s = status("enterprise where status = ACTIV");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("\"ACTIV\" is not a value"));
  EXPECT_THAT(s.message(), HasSubstr("ACTIVE"));
  EXPECT_THAT(s.message(), HasSubstr("REVOKED"));
  EXPECT_THAT(s.message(), HasSubstr("at column 27"));

  s = status("enterprise where established = \"2020\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("established takes a date"));

  s = status("enterprise where name = 5");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("name takes a quoted string"));

  s = status("event where participants.ref = 17");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("enterprise:42"));

  s = status("enterprise where established < 2021-02-30");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("2021-02-30"));

  s = status("enterprise where status prefix \"A\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("prefix needs a text field"));

  s = status("enterprise where status contains \"A\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("contains needs a text field"));
  s = status("enterprise where name contains \"（）\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("contains needs a text with letters"));
  // Text inside values: never from an index, even on an indexed field.
  s = status("enterprise where name contains \"三久\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("allow"));

  s = status("enterprise where notes prefix \"江苏\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("no index serves"));
  EXPECT_THAT(s.message(), HasSubstr("uscc"));
  EXPECT_THAT(s.message(), HasSubstr("investor_countries"));
  EXPECT_THAT(s.message(), HasSubstr("allow"));

  // An unindexed branch of `or` cannot be filtered on the rows.
  s = status("enterprise where status = ACTIVE or notes = \"待回访\"");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("no index serves"));

  // Aggregates by an unindexed field need allow_scan too.
  absl::Status a = store_->Aggregate("enterprise group by notes", {}).status();
  EXPECT_EQ(a.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(a.message(), HasSubstr("has no index"));

  QueryOptions bad_cursor;
  bad_cursor.cursor = "!!!not a cursor";
  s = status("enterprise where status = ACTIVE", bad_cursor);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("malformed cursor"));
  bad_cursor.cursor = absl::WebSafeBase64Escape("\x01short");
  s = status("enterprise where status = ACTIVE", bad_cursor);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("malformed cursor"));

  QueryOptions paged;
  paged.page_size = 2;
  absl::StatusOr<QueryPage> first =
      store_->Query("enterprise where status = ACTIVE", paged);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_cursor.empty());
  QueryOptions other;
  other.cursor = first->next_cursor;
  s = status("enterprise where status = REVOKED", other);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("different query"));
  // The same cursor resumes its own query.
  EXPECT_TRUE(status("enterprise where status = ACTIVE", other).ok());

  s = status("enterprise where status = ");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("at column 27"));
  s = status("enterprise where (status = ACTIVE");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("at column"));
  s = status("enterprise wher status = ACTIVE");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("at column 12"));

  absl::Status e = store_->Explain("enterprise where nmae = 1", {}).status();
  EXPECT_EQ(e.code(), absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Unique keys.

std::unique_ptr<Store> OpenStore(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

v1::Enterprise Named(const std::string& name, const std::string& uscc = "") {
  v1::Enterprise e;
  e.set_name(name);
  if (!uscc.empty()) e.set_uscc(uscc);
  return e;
}

std::vector<uint64_t> UsccHolders(const Store& store, const std::string& u) {
  absl::StatusOr<QueryPage> p =
      store.Query(absl::StrCat("enterprise where uscc = \"", u, "\""), {});
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? Ids(*p) : std::vector<uint64_t>{};
}

void ExpectClean(const Store& store) {
  absl::StatusOr<VerifyReport> r = store.Verify();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->problems.empty()) << absl::StrJoin(r->problems, "\n");
}

// Queries in Chinese, as staff write them: a field by the column header
// exports give it (姓名, 居住国, 登记状态), an enum value by its label (男,
// 存续), a yes/no by 是/否, and values without quotes.
TEST(ChineseQueryTest, HeadersLabelsAndBareValues) {
  TempDir tmp;
  std::unique_ptr<Store> store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  auto person = [&](const std::string& name, v1::Person::Gender g,
                    const std::string& country, bool key) {
    v1::Person p;
    p.set_name(name);
    p.set_gender(g);
    p.set_residence_country(country);
    p.set_key_person(key);
    absl::StatusOr<uint64_t> id = store->Create(&p);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  };
  const uint64_t chen = person("陈伟明", v1::Person::GENDER_MALE, "MY", true);
  const uint64_t lin = person("林淑芬", v1::Person::GENDER_FEMALE, "MY", false);
  person("王五", v1::Person::GENDER_MALE, "US", false);
  auto ids = [&](const std::string& q) {
    QueryOptions o;
    o.allow_scan = true;
    absl::StatusOr<QueryPage> page = store->Query(q, o);
    EXPECT_TRUE(page.ok()) << q << ": " << page.status();
    std::vector<uint64_t> out;
    if (page.ok()) {
      for (const auto& r : page->records) out.push_back(MetaOf(*r).id());
    }
    return out;
  };
  EXPECT_EQ(ids("person where 姓名 = 陈伟明"), (std::vector<uint64_t>{chen}));
  // A header imports read (名字, 侨居国) names the same fields.
  EXPECT_EQ(ids("person where 名字 = 陈伟明 and 侨居国 = \"MY\""),
            (std::vector<uint64_t>{chen}));
  EXPECT_EQ(ids("person where 居住国 = \"MY\" and 性别 = 女"),
            (std::vector<uint64_t>{lin}));
  EXPECT_EQ(ids("person where 居住国 = \"MY\" and gender = \"男\""),
            (std::vector<uint64_t>{chen}));
  EXPECT_EQ(ids("person where 重点人士 = 是"), (std::vector<uint64_t>{chen}));
  EXPECT_EQ(ids("person where name prefix 林"), (std::vector<uint64_t>{lin}));
  // Text inside a value, compared as search compares (traditional, case
  // and width folded), checked on the rows an indexed predicate fetches.
  EXPECT_EQ(ids("person where 居住国 = \"MY\" and name contains 偉"),
            (std::vector<uint64_t>{chen}));
  EXPECT_EQ(ids("person where 居住国 = \"MY\" and name contains \"伟 明\""),
            (std::vector<uint64_t>{chen}));
  EXPECT_EQ(ids("person where 居住国 = \"MY\" and name contains 王"),
            (std::vector<uint64_t>{}));
  absl::StatusOr<AggregateResult> by_country =
      store->Aggregate("person group by 居住国");
  ASSERT_TRUE(by_country.ok()) << by_country.status();
  EXPECT_EQ(by_country->groups.size(), 2u);

  v1::Enterprise e;
  e.set_name("常州三久制造有限公司");
  e.set_status(v1::Enterprise::STATUS_ACTIVE);
  e.set_type(v1::Enterprise::TYPE_LIMITED_COMPANY);
  ASSERT_TRUE(store->Create(&e).ok());
  e.Clear();
  e.set_name("金坛侨商会");
  e.set_type(v1::Enterprise::TYPE_ASSOCIATION);
  ASSERT_TRUE(store->Create(&e).ok());
  EXPECT_EQ(ids("enterprise where 登记状态 = 存续"),
            (std::vector<uint64_t>{1}));
  EXPECT_EQ(ids("enterprise where 企业类型 in (商会, 社团)"),
            (std::vector<uint64_t>{2}));

  absl::StatusOr<QueryPage> bad = store->Query("person where 绰号 = 陈伟明");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              HasSubstr("no field of person is called \"绰号\""));
  bad = store->Query("person where name = \"陈伟明\" and 性别 = 中性");
  EXPECT_THAT(bad.status().message(),
              HasSubstr("\"中性\" is not a value of qiaolian.v1.Person.Gender "
                        "(expected one of: MALE (男), FEMALE (女), OTHER "
                        "(其他))"));
}

TEST(UniqueTest, UsccIsUniqueAcrossCreateUpdateAndDelete) {
  TempDir tmp;
  std::unique_ptr<Store> store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  const std::string x = Uscc(1), y = Uscc(2), z = Uscc(3);
  for (int i = 1; i <= 10; ++i) {
    v1::Enterprise e = Named(absl::StrCat("企业", i), i == 7 ? x : "");
    ASSERT_EQ(*store->Create(&e), static_cast<uint64_t>(i));
  }
  // A second holder.
  v1::Enterprise dup = Named("重复", x);
  absl::StatusOr<uint64_t> created = store->Create(&dup);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(created.status().message(), HasSubstr("enterprise 7"));
  EXPECT_THAT(created.status().message(), HasSubstr(x));
  EXPECT_EQ(MetaOf(dup).id(), 0u);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 10u);

  // Taking it by update.
  v1::Enterprise e3;
  ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 3, &e3).ok());
  e3.set_uscc(x);
  absl::Status st = store->Update(&e3);
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("enterprise 7"));
  EXPECT_EQ(MetaOf(e3).revision(), 1u);
  v1::Enterprise e3_now;
  ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 3, &e3_now).ok());
  EXPECT_EQ(e3_now.uscc(), "");
  EXPECT_EQ(e3_now.meta().revision(), 1u);
  EXPECT_EQ(UsccHolders(*store, x), std::vector<uint64_t>{7});

  // Re-saving a record with its own USCC is fine.
  v1::Enterprise e7;
  ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 7, &e7).ok());
  e7.set_notes("改备注");
  ASSERT_TRUE(store->Update(&e7).ok());

  // Freed by update: another record may take it.
  e7.set_uscc(y);
  ASSERT_TRUE(store->Update(&e7).ok());
  ASSERT_TRUE(store->Update(&e3).ok()) << "x was freed";
  EXPECT_EQ(UsccHolders(*store, x), std::vector<uint64_t>{3});
  EXPECT_EQ(UsccHolders(*store, y), std::vector<uint64_t>{7});

  // Freed by delete.
  ASSERT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 3).ok());
  EXPECT_TRUE(UsccHolders(*store, x).empty());
  v1::Enterprise again = Named("接手", x);
  ASSERT_EQ(*store->Create(&again), 11u);
  EXPECT_EQ(UsccHolders(*store, x), std::vector<uint64_t>{11});

  // Two records with the same USCC in one CreateAll: nothing written.
  v1::Enterprise a = Named("甲", z), b = Named("乙"), c = Named("丙", z);
  google::protobuf::Message* batch[] = {&a, &b, &c};
  st = store->CreateAll(batch);
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("record 3"));
  EXPECT_THAT(st.message(), HasSubstr("already used by"));
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 10u);
  EXPECT_TRUE(UsccHolders(*store, z).empty());
  EXPECT_EQ(MetaOf(a).id(), 0u);
  absl::StatusOr<QueryPage> names =
      store->Query("enterprise where name in (\"甲\", \"乙\", \"丙\")", {});
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->records.empty());
  // A batch whose record takes a stored USCC fails the same way.
  v1::Enterprise d = Named("丁"), f = Named("戊", y);
  google::protobuf::Message* batch2[] = {&d, &f};
  st = store->CreateAll(batch2);
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(st.message(), HasSubstr("record 2"));
  EXPECT_THAT(st.message(), HasSubstr("enterprise 7"));
  // One CreateAll may still move nothing but new values.
  v1::Enterprise g = Named("己", z);
  ASSERT_EQ(*store->Create(&g), 12u) << "ids are not used up by failures";
  EXPECT_EQ(UsccHolders(*store, z), std::vector<uint64_t>{12});
  ExpectClean(*store);
}

// ---------------------------------------------------------------------------
// Index consistency after a random mix of writes.

TEST(ConsistencyTest, RandomWritesKeepIndexesConsistent) {
  TempDir tmp;
  std::unique_ptr<Store> store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  Populate(store.get(), 3, 5, 150, 150);
  std::map<uint64_t, v1::Enterprise> ents;
  std::map<uint64_t, v1::Event> evs;
  for (const auto& r : LoadAll(*store, v1::KIND_ENTERPRISE)) {
    ents[IdOf(*r)] = E(*r);
  }
  for (const auto& r : LoadAll(*store, v1::KIND_EVENT)) {
    evs[IdOf(*r)] = Ev(*r);
  }
  Rng rng(2718);
  uint64_t serial = 900000;
  std::vector<std::string> usccs;  // Values in use or freed.
  for (const auto& [id, e] : ents) {
    if (!e.uscc().empty()) usccs.push_back(e.uscc());
  }
  auto holder_of = [&](const std::string& u) -> uint64_t {
    for (const auto& [id, e] : ents) {
      if (e.uscc() == u) return id;
    }
    return 0;
  };
  auto pick = [&](auto& m) {
    auto it = m.begin();
    std::advance(it, rng.Below(m.size()));
    return it->first;
  };
  int refused_deletes = 0, refused_unique = 0;
  for (int step = 0; step < 2000; ++step) {
    const int op = rng.Range(0, 99);
    if (op < 20) {
      v1::Enterprise e = RandomEnterprise(rng, &serial);
      if (!e.uscc().empty() && rng.Percent(30) && !usccs.empty()) {
        e.set_uscc(rng.Pick(usccs));
      }
      const uint64_t holder = e.uscc().empty() ? 0 : holder_of(e.uscc());
      absl::StatusOr<uint64_t> id = store->Create(&e);
      if (holder != 0) {
        ASSERT_EQ(id.status().code(), absl::StatusCode::kAlreadyExists);
        EXPECT_THAT(id.status().message(),
                    HasSubstr(absl::StrCat("enterprise ", holder)));
        ++refused_unique;
      } else {
        ASSERT_TRUE(id.ok()) << id.status();
        ents[*id] = e;
        if (!e.uscc().empty()) usccs.push_back(e.uscc());
      }
    } else if (op < 40) {
      v1::Event ev = RandomEvent(rng, 0, 0);
      for (int i = rng.Range(0, 2); i > 0 && !ents.empty(); --i) {
        auto* p = ev.add_participants();
        p->mutable_ref()->set_kind(v1::KIND_ENTERPRISE);
        p->mutable_ref()->set_id(pick(ents));
      }
      absl::StatusOr<uint64_t> id = store->Create(&ev);
      ASSERT_TRUE(id.ok()) << id.status();
      evs[*id] = ev;
    } else if (op < 65 && !ents.empty()) {
      const uint64_t id = pick(ents);
      v1::Enterprise e = RandomEnterprise(rng, &serial);
      *e.mutable_meta() = ents[id].meta();
      if (rng.Percent(40)) e.set_uscc(ents[id].uscc());  // Keep it.
      if (rng.Percent(20) && !usccs.empty()) e.set_uscc(rng.Pick(usccs));
      const uint64_t holder = e.uscc().empty() ? 0 : holder_of(e.uscc());
      absl::Status st = store->Update(&e);
      if (holder != 0 && holder != id) {
        ASSERT_EQ(st.code(), absl::StatusCode::kAlreadyExists) << st;
        EXPECT_THAT(st.message(),
                    HasSubstr(absl::StrCat("enterprise ", holder)));
        ++refused_unique;
      } else {
        ASSERT_TRUE(st.ok()) << st;
        ents[id] = e;
        if (!e.uscc().empty()) usccs.push_back(e.uscc());
      }
    } else if (op < 80 && !evs.empty()) {
      const uint64_t id = pick(evs);
      v1::Event ev = RandomEvent(rng, 0, 0);
      *ev.mutable_meta() = evs[id].meta();
      for (int i = rng.Range(0, 2); i > 0 && !ents.empty(); --i) {
        auto* p = ev.add_participants();
        p->mutable_ref()->set_kind(v1::KIND_ENTERPRISE);
        p->mutable_ref()->set_id(pick(ents));
      }
      ASSERT_TRUE(store->Update(&ev).ok());
      evs[id] = ev;
    } else if (op < 90 && !ents.empty()) {
      const uint64_t id = pick(ents);
      uint64_t referrer = 0;
      for (const auto& [eid, ev] : evs) {
        for (const auto& p : ev.participants()) {
          if (p.ref().kind() == v1::KIND_ENTERPRISE && p.ref().id() == id) {
            referrer = referrer == 0 ? eid : std::min(referrer, eid);
          }
        }
      }
      absl::Status st = store->Delete(v1::KIND_ENTERPRISE, id);
      if (referrer != 0) {
        ASSERT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
        EXPECT_THAT(st.message(),
                    HasSubstr(absl::StrCat("referenced by event ", referrer)));
        ++refused_deletes;
      } else {
        ASSERT_TRUE(st.ok()) << st;
        ents.erase(id);
      }
    } else if (!evs.empty()) {
      const uint64_t id = pick(evs);
      ASSERT_TRUE(store->Delete(v1::KIND_EVENT, id).ok());
      evs.erase(id);
    }
  }
  EXPECT_GT(refused_deletes, 0);
  EXPECT_GT(refused_unique, 0);
  ASSERT_EQ(*store->Count(v1::KIND_ENTERPRISE), ents.size());
  ASSERT_EQ(*store->Count(v1::KIND_EVENT), evs.size());

  // Verify: clean, and counts as the rows call for.
  absl::StatusOr<VerifyReport> report = store->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->problems.empty())
      << absl::StrJoin(report->problems, "\n");
  EXPECT_EQ(report->rows, ents.size() + evs.size() + 5);
  uint64_t with_uscc = 0;
  for (const auto& [id, e] : ents) with_uscc += e.uscc().empty() ? 0 : 1;
  EXPECT_EQ(report->unique_entries, with_uscc);
  // Every single-valued index has one entry per row; a multi-valued one
  // one per distinct value (only the fields set here have any).
  const KindDef ent_def = EnterpriseDef(), ev_def = EventDef();
  uint64_t expected_entries = 0;
  for (const Kind kind :
       {v1::KIND_PERSON, v1::KIND_ENTERPRISE, v1::KIND_EVENT}) {
    const uint64_t rows = kind == v1::KIND_PERSON       ? 5
                          : kind == v1::KIND_ENTERPRISE ? ents.size()
                                                        : evs.size();
    for (const model::Index* idx :
         model::IndexRegistry::Builtin().OfKind(kind)) {
      if (idx->spec.derive) {
        // Derived (search) indexes: the tuples of each stored row.
        EXPECT_TRUE(store
                        ->Scan(kind, 0,
                               [&](const Message& m) {
                                 expected_entries +=
                                     model::IndexTuples(*idx, m).size();
                                 return true;
                               })
                        .ok());
        continue;
      }
      if (!idx->multi_valued) {
        expected_entries += rows;
        continue;
      }
      const KindDef* def = kind == v1::KIND_ENTERPRISE ? &ent_def
                           : kind == v1::KIND_EVENT    ? &ev_def
                                                       : nullptr;
      if (def == nullptr || idx->paths.size() != 1) continue;
      for (const Field& f : def->fields) {
        if (f.name != idx->paths[0].text) continue;
        auto distinct = [&](const Message& m) {
          std::vector<V> xs = f.values(m);
          return std::set<V>(xs.begin(), xs.end()).size();
        };
        if (kind == v1::KIND_ENTERPRISE) {
          for (const auto& [id, e] : ents) expected_entries += distinct(e);
        } else {
          for (const auto& [id, e] : evs) expected_entries += distinct(e);
        }
      }
    }
  }
  EXPECT_EQ(report->index_entries, expected_entries);

  // Queries still agree with the rows.
  Rows ent_rows = LoadAll(*store, v1::KIND_ENTERPRISE);
  Rows ev_rows = LoadAll(*store, v1::KIND_EVENT);
  KindDef ed = EnterpriseDef(), vd = EventDef();
  FillDomains(&ed, ent_rows);
  FillDomains(&vd, ev_rows);
  for (int i = 0; i < 300; ++i) {
    const bool event = rng.Percent(50);
    const KindDef& def = event ? vd : ed;
    const Rows& rows = event ? ev_rows : ent_rows;
    RandomQuery q = MakeQuery(def, rng, true);
    absl::StatusOr<QueryPage> page = store->Query(q.text, {});
    ASSERT_TRUE(page.ok()) << q.text << ": " << page.status();
    ASSERT_EQ(Ids(*page), BruteIds(rows, q.where.get())) << q.text;
  }
}

TEST(ConsistencyTest, DeletingAReferencedRecordNamesTheReferrer) {
  TempDir tmp;
  std::unique_ptr<Store> store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  v1::Enterprise a = Named("甲"), b = Named("乙");
  ASSERT_EQ(*store->Create(&a), 1u);
  ASSERT_EQ(*store->Create(&b), 2u);
  v1::Event ev;
  ev.set_type(v1::Event::TYPE_ENTERPRISE_VISIT);
  SetDate(ev.mutable_date(), 2020, 3, 12);
  auto* p = ev.add_participants();
  p->mutable_ref()->set_kind(v1::KIND_ENTERPRISE);
  p->mutable_ref()->set_id(2);
  ASSERT_EQ(*store->Create(&ev), 1u);
  absl::Status st = store->Delete(v1::KIND_ENTERPRISE, 2);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("event 1"));
  EXPECT_THAT(st.message(), HasSubstr("participants.ref"));
  EXPECT_TRUE(store->Get(v1::KIND_ENTERPRISE, 2).ok());
  EXPECT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 1).ok());
  // Once the reference is gone the delete goes through.
  ev.clear_participants();
  ASSERT_TRUE(store->Update(&ev).ok());
  EXPECT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 2).ok());
  ExpectClean(*store);
}

}  // namespace
}  // namespace qiaolian
