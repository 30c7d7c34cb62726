"""Make a zlib dictionary for packed JSON (desktop/store/packed_json.py) from a demo hall made by the real case layer.

NOTE: run once per new dictionary (issue 15 made DICTIONARY_V1 with the defaults below); the
output is a Python module to be saved under a new name and marker, never over an existing one.
Samples: one stored value of each paper kind and of each service's answers, materials, assessment
and lifecycle, the rarer first (zlib favours the dictionary's end), cut to zlib's 32 KB window.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

WINDOW = 32768
# NOTE: bench/generate.py's mix of a hall's cases; a procedure not in it weighs 1.
MIX = {"residence_permit": 45, "ebike_registration": 28, "ebike_transfer": 12, "ebike_theft": 5, "startup_subsidy": 10}


def samples(today: date, seed_value: int) -> list[str]:
    from desktop import paths
    from desktop.demo import seed
    from desktop.store import packed_json
    from desktop.store.database import open_database

    with tempfile.TemporaryDirectory() as tmp:
        paths.set_data_dir(Path(tmp) / "data")
        db = open_database(Path(tmp) / "demo.sqlite3")
        seed.seed(db, Path(tmp) / "papers", per_state=1, seed_value=seed_value, today=today)
        db.close()
        conn = sqlite3.connect(Path(tmp) / "demo.sqlite3")
        found: dict[str, str] = {}
        weight: Counter[str] = Counter()
        for service_id, kind, snapshot in conn.execute(
                "SELECT c.service_id, d.kind, d.snapshot FROM documents d JOIN cases c ON c.id = d.case_id "
                "ORDER BY d.id DESC"):
            found.setdefault(f"paper {service_id} {kind}", packed_json.text_of(snapshot))
            weight[f"paper {service_id} {kind}"] = MIX.get(service_id, 1) * (3 if kind == "receipt" else 1)
        columns = ("answers", "materials", "assessment", "lifecycle")
        for row in conn.execute(f"SELECT service_id, {', '.join(columns)} FROM cases ORDER BY id DESC"):
            for column, value in zip(columns, row[1:], strict=True):
                if value is not None:
                    found.setdefault(f"{column} {row[0]}", packed_json.text_of(value))
                    weight[f"{column} {row[0]}"] = MIX.get(row[0], 1) * 3
        conn.close()
    # NOTE: the commonest last; an assessment (the largest value) after the papers of its kind.
    order = sorted(found, key=lambda k: (weight[k], k.startswith("assessment")))
    return [found[k] for k in order]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--today", default="2026-06-15")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data = "".join(samples(date.fromisoformat(args.today), args.seed)).encode("utf-8")
    print(f"{len(data):,} bytes of samples, the last {WINDOW:,} kept", file=sys.stderr)
    data = data[-WINDOW:]
    while data and data[0] & 0xC0 == 0x80:  # start on a character
        data = data[1:]
    text = data.decode("utf-8")
    lines = "\n".join("    " + repr(text[i:i + 50]) for i in range(0, len(text), 50))
    sys.stdout.write(f'SHA256 = "{hashlib.sha256(data).hexdigest()}"\n\nDICTIONARY = (\n{lines}\n).encode("utf-8")\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
