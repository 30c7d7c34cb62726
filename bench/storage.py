"""Bytes a real accepted case stores (answers, papers' snapshots, audit rows, indexes) against the generator's.

NOTE: issue 15: measured with SQLite's dbstat (the exact payload of every table and index b-tree),
before and after each accept made by the real intake path in a fresh hall, so a case's index
entries count too; the generator's cases are measured the same way on a generated file. The
receipt's PDF lives beside the database and is counted apart. The goal (issue 15): ≤ 5 KB of
database per real accepted case in the generator's mix, and generated cases of the same size.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zlib
from collections import Counter
from datetime import datetime
from pathlib import Path

from desktop.store import packed_json

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
    """The big stored values of one case, in bytes as stored (packed since migration 0017)."""
    conn = sqlite3.connect(path)
    try:
        answers, materials, assessment = conn.execute(
            "SELECT length(CAST(answers AS BLOB)), length(CAST(materials AS BLOB)), "
            "length(CAST(assessment AS BLOB)) FROM cases WHERE id = ?", (case_id,)).fetchone()
        snapshots = conn.execute("SELECT coalesce(sum(length(CAST(snapshot AS BLOB))), 0), count(*) FROM documents "
                                 "WHERE case_id = ?", (case_id,)).fetchone()
        audit = conn.execute("SELECT count(*), coalesce(sum(length(CAST(detail AS BLOB))), 0) FROM audit_log "
                             "WHERE case_id = ?", (case_id,)).fetchone()
        values = [v for (v,) in conn.execute("SELECT snapshot FROM documents WHERE case_id = ?", (case_id,))]
        values += [v for v in conn.execute("SELECT answers, materials, assessment, lifecycle FROM cases WHERE id = ?",
                                           (case_id,)).fetchone() if v is not None]
        texts = [packed_json.text_of(v).encode("utf-8") for v in values]
        return {"answers": answers or 0, "materials": materials or 0, "assessment": assessment or 0,
                "snapshot": snapshots[0], "documents": snapshots[1], "audit_rows": audit[0], "audit_detail": audit[1],
                # NOTE: for scale: the same JSON values as compact text, and packed by zlib without the dictionary
                "json_stored": sum(len(v) for v in values), "json_compact": sum(len(t) for t in texts),
                "json_zlib_alone": sum(1 + len(zlib.compress(t, packed_json.LEVEL)) for t in texts)}
    finally:
        conn.close()


class Hall:
    """A fresh hall file; ``accept`` measures what one real accept adds to it."""

    def __init__(self, folder: Path):
        from desktop.cases import accounts
        from desktop.cases.dto import Actor
        from desktop.cases.services.ebike import plates
        from desktop.store.database import open_database

        self.folder = folder
        self.path = folder / "hall.sqlite3"
        self.db = open_database(self.path)
        admin = accounts.create_first_admin(self.db, "admin", "王丽", "bench-pass-1", "bench-pass-1", "01")
        plates.assign_block(self.db, admin, "01", "郑A", 5, 10000, 19999)  # a standalone file issues from its block
        self.actor = Actor(admin, "01", "郑州市金水区政务服务中心")
        self.now = datetime.now()

    def accept(self, service_id: str, answers: dict) -> tuple[dict, int, int, object]:
        """(columns, payload bytes added, PDF bytes written, the IntakeResult) of one accepted case."""
        from desktop.cases import intake
        from desktop.cases.hall_context import HallContext
        from forms import registry

        example = registry.get(service_id).example(self.now.date())
        before = payload(self.path)
        pdf_before = self._pdf_bytes()
        done = intake.accept(HallContext(self.db, self.actor, self.folder / "papers"), service_id, answers,
                             example["materials"], now=self.now)
        self.last_added = payload(self.path) - before  # per table and index
        added = sum(self.last_added.values())
        return _columns(self.path, done.case.id), added, self._pdf_bytes() - pdf_before, done

    def _pdf_bytes(self) -> int:
        return sum(p.stat().st_size for p in (self.folder / "papers").rglob("*.pdf"))

    def close(self) -> None:
        self.db.close()


def _varied(people, service_id: str, day, bike: dict | None = None) -> dict:
    """The service's example answers with another person (and bike) each time, as a hall's cases differ."""
    from forms import registry

    service = registry.get(service_id)
    answers = dict(service.example(day)["answers"])
    if service_id == "ebike_transfer":
        answers.update(new_owner_name=people.name(), new_owner_id_number=people.id_number(people.birth(22, 60, day)),
                       new_owner_phone=people.phone(), new_owner_address=people.address())
    else:
        answers.update({service.name_key: people.name(), service.id_key: people.id_number(people.birth(22, 60, day)),
                        service.phone_key: people.phone()})
    if service_id == "ebike_registration":
        brand, model = people.brand()
        answers.update(frame_no=people.frame_no(), brand=brand, model=model, colour=people.colour(),
                       motor_no=people.motor_no(), owner_address=people.address())
    elif service_id == "startup_subsidy":
        answers.update(business_uscc=people.uscc(), business_name=people.business_name(answers["name"]))
    elif service_id == "residence_permit":
        answers["residence_address"] = people.address()
    if bike is not None:
        answers.update(plate_no=bike["plate_no"], frame_no=bike["frame_no"])
        if service_id == "ebike_theft":
            answers.update({k: bike[k] for k in ("owner_name", "owner_id_number", "owner_id_type", "owner_phone")})
    return answers


PER_SERVICE = 4  # accepts measured per service (their mean)


def real_cases(folder: Path) -> dict[str, dict]:
    """The mean of PER_SERVICE accepted cases of each service, made by the real intake path in one hall, each
    with another person (transfers and theft reports on bikes registered there first).

    NOTE: other people and another day than the ones packed_dictionary was made from, so the
    compression measured is what a hall's own cases get, not the dictionary's own texts."""
    from desktop.cases.queries import get_case
    from desktop.demo.people import People

    people = People(seed=15)
    measured: dict[str, list[dict]] = {}
    where: dict[str, Counter] = {}
    hall = Hall(folder / "a")
    try:
        day = hall.now.date()
        bikes = []
        order = ["ebike_registration"] * (3 * PER_SERVICE) + ["ebike_transfer"] * PER_SERVICE + \
            ["ebike_theft"] * PER_SERVICE + ["residence_permit"] * PER_SERVICE + ["startup_subsidy"] * PER_SERVICE
        for service_id in order:
            bike = bikes.pop(0) if service_id in ("ebike_transfer", "ebike_theft") else None
            columns, added, pdf, done = hall.accept(service_id, _varied(people, service_id, day, bike))
            if service_id == "ebike_registration":
                stored = get_case(hall.db, done.case.id).answers
                bikes.append({k: stored.get(k) for k in ("plate_no", "frame_no", "owner_name", "owner_id_number",
                                                          "owner_id_type", "owner_phone")})
            measured.setdefault(service_id, []).append({**columns, "bytes": added, "pdf": pdf})
            where.setdefault(service_id, Counter()).update(hall.last_added)
    finally:
        hall.close()
    return {service_id: {**{key: sum(m[key] for m in rows) / len(rows) for key in rows[0]},
                         "where": {name: b / len(rows) for name, b in where[service_id].items()}}
            for service_id, rows in measured.items()}


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
    file_bytes = path.stat().st_size - empty.stat().st_size  # pages, not payload: their free space and headers
    return {"cases": cases, "bytes": added / cases, "file_bytes": file_bytes / cases, "answers": means[0], "materials": means[1],
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
    keys = ("bytes", "answers", "materials", "assessment", "snapshot", "audit_rows", "audit_detail", "pdf",
            "json_stored", "json_compact", "json_zlib_alone")
    mean = {key: sum(real[s][key] * w for s, w in SERVICE_WEIGHTS.items()) / total for key in keys}
    where: Counter = Counter()
    for s, w in SERVICE_WEIGHTS.items():
        where.update({name: b * w / total for name, b in real[s]["where"].items()})
    rows = []
    for service_id, m in real.items():
        rows.append({"name": f"存储 真实受理一件（{service_id}）", "ok": True, "ref": True, **m,
                     "line": f"{m['bytes'] / 1024:.1f} KB in the database (mean of {PER_SERVICE}: answers "
                             f"{m['answers']:.0f} B, materials {m['materials']:.0f} B, assessment "
                             f"{m['assessment']:.0f} B, paper snapshots {m['snapshot']:.0f} B, {m['audit_rows']:.0f} "
                             f"audit rows with {m['audit_detail']:.0f} B of detail, the rest row "
                             f"columns and index entries); its papers' PDFs {m['pdf'] / 1024:.1f} KB on disk"})
    rows.append({"name": "存储 真实受理一件，按表与索引（按比例）", "ok": True, "ref": True, "where": dict(where),
                 "line": ", ".join(f"{name} {b:.0f} B" for name, b in where.most_common() if b >= 20)})
    line = (f"real mix {mean['bytes'] / 1024:.2f} KB per accepted case (answers {mean['answers']:.0f} B, snapshots "
            f"{mean['snapshot']:.0f} B, assessment {mean['assessment']:.0f} B; its JSON values {mean['json_stored']:.0f} B "
            f"packed, {mean['json_compact']:.0f} B as compact text, {mean['json_zlib_alone']:.0f} B with zlib alone) "
            f"vs the generator's {gen['bytes'] / 1024:.2f} KB (answers {gen['answers']:.0f} B, snapshots "
            f"{gen['snapshot']:.0f} B, assessment {gen['assessment']:.0f} B, {gen['audit_rows']:.1f} audit rows; over "
            f"{gen['cases']:,} generated cases of every state): {gen['bytes'] / mean['bytes']:.2f}×; the generated file "
            f"takes {gen['file_bytes'] / gen['bytes']:.2f}× its payload in pages, so a real million of accepted cases ≈ "
            f"{mean['bytes'] * 1e6 / 1e9:.1f} GB of payload, a ≈ {mean['bytes'] * gen['file_bytes'] / gen['bytes'] / 1e3:.1f}"
            f" GB file, plus ≈ {mean['pdf'] * 1e6 / 1e9:.0f} GB of receipt PDFs")
    if big_file is not None and big_file.exists():
        line += f"; the generated million's file is {big_file.stat().st_size / 1e9:.1f} GB"
    # NOTE: issue 15's goal: ≤ 5 KB of database per real accepted case (the mix).
    rows.append({"name": "存储 每件字节数（真实 vs 生成），目标 ≤ 5 KB", "ok": mean["bytes"] <= 5 * 1024, "real": mean,
                 "generated": gen, "line": line})
    return rows
