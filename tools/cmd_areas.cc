// The list of areas whose subcommands live outside tools/qiaolian_main.cc.
// Each area adds one declaration and one call here.
#include "tools/cli.h"

namespace qiaolian {
namespace cli {

void AddSearchCommands(CLI::App& app, const Global& g, Commands& c);

void AddAreaCommands(CLI::App& app, const Global& g, Commands& c) {
  AddSearchCommands(app, g, c);
}

}  // namespace cli
}  // namespace qiaolian
