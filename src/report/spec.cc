// Report specs: text-format parsing with positions, and the checks that make
// a spec's mistakes errors at load time (file:line:column and what was
// expected) rather than wrong numbers later.
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "qiaolian/report.h"
#include "src/model/indexes.h"
#include "src/query/parser.h"
#include "src/report/internal.h"
#include "src/util/status_macros.h"
#include "unicode/ucurr.h"

namespace qiaolian {
namespace report {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsDate(const Descriptor* d) { return d == v1::Date::descriptor(); }
bool IsRef(const Descriptor* d) { return d == v1::Ref::descriptor(); }
bool IsMoney(const Descriptor* d) { return d == v1::Money::descriptor(); }
bool IsItem(const Descriptor* d) { return d == v1::Item::descriptor(); }
bool IsInteger(const FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return true;
    default:
      return false;
  }
}
bool IsParty(const Descriptor* d) {
  if (d == nullptr) return false;
  const FieldDescriptor* ref = d->FindFieldByName("ref");
  const FieldDescriptor* count = d->FindFieldByName("count");
  return ref != nullptr && ref->message_type() == v1::Ref::descriptor() &&
         count != nullptr;
}

absl::StatusOr<Path> ResolveFieldPath(const Descriptor* d,
                                      absl::string_view text) {
  Path out;
  out.text = std::string(text);
  const Descriptor* cur = d;
  for (absl::string_view seg : absl::StrSplit(text, '.')) {
    if (cur == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("field path \"", text, "\": ", out.fields.back()->name(),
                       " is not a message, so it has no field \"", seg, "\""));
    }
    const FieldDescriptor* f = cur->FindFieldByName(std::string(seg));
    if (f == nullptr) f = cur->FindFieldByCamelcaseName(std::string(seg));
    if (f == nullptr) {
      std::vector<std::string> names;
      for (int i = 0; i < cur->field_count(); ++i) {
        names.push_back(cur->field(i)->name());
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field \"", seg, "\" in \"", text, "\"; ",
                       cur->name(), " has ", absl::StrJoin(names, ", ")));
    }
    out.fields.push_back(f);
    cur = f->message_type();
  }
  if (out.fields.empty()) {
    return absl::InvalidArgumentError("empty field path");
  }
  return out;
}

namespace {

void Visit(const Message& m, const Path& path, size_t i,
           const std::function<void(const Message&, const FieldDescriptor*,
                                    int)>& fn) {
  const FieldDescriptor* f = path.fields[i];
  const Reflection* r = m.GetReflection();
  const bool last = i + 1 == path.fields.size();
  if (f->is_repeated()) {
    const int n = r->FieldSize(m, f);
    for (int k = 0; k < n; ++k) {
      if (last) {
        fn(m, f, k);
      } else {
        Visit(r->GetRepeatedMessage(m, f, k), path, i + 1, fn);
      }
    }
    return;
  }
  if (last) {
    fn(m, f, -1);
    return;
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && r->HasField(m, f)) {
    Visit(r->GetMessage(m, f), path, i + 1, fn);
  }
}

}  // namespace

void VisitLeaves(const Message& m, const Path& path,
                 const std::function<void(const Message&,
                                          const FieldDescriptor*, int)>& fn) {
  Visit(m, path, 0, fn);
}

std::string RenderLeaf(const Message& holder, const FieldDescriptor* f,
                       int index) {
  const Reflection* r = holder.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(holder, f, index)
                 : r->GetString(holder, f);
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* v =
          rep ? r->GetRepeatedEnum(holder, f, index) : r->GetEnum(holder, f);
      if (v->number() == 0) return "";
      return v->name();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(holder, f, index)
                  : r->GetBool(holder, f))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(holder, f, index)
                              : r->GetInt32(holder, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(holder, f, index)
                              : r->GetInt64(holder, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(holder, f, index)
                              : r->GetUInt32(holder, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(holder, f, index)
                              : r->GetUInt64(holder, f));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!rep && !r->HasField(holder, f)) return "";
      const Message& v = rep ? r->GetRepeatedMessage(holder, f, index)
                             : r->GetMessage(holder, f);
      if (IsDate(v.GetDescriptor())) {
        const auto& d = static_cast<const v1::Date&>(v);
        if (d.year() == 0) return "";
        return FormatReportDate({d.year(), d.month(), d.day()});
      }
      if (IsRef(v.GetDescriptor())) {
        const auto& ref = static_cast<const v1::Ref&>(v);
        if (ref.id() == 0) return "";
        return absl::StrCat(KindName(ref.kind()), ":", ref.id());
      }
      return v.ShortDebugString();
    }
    default:
      return "";
  }
}

absl::StatusOr<GroupSpec> ParseGroupSpec(const Descriptor* d,
                                         absl::string_view text) {
  GroupSpec g;
  absl::string_view inner = absl::StripAsciiWhitespace(text);
  for (auto [name, bucket] : {std::pair{"month(", GroupSpec::kMonth},
                              std::pair{"year(", GroupSpec::kYear}}) {
    if (absl::StartsWith(inner, name) && absl::EndsWith(inner, ")")) {
      g.bucket = bucket;
      inner = inner.substr(strlen(name), inner.size() - strlen(name) - 1);
      break;
    }
  }
  QL_ASSIGN_OR_RETURN(g.path, ResolveFieldPath(d, inner));
  const FieldDescriptor* f = g.path.leaf();
  if (g.bucket != GroupSpec::kValue && !IsDate(f->message_type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "month()/year() need a date field; \"", inner, "\" is not a Date"));
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !IsDate(f->message_type()) && !IsRef(f->message_type())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot group by \"", inner, "\": it is a ", f->message_type()->name(),
        " message; name one of its fields (e.g. \"", inner, ".ref\")"));
  }
  return g;
}

std::string DefaultDateField(Kind kind) {
  switch (kind) {
    case v1::KIND_CASE:
      return "received";
    case v1::KIND_DONATION:
    case v1::KIND_EVENT:
      return "date";
    case v1::KIND_ENTERPRISE:
      return "established";
    default:
      return "";
  }
}

int CurrencyDigits(const std::string& currency) {
  if (currency.size() != 3) return 2;
  UChar code[4] = {static_cast<UChar>(currency[0]),
                   static_cast<UChar>(currency[1]),
                   static_cast<UChar>(currency[2]), 0};
  UErrorCode status = U_ZERO_ERROR;
  int32_t d = ucurr_getDefaultFractionDigits(code, &status);
  if (U_FAILURE(status) || d < 0 || d > 4) return 2;
  return d;
}

bool ParseRate(absl::string_view text, int64_t* micros) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.empty() || parts.size() > 2 || parts[0].empty()) return false;
  int64_t whole = 0, frac = 0;
  for (char c : parts[0]) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  if (!absl::SimpleAtoi(parts[0], &whole) || whole > 1000000000) return false;
  std::string f = parts.size() == 2 ? std::string(parts[1]) : "";
  if (f.size() > 6) return false;
  for (char c : f) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  f.resize(6, '0');
  if (!absl::SimpleAtoi(f, &frac)) return false;
  *micros = whole * 1000000 + frac;
  return *micros > 0;
}

namespace {

using Tree = google::protobuf::TextFormat::ParseInfoTree;

// Collects the first syntax error as "FILE:LINE:COLUMN: message".
class Collector : public google::protobuf::io::ErrorCollector {
 public:
  explicit Collector(std::string file) : file_(std::move(file)) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!first_.empty()) return;
    first_ = absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ",
                          Explain(message));
  }
  const std::string& first() const { return first_; }

 private:
  // The two quoted names of a message of the form `...LEAD a MID b"...`
  // (protobuf's wording). Plain string search: std::regex recurses once per
  // character and overflowed the stack on a 20 KB name (found by fuzzing).
  static bool TwoNames(absl::string_view message, absl::string_view lead,
                       absl::string_view mid, std::string* a, std::string* b) {
    size_t p = message.find(lead);
    if (p == absl::string_view::npos) return false;
    message.remove_prefix(p + lead.size());
    p = message.find(mid);
    if (p == absl::string_view::npos) return false;
    *a = std::string(message.substr(0, p));
    message.remove_prefix(p + mid.size());
    p = message.rfind('"');
    if (p == absl::string_view::npos) return false;
    *b = std::string(message.substr(0, p));
    return true;
  }

  // Adds what was expected to protobuf's messages about names.
  static std::string Explain(const std::string& message) {
    std::string type, name;
    if (TwoNames(message, "Message type \"", "\" has no field named \"", &type,
                 &name)) {
      const Descriptor* d = google::protobuf::DescriptorPool::generated_pool()
                                ->FindMessageTypeByName(type);
      if (d != nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < d->field_count(); ++i) {
          names.push_back(d->field(i)->name());
        }
        return absl::StrCat("unknown field \"", name, "\" in ", d->name(),
                            "; expected one of ", absl::StrJoin(names, ", "));
      }
    }
    std::string value, field;
    if (TwoNames(message, "Unknown enumeration value of \"", "\" for field \"",
                 &value, &field)) {
      for (const Descriptor* d :
           {v1::ReportFigure::descriptor(), v1::ReportChart::descriptor()}) {
        const FieldDescriptor* f = d->FindFieldByName(field);
        if (f != nullptr && f->enum_type() != nullptr) {
          std::vector<std::string> names;
          for (int i = 0; i < f->enum_type()->value_count(); ++i) {
            if (f->enum_type()->value(i)->name() != "AGGREGATE_UNSPECIFIED") {
              names.push_back(f->enum_type()->value(i)->name());
            }
          }
          return absl::StrCat("unknown ", field, " \"", value,
                              "\"; expected one of ",
                              absl::StrJoin(names, ", "));
        }
      }
    }
    return message;
  }
  std::string file_;
  std::string first_;
};

struct Checker {
  const Report& r;
  const Tree& root;

  std::string At(const Tree* t, const Descriptor* d, const char* field,
                 int index = -1) const {
    const FieldDescriptor* f = d->FindFieldByName(field);
    google::protobuf::TextFormat::ParseLocation loc;
    if (t != nullptr && f != nullptr) {
      if (f->is_repeated() && index < 0) index = 0;
      loc = t->GetLocation(f, f->is_repeated() ? index : -1);
    }
    if (loc.line < 0) return r.file;
    return absl::StrCat(r.file, ":", loc.line + 1, ":", loc.column + 1);
  }
  absl::Status Error(const std::string& where, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
  }
};

bool ValidId(absl::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) {
      return false;
    }
  }
  return true;
}

absl::Status CheckPredicateFields(const query::Expr& e, Kind kind,
                                  const Descriptor* d) {
  if (e.type != query::Expr::Type::kPredicate) {
    for (const query::Expr& c : e.children) {
      QL_RETURN_IF_ERROR(CheckPredicateFields(c, kind, d));
    }
    return absl::OkStatus();
  }
  const std::string& field = e.predicate.field;
  if (model::IndexRegistry::Builtin().FindByField(kind, field) != nullptr) {
    return absl::OkStatus();
  }
  absl::StatusOr<model::FieldPath> p = model::ResolvePath(d, field);
  if (!p.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "at column ", e.predicate.field_pos + 1, ": ", p.status().message()));
  }
  return absl::OkStatus();
}

// Parses and checks a figure's query; the kind it selects.
absl::StatusOr<Kind> CheckQuery(absl::string_view text) {
  QL_ASSIGN_OR_RETURN(query::Query q, query::Parse(text));
  absl::StatusOr<Kind> kind = ParseKind(q.kind);
  if (!kind.ok()) return kind.status();
  if (q.group_by.has_value() || !q.aggregates.empty() ||
      q.order_by.has_value() || q.limit.has_value()) {
    return absl::InvalidArgumentError(
        "a figure's query selects records only: no group by (use the "
        "figure's group_by), compute (use aggregate), order by or limit");
  }
  if (q.where.has_value()) {
    QL_RETURN_IF_ERROR(
        CheckPredicateFields(*q.where, *kind, DescriptorOf(*kind)));
  }
  return *kind;
}

// An enum value by full or short name (ROLE_VISITED or VISITED).
bool EnumHas(const EnumDescriptor* e, absl::string_view name) {
  for (int i = 0; i < e->value_count(); ++i) {
    absl::string_view full = e->value(i)->name();
    if (full == name) return true;
    size_t us = full.find('_');
    if (us != absl::string_view::npos && full.substr(us + 1) == name) {
      return true;
    }
  }
  return false;
}

std::string EnumNames(const EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 1; i < e->value_count(); ++i) {
    names.push_back(e->value(i)->name());
  }
  return absl::StrJoin(names, ", ");
}

absl::Status CheckFigure(const Checker& c, const Tree* t,
                         const v1::ReportFigure& f,
                         const std::set<std::string>& earlier,
                         const std::set<std::string>& all_ids) {
  const Descriptor* fd = v1::ReportFigure::descriptor();
  auto at = [&](const char* field, int index = -1) {
    return c.At(t, fd, field, index);
  };
  auto err = [&](const char* field, absl::string_view what, int index = -1) {
    return c.Error(at(field, index),
                   absl::StrCat("figure \"", f.id(), "\": ", what));
  };
  if (f.aggregate() == v1::ReportFigure::AGGREGATE_UNSPECIFIED) {
    return c.Error(
        at("id"),
        absl::StrCat("figure \"", f.id(), "\": no aggregate; expected one of ",
                     EnumNames(v1::ReportFigure::Aggregate_descriptor())));
  }
  if (!f.hidden() && f.label_zh().empty()) {
    return err("id", "label_zh is empty (give a label, or hidden: true)");
  }
  // Placeholders of the labels.
  for (const char* field : {"label_zh", "label_en"}) {
    const std::string& label =
        std::string(field) == "label_zh" ? f.label_zh() : f.label_en();
    size_t pos = 0;
    while ((pos = label.find('{', pos)) != std::string::npos) {
      size_t end = label.find('}', pos);
      if (end == std::string::npos) {
        return err(field, "unclosed { in the label");
      }
      std::string name = label.substr(pos + 1, end - pos - 1);
      if (name != "value" && all_ids.count(name) == 0) {
        return err(field, absl::StrCat("placeholder {", name,
                                       "} is neither {value} nor a figure "
                                       "id"));
      }
      pos = end + 1;
    }
  }
  const bool derived = f.aggregate() == v1::ReportFigure::RATIO ||
                       f.aggregate() == v1::ReportFigure::DIFFERENCE;
  if (derived) {
    if (!f.query().empty() || !f.group_by().empty()) {
      return err("aggregate",
                 "RATIO and DIFFERENCE combine two figures (operands) and "
                 "take no query or group_by");
    }
    if (f.operands_size() != 2) {
      return err("aggregate", "RATIO and DIFFERENCE need two operands");
    }
    for (int i = 0; i < 2; ++i) {
      if (earlier.count(f.operands(i)) == 0) {
        return err("operands",
                   absl::StrCat("operand \"", f.operands(i),
                                "\" is not a figure defined earlier in "
                                "the spec"),
                   i);
      }
    }
    return absl::OkStatus();
  }
  if (f.query().empty()) return err("id", "no query");
  absl::StatusOr<Kind> kind = CheckQuery(f.query());
  if (!kind.ok()) return err("query", kind.status().message());
  const Descriptor* d = DescriptorOf(*kind);
  // Date field and period.
  std::string date_field =
      f.date_field().empty() ? DefaultDateField(*kind) : f.date_field();
  if (f.period() != v1::ReportFigure::ALL_TIME) {
    if (date_field.empty()) {
      return err("query", absl::StrCat(KindName(*kind),
                                       " has no default date field: give "
                                       "date_field or period: ALL_TIME"));
    }
    absl::StatusOr<Path> p = ResolveFieldPath(d, date_field);
    if (!p.ok()) return err("date_field", p.status().message());
    if (!IsDate(p->leaf()->message_type())) {
      return err("date_field",
                 absl::StrCat("\"", date_field, "\" is not a Date field"));
    }
  }
  // Aggregate fields.
  std::vector<Path> paths;
  for (int i = 0; i < f.fields_size(); ++i) {
    absl::StatusOr<Path> p = ResolveFieldPath(d, f.fields(i));
    if (!p.ok()) return err("fields", p.status().message(), i);
    paths.push_back(*p);
  }
  auto need = [&](int n, const char* what) -> absl::Status {
    if (static_cast<int>(paths.size()) != n) {
      return err("aggregate",
                 absl::StrCat(v1::ReportFigure::Aggregate_Name(f.aggregate()),
                              " needs ", n, " field(s) in `fields`: ", what));
    }
    return absl::OkStatus();
  };
  switch (f.aggregate()) {
    case v1::ReportFigure::COUNT:
    case v1::ReportFigure::COUNT_RECORDS:
      QL_RETURN_IF_ERROR(need(0, "none"));
      break;
    case v1::ReportFigure::COUNT_DISTINCT: {
      QL_RETURN_IF_ERROR(need(1, "the field whose distinct values count"));
      const Path& p = paths[0];
      const Descriptor* party = p.leaf()->message_type();
      if (IsRef(party) && p.fields.size() >= 2) {
        party = p.fields[p.fields.size() - 2]->message_type();
      }
      const bool is_party = IsParty(party);
      if (!is_party && (f.roles_size() > 0 || f.categories_size() > 0)) {
        return err("roles", "roles and categories apply to party lists only");
      }
      if (is_party) {
        const EnumDescriptor* roles = party->FindEnumTypeByName("Role");
        for (int i = 0; i < f.roles_size(); ++i) {
          if (roles == nullptr || !EnumHas(roles, f.roles(i))) {
            return err("roles",
                       absl::StrCat("unknown role \"", f.roles(i), "\" of ",
                                    party->name(), "; expected one of ",
                                    roles ? EnumNames(roles) : ""),
                       i);
          }
        }
        for (int i = 0; i < f.categories_size(); ++i) {
          if (!EnumHas(v1::Person::Category_descriptor(), f.categories(i))) {
            return err(
                "categories",
                absl::StrCat("unknown category \"", f.categories(i),
                             "\"; expected one of ",
                             EnumNames(v1::Person::Category_descriptor())),
                i);
          }
        }
      } else if (p.leaf()->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                 !IsDate(p.leaf()->message_type()) &&
                 !IsRef(p.leaf()->message_type())) {
        return err("fields", absl::StrCat("cannot count distinct values of "
                                          "the message \"",
                                          p.text, "\""));
      }
      if (!f.target_query().empty()) {
        if (!is_party) {
          return err("target_query", "target_query applies to party lists");
        }
        absl::StatusOr<Kind> tk = CheckQuery(f.target_query());
        if (!tk.ok()) return err("target_query", tk.status().message());
      }
      break;
    }
    case v1::ReportFigure::SUM:
    case v1::ReportFigure::MAX:
    case v1::ReportFigure::MIN:
      if (paths.empty()) return need(1, "integer field(s)");
      if (f.aggregate() != v1::ReportFigure::SUM) {
        QL_RETURN_IF_ERROR(need(1, "an integer field"));
      }
      for (size_t i = 0; i < paths.size(); ++i) {
        if (!IsInteger(paths[i].leaf())) {
          return err(
              "fields",
              absl::StrCat("\"", paths[i].text, "\" is not an integer field"),
              static_cast<int>(i));
        }
      }
      break;
    case v1::ReportFigure::SUM_MONEY:
    case v1::ReportFigure::SUM_QUANTITY: {
      const bool money = f.aggregate() == v1::ReportFigure::SUM_MONEY;
      if (paths.empty()) {
        return need(1, money ? "Money or Item field(s), e.g. money, "
                               "items"
                             : "Item field(s), e.g. items");
      }
      for (size_t i = 0; i < paths.size(); ++i) {
        const Descriptor* m = paths[i].leaf()->message_type();
        if (!(IsItem(m) || (money && IsMoney(m)))) {
          return err(
              "fields",
              absl::StrCat("\"", paths[i].text, "\" is not ",
                           money ? "a Money or Item" : "an Item", " field"),
              static_cast<int>(i));
        }
      }
      break;
    }
    case v1::ReportFigure::COUNT_ON_TIME:
      QL_RETURN_IF_ERROR(need(2, "the date done and the date due"));
      for (size_t i = 0; i < 2; ++i) {
        if (!IsDate(paths[i].leaf()->message_type())) {
          return err("fields",
                     absl::StrCat("\"", paths[i].text, "\" is not a Date"),
                     static_cast<int>(i));
        }
      }
      break;
    default:
      break;
  }
  if (!f.currency().empty() &&
      (f.currency().size() != 3 || !absl::ascii_isupper(f.currency()[0]))) {
    return err("currency", "expected an ISO 4217 code such as CNY");
  }
  if (f.group_by_size() > 2) {
    return err("group_by", "at most two group_by (axis and series)", 2);
  }
  for (int i = 0; i < f.group_by_size(); ++i) {
    absl::StatusOr<GroupSpec> g = ParseGroupSpec(d, f.group_by(i));
    if (!g.ok()) return err("group_by", g.status().message(), i);
  }
  if (f.decimals() < 0 || f.decimals() > 6) {
    return err("decimals", "expected 0..6");
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace report

absl::StatusOr<Report> ParseReportSpec(absl::string_view text,
                                       absl::string_view file) {
  Report out;
  out.file = std::string(file);
  google::protobuf::TextFormat::Parser parser;
  report::Collector collector(out.file);
  report::Tree tree;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&tree);
  google::protobuf::io::ArrayInputStream in(text.data(),
                                            static_cast<int>(text.size()));
  if (!parser.Parse(&in, &out.spec)) {
    return absl::InvalidArgumentError(
        collector.first().empty() ? absl::StrCat(out.file, ": cannot parse")
                                  : collector.first());
  }
  const v1::ReportSpec& spec = out.spec;
  report::Checker c{out, tree};
  const google::protobuf::Descriptor* sd = v1::ReportSpec::descriptor();
  const google::protobuf::Descriptor* secd = v1::ReportSection::descriptor();
  const google::protobuf::FieldDescriptor* sections_f =
      sd->FindFieldByName("sections");
  const google::protobuf::FieldDescriptor* figures_f =
      secd->FindFieldByName("figures");
  if (spec.sections_size() == 0) {
    return c.Error(out.file, "the spec has no sections");
  }
  // Ids first (placeholders may name later figures).
  std::set<std::string> all_ids, figure_ids;
  std::map<std::string, const v1::ReportFigure*> by_id;
  for (int s = 0; s < spec.sections_size(); ++s) {
    const report::Tree* st = tree.GetTreeForNested(sections_f, s);
    const v1::ReportSection& sec = spec.sections(s);
    if (!report::ValidId(sec.id())) {
      return c.Error(
          c.At(st, secd, "id"),
          absl::StrCat("section id \"", sec.id(), "\": expected [a-z0-9_]+"));
    }
    if (!all_ids.insert(sec.id()).second) {
      return c.Error(c.At(st, secd, "id"),
                     absl::StrCat("duplicate id \"", sec.id(), "\""));
    }
    for (int i = 0; i < sec.figures_size(); ++i) {
      const report::Tree* ft =
          st ? st->GetTreeForNested(figures_f, i) : nullptr;
      const v1::ReportFigure& f = sec.figures(i);
      const auto* fd = v1::ReportFigure::descriptor();
      if (!report::ValidId(f.id())) {
        return c.Error(
            c.At(ft, fd, "id"),
            absl::StrCat("figure id \"", f.id(), "\": expected [a-z0-9_]+"));
      }
      if (!all_ids.insert(f.id()).second) {
        return c.Error(c.At(ft, fd, "id"),
                       absl::StrCat("duplicate id \"", f.id(), "\""));
      }
      figure_ids.insert(f.id());
      by_id[f.id()] = &f;
      out.where[f.id()] = c.At(ft, fd, f.query().empty() ? "id" : "query");
    }
  }
  std::set<std::string> earlier;
  for (int s = 0; s < spec.sections_size(); ++s) {
    const report::Tree* st = tree.GetTreeForNested(sections_f, s);
    for (int i = 0; i < spec.sections(s).figures_size(); ++i) {
      const report::Tree* ft =
          st ? st->GetTreeForNested(figures_f, i) : nullptr;
      const v1::ReportFigure& f = spec.sections(s).figures(i);
      QL_RETURN_IF_ERROR(report::CheckFigure(c, ft, f, earlier, figure_ids));
      earlier.insert(f.id());
    }
  }
  const google::protobuf::FieldDescriptor* charts_f =
      sd->FindFieldByName("charts");
  const google::protobuf::Descriptor* cd = v1::ReportChart::descriptor();
  for (int i = 0; i < spec.charts_size(); ++i) {
    const report::Tree* ct = tree.GetTreeForNested(charts_f, i);
    const v1::ReportChart& ch = spec.charts(i);
    if (ch.figures_size() == 0) {
      return c.Error(c.At(ct, cd, "id"),
                     absl::StrCat("chart \"", ch.id(), "\" draws no figures"));
    }
    for (int k = 0; k < ch.figures_size(); ++k) {
      auto it = by_id.find(ch.figures(k));
      if (it == by_id.end()) {
        return c.Error(c.At(ct, cd, "figures", k),
                       absl::StrCat("chart \"", ch.id(), "\": no figure \"",
                                    ch.figures(k), "\""));
      }
      if (it->second->group_by_size() == 0) {
        return c.Error(
            c.At(ct, cd, "figures", k),
            absl::StrCat("chart \"", ch.id(), "\": figure \"", ch.figures(k),
                         "\" has no group_by, nothing to draw"));
      }
    }
    for (int k = 0; k < ch.headline_figures_size(); ++k) {
      if (by_id.count(ch.headline_figures(k)) == 0) {
        return c.Error(c.At(ct, cd, "headline_figures", k),
                       absl::StrCat("chart \"", ch.id(), "\": no figure \"",
                                    ch.headline_figures(k), "\""));
      }
    }
  }
  const google::protobuf::FieldDescriptor* rates_f =
      sd->FindFieldByName("rates");
  const google::protobuf::Descriptor* rd = v1::CurrencyRate::descriptor();
  for (int i = 0; i < spec.rates_size(); ++i) {
    const report::Tree* rt = tree.GetTreeForNested(rates_f, i);
    const v1::CurrencyRate& rate = spec.rates(i);
    int64_t micros = 0;
    if (rate.from().size() != 3 || rate.to().size() != 3) {
      return c.Error(c.At(rt, rd, "from"),
                     "rate: from and to must be ISO 4217 codes (CNY, USD)");
    }
    if (!report::ParseRate(rate.rate(), &micros)) {
      return c.Error(c.At(rt, rd, "rate"),
                     absl::StrCat("rate \"", rate.rate(),
                                  "\": expected a positive decimal with at "
                                  "most 6 decimals, e.g. \"6.8976\""));
    }
  }
  return out;
}

absl::StatusOr<Report> LoadReportSpecFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read report spec ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseReportSpec(ss.str(), path);
}

absl::StatusOr<ReportDate> ParseReportDate(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '-');
  ReportDate d;
  if (parts.size() == 3 && parts[0].size() == 4 && parts[1].size() == 2 &&
      parts[2].size() == 2 && absl::SimpleAtoi(parts[0], &d.year) &&
      absl::SimpleAtoi(parts[1], &d.month) &&
      absl::SimpleAtoi(parts[2], &d.day) && d.year >= 1 && d.month >= 1 &&
      d.month <= 12 && d.day >= 1) {
    static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    int max = kDays[d.month - 1] - (d.month == 2 && !leap ? 1 : 0);
    if (d.day <= max) return d;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "date \"", text, "\": expected YYYY-MM-DD, a real day, e.g. 2020-01-01"));
}

std::string FormatReportDate(const ReportDate& d) {
  if (d.month == 0) return absl::StrFormat("%04d", d.year);
  if (d.day == 0) return absl::StrFormat("%04d-%02d", d.year, d.month);
  return absl::StrFormat("%04d-%02d-%02d", d.year, d.month, d.day);
}

}  // namespace qiaolian
