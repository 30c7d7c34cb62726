"""Lookups in hall mode: the clerk's calls on PostgreSQL against the same SELECTs through raw psycopg, alternately.

NOTE: issue 15 asks for every lookup against its raw query on both backends. This starts its own
PostgreSQL the way the tests do (tests/support/pgserver.py, ``fsync=off``), writes ``--cases``
generated cases into it with bench/generate.py (the same generator as the SQLite million, through
the real migrations and the store's tables) — or, with ``--copy`` and by default from a million on,
copies the cached SQLite hall of that size into it (bench/pg_copy.py: bulk rows, minutes instead of
hours) —, runs ``ANALYZE`` (a hall's server has autovacuum,
which analyses a table after a bulk load; a clerk's SQLite file has no statistics, a server has),
then measures with bench/lookups.py's own list: the call the screen makes and the cells one
screen shows, against the captured statements replayed on a plain psycopg connection with the
reader's session characteristics (REPEATABLE READ, READ ONLY, autocommit). It also prints the
server's ``EXPLAIN`` of the work lists' statements. ``make bench-pg`` (BENCH_PG_ARGS="--cases 1000000").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _explain(raw, statements: list[tuple[str, object]]) -> list[str]:
    lines = []
    for statement, parameters in statements:
        plan = raw.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).fetchall()
        lines.append("\n".join(row[0] for row in plan))
    return lines


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(prog="python -m bench.pg_lookups")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--values", type=int, default=200, help="values looked up per lookup")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--copy", action="store_true",
                        help="copy the cached SQLite hall of --cases (bench/generate.ensure) instead of generating "
                             "into PostgreSQL (bench/pg_copy.py; the default from a million on)")
    args = parser.parse_args()
    copy = args.copy or args.cases >= 1_000_000

    sys.path.insert(0, str(ROOT / "tests" / "support"))
    import psycopg
    from pgserver import PgServer, find_bin  # the tests' own throwaway server
    from sqlalchemy.engine import make_url

    from bench import generate, lookups
    from bench.__main__ import machine
    from desktop import paths
    from desktop.cases import worklists
    from desktop.store.database import open_database

    bin_dir = find_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries not found (make test installs them: postgresql)")
    with tempfile.TemporaryDirectory(prefix="halldesk-pg-lookups-") as tmp:
        paths.set_data_dir(Path(tmp) / "data")  # the generated hall's audit key stays in the throwaway folder
        server = PgServer(bin_dir).start()
        try:
            url = server.create_database("lookups")
            if copy:
                from bench import pg_copy

                source = generate.ensure(args.cases, log=lambda line: print(line, flush=True))
                paths.set_data_dir(Path(tmp) / "data")  # NOTE: ensure() pointed it at the cache's folder
                started = time.perf_counter()
                pg_copy.copy_hall(source, url, log=lambda line: print(line, flush=True))
            else:
                started = time.perf_counter()
                generate.generate(url, args.cases, log=lambda line: print(line, flush=True))
            loaded = time.perf_counter() - started
            plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(plain, autocommit=True) as admin:
                t = time.perf_counter()
                admin.execute("ANALYZE")
                analysed = time.perf_counter() - t
                size = admin.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            print(f"{'copied' if copy else 'generated'} {args.cases:,} cases into PostgreSQL in {loaded:.0f} s, ANALYZE {analysed:.1f} s, "
                  f"database {size / 2**20:.0f} MiB; load average {os.getloadavg()[0]:.1f}", flush=True)
            db = open_database(url)
            raw = psycopg.connect(plain, autocommit=True)
            raw.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            try:
                load_before = os.getloadavg()
                rows = lookups.measure(db, raw, "raw psycopg", args.values, big=args.cases >= 1_000_000)
                load_after = os.getloadavg()
                capture = lookups.Captured(db)
                from datetime import date

                today = date.today()
                plans = {name: _explain(raw, capture.of(call, 501)) for name, call in (
                    ("review", lambda v: worklists.review_rows(db, limit=v)),
                    ("overdue", lambda v: worklists.overdue_rows(db, today, limit=v)),
                    ("due_soon", lambda v: worklists.due_soon_rows(db, today, limit=v)))}
            finally:
                raw.close()
                db.close()
        finally:
            server.stop()
    print(f"machine: {machine()}; {args.cases:,} cases on PostgreSQL; load average "
          f"{load_before[0]:.1f} → {load_after[0]:.1f}")
    print("| benchmark | result | target met |")
    print("|---|---|---|")
    for row in rows:
        print(f"| {row['name']} | {row['line']} | {'—' if row.get('ref') else 'yes' if row['ok'] else 'NO'} |")
    for name, explained in plans.items():
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) {name}:\n" + "\n".join(explained))
    if args.json:
        Path(args.json).write_text(json.dumps({"cases": args.cases, "load": [load_before, load_after],
                                               "generate_s": loaded, "rows": rows, "plans": plans},
                                              ensure_ascii=False, indent=1, default=str))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
