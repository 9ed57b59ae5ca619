#include "src/query/engine.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "qiaolian/record.h"
#include "qiaolian/v1/options.pb.h"
#include "src/ingest/headers.h"
#include "src/model/checks.h"
#include "src/model/units.h"
#include "src/query/parser.h"
#include "src/storage/key_codec.h"
#include "src/text/normalize.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"

namespace qiaolian {
namespace query {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using model::FieldPath;
using model::LeafType;
using model::LeafValue;
using Op = Predicate::Op;

// Entries counted when estimating a predicate's size.
constexpr uint64_t kEstimateCap = 4096;
// An `and` child this many times larger than the driver is checked on rows.
constexpr uint64_t kIntersectRatio = 64;
// Above this many matches, `order by` walks the order field's index instead
// of sorting fetched rows.
constexpr uint64_t kSortInMemoryMax = 20000;

absl::Status ErrorAt(size_t pos, absl::string_view msg) {
  return absl::InvalidArgumentError(
      absl::StrCat("at column ", pos + 1, ": ", msg));
}

std::string EncodeValue(const FieldPath& path, const LeafValue& v) {
  std::string s;
  model::EncodeLeaf(path, v, &s);
  return s;
}

// ---------------------------------------------------------------------------
// Rendering values as the query language writes them.

std::string RenderDate(int64_t yyyymmdd) {
  return absl::StrFormat("%04d-%02d-%02d", yyyymmdd / 10000,
                         (yyyymmdd / 100) % 100, yyyymmdd % 100);
}

std::string RenderValue(const FieldPath& path, const LeafValue& v) {
  if (v.null) return "null";
  switch (path.leaf) {
    case LeafType::kString:
      return v.s;
    case LeafType::kEnum: {
      const auto* ev = path.enum_type->FindValueByNumber(static_cast<int>(v.i));
      return ev != nullptr ? ev->name() : absl::StrCat(v.i);
    }
    case LeafType::kBool:
      return v.i ? "true" : "false";
    case LeafType::kInt:
      return absl::StrCat(v.i);
    case LeafType::kUint:
      return absl::StrCat(v.u);
    case LeafType::kDate:
      return RenderDate(v.i);
    case LeafType::kRef:
      return absl::StrCat(KindName(static_cast<Kind>(v.i)), ":", v.u);
  }
  return "?";
}

// ---------------------------------------------------------------------------
// Resolution of the AST against the schema and the indexes.

struct Pred {
  FieldPath path;
  const model::Index* index = nullptr;  // Single-field index, if any.
  Op op = Op::kEq;
  std::vector<LeafValue> values;
  std::vector<std::string> enc;  // Encoded values, parallel to `values`.
  std::string compact;           // kContains: the text, text::Compact.
  std::string text;              // For explain.
};

struct Node {
  Expr::Type type = Expr::Type::kPredicate;
  Pred pred;
  std::vector<Node> children;
};

struct Resolver {
  Kind kind;
  const Descriptor* desc;
  const model::IndexRegistry& registry;

  absl::StatusOr<FieldPath> Field(absl::string_view name, size_t pos) const {
    std::string path_of_header;  // What `name` points at, when Chinese.
    // A Chinese name (姓名, 居住国, 登记状态, 手机): the column header
    // exports write for the field, or one imports read as it
    // (src/ingest/headers.h).
    if (std::any_of(name.begin(), name.end(), [](char c) {
          return static_cast<unsigned char>(c) >= 0x80;
        })) {
      path_of_header = ingest::FieldOfHeader(kind, name);
      if (path_of_header.empty()) {
        return ErrorAt(
            pos,
            absl::StrCat("no field of ", KindName(kind), " is called \"", name,
                         "\" (a field path, or a column header as "
                         "exports write it or imports read it: ",
                         kind == v1::KIND_ENTERPRISE
                             ? "企业名称, 统一社会信用代码, 登记状态"
                             : "姓名, 性别, 出生日期, 居住国",
                         " …; docs/queries.md)"));
      }
      name = path_of_header;
    }
    // An index alias (investor_country) stands for its field.
    for (const model::Index* idx : registry.OfKind(kind)) {
      if (idx->paths.size() != 1) continue;
      for (const std::string& a : idx->spec.aliases) {
        if (a == name) return idx->paths[0];
      }
    }
    absl::StatusOr<FieldPath> p = model::ResolvePath(desc, name);
    if (!p.ok()) return ErrorAt(pos, p.status().message());
    // As the indexes resolved it: in a store with encryption at rest, an
    // indexed sensitive field carries the keyed hash its entries hold.
    if (const FieldPath* indexed = registry.FindPath(kind, p->text)) {
      return *indexed;
    }
    return p;
  }

  // INVALID_ARGUMENT when `path` is an encrypted field whose index holds
  // keyed hashes and `what` (an ordering use) cannot work on them.
  static absl::Status CheckOrderable(const FieldPath& path, size_t pos,
                                     absl::string_view what) {
    if (path.keyed == nullptr) return absl::OkStatus();
    return ErrorAt(
        pos, absl::StrCat(
                 what, " cannot use ", path.text,
                 ": the store encrypts it, and its index holds keyed hashes, "
                 "which have no order; use =, !=, in, exists or not exists"));
  }

  absl::StatusOr<LeafValue> Value(const FieldPath& path,
                                  const Literal& lit) const {
    LeafValue v;
    v.null = false;
    auto mismatch = [&](absl::string_view expected) {
      return ErrorAt(lit.pos, absl::StrCat(path.text, " takes ", expected));
    };
    switch (path.leaf) {
      case LeafType::kString:
        if (lit.type != Literal::Type::kString) {
          return mismatch("a quoted string, e.g. \"KE\"");
        }
        v.s = lit.text;
        return v;
      case LeafType::kEnum: {
        if (lit.type == Literal::Type::kInteger) {
          v.i = lit.integer;
          return v;
        }
        if (lit.type != Literal::Type::kIdentifier &&
            lit.type != Literal::Type::kString) {
          return mismatch(absl::StrCat("a value of ", path.enum_type->name()));
        }
        // Full name (STATUS_ACTIVE) or short (ACTIVE, active), or, as a
        // string, one of its Chinese labels (男, 存续, 走访企业: the
        // (qiaolian.v1.label) options of the schema).
        const std::string upper = absl::AsciiStrToUpper(lit.text);
        std::vector<std::string> names;
        for (int i = 0; i < path.enum_type->value_count(); ++i) {
          const auto* ev = path.enum_type->value(i);
          if (ev->number() == 0) continue;
          const google::protobuf::EnumValueOptions& vo = ev->options();
          absl::string_view shortname = ev->name();
          shortname.remove_prefix(
              std::min(shortname.size(), shortname.find('_') + 1));
          bool labelled = false;
          for (int j = 0; j < vo.ExtensionSize(v1::label); ++j) {
            labelled =
                labelled || (lit.type == Literal::Type::kString &&
                             absl::EqualsIgnoreCase(
                                 vo.GetExtension(v1::label, j), lit.text));
          }
          if (labelled || ev->name() == lit.text || ev->name() == upper ||
              shortname == upper) {
            v.i = ev->number();
            return v;
          }
          names.push_back(vo.ExtensionSize(v1::label) > 0
                              ? absl::StrCat(shortname, " (",
                                             vo.GetExtension(v1::label, 0), ")")
                              : std::string(shortname));
        }
        return ErrorAt(
            lit.pos,
            absl::StrCat("\"", lit.text, "\" is not a value of ",
                         path.enum_type->full_name(), " (expected one of: ",
                         absl::StrJoin(names, ", "), ")"));
      }
      case LeafType::kBool:
        if (lit.type == Literal::Type::kIdentifier &&
            (absl::EqualsIgnoreCase(lit.text, "true") ||
             absl::EqualsIgnoreCase(lit.text, "false"))) {
          v.i = absl::EqualsIgnoreCase(lit.text, "true") ? 1 : 0;
          return v;
        }
        if (lit.type == Literal::Type::kString &&
            (lit.text == "是" || lit.text == "否")) {
          v.i = lit.text == "是" ? 1 : 0;
          return v;
        }
        return mismatch("true or false (是 or 否)");
      case LeafType::kInt:
        if (lit.type != Literal::Type::kInteger) return mismatch("an integer");
        v.i = lit.integer;
        return v;
      case LeafType::kUint:
        if (lit.type != Literal::Type::kInteger || lit.integer < 0) {
          return mismatch("a non-negative integer");
        }
        v.u = static_cast<uint64_t>(lit.integer);
        return v;
      case LeafType::kDate: {
        if (lit.type != Literal::Type::kDate) {
          return mismatch("a date such as 2020-01-06");
        }
        v1::Date d;
        d.set_year(lit.year);
        d.set_month(lit.month);
        d.set_day(lit.day);
        absl::Status st = model::CheckDate(d);
        if (!st.ok()) return ErrorAt(lit.pos, st.message());
        v.i = int64_t{lit.year} * 10000 + lit.month * 100 + lit.day;
        return v;
      }
      case LeafType::kRef: {
        if (lit.type != Literal::Type::kRef) {
          return mismatch("a reference such as enterprise:42");
        }
        absl::StatusOr<Kind> k = ParseKind(lit.text);
        if (!k.ok()) return ErrorAt(lit.pos, k.status().message());
        v.i = *k;
        v.u = static_cast<uint64_t>(lit.integer);
        return v;
      }
    }
    return mismatch("?");
  }

  absl::StatusOr<Node> Resolve(const Expr& e) const {
    Node n;
    n.type = e.type;
    if (e.type != Expr::Type::kPredicate) {
      for (const Expr& c : e.children) {
        QL_ASSIGN_OR_RETURN(Node child, Resolve(c));
        n.children.push_back(std::move(child));
      }
      return n;
    }
    const Predicate& p = e.predicate;
    Pred& r = n.pred;
    QL_ASSIGN_OR_RETURN(r.path, Field(p.field, p.field_pos));
    r.index = registry.FindByField(kind, r.path.text);
    r.op = p.op;
    if ((p.op == Op::kPrefix || p.op == Op::kContains) &&
        r.path.leaf != LeafType::kString) {
      return ErrorAt(
          p.field_pos,
          absl::StrCat(p.op == Op::kPrefix ? "prefix" : "contains",
                       " needs a text field; ", r.path.text, " is not text"));
    }
    switch (p.op) {
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
      case Op::kBetween:
      case Op::kPrefix:
        QL_RETURN_IF_ERROR(
            CheckOrderable(r.path, p.field_pos, "a range or prefix"));
        break;
      default:
        break;
    }
    std::vector<std::string> shown;
    for (const Literal& lit : p.values) {
      QL_ASSIGN_OR_RETURN(LeafValue v, Value(r.path, lit));
      r.enc.push_back(EncodeValue(r.path, v));
      shown.push_back(RenderValue(r.path, v));
      r.values.push_back(std::move(v));
    }
    if (p.op == Op::kContains) {
      r.compact = text::Compact(r.values[0].s);
      if (r.compact.empty()) {
        return ErrorAt(p.values[0].pos,
                       "contains needs a text with letters, digits or Chinese "
                       "characters");
      }
    }
    static const char* kOps[] = {"=",      "!=",     "<",          "<=",
                                 ">",      ">=",     "between",    "in",
                                 "prefix", "exists", "not exists", "contains"};
    r.text = absl::StrCat(r.path.text, " ", kOps[static_cast<int>(p.op)]);
    if (!shown.empty()) {
      absl::StrAppend(
          &r.text, " ",
          absl::StrJoin(shown, p.op == Op::kBetween ? " and " : ", "));
    }
    return n;
  }
};

// ---------------------------------------------------------------------------
// Evaluation of a predicate tree on a record (filters, and the reference
// semantics the index plans must agree with).

bool EvalPred(const Pred& p, const Message& record) {
  std::vector<LeafValue> raw = model::ExtractValues(record, p.path);
  std::vector<std::string> vals;
  std::vector<const LeafValue*> leaves;
  for (const LeafValue& v : raw) {
    if (v.null) continue;
    vals.push_back(EncodeValue(p.path, v));
    leaves.push_back(&v);
  }
  auto any = [&](auto pred) {
    for (size_t i = 0; i < vals.size(); ++i) {
      if (pred(vals[i], *leaves[i])) return true;
    }
    return false;
  };
  switch (p.op) {
    case Op::kEq:
      return any([&](const std::string& v, auto&) { return v == p.enc[0]; });
    case Op::kNe:
      return !any([&](const std::string& v, auto&) { return v == p.enc[0]; });
    case Op::kLt:
      return any([&](const std::string& v, auto&) { return v < p.enc[0]; });
    case Op::kLe:
      return any([&](const std::string& v, auto&) { return v <= p.enc[0]; });
    case Op::kGt:
      return any([&](const std::string& v, auto&) { return v > p.enc[0]; });
    case Op::kGe:
      return any([&](const std::string& v, auto&) { return v >= p.enc[0]; });
    case Op::kBetween:
      return any([&](const std::string& v, auto&) {
        return v >= p.enc[0] && v <= p.enc[1];
      });
    case Op::kIn:
      return any([&](const std::string& v, auto&) {
        return std::find(p.enc.begin(), p.enc.end(), v) != p.enc.end();
      });
    case Op::kPrefix:
      return any([&](const std::string&, const LeafValue& l) {
        return absl::StartsWith(l.s, p.values[0].s);
      });
    case Op::kContains:
      // As search compares texts: case, width, spaces and traditional
      // characters folded (text::Compact), 台山 in 廣東台山 and Chee in
      // LIM CHEE MENG.
      return any([&](const std::string&, const LeafValue& l) {
        return absl::StrContains(text::Compact(l.s), p.compact);
      });
    case Op::kExists:
      return !vals.empty();
    case Op::kNotExists:
      return vals.empty();
  }
  return false;
}

bool Eval(const Node& n, const Message& record) {
  switch (n.type) {
    case Expr::Type::kPredicate:
      return EvalPred(n.pred, record);
    case Expr::Type::kAnd:
      for (const Node& c : n.children) {
        if (!Eval(c, record)) return false;
      }
      return true;
    case Expr::Type::kOr:
      for (const Node& c : n.children) {
        if (Eval(c, record)) return true;
      }
      return false;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Id streams.

class IdStream {
 public:
  virtual ~IdStream() = default;
  virtual bool Valid() const = 0;
  virtual uint64_t id() const = 0;
  virtual void Next() = 0;
  // Moves to the first id >= target (never backwards).
  virtual void SeekTo(uint64_t target) = 0;
  virtual absl::Status status() const { return absl::OkStatus(); }
};

// Entries `prefix` + id:u64 (an equality on an index), or rows of a kind.
class PrefixStream : public IdStream {
 public:
  PrefixStream(leveldb::Iterator* it, std::string prefix)
      : it_(it), prefix_(std::move(prefix)) {
    it_->Seek(prefix_);
    Load();
  }
  bool Valid() const override { return valid_; }
  uint64_t id() const override { return id_; }
  void Next() override {
    it_->Next();
    Load();
  }
  void SeekTo(uint64_t target) override {
    if (!valid_ || target <= id_) return;
    std::string k = prefix_;
    storage::PutU64(&k, target);
    it_->Seek(k);
    Load();
  }
  absl::Status status() const override {
    return storage::FromLevelDb(it_->status(), "reading index");
  }

 private:
  void Load() {
    valid_ = false;
    if (!it_->Valid() || !it_->key().starts_with(prefix_) ||
        it_->key().size() != prefix_.size() + 8) {
      return;
    }
    absl::string_view tail(it_->key().data() + prefix_.size(), 8);
    valid_ = storage::GetU64(&tail, &id_);
  }
  std::unique_ptr<leveldb::Iterator> it_;
  std::string prefix_;
  bool valid_ = false;
  uint64_t id_ = 0;
};

class VectorStream : public IdStream {
 public:
  explicit VectorStream(std::vector<uint64_t> ids) : ids_(std::move(ids)) {}
  bool Valid() const override { return pos_ < ids_.size(); }
  uint64_t id() const override { return ids_[pos_]; }
  void Next() override { ++pos_; }
  void SeekTo(uint64_t target) override {
    pos_ = std::lower_bound(ids_.begin() + pos_, ids_.end(), target) -
           ids_.begin();
  }

 private:
  std::vector<uint64_t> ids_;
  size_t pos_ = 0;
};

class UnionStream : public IdStream {
 public:
  explicit UnionStream(std::vector<std::unique_ptr<IdStream>> c)
      : c_(std::move(c)) {
    Settle();
  }
  bool Valid() const override { return valid_; }
  uint64_t id() const override { return id_; }
  void Next() override {
    for (auto& s : c_) {
      if (s->Valid() && s->id() == id_) s->Next();
    }
    Settle();
  }
  void SeekTo(uint64_t target) override {
    for (auto& s : c_) s->SeekTo(target);
    Settle();
  }
  absl::Status status() const override {
    for (auto& s : c_) QL_RETURN_IF_ERROR(s->status());
    return absl::OkStatus();
  }

 private:
  void Settle() {
    valid_ = false;
    for (auto& s : c_) {
      if (s->Valid() && (!valid_ || s->id() < id_)) {
        id_ = s->id();
        valid_ = true;
      }
    }
  }
  std::vector<std::unique_ptr<IdStream>> c_;
  bool valid_ = false;
  uint64_t id_ = 0;
};

// Leapfrog intersection: every child seeks to the largest current id until
// all agree.
class IntersectStream : public IdStream {
 public:
  explicit IntersectStream(std::vector<std::unique_ptr<IdStream>> c)
      : c_(std::move(c)) {
    Align();
  }
  bool Valid() const override { return valid_; }
  uint64_t id() const override { return id_; }
  void Next() override {
    c_[0]->Next();
    Align();
  }
  void SeekTo(uint64_t target) override {
    c_[0]->SeekTo(target);
    Align();
  }
  absl::Status status() const override {
    for (auto& s : c_) QL_RETURN_IF_ERROR(s->status());
    return absl::OkStatus();
  }

 private:
  void Align() {
    valid_ = false;
    if (!c_[0]->Valid()) return;
    uint64_t target = c_[0]->id();
    for (;;) {
      bool agreed = true;
      for (auto& s : c_) {
        s->SeekTo(target);
        if (!s->Valid()) return;
        if (s->id() != target) {
          target = s->id();
          agreed = false;
        }
      }
      if (agreed) break;
    }
    id_ = target;
    valid_ = true;
  }
  std::vector<std::unique_ptr<IdStream>> c_;
  bool valid_ = false;
  uint64_t id_ = 0;
};

// Ids of `all` that are not in `minus`.
class DifferenceStream : public IdStream {
 public:
  DifferenceStream(std::unique_ptr<IdStream> all,
                   std::unique_ptr<IdStream> minus)
      : all_(std::move(all)), minus_(std::move(minus)) {
    Skip();
  }
  bool Valid() const override { return all_->Valid(); }
  uint64_t id() const override { return all_->id(); }
  void Next() override {
    all_->Next();
    Skip();
  }
  void SeekTo(uint64_t target) override {
    all_->SeekTo(target);
    Skip();
  }
  absl::Status status() const override {
    QL_RETURN_IF_ERROR(all_->status());
    return minus_->status();
  }

 private:
  void Skip() {
    while (all_->Valid()) {
      minus_->SeekTo(all_->id());
      if (!minus_->Valid() || minus_->id() != all_->id()) return;
      all_->Next();
    }
  }
  std::unique_ptr<IdStream> all_, minus_;
};

// ---------------------------------------------------------------------------
// Planning.

struct Ctx {
  const storage::Db& db;
  const model::IndexRegistry& registry;
  Kind kind;
  const leveldb::Snapshot* snap;
  // Whether predicate sizes matter (they choose drivers and sort
  // strategies); a lone predicate without `order by` skips counting.
  bool estimate = true;
  mutable std::optional<uint64_t> rows_cache;

  // Live records of the kind (the store's counter), read once.
  uint64_t Rows() const {
    if (!rows_cache.has_value()) {
      uint64_t n = 0;
      absl::StatusOr<std::optional<std::string>> v = db.Get(
          storage::MetaKey(absl::StrCat("count/", KindName(kind))), snap);
      if (v.ok() && v->has_value()) {
        absl::string_view in = **v;
        if (!storage::GetU64(&in, &n)) n = 0;
      }
      rows_cache = n;
    }
    return *rows_cache;
  }

  leveldb::Iterator* NewIterator() const {
    return db.raw()->NewIterator(storage::ReadOpts(snap));
  }
  std::string RowIdPrefix() const { return storage::RowPrefix(kind); }
};

// Counts entries in [begin, end) up to `cap`.
uint64_t CountRange(const Ctx& ctx, const std::string& begin,
                    const std::string& end, uint64_t cap) {
  std::unique_ptr<leveldb::Iterator> it(ctx.NewIterator());
  uint64_t n = 0;
  for (it->Seek(begin); it->Valid() && n < cap; it->Next()) {
    absl::string_view k(it->key().data(), it->key().size());
    if (!end.empty() && k >= end) break;
    ++n;
  }
  return n;
}

// Collects the ids of index entries in [begin, end), sorted and distinct.
absl::StatusOr<std::vector<uint64_t>> CollectRange(const Ctx& ctx,
                                                   const std::string& begin,
                                                   const std::string& end) {
  std::unique_ptr<leveldb::Iterator> it(ctx.NewIterator());
  std::vector<uint64_t> ids;
  for (it->Seek(begin); it->Valid(); it->Next()) {
    absl::string_view k(it->key().data(), it->key().size());
    if (!end.empty() && k >= end) break;
    absl::string_view tail = k.substr(k.size() - 8);
    uint64_t id = 0;
    if (!storage::GetU64(&tail, &id)) {
      return absl::DataLossError("malformed index entry");
    }
    ids.push_back(id);
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading index"));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

struct Plan {
  bool has_stream = false;
  bool exact = false;  // The stream yields exactly the matching ids.
  uint64_t estimate = 0;
  std::vector<std::string> explain;  // Lines, indented by depth.
  std::function<absl::StatusOr<std::unique_ptr<IdStream>>()> make;
};

// Key ranges of one predicate on its index.
struct Ranges {
  std::vector<std::pair<std::string, std::string>> ranges;  // [begin, end)
  bool id_ordered = false;  // Single prefix of an equality: ids in order.
};

Ranges RangesOf(const Pred& p) {
  const std::string base = storage::IndexPrefix(p.index->spec.id);
  const std::string after_base = storage::PrefixSuccessor(base);
  // Present values start after the Null tag.
  std::string first_value = base;
  first_value.push_back(static_cast<char>(storage::kTagNull + 1));
  auto eq = [&](const std::string& enc) { return base + enc; };
  Ranges r;
  switch (p.op) {
    case Op::kEq:
      r.ranges.push_back(
          {eq(p.enc[0]), storage::PrefixSuccessor(eq(p.enc[0]))});
      r.id_ordered = true;
      break;
    case Op::kIn:
      for (const std::string& e : p.enc) {
        r.ranges.push_back({eq(e), storage::PrefixSuccessor(eq(e))});
      }
      break;
    case Op::kLt:
      r.ranges.push_back({first_value, eq(p.enc[0])});
      break;
    case Op::kLe:
      r.ranges.push_back({first_value, storage::PrefixSuccessor(eq(p.enc[0]))});
      break;
    case Op::kGt:
      r.ranges.push_back({storage::PrefixSuccessor(eq(p.enc[0])), after_base});
      break;
    case Op::kGe:
      r.ranges.push_back({eq(p.enc[0]), after_base});
      break;
    case Op::kBetween:
      r.ranges.push_back(
          {eq(p.enc[0]), storage::PrefixSuccessor(eq(p.enc[1]))});
      break;
    case Op::kPrefix: {
      std::string k = base;
      storage::PutString(&k, p.values[0].s);
      k.resize(k.size() - 2);  // Drop the terminator: a byte prefix.
      r.ranges.push_back({k, storage::PrefixSuccessor(k)});
      break;
    }
    case Op::kExists:
      r.ranges.push_back({first_value, after_base});
      break;
    case Op::kNe:  // Single-valued: below and above the value.
      r.ranges.push_back({base, eq(p.enc[0])});
      r.ranges.push_back({storage::PrefixSuccessor(eq(p.enc[0])), after_base});
      break;
    case Op::kNotExists: {  // Single-valued: the Null entries.
      std::string k = base;
      storage::PutNull(&k);
      r.ranges.push_back({k, storage::PrefixSuccessor(k)});
      r.id_ordered = true;
      break;
    }
    case Op::kContains:  // Never planned on an index (PlanPred).
      break;
  }
  return r;
}

Plan AllRowsPlan(const Ctx& ctx) {
  const uint64_t rows = ctx.Rows();
  Plan p;
  p.has_stream = true;
  p.exact = true;
  p.estimate = rows;
  p.explain.push_back(
      absl::StrCat("all ", KindName(ctx.kind), " rows by id (", rows, ")"));
  p.make = [&ctx]() -> absl::StatusOr<std::unique_ptr<IdStream>> {
    return std::unique_ptr<IdStream>(
        new PrefixStream(ctx.NewIterator(), ctx.RowIdPrefix()));
  };
  return p;
}

void Indent(std::vector<std::string>* lines) {
  for (std::string& l : *lines) l.insert(0, "  ");
}

Plan PlanPred(const Ctx& ctx, const Pred& p) {
  Plan plan;
  if (p.index == nullptr) {
    plan.explain.push_back(absl::StrCat("filter ", p.text, " (no index)"));
    return plan;
  }
  if (p.op == Op::kContains) {  // Text inside values: no index finds it.
    plan.explain.push_back(
        absl::StrCat("filter ", p.text, " (checked on each row)"));
    return plan;
  }
  const bool multi = p.index->multi_valued;
  // Complements on multi-valued fields: all rows minus the positive set.
  if (multi && (p.op == Op::kNe || p.op == Op::kNotExists)) {
    Pred positive = p;
    positive.op = p.op == Op::kNe ? Op::kEq : Op::kExists;
    Ranges r = RangesOf(positive);
    plan.has_stream = true;
    plan.exact = true;
    plan.estimate = ctx.Rows();
    plan.explain.push_back(absl::StrCat("all rows except index ", p.index->name,
                                        " (", p.text, ")"));
    plan.make = [&ctx, r]() -> absl::StatusOr<std::unique_ptr<IdStream>> {
      std::vector<uint64_t> minus;
      for (const auto& [b, e] : r.ranges) {
        QL_ASSIGN_OR_RETURN(std::vector<uint64_t> ids, CollectRange(ctx, b, e));
        minus.insert(minus.end(), ids.begin(), ids.end());
      }
      std::sort(minus.begin(), minus.end());
      minus.erase(std::unique(minus.begin(), minus.end()), minus.end());
      return std::unique_ptr<IdStream>(new DifferenceStream(
          std::make_unique<PrefixStream>(ctx.NewIterator(), ctx.RowIdPrefix()),
          std::make_unique<VectorStream>(std::move(minus))));
    };
    return plan;
  }
  plan.has_stream = true;
  plan.exact = true;
  // Equality on a unique index: one Get.
  if (p.op == Op::kEq && p.index->spec.unique) {
    const std::string uk = storage::UniquePrefix(p.index->spec.id) + p.enc[0];
    plan.estimate = 1;
    plan.explain.push_back(
        absl::StrCat("unique key ", p.index->name, " (", p.text, ")"));
    plan.make = [&ctx, uk]() -> absl::StatusOr<std::unique_ptr<IdStream>> {
      QL_ASSIGN_OR_RETURN(std::optional<std::string> v,
                          ctx.db.Get(uk, ctx.snap));
      std::vector<uint64_t> ids;
      if (v.has_value()) {
        absl::string_view in = *v;
        uint64_t id = 0;
        if (!storage::GetU64(&in, &id)) {
          return absl::DataLossError("malformed unique key");
        }
        ids.push_back(id);
      }
      return std::unique_ptr<IdStream>(new VectorStream(std::move(ids)));
    };
    return plan;
  }
  Ranges r = RangesOf(p);
  std::string size = "size not estimated (nothing to compare)";
  if (ctx.estimate) {
    for (const auto& [b, e] : r.ranges) {
      plan.estimate += CountRange(ctx, b, e, kEstimateCap);
    }
    size = absl::StrCat("~", plan.estimate,
                        plan.estimate >= kEstimateCap ? "+" : "", " entries");
  } else {
    plan.estimate = kEstimateCap;
  }
  const bool id_ordered = r.id_ordered || p.op == Op::kIn;
  plan.explain.push_back(absl::StrCat(
      "index ", p.index->name, " (", p.text, "), ",
      id_ordered ? "ids in order" : "ids collected and sorted", ", ", size));
  plan.make = [&ctx, r,
               in = p.op ==
                    Op::kIn]() -> absl::StatusOr<std::unique_ptr<IdStream>> {
    if (r.id_ordered || in) {
      std::vector<std::unique_ptr<IdStream>> parts;
      for (const auto& range : r.ranges) {
        parts.push_back(
            std::make_unique<PrefixStream>(ctx.NewIterator(), range.first));
      }
      if (parts.size() == 1) return std::move(parts[0]);
      return std::unique_ptr<IdStream>(new UnionStream(std::move(parts)));
    }
    std::vector<uint64_t> all;
    for (const auto& [b, e] : r.ranges) {
      QL_ASSIGN_OR_RETURN(std::vector<uint64_t> ids, CollectRange(ctx, b, e));
      all.insert(all.end(), ids.begin(), ids.end());
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return std::unique_ptr<IdStream>(new VectorStream(std::move(all)));
  };
  return plan;
}

Plan PlanNode(const Ctx& ctx, const Node& n);

// A composite index whose every component has an equality among `preds`.
Plan PlanComposite(const Ctx& ctx, const std::vector<const Pred*>& eqs) {
  Plan best;
  for (const model::Index* idx : ctx.registry.OfKind(ctx.kind)) {
    if (idx->paths.size() < 2) continue;
    std::string prefix = storage::IndexPrefix(idx->spec.id);
    std::vector<std::string> used;
    for (const FieldPath& fp : idx->paths) {
      const Pred* match = nullptr;
      for (const Pred* p : eqs) {
        if (p->path.text == fp.text) match = p;
      }
      if (match == nullptr) {
        prefix.clear();
        break;
      }
      prefix += match->enc[0];
      used.push_back(match->text);
    }
    if (prefix.empty()) continue;
    Plan p;
    p.has_stream = true;
    p.exact = false;  // Covers only its own predicates; rows re-checked.
    p.estimate =
        CountRange(ctx, prefix, storage::PrefixSuccessor(prefix), kEstimateCap);
    if (best.has_stream && best.estimate <= p.estimate) continue;
    p.explain.push_back(absl::StrCat(
        "composite index ", idx->name, " (", absl::StrJoin(used, ", "),
        "), ids in order, ~", p.estimate, " entries"));
    p.make = [&ctx, prefix]() -> absl::StatusOr<std::unique_ptr<IdStream>> {
      return std::unique_ptr<IdStream>(
          new PrefixStream(ctx.NewIterator(), prefix));
    };
    best = std::move(p);
  }
  return best;
}

Plan PlanAnd(const Ctx& ctx, const Node& n) {
  std::vector<Plan> streams;
  std::vector<std::string> filters;
  std::vector<const Pred*> eqs;
  bool exact = true;
  for (const Node& c : n.children) {
    if (c.type == Expr::Type::kPredicate && c.pred.op == Op::kEq) {
      eqs.push_back(&c.pred);
    }
    Plan p = PlanNode(ctx, c);
    if (p.has_stream) {
      streams.push_back(std::move(p));
    } else {
      exact = false;
      for (auto& l : p.explain) filters.push_back(l);
    }
  }
  Plan composite = PlanComposite(ctx, eqs);
  if (composite.has_stream) streams.push_back(std::move(composite));
  Plan plan;
  if (streams.empty()) {
    plan.explain = filters;
    return plan;
  }
  std::stable_sort(
      streams.begin(), streams.end(),
      [](const Plan& a, const Plan& b) { return a.estimate < b.estimate; });
  const uint64_t driver = streams[0].estimate;
  std::vector<Plan> used;
  for (Plan& p : streams) {
    if (!used.empty() &&
        p.estimate > std::max<uint64_t>(driver, 1) * kIntersectRatio) {
      exact = false;
      filters.push_back(absl::StrCat("checked on rows (", p.estimate,
                                     "+ entries, larger than the driver):"));
      for (auto& l : p.explain) filters.push_back("  " + l);
      continue;
    }
    exact = exact && p.exact;
    used.push_back(std::move(p));
  }
  plan.has_stream = true;
  plan.exact = exact;
  plan.estimate = driver;
  if (used.size() == 1) {
    plan = std::move(used[0]);
    plan.exact = exact;
  } else {
    plan.explain.push_back(
        absl::StrCat("intersect (leapfrog by id) of ", used.size(), ":"));
    auto makers = std::make_shared<std::vector<Plan>>(std::move(used));
    for (const Plan& p : *makers) {
      std::vector<std::string> lines = p.explain;
      Indent(&lines);
      plan.explain.insert(plan.explain.end(), lines.begin(), lines.end());
    }
    plan.make = [makers]() -> absl::StatusOr<std::unique_ptr<IdStream>> {
      std::vector<std::unique_ptr<IdStream>> parts;
      for (const Plan& p : *makers) {
        QL_ASSIGN_OR_RETURN(std::unique_ptr<IdStream> s, p.make());
        parts.push_back(std::move(s));
      }
      return std::unique_ptr<IdStream>(new IntersectStream(std::move(parts)));
    };
  }
  if (!filters.empty()) {
    plan.explain.push_back("then on each fetched row:");
    Indent(&filters);
    plan.explain.insert(plan.explain.end(), filters.begin(), filters.end());
  }
  return plan;
}

Plan PlanOr(const Ctx& ctx, const Node& n) {
  std::vector<Plan> parts;
  Plan plan;
  bool exact = true;
  for (const Node& c : n.children) {
    Plan p = PlanNode(ctx, c);
    if (!p.has_stream) {
      plan.explain.push_back("or: a branch has no index:");
      Indent(&p.explain);
      plan.explain.insert(plan.explain.end(), p.explain.begin(),
                          p.explain.end());
      return plan;
    }
    exact = exact && p.exact;
    plan.estimate += p.estimate;
    parts.push_back(std::move(p));
  }
  plan.has_stream = true;
  plan.exact = exact;
  plan.explain.push_back(
      absl::StrCat("union (merge by id) of ", parts.size(), ":"));
  auto makers = std::make_shared<std::vector<Plan>>(std::move(parts));
  for (const Plan& p : *makers) {
    std::vector<std::string> lines = p.explain;
    Indent(&lines);
    plan.explain.insert(plan.explain.end(), lines.begin(), lines.end());
  }
  plan.make = [makers]() -> absl::StatusOr<std::unique_ptr<IdStream>> {
    std::vector<std::unique_ptr<IdStream>> s;
    for (const Plan& p : *makers) {
      QL_ASSIGN_OR_RETURN(std::unique_ptr<IdStream> one, p.make());
      s.push_back(std::move(one));
    }
    return std::unique_ptr<IdStream>(new UnionStream(std::move(s)));
  };
  return plan;
}

Plan PlanNode(const Ctx& ctx, const Node& n) {
  switch (n.type) {
    case Expr::Type::kPredicate:
      return PlanPred(ctx, n.pred);
    case Expr::Type::kAnd:
      return PlanAnd(ctx, n);
    case Expr::Type::kOr:
      return PlanOr(ctx, n);
  }
  return Plan();
}

// ---------------------------------------------------------------------------
// A prepared query: parsed, resolved, planned, on one snapshot.

uint64_t Fingerprint(absl::string_view s) {  // FNV-1a, stable across runs.
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<uint8_t>(c);
    h *= 1099511628211ull;
  }
  return h;
}

struct Cursor {
  uint64_t fingerprint = 0;
  uint64_t emitted = 0;
  uint64_t last_id = 0;
  std::string sort_key;
};

std::string EncodeCursor(const Cursor& c) {
  std::string raw;
  storage::PutU8(&raw, 1);
  storage::PutU64(&raw, c.fingerprint);
  storage::PutU64(&raw, c.emitted);
  storage::PutU64(&raw, c.last_id);
  raw += c.sort_key;
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<Cursor> DecodeCursor(absl::string_view text, uint64_t fp) {
  std::string raw;
  Cursor c;
  uint8_t version = 0;
  absl::string_view in;
  if (!absl::WebSafeBase64Unescape(text, &raw)) goto bad;
  in = raw;
  if (!storage::GetU8(&in, &version) || version != 1 ||
      !storage::GetU64(&in, &c.fingerprint) ||
      !storage::GetU64(&in, &c.emitted) || !storage::GetU64(&in, &c.last_id)) {
    goto bad;
  }
  c.sort_key = std::string(in);
  if (c.fingerprint != fp) {
    return absl::InvalidArgumentError(
        "cursor belongs to a different query; cursors resume only the query "
        "that returned them");
  }
  return c;
bad:
  return absl::InvalidArgumentError(
      "malformed cursor: pass back next_cursor exactly as returned");
}

class Prepared {
 public:
  // Reads at `at` when given (the caller's snapshot, which must outlive
  // this), else at a snapshot of its own.
  Prepared(const storage::Db& db, const model::IndexRegistry& registry,
           const leveldb::Snapshot* at = nullptr)
      : db_(db), registry_(registry) {
    if (at == nullptr) own_snap_.emplace(db.raw());
    snap_ = at != nullptr ? at : own_snap_->get();
  }

  absl::Status Init(absl::string_view text, const QueryOptions& options) {
    QL_ASSIGN_OR_RETURN(q_, Parse(text));
    absl::StatusOr<Kind> kind = ParseKind(q_.kind);
    if (!kind.ok()) return ErrorAt(q_.kind_pos, kind.status().message());
    ctx_ = std::make_unique<Ctx>(
        Ctx{db_, registry_, *kind, snap_, true, std::nullopt});
    Resolver resolver{*kind, DescriptorOf(*kind), registry_};
    if (q_.order_by.has_value()) {
      QL_ASSIGN_OR_RETURN(order_path_,
                          resolver.Field(q_.order_by->field, q_.order_by->pos));
      QL_RETURN_IF_ERROR(
          Resolver::CheckOrderable(order_path_, q_.order_by->pos, "order by"));
      order_index_ = registry_.FindByField(*kind, order_path_.text);
      // Walking an index (WalkOrderIndex) finds only records with entries:
      // a multi-valued field's index has none for records without a value.
      if (order_index_ != nullptr && order_index_->multi_valued) {
        order_index_ = nullptr;
      }
    }
    if (!q_.where.has_value()) {
      plan_ = AllRowsPlan(*ctx_);
      return absl::OkStatus();
    }
    QL_ASSIGN_OR_RETURN(Node root, resolver.Resolve(*q_.where));
    where_ = std::make_unique<Node>(std::move(root));
    // A lone predicate's size only matters for choosing how to sort.
    ctx_->estimate =
        where_->type != Expr::Type::kPredicate || q_.order_by.has_value();
    plan_ = PlanNode(*ctx_, *where_);
    if (!plan_.has_stream) {
      if (!options.allow_scan) {
        std::vector<std::string> fields;
        for (const model::Index* idx : registry_.OfKind(*kind)) {
          if (idx->paths.size() == 1) fields.push_back(idx->paths[0].text);
        }
        return absl::FailedPreconditionError(absl::StrCat(
            "no index serves this query (", absl::StrJoin(plan_.explain, "; "),
            "); indexed fields of ", KindName(*kind), ": ",
            absl::StrJoin(fields, ", "),
            ". Combine with an indexed predicate "
            "using `and`, or allow a full scan (--allow-scan) of ",
            ctx_->Rows(), " ", KindName(*kind), " records"));
      }
      std::vector<std::string> why = plan_.explain;
      plan_ = AllRowsPlan(*ctx_);
      plan_.exact = false;
      plan_.explain[0] = absl::StrCat("FULL SCAN of ", KindName(*kind), " (",
                                      ctx_->Rows(), " rows): no index serves");
      Indent(&why);
      plan_.explain.insert(plan_.explain.end(), why.begin(), why.end());
    }
    return absl::OkStatus();
  }

  // Reads `id`'s row into `*out`; false when there is none.
  absl::StatusOr<bool> FetchRow(uint64_t id, Message* out) const {
    const std::string key = storage::RowKey(ctx_->kind, id);
    QL_ASSIGN_OR_RETURN(std::optional<std::string> row, db_.Get(key, snap_));
    if (!row.has_value()) return false;
    QL_RETURN_IF_ERROR(storage::DecodeRow(db_, ctx_->kind, id, *row, out));
    return true;
  }

  // Reads a row the plan's stream produced; false when it does not match.
  absl::StatusOr<bool> Fetch(uint64_t id, Message* out) const {
    QL_ASSIGN_OR_RETURN(bool found, FetchRow(id, out));
    if (!found) return false;
    return !NeedsRowCheck() || Eval(*where_, *out);
  }

  bool NeedsRowCheck() const { return !plan_.exact && where_ != nullptr; }

  // The key a record sorts by: its smallest (ascending) or largest
  // (descending) value of the order field; Null when it has none.
  std::string SortKey(const Message& m) const {
    std::vector<LeafValue> values = model::ExtractValues(m, order_path_);
    std::string best;
    bool have = false;
    for (const LeafValue& v : values) {
      if (v.null) continue;
      std::string e = EncodeValue(order_path_, v);
      if (!have || (descending() ? e > best : e < best)) best = std::move(e);
      have = true;
    }
    if (!have) storage::PutNull(&best);
    return best;
  }

  bool descending() const {
    return q_.order_by.has_value() && q_.order_by->descending;
  }

  absl::StatusOr<QueryPage> Run(const QueryOptions& options) const {
    Cursor cursor;
    bool resume = !options.cursor.empty();
    if (resume) {
      QL_ASSIGN_OR_RETURN(cursor, DecodeCursor(options.cursor, Fingerprint()));
    }
    const uint64_t limit = q_.limit.value_or(UINT64_MAX);
    uint64_t room = limit > cursor.emitted ? limit - cursor.emitted : 0;
    const bool paged = options.page_size != 0 && options.page_size < room;
    if (paged) room = options.page_size;
    QueryPage page;
    Cursor last = cursor;
    last.fingerprint = 0;  // Set when a cursor is returned.
    bool more = false;
    auto emit = [&](std::unique_ptr<Message> m, std::string sort_key) {
      last.last_id = MetaOf(*m).id();
      last.sort_key = std::move(sort_key);
      ++last.emitted;
      page.records.push_back(std::move(m));
    };

    if (!q_.order_by.has_value()) {
      QL_ASSIGN_OR_RETURN(std::unique_ptr<IdStream> s, plan_.make());
      if (resume) s->SeekTo(cursor.last_id + 1);
      for (; s->Valid(); s->Next()) {
        std::unique_ptr<Message> m = NewRecord(ctx_->kind);
        QL_ASSIGN_OR_RETURN(bool match, Fetch(s->id(), m.get()));
        if (!match) continue;
        if (page.records.size() == room) {
          more = true;
          break;
        }
        emit(std::move(m), "");
      }
      QL_RETURN_IF_ERROR(s->status());
    } else if (order_index_ != nullptr && plan_.estimate > kSortInMemoryMax) {
      QL_RETURN_IF_ERROR(
          WalkOrderIndex(resume, cursor, room, &page, &last, &more));
    } else {
      // Fetch every match, sort by (key, id), skip to the cursor.
      QL_ASSIGN_OR_RETURN(std::unique_ptr<IdStream> s, plan_.make());
      std::vector<std::pair<std::string, std::unique_ptr<Message>>> all;
      for (; s->Valid(); s->Next()) {
        std::unique_ptr<Message> m = NewRecord(ctx_->kind);
        QL_ASSIGN_OR_RETURN(bool match, Fetch(s->id(), m.get()));
        if (!match) continue;
        std::string key = SortKey(*m);
        all.emplace_back(std::move(key), std::move(m));
      }
      QL_RETURN_IF_ERROR(s->status());
      const bool desc = descending();
      auto before = [desc](const std::string& ka, uint64_t ia,
                           const std::string& kb, uint64_t ib) {
        if (ka != kb) return desc ? ka > kb : ka < kb;
        return desc ? ia > ib : ia < ib;
      };
      std::sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
        return before(a.first, MetaOf(*a.second).id(), b.first,
                      MetaOf(*b.second).id());
      });
      for (auto& [key, m] : all) {
        if (resume &&
            !before(cursor.sort_key, cursor.last_id, key, MetaOf(*m).id())) {
          continue;
        }
        if (page.records.size() == room) {
          more = true;
          break;
        }
        emit(std::move(m), key);
      }
    }
    // Nothing remains once the limit is reached.
    if (more && last.emitted < limit) {
      last.fingerprint = Fingerprint();
      page.next_cursor = EncodeCursor(last);
    }
    return page;
  }

  // Walks the order field's index in order, emitting matching records at
  // their own sort key (so a multi-valued field lists each record once).
  absl::Status WalkOrderIndex(bool resume, const Cursor& cursor, uint64_t room,
                              QueryPage* page, Cursor* last, bool* more) const {
    const std::string base = storage::IndexPrefix(order_index_->spec.id);
    std::unique_ptr<leveldb::Iterator> it(ctx_->NewIterator());
    const bool desc = descending();
    if (resume) {
      std::string pos = base + cursor.sort_key;
      storage::PutU64(&pos, cursor.last_id);
      it->Seek(pos);
      if (desc) {
        if (it->Valid()) {
          it->Prev();
        } else {
          it->SeekToLast();
        }
      } else if (it->Valid() && it->key() == pos) {
        it->Next();
      }
    } else if (desc) {
      it->Seek(storage::PrefixSuccessor(base));
      if (it->Valid()) {
        it->Prev();
      } else {
        it->SeekToLast();
      }
    } else {
      it->Seek(base);
    }
    for (; it->Valid() && it->key().starts_with(base);
         desc ? it->Prev() : it->Next()) {
      absl::string_view k(it->key().data(), it->key().size());
      if (k.size() < base.size() + 8) continue;
      absl::string_view value =
          k.substr(base.size(), k.size() - base.size() - 8);
      absl::string_view tail = k.substr(k.size() - 8);
      uint64_t id = 0;
      if (!storage::GetU64(&tail, &id)) continue;
      // Rows come from the order index, not the plan: check the whole
      // where clause on each.
      std::unique_ptr<Message> m = NewRecord(ctx_->kind);
      QL_ASSIGN_OR_RETURN(bool found, FetchRow(id, m.get()));
      if (!found) continue;
      if (where_ != nullptr && !Eval(*where_, *m)) continue;
      if (SortKey(*m) != value) continue;  // Listed at another value.
      if (page->records.size() == room) {
        *more = true;
        break;
      }
      last->last_id = id;
      last->sort_key = std::string(value);
      ++last->emitted;
      page->records.push_back(std::move(m));
    }
    return storage::FromLevelDb(it->status(), "reading order index");
  }

  std::string Explain() const {
    std::vector<std::string> lines;
    lines.push_back(ToString(q_));
    std::vector<std::string> body = plan_.explain;
    if (plan_.has_stream && NeedsRowCheck()) {
      body.push_back("rows re-checked against the whole where clause");
    }
    if (q_.order_by.has_value()) {
      if (order_index_ != nullptr && plan_.estimate > kSortInMemoryMax) {
        body.push_back(absl::StrCat("order: walk index ", order_index_->name,
                                    descending() ? " backwards" : "",
                                    ", checking each row against the query"));
      } else {
        body.push_back(absl::StrCat("order: fetch matches, sort by ",
                                    order_path_.text,
                                    descending() ? " desc" : "", " in memory"));
      }
    } else {
      body.push_back("order: by id");
    }
    if (q_.limit.has_value()) body.push_back(absl::StrCat("limit ", *q_.limit));
    Indent(&body);
    lines.insert(lines.end(), body.begin(), body.end());
    return absl::StrJoin(lines, "\n");
  }

  const Query& query() const { return q_; }
  const Plan& plan() const { return plan_; }
  const Ctx& ctx() const { return *ctx_; }
  const Node* where() const { return where_.get(); }
  uint64_t rows() const { return ctx_->Rows(); }
  // Identifies the query for its cursors (computed only when needed).
  uint64_t Fingerprint() const { return query::Fingerprint(ToString(q_)); }

 private:
  const storage::Db& db_;
  const model::IndexRegistry& registry_;
  std::optional<storage::Snapshot> own_snap_;
  const leveldb::Snapshot* snap_ = nullptr;
  Query q_;
  std::unique_ptr<Ctx> ctx_;
  std::unique_ptr<Node> where_;
  Plan plan_;
  FieldPath order_path_;
  const model::Index* order_index_ = nullptr;
};

// ---------------------------------------------------------------------------
// Aggregates.

// A path for `sum`: to Money, Item, or an integer field.
struct SumPath {
  std::vector<const FieldDescriptor*> fields;
  enum { kMoney, kItem, kNumber } what = kNumber;
  FieldPath number;  // kNumber
};

absl::StatusOr<SumPath> ResolveSumPath(const Descriptor* d,
                                       absl::string_view text, size_t pos) {
  SumPath out;
  const Descriptor* cur = d;
  for (absl::string_view seg : absl::StrSplit(text, '.')) {
    const FieldDescriptor* f =
        cur == nullptr ? nullptr : cur->FindFieldByName(std::string(seg));
    if (f == nullptr && cur != nullptr) {
      f = cur->FindFieldByCamelcaseName(std::string(seg));
    }
    if (f == nullptr) {
      return ErrorAt(pos,
                     absl::StrCat("unknown field \"", seg, "\" in ", text));
    }
    out.fields.push_back(f);
    cur = f->message_type();
  }
  if (cur == v1::Money::descriptor()) {
    out.what = SumPath::kMoney;
    return out;
  }
  if (cur == v1::Item::descriptor()) {
    out.what = SumPath::kItem;
    return out;
  }
  absl::StatusOr<FieldPath> p = model::ResolvePath(d, text);
  if (!p.ok() || (p->leaf != LeafType::kInt && p->leaf != LeafType::kUint)) {
    return ErrorAt(pos, absl::StrCat("sum needs a Money, Item or integer "
                                     "field; ",
                                     text, " is not one"));
  }
  out.number = *p;
  return out;
}

void CollectMessages(const Message& m,
                     const std::vector<const FieldDescriptor*>& fields,
                     size_t depth, std::vector<const Message*>* out) {
  const FieldDescriptor* f = fields[depth];
  const auto* r = m.GetReflection();
  const bool last = depth + 1 == fields.size();
  if (f->is_repeated()) {
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      const Message& sub = r->GetRepeatedMessage(m, f, i);
      if (last) {
        out->push_back(&sub);
      } else {
        CollectMessages(sub, fields, depth + 1, out);
      }
    }
    return;
  }
  if (!r->HasField(m, f)) return;
  if (last) {
    out->push_back(&r->GetMessage(m, f));
  } else {
    CollectMessages(r->GetMessage(m, f), fields, depth + 1, out);
  }
}

struct Column {
  Aggregate::Fn fn;
  std::string name;
  FieldPath path;  // count distinct, min, max
  SumPath sum;     // sum
};

struct GroupState {
  std::string render;
  std::vector<uint64_t> ids;
  std::vector<AggregateValue> values;
  std::vector<std::set<std::string>> distinct;
  std::vector<std::string> extreme;  // Encoded min/max so far.
};

int64_t Bucket(GroupBy::Bucket b, int64_t yyyymmdd) {
  switch (b) {
    case GroupBy::Bucket::kMonth:
      return yyyymmdd / 100;
    case GroupBy::Bucket::kYear:
      return yyyymmdd / 10000;
    case GroupBy::Bucket::kValue:
      break;
  }
  return yyyymmdd;
}

std::string RenderBucket(GroupBy::Bucket b, const FieldPath& path,
                         const LeafValue& v) {
  if (v.null) return "null";
  if (b == GroupBy::Bucket::kMonth) {
    return absl::StrFormat("%04d-%02d", v.i / 100, v.i % 100);
  }
  if (b == GroupBy::Bucket::kYear) return absl::StrCat(v.i);
  return RenderValue(path, v);
}

std::string ColumnName(const Aggregate& a, absl::string_view field) {
  switch (a.fn) {
    case Aggregate::Fn::kCount:
      return "count";
    case Aggregate::Fn::kCountDistinct:
      return absl::StrCat("count distinct ", field);
    case Aggregate::Fn::kSum:
      return absl::StrCat("sum ", field);
    case Aggregate::Fn::kMin:
      return absl::StrCat("min ", field);
    case Aggregate::Fn::kMax:
      return absl::StrCat("max ", field);
  }
  return "?";
}

}  // namespace

absl::StatusOr<QueryPage> RunQuery(const storage::Db& db,
                                   const model::IndexRegistry& registry,
                                   absl::string_view text,
                                   const QueryOptions& options,
                                   const leveldb::Snapshot* at) {
  Prepared p(db, registry, at);
  QL_RETURN_IF_ERROR(p.Init(text, options));
  if (!p.query().aggregates.empty() || p.query().group_by.has_value()) {
    return absl::InvalidArgumentError(
        "this is an aggregate query (group by / compute): run it with "
        "count/aggregate, not as a row query");
  }
  return p.Run(options);
}

absl::StatusOr<std::string> Explain(const storage::Db& db,
                                    const model::IndexRegistry& registry,
                                    absl::string_view text,
                                    const QueryOptions& options,
                                    const leveldb::Snapshot* at) {
  Prepared p(db, registry, at);
  QL_RETURN_IF_ERROR(p.Init(text, options));
  return p.Explain();
}

absl::StatusOr<AggregateResult> RunAggregate(
    const storage::Db& db, const model::IndexRegistry& registry,
    absl::string_view text, const QueryOptions& options,
    const leveldb::Snapshot* at) {
  Prepared p(db, registry, at);
  QL_RETURN_IF_ERROR(p.Init(text, options));
  const Query& q = p.query();
  const Ctx& ctx = p.ctx();
  const Descriptor* desc = DescriptorOf(ctx.kind);
  Resolver resolver{ctx.kind, desc, registry};
  if (q.order_by.has_value() || q.limit.has_value()) {
    return absl::InvalidArgumentError(
        "order by and limit do not apply to aggregate queries (groups come "
        "ordered by key)");
  }

  std::vector<Aggregate> aggs = q.aggregates;
  if (aggs.empty()) aggs.push_back(Aggregate{});
  std::vector<Column> cols;
  bool counts_only = true;
  for (const Aggregate& a : aggs) {
    Column c;
    c.fn = a.fn;
    switch (a.fn) {
      case Aggregate::Fn::kCount:
        break;
      case Aggregate::Fn::kSum: {
        QL_ASSIGN_OR_RETURN(c.sum, ResolveSumPath(desc, a.field, a.pos));
        counts_only = false;
        break;
      }
      default: {
        QL_ASSIGN_OR_RETURN(c.path, resolver.Field(a.field, a.pos));
        counts_only = false;
      }
    }
    c.name = ColumnName(a, c.fn == Aggregate::Fn::kSum ? a.field : c.path.text);
    cols.push_back(std::move(c));
  }
  FieldPath group_path;
  const model::Index* group_index = nullptr;
  GroupBy::Bucket bucket = GroupBy::Bucket::kValue;
  if (q.group_by.has_value()) {
    QL_ASSIGN_OR_RETURN(group_path,
                        resolver.Field(q.group_by->field, q.group_by->pos));
    QL_RETURN_IF_ERROR(
        Resolver::CheckOrderable(group_path, q.group_by->pos, "group by"));
    bucket = q.group_by->bucket;
    if (bucket != GroupBy::Bucket::kValue &&
        group_path.leaf != LeafType::kDate) {
      return ErrorAt(q.group_by->pos,
                     absl::StrCat("month()/year() need a date field; ",
                                  group_path.text, " is not a date"));
    }
    group_index = registry.FindByField(ctx.kind, group_path.text);
    if (group_index == nullptr && !options.allow_scan) {
      return ErrorAt(q.group_by->pos,
                     absl::StrCat("group by needs an indexed field; ",
                                  group_path.text, " has no index"));
    }
  }

  std::map<std::string, GroupState> groups;
  auto group_for = [&](const std::string& key,
                       const std::string& render) -> GroupState& {
    GroupState& g = groups[key];
    if (g.values.empty()) {
      g.render = render;
      g.values.resize(cols.size());
      g.distinct.resize(cols.size());
      g.extreme.resize(cols.size());
    }
    return g;
  };

  QL_ASSIGN_OR_RETURN(std::unique_ptr<IdStream> stream, p.plan().make());
  // Counts need no rows when the ids are exact and any group field has an
  // index to read values from.
  const bool from_entries = counts_only && !p.NeedsRowCheck() &&
                            (!q.group_by.has_value() || group_index != nullptr);
  if (!q.group_by.has_value()) group_for("", "");  // A count of 0 is a row.
  if (from_entries) {
    // Answered from ids and index entries alone.
    if (!q.group_by.has_value()) {
      GroupState& g = groups[""];
      for (; stream->Valid(); stream->Next()) g.ids.push_back(stream->id());
      QL_RETURN_IF_ERROR(stream->status());
    } else if (group_index != nullptr) {
      std::vector<uint64_t> match;
      const bool all = q.where == std::nullopt;
      // A record with no value of a multi-valued field has no entry; it
      // belongs to the "null" group, found from the matching ids.
      const bool multi = group_index->multi_valued;
      std::set<uint64_t> grouped;
      if (!all || multi) {
        for (; stream->Valid(); stream->Next()) match.push_back(stream->id());
        QL_RETURN_IF_ERROR(stream->status());
      }
      const std::string base = storage::IndexPrefix(group_index->spec.id);
      std::unique_ptr<leveldb::Iterator> it(ctx.NewIterator());
      // Entries come sorted by value: runs of one value share a group.
      std::string last_value;
      GroupState* last_group = nullptr;
      for (it->Seek(base); it->Valid() && it->key().starts_with(base);
           it->Next()) {
        absl::string_view k(it->key().data(), it->key().size());
        absl::string_view value =
            k.substr(base.size(), k.size() - base.size() - 8);
        absl::string_view tail = k.substr(k.size() - 8);
        uint64_t id = 0;
        if (!storage::GetU64(&tail, &id)) continue;
        if (!all && !std::binary_search(match.begin(), match.end(), id)) {
          continue;
        }
        if (last_group != nullptr && value == last_value) {
          last_group->ids.push_back(id);
          if (multi) grouped.insert(id);
          continue;
        }
        // Decode the leaf value to bucket and render it.
        LeafValue v;
        absl::string_view in = value;
        storage::Component c;
        storage::Direction dir;
        if (storage::GetComponent(&in, &c, &dir)) {
          if (const auto* i = std::get_if<int64_t>(&c)) {
            v.null = false;
            v.i = *i;
            if (group_path.leaf == LeafType::kRef &&
                storage::GetComponent(&in, &c, &dir)) {
              if (const auto* u = std::get_if<uint64_t>(&c)) v.u = *u;
            }
          } else if (const auto* u = std::get_if<uint64_t>(&c)) {
            v.null = false;
            v.u = *u;
          } else if (const auto* s = std::get_if<std::string>(&c)) {
            v.null = false;
            v.s = *s;
          }
        }
        std::string key(value);
        if (!v.null && group_path.leaf == LeafType::kDate) {
          v.i = Bucket(bucket, v.i);
          key.clear();
          storage::PutInt64(&key, v.i);
        }
        last_group = &group_for(key, RenderBucket(bucket, group_path, v));
        last_value = std::string(value);
        last_group->ids.push_back(id);
        if (multi) grouped.insert(id);
      }
      QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "grouping"));
      std::string null_key;
      storage::PutNull(&null_key);
      for (uint64_t id : match) {
        if (multi && grouped.count(id) == 0) {
          group_for(null_key, "null").ids.push_back(id);
        }
      }
    }
  } else {
    std::unique_ptr<Message> m = NewRecord(ctx.kind);
    for (; stream->Valid(); stream->Next()) {
      QL_ASSIGN_OR_RETURN(bool match, p.Fetch(stream->id(), m.get()));
      if (!match) continue;
      const uint64_t id = stream->id();
      std::vector<std::pair<std::string, std::string>> keys;  // key, render
      if (!q.group_by.has_value()) {
        keys.emplace_back("", "");
      } else {
        for (LeafValue v : model::ExtractValues(*m, group_path)) {
          if (!v.null && group_path.leaf == LeafType::kDate) {
            v.i = Bucket(bucket, v.i);
          }
          std::string key;
          if (!v.null && group_path.leaf == LeafType::kDate) {
            storage::PutInt64(&key, v.i);
          } else {
            model::EncodeLeaf(group_path, v, &key);
          }
          keys.emplace_back(std::move(key),
                            RenderBucket(bucket, group_path, v));
        }
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        if (keys.empty()) {  // No element of a repeated field: "null".
          std::string null_key;
          storage::PutNull(&null_key);
          keys.emplace_back(std::move(null_key), "null");
        }
      }
      for (const auto& [key, render] : keys) {
        GroupState& g = group_for(key, render);
        g.ids.push_back(id);
        for (size_t i = 0; i < cols.size(); ++i) {
          const Column& c = cols[i];
          AggregateValue& out = g.values[i];
          switch (c.fn) {
            case Aggregate::Fn::kCount:
              break;
            case Aggregate::Fn::kCountDistinct:
              for (const LeafValue& v : model::ExtractValues(*m, c.path)) {
                if (!v.null) g.distinct[i].insert(EncodeValue(c.path, v));
              }
              break;
            case Aggregate::Fn::kSum: {
              if (c.sum.what == SumPath::kNumber) {
                for (const LeafValue& v :
                     model::ExtractValues(*m, c.sum.number)) {
                  out.total += c.sum.number.leaf == LeafType::kUint
                                   ? static_cast<int64_t>(v.u)
                                   : v.i;
                }
                break;
              }
              std::vector<const Message*> found;
              CollectMessages(*m, c.sum.fields, 0, &found);
              for (const Message* f : found) {
                const v1::Money* money = nullptr;
                if (c.sum.what == SumPath::kItem) {
                  const auto& item = static_cast<const v1::Item&>(*f);
                  if (item.quantity() != 0 || !item.unit().empty()) {
                    // Per canonical unit ("boxes" adds to 箱), as donation
                    // totals do; a unit stored before the vocabulary
                    // existed is kept as written.
                    absl::StatusOr<std::string> unit =
                        model::CanonicalUnit(item.unit());
                    out.quantities[unit.ok() ? *unit : item.unit()] +=
                        item.quantity();
                  }
                  if (item.has_value()) money = &item.value();
                } else {
                  money = static_cast<const v1::Money*>(f);
                }
                if (money != nullptr && (money->amount_minor() != 0 ||
                                         !money->currency().empty())) {
                  out.money[money->currency()] += money->amount_minor();
                }
              }
              break;
            }
            case Aggregate::Fn::kMin:
            case Aggregate::Fn::kMax:
              for (const LeafValue& v : model::ExtractValues(*m, c.path)) {
                if (v.null) continue;
                std::string e = EncodeValue(c.path, v);
                const bool better =
                    g.extreme[i].empty() ||
                    (c.fn == Aggregate::Fn::kMin ? e < g.extreme[i]
                                                 : e > g.extreme[i]);
                if (better) {
                  g.extreme[i] = e;
                  out.value = RenderValue(c.path, v);
                }
              }
              break;
          }
        }
      }
    }
    QL_RETURN_IF_ERROR(stream->status());
  }

  AggregateResult result;
  for (const Column& c : cols) {
    result.columns.push_back(c.name);
    switch (c.fn) {
      case Aggregate::Fn::kCount:
      case Aggregate::Fn::kCountDistinct:
        result.column_kinds.push_back("count");
        break;
      case Aggregate::Fn::kSum:
        result.column_kinds.push_back(c.sum.what == SumPath::kMoney ? "money"
                                      : c.sum.what == SumPath::kItem
                                          ? "items"
                                          : "number");
        break;
      default:
        result.column_kinds.push_back("value");
    }
  }
  for (auto& [key, g] : groups) {
    if (!std::is_sorted(g.ids.begin(), g.ids.end())) {
      std::sort(g.ids.begin(), g.ids.end());
    }
    g.ids.erase(std::unique(g.ids.begin(), g.ids.end()), g.ids.end());
    AggregateGroup out;
    out.key = g.render;
    out.values = std::move(g.values);
    for (size_t i = 0; i < cols.size(); ++i) {
      if (cols[i].fn == Aggregate::Fn::kCount)
        out.values[i].count = g.ids.size();
      if (cols[i].fn == Aggregate::Fn::kCountDistinct) {
        out.values[i].count = g.distinct[i].size();
      }
    }
    out.ids = std::move(g.ids);
    result.groups.push_back(std::move(out));
  }
  return result;
}

}  // namespace query

std::string AggregateResult::ToJson(bool with_ids) const {
  std::vector<std::string> cols;
  for (const std::string& c : columns) cols.push_back(JsonQuote(c));
  std::vector<std::string> groups_json;
  for (const AggregateGroup& g : groups) {
    std::vector<std::string> vals;
    for (size_t i = 0; i < g.values.size(); ++i) {
      const AggregateValue& v = g.values[i];
      const std::string& kind =
          i < column_kinds.size() ? column_kinds[i] : std::string("count");
      if (kind == "count") {
        vals.push_back(absl::StrCat(v.count));
      } else if (kind == "money" || kind == "items") {
        std::vector<std::string> money, qty;
        for (const auto& [cur, amt] : v.money) {
          money.push_back(absl::StrCat(JsonQuote(cur), ":", amt));
        }
        std::string obj =
            absl::StrCat("{\"money\":{", absl::StrJoin(money, ","), "}");
        if (kind == "items") {
          for (const auto& [unit, q] : v.quantities) {
            qty.push_back(absl::StrCat(JsonQuote(unit), ":", q));
          }
          absl::StrAppend(&obj, ",\"quantities\":{", absl::StrJoin(qty, ","),
                          "}");
        }
        vals.push_back(obj + "}");
      } else if (kind == "number") {
        vals.push_back(absl::StrCat(v.total));
      } else {
        vals.push_back(v.value.empty() ? "null" : JsonQuote(v.value));
      }
    }
    std::string g_json =
        absl::StrCat("{\"key\":", JsonQuote(g.key), ",\"values\":[",
                     absl::StrJoin(vals, ","), "]");
    if (with_ids) {
      absl::StrAppend(&g_json, ",\"ids\":[", absl::StrJoin(g.ids, ","), "]");
    }
    g_json += "}";
    groups_json.push_back(std::move(g_json));
  }
  std::vector<std::string> kinds;
  for (const std::string& k : column_kinds) kinds.push_back(JsonQuote(k));
  return absl::StrCat("{\"columns\":[", absl::StrJoin(cols, ","),
                      "],\"column_kinds\":[", absl::StrJoin(kinds, ","),
                      "],\"groups\":[", absl::StrJoin(groups_json, ","), "]}");
}

}  // namespace qiaolian
