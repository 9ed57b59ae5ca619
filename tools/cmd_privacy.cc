// Privacy commands (docs/privacy.md):
//
//   qiaolian --store DIR audit list [--from T] [--to T] [--kind K] [--id N]
//                                   [--after SEQ] [--limit N] [--json]
//   qiaolian --store DIR audit verify [--expect-head HEX]
//   qiaolian --store DIR [--actor WHO] erase KIND ID [--force] [--no-compact]
//
// T is a date (2020-01-31, midnight UTC) or an RFC 3339 time
// (2020-01-31T08:00:00Z). `audit verify` exits 1 when the log is not intact.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "qiaolian/privacy.h"
#include "qiaolian/record.h"
#include "src/util/time.h"
#include "tools/cli.h"

namespace qiaolian {
namespace cli {
namespace {

struct AuditArgs {
  std::string from, to, kind, expect_head;
  uint64_t id = 0, after = 0, limit = 0;
  bool json = false;
};

struct EraseArgs {
  std::string kind;
  uint64_t id = 0;
  bool force = false;
  bool no_compact = false;
};

absl::StatusOr<absl::Time> ParseWhen(const std::string& text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return t;
  if (absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    return t;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", text, "\" is not a date (2020-01-31) or an RFC 3339 time"));
}

std::string ActionName(v1::AuditEntry::Action a) {
  std::string name = v1::AuditEntry::Action_Name(a);
  return absl::AsciiStrToLower(name.substr(name.find('_') + 1));
}

int CmdAuditList(const Global& g, const AuditArgs& a) {
  AuditFilter f;
  if (!a.from.empty()) {
    auto t = ParseWhen(a.from);
    if (!t.ok()) return Fail(t.status());
    f.from = *t;
  }
  if (!a.to.empty()) {
    auto t = ParseWhen(a.to);
    if (!t.ok()) return Fail(t.status());
    f.to = *t;
  }
  if (!a.kind.empty()) {
    auto k = ParseKind(a.kind);
    if (!k.ok()) return Fail(k.status());
    f.kind = *k;
  }
  f.id = a.id;
  f.after_seq = a.after;
  f.limit = a.limit;
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto entries = ListAudit(**store, f);
  if (!entries.ok()) return Fail(entries.status());
  for (const v1::AuditEntry& e : *entries) {
    if (a.json) {
      int rc = PrintRecord(e, false);
      if (rc != 0) return rc;
      continue;
    }
    std::cout << e.seq() << "\t"
              << absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromTimestamp(e.at()),
                                  absl::UTCTimeZone())
              << "\t" << (e.actor().empty() ? "-" : e.actor()) << "\t"
              << ActionName(e.action()) << "\t" << KindName(e.kind()) << " "
              << e.id() << " rev " << e.revision() << "\t"
              << absl::StrJoin(e.fields(), ",");
    if (!e.source_file().empty()) std::cout << "\tfile " << e.source_file();
    if (!e.note().empty()) std::cout << "\t" << e.note();
    std::cout << "\n";
  }
  return 0;
}

int CmdAuditVerify(const Global& g, const AuditArgs& a) {
  auto store = OpenStore(g, false, /*read_only=*/true);
  if (!store.ok()) return Fail(store.status());
  auto report = VerifyAudit(**store, a.expect_head);
  if (!report.ok()) return Fail(report.status());
  for (const std::string& p : report->problems) {
    std::cout << "problem: " << p << "\n";
  }
  std::cout << (report->ok() ? "audit log intact" : "audit log NOT intact")
            << ": " << report->entries << " entries, last seq "
            << report->last_seq << ", head "
            << (report->head_hash.empty() ? "-" : report->head_hash) << "\n";
  return report->ok() ? 0 : 1;
}

int CmdErase(const Global& g, const EraseArgs& a) {
  auto kind = ParseKind(a.kind);
  if (!kind.ok()) return Fail(kind.status());
  EraseOptions o;
  o.actor = g.actor;
  o.force = a.force;
  o.compact = !a.no_compact;
  absl::StatusOr<EraseReport> r;
  {
    auto store = OpenStore(g, false);
    if (!store.ok()) return Fail(store.status());
    r = Erase(**store, *kind, a.id, o);
    if (!r.ok()) return Fail(r.status());
  }
  if (o.compact) {
    // Opening again makes LevelDB write a fresh MANIFEST and delete the
    // old one, which may still name erased keys as table boundaries.
    auto again = OpenStore(g, false);
    if (!again.ok()) return Fail(again.status());
  }
  std::cout << "erased " << KindName(*kind) << " " << a.id << ": "
            << r->revisions << " revisions, " << r->keys_deleted
            << " keys deleted";
  if (r->stray_entries > 0) {
    std::cout << " (" << r->stray_entries << " stray index entries)";
  }
  if (!r->unlinked.empty()) {
    std::cout << "; unlinked " << absl::StrJoin(r->unlinked, "; ");
  }
  if (o.compact) {
    std::cout << "; store compacted in "
              << absl::FormatDuration(
                     absl::Trunc(r->compaction, absl::Milliseconds(1)));
  }
  std::cout << "\n";
  return 0;
}

}  // namespace

void AddPrivacyCommands(CLI::App& app, const Global& g, Commands& c) {
  auto* audit = app.add_subcommand(
      "audit", "The audit log of changes and unmasked reads (docs/privacy.md)");
  audit->require_subcommand(1);
  auto aa = std::make_shared<AuditArgs>();
  auto* list =
      audit->add_subcommand("list", "Print audit entries, oldest first");
  list->add_option("--from", aa->from, "At or after this date/time (UTC)");
  list->add_option("--to", aa->to, "Before this date/time (UTC)");
  list->add_option("--kind", aa->kind, "Only records of this kind");
  list->add_option("--id", aa->id, "Only this record (with --kind)");
  list->add_option("--after", aa->after, "Only entries after this seq");
  list->add_option("--limit", aa->limit, "At most N entries");
  list->add_flag("--json", aa->json, "One JSON object per entry");
  c.Add(list, [&g, aa] { return CmdAuditList(g, *aa); });
  auto* verify = audit->add_subcommand(
      "verify",
      "Check the hash chain: exit 1 if an entry was altered, "
      "removed or reordered");
  verify->add_option(
      "--expect-head", aa->expect_head,
      "Head hash noted earlier: fail unless the log contains it");
  c.Add(verify, [&g, aa] { return CmdAuditVerify(g, *aa); });

  auto ea = std::make_shared<EraseArgs>();
  auto* erase = app.add_subcommand(
      "erase",
      "Erase a record for good (right to deletion): row, history, index "
      "entries; compacts the store");
  erase->add_option("kind", ea->kind, "person (or any kind)")->required();
  erase->add_option("id", ea->id, "Record id")->required();
  erase->add_flag("--force", ea->force,
                  "Remove references to it from other records");
  erase->add_flag("--no-compact", ea->no_compact,
                  "Skip compaction (values stay in the files until LevelDB "
                  "compacts them)");
  c.Add(erase, [&g, ea] { return CmdErase(g, *ea); });
}

}  // namespace cli
}  // namespace qiaolian
