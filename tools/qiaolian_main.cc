// qiaolian — the command-line tool for office staff and scripts.
//
//   qiaolian --store DIR init
//   qiaolian --store DIR put KIND [FILE|-]       one JSON object per line
//   qiaolian --store DIR add KIND NAME=VALUE...  one record, fields as imports
//                                                read columns
//   qiaolian --store DIR set KIND ID NAME=VALUE...  change those fields
//   qiaolian --store DIR get KIND ID [--pretty] [--unmasked]
//   qiaolian --store DIR update KIND ID [FILE|-] [--force]
//   qiaolian --store DIR delete KIND ID [--revision N]
//   qiaolian --store DIR list KIND [--limit N] [--after ID] [--unmasked]
//   qiaolian --store DIR history KIND ID
//   qiaolian --store DIR query TEXT [--json|--table] [--page-size N]
//                                   [--cursor C] [--allow-scan] [--unmasked]
//   qiaolian --store DIR count TEXT [--json] [--allow-scan]
//   qiaolian --store DIR explain TEXT [--allow-scan]
//   qiaolian --store DIR import KIND FILE [--mode skip|update|fill-empty]
//            [--duplicates warn|merge|off] [--duplicate-min-score N]
//            [--dry-run] [--reject-file F] [--encoding E] [--mapping M]
//            [--format csv|tsv|jsonl] [--lenient] [--trust-ids] [--json]
//            [--header-row N] [--sheet NAME|N] [--date-order ymd|dmy|mdy]
//            [--decimal-mark point|comma] [--set FIELD=VALUE ...]
//   qiaolian --store DIR export QUERY [--format csv|jsonl|xlsx] [-o FILE]
//                                     [--columns id,name,...]
//            [--unmasked] [--bom] [--allow-scan]
//   qiaolian --store DIR verify
//   qiaolian --store DIR reindex
//   qiaolian --store DIR compact
//
// Sensitive fields (docs/privacy.md) are masked in every output; --unmasked
// shows them and writes an audit entry first (`qiaolian audit list`).
// DIR defaults to $QIAOLIAN_STORE. Results go to stdout, errors to stderr
// with a non-zero exit status (1 for a failed operation, 2 for bad usage).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "qiaolian/duplicates.h"
#include "qiaolian/export.h"
#include "qiaolian/import.h"
#include "qiaolian/privacy.h"
#include "qiaolian/query.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "tools/cli.h"

namespace qiaolian {
namespace cli {
namespace {

struct Args : Global {
  std::string mode = "skip";
  std::string duplicates = "warn";
  std::string bulk_load = "auto";
  std::string date_order = "auto";    // import --date-order
  std::string decimal_mark = "auto";  // import --decimal-mark
  std::vector<std::string> values;    // import --set FIELD=VALUE
  int duplicate_min_score = 0;
  bool dry_run = false;
  std::string reject_file;
  std::string encoding = "auto";
  std::string mapping;
  std::string format;
  bool lenient = false;
  bool trust_ids = false;   // import --trust-ids
  uint64_t header_row = 0;  // import --header-row
  std::string sheet;        // import --sheet
  bool all_sheets = false;  // import --all-sheets
  std::string text;
  bool json = false;
  bool table = false;
  bool allow_scan = false;
  std::string cursor;
  uint64_t page_size = 0;
  std::string kind;
  uint64_t id = 0;
  std::string file;
  std::vector<std::string> files;  // import FILE...
  bool pretty = false;
  bool force = false;
  uint64_t revision = 0;
  uint64_t limit = 0;
  uint64_t after = 0;
  std::string output;
  std::vector<std::string> columns;  // export --columns
  bool labels = false;               // export --labels
  bool chinese_headers = false;      // export --chinese-headers
  bool unmasked = false;
  bool bom = false;
};

int CmdInit(const Args& a) {
  auto store = OpenStore(a, /*create=*/true);
  if (!store.ok()) return Fail(store.status());
  std::cout << "store " << (*store)->path() << " ready (schema version "
            << (*store)->schema_version() << ")\n";
  return 0;
}

int CmdPut(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto text = ReadInput(a.file);
  if (!text.ok()) return Fail(text.status());
  const std::string name = InputName(a.file);

  // Parse and check every line first: report all bad lines, write nothing.
  std::vector<std::unique_ptr<google::protobuf::Message>> records;
  std::vector<size_t> lines;
  int errors = 0;
  size_t line_no = 0;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    absl::string_view body = absl::StripAsciiWhitespace(line);
    if (body.empty()) continue;
    auto rec = RecordFromJson(*kind, body);
    absl::Status st = rec.ok() ? ValidateRecord(**rec) : rec.status();
    if (!st.ok()) {
      std::cerr << name << ":" << line_no << ": " << st.message() << "\n";
      ++errors;
      continue;
    }
    records.push_back(std::move(*rec));
    lines.push_back(line_no);
  }
  if (errors > 0) {
    return Fail(absl::StrCat(errors, " bad line(s) in ", name,
                             "; nothing was written"));
  }
  if (records.empty()) return Fail(absl::StrCat("no records in ", name));

  auto store = OpenStore(a, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  std::vector<google::protobuf::Message*> ptrs;
  for (auto& r : records) ptrs.push_back(r.get());
  WriteOptions wo;
  wo.actor = a.actor;
  absl::Status st = (*store)->CreateAll(ptrs, wo);
  if (!st.ok()) {
    // "record N: ..." -> "FILE:LINE: ..."
    absl::string_view msg = st.message();
    size_t n = 0;
    if (absl::ConsumePrefix(&msg, "record ")) {
      size_t colon = msg.find(": ");
      if (colon != absl::string_view::npos &&
          absl::SimpleAtoi(msg.substr(0, colon), &n) && n >= 1 &&
          n <= lines.size()) {
        std::cerr << name << ":" << lines[n - 1] << ": "
                  << msg.substr(colon + 2) << "\n";
        return Fail("nothing was written");
      }
    }
    return Fail(st);
  }
  for (auto* r : ptrs) std::cout << MetaOf(*r).id() << "\n";
  return 0;
}

// NAME=VALUE arguments (add, set).
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseFieldArgs(
    const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (const std::string& f : args) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "expected NAME=VALUE (活动类型=走访企业, 日期=2020-05-06), not \"", f,
          "\""));
    }
    fields.emplace_back(f.substr(0, eq), f.substr(eq + 1));
  }
  return fields;
}

// add KIND NAME=VALUE...: one record from fields named as imports read
// them (docs/import.md), e.g. a visit:
//   add event 活动类型=走访企业 日期=2020-05-06
//   participants.ref=enterprise:三久制造
int CmdAdd(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto fields = ParseFieldArgs(a.columns);
  if (!fields.ok()) return Fail(fields.status());
  auto store = OpenStore(a, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  std::vector<std::string> warnings;
  auto record = RecordFromFields(**store, *kind, *fields, &warnings);
  if (!record.ok()) return Fail(record.status());
  for (const std::string& w : warnings) {
    std::cerr << "qiaolian: warning: " << w << "\n";
  }
  if (*kind == v1::KIND_PERSON || *kind == v1::KIND_ENTERPRISE) {
    DuplicateOptions d;
    d.min_score = 60;
    d.limit = 5;
    auto dups = FindDuplicatesOf(**store, **record, d);
    if (!dups.ok()) return Fail(dups.status());
    for (const DuplicatePair& p : *dups) {
      std::cerr << "qiaolian: looks like " << KindName(*kind) << " " << p.b
                << " (" << p.score << ": " << absl::StrJoin(p.reasons, "; ")
                << ")\n";
    }
  }
  if (a.dry_run) {
    MaskRecord(record->get());
    std::cout << "DRY RUN (nothing written):\n";
    return PrintRecord(**record, a.pretty);
  }
  WriteOptions wo;
  wo.actor = a.actor;
  auto id = (*store)->Create(record->get(), wo);
  if (!id.ok()) return Fail(id.status());
  std::cout << *id << "\n";
  return 0;
}

// set KIND ID NAME=VALUE...: changes those fields of a record, as an import
// in update mode would (e.g. a new phone number: set person 5 电话=139...).
int CmdSet(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto fields = ParseFieldArgs(a.columns);
  if (!fields.ok()) return Fail(fields.status());
  auto store = OpenStore(a, /*create=*/false);
  if (!store.ok()) return Fail(store.status());
  std::vector<std::string> warnings;
  WriteOptions wo;
  wo.actor = a.actor;
  auto before = (*store)->Get(*kind, a.id);
  if (!before.ok()) return Fail(before.status());
  auto revision =
      UpdateFromFields(**store, *kind, a.id, *fields, wo, &warnings);
  for (const std::string& w : warnings) {
    std::cerr << "qiaolian: warning: " << w << "\n";
  }
  if (!revision.ok()) return Fail(revision.status());
  if (*revision == MetaOf(**before).revision()) {
    std::cout << KindName(*kind) << " " << a.id << " unchanged (revision "
              << *revision << ")\n";
  } else {
    std::cout << KindName(*kind) << " " << a.id << " revision " << *revision
              << "\n";
  }
  return 0;
}

// Masked reads, or unmasked ones that are audited (which needs a store open
// for writing).
ReadOptions MakeReadOptions(const Args& a) {
  ReadOptions ro;
  ro.unmasked = a.unmasked;
  ro.actor = a.actor;
  ro.purpose = "cli";
  return ro;
}

int CmdGet(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto store = OpenStore(a, false, /*read_only=*/!a.unmasked);
  if (!store.ok()) return Fail(store.status());
  auto rec = ReadRecord(**store, *kind, a.id, MakeReadOptions(a));
  if (!rec.ok()) return Fail(rec.status());
  return PrintRecord(**rec, a.pretty);
}

int CmdUpdate(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto text = ReadInput(a.file);
  if (!text.ok()) return Fail(text.status());
  auto rec = RecordFromJson(*kind, absl::StripAsciiWhitespace(*text));
  if (!rec.ok()) return Fail(rec.status());
  v1::RecordMeta* meta = MutableMetaOf(rec->get());
  if (meta->id() != 0 && meta->id() != a.id) {
    return Fail(absl::StrCat("the record's meta.id is ", meta->id(),
                             " but the command names ", KindName(*kind), " ",
                             a.id));
  }
  meta->set_id(a.id);
  auto store = OpenStore(a, false);
  if (!store.ok()) return Fail(store.status());
  if (meta->revision() == 0) {
    if (!a.force) {
      return Fail(
          "meta.revision is missing: give the revision the change is based "
          "on (as printed by `get`), or --force to overwrite the latest");
    }
    auto current = (*store)->Get(*kind, a.id);
    if (!current.ok()) return Fail(current.status());
    meta->set_revision(MetaOf(**current).revision());
  }
  WriteOptions wo;
  wo.actor = a.actor;
  absl::Status st = (*store)->Update(rec->get(), wo);
  if (!st.ok()) return Fail(st);
  std::cout << KindName(*kind) << " " << a.id << " revision "
            << MetaOf(**rec).revision() << "\n";
  return 0;
}

int CmdDelete(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto store = OpenStore(a, false);
  if (!store.ok()) return Fail(store.status());
  WriteOptions wo;
  wo.actor = a.actor;
  absl::Status st = (*store)->Delete(*kind, a.id, a.revision, wo);
  if (!st.ok()) return Fail(st);
  std::cout << "deleted " << KindName(*kind) << " " << a.id << "\n";
  return 0;
}

int CmdList(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto store = OpenStore(a, false, /*read_only=*/!a.unmasked);
  if (!store.ok()) return Fail(store.status());
  uint64_t n = 0;
  int rc = 0;
  const ReadOptions ro = MakeReadOptions(a);
  absl::Status shown;
  absl::Status st = (*store)->Scan(
      *kind, a.after + 1, [&](const google::protobuf::Message& m) {
        std::unique_ptr<google::protobuf::Message> copy(m.New());
        copy->CopyFrom(m);
        shown = MaskOrAudit(**store, {copy.get()}, ro);
        if (!shown.ok()) return false;
        rc = PrintRecord(*copy, a.pretty);
        ++n;
        return rc == 0 && (a.limit == 0 || n < a.limit);
      });
  if (!st.ok()) return Fail(st);
  if (!shown.ok()) return Fail(shown);
  return rc;
}

int CmdHistory(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto store = OpenStore(a, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto changes = (*store)->History(*kind, a.id);
  if (!changes.ok()) return Fail(changes.status());
  for (const v1::ChangeRecord& c : *changes) {
    v1::ChangeRecord brief = c;
    brief.clear_row();  // The rows themselves: `get` and a future `diff`.
    int rc = PrintRecord(brief, a.pretty);
    if (rc != 0) return rc;
  }
  return 0;
}

// Display width of UTF-8 text: CJK and full-width characters take two
// columns in a terminal.
size_t DisplayWidth(absl::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += len >= 3 ? 2 : 1;
    i += len;
  }
  return w;
}

std::string Truncate(const std::string& s, size_t max_width) {
  if (DisplayWidth(s) <= max_width) return s;
  std::string out;
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    size_t cw = len >= 3 ? 2 : 1;
    if (w + cw > max_width - 1) break;
    out.append(s, i, len);
    w += cw;
    i += len;
  }
  return out + "…";
}

// A cell for a top-level field: scalars, enums (short names) and dates.
std::string Cell(const google::protobuf::Message& m,
                 const google::protobuf::FieldDescriptor* f) {
  using FD = google::protobuf::FieldDescriptor;
  const auto* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FD::CPPTYPE_STRING:
      return r->GetString(m, f);
    case FD::CPPTYPE_ENUM: {
      if (r->GetEnumValue(m, f) == 0) return "";
      std::string name = r->GetEnum(m, f)->name();
      return name.substr(name.find('_') + 1);
    }
    case FD::CPPTYPE_BOOL:
      return r->GetBool(m, f) ? "yes" : "";
    case FD::CPPTYPE_INT32:
      return r->GetInt32(m, f) ? std::to_string(r->GetInt32(m, f)) : "";
    case FD::CPPTYPE_INT64:
      return r->GetInt64(m, f) ? std::to_string(r->GetInt64(m, f)) : "";
    case FD::CPPTYPE_UINT32:
      return r->GetUInt32(m, f) ? std::to_string(r->GetUInt32(m, f)) : "";
    case FD::CPPTYPE_UINT64:
      return r->GetUInt64(m, f) ? std::to_string(r->GetUInt64(m, f)) : "";
    case FD::CPPTYPE_MESSAGE: {
      if (f->message_type() != v1::Date::descriptor() || !r->HasField(m, f)) {
        return "";
      }
      const auto& d = static_cast<const v1::Date&>(r->GetMessage(m, f));
      char buf[16];
      std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year(), d.month(),
                    d.day());
      return buf;
    }
    default:
      return "";
  }
}

void PrintTable(
    const std::vector<std::unique_ptr<google::protobuf::Message>>& rows) {
  if (rows.empty()) return;
  const auto* d = rows[0]->GetDescriptor();
  std::vector<const google::protobuf::FieldDescriptor*> cols;
  for (int i = 1; i < d->field_count() && cols.size() < 6; ++i) {
    const auto* f = d->field(i);
    if (f->is_repeated()) continue;
    if (f->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
        f->message_type() != v1::Date::descriptor()) {
      continue;
    }
    for (const auto& r : rows) {
      if (!Cell(*r, f).empty()) {
        cols.push_back(f);
        break;
      }
    }
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"id"};
  for (const auto* f : cols) header.push_back(f->name());
  cells.push_back(header);
  for (const auto& r : rows) {
    std::vector<std::string> line = {std::to_string(MetaOf(*r).id())};
    for (const auto* f : cols) line.push_back(Truncate(Cell(*r, f), 40));
    cells.push_back(std::move(line));
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) {
      width[i] = std::max(width[i], DisplayWidth(line[i]));
    }
  }
  for (const auto& line : cells) {
    std::string out;
    for (size_t i = 0; i < line.size(); ++i) {
      out += line[i];
      if (i + 1 < line.size()) {
        out += std::string(width[i] - DisplayWidth(line[i]) + 2, ' ');
      }
    }
    std::cout << out << "\n";
  }
}

QueryOptions MakeQueryOptions(const Args& a) {
  QueryOptions o;
  o.allow_scan = a.allow_scan;
  o.cursor = a.cursor;
  o.page_size = a.page_size;
  return o;
}

int CmdQuery(const Args& a) {
  auto store = OpenStore(a, false, /*read_only=*/!a.unmasked);
  if (!store.ok()) return Fail(store.status());
  auto page =
      ReadQuery(**store, a.text, MakeQueryOptions(a), MakeReadOptions(a));
  if (!page.ok()) return Fail(page.status());
  if (a.table) {
    PrintTable(page->records);
  } else {
    for (const auto& r : page->records) {
      int rc = PrintRecord(*r, a.pretty);
      if (rc != 0) return rc;
    }
  }
  if (!page->next_cursor.empty()) {
    std::cerr << "more: --cursor " << page->next_cursor << "\n";
  }
  return 0;
}

int CmdCount(const Args& a) {
  auto store = OpenStore(a, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto result = (*store)->Aggregate(a.text, MakeQueryOptions(a));
  if (!result.ok()) return Fail(result.status());
  if (a.json) {
    std::cout << result->ToJson() << "\n";
    return 0;
  }
  // Plain: one line per group, key then the values, tab-separated.
  const bool grouped =
      !(result->groups.size() == 1 && result->groups[0].key.empty());
  std::cout << (grouped ? "key\t" : "");
  for (size_t i = 0; i < result->columns.size(); ++i) {
    std::cout << (i ? "\t" : "") << result->columns[i];
  }
  std::cout << "\n";
  for (const AggregateGroup& g : result->groups) {
    if (grouped) std::cout << g.key << "\t";
    for (size_t i = 0; i < g.values.size(); ++i) {
      const AggregateValue& v = g.values[i];
      const std::string& kind = result->column_kinds[i];
      std::string cell;
      if (kind == "count") {
        cell = std::to_string(v.count);
      } else if (kind == "money" || kind == "items") {
        std::vector<std::string> parts;
        for (const auto& [cur, amt] : v.money) {
          char buf[64];
          std::snprintf(buf, sizeof(buf), "%s %lld.%02lld", cur.c_str(),
                        static_cast<long long>(amt / 100),
                        static_cast<long long>(amt % 100));
          parts.push_back(buf);
        }
        for (const auto& [unit, q] : v.quantities) {
          parts.push_back(std::to_string(q) + " " + unit);
        }
        if (parts.empty()) parts.push_back("-");
        for (size_t j = 0; j < parts.size(); ++j) {
          cell += (j ? ", " : "") + parts[j];
        }
      } else if (kind == "number") {
        cell = std::to_string(v.total);
      } else {
        cell = v.value;
      }
      std::cout << (i ? "\t" : "") << cell;
    }
    std::cout << "\n";
  }
  return 0;
}

int CmdExplain(const Args& a) {
  auto store = OpenStore(a, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto plan = (*store)->Explain(a.text, MakeQueryOptions(a));
  if (!plan.ok()) return Fail(plan.status());
  std::cout << *plan << "\n";
  return 0;
}

int CmdImport(const Args& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  auto mode = ParseImportMode(a.mode);
  if (!mode.ok()) return Fail(mode.status());
  auto duplicates = ParseImportDuplicates(a.duplicates);
  if (!duplicates.ok()) return Fail(duplicates.status());
  auto bulk_load = ParseImportBulkLoad(a.bulk_load);
  if (!bulk_load.ok()) return Fail(bulk_load.status());
  auto date_order = ParseImportDateOrder(a.date_order);
  if (!date_order.ok()) return Fail(date_order.status());
  auto decimal_mark = ParseImportDecimalMark(a.decimal_mark);
  if (!decimal_mark.ok()) return Fail(decimal_mark.status());
  if (a.duplicate_min_score < 0 || a.duplicate_min_score > 100) {
    return Fail(absl::InvalidArgumentError(
        "--duplicate-min-score: expected 1..100 (0: 60 to warn, 90 to merge)"));
  }
  // Tables read with pread: an import's resident memory does not grow with
  // the store (StoreOptions::map_tables).
  auto store = OpenStore(a, false, /*read_only=*/false, /*map_tables=*/false);
  if (!store.ok()) return Fail(store.status());
  ImportOptions o;
  o.kind = *kind;
  o.mode = *mode;
  o.duplicates = *duplicates;
  o.duplicate_min_score = a.duplicate_min_score;
  o.bulk_load = *bulk_load;
  o.date_order = *date_order;
  o.decimal_mark = *decimal_mark;
  o.dry_run = a.dry_run;
  o.reject_file = a.reject_file;
  o.encoding = a.encoding;
  o.mapping_file = a.mapping;
  o.format = a.format;
  o.lenient = a.lenient;
  o.trust_ids = a.trust_ids;
  o.header_row = a.header_row;
  o.sheet = a.sheet;
  o.actor = a.actor;
  for (const std::string& v : a.values) {
    const size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          "--set ", v, ": expected FIELD=VALUE (type=信访, channel=来访)")));
    }
    o.values.emplace_back(v.substr(0, eq), v.substr(eq + 1));
  }
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) {
    o.progress_every = 2000;
    o.progress = [](const ImportProgress& p) {
      if (p.building_indexes) {
        std::fprintf(
            stderr,
            "\n%llu rows written; building indexes, then compacting ...",
            static_cast<unsigned long long>(p.rows));
        return;
      }
      const int width = 30;
      const double frac = p.total_bytes > 0
                              ? static_cast<double>(p.bytes) /
                                    static_cast<double>(p.total_bytes)
                              : 0;
      const int filled = static_cast<int>(frac * width);
      std::fprintf(stderr, "\r[%s%s] %3.0f%%  %llu rows  %.0f rows/s ",
                   std::string(filled, '#').c_str(),
                   std::string(width - filled, '.').c_str(), frac * 100,
                   static_cast<unsigned long long>(p.rows), p.rows_per_second);
    };
  }
  // Several files (a folder of county lists), and with --all-sheets every
  // worksheet of a workbook (one sheet a district), are imported one after
  // the other, each on its own: one that fails is reported and the others
  // still imported; the status says whether all were.
  if (a.all_sheets && !a.sheet.empty()) {
    return Fail(absl::InvalidArgumentError(
        "--sheet and --all-sheets: give one of them"));
  }
  bool all_ok = true;
  // Over all the files and sheets imported, for a total line.
  uint64_t runs = 0, failed = 0, rows = 0, created = 0, updated = 0,
           unchanged = 0, repeats = 0, rejected = 0;
  for (const std::string& file : a.files) {
    std::vector<std::string> sheets = {a.sheet};
    if (a.all_sheets) {
      absl::StatusOr<std::vector<std::string>> all =
          WorkbookSheets(file, a.format);
      if (!all.ok()) {
        if (a.files.size() == 1) return Fail(all.status());
        std::cerr << "qiaolian: " << file << ": " << all.status() << "\n";
        all_ok = false;
        ++failed;
        continue;
      }
      if (!all->empty()) sheets = *std::move(all);  // A text file: itself.
    }
    for (size_t k = 0; k < sheets.size(); ++k) {
      o.sheet = sheets[k];
      if (!a.reject_file.empty() && (a.files.size() > 1 || a.all_sheets)) {
        // One reject file each: rejects.csv -> rejects-上海[-sheet].csv.
        const std::filesystem::path r(a.reject_file);
        o.reject_file =
            (r.parent_path() /
             absl::StrCat(r.stem().string(), "-",
                          std::filesystem::path(file).stem().string(),
                          o.sheet.empty() ? "" : "-", o.sheet,
                          r.extension().string()))
                .string();
      }
      auto summary = Import(**store, file, o);
      if (tty) std::fprintf(stderr, "\n");
      if (!summary.ok()) {
        if (a.files.size() == 1 && sheets.size() == 1) {
          return Fail(summary.status());
        }
        std::cerr << "qiaolian: " << file
                  << (o.sheet.empty() ? "" : absl::StrCat(", sheet ", o.sheet))
                  << ": " << summary.status() << "\n";
        all_ok = false;
        ++failed;
        continue;
      }
      std::cout << (a.json ? summary->ToJson() : summary->ToString()) << "\n";
      ++runs;
      rows += summary->rows;
      created += summary->created;
      updated += summary->updated;
      unchanged += summary->unchanged;
      repeats += summary->duplicates;
      rejected += summary->rejected;
    }
  }
  if (!a.json && runs + failed > 1) {
    std::cout << "total: " << runs << (runs == 1 ? " file" : " files")
              << (a.all_sheets ? " or sheets" : "") << " imported"
              << (failed > 0 ? absl::StrCat(", ", failed, " not") : "") << "; "
              << rows << " rows: " << created << " created, " << updated
              << " updated, " << unchanged << " unchanged, " << repeats
              << " duplicate rows, " << rejected << " rejected\n";
  }
  return all_ok ? 0 : 1;
}

int CmdVerify(const Args& a) {
  auto store = OpenStore(a, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto report = (*store)->Verify();
  if (!report.ok()) return Fail(report.status());
  for (const std::string& p : report->problems) std::cout << p << "\n";
  std::cout << report->rows << " rows, " << report->index_entries
            << " index entries, " << report->unique_entries
            << " unique keys checked: "
            << (report->problems.empty() ? "consistent" : "PROBLEMS FOUND")
            << "\n";
  return report->problems.empty() ? 0 : 1;
}

int CmdExport(const Args& a) {
  auto store = OpenStore(a, false, /*read_only=*/!a.unmasked);
  if (!store.ok()) return Fail(store.status());
  ExportOptions o;
  o.format = a.format;
  if (o.format.empty()) {
    // From the output file's extension, as the Python binding does.
    const std::string ext = absl::AsciiStrToLower(
        std::filesystem::path(a.output).extension().string());
    o.format = ext == ".xlsx"                        ? "xlsx"
               : ext == ".jsonl" || ext == ".ndjson" ? "jsonl"
                                                     : "csv";
  }
  o.unmasked = a.unmasked;
  o.actor = a.actor;
  o.bom = a.bom;
  o.allow_scan = a.allow_scan;
  o.columns = a.columns;
  o.labels = a.labels;
  o.chinese_headers = a.chinese_headers;
  absl::StatusOr<uint64_t> rows;
  if (a.output.empty() || a.output == "-") {
    rows = Export(**store, a.text, o, std::cout);
  } else {
    // Into a temporary file first, so that a failed export leaves no
    // half-written file behind.
    rows = ExportToFile(**store, a.text, o, a.output);
  }
  if (!rows.ok()) return Fail(rows.status());
  if (!a.output.empty() && a.output != "-") {
    std::cerr << *rows << " records exported to " << a.output
              << (a.unmasked ? " (unmasked; audited)"
                             : " (sensitive fields masked)")
              << "\n";
  }
  return 0;
}

int CmdReindex(const Args& a) {
  auto store = OpenStore(a, false);
  if (!store.ok()) return Fail(store.status());
  absl::Status st = (*store)->Reindex();
  if (!st.ok()) return Fail(st);
  std::cout << "indexes rebuilt\n";
  return 0;
}

int CmdCompact(const Args& a) {
  auto store = OpenStore(a, false);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<CompactReport> r = (*store)->Compact();
  if (!r.ok()) return Fail(r.status());
  std::cout << "store compacted: " << r->bytes_before << " bytes before, "
            << r->bytes_after << " bytes after";
  if (r->postings_packed > 0) {
    std::cout << "; " << r->postings_packed
              << " search entries packed into blocks";
  }
  std::cout << "\n";
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{
      "qiaolian: records of an overseas-Chinese federation office (侨联)"};
  app.require_subcommand(1);
  app.allow_extras(false);
  Args a;
  if (const char* env = std::getenv("QIAOLIAN_STORE")) a.store = env;
  app.add_option("--store,-s", a.store,
                 "Store directory (default: $QIAOLIAN_STORE)");
  app.add_option("--actor", a.actor, "Who makes the change (kept in history)");
  app.add_option("--key-file", a.key_file,
                 "Encryption key of the store (32 raw bytes or 64 hex digits; "
                 "docs/privacy.md): creates an encrypted store, required to "
                 "open one");
  const std::string kinds = "person, enterprise, case, donation or event";

  auto* init = app.add_subcommand("init", "Create a store (or check one)");
  auto* put = app.add_subcommand(
      "put", "Create records from JSON, one object per line; prints new ids");
  put->add_option("kind", a.kind, kinds)->required();
  put->add_option("file", a.file, "JSON Lines file, or - for stdin");
  auto* get = app.add_subcommand("get", "Print one record as JSON");
  get->add_option("kind", a.kind, kinds)->required();
  get->add_option("id", a.id, "Record id")->required();
  get->add_flag("--pretty", a.pretty, "Indented JSON");
  get->add_flag("--unmasked", a.unmasked,
                "Show sensitive fields as stored (written to the audit log)");
  auto* add = app.add_subcommand(
      "add",
      "Create one record from NAME=VALUE fields, named and read as imports "
      "read columns (docs/import.md); prints its id");
  add->add_option("kind", a.kind, kinds)->required();
  add->add_option("fields", a.columns,
                  "e.g. 活动类型=走访企业 日期=2020-05-06 "
                  "participants.ref=enterprise:三久制造")
      ->required();
  add->add_flag("--dry-run", a.dry_run,
                "Print the record (masked) instead of creating it");
  add->add_flag("--pretty", a.pretty, "Indented JSON (with --dry-run)");
  auto* set = app.add_subcommand(
      "set",
      "Change fields of a record, given as NAME=VALUE and read as add reads "
      "them (as import --mode update changes a record)");
  set->add_option("kind", a.kind, kinds)->required();
  set->add_option("id", a.id, "Record id")->required();
  set->add_option("fields", a.columns, "e.g. 电话=13900001111 地址=金坛区…")
      ->required();
  auto* update = app.add_subcommand(
      "update", "Replace a record with JSON (meta.revision = the base)");
  update->add_option("kind", a.kind, kinds)->required();
  update->add_option("id", a.id, "Record id")->required();
  update->add_option("file", a.file, "JSON file, or - for stdin");
  update->add_flag("--force", a.force,
                   "Without meta.revision: overwrite the latest revision");
  auto* del = app.add_subcommand("delete", "Delete a record");
  del->add_option("kind", a.kind, kinds)->required();
  del->add_option("id", a.id, "Record id")->required();
  del->add_option("--revision", a.revision,
                  "Only if the record is at this revision");
  auto* list = app.add_subcommand("list", "Print records of a kind, by id");
  list->add_option("kind", a.kind, kinds)->required();
  list->add_option("--limit", a.limit, "At most N records (0: all)");
  list->add_option("--after", a.after, "Start after this id");
  list->add_flag("--pretty", a.pretty, "Indented JSON");
  list->add_flag("--unmasked", a.unmasked,
                 "Show sensitive fields as stored (written to the audit log)");
  auto* history = app.add_subcommand("history", "Print a record's changes");
  history->add_option("kind", a.kind, kinds)->required();
  history->add_option("id", a.id, "Record id")->required();
  history->add_flag("--pretty", a.pretty, "Indented JSON");

  auto* query = app.add_subcommand(
      "query", "Print the records a query selects (see docs/queries.md)");
  query->add_option("text", a.text, "e.g. 'enterprise where status = ACTIVE'")
      ->required();
  auto* fmt = query->add_option_group("format");
  fmt->add_flag("--json", a.json, "One JSON object per line (default)");
  fmt->add_flag("--table", a.table, "An aligned table of the main fields");
  query->add_flag("--pretty", a.pretty, "Indented JSON");
  query->add_flag("--unmasked", a.unmasked,
                  "Show sensitive fields as stored (written to the audit log)");
  query->add_option("--page-size", a.page_size, "At most N records");
  query->add_option("--cursor", a.cursor, "Resume after a previous page");
  query->add_flag("--allow-scan", a.allow_scan,
                  "Read every record when no index serves the query");
  auto* count = app.add_subcommand(
      "count", "Count (or aggregate: group by ..., compute ...) a query");
  count->add_option("text", a.text, "e.g. 'event where ... group by outlet'")
      ->required();
  count->add_flag("--json", a.json, "JSON with the ids behind each figure");
  count->add_flag("--allow-scan", a.allow_scan, "Permit a full scan");
  auto* explain = app.add_subcommand("explain", "Show how a query would run");
  explain->add_option("text", a.text, "A query")->required();
  explain->add_flag("--allow-scan", a.allow_scan, "Permit a full scan");
  auto* import = app.add_subcommand(
      "import",
      "Import a CSV, TSV, JSON Lines, .xlsx or .xls file (docs/import.md)");
  import->add_option("kind", a.kind, kinds)->required();
  import
      ->add_option("file", a.files,
                   "The file(s) to import, one after the other (with "
                   "--reject-file R, each file's rejects go to R-FILE)")
      ->required();
  import->add_option("--mode", a.mode,
                     "For rows matching a record: skip (default), update, "
                     "fill-empty");
  import->add_option("--duplicates", a.duplicates,
                     "People and enterprises that match no record by key but "
                     "look like one: warn (default), merge or off");
  import->add_option("--duplicate-min-score", a.duplicate_min_score,
                     "Score from which a likely duplicate counts (default 60 "
                     "to warn, 90 to merge)");
  import->add_option("--bulk-load", a.bulk_load,
                     "Sort most index entries and write them at the end: "
                     "auto (default: into a store without records of the "
                     "kind, or from a file of 64 MiB or more), on, off");
  import->add_option("--date-order", a.date_order,
                     "Dates written 07/05/2008: auto (default: day first in "
                     "a file separated by ;, else rejected), ymd, dmy (day "
                     "first) or mdy (month first)");
  import->add_option("--decimal-mark", a.decimal_mark,
                     "Numbers of a CSV or TSV file: auto (default: a comma "
                     "in a file separated by ;, else a point), point or "
                     "comma (1.234,5 is 1234.5)");
  import
      ->add_option("--set", a.values,
                   "FIELD=VALUE: a value for every row that gives none "
                   "(a field the file has no column for: --set type=信访 "
                   "--set channel=来访); repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  import->add_flag("--dry-run", a.dry_run, "Report what would happen");
  import->add_option("--reject-file", a.reject_file,
                     "Write rejected rows here (CSV: line, field, reason, "
                     "row)");
  import->add_option("--encoding", a.encoding,
                     "auto, utf-8, gb18030, big5, utf-16le, utf-16be or "
                     "windows-1252 (latin1)");
  import->add_option("--mapping", a.mapping,
                     "Mapping file: `column = field.path` per line");
  import->add_option("--format", a.format, "csv, tsv, jsonl, xlsx or xls");
  import->add_option("--header-row", a.header_row,
                     "Line (worksheet row) of the header; the rows above it "
                     "are skipped (default 0: the first row, or the first of "
                     "the first 10 in which two columns name fields)");
  import->add_flag("--all-sheets", a.all_sheets,
                   "Every worksheet of a workbook that is not hidden, one "
                   "after the other (one sheet a district)");
  import->add_option("--sheet", a.sheet,
                     "Worksheet of a workbook: its name or number (default: "
                     "the first that is not hidden)");
  import->add_flag("--lenient", a.lenient,
                   "Keep USCCs that fail the check, flagged");
  import->add_flag("--trust-ids", a.trust_ids,
                   "The file's id column is this store's: update that record "
                   "even when nothing else agrees (a rename)");
  import->add_flag("--json", a.json, "Summary as JSON");
  auto* exp = app.add_subcommand(
      "export",
      "Export a query's records to CSV, JSON Lines or .xlsx (docs/export.md)");
  exp->add_option("text", a.text, "e.g. 'enterprise where status = ACTIVE'")
      ->required();
  exp->add_option("--format", a.format,
                  "csv, jsonl or xlsx (default: from the -o file's extension, "
                  ".xlsx, .jsonl or .ndjson, else csv)");
  exp->add_option("-o,--output", a.output, "Write to FILE (default: stdout)");
  exp->add_flag("--unmasked", a.unmasked,
                "Write personal identifiers unmasked");
  exp->add_flag("--bom", a.bom, "Start the CSV with a UTF-8 BOM (Excel)");
  exp->add_flag("--allow-scan", a.allow_scan,
                "Read every record when no index serves the query");
  exp->add_option("--columns", a.columns,
                  "Field paths (or their Chinese headers) for CSV and xlsx, "
                  "comma-separated (default: the kind's columns; "
                  "docs/export.md)")
      ->delimiter(',');
  exp->add_flag("--labels", a.labels,
                "Coded values in Chinese (男, 华侨) instead of their names "
                "(MALE); import reads either");
  exp->add_flag("--chinese-headers", a.chinese_headers,
                "Header row in Chinese (姓名, 统一社会信用代码) instead of "
                "field paths; import reads either");
  auto* verify =
      app.add_subcommand("verify", "Check rows against index entries");
  auto* reindex = app.add_subcommand("reindex", "Rebuild every index");
  auto* compact = app.add_subcommand(
      "compact",
      "Rewrite the store's tables: faster reads, space of deleted records "
      "given back (after a large import or deletion)");

  // Each area's subcommands (tools/cmd_*.cc).
  Commands areas;
  AddAreaCommands(app, a, areas);

  // CLI11 reports an unknown command as "A subcommand is required"; name it.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--store" || arg == "-s" || arg == "--actor" ||
        arg == "--key-file") {
      ++i;
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == arg;
    }
    if (!known) {
      std::string names;
      for (const CLI::App* sub : app.get_subcommands({})) {
        absl::StrAppend(&names, names.empty() ? "" : ", ", sub->get_name());
      }
      std::cerr << "qiaolian: unknown command \"" << arg
                << "\"; expected one of: " << names << " (see --help)\n";
      return 2;
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (a.store.empty() && !areas.ParsedStoreless()) {
    std::cerr << "qiaolian: no store given: use --store DIR or set "
                 "QIAOLIAN_STORE\n";
    return 2;
  }
  if (absl::Status st = LoadKey(&a); !st.ok()) return Fail(st);
  if (*init) return CmdInit(a);
  if (*put) return CmdPut(a);
  if (*add) return CmdAdd(a);
  if (*set) return CmdSet(a);
  if (*get) return CmdGet(a);
  if (*update) return CmdUpdate(a);
  if (*del) return CmdDelete(a);
  if (*list) return CmdList(a);
  if (*history) return CmdHistory(a);
  if (*query) return CmdQuery(a);
  if (*count) return CmdCount(a);
  if (*explain) return CmdExplain(a);
  if (*import) return CmdImport(a);
  if (*exp) return CmdExport(a);
  if (*verify) return CmdVerify(a);
  if (*reindex) return CmdReindex(a);
  if (*compact) return CmdCompact(a);
  if (std::optional<int> rc = areas.Run()) return *rc;
  return 2;
}

}  // namespace
}  // namespace cli
}  // namespace qiaolian

int main(int argc, char** argv) { return qiaolian::cli::Main(argc, argv); }
