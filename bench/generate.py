"""A million realistic cases written through the real store (migrated schema, its tables), cached in /tmp."""

from __future__ import annotations

import hashlib
import heapq
import os
import random
import sys
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import func, insert, select, update

from bench.samples import samples
from desktop.cases import accounts, status
from desktop.cases.dto import AccountInfo, Actor
from desktop.cases.papers import header
from desktop.cases.services.ebike.models import EbikeOwnerHistory, EbikeRegistration, PlatePool
from desktop.cases.services.subsidy.models import SubsidyClaim
from desktop.demo.people import People
from desktop.documents.kinds import DOCUMENT_KINDS
from desktop.store import audit, audit_hashes
from desktop.store.database import open_database
from desktop.store.deadline_models import CaseDeadline
from desktop.store.models import AuditEvent, Case, CaseIdentifier, CaseNameBigram, CaseSequence, Document, name_bigrams
from forms import registry
from forms.service import assess
from forms.services.ebike import common as ec
from forms.workdays import default_calendar

# NOTE: bump when the generator changes what it writes; the cached file is keyed by this and the
# schema head, so a new migration or generator rebuilds it instead of benchmarking a stale file.
VERSION = "g6"  # g2: papers are "paper.made" events; g3: audit rows numbered and signed (0010); g4: case_deadlines rows
# g5 (issue 15): real assessments and papers' sections (bench/samples.py), audit rows with their case and paper hashes
# g6: case_deadlines rows (labels, basis, explanation, due dates) and cases.due_on as intake records them
CACHE = Path(os.environ.get("HALLDESK_BENCH_DIR", "/tmp/halldesk-bench"))
# NOTE: the generated hall's data folder (its audit key, anchors, logs): every benchmark that
# writes to the cached file, and the start-up runs (--data-dir), use this one.
DATA_DIR = CACHE / "data"
HALL = "郑州市金水区政务服务中心"
PASSWORD = "bench-pass-1"
WINDOWS = ["01", "02", "03", "04", "05", "06", "07", "08"]
SERVICE_WEIGHTS = {"residence_permit": 45, "ebike_registration": 28, "ebike_transfer": 12, "ebike_theft": 5,
                   "startup_subsidy": 10}
YEARS = 3
BATCH = 20_000  # cases per transaction
PLATE_PREFIX, PLATE_WIDTH = "郑A", 6  # 5 digits (the default pool) do not last 200,000 bikes


def cache_path(n: int) -> Path:
    label = "1m" if n == 1_000_000 else f"{n}"
    return CACHE / f"{label}.sqlite3"


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".version")


def _key(n: int) -> str:
    from desktop.store.schema_heads import expected_heads

    return f"{VERSION} schema {'+'.join(sorted(expected_heads()))} cases {n}"


def _upgradable(stamp: str, n: int) -> bool:
    """The same generator and size at an older schema: the program's own upgrade brings it up to date.

    NOTE: regenerating a million takes an hour; a hall's database is upgraded, never rebuilt, so the
    bench does what a hall does — open it through the program's open path (backup, then migrations).
    """
    parts = stamp.split()
    return len(parts) == 5 and parts[0] == VERSION and parts[1] == "schema" and parts[3:] == ["cases", str(n)]


def ensure(n: int = 1_000_000, log=print) -> Path:
    """The cached database of ``n`` cases, generated once (a few minutes for a million).

    The process's data folder becomes DATA_DIR (unless HALLDESK_DATA_DIR says otherwise), where the
    generator left the hall's audit key.
    """
    if not os.environ.get("HALLDESK_DATA_DIR"):
        from desktop import paths

        paths.set_data_dir(DATA_DIR)
    path = cache_path(n)
    if path.exists() and _stamp(path).exists() and _stamp(path).read_text() == _key(n):
        return path
    if path.exists() and _stamp(path).exists() and _upgradable(_stamp(path).read_text(), n):
        started = clock.perf_counter()
        open_database(path).close()
        _stamp(path).write_text(_key(n))
        log(f"upgraded the cached {n:,} cases to {_key(n)} in {clock.perf_counter() - started:.0f} s: {path}")
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    work = path.with_name(path.name + ".part")
    for p in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        p.unlink(missing_ok=True)
    started = clock.perf_counter()
    generate(work, n, log=log)
    work.replace(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _check_once(path, work, log)
    _stamp(path).write_text(_key(n))
    log(f"generated {n:,} cases in {clock.perf_counter() - started:.0f} s: {path} "
        f"({path.stat().st_size / 2**20:.0f} MiB)")
    return path


def _weekdays(today: date) -> list[date]:
    start = today - timedelta(days=365 * YEARS)
    return [start + timedelta(days=i) for i in range((today - start).days + 1)
            if (start + timedelta(days=i)).weekday() < 5]


def _later_status(rng: random.Random, age: int) -> str:
    """Where an accepted case stands after ``age`` days: recent ones are open, old ones mostly closed."""
    r = rng.random()
    if age <= 3:
        table = [(0.70, status.ACCEPTED), (0.80, status.SUPPLEMENT), (0.95, status.APPROVED), (1.0, status.ISSUED)]
    elif age <= 30:
        table = [(0.08, status.ACCEPTED), (0.13, status.SUPPLEMENT), (0.35, status.APPROVED), (0.93, status.ISSUED),
                 (0.97, status.REFUSED), (1.0, status.CANCELLED)]
    else:  # a few are forgotten: never collected, or never decided (the overdue list)
        table = [(0.003, status.ACCEPTED), (0.008, status.SUPPLEMENT), (0.02, status.APPROVED),
                 (0.95, status.ISSUED), (0.98, status.REFUSED), (1.0, status.CANCELLED)]
    return next(s for limit, s in table if r < limit)


class Generator:
    def __init__(self, db, staff: list[Actor], today: date, seed: int = 2026):
        self.db = db
        self.staff = staff
        self.today = today
        self.people = People(seed)
        self.rng = self.people.rng
        self.services = {sid: registry.get(sid) for sid in SERVICE_WEIGHTS}
        self.weights = list(SERVICE_WEIGHTS.values())
        self.ids = {"case": 0, "doc": 0, "audit": 0, "reg": 0, "claim": 0, "owner": 0, "pending": 0}
        self.writer: audit.Writer | None = None  # set once the connection is open: signs the rows
        self.pending: list[tuple] = []
        self.day = today
        self.sequences: dict[tuple[str, str, date], int] = {}
        self.bikes: list[dict[str, Any]] = []  # registered bikes, transfer and theft cases refer to them
        self.registrations: dict[int, dict[str, Any]] = {}
        self.owner_rows: list[dict[str, Any]] = []
        self.plate_no = 0
        self.templates: dict[tuple[str, int], dict[str, Any]] = {}
        self.samples = samples(today, tuple(SERVICE_WEIGHTS))
        self.calendar = calendar = default_calendar()
        self.deadline_defs: dict[tuple[str, date], list[dict[str, Any]]] = {}
        self.versions = {}
        for sid, service in self.services.items():
            ex = service.example(today)
            a = assess(service, ex["answers"], ex["materials"], today, ex.get("facts", {}), calendar)
            self.versions[sid] = (a.rules_version, a.calendar_version)
        self.reset()

    def reset(self) -> None:
        self.cases: list[dict[str, Any]] = []
        self.docs: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []
        self.bigrams: list[dict[str, Any]] = []
        self.identifiers: dict[tuple[int, str], str] = {}  # (case id, kind) -> value
        self.claims: list[dict[str, Any]] = []
        self.deadlines: list[dict[str, Any]] = []

    def _next(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def _template(self, sid: str, day: date) -> dict[str, Any]:
        key = (sid, day.year * 12 + day.month)  # example dates are relative to the day; a month is close enough
        if key not in self.templates:
            self.templates[key] = self.services[sid].example(day)
        return self.templates[key]

    def _audit(self, at: datetime, actor: Actor, action: str, case_id: int, detail: dict[str, Any]) -> None:
        if at.date() > self.day:  # a later step of the case: logged when the generation reaches that day
            heapq.heappush(self.pending, (at, self._next("pending"), actor, action, case_id, detail))
            return
        self._log(at, actor, action, case_id, detail)

    def release(self, until: date | None) -> None:
        """Log the later steps that happened before ``until`` (all of them for None), in time order."""
        while self.pending and (until is None or self.pending[0][0].date() < until):
            at, _seq, actor, action, case_id, detail = heapq.heappop(self.pending)
            self._log(at, actor, action, case_id, detail)

    def _log(self, at: datetime, actor: Actor, action: str, case_id: int, detail: dict[str, Any]) -> None:
        # NOTE: numbered now, signed at flush (``_sign``) once the batch's cases and papers are stored.
        self.audit.append({"id": self._next("audit"), "at": at, "actor": actor.account.username,
                           "window": actor.window, "action": action, "detail": detail, "case_id": case_id})

    def _sign(self, conn) -> list[dict[str, Any]]:
        """The batch's audit rows, signed like the program's, each with its case's and paper's hash as stored.

        NOTE: a case's columns are written once, in their final state, so every event of it carries
        the final state's hash (the program's earlier events carry earlier states'); the last one is
        what `audit verify` checks, and it matches. The bytes are the program's: two hashes a row."""
        case_ids = {row["case_id"] for row in self.audit if row["case_id"] is not None}
        doc_ids = {row["detail"]["document_id"] for row in self.audit if isinstance(row["detail"].get("document_id"), int)}
        cases, docs = audit_hashes.case_hashes(conn, case_ids), audit_hashes.document_hashes(conn, doc_ids)
        signed = []
        for row in self.audit:
            doc_id = row["detail"].get("document_id")
            doc_id = doc_id if isinstance(doc_id, int) else None
            signed.append({"id": row["id"], **self.writer.row(
                at=row["at"], actor=row["actor"], window=row["window"], action=row["action"], detail=row["detail"],
                case_id=row["case_id"], case_hash=cases.get(row["case_id"]), document_id=doc_id,
                document_hash=docs.get(doc_id) if doc_id is not None else None)})
        return signed

    def _paper(self, kind: str, case: dict[str, Any], answers: dict[str, Any], actor: Actor, at: datetime) -> None:
        service = self.services[case["service_id"]]
        head = header(kind, DOCUMENT_KINDS[kind], service, answers, case["case_no"], actor, at)
        snap = self.samples.paper(case["service_id"], kind, head)
        if snap is None:  # a paper the demo hall did not print for this service
            snap = {**head, "sections": [{"heading": "办理事项", "type": "text",
                                          "text": f"{service.name}，状态：{case['status']}"}]}
        doc_id = self._next("doc")
        self.docs.append({"id": doc_id, "case_id": case["id"], "kind": kind, "title": snap["title"],
                          "snapshot": snap, "copy_no": 1, "reprint_reason": None, "printed_at": at,
                          "printed_by": actor.account.id, "window": actor.window,
                          "sha256": hashlib.sha256(f"{case['case_no']}{kind}".encode()).hexdigest()})
        self._audit(at, actor, "paper.made", case["id"], {"kind": kind, "copy_no": 1, "document_id": doc_id})

    def _answers(self, sid: str, day: date) -> dict[str, Any] | None:
        service, p = self.services[sid], self.people
        answers = dict(self._template(sid, day)["answers"])
        answers[service.name_key] = p.name()
        answers[service.id_key] = p.id_number(p.birth(18, 70, day))
        answers[service.phone_key] = p.phone()
        if sid == "ebike_registration":
            brand, model = p.brand()
            answers.update(frame_no=p.frame_no(), brand=brand, model=model, colour=p.colour(),
                           motor_no=p.motor_no(), owner_address=p.address(), purchase_date=day.isoformat())
        elif sid in ("ebike_transfer", "ebike_theft"):
            if not self.bikes:
                return None
            bike = self.bikes[self.rng.randrange(len(self.bikes))]
            answers.update(plate_no=bike["plate_no"], frame_no=bike["frame_no"])
            if sid == "ebike_theft":
                answers.update(owner_name=bike["owner_name"], owner_id_number=bike["owner_id_number"])
        elif sid == "startup_subsidy":
            answers.update(business_uscc=p.uscc(), business_name=p.business_name(answers["name"]))
        else:
            answers["residence_address"] = p.address()
        return answers

    def one(self, day: date, minute: int) -> None:
        rng = self.rng
        sid = rng.choices(list(SERVICE_WEIGHTS), self.weights)[0]
        service = self.services[sid]
        answers = self._answers(sid, day)
        if answers is None:
            sid, service = "residence_permit", self.services["residence_permit"]
            answers = self._answers(sid, day)
        clerk = self.staff[rng.randrange(1, len(self.staff))]
        supervisor = self.staff[0]
        at = datetime.combine(day, time(8, 30)) + timedelta(minutes=minute, seconds=rng.randrange(60))
        r = rng.random()
        first = status.DRAFT if r < 0.03 else status.NOT_ACCEPTED if r < 0.05 else status.ACCEPTED
        final = first if first != status.ACCEPTED else _later_status(rng, (self.today - day).days)
        decision = {status.DRAFT: "incomplete", status.NOT_ACCEPTED: "refuse"}.get(first, "accept")
        materials = dict(self._template(sid, day)["materials"])
        if first == status.DRAFT:
            materials.pop(next(iter(materials)))
        case_id = self._next("case")
        seq_key = (service.code, clerk.window, day)
        self.sequences[seq_key] = self.sequences.get(seq_key, 0) + 1
        case_no = ec.example_case_no(service.code, day, self.sequences[seq_key], clerk.window)
        rules_version, calendar_version = self.versions[sid]
        later = min(self.today, day + timedelta(days=rng.randint(1, 6)))
        later_at = datetime.combine(later, time(14, 0)) + timedelta(minutes=rng.randrange(180))
        case = {
            "id": case_id, "case_no": case_no, "service_id": sid, "status": final,
            "applicant_name": answers.get(service.name_key), "id_number": answers.get(service.id_key),
            "phone": answers.get(service.phone_key),
            "window": clerk.window, "clerk_id": clerk.account.id, "created_at": at,
            "updated_at": later_at if final != first else at, "received_on": day,
            "accepted_on": day if first == status.ACCEPTED else None, "due_on": None, "decision": decision,
            "answers": answers, "materials": materials,
            # NOTE: g5: the real path's assessment of this service and decision (every finding with
            # its message and basis; bench/samples.py), so a generated case stores what a real one does.
            "assessment": self.samples.assessment(sid, decision, day) or {
                "service_id": sid, "decision": decision, "assessed_on": day.isoformat(),
                "rules_version": rules_version, "calendar_version": calendar_version,
                "findings": [], "missing_materials": [], "amounts": [], "total": None,
                "deadlines": []},
            "rules_version": rules_version, "calendar_version": calendar_version,
            "lifecycle": None, "closed_on": None,
        }
        if final in status.CLOSED:
            case["closed_on"] = day if final == status.NOT_ACCEPTED else later
        self.cases.append(case)
        if sid.startswith("ebike") and first != status.DRAFT:  # the search identifiers (case_identifiers, 0016)
            for kind in ("frame_no", "plate_no"):
                if ec.normalize_code(answers.get(kind)):
                    self.identifiers[(case_id, kind)] = ec.normalize_code(answers.get(kind))
        if first == status.ACCEPTED:
            self._deadlines(case, day, final, later)
        self.bigrams.extend({"bigram": b, "case_id": case_id} for b in name_bigrams(case["applicant_name"]))
        self._audit(at, clerk, f"case.{first if first != status.NOT_ACCEPTED else 'not_accepted'}", case_id,
                    {"service": sid, "case_no": case_no, "decision": decision})
        if first == status.DRAFT:
            if rng.random() < 0.5:
                self._paper("incomplete_notice", case, answers, clerk, at)
            return
        if first == status.NOT_ACCEPTED:
            self._paper("refusal", case, answers, clerk, at)
            return
        self._paper("receipt", case, answers, clerk, at)
        self._hooks(sid, case, answers, final, clerk, at, later)
        self._advance(case, answers, final, clerk, supervisor, later_at)

    _MEETS: ClassVar[dict[str, set[str]]] = {status.APPROVED: {"decision"}, status.REFUSED: {"decision", "completion"},
                                              status.ISSUED: {"decision", "issue", "completion"}}

    def _deadline_rows(self, sid: str, day: date) -> list[dict[str, Any]]:
        """The deadlines the real intake records for a case of ``sid`` accepted on ``day`` (deadlines.record).

        NOTE: g6: from the service's own assessment on that day (the shipped 承诺办结时限, the real
        calendar), so each row has the label, basis, explanation and due date intake writes; g5 wrote
        the key as the label, a placeholder basis and no explanation. Cached per service and day."""
        key = (sid, day)
        if key not in self.deadline_defs:
            service, ex = self.services[sid], self._template(sid, day)
            a = assess(service, ex["answers"], ex["materials"], day, ex.get("facts", {}), self.calendar,
                       strict=False, params=service.params())
            self.deadline_defs[key] = [
                {"key": d.key, "label": d.label, "stage": d.stage, "count": d.count, "unit": d.unit,
                 "extended_days": 0, "basis": str(d.basis)[:200], "explanation": d.explanation, "due_on": d.due,
                 "provisional": d.provisional} for d in a.deadlines]
        return self.deadline_defs[key]

    def _deadlines(self, case: dict[str, Any], day: date, final: str, later: date) -> None:
        """The case's rows in case_deadlines, in the state its final status leaves them (deadlines.settle)."""
        rows = self._deadline_rows(case["service_id"], day)
        for d in rows:
            if final == status.SUPPLEMENT:
                state = "stopped"
            elif d["stage"] in self._MEETS.get(final, set()):
                state = "met"
            elif final in status.CLOSED:
                state = "ended"
            else:
                state = "running"
            self.deadlines.append({"case_id": case["id"], **d, "state": state,
                                   "met_on": later if state in ("met", "ended") else None})
        # NOTE: as intake does (deadlines.latest_due): the case's 办结期限 is its latest deadline's.
        case["due_on"] = max((d["due_on"] for d in rows), default=None)

    def _hooks(self, sid, case, answers, final, clerk, at, later) -> None:
        if sid == "ebike_registration":
            self.plate_no += 1
            plate = f"{PLATE_PREFIX}{self.plate_no:0{PLATE_WIDTH}d}"
            self.identifiers[(case["id"], "plate_no")] = plate
            case["answers"] = {**answers, "plate_no": plate}
            reg_id = self._next("reg")
            reg = {"id": reg_id, "frame_no": self.identifiers[(case["id"], "frame_no")], "plate_no": plate, "status": "registered",
                   "brand": answers["brand"], "model": answers["model"], "colour": answers["colour"],
                   "owner_name": answers["owner_name"], "owner_id_type": "resident_id",
                   "owner_id_number": answers["owner_id_number"], "registered_case_id": case["id"],
                   "registered_on": case["received_on"], "created_at": at, "updated_at": at}
            self.registrations[reg_id] = reg
            self.owner_rows.append({"id": self._next("owner"), "registration_id": reg_id, "kind": "first",
                                    "owner_name": reg["owner_name"], "owner_id_type": "resident_id",
                                    "owner_id_number": reg["owner_id_number"], "from_date": case["received_on"],
                                    "case_id": case["id"], "recorded_at": at})
            if final not in (status.REFUSED, status.CANCELLED):
                self.bikes.append({"reg_id": reg_id, "plate_no": plate, "frame_no": self.identifiers[(case["id"], "frame_no")],
                                   "owner_name": reg["owner_name"], "owner_id_number": reg["owner_id_number"]})
            self._paper("registration_certificate", case, case["answers"], clerk, at)
        elif sid == "ebike_transfer":
            self._paper("transfer_certificate", case, answers, clerk, at)
        elif sid == "startup_subsidy":
            claim_status = {status.ISSUED: "paid", status.REFUSED: "refused", status.CANCELLED: "withdrawn",
                            status.APPROVED: "approved"}.get(final, "accepted")
            self.claims.append({"id": self._next("claim"), "case_id": case["id"], "case_no": case["case_no"],
                                "claim_type": answers.get("claim_type", "site_costs"),
                                "business_uscc": answers.get("business_uscc"), "id_number": case["id_number"],
                                "year": case["received_on"].year, "training_type": None,
                                "amount": f"{self.rng.randint(10, 200) * 100}.00", "status": claim_status,
                                "created_at": at, "updated_at": at})

    def _advance(self, case, answers, final, clerk, supervisor, at) -> None:
        by = supervisor.account.display_name
        life: dict[str, Any] = {}
        if final == status.SUPPLEMENT:
            life["supplement"] = {"on": at.date().isoformat(), "items": ["申请材料原件"], "by": clerk.account.display_name}
            self._audit(at, clerk, "case.supplement_requested", case["id"], {"case_no": case["case_no"]})
            self._paper("supplement_notice", case, answers, clerk, at)
        elif final in (status.APPROVED, status.ISSUED):
            life["decision"] = {"kind": "approved", "on": at.date().isoformat(), "by": by}
            self._audit(at, supervisor, "case.approved", case["id"], {"case_no": case["case_no"]})
            if final == status.ISSUED:
                life["issue"] = {"on": at.date().isoformat(), "receiver_name": case["applicant_name"],
                                 "by_proxy": False}
                self._audit(at + timedelta(minutes=5), clerk, "case.issued", case["id"], {"case_no": case["case_no"]})
                if case["service_id"] == "residence_permit":
                    self._paper("permit_collection", case, answers, clerk, at + timedelta(minutes=5))
        elif final == status.REFUSED:
            life["decision"] = {"kind": "refused", "on": at.date().isoformat(), "by": by, "reasons": ["GN01"]}
            self._audit(at, supervisor, "case.refused", case["id"], {"case_no": case["case_no"]})
            self._paper("refusal_decision", case, answers, supervisor, at)
        elif final == status.CANCELLED:
            life["cancel"] = {"on": at.date().isoformat(), "reason": "申请人主动撤回申请", "by": clerk.account.display_name}
            self._audit(at, clerk, "case.cancelled", case["id"], {"case_no": case["case_no"]})
        case["lifecycle"] = life or None

    def flush(self, conn) -> None:
        idents = [{"case_id": c, "kind": k, "value": v} for (c, k), v in self.identifiers.items()]
        for table, rows in ((Case, self.cases), (CaseNameBigram, self.bigrams), (CaseIdentifier, idents),
                            (Document, self.docs), (SubsidyClaim, self.claims), (CaseDeadline, self.deadlines)):
            if rows:
                conn.execute(insert(table.__table__), rows)
        if self.audit:
            conn.execute(insert(AuditEvent.__table__), self._sign(conn))
        self.reset()


def _staff(db) -> list[Actor]:
    admin = accounts.create_first_admin(db, "admin", "王丽", PASSWORD, PASSWORD, "01")
    staff = [Actor(accounts.create_account(db, admin, "li", "李娜", "supervisor", PASSWORD, PASSWORD), "01", HALL)]
    names = ["张伟", "刘洋", "陈静", "杨帆", "赵敏", "黄磊", "周婷", "吴昊"]
    for i, (window, name) in enumerate(zip(WINDOWS, names, strict=True)):
        info: AccountInfo = accounts.create_account(db, admin, f"clerk{i + 1}", name, "clerk", PASSWORD, PASSWORD)
        staff.append(Actor(info, window, HALL))
    return staff


def _check_once(path: Path, work: Path, log=print) -> None:
    """``PRAGMA quick_check`` on the finished file, and its stamp, as a clerk's PC records a file it checked.

    NOTE: the opening stamped the empty ``.part`` file, and the rename leaves that stamp behind; without
    a real check the first start-up benchmark at the new file would time the check instead of the start.
    """
    from desktop.store import integrity_policy, opening

    integrity_policy.stamp_path(work).unlink(missing_ok=True)
    started = clock.perf_counter()
    problems = opening.quick_check(path)  # the program's own check, as its opening runs it
    if problems:
        raise RuntimeError(f"quick_check of the generated file: {problems[:5]}")
    integrity_policy.record(path)
    log(f"quick_check ok in {clock.perf_counter() - started:.0f} s")


def generate(path: Path | str, n: int, today: date | None = None, log=print) -> None:
    """``n`` cases into the SQLite file ``path`` (or a PostgreSQL URL: bench/pg_lookups.py)."""
    today = today or date.today()
    db = open_database(path)  # the real migrations
    try:
        gen = Generator(db, _staff(db), today)
        days = _weekdays(today)
        per_day, extra = divmod(n, len(days))
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            if db.is_sqlite:
                # NOTE: generation only: no fsync per batch and a big cache while a million index entries
                # go in; the benchmarks reopen the file with HallDesk's own settings (WAL, synchronous=FULL).
                # Set on the driver's connection, outside SQLAlchemy's BEGIN (SQLite refuses to change
                # the safety level inside a transaction).
                raw.execute("PRAGMA synchronous = OFF")
                raw.execute("PRAGMA cache_size = -400000")
            done, started = 0, clock.perf_counter()
            # The accounts made above are audited too; the chain continues from them.
            gen.ids["audit"] = conn.scalar(select(func.max(AuditEvent.id))) or 0
            gen.writer = audit.Writer(conn)
            for i, day in enumerate(days):
                gen.day = day
                gen.release(day)
                count = per_day + (1 if i < extra else 0)
                for k in range(count):
                    gen.one(day, k * 480 // max(count, 1))
                done += count
                if i == len(days) - 1:
                    gen.release(None)
                if len(gen.cases) >= BATCH or i == len(days) - 1:
                    gen.flush(conn)
                    conn.commit()
                    if done % 100_000 < BATCH:
                        log(f"  {done:,} cases, {clock.perf_counter() - started:.0f} s")
            conn.execute(insert(EbikeRegistration.__table__), list(gen.registrations.values()))
            conn.execute(insert(EbikeOwnerHistory.__table__), gen.owner_rows)
            conn.execute(insert(CaseSequence.__table__), [
                {"code": c, "window": w, "day": d, "last": v} for (c, w, d), v in gen.sequences.items()])
            conn.execute(update(PlatePool.__table__).where(PlatePool.prefix == PLATE_PREFIX).values(
                width=PLATE_WIDTH, next_no=gen.plate_no + 1, active=True, updated_at=datetime.now()))
            conn.commit()
            # NOTE: no ANALYZE: a clerk's database has no planner statistics either, so the query
            # shapes must pick their index without them (tests/desktop/cases/test_query_plans.py).
            if db.is_sqlite:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # outside a transaction, like the pragmas
            else:  # the ids were written explicitly: the next real insert takes the next number
                for table in (Case, CaseNameBigram, CaseIdentifier, Document, SubsidyClaim, CaseDeadline, AuditEvent,
                              EbikeRegistration, EbikeOwnerHistory):
                    if "id" in table.__table__.c:
                        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.__tablename__}', 'id'), "
                                             f"coalesce((SELECT max(id) FROM {table.__tablename__}), 0) + 1, false)")
                conn.commit()
    finally:
        db.close()


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(ensure(n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
