"""What a hall's upgrade costs: a copy of the generated million taken back one revision, then opened by the program.

NOTE: issue 15: a migration's time at a million cases is what the clerk of the first window to start
the new version waits for. The copy (never the shared cached file) is taken down to ``--from`` with
Alembic's own downgrade, given the ``.quick-checked`` stamp a hall's checked file has, and opened
with ``open_database`` and the start-up's check policy (desktop/store/integrity_policy.py): the
backup copy the opening makes before migrating, then the upgrade in one transaction. Both are timed
(the backup's end is its file's mtime). ``python -m bench.upgrade --from 0017``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upgrade")
    parser.add_argument("--from", dest="start", default="0017", help="the revision the copy is taken down to")
    parser.add_argument("--source", default=None, help="the database to copy (default: the generated million)")
    parser.add_argument("--work", default="/tmp/halldesk-bench-upgrade", help="folder of the copy (removed after)")
    args = parser.parse_args()

    from alembic import command

    from bench import generate
    from desktop import paths
    from desktop.store import integrity_policy
    from desktop.store.database import _alembic_config, current_revisions, open_database
    from desktop.store.opening import _migration_engine

    paths.set_data_dir(generate.DATA_DIR)  # the generated hall's audit key
    source = Path(args.source) if args.source else generate.cache_path(1_000_000)
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / source.name
    try:
        load = [os.getloadavg()[0]]
        t = time.perf_counter()
        shutil.copyfile(source, copy)
        copied = time.perf_counter() - t
        url = f"sqlite:///{copy}"
        engine = _migration_engine(url)
        t = time.perf_counter()
        try:
            with engine.begin() as conn:
                cfg = _alembic_config()
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, args.start)
            before = current_revisions(engine)
        finally:
            engine.dispose()
        downgraded = time.perf_counter() - t
        integrity_policy.record(copy)  # a hall's file was checked at an earlier start
        load.append(os.getloadavg()[0])
        started_wall, t = time.time(), time.perf_counter()
        db = open_database(copy, check=lambda path: integrity_policy.due(path, after_unclean_end=False))
        opened = time.perf_counter() - t
        backup = db.backup_path
        after = current_revisions(db.engine)
        db.close()
        load.append(os.getloadavg()[0])
        backup_s = backup.stat().st_mtime - started_wall if backup else 0.0
        size = copy.stat().st_size
        print(f"{source} ({size / 2**30:.2f} GiB): copied in {copied:.0f} s; taken down to {sorted(before)} in "
              f"{downgraded:.0f} s; open_database with the upgrade to {sorted(after)}: {opened:.0f} s "
              f"(the backup copy ≈ {backup_s:.0f} s, the migration ≈ {opened - backup_s:.0f} s); "
              f"load average {' → '.join(f'{v:.1f}' for v in load)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
