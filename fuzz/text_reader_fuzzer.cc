// Fuzzes the text readers (src/ingest/text.h): encoding detection (BOMs,
// strict UTF-8, strict GB18030, UTF-16), CSV/TSV per RFC 4180 and JSON
// Lines; with
// bit 4 of the first byte, the whole import pipeline (header mapping,
// normalisation, validation, natural keys) as a dry run on a small store.
//
// Input: one mode byte, then the file. Mode bits: 0-1 encoding (auto,
// utf-8, gb18030, utf-16le), 2-3 reader (csv, tsv, jsonl, csv), 4 import, 5-7
// kind for the import (person .. event).
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/fuzz_util.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "src/ingest/text.h"

namespace {

using qiaolian::ingest::Encoding;

qiaolian::Store& TheStore() {
  static qiaolian::Store* store = [] {
    auto s = qiaolian::Store::Open(qiaolian::fuzz::ScratchDir() + "/store");
    if (!s.ok()) std::abort();
    return s->release();
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  static const Encoding kEnc[] = {Encoding::kAuto, Encoding::kUtf8,
                                  Encoding::kGb18030, Encoding::kUtf16Le};
  const int reader = (mode >> 2) & 3;
  if (mode & 16) {
    static const char* const kFormats[] = {"csv", "tsv", "jsonl", "csv"};
    const std::string path =
        qiaolian::fuzz::WriteScratch("import.txt", data + 1, size - 1);
    qiaolian::ImportOptions o;
    o.kind = static_cast<qiaolian::Kind>(1 + ((mode >> 5) % 5));
    o.format = kFormats[reader];
    o.encoding = qiaolian::ingest::EncodingName(kEnc[mode & 3]);
    o.dry_run = true;
    o.lenient = (mode & 32) != 0;
    if (reader == 3) {
      // A CSV file read as from elsewhere: dates day or month first,
      // numbers with a decimal comma.
      o.date_order = (mode & 64) != 0 ? qiaolian::ImportDateOrder::kMonthFirst
                                      : qiaolian::ImportDateOrder::kDayFirst;
      o.decimal_mark = qiaolian::ImportDecimalMark::kComma;
    }
    (void)qiaolian::Import(TheStore(), path, o);
    return 0;
  }
  auto source =
      qiaolian::ingest::TextFromBytes(std::move(bytes), kEnc[mode & 3]);
  if (!source.ok()) return 0;
  std::unique_ptr<qiaolian::ingest::RowReader> r =
      reader == 2 ? qiaolian::ingest::NewLineReader(std::move(*source))
                  : qiaolian::ingest::NewDelimitedReader(
                        std::move(*source), reader == 1 ? '\t' : ',');
  qiaolian::ingest::Row row;
  for (;;) {
    auto more = r->Next(&row);
    if (!more.ok() || !*more) break;
  }
  return 0;
}
