// The list of areas whose subcommands live outside tools/qiaolian_main.cc.
// Each area adds one declaration and one call here.
#include "tools/cli.h"

namespace qiaolian {
namespace cli {

void AddReportCommands(CLI::App& app, const Global& g, Commands& c);
void AddPrivacyCommands(CLI::App& app, const Global& g, Commands& c);
void AddCaseCommands(CLI::App& app, const Global& g, Commands& c);
void AddRecordsCommands(CLI::App& app, const Global& g, Commands& c);
void AddReliabilityCommands(CLI::App& app, const Global& g, Commands& c);
void AddSearchCommands(CLI::App& app, const Global& g, Commands& c);

void AddAreaCommands(CLI::App& app, const Global& g, Commands& c) {
  AddReportCommands(app, g, c);
  AddPrivacyCommands(app, g, c);
  AddCaseCommands(app, g, c);
  AddRecordsCommands(app, g, c);
  AddReliabilityCommands(app, g, c);
  AddSearchCommands(app, g, c);
}

}  // namespace cli
}  // namespace qiaolian
