"""Working days and the case workflow from Python (python/qiaolian/_cases.py):
the eve of National Day 2020, local calendars, every transition the workflow
allows from one case's life, a refused one leaving the record unchanged, and
overdue cases and rates on a hand-checked example (docs/cases.md)."""

import datetime

import pytest

import qiaolian

D = datetime.date


def test_calendar():
    assert qiaolian.add_working_days("2020-09-30", 2) == D(2020, 10, 10)
    assert qiaolian.add_working_days(D(2020, 9, 30), 0) == D(2020, 9, 30)
    assert qiaolian.is_working_day("2020-10-10")          # 调休 Saturday
    assert not qiaolian.is_working_day(D(2020, 10, 5))    # National Day
    assert not qiaolian.is_working_day("2020-02-01")      # extension
    assert qiaolian.working_days_between("2019-12-31", "2020-12-31") == 249
    assert qiaolian.working_days_between("2020-10-10", "2020-09-30") == -2
    local = "2020-10-09 off 本地停工\n"
    assert qiaolian.add_working_days("2020-09-30", 2,
                                     calendar=local) == D(2020, 10, 12)
    with pytest.raises(qiaolian.OutOfRangeError, match="2027-01-01"):
        qiaolian.add_working_days("2026-12-31", 1)
    assert qiaolian.add_working_days("2026-12-31", 1,
                                     weekends_only=True) == D(2027, 1, 1)
    with pytest.raises(qiaolian.InvalidArgumentError, match="calendar:1:"):
        qiaolian.is_working_day("2020-01-01", calendar="2020-01-01 closed")
    with pytest.raises(qiaolian.InvalidArgumentError, match="2020-02-30"):
        qiaolian.is_working_day("2020-02-30")
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.add_working_days("2020-01-01", -1)


def _case(received, channel="CHANNEL_ONLINE", type_="TYPE_CONSULTATION"):
    return {"channel": channel, "type": type_,
            "received": {"year": received.year, "month": received.month,
                         "day": received.day}}


def test_workflow(tmp_path):
    with qiaolian.Store(str(tmp_path / "s")) as store:
        cid = qiaolian.register_case(store, _case(D(2020, 9, 30)),
                                     actor="登记员")
        c = store.get("case", cid)
        assert c["status"] == "STATUS_RECEIVED"
        assert c["replyDue"] == {"year": 2020, "month": 10, "day": 10}

        before = store.get("case", cid)
        with pytest.raises(qiaolian.FailedPreconditionError,
                           match="allowed from STATUS_RECEIVED"):
            qiaolian.transition(store, cid, "CLOSED", at="2020-10-01")
        with pytest.raises(qiaolian.InvalidArgumentError,
                           match="before the date received"):
            qiaolian.transition(store, cid, "ACCEPTED", at="2020-09-29")
        with pytest.raises(qiaolian.InvalidArgumentError, match="note"):
            qiaolian.transition(store, cid, "WITHDRAWN", at="2020-10-01")
        with pytest.raises(qiaolian.ConflictError):
            qiaolian.transition(store, cid, "ACCEPTED", at="2020-09-30",
                                expected_revision=5)
        with pytest.raises(qiaolian.InvalidArgumentError, match="status"):
            qiaolian.transition(store, cid, "DONE")
        assert store.get("case", cid) == before

        china = datetime.timezone(datetime.timedelta(hours=8))
        assert qiaolian.transition(
            store, cid, "ACCEPTED", note="受理", actor="王主任",
            at=datetime.datetime(2020, 9, 30, 17, 0, tzinfo=china),
            expected_revision=1) == 2
        assert qiaolian.transition(store, cid, "STATUS_REFERRED",
                                   at="2020-10-09",
                                   referred_to="市外专局") == 3
        assert qiaolian.record_reply(store, cid, note="已告知进度",
                                     at=D(2020, 10, 9)) == 4
        qiaolian.transition(store, cid, "RESOLVED", at="2020-10-12",
                            outcome="ANSWERED")
        qiaolian.transition(store, cid, "CLOSED", at="2020-10-12")
        c = store.get("case", cid)
        assert c["status"] == "STATUS_CLOSED"
        assert c["referredTo"] == "市外专局"
        assert c["outcome"] == "OUTCOME_ANSWERED"
        assert c["replied"] == {"year": 2020, "month": 10, "day": 9}
        assert c["closed"] == {"year": 2020, "month": 10, "day": 12}
        steps = [(a.get("fromStatus"), a.get("toStatus"))
                 for a in c["actions"] if a["type"] == "TYPE_TRANSITION"]
        assert steps == [
            (None, "STATUS_RECEIVED"),
            ("STATUS_RECEIVED", "STATUS_ACCEPTED"),
            ("STATUS_ACCEPTED", "STATUS_REFERRED"),
            ("STATUS_REFERRED", "STATUS_RESOLVED"),
            ("STATUS_RESOLVED", "STATUS_CLOSED"),
        ]
        assert c["actions"][1]["by"] == "王主任"
        assert c["actions"][1]["at"] == "2020-09-30T09:00:00Z"
        with pytest.raises(qiaolian.FailedPreconditionError, match="none"):
            qiaolian.transition(store, cid, "IN_PROGRESS", at="2020-10-13")

        # Bad input at registration writes nothing.
        bad = _case(D(2020, 9, 30))
        bad["replyDue"] = {"year": 2020, "month": 9, "day": 1}
        with pytest.raises(qiaolian.InvalidArgumentError, match="replyDue"):
            qiaolian.register_case(store, bad)
        with pytest.raises(qiaolian.OutOfRangeError):
            qiaolian.register_case(store, _case(D(2026, 12, 31)))
        with pytest.raises(qiaolian.InvalidArgumentError, match="rules:1:"):
            qiaolian.register_case(store, _case(D(2020, 9, 30)),
                                   rules="PETITION reply")
        assert store.count("case") == 1


def test_overdue_and_rates(tmp_path):
    rules = "PETITION * close 10\n"
    with qiaolian.Store(str(tmp_path / "s")) as store:
        # 1: online, reply due 10-10, left open.
        a = qiaolian.register_case(store, _case(D(2020, 9, 30)), rules=rules)
        # 2: petition of 09-01, closure due 09-15, closed 10-13.
        b = qiaolian.register_case(
            store, _case(D(2020, 9, 1), "CHANNEL_LETTER", "TYPE_PETITION"),
            rules=rules)
        for status, day in (("ACCEPTED", "2020-09-02"),
                            ("RESOLVED", "2020-10-12"),
                            ("CLOSED", "2020-10-13")):
            qiaolian.transition(store, b, status, at=day)
        # 3: online of 09-10, answered and closed 09-11.
        c = qiaolian.register_case(store, _case(D(2020, 9, 10)), rules=rules)
        for status in ("ACCEPTED", "RESOLVED", "CLOSED"):
            qiaolian.transition(store, c, status, at="2020-09-11")

        assert store.get("case", b)["due"] == {"year": 2020, "month": 9,
                                               "day": 15}
        late = qiaolian.overdue_cases(store, "2020-10-12")
        assert late["count"] == 2
        assert [x["id"] for x in late["cases"]] == [a, b]
        assert late["cases"][0]["reply_overdue"] is True
        assert late["cases"][0]["days_late"] == 2
        assert late["cases"][1]["close_overdue"] is True
        assert late["cases"][1]["due"] == "2020-09-15"
        assert qiaolian.overdue_cases(store, D(2020, 10, 10))["count"] == 1

        r = qiaolian.case_rates(store, "2020-09-01", "2020-09-30",
                                as_of="2020-10-31")
        assert r["closure"]["numerator"] == 2
        assert r["closure"]["denominator"] == 3   # the open one included
        assert r["closure"]["ids"] == [b, c]
        assert r["closure"]["denominator_ids"] == [a, b, c]
        assert r["reply_on_time"]["ids"] == [c]
        assert r["reply_on_time"]["denominator_ids"] == [a, c]
        assert r["close_on_time"] == {"numerator": 0, "denominator": 1,
                                      "rate": 0, "numerator_contacts": 0,
                                      "denominator_contacts": 1, "ids": [],
                                      "denominator_ids": [b]}
        r = qiaolian.case_rates(store, D(2020, 9, 1), D(2020, 9, 30))
        assert r["as_of"] == "2020-09-30" and r["closure"]["ids"] == [c]
        r = qiaolian.case_rates(store, "2020-09-01", "2020-09-30",
                                as_of="2020-10-31", filter="type = PETITION")
        assert r["closure"]["rate"] == 1
        with pytest.raises(qiaolian.InvalidArgumentError):
            qiaolian.case_rates(store, "2020-09-01", "2020-09-30",
                                filter="nonsense =")


def test_statuses_match_header():
    import pathlib
    import re
    header = (pathlib.Path(__file__).resolve().parents[2] / "include" /
              "qiaolian" / "c.h").read_text(encoding="utf-8")
    found = {name: int(v) for name, v in re.findall(
        r"#define QIAOLIAN_CASE_STATUS_([A-Z_]+) (\d+)", header)}
    assert found == qiaolian._cases.STATUSES


def test_cases_example_runs(tmp_path, run_example):
    out = run_example("cases.py", tmp_path / "store")
    assert "2020-09-30 + 2 working days: 2020-10-10" in out
    assert "refused: " in out and "cannot go from STATUS_IN_PROGRESS" in out
    assert "overdue on 2020-10-20: [(2, 42), (3, 1)]" in out
    assert "closure: 1 / 3 (ids [1] of [1, 2, 3])" in out
    assert "reply_on_time: 1 / 2" in out
    assert "close_on_time: 0 / 2" in out
