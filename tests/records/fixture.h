// A store in a temporary directory with helpers to add records from JSON,
// for the tests of src/records.
#ifndef QIAOLIAN_TESTS_RECORDS_FIXTURE_H_
#define QIAOLIAN_TESTS_RECORDS_FIXTURE_H_

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(dir_.Sub("store"));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  // Creates a record of `kind` from JSON; returns its id (0 on failure,
  // with a test failure).
  uint64_t Put(Kind kind, const std::string& json) {
    auto m = RecordFromJson(kind, json);
    EXPECT_TRUE(m.ok()) << m.status() << " in " << json;
    if (!m.ok()) return 0;
    auto id = store_->Create(m->get());
    EXPECT_TRUE(id.ok()) << id.status() << " in " << json;
    return id.ok() ? *id : 0;
  }

  // Tries to create a record; returns the status.
  absl::Status TryPut(Kind kind, const std::string& json) {
    auto m = RecordFromJson(kind, json);
    if (!m.ok()) return m.status();
    return store_->Create(m->get()).status();
  }

  static v1::Ref Ref(Kind kind, uint64_t id) {
    v1::Ref r;
    r.set_kind(kind);
    r.set_id(id);
    return r;
  }

  static v1::Date Date(int y, int m, int d) {
    v1::Date out;
    out.set_year(y);
    out.set_month(m);
    out.set_day(d);
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace testing
}  // namespace qiaolian

#endif  // QIAOLIAN_TESTS_RECORDS_FIXTURE_H_
