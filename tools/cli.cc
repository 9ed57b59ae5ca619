// Helpers shared by the command-line tool's subcommands (tools/cli.h).
#include "tools/cli.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
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

absl::StatusOr<std::unique_ptr<Store>> OpenStore(const Global& g, bool create,
                                                 bool read_only,
                                                 bool map_tables) {
  if (g.store.empty()) {
    return absl::InvalidArgumentError(
        "no store given: use --store DIR or set QIAOLIAN_STORE");
  }
  StoreOptions o;
  o.create_if_missing = create;
  o.read_only = read_only;
  o.encryption_key = g.encryption_key;
  o.map_tables = map_tables;
  // One command a process: the reads it makes open what they need.
  o.warm_up_in_background = false;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(g.store, o);
  if (read_only && !store.ok() &&
      store.status().code() == absl::StatusCode::kFailedPrecondition &&
      absl::StrContains(store.status().message(), " needs index ")) {
    // A store last written by an earlier version lacks an index that this
    // one has (Store::Open in read-only mode does not build it): one
    // writable open builds it, as the error asks, then the command reads.
    std::cerr << "qiaolian: building the indexes this version adds to "
              << g.store << " (once)\n";
    StoreOptions w = o;
    w.read_only = false;
    w.create_if_missing = false;
    absl::StatusOr<std::unique_ptr<Store>> built = Store::Open(g.store, w);
    if (!built.ok()) {
      return absl::Status(
          built.status().code(),
          absl::StrCat(store.status().message(),
                       "; opening it for writing to build them failed: ",
                       built.status().message()));
    }
    built->reset();  // Closed: the read-only open takes the store's lock.
    store = Store::Open(g.store, o);
  }
  return store;
}

absl::Status LoadKey(Global* g) {
  if (g->key_file.empty()) return absl::OkStatus();
  std::ifstream in(g->key_file, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("--key-file: cannot read ", g->key_file));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (bytes.size() == kEncryptionKeyBytes) {
    g->encryption_key = std::move(bytes);
    return absl::OkStatus();
  }
  absl::string_view text = absl::StripAsciiWhitespace(bytes);
  if (text.size() == 2 * kEncryptionKeyBytes &&
      std::all_of(text.begin(), text.end(),
                  [](char c) { return absl::ascii_isxdigit(c); })) {
    g->encryption_key = absl::HexStringToBytes(text);
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--key-file ", g->key_file, ": must hold the ", kEncryptionKeyBytes,
      "-byte key, raw or as ", 2 * kEncryptionKeyBytes,
      " hex digits (it holds ", bytes.size(), " bytes)"));
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
