// Duplicate detection and merge for people and enterprises
// (docs/search.md).
//
//   auto pairs = qiaolian::FindDuplicates(*store, qiaolian::v1::KIND_PERSON);
//   for (const qiaolian::DuplicatePair& p : *pairs) { ... p.score, p.reasons }
//   auto merged = qiaolian::Merge(*store, qiaolian::v1::KIND_PERSON, 12, 40);
//
// Candidate pairs come from the indexes (src/search/terms.h and the field
// indexes), then each pair is scored on the two rows. Reasons and scores:
//
//   person                                       enterprise
//   100 same identity document number            100 same USCC
//   (统一社会信用代码,
//    90 same normalised name + birth date             also an unverified one)
//    75 same phone or e-mail (normalised)          95 same registration number
//    60 Chinese name whose pinyin is the Latin     85 same normalised name
//       name of a person without a Chinese name    70 one's name is the other's
//       (+25 with the same birth date)                former name
//    45 same name, a birth date unknown
//
// Several reasons add 5 each to the best one (at most 100); conflicting
// facts subtract (different birth dates -30 unless a document matches;
// two different USCCs -40). Personal identifiers in reasons are masked
// (last four characters shown).
#ifndef QIAOLIAN_DUPLICATES_H_
#define QIAOLIAN_DUPLICATES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"

namespace qiaolian {

struct DuplicatePair {
  uint64_t a = 0;  // Lower id (0 in FindDuplicatesOf: the new record).
  uint64_t b = 0;
  int score = 0;                     // 1..100.
  std::vector<std::string> reasons;  // Strongest first.
};

struct DuplicateOptions {
  int min_score = 50;   // Pairs scoring lower are not returned.
  size_t limit = 1000;  // At most this many pairs, best first.
  // Records sharing one key beyond this many (e.g. 2,000 people named 陈伟
  // without birth dates) are too common a key to pair up: only the first
  // `max_group` of such a group are paired.
  size_t max_group = 100;
};

// Candidate duplicate pairs of `kind` (KIND_PERSON or KIND_ENTERPRISE), best
// first (score, then ids). Reads one snapshot.
absl::StatusOr<std::vector<DuplicatePair>> FindDuplicates(
    const Store& store, Kind kind, const DuplicateOptions& options = {});

// Stored records that `record` (a person or enterprise, typically about to
// be imported; its meta.id may be 0) would duplicate; `a` is the record's
// own id (0 when new), `b` the stored one.
absl::StatusOr<std::vector<DuplicatePair>> FindDuplicatesOf(
    const Store& store, const google::protobuf::Message& record,
    const DuplicateOptions& options = {});

// Scores one pair of stored records (score 0 and no reasons when nothing
// suggests they are the same).
absl::StatusOr<DuplicatePair> CompareRecords(const Store& store, Kind kind,
                                             uint64_t a, uint64_t b);

struct MergeResult {
  uint64_t survivor = 0;
  uint64_t merged = 0;
  // Records whose Refs now point at the survivor instead of the merged one.
  std::vector<std::pair<Kind, uint64_t>> moved;
  uint64_t refs_moved = 0;  // Ref fields rewritten in them.
};

// Merges record `merged` into `survivor` (same kind: person or enterprise)
// in ONE batch: the survivor keeps its values and takes the merged record's
// where it has none (repeated fields: the union; the merged record's name
// becomes a former name; notes are appended); every Ref to the merged
// record anywhere in the store (found from the schema's Ref fields and
// their indexes) is moved to the survivor; the merged record is deleted.
// History is kept: the merged record's history stays under its id, and
// every change carries ChangeRecord.merge {from, into}. Errors:
// INVALID_ARGUMENT (same ids, other kinds), NOT_FOUND, ALREADY_EXISTS (the
// merged values clash with a third record's unique key), and the store's.
absl::StatusOr<MergeResult> Merge(Store& store, Kind kind, uint64_t survivor,
                                  uint64_t merged,
                                  const WriteOptions& options = {});

// For callers that hold records not yet stored (an importer's batch):
//
// Scores two records of the same kind, person or enterprise, stored or not,
// with the rules above (`a` and `b` of the result are their meta ids).
DuplicatePair CompareRecords(const google::protobuf::Message& a,
                             const google::protobuf::Message& b);
// The keys FindDuplicatesOf looks candidates up by (identity documents,
// name + birth date, contacts, cross-script names, names, codes): two
// records sharing a key are a candidate pair, to be scored. Opaque bytes;
// empty for other kinds.
std::vector<std::string> DuplicateKeys(const Store& store,
                                       const google::protobuf::Message& record);
// What Merge does to the surviving record's values: `into` keeps its values
// and takes `from`'s where it has none (repeated fields: the union; notes
// appended), and `from`'s name, when it differs, becomes a former name of
// `into`. Meta and Refs are left as they are.
void MergeRecordValues(const google::protobuf::Message& from,
                       google::protobuf::Message* into);

// Every path to a Ref field in `kind`'s message ("participants.ref",
// "relations.person"), from the descriptors.
std::vector<std::string> RefFieldPaths(Kind kind);

}  // namespace qiaolian

#endif  // QIAOLIAN_DUPLICATES_H_
