# cmake -DINPUT=FILE -DOUTPUT=FILE.cc -DNAMESPACE=a::b -DSYMBOL=kText
#       -DSIZE_SYMBOL=kSize -P embed_file.cmake
#
# Writes a C++ source defining `const char SYMBOL[]` (the bytes of INPUT,
# NUL-terminated) and `const size_t SIZE_SYMBOL` (their number, without the
# NUL). Compiles data files (the working-day calendar) into the library, so
# that no file is needed at run time.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n    " bytes "${bytes}")
set(ns_open "")
set(ns_close "")
string(REPLACE "::" ";" ns_list "${NAMESPACE}")
foreach(ns ${ns_list})
  string(APPEND ns_open "namespace ${ns} {\n")
  string(PREPEND ns_close "}  // namespace ${ns}\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from ${INPUT} by cmake/embed_file.cmake. Do not edit.
#include <cstddef>

${ns_open}
extern const char ${SYMBOL}[];
extern const size_t ${SIZE_SYMBOL};
const char ${SYMBOL}[] = {
    ${bytes}'\\0'};
const size_t ${SIZE_SYMBOL} = ${size};
${ns_close}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
