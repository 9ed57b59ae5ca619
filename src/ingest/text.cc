#include "src/ingest/text.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/utypes.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/util/status_macros.h"

namespace qiaolian {
namespace ingest {
namespace {

// Raw bytes are read, and decoded, this many at a time.
constexpr size_t kChunkSize = 256 * 1024;

constexpr char kUtf8Bom[] = "\xEF\xBB\xBF";

// ---------------------------------------------------------------------------
// Raw bytes.

// A sequence of raw byte chunks from a file or from memory.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // The next chunk: empty at the end. Valid until the next call.
  virtual absl::StatusOr<absl::string_view> Next() = 0;
  // Starts again from the first byte (regular files and memory only).
  virtual absl::Status Rewind() = 0;
  // Total size when known, else 0.
  virtual uint64_t size() const = 0;
};

class MemoryBytes : public ByteStream {
 public:
  explicit MemoryBytes(std::string bytes) : bytes_(std::move(bytes)) {}

  absl::StatusOr<absl::string_view> Next() override {
    const size_t n = std::min(kChunkSize, bytes_.size() - pos_);
    absl::string_view chunk(bytes_.data() + pos_, n);
    pos_ += n;
    return chunk;
  }
  absl::Status Rewind() override {
    pos_ = 0;
    return absl::OkStatus();
  }
  uint64_t size() const override { return bytes_.size(); }

 private:
  const std::string bytes_;
  size_t pos_ = 0;
};

class FileBytes : public ByteStream {
 public:
  static absl::StatusOr<std::unique_ptr<FileBytes>> Open(
      const std::string& path) {
    int fd;
    do {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", path));
    }
    std::unique_ptr<FileBytes> f(new FileBytes(path, fd));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot stat ", path));
    }
    if (S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is a directory, not a file"));
    }
    f->regular_ = S_ISREG(st.st_mode);
    f->size_ = f->regular_ ? static_cast<uint64_t>(st.st_size) : 0;
    return f;
  }

  ~FileBytes() override { ::close(fd_); }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  // Fills the buffer (short only at the end of the file).
  absl::StatusOr<absl::string_view> Next() override {
    size_t n = 0;
    while (n < kChunkSize) {
      const ssize_t r = ::read(fd_, buf_.get() + n, kChunkSize - n);
      if (r < 0) {
        if (errno == EINTR) continue;
        return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", path_));
      }
      if (r == 0) break;
      n += static_cast<size_t>(r);
    }
    return absl::string_view(buf_.get(), n);
  }

  absl::Status Rewind() override {
    if (::lseek(fd_, 0, SEEK_SET) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot seek ", path_));
    }
    return absl::OkStatus();
  }

  uint64_t size() const override { return size_; }
  bool regular() const { return regular_; }

 private:
  FileBytes(std::string path, int fd)
      : path_(std::move(path)), fd_(fd), buf_(new char[kChunkSize]) {}

  const std::string path_;
  const int fd_;
  std::unique_ptr<char[]> buf_;
  bool regular_ = false;
  uint64_t size_ = 0;
};

// ---------------------------------------------------------------------------
// Decoders: raw bytes to UTF-8, strictly.

// Decodes a byte stream given chunk by chunk, appending UTF-8 (whole
// characters only) and holding back a sequence split across chunks. A
// leading U+FEFF is dropped. After a failure the decoder must not be used.
class Decoder {
 public:
  virtual ~Decoder() = default;
  // False on an undecodable sequence (see bad_offset()), after appending
  // the text before it.
  virtual bool Decode(absl::string_view in, std::string* out) = 0;
  // At the end of the input: false when a sequence is left unfinished.
  virtual bool Finish(std::string* out) = 0;
  // Source offset of the first byte of the undecodable sequence.
  uint64_t bad_offset() const { return bad_offset_; }
  // Whether the failure was an unfinished sequence at the end.
  bool truncated() const { return truncated_; }

 protected:
  // Drops U+FEFF if it is the first character of the text; `start` is where
  // this call's output begins in `*out`.
  void StripBom(std::string* out, size_t start) {
    if (bom_checked_ || out->size() == start) return;
    bom_checked_ = true;
    if (out->compare(start, 3, kUtf8Bom) == 0) out->erase(start, 3);
  }

  uint64_t offset_ = 0;  // Source bytes passed to Decode() so far.
  uint64_t bad_offset_ = 0;
  bool truncated_ = false;

 private:
  bool bom_checked_ = false;
};

// What a byte allows as the lead of a UTF-8 sequence: its length (0: not
// a lead byte) and the range of the second byte, which excludes overlong
// forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
struct Utf8Lead {
  uint8_t len, lo, hi;
};

constexpr std::array<Utf8Lead, 256> MakeUtf8Leads() {
  std::array<Utf8Lead, 256> t{};
  for (int c = 0; c < 0x80; ++c) t[c] = {1, 0, 0};
  for (int c = 0xC2; c < 0xE0; ++c) t[c] = {2, 0x80, 0xBF};
  for (int c = 0xE0; c < 0xF0; ++c) t[c] = {3, 0x80, 0xBF};
  t[0xE0].lo = 0xA0;
  t[0xED].hi = 0x9F;
  for (int c = 0xF0; c < 0xF5; ++c) t[c] = {4, 0x80, 0xBF};
  t[0xF0].lo = 0x90;
  t[0xF4].hi = 0x8F;
  return t;
}

constexpr std::array<Utf8Lead, 256> kUtf8Leads = MakeUtf8Leads();

// Checks [p, p + n) as UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF). True if valid, with `*end` at the end of the
// last complete sequence (what follows is the valid start of a sequence cut
// off by `n`); false with `*end` at the start of the first invalid sequence.
bool ValidateUtf8(const unsigned char* p, size_t n, size_t* end) {
  size_t i = 0;
  while (i < n) {
    if (i + 4 <= n) {  // Fast path for E1-EC, EE, EF: most CJK text.
      uint32_t w;
      std::memcpy(&w, p + i, 4);
      if ((le32toh(w) & 0xC0C0F0) == 0x8080E0 && p[i] != 0xE0 && p[i] != 0xED) {
        i += 3;
        continue;
      }
    }
    const Utf8Lead lead = kUtf8Leads[p[i]];
    if (lead.len == 1) {
      ++i;
      while (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ULL) break;
        i += 8;
      }
      continue;
    }
    if (lead.len == 0) break;
    if (i + lead.len <= n) {
      if (p[i + 1] < lead.lo || p[i + 1] > lead.hi) break;
      if (lead.len > 2 && (p[i + 2] & 0xC0) != 0x80) break;
      if (lead.len > 3 && (p[i + 3] & 0xC0) != 0x80) break;
      i += lead.len;
      continue;
    }
    // Cut off by `n`: valid so far?
    if (i + 1 < n && (p[i + 1] < lead.lo || p[i + 1] > lead.hi)) break;
    if (i + 2 < n && (p[i + 2] & 0xC0) != 0x80) break;
    *end = i;
    return true;
  }
  *end = i;
  return i == n;
}

class Utf8Decoder : public Decoder {
 public:
  bool Decode(absl::string_view in, std::string* out) override {
    const size_t start = out->size();
    const uint64_t base = offset_ - carry_.size();  // Source offset of start.
    out->append(carry_);
    out->append(in.data(), in.size());
    offset_ += in.size();
    size_t end;
    const bool ok = ValidateUtf8(
        reinterpret_cast<const unsigned char*>(out->data() + start),
        out->size() - start, &end);
    if (!ok) {
      bad_offset_ = base + end;
      out->resize(start + end);
      StripBom(out, start);
      return false;
    }
    carry_.assign(*out, start + end, std::string::npos);
    out->resize(start + end);
    StripBom(out, start);
    return true;
  }

  bool Finish(std::string*) override {
    if (carry_.empty()) return true;
    bad_offset_ = offset_ - carry_.size();
    truncated_ = true;
    return false;
  }

 private:
  std::string carry_;  // The start of a sequence cut off by a chunk's end.
};

// UTF-16 code units to UTF-8, strictly: a surrogate pair may be split
// across calls; an unpaired surrogate is an error.
class Utf16ToUtf8 {
 public:
  // Appends units [p, end) as UTF-8, holding back a lead surrogate whose
  // trail is in the next call. False on an unpaired surrogate, after
  // appending the text before it; *bad (when not null) is then the index in
  // [p, end) of the unit that could not be decoded (the trail that did not
  // come counts as the unit after the lead).
  template <typename Unit>
  bool Append(const Unit* p, const Unit* end, std::string* out,
              size_t* bad = nullptr) {
    const Unit* const begin = p;
    const size_t old = out->size();
    out->resize(old + 3 * static_cast<size_t>(end - p) + 4);
    char* o = out->data() + old;
    bool ok = true;
    for (; p < end; ++p) {
      uint32_t c = static_cast<uint16_t>(*p);
      if (lead_ != 0) {
        if (c < 0xDC00 || c > 0xDFFF) {
          ok = false;
          break;
        }
        c = 0x10000 + ((lead_ - 0xD800) << 10) + (c - 0xDC00);
        lead_ = 0;
      } else if (c >= 0xD800 && c <= 0xDBFF) {
        lead_ = c;
        continue;
      } else if (c >= 0xDC00 && c <= 0xDFFF) {
        ok = false;
        break;
      }
      if (c < 0x80) {
        *o++ = static_cast<char>(c);
      } else if (c < 0x800) {
        *o++ = static_cast<char>(0xC0 | (c >> 6));
        *o++ = static_cast<char>(0x80 | (c & 0x3F));
      } else if (c < 0x10000) {
        *o++ = static_cast<char>(0xE0 | (c >> 12));
        *o++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *o++ = static_cast<char>(0x80 | (c & 0x3F));
      } else {
        *o++ = static_cast<char>(0xF0 | (c >> 18));
        *o++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        *o++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        *o++ = static_cast<char>(0x80 | (c & 0x3F));
      }
    }
    out->resize(static_cast<size_t>(o - out->data()));
    if (!ok && bad != nullptr) *bad = static_cast<size_t>(p - begin);
    return ok;
  }
  // A lead surrogate is waiting for its trail.
  bool pending() const { return lead_ != 0; }

 private:
  uint32_t lead_ = 0;
};

// UTF-16 (little- or big-endian) as Windows' "Unicode text" exports are:
// a byte order mark (dropped), then two-byte units, strictly.
class Utf16Decoder : public Decoder {
 public:
  explicit Utf16Decoder(bool big_endian) : big_endian_(big_endian) {}

  bool Decode(absl::string_view in, std::string* out) override {
    const size_t start = out->size();
    std::u16string units;
    units.reserve((odd_.size() + in.size()) / 2);
    size_t i = 0;
    auto byte = [&](size_t k) -> uint8_t {
      return static_cast<uint8_t>(k < odd_.size() ? odd_[k]
                                                  : in[k - odd_.size()]);
    };
    const size_t total = odd_.size() + in.size();
    for (; i + 2 <= total; i += 2) {
      const uint16_t a = byte(i), b = byte(i + 1);
      units.push_back(
          static_cast<char16_t>(big_endian_ ? (a << 8) | b : (b << 8) | a));
    }
    const uint64_t base = offset_ - odd_.size();
    std::string rest;
    if (i < total) rest.push_back(static_cast<char>(byte(i)));
    odd_.swap(rest);
    offset_ += in.size();
    size_t bad = 0;
    const bool ok =
        utf16_.Append(units.data(), units.data() + units.size(), out, &bad);
    StripBom(out, start);
    if (!ok) {
      // A trail with no lead is the bad sequence; so is a lead followed by
      // anything but a trail (the unit before, maybe of the last call).
      bad_offset_ = base + 2 * static_cast<uint64_t>(bad);
      if (!IsTrail(units, bad)) bad_offset_ -= 2;
      return false;
    }
    return true;
  }

  bool Finish(std::string*) override {
    if (odd_.empty() && !utf16_.pending()) return true;
    bad_offset_ = offset_ - odd_.size() - (utf16_.pending() ? 2 : 0);
    truncated_ = true;
    return false;
  }

 private:
  static bool IsTrail(const std::u16string& units, size_t k) {
    return units[k] >= 0xDC00 && units[k] <= 0xDFFF;
  }

  const bool big_endian_;
  std::string odd_;  // A unit's first byte, cut off by a chunk's end.
  Utf16ToUtf8 utf16_;
};

// An encoding through ICU, which converts to UTF-16; this converts on to
// UTF-8: GB18030, Big5 (with the Hong Kong supplementary characters,
// HKSCS), or windows-1252 (one byte a character; its five undefined bytes
// are errors).
class IcuDecoder : public Decoder {
 public:
  static absl::StatusOr<std::unique_ptr<Decoder>> Create(Encoding encoding) {
    const char* name = encoding == Encoding::kBig5          ? "Big5-HKSCS"
                       : encoding == Encoding::kWindows1252 ? "windows-1252"
                                                            : "gb18030";
    UErrorCode err = U_ZERO_ERROR;
    UConverter* cnv = ucnv_open(name, &err);
    if (U_FAILURE(err)) {
      return absl::InternalError(
          absl::StrCat("ICU has no ", name, " converter: ", u_errorName(err)));
    }
    ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr,
                        &err);
    if (U_FAILURE(err)) {
      ucnv_close(cnv);
      return absl::InternalError(
          absl::StrCat("ucnv_setToUCallBack: ", u_errorName(err)));
    }
    return std::unique_ptr<Decoder>(new IcuDecoder(cnv, encoding));
  }

  ~IcuDecoder() override { ucnv_close(cnv_); }
  IcuDecoder(const IcuDecoder&) = delete;
  IcuDecoder& operator=(const IcuDecoder&) = delete;

  bool Decode(absl::string_view in, std::string* out) override {
    // ICU is given whole sequences only (and flushed after each call), so
    // that an error's offset never depends on bytes of an earlier call,
    // which ICU could not give back.
    absl::string_view work = in;
    if (!carry_.empty()) {
      carry_.append(in.data(), in.size());
      work = carry_;
    }
    const size_t whole = encoding_ == Encoding::kBig5 ? WholeBig5(work)
                         : encoding_ == Encoding::kWindows1252
                             ? work.size()
                             : WholeSequences(work);
    const uint64_t base = offset_ - (work.size() - in.size());
    offset_ += in.size();
    if (encoding_ == Encoding::kWindows1252) {
      // The five bytes windows-1252 leaves undefined (ICU would give C1
      // control characters for them): not text.
      const size_t undefined = work.find_first_of("\x81\x8D\x8F\x90\x9D");
      if (undefined != absl::string_view::npos) {
        if (!Convert(work.substr(0, undefined), base, out)) return false;
        bad_offset_ = base + undefined;
        return false;
      }
    }
    if (!Convert(work.substr(0, whole), base, out)) return false;
    std::string rest(work.substr(whole));
    carry_.swap(rest);
    return true;
  }

  bool Finish(std::string* out) override {
    if (carry_.empty()) return true;
    const uint64_t base = offset_ - carry_.size();
    if (!Convert(carry_, base, out)) return false;
    bad_offset_ = base;  // ICU accepted what looked unfinished: be strict.
    truncated_ = true;
    return false;
  }

 private:
  static constexpr size_t kUnits = 64 * 1024;

  IcuDecoder(UConverter* cnv, Encoding encoding)
      : cnv_(cnv), encoding_(encoding), units_(new UChar[kUnits]) {}

  // The length of the prefix of `s` not ending inside a sequence, by the
  // form of GB18030: 00-7F; 81-FE 40-FE; 81-FE 30-39 81-FE 30-39. Bytes that
  // fit no form are left for ICU to reject.
  static size_t WholeSequences(absl::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
      const unsigned char c = p[i];
      if (c < 0x81 || c == 0xFF) {
        ++i;
      } else if (i + 1 == n) {
        break;
      } else if (p[i + 1] >= 0x30 && p[i + 1] <= 0x39) {
        if (i + 4 > n) break;
        i += 4;
      } else {
        i += 2;
      }
    }
    return i;
  }

  // The same for Big5: 00-80 alone, 81-FE with one trailing byte.
  static size_t WholeBig5(absl::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
      if (p[i] <= 0x80 || p[i] == 0xFF) {
        ++i;
      } else if (i + 1 == n) {
        break;
      } else {
        i += 2;
      }
    }
    return i;
  }

  // Converts `in` (whole sequences at source offset `base`) and resets.
  bool Convert(absl::string_view in, uint64_t base, std::string* out) {
    static const char kEmpty = 0;
    const char* const begin = in.empty() ? &kEmpty : in.data();
    const char* src = begin;
    const char* const limit = begin + in.size();
    const size_t start = out->size();
    for (;;) {
      UChar* target = units_.get();
      UErrorCode err = U_ZERO_ERROR;
      ucnv_toUnicode(cnv_, &target, units_.get() + kUnits, &src, limit, nullptr,
                     /*flush=*/true, &err);
      if (!utf16_.Append(units_.get(), target, out)) {
        bad_offset_ = base + static_cast<uint64_t>(src - begin);
        StripBom(out, start);
        return false;
      }
      if (err == U_BUFFER_OVERFLOW_ERROR) continue;
      if (U_FAILURE(err)) {
        char invalid[32];  // ICU holds at most UCNV_ERROR_BUFFER_LENGTH (32).
        int8_t len = sizeof(invalid);
        UErrorCode err2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(cnv_, invalid, &len, &err2);
        if (U_FAILURE(err2)) len = 0;
        bad_offset_ = base + static_cast<uint64_t>(src - begin) -
                      static_cast<uint64_t>(len);
        truncated_ = err == U_TRUNCATED_CHAR_FOUND;
        StripBom(out, start);
        return false;
      }
      break;
    }
    if (utf16_.pending()) {  // ICU never ends a flushed call inside a pair.
      bad_offset_ = base + in.size();
      return false;
    }
    StripBom(out, start);
    return true;
  }

  UConverter* const cnv_;
  const Encoding encoding_;
  std::unique_ptr<UChar[]> units_;
  std::string carry_;  // The start of a sequence cut off by a chunk's end.
  Utf16ToUtf8 utf16_;
};

absl::StatusOr<std::unique_ptr<Decoder>> NewDecoder(Encoding encoding) {
  switch (encoding) {
    case Encoding::kGb18030:
    case Encoding::kBig5:
    case Encoding::kWindows1252:
      return IcuDecoder::Create(encoding);
    case Encoding::kUtf16Le:
    case Encoding::kUtf16Be:
      return std::unique_ptr<Decoder>(
          new Utf16Decoder(encoding == Encoding::kUtf16Be));
    default:
      return std::unique_ptr<Decoder>(new Utf8Decoder());
  }
}

const char* DecoderName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kGb18030:
      return "GB18030";
    case Encoding::kBig5:
      return "Big5";
    case Encoding::kWindows1252:
      return "windows-1252";
    case Encoding::kUtf16Le:
      return "UTF-16LE";
    case Encoding::kUtf16Be:
      return "UTF-16BE";
    default:
      return "UTF-8";
  }
}

// The UTF-16 byte order mark `first` starts with: kUtf16Le, kUtf16Be, or
// kAuto for none.
Encoding Utf16Bom(absl::string_view first) {
  if (first.size() < 2) return Encoding::kAuto;
  if (first[0] == '\xFF' && first[1] == '\xFE') return Encoding::kUtf16Le;
  if (first[0] == '\xFE' && first[1] == '\xFF') return Encoding::kUtf16Be;
  return Encoding::kAuto;
}

// A UTF-16 byte order mark on a file read as another encoding.
absl::Status CheckBomAgrees(absl::string_view first, const std::string& name,
                            Encoding encoding) {
  const Encoding bom = Utf16Bom(first);
  if (bom == Encoding::kAuto || bom == encoding) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      name, ": starts with a ", DecoderName(bom),
      " byte order mark, but the encoding given is ", DecoderName(encoding),
      "; give --encoding auto or ", EncodingName(bom)));
}

// ---------------------------------------------------------------------------
// Text sources.

class DecodingSource : public TextSource {
 public:
  DecodingSource(std::string name, std::unique_ptr<ByteStream> bytes,
                 std::unique_ptr<Decoder> decoder, Encoding encoding)
      : name_(std::move(name)),
        bytes_(std::move(bytes)),
        decoder_(std::move(decoder)),
        encoding_(encoding) {}

  // Reads the first chunk, checking a UTF-16 byte order mark.
  absl::Status Start() {
    QL_ASSIGN_OR_RETURN(first_, bytes_->Next());
    return CheckBomAgrees(first_, name_, encoding_);
  }

  absl::StatusOr<size_t> Read(std::string* out) override {
    if (!status_.ok()) return status_;
    const size_t before = out->size();
    while (!done_ && out->size() == before) {
      absl::string_view chunk;
      if (started_) {
        auto next = bytes_->Next();
        if (!next.ok()) return status_ = next.status();
        chunk = *next;
      } else {
        chunk = first_;
        started_ = true;
      }
      bool ok;
      if (chunk.empty()) {
        done_ = true;
        ok = decoder_->Finish(out);
      } else {
        consumed_ += chunk.size();
        ok = decoder_->Decode(chunk, out);
      }
      if (!ok) {
        // The text before the bad sequence comes first; the error next.
        status_ = absl::InvalidArgumentError(absl::StrCat(
            name_, ": invalid ", DecoderName(encoding_), " at byte offset ",
            decoder_->bad_offset(),
            decoder_->truncated() ? " (sequence cut off by the end of the file)"
                                  : ""));
        if (out->size() == before) return status_;
        break;
      }
    }
    return out->size() - before;
  }

  uint64_t source_bytes() const override { return consumed_; }
  uint64_t source_size() const override { return bytes_->size(); }
  Encoding encoding() const override { return encoding_; }

 private:
  const std::string name_;
  std::unique_ptr<ByteStream> bytes_;
  std::unique_ptr<Decoder> decoder_;
  const Encoding encoding_;
  absl::string_view first_;
  bool started_ = false;
  bool done_ = false;
  uint64_t consumed_ = 0;
  absl::Status status_;
};

// Runs `decoder` over the rest of `bytes`, `first` being the chunk already
// read. False (with the offset in the decoder) on an undecodable sequence.
absl::StatusOr<bool> Decodes(Decoder* decoder, absl::string_view first,
                             ByteStream* bytes) {
  std::string scratch;
  absl::string_view chunk = first;
  while (!chunk.empty()) {
    scratch.clear();
    if (!decoder->Decode(chunk, &scratch)) return false;
    QL_ASSIGN_OR_RETURN(chunk, bytes->Next());
  }
  return decoder->Finish(&scratch);
}

// Of the two-byte sequences of `bytes` read as GB18030, the percentage
// outside GB2312 (a lead or trailing byte below 0xA1): ~0 for simplified
// text, whose rare characters (喆, 堃 in names) are a few per cent; 40-60
// for Big5, whose trailing bytes 40-7E and A1-FE both read as GB18030. 0
// when there are fewer than 8 such sequences to judge by.
size_t OutsideGb2312Percent(absl::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t pairs = 0, outside = 0;
  for (size_t i = 0; i + 1 < bytes.size();) {
    if (p[i] < 0x81 || p[i] == 0xFF) {
      ++i;
    } else if (p[i + 1] >= 0x30 && p[i + 1] <= 0x39) {
      i += 4;  // A four-byte GB18030 sequence.
    } else {
      ++pairs;
      outside += p[i] < 0xA1 || p[i + 1] < 0xA1;
      i += 2;
    }
  }
  return pairs < 8 ? 0 : outside * 100 / pairs;
}
constexpr size_t kBig5LikePercent = 25;

// The first line of `bytes` (at most 200 bytes) decoded as `encoding`, as
// far as it decodes: for an error that shows a user both readings.
std::string FirstLineAs(Encoding encoding, absl::string_view bytes) {
  absl::string_view line = bytes.substr(0, bytes.find('\n'));
  if (line.size() > 200) line = line.substr(0, 200);
  line = absl::StripTrailingAsciiWhitespace(line);
  absl::StatusOr<std::unique_ptr<Decoder>> d = IcuDecoder::Create(encoding);
  if (!d.ok()) return "";
  std::string out;
  (void)(*d)->Decode(line, &out);
  return out;
}

// The encoding of `bytes` (rewound afterwards): a UTF-16 or UTF-8 BOM,
// else strict UTF-8, else strict GB18030 or Big5, whichever decodes; when
// both do and the text looks like Big5 read as GB18030, an error that shows
// the first line both ways.
absl::StatusOr<Encoding> Detect(ByteStream* bytes, const std::string& name) {
  QL_ASSIGN_OR_RETURN(absl::string_view first, bytes->Next());
  if (const Encoding bom = Utf16Bom(first); bom != Encoding::kAuto) {
    QL_RETURN_IF_ERROR(bytes->Rewind());
    return bom;
  }
  if (absl::StartsWith(first, kUtf8Bom)) {
    QL_RETURN_IF_ERROR(bytes->Rewind());
    return Encoding::kUtf8;
  }
  // No spreadsheet text holds NUL; UTF-16 without a byte order mark does
  // (every ASCII character), and would pass for GB18030.
  if (const size_t nul = first.find('\0'); nul != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot tell the encoding of ", name, ": a NUL byte at offset ", nul,
        " (UTF-16 without a byte order mark?); say which with --encoding "
        "(utf-16le, utf-16be, utf-8, gb18030)"));
  }
  Utf8Decoder utf8;
  QL_ASSIGN_OR_RETURN(bool is_utf8, Decodes(&utf8, first, bytes));
  QL_RETURN_IF_ERROR(bytes->Rewind());
  if (is_utf8) return Encoding::kUtf8;

  QL_ASSIGN_OR_RETURN(std::unique_ptr<Decoder> gb,
                      IcuDecoder::Create(Encoding::kGb18030));
  QL_ASSIGN_OR_RETURN(first, bytes->Next());
  const size_t outside = OutsideGb2312Percent(first);
  QL_ASSIGN_OR_RETURN(bool is_gb, Decodes(gb.get(), first, bytes));
  QL_RETURN_IF_ERROR(bytes->Rewind());
  // Big5 (traditional Chinese from Hong Kong, Macau, Taiwan, and many
  // associations abroad) nearly always decodes as GB18030 too, into other
  // characters: tried when GB18030 fails, or when it succeeds with many
  // characters that simplified text rarely uses.
  bool is_big5 = false;
  std::unique_ptr<Decoder> big5;
  if (!is_gb || outside >= kBig5LikePercent) {
    QL_ASSIGN_OR_RETURN(big5, IcuDecoder::Create(Encoding::kBig5));
    QL_ASSIGN_OR_RETURN(first, bytes->Next());
    QL_ASSIGN_OR_RETURN(is_big5, Decodes(big5.get(), first, bytes));
    QL_RETURN_IF_ERROR(bytes->Rewind());
  }
  if (is_gb && !is_big5) return Encoding::kGb18030;
  if (is_big5 && !is_gb) return Encoding::kBig5;
  if (is_gb && is_big5) {
    QL_ASSIGN_OR_RETURN(first, bytes->Next());
    std::string as_gb = FirstLineAs(Encoding::kGb18030, first);
    std::string as_big5 = FirstLineAs(Encoding::kBig5, first);
    QL_RETURN_IF_ERROR(bytes->Rewind());
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot tell the encoding of ", name,
        ": it reads as GB18030 and as "
        "Big5, and ",
        outside,
        "% of its Chinese characters as GB18030 are "
        "outside GB2312, as when Big5 is read as GB18030. Its first line as "
        "GB18030: \"",
        as_gb, "\"; as Big5: \"", as_big5,
        "\". Say which "
        "with --encoding gb18030 or --encoding big5"));
  }
  // Western European text (José, Müller: Excel's CSV in Europe and the
  // Americas) fails all three; it is never taken for granted, but its first
  // line is shown as it would read.
  QL_ASSIGN_OR_RETURN(first, bytes->Next());
  std::string western;
  if (absl::StatusOr<std::unique_ptr<Decoder>> latin =
          IcuDecoder::Create(Encoding::kWindows1252);
      latin.ok()) {
    // The line of the first byte that is not UTF-8, when the first chunk
    // holds it.
    const uint64_t bad = utf8.bad_offset();
    if (bad < first.size()) {
      const size_t start = first.rfind('\n', bad);
      const size_t begin = start == absl::string_view::npos ? 0 : start + 1;
      const absl::string_view line =
          first.substr(begin, first.find('\n', bad) - begin);
      std::string as_latin;
      if ((*latin)->Decode(line.substr(0, 200), &as_latin) &&
          (*latin)->Finish(&as_latin)) {
        western = absl::StrCat(
            "; if it is Western European text (Excel's CSV in Europe and the "
            "Americas), that line as windows-1252 reads \"",
            absl::StripTrailingAsciiWhitespace(as_latin),
            "\" (--encoding windows-1252)");
      }
    }
  }
  QL_RETURN_IF_ERROR(bytes->Rewind());
  return absl::InvalidArgumentError(
      absl::StrCat("cannot tell the encoding of ", name,
                   ": not UTF-8 (invalid byte at offset ", utf8.bad_offset(),
                   "), not GB18030 (invalid at offset ", gb->bad_offset(),
                   ") and not Big5 (invalid at offset ", big5->bad_offset(),
                   "); say which with --encoding", western));
}

absl::StatusOr<std::unique_ptr<TextSource>> OpenBytes(
    std::string name, std::unique_ptr<ByteStream> bytes, Encoding encoding) {
  if (encoding == Encoding::kAuto) {
    QL_ASSIGN_OR_RETURN(encoding, Detect(bytes.get(), name));
  }
  QL_ASSIGN_OR_RETURN(std::unique_ptr<Decoder> decoder, NewDecoder(encoding));
  auto source = std::make_unique<DecodingSource>(
      std::move(name), std::move(bytes), std::move(decoder), encoding);
  QL_RETURN_IF_ERROR(source->Start());
  return std::unique_ptr<TextSource>(std::move(source));
}

// ---------------------------------------------------------------------------
// Row readers.

// Decoded text in a buffer that holds the current row from its start.
class BufferedReader : public RowReader {
 public:
  explicit BufferedReader(std::unique_ptr<TextSource> source)
      : source_(std::move(source)) {}

  uint64_t source_bytes() const override { return source_->source_bytes(); }
  uint64_t source_size() const override { return source_->source_size(); }

 protected:
  // Drops the text before row_start_ and appends the next chunk: false at
  // the end of the text.
  absl::StatusOr<bool> Fill() {
    if (eof_) return false;
    if (row_start_ > 0) {
      buf_.erase(0, row_start_);
      base_ += row_start_;
      pos_ -= row_start_;
      row_start_ = 0;
    }
    QL_ASSIGN_OR_RETURN(size_t n, source_->Read(&buf_));
    if (n == 0) eof_ = true;
    return n > 0;
  }

  // At the start of a line: skips the LF of a CRLF whose CR ended the last
  // line. Requires pos_ < buf_.size().
  void SkipLfAfterCr() {
    if (pending_cr_) {
      pending_cr_ = false;
      if (buf_[pos_] == '\n') row_start_ = ++pos_;
    }
  }

  std::unique_ptr<TextSource> source_;
  std::string buf_;
  size_t pos_ = 0;           // Next byte to look at.
  size_t row_start_ = 0;     // Start of the current row in buf_.
  uint64_t base_ = 0;        // Offset of buf_[0] in the decoded text.
  uint64_t line_ = 1;        // Line of buf_[pos_].
  bool pending_cr_ = false;  // The last line ended with CR.
  bool eof_ = false;
};

class DelimitedReader : public BufferedReader {
 public:
  DelimitedReader(std::unique_ptr<TextSource> source, char delimiter,
                  size_t max_row_bytes)
      : BufferedReader(std::move(source)),
        delimiter_(delimiter),
        max_row_bytes_(max_row_bytes) {
    for (char c : {delimiter, '"', '\r', '\n'}) {
      unquoted_stop_[static_cast<unsigned char>(c)] = true;
    }
    for (char c : {'"', '\r', '\n'}) {
      quoted_stop_[static_cast<unsigned char>(c)] = true;
    }
  }

  absl::StatusOr<bool> Next(Row* row) override {
    enum State { kRowStart, kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
    State state = kRowStart;
    size_t nfields = 0;
    std::string* field = nullptr;
    uint64_t quote_line = 0;
    size_t quote_rel = 0;  // The opening quote, relative to row_start_.
    row_start_ = pos_;
    row->error.clear();
    for (;;) {
      if (pos_ - row_start_ > max_row_bytes_) {
        // An unclosed quote (or a runaway line) must not swallow the rest of
        // the file: cut the row at the end of the line where the quote
        // opened and read on from the next line.
        if (state == kQuoted) {
          const std::string why = absl::StrCat(
              "column ", nfields, ": the quoted field that starts on line ",
              quote_line, " is longer than ", max_row_bytes_,
              " bytes (an unclosed quote?); the row was cut at the end of "
              "line ",
              quote_line);
          if (EndAtQuoteLine(row, nfields, field, quote_rel, quote_line)) {
            row->error = why;
            return true;
          }
        }
        return SkipLongRow(row, nfields);
      }
      if (pos_ == buf_.size()) {
        QL_ASSIGN_OR_RETURN(bool more, Fill());
        if (more) continue;
        if (state == kRowStart) return false;
        if (state == kQuoted) {
          const std::string why = absl::StrCat(
              "column ", nfields,
              ": end of file inside a quoted field that starts on line ",
              quote_line);
          // Read the lines after the quote's as rows again.
          if (EndAtQuoteLine(row, nfields, field, quote_rel, quote_line)) {
            row->error = absl::StrCat(
                why,
                " (an unclosed quote?); the row was cut at the end of "
                "that line");
            return true;
          }
          SetError(row, nfields, why.substr(why.find(": ") + 2));
        }
        EndRow(row, nfields, buf_.size());
        return true;
      }
      const char* const p = buf_.data();
      const size_t n = buf_.size();
      switch (state) {
        case kRowStart: {
          SkipLfAfterCr();
          if (pos_ == n) continue;
          const char c = p[pos_];
          if (c == '\n' || c == '\r') {  // A blank line.
            ++line_;
            pending_cr_ = c == '\r';
            row_start_ = ++pos_;
            continue;
          }
          row->line = line_;
          row->offset = base_ + row_start_;
          field = NewField(row, &nfields);
          state = kFieldStart;
          break;
        }
        case kFieldStart: {
          const char c = p[pos_];
          if (c == '"') {
            quote_line = line_;
            quote_rel = pos_ - row_start_;
            ++pos_;
            state = kQuoted;
          } else if (c == delimiter_) {
            ++pos_;
            field = NewField(row, &nfields);
          } else if (c == '\n' || c == '\r') {
            EndRow(row, nfields, pos_);
            return true;
          } else {
            state = kUnquoted;
          }
          break;
        }
        case kUnquoted: {
          size_t i = pos_;
          while (i < n && !unquoted_stop_[static_cast<unsigned char>(p[i])]) {
            ++i;
          }
          field->append(p + pos_, i - pos_);
          pos_ = i;
          if (i == n) break;
          const char c = p[i];
          if (c == delimiter_) {
            ++pos_;
            field = NewField(row, &nfields);
            state = kFieldStart;
          } else if (c == '"') {
            SetError(row, nfields, "quote inside an unquoted field");
            field->push_back('"');
            ++pos_;
          } else {
            EndRow(row, nfields, i);
            return true;
          }
          break;
        }
        case kQuoted: {
          size_t i = pos_;
          for (;;) {
            while (i < n && !quoted_stop_[static_cast<unsigned char>(p[i])]) {
              ++i;
            }
            if (i == n || p[i] == '"') break;
            // A line break inside quotes; p[i - 1] is in the row (at worst
            // the opening quote), and CRLF counts once.
            if (p[i] == '\r' || p[i - 1] != '\r') ++line_;
            ++i;
          }
          field->append(p + pos_, i - pos_);
          pos_ = i;
          if (i < n) {
            ++pos_;
            state = kQuoteInQuoted;
          }
          break;
        }
        case kQuoteInQuoted: {
          const char c = p[pos_];
          if (c == '"') {
            field->push_back('"');
            ++pos_;
            state = kQuoted;
          } else if (c == delimiter_) {
            ++pos_;
            field = NewField(row, &nfields);
            state = kFieldStart;
          } else if (c == '\n' || c == '\r') {
            EndRow(row, nfields, pos_);
            return true;
          } else {
            // Kept as text; further quotes in the field are text too.
            SetError(row, nfields, "text after closing quote");
            state = kUnquoted;
          }
          break;
        }
      }
    }
  }

 private:
  // The next field of `row`, reusing the strings left in it.
  static std::string* NewField(Row* row, size_t* nfields) {
    std::string* f;
    if (*nfields < row->fields.size()) {
      f = &row->fields[*nfields];
      f->clear();
    } else {
      f = &row->fields.emplace_back();
    }
    ++*nfields;
    return f;
  }

  // Records the row's first error, in column `column` (1-based).
  static void SetError(Row* row, size_t column, absl::string_view what) {
    if (row->error.empty()) {
      row->error = absl::StrCat("column ", column, ": ", what);
    }
  }

  // For an unclosed quote: ends the row at the end of the line where the
  // quote opened (the field holds the rest of that line), so that the lines
  // after it are read as rows again. False when that line does not end
  // within the buffer.
  bool EndAtQuoteLine(Row* row, size_t nfields, std::string* field,
                      size_t quote_rel, uint64_t quote_line) {
    const size_t quote = row_start_ + quote_rel;
    size_t eol = quote + 1;
    while (eol < buf_.size() && buf_[eol] != '\n' && buf_[eol] != '\r') ++eol;
    if (eol >= buf_.size()) return false;
    field->assign(buf_, quote + 1, eol - quote - 1);
    line_ = quote_line;
    EndRow(row, nfields, eol);
    return true;
  }

  // A row longer than max_row_bytes_ within one line: rejected, and skipped
  // to the end of that line without keeping it (raw holds its first 4 KiB).
  absl::StatusOr<bool> SkipLongRow(Row* row, size_t nfields) {
    constexpr size_t kKeptRawBytes = 4096;
    row->fields.resize(nfields);
    row->raw.assign(buf_, row_start_,
                    std::min(kKeptRawBytes, pos_ - row_start_));
    row->error = absl::StrCat("row longer than ", max_row_bytes_,
                              " bytes in one line; skipped to the end of "
                              "the line");
    for (;;) {
      size_t i = pos_;
      while (i < buf_.size() && buf_[i] != '\n' && buf_[i] != '\r') ++i;
      if (i < buf_.size()) {
        pending_cr_ = buf_[i] == '\r';
        ++line_;
        pos_ = i + 1;
        return true;
      }
      pos_ = row_start_ = buf_.size();  // Let Fill drop what was read.
      QL_ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return true;
    }
  }

  // Ends the row at `eol` (a CR, LF or the end of the text).
  void EndRow(Row* row, size_t nfields, size_t eol) {
    row->fields.resize(nfields);
    row->raw.assign(buf_, row_start_, eol - row_start_);
    if (eol < buf_.size()) {
      pending_cr_ = buf_[eol] == '\r';
      ++line_;
      pos_ = eol + 1;
    } else {
      pos_ = eol;
    }
  }

  const char delimiter_;
  const size_t max_row_bytes_;
  std::array<bool, 256> unquoted_stop_{};
  std::array<bool, 256> quoted_stop_{};
};

class LineReader : public BufferedReader {
 public:
  using BufferedReader::BufferedReader;

  absl::StatusOr<bool> Next(Row* row) override {
    row_start_ = pos_;
    for (;;) {
      if (pos_ == buf_.size()) {
        QL_ASSIGN_OR_RETURN(bool more, Fill());
        if (more) continue;
        if (pos_ == row_start_ || IsBlank()) return false;
        Emit(row, pos_);
        return true;
      }
      if (pos_ == row_start_) {
        SkipLfAfterCr();
        if (pos_ == buf_.size()) continue;
      }
      const char* const p = buf_.data();
      const size_t n = buf_.size();
      size_t i = pos_;
      while (i < n && p[i] != '\n' && p[i] != '\r') ++i;
      pos_ = i;
      if (i == n) continue;
      const bool blank = IsBlank();
      if (!blank) Emit(row, i);
      ++line_;
      pending_cr_ = p[i] == '\r';
      row_start_ = ++pos_;
      if (!blank) return true;
    }
  }

 private:
  // Whether [row_start_, pos_) holds only spaces and tabs.
  bool IsBlank() const {
    for (size_t i = row_start_; i < pos_; ++i) {
      if (buf_[i] != ' ' && buf_[i] != '\t') return false;
    }
    return true;
  }

  void Emit(Row* row, size_t eol) {
    row->line = line_;
    row->offset = base_ + row_start_;
    row->raw.assign(buf_, row_start_, eol - row_start_);
    row->fields.resize(1);
    row->fields[0] = row->raw;
    row->error.clear();
  }
};

}  // namespace

absl::StatusOr<Encoding> ParseEncoding(absl::string_view name) {
  const std::string n = absl::AsciiStrToLower(name);
  if (n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "gb18030" || n == "gbk" || n == "gb2312" || n == "cp936") {
    return Encoding::kGb18030;
  }
  // "UTF-16" and "Unicode" as Windows names them: little-endian.
  if (n == "utf-16le" || n == "utf16le" || n == "utf-16" || n == "utf16" ||
      n == "unicode") {
    return Encoding::kUtf16Le;
  }
  if (n == "utf-16be" || n == "utf16be") return Encoding::kUtf16Be;
  if (n == "big5" || n == "big5-hkscs" || n == "big5hkscs" || n == "cp950") {
    return Encoding::kBig5;
  }
  if (n == "windows-1252" || n == "cp1252" || n == "latin1" || n == "latin-1" ||
      n == "iso-8859-1" || n == "iso8859-1") {
    return Encoding::kWindows1252;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown encoding \"", name,
      "\"; use auto, utf-8, gb18030 (gbk, gb2312, cp936), big5 (big5-hkscs, "
      "cp950), utf-16le, utf-16be or windows-1252 (cp1252, latin1)"));
}

const char* EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kAuto:
      return "auto";
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kGb18030:
      return "gb18030";
    case Encoding::kBig5:
      return "big5";
    case Encoding::kUtf16Le:
      return "utf-16le";
    case Encoding::kUtf16Be:
      return "utf-16be";
    case Encoding::kWindows1252:
      return "windows-1252";
  }
  return "?";
}

absl::StatusOr<std::unique_ptr<TextSource>> OpenTextFile(
    const std::string& path, Encoding encoding) {
  QL_ASSIGN_OR_RETURN(std::unique_ptr<FileBytes> file, FileBytes::Open(path));
  if (encoding == Encoding::kAuto && !file->regular()) {
    // A pipe or device cannot be read twice: detect over a copy.
    std::string bytes;
    for (;;) {
      QL_ASSIGN_OR_RETURN(absl::string_view chunk, file->Next());
      if (chunk.empty()) break;
      bytes.append(chunk.data(), chunk.size());
    }
    return OpenBytes(path, std::make_unique<MemoryBytes>(std::move(bytes)),
                     encoding);
  }
  return OpenBytes(path, std::move(file), encoding);
}

absl::StatusOr<std::unique_ptr<TextSource>> TextFromBytes(std::string bytes,
                                                          Encoding encoding) {
  return OpenBytes("input", std::make_unique<MemoryBytes>(std::move(bytes)),
                   encoding);
}

std::unique_ptr<RowReader> NewDelimitedReader(
    std::unique_ptr<TextSource> source, char delimiter, size_t max_row_bytes) {
  return std::make_unique<DelimitedReader>(std::move(source), delimiter,
                                           std::max<size_t>(max_row_bytes, 1));
}

std::unique_ptr<RowReader> NewLineReader(std::unique_ptr<TextSource> source) {
  return std::make_unique<LineReader>(std::move(source));
}

}  // namespace ingest
}  // namespace qiaolian
