// Masking driven by the schema's (qiaolian.v1.sensitive) field options
// (proto/qiaolian/v1/options.proto, include/qiaolian/privacy.h).
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "qiaolian/privacy.h"
#include "qiaolian/v1/options.pb.h"

namespace qiaolian {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Splits UTF-8 text into code points (bytes of invalid sequences one each).
std::vector<std::string> CodePoints(absl::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (i + len > s.size()) len = 1;
    out.emplace_back(s.substr(i, len));
    i += len;
  }
  return out;
}

// Keeps the first `head` and last `tail` characters and replaces the others
// with '*'; when that would hide nothing, every character is replaced.
std::string KeepEnds(absl::string_view s, size_t head, size_t tail) {
  const std::vector<std::string> cps = CodePoints(s);
  const size_t n = cps.size();
  if (n <= head + tail) return std::string(n, '*');
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i < head || i >= n - tail) {
      out += cps[i];
    } else {
      out.push_back('*');
    }
  }
  return out;
}

std::string MaskEmail(absl::string_view value) {
  const size_t at = value.rfind('@');
  if (at == absl::string_view::npos || at == 0) return KeepEnds(value, 1, 0);
  return absl::StrCat(CodePoints(value.substr(0, at)).front(), "***",
                      value.substr(at));
}

std::string MaskText(const v1::MaskRule& rule, absl::string_view value) {
  if (value.empty()) return "";
  switch (rule.style()) {
    case v1::MASK_NONE:
      return std::string(value);
    case v1::MASK_KEEP_ENDS:
      return KeepEnds(value, rule.keep_head(), rule.keep_tail());
    case v1::MASK_EMAIL:
      return MaskEmail(value);
    default:  // MASK_ALL, unspecified, and YEAR_ONLY on text.
      return KeepEnds(value, 0, 0);
  }
}

// The rule for field `f` of `m`: by the selector's enum value if declared.
const v1::MaskRule& RuleFor(const v1::Sensitivity& s, const Message& m) {
  if (s.selector().empty()) return s.mask();
  const FieldDescriptor* sel = m.GetDescriptor()->FindFieldByName(s.selector());
  if (sel == nullptr || sel->cpp_type() != FieldDescriptor::CPPTYPE_ENUM ||
      sel->is_repeated()) {
    return s.mask();
  }
  const int type = m.GetReflection()->GetEnumValue(m, sel);
  for (const v1::Sensitivity::TypedRule& r : s.by_type()) {
    if (r.type() == type) return r.mask();
  }
  return s.mask();
}

// True when someone born on `d` (its latest possible day when partial) may
// be younger than `age` full years on `today`.
bool MaybeYounger(const v1::Date& d, const absl::CivilDay& today,
                  uint32_t age) {
  if (d.year() == 0) return false;
  int month = d.month() == 0 ? 12 : d.month();
  int day = d.day();
  if (d.month() == 0 || day == 0) {
    // The last day of the month.
    day = (absl::CivilDay(absl::CivilMonth(d.year(), month) + 1) - 1).day();
  }
  // Younger than `age` iff the birth day is after today minus `age` years.
  const int64_t ty = today.year() - static_cast<int64_t>(age);
  if (d.year() != ty) return d.year() > ty;
  if (month != today.month()) return month > today.month();
  return day > today.day();
}

struct Walker {
  absl::CivilDay today;
  bool apply = true;
  std::vector<std::string>* paths = nullptr;  // May be null.
  std::set<std::string> seen;

  void Found(const std::string& path) {
    if (paths != nullptr && seen.insert(path).second) paths->push_back(path);
  }

  void Walk(Message* m, const std::string& prefix) {
    const Reflection* r = m->GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(*m, &fields);
    for (const FieldDescriptor* f : fields) {
      const google::protobuf::FieldOptions& fo = f->options();
      if (fo.GetExtension(v1::public_data)) continue;
      const std::string path = prefix.empty()
                                   ? std::string(f->name())
                                   : absl::StrCat(prefix, ".", f->name());
      if (fo.HasExtension(v1::sensitive)) {
        Sensitive(m, f, fo.GetExtension(v1::sensitive), path);
        continue;
      }
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(*m, f); ++i) {
          Walk(r->MutableRepeatedMessage(m, f, i), path);
        }
      } else {
        Walk(r->MutableMessage(m, f), path);
      }
    }
  }

  void Sensitive(Message* m, const FieldDescriptor* f, const v1::Sensitivity& s,
                 const std::string& path) {
    const Reflection* r = m->GetReflection();
    const v1::MaskRule& rule = RuleFor(s, *m);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      const int n = f->is_repeated() ? r->FieldSize(*m, f) : 1;
      for (int i = 0; i < n; ++i) {
        const std::string v = f->is_repeated() ? r->GetRepeatedString(*m, f, i)
                                               : r->GetString(*m, f);
        std::string masked = MaskText(rule, v);
        if (masked == v) continue;
        Found(path);
        if (!apply) continue;
        if (f->is_repeated()) {
          r->SetRepeatedString(m, f, i, std::move(masked));
        } else {
          r->SetString(m, f, std::move(masked));
        }
      }
      return;
    }
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        f->message_type() == v1::Date::descriptor() && !f->is_repeated()) {
      auto* d = static_cast<v1::Date*>(r->MutableMessage(m, f));
      if (s.only_below_age() > 0 &&
          !MaybeYounger(*d, today, s.only_below_age())) {
        return;
      }
      if (rule.style() == v1::MASK_NONE) return;
      if (rule.style() == v1::MASK_YEAR_ONLY) {
        if (d->month() == 0 && d->day() == 0) return;
        Found(path);
        if (apply) {
          d->set_month(0);
          d->set_day(0);
        }
        return;
      }
      Found(path);
      if (apply) d->Clear();
    }
    // Other types cannot carry the option meaningfully; left as stored.
  }
};

absl::CivilDay Today(const MaskOptions& o) {
  if (o.today.has_value()) return *o.today;
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
}

}  // namespace

void MaskRecord(google::protobuf::Message* record, const MaskOptions& options) {
  if (record == nullptr) return;
  Walker w;
  w.today = Today(options);
  w.Walk(record, "");
}

std::vector<std::string> SensitiveFields(
    const google::protobuf::Message& record, const MaskOptions& options) {
  std::vector<std::string> out;
  std::unique_ptr<Message> copy(record.New());
  copy->CopyFrom(record);
  Walker w;
  w.today = Today(options);
  w.paths = &out;
  w.Walk(copy.get(), "");
  return out;
}

}  // namespace qiaolian
