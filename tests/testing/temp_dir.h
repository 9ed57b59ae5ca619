// A temporary directory for a test, removed with everything in it when the
// object goes away.
#ifndef QIAOLIAN_TESTS_TESTING_TEMP_DIR_H_
#define QIAOLIAN_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace qiaolian {
namespace testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "qiaolian-test-XXXXXX")
            .string();
    char* p = mkdtemp(tmpl.data());
    path_ = p ? p : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A path inside the directory that does not exist yet.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace testing
}  // namespace qiaolian

#endif  // QIAOLIAN_TESTS_TESTING_TEMP_DIR_H_
