"""The reject file round trip (issue 5): rejected rows are written with their
line, field, reason and original text; a user fixes them and imports them
again, and every row of the source ends up imported exactly once."""

import csv

HEADER = "企业名称,统一社会信用代码,成立日期,注册资本\n"
ROWS = [
    "三久制造,91320413723588143D,2001-05-07,\"5,000(万元人民币)\"\n",
    # The check character is wrong (D, not X).
    "一号农场,91320413MA1MQ7K31X,2008年5月7日,50万美元\n",
    # 2021-02-30 does not exist (a typo for 2021-03-02).
    "鑫品茶业,91320413608244193E,2021-02-30,100万元\n",
    # A shifted row: one field too many.
    "坏行,91320413723588144G,2001-01-01,100万元,多余\n",
]
FIXES = {"91320413MA1MQ7K31X": "91320413MA1MQ7K31D",
         "2021-02-30": "2021-03-02", ",100万元,多余": ",100万元"}


def test_rejected_rows_fixed_and_reimported(store, tmp_path):
    src = tmp_path / "常州.csv"
    src.write_text(HEADER + "".join(ROWS), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    s = store.import_file(src, "enterprise", reject_file=rejects)
    assert (s["rows"], s["created"], s["rejected"]) == (4, 1, 3)

    with open(rejects, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == ["line", "field", "reason", "row"]
    by_line = {int(r[0]): r for r in table[1:]}
    assert sorted(by_line) == [3, 4, 5]
    assert by_line[3][1] == "统一社会信用代码"
    assert "check character" in by_line[3][2]
    assert "2021-02-30" in by_line[4][2]
    assert "5 fields but the header has 4" in by_line[5][2]
    # The row column is the source line as it was: fix it in place.
    assert [by_line[n][3] + "\n" for n in (3, 4, 5)] == ROWS[1:]
    fixed = []
    for n in (3, 4, 5):
        row = by_line[n][3]
        for bad, good in FIXES.items():
            row = row.replace(bad, good)
        fixed.append(row + "\n")
    again = tmp_path / "常州-修正.csv"
    again.write_text(HEADER + "".join(fixed), encoding="utf-8")
    s2 = store.import_file(again, "enterprise", reject_file=rejects)
    assert (s2["rows"], s2["created"], s2["rejected"]) == (3, 3, 0)
    assert store.count("enterprise") == 4
    uscc = {e["uscc"]: e for e in
            store.query("enterprise", allow_scan=True)}
    assert uscc["91320413608244193E"]["established"] == {
        "year": 2021, "month": 3, "day": 2}
    assert uscc["91320413MA1MQ7K31D"]["registeredCapital"]["currency"] == "USD"
    # Both files again: nothing changes.
    for f in (src, again):
        s3 = store.import_file(f, "enterprise")
        assert s3["created"] == 0
    assert store.count("enterprise") == 4
