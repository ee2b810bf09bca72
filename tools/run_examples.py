"""Runs every script in examples/ in its short mode and fails on any failure.

Usage: python tools/run_examples.py [--full] [--timeout SECONDS] [names ...]

Each example takes `--quick` (one epoch or a small sample, seconds), so CI
runs them all and none of them rots. Prints one line per example and a
summary; exits non-zero when any example fails or times out.
"""

import argparse
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def first_line(path):
    """The example's one-line description (its docstring's first line)."""
    for line in path.read_text().splitlines():
        line = line.strip().strip('"').strip("#").strip()
        if line:
            return line
    return ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="examples to run (default: all)")
    parser.add_argument(
        "--full", action="store_true", help="run without --quick (long)"
    )
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds allowed per example"
    )
    args = parser.parse_args(argv)
    scripts = sorted(EXAMPLES.glob("*.py"))
    if args.names:
        wanted = {n.removesuffix(".py") for n in args.names}
        scripts = [s for s in scripts if s.stem in wanted]
        missing = wanted - {s.stem for s in scripts}
        if missing:
            print(f"no such example(s): {sorted(missing)}", file=sys.stderr)
            return 2
    if not scripts:
        print("no examples found", file=sys.stderr)
        return 1
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("MPLBACKEND", "Agg")
    results = []
    for script in scripts:
        command = [sys.executable, str(script)] + ([] if args.full else ["--quick"])
        print(f"\n===== {script.name}: {first_line(script)} =====", flush=True)
        start = time.time()
        try:
            code = subprocess.call(command, cwd=ROOT, env=env, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            code = "timeout"
        results.append((script.name, code, time.time() - start))

    print("\n===== examples =====")
    for name, code, seconds in results:
        status = "PASS" if code == 0 else f"FAIL ({code})"
        print(f"{name:<40} {status:<12} {seconds:6.1f}s")
    failed = sum(code != 0 for _, code, _ in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
