// A store's table files, as the file system and this process's memory maps
// see them: for tests of how tables are read and opened.
#ifndef QIAOLIAN_TESTS_TESTING_TABLE_FILES_H_
#define QIAOLIAN_TESTS_TESTING_TABLE_FILES_H_

#include <filesystem>
#include <fstream>
#include <string>

namespace qiaolian {
namespace testing {

// How many table files (.ldb) the store in `dir` holds.
inline int TableFiles(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    n += e.path().extension() == ".ldb";
  }
  return n;
}

// How many of the table files in `dir` this process has mapped into memory.
inline int MappedTables(const std::string& dir) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  int n = 0;
  while (std::getline(maps, line)) {
    n += line.find(dir + "/") != std::string::npos && line.size() > 4 &&
         line.compare(line.size() - 4, 4, ".ldb") == 0;
  }
  return n;
}

}  // namespace testing
}  // namespace qiaolian

#endif  // QIAOLIAN_TESTS_TESTING_TABLE_FILES_H_
