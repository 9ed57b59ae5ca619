// Helpers shared by the command-line tool's subcommands (tools/cli.h).
#include "tools/cli.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "qiaolian/record.h"

namespace qiaolian {
namespace cli {

int Fail(const absl::Status& st) {
  std::cerr << "qiaolian: " << absl::StatusCodeToString(st.code()) << ": "
            << st.message() << "\n";
  return 1;
}

int Fail(absl::string_view msg) {
  std::cerr << "qiaolian: " << msg << "\n";
  return 1;
}

// Reads all of FILE, or stdin for "-" or "".
absl::StatusOr<std::string> ReadInput(const std::string& file) {
  std::ostringstream out;
  if (file.empty() || file == "-") {
    out << std::cin.rdbuf();
    return out.str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", file));
  out << in.rdbuf();
  return out.str();
}

std::string InputName(const std::string& file) {
  return file.empty() || file == "-" ? "<stdin>" : file;
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& dir,
                                                 bool create, bool read_only) {
  if (dir.empty()) {
    return absl::InvalidArgumentError(
        "no store given: use --store DIR or set QIAOLIAN_STORE");
  }
  StoreOptions o;
  o.create_if_missing = create;
  o.read_only = read_only;
  return Store::Open(dir, o);
}

int PrintRecord(const google::protobuf::Message& m, bool pretty) {
  JsonOptions jo;
  jo.pretty = pretty;
  auto json = RecordToJson(m, jo);
  if (!json.ok()) return Fail(json.status());
  std::cout << *json << "\n";
  return 0;
}

void Commands::Add(CLI::App* sub, std::function<int()> run) {
  entries_.emplace_back(sub, std::move(run));
}

void Commands::AddStoreless(CLI::App* sub, std::function<int()> run) {
  storeless_.push_back(sub);
  Add(sub, std::move(run));
}

bool Commands::ParsedStoreless() const {
  for (CLI::App* sub : storeless_) {
    if (sub->parsed()) return true;
  }
  return false;
}

std::optional<int> Commands::Run() const {
  for (const auto& [sub, run] : entries_) {
    if (sub->parsed()) return run();
  }
  return std::nullopt;
}

}  // namespace cli
}  // namespace qiaolian
