#!/usr/bin/python3
"""Runs search_bench's queries several times, each in a process of its own.

A first pass's p99 over 500 queries is the 5th slowest query, and on a VM it
is mostly one of the machine's own stalls (search_bench prints them: 1,300 to
3,300 a second of more than 5 µs on session 30's VM, bench/RESULTS.md): one
run decides little. This script runs the queries of an earlier run's stores N
times (QIAOLIAN_BENCH_QUERIES_ONLY=1), each run a new process that opens the
store and reads the files through as search_bench does, and prints for each
query class the median p50 and p99 of the first passes of qiaolian and of
FTS5 ranked (with the texts, what qiaolian's Search returns), and in how many
runs qiaolian's was the lower; then the p50 and p99 of all the runs' first
passes taken together (QIAOLIAN_BENCH_TIMES): with 7 runs, 3,500 queries of
each engine, whose p99 is the 36th slowest, so that neither the few queries a
process runs cold nor a stall decides it alone.

    bench/search_runs.py DIR RUNS [CLASS]

DIR: a directory search_bench filled (build/bench/search_bench DIR); CLASS:
only the classes whose name contains it (QIAOLIAN_BENCH_CLASS). The binary is
build/bench/search_bench, or $SEARCH_BENCH. With $QIAOLIAN_BENCH_TIMES the
times of every query are kept in that file (search_bench's format: class,
pass, position in the pass, µs), which is emptied first.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile


def parse_row(line):
    """The figures of one class from a row of search_bench's table, or None."""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 13 or not cells[1].endswith("µs"):
        return None
    us = [float(re.sub(r"[^0-9.]", "", c)) for c in cells[1:]]
    return cells[0], {
        "qiaolian p50": us[0],
        "qiaolian p99": us[1],
        "ranked p50": us[6],
        "ranked p99": us[7],
    }


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    directory, runs = argv[1], int(argv[2])
    env = dict(os.environ, QIAOLIAN_BENCH_QUERIES_ONLY="1")
    if len(argv) > 3:
        env["QIAOLIAN_BENCH_CLASS"] = argv[3]
    binary = os.environ.get("SEARCH_BENCH", "build/bench/search_bench")
    figures = {}  # class -> list of dicts, one per run
    order = []
    # Every query's time, kept where $QIAOLIAN_BENCH_TIMES says (emptied
    # first), else in a file removed at the end.
    kept = os.environ.get("QIAOLIAN_BENCH_TIMES")
    times = (open(kept, "w", encoding="utf-8") if kept else
             tempfile.NamedTemporaryFile(prefix="search_runs_", suffix=".tsv"))
    env["QIAOLIAN_BENCH_TIMES"] = times.name
    for run in range(runs):
        out = subprocess.run([binary, directory], env=env, check=True,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        for line in out.splitlines():
            if line.startswith("machine stalls"):
                print(f"run {run + 1}: {line}")
            row = parse_row(line) if line.startswith("| ") else None
            if row is None:
                continue
            name, f = row
            if name not in figures:
                figures[name] = []
                order.append(name)
            figures[name].append(f)
            print(f"run {run + 1}: {name}: qiaolian {f['qiaolian p50']:.0f} / "
                  f"{f['qiaolian p99']:.0f} µs, FTS5 ranked "
                  f"{f['ranked p50']:.0f} / {f['ranked p99']:.0f} µs")
        sys.stdout.flush()
    print(f"\n| class ({runs} runs, first passes) | qiaolian p50 | p99 | "
          "FTS5 ranked p50 | p99 | qiaolian lower at p50 | at p99 |")
    print("|---|---|---|---|---|---|---|")
    for name in order:
        fs = figures[name]

        def med(key, fs=fs):
            return statistics.median(f[key] for f in fs)

        lower50 = sum(f["qiaolian p50"] < f["ranked p50"] for f in fs)
        lower99 = sum(f["qiaolian p99"] < f["ranked p99"] for f in fs)
        print(f"| {name} | {med('qiaolian p50'):.0f} µs | "
              f"{med('qiaolian p99'):.0f} µs | {med('ranked p50'):.0f} µs | "
              f"{med('ranked p99'):.0f} µs | {lower50} of {len(fs)} | "
              f"{lower99} of {len(fs)} |")
    pooled = pool(times.name)
    print(f"\n| class ({runs} runs' passes together) | qiaolian first p50 | "
          "p99 | FTS5 ranked first p50 | p99 | qiaolian again p50 | p99 | "
          "FTS5 ranked again p50 | p99 |")
    print("|---|---|---|---|---|---|---|---|---|")
    passes = ("qiaolian first", "FTS5 ranked first", "qiaolian again",
              "FTS5 ranked again")
    for name in order:
        cells = []
        for p in passes:
            us = sorted(pooled.get((name, p), []))
            cells += ["-", "-"] if not us else [
                f"{us[len(us) // 2]:.0f} µs",
                f"{us[min(len(us) - 1, len(us) * 99 // 100)]:.0f} µs"]
        n = len(pooled.get((name, passes[0]), []))
        print(f"| {name} ({n} queries) | " + " | ".join(cells) + " |")
    return 0


def pool(path):
    """Every query time of the file search_bench appended to, by class and
    pass: (class, pass) -> list of µs."""
    pooled = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, pass_, _, us = line.rstrip("\n").split("\t")
            pooled.setdefault((name, pass_), []).append(float(us))
    return pooled


if __name__ == "__main__":
    sys.exit(main(sys.argv))
