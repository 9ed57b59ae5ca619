"""Tests of Store.import_file (qiaolian_import through ctypes)."""

import codecs
import csv

import pytest

import qiaolian

HEADER = "企业名称,统一社会信用代码,所属行业,法定代表人\n"
ROWS = [
    "三久制造,91320413723588143D,制造业,\n",
    "一号农场,91320413MA1MQ7K31D,,王建国\n",
    "坏代码,91320413723588143X,制造业,\n",  # Check character fails.
    "鑫品茶业,91320413608244193E,茶叶,\n",
]


def write(path, text, encoding="utf-8"):
    with codecs.open(str(path), "w", encoding=encoding) as f:
        f.write(text)
    return path


@pytest.fixture
def shanghai(tmp_path):
    return write(tmp_path / "上海.csv", HEADER + "".join(ROWS))


def by_uscc(store):
    return {e["uscc"]: e for e in store.query("enterprise", allow_scan=True)}


def test_import_with_chinese_headers_and_reject_file(store, shanghai,
                                                     tmp_path):
    rejects = tmp_path / "rejects.csv"
    s = store.import_file(shanghai, "enterprise", reject_file=rejects,
                          actor="pytest")
    assert s["rows"] == 4
    assert s["created"] == 3
    assert s["rejected"] == 1
    assert s["dry_run"] is False
    assert s["encoding"] == "utf-8"
    assert s["mapped_columns"]["企业名称"] == "name"
    assert sum(s["rejected_by_reason"].values()) == 1
    assert store.count("enterprise") == 3
    with open(rejects, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 2  # Header and the bad row.
    assert any("91320413723588143X" in cell for cell in rows[1])
    e = by_uscc(store)["91320413MA1MQ7K31D"]
    assert e["name"] == "一号农场"
    assert e["legalRepresentative"]["name"] == "王建国"

    again = store.import_file(shanghai)  # Default kind: enterprise.
    assert again["created"] == 0
    assert again["unchanged"] == 3
    assert again["rejected"] == 1
    assert store.count("enterprise") == 3


def test_gb18030_file(store, tmp_path):
    path = write(tmp_path / "辽宁.csv", HEADER + "".join(ROWS),
                 encoding="gb18030")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    s = store.import_file(path)  # Detected.
    assert s["encoding"].lower().replace("-", "") in ("gb18030", "gbk")
    assert s["created"] == 3
    assert {e["name"] for e in by_uscc(store).values()} == {
        "三久制造", "一号农场", "鑫品茶业"}

    s = store.import_file(path, encoding="gb18030")  # Given.
    assert s["unchanged"] == 3
    with pytest.raises(qiaolian.Error):
        store.import_file(path, encoding="utf-8")


def test_western_european_file_when_given(store, tmp_path):
    """A members' list from an association in Europe, saved by Excel there
    (windows-1252): never guessed, read when given."""
    path = tmp_path / "members.csv"
    path.write_bytes("Name,Address\nJosé Müller,Straße 5, Köln\n"
                     .replace("Straße 5, Köln", '"Straße 5, Köln"')
                     .encode("cp1252"))
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match="--encoding windows-1252"):
        store.import_file(path, "person")
    s = store.import_file(path, "person", encoding="latin1")
    assert (s["encoding"], s["created"]) == ("windows-1252", 1)
    (p,) = list(store.query("person", allow_scan=True))
    assert p["name"] == "José Müller"


def test_progress_callback(store, shanghai):
    calls = []
    s = store.import_file(shanghai, progress=lambda *a: calls.append(a),
                          progress_every=2)
    assert s["created"] == 3
    assert len(calls) >= 3  # After rows 2 and 4, and at the end.
    rows, nbytes, total = calls[-1]
    assert rows == 4
    assert total == shanghai.stat().st_size
    assert 0 < nbytes <= total
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_progress_exception_is_raised_after_the_import(store, shanghai):
    calls = []

    class Stop(Exception):
        pass

    def progress(rows, nbytes, total):
        calls.append(rows)
        raise Stop("from the callback")

    with pytest.raises(Stop, match="from the callback"):
        store.import_file(shanghai, progress=progress, progress_every=1)
    assert len(calls) == 1  # Not called again after it raised.
    # The import ran to its end; the store is usable.
    assert store.count("enterprise") == 3
    assert store.import_file(shanghai)["unchanged"] == 3


def test_rows_of_empty_cells_are_skipped_and_counted(store, tmp_path):
    # As Excel saves rows whose cells were only formatted.
    saved = write(tmp_path / "saved.csv",
                  HEADER + ROWS[0] + ",,,\n" + ROWS[1] + " ,,,\n,,,\n")
    s = store.import_file(saved)
    assert s["rows"] == 2 and s["created"] == 2 and s["rejected"] == 0
    assert s["blank_rows"] == 3


def test_two_header_rows_read_as_one(store, tmp_path):
    # 法定代表人 merged over 姓名 and 国籍, as forms group their columns.
    form = write(tmp_path / "form.csv",
                 "企业名称,法定代表人,\n,姓名,国籍\n三久制造,陈伟,新加坡\n")
    s = store.import_file(form)
    assert s["header_rows"] == 2 and s["rows"] == 1 and s["created"] == 1
    assert s["mapped_columns"]["法定代表人姓名"] == "legal_representative.name"
    assert s["ignored_columns"] == ["法定代表人国籍"]


def test_title_rows_above_the_header(store, tmp_path):
    titled = write(tmp_path / "名单.csv",
                   "2023年侨资企业名单,,,\n填报单位：侨联,,,\n" + HEADER +
                   "".join(ROWS))
    s = store.import_file(titled)
    assert s["header_line"] == 3
    assert s["rows_above_header"] == 2
    assert s["above_header"] == ["2023年侨资企业名单", "填报单位：侨联"]
    assert s["rows"] == 4 and s["created"] == 3 and s["rejected"] == 1
    assert store.import_file(titled, header_row=3)["unchanged"] == 3
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match="starts on line 9 .*last row starts on line 7"):
        store.import_file(titled, header_row=9)
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match="header on line 1: 2023年侨资企业名单"):
        store.import_file(titled, header_row=1)
    with pytest.raises(qiaolian.InvalidArgumentError, match="header_row"):
        store.import_file(titled, header_row=-1)


def test_visit_log_names_the_enterprises(store, shanghai, tmp_path):
    store.import_file(shanghai)  # 三久制造, 一号农场, 鑫品茶业.
    log = write(tmp_path / "走访记录.csv",
                "活动类型,日期,participants.ref\n"
                "走访企业,2020-05-06,enterprise:一号农场\n"
                "走访企业,2020-05-07,enterprise:无此企业\n")
    s = store.import_file(log, "event")
    assert (s["created"], s["rejected"]) == (1, 1)
    # Counted by kind: the name (and the command that looks it up) is left
    # to the reject file.
    assert list(s["rejected_by_reason"]) == [
        "participants.ref: no enterprise of this store is named …; give its "
        "full name or its id (enterprise:42), or look it up with …"]
    farm = by_uscc(store)["91320413MA1MQ7K31D"]
    visits = store.query("event where participants.ref = enterprise:" +
                         farm["meta"]["id"])
    assert [v["date"] for v in visits] == [{"year": 2020, "month": 5,
                                            "day": 6}]


def test_progress_must_be_callable(store, shanghai):
    with pytest.raises(TypeError):
        store.import_file(shanghai, progress=42)


def test_dry_run_writes_nothing(store, shanghai, tmp_path):
    rejects = tmp_path / "dry-rejects.csv"
    s = store.import_file(shanghai, dry_run=True, reject_file=rejects)
    assert s["dry_run"] is True
    assert s["created"] == 3 and s["rejected"] == 1
    assert store.count("enterprise") == 0
    assert rejects.exists()


def test_modes(store, shanghai, tmp_path):
    store.import_file(shanghai)
    changed = write(tmp_path / "changed.csv", HEADER +
                    "三久制造,91320413723588143D,机械,张三\n"
                    "一号农场,91320413MA1MQ7K31D,农业,李四\n")

    s = store.import_file(changed, mode="skip")
    assert s["unchanged"] == 2 and s["updated"] == 0
    e = by_uscc(store)
    assert e["91320413723588143D"]["industry"] == "制造业"

    s = store.import_file(changed, mode="fill-empty")
    assert s["updated"] == 2
    e = by_uscc(store)
    # Only what was empty is set.
    assert e["91320413723588143D"]["industry"] == "制造业"
    assert e["91320413723588143D"]["legalRepresentative"]["name"] == "张三"
    assert e["91320413MA1MQ7K31D"]["industry"] == "农业"
    assert e["91320413MA1MQ7K31D"]["legalRepresentative"]["name"] == "王建国"

    s = store.import_file(changed, mode="update")
    assert s["updated"] == 2
    e = by_uscc(store)
    assert e["91320413723588143D"]["industry"] == "机械"
    assert e["91320413MA1MQ7K31D"]["legalRepresentative"]["name"] == "李四"

    with pytest.raises(qiaolian.InvalidArgumentError, match="mode"):
        store.import_file(changed, mode="replace")


def test_errors(store, shanghai, tmp_path):
    with pytest.raises(qiaolian.Error):
        store.import_file(tmp_path / "missing.csv")
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.import_file(shanghai, format="xlsx")
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.import_file(shanghai, kind="planet")
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.import_file(shanghai, kind=99)
    store.close()
    with pytest.raises(qiaolian.FailedPreconditionError):
        store.import_file(shanghai)


def test_likely_duplicates_are_listed_or_merged(store, tmp_path):
    people = write(tmp_path / "people.csv",
                   "姓名,出生日期,电话\n"
                   "张三,1966-06-06,\n"
                   "張三,1966-06-06,13900001111\n")
    s = store.import_file(people, kind="person", dry_run=True)
    assert s["created"] == 2
    assert s["likely_duplicates"] == 1
    row = s["duplicate_rows"][0]
    assert (row["line"], row["id"], row["other_line"]) == (3, 0, 2)
    assert row["score"] >= 90 and not row["merged"]
    assert any("birth" in r for r in row["reasons"])

    s = store.import_file(people, kind="person", duplicates="merge")
    assert (s["created"], s["merged"]) == (1, 1)
    (p,) = list(store.query("person", allow_scan=True))
    assert p["name"] == "张三"
    assert "13900001111" in p["contacts"][0]["value"]

    # Asked for: a bulk load into a store that has people; the same file
    # again changes nothing.
    s = store.import_file(people, kind="person", duplicates="merge",
                          bulk_load="on")
    assert s["bulk_load"] and s["unchanged"] == 1 and s["created"] == 0
    # A bulk load ends by compacting the store, and says how long it took.
    assert s["compact_seconds"] >= 0 and "index_build_seconds" in s
    assert store.verify()["problems"] == []
    with pytest.raises(qiaolian.InvalidArgumentError, match="auto, on or off"):
        store.import_file(people, kind="person", bulk_load="yes")

    with pytest.raises(qiaolian.InvalidArgumentError, match="warn, merge"):
        store.import_file(people, kind="person", duplicates="maybe")
    with pytest.raises(qiaolian.InvalidArgumentError, match="ymd, dmy or mdy"):
        store.import_file(people, kind="person", date_order="dd/mm/yyyy")
    with pytest.raises(qiaolian.InvalidArgumentError, match="point or comma"):
        store.import_file(people, kind="person", decimal_mark="dot")
    with pytest.raises(qiaolian.InvalidArgumentError, match="1..100"):
        store.import_file(people, kind="person", duplicate_min_score=0)


def test_import_export_example_runs(tmp_path, run_example):
    """examples/python/import_export.py: a bulk load into a new store, the
    reject file, an idempotent second run, compaction and exports."""
    out = run_example("import_export.py", tmp_path)
    assert "header on line 2, above it: ['金坛区侨资企业名单（2020年）']" in out
    assert "rows 7: created 3, duplicates 1, rejected 3" in out
    assert "rejected 2: row: not a record: a total, signature or note" in out
    assert "bulk load: True" in out
    assert "second run: created 0, unchanged 3, bulk load: False" in out
    assert ("visit recorded: event 1, {'kind': 'KIND_ENTERPRISE', "
            "'id': '1'}") in out
    assert "compacted: " in out
    assert "records exported to 存续企业.xlsx" in out
    assert "edited sheet: updated 1, unchanged 1" in out
    assert ("donation from Malaysia: created 1, {'year': 2020, 'month': 5, "
            "'day': 13}, 12500.0 CNY") in out
    assert "register of visits: created 2, rejected 0" in out
    assert ("case 2: CHANNEL_VISIT, TYPE_PETITION, ['陈伟明', '陈小明']"
            in out)
    assert "manufacturer: 常州三久制造有限公司" in out
    assert ("activity ledger: header rows 2, created 2, warned 1, blank "
            "rows 1") in out
    assert "联欢晚会: TYPE_OTHER, 120 people" in out


def test_add_one_record_from_fields(store, shanghai):
    store.import_file(shanghai)  # 三久制造, 一号农场, 鑫品茶业.
    visit = store.add("event", {"活动类型": "走访企业", "日期": "2020年5月6日",
                                "participants.ref": "enterprise:三久制造",
                                "participants.role": "走访对象"},
                      actor="王干事")
    e = store.get("event", visit)
    assert e["type"] == "TYPE_ENTERPRISE_VISIT"
    assert e["date"] == {"year": 2020, "month": 5, "day": 6}
    assert e["participants"][0]["role"] == "ROLE_VISITED"
    assert e["meta"]["updatedBy"] == "王干事"
    sanjiu = by_uscc(store)["91320413723588143D"]
    assert e["participants"][0]["ref"]["id"] == sanjiu["meta"]["id"]
    # A value taken with a doubt is a warning; the record is created.
    with pytest.warns(UserWarning, match="ID differs in birth date"):
        pid = store.add("person", {"姓名": "王小明", "出生日期": "1980-03-04",
                                   "身份证号": "11010519491231002X"})
    assert store.get("person", pid)["name"] == "王小明"
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match='no field of event is called "颜色"'):
        store.add("event", {"颜色": "走访企业"})
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match="no enterprise of this store is named"):
        store.add("event", {"活动类型": "走访企业", "日期": "2020-05-06",
                            "participants.ref": "enterprise:无此企业"})
    with pytest.raises(TypeError):
        store.add("event", [("活动类型", "走访企业")])


def test_set_fields_of_a_record(store, shanghai):
    store.import_file(shanghai)
    farm = by_uscc(store)["91320413MA1MQ7K31D"]
    fid = int(farm["meta"]["id"])
    rev = store.set("enterprise", fid, {"法定代表人": "李四", "所属行业": "农业"},
                    actor="王干事")
    assert rev == 2
    e = store.get("enterprise", fid)
    assert (e["legalRepresentative"]["name"], e["industry"]) == ("李四", "农业")
    assert e["meta"]["updatedBy"] == "王干事"
    assert store.set("enterprise", fid, {"所属行业": "农业"}) == 2  # Same.
    with pytest.raises(qiaolian.NotFoundError):
        store.set("enterprise", 999, {"所属行业": "农业"})
    with pytest.raises(qiaolian.InvalidArgumentError, match="成立日期"):
        store.set("enterprise", fid, {"成立日期": "2020-02-30"})


def test_mapping_as_a_dict(store, tmp_path):
    """A mapping given as a dict, as a script has it: column -> field path,
    None to ignore a column; no file left behind."""
    path = write(tmp_path / "list.csv",
                 "公司,代码,老板,备注2\n"
                 "三久制造,91320413723588143D,胡正明,x\n")
    s = store.import_file(path, "enterprise", mapping={
        "公司": "name", "代码": "uscc", "老板": "legal_representative.name",
        "备注2": None})
    assert s["created"] == 1, s
    assert s["ignored_columns"] == ["备注2"]
    e = by_uscc(store)["91320413723588143D"]
    assert (e["name"], e["legalRepresentative"]["name"]) == ("三久制造",
                                                             "胡正明")
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.import_file(path, "enterprise", mapping={"a=b": "name"})
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.import_file(path, "enterprise", mapping={"公司": "name"},
                          mapping_file=tmp_path / "m.txt")
    with pytest.raises(TypeError):
        store.import_file(path, "enterprise", mapping=[("公司", "name")])


def test_workbook_sheets(store, shanghai, tmp_path):
    """The worksheets an import can read, to import each in turn."""
    store.import_file(shanghai)
    book = tmp_path / "企业.xlsx"
    store.export("enterprise", book, allow_scan=True)
    sheets = qiaolian.workbook_sheets(book)
    assert len(sheets) == 1
    s = store.import_file(book, "enterprise", sheet=sheets[0], dry_run=True)
    assert (s["sheet"], s["sheets"], s["unchanged"]) == (sheets[0], sheets, 3)
    assert qiaolian.workbook_sheets(shanghai) == []
    with pytest.raises(qiaolian.NotFoundError):
        qiaolian.workbook_sheets(tmp_path / "none.xlsx")


def test_import_date_order_and_decimal_mark(tmp_path, store):
    """A list from Malaysia: dates day first, a decimal comma in its
    amounts (a TSV file, where nothing says so)."""
    f = tmp_path / "donations.tsv"
    f.write_text("方向\t捐赠形式\t捐赠日期\t摘要\t金额（元）\n"
                 "受捐\t资金\t13/05/2024\t侨团捐款\t1.500,50\n",
                 encoding="utf-8")
    # Untold, the date is rejected, the reason saying what to give.
    s = store.import_file(f, kind="donation", dry_run=True)
    assert s["rejected"] == 1
    assert any("give the file's date order" in r
               for r in s["rejected_by_reason"])
    s = store.import_file(f, kind="donation", date_order="dmy",
                          decimal_mark="comma")
    assert (s["created"], s["rejected"]) == (1, 0), s
    assert "day first" in s["mapped_columns"]["捐赠日期"]
    (d,) = list(store.query("donation", allow_scan=True))
    assert d["date"] == {"year": 2024, "month": 5, "day": 13}
    assert d["money"]["amountMinor"] == "150050"
    # Month first, as Excel in the United States writes them: 13 is no
    # month.
    s = store.import_file(f, kind="donation", date_order="mdy", dry_run=True)
    assert s["rejected"] == 1
    assert any("read month first" in r for r in s["rejected_by_reason"])


def test_import_lists_rows_with_a_warning(tmp_path, store):
    """A phone number that cannot be one is imported as written; the
    summary names its line, so that it can be checked."""
    f = tmp_path / "people.csv"
    f.write_text("姓名,手机\n王芳,13900001111\n李娜,1390000111\n",
                 encoding="utf-8")
    s = store.import_file(f, kind="person")
    assert (s["created"], s["warned"]) == (2, 1), s
    assert s["warning_rows"] == [{
        "line": 3,
        "warning": '手机: "1390000111" has 10 digits, where a mainland '
                   'mobile number has 11; imported'}]


def test_import_case_register_with_values_for_every_row(tmp_path, store):
    """A register of visits (来访登记表): no type column, so a value for
    every row; the channel its header names; the people who came as
    parties."""
    f = tmp_path / "visits.csv"
    f.write_text("来访日期,来访人,反映问题,事项类型\n"
                 "2024-03-05,王芳,房屋租赁纠纷,\n"
                 "2024-03-06,李娜,子女就学,咨询\n", encoding="utf-8")
    s = store.import_file(f, kind="case", dry_run=True)
    assert s["rejected"] == 1
    assert any("--set type=VALUE" in r for r in s["rejected_by_reason"])
    s = store.import_file(f, kind="case", values={"type": "信访"})
    assert (s["created"], s["rejected"]) == (2, 0), s
    cases = sorted(store.query("case", allow_scan=True),
                   key=lambda c: c["received"]["day"])
    assert [(c["type"], c["channel"]) for c in cases] == [
        ("TYPE_PETITION", "CHANNEL_VISIT"),
        ("TYPE_CONSULTATION", "CHANNEL_VISIT")]
    assert cases[0]["parties"] == [{"role": "ROLE_APPLICANT", "name": "王芳"}]
    with pytest.raises(qiaolian.InvalidArgumentError,
                       match="value for every row type=表扬"):
        store.import_file(f, kind="case", values={"type": "表扬"})
