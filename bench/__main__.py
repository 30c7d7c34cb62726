"""Run the benchmarks and print a table with the machine: `make bench` (BENCH_ARGS=--only assess)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", choices=["startup", "assess", "documents"], action="append")
    args = parser.parse_args()
    chosen = set(args.only or ["startup", "assess", "documents"])
    rows = []
    if "assess" in chosen:
        from bench import assessment

        rows += assessment.run()
    if "documents" in chosen:
        from bench import documents

        rows += documents.run()
    if "startup" in chosen:
        from bench import startup

        rows.append(startup.run())
    print(f"machine: {machine()}")
    print("| benchmark | result | target met |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['line']} | {'yes' if row['ok'] else 'NO'} |")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
