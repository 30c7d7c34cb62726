"""Bytes a real accepted case stores (answers, papers' snapshots, audit rows, indexes) against the generator's.

NOTE: issue 15: measured with SQLite's dbstat (the exact payload of every table and index b-tree),
before and after each accept made by the real intake path in a fresh hall, so a case's index
entries count too; the generator's cases are measured the same way on a generated file. The
receipt's PDF lives beside the database and is counted apart. Not a target yet (issue 15's storage
part is another helper's); these are the figures the README states.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path

SERVICE_WEIGHTS = {"residence_permit": 45, "ebike_registration": 28, "ebike_transfer": 12, "ebike_theft": 5,
                   "startup_subsidy": 10}  # the generator's mix (bench/generate.py)


def payload(path: Path) -> Counter:
    """Payload bytes per table and index (dbstat), the WAL folded in first."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Counter(dict(conn.execute("SELECT name, sum(payload) FROM dbstat GROUP BY name")))
    finally:
        conn.close()


def _columns(path: Path, case_id: int) -> dict[str, int]:
    """The big stored values of one case, in bytes as stored (UTF-8 JSON text)."""
    conn = sqlite3.connect(path)
    try:
        answers, materials, assessment = conn.execute(
            "SELECT length(CAST(answers AS BLOB)), length(CAST(materials AS BLOB)), "
            "length(CAST(assessment AS BLOB)) FROM cases WHERE id = ?", (case_id,)).fetchone()
        snapshots = conn.execute("SELECT coalesce(sum(length(CAST(snapshot AS BLOB))), 0), count(*) FROM documents "
                                 "WHERE case_id = ?", (case_id,)).fetchone()
        audit = conn.execute("SELECT count(*), coalesce(sum(length(CAST(detail AS BLOB))), 0) FROM audit_log "
                             "WHERE case_id = ?", (case_id,)).fetchone()
        return {"answers": answers or 0, "materials": materials or 0, "assessment": assessment or 0,
                "snapshot": snapshots[0], "documents": snapshots[1], "audit_rows": audit[0], "audit_detail": audit[1]}
    finally:
        conn.close()


class Hall:
    """A fresh hall file; ``accept`` measures what one real accept adds to it."""

    def __init__(self, folder: Path):
        from desktop.cases import accounts, plates
        from desktop.cases.dto import Actor
        from desktop.store.database import open_database

        self.folder = folder
        self.path = folder / "hall.sqlite3"
        self.db = open_database(self.path)
        admin = accounts.create_first_admin(self.db, "admin", "王丽", "bench-pass-1", "bench-pass-1", "01")
        plates.assign_block(self.db, admin, "01", "郑A", 5, 10000, 19999)  # a standalone file issues from its block
        self.actor = Actor(admin, "01", "郑州市金水区政务服务中心")
        self.now = datetime.now()

    def accept(self, service_id: str, **changes) -> tuple[dict, int, int, object]:
        """(columns, payload bytes added, PDF bytes written, the IntakeResult) of one accepted case."""
        from desktop.cases import intake
        from forms import registry

        example = registry.get(service_id).example(self.now.date())
        before = payload(self.path)
        pdf_before = self._pdf_bytes()
        done = intake.accept(self.db, self.actor, service_id, dict(example["answers"], **changes), example["materials"],
                             now=self.now, papers_dir=self.folder / "papers")
        added = sum((payload(self.path) - before).values())
        return _columns(self.path, done.case.id), added, self._pdf_bytes() - pdf_before, done

    def _pdf_bytes(self) -> int:
        return sum(p.stat().st_size for p in (self.folder / "papers").rglob("*.pdf"))

    def close(self) -> None:
        self.db.close()


def real_cases(folder: Path) -> dict[str, dict]:
    """One accepted case of each service, made by the real intake path (an e-bike transfer and a theft
    report each in a hall of their own, after the registration they need)."""
    from desktop.demo.people import People

    people = People(seed=15)
    out: dict[str, dict] = {}
    hall = Hall(folder / "a")
    try:
        for service_id in ("residence_permit", "startup_subsidy", "ebike_registration"):
            extra = ({"name": people.name(), "id_number": people.id_number(people.birth(20, 60))}
                     if service_id == "residence_permit" else {})
            columns, added, pdf, _done = hall.accept(service_id, **extra)
            out[service_id] = {**columns, "bytes": added, "pdf": pdf}
    finally:
        hall.close()
    for n, service_id in enumerate(("ebike_transfer", "ebike_theft")):
        hall = Hall(folder / f"b{n}")
        try:
            *_measured, registered = hall.accept("ebike_registration")
            plate = sqlite3.connect(hall.path).execute(
                "SELECT value FROM case_identifiers WHERE case_id = ? AND kind = 'plate_no'",
                (registered.case.id,)).fetchone()[0]
            columns, added, pdf, _done = hall.accept(service_id, plate_no=plate)
            out[service_id] = {**columns, "bytes": added, "pdf": pdf}
        finally:
            hall.close()
    return out


def generated_cases(folder: Path, n: int = 3000) -> dict:
    """The generator's cases, measured the same way: payload of the file over its cases."""
    from bench import generate

    path = folder / "generated.sqlite3"
    empty = folder / "empty.sqlite3"
    from desktop.store.database import open_database

    open_database(empty).close()
    generate.generate(path, n, log=lambda *_: None)
    conn = sqlite3.connect(path)
    cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    means = conn.execute("SELECT avg(length(CAST(answers AS BLOB))), avg(length(CAST(materials AS BLOB))), "
                         "avg(length(CAST(assessment AS BLOB))) FROM cases").fetchone()
    snap = conn.execute("SELECT coalesce(sum(length(CAST(snapshot AS BLOB))), 0) FROM documents").fetchone()[0]
    audit = conn.execute("SELECT count(*), coalesce(sum(length(CAST(detail AS BLOB))), 0) FROM audit_log "
                         "WHERE case_id IS NOT NULL").fetchone()
    conn.close()
    added = sum((payload(path) - payload(empty)).values())
    return {"cases": cases, "bytes": added / cases, "answers": means[0], "materials": means[1],
            "assessment": means[2], "snapshot": snap / cases, "audit_rows": audit[0] / cases,
            "audit_detail": audit[1] / cases}


def run(big_file: Path | None = None) -> list[dict]:
    from desktop import paths

    with tempfile.TemporaryDirectory() as tmp:
        previous = paths.data_dir()
        paths.set_data_dir(Path(tmp) / "data")  # NOTE: the throwaway halls' audit key stays in the throwaway folder
        try:
            real = real_cases(Path(tmp))
            gen = generated_cases(Path(tmp))
        finally:
            paths.set_data_dir(previous)
    total = sum(SERVICE_WEIGHTS.values())
    mean = {key: sum(real[s][key] * w for s, w in SERVICE_WEIGHTS.items()) / total
            for key in ("bytes", "answers", "materials", "assessment", "snapshot", "audit_rows", "audit_detail", "pdf")}
    rows = []
    for service_id, m in real.items():
        rows.append({"name": f"存储 真实受理一件（{service_id}）", "ok": True, "ref": True, **m,
                     "line": f"{m['bytes'] / 1024:.1f} KB in the database (answers {m['answers']} B, materials "
                             f"{m['materials']} B, assessment {m['assessment']} B, paper snapshot {m['snapshot']} B, "
                             f"{m['audit_rows']} audit rows with {m['audit_detail']} B of detail, the rest row "
                             f"columns and index entries); receipt PDF {m['pdf'] / 1024:.1f} KB on disk"})
    line = (f"real mix {mean['bytes'] / 1024:.1f} KB per accepted case (answers {mean['answers']:.0f} B, snapshot "
            f"{mean['snapshot']:.0f} B, assessment {mean['assessment']:.0f} B) vs the generator's "
            f"{gen['bytes'] / 1024:.1f} KB (answers {gen['answers']:.0f} B, snapshots {gen['snapshot']:.0f} B, "
            f"assessment {gen['assessment']:.0f} B, {gen['audit_rows']:.1f} audit rows; over {gen['cases']:,} "
            f"generated cases of every state); a real million of accepted cases ≈ "
            f"{mean['bytes'] * 1e6 / 1e9:.1f} GB of payload plus ≈ {mean['pdf'] * 1e6 / 1e9:.0f} GB of receipt PDFs")
    if big_file is not None and big_file.exists():
        line += f"; the generated million's file is {big_file.stat().st_size / 1e9:.1f} GB"
    rows.append({"name": "存储 每件字节数（真实 vs 生成）", "ok": True, "ref": True, "real": mean, "generated": gen,
                 "line": line})
    return rows
