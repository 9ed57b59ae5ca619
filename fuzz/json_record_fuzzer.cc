// Fuzzes JSON record input (include/qiaolian/record.h): RecordFromJson,
// ValidateRecord, and the round trip RecordToJson -> RecordFromJson, which
// must give the same record back.
//
// Input: one byte for the kind (person .. event), then the JSON text.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/util/message_differencer.h"
#include "qiaolian/record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto kind = static_cast<qiaolian::Kind>(1 + data[0] % 5);
  absl::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
  auto record = qiaolian::RecordFromJson(kind, json);
  if (!record.ok()) return 0;
  (void)qiaolian::ValidateRecord(**record);
  auto text = qiaolian::RecordToJson(**record);
  if (!text.ok()) return 0;
  auto again = qiaolian::RecordFromJson(kind, *text);
  if (!again.ok() ||
      !google::protobuf::util::MessageDifferencer::Equals(**record, **again)) {
    // What we print, we must read back as the same record.
    std::abort();
  }
  return 0;
}
