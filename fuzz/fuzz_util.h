// Shared by the fuzz targets (fuzz/*_fuzzer.cc, docs/reliability.md): a
// scratch directory for the process, on /dev/shm when there is one, removed
// at exit.
#ifndef QIAOLIAN_FUZZ_FUZZ_UTIL_H_
#define QIAOLIAN_FUZZ_FUZZ_UTIL_H_

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace qiaolian {
namespace fuzz {

inline const std::string& ScratchDir() {
  static const std::string* dir = [] {
    std::string base = std::filesystem::is_directory("/dev/shm")
                           ? "/dev/shm"
                           : std::filesystem::temp_directory_path().string();
    std::string tmpl = base + "/qiaolian-fuzz-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    auto* d = new std::string(tmpl);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ScratchDir(), ec);
    });
    return d;
  }();
  return *dir;
}

// Writes `data` to a scratch file named `name` and returns its path.
inline std::string WriteScratch(const std::string& name, const uint8_t* data,
                                size_t size) {
  const std::string path = ScratchDir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0) std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

}  // namespace fuzz
}  // namespace qiaolian

#endif  // QIAOLIAN_FUZZ_FUZZ_UTIL_H_
