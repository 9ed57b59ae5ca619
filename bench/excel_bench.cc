// excel_bench: reading a generated .xlsx worksheet (src/ingest/excel.h),
// with and without merged cells (issue 5: "both Excel formats").
//
//   build/bench/excel_bench [--benchmark_filter=...]
//   QIAOLIAN_BENCH_ROWS=N   rows per sheet (default 100,000)
//
// Each sheet has 8 columns of inline strings (Chinese names, a USCC, dates,
// an address), as exports and registries write them. The "merged" sheet has
// a <mergeCells> list after its rows: column C merged down every group of 20
// rows, as hand-made lists merge a 地区 column. BM_OpenXlsx is the cost of
// opening (the workbook parts, and the pass that looks for merged cells
// before the rows are streamed); BM_ReadXlsx opens and reads every row.
#include <zip.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "src/ingest/excel.h"

namespace {

size_t Rows() {
  const char* env = std::getenv("QIAOLIAN_BENCH_ROWS");
  return env != nullptr && std::atol(env) > 0 ? std::atol(env) : 100000;
}

std::string Cell(int col, size_t row, const std::string& text) {
  return absl::StrCat("<c r=\"", std::string(1, static_cast<char>('A' + col)),
                      row, "\" t=\"inlineStr\"><is><t>", text, "</t></is></c>");
}

// The worksheet XML: a header and `rows` records (deterministic).
std::string SheetXml(size_t rows, bool merged) {
  static const char* const kSurnames[] = {"陈", "王", "李", "张", "刘", "黄"};
  static const char* const kGiven[] = {"伟", "明", "丽", "华", "强", "芳"};
  static const char* const kTowns[] = {"金城镇", "尧塘街道", "儒林镇", "直溪镇",
                                       "朱林镇"};
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
      "2006/main\"><sheetData>";
  const char* const kHeader[] = {"企业名称",   "统一社会信用代码", "地区",
                                 "法定代表人", "成立日期",         "注册资本",
                                 "登记状态",   "注册地址"};
  absl::StrAppend(&xml, "<row r=\"1\">");
  for (int c = 0; c < 8; ++c) absl::StrAppend(&xml, Cell(c, 1, kHeader[c]));
  absl::StrAppend(&xml, "</row>");
  for (size_t i = 0; i < rows; ++i) {
    const size_t r = i + 2;
    const std::string person = absl::StrCat(
        kSurnames[i % 6], kGiven[(i / 6) % 6], kGiven[(i / 36) % 6]);
    absl::StrAppend(&xml, "<row r=\"", r, "\">");
    absl::StrAppend(
        &xml, Cell(0, r, absl::StrCat("常州", person, i, "制造有限公司")));
    absl::StrAppend(&xml, Cell(1, r, absl::StrCat("91320413MA", 10000000 + i)));
    // Merged sheets write the 地区 only on the first row of each group.
    if (!merged || i % 20 == 0) {
      absl::StrAppend(&xml, Cell(2, r, kTowns[(i / 20) % 5]));
    }
    absl::StrAppend(&xml, Cell(3, r, person));
    absl::StrAppend(
        &xml,
        Cell(4, r, absl::StrCat(2000 + i % 20, "-0", 1 + i % 9, "-1", i % 9)));
    absl::StrAppend(&xml, Cell(5, r, absl::StrCat(i % 5000, "万元人民币")));
    absl::StrAppend(&xml, Cell(6, r, "存续"));
    absl::StrAppend(&xml, Cell(7, r,
                               absl::StrCat("金坛区", kTowns[i % 5], "东门大街",
                                            i % 300, "号")));
    absl::StrAppend(&xml, "</row>");
  }
  absl::StrAppend(&xml, "</sheetData>");
  if (merged) {
    absl::StrAppend(&xml, "<mergeCells>");
    for (size_t i = 0; i < rows; i += 20) {
      absl::StrAppend(&xml, "<mergeCell ref=\"C", i + 2, ":C",
                      std::min(rows, i + 20) + 1, "\"/>");
    }
    absl::StrAppend(&xml, "</mergeCells>");
  }
  absl::StrAppend(&xml, "</worksheet>");
  return xml;
}

bool WriteXlsx(const std::string& path, const std::string& sheet) {
  const std::string decl =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
  const std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml",
       decl + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
              "content-types\"><Default Extension=\"xml\" "
              "ContentType=\"application/xml\"/></Types>"},
      {"xl/workbook.xml",
       decl +
           "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
           "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
           "officeDocument/2006/relationships\"><sheets><sheet name=\"企业\" "
           "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       decl +
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
           "2006/relationships\"><Relationship Id=\"rId1\" "
           "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
           "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
           "</Relationships>"},
      {"xl/worksheets/sheet1.xml", sheet},
  };
  zipFile zf = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (zf == nullptr) return false;
  bool ok = true;
  for (const auto& [name, data] : parts) {
    ok = ok &&
         zipOpenNewFileInZip64(zf, name.c_str(), nullptr, nullptr, 0, nullptr,
                               0, nullptr, Z_DEFLATED, Z_DEFAULT_COMPRESSION,
                               /*zip64=*/1) == ZIP_OK &&
         zipWriteInFileInZip(zf, data.data(),
                             static_cast<unsigned>(data.size())) == ZIP_OK &&
         zipCloseFileInZip(zf) == ZIP_OK;
  }
  return zipClose(zf, nullptr) == ZIP_OK && ok;
}

// The two workbooks, written once per process in a temporary directory.
const std::string& Workbook(bool merged) {
  static const std::vector<std::string> paths = [] {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / "qiaolian-excel-bench";
    std::filesystem::create_directories(dir);
    std::vector<std::string> out;
    for (bool m : {false, true}) {
      const std::string path =
          (dir / absl::StrCat(m ? "merged_" : "plain_", Rows(), ".xlsx"))
              .string();
      if (!std::filesystem::exists(path) &&
          !WriteXlsx(path, SheetXml(Rows(), m))) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(1);
      }
      out.push_back(path);
    }
    return out;
  }();
  return paths[merged ? 1 : 0];
}

void BM_OpenXlsx(benchmark::State& state) {
  const std::string& path = Workbook(state.range(0) != 0);
  for (auto _ : state) {
    auto r = qiaolian::ingest::OpenExcel(path);
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(state.range(0) ? "merged" : "plain");
}
BENCHMARK(BM_OpenXlsx)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_ReadXlsx(benchmark::State& state) {
  const std::string& path = Workbook(state.range(0) != 0);
  size_t rows = 0;
  for (auto _ : state) {
    auto r = qiaolian::ingest::OpenExcel(path);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    qiaolian::ingest::Row row;
    rows = 0;
    for (;;) {
      auto more = (*r)->Next(&row);
      if (!more.ok()) {
        state.SkipWithError(more.status().ToString().c_str());
        break;
      }
      if (!*more) break;
      ++rows;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
  state.SetLabel(state.range(0) ? "merged" : "plain");
}
BENCHMARK(BM_ReadXlsx)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
