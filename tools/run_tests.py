"""Runs pytest once per Keras backend and prints one pass/fail summary.

Usage: python tools/run_tests.py --backends tensorflow jax torch -- [pytest args]
Exits non-zero when any backend fails.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parents[1]
REPORTS = ROOT / ".test-reports"


def count(report):
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not report.exists():
        return None
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        for key in totals:
            totals[key] += int(suite.get(key, 0))
    return totals


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1 :]
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax", "torch"])
    parser.add_argument(
        "--report",
        default="",
        help="suffix of the JUnit report names (a separate pass keeps its own)",
    )
    args = parser.parse_args(argv)
    REPORTS.mkdir(exist_ok=True)
    rows = []
    for backend in args.backends:
        suffix = f"-{args.report}" if args.report else ""
        report = REPORTS / f"{backend}{suffix}.xml"
        report.unlink(missing_ok=True)
        env = dict(os.environ, KERAS_BACKEND=backend)
        print(f"\n===== pytest, KERAS_BACKEND={backend} =====", flush=True)
        start = time.time()
        code = subprocess.call(
            [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *extra],
            cwd=ROOT,
            env=env,
        )
        rows.append((backend, code, time.time() - start, count(report)))

    print("\n===== summary =====")
    passed = failed = skipped = 0
    for backend, code, seconds, totals in rows:
        if totals is None:
            status = f"no report (exit {code})"
            failed += 1
        else:
            bad = totals["failures"] + totals["errors"]
            ok = totals["tests"] - bad - totals["skipped"]
            passed += ok
            failed += bad
            skipped += totals["skipped"]
            if code not in (0,) and bad == 0:
                failed += 1
            status = (
                f"{ok} passed, {bad} failed, {totals['skipped']} skipped (exit {code})"
            )
        print(
            f"{backend:<11} {'PASS' if code == 0 else 'FAIL'}  {status}  {seconds:.0f}s"
        )
    ok = all(code == 0 for _, code, _, _ in rows)
    print(f"{'ALL BACKENDS PASSED' if ok else 'SOME BACKENDS FAILED'}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
