// Kinds, record construction and the JSON mapping (include/qiaolian/record.h).
#include "qiaolian/record.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "qiaolian/limits.h"
#include "src/model/checks.h"
#include "src/model/validate.h"
#include "src/storage/key_codec.h"

namespace qiaolian {

std::string KindName(Kind kind) {
  return storage::KindName(static_cast<uint8_t>(kind));
}

absl::StatusOr<Kind> ParseKind(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  std::vector<std::string> names;
  for (Kind k : kAllKinds) {
    if (KindName(k) == lower) return k;
    names.push_back(KindName(k));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown kind \"", name,
                   "\"; expected one of: ", absl::StrJoin(names, ", ")));
}

const google::protobuf::Descriptor* DescriptorOf(Kind kind) {
  switch (kind) {
    case v1::KIND_PERSON:
      return v1::Person::descriptor();
    case v1::KIND_ENTERPRISE:
      return v1::Enterprise::descriptor();
    case v1::KIND_CASE:
      return v1::Case::descriptor();
    case v1::KIND_DONATION:
      return v1::Donation::descriptor();
    case v1::KIND_EVENT:
      return v1::Event::descriptor();
    default:
      return nullptr;
  }
}

std::unique_ptr<google::protobuf::Message> NewRecord(Kind kind) {
  switch (kind) {
    case v1::KIND_PERSON:
      return std::make_unique<v1::Person>();
    case v1::KIND_ENTERPRISE:
      return std::make_unique<v1::Enterprise>();
    case v1::KIND_CASE:
      return std::make_unique<v1::Case>();
    case v1::KIND_DONATION:
      return std::make_unique<v1::Donation>();
    case v1::KIND_EVENT:
      return std::make_unique<v1::Event>();
    default:
      return nullptr;
  }
}

absl::StatusOr<Kind> KindOf(const google::protobuf::Message& record) {
  const google::protobuf::Descriptor* d = record.GetDescriptor();
  for (Kind k : kAllKinds) {
    if (DescriptorOf(k) == d) return k;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "message type ", d->full_name(), " is not a qiaolian record kind"));
}

namespace {
const google::protobuf::FieldDescriptor* MetaField(
    const google::protobuf::Message& record) {
  return record.GetDescriptor()->FindFieldByNumber(1);
}
}  // namespace

const v1::RecordMeta& MetaOf(const google::protobuf::Message& record) {
  return static_cast<const v1::RecordMeta&>(
      record.GetReflection()->GetMessage(record, MetaField(record)));
}

v1::RecordMeta* MutableMetaOf(google::protobuf::Message* record) {
  return static_cast<v1::RecordMeta*>(
      record->GetReflection()->MutableMessage(record, MetaField(*record)));
}

absl::Status ValidateRecord(const google::protobuf::Message& record) {
  return model::ValidateRecord(record, nullptr);
}

absl::Status RecordFromJson(absl::string_view json,
                            google::protobuf::Message* out) {
  out->Clear();
  if (json.size() > kMaxJsonBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("JSON text of ", json.size(),
                     " bytes exceeds the limit of ", kMaxJsonBytes, " bytes"));
  }
  absl::Status utf8 = model::CheckUtf8(json);
  if (!utf8.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON text: ", utf8.message()));
  }
  google::protobuf::util::JsonParseOptions opts;
  opts.ignore_unknown_fields = false;
  opts.case_insensitive_enum_parsing = false;
  auto st = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), out, opts);
  if (!st.ok()) {
    out->Clear();
    // The parser's message may span lines (a caret under the input); keep
    // the first line so every error stays one line in logs and reject files.
    absl::string_view msg(st.message().data(), st.message().size());
    msg = absl::StripAsciiWhitespace(msg.substr(0, msg.find('\n')));
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid JSON for ", out->GetDescriptor()->name(), ": ", msg));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> RecordFromJson(
    Kind kind, absl::string_view json) {
  std::unique_ptr<google::protobuf::Message> m = NewRecord(kind);
  if (m == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown kind ", static_cast<int>(kind)));
  }
  absl::Status st = RecordFromJson(json, m.get());
  if (!st.ok()) return st;
  return m;
}

absl::StatusOr<std::string> RecordToJson(const google::protobuf::Message& m,
                                         const JsonOptions& options) {
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = options.pretty;
  opts.always_print_primitive_fields = options.include_defaults;
  opts.preserve_proto_field_names = false;
  std::string out;
  auto st = google::protobuf::util::MessageToJsonString(m, &out, opts);
  if (!st.ok()) {
    return absl::InternalError(absl::StrCat(
        "printing ", m.GetTypeName(), " as JSON: ", std::string(st.message())));
  }
  if (options.pretty) {
    // protobuf indents by one space; two read better.
    std::string wide;
    wide.reserve(out.size() * 5 / 4);
    bool at_line_start = true;
    for (char c : out) {
      if (at_line_start && c == ' ') {
        wide.append("  ");
        continue;
      }
      at_line_start = c == '\n';
      wide.push_back(c);
    }
    out = std::move(wide);
    if (!out.empty() && out.back() == '\n') out.pop_back();
  }
  return out;
}

}  // namespace qiaolian
