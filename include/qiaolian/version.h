// Version of the qiaolian library, as macros (compile time). The C API also
// offers qiaolian_version_number() for the version linked at run time.
#ifndef QIAOLIAN_VERSION_H_
#define QIAOLIAN_VERSION_H_

#define QIAOLIAN_VERSION "0.1.0"
// MAJOR * 1000000 + MINOR * 1000 + PATCH.
#define QIAOLIAN_VERSION_NUMBER 1000

#endif  // QIAOLIAN_VERSION_H_
