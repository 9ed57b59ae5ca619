// The number of table files in each of LevelDB's levels of a store, for
// tests of what leaves the store in one level (a bulk load, Reindex).
#ifndef QIAOLIAN_TESTS_TESTING_STORE_LEVELS_H_
#define QIAOLIAN_TESTS_TESTING_STORE_LEVELS_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "leveldb/db.h"
#include "qiaolian/store.h"
#include "src/api/store_access.h"
#include "src/storage/db.h"

namespace qiaolian {
namespace testing {

// Files by level, "3 1 1 0 0 0 0 " (level 0 first); `levels` gets how many
// levels hold files.
inline std::string FilesByLevel(const Store& store, int* levels) {
  leveldb::DB* db = internal::StoreAccess::Db(store).raw();
  std::string files;
  *levels = 0;
  for (int level = 0; level < 7; ++level) {
    std::string n;
    if (!db->GetProperty(absl::StrCat("leveldb.num-files-at-level", level),
                         &n)) {
      n = "?";
    }
    files += n + " ";
    *levels += n != "0";
  }
  return files;
}

}  // namespace testing
}  // namespace qiaolian

#endif  // QIAOLIAN_TESTS_TESTING_STORE_LEVELS_H_
