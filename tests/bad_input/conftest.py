"""Prints how many bad-input probes ran, per table, after a pass."""

import collections


def pytest_terminal_summary(terminalreporter):
    counts = collections.Counter()
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if report.when == "call" and "bad_input/" in nodeid and "[" in nodeid:
                counts[nodeid.split("[", 1)[1].split(":", 1)[0]] += 1
    if counts:
        per_table = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
        terminalreporter.write_line(
            f"bad-input probes run: {sum(counts.values())} ({per_table})"
        )
