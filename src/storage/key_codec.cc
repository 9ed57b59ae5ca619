#include "src/storage/key_codec.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "qiaolian/v1/common.pb.h"

namespace qiaolian {
namespace storage {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;

// Complements bytes [from, end) of `dst` in place.
void ComplementFrom(std::string* dst, size_t from) {
  for (size_t i = from; i < dst->size(); ++i) {
    (*dst)[i] = static_cast<char>(~static_cast<uint8_t>((*dst)[i]));
  }
}

std::string Quote(absl::string_view s) {
  return absl::StrCat("\"", absl::CHexEscape(s), "\"");
}

std::string DescribeComponent(const Component& c, Direction dir) {
  std::string out;
  if (std::holds_alternative<Null>(c)) {
    out = "null";
  } else if (const auto* i = std::get_if<int64_t>(&c)) {
    out = absl::StrCat(*i);
  } else if (const auto* u = std::get_if<uint64_t>(&c)) {
    out = absl::StrCat(*u, "u");
  } else {
    out = Quote(std::get<std::string>(c));
  }
  if (dir == Direction::kDescending) absl::StrAppend(&out, " desc");
  return out;
}

std::string Hex(absl::string_view s) {
  return absl::StrCat("0x", absl::BytesToHexString(s));
}

// Decodes the string component at the front of `*in` (its tag checked:
// descending when `desc`) into `*s`, and consumes it. Copies the bytes
// between escapes a run at a time (a memchr for the escape byte, then one
// append): most strings have no 0x00 byte, so the whole value is one run.
bool GetStringBody(absl::string_view* in, bool desc, std::string* s) {
  const char escape = desc ? '\xff' : '\0';
  s->clear();
  size_t i = 1;
  for (;;) {
    const char* z = static_cast<const char*>(
        std::memchr(in->data() + i, escape, in->size() - i));
    if (z == nullptr) return false;
    const size_t j = static_cast<size_t>(z - in->data());
    const size_t from = s->size();
    s->append(in->data() + i, j - i);
    if (desc) {
      for (size_t k = from; k < s->size(); ++k) {
        (*s)[k] = static_cast<char>(~static_cast<uint8_t>((*s)[k]));
      }
    }
    if (j + 1 >= in->size()) return false;
    uint8_t next = static_cast<uint8_t>((*in)[j + 1]);
    if (desc) next = static_cast<uint8_t>(~next);
    if (next == 0xFF) {
      s->push_back('\0');
      i = j + 2;
    } else if (next == 0x01) {
      in->remove_prefix(j + 2);
      return true;
    } else {
      return false;
    }
  }
}

}  // namespace

void PutU8(std::string* dst, uint8_t v) {
  dst->push_back(static_cast<char>(v));
}

void PutU16(std::string* dst, uint16_t v) {
  dst->push_back(static_cast<char>(v >> 8));
  dst->push_back(static_cast<char>(v));
}

void PutU64(std::string* dst, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    dst->push_back(static_cast<char>(v >> shift));
  }
}

bool GetU8(absl::string_view* in, uint8_t* v) {
  if (in->empty()) return false;
  *v = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  return true;
}

bool GetU16(absl::string_view* in, uint16_t* v) {
  if (in->size() < 2) return false;
  *v = static_cast<uint16_t>((static_cast<uint8_t>((*in)[0]) << 8) |
                             static_cast<uint8_t>((*in)[1]));
  in->remove_prefix(2);
  return true;
}

bool GetU64(absl::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = LoadU64(in->data());
  in->remove_prefix(8);
  return true;
}

void PutNull(std::string* dst, Direction dir) {
  PutU8(dst, dir == Direction::kAscending ? kTagNull
                                          : static_cast<uint8_t>(~kTagNull));
}

void PutInt64(std::string* dst, int64_t v, Direction dir) {
  size_t start = dst->size();
  PutU8(dst, kTagInt64);
  PutU64(dst, static_cast<uint64_t>(v) ^ kSignBit);
  if (dir == Direction::kDescending) ComplementFrom(dst, start);
}

void PutUint64(std::string* dst, uint64_t v, Direction dir) {
  size_t start = dst->size();
  PutU8(dst, kTagUint64);
  PutU64(dst, v);
  if (dir == Direction::kDescending) ComplementFrom(dst, start);
}

void PutString(std::string* dst, absl::string_view v, Direction dir) {
  size_t start = dst->size();
  dst->reserve(dst->size() + v.size() + 3);
  PutU8(dst, kTagString);
  for (char ch : v) {
    dst->push_back(ch);
    if (ch == '\0') dst->push_back(static_cast<char>(0xFF));
  }
  dst->push_back('\0');
  dst->push_back('\x01');
  if (dir == Direction::kDescending) ComplementFrom(dst, start);
}

void PutComponent(std::string* dst, const Component& c, Direction dir) {
  if (std::holds_alternative<Null>(c)) {
    PutNull(dst, dir);
  } else if (const auto* i = std::get_if<int64_t>(&c)) {
    PutInt64(dst, *i, dir);
  } else if (const auto* u = std::get_if<uint64_t>(&c)) {
    PutUint64(dst, *u, dir);
  } else {
    PutString(dst, std::get<std::string>(c), dir);
  }
}

bool GetComponent(absl::string_view* in, Component* c, Direction* dir) {
  if (in->empty()) return false;
  uint8_t tag = static_cast<uint8_t>((*in)[0]);
  const bool desc = tag >= 0xC0;
  // Work on an ascending copy of the component's bytes when descending.
  auto byte_at = [&](size_t i) -> uint8_t {
    uint8_t b = static_cast<uint8_t>((*in)[i]);
    return desc ? static_cast<uint8_t>(~b) : b;
  };
  tag = byte_at(0);
  *dir = desc ? Direction::kDescending : Direction::kAscending;
  switch (tag) {
    case kTagNull:
      *c = Null{};
      in->remove_prefix(1);
      return true;
    case kTagInt64:
    case kTagUint64: {
      if (in->size() < 9) return false;
      uint64_t v = LoadU64(in->data() + 1);
      if (desc) v = ~v;
      if (tag == kTagInt64) {
        *c = static_cast<int64_t>(v ^ kSignBit);
      } else {
        *c = v;
      }
      in->remove_prefix(9);
      return true;
    }
    case kTagString: {
      std::string s;
      if (!GetStringBody(in, desc, &s)) return false;
      *c = std::move(s);
      return true;
    }
    default:
      return false;
  }
}

bool GetString(absl::string_view* in, std::string* v, Direction* dir) {
  if (in->empty()) return false;
  const uint8_t tag = static_cast<uint8_t>((*in)[0]);
  const bool desc = tag >= 0xC0;
  if ((desc ? static_cast<uint8_t>(~tag) : tag) != kTagString) return false;
  *dir = desc ? Direction::kDescending : Direction::kAscending;
  return GetStringBody(in, desc, v);
}

namespace {

// An 8-byte component with tag `want` (either direction), as stored.
bool GetFixed(absl::string_view* in, uint8_t want, uint64_t* u,
              Direction* dir) {
  if (in->size() < 9) return false;
  const uint8_t tag = static_cast<uint8_t>((*in)[0]);
  const bool desc = tag >= 0xC0;
  if ((desc ? static_cast<uint8_t>(~tag) : tag) != want) return false;
  *dir = desc ? Direction::kDescending : Direction::kAscending;
  const uint64_t raw = LoadU64(in->data() + 1);
  *u = desc ? ~raw : raw;
  in->remove_prefix(9);
  return true;
}

}  // namespace

bool GetInt64(absl::string_view* in, int64_t* v, Direction* dir) {
  uint64_t u = 0;
  if (!GetFixed(in, kTagInt64, &u, dir)) return false;
  *v = static_cast<int64_t>(u ^ kSignBit);
  return true;
}

bool GetUint64(absl::string_view* in, uint64_t* v, Direction* dir) {
  return GetFixed(in, kTagUint64, v, dir);
}

std::string MetaKey(absl::string_view name) {
  std::string k;
  PutU8(&k, static_cast<uint8_t>(Keyspace::kMeta));
  k.append(name.data(), name.size());
  return k;
}

std::string RowPrefix(uint8_t kind) {
  std::string k;
  PutU8(&k, static_cast<uint8_t>(Keyspace::kRows));
  PutU8(&k, kind);
  return k;
}

std::string RowKey(uint8_t kind, uint64_t id) {
  std::string k = RowPrefix(kind);
  PutU64(&k, id);
  return k;
}

std::string HistoryPrefix(uint8_t kind, uint64_t id) {
  std::string k;
  PutU8(&k, static_cast<uint8_t>(Keyspace::kHistory));
  PutU8(&k, kind);
  PutU64(&k, id);
  return k;
}

std::string HistoryKey(uint8_t kind, uint64_t id, uint64_t revision) {
  std::string k = HistoryPrefix(kind, id);
  PutU64(&k, revision);
  return k;
}

std::string AuditPrefix() {
  std::string k;
  PutU8(&k, static_cast<uint8_t>(Keyspace::kAudit));
  return k;
}

std::string AuditKey(uint64_t seq) {
  std::string k = AuditPrefix();
  PutU64(&k, seq);
  return k;
}

bool DecodeAuditKey(absl::string_view key, uint64_t* seq) {
  uint8_t tag;
  if (!GetU8(&key, &tag) || tag != static_cast<uint8_t>(Keyspace::kAudit)) {
    return false;
  }
  return GetU64(&key, seq) && key.empty();
}

std::string IndexPrefix(uint16_t index_id) {
  std::string k;
  PutU8(&k, static_cast<uint8_t>(Keyspace::kIndex));
  PutU16(&k, index_id);
  return k;
}

std::string UniquePrefix(uint16_t index_id) {
  std::string k;
  PutU8(&k, static_cast<uint8_t>(Keyspace::kUnique));
  PutU16(&k, index_id);
  return k;
}

bool DecodeRowKey(absl::string_view key, RowKeyParts* out) {
  uint8_t tag;
  if (!GetU8(&key, &tag) || tag != static_cast<uint8_t>(Keyspace::kRows)) {
    return false;
  }
  return GetU8(&key, &out->kind) && GetU64(&key, &out->id) && key.empty();
}

bool DecodeHistoryKey(absl::string_view key, HistoryKeyParts* out) {
  uint8_t tag;
  if (!GetU8(&key, &tag) || tag != static_cast<uint8_t>(Keyspace::kHistory)) {
    return false;
  }
  return GetU8(&key, &out->kind) && GetU64(&key, &out->id) &&
         GetU64(&key, &out->revision) && key.empty();
}

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    uint8_t last = static_cast<uint8_t>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string KindName(uint8_t kind) {
  if (kind != 0 && v1::Kind_IsValid(kind)) {
    absl::string_view name = v1::Kind_Name(static_cast<v1::Kind>(kind));
    absl::ConsumePrefix(&name, "KIND_");
    return absl::AsciiStrToLower(name);
  }
  return absl::StrCat("kind#", kind);
}

std::string DescribeKey(absl::string_view key) {
  absl::string_view in = key;
  uint8_t tag;
  if (!GetU8(&in, &tag)) return "<empty key>";
  switch (static_cast<Keyspace>(tag)) {
    case Keyspace::kMeta:
      return absl::StrCat("meta(", Quote(in), ")");
    case Keyspace::kRows: {
      RowKeyParts p;
      if (DecodeRowKey(key, &p)) {
        return absl::StrCat("row(", KindName(p.kind), ", ", p.id, ")");
      }
      break;
    }
    case Keyspace::kHistory: {
      HistoryKeyParts p;
      if (DecodeHistoryKey(key, &p)) {
        return absl::StrCat("history(", KindName(p.kind), ", ", p.id,
                            ", rev=", p.revision, ")");
      }
      break;
    }
    case Keyspace::kAudit: {
      uint64_t seq = 0;
      if (DecodeAuditKey(key, &seq)) return absl::StrCat("audit(", seq, ")");
      break;
    }
    case Keyspace::kIndex:
    case Keyspace::kUnique: {
      const bool is_index = static_cast<Keyspace>(tag) == Keyspace::kIndex;
      uint16_t index_id;
      if (!GetU16(&in, &index_id)) break;
      absl::string_view values = in;
      uint64_t id = 0;
      if (is_index) {
        if (values.size() < 8) break;
        absl::string_view id_bytes = values.substr(values.size() - 8);
        values.remove_suffix(8);
        if (!GetU64(&id_bytes, &id)) break;
      }
      std::vector<std::string> parts;
      parts.push_back(absl::StrCat("#", index_id));
      while (!values.empty()) {
        Component c;
        Direction dir;
        if (!GetComponent(&values, &c, &dir)) {
          parts.push_back(absl::StrCat("<unreadable ", Hex(values), ">"));
          break;
        }
        parts.push_back(DescribeComponent(c, dir));
      }
      if (is_index) parts.push_back(absl::StrCat("id=", id));
      return absl::StrCat(is_index ? "index(" : "unique(",
                          absl::StrJoin(parts, ", "), ")");
    }
  }
  return absl::StrCat("<unknown key ", Hex(key), ">");
}

}  // namespace storage
}  // namespace qiaolian
