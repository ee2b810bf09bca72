"""Prints the bad-input probe counts at the end of the session."""

import collections
import pathlib
import sys

import _probes

# The probes compare with the plain numpy references of the metric tests.
sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "metrics"))


def pytest_terminal_summary(terminalreporter):
    for line in _probes.summary_lines():
        terminalreporter.write_line(line)
    counts = collections.Counter()
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            param = nodeid.split("[", 1)[1] if "[" in nodeid else ""
            # The data tables name their probes "<table>:<case>".
            if report.when == "call" and "bad_input/" in nodeid and ":" in param:
                counts[param.split(":", 1)[0]] += 1
    if counts:
        per_table = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
        terminalreporter.write_line(
            f"data-tool probes run: {sum(counts.values())} ({per_table})"
        )
