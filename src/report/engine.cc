// The report engine: each figure's query (period included) runs through the
// query engine on one snapshot; the aggregate is computed here from the
// records, so that record counts (Event.count, Case.count), party lists and
// money per currency follow the spec's definitions exactly.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "qiaolian/report.h"
#include "src/query/parser.h"
#include "src/report/internal.h"
#include "src/util/status_macros.h"

namespace qiaolian {

const FigureResult* ReportResult::Find(absl::string_view id) const {
  for (const FigureResult& f : figures) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

namespace report {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Records = std::vector<const Message*>;

query::Literal DateLiteral(const ReportDate& d) {
  query::Literal l;
  l.type = query::Literal::Type::kDate;
  l.year = d.year;
  l.month = d.month;
  l.day = d.day;
  return l;
}

// The figure's query with the period's condition on its date field.
absl::StatusOr<std::string> PeriodQuery(const v1::ReportFigure& f, Kind kind,
                                        const ReportPeriod& period) {
  QL_ASSIGN_OR_RETURN(query::Query q, query::Parse(f.query()));
  if (f.period() == v1::ReportFigure::ALL_TIME) return query::ToString(q);
  query::Expr date;
  date.predicate.field =
      f.date_field().empty() ? DefaultDateField(kind) : f.date_field();
  switch (f.period()) {
    case v1::ReportFigure::BEFORE_START:
      date.predicate.op = query::Predicate::Op::kLt;
      date.predicate.values = {DateLiteral(period.from)};
      break;
    case v1::ReportFigure::UNTIL_END:
      date.predicate.op = query::Predicate::Op::kLe;
      date.predicate.values = {DateLiteral(period.to)};
      break;
    default:
      date.predicate.op = query::Predicate::Op::kBetween;
      date.predicate.values = {DateLiteral(period.from),
                               DateLiteral(period.to)};
  }
  if (!q.where.has_value()) {
    q.where = std::move(date);
  } else {
    query::Expr both;
    both.type = query::Expr::Type::kAnd;
    both.children.push_back(std::move(*q.where));
    both.children.push_back(std::move(date));
    q.where = std::move(both);
  }
  return query::ToString(q);
}

// A record's weight for COUNT: its `count` field (0 = 1), or 1.
int64_t Weight(const Message& m) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName("count");
  if (f == nullptr || f->is_repeated() ||
      f->cpp_type() != FieldDescriptor::CPPTYPE_UINT32) {
    return 1;
  }
  uint32_t n = m.GetReflection()->GetUInt32(m, f);
  return n == 0 ? 1 : n;
}

int64_t IntegerAt(const Message& holder, const FieldDescriptor* f, int i) {
  const Reflection* r = holder.GetReflection();
  const bool rep = i >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return rep ? r->GetRepeatedInt32(holder, f, i) : r->GetInt32(holder, f);
    case FieldDescriptor::CPPTYPE_INT64:
      return rep ? r->GetRepeatedInt64(holder, f, i) : r->GetInt64(holder, f);
    case FieldDescriptor::CPPTYPE_UINT32:
      return rep ? r->GetRepeatedUInt32(holder, f, i) : r->GetUInt32(holder, f);
    case FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<int64_t>(rep ? r->GetRepeatedUInt64(holder, f, i)
                                      : r->GetUInt64(holder, f));
    default:
      return 0;
  }
}

const Message* MessageAt(const Message& holder, const FieldDescriptor* f,
                         int i) {
  const Reflection* r = holder.GetReflection();
  if (i >= 0) return &r->GetRepeatedMessage(holder, f, i);
  if (!r->HasField(holder, f)) return nullptr;
  return &r->GetMessage(holder, f);
}

bool EnumMatches(const std::string& full, const std::string& wanted) {
  if (full == wanted) return true;
  size_t us = full.find('_');
  return us != std::string::npos && full.substr(us + 1) == wanted;
}

bool AnyEnumMatches(const std::string& full,
                    const google::protobuf::RepeatedPtrField<std::string>& w) {
  for (const std::string& x : w) {
    if (EnumMatches(full, x)) return true;
  }
  return false;
}

struct RefLess {
  bool operator()(const v1::Ref& a, const v1::Ref& b) const {
    return a.kind() != b.kind() ? a.kind() < b.kind() : a.id() < b.id();
  }
};

class Runner {
 public:
  Runner(const Store& store, const StoreSnapshot& snap, const Report& report,
         const ReportPeriod& period)
      : store_(store), snap_(snap), report_(report), period_(period) {}

  absl::Status RunFigure(const v1::ReportFigure& f, FigureResult* out,
                         const std::map<std::string, size_t>& done,
                         const std::vector<FigureResult>& results) {
    const std::string& where = report_.where.at(f.id());
    auto located = [&](const absl::Status& st) {
      return absl::Status(st.code(), absl::StrCat(where, ": figure \"", f.id(),
                                                  "\": ", st.message()));
    };
    if (f.aggregate() == v1::ReportFigure::RATIO ||
        f.aggregate() == v1::ReportFigure::DIFFERENCE) {
      const FigureValue& a = results[done.at(f.operands(0))].value;
      const FigureValue& b = results[done.at(f.operands(1))].value;
      out->value = f.aggregate() == v1::ReportFigure::RATIO
                       ? Ratio(a, b)
                       : Difference(f, a, b);
      return absl::OkStatus();
    }
    QL_ASSIGN_OR_RETURN(query::Query q, query::Parse(f.query()));
    absl::StatusOr<Kind> kind = ParseKind(q.kind);
    if (!kind.ok()) return located(kind.status());
    out->kind = *kind;
    absl::StatusOr<std::string> text = PeriodQuery(f, *kind, period_);
    if (!text.ok()) return located(text.status());
    out->query = *text;
    QueryOptions qo;
    qo.allow_scan = true;
    qo.snapshot = &snap_;
    // Figures with the same query and period read the same rows once.
    auto cached = rows_.find(*text);
    if (cached == rows_.end()) {
      absl::StatusOr<QueryPage> page = store_.Query(*text, qo);
      if (!page.ok()) return located(page.status());
      cached = rows_.emplace(*text, std::move(page->records)).first;
    }
    Records all;
    for (const auto& m : cached->second) all.push_back(m.get());
    const Descriptor* d = DescriptorOf(*kind);
    std::vector<Path> paths;
    for (const std::string& p : f.fields()) {
      QL_ASSIGN_OR_RETURN(Path path, ResolveFieldPath(d, p));
      paths.push_back(std::move(path));
    }
    std::set<uint64_t> target_ids;
    bool have_targets = false;
    if (!f.target_query().empty()) {
      absl::StatusOr<QueryPage> t = store_.Query(f.target_query(), qo);
      if (!t.ok()) return located(t.status());
      for (const auto& m : t->records) target_ids.insert(MetaOf(*m).id());
      QL_ASSIGN_OR_RETURN(query::Query tq, query::Parse(f.target_query()));
      QL_ASSIGN_OR_RETURN(target_kind_, ParseKind(tq.kind));
      have_targets = true;
    }
    target_ids_ = have_targets ? &target_ids : nullptr;
    entries_ = &out->unregistered_entries;
    absl::StatusOr<FigureValue> v =
        Reduce(f, paths, all, &out->ids, &out->targets, &out->unregistered);
    entries_ = nullptr;  // Groups do not list them again.
    if (!v.ok()) return located(v.status());
    out->value = *v;
    if (f.group_by_size() > 0) {
      std::vector<GroupSpec> groups;
      for (const std::string& g : f.group_by()) {
        QL_ASSIGN_OR_RETURN(GroupSpec spec, ParseGroupSpec(d, g));
        groups.push_back(std::move(spec));
      }
      std::map<std::vector<std::string>, Records> by_key;
      for (const Message* m : all) {
        std::vector<std::vector<std::string>> keys = {{}};
        for (const GroupSpec& g : groups) {
          std::set<std::string> values;
          VisitLeaves(*m, g.path,
                      [&](const Message& h, const FieldDescriptor* fd, int i) {
                        std::string v = RenderLeaf(h, fd, i);
                        if (!v.empty() && g.bucket == GroupSpec::kMonth) {
                          v = v.substr(0, 7);
                        } else if (!v.empty() && g.bucket == GroupSpec::kYear) {
                          v = v.substr(0, 4);
                        }
                        values.insert(v.empty() ? "null" : v);
                      });
          if (values.empty()) values.insert("null");
          std::vector<std::vector<std::string>> next;
          for (const auto& k : keys) {
            for (const std::string& v : values) {
              next.push_back(k);
              next.back().push_back(v);
            }
          }
          keys = std::move(next);
        }
        for (const auto& k : keys) by_key[k].push_back(m);
      }
      for (auto& [key, recs] : by_key) {
        FigureGroup g;
        g.key = key;
        std::vector<v1::Ref> targets;
        int64_t unregistered = 0;
        QL_ASSIGN_OR_RETURN(
            g.value, Reduce(f, paths, recs, &g.ids, &targets, &unregistered));
        out->groups.push_back(std::move(g));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<FigureValue> Reduce(const v1::ReportFigure& f,
                                     const std::vector<Path>& paths,
                                     const Records& recs,
                                     std::vector<uint64_t>* ids,
                                     std::vector<v1::Ref>* targets,
                                     int64_t* unregistered) {
    FigureValue v;
    ids->clear();
    switch (f.aggregate()) {
      case v1::ReportFigure::COUNT:
      case v1::ReportFigure::COUNT_RECORDS:
        for (const Message* m : recs) {
          v.number += f.aggregate() == v1::ReportFigure::COUNT ? Weight(*m) : 1;
          ids->push_back(MetaOf(*m).id());
        }
        break;
      case v1::ReportFigure::COUNT_ON_TIME:
        for (const Message* m : recs) {
          std::string done, due;
          VisitLeaves(*m, paths[0],
                      [&](const Message& h, const FieldDescriptor* fd, int i) {
                        if (done.empty()) done = RenderLeaf(h, fd, i);
                      });
          VisitLeaves(*m, paths[1],
                      [&](const Message& h, const FieldDescriptor* fd, int i) {
                        if (due.empty()) due = RenderLeaf(h, fd, i);
                      });
          if (!done.empty() && !due.empty() && done <= due) {
            v.number += Weight(*m);
            ids->push_back(MetaOf(*m).id());
          }
        }
        break;
      case v1::ReportFigure::SUM:
      case v1::ReportFigure::MAX:
      case v1::ReportFigure::MIN: {
        bool any = false;
        for (const Message* m : recs) {
          bool used = false;
          for (const Path& p : paths) {
            VisitLeaves(
                *m, p, [&](const Message& h, const FieldDescriptor* fd, int i) {
                  int64_t x = IntegerAt(h, fd, i);
                  used = true;
                  if (f.aggregate() == v1::ReportFigure::SUM) {
                    v.number += x;
                  } else if (!any) {
                    v.number = x;
                  } else if (f.aggregate() == v1::ReportFigure::MAX) {
                    v.number = std::max(v.number, x);
                  } else {
                    v.number = std::min(v.number, x);
                  }
                  any = true;
                });
          }
          if (used) ids->push_back(MetaOf(*m).id());
        }
        if (!any && f.aggregate() != v1::ReportFigure::SUM) v.empty = true;
        break;
      }
      case v1::ReportFigure::SUM_MONEY:
      case v1::ReportFigure::SUM_QUANTITY: {
        const bool money = f.aggregate() == v1::ReportFigure::SUM_MONEY;
        v.type =
            money ? FigureValue::Type::kMoney : FigureValue::Type::kQuantity;
        for (const Message* m : recs) {
          bool used = false;
          for (const Path& p : paths) {
            VisitLeaves(
                *m, p, [&](const Message& h, const FieldDescriptor* fd, int i) {
                  const Message* x = MessageAt(h, fd, i);
                  if (x == nullptr) return;
                  if (IsItem(x->GetDescriptor())) {
                    const auto& item = static_cast<const v1::Item&>(*x);
                    if (money) {
                      if (!item.has_value() || item.value().currency().empty())
                        return;
                      v.amounts[item.value().currency()] +=
                          item.value().amount_minor();
                    } else {
                      if (!f.unit().empty() && item.unit() != f.unit()) return;
                      v.amounts[item.unit()] += item.quantity();
                    }
                    used = true;
                  } else if (IsMoney(x->GetDescriptor())) {
                    const auto& mo = static_cast<const v1::Money&>(*x);
                    if (mo.currency().empty()) return;
                    v.amounts[mo.currency()] += mo.amount_minor();
                    used = true;
                  }
                });
          }
          if (used) ids->push_back(MetaOf(*m).id());
        }
        if (money) Convert(f, &v);
        break;
      }
      case v1::ReportFigure::COUNT_DISTINCT:
        QL_RETURN_IF_ERROR(
            Distinct(f, paths[0], recs, &v, ids, targets, unregistered));
        break;
      default:
        return absl::InvalidArgumentError("unsupported aggregate");
    }
    return v;
  }

  // Shows a money sum in one currency, converting with the spec's rates.
  void Convert(const v1::ReportFigure& f, FigureValue* v) const {
    std::string target = f.currency();
    if (target.empty()) {
      if (v->amounts.size() > 1) {
        std::vector<std::string> parts;
        for (const auto& [cur, amt] : v->amounts) parts.push_back(cur);
        v->error = absl::StrCat(
            "cannot compute: amounts in ", v->amounts.size(), " currencies (",
            absl::StrJoin(parts, ", "),
            ") and the figure names no currency to convert them to");
        return;
      }
      target = v->amounts.empty() ? "CNY" : v->amounts.begin()->first;
    }
    v->currency = target;
    __int128 total = 0;
    for (const auto& [cur, amt] : v->amounts) {
      if (cur == target) {
        total += amt;
        continue;
      }
      int64_t micros = 0;
      bool inverse = false;
      for (const v1::CurrencyRate& r : report_.spec.rates()) {
        if (r.from() == cur && r.to() == target) {
          ParseRate(r.rate(), &micros);
          break;
        }
        if (r.from() == target && r.to() == cur) {
          ParseRate(r.rate(), &micros);
          inverse = true;
          break;
        }
      }
      if (micros == 0) {
        v->error = absl::StrCat("cannot compute: amounts in ", cur, " and ",
                                target, " and no rate ", cur, "→", target,
                                " in the spec's rates");
        return;
      }
      // amount (minor of cur) → minor of target, rounded half up.
      __int128 num = static_cast<__int128>(amt);
      int dc = CurrencyDigits(cur), dt = CurrencyDigits(target);
      __int128 scale_num = 1, scale_den = 1;
      for (int i = 0; i < dt; ++i) scale_num *= 10;
      for (int i = 0; i < dc; ++i) scale_den *= 10;
      __int128 n, dnm;
      if (!inverse) {
        n = num * micros * scale_num;
        dnm = scale_den * 1000000;
      } else {
        n = num * 1000000 * scale_num;
        dnm = scale_den * micros;
      }
      total += (n + dnm / 2) / dnm;
    }
    v->shown_minor = static_cast<int64_t>(total);
  }

  absl::Status Distinct(const v1::ReportFigure& f, const Path& path,
                        const Records& recs, FigureValue* v,
                        std::vector<uint64_t>* ids,
                        std::vector<v1::Ref>* targets, int64_t* unregistered) {
    // The party message: the path's leaf, or the parent of a `.ref` leaf.
    Path party_path = path;
    const Descriptor* leaf_type = path.leaf()->message_type();
    if (IsRef(leaf_type) && path.fields.size() >= 2 &&
        IsParty(path.fields[path.fields.size() - 2]->message_type())) {
      party_path.fields.pop_back();
    }
    const bool party = IsParty(party_path.leaf()->message_type());
    std::set<v1::Ref, RefLess> seen;
    std::set<std::string> values;
    *unregistered = 0;
    for (const Message* m : recs) {
      bool used = false;
      if (!party) {
        VisitLeaves(*m, path,
                    [&](const Message& h, const FieldDescriptor* fd, int i) {
                      std::string s = RenderLeaf(h, fd, i);
                      if (s.empty()) return;
                      values.insert(s);
                      used = true;
                    });
        if (used) ids->push_back(MetaOf(*m).id());
        continue;
      }
      absl::Status st;
      VisitLeaves(
          *m, party_path,
          [&](const Message& h, const FieldDescriptor* fd, int i) {
            const Message* e = MessageAt(h, fd, i);
            if (e == nullptr || !st.ok()) return;
            const Descriptor* ed = e->GetDescriptor();
            const Reflection* er = e->GetReflection();
            if (f.roles_size() > 0) {
              const FieldDescriptor* role = ed->FindFieldByName("role");
              if (role == nullptr ||
                  !AnyEnumMatches(er->GetEnum(*e, role)->name(), f.roles())) {
                return;
              }
            }
            const auto& ref = static_cast<const v1::Ref&>(
                er->GetMessage(*e, ed->FindFieldByName("ref")));
            if (ref.id() != 0) {
              absl::StatusOr<bool> ok = TargetMatches(f, ref);
              if (!ok.ok()) {
                st = ok.status();
                return;
              }
              if (!*ok) return;
              seen.insert(ref);
              used = true;
              return;
            }
            if (target_ids_ != nullptr) return;  // Cannot check the target.
            if (f.categories_size() > 0) {
              const FieldDescriptor* cat = ed->FindFieldByName("category");
              if (cat == nullptr ||
                  !AnyEnumMatches(er->GetEnum(*e, cat)->name(),
                                  f.categories())) {
                return;
              }
            }
            uint32_t n = er->GetUInt32(*e, ed->FindFieldByName("count"));
            *unregistered += n == 0 ? 1 : n;
            used = true;
            if (entries_ != nullptr) {
              const FieldDescriptor* name = ed->FindFieldByName("name");
              entries_->push_back(absl::StrCat(
                  KindName(*KindOf(*m)), ":", MetaOf(*m).id(), "  ",
                  name != nullptr ? er->GetString(*e, name) : std::string(),
                  "  ×", n == 0 ? 1 : n));
            }
          });
      QL_RETURN_IF_ERROR(st);
      if (used) ids->push_back(MetaOf(*m).id());
    }
    if (party) {
      targets->assign(seen.begin(), seen.end());
      v->number = static_cast<int64_t>(seen.size()) + *unregistered;
    } else {
      v->number = static_cast<int64_t>(values.size());
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> TargetMatches(const v1::ReportFigure& f,
                                     const v1::Ref& ref) {
    if (target_ids_ != nullptr) {
      if (ref.kind() != target_kind_ || target_ids_->count(ref.id()) == 0) {
        return false;
      }
    }
    if (f.categories_size() == 0) return true;
    if (ref.kind() != v1::KIND_PERSON) return false;
    auto it = person_categories_.find(ref.id());
    if (it == person_categories_.end()) {
      v1::Person p;
      absl::Status st = snap_.Get(v1::KIND_PERSON, ref.id(), &p);
      std::set<std::string> cats;
      if (st.ok()) {
        for (int c : p.categories()) {
          cats.insert(v1::Person::Category_Name(c));
        }
      } else if (!absl::IsNotFound(st)) {
        return st;
      }
      it = person_categories_.emplace(ref.id(), std::move(cats)).first;
    }
    for (const std::string& c : it->second) {
      if (AnyEnumMatches(c, f.categories())) return true;
    }
    return false;
  }

  static FigureValue Ratio(const FigureValue& a, const FigureValue& b) {
    FigureValue v;
    v.type = FigureValue::Type::kRatio;
    if (!a.error.empty() || !b.error.empty()) {
      v.error = !a.error.empty() ? a.error : b.error;
      return v;
    }
    if (a.type != FigureValue::Type::kNumber ||
        b.type != FigureValue::Type::kNumber) {
      v.error = "cannot compute: a ratio needs two counts";
      return v;
    }
    v.numerator = a.number;
    v.denominator = b.number;
    v.empty = b.number == 0;
    return v;
  }

  static FigureValue Difference(const v1::ReportFigure& f, const FigureValue& a,
                                const FigureValue& b) {
    (void)f;
    FigureValue v = a;
    if (!a.error.empty() || !b.error.empty()) {
      v.error = !a.error.empty() ? a.error : b.error;
      return v;
    }
    if (a.type != b.type) {
      v.error = "cannot compute: the operands are of different types";
      return v;
    }
    switch (a.type) {
      case FigureValue::Type::kNumber:
        v.number = a.number - b.number;
        break;
      case FigureValue::Type::kMoney:
        if (a.currency != b.currency) {
          v.error = "cannot compute: operands in different currencies";
          break;
        }
        v.shown_minor = a.shown_minor - b.shown_minor;
        for (const auto& [c, x] : b.amounts) v.amounts[c] -= x;
        break;
      case FigureValue::Type::kQuantity:
        for (const auto& [u, x] : b.amounts) v.amounts[u] -= x;
        break;
      default:
        v.error = "cannot compute: a difference of ratios";
    }
    return v;
  }

  const Store& store_;
  const StoreSnapshot& snap_;
  const Report& report_;
  ReportPeriod period_;
  // Rows of each query run so far (period included), for this run only.
  std::map<std::string, std::vector<std::unique_ptr<Message>>> rows_;
  const std::set<uint64_t>* target_ids_ = nullptr;
  std::vector<std::string>* entries_ = nullptr;  // Unregistered, listed.
  Kind target_kind_ = v1::KIND_UNSPECIFIED;
  std::map<uint64_t, std::set<std::string>> person_categories_;
};

}  // namespace

absl::StatusOr<ReportResult> RunAt(const Store& store,
                                   const StoreSnapshot& snap,
                                   std::shared_ptr<const Report> report,
                                   const ReportPeriod& period) {
  if (FormatReportDate(period.from) > FormatReportDate(period.to)) {
    return absl::InvalidArgumentError(
        absl::StrCat("period from ", FormatReportDate(period.from),
                     " is after its end ", FormatReportDate(period.to)));
  }
  ReportResult out;
  out.report = report;
  out.period = period;
  Runner runner(store, snap, *report, period);
  std::map<std::string, size_t> done;
  for (const v1::ReportSection& sec : report->spec.sections()) {
    for (const v1::ReportFigure& f : sec.figures()) {
      FigureResult r;
      r.id = f.id();
      r.section_id = sec.id();
      r.spec = &f;
      QL_RETURN_IF_ERROR(runner.RunFigure(f, &r, done, out.figures));
      done[f.id()] = out.figures.size();
      out.figures.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace report

absl::StatusOr<ReportResult> RunReport(const Store& store,
                                       std::shared_ptr<const Report> report,
                                       const ReportPeriod& period) {
  std::unique_ptr<StoreSnapshot> snap = store.NewSnapshot();
  return report::RunAt(store, *snap, std::move(report), period);
}

absl::StatusOr<ReportResult> RunReport(const Store& store, const Report& report,
                                       const ReportPeriod& period) {
  return RunReport(store, std::make_shared<const Report>(report), period);
}

}  // namespace qiaolian
