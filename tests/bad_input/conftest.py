"""Prints the bad-input probe counts at the end of the session."""

import pathlib
import sys

import _probes

# The probes compare with the plain numpy references of the metric tests.
sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "metrics"))


def pytest_terminal_summary(terminalreporter):
    for line in _probes.summary_lines():
        terminalreporter.write_line(line)
