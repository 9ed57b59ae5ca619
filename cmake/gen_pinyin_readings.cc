// Build-time generator of the library's table of Han character readings:
// the reading ICU's "Han-Latin; Latin-ASCII" transliterator gives every
// character of U+3400..U+9FFF (CJK Extension A and the Unified Ideographs),
// written as a C++ source file (src/text/pinyin.cc reads it).
//
//   qiaolian_gen_readings OUTPUT.cc
//
// Creating the transliterator parses ICU's rule set (~70 ms) and each
// character costs ~30 µs: done once here instead of in every process that
// reads a name's pinyin. The table also keeps readings (and so pinyin index
// entries) from changing under a store when the system's ICU is upgraded
// without a rebuild.
#include <cstdio>
#include <memory>
#include <string>

#include "src/text/icu_reading.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.cc\n", argv[0]);
    return 2;
  }
  std::unique_ptr<icu::Transliterator> t(
      qiaolian::text::NewHanLatinTransliterator());
  if (t == nullptr) {
    std::fprintf(stderr, "%s: ICU has no Han-Latin transliterator\n", argv[0]);
    return 1;
  }
  constexpr char32_t kFirst = 0x3400, kLast = 0x9FFF;
  std::string text, starts;
  size_t start = 0, line = 0;
  for (char32_t c = kFirst; c <= kLast; ++c) {
    const std::string r = qiaolian::text::IcuReading(*t, c);
    starts += std::to_string(start) + (++line % 16 == 0 ? ",\n" : ",");
    text += r;
    start += r.size();
  }
  starts += std::to_string(start);
  const std::string path = argv[1];
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    std::perror(tmp.c_str());
    return 1;
  }
  std::fprintf(f,
               "// Generated at build time by cmake/gen_pinyin_readings.cc "
               "from ICU %s. Do not edit.\n"
               "#include <cstdint>\n\n"
               "namespace qiaolian {\nnamespace text {\n"
               "namespace readings_internal {\n\n"
               "extern const char32_t kFirst = 0x%X;\n"
               "extern const char32_t kLast = 0x%X;\n"
               "extern const char kIcuVersion[] = \"%s\";\n"
               "// Readings of kFirst + i: kText[kStart[i], kStart[i + 1]).\n"
               "extern const char kText[] =\n",
               U_ICU_VERSION, static_cast<unsigned>(kFirst),
               static_cast<unsigned>(kLast), U_ICU_VERSION);
  for (size_t i = 0; i < text.size(); i += 96) {
    std::fprintf(f, "    \"%s\"\n", text.substr(i, 96).c_str());
  }
  std::fprintf(f,
               "    ;\nextern const uint32_t kStart[] = {\n%s};\n\n"
               "}  // namespace readings_internal\n}  // namespace text\n"
               "}  // namespace qiaolian\n",
               starts.c_str());
  if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::perror(path.c_str());
    return 1;
  }
  return 0;
}
