"""Donation totals, event counts, relations and timeline from Python."""

import pytest

import qiaolian

Y2020 = dict(start="2020-01-01", end="2020-12-31")


def test_donation_totals_by_purpose(loaded):
    t = qiaolian.donation_totals(loaded, "purpose", **Y2020)
    groups = {g["key"]: g for g in t["groups"]}
    epi = groups["PURPOSE_EPIDEMIC"]
    assert epi["donations"] == 3
    assert epi["quantities"] == {"只": 600, "批次": 6}
    assert epi["money"] == {}
    assert groups["PURPOSE_SCHOLARSHIP"]["money"] == {"CNY": 4300000}
    assert groups["PURPOSE_CONDOLENCE"]["money"] == {"CNY": 2000000}
    assert t["all"]["money"] == {"CNY": 6300000}
    assert t["all"]["ids"] == [1, 2, 3, 4, 5]
    assert "total_converted" not in t["all"]


def test_donation_totals_with_rates(loaded, tmp_path):
    loaded.create("donation", {
        "direction": "DIRECTION_INBOUND", "purpose": "PURPOSE_EPIDEMIC",
        "date": {"year": 2020, "month": 8, "day": 3},
        "money": {"currency": "USD", "amountMinor": "150000"}})
    t = qiaolian.donation_totals(loaded, "recipient", direction="inbound")
    assert t["all"]["money"] == {"USD": 150000}  # Never mixed with CNY.
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,base,from,to,rate\n"
                     "USD,CNY,2020-01-01,2020-12-31,6.9\n", encoding="utf-8")
    t = qiaolian.donation_totals(loaded, rates_file=str(rates), **Y2020)
    assert t["base_currency"] == "CNY"
    assert t["all"]["money_converted"] == 6300000 + 1035000
    with pytest.raises(qiaolian.InvalidArgumentError, match="gap in the USD"):
        qiaolian.donation_totals(
            loaded, rates="currency,base,from,to,rate\n"
            "USD,CNY,2020-01-01,2020-06-30,7\n"
            "USD,CNY,2020-08-01,2020-12-31,7\n")
    with pytest.raises(qiaolian.FailedPreconditionError,
                       match="no USD rate for 2020-08-03"):
        qiaolian.donation_totals(
            loaded, rates="currency,base,from,to,rate\n"
            "USD,CNY,2020-01-01,2020-06-30,7\n")
    with pytest.raises(qiaolian.InvalidArgumentError, match="not one of"):
        qiaolian.donation_totals(loaded, "colour")


def test_bad_donation_writes_nothing(loaded):
    before = loaded.count("donation")
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match=r"donation.items\[0\].unit: unknown unit"):
        loaded.create("donation", {
            "direction": "DIRECTION_INBOUND",
            "date": {"year": 2020, "month": 1, "day": 1},
            "items": [{"quantity": "3", "unit": "坨"}]})
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match="must refer to a person or an enterprise"):
        loaded.create("donation", {
            "direction": "DIRECTION_INBOUND",
            "date": {"year": 2020, "month": 1, "day": 1},
            "recipients": [{"ref": {"kind": "KIND_CASE", "id": "1"}}]})
    assert loaded.count("donation") == before


def test_event_counts(loaded):
    loaded.create("event", {
        "type": "TYPE_WECHAT_GROUP_POST", "count": 230,
        "channel": "CHANNEL_WECHAT_GROUP",
        "date": {"year": 2020, "month": 6, "day": 1}})
    c = qiaolian.event_counts(loaded, "kind", **Y2020)
    groups = {g["key"]: g for g in c["groups"]}
    assert groups["TYPE_WECHAT_GROUP_POST"]["count"] == 230
    assert groups["TYPE_WECHAT_GROUP_POST"]["records"] == 1
    assert groups["TYPE_MEDIA_REPORT"]["count"] == 3
    o = qiaolian.event_counts(loaded, "outlet", types=["media_report"])
    assert {g["key"]: g["count"] for g in o["groups"]} == {
        "江苏卫视": 2, "null": 1}
    p = qiaolian.event_counts(loaded, types="official_account_post")
    assert (p["all"]["clicks"], p["all"]["max_clicks"],
            p["all"]["max_clicks_id"]) == (2321, 2321, 5)
    v = qiaolian.event_counts(loaded, types=["enterprise_visit"])
    assert v["all"]["case_ids"] == [1]
    with pytest.raises(qiaolian.InvalidArgumentError, match="unknown event"):
        qiaolian.event_counts(loaded, types=["party"])


def test_relations_both_ways_and_timeline(loaded):
    pid = loaded.create("person", {
        "name": "胡小明",
        "relations": [{"person": {"kind": "KIND_PERSON", "id": "1"},
                       "type": "TYPE_PARENT"}],
        "memberships": [{"organization": {"kind": "KIND_ENTERPRISE",
                                          "id": "8"},
                         "role": "ROLE_MEMBER"}]})
    mine = qiaolian.relations(loaded, "person", pid)
    assert [(r["type"], r["direction"], r["other"]) for r in mine] == [
        ("member", "outgoing", "enterprise:8"),
        ("relative", "incoming", "person:1")]
    theirs = qiaolian.relations(loaded, "person", 1)
    assert [(r["type"], r["detail"], r["direction"], r["other"],
             r["source"]) for r in theirs] == [
        ("relative", "TYPE_PARENT", "outgoing", f"person:{pid}",
         f"person:{pid}")]
    assoc = qiaolian.relations(loaded, qiaolian.KIND_ENTERPRISE, 8)
    assert [(r["type"], r["other_name"]) for r in assoc] == [
        ("member", "胡小明")]
    with pytest.raises(qiaolian.NotFoundError):
        qiaolian.relations(loaded, "person", 999)

    page = qiaolian.timeline(loaded, "person", 1, limit=100)
    dated = [(e["date"], e["record"]) for e in page["entries"]
             if e["what"] in ("case", "donation", "event")]
    assert dated == sorted(dated, reverse=True)
    assert ("2020-09-10", "donation:3") in dated
    assert ("2020-04-15", "donation:4") in dated
    assert ("2020-09-10", "event:7") in dated
    everything = list(qiaolian.iter_timeline(loaded, "person", 1,
                                             page_size=2))
    assert everything == page["entries"]
    with pytest.raises(qiaolian.InvalidArgumentError, match="malformed"):
        qiaolian.timeline(loaded, "person", 1, cursor="bad")
