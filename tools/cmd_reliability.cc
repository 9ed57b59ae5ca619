// qiaolian repair: salvages a damaged store (include/qiaolian/repair.h,
// docs/reliability.md).
//
//   qiaolian --store DIR repair [--json]
//
// Prints what was lost (records per kind before and after, rows restored
// from history, files set aside) and whether the repaired store verifies.
// Exit status 0 when it does, 1 on an error or if problems remain.
#include <iostream>
#include <memory>

#include "qiaolian/repair.h"
#include "tools/cli.h"

namespace qiaolian {
namespace cli {

void AddReliabilityCommands(CLI::App& app, const Global& g, Commands& c) {
  auto* repair = app.add_subcommand(
      "repair",
      "Repair a damaged store (DATA_LOSS): salvage what can be read, restore "
      "rows from history, rebuild counters and indexes, report what was "
      "lost. The store must not be open elsewhere.");
  auto json = std::make_shared<bool>(false);
  repair->add_flag("--json", *json, "Print the report as one JSON object");
  c.Add(repair, [&g, json] {
    if (g.store.empty()) {
      return Fail("no store: give --store DIR or set QIAOLIAN_STORE");
    }
    RepairOptions ro;
    ro.encryption_key = g.encryption_key;
    absl::StatusOr<RepairReport> r = RepairStore(g.store, ro);
    if (!r.ok()) return Fail(r.status());
    if (*json) {
      std::cout << r->ToJson() << "\n";
    } else {
      std::cout << r->ToString();
    }
    return r->verify.problems.empty() ? 0 : 1;
  });
}

}  // namespace cli
}  // namespace qiaolian
