// The command-line tool's shared pieces. tools/qiaolian_main.cc parses the
// command line and holds the store, record, query and import commands; each
// other area adds its subcommands from its own tools/cmd_AREA.cc through
// AddAreaCommands (tools/cmd_areas.cc), e.g.
//
//   void AddReportCommands(CLI::App& app, const Global& g, Commands& c) {
//     auto* report = app.add_subcommand("report", "...");
//     auto opts = std::make_shared<ReportArgs>();
//     report->add_option("spec", opts->spec, "...")->required();
//     c.Add(report, [&g, opts] { return RunReport(g, *opts); });
//   }
//
// Conventions: results to stdout, errors to stderr as "qiaolian: ..." with
// exit status 1 (2 for bad usage); personal identifiers masked unless the
// user asks otherwise.
#ifndef QIAOLIAN_TOOLS_CLI_H_
#define QIAOLIAN_TOOLS_CLI_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "qiaolian/store.h"

namespace qiaolian {
namespace cli {

// Options every subcommand sees (set before a command runs).
struct Global {
  std::string store;  // --store, or $QIAOLIAN_STORE.
  std::string actor;  // --actor: who makes the change.
  // --key-file: the store's encryption key (docs/privacy.md), read by
  // LoadKey before a command runs: 32 raw bytes or 64 hex digits.
  std::string key_file;
  std::string encryption_key;
};

// Subcommands and what each runs; Run() runs the one that was parsed.
class Commands {
 public:
  void Add(CLI::App* sub, std::function<int()> run);
  // A subcommand that needs no store (e.g. `calendar`): it runs without
  // --store.
  void AddStoreless(CLI::App* sub, std::function<int()> run);
  std::optional<int> Run() const;
  // Whether the parsed subcommand is one added with AddStoreless.
  bool ParsedStoreless() const;

 private:
  std::vector<std::pair<CLI::App*, std::function<int()>>> entries_;
  std::vector<CLI::App*> storeless_;
};

// Adds every area's subcommands (tools/cmd_areas.cc).
void AddAreaCommands(CLI::App& app, const Global& g, Commands& c);

// Prints "qiaolian: CODE: message" to stderr; returns 1.
int Fail(const absl::Status& st);
int Fail(absl::string_view msg);
// Reads all of FILE, or stdin for "-" or "".
absl::StatusOr<std::string> ReadInput(const std::string& file);
// FILE, or "<stdin>".
std::string InputName(const std::string& file);
// Opens g.store with g.encryption_key; `map_tables`: StoreOptions::map_tables.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(const Global& g, bool create,
                                                 bool read_only = false,
                                                 bool map_tables = true);
// Reads g->key_file (when set) into g->encryption_key: the file holds the
// 32 key bytes, raw, or as 64 hex digits (surrounding white space ignored).
// INVALID_ARGUMENT naming the file otherwise.
absl::Status LoadKey(Global* g);
// Prints a record as one line of JSON (or indented); returns 0 or 1.
int PrintRecord(const google::protobuf::Message& m, bool pretty);

}  // namespace cli
}  // namespace qiaolian

#endif  // QIAOLIAN_TOOLS_CLI_H_
