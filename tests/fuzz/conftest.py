"""Report how many hostile inputs the fuzz tests ran (hypothesis' own statistics miss nested @given)."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter):
    from hostile import RUNS

    if RUNS:
        per_test = ", ".join(f"{name} {count}" for name, count in sorted(RUNS.items()))
        terminalreporter.write_line(f"fuzz inputs run: {sum(RUNS.values())} ({per_test})")
