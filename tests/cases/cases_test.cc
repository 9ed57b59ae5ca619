// The case workflow: registration with deadlines, every transition (legal
// and illegal), replies, overdue cases and the rates of DOMAIN.md on
// hand-checked examples, and bad input that must write nothing.
#include "qiaolian/cases.h"

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/calendar.h"
#include "qiaolian/store.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using absl::CivilDay;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;
using v1::Case;

v1::Date Date(int y, int m, int d) {
  v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

std::string Text(const v1::Date& d) {
  return FormatCivilDay(CivilDay(d.year(), d.month(), d.day()));
}

Case NewCase(Case::Channel channel, Case::Type type, CivilDay received) {
  Case c;
  c.set_channel(channel);
  c.set_type(type);
  *c.mutable_received() =
      Date(static_cast<int>(received.year()), received.month(), received.day());
  c.set_title("测试事项");
  return c;
}

class CasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(tmp_.Sub("store"));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }

  Case Get(uint64_t id) {
    Case c;
    EXPECT_TRUE(store_->Get(v1::KIND_CASE, id, &c).ok());
    return c;
  }

  // The stored bytes of case `id`.
  std::string Bytes(uint64_t id) { return Get(id).SerializeAsString(); }

  uint64_t Register(Case c, const DeadlineRules* rules = nullptr) {
    RegisterOptions o;
    o.workflow.rules = rules;
    o.actor = "登记员";
    absl::StatusOr<uint64_t> id = RegisterCase(*store_, &c, o);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }

  absl::Status Move(uint64_t id, Case::Status to, CivilDay date,
                    std::string note = "办理") {
    TransitionRequest t;
    t.id = id;
    t.to = to;
    t.date = date;
    t.note = std::move(note);
    t.actor = "王主任";
    return Transition(*store_, t).status();
  }

  std::vector<uint64_t> OverdueIds(CivilDay as_of) {
    absl::StatusOr<std::vector<OverdueCase>> list =
        OverdueCases(*store_, as_of);
    EXPECT_TRUE(list.ok()) << list.status();
    std::vector<uint64_t> ids;
    for (const OverdueCase& o : list.value_or(std::vector<OverdueCase>{})) {
      ids.push_back(o.id);
    }
    return ids;
  }

  TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(CasesTest, RegisterComputesDeadlinesFromTheKindsRule) {
  // An online consultation on the eve of National Day 2020: 2 working days.
  Case c = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                   CivilDay(2020, 9, 30));
  RegisterOptions o;
  o.actor = "登记员";
  o.at = absl::FromCivil(absl::CivilSecond(2020, 9, 30, 17, 30, 0),
                         absl::FixedTimeZone(8 * 3600));
  absl::StatusOr<uint64_t> id = RegisterCase(*store_, &c, o);
  ASSERT_TRUE(id.ok()) << id.status();
  Case stored = Get(*id);
  EXPECT_EQ(stored.status(), Case::STATUS_RECEIVED);
  EXPECT_EQ(stored.reply_within_working_days(), 2u);
  EXPECT_EQ(Text(stored.reply_due()), "2020-10-10");  // make-up Saturday
  EXPECT_FALSE(stored.has_due());
  ASSERT_EQ(stored.actions_size(), 1);
  EXPECT_EQ(stored.actions(0).type(), Case::Action::TYPE_TRANSITION);
  EXPECT_EQ(stored.actions(0).to_status(), Case::STATUS_RECEIVED);
  EXPECT_EQ(stored.actions(0).by(), "登记员");
  EXPECT_EQ(stored.actions(0).at().seconds(),
            absl::ToUnixSeconds(*o.at));  // 2020-09-30T09:30:00Z
  EXPECT_EQ(Text(stored.actions(0).date()), "2020-09-30");

  // By letter: no default deadline.
  uint64_t letter = Register(NewCase(Case::CHANNEL_LETTER, Case::TYPE_PETITION,
                                     CivilDay(2020, 9, 30)));
  EXPECT_FALSE(Get(letter).has_reply_due());
  EXPECT_FALSE(Get(letter).has_due());

  // Office rules: petitions answered in 5 and closed in 10 working days;
  // online consultations in 1.
  DeadlineRules rules = DeadlineRules::Defaults();
  ASSERT_TRUE(rules
                  .Load("# office rules\n"
                        "PETITION * reply 5 close 10\n"
                        "TYPE_CONSULTATION CHANNEL_ONLINE reply 1\n",
                        "rules.txt")
                  .ok());
  Case p =
      NewCase(Case::CHANNEL_LETTER, Case::TYPE_PETITION, CivilDay(2020, 9, 1));
  uint64_t petition = Register(p, &rules);
  EXPECT_EQ(Text(Get(petition).reply_due()), "2020-09-08");
  EXPECT_EQ(Text(Get(petition).due()), "2020-09-15");
  EXPECT_EQ(Get(petition).close_within_working_days(), 10u);
  uint64_t quick =
      Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                       CivilDay(2020, 9, 30)),
               &rules);
  EXPECT_EQ(Text(Get(quick).reply_due()), "2020-10-09");
  // Any other online case: the default 2.
  uint64_t other =
      Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_SERVICE_REQUEST,
                       CivilDay(2020, 9, 30)),
               &rules);
  EXPECT_EQ(Text(Get(other).reply_due()), "2020-10-10");
  // A deadline the caller gives is kept.
  Case explicit_due = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                              CivilDay(2020, 9, 30));
  *explicit_due.mutable_reply_due() = Date(2020, 10, 9);
  EXPECT_EQ(Text(Get(Register(explicit_due)).reply_due()), "2020-10-09");
}

TEST_F(CasesTest, RegisterRefusesBadInputAndWritesNothing) {
  // A deadline before receipt.
  Case c = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                   CivilDay(2020, 9, 30));
  *c.mutable_reply_due() = Date(2020, 9, 29);
  absl::StatusOr<uint64_t> id = RegisterCase(*store_, &c);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(id.status().message(), HasSubstr("case.replyDue"));
  EXPECT_THAT(id.status().message(), HasSubstr("before the date received"));
  // A closure date before receipt, through the plain store path too.
  Case closed =
      NewCase(Case::CHANNEL_PHONE, Case::TYPE_PETITION, CivilDay(2020, 9, 30));
  closed.set_status(Case::STATUS_CLOSED);
  *closed.mutable_closed() = Date(2020, 1, 1);
  EXPECT_THAT(store_->Create(&closed).status().message(),
              HasSubstr("case.closed: 2020-01-01 is before"));
  // A deadline outside the calendar.
  Case late = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                      CivilDay(2026, 12, 30));
  id = RegisterCase(*store_, &late);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(id.status().message(), HasSubstr("2027-01-01"));
  // A status other than registered.
  Case done = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                      CivilDay(2020, 9, 30));
  done.set_status(Case::STATUS_CLOSED);
  EXPECT_EQ(RegisterCase(*store_, &done).status().code(),
            absl::StatusCode::kInvalidArgument);
  // No full date of receipt.
  Case undated = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                         CivilDay(2020, 9, 30));
  undated.mutable_received()->set_day(0);
  EXPECT_EQ(RegisterCase(*store_, &undated).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->Count(v1::KIND_CASE), 0u);

  // Accepting weekends-only past the calendar: 2026-12-31, 2027-01-01.
  RegisterOptions o;
  o.workflow.calendar_options.weekends_only = true;
  id = RegisterCase(*store_, &late, o);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(Text(Get(*id).reply_due()), "2027-01-01");
}

// Every (from, to) pair: the allowed ones succeed and record the step, the
// others fail with FAILED_PRECONDITION and leave the record unchanged.
TEST_F(CasesTest, EveryTransitionLegalAndIllegal) {
  const std::set<std::pair<Case::Status, Case::Status>> allowed = {
      {Case::STATUS_RECEIVED, Case::STATUS_ACCEPTED},
      {Case::STATUS_RECEIVED, Case::STATUS_REJECTED},
      {Case::STATUS_RECEIVED, Case::STATUS_WITHDRAWN},
      {Case::STATUS_ACCEPTED, Case::STATUS_IN_PROGRESS},
      {Case::STATUS_ACCEPTED, Case::STATUS_REFERRED},
      {Case::STATUS_ACCEPTED, Case::STATUS_RESOLVED},
      {Case::STATUS_ACCEPTED, Case::STATUS_WITHDRAWN},
      {Case::STATUS_IN_PROGRESS, Case::STATUS_REFERRED},
      {Case::STATUS_IN_PROGRESS, Case::STATUS_RESOLVED},
      {Case::STATUS_IN_PROGRESS, Case::STATUS_WITHDRAWN},
      {Case::STATUS_REFERRED, Case::STATUS_IN_PROGRESS},
      {Case::STATUS_REFERRED, Case::STATUS_RESOLVED},
      {Case::STATUS_REFERRED, Case::STATUS_WITHDRAWN},
      {Case::STATUS_RESOLVED, Case::STATUS_CLOSED},
      {Case::STATUS_RESOLVED, Case::STATUS_IN_PROGRESS},
  };
  const Case::Status all[] = {
      Case::STATUS_UNSPECIFIED, Case::STATUS_RECEIVED,  Case::STATUS_ACCEPTED,
      Case::STATUS_IN_PROGRESS, Case::STATUS_REFERRED,  Case::STATUS_RESOLVED,
      Case::STATUS_CLOSED,      Case::STATUS_WITHDRAWN, Case::STATUS_REJECTED};
  int legal = 0, illegal = 0;
  for (Case::Status from : all) {
    for (Case::Status to : all) {
      if (to == Case::STATUS_UNSPECIFIED) continue;
      // A case in state `from`, as an import would write it.
      Case c = NewCase(Case::CHANNEL_PHONE, Case::TYPE_PETITION,
                       CivilDay(2020, 3, 2));
      c.set_status(from);
      absl::StatusOr<uint64_t> id = store_->Create(&c);
      ASSERT_TRUE(id.ok()) << id.status();
      const std::string before = Bytes(*id);
      const bool ok =
          allowed.count(
              {from == Case::STATUS_UNSPECIFIED ? Case::STATUS_RECEIVED : from,
               to}) > 0;
      EXPECT_EQ(TransitionAllowed(from, to), ok);
      absl::Status st = Move(*id, to, CivilDay(2020, 3, 3), "理由");
      const std::string label =
          Case::Status_Name(from) + " -> " + Case::Status_Name(to);
      if (ok) {
        ++legal;
        ASSERT_TRUE(st.ok()) << label << ": " << st;
        Case after = Get(*id);
        EXPECT_EQ(after.status(), to) << label;
        EXPECT_EQ(after.meta().revision(), 2u) << label;
        ASSERT_EQ(after.actions_size(), 1) << label;
        const Case::Action& a = after.actions(0);
        EXPECT_EQ(a.type(), Case::Action::TYPE_TRANSITION);
        EXPECT_EQ(a.from_status(), from);
        EXPECT_EQ(a.to_status(), to);
        EXPECT_EQ(Text(a.date()), "2020-03-03");
        EXPECT_EQ(a.by(), "王主任");
        EXPECT_EQ(a.description(), "理由");
      } else {
        ++illegal;
        EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << label;
        EXPECT_THAT(st.message(), HasSubstr("cannot go from")) << label;
        EXPECT_EQ(Bytes(*id), before) << label;
      }
    }
  }
  EXPECT_EQ(legal, 15 + 3);  // + UNSPECIFIED treated as RECEIVED
  EXPECT_EQ(illegal, 9 * 8 - 18);
  EXPECT_THAT(AllowedTransitions(Case::STATUS_CLOSED), ElementsAre());
  EXPECT_THAT(AllowedTransitions(Case::STATUS_RESOLVED),
              ElementsAre(Case::STATUS_IN_PROGRESS, Case::STATUS_CLOSED));
}

TEST_F(CasesTest, AFullLifeRecordsEveryStep) {
  uint64_t id =
      Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_ENTERPRISE_COORDINATION,
                       CivilDay(2020, 3, 2)));
  ASSERT_TRUE(Move(id, Case::STATUS_ACCEPTED, CivilDay(2020, 3, 2)).ok());
  ASSERT_TRUE(Move(id, Case::STATUS_IN_PROGRESS, CivilDay(2020, 3, 3)).ok());
  TransitionRequest refer;
  refer.id = id;
  refer.to = Case::STATUS_REFERRED;
  refer.date = CivilDay(2020, 3, 4);
  refer.note = "转市外专局";
  refer.actor = "李干事";
  refer.referred_to = "常州市外国专家局";
  ASSERT_TRUE(Transition(*store_, refer).ok());
  ASSERT_TRUE(Move(id, Case::STATUS_IN_PROGRESS, CivilDay(2020, 3, 10)).ok());
  TransitionRequest resolve;
  resolve.id = id;
  resolve.to = Case::STATUS_RESOLVED;
  resolve.date = CivilDay(2020, 3, 20);
  resolve.outcome = Case::OUTCOME_RESOLVED;
  resolve.note = "签证办结";
  ASSERT_TRUE(Transition(*store_, resolve).ok());
  ASSERT_TRUE(Move(id, Case::STATUS_CLOSED, CivilDay(2020, 3, 23)).ok());
  Case c = Get(id);
  EXPECT_EQ(c.status(), Case::STATUS_CLOSED);
  EXPECT_EQ(c.referred_to(), "常州市外国专家局");
  EXPECT_EQ(c.outcome(), Case::OUTCOME_RESOLVED);
  EXPECT_EQ(Text(c.replied()), "2020-03-20");  // resolving answered it
  EXPECT_EQ(Text(c.closed()), "2020-03-23");
  EXPECT_EQ(c.handler(), "王主任");
  ASSERT_EQ(c.actions_size(), 7);
  const Case::Status path[] = {Case::STATUS_RECEIVED,    Case::STATUS_ACCEPTED,
                               Case::STATUS_IN_PROGRESS, Case::STATUS_REFERRED,
                               Case::STATUS_IN_PROGRESS, Case::STATUS_RESOLVED,
                               Case::STATUS_CLOSED};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(c.actions(i).to_status(), path[i]) << i;
    if (i > 0) {
      EXPECT_EQ(c.actions(i).from_status(), path[i - 1]) << i;
    }
  }
  EXPECT_EQ(c.actions(3).by(), "李干事");
  EXPECT_EQ(c.actions(3).description(), "转市外专局");
  // One revision per step, each in the store's history with its actor.
  absl::StatusOr<std::vector<v1::ChangeRecord>> history =
      store_->History(v1::KIND_CASE, id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->size(), 7u);
  EXPECT_EQ(c.meta().revision(), 7u);
  EXPECT_EQ(c.meta().updated_by(), "王主任");
}

TEST_F(CasesTest, BadTransitionsWriteNothing) {
  uint64_t id = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                                 CivilDay(2020, 9, 30)));
  ASSERT_TRUE(Move(id, Case::STATUS_ACCEPTED, CivilDay(2020, 10, 9)).ok());
  const std::string before = Bytes(id);
  // Before the date received.
  absl::Status st = Move(id, Case::STATUS_IN_PROGRESS, CivilDay(2020, 9, 1));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("before the date received"));
  // Before the last transition.
  st = Move(id, Case::STATUS_IN_PROGRESS, CivilDay(2020, 10, 8));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("before its last recorded step"));
  // Withdrawn without a reason.
  st = Move(id, Case::STATUS_WITHDRAWN, CivilDay(2020, 10, 9), "");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  // Not a status.
  st = Move(id, static_cast<Case::Status>(99), CivilDay(2020, 10, 9));
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  // Illegal: accepted cannot be closed without being resolved.
  st = Move(id, Case::STATUS_CLOSED, CivilDay(2020, 10, 9));
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(st.message(),
              HasSubstr("allowed from STATUS_ACCEPTED: STATUS_IN_PROGRESS"));
  // A stale revision.
  TransitionRequest t;
  t.id = id;
  t.to = Case::STATUS_IN_PROGRESS;
  t.date = CivilDay(2020, 10, 9);
  t.expected_revision = 1;
  EXPECT_EQ(Transition(*store_, t).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Bytes(id), before);
  // No such case.
  EXPECT_EQ(Move(id + 100, Case::STATUS_ACCEPTED, CivilDay(2020, 10, 9)).code(),
            absl::StatusCode::kNotFound);
  // The right revision works.
  t.expected_revision = 2;
  EXPECT_TRUE(Transition(*store_, t).ok());
}

TEST_F(CasesTest, RepliesDoNotChangeTheStatus) {
  uint64_t id = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                                 CivilDay(2020, 9, 28)));
  ReplyRequest r;
  r.id = id;
  r.note = "已电话答复材料清单";
  r.actor = "李干事";
  r.date = CivilDay(2020, 9, 29);
  absl::StatusOr<Case> c = RecordReply(*store_, r);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->status(), Case::STATUS_RECEIVED);
  EXPECT_EQ(Text(c->replied()), "2020-09-29");
  EXPECT_EQ(c->actions(1).type(), Case::Action::TYPE_REPLY);
  // A second reply keeps the first date.
  r.date = CivilDay(2020, 10, 9);
  EXPECT_EQ(Text(RecordReply(*store_, r)->replied()), "2020-09-29");
  ASSERT_TRUE(
      Move(id, Case::STATUS_WITHDRAWN, CivilDay(2020, 10, 9), "撤回").ok());
  EXPECT_EQ(RecordReply(*store_, r).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// Staff replying to one case from several threads: every reply is kept (a
// conflict is retried on the new revision, never overwritten).
TEST_F(CasesTest, ConcurrentStepsAreNotLost) {
  uint64_t id = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                                 CivilDay(2020, 9, 28)));
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        ReplyRequest r;
        r.id = id;
        r.date = CivilDay(2020, 9, 29);
        r.note = absl::StrCat("reply ", t, "-", i);
        if (!RecordReply(*store_, r).ok()) ++failed;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  Case c = Get(id);
  EXPECT_EQ(c.actions_size(), 1 + kThreads * kEach);
  EXPECT_EQ(c.meta().revision(), 1u + kThreads * kEach);
  std::set<std::string> notes;
  for (const Case::Action& a : c.actions()) notes.insert(a.description());
  EXPECT_EQ(notes.size(), 1u + kThreads * kEach);
}

// The hand-checked example of docs/cases.md: September 2020.
class CasesExampleTest : public CasesTest {
 protected:
  void SetUp() override {
    CasesTest::SetUp();
    rules_ = DeadlineRules::Defaults();
    ASSERT_TRUE(rules_.Load("PETITION * close 10", "rules").ok());
    // 1: online consultation of 09-30, reply due 10-10, accepted, open.
    a_ = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                          CivilDay(2020, 9, 30)),
                  &rules_);
    ASSERT_TRUE(Move(a_, Case::STATUS_ACCEPTED, CivilDay(2020, 9, 30)).ok());
    // 2: of 09-28, reply due 09-30, answered late on 10-09.
    b_ = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                          CivilDay(2020, 9, 28)),
                  &rules_);
    ReplyRequest r;
    r.id = b_;
    r.date = CivilDay(2020, 10, 9);
    ASSERT_TRUE(RecordReply(*store_, r).ok());
    // 3: of 09-28, withdrawn 09-29.
    c_ = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                          CivilDay(2020, 9, 28)),
                  &rules_);
    ASSERT_TRUE(
        Move(c_, Case::STATUS_WITHDRAWN, CivilDay(2020, 9, 29), "撤回").ok());
    // 4: petition by letter of 09-01, closure due 09-15, closed 10-13.
    d_ = Register(NewCase(Case::CHANNEL_LETTER, Case::TYPE_PETITION,
                          CivilDay(2020, 9, 1)),
                  &rules_);
    ASSERT_TRUE(Move(d_, Case::STATUS_ACCEPTED, CivilDay(2020, 9, 2)).ok());
    ASSERT_TRUE(Move(d_, Case::STATUS_IN_PROGRESS, CivilDay(2020, 9, 3)).ok());
    ASSERT_TRUE(Move(d_, Case::STATUS_RESOLVED, CivilDay(2020, 10, 12)).ok());
    ASSERT_TRUE(Move(d_, Case::STATUS_CLOSED, CivilDay(2020, 10, 13)).ok());
    // 5: service request by phone of 09-15, no deadline, closed 09-20;
    // stands for 5 like calls (人次).
    Case e = NewCase(Case::CHANNEL_PHONE, Case::TYPE_SERVICE_REQUEST,
                     CivilDay(2020, 9, 15));
    e.set_count(5);
    e_ = Register(e, &rules_);
    ASSERT_TRUE(Move(e_, Case::STATUS_ACCEPTED, CivilDay(2020, 9, 15)).ok());
    ASSERT_TRUE(Move(e_, Case::STATUS_RESOLVED, CivilDay(2020, 9, 18)).ok());
    ASSERT_TRUE(Move(e_, Case::STATUS_CLOSED, CivilDay(2020, 9, 20)).ok());
    // 6: online consultation of 09-10, reply due 09-14, answered and
    // closed 09-11.
    g_ = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                          CivilDay(2020, 9, 10)),
                  &rules_);
    ASSERT_TRUE(Move(g_, Case::STATUS_ACCEPTED, CivilDay(2020, 9, 10)).ok());
    ASSERT_TRUE(Move(g_, Case::STATUS_RESOLVED, CivilDay(2020, 9, 11)).ok());
    ASSERT_TRUE(Move(g_, Case::STATUS_CLOSED, CivilDay(2020, 9, 11)).ok());
    // 7: online consultation of 10-05 (a holiday), reply due 10-10.
    f_ = Register(NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                          CivilDay(2020, 10, 5)),
                  &rules_);
  }

  DeadlineRules rules_;
  uint64_t a_ = 0, b_ = 0, c_ = 0, d_ = 0, e_ = 0, g_ = 0, f_ = 0;
};

TEST_F(CasesExampleTest, Deadlines) {
  EXPECT_EQ(Text(Get(a_).reply_due()), "2020-10-10");
  EXPECT_EQ(Text(Get(b_).reply_due()), "2020-09-30");
  EXPECT_EQ(Text(Get(d_).due()), "2020-09-15");
  EXPECT_FALSE(Get(d_).has_reply_due());
  EXPECT_FALSE(Get(e_).has_reply_due());
  EXPECT_EQ(Text(Get(g_).reply_due()), "2020-09-14");
  EXPECT_EQ(Text(Get(f_).reply_due()), "2020-10-10");
}

TEST_F(CasesExampleTest, Overdue) {
  EXPECT_THAT(OverdueIds(CivilDay(2020, 9, 30)), ElementsAre(d_));
  EXPECT_THAT(OverdueIds(CivilDay(2020, 10, 8)), ElementsAre(b_, d_));
  EXPECT_THAT(OverdueIds(CivilDay(2020, 10, 10)), ElementsAre(d_));
  EXPECT_THAT(OverdueIds(CivilDay(2020, 10, 12)), ElementsAre(a_, d_, f_));
  EXPECT_THAT(OverdueIds(CivilDay(2020, 10, 14)), ElementsAre(a_, f_));
  absl::StatusOr<std::vector<OverdueCase>> list =
      OverdueCases(*store_, CivilDay(2020, 10, 12));
  ASSERT_TRUE(list.ok());
  const OverdueCase& a = (*list)[0];
  EXPECT_TRUE(a.reply_overdue);
  EXPECT_FALSE(a.close_overdue);
  EXPECT_EQ(a.days_late, 2);
  EXPECT_EQ(a.status, Case::STATUS_ACCEPTED);
  const OverdueCase& d = (*list)[1];
  EXPECT_FALSE(d.reply_overdue);
  EXPECT_TRUE(d.close_overdue);
  EXPECT_EQ(d.days_late, 27);
  EXPECT_EQ(FormatCivilDay(*d.due), "2020-09-15");
  EXPECT_EQ((*list)[1].status, Case::STATUS_CLOSED);  // closed later, 10-13
  EXPECT_THAT(OverdueToJson(CivilDay(2020, 10, 12), *list),
              HasSubstr("\"count\":3"));
  // A partial deadline (month known, day not) is not judged.
  Case vague = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                       CivilDay(2020, 9, 1));
  *vague.mutable_due() = Date(2020, 9, 0);
  ASSERT_TRUE(store_->Create(&vague).ok());
  EXPECT_THAT(OverdueIds(CivilDay(2020, 10, 14)), ElementsAre(a_, f_));
  // A case imported as closed without a date is never overdue.
  Case old = NewCase(Case::CHANNEL_ONLINE, Case::TYPE_CONSULTATION,
                     CivilDay(2020, 9, 1));
  old.set_status(Case::STATUS_CLOSED);
  *old.mutable_reply_due() = Date(2020, 9, 3);
  ASSERT_TRUE(store_->Create(&old).ok());
  EXPECT_THAT(OverdueIds(CivilDay(2020, 10, 14)), ElementsAre(a_, f_));
}

TEST_F(CasesExampleTest, Rates) {
  RateOptions o;
  o.from = CivilDay(2020, 9, 1);
  o.to = CivilDay(2020, 9, 30);
  o.as_of = CivilDay(2020, 10, 31);
  absl::StatusOr<CaseRates> r = ComputeCaseRates(*store_, o);
  ASSERT_TRUE(r.ok()) << r.status();
  // Every case received in September: open, late and withdrawn included.
  EXPECT_THAT(r->closure.denominator_ids, ElementsAre(a_, b_, c_, d_, e_, g_));
  EXPECT_THAT(r->closure.numerator_ids, ElementsAre(d_, e_, g_));
  EXPECT_EQ(r->closure.numerator, 3u);
  EXPECT_EQ(r->closure.denominator, 6u);
  EXPECT_DOUBLE_EQ(*r->closure.value(), 0.5);
  EXPECT_EQ(r->closure.denominator_contacts, 10u);  // case 5 counts 5
  EXPECT_EQ(r->closure.numerator_contacts, 7u);
  EXPECT_EQ(r->reply_on_time.denominator_contacts, 4u);
  EXPECT_THAT(r->reply_on_time.denominator_ids, ElementsAre(a_, b_, c_, g_));
  EXPECT_THAT(r->reply_on_time.numerator_ids, ElementsAre(g_));
  EXPECT_THAT(r->close_on_time.denominator_ids, ElementsAre(d_));
  EXPECT_THAT(r->close_on_time.numerator_ids, ElementsAre());
  EXPECT_THAT(r->ToJson(), HasSubstr("\"closure\":{\"numerator\":3,"
                                     "\"denominator\":6,\"rate\":0.5"));

  // As of the end of the period (the default): case 4 closed only later.
  o.as_of.reset();
  r = ComputeCaseRates(*store_, o);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(r->closure.numerator_ids, ElementsAre(e_, g_));
  EXPECT_EQ(FormatCivilDay(r->as_of), "2020-09-30");

  // Online requests only.
  o.as_of = CivilDay(2020, 10, 31);
  o.filter = "channel = ONLINE";
  r = ComputeCaseRates(*store_, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->closure.denominator_ids, ElementsAre(a_, b_, c_, g_));
  EXPECT_THAT(r->closure.numerator_ids, ElementsAre(g_));

  // An empty period has no rate, rather than 0 % or 100 %.
  o.from = o.to = CivilDay(2020, 8, 1);
  o.filter.clear();
  r = ComputeCaseRates(*store_, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->closure.denominator, 0u);
  EXPECT_FALSE(r->closure.value().has_value());
  EXPECT_THAT(r->ToJson(), HasSubstr("\"rate\":null"));
  // Bad input.
  o.to = CivilDay(2020, 7, 1);
  EXPECT_EQ(ComputeCaseRates(*store_, o).status().code(),
            absl::StatusCode::kInvalidArgument);
  o.to = CivilDay(2020, 9, 1);
  o.filter = "no_such_field = 1";
  EXPECT_EQ(ComputeCaseRates(*store_, o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DeadlineRulesTest, MostSpecificWinsAndBadLinesAreRefused) {
  DeadlineRules rules;
  ASSERT_TRUE(rules
                  .Load("* * reply 10\n"
                        "* ONLINE reply 2\n"
                        "PETITION * close 40\n"
                        "PETITION letter reply 5 close 30\n",
                        "r")
                  .ok());
  auto rule = [&](Case::Type t, Case::Channel c) {
    DeadlineRule r = rules.For(t, c);
    return std::make_pair(r.reply_within_working_days,
                          r.close_within_working_days);
  };
  EXPECT_EQ(rule(Case::TYPE_PETITION, Case::CHANNEL_LETTER),
            std::make_pair(5u, 30u));
  EXPECT_EQ(rule(Case::TYPE_PETITION, Case::CHANNEL_ONLINE),
            std::make_pair(0u, 40u));
  EXPECT_EQ(rule(Case::TYPE_CONSULTATION, Case::CHANNEL_ONLINE),
            std::make_pair(2u, 0u));
  EXPECT_EQ(rule(Case::TYPE_CONSULTATION, Case::CHANNEL_PHONE),
            std::make_pair(10u, 0u));
  EXPECT_EQ(DeadlineRules::Defaults()
                .For(Case::TYPE_CONSULTATION, Case::CHANNEL_ONLINE)
                .reply_within_working_days,
            2u);
  const DeadlineRules copy = rules;
  for (const char* bad :
       {"PETITION reply 5", "NOPE * reply 1", "* NOPE reply 1", "* * reply x",
        "* * answer 1", "* * reply 5000"}) {
    absl::Status st = rules.Load(absl::StrCat("* * close 1\n", bad), "r");
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(st.message(), HasSubstr("r:2:")) << bad;
    EXPECT_EQ(rules.rules(), copy.rules()) << bad;  // nothing applied
  }
}

}  // namespace
}  // namespace qiaolian
