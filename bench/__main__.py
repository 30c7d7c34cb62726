"""Run the benchmarks and print a table with the machine: `make bench` (BENCH_ARGS=--only assess)."""

from __future__ import annotations

import argparse
import json
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
    parser.add_argument("--only", choices=["startup", "typing", "assess", "documents", "lookups", "accept", "paging", "storage"],
                        action="append")
    parser.add_argument("--cases", type=int, default=0,
                        help="also measure at this many generated cases (1000000 for the issue's targets); "
                             "the database is generated once into /tmp/halldesk-bench")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of each start-up measurement (medians; at least 5)")
    parser.add_argument("--json", metavar="FILE", help="also write every row with its figures as JSON")
    args = parser.parse_args()
    big = ["lookups", "accept", "paging", "storage"] if args.cases else []
    chosen = set(args.only or ["startup", "typing", "assess", "documents", "accept", *big])
    rows = []
    db_path = None
    if args.cases and chosen & {"lookups", "accept", "paging", "startup"}:
        from bench import generate

        db_path = generate.ensure(args.cases)
    if "lookups" in chosen and db_path:
        from bench import lookups

        rows += lookups.run(db_path)
    if "accept" in chosen:
        from bench import accept

        if db_path:
            rows += accept.run(db_path)
        rows += accept.run_floor()  # issue 15: against its floor, fresh twin halls on SQLite and PostgreSQL
    if "paging" in chosen and db_path:
        from bench import paging

        rows += paging.run(db_path)
    if "assess" in chosen:
        from bench import assessment

        rows += assessment.run()
    if "documents" in chosen:
        from bench import documents

        rows += documents.run(all_kinds=bool(args.cases))
    if "storage" in chosen:
        from bench import storage

        rows += storage.run(db_path)
    if "typing" in chosen:
        from bench import typing as typing_bench

        rows += typing_bench.run()
    if "startup" in chosen:
        from bench import startup

        rows += startup.run(str(db_path) if db_path else None, f"{args.cases:,} 件", rounds=max(5, args.rounds))
    print(f"machine: {machine()}; load average now {os.getloadavg()[0]:.1f}")
    print("| benchmark | result | target met |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['line']} | {'—' if row.get('ref') else 'yes' if row['ok'] else 'NO'} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
