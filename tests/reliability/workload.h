// Shared by the reliability tests (crash driver, fault injection,
// corruption): generated records and import files, and a consistency check
// of a whole store that goes beyond Store::Verify (counters and history
// against the rows). docs/reliability.md says what each test promises.
#ifndef QIAOLIAN_TESTS_RELIABILITY_WORKLOAD_H_
#define QIAOLIAN_TESTS_RELIABILITY_WORKLOAD_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"

namespace qiaolian {
namespace reliability {

// A valid unified social credit code whose digits encode (file, row):
// "91310000" + 9 digits file * 100000 + row, then the check character.
inline std::string Uscc(int file, int row) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int kWeights[] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                 29, 25, 13, 8,  24, 10, 30, 28};
  char body[18];
  std::snprintf(body, sizeof(body), "91310000%09d", file * 100000 + row);
  int sum = 0;
  for (int k = 0; k < 17; ++k) {
    sum += static_cast<int>(std::string(kAlphabet).find(body[k])) * kWeights[k];
  }
  std::string code(body, 17);
  code.push_back(kAlphabet[(31 - sum % 31) % 31]);
  return code;
}

// Decodes Uscc(): false for codes of another shape.
inline bool ParseUscc(const std::string& code, int* file, int* row) {
  if (code.size() != 18 || code.compare(0, 8, "91310000") != 0) return false;
  int n = 0;
  for (int i = 8; i < 17; ++i) {
    if (code[i] < '0' || code[i] > '9') return false;
    n = n * 10 + (code[i] - '0');
  }
  *file = n / 100000;
  *row = n % 100000;
  return true;
}

// An enterprise registry extract (CSV, Chinese headers) of `rows` rows.
inline std::string ImportCsv(int file, int rows) {
  std::string out = "企业名称,统一社会信用代码,注册日期,注册资金\n";
  for (int i = 0; i < rows; ++i) {
    absl::StrAppend(&out, "导入企业", file, "-", i, "有限公司,", Uscc(file, i),
                    ",2010-05-07,\"", i % 1000 + 1, "(万元人民币)\"\n");
  }
  return out;
}

// Names used by the workloads: few, so that updates move index entries.
inline const char* PoolName(int i) {
  static const char* const kNames[] = {
      "陈丽华", "王建国", "李明",       "张伟", "刘芳",   "黄志强",
      "周敏",   "吴海燕", "Tan Ah Kow", "林文", "郑秀英", "何静"};
  return kNames[static_cast<unsigned>(i) % 12];
}

inline v1::Person MakePerson(const std::string& name, const std::string& note) {
  v1::Person p;
  p.set_name(name);
  p.add_categories(v1::Person::CATEGORY_RETURNEE);
  p.set_residence_country("SG");
  p.add_tags(note);
  p.set_notes(note);
  return p;
}

inline v1::Enterprise MakeEnterprise(const std::string& name,
                                     const std::string& note) {
  v1::Enterprise e;
  e.set_name(name);
  e.add_tags(note);
  e.set_notes(note);
  return e;
}

// Everything that must hold in any store a qiaolian write path produced,
// whatever crashed in between: Store::Verify finds nothing; each kind's
// counter equals its rows; each row's last history record has its revision
// and content. Appends one line per problem; errors only for failed reads.
inline absl::Status CheckConsistent(const Store& store,
                                    std::vector<std::string>* problems) {
  absl::StatusOr<VerifyReport> report = store.Verify();
  if (!report.ok()) return report.status();
  for (const std::string& p : report->problems) {
    problems->push_back("verify: " + p);
  }
  for (Kind kind : kAllKinds) {
    uint64_t rows = 0;
    std::vector<std::pair<uint64_t, std::string>> seen;
    absl::Status st =
        store.Scan(kind, 0, [&](const google::protobuf::Message& m) {
          ++rows;
          seen.emplace_back(MetaOf(m).id(), m.SerializeAsString());
          return true;
        });
    if (!st.ok()) return st;
    absl::StatusOr<uint64_t> count = store.Count(kind);
    if (!count.ok()) return count.status();
    if (*count != rows) {
      problems->push_back(absl::StrCat(KindName(kind), ": counter says ",
                                       *count, " but there are ", rows,
                                       " rows"));
    }
    for (const auto& [id, bytes] : seen) {
      std::unique_ptr<google::protobuf::Message> row = NewRecord(kind);
      row->ParseFromString(bytes);
      absl::StatusOr<std::vector<v1::ChangeRecord>> h = store.History(kind, id);
      if (!h.ok()) {
        problems->push_back(absl::StrCat(
            KindName(kind), " ", id, ": no history: ", h.status().ToString()));
        continue;
      }
      const v1::ChangeRecord& last = h->back();
      std::unique_ptr<google::protobuf::Message> then = NewRecord(kind);
      if (last.revision() != MetaOf(*row).revision() ||
          last.op() == v1::ChangeRecord::OP_DELETE ||
          !then->ParseFromString(last.row()) ||
          !google::protobuf::util::MessageDifferencer::Equals(*then, *row)) {
        problems->push_back(absl::StrCat(
            KindName(kind), " ", id, ": row at revision ",
            MetaOf(*row).revision(), " but last history record is revision ",
            last.revision(), " (op ", last.op(), ") with other content"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace reliability
}  // namespace qiaolian

#endif  // QIAOLIAN_TESTS_RELIABILITY_WORKLOAD_H_
