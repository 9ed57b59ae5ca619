"""Fixtures for the Python binding tests (tests/python).

CTest (tests/CMakeLists.txt, test `python_tests`) sets QIAOLIAN_LIBRARY to
the libqiaolian.so it just built and PYTHONPATH to python/. Run by hand:

    QIAOLIAN_LIBRARY=build/libqiaolian.so.0 /usr/bin/python3 -m pytest -q tests/python

Without QIAOLIAN_LIBRARY the package's own search applies (e.g. build/ of
this checkout); without PYTHONPATH, python/ of this checkout is used.
"""

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT / "python") not in sys.path:
    sys.path.insert(0, str(ROOT / "python"))

import qiaolian  # noqa: E402

EXAMPLES = ROOT / "examples" / "2020"
LOAD_ORDER = ("enterprise", "person", "case", "donation", "event")


def pytest_report_header(config):
    return (f"qiaolian {qiaolian.version()} from {qiaolian.library_path}; "
            f"google.protobuf: "
            f"{'yes' if qiaolian.messages_available else 'NO (message tests skipped)'}")


@pytest.fixture
def root():
    return ROOT


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "store"


@pytest.fixture
def store(store_path):
    with qiaolian.Store(store_path) as s:
        yield s


def load_examples(store):
    """Loads examples/2020 in its documented order; returns {kind: [ids]}."""
    ids = {}
    for kind in LOAD_ORDER:
        with open(EXAMPLES / f"{kind}.jsonl", encoding="utf-8") as f:
            ids[kind] = [store.create(kind, line) for line in f if line.strip()]
    return ids


@pytest.fixture
def loaded(store):
    """A store holding examples/2020 (13 enterprises ... 8 events)."""
    load_examples(store)
    return store


@pytest.fixture
def subprocess_env():
    """The environment for a child Python that imports qiaolian like we do."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "python")] +
        ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["QIAOLIAN_LIBRARY"] = qiaolian.library_path
    return env


@pytest.fixture
def run_example(subprocess_env):
    """run_example("hello.py", *args): runs examples/python/<name> in a child
    Python that imports qiaolian like we do, checks that it succeeded and
    returns its standard output."""
    def run(name, *args):
        r = subprocess.run(
            [sys.executable, str(ROOT / "examples" / "python" / name),
             *map(str, args)],
            env=subprocess_env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout
    return run
