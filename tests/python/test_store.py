"""Tests of the Python bindings (python/qiaolian) against libqiaolian.so."""

import ctypes
import ctypes.util
import gc
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

import qiaolian
from qiaolian import _export, _ffi, _privacy, errors

from conftest import EXAMPLES, ROOT

C_H = ROOT / "include" / "qiaolian" / "c.h"

needs_protobuf = pytest.mark.skipif(
    not qiaolian.messages_available,
    reason="google.protobuf not importable (Debian: python3-protobuf): "
           "message mode not tested")


def example(kind, line):
    """Line `line` (1-based) of examples/2020/KIND.jsonl as a dict."""
    with open(EXAMPLES / f"{kind}.jsonl", encoding="utf-8") as f:
        return json.loads(f.readlines()[line - 1])


# --- The declarations against the header.

def _c_prototypes():
    """{name: (return type, [parameter types])} of every QIAOLIAN_EXPORT
    function in c.h, types with spaces normalised ("const char*")."""
    text = C_H.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    norm = lambda t: re.sub(r"\s*\*", "*", " ".join(t.split()))  # noqa: E731
    found = {}
    for ret, name, params in re.findall(
            r"QIAOLIAN_EXPORT\s+([^;(]*?)\s*\b(qiaolian_\w+)\s*\(([^)]*)\)\s*;",
            text):
        types = []
        if params.strip() != "void":
            for p in params.split(","):
                m = re.match(r"(.*?)(\w+)\s*$", " ".join(p.split()))
                types.append(norm(m.group(1)))
        found[name] = (norm(ret), types)
    return found


_HANDLES = {"qiaolian_db_t": _ffi._Db, "qiaolian_options_t": _ffi._Options,
            "qiaolian_write_options_t": _ffi._WriteOptions,
            "qiaolian_query_options_t": _ffi._QueryOptions,
            "qiaolian_cursor_t": _ffi._Cursor,
            "qiaolian_import_options_t": _ffi._ImportOptions,
            "qiaolian_read_options_t": _privacy._ReadOptions,
            "qiaolian_export_options_t": _export._ExportOptions}
_SCALARS = {"int": ctypes.c_int, "size_t": ctypes.c_size_t,
            "uint64_t": ctypes.c_uint64, "int64_t": ctypes.c_int64}


def _expected_ctype(c_type):
    """The ctypes type the binding must declare for C type `c_type` (the
    mapping documented in python/qiaolian/_ffi.py)."""
    t = c_type.replace("const ", "")
    if t == "void":
        return None
    if t in _SCALARS:
        return _SCALARS[t]
    if t in ("char*", "uint8_t*"):
        return ctypes.c_char_p
    if t == "void*":
        return ctypes.c_void_p
    if t == "qiaolian_progress_fn":
        return _ffi.ProgressFn
    if t in ("char**", "uint8_t**"):
        return ctypes.POINTER(ctypes.c_void_p)
    if t.endswith("*") and t[:-1] in _SCALARS:
        return ctypes.POINTER(_SCALARS[t[:-1]])
    if t.endswith("**") and t[:-2] in _HANDLES:
        return ctypes.POINTER(ctypes.POINTER(_HANDLES[t[:-2]]))
    if t.endswith("*") and t[:-1] in _HANDLES:
        return ctypes.POINTER(_HANDLES[t[:-1]])
    raise AssertionError(f"no ctypes mapping for C type {c_type!r}: "
                         f"extend this test and _ffi.py")


def test_every_c_function_has_argtypes_and_restype():
    protos = _c_prototypes()
    assert len(protos) >= 38, "c.h parse found too few functions"
    assert set(_ffi.PROTOTYPES) == set(protos), (
        "binding and c.h differ: missing "
        f"{sorted(set(protos) - set(_ffi.PROTOTYPES))}, extra "
        f"{sorted(set(_ffi.PROTOTYPES) - set(protos))}")
    for name, (ret, params) in protos.items():
        fn = getattr(_ffi.lib, name)
        assert fn.argtypes is not None, name
        assert list(fn.argtypes) == [_expected_ctype(p) for p in params], (
            f"{name}: argtypes {fn.argtypes} do not match c.h {params}")
        assert fn.restype is _expected_ctype(ret), (
            f"{name}: restype {fn.restype} does not match c.h {ret!r}")


def test_result_codes_and_kinds_match_header():
    text = C_H.read_text(encoding="utf-8")
    codes = {name: int(v) for name, v in
             re.findall(r"#define QIAOLIAN_([A-Z_]+) (\d+)\b", text)}
    for name, code in codes.items():
        if name in ("OK", "ROW", "DONE") or not 0 < code < 100:
            continue
        if name.startswith(("KIND_", "FORMAT_", "CASE_STATUS_")):
            continue
        cls = errors.BY_CODE[code]
        assert issubclass(cls, qiaolian.Error)
        assert cls.code_name == name
        assert _ffi.lib.qiaolian_code_name(code).decode() == name
    assert qiaolian.ConflictError.code == codes["ABORTED"] == 10
    assert qiaolian.AbortedError is qiaolian.ConflictError
    assert _ffi.ROW == codes["ROW"] and _ffi.DONE == codes["DONE"]
    assert _ffi.FORMAT_JSON == codes["FORMAT_JSON"]
    assert _ffi.FORMAT_PROTO == codes["FORMAT_PROTO"]
    for i, kind in enumerate(qiaolian.KINDS, 1):
        assert codes[f"KIND_{kind.upper()}"] == i
        assert getattr(qiaolian, f"KIND_{kind.upper()}") == i
        assert _ffi.lib.qiaolian_kind_name(i).decode() == kind
    assert _ffi.lib.qiaolian_kind_name(0) is None


def test_version():
    v = qiaolian.version()
    n = qiaolian.version_number()
    major, minor, patch = map(int, v.split("."))
    assert n == major * 1000000 + minor * 1000 + patch
    assert qiaolian.__version__


# --- Records.

def test_crud_round_trip_with_chinese_text(store):
    person = {
        "name": "胡正明",
        "nameParts": {"chinese": "胡正明", "latin": "Chenming Hu",
                      "pinyin": "Hu Zhengming"},
        "gender": "GENDER_MALE",
        "residenceCountry": "US",
        "title": "美国工程科学院院士",
        "tags": ["胡氏奖助金资助人", "重点海外人士"],
        "notes": "疫情期间区侨联向其邮寄防疫物资2批次；以视频连线方式出席颁奖。",
    }
    pid = store.create("person", person, actor="金坛区侨联·张三")
    assert pid == 1
    got = store.get("person", pid)
    for key, value in person.items():
        assert got[key] == value
    assert got["meta"]["id"] == "1" and got["meta"]["revision"] == "1"
    assert got["meta"]["createdBy"] == "金坛区侨联·张三"

    got["notes"] = "以视频连线方式出席第24届胡氏奖助金颁奖。"
    got["tags"].append("海外侨领")
    assert store.update("person", got, actor="李四") == 2
    again = store.get("person", "1")  # Ids as the JSON mapping writes them.
    assert again["notes"] == "以视频连线方式出席第24届胡氏奖助金颁奖。"
    assert again["tags"][-1] == "海外侨领"
    assert again["meta"]["revision"] == "2"
    assert again["meta"]["updatedBy"] == "李四"
    assert store.count("person") == 1

    store.delete("person", pid, expected_revision=2, sync=True)
    assert store.count("person") == 0
    with pytest.raises(qiaolian.NotFoundError):
        store.get("person", pid)


def test_write_buffer_bytes_reaches_leveldb(tmp_path):
    """A 64 KiB memtable spills 300 enterprises into table files before the
    store is closed; the default 4 MiB one holds them. Both read back."""
    tables = []
    for size in (None, 64 << 10):
        path = tmp_path / f"store-{size}"
        with qiaolian.Store(path, write_buffer_bytes=size) as s:
            for i in range(300):
                s.create("enterprise", {
                    "name": f"金坛第{i}测试有限公司",
                    "businessScope": f"电子产品、机械设备、五金交电的销售{i}"})
            tables.append(len(list(path.glob("*.ldb"))))
            assert s.count("enterprise") == 300
    assert tables[0] == 0 and tables[1] > 0
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.Store(tmp_path / "bad", write_buffer_bytes=-1)
    with pytest.raises(TypeError):
        qiaolian.Store(tmp_path / "bad", write_buffer_bytes="big")


def mapped_tables(path):
    """How many table files of the store at `path` this process has mapped
    into memory (/proc/self/maps)."""
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f
                   if str(path) in line and line.rstrip().endswith(".ldb"))


def test_map_tables_false_reads_tables_with_pread(tmp_path):
    """map_tables=False: no table file is mapped into memory and every
    record reads back; the default maps them."""
    path = tmp_path / "store"

    def mapped():
        return mapped_tables(path)

    with qiaolian.Store(path, write_buffer_bytes=64 << 10,
                        map_tables=False) as s:
        for i in range(300):
            s.create("enterprise", {
                "name": f"金坛第{i}测试有限公司",
                "businessScope": f"电子产品、机械设备、五金交电的销售{i}"})
        assert len(list(path.glob("*.ldb"))) > 0
        names = [s.get("enterprise", i)["name"] for i in range(1, 301)]
        assert names == [f"金坛第{i}测试有限公司" for i in range(300)]
        assert mapped() == 0
    with qiaolian.Store(path) as s:
        assert s.get("enterprise", 300)["name"] == "金坛第299测试有限公司"
        assert mapped() > 0


def test_search_cache_bytes_same_hits_with_or_without(tmp_path):
    """Searches of a store whose records are in table files find the same
    hits, again and again, with the default memory for their blocks, with
    none and with a little; a size that is not one is refused."""
    path = tmp_path / "store"
    with qiaolian.Store(path, write_buffer_bytes=64 << 10) as s:
        for i in range(300):
            s.create("enterprise", {
                "name": f"金坛第{i}测试有限公司",
                "businessScope": f"电子产品、机械设备、五金交电的销售{i}"})
        s.compact()
    assert len(list(path.glob("*.ldb"))) > 0
    seen = []
    for size in (None, 0, 2 << 20):
        with qiaolian.Store(path, search_cache_bytes=size) as s:
            runs = [qiaolian.search(s, "enterprise", "金坛第12测试", limit=5)
                    for _ in range(8)]
        assert all(r == runs[0] for r in runs)
        assert runs[0][0]["text"] == "金坛第12测试有限公司"
        seen.append(runs[0])
    assert seen[0] == seen[1] == seen[2]
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.Store(tmp_path / "bad", search_cache_bytes=-1)
    with pytest.raises(TypeError):
        qiaolian.Store(tmp_path / "bad", search_cache_bytes="big")


def test_warm_up_in_background(tmp_path):
    """By default an opened store maps all its table files by itself (polled
    for, up to 60 s: a stuck warm-up fails the test; the C++ tests show that
    no read of the caller's is needed); turned off, the same search finds
    the same hits, as it does with the search indexes' tables mapped into
    memory (warm_up_search_bytes) or not (0); a store closed at once
    closes."""
    path = tmp_path / "store"

    def mapped():
        return mapped_tables(path)

    with qiaolian.Store(path, write_buffer_bytes=64 << 10) as s:
        for i in range(400):
            s.create("enterprise", {
                "name": f"金坛第{i}测试有限公司",
                "businessScope": f"电子产品、机械设备、五金交电的销售{i}"})
        s.compact()  # No compaction replaces tables meanwhile.
    tables = len(list(path.glob("*.ldb")))
    assert tables > 0
    found = []
    for warm_up, search_bytes in ((True, None), (False, None), (True, 1 << 30),
                                  (True, 0)):
        with qiaolian.Store(path, warm_up_in_background=warm_up,
                            warm_up_search_bytes=search_bytes) as s:
            if warm_up:
                deadline = time.monotonic() + 60
                while mapped() < tables and time.monotonic() < deadline:
                    time.sleep(0.01)
                assert mapped() == tables
            found.append(qiaolian.search(s, "enterprise", "金坛第12测试",
                                         limit=5))
        assert mapped() == 0
    assert found[0] == found[1] == found[2] == found[3]
    assert found[0][0]["text"] == "金坛第12测试有限公司"
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.Store(path, warm_up_search_bytes=-1)
    qiaolian.Store(path).close()
    assert mapped() == 0


def test_records_as_json_text_and_protobuf_bytes(store):
    eid = store.create("enterprise", json.dumps(example("enterprise", 1),
                                                ensure_ascii=False))
    assert store.get("enterprise", eid)["name"] == "三久制造"
    # qiaolian.v1.Enterprise{name: "金坛侨联测试企业"} serialized by hand:
    # field 2, wire type 2, length, UTF-8 bytes.
    name = "金坛侨联测试企业".encode("utf-8")
    eid2 = store.create("enterprise", b"\x12" + bytes([len(name)]) + name)
    assert store.get("enterprise", eid2)["name"] == "金坛侨联测试企业"
    with pytest.raises(TypeError):
        store.create("enterprise", 42)


def test_kinds_by_name_number_and_enum_name(loaded):
    assert loaded.count("enterprise") == 13
    assert loaded.count(qiaolian.KIND_ENTERPRISE) == 13
    assert loaded.count("KIND_ENTERPRISE") == 13
    assert loaded.count("Person") == 4
    with pytest.raises(qiaolian.InvalidArgumentError, match="expected one of"):
        loaded.count("company")
    with pytest.raises(qiaolian.InvalidArgumentError, match="kind 9"):
        loaded.count(9)  # Refused by the C layer.
    with pytest.raises(TypeError):
        loaded.count(None)


def test_conflict_is_conflict_error(store):
    eid = store.create("enterprise", example("enterprise", 1))
    first = store.get("enterprise", eid)
    second = store.get("enterprise", eid)
    first["notes"] = "先改"
    assert store.update("enterprise", first) == 2
    second["notes"] = "后改"
    with pytest.raises(qiaolian.ConflictError) as info:
        store.update("enterprise", second)
    e = info.value
    assert isinstance(e, qiaolian.Error)
    assert (e.code, e.code_name) == (10, "ABORTED")
    assert "revision" in e.message
    assert str(e).startswith("ABORTED: ")
    assert store.get("enterprise", eid)["notes"] == "先改"  # Nothing written.
    with pytest.raises(qiaolian.ConflictError):
        store.delete("enterprise", eid, expected_revision=1)
    store.delete("enterprise", eid, expected_revision=2)


def test_not_found(store, tmp_path):
    with pytest.raises(qiaolian.NotFoundError) as info:
        store.get("enterprise", 1)
    assert (info.value.code, info.value.code_name) == (5, "NOT_FOUND")
    with pytest.raises(qiaolian.NotFoundError):
        store.delete("case", 7)
    with pytest.raises(qiaolian.NotFoundError):
        qiaolian.Store(tmp_path / "nowhere", create_if_missing=False)


def test_dangling_reference_is_failed_precondition(loaded):
    event = example("event", 1)  # A media report about enterprise 6.
    event["participants"][0]["ref"]["id"] = "999"
    with pytest.raises(qiaolian.FailedPreconditionError) as info:
        loaded.create("event", event)
    assert info.value.code == 9
    assert "999" in info.value.message
    # And a record others refer to cannot be deleted.
    with pytest.raises(qiaolian.FailedPreconditionError, match="referenced"):
        loaded.delete("enterprise", 6)


def test_bad_json_is_invalid_argument_naming_the_field(store):
    with pytest.raises(qiaolian.InvalidArgumentError) as info:
        store.create("enterprise", {"name": "三久制造", "registeredCapitl": {}})
    assert info.value.code == 3
    assert "registeredCapitl" in info.value.message
    with pytest.raises(qiaolian.InvalidArgumentError, match="employee_count"):
        store.create("enterprise", {"name": "三久制造", "employeeCount": "many"})
    with pytest.raises(qiaolian.InvalidArgumentError, match="uscc"):
        store.create("enterprise", {"name": "三久制造", "uscc": "123"})
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.create("enterprise", '{"name": ')  # Malformed JSON text.
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.create("enterprise", b"\xff\xff\xff")  # Not a message.
    assert store.count("enterprise") == 0


def test_taken_unique_value_is_already_exists(store):
    store.create("enterprise", example("enterprise", 1))
    with pytest.raises(qiaolian.AlreadyExistsError) as info:
        store.create("enterprise", example("enterprise", 1))
    assert info.value.code == 6


def test_read_only_store(store_path):
    with qiaolian.Store(store_path) as s:
        s.create("enterprise", example("enterprise", 1))
    with qiaolian.Store.open(store_path, read_only=True) as s:
        assert s.count("enterprise") == 1
        with pytest.raises(qiaolian.FailedPreconditionError):
            s.create("enterprise", example("enterprise", 2))


def test_store_in_use_is_unavailable(store, store_path):
    with pytest.raises(qiaolian.UnavailableError) as info:
        qiaolian.Store(store_path)
    assert info.value.code == 14


# --- Queries.

def test_query_iteration(loaded):
    names = [e["name"] for e in
             loaded.query("enterprise where type = ASSOCIATION")]
    assert names == ["东非商会", "常州市侨青会"]
    every = list(loaded.query("enterprise"))
    assert [int(e["meta"]["id"]) for e in every] == list(range(1, 14))
    # Records were copied out of the cursor's borrowed buffer at once.
    assert every == [loaded.get("enterprise", i) for i in range(1, 14)]
    events = list(loaded.query(
        "event where participants.ref = enterprise:1 order by date"))
    assert [e["title"] for e in events] and all(
        any(p.get("ref", {}).get("id") == "1" for p in e["participants"])
        for e in events)


def test_query_errors(loaded):
    with pytest.raises(qiaolian.InvalidArgumentError):
        list(loaded.query("enterprise where"))
    with pytest.raises(qiaolian.FailedPreconditionError, match="index"):
        list(loaded.query('enterprise where notes prefix "2020"'))
    scanned = list(loaded.query('enterprise where notes prefix "2020"',
                                allow_scan=True))
    assert scanned and all(e["notes"].startswith("2020") for e in scanned)
    assert "三久制造" in [e["name"] for e in scanned]
    # Text inside a value, traditional characters folded as search folds
    # them: checked on every row when a scan is allowed.
    with pytest.raises(qiaolian.FailedPreconditionError, match="allow"):
        list(loaded.query('enterprise where name contains "三久"'))
    inside = list(loaded.query('enterprise where name contains "製造"',
                               allow_scan=True))
    assert inside and all("制造" in e["name"] for e in inside)
    with pytest.raises(TypeError):
        loaded.query(b"enterprise")


def test_cursor_lifetime(loaded):
    with loaded.query("enterprise") as cursor:
        assert next(cursor)["name"] == "三久制造"
        assert not cursor.closed
    assert cursor.closed  # Destroyed by the with block.
    assert list(cursor) == []
    cursor = loaded.query("enterprise")
    assert len(list(cursor)) == 13
    assert cursor.closed  # Destroyed when exhausted.
    assert cursor.next_page_token is None
    cursor = loaded.query("enterprise")
    next(cursor)
    cursor.close()
    cursor.close()  # Idempotent.
    abandoned = loaded.query("person")
    next(abandoned)
    del abandoned  # Destroyed by __del__.
    gc.collect()
    assert loaded.count("person") == 4


def _ids(records):
    return [int(r["meta"]["id"]) for r in records]


def test_paging_has_no_duplicates_or_gaps(store):
    for i in range(50):
        store.create("person", {"name": f"侨胞{i:02d}",
                                "tags": ["海外侨胞"]})
    expected = list(range(1, 51))
    for size in (1, 7, 50, 64):
        seen, token, pages = [], None, 0
        while True:
            page = store.query_page("person where tag = \"海外侨胞\"", size,
                                    page_token=token)
            assert len(page) <= size
            seen += _ids(page)
            pages += 1
            token = page.next_page_token
            if token is None:
                break
            assert isinstance(token, str) and token
        assert seen == expected, f"page size {size}"
        assert pages >= -(-50 // size)
    # The cursor form: one page, then the token.
    cursor = store.query("person", page_size=20)
    assert _ids(cursor) == list(range(1, 21))
    assert cursor.next_page_token
    rest = store.query("person", page_size=100,
                       page_token=cursor.next_page_token)
    assert _ids(rest) == list(range(21, 51))
    assert rest.next_page_token is None


def test_paging_while_the_store_changes(store):
    for i in range(30):
        store.create("person", {"name": f"侨胞{i:02d}"})
    page = store.query_page("person", 10)
    seen = _ids(page)
    store.delete("person", 5)    # Already seen.
    store.delete("person", 15)   # Not yet seen.
    store.create("person", {"name": "新侨胞"})  # Id 31, after the others.
    token = page.next_page_token
    while token:
        page = store.query_page("person", 10, token)
        seen += _ids(page)
        token = page.next_page_token
    assert len(seen) == len(set(seen))
    assert seen == [i for i in range(1, 32) if i != 15]


def test_aggregate(loaded):
    result = loaded.aggregate(
        "donation where direction = INBOUND compute count, sum money, "
        "sum items")
    assert result["columns"] == ["count", "sum money", "sum items"]
    [group] = result["groups"]
    assert group["values"][0] == 1
    assert group["values"][2]["quantities"] == {"只": 600}
    assert group["ids"] == [1]
    by_month = loaded.aggregate("case group by month(received)")
    assert sum(g["values"][0] for g in by_month["groups"]) == 6
    assert sorted(i for g in by_month["groups"] for i in g["ids"]) == list(
        range(1, 7))
    assert [g["key"] for g in by_month["groups"]] == sorted(
        g["key"] for g in by_month["groups"])


def test_explain(loaded):
    plan = loaded.explain("enterprise where type = ASSOCIATION")
    assert isinstance(plan, str)
    assert "index enterprise.type" in plan
    assert "FULL SCAN" in loaded.explain(
        'enterprise where notes prefix "x"', allow_scan=True)


def test_verify_and_reindex(loaded):
    report = loaded.verify()
    assert report["consistent"] is True
    assert report["rows"] == 36
    assert report["problems"] == []
    assert report["index_entries"] > 0
    loaded.reindex()
    assert loaded.verify() == report
    sizes = loaded.compact()
    assert sizes["bytes_before"] > 0 and sizes["bytes_after"] > 0
    assert loaded.verify() == report


def test_schema_is_a_file_descriptor_set():
    data = qiaolian.schema()
    assert isinstance(data, bytes)
    assert b"qiaolian/v1/enterprise.proto" in data
    assert b"google/protobuf/timestamp.proto" in data


# --- Lifetimes.

def test_use_after_close_fails_in_the_c_layer(store_path):
    s = qiaolian.Store(store_path)
    eid = s.create("enterprise", example("enterprise", 1))
    record = s.get("enterprise", eid)
    cursor = s.query("enterprise")
    s.close()
    s.close()  # Idempotent.
    assert s.closed
    calls = [
        lambda: s.count("enterprise"),
        lambda: s.get("enterprise", eid),
        lambda: s.create("enterprise", example("enterprise", 2)),
        lambda: s.update("enterprise", record),
        lambda: s.delete("enterprise", eid),
        lambda: s.query("enterprise"),
        lambda: s.query_page("enterprise", 5),
        lambda: s.aggregate("enterprise"),
        lambda: s.explain("enterprise"),
        lambda: s.verify(),
        lambda: s.reindex(),
        lambda: s.compact(),
        lambda: next(cursor),  # A cursor of a closed store.
    ]
    for call in calls:
        with pytest.raises(qiaolian.FailedPreconditionError) as info:
            call()
        assert "closed" in info.value.message
    assert cursor.closed  # An error destroys the cursor.
    # The lock was released: the store opens again.
    with qiaolian.Store(store_path) as again:
        assert again.count("enterprise") == 1


def test_context_manager(store_path):
    with qiaolian.Store(store_path) as s:
        assert not s.closed
        s.create("enterprise", example("enterprise", 1))
    assert s.closed
    assert "closed" in repr(s)
    with pytest.raises(RuntimeError):
        with qiaolian.Store.open(store_path, create_if_missing=False) as s:
            raise RuntimeError("boom")
    assert s.closed
    with qiaolian.Store(store_path) as s:  # Released on the exception too.
        assert s.count("enterprise") == 1


def test_garbage_collected_store_releases_its_lock(store_path):
    s = qiaolian.Store(store_path)
    s.create("enterprise", example("enterprise", 1))
    del s
    gc.collect()
    with qiaolian.Store(store_path) as s:
        assert s.count("enterprise") == 1


def test_one_store_from_several_threads(store):
    failures = []

    def work(t):
        try:
            for i in range(25):
                store.create("person", {"name": f"线程{t}侨胞{i}"})
        except Exception as e:  # noqa: BLE001 (reported below)
            failures.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert store.count("person") == 100
    assert _ids(store.query("person")) == list(range(1, 101))


# --- Message mode.

@needs_protobuf
def test_messages_mode(store_path):
    from google.protobuf import descriptor_pb2, json_format

    Enterprise = qiaolian.message_class("enterprise")
    assert Enterprise.DESCRIPTOR.full_name == "qiaolian.v1.Enterprise"
    with qiaolian.Store(store_path, messages=True) as s:
        e = Enterprise()
        json_format.ParseDict(example("enterprise", 1), e)
        eid = s.create("enterprise", e, actor="金坛区侨联")
        got = s.get("enterprise", eid)
        assert got.DESCRIPTOR.full_name == "qiaolian.v1.Enterprise"
        assert got.name == "三久制造" and got.uscc == "91320413723588143D"
        assert got.meta.id == eid and got.meta.revision == 1
        assert got.meta.created_by == "金坛区侨联"
        assert got.meta.created_at.ToDatetime().year >= 2024
        got.notes = "协调外国专家工作签证"
        assert s.update("enterprise", got) == 2
        with pytest.raises(qiaolian.ConflictError):
            s.update("enterprise", got)
        s.create("enterprise", example("enterprise", 2))  # Dicts still go in.
        records = list(s.query("enterprise"))
        assert [r.name for r in records] == ["三久制造", "一号农场"]
        page = s.query_page("enterprise", 1)
        assert page[0].meta.id == 1 and page.next_page_token
        person = qiaolian.message_class("person")(name="胡正明")
        with pytest.raises(qiaolian.InvalidArgumentError,
                           match="not a enterprise"):
            s.create("enterprise", person)
        assert s.get("person", s.create("person", person)).name == "胡正明"
    fds = descriptor_pb2.FileDescriptorSet.FromString(qiaolian.schema())
    assert "qiaolian/v1/event.proto" in [f.name for f in fds.file]


def test_messages_mode_without_protobuf(store_path, subprocess_env):
    code = f"""
import sys
sys.modules["google"] = None  # As if python3-protobuf were not installed.
import qiaolian
assert not qiaolian.messages_available
try:
    qiaolian.Store({str(store_path)!r}, messages=True)
except ImportError as e:
    assert "python3-protobuf" in str(e), e
else:
    raise AssertionError("no ImportError")
with qiaolian.Store({str(store_path)!r}) as s:
    s.create("person", {{"name": "尹娟"}})
    assert s.get("person", 1)["name"] == "尹娟"
print("ok")
"""
    r = subprocess.run([sys.executable, "-c", code], env=subprocess_env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


# --- Finding the library.

def test_library_not_found_lists_where_it_looked(tmp_path, subprocess_env):
    bogus = str(tmp_path / "no" / "libqiaolian.so.0")
    env = dict(subprocess_env, QIAOLIAN_LIBRARY=bogus)
    r = subprocess.run([sys.executable, "-c", "import qiaolian"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "libqiaolian.so not found" in r.stderr
    assert bogus in r.stderr and "$QIAOLIAN_LIBRARY" in r.stderr

    not_a_library = tmp_path / "libqiaolian.so.0"
    not_a_library.write_text("not ELF")
    env = dict(subprocess_env, QIAOLIAN_LIBRARY=str(not_a_library))
    r = subprocess.run([sys.executable, "-c", "import qiaolian"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert "cannot load the C library" in r.stderr
    assert str(not_a_library) in r.stderr


def test_library_search_without_qiaolian_library(tmp_path, subprocess_env):
    # A copy of the package outside the source tree, so that the search
    # upward for build/ finds nothing.
    shutil.copytree(ROOT / "python" / "qiaolian", tmp_path / "qiaolian",
                    ignore=shutil.ignore_patterns("*.so*", "__pycache__"))
    env = dict(subprocess_env, PYTHONPATH=str(tmp_path))
    del env["QIAOLIAN_LIBRARY"]
    lib = pathlib.Path(qiaolian.library_path)
    probe = "import qiaolian; print(qiaolian.library_path)"
    if lib.is_absolute():
        # $QIAOLIAN_BUILD_DIR: a build tree.
        env["QIAOLIAN_BUILD_DIR"] = str(lib.parent)
        r = subprocess.run([sys.executable, "-c", probe], env=env,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert pathlib.Path(r.stdout.strip()).parent == lib.parent
        # Next to the package.
        shutil.copy(lib, tmp_path / "qiaolian" / "libqiaolian.so.0")
        del env["QIAOLIAN_BUILD_DIR"]
        r = subprocess.run([sys.executable, "-c", probe], env=env,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == str(tmp_path / "qiaolian" /
                                       "libqiaolian.so.0")
        os.remove(tmp_path / "qiaolian" / "libqiaolian.so.0")
    if ctypes.util.find_library("qiaolian") or (
            pathlib.Path("/tmp/build/libqiaolian.so.0").exists()):
        pytest.skip("a libqiaolian is installed system-wide: cannot test "
                    "the not-found message without QIAOLIAN_LIBRARY")
    env["QIAOLIAN_BUILD_DIR"] = str(tmp_path / "nobuild")
    r = subprocess.run([sys.executable, "-c", probe], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    for where in (str(tmp_path / "nobuild" / "libqiaolian.so.0"),
                  "$QIAOLIAN_BUILD_DIR", "next to the package", "build tree",
                  "dynamic loader search path"):
        assert where in r.stderr


# --- The documented example.

def test_hello_example_runs(tmp_path, run_example):
    out = run_example("hello.py", tmp_path / "store")
    assert "enterprise 1: 三久制造 revision 1 by 金坛区侨联" in out
    assert "updated to revision 2" in out
    assert "stale update: ABORTED" in out
    assert "missing: NOT_FOUND" in out
    assert "event: " in out and "走访三久制造" in out
    assert "consistent: True" in out
    if qiaolian.messages_available:
        assert "as a message: qiaolian.v1.Enterprise 三久制造 revision 2" in out


# --- Packaging.

def test_pip_install_offline(tmp_path, subprocess_env):
    """pip install of python/ into a venv, offline, with the interpreter's
    own setuptools (--no-build-isolation); the library is bundled when it
    lies next to the package."""
    if subprocess.run([sys.executable, "-m", "pip", "--version"],
                      capture_output=True).returncode != 0:
        pytest.skip(f"no pip for {sys.executable}")
    venv = tmp_path / "venv"
    r = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages",
                        str(venv)], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        pytest.skip(f"cannot create a venv: {r.stderr.strip()[-200:]}")
    src = tmp_path / "src"  # A copy: pip writes build/ and *.egg-info there.
    shutil.copytree(ROOT / "python", src,
                    ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                  "__pycache__", "*.so*"))
    lib = pathlib.Path(qiaolian.library_path)
    if lib.is_absolute():
        shutil.copy(lib, src / "qiaolian" / "libqiaolian.so.0")
    python = str(venv / "bin" / "python")
    r = subprocess.run([python, "-m", "pip", "install", "--no-index",
                        "--no-build-isolation", "--no-cache-dir", str(src)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    env = {k: v for k, v in subprocess_env.items()
           if k not in ("PYTHONPATH", "QIAOLIAN_LIBRARY")}
    if not lib.is_absolute():
        env["QIAOLIAN_LIBRARY"] = str(lib)
    r = subprocess.run(
        [python, "-c", "import qiaolian; print(qiaolian.__file__); "
         "print(qiaolian.library_path)"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    module, loaded = r.stdout.split()
    assert module.startswith(str(venv))
    if lib.is_absolute():
        assert loaded.startswith(str(venv))  # The bundled copy.
